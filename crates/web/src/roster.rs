//! The reception window's duty roster (值班表): the managers' page, the public lobby screen and
//! the JSON API.
//!
//! - `GET /roster?week=YYYY-MM-DD` — the week's saved roster, each person's slots, leave, and an
//!   editor: "生成本周值班表" (`POST /roster/generate`) proposes a roster in the editor; the
//!   editor's selects post to `POST /roster/save`, and a roster with problems comes back as
//!   posted with every problem listed. Leave: `POST /roster/leave`, `POST /roster/leave/cancel`.
//! - `GET /lobby/{court_code}` — no sign-in: this week's roster (names only), today highlighted,
//!   the 24-hour duty phone, large text, refreshed every 10 minutes.
//! - `/api/v1/courts/{court_id}/roster[...]` and `/api/v1/courts/{court_id}/leave[...]`.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhixing_app::commands::Command;
use zhixing_app::roster::{shanghai_today, RosterBoard, RosterWeek};
use zhixing_app::views::CurrentUser;
use zhixing_app::{App, AppError};
use zhixing_domain::roster::{
    date_en, date_zh, monday_of, slot_name_en, slot_name_zh, Roster, RosterEntry,
};
use zhixing_domain::DomainError;

use crate::api::{problem, validation_problem, Problem, ValidationProblem};
use crate::i18n::{self, msg, Lang};
use crate::intake::FieldError;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{lang_of, same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::error_page;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/roster", get(roster_page))
        .route("/roster/generate", post(roster_generate))
        .route("/roster/save", post(roster_save))
        .route("/roster/leave", post(leave_add))
        .route("/roster/leave/cancel", post(leave_cancel))
        .route("/lobby/{court_code}", get(lobby))
}

pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/courts/{court_id}/roster",
            get(api_get_roster).put(api_save_roster),
        )
        .route("/courts/{court_id}/roster/generate", post(api_generate))
        .route(
            "/courts/{court_id}/leave",
            get(api_list_leave).post(api_add_leave),
        )
        .route(
            "/courts/{court_id}/leave/{user_id}/{date}",
            axum::routing::delete(api_cancel_leave),
        )
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn day_label(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => date_zh(d),
        Lang::En => date_en(d),
    }
}

fn slot_label(lang: Lang, slot: u32, spd: u32) -> String {
    match lang {
        Lang::Zh => slot_name_zh(slot, spd),
        Lang::En => slot_name_en(slot, spd),
    }
}

fn bad_date() -> AppError {
    AppError::invalid(
        "date.invalid",
        "日期格式不正确，应为 YYYY-MM-DD",
        "the date is not of the form YYYY-MM-DD",
    )
}

// ---------------------------------------------------------------------------------------------
// The managers' page

/// One row of the saved week: a day and who staffs each slot.
#[derive(Debug, Clone)]
pub struct GridRow {
    pub label: String,
    pub today: bool,
    pub cells: Vec<String>,
}

/// One option of a slot's select.
#[derive(Debug, Clone)]
pub struct SlotOption {
    pub user_id: i64,
    pub name: String,
    pub selected: bool,
    pub on_leave: bool,
}

#[derive(Debug, Clone)]
pub struct EditCell {
    pub field: String,
    pub label: String,
    pub options: Vec<SlotOption>,
    pub empty: bool,
}

#[derive(Debug, Clone)]
pub struct EditRow {
    pub label: String,
    pub cells: Vec<EditCell>,
}

#[derive(Debug, Clone)]
pub struct CountRow {
    pub name: String,
    pub count: u32,
    pub leave_days: usize,
}

#[derive(Debug, Clone)]
pub struct LeaveView {
    pub user_id: i64,
    pub name: String,
    pub date: String,
    pub label: String,
    pub reason: String,
}

