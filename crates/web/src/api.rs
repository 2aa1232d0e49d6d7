//! The JSON API under `/api/v1`, described by an OpenAPI document at `/api/v1/openapi.json`
//! with an offline docs page at `/api/docs`. Its types are its own contract, converted from the
//! app's views, so internal refactors do not change what clients see.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;
use zhixing_app::views;
use zhixing_app::{App, AppError};

use crate::filter::parse_case_filter;
use crate::session::{cookie, set_cookie, with_cookie, ApiSession, SESSION_COOKIE};

/// An RFC 9457 problem, with the message in Chinese and English.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine code, e.g. `filter.invalid`, `not_found`.
    pub code: String,
    pub detail: String,
    pub message_zh: String,
    pub message_en: String,
}

pub fn problem(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = Problem {
        kind: format!("https://zhixing.invalid/problems/{}", e.code()),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        code: e.code().to_string(),
        detail: e.message_zh(),
        message_zh: e.message_zh(),
        message_en: e.message_en(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// Role key, e.g. `clerk`.
    pub role: String,
    pub role_zh: String,
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
}

impl From<views::CurrentUser> for User {
    fn from(u: views::CurrentUser) -> Self {
        User {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.key().into(),
            role_zh: u.role.name_zh().into(),
            court_id: u.court_id,
            court_code: u.court_code,
            court_name: u.court_name,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: i64,
    /// e.g. （2024）豫0883执1234号
    pub case_number: String,
    pub court_name: String,
    /// Case type key: first, restored, preservation, objection, review, supervision, assistance, other.
    pub case_type: String,
    /// Stage key: reception, filed, assigned, investigation, disposal, distribution, closing, closed, archived.
    pub stage: String,
    pub stage_zh: String,
    pub suspended: bool,
    pub locked: bool,
    /// Claim amount in fen (1 yuan = 100 fen).
    pub claim_fen: i64,
    pub applicants: String,
    pub debtors: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    /// UTC milliseconds.
    pub filed_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Party {
    /// applicant, debtor or third
    pub role: String,
    pub name: String,
    /// person or organisation
    pub kind: String,
    /// Resident ID or unified social credit code.
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    pub id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    pub case_type: String,
    pub stage: String,
    pub stage_zh: String,
    pub suspended: bool,
    pub locked: bool,
    pub closing_mode: Option<String>,
    pub claim_fen: i64,
    pub recovered_fen: i64,
    pub basis_court: String,
    pub basis_number: String,
    pub basis_kind: String,
    /// YYYY-MM-DD
    pub basis_date: String,
    pub parties: Vec<Party>,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub filed_at: i64,
    pub closed_at: Option<i64>,
    /// Send back with changes, so a stale page cannot overwrite newer work.
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Event {
    /// Position in the court's audit chain.
    pub seq: i64,
    /// UTC milliseconds.
    pub occurred_at: i64,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub kind: String,
    pub text_zh: String,
    pub text_en: String,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

fn summary(c: views::CaseListItem) -> CaseSummary {
    CaseSummary {
        id: c.id,
        case_number: c.case_number,
        court_name: c.court_name,
        case_type: c.case_type.key().into(),
        stage: c.stage.key().into(),
        stage_zh: c.stage.name_zh().into(),
        suspended: c.suspended,
        locked: c.locked,
        claim_fen: c.claim.0,
        applicants: c.applicants,
        debtors: c.debtors,
        team_name: c.team_name,
        officer_name: c.officer_name,
        filed_at: c.filed_at,
    }
}

fn detail(c: views::CaseDetail) -> CaseDetail {
    CaseDetail {
        id: c.id,
        case_number: c.case_number,
        court_id: c.court_id,
        court_code: c.court_code,
        court_name: c.court_name,
        case_type: c.case_type.key().into(),
        stage: c.stage.key().into(),
        stage_zh: c.stage.name_zh().into(),
        suspended: c.suspended,
        locked: c.locked,
        closing_mode: c.closing_mode.map(|m| m.key().into()),
        claim_fen: c.claim.0,
        recovered_fen: c.recovered.0,
        basis_court: c.basis_court,
        basis_number: c.basis_number,
        basis_kind: c.basis_kind,
        basis_date: c.basis_date,
        parties: c
            .parties
            .into_iter()
            .map(|p| Party {
                role: p.role.key().into(),
                name: p.name,
                kind: p.kind,
                id_number: p.id_number,
                phone: p.phone,
                address: p.address,
            })
            .collect(),
        team_name: c.team_name,
        officer_name: c.officer_name,
        filed_at: c.filed_at,
        closed_at: c.closed_at,
        version: c.version,
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Zhixing 执行 API",
        version = "1",
        description = "法院执行局办案系统接口。Errors are application/problem+json with Chinese and English messages. Sign in with POST /api/v1/login; the session cookie authenticates later calls."
    ),
    paths(login, logout, me, list_cases, get_case, case_events),
    components(schemas(
        Problem,
        User,
        CaseSummary,
        CaseList,
        Party,
        CaseDetail,
        Event,
        LoginRequest
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/cases", get(list_cases))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/events", get(case_events))
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|| async { problem(&AppError::NotFound) })
}

/// The interactive docs page, served from assets compiled into the binary.
pub fn docs() -> Router<App> {
    Router::from(SwaggerUi::new("/api/docs").url("/api/docs/openapi.json", ApiDoc::openapi()))
}

#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = User, description = "Signed in; the session cookie is set"), (status = 422, body = Problem)))]
async fn login(
    State(app): State<App>,
    body: Result<Json<LoginRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => {
            return problem(&AppError::invalid(
                "request.invalid_json",
                format!("请求格式错误：{e}"),
                format!("malformed request: {e}"),
            ))
        }
    };
    let s = match app.login(&req.username, &req.password).await {
        Ok(s) => s,
        Err(e) => return problem(&e),
    };
    let user = match app.session(&s.token).await {
        Ok(u) => u.user,
        Err(e) => return problem(&e),
    };
    let resp = Json(User::from(user)).into_response();
    with_cookie(
        resp,
        set_cookie(
            SESSION_COOKIE,
            &s.token,
            zhixing_app::auth::SESSION_HOURS * 3600,
        ),
    )
}

#[utoipa::path(post, path = "/api/v1/logout", responses((status = 204, description = "Signed out")))]
async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = app.logout(token).await {
            return problem(&e);
        }
    }
    with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        set_cookie(SESSION_COOKIE, "", 0),
    )
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = User), (status = 401, body = Problem)))]
async fn me(s: ApiSession) -> Json<User> {
    Json(s.session.user.into())
}

