-- Version 2: full-text search over titles and bodies (FTS5, external
-- content, kept in step by triggers). Marking a story read or starred does
-- not touch the index: the update trigger fires on text columns only.

CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title, summary, content,
    content = 'stories', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts (rowid, title, summary, content)
    VALUES (new.id, new.title, new.summary, new.content);
END;

CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, summary, content)
    VALUES ('delete', old.id, old.title, old.summary, old.content);
END;

CREATE TRIGGER stories_fts_update AFTER UPDATE OF title, summary, content ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title, summary, content)
    VALUES ('delete', old.id, old.title, old.summary, old.content);
    INSERT INTO stories_fts (rowid, title, summary, content)
    VALUES (new.id, new.title, new.summary, new.content);
END;

-- Stories stored before this version become searchable too.
INSERT INTO stories_fts (stories_fts) VALUES ('rebuild');
