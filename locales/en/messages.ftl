# Words the Rust code makes that pages show (titles, flash messages, field and error
# messages), for tr(): each English message is exactly the text the code produces.

## src/accounts/events.rs
msg-events-user-not-id = user must be a user id (a whole number).

## src/accounts/federation.rs
msg-provider-cancelled = You cancelled signing in with { $provider }.
msg-provider-state = That sign-in took too long or began in another browser; try again.
msg-provider-unreachable = { $provider } could not be reached; try again later.
msg-provider-no-email = Signing in with { $provider } failed: { $provider } did not share an e-mail address, which a new account needs.
msg-provider-registration-closed = Signing in with { $provider } failed: no account is linked to it, and this site does not take new accounts that way.
msg-provider-linked-elsewhere = This { $provider } account is linked to another Sigil account.
msg-provider-not-confirmed = { $provider } did not confirm it was you just now: sign in there again, or use another way.
msg-provider-failed = Signing in with { $provider } failed.

## src/accounts/federation/identities.rs
msg-last-sign-in-method = This is the only way into your account: set a password or add a passkey before unlinking it.

## src/accounts/invitations.rs
msg-registration-closed-detail = Registration is closed: accounts are made by an administrator.
msg-registration-invitation-detail = Registration is by invitation only: register with the link of your invitation.
msg-invitation-locale = Choose en, de or es.

## src/accounts/mfa.rs
msg-reauth-code-needed = Two-step sign-in is on: enter the code from your authenticator app (or a recovery code).

## src/accounts/mfa/codes.rs
msg-totp-wrong-code = That code is not right (or was used already): enter the code your authenticator app shows now.

## src/accounts/mfa/enrolment.rs
msg-totp-already-on = An authenticator app is already on; remove it before adding another.
msg-totp-no-enrolment = There is no enrolment to confirm: start one first (an authenticator that is already on needs no confirming).
msg-recovery-codes-need-totp = Two-step sign-in is not on: recovery codes come with an authenticator app.

## src/accounts/mfa/owner.rs
msg-owner-proof-needed = Enter your password (or a code from your authenticator app) to confirm it is you.
msg-owner-proof-both = Give the password or a code, not both.

## src/accounts/passkeys.rs
msg-passkeys-too-many = An account holds at most 20 passkeys: remove one first.
msg-passkeys-unavailable = Passkeys are not available here: PUBLIC_URL must name a host (not an IP address), e.g. http://localhost:8080 in development.
msg-passkey-already-registered = This passkey is already registered.

## src/accounts/passkeys/reauth.rs
msg-reauth-no-passkey = This account has no passkey: confirm with the password.

## src/accounts/passkeys/sign_in.rs
msg-second-step-no-passkey = This account has no passkey: use a code instead.

## src/accounts/password.rs
msg-wrong-password = The password is incorrect.
msg-wrong-current-password = The current password is incorrect.

## src/accounts/pats.rs
msg-field-required = This field is required.
msg-must-be-string = Must be a string.
msg-pat-admin-scopes = admin:read and admin:write are for administrators only.
msg-pat-days = Must be a whole number of days from 1 to { $max }.
msg-pat-scopes-array = Must be an array of scope names.
msg-pat-too-many = You have 50 live personal access tokens: revoke one you no longer use first.

