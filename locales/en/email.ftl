## The mail Sigil sends (src/accounts/notices.rs, src/mail/message.rs), rendered in the
## recipient's language.

## templates/email/message.html and message.txt

email-button-fallback = If the button does not work, paste this address into your browser:
email-your-account = Your account

## Shared by several messages

email-why-account = You received this because this address belongs to a Sigil account.
email-not-you = If this was not you, change your password now and sign out everywhere from your account page.
# One name in a list of names (tokens), quoted.
email-quoted = “{ $name }”
email-fact-when = When
email-fact-device = Device
email-fact-address = Address
# How long a sign-in waits at most: $unit is second, seconds, minute or minutes.
email-wait = { $unit ->
        [second] a second
        [seconds] { $count } seconds
        [minute] a minute
       *[minutes] { $count } minutes
    }

## verify_email

email-verify-subject = Confirm your e-mail address
email-verify-yours = Confirm that this address is yours, so it can be used to get back into your account.
email-verify-lifetime = The link works once, for { $hours } hours.
email-verify-action = Confirm my address
email-verify-why = You received this because this address was given when a Sigil account was created or changed. If that was not you, ignore this message: nothing happens without the link.

## password_reset

email-reset-subject = Reset your Sigil password
email-reset-heading = Reset your password
email-reset-asked = Someone asked to reset the password of the Sigil account with this address.
email-reset-lifetime = The link works once, for { $minutes } minutes. Asking again, or changing the password, ends it.
email-reset-not-asked = If you did not ask, ignore this message: your password stays as it is.
email-reset-action = Choose a new password

## email_change

email-new-address-subject = Confirm your new e-mail address
email-new-address-heading = Confirm your new address
email-new-address-asked = Someone asked to make this the e-mail address of a Sigil account.
email-new-address-lifetime = The change happens only when the link is followed. It works once, for { $hours } hours.
email-new-address-action = Use this address
email-new-address-why = You received this because this address was given as the new address of a Sigil account. If that was not you, ignore this message.

## email_change_requested

email-change-requested-subject = Your Sigil e-mail address is being changed
email-change-requested-heading = Your e-mail address is being changed
email-change-requested-said = Someone asked to change the e-mail address of your account to { $address }. It changes only once a link sent there is followed.

## email_changed

email-changed-subject = Your Sigil e-mail address was changed
email-changed-heading = Your e-mail address was changed
email-changed-said = The e-mail address of your Sigil account is now { $address }. This address no longer receives its mail, and links sent here before (password reset, confirmation) no longer work.
email-changed-not-you = If this was not you, someone else may hold your account: contact this site's administrator now. They can disable the account, log it out everywhere and give it back its address. Until then, do not follow links in mail that claims to come from this account.

## password_changed

email-password-reset-subject = Your Sigil password was reset
email-password-reset-said = Your password was reset with a link sent to this address. Every session signed in before has been signed out.
email-password-changed-subject = Your Sigil password was changed
email-password-changed-said = Your password was changed. Every session signed in before has been signed out.
email-password-tokens = A password change does not end personal access tokens, so scripts keep working. These still work: { $tokens }. Revoke any you do not know.
email-password-tokens-action = Review your tokens

## new_sign_in

email-new-sign-in-subject = New sign-in to your Sigil account
email-new-sign-in-heading = New sign-in to your account
email-new-sign-in-said = Your account was signed in to from a device it has not been used from before.

## refresh_reuse

email-refresh-reuse-subject = A Sigil session was signed out as a precaution
email-refresh-reuse-heading = A session was signed out as a precaution
email-refresh-reuse-said = A refresh token of one of your sessions was presented again after it had already been used. A copy of it may be in someone else's hands, so that session was signed out as a precaution.
email-refresh-reuse-advice = If you just signed in again on that device, you can ignore this. Otherwise change your password.

## mfa_enabled, mfa_disabled, recovery_codes_regenerated

email-mfa-enabled-subject = Two-step sign-in is on for your Sigil account
email-mfa-enabled-said = An authenticator app was added to your account: signing in now asks for a code from it after the password.
email-mfa-disabled-subject = Two-step sign-in was turned off for your Sigil account
email-mfa-disabled-said = The authenticator app and the recovery codes were removed from your account: signing in asks for the password only.
email-codes-renewed-subject = New recovery codes for your Sigil account
email-codes-renewed-said = New recovery codes were made for your account; the old ones no longer work.

## recovery_code_used

email-recovery-code-used-subject = A recovery code was used for your Sigil account
email-recovery-code-used-heading = A recovery code was used
email-recovery-code-used-said = A recovery code was used to sign in to your account in place of a code from your authenticator app.
email-recovery-code-used-left = That code no longer works; { $left } of your recovery codes are left. Make new ones from your account page when they run low.

## account_deleted

