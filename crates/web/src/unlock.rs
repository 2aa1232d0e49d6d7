//! Locked cases, unlock and extension requests on the web (解锁申请、延长执行期限申请): the case
//! page's panel (`templates/case_node_requests.html`: the lock banner with the unlock form, the
//! extension form and the case's requests), the approvals page `/approvals` for bureau chiefs,
//! presidents and supervisors, their forms, and the API twins under `/api/v1`. No rule here:
//! who may ask or decide, and what a decision does, are the app's (`zhixing_app::unlock`).

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
use zhixing_app::unlock::{CaseRequestsView, NodeRequestView};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::unlock::{DecisionLevel, RequestKind, RequestStatus};

use crate::api::problem;
use crate::i18n::{t, tf, Lang};
use crate::pages::{render_page, staff_page, Label, Page};
use crate::session::{ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command};

/// The pages' and the API's routes, with their full paths.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/approvals", get(approvals_page))
        .route("/cases/{id}/unlock-request", post(unlock_post))
        .route("/cases/{id}/extension-request", post(extension_post))
        .route("/node-requests/{id}/decision", post(decision_post))
        .route("/api/v1/cases/{id}/unlock-requests", post(api_unlock))
        .route("/api/v1/cases/{id}/extension-requests", post(api_extension))
        .route("/api/v1/node-requests", get(api_list))
        .route("/api/v1/node-requests/{id}/decision", post(api_decide))
}

impl Label for DecisionLevel {
    fn zh(self) -> &'static str {
        self.name_zh()
    }
    fn en(self) -> &'static str {
        self.name_en()
    }
}

impl Label for RequestKind {
    fn zh(self) -> &'static str {
        self.name_zh()
    }
    fn en(self) -> &'static str {
        self.name_en()
    }
}

impl Label for RequestStatus {
    fn zh(self) -> &'static str {
        self.name_zh()
    }
    fn en(self) -> &'static str {
        self.name_en()
    }
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The case page's panel
// ---------------------------------------------------------------------------------------------

/// One request, in the page's language.
#[derive(Debug, Clone)]
pub struct RequestLine {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_name: String,
    /// `unlock` or `extension`.
    pub kind_key: &'static str,
    pub kind: &'static str,
    /// `pending`, `approved` or `refused` (the CSS class).
    pub status_key: &'static str,
    pub status: &'static str,
    pub pending: bool,
    pub is_unlock: bool,
    /// Who decides.
    pub level: &'static str,
    pub node_name: String,
    pub node_due_on: String,
    /// "overdue 4 days" / "12 days left" while pending, else empty.
    pub timing: String,
    pub overdue: bool,
    pub reason: String,
    pub requested_by: String,
    pub created_at: i64,
    /// "approved by 冯监督: new deadline 2026-07-01 (同意)"; empty while pending.
    pub decision: String,
}

fn request_line(lang: Lang, r: &NodeRequestView) -> RequestLine {
    let timing = if !r.is_pending() {
        String::new()
    } else if r.is_unlock() {
        tf(lang, "unlock.days_overdue", &[&r.days_overdue])
    } else {
        tf(lang, "unlock.days_left", &[&r.days_left])
    };
    let decision = match r.status {
        RequestStatus::Pending => String::new(),
        status => {
            let who = r.decided_by_name.clone().unwrap_or_default();
            let mut s = format!("{} · {who}", status.in_lang(lang));
            if let Some(d) = &r.new_due_on {
                s.push_str(&format!(" · {}", tf(lang, "unlock.new_due", &[d])));
            }
            if let Some(why) = r.decision_reason.as_deref().filter(|w| !w.is_empty()) {
                s.push_str(&format!(" · {why}"));
            }
            s
        }
    };
    RequestLine {
        id: r.id,
        case_id: r.case_id,
        case_number: r.case_number.clone(),
        court_name: r.court_name.clone(),
        kind_key: r.kind.key(),
        kind: r.kind.in_lang(lang),
        status_key: r.status.key(),
        status: r.status.in_lang(lang),
        pending: r.is_pending(),
        is_unlock: r.is_unlock(),
        level: r.level.in_lang(lang),
        node_name: pick(lang, &r.node_name_zh, &r.node_name_en),
        node_due_on: r.node_due_on.clone(),
        timing,
        overdue: r.is_pending() && r.is_unlock(),
        reason: r.reason.clone(),
        requested_by: r.requested_by_name.clone(),
        created_at: r.created_at,
        decision,
    }
}

