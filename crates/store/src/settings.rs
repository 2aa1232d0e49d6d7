//! Per-court settings documents and the counts assignment needs.

use sqlx::any::AnyArguments;
use sqlx::Row;

use crate::db::{Store, StoreError, StoreResult};
use crate::write::{bind, WriteTx};

impl Store {
    /// (value, version) of a court's setting, if it was ever saved.
    pub async fn court_setting(
        &self,
        court_id: i64,
        key: &str,
    ) -> StoreResult<Option<(String, i64)>> {
        let row = sqlx::query(
            "SELECT value, version FROM court_settings WHERE court_id = $1 AND setting_key = $2",
        )
        .bind(court_id)
        .bind(key)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// Open cases per officer and case type, for the given officers: (officer, case type, count).
    pub async fn open_case_counts(
        &self,
        officer_ids: &[i64],
    ) -> StoreResult<Vec<(i64, String, i64)>> {
        if officer_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = AnyArguments::default();
        let mut list = String::new();
        for (i, id) in officer_ids.iter().enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            list.push_str(&format!("${}", i + 1));
            bind(&mut args, *id)?;
        }
        let rows = sqlx::query_with(
            &format!(
                "SELECT officer_id, case_type, open_count FROM officer_loads \
                 WHERE officer_id IN ({list}) AND open_count > 0"
            ),
            args,
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Whether the kept counts agree with a fresh count of the cases (for tests and checks).
    pub async fn officer_loads_consistent(&self) -> StoreResult<bool> {
        let drift: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT officer_id, case_type, COUNT(*) AS n FROM cases \
             WHERE officer_id IS NOT NULL AND stage NOT IN ('closed', 'archived') GROUP BY officer_id, case_type) t \
             LEFT JOIN officer_loads l ON l.officer_id = t.officer_id AND l.case_type = t.case_type \
             WHERE l.open_count IS NULL OR l.open_count <> t.n",
        )
        .fetch_one(&self.read)
        .await?;
        let stale: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM officer_loads l WHERE l.open_count <> 0 AND NOT EXISTS (SELECT 1 FROM cases c \
             WHERE c.officer_id = l.officer_id AND c.case_type = l.case_type AND c.stage NOT IN ('closed', 'archived'))",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(drift == 0 && stale == 0)
    }

    /// Whether any of these id numbers is a debtor in an open case of these courts.
    pub async fn debtor_has_open_cases(
        &self,
        court_ids: &[i64],
        id_numbers: &[String],
    ) -> StoreResult<bool> {
        if id_numbers.is_empty() || court_ids.is_empty() {
            return Ok(false);
        }
        let mut args = AnyArguments::default();
        let mut n = 0;
        let mut ids = String::new();
        for (i, v) in id_numbers.iter().enumerate() {
            n += 1;
            if i > 0 {
                ids.push_str(", ");
            }
            ids.push_str(&format!("${n}"));
            bind(&mut args, v.clone())?;
        }
        let mut courts = String::new();
        for (i, c) in court_ids.iter().enumerate() {
            n += 1;
            if i > 0 {
                courts.push_str(", ");
            }
            courts.push_str(&format!("${n}"));
            bind(&mut args, *c)?;
        }
        let found: Option<i64> = sqlx::query_scalar_with(
            &format!(
                "SELECT c.id FROM parties p JOIN case_parties cp ON cp.party_id = p.id AND cp.role = 'debtor' \
                 JOIN cases c ON c.id = cp.case_id WHERE p.id_number IN ({ids}) AND c.court_id IN ({courts}) \
                 AND c.stage NOT IN ('closed', 'archived') LIMIT 1"
            ),
            args,
        )
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }
}

impl Store {
    /// Cases a court filed since `since_ms`, with their party counts, for rule simulation.
    pub async fn cases_for_simulation(
        &self,
        court_id: i64,
        since_ms: i64,
    ) -> StoreResult<Vec<crate::rows::SimulationRow>> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.case_number, c.case_type, c.claim_fen, c.team_id, \
             (SELECT COUNT(*) FROM case_parties cp WHERE cp.case_id = c.id AND cp.role = 'applicant') AS applicants, \
             (SELECT COUNT(*) FROM case_parties cp WHERE cp.case_id = c.id AND cp.role = 'debtor') AS debtors \
             FROM cases c WHERE c.court_id = $1 AND c.filed_at >= $2 ORDER BY c.filed_at",
        )
        .bind(court_id)
        .bind(since_ms)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Saves a setting if nobody changed it since `expected_version` (0 = never saved).
    pub async fn save_court_setting(
        &mut self,
        court_id: i64,
        key: &str,
        value: &str,
        expected_version: i64,
        user_id: Option<i64>,
    ) -> StoreResult<i64> {
        let done = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO court_settings (court_id, setting_key, value, version, updated_at, updated_by) \
                 VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (court_id, setting_key) DO NOTHING",
            )
            .bind(court_id)
            .bind(key)
            .bind(value)
            .bind(self.now)
            .bind(user_id)
            .execute(&mut *self.tx)
            .await?
        } else {
            sqlx::query(
                "UPDATE court_settings SET value = $1, version = version + 1, updated_at = $2, updated_by = $3 \
                 WHERE court_id = $4 AND setting_key = $5 AND version = $6",
            )
            .bind(value)
            .bind(self.now)
            .bind(user_id)
            .bind(court_id)
            .bind(key)
            .bind(expected_version)
            .execute(&mut *self.tx)
            .await?
        };
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "设置已被他人修改，请刷新后重试 / the setting was changed by someone else; reload and try again".into(),
            ));
        }
        Ok(expected_version + 1)
    }
}

/// One saved setting of a court: (court id, key, value, version).
pub type SettingRow = (i64, String, String, i64);

fn settings_of_sql(
    court_ids: &[i64],
    keys: &[&str],
) -> StoreResult<(String, AnyArguments<'static>)> {
    let mut args = AnyArguments::default();
    let mut courts = String::new();
    let mut n = 0;
    for (i, c) in court_ids.iter().enumerate() {
        n += 1;
        if i > 0 {
            courts.push_str(", ");
        }
        courts.push_str(&format!("${n}"));
        bind(&mut args, *c)?;
    }
    let mut key_list = String::new();
    for (i, k) in keys.iter().enumerate() {
        n += 1;
        if i > 0 {
            key_list.push_str(", ");
        }
        key_list.push_str(&format!("${n}"));
        bind(&mut args, k.to_string())?;
    }
    Ok((
        format!(
            "SELECT court_id, setting_key, value, version FROM court_settings \
             WHERE court_id IN ({courts}) AND setting_key IN ({key_list})"
        ),
        args,
    ))
}

impl Store {
    /// The saved settings among `keys` of the given courts (a court and its ancestors, to find
    /// the value a court inherits).
    pub async fn court_settings_of(
        &self,
        court_ids: &[i64],
        keys: &[&str],
    ) -> StoreResult<Vec<SettingRow>> {
        if court_ids.is_empty() || keys.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, args) = settings_of_sql(court_ids, keys)?;
        Ok(sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?)
    }
}

impl WriteTx {
    /// [`Store::court_settings_of`] inside the transaction (sees its own unsaved writes).
    pub async fn court_settings_of(
        &mut self,
        court_ids: &[i64],
        keys: &[&str],
    ) -> StoreResult<Vec<SettingRow>> {
        if court_ids.is_empty() || keys.is_empty() {
            return Ok(Vec::new());
        }
        let (sql, args) = settings_of_sql(court_ids, keys)?;
        Ok(sqlx::query_as_with(&sql, args)
            .fetch_all(&mut *self.tx)
            .await?)
    }
}
