-- Intake: reception records, same-day inquiry tasks, and what duplicate checks look up.

-- A reception record is a document: what was said and confirmed at the window. It is kept whole
-- as JSON and never edited; filing links it to the case.
CREATE TABLE receptions (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    officer_id BIGINT REFERENCES users(id),
    officer_name TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    record TEXT NOT NULL,
    binding_code TEXT NOT NULL UNIQUE,
    case_id BIGINT REFERENCES cases(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX receptions_court ON receptions(court_id, created_at);

-- Network asset inquiries (网络查控), one per debtor, started the day the case is filed.
CREATE TABLE inquiry_tasks (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    debtor_name TEXT NOT NULL,
    status TEXT NOT NULL,
    due_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX inquiry_tasks_queue ON inquiry_tasks(court_id, status, due_on);
CREATE INDEX inquiry_tasks_case ON inquiry_tasks(case_id);

CREATE INDEX cases_basis_number ON cases(basis_number);
