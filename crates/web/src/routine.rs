//! Routine work on the web (事务集约): the routine-work team's queue `/routine` (new cases
//! still waiting for their notice and asset-report order, most urgent first), starting a batch
//! for the ticked cases (or the whole queue), the batch's progress page with its failures, the
//! reviewer's "approve this batch", resuming a stopped batch, and the API twins. The batch runs
//! in the background (`App::run_routine_batch`); pages poll its progress.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::routine::{BatchView, QueuePage, BATCH_KINDS};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_docs::DocKind;

use crate::api::problem;
use crate::i18n::{t, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/routine", get(queue_page))
        .route("/routine/batches", post(start_post))
        .route("/routine/batches/{id}", get(batch_page))
        .route("/routine/batches/{id}/progress", get(progress_fragment))
        .route("/routine/batches/{id}/approve", post(approve_post))
        .route("/routine/batches/{id}/resume", post(resume_post))
        .route("/api/v1/routine/queue", get(api_queue))
        .route("/api/v1/routine/batches", post(api_start))
        .route("/api/v1/routine/batches/{id}", get(api_batch))
        .route("/api/v1/routine/batches/{id}/approve", post(api_approve))
        .route("/api/v1/routine/batches/{id}/resume", post(api_resume))
}

/// Runs a batch's work in the background, as the one who started (or resumed) it.
fn spawn_batch(app: &App, actor: &Actor, batch_id: i64) {
    let app = app.clone();
    let actor = actor.clone();
    tokio::spawn(async move {
        if let Err(e) = app.run_routine_batch(&actor, batch_id).await {
            tracing::error!(batch_id, error = %e, "routine batch stopped");
        }
    });
}

fn kind_name(lang: Lang, k: DocKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

// ---------------------------------------------------------------------------------------------
// The queue
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    after: Option<String>,
}

pub struct KindChoice {
    pub key: &'static str,
    pub name: &'static str,
    /// Ticked by default (the notice and the order).
    pub default: bool,
}

#[derive(Template)]
#[template(path = "routine.html")]
pub struct QueuePageView {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub queue: QueuePage,
    pub kinds: Vec<KindChoice>,
    pub batches: Vec<BatchLine>,
    pub after: String,
}

staff_page!(
    QueuePageView,
    section = "routine",
    home = true,
    back = "/routine"
);

pub struct BatchLine {
    pub id: i64,
    pub action: &'static str,
    pub status: &'static str,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub created_by: String,
    pub created_at: i64,
}

fn action_label(lang: Lang, action: &str) -> &'static str {
    match action {
        "draft" => t(lang, "routine.action.draft"),
        _ => t(lang, "routine.action.approve"),
    }
}

fn status_label(lang: Lang, status: &str, stalled: bool) -> &'static str {
    match (status, stalled) {
        ("running", false) => t(lang, "routine.status.running"),
        ("running", true) | ("interrupted", _) => t(lang, "routine.status.stalled"),
        _ => t(lang, "routine.status.done"),
    }
}

async fn queue_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<QueueQuery>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let queue = match app.routine_queue(actor, None, q.after.as_deref()).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let batches = match app.routine_batches(actor).await {
        Ok(b) => b,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let now = chrono::Utc::now().timestamp_millis();
    let page = QueuePageView {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        queue,
        kinds: BATCH_KINDS
            .iter()
            .map(|&k| KindChoice {
                key: k.key(),
                name: kind_name(lang, k),
                default: k != DocKind::ConsumptionRestriction,
            })
            .collect(),
        batches: batches
            .iter()
            .map(|b| BatchLine {
                id: b.id,
                action: action_label(lang, &b.action),
                status: status_label(
                    lang,
                    &b.status,
                    b.status == "running" && b.updated_at < now - 120_000,
                ),
                total: b.total,
                done: b.done,
                failed: b.failed,
                created_by: b.created_by_name.clone(),
                created_at: b.created_at,
            })
            .collect(),
        after: q.after.unwrap_or_default(),
    };
    (StatusCode::OK, Html(render_page(&page))).into_response()
}

