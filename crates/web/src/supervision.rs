//! Supervision on the web (流程监管): `/supervision` (counts by court, team or officer, each
//! linking to its list at `/supervision/nodes`), the bulletin of a period
//! (`/supervision/bulletin`, and as Excel at `/supervision/bulletin.xlsx`), every user's inbox
//! (`/inbox`, the nav badge `/inbox/badge`, `POST /inbox/read`), and the same under `/api/v1`.
//! No rule here: parse, call the app, render.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::supervision::{
    may_supervise, parse_period, BulletinEntry, BulletinQuery, BulletinView, Grouping, InboxItem,
    InboxView, NodeListFilter, NodeListItem, NodeListPage, SummaryRow, SupervisionSummary, Watch,
    BULLETIN_EXPORT_MAX,
};
use zhixing_app::views::{CurrentUser, Named};
use zhixing_app::{Actor, App, AppError};

use crate::api::problem;
use crate::format::url_encode;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{lang_of, same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/supervision", get(summary_page))
        .route("/supervision/nodes", get(nodes_page))
        .route("/supervision/bulletin", get(bulletin_page))
        .route("/supervision/bulletin.xlsx", get(bulletin_xlsx))
        .route("/inbox", get(inbox_page))
        .route("/inbox/badge", get(inbox_badge))
        .route("/inbox/read", post(inbox_read))
}

pub fn api_routes() -> Router<App> {
    Router::new()
        .route("/supervision/summary", get(api_summary))
        .route("/supervision/nodes", get(api_nodes))
        .route("/supervision/bulletin", get(api_bulletin))
        .route("/inbox", get(api_inbox))
        .route("/inbox/read", post(api_inbox_read))
}

type Params = HashMap<String, String>;

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn param<'a>(p: &'a Params, key: &str) -> Option<&'a str> {
    p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn bad(field: &'static str, raw: &str) -> AppError {
    AppError::invalid(
        "request.invalid_param",
        format!("参数 {field} 的值「{raw}」无效"),
        format!("parameter {field} has an invalid value \"{raw}\""),
    )
}

fn int_param(p: &Params, key: &'static str) -> Result<Option<i64>, AppError> {
    param(p, key)
        .map(|s| s.parse::<i64>().map_err(|_| bad(key, s)))
        .transpose()
}

fn page_param(p: &Params) -> Result<u32, AppError> {
    Ok(param(p, "page")
        .map(|s| s.parse::<u32>().map_err(|_| bad("page", s)))
        .transpose()?
        .unwrap_or(1)
        .max(1))
}

/// `team` / `officer`: absent → any; `none` → cases without one; else an id.
fn owner_param(p: &Params, key: &'static str) -> Result<Option<Option<i64>>, AppError> {
    match param(p, key) {
        None => Ok(None),
        Some("none") => Ok(Some(None)),
        Some(s) => s
            .parse::<i64>()
            .map(|id| Some(Some(id)))
            .map_err(|_| bad(key, s)),
    }
}

fn grouping_param(p: &Params, actor: &Actor) -> Result<Grouping, AppError> {
    match param(p, "group") {
        Some(g) => Grouping::from_key(g),
        // A team leader looks at their team's officers; the others at courts.
        None if actor.role == zhixing_domain::role::Role::TeamLeader => Ok(Grouping::Officer),
        None => Ok(Grouping::Court),
    }
}

fn node_filter(p: &Params) -> Result<NodeListFilter, AppError> {
    Ok(NodeListFilter {
        status: Watch::from_key(param(p, "status").unwrap_or("overdue"))?,
        court_id: int_param(p, "court")?,
        team: owner_param(p, "team")?,
        officer: owner_param(p, "officer")?,
        page: page_param(p)?,
    })
}

/// The bulletin's period from `from`/`to` (default: this month so far, Beijing time).
fn bulletin_query(p: &Params, per_page: u32) -> Result<BulletinQuery, AppError> {
    let today = crate::intake::today_shanghai();
    let from = param(p, "from").map_or_else(|| month_start(today).to_string(), str::to_string);
    let to = param(p, "to").map_or_else(|| today.to_string(), str::to_string);
    let (from, to) = parse_period(&from, &to)?;
    Ok(BulletinQuery {
        from,
        to,
        court_id: int_param(p, "court")?,
        page: page_param(p)?,
        per_page,
    })
}

