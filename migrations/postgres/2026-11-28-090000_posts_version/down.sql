DROP TRIGGER posts_version_on_users ON users;
DROP TRIGGER posts_version_on_posts ON posts;
DROP FUNCTION posts_version_bump();
DROP TABLE posts_version;
