## The token inspector and encoder (templates/token/*.html), and the English the inspector
## builds in Rust, shown through tr(): every message below whose comment names a Rust file
## must say exactly what that code produces.

## templates/token/index.html
token-inspector-title = Token inspector
token-tools = Token tools
token-tab-decode = Decode
token-tab-encode = Encode
token-inspector-lead = Decodes any JWT. Sigil's own tokens are checked the way Sigil does (pinned algorithm, signature, issuer and audience, times, revocation); another issuer's are checked with the key you give. Nothing pasted is stored or logged.
token-pasted-title = Pasted token
token-share-link = Link to this token
token-share-before = The token is after the
token-share-after = , which browsers never send to a server; the key is never put in the link. Anyone with the link can read the token, and use it while it is valid.
token-inspect-title = Inspect a token
token-field-token = JWT or personal access token
token-field-key-optional = Key (optional)
token-field-key-placeholder = A secret, base64:<base64url secret>, a PEM public key (-----BEGIN PUBLIC KEY-----), a JWK {"{"} kty, … {"}"} or a JWKS {"{"} keys: […] {"}"}
token-field-key-hint = To check the signature of another issuer's token. Leave it empty for Sigil's own tokens. It is never stored, logged or put in a link.
token-field-expected-issuer = Expected issuer (optional)
token-field-expected-audience = Expected audience (optional)
token-inspect-submit = Inspect
token-own-title = Your current access token
token-own-session = Session
token-own-manage-sessions = manage sessions

## templates/token/index.html: one inspected token
token-warnings-label = Warnings
token-col-name = Name
token-col-meaning = Meaning
token-col-value = Value
token-warnings-count =
    { $count ->
        [one] 1 warning
       *[other] { $count } warnings
    }
