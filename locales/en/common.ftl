## The layout around every page (templates/layout/base.html) and shared partials.

site-name = Sigil
skip-to-content = Skip to content
nav-main = Main
nav-posts = Posts
nav-new-post = New post
nav-token-inspector = Token inspector
nav-admin = Admin
signed-in-as = Signed in as
sign-out = Sign out
sign-in = Sign in
register = Register
footer-tagline = JWT-authenticated posts
footer-status = Status
footer-api-docs = API docs
language-picker = Language
language-picker-submit = Change language
error-title-prefix = Error:{" "}
error-summary-title = Please correct the following

## templates/errors/error.html (headings and sentences from src/routes/web/errors.rs, through tr())
common-error-not-found-title = Page not found
common-error-not-found = There is nothing at this address.
common-error-forbidden-title = Not allowed
common-error-forbidden = You are not allowed to do that.
common-error-unauthorized-title = Please sign in
common-error-unauthorized = You need to sign in to see this page.
common-error-method-not-allowed = This page does not accept that kind of request.
common-error-too-large-title = Too large
common-error-too-large = What you sent is larger than 128 KiB.
common-error-not-a-form-title = Not a form
common-error-not-a-form = This page accepts forms sent by a browser.
common-error-slow-down-title = Slow down
common-error-slow-down = Too many attempts. Wait a minute and try again.
common-error-server-title = Something went wrong
common-error-server = Something went wrong on our side. It has been logged; please try again.
common-error-other-title = That did not work
common-error-other = The request could not be processed.
common-error-back = Back to the posts

## templates/partials/events.html
common-events-none = No security events yet.
common-events-what = What happened
common-events-account = Account
common-events-when = When
common-events-address = Address
common-events-device = Device
# From src/routes/web/lines.rs (EventLine), through tr().
common-events-by-an-administrator = by an administrator
common-events-by-administrator = by administrator { $name }
common-events-deleted-account = deleted account #{ $id }

## templates/partials/providers.html
common-providers-or = or
common-continue-with = Continue with { $provider }

## Words the page's scripts show (static/js), handed to them in data attributes.
common-js-passkey-elsewhere = Passkeys work on this site's own address: open { $url } and try there.
common-js-passkey-exists = This device already holds a passkey for your account.
common-js-passkey-cancelled = No passkey was used: the request was cancelled or timed out. Try again.
common-js-copied = Copied.
common-js-copy-failed = Copying failed: select the key and copy it.
common-from = from
common-qr-label = QR code to scan with your authenticator app

## src/routes/web/lines.rs: the facts recorded with an event, as the event tables show them.
common-fact-signed-in-with = signed in with { $proofs }
common-fact-key-value = { $key }: { $value }
common-fact-new-device = from a new device
common-fact-name-tried = name tried: { $name }
common-fact-was = was { $value }
common-fact-now = now { $value }
common-fact-sessions-ended = sessions ended: { $count }
common-proof-pwd = password
common-proof-otp = authenticator app
common-proof-swk = passkey
common-proof-hwk = security key
common-proof-fed = another site's account
common-proof-none = nothing recorded
common-proofs-and = { $rest } and { $last }

## src/routes/web/lines.rs: recorded codes of events (reasons, steps, methods), in words.
common-fact-step = step
common-fact-method = method
common-fact-via = via
common-code-wrong-password = wrong password
common-code-second-factor-failures = second factor failures
common-code-second-factor-failed = second factor failed
common-code-disabled = disabled
common-code-email-not-verified = email not verified
common-code-sign-in-delayed = sign in delayed
common-code-registration-closed = registration closed
common-code-access-denied = access denied
common-code-linked-elsewhere = linked elsewhere
common-code-no-email = no email
common-code-unreachable = unreachable
common-code-issuer-mismatch = issuer mismatch
common-code-passkey-unknown = passkey unknown
common-code-passkey-invalid = passkey invalid
common-code-passkey-counter-went-back = passkey counter went back
common-code-passkey-challenge-unknown = passkey challenge unknown
common-code-refresh-refused = refresh refused
common-code-mfa-token-unknown = mfa token unknown
common-code-replaced = replaced
common-code-admin = admin
common-code-idle = idle
common-code-reauthenticate = reauthenticate
common-code-passkey = passkey
common-code-fed = fed
common-code-cli = cli
common-code-mfa = mfa
common-code-login = login
common-code-max-age = maximum age
