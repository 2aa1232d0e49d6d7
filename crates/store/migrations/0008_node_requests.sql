-- Unlocking by escalation and extending the six-month limit (解锁申请、延长执行期限申请).
-- A node instance keeps the months its approved extensions added and the deadline an unlock
-- approval set (a Beijing date as YYYY-MM-DD text, like the other node dates).
ALTER TABLE node_instances ADD COLUMN extension_months BIGINT NOT NULL DEFAULT 0;

ALTER TABLE node_instances ADD COLUMN deadline_override TEXT NULL;

-- One row per request: who asked, which level at which court decides, and the decision.
-- `kind` is `unlock` or `extension`; `level` a decision level key (`bureau_chief`,
-- `president`, `intermediate_court`, `high_court`); `status` `pending`, `approved` or `refused`.
CREATE TABLE node_requests (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    node_instance_id BIGINT NOT NULL REFERENCES node_instances(id),
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    approver_court_id BIGINT NOT NULL REFERENCES courts(id),
    requested_by BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    requested_due_on TEXT NULL,
    requested_months BIGINT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT NULL REFERENCES users(id),
    decision_reason TEXT NULL,
    new_due_on TEXT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT NULL
);

-- The approvals page: an approving court's pending requests.
CREATE INDEX node_requests_approver ON node_requests (approver_court_id, status);

CREATE INDEX node_requests_case ON node_requests (case_id);

-- At most one pending request per case, whatever two clicks at the same moment do.
CREATE UNIQUE INDEX node_requests_one_pending ON node_requests (case_id) WHERE status = 'pending';
