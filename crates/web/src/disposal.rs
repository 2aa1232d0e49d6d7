//! Disposal of seized property (财产处置) and the supervision list of seized real estate, with
//! their API twins:
//! - `GET /cases/{id}/disposal` — each seized asset with its deadlines, its disposals as a
//!   timeline of steps, what may come next with the legal minimum reserve, and the forms;
//!   `POST /cases/{id}/disposal` (start), `POST /disposals/{id}/steps`,
//!   `POST /disposals/{id}/withdraw`;
//! - `GET /disposal/real-estate` — the court's seized real estate (查封不动产监管台账): seizure
//!   date, days since, the disposal's state, late against 30 / 90 days; filters and pages;
//! - `/api/v1/cases/{id}/disposal` (GET, POST), `/api/v1/disposals/{id}/steps`,
//!   `/api/v1/disposals/{id}/withdraw`, `/api/v1/disposal/real-estate`.
//!
//! No rule here: what a step needs and who may record it are the app's and the domain's.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::disposal::{
    CaseDisposalView, DisposalState, DisposalView, RealEstateFilter, RealEstatePage, SeizedAsset,
    StartInput, StepInput,
};
use zhixing_app::views::{CurrentUser, Named};
use zhixing_app::{App, AppError};
use zhixing_domain::disposal::{PricingMethod, StepKind, StepOutcome};
use zhixing_domain::money::Fen;

use crate::api::problem;
use crate::i18n::{self, msg, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/disposal", get(case_page).post(start_post))
        .route("/disposals/{id}/steps", post(step_post))
        .route("/disposals/{id}/withdraw", post(withdraw_post))
        .route("/disposal/real-estate", get(list_page))
        .route("/api/v1/cases/{id}/disposal", get(api_case).post(api_start))
        .route("/api/v1/disposals/{id}/steps", post(api_step))
        .route("/api/v1/disposals/{id}/withdraw", post(api_withdraw))
        .route("/api/v1/disposal/real-estate", get(api_list))
}

fn state_name(lang: Lang, s: DisposalState) -> &'static str {
    match lang {
        Lang::Zh => s.name_zh(),
        Lang::En => s.name_en(),
    }
}

