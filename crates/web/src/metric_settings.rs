//! A court's metric definitions (指标口径, the setting `metric_definitions`): how the court
//! counts its quality figures — which case types, what the closure rate divides by, which
//! closings with money count as actual enforcement, whether suspension is deducted, when a
//! pending case is old, and what each kind of team is assessed on.
//! - `GET /admin/metrics`, `POST /admin/metrics` — the administrator's form;
//! - `GET /api/v1/metrics/definitions?court=` (any member of staff who can see the court),
//!   `PUT /api/v1/metrics/definitions` (the court's administrator).
//!
//! No rule here: the definitions are checked by `zhixing_domain::metrics::Definitions`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::metrics::METRICS_SETTING;
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::case::{CaseType, ClosingMode};
use zhixing_domain::metrics::{ClosureBase, Definitions, Metric};
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;

use crate::api::problem;
use crate::i18n::{msg, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/metrics", get(page).post(save))
        .route("/api/v1/metrics/definitions", get(api_get).put(api_put))
}

/// The team kinds whose assessment a court sets.
const KINDS: [TeamKind; 3] = [TeamKind::Fast, TeamKind::Ordinary, TeamKind::Special];

fn administrator(actor: &Actor) -> Result<(), AppError> {
    if actor.role != Role::Administrator {
        return Err(AppError::forbidden(
            "只有管理员可以设置质效指标口径",
            "only an administrator sets the metric definitions",
        ));
    }
    Ok(())
}

async fn load(app: &App, court_id: i64) -> Result<(Definitions, i64), AppError> {
    let version = app
        .store
        .court_setting(court_id, METRICS_SETTING)
        .await?
        .map_or(0, |(_, v)| v);
    Ok((app.metric_definitions(court_id).await?, version))
}

pub struct Check {
    pub name: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct KindChoices {
    pub kind: String,
    pub label: String,
    pub metrics: Vec<Check>,
}

pub struct DefinitionLine {
    pub name: String,
    pub definition: String,
}

#[derive(Template)]
#[template(path = "admin_metrics.html")]
pub struct SettingsHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub version: i64,
    pub saved: bool,
    pub case_types: Vec<Check>,
    pub base_received: bool,
    pub paid_modes: Vec<Check>,
    pub deduct_suspension: bool,
    pub old_months: u32,
    pub kinds: Vec<KindChoices>,
    /// Each metric's definition as the current setting makes it.
    pub lines: Vec<DefinitionLine>,
}

staff_page!(
    SettingsHtml,
    section = "metric_settings",
    home = true,
    back = "/admin/metrics"
);

