//! Coercive measures (强制措施) and settlement agreements (执行和解) on the case, the court's public
//! list of published measures, and their API twins:
//! - `GET /cases/{id}/measures` — measures and agreements with the forms the user may use;
//!   `POST /cases/{id}/measures`, `POST /measures/{id}/revoke`, `POST /cases/{id}/settlements`,
//!   `POST /settlements/{id}/payments`;
//! - `GET /public/{court_code}/measures` — no sign-in: restrictions, the dishonest list and
//!   reward offers in force (names and case numbers only, never identity numbers);
//! - `/api/v1/cases/{id}/measures` (GET, POST), `/api/v1/measures/{id}/revoke`,
//!   `/api/v1/cases/{id}/settlements`, `/api/v1/settlements/{id}/payments`,
//!   `/api/v1/public/{court_code}/measures`.
//!
//! No rule here: what a measure needs and who may take it are the app's and the domain's.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::measures::{
    CaseMeasuresView, MeasureInput, MeasureView, PublicMeasuresView, SettlementInput,
    SettlementView,
};
use zhixing_app::views::CurrentUser;
use zhixing_app::{App, AppError};
use zhixing_domain::coercive::{DishonestGround, MeasureKind};
use zhixing_domain::money::Fen;
use zhixing_domain::settlement::Instalment;

use crate::api::problem;
use crate::i18n::{self, msg, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{lang_of, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/measures", get(case_page).post(issue_post))
        .route("/measures/{id}/revoke", post(revoke_post))
        .route("/cases/{id}/settlements", post(settlement_post))
        .route("/settlements/{id}/payments", post(payment_post))
        .route("/public/{court_code}/measures", get(public_page))
        .route("/api/v1/cases/{id}/measures", get(api_case).post(api_issue))
        .route("/api/v1/measures/{id}/revoke", post(api_revoke))
        .route("/api/v1/cases/{id}/settlements", post(api_settlement))
        .route("/api/v1/settlements/{id}/payments", post(api_payment))
        .route("/api/v1/public/{court_code}/measures", get(api_public))
}

fn kind_name(lang: Lang, k: MeasureKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

fn grounds_text(lang: Lang, g: &[DishonestGround]) -> String {
    g.iter()
        .map(|g| match lang {
            Lang::Zh => format!("{}（{}）", g.name_zh(), g.article()),
            Lang::En => g.name_en().to_string(),
        })
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "；" } else { "; " })
}

// ---------------------------------------------------------------------------------------------
// The case page
// ---------------------------------------------------------------------------------------------

pub struct MeasureLine {
    pub id: i64,
    pub kind: String,
    pub party: String,
    pub status: String,
    pub in_force: bool,
    pub public: bool,
    pub detail: String,
    pub period: String,
    pub document_id: Option<i64>,
    pub by: String,
    pub version: i64,
}

pub struct InstalmentLineHtml {
    pub due_on: String,
    pub amount: String,
    pub paid: String,
    pub status: String,
    pub late: bool,
}

pub struct SettlementHtml {
    pub id: i64,
    pub version: i64,
    pub active: bool,
    pub signed_on: String,
    pub total: String,
    pub paid: String,
    pub outstanding: String,
    pub status: String,
    pub defaulted: bool,
    pub grace_days: i64,
    pub terms: String,
    pub lines: Vec<InstalmentLineHtml>,
    pub payments: Vec<(String, String, String, String)>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "measures.html")]
pub struct CasePageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub open: bool,
    pub may_act: bool,
    pub may_decide: bool,
    pub today: String,
    pub claim: String,
    pub measures: Vec<MeasureLine>,
    pub settlements: Vec<SettlementHtml>,
    pub debtors: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub grounds: Vec<Choice>,
    pub documents: Vec<Choice>,
}

staff_page!(
    CasePageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/measures", p.case_id)
);