#[derive(Template, Debug, Clone)]
#[template(path = "roster_page.html")]
pub struct RosterPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_name: String,
    pub court_code: String,
    pub week: String,
    pub week_label: String,
    pub prev_week: String,
    pub next_week: String,
    pub slot_names: Vec<String>,
    pub saved: bool,
    pub version: i64,
    pub grid: Vec<GridRow>,
    /// The editor's rows, when a roster is being edited (a proposal, the saved one, or one
    /// posted back with problems).
    pub editor: Vec<EditRow>,
    pub editor_slots: u32,
    pub editor_slot_names: Vec<String>,
    pub proposal: bool,
    pub slots: u32,
    pub duty_phone: String,
    pub counts: Vec<CountRow>,
    pub officers: Vec<(i64, String)>,
    pub leave: Vec<LeaveView>,
    pub notice: Option<String>,
    pub problems: Vec<String>,
}

staff_page!(
    RosterPage,
    section = "roster",
    home = true,
    back = |p| format!("/roster?week={}", p.week)
);

impl RosterPage {
    fn lobby_href(&self) -> String {
        format!("/lobby/{}", crate::format::url_encode(&self.court_code))
    }
}

/// What the editor shows: the roster being edited and its slots per day.
struct Editing {
    roster: Roster,
    slots: u32,
    proposal: bool,
}

fn grid(lang: Lang, week: &RosterWeek, roster: &Roster, spd: u32) -> Vec<GridRow> {
    let today = shanghai_today();
    week.days
        .iter()
        .map(|&d| GridRow {
            label: day_label(lang, d),
            today: d == today,
            cells: (1..=spd)
                .map(|slot| {
                    roster
                        .on(d)
                        .filter(|e| e.slot == slot)
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .collect(),
        })
        .collect()
}

fn build_page(
    s: &PageSession,
    board: RosterBoard,
    editing: Option<Editing>,
    notice: Option<String>,
    problems: Vec<String>,
    duty_phone: Option<String>,
) -> RosterPage {
    let lang = s.lang;
    let week = &board.week;
    let ws = week.week_start;
    let spd = week.slots_per_day;
    let on_leave = |u: i64, d: NaiveDate| board.leave.iter().any(|l| l.user_id == u && l.date == d);
    let (editor, editor_slots, proposal, counts_from) = match &editing {
        Some(e) => {
            let rows = week
                .days
                .iter()
                .map(|&d| EditRow {
                    label: day_label(lang, d),
                    cells: (1..=e.slots)
                        .map(|slot| {
                            let chosen: Vec<i64> = e
                                .roster
                                .on(d)
                                .filter(|x| x.slot == slot)
                                .map(|x| x.user_id)
                                .collect();
                            EditCell {
                                field: format!("e:{}:{slot}", ymd(d)),
                                label: format!(
                                    "{} {}",
                                    day_label(lang, d),
                                    slot_label(lang, slot, e.slots)
                                ),
                                empty: chosen.is_empty(),
                                options: board
                                    .officers
                                    .iter()
                                    .map(|o| SlotOption {
                                        user_id: o.user_id,
                                        name: o.name.clone(),
                                        selected: chosen.first() == Some(&o.user_id),
                                        on_leave: on_leave(o.user_id, d),
                                    })
                                    .collect(),
                            }
                        })
                        .collect(),
                })
                .collect();
            (rows, e.slots, e.proposal, e.roster.counts())
        }
        None => (Vec::new(), spd, false, board.counts.clone()),
    };
    let counts = board
        .officers
        .iter()
        .map(|o| CountRow {
            name: o.name.clone(),
            count: counts_from.get(&o.user_id).copied().unwrap_or(0),
            leave_days: board
                .leave
                .iter()
                .filter(|l| l.user_id == o.user_id)
                .count(),
        })
        .collect();
    RosterPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_name: week.court_name.clone(),
        court_code: week.court_code.clone(),
        week: ymd(ws),
        week_label: msg(
            lang,
            format!("{} — {}", date_zh(ws), date_zh(ws + Days::new(6))),
            format!("{} — {}", date_en(ws), date_en(ws + Days::new(6))),
        ),
        prev_week: ymd(ws - Days::new(7)),
        next_week: ymd(ws + Days::new(7)),
        slot_names: (1..=spd).map(|i| slot_label(lang, i, spd)).collect(),
        saved: week.saved(),
        version: week.version,
        grid: grid(lang, week, &week.roster, spd),
        editor,
        editor_slots,
        editor_slot_names: (1..=editor_slots)
            .map(|i| slot_label(lang, i, editor_slots))
            .collect(),
        proposal,
        slots: if week.saved() {
            spd
        } else {
            board.suggested_slots
        },
        duty_phone: duty_phone.unwrap_or_else(|| week.duty_phone.clone()),
        counts,
        officers: board
            .officers
            .iter()
            .map(|o| (o.user_id, o.name.clone()))
            .collect(),
        leave: board
            .leave
            .iter()
            .map(|l| LeaveView {
                user_id: l.user_id,
                name: l.name.clone(),
                date: ymd(l.date),
                label: day_label(lang, l.date),
                reason: l.reason.clone(),
            })
            .collect(),
        notice,
        problems,
    }
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn week_of(raw: Option<&String>) -> Result<NaiveDate, AppError> {
    match raw.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(monday_of(shanghai_today())),
        Some(v) => parse_date(v).map(monday_of).ok_or_else(bad_date),
    }
}

async fn roster_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let actor = &s.session.actor;
    let week = match week_of(q.get("week")) {
        Ok(w) => w,
        Err(e) => return error_page(s.lang, &e, Some(s.session.user)),
    };
    let board = match app.roster_board(actor, actor.court_id, week).await {
        Ok(b) => b,
        Err(e) => return error_page(s.lang, &e, Some(s.session.user)),
    };
    let notice = q
        .get("saved")
        .and_then(|v| v.parse::<i64>().ok())
        .map(|v| {
            msg(
                s.lang,
                format!("值班表已保存（第 {v} 版），大厅公示屏将同步显示。"),
                format!("The roster was saved (version {v}); the lobby screen shows it."),
            )
        })
        .or_else(|| {
            q.contains_key("leave").then(|| {
                msg(
                    s.lang,
                    "请假已更新。如本周值班表已保存，请检查是否需要重新排班。",
                    "Leave updated. If this week's roster is saved, check whether it needs changing.",
                )
            })
        });
    let editing = board.week.saved().then(|| Editing {
        roster: board.week.roster.clone(),
        slots: board.week.slots_per_day,
        proposal: false,
    });
    let p = build_page(&s, board, editing, notice, Vec::new(), None);
    html(StatusCode::OK, render_page(&p))
}