## src/accounts/refusal.rs
msg-wrong-credentials = Incorrect username or password.
msg-account-disabled = This account has been disabled. Contact an administrator.
msg-email-not-verified = Confirm your e-mail address first: we have sent a new link to it.
msg-mfa-expired = Your sign-in has expired or was already used (it lasts five minutes): sign in again.
msg-code-fifth-wrong = That code is not right, and it was the fifth wrong one: sign in again.
msg-code-wrong-one-left = That code is not right (or was used already). 1 more try, then you sign in again.
msg-code-wrong-tries-left = That code is not right (or was used already). { $tries } more tries, then you sign in again.
msg-passkey-fifth-failed = The passkey was not accepted, and that was the fifth failed try: sign in again.
msg-account-delayed-second = Too many failed sign-ins to this account. Wait a second, then try again, or sign in with a passkey, or get a reset link with “Forgot your password?”.
msg-account-delayed-seconds = Too many failed sign-ins to this account. Wait { $seconds } seconds, then try again, or sign in with a passkey, or get a reset link with “Forgot your password?”.
msg-account-delayed-minute = Too many failed sign-ins to this account. Wait a minute, then try again, or sign in with a passkey, or get a reset link with “Forgot your password?”.
msg-account-delayed-minutes = Too many failed sign-ins to this account. Wait { $minutes } minutes, then try again, or sign in with a passkey, or get a reset link with “Forgot your password?”.
msg-passkey-no-ceremony = This passkey request expired or was already used: ask for new options and try again.
msg-passkey-unknown = This passkey is not registered here.
msg-passkey-not-accepted = The passkey was not accepted: { $why }.
msg-passkey-not-accepted-origin = The passkey was not accepted: the origin is not this site's.
msg-passkey-not-accepted-rp-id = The passkey was not accepted: it was made for another relying party (RP ID).
msg-passkey-not-accepted-not-verified = The passkey was not accepted: the authenticator did not verify the user.
msg-passkey-not-accepted-not-present = The passkey was not accepted: the authenticator did not see the user.
msg-passkey-not-accepted-signature = The passkey was not accepted: the signature does not verify.
msg-passkey-not-accepted-challenge = The passkey was not accepted: it answers another challenge.
msg-passkey-not-accepted-client-data = The passkey was not accepted: the client data is of the wrong type.
msg-passkey-not-accepted-registered = The passkey was not accepted: this passkey is already registered.
msg-passkey-not-accepted-no-handle = The passkey was not accepted: the response names no user handle (not a discoverable passkey).
msg-passkey-counter = This passkey was refused: its signature counter went backwards, so a copy of it may exist. The account's owner has been told.

## src/accounts/search.rs
msg-search-too-long = Search for at most 100 characters.

## src/audit.rs
msg-event-kind-unknown = Unknown event kind; use one of { $kinds }.

## src/auth/csrf.rs
msg-csrf = The CSRF token is missing or does not match this session. Reload the page and try again.

## src/auth/scopes.rs
msg-scopes-empty = Choose at least one scope: { $scopes }.
msg-scope-unknown = “{ $scope }” is not a scope; use { $scopes }.
msg-scope-oidc = “{ $scope }” is an OpenID Connect scope, for applications that sign users in; a personal access token takes { $scopes }.

## src/auth/totp.rs
msg-code-format = Enter the 6-digit code from your authenticator app, or a recovery code.
msg-totp-format = Enter the 6-digit code your authenticator app shows.

## src/config/protection.rs
msg-email-domains = Accounts are limited to addresses at { $domains }.

## src/db/posts.rs
msg-post-not-author = Only the author can change this post.

## src/db/sessions.rs
msg-refresh-unknown = The refresh token is unknown.
msg-refresh-expired = The refresh token has expired.
msg-refresh-revoked = The refresh token's session has been revoked.
msg-refresh-reused = The refresh token was already used; its session has been revoked as a precaution.

## src/db/sessions/limits.rs
msg-session-idle = session expired after inactivity
msg-session-max-age = session reached its maximum lifetime; sign in again

## src/db/users.rs
msg-email-taken = This email is already registered.
msg-username-taken = This username is taken.

## src/domain/cursor.rs
msg-bad-cursor = This cursor is not one this server issued; start from the first page.

## src/domain/page.rs
msg-bad-limit = limit must be a whole number from 1 to 100.

## src/domain/passkeys.rs
msg-passkey-name-blank = Give the passkey a name, to tell it from others.
msg-name-one-line = The name must be one line without control characters.
msg-name-max-64 = The name must be at most 64 characters.

