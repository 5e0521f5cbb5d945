-- Version 5: a permanent redirect is adopted only once it has been seen on
-- consecutive fetches, so one misconfigured answer (or a hostile server)
-- cannot move a feed for good. Until then it is a candidate.

ALTER TABLE feeds ADD COLUMN moved_candidate TEXT;
ALTER TABLE feeds ADD COLUMN moved_seen INTEGER NOT NULL DEFAULT 0;
