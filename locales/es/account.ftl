## The account pages: /account, its activity, deleting it, two-step sign-in.

# Words that come from Rust come first: tr() takes the first message with the same English,
# and the event label "Signed in" must win over the column heading "Signed in".

## Words from Rust shown on /account (through tr()): src/routes/web/account.rs, account/*.rs,
## lines.rs, src/auth/scopes.rs

account-rust-never = nunca
account-rust-never-asked = nunca se preguntó (una aplicación propia)
account-rust-error-current-password = Introduce tu contraseña actual.
account-rust-error-passwords-differ = Las dos contraseñas no coinciden.
account-rust-error-same-address = Esta ya es tu dirección.
account-rust-error-removal-password = Introduce tu contraseña para confirmar que eres tú.
account-rust-passkey-added = Llave de acceso «{ $name }» añadida: ya puedes iniciar sesión con ella.
account-rust-passkey-removed = Llave de acceso eliminada: ya no sirve para iniciar sesión.

# The create-a-token form's scope descriptions (Scope::description).
account-scope-profile-read = Leer tu perfil (GET /api/users/me)
account-scope-posts-read = Leer publicaciones, incluidas tus publicaciones privadas
account-scope-posts-write = Escribir, editar y eliminar tus publicaciones (y leerlas)
account-scope-sessions-read = Ver la lista de tus sesiones y la actividad de tu cuenta
account-scope-admin-read = Leer usuarios y eventos mientras seas administrador
account-scope-admin-write = Desactivar, activar y cerrar la sesión de usuarios y enviarles enlaces de restablecimiento; revocar sus tokens; borrar sus inicios de sesión fallidos

# "Apps with access": each scope in words, then its name (apps_access::describe).
account-app-scope-openid = Iniciar tu sesión con tu cuenta de Sigil (openid)
account-app-scope-profile = Ver tu nombre de usuario (profile)
account-app-scope-email = Ver tu dirección de correo electrónico y si está verificada (email)
account-app-scope-offline-access = Seguir conectada mientras no la usas (offline_access)
account-app-scope-profile-read = Leer tu perfil (GET /api/users/me) (profile:read)
account-app-scope-posts-read = Leer publicaciones, incluidas tus publicaciones privadas (posts:read)
account-app-scope-posts-write = Escribir, editar y eliminar tus publicaciones (y leerlas) (posts:write)
account-app-scope-sessions-read = Ver la lista de tus sesiones y la actividad de tu cuenta (sessions:read)
account-app-scope-admin-read = Leer usuarios y eventos mientras seas administrador (admin:read)
account-app-scope-admin-write = Desactivar, activar y cerrar la sesión de usuarios y enviarles enlaces de restablecimiento; revocar sus tokens; borrar sus inicios de sesión fallidos (admin:write)

# Device labels (src/http/client.rs, Device): "Firefox 132 on Windows".
account-device-on = { $browser } en { $os }
account-device-unknown = Cliente desconocido

## templates/partials/events.html: the event labels (src/audit.rs, EventKind::label), every kind,
## through tr(). (The partial's own words and "by an administrator" are in common.ftl.)

