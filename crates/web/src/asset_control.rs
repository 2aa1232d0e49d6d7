//! Asset inquiry and control (财产查控) on the web: `/cases/{id}/assets` (the network inquiry
//! with 立即查询, findings by debtor and kind with "nothing found" said, the manual-result form,
//! the applicant's leads with due dates and the verify form, control measures with term,
//! expiry, days left and the renew/lift forms, the carry-over form, the applicant summary and
//! its send button), the case page's line (`/cases/{id}/assets/brief`, loaded by htmx), and the
//! `/api/v1` twins. Plain forms with CSRF, so it works from a phone. The rules are the app's
//! (`zhixing_app::assets`). (`assets.rs` in this crate serves the static files.)

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::assets::{
    nothing_found, AssetsView, CarryInput, ControlInput, FindingDetails, FindingInput, LeadInput,
    VerifyInput,
};
use zhixing_app::commands::Command;
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::asset::{AssetKind, ControlKind, LeadOutcome};
use zhixing_domain::money::Fen;

use crate::api::problem;
use crate::i18n::{t, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/assets", get(page))
        .route("/cases/{id}/assets/brief", get(brief))
        .route("/cases/{id}/assets/inquire", post(inquire_page))
        .route("/cases/{id}/assets/findings", post(finding_page))
        .route("/cases/{id}/assets/leads", post(lead_page))
        .route("/cases/{id}/assets/inform", post(inform_page))
        .route("/asset-leads/{id}/verify", post(verify_page))
        .route("/asset-findings/{id}/controls", post(control_page))
        .route("/asset-findings/{id}/carry-over", post(carry_page))
        .route("/control-measures/{id}/renew", post(renew_page))
        .route("/control-measures/{id}/lift", post(lift_page))
        .route("/api/v1/cases/{id}/assets", get(api_assets))
        .route("/api/v1/cases/{id}/assets/inquire", post(api_inquire))
        .route("/api/v1/cases/{id}/assets/findings", post(api_finding))
        .route("/api/v1/cases/{id}/assets/leads", post(api_lead))
        .route("/api/v1/cases/{id}/assets/inform", post(api_inform))
        .route("/api/v1/asset-leads/{id}/verify", post(api_verify))
        .route("/api/v1/asset-findings/{id}/controls", post(api_control))
        .route("/api/v1/asset-findings/{id}/carry-over", post(api_carry))
        .route("/api/v1/control-measures/{id}/renew", post(api_renew))
        .route("/api/v1/control-measures/{id}/lift", post(api_lift))
}

fn kind_name(lang: Lang, k: AssetKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

fn control_name(lang: Lang, c: ControlKind) -> &'static str {
    match lang {
        Lang::Zh => c.name_zh(),
        Lang::En => c.name_en(),
    }
}

fn bad(code: &'static str, zh: String, en: String) -> AppError {
    AppError::invalid(code, zh, en)
}

fn parse_date(s: &str, default: Option<NaiveDate>, what_zh: &str) -> Result<NaiveDate, AppError> {
    let s = s.trim();
    if s.is_empty() {
        if let Some(d) = default {
            return Ok(d);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        bad(
            "asset.date",
            format!("{what_zh}“{s}”不是有效日期（格式 2026-03-31）"),
            format!("\"{s}\" is not a date (YYYY-MM-DD)"),
        )
    })
}

fn parse_amount(s: &str) -> Result<Option<Fen>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    Ok(Some(Fen::parse(s)?))
}

fn parse_months(s: &str) -> Result<u32, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(0);
    }
    s.parse().map_err(|_| {
        bad(
            "control.months",
            format!("期限“{s}”须为月数"),
            format!("the term \"{s}\" must be a number of months"),
        )
    })
}

fn parse_id(s: &str, what_zh: &str) -> Result<i64, AppError> {
    s.trim().parse().map_err(|_| {
        bad(
            "asset.field",
            format!("请选择{what_zh}"),
            format!("choose the {what_zh}"),
        )
    })
}

fn today() -> NaiveDate {
    zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis())
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

pub struct TaskLine {
    pub debtor: String,
    pub status: &'static str,
    pub submitted: String,
    pub attempts: i64,
    pub answered: String,
    pub next_poll: String,
}

