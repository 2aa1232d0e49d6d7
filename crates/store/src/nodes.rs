//! Process-node instances and the overdue bulletin (流程节点、通报). The app turns domain
//! `NodeInstance`s into [`NodeRow`]s; dates are Beijing dates as `YYYY-MM-DD` text.

use sqlx::any::AnyArguments;

use crate::db::{Store, StoreResult};
use crate::write::{bind, push_placeholders, rows_per_insert, WriteTx};

/// One node running on one case. `id` is 0 for a row not yet inserted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NodeRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub node_key: String,
    pub started_on: String,
    pub due_on: String,
    pub warn_on: String,
    pub paused_days: i64,
    pub paused_since: Option<String>,
    pub completed_on: Option<String>,
    pub cancelled_on: Option<String>,
    pub status: String,
    /// The day the scheduler should look at the row again; `None` when nothing more happens
    /// by itself (completed, cancelled, paused, or already overdue).
    pub next_check_on: Option<String>,
}

/// One bulletin entry: a node in warning, overdue, or a case locked because of it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BulletinRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub node_key: String,
    /// `warning`, `overdue` or `locked`.
    pub kind: String,
    pub due_on: String,
    pub created_at: i64,
}

const NODE_COLUMNS: &str =
    "id, court_id, case_id, node_key, started_on, due_on, warn_on, paused_days, paused_since, \
     completed_on, cancelled_on, status, next_check_on";

impl Store {
    /// A case's node instances, oldest first.
    pub async fn case_nodes(&self, case_id: i64) -> StoreResult<Vec<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Up to `limit` rows whose next check has arrived (`next_check_on <= today`), by the index.
    pub async fn nodes_due(&self, today: &str, limit: i64) -> StoreResult<Vec<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances WHERE next_check_on <= $1 ORDER BY next_check_on, id LIMIT $2"
        ))
        .bind(today)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// A court's bulletin entries, newest first.
    pub async fn node_bulletins(&self, court_id: i64) -> StoreResult<Vec<BulletinRow>> {
        Ok(sqlx::query_as(
            "SELECT id, court_id, case_id, node_key, kind, due_on, created_at FROM node_bulletins \
             WHERE court_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(court_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// How many node instances exist, per status: (status, count).
    pub async fn node_status_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, COUNT(*) FROM node_instances GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.read)
        .await?;
        Ok(rows)
    }
}

impl WriteTx {
    /// A case's node instances inside the transaction, oldest first.
    pub async fn case_nodes(&mut self, case_id: i64) -> StoreResult<Vec<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// One instance inside the transaction, to check it was not changed since it was read.
    pub async fn node_by_id(&mut self, id: i64) -> StoreResult<Option<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Inserts a new instance; returns its id.
    pub async fn insert_node(&mut self, n: &NodeRow) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO node_instances (court_id, case_id, node_key, started_on, due_on, warn_on, paused_days, paused_since, \
             completed_on, cancelled_on, status, next_check_on, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(n.court_id)
        .bind(n.case_id)
        .bind(&n.node_key)
        .bind(&n.started_on)
        .bind(&n.due_on)
        .bind(&n.warn_on)
        .bind(n.paused_days)
        .bind(&n.paused_since)
        .bind(&n.completed_on)
        .bind(&n.cancelled_on)
        .bind(&n.status)
        .bind(&n.next_check_on)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Writes an instance's changing fields (by `id`).
    pub async fn update_node(&mut self, n: &NodeRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE node_instances SET due_on = $1, warn_on = $2, paused_days = $3, paused_since = $4, completed_on = $5, \
             cancelled_on = $6, status = $7, next_check_on = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(&n.due_on)
        .bind(&n.warn_on)
        .bind(n.paused_days)
        .bind(&n.paused_since)
        .bind(&n.completed_on)
        .bind(&n.cancelled_on)
        .bind(&n.status)
        .bind(&n.next_check_on)
        .bind(self.now)
        .bind(n.id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Inserts a new instance or updates an existing one (`id` 0 means new).
    pub async fn save_node(&mut self, n: &NodeRow) -> StoreResult<i64> {
        if n.id == 0 {
            self.insert_node(n).await
        } else {
            self.update_node(n).await?;
            Ok(n.id)
        }
    }

    pub async fn insert_bulletin(
        &mut self,
        court_id: i64,
        case_id: i64,
        node_key: &str,
        kind: &str,
        due_on: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO node_bulletins (court_id, case_id, node_key, kind, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(court_id)
        .bind(case_id)
        .bind(node_key)
        .bind(kind)
        .bind(due_on)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Multi-row insert of new instances (demo data and imports); ids are assigned by the
    /// database.
    pub async fn insert_nodes_bulk(&mut self, nodes: &[NodeRow]) -> StoreResult<()> {
        const N: usize = 13;
        for chunk in nodes.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO node_instances (court_id, case_id, node_key, started_on, due_on, warn_on, paused_days, paused_since, \
                 completed_on, cancelled_on, status, next_check_on, updated_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, n) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, n.court_id)?;
                bind(&mut args, n.case_id)?;
                bind(&mut args, n.node_key.clone())?;
                bind(&mut args, n.started_on.clone())?;
                bind(&mut args, n.due_on.clone())?;
                bind(&mut args, n.warn_on.clone())?;
                bind(&mut args, n.paused_days)?;
                bind(&mut args, n.paused_since.clone())?;
                bind(&mut args, n.completed_on.clone())?;
                bind(&mut args, n.cancelled_on.clone())?;
                bind(&mut args, n.status.clone())?;
                bind(&mut args, n.next_check_on.clone())?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}