fn measure_line(lang: Lang, m: &MeasureView) -> MeasureLine {
    let mut detail = Vec::new();
    if !m.grounds.is_empty() {
        detail.push(grounds_text(lang, &m.grounds));
    }
    if m.extension_years > 0 {
        detail.push(msg(
            lang,
            format!("延长 {} 年", m.extension_years),
            format!("extended by {} year(s)", m.extension_years),
        ));
    }
    if let Some(a) = m.amount {
        detail.push(msg(lang, format!("{a} 元"), format!("{a} yuan")));
    }
    if let Some(d) = m.days {
        detail.push(msg(lang, format!("{d} 日"), format!("{d} day(s)")));
    }
    if !m.holder.is_empty() {
        detail.push(msg(
            lang,
            format!("被调查人：{}", m.holder),
            format!("addressed to {}", m.holder),
        ));
    }
    if !m.facts.is_empty() {
        detail.push(m.facts.clone());
    }
    if let (Some(on), Some(why)) = (&m.revoked_on, &m.revoke_reason) {
        detail.push(msg(
            lang,
            format!("{on} 撤销：{why}"),
            format!("revoked on {on}: {why}"),
        ));
    }
    let period = match &m.end_on {
        Some(end) => format!("{} — {end}", m.start_on),
        None => msg(
            lang,
            format!("{} 起", m.start_on),
            format!("from {}", m.start_on),
        ),
    };
    MeasureLine {
        id: m.id,
        kind: kind_name(lang, m.kind).to_string(),
        party: m.party_name.clone(),
        status: if m.in_force {
            i18n::t(lang, "measures.in_force").to_string()
        } else {
            i18n::t(lang, "measures.revoked").to_string()
        },
        in_force: m.in_force,
        public: m.public,
        detail: detail.join(if lang == Lang::Zh { "；" } else { "; " }),
        period,
        document_id: m.document_id,
        by: m.created_by_name.clone(),
        version: m.version,
    }
}

fn settlement_html(lang: Lang, s: &SettlementView) -> SettlementHtml {
    let p = &s.performance;
    SettlementHtml {
        id: s.id,
        version: s.version,
        active: s.active,
        signed_on: s.signed_on.clone(),
        total: s.total.to_string(),
        paid: p.paid.to_string(),
        outstanding: p.outstanding.to_string(),
        status: if s.active {
            msg(lang, p.status.name_zh(), p.status.name_en())
        } else {
            i18n::t(lang, "settlement.superseded").to_string()
        },
        defaulted: p.status == zhixing_domain::settlement::SettlementStatus::Defaulted,
        grace_days: s.grace_days,
        terms: s.terms.clone(),
        lines: p
            .lines
            .iter()
            .map(|l| InstalmentLineHtml {
                due_on: l.due_on.to_string(),
                amount: l.amount.to_string(),
                paid: l.paid.to_string(),
                status: msg(lang, l.status.name_zh(), l.status.name_en()),
                late: l.status == zhixing_domain::settlement::InstalmentStatus::Defaulted,
            })
            .collect(),
        payments: s
            .payments
            .iter()
            .map(|p| {
                (
                    p.paid_on.clone(),
                    p.amount.to_string(),
                    p.note.clone(),
                    p.recorded_by_name.clone(),
                )
            })
            .collect(),
    }
}

