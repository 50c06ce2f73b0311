site-name = Sigil
skip-to-content = Saltar al contenido
nav-main = Principal
nav-posts = Publicaciones
nav-new-post = Nueva publicación
nav-token-inspector = Inspector de tokens
nav-admin = Administración
signed-in-as = Sesión iniciada como
sign-out = Cerrar sesión
sign-in = Iniciar sesión
register = Registrarse
footer-tagline = Publicaciones autenticadas con JWT
footer-status = Estado
footer-api-docs = Documentación de la API
language-picker = Idioma
language-picker-submit = Cambiar idioma
error-title-prefix = Error:{" "}
error-summary-title = Corrige lo siguiente

## templates/errors/error.html (headings and sentences from src/routes/web/errors.rs, through tr())
common-error-not-found-title = Página no encontrada
common-error-not-found = No hay nada en esta dirección.
common-error-forbidden-title = No permitido
common-error-forbidden = No tienes permiso para hacer eso.
common-error-unauthorized-title = Inicia sesión
common-error-unauthorized = Tienes que iniciar sesión para ver esta página.
common-error-method-not-allowed = Esta página no acepta ese tipo de solicitud.
common-error-too-large-title = Demasiado grande
common-error-too-large = Lo que has enviado supera los 128 KiB.
common-error-not-a-form-title = No es un formulario
common-error-not-a-form = Esta página solo acepta formularios enviados por un navegador.
common-error-slow-down-title = Más despacio
common-error-slow-down = Demasiados intentos. Espera un minuto y vuelve a intentarlo.
common-error-server-title = Algo ha salido mal
common-error-server = Algo ha salido mal por nuestra parte. Ha quedado registrado; vuelve a intentarlo.
common-error-other-title = Eso no ha funcionado
common-error-other = No se ha podido procesar la solicitud.
common-error-back = Volver a las publicaciones

## templates/partials/events.html
common-events-none = Todavía no hay eventos de seguridad.
common-events-what = Qué ha pasado
common-events-account = Cuenta
common-events-when = Cuándo
common-events-address = Dirección
common-events-device = Dispositivo
# From src/routes/web/lines.rs (EventLine), through tr().
common-events-by-an-administrator = por un administrador
common-events-by-administrator = por el administrador { $name }
common-events-deleted-account = cuenta eliminada n.º { $id }

## templates/partials/providers.html
common-providers-or = o
common-continue-with = Continuar con { $provider }

## Words the page's scripts show (static/js), handed to them in data attributes.
common-js-passkey-elsewhere = Las llaves de acceso solo funcionan en la dirección propia de este sitio: abre { $url } e inténtalo allí.
common-js-passkey-exists = Este dispositivo ya guarda una llave de acceso para tu cuenta.
common-js-passkey-cancelled = No se usó ninguna llave de acceso: la solicitud se canceló o caducó. Inténtalo de nuevo.
common-js-copied = Copiado.
common-js-copy-failed = No se pudo copiar: selecciona la clave y cópiala tú.
common-from = desde
common-qr-label = Código QR para escanear con tu aplicación de autenticación

## src/routes/web/lines.rs: the facts recorded with an event, as the event tables show them.
common-fact-signed-in-with = sesión iniciada con { $proofs }
common-fact-key-value = { $key }: { $value }
common-fact-new-device = desde un dispositivo nuevo
common-fact-name-tried = nombre probado: { $name }
common-fact-was = antes { $value }
common-fact-now = ahora { $value }
common-fact-sessions-ended = sesiones cerradas: { $count }
common-proof-pwd = contraseña
common-proof-otp = aplicación de autenticación
common-proof-swk = llave de acceso
common-proof-hwk = llave de seguridad
common-proof-fed = cuenta de otro sitio
common-proof-none = nada registrado
common-proofs-and = { $rest } y { $last }

## src/routes/web/lines.rs: recorded codes of events (reasons, steps, methods), in words.
common-fact-step = paso
common-fact-method = método
common-fact-via = vía
common-code-wrong-password = contraseña incorrecta
common-code-second-factor-failures = fallos del segundo factor
common-code-second-factor-failed = falló el segundo factor
common-code-disabled = desactivada
common-code-email-not-verified = correo electrónico sin verificar
common-code-sign-in-delayed = inicio de sesión retrasado
common-code-registration-closed = registro cerrado
common-code-access-denied = acceso denegado
common-code-linked-elsewhere = vinculada a otra cuenta
common-code-no-email = sin correo electrónico
common-code-unreachable = inaccesible
common-code-issuer-mismatch = el emisor no coincide
common-code-passkey-unknown = llave de acceso desconocida
common-code-passkey-invalid = llave de acceso no válida
common-code-passkey-counter-went-back = el contador de la llave de acceso retrocedió
common-code-passkey-challenge-unknown = desafío de llave de acceso desconocido
common-code-refresh-refused = renovación rechazada
common-code-mfa-token-unknown = token de dos pasos desconocido
common-code-replaced = sustituida
common-code-admin = administrador
common-code-idle = inactiva
common-code-reauthenticate = confirmar identidad
common-code-passkey = llave de acceso
common-code-fed = otra cuenta
common-code-cli = línea de comandos
common-code-mfa = segundo paso
common-code-login = inicio de sesión
common-code-max-age = duración máxima alcanzada
