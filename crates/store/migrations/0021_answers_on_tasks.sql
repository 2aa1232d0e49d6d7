-- A network inquiry task keeps the kinds the network answered (`answered_kinds`) and its
-- findings (`asset_findings.inquiry_task_id`) say what was found, so "nothing found" follows
-- from them (`assets::answers_of`). The row per task and kind doubled what every round wrote
-- (eight rows per debtor, 1.6 million for the dormant library's 200,000 cases) and is dropped.
DROP INDEX inquiry_answers_case;
DROP TABLE inquiry_answers;
