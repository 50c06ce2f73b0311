DROP INDEX IF EXISTS users_email_trgm;
DROP INDEX IF EXISTS users_username_trgm;
