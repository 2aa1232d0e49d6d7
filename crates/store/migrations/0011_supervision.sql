-- Supervision as a service (流程节点监管): the scheduler's leases, so that of several `zhixing
-- serve` processes on one database only one runs a tick at a time, and the indexes of the
-- supervision views.

-- One row per scheduled job. A process holds the job while `expires_at` (UTC milliseconds) is
-- in the future and `holder` is its token; it renews between batches and releases when done.
-- Taken by a conditional UPDATE (or the first INSERT), never by `FOR UPDATE`.
CREATE TABLE scheduler_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The views count and list open nodes per court by status, oldest due date first.
CREATE INDEX node_instances_court_status ON node_instances (court_id, status, due_on);

-- Locked cases per court (few of all cases): a partial index on both engines.
CREATE INDEX cases_court_locked ON cases (court_id) WHERE locked = 1;

-- The supervision list of locked cases names the node whose overdue locked each case: the
-- case's latest lock bulletin.
CREATE INDEX node_bulletins_case ON node_bulletins (case_id, kind, created_at);
