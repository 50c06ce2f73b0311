## Signing in, registering, confirming it's you, and the pages behind the links sent by mail.

## Shared by several sign-in pages

auth-or = or
auth-sign-in = Sign in
auth-cancel = Cancel
auth-forgot-link = Forgot your password?
auth-field-email = Email
auth-field-username = Username
auth-field-username-hint = 3 to 32 letters, digits, '_', '.' or '-'.
auth-field-password = Password
auth-field-password-hint = At least 8 characters. At most 72 plain letters or digits: accented letters and symbols count as two or more.
auth-create-account = Create account
auth-already-registered = Already registered?

## templates/auth/login.html

auth-login-continue-before = Sign in to continue to
auth-login-continue-after = .
auth-field-username-or-email = Username or email
auth-login-passkey = Sign in with a passkey
auth-login-no-account = No account yet?
auth-login-register = Register

## templates/auth/login.html: messages from src/routes/web/auth.rs and src/routes/web.rs (shown with tr)

auth-error-too-many-a-second = Too many sign-in attempts from your network. Wait a second, then try again.
auth-error-too-many-seconds = Too many sign-in attempts from your network. Wait { $seconds } seconds, then try again.
auth-error-too-many-a-minute = Too many sign-in attempts from your network. Wait a minute, then try again.
auth-error-too-many-minutes = Too many sign-in attempts from your network. Wait { $minutes } minutes, then try again.
auth-error-enter-username-and-password = Enter your username (or email) and your password.
auth-error-no-passkey-answer = Your browser did not give a passkey (it needs JavaScript, and a device or password manager that keeps passkeys). Try again, or use your password.

## templates/auth/mfa.html

auth-mfa-heading = Two-step sign-in
auth-mfa-intro = Your password was right. Now enter the 6-digit code your authenticator app shows for Sigil.
auth-mfa-code = Code
auth-mfa-code-hint = A code from the app, or one of your recovery codes (like abcde-fghjk): both are accepted. A recovery code works once.
auth-mfa-submit = Verify and sign in
auth-mfa-passkey = Use a passkey instead
auth-mfa-start-again = Start again

## templates/auth/mfa.html: a message from src/routes/web/auth/second_step.rs (shown with tr)

auth-error-passkey-answer-unreadable = Your browser's passkey answer could not be read: try again, or enter a code.

## templates/auth/confirm.html

auth-confirm-heading = Confirm it's you
auth-confirm-recent = This needs a recent sign-in (within the last { $minutes ->
        [one] minute
       *[other] { $minutes } minutes
    }).
auth-confirm-password = Enter your password to go on.
auth-confirm-password-and-code = Enter your password and a code from your authenticator app to go on.
auth-confirm-other-ways = Sign in again with one of the ways below to go on.
auth-confirm-back-to-form = You will be back on the form, to send it again.
auth-confirm-back-to-form-kept = You will be back on the form with what you typed (except passwords), to send it again.
auth-confirm-code = Code from your authenticator app
auth-confirm-code-hint = Or one of your recovery codes (it is used up).
auth-confirm-submit = Confirm
auth-confirm-with-provider = Confirm with { $provider }
auth-confirm-with-passkey = Confirm with a passkey

## templates/auth/confirm.html: messages from src/routes/web/recent.rs (shown with tr)

auth-error-enter-password = Enter your password.
auth-error-passkey-answer-unreadable-password = Your browser's passkey answer could not be read: try again, or use the password.

## templates/auth/forgot.html

auth-forgot-heading = Forgot your password?
auth-forgot-sent-before = If
auth-forgot-sent-after = , a link to choose a new password is on its way. It works once, for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }.
auth-forgot-nothing-arrived = Nothing arrived? Check the spam folder, or
auth-forgot-try-again = try again
auth-forgot-intro = Enter the address of your account; we will send you a link to choose a new password.
auth-forgot-submit = Send me a link
auth-forgot-remembered = Remembered it?

## templates/auth/provider_complete.html

auth-provider-complete-heading = Create your account
auth-provider-complete-before = { $provider } says your address is
auth-provider-complete-after = . Pick the name others will see; you will sign in with { $provider }, no password needed.

## templates/auth/provider_link.html

auth-provider-link-heading = Link this sign-in?
auth-provider-link-before = Link { $provider } account
auth-provider-link-middle = to
auth-provider-link-after = ? Signing in with { $provider } will then open this account.
auth-provider-link-submit = Link { $provider }
auth-provider-taken-heading = This address already has an account
auth-provider-taken-before = An account already uses
auth-provider-taken-after = . For your safety, a { $provider } sign-in is never attached to an account on its own.
auth-provider-taken-how = If the account is yours, sign in to it the way you usually do; you will then be asked whether to link { $provider }. This lasts 10 minutes.
auth-provider-taken-sign-in = Sign in to link

## templates/auth/register.html

auth-register-heading = Create an account
auth-register-invited-before = You were invited with
auth-register-invited-after = : your account uses this address.
auth-field-password-confirm = Confirm password

## templates/auth/register.html and reset.html: a field message from src/routes/web/auth.rs and src/routes/web/auth/recovery.rs (shown with tr)

auth-error-passwords-differ = The two passwords do not match.

## templates/auth/register_refused.html: headings and messages from src/routes/web/auth.rs and src/accounts/invitations.rs (shown with tr)

auth-refused-closed-heading = Registration is closed
auth-refused-closed = New accounts are made by this site's administrators. If you should have one, ask them.
auth-refused-invitation-required-heading = Registration is by invitation only
auth-refused-invitation-required = Ask an administrator for an invitation: it comes by e-mail, with a link that opens this page ready to register.
auth-refused-bad-invitation-heading = This invitation does not work
auth-refused-bad-invitation = This invitation is not valid: it was used, revoked or has expired. Ask for a new one.

## templates/auth/reset.html

auth-reset-heading = Choose a new password
auth-reset-new-link = Send me a new link
auth-field-new-password = New password
auth-field-new-password-confirm = Confirm new password
auth-reset-submit = Set the new password
auth-reset-sessions-end = Every session signed in with the old password will be signed out.

## templates/auth/reset.html and verify.html: a message from src/accounts/recovery.rs (shown with tr)

auth-error-bad-link = This link is not valid any more (used, expired, or replaced by a newer one). Ask for a new one.

## templates/auth/verify.html

auth-verify-change-heading = Use this address?
auth-verify-heading = Confirm your address
auth-verify-change-before = Make
auth-verify-change-after = the e-mail address of your account.
auth-verify-before = Confirm that
auth-verify-after = is the address of your account.
auth-verify-change-submit = Use { $address }
auth-verify-submit = Confirm { $address }
auth-verify-not-asked = Did not ask for this? Close this page: nothing changes until the button is pressed.
auth-verify-already-heading = Your address is already confirmed
auth-verify-already-before = This link was already used:
auth-verify-already-after = is confirmed, and there is nothing more to do.
auth-verify-done-heading = Address confirmed
auth-verify-done-after = is confirmed as the address of your account.
auth-verify-go-to-account = Go to your account
auth-verify-failed-heading = That link did not work
auth-verify-signed-in-before = Signed in? Ask for a new link from
auth-verify-signed-in-link = your account
auth-verify-signed-in-after = .

## templates/auth/verify.html: a message from src/routes/web/auth/recovery.rs (shown with tr)

auth-error-address-taken = That address now belongs to another account; choose another one.
