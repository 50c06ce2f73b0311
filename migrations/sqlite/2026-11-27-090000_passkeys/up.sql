-- Passkeys (WebAuthn credentials). `credential_id` is the authenticator's credential id
-- (base64url), unique across all users; `user_handle` is the WebAuthn user handle (a random
-- UUID, the same for all of a user's passkeys) that a discoverable sign-in names;
-- `credential` is the relying-party crate's record of the public key, signature counter and
-- flags (JSON). `sign_count` repeats the counter for display and audits.
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
-- sign-in) and, for a second factor, to the hash of the mfa_token it completes (for a
-- re-authentication, of the session's id). Stored here, not in memory, so that the instance
-- that finishes a ceremony need not be the one that started it.
CREATE TABLE webauthn_challenges (
    challenge_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    mfa_token_hash TEXT,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX webauthn_challenges_created_at ON webauthn_challenges (created_at);
