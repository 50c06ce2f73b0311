-- Sigil as an OpenID Connect provider (API.md part three, section 1). Everything a step of a
-- flow needs is here, so that any instance can take any step.

-- Registered clients. Only the SHA-256 of a secret is kept; a rotation with grace keeps the
-- previous one until `previous_secret_expires_at`. URI lists are JSON arrays, grant types and
-- scopes space-separated.
CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    client_name TEXT NOT NULL,
    confidential BOOLEAN NOT NULL,
    secret_hash TEXT,
    previous_secret_hash TEXT,
    previous_secret_expires_at TIMESTAMP,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    backchannel_logout_uri TEXT,
    grant_types TEXT NOT NULL,
    scope TEXT NOT NULL,
    first_party BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    secret_rotated_at TIMESTAMP
);

-- The RS256 key of id_tokens and logout tokens when no file names one: generated once,
-- sealed with AES-256-GCM under a key derived from SECRET_KEY. `seal_id` names that
-- derived key (a one-way HMAC), so a changed SECRET_KEY finds no key and makes a new one.
CREATE TABLE oidc_signing_keys (
    seal_id TEXT PRIMARY KEY,
    kid TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Authorization requests, stored valid for ten minutes under a random id. The first user who
-- continues one owns it; `params` is the validated request as JSON.
CREATE TABLE oauth_requests (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    params TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX oauth_requests_expires_at ON oauth_requests (expires_at);

-- Authorization codes, as SHA-256, single use, bound to everything the token request must
-- match. A used code keeps its row until it expires, with the client session its tokens
-- came from, so that a replay revokes them.
CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce TEXT,
    scope TEXT NOT NULL,
    browser_sid TEXT NOT NULL,
    auth_time TIMESTAMP NOT NULL,
    amr TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    session_id TEXT
);
CREATE INDEX oauth_codes_expires_at ON oauth_codes (expires_at);

-- Consents, one per user and client: the union of the scopes granted.
CREATE TABLE oauth_consents (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    consented_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    PRIMARY KEY (user_id, client_id)
);
CREATE INDEX oauth_consents_client_id ON oauth_consents (client_id);

-- A client session is a login session (a refresh family) with a client: its tokens carry its
-- id as `sid`, its `scope`, and the browser session it came from (`browser_sid`), which
-- ends it unless the scope holds offline_access. First-party sessions have none of these.
ALTER TABLE sessions ADD COLUMN client_id TEXT;
ALTER TABLE sessions ADD COLUMN scope TEXT;
ALTER TABLE sessions ADD COLUMN browser_sid TEXT;
CREATE INDEX sessions_client_id ON sessions (client_id);
CREATE INDEX sessions_browser_sid ON sessions (browser_sid);
