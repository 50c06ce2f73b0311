## The token inspector and encoder (templates/token/*.html), and the English the inspector
## builds in Rust, shown through tr(): every message below whose comment names a Rust file
## must say exactly what that code produces.

## templates/token/index.html
token-inspector-title = Inspector de tokens
token-tools = Herramientas de tokens
token-tab-decode = Decodificar
token-tab-encode = Codificar
token-inspector-lead = Decodifica cualquier JWT. Los tokens de Sigil se comprueban igual que lo hace Sigil (algoritmo fijado, firma, emisor y audiencia, fechas, revocación); los de otro emisor se comprueban con la clave que indiques. Nada de lo que pegues se almacena ni se registra.
token-pasted-title = Token pegado
token-share-link = Enlace a este token
token-share-before = El token va después del
token-share-after = , que los navegadores nunca envían a un servidor; la clave nunca se incluye en el enlace. Cualquiera que tenga el enlace puede leer el token y usarlo mientras sea válido.
token-inspect-title = Inspeccionar un token
token-field-token = JWT o token de acceso personal
token-field-key-optional = Clave (opcional)
token-field-key-placeholder = Un secreto, base64:<secreto en base64url>, una clave pública PEM (-----BEGIN PUBLIC KEY-----), un JWK {"{"} kty, … {"}"} o un JWKS {"{"} keys: […] {"}"}
token-field-key-hint = Para comprobar la firma del token de otro emisor. Déjala vacía para los tokens de Sigil. Nunca se almacena, se registra ni se incluye en un enlace.
token-field-expected-issuer = Emisor esperado (opcional)
token-field-expected-audience = Audiencia esperada (opcional)
token-inspect-submit = Inspeccionar
token-own-title = Tu token de acceso actual
token-own-session = Sesión
token-own-manage-sessions = gestionar sesiones

## templates/token/index.html: one inspected token
token-warnings-label = Advertencias
token-col-name = Nombre
token-col-meaning = Significado
token-col-value = Valor
token-warnings-count =
    { $count ->
        [one] 1 advertencia
       *[other] { $count } advertencias
    }
token-info-name = Nombre
token-info-scopes = Ámbitos
token-expires-at = Caduca el
token-info-last-used = Último uso
token-info-never = nunca
token-info-manage = Gestionar tus tokens de acceso personal
token-secret-not-jwt = No es un JWT: no hay encabezado ni carga útil que decodificar. Con la sesión iniciada, ves si uno de tus propios tokens está activo; nunca se consulta el de nadie más.
token-signature = Firma
token-signature-verified = verificada
token-signature-not-verified = no verificada
token-signature-with = con { $algorithm }, ID de clave
token-revoked = Revocado
token-subject = Sujeto
token-subject-none = ningún usuario de Sigil (solo se muestra en los tokens de Sigil cuya firma se verifica)
token-issued-at = Emitido el
token-not-before = No antes de
token-raw = Token sin procesar
token-header = Encabezado
token-payload = Carga útil
token-claims = Claims (notificaciones)
token-header-parameters = Parámetros del encabezado

## templates/token/encode.html
token-encoder-title = Codificador de tokens
token-encoder-lead = Crea un JWT a partir de un encabezado y una carga útil, firmado con una clave que aportas tú: para datos de prueba y para probar otro servicio. Nunca se usan las claves de Sigil. No se almacena ni se registra nada.
token-encode-form-title = Encabezado, carga útil y clave
token-field-header = Encabezado (JSON)
token-field-header-hint = alg determina la firma: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA o none.
token-field-payload = Carga útil (JSON)
token-field-payload-hint = iat, nbf y exp son segundos Unix.
token-field-key = Clave
token-field-signing-key-placeholder = Un secreto (o base64:<secreto en base64url>) para HS*, o una clave privada PEM (-----BEGIN PRIVATE KEY-----) para RS*, PS*, ES* y EdDSA
token-field-signing-key-hint = Déjala vacía solo con alg none.
token-encode-submit = Codificar
token-encoded-title = Token codificado
token-inspect-this = Inspeccionar este token
token-inspect-this-before = El enlace solo lleva el token, después del
token-inspect-this-after = : pega allí la misma clave para comprobar su firma.

