//! Staff leave and the reception window's weekly duty roster (值班表).
//!
//! Dates are stored as `YYYY-MM-DD` text, which sorts and compares like the dates themselves on
//! both engines. A week is one `roster_weeks` row (slots per day, the 24-hour duty phone and a
//! version for optimistic edits) plus its `roster_entries`; saving replaces the entries.

use sqlx::Row;

use crate::db::{Store, StoreError, StoreResult};
use crate::rows::UserRow;
use crate::write::WriteTx;

/// One day of leave, with the person's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeaveRow {
    pub user_id: i64,
    pub court_id: i64,
    pub leave_date: String,
    pub reason: String,
    pub display_name: String,
    pub created_at: i64,
}

/// How a saved week is staffed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RosterWeekRow {
    pub court_id: i64,
    pub week_start: String,
    pub slots_per_day: i64,
    pub duty_phone: String,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
}

/// One staffed slot: `slot` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RosterEntryRow {
    pub duty_date: String,
    pub slot: i64,
    pub user_id: i64,
    pub name: String,
}

/// The roles that never staff the reception window: administrators, supervisors, the bureau
/// chief and the court president. Every other active member of the court (reception officers, clerks, officers, judges,
/// team leaders — the 干警 of the seed's "每名干警每周至少值班一次") is on the roster.
pub const ROSTER_EXCLUDED_ROLES: [&str; 4] =
    ["administrator", "supervisor", "bureau_chief", "president"];

impl Store {
    /// The court's leave on days from `from` to `to` (inclusive), by date then person.
    pub async fn leave_between(
        &self,
        court_id: i64,
        from: &str,
        to: &str,
    ) -> StoreResult<Vec<LeaveRow>> {
        Ok(sqlx::query_as(
            "SELECT l.user_id, l.court_id, l.leave_date, l.reason, u.display_name, l.created_at \
             FROM staff_leave l JOIN users u ON u.id = l.user_id \
             WHERE l.court_id = $1 AND l.leave_date >= $2 AND l.leave_date <= $3 \
             ORDER BY l.leave_date, l.user_id",
        )
        .bind(court_id)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    /// The saved week, if any, with its entries sorted by date and slot.
    pub async fn roster_week(
        &self,
        court_id: i64,
        week_start: &str,
    ) -> StoreResult<Option<(RosterWeekRow, Vec<RosterEntryRow>)>> {
        let week: Option<RosterWeekRow> = sqlx::query_as(
            "SELECT court_id, week_start, slots_per_day, duty_phone, version, updated_at, updated_by \
             FROM roster_weeks WHERE court_id = $1 AND week_start = $2",
        )
        .bind(court_id)
        .bind(week_start)
        .fetch_optional(&self.read)
        .await?;
        let Some(week) = week else {
            return Ok(None);
        };
        let entries = sqlx::query_as(
            "SELECT duty_date, slot, user_id, name FROM roster_entries \
             WHERE court_id = $1 AND week_start = $2 ORDER BY duty_date, slot",
        )
        .bind(court_id)
        .bind(week_start)
        .fetch_all(&self.read)
        .await?;
        Ok(Some((week, entries)))
    }

    /// The duty phone of the court's latest saved week before or at `week_start`, to offer
    /// again for a new week.
    pub async fn latest_duty_phone(
        &self,
        court_id: i64,
        week_start: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT duty_phone FROM roster_weeks WHERE court_id = $1 AND week_start <= $2 \
             ORDER BY week_start DESC LIMIT 1",
        )
        .bind(court_id)
        .bind(week_start)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Slots per person on duty days from `from` (inclusive) to `before` (exclusive): the
    /// previous weeks' counts that rotate this week's extra slots.
    pub async fn roster_counts_between(
        &self,
        court_id: i64,
        from: &str,
        before: &str,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT user_id, COUNT(*) FROM roster_entries \
             WHERE court_id = $1 AND duty_date >= $2 AND duty_date < $3 GROUP BY user_id",
        )
        .bind(court_id)
        .bind(from)
        .bind(before)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The court's active staff who take reception slots (see [`ROSTER_EXCLUDED_ROLES`]), by id.
    pub async fn roster_officers(&self, court_id: i64) -> StoreResult<Vec<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, court_id, team_id, username, display_name, role, password_hash, active FROM users \
             WHERE court_id = $1 AND active = 1 AND role NOT IN ($2, $3, $4, $5) ORDER BY id",
        )
        .bind(court_id)
        .bind(ROSTER_EXCLUDED_ROLES[0])
        .bind(ROSTER_EXCLUDED_ROLES[1])
        .bind(ROSTER_EXCLUDED_ROLES[2])
        .bind(ROSTER_EXCLUDED_ROLES[3])
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Records a day of leave; `false` if the person already has leave that day.
    pub async fn insert_leave(
        &mut self,
        court_id: i64,
        user_id: i64,
        date: &str,
        reason: &str,
        created_by: Option<i64>,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO staff_leave (user_id, court_id, leave_date, reason, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, leave_date) DO NOTHING",
        )
        .bind(user_id)
        .bind(court_id)
        .bind(date)
        .bind(reason)
        .bind(self.now)
        .bind(created_by)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Removes a day of leave; `false` if there was none.
    pub async fn delete_leave(
        &mut self,
        court_id: i64,
        user_id: i64,
        date: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM staff_leave WHERE court_id = $1 AND user_id = $2 AND leave_date = $3",
        )
        .bind(court_id)
        .bind(user_id)
        .bind(date)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Saves a week's roster if nobody saved it since `expected_version` (0 = never saved):
    /// the week row first (which serialises concurrent saves), then the entries replaced.
    /// Returns the new version.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_roster_week(
        &mut self,
        court_id: i64,
        week_start: &str,
        slots_per_day: i64,
        duty_phone: &str,
        entries: &[RosterEntryRow],
        expected_version: i64,
        user_id: Option<i64>,
    ) -> StoreResult<i64> {
        let done = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO roster_weeks (court_id, week_start, slots_per_day, duty_phone, version, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (court_id, week_start) DO NOTHING",
            )
            .bind(court_id)
            .bind(week_start)
            .bind(slots_per_day)
            .bind(duty_phone)
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?
        } else {
            sqlx::query(
                "UPDATE roster_weeks SET slots_per_day = $1, duty_phone = $2, version = version + 1, \
                 updated_at = $3, updated_by = $4 WHERE court_id = $5 AND week_start = $6 AND version = $7",
            )
            .bind(slots_per_day)
            .bind(duty_phone)
            .bind(self.now)
            .bind(user_id)
            .bind(court_id)
            .bind(week_start)
            .bind(expected_version)
            .execute(&mut *self.tx)
            .await?
        };
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "值班表已被他人修改，请刷新后重试 / the roster was changed by someone else; reload and try again".into(),
            ));
        }
        sqlx::query("DELETE FROM roster_entries WHERE court_id = $1 AND week_start = $2")
            .bind(court_id)
            .bind(week_start)
            .execute(&mut *self.tx)
            .await?;
        for e in entries {
            sqlx::query(
                "INSERT INTO roster_entries (court_id, week_start, duty_date, slot, user_id, name) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(court_id)
            .bind(week_start)
            .bind(&e.duty_date)
            .bind(e.slot)
            .bind(e.user_id)
            .bind(&e.name)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(expected_version + 1)
    }
}
