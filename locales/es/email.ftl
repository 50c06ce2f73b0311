## The mail Sigil sends (src/accounts/notices.rs, src/mail/message.rs), rendered in the
## recipient's language.

## templates/email/message.html and message.txt

email-button-fallback = Si el botón no funciona, pega esta dirección en tu navegador:
email-your-account = Tu cuenta

## Shared by several messages

email-why-account = Has recibido este mensaje porque esta dirección pertenece a una cuenta de Sigil.
email-not-you = Si no has sido tú, cambia tu contraseña ahora y cierra sesión en todas partes desde la página de tu cuenta.
# One name in a list of names (tokens), quoted.
email-quoted = «{ $name }»
email-fact-when = Cuándo
email-fact-device = Dispositivo
email-fact-address = Dirección IP
# How long a sign-in waits at most: $unit is second, seconds, minute or minutes.
email-wait = { $unit ->
        [second] un segundo
        [seconds] { $count } segundos
        [minute] un minuto
       *[minutes] { $count } minutos
    }

## verify_email

email-verify-subject = Confirma tu dirección de correo electrónico
email-verify-yours = Confirma que esta dirección es tuya para poder usarla si necesitas recuperar el acceso a tu cuenta.
email-verify-lifetime = El enlace funciona una sola vez, durante { $hours ->
        [one] una hora
       *[other] { $hours } horas
    }.
email-verify-action = Confirmar mi dirección
email-verify-why = Has recibido este mensaje porque esta dirección se indicó al crear o modificar una cuenta de Sigil. Si no has sido tú, ignora este mensaje: sin el enlace no ocurre nada.

## password_reset

email-reset-subject = Restablece tu contraseña de Sigil
email-reset-heading = Restablece tu contraseña
email-reset-asked = Alguien ha pedido restablecer la contraseña de la cuenta de Sigil con esta dirección.
email-reset-lifetime = El enlace funciona una sola vez, durante { $minutes ->
        [one] un minuto
       *[other] { $minutes } minutos
    }. Si se vuelve a pedir o se cambia la contraseña, deja de funcionar.
email-reset-not-asked = Si no lo has pedido tú, ignora este mensaje: tu contraseña no cambia.
email-reset-action = Elegir una contraseña nueva

## email_change

email-new-address-subject = Confirma tu nueva dirección de correo electrónico
email-new-address-heading = Confirma tu nueva dirección
email-new-address-asked = Alguien ha pedido que esta sea la dirección de correo electrónico de una cuenta de Sigil.
email-new-address-lifetime = El cambio solo se produce cuando se abre el enlace. Funciona una sola vez, durante { $hours ->
        [one] una hora
       *[other] { $hours } horas
    }.
email-new-address-action = Usar esta dirección
email-new-address-why = Has recibido este mensaje porque esta dirección se indicó como la nueva dirección de una cuenta de Sigil. Si no has sido tú, ignora este mensaje.

## email_change_requested

email-change-requested-subject = Se está cambiando tu dirección de correo electrónico de Sigil
email-change-requested-heading = Se está cambiando tu dirección de correo electrónico
email-change-requested-said = Alguien ha pedido cambiar la dirección de correo electrónico de tu cuenta a { $address }. Solo cambiará cuando se abra un enlace enviado a esa dirección.

## email_changed

email-changed-subject = Se ha cambiado tu dirección de correo electrónico de Sigil
email-changed-heading = Se ha cambiado tu dirección de correo electrónico
email-changed-said = La dirección de correo electrónico de tu cuenta de Sigil ahora es { $address }. Esta dirección ya no recibe sus mensajes, y los enlaces enviados aquí antes (para restablecer la contraseña o confirmar) ya no funcionan.
email-changed-not-you = Si no has sido tú, puede que otra persona tenga tu cuenta: ponte en contacto ahora con el administrador de este sitio. Puede desactivar la cuenta, cerrar todas sus sesiones y devolverle su dirección. Hasta entonces, no abras enlaces de mensajes que digan venir de esta cuenta.

## password_changed

email-password-reset-subject = Se ha restablecido tu contraseña de Sigil
email-password-reset-said = Tu contraseña se ha restablecido con un enlace enviado a esta dirección. Se han cerrado todas las sesiones iniciadas antes.
email-password-changed-subject = Se ha cambiado tu contraseña de Sigil
email-password-changed-said = Tu contraseña se ha cambiado. Se han cerrado todas las sesiones iniciadas antes.
email-password-tokens = Un cambio de contraseña no anula los tokens de acceso personales, así que los scripts siguen funcionando. Estos siguen siendo válidos: { $tokens }. Revoca los que no reconozcas.
email-password-tokens-action = Revisar tus tokens

## new_sign_in

