//! The case page's process nodes (流程节点) and suspension (中止) / resumption: the panel's data
//! (`nodes_panel`, rendered by `templates/case_nodes.html` inside the case page), the forms
//! `POST /cases/{id}/suspend` and `POST /cases/{id}/resume`, and their API twins
//! `POST /api/v1/cases/{id}/suspend|resume` with `GET /api/v1/cases/{id}/nodes`. No rule here:
//! who may act and what suspension does are the app's (`allowed_roles`, the pipeline).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::case_nodes::{CaseNodeItem, CaseNodes};
use zhixing_app::commands::Command;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::node::{NodeStatus, UnlockLevel};

use crate::api::problem;
use crate::i18n::{t, tf, Lang};
use crate::pages::Label;
use crate::session::{ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::form_command;
use crate::staffing::{run_case, CaseVersion};

/// The pages' and the API's routes, with their full paths.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/suspend", post(suspend_post))
        .route("/cases/{id}/resume", post(resume_post))
        .route("/api/v1/cases/{id}/suspend", post(api_suspend))
        .route("/api/v1/cases/{id}/resume", post(api_resume))
        .route("/api/v1/cases/{id}/nodes", get(api_nodes))
}

impl Label for NodeStatus {
    fn zh(self) -> &'static str {
        self.name_zh()
    }
    fn en(self) -> &'static str {
        self.name_en()
    }
}

impl Label for UnlockLevel {
    fn zh(self) -> &'static str {
        self.name_zh()
    }
    fn en(self) -> &'static str {
        self.name_en()
    }
}

// ---------------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------------

/// One node line, in the page's language.
#[derive(Debug, Clone)]
pub struct NodeLine {
    pub key: String,
    pub name: String,
    /// `running`, `warning`, `overdue`, `paused`, `completed` or `cancelled` (the CSS class).
    pub status_key: &'static str,
    pub status: &'static str,
    pub started_on: String,
    pub due_on: String,
    /// Days left, days overdue, or empty when the node is not running.
    pub remaining: String,
    pub overdue: bool,
    /// Suspended days deducted so far, and a running suspension's days; empty when none.
    pub paused: String,
    /// Completed (or cancelled) on; empty while open.
    pub finished: String,
    /// Whether overdue locks the case and who unlocks it; empty when it does not lock.
    pub lock: String,
}

/// The current suspension, in the page's language.
#[derive(Debug, Clone)]
pub struct SuspensionLine {
    /// UTC milliseconds.
    pub since: i64,
    pub reason: String,
    pub by: String,
}

/// What the case page's process-node panel shows and which suspension form it offers.
#[derive(Debug, Clone)]
pub struct NodesPanel {
    pub case_id: i64,
    pub version: i64,
    /// The Beijing date the figures are for.
    pub today: String,
    pub suspended: bool,
    pub suspension: Option<SuspensionLine>,
    pub may_suspend: bool,
    pub may_resume: bool,
    pub rows: Vec<NodeLine>,
}

fn name_in(lang: Lang, n: &CaseNodeItem) -> String {
    match lang {
        Lang::Zh => n.name_zh.clone(),
        Lang::En => n.name_en.clone(),
    }
}

fn line(lang: Lang, n: &CaseNodeItem) -> NodeLine {
    let remaining = match (n.days_left, n.days_overdue) {
        (Some(0), _) => t(lang, "nodes.due_today").to_string(),
        (Some(d), _) => tf(lang, "nodes.days_left", &[&d]),
        (None, Some(d)) => tf(lang, "nodes.days_overdue", &[&d]),
        (None, None) => String::new(),
    };
    let mut paused = Vec::new();
    if n.paused_days > 0 {
        paused.push(tf(lang, "nodes.paused_deducted", &[&n.paused_days]));
    }
    if let (Some(since), Some(days)) = (n.paused_since, n.pausing_days) {
        paused.push(tf(lang, "nodes.pausing", &[&since, &days]));
    }
    let finished = match (n.completed_on, n.cancelled_on) {
        (Some(d), _) if n.completed_late => tf(lang, "nodes.completed_late", &[&d]),
        (Some(d), _) => d.to_string(),
        (None, Some(d)) => tf(lang, "nodes.cancelled_on", &[&d]),
        (None, None) => String::new(),
    };
    let lock = match n.unlock_level {
        Some(level) if n.lock_on_overdue => tf(lang, "nodes.locks", &[&level.in_lang(lang)]),
        _ => String::new(),
    };
    NodeLine {
        key: n.key.clone(),
        name: name_in(lang, n),
        status_key: n.status.key(),
        status: n.status.in_lang(lang),
        started_on: n.started_on.to_string(),
        due_on: n.due_on.to_string(),
        remaining,
        overdue: n.days_overdue.is_some(),
        paused: paused.join(lang_sep(lang)),
        finished,
        lock,
    }
}

fn lang_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    }
}