/// The extension the viewer may ask for, in the page's language.
#[derive(Debug, Clone)]
pub struct ExtensionLine {
    /// "执行期限（结案）：现期限 2026-05-30，可延长 3 个月，由本院院长审批；最迟于 2026-05-25 申请"
    pub text: String,
}

/// What the case page shows about the lock and the requests.
#[derive(Debug, Clone)]
pub struct NodeRequestsPanel {
    pub case_id: i64,
    pub locked: bool,
    /// Why the case is locked, what it still accepts and how to unlock.
    pub lock_message: String,
    pub may_request_unlock: bool,
    /// "中级人民法院" — who decides the unlock.
    pub unlock_level: String,
    pub extension: Option<ExtensionLine>,
    pub requests: Vec<RequestLine>,
}

/// The panel for a case's page, in `lang`.
pub fn panel(lang: Lang, v: &CaseRequestsView) -> NodeRequestsPanel {
    let lock_message = match lang {
        Lang::Zh => v.lock_message_zh.clone(),
        Lang::En => v.lock_message_en.clone(),
    }
    .unwrap_or_default();
    NodeRequestsPanel {
        case_id: v.case_id,
        locked: v.locked,
        lock_message,
        may_request_unlock: v.may_request_unlock,
        unlock_level: v
            .unlock_level
            .map(|l| l.in_lang(lang).to_string())
            .unwrap_or_default(),
        extension: v.extension.as_ref().map(|x| ExtensionLine {
            text: match lang {
                Lang::Zh => format!(
                    "{}：现期限 {}，可延长 {} 个月，由{}审批；最迟于 {} 申请",
                    x.node_name_zh,
                    x.due_on,
                    x.months,
                    x.level.name_zh(),
                    x.last_day
                ),
                Lang::En => format!(
                    "{}: due {}; {} more months may be asked for, decided by {}; ask by {}",
                    x.node_name_en,
                    x.due_on,
                    x.months,
                    x.level.name_en(),
                    x.last_day
                ),
            },
        }),
        requests: v.requests.iter().map(|r| request_line(lang, r)).collect(),
    }
}

/// Reads the case's lock and requests for the actor and builds the panel.
pub async fn requests_panel(
    app: &App,
    actor: &Actor,
    case_id: i64,
    lang: Lang,
) -> Result<NodeRequestsPanel, AppError> {
    Ok(panel(lang, &app.case_node_requests(actor, case_id).await?))
}

// ---------------------------------------------------------------------------------------------
// Approvals page
// ---------------------------------------------------------------------------------------------

/// The requests the signed-in approver decides.
#[derive(Template, Debug, Clone)]
#[template(path = "approvals.html")]
pub struct ApprovalsPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    /// `pending`, `approved`, `refused` or `all`.
    pub status: String,
    pub rows: Vec<RequestLine>,
    /// The earliest new deadline an approval accepts (tomorrow), for the date inputs.
    pub min_due: String,
    /// A suggestion for the new deadline (30 days from today).
    pub suggested_due: String,
    pub notice: Option<String>,
}

staff_page!(
    ApprovalsPage,
    section = "approvals",
    home = true,
    back = |p| format!("/approvals?status={}", p.status)
);

#[derive(Deserialize, Default)]
pub struct ApprovalsQuery {
    status: Option<String>,
    done: Option<String>,
}

/// `pending` (default), `approved`, `refused` or `all` (`None`).
fn status_filter(raw: Option<&str>) -> Result<Option<RequestStatus>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Some(RequestStatus::Pending)),
        Some("all") => Ok(None),
        Some(s) => RequestStatus::from_key(s).map(Some).ok_or_else(|| {
            AppError::invalid(
                "node_request.status_invalid",
                format!("未知的申请状态“{s}”，可用 pending、approved、refused、all"),
                format!("unknown request status \"{s}\"; use pending, approved, refused or all"),
            )
        }),
    }
}

