## Shared by the consent and device pages.

oauth-signed-in-as = Sesión iniciada como
oauth-you-are-signed-in-as = Has iniciado sesión como
oauth-not-you = ¿No eres tú? Inicia sesión con otra cuenta
oauth-asks-to = { $client } quiere:
oauth-admin-warning = Esto incluye acceso de administrador: { $client } podría actuar sobre las cuentas de otras personas mientras seas administrador. Permítelo solo si confías en esta aplicación.
oauth-allow = Permitir
oauth-deny = Denegar
oauth-take-back = Puedes retirar este acceso en cualquier momento en «Aplicaciones con acceso», en la página de tu cuenta.
oauth-continue = Continuar

## What each scope lets an app do (src/auth/scopes.rs in_words and Scope::description, shown
## through tr() on the consent and device pages).

oauth-scope-openid = Iniciar tu sesión con tu cuenta de Sigil
oauth-scope-profile = Ver tu nombre de usuario
oauth-scope-email = Ver tu dirección de correo electrónico y si está verificada
oauth-scope-offline-access = Seguir conectada aunque no la estés usando
oauth-scope-profile-read = Leer tu perfil (GET /api/users/me)
oauth-scope-posts-read = Leer publicaciones, incluidas tus publicaciones privadas
oauth-scope-posts-write = Escribir, editar y eliminar tus publicaciones (y leerlas)
oauth-scope-sessions-read = Ver tus sesiones y la actividad de tu cuenta
oauth-scope-admin-read = Leer usuarios y eventos mientras seas administrador
oauth-scope-admin-write = Desactivar, activar y cerrar la sesión de usuarios y enviarles enlaces de restablecimiento; revocar sus tokens; borrar sus inicios de sesión fallidos

## templates/oauth/consent.html

oauth-consent-title = ¿Permitir que { $client } use tu cuenta?
# Between the username and the host the browser goes back to, both in bold.
oauth-consent-go-back = . Cuando respondas, volverás a
oauth-scope-new = nuevo

## templates/oauth/continue.html

oauth-continue-title = Continuar a { $client }
oauth-continue-intro = Sigil te está llevando a iniciar sesión en { $client }.

## templates/oauth/logout.html

oauth-logout-title = ¿Cerrar sesión en Sigil?
oauth-logout-client-asks = { $client } quiere cerrar tu sesión en Sigil.
oauth-logout-app-asks = Una aplicación quiere cerrar tu sesión en Sigil.
# Follows the username in bold.
oauth-logout-apps-keep = . Las aplicaciones a las que permitiste seguir conectadas conservan su acceso.
oauth-logout-sign-out = Cerrar sesión
oauth-stay-signed-in = Mantener la sesión iniciada

## templates/oauth/switch.html

oauth-switch-title = { $client } pide otra cuenta
# Follows the username in bold.
oauth-switch-intro = , pero { $client } ha pedido que inicie sesión otra persona. Cierra sesión y vuelve a iniciarla con la cuenta que espera { $client }.
oauth-switch-button = Cerrar sesión y volver a iniciarla
oauth-switch-stay = Seguir con la sesión iniciada como { $username }

## Pages about an authorization request that cannot go on (src/routes/web/oauth.rs and
## src/routes/web/oauth/logout.rs: the error page, shown through tr()).

