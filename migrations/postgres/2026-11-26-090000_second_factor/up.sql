-- When the session's user last proved who they are, and how (RFC 8176 `amr` values,
-- space-separated). Refreshing keeps both; re-authenticating renews them.
ALTER TABLE sessions ADD COLUMN auth_time TIMESTAMP;
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
UPDATE sessions SET auth_time = created_at;

-- A user's TOTP authenticator (RFC 6238). `secret` is sealed with a key derived from
-- SECRET_KEY; `confirmed_at` is unset while enrolment waits for its first code; `last_step` is
-- the newest time step a code was accepted for, so a code works once.
CREATE TABLE totp_credentials (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes, stored only as SHA-256 hashes.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);

-- A sign-in waiting for its second factor: the `mfa_token` (stored as a hash) after a right
-- password. Single use, short-lived, dead after five wrong codes.
CREATE TABLE mfa_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amr TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX mfa_challenges_expires_at ON mfa_challenges (expires_at);
