## Signing in, registering, confirming it's you, and the pages behind the links sent by mail.

## Shared by several sign-in pages

auth-or = o
auth-sign-in = Iniciar sesión
auth-cancel = Cancelar
auth-forgot-link = ¿Has olvidado tu contraseña?
auth-field-email = Correo electrónico
auth-field-username = Nombre de usuario
auth-field-username-hint = De 3 a 32 letras, cifras, «_», «.» o «-».
auth-field-password = Contraseña
auth-field-password-hint = Al menos 8 caracteres. Como máximo 72 letras o cifras simples: las letras con tilde y los símbolos cuentan como dos o más.
auth-create-account = Crear cuenta
auth-already-registered = ¿Ya tienes una cuenta?

## templates/auth/login.html

auth-login-continue-before = Para continuar en
auth-login-continue-after = , inicia sesión.
auth-field-username-or-email = Nombre de usuario o correo electrónico
auth-login-passkey = Iniciar sesión con una llave de acceso
auth-login-no-account = ¿Aún no tienes una cuenta?
auth-login-register = Regístrate

## templates/auth/login.html: messages from src/routes/web/auth.rs and src/routes/web.rs (shown with tr)

auth-error-too-many-a-second = Demasiados intentos de inicio de sesión desde tu red. Espera un segundo y vuelve a intentarlo.
auth-error-too-many-seconds = Demasiados intentos de inicio de sesión desde tu red. Espera { $seconds } segundos y vuelve a intentarlo.
auth-error-too-many-a-minute = Demasiados intentos de inicio de sesión desde tu red. Espera un minuto y vuelve a intentarlo.
auth-error-too-many-minutes = Demasiados intentos de inicio de sesión desde tu red. Espera { $minutes } minutos y vuelve a intentarlo.
auth-error-enter-username-and-password = Introduce tu nombre de usuario (o correo electrónico) y tu contraseña.
auth-error-no-passkey-answer = Tu navegador no ha proporcionado ninguna llave de acceso (necesita JavaScript y un dispositivo o gestor de contraseñas que guarde llaves de acceso). Vuelve a intentarlo o usa tu contraseña.

## templates/auth/mfa.html

auth-mfa-heading = Autenticación en dos pasos
auth-mfa-intro = Tu contraseña es correcta. Ahora introduce el código de 6 dígitos que muestra tu aplicación de autenticación para Sigil.
auth-mfa-code = Código
auth-mfa-code-hint = Un código de la aplicación o uno de tus códigos de recuperación (como abcde-fghjk): se aceptan los dos. Cada código de recuperación solo funciona una vez.
auth-mfa-submit = Verificar e iniciar sesión
auth-mfa-passkey = Usar una llave de acceso en su lugar
auth-mfa-start-again = Volver a empezar

## templates/auth/mfa.html: a message from src/routes/web/auth/second_step.rs (shown with tr)

auth-error-passkey-answer-unreadable = No se ha podido leer la respuesta de tu navegador con la llave de acceso: vuelve a intentarlo o introduce un código.

## templates/auth/confirm.html

auth-confirm-heading = Confirma que eres tú
auth-confirm-recent = Para esto hace falta un inicio de sesión reciente ({ $minutes ->
        [one] del último minuto
       *[other] de los últimos { $minutes } minutos
    }).
auth-confirm-password = Introduce tu contraseña para continuar.
auth-confirm-password-and-code = Introduce tu contraseña y un código de tu aplicación de autenticación para continuar.
auth-confirm-other-ways = Vuelve a iniciar sesión de una de las formas que aparecen abajo para continuar.
auth-confirm-back-to-form = Después volverás al formulario para enviarlo de nuevo.
auth-confirm-back-to-form-kept = Después volverás al formulario, con lo que escribiste (salvo las contraseñas), para enviarlo de nuevo.
auth-confirm-code = Código de tu aplicación de autenticación
auth-confirm-code-hint = O uno de tus códigos de recuperación (se gastará).
auth-confirm-submit = Confirmar
auth-confirm-with-provider = Confirmar con { $provider }
auth-confirm-with-passkey = Confirmar con una llave de acceso

## templates/auth/confirm.html: messages from src/routes/web/recent.rs (shown with tr)

auth-error-enter-password = Introduce tu contraseña.
auth-error-passkey-answer-unreadable-password = No se ha podido leer la respuesta de tu navegador con la llave de acceso: vuelve a intentarlo o usa la contraseña.

## templates/auth/forgot.html

auth-forgot-heading = ¿Has olvidado tu contraseña?
auth-forgot-sent-before = Si
auth-forgot-sent-after = {" "}pertenece a una cuenta, te hemos enviado un enlace para elegir una contraseña nueva. Funciona una sola vez, durante { $minutes ->
        [one] 1 minuto
       *[other] { $minutes } minutos
    }.
