-- A library row is updated at every round (its next date) and at every answer of the round
-- (what was found so far). Only restored rows have a restored case: the index holds those
-- alone, so the other rows' updates add no entry to it.
DROP INDEX dormant_library_restored;
CREATE INDEX dormant_library_restored ON dormant_library(restored_case_id) WHERE restored_case_id IS NOT NULL;
