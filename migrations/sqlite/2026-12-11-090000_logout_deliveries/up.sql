-- Back-channel logout (API.md part three, section 1, "Logout"): one row per logout token to
-- deliver. It is written in the transaction that ends the client session, and a sender on any
-- instance claims it (`claimed_by` until `claimed_until`: a sender that dies mid-delivery
-- leaves a lease that runs out, so the delivery is taken up again), signs a fresh token with
-- the fixed `jti` for each attempt, and posts it to `uri`, copied when it was queued.
-- `sub` is the user id as a decimal string (the user may be deleted by the time it goes),
-- `sid` the ended client session. A deleted client takes its deliveries with it.
CREATE TABLE logout_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    uri TEXT NOT NULL,
    sub TEXT NOT NULL,
    sid TEXT NOT NULL,
    jti TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'done', 'failed')),
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    finished_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX logout_deliveries_due ON logout_deliveries (status, next_attempt_at);
CREATE INDEX logout_deliveries_client_id ON logout_deliveries (client_id);
