//! Teams and assignment (分案): who is on leave today, the cases an officer holds, and
//! deactivating an account when an officer leaves.

use sqlx::Row;

use crate::db::{Store, StoreError, StoreResult};
use crate::write::WriteTx;

/// A case an officer holds: open, or closed as 终本 (still followed up by its holder).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HeldCaseRow {
    pub id: i64,
    pub case_number: String,
    pub case_type: String,
    pub stage: String,
    pub closing_mode: Option<String>,
    pub team_id: Option<i64>,
    pub version: i64,
}

impl Store {
    /// Users of a court on leave on `date` (YYYY-MM-DD, Asia/Shanghai).
    pub async fn users_on_leave(&self, court_id: i64, date: &str) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT user_id FROM staff_leave WHERE court_id = $1 AND leave_date = $2 ORDER BY user_id",
        )
        .bind(court_id)
        .bind(date)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The cases an officer holds: every open case and every 终本 case, by case id.
    pub async fn cases_held_by(&self, officer_id: i64) -> StoreResult<Vec<HeldCaseRow>> {
        Ok(sqlx::query_as(
            "SELECT id, case_number, case_type, stage, closing_mode, team_id, version FROM cases \
             WHERE officer_id = $1 AND (stage NOT IN ('closed', 'archived') \
             OR (stage = 'closed' AND closing_mode = 'dormant')) ORDER BY id",
        )
        .bind(officer_id)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Marks an active user inactive; refuses (conflict) if the user is already inactive.
    pub async fn deactivate_user(&mut self, user_id: i64) -> StoreResult<()> {
        let done = sqlx::query("UPDATE users SET active = 0 WHERE id = $1 AND active = 1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "该账号已停用 / the account is already deactivated".into(),
            ));
        }
        Ok(())
    }
}
