-- The device authorization grant (RFC 8628; API.md part three, section 1). Every step (start,
-- approval, each poll) reads and writes this row, so any instance can take any step.
--
-- `device_code_hash` is the SHA-256 of the device code (256 random bits), which only the device
-- holds. `user_code` is the 8 letters the user types, normalised (upper case, no dash); it is
-- unique among live codes: the row's code is released (set NULL) once it has expired, so a
-- new code may take it while the row stays to answer `expired_token`. `decision` is `pending`,
-- `approved` or `denied`; an approval notes who (`user_id`) and how they signed in
-- (`auth_time`, `amr`), and `scope` then holds what was granted. Polls are paced per code:
-- `last_poll_ms` (Unix milliseconds, so that one UPDATE compares it with `interval_seconds`
-- on both backends) and `interval_seconds`, which grows by 5 with each `slow_down`.
-- `exchanged_at` marks the one successful poll, `session_id` the client session it started.
CREATE TABLE oauth_device_codes (
    device_code_hash TEXT PRIMARY KEY,
    user_code TEXT,
    client_id TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    interval_seconds INTEGER NOT NULL,
    last_poll_ms BIGINT,
    decision TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    auth_time TIMESTAMP,
    amr TEXT,
    decided_at TIMESTAMP,
    exchanged_at TIMESTAMP,
    session_id TEXT
);
CREATE UNIQUE INDEX oauth_device_codes_user_code ON oauth_device_codes (user_code);
CREATE INDEX oauth_device_codes_expires_at ON oauth_device_codes (expires_at);
CREATE INDEX oauth_device_codes_client_id ON oauth_device_codes (client_id);
CREATE INDEX oauth_device_codes_user_id ON oauth_device_codes (user_id);
