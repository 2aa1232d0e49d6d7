//! The dormant-case library's runs (终本案件库定期复查): the rows due for re-inquiry, the
//! debtors and applicants of a batch of cases, the round's tasks written in multi-row
//! statements, the library rows advanced together, the court's lists, and restoration.
//!
//! A run touches only the rows it schedules or answers: due rows are one range of
//! `dormant_library_due`, and every statement of a batch is a few multi-row statements.

use sqlx::any::AnyArguments;

use crate::assets::InquiryTarget;
use crate::closing::DormantRow;
use crate::db::{Engine, Store, StoreError, StoreResult};
use crate::write::{bind, push_placeholders, rows_per_insert, WriteTx};

const DORMANT_COLUMNS: &str = "d.case_id, d.court_id, d.closed_on, d.rounds_done, d.next_on, \
     d.status, d.last_run_on, d.last_found, d.restored_case_id, d.version, d.round_open, \
     d.last_found_fen, d.found_on, d.restored_at, d.restoration_reason";

/// A debtor or applicant of a case in a batch.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BatchPartyRow {
    pub case_id: i64,
    pub court_id: i64,
    pub case_number: String,
    pub party_id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
}

/// One re-inquiry task of a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRoundTask {
    pub target: InquiryTarget,
    pub round: i64,
}

/// A library row after its round was scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundStart {
    pub case_id: i64,
    pub rounds_done: i64,
    /// The next round's date; `None` ends the five years.
    pub next_on: Option<String>,
    /// Tasks of this round (debtors).
    pub round_open: i64,
}

/// What a batch of answers did to one library row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundProgress {
    pub case_id: i64,
    /// Tasks that completed in this batch.
    pub completed: i64,
    pub found: i64,
    pub found_fen: i64,
}

/// A row of the court's library list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DormantListRow {
    #[sqlx(flatten)]
    pub entry: DormantRow,
    pub case_number: String,
    pub applicant_names: String,
    pub debtor_names: String,
    pub claim_fen: i64,
    pub restored_number: Option<String>,
}

/// Which rows the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DormantFilter {
    /// Watching, next re-inquiry first.
    Watching,
    /// Watching with property found by a round, latest find first.
    Found,
    Restored,
    /// The five years are over.
    Ended,
}

impl DormantFilter {
    pub fn key(self) -> &'static str {
        match self {
            DormantFilter::Watching => "watching",
            DormantFilter::Found => "found",
            DormantFilter::Restored => "restored",
            DormantFilter::Ended => "ended",
        }
    }

    pub fn from_key(key: &str) -> Option<DormantFilter> {
        [
            DormantFilter::Watching,
            DormantFilter::Found,
            DormantFilter::Restored,
            DormantFilter::Ended,
        ]
        .into_iter()
        .find(|f| f.key() == key)
    }
}

/// A closed 终本 case that has no library row (closed before the library existed).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnlistedDormantRow {
    pub id: i64,
    pub court_id: i64,
    pub closed_at: Option<i64>,
    pub filed_at: i64,
}

fn in_list(sql: &mut String, engine: Engine, first: usize, n: usize) {
    push_placeholders(sql, engine, first, n);
}

