-- Each user's inbox (待办提醒): node warnings, overdue notices, locks, unlock and extension
-- requests and decisions. Written in the transaction of what caused them; read per user, newest
-- first, unread first.
CREATE TABLE notifications (
    id {ID},
    user_id BIGINT NOT NULL REFERENCES users(id),
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT NULL
);

CREATE INDEX notifications_user ON notifications (user_id, created_at);

CREATE INDEX notifications_user_unread ON notifications (user_id, read_at);
