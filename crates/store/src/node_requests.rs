//! Unlock and extension requests (解锁申请、延长执行期限申请) and their decisions. At most one
//! request per case is pending at a time (a partial unique index); a decision changes a row
//! only while it is still pending, so two approvers clicking at once cannot both decide it.

use sqlx::{Any, Executor};

use crate::db::{Store, StoreError, StoreResult};
use crate::write::WriteTx;

/// One request as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NodeRequestRow {
    pub id: i64,
    /// The case's court.
    pub court_id: i64,
    pub case_id: i64,
    pub node_instance_id: i64,
    /// `unlock` or `extension`.
    pub kind: String,
    /// The decision level's key (`bureau_chief`, `president`, `intermediate_court`,
    /// `high_court`).
    pub level: String,
    /// The court whose user of the level's role decides.
    pub approver_court_id: i64,
    pub requested_by: i64,
    pub reason: String,
    /// The node's due date when the request was made (`YYYY-MM-DD`).
    pub requested_due_on: Option<String>,
    /// For an extension: the months asked for.
    pub requested_months: Option<i64>,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_reason: Option<String>,
    /// The node's due date after an approval.
    pub new_due_on: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// A request with the names and dates a list shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NodeRequestListRow {
    #[sqlx(flatten)]
    pub request: NodeRequestRow,
    pub case_number: String,
    pub court_name: String,
    pub node_key: String,
    /// The node's due date now.
    pub node_due_on: String,
    pub requested_by_name: String,
    pub decided_by_name: Option<String>,
}

/// A request to insert (pending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNodeRequest {
    pub court_id: i64,
    pub case_id: i64,
    pub node_instance_id: i64,
    pub kind: String,
    pub level: String,
    pub approver_court_id: i64,
    pub requested_by: i64,
    pub reason: String,
    pub requested_due_on: Option<String>,
    pub requested_months: Option<i64>,
}

/// A decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRequestDecision {
    pub id: i64,
    /// `approved` or `refused`.
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_reason: Option<String>,
    pub new_due_on: Option<String>,
}

const COLUMNS: &str = "id, court_id, case_id, node_instance_id, kind, level, approver_court_id, \
     requested_by, reason, requested_due_on, requested_months, status, decided_by, decision_reason, \
     new_due_on, created_at, decided_at";

const LIST_SELECT: &str = "SELECT r.id, r.court_id, r.case_id, r.node_instance_id, r.kind, r.level, \
     r.approver_court_id, r.requested_by, r.reason, r.requested_due_on, r.requested_months, r.status, \
     r.decided_by, r.decision_reason, r.new_due_on, r.created_at, r.decided_at, c.case_number, \
     ct.name AS court_name, n.node_key, n.due_on AS node_due_on, u.display_name AS requested_by_name, \
     d.display_name AS decided_by_name \
     FROM node_requests r \
     JOIN cases c ON c.id = r.case_id \
     JOIN courts ct ON ct.id = r.court_id \
     JOIN node_instances n ON n.id = r.node_instance_id \
     JOIN users u ON u.id = r.requested_by \
     LEFT JOIN users d ON d.id = r.decided_by";

/// One request, read through `db` (the read pool or a write transaction).
async fn request_by_id<'e>(
    db: impl Executor<'e, Database = Any>,
    id: i64,
) -> StoreResult<Option<NodeRequestRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM node_requests WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// The payload (canonical JSON text) of the case's latest lock event, if any.
async fn last_lock_payload<'e>(
    db: impl Executor<'e, Database = Any>,
    case_id: i64,
) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT payload FROM events WHERE case_id = $1 AND kind = 'case_locked' \
         ORDER BY occurred_at DESC, id DESC LIMIT 1",
    )
    .bind(case_id)
    .fetch_optional(db)
    .await?)
}

impl Store {
    /// One request.
    pub async fn node_request(&self, id: i64) -> StoreResult<Option<NodeRequestRow>> {
        request_by_id(&self.read, id).await
    }

