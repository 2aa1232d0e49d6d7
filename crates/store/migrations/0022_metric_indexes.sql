-- The metrics read closings, receipts and open cases from index ranges alone: each index
-- carries every column the figures add up or group by (team, officer), so a figure never
-- looks up the table row of a case it counts (closed_at on the filing index too: the pending
-- lists filter on it). Same keys as before, more columns after them.
DROP INDEX cases_metric_closed;
CREATE INDEX cases_metric_closed ON cases (court_id, case_type, closed_at, filed_at,
    closing_mode, claim_fen, recovered_fen, suspended_days, closed_in_time, team_id, officer_id)
    WHERE closed_at IS NOT NULL;
DROP INDEX cases_metric_open;
CREATE INDEX cases_metric_open ON cases (court_id, case_type, filed_at, team_id, officer_id)
    WHERE closed_at IS NULL;
DROP INDEX cases_court_type;
CREATE INDEX cases_court_type ON cases (court_id, case_type, filed_at, team_id, officer_id,
    closed_at);