pub struct FindingLine {
    pub id: i64,
    pub debtor: String,
    pub kind: &'static str,
    pub institution: String,
    pub description: String,
    pub identifier: String,
    pub amount: String,
    pub source: &'static str,
    pub found_on: String,
    pub controls: Vec<(&'static str, &'static str)>,
    pub cap_months: u32,
    pub deductible: bool,
}

pub struct MeasureLine {
    pub id: i64,
    pub version: i64,
    pub debtor: String,
    pub asset: &'static str,
    pub control: &'static str,
    pub finding: String,
    pub amount: String,
    pub start_on: String,
    pub end_on: String,
    pub days_left: String,
    pub status: &'static str,
    pub status_key: &'static str,
    pub in_force: bool,
    pub has_term: bool,
    pub renewals: Vec<String>,
    pub carried: String,
    pub lift_reason: String,
    pub cap_months: u32,
    pub warn: bool,
}

pub struct LeadLine {
    pub id: i64,
    pub version: i64,
    pub debtor: String,
    pub kind: String,
    pub kind_key: String,
    pub description: String,
    pub urgent: bool,
    pub received_on: String,
    pub due_on: String,
    pub status: &'static str,
    pub overdue: bool,
    pub pending: bool,
    pub note: String,
}

pub struct MessageLine {
    pub channel: &'static str,
    pub status: &'static str,
    pub text: String,
    pub at: String,
    pub failure: String,
}

#[derive(Template)]
#[template(path = "assets_case.html")]
pub struct AssetsPageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub done: bool,
    pub may_edit: bool,
    pub closed: bool,
    pub inquiry_open: bool,
    pub tasks: Vec<TaskLine>,
    pub nothing: String,
    pub findings: Vec<FindingLine>,
    pub measures: Vec<MeasureLine>,
    pub leads: Vec<LeadLine>,
    pub messages: Vec<MessageLine>,
    pub summary: String,
    pub debtors: Vec<(i64, String)>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub controls: Vec<(&'static str, &'static str)>,
    pub today: String,
    pub applicant_phone: bool,
}

staff_page!(
    AssetsPageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/assets", p.case_id)
);

fn task_status(lang: Lang, s: &str) -> &'static str {
    t(
        lang,
        match s {
            "pending" => "assets.task.pending",
            "submitted" => "assets.task.submitted",
            _ => "assets.task.done",
        },
    )
}

fn source_name(lang: Lang, s: &str) -> &'static str {
    t(
        lang,
        match s {
            "network" => "assets.source.network",
            "lead" => "assets.source.lead",
            _ => "assets.source.manual",
        },
    )
}

fn kinds_list(lang: Lang, keys: &str) -> String {
    keys.split(',')
        .filter_map(|k| AssetKind::from_key(k).ok())
        .map(|k| kind_name(lang, k))
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "、" } else { ", " })
}

fn money(f: Option<i64>) -> String {
    f.map_or(String::new(), |f| Fen(f).to_string())
}

