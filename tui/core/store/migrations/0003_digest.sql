-- Version 3: the digest. Stories from different feeds that report the
-- same event share an entry; figures with a subject and a noun become
-- observations of a tracked metric.
--
-- digest_stories: one row per grouped story (its entry, and what grouping
-- compares: the canonical link and the title/lede terms). It follows its
-- story out of the store (cascade). Stories stored before this version
-- have no row; the digest groups them lazily (tui.core.digest.ensure_grouped).
-- Every statement is idempotent: a store already at version 4 when this
-- file arrived never runs it as a migration, so the digest applies it itself.
CREATE TABLE IF NOT EXISTS digest_stories (
    story_id    INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    entry_id    INTEGER NOT NULL,
    feed_id     INTEGER NOT NULL,
    published   REAL NOT NULL,
    link_key    TEXT,                         -- canonical link, tracking parameters dropped
    alt_key     TEXT,                         -- the same of a permalink guid, when it differs
    title_terms TEXT NOT NULL DEFAULT '',     -- space-separated normalised terms
    lede_terms  TEXT NOT NULL DEFAULT '',
    idents      TEXT NOT NULL DEFAULT '',     -- model and version names ("s:24 firefox:121")
    names       TEXT NOT NULL DEFAULT '',     -- subject first ("-" for none), then all names
    norm        REAL NOT NULL DEFAULT 1.0,    -- length of the weighted term vector
    salience    REAL NOT NULL DEFAULT 0,      -- the best figure's newsworthiness
    signature   TEXT NOT NULL DEFAULT ''      -- what grouping saw; a change regroups
);
CREATE INDEX IF NOT EXISTS digest_stories_by_entry ON digest_stories (entry_id);
CREATE INDEX IF NOT EXISTS digest_stories_by_link ON digest_stories (link_key) WHERE link_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS digest_stories_by_alt ON digest_stories (alt_key) WHERE alt_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS digest_stories_by_time ON digest_stories (published);

-- The inverted index of recent stories' terms: a new story is compared only
-- with the stories that share a rare term with it inside the time window.
-- Rows of stories that left the store are skipped at lookup and pruned by
-- age; digest_df counts each term's postings (kept by the triggers).
CREATE TABLE IF NOT EXISTS digest_terms (
    term      TEXT NOT NULL,
    published REAL NOT NULL,
    story_id  INTEGER NOT NULL,
    PRIMARY KEY (term, published, story_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS digest_df (
    term TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS digest_terms_insert AFTER INSERT ON digest_terms BEGIN
    INSERT INTO digest_df (term, n) VALUES (new.term, 1)
    ON CONFLICT (term) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER IF NOT EXISTS digest_terms_delete AFTER DELETE ON digest_terms BEGIN
    UPDATE digest_df SET n = n - 1 WHERE term = old.term;
END;

CREATE TABLE IF NOT EXISTS digest_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

-- Metric history. An observation keeps everything its history line needs,
-- so it outlives its story: retention deletes old read stories, and the
-- story id then becomes NULL rather than taking the observation with it.
CREATE TABLE IF NOT EXISTS metric_observations (
    id           INTEGER PRIMARY KEY,
    metric_key   TEXT NOT NULL,                 -- subject key · noun key · kind
    subject      TEXT NOT NULL,                 -- as written: "HarmonyOS"
    subject_key  TEXT NOT NULL,                 -- "harmonyos"
    noun         TEXT NOT NULL,                 -- canonical noun as shown: "users"
    kind         TEXT NOT NULL,
    unit         TEXT,
    per          TEXT,
    value        REAL NOT NULL,
    observed     REAL NOT NULL,                 -- the story's publication time
    story_id     INTEGER REFERENCES stories(id) ON DELETE SET NULL,
    feed_name    TEXT NOT NULL DEFAULT '',
    story_title  TEXT NOT NULL DEFAULT '',
    story_link   TEXT,
    figure_text  TEXT NOT NULL,
    figure_source TEXT NOT NULL DEFAULT 'body',
    figure_start INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS metric_observations_by_metric ON metric_observations (metric_key, observed);
CREATE INDEX IF NOT EXISTS metric_observations_by_subject ON metric_observations (subject_key, metric_key);
CREATE INDEX IF NOT EXISTS metric_observations_by_story ON metric_observations (story_id);
