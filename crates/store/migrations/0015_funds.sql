-- Case funds (案款): one account per case (一案一账号), the ledger of receipts and payouts, and
-- payout proposals with their approval. The ledger is append-only; each entry carries the
-- balance after it, which never goes below zero.
CREATE TABLE case_accounts (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    court_id BIGINT NOT NULL REFERENCES courts(id),
    account_number TEXT NOT NULL UNIQUE,
    account_name TEXT NOT NULL,
    bank TEXT NOT NULL,
    opened_at BIGINT NOT NULL
);

CREATE TABLE disbursements (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    -- proposed | paid | refused (approval pays at once).
    status TEXT NOT NULL,
    total_fen BIGINT NOT NULL CHECK (total_fen > 0),
    -- The plan: [{"party_id": …, "amount": fen}, …].
    lines_json TEXT NOT NULL,
    approval_level TEXT NOT NULL,
    note TEXT NOT NULL,
    proposed_by BIGINT NULL REFERENCES users(id),
    proposed_by_name TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by BIGINT NULL REFERENCES users(id),
    decided_by_name TEXT NULL,
    decided_at BIGINT NULL,
    reason TEXT NULL,
    version BIGINT NOT NULL
);

-- The approvers' queue.
CREATE INDEX disbursements_queue ON disbursements (court_id, status, id);
CREATE INDEX disbursements_case ON disbursements (case_id, id);
-- One proposal waits per case at a time.
CREATE UNIQUE INDEX disbursements_one_pending ON disbursements (case_id) WHERE status = 'proposed';

CREATE TABLE fund_entries (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'disbursement')),
    -- A receipt's source (deduction, voluntary, auction, cash, other); 'payout' for payouts.
    source TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    balance_after_fen BIGINT NOT NULL CHECK (balance_after_fen >= 0),
    -- The payer of a receipt (free text) or the payee party of a payout.
    party_id BIGINT NULL REFERENCES parties(id),
    party_name TEXT NOT NULL,
    reference TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    recorded_by BIGINT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    second_officer_id BIGINT NULL REFERENCES users(id),
    disbursement_id BIGINT NULL REFERENCES disbursements(id)
);

-- The reconciliation of a court's period, and a case's ledger in order.
CREATE INDEX fund_entries_court_day ON fund_entries (court_id, occurred_on);
CREATE INDEX fund_entries_case ON fund_entries (case_id, id);

-- Cases holding money: the reconciliation checks them against their ledgers without scanning
-- every case of the court.
CREATE INDEX cases_holding_funds ON cases (court_id, id) WHERE held_fen <> 0;
