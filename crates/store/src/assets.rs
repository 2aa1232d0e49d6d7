//! Asset inquiry and control (财产查控): findings per debtor and kind, the inquiry tasks' dialogue
//! with the provider (ticket, next poll, answered kinds), control measures (changed only by a
//! compare-and-set on `version`) with their renewals, the applicant's asset leads and the
//! outbox of messages to the applicant.
//!
//! The inquiry batch reads due tasks in one indexed range and writes its results with
//! multi-row statements (one INSERT per chunk of findings, one UPDATE … CASE per chunk of
//! tasks), so re-inquiring hundreds of thousands of dormant cases costs a few statements per
//! batch, not a few per case.

use sqlx::any::AnyArguments;

use crate::db::{Engine, Store, StoreResult};
use crate::rows::{CasePartyRow, CaseRow};
use crate::write::{bind, rows_per_insert, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InquiryTaskRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub debtor_name: String,
    /// `pending` (not yet submitted), `submitted` (waiting for the provider), `done`.
    pub status: String,
    pub due_on: String,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    pub provider_ticket: Option<String>,
    pub next_poll_at: Option<i64>,
    pub attempts: i64,
    pub submitted_at: Option<i64>,
    /// Comma-separated asset kind keys answered so far.
    pub answered_kinds: String,
    /// The dormant-case library's round this task re-inquires (NULL for an open case's task).
    pub dormant_round: Option<i64>,
    /// What the task has found so far (`asset::encode_found`).
    pub found: String,
}

/// A due task with what the provider needs: the debtor's identity number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueInquiryRow {
    #[sqlx(flatten)]
    pub task: InquiryTaskRow,
    pub id_number: String,
    pub case_number: String,
}

/// Whom a new inquiry task asks about, and for which case: what the task carries so that the
/// due queue needs no join (migration 0027).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryTarget {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub party_id: i64,
    pub debtor_name: String,
    pub id_number: String,
}

impl InquiryTarget {
    /// A debtor of a case as the case page reads them.
    pub fn of(case: &CaseRow, debtor: &CasePartyRow) -> Self {
        Self {
            court_id: case.court_id,
            case_id: case.id,
            case_number: case.case_number.clone(),
            party_id: debtor.party_id,
            debtor_name: debtor.name.clone(),
            id_number: debtor.id_number.clone(),
        }
    }
}

/// A task's new state after a submit or a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryTaskUpdate {
    pub id: i64,
    pub status: String,
    pub provider_ticket: Option<String>,
    pub next_poll_at: Option<i64>,
    pub attempts: i64,
    pub submitted_at: Option<i64>,
    pub answered_kinds: String,
    pub completed_at: Option<i64>,
    /// What the task has found so far, this answer's findings included.
    pub found: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FindingRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub kind: String,
    pub institution: String,
    pub description: String,
    pub identifier: String,
    pub amount_fen: Option<i64>,
    pub source: String,
    pub found_on: String,
    pub inquiry_task_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub kind: String,
    pub institution: String,
    pub description: String,
    pub identifier: String,
    pub amount_fen: Option<i64>,
    pub source: String,
    pub found_on: String,
    pub inquiry_task_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
}

/// One kind searched for a task, found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryAnswerRow {
    pub task_id: i64,
    pub case_id: i64,
    pub kind: String,
    pub found: i64,
    pub answered_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeasureRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub finding_id: i64,
    pub asset_kind: String,
    pub control_kind: String,
    pub amount_fen: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
    pub status: String,
    pub carried_from_case_id: Option<i64>,
    pub carried_from_ref: Option<String>,
    pub lift_reason: Option<String>,
    pub lifted_on: Option<String>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RenewalRow {
    pub id: i64,
    pub measure_id: i64,
    pub case_id: i64,
    pub previous_end_on: String,
    pub new_end_on: String,
    pub months: i64,
    pub renewed_on: String,
    pub renewed_by: Option<i64>,
    pub renewed_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LeadRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub kind: Option<String>,
    pub description: String,
    pub urgent: i64,
    pub received_on: String,
    pub due_on: String,
    pub status: String,
    pub outcome_note: Option<String>,
    pub verified_on: Option<String>,
    pub finding_id: Option<i64>,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApplicantMessageRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub text: String,
    pub status: String,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    pub failure_reason: Option<String>,
    pub sent_at: Option<i64>,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
}

const TASK_COLUMNS: &str = "t.id, t.court_id, t.case_id, t.party_id, t.debtor_name, t.status, \
     t.due_on, t.created_at, t.completed_at, t.provider_ticket, t.next_poll_at, t.attempts, \
     t.submitted_at, t.answered_kinds, t.dormant_round, t.found";