fn form_map(pairs: &[(String, String)]) -> HashMap<&str, &str> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn bad_form() -> AppError {
    AppError::invalid(
        "request.invalid_form",
        "提交的表单格式不正确，请刷新页面后重试",
        "the form could not be read; reload the page and try again",
    )
}

fn csrf_failed() -> AppError {
    AppError::forbidden(
        "页面已过期，请刷新后重试",
        "the page has expired; reload it and try again",
    )
}

/// The posted form, after the CSRF check.
fn checked_form(
    s: &PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Vec<(String, String)>, AppError> {
    let Ok(Form(pairs)) = body else {
        return Err(bad_form());
    };
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !same_secret(&s.session.csrf, csrf) {
        return Err(csrf_failed());
    }
    Ok(pairs)
}

fn slots_of(raw: Option<&&str>) -> Result<u32, AppError> {
    raw.and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            AppError::invalid(
                "roster.slots_per_day",
                "每天班次数应为数字",
                "slots per day must be a number",
            )
        })
}

/// A roster form post with a valid CSRF token: its fields, the week it names and that week's
/// board as the app sees it now.
async fn posted_week(
    app: &App,
    s: &PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(Vec<(String, String)>, NaiveDate, RosterBoard), AppError> {
    let pairs = checked_form(s, body)?;
    let week = week_of(form_map(&pairs).get("week").map(|v| v.to_string()).as_ref())?;
    let actor = &s.session.actor;
    let board = app.roster_board(actor, actor.court_id, week).await?;
    Ok((pairs, week, board))
}

async fn roster_generate(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let actor = s.session.actor.clone();
    let (pairs, week, board) = match posted_week(&app, &s, body).await {
        Ok(x) => x,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let f = form_map(&pairs);
    let phone = f.get("duty_phone").map(|v| v.to_string());
    let slots = match slots_of(f.get("slots")) {
        Ok(n) => n,
        Err(e) => {
            let p = build_page(&s, board, None, None, vec![text(lang, &e)], phone);
            return html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&p));
        }
    };
    match app
        .generate_roster(&actor, actor.court_id, week, slots)
        .await
    {
        Ok(roster) => {
            let notice = Some(msg(
                lang,
                "已生成本周值班表建议，可逐格调整后保存；保存前不会生效。",
                "A proposed roster was generated; adjust any slot, then save. Nothing is saved yet.",
            ));
            let editing = Editing {
                roster,
                slots,
                proposal: true,
            };
            let p = build_page(&s, board, Some(editing), notice, Vec::new(), phone);
            html(StatusCode::OK, render_page(&p))
        }
        Err(e @ AppError::Invalid(_)) => {
            let mut p = build_page(&s, board, None, None, vec![text(lang, &e)], phone);
            p.slots = slots;
            html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&p))
        }
        Err(e) => error_page(lang, &e, Some(s.session.user)),
    }
}

