# Words the Rust code makes that pages show (titles, flash messages, field and error
# messages), for tr(): each English message is exactly the text the code produces.

## src/accounts/events.rs
msg-events-user-not-id = El usuario debe indicarse con su ID de usuario (un número entero).

## src/accounts/federation.rs
msg-provider-cancelled = Has cancelado el inicio de sesión con { $provider }.
msg-provider-state = Ese inicio de sesión ha tardado demasiado o empezó en otro navegador; inténtalo de nuevo.
msg-provider-unreachable = No se ha podido contactar con { $provider }; inténtalo más tarde.
msg-provider-no-email = No se ha podido iniciar sesión con { $provider }: { $provider } no ha compartido ninguna dirección de correo electrónico, y una cuenta nueva la necesita.
msg-provider-registration-closed = No se ha podido iniciar sesión con { $provider }: no hay ninguna cuenta vinculada y este sitio no crea cuentas nuevas de esa forma.
msg-provider-linked-elsewhere = Esta cuenta de { $provider } está vinculada a otra cuenta de Sigil.
msg-provider-not-confirmed = { $provider } no ha confirmado que acabas de ser tú: vuelve a iniciar sesión allí o usa otro método.
msg-provider-failed = No se ha podido iniciar sesión con { $provider }.

## src/accounts/federation/identities.rs
msg-last-sign-in-method = Es la única forma de entrar en tu cuenta: establece una contraseña o añade una llave de acceso antes de desvincularla.

## src/accounts/invitations.rs
msg-registration-closed-detail = El registro está cerrado: las cuentas las crea un administrador.
msg-registration-invitation-detail = El registro es solo por invitación: regístrate con el enlace de tu invitación.
msg-invitation-locale = Elige en, de o es.

## src/accounts/mfa.rs
msg-reauth-code-needed = La autenticación en dos pasos está activada: introduce el código de tu aplicación de autenticación (o un código de recuperación).

## src/accounts/mfa/codes.rs
msg-totp-wrong-code = Ese código no es correcto (o ya se ha usado): introduce el código que muestra ahora tu aplicación de autenticación.

## src/accounts/mfa/enrolment.rs
msg-totp-already-on = Ya hay una aplicación de autenticación activada; quítala antes de añadir otra.
msg-totp-no-enrolment = No hay ninguna configuración que confirmar: empieza una primero (una aplicación de autenticación ya activada no necesita confirmación).
msg-recovery-codes-need-totp = La autenticación en dos pasos no está activada: los códigos de recuperación van unidos a una aplicación de autenticación.

## src/accounts/mfa/owner.rs
msg-owner-proof-needed = Introduce tu contraseña (o un código de tu aplicación de autenticación) para confirmar que eres tú.
msg-owner-proof-both = Indica la contraseña o un código, no ambos.

## src/accounts/passkeys.rs
msg-passkeys-too-many = Una cuenta puede tener como máximo 20 llaves de acceso: quita una primero.
msg-passkeys-unavailable = Las llaves de acceso no están disponibles aquí: PUBLIC_URL debe indicar un nombre de host (no una dirección IP), p. ej., http://localhost:8080 en desarrollo.
msg-passkey-already-registered = Esta llave de acceso ya está registrada.

## src/accounts/passkeys/reauth.rs
msg-reauth-no-passkey = Esta cuenta no tiene ninguna llave de acceso: confirma con la contraseña.

## src/accounts/passkeys/sign_in.rs
msg-second-step-no-passkey = Esta cuenta no tiene ninguna llave de acceso: usa un código.

## src/accounts/password.rs
msg-wrong-password = La contraseña no es correcta.
msg-wrong-current-password = La contraseña actual no es correcta.

## src/accounts/pats.rs
msg-field-required = Este campo es obligatorio.
msg-must-be-string = Debe ser una cadena de texto.
msg-pat-admin-scopes = admin:read y admin:write son solo para administradores.
msg-pat-days = Debe ser un número entero de días entre 1 y { $max }.
msg-pat-scopes-array = Debe ser una lista de nombres de ámbitos.
msg-pat-too-many = Tienes 50 tokens de acceso personales activos: revoca primero uno que ya no uses.