const FINDING_COLUMNS: &str = "id, court_id, case_id, party_id, kind, institution, description, \
     identifier, amount_fen, source, found_on, inquiry_task_id, lead_id, recorded_by, \
     recorded_by_name, created_at";

const MEASURE_COLUMNS: &str = "id, court_id, case_id, party_id, finding_id, asset_kind, \
     control_kind, amount_fen, start_on, end_on, status, carried_from_case_id, carried_from_ref, \
     lift_reason, lifted_on, version, created_by, created_by_name, created_at, updated_at";

const RENEWAL_COLUMNS: &str = "id, measure_id, case_id, previous_end_on, new_end_on, months, \
     renewed_on, renewed_by, renewed_by_name, created_at";

const LEAD_COLUMNS: &str = "id, court_id, case_id, party_id, kind, description, urgent, \
     received_on, due_on, status, outcome_note, verified_on, finding_id, version, created_by, \
     created_by_name, created_at";

const MESSAGE_COLUMNS: &str = "id, court_id, case_id, party_id, channel, address, subject, \
     text, status, provider, provider_ref, failure_reason, sent_at, created_by, \
     created_by_name, created_at";

/// `n` placeholders numbered from `from`. SQLite gets anonymous `?` (bound in order): it looks
/// `$n` up by name, which costs the square of their count in a large statement.
fn marks(engine: Engine, from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| match engine {
            Engine::Sqlite => "?".to_string(),
            Engine::Postgres => format!("${i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// A case's inquiry tasks with their provider state, oldest first.
    pub async fn case_inquiry_tasks(&self, case_id: i64) -> StoreResult<Vec<InquiryTaskRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {TASK_COLUMNS} FROM inquiry_tasks t WHERE t.case_id = $1 ORDER BY t.id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Tasks to submit or poll now (`inquiry_tasks_due`): not done and their next poll arrived
    /// (a new task is due from its creation), earliest first; `case_id` narrows to one case,
    /// `after` starts past a (next poll, id) already read, so the next batch can be read while
    /// the one before is being written. The range is read in index order, so a batch costs the
    /// same with 200,000 tasks waiting.
    pub async fn due_inquiry_tasks(
        &self,
        now: i64,
        case_id: Option<i64>,
        after: Option<(i64, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<DueInquiryRow>> {
        let mut filter = String::new();
        let mut next = 3;
        if case_id.is_some() {
            filter.push_str(&format!(" AND t.case_id = ${next}"));
            next += 1;
        }
        if after.is_some() {
            filter.push_str(&format!(
                " AND (t.next_poll_at, t.id) > (${}, ${})",
                next,
                next + 1
            ));
        }
        let sql = format!(
            "SELECT {TASK_COLUMNS}, t.id_number, t.case_number FROM inquiry_tasks t \
             WHERE t.next_poll_at <= $1 AND t.status <> 'done'{filter} \
             ORDER BY t.next_poll_at, t.id LIMIT $2"
        );
        let mut q = sqlx::query_as(&sql).bind(now).bind(limit);
        if let Some(c) = case_id {
            q = q.bind(c);
        }
        if let Some((poll_at, id)) = after {
            q = q.bind(poll_at).bind(id);
        }
        Ok(q.fetch_all(&self.read).await?)
    }

    pub async fn asset_findings(&self, case_id: i64) -> StoreResult<Vec<FindingRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FINDING_COLUMNS} FROM asset_findings WHERE case_id = $1 ORDER BY party_id, kind, id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn asset_finding(&self, id: i64) -> StoreResult<Option<FindingRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FINDING_COLUMNS} FROM asset_findings WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn control_measures(&self, case_id: i64) -> StoreResult<Vec<MeasureRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM control_measures WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn control_measure(&self, id: i64) -> StoreResult<Option<MeasureRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM control_measures WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn control_renewals(&self, case_id: i64) -> StoreResult<Vec<RenewalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RENEWAL_COLUMNS} FROM control_renewals WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn asset_leads(&self, case_id: i64) -> StoreResult<Vec<LeadRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {LEAD_COLUMNS} FROM asset_leads WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn asset_lead(&self, id: i64) -> StoreResult<Option<LeadRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {LEAD_COLUMNS} FROM asset_leads WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn applicant_messages(&self, case_id: i64) -> StoreResult<Vec<ApplicantMessageRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM applicant_messages WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Records what became of a message (its own small write, after the provider answered).
    pub async fn finish_applicant_message(
        &self,
        id: i64,
        status: &str,
        provider: Option<&str>,
        provider_ref: Option<&str>,
        failure_reason: Option<&str>,
        sent_at: Option<i64>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE applicant_messages SET status = $1, provider = $2, provider_ref = $3, \
             failure_reason = $4, sent_at = $5 WHERE id = $6 AND status = 'pending'",
        )
        .bind(status)
        .bind(provider)
        .bind(provider_ref)
        .bind(failure_reason)
        .bind(sent_at)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Marks a court's measures whose term ended before `today` as expired (the scan by
    /// `control_measures_expiry`); returns how many.
    pub async fn expire_control_measures(&self, court_id: i64, today: &str) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE control_measures SET status = 'expired', version = version + 1, updated_at = $1 \
             WHERE court_id = $2 AND status = 'in_force' AND end_on IS NOT NULL AND end_on < $3",
        )
        .bind(crate::now_ms())
        .bind(court_id)
        .bind(today)
        .execute(&self.write)
        .await?
        .rows_affected())
    }
}

