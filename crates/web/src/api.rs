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
use crate::intake::{
    app_error_field, binding_qr_text, load_reception, may_override_check_digit, may_receive,
    parse_direct_filing, parse_reception, today_shanghai, AgentRequest, BasisRequest, FieldError,
    FilingRequest, LeadRequest, LoadedReception, PartyRequest, ReceptionRequest,
};
use crate::session::{
    cookie, set_cookie, with_cookie, ApiJson, ApiSession, ApiWrite, SESSION_COOKIE,
};
use zhixing_app::commands::Command;

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

/// Runs a command that answers nothing but success (204), or its refusal as a problem.
pub async fn no_content(
    app: &App,
    actor: &zhixing_app::Actor,
    cmd: Result<zhixing_app::commands::Command, AppError>,
) -> Response {
    let done = match cmd {
        Ok(cmd) => app.execute(actor, cmd).await,
        Err(e) => return problem(&e),
    };
    match done {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => problem(&e),
    }
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
        description = "法院执行局办案系统接口。Errors are application/problem+json with Chinese and English messages; invalid input answers 422 with an `errors` array of {field, code, zh, en}, one per wrong field. Sign in with POST /api/v1/login; the session cookie authenticates later calls.\n\n**CSRF:** calls that change data with the session cookie (every POST, PUT and DELETE except login and logout) must also send the header `X-CSRF-Token` with this session's token, which GET /api/v1/csrf returns (it is also the `csrf` field of the staff pages' forms). Without it, or with another session's token, they answer 403 with code `csrf` and change nothing."
    ),
    paths(
        login,
        logout,
        me,
        list_cases,
        file_case_directly,
        get_case,
        case_events,
        csrf_token,
        create_reception,
        get_reception,
        file_reception,
        duplicates,
        crate::admin::get_triage_rules,
        crate::admin::simulate_triage_rules,
        crate::admin::put_triage_rules,
        crate::roster::api_get_roster,
        crate::roster::api_generate,
        crate::roster::api_save_roster,
        crate::roster::api_list_leave,
        crate::roster::api_add_leave,
        crate::roster::api_cancel_leave,
        crate::case_actions::api_nodes,
        crate::case_actions::api_suspend,
        crate::case_actions::api_resume,
        crate::documents::api_download,
        crate::documents::api_get_template,
        crate::documents::api_put_template,
        crate::unlock::api_unlock,
        crate::unlock::api_extension,
        crate::unlock::api_list,
        crate::unlock::api_decide,
        crate::doc_review::api_case_documents,
        crate::doc_review::api_draft,
        crate::doc_review::api_document,
        crate::doc_review::api_edit,
        crate::doc_review::api_review,
        crate::doc_review::api_file,
        crate::doc_review::api_reviews,
        crate::staffing::api_teams,
        crate::staffing::api_assign,
        crate::staffing::api_team,
        crate::staffing::api_deactivate,
        crate::staffing::api_get_weights,
        crate::staffing::api_put_weights,
        crate::supervision::api_summary,
        crate::supervision::api_nodes,
        crate::supervision::api_bulletin,
        crate::supervision::api_inbox,
        crate::supervision::api_inbox_read,
        crate::node_admin::api_get_nodes,
        crate::node_admin::api_put_nodes,
        crate::node_admin::api_preview_nodes,
        crate::node_admin::api_get_calendar,
        crate::node_admin::api_put_calendar,
        crate::node_admin::api_preview_calendar,
        crate::node_admin::api_due,
        crate::dossier::api_dossier,
        crate::dossier::api_upload,
        crate::dossier::api_move,
        crate::dossier::api_item,
        crate::dossier::api_export,
        crate::service::api_queue,
        crate::service::api_task,
        crate::service::api_attempt,
        crate::service::api_result,
        crate::service::api_send,
        crate::service::api_case,
        crate::funds::api_case,
        crate::funds::api_receipt,
        crate::funds::api_propose,
        crate::funds::api_claims,
        crate::funds::api_decide,
        crate::funds::api_approvals,
        crate::funds::api_reconciliation,
        crate::funds::api_settings,
        crate::funds::api_save_settings,
        crate::asset_control::api_assets,
        crate::asset_control::api_inquire,
        crate::asset_control::api_finding,
        crate::asset_control::api_lead,
        crate::asset_control::api_inform,
        crate::asset_control::api_verify,
        crate::asset_control::api_control,
        crate::asset_control::api_carry,
        crate::asset_control::api_renew,
        crate::asset_control::api_lift,
        crate::routine::api_queue,
        crate::routine::api_start,
        crate::routine::api_batch,
        crate::routine::api_approve,
        crate::routine::api_resume,
        crate::measures::api_case,
        crate::measures::api_issue,
        crate::measures::api_revoke,
        crate::measures::api_settlement,
        crate::measures::api_payment,
        crate::measures::api_public,
        crate::disposal::api_case,
        crate::disposal::api_start,
        crate::disposal::api_step,
        crate::disposal::api_withdraw,
        crate::disposal::api_list,
        crate::dormant::api_library,
        crate::dormant::api_case,
        crate::dormant::api_restore,
        crate::metric_settings::api_get,
        crate::metric_settings::api_put,
        crate::metrics::api_metrics,
        crate::metrics::api_ranking,
        crate::metrics::api_cases,
        crate::metrics::api_dashboard,
        crate::metrics::api_campaigns,
        crate::metrics::api_campaign_create,
        crate::metrics::api_campaign,
        crate::metrics::api_campaign_tag,
        crate::metrics::api_campaign_untag,
        crate::closing::api_check,
        crate::closing::api_record,
        crate::closing::api_close
    ),
    components(schemas(
        Problem,
        crate::dossier::Dossier,
        crate::routine::QueueDoc,
        crate::routine::QueueItemDoc,
        crate::routine::BatchCreate,
        crate::routine::BatchDoc,
        crate::routine::BatchFailureDoc,
        crate::dossier::DossierItem,
        crate::dossier::DossierAccess,
        crate::dossier::DossierUploadForm,
        crate::dossier::MoveRequest,
        crate::service::ApiServiceTask,
        crate::asset_control::ApiAssets,
        crate::asset_control::ApiInquiryTask,
        crate::asset_control::ApiFinding,
        crate::asset_control::ApiMeasure,
        crate::asset_control::ApiLead,
        crate::asset_control::ApiApplicantMessage,
        crate::asset_control::FindingRequest,
        crate::asset_control::LeadRequest,
        crate::asset_control::VerifyRequest,
        crate::asset_control::ControlRequest,
        crate::asset_control::CarryRequest,
        crate::asset_control::RenewRequest,
        crate::asset_control::LiftRequest,
        crate::service::ApiServiceAttempt,
        crate::service::ApiServiceTaskDetail,
        crate::service::ApiServiceQueue,
        crate::service::ApiServiceCounts,
        crate::service::ApiCaseService,
        crate::service::AttemptRequest,
        crate::service::ResultRequest,
        crate::service::SendRequest,
        crate::measures::ApiCaseMeasures,
        crate::measures::ApiMeasure,
        crate::measures::ApiSettlement,
        crate::measures::ApiInstalment,
        crate::measures::ApiPublicMeasures,
        crate::measures::ApiPublicMeasure,
        crate::measures::MeasureRequest,
        crate::measures::RevokeRequest,
        crate::measures::SettlementRequest,
        crate::measures::PaymentRequest,
        crate::disposal::ApiCaseDisposal,
        crate::disposal::ApiSeizedAsset,
        crate::disposal::ApiDisposal,
        crate::disposal::ApiStep,
        crate::disposal::ApiNextStep,
        crate::disposal::ApiRealEstateList,
        crate::disposal::ApiSeizedRealEstate,
        crate::disposal::StartRequest,
        crate::disposal::StepRequest,
        crate::disposal::WithdrawRequest,
        crate::dormant::ApiLibrary,
        crate::dormant::ApiLibraryEntry,
        crate::dormant::ApiCaseLibrary,
        crate::dormant::RestoreRequest,
        crate::metric_settings::ApiDefinitions,
        crate::dormant::ApiRestored,
        crate::metrics::ApiPeriod,
        crate::metrics::ApiFigure,
        crate::metrics::ApiTrendPoint,
        crate::metrics::ApiTeamAssessment,
        crate::metrics::ApiMetrics,
        crate::metrics::ApiRankingRow,
        crate::metrics::ApiRanking,
        crate::metrics::ApiDrillRow,
        crate::metrics::ApiDrill,
        crate::metrics::ApiTeamLoad,
        crate::metrics::ApiPlace,
        crate::metrics::ApiDashboard,
        crate::metrics::ApiCampaign,
        crate::metrics::ApiCampaignList,
        crate::metrics::CampaignRequest,
        crate::metrics::ApiCampaignCreated,
        crate::metrics::ApiCampaignDetail,
        crate::metrics::TagRequest,
        crate::metrics::ApiTagged,
        crate::closing::ApiClosingCheck,
        crate::closing::ApiCondition,
        crate::closing::ClosingRecordRequest,
        crate::closing::CloseRequest,
        crate::closing::ApiRulingSubmitted,
        crate::funds::ApiAccount,
        crate::funds::ApiFundEntry,
        crate::funds::ApiPlanLine,
        crate::funds::ApiDisbursement,
        crate::funds::ApiCaseFunds,
        crate::funds::ReceiptRequest,
        crate::funds::PlanLineRequest,
        crate::funds::ProposalRequest,
        crate::funds::ClaimsRequest,
        crate::funds::ApiApplicantClaim,
        crate::funds::DecisionRequest,
        crate::funds::ApiMovements,
        crate::funds::ApiSourceTotal,
        crate::funds::ApiCourtReconciliation,
        crate::funds::ApiReconciliationLine,
        crate::funds::ApiReconciliation,
        crate::funds::ApiFundSettings,
        User,
        CaseSummary,
        CaseList,
        Party,
        CaseDetail,
        Event,
        LoginRequest,
        ValidationProblem,
        FieldError,
        CsrfToken,
        ReceptionRequest,
        FilingRequest,
        PartyRequest,
        AgentRequest,
        BasisRequest,
        LeadRequest,
        ReceptionCreated,
        Reception,
        ReceptionParty,
        ReceptionAgent,
        ReceptionBasis,
        ReceptionLead,
        Filed,
        Duplicate,
        crate::roster::ApiRoster,
        crate::roster::ApiRosterEntry,
        crate::roster::ApiRosterProposal,
        crate::roster::GenerateRosterRequest,
        crate::roster::SaveRosterRequest,
        crate::roster::ApiLeave,
        crate::staffing::AssignRequest,
        crate::staffing::TeamRequest,
        crate::staffing::DeactivateRequest,
        crate::unlock::NodeRequestCreate,
        crate::unlock::NodeRequestDecisionDoc,
        crate::unlock::NodeRequestDoc,
        crate::unlock::NodeRequestList,
        crate::doc_review::AssetDoc,
        crate::doc_review::DocumentSummaryDoc,
        crate::doc_review::CaseDocumentList,
        crate::doc_review::PermittedDoc,
        crate::doc_review::ReviewStepDoc,
        crate::doc_review::TaskCountDoc,
        crate::doc_review::DocumentDoc,
        crate::doc_review::DraftRequest,
        crate::doc_review::EditRequest,
        crate::doc_review::ReviewRequest,
        crate::doc_review::ReviewQueueDoc,
        crate::staffing::CaseVersion,
        crate::documents::TemplateDoc,
        crate::documents::PutTemplate,
        crate::staffing::LoadWeightsDoc,
        crate::supervision::ApiSummary,
        crate::supervision::ApiSummaryRow,
        crate::supervision::ApiNodeList,
        crate::supervision::ApiNodeLine,
        crate::supervision::ApiBulletin,
        crate::supervision::ApiBulletinEntry,
        crate::supervision::ApiInbox,
        crate::supervision::ApiNotification,
        crate::supervision::MarkReadRequest,
        crate::supervision::MarkReadResult,
        crate::node_admin::CourtRef,
        crate::node_admin::Recomputed,
        crate::node_admin::NodeDefinitionsDoc,
        crate::node_admin::PutNodeDefinitions,
        crate::node_admin::PreviewNodeDefinitions,
        crate::node_admin::CalendarDoc,
        crate::node_admin::PutCalendar,
        crate::node_admin::PreviewCalendar,
        crate::node_admin::PreviewExampleDoc,
        crate::node_admin::PreviewDoc,
        crate::node_admin::DueDoc
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/cases", get(list_cases).post(file_case_directly))
        .route("/cases/{id}", get(get_case))
        .route("/cases/{id}/events", get(case_events))
        .route("/csrf", get(csrf_token))
        .route("/receptions", post(create_reception))
        .route("/receptions/{id}", get(get_reception))
        .route("/receptions/{id}/file", post(file_reception))
        .route("/duplicates", get(duplicates))
        .merge(crate::admin::api_routes())
        .merge(crate::roster::api_routes())
        .merge(crate::staffing::api_routes())
        .merge(crate::supervision::api_routes())
        .merge(crate::node_admin::api_routes())
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|| async { problem(&AppError::NotFound) })
}