fn page_html(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    v: &AssetsView,
    done: bool,
) -> AssetsPageHtml {
    let tasks = v
        .tasks
        .iter()
        .map(|t| TaskLine {
            debtor: t.debtor_name.clone(),
            status: task_status(lang, &t.status),
            submitted: t
                .submitted_at
                .map(crate::format::datetime)
                .unwrap_or_default(),
            attempts: t.attempts,
            answered: kinds_list(lang, &t.answered_kinds),
            next_poll: t
                .next_poll_at
                .map(crate::format::datetime)
                .unwrap_or_default(),
        })
        .collect();
    let nothing_set = nothing_found(&v.answers);
    let mut nothing: Vec<String> = Vec::new();
    for t in &v.tasks {
        let kinds: Vec<&str> = AssetKind::ALL
            .iter()
            .filter(|k| nothing_set.contains(&(t.id, k.key().to_string())))
            .map(|k| kind_name(lang, *k))
            .collect();
        if !kinds.is_empty() {
            nothing.push(format!("{}：{}", t.debtor_name, kinds.join("、")));
        }
    }
    let findings = v
        .findings
        .iter()
        .map(|f| FindingLine {
            id: f.row.id,
            debtor: f.debtor_name.clone(),
            kind: kind_name(lang, f.kind),
            institution: f.row.institution.clone(),
            description: f.row.description.clone(),
            identifier: f.row.identifier.clone(),
            amount: money(f.row.amount_fen),
            source: source_name(lang, &f.row.source),
            found_on: f.row.found_on.clone(),
            controls: f
                .controls
                .iter()
                .map(|c| (c.key(), control_name(lang, *c)))
                .collect(),
            cap_months: f.kind.term_cap_months(),
            deductible: ControlKind::Deduct.fits(f.kind),
        })
        .collect();
    let measures = v
        .measures
        .iter()
        .map(|m| MeasureLine {
            id: m.row.id,
            version: m.row.version,
            debtor: m.debtor_name.clone(),
            asset: kind_name(lang, m.asset),
            control: control_name(lang, m.control),
            finding: m.finding.clone(),
            amount: money(m.row.amount_fen),
            start_on: m.row.start_on.clone(),
            end_on: m.row.end_on.clone().unwrap_or_default(),
            days_left: m.days_left.map_or(String::new(), |d| d.to_string()),
            status: match lang {
                Lang::Zh => m.status.name_zh(),
                Lang::En => m.status.name_en(),
            },
            status_key: m.status.key(),
            in_force: m.status.key() == "in_force",
            has_term: m.control.has_term(),
            renewals: m
                .renewals
                .iter()
                .map(|r| {
                    format!(
                        "{} → {}（{}）",
                        r.previous_end_on, r.new_end_on, r.renewed_on
                    )
                })
                .collect(),
            carried: m.row.carried_from_ref.clone().unwrap_or_default(),
            lift_reason: m.row.lift_reason.clone().unwrap_or_default(),
            cap_months: m.asset.term_cap_months(),
            warn: m.status.key() == "in_force" && m.days_left.is_some_and(|d| d <= 15),
        })
        .collect();
    let leads = v
        .leads
        .iter()
        .map(|l| {
            let kind = l
                .row
                .kind
                .as_deref()
                .and_then(|k| AssetKind::from_key(k).ok());
            LeadLine {
                id: l.row.id,
                version: l.row.version,
                debtor: l.debtor_name.clone(),
                kind: kind.map_or(String::new(), |k| kind_name(lang, k).to_string()),
                kind_key: kind.map_or(String::new(), |k| k.key().to_string()),
                description: l.row.description.clone(),
                urgent: l.row.urgent != 0,
                received_on: l.row.received_on.clone(),
                due_on: l.row.due_on.clone(),
                status: t(
                    lang,
                    match l.row.status.as_str() {
                        "pending" => "assets.lead.pending",
                        "found" => "assets.lead.found",
                        _ => "assets.lead.not_found",
                    },
                ),
                overdue: l.overdue,
                pending: l.row.status == "pending",
                note: l.row.outcome_note.clone().unwrap_or_default(),
            }
        })
        .collect();
    let messages = v
        .messages
        .iter()
        .map(|m| MessageLine {
            channel: t(
                lang,
                if m.channel == "sms" {
                    "assets.msg.sms"
                } else {
                    "assets.msg.platform"
                },
            ),
            status: t(
                lang,
                match m.status.as_str() {
                    "sent" => "assets.msg.sent",
                    "failed" => "assets.msg.failed",
                    "pending" => "assets.msg.pending",
                    _ => "assets.msg.recorded",
                },
            ),
            text: m.text.clone(),
            at: crate::format::datetime(m.sent_at.unwrap_or(m.created_at)),
            failure: m.failure_reason.clone().unwrap_or_default(),
        })
        .collect();
    AssetsPageHtml {
        lang,
        user,
        csrf,
        case_id: v.case.id,
        case_number: v.case.case_number.clone(),
        done,
        may_edit: v.may_edit,
        closed: v.closed,
        inquiry_open: v.inquiry_open,
        tasks,
        nothing: nothing.join("；"),
        findings,
        measures,
        leads,
        messages,
        summary: match lang {
            Lang::Zh => v.summary_zh.clone(),
            Lang::En => v.summary_en.clone(),
        },
        debtors: v
            .debtors
            .iter()
            .map(|d| (d.party_id, d.name.clone()))
            .collect(),
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.key(), kind_name(lang, *k)))
            .collect(),
        controls: ControlKind::ALL
            .iter()
            .map(|c| (c.key(), control_name(lang, *c)))
            .collect(),
        today: v.today.to_string(),
        applicant_phone: v.applicants.iter().any(|a| a.has_phone),
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

