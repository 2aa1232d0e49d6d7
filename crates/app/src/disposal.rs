//! Disposal of seized property (财产处置) through the pipeline.
//!
//! A disposal starts on a seized asset of the case — a seal (查封) or a detention (扣押) in
//! force, placed on one of the case's findings — and goes through the steps the domain allows
//! (`zhixing_domain::disposal`): the reference price (议价, 定向询价, 网络询价, 委托评估), the first
//! auction at a reserve of at least 70% of it, the second at most 20% lower, then sale (变卖)
//! or transfer in satisfaction of the debt (以物抵债) at no less than the last reserve. Each step
//! carries its dates (not in the future, ended on or after started, not before the step
//! before) and its outcome; a sale or an accepted transfer finishes the disposal. A disposal
//! may be withdrawn with a reason (paid, settled, the seal lifted).
//!
//! Checks, as everywhere: staff of the case's own court, the case open, the lock whitelist key
//! `dispose_asset`, the disposal's version by compare-and-set. Each command writes its rows and
//! its case event in one transaction, and the events drive the process nodes
//! `decide_disposal` (30 days from the seizure, completed by `DisposalStarted`) and
//! `complete_disposal` (90 days from the seizure, completed by `DisposalFinished` or
//! `DisposalWithdrawn`). The seizure event (`PropertySeized`) is written by the control
//! measure commands (`assets.rs`). Proceeds are not written here: the money arrives in the
//! case account and is recorded through the funds module.
//!
//! Reads: the case page (each seized asset, its disposals and steps, what may come next with
//! the legal minimum) and the court's supervision list of seized real estate, whose overdue
//! filter asks the database for seizures on or before each court's cutoff dates
//! (`disposal::overdue_cutoff`), so it pages in SQL.

use chrono::NaiveDate;
use serde_json::json;
use zhixing_domain::asset::{AssetKind, ControlKind, ControlStatus};
use zhixing_domain::case::Stage;
use zhixing_domain::disposal::{self as rules, Bounds, PricingMethod, Step, StepKind, StepOutcome};
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::Happened;
use zhixing_domain::money::Fen;
use zhixing_domain::period::{due_date_only, PeriodLimit};
use zhixing_domain::role::Role;
use zhixing_store::disposal::{
    CourtCutoffs, DisposalRow, DisposalStepRow, NewDisposal, NewDisposalStep, SeizedQuery,
};
use zhixing_store::rows::CaseRow;
use zhixing_store::WriteTx;

use crate::assets::parse_day;
use crate::commands::{case_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::measures::{closed_case, text};
use crate::node_rules::NodeRules;
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Who disposes of seized property on a case of their court: the staff who seize it.
pub const DISPOSAL_STAFF: &[Role] = &[Clerk, Officer, Judge, TeamLeader];

/// Who may read the court's list of seized real estate.
pub const LIST_READERS: &[Role] = &[
    Clerk,
    Officer,
    Judge,
    TeamLeader,
    BureauChief,
    President,
    Supervisor,
];

/// The lock whitelist's key.
pub const LOCK_KEY: &str = "dispose_asset";

/// The process nodes of the local rule (decide within 30 days, finish within 90).
pub const DECIDE_NODE: &str = "decide_disposal";
pub const FINISH_NODE: &str = "complete_disposal";

/// Supervision list rows per page.
pub const LIST_PAGE: u32 = 50;

/// Starting the disposal of a seized asset of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartInput {
    pub case_id: i64,
    /// The seal or detention (`control_measures`).
    pub measure_id: i64,
    /// The decision's date.
    pub started_on: NaiveDate,
    pub note: String,
}

/// A step as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInput {
    pub disposal_id: i64,
    /// The disposal's version last read.
    pub version: i64,
    pub kind: StepKind,
    /// Pricing only.
    pub method: Option<PricingMethod>,
    /// Auctions only: the reserve (起拍价).
    pub reserve: Option<Fen>,
    pub outcome: StepOutcome,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub note: String,
}

/// Where a seized asset's disposal stands, for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalState {
    /// No disposal decided yet.
    Awaiting,
    Open,
    Finished,
    Withdrawn,
}

