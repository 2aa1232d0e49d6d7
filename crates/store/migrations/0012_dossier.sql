-- The electronic dossier (电子卷宗): a catalogue per case in two volumes ('main' 正卷,
-- 'internal' 副卷), ordered within each volume; the files themselves live in the blob store,
-- named by their SHA-256. Every view and download is logged (卷宗保密).
CREATE TABLE dossier_items (
    id {ID},
    court_id BIGINT NOT NULL REFERENCES courts(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    volume TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    position BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_by BIGINT NULL REFERENCES users(id),
    uploaded_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX dossier_items_case ON dossier_items (case_id, volume, position);

CREATE INDEX dossier_items_sha ON dossier_items (sha256);

CREATE TABLE dossier_access (
    id {ID},
    item_id BIGINT NOT NULL REFERENCES dossier_items(id),
    case_id BIGINT NOT NULL REFERENCES cases(id),
    user_id BIGINT NULL REFERENCES users(id),
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX dossier_access_case ON dossier_access (case_id, at);
