DROP TABLE security_events;
ALTER TABLE sessions DROP COLUMN ip;
DROP INDEX users_role;
ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE users DROP COLUMN role;
