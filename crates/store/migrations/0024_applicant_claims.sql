-- Each applicant's claim in a case with several applicants (the basis of the court's payout
-- plan, 分配方案): NULL until the court states it, when payouts are suggested in equal shares.
ALTER TABLE case_parties ADD COLUMN claim_fen BIGINT;
