-- Room on each page for a row's new version: an answer that changes no indexed column (nothing
-- new found, or found again on the same day) is then a HOT update, which writes no index entry.
ALTER TABLE dormant_library SET (fillfactor = 70);
