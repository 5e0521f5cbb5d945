-- Version 9: metric history keeps two indexes, not three. A metric's key
-- begins with its subject's key and "·", so the metrics of one subject are
-- a range of the by-metric index (tui.core.digest.metrics.metric_series):
-- the by-subject index only made every observation slower to record
-- (about nine per story; a first refresh of 1000 feeds records 280,000)
-- and took 13.5 MB of such a store.
DROP INDEX IF EXISTS metric_observations_by_subject;
