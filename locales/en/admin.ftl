## Shared by the admin pages: the navigation, table headings, badges and roles.

admin-nav-users = Users
admin-nav-events = Security events
admin-nav-invitations = Invitations
admin-nav-clients = OAuth clients
admin-next-page = Next page →
admin-col-id = Id
admin-col-username = Username
admin-col-email = E-mail
admin-col-role = Role
admin-col-state = State
admin-col-created = Created
admin-col-device = Device
admin-col-address = Address
admin-col-signed-in = Signed in
admin-col-last-used = Last used
admin-col-name = Name
admin-col-scopes = Scopes
admin-col-expires = Expires
admin-col-invited-by = Invited by
admin-col-sent = Sent
admin-col-action = Action
admin-col-client = Client
admin-col-type = Type
admin-badge-admin = admin
admin-badge-disabled = disabled
admin-role-admin = Administrator
admin-role-user = User
# Why an action was refused (src/accounts and src/oidc/clients, shown above the forms through tr()).
admin-refusal-last-admin = This is the last active administrator: make another user an administrator first, or Sigil would have none.
admin-refusal-has-account = That address already has an account.
admin-refusal-client-id-taken = That client_id is already registered; choose another or leave it out.
admin-refusal-public-no-secret = A public client has no secret to rotate: it authenticates with PKCE alone.

## templates/admin/users.html

admin-users-query = Find users by username or e-mail
admin-users-query-hint = Part of a name or address; leave empty to list everyone.
admin-users-search = Search
admin-users-none = No users match.
admin-users-fix-search = Fix the search to see users.
admin-role-user-short = user
admin-state-active-short = active

## templates/admin/user.html

admin-user-profile = Profile
admin-user-you = you
admin-user-email-confirmed = confirmed
admin-user-email-not-confirmed = not confirmed
admin-user-state-disabled = Disabled
admin-user-state-disabled-after = : cannot sign in
admin-user-state-active = Active
admin-user-second-factor = Second factor
admin-user-second-factor-none = None
# The second factor as src/routes/web/admin.rs names it (shown through tr()).
admin-user-second-factor-totp = Authenticator app (TOTP)
admin-user-failures = Failed sign-ins
# Followed by the time of the last failed sign-in.
admin-user-failures-count = { $count } in a row, the last
# $wait: one of the admin-wait-* texts below, already translated.
admin-user-failures-wait = ; sign-ins wait { $wait } more
admin-user-failures-none = None
# How long a wait still lasts (src/accounts/throttle.rs wait_in_words, shown through tr()).
admin-wait-a-second = a second
admin-wait-seconds = { $count } seconds
admin-wait-a-minute = a minute
admin-wait-minutes = { $count } minutes
admin-user-actions = Actions
admin-user-enable = Enable account
admin-user-enable-hint = They can sign in again with their password.
admin-user-disable = Disable account
admin-user-disable-hint = They cannot sign in, and every session ends now.
admin-user-logout-all = Sign out everywhere
admin-user-logout-all-hint = Ends every session; they can sign in again.
admin-user-reset = Send a password-reset link
admin-user-reset-hint = Mailed to { $email }; you never see or set the password.
admin-user-clear-failures = Clear failed sign-ins
admin-user-clear-failures-hint = Ends the count and any wait before their next sign-in.
admin-user-change-role = Change role
admin-user-sessions = Live sessions
admin-user-sessions-none = No live sessions.
admin-user-tokens = Personal access tokens
admin-user-tokens-none = No personal access tokens.
admin-user-token-expired = expired
# Around <code>DELETE /api/admin/users/…/tokens</code> and <code>…/tokens/<id></code>.
admin-user-tokens-revoke-before = Revoke them with
admin-user-tokens-revoke-all = (all) or
admin-user-tokens-revoke-after = (one); disabling the account revokes them all.
admin-user-events = Recent security events
admin-user-all-events = All of { $username }'s events
admin-user-delete = Delete account
admin-user-delete-intro = Deletes { $username } with their posts and sessions. Their security events are kept. This cannot be undone.
admin-user-delete-confirm = Type the username to confirm
admin-user-delete-button = Delete { $username }
# The delete form's error (src/routes/web/admin/actions.rs, shown through tr()).
admin-user-delete-mismatch = Type the username, { $username }, to delete this account.

## templates/admin/events.html

admin-events-user = User
admin-events-user-hint = A username or a user id; empty for every account.
admin-events-kind = Kind
admin-events-any-kind = Any kind
admin-events-filter = Filter
admin-events-fix-filter = Fix the filter to see events.
admin-events-none-match = No security events match this filter.
admin-events-older = Older events →
# The user field's error (src/routes/web/admin.rs, shown through tr()).
admin-events-unknown-user = No account is named “{ $name }”: give a username or a user id.

