//! A court's process-node definitions (`/admin/nodes`), working calendar (`/admin/calendar`),
//! the period calculator (`/tools/period`), and the same through `/api/v1`.
//!
//! The settings pages are for administrators, and readable by bureau chiefs and supervisors.
//! Every button posts the editor with an `op`; the page comes back with the draft changed by it
//! (the draft travels in a hidden field as JSON). Nothing is stored until "save", which
//! recomputes the court's open node instances (and those of the courts below that inherit the
//! setting) in the same transaction; "preview" shows what a save would change without writing.
//! No rule here: parse, call the app, render.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::node_rules::{
    NodeRules, RecomputeCounts, RuleSource, SettingPreview, CALENDAR_SETTING, NODES_SETTING,
};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::calendar::{
    parse_override_date, weekday_zh, CalendarOverrides, DayKind, MakeupTreatment, WorkingCalendar,
};
use zhixing_domain::node::{NodeSet, NodeStatus, UnlockLevel};
use zhixing_domain::period::{due_date, Due, PeriodLimit};
use zhixing_domain::role::Role;
use zhixing_domain::DomainError;

use crate::admin::CourtChoice;
use crate::api::{problem, Problem};
use crate::i18n::msg;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/nodes", get(nodes_page).post(nodes_post))
        .route("/admin/calendar", get(calendar_page).post(calendar_post))
        .route("/tools/period", get(period_page))
}

pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/courts/{court_id}/node-definitions",
            get(api_get_nodes).put(api_put_nodes),
        )
        .route(
            "/courts/{court_id}/node-definitions/preview",
            post(api_preview_nodes),
        )
        .route(
            "/courts/{court_id}/calendar",
            get(api_get_calendar).put(api_put_calendar),
        )
        .route(
            "/courts/{court_id}/calendar/preview",
            post(api_preview_calendar),
        )
        .route("/calendar/due", get(api_due))
}

/// The first and last years of the official holiday data shipped (chinesecalendar 1.11).
const OFFICIAL_SOURCE_ZH: &str =
    "国务院办公厅公布的节假日安排（数据取自 PyPI chinesecalendar 1.11）";
const OFFICIAL_SOURCE_EN: &str =
    "State Council holiday notices (data from PyPI chinesecalendar 1.11)";

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn err_text(lang: Lang, e: &AppError) -> String {
    msg(lang, e.message_zh(), e.message_en())
}

fn dom_text(lang: Lang, e: &DomainError) -> String {
    msg(lang, e.zh.clone(), e.en.clone())
}

fn not_admin() -> AppError {
    AppError::forbidden(
        "只有系统管理员可以修改流程节点期限和工作日历",
        "only administrators change the node limits and the working calendar",
    )
}

/// `?court=` (default the user's court), if it is one the actor may read the settings of.
fn court_of(app: &App, actor: &Actor, raw: Option<&str>) -> Result<i64, AppError> {
    let court_id = match raw.map(str::trim) {
        None | Some("") => actor.court_id,
        Some(v) => v.parse().map_err(|_| AppError::NotFound)?,
    };
    app.may_read_node_rules(actor, court_id)?;
    Ok(court_id)
}

fn court_choices(app: &App, actor: &Actor, court_id: i64) -> (String, Vec<CourtChoice>) {
    let tree = app.court_tree();
    let name = tree
        .get(court_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let mut list: Vec<(String, CourtChoice)> = actor
        .visible_courts
        .iter()
        .filter_map(|id| tree.get(*id))
        .map(|c| {
            (
                c.code.clone(),
                CourtChoice {
                    id: c.id,
                    name: c.name.clone(),
                    selected: c.id == court_id,
                },
            )
        })
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    (name, list.into_iter().map(|(_, c)| c).collect())
}

/// Where the court's value comes from, in words.
pub fn source_text(lang: Lang, s: &RuleSource) -> String {
    match s {
        RuleSource::Own { version } => msg(
            lang,
            format!("本院自行设置（第 {version} 版）"),
            format!("set by this court (version {version})"),
        ),
        RuleSource::Inherited {
            court_name,
            version,
            ..
        } => msg(
            lang,
            format!("沿用上级法院{court_name}的设置（第 {version} 版）；本院保存后即改用本院自己的设置"),
            format!("inherited from {court_name} (version {version}); saving here gives this court its own"),
        ),
        RuleSource::Defaults => msg(
            lang,
            "系统默认（本院及上级法院均未设置）",
            "system defaults (neither this court nor a court above has set its own)",
        ),
    }
}

/// A message above the editor: "ok", "info" or "error".
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub text: String,
}

impl Notice {
    fn new(kind: &'static str, text: String) -> Option<Notice> {
        Some(Notice { kind, text })
    }
}

// ---------------------------------------------------------------------------------------------
// The preview, as the pages show it

#[derive(Debug, Clone)]
pub struct ExampleView {
    pub case_id: i64,
    pub case_number: String,
    pub node: String,
    pub old_due: String,
    pub new_due: String,
    pub status: String,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
pub struct PreviewView {
    pub courts: String,
    pub examined: usize,
    pub changed: usize,
    pub status_changes: usize,
    pub newly_overdue: usize,
    pub examples: Vec<ExampleView>,
}

fn status_name(lang: Lang, s: NodeStatus) -> &'static str {
    match lang {
        Lang::Zh => s.name_zh(),
        Lang::En => s.name_en(),
    }
}

fn day_text(d: NaiveDate) -> String {
    format!("{d}（{}）", weekday_zh(d))
}

fn preview_view(app: &App, lang: Lang, p: &SettingPreview) -> PreviewView {
    let tree = app.court_tree();
    let courts = p
        .counts
        .courts
        .iter()
        .filter_map(|c| tree.get(*c).map(|r| r.name.clone()))
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "、" } else { ", " });
    PreviewView {
        courts,
        examined: p.counts.instances_examined,
        changed: p.counts.instances_changed,
        status_changes: p.counts.status_changes,
        newly_overdue: p.counts.newly_overdue,
        examples: p
            .examples
            .iter()
            .map(|e| ExampleView {
                case_id: e.case_id,
                case_number: e.case_number.clone(),
                node: msg(lang, e.node_name_zh.clone(), e.node_name_en.clone()),
                old_due: day_text(e.old_due_on),
                new_due: day_text(e.new_due_on),
                status: status_name(lang, e.new_status).to_string(),
                overdue: e.new_status == NodeStatus::Overdue,
            })
            .collect(),
    }
}

fn saved_notice(
    lang: Lang,
    q: &HashMap<String, String>,
    what_zh: &str,
    what_en: &str,
) -> Option<Notice> {
    let v = q.get("saved")?.trim().parse::<i64>().ok()?;
    let n = |k: &str| q.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Notice::new(
        "ok",
        msg(
            lang,
            format!(
                "{what_zh}已保存（第 {v} 版）。在办流程节点重新计算：期限变化 {} 个，状态变化 {} 个，新超期 {} 个。",
                n("changed"),
                n("status"),
                n("overdue")
            ),
            format!(
                "The {what_en} was saved (version {v}). Open process nodes recomputed: {} changed due date, {} changed status, {} newly overdue.",
                n("changed"),
                n("status"),
                n("overdue")
            ),
        ),
    )
}

