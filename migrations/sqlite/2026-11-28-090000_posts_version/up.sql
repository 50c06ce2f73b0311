-- One number that changes, in the same transaction, with every change to what a page of
-- posts shows: a post written, changed or deleted, a username changed, a user deleted. An
-- instance keeps a rendered anonymous page with the number it was read at and serves it only
-- while a fresh read of this row gives the same number, so a change made through any
-- instance (or by hand in the database) shows on every instance's next request. A random
-- number, not a count: a database restored to an earlier state never brings back a number
-- that an instance kept other pages under.
CREATE TABLE posts_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO posts_version (id, version) VALUES (1, 0);

CREATE TRIGGER posts_version_on_insert AFTER INSERT ON posts
BEGIN
    UPDATE posts_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER posts_version_on_update AFTER UPDATE ON posts
BEGIN
    UPDATE posts_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER posts_version_on_delete AFTER DELETE ON posts
BEGIN
    UPDATE posts_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER posts_version_on_username AFTER UPDATE OF username ON users
BEGIN
    UPDATE posts_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER posts_version_on_user_delete AFTER DELETE ON users
BEGIN
    UPDATE posts_version SET version = random() WHERE id = 1;
END;
