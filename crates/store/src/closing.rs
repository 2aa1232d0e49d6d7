//! Closing (结案): the records closing conditions rest on (`closing_records`), what a case's
//! other records say for the conditions (`closing_inputs`: issued documents, measures, inquiry
//! answers, leads, controls, disbursements — a handful of indexed per-case queries), and the
//! dormant-case library's rows.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClosingRecordRow {
    pub id: i64,
    pub case_id: i64,
    /// applicant_heard, debtor_missing, debtor_searched, blacklist_ineligible,
    /// applicant_satisfied.
    pub kind: String,
    pub happened_on: String,
    pub summary: String,
    pub recorded_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClosingRecord {
    pub court_id: i64,
    pub case_id: i64,
    pub kind: String,
    pub happened_on: String,
    pub summary: String,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
}

/// An issued document the conditions cite.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IssuedDocRow {
    pub id: i64,
    pub kind: String,
    pub number: Option<String>,
    pub issued_on: Option<String>,
}

/// A control measure in force with what it holds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldAssetRow {
    pub control_kind: String,
    pub description: String,
    pub amount_fen: Option<i64>,
}

/// What the case's records say for the closing conditions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosingInputs {
    pub issued: Vec<IssuedDocRow>,
    /// (kind, party name) of coercive measures in force.
    pub coercive_in_force: Vec<(String, String)>,
    pub debtors: i64,
    /// Debtors with a completed network inquiry.
    pub debtors_answered: i64,
    pub pending_leads: i64,
    pub held: Vec<HeldAssetRow>,
    pub pending_disbursements: i64,
    pub records: Vec<ClosingRecordRow>,
    /// When the notice was first recorded as issued (cases older than document approval have
    /// the event without the documents).
    pub notice_event_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DormantRow {
    pub case_id: i64,
    pub court_id: i64,
    pub closed_on: String,
    pub rounds_done: i64,
    pub next_on: Option<String>,
    pub status: String,
    pub last_run_on: Option<String>,
    pub last_found: i64,
    pub restored_case_id: Option<i64>,
    pub version: i64,
    /// Tasks of the round in progress not yet complete.
    pub round_open: i64,
    /// What the current (or last) round found, in fen where the institutions said.
    pub last_found_fen: i64,
    /// The last day a round found property.
    pub found_on: Option<String>,
    pub restored_at: Option<i64>,
    pub restoration_reason: Option<String>,
}

impl Store {
    pub async fn closing_records(&self, case_id: i64) -> StoreResult<Vec<ClosingRecordRow>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, kind, happened_on, summary, recorded_by_name, created_at \
             FROM closing_records WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Everything the closing conditions read, in a few per-case queries on indexed columns.
    pub async fn closing_inputs(&self, case_id: i64) -> StoreResult<ClosingInputs> {
        let issued = sqlx::query_as(
            "SELECT id, kind, number, issued_on FROM documents WHERE case_id = $1 \
             AND status = 'issued' ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?;
        let coercive_in_force = sqlx::query_as(
            "SELECT kind, party_name FROM coercive_measures WHERE case_id = $1 \
             AND status = 'in_force' ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?;
        let debtors: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM case_parties WHERE case_id = $1 AND role = 'debtor'",
        )
        .bind(case_id)
        .fetch_one(&self.read)
        .await?;
        let debtors_answered: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT party_id) FROM inquiry_tasks WHERE case_id = $1 \
             AND status = 'done'",
        )
        .bind(case_id)
        .fetch_one(&self.read)
        .await?;
        let pending_leads: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM asset_leads WHERE case_id = $1 AND status = 'pending'",
        )
        .bind(case_id)
        .fetch_one(&self.read)
        .await?;
        let held = sqlx::query_as(
            "SELECT m.control_kind, f.description, f.amount_fen FROM control_measures m \
             JOIN asset_findings f ON f.id = m.finding_id \
             WHERE m.case_id = $1 AND m.status = 'in_force' ORDER BY m.id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?;
        let pending_disbursements: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM disbursements WHERE case_id = $1 AND status = 'proposed'",
        )
        .bind(case_id)
        .fetch_one(&self.read)
        .await?;
        let records = self.closing_records(case_id).await?;
        let notice_event_at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(occurred_at) FROM events WHERE case_id = $1 AND kind = 'notice_issued'",
        )
        .bind(case_id)
        .fetch_one(&self.read)
        .await?;
        Ok(ClosingInputs {
            issued,
            coercive_in_force,
            debtors,
            debtors_answered,
            pending_leads,
            held,
            pending_disbursements,
            records,
            notice_event_at,
        })
    }

    pub async fn dormant_entry(&self, case_id: i64) -> StoreResult<Option<DormantRow>> {
        Ok(sqlx::query_as(
            "SELECT case_id, court_id, closed_on, rounds_done, next_on, status, last_run_on, \
             last_found, restored_case_id, version, round_open, last_found_fen, found_on, \
             restored_at, restoration_reason FROM dormant_library WHERE case_id = $1",
        )
        .bind(case_id)
        .fetch_optional(&self.read)
        .await?)
    }
}

impl WriteTx {
    pub async fn insert_closing_record(&mut self, r: &NewClosingRecord) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO closing_records (court_id, case_id, kind, happened_on, summary, \
             recorded_by, recorded_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id",
        )
        .bind(r.court_id)
        .bind(r.case_id)
        .bind(&r.kind)
        .bind(&r.happened_on)
        .bind(&r.summary)
        .bind(r.recorded_by)
        .bind(&r.recorded_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Enters a case closed as 终本 in the dormant-case library.
    pub async fn insert_dormant(
        &mut self,
        case_id: i64,
        court_id: i64,
        closed_on: &str,
        next_on: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO dormant_library (case_id, court_id, closed_on, next_on, status) \
             VALUES ($1, $2, $3, $4, 'watching')",
        )
        .bind(case_id)
        .bind(court_id)
        .bind(closed_on)
        .bind(next_on)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}
