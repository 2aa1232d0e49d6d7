//! The command centre (指挥中心), quality metrics (质效指标) and campaigns (专项行动), pages,
//! exports and API:
//! - `GET /metrics?court=&team=&officer=&campaign=&period=&from=&to=` — a unit's figures with the
//!   previous period's, the change and each definition, the monthly trend (chart and table), the
//!   teams' assessment by kind (繁简分类考核); `unit=court:C|team:C:T|officer:C:O` is the
//!   picker's one field for the same three;
//! - `GET /metrics/ranking?court=&metric=&period=` — the courts below a court ranked;
//! - `GET /metrics/cases?…&set=KEY&page=` — the cases behind a figure;
//! - `GET /command-centre?court=&period=` (`&wall=1`: the large screen of the command centre);
//! - `GET|POST /campaigns`, `GET /campaigns/{id}`, `POST /campaigns/{id}/tag|untag`;
//! - `GET /metrics.xlsx`, `/metrics/ranking.xlsx`, `/metrics/report.docx?court=&month=`;
//! - the `/api/v1` twins.
//!
//! A period is a `StatPeriod::parse` spec (`ytd` by default), or `from` and `to` dates for a
//! custom one. Bad query input (a reversed period, an unknown metric) answers 400, not the
//! 422 of a refused command: nothing was asked to change. The formulas are the domain's, the
//! figures the app's; nothing here computes a figure.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Form, Json, Router};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::metrics::{
    CampaignInput, CampaignView, Dashboard, DrillRow, DrillView, FigureView, MetricsQuery,
    MetricsView, RankingView, TeamAssessment, TeamLoad, TrendPoint, CAMPAIGN_MANAGERS, DRILL_PAGE,
};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_docs::{Block, DocModel};
use zhixing_domain::case::Stage;
use zhixing_domain::metrics::{Metric, StatPeriod, Unit};
use zhixing_domain::money::Fen;

use crate::api::{problem, Problem};
use crate::format::url_encode;
use crate::i18n::{msg, Lang};
use crate::intake::today_shanghai;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub fn routes() -> Router<App> {
    Router::new()
        .route("/metrics", get(metrics_page))
        .route("/metrics.xlsx", get(metrics_xlsx))
        .route("/metrics/ranking", get(ranking_page))
        .route("/metrics/ranking.xlsx", get(ranking_xlsx))
        .route("/metrics/cases", get(drill_page))
        .route("/metrics/report.docx", get(report_docx))
        .route("/command-centre", get(dashboard_page))
        .route("/campaigns", get(campaigns_page).post(campaign_create))
        .route("/campaigns/{id}", get(campaign_page))
        .route("/campaigns/{id}/tag", post(campaign_tag))
        .route("/campaigns/{id}/untag", post(campaign_untag))
        .route("/api/v1/metrics", get(api_metrics))
        .route("/api/v1/metrics/ranking", get(api_ranking))
        .route("/api/v1/metrics/cases", get(api_cases))
        .route("/api/v1/command-centre", get(api_dashboard))
        .route(
            "/api/v1/campaigns",
            get(api_campaigns).post(api_campaign_create),
        )
        .route("/api/v1/campaigns/{id}", get(api_campaign))
        .route("/api/v1/campaigns/{id}/cases", post(api_campaign_tag))
        .route(
            "/api/v1/campaigns/{id}/cases/{case_id}",
            delete(api_campaign_untag),
        )
}

// ---------------------------------------------------------------------------------------------
// Reading the query
// ---------------------------------------------------------------------------------------------

/// Query strings as maps: pages send `court`, API clients `court_id`; both are read, and an
/// empty field of a GET form counts as absent.
type Params = HashMap<String, String>;

fn param<'a>(p: &'a Params, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| p.get(*k))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

fn id_param(p: &Params, keys: &[&str]) -> Result<Option<i64>, AppError> {
    match param(p, keys) {
        None => Ok(None),
        Some(raw) => raw.parse::<i64>().map(Some).map_err(|_| {
            AppError::invalid(
                "metrics.bad_param",
                format!("参数 {} 的值“{raw}”不是有效的编号", keys[0]),
                format!("the parameter {} (\"{raw}\") is not a valid id", keys[0]),
            )
        }),
    }
}

fn page_param(p: &Params) -> Result<u32, AppError> {
    match param(p, &["page"]) {
        None => Ok(1),
        Some(raw) => raw.parse::<u32>().map(|n| n.max(1)).map_err(|_| {
            AppError::invalid(
                "metrics.bad_param",
                format!("页码“{raw}”不是有效的数字"),
                format!("the page \"{raw}\" is not a number"),
            )
        }),
    }
}

/// The period: a spec, or `from`/`to` for a custom one (the picker's "custom" choice).
fn period_of(p: &Params, today: NaiveDate) -> Result<StatPeriod, AppError> {
    let spec = param(p, &["period"]).unwrap_or("");
    let from = param(p, &["from"]);
    let to = param(p, &["to"]);
    let custom = spec.eq_ignore_ascii_case("custom")
        || (spec.is_empty() && (from.is_some() || to.is_some()));
    if !custom {
        return Ok(StatPeriod::parse(spec, today)?);
    }
    match (from, to) {
        (Some(f), Some(t)) => Ok(StatPeriod::parse(&format!("{f}..{t}"), today)?),
        _ => Err(AppError::invalid(
            "metrics.custom_incomplete",
            "自定义统计期间须同时填写开始日和结束日",
            "a custom period needs both a start and an end date",
        )),
    }
}