/// The first day of `d`'s month.
fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The courts the actor may pick, their own first.
fn court_choices(app: &App, actor: &Actor) -> Vec<Named> {
    let tree = app.court_tree();
    actor
        .visible_courts
        .iter()
        .filter_map(|id| tree.get(*id))
        .map(|c| Named {
            id: c.id,
            name: c.name.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Summary and lists
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "supervision.html")]
pub struct SupervisionPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    /// The counts (on `/supervision`) …
    pub summary: Option<SupervisionSummary>,
    /// … or the lines behind one (on `/supervision/nodes`).
    pub list: Option<NodeListPage>,
    pub court: Option<i64>,
    pub courts: Vec<Named>,
    pub back: String,
}

staff_page!(
    SupervisionPage,
    section = "supervision",
    home = true,
    back = |p| p.back.clone()
);

impl SupervisionPage {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    pub fn court_selected(&self, id: &i64) -> bool {
        self.court == Some(*id)
    }

    pub fn groupings(&self) -> [Grouping; 3] {
        Grouping::ALL
    }

    pub fn grouping_name(&self, g: &Grouping) -> &'static str {
        if self.zh() {
            g.name_zh()
        } else {
            g.name_en()
        }
    }

    pub fn group_href(&self, g: &Grouping) -> String {
        match self.court {
            Some(c) => format!("/supervision?group={}&court={c}", g.key()),
            None => format!("/supervision?group={}", g.key()),
        }
    }

    pub fn is_group(&self, g: &Grouping) -> bool {
        self.summary.as_ref().is_some_and(|s| s.group == *g)
    }

    /// The column heading of the group names.
    pub fn group_heading(&self) -> &'static str {
        let key = match self.summary.as_ref().map(|s| s.group) {
            Some(Grouping::Team) => "supervision.col.team",
            Some(Grouping::Officer) => "supervision.col.officer",
            _ => "supervision.col.court",
        };
        crate::i18n::t(self.lang, key)
    }

    pub fn shows_court_column(&self) -> bool {
        self.summary
            .as_ref()
            .is_some_and(|s| s.group != Grouping::Court)
    }

    pub fn row_name(&self, r: &SummaryRow) -> String {
        match (&r.name, self.summary.as_ref().map(|s| s.group)) {
            (Some(n), _) => n.clone(),
            (None, Some(Grouping::Team)) => crate::i18n::t(self.lang, "supervision.no_team").into(),
            (None, _) => crate::i18n::t(self.lang, "supervision.no_officer").into(),
        }
    }

    /// The list behind one count of a summary row.
    pub fn count_href(&self, r: &SummaryRow, status: &str) -> String {
        let mut href = format!("/supervision/nodes?status={status}&court={}", r.court_id);
        let owner = r
            .group_id
            .map_or_else(|| "none".to_string(), |id| id.to_string());
        match self.summary.as_ref().map(|s| s.group) {
            Some(Grouping::Team) => href.push_str(&format!("&team={owner}")),
            Some(Grouping::Officer) => href.push_str(&format!("&officer={owner}")),
            _ => {}
        }
        href
    }

    /// The totals' lists (all the courts shown).
    pub fn total_href(&self, status: &str) -> String {
        match self.court {
            Some(c) => format!("/supervision/nodes?status={status}&court={c}"),
            None => format!("/supervision/nodes?status={status}"),
        }
    }

    pub fn watch_name(&self) -> &'static str {
        match &self.list {
            Some(l) if self.zh() => l.filter.status.name_zh(),
            Some(l) => l.filter.status.name_en(),
            None => "",
        }
    }

    pub fn is_warning_list(&self) -> bool {
        self.list
            .as_ref()
            .is_some_and(|l| l.filter.status == Watch::Warning)
    }

    pub fn line_node(&self, i: &NodeListItem) -> String {
        let n = if self.zh() {
            &i.node_name_zh
        } else {
            &i.node_name_en
        };
        n.clone()
            .unwrap_or_else(|| crate::i18n::t(self.lang, "supervision.locked_by_hand").to_string())
    }

    pub fn page_href(&self, page: u32) -> String {
        let Some(l) = &self.list else {
            return "/supervision/nodes".into();
        };
        let f = &l.filter;
        let mut href = format!("/supervision/nodes?status={}", f.status.key());
        if let Some(c) = f.court_id {
            href.push_str(&format!("&court={c}"));
        }
        let owner = |o: Option<i64>| o.map_or_else(|| "none".to_string(), |id| id.to_string());
        if let Some(t) = f.team {
            href.push_str(&format!("&team={}", owner(t)));
        }
        if let Some(o) = f.officer {
            href.push_str(&format!("&officer={}", owner(o)));
        }
        if page > 1 {
            href.push_str(&format!("&page={page}"));
        }
        href
    }
}