oauth-error-expired = Esta solicitud ha caducado; vuelve a la aplicación e inténtalo de nuevo.
oauth-error-unreadable-parameters = No se han podido leer los parámetros de la solicitud.
oauth-error-unknown-client = La aplicación que te ha enviado aquí no está registrada en Sigil.
oauth-error-choose = Elige «Permitir» o «Denegar».
oauth-error-redirect-not-uri = La URI de redirección no es una URI válida.
oauth-error-unreadable = No se ha podido leer la solicitud.
oauth-error-parameter-too-long = El parámetro { $name } es demasiado largo.
oauth-error-parameter-repeated = El parámetro { $name } aparece más de una vez.
oauth-error-foreign-hint = El id_token_hint de la aplicación no es un id_token firmado por Sigil, así que no se ha cerrado ninguna sesión.
oauth-error-hint-other-client = El id_token_hint se emitió para una aplicación distinta de la que indica client_id, así que no se ha cerrado ninguna sesión.
oauth-error-unregistered-logout-redirect = La dirección a la que la aplicación pidió volver tras cerrar sesión no está registrada para ella, así que no se ha cerrado ninguna sesión.
# The authorization request's own checks (src/oidc/authorize.rs).
oauth-error-missing-parameter = A la solicitud le falta { $name }: la aplicación que te ha enviado aquí ha cometido un error.
oauth-error-parameter-twice = La solicitud indica { $name } más de una vez: la aplicación que te ha enviado aquí ha cometido un error.
oauth-error-parameter-empty = El parámetro { $name } de la solicitud está vacío: la aplicación que te ha enviado aquí ha cometido un error.
oauth-error-request-parameter-too-long = El parámetro { $name } de la solicitud es demasiado largo.
oauth-error-unregistered-redirect = La dirección a la que esta solicitud te devolvería no está registrada para esta aplicación, así que Sigil no te llevará allí.

## templates/device/entry.html

oauth-device-entry-title = Conectar un dispositivo
oauth-device-entry-intro = Introduce el código que muestra tu televisor, tu consola o tu línea de comandos. Antes de que se permita nada, verás qué aplicación lo pide y qué podrá hacer.
oauth-device-code = Código
oauth-device-code-hint = 8 letras, por ejemplo BCDF-GHJK
oauth-device-entry-aside = ¿No lo has iniciado tú en un dispositivo tuyo? Entonces cierra esta página: quien te envía un código quiere entrar en tu cuenta.
# Under the code field (src/oidc/device.rs, src/accounts/device.rs and src/routes/web/device.rs,
# shown through tr()).
oauth-device-malformed = Introduce las 8 letras que muestra tu dispositivo, por ejemplo BCDF-GHJK (los guiones y los espacios dan igual).
oauth-device-unknown = Sigil no ha generado ese código. Compáralo con el de tu dispositivo.
oauth-device-expired = Ese código ha caducado. Vuelve a empezar en tu dispositivo para obtener uno nuevo.
oauth-device-used = Ese código ya se ha respondido. Vuelve a empezar en tu dispositivo si necesitas uno nuevo.
oauth-device-too-many-a-second = Demasiados intentos desde tu red. Espera un segundo y vuelve a intentarlo.
oauth-device-too-many-seconds = Demasiados intentos desde tu red. Espera { $count } segundos y vuelve a intentarlo.
oauth-device-too-many-a-minute = Demasiados intentos desde tu red. Espera un minuto y vuelve a intentarlo.
oauth-device-too-many-minutes = Demasiados intentos desde tu red. Espera { $count } minutos y vuelve a intentarlo.

## templates/device/confirm.html

oauth-device-confirm-title = ¿Permitir { $client } en tu dispositivo?
oauth-device-code-label = El código
oauth-device-warning-strong = Continúa solo si este código aparece en tu dispositivo.
oauth-device-warning = Si alguien te ha enviado este código, o no acabas de empezar a iniciar sesión en un dispositivo, elige «Denegar»: quien tenga el dispositivo entraría en tu cuenta.

## templates/device/answered.html

oauth-device-allowed-title = Ya puedes volver a tu dispositivo
oauth-device-allowed = { $client } ha iniciado sesión en tu dispositivo. Puede tardar unos segundos en notarlo.
# Around a link to the "Apps with access" part of the account page.
oauth-device-not-you-before = ¿No has sido tú? Retira su acceso en
oauth-device-not-you-link = Aplicaciones con acceso
oauth-device-denied-title = Denegado
oauth-device-denied = No se ha permitido { $client }. El dispositivo no recibe nada y su código ya no funciona.
