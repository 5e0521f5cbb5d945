-- Version 12: new stories are indexed for search by the statement that
-- stores them (Store.upsert_stories, one statement for a feed's new
-- stories), not by a trigger. FTS5 took 2.3 times as long to index rows
-- that a trigger handed it one by one as rows inserted in one statement,
-- and indexing was most of what storing a new story cost. Changed and
-- removed stories keep their triggers: they are few.

DROP TRIGGER IF EXISTS stories_fts_insert;
