//! Service of documents (送达): one task per issued document and recipient, and its attempts.
//! A task changes only by compare-and-set on its version (two clerks recording at once cannot
//! both win); a `sent` attempt gets its result once (`complete_service_attempt` changes only a
//! row still `sent`). Electronic links are found by the SHA-256 of their token, never the token.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceTaskRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub document_id: i64,
    pub party_id: i64,
    pub recipient_name: String,
    /// `applicant` or `debtor`.
    pub recipient_role: String,
    /// `zhixing_domain::document::TaskStatus` key.
    pub status: String,
    pub version: i64,
    pub attempts: i64,
    pub last_method: Option<String>,
    pub last_failure: Option<String>,
    /// `YYYY-MM-DD` (for an announcement the day it counts as served).
    pub served_on: Option<String>,
    pub batch_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A task with what a list shows beside it: the case and the document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceTaskListRow {
    #[sqlx(flatten)]
    pub task: ServiceTaskRow,
    pub case_number: String,
    pub officer_id: Option<i64>,
    pub document_kind: String,
    pub document_status: String,
    pub document_number: Option<String>,
    pub issued_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceAttemptRow {
    pub id: i64,
    pub task_id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub document_id: i64,
    pub method: String,
    /// `sent`, `served` or `failed`.
    pub outcome: String,
    pub attempted_on: String,
    pub served_on: Option<String>,
    pub received_by: String,
    pub address: String,
    pub tracking_number: String,
    pub failure_reason: String,
    pub witness: String,
    pub medium: String,
    pub consent: i64,
    pub proof_item_id: Option<i64>,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    pub link_token_sha256: Option<String>,
    pub link_opened_at: Option<i64>,
    pub confirmed_at: Option<i64>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub created_at: i64,
}

/// An attempt to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServiceAttempt {
    pub task_id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub document_id: i64,
    pub method: String,
    pub outcome: String,
    pub attempted_on: String,
    pub served_on: Option<String>,
    pub received_by: String,
    pub address: String,
    pub tracking_number: String,
    pub failure_reason: String,
    pub witness: String,
    pub medium: String,
    pub consent: bool,
    pub proof_item_id: Option<i64>,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    pub link_token_sha256: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
}

/// The result of a `sent` attempt: every column it sets, as it should read afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    /// `served` or `failed`.
    pub outcome: String,
    pub served_on: Option<String>,
    pub received_by: String,
    pub witness: String,
    pub failure_reason: String,
    pub proof_item_id: Option<i64>,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    /// When the recipient confirmed receipt on the platform.
    pub confirmed_at: Option<i64>,
}

const TASK_COLUMNS: &str = "t.id, t.court_id, t.case_id, t.document_id, t.party_id, \
     t.recipient_name, t.recipient_role, t.status, t.version, t.attempts, t.last_method, \
     t.last_failure, t.served_on, t.batch_id, t.created_at, t.updated_at";

const LIST_JOIN: &str = "c.case_number, c.officer_id, d.kind AS document_kind, \
     d.status AS document_status, d.number AS document_number, d.issued_on \
     FROM service_tasks t JOIN cases c ON c.id = t.case_id JOIN documents d ON d.id = t.document_id";

const ATTEMPT_COLUMNS: &str = "id, task_id, court_id, case_id, document_id, method, outcome, \
     attempted_on, served_on, received_by, address, tracking_number, failure_reason, witness, \
     medium, consent, proof_item_id, provider, provider_ref, link_token_sha256, link_opened_at, \
     confirmed_at, recorded_by, recorded_by_name, created_at";

impl Store {
    /// A court's tasks in the given statuses, oldest first, after `after_id` (keyset paging
    /// on `service_tasks_queue`): the routine-work team's list.
    pub async fn service_queue(
        &self,
        court_id: i64,
        statuses: &[&str],
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<ServiceTaskListRow>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT {TASK_COLUMNS}, {LIST_JOIN} WHERE t.court_id = $1 AND t.id > $2 \
             AND t.status IN ({}) ORDER BY t.id LIMIT ${}",
            marks.join(", "),
            statuses.len() + 3
        );
        let mut q = sqlx::query_as(&sql).bind(court_id).bind(after_id);
        for s in statuses {
            q = q.bind(*s);
        }
        Ok(q.bind(limit).fetch_all(&self.read).await?)
    }

    /// How many of a court's tasks are in each status.
    pub async fn service_queue_counts(&self, court_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, COUNT(*) FROM service_tasks WHERE court_id = $1 GROUP BY status",
        )
        .bind(court_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// A case's tasks, oldest first.
    pub async fn case_service_tasks(&self, case_id: i64) -> StoreResult<Vec<ServiceTaskListRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {TASK_COLUMNS}, {LIST_JOIN} WHERE t.case_id = $1 ORDER BY t.id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn service_task(&self, id: i64) -> StoreResult<Option<ServiceTaskListRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {TASK_COLUMNS}, {LIST_JOIN} WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A task's attempts, oldest first.
    pub async fn service_attempts(&self, task_id: i64) -> StoreResult<Vec<ServiceAttemptRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM service_attempts WHERE task_id = $1 ORDER BY id"
        ))
        .bind(task_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn service_attempt(&self, id: i64) -> StoreResult<Option<ServiceAttemptRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM service_attempts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// The attempt an electronic link belongs to, by the SHA-256 of its token.
    pub async fn service_attempt_by_link(
        &self,
        token_sha256: &str,
    ) -> StoreResult<Option<ServiceAttemptRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM service_attempts WHERE link_token_sha256 = $1"
        ))
        .bind(token_sha256)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Notes the first opening of a link (its own small write, like the dossier access log).
    pub async fn mark_service_link_opened(&self, attempt_id: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE service_attempts SET link_opened_at = $1 \
             WHERE id = $2 AND link_opened_at IS NULL",
        )
        .bind(crate::now_ms())
        .bind(attempt_id)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}

