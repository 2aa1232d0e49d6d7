//! Users' inboxes (待办提醒). Notifications are written inside the transaction of whatever
//! caused them, so a warning or a decision and its notice land together or not at all.

use sqlx::any::AnyArguments;

use crate::db::{Store, StoreResult};
use crate::write::{bind, push_placeholders, rows_per_insert, WriteTx};

/// A notification to write. `kind` is a stable key (`node_warning`, `node_overdue`,
/// `case_locked`, `unlock_requested`, `unlock_approved`, `unlock_refused`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: i64,
    pub court_id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub court_id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

const COLUMNS: &str =
    "id, user_id, court_id, case_id, kind, title_zh, title_en, created_at, read_at";

impl Store {
    /// A user's notifications, newest first (`unread_only` for the badge list).
    pub async fn notifications(
        &self,
        user_id: i64,
        unread_only: bool,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<NotificationRow>> {
        let unread = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE user_id = $1{unread} \
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?)
    }

    /// How many of a user's notifications are unread.
    pub async fn unread_notifications(&self, user_id: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Writes notifications in multi-row statements.
    pub async fn insert_notifications(&mut self, items: &[NewNotification]) -> StoreResult<()> {
        const N: usize = 7;
        for chunk in items.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO notifications (user_id, court_id, case_id, kind, title_zh, title_en, created_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, n) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, n.user_id)?;
                bind(&mut args, n.court_id)?;
                bind(&mut args, n.case_id)?;
                bind(&mut args, n.kind.clone())?;
                bind(&mut args, n.title_zh.clone())?;
                bind(&mut args, n.title_en.clone())?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Marks a user's notifications read (`ids` empty: all of them). Only the user's own rows
    /// change; returns how many.
    pub async fn mark_notifications_read(&mut self, user_id: i64, ids: &[i64]) -> StoreResult<u64> {
        let mut args = AnyArguments::default();
        bind(&mut args, self.now)?;
        bind(&mut args, user_id)?;
        let mut sql = String::from(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        );
        if !ids.is_empty() {
            sql.push_str(" AND id IN (");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", i + 3));
                bind(&mut args, *id)?;
            }
            sql.push(')');
        }
        Ok(sqlx::query_with(&sql, args)
            .execute(&mut *self.tx)
            .await?
            .rows_affected())
    }
}
