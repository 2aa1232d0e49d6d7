-- Open cases per officer and case type, kept by the write path, so that assignment by least
-- load reads a handful of rows instead of counting every open case of a team at each filing.
CREATE TABLE officer_loads (
    officer_id BIGINT NOT NULL REFERENCES users(id),
    case_type TEXT NOT NULL,
    open_count BIGINT NOT NULL,
    PRIMARY KEY (officer_id, case_type)
);

INSERT INTO officer_loads (officer_id, case_type, open_count)
SELECT officer_id, case_type, COUNT(*) FROM cases
WHERE officer_id IS NOT NULL AND stage NOT IN ('closed', 'archived')
GROUP BY officer_id, case_type;
