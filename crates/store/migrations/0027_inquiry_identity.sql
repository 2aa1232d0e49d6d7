-- The due queue is the hottest read of the dormant-library rounds: it used to join every due
-- task to its party (for the identity number the network is asked about) and its case (for the
-- case number on the request). Both values are fixed once a task exists (parties and case
-- numbers are never edited), so each task carries its own copy and the queue reads one table.
ALTER TABLE inquiry_tasks ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE inquiry_tasks ADD COLUMN case_number TEXT NOT NULL DEFAULT '';
UPDATE inquiry_tasks SET
    id_number = COALESCE((SELECT p.id_number FROM parties p WHERE p.id = inquiry_tasks.party_id), ''),
    case_number = COALESCE((SELECT c.case_number FROM cases c WHERE c.id = inquiry_tasks.case_id), '');