## src/routes/web/token/view.rs: what the text is, and the verdict (through tr())
token-kind-access = Token de acceso
token-kind-id = Token de ID
token-kind-logout = Token de cierre de sesión
token-kind-pat = Token de acceso personal
token-kind-client-secret = Secreto de cliente
token-status-valid = Válido
token-status-expired = Caducado
token-status-not-yet-valid = Aún no válido
token-status-revoked = Revocado
token-status-invalid-signature = Firma no válida
token-status-wrong-algorithm = Algoritmo incorrecto
token-status-wrong-issuer-or-audience = Emisor o audiencia incorrectos
token-status-unverified = No verificado
token-status-malformed = Mal formado
token-none = (ninguno)
token-not-decoded = (no se ha podido decodificar)
token-revoked-yes = sí
token-revoked-no = no
token-revoked-session-unknown = sesión desconocida
token-revoked-unchecked-malformed = no comprobado: el token está mal formado
token-revoked-unchecked-signature = no comprobado: la firma no se verificó con la clave de Sigil
token-revoked-unchecked-checks = no comprobado: el token no superó las comprobaciones de Sigil
token-revoked-unchecked-foreign = no comprobado: no es un token de Sigil (solo Sigil sabe qué ha revocado)

## src/routes/web/token/view.rs: amr values in words (a single value, or the pair Sigil issues)
token-amr-pwd = pwd (contraseña)
token-amr-otp = otp (código de un solo uso)
token-amr-hwk = hwk (clave vinculada al hardware (llave de acceso))
token-amr-swk = swk (clave vinculada al software (llave de acceso))
token-amr-mfa = mfa (varios factores)
token-amr-pwd-otp = pwd (contraseña), otp (código de un solo uso)

## src/routes/web/token/view.rs: claims that are not registered
token-custom-claim = Claim personalizado
token-custom-claim-meaning = No es un claim registrado: significa lo que haya decidido su emisor.
token-other-parameter = Otro parámetro
token-other-parameter-meaning = No es un parámetro de encabezado registrado: los verificadores lo ignoran a menos que crit lo nombre.

