-- Roles and disabled accounts. A disabled user's tokens are refused by the per-request
-- session check, which already loads the user row.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin'));
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX users_role ON users (role);

-- The client address a session was last used from (after TRUSTED_PROXIES).
ALTER TABLE sessions ADD COLUMN ip TEXT;

-- The security audit trail: append-only. No foreign keys: the events of a deleted account
-- stay, with its id. `detail` is a JSON object and never holds a password, token or code.
CREATE TABLE security_events (
    id SERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER,
    actor_id INTEGER,
    ip TEXT,
    user_agent TEXT,
    detail TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX security_events_user_id ON security_events (user_id, id);
CREATE INDEX security_events_kind ON security_events (kind, id);
CREATE INDEX security_events_created_at ON security_events (created_at);
