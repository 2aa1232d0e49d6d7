//! The routine-work team's queue (事务集约) and its batches. The queue is the cases whose
//! notice node is still open and that have no notice in the works, most urgent first, read from
//! the partial index `node_instances_court_key_open`; a batch remembers its items so progress
//! can be shown and an interrupted batch resumed.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

/// A case waiting for its notice and asset-report order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoutineQueueRow {
    pub case_id: i64,
    pub case_number: String,
    pub filed_at: i64,
    pub claim_fen: i64,
    pub applicant_names: String,
    pub debtor_names: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub officer_name: Option<String>,
    pub locked: i64,
    /// The notice node's due date and status.
    pub due_on: String,
    pub node_status: String,
    pub node_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoutineBatchRow {
    pub id: i64,
    pub court_id: i64,
    /// `draft` (cases → documents) or `approve` (documents → issued).
    pub action: String,
    /// `running`, `done`, `interrupted`.
    pub status: String,
    /// Comma-separated document kinds a draft batch makes.
    pub kinds: String,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    /// For an approval batch: the draft batch whose documents it approves.
    pub source_batch_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoutineBatchItemRow {
    pub batch_id: i64,
    pub target_id: i64,
    pub position: i64,
    /// `queued`, `done`, `failed`.
    pub status: String,
    pub message: String,
}

/// A failed item with what names it: the case (draft batches) or the document and its case
/// (approval batches), only when they belong to the batch's court.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoutineFailureRow {
    pub target_id: i64,
    pub message: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    /// The document's kind key (approval batches).
    pub doc_kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRoutineBatch {
    pub court_id: i64,
    pub action: String,
    pub kinds: String,
    pub source_batch_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_by_name: String,
}

const QUEUE_FROM: &str = "FROM node_instances n JOIN cases c ON c.id = n.case_id \
     LEFT JOIN users u ON u.id = c.officer_id \
     WHERE n.court_id = $1 AND n.node_key = 'issue_notice' \
     AND n.completed_on IS NULL AND n.cancelled_on IS NULL \
     AND ($2 = 0 OR c.team_id = $2) \
     AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = n.case_id \
     AND d.kind = 'notice' AND d.status <> 'withdrawn')";

const BATCH_COLUMNS: &str = "id, court_id, action, status, kinds, total, done, failed, \
     source_batch_id, created_by, created_by_name, created_at, updated_at, finished_at";

impl Store {
    /// One page of the queue after the (due date, node id) key; `team_id` 0 means every team.
    pub async fn routine_queue(
        &self,
        court_id: i64,
        team_id: i64,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<RoutineQueueRow>> {
        let (after_due, after_id) = after.unwrap_or(("", 0));
        Ok(sqlx::query_as(&format!(
            "SELECT c.id AS case_id, c.case_number, c.filed_at, c.claim_fen, c.applicant_names, \
             c.debtor_names, c.team_id, c.officer_id, u.display_name AS officer_name, c.locked, \
             n.due_on, n.status AS node_status, n.id AS node_id {QUEUE_FROM} \
             AND (n.due_on > $3 OR (n.due_on = $3 AND n.id > $4)) \
             ORDER BY n.due_on, n.id LIMIT $5"
        ))
        .bind(court_id)
        .bind(team_id)
        .bind(after_due)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn routine_queue_count(&self, court_id: i64, team_id: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) {QUEUE_FROM}"))
            .bind(court_id)
            .bind(team_id)
            .fetch_one(&self.read)
            .await?)
    }

    /// The first `limit` cases of the queue, for "select all".
    pub async fn routine_queue_ids(
        &self,
        court_id: i64,
        team_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT c.id {QUEUE_FROM} ORDER BY n.due_on, n.id LIMIT $3"
        ))
        .bind(court_id)
        .bind(team_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn routine_batch(&self, id: i64) -> StoreResult<Option<RoutineBatchRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {BATCH_COLUMNS} FROM routine_batches WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A court's latest batches.
    pub async fn routine_batches(
        &self,
        court_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<RoutineBatchRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {BATCH_COLUMNS} FROM routine_batches WHERE court_id = $1 \
             ORDER BY id DESC LIMIT $2"
        ))
        .bind(court_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Items of a batch in one status, in their order.
    pub async fn routine_batch_items(
        &self,
        batch_id: i64,
        status: &str,
        limit: i64,
    ) -> StoreResult<Vec<RoutineBatchItemRow>> {
        Ok(sqlx::query_as(
            "SELECT batch_id, target_id, position, status, message FROM routine_batch_items \
             WHERE batch_id = $1 AND status = $2 ORDER BY position LIMIT $3",
        )
        .bind(batch_id)
        .bind(status)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// A batch's failed items in their order, named in one query.
    pub async fn routine_failures(
        &self,
        batch: &RoutineBatchRow,
        limit: i64,
    ) -> StoreResult<Vec<RoutineFailureRow>> {
        let sql = if batch.action == "draft" {
            "SELECT i.target_id, i.message, c.id AS case_id, c.case_number, \
             CAST(NULL AS TEXT) AS doc_kind FROM routine_batch_items i \
             LEFT JOIN cases c ON c.id = i.target_id AND c.court_id = $2 \
             WHERE i.batch_id = $1 AND i.status = 'failed' ORDER BY i.position LIMIT $3"
        } else {
            "SELECT i.target_id, i.message, c.id AS case_id, c.case_number, d.kind AS doc_kind \
             FROM routine_batch_items i \
             LEFT JOIN documents d ON d.id = i.target_id AND d.court_id = $2 \
             LEFT JOIN cases c ON c.id = d.case_id \
             WHERE i.batch_id = $1 AND i.status = 'failed' ORDER BY i.position LIMIT $3"
        };
        Ok(sqlx::query_as(sql)
            .bind(batch.id)
            .bind(batch.court_id)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    /// Batches left `running` with no progress since `before_ms` (the process stopped).
    pub async fn stalled_routine_batches(&self, before_ms: i64) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM routine_batches WHERE status = 'running' AND updated_at < $1",
        )
        .bind(before_ms)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// A new running batch with its items queued in the given order.
    pub async fn insert_routine_batch(
        &mut self,
        b: &NewRoutineBatch,
        targets: &[i64],
    ) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO routine_batches (court_id, action, status, kinds, total, done, failed, \
             source_batch_id, created_by, created_by_name, created_at, updated_at) \
             VALUES ($1, $2, 'running', $3, $4, 0, 0, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(b.court_id)
        .bind(&b.action)
        .bind(&b.kinds)
        .bind(targets.len() as i64)
        .bind(b.source_batch_id)
        .bind(b.created_by)
        .bind(&b.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?;
        for (c, chunk) in targets.chunks(200).enumerate() {
            let mut sql = String::from(
                "INSERT INTO routine_batch_items (batch_id, target_id, position, status, message) \
                 VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "($1, ${}, ${}, 'queued', '')",
                    2 * i + 2,
                    2 * i + 3
                ));
            }
            let mut q = sqlx::query(&sql).bind(id);
            let start = c * 200;
            for (i, t) in chunk.iter().enumerate() {
                q = q.bind(*t).bind((start + i + 1) as i64);
            }
            q.execute(&mut *self.tx).await?;
        }
        Ok(id)
    }

    /// Records the result of items and moves the batch's counters.
    pub async fn finish_routine_items(
        &mut self,
        batch_id: i64,
        results: &[(i64, bool, String)],
    ) -> StoreResult<()> {
        let mut done = 0i64;
        let mut failed = 0i64;
        for (target, ok, message) in results {
            let n = sqlx::query(
                "UPDATE routine_batch_items SET status = $1, message = $2 \
                 WHERE batch_id = $3 AND target_id = $4 AND status = 'queued'",
            )
            .bind(if *ok { "done" } else { "failed" })
            .bind(message)
            .bind(batch_id)
            .bind(*target)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
            if n == 1 {
                if *ok {
                    done += 1;
                } else {
                    failed += 1;
                }
            }
        }
        sqlx::query(
            "UPDATE routine_batches SET done = done + $1, failed = failed + $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(done)
        .bind(failed)
        .bind(self.now)
        .bind(batch_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Sets a batch's status (`running` again on resume; `done` / `interrupted`).
    pub async fn set_routine_batch_status(
        &mut self,
        batch_id: i64,
        status: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE routine_batches SET status = $1, updated_at = $2, \
             finished_at = CASE WHEN $1 = 'done' THEN $2 ELSE NULL END WHERE id = $3",
        )
        .bind(status)
        .bind(self.now)
        .bind(batch_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// A batch's documents still in one status (for approving what a draft batch made).
    pub async fn batch_documents(
        &self,
        batch_id: i64,
        status: &str,
    ) -> StoreResult<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, approval_level FROM documents WHERE batch_id = $1 AND status = $2 \
             ORDER BY id",
        )
        .bind(batch_id)
        .bind(status)
        .fetch_all(&self.read)
        .await?)
    }
}