fn text(lang: Lang, e: &AppError) -> String {
    msg(lang, e.message_zh(), e.message_en())
}

fn problem_texts(lang: Lang, problems: &[DomainError]) -> Vec<String> {
    problems
        .iter()
        .map(|e| msg(lang, e.zh.clone(), e.en.clone()))
        .collect()
}

/// The editor's selects as roster entries: `e:YYYY-MM-DD:slot` = user id ("" = left empty).
fn posted_entries(pairs: &[(String, String)], names: &HashMap<i64, String>) -> Vec<RosterEntry> {
    let mut out = Vec::new();
    for (k, v) in pairs {
        let Some(rest) = k.strip_prefix("e:") else {
            continue;
        };
        let Some((d, slot)) = rest.rsplit_once(':') else {
            continue;
        };
        let (Some(date), Ok(slot), Ok(user_id)) =
            (parse_date(d), slot.parse::<u32>(), v.trim().parse::<i64>())
        else {
            continue;
        };
        out.push(RosterEntry {
            date,
            slot,
            user_id,
            name: names.get(&user_id).cloned().unwrap_or_default(),
        });
    }
    out
}

async fn roster_save(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let actor = s.session.actor.clone();
    let (pairs, week, board) = match posted_week(&app, &s, body).await {
        Ok(x) => x,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let f = form_map(&pairs);
    let version = f
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let phone = f
        .get("duty_phone")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let slots = match slots_of(f.get("slots")) {
        Ok(n) => n,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let names: HashMap<i64, String> = board
        .officers
        .iter()
        .map(|o| (o.user_id, o.name.clone()))
        .collect();
    let entries = posted_entries(&pairs, &names);
    let posted = Editing {
        roster: Roster {
            week_start: week,
            entries: entries.clone(),
        },
        slots,
        proposal: !board.week.saved(),
    };
    // Every problem at once, before the command (which refuses with them too).
    let problems = match app
        .roster_edit_problems(&actor, actor.court_id, week, slots, &entries)
        .await
    {
        Ok(p) => problem_texts(lang, &p),
        Err(e @ AppError::Invalid(_)) => vec![text(lang, &e)],
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    if !problems.is_empty() {
        let p = build_page(&s, board, Some(posted), None, problems, Some(phone));
        return html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&p));
    }
    let cmd = Command::SaveRoster {
        court_id: actor.court_id,
        week_start: week,
        slots_per_day: slots,
        duty_phone: phone.clone(),
        entries,
        expected_version: version,
    };
    match app.execute(&actor, cmd).await {
        Ok(out) => Redirect::to(&format!(
            "/roster?week={}&saved={}",
            ymd(week),
            out.version.unwrap_or(0)
        ))
        .into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::CONFLICT);
            let p = build_page(
                &s,
                board,
                Some(posted),
                None,
                vec![text(lang, &e)],
                Some(phone),
            );
            html(status, render_page(&p))
        }
        Err(e) => error_page(lang, &e, Some(s.session.user)),
    }
}