fn back_of(path: &str, p: &Params) -> String {
    let mut keys: Vec<(&String, &String)> = p.iter().collect();
    keys.sort();
    let qs: Vec<String> = keys
        .into_iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect();
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", qs.join("&"))
    }
}

/// What `/supervision` (the counts) or `/supervision/nodes` (a list) shows, and the court
/// picked.
type Shown = (
    Option<SupervisionSummary>,
    Option<NodeListPage>,
    Option<i64>,
);

/// The summary or a list, or the error page.
fn supervision_page(
    app: &App,
    s: &PageSession,
    path: &str,
    p: &Params,
    shown: Result<Shown, AppError>,
) -> Response {
    match shown {
        Ok((summary, list, court)) => {
            let page = SupervisionPage {
                lang: s.lang,
                user: s.session.user.clone(),
                csrf: s.session.csrf.clone(),
                summary,
                list,
                court,
                courts: court_choices(app, &s.session.actor),
                back: back_of(path, p),
            };
            html(StatusCode::OK, render_page(&page))
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

async fn summary_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        let group = grouping_param(&p, actor)?;
        let court = int_param(&p, "court")?;
        app.supervision_summary(actor, group, court)
            .await
            .map(|v| (v, court))
    }
    .await;
    let shown = result.map(|(summary, court)| (Some(summary), None, court));
    supervision_page(&app, &s, "/supervision", &p, shown)
}

async fn nodes_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        let f = node_filter(&p)?;
        app.supervision_nodes(actor, &f).await
    }
    .await;
    let shown = result.map(|list| {
        let court = list.filter.court_id;
        (None, Some(list), court)
    });
    supervision_page(&app, &s, "/supervision/nodes", &p, shown)
}

// ---------------------------------------------------------------------------------------------
// Bulletin
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "bulletin.html")]
pub struct BulletinPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    /// What was typed, shown again in the form.
    pub from: String,
    pub to: String,
    pub court: Option<i64>,
    pub courts: Vec<Named>,
    pub view: Option<BulletinView>,
    pub error: Option<String>,
    pub back: String,
}

staff_page!(
    BulletinPage,
    section = "supervision",
    home = false,
    back = |p| p.back.clone()
);

impl BulletinPage {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    pub fn court_selected(&self, id: &i64) -> bool {
        self.court == Some(*id)
    }

    fn query(&self) -> String {
        let mut q = format!(
            "from={}&to={}",
            url_encode(&self.from),
            url_encode(&self.to)
        );
        if let Some(c) = self.court {
            q.push_str(&format!("&court={c}"));
        }
        q
    }

    pub fn xlsx_href(&self) -> String {
        format!("/supervision/bulletin.xlsx?{}", self.query())
    }

    pub fn page_href(&self, page: u32) -> String {
        if page > 1 {
            format!("/supervision/bulletin?{}&page={page}", self.query())
        } else {
            format!("/supervision/bulletin?{}", self.query())
        }
    }