impl WriteTx {
    /// A task read for changing: a no-op update first takes its row lock (PostgreSQL) or the
    /// write lock (SQLite), so the compare-and-set that follows sees the latest version.
    pub async fn service_task_for_update(
        &mut self,
        id: i64,
    ) -> StoreResult<Option<ServiceTaskRow>> {
        sqlx::query("UPDATE service_tasks SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(sqlx::query_as(&format!(
            "SELECT {TASK_COLUMNS} FROM service_tasks t WHERE t.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Writes the mutable columns of `t` if the row is still at `t.version`; the stored
    /// version becomes `t.version + 1`. False when someone changed it first.
    pub async fn save_service_task(&mut self, t: &ServiceTaskRow) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE service_tasks SET status = $1, version = version + 1, attempts = $2, \
             last_method = $3, last_failure = $4, served_on = $5, updated_at = $6 \
             WHERE id = $7 AND version = $8",
        )
        .bind(&t.status)
        .bind(t.attempts)
        .bind(&t.last_method)
        .bind(&t.last_failure)
        .bind(&t.served_on)
        .bind(self.now)
        .bind(t.id)
        .bind(t.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn insert_service_attempt(&mut self, a: &NewServiceAttempt) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO service_attempts (task_id, court_id, case_id, document_id, method, \
             outcome, attempted_on, served_on, received_by, address, tracking_number, \
             failure_reason, witness, medium, consent, proof_item_id, provider, provider_ref, \
             link_token_sha256, recorded_by, recorded_by_name, created_at) VALUES ($1, $2, $3, \
             $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
             $22) RETURNING id",
        )
        .bind(a.task_id)
        .bind(a.court_id)
        .bind(a.case_id)
        .bind(a.document_id)
        .bind(&a.method)
        .bind(&a.outcome)
        .bind(&a.attempted_on)
        .bind(&a.served_on)
        .bind(&a.received_by)
        .bind(&a.address)
        .bind(&a.tracking_number)
        .bind(&a.failure_reason)
        .bind(&a.witness)
        .bind(&a.medium)
        .bind(i64::from(a.consent))
        .bind(a.proof_item_id)
        .bind(&a.provider)
        .bind(&a.provider_ref)
        .bind(&a.link_token_sha256)
        .bind(a.recorded_by)
        .bind(&a.recorded_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn service_attempt_in_tx(
        &mut self,
        id: i64,
    ) -> StoreResult<Option<ServiceAttemptRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM service_attempts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Gives a `sent` attempt its result. False when it already has one.
    pub async fn complete_service_attempt(
        &mut self,
        id: i64,
        r: &AttemptResult,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE service_attempts SET outcome = $1, served_on = $2, received_by = $3, \
             witness = $4, failure_reason = $5, proof_item_id = $6, provider = $7, \
             provider_ref = $8, confirmed_at = $9 WHERE id = $10 AND outcome = 'sent'",
        )
        .bind(&r.outcome)
        .bind(&r.served_on)
        .bind(&r.received_by)
        .bind(&r.witness)
        .bind(&r.failure_reason)
        .bind(r.proof_item_id)
        .bind(&r.provider)
        .bind(&r.provider_ref)
        .bind(r.confirmed_at)
        .bind(id)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Records which provider took an electronic message whose attempt stays `sent` (the
    /// platform's notice: service happens when the recipient confirms).
    pub async fn set_service_attempt_provider(
        &mut self,
        id: i64,
        provider: &str,
        provider_ref: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE service_attempts SET provider = $1, provider_ref = $2 WHERE id = $3")
            .bind(provider)
            .bind(provider_ref)
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The (document kind, party) pairs of a case served so far.
    pub async fn served_pairs_in_tx(&mut self, case_id: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT d.kind, t.party_id FROM service_tasks t \
             JOIN documents d ON d.id = t.document_id \
             WHERE t.case_id = $1 AND t.status = 'served'",
        )
        .bind(case_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// The party ids of a case's debtors.
    pub async fn case_debtor_ids_in_tx(&mut self, case_id: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT party_id FROM case_parties WHERE case_id = $1 AND role = 'debtor' \
             ORDER BY position",
        )
        .bind(case_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Whether the case's history holds an event of this kind.
    pub async fn case_has_event_in_tx(&mut self, case_id: i64, kind: &str) -> StoreResult<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE case_id = $1 AND kind = $2")
                .bind(case_id)
                .bind(kind)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(n > 0)
    }
}
