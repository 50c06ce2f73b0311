## Shared by the consent and device pages.

oauth-signed-in-as = Signed in as
oauth-you-are-signed-in-as = You are signed in as
oauth-not-you = Not you? Sign in as someone else
oauth-asks-to = { $client } asks to:
oauth-admin-warning = This includes administrator access: { $client } could act on other people's accounts for as long as you are an administrator. Allow it only if you trust this application.
oauth-allow = Allow
oauth-deny = Deny
oauth-take-back = You can take this access back at any time under "Apps with access" on your account page.
oauth-continue = Continue

## What each scope lets an app do (src/auth/scopes.rs in_words and Scope::description, shown
## through tr() on the consent and device pages).

oauth-scope-openid = Sign you in with your Sigil account
oauth-scope-profile = See your username
oauth-scope-email = See your e-mail address and whether it is verified
oauth-scope-offline-access = Stay connected while you are not using it
oauth-scope-profile-read = Read your profile (GET /api/users/me)
oauth-scope-posts-read = Read posts, your private ones included
oauth-scope-posts-write = Write, edit and delete your posts (and read them)
oauth-scope-sessions-read = List your sessions and your account's activity
oauth-scope-admin-read = Read users and events, while you are an administrator
oauth-scope-admin-write = Disable, enable, sign out and send reset links to users; revoke their tokens; clear their failed sign-ins

## templates/oauth/consent.html

oauth-consent-title = Allow { $client } to use your account?
# Between the username and the host the browser goes back to, both in bold.
oauth-consent-go-back = . After you answer, you go back to
oauth-scope-new = new

## templates/oauth/continue.html

oauth-continue-title = Continue to { $client }
oauth-continue-intro = Sigil is taking you on to sign in to { $client }.

## templates/oauth/logout.html

oauth-logout-title = Sign out of Sigil?
oauth-logout-client-asks = { $client } asks to sign you out of Sigil.
oauth-logout-app-asks = An app asks to sign you out of Sigil.
# Follows the username in bold.
oauth-logout-apps-keep = . Apps you allowed to stay connected keep their access.
oauth-logout-sign-out = Sign out
oauth-stay-signed-in = Stay signed in

## templates/oauth/switch.html

oauth-switch-title = { $client } asks for another account
# Follows the username in bold.
oauth-switch-intro = , but { $client } asked to sign in someone else. Sign out, then sign in with the account { $client } expects.
oauth-switch-button = Sign out and sign in again
oauth-switch-stay = Stay signed in as { $username }

## Pages about an authorization request that cannot go on (src/routes/web/oauth.rs and
## src/routes/web/oauth/logout.rs: the error page, shown through tr()).

oauth-error-expired = This request has expired; go back to the app and try again.
oauth-error-unreadable-parameters = The request's parameters could not be read.
oauth-error-unknown-client = The application that sent you here is not registered with Sigil.
oauth-error-choose = Choose Allow or Deny.
oauth-error-redirect-not-uri = The redirect URI is not a URI.
oauth-error-unreadable = The request could not be read.
oauth-error-parameter-too-long = The parameter { $name } is too long.
oauth-error-parameter-repeated = The parameter { $name } appears more than once.
oauth-error-foreign-hint = The app's id_token_hint is not an id_token Sigil signed, so nothing was signed out.
oauth-error-hint-other-client = The id_token_hint was issued to another app than client_id names, so nothing was signed out.
oauth-error-unregistered-logout-redirect = The address the app asked to go back to after signing out is not registered for it, so nothing was signed out.
# The authorization request's own checks (src/oidc/authorize.rs).
oauth-error-missing-parameter = The request has no { $name }: the application that sent you here made a mistake.
oauth-error-parameter-twice = The request names { $name } more than once: the application that sent you here made a mistake.
oauth-error-parameter-empty = The request's { $name } is empty: the application that sent you here made a mistake.
oauth-error-request-parameter-too-long = The request's { $name } is too long.
oauth-error-unregistered-redirect = The address this request would send you back to is not registered for this application, so Sigil will not go there.

## templates/device/entry.html

oauth-device-entry-title = Connect a device
oauth-device-entry-intro = Enter the code your TV, console or command line shows. You will see which app asks, and what it may do, before anything is allowed.
oauth-device-code = Code
oauth-device-code-hint = 8 letters, like BCDF-GHJK
oauth-device-entry-aside = Did not start this on a device of yours? Then close this page: someone who sends you a code wants into your account.
# Under the code field (src/oidc/device.rs, src/accounts/device.rs and src/routes/web/device.rs,
# shown through tr()).
oauth-device-malformed = Enter the 8 letters your device shows, like BCDF-GHJK (dashes and spaces do not matter).
oauth-device-unknown = That code is not one Sigil gave out. Check it against your device.
oauth-device-expired = That code has expired. Start again on your device to get a new one.
oauth-device-used = That code was already answered. Start again on your device if you need a new one.
oauth-device-too-many-a-second = Too many attempts from your network. Wait a second, then try again.
oauth-device-too-many-seconds = Too many attempts from your network. Wait { $count } seconds, then try again.
oauth-device-too-many-a-minute = Too many attempts from your network. Wait a minute, then try again.
oauth-device-too-many-minutes = Too many attempts from your network. Wait { $count } minutes, then try again.

## templates/device/confirm.html

oauth-device-confirm-title = Allow { $client } on your device?
oauth-device-code-label = The code
oauth-device-warning-strong = Only continue if this code is on your device.
oauth-device-warning = If someone sent you this code, or you did not start signing in on a device just now, choose Deny: whoever holds the device would get into your account.

## templates/device/answered.html

oauth-device-allowed-title = You can go back to your device
oauth-device-allowed = { $client } is signed in on your device. It may take a few seconds to notice.
# Around a link to the "Apps with access" part of the account page.
oauth-device-not-you-before = Was that not you? Take its access back under
oauth-device-not-you-link = Apps with access
oauth-device-denied-title = Denied
oauth-device-denied = { $client } was not allowed. The device gets nothing, and its code no longer works.
