-- Disposal of seized property (财产处置, issue 6 part 3): one disposal per seized asset (a seal
-- or detention on a finding) and its steps — the reference price (议价, 定向询价, 网络询价, 委托
-- 评估), the first auction, the second auction at a reduced reserve, sale (变卖) and transfer in
-- satisfaction of the debt (以物抵债) — each with its dates and outcome.

CREATE TABLE disposals (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    finding_id BIGINT NOT NULL REFERENCES asset_findings(id),
    measure_id BIGINT NOT NULL REFERENCES control_measures(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    asset_kind TEXT NOT NULL,
    -- The seizure's date (the measure's start): the 30 and 90 days run from it.
    seized_on TEXT NOT NULL,
    -- The decision to dispose.
    started_on TEXT NOT NULL,
    -- open | finished | withdrawn
    status TEXT NOT NULL,
    -- The reference price of the last pricing step, the last auction's reserve, the last
    -- step's kind: the standing a list shows without reading the steps.
    reference_fen BIGINT NULL,
    last_reserve_fen BIGINT NULL,
    last_step TEXT NULL,
    steps BIGINT NOT NULL DEFAULT 0,
    -- Sold or transferred at (the proceeds are received through the case's funds).
    price_fen BIGINT NULL,
    finished_on TEXT NULL,
    withdrawn_on TEXT NULL,
    withdraw_reason TEXT NULL,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_by BIGINT NULL REFERENCES users(id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX disposals_case ON disposals (case_id, id);

-- A seized asset's disposals (the supervision list joins its latest).
CREATE INDEX disposals_measure ON disposals (measure_id, id);

-- One disposal of an asset under way or done; a withdrawn one may be started again.
CREATE UNIQUE INDEX disposals_measure_live ON disposals (measure_id) WHERE status <> 'withdrawn';

-- A court's disposals by status and seizure date (the oldest open ones first).
CREATE INDEX disposals_court ON disposals (court_id, status, seized_on);

CREATE TABLE disposal_steps (
    id {ID},
    disposal_id BIGINT NOT NULL REFERENCES disposals(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    -- 1, 2, 3… within the disposal: a second clerk recording the same step collides here.
    seq BIGINT NOT NULL,
    -- pricing | first_auction | second_auction | sale | transfer
    kind TEXT NOT NULL,
    -- Pricing only: agreed_price | directed_inquiry | network_inquiry | valuation
    pricing_method TEXT NULL,
    -- Auctions: the reserve (起拍价).
    reserve_fen BIGINT NULL,
    -- priced | sold | unsold
    outcome TEXT NOT NULL,
    -- The reference price (priced) or the price sold / transferred at.
    price_fen BIGINT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by BIGINT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (disposal_id, seq)
);

CREATE INDEX disposal_steps_case ON disposal_steps (case_id, disposal_id, seq);

-- The supervision list of seized real estate: a court's seals of real estate by seizure date.
CREATE INDEX control_measures_seized ON control_measures (court_id, asset_kind, control_kind, start_on);
