//! Disposal of seized property (财产处置): `disposals` (one per seized asset under way, done or
//! withdrawn; changed only by a compare-and-set on `version`) and their `disposal_steps`
//! (numbered per disposal, so two clerks recording the same step cannot both succeed), and the
//! supervision list of seized real estate, read from `control_measures` through
//! `control_measures_seized` with each seal's latest disposal.

use sqlx::any::AnyArguments;

use crate::db::{Store, StoreResult};
use crate::write::{bind, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DisposalRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub finding_id: i64,
    pub measure_id: i64,
    pub party_id: i64,
    pub asset_kind: String,
    pub seized_on: String,
    pub started_on: String,
    /// `open`, `finished` or `withdrawn`.
    pub status: String,
    pub reference_fen: Option<i64>,
    pub last_reserve_fen: Option<i64>,
    pub last_step: Option<String>,
    pub steps: i64,
    pub price_fen: Option<i64>,
    pub finished_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdraw_reason: Option<String>,
    pub note: String,
    pub version: i64,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const DISPOSAL_COLUMNS: &str = "id, court_id, case_id, finding_id, measure_id, party_id, \
     asset_kind, seized_on, started_on, status, reference_fen, last_reserve_fen, last_step, steps, \
     price_fen, finished_on, withdrawn_on, withdraw_reason, note, version, created_by, \
     created_by_name, created_at, updated_at";

/// A disposal to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisposal {
    pub court_id: i64,
    pub case_id: i64,
    pub finding_id: i64,
    pub measure_id: i64,
    pub party_id: i64,
    pub asset_kind: String,
    pub seized_on: String,
    pub started_on: String,
    pub note: String,
    pub created_by: Option<i64>,
    pub created_by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DisposalStepRow {
    pub id: i64,
    pub disposal_id: i64,
    pub case_id: i64,
    pub seq: i64,
    /// `zhixing_domain::disposal::StepKind` key.
    pub kind: String,
    pub pricing_method: Option<String>,
    pub reserve_fen: Option<i64>,
    /// `priced`, `sold` or `unsold`.
    pub outcome: String,
    pub price_fen: Option<i64>,
    pub started_on: String,
    pub ended_on: String,
    pub note: String,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub created_at: i64,
}

const STEP_COLUMNS: &str = "id, disposal_id, case_id, seq, kind, pricing_method, reserve_fen, \
     outcome, price_fen, started_on, ended_on, note, recorded_by, recorded_by_name, created_at";

/// A step to write, with the disposal's standing after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisposalStep {
    pub disposal_id: i64,
    /// The disposal's version the step was decided against.
    pub version: i64,
    pub case_id: i64,
    pub kind: String,
    pub pricing_method: Option<String>,
    pub reserve_fen: Option<i64>,
    pub outcome: String,
    pub price_fen: Option<i64>,
    pub started_on: String,
    pub ended_on: String,
    pub note: String,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    /// The disposal after the step.
    pub reference_fen: Option<i64>,
    pub last_reserve_fen: Option<i64>,
    /// Sold or transferred: the disposal is finished at `price_fen` on `ended_on`.
    pub finishes: bool,
}

/// One seal of real estate on the supervision list, with its latest disposal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SeizedRow {
    pub measure_id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub officer_name: Option<String>,
    pub institution: String,
    pub description: String,
    pub seized_on: String,
    pub end_on: Option<String>,
    /// The seal's status (`in_force`, `lifted`, `expired`).
    pub measure_status: String,
    pub disposal_id: Option<i64>,
    pub disposal_status: Option<String>,
    pub started_on: Option<String>,
    pub last_step: Option<String>,
    pub price_fen: Option<i64>,
    pub finished_on: Option<String>,
}

/// The overdue dates of one court: seals on or before `decide_by` without a disposal are late
/// to decide; on or before `finish_by` and not finished, late to finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtCutoffs {
    pub court_id: i64,
    pub decide_cutoff: String,
    pub finish_cutoff: String,
}

/// The supervision list's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeizedQuery {
    pub cutoffs: Vec<CourtCutoffs>,
    /// `awaiting` (no disposal yet), `open`, `finished`, `withdrawn`; `None`: all.
    pub state: Option<String>,
    pub overdue_only: bool,
    pub limit: i64,
    pub offset: i64,
}