async fn page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    let user = s.session.user.clone();
    match app.case_assets(&s.session.actor, id).await {
        Ok(v) => Html(render_page(&page_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &v,
            q.done.is_some(),
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

/// The case page's line: a link with counts, as an htmx fragment.
async fn brief(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let lang = s.lang;
    match app.case_assets(&s.session.actor, id).await {
        Ok(v) => {
            let in_force = v
                .measures
                .iter()
                .filter(|m| m.status.key() == "in_force")
                .count();
            let pending = v.leads.iter().filter(|l| l.row.status == "pending").count();
            let line = crate::i18n::tf(
                lang,
                "assets.brief",
                &[&v.findings.len(), &in_force, &pending],
            );
            Html(format!(
                "<a href=\"/cases/{id}/assets\">{}</a> <small class=\"muted\">{}</small>",
                t(lang, "assets.link"),
                askama::filters::escape(line, askama::filters::Html)
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            ))
            .into_response()
        }
        Err(e) => (
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::NOT_FOUND),
            "",
        )
            .into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/// Every field any of the page's forms posts; each form fills its own.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssetForm {
    csrf: String,
    party_id: String,
    kind: String,
    institution: String,
    description: String,
    identifier: String,
    amount: String,
    found_on: String,
    urgent: Option<String>,
    received_on: String,
    version: String,
    outcome: String,
    note: String,
    control: String,
    months: String,
    start_on: String,
    end_on: String,
    from_case_number: String,
    reason: String,
}

fn details_of(f: &AssetForm) -> Result<FindingDetails, AppError> {
    Ok(FindingDetails {
        kind: AssetKind::from_key(&f.kind)?,
        institution: f.institution.clone(),
        description: f.description.clone(),
        identifier: f.identifier.clone(),
        amount: parse_amount(&f.amount)?,
    })
}

async fn run_form(
    app: &App,
    s: &PageSession,
    f: &AssetForm,
    case_id: Result<i64, AppError>,
    cmd: Result<Command, AppError>,
) -> Response {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    if !same_secret(&s.session.csrf, &f.csrf) {
        return refused(&expired());
    }
    let case_id = match case_id {
        Ok(c) => c,
        Err(e) => return refused(&e),
    };
    let cmd = match cmd {
        Ok(c) => c,
        Err(e) => return refused(&e),
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/assets?done=1")).into_response(),
        Err(e) => refused(&e),
    }
}

fn finding_cmd(case_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::RecordFinding(Box::new(FindingInput {
        case_id,
        party_id: parse_id(&f.party_id, "被执行人")?,
        details: details_of(f)?,
        found_on: parse_date(&f.found_on, Some(today()), "查询日期")?,
    })))
}

fn lead_cmd(case_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::FileAssetLead(Box::new(LeadInput {
        case_id,
        party_id: parse_id(&f.party_id, "被执行人")?,
        kind: if f.kind.trim().is_empty() {
            None
        } else {
            Some(AssetKind::from_key(&f.kind)?)
        },
        description: f.description.clone(),
        urgent: f.urgent.is_some(),
        received_on: parse_date(&f.received_on, Some(today()), "收到线索日期")?,
    })))
}

fn verify_cmd(lead_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    let outcome = LeadOutcome::from_key(&f.outcome)?;
    Ok(Command::VerifyAssetLead(Box::new(VerifyInput {
        lead_id,
        version: parse_id(&f.version, "版本")?,
        outcome,
        note: f.note.clone(),
        finding: match outcome {
            LeadOutcome::Found => Some(details_of(f)?),
            LeadOutcome::NotFound => None,
        },
    })))
}

fn control_cmd(finding_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::PlaceControl(Box::new(ControlInput {
        finding_id,
        control: ControlKind::from_key(&f.control)?,
        amount: parse_amount(&f.amount)?,
        months: parse_months(&f.months)?,
        start_on: parse_date(&f.start_on, Some(today()), "起始日")?,
    })))
}

fn carry_cmd(finding_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::CarryOverControl(Box::new(CarryInput {
        finding_id,
        control: ControlKind::from_key(&f.control)?,
        amount: parse_amount(&f.amount)?,
        start_on: parse_date(&f.start_on, None, "保全措施起始日")?,
        end_on: parse_date(&f.end_on, None, "保全措施届满日")?,
        from_case_number: f.from_case_number.clone(),
    })))
}

fn renew_cmd(measure_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::RenewControl {
        measure_id,
        version: parse_id(&f.version, "版本")?,
        months: parse_months(&f.months)?,
    })
}

