-- Version 4: what [[rules]] and retention leave on stories.
-- hidden: a rule hid the story; lists leave it out unless asked.
-- story_tags: tags a rule gave one story (feeds' tags stay in feeds.tags).
-- pruned_stories: identities retention removed, so the next refresh does
-- not bring a story back, unread, while its feed still carries it.

ALTER TABLE stories ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;

CREATE TABLE story_tags (
    story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (story_id, tag)
) WITHOUT ROWID;
CREATE INDEX story_tags_by_tag ON story_tags (tag, story_id);

CREATE TABLE pruned_stories (
    feed_id   INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    uid       TEXT NOT NULL,
    pruned_at REAL NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS REAL)),
    PRIMARY KEY (feed_id, uid)
) WITHOUT ROWID;