## src/routes/web/token/glossary.rs: payload claims (label, meaning)
token-claim-iss = Emisor
token-claim-iss-meaning = Quién emitió el token; un verificador solo acepta los emisores en los que confía.
token-claim-sub = Sujeto
token-claim-sub-meaning = A quién se refiere el token, normalmente un identificador de usuario único para el emisor.
token-claim-aud = Audiencia
token-claim-aud-meaning = Para quién es el token; un servicio debe rechazar un token cuya audiencia no lo nombre.
token-claim-exp = Caduca
token-claim-exp-meaning = Después de este momento (segundos Unix) el token debe rechazarse.
token-claim-nbf = No antes de
token-claim-nbf-meaning = Antes de este momento (segundos Unix) el token debe rechazarse.
token-claim-iat = Emitido el
token-claim-iat-meaning = Cuándo se firmó el token (segundos Unix).
token-claim-jti = ID del token
token-claim-jti-meaning = Un identificador único de este token, para poder revocarlo o rechazarlo si se reutiliza; el cierre de sesión de Sigil revoca con él.
token-claim-client-id = Cliente
token-claim-client-id-meaning = El cliente OAuth para el que se emitió el token (RFC 9068).
token-claim-scope = Ámbito
token-claim-scope-meaning = Los permisos concedidos, como nombres de ámbito separados por espacios (RFC 9068).
token-claim-auth-time = Autenticado el
token-claim-auth-time-meaning = Cuándo inició sesión el usuario por última vez de verdad (segundos Unix); al renovar un token se conserva, y las acciones delicadas pueden exigir que sea reciente.
token-claim-acr = Contexto de autenticación
token-claim-acr-meaning = Lo sólido que fue el inicio de sesión, como un nivel o nombre de directiva que define el emisor.
token-claim-amr = Métodos de autenticación
token-claim-amr-meaning = Cómo demostró el usuario quién es (RFC 8176): pwd una contraseña, otp un código de un solo uso, hwk o swk una llave de acceso, mfa varios factores.
token-claim-groups = Grupos
token-claim-groups-meaning = Los grupos a los que pertenece el usuario, para las decisiones de acceso del servidor de recursos (RFC 9068).
token-claim-roles = Roles
token-claim-roles-meaning = Los roles que tiene el usuario, para las decisiones de acceso del servidor de recursos (RFC 9068).
token-claim-entitlements = Derechos
token-claim-entitlements-meaning = Derechos o recursos individuales a los que tiene derecho el usuario (RFC 9068).
token-claim-act = Actor
token-claim-act-meaning = Quién actúa en nombre del sujeto tras un intercambio de tokens, como un servicio o un administrador que suplanta al usuario (RFC 8693).
token-claim-may-act = Puede actuar
token-claim-may-act-meaning = Quién puede actuar en nombre del sujeto mediante un intercambio de tokens (RFC 8693).
token-claim-azp = Parte autorizada
token-claim-azp-meaning = El cliente para el que se emitió el token de ID, cuando es distinto de la audiencia (OpenID Connect).
token-claim-nonce = Nonce
token-claim-nonce-meaning = El valor aleatorio que envió el cliente al iniciar el inicio de sesión, para vincular el token de ID a esa solicitud e impedir que se reutilice.
token-claim-at-hash = Hash del token de acceso
token-claim-at-hash-meaning = La mitad izquierda de un hash del token de acceso emitido con este token de ID, para que el cliente pueda comprobar que van juntos.
token-claim-c-hash = Hash del código
token-claim-c-hash-meaning = La mitad izquierda de un hash del código de autorización emitido con este token de ID, para que el cliente pueda comprobar que van juntos.
token-claim-sid = ID de sesión
token-claim-sid-meaning = La sesión del usuario en el proveedor de OpenID, que se usa para cerrar esa sesión.
token-claim-username = Nombre de usuario
token-claim-username-meaning = Claim de Sigil: el nombre de usuario cuando se emitió el token (sub es el identificador estable).
token-claim-name = Nombre
token-claim-name-meaning = El nombre completo del usuario para mostrar (claim de perfil de OpenID Connect).
token-claim-given-name = Nombre de pila
token-claim-given-name-meaning = El nombre de pila del usuario (claim de perfil de OpenID Connect).
token-claim-family-name = Apellidos
token-claim-family-name-meaning = Los apellidos del usuario (claim de perfil de OpenID Connect).
token-claim-middle-name = Segundo nombre
token-claim-middle-name-meaning = El segundo nombre del usuario (claim de perfil de OpenID Connect).
token-claim-nickname = Apodo
token-claim-nickname-meaning = Un nombre informal con el que se conoce al usuario (claim de perfil de OpenID Connect).
token-claim-preferred-username = Nombre de usuario preferido
token-claim-preferred-username-meaning = El nombre con el que el usuario prefiere que lo llamen, que no es único y no debe usarse como identificador.
token-claim-profile = Página de perfil
token-claim-profile-meaning = La URL de la página de perfil del usuario.
token-claim-picture = Imagen
token-claim-picture-meaning = La URL de la imagen de perfil del usuario.
token-claim-website = Sitio web
token-claim-website-meaning = La URL de la página web o el blog del usuario.
token-claim-email = Correo electrónico
token-claim-email-meaning = El correo electrónico del usuario, que no es lo bastante único ni estable para usarse como identificador.
token-claim-email-verified = Correo electrónico verificado
token-claim-email-verified-meaning = Si el emisor ha comprobado que el usuario controla el correo electrónico.
token-claim-gender = Género
token-claim-gender-meaning = El género del usuario, tal como lo indicó.
token-claim-birthdate = Fecha de nacimiento
token-claim-birthdate-meaning = La fecha de nacimiento del usuario, como YYYY-MM-DD (o solo YYYY).
token-claim-zoneinfo = Zona horaria
token-claim-zoneinfo-meaning = La zona horaria del usuario, como un nombre de la base de datos tz, por ejemplo Europe/Paris.
token-claim-locale = Configuración regional
token-claim-locale-meaning = El idioma y la región del usuario, como una etiqueta BCP 47, por ejemplo en-US.
token-claim-phone-number = Número de teléfono
token-claim-phone-number-meaning = El número de teléfono del usuario, preferiblemente en formato E.164, por ejemplo +1 555 0100.
token-claim-phone-number-verified = Número de teléfono verificado
token-claim-phone-number-verified-meaning = Si el emisor ha comprobado que el usuario controla el número de teléfono.
token-claim-address = Dirección
token-claim-address-meaning = La dirección postal del usuario, como un objeto JSON.
token-claim-updated-at = Perfil actualizado el
token-claim-updated-at-meaning = Cuándo cambió por última vez la información de perfil del usuario (segundos Unix).
token-claim-sid-sigil-meaning = La sesión de Sigil (familia de renovación) a la que pertenece el token; al eliminar la sesión se revocan todos los tokens emitidos a partir de ella.

