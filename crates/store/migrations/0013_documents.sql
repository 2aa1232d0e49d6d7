-- Documents as records (文书审批) and their service (送达). A document's fill data is kept as
-- drafted; approval fixes it (content_sha256), gives the number, renders the files into the
-- blob store (pdf_sha256 / docx_sha256) and files the PDF in the dossier.
CREATE TABLE documents (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    approval_level TEXT NOT NULL,
    data_json TEXT NOT NULL,
    drafted_by BIGINT NULL REFERENCES users(id),
    drafted_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT NULL,
    reviewed_by BIGINT NULL REFERENCES users(id),
    reviewed_by_name TEXT NULL,
    review_comment TEXT NULL,
    number TEXT NULL,
    nth_of_kind BIGINT NULL,
    issued_at BIGINT NULL,
    issued_on TEXT NULL,
    content_sha256 TEXT NULL,
    pdf_sha256 TEXT NULL,
    docx_sha256 TEXT NULL,
    dossier_item_id BIGINT NULL REFERENCES dossier_items(id),
    batch_id BIGINT NULL
);

CREATE INDEX documents_case ON documents (case_id, kind, status);

-- The reviewers' queue: a court's documents by status and level.
CREATE INDEX documents_review ON documents (court_id, status, approval_level, id);

-- Numbers within a case and kind are given once (之一, 之二…).
CREATE UNIQUE INDEX documents_nth ON documents (case_id, kind, nth_of_kind);

CREATE INDEX documents_batch ON documents (batch_id);

CREATE TABLE document_reviews (
    id {ID},
    document_id BIGINT NOT NULL REFERENCES documents(id),
    step TEXT NOT NULL,
    actor_id BIGINT NULL REFERENCES users(id),
    actor_name TEXT NOT NULL,
    comment TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX document_reviews_document ON document_reviews (document_id, id);

-- One task per issued document and recipient; attempts are its history.
CREATE TABLE service_tasks (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    document_id BIGINT NOT NULL REFERENCES documents(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    recipient_name TEXT NOT NULL,
    recipient_role TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    last_method TEXT NULL,
    last_failure TEXT NULL,
    served_on TEXT NULL,
    batch_id BIGINT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The routine-work queue: a court's tasks by status.
CREATE INDEX service_tasks_queue ON service_tasks (court_id, status, id);

CREATE INDEX service_tasks_document ON service_tasks (document_id);

CREATE INDEX service_tasks_case ON service_tasks (case_id, id);

CREATE TABLE service_attempts (
    id {ID},
    task_id BIGINT NOT NULL REFERENCES service_tasks(id),
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    document_id BIGINT NOT NULL REFERENCES documents(id),
    method TEXT NOT NULL,
    outcome TEXT NOT NULL,
    attempted_on TEXT NOT NULL,
    served_on TEXT NULL,
    received_by TEXT NOT NULL,
    address TEXT NOT NULL,
    tracking_number TEXT NOT NULL,
    failure_reason TEXT NOT NULL,
    witness TEXT NOT NULL,
    medium TEXT NOT NULL,
    consent BIGINT NOT NULL,
    proof_item_id BIGINT NULL REFERENCES dossier_items(id),
    provider TEXT NULL,
    provider_ref TEXT NULL,
    link_token_sha256 TEXT NULL,
    link_opened_at BIGINT NULL,
    confirmed_at BIGINT NULL,
    recorded_by BIGINT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX service_attempts_task ON service_attempts (task_id, id);

CREATE UNIQUE INDEX service_attempts_link ON service_attempts (link_token_sha256);

-- A batch of routine work (事务集约): drafting the notice and order for many cases at once, or
-- approving a batch's documents; items are cases (draft) or documents (approve). Items still
-- `queued` after an interruption are picked up when the batch is resumed.
CREATE TABLE routine_batches (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    kinds TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    source_batch_id BIGINT NULL,
    created_by BIGINT NULL REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT NULL
);

CREATE INDEX routine_batches_court ON routine_batches (court_id, id);

CREATE TABLE routine_batch_items (
    batch_id BIGINT NOT NULL REFERENCES routine_batches(id),
    target_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (batch_id, target_id)
);

CREATE INDEX routine_batch_items_status ON routine_batch_items (batch_id, status, position);

-- The routine-work queue: cases whose notice node is still open, most urgent first.
CREATE INDEX node_instances_court_key_open ON node_instances (court_id, node_key, due_on, id)
    WHERE completed_on IS NULL AND cancelled_on IS NULL;