email-new-sign-in-subject = Nuevo inicio de sesión en tu cuenta de Sigil
email-new-sign-in-heading = Nuevo inicio de sesión en tu cuenta
email-new-sign-in-said = Se ha iniciado sesión en tu cuenta desde un dispositivo que no se había usado antes con ella.

## refresh_reuse

email-refresh-reuse-subject = Se ha cerrado una sesión de Sigil por precaución
email-refresh-reuse-heading = Se ha cerrado una sesión por precaución
email-refresh-reuse-said = Se ha vuelto a presentar un token de actualización de una de tus sesiones cuando ya se había usado. Puede que otra persona tenga una copia, así que esa sesión se ha cerrado por precaución.
email-refresh-reuse-advice = Si acabas de volver a iniciar sesión en ese dispositivo, puedes ignorar este mensaje. Si no, cambia tu contraseña.

## mfa_enabled, mfa_disabled, recovery_codes_regenerated

email-mfa-enabled-subject = La autenticación en dos pasos está activada en tu cuenta de Sigil
email-mfa-enabled-said = Se ha añadido una aplicación de autenticación a tu cuenta: al iniciar sesión, ahora se te pedirá un código de ella después de la contraseña.
email-mfa-disabled-subject = Se ha desactivado la autenticación en dos pasos en tu cuenta de Sigil
email-mfa-disabled-said = Se han quitado de tu cuenta la aplicación de autenticación y los códigos de recuperación: al iniciar sesión solo se pide la contraseña.
email-codes-renewed-subject = Nuevos códigos de recuperación para tu cuenta de Sigil
email-codes-renewed-said = Se han generado nuevos códigos de recuperación para tu cuenta; los anteriores ya no funcionan.

## recovery_code_used

email-recovery-code-used-subject = Se ha usado un código de recuperación en tu cuenta de Sigil
email-recovery-code-used-heading = Se ha usado un código de recuperación
email-recovery-code-used-said = Se ha usado un código de recuperación para iniciar sesión en tu cuenta en lugar de un código de tu aplicación de autenticación.
email-recovery-code-used-left = Ese código ya no funciona; { $left ->
        [one] te queda un código de recuperación
       *[other] te quedan { $left } códigos de recuperación
    }. Genera otros nuevos desde la página de tu cuenta cuando te queden pocos.

## account_deleted

email-account-deleted-subject = Se ha eliminado tu cuenta de Sigil
email-account-deleted-heading = Se ha eliminado tu cuenta
email-account-deleted-said = Se ha eliminado tu cuenta de Sigil, junto con sus publicaciones, sesiones y segundos factores. Ya no se puede hacer nada más con ella.
email-account-deleted-not-asked = Si no lo has pedido tú, ponte en contacto con quienes gestionan este Sigil.
email-account-deleted-why = Has recibido este mensaje porque esta dirección pertenecía a una cuenta de Sigil.

## passkey_added, passkey_removed, passkey_used, passkey_clone_suspected

email-passkey-added-subject = Se ha añadido una llave de acceso a tu cuenta de Sigil
email-passkey-added-said = Se ha añadido la llave de acceso «{ $name }» a tu cuenta: ahora sirve para iniciar sesión sin la contraseña o para confirmar un inicio de sesión después de introducirla.
email-passkey-removed-subject = Se ha quitado una llave de acceso de tu cuenta de Sigil
email-passkey-removed-said = Se ha quitado la llave de acceso «{ $name }» de tu cuenta y ya no sirve para iniciar sesión.
email-passkey-used-subject = Se ha usado tu llave de acceso con tu cuenta de Sigil
email-passkey-used-said = Se acaba de usar la llave de acceso «{ $name }» con tu cuenta: para iniciar sesión o para confirmar que eras tú antes de un cambio.
email-passkey-clone-suspected-subject = Se ha rechazado una llave de acceso de tu cuenta de Sigil
email-passkey-clone-suspected-said = Se ha rechazado un inicio de sesión con la llave de acceso «{ $name }»: el contador de firmas del autenticador ha retrocedido, lo que ocurre cuando la clave de la llave de acceso se ha copiado a otro dispositivo. Si no la has copiado tú, quita esta llave de acceso desde la página de tu cuenta.

## pat_created

email-pat-created-subject = Se ha creado un token de acceso personal para tu cuenta de Sigil
email-pat-created-heading = Se ha creado un token de acceso personal
email-pat-created-said = Se ha creado el token de acceso personal «{ $name }». Los scripts que lo tengan pueden actuar en tu nombre con los permisos indicados abajo, sin tu contraseña, hasta que caduque o se revoque.
email-pat-created-not-you = Si no has sido tú, revócalo desde la página de tu cuenta (Tokens de acceso personales) y después cambia tu contraseña.
email-fact-scopes = Permisos
email-fact-expires = Caduca