## src/routes/web/token/glossary.rs: header parameters (label, meaning)
token-header-alg = Algoritmo
token-header-alg-meaning = El algoritmo con el que se firmó el token; un verificador debe fijar el algoritmo que espera y nunca fiarse sin más de este.
token-header-typ = Tipo
token-header-typ-meaning = El tipo de medio del token completo, como JWT, o at+jwt para un token de acceso (RFC 9068).
token-header-kid = ID de clave
token-header-kid-meaning = Cuál de las claves del emisor firmó el token, para elegirla de su JWKS.
token-header-cty = Tipo de contenido
token-header-cty-meaning = El tipo de medio de la carga útil, que vale JWT solo cuando la carga útil es a su vez un JWT anidado.
token-header-jku = URL del conjunto de JWK
token-header-jku-meaning = Una URL del conjunto de claves con el que verificar; obtener claves de una URL que elige el token permite que cualquiera firme, así que nunca debe darse por buena.
token-header-jwk = Clave incrustada
token-header-jwk-meaning = Una clave pública incluida en el encabezado; un token que trae su propia clave no demuestra nada, así que nunca debe darse por buena.
token-header-x5u = URL del certificado
token-header-x5u-meaning = Una URL de la cadena de certificados X.509 del firmante, que nunca debe obtenerse solo porque lo diga el token.
token-header-x5c = Cadena de certificados
token-header-x5c-meaning = La cadena de certificados X.509 del firmante incluida en el encabezado, que no demuestra nada si no se comprueba con una raíz de confianza.
token-header-x5t = Huella digital del certificado
token-header-x5t-meaning = La huella digital SHA-1 del certificado X.509 del firmante, para elegir la clave.
token-header-x5t-s256 = Huella digital del certificado (SHA-256)
token-header-x5t-s256-meaning = La huella digital SHA-256 del certificado X.509 del firmante, para elegir la clave.
token-header-crit = Crítico
token-header-crit-meaning = Extensiones del encabezado que el verificador debe entender; si no, debe rechazar el token.

## src/routes/web/token/view.rs: a moment relative to now ("expires in 12 min", "issued 3 days ago")
token-when-expires-in-s = caduca en { $n } s
token-when-expires-in-min = caduca en { $n } min
token-when-expires-in-h = caduca en { $h } h { $m } min
token-when-expires-in-days =
    { $n ->
        [one] caduca en { $n } día
       *[other] caduca en { $n } días
    }
token-when-expires-in-years =
    { $n ->
        [one] caduca en { $n } año
       *[other] caduca en { $n } años
    }
token-when-used-in-s = se usará dentro de { $n } s
token-when-used-in-min = se usará dentro de { $n } min
token-when-used-in-h = se usará dentro de { $h } h { $m } min
token-when-used-in-days =
    { $n ->
        [one] se usará dentro de { $n } día
       *[other] se usará dentro de { $n } días
    }
token-when-used-in-years =
    { $n ->
        [one] se usará dentro de { $n } año
       *[other] se usará dentro de { $n } años
    }
token-when-issued-in-s = emitido dentro de { $n } s
token-when-issued-in-min = emitido dentro de { $n } min
token-when-issued-in-h = emitido dentro de { $h } h { $m } min
token-when-issued-in-days =
    { $n ->
        [one] emitido dentro de { $n } día
       *[other] emitido dentro de { $n } días
    }
token-when-issued-in-years =
    { $n ->
        [one] emitido dentro de { $n } año
       *[other] emitido dentro de { $n } años
    }
token-when-becomes-valid-in-s = será válido dentro de { $n } s
token-when-becomes-valid-in-min = será válido dentro de { $n } min
token-when-becomes-valid-in-h = será válido dentro de { $h } h { $m } min
token-when-becomes-valid-in-days =
    { $n ->
        [one] será válido dentro de { $n } día
       *[other] será válido dentro de { $n } días
    }
token-when-becomes-valid-in-years =
    { $n ->
        [one] será válido dentro de { $n } año
       *[other] será válido dentro de { $n } años
    }
token-when-expired-s-ago = caducó hace { $n } s
token-when-expired-min-ago = caducó hace { $n } min
token-when-expired-h-ago = caducó hace { $h } h { $m } min
token-when-expired-days-ago =
    { $n ->
        [one] caducó hace { $n } día
       *[other] caducó hace { $n } días
    }
token-when-expired-years-ago =
    { $n ->
        [one] caducó hace { $n } año
       *[other] caducó hace { $n } años
    }
token-when-expired-now = caducado justo ahora
token-when-used-s-ago = usado hace { $n } s
token-when-used-min-ago = usado hace { $n } min
token-when-used-h-ago = usado hace { $h } h { $m } min
token-when-used-days-ago =
    { $n ->
        [one] usado hace { $n } día
       *[other] usado hace { $n } días
    }
token-when-used-years-ago =
    { $n ->
        [one] usado hace { $n } año
       *[other] usado hace { $n } años
    }
