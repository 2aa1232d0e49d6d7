//! Teams and assignment (分案) on the web: `/teams` (members, load, leave), the case page's
//! assignment form (`POST /cases/{id}/assign`, `POST /cases/{id}/team`), an officer leaving
//! (`/teams/leaving/{user_id}`), the load-weights editor (`/admin/weights`) and the same through
//! `/api/v1`. No rule here: parse, call the app, render.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::staffing::{weight_problems, LeavingView, ReassignReport, TeamsView};
use zhixing_app::views::CurrentUser;
use zhixing_app::{App, AppError};
use zhixing_domain::assignment::LoadWeights;
use zhixing_domain::case::CaseType;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::role::Role;

use crate::api::problem;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired, form_command};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/teams", get(teams_page))
        .route(
            "/teams/leaving/{user_id}",
            get(leaving_page).post(leaving_post),
        )
        .route("/cases/{id}/assign", post(assign_post))
        .route("/cases/{id}/team", post(team_post))
        .route("/admin/weights", get(weights_page).post(weights_post))
}

pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/teams", get(api_teams))
        .route("/cases/{id}/assign", post(api_assign))
        .route("/cases/{id}/team", post(api_team))
        .route("/users/{id}/deactivate", post(api_deactivate))
        .route(
            "/courts/{id}/load-weights",
            get(api_get_weights).put(api_put_weights),
        )
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

// ---------------------------------------------------------------------------------------------
// Team page
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "teams.html")]
pub struct TeamsPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub view: TeamsView,
    pub may_manage: bool,
}

staff_page!(TeamsPage, section = "teams", home = true, back = "/teams");

#[derive(Deserialize, Default)]
pub struct CourtQuery {
    court: Option<i64>,
}

async fn teams_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<CourtQuery>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    match app.teams_overview(actor, q.court).await {
        Ok(view) => {
            let p = TeamsPage {
                lang,
                user,
                csrf: s.session.csrf.clone(),
                may_manage: matches!(
                    actor.role,
                    Role::Administrator | Role::BureauChief | Role::TeamLeader
                ),
                view,
            };
            html(StatusCode::OK, render_page(&p))
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// Leaving page
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "team_leaving.html")]
pub struct LeavingPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub view: LeavingView,
    pub report: Option<ReassignReport>,
    pub notice: Option<String>,
}

staff_page!(
    LeavingPage,
    section = "teams",
    home = false,
    back = |p| format!("/teams/leaving/{}", p.view.user.id)
);

impl LeavingPage {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

async fn render_leaving(
    app: &App,
    s: &PageSession,
    user_id: i64,
    report: Option<ReassignReport>,
    notice: Option<String>,
) -> Response {
    let lang = s.lang;
    match app.leaving_plan(&s.session.actor, user_id).await {
        Ok(view) => {
            let p = LeavingPage {
                lang,
                user: s.session.user.clone(),
                csrf: s.session.csrf.clone(),
                view,
                report,
                notice,
            };
            html(StatusCode::OK, render_page(&p))
        }
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

async fn leaving_page(
    State(app): State<App>,
    s: PageSession,
    Path(user_id): Path<i64>,
) -> Response {
    render_leaving(&app, &s, user_id, None, None).await
}

#[derive(Deserialize)]
pub struct LeavingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    op: String,
    #[serde(default)]
    reason: String,
}

async fn leaving_post(
    State(app): State<App>,
    s: PageSession,
    Path(user_id): Path<i64>,
    Form(f): Form<LeavingForm>,
) -> Response {
    let lang = s.lang;
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(lang, &expired(), Some(s.session.user.clone()));
    }
    let actor = &s.session.actor;
    match f.op.as_str() {
        "reassign" => match app.reassign_leaving(actor, user_id, &f.reason).await {
            Ok(report) => render_leaving(&app, &s, user_id, Some(report), None).await,
            Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
        },
        "deactivate" => {
            let cmd = Command::DeactivateUser {
                user_id,
                reason: f.reason.clone(),
            };
            match app.execute(actor, cmd).await {
                Ok(_) => {
                    let done = crate::i18n::t(lang, "leaving.deactivated").to_string();
                    render_leaving(&app, &s, user_id, None, Some(done)).await
                }
                Err(e) => {
                    let msg = match lang {
                        Lang::Zh => e.message_zh(),
                        Lang::En => e.message_en(),
                    };
                    if matches!(e, AppError::Invalid(_)) {
                        render_leaving(&app, &s, user_id, None, Some(msg)).await
                    } else {
                        error_page(lang, &e, Some(s.session.user.clone()))
                    }
                }
            }
        }
        _ => error_page(lang, &AppError::NotFound, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Case page: assign / change team
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    officer_id: Option<i64>,
    team_id: Option<i64>,
    #[serde(default)]
    reason: String,
}

async fn case_form(app: App, s: PageSession, id: i64, f: AssignForm, team: bool) -> Response {
    let action = if team {
        f.team_id
            .map(|team_id| CaseAction::AssignTeam {
                team_id,
                team_name: String::new(),
                reason: f.reason,
            })
            .ok_or_else(|| missing("team_id"))
    } else {
        f.officer_id
            .map(|officer_id| CaseAction::AssignOfficer {
                officer_id,
                officer_name: String::new(),
                reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
            })
            .ok_or_else(|| missing("officer_id"))
    };
    let cmd = action.map(|action| Command::Case {
        case_id: id,
        version: f.version,
        action,
    });
    form_command(&app, &s, &f.csrf, cmd, &format!("/cases/{id}")).await
}

fn missing(field: &str) -> AppError {
    AppError::invalid(
        "request.field_missing",
        format!(
            "请选择{}",
            if field == "team_id" {
                "团队"
            } else {
                "承办人"
            }
        ),
        format!("{field} is required"),
    )
}

async fn assign_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    case_form(app, s, id, f, false).await
}

async fn team_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> Response {
    case_form(app, s, id, f, true).await
}

// ---------------------------------------------------------------------------------------------
// Weights editor
// ---------------------------------------------------------------------------------------------

pub struct WeightRow {
    pub key: &'static str,
    pub name: &'static str,
    pub value: String,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "assign_weights.html")]
pub struct WeightsPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_id: i64,
    pub version: i64,
    pub rows: Vec<WeightRow>,
    pub complex_extra: String,
    pub complex_problem: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

staff_page!(
    WeightsPage,
    section = "weights",
    home = true,
    back = "/admin/weights"
);

fn not_admin() -> AppError {
    AppError::forbidden(
        "只有系统管理员可以修改分案权重",
        "only administrators edit the assignment weights",
    )
}

fn weights_page_for(
    s: &PageSession,
    court_id: i64,
    version: i64,
    values: &BTreeMap<String, String>,
) -> WeightsPage {
    let lang = s.lang;
    let rows = CaseType::ALL
        .into_iter()
        .map(|t| WeightRow {
            key: t.key(),
            name: match lang {
                Lang::Zh => t.name_zh(),
                Lang::En => t.name_en(),
            },
            value: values.get(t.key()).cloned().unwrap_or_default(),
            problem: None,
        })
        .collect();
    WeightsPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_id,
        version,
        rows,
        complex_extra: values.get("complex_extra").cloned().unwrap_or_default(),
        complex_problem: None,
        notice: None,
        error: None,
    }
}