async fn approvals_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<ApprovalsQuery>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let status = match status_filter(q.status.as_deref()) {
        Ok(st) => st,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let rows = match app.node_requests_to_decide(actor, status).await {
        Ok(rows) => rows,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let today = zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis());
    let notice = match q.done.as_deref() {
        Some("approved") => Some(t(lang, "approvals.done_approved").to_string()),
        Some("refused") => Some(t(lang, "approvals.done_refused").to_string()),
        _ => None,
    };
    let p = ApprovalsPage {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        status: status.map_or("all", |s| s.key()).to_string(),
        rows: rows.iter().map(|r| request_line(lang, r)).collect(),
        min_due: (today + chrono::Duration::days(1)).to_string(),
        suggested_due: (today + chrono::Duration::days(30)).to_string(),
        notice,
    };
    html(StatusCode::OK, render_page(&p))
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Posts a request from the case page and goes back to its panel.
async fn request_form(
    app: App,
    s: PageSession,
    cmd: Command,
    csrf: &str,
    case_id: i64,
) -> Response {
    let to = format!("/cases/{case_id}#node-requests");
    form_command(&app, &s, csrf, Ok(cmd), &to).await
}

async fn unlock_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> Response {
    let cmd = Command::RequestUnlock {
        case_id: id,
        reason: f.reason,
    };
    request_form(app, s, cmd, &f.csrf, id).await
}

async fn extension_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<RequestForm>,
) -> Response {
    let cmd = Command::RequestExtension {
        case_id: id,
        reason: f.reason,
    };
    request_form(app, s, cmd, &f.csrf, id).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    /// `approve` or `refuse`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    new_due_on: String,
}

/// A date field: empty is `None`; anything but YYYY-MM-DD is refused.
fn parse_date(raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            AppError::invalid(
                "node_request.date_invalid",
                format!("日期“{raw}”格式不对，请写作 2026-07-01"),
                format!("the date \"{raw}\" is not a date such as 2026-07-01"),
            )
        })
}

fn decision_of(raw: &str) -> Result<bool, AppError> {
    match raw {
        "approve" => Ok(true),
        "refuse" => Ok(false),
        other => Err(AppError::invalid(
            "node_request.decision_invalid",
            format!("未知的审批结果“{other}”"),
            format!("unknown decision \"{other}\"; use approve or refuse"),
        )),
    }
}

async fn decision_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let parsed = decision_of(f.decision.as_str())
        .and_then(|approve| parse_date(&f.new_due_on).map(|d| (approve, d)));
    let done = match parsed {
        Ok((true, _)) => "approved",
        _ => "refused",
    };
    let cmd = parsed.map(|(approve, new_due_on)| Command::DecideNodeRequest {
        request_id: id,
        approve,
        reason: f.reason,
        new_due_on,
    });
    form_command(&app, &s, &f.csrf, cmd, &format!("/approvals?done={done}")).await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// An unlock or extension request.
#[derive(Deserialize, ToSchema)]
pub struct NodeRequestCreate {
    /// Why (申请理由); required, at most 500 characters.
    #[serde(default)]
    pub reason: String,
}

/// A decision on a request.
#[derive(Deserialize, ToSchema)]
pub struct NodeRequestDecisionDoc {
    pub approve: bool,
    /// Required to refuse; optional to approve.
    #[serde(default)]
    pub reason: String,
    /// Approving an unlock: the node's new deadline, YYYY-MM-DD, after today. Ignored for an
    /// extension (its date follows from the rule: three more months).
    pub new_due_on: Option<String>,
}

