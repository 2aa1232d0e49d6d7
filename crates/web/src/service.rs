//! Service of documents (送达) on the web: the routine-work team's desk `/routine/service`
//! (pending, in progress, failed), a task's page `/service/tasks/{id}` with its attempts and
//! a form per method (electronic send, post, in person, announcement, each with an optional
//! proof scan as a multipart upload), a case's service list `/cases/{id}/service`, the
//! recipient's public link page `/s/{token}` (no login: the document, its PDF and 确认签收),
//! and the API twins under `/api/v1`. The rules are the app's (`zhixing_app::service`).
//!
//! The two upload routes stream up to the app's per-file limit like the dossier's; every other
//! route keeps the server's 256 KiB limit.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::service::{
    AttemptView, CaseServiceView, LinkView, QueuePage, QueueTab, ServiceInput, ServiceProof,
    ServiceResultInput, TaskDetail, TaskView, SERVICE_STAFF,
};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::document::{
    announcement_served_on, Attempt, AttemptOutcome, ServiceMethod, TaskStatus,
};

use crate::api::problem;
use crate::i18n::{t, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{lang_of, same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

/// Multipart overhead allowed beyond the file limit before a request is refused unread.
const MULTIPART_SLACK: u64 = 1024 * 1024;

pub fn routes() -> Router<App> {
    let uploads = Router::new()
        .route("/service/tasks/{id}/attempts", post(attempt_page))
        .route(
            "/service/tasks/{id}/attempts/{attempt_id}/result",
            post(result_page),
        )
        .layer(DefaultBodyLimit::disable());
    let rest = Router::new()
        .route("/routine/service", get(queue_page))
        .route("/service/tasks/{id}", get(task_page))
        .route("/service/tasks/{id}/send", post(send_page))
        .route("/cases/{id}/service", get(case_page))
        .route("/s/{token}", get(link_page))
        .route("/s/{token}/document.pdf", get(link_pdf))
        .route("/s/{token}/confirm", post(link_confirm))
        .route("/api/v1/service-tasks", get(api_queue))
        .route("/api/v1/service-tasks/{id}", get(api_task))
        .route("/api/v1/service-tasks/{id}/attempts", post(api_attempt))
        .route(
            "/api/v1/service-tasks/{id}/attempts/{attempt_id}/result",
            post(api_result),
        )
        .route("/api/v1/service-tasks/{id}/send", post(api_send))
        .route("/api/v1/cases/{id}/service", get(api_case))
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            crate::MAX_BODY_BYTES,
        ));
    uploads.merge(rest)
}

fn method_name(lang: Lang, m: ServiceMethod) -> &'static str {
    match lang {
        Lang::Zh => m.name_zh(),
        Lang::En => m.name_en(),
    }
}

fn status_name(lang: Lang, s: TaskStatus) -> &'static str {
    match lang {
        Lang::Zh => s.name_zh(),
        Lang::En => s.name_en(),
    }
}

fn outcome_name(lang: Lang, o: AttemptOutcome) -> &'static str {
    match lang {
        Lang::Zh => o.name_zh(),
        Lang::En => o.name_en(),
    }
}

fn invalid_date(what_zh: &str) -> AppError {
    AppError::invalid(
        "service.date_invalid",
        format!("{what_zh}须为“年-月-日”格式，如 2026-03-02"),
        "dates are written YYYY-MM-DD, e.g. 2026-03-02",
    )
}

fn parse_date(s: &str, what_zh: &str) -> Result<NaiveDate, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(
            "service.date_required",
            format!("请填写{what_zh}"),
            "the date is required",
        ));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| invalid_date(what_zh))
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/// A task as a row of a list.
pub struct TaskLine {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub document: String,
    pub document_number: String,
    pub recipient: String,
    pub status_key: &'static str,
    pub status: &'static str,
    pub last_method: &'static str,
    pub last_failure: String,
    pub served_on: String,
    pub issued_on: String,
    pub attempts: i64,
    pub announcement_running: bool,
}