impl Store {
    /// Library rows whose re-inquiry is due on `today` (`dormant_library_due`), earliest first;
    /// `after` starts past a (date, case) already read, so the next batch can be read while the
    /// one before is being written.
    pub async fn due_dormant(
        &self,
        today: &str,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<DormantRow>> {
        let past = if after.is_some() {
            " AND (d.next_on, d.case_id) > ($3, $4)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {DORMANT_COLUMNS} FROM dormant_library d \
             WHERE d.status = 'watching' AND d.next_on <= $1{past} \
             ORDER BY d.next_on, d.case_id LIMIT $2"
        );
        let mut q = sqlx::query_as(&sql).bind(today).bind(limit);
        if let Some((on, case_id)) = after {
            q = q.bind(on).bind(case_id);
        }
        Ok(q.fetch_all(&self.read).await?)
    }

    /// The parties of `role` of many cases, in case and position order.
    pub async fn parties_of_cases(
        &self,
        case_ids: &[i64],
        role: &str,
    ) -> StoreResult<Vec<BatchPartyRow>> {
        let mut out = Vec::new();
        for chunk in case_ids.chunks(500) {
            let mut sql = String::from(
                "SELECT cp.case_id, c.court_id, c.case_number, p.id AS party_id, p.name, \
                 p.id_number, p.phone FROM case_parties cp JOIN parties p ON p.id = cp.party_id \
                 JOIN cases c ON c.id = cp.case_id WHERE cp.case_id IN ",
            );
            in_list(&mut sql, self.engine(), 0, chunk.len());
            let role_mark = match self.engine() {
                Engine::Sqlite => "?".to_string(),
                Engine::Postgres => format!("${}", chunk.len() + 1),
            };
            sql.push_str(&format!(
                " AND cp.role = {role_mark} ORDER BY cp.case_id, cp.position"
            ));
            let mut args = AnyArguments::default();
            for id in chunk {
                bind(&mut args, *id)?;
            }
            bind(&mut args, role.to_string())?;
            let rows: Vec<BatchPartyRow> = sqlx::query_as_with(&sql, args)
                .fetch_all(&self.read)
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The court's library list (`dormant_library_court` / `dormant_library_found`), a page of
    /// `per` rows from `offset`, with the total.
    pub async fn dormant_list(
        &self,
        court_ids: &[i64],
        filter: DormantFilter,
        offset: i64,
        per: i64,
    ) -> StoreResult<(Vec<DormantListRow>, i64)> {
        if court_ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let (cond, order) = match filter {
            DormantFilter::Watching => ("d.status = 'watching'", "d.next_on, d.case_id"),
            DormantFilter::Found => (
                "d.status = 'watching' AND d.found_on IS NOT NULL",
                "d.found_on DESC, d.case_id",
            ),
            DormantFilter::Restored => ("d.status = 'restored'", "d.restored_at DESC, d.case_id"),
            DormantFilter::Ended => ("d.status = 'ended'", "d.closed_on, d.case_id"),
        };
        let mut courts = String::new();
        in_list(&mut courts, self.engine(), 0, court_ids.len());
        let n = court_ids.len();
        let (lim, off) = match self.engine() {
            Engine::Sqlite => ("?".to_string(), "?".to_string()),
            Engine::Postgres => (format!("${}", n + 1), format!("${}", n + 2)),
        };
        let sql = format!(
            "SELECT {DORMANT_COLUMNS}, c.case_number, \
             c.applicant_names, c.debtor_names, c.claim_fen, r.case_number AS restored_number \
             FROM dormant_library d JOIN cases c ON c.id = d.case_id \
             LEFT JOIN cases r ON r.id = d.restored_case_id \
             WHERE d.court_id IN {courts} AND {cond} ORDER BY {order} LIMIT {lim} OFFSET {off}"
        );
        let mut args = AnyArguments::default();
        for c in court_ids {
            bind(&mut args, *c)?;
        }
        bind(&mut args, per)?;
        bind(&mut args, offset)?;
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?;
        let count_sql = format!(
            "SELECT COUNT(*) FROM dormant_library d WHERE d.court_id IN {courts} AND {cond}"
        );
        let mut args = AnyArguments::default();
        for c in court_ids {
            bind(&mut args, *c)?;
        }
        let total: i64 = sqlx::query_scalar_with(&count_sql, args)
            .fetch_one(&self.read)
            .await?;
        Ok((rows, total))
    }

    /// The library row a restored 执恢 case continues, if it is one.
    pub async fn dormant_restored_from(&self, case_id: i64) -> StoreResult<Option<DormantRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DORMANT_COLUMNS} FROM dormant_library d WHERE d.restored_case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Findings recorded for a case after `since` (UTC ms): what restoration for property
    /// found rests on.
    pub async fn findings_since(&self, case_id: i64, since: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM asset_findings WHERE case_id = $1 AND created_at > $2",
        )
        .bind(case_id)
        .bind(since)
        .fetch_one(&self.read)
        .await?)
    }

