-- Version 1: feeds with their fetch state, their stories, and the figures
-- found in each story. Times are Unix seconds (UTC) as REAL.

CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT NOT NULL UNIQUE,      -- as written in feeds.toml
    title                TEXT,                      -- the user's title, from feeds.toml
    feed_title           TEXT,                      -- the feed's own title
    site_url             TEXT,
    moved_to             TEXT,                      -- after a permanent redirect
    tags                 TEXT NOT NULL DEFAULT '[]',  -- JSON array, from feeds.toml
    enabled              INTEGER NOT NULL DEFAULT 1,
    in_config            INTEGER NOT NULL DEFAULT 1,  -- 0: removed from feeds.toml, stories kept
    position             INTEGER NOT NULL DEFAULT 0,  -- order in feeds.toml
    refresh_minutes      INTEGER,
    weight               REAL NOT NULL DEFAULT 1.0,
    full_content         INTEGER NOT NULL DEFAULT 0,
    etag                 TEXT,
    last_modified        TEXT,
    body_hash            TEXT,
    last_fetch           REAL,
    last_success         REAL,
    last_status          INTEGER,
    last_error           TEXT,
    warning              TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    gone                 INTEGER NOT NULL DEFAULT 0,  -- 410 Gone: not fetched until re-enabled
    next_fetch           REAL,
    fetch_ms             INTEGER
);

CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    uid          TEXT NOT NULL,                 -- stable identity within the feed
    guid         TEXT,
    link         TEXT,
    title        TEXT NOT NULL DEFAULT '',
    author       TEXT,
    published    REAL NOT NULL,
    updated      REAL,
    first_seen   REAL NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',      -- Markdown
    content      TEXT NOT NULL DEFAULT '',      -- Markdown
    enclosures   TEXT,                          -- JSON array of {url, type, length}
    content_hash TEXT NOT NULL,
    read         INTEGER NOT NULL DEFAULT 0,
    starred      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, uid)
);
CREATE INDEX stories_by_time ON stories (published DESC, id DESC);
CREATE INDEX stories_by_feed ON stories (feed_id, published DESC, id DESC);
CREATE INDEX stories_by_link ON stories (feed_id, link);
CREATE INDEX stories_unread ON stories (feed_id) WHERE read = 0;

CREATE TABLE figures (
    id        INTEGER PRIMARY KEY,
    story_id  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    source    TEXT NOT NULL DEFAULT 'body',    -- 'title' or 'body'
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    text      TEXT NOT NULL,
    value     REAL,
    kind      TEXT NOT NULL,
    unit      TEXT,
    noun      TEXT,
    per       TEXT,
    sentence  TEXT NOT NULL DEFAULT '',
    headline  INTEGER NOT NULL DEFAULT 0        -- 1 for the story's headline figure
);
CREATE INDEX figures_by_story ON figures (story_id);
CREATE INDEX figures_headline ON figures (story_id) WHERE headline = 1;