fn case_html(lang: Lang, user: CurrentUser, csrf: String, v: &CaseMeasuresView) -> CasePageHtml {
    let kinds = MeasureKind::ALL
        .into_iter()
        .filter(|k| {
            v.may_decide
                || !matches!(
                    k,
                    MeasureKind::Fine | MeasureKind::Detention | MeasureKind::RefusalReferral
                )
        })
        .map(|k| Choice {
            value: k.key().into(),
            label: kind_name(lang, k).into(),
        })
        .collect();
    CasePageHtml {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        open: v.open,
        may_act: v.may_act,
        may_decide: v.may_decide,
        today: v.today.to_string(),
        claim: v.claim.to_string(),
        measures: v.measures.iter().map(|m| measure_line(lang, m)).collect(),
        settlements: v
            .settlements
            .iter()
            .map(|s| settlement_html(lang, s))
            .collect(),
        debtors: v
            .debtors
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name.clone(),
            })
            .collect(),
        kinds,
        grounds: DishonestGround::ALL
            .into_iter()
            .map(|g| Choice {
                value: g.key().into(),
                label: match lang {
                    Lang::Zh => format!("{}（{}）", g.name_zh(), g.article()),
                    Lang::En => g.name_en().into(),
                },
            })
            .collect(),
        documents: v
            .issued_docs
            .iter()
            .map(|d| {
                let (zh, en) = zhixing_app::service::kind_names(&d.kind);
                Choice {
                    value: d.id.to_string(),
                    label: format!("{} {}", msg(lang, zh, en), d.number),
                }
            })
            .collect(),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let user = s.session.user.clone();
    match app.case_measures(&s.session.actor, id).await {
        Ok(v) => Html(render_page(&case_html(
            s.lang,
            user,
            s.session.csrf.clone(),
            &v,
        )))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing shared by forms and JSON
// ---------------------------------------------------------------------------------------------

fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(code, zh, en)
}

fn opt_amount(raw: &str) -> Result<Option<Fen>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Fen::parse(raw).map(Some).map_err(AppError::from)
}

fn opt_u32(raw: &str, what_zh: &str, what_en: &str) -> Result<Option<u32>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| {
        bad(
            "request.not_a_number",
            format!("{what_zh}须为整数：“{raw}”"),
            format!("the {what_en} must be a whole number: \"{raw}\""),
        )
    })
}

fn day(raw: &str, what_zh: &str, what_en: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        bad(
            "request.bad_date",
            format!("{what_zh}须为“年-月-日”格式的日期：“{}”", raw.trim()),
            format!(
                "the {what_en} must be a date YYYY-MM-DD: \"{}\"",
                raw.trim()
            ),
        )
    })
}

fn opt_day(raw: &str, what_zh: &str, what_en: &str) -> Result<Option<NaiveDate>, AppError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        day(raw, what_zh, what_en).map(Some)
    }
}

/// Instalments as typed on the form: one per line, `2026-03-31 10000` (date, then amount in
/// yuan, separated by spaces, a comma or a tab).
pub fn parse_instalments(text: &str) -> Result<Vec<Instalment>, AppError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
            .filter(|p| !p.is_empty());
        let (Some(d), Some(a), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(
                "settlement.line_format",
                format!("第 {} 行应为“日期 金额”，如“2026-03-31 10000”", i + 1),
                format!(
                    "line {} should be \"date amount\", e.g. \"2026-03-31 10000\"",
                    i + 1
                ),
            ));
        };
        out.push(Instalment {
            due_on: day(d, "履行日期", "due date")?,
            amount: Fen::parse(a)?,
        });
    }
    Ok(out)
}

/// A measure as typed, from a form or JSON.
#[derive(Deserialize, ToSchema, Default)]
pub struct MeasureRequest {
    /// The debtor (party id).
    pub party_id: i64,
    /// consumption_restriction, dishonest_list, reward_offer, lawyer_investigation_order,
    /// refusal_referral, fine or detention.
    pub kind: String,
    /// Dishonest list: the grounds' keys (able_but_refuses, obstructs, evades,
    /// breaks_asset_report, breaks_restriction, breaks_settlement).
    #[serde(default)]
    pub grounds: Vec<String>,
    #[serde(default)]
    pub extension_years: u32,
    #[serde(default)]
    pub sufficient_security: bool,
    #[serde(default)]
    pub controlled_property_sufficient: bool,
    /// Fine or reward, in yuan ("5000", "1.2万").
    #[serde(default)]
    pub amount: String,
    /// Detention days, or the investigation order's validity in days.
    #[serde(default)]
    pub days: Option<u32>,
    /// Lawyer investigation order: whom it is addressed to.
    #[serde(default)]
    pub holder: String,
    #[serde(default)]
    pub facts: String,
    /// Restriction and dishonest list: the issued 限制消费令 / 失信决定书.
    #[serde(default)]
    pub document_id: Option<i64>,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub start_on: String,
}