fn saved_query(court_id: i64, version: i64, c: &RecomputeCounts) -> String {
    format!(
        "court={court_id}&saved={version}&changed={}&status={}&overdue={}",
        c.instances_changed, c.status_changes, c.newly_overdue
    )
}

/// The court of `raw` (default the user's) if the actor may read its node settings and, to
/// `edit` them, is an administrator; with the rules in force there. Otherwise the error page.
async fn court_rules(
    app: &App,
    s: &PageSession,
    raw: Option<&str>,
    edit: bool,
) -> Result<(i64, NodeRules), Response> {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    let actor = &s.session.actor;
    let court_id = court_of(app, actor, raw).map_err(|e| refused(&e))?;
    if edit && actor.role != Role::Administrator {
        return Err(refused(&not_admin()));
    }
    let rules = app
        .load_node_rules(court_id)
        .await
        .map_err(|e| refused(&e))?;
    Ok((court_id, rules))
}

/// An editor's post: the form, if it reads and carries the session's CSRF token, with the
/// court it edits (which the actor must administer) and the rules in force there.
async fn settings_post(
    app: &App,
    s: &PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(BTreeMap<String, String>, i64, NodeRules), Response> {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    let Ok(Form(pairs)) = body else {
        return Err(refused(&bad_form()));
    };
    let form: BTreeMap<String, String> = pairs.into_iter().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    if !same_secret(&s.session.csrf, field("csrf")) {
        return Err(refused(&expired()));
    }
    let (court_id, rules) = court_rules(app, s, Some(field("court")), true).await?;
    Ok((form, court_id, rules))
}

/// After "save": to the page `to` gives (with the new version and the counts), or the editor
/// `again` saying why nothing was saved (someone saved meanwhile, a refused value, no right),
/// or the error page.
fn after_save(
    s: &PageSession,
    saved: Result<(i64, RecomputeCounts), AppError>,
    to: impl FnOnce(i64, &RecomputeCounts) -> String,
    again: impl FnOnce(StatusCode, Option<Notice>, Option<PreviewView>) -> Response,
) -> Response {
    match saved {
        Ok((v, counts)) => Redirect::to(&to(v, &counts)).into_response(),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_) | AppError::Forbidden { .. })) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT);
            again(status, Notice::new("error", not_saved(s.lang, &e)), None)
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

/// After "preview": the editor `again` with what a save would change, or with the refusal of
/// the draft; or the error page.
fn after_preview(
    app: &App,
    s: &PageSession,
    preview: Result<SettingPreview, AppError>,
    again: impl FnOnce(StatusCode, Option<Notice>, Option<PreviewView>) -> Response,
) -> Response {
    match preview {
        Ok(pv) => again(StatusCode::OK, None, Some(preview_view(app, s.lang, &pv))),
        Err(e @ AppError::Invalid(_)) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            Notice::new("error", err_text(s.lang, &e)),
            None,
        ),
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Node definitions page

/// One node in the editor, every field as the form posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeFormRow {
    pub key: String,
    pub name: String,
    pub trigger: String,
    pub completions: String,
    pub n: String,
    /// `days`, `working_days` or `months`.
    pub unit: String,
    pub warn: String,
    pub lock: bool,
    pub unlock: String,
    pub pause: bool,
    /// The limit in words, as saved (`7 日`).
    pub limit_text: String,
    pub error: Option<String>,
}

fn unit_key(l: PeriodLimit) -> (u32, &'static str) {
    match l {
        PeriodLimit::Days(n) => (n, "days"),
        PeriodLimit::WorkingDays(n) => (n, "working_days"),
        PeriodLimit::Months(n) => (n, "months"),
    }
}

fn limit_of(n: u32, unit: &str) -> Option<PeriodLimit> {
    match unit {
        "days" => Some(PeriodLimit::Days(n)),
        "working_days" => Some(PeriodLimit::WorkingDays(n)),
        "months" => Some(PeriodLimit::Months(n)),
        _ => None,
    }
}

pub fn rows_of(lang: Lang, set: &NodeSet) -> Vec<NodeFormRow> {
    set.nodes
        .iter()
        .map(|d| {
            let (n, unit) = unit_key(d.limit);
            NodeFormRow {
                key: d.key.clone(),
                name: msg(lang, d.name_zh.clone(), d.name_en.clone()),
                trigger: msg(lang, d.trigger.label_zh(), d.trigger.label_en()),
                completions: d
                    .completions
                    .iter()
                    .map(|c| msg(lang, c.label_zh(), c.label_en()))
                    .collect::<Vec<_>>()
                    .join(if lang == Lang::Zh { "、" } else { ", " }),
                n: n.to_string(),
                unit: unit.to_string(),
                warn: d.warn_days_before.to_string(),
                lock: d.lock_on_overdue,
                unlock: d.unlock_level.key().to_string(),
                pause: d.pauses_on_suspension,
                limit_text: msg(lang, d.limit.describe_zh(), d.limit.describe_en()),
                error: None,
            }
        })
        .collect()
}

/// The base definitions with the posted row fields applied; rows that cannot be read keep
/// what was typed and say why.
pub fn apply_rows(
    lang: Lang,
    base: &NodeSet,
    form: &BTreeMap<String, String>,
) -> (NodeSet, Vec<NodeFormRow>, bool) {
    let mut set = base.clone();
    let mut rows = rows_of(lang, base);
    let mut bad = false;
    for (def, row) in set.nodes.iter_mut().zip(rows.iter_mut()) {
        let k = def.key.clone();
        let Some(n) = form.get(&format!("n.{k}")) else {
            continue;
        };
        let get = |f: &str| form.get(&format!("{f}.{k}")).cloned().unwrap_or_default();
        row.n = n.trim().to_string();
        row.unit = get("unit").trim().to_string();
        row.warn = get("warn").trim().to_string();
        row.lock = !get("lock").is_empty();
        row.pause = !get("pause").is_empty();
        row.unlock = get("unlock").trim().to_string();
        let mut problems = Vec::new();
        match row.n.parse::<u32>() {
            Ok(n) => match limit_of(n, &row.unit) {
                Some(l) => def.limit = l,
                None => problems.push(msg(lang, "期限单位无效", "the unit is invalid")),
            },
            Err(_) => problems.push(msg(
                lang,
                "期限须为正整数",
                "the limit must be a whole number",
            )),
        }
        match row.warn.parse::<u32>() {
            Ok(w) => def.warn_days_before = w,
            Err(_) => problems.push(msg(
                lang,
                "预警提前天数须为整数",
                "the warning lead must be a whole number",
            )),
        }
        match UnlockLevel::from_key(&row.unlock) {
            Ok(u) => def.unlock_level = u,
            Err(e) => problems.push(dom_text(lang, &e)),
        }
        def.lock_on_overdue = row.lock;
        def.pauses_on_suspension = row.pause;
        if problems.is_empty() {
            if let Err(e) = def.validate() {
                problems.push(dom_text(lang, &e));
            }
        }
        if !problems.is_empty() {
            bad = true;
            row.error = Some(format!(
                "{}：{}",
                row.name,
                problems.join(if lang == Lang::Zh { "；" } else { "; " })
            ));
        } else {
            row.limit_text = msg(lang, def.limit.describe_zh(), def.limit.describe_en());
        }
    }
    (set, rows, bad)
}