/// The panel for a case's page, in `lang`.
pub fn panel(lang: Lang, v: &CaseNodes) -> NodesPanel {
    NodesPanel {
        case_id: v.case_id,
        version: v.version,
        today: v.today.to_string(),
        suspended: v.suspended,
        suspension: v.suspension.as_ref().map(|s| SuspensionLine {
            since: s.since,
            reason: s.reason.clone(),
            by: s.by.clone(),
        }),
        may_suspend: v.may_suspend,
        may_resume: v.may_resume,
        rows: v.nodes.iter().map(|n| line(lang, n)).collect(),
    }
}

/// Reads the case's nodes for the actor and builds the panel.
pub async fn nodes_panel(
    app: &App,
    actor: &Actor,
    case_id: i64,
    lang: Lang,
) -> Result<NodesPanel, AppError> {
    Ok(panel(lang, &app.case_nodes(actor, case_id).await?))
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct CaseActionForm {
    #[serde(default)]
    csrf: String,
    version: Option<i64>,
    #[serde(default)]
    reason: String,
}

fn version_missing() -> AppError {
    AppError::invalid(
        "request.field_missing",
        "页面缺少案件版本，请刷新后重试",
        "the form has no case version; reload the page and try again",
    )
}

async fn case_form(
    app: App,
    s: PageSession,
    id: i64,
    f: CaseActionForm,
    suspend: bool,
) -> Response {
    let action = if suspend {
        CaseAction::Suspend { reason: f.reason }
    } else {
        CaseAction::Resume
    };
    let cmd = f
        .version
        .map(|version| Command::Case {
            case_id: id,
            version,
            action,
        })
        .ok_or_else(version_missing);
    form_command(&app, &s, &f.csrf, cmd, &format!("/cases/{id}")).await
}

async fn suspend_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<CaseActionForm>,
) -> Response {
    case_form(app, s, id, f, true).await
}

async fn resume_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<CaseActionForm>,
) -> Response {
    case_form(app, s, id, f, false).await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub struct SuspendRequest {
    /// The case version last read (GET /api/v1/cases/{id}); a stale one answers 409.
    pub version: i64,
    /// Why enforcement is suspended (中止事由); required.
    #[serde(default)]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ResumeRequest {
    pub version: i64,
}

/// One process node of a case.
#[derive(Serialize, ToSchema)]
pub struct NodeDoc {
    /// Stable node key, e.g. `conclude_case`.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// As of `today`: running, warning, overdue, paused, completed or cancelled.
    pub status: String,
    pub status_zh: String,
    /// YYYY-MM-DD (Beijing dates throughout).
    pub started_on: String,
    /// The last day to complete the node; overdue from the day after.
    pub due_on: String,
    pub warn_on: String,
    /// Running: days until the due date (0 on it).
    pub days_left: Option<i64>,
    /// Overdue: days past the due date.
    pub days_overdue: Option<i64>,
    /// Suspended calendar days already deducted into `due_on`.
    pub paused_days: u32,
    /// Paused: the day the suspension began.
    pub paused_since: Option<String>,
    pub completed_on: Option<String>,
    pub completed_late: bool,
    pub cancelled_on: Option<String>,
    /// Whether the case is locked when this node is overdue.
    pub lock_on_overdue: bool,
    /// Who unlocks it then: bureau_chief, intermediate_court or high_court.
    pub unlock_level: Option<String>,
    pub pauses_on_suspension: bool,
}

/// The current suspension.
#[derive(Serialize, ToSchema)]
pub struct SuspensionDoc {
    /// UTC milliseconds.
    pub since: i64,
    pub reason: String,
    pub by: String,
}

/// A case's process nodes and suspension state.
#[derive(Serialize, ToSchema)]
pub struct CaseNodesDoc {
    pub case_id: i64,
    pub version: i64,
    /// The Beijing date the figures are computed for, YYYY-MM-DD.
    pub today: String,
    pub suspended: bool,
    pub locked: bool,
    pub suspension: Option<SuspensionDoc>,
    /// Whether the caller may suspend or resume the case now.
    pub may_suspend: bool,
    pub may_resume: bool,
    pub nodes: Vec<NodeDoc>,
}

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn nodes_doc(v: CaseNodes) -> CaseNodesDoc {
    CaseNodesDoc {
        case_id: v.case_id,
        version: v.version,
        today: v.today.to_string(),
        suspended: v.suspended,
        locked: v.locked,
        suspension: v.suspension.map(|s| SuspensionDoc {
            since: s.since,
            reason: s.reason,
            by: s.by,
        }),
        may_suspend: v.may_suspend,
        may_resume: v.may_resume,
        nodes: v
            .nodes
            .into_iter()
            .map(|n| NodeDoc {
                status: n.status.key().into(),
                status_zh: n.status.name_zh().into(),
                started_on: n.started_on.to_string(),
                due_on: n.due_on.to_string(),
                warn_on: n.warn_on.to_string(),
                days_left: n.days_left,
                days_overdue: n.days_overdue,
                paused_days: n.paused_days,
                paused_since: day(n.paused_since),
                completed_on: day(n.completed_on),
                completed_late: n.completed_late,
                cancelled_on: day(n.cancelled_on),
                lock_on_overdue: n.lock_on_overdue,
                unlock_level: n.unlock_level.map(|l| l.key().into()),
                pauses_on_suspension: n.pauses_on_suspension,
                key: n.key,
                name_zh: n.name_zh,
                name_en: n.name_en,
            })
            .collect(),
    }
}

/// A case's process nodes (流程节点) as of today's Beijing date, and its suspension state.
#[utoipa::path(get, path = "/api/v1/cases/{id}/nodes",
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseNodesDoc), (status = 401, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_nodes(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_nodes(&s.session.actor, id).await {
        Ok(v) => Json(nodes_doc(v)).into_response(),
        Err(e) => problem(&e),
    }
}

/// Suspends enforcement (中止执行), with the reason; judges and bureau chiefs of the case's
/// court. The process nodes that pause on suspension stop counting until resumption.
#[utoipa::path(post, path = "/api/v1/cases/{id}/suspend", request_body = SuspendRequest,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseVersion), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_suspend(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SuspendRequest>,
) -> Response {
    let action = CaseAction::Suspend { reason: req.reason };
    run_case(&app, &s, id, req.version, action).await
}

