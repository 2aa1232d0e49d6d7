//! Closing (结案) pages and API: the conditions of a closing mode with what the case's records
//! show, the facts closing rests on, and the closing itself.
//! - `GET /cases/{id}/closing?mode=dormant` — every condition, held or not, with its evidence;
//!   `POST /cases/{id}/closing/records`, `POST /cases/{id}/close`;
//! - `GET /api/v1/cases/{id}/closing?mode=…`, `POST /api/v1/cases/{id}/closing-records`,
//!   `POST /api/v1/cases/{id}/close`.
//!
//! No rule here: the conditions are the domain's (`zhixing_domain::closing`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::closing::{ClosingExtras, ClosingView};
use zhixing_app::commands::Command;
use zhixing_app::views::CurrentUser;
use zhixing_app::{App, AppError};
use zhixing_domain::case::ClosingMode;
use zhixing_domain::closing::{RecordKind, TerminationGround};

use crate::api::problem;
use crate::i18n::msg;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command, form_command_to};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/closing", get(page))
        .route("/cases/{id}/closing/records", post(record_post))
        .route("/cases/{id}/close", post(close_post))
        .route("/api/v1/cases/{id}/closing", get(api_check))
        .route("/api/v1/cases/{id}/closing-records", post(api_record))
        .route("/api/v1/cases/{id}/close", post(api_close))
}

fn mode_of(raw: Option<&str>) -> Result<ClosingMode, AppError> {
    match raw.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(ClosingMode::Dormant),
        Some(m) => Ok(ClosingMode::from_key(m)?),
    }
}

fn day(raw: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            "request.bad_date",
            format!("日期须为“年-月-日”格式：“{}”", raw.trim()),
            format!("the date must be YYYY-MM-DD: \"{}\"", raw.trim()),
        )
    })
}

fn ground_of(raw: &str) -> Result<Option<TerminationGround>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        Ok(None)
    } else {
        Ok(Some(TerminationGround::from_key(raw)?))
    }
}

pub struct CheckLine {
    pub met: bool,
    pub name: String,
    pub detail: String,
    pub link: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "closing.html")]
pub struct ClosingPageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub mode_key: String,
    pub mode_name: String,
    pub modes: Vec<Choice>,
    pub checks: Vec<CheckLine>,
    pub all_met: bool,
    pub open: bool,
    pub may_close: bool,
    pub may_record: bool,
    pub records: Vec<(String, String, String, String)>,
    pub record_kinds: Vec<Choice>,
    pub grounds: Vec<Choice>,
    pub needs_ground: bool,
    pub needs_reason: bool,
    pub today: String,
    /// The 终本 ruling awaiting approval (id, status in words): the case closes when it is issued.
    pub pending_ruling: Option<(i64, String)>,
}

staff_page!(
    ClosingPageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/closing?mode={}", p.case_id, p.mode_key)
);

fn page_html(lang: Lang, user: CurrentUser, csrf: String, v: &ClosingView) -> ClosingPageHtml {
    let name = |m: ClosingMode| msg(lang, m.name_zh(), m.name_en());
    ClosingPageHtml {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        version: v.version,
        mode_key: v.mode.key().into(),
        mode_name: name(v.mode),
        modes: ClosingMode::ALL
            .into_iter()
            .map(|m| Choice {
                value: m.key().into(),
                label: name(m),
                selected: m == v.mode,
            })
            .collect(),
        checks: v
            .checks
            .iter()
            .map(|c| CheckLine {
                met: c.met,
                name: msg(lang, c.name_zh, c.name_en),
                detail: msg(lang, c.detail_zh.clone(), c.detail_en.clone()),
                link: c.link.clone(),
            })
            .collect(),
        all_met: v.all_met,
        open: v.open,
        may_close: v.may_close,
        may_record: v.may_record,
        records: v
            .records
            .iter()
            .map(|r| {
                let kind = RecordKind::from_key(&r.kind)
                    .map(|k| msg(lang, k.name_zh(), k.name_en()))
                    .unwrap_or_else(|_| r.kind.clone());
                (
                    r.happened_on.clone(),
                    kind,
                    r.summary.clone(),
                    r.recorded_by_name.clone(),
                )
            })
            .collect(),
        record_kinds: RecordKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.key().into(),
                label: msg(lang, k.name_zh(), k.name_en()),
                selected: false,
            })
            .collect(),
        grounds: TerminationGround::ALL
            .into_iter()
            .map(|g| Choice {
                value: g.key().into(),
                label: msg(lang, g.name_zh(), g.name_en()),
                selected: false,
            })
            .collect(),
        needs_ground: v.mode == ClosingMode::Terminated,
        needs_reason: !matches!(v.mode, ClosingMode::Completed | ClosingMode::Dormant),
        today: v.today.to_string(),
        pending_ruling: v.pending_ruling.as_ref().map(|p| {
            (
                p.document_id,
                msg(lang, p.status.name_zh(), p.status.name_en()),
            )
        }),
    }
}

#[derive(Deserialize)]
pub struct ModeQuery {
    /// completed, dormant (default), terminated, withdrawn, refused or rejected.
    pub mode: Option<String>,
}