/// The ticked cases (`case`), or the whole queue (`all=1`), and the kinds (`kind`).
fn batch_request(
    app_cases: Option<Vec<i64>>,
    pairs: &[(String, String)],
) -> Result<(Vec<i64>, Vec<DocKind>), AppError> {
    let mut cases = Vec::new();
    let mut kinds = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "case" => cases.push(v.parse::<i64>().map_err(|_| {
                AppError::invalid("routine.case_id", "案件编号无效", "not a case id")
            })?),
            "kind" => kinds.push(DocKind::from_key(v).ok_or_else(|| {
                AppError::invalid(
                    "routine.kind_unknown",
                    format!("未知的文书种类“{v}”"),
                    format!("unknown document kind \"{v}\""),
                )
            })?),
            _ => {}
        }
    }
    Ok((app_cases.unwrap_or(cases), kinds))
}

async fn start_post(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let pairs = body.map(|Form(p)| p).unwrap_or_default();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    if !same_secret(&s.session.csrf, field("csrf")) {
        return error_page(lang, &expired(), Some(user));
    }
    let all = if field("all") == "1" {
        match app.routine_queue_all(actor, None).await {
            Ok(ids) => Some(ids),
            Err(e) => return error_page(lang, &e, Some(user)),
        }
    } else {
        None
    };
    let (case_ids, kinds) = match batch_request(all, &pairs) {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    match app
        .execute(actor, Command::StartRoutineBatch { case_ids, kinds })
        .await
    {
        Ok(o) => {
            let id = o.id.unwrap_or_default();
            spawn_batch(&app, actor, id);
            Redirect::to(&format!("/routine/batches/{id}")).into_response()
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// A batch
// ---------------------------------------------------------------------------------------------

pub struct FailureLine {
    pub label: String,
    pub case_id: Option<i64>,
    pub message: String,
}

/// What the progress fragment and the page show of a batch.
pub struct Progress {
    pub id: i64,
    pub action: &'static str,
    pub status: &'static str,
    pub running: bool,
    pub stalled: bool,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub percent: i64,
    pub kinds: String,
}

fn progress_of(lang: Lang, v: &BatchView) -> Progress {
    Progress {
        id: v.batch.id,
        action: action_label(lang, &v.batch.action),
        status: status_label(lang, &v.batch.status, v.stalled),
        running: v.running(),
        stalled: v.stalled || v.batch.status == "interrupted",
        total: v.batch.total,
        done: v.batch.done,
        failed: v.batch.failed,
        percent: v.percent(),
        kinds: v
            .kinds
            .iter()
            .map(|&k| kind_name(lang, k))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[derive(Template)]
#[template(path = "routine_batch.html")]
pub struct BatchPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub p: Progress,
    pub is_draft: bool,
    pub created_by: String,
    pub created_at: i64,
    pub source_batch_id: Option<i64>,
    pub failures: Vec<FailureLine>,
    pub approvable: i64,
}

staff_page!(
    BatchPage,
    section = "routine",
    home = false,
    back = |p| format!("/routine/batches/{}", p.p.id)
);

#[derive(Template)]
#[template(path = "routine_progress.html")]
pub struct ProgressFragment {
    pub lang: Lang,
    pub p: Progress,
}

impl Page for ProgressFragment {
    fn page_lang(&self) -> Lang {
        self.lang
    }
    fn back_path(&self) -> String {
        format!("/routine/batches/{}", self.p.id)
    }
}

async fn batch_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let v = match app.routine_batch_view(&s.session.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let page = BatchPage {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        p: progress_of(lang, &v),
        is_draft: v.batch.action == "draft",
        created_by: v.batch.created_by_name.clone(),
        created_at: v.batch.created_at,
        source_batch_id: v.batch.source_batch_id,
        failures: v
            .failures
            .iter()
            .map(|f| FailureLine {
                label: f.label.clone(),
                case_id: f.case_id,
                message: split_message(lang, &f.message),
            })
            .collect(),
        approvable: v.approvable,
    };
    (StatusCode::OK, Html(render_page(&page))).into_response()
}

/// Items keep the refusal as "中文 / English"; each page shows its language.
fn split_message(lang: Lang, m: &str) -> String {
    match (m.split_once(" / "), lang) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => m.to_string(),
    }
}

async fn progress_fragment(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
) -> Response {
    let lang = s.lang;
    match app.routine_batch_view(&s.session.actor, id).await {
        Ok(v) => {
            let f = ProgressFragment {
                lang,
                p: progress_of(lang, &v),
            };
            match f.render() {
                Ok(body) => (StatusCode::OK, Html(body)).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn approve_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(lang, &expired(), Some(user));
    }
    let actor = &s.session.actor;
    let cmd = Command::StartApprovalBatch {
        source_batch_id: id,
    };
    match app.execute(actor, cmd).await {
        Ok(o) => {
            let new_id = o.id.unwrap_or_default();
            spawn_batch(&app, actor, new_id);
            Redirect::to(&format!("/routine/batches/{new_id}")).into_response()
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

async fn resume_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(lang, &expired(), Some(user));
    }
    let actor = &s.session.actor;
    match app.check_resumable(actor, id).await {
        Ok(()) => {
            spawn_batch(&app, actor, id);
            Redirect::to(&format!("/routine/batches/{id}")).into_response()
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// A case waiting for its notice and asset-report order.
#[derive(Serialize, ToSchema)]
pub struct QueueItemDoc {
    pub case_id: i64,
    pub case_number: String,
    /// UTC milliseconds.
    pub filed_at: i64,
    pub claim_fen: i64,
    pub applicants: String,
    pub debtors: String,
    pub officer_name: Option<String>,
    /// The notice node's due date (Beijing, YYYY-MM-DD).
    pub due_on: String,
    /// The notice node's status (running, warning, overdue, paused).
    pub node_status: String,
    pub locked: bool,
}

#[derive(Serialize, ToSchema)]
pub struct QueueDoc {
    pub items: Vec<QueueItemDoc>,
    /// Cases in the whole queue.
    pub total: i64,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// Start a batch: the given cases, or the whole queue with `all`.
#[derive(Deserialize, ToSchema)]
pub struct BatchCreate {
    #[serde(default)]
    pub case_ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
    /// Kind keys: `notice`, `asset_report_order`, `consumption_restriction`.
    pub kinds: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BatchFailureDoc {
    /// Case id (draft batch) or document id (approval batch).
    pub target_id: i64,
    pub label: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct BatchDoc {
    pub id: i64,
    /// `draft` or `approve`.
    pub action: String,
    /// `running`, `done`, `interrupted` (stopped: may be resumed).
    pub status: String,
    pub kinds: Vec<String>,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub percent: i64,
    pub source_batch_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    /// Documents of this draft batch the caller may approve now.
    pub approvable: i64,
    pub failures: Vec<BatchFailureDoc>,
}

impl From<BatchView> for BatchDoc {
    fn from(v: BatchView) -> Self {
        let percent = v.percent();
        let status = if v.stalled {
            "interrupted".to_string()
        } else {
            v.batch.status.clone()
        };
        BatchDoc {
            id: v.batch.id,
            action: v.batch.action,
            status,
            kinds: v.kinds.iter().map(|k| k.key().to_string()).collect(),
            total: v.batch.total,
            done: v.batch.done,
            failed: v.batch.failed,
            percent,
            source_batch_id: v.batch.source_batch_id,
            created_by: v.batch.created_by_name,
            created_at: v.batch.created_at,
            finished_at: v.batch.finished_at,
            approvable: v.approvable,
            failures: v
                .failures
                .into_iter()
                .map(|f| BatchFailureDoc {
                    target_id: f.target_id,
                    label: f.label,
                    message: f.message,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
pub struct ApiQueueQuery {
    after: Option<String>,
}

/// The routine-work queue of the caller's court: new cases whose notice node is open and that
/// have no notice drafted, most urgent first, 50 per page.
#[utoipa::path(get, path = "/api/v1/routine/queue",
    params(("after" = Option<String>, Query, description = "cursor from the previous page's `next`")),
    responses((status = 200, body = QueueDoc), (status = 403, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_queue(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<ApiQueueQuery>,
) -> Response {
    match app
        .routine_queue(&s.session.actor, None, q.after.as_deref())
        .await
    {
        Ok(p) => Json(QueueDoc {
            total: p.total,
            next: p.next,
            items: p
                .items
                .into_iter()
                .map(|i| QueueItemDoc {
                    case_id: i.case_id,
                    case_number: i.case_number,
                    filed_at: i.filed_at,
                    claim_fen: i.claim.0,
                    applicants: i.applicants,
                    debtors: i.debtors,
                    officer_name: i.officer_name,
                    due_on: i.due_on,
                    node_status: i.node_status,
                    locked: i.locked,
                })
                .collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

async fn batch_doc(app: &App, actor: &Actor, id: i64, status: StatusCode) -> Response {
    match app.routine_batch_view(actor, id).await {
        Ok(v) => (status, Json(BatchDoc::from(v))).into_response(),
        Err(e) => problem(&e),
    }
}

/// Drafts the chosen kinds for the cases (submitted for approval, their service tasks waiting
/// for issue). Answers 202 at once; the batch runs in the background — follow it with
/// `GET /api/v1/routine/batches/{id}`.
#[utoipa::path(post, path = "/api/v1/routine/batches", request_body = BatchCreate,
    responses((status = 202, body = BatchDoc), (status = 403, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_start(
    State(app): State<App>,
    s: ApiWrite,
    ApiJson(req): ApiJson<BatchCreate>,
) -> Response {
    let actor = &s.session.actor;
    let mut kinds = Vec::new();
    for k in &req.kinds {
        match DocKind::from_key(k) {
            Some(kind) => kinds.push(kind),
            None => {
                return problem(&AppError::invalid(
                    "routine.kind_unknown",
                    format!("未知的文书种类“{k}”"),
                    format!("unknown document kind \"{k}\""),
                ))
            }
        }
    }
    let case_ids = if req.all {
        match app.routine_queue_all(actor, None).await {
            Ok(ids) => ids,
            Err(e) => return problem(&e),
        }
    } else {
        req.case_ids
    };
    match app
        .execute(actor, Command::StartRoutineBatch { case_ids, kinds })
        .await
    {
        Ok(o) => {
            let id = o.id.unwrap_or_default();
            spawn_batch(&app, actor, id);
            batch_doc(&app, actor, id, StatusCode::ACCEPTED).await
        }
        Err(e) => problem(&e),
    }
}

/// A batch's progress and its failures (each with the reason).
#[utoipa::path(get, path = "/api/v1/routine/batches/{id}",
    params(("id" = i64, Path, description = "batch id")),
    responses((status = 200, body = BatchDoc), (status = 404, body = crate::api::Problem)))]
pub async fn api_batch(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    batch_doc(&app, &s.session.actor, id, StatusCode::OK).await
}

/// Approves, in the background, the documents of a draft batch that wait at levels the caller
/// may approve; each is issued (number, files, dossier, service tasks ready).
#[utoipa::path(post, path = "/api/v1/routine/batches/{id}/approve",
    params(("id" = i64, Path, description = "the draft batch's id")),
    responses((status = 202, body = BatchDoc), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_approve(State(app): State<App>, s: ApiWrite, Path(id): Path<i64>) -> Response {
    let actor = &s.session.actor;
    match app
        .execute(
            actor,
            Command::StartApprovalBatch {
                source_batch_id: id,
            },
        )
        .await
    {
        Ok(o) => {
            let new_id = o.id.unwrap_or_default();
            spawn_batch(&app, actor, new_id);
            batch_doc(&app, actor, new_id, StatusCode::ACCEPTED).await
        }
        Err(e) => problem(&e),
    }
}

/// Takes up a batch whose process stopped, where it was.
#[utoipa::path(post, path = "/api/v1/routine/batches/{id}/resume",
    params(("id" = i64, Path, description = "batch id")),
    responses((status = 202, body = BatchDoc), (status = 404, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_resume(State(app): State<App>, s: ApiWrite, Path(id): Path<i64>) -> Response {
    let actor = &s.session.actor;
    match app.check_resumable(actor, id).await {
        Ok(()) => {
            spawn_batch(&app, actor, id);
            batch_doc(&app, actor, id, StatusCode::ACCEPTED).await
        }
        Err(e) => problem(&e),
    }
}
