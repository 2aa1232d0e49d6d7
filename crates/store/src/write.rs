//! The write side: one transaction per command. The app's pipeline opens a `WriteTx`, changes
//! state and appends the events the domain produced, then commits both together.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Row, Transaction};
use zhixing_domain::audit::{ChainedFields, GENESIS_HASH};

use crate::db::{Engine, Store, StoreError, StoreResult};
use crate::rows::CaseRow;

/// An event as the app hands it over; the store assigns sequence and hashes.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub court_id: i64,
    pub case_id: Option<i64>,
    pub occurred_at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub kind: String,
    /// Canonical JSON text (`zhixing_domain::audit::canonical_payload`).
    pub payload: String,
}

pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) engine: Engine,
    pub now: i64,
}

impl Store {
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        let tx = self.write.begin().await?;
        Ok(WriteTx {
            tx,
            engine: self.engine(),
            now: crate::now_ms(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub court_id: i64,
    pub case_number: String,
    pub year: i64,
    pub case_type: String,
    pub seq: i64,
    pub stage: String,
    pub claim_fen: i64,
    pub basis_court: String,
    pub basis_number: String,
    pub basis_kind: String,
    pub basis_date: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub applicant_names: String,
    pub debtor_names: String,
    pub search_text: String,
    pub filed_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewParty {
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

impl WriteTx {
    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn insert_court(
        &mut self,
        code: &str,
        name: &str,
        level: &str,
        parent_id: Option<i64>,
    ) -> StoreResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO courts (code, name, level, parent_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(level)
        .bind(parent_id)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO chain_heads (court_id, court_code, seq, hash) VALUES ($1, $2, 0, $3)",
        )
        .bind(id)
        .bind(code)
        .bind(GENESIS_HASH)
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    pub async fn insert_team(&mut self, court_id: i64, kind: &str, name: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO teams (court_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(court_id)
        .bind(kind)
        .bind(name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_user(
        &mut self,
        court_id: i64,
        team_id: Option<i64>,
        username: &str,
        display_name: &str,
        role: &str,
        password_hash: &str,
    ) -> StoreResult<i64> {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut *self.tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "用户名 {username} 已被使用 / username already taken"
            )));
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO users (court_id, team_id, username, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id",
        )
        .bind(court_id)
        .bind(team_id)
        .bind(username)
        .bind(display_name)
        .bind(role)
        .bind(password_hash)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn insert_party(&mut self, p: &NewParty) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO parties (kind, name, id_number, phone, address, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.id_number)
        .bind(&p.phone)
        .bind(&p.address)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// The next number in a case-number sequence. The upsert takes the row lock, so two clerks
    /// filing at the same moment get consecutive numbers and a rolled-back filing gives its
    /// number back.
    pub async fn next_case_seq(&mut self, seq_key: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO case_sequences (seq_key, last_seq) VALUES ($1, 1) \
             ON CONFLICT (seq_key) DO UPDATE SET last_seq = case_sequences.last_seq + 1 RETURNING last_seq",
        )
        .bind(seq_key)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn insert_case(&mut self, c: &NewCase) -> StoreResult<i64> {
        if let Some(officer) = c.officer_id.filter(|_| is_open(&c.stage)) {
            self.bump_load(officer, &c.case_type, 1).await?;
        }
        Ok(sqlx::query_scalar(
            "INSERT INTO cases (court_id, case_number, year, case_type, seq, stage, suspended, locked, claim_fen, recovered_fen, \
             basis_court, basis_number, basis_kind, basis_date, team_id, officer_id, applicant_names, debtor_names, search_text, \
             filed_at, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7, 0, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18) RETURNING id",
        )
        .bind(c.court_id)
        .bind(&c.case_number)
        .bind(c.year)
        .bind(&c.case_type)
        .bind(c.seq)
        .bind(&c.stage)
        .bind(c.claim_fen)
        .bind(&c.basis_court)
        .bind(&c.basis_number)
        .bind(&c.basis_kind)
        .bind(&c.basis_date)
        .bind(c.team_id)
        .bind(c.officer_id)
        .bind(&c.applicant_names)
        .bind(&c.debtor_names)
        .bind(&c.search_text)
        .bind(c.filed_at)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn link_party(
        &mut self,
        case_id: i64,
        party_id: i64,
        role: &str,
        position: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_parties (case_id, party_id, role, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(case_id)
        .bind(party_id)
        .bind(role)
        .bind(position)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// States each applicant's claim (party id, fen) for the payout plan; the caller has
    /// checked that the list names every applicant of the case once.
    pub async fn set_applicant_claims(
        &mut self,
        case_id: i64,
        claims: &[(i64, i64)],
    ) -> StoreResult<()> {
        for (party_id, fen) in claims {
            sqlx::query(
                "UPDATE case_parties SET claim_fen = $1 \
                 WHERE case_id = $2 AND party_id = $3 AND role = 'applicant'",
            )
            .bind(fen)
            .bind(case_id)
            .bind(party_id)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Loads a case inside the transaction, for the pipeline's checks.
    pub async fn case_for_update(&mut self, case_id: i64) -> StoreResult<Option<CaseRow>> {
        Ok(sqlx::query_as::<_, CaseRow>(&format!(
            "SELECT {} FROM cases WHERE id = $1",
            crate::read::CASE_COLUMNS
        ))
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Writes a case's mutable state if nobody changed it since `expected_version` was read.
    pub async fn save_case(&mut self, c: &CaseRow, expected_version: i64) -> StoreResult<i64> {
        let before = sqlx::query("SELECT officer_id, stage FROM cases WHERE id = $1")
            .bind(c.id)
            .fetch_optional(&mut *self.tx)
            .await?;
        let done = sqlx::query(
            "UPDATE cases SET stage = $1, suspended = $2, locked = $3, closing_mode = $4, recovered_fen = $5, team_id = $6, \
             officer_id = $7, closed_at = $8, held_fen = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12",
        )
        .bind(&c.stage)
        .bind(c.suspended)
        .bind(c.locked)
        .bind(&c.closing_mode)
        .bind(c.recovered_fen)
        .bind(c.team_id)
        .bind(c.officer_id)
        .bind(c.closed_at)
        .bind(c.held_fen)
        .bind(self.now)
        .bind(c.id)
        .bind(expected_version)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again".into(),
            ));
        }
        if let Some(before) = before {
            let old_officer: Option<i64> = before.try_get(0)?;
            let old_stage: String = before.try_get(1)?;
            let old = old_officer.filter(|_| is_open(&old_stage));
            let new = c.officer_id.filter(|_| is_open(&c.stage));
            if old != new {
                if let Some(o) = old {
                    self.bump_load(o, &c.case_type, -1).await?;
                }
                if let Some(n) = new {
                    self.bump_load(n, &c.case_type, 1).await?;
                }
            }
        }
        Ok(expected_version + 1)
    }

    /// Loads several cases inside the transaction (the pipeline's batch form).
    pub async fn cases_for_update_many(&mut self, ids: &[i64]) -> StoreResult<Vec<CaseRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = format!(
                "SELECT {} FROM cases WHERE id IN ",
                crate::read::CASE_COLUMNS
            );
            let mut args = AnyArguments::default();
            push_placeholders(&mut sql, self.engine, 0, chunk.len());
            for id in chunk {
                bind(&mut args, *id)?;
            }
            let rows: Vec<CaseRow> = sqlx::query_as_with(&sql, args)
                .fetch_all(&mut *self.tx)
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Writes several cases' mutable state, each only if its version is still the one read
    /// (compare-and-set), in multi-row statements: `(before, after)` pairs, where `after`
    /// carries the new version. Officers' open-case counts follow, as in [`Self::save_case`].
    /// Returns the ids written; a case changed meanwhile is left out and nothing of it written.
    pub async fn save_cases(&mut self, pairs: &[(&CaseRow, &CaseRow)]) -> StoreResult<Vec<i64>> {
        const N: usize = 12;
        let mut done = Vec::with_capacity(pairs.len());
        for chunk in pairs.chunks(400) {
            let mut sql = String::from(
                "UPDATE cases SET stage = v.column2, suspended = v.column3, locked = v.column4, \
                 closing_mode = v.column5, recovered_fen = v.column6, team_id = v.column7, \
                 officer_id = v.column8, closed_at = v.column9, held_fen = v.column10, \
                 version = v.column11, updated_at = ",
            );
            sql.push_str(match self.engine {
                Engine::Sqlite => "?",
                Engine::Postgres => "$1",
            });
            sql.push_str(" FROM (VALUES ");
            let mut args = AnyArguments::default();
            bind(&mut args, self.now)?;
            for (i, (before, after)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, 1 + i * N, N);
                bind(&mut args, after.id)?;
                bind(&mut args, after.stage.clone())?;
                bind(&mut args, after.suspended)?;
                bind(&mut args, after.locked)?;
                bind(&mut args, after.closing_mode.clone())?;
                bind(&mut args, after.recovered_fen)?;
                bind(&mut args, after.team_id)?;
                bind(&mut args, after.officer_id)?;
                bind(&mut args, after.closed_at)?;
                bind(&mut args, after.held_fen)?;
                bind(&mut args, after.version)?;
                bind(&mut args, before.version)?;
            }
            // The id list lets PostgreSQL find the rows by the primary key.
            sql.push_str(") AS v WHERE cases.id IN ");
            push_placeholders(&mut sql, self.engine, 1 + chunk.len() * N, chunk.len());
            for (before, _) in chunk {
                bind(&mut args, before.id)?;
            }
            sql.push_str(" AND cases.id = v.column1 AND cases.version = v.column12 RETURNING id");
            let ids: Vec<i64> = sqlx::query_scalar_with(&sql, args)
                .fetch_all(&mut *self.tx)
                .await?;
            done.extend(ids);
        }
        let written: std::collections::HashSet<i64> = done.iter().copied().collect();
        for (before, after) in pairs {
            if !written.contains(&after.id) {
                continue;
            }
            let old = before.officer_id.filter(|_| is_open(&before.stage));
            let new = after.officer_id.filter(|_| is_open(&after.stage));
            if old != new {
                if let Some(o) = old {
                    self.bump_load(o, &after.case_type, -1).await?;
                }
                if let Some(n) = new {
                    self.bump_load(n, &after.case_type, 1).await?;
                }
            }
        }
        Ok(done)
    }

    async fn bump_load(&mut self, officer_id: i64, case_type: &str, delta: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO officer_loads (officer_id, case_type, open_count) VALUES ($1, $2, $3) \
             ON CONFLICT (officer_id, case_type) DO UPDATE SET open_count = officer_loads.open_count + $3",
        )
        .bind(officer_id)
        .bind(case_type)
        .bind(delta)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Recounts every officer's open cases; for bulk writers, which insert many cases at once.
    pub async fn rebuild_officer_loads(&mut self) -> StoreResult<()> {
        sqlx::query("DELETE FROM officer_loads")
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO officer_loads (officer_id, case_type, open_count) \
             SELECT officer_id, case_type, COUNT(*) FROM cases \
             WHERE officer_id IS NOT NULL AND stage NOT IN ('closed', 'archived') GROUP BY officer_id, case_type",
        )
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Appends events to their courts' chains. Events of one court get consecutive sequence
    /// numbers; the head row is updated once per court per call.
    pub async fn append_events(&mut self, events: &[NewEvent]) -> StoreResult<()> {
        let mut courts: Vec<i64> = events.iter().map(|e| e.court_id).collect();
        courts.sort_unstable();
        courts.dedup();
        for court_id in courts {
            let batch: Vec<&NewEvent> = events.iter().filter(|e| e.court_id == court_id).collect();
            let n = batch.len() as i64;
            // Updating the head first takes the lock that orders concurrent appends.
            let head = sqlx::query("UPDATE chain_heads SET seq = seq + $1 WHERE court_id = $2 RETURNING seq, hash, court_code")
                .bind(n)
                .bind(court_id)
                .fetch_optional(&mut *self.tx)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("court {court_id} has no chain head")))?;
            let last_seq: i64 = head.try_get(0)?;
            let mut prev: String = head.try_get(1)?;
            let court_code: String = head.try_get(2)?;
            let mut seq = last_seq - n;
            let mut rows = Vec::with_capacity(batch.len());
            for e in batch {
                seq += 1;
                let hash = ChainedFields {
                    court_code: &court_code,
                    seq,
                    case_id: e.case_id,
                    occurred_at_ms: e.occurred_at,
                    recorded_at_ms: self.now,
                    actor_id: e.actor_id,
                    actor_name: &e.actor_name,
                    actor_role: &e.actor_role,
                    kind: &e.kind,
                    payload: &e.payload,
                    prev_hash: &prev,
                }
                .hash_hex();
                rows.push((e, seq, prev.clone(), hash.clone()));
                prev = hash;
            }
            for chunk in rows.chunks(rows_per_insert(12)) {
                let mut sql = String::from(
                    "INSERT INTO events (court_id, seq, case_id, occurred_at, recorded_at, actor_id, actor_name, actor_role, kind, payload, prev_hash, hash) VALUES ",
                );
                let mut args = AnyArguments::default();
                for (i, (e, seq, prev_hash, hash)) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(',');
                    }
                    push_placeholders(&mut sql, self.engine, i * 12, 12);
                    bind(&mut args, court_id)?;
                    bind(&mut args, *seq)?;
                    bind(&mut args, e.case_id)?;
                    bind(&mut args, e.occurred_at)?;
                    bind(&mut args, self.now)?;
                    bind(&mut args, e.actor_id)?;
                    bind(&mut args, e.actor_name.clone())?;
                    bind(&mut args, e.actor_role.clone())?;
                    bind(&mut args, e.kind.clone())?;
                    bind(&mut args, e.payload.clone())?;
                    bind(&mut args, prev_hash.clone())?;
                    bind(&mut args, hash.clone())?;
                }
                sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
            }
            sqlx::query("UPDATE chain_heads SET hash = $1 WHERE court_id = $2")
                .bind(&prev)
                .bind(court_id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

/// Rows per multi-row INSERT: about 4,000 parameters a statement, well under both engines'
/// limits, so a batch costs few round trips to the database thread.
pub(crate) fn rows_per_insert(columns: usize) -> usize {
    (4000 / columns).max(1)
}

/// Placeholders for one row of a multi-row INSERT. SQLite gets anonymous `?`: it looks named
/// parameters (`$n`) up in a list, so binding thousands of them costs the square of their count
/// (measured: 80% of demo generation went to `sqlite3_bind_parameter_name`).
pub(crate) fn push_placeholders(sql: &mut String, engine: Engine, first: usize, n: usize) {
    sql.push('(');
    for k in 0..n {
        if k > 0 {
            sql.push_str(", ");
        }
        match engine {
            Engine::Sqlite => sql.push('?'),
            Engine::Postgres => {
                sql.push('$');
                sql.push_str(&(first + k + 1).to_string());
            }
        }
    }
    sql.push(')');
}

pub(crate) fn bind<'q, T>(args: &mut AnyArguments<'q>, v: T) -> StoreResult<()>
where
    T: 'q + sqlx::Encode<'q, Any> + sqlx::Type<Any>,
{
    args.add(v).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Whether a stage key is an open one (counts towards an officer's load).
fn is_open(stage: &str) -> bool {
    !matches!(stage, "closed" | "archived")
}
