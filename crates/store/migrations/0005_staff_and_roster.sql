-- Staff leave (who is away on which day), and the reception window's weekly duty roster.

CREATE TABLE staff_leave (
    user_id BIGINT NOT NULL REFERENCES users(id),
    court_id BIGINT NOT NULL REFERENCES courts(id),
    leave_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    PRIMARY KEY (user_id, leave_date)
);
CREATE INDEX staff_leave_court ON staff_leave(court_id, leave_date);

-- One row per court and week: how the week is staffed, with a version for optimistic edits.
CREATE TABLE roster_weeks (
    court_id BIGINT NOT NULL REFERENCES courts(id),
    week_start TEXT NOT NULL,
    slots_per_day BIGINT NOT NULL,
    duty_phone TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    PRIMARY KEY (court_id, week_start)
);

CREATE TABLE roster_entries (
    court_id BIGINT NOT NULL REFERENCES courts(id),
    week_start TEXT NOT NULL,
    duty_date TEXT NOT NULL,
    slot BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    PRIMARY KEY (court_id, duty_date, slot)
);
CREATE INDEX roster_entries_week ON roster_entries(court_id, week_start);
CREATE INDEX roster_entries_user ON roster_entries(user_id, duty_date);