email-account-deleted-subject = Your Sigil account was deleted
email-account-deleted-heading = Your account was deleted
email-account-deleted-said = Your Sigil account was deleted, with its posts, sessions and second factors. Nothing more can be done with it.
email-account-deleted-not-asked = If you did not ask for this, contact the people who run this Sigil.
email-account-deleted-why = You received this because this address belonged to a Sigil account.

## passkey_added, passkey_removed, passkey_used, passkey_clone_suspected

email-passkey-added-subject = A passkey was added to your Sigil account
email-passkey-added-said = The passkey “{ $name }” was added to your account: it can now sign in without the password, or confirm a sign-in after it.
email-passkey-removed-subject = A passkey was removed from your Sigil account
email-passkey-removed-said = The passkey “{ $name }” was removed from your account and no longer signs in.
email-passkey-used-subject = Your passkey was used with your Sigil account
email-passkey-used-said = The passkey “{ $name }” was just used with your account: to sign in, or to confirm it was you before a change.
email-passkey-clone-suspected-subject = A passkey of your Sigil account was refused
email-passkey-clone-suspected-said = A sign-in with the passkey “{ $name }” was refused: the authenticator's signature counter went backwards, which happens when the passkey's key has been copied to another device. If you did not copy it, remove this passkey from your account page.

## pat_created

email-pat-created-subject = A personal access token was created for your Sigil account
email-pat-created-heading = A personal access token was created
email-pat-created-said = The personal access token “{ $name }” was created. Scripts that hold it can act for you with the scopes below, without your password, until it expires or is revoked.
email-pat-created-not-you = If this was not you, revoke it from your account page (Personal access tokens), then change your password.
email-fact-scopes = Scopes
email-fact-expires = Expires

## pat_revoked ($tokens: the quoted names; $count: how many)

email-pat-revoked-subject = A personal access token of your Sigil account was revoked
email-pat-revoked-heading = A personal access token was revoked
email-pat-revoked-by-admin-one = An administrator revoked your personal access token { $tokens }.
email-pat-revoked-by-admin = An administrator revoked your personal access tokens { $tokens }.
email-pat-revoked-by-holder = Your personal access token { $tokens } was revoked by someone who held it, through the revocation endpoint. Secret scanners do this when a token is found published, in a repository or a log.
email-pat-revoked-by-disabling = An administrator disabled your account, which revoked your personal access tokens { $tokens }. They stay revoked if the account is enabled again.
email-pat-revoked-scripts = Scripts that used it now get 401. Create a new token from your account page if they still need one.

## invitation

email-invitation-subject = You are invited to Sigil
email-invitation-said = { $inviter } invited you to create an account on Sigil with this address.
email-invitation-lifetime-one-day = The link works once, for 1 day. The account it makes uses this address.
email-invitation-lifetime = The link works once, for { $days } days. The account it makes uses this address.
email-invitation-action = Create my account
email-invitation-why = You received this because an administrator of this Sigil invited this address. If you do not want an account, ignore this message: nothing happens without the link.

## sign_in_attempts

email-sign-in-attempts-subject = Failed sign-ins to your Sigil account
email-sign-in-attempts-heading = Someone is trying to sign in to your account
email-sign-in-attempts-said = { $failures } sign-ins to your account failed in a row: wrong passwords or second-factor codes. The last one came from the device and address below.
email-sign-in-attempts-not-locked = Your account is not locked. Each further failure makes the next attempt wait a little longer, up to { $wait }.
email-sign-in-attempts-get-in = To get in now, sign in with a passkey if you have one, or choose a new password with a reset link: neither waits. If these attempts were not yours, a new password also ends every session.
email-sign-in-attempts-action = Get a reset link
email-fact-failed-sign-ins = Failed sign-ins

## app_authorized

email-app-authorized-subject = An app can now use your Sigil account
email-app-authorized-heading = An app can now use your account
email-app-authorized-said = You allowed “{ $app }” to use your Sigil account. It can do what is listed below until you take its access back.
email-app-authorized-take-back = To take it back, open your account page: under “Apps with access”, revoke the app. It is signed out at once, and asks you again next time.
email-app-authorized-not-you = If this was not you, revoke the app, then change your password and sign out everywhere.
email-app-authorized-action = Review apps with access
email-fact-app = App
email-fact-access = Access

## identity_linked, identity_unlinked

email-identity-linked-subject = { $provider } can now sign in to your Sigil account
email-identity-linked-said = Your { $provider } account was linked to your Sigil account: signing in with { $provider } now opens it.
email-identity-unlinked-subject = { $provider } was unlinked from your Sigil account
email-identity-unlinked-said = Your { $provider } account was unlinked from your Sigil account and no longer signs in to it.
email-identity-not-you = If this was not you, change your password, sign out everywhere from your account page, and unlink any provider you do not know.
