-- Text search on SQLite: an FTS5 trigram index over cases.search_text (case number, party names
-- and id numbers), kept in step by triggers. Searches of three or more characters use it;
-- shorter ones scan (see read.rs).
CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', content_rowid='id', tokenize='trigram');

INSERT INTO cases_fts (rowid, search_text) SELECT id, search_text FROM cases;

CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO cases_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