/// The interactive docs page, served from assets compiled into the binary.
pub fn docs() -> Router<App> {
    Router::from(SwaggerUi::new("/api/docs").url("/api/docs/openapi.json", ApiDoc::openapi()))
}

#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = User, description = "Signed in; the session cookie is set"), (status = 422, body = Problem)))]
async fn login(State(app): State<App>, ApiJson(req): ApiJson<LoginRequest>) -> Response {
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

// ---------------------------------------------------------------------------------------------
// Reception window and filing

/// Header that write calls made with the session cookie must carry: the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A 422 listing every field that is wrong, so a client can show them all at once.
#[derive(Serialize, ToSchema)]
pub struct ValidationProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// `validation`
    pub code: String,
    pub detail: String,
    pub message_zh: String,
    pub message_en: String,
    pub errors: Vec<FieldError>,
}

pub fn validation_problem(errors: Vec<FieldError>) -> Response {
    let n = errors.len();
    let body = ValidationProblem {
        kind: "https://zhixing.invalid/problems/validation".into(),
        title: "Unprocessable Entity".into(),
        status: 422,
        code: "validation".into(),
        detail: format!("有 {n} 处输入需要更正"),
        message_zh: format!("有 {n} 处输入需要更正，详见 errors"),
        message_en: format!("{n} fields need correcting; see errors"),
        errors,
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct CsrfToken {
    /// Send as the `X-CSRF-Token` header on POST calls.
    pub csrf_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReceptionCreated {
    pub id: i64,
    /// The code the applicant registers with on the portal.
    pub binding_code: String,
    /// The printable record (staff page).
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReceptionParty {
    /// person or organisation
    pub kind: String,
    pub name: String,
    pub id_number: String,
    /// False only for a credit code accepted with a wrong check digit (override).
    pub check_digit_valid: bool,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceptionAgent {
    pub name: String,
    pub lawyer_licence: Option<String>,
    pub phone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceptionBasis {
    pub issuing_court: String,
    pub instrument_number: String,
    /// judgment, ruling, mediation, arbitral_award, notarised or other
    pub kind: String,
    /// YYYY-MM-DD
    pub effective_date: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReceptionLead {
    /// bank_deposit, real_estate, vehicle, equity, receivable or other
    pub kind: String,
    pub description: String,
    pub location: Option<String>,
}

/// A saved reception record (接待笔录).
#[derive(Serialize, ToSchema)]
pub struct Reception {
    pub id: i64,
    pub court_id: i64,
    pub court_name: String,
    pub officer_name: String,
    /// UTC milliseconds.
    pub created_at: i64,
    pub binding_code: String,
    /// What the QR code on the printed record encodes: `ZHIXING-BIND:<binding_code>`.
    pub binding_qr_text: String,
    /// The case filed from this record, if filed.
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    /// first, preservation or restored
    pub case_type: String,
    pub applicant: ReceptionParty,
    pub agent: Option<ReceptionAgent>,
    pub debtors: Vec<ReceptionParty>,
    pub basis: ReceptionBasis,
    pub amount_awarded_fen: i64,
    pub interest_terms: Option<String>,
    pub claim_fen: i64,
    pub asset_leads: Vec<ReceptionLead>,
    pub debtor_locatable: bool,
    pub flags: Vec<String>,
    pub statement: String,
    /// The notice items explained, by key.
    pub checklist: Vec<String>,
    pub applicant_confirmed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Filed {
    pub case_id: i64,
    /// e.g. （2026）豫0883执12号
    pub case_number: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct Duplicate {
    pub id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub stage: String,
    pub stage_zh: String,
    pub applicants: String,
    pub debtors: String,
    /// UTC milliseconds.
    pub filed_at: i64,
}

fn reception_party(p: &zhixing_domain::party::Party) -> ReceptionParty {
    use zhixing_domain::party::PartyIdentity;
    ReceptionParty {
        kind: p.identity.kind_key().into(),
        name: p.name.clone(),
        id_number: p.identity.number().into(),
        check_digit_valid: match &p.identity {
            PartyIdentity::Organisation(c) => c.has_valid_check_digit(),
            PartyIdentity::Person(_) => true,
        },
        phone: p.phone.clone(),
        address: p.address.clone(),
    }
}

fn reception_view(r: LoadedReception, case_number: Option<String>) -> Reception {
    let rec = r.record;
    Reception {
        id: r.id,
        court_id: r.court_id,
        court_name: r.court_name,
        officer_name: r.officer_name,
        created_at: r.created_at,
        binding_qr_text: binding_qr_text(&r.binding_code),
        binding_code: r.binding_code,
        case_id: r.case_id,
        case_number,
        case_type: rec.case_type.key().into(),
        applicant: reception_party(&rec.applicant),
        agent: rec.agent.map(|a| ReceptionAgent {
            name: a.name,
            lawyer_licence: a.lawyer_licence,
            phone: a.phone,
        }),
        debtors: rec.debtors.iter().map(reception_party).collect(),
        basis: ReceptionBasis {
            issuing_court: rec.basis.issuing_court,
            instrument_number: rec.basis.instrument_number,
            kind: rec.basis.kind.key().into(),
            effective_date: rec.basis.effective_date.format("%Y-%m-%d").to_string(),
        },
        amount_awarded_fen: rec.amount_awarded.0,
        interest_terms: rec.interest_terms,
        claim_fen: rec.claim.0,
        asset_leads: rec
            .asset_leads
            .into_iter()
            .map(|l| ReceptionLead {
                kind: l.kind.key().into(),
                description: l.description,
                location: l.location,
            })
            .collect(),
        debtor_locatable: rec.debtor_locatable,
        flags: rec.flags,
        statement: rec.statement,
        checklist: rec
            .checklist
            .confirmed
            .iter()
            .map(|i| i.key().to_string())
            .collect(),
        applicant_confirmed: rec.applicant_confirmed,
    }
}

#[utoipa::path(get, path = "/api/v1/csrf",
    responses((status = 200, body = CsrfToken, description = "This session's token for the X-CSRF-Token header"), (status = 401, body = Problem)))]
async fn csrf_token(s: ApiSession) -> Json<CsrfToken> {
    Json(CsrfToken {
        csrf_token: s.session.csrf,
    })
}

#[utoipa::path(post, path = "/api/v1/receptions", request_body = ReceptionRequest,
    params(("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 201, body = ReceptionCreated, description = "Saved; `Location` is the API address of the record"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "missing/wrong X-CSRF-Token, or not a reception officer or clerk"),
        (status = 422, body = ValidationProblem, description = "every wrong field, with Chinese and English messages")))]
async fn create_reception(
    State(app): State<App>,
    s: ApiWrite,
    body: Result<ApiJson<ReceptionRequest>, Response>,
) -> Response {
    let actor = &s.session.actor;
    if !may_receive(actor.role) {
        return problem(&AppError::forbidden(
            "只有接待员和书记员可以登记接待",
            "only reception officers and clerks record receptions",
        ));
    }
    let ApiJson(req) = match body {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let input = match parse_reception(
        &req,
        actor.court_id,
        may_override_check_digit(actor.role),
        today_shanghai(),
    ) {
        Ok(i) => i,
        Err(errors) => return validation_problem(errors),
    };
    match app
        .execute(actor, Command::RecordReception(Box::new(input)))
        .await
    {
        Ok(out) => {
            let id = out.id.unwrap_or_default();
            let body = ReceptionCreated {
                id,
                binding_code: out.binding_code.unwrap_or_default(),
                url: format!("/reception/{id}"),
            };
            (
                StatusCode::CREATED,
                [(header::LOCATION, format!("/api/v1/receptions/{id}"))],
                Json(body),
            )
                .into_response()
        }
        Err(e @ AppError::Invalid(_)) => validation_problem(vec![app_error_field(&e)]),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/receptions/{id}",
    params(("id" = i64, Path, description = "reception record id")),
    responses((status = 200, body = Reception), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_reception(State(app): State<App>, s: ApiSession, Path(id): Path<String>) -> Response {
    let Ok(id) = id.trim().parse::<i64>() else {
        return problem(&AppError::NotFound);
    };
    let actor = &s.session.actor;
    let r = match load_reception(&app, actor, id).await {
        Ok(r) => r,
        Err(e) => return problem(&e),
    };
    let case_number = match r.case_id {
        Some(c) => app.case_detail(actor, c).await.ok().map(|c| c.case_number),
        None => None,
    };
    Json(reception_view(r, case_number)).into_response()
}

#[utoipa::path(post, path = "/api/v1/cases", request_body = FilingRequest,
    params(("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 201, body = Filed, description = "Filed, routed by the court's triage rules, assigned by least load, and the network inquiry started for every debtor"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, body = ValidationProblem)))]
async fn file_case_directly(
    State(app): State<App>,
    s: ApiWrite,
    ApiJson(req): ApiJson<FilingRequest>,
) -> Response {
    let actor = &s.session.actor;
    let f = match parse_direct_filing(
        &req,
        actor.court_id,
        may_override_check_digit(actor.role),
        today_shanghai(),
    ) {
        Ok(f) => f,
        Err(errors) => return validation_problem(errors),
    };
    match app.execute(actor, Command::FileCase(f)).await {
        Ok(out) => {
            let case_id = out.id.unwrap_or_default();
            (
                StatusCode::CREATED,
                [(header::LOCATION, format!("/api/v1/cases/{case_id}"))],
                Json(Filed {
                    case_id,
                    case_number: out.case_number.unwrap_or_default(),
                    url: format!("/cases/{case_id}"),
                }),
            )
                .into_response()
        }
        Err(e @ AppError::Invalid(_)) => validation_problem(vec![app_error_field(&e)]),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/receptions/{id}/file",
    params(
        ("id" = i64, Path, description = "reception record id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 201, body = Filed, description = "Filed: the case number is assigned and the network inquiry started for every debtor"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "this record was filed already")))]
async fn file_reception(State(app): State<App>, s: ApiWrite, Path(id): Path<String>) -> Response {
    let Ok(id) = id.trim().parse::<i64>() else {
        return problem(&AppError::NotFound);
    };
    match app.file_from_reception(&s.session.actor, id).await {
        Ok(out) => {
            let case_id = out.id.unwrap_or_default();
            (
                StatusCode::CREATED,
                [(header::LOCATION, format!("/api/v1/cases/{case_id}"))],
                Json(Filed {
                    case_id,
                    case_number: out.case_number.unwrap_or_default(),
                    url: format!("/cases/{case_id}"),
                }),
            )
                .into_response()
        }
        Err(e) => problem(&e),
    }
}

/// A resident ID, or else a credit code (a check-digit mismatch is allowed: stored codes may be
/// overridden ones).
fn identity_of(
    raw: &str,
) -> Result<zhixing_domain::party::PartyIdentity, zhixing_domain::DomainError> {
    use zhixing_domain::ids::{CreditCode, ResidentId};
    use zhixing_domain::party::PartyIdentity;
    match ResidentId::parse(raw) {
        Ok(id) => Ok(PartyIdentity::Person(id)),
        Err(person_err) => match CreditCode::parse_allow_check_mismatch(raw) {
            Ok(c) => Ok(PartyIdentity::Organisation(c)),
            Err(code_err) => {
                let looks_personal = raw
                    .trim()
                    .chars()
                    .take(17)
                    .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
                Err(if looks_personal { person_err } else { code_err })
            }
        },
    }
}

#[utoipa::path(get, path = "/api/v1/duplicates",
    params(
        ("basis_number" = String, Query, description = "the instrument number, e.g. （2025）豫0883民初456号"),
        ("id_number" = Vec<String>, Query, description = "ID numbers or credit codes of the parties; repeat the parameter for each")),
    responses((status = 200, body = [Duplicate], description = "cases in your courts on the same instrument naming one of these parties, newest first (at most 20)"),
        (status = 401, body = Problem), (status = 422, body = ValidationProblem)))]
async fn duplicates(
    State(app): State<App>,
    s: ApiSession,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let mut errors = Vec::new();
    let mut basis_number = String::new();
    let mut parties = Vec::new();
    let mut i = 0;
    for (k, v) in &params {
        match k.as_str() {
            "basis_number" => basis_number = v.trim().to_string(),
            "id_number" | "id_number[]" => {
                match identity_of(v) {
                    Ok(identity) => parties.push(zhixing_domain::party::Party {
                        name: String::new(),
                        identity,
                        phone: None,
                        address: None,
                    }),
                    Err(e) => errors.push(FieldError::new(format!("id_number[{i}]"), &e)),
                }
                i += 1;
            }
            _ => {}
        }
    }
    if basis_number.is_empty() {
        errors.insert(
            0,
            FieldError::new(
                "basis_number",
                &zhixing_domain::DomainError::new(
                    "duplicates.basis_number",
                    "请提供执行依据文书编号（basis_number）",
                    "basis_number (the instrument number) is required",
                ),
            ),
        );
    }
    if !errors.is_empty() {
        return validation_problem(errors);
    }
    let refs: Vec<&zhixing_domain::party::Party> = parties.iter().collect();
    match app
        .possible_duplicates(&s.session.actor, &basis_number, &refs)
        .await
    {
        Ok(rows) => Json(
            rows.into_iter()
                .map(|d| {
                    let stage_zh = zhixing_domain::case::Stage::from_key(&d.stage)
                        .map(|st| st.name_zh().to_string())
                        .unwrap_or_else(|_| d.stage.clone());
                    Duplicate {
                        id: d.id,
                        case_number: d.case_number,
                        court_id: d.court_id,
                        stage: d.stage,
                        stage_zh,
                        applicants: d.applicant_names,
                        debtors: d.debtor_names,
                        filed_at: d.filed_at,
                    }
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => problem(&e),
    }
}