#[utoipa::path(get, path = "/api/v1/cases",
    params(
        ("court" = Option<i64>, Query, description = "court id (within your courts)"),
        ("stage" = Option<String>, Query, description = "stage key"),
        ("team" = Option<i64>, Query, description = "team id"),
        ("officer" = Option<i64>, Query, description = "officer user id"),
        ("type" = Option<String>, Query, description = "case type key"),
        ("year" = Option<i64>, Query, description = "year received"),
        ("q" = Option<String>, Query, description = "case number or party name, or part of one"),
        ("page" = Option<u32>, Query, description = "from 1"),
        ("per_page" = Option<u32>, Query, description = "1–100, default 20"),
    ),
    responses((status = 200, body = CaseList), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_cases(
    State(app): State<App>,
    s: ApiSession,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let filter = match parse_case_filter(&params) {
        Ok(f) => f,
        Err(e) => return problem(&e),
    };
    match app.list_cases(&s.session.actor, &filter).await {
        Ok(p) => {
            let pages = p.pages();
            Json(CaseList {
                total: p.total,
                page: p.page,
                per_page: p.per_page,
                pages,
                items: p.items.into_iter().map(summary).collect(),
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}",
    params(("id" = String, Path, description = "case id, or case number such as （2024）豫0883执12号")),
    responses((status = 200, body = CaseDetail), (status = 404, body = Problem)))]
async fn get_case(State(app): State<App>, s: ApiSession, Path(raw): Path<String>) -> Response {
    let actor = &s.session.actor;
    let id = match crate::staff::resolve_case_ref(&app, actor, &raw).await {
        Ok(id) => id,
        Err(e) => return problem(&e),
    };
    match app.case_detail(actor, id).await {
        Ok(c) => Json(detail(c)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/events",
    params(("id" = String, Path, description = "case id or case number")),
    responses((status = 200, body = [Event]), (status = 404, body = Problem)))]
async fn case_events(State(app): State<App>, s: ApiSession, Path(raw): Path<String>) -> Response {
    let actor = &s.session.actor;
    let id = match crate::staff::resolve_case_ref(&app, actor, &raw).await {
        Ok(id) => id,
        Err(e) => return problem(&e),
    };
    match app.case_timeline(actor, id).await {
        Ok(events) => Json(
            events
                .into_iter()
                .map(|e| Event {
                    seq: e.seq,
                    occurred_at: e.occurred_at,
                    actor_name: e.actor_name,
                    actor_role: e.actor_role.map(|r| r.key().to_string()),
                    kind: e.kind.key().to_string(),
                    text_zh: e.text_zh,
                    text_en: e.text_en,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => problem(&e),
    }
}
