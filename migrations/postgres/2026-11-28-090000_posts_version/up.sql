-- One number that changes, in the same transaction, with every change to what a page of
-- posts shows: a post written, changed or deleted, a username changed, a user deleted. An
-- instance keeps a rendered anonymous page with the number it was read at and serves it only
-- while a fresh read of this row gives the same number, so a change made through any
-- instance (or by hand in the database) shows on every instance's next request. A random
-- number, not a count: a database restored to an earlier state never brings back a number
-- that an instance kept other pages under.
-- Statement triggers: a bulk change moves it once.
CREATE TABLE posts_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO posts_version (id, version) VALUES (1, 0);

CREATE FUNCTION posts_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE posts_version SET version = (random() * 9.2e18)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER posts_version_on_posts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON posts
    FOR EACH STATEMENT EXECUTE FUNCTION posts_version_bump();
CREATE TRIGGER posts_version_on_users AFTER UPDATE OF username OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION posts_version_bump();