token-when-used-now = usado justo ahora
token-when-issued-s-ago = emitido hace { $n } s
token-when-issued-min-ago = emitido hace { $n } min
token-when-issued-h-ago = emitido hace { $h } h { $m } min
token-when-issued-days-ago =
    { $n ->
        [one] emitido hace { $n } día
       *[other] emitido hace { $n } días
    }
token-when-issued-years-ago =
    { $n ->
        [one] emitido hace { $n } año
       *[other] emitido hace { $n } años
    }
token-when-issued-now = emitido justo ahora
token-when-valid-since-s-ago = válido desde hace { $n } s
token-when-valid-since-min-ago = válido desde hace { $n } min
token-when-valid-since-h-ago = válido desde hace { $h } h { $m } min
token-when-valid-since-days-ago =
    { $n ->
        [one] válido desde hace { $n } día
       *[other] válido desde hace { $n } días
    }
token-when-valid-since-years-ago =
    { $n ->
        [one] válido desde hace { $n } año
       *[other] válido desde hace { $n } años
    }
token-when-valid-since-now = válido desde ahora

## src/routes/web/token/view.rs: a Unix time claim's value, in UTC and relative to now
token-time-value-in-s = { $unix } = { $utc } (en { $n } s)
token-time-value-in-min = { $unix } = { $utc } (en { $n } min)
token-time-value-in-h = { $unix } = { $utc } (en { $h } h { $m } min)
token-time-value-in-days =
    { $n ->
        [one] { $unix } = { $utc } (en { $n } día)
       *[other] { $unix } = { $utc } (en { $n } días)
    }
token-time-value-in-years =
    { $n ->
        [one] { $unix } = { $utc } (en { $n } año)
       *[other] { $unix } = { $utc } (en { $n } años)
    }
token-time-value-s-ago = { $unix } = { $utc } (hace { $n } s)
token-time-value-min-ago = { $unix } = { $utc } (hace { $n } min)
token-time-value-h-ago = { $unix } = { $utc } (hace { $h } h { $m } min)
token-time-value-days-ago =
    { $n ->
        [one] { $unix } = { $utc } (hace { $n } día)
       *[other] { $unix } = { $utc } (hace { $n } días)
    }
token-time-value-years-ago =
    { $n ->
        [one] { $unix } = { $utc } (hace { $n } año)
       *[other] { $unix } = { $utc } (hace { $n } años)
    }
token-time-value-now = { $unix } = { $utc } (ahora)

## src/inspector/warnings.rs: warnings (through tr())
token-warning-alg-none = El token no está firmado (alg none): cualquiera puede crear uno con los claims que quiera. Un servidor debe rechazarlo: fija los algoritmos que acepta en lugar de leerlos del token.
token-warning-embedded-key = El encabezado incluye { $headers }: una clave, o dónde obtenerla. Un servidor nunca debe verificar un token con una clave que trae el propio token (un atacante firma con su propia clave y la adjunta); Sigil la ignora y usa solo la clave que indiques.
token-warning-crit = El encabezado tiene crit: un servidor debe rechazar el token a menos que entienda todas las extensiones que se indican ahí (RFC 7515 §4.1.11). La mayoría de las bibliotecas no entienden ninguna, así que el token será rechazado.
token-warning-sensitive-claim = La carga útil contiene { $claims }, que parecen datos personales o un secreto. Un JWT está firmado, no cifrado: cualquiera que lo tenga (registros, almacenamiento del navegador, un proxy) puede leer todos los claims. Guarda esos datos en el servidor y pon un identificador en el token.
token-warning-private-key = Has indicado una clave privada; solo se ha usado su mitad pública. Quien tenga una clave privada puede firmar tokens: verifica con la clave pública y rota esta si alguna vez se ha compartido.
token-warning-no-expiry = El token no tiene exp: es válido para siempre, a menos que todos los servidores que lo aceptan mantengan una lista de tokens revocados. Da a los tokens de acceso una caducidad de minutos y usa tokens de actualización para las sesiones largas.
token-warning-long-lifetime-days =
    { $n ->
        [one] El token dura { $n } día (más de 24 horas): una copia robada funciona todo ese tiempo, y cerrar sesión no puede impedirlo a menos que los servidores comprueben la revocación. Mantén los tokens de acceso cortos (minutos) y renuévalos con un token de actualización.
       *[other] El token dura { $n } días (más de 24 horas): una copia robada funciona todo ese tiempo, y cerrar sesión no puede impedirlo a menos que los servidores comprueben la revocación. Mantén los tokens de acceso cortos (minutos) y renuévalos con un token de actualización.
    }
