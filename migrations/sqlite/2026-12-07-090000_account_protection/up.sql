-- Account protection (API.md part three, section 4).
--
-- Failed sign-ins per account, shared by every instance: one row per account
-- ('user:{id}') or per SHA-256 of a name no account has ('name:{hex}'), so that a delay
-- tells nothing about which names exist. Each failure is one atomic UPDATE (or the INSERT
-- that starts the row); 'retry_at' is the end of the current wait, 'notified_at' the last
-- mail to the owner. A completed sign-in deletes the row; so does a day without a failure.
CREATE TABLE sign_in_failures (
    subject TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    failures INTEGER NOT NULL,
    first_failed_at TIMESTAMP NOT NULL,
    last_failed_at TIMESTAMP NOT NULL,
    retry_at TIMESTAMP,
    notified_at TIMESTAMP
);
CREATE INDEX sign_in_failures_user_id ON sign_in_failures (user_id);

-- Invitations to register (REGISTRATION=invite): only the SHA-256 of the mailed token is kept.
-- A repeat for the same address replaces the pending one (revoked_at); using it sets used_at
-- and the account it made.
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    locale TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    used_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX invitations_email ON invitations (email);
-- At most one pending invitation per address, even when two administrators invite it at once.
CREATE UNIQUE INDEX invitations_pending_email ON invitations (email)
    WHERE used_at IS NULL AND revoked_at IS NULL;

-- The hourly sweep finds timed-out sessions among the live ones without reading the table.
CREATE INDEX sessions_live_last_used ON sessions (last_used_at) WHERE revoked_at IS NULL;
CREATE INDEX sessions_live_created ON sessions (created_at) WHERE revoked_at IS NULL;
