-- Passkeys (WebAuthn credentials). `credential_id` is the authenticator's credential id
-- (base64url), unique across all users; `user_handle` is the WebAuthn user handle (a random
-- UUID) that a discoverable sign-in names: a new passkey takes the one of the user's oldest
-- passkey, or a new one when they have none. `credential` is the relying-party crate's record
-- of the public key and flags (JSON). `sign_count` is the newest signature counter seen (0 at
-- registration): a use whose counter is not above it is refused, by the update that stores
-- the new one.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    user_handle TEXT NOT NULL,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    sign_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_user_id ON passkeys (user_id);

-- A WebAuthn ceremony under way, keyed by the SHA-256 of its challenge, which the browser
-- signs into clientDataJSON: single use (`used_at`), short-lived, bound to its purpose
-- (register, sign_in, second_factor, reauthenticate), to the user (none for a discoverable
-- sign-in) and to `binding_hash`: for a second step the hash of the mfa_token it completes,
-- for a re-authentication the hash of the session's id. Stored here, not in memory, so that
-- the instance that finishes a ceremony need not be the one that started it.
CREATE TABLE webauthn_challenges (
    challenge_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    binding_hash TEXT,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX webauthn_challenges_created_at ON webauthn_challenges (created_at);
