-- Version 11: an observation no longer copies its story's title and link
-- while the story is stored; metric history reads them from the story. A
-- first refresh of 1000 feeds records about 280,000 observations, and the
-- two copies were nearly half of each row, in the store's largest table.
-- The story's deletion (retention, a removed feed) leaves the copy in its
-- observations, before the foreign key clears their story_id.
CREATE TRIGGER IF NOT EXISTS stories_leave_observations BEFORE DELETE ON stories BEGIN
    UPDATE metric_observations SET story_title = old.title, story_link = old.link
    WHERE story_id = old.id;
END;
UPDATE metric_observations SET story_title = '', story_link = NULL WHERE story_id IS NOT NULL;
