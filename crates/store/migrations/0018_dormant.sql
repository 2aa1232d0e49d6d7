-- The dormant-case library's runs (终本案件库定期复查) and restoration (恢复执行).

-- A re-inquiry task of the library carries its round, so answering it updates the library row
-- and tells the applicant; a task of an open case has NULL.
ALTER TABLE inquiry_tasks ADD COLUMN dormant_round BIGINT NULL;

-- The round in progress: tasks not yet complete, and what the round has found so far (the
-- officer's "new property" list reads these).
ALTER TABLE dormant_library ADD COLUMN round_open BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dormant_library ADD COLUMN last_found_fen BIGINT NOT NULL DEFAULT 0;
-- The last day a round found property (NULL: never since closing).
ALTER TABLE dormant_library ADD COLUMN found_on TEXT NULL;
ALTER TABLE dormant_library ADD COLUMN restored_at BIGINT NULL;
ALTER TABLE dormant_library ADD COLUMN restoration_reason TEXT NULL;

-- The court's list of dormant cases with property found, newest first.
CREATE INDEX dormant_library_found ON dormant_library(court_id, status, found_on);
-- From a restored 执恢 case back to the case it continues.
CREATE INDEX dormant_library_restored ON dormant_library(restored_case_id);

-- Due tasks are read as one index range in order (`next_poll_at <= now`): a task is due from
-- its creation, and a done task has no next poll, so it leaves the range.
UPDATE inquiry_tasks SET next_poll_at = created_at WHERE status <> 'done' AND next_poll_at IS NULL;
UPDATE inquiry_tasks SET next_poll_at = NULL WHERE status = 'done';
DROP INDEX inquiry_tasks_poll;
CREATE INDEX inquiry_tasks_due ON inquiry_tasks(next_poll_at, id);

-- The findings of a task, for the applicant's message when a re-inquiry round completes.
CREATE INDEX asset_findings_task ON asset_findings(inquiry_task_id);
