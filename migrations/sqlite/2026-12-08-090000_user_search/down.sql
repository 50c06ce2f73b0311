DROP TRIGGER users_search_on_update;
DROP TRIGGER users_search_on_delete;
DROP TRIGGER users_search_on_insert;
DROP TABLE users_search;