/// The picker's `unit`: `court:C`, `team:C:T` or `officer:C:O`.
fn unit_of(raw: &str) -> Result<(i64, Option<i64>, Option<i64>), AppError> {
    let bad = || {
        AppError::invalid(
            "metrics.bad_param",
            format!("无法识别的统计对象“{raw}”"),
            format!("cannot read the unit \"{raw}\""),
        )
    };
    let parts: Vec<&str> = raw.split(':').collect();
    let n = |i: usize| -> Result<i64, AppError> {
        parts
            .get(i)
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    match (parts.first().copied(), parts.len()) {
        (Some("court"), 2) => Ok((n(1)?, None, None)),
        (Some("team"), 3) => Ok((n(1)?, Some(n(2)?), None)),
        (Some("officer"), 3) => Ok((n(1)?, None, Some(n(2)?))),
        _ => Err(bad()),
    }
}

fn query_of(actor: &Actor, p: &Params, today: NaiveDate) -> Result<MetricsQuery, AppError> {
    let period = period_of(p, today)?;
    let (court_id, team_id, officer_id) = match param(p, &["unit"]) {
        Some(u) => unit_of(u)?,
        None => (
            id_param(p, &["court", "court_id"])?.unwrap_or(actor.court_id),
            id_param(p, &["team", "team_id"])?,
            id_param(p, &["officer", "officer_id"])?,
        ),
    };
    Ok(MetricsQuery {
        court_id,
        team_id,
        officer_id,
        campaign_id: id_param(p, &["campaign", "campaign_id"])?,
        period,
    })
}

fn metric_of(p: &Params) -> Result<Metric, AppError> {
    Ok(Metric::from_key(
        param(p, &["metric"]).unwrap_or(Metric::ClosureRate.key()),
    )?)
}

/// The canonical query string of a view: what its links and exports carry.
fn qs(q: &MetricsQuery) -> String {
    let mut s = format!("court={}", q.court_id);
    if let Some(t) = q.team_id {
        s.push_str(&format!("&team={t}"));
    }
    if let Some(o) = q.officer_id {
        s.push_str(&format!("&officer={o}"));
    }
    if let Some(c) = q.campaign_id {
        s.push_str(&format!("&campaign={c}"));
    }
    s.push_str(&format!("&period={}", url_encode(&q.period.spec())));
    s
}

/// A refusal of query input is a bad request (400); others keep their status.
fn query_problem(e: &AppError) -> Response {
    if e.status() != 422 {
        return problem(e);
    }
    let body = Problem {
        kind: format!("https://zhixing.invalid/problems/{}", e.code()),
        title: "Bad Request".into(),
        status: 400,
        code: e.code().to_string(),
        detail: e.message_zh(),
        message_zh: e.message_zh(),
        message_en: e.message_en(),
    };
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

fn query_error_page(lang: Lang, e: &AppError, user: CurrentUser) -> Response {
    let mut r = error_page(lang, e, Some(user));
    if e.status() == 422 {
        *r.status_mut() = StatusCode::BAD_REQUEST;
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Presentation helpers
// ---------------------------------------------------------------------------------------------

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// The period picker: year to date, this and last month, this year's quarters so far, this and
/// last year, and custom dates.
pub struct PeriodPicker {
    pub options: Vec<Choice>,
    pub custom: bool,
    pub from: String,
    pub to: String,
}

fn period_picker(lang: Lang, today: NaiveDate, current: &StatPeriod) -> PeriodPicker {
    let label = |p: &StatPeriod| msg(lang, p.label_zh(), p.label_en());
    let mut list: Vec<(String, String)> =
        vec![("ytd".into(), msg(lang, "本年至今", "Year to date"))];
    let y = today.year();
    if let Ok(m) = StatPeriod::month(y, today.month()) {
        list.push((
            m.spec(),
            msg(
                lang,
                format!("本月（{}）", m.label_zh()),
                format!("This month ({})", m.label_en()),
            ),
        ));
    }
    let first = today.with_day(1).unwrap_or(today);
    if let Some(lm) = first
        .checked_sub_months(Months::new(1))
        .and_then(|d| StatPeriod::month(d.year(), d.month()).ok())
    {
        list.push((
            lm.spec(),
            msg(
                lang,
                format!("上月（{}）", lm.label_zh()),
                format!("Last month ({})", lm.label_en()),
            ),
        ));
    }
    for q in 1..=today.month0() / 3 + 1 {
        if let Ok(p) = StatPeriod::quarter(y, q) {
            list.push((p.spec(), label(&p)));
        }
    }
    for year in [y, y - 1] {
        if let Ok(p) = StatPeriod::year(year) {
            list.push((p.spec(), label(&p)));
        }
    }
    let spec = current.spec();
    let custom = current.kind == zhixing_domain::metrics::PeriodKind::Custom;
    if !custom && !list.iter().any(|(v, _)| *v == spec) {
        list.push((spec.clone(), label(current)));
    }
    let mut options: Vec<Choice> = list
        .into_iter()
        .map(|(value, label)| Choice {
            selected: !custom && value == spec,
            value,
            label,
        })
        .collect();
    options.push(Choice {
        value: "custom".into(),
        label: msg(lang, "自定义期间", "Custom dates"),
        selected: custom,
    });
    PeriodPicker {
        options,
        custom,
        from: if custom {
            current.from.to_string()
        } else {
            String::new()
        },
        to: if custom {
            current.to.to_string()
        } else {
            String::new()
        },
    }
}

fn court_name(app: &App, id: i64) -> String {
    app.court_tree()
        .get(id)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

fn has_courts_below(app: &App, id: i64) -> bool {
    app.court_tree()
        .courts
        .iter()
        .any(|c| c.parent_id == Some(id))
}

/// The courts the user can see, in the tree's order, named "(and the courts below)" where
/// they have some.
fn visible_courts(app: &App, actor: &Actor, lang: Lang) -> Vec<(i64, String, bool)> {
    let tree = app.court_tree();
    tree.courts
        .iter()
        .filter(|c| actor.visible_courts.contains(&c.id))
        .map(|c| {
            let below = tree.courts.iter().any(|k| k.parent_id == Some(c.id));
            let name = if below {
                msg(
                    lang,
                    format!("{}（含辖区）", c.name),
                    format!("{} (and the courts below)", c.name),
                )
            } else {
                c.name.clone()
            };
            (c.id, name, below)
        })
        .collect()
}

/// The unit picker: the courts the user can see, then the chosen court's teams and officers.
async fn unit_picker(app: &App, actor: &Actor, lang: Lang, q: &MetricsQuery) -> Vec<ChoiceGroup> {
    let mut groups = Vec::new();
    let courts = visible_courts(app, actor, lang);
    let whole = q.team_id.is_none() && q.officer_id.is_none();
    groups.push(ChoiceGroup {
        label: msg(lang, "法院", "Courts"),
        options: courts
            .iter()
            .map(|(id, name, _)| Choice {
                value: format!("court:{id}"),
                label: name.clone(),
                selected: whole && *id == q.court_id,
            })
            .collect(),
    });
    let Ok((teams, officers)) = app.metric_units(actor, q.court_id).await else {
        return groups;
    };
    let c = q.court_id;
    if !teams.is_empty() {
        groups.push(ChoiceGroup {
            label: msg(lang, "团队", "Teams"),
            options: teams
                .into_iter()
                .map(|t| Choice {
                    value: format!("team:{c}:{}", t.id),
                    selected: q.team_id == Some(t.id),
                    label: t.name,
                })
                .collect(),
        });
    }
    if !officers.is_empty() {
        groups.push(ChoiceGroup {
            label: msg(lang, "承办人", "Officers"),
            options: officers
                .into_iter()
                .map(|o| Choice {
                    value: format!("officer:{c}:{}", o.id),
                    selected: q.officer_id == Some(o.id),
                    label: o.name,
                })
                .collect(),
        });
    }
    groups
}

/// A figure as a card or table row shows it.
pub struct FigureLine {
    pub key: &'static str,
    pub name: &'static str,
    pub value: String,
    /// What the figure divides, in words (`4 / 7`), or empty for counts.
    pub fraction: String,
    pub previous: String,
    pub change: String,
    pub arrow: &'static str,
    /// `metric-better`, `metric-worse` or `metric-same`.
    pub class: &'static str,
    pub definition: String,
    pub href: String,
}

fn days_word(lang: Lang, s: &str) -> String {
    match lang {
        Lang::Zh => s.to_string(),
        Lang::En => s.replace(" 天", " days"),
    }
}

fn change_text(lang: Lang, unit: Unit, change: Option<f64>) -> String {
    let Some(c) = change else {
        return "—".into();
    };
    if c.abs() < 1e-9 {
        return msg(lang, "持平", "no change");
    }
    match unit {
        Unit::Percent => msg(lang, format!("{c:+.2} 个百分点"), format!("{c:+.2} points")),
        Unit::Days => msg(lang, format!("{c:+.1} 天"), format!("{c:+.1} days")),
        Unit::Count => format!("{:+}", c.round() as i64),
    }
}

fn fraction_text(lang: Lang, f: &FigureView) -> String {
    match f.unit {
        Unit::Count => String::new(),
        Unit::Percent if f.key == Metric::RecoveryRate.key() => msg(
            lang,
            format!("{} 元 / {} 元", Fen(f.num), Fen(f.den)),
            format!("{} / {} yuan", Fen(f.num), Fen(f.den)),
        ),
        Unit::Percent => format!("{} / {}", f.num, f.den),
        Unit::Days => msg(
            lang,
            format!("{} 天 / {} 件", f.num, f.den),
            format!("{} days / {} cases", f.num, f.den),
        ),
    }
}

fn figure_line(lang: Lang, f: &FigureView, drill: &str) -> FigureLine {
    let (arrow, class) = match (f.change, f.improved) {
        (Some(c), Some(better)) => (
            if c > 0.0 { "▲" } else { "▼" },
            if better {
                "metric-better"
            } else {
                "metric-worse"
            },
        ),
        _ => ("", "metric-same"),
    };
    FigureLine {
        key: f.key,
        name: if lang == Lang::Zh {
            f.name_zh
        } else {
            f.name_en
        },
        value: msg(lang, f.display_zh.clone(), f.display_en.clone()),
        fraction: if f.value.is_some() {
            fraction_text(lang, f)
        } else {
            String::new()
        },
        previous: days_word(lang, &f.previous_display_zh),
        change: change_text(lang, f.unit, f.change),
        arrow,
        class,
        definition: msg(lang, f.definition_zh.clone(), f.definition_en.clone()),
        href: format!("{drill}&set={}", f.key),
    }
}

fn opt_num(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.digits$}"))
}

pub struct TrendLine {
    pub month: String,
    pub received: i64,
    pub closed: i64,
    pub closure_rate: String,
    pub actual_rate: String,
    pub recovery_rate: String,
    pub average_days: String,
}

fn month_label(lang: Lang, t: &TrendPoint) -> String {
    match lang {
        Lang::Zh => t.label_zh.clone(),
        Lang::En => NaiveDate::parse_from_str(&format!("{}-01", t.month), "%Y-%m-%d")
            .map(|d| d.format("%b %Y").to_string())
            .unwrap_or_else(|_| t.month.clone()),
    }
}

fn trend_lines(lang: Lang, trend: &[TrendPoint]) -> Vec<TrendLine> {
    trend
        .iter()
        .map(|t| TrendLine {
            month: month_label(lang, t),
            received: t.received,
            closed: t.closed,
            closure_rate: opt_pct(t.closure_rate),
            actual_rate: opt_pct(t.actual_rate),
            recovery_rate: opt_pct(t.recovery_rate),
            average_days: opt_num(t.average_days, 1),
        })
        .collect()
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.2}%"))
}

fn round2(v: Option<f64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |v| {
        json!((v * 100.0).round() / 100.0)
    })
}

/// JSON for a `<script type="application/json">` block: `<`, `>` and `&` escaped, so no text
/// in it can close the element.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The trend chart's data: bars of cases received and closed, the closure rate as a line.
fn trend_chart(lang: Lang, trend: &[TrendPoint]) -> String {
    let labels: Vec<String> = trend
        .iter()
        .map(|t| {
            let m = t
                .month
                .get(5..)
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(0);
            msg(lang, format!("{m}月"), month_label(Lang::En, t))
        })
        .collect();
    script_json(&json!({
        "kind": "trend",
        "labels": labels,
        "bars": [
            {"name": msg(lang, "收案", "Received"), "data": trend.iter().map(|t| t.received).collect::<Vec<_>>()},
            {"name": msg(lang, "结案", "Closed"), "data": trend.iter().map(|t| t.closed).collect::<Vec<_>>()},
        ],
        "line": {"name": msg(lang, "结案率", "Closure rate"), "data": trend.iter().map(|t| round2(t.closure_rate)).collect::<Vec<_>>(), "unit": "%"},
        "bar_axis": msg(lang, "件", "cases"),
    }))
}

/// A horizontal bar chart's data (rankings, team loads), first label on top.
fn bars_chart(name: &str, unit: &str, rows: &[(String, Option<f64>)]) -> String {
    script_json(&json!({
        "kind": "bars",
        "labels": rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        "series": [{"name": name, "data": rows.iter().map(|r| round2(r.1)).collect::<Vec<_>>()}],
        "unit": unit,
    }))
}

fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "%",
        _ => "",
    }
}

/// A kind of team and its teams' assessed figures (繁简分类考核).
pub struct KindGroup {
    pub kind: String,
    pub heads: Vec<&'static str>,
    pub teams: Vec<TeamLine>,
}

pub struct TeamLine {
    pub name: String,
    pub rank: String,
    /// Each assessed figure with its metric's name (the column heading on a phone).
    pub figures: Vec<(&'static str, String)>,
    pub href: String,
}

fn kind_groups(
    lang: Lang,
    teams: &[TeamAssessment],
    court_id: i64,
    period: &str,
) -> Vec<KindGroup> {
    let mut out: Vec<KindGroup> = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    // Kinds in the order the court's teams come, best first within each.
    let mut order: Vec<&str> = Vec::new();
    for t in teams {
        if !order.contains(&t.kind) {
            order.push(t.kind);
        }
    }
    let mut sorted: Vec<&TeamAssessment> = teams.iter().collect();
    sorted.sort_by_key(|t| {
        (
            order.iter().position(|k| *k == t.kind),
            t.rank.unwrap_or(u32::MAX),
        )
    });
    for t in sorted {
        let i = match keys.iter().position(|k| *k == t.kind) {
            Some(i) => i,
            None => {
                keys.push(t.kind);
                let kind = zhixing_domain::team::TeamKind::from_key(t.kind)
                    .map(|k| msg(lang, k.name_zh(), k.name_en()))
                    .unwrap_or_else(|_| t.kind_name_zh.to_string());
                out.push(KindGroup {
                    kind,
                    heads: t
                        .figures
                        .iter()
                        .map(|f| {
                            if lang == Lang::Zh {
                                f.name_zh
                            } else {
                                f.name_en
                            }
                        })
                        .collect(),
                    teams: Vec::new(),
                });
                out.len() - 1
            }
        };
        out[i].teams.push(TeamLine {
            name: t.team_name.clone(),
            rank: t
                .rank
                .map_or_else(|| "—".into(), |r| format!("{r} / {}", t.of)),
            figures: t
                .figures
                .iter()
                .map(|f| {
                    (
                        msg_static(lang, f.name_zh, f.name_en),
                        msg(lang, f.display_zh.clone(), f.display_en.clone()),
                    )
                })
                .collect(),
            href: format!(
                "/metrics?court={court_id}&team={}&period={}",
                t.team_id,
                url_encode(period)
            ),
        });
    }
    out
}

fn download(content_type: &str, zh_name: &str, ascii_name: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::format::content_disposition(false, zh_name, ascii_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// /metrics
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "metrics.html")]
pub struct MetricsHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub subject: String,
    pub period_label: String,
    pub previous_label: String,
    pub picker: PeriodPicker,
    pub units: Vec<ChoiceGroup>,
    pub figures: Vec<FigureLine>,
    pub trend: Vec<TrendLine>,
    pub trend_json: String,
    pub kinds: Vec<KindGroup>,
    pub qs: String,
    pub ranking_href: Option<String>,
    pub report_href: String,
    pub dashboard_href: String,
}