auth-forgot-nothing-arrived = ¿No te ha llegado nada? Revisa la carpeta de spam o
auth-forgot-try-again = vuelve a intentarlo
auth-forgot-intro = Introduce la dirección de tu cuenta y te enviaremos un enlace para elegir una contraseña nueva.
auth-forgot-submit = Enviarme un enlace
auth-forgot-remembered = ¿Ya te acuerdas?

## templates/auth/provider_complete.html

auth-provider-complete-heading = Crea tu cuenta
auth-provider-complete-before = Según { $provider }, tu dirección es
auth-provider-complete-after = . Elige el nombre que verán los demás; iniciarás sesión con { $provider }, sin necesidad de contraseña.

## templates/auth/provider_link.html

auth-provider-link-heading = ¿Vincular este inicio de sesión?
auth-provider-link-before = ¿Vincular la cuenta de { $provider }
auth-provider-link-middle = a
auth-provider-link-after = ? A partir de entonces, al iniciar sesión con { $provider } se abrirá esta cuenta.
auth-provider-link-submit = Vincular { $provider }
auth-provider-taken-heading = Esta dirección ya tiene una cuenta
auth-provider-taken-before = Ya hay una cuenta que usa
auth-provider-taken-after = . Por tu seguridad, un inicio de sesión con { $provider } nunca se vincula a una cuenta por sí solo.
auth-provider-taken-how = Si la cuenta es tuya, inicia sesión en ella como sueles hacerlo; después se te preguntará si quieres vincular { $provider }. Tienes 10 minutos para hacerlo.
auth-provider-taken-sign-in = Iniciar sesión para vincular

## templates/auth/register.html

auth-register-heading = Crear una cuenta
auth-register-invited-before = Te han invitado con
auth-register-invited-after = : tu cuenta usará esta dirección.
auth-field-password-confirm = Confirmar contraseña

## templates/auth/register.html and reset.html: a field message from src/routes/web/auth.rs and src/routes/web/auth/recovery.rs (shown with tr)

auth-error-passwords-differ = Las dos contraseñas no coinciden.

## templates/auth/register_refused.html: headings and messages from src/routes/web/auth.rs and src/accounts/invitations.rs (shown with tr)

auth-refused-closed-heading = El registro está cerrado
auth-refused-closed = Las cuentas nuevas las crean los administradores de este sitio. Si deberías tener una, pídesela a ellos.
auth-refused-invitation-required-heading = El registro es solo por invitación
auth-refused-invitation-required = Pide una invitación a un administrador: llega por correo electrónico, con un enlace que abre esta página lista para registrarte.
auth-refused-bad-invitation-heading = Esta invitación no funciona
auth-refused-bad-invitation = Esta invitación no es válida: ya se ha usado, se ha revocado o ha caducado. Pide una nueva.

## templates/auth/reset.html

auth-reset-heading = Elige una contraseña nueva
auth-reset-new-link = Enviarme un enlace nuevo
auth-field-new-password = Contraseña nueva
auth-field-new-password-confirm = Confirmar contraseña nueva
auth-reset-submit = Guardar la contraseña nueva
auth-reset-sessions-end = Se cerrarán todas las sesiones iniciadas con la contraseña anterior.

## templates/auth/reset.html and verify.html: a message from src/accounts/recovery.rs (shown with tr)

auth-error-bad-link = Este enlace ya no es válido (se ha usado, ha caducado o se ha sustituido por uno más reciente). Pide uno nuevo.

## templates/auth/verify.html

auth-verify-change-heading = ¿Usar esta dirección?
auth-verify-heading = Confirma tu dirección
auth-verify-change-before = Haz que
auth-verify-change-after = sea la dirección de correo electrónico de tu cuenta.
auth-verify-before = Confirma que
auth-verify-after = es la dirección de tu cuenta.
auth-verify-change-submit = Usar { $address }
auth-verify-submit = Confirmar { $address }
auth-verify-not-asked = ¿No lo has pedido tú? Cierra esta página: no cambiará nada hasta que se pulse el botón.
auth-verify-already-heading = Tu dirección ya está confirmada
auth-verify-already-before = Este enlace ya se ha usado:
auth-verify-already-after = está confirmada y no hay que hacer nada más.
auth-verify-done-heading = Dirección confirmada
auth-verify-done-after = está confirmada como la dirección de tu cuenta.
auth-verify-go-to-account = Ir a tu cuenta
auth-verify-failed-heading = Ese enlace no ha funcionado
auth-verify-signed-in-before = ¿Has iniciado sesión? Ve a
auth-verify-signed-in-link = tu cuenta
auth-verify-signed-in-after = {" "}y pide un enlace nuevo.

## templates/auth/verify.html: a message from src/routes/web/auth/recovery.rs (shown with tr)

auth-error-address-taken = Esa dirección ya pertenece a otra cuenta; elige otra.
