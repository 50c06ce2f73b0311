DROP TABLE revoked_tokens;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE posts;
DROP TABLE users;
