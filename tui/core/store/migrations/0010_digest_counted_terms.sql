-- Version 10: a word that most stories carry gets no postings. Lookups
-- never use such a word (grouping looks up only words carried by at most
-- COMMON_DF stories), yet its postings were nearly all of digest_terms
-- (1.10 M of 1.15 M after a first refresh of 1000 bench feeds) and a
-- third of what grouping wrote. digest_df keeps counting every word, so
-- it can no longer be recounted from the postings: a grouped story's
-- ``counted`` says whether its words are in digest_df (they leave it when
-- the daily prune passes the story's time, as its postings leave
-- digest_terms), and the prune recounts digest_df from the counted rows.
ALTER TABLE digest_stories ADD COLUMN counted INTEGER NOT NULL DEFAULT 1;
-- Until now a story was counted exactly while it had postings.
UPDATE digest_stories SET counted = 0
WHERE story_id NOT IN (SELECT story_id FROM digest_terms);
