//! Queries for pages, the API and the pipeline's loads.

use sqlx::any::AnyArguments;
use sqlx::Row;

use crate::db::{Engine, Store, StoreResult};
use crate::rows::*;
use crate::write::bind;

pub(crate) const CASE_COLUMNS: &str = "id, court_id, case_number, year, case_type, seq, stage, suspended, locked, closing_mode, \
    claim_fen, recovered_fen, held_fen, basis_court, basis_number, basis_kind, basis_date, team_id, officer_id, applicant_names, \
    debtor_names, search_text, filed_at, closed_at, version";

impl Store {
    pub async fn courts(&self) -> StoreResult<Vec<CourtRow>> {
        Ok(
            sqlx::query_as("SELECT id, code, name, level, parent_id FROM courts ORDER BY code")
                .fetch_all(&self.read)
                .await?,
        )
    }

    pub async fn court_by_code(&self, code: &str) -> StoreResult<Option<CourtRow>> {
        Ok(
            sqlx::query_as("SELECT id, code, name, level, parent_id FROM courts WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    pub async fn teams(&self, court_ids: &[i64]) -> StoreResult<Vec<TeamRow>> {
        let (list, args) = id_list(court_ids, 0)?;
        Ok(sqlx::query_as_with(
            &format!("SELECT id, court_id, kind, name FROM teams WHERE court_id IN ({list}) ORDER BY court_id, id"),
            args,
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn users_of_courts(&self, court_ids: &[i64]) -> StoreResult<Vec<UserRow>> {
        let (list, args) = id_list(court_ids, 0)?;
        Ok(sqlx::query_as_with(
            &format!(
                "SELECT id, court_id, team_id, username, display_name, role, password_hash, active FROM users \
                 WHERE court_id IN ({list}) ORDER BY court_id, id"
            ),
            args,
        )
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, court_id, team_id, username, display_name, role, password_hash, active FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, court_id, team_id, username, display_name, role, password_hash, active FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn count_cases(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases")
            .fetch_one(&self.read)
            .await?)
    }

    pub async fn count_events(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(&self.read)
            .await?)
    }

    /// One page of the case list and the total count for the pager.
    pub async fn list_cases(&self, q: &CaseQuery) -> StoreResult<(Vec<CaseListRow>, i64)> {
        if q.court_ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        // Conditions and their values are collected once and bound twice (count, then page).
        let mut where_sql = String::from("c.court_id IN (");
        let mut values: Vec<Val> = Vec::new();
        for (i, id) in q.court_ids.iter().enumerate() {
            if i > 0 {
                where_sql.push_str(", ");
            }
            values.push(Val::I(*id));
            where_sql.push_str(&format!("${}", values.len()));
        }
        where_sql.push(')');
        let mut cond = |sql: &str, v: Val, after: &str| {
            values.push(v);
            where_sql.push_str(&format!(" AND {sql}${}{after}", values.len()));
        };
        if let Some(s) = &q.stage {
            cond("c.stage = ", Val::S(s.clone()), "");
        }
        if let Some(t) = q.team_id {
            cond("c.team_id = ", Val::I(t), "");
        }
        if let Some(o) = q.officer_id {
            cond("c.officer_id = ", Val::I(o), "");
        }
        if let Some(t) = &q.case_type {
            cond("c.case_type = ", Val::S(t.clone()), "");
        }
        if let Some(y) = q.year {
            cond("c.year = ", Val::I(y), "");
        }
        if let Some(text) = &q.text {
            let plain = !text.contains(['%', '_', '\\']);
            if self.engine() == Engine::Sqlite && plain && text.chars().count() >= 3 {
                // The FTS5 trigram index answers LIKE for three characters or more.
                cond(
                    "c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts.search_text LIKE ",
                    Val::S(format!("%{text}%")),
                    ")",
                );
            } else {
                // PostgreSQL's trigram GIN index serves this LIKE; on SQLite short text scans.
                let pattern = format!("%{}%", escape_like(text));
                cond("c.search_text LIKE ", Val::S(pattern), " ESCAPE '\\'");
            }
        }
        let n = values.len();
        let total: i64 = sqlx::query_scalar_with(
            &format!("SELECT COUNT(*) FROM cases c WHERE {where_sql}"),
            args_of(&values)?,
        )
        .fetch_one(&self.read)
        .await?;
        let mut args = args_of(&values)?;
        bind(&mut args, q.limit)?;
        bind(&mut args, q.offset)?;
        // Deferred join: sort and page over ids from a covering index, then fetch the wide rows
        // of one page only. Sorting whole rows of a 100,000-case scope took 115 ms; ids take ~10.
        let sql = format!(
            "SELECT c.id, c.case_number, ct.name AS court_name, c.case_type, c.stage, c.suspended, c.locked, c.claim_fen, \
             c.applicant_names, c.debtor_names, t.name AS team_name, u.display_name AS officer_name, c.filed_at \
             FROM cases c JOIN courts ct ON ct.id = c.court_id LEFT JOIN teams t ON t.id = c.team_id \
             LEFT JOIN users u ON u.id = c.officer_id \
             WHERE c.id IN (SELECT c.id FROM cases c WHERE {where_sql} ORDER BY c.filed_at DESC, c.id DESC LIMIT ${} OFFSET ${}) \
             ORDER BY c.filed_at DESC, c.id DESC",
            n + 1,
            n + 2
        );
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?;
        Ok((rows, total))
    }

    pub async fn case_by_id(&self, id: i64) -> StoreResult<Option<CaseRow>> {
        Ok(
            sqlx::query_as(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.read)
                .await?,
        )
    }

    pub async fn case_view(&self, id: i64) -> StoreResult<Option<CaseViewRow>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let cols: Vec<String> = CASE_COLUMNS
                .split(", ")
                .map(|c| format!("c.{}", c.trim()))
                .collect();
            format!(
                "SELECT {}, t.name AS team_name, u.display_name AS officer_name FROM cases c \
                 LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN users u ON u.id = c.officer_id WHERE c.id = $1",
                cols.join(", ")
            )
        });
        Ok(sqlx::query_as(SQL.as_str())
            .bind(id)
            .fetch_optional(&self.read)
            .await?)
    }

    pub async fn case_by_number(&self, number: &str) -> StoreResult<Option<CaseRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE case_number = $1"
        ))
        .bind(number)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn case_parties(&self, case_id: i64) -> StoreResult<Vec<CasePartyRow>> {
        Ok(sqlx::query_as(
            "SELECT cp.role, cp.position, p.id AS party_id, p.kind, p.name, p.id_number, p.phone, p.address, \
             cp.claim_fen FROM case_parties cp JOIN parties p ON p.id = cp.party_id WHERE cp.case_id = $1 ORDER BY cp.role, cp.position",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn case_events(&self, case_id: i64) -> StoreResult<Vec<EventRow>> {
        Ok(sqlx::query_as(&format!(
            "{EVENT_SELECT} WHERE e.case_id = $1 ORDER BY e.occurred_at, e.seq"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Chain heads: (court id, court code, last sequence, head hash).
    pub async fn chain_heads(&self) -> StoreResult<Vec<(i64, String, i64, String)>> {
        let rows = sqlx::query(
            "SELECT court_id, court_code, seq, hash FROM chain_heads ORDER BY court_id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// A page of one court's chain, in sequence order, after `after_seq`.
    pub async fn chain_page(
        &self,
        court_id: i64,
        after_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<EventRow>> {
        let sql =
            format!("{EVENT_SELECT} WHERE e.court_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3");
        if let Some(native) = &self.sqlite_scan {
            return Ok(sqlx::query_as(&sql)
                .bind(court_id)
                .bind(after_seq)
                .bind(limit)
                .fetch_all(native)
                .await?);
        }
        Ok(sqlx::query_as(&sql)
            .bind(court_id)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }
}

const EVENT_SELECT: &str = "SELECT e.id, e.court_id, h.court_code, e.seq, e.case_id, e.occurred_at, e.recorded_at, e.actor_id, \
    e.actor_name, e.actor_role, e.kind, e.payload, e.prev_hash, e.hash FROM events e JOIN chain_heads h ON h.court_id = e.court_id";

enum Val {
    I(i64),
    S(String),
}

fn args_of(values: &[Val]) -> StoreResult<AnyArguments<'static>> {
    let mut args = AnyArguments::default();
    for v in values {
        match v {
            Val::I(i) => bind(&mut args, *i)?,
            Val::S(s) => bind(&mut args, s.clone())?,
        }
    }
    Ok(args)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `$k, $k+1, …` for a list of ids, with the arguments bound.
fn id_list(ids: &[i64], first: usize) -> StoreResult<(String, AnyArguments<'static>)> {
    let mut args = AnyArguments::default();
    let mut list = String::new();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        list.push_str(&format!("${}", first + i + 1));
        bind(&mut args, *id)?;
    }
    if ids.is_empty() {
        list.push_str("NULL");
    }
    Ok((list, args))
}