/// Resumes a suspended case (恢复执行); the days suspended are deducted from the paused nodes'
/// periods (their due dates move on).
#[utoipa::path(post, path = "/api/v1/cases/{id}/resume", request_body = ResumeRequest,
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseVersion), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_resume(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ResumeRequest>,
) -> Response {
    run_case(&app, &s, id, req.version, CaseAction::Resume).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhixing_app::case_nodes::Suspension;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn item(key: &str, status: NodeStatus) -> CaseNodeItem {
        CaseNodeItem {
            key: key.into(),
            name_zh: "执行期限（结案）".into(),
            name_en: "Conclude the case".into(),
            status,
            started_on: d("2025-03-03"),
            due_on: d("2025-09-03"),
            warn_on: d("2025-08-19"),
            days_left: None,
            days_overdue: None,
            paused_days: 0,
            paused_since: None,
            pausing_days: None,
            completed_on: None,
            completed_late: false,
            cancelled_on: None,
            lock_on_overdue: true,
            unlock_level: Some(UnlockLevel::IntermediateCourt),
            pauses_on_suspension: true,
        }
    }

    fn view() -> CaseNodes {
        CaseNodes {
            case_id: 7,
            version: 4,
            today: d("2025-06-01"),
            suspended: true,
            locked: false,
            suspension: Some(Suspension {
                since: 1_748_736_000_000,
                reason: "被执行人<破产>".into(),
                by: "王局长".into(),
            }),
            may_suspend: false,
            may_resume: true,
            nodes: vec![
                CaseNodeItem {
                    days_left: Some(12),
                    paused_days: 30,
                    ..item("conclude_case", NodeStatus::Running)
                },
                CaseNodeItem {
                    days_overdue: Some(3),
                    lock_on_overdue: false,
                    unlock_level: None,
                    ..item("issue_notice", NodeStatus::Overdue)
                },
                CaseNodeItem {
                    paused_since: Some(d("2025-05-20")),
                    pausing_days: Some(12),
                    ..item("network_inquiry", NodeStatus::Paused)
                },
                CaseNodeItem {
                    completed_on: Some(d("2025-09-10")),
                    completed_late: true,
                    ..item("assign_officer", NodeStatus::Completed)
                },
                CaseNodeItem {
                    days_left: Some(0),
                    cancelled_on: Some(d("2025-05-01")),
                    ..item("archive_case", NodeStatus::Cancelled)
                },
            ],
        }
    }

    #[test]
    fn every_text_of_the_panel_is_in_the_dictionary() {
        for lang in [Lang::Zh, Lang::En] {
            let p = panel(lang, &view());
            for l in &p.rows {
                for text in [&l.remaining, &l.paused, &l.finished, &l.lock] {
                    assert!(!text.contains(crate::i18n::MISSING), "{lang:?}: {text}");
                    assert!(!text.contains("{}"), "{lang:?}: {text}");
                }
            }
        }
        let p = panel(Lang::Zh, &view());
        assert_eq!(p.rows[0].remaining, "剩余 12 日");
        assert!(p.rows[0].paused.contains("30"));
        assert!(p.rows[0].lock.contains("中级人民法院"));
        assert_eq!(p.rows[1].remaining, "超期 3 日");
        assert!(p.rows[1].overdue);
        assert!(p.rows[1].lock.is_empty());
        assert!(
            p.rows[2].paused.contains("2025-05-20"),
            "{}",
            p.rows[2].paused
        );
        assert!(p.rows[3].finished.contains("2025-09-10"));
        assert_eq!(p.rows[4].remaining, "今日到期");
        assert!(p.rows[4].finished.contains("2025-05-01"));
        assert_eq!(p.rows[2].status, "中止暂停");
        let en = panel(Lang::En, &view());
        assert_eq!(en.rows[0].name, "Conclude the case");
        assert_eq!(en.rows[0].remaining, "12 day(s) left");
    }
}