    pub fn entry_kind(&self, e: &BulletinEntry) -> &'static str {
        if self.zh() {
            e.kind.name_zh()
        } else {
            e.kind.name_en()
        }
    }

    pub fn entry_node<'a>(&self, e: &'a BulletinEntry) -> &'a str {
        if self.zh() {
            &e.node_name_zh
        } else {
            &e.node_name_en
        }
    }

    pub fn period(&self) -> String {
        self.view
            .as_ref()
            .map(|v| format!("{} — {}", v.from, v.to))
            .unwrap_or_default()
    }

    /// The entry's number in the whole bulletin (from 1).
    pub fn number(&self, i: &usize) -> u64 {
        let (page, per) = self.view.as_ref().map_or((1, 0), |v| (v.page, v.per_page));
        u64::from(page.saturating_sub(1)) * u64::from(per) + *i as u64 + 1
    }
}

async fn bulletin_page(
    State(app): State<App>,
    s: PageSession,
    Query(p): Query<Params>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    if let Err(e) = may_supervise(actor) {
        return error_page(lang, &e, Some(user));
    }
    let today = crate::intake::today_shanghai();
    let mut page = BulletinPage {
        lang,
        user: user.clone(),
        csrf: s.session.csrf.clone(),
        from: param(&p, "from").map_or_else(|| month_start(today).to_string(), str::to_string),
        to: param(&p, "to").map_or_else(|| today.to_string(), str::to_string),
        court: int_param(&p, "court").ok().flatten(),
        courts: court_choices(&app, actor),
        view: None,
        error: None,
        back: back_of("/supervision/bulletin", &p),
    };
    let result = async {
        let q = bulletin_query(&p, 0)?;
        app.bulletin(actor, &q).await
    }
    .await;
    match result {
        Ok(view) => {
            page.view = Some(view);
            html(StatusCode::OK, render_page(&page))
        }
        // A wrong period is the user's to correct on the same page.
        Err(e @ AppError::Invalid(_)) => {
            page.error = Some(match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            });
            html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&page))
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

/// The bulletin as an Excel workbook: a title row with the court and period, a line of
/// totals, Chinese column headings, one row per entry.
pub fn bulletin_workbook(v: &BulletinView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};

    const HEADERS: [(&str, f64); 9] = [
        ("序号", 6.0),
        ("案号", 30.0),
        ("法院", 22.0),
        ("团队", 16.0),
        ("承办人", 10.0),
        ("流程节点", 30.0),
        ("类型", 8.0),
        ("应完成日", 12.0),
        ("通报日期", 12.0),
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("流程节点通报")?;
    let crate::sheet::SheetFormats {
        title, head, cell, ..
    } = crate::sheet::SheetFormats::new();
    let last_col = (HEADERS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{} 流程节点通报（{} 至 {}）", v.court_name, v.from, v.to),
        &title,
    )?;
    ws.set_row_height(0, 28)?;
    let mut totals = format!(
        "预警 {} 条 · 超期 {} 条 · 锁定 {} 条 · 共 {} 条",
        v.warnings, v.overdue, v.locked, v.total
    );
    if (v.entries.len() as i64) < v.total {
        totals.push_str(&format!("（本表列出前 {} 条）", v.entries.len()));
    }
    ws.merge_range(1, 0, 1, last_col, &totals, &Format::new())?;
    for (c, (name, width)) in HEADERS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(2, c as u16, *name, &head)?;
    }
    for (i, e) in v.entries.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        let texts = [
            e.case_number.as_str(),
            e.court_name.as_str(),
            e.team_name.as_deref().unwrap_or(""),
            e.officer_name.as_deref().unwrap_or(""),
            e.node_name_zh.as_str(),
            e.kind.name_zh(),
            e.due_on.as_str(),
        ];
        for (c, t) in texts.iter().enumerate() {
            ws.write_string_with_format(r, 1 + c as u16, *t, &cell)?;
        }
        ws.write_string_with_format(r, 8, e.date.to_string(), &cell)?;
    }
    ws.set_freeze_panes(3, 0)?;
    wb.save_to_buffer()
}

