-- The append-heavy tables (events, inquiry tasks, asset findings, applicant messages) no longer
-- check their references to courts, users and parties on PostgreSQL. Each such check is a
-- trigger that looks the row up and locks it KEY SHARE; on the dormant library's inquiry
-- rounds (hundreds of thousands of rows a night) they were about two thirds of the insert time,
-- and the shared locks on the one court row made side-by-side writers queue. Courts, users and
-- parties are never deleted, and these rows are written only by the one write path with ids it
-- has just read, so the checks could never fail. References to the case stay checked. SQLite
-- keeps all of them: dropping one there means rebuilding the table, and it meets its targets.
ALTER TABLE asset_findings DROP CONSTRAINT asset_findings_court_id_fkey;
ALTER TABLE asset_findings DROP CONSTRAINT asset_findings_party_id_fkey;
ALTER TABLE asset_findings DROP CONSTRAINT asset_findings_recorded_by_fkey;
ALTER TABLE asset_findings DROP CONSTRAINT asset_findings_inquiry_task_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_actor_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_court_id_fkey;
ALTER TABLE applicant_messages DROP CONSTRAINT applicant_messages_court_id_fkey;
ALTER TABLE applicant_messages DROP CONSTRAINT applicant_messages_created_by_fkey;
ALTER TABLE applicant_messages DROP CONSTRAINT applicant_messages_party_id_fkey;
ALTER TABLE inquiry_tasks DROP CONSTRAINT inquiry_tasks_court_id_fkey;
ALTER TABLE inquiry_tasks DROP CONSTRAINT inquiry_tasks_party_id_fkey;
