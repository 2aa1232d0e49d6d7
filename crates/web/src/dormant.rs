//! The dormant-case library (终本案件库) and restoration (恢复执行), pages and API:
//! - `GET /dormant?court=&filter=&page=` — the court's library: cases watched with their next
//!   re-inquiry, those a round found property for, the restored, the five years ended;
//! - `GET /cases/{id}/dormant` — a case's re-inquiry schedule and rounds, and the restore form;
//!   `POST /cases/{id}/restore` files the linked 执恢 case and opens it;
//! - `GET /api/v1/dormant`, `GET /api/v1/cases/{id}/dormant`, `POST /api/v1/cases/{id}/restore`.
//!
//! No rule here: they are the domain's (`zhixing_domain::closing`) and the app's
//! (`zhixing_app::dormant`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::dormant::{CaseLibraryView, DormantFilter, DormantRow, LibraryPage, RestoreInput};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::closing::RestorationReason;
use zhixing_domain::money::Fen;

use crate::api::problem;
use crate::i18n::{msg, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command_to};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/dormant", get(library))
        .route("/cases/{id}/dormant", get(case_page))
        .route("/cases/{id}/restore", post(restore_post))
        .route("/api/v1/dormant", get(api_library))
        .route("/api/v1/cases/{id}/dormant", get(api_case))
        .route("/api/v1/cases/{id}/restore", post(api_restore))
}

fn filter_of(raw: Option<&str>) -> Result<DormantFilter, AppError> {
    match raw.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(DormantFilter::Watching),
        Some(f) => DormantFilter::from_key(f).ok_or_else(|| {
            AppError::invalid(
                "dormant.unknown_filter",
                format!("未知的筛选条件“{f}”，应为 watching、found、restored 或 ended"),
                format!("unknown filter \"{f}\"; expected watching, found, restored or ended"),
            )
        }),
    }
}

fn filter_name(lang: Lang, f: DormantFilter) -> String {
    match f {
        DormantFilter::Watching => msg(lang, "定期复查中", "Watched"),
        DormantFilter::Found => msg(lang, "复查发现财产", "Property found"),
        DormantFilter::Restored => msg(lang, "已恢复执行", "Restored"),
        DormantFilter::Ended => msg(lang, "五年复查期满", "Five years over"),
    }
}

const FILTERS: [DormantFilter; 4] = [
    DormantFilter::Watching,
    DormantFilter::Found,
    DormantFilter::Restored,
    DormantFilter::Ended,
];

fn court_of(actor: &Actor, raw: Option<i64>) -> i64 {
    raw.unwrap_or(actor.court_id)
}

#[derive(Deserialize)]
pub struct LibraryQuery {
    /// The court (default: the user's own).
    pub court: Option<i64>,
    /// watching (default), found, restored or ended.
    pub filter: Option<String>,
    pub page: Option<i64>,
}

pub struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct LibraryLine {
    pub case_id: i64,
    pub case_number: String,
    pub applicants: String,
    pub debtors: String,
    pub claim: String,
    pub closed_on: String,
    pub rounds_done: i64,
    pub rounds_left: usize,
    pub next_on: String,
    pub last_run_on: String,
    /// `3 项，约 1,200.00 元（2026-11-27）` or empty.
    pub found: String,
    pub running: bool,
    pub restored: Option<(i64, String)>,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "dormant.html")]
pub struct LibraryHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_id: i64,
    pub court_name: String,
    pub filter_key: String,
    pub tabs: Vec<Tab>,
    pub lines: Vec<LibraryLine>,
    pub total: i64,
    pub page: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

staff_page!(
    LibraryHtml,
    section = "dormant",
    home = true,
    back = "/dormant"
);

fn found_text(lang: Lang, count: i64, fen: i64, on: Option<&str>) -> String {
    match on {
        None => String::new(),
        Some(on) if fen > 0 => msg(
            lang,
            format!("{count} 项，约 {} 元（{on}）", Fen(fen)),
            format!("{count} item(s), about {} yuan ({on})", Fen(fen)),
        ),
        Some(on) => msg(
            lang,
            format!("{count} 项（{on}）"),
            format!("{count} item(s) ({on})"),
        ),
    }
}