fn lift_cmd(measure_id: i64, f: &AssetForm) -> Result<Command, AppError> {
    Ok(Command::LiftControl {
        measure_id,
        version: parse_id(&f.version, "版本")?,
        reason: f.reason.clone(),
    })
}

async fn inquire_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    run_form(
        &app,
        &s,
        &f,
        Ok(id),
        Ok(Command::RunInquiry { case_id: id }),
    )
    .await
}

async fn finding_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = finding_cmd(id, &f);
    run_form(&app, &s, &f, Ok(id), cmd).await
}

async fn lead_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = lead_cmd(id, &f);
    run_form(&app, &s, &f, Ok(id), cmd).await
}

async fn inform_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    run_form(
        &app,
        &s,
        &f,
        Ok(id),
        Ok(Command::InformApplicant { case_id: id }),
    )
    .await
}

async fn verify_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = verify_cmd(id, &f);
    let case_id = case_of_lead(&app, id).await;
    run_form(&app, &s, &f, case_id, cmd).await
}

async fn control_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = control_cmd(id, &f);
    let case_id = case_of_finding(&app, id).await;
    run_form(&app, &s, &f, case_id, cmd).await
}

async fn carry_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = carry_cmd(id, &f);
    let case_id = case_of_finding(&app, id).await;
    run_form(&app, &s, &f, case_id, cmd).await
}

async fn renew_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = renew_cmd(id, &f);
    let case_id = case_of_measure(&app, id).await;
    run_form(&app, &s, &f, case_id, cmd).await
}