#[derive(Template)]
#[template(path = "admin_nodes.html")]
pub struct NodesPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_id: i64,
    pub court_name: String,
    pub courts: Vec<CourtChoice>,
    pub may_edit: bool,
    pub source: String,
    pub own: bool,
    /// The court's own version, to save against (0 = none yet).
    pub version: i64,
    pub rows: Vec<NodeFormRow>,
    /// The draft as JSON: the rows apply to it.
    pub base: String,
    /// The advanced editor's text.
    pub json: String,
    pub dirty: bool,
    pub notice: Option<Notice>,
    pub preview: Option<PreviewView>,
}

staff_page!(
    NodesPage,
    section = "nodes",
    home = true,
    back = |p| {
        if p.court_id == p.user.court_id {
            "/admin/nodes".to_string()
        } else {
            format!("/admin/nodes?court={}", p.court_id)
        }
    }
);

impl NodesPage {
    fn units(&self) -> Vec<(&'static str, String)> {
        vec![
            ("days", self.t("nodedefs.unit.days").to_string()),
            (
                "working_days",
                self.t("nodedefs.unit.working_days").to_string(),
            ),
            ("months", self.t("nodedefs.unit.months").to_string()),
        ]
    }

    fn unlock_levels(&self) -> Vec<(&'static str, &'static str)> {
        UnlockLevel::ALL
            .into_iter()
            .map(|l| {
                (
                    l.key(),
                    match self.lang {
                        Lang::Zh => l.name_zh(),
                        Lang::En => l.name_en(),
                    },
                )
            })
            .collect()
    }

    fn unlock_name(&self, key: impl AsRef<str>) -> &'static str {
        UnlockLevel::from_key(key.as_ref())
            .map(|l| match self.lang {
                Lang::Zh => l.name_zh(),
                Lang::En => l.name_en(),
            })
            .unwrap_or("")
    }

    fn yes_no(&self, b: impl Borrow<bool>) -> &'static str {
        if *b.borrow() {
            self.t("nodedefs.yes")
        } else {
            self.t("nodedefs.no")
        }
    }
}

struct NodesDraft {
    set: NodeSet,
    rows: Vec<NodeFormRow>,
    json: String,
}

fn nodes_page_for(
    app: &App,
    s: &PageSession,
    court_id: i64,
    rules: &NodeRules,
    draft: Option<NodesDraft>,
    notice: Option<Notice>,
    preview: Option<PreviewView>,
) -> NodesPage {
    let lang = s.lang;
    let (court_name, courts) = court_choices(app, &s.session.actor, court_id);
    let (set, rows, json) = match draft {
        Some(d) => (d.set, d.rows, d.json),
        None => {
            let json = rules.set.to_json();
            (rules.set.clone(), rows_of(lang, &rules.set), json)
        }
    };
    NodesPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_id,
        court_name,
        courts,
        may_edit: s.session.actor.role == Role::Administrator,
        source: source_text(lang, &rules.set_source),
        own: matches!(rules.set_source, RuleSource::Own { .. }),
        version: rules.set_source.own_version(),
        dirty: set != rules.set,
        base: set.to_json(),
        rows,
        json,
        notice,
        preview,
    }
}

async fn nodes_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (court_id, rules) =
        match court_rules(&app, &s, q.get("court").map(String::as_str), false).await {
            Ok(x) => x,
            Err(refused) => return refused,
        };
    let notice = saved_notice(s.lang, &q, "流程节点期限", "node limits");
    let p = nodes_page_for(&app, &s, court_id, &rules, None, notice, None);
    html(StatusCode::OK, render_page(&p))
}

async fn nodes_post(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    let (form, court_id, rules) = match settings_post(&app, &s, body).await {
        Ok(x) => x,
        Err(refused) => return refused,
    };
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let version: i64 = get("version").trim().parse().unwrap_or(-1);
    let op = get("op");
    // The draft: the defaults, the advanced editor's JSON, or the rows on their base.
    let (draft, bad): (NodesDraft, Option<String>) = if op == "defaults" {
        let set = NodeSet::defaults();
        let json = set.to_json();
        (
            NodesDraft {
                rows: rows_of(lang, &set),
                set,
                json,
            },
            None,
        )
    } else if get("mode") == "json" {
        let json = get("json");
        match NodeSet::from_json(&json) {
            Ok(set) => (
                NodesDraft {
                    rows: rows_of(lang, &set),
                    set,
                    json,
                },
                None,
            ),
            Err(e) => (
                NodesDraft {
                    rows: rows_of(lang, &rules.set),
                    set: rules.set.clone(),
                    json,
                },
                Some(dom_text(lang, &e)),
            ),
        }
    } else {
        let base = NodeSet::from_json(&get("base")).unwrap_or_else(|_| rules.set.clone());
        let (set, rows, bad) = apply_rows(lang, &base, &form);
        let json = set.to_json();
        let problem = bad.then(|| {
            msg(
                lang,
                "有填写错误，未保存，请按提示修改",
                "Nothing was saved; please correct the marked rows",
            )
        });
        let problem = match (problem, set.validate()) {
            (None, Err(e)) => Some(dom_text(lang, &e)),
            (p, _) => p,
        };
        (NodesDraft { set, rows, json }, problem)
    };
    let respond = |status: StatusCode,
                   draft: NodesDraft,
                   notice: Option<Notice>,
                   preview: Option<PreviewView>| {
        let mut p = nodes_page_for(&app, &s, court_id, &rules, Some(draft), notice, preview);
        p.version = version;
        html(status, render_page(&p))
    };
    if let Some(text) = bad {
        let notice = Notice::new("error", text);
        return respond(StatusCode::UNPROCESSABLE_ENTITY, draft, notice, None);
    }
    let value = draft.set.to_json();
    match op.as_str() {
        "save" => {
            let saved = app
                .save_node_definitions(actor, court_id, &draft.set, version)
                .await;
            after_save(
                &s,
                saved,
                |v, counts| format!("/admin/nodes?{}", saved_query(court_id, v, counts)),
                |status, notice, preview| respond(status, draft, notice, preview),
            )
        }
        "defaults" => {
            let notice = Notice::new(
                "info",
                msg(
                    lang,
                    "已载入系统默认期限（尚未保存）。请先“预览影响”，确认后再保存。",
                    "The system defaults are loaded (not saved yet). Preview the effect, then save.",
                ),
            );
            respond(StatusCode::OK, draft, notice, None)
        }
        _ => {
            let preview = app
                .preview_setting_change(actor, court_id, NODES_SETTING, &value)
                .await;
            after_preview(&app, &s, preview, |status, notice, preview| {
                respond(status, draft, notice, preview)
            })
        }
    }
}

