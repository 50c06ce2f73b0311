-- The language a user chose for pages and mail (API.md part three, section 5): en, de, es,
-- or none (then the request's own, and DEFAULT_LOCALE for mail).
ALTER TABLE users ADD COLUMN locale TEXT;

-- The language a queued message is written in, for its Content-Language header.
ALTER TABLE outbox ADD COLUMN locale TEXT;