/// A request and its decision.
#[derive(Serialize, ToSchema)]
pub struct NodeRequestDoc {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_name: String,
    /// `unlock` or `extension`.
    pub kind: String,
    pub kind_zh: String,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    pub status_zh: String,
    /// Who decides: `bureau_chief`, `president`, `intermediate_court` or `high_court`.
    pub level: String,
    pub level_zh: String,
    pub approver_court_id: i64,
    /// The process node, e.g. `conclude_case`.
    pub node_key: String,
    pub node_name_zh: String,
    pub node_name_en: String,
    /// The node's due date now, YYYY-MM-DD.
    pub node_due_on: String,
    /// The node's due date when the request was made.
    pub requested_due_on: Option<String>,
    /// A pending unlock: days the node is overdue today.
    pub days_overdue: i64,
    /// A pending extension: days left before the node is due.
    pub days_left: i64,
    pub requested_months: Option<i64>,
    pub reason: String,
    pub requested_by: String,
    /// UTC milliseconds.
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    /// After an approval: the node's new due date.
    pub new_due_on: Option<String>,
    pub decided_at: Option<i64>,
}

impl From<NodeRequestView> for NodeRequestDoc {
    fn from(r: NodeRequestView) -> Self {
        NodeRequestDoc {
            id: r.id,
            case_id: r.case_id,
            case_number: r.case_number,
            court_name: r.court_name,
            kind: r.kind.key().into(),
            kind_zh: r.kind.name_zh().into(),
            status: r.status.key().into(),
            status_zh: r.status.name_zh().into(),
            level: r.level.key().into(),
            level_zh: r.level.name_zh().into(),
            approver_court_id: r.approver_court_id,
            node_key: r.node_key,
            node_name_zh: r.node_name_zh,
            node_name_en: r.node_name_en,
            node_due_on: r.node_due_on,
            requested_due_on: r.requested_due_on,
            days_overdue: r.days_overdue,
            days_left: r.days_left,
            requested_months: r.requested_months,
            reason: r.reason,
            requested_by: r.requested_by_name,
            created_at: r.created_at,
            decided_by: r.decided_by_name,
            decision_reason: r.decision_reason,
            new_due_on: r.new_due_on,
            decided_at: r.decided_at,
        }
    }
}

/// Requests to decide.
#[derive(Serialize, ToSchema)]
pub struct NodeRequestList {
    pub items: Vec<NodeRequestDoc>,
}

async fn created(app: &App, actor: &Actor, cmd: Command) -> Response {
    let id = match app.execute(actor, cmd).await {
        Ok(o) => o.id.unwrap_or_default(),
        Err(e) => return problem(&e),
    };
    match app.node_request(actor, id).await {
        Ok(r) => (StatusCode::CREATED, Json(NodeRequestDoc::from(r))).into_response(),
        Err(e) => problem(&e),
    }
}

/// Asks for the unlock of a case an overdue process node locked (解锁申请): the case's officer,
/// or a judge or team leader of its court. The node's unlock level decides (the bureau chief,
/// or the supervisor of the intermediate or high court above); they are notified.
#[utoipa::path(post, path = "/api/v1/cases/{id}/unlock-requests", request_body = NodeRequestCreate,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 201, body = NodeRequestDoc), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_unlock(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<NodeRequestCreate>,
) -> Response {
    let cmd = Command::RequestUnlock {
        case_id: id,
        reason: req.reason,
    };
    created(&app, &s.session.actor, cmd).await
}