## src/accounts/refusal.rs
msg-wrong-credentials = El nombre de usuario o la contraseña no son correctos.
msg-account-disabled = Esta cuenta se ha desactivado. Ponte en contacto con un administrador.
msg-email-not-verified = Confirma primero tu dirección de correo electrónico: te hemos enviado un enlace nuevo.
msg-mfa-expired = Tu inicio de sesión ha caducado o ya se usó (dura cinco minutos): vuelve a iniciar sesión.
msg-code-fifth-wrong = Ese código no es correcto y era el quinto erróneo: vuelve a iniciar sesión.
msg-code-wrong-one-left = Ese código no es correcto (o ya se ha usado). Te queda 1 intento; después tendrás que volver a iniciar sesión.
msg-code-wrong-tries-left = Ese código no es correcto (o ya se ha usado). Te quedan { $tries } intentos; después tendrás que volver a iniciar sesión.
msg-passkey-fifth-failed = No se ha aceptado la llave de acceso y era el quinto intento fallido: vuelve a iniciar sesión.
msg-account-delayed-second = Demasiados inicios de sesión fallidos en esta cuenta. Espera un segundo y vuelve a intentarlo, inicia sesión con una llave de acceso o pide un enlace para restablecer la contraseña con «¿Has olvidado tu contraseña?».
msg-account-delayed-seconds = Demasiados inicios de sesión fallidos en esta cuenta. Espera { $seconds } segundos y vuelve a intentarlo, inicia sesión con una llave de acceso o pide un enlace para restablecer la contraseña con «¿Has olvidado tu contraseña?».
msg-account-delayed-minute = Demasiados inicios de sesión fallidos en esta cuenta. Espera un minuto y vuelve a intentarlo, inicia sesión con una llave de acceso o pide un enlace para restablecer la contraseña con «¿Has olvidado tu contraseña?».
msg-account-delayed-minutes = Demasiados inicios de sesión fallidos en esta cuenta. Espera { $minutes } minutos y vuelve a intentarlo, inicia sesión con una llave de acceso o pide un enlace para restablecer la contraseña con «¿Has olvidado tu contraseña?».
msg-passkey-no-ceremony = Esta solicitud de llave de acceso ha caducado o ya se usó: pide opciones nuevas y vuelve a intentarlo.
msg-passkey-unknown = Esta llave de acceso no está registrada aquí.
msg-passkey-not-accepted = No se ha aceptado la llave de acceso: { $why }.
msg-passkey-not-accepted-origin = No se ha aceptado la llave de acceso: el origen no es el de este sitio.
msg-passkey-not-accepted-rp-id = No se ha aceptado la llave de acceso: se creó para otra parte de confianza (RP ID).
msg-passkey-not-accepted-not-verified = No se ha aceptado la llave de acceso: el autenticador no ha verificado al usuario.
msg-passkey-not-accepted-not-present = No se ha aceptado la llave de acceso: el autenticador no ha detectado la presencia del usuario.
msg-passkey-not-accepted-signature = No se ha aceptado la llave de acceso: la firma no es válida.
msg-passkey-not-accepted-challenge = No se ha aceptado la llave de acceso: responde a otro desafío.
msg-passkey-not-accepted-client-data = No se ha aceptado la llave de acceso: los datos del cliente son de un tipo incorrecto.
msg-passkey-not-accepted-registered = No se ha aceptado la llave de acceso: esta llave de acceso ya está registrada.
msg-passkey-not-accepted-no-handle = No se ha aceptado la llave de acceso: la respuesta no indica ningún identificador de usuario (no es una llave de acceso detectable).
msg-passkey-counter = Se ha rechazado esta llave de acceso: su contador de firmas ha retrocedido, así que podría existir una copia. Se ha avisado al titular de la cuenta.

## src/accounts/search.rs
msg-search-too-long = La búsqueda puede tener como máximo 100 caracteres.

## src/audit.rs
msg-event-kind-unknown = Tipo de evento desconocido; usa uno de estos: { $kinds }.

## src/auth/csrf.rs
msg-csrf = Falta el token CSRF o no coincide con esta sesión. Vuelve a cargar la página e inténtalo de nuevo.