fn library_html(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    app: &App,
    p: &LibraryPage,
) -> LibraryHtml {
    let court_name = app
        .court_tree()
        .courts
        .iter()
        .find(|c| c.id == p.court_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let href = |f: DormantFilter, page: i64| {
        format!(
            "/dormant?court={}&filter={}&page={page}",
            p.court_id,
            f.key()
        )
    };
    let pages = (p.total + p.per_page - 1) / p.per_page;
    LibraryHtml {
        lang,
        user,
        csrf,
        court_id: p.court_id,
        court_name,
        filter_key: p.filter.key().into(),
        tabs: FILTERS
            .into_iter()
            .map(|f| Tab {
                href: href(f, 1),
                label: filter_name(lang, f),
                current: f == p.filter,
            })
            .collect(),
        lines: p
            .entries
            .iter()
            .map(|e| {
                let r = &e.row;
                LibraryLine {
                    case_id: r.entry.case_id,
                    case_number: r.case_number.clone(),
                    applicants: r.applicant_names.clone(),
                    debtors: r.debtor_names.clone(),
                    claim: Fen(r.claim_fen).to_string(),
                    closed_on: r.entry.closed_on.clone(),
                    rounds_done: r.entry.rounds_done,
                    rounds_left: e.rounds_left,
                    next_on: r.entry.next_on.clone().unwrap_or_else(|| "—".into()),
                    last_run_on: r.entry.last_run_on.clone().unwrap_or_else(|| "—".into()),
                    found: found_text(
                        lang,
                        r.entry.last_found,
                        r.entry.last_found_fen,
                        r.entry.found_on.as_deref(),
                    ),
                    running: r.entry.round_open > 0,
                    restored: r.entry.restored_case_id.zip(r.restored_number.clone()),
                    reason: e
                        .reason
                        .map(|x| msg(lang, x.name_zh(), x.name_en()))
                        .unwrap_or_default(),
                }
            })
            .collect(),
        total: p.total,
        page: p.page,
        prev: (p.page > 1).then(|| href(p.filter, p.page - 1)),
        next: (p.page < pages).then(|| href(p.filter, p.page + 1)),
    }
}

async fn library(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<LibraryQuery>,
) -> Response {
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let view = match filter_of(q.filter.as_deref()) {
        Ok(f) => {
            app.library_page(actor, court_of(actor, q.court), f, q.page.unwrap_or(1))
                .await
        }
        Err(e) => Err(e),
    };
    match view {
        Ok(p) => Html(render_page(&library_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &app,
            &p,
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

pub struct RoundLine {
    pub round: usize,
    pub on: String,
    pub done: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "dormant_case.html")]
pub struct CaseLibraryHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub listed: bool,
    pub status: String,
    pub closed_on: String,
    pub rounds: Vec<RoundLine>,
    pub last_run_on: String,
    pub found: String,
    pub running: bool,
    pub found_since_closing: i64,
    pub restored: Option<(i64, String)>,
    pub restored_from: Option<(i64, String)>,
    pub may_restore: bool,
    pub refusal: Option<String>,
    pub reasons: Vec<Choice>,
    pub owed: String,
}

staff_page!(
    CaseLibraryHtml,
    section = "dormant",
    home = false,
    back = |p| format!("/cases/{}/dormant", p.case_id)
);

fn status_name(lang: Lang, status: &str) -> String {
    match status {
        "watching" => msg(lang, "定期复查中", "watched, re-inquired every six months"),
        "restored" => msg(lang, "已恢复执行", "restored"),
        "ended" => msg(lang, "五年复查期满", "the five years are over"),
        other => other.to_string(),
    }
}

fn case_html(lang: Lang, user: CurrentUser, csrf: String, v: &CaseLibraryView) -> CaseLibraryHtml {
    let e = v.entry.as_ref();
    let done = e.map_or(0, |e| e.rounds_done);
    let last = e.and_then(|e| e.last_run_on.clone());
    CaseLibraryHtml {
        lang,
        user,
        csrf,
        case_id: v.case.id,
        case_number: v.case.case_number.clone(),
        listed: e.is_some(),
        status: e.map(|e| status_name(lang, &e.status)).unwrap_or_default(),
        closed_on: e.map(|e| e.closed_on.clone()).unwrap_or_default(),
        rounds: v
            .schedule
            .iter()
            .enumerate()
            .map(|(i, d)| RoundLine {
                round: i + 1,
                on: d.to_string(),
                // A round ran when the row's last run is on or after its date.
                done: (i as i64) < done
                    || last.as_deref().is_some_and(|l| l >= d.to_string().as_str()),
            })
            .collect(),
        last_run_on: last.clone().unwrap_or_else(|| "—".into()),
        found: e
            .map(|e| found_text(lang, e.last_found, e.last_found_fen, e.found_on.as_deref()))
            .unwrap_or_default(),
        running: e.is_some_and(|e| e.round_open > 0),
        found_since_closing: v.found_since_closing,
        restored: e
            .and_then(|e| e.restored_case_id)
            .zip(v.restored_number.clone()),
        restored_from: v.restored_from.clone(),
        may_restore: v.may_restore,
        refusal: v.refusal.as_ref().map(|(zh, en)| msg(lang, zh, en)),
        reasons: [
            RestorationReason::AssetsFound,
            RestorationReason::ApplicantRequest,
        ]
        .into_iter()
        .map(|r| Choice {
            value: r.key().into(),
            label: msg(lang, r.name_zh(), r.name_en()),
        })
        .collect(),
        owed: Fen(v.case.claim_fen - v.case.recovered_fen).to_string(),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let user = s.session.user.clone();
    match app.case_library(&s.session.actor, id).await {
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

fn restore_command(case_id: i64, reason: &str, note: String) -> Result<Command, AppError> {
    Ok(Command::RestoreCase(Box::new(RestoreInput {
        case_id,
        reason: RestorationReason::from_key(reason.trim())?,
        note,
    })))
}

#[derive(Deserialize)]
struct RestoreForm {
    csrf: String,
    reason: String,
    #[serde(default)]
    note: String,
}

async fn restore_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<RestoreForm>,
) -> Response {
    let cmd = restore_command(id, &f.reason, f.note);
    form_command_to(&app, &s, &f.csrf, cmd, |o| {
        format!("/cases/{}", o.id.unwrap_or(id))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiLibraryEntry {
    pub case_id: i64,
    pub case_number: String,
    pub applicant_names: String,
    pub debtor_names: String,
    pub claim_fen: i64,
    /// watching, restored or ended.
    pub status: String,
    pub closed_on: String,
    pub rounds_done: i64,
    pub rounds_left: usize,
    pub next_on: Option<String>,
    pub last_run_on: Option<String>,
    /// Tasks of the round in progress still waiting for the network.
    pub round_open: i64,
    /// What the last round found (count, and the amounts the institutions gave).
    pub last_found: i64,
    pub last_found_fen: i64,
    /// The last day a round found property.
    pub found_on: Option<String>,
    pub restored_case_id: Option<i64>,
    pub restored_number: Option<String>,
    pub restoration_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiLibrary {
    pub court_id: i64,
    pub filter: String,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub entries: Vec<ApiLibraryEntry>,
}

fn entry_doc(
    e: &DormantRow,
    number: String,
    names: (String, String, i64),
    rounds_left: usize,
    restored_number: Option<String>,
) -> ApiLibraryEntry {
    ApiLibraryEntry {
        case_id: e.case_id,
        case_number: number,
        applicant_names: names.0,
        debtor_names: names.1,
        claim_fen: names.2,
        status: e.status.clone(),
        closed_on: e.closed_on.clone(),
        rounds_done: e.rounds_done,
        rounds_left,
        next_on: e.next_on.clone(),
        last_run_on: e.last_run_on.clone(),
        round_open: e.round_open,
        last_found: e.last_found,
        last_found_fen: e.last_found_fen,
        found_on: e.found_on.clone(),
        restored_case_id: e.restored_case_id,
        restored_number,
        restoration_reason: e.restoration_reason.clone(),
    }
}

/// The court's dormant-case library, 50 a page: `filter` watching (default, next re-inquiry
/// first), found (a round found property, latest first), restored, ended.
#[utoipa::path(get, path = "/api/v1/dormant",
    params(("court_id" = Option<i64>, Query, description = "court (default: the user's own)"),
        ("filter" = Option<String>, Query, description = "watching, found, restored or ended"),
        ("page" = Option<i64>, Query, description = "page, from 1")),
    responses((status = 200, body = ApiLibrary), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_library(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<ApiLibraryQuery>,
) -> Response {
    let actor = &s.session.actor;
    let view = match filter_of(q.filter.as_deref()) {
        Ok(f) => {
            app.library_page(actor, court_of(actor, q.court_id), f, q.page.unwrap_or(1))
                .await
        }
        Err(e) => Err(e),
    };
    match view {
        Ok(p) => Json(ApiLibrary {
            court_id: p.court_id,
            filter: p.filter.key().into(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            entries: p
                .entries
                .iter()
                .map(|e| {
                    let r = &e.row;
                    entry_doc(
                        &r.entry,
                        r.case_number.clone(),
                        (
                            r.applicant_names.clone(),
                            r.debtor_names.clone(),
                            r.claim_fen,
                        ),
                        e.rounds_left,
                        r.restored_number.clone(),
                    )
                })
                .collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize)]
pub struct ApiLibraryQuery {
    pub court_id: Option<i64>,
    pub filter: Option<String>,
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCaseLibrary {
    pub case_id: i64,
    pub case_number: String,
    /// The library row, when the case is (or was) in the library.
    pub entry: Option<ApiLibraryEntry>,
    /// Every re-inquiry date of the five years.
    pub schedule: Vec<String>,
    pub found_since_closing: i64,
    /// The 终本 case this 执恢 case continues.
    pub restored_from: Option<i64>,
    pub restorable: bool,
    pub refusal_zh: Option<String>,
    pub refusal_en: Option<String>,
}

/// A case's place in the library: schedule, rounds, what they found, and whether it can be
/// restored (with the rule that refuses it when not).
#[utoipa::path(get, path = "/api/v1/cases/{id}/dormant", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = ApiCaseLibrary), (status = 404, body = crate::api::Problem)))]
pub async fn api_case(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_library(&s.session.actor, id).await {
        Ok(v) => {
            let c = &v.case;
            Json(ApiCaseLibrary {
                case_id: c.id,
                case_number: c.case_number.clone(),
                entry: v.entry.as_ref().map(|e| {
                    let left = match e.next_on.as_deref() {
                        Some(n) => v
                            .schedule
                            .iter()
                            .filter(|d| d.to_string().as_str() >= n)
                            .count(),
                        None => 0,
                    };
                    entry_doc(
                        e,
                        c.case_number.clone(),
                        (
                            c.applicant_names.clone(),
                            c.debtor_names.clone(),
                            c.claim_fen,
                        ),
                        left,
                        v.restored_number.clone(),
                    )
                }),
                schedule: v.schedule.iter().map(|d| d.to_string()).collect(),
                found_since_closing: v.found_since_closing,
                restored_from: v.restored_from.as_ref().map(|r| r.0),
                restorable: v.refusal.is_none(),
                refusal_zh: v.refusal.as_ref().map(|r| r.0.clone()),
                refusal_en: v.refusal.as_ref().map(|r| r.1.clone()),
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RestoreRequest {
    /// assets_found (needs property found since closing) or applicant_request.
    pub reason: String,
    /// The applicant's application or what was found.
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiRestored {
    /// The new 执恢 case.
    pub case_id: i64,
    pub case_number: String,
}

/// Restores a 终本 case: files the linked 执恢 case for what is still owed, with the same
/// parties and a same-day network inquiry, routed to the dormant-case team. Refused (422) for
/// a case not closed as 终本, one already restored, "property found" with nothing found since
/// closing, or nothing owed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/restore", params(("id" = i64, Path, description = "the 终本 case")),
    request_body = RestoreRequest,
    responses((status = 201, body = ApiRestored), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_restore(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RestoreRequest>,
) -> Response {
    let cmd = match restore_command(id, &r.reason, r.note) {
        Ok(c) => c,
        Err(e) => return problem(&e),
    };
    match app.execute(&w.session.actor, cmd).await {
        Ok(o) => (
            StatusCode::CREATED,
            Json(ApiRestored {
                case_id: o.id.unwrap_or_default(),
                case_number: o.case_number.unwrap_or_default(),
            }),
        )
            .into_response(),
        Err(e) => problem(&e),
    }
}
