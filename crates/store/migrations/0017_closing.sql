-- Closing (结案, issue 6 part 7): the records the closing conditions rest on besides documents,
-- measures and inquiries, and the dormant-case library (终本案件库) that re-inquires every six
-- months for five years.

-- What the officer records before closing: the interview with the applicant (约谈), a debtor
-- who cannot be found and the search for them, why a debtor is not eligible for the dishonest
-- list, the applicant's written confirmation that the claim is satisfied.
CREATE TABLE closing_records (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX closing_records_case ON closing_records(case_id, kind, id);

-- One row per case closed as 终本: when its next re-inquiry is due. The library's run reads
-- the due rows by `dormant_library_due`.
CREATE TABLE dormant_library (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    court_id BIGINT NOT NULL REFERENCES courts(id),
    closed_on TEXT NOT NULL,
    rounds_done BIGINT NOT NULL DEFAULT 0,
    -- NULL once the five years are over or the case was restored.
    next_on TEXT,
    -- watching | restored | ended
    status TEXT NOT NULL,
    last_run_on TEXT,
    last_found BIGINT NOT NULL DEFAULT 0,
    restored_case_id BIGINT REFERENCES cases(id),
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX dormant_library_due ON dormant_library(status, next_on);
CREATE INDEX dormant_library_court ON dormant_library(court_id, status, next_on);