async fn lift_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssetForm>,
) -> Response {
    let cmd = lift_cmd(id, &f);
    let case_id = case_of_measure(&app, id).await;
    run_form(&app, &s, &f, case_id, cmd).await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// A network inquiry task of a debtor.
#[derive(Serialize, ToSchema)]
pub struct ApiInquiryTask {
    pub id: i64,
    pub party_id: i64,
    pub debtor_name: String,
    /// `pending` (not submitted), `submitted` (awaiting the provider) or `done`.
    pub status: String,
    pub attempts: i64,
    pub submitted_at: Option<i64>,
    pub next_poll_at: Option<i64>,
    /// Asset kinds answered so far.
    pub answered_kinds: Vec<String>,
    /// Of those, the kinds answered "nothing found".
    pub nothing_found: Vec<String>,
}

/// An asset found (the identifier is for staff only).
#[derive(Serialize, ToSchema)]
pub struct ApiFinding {
    pub id: i64,
    pub party_id: i64,
    pub debtor_name: String,
    /// `bank_deposit`, `real_estate`, `vehicle`, `securities`, `online_payment`,
    /// `housing_fund`, `enterprise_shares`, `ship`.
    pub kind: String,
    pub institution: String,
    pub description: String,
    pub identifier: String,
    /// Balance or estimated value in fen.
    pub amount_fen: Option<i64>,
    /// `network`, `manual` or `lead`.
    pub source: String,
    pub found_on: String,
    /// Measures that fit this asset.
    pub controls: Vec<String>,
}

/// A control measure.
#[derive(Serialize, ToSchema)]
pub struct ApiMeasure {
    pub id: i64,
    pub version: i64,
    pub finding_id: i64,
    pub party_id: i64,
    pub asset_kind: String,
    /// `freeze`, `seal`, `detain`, `deduct`.
    pub control_kind: String,
    pub amount_fen: Option<i64>,
    pub start_on: String,
    /// None for a deduction.
    pub end_on: Option<String>,
    /// As of today: `in_force`, `lifted`, `expired`, `deducted`.
    pub status: String,
    pub days_left: Option<i64>,
    pub carried_from_case_id: Option<i64>,
    pub lift_reason: Option<String>,
    /// Earlier end dates, oldest first (`previous → new`).
    pub renewals: Vec<String>,
}

/// An asset lead from the applicant.
#[derive(Serialize, ToSchema)]
pub struct ApiLead {
    pub id: i64,
    pub version: i64,
    pub party_id: i64,
    pub kind: Option<String>,
    pub description: String,
    pub urgent: bool,
    pub received_on: String,
    pub due_on: String,
    /// `pending`, `found`, `not_found`.
    pub status: String,
    pub overdue: bool,
    pub outcome_note: Option<String>,
    pub finding_id: Option<i64>,
}

/// A message to the applicant.
#[derive(Serialize, ToSchema)]
pub struct ApiApplicantMessage {
    pub id: i64,
    pub party_id: i64,
    /// `sms` or `platform`.
    pub channel: String,
    /// `pending`, `sent`, `failed`, `recorded`.
    pub status: String,
    pub text: String,
    pub sent_at: Option<i64>,
    pub failure_reason: Option<String>,
}

/// A case's asset inquiry and control.
#[derive(Serialize, ToSchema)]
pub struct ApiAssets {
    pub case_id: i64,
    pub case_number: String,
    pub inquiry_open: bool,
    pub tasks: Vec<ApiInquiryTask>,
    pub findings: Vec<ApiFinding>,
    pub measures: Vec<ApiMeasure>,
    pub leads: Vec<ApiLead>,
    pub messages: Vec<ApiApplicantMessage>,
    /// The applicant summary, without account numbers.
    pub summary_zh: String,
    pub summary_en: String,
}

impl From<&AssetsView> for ApiAssets {
    fn from(v: &AssetsView) -> Self {
        let nothing = nothing_found(&v.answers);
        ApiAssets {
            case_id: v.case.id,
            case_number: v.case.case_number.clone(),
            inquiry_open: v.inquiry_open,
            tasks: v
                .tasks
                .iter()
                .map(|t| ApiInquiryTask {
                    id: t.id,
                    party_id: t.party_id,
                    debtor_name: t.debtor_name.clone(),
                    status: t.status.clone(),
                    attempts: t.attempts,
                    submitted_at: t.submitted_at,
                    next_poll_at: t.next_poll_at,
                    answered_kinds: t
                        .answered_kinds
                        .split(',')
                        .filter(|k| !k.is_empty())
                        .map(str::to_string)
                        .collect(),
                    nothing_found: AssetKind::ALL
                        .iter()
                        .filter(|k| nothing.contains(&(t.id, k.key().to_string())))
                        .map(|k| k.key().to_string())
                        .collect(),
                })
                .collect(),
            findings: v
                .findings
                .iter()
                .map(|f| ApiFinding {
                    id: f.row.id,
                    party_id: f.row.party_id,
                    debtor_name: f.debtor_name.clone(),
                    kind: f.row.kind.clone(),
                    institution: f.row.institution.clone(),
                    description: f.row.description.clone(),
                    identifier: f.row.identifier.clone(),
                    amount_fen: f.row.amount_fen,
                    source: f.row.source.clone(),
                    found_on: f.row.found_on.clone(),
                    controls: f.controls.iter().map(|c| c.key().to_string()).collect(),
                })
                .collect(),
            measures: v
                .measures
                .iter()
                .map(|m| ApiMeasure {
                    id: m.row.id,
                    version: m.row.version,
                    finding_id: m.row.finding_id,
                    party_id: m.row.party_id,
                    asset_kind: m.row.asset_kind.clone(),
                    control_kind: m.row.control_kind.clone(),
                    amount_fen: m.row.amount_fen,
                    start_on: m.row.start_on.clone(),
                    end_on: m.row.end_on.clone(),
                    status: m.status.key().to_string(),
                    days_left: m.days_left,
                    carried_from_case_id: m.row.carried_from_case_id,
                    lift_reason: m.row.lift_reason.clone(),
                    renewals: m
                        .renewals
                        .iter()
                        .map(|r| format!("{} → {}", r.previous_end_on, r.new_end_on))
                        .collect(),
                })
                .collect(),
            leads: v
                .leads
                .iter()
                .map(|l| ApiLead {
                    id: l.row.id,
                    version: l.row.version,
                    party_id: l.row.party_id,
                    kind: l.row.kind.clone(),
                    description: l.row.description.clone(),
                    urgent: l.row.urgent != 0,
                    received_on: l.row.received_on.clone(),
                    due_on: l.row.due_on.clone(),
                    status: l.row.status.clone(),
                    overdue: l.overdue,
                    outcome_note: l.row.outcome_note.clone(),
                    finding_id: l.row.finding_id,
                })
                .collect(),
            messages: v
                .messages
                .iter()
                .map(|m| ApiApplicantMessage {
                    id: m.id,
                    party_id: m.party_id,
                    channel: m.channel.clone(),
                    status: m.status.clone(),
                    text: m.text.clone(),
                    sent_at: m.sent_at,
                    failure_reason: m.failure_reason.clone(),
                })
                .collect(),
            summary_zh: v.summary_zh.clone(),
            summary_en: v.summary_en.clone(),
        }
    }
}

async fn api_done(
    app: &App,
    actor: &Actor,
    case_id: Result<i64, AppError>,
    cmd: Result<Command, AppError>,
) -> Response {
    let cmd = match cmd {
        Ok(c) => c,
        Err(e) => return problem(&e),
    };
    if let Err(e) = app.execute(actor, cmd).await {
        return problem(&e);
    }
    let case_id = match case_id {
        Ok(c) => c,
        Err(e) => return problem(&e),
    };
    match app.case_assets(actor, case_id).await {
        Ok(v) => (StatusCode::CREATED, Json(ApiAssets::from(&v))).into_response(),
        Err(e) => problem(&e),
    }
}

async fn case_of_lead(app: &App, id: i64) -> Result<i64, AppError> {
    Ok(app
        .store
        .asset_lead(id)
        .await?
        .ok_or(AppError::NotFound)?
        .case_id)
}

async fn case_of_finding(app: &App, id: i64) -> Result<i64, AppError> {
    Ok(app
        .store
        .asset_finding(id)
        .await?
        .ok_or(AppError::NotFound)?
        .case_id)
}

async fn case_of_measure(app: &App, id: i64) -> Result<i64, AppError> {
    Ok(app
        .store
        .control_measure(id)
        .await?
        .ok_or(AppError::NotFound)?
        .case_id)
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/assets", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = ApiAssets), (status = 404, body = crate::api::Problem)))]
pub async fn api_assets(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_assets(&s.session.actor, id).await {
        Ok(v) => Json(ApiAssets::from(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/assets/inquire", params(("id" = i64, Path, description = "Case id")),
    responses((status = 201, body = ApiAssets, description = "Submitted and polled (立即查询); a case whose inquiry was complete gets a new round"),
        (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_inquire(State(app): State<App>, w: ApiWrite, Path(id): Path<i64>) -> Response {
    api_done(
        &app,
        &w.session.actor,
        Ok(id),
        Ok(Command::RunInquiry { case_id: id }),
    )
    .await
}

/// An asset found through another channel.
#[derive(Deserialize, ToSchema)]
pub struct FindingRequest {
    /// The debtor.
    pub party_id: i64,
    pub kind: String,
    pub institution: String,
    pub description: String,
    #[serde(default)]
    pub identifier: String,
    /// Balance or estimated value, e.g. "12,000.00" or "1.2万".
    #[serde(default)]
    pub amount: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub found_on: String,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/assets/findings", params(("id" = i64, Path, description = "Case id")),
    request_body = FindingRequest,
    responses((status = 201, body = ApiAssets), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_finding(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<FindingRequest>,
) -> Response {
    let f = AssetForm {
        party_id: r.party_id.to_string(),
        kind: r.kind,
        institution: r.institution,
        description: r.description,
        identifier: r.identifier,
        amount: r.amount,
        found_on: r.found_on,
        ..Default::default()
    };
    api_done(&app, &w.session.actor, Ok(id), finding_cmd(id, &f)).await
}

/// The applicant's asset lead.
#[derive(Deserialize, ToSchema)]
pub struct LeadRequest {
    pub party_id: i64,
    #[serde(default)]
    pub kind: Option<String>,
    pub description: String,
    #[serde(default)]
    pub urgent: bool,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub received_on: String,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/assets/leads", params(("id" = i64, Path, description = "Case id")),
    request_body = LeadRequest,
    responses((status = 201, body = ApiAssets, description = "Filed; due in 7 days (3 when urgent)"), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_lead(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<LeadRequest>,
) -> Response {
    let f = AssetForm {
        party_id: r.party_id.to_string(),
        kind: r.kind.unwrap_or_default(),
        description: r.description,
        urgent: r.urgent.then(|| "on".to_string()),
        received_on: r.received_on,
        ..Default::default()
    };
    api_done(&app, &w.session.actor, Ok(id), lead_cmd(id, &f)).await
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/assets/inform", params(("id" = i64, Path, description = "Case id")),
    responses((status = 201, body = ApiAssets, description = "The summary sent to the applicants (SMS when they have a phone) and recorded"),
        (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_inform(State(app): State<App>, w: ApiWrite, Path(id): Path<i64>) -> Response {
    api_done(
        &app,
        &w.session.actor,
        Ok(id),
        Ok(Command::InformApplicant { case_id: id }),
    )
    .await
}

/// The verification of a lead.
#[derive(Deserialize, ToSchema)]
pub struct VerifyRequest {
    pub version: i64,
    /// `found` or `not_found`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
    /// For `found`: the asset.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub amount: String,
}

#[utoipa::path(post, path = "/api/v1/asset-leads/{id}/verify", params(("id" = i64, Path, description = "Lead id")),
    request_body = VerifyRequest,
    responses((status = 201, body = ApiAssets), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_verify(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<VerifyRequest>,
) -> Response {
    let f = AssetForm {
        version: r.version.to_string(),
        outcome: r.outcome,
        note: r.note,
        kind: r.kind,
        institution: r.institution,
        description: r.description,
        identifier: r.identifier,
        amount: r.amount,
        ..Default::default()
    };
    let case_id = case_of_lead(&app, id).await;
    api_done(&app, &w.session.actor, case_id, verify_cmd(id, &f)).await
}

/// A control measure on a finding.
#[derive(Deserialize, ToSchema)]
pub struct ControlRequest {
    /// `freeze`, `seal`, `detain` or `deduct`.
    pub control: String,
    /// Term in months (deposits ≤ 12, movables ≤ 24, real estate and property rights ≤ 36);
    /// ignored for a deduction.
    #[serde(default)]
    pub months: u32,
    #[serde(default)]
    pub amount: String,
    /// `YYYY-MM-DD`; default today.
    #[serde(default)]
    pub start_on: String,
}

#[utoipa::path(post, path = "/api/v1/asset-findings/{id}/controls", params(("id" = i64, Path, description = "Finding id")),
    request_body = ControlRequest,
    responses((status = 201, body = ApiAssets), (status = 422, body = crate::api::Problem, description = "e.g. control.term_over_cap, control.kind_mismatch, asset.not_debtor"), (status = 404, body = crate::api::Problem)))]
pub async fn api_control(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ControlRequest>,
) -> Response {
    let f = AssetForm {
        control: r.control,
        months: r.months.to_string(),
        amount: r.amount,
        start_on: r.start_on,
        ..Default::default()
    };
    let case_id = case_of_finding(&app, id).await;
    api_done(&app, &w.session.actor, case_id, control_cmd(id, &f)).await
}

/// A preservation measure carried over with its term.
#[derive(Deserialize, ToSchema)]
pub struct CarryRequest {
    pub control: String,
    pub start_on: String,
    pub end_on: String,
    /// The preservation (执保) case's number.
    pub from_case_number: String,
    #[serde(default)]
    pub amount: String,
}

#[utoipa::path(post, path = "/api/v1/asset-findings/{id}/carry-over", params(("id" = i64, Path, description = "Finding id")),
    request_body = CarryRequest,
    responses((status = 201, body = ApiAssets), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_carry(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CarryRequest>,
) -> Response {
    let f = AssetForm {
        control: r.control,
        start_on: r.start_on,
        end_on: r.end_on,
        from_case_number: r.from_case_number,
        amount: r.amount,
        ..Default::default()
    };
    let case_id = case_of_finding(&app, id).await;
    api_done(&app, &w.session.actor, case_id, carry_cmd(id, &f)).await
}

/// Renewal before expiry.
#[derive(Deserialize, ToSchema)]
pub struct RenewRequest {
    pub version: i64,
    pub months: u32,
}

#[utoipa::path(post, path = "/api/v1/control-measures/{id}/renew", params(("id" = i64, Path, description = "Measure id")),
    request_body = RenewRequest,
    responses((status = 201, body = ApiAssets), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_renew(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RenewRequest>,
) -> Response {
    let case_id = case_of_measure(&app, id).await;
    let cmd = Command::RenewControl {
        measure_id: id,
        version: r.version,
        months: r.months,
    };
    api_done(&app, &w.session.actor, case_id, Ok(cmd)).await
}

/// Lifting with a reason.
#[derive(Deserialize, ToSchema)]
pub struct LiftRequest {
    pub version: i64,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/control-measures/{id}/lift", params(("id" = i64, Path, description = "Measure id")),
    request_body = LiftRequest,
    responses((status = 201, body = ApiAssets), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_lift(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<LiftRequest>,
) -> Response {
    let case_id = case_of_measure(&app, id).await;
    let cmd = Command::LiftControl {
        measure_id: id,
        version: r.version,
        reason: r.reason,
    };
    api_done(&app, &w.session.actor, case_id, Ok(cmd)).await
}
