//! Documents as records (文书) and their review history. A document row changes only through
//! `save_document`, a compare-and-set on its version, so two reviewers deciding at once cannot
//! both win; numbers within a case and kind are unique (`documents_nth`).

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    /// The docs crate's kind key (`notice`, `asset_report_order`, …).
    pub kind: String,
    /// `zhixing_domain::document::DocStatus` key.
    pub status: String,
    pub version: i64,
    /// `zhixing_domain::document::ApprovalLevel` key.
    pub approval_level: String,
    /// The fill data (`zhixing_docs::DocData`) as JSON.
    pub data_json: String,
    pub drafted_by: Option<i64>,
    pub drafted_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_by_name: Option<String>,
    /// The last return's comment.
    pub review_comment: Option<String>,
    pub number: Option<String>,
    pub nth_of_kind: Option<i64>,
    pub issued_at: Option<i64>,
    /// Shanghai date of issue, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// SHA-256 of the fill data as approved.
    pub content_sha256: Option<String>,
    pub pdf_sha256: Option<String>,
    pub docx_sha256: Option<String>,
    pub dossier_item_id: Option<i64>,
    pub batch_id: Option<i64>,
}

/// A document with the case facts a list shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentListRow {
    #[sqlx(flatten)]
    pub document: DocumentRow,
    pub case_number: String,
    pub officer_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub court_id: i64,
    pub case_id: i64,
    pub kind: String,
    pub status: String,
    pub approval_level: String,
    pub data_json: String,
    pub drafted_by: Option<i64>,
    pub drafted_by_name: String,
    pub batch_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentReviewRow {
    pub id: i64,
    pub document_id: i64,
    /// `submit`, `return`, `approve`, `withdraw`, `edit`.
    pub step: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub comment: String,
    pub at: i64,
}

/// A service task to create (one per issued document and recipient).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceTask {
    pub court_id: i64,
    pub case_id: i64,
    pub document_id: i64,
    pub party_id: i64,
    pub recipient_name: String,
    /// `applicant` or `debtor`.
    pub recipient_role: String,
    /// `waiting` (document not issued yet) or `pending`.
    pub status: String,
    pub batch_id: Option<i64>,
}

const COLUMNS: &str = "d.id, d.court_id, d.case_id, d.kind, d.status, d.version, \
     d.approval_level, d.data_json, d.drafted_by, d.drafted_by_name, d.created_at, d.updated_at, \
     d.submitted_at, d.reviewed_by, d.reviewed_by_name, d.review_comment, d.number, \
     d.nth_of_kind, d.issued_at, d.issued_on, d.content_sha256, d.pdf_sha256, d.docx_sha256, \
     d.dossier_item_id, d.batch_id";

impl Store {
    pub async fn document(&self, id: i64) -> StoreResult<Option<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM documents d WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A case's documents, newest first.
    pub async fn case_documents(&self, case_id: i64) -> StoreResult<Vec<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM documents d WHERE d.case_id = $1 ORDER BY d.id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// A court's documents in one status at the given levels, oldest first, after `after_id`
    /// (keyset paging): the reviewers' queue.
    pub async fn documents_by_status(
        &self,
        court_id: i64,
        status: &str,
        levels: &[&str],
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<DocumentListRow>> {
        if levels.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (0..levels.len()).map(|i| format!("${}", i + 4)).collect();
        let sql = format!(
            "SELECT {COLUMNS}, c.case_number, c.officer_id FROM documents d \
             JOIN cases c ON c.id = d.case_id \
             WHERE d.court_id = $1 AND d.status = $2 AND d.id > $3 \
             AND d.approval_level IN ({}) ORDER BY d.id LIMIT ${}",
            marks.join(", "),
            levels.len() + 4
        );
        let mut q = sqlx::query_as(&sql)
            .bind(court_id)
            .bind(status)
            .bind(after_id);
        for l in levels {
            q = q.bind(*l);
        }
        Ok(q.bind(limit).fetch_all(&self.read).await?)
    }

    pub async fn document_reviews(&self, document_id: i64) -> StoreResult<Vec<DocumentReviewRow>> {
        Ok(sqlx::query_as(
            "SELECT id, document_id, step, actor_id, actor_name, comment, at \
             FROM document_reviews WHERE document_id = $1 ORDER BY id",
        )
        .bind(document_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The 之N ordinal the next issued document of a kind would get, read before rendering;
    /// the write transaction reads it again and refuses if it moved.
    pub async fn predicted_nth_of_kind(&self, case_id: i64, kind: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(nth_of_kind), 0) + 1 AS BIGINT) FROM documents \
             WHERE case_id = $1 AND kind = $2",
        )
        .bind(case_id)
        .bind(kind)
        .fetch_one(&self.read)
        .await?)
    }

    /// How many of a document's service tasks are in each status: (status, count).
    pub async fn document_task_counts(&self, document_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, COUNT(*) FROM service_tasks WHERE document_id = $1 \
             GROUP BY status ORDER BY status",
        )
        .bind(document_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Whether a blob is the rendered file of any document.
    pub async fn document_blob_referenced(&self, sha256: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM documents WHERE pdf_sha256 = $1 OR docx_sha256 = $1",
        )
        .bind(sha256)
        .fetch_one(&self.read)
        .await?;
        Ok(n > 0)
    }
}