async fn leave_change(
    app: App,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
    add: bool,
) -> Response {
    let lang = s.lang;
    let actor = s.session.actor.clone();
    let pairs = match checked_form(&s, body) {
        Ok(p) => p,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let f = form_map(&pairs);
    let week = match week_of(f.get("week").map(|v| v.to_string()).as_ref()) {
        Ok(w) => w,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let user_id = f.get("user_id").and_then(|v| v.trim().parse::<i64>().ok());
    let date = f.get("date").and_then(|v| parse_date(v));
    let result = match (user_id, date) {
        (Some(user_id), Some(date)) => {
            let cmd = if add {
                Command::RecordLeave {
                    court_id: actor.court_id,
                    user_id,
                    date,
                    reason: f.get("reason").map(|v| v.to_string()).unwrap_or_default(),
                }
            } else {
                Command::CancelLeave {
                    court_id: actor.court_id,
                    user_id,
                    date,
                }
            };
            app.execute(&actor, cmd).await.map(|_| ())
        }
        (None, _) => Err(AppError::invalid(
            "leave.person_required",
            "请选择请假人员",
            "choose who is on leave",
        )),
        (_, None) => Err(bad_date()),
    };
    match result {
        Ok(()) => {
            // Show the week of the leave day when it is another week.
            let to = date.map(monday_of).unwrap_or(week);
            Redirect::to(&format!("/roster?week={}&leave=1", ymd(to))).into_response()
        }
        Err(e @ AppError::Invalid(_)) => {
            let board = match app.roster_board(&actor, actor.court_id, week).await {
                Ok(b) => b,
                Err(e) => return error_page(lang, &e, Some(s.session.user)),
            };
            let editing = board.week.saved().then(|| Editing {
                roster: board.week.roster.clone(),
                slots: board.week.slots_per_day,
                proposal: false,
            });
            let p = build_page(&s, board, editing, None, vec![text(lang, &e)], None);
            html(StatusCode::UNPROCESSABLE_ENTITY, render_page(&p))
        }
        Err(e) => error_page(lang, &e, Some(s.session.user)),
    }
}

async fn leave_add(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    leave_change(app, s, body, true).await
}

async fn leave_cancel(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    leave_change(app, s, body, false).await
}

// ---------------------------------------------------------------------------------------------
// The lobby screen (public)

#[derive(Template, Debug, Clone)]
#[template(path = "lobby.html")]
pub struct LobbyPage {
    pub lang: Lang,
    pub court_name: String,
    pub week_label: String,
    pub slot_names: Vec<String>,
    pub grid: Vec<GridRow>,
    pub published: bool,
    pub duty_phone: String,
    pub today: String,
}

impl LobbyPage {
    fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }
}

async fn lobby(State(app): State<App>, headers: HeaderMap, Path(code): Path<String>) -> Response {
    let lang = lang_of(&headers);
    let week = match app.lobby_roster(&code).await {
        Ok(w) => w,
        Err(e) => return error_page(lang, &e, None),
    };
    let ws = week.week_start;
    let spd = week.slots_per_day;
    let p = LobbyPage {
        lang,
        court_name: week.court_name.clone(),
        week_label: msg(
            lang,
            format!("{} — {}", date_zh(ws), date_zh(ws + Days::new(6))),
            format!("{} — {}", date_en(ws), date_en(ws + Days::new(6))),
        ),
        slot_names: (1..=spd).map(|i| slot_label(lang, i, spd)).collect(),
        grid: grid(lang, &week, &week.roster, spd),
        published: week.saved(),
        duty_phone: week.duty_phone.clone(),
        today: day_label(lang, shanghai_today()),
    };
    let mut resp = html(StatusCode::OK, render_page(&p));
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    resp
}

// ---------------------------------------------------------------------------------------------
// The API

/// One staffed slot.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct ApiRosterEntry {
    /// `YYYY-MM-DD`
    pub date: String,
    /// From 1: with two slots a day 1 is the morning, 2 the afternoon.
    pub slot: u32,
    pub user_id: i64,
    /// Filled in by the server from the court's staff; ignored on input.
    #[serde(default)]
    pub name: String,
}