account-event-sign-in = Sesión iniciada
account-event-sign-in-failed = Inicio de sesión fallido
account-event-sign-out = Sesión cerrada
account-event-logout-all = Sesión cerrada en todas partes
account-event-session-revoked = Sesión revocada
account-event-refresh-token-reuse = Token de actualización reutilizado: sesión finalizada
account-event-password-changed = Contraseña cambiada
account-event-password-reset-requested = Restablecimiento de contraseña solicitado
account-event-password-reset = Contraseña restablecida con un enlace enviado por correo electrónico
account-event-email-change-requested = Cambio de correo electrónico solicitado
account-event-email-changed = Dirección de correo electrónico cambiada
account-event-email-verified = Dirección de correo electrónico verificada
account-event-rate-limited = Demasiados intentos de inicio de sesión
account-event-user-disabled = Cuenta desactivada por un administrador
account-event-user-enabled = Cuenta activada por un administrador
account-event-admin-logout-all = Sesión cerrada en todas partes por un administrador
account-event-admin-password-reset = Enlace de restablecimiento enviado por un administrador
account-event-role-changed = Rol cambiado por un administrador
account-event-user-deleted = Cuenta eliminada por un administrador
account-event-second-factor-failed = Código del segundo factor incorrecto
account-event-totp-enabled = Aplicación de autenticación añadida
account-event-totp-disabled = Aplicación de autenticación quitada
account-event-recovery-codes-regenerated = Nuevos códigos de recuperación generados
account-event-recovery-code-used = Código de recuperación usado
account-event-reauthenticated = Identidad confirmada
account-event-account-deleted = Cuenta eliminada
account-event-token-revoked = Token revocado por un cliente
account-event-passkey-added = Llave de acceso añadida
account-event-passkey-removed = Llave de acceso eliminada
account-event-passkey-used = Llave de acceso usada
account-event-passkey-clone-suspected = Llave de acceso rechazada: su contador retrocedió
account-event-password-check-failed = Contraseña actual incorrecta
account-event-pat-created = Token de acceso personal creado
account-event-pat-revoked = Token de acceso personal revocado
account-event-sign-in-delayed = Inicios de sesión retrasados tras varios fallos
account-event-sign-in-failures-cleared = Inicios de sesión fallidos borrados
account-event-session-expired = Sesión caducada
account-event-invitation-created = Invitación enviada
account-event-invitation-revoked = Invitación revocada
account-event-invitation-accepted = Invitación aceptada
account-event-consent-granted = Acceso concedido a una aplicación
account-event-consent-denied = Acceso denegado a una aplicación
account-event-consent-revoked = Acceso revocado a una aplicación
account-event-oauth-grant = Tokens emitidos para una aplicación
account-event-oauth-code-reuse = Código de autorización usado dos veces
account-event-client-created = Cliente OAuth registrado
account-event-client-updated = Cliente OAuth modificado
account-event-client-deleted = Cliente OAuth eliminado
account-event-client-secret-rotated = Secreto del cliente OAuth renovado
account-event-backchannel-logout-failed = No se avisó a una aplicación de un cierre de sesión
account-event-provider-sign-in-failed = Inicio de sesión fallido con otro proveedor
account-event-identity-linked = Proveedor de inicio de sesión vinculado
account-event-identity-unlinked = Proveedor de inicio de sesión desvinculado
# An administrator reads the admin actions' labels with the administrator's name
# (lines.rs replaces "by an administrator" with "by administrator <name>").
account-event-user-disabled-by = Cuenta desactivada por el administrador { $name }
account-event-user-enabled-by = Cuenta activada por el administrador { $name }
account-event-admin-logout-all-by = Sesión cerrada en todas partes por el administrador { $name }
account-event-admin-password-reset-by = Enlace de restablecimiento enviado por el administrador { $name }
account-event-role-changed-by = Rol cambiado por el administrador { $name }
account-event-user-deleted-by = Cuenta eliminada por el administrador { $name }

## templates/account/index.html

account-title = Tu cuenta
account-profile-title = Perfil
account-profile-username = Nombre de usuario
account-profile-email = Correo electrónico
account-profile-confirmed = confirmado
account-profile-not-confirmed = sin confirmar
account-profile-member-since = Miembro desde
account-profile-confirm-hint = Confirma que esta dirección es tuya: es adonde enviamos los avisos de seguridad y el enlace para elegir una contraseña nueva si la olvidas.
account-profile-resend = Volver a enviar el enlace

