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
    /// Months added by approved extensions.
    pub extension_months: i64,
    /// The deadline an unlock approval set, replacing the computed due date.
    pub deadline_override: Option<String>,
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
     completed_on, cancelled_on, status, next_check_on, extension_months, deadline_override";

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
             completed_on, cancelled_on, status, next_check_on, updated_at, extension_months, deadline_override) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
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
        .bind(n.extension_months)
        .bind(&n.deadline_override)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Writes an instance's changing fields (by `id`).
    pub async fn update_node(&mut self, n: &NodeRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE node_instances SET due_on = $1, warn_on = $2, paused_days = $3, paused_since = $4, completed_on = $5, \
             cancelled_on = $6, status = $7, next_check_on = $8, updated_at = $9, extension_months = $10, \
             deadline_override = $11 WHERE id = $12",
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
        .bind(n.extension_months)
        .bind(&n.deadline_override)
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
        const N: usize = 15;
        for chunk in nodes.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO node_instances (court_id, case_id, node_key, started_on, due_on, warn_on, paused_days, paused_since, \
                 completed_on, cancelled_on, status, next_check_on, updated_at, extension_months, deadline_override) VALUES ",
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
                bind(&mut args, n.extension_months)?;
                bind(&mut args, n.deadline_override.clone())?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

/// New dates of an open instance after its court changed its node definitions or calendar.
/// Written only if the row is still as it was read (`was_*`), so a case command that changed
/// it meanwhile keeps its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeReschedule {
    pub id: i64,
    pub due_on: String,
    pub warn_on: String,
    pub status: String,
    pub next_check_on: Option<String>,
    pub was_due_on: String,
    pub was_status: String,
    pub was_paused_days: i64,
}

const OPEN_NODES_OF_COURT: &str =
    "WHERE court_id = $1 AND completed_on IS NULL AND cancelled_on IS NULL AND id > $2 \
     ORDER BY id LIMIT $3";

impl Store {
    /// Up to `limit` open instances of a court with ids above `after_id`, in id order (by the
    /// partial index `node_instances_court_open`).
    pub async fn open_nodes_of_court(
        &self,
        court_id: i64,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances {OPEN_NODES_OF_COURT}"
        ))
        .bind(court_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// (id, case number) of the given cases.
    pub async fn case_numbers(&self, case_ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = AnyArguments::default();
        let mut list = String::new();
        for (i, id) in case_ids.iter().enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            list.push_str(&format!("${}", i + 1));
            bind(&mut args, *id)?;
        }
        Ok(sqlx::query_as_with(
            &format!("SELECT id, case_number FROM cases WHERE id IN ({list})"),
            args,
        )
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// [`Store::open_nodes_of_court`] inside the transaction.
    pub async fn open_nodes_of_court(
        &mut self,
        court_id: i64,
        after_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<NodeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NODE_COLUMNS} FROM node_instances {OPEN_NODES_OF_COURT}"
        ))
        .bind(court_id)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Writes new dates in multi-row statements; returns how many rows were still as read and
    /// were updated.
    pub async fn reschedule_nodes(&mut self, rows: &[NodeReschedule]) -> StoreResult<u64> {
        const N: usize = 8;
        let mut updated = 0;
        for chunk in rows.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "WITH v (id, due_on, warn_on, status, next_check_on, was_due_on, was_status, was_paused_days) AS (VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, r.id)?;
                bind(&mut args, r.due_on.clone())?;
                bind(&mut args, r.warn_on.clone())?;
                bind(&mut args, r.status.clone())?;
                bind(&mut args, r.next_check_on.clone())?;
                bind(&mut args, r.was_due_on.clone())?;
                bind(&mut args, r.was_status.clone())?;
                bind(&mut args, r.was_paused_days)?;
            }
            let p = |k: usize| match self.engine {
                crate::db::Engine::Sqlite => "?".to_string(),
                crate::db::Engine::Postgres => format!("${}", chunk.len() * N + k),
            };
            let (now, lo, hi) = (p(1), p(2), p(3));
            bind(&mut args, self.now)?;
            bind(&mut args, chunk.iter().map(|r| r.id).min().unwrap_or(0))?;
            bind(&mut args, chunk.iter().map(|r| r.id).max().unwrap_or(0))?;
            // The id range lets PostgreSQL reach the rows by the primary key even before the
            // table has statistics (it would otherwise scan the table once per chunk). A row
            // completed, cancelled, paused or resumed meanwhile has another status or due date.
            sql.push_str(&format!(
                ") UPDATE node_instances SET due_on = v.due_on, warn_on = v.warn_on, status = v.status, \
                 next_check_on = v.next_check_on, updated_at = {now} FROM v \
                 WHERE node_instances.id BETWEEN {lo} AND {hi} AND node_instances.id = v.id \
                 AND node_instances.due_on = v.was_due_on AND node_instances.status = v.was_status \
                 AND node_instances.paused_days = v.was_paused_days"
            ));
            updated += sqlx::query_with(&sql, args)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
        }
        Ok(updated)
    }
}
