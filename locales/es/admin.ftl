## Shared by the admin pages: the navigation, table headings, badges and roles.

admin-nav-users = Usuarios
admin-nav-events = Eventos de seguridad
admin-nav-invitations = Invitaciones
admin-nav-clients = Clientes OAuth
admin-next-page = Página siguiente →
admin-col-id = ID
admin-col-username = Nombre de usuario
admin-col-email = Correo electrónico
admin-col-role = Rol
admin-col-state = Estado
admin-col-created = Creación
admin-col-device = Dispositivo
admin-col-address = Dirección
admin-col-signed-in = Inicio de sesión
admin-col-last-used = Último uso
admin-col-name = Nombre
admin-col-scopes = Ámbitos
admin-col-expires = Caducidad
admin-col-invited-by = Invitación de
admin-col-sent = Envío
admin-col-action = Acción
admin-col-client = Cliente
admin-col-type = Tipo
admin-badge-admin = administrador
admin-badge-disabled = desactivada
admin-role-admin = Administrador
admin-role-user = Usuario
# Why an action was refused (src/accounts and src/oidc/clients, shown above the forms through tr()).
admin-refusal-last-admin = Este es el último administrador activo: haz primero administrador a otro usuario o Sigil se quedaría sin ninguno.
admin-refusal-has-account = Esa dirección ya tiene una cuenta.
admin-refusal-client-id-taken = Ese client_id ya está registrado; elige otro o déjalo en blanco.
admin-refusal-public-no-secret = Un cliente público no tiene secreto que renovar: se autentica solo con PKCE.

## templates/admin/users.html

admin-users-query = Buscar usuarios por nombre de usuario o correo electrónico
admin-users-query-hint = Parte de un nombre o de una dirección; déjalo vacío para verlos a todos.
admin-users-search = Buscar
admin-users-none = Ningún usuario coincide.
admin-users-fix-search = Corrige la búsqueda para ver usuarios.
admin-role-user-short = usuario
admin-state-active-short = activa

## templates/admin/user.html

admin-user-profile = Perfil
admin-user-you = tú
admin-user-email-confirmed = confirmado
admin-user-email-not-confirmed = sin confirmar
admin-user-state-disabled = Desactivada
admin-user-state-disabled-after = : no puede iniciar sesión
admin-user-state-active = Activa
admin-user-second-factor = Segundo factor
admin-user-second-factor-none = Ninguno
# The second factor as src/routes/web/admin.rs names it (shown through tr()).
admin-user-second-factor-totp = App de autenticación (TOTP)
admin-user-failures = Inicios de sesión fallidos
# Followed by the time of the last failed sign-in.
admin-user-failures-count = { $count ->
        [one] { $count } seguido
       *[other] { $count } seguidos
    }, el último
# $wait: one of the admin-wait-* texts below, already translated.
admin-user-failures-wait = ; los inicios de sesión deben esperar { $wait } más
admin-user-failures-none = Ninguno
# How long a wait still lasts (src/accounts/throttle.rs wait_in_words, shown through tr()).
admin-wait-a-second = un segundo
admin-wait-seconds = { $count } segundos
admin-wait-a-minute = un minuto
admin-wait-minutes = { $count } minutos
admin-user-actions = Acciones
admin-user-enable = Activar cuenta
admin-user-enable-hint = Podrá volver a iniciar sesión con su contraseña.
admin-user-disable = Desactivar cuenta
admin-user-disable-hint = No podrá iniciar sesión y todas sus sesiones terminan ahora.
admin-user-logout-all = Cerrar sesión en todas partes
admin-user-logout-all-hint = Termina todas las sesiones; podrá volver a iniciar sesión.
admin-user-reset = Enviar un enlace para restablecer la contraseña
admin-user-reset-hint = Se envía a { $email }; tú nunca ves ni eliges la contraseña.
admin-user-clear-failures = Borrar los inicios de sesión fallidos
admin-user-clear-failures-hint = Pone el recuento a cero y quita cualquier espera antes de su próximo inicio de sesión.
admin-user-change-role = Cambiar rol
admin-user-sessions = Sesiones activas
admin-user-sessions-none = No hay sesiones activas.
admin-user-tokens = Tokens de acceso personal
admin-user-tokens-none = No hay tokens de acceso personal.
admin-user-token-expired = caducado
# Around <code>DELETE /api/admin/users/…/tokens</code> and <code>…/tokens/<id></code>.
admin-user-tokens-revoke-before = Revócalos con
admin-user-tokens-revoke-all = (todos) o
admin-user-tokens-revoke-after = (uno); al desactivar la cuenta se revocan todos.
admin-user-events = Eventos de seguridad recientes
admin-user-all-events = Todos los eventos de { $username }
admin-user-delete = Eliminar cuenta
admin-user-delete-intro = Elimina a { $username } junto con sus publicaciones y sesiones. Sus eventos de seguridad se conservan. Esta acción no se puede deshacer.
admin-user-delete-confirm = Escribe el nombre de usuario para confirmar
admin-user-delete-button = Eliminar a { $username }
# The delete form's error (src/routes/web/admin/actions.rs, shown through tr()).
admin-user-delete-mismatch = Escribe el nombre de usuario, { $username }, para eliminar esta cuenta.

## templates/admin/events.html

admin-events-user = Usuario
admin-events-user-hint = Un nombre de usuario o un ID de usuario; vacío para todas las cuentas.
admin-events-kind = Tipo
admin-events-any-kind = Cualquier tipo
admin-events-filter = Filtrar
admin-events-fix-filter = Corrige el filtro para ver eventos.
admin-events-none-match = Ningún evento de seguridad coincide con este filtro.
admin-events-older = Eventos anteriores →
# The user field's error (src/routes/web/admin.rs, shown through tr()).
admin-events-unknown-user = No hay ninguna cuenta llamada «{ $name }»: indica un nombre de usuario o un ID de usuario.

