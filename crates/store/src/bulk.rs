//! Multi-row inserts for demo data and imports. They write the same tables as the command
//! pipeline, only many rows per statement; events still go through `append_events` so the hash
//! chain is built by the one piece of code that builds it.

use sqlx::any::AnyArguments;

use crate::db::{Engine, StoreError, StoreResult};
use crate::rows::CaseRow;
use crate::write::{bind, push_placeholders, rows_per_insert, NewParty, WriteTx};

const ID_TABLES: &[&str] = &["cases", "parties", "users", "teams", "courts"];

impl WriteTx {
    /// The highest id in use, so a bulk writer can allocate the next ones itself. Safe because the
    /// bulk writer holds the write transaction.
    pub async fn max_id(&mut self, table: &str) -> StoreResult<i64> {
        if !ID_TABLES.contains(&table) {
            return Err(StoreError::Invalid(format!("unknown table {table}")));
        }
        let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(max.unwrap_or(0))
    }

    /// After explicit ids were inserted, PostgreSQL's identity sequence must move past them.
    pub async fn sync_identity(&mut self, engine: Engine, table: &str) -> StoreResult<()> {
        if engine != Engine::Postgres || !ID_TABLES.contains(&table) {
            return Ok(());
        }
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        ))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn insert_parties_with_ids(
        &mut self,
        parties: &[(i64, NewParty)],
    ) -> StoreResult<()> {
        for chunk in parties.chunks(rows_per_insert(7)) {
            let mut sql = String::from("INSERT INTO parties (id, kind, name, id_number, phone, address, created_at) VALUES ");
            let mut args = AnyArguments::default();
            for (i, (id, p)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * 7, 7);
                bind(&mut args, *id)?;
                bind(&mut args, p.kind.clone())?;
                bind(&mut args, p.name.clone())?;
                bind(&mut args, p.id_number.clone())?;
                bind(&mut args, p.phone.clone())?;
                bind(&mut args, p.address.clone())?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    pub async fn insert_cases_with_ids(&mut self, cases: &[CaseRow]) -> StoreResult<()> {
        const N: usize = 26;
        for chunk in cases.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO cases (id, court_id, case_number, year, case_type, seq, stage, suspended, locked, closing_mode, \
                 claim_fen, recovered_fen, held_fen, basis_court, basis_number, basis_kind, basis_date, team_id, officer_id, \
                 applicant_names, debtor_names, search_text, filed_at, closed_at, version, updated_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, c) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, c.id)?;
                bind(&mut args, c.court_id)?;
                bind(&mut args, c.case_number.clone())?;
                bind(&mut args, c.year)?;
                bind(&mut args, c.case_type.clone())?;
                bind(&mut args, c.seq)?;
                bind(&mut args, c.stage.clone())?;
                bind(&mut args, c.suspended)?;
                bind(&mut args, c.locked)?;
                bind(&mut args, c.closing_mode.clone())?;
                bind(&mut args, c.claim_fen)?;
                bind(&mut args, c.recovered_fen)?;
                bind(&mut args, c.held_fen)?;
                bind(&mut args, c.basis_court.clone())?;
                bind(&mut args, c.basis_number.clone())?;
                bind(&mut args, c.basis_kind.clone())?;
                bind(&mut args, c.basis_date.clone())?;
                bind(&mut args, c.team_id)?;
                bind(&mut args, c.officer_id)?;
                bind(&mut args, c.applicant_names.clone())?;
                bind(&mut args, c.debtor_names.clone())?;
                bind(&mut args, c.search_text.clone())?;
                bind(&mut args, c.filed_at)?;
                bind(&mut args, c.closed_at)?;
                bind(&mut args, c.version)?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// (case id, party id, role key, position)
    pub async fn link_parties(&mut self, links: &[(i64, i64, String, i64)]) -> StoreResult<()> {
        for chunk in links.chunks(rows_per_insert(4)) {
            let mut sql = String::from(
                "INSERT INTO case_parties (case_id, party_id, role, position) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, (case_id, party_id, role, pos)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * 4, 4);
                bind(&mut args, *case_id)?;
                bind(&mut args, *party_id)?;
                bind(&mut args, role.clone())?;
                bind(&mut args, *pos)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Moves a case-number sequence to at least `last`, for numbers a bulk writer handed out.
    pub async fn raise_case_seq(&mut self, seq_key: &str, last: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_sequences (seq_key, last_seq) VALUES ($1, $2) \
             ON CONFLICT (seq_key) DO UPDATE SET last_seq = CASE WHEN case_sequences.last_seq > $2 THEN case_sequences.last_seq ELSE $2 END",
        )
        .bind(seq_key)
        .bind(last)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn case_seq(&mut self, seq_key: &str) -> StoreResult<i64> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT last_seq FROM case_sequences WHERE seq_key = $1")
                .bind(seq_key)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(v.unwrap_or(0))
    }
}

impl crate::db::Store {
    /// Refreshes the planner's statistics after a bulk load, so that the first queries on the
    /// new rows (the scheduler's first tick) are planned for their real size rather than for
    /// the empty tables autovacuum last saw. On PostgreSQL it vacuums the cases too: until the
    /// new pages are marked all-visible an index-only scan (the metrics' ranges) visits every
    /// row's page, as it would until autovacuum came by.
    pub async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        if self.engine() == crate::Engine::Postgres {
            // A simple query: VACUUM refuses the extended protocol's implicit transaction.
            sqlx::Executor::execute(&self.write, "VACUUM cases").await?;
        }
        Ok(())
    }
}