fn task_line(lang: Lang, v: &TaskView) -> TaskLine {
    TaskLine {
        id: v.row.id,
        case_id: v.row.case_id,
        case_number: v.case_number.clone(),
        document: if lang == Lang::Zh {
            v.kind_zh.clone()
        } else {
            v.kind_en.clone()
        },
        document_number: v.document_number.clone().unwrap_or_default(),
        recipient: v.row.recipient_name.clone(),
        status_key: v.status.key(),
        status: status_name(lang, v.status),
        last_method: v.last_method.map_or("", |m| method_name(lang, m)),
        last_failure: v.row.last_failure.clone().unwrap_or_default(),
        served_on: v.row.served_on.clone().unwrap_or_default(),
        issued_on: v.issued_on.clone().unwrap_or_default(),
        attempts: v.row.attempts,
        announcement_running: v.announcement_running,
    }
}

pub struct TabLink {
    pub key: &'static str,
    pub name: &'static str,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "service_queue.html")]
pub struct QueuePageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub tab: &'static str,
    pub tabs: Vec<TabLink>,
    pub rows: Vec<TaskLine>,
    pub next_href: Option<String>,
    pub first_page: bool,
}

staff_page!(
    QueuePageHtml,
    section = "service",
    home = true,
    back = |p| format!("/routine/service?status={}", p.tab)
);

fn queue_html(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    q: &QueuePage,
    first: bool,
) -> QueuePageHtml {
    QueuePageHtml {
        lang,
        user,
        csrf,
        tab: q.tab.key(),
        tabs: q
            .counts
            .iter()
            .map(|(tab, n)| TabLink {
                key: tab.key(),
                name: t(lang, &format!("service.tab.{}", tab.key())),
                count: *n,
                current: *tab == q.tab,
            })
            .collect(),
        rows: q.rows.iter().map(|r| task_line(lang, r)).collect(),
        next_href: q
            .next_after
            .map(|a| format!("/routine/service?status={}&after={a}", q.tab.key())),
        first_page: first,
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    after: Option<i64>,
}

fn tab_of(status: Option<&str>) -> Result<QueueTab, AppError> {
    match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(QueueTab::Pending),
        // The task status itself, as the API's readers may know it.
        Some("sent") => Ok(QueueTab::InProgress),
        Some(s) => QueueTab::from_key(s),
    }
}

