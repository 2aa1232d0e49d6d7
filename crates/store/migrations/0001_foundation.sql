-- Portable schema for SQLite and PostgreSQL. Conventions (see ARCHITECTURE.md):
-- {ID} becomes the engine's auto-increment primary key; every integer is BIGINT so both engines
-- decode to i64; money is fen; timestamps are UTC milliseconds; booleans are 0/1.

CREATE TABLE courts (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_id BIGINT REFERENCES courts(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE teams (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX teams_court ON teams(court_id);

CREATE TABLE users (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    team_id BIGINT REFERENCES teams(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_court ON users(court_id, role);

-- Only a hash of the session token is stored, so a leaked table cannot be replayed.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE parties (
    id {ID},
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT,
    address TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX parties_id_number ON parties(id_number);
CREATE INDEX parties_name ON parties(name);

-- Sequence numbers per court + type + year: the row is updated inside the filing transaction,
-- so numbers have no gaps and no reuse.
CREATE TABLE case_sequences (
    seq_key TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL
);

CREATE TABLE cases (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_number TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    case_type TEXT NOT NULL,
    seq BIGINT NOT NULL,
    stage TEXT NOT NULL,
    suspended BIGINT NOT NULL DEFAULT 0,
    locked BIGINT NOT NULL DEFAULT 0,
    closing_mode TEXT,
    claim_fen BIGINT NOT NULL,
    recovered_fen BIGINT NOT NULL DEFAULT 0,
    -- Received into the per-case account and not yet paid out.
    held_fen BIGINT NOT NULL DEFAULT 0,
    basis_court TEXT NOT NULL,
    basis_number TEXT NOT NULL,
    basis_kind TEXT NOT NULL,
    basis_date TEXT NOT NULL,
    team_id BIGINT REFERENCES teams(id),
    officer_id BIGINT REFERENCES users(id),
    -- Party names joined, kept by the write path: the list shows them without a join and the
    -- text search reads one column.
    applicant_names TEXT NOT NULL,
    debtor_names TEXT NOT NULL,
    search_text TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    closed_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_court_filed ON cases(court_id, filed_at);
CREATE INDEX cases_court_stage ON cases(court_id, stage, filed_at);
CREATE INDEX cases_court_team ON cases(court_id, team_id, filed_at);
CREATE INDEX cases_court_officer ON cases(court_id, officer_id, filed_at);
CREATE INDEX cases_court_type ON cases(court_id, case_type, filed_at);
CREATE INDEX cases_court_year ON cases(court_id, year, filed_at);
CREATE INDEX cases_filed ON cases(filed_at);

CREATE TABLE case_parties (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    party_id BIGINT NOT NULL REFERENCES parties(id),
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (case_id, role, position)
);
CREATE INDEX case_parties_party ON case_parties(party_id);

-- The audit trail: one hash chain per court (see crates/domain/src/audit.rs).
CREATE TABLE events (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    seq BIGINT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (court_id, seq)
);
CREATE INDEX events_case ON events(case_id, occurred_at);

CREATE TABLE chain_heads (
    court_id BIGINT PRIMARY KEY REFERENCES courts(id),
    court_code TEXT NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