impl WriteTx {
    /// Findings in one statement per chunk.
    pub async fn insert_findings(&mut self, rows: &[NewFinding]) -> StoreResult<()> {
        const N: usize = 15;
        for chunk in rows.chunks(rows_per_insert(N)) {
            let mut args = AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, f) in chunk.iter().enumerate() {
                values.push(format!("({})", marks(self.engine, i * N + 1, N)));
                bind(&mut args, f.court_id)?;
                bind(&mut args, f.case_id)?;
                bind(&mut args, f.party_id)?;
                bind(&mut args, f.kind.clone())?;
                bind(&mut args, f.institution.clone())?;
                bind(&mut args, f.description.clone())?;
                bind(&mut args, f.identifier.clone())?;
                bind(&mut args, f.amount_fen)?;
                bind(&mut args, f.source.clone())?;
                bind(&mut args, f.found_on.clone())?;
                bind(&mut args, f.inquiry_task_id)?;
                bind(&mut args, f.lead_id)?;
                bind(&mut args, f.recorded_by)?;
                bind(&mut args, f.recorded_by_name.clone())?;
                bind(&mut args, self.now)?;
            }
            let sql = format!(
                "INSERT INTO asset_findings (court_id, case_id, party_id, kind, institution, description, \
                 identifier, amount_fen, source, found_on, inquiry_task_id, lead_id, recorded_by, \
                 recorded_by_name, created_at) VALUES {}",
                values.join(", ")
            );
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// One finding, returning its id (a lead's finding, a manual result).
    pub async fn insert_finding(&mut self, f: &NewFinding) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO asset_findings (court_id, case_id, party_id, kind, institution, description, \
             identifier, amount_fen, source, found_on, inquiry_task_id, lead_id, recorded_by, \
             recorded_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING id",
        )
        .bind(f.court_id)
        .bind(f.case_id)
        .bind(f.party_id)
        .bind(&f.kind)
        .bind(&f.institution)
        .bind(&f.description)
        .bind(&f.identifier)
        .bind(f.amount_fen)
        .bind(&f.source)
        .bind(&f.found_on)
        .bind(f.inquiry_task_id)
        .bind(f.lead_id)
        .bind(f.recorded_by)
        .bind(&f.recorded_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Writes the new state of many tasks: one `UPDATE … FROM (VALUES …)` per chunk, joined on
    /// the id. Only tasks not yet done are changed (a concurrent run that finished one first
    /// wins); returns the ids changed.
    pub async fn update_inquiry_tasks(
        &mut self,
        updates: &[InquiryTaskUpdate],
    ) -> StoreResult<Vec<i64>> {
        const N: usize = 9;
        let mut changed = Vec::with_capacity(updates.len());
        for chunk in updates.chunks(rows_per_insert(N)) {
            let mut args = AnyArguments::default();
            let mut values = Vec::with_capacity(chunk.len());
            for (i, u) in chunk.iter().enumerate() {
                values.push(format!("({})", marks(self.engine, i * N + 1, N)));
                bind(&mut args, u.id)?;
                bind(&mut args, u.status.clone())?;
                bind(&mut args, u.provider_ticket.clone())?;
                bind(&mut args, u.next_poll_at)?;
                bind(&mut args, u.attempts)?;
                bind(&mut args, u.submitted_at)?;
                bind(&mut args, u.answered_kinds.clone())?;
                bind(&mut args, u.completed_at)?;
                bind(&mut args, u.found.clone())?;
            }
            // VALUES columns are column1… on both engines.
            let sql = format!(
                "UPDATE inquiry_tasks SET status = v.column2, provider_ticket = v.column3, \
                 next_poll_at = v.column4, attempts = v.column5, submitted_at = v.column6, \
                 answered_kinds = v.column7, completed_at = v.column8, found = v.column9 \
                 FROM (VALUES {}) AS v \
                 WHERE inquiry_tasks.id = v.column1 AND inquiry_tasks.status <> 'done' \
                 RETURNING inquiry_tasks.id",
                values.join(", ")
            );
            let ids: std::collections::HashSet<i64> = sqlx::query_scalar_with(&sql, args)
                .fetch_all(&mut *self.tx)
                .await?
                .into_iter()
                .collect();
            // In the order given (RETURNING promises none).
            changed.extend(chunk.iter().map(|u| u.id).filter(|id| ids.contains(id)));
        }
        Ok(changed)
    }

    pub async fn insert_control_measure(&mut self, m: &MeasureRow) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO control_measures (court_id, case_id, party_id, finding_id, asset_kind, \
             control_kind, amount_fen, start_on, end_on, status, carried_from_case_id, carried_from_ref, \
             lift_reason, lifted_on, version, created_by, created_by_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, 1, $13, $14, $15, $15) \
             RETURNING id",
        )
        .bind(m.court_id)
        .bind(m.case_id)
        .bind(m.party_id)
        .bind(m.finding_id)
        .bind(&m.asset_kind)
        .bind(&m.control_kind)
        .bind(m.amount_fen)
        .bind(&m.start_on)
        .bind(&m.end_on)
        .bind(&m.status)
        .bind(m.carried_from_case_id)
        .bind(&m.carried_from_ref)
        .bind(m.created_by)
        .bind(&m.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// A measure read for changing (a no-op update first takes the row or write lock).
    pub async fn control_measure_for_update(&mut self, id: i64) -> StoreResult<Option<MeasureRow>> {
        sqlx::query("UPDATE control_measures SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM control_measures WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Writes the mutable columns if the row is still at `m.version`; false when someone
    /// changed it first.
    pub async fn save_control_measure(&mut self, m: &MeasureRow) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE control_measures SET end_on = $1, status = $2, lift_reason = $3, lifted_on = $4, \
             amount_fen = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(&m.end_on)
        .bind(&m.status)
        .bind(&m.lift_reason)
        .bind(&m.lifted_on)
        .bind(m.amount_fen)
        .bind(self.now)
        .bind(m.id)
        .bind(m.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn insert_control_renewal(&mut self, r: &RenewalRow) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO control_renewals (measure_id, case_id, previous_end_on, new_end_on, months, \
             renewed_on, renewed_by, renewed_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(r.measure_id)
        .bind(r.case_id)
        .bind(&r.previous_end_on)
        .bind(&r.new_end_on)
        .bind(r.months)
        .bind(&r.renewed_on)
        .bind(r.renewed_by)
        .bind(&r.renewed_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// The earliest end date among a case's measures in force that end on or after `today`.
    pub async fn earliest_control_end(
        &mut self,
        case_id: i64,
        today: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(end_on) FROM control_measures WHERE case_id = $1 AND status = 'in_force' \
             AND end_on IS NOT NULL AND end_on >= $2",
        )
        .bind(case_id)
        .bind(today)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn insert_asset_lead(&mut self, l: &LeadRow) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO asset_leads (court_id, case_id, party_id, kind, description, urgent, received_on, \
             due_on, status, outcome_note, verified_on, finding_id, version, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', NULL, NULL, NULL, 1, $9, $10, $11) RETURNING id",
        )
        .bind(l.court_id)
        .bind(l.case_id)
        .bind(l.party_id)
        .bind(&l.kind)
        .bind(&l.description)
        .bind(l.urgent)
        .bind(&l.received_on)
        .bind(&l.due_on)
        .bind(l.created_by)
        .bind(&l.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// The verification of a lead still pending at `version`; false when it was verified or
    /// changed meanwhile.
    pub async fn verify_asset_lead(
        &mut self,
        id: i64,
        version: i64,
        status: &str,
        note: &str,
        verified_on: &str,
        finding_id: Option<i64>,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE asset_leads SET status = $1, outcome_note = $2, verified_on = $3, finding_id = $4, \
             version = version + 1 WHERE id = $5 AND version = $6 AND status = 'pending'",
        )
        .bind(status)
        .bind(note)
        .bind(verified_on)
        .bind(finding_id)
        .bind(id)
        .bind(version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    pub async fn insert_applicant_message(&mut self, m: &ApplicantMessageRow) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO applicant_messages (court_id, case_id, party_id, channel, address, subject, text, \
             status, provider, provider_ref, failure_reason, sent_at, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL, $9, $10, $11, $12) RETURNING id",
        )
        .bind(m.court_id)
        .bind(m.case_id)
        .bind(m.party_id)
        .bind(&m.channel)
        .bind(&m.address)
        .bind(&m.subject)
        .bind(&m.text)
        .bind(&m.status)
        .bind(m.sent_at)
        .bind(m.created_by)
        .bind(&m.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }
}