## src/domain/pats.rs
msg-token-name-blank = Give the token a name that says what uses it.
msg-name-max-100 = The name must be at most 100 characters.

## src/domain/posts.rs
msg-title-blank = Title must not be blank.
msg-title-one-line = Title must be one line without control characters.
msg-title-too-long = Title must be at most 200 characters.
msg-body-blank = Body must not be blank.
msg-body-nul = Body must not contain the NUL character (U+0000).
msg-body-too-long = Body must be at most 20,000 characters.
msg-visibility = Visibility must be "public" or "private".

## src/domain/users.rs
msg-username-length = Username must be 3 to 32 characters long.
msg-username-chars = Username may only contain letters, digits, '_', '.' and '-'.
msg-email-invalid = Enter a valid email address, like name@example.com.
msg-password-max-bytes = Password must be at most 72 bytes.
msg-password-nul = Password must not contain a NUL character.
msg-password-too-long-chars = This password is too long: use at most 72 characters (yours has { $characters }).
msg-password-too-long-bytes = This password is too long. The limit is 72 plain letters or digits, and accented letters and symbols count as two or more each, so your { $characters } characters count as { $bytes }. Make it a little shorter.
msg-role = Role must be "user" or "admin".

## src/error.rs
msg-unsupported-body = The body has a content type this route does not accept.
msg-unavailable = The service is not available.
msg-auth-required = Authentication is required.
msg-body-too-large = The request body is larger than 128 KiB.
msg-headers-too-large = The request headers are too large.
msg-sign-in-delayed = Too many failed sign-ins to this account: wait { $seconds } s, then try again (a passkey or a reset link works now).
msg-too-many-requests = Too many attempts; try again in { $seconds } s.
msg-status-request-timeout = Request Timeout.
msg-status-length-required = Length Required.
msg-status-uri-too-long = URI Too Long.
msg-value-taken = That value is already taken.

## src/error/fields.rs
msg-body-incomplete = The body is incomplete.

## src/error/password_reason.rs
msg-password-too-short = Use at least 8 characters.
msg-password-too-long = Use at most 72 bytes.
msg-password-context = This password is too close to your username, e-mail address or this site's name.
msg-password-common = This password is one of the most commonly used; choose another.
msg-password-breached = This password has appeared in a data breach; choose another.

## src/http/body.rs
msg-form-content-type = Send the form as application/x-www-form-urlencoded.
msg-form-unreadable = The form could not be read: { $reason }
msg-invalid-value = Invalid value: { $reason }.

## src/inspector/encoder.rs
msg-encoder-no-alg = The header needs an alg, such as "HS256" or "RS256".
msg-encoder-alg-unknown = The encoder signs with HS256/384/512, RS256/384/512, PS256/384/512, ES256, ES384, EdDSA or none; not { $alg }.
msg-encoder-needs-key-hmac = { $alg } needs a key: an HMAC secret (text, or base64url after base64:).
msg-encoder-needs-key-rsa = { $alg } needs a key: an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).
msg-encoder-needs-key-ec384 = { $alg } needs a key: an EC P-384 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ec256 = { $alg } needs a key: an EC P-256 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-needs-key-ed25519 = { $alg } needs a key: an Ed25519 private key in PEM (BEGIN PRIVATE KEY).
msg-encoder-none-key = alg none is unsigned: leave the key empty.
msg-encoder-cannot-sign-rsa = The key cannot sign { $alg }: an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).
msg-encoder-cannot-sign-ec384 = The key cannot sign { $alg }: an EC P-384 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ec256 = The key cannot sign { $alg }: an EC P-256 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-cannot-sign-ed25519 = The key cannot sign { $alg }: an Ed25519 private key in PEM (BEGIN PRIVATE KEY).
msg-encoder-header-too-large = The header is too large (at most 65536 bytes).
msg-encoder-payload-too-large = The payload is too large (at most 65536 bytes).
msg-encoder-header-not-json = The header is not valid JSON: { $error }.
msg-encoder-payload-not-json = The payload is not valid JSON: { $error }.
msg-encoder-hmac-pem = { $alg } needs an HMAC secret (text, or base64url after base64:). A PEM key with an HMAC algorithm is the algorithm-confusion attack.
msg-encoder-base64 = After base64: comes the secret in base64url; this is not valid base64.
msg-encoder-hmac-empty = The HMAC secret is empty: after base64: comes the secret.
msg-encoder-wrong-key-rsa = { $alg } needs an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).
msg-encoder-wrong-key-ec384 = { $alg } needs an EC P-384 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ec256 = { $alg } needs an EC P-256 private key in PEM (BEGIN PRIVATE KEY or BEGIN EC PRIVATE KEY).
msg-encoder-wrong-key-ed25519 = { $alg } needs an Ed25519 private key in PEM (BEGIN PRIVATE KEY).