/// A week's roster.
#[derive(Serialize, ToSchema)]
pub struct ApiRoster {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    /// The Monday, `YYYY-MM-DD`.
    pub week_start: String,
    /// The open days.
    pub days: Vec<String>,
    pub slots_per_day: u32,
    /// The 24-hour duty phone.
    pub duty_phone: String,
    /// Send back with PUT; 0 = never saved.
    pub version: i64,
    pub entries: Vec<ApiRosterEntry>,
    /// Slots per person this week: `{user_id: count}`.
    pub counts: BTreeMap<i64, u32>,
}

/// A proposed roster (not saved).
#[derive(Serialize, ToSchema)]
pub struct ApiRosterProposal {
    pub week_start: String,
    pub slots_per_day: u32,
    pub entries: Vec<ApiRosterEntry>,
    pub counts: BTreeMap<i64, u32>,
}

#[derive(Deserialize, ToSchema)]
pub struct GenerateRosterRequest {
    /// Any day of the week, `YYYY-MM-DD`.
    pub week_start: String,
    pub slots_per_day: u32,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveRosterRequest {
    /// The Monday, `YYYY-MM-DD`.
    pub week_start: String,
    pub slots_per_day: u32,
    pub duty_phone: String,
    /// The version you read (0 for a week never saved); a newer save answers 409.
    pub expected_version: i64,
    pub entries: Vec<ApiRosterEntry>,
}

#[derive(Deserialize, IntoParams)]
pub struct WeekQuery {
    /// Any day of the week, `YYYY-MM-DD`; this week if absent.
    pub week: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct LeaveQuery {
    /// First day, `YYYY-MM-DD` (default: Monday of this week).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: four weeks after `from`).
    pub to: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ApiLeave {
    pub user_id: i64,
    /// Filled in by the server; ignored on input.
    #[serde(default)]
    pub name: String,
    /// `YYYY-MM-DD`
    pub date: String,
    pub reason: String,
}

fn api_entries(r: &Roster) -> Vec<ApiRosterEntry> {
    r.entries
        .iter()
        .map(|e| ApiRosterEntry {
            date: ymd(e.date),
            slot: e.slot,
            user_id: e.user_id,
            name: e.name.clone(),
        })
        .collect()
}

fn api_roster(w: &RosterWeek) -> ApiRoster {
    ApiRoster {
        court_id: w.court_id,
        court_code: w.court_code.clone(),
        court_name: w.court_name.clone(),
        week_start: ymd(w.week_start),
        days: w.days.iter().map(|d| ymd(*d)).collect(),
        slots_per_day: w.slots_per_day,
        duty_phone: w.duty_phone.clone(),
        version: w.version,
        entries: api_entries(&w.roster),
        counts: w.roster.counts(),
    }
}

fn court_of(raw: &str) -> Result<i64, Box<Response>> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| Box::new(problem(&AppError::NotFound)))
}

fn api_date(raw: &str, field: &str) -> Result<NaiveDate, Box<Response>> {
    parse_date(raw).ok_or_else(|| {
        Box::new(validation_problem(vec![FieldError {
            field: field.into(),
            code: "date.invalid".into(),
            zh: "日期格式不正确，应为 YYYY-MM-DD".into(),
            en: "the date is not of the form YYYY-MM-DD".into(),
        }]))
    })
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/roster",
    params(("court_id" = i64, Path, description = "your court's id"), WeekQuery),
    responses((status = 200, body = ApiRoster, description = "the saved roster (version 0 and no entries if never saved)"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "not a roster manager of this court"),
        (status = 404, body = Problem)))]