fn bad_form() -> AppError {
    AppError::invalid(
        "request.invalid_form",
        "提交的表单格式不正确，请刷新页面后重试",
        "the form could not be read; reload the page and try again",
    )
}

fn not_saved(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Conflict(_) => msg(
            lang,
            "没有保存：您打开本页后，此项设置已被他人修改并保存。请重新打开本页，在最新设置上修改。",
            "Not saved: someone else saved this setting after you opened the page. Reopen the page and edit the latest version.",
        ),
        other => msg(
            lang,
            format!("没有保存：{}", other.message_zh()),
            format!("Not saved: {}", other.message_en()),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Working calendar page

#[derive(Debug, Clone)]
pub struct DayLine {
    pub date: String,
    pub weekday: String,
    /// `holiday`, `workday` or `ordinary`.
    pub kind: &'static str,
    pub kind_text: String,
    pub name: String,
    pub working: bool,
    /// Set by the court (or the court it inherits from), not the official schedule.
    pub is_override: bool,
}

#[derive(Debug, Clone)]
pub struct MonthGroup {
    pub month: u32,
    pub days: Vec<DayLine>,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
pub struct CalendarPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_id: i64,
    pub court_name: String,
    pub courts: Vec<CourtChoice>,
    pub may_edit: bool,
    pub source: String,
    pub version: i64,
    pub year: i32,
    /// `2004–2026`.
    pub years_covered: String,
    pub year_covered: bool,
    pub official_source: String,
    /// The draft overrides as JSON (hidden field).
    pub doc: String,
    pub makeup: &'static str,
    pub dirty: bool,
    pub months: Vec<MonthGroup>,
    pub overrides: Vec<DayLine>,
    pub notice: Option<Notice>,
    pub preview: Option<PreviewView>,
    /// What the add form had typed, kept after a refusal.
    pub add_date: String,
    pub add_kind: String,
    pub add_name: String,
}

staff_page!(
    CalendarPage,
    section = "calendar",
    home = true,
    back = |p| format!("/admin/calendar?court={}&year={}", p.court_id, p.year)
);

impl CalendarPage {
    fn prev_year(&self) -> i32 {
        self.year - 1
    }
    fn next_year(&self) -> i32 {
        self.year + 1
    }
    fn month_title(&self, m: impl Borrow<u32>) -> String {
        let m = *m.borrow();
        match self.lang {
            Lang::Zh => format!("{m} 月"),
            Lang::En => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
            .get((m as usize).saturating_sub(1))
            .copied()
            .unwrap_or("")
            .to_string(),
        }
    }
}

fn kind_text(lang: Lang, k: DayKind) -> String {
    match k {
        DayKind::Holiday => msg(lang, "节假日（休息）", "holiday (rest)"),
        DayKind::Workday => msg(lang, "调休上班（工作日）", "make-up working day"),
        DayKind::Ordinary => msg(lang, "恢复为普通日", "ordinary day"),
    }
}

fn years_covered_text() -> String {
    let years = WorkingCalendar::official_ref().years_covered();
    match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    }
}

fn calendar_lines(lang: Lang, o: &CalendarOverrides, year: i32) -> Vec<MonthGroup> {
    let cal = o.apply(WorkingCalendar::official_ref());
    let mut months: Vec<MonthGroup> = Vec::new();
    let mut push = |date: NaiveDate, line: DayLine| {
        let m = date.month();
        match months.last_mut() {
            Some(g) if g.month == m => g.days.push(line),
            _ => months.push(MonthGroup {
                month: m,
                days: vec![line],
            }),
        }
    };
    let mut entries: Vec<(NaiveDate, DayKind, String)> = cal
        .entries()
        .filter(|(d, _, _)| d.year() == year)
        .map(|(d, k, n)| (d, k, n.to_string()))
        .collect();
    for d in o
        .days
        .iter()
        .filter(|d| d.date.year() == year && d.kind == DayKind::Ordinary)
    {
        entries.push((d.date, DayKind::Ordinary, d.name.clone()));
    }
    entries.sort_by_key(|e| e.0);
    for (date, kind, name) in entries {
        push(
            date,
            DayLine {
                date: date.to_string(),
                weekday: weekday_zh(date).to_string(),
                kind: kind.key(),
                kind_text: kind_text(lang, kind),
                name,
                working: cal.is_working_day(date),
                is_override: o.day(date).is_some(),
            },
        );
    }
    months
}

fn override_lines(lang: Lang, o: &CalendarOverrides) -> Vec<DayLine> {
    let cal = o.apply(WorkingCalendar::official_ref());
    o.days
        .iter()
        .map(|d| DayLine {
            date: d.date.to_string(),
            weekday: weekday_zh(d.date).to_string(),
            kind: d.kind.key(),
            kind_text: kind_text(lang, d.kind),
            name: d.name.clone(),
            working: cal.is_working_day(d.date),
            is_override: true,
        })
        .collect()
}

fn this_year() -> i32 {
    zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis()).year()
}

fn year_of(raw: Option<&String>) -> i32 {
    raw.and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y))
        .unwrap_or_else(this_year)
}

#[allow(clippy::too_many_arguments)]
fn calendar_page_for(
    app: &App,
    s: &PageSession,
    court_id: i64,
    rules: &NodeRules,
    year: i32,
    draft: Option<CalendarOverrides>,
    notice: Option<Notice>,
    preview: Option<PreviewView>,
) -> CalendarPage {
    let lang = s.lang;
    let (court_name, courts) = court_choices(app, &s.session.actor, court_id);
    let draft = draft.unwrap_or_else(|| rules.overrides.clone());
    CalendarPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_id,
        court_name,
        courts,
        may_edit: s.session.actor.role == Role::Administrator,
        source: source_text(lang, &rules.calendar_source),
        version: rules.calendar_source.own_version(),
        year,
        years_covered: years_covered_text(),
        year_covered: WorkingCalendar::official_ref().covers_year(year),
        official_source: msg(lang, OFFICIAL_SOURCE_ZH, OFFICIAL_SOURCE_EN),
        doc: draft.to_json(),
        makeup: draft.makeup.key(),
        dirty: draft != rules.overrides,
        months: calendar_lines(lang, &draft, year),
        overrides: override_lines(lang, &draft),
        notice,
        preview,
        add_date: String::new(),
        add_kind: "holiday".into(),
        add_name: String::new(),
    }
}