## templates/admin/invitations.html

admin-invite-title = Invite someone
# Followed by the registration mode in bold: admin-registration-*.
admin-invite-registration-is = Registration is
admin-registration-open = open
admin-registration-invite = invite
admin-registration-closed = closed
# Follows the registration mode.
admin-invite-intro = . An invitation mails a link that works once, for { $days } days, and makes an account at the invited address, already verified. Inviting an address again replaces its pending invitation.
admin-invite-closed = Registration is closed (REGISTRATION=closed): invitations can be neither sent nor used.
admin-invite-email = E-mail address
admin-invite-locale = Language of the invitation
admin-invite-locale-default = Default
admin-invite-send = Send invitation
admin-invite-pending = Pending invitations
admin-invite-none = No invitation is pending.
admin-invite-deleted-account = (deleted account)
admin-invite-revoke-label = Revoke the invitation to { $email }
admin-invite-revoke = Revoke

## templates/admin/clients.html and templates/admin/client_fields.html

admin-clients-registered = Registered clients
admin-clients-none = No client is registered yet.
admin-client-first-party-badge = first party
# The client types as words; the protocol values stay "confidential" and "public".
admin-client-type-confidential = confidential
admin-client-type-public = public
admin-clients-register-title = Register a client
admin-clients-register-intro = An application that signs its users in through Sigil. A confidential client (a server-side application) gets a secret, shown once; a public client (a native app, a single-page app, a CLI) has none and uses PKCE alone.
admin-client-name = Name
admin-client-name-hint = Shown on the consent page.
admin-clients-id-optional = Client id (optional)
admin-clients-id-hint = 3 to 64 of A–Z, a–z, 0–9, dot, underscore, hyphen; generated when left blank. It cannot be changed.
admin-clients-type-confidential = Confidential (has a secret)
admin-clients-type-public = Public (native app, single-page app, CLI)
admin-clients-register = Register client
admin-client-redirect-uris = Redirect URIs
admin-client-redirect-uris-hint = One per line, at most 20: https, or http to 127.0.0.1, [::1] or localhost; a public client may use a private-use scheme such as com.example.app:/callback. Needed for the authorization code grant.
admin-client-post-logout-uris = Post-logout redirect URIs
admin-client-post-logout-uris-hint = One per line; the same rules.
admin-client-backchannel-optional = Back-channel logout URI (optional)
admin-client-grant-types = Grant types
admin-client-grant-authorization-code = Authorization code
admin-client-grant-refresh-token = Refresh token
admin-client-grant-device-code = Device code (TVs, CLIs)
admin-client-scope = Scope
admin-client-scope-hint = Space-separated: openid, profile, email, offline_access, profile:read, posts:read, posts:write, sessions:read, admin:read, admin:write.
admin-client-first-party = First party: skip the consent page (never the device confirmation)

## templates/admin/client.html

# What was just done, above the page (src/routes/web/admin/clients.rs, shown through tr()).
admin-client-registered = Client “{ $name }” registered.
admin-client-rotated-now = New secret made; the previous one no longer works.
admin-client-rotated-grace = New secret made; the previous one works for { $hours } more hours.
admin-client-secret-title = Client secret
admin-client-secret-copy = Copy the secret now:
admin-client-secret-copy-after = it is shown only this once, and Sigil keeps only a hash of it.
admin-client-secret-of = Secret of { $id }
admin-client-details = Details
admin-client-id = Client id
admin-client-confidential-detail = Confidential: has a secret
admin-client-public-detail = Public: no secret, PKCE alone
# No redirect URIs.
admin-client-none = None
admin-client-backchannel = Back-channel logout URI
# No back-channel logout URI.
admin-client-none-single = None
admin-client-registered-at = Registered
admin-client-rotated = Secret rotated
admin-client-never = Never
admin-client-live-sessions = Live sessions
admin-client-users = Users
admin-client-edit = Edit
admin-client-edit-intro = The client id and the type are fixed.
admin-client-save = Save changes
admin-client-rotate-title = Rotate the secret
admin-client-grace-hours = Hours the current secret keeps working
admin-client-grace-hours-hint = 0 to 168; 0 ends it now.
admin-client-rotate = Make a new secret
admin-client-delete-title = Delete
admin-client-delete = Delete this client
admin-client-delete-hint = Its codes and consents go and its { $count } live session(s) end now; no logout tokens are sent.