account-email-title = Cambiar la dirección de correo electrónico
account-email-new = Nuevo correo electrónico
account-email-current-password = Contraseña actual
account-email-confirm-hint = Cuando envíes el formulario, te pediremos una vez que confirmes que eres tú: entonces cambiará la dirección.
account-email-submit = Enviar un enlace a la nueva dirección
account-email-hint = La dirección cambia cuando sigues el enlace que enviamos allí; avisamos a tu dirección actual.

account-password-title = Cambiar la contraseña
account-password-current = Contraseña actual
account-password-new = Nueva contraseña
account-password-new-hint = Al menos 8 caracteres. Como máximo 72 letras o dígitos simples: las letras con tilde y los símbolos cuentan como dos o más.
account-password-confirm = Confirmar la nueva contraseña
account-password-submit = Cambiar la contraseña
account-password-hint = Al cambiar tu contraseña se cierran todas las demás sesiones.
account-password-set-title = Establecer una contraseña
account-password-set-intro = Tu cuenta no tiene contraseña: inicias sesión con un proveedor. Una contraseña te da otra forma de entrar.
account-password-set-intro-passkeys = Tu cuenta no tiene contraseña: inicias sesión con un proveedor o una llave de acceso. Una contraseña te da otra forma de entrar.
account-password-set-submit = Enviarme un enlace para establecer una contraseña

account-providers-title = Proveedores de inicio de sesión
account-providers-none = Todavía ningún proveedor inicia sesión en esta cuenta.
account-providers-caption = Proveedores vinculados a esta cuenta
account-providers-col-provider = Proveedor
account-providers-col-account = Cuenta
account-providers-col-linked = Vinculado
account-providers-col-last-used = Último uso
account-providers-col-action = Acción
account-providers-unlink = Desvincular
account-providers-link = Vincular { $provider }

account-mfa-title = Autenticación en dos pasos
account-mfa-on = activada
account-mfa-on-text = Al iniciar sesión, después de tu contraseña se te pide un código de tu aplicación de autenticación.
account-mfa-codes-left =
    { $count ->
        [one] Te queda { $count } código de recuperación.
       *[other] Te quedan { $count } códigos de recuperación.
    }
account-mfa-codes-low = Genera otros nuevos antes de que se te acaben.
account-mfa-new-codes = Nuevos códigos de recuperación
account-mfa-remove-password = Tu contraseña, para quitar la aplicación de autenticación
account-mfa-remove = Quitar la aplicación de autenticación
account-mfa-on-hint = Los códigos nuevos sustituyen a los anteriores, que dejan de funcionar. Quitar la aplicación desactiva la autenticación en dos pasos.
account-mfa-off-text = Desactivada. Con una aplicación de autenticación (como Google Authenticator, Aegis o 1Password), al iniciar sesión también se te pide un código de 6 dígitos de tu teléfono, así que una contraseña robada no basta.
account-mfa-add = Añadir una aplicación de autenticación

account-passkeys-title = Llaves de acceso
account-passkeys-errors-title = No se ha añadido la llave de acceso
account-passkeys-intro = Una llave de acceso inicia tu sesión con el bloqueo de pantalla de tu dispositivo o una llave de seguridad en lugar de tu contraseña. No se puede robar con phishing: solo funciona en este sitio.
account-passkeys-intro-mfa = Una llave de acceso inicia tu sesión con el bloqueo de pantalla de tu dispositivo o una llave de seguridad en lugar de tu contraseña, o confirma un inicio de sesión en lugar de un código de tu aplicación. No se puede robar con phishing: solo funciona en este sitio.
account-passkeys-none = Todavía no hay llaves de acceso.
account-passkeys-col-name = Nombre
account-passkeys-col-added = Añadida
account-passkeys-col-last-used = Último uso
account-passkeys-col-actions = Acciones
account-passkeys-remove-password = Tu contraseña, para quitar { $name }
account-passkeys-password-placeholder = Tu contraseña
account-passkeys-remove = Quitar
account-passkeys-name = Nombre de la nueva llave de acceso
account-passkeys-name-hint = Para distinguirla de otras, como «Portátil» o «YubiKey».
account-passkeys-add = Añadir una llave de acceso
account-passkeys-needs-js = Para añadir una llave de acceso se necesita JavaScript: la crea el navegador.

