-- The administrators' user search finds "part of a username or e-mail" (a substring, without
-- case). A b-tree cannot serve that, so without this every search that matches few accounts
-- read the whole users table (400 ms at a million users). A trigram index can: an FTS5 table
-- over the two columns, kept in step with `users` by the triggers below (the `users` rows
-- stay the only copy of the data: `content='users'`). The trigram tokenizer folds case.
CREATE VIRTUAL TABLE users_search USING fts5(
    username, email, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_on_insert AFTER INSERT ON users
BEGIN
    INSERT INTO users_search (rowid, username, email) VALUES (new.id, new.username, new.email);
END;
CREATE TRIGGER users_search_on_delete AFTER DELETE ON users
BEGIN
    INSERT INTO users_search (users_search, rowid, username, email)
        VALUES ('delete', old.id, old.username, old.email);
END;
CREATE TRIGGER users_search_on_update AFTER UPDATE OF username, email ON users
BEGIN
    INSERT INTO users_search (users_search, rowid, username, email)
        VALUES ('delete', old.id, old.username, old.email);
    INSERT INTO users_search (rowid, username, email) VALUES (new.id, new.username, new.email);
END;