    /// SMS messages to applicants still waiting for the gateway and written before `before`
    /// (`applicant_messages_outbox`): what a crash or a library run left to send.
    pub async fn outbox_messages(
        &self,
        before: i64,
        limit: i64,
    ) -> StoreResult<Vec<crate::assets::ApplicantMessageRow>> {
        Ok(sqlx::query_as(
            "SELECT id, court_id, case_id, party_id, channel, address, subject, text, status, \
             provider, provider_ref, failure_reason, sent_at, created_by, created_by_name, created_at \
             FROM applicant_messages WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Closed 终本 cases without a library row, a batch at a time.
    pub async fn unlisted_dormant_cases(&self, limit: i64) -> StoreResult<Vec<UnlistedDormantRow>> {
        Ok(sqlx::query_as(
            "SELECT c.id, c.court_id, c.closed_at, c.filed_at FROM cases c \
             WHERE c.closing_mode = 'dormant' AND c.stage IN ('closed', 'archived') \
             AND NOT EXISTS (SELECT 1 FROM dormant_library d WHERE d.case_id = c.id) \
             ORDER BY c.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// The round's tasks, due at once (`next_poll_at` = now), in multi-row statements.
    pub async fn insert_round_tasks(
        &mut self,
        tasks: &[NewRoundTask],
        due_on: &str,
    ) -> StoreResult<()> {
        const N: usize = 12;
        for chunk in tasks.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO inquiry_tasks (court_id, case_id, party_id, debtor_name, status, due_on, \
                 created_at, next_poll_at, dormant_round, answered_kinds, id_number, case_number) \
                 VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, t) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                let target = &t.target;
                bind(&mut args, target.court_id)?;
                bind(&mut args, target.case_id)?;
                bind(&mut args, target.party_id)?;
                bind(&mut args, target.debtor_name.clone())?;
                bind(&mut args, "pending")?;
                bind(&mut args, due_on.to_string())?;
                bind(&mut args, self.now)?;
                bind(&mut args, self.now)?;
                bind(&mut args, t.round)?;
                bind(&mut args, "")?;
                bind(&mut args, target.id_number.clone())?;
                bind(&mut args, target.case_number.clone())?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Advances the library rows whose round was scheduled on `today`: only rows still
    /// watching (a concurrent run that took them first wins, and this batch is refused whole).
    pub async fn start_rounds(&mut self, rows: &[RoundStart], today: &str) -> StoreResult<()> {
        const N: usize = 5;
        for chunk in rows.chunks(400) {
            let mut sql = String::from(
                "UPDATE dormant_library SET rounds_done = v.column2, next_on = v.column3, \
                 round_open = v.column4, status = v.column5, last_found = 0, last_found_fen = 0, \
                 version = version + 1, last_run_on = ",
            );
            sql.push_str(match self.engine {
                Engine::Sqlite => "?",
                Engine::Postgres => "$1",
            });
            sql.push_str(" FROM (VALUES ");
            let mut args = AnyArguments::default();
            bind(&mut args, today.to_string())?;
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, 1 + i * N, N);
                bind(&mut args, r.case_id)?;
                bind(&mut args, r.rounds_done)?;
                bind(&mut args, r.next_on.clone())?;
                bind(&mut args, r.round_open)?;
                bind(
                    &mut args,
                    if r.next_on.is_some() {
                        "watching"
                    } else {
                        "ended"
                    },
                )?;
            }
            // The id list lets PostgreSQL find the rows by the primary key.
            sql.push_str(") AS v WHERE dormant_library.case_id IN ");
            push_placeholders(&mut sql, self.engine, 1 + chunk.len() * N, chunk.len());
            for r in chunk {
                bind(&mut args, r.case_id)?;
            }
            sql.push_str(
                " AND dormant_library.case_id = v.column1 AND dormant_library.status = 'watching'",
            );
            let changed = sqlx::query_with(&sql, args)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
            if changed != chunk.len() as u64 {
                return Err(StoreError::Conflict(
                    "终本案件库的复查已由另一进程安排 / another process scheduled these re-inquiries".into(),
                ));
            }
        }
        Ok(())
    }

    /// Records a batch of answers against the library rows of their rounds.
    pub async fn progress_rounds(
        &mut self,
        rows: &[RoundProgress],
        today: &str,
    ) -> StoreResult<()> {
        const N: usize = 4;
        for chunk in rows.chunks(400) {
            // `today` is the first parameter, the rows follow.
            let first = 1;
            let t = match self.engine {
                Engine::Sqlite => "?",
                Engine::Postgres => "$1",
            };
            let mut sql = format!(
                "UPDATE dormant_library SET \
                 round_open = CASE WHEN round_open > v.column2 THEN round_open - v.column2 ELSE 0 END, \
                 last_found = last_found + v.column3, last_found_fen = last_found_fen + v.column4, \
                 found_on = CASE WHEN v.column3 > 0 THEN {t} ELSE found_on END, version = version + 1 \
                 FROM (VALUES "
            );
            let mut args = AnyArguments::default();
            bind(&mut args, today.to_string())?;
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, first + i * N, N);
                bind(&mut args, r.case_id)?;
                bind(&mut args, r.completed)?;
                bind(&mut args, r.found)?;
                bind(&mut args, r.found_fen)?;
            }
            sql.push_str(") AS v WHERE dormant_library.case_id IN ");
            push_placeholders(&mut sql, self.engine, first + chunk.len() * N, chunk.len());
            for r in chunk {
                bind(&mut args, r.case_id)?;
            }
            sql.push_str(" AND dormant_library.case_id = v.column1");
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Library rows for closed 终本 cases, many at once: (case, court, closed on, next round's
    /// date, rounds already past).
    pub async fn insert_dormant_many(
        &mut self,
        rows: &[(i64, i64, String, Option<String>, i64)],
    ) -> StoreResult<()> {
        const N: usize = 6;
        for chunk in rows.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO dormant_library (case_id, court_id, closed_on, next_on, rounds_done, status) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, (case_id, court_id, closed_on, next_on, done)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, *case_id)?;
                bind(&mut args, *court_id)?;
                bind(&mut args, closed_on.clone())?;
                bind(&mut args, next_on.clone())?;
                bind(&mut args, *done)?;
                bind(
                    &mut args,
                    if next_on.is_some() {
                        "watching"
                    } else {
                        "ended"
                    },
                )?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Messages to applicants, many at once (a library round's results).
    pub async fn insert_applicant_messages(
        &mut self,
        rows: &[crate::assets::ApplicantMessageRow],
    ) -> StoreResult<()> {
        const N: usize = 11;
        for chunk in rows.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO applicant_messages (court_id, case_id, party_id, channel, address, \
                 subject, text, status, created_by, created_by_name, created_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, m.court_id)?;
                bind(&mut args, m.case_id)?;
                bind(&mut args, m.party_id)?;
                bind(&mut args, m.channel.clone())?;
                bind(&mut args, m.address.clone())?;
                bind(&mut args, m.subject.clone())?;
                bind(&mut args, m.text.clone())?;
                bind(&mut args, m.status.clone())?;
                bind(&mut args, m.created_by)?;
                bind(&mut args, m.created_by_name.clone())?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// The library row as it is now, in the write.
    pub async fn dormant_for_update(&mut self, case_id: i64) -> StoreResult<Option<DormantRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DORMANT_COLUMNS} FROM dormant_library d WHERE d.case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Marks the library row restored into `restored_case_id`; false when it was restored
    /// meanwhile.
    pub async fn restore_dormant(
        &mut self,
        case_id: i64,
        restored_case_id: i64,
        reason: &str,
    ) -> StoreResult<bool> {
        Ok(sqlx::query(
            "UPDATE dormant_library SET status = 'restored', next_on = NULL, restored_case_id = $1, \
             restored_at = $2, restoration_reason = $3, version = version + 1 \
             WHERE case_id = $4 AND status <> 'restored'",
        )
        .bind(restored_case_id)
        .bind(self.now)
        .bind(reason)
        .bind(case_id)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1)
    }
}