token-warning-long-lifetime-years =
    { $n ->
        [one] El token dura { $n } año (más de 24 horas): una copia robada funciona todo ese tiempo, y cerrar sesión no puede impedirlo a menos que los servidores comprueben la revocación. Mantén los tokens de acceso cortos (minutos) y renuévalos con un token de actualización.
       *[other] El token dura { $n } años (más de 24 horas): una copia robada funciona todo ese tiempo, y cerrar sesión no puede impedirlo a menos que los servidores comprueben la revocación. Mantén los tokens de acceso cortos (minutos) y renuévalos con un token de actualización.
    }
token-warning-published-secret-jwtio = El token está firmado con el secreto de ejemplo de jwt.io { $secret }. Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-jwtio-not-yours = El token está firmado con el secreto de ejemplo de jwt.io { $secret } (no con la clave que has indicado). Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-fastapi = El token está firmado con el secreto del tutorial de JWT de FastAPI { $secret }. Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-fastapi-not-yours = El token está firmado con el secreto del tutorial de JWT de FastAPI { $secret } (no con la clave que has indicado). Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-node-jsonwebtoken = El token está firmado con el secreto del README de node-jsonwebtoken { $secret }. Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-node-jsonwebtoken-not-yours = El token está firmado con el secreto del README de node-jsonwebtoken { $secret } (no con la clave que has indicado). Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-express-session = El token está firmado con el secreto del README de express-session { $secret }. Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-express-session-not-yours = El token está firmado con el secreto del README de express-session { $secret } (no con la clave que has indicado). Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-placeholder = El token está firmado con un secreto de marcador de posición { $secret }. Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-secret-placeholder-not-yours = El token está firmado con un secreto de marcador de posición { $secret } (no con la clave que has indicado). Ese secreto es público y cualquiera puede leerlo: cualquiera puede falsificar tokens con él. Genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32), mantenlo fuera del código fuente y revoca todos los tokens firmados con este.
token-warning-published-key-jwtio = La clave que has indicado es el secreto de ejemplo de jwt.io { $secret }, público y al alcance de cualquiera: cualquiera puede falsificar los tokens de un servidor que firme con él. No lo uses nunca fuera de un tutorial; genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32).
token-warning-published-key-fastapi = La clave que has indicado es el secreto del tutorial de JWT de FastAPI { $secret }, público y al alcance de cualquiera: cualquiera puede falsificar los tokens de un servidor que firme con él. No lo uses nunca fuera de un tutorial; genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32).
token-warning-published-key-node-jsonwebtoken = La clave que has indicado es el secreto del README de node-jsonwebtoken { $secret }, público y al alcance de cualquiera: cualquiera puede falsificar los tokens de un servidor que firme con él. No lo uses nunca fuera de un tutorial; genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32).
token-warning-published-key-express-session = La clave que has indicado es el secreto del README de express-session { $secret }, público y al alcance de cualquiera: cualquiera puede falsificar los tokens de un servidor que firme con él. No lo uses nunca fuera de un tutorial; genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32).
token-warning-published-key-placeholder = La clave que has indicado es un secreto de marcador de posición { $secret }, público y al alcance de cualquiera: cualquiera puede falsificar los tokens de un servidor que firme con él. No lo uses nunca fuera de un tutorial; genera un secreto aleatorio de al menos 32 bytes (openssl rand -base64 32).
token-warning-short-secret = El secreto HMAC solo tiene { $shortest } bytes ({ $alg } necesita al menos { $min }): un secreto corto se puede adivinar sin conexión a partir de un solo token, y entonces cualquiera puede falsificar tokens. Usa { $min } bytes aleatorios o más (openssl rand -base64 { $min }).

## src/inspector/input.rs and secrets.rs: the other warnings (through tr())
token-warning-cleaned-header-name = Sigil ha quitado el nombre del encabezado antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-bearer = Sigil ha quitado el prefijo «Bearer » antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-quotes = Sigil ha quitado las comillas que lo rodean antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-spaces = Sigil ha quitado los espacios y saltos de línea que contiene antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-header-name-bearer = Sigil ha quitado el nombre del encabezado y el prefijo «Bearer » antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-bearer-spaces = Sigil ha quitado el prefijo «Bearer » y los espacios y saltos de línea que contiene antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-quotes-spaces = Sigil ha quitado las comillas que lo rodean y los espacios y saltos de línea que contiene antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-bearer-quotes = Sigil ha quitado el prefijo «Bearer » y las comillas que lo rodean antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-quotes-bearer = Sigil ha quitado las comillas que lo rodean y el prefijo «Bearer » antes de leer el token: lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-cleaned-other = Sigil ha quitado lo siguiente antes de leer el token: { $list }. Lo que se inspecciona es solo el token. Envíalo también así (un encabezado Authorization es «Bearer » y el token, sin comillas).
token-warning-live-credential-pat = Esto es un token de acceso personal: no es un JWT que decodificar, sino una credencial que funciona tal cual. Cualquiera que la tenga puede usarla. No la pegues en otros sitios ni la compartas; si se ha publicado (en un repositorio, un registro, un chat), revócala ahora (cualquiera que la tenga puede hacerlo, en POST /api/auth/revoke).
token-warning-live-credential-client-secret = Esto es el secreto de un cliente OAuth: no es un JWT que decodificar, sino una credencial que funciona tal cual. Cualquiera que la tenga puede usarla. No la pegues en otros sitios ni la compartas; si se ha publicado (en un repositorio, un registro, un chat), revócala ahora (cualquiera que la tenga puede hacerlo, en POST /api/auth/revoke).