account-tokens-title = Tokens de acceso personal
account-tokens-intro-before = Un token de acceso personal permite que un script llame a la API por ti, solo con los permisos que elijas, hasta que caduque o lo revoques. Envíalo como
account-tokens-intro-after = . Cerrar sesión en todas partes o cambiar tu contraseña no invalida los tokens: revócalos aquí.
account-tokens-new-title = Tu nuevo token «{ $name }».
account-tokens-new-text = Cópialo ahora: solo se muestra esta vez y Sigil guarda únicamente un hash.
account-tokens-new-label = Tu token
account-tokens-example = Por ejemplo:
account-tokens-none = Todavía no hay tokens.
account-tokens-col-name = Nombre
account-tokens-col-scopes = Permisos
account-tokens-col-expires = Caduca
account-tokens-col-last-used = Último uso
account-tokens-col-actions = Acciones
account-tokens-expired = caducado
account-tokens-revoke-label = Revocar { $name }
account-tokens-revoke = Revocar
account-tokens-create-title = Crear un token
account-tokens-name = Nombre del token
account-tokens-name-hint = Qué lo usa, como «script de despliegue» o «cron de copias de seguridad».
account-tokens-scopes = Permisos
account-tokens-expires = Caducidad
account-tokens-expires-in-days = en { $days } días
account-tokens-expires-on-date = en una fecha
account-tokens-expiry-date = Fecha de caducidad
account-tokens-create = Crear el token

account-sessions-title = Sesiones activas
account-sessions-col-device = Dispositivo
account-sessions-col-address = Dirección
account-sessions-col-signed-in = Inicio de sesión
account-sessions-col-last-used = Último uso
account-sessions-col-actions = Acciones
account-sessions-this-browser = este navegador
account-sessions-revoke = Revocar
account-sessions-logout-all = Cerrar sesión en todas partes

account-apps-title = Aplicaciones con acceso
account-apps-intro = Aplicaciones a las que permites iniciar tu sesión con tu cuenta de Sigil y lo que puede hacer cada una. Al revocar una, su sesión se cierra al instante; la próxima vez te volverá a pedir permiso.
account-apps-none = Ninguna aplicación tiene acceso a tu cuenta.
account-apps-col-app = Aplicación
account-apps-col-may = Puede
account-apps-col-allowed = Permitida
account-apps-col-last-used = Último uso
account-apps-col-signed-in = Sesiones
account-apps-col-actions = Acciones
account-apps-not-signed-in = sin sesión
account-apps-sessions =
    { $count ->
        [one] { $count } sesión
       *[other] { $count } sesiones
    }
account-apps-revoke-label = Revocar el acceso de { $name }
account-apps-revoke = Revocar

account-activity-section-title = Actividad de seguridad reciente
account-activity-older = Actividad anterior

account-delete-section-title = Eliminar la cuenta
account-delete-section-text = Tu cuenta, tus publicaciones y tus sesiones desaparecen para siempre.
account-delete-section-link = Eliminar mi cuenta…

## templates/account/activity.html

account-activity-title = Actividad de seguridad
account-activity-lead = Cada inicio de sesión, cierre de sesión y cambio en la seguridad de tu cuenta, primero lo más reciente. ¿Hay algo que no reconoces? Cambia tu contraseña y cierra sesión en todas partes desde
account-activity-lead-link = tu cuenta

## templates/account/delete.html

