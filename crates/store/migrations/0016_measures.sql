-- Coercive measures against debtors (issue 6 part 5) and settlement agreements with their
-- instalments and payments (part 6).

-- One row per measure and debtor: 限制高消费, 失信, 悬赏, 律师调查令, 拒执罪移送, 罚款, 拘留.
-- The restriction and the listing rest on their issued document (限制消费令, 失信决定书).
CREATE TABLE coercive_measures (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    party_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- in_force or revoked.
    status TEXT NOT NULL,
    -- Published (the restriction, the list, the reward offer).
    public BIGINT NOT NULL,
    -- 失信: the grounds' keys, comma-separated, and the years added to the term.
    grounds TEXT NOT NULL,
    extension_years BIGINT NOT NULL,
    -- Fine or reward, in fen.
    amount_fen BIGINT,
    -- Detention days, or an investigation order's validity.
    days BIGINT,
    -- Whom a lawyer investigation order is addressed to.
    holder TEXT NOT NULL,
    facts TEXT NOT NULL,
    document_id BIGINT REFERENCES documents(id),
    start_on TEXT NOT NULL,
    end_on TEXT,
    revoked_on TEXT,
    revoke_reason TEXT,
    created_by BIGINT REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX coercive_measures_case ON coercive_measures(case_id, id);
-- The public lists: a court's measures in force that are published, newest first.
CREATE INDEX coercive_measures_public ON coercive_measures(court_id, public, status, start_on);

-- A settlement agreement (执行和解). A new agreement on the same case supersedes the old one.
CREATE TABLE settlements (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    signed_on TEXT NOT NULL,
    total_fen BIGINT NOT NULL,
    grace_days BIGINT NOT NULL,
    -- The instalments as JSON: [{"due_on":"2026-03-31","amount":1000000}, …].
    instalments TEXT NOT NULL,
    terms TEXT NOT NULL,
    -- active or superseded.
    status TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX settlements_case ON settlements(case_id, id);

-- Payments made under an agreement (often directly to the applicant, who confirms them).
CREATE TABLE settlement_payments (
    id {ID},
    settlement_id BIGINT NOT NULL REFERENCES settlements(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    paid_on TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    note TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX settlement_payments_settlement ON settlement_payments(settlement_id, paid_on);