impl WriteTx {
    pub async fn insert_document(&mut self, n: &NewDocument) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO documents (court_id, case_id, kind, status, version, approval_level, \
             data_json, drafted_by, drafted_by_name, created_at, updated_at, submitted_at, \
             batch_id) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id",
        )
        .bind(n.court_id)
        .bind(n.case_id)
        .bind(&n.kind)
        .bind(&n.status)
        .bind(&n.approval_level)
        .bind(&n.data_json)
        .bind(n.drafted_by)
        .bind(&n.drafted_by_name)
        .bind(self.now)
        .bind((n.status == "submitted").then_some(self.now))
        .bind(n.batch_id)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn document_in_tx(&mut self, id: i64) -> StoreResult<Option<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM documents d WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// The case's documents of `kind` not yet issued or withdrawn (being drafted, waiting for
    /// review or returned), oldest first; read under the case's lock.
    pub async fn unfinished_documents_of_kind(
        &mut self,
        case_id: i64,
        kind: &str,
    ) -> StoreResult<Vec<DocumentRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM documents d WHERE d.case_id = $1 AND d.kind = $2 \
             AND d.status IN ('draft', 'submitted', 'returned') ORDER BY d.id"
        ))
        .bind(case_id)
        .bind(kind)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Writes every mutable column of `d` if the row is still at `d.version`; the stored
    /// version becomes `d.version + 1`. False when someone changed it first.
    pub async fn save_document(&mut self, d: &DocumentRow) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE documents SET status = $1, version = version + 1, data_json = $2, \
             updated_at = $3, submitted_at = $4, reviewed_by = $5, reviewed_by_name = $6, \
             review_comment = $7, number = $8, nth_of_kind = $9, issued_at = $10, issued_on = $11, \
             content_sha256 = $12, pdf_sha256 = $13, docx_sha256 = $14, dossier_item_id = $15 \
             WHERE id = $16 AND version = $17",
        )
        .bind(&d.status)
        .bind(&d.data_json)
        .bind(self.now)
        .bind(d.submitted_at)
        .bind(d.reviewed_by)
        .bind(&d.reviewed_by_name)
        .bind(&d.review_comment)
        .bind(&d.number)
        .bind(d.nth_of_kind)
        .bind(d.issued_at)
        .bind(&d.issued_on)
        .bind(&d.content_sha256)
        .bind(&d.pdf_sha256)
        .bind(&d.docx_sha256)
        .bind(d.dossier_item_id)
        .bind(d.id)
        .bind(d.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// The next 之N ordinal of a kind within a case (1 for the first issued).
    pub async fn next_nth_of_kind(&mut self, case_id: i64, kind: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(nth_of_kind), 0) + 1 AS BIGINT) FROM documents \
             WHERE case_id = $1 AND kind = $2",
        )
        .bind(case_id)
        .bind(kind)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn insert_document_review(
        &mut self,
        document_id: i64,
        step: &str,
        actor_id: Option<i64>,
        actor_name: &str,
        comment: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO document_reviews (document_id, step, actor_id, actor_name, comment, at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(document_id)
        .bind(step)
        .bind(actor_id)
        .bind(actor_name)
        .bind(comment)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn insert_service_tasks(&mut self, tasks: &[NewServiceTask]) -> StoreResult<()> {
        for t in tasks {
            sqlx::query(
                "INSERT INTO service_tasks (court_id, case_id, document_id, party_id, \
                 recipient_name, recipient_role, status, version, attempts, batch_id, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 0, $8, $9, $9)",
            )
            .bind(t.court_id)
            .bind(t.case_id)
            .bind(t.document_id)
            .bind(t.party_id)
            .bind(&t.recipient_name)
            .bind(&t.recipient_role)
            .bind(&t.status)
            .bind(t.batch_id)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// The parties of a case as service recipients: (party id, role key, name), applicants
    /// first, in filing order.
    pub async fn case_recipients(
        &mut self,
        case_id: i64,
    ) -> StoreResult<Vec<(i64, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT p.id, cp.role, p.name FROM case_parties cp JOIN parties p ON p.id = cp.party_id \
             WHERE cp.case_id = $1 ORDER BY cp.role, cp.position",
        )
        .bind(case_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// How many service tasks a document has, in any status.
    pub async fn document_task_total(&mut self, document_id: i64) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM service_tasks WHERE document_id = $1")
                .bind(document_id)
                .fetch_one(&mut *self.tx)
                .await?,
        )
    }

    /// Moves a document's tasks from one status to another (waiting → pending on issue,
    /// → cancelled on withdrawal); returns how many moved.
    pub async fn move_document_tasks(
        &mut self,
        document_id: i64,
        from: &str,
        to: &str,
    ) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE service_tasks SET status = $1, version = version + 1, updated_at = $2 \
             WHERE document_id = $3 AND status = $4",
        )
        .bind(to)
        .bind(self.now)
        .bind(document_id)
        .bind(from)
        .execute(&mut *self.tx)
        .await?
        .rows_affected())
    }
}