pub async fn api_get_roster(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let week = match week_of(q.week.as_ref()) {
        Ok(w) => w,
        Err(e) => return problem(&e),
    };
    match app.roster_board(&s.session.actor, court_id, week).await {
        Ok(b) => Json(api_roster(&b.week)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/courts/{court_id}/roster/generate",
    request_body = GenerateRosterRequest,
    params(("court_id" = i64, Path, description = "your court's id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 200, body = ApiRosterProposal, description = "a proposal; nothing is saved"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "no roster is possible (too few slots, everyone away…), with the reason")))]
pub async fn api_generate(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<GenerateRosterRequest>, Response>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let ApiJson(req) = match body {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let week = match api_date(&req.week_start, "week_start") {
        Ok(d) => monday_of(d),
        Err(r) => return *r,
    };
    match app
        .generate_roster(&s.session.actor, court_id, week, req.slots_per_day)
        .await
    {
        Ok(r) => Json(ApiRosterProposal {
            week_start: ymd(week),
            slots_per_day: req.slots_per_day,
            entries: api_entries(&r),
            counts: r.counts(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/courts/{court_id}/roster",
    request_body = SaveRosterRequest,
    params(("court_id" = i64, Path, description = "your court's id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 200, body = ApiRoster, description = "saved"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "someone saved the week after `expected_version`"),
        (status = 422, body = ValidationProblem, description = "every problem of the roster (field `entries`), or a bad phone/date")))]
pub async fn api_save_roster(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<SaveRosterRequest>, Response>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let ApiJson(req) = match body {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let week = match api_date(&req.week_start, "week_start") {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let mut entries = Vec::with_capacity(req.entries.len());
    for (i, e) in req.entries.iter().enumerate() {
        let date = match api_date(&e.date, &format!("entries[{i}].date")) {
            Ok(d) => d,
            Err(r) => return *r,
        };
        entries.push(RosterEntry {
            date,
            slot: e.slot,
            user_id: e.user_id,
            name: e.name.clone(),
        });
    }
    let actor = &s.session.actor;
    match app
        .roster_edit_problems(actor, court_id, week, req.slots_per_day, &entries)
        .await
    {
        Ok(p) if !p.is_empty() => {
            return validation_problem(p.iter().map(|e| FieldError::new("entries", e)).collect())
        }
        Ok(_) => {}
        Err(e) => return problem(&e),
    }
    let cmd = Command::SaveRoster {
        court_id,
        week_start: week,
        slots_per_day: req.slots_per_day,
        duty_phone: req.duty_phone,
        entries,
        expected_version: req.expected_version,
    };
    if let Err(e) = app.execute(actor, cmd).await {
        return problem(&e);
    }
    match app.roster_week(court_id, week).await {
        Ok(w) => Json(api_roster(&w)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/leave",
    params(("court_id" = i64, Path, description = "your court's id"), LeaveQuery),
    responses((status = 200, body = [ApiLeave]), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn api_list_leave(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
    Query(q): Query<LeaveQuery>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let from = match q.from.as_deref() {
        None => monday_of(shanghai_today()),
        Some(v) => match api_date(v, "from") {
            Ok(d) => d,
            Err(r) => return *r,
        },
    };
    let to = match q.to.as_deref() {
        None => from + Days::new(27),
        Some(v) => match api_date(v, "to") {
            Ok(d) => d,
            Err(r) => return *r,
        },
    };
    match app.court_leave(&s.session.actor, court_id, from, to).await {
        Ok(list) => Json(
            list.into_iter()
                .map(|l| ApiLeave {
                    user_id: l.user_id,
                    name: l.name,
                    date: ymd(l.date),
                    reason: l.reason,
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/courts/{court_id}/leave",
    request_body = ApiLeave,
    params(("court_id" = i64, Path, description = "your court's id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 201, description = "recorded"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "no reason, not a member of the court, already on leave that day…")))]
pub async fn api_add_leave(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<ApiLeave>, Response>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let ApiJson(req) = match body {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let date = match api_date(&req.date, "date") {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let cmd = Command::RecordLeave {
        court_id,
        user_id: req.user_id,
        date,
        reason: req.reason,
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => StatusCode::CREATED.into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(delete, path = "/api/v1/courts/{court_id}/leave/{user_id}/{date}",
    params(("court_id" = i64, Path, description = "your court's id"),
        ("user_id" = i64, Path), ("date" = String, Path, description = "`YYYY-MM-DD`"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 204, description = "cancelled"), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "no such leave")))]
pub async fn api_cancel_leave(
    State(app): State<App>,
    s: ApiWrite,
    Path((raw, user_id, date)): Path<(String, i64, String)>,
) -> Response {
    let court_id = match court_of(&raw) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let date = match api_date(&date, "date") {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let cmd = Command::CancelLeave {
        court_id,
        user_id,
        date,
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => problem(&e),
    }
}