fn settings_html(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    d: &Definitions,
    version: i64,
    saved: bool,
) -> SettingsHtml {
    SettingsHtml {
        lang,
        user,
        csrf,
        version,
        saved,
        case_types: CaseType::ALL
            .iter()
            .map(|t| Check {
                name: "case_type".into(),
                value: t.key().into(),
                label: msg(
                    lang,
                    format!("{}（{}）", t.name_zh(), t.code()),
                    format!("{} ({})", t.name_en(), t.code()),
                ),
                checked: d.case_types.contains(t),
            })
            .collect(),
        base_received: d.closure_base == ClosureBase::Received,
        paid_modes: [ClosingMode::Terminated, ClosingMode::Dormant]
            .iter()
            .map(|m| Check {
                name: "paid_mode".into(),
                value: m.key().into(),
                label: msg(lang, m.name_zh(), m.name_en()),
                checked: d.paid_modes.contains(m),
            })
            .collect(),
        deduct_suspension: d.deduct_suspension,
        old_months: d.old_pending_months,
        kinds: KINDS
            .iter()
            .map(|k| {
                let on = d.assessed_on(*k);
                KindChoices {
                    kind: k.key().into(),
                    label: msg(lang, k.name_zh(), k.name_en()),
                    metrics: Metric::ALL
                        .iter()
                        .filter(|m| m.rankable())
                        .map(|m| Check {
                            name: format!("assess_{}", k.key()),
                            value: m.key().into(),
                            label: msg(lang, m.name_zh(), m.name_en()),
                            checked: on.contains(m),
                        })
                        .collect(),
                }
            })
            .collect(),
        lines: Metric::ALL
            .iter()
            .map(|m| DefinitionLine {
                name: msg(lang, m.name_zh(), m.name_en()),
                definition: msg(lang, m.definition_zh(d), m.definition_en(d)),
            })
            .collect(),
    }
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn page(State(app): State<App>, s: PageSession, Query(q): Query<SavedQuery>) -> Response {
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        administrator(actor)?;
        load(&app, actor.court_id).await
    }
    .await;
    match result {
        Ok((d, version)) => Html(render_page(&settings_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &d,
            version,
            q.saved.is_some(),
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

/// The setting document a form's fields make (checkboxes repeat their name).
fn from_form(f: &[(String, String)]) -> Result<(String, i64), AppError> {
    let all = |name: &str| -> Vec<String> {
        f.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let one = |name: &str| all(name).into_iter().next().unwrap_or_default();
    let version = one("version").parse().map_err(|_| {
        AppError::invalid(
            "metrics.version_missing",
            "表单缺少版本号，请刷新后重试",
            "the form has no version; reload and try again",
        )
    })?;
    let months: u32 = one("old_pending_months").parse().map_err(|_| {
        AppError::invalid(
            "metrics.old_months_invalid",
            "长期未结的月数须为 1 至 60 的整数",
            "the months after which a pending case counts as old must be a whole number 1–60",
        )
    })?;
    let mut assessment = serde_json::Map::new();
    for k in KINDS {
        assessment.insert(
            k.key().into(),
            serde_json::Value::from(all(&format!("assess_{}", k.key()))),
        );
    }
    let value = serde_json::json!({
        "case_types": all("case_type"),
        "closure_base": if one("closure_base") == "received" { "received" } else { "pending_and_received" },
        "paid_modes": all("paid_mode"),
        "deduct_suspension": one("deduct_suspension") == "1",
        "old_pending_months": months,
        "assessment": assessment,
    });
    Ok((value.to_string(), version))
}

async fn save(
    State(app): State<App>,
    s: PageSession,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let csrf = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    if !same_secret(&s.session.csrf, csrf) {
        return error_page(s.lang, &expired(), Some(user));
    }
    let result = async {
        administrator(actor)?;
        let (value, version) = from_form(&f)?;
        app.execute(
            actor,
            Command::SaveSetting {
                court_id: actor.court_id,
                key: METRICS_SETTING.into(),
                value,
                expected_version: version,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/admin/metrics?saved=1").into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// A court's metric definitions, with each metric's definition as they make it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ApiDefinitions {
    /// Case type keys counted (`first`, `restored`, `preservation`, …).
    pub case_types: Vec<String>,
    /// `pending_and_received` or `received`.
    pub closure_base: String,
    /// Closing modes (`terminated`, `dormant`) counted as actual enforcement with money.
    pub paid_modes: Vec<String>,
    pub deduct_suspension: bool,
    pub old_pending_months: u32,
    /// Team kind key → metric keys it is assessed on.
    pub assessment: std::collections::BTreeMap<String, Vec<String>>,
    /// The setting's version (0 when never saved); send it back with a change.
    pub version: i64,
    /// Metric key → definition in Chinese (read only).
    #[serde(default)]
    pub definitions_zh: std::collections::BTreeMap<String, String>,
}

fn api_of(d: &Definitions, version: i64) -> ApiDefinitions {
    ApiDefinitions {
        case_types: d.case_types.iter().map(|t| t.key().to_string()).collect(),
        closure_base: match d.closure_base {
            ClosureBase::PendingAndReceived => "pending_and_received",
            ClosureBase::Received => "received",
        }
        .into(),
        paid_modes: d.paid_modes.iter().map(|m| m.key().to_string()).collect(),
        deduct_suspension: d.deduct_suspension,
        old_pending_months: d.old_pending_months,
        assessment: d
            .assessment
            .iter()
            .map(|(k, ms)| {
                (
                    k.key().to_string(),
                    ms.iter().map(|m| m.key().to_string()).collect(),
                )
            })
            .collect(),
        version,
        definitions_zh: Metric::ALL
            .iter()
            .map(|m| (m.key().to_string(), m.definition_zh(d)))
            .collect(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CourtQuery {
    /// The court (default: the user's own).
    pub court: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/metrics/definitions", params(CourtQuery),
    responses((status = 200, body = ApiDefinitions), (status = 403, body = crate::api::Problem)))]
pub async fn api_get(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<CourtQuery>,
) -> Response {
    let actor = &s.session.actor;
    let court = q.court.unwrap_or(actor.court_id);
    if !actor.can_see_court(court) {
        return problem(&AppError::forbidden(
            "您无权查看该法院的质效指标口径",
            "you may not see this court's metric definitions",
        ));
    }
    match load(&app, court).await {
        Ok((d, v)) => Json(api_of(&d, v)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/metrics/definitions", request_body = ApiDefinitions,
    responses((status = 200, body = ApiDefinitions), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 403, body = crate::api::Problem)))]
pub async fn api_put(
    State(app): State<App>,
    w: ApiWrite,
    ApiJson(r): ApiJson<ApiDefinitions>,
) -> Response {
    let actor = &w.session.actor;
    if let Err(e) = administrator(actor) {
        return problem(&e);
    }
    let value = serde_json::json!({
        "case_types": r.case_types, "closure_base": r.closure_base, "paid_modes": r.paid_modes,
        "deduct_suspension": r.deduct_suspension, "old_pending_months": r.old_pending_months,
        "assessment": r.assessment,
    })
    .to_string();
    let cmd = Command::SaveSetting {
        court_id: actor.court_id,
        key: METRICS_SETTING.into(),
        value,
        expected_version: r.version,
    };
    if let Err(e) = app.execute(actor, cmd).await {
        return problem(&e);
    }
    match load(&app, actor.court_id).await {
        Ok((d, v)) => Json(api_of(&d, v)).into_response(),
        Err(e) => problem(&e),
    }
}