token-info-name = Name
token-info-scopes = Scopes
token-expires-at = Expires at
token-info-last-used = Last used
token-info-never = never
token-info-manage = Manage your personal access tokens
token-secret-not-jwt = Not a JWT: there is no header or payload to decode. Signed in, you see whether one of your own tokens is live; nobody else's is ever looked up.
token-signature = Signature
token-signature-verified = verified
token-signature-not-verified = not verified
token-signature-with = with { $algorithm }, key id
token-revoked = Revoked
token-subject = Subject
token-subject-none = no Sigil user (shown only for Sigil's tokens whose signature verifies)
token-issued-at = Issued at
token-not-before = Not before
token-raw = Raw token
token-header = Header
token-payload = Payload
token-claims = Claims
token-header-parameters = Header parameters

## templates/token/encode.html
token-encoder-title = Token encoder
token-encoder-lead = Builds a JWT from a header and a payload, signed with a key you bring: for test fixtures and for trying out another service. Sigil's own keys are never used. Nothing is stored or logged.
token-encode-form-title = Header, payload and key
token-field-header = Header (JSON)
token-field-header-hint = alg decides the signature: HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA, or none.
token-field-payload = Payload (JSON)
token-field-payload-hint = iat, nbf and exp are Unix seconds.
token-field-key = Key
token-field-signing-key-placeholder = A secret (or base64:<base64url secret>) for HS*, or a PEM private key (-----BEGIN PRIVATE KEY-----) for RS*, PS*, ES* and EdDSA
token-field-signing-key-hint = Leave it empty only with alg none.
token-encode-submit = Encode
token-encoded-title = Encoded token
token-inspect-this = Inspect this token
token-inspect-this-before = The link carries the token only, after the
token-inspect-this-after = : paste the same key there to check its signature.

## src/routes/web/token/view.rs: what the text is, and the verdict (through tr())
token-kind-access = Access token
token-kind-id = ID token
token-kind-logout = Logout token
token-kind-pat = Personal access token
token-kind-client-secret = Client secret
token-status-valid = Valid
token-status-expired = Expired
token-status-not-yet-valid = Not yet valid
token-status-revoked = Revoked
token-status-invalid-signature = Invalid signature
token-status-wrong-algorithm = Wrong algorithm
token-status-wrong-issuer-or-audience = Wrong issuer or audience
token-status-unverified = Not verified
token-status-malformed = Malformed
token-none = (none)
token-not-decoded = (could not be decoded)
token-revoked-yes = yes
token-revoked-no = no
token-revoked-session-unknown = session unknown
token-revoked-unchecked-malformed = not checked: the token is malformed
token-revoked-unchecked-signature = not checked: the signature did not verify with Sigil's key
token-revoked-unchecked-checks = not checked: the token did not pass Sigil's checks
token-revoked-unchecked-foreign = not checked: not a Sigil token (only Sigil knows what it revoked)

## src/routes/web/token/view.rs: amr values in words (a single value, or the pair Sigil issues)
token-amr-pwd = pwd (password)
token-amr-otp = otp (one-time code)
token-amr-hwk = hwk (hardware-bound key (passkey))
token-amr-swk = swk (software-bound key (passkey))
token-amr-mfa = mfa (several factors)
token-amr-pwd-otp = pwd (password), otp (one-time code)

## src/routes/web/token/view.rs: claims that are not registered
token-custom-claim = Custom claim
token-custom-claim-meaning = Not a registered claim: it means whatever its issuer decided.
token-other-parameter = Other parameter
token-other-parameter-meaning = Not a registered header parameter: verifiers ignore it unless crit names it.

## src/routes/web/token/glossary.rs: payload claims (label, meaning)
token-claim-iss = Issuer
token-claim-iss-meaning = Who issued the token; a verifier accepts only the issuers it trusts.
token-claim-sub = Subject
token-claim-sub-meaning = Whom the token is about, usually a user id unique within the issuer.
token-claim-aud = Audience
token-claim-aud-meaning = Who the token is meant for; a service must refuse a token whose audience does not name it.
token-claim-exp = Expires
token-claim-exp-meaning = After this moment (Unix seconds) the token must be refused.
token-claim-nbf = Not before
token-claim-nbf-meaning = Before this moment (Unix seconds) the token must be refused.
token-claim-iat = Issued at
token-claim-iat-meaning = When the token was signed (Unix seconds).
token-claim-jti = Token id
token-claim-jti-meaning = A unique id for this token, so it can be revoked or refused if replayed; Sigil's logout revokes by it.
token-claim-client-id = Client
token-claim-client-id-meaning = The OAuth client the token was issued to (RFC 9068).
token-claim-scope = Scope
token-claim-scope-meaning = The permissions granted, as space-separated scope names (RFC 9068).
token-claim-auth-time = Authenticated at
token-claim-auth-time-meaning = When the user last actually signed in (Unix seconds); refreshing a token keeps it, and sensitive actions may ask for it to be recent.
token-claim-acr = Authentication context
token-claim-acr-meaning = How strong the sign-in was, as a level or policy name the issuer defines.
token-claim-amr = Authentication methods
token-claim-amr-meaning = How the user proved who they are (RFC 8176): pwd a password, otp a one-time code, hwk or swk a passkey, mfa several factors.
token-claim-groups = Groups
token-claim-groups-meaning = The groups the user belongs to, for the resource server's access decisions (RFC 9068).
token-claim-roles = Roles
token-claim-roles-meaning = The roles the user holds, for the resource server's access decisions (RFC 9068).
token-claim-entitlements = Entitlements
token-claim-entitlements-meaning = Individual rights or resources the user is entitled to (RFC 9068).
token-claim-act = Actor
token-claim-act-meaning = Who is acting on behalf of the subject after a token exchange, such as a service or an administrator impersonating the user (RFC 8693).
token-claim-may-act = May act
token-claim-may-act-meaning = Who is allowed to act on behalf of the subject through a token exchange (RFC 8693).
token-claim-azp = Authorized party
token-claim-azp-meaning = The client the ID token was issued to, when it differs from the audience (OpenID Connect).
token-claim-nonce = Nonce
token-claim-nonce-meaning = The random value the client sent when it started the sign-in, to tie the ID token to that request and stop replays.
token-claim-at-hash = Access token hash
token-claim-at-hash-meaning = The left half of a hash of the access token issued with this ID token, so the client can check they belong together.
token-claim-c-hash = Code hash
token-claim-c-hash-meaning = The left half of a hash of the authorization code issued with this ID token, so the client can check they belong together.
token-claim-sid = Session id
token-claim-sid-meaning = The user's sign-in session at the OpenID provider, used to log that session out.
token-claim-username = Username
token-claim-username-meaning = Sigil's claim: the user's name when the token was issued (the sub is the stable id).
token-claim-name = Name
token-claim-name-meaning = The user's full name for display (OpenID Connect profile claim).
token-claim-given-name = Given name
token-claim-given-name-meaning = The user's given (first) name (OpenID Connect profile claim).
token-claim-family-name = Family name
token-claim-family-name-meaning = The user's family (last) name (OpenID Connect profile claim).
token-claim-middle-name = Middle name
token-claim-middle-name-meaning = The user's middle name (OpenID Connect profile claim).
token-claim-nickname = Nickname
token-claim-nickname-meaning = A casual name the user goes by (OpenID Connect profile claim).
token-claim-preferred-username = Preferred username
token-claim-preferred-username-meaning = The name the user likes to be called by, which is not unique and must not be used as an id.
token-claim-profile = Profile page
token-claim-profile-meaning = The URL of the user's profile page.
token-claim-picture = Picture
token-claim-picture-meaning = The URL of the user's profile picture.
token-claim-website = Website
token-claim-website-meaning = The URL of the user's web page or blog.
token-claim-email = Email
token-claim-email-meaning = The user's e-mail address, which is not unique or stable enough to be used as an id.
token-claim-email-verified = Email verified
token-claim-email-verified-meaning = Whether the issuer has checked that the user controls the e-mail address.
token-claim-gender = Gender
token-claim-gender-meaning = The user's gender as they gave it.
token-claim-birthdate = Birthdate
token-claim-birthdate-meaning = The user's date of birth, as YYYY-MM-DD (or just YYYY).
token-claim-zoneinfo = Time zone
token-claim-zoneinfo-meaning = The user's time zone, as a tz database name such as Europe/Paris.
token-claim-locale = Locale
token-claim-locale-meaning = The user's language and region, as a BCP 47 tag such as en-US.
token-claim-phone-number = Phone number
token-claim-phone-number-meaning = The user's phone number, preferably in E.164 form such as +1 555 0100.
token-claim-phone-number-verified = Phone number verified
token-claim-phone-number-verified-meaning = Whether the issuer has checked that the user controls the phone number.
token-claim-address = Address
token-claim-address-meaning = The user's postal address, as a JSON object.
token-claim-updated-at = Profile updated at
token-claim-updated-at-meaning = When the user's profile information last changed (Unix seconds).
token-claim-sid-sigil-meaning = Sigil's login session (refresh family) the token belongs to; deleting the session revokes every token issued from it.

## src/routes/web/token/glossary.rs: header parameters (label, meaning)
token-header-alg = Algorithm
token-header-alg-meaning = The algorithm that signed the token; a verifier must pin the algorithm it expects and never just trust this one.
token-header-typ = Type
token-header-typ-meaning = The media type of the whole token, such as JWT, or at+jwt for an access token (RFC 9068).
token-header-kid = Key id
token-header-kid-meaning = Which of the issuer's keys signed the token, to pick it from their JWKS.
token-header-cty = Content type
token-header-cty-meaning = The media type of the payload, set to JWT only when the payload is itself a nested JWT.
token-header-jku = JWK Set URL
token-header-jku-meaning = A URL of the key set to verify with; fetching keys from a URL the token chooses lets anyone sign, so it must never be trusted.
token-header-jwk = Embedded key
token-header-jwk-meaning = A public key carried in the header; a token that brings its own key proves nothing, so it must never be trusted.
token-header-x5u = Certificate URL
token-header-x5u-meaning = A URL of the signer's X.509 certificate chain, which must never be fetched on the token's say-so.
token-header-x5c = Certificate chain
token-header-x5c-meaning = The signer's X.509 certificate chain carried in the header, which proves nothing unless checked against a trusted root.
token-header-x5t = Certificate thumbprint
token-header-x5t-meaning = The SHA-1 thumbprint of the signer's X.509 certificate, to pick the key.
token-header-x5t-s256 = Certificate thumbprint (SHA-256)
token-header-x5t-s256-meaning = The SHA-256 thumbprint of the signer's X.509 certificate, to pick the key.
token-header-crit = Critical
token-header-crit-meaning = Header extensions the verifier must understand, or else refuse the token.

## src/routes/web/token/view.rs: a moment relative to now ("expires in 12 min", "issued 3 days ago")
token-when-expires-in-s = expires in { $n } s
token-when-expires-in-min = expires in { $n } min
token-when-expires-in-h = expires in { $h } h { $m } min
token-when-expires-in-days = expires in { $n } days
token-when-expires-in-years = expires in { $n } years
token-when-used-in-s = used in { $n } s
token-when-used-in-min = used in { $n } min
token-when-used-in-h = used in { $h } h { $m } min
token-when-used-in-days = used in { $n } days
token-when-used-in-years = used in { $n } years
token-when-issued-in-s = issued in { $n } s
token-when-issued-in-min = issued in { $n } min
token-when-issued-in-h = issued in { $h } h { $m } min
token-when-issued-in-days = issued in { $n } days
token-when-issued-in-years = issued in { $n } years
token-when-becomes-valid-in-s = becomes valid in { $n } s
token-when-becomes-valid-in-min = becomes valid in { $n } min
token-when-becomes-valid-in-h = becomes valid in { $h } h { $m } min
token-when-becomes-valid-in-days = becomes valid in { $n } days
token-when-becomes-valid-in-years = becomes valid in { $n } years
token-when-expired-s-ago = expired { $n } s ago
token-when-expired-min-ago = expired { $n } min ago
token-when-expired-h-ago = expired { $h } h { $m } min ago
token-when-expired-days-ago = expired { $n } days ago
token-when-expired-years-ago = expired { $n } years ago
token-when-expired-now = expired now
token-when-used-s-ago = used { $n } s ago
token-when-used-min-ago = used { $n } min ago
token-when-used-h-ago = used { $h } h { $m } min ago
token-when-used-days-ago = used { $n } days ago
token-when-used-years-ago = used { $n } years ago
token-when-used-now = used now
token-when-issued-s-ago = issued { $n } s ago
token-when-issued-min-ago = issued { $n } min ago
token-when-issued-h-ago = issued { $h } h { $m } min ago
token-when-issued-days-ago = issued { $n } days ago
token-when-issued-years-ago = issued { $n } years ago
token-when-issued-now = issued now
token-when-valid-since-s-ago = valid since { $n } s ago
token-when-valid-since-min-ago = valid since { $n } min ago
token-when-valid-since-h-ago = valid since { $h } h { $m } min ago
token-when-valid-since-days-ago = valid since { $n } days ago
token-when-valid-since-years-ago = valid since { $n } years ago
token-when-valid-since-now = valid since now

## src/routes/web/token/view.rs: a Unix time claim's value, in UTC and relative to now
token-time-value-in-s = { $unix } = { $utc } (in { $n } s)
token-time-value-in-min = { $unix } = { $utc } (in { $n } min)
token-time-value-in-h = { $unix } = { $utc } (in { $h } h { $m } min)
token-time-value-in-days = { $unix } = { $utc } (in { $n } days)
token-time-value-in-years = { $unix } = { $utc } (in { $n } years)
token-time-value-s-ago = { $unix } = { $utc } ({ $n } s ago)
token-time-value-min-ago = { $unix } = { $utc } ({ $n } min ago)
token-time-value-h-ago = { $unix } = { $utc } ({ $h } h { $m } min ago)
token-time-value-days-ago = { $unix } = { $utc } ({ $n } days ago)
token-time-value-years-ago = { $unix } = { $utc } ({ $n } years ago)
token-time-value-now = { $unix } = { $utc } (now)

## src/inspector/warnings.rs: warnings (through tr())
token-warning-alg-none = The token is unsigned (alg none): anyone can write one with any claims. A server must refuse it: pin the algorithms it accepts instead of reading them from the token.
token-warning-embedded-key = The header carries { $headers }: a key, or where to fetch one. A server must never verify a token with a key the token brings (an attacker signs with their own key and attaches it); Sigil ignores it and uses only the key you give.
token-warning-crit = The header has crit: a server must refuse the token unless it understands every extension listed there (RFC 7515 §4.1.11). Most libraries understand none, so the token will be refused.
token-warning-sensitive-claim = The payload has { $claims }, which look like personal data or a secret. A JWT is signed, not encrypted: anyone who holds it (logs, browser storage, a proxy) can read every claim. Keep such data on the server and put an id in the token.
token-warning-private-key = You gave a private key; only its public half was used. Whoever holds a private key can sign tokens: verify with the public key, and rotate this one if it was ever shared.
token-warning-no-expiry = The token has no exp: it is valid forever, unless every server that accepts it keeps a list of revoked tokens. Give access tokens an expiry of minutes, and use refresh tokens for long sessions.
token-warning-long-lifetime-days = The token lives { $n } days (over 24 hours): a stolen copy works that long, and signing out cannot stop it unless servers check revocation. Keep access tokens short (minutes) and renew them with a refresh token.
token-warning-long-lifetime-years = The token lives { $n } years (over 24 hours): a stolen copy works that long, and signing out cannot stop it unless servers check revocation. Keep access tokens short (minutes) and renew them with a refresh token.
token-warning-published-secret-jwtio = The token is signed with jwt.io's example secret { $secret }. That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-jwtio-not-yours = The token is signed with jwt.io's example secret { $secret } (not with the key you gave). That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-fastapi = The token is signed with the FastAPI JWT tutorial's secret { $secret }. That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-fastapi-not-yours = The token is signed with the FastAPI JWT tutorial's secret { $secret } (not with the key you gave). That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-node-jsonwebtoken = The token is signed with the node-jsonwebtoken README's secret { $secret }. That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-node-jsonwebtoken-not-yours = The token is signed with the node-jsonwebtoken README's secret { $secret } (not with the key you gave). That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-express-session = The token is signed with the express-session README's secret { $secret }. That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-express-session-not-yours = The token is signed with the express-session README's secret { $secret } (not with the key you gave). That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-placeholder = The token is signed with a placeholder secret { $secret }. That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-secret-placeholder-not-yours = The token is signed with a placeholder secret { $secret } (not with the key you gave). That secret is published for all to read: anyone can forge tokens with it. Generate a random secret of at least 32 bytes (openssl rand -base64 32), keep it out of source code, and revoke every token signed with this one.
token-warning-published-key-jwtio = The key you gave is jwt.io's example secret { $secret }, published for all to read: a server that signs with it can be forged by anyone. Never use it outside a tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 32).
token-warning-published-key-fastapi = The key you gave is the FastAPI JWT tutorial's secret { $secret }, published for all to read: a server that signs with it can be forged by anyone. Never use it outside a tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 32).
token-warning-published-key-node-jsonwebtoken = The key you gave is the node-jsonwebtoken README's secret { $secret }, published for all to read: a server that signs with it can be forged by anyone. Never use it outside a tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 32).
token-warning-published-key-express-session = The key you gave is the express-session README's secret { $secret }, published for all to read: a server that signs with it can be forged by anyone. Never use it outside a tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 32).
token-warning-published-key-placeholder = The key you gave is a placeholder secret { $secret }, published for all to read: a server that signs with it can be forged by anyone. Never use it outside a tutorial; generate a random secret of at least 32 bytes (openssl rand -base64 32).
token-warning-short-secret = The HMAC secret is only { $shortest } bytes ({ $alg } needs at least { $min }): a short secret can be guessed offline from a single token, and then anyone can forge tokens. Use { $min } or more random bytes (openssl rand -base64 { $min }).

## src/inspector/input.rs and secrets.rs: the other warnings (through tr())
token-warning-cleaned-header-name = Sigil removed the header's name before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-bearer = Sigil removed the "Bearer " prefix before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-quotes = Sigil removed the quotes around it before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-spaces = Sigil removed the spaces and line breaks inside it before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-header-name-bearer = Sigil removed the header's name and the "Bearer " prefix before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-bearer-spaces = Sigil removed the "Bearer " prefix and the spaces and line breaks inside it before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-quotes-spaces = Sigil removed the quotes around it and the spaces and line breaks inside it before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-bearer-quotes = Sigil removed the "Bearer " prefix and the quotes around it before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-quotes-bearer = Sigil removed the quotes around it and the "Bearer " prefix before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-cleaned-other = Sigil removed { $list } before reading the token: what is inspected is the token alone. Send it that way too (an Authorization header is "Bearer " and the token, with no quotes).
token-warning-live-credential-pat = This is a personal access token: not a JWT to decode, but a credential that works as it is. Anyone who holds it can use it. Do not paste it into other sites or share it; if it was published (in a repository, a log, a chat), revoke it now (anyone who holds it can, at POST /api/auth/revoke).
token-warning-live-credential-client-secret = This is an OAuth client's secret: not a JWT to decode, but a credential that works as it is. Anyone who holds it can use it. Do not paste it into other sites or share it; if it was published (in a repository, a log, a chat), revoke it now (anyone who holds it can, at POST /api/auth/revoke).

## src/inspector/secrets.rs: what a checksummed secret is (the verdict, through tr())
token-secret-unverified-pat = This is a personal access token: its checksum is right, and it was not looked up (only its signed-in owner can see whether it is live).
token-secret-bad-checksum-pat = This looks like a personal access token, but its checksum does not match: it was mistyped or cut short, and Sigil would refuse it without looking it up.
token-secret-bad-shape-pat = This starts like a personal access token, but is not { $count } base62 characters after { $prefix }.
token-secret-unverified-client-secret = This is an OAuth client's secret: its checksum is right, and it was not looked up (only its signed-in owner can see whether it is live).
token-secret-bad-checksum-client-secret = This looks like an OAuth client's secret, but its checksum does not match: it was mistyped or cut short, and Sigil would refuse it without looking it up.
token-secret-bad-shape-client-secret = This starts like an OAuth client's secret, but is not { $count } base62 characters after { $prefix }.
token-secret-own-revoked = This personal access token of yours has been revoked.
token-secret-own-expired = This personal access token of yours has expired.
token-secret-own-live = This is one of your personal access tokens, and it is live.

## src/auth/jwt.rs, src/inspector.rs, src/inspector/foreign.rs: why a token fails (the verdict, through tr())
token-error-malformed-segments = Malformed token: a JWT has three segments separated by dots.
token-error-malformed-header-base64 = Malformed token: the header is not valid base64url.
token-error-malformed-header-json = Malformed token: the header is not a JSON object.
token-error-malformed-payload-base64 = Malformed token: the payload is not valid base64url.
token-error-malformed-payload-json = Malformed token: the payload is not a JSON object.
token-error-malformed-signature-base64 = Malformed token: the signature is not valid base64url.
token-error-wrong-algorithm = The token's algorithm { $alg } is not the one this server uses.
token-error-no-typ = The token has no typ header; access tokens are at+jwt.
token-error-wrong-typ = The token's type { $typ } is not an access token (at+jwt).
token-error-crit = The token has a crit header, which this server does not accept.
token-error-own-key = The token carries its own key ({ $header }); keys in tokens are never trusted.
token-error-unknown-key = The token names a signing key this server does not know.
token-error-no-kid = The token does not name its signing key (kid).
token-error-bad-signature = The token's signature is invalid.
token-error-wrong-issuer = The token was issued by someone else (iss).
token-error-wrong-audience = The token is meant for another audience (aud).
token-error-missing-claim = The token has no { $claim } claim.
token-error-invalid-claim = The token's { $claim } claim has the wrong type.
token-error-expired = The token has expired.
token-error-not-yet-valid = The token is not valid yet (nbf).
token-error-revoked = The token has been revoked (logout, a revoked session or a password change).
token-error-user-gone = The token's user no longer exists.
token-error-session-unknown = Sigil does not know this token's session: it was deleted, or another deployment with the same key issued the token.
token-error-user-disabled = The token's user has been disabled.
token-error-no-alg = The token's header has no alg.
token-error-alg-none = The token is unsigned (alg none), so anyone could have written it: never accept it.
token-error-unsupported-alg = The algorithm { $alg } is not one Sigil checks (HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384 and EdDSA).
token-error-alg-not-string = The token's alg { $alg } is not a string.
token-error-no-key = No key was given, so the signature was not checked: give the issuer's secret, public key, JWK or JWKS to check it.
token-error-short-rsa = The RSA key is shorter than 2048 bits: such keys are refused as too weak, so no signature verifies with it.
token-error-signature-mismatch = The signature does not match the key given: the token was changed after it was signed, or another key signed it.
token-error-jwks-no-kid = The JWKS has no key with kid { $kid } (it has { $known }): the token was signed with a key this JWKS does not publish, or the JWKS is out of date.
token-error-key-pinned = The key is for { $key_alg } (its alg), but the token says { $alg }: a key is used with one algorithm only.
token-error-key-type-hmac-rsa = The token is signed with { $alg }, which needs an HMAC secret; the key given is an RSA { $bits }-bit public key. Verifying an HMAC token with a public key is the algorithm-confusion attack: anyone holding the public key could forge it.
token-error-key-type-hmac-ec = The token is signed with { $alg }, which needs an HMAC secret; the key given is an EC { $curve } public key. Verifying an HMAC token with a public key is the algorithm-confusion attack: anyone holding the public key could forge it.
token-error-key-type-hmac-ed25519 = The token is signed with { $alg }, which needs an HMAC secret; the key given is an Ed25519 public key. Verifying an HMAC token with a public key is the algorithm-confusion attack: anyone holding the public key could forge it.
token-error-key-type-rsa-hmac = The token is signed with { $alg }, which needs an RSA public key; the key given is an HMAC secret of { $bytes } bytes.
token-error-key-type-rsa-ec = The token is signed with { $alg }, which needs an RSA public key; the key given is an EC { $curve } public key.
token-error-key-type-rsa-ed25519 = The token is signed with { $alg }, which needs an RSA public key; the key given is an Ed25519 public key.
token-error-key-type-p256-hmac = The token is signed with { $alg }, which needs an EC P-256 public key; the key given is an HMAC secret of { $bytes } bytes.
token-error-key-type-p256-rsa = The token is signed with { $alg }, which needs an EC P-256 public key; the key given is an RSA { $bits }-bit public key.
token-error-key-type-p256-ec = The token is signed with { $alg }, which needs an EC P-256 public key; the key given is an EC { $curve } public key.
token-error-key-type-p256-ed25519 = The token is signed with { $alg }, which needs an EC P-256 public key; the key given is an Ed25519 public key.
token-error-key-type-p384-hmac = The token is signed with { $alg }, which needs an EC P-384 public key; the key given is an HMAC secret of { $bytes } bytes.
token-error-key-type-p384-rsa = The token is signed with { $alg }, which needs an EC P-384 public key; the key given is an RSA { $bits }-bit public key.
token-error-key-type-p384-ec = The token is signed with { $alg }, which needs an EC P-384 public key; the key given is an EC { $curve } public key.
token-error-key-type-p384-ed25519 = The token is signed with { $alg }, which needs an EC P-384 public key; the key given is an Ed25519 public key.
token-error-key-type-ed25519-hmac = The token is signed with { $alg }, which needs an Ed25519 public key; the key given is an HMAC secret of { $bytes } bytes.
token-error-key-type-ed25519-rsa = The token is signed with { $alg }, which needs an Ed25519 public key; the key given is an RSA { $bits }-bit public key.
token-error-key-type-ed25519-ec = The token is signed with { $alg }, which needs an Ed25519 public key; the key given is an EC { $curve } public key.
token-error-not-a-number = The token's { $claim } claim is not a number (NumericDate, RFC 7519).
token-error-wrong-iss = The token's issuer is { $iss }, not { $expected }.
token-error-no-iss = The token has no iss; { $expected } was expected.
token-error-aud-missing = The token's audience (aud) does not include { $expected }.
