-- The administrators' user search finds "part of a username or e-mail" (a substring, without
-- case). A b-tree cannot serve that, so without these every search that matches few accounts
-- read the whole users table (490 ms at a million users). Trigram indexes can (pg_trgm, a
-- trusted extension: the database's owner may create it); the planner still reads the
-- primary key newest first when a search matches so many accounts that a page comes at once.
--
-- A database without pg_trgm (a server built without contrib, or a role that may not create
-- extensions) still migrates and serves: the search then reads the table as before, and the
-- migration says so in a warning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'pg_trgm is not available (%): the admin user search will read the whole users table', SQLERRM;
END $$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX users_username_trgm ON users USING gin (lower(username) gin_trgm_ops);
        CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
    END IF;
END $$;