impl DisposalState {
    pub const ALL: [DisposalState; 4] = [
        DisposalState::Awaiting,
        DisposalState::Open,
        DisposalState::Finished,
        DisposalState::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DisposalState::Awaiting => "awaiting",
            DisposalState::Open => "open",
            DisposalState::Finished => "finished",
            DisposalState::Withdrawn => "withdrawn",
        }
    }

    pub fn from_key(key: &str) -> AppResult<DisposalState> {
        DisposalState::ALL
            .into_iter()
            .find(|s| s.key() == key.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "disposal.unknown_state",
                    format!("未知的处置状态“{}”", key.trim()),
                    format!("unknown disposal state \"{}\"", key.trim()),
                )
            })
    }

    fn of(status: Option<&str>) -> DisposalState {
        match status {
            None => DisposalState::Awaiting,
            Some("finished") => DisposalState::Finished,
            Some("withdrawn") => DisposalState::Withdrawn,
            Some(_) => DisposalState::Open,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DisposalState::Awaiting => "未启动处置",
            DisposalState::Open => "处置中",
            DisposalState::Finished => "处置完毕",
            DisposalState::Withdrawn => "已撤回",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DisposalState::Awaiting => "Not started",
            DisposalState::Open => "Under way",
            DisposalState::Finished => "Finished",
            DisposalState::Withdrawn => "Withdrawn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    pub seq: i64,
    pub kind: StepKind,
    pub method: Option<PricingMethod>,
    pub reserve: Option<Fen>,
    pub outcome: StepOutcome,
    pub started_on: String,
    pub ended_on: String,
    pub note: String,
    pub recorded_by_name: String,
}

/// A step that may come next, with the reserve or price the law allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub kind: StepKind,
    pub bounds: Option<Bounds>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisposalView {
    pub id: i64,
    pub state: DisposalState,
    pub started_on: String,
    pub note: String,
    pub reference: Option<Fen>,
    pub price: Option<Fen>,
    pub finished_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdraw_reason: Option<String>,
    pub created_by_name: String,
    pub version: i64,
    pub steps: Vec<StepView>,
    /// Empty unless open.
    pub next: Vec<NextStep>,
}

/// A seized asset of the case with its disposals (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeizedAsset {
    pub measure_id: i64,
    pub finding_id: i64,
    pub asset: AssetKind,
    pub control: ControlKind,
    pub institution: String,
    pub description: String,
    pub debtor_name: String,
    pub seized_on: NaiveDate,
    pub end_on: Option<String>,
    /// The seal or detention as of today.
    pub status: ControlStatus,
    pub days_since: i64,
    /// The last days to decide and to finish (the court's limits, CPL art. 85).
    pub decide_by: NaiveDate,
    pub finish_by: NaiveDate,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
    pub state: DisposalState,
    pub disposals: Vec<DisposalView>,
    /// A disposal can be started (seized, in force, none under way or done).
    pub may_start: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDisposalView {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub open: bool,
    pub today: NaiveDate,
    pub assets: Vec<SeizedAsset>,
    /// Whether the actor may start, record and withdraw here.
    pub may_act: bool,
}

/// The supervision list's filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct RealEstateFilter {
    /// One court (which the actor must see); `None`: all the actor's courts.
    pub court_id: Option<i64>,
    pub state: Option<DisposalState>,
    pub overdue_only: bool,
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RealEstateLine {
    pub measure_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    pub officer_name: Option<String>,
    pub institution: String,
    pub description: String,
    pub seized_on: NaiveDate,
    pub seal_status: ControlStatus,
    pub days_since: i64,
    pub decide_by: NaiveDate,
    pub finish_by: NaiveDate,
    pub state: DisposalState,
    pub disposal_id: Option<i64>,
    pub started_on: Option<String>,
    pub last_step: Option<StepKind>,
    pub price: Option<Fen>,
    pub finished_on: Option<String>,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RealEstatePage {
    pub filter: RealEstateFilter,
    pub today: NaiveDate,
    pub items: Vec<RealEstateLine>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl RealEstatePage {
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
    }
}

fn stale() -> AppError {
    AppError::Conflict(
        "处置记录已被他人修改，请刷新后重试 / the disposal was changed by someone else; reload and try again"
            .into(),
    )
}

fn not_future(d: NaiveDate, today: NaiveDate, zh: &str, en: &str) -> AppResult<()> {
    if d > today {
        return Err(AppError::invalid(
            "disposal.date_in_future",
            format!("{zh}（{d}）不能晚于今天"),
            format!("the {en} ({d}) cannot be after today"),
        ));
    }
    Ok(())
}

/// The seizures a disposal can follow: a seal or a detention (a frozen deposit is deducted,
/// never auctioned).
fn is_seizure(c: ControlKind) -> bool {
    matches!(c, ControlKind::Seal | ControlKind::Detain)
}

/// The day limits of a court's two disposal nodes, the defaults where the court dropped them.
fn limits(court: &NodeRules) -> (PeriodLimit, PeriodLimit) {
    let of = |key: &str, days: u32| {
        court
            .set
            .get(key)
            .map_or(PeriodLimit::Days(days), |d| d.limit)
    };
    (
        of(DECIDE_NODE, rules::DECIDE_WITHIN_DAYS),
        of(FINISH_NODE, rules::FINISH_WITHIN_DAYS),
    )
}

/// The last days to decide and to finish a disposal of property seized on `seized_on`.
fn deadlines(court: &NodeRules, seized_on: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    let (decide, finish) = limits(court);
    Ok((
        due_date_only(seized_on, decide, &court.calendar, 0)?,
        due_date_only(seized_on, finish, &court.calendar, 0)?,
    ))
}

/// Late to decide (no disposal while the seizure holds) and late to finish (none yet, or one
/// still open), as the list's SQL filter says it.
fn overdue_flags(
    state: DisposalState,
    seizure_holds: bool,
    today: NaiveDate,
    decide_by: NaiveDate,
    finish_by: NaiveDate,
) -> (bool, bool) {
    let awaiting = state == DisposalState::Awaiting && seizure_holds;
    (
        awaiting && today > decide_by,
        (awaiting || state == DisposalState::Open) && today > finish_by,
    )
}

fn outcome_key(o: StepOutcome) -> (&'static str, Option<Fen>) {
    match o {
        StepOutcome::Priced { price } => ("priced", Some(price)),
        StepOutcome::Sold { price } => ("sold", Some(price)),
        StepOutcome::Unsold => ("unsold", None),
    }
}

fn outcome_of(key: &str, price: Option<i64>) -> AppResult<StepOutcome> {
    match (key, price) {
        ("priced", Some(p)) => Ok(StepOutcome::Priced { price: Fen(p) }),
        ("sold", Some(p)) => Ok(StepOutcome::Sold { price: Fen(p) }),
        ("unsold", _) => Ok(StepOutcome::Unsold),
        _ => Err(AppError::Internal(format!("stored outcome \"{key}\""))),
    }
}

fn domain_step(r: &DisposalStepRow) -> AppResult<Step> {
    Ok(Step {
        kind: StepKind::from_key(&r.kind)?,
        reserve: r.reserve_fen.map(Fen),
        outcome: outcome_of(&r.outcome, r.price_fen)?,
    })
}

fn step_view(r: &DisposalStepRow) -> AppResult<StepView> {
    let s = domain_step(r)?;
    Ok(StepView {
        seq: r.seq,
        kind: s.kind,
        method: r
            .pricing_method
            .as_deref()
            .map(PricingMethod::from_key)
            .transpose()?,
        reserve: s.reserve,
        outcome: s.outcome,
        started_on: r.started_on.clone(),
        ended_on: r.ended_on.clone(),
        note: r.note.clone(),
        recorded_by_name: r.recorded_by_name.clone(),
    })
}

fn disposal_view(d: &DisposalRow, steps: &[DisposalStepRow]) -> AppResult<DisposalView> {
    let views = steps.iter().map(step_view).collect::<AppResult<Vec<_>>>()?;
    let domain: Vec<Step> = steps.iter().map(domain_step).collect::<AppResult<_>>()?;
    let state = DisposalState::of(Some(d.status.as_str()));
    let next = if state == DisposalState::Open {
        rules::next_steps(&domain)
            .into_iter()
            .map(|k| NextStep {
                kind: k,
                bounds: rules::bounds(&domain, k),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DisposalView {
        id: d.id,
        state,
        started_on: d.started_on.clone(),
        note: d.note.clone(),
        reference: d.reference_fen.map(Fen),
        price: d.price_fen.map(Fen),
        finished_on: d.finished_on.clone(),
        withdrawn_on: d.withdrawn_on.clone(),
        withdraw_reason: d.withdraw_reason.clone(),
        created_by_name: d.created_by_name.clone(),
        version: d.version,
        steps: views,
        next,
    })
}

/// A step's words for the event: "一拍（起拍价 700,000.00 元）：流拍".
fn step_words(s: &StepInput) -> (String, String) {
    let mut zh = s.kind.name_zh().to_string();
    let mut en = s.kind.name_en().to_string();
    if let Some(m) = s.method {
        zh.push_str(&format!("（{}）", m.name_zh()));
        en.push_str(&format!(" ({})", m.name_en()));
    }
    if let Some(r) = s.reserve {
        zh.push_str(&format!("（起拍价 {r} 元）"));
        en.push_str(&format!(" (reserve {r} yuan)"));
    }
    match s.outcome {
        StepOutcome::Priced { price } => {
            zh.push_str(&format!("：参考价 {price} 元"));
            en.push_str(&format!(": reference price {price} yuan"));
        }
        StepOutcome::Sold { price } if s.kind == StepKind::Transfer => {
            zh.push_str(&format!("：申请执行人接受，抵债价 {price} 元"));
            en.push_str(&format!(": accepted by the applicant at {price} yuan"));
        }
        StepOutcome::Sold { price } => {
            zh.push_str(&format!("：成交，成交价 {price} 元"));
            en.push_str(&format!(": sold at {price} yuan"));
        }
        StepOutcome::Unsold if s.kind == StepKind::Transfer => {
            zh.push_str("：申请执行人不接受");
            en.push_str(": declined by the applicant");
        }
        StepOutcome::Unsold => {
            zh.push_str("：流拍（未成交）");
            en.push_str(": unsold");
        }
    }
    zh.push_str(&format!("，{} 至 {}", s.started_on, s.ended_on));
    en.push_str(&format!(", {} to {}", s.started_on, s.ended_on));
    (zh, en)
}

impl App {
    /// The case as the actor may act on it: visible (else not found), of the actor's own court,
    /// open.
    async fn disposal_case(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
    ) -> AppResult<CaseRow> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        self.court_scope(actor, case.court_id, cmd)?;
        if !Stage::from_key(&case.stage)?.is_open() {
            return Err(closed_case());
        }
        Ok(case)
    }

    /// In the write: the case still open and, if locked, allowing `dispose_asset`.
    async fn disposal_case_in_tx(&self, tx: &mut WriteTx, case_id: i64) -> AppResult<CaseRow> {
        let case = tx
            .case_for_update(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !Stage::from_key(&case.stage)?.is_open() {
            return Err(closed_case());
        }
        self.check_locked_key_in_tx(tx, &case, LOCK_KEY).await?;
        Ok(case)
    }

    /// The node reactions and the case events of a disposal command.
    async fn disposal_events_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        happened: &[Happened],
    ) -> AppResult<()> {
        let kinds: Vec<EventKind> = happened.iter().map(|h| h.kind).collect();
        crate::nodes::react_in_tx(
            self,
            tx,
            case.court_id,
            case.id,
            &kinds,
            case.suspended != 0,
        )
        .await?;
        let events: Vec<_> = happened
            .iter()
            .map(|h| case_event(actor, case.court_id, case.id, tx.now, h))
            .collect();
        tx.append_events(&events).await?;
        Ok(())
    }

    pub(crate) async fn disposal_command(
        &self,
        actor: &Actor,
        cmd: &Command,
    ) -> AppResult<Outcome> {
        match cmd {
            Command::StartDisposal(i) => self.start_disposal(actor, cmd, i).await,
            Command::RecordDisposalStep(i) => self.record_disposal_step(actor, cmd, i).await,
            Command::WithdrawDisposal {
                disposal_id,
                version,
                reason,
            } => {
                self.withdraw_disposal(actor, cmd, *disposal_id, *version, reason)
                    .await
            }
            _ => Err(AppError::Internal("not a disposal command".into())),
        }
    }

    async fn start_disposal(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &StartInput,
    ) -> AppResult<Outcome> {
        let case = self.disposal_case(actor, cmd, i.case_id).await?;
        let m = self
            .store
            .control_measure(i.measure_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if m.case_id != case.id {
            return Err(AppError::invalid(
                "disposal.other_case",
                "该财产不是本案查封、扣押的财产，不能在本案处置",
                "this property was not seized in this case and cannot be disposed of here",
            ));
        }
        let control = ControlKind::from_key(&m.control_kind)?;
        let asset = AssetKind::from_key(&m.asset_kind)?;
        if !is_seizure(control) {
            return Err(AppError::invalid(
                "disposal.not_seized",
                format!(
                    "只能处置已查封、扣押的财产；该{}为{}措施（冻结的款项以扣划方式执行，不经拍卖）",
                    asset.name_zh(),
                    control.name_zh()
                ),
                format!(
                    "only sealed or detained property is disposed of; this {} is under a {} (frozen money is deducted, not auctioned)",
                    asset.name_en(),
                    control.name_en()
                ),
            ));
        }
        let today = beijing_date(zhixing_store::now_ms());
        not_future(i.started_on, today, "处置决定日期", "decision date")?;
        let seized_on = parse_day(&m.start_on)?;
        if i.started_on < seized_on {
            return Err(AppError::invalid(
                "disposal.before_seizure",
                format!(
                    "处置决定日期（{}）不能早于查封、扣押日期（{seized_on}）",
                    i.started_on
                ),
                format!(
                    "the decision ({}) cannot come before the seizure ({seized_on})",
                    i.started_on
                ),
            ));
        }
        let note = text(&i.note, 500, "disposal.note_too_long", "说明", "note")?;
        let finding = self
            .store
            .asset_finding(m.finding_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("finding of measure {}", m.id)))?;
        let debtor = self
            .store
            .case_parties(case.id)
            .await?
            .into_iter()
            .find(|p| p.party_id == m.party_id)
            .map(|p| p.name)
            .unwrap_or_default();
        let mut tx = self.store.begin_write().await?;
        let case = self.disposal_case_in_tx(&mut tx, case.id).await?;
        // The seizure as it is now: still in force (not lifted, not lapsed).
        let m = tx
            .control_measure_for_update(m.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let end = m.end_on.as_deref().map(parse_day).transpose()?;
        let status = ControlStatus::from_key(&m.status)
            .ok_or_else(|| AppError::Internal(format!("stored status \"{}\"", m.status)))?
            .on(end, beijing_date(tx.now));
        if status != ControlStatus::InForce {
            return Err(AppError::invalid(
                "disposal.not_in_force",
                format!(
                    "该{}的{}{}，不能启动处置",
                    asset.name_zh(),
                    control.name_zh(),
                    status.name_zh()
                ),
                format!(
                    "the {} of this {} is {}; no disposal can start",
                    control.name_en(),
                    asset.name_en(),
                    status.name_en().to_lowercase()
                ),
            ));
        }
        if tx.live_disposals_in_tx(m.id).await? > 0 {
            return Err(AppError::invalid(
                "disposal.already_started",
                "该财产已在处置中或已处置完毕",
                "this property is already being disposed of, or was",
            ));
        }
        let id = tx
            .insert_disposal(&NewDisposal {
                court_id: case.court_id,
                case_id: case.id,
                finding_id: m.finding_id,
                measure_id: m.id,
                party_id: m.party_id,
                asset_kind: asset.key().into(),
                seized_on: seized_on.to_string(),
                started_on: i.started_on.to_string(),
                note: note.clone(),
                created_by: actor.user_id,
                created_by_name: actor.display_name.clone(),
            })
            .await?;
        let h = Happened {
            kind: EventKind::DisposalStarted,
            payload: json!({
                "disposal_id": id, "measure_id": m.id, "finding_id": m.finding_id,
                "asset_kind": asset.key(), "seized_on": seized_on.to_string(),
                "started_on": i.started_on.to_string(), "note": note,
                "summary": format!("{} 决定处置被执行人{}名下{}（{}），{} {}", i.started_on, debtor, asset.name_zh(), finding.institution, seized_on, control.name_zh()),
                "summary_en": format!("decided on {} to dispose of the {} of {} ({}), {} on {seized_on}", i.started_on, asset.name_en(), debtor, finding.institution, control.name_en().to_lowercase()),
            }),
        };
        self.disposal_events_in_tx(&mut tx, actor, &case, &[h])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    async fn record_disposal_step(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &StepInput,
    ) -> AppResult<Outcome> {
        let d = self
            .store
            .disposal(i.disposal_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.disposal_case(actor, cmd, d.case_id).await?;
        let today = beijing_date(zhixing_store::now_ms());
        not_future(i.started_on, today, "开始日期", "start date")?;
        not_future(i.ended_on, today, "结束日期", "end date")?;
        if i.ended_on < i.started_on {
            return Err(AppError::invalid(
                "disposal.ended_before_started",
                format!(
                    "结束日期（{}）不能早于开始日期（{}）",
                    i.ended_on, i.started_on
                ),
                format!(
                    "the end date ({}) cannot come before the start ({})",
                    i.ended_on, i.started_on
                ),
            ));
        }
        let method = match (i.kind, i.method) {
            (StepKind::Pricing, None) => {
                return Err(AppError::invalid(
                    "disposal.method_required",
                    "确定参考价须选择定价方式（当事人议价、定向询价、网络询价或委托评估）",
                    "pricing needs its method (agreed price, directed inquiry, online inquiry or valuation)",
                ))
            }
            (StepKind::Pricing, m) => m,
            _ => None,
        };
        let reserve = match (i.kind, i.reserve) {
            (StepKind::FirstAuction | StepKind::SecondAuction, None) => {
                return Err(AppError::invalid(
                    "disposal.reserve_required",
                    format!("{}须填写起拍价", i.kind.name_zh()),
                    format!("the {} needs its reserve", i.kind.name_en()),
                ))
            }
            (StepKind::FirstAuction | StepKind::SecondAuction, r) => r,
            _ => None,
        };
        let note = text(&i.note, 500, "disposal.note_too_long", "说明", "note")?;
        let step = Step {
            kind: i.kind,
            reserve,
            outcome: i.outcome,
        };
        let mut tx = self.store.begin_write().await?;
        let case = self.disposal_case_in_tx(&mut tx, case.id).await?;
        let d = tx
            .disposal_for_update(d.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if d.status != "open" {
            let state = DisposalState::of(Some(d.status.as_str()));
            return Err(AppError::invalid(
                "disposal.not_open",
                format!("该处置{}，不能再登记处置环节", state.name_zh()),
                format!(
                    "this disposal is {}; no more steps can be recorded",
                    state.name_en().to_lowercase()
                ),
            ));
        }
        if d.version != i.version {
            return Err(stale());
        }
        let rows = tx.disposal_steps_in_tx(d.id).await?;
        let previous_end = match rows.last() {
            Some(r) => parse_day(&r.ended_on)?,
            None => parse_day(&d.started_on)?,
        };
        if i.started_on < previous_end {
            return Err(AppError::invalid(
                "disposal.step_before_previous",
                format!(
                    "{}的开始日期（{}）不能早于上一环节结束或决定处置的日期（{previous_end}）",
                    i.kind.name_zh(),
                    i.started_on
                ),
                format!(
                    "the {} cannot start ({}) before the previous step ended or the disposal was decided ({previous_end})",
                    i.kind.name_en(),
                    i.started_on
                ),
            ));
        }
        let mut steps: Vec<Step> = rows.iter().map(domain_step).collect::<AppResult<_>>()?;
        rules::check_step(&steps, &step)?;
        steps.push(step);
        let standing = rules::standing(&steps);
        let last_reserve = match reserve {
            Some(r) => Some(r.0),
            None if i.kind == StepKind::Pricing => None,
            None => d.last_reserve_fen,
        };
        let (outcome, price) = outcome_key(i.outcome);
        let step_id = tx
            .insert_disposal_step(&NewDisposalStep {
                disposal_id: d.id,
                version: d.version,
                case_id: case.id,
                kind: i.kind.key().into(),
                pricing_method: method.map(|m| m.key().to_string()),
                reserve_fen: reserve.map(|r| r.0),
                outcome: outcome.into(),
                price_fen: price.map(|p| p.0),
                started_on: i.started_on.to_string(),
                ended_on: i.ended_on.to_string(),
                note: note.clone(),
                recorded_by: actor.user_id,
                recorded_by_name: actor.display_name.clone(),
                reference_fen: standing.reference.map(|r| r.0),
                last_reserve_fen: last_reserve,
                finishes: standing.finished,
            })
            .await?;
        if step_id.is_none() {
            return Err(stale());
        }
        let asset = AssetKind::from_key(&d.asset_kind)?;
        let (zh, en) = step_words(&StepInput {
            method,
            reserve,
            ..i.clone()
        });
        let mut happened = vec![Happened {
            kind: EventKind::DisposalStepRecorded,
            payload: json!({
                "disposal_id": d.id, "seq": rows.len() + 1, "kind": i.kind.key(),
                "pricing_method": method.map(|m| m.key()), "reserve_fen": reserve.map(|r| r.0),
                "outcome": outcome, "price_fen": price.map(|p| p.0),
                "started_on": i.started_on.to_string(), "ended_on": i.ended_on.to_string(),
                "finishes": standing.finished, "note": note,
                "summary": format!("{}：{zh}", asset.name_zh()),
                "summary_en": format!("{}: {en}", asset.name_en()),
            }),
        }];
        if standing.finished {
            let price = price.unwrap_or(Fen::ZERO);
            happened.push(Happened {
                kind: EventKind::DisposalFinished,
                payload: json!({
                    "disposal_id": d.id, "kind": i.kind.key(), "price_fen": price.0,
                    "finished_on": i.ended_on.to_string(),
                    "summary": format!("{}以{}方式处置完毕，价款 {price} 元（{}）；价款到账后在案款中登记，本处置记录不计入案款", asset.name_zh(), i.kind.name_zh(), i.ended_on),
                    "summary_en": format!("the {} was disposed of by {} at {price} yuan ({}); the proceeds are recorded in the case funds when received, not by this record", asset.name_en(), i.kind.name_en().to_lowercase(), i.ended_on),
                }),
            });
        }
        self.disposal_events_in_tx(&mut tx, actor, &case, &happened)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: step_id,
            version: Some(d.version + 1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    async fn withdraw_disposal(
        &self,
        actor: &Actor,
        cmd: &Command,
        disposal_id: i64,
        version: i64,
        reason: &str,
    ) -> AppResult<Outcome> {
        let d = self
            .store
            .disposal(disposal_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.disposal_case(actor, cmd, d.case_id).await?;
        let reason = text(reason, 500, "case.reason_too_long", "理由", "reason")?;
        if reason.is_empty() {
            return Err(AppError::invalid(
                "case.reason_required",
                "请填写理由",
                "a reason is required",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let case = self.disposal_case_in_tx(&mut tx, case.id).await?;
        let current = tx
            .disposal_for_update(d.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.status != "open" {
            let state = DisposalState::of(Some(current.status.as_str()));
            return Err(AppError::invalid(
                "disposal.not_open",
                format!("该处置{}，不能撤回", state.name_zh()),
                format!(
                    "this disposal is {}; it cannot be withdrawn",
                    state.name_en().to_lowercase()
                ),
            ));
        }
        let today = beijing_date(tx.now).to_string();
        if current.version != version
            || !tx.withdraw_disposal(d.id, version, &today, &reason).await?
        {
            return Err(stale());
        }
        let asset = AssetKind::from_key(&d.asset_kind)?;
        let h = Happened {
            kind: EventKind::DisposalWithdrawn,
            payload: json!({
                "disposal_id": d.id, "reason": reason,
                "summary": format!("撤回对{}的处置；理由：{reason}", asset.name_zh()),
                "summary_en": format!("withdrew the disposal of the {}; reason: {reason}", asset.name_en()),
            }),
        };
        self.disposal_events_in_tx(&mut tx, actor, &case, &[h])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(d.id),
            version: Some(version + 1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    /// A case's seized assets with their disposals, for the page and the API.
    pub async fn case_disposal(&self, actor: &Actor, case_id: i64) -> AppResult<CaseDisposalView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        let today = beijing_date(zhixing_store::now_ms());
        let node_rules = self.node_rules(case.court_id).await?;
        let findings = self.store.asset_findings(case.id).await?;
        let parties = self.store.case_parties(case.id).await?;
        let disposals = self.store.case_disposals(case.id).await?;
        let steps = self.store.case_disposal_steps(case.id).await?;
        let open = Stage::from_key(&case.stage)?.is_open();
        let may_act = actor.court_id == case.court_id && DISPOSAL_STAFF.contains(&actor.role);
        let mut assets = Vec::new();
        for m in self.store.control_measures(case.id).await? {
            let control = ControlKind::from_key(&m.control_kind)?;
            if !is_seizure(control) {
                continue;
            }
            let f = findings.iter().find(|f| f.id == m.finding_id);
            let seized_on = parse_day(&m.start_on)?;
            let end = m.end_on.as_deref().map(parse_day).transpose()?;
            let status = ControlStatus::from_key(&m.status)
                .ok_or_else(|| AppError::Internal(format!("stored status \"{}\"", m.status)))?
                .on(end, today);
            let mut views = Vec::new();
            for d in disposals.iter().filter(|d| d.measure_id == m.id) {
                let own: Vec<DisposalStepRow> = steps
                    .iter()
                    .filter(|s| s.disposal_id == d.id)
                    .cloned()
                    .collect();
                views.push(disposal_view(d, &own)?);
            }
            let state = views.last().map_or(DisposalState::Awaiting, |v| v.state);
            let (decide_by, finish_by) = deadlines(&node_rules, seized_on)?;
            let holds = status == ControlStatus::InForce;
            let (decide_overdue, finish_overdue) =
                overdue_flags(state, holds, today, decide_by, finish_by);
            let live = views
                .iter()
                .any(|v| matches!(v.state, DisposalState::Open | DisposalState::Finished));
            assets.push(SeizedAsset {
                measure_id: m.id,
                finding_id: m.finding_id,
                asset: AssetKind::from_key(&m.asset_kind)?,
                control,
                institution: f.map(|f| f.institution.clone()).unwrap_or_default(),
                description: f.map(|f| f.description.clone()).unwrap_or_default(),
                debtor_name: parties
                    .iter()
                    .find(|p| p.party_id == m.party_id)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                seized_on,
                end_on: m.end_on.clone(),
                status,
                days_since: (today - seized_on).num_days(),
                decide_by,
                finish_by,
                decide_overdue,
                finish_overdue,
                state,
                disposals: views,
                may_start: holds && !live,
            });
        }
        Ok(CaseDisposalView {
            case_id: case.id,
            case_number: case.case_number,
            court_id: case.court_id,
            open,
            today,
            assets,
            may_act,
        })
    }

    /// The supervision list of seized real estate (查封不动产监管台账) in the actor's courts (or
    /// one of them): each seal with its seizure date, days since, the disposal's state and
    /// whether it is late against the court's 30 / 90 days; oldest seizure first.
    pub async fn seized_real_estate(
        &self,
        actor: &Actor,
        f: &RealEstateFilter,
    ) -> AppResult<RealEstatePage> {
        if !LIST_READERS.contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权查看查封不动产监管台账", actor.role.name_zh()),
                format!(
                    "a {} may not see the list of seized real estate",
                    actor.role.name_en()
                ),
            ));
        }
        let courts = match f.court_id {
            Some(c) if actor.can_see_court(c) => vec![c],
            Some(_) => return Err(AppError::NotFound),
            None => actor.visible_courts.clone(),
        };
        let today = beijing_date(zhixing_store::now_ms());
        let mut cutoffs = Vec::with_capacity(courts.len());
        let mut court_rules = std::collections::HashMap::new();
        for c in courts {
            let r = self.node_rules(c).await?;
            let (decide, finish) = limits(&r);
            cutoffs.push(CourtCutoffs {
                court_id: c,
                decide_cutoff: rules::overdue_cutoff(decide, today, &r.calendar)?.to_string(),
                finish_cutoff: rules::overdue_cutoff(finish, today, &r.calendar)?.to_string(),
            });
            court_rules.insert(c, r);
        }
        let page = f.page.max(1);
        let (rows, total) = self
            .store
            .seized_real_estate(&SeizedQuery {
                cutoffs,
                state: f.state.map(|s| s.key().to_string()),
                overdue_only: f.overdue_only,
                limit: i64::from(LIST_PAGE),
                offset: i64::from(page - 1) * i64::from(LIST_PAGE),
            })
            .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let seized_on = parse_day(&r.seized_on)?;
            let end = r.end_on.as_deref().map(parse_day).transpose()?;
            let seal_status = ControlStatus::from_key(&r.measure_status)
                .ok_or_else(|| {
                    AppError::Internal(format!("stored status \"{}\"", r.measure_status))
                })?
                .on(end, today);
            let court = match court_rules.get(&r.court_id) {
                Some(x) => x.clone(),
                None => self.node_rules(r.court_id).await?,
            };
            let (decide_by, finish_by) = deadlines(&court, seized_on)?;
            let state = DisposalState::of(r.disposal_status.as_deref());
            // The stored status, as the SQL filter reads it (a lapse shows on the next scan).
            let holds = r.measure_status == "in_force";
            let (decide_overdue, finish_overdue) =
                overdue_flags(state, holds, today, decide_by, finish_by);
            items.push(RealEstateLine {
                measure_id: r.measure_id,
                case_id: r.case_id,
                case_number: r.case_number,
                court_id: r.court_id,
                court_name: self
                    .with_courts(|t| t.get(r.court_id).map(|c| c.name.clone()))
                    .unwrap_or_default(),
                officer_name: r.officer_name,
                institution: r.institution,
                description: r.description,
                seized_on,
                seal_status,
                days_since: (today - seized_on).num_days(),
                decide_by,
                finish_by,
                state,
                disposal_id: r.disposal_id,
                started_on: r.started_on,
                last_step: r.last_step.as_deref().map(StepKind::from_key).transpose()?,
                price: r.price_fen.map(Fen),
                finished_on: r.finished_on,
                decide_overdue,
                finish_overdue,
            });
        }
        Ok(RealEstatePage {
            filter: RealEstateFilter { page, ..f.clone() },
            today,
            items,
            total,
            page,
            per_page: LIST_PAGE,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_follows_the_state() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let (decide_by, finish_by) = (d(2, 1), d(4, 1));
        let on = |state, holds, today| overdue_flags(state, holds, today, decide_by, finish_by);
        assert_eq!(on(DisposalState::Awaiting, true, d(2, 1)), (false, false));
        assert_eq!(on(DisposalState::Awaiting, true, d(2, 2)), (true, false));
        assert_eq!(on(DisposalState::Awaiting, true, d(4, 2)), (true, true));
        // A lifted seal without a disposal is nobody's task any more.
        assert_eq!(on(DisposalState::Awaiting, false, d(4, 2)), (false, false));
        assert_eq!(on(DisposalState::Open, true, d(3, 1)), (false, false));
        assert_eq!(on(DisposalState::Open, false, d(4, 2)), (false, true));
        assert_eq!(on(DisposalState::Finished, true, d(4, 2)), (false, false));
        assert_eq!(on(DisposalState::Withdrawn, true, d(4, 2)), (false, false));
        for s in DisposalState::ALL {
            assert_eq!(DisposalState::from_key(s.key()).unwrap(), s);
        }
        assert_eq!(
            DisposalState::from_key("x").unwrap_err().code(),
            "disposal.unknown_state"
        );
    }
}