const SEIZED_FROM: &str = "FROM control_measures m \
     JOIN cases c ON c.id = m.case_id \
     JOIN asset_findings f ON f.id = m.finding_id \
     LEFT JOIN disposals d ON d.id = (SELECT MAX(d2.id) FROM disposals d2 WHERE d2.measure_id = m.id) \
     LEFT JOIN users u ON u.id = c.officer_id";

/// SQL with `$n` placeholders and the values bound to them, in order.
struct Cond {
    text: String,
    values: Vec<Val>,
}

enum Val {
    I(i64),
    S(String),
}

impl Cond {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn val(&mut self, v: Val) {
        self.values.push(v);
        self.text.push_str(&format!("${}", self.values.len()));
    }

    fn args(&self) -> StoreResult<AnyArguments<'static>> {
        let mut args = AnyArguments::default();
        for v in &self.values {
            match v {
                Val::I(i) => bind(&mut args, *i)?,
                Val::S(s) => bind(&mut args, s.clone())?,
            }
        }
        Ok(args)
    }
}

/// The WHERE clause of the list: the courts' seals of real estate, then the filters.
fn seized_condition(q: &SeizedQuery) -> Cond {
    let mut c = Cond {
        text: String::new(),
        values: Vec::new(),
    };
    c.push("m.court_id IN (");
    for (i, k) in q.cutoffs.iter().enumerate() {
        if i > 0 {
            c.push(", ");
        }
        c.val(Val::I(k.court_id));
    }
    c.push(") AND m.asset_kind = 'real_estate' AND m.control_kind = 'seal'");
    match q.state.as_deref() {
        Some("awaiting") => c.push(" AND d.id IS NULL"),
        Some(s) => {
            c.push(" AND d.status = ");
            c.val(Val::S(s.to_string()));
        }
        None => {}
    }
    if q.overdue_only {
        // Late to decide: no disposal while the seal holds; late to finish: no disposal or
        // one still open. Each court with its own limits.
        c.push(" AND (");
        for (i, k) in q.cutoffs.iter().enumerate() {
            if i > 0 {
                c.push(" OR ");
            }
            c.push("(m.court_id = ");
            c.val(Val::I(k.court_id));
            c.push(" AND ((d.id IS NULL AND m.status = 'in_force' AND m.start_on <= ");
            c.val(Val::S(k.decide_cutoff.clone()));
            c.push(") OR (d.status = 'open' AND m.start_on <= ");
            c.val(Val::S(k.finish_cutoff.clone()));
            c.push(")))");
        }
        c.push(")");
    }
    c
}

impl Store {
    pub async fn disposal(&self, id: i64) -> StoreResult<Option<DisposalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A case's disposals, oldest first.
    pub async fn case_disposals(&self, case_id: i64) -> StoreResult<Vec<DisposalRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// A case's disposal steps, by disposal and in order.
    pub async fn case_disposal_steps(&self, case_id: i64) -> StoreResult<Vec<DisposalStepRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STEP_COLUMNS} FROM disposal_steps WHERE case_id = $1 \
             ORDER BY disposal_id, seq"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// A page of the seized-real-estate list (oldest seizure first) and how many rows match.
    pub async fn seized_real_estate(&self, q: &SeizedQuery) -> StoreResult<(Vec<SeizedRow>, i64)> {
        if q.cutoffs.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let cond = seized_condition(q);
        let total: i64 = sqlx::query_scalar_with(
            &format!("SELECT COUNT(*) {SEIZED_FROM} WHERE {}", cond.text),
            cond.args()?,
        )
        .fetch_one(&self.read)
        .await?;
        let n = cond.values.len();
        let sql = format!(
            "SELECT m.id AS measure_id, m.court_id, m.case_id, c.case_number, \
             u.display_name AS officer_name, f.institution, f.description, \
             m.start_on AS seized_on, m.end_on, m.status AS measure_status, \
             d.id AS disposal_id, d.status AS disposal_status, d.started_on, d.last_step, \
             d.price_fen, d.finished_on \
             {SEIZED_FROM} WHERE {} ORDER BY m.start_on, m.id LIMIT ${} OFFSET ${}",
            cond.text,
            n + 1,
            n + 2
        );
        let mut args = cond.args()?;
        bind(&mut args, q.limit)?;
        bind(&mut args, q.offset)?;
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?;
        Ok((rows, total))
    }
}