async fn bulletin_xlsx(
    State(app): State<App>,
    s: PageSession,
    Query(p): Query<Params>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        let mut q = bulletin_query(&p, BULLETIN_EXPORT_MAX)?;
        q.page = 1;
        app.bulletin(actor, &q).await
    }
    .await;
    let view = match result {
        Ok(v) => v,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    match bulletin_workbook(&view) {
        Ok(bytes) => {
            let name = format!("流程节点通报_{}_{}.xlsx", view.from, view.to);
            let disposition = crate::format::content_disposition(
                false,
                &name,
                &format!("bulletin-{}-{}.xlsx", view.from, view.to),
            );
            (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "bulletin workbook failed");
            error_page(lang, &AppError::Internal(format!("xlsx: {e}")), Some(user))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inbox
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub view: InboxView,
}

staff_page!(
    InboxPage,
    section = "inbox",
    home = true,
    back = |p| if p.view.page > 1 {
        format!("/inbox?page={}", p.view.page)
    } else {
        "/inbox".to_string()
    }
);

impl InboxPage {
    pub fn title<'a>(&self, n: &'a InboxItem) -> &'a str {
        if self.lang == Lang::Zh {
            &n.title_zh
        } else {
            &n.title_en
        }
    }

    pub fn page_href(&self, page: u32) -> String {
        if page > 1 {
            format!("/inbox?page={page}")
        } else {
            "/inbox".into()
        }
    }
}