fn measure_input(case_id: i64, r: MeasureRequest) -> Result<MeasureInput, AppError> {
    let grounds = r
        .grounds
        .iter()
        .map(|g| DishonestGround::from_key(g))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(MeasureInput {
        case_id,
        party_id: r.party_id,
        kind: MeasureKind::from_key(&r.kind)?,
        grounds,
        extension_years: r.extension_years,
        sufficient_security: r.sufficient_security,
        controlled_property_sufficient: r.controlled_property_sufficient,
        amount: opt_amount(&r.amount)?,
        days: r.days,
        holder: r.holder,
        facts: r.facts,
        document_id: r.document_id,
        start_on: opt_day(&r.start_on, "决定日期", "start date")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------------

/// The issue form: checkboxes repeat `grounds`, so it is read as a list of pairs.
async fn issue_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let csrf = get("csrf").to_string();
    let cmd = (|| {
        let party_id = get("party_id").trim().parse::<i64>().map_err(|_| {
            bad(
                "measure.party_required",
                "请选择被执行人",
                "choose the debtor",
            )
        })?;
        let r = MeasureRequest {
            party_id,
            kind: get("kind").to_string(),
            grounds: pairs
                .iter()
                .filter(|(k, _)| k == "grounds")
                .map(|(_, v)| v.clone())
                .collect(),
            extension_years: opt_u32(get("extension_years"), "延长年数", "extension")?.unwrap_or(0),
            sufficient_security: !get("sufficient_security").is_empty(),
            controlled_property_sufficient: !get("controlled_property_sufficient").is_empty(),
            amount: get("amount").to_string(),
            days: opt_u32(get("days"), "天数", "days")?,
            holder: get("holder").to_string(),
            facts: get("facts").to_string(),
            document_id: get("document_id").trim().parse().ok(),
            start_on: get("start_on").to_string(),
        };
        Ok(Command::IssueMeasure(Box::new(measure_input(id, r)?)))
    })();
    form_command(&app, &s, &csrf, cmd, &format!("/cases/{id}/measures")).await
}

#[derive(Deserialize)]
struct RevokeForm {
    csrf: String,
    case_id: i64,
    version: i64,
    #[serde(default)]
    reason: String,
}

async fn revoke_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<RevokeForm>,
) -> Response {
    let cmd = Ok(Command::RevokeMeasure {
        measure_id: id,
        version: f.version,
        reason: f.reason,
    });
    form_command(
        &app,
        &s,
        &f.csrf,
        cmd,
        &format!("/cases/{}/measures", f.case_id),
    )
    .await
}

/// An agreement as typed, from a form or JSON.
#[derive(Deserialize, ToSchema)]
pub struct SettlementRequest {
    /// YYYY-MM-DD.
    pub signed_on: String,
    /// One per line: `2026-03-31 10000` (date, amount in yuan).
    pub instalments: String,
    #[serde(default)]
    pub grace_days: u32,
    #[serde(default)]
    pub terms: String,
}

fn settlement_input(case_id: i64, r: SettlementRequest) -> Result<SettlementInput, AppError> {
    Ok(SettlementInput {
        case_id,
        signed_on: day(&r.signed_on, "签订日期", "signing date")?,
        instalments: parse_instalments(&r.instalments)?,
        grace_days: r.grace_days,
        terms: r.terms,
    })
}

#[derive(Deserialize)]
struct SettlementForm {
    csrf: String,
    signed_on: String,
    instalments: String,
    #[serde(default)]
    grace_days: String,
    #[serde(default)]
    terms: String,
}

async fn settlement_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<SettlementForm>,
) -> Response {
    let cmd = (|| {
        let r = SettlementRequest {
            signed_on: f.signed_on,
            instalments: f.instalments,
            grace_days: opt_u32(&f.grace_days, "宽限天数", "grace days")?.unwrap_or(0),
            terms: f.terms,
        };
        Ok(Command::RecordSettlement(Box::new(settlement_input(
            id, r,
        )?)))
    })();
    form_command(&app, &s, &f.csrf, cmd, &format!("/cases/{id}/measures")).await
}