## src/inspector/secrets.rs: what a checksummed secret is (the verdict, through tr())
token-secret-unverified-pat = Esto es un token de acceso personal: su suma de comprobación es correcta y no se ha consultado (solo su propietario, con la sesión iniciada, puede ver si está activo).
token-secret-bad-checksum-pat = Parece un token de acceso personal, pero su suma de comprobación no coincide: se ha copiado mal o está incompleto, y Sigil lo rechazaría sin consultarlo.
token-secret-bad-shape-pat = Empieza como un token de acceso personal, pero no tiene { $count } caracteres base62 después de { $prefix }.
token-secret-unverified-client-secret = Esto es el secreto de un cliente OAuth: su suma de comprobación es correcta y no se ha consultado (solo su propietario, con la sesión iniciada, puede ver si está activo).
token-secret-bad-checksum-client-secret = Parece el secreto de un cliente OAuth, pero su suma de comprobación no coincide: se ha copiado mal o está incompleto, y Sigil lo rechazaría sin consultarlo.
token-secret-bad-shape-client-secret = Empieza como el secreto de un cliente OAuth, pero no tiene { $count } caracteres base62 después de { $prefix }.
token-secret-own-revoked = Este token de acceso personal tuyo se ha revocado.
token-secret-own-expired = Este token de acceso personal tuyo ha caducado.
token-secret-own-live = Es uno de tus tokens de acceso personal y está activo.

