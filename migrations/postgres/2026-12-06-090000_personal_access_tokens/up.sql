-- Personal access tokens (API.md part three, section 3). Only the SHA-256 of the token is
-- kept (`token_hash`), with a `hint` that lists show (the prefix and 4 characters). `scopes`
-- is space-separated. A revoked token keeps its row, so that its next use is told it was
-- revoked (`revoked_by`: user, admin, disabled, revocation_endpoint); deleting the account
-- deletes its tokens. `last_used_at` and `last_used_ip` are written at most once a minute.
CREATE TABLE personal_access_tokens (
    id SERIAL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    hint TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    last_used_ip TEXT,
    revoked_at TIMESTAMP,
    revoked_by TEXT
);
CREATE INDEX personal_access_tokens_user_id ON personal_access_tokens (user_id);
