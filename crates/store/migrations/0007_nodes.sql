-- Process-node supervision (流程节点): one row per node running on a case, and the bulletin
-- (通报) entries the scheduler writes. Dates are Beijing dates as YYYY-MM-DD text, which sorts
-- and compares as dates on both engines. The scheduler reads only rows whose `next_check_on`
-- has arrived (NULL once nothing more happens by itself).
CREATE TABLE node_instances (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    node_key TEXT NOT NULL,
    started_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    warn_on TEXT NOT NULL,
    paused_days BIGINT NOT NULL,
    paused_since TEXT NULL,
    completed_on TEXT NULL,
    cancelled_on TEXT NULL,
    status TEXT NOT NULL,
    next_check_on TEXT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX node_instances_next_check ON node_instances (next_check_on);

CREATE INDEX node_instances_case ON node_instances (case_id);

CREATE TABLE node_bulletins (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    node_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX node_bulletins_court_created ON node_bulletins (court_id, created_at);
