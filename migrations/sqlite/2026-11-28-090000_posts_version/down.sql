DROP TRIGGER posts_version_on_user_delete;
DROP TRIGGER posts_version_on_username;
DROP TRIGGER posts_version_on_delete;
DROP TRIGGER posts_version_on_update;
DROP TRIGGER posts_version_on_insert;
DROP TABLE posts_version;