    /// A case's requests, newest first.
    pub async fn node_requests_of_case(
        &self,
        case_id: i64,
    ) -> StoreResult<Vec<NodeRequestListRow>> {
        Ok(sqlx::query_as(&format!(
            "{LIST_SELECT} WHERE r.case_id = $1 ORDER BY r.created_at DESC, r.id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// The requests an approving court decides at the given levels, with the given status
    /// (`None`: any), oldest first for pending work and newest first otherwise; at most
    /// `limit`.
    pub async fn node_requests_for_approver(
        &self,
        approver_court_id: i64,
        levels: &[&str],
        status: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<NodeRequestListRow>> {
        if levels.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!("{LIST_SELECT} WHERE r.approver_court_id = $1 AND r.level IN (");
        for i in 0..levels.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i + 2));
        }
        sql.push(')');
        let next = levels.len() + 2;
        if status.is_some() {
            sql.push_str(&format!(" AND r.status = ${next}"));
        }
        let order = if status == Some("pending") {
            "ASC"
        } else {
            "DESC"
        };
        sql.push_str(&format!(
            " ORDER BY r.created_at {order}, r.id {order} LIMIT ${}",
            if status.is_some() { next + 1 } else { next }
        ));
        let mut q = sqlx::query_as(&sql).bind(approver_court_id);
        for l in levels {
            q = q.bind(*l);
        }
        if let Some(s) = status {
            q = q.bind(s);
        }
        Ok(q.bind(limit).fetch_all(&self.read).await?)
    }

    /// One request with the names a list shows.
    pub async fn node_request_listed(&self, id: i64) -> StoreResult<Option<NodeRequestListRow>> {
        Ok(sqlx::query_as(&format!("{LIST_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    /// How many requests exist (tests compare before and after a refusal).
    pub async fn count_node_requests(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM node_requests")
            .fetch_one(&self.read)
            .await?)
    }
}

impl WriteTx {
    /// One request inside the transaction.
    pub async fn node_request(&mut self, id: i64) -> StoreResult<Option<NodeRequestRow>> {
        request_by_id(&mut *self.tx, id).await
    }

    /// The case's pending request, if any.
    pub async fn pending_node_request(
        &mut self,
        case_id: i64,
    ) -> StoreResult<Option<NodeRequestRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM node_requests WHERE case_id = $1 AND status = 'pending'"
        ))
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Inserts a pending request. A second pending request for the case (a concurrent one) is
    /// a conflict.
    pub async fn insert_node_request(&mut self, r: &NewNodeRequest) -> StoreResult<i64> {
        let res = sqlx::query_scalar(
            "INSERT INTO node_requests (court_id, case_id, node_instance_id, kind, level, approver_court_id, \
             requested_by, reason, requested_due_on, requested_months, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11) RETURNING id",
        )
        .bind(r.court_id)
        .bind(r.case_id)
        .bind(r.node_instance_id)
        .bind(&r.kind)
        .bind(&r.level)
        .bind(r.approver_court_id)
        .bind(r.requested_by)
        .bind(&r.reason)
        .bind(&r.requested_due_on)
        .bind(r.requested_months)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await;
        match res {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StoreError::Conflict(
                "本案已有待审批的申请 / a request for this case is already pending".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Records a decision on a request that is still pending; `false` if it was not (decided
    /// meanwhile), and then nothing changed.
    pub async fn decide_node_request(&mut self, d: &NodeRequestDecision) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE node_requests SET status = $1, decided_by = $2, decision_reason = $3, new_due_on = $4, \
             decided_at = $5 WHERE id = $6 AND status = 'pending'",
        )
        .bind(&d.status)
        .bind(d.decided_by)
        .bind(&d.decision_reason)
        .bind(&d.new_due_on)
        .bind(self.now)
        .bind(d.id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The payload (canonical JSON text) of the case's latest lock event, if any.
    pub async fn last_lock_payload(&mut self, case_id: i64) -> StoreResult<Option<String>> {
        last_lock_payload(&mut *self.tx, case_id).await
    }
}

impl Store {
    /// [`WriteTx::last_lock_payload`] outside a transaction (the case page).
    pub async fn last_lock_payload(&self, case_id: i64) -> StoreResult<Option<String>> {
        last_lock_payload(&self.read, case_id).await
    }
}