impl WriteTx {
    pub async fn insert_disposal(&mut self, d: &NewDisposal) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO disposals (court_id, case_id, finding_id, measure_id, party_id, \
             asset_kind, seized_on, started_on, status, steps, note, version, created_by, \
             created_by_name, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', 0, $9, 1, $10, $11, $12, $12) \
             RETURNING id",
        )
        .bind(d.court_id)
        .bind(d.case_id)
        .bind(d.finding_id)
        .bind(d.measure_id)
        .bind(d.party_id)
        .bind(&d.asset_kind)
        .bind(&d.seized_on)
        .bind(&d.started_on)
        .bind(&d.note)
        .bind(d.created_by)
        .bind(&d.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// A disposal read for changing (a no-op update first takes the row or write lock).
    pub async fn disposal_for_update(&mut self, id: i64) -> StoreResult<Option<DisposalRow>> {
        sqlx::query("UPDATE disposals SET version = version WHERE id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await?;
        Ok(sqlx::query_as(&format!(
            "SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// The disposals of a seized asset that are under way or done (at most one).
    pub async fn live_disposals_in_tx(&mut self, measure_id: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM disposals WHERE measure_id = $1 AND status <> 'withdrawn'",
        )
        .bind(measure_id)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn disposal_steps_in_tx(
        &mut self,
        disposal_id: i64,
    ) -> StoreResult<Vec<DisposalStepRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {STEP_COLUMNS} FROM disposal_steps WHERE disposal_id = $1 ORDER BY seq"
        ))
        .bind(disposal_id)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Adds a step to a disposal still open at `s.version` and moves the disposal's standing;
    /// `None` when someone changed it first, else the step's id.
    pub async fn insert_disposal_step(&mut self, s: &NewDisposalStep) -> StoreResult<Option<i64>> {
        let status = if s.finishes { "finished" } else { "open" };
        let finished_on = s.finishes.then(|| s.ended_on.clone());
        let price = if s.finishes { s.price_fen } else { None };
        let r = sqlx::query(
            "UPDATE disposals SET status = $1, reference_fen = $2, last_reserve_fen = $3, \
             last_step = $4, steps = steps + 1, price_fen = $5, finished_on = $6, \
             version = version + 1, updated_at = $7 \
             WHERE id = $8 AND version = $9 AND status = 'open'",
        )
        .bind(status)
        .bind(s.reference_fen)
        .bind(s.last_reserve_fen)
        .bind(&s.kind)
        .bind(price)
        .bind(finished_on)
        .bind(self.now)
        .bind(s.disposal_id)
        .bind(s.version)
        .execute(&mut *self.tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(None);
        }
        let seq: i64 = sqlx::query_scalar("SELECT steps FROM disposals WHERE id = $1")
            .bind(s.disposal_id)
            .fetch_one(&mut *self.tx)
            .await?;
        let id = sqlx::query_scalar(
            "INSERT INTO disposal_steps (disposal_id, case_id, seq, kind, pricing_method, \
             reserve_fen, outcome, price_fen, started_on, ended_on, note, recorded_by, \
             recorded_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(s.disposal_id)
        .bind(s.case_id)
        .bind(seq)
        .bind(&s.kind)
        .bind(&s.pricing_method)
        .bind(s.reserve_fen)
        .bind(&s.outcome)
        .bind(s.price_fen)
        .bind(&s.started_on)
        .bind(&s.ended_on)
        .bind(&s.note)
        .bind(s.recorded_by)
        .bind(&s.recorded_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(Some(id))
    }

    /// Withdraws a disposal still open at `version`; false when someone was first.
    pub async fn withdraw_disposal(
        &mut self,
        id: i64,
        version: i64,
        on: &str,
        reason: &str,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE disposals SET status = 'withdrawn', withdrawn_on = $1, withdraw_reason = $2, \
             version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5 AND status = 'open'",
        )
        .bind(on)
        .bind(reason)
        .bind(self.now)
        .bind(id)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        Ok(r.rows_affected() == 1)
    }
}
