-- Per-court node definitions and working calendars (court settings `node_definitions` and
-- `working_calendar`): saving one recomputes the court's open node instances, read by this
-- partial index in id order (keyset pages), so closed history is never scanned.
CREATE INDEX node_instances_court_open ON node_instances (court_id, id)
    WHERE completed_on IS NULL AND cancelled_on IS NULL;