fn values_of(w: &LoadWeights) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = CaseType::ALL
        .into_iter()
        .map(|t| (t.key().to_string(), w.weight(t).to_string()))
        .collect();
    m.insert("complex_extra".into(), w.complex_extra.to_string());
    m
}

async fn weights_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<CourtQuery>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    if actor.role != Role::Administrator {
        return error_page(lang, &not_admin(), Some(s.session.user.clone()));
    }
    let court_id = q.court.unwrap_or(actor.court_id);
    if !actor.can_see_court(court_id) {
        return error_page(lang, &AppError::NotFound, Some(s.session.user.clone()));
    }
    match app.load_weights(court_id).await {
        Ok((w, v)) => html(
            StatusCode::OK,
            render_page(&weights_page_for(&s, court_id, v, &values_of(&w))),
        ),
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

async fn weights_post(
    State(app): State<App>,
    s: PageSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    let form: BTreeMap<String, String> = pairs.into_iter().collect();
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    if !same_secret(&s.session.csrf, &get("csrf")) {
        return error_page(lang, &expired(), Some(s.session.user.clone()));
    }
    if actor.role != Role::Administrator {
        return error_page(lang, &not_admin(), Some(s.session.user.clone()));
    }
    let court_id: i64 = get("court_id").parse().unwrap_or(actor.court_id);
    let version: i64 = get("version").parse().unwrap_or(-1);
    let mut values = BTreeMap::new();
    for t in CaseType::ALL {
        values.insert(
            t.key().to_string(),
            get(&format!("w_{}", t.key())).trim().to_string(),
        );
    }
    values.insert(
        "complex_extra".into(),
        get("complex_extra").trim().to_string(),
    );
    let mut page = weights_page_for(&s, court_id, version, &values);
    let text = |e: &zhixing_domain::DomainError| match lang {
        Lang::Zh => e.zh.clone(),
        Lang::En => e.en.clone(),
    };
    // Read every field; collect every problem.
    let mut weights = LoadWeights {
        by_type: BTreeMap::new(),
        complex_extra: 0,
    };
    let mut bad = false;
    for row in page.rows.iter_mut() {
        match row.value.parse::<i64>() {
            Ok(n) => {
                let t = CaseType::from_key(row.key).expect("known key");
                weights.by_type.insert(t, n);
            }
            Err(_) => {
                bad = true;
                row.problem = Some(crate::i18n::t(lang, "weights.not_a_number").to_string());
            }
        }
    }
    match page.complex_extra.parse::<i64>() {
        Ok(n) => weights.complex_extra = n,
        Err(_) => {
            bad = true;
            page.complex_problem = Some(crate::i18n::t(lang, "weights.not_a_number").to_string());
        }
    }
    for (key, e) in weight_problems(&weights) {
        bad = true;
        if key == "complex_extra" {
            page.complex_problem = Some(text(&e));
        } else if let Some(row) = page.rows.iter_mut().find(|r| r.key == key) {
            row.problem = Some(text(&e));
        }
    }
    if bad {
        page.error = Some(crate::i18n::t(lang, "weights.has_problems").to_string());
        return html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&page));
    }
    match app
        .save_load_weights(actor, court_id, &weights, version)
        .await
    {
        Ok(v) => {
            page.version = v;
            page.notice = Some(crate::i18n::t(lang, "weights.saved").to_string());
            html(StatusCode::OK, render_page(&page))
        }
        Err(e @ AppError::Conflict(_)) | Err(e @ AppError::Invalid(_)) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT);
            page.error = Some(match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            });
            html(status, render_page(&page))
        }
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub struct AssignRequest {
    pub officer_id: i64,
    /// Required when the case already has an officer (改派).
    #[serde(default)]
    pub reason: Option<String>,
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct TeamRequest {
    pub team_id: i64,
    pub reason: String,
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct DeactivateRequest {
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CaseVersion {
    pub id: i64,
    pub version: i64,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct LoadWeightsDoc {
    /// Load points per open case, by case type key (first, restored, preservation, …).
    pub by_type: BTreeMap<String, i64>,
    /// Added once per open case flagged complex.
    pub complex_extra: i64,
    /// The version to save against (0 = never saved); returned by GET.
    pub version: i64,
}

/// The teams of the caller's court (or `?court=`), members with open cases and weighted load.
#[utoipa::path(get, path = "/api/v1/teams", params(("court" = Option<i64>, Query, description = "court id; default the caller's")),
    responses((status = 200, description = "Teams with members, open cases, load, leave"), (status = 403, body = crate::api::Problem)))]
pub async fn api_teams(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<CourtQuery>,
) -> Response {
    match app.teams_overview(&s.session.actor, q.court).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => problem(&e),
    }
}

/// Runs a case action from the API; answers the case's new version.
pub(crate) async fn run_case(
    app: &App,
    s: &ApiWrite,
    id: i64,
    version: i64,
    action: CaseAction,
) -> Response {
    let cmd = Command::Case {
        case_id: id,
        version,
        action,
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(o) => Json(CaseVersion {
            id,
            version: o.version.unwrap_or_default(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// Assigns or reassigns (改派, reason required) the case's officer.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assign", request_body = AssignRequest,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseVersion), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_assign(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AssignRequest>,
) -> Response {
    let action = CaseAction::AssignOfficer {
        officer_id: req.officer_id,
        officer_name: String::new(),
        reason: req.reason.filter(|r| !r.trim().is_empty()),
    };
    run_case(&app, &s, id, req.version, action).await
}

/// Moves the case to another team of its court, with a reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/team", request_body = TeamRequest,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseVersion), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_team(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<TeamRequest>,
) -> Response {
    let action = CaseAction::AssignTeam {
        team_id: req.team_id,
        team_name: String::new(),
        reason: req.reason,
    };
    run_case(&app, &s, id, req.version, action).await
}

/// Deactivates an account (an officer leaves); administrators and bureau chiefs.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", request_body = DeactivateRequest,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 204, description = "Deactivated"), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_deactivate(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<DeactivateRequest>,
) -> Response {
    let cmd = Command::DeactivateUser {
        user_id: id,
        reason: req.reason,
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => problem(&e),
    }
}

/// A court's load weights and their version.
#[utoipa::path(get, path = "/api/v1/courts/{id}/load-weights",
    params(("id" = i64, Path, description = "court id")),
    responses((status = 200, body = LoadWeightsDoc), (status = 404, body = crate::api::Problem)))]
pub async fn api_get_weights(
    State(app): State<App>,
    s: ApiSession,
    Path(id): Path<i64>,
) -> Response {
    if !s.session.actor.can_see_court(id) {
        return problem(&AppError::NotFound);
    }
    match app.load_weights(id).await {
        Ok((w, version)) => {
            let mut by_type = BTreeMap::new();
            for t in CaseType::ALL {
                by_type.insert(t.key().to_string(), w.weight(t));
            }
            Json(LoadWeightsDoc {
                by_type,
                complex_extra: w.complex_extra,
                version,
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

/// Saves a court's load weights (administrators; 409 if someone saved since `version`).
#[utoipa::path(put, path = "/api/v1/courts/{id}/load-weights", request_body = LoadWeightsDoc,
    params(("id" = i64, Path, description = "court id")),
    responses((status = 200, body = LoadWeightsDoc), (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_put_weights(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<LoadWeightsDoc>,
) -> Response {
    let mut by_type = BTreeMap::new();
    for (k, v) in &req.by_type {
        match CaseType::from_key(k) {
            Ok(t) => {
                by_type.insert(t, *v);
            }
            Err(e) => return problem(&AppError::Invalid(e)),
        }
    }
    let weights = LoadWeights {
        by_type,
        complex_extra: req.complex_extra,
    };
    match app
        .save_load_weights(&s.session.actor, id, &weights, req.version)
        .await
    {
        Ok(version) => Json(LoadWeightsDoc { version, ..req }).into_response(),
        Err(e) => problem(&e),
    }
}