## src/inspector/input.rs
msg-inspector-paste-token = Paste a token to inspect.
msg-inspector-token-too-long = The token is too long (at most 65536 bytes).
msg-inspector-name-too-long = At most 2048 bytes.

## src/inspector/pasted_key.rs
msg-key-too-large = The key is too large ({ $bytes } bytes; at most 65536).
msg-key-empty = The key is empty: paste a secret, a PEM public key, a JWK or a JWKS.
msg-key-base64 = After base64: comes the secret in base64url (or base64); this is not valid base64.
msg-key-hmac-empty = The HMAC secret is empty.

## src/inspector/pasted_key/jwk.rs
msg-jwk-unparsable = The key looks like JSON but does not parse ({ $error }); expected a JWK or a JWKS.
msg-jwk-expected = Expected a JWK (an object with kty) or a JWKS (an object with keys).
msg-jwks-keys-array = A JWKS's keys is an array of JWKs.
msg-jwks-too-many = The JWKS has { $count } keys; at most 100 are read.
msg-jwks-key-not-object = keys[{ $index }] is not a JSON object.
msg-jwks-no-usable-key = The JWKS has no RSA, EC P-256/P-384, Ed25519 or oct key.
msg-jwk-unsupported = The JWK's kty/crv is not one Sigil verifies with: RSA, EC (P-256, P-384), OKP (Ed25519) or oct.
msg-jwk-member-not-string = { $member } must be a string.
msg-jwk-member-missing = the JWK has no { $member }.
msg-jwk-member-not-base64url = { $member } is not base64url.
msg-jwk-k-empty = k (the secret) is empty.
msg-jwk-rsa-positive = n and e must be positive numbers.
msg-jwk-ec-size = x and y of a { $curve } key are { $size } bytes each.
msg-jwk-ed25519-size = x of an Ed25519 key is 32 bytes.

## src/inspector/pasted_key/pem_key.rs
msg-pem-unparsable = The PEM text does not parse (check the BEGIN/END lines and the base64 between them); expected a PEM public key (-----BEGIN PUBLIC KEY-----), an RSA PUBLIC KEY, a CERTIFICATE or a PRIVATE KEY of type RSA, EC P-256/P-384 or Ed25519.
msg-pem-no-usable-key = The { $block } does not hold a key Sigil can use; expected a PEM public key (-----BEGIN PUBLIC KEY-----), an RSA PUBLIC KEY, a CERTIFICATE or a PRIVATE KEY of type RSA, EC P-256/P-384 or Ed25519.
msg-pem-private-unparsable = The { $block } does not parse as an RSA, EC P-256/P-384 or Ed25519 key.
msg-pem-encrypted = The private key is encrypted: paste the public key instead (openssl pkey -in key.pem -pubout).
msg-pem-not-a-key = A PEM block of type { $block } is not a key; expected a PEM public key (-----BEGIN PUBLIC KEY-----), an RSA PUBLIC KEY, a CERTIFICATE or a PRIVATE KEY of type RSA, EC P-256/P-384 or Ed25519.