account-delete-title = Eliminar tu cuenta
account-delete-intro = Esto elimina para siempre:
account-delete-item-account = tu cuenta
account-delete-item-posts = todas las publicaciones que escribiste, públicas o privadas,
account-delete-item-sessions = tus sesiones en todos los dispositivos (se cierran),
account-delete-item-mfa = tu aplicación de autenticación y tus códigos de recuperación, si usas la autenticación en dos pasos.
account-delete-hint = El registro de seguridad conserva lo que le ha ocurrido a la cuenta (con su número, no con tu contraseña ni tus códigos), como deben hacer los registros de auditoría. Enviamos un último mensaje a { $email }.
account-delete-password = Tu contraseña
account-delete-confirm-legend = Confirmación
account-delete-confirm = Entiendo que mi cuenta y mis publicaciones se eliminan y no se pueden recuperar.
account-delete-submit = Eliminar mi cuenta
account-delete-keep = Conservar mi cuenta
account-rust-error-enter-password = Introduce tu contraseña.
account-rust-error-tick-box = Marca la casilla para indicar que entiendes que esto no se puede deshacer.

## templates/account/mfa_enrol.html

account-enrol-title = Añadir una aplicación de autenticación
account-enrol-qr-label = Código QR: la clave que aparece en el paso 2, para tu aplicación de autenticación
account-enrol-step-scan = 1. Escanea este código QR
account-enrol-scan-text = Abre tu aplicación de autenticación (Google Authenticator, Aegis, 1Password, Authy…), elige añadir una cuenta y escanea el código.
account-enrol-step-type = 2. O escribe la clave
account-enrol-type-text = Si no puedes escanear, introduce esta clave en la aplicación (basada en el tiempo, 6 dígitos):
account-enrol-key-label = Clave
account-enrol-copy = Copiar la clave
account-enrol-key-length = Un clic selecciona toda la clave ({ $count } caracteres).
account-enrol-on-phone = ¿Estás en este teléfono?
account-enrol-open-link = Abre la clave en tu aplicación de autenticación
account-enrol-step-code = 3. Introduce el código que muestra la aplicación
account-enrol-code = Código de 6 dígitos
account-enrol-submit = Activar la autenticación en dos pasos
account-enrol-hint = La autenticación en dos pasos sigue desactivada hasta que confirmes aquí un código de la aplicación.

## templates/account/recovery_codes.html

account-codes-shown-title = Tus códigos de recuperación ya se mostraron
account-codes-shown-text = Por tu seguridad, los códigos de recuperación nuevos solo se muestran durante los diez minutos siguientes a su creación, y Sigil solo guarda una versión ilegible que no se puede volver a mostrar.
account-codes-shown-next = Si los guardaste, no tienes que hacer nada más. Si no, genera otros nuevos: los anteriores dejarán de funcionar.
account-codes-make-new = Generar nuevos códigos de recuperación
account-codes-back = Volver a mi cuenta
account-codes-title = Tus códigos de recuperación
account-codes-intro = Si pierdes el teléfono, cada uno de estos códigos inicia tu sesión una vez en lugar de un código de la aplicación.
account-codes-only-once = Esta es la única vez que se muestran:
account-codes-save = guárdalos ahora en un lugar distinto de tu teléfono.
account-codes-download = Descargar como archivo de texto
account-codes-saved = Ya los guardé: volver a mi cuenta
# The headline over the codes (src/routes/web/account/mfa.rs), shown through tr().
account-rust-codes-headline-on = La autenticación en dos pasos está activada. A partir de ahora, al iniciar sesión se te pedirá un código de tu aplicación.
account-rust-codes-headline-new = Nuevos códigos de recuperación. Los anteriores ya no funcionan.
account-rust-codes-bad-download = Estos no son códigos de recuperación: genera otros nuevos en la página de tu cuenta.

## src/routes/web/account/mfa.rs: the downloaded recovery codes file.
account-codes-file-title = Códigos de recuperación de Sigil de { $username }
account-codes-file-saved = Guardados el { $when }
account-codes-file-each = Cada código te permite iniciar sesión una vez en lugar de un código de tu aplicación de autenticación.
account-codes-file-keep = Guárdalos en un lugar seguro, lejos de tu teléfono.