/// A payment under an agreement, from a form or JSON.
#[derive(Deserialize, ToSchema)]
pub struct PaymentRequest {
    /// The agreement's version last read; a stale one answers 409.
    pub version: i64,
    /// YYYY-MM-DD.
    pub paid_on: String,
    /// Yuan ("10000", "1万").
    pub amount: String,
    #[serde(default)]
    pub note: String,
}

fn payment_command(settlement_id: i64, r: PaymentRequest) -> Result<Command, AppError> {
    Ok(Command::RecordSettlementPayment {
        settlement_id,
        version: r.version,
        paid_on: day(&r.paid_on, "履行日期", "payment date")?,
        amount: Fen::parse(&r.amount)?,
        note: r.note,
    })
}

#[derive(Deserialize)]
struct PaymentForm {
    csrf: String,
    case_id: i64,
    version: i64,
    paid_on: String,
    amount: String,
    #[serde(default)]
    note: String,
}

async fn payment_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<PaymentForm>,
) -> Response {
    let to = format!("/cases/{}/measures", f.case_id);
    let cmd = payment_command(
        id,
        PaymentRequest {
            version: f.version,
            paid_on: f.paid_on,
            amount: f.amount,
            note: f.note,
        },
    );
    form_command(&app, &s, &f.csrf, cmd, &to).await
}

// ---------------------------------------------------------------------------------------------
// The public list
// ---------------------------------------------------------------------------------------------

pub struct PublicLine {
    pub case_number: String,
    pub party: String,
    pub kind: String,
    pub detail: String,
    pub period: String,
}

#[derive(Template)]
#[template(path = "public_measures.html")]
pub struct PublicPageHtml {
    pub lang: Lang,
    pub court_name: String,
    pub court_code: String,
    pub lines: Vec<PublicLine>,
    pub next_before: Option<i64>,
}

impl PublicPageHtml {
    fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }
}

#[derive(Deserialize)]
pub struct PublicQuery {
    /// The cursor of the next page.
    pub before: Option<i64>,
}