## src/auth/scopes.rs
msg-scopes-empty = Elige al menos un ámbito: { $scopes }.
msg-scope-unknown = «{ $scope }» no es un ámbito; usa { $scopes }.
msg-scope-oidc = «{ $scope }» es un ámbito de OpenID Connect, para aplicaciones que inician la sesión de los usuarios; un token de acceso personal admite { $scopes }.

## src/auth/totp.rs
msg-code-format = Introduce el código de 6 dígitos de tu aplicación de autenticación o un código de recuperación.
msg-totp-format = Introduce el código de 6 dígitos que muestra tu aplicación de autenticación.

## src/config/protection.rs
msg-email-domains = Las cuentas están limitadas a direcciones de { $domains }.

## src/db/posts.rs
msg-post-not-author = Solo el autor puede cambiar esta publicación.

## src/db/sessions.rs
msg-refresh-unknown = No se reconoce el token de actualización.
msg-refresh-expired = El token de actualización ha caducado.
msg-refresh-revoked = Se ha revocado la sesión del token de actualización.
msg-refresh-reused = El token de actualización ya se había usado; se ha revocado su sesión como precaución.

## src/db/sessions/limits.rs
msg-session-idle = la sesión ha caducado por inactividad
msg-session-max-age = la sesión ha alcanzado su duración máxima; vuelve a iniciar sesión

## src/db/users.rs
msg-email-taken = Este correo electrónico ya está registrado.
msg-username-taken = Este nombre de usuario ya está en uso.

## src/domain/cursor.rs
msg-bad-cursor = Este cursor no lo ha emitido este servidor; empieza por la primera página.

## src/domain/page.rs
msg-bad-limit = limit debe ser un número entero entre 1 y 100.

## src/domain/passkeys.rs
msg-passkey-name-blank = Ponle un nombre a la llave de acceso para distinguirla de las demás.
msg-name-one-line = El nombre debe ser una sola línea sin caracteres de control.
msg-name-max-64 = El nombre puede tener como máximo 64 caracteres.

## src/domain/pats.rs
msg-token-name-blank = Ponle al token un nombre que indique qué lo usa.
msg-name-max-100 = El nombre puede tener como máximo 100 caracteres.

## src/domain/posts.rs
msg-title-blank = El título no puede estar vacío.
msg-title-one-line = El título debe ser una sola línea sin caracteres de control.
msg-title-too-long = El título puede tener como máximo 200 caracteres.
msg-body-blank = El texto no puede estar vacío.
msg-body-nul = El texto no puede contener el carácter NUL (U+0000).
msg-body-too-long = El texto puede tener como máximo 20.000 caracteres.
msg-visibility = La visibilidad debe ser "public" o "private".

## src/domain/users.rs
msg-username-length = El nombre de usuario debe tener entre 3 y 32 caracteres.
msg-username-chars = El nombre de usuario solo puede contener letras, dígitos, «_», «.» y «-».
msg-email-invalid = Introduce una dirección de correo electrónico válida, como nombre@example.com.
msg-password-max-bytes = La contraseña puede tener como máximo 72 bytes.
msg-password-nul = La contraseña no puede contener el carácter NUL.
msg-password-too-long-chars = Esta contraseña es demasiado larga: usa como máximo 72 caracteres (la tuya tiene { $characters }).
msg-password-too-long-bytes = Esta contraseña es demasiado larga. El límite es de 72 letras o dígitos simples, y las letras con acento y los símbolos cuentan como dos o más cada uno, así que tus { $characters } caracteres cuentan como { $bytes }. Acórtala un poco.
msg-role = El rol debe ser "user" o "admin".

## src/error.rs
msg-unsupported-body = El cuerpo tiene un tipo de contenido que esta ruta no acepta.
msg-unavailable = El servicio no está disponible.
msg-auth-required = Es necesario iniciar sesión.
msg-body-too-large = El cuerpo de la solicitud supera los 128 KiB.
msg-headers-too-large = Las cabeceras de la solicitud son demasiado grandes.
msg-sign-in-delayed = Demasiados inicios de sesión fallidos en esta cuenta: espera { $seconds } s y vuelve a intentarlo (una llave de acceso o un enlace de restablecimiento funcionan ya).
msg-too-many-requests = Demasiados intentos; vuelve a intentarlo dentro de { $seconds } s.
msg-status-request-timeout = Se ha agotado el tiempo de espera de la solicitud.
msg-status-length-required = Se requiere la longitud.
msg-status-uri-too-long = URI demasiado largo.
msg-value-taken = Ese valor ya está en uso.