async fn queue_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<QueueQuery>,
) -> Response {
    let user = s.session.user.clone();
    let page = async {
        let tab = tab_of(q.status.as_deref())?;
        app.service_queue(&s.session.actor, tab, q.after).await
    }
    .await;
    match page {
        Ok(p) => Html(render_page(&queue_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &p,
            q.after.is_none(),
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

pub struct AttemptLine {
    pub id: i64,
    pub method: &'static str,
    pub outcome_key: &'static str,
    pub outcome: &'static str,
    pub attempted_on: String,
    pub served_on: String,
    pub received_by: String,
    pub address: String,
    pub tracking_number: String,
    pub failure_reason: String,
    pub witness: String,
    pub medium: String,
    pub proof_item_id: Option<i64>,
    pub provider: String,
    /// When the recipient opened the link, as shown; empty if not yet.
    pub link_opened: String,
    pub confirmed: String,
    pub recorded_by: String,
    pub created_at: i64,
    pub awaits_result: bool,
    pub is_platform: bool,
    pub link_expired: bool,
}

fn attempt_line(lang: Lang, a: &AttemptView) -> AttemptLine {
    let r = &a.row;
    AttemptLine {
        id: r.id,
        method: method_name(lang, a.method),
        outcome_key: a.outcome.key(),
        outcome: outcome_name(lang, a.outcome),
        attempted_on: r.attempted_on.clone(),
        served_on: r.served_on.clone().unwrap_or_default(),
        received_by: r.received_by.clone(),
        address: r.address.clone(),
        tracking_number: r.tracking_number.clone(),
        failure_reason: r.failure_reason.clone(),
        witness: r.witness.clone(),
        medium: r.medium.clone(),
        proof_item_id: r.proof_item_id,
        provider: r.provider.clone().unwrap_or_default(),
        link_opened: r
            .link_opened_at
            .map(crate::format::datetime)
            .unwrap_or_default(),
        confirmed: r
            .confirmed_at
            .map(crate::format::datetime)
            .unwrap_or_default(),
        recorded_by: r.recorded_by_name.clone(),
        created_at: r.created_at,
        awaits_result: a.awaits_result,
        is_platform: a.method == ServiceMethod::Platform,
        link_expired: a.link_expired,
    }
}

#[derive(Template)]
#[template(path = "service_task.html")]
pub struct TaskPageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub task: TaskLine,
    pub version: i64,
    pub attempts: Vec<AttemptLine>,
    pub may_record: bool,
    pub locked: bool,
    pub offer_electronic: bool,
    pub offer_post: bool,
    pub offer_in_person: bool,
    pub offer_announcement: bool,
    pub electronic: Vec<(&'static str, &'static str)>,
    pub phone: String,
    pub address: String,
    pub today: String,
    pub deemed_if_today: String,
    pub max_mb: u64,
    pub notice: bool,
}

staff_page!(
    TaskPageHtml,
    section = "service",
    home = false,
    back = |p| format!("/service/tasks/{}", p.task.id)
);

fn task_html(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    d: &TaskDetail,
    max_upload: u64,
    notice: bool,
) -> TaskPageHtml {
    let offers = |m: ServiceMethod| d.methods.contains(&m);
    TaskPageHtml {
        lang,
        user,
        csrf,
        task: task_line(lang, &d.task),
        version: d.task.row.version,
        attempts: d.attempts.iter().map(|a| attempt_line(lang, a)).collect(),
        may_record: d.may_record,
        locked: d.locked,
        offer_electronic: d.methods.iter().any(|m| m.electronic()),
        offer_post: offers(ServiceMethod::Post),
        offer_in_person: offers(ServiceMethod::InPerson),
        offer_announcement: offers(ServiceMethod::Announcement),
        electronic: d
            .methods
            .iter()
            .filter(|m| m.electronic())
            .map(|m| (m.key(), method_name(lang, *m)))
            .collect(),
        phone: d.recipient_phone.clone().unwrap_or_default(),
        address: d.recipient_address.clone().unwrap_or_default(),
        today: d.today.to_string(),
        deemed_if_today: announcement_served_on(d.today).to_string(),
        max_mb: max_upload / (1024 * 1024),
        notice,
    }
}

#[derive(Deserialize, Default)]
pub struct TaskQuery {
    done: Option<String>,
}

async fn task_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<TaskQuery>,
) -> Response {
    let user = s.session.user.clone();
    match app.service_task(&s.session.actor, id).await {
        Ok(d) => Html(render_page(&task_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &d,
            app.dossier_config().max_upload,
            q.done.is_some(),
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

#[derive(Template)]
#[template(path = "service_case.html")]
pub struct CasePageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub rows: Vec<TaskLine>,
}

staff_page!(
    CasePageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/service", p.case_id)
);

fn case_html(lang: Lang, user: CurrentUser, csrf: String, v: &CaseServiceView) -> CasePageHtml {
    CasePageHtml {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        rows: v.tasks.iter().map(|r| task_line(lang, r)).collect(),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let user = s.session.user.clone();
    match app.case_service(&s.session.actor, id).await {
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
// Forms
// ---------------------------------------------------------------------------------------------

/// What a multipart form said: its text fields and the optional proof scan.
#[derive(Default)]
struct Fields {
    text: HashMap<String, String>,
    proof: Option<ServiceProof>,
}

impl Fields {
    fn get(&self, k: &str) -> &str {
        self.text.get(k).map_or("", String::as_str)
    }
}

fn bad_request() -> AppError {
    AppError::invalid(
        "service.bad_request",
        "提交内容格式有误，请刷新页面后重试",
        "the form is not a valid multipart form; reload and try again",
    )
}

/// Reads a multipart form, streaming the `proof` part into the app's staging; the `csrf` part
/// must come first and match the session's before any file is read.
async fn read_form(
    app: &App,
    actor: &Actor,
    headers: &HeaderMap,
    mut mp: Multipart,
    csrf_session: &str,
) -> Result<Fields, AppError> {
    if !SERVICE_STAFF.contains(&actor.role) {
        return Err(AppError::forbidden(
            format!("{}无权记录送达", actor.role.name_zh()),
            format!("a {} may not record service", actor.role.name_en()),
        ));
    }
    let limit = app.dossier_config().max_upload;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + MULTIPART_SLACK) {
        return Err(zhixing_app::blobs::too_large(limit));
    }
    let mp_err = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            zhixing_app::blobs::too_large(limit)
        } else {
            bad_request()
        }
    };
    let mut f = Fields::default();
    while let Some(mut field) = mp.next_field().await.map_err(mp_err)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "proof" {
            if !f
                .text
                .get("csrf")
                .is_some_and(|c| same_secret(csrf_session, c))
            {
                return Err(expired());
            }
            let filename = field.file_name().unwrap_or("").to_string();
            // A form sent without choosing a file still has the part, empty and unnamed.
            if filename.is_empty() {
                while field.chunk().await.map_err(mp_err)?.is_some() {}
                continue;
            }
            let mut staging = app.begin_upload().await?;
            while let Some(chunk) = field.chunk().await.map_err(mp_err)? {
                staging.write(&chunk).await?;
            }
            f.proof = Some(ServiceProof {
                filename,
                file: Arc::new(staging.finish().await?),
            });
        } else {
            let text = field.text().await.map_err(mp_err)?;
            if text.len() > 4096 {
                return Err(AppError::invalid(
                    "service.field_too_long",
                    "表单字段过长",
                    "a form field is too long",
                ));
            }
            f.text.insert(name, text);
        }
    }
    if !f
        .text
        .get("csrf")
        .is_some_and(|c| same_secret(csrf_session, c))
    {
        return Err(expired());
    }
    Ok(f)
}

fn version_of(s: &str) -> Result<i64, AppError> {
    s.trim().parse().map_err(|_| bad_request())
}

fn attempt_command(task_id: i64, f: Fields) -> Result<Command, AppError> {
    let method = ServiceMethod::from_key(f.get("method"))?;
    let outcome = AttemptOutcome::from_key(f.get("outcome"))?;
    let what = if method == ServiceMethod::Announcement {
        "公告日期"
    } else {
        "送达日期"
    };
    Ok(Command::RecordService(Box::new(ServiceInput {
        task_id,
        version: version_of(f.get("version"))?,
        attempt: Attempt {
            method,
            outcome,
            on: parse_date(f.get("on"), what)?,
            received_by: f.get("received_by").into(),
            address: f.get("address").into(),
            tracking_number: f.get("tracking_number").into(),
            failure_reason: f.get("failure_reason").into(),
            witness: f.get("witness").into(),
            medium: f.get("medium").into(),
            consent: false,
        },
        proof: f.proof,
    })))
}

fn result_command(task_id: i64, attempt_id: i64, f: Fields) -> Result<Command, AppError> {
    Ok(Command::RecordServiceResult(Box::new(ServiceResultInput {
        task_id,
        version: version_of(f.get("version"))?,
        attempt_id,
        outcome: AttemptOutcome::from_key(f.get("outcome"))?,
        on: parse_date(f.get("on"), "日期")?,
        received_by: f.get("received_by").into(),
        witness: f.get("witness").into(),
        failure_reason: f.get("failure_reason").into(),
        proof: f.proof,
    })))
}

/// 413 for a file over the limit, the error's own status otherwise.
fn with_upload_status(e: &AppError, mut r: Response) -> Response {
    if e.code() == "dossier.too_large" {
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    }
    r
}

async fn run_form(
    app: &App,
    s: &PageSession,
    task_id: i64,
    headers: &HeaderMap,
    mp: Multipart,
    build: impl FnOnce(Fields) -> Result<Command, AppError>,
) -> Response {
    let refused =
        |e: AppError| with_upload_status(&e, error_page(s.lang, &e, Some(s.session.user.clone())));
    let fields = match read_form(app, &s.session.actor, headers, mp, &s.session.csrf).await {
        Ok(f) => f,
        Err(e) => return refused(e),
    };
    let cmd = match build(fields) {
        Ok(c) => c,
        Err(e) => return refused(e),
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => Redirect::to(&format!("/service/tasks/{task_id}?done=1")).into_response(),
        Err(e) => refused(e),
    }
}

async fn attempt_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    run_form(&app, &s, id, &headers, mp, |f| attempt_command(id, f)).await
}

async fn result_page(
    State(app): State<App>,
    s: PageSession,
    Path((id, attempt_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    run_form(&app, &s, id, &headers, mp, |f| {
        result_command(id, attempt_id, f)
    })
    .await
}

#[derive(Deserialize)]
pub struct SendForm {
    csrf: String,
    version: i64,
    method: String,
    #[serde(default)]
    address: String,
    /// The checkbox: present ("on") when ticked.
    consent: Option<String>,
}

async fn send_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<SendForm>,
) -> Response {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    if !same_secret(&s.session.csrf, &f.csrf) {
        return refused(&expired());
    }
    let cmd = match ServiceMethod::from_key(&f.method) {
        Ok(method) => Command::SendElectronic {
            task_id: id,
            version: f.version,
            method,
            address: f.address,
            consent: f.consent.is_some(),
        },
        Err(e) => return refused(&e.into()),
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => Redirect::to(&format!("/service/tasks/{id}?done=1")).into_response(),
        Err(e) => refused(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// The recipient's link (no login)
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "service_link.html")]
pub struct LinkPageHtml {
    pub lang: Lang,
    pub token: String,
    pub v: LinkView,
    pub method: &'static str,
    pub confirmed: bool,
}

impl LinkPageHtml {
    fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
}

#[derive(Template)]
#[template(path = "service_link_missing.html")]
pub struct LinkMissingHtml {
    pub lang: Lang,
}

impl LinkMissingHtml {
    fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
}

fn no_store(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// Unknown, expired or withdrawn: a plain page, never a hint which.
fn link_missing(lang: Lang) -> Response {
    no_store(
        (
            StatusCode::NOT_FOUND,
            Html(render_page(&LinkMissingHtml { lang })),
        )
            .into_response(),
    )
}

fn link_error(lang: Lang, e: &AppError) -> Response {
    match e {
        AppError::NotFound => link_missing(lang),
        other => no_store(error_page(lang, other, None)),
    }
}

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    confirmed: Option<String>,
}

async fn link_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Response {
    let lang = lang_of(&headers);
    match app.service_link(&token).await {
        Ok(v) => no_store(
            Html(render_page(&LinkPageHtml {
                lang,
                method: method_name(lang, v.method),
                token,
                v,
                confirmed: q.confirmed.is_some(),
            }))
            .into_response(),
        ),
        Err(e) => link_error(lang, &e),
    }
}

async fn link_pdf(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let lang = lang_of(&headers);
    match app.service_link_pdf(&token).await {
        Ok((name, reader)) => {
            let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
            let mut r = Response::new(body);
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) =
                HeaderValue::from_str(&crate::format::content_disposition(false, &name, &name))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            no_store(r)
        }
        Err(e) => link_error(lang, &e),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    form_token: String,
}

async fn link_confirm(
    State(app): State<App>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Response {
    let lang = lang_of(&headers);
    match app.confirm_service_link(&token, &f.form_token).await {
        Ok(()) => Redirect::to(&format!("/s/{token}?confirmed=1")).into_response(),
        Err(e) => link_error(lang, &e),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiServiceTask {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub document_id: i64,
    /// Document kind key, e.g. `notice`.
    pub document_kind: String,
    pub document_kind_zh: String,
    pub document_number: Option<String>,
    /// `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    pub party_id: i64,
    pub recipient_name: String,
    /// `applicant` or `debtor`.
    pub recipient_role: String,
    /// `waiting`, `pending`, `sent`, `served`, `failed` or `cancelled`.
    pub status: String,
    pub status_zh: String,
    /// Send it back with every change (compare-and-set).
    pub version: i64,
    pub attempts: i64,
    pub last_method: Option<String>,
    /// Why the last attempt failed.
    pub last_failure: Option<String>,
    /// `YYYY-MM-DD`; for an announcement the day it counts as served (30 days after publication).
    pub served_on: Option<String>,
}

impl From<&TaskView> for ApiServiceTask {
    fn from(v: &TaskView) -> Self {
        ApiServiceTask {
            id: v.row.id,
            case_id: v.row.case_id,
            case_number: v.case_number.clone(),
            document_id: v.row.document_id,
            document_kind: v.document_kind.clone(),
            document_kind_zh: v.kind_zh.clone(),
            document_number: v.document_number.clone(),
            issued_on: v.issued_on.clone(),
            party_id: v.row.party_id,
            recipient_name: v.row.recipient_name.clone(),
            recipient_role: v.row.recipient_role.clone(),
            status: v.status.key().into(),
            status_zh: v.status.name_zh().into(),
            version: v.row.version,
            attempts: v.row.attempts,
            last_method: v.row.last_method.clone(),
            last_failure: v.row.last_failure.clone(),
            served_on: v.row.served_on.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiServiceAttempt {
    pub id: i64,
    /// `platform`, `sms`, `email`, `post`, `in_person` or `announcement`.
    pub method: String,
    pub method_zh: String,
    /// `sent`, `served` or `failed`.
    pub outcome: String,
    pub attempted_on: String,
    pub served_on: Option<String>,
    pub received_by: String,
    pub address: String,
    pub tracking_number: String,
    pub failure_reason: String,
    pub witness: String,
    pub medium: String,
    pub consent: bool,
    /// The proof scan in the dossier (`/api/v1/dossier/items/{id}/content`).
    pub proof_item_id: Option<i64>,
    pub provider: Option<String>,
    pub provider_ref: Option<String>,
    /// UTC milliseconds.
    pub link_opened_at: Option<i64>,
    /// UTC milliseconds.
    pub confirmed_at: Option<i64>,
    pub recorded_by: String,
    /// UTC milliseconds.
    pub created_at: i64,
}

impl From<&AttemptView> for ApiServiceAttempt {
    fn from(a: &AttemptView) -> Self {
        let r = &a.row;
        ApiServiceAttempt {
            id: r.id,
            method: r.method.clone(),
            method_zh: a.method.name_zh().into(),
            outcome: r.outcome.clone(),
            attempted_on: r.attempted_on.clone(),
            served_on: r.served_on.clone(),
            received_by: r.received_by.clone(),
            address: r.address.clone(),
            tracking_number: r.tracking_number.clone(),
            failure_reason: r.failure_reason.clone(),
            witness: r.witness.clone(),
            medium: r.medium.clone(),
            consent: r.consent != 0,
            proof_item_id: r.proof_item_id,
            provider: r.provider.clone(),
            provider_ref: r.provider_ref.clone(),
            link_opened_at: r.link_opened_at,
            confirmed_at: r.confirmed_at,
            recorded_by: r.recorded_by_name.clone(),
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiServiceTaskDetail {
    pub task: ApiServiceTask,
    pub attempts: Vec<ApiServiceAttempt>,
    /// Method keys worth trying now; empty once served.
    pub methods: Vec<String>,
    pub may_record: bool,
    pub case_locked: bool,
}

impl From<&TaskDetail> for ApiServiceTaskDetail {
    fn from(d: &TaskDetail) -> Self {
        ApiServiceTaskDetail {
            task: ApiServiceTask::from(&d.task),
            attempts: d.attempts.iter().map(ApiServiceAttempt::from).collect(),
            methods: d.methods.iter().map(|m| m.key().to_string()).collect(),
            may_record: d.may_record,
            case_locked: d.locked,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiServiceCounts {
    pub pending: i64,
    pub in_progress: i64,
    pub failed: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiServiceQueue {
    /// `pending`, `in_progress` or `failed`.
    pub status: String,
    pub tasks: Vec<ApiServiceTask>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<i64>,
    pub counts: ApiServiceCounts,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCaseService {
    pub case_id: i64,
    pub case_number: String,
    pub tasks: Vec<ApiServiceTask>,
}

#[utoipa::path(get, path = "/api/v1/service-tasks",
    params(("status" = Option<String>, Query, description = "pending (default), in_progress or failed"),
        ("after" = Option<i64>, Query, description = "The next_after of the previous page")),
    responses((status = 200, body = ApiServiceQueue), (status = 422, body = crate::api::Problem)))]
pub async fn api_queue(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<QueueQuery>,
) -> Response {
    let page = async {
        let tab = tab_of(q.status.as_deref())?;
        app.service_queue(&s.session.actor, tab, q.after).await
    }
    .await;
    match page {
        Ok(p) => {
            let n = |t: QueueTab| p.counts.iter().find(|(x, _)| *x == t).map_or(0, |c| c.1);
            Json(ApiServiceQueue {
                status: p.tab.key().into(),
                tasks: p.rows.iter().map(ApiServiceTask::from).collect(),
                next_after: p.next_after,
                counts: ApiServiceCounts {
                    pending: n(QueueTab::Pending),
                    in_progress: n(QueueTab::InProgress),
                    failed: n(QueueTab::Failed),
                },
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/service-tasks/{id}", params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = ApiServiceTaskDetail), (status = 404, body = crate::api::Problem)))]
pub async fn api_task(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.service_task(&s.session.actor, id).await {
        Ok(d) => Json(ApiServiceTaskDetail::from(&d)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/service", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = ApiCaseService), (status = 404, body = crate::api::Problem)))]
pub async fn api_case(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_service(&s.session.actor, id).await {
        Ok(v) => Json(ApiCaseService {
            case_id: v.case_id,
            case_number: v.case_number.clone(),
            tasks: v.tasks.iter().map(ApiServiceTask::from).collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// One attempt by post, in person or by announcement (electronic service: `/send`). A proof
/// scan is uploaded through the staff page or added to the dossier afterwards.
#[derive(Deserialize, ToSchema)]
pub struct AttemptRequest {
    /// The task's `version` as read.
    pub version: i64,
    /// `post`, `in_person` or `announcement`.
    pub method: String,
    /// `sent` (post in transit), `served` or `failed`.
    pub outcome: String,
    /// `YYYY-MM-DD`: the day of the attempt (an announcement: the day it was published).
    pub on: String,
    #[serde(default)]
    pub received_by: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub failure_reason: String,
    /// 留置送达: the witness when the recipient refused to sign.
    #[serde(default)]
    pub witness: String,
    /// Where an announcement was published.
    #[serde(default)]
    pub medium: String,
}

/// The result of a `sent` attempt.
#[derive(Deserialize, ToSchema)]
pub struct ResultRequest {
    pub version: i64,
    /// `served` or `failed`.
    pub outcome: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    #[serde(default)]
    pub received_by: String,
    #[serde(default)]
    pub witness: String,
    #[serde(default)]
    pub failure_reason: String,
}

/// Electronic service.
#[derive(Deserialize, ToSchema)]
pub struct SendRequest {
    pub version: i64,
    /// `platform`, `sms` or `email`.
    pub method: String,
    /// A mobile number (platform, sms) or an e-mail address.
    pub address: String,
    /// The recipient agreed to electronic service (送达地址确认书).
    pub consent: bool,
}

async fn api_run(
    app: &App,
    actor: &Actor,
    task_id: i64,
    cmd: Result<Command, AppError>,
) -> Response {
    let done = match cmd {
        Ok(cmd) => app.execute(actor, cmd).await,
        Err(e) => return problem(&e),
    };
    if let Err(e) = done {
        return problem(&e);
    }
    match app.service_task(actor, task_id).await {
        Ok(d) => (StatusCode::CREATED, Json(ApiServiceTaskDetail::from(&d))).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/service-tasks/{id}/attempts", params(("id" = i64, Path, description = "Task id")),
    request_body = AttemptRequest,
    responses((status = 201, body = ApiServiceTaskDetail), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_attempt(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<AttemptRequest>,
) -> Response {
    let cmd = (|| {
        let method = ServiceMethod::from_key(&r.method)?;
        Ok(Command::RecordService(Box::new(ServiceInput {
            task_id: id,
            version: r.version,
            attempt: Attempt {
                method,
                outcome: AttemptOutcome::from_key(&r.outcome)?,
                on: parse_date(&r.on, "送达日期")?,
                received_by: r.received_by,
                address: r.address,
                tracking_number: r.tracking_number,
                failure_reason: r.failure_reason,
                witness: r.witness,
                medium: r.medium,
                consent: false,
            },
            proof: None,
        })))
    })();
    api_run(&app, &w.session.actor, id, cmd).await
}

#[utoipa::path(post, path = "/api/v1/service-tasks/{id}/attempts/{attempt_id}/result",
    params(("id" = i64, Path, description = "Task id"), ("attempt_id" = i64, Path, description = "Attempt id")),
    request_body = ResultRequest,
    responses((status = 201, body = ApiServiceTaskDetail), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_result(
    State(app): State<App>,
    w: ApiWrite,
    Path((id, attempt_id)): Path<(i64, i64)>,
    ApiJson(r): ApiJson<ResultRequest>,
) -> Response {
    let cmd = (|| {
        Ok(Command::RecordServiceResult(Box::new(ServiceResultInput {
            task_id: id,
            version: r.version,
            attempt_id,
            outcome: AttemptOutcome::from_key(&r.outcome)?,
            on: parse_date(&r.on, "日期")?,
            received_by: r.received_by,
            witness: r.witness,
            failure_reason: r.failure_reason,
            proof: None,
        })))
    })();
    api_run(&app, &w.session.actor, id, cmd).await
}

#[utoipa::path(post, path = "/api/v1/service-tasks/{id}/send", params(("id" = i64, Path, description = "Task id")),
    request_body = SendRequest,
    responses((status = 201, body = ApiServiceTaskDetail, description = "Sent; the task shows the provider's answer (served, failed, or sent until the recipient confirms on the platform)"),
        (status = 422, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_send(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<SendRequest>,
) -> Response {
    let cmd = ServiceMethod::from_key(&r.method)
        .map(|method| Command::SendElectronic {
            task_id: id,
            version: r.version,
            method,
            address: r.address,
            consent: r.consent,
        })
        .map_err(AppError::from);
    api_run(&app, &w.session.actor, id, cmd).await
}
