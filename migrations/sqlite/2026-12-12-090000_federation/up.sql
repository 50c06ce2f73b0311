-- Sign in with an outside provider (API.md part three, section 2). Everything a step needs
-- lives here, so any instance can take any step of a flow.
--
-- A flow is one trip to a provider: started by GET /login/{id} (or linking, or "Confirm it's
-- you"), ended by the callback, at most once and within 10 minutes. Only the SHA-256 of its
-- `state` is kept (the browser holds the state in its signed cookie session and the provider
-- echoes it); `nonce` and the PKCE `verifier` are needed again at the callback. `purpose` is
-- `sign_in`, `link` or `confirm`; the last two name their account (`user_id`) and, for
-- `confirm`, the session to renew (`session_id`). `next` is where the browser goes after.
CREATE TABLE federation_flows (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT,
    next TEXT NOT NULL,
    invitation TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX federation_flows_expires_at ON federation_flows (expires_at);

-- An outside identity linked to an account: (issuer, subject) is the identity (OpenID
-- Connect Core 5.7), never the address, which is kept only to show it.
CREATE TABLE user_identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    linked_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX user_identities_identity ON user_identities (issuer, subject);
CREATE INDEX user_identities_user_id ON user_identities (user_id);

-- An identity the provider vouched for that no account has yet: waiting for the new account's
-- username (`complete`) or for a full sign-in to the account that owns its address (`link`).
-- The browser holds the token whose SHA-256 keys the row; it lives 10 minutes, once.
CREATE TABLE federation_pending (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    provider TEXT NOT NULL,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT,
    email_verified BOOLEAN NOT NULL,
    username_hint TEXT,
    invitation TEXT,
    next TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX federation_pending_expires_at ON federation_pending (expires_at);