async fn page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<ModeQuery>,
) -> Response {
    let user = s.session.user.clone();
    let view = match mode_of(q.mode.as_deref()) {
        Ok(mode) => app.closing_check(&s.session.actor, id, mode).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(v) => Html(render_page(&page_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &v,
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

#[derive(Deserialize)]
struct RecordForm {
    csrf: String,
    kind: String,
    happened_on: String,
    summary: String,
    #[serde(default)]
    mode: String,
}

async fn record_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<RecordForm>,
) -> Response {
    let cmd = record_command(id, &f.kind, &f.happened_on, f.summary);
    let mode = mode_of(Some(&f.mode)).unwrap_or(ClosingMode::Dormant);
    let to = format!("/cases/{id}/closing?mode={}", mode.key());
    form_command(&app, &s, &f.csrf, cmd, &to).await
}

fn record_command(
    case_id: i64,
    kind: &str,
    happened_on: &str,
    summary: String,
) -> Result<Command, AppError> {
    Ok(Command::RecordClosingFact {
        case_id,
        kind: RecordKind::from_key(kind.trim())?,
        happened_on: day(happened_on)?,
        summary,
    })
}

#[derive(Deserialize)]
struct CloseForm {
    csrf: String,
    version: i64,
    mode: String,
    #[serde(default)]
    ground: String,
    #[serde(default)]
    reason: String,
}

fn close_command(
    case_id: i64,
    version: i64,
    mode: &str,
    ground: &str,
    reason: String,
) -> Result<Command, AppError> {
    Ok(Command::CloseCase {
        case_id,
        version,
        mode: ClosingMode::from_key(mode.trim())?,
        extras: ClosingExtras {
            ground: ground_of(ground)?,
            reason,
        },
    })
}

async fn close_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<CloseForm>,
) -> Response {
    let cmd = close_command(id, f.version, &f.mode, &f.ground, f.reason);
    // A 终本 request goes on to its ruling, which closes the case when it is approved.
    form_command_to(&app, &s, &f.csrf, cmd, |o| match o.ruling_id {
        Some(doc) => format!("/documents/{doc}"),
        None => format!("/cases/{id}"),
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiCondition {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub met: bool,
    pub detail_zh: String,
    pub detail_en: String,
    /// The record it rests on, e.g. `/documents/12`.
    pub link: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiClosingCheck {
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub mode: String,
    pub all_met: bool,
    pub conditions: Vec<ApiCondition>,
}

fn check_doc(v: &ClosingView) -> ApiClosingCheck {
    ApiClosingCheck {
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        version: v.version,
        mode: v.mode.key().into(),
        all_met: v.all_met,
        conditions: v
            .checks
            .iter()
            .map(|c| ApiCondition {
                key: c.key.into(),
                name_zh: c.name_zh.into(),
                name_en: c.name_en.into(),
                met: c.met,
                detail_zh: c.detail_zh.clone(),
                detail_en: c.detail_en.clone(),
                link: c.link.clone(),
            })
            .collect(),
    }
}

/// The conditions of closing the case in `mode` (default dormant), each with what the case's
/// records show. 终结执行's ground and the other modes' ruling come with the closing request,
/// so they show as not met here.
#[utoipa::path(get, path = "/api/v1/cases/{id}/closing",
    params(("id" = i64, Path, description = "case id"), ("mode" = Option<String>, Query, description = "closing mode")),
    responses((status = 200, body = ApiClosingCheck), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_check(
    State(app): State<App>,
    s: ApiSession,
    Path(id): Path<i64>,
    Query(q): Query<ModeQuery>,
) -> Response {
    let view = match mode_of(q.mode.as_deref()) {
        Ok(mode) => app.closing_check(&s.session.actor, id, mode).await,
        Err(e) => Err(e),
    };
    match view {
        Ok(v) => Json(check_doc(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ClosingRecordRequest {
    /// applicant_heard, debtor_missing, debtor_searched, blacklist_ineligible or
    /// applicant_satisfied.
    pub kind: String,
    /// YYYY-MM-DD.
    pub happened_on: String,
    pub summary: String,
}

/// Records a fact closing rests on (the interview with the applicant, a debtor's search, …).
#[utoipa::path(post, path = "/api/v1/cases/{id}/closing-records", params(("id" = i64, Path, description = "case id")),
    request_body = ClosingRecordRequest,
    responses((status = 204), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_record(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ClosingRecordRequest>,
) -> Response {
    crate::api::no_content(
        &app,
        &w.session.actor,
        record_command(id, &r.kind, &r.happened_on, r.summary),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct CloseRequest {
    /// The case version last read.
    pub version: i64,
    pub mode: String,
    /// 终结执行: the statutory ground's key.
    #[serde(default)]
    pub ground: String,
    /// The evidence for the ground, or the ruling/reason of 销案, 不予执行, 驳回申请.
    #[serde(default)]
    pub reason: String,
}

/// The 终本 ruling a request submitted for approval.
#[derive(Serialize, ToSchema)]
pub struct ApiRulingSubmitted {
    /// The ruling (`/api/v1/documents/{id}`); the case closes when it is approved and issued.
    pub document_id: i64,
    pub case_id: i64,
}

/// Closes the case when every condition of the mode holds; otherwise 422 naming each failed
/// condition, and nothing changes. 终本 closes by its ruling: the request moves the case to
/// 结案审查 and submits the ruling for approval (202, with the ruling's id); approval checks the
/// conditions again, issues the ruling, closes the case and enters it in the dormant-case
/// library. The other modes close at once (204).
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", params(("id" = i64, Path, description = "case id")),
    request_body = CloseRequest,
    responses((status = 204), (status = 202, body = ApiRulingSubmitted), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_close(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CloseRequest>,
) -> Response {
    let cmd = match close_command(id, r.version, &r.mode, &r.ground, r.reason) {
        Ok(c) => c,
        Err(e) => return problem(&e),
    };
    match app.execute(&w.session.actor, cmd).await {
        Ok(o) => match o.ruling_id {
            Some(document_id) => (
                StatusCode::ACCEPTED,
                Json(ApiRulingSubmitted {
                    document_id,
                    case_id: id,
                }),
            )
                .into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
        Err(e) => problem(&e),
    }
}
