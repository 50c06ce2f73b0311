## The account pages: /account, its activity, deleting it, two-step sign-in.

# Words that come from Rust come first: tr() takes the first message with the same English,
# and the event label "Signed in" must win over the column heading "Signed in".

## Words from Rust shown on /account (through tr()): src/routes/web/account.rs, account/*.rs,
## lines.rs, src/auth/scopes.rs

account-rust-never = never
account-rust-never-asked = never asked (a first-party app)
account-rust-error-current-password = Enter your current password.
account-rust-error-passwords-differ = The two passwords do not match.
account-rust-error-same-address = This is already your address.
account-rust-error-removal-password = Enter your password to confirm it is you.
account-rust-passkey-added = Passkey “{ $name }” added: you can sign in with it now.
account-rust-passkey-removed = Passkey removed: it no longer signs in.

# The create-a-token form's scope descriptions (Scope::description).
account-scope-profile-read = Read your profile (GET /api/users/me)
account-scope-posts-read = Read posts, your private ones included
account-scope-posts-write = Write, edit and delete your posts (and read them)
account-scope-sessions-read = List your sessions and your account's activity
account-scope-admin-read = Read users and events, while you are an administrator
account-scope-admin-write = Disable, enable, sign out and send reset links to users; revoke their tokens; clear their failed sign-ins

# "Apps with access": each scope in words, then its name (apps_access::describe).
account-app-scope-openid = Sign you in with your Sigil account (openid)
account-app-scope-profile = See your username (profile)
account-app-scope-email = See your e-mail address and whether it is verified (email)
account-app-scope-offline-access = Stay connected while you are not using it (offline_access)
account-app-scope-profile-read = Read your profile (GET /api/users/me) (profile:read)
account-app-scope-posts-read = Read posts, your private ones included (posts:read)
account-app-scope-posts-write = Write, edit and delete your posts (and read them) (posts:write)
account-app-scope-sessions-read = List your sessions and your account's activity (sessions:read)
account-app-scope-admin-read = Read users and events, while you are an administrator (admin:read)
account-app-scope-admin-write = Disable, enable, sign out and send reset links to users; revoke their tokens; clear their failed sign-ins (admin:write)

# Device labels (src/http/client.rs, Device): "Firefox 132 on Windows".
account-device-on = { $browser } on { $os }
account-device-unknown = Unknown client

## templates/partials/events.html: the event labels (src/audit.rs, EventKind::label), every kind,
## through tr(). (The partial's own words and "by an administrator" are in common.ftl.)

account-event-sign-in = Signed in
account-event-sign-in-failed = Failed sign-in
account-event-sign-out = Signed out
account-event-logout-all = Signed out everywhere
account-event-session-revoked = Session revoked
account-event-refresh-token-reuse = Refresh token reused: session ended
account-event-password-changed = Password changed
account-event-password-reset-requested = Password reset requested
account-event-password-reset = Password reset with an e-mailed link
account-event-email-change-requested = E-mail change requested
account-event-email-changed = E-mail address changed
account-event-email-verified = E-mail address verified
account-event-rate-limited = Too many sign-in attempts
account-event-user-disabled = Account disabled by an administrator
account-event-user-enabled = Account enabled by an administrator
account-event-admin-logout-all = Signed out everywhere by an administrator
account-event-admin-password-reset = Reset link sent by an administrator
account-event-role-changed = Role changed by an administrator
account-event-user-deleted = Account deleted by an administrator
account-event-second-factor-failed = Wrong second-factor code
account-event-totp-enabled = Authenticator app added
account-event-totp-disabled = Authenticator app removed
account-event-recovery-codes-regenerated = New recovery codes made
account-event-recovery-code-used = Recovery code used
account-event-reauthenticated = Confirmed it was you
account-event-account-deleted = Account deleted
account-event-token-revoked = Token revoked by a client
account-event-passkey-added = Passkey added
account-event-passkey-removed = Passkey removed
account-event-passkey-used = Passkey used
account-event-passkey-clone-suspected = Passkey refused: its counter went backwards
account-event-password-check-failed = Wrong current password
account-event-pat-created = Personal access token created
account-event-pat-revoked = Personal access token revoked
account-event-sign-in-delayed = Sign-ins delayed after failures
account-event-sign-in-failures-cleared = Failed sign-ins cleared
account-event-session-expired = Session timed out
account-event-invitation-created = Invitation sent
account-event-invitation-revoked = Invitation revoked
account-event-invitation-accepted = Invitation accepted
account-event-consent-granted = Access granted to an app
account-event-consent-denied = Access denied to an app
account-event-consent-revoked = Access revoked from an app
account-event-oauth-grant = Tokens issued to an app
account-event-oauth-code-reuse = Authorization code used twice
account-event-client-created = OAuth client registered
account-event-client-updated = OAuth client changed
account-event-client-deleted = OAuth client deleted
account-event-client-secret-rotated = OAuth client secret rotated
account-event-backchannel-logout-failed = An app was not told of a sign-out
account-event-provider-sign-in-failed = Failed sign-in with another provider
account-event-identity-linked = Sign-in provider linked
account-event-identity-unlinked = Sign-in provider unlinked
# An administrator reads the admin actions' labels with the administrator's name
# (lines.rs replaces "by an administrator" with "by administrator <name>").
account-event-user-disabled-by = Account disabled by administrator { $name }
account-event-user-enabled-by = Account enabled by administrator { $name }
account-event-admin-logout-all-by = Signed out everywhere by administrator { $name }
account-event-admin-password-reset-by = Reset link sent by administrator { $name }
account-event-role-changed-by = Role changed by administrator { $name }
account-event-user-deleted-by = Account deleted by administrator { $name }