staff_page!(
    MetricsHtml,
    section = "metrics",
    home = true,
    back = |p| format!("/metrics?{}", p.qs)
);

async fn metrics_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let today = today_shanghai();
    let q = match query_of(actor, &p, today) {
        Ok(q) => q,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let v = match app.metrics_view(actor, &q).await {
        Ok(v) => v,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let query = qs(&q);
    let drill = format!("/metrics/cases?{query}");
    let whole_court = q.team_id.is_none() && q.officer_id.is_none() && q.campaign_id.is_none();
    let month = today.format("%Y-%m");
    let page = MetricsHtml {
        lang,
        csrf: s.session.csrf.clone(),
        subject: msg(lang, v.subject_zh.clone(), v.subject_en.clone()),
        period_label: msg(lang, v.period_label_zh.clone(), v.period_label_en.clone()),
        previous_label: msg(lang, v.previous_label_zh.clone(), v.previous.label_en()),
        picker: period_picker(lang, today, &q.period),
        units: unit_picker(&app, actor, lang, &q).await,
        figures: v
            .figures
            .iter()
            .map(|f| figure_line(lang, f, &drill))
            .collect(),
        trend: trend_lines(lang, &v.trend),
        trend_json: trend_chart(lang, &v.trend),
        kinds: kind_groups(lang, &v.teams, v.court_id, &v.period_spec),
        ranking_href: (whole_court && has_courts_below(&app, q.court_id)).then(|| {
            format!(
                "/metrics/ranking?court={}&period={}",
                q.court_id,
                url_encode(&v.period_spec)
            )
        }),
        report_href: format!("/metrics/report.docx?court={}&month={month}", q.court_id),
        dashboard_href: format!(
            "/command-centre?court={}&period={}",
            q.court_id,
            url_encode(&v.period_spec)
        ),
        qs: query,
        user,
    };
    Html(render_page(&page)).into_response()
}

// ---------------------------------------------------------------------------------------------
// /metrics/ranking
// ---------------------------------------------------------------------------------------------

pub struct RankLine {
    pub rank: String,
    pub court: String,
    pub href: String,
    pub figure: String,
    pub previous_rank: String,
    pub moved: String,
    pub class: &'static str,
    /// The other rankable figures, each with its name.
    pub others: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "metrics_ranking.html")]
pub struct RankingHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub title: String,
    pub definition: String,
    pub period_label: String,
    pub previous_label: String,
    pub picker: PeriodPicker,
    pub metrics: Vec<Choice>,
    pub courts: Vec<Choice>,
    pub metric_name: &'static str,
    pub others: Vec<&'static str>,
    pub rows: Vec<RankLine>,
    pub chart_json: String,
    pub qs: String,
}

staff_page!(
    RankingHtml,
    section = "metrics",
    home = false,
    back = |p| format!("/metrics/ranking?{}", p.qs)
);

fn moved_text(lang: Lang, moved: Option<i64>) -> (String, &'static str) {
    match moved {
        None => ("—".into(), "metric-same"),
        Some(0) => (msg(lang, "持平", "same"), "metric-same"),
        Some(n) if n > 0 => (
            msg(lang, format!("↑ {n}"), format!("↑ {n}")),
            "metric-better",
        ),
        Some(n) => (format!("↓ {}", -n), "metric-worse"),
    }
}