fn step_name(lang: Lang, k: StepKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

/// What the law allows for a next step, in words: "一拍：起拍价不低于 700,000.00 元".
fn next_hint(lang: Lang, n: &zhixing_app::disposal::NextStep) -> String {
    let name = step_name(lang, n.kind);
    match (n.kind, n.bounds) {
        (StepKind::Pricing, _) => msg(
            lang,
            format!("{name}：议价、询价或委托评估"),
            format!("{name}: agreed price, inquiry or valuation"),
        ),
        (_, Some(b)) => match b.max {
            Some(max) => msg(
                lang,
                format!("{name}：起拍价 {} 元至 {max} 元（降价不超过20%）", b.min),
                format!(
                    "{name}: reserve from {} to {max} yuan (a cut of at most 20%)",
                    b.min
                ),
            ),
            None if matches!(n.kind, StepKind::Sale | StepKind::Transfer) => msg(
                lang,
                format!("{name}：价格不低于 {} 元（上一次拍卖的保留价）", b.min),
                format!(
                    "{name}: at no less than {} yuan (the last auction's reserve)",
                    b.min
                ),
            ),
            None => msg(
                lang,
                format!("{name}：起拍价不低于 {} 元（参考价的70%）", b.min),
                format!(
                    "{name}: reserve of at least {} yuan (70% of the reference price)",
                    b.min
                ),
            ),
        },
        (_, None) => name.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The case page
// ---------------------------------------------------------------------------------------------

pub struct StepLine {
    pub seq: i64,
    pub kind: String,
    pub detail: String,
    pub sold: bool,
    pub started_on: String,
    pub ended_on: String,
    pub note: String,
    pub by: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct DisposalHtml {
    pub id: i64,
    pub version: i64,
    pub open: bool,
    pub state: String,
    pub started_on: String,
    pub note: String,
    pub steps: Vec<StepLine>,
    pub next: Vec<Choice>,
    pub result: String,
}

pub struct AssetHtml {
    pub measure_id: i64,
    pub title: String,
    pub description: String,
    pub debtor: String,
    pub control: String,
    pub seal_status: String,
    pub seized_on: String,
    pub days_since: i64,
    pub decide_by: String,
    pub finish_by: String,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
    pub state: String,
    pub disposals: Vec<DisposalHtml>,
    pub may_start: bool,
}

#[derive(Template)]
#[template(path = "disposal.html")]
pub struct CasePageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub open: bool,
    pub may_act: bool,
    pub today: String,
    pub assets: Vec<AssetHtml>,
    pub methods: Vec<Choice>,
}

staff_page!(
    CasePageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/disposal", p.case_id)
);

fn step_line(lang: Lang, s: &zhixing_app::disposal::StepView) -> StepLine {
    let mut parts = Vec::new();
    if let Some(m) = s.method {
        parts.push(msg(lang, m.name_zh(), m.name_en()));
    }
    if let Some(r) = s.reserve {
        parts.push(msg(
            lang,
            format!("起拍价 {r} 元"),
            format!("reserve {r} yuan"),
        ));
    }
    let transfer = s.kind == StepKind::Transfer;
    parts.push(match s.outcome {
        StepOutcome::Priced { price } => msg(
            lang,
            format!("参考价 {price} 元"),
            format!("reference price {price} yuan"),
        ),
        StepOutcome::Sold { price } if transfer => msg(
            lang,
            format!("申请执行人接受，抵债价 {price} 元"),
            format!("accepted at {price} yuan"),
        ),
        StepOutcome::Sold { price } => msg(
            lang,
            format!("成交价 {price} 元"),
            format!("sold at {price} yuan"),
        ),
        StepOutcome::Unsold if transfer => msg(lang, "申请执行人不接受", "declined"),
        StepOutcome::Unsold => msg(lang, "流拍（未成交）", "unsold"),
    });
    StepLine {
        seq: s.seq,
        kind: step_name(lang, s.kind).to_string(),
        detail: parts.join(if lang == Lang::Zh { "；" } else { "; " }),
        sold: matches!(s.outcome, StepOutcome::Sold { .. }),
        started_on: s.started_on.clone(),
        ended_on: s.ended_on.clone(),
        note: s.note.clone(),
        by: s.recorded_by_name.clone(),
    }
}

fn disposal_html(lang: Lang, d: &DisposalView) -> DisposalHtml {
    let result = match d.state {
        DisposalState::Finished => i18n::tf(
            lang,
            "disposal.finished_at",
            &[&format!(
                "{} {} {}",
                d.finished_on.clone().unwrap_or_default(),
                d.price.unwrap_or(Fen::ZERO),
                i18n::t(lang, "common.yuan")
            )],
        ),
        DisposalState::Withdrawn => i18n::tf(
            lang,
            "disposal.withdrawn_at",
            &[&format!(
                "{} {}",
                d.withdrawn_on.clone().unwrap_or_default(),
                d.withdraw_reason.clone().unwrap_or_default()
            )],
        ),
        _ => String::new(),
    };
    DisposalHtml {
        id: d.id,
        version: d.version,
        open: d.state == DisposalState::Open,
        state: state_name(lang, d.state).to_string(),
        started_on: d.started_on.clone(),
        note: d.note.clone(),
        steps: d.steps.iter().map(|s| step_line(lang, s)).collect(),
        next: d
            .next
            .iter()
            .map(|n| Choice {
                value: n.kind.key().into(),
                label: next_hint(lang, n),
            })
            .collect(),
        result,
    }
}

fn asset_html(lang: Lang, a: &SeizedAsset) -> AssetHtml {
    AssetHtml {
        measure_id: a.measure_id,
        title: format!(
            "{}（{}）",
            msg(lang, a.asset.name_zh(), a.asset.name_en()),
            a.institution
        ),
        description: a.description.clone(),
        debtor: a.debtor_name.clone(),
        control: msg(lang, a.control.name_zh(), a.control.name_en()),
        seal_status: msg(lang, a.status.name_zh(), a.status.name_en()),
        seized_on: a.seized_on.to_string(),
        days_since: a.days_since,
        decide_by: a.decide_by.to_string(),
        finish_by: a.finish_by.to_string(),
        decide_overdue: a.decide_overdue,
        finish_overdue: a.finish_overdue,
        state: state_name(lang, a.state).to_string(),
        disposals: a.disposals.iter().map(|d| disposal_html(lang, d)).collect(),
        may_start: a.may_start,
    }
}

fn case_html(lang: Lang, user: CurrentUser, csrf: String, v: &CaseDisposalView) -> CasePageHtml {
    CasePageHtml {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        open: v.open,
        may_act: v.may_act,
        today: v.today.to_string(),
        assets: v.assets.iter().map(|a| asset_html(lang, a)).collect(),
        methods: PricingMethod::ALL
            .into_iter()
            .map(|m| Choice {
                value: m.key().into(),
                label: msg(lang, m.name_zh(), m.name_en()),
            })
            .collect(),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let user = s.session.user.clone();
    match app.case_disposal(&s.session.actor, id).await {
        Ok(v) => Html(render_page(&case_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &v,
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing shared by forms and JSON
// ---------------------------------------------------------------------------------------------

fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(code, zh, en)
}

fn opt_amount(raw: &str) -> Result<Option<Fen>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Fen::parse(raw).map(Some).map_err(AppError::from)
}

fn day(raw: &str, what_zh: &str, what_en: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        bad(
            "request.bad_date",
            format!("{what_zh}须为“年-月-日”格式的日期：“{}”", raw.trim()),
            format!(
                "the {what_en} must be a date YYYY-MM-DD: \"{}\"",
                raw.trim()
            ),
        )
    })
}

/// Starting a disposal, from a form or JSON.
#[derive(Deserialize, ToSchema)]
pub struct StartRequest {
    /// The seal or detention (control measure id) of the case.
    pub measure_id: i64,
    /// YYYY-MM-DD: the decision's date.
    pub started_on: String,
    #[serde(default)]
    pub note: String,
}

fn start_input(case_id: i64, r: StartRequest) -> Result<StartInput, AppError> {
    Ok(StartInput {
        case_id,
        measure_id: r.measure_id,
        started_on: day(&r.started_on, "决定处置日期", "decision date")?,
        note: r.note,
    })
}

/// A disposal step, from a form or JSON.
#[derive(Deserialize, ToSchema)]
pub struct StepRequest {
    /// The disposal's version last read; a stale one answers 409.
    pub version: i64,
    /// pricing, first_auction, second_auction, sale or transfer.
    pub kind: String,
    /// Pricing: agreed_price, directed_inquiry, network_inquiry or valuation.
    #[serde(default)]
    pub method: String,
    /// Auctions: the reserve in yuan ("700000", "70万").
    #[serde(default)]
    pub reserve: String,
    /// Auctions, sale, transfer: sold (a transfer: accepted) or unsold (declined).
    #[serde(default)]
    pub outcome: String,
    /// The reference price (pricing) or the price sold / transferred at, in yuan.
    #[serde(default)]
    pub price: String,
    /// YYYY-MM-DD.
    pub started_on: String,
    /// YYYY-MM-DD.
    pub ended_on: String,
    #[serde(default)]
    pub note: String,
}

fn step_input(disposal_id: i64, r: StepRequest) -> Result<StepInput, AppError> {
    let kind = StepKind::from_key(r.kind.trim())?;
    let method = match r.method.trim() {
        "" => None,
        m => Some(PricingMethod::from_key(m)?),
    };
    let price = opt_amount(&r.price)?;
    let need_price = || {
        price.ok_or_else(|| {
            bad(
                "disposal.price_required",
                format!("{}须填写价格", kind.name_zh()),
                format!("the {} needs its price", kind.name_en()),
            )
        })
    };
    let outcome = match (kind, r.outcome.trim()) {
        (StepKind::Pricing, _) => StepOutcome::Priced {
            price: need_price()?,
        },
        (_, "sold") => StepOutcome::Sold {
            price: need_price()?,
        },
        (_, "unsold") => StepOutcome::Unsold,
        _ => {
            return Err(bad(
                "disposal.outcome_required",
                "请选择结果：成交（接受）或流拍（未成交、不接受）",
                "choose the outcome: sold (accepted) or unsold (declined)",
            ))
        }
    };
    Ok(StepInput {
        disposal_id,
        version: r.version,
        kind,
        method,
        reserve: opt_amount(&r.reserve)?,
        outcome,
        started_on: day(&r.started_on, "开始日期", "start date")?,
        ended_on: day(&r.ended_on, "结束日期", "end date")?,
        note: r.note,
    })
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct StartForm {
    csrf: String,
    measure_id: i64,
    started_on: String,
    #[serde(default)]
    note: String,
}

async fn start_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<StartForm>,
) -> Response {
    let cmd = start_input(
        id,
        StartRequest {
            measure_id: f.measure_id,
            started_on: f.started_on,
            note: f.note,
        },
    )
    .map(|i| Command::StartDisposal(Box::new(i)));
    form_command(&app, &s, &f.csrf, cmd, &format!("/cases/{id}/disposal")).await
}

#[derive(Deserialize)]
struct StepForm {
    csrf: String,
    case_id: i64,
    version: i64,
    kind: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    reserve: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    price: String,
    started_on: String,
    ended_on: String,
    #[serde(default)]
    note: String,
}

async fn step_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Response {
    let to = format!("/cases/{}/disposal", f.case_id);
    let cmd = step_input(
        id,
        StepRequest {
            version: f.version,
            kind: f.kind,
            method: f.method,
            reserve: f.reserve,
            outcome: f.outcome,
            price: f.price,
            started_on: f.started_on,
            ended_on: f.ended_on,
            note: f.note,
        },
    )
    .map(|i| Command::RecordDisposalStep(Box::new(i)));
    form_command(&app, &s, &f.csrf, cmd, &to).await
}

#[derive(Deserialize)]
struct WithdrawForm {
    csrf: String,
    case_id: i64,
    version: i64,
    #[serde(default)]
    reason: String,
}

async fn withdraw_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> Response {
    let cmd = Ok(Command::WithdrawDisposal {
        disposal_id: id,
        version: f.version,
        reason: f.reason,
    });
    form_command(
        &app,
        &s,
        &f.csrf,
        cmd,
        &format!("/cases/{}/disposal", f.case_id),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The supervision list of seized real estate
// ---------------------------------------------------------------------------------------------

/// The list's query string: `court`, `state`, `overdue=1`, `page`.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub court: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub page: String,
}

fn list_filter(q: &ListQuery) -> Result<RealEstateFilter, AppError> {
    let int = |raw: &str, what: &str| -> Result<Option<i64>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            s => s.parse().map(Some).map_err(|_| {
                bad(
                    "request.not_a_number",
                    format!("{what}须为整数：“{s}”"),
                    format!("{what} must be a whole number: \"{s}\""),
                )
            }),
        }
    };
    Ok(RealEstateFilter {
        court_id: int(&q.court, "court")?,
        state: match q.state.trim() {
            "" => None,
            s => Some(DisposalState::from_key(s)?),
        },
        overdue_only: matches!(q.overdue.trim(), "1" | "on" | "true"),
        page: int(&q.page, "page")?
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(1)
            .max(1),
    })
}

pub struct ListLine {
    pub case_id: i64,
    pub case_number: String,
    pub court_name: String,
    pub officer: String,
    pub asset: String,
    pub seized_on: String,
    pub seal_status: String,
    pub days_since: i64,
    pub decide_by: String,
    pub finish_by: String,
    pub state: String,
    pub progress: String,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
}

#[derive(Template)]
#[template(path = "disposal_real_estate.html")]
pub struct ListPageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub list: RealEstatePage,
    pub lines: Vec<ListLine>,
    pub courts: Vec<Named>,
    pub states: Vec<Choice>,
}

staff_page!(
    ListPageHtml,
    section = "disposal",
    home = true,
    back = |p| p.page_href(p.list.page)
);

impl ListPageHtml {
    pub fn page_href(&self, page: u32) -> String {
        let f = &self.list.filter;
        let mut parts = Vec::new();
        if let Some(c) = f.court_id {
            parts.push(format!("court={c}"));
        }
        if let Some(s) = f.state {
            parts.push(format!("state={}", s.key()));
        }
        if f.overdue_only {
            parts.push("overdue=1".into());
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/disposal/real-estate".into()
        } else {
            format!("/disposal/real-estate?{}", parts.join("&"))
        }
    }

    pub fn court_selected(&self, id: &i64) -> bool {
        self.list.filter.court_id == Some(*id)
    }

    pub fn state_selected(&self, key: &str) -> bool {
        self.list.filter.state.map(|s| s.key()) == Some(key)
    }
}

fn list_line(lang: Lang, l: &zhixing_app::disposal::RealEstateLine) -> ListLine {
    let mut progress = Vec::new();
    if let Some(on) = &l.started_on {
        progress.push(i18n::tf(lang, "disposal.started", &[on]));
    }
    if let Some(k) = l.last_step {
        progress.push(step_name(lang, k).to_string());
    }
    if let (Some(p), Some(on)) = (l.price, &l.finished_on) {
        progress.push(msg(
            lang,
            format!("{on} 成交 {p} 元"),
            format!("{p} yuan on {on}"),
        ));
    }
    ListLine {
        case_id: l.case_id,
        case_number: l.case_number.clone(),
        court_name: l.court_name.clone(),
        officer: l.officer_name.clone().unwrap_or_default(),
        asset: format!("{} {}", l.institution, l.description),
        seized_on: l.seized_on.to_string(),
        seal_status: msg(lang, l.seal_status.name_zh(), l.seal_status.name_en()),
        days_since: l.days_since,
        decide_by: l.decide_by.to_string(),
        finish_by: l.finish_by.to_string(),
        state: state_name(lang, l.state).to_string(),
        progress: progress.join(if lang == Lang::Zh { "；" } else { "; " }),
        decide_overdue: l.decide_overdue,
        finish_overdue: l.finish_overdue,
    }
}

async fn list_page(State(app): State<App>, s: PageSession, Query(q): Query<ListQuery>) -> Response {
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let list = match list_filter(&q) {
        Ok(f) => app.seized_real_estate(actor, &f).await,
        Err(e) => Err(e),
    };
    match list {
        Ok(list) => {
            let tree = app.court_tree();
            let courts = actor
                .visible_courts
                .iter()
                .filter_map(|id| tree.get(*id))
                .map(|c| Named {
                    id: c.id,
                    name: c.name.clone(),
                })
                .collect();
            let page = ListPageHtml {
                lang: s.lang,
                user,
                csrf: s.session.csrf.clone(),
                lines: list.items.iter().map(|l| list_line(s.lang, l)).collect(),
                list,
                courts,
                states: DisposalState::ALL
                    .into_iter()
                    .map(|st| Choice {
                        value: st.key().into(),
                        label: state_name(s.lang, st).into(),
                    })
                    .collect(),
            };
            (StatusCode::OK, Html(render_page(&page))).into_response()
        }
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiStep {
    pub seq: i64,
    /// pricing, first_auction, second_auction, sale or transfer.
    pub kind: String,
    pub kind_zh: String,
    pub method: Option<String>,
    pub reserve_fen: Option<i64>,
    /// priced, sold or unsold.
    pub outcome: String,
    pub price_fen: Option<i64>,
    pub started_on: String,
    pub ended_on: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiNextStep {
    pub kind: String,
    pub kind_zh: String,
    /// The lowest reserve (auctions) or price (sale, transfer) the law allows.
    pub min_fen: Option<i64>,
    /// The highest reserve (the second auction: the first's).
    pub max_fen: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiDisposal {
    pub id: i64,
    pub version: i64,
    /// open, finished or withdrawn.
    pub state: String,
    pub started_on: String,
    pub note: String,
    pub reference_fen: Option<i64>,
    pub price_fen: Option<i64>,
    pub finished_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdraw_reason: Option<String>,
    pub steps: Vec<ApiStep>,
    pub next: Vec<ApiNextStep>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiSeizedAsset {
    pub measure_id: i64,
    pub finding_id: i64,
    pub asset_kind: String,
    /// seal or detain.
    pub control_kind: String,
    pub institution: String,
    pub description: String,
    pub debtor_name: String,
    pub seized_on: String,
    pub end_on: Option<String>,
    /// in_force, lifted or expired.
    pub seizure_status: String,
    pub days_since: i64,
    pub decide_by: String,
    pub finish_by: String,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
    /// awaiting, open, finished or withdrawn.
    pub state: String,
    pub may_start: bool,
    pub disposals: Vec<ApiDisposal>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCaseDisposal {
    pub case_id: i64,
    pub case_number: String,
    pub assets: Vec<ApiSeizedAsset>,
}

fn api_case_doc(v: &CaseDisposalView) -> ApiCaseDisposal {
    let outcome = |o: StepOutcome| match o {
        StepOutcome::Priced { price } => ("priced", Some(price.0)),
        StepOutcome::Sold { price } => ("sold", Some(price.0)),
        StepOutcome::Unsold => ("unsold", None),
    };
    ApiCaseDisposal {
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        assets: v
            .assets
            .iter()
            .map(|a| ApiSeizedAsset {
                measure_id: a.measure_id,
                finding_id: a.finding_id,
                asset_kind: a.asset.key().into(),
                control_kind: a.control.key().into(),
                institution: a.institution.clone(),
                description: a.description.clone(),
                debtor_name: a.debtor_name.clone(),
                seized_on: a.seized_on.to_string(),
                end_on: a.end_on.clone(),
                seizure_status: a.status.key().into(),
                days_since: a.days_since,
                decide_by: a.decide_by.to_string(),
                finish_by: a.finish_by.to_string(),
                decide_overdue: a.decide_overdue,
                finish_overdue: a.finish_overdue,
                state: a.state.key().into(),
                may_start: a.may_start,
                disposals: a
                    .disposals
                    .iter()
                    .map(|d| ApiDisposal {
                        id: d.id,
                        version: d.version,
                        state: d.state.key().into(),
                        started_on: d.started_on.clone(),
                        note: d.note.clone(),
                        reference_fen: d.reference.map(|r| r.0),
                        price_fen: d.price.map(|p| p.0),
                        finished_on: d.finished_on.clone(),
                        withdrawn_on: d.withdrawn_on.clone(),
                        withdraw_reason: d.withdraw_reason.clone(),
                        steps: d
                            .steps
                            .iter()
                            .map(|s| {
                                let (o, p) = outcome(s.outcome);
                                ApiStep {
                                    seq: s.seq,
                                    kind: s.kind.key().into(),
                                    kind_zh: s.kind.name_zh().into(),
                                    method: s.method.map(|m| m.key().to_string()),
                                    reserve_fen: s.reserve.map(|r| r.0),
                                    outcome: o.into(),
                                    price_fen: p,
                                    started_on: s.started_on.clone(),
                                    ended_on: s.ended_on.clone(),
                                    note: s.note.clone(),
                                }
                            })
                            .collect(),
                        next: d
                            .next
                            .iter()
                            .map(|n| ApiNextStep {
                                kind: n.kind.key().into(),
                                kind_zh: n.kind.name_zh().into(),
                                min_fen: n.bounds.map(|b| b.min.0),
                                max_fen: n.bounds.and_then(|b| b.max).map(|m| m.0),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A case's seized assets (sealed or detained) with their disposals and deadlines.
#[utoipa::path(get, path = "/api/v1/cases/{id}/disposal", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = ApiCaseDisposal), (status = 404, body = crate::api::Problem)))]
pub async fn api_case(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_disposal(&s.session.actor, id).await {
        Ok(v) => Json(api_case_doc(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

/// Starts the disposal of a seized asset (a seal or detention in force) of the case. Answers
/// the case's disposals.
#[utoipa::path(post, path = "/api/v1/cases/{id}/disposal", params(("id" = i64, Path, description = "case id")),
    request_body = StartRequest,
    responses((status = 201, body = ApiCaseDisposal), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_start(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<StartRequest>,
) -> Response {
    let done = match start_input(id, r) {
        Ok(i) => {
            app.execute(&w.session.actor, Command::StartDisposal(Box::new(i)))
                .await
        }
        Err(e) => return problem(&e),
    };
    if let Err(e) = done {
        return problem(&e);
    }
    match app.case_disposal(&w.session.actor, id).await {
        Ok(v) => (StatusCode::CREATED, Json(api_case_doc(&v))).into_response(),
        Err(e) => problem(&e),
    }
}

/// Records a step of a disposal: pricing, first or second auction, sale or transfer in
/// satisfaction (以物抵债). Refused with the rule named when out of order, below the legal
/// reserve, or with impossible dates.
#[utoipa::path(post, path = "/api/v1/disposals/{id}/steps", params(("id" = i64, Path, description = "disposal id")),
    request_body = StepRequest,
    responses((status = 204), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_step(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<StepRequest>,
) -> Response {
    let cmd = step_input(id, r).map(|i| Command::RecordDisposalStep(Box::new(i)));
    crate::api::no_content(&app, &w.session.actor, cmd).await
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawRequest {
    /// The disposal's version last read.
    pub version: i64,
    pub reason: String,
}

/// Withdraws an open disposal, with the reason.
#[utoipa::path(post, path = "/api/v1/disposals/{id}/withdraw", params(("id" = i64, Path, description = "disposal id")),
    request_body = WithdrawRequest,
    responses((status = 204), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_withdraw(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<WithdrawRequest>,
) -> Response {
    let cmd = Ok(Command::WithdrawDisposal {
        disposal_id: id,
        version: r.version,
        reason: r.reason,
    });
    crate::api::no_content(&app, &w.session.actor, cmd).await
}

#[derive(Serialize, ToSchema)]
pub struct ApiSeizedRealEstate {
    pub measure_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    pub officer_name: Option<String>,
    pub institution: String,
    pub description: String,
    pub seized_on: String,
    /// in_force, lifted or expired.
    pub seal_status: String,
    pub days_since: i64,
    pub decide_by: String,
    pub finish_by: String,
    /// awaiting, open, finished or withdrawn.
    pub state: String,
    pub disposal_id: Option<i64>,
    pub last_step: Option<String>,
    pub price_fen: Option<i64>,
    pub decide_overdue: bool,
    pub finish_overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApiRealEstateList {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ApiSeizedRealEstate>,
}

/// The supervision list of seized real estate in the user's courts (or one of them): seizure
/// date, days since, the disposal's state and whether it is late against the 30 / 90 days.
#[utoipa::path(get, path = "/api/v1/disposal/real-estate",
    params(("court" = Option<i64>, Query, description = "one court"),
        ("state" = Option<String>, Query, description = "awaiting, open, finished or withdrawn"),
        ("overdue" = Option<String>, Query, description = "1: only the overdue"),
        ("page" = Option<u32>, Query, description = "page, from 1")),
    responses((status = 200, body = ApiRealEstateList), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_list(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<ListQuery>,
) -> Response {
    let list = match list_filter(&q) {
        Ok(f) => app.seized_real_estate(&s.session.actor, &f).await,
        Err(e) => Err(e),
    };
    match list {
        Ok(l) => Json(ApiRealEstateList {
            total: l.total,
            page: l.page,
            per_page: l.per_page,
            items: l
                .items
                .into_iter()
                .map(|i| ApiSeizedRealEstate {
                    measure_id: i.measure_id,
                    case_id: i.case_id,
                    case_number: i.case_number,
                    court_id: i.court_id,
                    court_name: i.court_name,
                    officer_name: i.officer_name,
                    institution: i.institution,
                    description: i.description,
                    seized_on: i.seized_on.to_string(),
                    seal_status: i.seal_status.key().into(),
                    days_since: i.days_since,
                    decide_by: i.decide_by.to_string(),
                    finish_by: i.finish_by.to_string(),
                    state: i.state.key().into(),
                    disposal_id: i.disposal_id,
                    last_step: i.last_step.map(|k| k.key().to_string()),
                    price_fen: i.price.map(|p| p.0),
                    decide_overdue: i.decide_overdue,
                    finish_overdue: i.finish_overdue,
                })
                .collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(kind: &str, outcome: &str, price: &str) -> StepRequest {
        StepRequest {
            version: 1,
            kind: kind.into(),
            method: String::new(),
            reserve: "70万".into(),
            outcome: outcome.into(),
            price: price.into(),
            started_on: "2026-01-05".into(),
            ended_on: "2026-01-06".into(),
            note: String::new(),
        }
    }

    #[test]
    fn steps_read_their_outcome_and_price() {
        let s = step_input(3, req("pricing", "", "100万")).unwrap();
        assert_eq!(
            s.outcome,
            StepOutcome::Priced {
                price: Fen::from_yuan(1_000_000)
            }
        );
        let s = step_input(3, req("first_auction", "unsold", "")).unwrap();
        assert_eq!(s.outcome, StepOutcome::Unsold);
        assert_eq!(s.reserve, Some(Fen::from_yuan(700_000)));
        let e = step_input(3, req("sale", "sold", "")).unwrap_err();
        assert_eq!(e.code(), "disposal.price_required");
        let e = step_input(3, req("sale", "", "1")).unwrap_err();
        assert_eq!(e.code(), "disposal.outcome_required");
        let e = step_input(3, req("auction", "sold", "1")).unwrap_err();
        assert_eq!(e.code(), "disposal.unknown_step");
        let q = ListQuery {
            state: "late".into(),
            ..Default::default()
        };
        assert_eq!(
            list_filter(&q).unwrap_err().code(),
            "disposal.unknown_state"
        );
    }
}
