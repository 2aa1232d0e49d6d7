-- An inquiry task keeps what it has found so far (`asset::encode_found`), so the applicant's
-- message at a library round's last answer is written from the task row, without reading
-- the earlier answers' findings back. Open tasks get theirs from their findings (per engine).
ALTER TABLE inquiry_tasks ADD COLUMN found TEXT NOT NULL DEFAULT '';
-- The library's due rows in the order they are taken, so a batch stops at its limit instead
-- of sorting every due row.
DROP INDEX dormant_library_due;
CREATE INDEX dormant_library_due ON dormant_library (status, next_on, case_id);
-- No query reads these any more (due tasks come from `inquiry_tasks_due`, a case's from
-- `inquiry_tasks_case`, and the findings of a task are not read back); each cost an index
-- write on every answer.
DROP INDEX inquiry_tasks_queue;
DROP INDEX asset_findings_task;