async fn inbox_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let result = async {
        let page = page_param(&p)?;
        app.inbox(&s.session.actor, page).await
    }
    .await;
    match result {
        Ok(view) => {
            let page = InboxPage {
                lang,
                user,
                csrf: s.session.csrf.clone(),
                view,
            };
            html(StatusCode::OK, render_page(&page))
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

/// The nav's unread count, loaded by htmx after the page (one indexed COUNT): a badge, or
/// nothing when all is read.
///
/// Without a session (it ended while the page was open) it is empty too, never a redirect
/// that htmx would follow into the nav.
async fn inbox_badge(
    State(app): State<App>,
    headers: HeaderMap,
    s: Result<ApiSession, Response>,
) -> Response {
    let Ok(s) = s else {
        return Html(String::new()).into_response();
    };
    match app.unread_count(&s.session.actor).await {
        Ok(0) => Html(String::new()).into_response(),
        Ok(n) => {
            let shown = if n > 99 {
                "99+".to_string()
            } else {
                n.to_string()
            };
            let label = crate::i18n::tf(lang_of(&headers), "inbox.unread_badge", &[&n]);
            Html(format!(
                "<span class=\"badge badge-count\" aria-label=\"{label}\">{shown}</span>"
            ))
            .into_response()
        }
        Err(_) => Html(String::new()).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    csrf: String,
    /// One notification; absent: all of them.
    id: Option<i64>,
    #[serde(default)]
    page: Option<u32>,
}

async fn inbox_read(State(app): State<App>, s: PageSession, Form(f): Form<ReadForm>) -> Response {
    let lang = s.lang;
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(lang, &expired(), Some(s.session.user.clone()));
    }
    let ids: Vec<i64> = f.id.into_iter().collect();
    match app.mark_notifications_read(&s.session.actor, &ids).await {
        Ok(_) => {
            let back = match f.page {
                Some(p) if p > 1 => format!("/inbox?page={p}"),
                _ => "/inbox".to_string(),
            };
            Redirect::to(&back).into_response()
        }
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiSummaryRow {
    pub court_id: i64,
    pub court_name: String,
    /// Court, team or officer id; null for cases without a team / officer.
    pub group_id: Option<i64>,
    /// Its name; null for cases without a team / officer.
    pub name: Option<String>,
    /// Open nodes in warning (due soon).
    pub warning: i64,
    /// Open nodes past their due date.
    pub overdue: i64,
    /// Locked open cases.
    pub locked: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiSummary {
    /// `court`, `team` or `officer`.
    pub group: String,
    /// The Beijing date of the counts (YYYY-MM-DD).
    pub today: String,
    pub warning: i64,
    pub overdue: i64,
    pub locked: i64,
    pub rows: Vec<ApiSummaryRow>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiNodeLine {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    /// Null for a case locked without an overdue node.
    pub node_key: Option<String>,
    pub node_name_zh: Option<String>,
    pub node_name_en: Option<String>,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    /// YYYY-MM-DD.
    pub due_on: Option<String>,
    pub days_overdue: Option<i64>,
    pub days_left: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiNodeList {
    /// `warning`, `overdue` or `locked`.
    pub status: String,
    pub items: Vec<ApiNodeLine>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ApiBulletinEntry {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub node_key: String,
    pub node_name_zh: String,
    pub node_name_en: String,
    /// `warning` (预警), `overdue` (超期) or `locked` (锁定).
    pub kind: String,
    pub kind_zh: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    /// The Beijing date written, YYYY-MM-DD.
    pub date: String,
    /// UTC milliseconds.
    pub created_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiBulletin {
    pub from: String,
    pub to: String,
    pub court_id: Option<i64>,
    pub court_name: String,
    pub warnings: i64,
    pub overdue: i64,
    pub locked: i64,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
    pub entries: Vec<ApiBulletinEntry>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiNotification {
    pub id: i64,
    pub case_id: Option<i64>,
    /// `node_warning`, `node_overdue`, `case_locked`, …
    pub kind: String,
    pub title_zh: String,
    pub title_en: String,
    /// UTC milliseconds.
    pub created_at: i64,
    pub read: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ApiInbox {
    pub unread_count: i64,
    /// Every unread notification, newest first.
    pub unread: Vec<ApiNotification>,
    /// A page of read ones, newest first.
    pub read: Vec<ApiNotification>,
    pub read_total: i64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Deserialize, ToSchema)]
pub struct MarkReadRequest {
    /// The notifications to mark read; absent or empty: all of the caller's.
    #[serde(default)]
    pub ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MarkReadResult {
    /// How many changed from unread to read.
    pub marked: u64,
    /// Unread left.
    pub unread_count: i64,
}

fn api_notification(n: InboxItem) -> ApiNotification {
    ApiNotification {
        id: n.id,
        case_id: n.case_id,
        kind: n.kind,
        title_zh: n.title_zh,
        title_en: n.title_en,
        created_at: n.created_at,
        read: n.read,
    }
}

/// Counts of open nodes due soon (warning), overdue, and locked cases, in the caller's courts,
/// by court, team or officer (supervisors, bureau chiefs, team leaders).
#[utoipa::path(get, path = "/api/v1/supervision/summary",
    params(
        ("group" = Option<String>, Query, description = "court (default), team or officer"),
        ("court" = Option<i64>, Query, description = "one court (within yours)"),
    ),
    responses((status = 200, body = ApiSummary), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_summary(
    State(app): State<App>,
    s: ApiSession,
    Query(p): Query<Params>,
) -> Response {
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        let group = match param(&p, "group") {
            Some(g) => Grouping::from_key(g)?,
            None => Grouping::Court,
        };
        app.supervision_summary(actor, group, int_param(&p, "court")?)
            .await
    }
    .await;
    match result {
        Ok(v) => Json(ApiSummary {
            group: v.group.key().into(),
            today: v.today.to_string(),
            warning: v.warning,
            overdue: v.overdue,
            locked: v.locked,
            rows: v
                .rows
                .into_iter()
                .map(|r| ApiSummaryRow {
                    court_id: r.court_id,
                    court_name: r.court_name,
                    group_id: r.group_id,
                    name: r.name,
                    warning: r.warning,
                    overdue: r.overdue,
                    locked: r.locked,
                })
                .collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// The lines behind a count: open nodes in warning or overdue (oldest due first), or locked
/// cases with the node whose overdue locked them; 50 per page.
#[utoipa::path(get, path = "/api/v1/supervision/nodes",
    params(
        ("status" = Option<String>, Query, description = "warning, overdue (default) or locked"),
        ("court" = Option<i64>, Query, description = "one court (within yours)"),
        ("team" = Option<String>, Query, description = "team id, or `none` for cases without a team"),
        ("officer" = Option<String>, Query, description = "officer user id, or `none` for unassigned cases"),
        ("page" = Option<u32>, Query, description = "from 1"),
    ),
    responses((status = 200, body = ApiNodeList), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_nodes(State(app): State<App>, s: ApiSession, Query(p): Query<Params>) -> Response {
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        app.supervision_nodes(actor, &node_filter(&p)?).await
    }
    .await;
    match result {
        Ok(l) => Json(ApiNodeList {
            status: l.filter.status.key().into(),
            total: l.total,
            page: l.page,
            per_page: l.per_page,
            pages: l.pages(),
            items: l
                .items
                .into_iter()
                .map(|i| ApiNodeLine {
                    case_id: i.case_id,
                    case_number: i.case_number,
                    court_id: i.court_id,
                    court_name: i.court_name,
                    node_key: i.node_key,
                    node_name_zh: i.node_name_zh,
                    node_name_en: i.node_name_en,
                    team_name: i.team_name,
                    officer_name: i.officer_name,
                    due_on: i.due_on.map(|d| d.to_string()),
                    days_overdue: i.days_overdue,
                    days_left: i.days_left,
                })
                .collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// The bulletin (通报) of a period: warning, overdue and lock entries written from `from` to
/// `to` (Beijing dates, both included); 100 per page. A period ending before it starts is a
/// 422 with code `bulletin.period_reversed`.
#[utoipa::path(get, path = "/api/v1/supervision/bulletin",
    params(
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default the 1st of this month"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today"),
        ("court" = Option<i64>, Query, description = "one court (within yours)"),
        ("page" = Option<u32>, Query, description = "from 1"),
    ),
    responses((status = 200, body = ApiBulletin), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_bulletin(
    State(app): State<App>,
    s: ApiSession,
    Query(p): Query<Params>,
) -> Response {
    let actor = &s.session.actor;
    let result = async {
        may_supervise(actor)?;
        app.bulletin(actor, &bulletin_query(&p, 0)?).await
    }
    .await;
    match result {
        Ok(v) => {
            let pages = v.pages();
            Json(ApiBulletin {
                from: v.from.to_string(),
                to: v.to.to_string(),
                court_id: v.court_id,
                court_name: v.court_name,
                warnings: v.warnings,
                overdue: v.overdue,
                locked: v.locked,
                total: v.total,
                page: v.page,
                per_page: v.per_page,
                pages,
                entries: v
                    .entries
                    .into_iter()
                    .map(|e| ApiBulletinEntry {
                        id: e.id,
                        case_id: e.case_id,
                        case_number: e.case_number,
                        court_id: e.court_id,
                        court_name: e.court_name,
                        team_name: e.team_name,
                        officer_name: e.officer_name,
                        node_key: e.node_key,
                        node_name_zh: e.node_name_zh,
                        node_name_en: e.node_name_en,
                        kind: e.kind.key().into(),
                        kind_zh: e.kind.name_zh().into(),
                        due_on: e.due_on,
                        date: e.date.to_string(),
                        created_at: e.created_at,
                    })
                    .collect(),
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

/// The caller's notifications: every unread one, then a page of 50 read ones.
#[utoipa::path(get, path = "/api/v1/inbox",
    params(("page" = Option<u32>, Query, description = "page of the read notifications, from 1")),
    responses((status = 200, body = ApiInbox), (status = 401, body = crate::api::Problem)))]
pub async fn api_inbox(State(app): State<App>, s: ApiSession, Query(p): Query<Params>) -> Response {
    let result = async {
        let page = page_param(&p)?;
        app.inbox(&s.session.actor, page).await
    }
    .await;
    match result {
        Ok(v) => {
            let pages = v.pages();
            Json(ApiInbox {
                unread_count: v.unread_count,
                read_total: v.read_total,
                page: v.page,
                pages,
                unread: v.unread.into_iter().map(api_notification).collect(),
                read: v.read.into_iter().map(api_notification).collect(),
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

/// Marks the caller's notifications read (`ids`, or all of them); needs `X-CSRF-Token`.
#[utoipa::path(post, path = "/api/v1/inbox/read", request_body = MarkReadRequest,
    responses((status = 200, body = MarkReadResult), (status = 403, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_inbox_read(
    State(app): State<App>,
    s: ApiWrite,
    ApiJson(req): ApiJson<MarkReadRequest>,
) -> Response {
    let actor = &s.session.actor;
    let result = async {
        let marked = app.mark_notifications_read(actor, &req.ids).await?;
        let unread_count = app.unread_count(actor).await?;
        Ok::<_, AppError>(MarkReadResult {
            marked,
            unread_count,
        })
    }
    .await;
    match result {
        Ok(r) => Json(r).into_response(),
        Err(e) => problem(&e),
    }
}