## templates/account/index.html

account-title = Your account
account-profile-title = Profile
account-profile-username = Username
account-profile-email = Email
account-profile-confirmed = confirmed
account-profile-not-confirmed = not confirmed
account-profile-member-since = Member since
account-profile-confirm-hint = Confirm that this address is yours: it is where we send security notices, and the link to choose a new password if you forget it.
account-profile-resend = Send the link again

account-email-title = Change e-mail address
account-email-new = New email
account-email-current-password = Current password
account-email-confirm-hint = When you send the form, we will ask you to confirm it's you, once: the address changes then.
account-email-submit = Send a link to the new address
account-email-hint = The address changes when you follow the link we send there; your current address is told.

account-password-title = Change password
account-password-current = Current password
account-password-new = New password
account-password-new-hint = At least 8 characters. At most 72 plain letters or digits: accented letters and symbols count as two or more.
account-password-confirm = Confirm new password
account-password-submit = Change password
account-password-hint = Changing your password signs out every other session.
account-password-set-title = Set a password
account-password-set-intro = Your account has no password: you sign in with a provider. A password gives you another way in.
account-password-set-intro-passkeys = Your account has no password: you sign in with a provider or a passkey. A password gives you another way in.
account-password-set-submit = Mail me a link to set a password

account-providers-title = Sign-in providers
account-providers-none = No provider signs in to this account yet.
account-providers-caption = Providers linked to this account
account-providers-col-provider = Provider
account-providers-col-account = Account
account-providers-col-linked = Linked
account-providers-col-last-used = Last used
account-providers-col-action = Action
account-providers-unlink = Unlink
account-providers-link = Link { $provider }

account-mfa-title = Two-step sign-in
account-mfa-on = on
account-mfa-on-text = Signing in asks for a code from your authenticator app after your password.
account-mfa-codes-left =
    { $count ->
        [one] { $count } recovery code left.
       *[other] { $count } recovery codes left.
    }
account-mfa-codes-low = Make new ones before you run out.
account-mfa-new-codes = New recovery codes
account-mfa-remove-password = Your password, to remove the authenticator app
account-mfa-remove = Remove the authenticator app
account-mfa-on-hint = New codes replace the old ones, which stop working. Removing the app turns two-step sign-in off.
account-mfa-off-text = Off. With an authenticator app (such as Google Authenticator, Aegis or 1Password), signing in also asks for a 6-digit code from your phone, so a stolen password is not enough.
account-mfa-add = Add an authenticator app

account-passkeys-title = Passkeys
account-passkeys-errors-title = The passkey was not added
account-passkeys-intro = A passkey signs you in with your device's screen lock or a security key instead of your password. It cannot be phished: it only works on this site.
account-passkeys-intro-mfa = A passkey signs you in with your device's screen lock or a security key instead of your password, or confirms a sign-in in place of a code from your app. It cannot be phished: it only works on this site.
account-passkeys-none = No passkeys yet.
account-passkeys-col-name = Name
account-passkeys-col-added = Added
account-passkeys-col-last-used = Last used
account-passkeys-col-actions = Actions
account-passkeys-remove-password = Your password, to remove { $name }
account-passkeys-password-placeholder = Your password
account-passkeys-remove = Remove
account-passkeys-name = Name for the new passkey
account-passkeys-name-hint = To tell it from others, such as “Laptop” or “YubiKey”.
account-passkeys-add = Add a passkey
account-passkeys-needs-js = Adding a passkey needs JavaScript: the browser makes it.

account-tokens-title = Personal access tokens
account-tokens-intro-before = A personal access token lets a script call the API for you, with only the scopes you choose, until it expires or you revoke it. Send it as
account-tokens-intro-after = . Signing out everywhere and changing your password leave tokens working: revoke them here.
account-tokens-new-title = Your new token “{ $name }”.
account-tokens-new-text = Copy it now: it is shown only this once, and Sigil keeps only a hash of it.
account-tokens-new-label = Token
account-tokens-example = For example:
account-tokens-none = No tokens yet.
account-tokens-col-name = Name
account-tokens-col-scopes = Scopes
account-tokens-col-expires = Expires
account-tokens-col-last-used = Last used
account-tokens-col-actions = Actions
account-tokens-expired = expired
account-tokens-revoke-label = Revoke { $name }
account-tokens-revoke = Revoke
account-tokens-create-title = Create a token
account-tokens-name = Token name
account-tokens-name-hint = What uses it, such as “deploy script” or “backup cron”.
account-tokens-scopes = Scopes
account-tokens-expires = Expires
account-tokens-expires-in-days = in { $days } days
account-tokens-expires-on-date = on a date
account-tokens-expiry-date = Expiry date
account-tokens-create = Create token