## templates/admin/invitations.html

admin-invite-title = Invitar a alguien
# Followed by the registration mode in bold: admin-registration-*.
admin-invite-registration-is = Modo de registro:
admin-registration-open = abierto
admin-registration-invite = solo por invitación
admin-registration-closed = cerrado
# Follows the registration mode.
admin-invite-intro = . Una invitación envía por correo un enlace que funciona una sola vez durante { $days ->
        [one] un día
       *[other] { $days } días
    } y crea una cuenta ya verificada con la dirección invitada. Volver a invitar a una dirección sustituye su invitación pendiente.
admin-invite-closed = El registro está cerrado (REGISTRATION=closed): las invitaciones no se pueden enviar ni usar.
admin-invite-email = Dirección de correo electrónico
admin-invite-locale = Idioma de la invitación
admin-invite-locale-default = Predeterminado
admin-invite-send = Enviar invitación
admin-invite-pending = Invitaciones pendientes
admin-invite-none = No hay ninguna invitación pendiente.
admin-invite-deleted-account = (cuenta eliminada)
admin-invite-revoke-label = Revocar la invitación a { $email }
admin-invite-revoke = Revocar

## templates/admin/clients.html and templates/admin/client_fields.html

admin-clients-registered = Clientes registrados
admin-clients-none = Todavía no hay ningún cliente registrado.
admin-client-first-party-badge = propio
# The client types as words; the protocol values stay "confidential" and "public".
admin-client-type-confidential = confidencial
admin-client-type-public = público
admin-clients-register-title = Registrar un cliente
admin-clients-register-intro = Una aplicación que inicia la sesión de sus usuarios a través de Sigil. Un cliente confidencial (una aplicación del lado del servidor) recibe un secreto, que se muestra una sola vez; un cliente público (una app nativa, una aplicación de una sola página, una herramienta de línea de comandos) no tiene ninguno y usa solo PKCE.
admin-client-name = Nombre visible
admin-client-name-hint = Se muestra en la página de consentimiento.
admin-clients-id-optional = ID de cliente (opcional)
admin-clients-id-hint = De 3 a 64 caracteres entre A–Z, a–z, 0–9, punto, guion bajo y guion; se genera si lo dejas en blanco. No se puede cambiar.
admin-clients-type-confidential = Confidencial (tiene un secreto)
admin-clients-type-public = Público (app nativa, aplicación de una sola página, línea de comandos)
admin-clients-register = Registrar cliente
admin-client-redirect-uris = URI de redirección
admin-client-redirect-uris-hint = Una por línea, 20 como máximo: https, o http a 127.0.0.1, [::1] o localhost; un cliente público puede usar un esquema de uso privado como com.example.app:/callback. Son necesarias para la concesión de código de autorización.
admin-client-post-logout-uris = URI de redirección tras cerrar sesión
admin-client-post-logout-uris-hint = Una por línea; se aplican las mismas reglas.
admin-client-backchannel-optional = URI de cierre de sesión por canal secundario (opcional)
admin-client-grant-types = Tipos de concesión
admin-client-grant-authorization-code = Código de autorización
admin-client-grant-refresh-token = Token de actualización
admin-client-grant-device-code = Código de dispositivo (televisores, línea de comandos)
admin-client-scope = Ámbito (scope)
admin-client-scope-hint = Separados por espacios: openid, profile, email, offline_access, profile:read, posts:read, posts:write, sessions:read, admin:read, admin:write.
admin-client-first-party = Propio: omitir la página de consentimiento (nunca la confirmación en el dispositivo)

## templates/admin/client.html

# What was just done, above the page (src/routes/web/admin/clients.rs, shown through tr()).
admin-client-registered = Cliente «{ $name }» registrado.
admin-client-rotated-now = Nuevo secreto creado; el anterior ya no funciona.
admin-client-rotated-grace = Nuevo secreto creado; el anterior seguirá funcionando { $hours ->
        [one] una hora más
       *[other] { $hours } horas más
    }.
admin-client-secret-title = Secreto del cliente
admin-client-secret-copy = Copia el secreto ahora:
admin-client-secret-copy-after = solo se muestra esta vez y Sigil guarda únicamente un hash.
admin-client-secret-of = Secreto de { $id }
admin-client-details = Detalles
admin-client-id = ID de cliente
admin-client-confidential-detail = Confidencial: tiene un secreto
admin-client-public-detail = Público: sin secreto, solo PKCE
# No redirect URIs.
admin-client-none = Ninguna
admin-client-backchannel = URI de cierre de sesión por canal secundario
# No back-channel logout URI.
admin-client-none-single = Ninguna
admin-client-registered-at = Registro
admin-client-rotated = Secreto renovado
admin-client-never = Nunca
admin-client-live-sessions = Sesiones activas
admin-client-users = Usuarios
admin-client-edit = Editar
admin-client-edit-intro = El ID de cliente y el tipo no se pueden cambiar.
admin-client-save = Guardar cambios
admin-client-rotate-title = Renovar el secreto
admin-client-grace-hours = Horas que el secreto actual sigue funcionando
admin-client-grace-hours-hint = De 0 a 168; con 0 deja de funcionar ahora.
admin-client-rotate = Crear un secreto nuevo
admin-client-delete-title = Eliminar
admin-client-delete = Eliminar este cliente
admin-client-delete-hint = Sus códigos y consentimientos se eliminan y { $count ->
        [one] su sesión activa termina
       *[other] sus { $count } sesiones activas terminan
    } ahora; no se envían tokens de cierre de sesión.