## src/error/fields.rs
msg-body-incomplete = El cuerpo está incompleto.

## src/error/password_reason.rs
msg-password-too-short = Usa al menos 8 caracteres.
msg-password-too-long = Usa como máximo 72 bytes.
msg-password-context = Esta contraseña se parece demasiado a tu nombre de usuario, a tu correo electrónico o al nombre de este sitio.
msg-password-common = Esta contraseña es una de las más usadas; elige otra.
msg-password-breached = Esta contraseña ha aparecido en una filtración de datos; elige otra.

## src/http/body.rs
msg-form-content-type = Envía el formulario como application/x-www-form-urlencoded.
msg-form-unreadable = No se ha podido leer el formulario: { $reason }
msg-invalid-value = Valor no válido: { $reason }.

## src/inspector/encoder.rs
msg-encoder-no-alg = La cabecera necesita un alg, como "HS256" o "RS256".
msg-encoder-alg-unknown = El codificador firma con HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA o none; no con { $alg }.
msg-encoder-needs-key-hmac = { $alg } necesita una clave: un secreto HMAC (texto, o base64url tras base64:).
msg-encoder-needs-key-rsa = { $alg } necesita una clave: una clave privada RSA en PEM (BEGIN PRIVATE KEY o BEGIN RSA PRIVATE KEY).
msg-encoder-needs-key-ec384 = { $alg } necesita una clave: una clave privada EC P-384 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ec256 = { $alg } necesita una clave: una clave privada EC P-256 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ed25519 = { $alg } necesita una clave: una clave privada Ed25519 en PEM (BEGIN PRIVATE KEY).
msg-encoder-none-key = Con alg none no se firma: deja la clave vacía.
msg-encoder-cannot-sign-rsa = La clave no puede firmar { $alg }: hace falta una clave privada RSA en PEM (BEGIN PRIVATE KEY o BEGIN RSA PRIVATE KEY).
msg-encoder-cannot-sign-ec384 = La clave no puede firmar { $alg }: hace falta una clave privada EC P-384 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ec256 = La clave no puede firmar { $alg }: hace falta una clave privada EC P-256 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ed25519 = La clave no puede firmar { $alg }: hace falta una clave privada Ed25519 en PEM (BEGIN PRIVATE KEY).
msg-encoder-header-too-large = La cabecera es demasiado grande (como máximo 65536 bytes).
msg-encoder-payload-too-large = La carga útil es demasiado grande (como máximo 65536 bytes).
msg-encoder-header-not-json = La cabecera no es un JSON válido: { $error }.
msg-encoder-payload-not-json = La carga útil no es un JSON válido: { $error }.
msg-encoder-hmac-pem = { $alg } necesita un secreto HMAC (texto, o base64url tras base64:). Una clave PEM con un algoritmo HMAC es justo el ataque de confusión de algoritmos.
msg-encoder-base64 = Tras base64: va el secreto en base64url; esto no es base64 válido.
msg-encoder-hmac-empty = El secreto HMAC está vacío: tras base64: va el secreto.
msg-encoder-wrong-key-rsa = { $alg } necesita una clave privada RSA en PEM (BEGIN PRIVATE KEY o BEGIN RSA PRIVATE KEY).
msg-encoder-wrong-key-ec384 = { $alg } necesita una clave privada EC P-384 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ec256 = { $alg } necesita una clave privada EC P-256 en PEM (BEGIN PRIVATE KEY o BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ed25519 = { $alg } necesita una clave privada Ed25519 en PEM (BEGIN PRIVATE KEY).

## src/inspector/input.rs
msg-inspector-paste-token = Pega un token para inspeccionarlo.
msg-inspector-token-too-long = El token es demasiado largo (como máximo 65536 bytes).
msg-inspector-name-too-long = Como máximo 2048 bytes.

## src/inspector/pasted_key.rs
msg-key-too-large = La clave es demasiado grande ({ $bytes } bytes; como máximo 65536).
msg-key-empty = La clave está vacía: pega un secreto, una clave pública PEM, un JWK o un JWKS.
msg-key-base64 = Tras base64: va el secreto en base64url (o base64); esto no es base64 válido.
msg-key-hmac-empty = El secreto HMAC está vacío.

## src/inspector/pasted_key/jwk.rs
msg-jwk-unparsable = La clave parece JSON, pero no se puede analizar ({ $error }); se esperaba un JWK o un JWKS.
msg-jwk-expected = Se esperaba un JWK (un objeto con kty) o un JWKS (un objeto con keys).
msg-jwks-keys-array = El campo keys de un JWKS es una lista de JWK.
msg-jwks-too-many = El JWKS tiene { $count } claves; se leen como máximo 100.
msg-jwks-key-not-object = keys[{ $index }] no es un objeto JSON.
msg-jwks-no-usable-key = El JWKS no tiene ninguna clave RSA, EC P-256/P-384, Ed25519 ni oct.
msg-jwk-unsupported = El kty/crv del JWK no es de los que Sigil usa para verificar: RSA, EC (P-256, P-384), OKP (Ed25519) u oct.
msg-jwk-member-not-string = { $member } debe ser una cadena de texto.
msg-jwk-member-missing = al JWK le falta { $member }.
msg-jwk-member-not-base64url = { $member } no está en base64url.
msg-jwk-k-empty = k (el secreto) está vacío.
msg-jwk-rsa-positive = n y e deben ser números positivos.
msg-jwk-ec-size = x e y de una clave { $curve } tienen { $size } bytes cada una.
msg-jwk-ed25519-size = x de una clave Ed25519 tiene 32 bytes.

## src/inspector/pasted_key/pem_key.rs
msg-pem-unparsable = El texto PEM no se puede analizar (revisa las líneas BEGIN/END y el base64 entre ellas); se esperaba una clave pública PEM (-----BEGIN PUBLIC KEY-----), una RSA PUBLIC KEY, un CERTIFICATE o una PRIVATE KEY de tipo RSA, EC P-256/P-384 o Ed25519.
msg-pem-no-usable-key = El bloque { $block } no contiene ninguna clave que Sigil pueda usar; se esperaba una clave pública PEM (-----BEGIN PUBLIC KEY-----), una RSA PUBLIC KEY, un CERTIFICATE o una PRIVATE KEY de tipo RSA, EC P-256/P-384 o Ed25519.
msg-pem-private-unparsable = El bloque { $block } no se puede leer como clave RSA, EC P-256/P-384 ni Ed25519.
msg-pem-encrypted = La clave privada está cifrada: pega en su lugar la clave pública (openssl pkey -in key.pem -pubout).
msg-pem-not-a-key = Un bloque PEM de tipo { $block } no es una clave; se esperaba una clave pública PEM (-----BEGIN PUBLIC KEY-----), una RSA PUBLIC KEY, un CERTIFICATE o una PRIVATE KEY de tipo RSA, EC P-256/P-384 o Ed25519.

## src/oidc/clients.rs
msg-not-null = No puede ser null; omite el campo para conservar el valor.
msg-fixed-at-registration = Se fija al registrar el cliente: no se puede cambiar.

## src/oidc/clients/fields.rs
msg-client-id-format = Usa de 3 a 64 caracteres entre A–Z, a–z, 0–9, punto, guion bajo y guion.
msg-client-name-blank = Ponle un nombre al cliente: aparece en la página de consentimiento.
msg-client-type = Elige confidential (tiene un secreto) o public (aplicaciones nativas, SPA, CLI).
msg-uri-blank = Un URI no puede estar vacío.
msg-uri-too-long = Un URI puede tener como máximo 2000 caracteres.
msg-uri-spaces = Un URI no puede contener espacios ni caracteres de control.
msg-uri-wildcard = No se permiten comodines (*): registra cada URI exactamente.
msg-uri-fragment = Un URI no puede tener fragmento (#…).
msg-uri-absolute = Debe ser un URI absoluto, con su esquema (https://…).
msg-uri-userinfo = Un URI no puede llevar nombre de usuario ni contraseña (userinfo).
msg-uri-http = http solo se permite hacia 127.0.0.1, [::1] o localhost; usa https.
msg-uri-private-scheme = Un esquema de uso privado ({ $scheme }:) es solo para clientes públicos (RFC 8252).
msg-uri-scheme = Usa https, http hacia un host de loopback o (para un cliente público) un esquema de uso privado con un punto, como com.example.app:/callback.
msg-uris-array = Debe ser una lista de URI.
msg-uris-too-many = Como máximo 20 URI.
msg-uris-strings = Debe ser una lista de URI (cadenas de texto).
msg-uri-named-too-long = «{ $uri }»: Un URI puede tener como máximo 2000 caracteres.
msg-uri-named-spaces = «{ $uri }»: Un URI no puede contener espacios ni caracteres de control.
msg-uri-named-wildcard = «{ $uri }»: No se permiten comodines (*): registra cada URI exactamente.
msg-uri-named-fragment = «{ $uri }»: Un URI no puede tener fragmento (#…).
msg-uri-named-absolute = «{ $uri }»: Debe ser un URI absoluto, con su esquema (https://…).
msg-uri-named-userinfo = «{ $uri }»: Un URI no puede llevar nombre de usuario ni contraseña (userinfo).
msg-uri-named-http = «{ $uri }»: http solo se permite hacia 127.0.0.1, [::1] o localhost; usa https.
msg-uri-named-private-scheme = «{ $uri }»: Un esquema de uso privado ({ $scheme }:) es solo para clientes públicos (RFC 8252).
msg-uri-named-scheme = «{ $uri }»: Usa https, http hacia un host de loopback o (para un cliente público) un esquema de uso privado con un punto, como com.example.app:/callback.
msg-logout-uri-scheme = Usa https (o, en desarrollo, http hacia 127.0.0.1, [::1] o localhost).
msg-grant-types-array = Debe ser una lista de tipos de concesión: { $types }.
msg-grant-type-unknown = «{ $grant }» no es un tipo de concesión; usa { $types }.
msg-grant-types-empty = Elige al menos un tipo de concesión: { $types }.
msg-client-scope-string = Debe ser una cadena de nombres de ámbitos separados por espacios.

## src/oidc/clients/spec.rs
msg-true-or-false = Debe ser true o false.
msg-code-grant-needs-redirect = La concesión authorization_code necesita al menos un URI de redirección.
msg-grace-hours = Debe ser un número entero de horas entre 0 y 168.

## src/routes/web/account.rs
msg-password-changed = Contraseña cambiada. Se han cerrado todas las demás sesiones.
msg-this-session-revoked = Se ha revocado esta sesión; has cerrado sesión.
msg-session-revoked = Sesión revocada.
msg-signed-out-everywhere = Se ha cerrado tu sesión en todas partes.
msg-email-change-link-sent = Hemos enviado un enlace a { $email }. Tu dirección cambiará cuando lo abras.
msg-verification-resent = Hemos enviado un enlace nuevo a { $email }.

## src/routes/web/account/apps.rs
msg-app-access-revoked = Acceso revocado: se ha cerrado la sesión de «{ $app }» y volverá a pedirte permiso.

## src/routes/web/account/delete.rs
msg-account-deleted = Se ha eliminado tu cuenta { $username }, con sus publicaciones y sesiones. Adiós.

## src/routes/web/account/identities.rs
msg-provider-unlinked = Desvinculado: ese proveedor ya no inicia sesión en esta cuenta.
msg-set-password-link-sent = Hemos enviado un enlace a { $email }: ábrelo para establecer tu contraseña.
msg-set-password-too-many = Ya hemos enviado varios enlaces en la última hora: usa el más reciente o vuelve a intentarlo más tarde.

## src/routes/web/account/mfa.rs
msg-totp-turned-off = La autenticación en dos pasos está desactivada: se han quitado la aplicación de autenticación y los códigos de recuperación.

## src/routes/web/account/tokens.rs
msg-token-revoked = Token revocado: los scripts que lo usen recibirán ahora un 401.

## src/routes/web/admin.rs
msg-title-user = Usuario { $username }

## src/routes/web/admin/actions.rs
msg-admin-user-disabled = Se ha desactivado la cuenta de { $username }: no puede iniciar sesión y todas sus sesiones han terminado.
msg-admin-user-enabled = Se ha activado la cuenta de { $username }: ya puede volver a iniciar sesión.
msg-admin-user-signed-out = Se ha cerrado la sesión de { $username } en todas partes.
msg-admin-reset-link-sent = Se está enviando un enlace para restablecer la contraseña al correo electrónico del usuario.
msg-admin-failures-cleared = Inicios de sesión fallidos borrados: el próximo inicio de sesión no tendrá que esperar.
msg-admin-now-admin = { $username } ahora es administrador.
msg-admin-now-user = { $username } ahora es un usuario normal (no administrador).
msg-admin-account-deleted = Se ha eliminado la cuenta { $username }; sus eventos de seguridad se conservan.

## src/routes/web/admin/clients.rs
msg-title-client = Cliente { $name }
msg-client-saved = Cliente «{ $name }» guardado.
msg-client-deleted = Cliente { $client } eliminado; sus sesiones han terminado.

## src/routes/web/admin/invitations.rs
msg-invitation-sent =
    { $days ->
        [one] Invitación enviada a { $email }. Su enlace funciona una sola vez, durante un día.
       *[other] Invitación enviada a { $email }. Su enlace funciona una sola vez, durante { $days } días.
    }
msg-invitation-revoked = Se ha revocado la invitación a { $email }.

## src/routes/web/auth.rs
msg-welcome-back = Hola de nuevo, { $username }.
msg-change-your-password = Cambiar la contraseña
msg-password-flagged = Tu contraseña aparece ahora en una lista de contraseñas habituales o filtradas, que son las primeras que prueban los atacantes. Elige una nueva.
msg-welcome-ready = ¡Te damos la bienvenida a Sigil, { $username }! Tu cuenta está lista.
msg-welcome-confirm = ¡Te damos la bienvenida a Sigil, { $username }! Confirma tu dirección con el enlace que hemos enviado a { $email } y después inicia sesión.
msg-welcome-ready-link-sent = ¡Te damos la bienvenida a Sigil, { $username }! Tu cuenta está lista. Hemos enviado un enlace a { $email } para confirmar tu dirección.
msg-signed-out = Has cerrado sesión.
msg-no-refresh-cookie = No hay ninguna cookie de actualización; vuelve a iniciar sesión.

## src/routes/web/auth/provider.rs
msg-provider-linked = Tu cuenta de { $provider } está vinculada: ya puedes iniciar sesión con ella.
msg-confirmed-its-you = Confirmado: eres tú.
msg-welcome-confirm-provider = ¡Te damos la bienvenida a Sigil, { $username }! Confirma tu dirección con el enlace que hemos enviado a { $email } y después inicia sesión con { $provider }.
msg-provider-cannot-confirm = { $provider } no puede confirmar un inicio de sesión reciente: usa tu contraseña o una llave de acceso.

## src/routes/web/auth/recovery.rs
msg-password-reset-done = Se ha cambiado tu contraseña. Inicia sesión con ella.

## src/routes/web/device.rs
msg-title-allow-device = ¿Permitir este dispositivo?
msg-title-device-allowed = Dispositivo permitido

## src/routes/web/locale.rs
msg-locale-unknown = { $locale } no es un idioma que Sigil hable: elige en, de o es.

## src/routes/web/oauth.rs
msg-title-another-account = Otra cuenta
msg-title-allow-access = ¿Permitir el acceso?

## src/routes/web/oauth/logout.rs
msg-you-are-signed-out = Has cerrado sesión.

## src/routes/web/posts.rs
msg-post-created = Publicación creada.
msg-post-updated = Publicación actualizada.
msg-post-deleted = Publicación eliminada.

## src/routes/web/recent.rs
msg-admin-pages-only = Estas páginas son solo para administradores.
msg-confirmed-email-link-sent = Confirmado: eres tú. Hemos enviado un enlace a { $email }. Tu dirección cambiará cuando lo abras.
msg-confirmed-send-again = Confirmado: eres tú. Ahora vuelve a enviar el formulario.
