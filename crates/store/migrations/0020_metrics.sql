-- Quality metrics (issue 7). A case records, when it closes, what the metrics need from its
-- conclusion node: the days it was suspended and whether it closed within its limit
-- (`metrics::closing_facts`). Everything else is read from the case itself. `closed_in_time`
-- is NULL for a closed case whose facts are not recorded yet (closed before this migration):
-- `serve` fills them in from the nodes (`backfill_closing_facts`), found by the index below.
ALTER TABLE cases ADD COLUMN suspended_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN closed_in_time BIGINT;
CREATE INDEX cases_closing_facts_missing ON cases (id)
    WHERE closed_at IS NOT NULL AND closed_in_time IS NULL;

-- Cases closed in a period, by court and type. With filed_at in the key, "closed before X and
-- filed before Y" (pending and old-case counts) is answered from the index alone.
CREATE INDEX cases_metric_closed ON cases (court_id, case_type, closed_at, filed_at)
    WHERE closed_at IS NOT NULL;
-- Pending cases oldest first: the drill-down lists of pending and old cases.
CREATE INDEX cases_metric_open ON cases (court_id, case_type, filed_at) WHERE closed_at IS NULL;

-- Campaigns (专项行动): a named drive of a court (a city's covers its basic courts) with its
-- dates, and the cases tagged to it.
CREATE TABLE campaigns (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    goal TEXT NOT NULL,
    created_by BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX campaigns_court_name ON campaigns (court_id, name);

CREATE TABLE campaign_cases (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    court_id BIGINT NOT NULL,
    tagged_by BIGINT NOT NULL,
    tagged_at BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, case_id)
);
CREATE INDEX campaign_cases_case ON campaign_cases (case_id);
CREATE INDEX campaign_cases_tagged ON campaign_cases (campaign_id, tagged_at);