## pat_revoked ($tokens: the quoted names; $count: how many)

email-pat-revoked-subject = Se ha revocado un token de acceso personal de tu cuenta de Sigil
email-pat-revoked-heading = Se ha revocado un token de acceso personal
email-pat-revoked-by-admin-one = Un administrador ha revocado tu token de acceso personal { $tokens }.
email-pat-revoked-by-admin = Un administrador ha revocado tus tokens de acceso personales { $tokens }.
email-pat-revoked-by-holder = Alguien que tenía tu token de acceso personal { $tokens } lo ha revocado a través del endpoint de revocación. Los escáneres de secretos lo hacen cuando encuentran un token publicado, en un repositorio o en un registro.
email-pat-revoked-by-disabling = { $count ->
        [one] Un administrador ha desactivado tu cuenta, lo que ha revocado tu token de acceso personal { $tokens }. Seguirá revocado aunque la cuenta se vuelva a activar.
       *[other] Un administrador ha desactivado tu cuenta, lo que ha revocado tus tokens de acceso personales { $tokens }. Seguirán revocados aunque la cuenta se vuelva a activar.
    }
email-pat-revoked-scripts = Los scripts que lo usaban ahora reciben 401. Crea un token nuevo desde la página de tu cuenta si todavía lo necesitan.

## invitation

email-invitation-subject = Te han invitado a Sigil
email-invitation-said = { $inviter } te ha invitado a crear una cuenta en Sigil con esta dirección.
email-invitation-lifetime-one-day = El enlace funciona una sola vez, durante 1 día. La cuenta que crea usa esta dirección.
email-invitation-lifetime = El enlace funciona una sola vez, durante { $days } días. La cuenta que crea usa esta dirección.
email-invitation-action = Crear mi cuenta
email-invitation-why = Has recibido este mensaje porque un administrador de este Sigil ha invitado a esta dirección. Si no quieres una cuenta, ignora este mensaje: sin el enlace no ocurre nada.

## sign_in_attempts

email-sign-in-attempts-subject = Inicios de sesión fallidos en tu cuenta de Sigil
email-sign-in-attempts-heading = Alguien está intentando iniciar sesión en tu cuenta
email-sign-in-attempts-said = Han fallado { $failures } inicios de sesión seguidos en tu cuenta: contraseñas o códigos del segundo factor incorrectos. El último se hizo desde el dispositivo y la dirección que aparecen abajo.
email-sign-in-attempts-not-locked = Tu cuenta no está bloqueada. Con cada nuevo fallo, el siguiente intento tendrá que esperar un poco más, hasta { $wait }.
email-sign-in-attempts-get-in = Para entrar ahora, inicia sesión con una llave de acceso si tienes una, o elige una contraseña nueva con un enlace de restablecimiento: ninguna de las dos opciones tiene espera. Si estos intentos no han sido tuyos, una contraseña nueva además cierra todas las sesiones.
email-sign-in-attempts-action = Obtener un enlace de restablecimiento
email-fact-failed-sign-ins = Inicios de sesión fallidos

## app_authorized

email-app-authorized-subject = Una aplicación ya puede usar tu cuenta de Sigil
email-app-authorized-heading = Una aplicación ya puede usar tu cuenta
email-app-authorized-said = Has permitido que «{ $app }» use tu cuenta de Sigil. Puede hacer lo que se indica abajo hasta que le retires el acceso.
email-app-authorized-take-back = Para retirárselo, abre la página de tu cuenta y, en «Aplicaciones con acceso», revoca la aplicación. Su sesión se cierra al momento y la próxima vez te volverá a pedir permiso.
email-app-authorized-not-you = Si no has sido tú, revoca la aplicación, cambia tu contraseña y cierra sesión en todas partes.
email-app-authorized-action = Revisar las aplicaciones con acceso
email-fact-app = Aplicación
email-fact-access = Acceso

## identity_linked, identity_unlinked

email-identity-linked-subject = { $provider } ya puede iniciar sesión en tu cuenta de Sigil
email-identity-linked-said = Tu cuenta de { $provider } se ha vinculado a tu cuenta de Sigil: al iniciar sesión con { $provider } ahora se abre esta cuenta.
email-identity-unlinked-subject = Se ha desvinculado { $provider } de tu cuenta de Sigil
email-identity-unlinked-said = Tu cuenta de { $provider } se ha desvinculado de tu cuenta de Sigil y ya no sirve para iniciar sesión en ella.
email-identity-not-you = Si no has sido tú, cambia tu contraseña, cierra sesión en todas partes desde la página de tu cuenta y desvincula cualquier proveedor que no reconozcas.