async fn public_page(
    State(app): State<App>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<PublicQuery>,
) -> Response {
    let lang = lang_of(&headers);
    match app.public_measures(&code, q.before).await {
        Ok(v) => {
            let lines = v
                .items
                .iter()
                .map(|m| PublicLine {
                    case_number: m.case_number.clone(),
                    party: m.party_name.clone(),
                    kind: kind_name(lang, m.kind).into(),
                    detail: match m.amount {
                        Some(a) if m.kind == MeasureKind::RewardOffer => {
                            msg(lang, format!("悬赏金额 {a} 元"), format!("reward {a} yuan"))
                        }
                        _ => grounds_text(lang, &m.grounds),
                    },
                    period: match &m.end_on {
                        Some(end) => format!("{} — {end}", m.start_on),
                        None => m.start_on.clone(),
                    },
                })
                .collect();
            let page = PublicPageHtml {
                lang,
                court_name: v.court_name,
                court_code: v.court_code,
                lines,
                next_before: v.next_before,
            };
            (StatusCode::OK, Html(render_page(&page))).into_response()
        }
        Err(e) => error_page(lang, &e, None),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiMeasure {
    pub id: i64,
    pub kind: String,
    pub kind_zh: String,
    pub party_id: i64,
    pub party_name: String,
    /// in_force or revoked.
    pub status: String,
    pub public: bool,
    pub grounds: Vec<String>,
    pub extension_years: i64,
    pub amount_fen: Option<i64>,
    pub days: Option<i64>,
    pub holder: String,
    pub facts: String,
    pub document_id: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
    pub revoked_on: Option<String>,
    pub revoke_reason: Option<String>,
    pub version: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiInstalment {
    pub due_on: String,
    pub amount_fen: i64,
    pub paid_fen: i64,
    /// paid, not_due, in_grace or defaulted.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiSettlement {
    pub id: i64,
    pub version: i64,
    pub active: bool,
    pub signed_on: String,
    pub total_fen: i64,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    /// performing, performed or defaulted.
    pub status: String,
    pub grace_days: i64,
    pub terms: String,
    pub instalments: Vec<ApiInstalment>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCaseMeasures {
    pub case_id: i64,
    pub case_number: String,
    pub measures: Vec<ApiMeasure>,
    pub settlements: Vec<ApiSettlement>,
}

fn api_case_doc(v: &CaseMeasuresView) -> ApiCaseMeasures {
    ApiCaseMeasures {
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        measures: v
            .measures
            .iter()
            .map(|m| ApiMeasure {
                id: m.id,
                kind: m.kind.key().into(),
                kind_zh: m.kind.name_zh().into(),
                party_id: m.party_id,
                party_name: m.party_name.clone(),
                status: if m.in_force { "in_force" } else { "revoked" }.into(),
                public: m.public,
                grounds: m.grounds.iter().map(|g| g.key().to_string()).collect(),
                extension_years: m.extension_years,
                amount_fen: m.amount.map(|a| a.0),
                days: m.days,
                holder: m.holder.clone(),
                facts: m.facts.clone(),
                document_id: m.document_id,
                start_on: m.start_on.clone(),
                end_on: m.end_on.clone(),
                revoked_on: m.revoked_on.clone(),
                revoke_reason: m.revoke_reason.clone(),
                version: m.version,
            })
            .collect(),
        settlements: v
            .settlements
            .iter()
            .map(|s| ApiSettlement {
                id: s.id,
                version: s.version,
                active: s.active,
                signed_on: s.signed_on.clone(),
                total_fen: s.total.0,
                paid_fen: s.performance.paid.0,
                outstanding_fen: s.performance.outstanding.0,
                status: s.performance.status.key().into(),
                grace_days: s.grace_days,
                terms: s.terms.clone(),
                instalments: s
                    .performance
                    .lines
                    .iter()
                    .map(|l| ApiInstalment {
                        due_on: l.due_on.to_string(),
                        amount_fen: l.amount.0,
                        paid_fen: l.paid.0,
                        status: serde_json::to_value(l.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A case's coercive measures and settlement agreements.
#[utoipa::path(get, path = "/api/v1/cases/{id}/measures", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = ApiCaseMeasures), (status = 404, body = crate::api::Problem)))]
pub async fn api_case(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_measures(&s.session.actor, id).await {
        Ok(v) => Json(api_case_doc(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

/// Issues a coercive measure on a debtor of the case. The restriction and the dishonest list
/// need their issued document (`document_id`); fines, detention and referral are decided by a
/// judge or above. Answers the case's measures.
#[utoipa::path(post, path = "/api/v1/cases/{id}/measures", params(("id" = i64, Path, description = "case id")),
    request_body = MeasureRequest,
    responses((status = 201, body = ApiCaseMeasures), (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_issue(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<MeasureRequest>,
) -> Response {
    let cmd = measure_input(id, r).map(|i| Command::IssueMeasure(Box::new(i)));
    case_answer(&app, &w, id, cmd).await
}

/// Runs a command and answers the case's measures (201).
async fn case_answer(
    app: &App,
    w: &ApiWrite,
    case_id: i64,
    cmd: Result<Command, AppError>,
) -> Response {
    let done = match cmd {
        Ok(cmd) => app.execute(&w.session.actor, cmd).await,
        Err(e) => return problem(&e),
    };
    if let Err(e) = done {
        return problem(&e);
    }
    match app.case_measures(&w.session.actor, case_id).await {
        Ok(v) => (StatusCode::CREATED, Json(api_case_doc(&v))).into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// The measure's version last read.
    pub version: i64,
    pub reason: String,
}

/// Revokes a measure in force (e.g. the debt was paid), with the reason.
#[utoipa::path(post, path = "/api/v1/measures/{id}/revoke", params(("id" = i64, Path, description = "measure id")),
    request_body = RevokeRequest,
    responses((status = 204), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_revoke(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<RevokeRequest>,
) -> Response {
    let cmd = Ok(Command::RevokeMeasure {
        measure_id: id,
        version: r.version,
        reason: r.reason,
    });
    crate::api::no_content(&app, &w.session.actor, cmd).await
}

/// Records a settlement agreement (执行和解) with its instalments; an earlier agreement of the
/// case is superseded. Answers the case's measures and agreements.
#[utoipa::path(post, path = "/api/v1/cases/{id}/settlements", params(("id" = i64, Path, description = "case id")),
    request_body = SettlementRequest,
    responses((status = 201, body = ApiCaseMeasures), (status = 404, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem), (status = 423, body = crate::api::Problem)))]
pub async fn api_settlement(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<SettlementRequest>,
) -> Response {
    let cmd = settlement_input(id, r).map(|i| Command::RecordSettlement(Box::new(i)));
    case_answer(&app, &w, id, cmd).await
}

/// Records a payment made under an agreement; the agreement's standing follows.
#[utoipa::path(post, path = "/api/v1/settlements/{id}/payments", params(("id" = i64, Path, description = "settlement id")),
    request_body = PaymentRequest,
    responses((status = 204), (status = 404, body = crate::api::Problem), (status = 409, body = crate::api::Problem),
        (status = 422, body = crate::api::Problem)))]
pub async fn api_payment(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<PaymentRequest>,
) -> Response {
    crate::api::no_content(&app, &w.session.actor, payment_command(id, r)).await
}

#[derive(Serialize, ToSchema)]
pub struct ApiPublicMeasure {
    pub case_number: String,
    pub party_name: String,
    pub kind: String,
    pub kind_zh: String,
    pub grounds: Vec<String>,
    pub amount_fen: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiPublicMeasures {
    pub court_code: String,
    pub court_name: String,
    pub items: Vec<ApiPublicMeasure>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

fn public_doc(v: PublicMeasuresView) -> ApiPublicMeasures {
    ApiPublicMeasures {
        court_code: v.court_code,
        court_name: v.court_name,
        items: v
            .items
            .into_iter()
            .map(|m| ApiPublicMeasure {
                case_number: m.case_number,
                party_name: m.party_name,
                kind: m.kind.key().into(),
                kind_zh: m.kind.name_zh().into(),
                grounds: m.grounds.iter().map(|g| g.key().to_string()).collect(),
                amount_fen: m.amount.map(|a| a.0),
                start_on: m.start_on,
                end_on: m.end_on,
            })
            .collect(),
        next_before: v.next_before,
    }
}

/// A court's published measures in force (no sign-in): consumption restrictions, the
/// dishonest-debtor list and reward offers, newest first.
#[utoipa::path(get, path = "/api/v1/public/{court_code}/measures",
    params(("court_code" = String, Path, description = "court code, e.g. 豫0883"), ("before" = Option<i64>, Query, description = "cursor")),
    responses((status = 200, body = ApiPublicMeasures), (status = 404, body = crate::api::Problem)))]
pub async fn api_public(
    State(app): State<App>,
    Path(code): Path<String>,
    Query(q): Query<PublicQuery>,
) -> Response {
    match app.public_measures(&code, q.before).await {
        Ok(v) => Json(public_doc(v)).into_response(),
        Err(e) => problem(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instalments_are_read_line_by_line() {
        let v = parse_instalments("2026-03-31 10000\n\n2026-04-30，5000.50\n").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].amount, Fen::from_yuan(10_000));
        assert_eq!(v[1].amount, Fen(500_050));
        let e = parse_instalments("2026-03-31").unwrap_err();
        assert!(e.to_string().contains("第 1 行"), "{e}");
        let e = parse_instalments("31/03/2026 100").unwrap_err();
        assert!(e.to_string().contains("年-月-日"), "{e}");
    }
}
