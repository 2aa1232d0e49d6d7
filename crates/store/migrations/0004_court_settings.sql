-- Per-court configuration that administrators edit (triage rules, assignment weights, and later
-- node definitions), as JSON documents with a version for optimistic updates. Every change is
-- also an event on the court's chain.
CREATE TABLE court_settings (
    court_id BIGINT NOT NULL REFERENCES courts(id),
    setting_key TEXT NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    PRIMARY KEY (court_id, setting_key)
);

-- Open cases per officer, for assignment by least load.
CREATE INDEX cases_officer_stage ON cases(officer_id, stage);