## src/oidc/clients.rs
msg-not-null = Must not be null; leave the field out to keep it.
msg-fixed-at-registration = Fixed at registration: it cannot be changed.

## src/oidc/clients/fields.rs
msg-client-id-format = Use 3 to 64 characters of A–Z, a–z, 0–9, dot, underscore and hyphen.
msg-client-name-blank = Give the client a name: the consent page shows it.
msg-client-type = Choose confidential (has a secret) or public (native apps, SPAs, CLIs).
msg-uri-blank = A URI must not be blank.
msg-uri-too-long = A URI must be at most 2000 characters.
msg-uri-spaces = A URI must not contain spaces or control characters.
msg-uri-wildcard = Wildcards (*) are not allowed: register each URI exactly.
msg-uri-fragment = A URI must not have a fragment (#…).
msg-uri-absolute = Must be an absolute URI, with its scheme (https://…).
msg-uri-userinfo = A URI must not carry a user name or password (userinfo).
msg-uri-http = http is only allowed to 127.0.0.1, [::1] or localhost; use https.
msg-uri-private-scheme = A private-use scheme ({ $scheme }:) is for public clients only (RFC 8252).
msg-uri-scheme = Use https, http to a loopback host, or (for a public client) a private-use scheme with a dot, like com.example.app:/callback.
msg-uris-array = Must be an array of URIs.
msg-uris-too-many = At most 20 URIs.
msg-uris-strings = Must be an array of URIs (strings).
msg-uri-named-too-long = “{ $uri }”: A URI must be at most 2000 characters.
msg-uri-named-spaces = “{ $uri }”: A URI must not contain spaces or control characters.
msg-uri-named-wildcard = “{ $uri }”: Wildcards (*) are not allowed: register each URI exactly.
msg-uri-named-fragment = “{ $uri }”: A URI must not have a fragment (#…).
msg-uri-named-absolute = “{ $uri }”: Must be an absolute URI, with its scheme (https://…).
msg-uri-named-userinfo = “{ $uri }”: A URI must not carry a user name or password (userinfo).
msg-uri-named-http = “{ $uri }”: http is only allowed to 127.0.0.1, [::1] or localhost; use https.
msg-uri-named-private-scheme = “{ $uri }”: A private-use scheme ({ $scheme }:) is for public clients only (RFC 8252).
msg-uri-named-scheme = “{ $uri }”: Use https, http to a loopback host, or (for a public client) a private-use scheme with a dot, like com.example.app:/callback.
msg-logout-uri-scheme = Use https (or http to 127.0.0.1, [::1] or localhost in development).
msg-grant-types-array = Must be an array of grant types: { $types }.
msg-grant-type-unknown = “{ $grant }” is not a grant type; use { $types }.
msg-grant-types-empty = Choose at least one grant type: { $types }.
msg-client-scope-string = Must be a space-separated string of scope names.

## src/oidc/clients/spec.rs
msg-true-or-false = Must be true or false.
msg-code-grant-needs-redirect = The authorization_code grant needs at least one redirect URI.
msg-grace-hours = Must be a whole number of hours from 0 to 168.

## src/routes/web/account.rs
msg-password-changed = Password changed. Every other session has been signed out.
msg-this-session-revoked = This session was revoked; you are signed out.
msg-session-revoked = Session revoked.
msg-signed-out-everywhere = You have been signed out everywhere.
msg-email-change-link-sent = We sent a link to { $email }. Your address changes when you follow it.
msg-verification-resent = We sent a new link to { $email }.

## src/routes/web/account/apps.rs
msg-app-access-revoked = Access revoked: “{ $app }” is signed out and will ask again.

## src/routes/web/account/delete.rs
msg-account-deleted = Your account { $username } has been deleted, with its posts and sessions. Goodbye.

## src/routes/web/account/identities.rs
msg-provider-unlinked = Unlinked: that provider no longer signs in to this account.
msg-set-password-link-sent = We sent a link to { $email }: follow it to set your password.
msg-set-password-too-many = We sent several links within the hour already: use the newest, or try again later.

## src/routes/web/account/mfa.rs
msg-totp-turned-off = Two-step sign-in is off: the authenticator app and the recovery codes were removed.

## src/routes/web/account/tokens.rs
msg-token-revoked = Token revoked: scripts that use it now get 401.

## src/routes/web/admin.rs
msg-title-user = User { $username }

## src/routes/web/admin/actions.rs
msg-admin-user-disabled = { $username } is disabled: they cannot sign in, and every session of theirs has ended.
msg-admin-user-enabled = { $username } is enabled: they can sign in again.
msg-admin-user-signed-out = { $username } is signed out everywhere.
msg-admin-reset-link-sent = A password-reset link is on its way to the user's e-mail address.
msg-admin-failures-cleared = Failed sign-ins cleared: the next sign-in does not wait.
msg-admin-now-admin = { $username } is now an administrator.
msg-admin-now-user = { $username } is now a user (not an administrator).
msg-admin-account-deleted = The account { $username } is deleted; its security events are kept.

## src/routes/web/admin/clients.rs
msg-title-client = Client { $name }
msg-client-saved = Client “{ $name }” saved.
msg-client-deleted = Client { $client } deleted; its sessions have ended.

## src/routes/web/admin/invitations.rs
msg-invitation-sent = Invitation sent to { $email }. Its link works once, for { $days } days.
msg-invitation-revoked = The invitation to { $email } is revoked.

## src/routes/web/auth.rs
msg-welcome-back = Welcome back, { $username }.
msg-change-your-password = Change your password
msg-password-flagged = Your password is now on a list of common or breached passwords, which attackers try first. Choose a new one.
msg-welcome-ready = Welcome to Sigil, { $username }! Your account is ready.
msg-welcome-confirm = Welcome to Sigil, { $username }! Confirm your address with the link we sent to { $email }, then sign in.
msg-welcome-ready-link-sent = Welcome to Sigil, { $username }! Your account is ready. We sent a link to { $email } to confirm your address.
msg-signed-out = You have been signed out.
msg-no-refresh-cookie = There is no refresh cookie; sign in again.

## src/routes/web/auth/provider.rs
msg-provider-linked = Your { $provider } account is linked: you can now sign in with it.
msg-confirmed-its-you = Confirmed: it's you.
msg-welcome-confirm-provider = Welcome to Sigil, { $username }! Confirm your address with the link we sent to { $email }, then sign in with { $provider }.
msg-provider-cannot-confirm = { $provider } cannot confirm a recent sign-in: use your password or a passkey.

## src/routes/web/auth/recovery.rs
msg-password-reset-done = Your password is changed. Sign in with it.

## src/routes/web/device.rs
msg-title-allow-device = Allow this device?
msg-title-device-allowed = Device allowed

## src/routes/web/locale.rs
msg-locale-unknown = { $locale } is not a language Sigil speaks: choose en, de or es.

## src/routes/web/oauth.rs
msg-title-another-account = Another account
msg-title-allow-access = Allow access?

## src/routes/web/oauth/logout.rs
msg-you-are-signed-out = You are signed out.

## src/routes/web/posts.rs
msg-post-created = Post created.
msg-post-updated = Post updated.
msg-post-deleted = Post deleted.

## src/routes/web/recent.rs
msg-admin-pages-only = These pages are for administrators.
msg-confirmed-email-link-sent = Confirmed: it's you. We sent a link to { $email }. Your address changes when you follow it.
msg-confirmed-send-again = Confirmed: it's you. Now send the form again.
