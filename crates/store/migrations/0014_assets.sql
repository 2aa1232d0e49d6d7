-- Asset inquiry and control (财产查控, 控制措施): what the network and other channels found per
-- debtor, the inquiry tasks' dialogue with the provider, control measures with their terms and
-- renewals, the applicant's asset leads, and the outbox of messages to the applicant.

-- The provider's ticket and when to ask again; a batch of due tasks is one indexed range.
ALTER TABLE inquiry_tasks ADD COLUMN provider_ticket TEXT NULL;
ALTER TABLE inquiry_tasks ADD COLUMN next_poll_at BIGINT NULL;
ALTER TABLE inquiry_tasks ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inquiry_tasks ADD COLUMN submitted_at BIGINT NULL;
-- Asset kinds the provider has answered for (comma-separated keys), so a delayed kind is
-- awaited while the others are already stored.
ALTER TABLE inquiry_tasks ADD COLUMN answered_kinds TEXT NOT NULL DEFAULT '';

CREATE INDEX inquiry_tasks_poll ON inquiry_tasks (status, next_poll_at);

CREATE TABLE asset_findings (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    kind TEXT NOT NULL,
    institution TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Account or registration number: staff only, never told to the applicant.
    identifier TEXT NOT NULL,
    -- Balance (account money) or estimated value; NULL when unknown.
    amount_fen BIGINT NULL,
    -- network | manual | lead
    source TEXT NOT NULL,
    found_on TEXT NOT NULL,
    inquiry_task_id BIGINT NULL REFERENCES inquiry_tasks(id),
    lead_id BIGINT NULL,
    recorded_by BIGINT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX asset_findings_case ON asset_findings (case_id, party_id, kind, id);

-- "Nothing found" is an answer too: one row per task and kind searched without result.
CREATE TABLE inquiry_answers (
    task_id BIGINT NOT NULL REFERENCES inquiry_tasks(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    found BIGINT NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (task_id, kind)
);

CREATE INDEX inquiry_answers_case ON inquiry_answers (case_id, kind);

CREATE TABLE control_measures (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    finding_id BIGINT NOT NULL REFERENCES asset_findings(id),
    asset_kind TEXT NOT NULL,
    control_kind TEXT NOT NULL,
    amount_fen BIGINT NULL,
    start_on TEXT NOT NULL,
    -- NULL for a deduction (no term).
    end_on TEXT NULL,
    -- in_force | lifted | expired | deducted (renewals are rows of control_renewals)
    status TEXT NOT NULL,
    carried_from_case_id BIGINT NULL REFERENCES cases(id),
    carried_from_ref TEXT NULL,
    lift_reason TEXT NULL,
    lifted_on TEXT NULL,
    version BIGINT NOT NULL,
    created_by BIGINT NULL REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX control_measures_case ON control_measures (case_id, id);

-- The expiry scan: a court's measures in force by end date.
CREATE INDEX control_measures_expiry ON control_measures (court_id, status, end_on);

CREATE TABLE control_renewals (
    id {ID},
    measure_id BIGINT NOT NULL REFERENCES control_measures(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    previous_end_on TEXT NOT NULL,
    new_end_on TEXT NOT NULL,
    months BIGINT NOT NULL,
    renewed_on TEXT NOT NULL,
    renewed_by BIGINT NULL REFERENCES users(id),
    renewed_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX control_renewals_measure ON control_renewals (measure_id, id);

CREATE INDEX control_renewals_case ON control_renewals (case_id, id);

CREATE TABLE asset_leads (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    kind TEXT NULL,
    description TEXT NOT NULL,
    urgent BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- pending | found | not_found
    status TEXT NOT NULL,
    outcome_note TEXT NULL,
    verified_on TEXT NULL,
    finding_id BIGINT NULL REFERENCES asset_findings(id),
    version BIGINT NOT NULL,
    created_by BIGINT NULL REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX asset_leads_case ON asset_leads (case_id, id);

-- A court's leads awaiting verification by due date.
CREATE INDEX asset_leads_due ON asset_leads (court_id, status, due_on);

-- Messages to the applicant (inquiry summaries now; the portal and the dormant-case library
-- later): written before sending, the outcome after.
CREATE TABLE applicant_messages (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    -- sms | platform
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    -- pending | sent | failed | recorded (platform: shown on the portal)
    status TEXT NOT NULL,
    provider TEXT NULL,
    provider_ref TEXT NULL,
    failure_reason TEXT NULL,
    sent_at BIGINT NULL,
    created_by BIGINT NULL REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX applicant_messages_case ON applicant_messages (case_id, id);

CREATE INDEX applicant_messages_outbox ON applicant_messages (status, id);