account-sessions-title = Active sessions
account-sessions-col-device = Device
account-sessions-col-address = Address
account-sessions-col-signed-in = Signed in
account-sessions-col-last-used = Last used
account-sessions-col-actions = Actions
account-sessions-this-browser = this browser
account-sessions-revoke = Revoke
account-sessions-logout-all = Sign out everywhere

account-apps-title = Apps with access
account-apps-intro = Apps you let sign you in with your Sigil account, and what each may do. Revoking one signs it out at once; it asks you again next time.
account-apps-none = No apps have access to your account.
account-apps-col-app = App
account-apps-col-may = May
account-apps-col-allowed = Allowed
account-apps-col-last-used = Last used
account-apps-col-signed-in = Signed in
account-apps-col-actions = Actions
account-apps-not-signed-in = not signed in
account-apps-sessions =
    { $count ->
        [one] { $count } session
       *[other] { $count } sessions
    }
account-apps-revoke-label = Revoke access for { $name }
account-apps-revoke = Revoke

account-activity-section-title = Recent security activity
account-activity-older = Older activity

account-delete-section-title = Delete account
account-delete-section-text = Your account, your posts and your sessions go for good.
account-delete-section-link = Delete my account…

## templates/account/activity.html

account-activity-title = Security activity
account-activity-lead = Every sign-in, sign-out and change to your account's security, newest first. Something you do not recognise? Change your password and sign out everywhere from
account-activity-lead-link = your account

## templates/account/delete.html

account-delete-title = Delete your account
account-delete-intro = This deletes, for good:
account-delete-item-account = your account
account-delete-item-posts = every post you wrote, public or private,
account-delete-item-sessions = your sessions on every device (they are signed out),
account-delete-item-mfa = your authenticator app and recovery codes, if you use two-step sign-in.
account-delete-hint = The security log keeps its records of what happened to the account (with its number, not your password or codes), as audit trails must. We send a last message to { $email }.
account-delete-password = Your password
account-delete-confirm-legend = Confirmation
account-delete-confirm = I understand that my account and my posts are deleted and cannot be brought back.
account-delete-submit = Delete my account
account-delete-keep = Keep my account
account-rust-error-enter-password = Enter your password.
account-rust-error-tick-box = Tick the box to say you understand this cannot be undone.

## templates/account/mfa_enrol.html

account-enrol-title = Add an authenticator app
account-enrol-qr-label = QR code: the key shown under step 2, for your authenticator app
account-enrol-step-scan = 1. Scan this QR code
account-enrol-scan-text = Open your authenticator app (Google Authenticator, Aegis, 1Password, Authy…), choose to add an account, and scan the code.
account-enrol-step-type = 2. Or type the key
account-enrol-type-text = If you cannot scan, enter this key in the app (time-based, 6 digits):
account-enrol-key-label = Key
account-enrol-copy = Copy key
account-enrol-key-length = One click selects the whole key ({ $count } characters).
account-enrol-on-phone = On this phone?
account-enrol-open-link = Open the key in your authenticator app
account-enrol-step-code = 3. Enter the code the app shows
account-enrol-code = 6-digit code
account-enrol-submit = Turn on two-step sign-in
account-enrol-hint = Two-step sign-in stays off until a code from the app is confirmed here.

## templates/account/recovery_codes.html

account-codes-shown-title = Your recovery codes were shown
account-codes-shown-text = For your safety, new recovery codes are shown only for ten minutes after they are made, and Sigil keeps only a scrambled form of them that cannot be shown again.
account-codes-shown-next = If you saved them, there is nothing more to do. If you did not, make new ones: the old ones then stop working.
account-codes-make-new = Make new recovery codes
account-codes-back = Back to my account
account-codes-title = Your recovery codes
account-codes-intro = If you lose your phone, each of these codes signs you in once in place of a code from the app.
account-codes-only-once = This is the only time they are shown:
account-codes-save = save them now, somewhere apart from your phone.
account-codes-download = Download as a text file
account-codes-saved = I have saved them: back to my account
# The headline over the codes (src/routes/web/account/mfa.rs), shown through tr().
account-rust-codes-headline-on = Two-step sign-in is on. From now on, signing in asks for a code from your app.
account-rust-codes-headline-new = New recovery codes. The old ones no longer work.
account-rust-codes-bad-download = These are not recovery codes: make new ones on your account page.

## src/routes/web/account/mfa.rs: the downloaded recovery codes file.
account-codes-file-title = Sigil recovery codes for { $username }
account-codes-file-saved = Saved { $when }
account-codes-file-each = Each code signs you in once in place of a code from your authenticator app.
account-codes-file-keep = Keep them somewhere safe, apart from your phone.