async fn calendar_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (court_id, rules) =
        match court_rules(&app, &s, q.get("court").map(String::as_str), false).await {
            Ok(x) => x,
            Err(refused) => return refused,
        };
    let year = year_of(q.get("year"));
    let notice = saved_notice(s.lang, &q, "工作日历", "working calendar");
    let p = calendar_page_for(&app, &s, court_id, &rules, year, None, notice, None);
    html(StatusCode::OK, render_page(&p))
}

async fn calendar_post(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    let (form, court_id, rules) = match settings_post(&app, &s, body).await {
        Ok(x) => x,
        Err(refused) => return refused,
    };
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let year = year_of(form.get("year"));
    let version: i64 = get("version").trim().parse().unwrap_or(-1);
    let op = get("op");
    let draft = match CalendarOverrides::from_json(&get("doc")) {
        Ok(d) => d,
        Err(_) => rules.overrides.clone(),
    };
    let respond = |status: StatusCode,
                   draft: CalendarOverrides,
                   notice: Option<Notice>,
                   preview: Option<PreviewView>,
                   typed: Option<(String, String, String)>| {
        let mut p = calendar_page_for(
            &app,
            &s,
            court_id,
            &rules,
            year,
            Some(draft),
            notice,
            preview,
        );
        p.version = version;
        if let Some((d, k, n)) = typed {
            p.add_date = d;
            p.add_kind = k;
            p.add_name = n;
        }
        html(status, render_page(&p))
    };
    let unsaved = msg(lang, "（尚未保存）", " (not saved yet)");
    match op.as_str() {
        "add" => {
            let (date_s, kind_s, name) = (get("date"), get("kind"), get("name"));
            let typed = Some((date_s.clone(), kind_s.clone(), name.clone()));
            let parsed = parse_override_date(&date_s).and_then(|d| {
                let k = DayKind::from_key(&kind_s)?;
                let next = draft.clone().with_day(d, k, name.trim());
                // Names and limits are checked as a save would.
                CalendarOverrides::from_json(&next.to_json())?;
                Ok((d, k, next))
            });
            match parsed {
                Ok((d, k, next)) => {
                    let text = msg(
                        lang,
                        format!("已将 {d} 设为{}{unsaved}", kind_text(Lang::Zh, k)),
                        format!("{d} set as {}{unsaved}", kind_text(Lang::En, k)),
                    );
                    respond(StatusCode::OK, next, Notice::new("info", text), None, None)
                }
                Err(e) => respond(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    draft,
                    Notice::new("error", dom_text(lang, &e)),
                    None,
                    typed,
                ),
            }
        }
        "makeup" => match MakeupTreatment::from_key(&get("makeup")) {
            Ok(m) => {
                let next = CalendarOverrides { makeup: m, ..draft };
                let text = msg(
                    lang,
                    format!("调休上班日的计算方式已改{unsaved}"),
                    format!("The make-up treatment was changed{unsaved}"),
                );
                respond(StatusCode::OK, next, Notice::new("info", text), None, None)
            }
            Err(e) => respond(
                StatusCode::UNPROCESSABLE_ENTITY,
                draft,
                Notice::new("error", dom_text(lang, &e)),
                None,
                None,
            ),
        },
        "defaults" => {
            let text = msg(
                lang,
                format!("已恢复为国务院公布的节假日安排，不作任何调整{unsaved}。请先“预览影响”，确认后再保存。"),
                format!("Restored to the official schedule with no changes{unsaved}. Preview the effect, then save."),
            );
            respond(
                StatusCode::OK,
                CalendarOverrides::default(),
                Notice::new("info", text),
                None,
                None,
            )
        }
        "save" => {
            let saved = app
                .save_calendar_overrides(actor, court_id, &draft, version)
                .await;
            after_save(
                &s,
                saved,
                |v, counts| {
                    let q = saved_query(court_id, v, counts);
                    format!("/admin/calendar?{q}&year={year}")
                },
                |status, notice, preview| respond(status, draft, notice, preview, None),
            )
        }
        other => {
            if let Some(raw) = other.strip_prefix("remove:") {
                return match parse_override_date(raw) {
                    Ok(d) => {
                        let text = msg(
                            lang,
                            format!("已删除 {d} 的本院设置{unsaved}"),
                            format!("The court's entry for {d} was removed{unsaved}"),
                        );
                        respond(
                            StatusCode::OK,
                            draft.without_day(d),
                            Notice::new("info", text),
                            None,
                            None,
                        )
                    }
                    Err(e) => respond(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        draft,
                        Notice::new("error", dom_text(lang, &e)),
                        None,
                        None,
                    ),
                };
            }
            // "preview" and anything else: what a save would change.
            let preview = app
                .preview_setting_change(actor, court_id, CALENDAR_SETTING, &draft.to_json())
                .await;
            after_preview(&app, &s, preview, |status, notice, preview| {
                respond(status, draft, notice, preview, None)
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Period calculator

#[derive(Template)]
#[template(path = "period.html")]
pub struct PeriodPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_name: String,
    pub calendar_source: String,
    pub from: String,
    pub n: String,
    pub unit: String,
    pub suspended: String,
    pub due: Option<Due>,
    pub error: Option<String>,
}

staff_page!(
    PeriodPage,
    section = "period",
    home = true,
    back = |p| {
        if p.from.is_empty() {
            "/tools/period".to_string()
        } else {
            format!(
                "/tools/period?from={}&n={}&unit={}&suspended={}",
                crate::format::url_encode(&p.from),
                crate::format::url_encode(&p.n),
                crate::format::url_encode(&p.unit),
                crate::format::url_encode(&p.suspended)
            )
        }
    }
);

impl PeriodPage {
    fn units(&self) -> Vec<(&'static str, String)> {
        vec![
            ("days", self.t("period.unit.days").to_string()),
            (
                "working_days",
                self.t("period.unit.working_days").to_string(),
            ),
            ("months", self.t("period.unit.months").to_string()),
        ]
    }

    fn day_long(&self, d: impl Borrow<NaiveDate>) -> String {
        let d = d.borrow();
        format!(
            "{}年{}月{}日（{}）",
            d.year(),
            d.month(),
            d.day(),
            weekday_zh(*d)
        )
    }

    fn limit_text(&self, l: impl Borrow<PeriodLimit>) -> String {
        let l = l.borrow();
        msg(self.lang, l.describe_zh(), l.describe_en())
    }
}

/// A date as people type it: `2025-09-28`, `2025/9/28` or `20250928`.
pub fn parse_typed_date(s: &str) -> Result<NaiveDate, DomainError> {
    let t = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| {
            DomainError::new(
                "workcal.date",
                format!("「{t}」不是有效日期（应为 YYYY-MM-DD，且该日须存在，如 2025-09-28）"),
                format!("\"{t}\" is not a valid date (YYYY-MM-DD, and the day must exist, e.g. 2025-09-28)"),
            )
        })
}

fn whole(raw: &str, zh: &str, en: &str) -> Result<u32, DomainError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<u32>().map_err(|_| {
        DomainError::new(
            "period.number",
            format!("{zh}须为不小于 0 的整数，「{t}」不是"),
            format!("{en} must be a whole number of 0 or more; \"{t}\" is not"),
        )
    })
}

/// Reads the calculator's inputs: event day, length and unit, suspended days.
pub fn period_input(
    from: &str,
    n: &str,
    unit: &str,
    suspended: &str,
) -> Result<(NaiveDate, PeriodLimit, u32), DomainError> {
    let event = parse_typed_date(from)?;
    if n.trim().is_empty() {
        return Err(DomainError::new(
            "period.number",
            "请填写期间长度",
            "enter the length of the period",
        ));
    }
    let n = whole(n, "期间长度", "the length")?;
    let limit = limit_of(n, unit.trim()).ok_or_else(|| {
        DomainError::new(
            "period.unit",
            "期间单位应为日、工作日或月",
            "the unit must be days, working days or months",
        )
    })?;
    let suspended = whole(suspended, "中止天数", "the suspended days")?;
    Ok((event, limit, suspended))
}

async fn period_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let rules = match app.node_rules(actor.court_id).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e, Some(s.session.user.clone())),
    };
    let unit = Some(get("unit"))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "days".into());
    let mut p = PeriodPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_name: s.session.user.court_name.clone(),
        calendar_source: source_text(lang, &rules.calendar_source),
        from: get("from"),
        n: get("n"),
        unit,
        suspended: get("suspended"),
        due: None,
        error: None,
    };
    let mut status = StatusCode::OK;
    if !p.from.trim().is_empty() || !p.n.trim().is_empty() {
        match period_input(&p.from, &p.n, &p.unit, &p.suspended)
            .and_then(|(event, limit, susp)| due_date(event, limit, &rules.calendar, susp))
        {
            Ok(due) => p.due = Some(due),
            Err(e) => {
                p.error = Some(dom_text(lang, &e));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    }
    html(status, render_page(&p))
}

// ---------------------------------------------------------------------------------------------
// API

/// A court a value is inherited from.
#[derive(Serialize, ToSchema)]
pub struct CourtRef {
    pub court_id: i64,
    pub court_name: String,
}

/// What saving a setting recomputed.
#[derive(Serialize, ToSchema)]
pub struct Recomputed {
    /// The courts whose open node instances were recomputed (the court and those inheriting).
    pub courts: Vec<i64>,
    pub instances_examined: usize,
    /// Open instances whose due or warning date changed.
    pub instances_changed: usize,
    /// Of those, how many changed status today.
    pub status_changes: usize,
    /// Of those, how many became overdue today.
    pub newly_overdue: usize,
}

impl From<&RecomputeCounts> for Recomputed {
    fn from(c: &RecomputeCounts) -> Self {
        Recomputed {
            courts: c.courts.clone(),
            instances_examined: c.instances_examined,
            instances_changed: c.instances_changed,
            status_changes: c.status_changes,
            newly_overdue: c.newly_overdue,
        }
    }
}

fn source_parts(s: &RuleSource) -> (String, Option<CourtRef>) {
    match s {
        RuleSource::Own { .. } => ("own".into(), None),
        RuleSource::Inherited {
            court_id,
            court_name,
            ..
        } => (
            "inherited".into(),
            Some(CourtRef {
                court_id: *court_id,
                court_name: court_name.clone(),
            }),
        ),
        RuleSource::Defaults => ("defaults".into(), None),
    }
}

/// A court's process-node definitions in force.
#[derive(Serialize, ToSchema)]
pub struct NodeDefinitionsDoc {
    pub court_id: i64,
    /// The court's own version: send it back with PUT (0 = the court has none of its own).
    pub version: i64,
    /// `own`, `inherited` (from `inherited_from`) or `defaults`.
    pub source: String,
    pub inherited_from: Option<CourtRef>,
    /// `{"nodes":[{"key":"assign_officer","name_zh":"分案至承办人","name_en":"…","trigger":"case_filed",
    /// "completions":["officer_assigned"],"limit":{"unit":"days","n":7},"warn_days_before":2,
    /// "lock_on_overdue":false,"unlock_level":"bureau_chief","pauses_on_suspension":false,"repeats":false}]}`;
    /// units `days`, `working_days`, `months`; unlock levels `bureau_chief`,
    /// `intermediate_court`, `high_court`.
    #[schema(value_type = Object)]
    pub definitions: serde_json::Value,
    /// After a PUT: the open node instances the save recomputed.
    pub recomputed: Option<Recomputed>,
}

#[derive(Deserialize, ToSchema)]
pub struct PutNodeDefinitions {
    /// As in [`NodeDefinitionsDoc::definitions`].
    #[schema(value_type = Object)]
    pub definitions: serde_json::Value,
    /// The version read (0 if the court had none of its own).
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct PreviewNodeDefinitions {
    #[schema(value_type = Object)]
    pub definitions: serde_json::Value,
}

/// A court's working calendar: its overrides on top of the official schedule.
#[derive(Serialize, ToSchema)]
pub struct CalendarDoc {
    pub court_id: i64,
    /// The court's own version: send it back with PUT (0 = the court has none of its own).
    pub version: i64,
    /// `own`, `inherited` (from `inherited_from`) or `defaults`.
    pub source: String,
    pub inherited_from: Option<CourtRef>,
    /// `{"makeup":"working"|"rest","days":[{"date":"2027-01-01","kind":"holiday"|"workday"|"ordinary","name":"元旦"}]}`
    #[schema(value_type = Object)]
    pub overrides: serde_json::Value,
    /// Years the shipped official data covers.
    pub years_covered: Vec<i32>,
    pub official_source: String,
    /// After a PUT: the open node instances the save recomputed.
    pub recomputed: Option<Recomputed>,
}

#[derive(Deserialize, ToSchema)]
pub struct PutCalendar {
    /// As in [`CalendarDoc::overrides`].
    #[schema(value_type = Object)]
    pub overrides: serde_json::Value,
    pub version: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct PreviewCalendar {
    #[schema(value_type = Object)]
    pub overrides: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewExampleDoc {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub node_key: String,
    pub node_name_zh: String,
    /// YYYY-MM-DD
    pub old_due_on: String,
    pub new_due_on: String,
    /// running, warning, overdue, paused
    pub new_status: String,
}

/// What a save would change; nothing is written.
#[derive(Serialize, ToSchema)]
pub struct PreviewDoc {
    pub court_id: i64,
    pub key: String,
    /// The day statuses are computed for (Beijing).
    pub today: String,
    pub courts: Vec<i64>,
    pub instances_examined: usize,
    pub instances_changed: usize,
    pub status_changes: usize,
    pub newly_overdue: usize,
    /// Up to 20 instances that would change.
    pub examples: Vec<PreviewExampleDoc>,
}

fn preview_doc(p: SettingPreview) -> PreviewDoc {
    PreviewDoc {
        court_id: p.court_id,
        key: p.key,
        today: p.today.to_string(),
        courts: p.counts.courts,
        instances_examined: p.counts.instances_examined,
        instances_changed: p.counts.instances_changed,
        status_changes: p.counts.status_changes,
        newly_overdue: p.counts.newly_overdue,
        examples: p
            .examples
            .into_iter()
            .map(|e| PreviewExampleDoc {
                court_id: e.court_id,
                case_id: e.case_id,
                case_number: e.case_number,
                node_key: e.node_key,
                node_name_zh: e.node_name_zh,
                old_due_on: e.old_due_on.to_string(),
                new_due_on: e.new_due_on.to_string(),
                new_status: e.new_status.key().to_string(),
            })
            .collect(),
    }
}

/// A due date and how it was reached.
#[derive(Serialize, ToSchema)]
pub struct DueDoc {
    /// The last day of the period (YYYY-MM-DD): always a working day.
    pub date: String,
    pub weekday_zh: String,
    /// The event day (not counted).
    pub event: String,
    /// The first counted day.
    pub start: String,
    /// The last day before moving off a rest day.
    pub nominal: String,
    /// `{"unit":"days"|"working_days"|"months","n":10}`
    #[schema(value_type = Object)]
    pub limit: serde_json::Value,
    pub suspended_days: u32,
    /// Years touched for which no holiday data exists (only weekends known).
    pub uncovered_years: Vec<i32>,
    /// The steps in words (Chinese).
    pub steps: Vec<String>,
    /// The court whose calendar was used.
    pub court_id: i64,
}

fn invalid_value(e: DomainError) -> Response {
    problem(&AppError::Invalid(e))
}

fn nodes_doc(
    court_id: i64,
    r: &NodeRules,
    recomputed: Option<&RecomputeCounts>,
) -> NodeDefinitionsDoc {
    let (source, inherited_from) = source_parts(&r.set_source);
    NodeDefinitionsDoc {
        court_id,
        version: r.set_source.own_version(),
        source,
        inherited_from,
        definitions: serde_json::to_value(&r.set).unwrap_or_default(),
        recomputed: recomputed.map(Recomputed::from),
    }
}

fn calendar_doc(court_id: i64, r: &NodeRules, recomputed: Option<&RecomputeCounts>) -> CalendarDoc {
    let (source, inherited_from) = source_parts(&r.calendar_source);
    CalendarDoc {
        court_id,
        version: r.calendar_source.own_version(),
        source,
        inherited_from,
        overrides: serde_json::to_value(&r.overrides).unwrap_or_default(),
        years_covered: WorkingCalendar::official_ref().years_covered(),
        official_source: OFFICIAL_SOURCE_ZH.into(),
        recomputed: recomputed.map(Recomputed::from),
    }
}

/// The court of an API path if the actor may read its node settings and, to `change` them, is
/// an administrator; with the request's body. Otherwise the refusal.
fn api_request<T>(
    app: &App,
    actor: &Actor,
    raw: &str,
    change: bool,
    body: Result<ApiJson<T>, Response>,
) -> Result<(i64, T), Box<Response>> {
    let court_id = court_of(app, actor, Some(raw)).map_err(|e| problem(&e))?;
    if change && actor.role != Role::Administrator {
        return Err(Box::new(problem(&not_admin())));
    }
    let ApiJson(req) = body?;
    Ok((court_id, req))
}

/// The court's setting in force as `doc` shows it (after a save, with what it recomputed).
async fn api_doc<D: Serialize>(
    app: &App,
    court_id: i64,
    recomputed: Option<&RecomputeCounts>,
    doc: fn(i64, &NodeRules, Option<&RecomputeCounts>) -> D,
) -> Response {
    match app.load_node_rules(court_id).await {
        Ok(r) => Json(doc(court_id, &r, recomputed)).into_response(),
        Err(e) => problem(&e),
    }
}

/// After a PUT: the setting in force with what the save recomputed, or the refusal.
async fn api_saved<D: Serialize>(
    app: &App,
    court_id: i64,
    saved: Result<(i64, RecomputeCounts), AppError>,
    doc: fn(i64, &NodeRules, Option<&RecomputeCounts>) -> D,
) -> Response {
    match saved {
        Ok((_, counts)) => api_doc(app, court_id, Some(&counts), doc).await,
        Err(e) => problem(&e),
    }
}

/// What saving `value` as the court's setting `key` would change.
async fn api_preview(
    app: &App,
    actor: &Actor,
    court_id: i64,
    key: &str,
    value: &serde_json::Value,
) -> Response {
    match app
        .preview_setting_change(actor, court_id, key, &value.to_string())
        .await
    {
        Ok(p) => Json(preview_doc(p)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/node-definitions",
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses((status = 200, body = NodeDefinitionsDoc), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not an administrator, bureau chief or supervisor"),
        (status = 404, body = Problem)))]
pub async fn api_get_nodes(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
) -> Response {
    match court_of(&app, &s.session.actor, Some(&raw)) {
        Ok(court_id) => api_doc(&app, court_id, None, nodes_doc).await,
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/courts/{court_id}/node-definitions",
    request_body = PutNodeDefinitions,
    params(
        ("court_id" = i64, Path, description = "court id (within your courts)"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 200, body = NodeDefinitionsDoc, description = "Saved; open node instances of the court (and of the courts below that inherit) recomputed, counts in `recomputed`"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "missing/wrong X-CSRF-Token, or not an administrator"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "someone else saved since `version`"),
        (status = 422, body = Problem, description = "the definitions are refused (e.g. a completion that can never follow its trigger); nothing saved")))]
pub async fn api_put_nodes(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<PutNodeDefinitions>, Response>,
) -> Response {
    let actor = &s.session.actor;
    let (court_id, req) = match api_request(&app, actor, &raw, true, body) {
        Ok(x) => x,
        Err(refused) => return *refused,
    };
    let set = match NodeSet::from_json(&req.definitions.to_string()) {
        Ok(s) => s,
        Err(e) => return invalid_value(e),
    };
    let saved = app
        .save_node_definitions(actor, court_id, &set, req.version)
        .await;
    api_saved(&app, court_id, saved, nodes_doc).await
}

#[utoipa::path(post, path = "/api/v1/courts/{court_id}/node-definitions/preview",
    request_body = PreviewNodeDefinitions,
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses(
        (status = 200, body = PreviewDoc, description = "What a save would change; nothing is written"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "the definitions are refused")))]
pub async fn api_preview_nodes(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
    body: Result<ApiJson<PreviewNodeDefinitions>, Response>,
) -> Response {
    let actor = &s.session.actor;
    match api_request(&app, actor, &raw, false, body) {
        Ok((court_id, req)) => {
            api_preview(&app, actor, court_id, NODES_SETTING, &req.definitions).await
        }
        Err(refused) => *refused,
    }
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/calendar",
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses((status = 200, body = CalendarDoc), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not an administrator, bureau chief or supervisor"),
        (status = 404, body = Problem)))]
pub async fn api_get_calendar(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
) -> Response {
    match court_of(&app, &s.session.actor, Some(&raw)) {
        Ok(court_id) => api_doc(&app, court_id, None, calendar_doc).await,
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/courts/{court_id}/calendar",
    request_body = PutCalendar,
    params(
        ("court_id" = i64, Path, description = "court id (within your courts)"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 200, body = CalendarDoc, description = "Saved; open node instances recomputed, counts in `recomputed`"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "missing/wrong X-CSRF-Token, or not an administrator"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "someone else saved since `version`"),
        (status = 422, body = Problem, description = "refused, e.g. an impossible date or a day both holiday and working day; nothing saved")))]
pub async fn api_put_calendar(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<PutCalendar>, Response>,
) -> Response {
    let actor = &s.session.actor;
    let (court_id, req) = match api_request(&app, actor, &raw, true, body) {
        Ok(x) => x,
        Err(refused) => return *refused,
    };
    let overrides = match CalendarOverrides::from_json(&req.overrides.to_string()) {
        Ok(o) => o,
        Err(e) => return invalid_value(e),
    };
    let saved = app
        .save_calendar_overrides(actor, court_id, &overrides, req.version)
        .await;
    api_saved(&app, court_id, saved, calendar_doc).await
}

#[utoipa::path(post, path = "/api/v1/courts/{court_id}/calendar/preview",
    request_body = PreviewCalendar,
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses(
        (status = 200, body = PreviewDoc, description = "What a save would change; nothing is written"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn api_preview_calendar(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
    body: Result<ApiJson<PreviewCalendar>, Response>,
) -> Response {
    let actor = &s.session.actor;
    match api_request(&app, actor, &raw, false, body) {
        Ok((court_id, req)) => {
            api_preview(&app, actor, court_id, CALENDAR_SETTING, &req.overrides).await
        }
        Err(refused) => *refused,
    }
}

#[derive(Deserialize)]
pub struct DueQuery {
    from: Option<String>,
    days: Option<String>,
    working: Option<String>,
    months: Option<String>,
    suspended: Option<String>,
    court: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/calendar/due",
    params(
        ("from" = String, Query, description = "the event day (not counted), YYYY-MM-DD"),
        ("days" = Option<u32>, Query, description = "length in days (working days with working=true)"),
        ("working" = Option<bool>, Query, description = "count working days only"),
        ("months" = Option<u32>, Query, description = "length in months (instead of days)"),
        ("suspended" = Option<u32>, Query, description = "suspended days to deduct"),
        ("court" = Option<i64>, Query, description = "whose working calendar; default the caller's court")),
    responses((status = 200, body = DueDoc), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "an impossible date or a missing length")))]
pub async fn api_due(State(app): State<App>, s: ApiSession, Query(q): Query<DueQuery>) -> Response {
    let actor = &s.session.actor;
    let court_id = match q.court.as_deref().map(str::trim) {
        None | Some("") => actor.court_id,
        Some(v) => match v.parse::<i64>() {
            Ok(c) if actor.can_see_court(c) => c,
            _ => return problem(&AppError::NotFound),
        },
    };
    let working = matches!(
        q.working.as_deref().map(str::trim),
        Some("true" | "1" | "yes")
    );
    let (n, unit) = match (&q.days, &q.months) {
        (Some(d), None) => (d.as_str(), if working { "working_days" } else { "days" }),
        (None, Some(m)) => (m.as_str(), "months"),
        (Some(_), Some(_)) => {
            return invalid_value(DomainError::new(
                "period.unit",
                "days 与 months 只能提供一个",
                "give either days or months, not both",
            ))
        }
        (None, None) => ("", "days"),
    };
    let input = period_input(
        q.from.as_deref().unwrap_or(""),
        n,
        unit,
        q.suspended.as_deref().unwrap_or(""),
    );
    let (event, limit, suspended) = match input {
        Ok(i) => i,
        Err(e) => return invalid_value(e),
    };
    let rules = match app.node_rules(court_id).await {
        Ok(r) => r,
        Err(e) => return problem(&e),
    };
    match due_date(event, limit, &rules.calendar, suspended) {
        Ok(d) => Json(DueDoc {
            date: d.date.to_string(),
            weekday_zh: weekday_zh(d.date).to_string(),
            event: d.event.to_string(),
            start: d.start.to_string(),
            nominal: d.nominal.to_string(),
            limit: serde_json::to_value(d.limit).unwrap_or_default(),
            suspended_days: d.suspended_days,
            uncovered_years: d.uncovered_years,
            steps: d.steps,
            court_id,
        })
        .into_response(),
        Err(e) => invalid_value(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_bad_fields_are_named() {
        let set = NodeSet::defaults();
        let rows = rows_of(Lang::Zh, &set);
        let mut form = BTreeMap::new();
        for r in &rows {
            form.insert(format!("n.{}", r.key), r.n.clone());
            form.insert(format!("unit.{}", r.key), r.unit.clone());
            form.insert(format!("warn.{}", r.key), r.warn.clone());
            form.insert(format!("unlock.{}", r.key), r.unlock.clone());
            if r.lock {
                form.insert(format!("lock.{}", r.key), "1".into());
            }
            if r.pause {
                form.insert(format!("pause.{}", r.key), "1".into());
            }
        }
        let (back, _, bad) = apply_rows(Lang::Zh, &set, &form);
        assert!(!bad);
        assert_eq!(back, set);
        form.insert("n.assign_officer".into(), "十".into());
        form.insert("warn.issue_notice".into(), "9".into());
        let (_, rows, bad) = apply_rows(Lang::Zh, &set, &form);
        assert!(bad);
        assert!(
            rows[0].error.as_deref().unwrap().contains("正整数"),
            "{rows:?}"
        );
        assert!(
            rows[1].error.as_deref().unwrap().contains("预警"),
            "{rows:?}"
        );
        assert_eq!(rows[0].n, "十", "what was typed stays");
    }

    #[test]
    fn period_input_reads_and_refuses() {
        let (d, l, s) = period_input("2025-09-28", "10", "days", "").unwrap();
        assert_eq!(
            (d.to_string(), l, s),
            ("2025-09-28".into(), PeriodLimit::Days(10), 0)
        );
        assert_eq!(
            period_input("2025/9/28", "3", "months", "5").unwrap().1,
            PeriodLimit::Months(3)
        );
        let e = period_input("2025-02-30", "10", "days", "").unwrap_err();
        assert!(e.zh.contains("2025-02-30"));
        assert!(period_input("2025-09-28", "", "days", "").is_err());
        assert!(period_input("2025-09-28", "-1", "days", "").is_err());
        assert!(period_input("2025-09-28", "1", "weeks", "").is_err());
    }
}