/// Asks for three more months on the six-month limit (延长执行期限, SPC 2006 art. 1), at least
/// 5 days before it ends: the court's president decides the first extension, the high court
/// any further one.
#[utoipa::path(post, path = "/api/v1/cases/{id}/extension-requests", request_body = NodeRequestCreate,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 201, body = NodeRequestDoc), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_extension(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<NodeRequestCreate>,
) -> Response {
    let cmd = Command::RequestExtension {
        case_id: id,
        reason: req.reason,
    };
    created(&app, &s.session.actor, cmd).await
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

/// The requests the caller decides (bureau chiefs, presidents and supervisors: their level at
/// their court, for supervisors from the courts below), pending ones oldest first.
#[utoipa::path(get, path = "/api/v1/node-requests",
    params(("status" = Option<String>, Query, description = "pending (default), approved, refused or all")),
    responses((status = 200, body = NodeRequestList), (status = 403, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_list(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<ListQuery>,
) -> Response {
    let status = match status_filter(q.status.as_deref()) {
        Ok(st) => st,
        Err(e) => return problem(&e),
    };
    match app.node_requests_to_decide(&s.session.actor, status).await {
        Ok(rows) => Json(NodeRequestList {
            items: rows.into_iter().map(NodeRequestDoc::from).collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// Decides a request. Only the request's level at its approving court decides; a refusal
/// needs a reason; an approved unlock needs `new_due_on` after today and unlocks the case, the
/// node running to the new deadline; an approved extension adds three months.
#[utoipa::path(post, path = "/api/v1/node-requests/{id}/decision", request_body = NodeRequestDecisionDoc,
    params(("id" = i64, Path, description = "request id")),
    responses((status = 200, body = NodeRequestDoc), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_decide(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<NodeRequestDecisionDoc>,
) -> Response {
    let new_due_on = match parse_date(req.new_due_on.as_deref().unwrap_or("")) {
        Ok(d) => d,
        Err(e) => return problem(&e),
    };
    let actor = &s.session.actor;
    let cmd = Command::DecideNodeRequest {
        request_id: id,
        approve: req.approve,
        reason: req.reason,
        new_due_on,
    };
    if let Err(e) = app.execute(actor, cmd).await {
        return problem(&e);
    }
    match app.node_request(actor, id).await {
        Ok(r) => Json(NodeRequestDoc::from(r)).into_response(),
        Err(e) => problem(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(kind: RequestKind, status: RequestStatus) -> NodeRequestView {
        NodeRequestView {
            id: 7,
            case_id: 42,
            case_number: "（2025）豫0883执12号".into(),
            court_name: "孟州市人民法院".into(),
            kind,
            status,
            level: DecisionLevel::IntermediateCourt,
            approver_court_id: 2,
            node_key: "conclude_case".into(),
            node_name_zh: "执行期限（结案）".into(),
            node_name_en: "Conclude the case".into(),
            node_due_on: "2026-05-30".into(),
            requested_due_on: Some("2026-05-30".into()),
            days_overdue: 4,
            days_left: 12,
            requested_months: None,
            reason: "拍卖中".into(),
            requested_by_name: "李执行".into(),
            created_at: 0,
            decided_by_name: Some("冯监督".into()),
            decision_reason: Some("同意".into()),
            new_due_on: Some("2026-07-01".into()),
            decided_at: Some(1),
        }
    }

    #[test]
    fn lines_read_in_the_page_language() {
        let p = request_line(Lang::Zh, &view(RequestKind::Unlock, RequestStatus::Pending));
        assert_eq!(p.kind, "解锁申请");
        assert_eq!(p.level, "中级人民法院");
        assert_eq!(p.timing, "已超期 4 日");
        assert!(p.decision.is_empty() && p.pending && p.overdue);
        let d = request_line(
            Lang::En,
            &view(RequestKind::Unlock, RequestStatus::Approved),
        );
        assert_eq!(d.node_name, "Conclude the case");
        assert_eq!(
            d.decision,
            "Approved · 冯监督 · new deadline 2026-07-01 · 同意"
        );
        assert!(d.timing.is_empty());
        let x = request_line(
            Lang::Zh,
            &view(RequestKind::Extension, RequestStatus::Pending),
        );
        assert_eq!(x.timing, "距期限届满 12 日");
    }

    #[test]
    fn dates_decisions_and_statuses_parse() {
        assert_eq!(parse_date(" ").unwrap(), None);
        assert_eq!(
            parse_date("2026-07-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 7, 1)
        );
        assert_eq!(
            parse_date("7/1").unwrap_err().code(),
            "node_request.date_invalid"
        );
        assert!(decision_of("approve").unwrap());
        assert!(!decision_of("refuse").unwrap());
        assert!(decision_of("maybe").is_err());
        assert_eq!(status_filter(None).unwrap(), Some(RequestStatus::Pending));
        assert_eq!(status_filter(Some("all")).unwrap(), None);
        assert_eq!(
            status_filter(Some("refused")).unwrap(),
            Some(RequestStatus::Refused)
        );
        assert!(status_filter(Some("x")).is_err());
    }
}
