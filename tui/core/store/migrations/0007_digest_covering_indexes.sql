-- Version 7: indexes that answer the digest's frequent questions without
-- reading its wide rows (each carries a story's terms, a few hundred bytes,
-- so a lookup by row touches a page per story).
--
-- Which stories of a span are not grouped yet (ensure_grouped, before
-- every Today view): a probe of a narrow index of the grouped story ids.
CREATE INDEX IF NOT EXISTS digest_stories_ids ON digest_stories (story_id);
-- The entries of a span and their members' times, feeds and salience
-- (the Today and This-week views, an entry's feeds when grouping merges):
-- covering indexes that replace the narrower ones of version 3.
CREATE INDEX IF NOT EXISTS digest_stories_entries_by_time ON digest_stories (published, entry_id);
CREATE INDEX IF NOT EXISTS digest_stories_members ON digest_stories (entry_id, published, feed_id, salience);
DROP INDEX IF EXISTS digest_stories_by_time;
DROP INDEX IF EXISTS digest_stories_by_entry;