fn rank_lines(lang: Lang, v: &RankingView) -> Vec<RankLine> {
    v.rows
        .iter()
        .map(|r| {
            let (moved, class) = moved_text(lang, r.moved);
            RankLine {
                rank: r.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                court: r.court_name.clone(),
                href: format!(
                    "/metrics?court={}&period={}",
                    r.court_id,
                    url_encode(&v.period_spec)
                ),
                figure: msg(
                    lang,
                    r.figure.display_zh.clone(),
                    r.figure.display_en.clone(),
                ),
                previous_rank: r
                    .previous_rank
                    .map_or_else(|| "—".into(), |n| n.to_string()),
                moved,
                class,
                others: r
                    .figures
                    .iter()
                    .filter(|f| f.key != v.metric)
                    .map(|f| {
                        (
                            msg_static(lang, f.name_zh, f.name_en),
                            msg(lang, f.display_zh.clone(), f.display_en.clone()),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

async fn ranking_view(
    app: &App,
    actor: &Actor,
    p: &Params,
) -> Result<(RankingView, StatPeriod, i64), AppError> {
    let period = period_of(p, today_shanghai())?;
    let metric = metric_of(p)?;
    let court = id_param(p, &["court", "court_id"])?.unwrap_or(actor.court_id);
    let v = app.ranking(actor, court, metric, &period).await?;
    Ok((v, period, court))
}

async fn ranking_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let (v, period, court) = match ranking_view(&app, actor, &p).await {
        Ok(x) => x,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let metric = Metric::from_key(v.metric).unwrap_or(Metric::ClosureRate);
    let others: Vec<&'static str> = Metric::ALL
        .iter()
        .filter(|m| m.rankable() && **m != metric)
        .map(|m| msg_static(lang, m.name_zh(), m.name_en()))
        .collect();
    let chart: Vec<(String, Option<f64>)> = v
        .rows
        .iter()
        .map(|r| (r.court_name.clone(), r.figure.value))
        .collect();
    let page = RankingHtml {
        lang,
        csrf: s.session.csrf.clone(),
        title: msg(lang, v.title_zh.clone(), v.title_en.clone()),
        definition: msg(lang, v.definition_zh.clone(), v.definition_en.clone()),
        period_label: msg(lang, v.period_label_zh.clone(), v.period.label_en()),
        previous_label: msg(
            lang,
            v.previous_label_zh.clone(),
            period.previous().label_en(),
        ),
        picker: period_picker(lang, today_shanghai(), &period),
        metrics: Metric::ALL
            .iter()
            .filter(|m| m.rankable())
            .map(|m| Choice {
                value: m.key().into(),
                label: msg(lang, m.name_zh(), m.name_en()),
                selected: *m == metric,
            })
            .collect(),
        courts: visible_courts(&app, actor, lang)
            .into_iter()
            .filter(|c| c.2)
            .map(|(id, name, _)| Choice {
                value: id.to_string(),
                label: name,
                selected: id == court,
            })
            .collect(),
        metric_name: msg_static(lang, metric.name_zh(), metric.name_en()),
        others,
        rows: rank_lines(lang, &v),
        chart_json: bars_chart(
            msg_static(lang, metric.name_zh(), metric.name_en()),
            unit_suffix(metric.unit()),
            &chart,
        ),
        qs: format!(
            "court={court}&metric={}&period={}",
            v.metric,
            url_encode(&v.period_spec)
        ),
        user,
    };
    Html(render_page(&page)).into_response()
}

fn msg_static(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

// ---------------------------------------------------------------------------------------------
// /metrics/cases
// ---------------------------------------------------------------------------------------------

pub struct DrillLine {
    pub id: i64,
    pub number: String,
    pub court: String,
    pub parties: String,
    pub claim: String,
    pub team: String,
    pub officer: String,
    pub filed_on: String,
    pub stage: String,
}

fn drill_lines(lang: Lang, rows: &[DrillRow]) -> Vec<DrillLine> {
    rows.iter()
        .map(|r| DrillLine {
            id: r.id,
            number: r.case_number.clone(),
            court: r.court_name.clone(),
            parties: format!("{} / {}", r.applicant_names, r.debtor_names),
            claim: Fen(r.claim_fen).to_string(),
            team: r.team_name.clone().unwrap_or_default(),
            officer: r.officer_name.clone().unwrap_or_default(),
            filed_on: r.filed_on.clone(),
            stage: Stage::from_key(&r.stage)
                .map(|s| msg(lang, s.name_zh(), s.name_en()))
                .unwrap_or_else(|_| r.stage.clone()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "metrics_cases.html")]
pub struct DrillHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub title: String,
    pub subject: String,
    pub period_label: String,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<DrillLine>,
    pub back_href: String,
    /// The list's URL without its page.
    pub base: String,
}

staff_page!(
    DrillHtml,
    section = "metrics",
    home = false,
    back = |p| format!("{}&page={}", p.base, p.page)
);

impl DrillHtml {
    pub fn page_href(&self, n: u32) -> String {
        format!("{}&page={n}", self.base)
    }
}

async fn drill_page(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        let q = query_of(actor, &p, today_shanghai())?;
        let set = param(&p, &["set"])
            .unwrap_or(Metric::Closed.key())
            .to_string();
        let page = page_param(&p)?;
        let v = app.metric_cases(actor, &q, &set, page).await?;
        Ok::<_, AppError>((q, set, v))
    }
    .await;
    let (q, set, v) = match result {
        Ok(x) => x,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let query = qs(&q);
    let page = DrillHtml {
        lang,
        csrf: s.session.csrf.clone(),
        title: msg(lang, v.title_zh.clone(), v.title_en.clone()),
        subject: court_name(&app, q.court_id),
        period_label: msg(
            lang,
            v.period_label_zh.clone(),
            q.period.up_to(today_shanghai()).label_en(),
        ),
        total: v.total,
        page: v.page,
        pages: v.pages,
        rows: drill_lines(lang, &v.rows),
        back_href: if q.campaign_id.is_some() {
            format!("/campaigns/{}", q.campaign_id.unwrap_or_default())
        } else {
            format!("/metrics?{query}")
        },
        base: format!("/metrics/cases?{query}&set={}", url_encode(&set)),
        user,
    };
    Html(render_page(&page)).into_response()
}

// ---------------------------------------------------------------------------------------------
// The command centre
// ---------------------------------------------------------------------------------------------

pub struct LoadLine {
    pub team: String,
    pub kind: String,
    pub open: i64,
}

/// What the command centre shows, on the page and on the wall.
pub struct Board {
    pub court_id: i64,
    pub court_name: String,
    pub today: String,
    pub period_label: String,
    pub intake_today: i64,
    pub same_day_today: String,
    pub same_day_today_rate: String,
    pub same_day_period: String,
    pub same_day_period_rate: String,
    pub nodes_warning: i64,
    pub nodes_overdue: i64,
    pub locked: i64,
    pub funds_cases: i64,
    pub funds_held: String,
    pub loads: Vec<LoadLine>,
    pub loads_json: String,
    pub figures: Vec<FigureLine>,
    pub place: Option<String>,
    pub trend: Vec<TrendLine>,
    pub trend_json: String,
    pub qs: String,
}

/// The dashboard's key figures: the rates and days (the counts are in the tiles and the
/// trend).
const KEY_FIGURES: [Metric; 8] = [
    Metric::ClosureRate,
    Metric::ActualRate,
    Metric::CompletionRate,
    Metric::RecoveryRate,
    Metric::WithinLimitRate,
    Metric::AverageDays,
    Metric::DormantRate,
    Metric::OldPending,
];

fn same_day(lang: Lang, (total, done): (i64, i64)) -> (String, String) {
    let rate = if total > 0 {
        format!("{:.2}%", done as f64 * 100.0 / total as f64)
    } else {
        "—".into()
    };
    (
        msg(
            lang,
            format!("{done} / {total} 件"),
            format!("{done} of {total}"),
        ),
        rate,
    )
}

/// Team names as the user's filter options give them: with their court's short name in a view
/// of several courts, where ten courts each have a 速执团队.
async fn team_names(app: &App, actor: &Actor) -> HashMap<i64, String> {
    match app.filter_options(actor).await {
        Ok(o) => o.teams.into_iter().map(|n| (n.id, n.name)).collect(),
        Err(_) => HashMap::new(),
    }
}

fn board(lang: Lang, d: &Dashboard, period: &StatPeriod, names: &HashMap<i64, String>) -> Board {
    let team_name = |l: &TeamLoad| {
        names
            .get(&l.team_id)
            .cloned()
            .unwrap_or_else(|| l.team_name.clone())
    };
    let m = &d.metrics;
    let query = format!("court={}&period={}", d.court_id, url_encode(&period.spec()));
    let drill = format!("/metrics/cases?{query}");
    let (sdt, sdt_rate) = same_day(lang, d.same_day_today);
    let (sdp, _) = same_day(lang, d.same_day_period);
    let loads: Vec<(String, Option<f64>)> = d
        .team_loads
        .iter()
        .map(|l| (team_name(l), Some(l.open_cases as f64)))
        .collect();
    Board {
        court_id: d.court_id,
        court_name: d.court_name.clone(),
        today: d.today.clone(),
        period_label: msg(lang, m.period_label_zh.clone(), m.period_label_en.clone()),
        intake_today: d.intake_today,
        same_day_today: sdt,
        same_day_today_rate: sdt_rate,
        same_day_period: sdp,
        same_day_period_rate: opt_pct(d.same_day_rate_period),
        nodes_warning: d.nodes_warning,
        nodes_overdue: d.nodes_overdue,
        locked: d.locked,
        funds_cases: d.funds_cases,
        funds_held: Fen(d.funds_held_fen).to_string(),
        loads: d
            .team_loads
            .iter()
            .map(|l| LoadLine {
                team: team_name(l),
                kind: zhixing_domain::team::TeamKind::from_key(l.kind)
                    .map(|k| msg(lang, k.name_zh(), k.name_en()))
                    .unwrap_or_else(|_| l.kind_name_zh.to_string()),
                open: l.open_cases,
            })
            .collect(),
        loads_json: bars_chart(msg_static(lang, "未结案件", "Open cases"), "", &loads),
        figures: KEY_FIGURES
            .iter()
            .filter_map(|k| m.figure(k.key()))
            .map(|f| figure_line(lang, f, &drill))
            .collect(),
        place: d.place.as_ref().map(|(rank, of, parent)| {
            msg(
                lang,
                format!("结案率在{parent}辖区 {of} 家法院中排第 {rank} 名"),
                format!("closure rate: {rank} of {of} courts under {parent}"),
            )
        }),
        trend: trend_lines(lang, &m.trend),
        trend_json: trend_chart(lang, &m.trend),
        qs: query,
    }
}

/// The team kind's key from its Chinese name (the dashboard's load rows carry the name only).
#[derive(Template)]
#[template(path = "command_centre.html")]
pub struct DashboardHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub b: Board,
    pub picker: PeriodPicker,
    pub courts: Vec<Choice>,
}

staff_page!(
    DashboardHtml,
    section = "command_centre",
    home = true,
    back = |p| format!("/command-centre?{}", p.b.qs)
);

#[derive(Template)]
#[template(path = "command_centre_wall.html")]
pub struct WallHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub b: Board,
}

staff_page!(
    WallHtml,
    section = "command_centre",
    home = false,
    back = |p| format!("/command-centre?{}&wall=1", p.b.qs)
);

async fn dashboard_page(
    State(app): State<App>,
    s: PageSession,
    Query(p): Query<Params>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let today = today_shanghai();
    let result = async {
        let period = period_of(&p, today)?;
        let court = id_param(&p, &["court", "court_id"])?.unwrap_or(actor.court_id);
        let d = app.dashboard(actor, court, &period).await?;
        Ok::<_, AppError>((period, d))
    }
    .await;
    let (period, d) = match result {
        Ok(x) => x,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let b = board(lang, &d, &period, &team_names(&app, actor).await);
    let csrf = s.session.csrf.clone();
    if param(&p, &["wall"]).is_some_and(|w| w != "0") {
        return Html(render_page(&WallHtml {
            lang,
            user,
            csrf,
            b,
        }))
        .into_response();
    }
    let courts = visible_courts(&app, actor, lang)
        .into_iter()
        .map(|(id, name, _)| Choice {
            value: id.to_string(),
            label: name,
            selected: id == d.court_id,
        })
        .collect();
    Html(render_page(&DashboardHtml {
        lang,
        user,
        csrf,
        b,
        picker: period_picker(lang, today, &period),
        courts,
    }))
    .into_response()
}

// ---------------------------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------------------------

pub struct CampaignLine {
    pub id: i64,
    pub name: String,
    pub court: String,
    pub dates: String,
    pub goal: String,
    pub cases: i64,
    pub created_by: String,
}

fn campaign_line(c: &CampaignView) -> CampaignLine {
    CampaignLine {
        id: c.id,
        name: c.name.clone(),
        court: c.court_name.clone(),
        dates: format!("{} — {}", c.starts_on, c.ends_on),
        goal: c.goal.clone(),
        cases: c.cases,
        created_by: c.created_by_name.clone(),
    }
}

#[derive(Deserialize, Default)]
pub struct CampaignForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub goal: String,
}

#[derive(Template)]
#[template(path = "campaigns.html")]
pub struct CampaignsHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub campaigns: Vec<CampaignLine>,
    pub may_create: bool,
    pub court_name: String,
    pub error: Option<String>,
    pub form: CampaignForm,
}

staff_page!(
    CampaignsHtml,
    section = "metrics",
    home = false,
    back = "/campaigns"
);

fn may_manage(actor: &Actor) -> bool {
    CAMPAIGN_MANAGERS.contains(&actor.role)
}

async fn campaigns_html(
    app: &App,
    s: &PageSession,
    error: Option<&AppError>,
    form: CampaignForm,
) -> Result<CampaignsHtml, AppError> {
    let actor = &s.session.actor;
    let list = app.campaigns(actor).await?;
    let today = today_shanghai();
    let form = if error.is_none() {
        CampaignForm {
            starts_on: today.to_string(),
            ends_on: (today + Months::new(3)).to_string(),
            ..CampaignForm::default()
        }
    } else {
        form
    };
    Ok(CampaignsHtml {
        lang: s.lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        campaigns: list.iter().map(campaign_line).collect(),
        may_create: may_manage(actor),
        court_name: court_name(app, actor.court_id),
        error: error.map(|e| msg(s.lang, e.message_zh(), e.message_en())),
        form,
    })
}

async fn campaigns_page(State(app): State<App>, s: PageSession) -> Response {
    match campaigns_html(&app, &s, None, CampaignForm::default()).await {
        Ok(page) => Html(render_page(&page)).into_response(),
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

fn date_field(raw: &str, zh: &str, en: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            "campaign.date_invalid",
            format!("{zh}“{}”不是有效日期，应写作 2025-03-01", raw.trim()),
            format!("the {en} \"{}\" is not a date like 2025-03-01", raw.trim()),
        )
    })
}

fn create_command(
    court_id: i64,
    name: &str,
    starts_on: &str,
    ends_on: &str,
    goal: &str,
) -> Result<Command, AppError> {
    Ok(Command::CreateCampaign(Box::new(CampaignInput {
        court_id,
        name: name.to_string(),
        starts_on: date_field(starts_on, "开始日", "start")?,
        ends_on: date_field(ends_on, "结束日", "end")?,
        goal: goal.to_string(),
    })))
}

async fn campaign_create(
    State(app): State<App>,
    s: PageSession,
    Form(f): Form<CampaignForm>,
) -> Response {
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(s.lang, &expired(), Some(s.session.user.clone()));
    }
    let cmd = create_command(
        s.session.actor.court_id,
        &f.name,
        &f.starts_on,
        &f.ends_on,
        &f.goal,
    );
    let done = match cmd {
        Ok(cmd) => app.execute(&s.session.actor, cmd).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(o) => Redirect::to(&format!("/campaigns/{}", o.id.unwrap_or_default())).into_response(),
        Err(e) => match campaigns_html(&app, &s, Some(&e), f).await {
            Ok(page) => (
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                Html(render_page(&page)),
            )
                .into_response(),
            Err(e2) => error_page(s.lang, &e2, Some(s.session.user.clone())),
        },
    }
}

#[derive(Template)]
#[template(path = "campaign.html")]
pub struct CampaignHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub c: CampaignLine,
    pub period_label: String,
    pub figures: Vec<FigureLine>,
    pub rows: Vec<DrillLine>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub may_manage: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub numbers: String,
    pub metrics_href: String,
}

staff_page!(
    CampaignHtml,
    section = "metrics",
    home = false,
    back = |p| format!("/campaigns/{}", p.c.id)
);

impl CampaignHtml {
    pub fn page_href(&self, n: u32) -> String {
        format!("/campaigns/{}?page={n}", self.c.id)
    }
}

/// What the campaign page shows after a form: the refusal and what was typed, or a notice.
#[derive(Default)]
struct CampaignOutcome {
    error: Option<AppError>,
    notice: Option<String>,
    numbers: String,
}

async fn campaign_html(
    app: &App,
    s: &PageSession,
    id: i64,
    page: u32,
    out: CampaignOutcome,
) -> Result<CampaignHtml, AppError> {
    let lang = s.lang;
    let actor = &s.session.actor;
    let c = app.campaign(actor, id).await?;
    let v = app.campaign_metrics(actor, id).await?;
    let cases = app.campaign_cases(actor, id, page).await?;
    let query = format!(
        "court={}&campaign={id}&period={}",
        c.court_id,
        url_encode(&v.period_spec)
    );
    let drill = format!("/metrics/cases?{query}");
    Ok(CampaignHtml {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        c: campaign_line(&c),
        period_label: msg(lang, v.period_label_zh.clone(), v.period_label_en.clone()),
        figures: v
            .figures
            .iter()
            .map(|f| figure_line(lang, f, &drill))
            .collect(),
        rows: drill_lines(lang, &cases.rows),
        total: cases.total,
        page: cases.page,
        pages: cases.pages,
        may_manage: may_manage(actor) && actor.court_id == c.court_id,
        error: out
            .error
            .as_ref()
            .map(|e| msg(lang, e.message_zh(), e.message_en())),
        notice: out.notice,
        numbers: out.numbers,
        metrics_href: format!("/metrics?{query}"),
    })
}

async fn campaign_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(p): Query<Params>,
) -> Response {
    let lang = s.lang;
    let notice = if let Some(n) = param(&p, &["tagged"]) {
        Some(msg(
            lang,
            format!("已纳入 {n} 件案件"),
            format!("{n} case(s) tagged"),
        ))
    } else if param(&p, &["untagged"]).is_some() {
        Some(msg(lang, "已移出该案件", "The case was taken out"))
    } else {
        None
    };
    let page = match page_param(&p) {
        Ok(n) => n,
        Err(e) => return query_error_page(lang, &e, s.session.user.clone()),
    };
    let out = CampaignOutcome {
        notice,
        ..CampaignOutcome::default()
    };
    match campaign_html(&app, &s, id, page, out).await {
        Ok(page) => Html(render_page(&page)).into_response(),
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

/// Runs a campaign form's command; done, goes to `to`; refused, shows the campaign page again
/// with the message and what was typed.
async fn campaign_form(
    app: &App,
    s: &PageSession,
    id: i64,
    csrf: &str,
    cmd: Command,
    numbers: String,
    to: impl FnOnce(&zhixing_app::commands::Outcome) -> String,
) -> Response {
    if !same_secret(&s.session.csrf, csrf) {
        return error_page(s.lang, &expired(), Some(s.session.user.clone()));
    }
    match app.execute(&s.session.actor, cmd).await {
        Ok(o) => Redirect::to(&to(&o)).into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let out = CampaignOutcome {
                error: Some(e),
                notice: None,
                numbers,
            };
            match campaign_html(app, s, id, 1, out).await {
                Ok(page) => (status, Html(render_page(&page))).into_response(),
                Err(e2) => error_page(s.lang, &e2, Some(s.session.user.clone())),
            }
        }
    }
}

#[derive(Deserialize)]
pub struct TagForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub case_numbers: String,
}

/// Case numbers as typed: one a line, or separated by commas or 、.
fn case_numbers(text: &str) -> Vec<String> {
    text.split(['\n', '\r', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

async fn campaign_tag(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<TagForm>,
) -> Response {
    let cmd = Command::TagCampaignCases {
        campaign_id: id,
        case_numbers: case_numbers(&f.case_numbers),
    };
    campaign_form(&app, &s, id, &f.csrf, cmd, f.case_numbers.clone(), |o| {
        format!("/campaigns/{id}?tagged={}", o.id.unwrap_or_default())
    })
    .await
}

#[derive(Deserialize)]
pub struct UntagForm {
    #[serde(default)]
    pub csrf: String,
    pub case_id: i64,
}

async fn campaign_untag(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<UntagForm>,
) -> Response {
    let cmd = Command::UntagCampaignCase {
        campaign_id: id,
        case_id: f.case_id,
    };
    campaign_form(&app, &s, id, &f.csrf, cmd, String::new(), |_| {
        format!("/campaigns/{id}?untagged=1")
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Exports: Excel and the monthly report
// ---------------------------------------------------------------------------------------------

fn subject_line(v: &MetricsView) -> String {
    format!("统计对象：{}", v.subject_zh)
}

fn period_line(v: &MetricsView) -> String {
    format!(
        "统计期间：{}（{} 至 {}）；对比期间：{}（{} 至 {}）",
        v.period_label_zh,
        v.period.from,
        v.period.to,
        v.previous_label_zh,
        v.previous.from,
        v.previous.to
    )
}

/// The figures (sheet 1, with the period, the unit and each definition), the trend (sheet 2)
/// and the teams' assessment (sheet 3).
pub fn metrics_workbook(v: &MetricsView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let crate::sheet::SheetFormats {
        title,
        head,
        cell,
        wrap,
    } = crate::sheet::SheetFormats::new();

    let ws = wb.add_worksheet();
    ws.set_name("质效指标")?;
    const HEADS: [(&str, f64); 7] = [
        ("指标", 18.0),
        ("本期", 12.0),
        ("分子", 14.0),
        ("分母", 14.0),
        ("上期", 12.0),
        ("变化", 14.0),
        ("口径（计算公式）", 70.0),
    ];
    let last = (HEADS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        &format!("{} 执行质效指标", v.subject_zh),
        &title,
    )?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, last, &period_line(v), &Format::new())?;
    ws.merge_range(2, 0, 2, last, &subject_line(v), &Format::new())?;
    for (c, (name, width)) in HEADS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(3, c as u16, *name, &head)?;
    }
    for (i, f) in v.figures.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, f.name_zh, &cell)?;
        ws.write_string_with_format(r, 1, &f.display_zh, &cell)?;
        ws.write_number_with_format(r, 2, f.num as f64, &cell)?;
        ws.write_number_with_format(r, 3, f.den as f64, &cell)?;
        ws.write_string_with_format(r, 4, &f.previous_display_zh, &cell)?;
        ws.write_string_with_format(r, 5, change_text(Lang::Zh, f.unit, f.change), &cell)?;
        ws.write_string_with_format(r, 6, &f.definition_zh, &wrap)?;
    }
    let note = 4 + v.figures.len() as u32 + 1;
    ws.merge_range(
        note,
        0,
        note,
        last,
        "说明：执行到位率的分子、分母以分为单位；平均执行天数的分子为总天数、分母为结案数。",
        &Format::new(),
    )?;
    ws.set_freeze_panes(4, 1)?;

    let ws = wb.add_worksheet();
    ws.set_name("月度趋势")?;
    const TREND: [&str; 8] = [
        "月份",
        "收案数",
        "结案数",
        "结案率（%）",
        "执行完毕率（%）",
        "实际执结率（%）",
        "执行到位率（%）",
        "平均执行天数",
    ];
    ws.merge_range(0, 0, 0, 7, &format!("{} 月度趋势", v.subject_zh), &title)?;
    ws.merge_range(1, 0, 1, 7, &period_line(v), &Format::new())?;
    for (c, name) in TREND.iter().enumerate() {
        ws.set_column_width(c as u16, 16)?;
        ws.write_string_with_format(2, c as u16, *name, &head)?;
    }
    for (i, t) in v.trend.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, &t.label_zh, &cell)?;
        ws.write_number_with_format(r, 1, t.received as f64, &cell)?;
        ws.write_number_with_format(r, 2, t.closed as f64, &cell)?;
        for (c, val) in [
            t.closure_rate,
            t.completion_rate,
            t.actual_rate,
            t.recovery_rate,
            t.average_days,
        ]
        .into_iter()
        .enumerate()
        {
            let col = 3 + c as u16;
            match val {
                Some(x) => {
                    ws.write_number_with_format(r, col, (x * 100.0).round() / 100.0, &cell)?
                }
                None => ws.write_string_with_format(r, col, "—", &cell)?,
            };
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("团队考核")?;
    ws.merge_range(
        0,
        0,
        0,
        5,
        &format!("{} 团队考核（繁简分类）", v.subject_zh),
        &title,
    )?;
    ws.merge_range(1, 0, 1, 5, &period_line(v), &Format::new())?;
    for (c, name) in ["团队", "类别", "同类排名", "考核指标", "数值", "口径"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *name, &head)?;
    }
    for (c, w) in [18.0, 12.0, 10.0, 18.0, 12.0, 60.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut r = 3u32;
    for t in &v.teams {
        for f in &t.figures {
            ws.write_string_with_format(r, 0, &t.team_name, &cell)?;
            ws.write_string_with_format(r, 1, t.kind_name_zh, &cell)?;
            ws.write_string_with_format(
                r,
                2,
                t.rank
                    .map_or_else(|| "—".into(), |n| format!("{n} / {}", t.of)),
                &cell,
            )?;
            ws.write_string_with_format(r, 3, f.name_zh, &cell)?;
            ws.write_string_with_format(r, 4, &f.display_zh, &cell)?;
            ws.write_string_with_format(r, 5, &f.definition_zh, &wrap)?;
            r += 1;
        }
    }
    if v.teams.is_empty() {
        ws.merge_range(3, 0, 3, 5, "本统计对象不分团队考核。", &Format::new())?;
    }
    wb.save_to_buffer()
}

pub fn ranking_workbook(v: &RankingView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("排名")?;
    let crate::sheet::SheetFormats {
        title, head, cell, ..
    } = crate::sheet::SheetFormats::new();
    let others: Vec<&str> = v
        .rows
        .first()
        .map(|r| {
            r.figures
                .iter()
                .filter(|f| f.key != v.metric)
                .map(|f| f.name_zh)
                .collect()
        })
        .unwrap_or_default();
    let mut heads = vec!["名次", "法院", v.metric_name_zh, "上期名次", "名次变化"];
    heads.extend(others.iter().copied());
    let last = (heads.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, &v.title_zh, &title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!(
            "统计期间：{}；对比期间：{}",
            v.period_label_zh, v.previous_label_zh
        ),
        &Format::new(),
    )?;
    ws.merge_range(
        2,
        0,
        2,
        last,
        &format!("口径：{}", v.definition_zh),
        &Format::new().set_text_wrap(),
    )?;
    ws.set_row_height(2, 32)?;
    for (c, h) in heads.iter().enumerate() {
        ws.set_column_width(c as u16, if c == 1 { 24.0 } else { 14.0 })?;
        ws.write_string_with_format(3, c as u16, *h, &head)?;
    }
    for (i, row) in v.rows.iter().enumerate() {
        let r = 4 + i as u32;
        match row.rank {
            Some(n) => ws.write_number_with_format(r, 0, f64::from(n), &cell)?,
            None => ws.write_string_with_format(r, 0, "—", &cell)?,
        };
        ws.write_string_with_format(r, 1, &row.court_name, &cell)?;
        ws.write_string_with_format(r, 2, &row.figure.display_zh, &cell)?;
        match row.previous_rank {
            Some(n) => ws.write_number_with_format(r, 3, f64::from(n), &cell)?,
            None => ws.write_string_with_format(r, 3, "—", &cell)?,
        };
        ws.write_string_with_format(r, 4, moved_text(Lang::Zh, row.moved).0, &cell)?;
        for (c, f) in row.figures.iter().filter(|f| f.key != v.metric).enumerate() {
            ws.write_string_with_format(r, 5 + c as u16, &f.display_zh, &cell)?;
        }
    }
    ws.set_freeze_panes(4, 2)?;
    wb.save_to_buffer()
}

async fn metrics_xlsx(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        let q = query_of(actor, &p, today_shanghai())?;
        app.metrics_view(actor, &q).await
    }
    .await;
    let v = match result {
        Ok(v) => v,
        Err(e) => return query_error_page(lang, &e, user),
    };
    match metrics_workbook(&v) {
        Ok(bytes) => download(
            XLSX,
            &format!(
                "质效指标_{}_{}_{}.xlsx",
                v.court_name, v.period.from, v.period.to
            ),
            &format!("metrics-{}-{}.xlsx", v.period.from, v.period.to),
            bytes,
        ),
        Err(e) => {
            tracing::error!(error = %e, "metrics workbook failed");
            error_page(lang, &AppError::Internal(format!("xlsx: {e}")), Some(user))
        }
    }
}

async fn ranking_xlsx(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let (v, _, _) = match ranking_view(&app, &s.session.actor, &p).await {
        Ok(x) => x,
        Err(e) => return query_error_page(lang, &e, user),
    };
    match ranking_workbook(&v) {
        Ok(bytes) => download(
            XLSX,
            &format!("质效排名_{}_{}.xlsx", v.metric_name_zh, v.period_spec),
            &format!("ranking-{}-{}.xlsx", v.metric, v.period.from),
            bytes,
        ),
        Err(e) => {
            tracing::error!(error = %e, "ranking workbook failed");
            error_page(lang, &AppError::Internal(format!("xlsx: {e}")), Some(user))
        }
    }
}

/// The month a report covers: `YYYY-MM`, by default last month.
fn report_month(p: &Params, today: NaiveDate) -> Result<StatPeriod, AppError> {
    let raw = match param(p, &["month"]) {
        Some(m) => m.to_string(),
        None => today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(1)))
            .unwrap_or(today)
            .format("%Y-%m")
            .to_string(),
    };
    let p = StatPeriod::parse(&raw, today)?;
    if p.kind != zhixing_domain::metrics::PeriodKind::Month {
        return Err(AppError::invalid(
            "metrics.month_invalid",
            format!("月报的月份应写作 2025-03，而不是“{raw}”"),
            format!("the report's month is written 2025-03, not \"{raw}\""),
        ));
    }
    Ok(p)
}

/// The monthly report (执行质效月报) as a document model: the figures with last month's, the
/// definitions, the year's trend so far, the teams' assessment and the ranking place.
pub fn report_model(
    month: &Dashboard,
    year: &MetricsView,
    ranking: Option<&RankingView>,
) -> DocModel {
    let v = &month.metrics;
    let mut b = vec![
        Block::Court(v.court_name.clone()),
        Block::Title(format!(
            "{}年{}月执行工作质效月报",
            v.period.from.year(),
            v.period.from.month()
        )),
        Block::Para(format!(
            "统计对象：{}。统计期间：{} 至 {}；与上月（{} 至 {}）对比。",
            v.subject_zh, v.period.from, v.period.to, v.previous.from, v.previous.to
        )),
    ];
    if let Some((rank, of, parent)) = &month.place {
        b.push(Block::Para(format!(
            "本月结案率在{parent}辖区 {of} 家法院中排第 {rank} 名。"
        )));
    }
    b.push(Block::Line("一、主要指标".into()));
    b.push(Block::Table {
        header: vec!["指标".into(), "本月".into(), "上月".into(), "变化".into()],
        rows: v
            .figures
            .iter()
            .map(|f| {
                vec![
                    f.name_zh.to_string(),
                    f.display_zh.clone(),
                    f.previous_display_zh.clone(),
                    change_text(Lang::Zh, f.unit, f.change),
                ]
            })
            .collect(),
    });
    b.push(Block::Line("二、指标口径".into()));
    for f in &v.figures {
        b.push(Block::Para(format!("{}：{}。", f.name_zh, f.definition_zh)));
    }
    b.push(Block::Line(format!(
        "三、{}年以来月度趋势",
        v.period.from.year()
    )));
    b.push(Block::Table {
        header: vec![
            "月份".into(),
            "收案".into(),
            "结案".into(),
            "结案率".into(),
            "实际执结率".into(),
            "平均执行天数".into(),
        ],
        rows: year
            .trend
            .iter()
            .map(|t| {
                vec![
                    t.label_zh.clone(),
                    t.received.to_string(),
                    t.closed.to_string(),
                    opt_pct(t.closure_rate),
                    opt_pct(t.actual_rate),
                    opt_num(t.average_days, 1),
                ]
            })
            .collect(),
    });
    if !v.teams.is_empty() {
        b.push(Block::Line("四、团队考核（繁简分类）".into()));
        b.push(Block::Table {
            header: vec![
                "团队".into(),
                "类别".into(),
                "考核指标".into(),
                "同类排名".into(),
            ],
            rows: v
                .teams
                .iter()
                .map(|t| {
                    vec![
                        t.team_name.clone(),
                        t.kind_name_zh.to_string(),
                        t.figures
                            .iter()
                            .map(|f| format!("{} {}", f.name_zh, f.display_zh))
                            .collect::<Vec<_>>()
                            .join("；"),
                        t.rank
                            .map_or_else(|| "—".into(), |r| format!("{r} / {}", t.of)),
                    ]
                })
                .collect(),
        });
    }
    if let Some(r) = ranking {
        b.push(Block::Line(format!("五、{}", r.title_zh)));
        b.push(Block::Table {
            header: vec![
                "名次".into(),
                "法院".into(),
                r.metric_name_zh.to_string(),
                "名次变化".into(),
            ],
            rows: r
                .rows
                .iter()
                .map(|row| {
                    vec![
                        row.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                        row.court_name.clone(),
                        row.figure.display_zh.clone(),
                        moved_text(Lang::Zh, row.moved).0,
                    ]
                })
                .collect(),
        });
    }
    b.push(Block::Sign {
        court: format!("{}执行局", v.court_name),
        date: zhixing_docs::chinese_date(today_shanghai()),
    });
    DocModel { blocks: b }
}

async fn report_docx(State(app): State<App>, s: PageSession, Query(p): Query<Params>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        let today = today_shanghai();
        let month = report_month(&p, today)?;
        let court = id_param(&p, &["court", "court_id"])?.unwrap_or(actor.court_id);
        let d = app.dashboard(actor, court, &month).await?;
        let year = StatPeriod::new(
            NaiveDate::from_ymd_opt(month.from.year(), 1, 1).unwrap_or(month.from),
            month.to,
        )?;
        let y = app
            .metrics_view(
                actor,
                &MetricsQuery {
                    court_id: court,
                    team_id: None,
                    officer_id: None,
                    campaign_id: None,
                    period: year,
                },
            )
            .await?;
        let ranking = if has_courts_below(&app, court) {
            Some(
                app.ranking(actor, court, Metric::ClosureRate, &month)
                    .await?,
            )
        } else {
            None
        };
        Ok::<_, AppError>((d, y, ranking, month))
    }
    .await;
    let (d, y, ranking, month) = match result {
        Ok(x) => x,
        Err(e) => return query_error_page(lang, &e, user),
    };
    let model = report_model(&d, &y, ranking.as_ref());
    match zhixing_docs::docx::to_docx(&model) {
        Ok(bytes) => download(
            DOCX,
            &format!("执行质效月报_{}_{}.docx", d.court_name, month.spec()),
            &format!("metrics-report-{}.docx", month.spec()),
            bytes,
        ),
        Err(e) => {
            tracing::error!(error = %e, "monthly report failed");
            error_page(lang, &AppError::Internal(format!("docx: {e}")), Some(user))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiPeriod {
    /// The spec that reads back as this period: `ytd`, `2025`, `2025-03`, `2025Q1` or
    /// `2025-01-01..2025-06-30`.
    pub spec: String,
    /// YYYY-MM-DD, both ends included (a period reaching past today ends today).
    pub from: String,
    pub to: String,
    pub label_zh: String,
    pub label_en: String,
}

fn api_period(p: &StatPeriod, spec: String) -> ApiPeriod {
    ApiPeriod {
        spec,
        from: p.from.to_string(),
        to: p.to.to_string(),
        label_zh: p.label_zh(),
        label_en: p.label_en(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiFigure {
    /// Metric key, e.g. `closure_rate`.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// count, percent or days.
    pub unit: String,
    /// Percent for rates, days for average days, the count for counts; null when the
    /// denominator is zero.
    pub value: Option<f64>,
    pub num: i64,
    pub den: i64,
    pub display_zh: String,
    pub display_en: String,
    /// The previous period's value.
    pub previous: Option<f64>,
    pub previous_display_zh: String,
    /// This period's value less the previous one's (percentage points, days or cases).
    pub change: Option<f64>,
    /// Whether the change is for the better; null when unchanged or unknown.
    pub improved: Option<bool>,
    /// The formula as the court counts it.
    pub definition_zh: String,
    pub definition_en: String,
}

fn unit_key(u: Unit) -> &'static str {
    match u {
        Unit::Count => "count",
        Unit::Percent => "percent",
        Unit::Days => "days",
    }
}

fn api_figure(f: &FigureView) -> ApiFigure {
    ApiFigure {
        key: f.key.into(),
        name_zh: f.name_zh.into(),
        name_en: f.name_en.into(),
        unit: unit_key(f.unit).into(),
        value: f.value,
        num: f.num,
        den: f.den,
        display_zh: f.display_zh.clone(),
        display_en: f.display_en.clone(),
        previous: f.previous,
        previous_display_zh: f.previous_display_zh.clone(),
        change: f.change,
        improved: f.improved,
        definition_zh: f.definition_zh.clone(),
        definition_en: f.definition_en.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiTrendPoint {
    /// YYYY-MM.
    pub month: String,
    pub label_zh: String,
    pub received: i64,
    pub closed: i64,
    pub closure_rate: Option<f64>,
    pub completion_rate: Option<f64>,
    pub actual_rate: Option<f64>,
    pub recovery_rate: Option<f64>,
    pub average_days: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiTeamAssessment {
    pub team_id: i64,
    pub team_name: String,
    /// fast, ordinary or special.
    pub kind: String,
    pub kind_name_zh: String,
    /// The metrics the kind is assessed on.
    pub figures: Vec<ApiFigure>,
    /// Place among the court's teams of the kind, on the kind's first metric.
    pub rank: Option<u32>,
    pub of: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ApiMetrics {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    /// Whose figures: the court (with the courts below it), a team, an officer or a campaign.
    pub subject_zh: String,
    pub subject_en: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub period: ApiPeriod,
    pub previous: ApiPeriod,
    pub figures: Vec<ApiFigure>,
    /// Month by month over the period.
    pub trend: Vec<ApiTrendPoint>,
    /// For a single court's own view: its teams, assessed by kind (繁简分类考核).
    pub teams: Vec<ApiTeamAssessment>,
}

fn api_metrics_doc(v: &MetricsView) -> ApiMetrics {
    ApiMetrics {
        court_id: v.court_id,
        court_code: v.court_code.clone(),
        court_name: v.court_name.clone(),
        subject_zh: v.subject_zh.clone(),
        subject_en: v.subject_en.clone(),
        team_id: v.team_id,
        officer_id: v.officer_id,
        campaign_id: v.campaign_id,
        period: api_period(&v.period, v.period_spec.clone()),
        previous: api_period(&v.previous, v.previous.spec()),
        figures: v.figures.iter().map(api_figure).collect(),
        trend: v
            .trend
            .iter()
            .map(|t| ApiTrendPoint {
                month: t.month.clone(),
                label_zh: t.label_zh.clone(),
                received: t.received,
                closed: t.closed,
                closure_rate: t.closure_rate,
                completion_rate: t.completion_rate,
                actual_rate: t.actual_rate,
                recovery_rate: t.recovery_rate,
                average_days: t.average_days,
            })
            .collect(),
        teams: v
            .teams
            .iter()
            .map(|t| ApiTeamAssessment {
                team_id: t.team_id,
                team_name: t.team_name.clone(),
                kind: t.kind.into(),
                kind_name_zh: t.kind_name_zh.into(),
                figures: t.figures.iter().map(api_figure).collect(),
                rank: t.rank,
                of: t.of,
            })
            .collect(),
    }
}

/// A unit's figures for a period with the previous period's, the change, each definition, the
/// monthly trend and (for a court's own view) its teams' assessment. Refused with 400 for a
/// period that cannot be read or ends before it starts, 403 for a court the user may not see.
#[utoipa::path(get, path = "/api/v1/metrics",
    params(("court_id" = Option<i64>, Query, description = "court (default: the user's own); its courts below are included"),
        ("team_id" = Option<i64>, Query, description = "one team of the court"),
        ("officer_id" = Option<i64>, Query, description = "one officer of the court"),
        ("campaign_id" = Option<i64>, Query, description = "the cases of one campaign"),
        ("period" = Option<String>, Query, description = "ytd (default), 2025, 2025-03, 2025Q1 or 2025-01-01..2025-06-30"),
        ("from" = Option<String>, Query, description = "a custom period's first day (with `to`)"),
        ("to" = Option<String>, Query, description = "a custom period's last day")),
    responses((status = 200, body = ApiMetrics), (status = 400, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_metrics(
    State(app): State<App>,
    s: ApiSession,
    Query(p): Query<Params>,
) -> Response {
    let actor = &s.session.actor;
    let result = async {
        let q = query_of(actor, &p, today_shanghai())?;
        app.metrics_view(actor, &q).await
    }
    .await;
    match result {
        Ok(v) => Json(api_metrics_doc(&v)).into_response(),
        Err(e) => query_problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiRankingRow {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    /// The ranked figure, with the previous period's.
    pub figure: ApiFigure,
    /// Equal figures share a rank; null when the figure is undefined.
    pub rank: Option<u32>,
    pub previous_rank: Option<u32>,
    /// Places moved up since the previous period (negative: down).
    pub moved: Option<i64>,
    /// Every rankable figure of the court.
    pub figures: Vec<ApiFigure>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiRanking {
    pub court_id: i64,
    pub court_name: String,
    pub title_zh: String,
    pub title_en: String,
    pub metric: String,
    pub definition_zh: String,
    pub definition_en: String,
    pub period: ApiPeriod,
    pub previous_label_zh: String,
    /// Best first.
    pub rows: Vec<ApiRankingRow>,
}

/// The courts directly below a court (each with its own courts below) ranked on a rankable
/// metric, with their places in the previous period. 400 for an unknown or unrankable metric,
/// or a court with no courts below.
#[utoipa::path(get, path = "/api/v1/metrics/ranking",
    params(("court_id" = Option<i64>, Query, description = "the ranking court (default: the user's own)"),
        ("metric" = Option<String>, Query, description = "closure_rate (default), completion_rate, actual_rate, dormant_rate, recovery_rate, average_days, within_limit_rate or old_pending"),
        ("period" = Option<String>, Query, description = "as for /api/v1/metrics"),
        ("from" = Option<String>, Query, description = "custom period's first day"),
        ("to" = Option<String>, Query, description = "custom period's last day")),
    responses((status = 200, body = ApiRanking), (status = 400, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_ranking(
    State(app): State<App>,
    s: ApiSession,
    Query(p): Query<Params>,
) -> Response {
    match ranking_view(&app, &s.session.actor, &p).await {
        Ok((v, _, _)) => Json(ApiRanking {
            court_id: v.court_id,
            court_name: v.court_name.clone(),
            title_zh: v.title_zh.clone(),
            title_en: v.title_en.clone(),
            metric: v.metric.into(),
            definition_zh: v.definition_zh.clone(),
            definition_en: v.definition_en.clone(),
            period: api_period(&v.period, v.period_spec.clone()),
            previous_label_zh: v.previous_label_zh.clone(),
            rows: v
                .rows
                .iter()
                .map(|r| ApiRankingRow {
                    court_id: r.court_id,
                    court_code: r.court_code.clone(),
                    court_name: r.court_name.clone(),
                    figure: api_figure(&r.figure),
                    rank: r.rank,
                    previous_rank: r.previous_rank,
                    moved: r.moved,
                    figures: r.figures.iter().map(api_figure).collect(),
                })
                .collect(),
        })
        .into_response(),
        Err(e) => query_problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiDrillRow {
    pub id: i64,
    pub case_number: String,
    pub court_name: String,
    /// Stage key.
    pub stage: String,
    pub claim_fen: i64,
    pub applicant_names: String,
    pub debtor_names: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    /// YYYY-MM-DD.
    pub filed_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiDrill {
    pub title_zh: String,
    pub title_en: String,
    pub metric: String,
    pub set: String,
    pub period_label_zh: String,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub per_page: u32,
    pub rows: Vec<ApiDrillRow>,
}

fn api_drill(v: &DrillView) -> ApiDrill {
    ApiDrill {
        title_zh: v.title_zh.clone(),
        title_en: v.title_en.clone(),
        metric: v.metric.into(),
        set: v.set.into(),
        period_label_zh: v.period_label_zh.clone(),
        total: v.total,
        page: v.page,
        pages: v.pages,
        per_page: DRILL_PAGE,
        rows: v
            .rows
            .iter()
            .map(|r| ApiDrillRow {
                id: r.id,
                case_number: r.case_number.clone(),
                court_name: r.court_name.clone(),
                stage: r.stage.clone(),
                claim_fen: r.claim_fen,
                applicant_names: r.applicant_names.clone(),
                debtor_names: r.debtor_names.clone(),
                team_name: r.team_name.clone(),
                officer_name: r.officer_name.clone(),
                filed_on: r.filed_on.clone(),
            })
            .collect(),
    }
}

/// The cases behind a figure, 50 a page: `set` is a metric key (its numerator's cases, or for
/// a count the cases counted) or `closed_late` (closed after their limit).
#[utoipa::path(get, path = "/api/v1/metrics/cases",
    params(("court_id" = Option<i64>, Query, description = "as for /api/v1/metrics"),
        ("team_id" = Option<i64>, Query, description = "one team of the court"),
        ("officer_id" = Option<i64>, Query, description = "one officer of the court"),
        ("campaign_id" = Option<i64>, Query, description = "the cases of one campaign"),
        ("period" = Option<String>, Query, description = "as for /api/v1/metrics"),
        ("from" = Option<String>, Query, description = "custom period's first day"),
        ("to" = Option<String>, Query, description = "custom period's last day"),
        ("set" = Option<String>, Query, description = "a metric key (default closed) or closed_late"),
        ("page" = Option<u32>, Query, description = "page, from 1")),
    responses((status = 200, body = ApiDrill), (status = 400, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem)))]
pub async fn api_cases(State(app): State<App>, s: ApiSession, Query(p): Query<Params>) -> Response {
    let actor = &s.session.actor;
    let result = async {
        let q = query_of(actor, &p, today_shanghai())?;
        let set = param(&p, &["set"]).unwrap_or(Metric::Closed.key());
        app.metric_cases(actor, &q, set, page_param(&p)?).await
    }
    .await;
    match result {
        Ok(v) => Json(api_drill(&v)).into_response(),
        Err(e) => query_problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiTeamLoad {
    pub team_id: i64,
    pub team_name: String,
    /// fast, ordinary or special.
    pub kind: String,
    pub kind_name_zh: String,
    pub open_cases: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiPlace {
    pub rank: u32,
    pub of: usize,
    /// The court whose courts are compared.
    pub among: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiDashboard {
    pub court_id: i64,
    pub court_name: String,
    /// YYYY-MM-DD, Beijing.
    pub today: String,
    /// Cases of every type filed today.
    pub intake_today: i64,
    /// Of today's cases, how many had the network inquiry started the same day.
    pub same_day_today_total: i64,
    pub same_day_today_done: i64,
    pub same_day_period_total: i64,
    pub same_day_period_done: i64,
    pub same_day_rate_period: Option<f64>,
    pub nodes_warning: i64,
    pub nodes_overdue: i64,
    pub locked: i64,
    /// Cases holding money received and not yet paid out, and the total in fen.
    pub funds_cases: i64,
    pub funds_held_fen: i64,
    pub team_loads: Vec<ApiTeamLoad>,
    /// Where the court stands among the courts of its parent on the closure rate.
    pub place: Option<ApiPlace>,
    pub metrics: ApiMetrics,
}

/// The command centre's board for one court: today's intake and same-day inquiries, nodes in
/// warning and overdue, locked cases, funds held, team loads, the period's figures and the
/// court's place among its peers.
#[utoipa::path(get, path = "/api/v1/command-centre",
    params(("court_id" = Option<i64>, Query, description = "court (default: the user's own)"),
        ("period" = Option<String>, Query, description = "as for /api/v1/metrics"),
        ("from" = Option<String>, Query, description = "custom period's first day"),
        ("to" = Option<String>, Query, description = "custom period's last day")),
    responses((status = 200, body = ApiDashboard), (status = 400, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_dashboard(
    State(app): State<App>,
    s: ApiSession,
    Query(p): Query<Params>,
) -> Response {
    let actor = &s.session.actor;
    let result = async {
        let period = period_of(&p, today_shanghai())?;
        let court = id_param(&p, &["court", "court_id"])?.unwrap_or(actor.court_id);
        app.dashboard(actor, court, &period).await
    }
    .await;
    match result {
        Ok(d) => Json(ApiDashboard {
            court_id: d.court_id,
            court_name: d.court_name.clone(),
            today: d.today.clone(),
            intake_today: d.intake_today,
            same_day_today_total: d.same_day_today.0,
            same_day_today_done: d.same_day_today.1,
            same_day_period_total: d.same_day_period.0,
            same_day_period_done: d.same_day_period.1,
            same_day_rate_period: d.same_day_rate_period,
            nodes_warning: d.nodes_warning,
            nodes_overdue: d.nodes_overdue,
            locked: d.locked,
            funds_cases: d.funds_cases,
            funds_held_fen: d.funds_held_fen,
            team_loads: d
                .team_loads
                .iter()
                .map(|l| ApiTeamLoad {
                    team_id: l.team_id,
                    team_name: l.team_name.clone(),
                    kind: l.kind.into(),
                    kind_name_zh: l.kind_name_zh.into(),
                    open_cases: l.open_cases,
                })
                .collect(),
            place: d.place.as_ref().map(|(rank, of, among)| ApiPlace {
                rank: *rank,
                of: *of,
                among: among.clone(),
            }),
            metrics: api_metrics_doc(&d.metrics),
        })
        .into_response(),
        Err(e) => query_problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiCampaign {
    pub id: i64,
    pub court_id: i64,
    pub court_name: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    pub goal: String,
    /// Cases tagged.
    pub cases: i64,
    pub created_by_name: String,
}

fn api_campaign_doc(c: &CampaignView) -> ApiCampaign {
    ApiCampaign {
        id: c.id,
        court_id: c.court_id,
        court_name: c.court_name.clone(),
        name: c.name.clone(),
        starts_on: c.starts_on.clone(),
        ends_on: c.ends_on.clone(),
        goal: c.goal.clone(),
        cases: c.cases,
        created_by_name: c.created_by_name.clone(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiCampaignList {
    pub campaigns: Vec<ApiCampaign>,
}

/// The campaigns (专项行动) of the courts the user can see.
#[utoipa::path(get, path = "/api/v1/campaigns",
    responses((status = 200, body = ApiCampaignList)))]
pub async fn api_campaigns(State(app): State<App>, s: ApiSession) -> Response {
    match app.campaigns(&s.session.actor).await {
        Ok(list) => Json(ApiCampaignList {
            campaigns: list.iter().map(api_campaign_doc).collect(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CampaignRequest {
    /// 1–40 characters, unique in the court, e.g. 春季攻坚.
    pub name: String,
    /// YYYY-MM-DD.
    pub starts_on: String,
    pub ends_on: String,
    #[serde(default)]
    pub goal: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCampaignCreated {
    pub id: i64,
}

/// Sets up a campaign of the user's court (team leaders, bureau chiefs, supervisors,
/// presidents). 422 for a name already used or a reversed span.
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignRequest,
    responses((status = 201, body = ApiCampaignCreated), (status = 403, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_campaign_create(
    State(app): State<App>,
    w: ApiWrite,
    ApiJson(r): ApiJson<CampaignRequest>,
) -> Response {
    let actor = &w.session.actor;
    let cmd = match create_command(actor.court_id, &r.name, &r.starts_on, &r.ends_on, &r.goal) {
        Ok(c) => c,
        Err(e) => return problem(&e),
    };
    match app.execute(actor, cmd).await {
        Ok(o) => (
            StatusCode::CREATED,
            Json(ApiCampaignCreated {
                id: o.id.unwrap_or_default(),
            }),
        )
            .into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiCampaignDetail {
    pub campaign: ApiCampaign,
    /// The figures of the campaign's cases over its dates.
    pub metrics: ApiMetrics,
    /// The first page of its cases, latest tagged first.
    pub cases: ApiDrill,
}

/// A campaign: its figures over its own dates and the first page of its cases.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path, description = "campaign id")),
    responses((status = 200, body = ApiCampaignDetail), (status = 404, body = crate::api::Problem)))]
pub async fn api_campaign(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    let actor = &s.session.actor;
    let result = async {
        let c = app.campaign(actor, id).await?;
        let m = app.campaign_metrics(actor, id).await?;
        let cases = app.campaign_cases(actor, id, 1).await?;
        Ok::<_, AppError>((c, m, cases))
    }
    .await;
    match result {
        Ok((c, m, cases)) => Json(ApiCampaignDetail {
            campaign: api_campaign_doc(&c),
            metrics: api_metrics_doc(&m),
            cases: api_drill(&cases),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TagRequest {
    /// Case numbers, e.g. （2025）豫0883执123号: all must be cases of the campaign's court or
    /// the courts below, else nothing is tagged.
    pub case_numbers: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiTagged {
    pub campaign_id: i64,
    /// Cases newly tagged (those already in the campaign are not counted twice).
    pub tagged: i64,
}

/// Tags cases to a campaign of the user's court, by number (all or none).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/cases", params(("id" = i64, Path, description = "campaign id")),
    request_body = TagRequest,
    responses((status = 200, body = ApiTagged), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_campaign_tag(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TagRequest>,
) -> Response {
    let cmd = Command::TagCampaignCases {
        campaign_id: id,
        case_numbers: r.case_numbers,
    };
    match app.execute(&w.session.actor, cmd).await {
        Ok(o) => Json(ApiTagged {
            campaign_id: id,
            tagged: o.id.unwrap_or_default(),
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// Takes one case out of a campaign of the user's court.
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}/cases/{case_id}",
    params(("id" = i64, Path, description = "campaign id"), ("case_id" = i64, Path, description = "case id")),
    responses((status = 204, description = "taken out"), (status = 403, body = crate::api::Problem),
        (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub async fn api_campaign_untag(
    State(app): State<App>,
    w: ApiWrite,
    Path((id, case_id)): Path<(i64, i64)>,
) -> Response {
    crate::api::no_content(
        &app,
        &w.session.actor,
        Ok(Command::UntagCampaignCase {
            campaign_id: id,
            case_id,
        }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn periods_from_the_picker() {
        let today = NaiveDate::from_ymd_opt(2025, 8, 15).unwrap();
        let p = period_of(&params(&[]), today).unwrap();
        assert_eq!(p.spec(), "ytd");
        let p = period_of(
            &params(&[
                ("period", "custom"),
                ("from", "2025-01-01"),
                ("to", "2025-03-31"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(p.spec(), "2025-01-01..2025-03-31");
        // A spec chosen in the picker wins over dates left in the custom fields.
        let p = period_of(
            &params(&[
                ("period", "2025Q2"),
                ("from", "2025-01-01"),
                ("to", "2025-03-31"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(p.spec(), "2025Q2");
        let e = period_of(
            &params(&[("from", "2025-06-30"), ("to", "2025-01-01")]),
            today,
        )
        .unwrap_err();
        assert_eq!(e.code(), "metrics.period_reversed");
        let e = period_of(
            &params(&[("period", "custom"), ("from", "2025-06-30")]),
            today,
        )
        .unwrap_err();
        assert_eq!(e.code(), "metrics.custom_incomplete");
    }

    #[test]
    fn units_and_ids() {
        assert_eq!(unit_of("court:3").unwrap(), (3, None, None));
        assert_eq!(unit_of("team:3:7").unwrap(), (3, Some(7), None));
        assert_eq!(unit_of("officer:3:9").unwrap(), (3, None, Some(9)));
        assert!(unit_of("team:3").is_err());
        assert!(unit_of("city:1").is_err());
        assert_eq!(
            id_param(&params(&[("court_id", "5")]), &["court", "court_id"]).unwrap(),
            Some(5)
        );
        assert_eq!(
            id_param(&params(&[("court", " ")]), &["court"]).unwrap(),
            None
        );
        assert!(id_param(&params(&[("court", "x")]), &["court"]).is_err());
    }

    #[test]
    fn chart_json_cannot_close_its_script() {
        let s = script_json(&json!({"name": "</script><b>&"}));
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }

    #[test]
    fn case_numbers_split_on_lines_and_commas() {
        assert_eq!(
            case_numbers("（2025）豫0883执1号\r\n\n（2025）豫0883执2号，（2025）豫0883执3号 "),
            vec![
                "（2025）豫0883执1号",
                "（2025）豫0883执2号",
                "（2025）豫0883执3号"
            ]
        );
    }
}