## src/auth/jwt.rs, src/inspector.rs, src/inspector/foreign.rs: why a token fails (the verdict, through tr())
token-error-malformed-segments = Token mal formado: un JWT tiene tres segmentos separados por puntos.
token-error-malformed-header-base64 = Token mal formado: el encabezado no es base64url válido.
token-error-malformed-header-json = Token mal formado: el encabezado no es un objeto JSON.
token-error-malformed-payload-base64 = Token mal formado: la carga útil no es base64url válido.
token-error-malformed-payload-json = Token mal formado: la carga útil no es un objeto JSON.
token-error-malformed-signature-base64 = Token mal formado: la firma no es base64url válido.
token-error-wrong-algorithm = El algoritmo { $alg } del token no es el que usa este servidor.
token-error-no-typ = El token no tiene encabezado typ; los tokens de acceso son at+jwt.
token-error-wrong-typ = El tipo { $typ } del token no es un token de acceso (at+jwt).
token-error-crit = El token tiene un encabezado crit, que este servidor no acepta.
token-error-own-key = El token trae su propia clave ({ $header }); nunca se confía en las claves que traen los tokens.
token-error-unknown-key = El token indica una clave de firma que este servidor no conoce.
token-error-no-kid = El token no indica su clave de firma (kid).
token-error-bad-signature = La firma del token no es válida.
token-error-wrong-issuer = El token lo ha emitido otro emisor (iss).
token-error-wrong-audience = El token está destinado a otra audiencia (aud).
token-error-missing-claim = El token no tiene el claim { $claim }.
token-error-invalid-claim = El claim { $claim } del token tiene un tipo incorrecto.
token-error-expired = El token ha caducado.
token-error-not-yet-valid = El token aún no es válido (nbf).
token-error-revoked = El token se ha revocado (cierre de sesión, una sesión revocada o un cambio de contraseña).
token-error-user-gone = El usuario del token ya no existe.
token-error-session-unknown = Sigil no conoce la sesión de este token: se eliminó, u otra instalación con la misma clave emitió el token.
token-error-user-disabled = El usuario del token se ha desactivado.
token-error-no-alg = El encabezado del token no tiene alg.
token-error-alg-none = El token no está firmado (alg none), así que cualquiera podría haberlo creado: no lo aceptes nunca.
token-error-unsupported-alg = El algoritmo { $alg } no es uno de los que comprueba Sigil (HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384 y EdDSA).
token-error-alg-not-string = El alg { $alg } del token no es una cadena.
token-error-no-key = No se ha indicado ninguna clave, así que no se ha comprobado la firma: indica el secreto, la clave pública, el JWK o el JWKS del emisor para comprobarla.
token-error-short-rsa = La clave RSA tiene menos de 2048 bits: esas claves se rechazan por demasiado débiles, así que ninguna firma se verifica con ella.
token-error-signature-mismatch = La firma no coincide con la clave indicada: el token se modificó después de firmarse, o lo firmó otra clave.
token-error-jwks-no-kid = El JWKS no tiene ninguna clave con kid { $kid } (tiene { $known }): el token se firmó con una clave que este JWKS no publica, o el JWKS está desactualizado.
token-error-key-pinned = La clave es para { $key_alg } (su alg), pero el token indica { $alg }: una clave se usa con un solo algoritmo.
token-error-key-type-hmac-rsa = El token está firmado con { $alg }, que necesita un secreto HMAC; la clave indicada es una clave pública RSA de { $bits } bits. Verificar un token HMAC con una clave pública es el ataque de confusión de algoritmos: cualquiera que tenga la clave pública podría falsificarlo.
token-error-key-type-hmac-ec = El token está firmado con { $alg }, que necesita un secreto HMAC; la clave indicada es una clave pública EC { $curve }. Verificar un token HMAC con una clave pública es el ataque de confusión de algoritmos: cualquiera que tenga la clave pública podría falsificarlo.
token-error-key-type-hmac-ed25519 = El token está firmado con { $alg }, que necesita un secreto HMAC; la clave indicada es una clave pública Ed25519. Verificar un token HMAC con una clave pública es el ataque de confusión de algoritmos: cualquiera que tenga la clave pública podría falsificarlo.
token-error-key-type-rsa-hmac = El token está firmado con { $alg }, que necesita una clave pública RSA; la clave indicada es un secreto HMAC de { $bytes } bytes.
token-error-key-type-rsa-ec = El token está firmado con { $alg }, que necesita una clave pública RSA; la clave indicada es una clave pública EC { $curve }.
token-error-key-type-rsa-ed25519 = El token está firmado con { $alg }, que necesita una clave pública RSA; la clave indicada es una clave pública Ed25519.
token-error-key-type-p256-hmac = El token está firmado con { $alg }, que necesita una clave pública EC P-256; la clave indicada es un secreto HMAC de { $bytes } bytes.
token-error-key-type-p256-rsa = El token está firmado con { $alg }, que necesita una clave pública EC P-256; la clave indicada es una clave pública RSA de { $bits } bits.
token-error-key-type-p256-ec = El token está firmado con { $alg }, que necesita una clave pública EC P-256; la clave indicada es una clave pública EC { $curve }.
token-error-key-type-p256-ed25519 = El token está firmado con { $alg }, que necesita una clave pública EC P-256; la clave indicada es una clave pública Ed25519.
token-error-key-type-p384-hmac = El token está firmado con { $alg }, que necesita una clave pública EC P-384; la clave indicada es un secreto HMAC de { $bytes } bytes.
token-error-key-type-p384-rsa = El token está firmado con { $alg }, que necesita una clave pública EC P-384; la clave indicada es una clave pública RSA de { $bits } bits.
token-error-key-type-p384-ec = El token está firmado con { $alg }, que necesita una clave pública EC P-384; la clave indicada es una clave pública EC { $curve }.
token-error-key-type-p384-ed25519 = El token está firmado con { $alg }, que necesita una clave pública EC P-384; la clave indicada es una clave pública Ed25519.
token-error-key-type-ed25519-hmac = El token está firmado con { $alg }, que necesita una clave pública Ed25519; la clave indicada es un secreto HMAC de { $bytes } bytes.
token-error-key-type-ed25519-rsa = El token está firmado con { $alg }, que necesita una clave pública Ed25519; la clave indicada es una clave pública RSA de { $bits } bits.
token-error-key-type-ed25519-ec = El token está firmado con { $alg }, que necesita una clave pública Ed25519; la clave indicada es una clave pública EC { $curve }.
token-error-not-a-number = El claim { $claim } del token no es un número (NumericDate, RFC 7519).
token-error-wrong-iss = El emisor del token es { $iss }, no { $expected }.
token-error-no-iss = El token no tiene iss; se esperaba { $expected }.
token-error-aud-missing = La audiencia (aud) del token no incluye { $expected }.
