//! Case funds (案款) on the web: a case's funds page `/cases/{id}/funds` (account, balance,
//! ledger, the receipt form, the payout plan with a pro-rata suggestion, the proposals), the
//! approvers' queue `/funds/approvals`, the reconciliation `/funds/reconciliation` (and as
//! Excel, `.xlsx`), the administrator's `fund_account` form `/admin/funds`, the balance snippet
//! the case page loads, and the `/api/v1` twins. The rules are the app's (`zhixing_app::funds`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::funds::{
    CaseFunds, DisbursementView, ProposalInput, ReceiptInput, Reconciliation, FUND_SETTING,
};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::funds::{EntryKind, FundSettings, PlanLine, Receipt, ReceiptSource};
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;

use crate::api::problem;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/funds", get(case_page))
        .route("/cases/{id}/funds/summary", get(summary))
        .route("/cases/{id}/funds/receipts", post(receipt_form))
        .route("/cases/{id}/funds/disbursements", post(proposal_form))
        .route("/cases/{id}/funds/claims", post(claims_form))
        .route("/funds/disbursements/{id}/decision", post(decision_form))
        .route("/funds/approvals", get(approvals_page))
        .route("/funds/reconciliation", get(reconciliation_page))
        .route("/funds/reconciliation.xlsx", get(reconciliation_xlsx))
        .route("/admin/funds", get(settings_page).post(settings_form))
        .route("/api/v1/cases/{id}/funds", get(api_case))
        .route("/api/v1/cases/{id}/funds/receipts", post(api_receipt))
        .route("/api/v1/cases/{id}/funds/disbursements", post(api_propose))
        .route("/api/v1/cases/{id}/funds/claims", put(api_claims))
        .route(
            "/api/v1/funds/disbursements/{id}/decision",
            post(api_decide),
        )
        .route("/api/v1/funds/approvals", get(api_approvals))
        .route("/api/v1/funds/reconciliation", get(api_reconciliation))
        .route(
            "/api/v1/funds/settings",
            get(api_settings).put(api_save_settings),
        )
}

fn tr(lang: Lang, zh: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::Zh => zh.into(),
        Lang::En => en.into(),
    }
}

fn bad_amount(e: zhixing_domain::DomainError) -> AppError {
    AppError::Invalid(e)
}

fn parse_amount(s: &str) -> Result<Fen, AppError> {
    Fen::parse(s).map_err(bad_amount)
}

fn parse_date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            "funds.date_invalid",
            "日期须为“年-月-日”格式，如 2026-03-02",
            "dates are written YYYY-MM-DD, e.g. 2026-03-02",
        )
    })
}

fn parse_receipt(
    amount: &str,
    source: &str,
    payer: String,
    reference: String,
    received_on: &str,
    second_officer_id: Option<i64>,
) -> Result<Receipt, AppError> {
    Ok(Receipt {
        amount: parse_amount(amount)?,
        source: ReceiptSource::from_key(source)?,
        payer,
        reference,
        received_on: parse_date(received_on)?,
        second_officer_id,
    })
}

// ---------------------------------------------------------------------------------------------
// The case's funds page
// ---------------------------------------------------------------------------------------------

pub struct EntryLine {
    pub occurred_on: String,
    pub receipt: bool,
    pub what: String,
    pub amount: String,
    pub balance_after: String,
    pub party: String,
    pub reference: String,
    pub recorded_by: String,
}

pub struct ProposalLine {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub status: String,
    pub proposed: bool,
    pub total: String,
    pub held: String,
    pub lines: Vec<(String, String)>,
    pub level: String,
    pub note: String,
    pub proposed_by: String,
    pub decided_by: String,
    pub reason: String,
    pub version: i64,
    pub may_decide: bool,
}

fn proposal_line(lang: Lang, d: &DisbursementView) -> ProposalLine {
    ProposalLine {
        id: d.id,
        case_id: d.case_id,
        case_number: d.case_number.clone(),
        status: tr(lang, d.status.name_zh(), d.status.name_en()),
        proposed: d.may_decide,
        total: d.total.to_string(),
        held: d.held.to_string(),
        lines: d
            .lines
            .iter()
            .map(|l| (l.name.clone(), l.amount.to_string()))
            .collect(),
        level: tr(lang, d.level.name_zh(), d.level.name_en()),
        note: d.note.clone(),
        proposed_by: d.proposed_by_name.clone(),
        decided_by: d.decided_by_name.clone().unwrap_or_default(),
        reason: d.reason.clone().unwrap_or_default(),
        version: d.version,
        may_decide: d.may_decide,
    }
}

#[derive(Template)]
#[template(path = "funds_case.html")]
pub struct CasePageHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub account_number: String,
    pub account_name: String,
    pub bank: String,
    pub held: String,
    pub recovered: String,
    pub entries: Vec<EntryLine>,
    pub proposals: Vec<ProposalLine>,
    pub may_record: bool,
    pub may_propose: bool,
    pub locked: bool,
    pub sources: Vec<(&'static str, String)>,
    pub colleagues: Vec<(i64, String)>,
    /// (party id, name, suggested amount).
    pub plan: Vec<(i64, String, String)>,
    /// Each applicant: (party id, name, stated claim or empty, paid, still owed or empty).
    pub claims: Vec<(i64, String, String, String, String)>,
    pub claims_stated: bool,
    pub case_claim: String,
    pub approval_above: String,
    pub approval_level: String,
    pub today: String,
}

staff_page!(
    CasePageHtml,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/funds", p.case_id)
);

fn case_html(lang: Lang, user: CurrentUser, csrf: String, v: &CaseFunds) -> CasePageHtml {
    CasePageHtml {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        version: v.version,
        account_number: v.account.account_number.clone(),
        account_name: v.account.account_name.clone(),
        bank: v.account.bank.clone(),
        held: v.held.to_string(),
        recovered: v.recovered.to_string(),
        entries: v
            .entries
            .iter()
            .map(|e| EntryLine {
                occurred_on: e.occurred_on.clone(),
                receipt: e.kind == EntryKind::Receipt,
                what: tr(lang, e.source_zh.clone(), e.source_en.clone()),
                amount: e.amount.to_string(),
                balance_after: e.balance_after.to_string(),
                party: e.party_name.clone(),
                reference: e.reference.clone(),
                recorded_by: e.recorded_by_name.clone(),
            })
            .collect(),
        proposals: v
            .disbursements
            .iter()
            .map(|d| proposal_line(lang, d))
            .collect(),
        may_record: v.may_record,
        may_propose: v.may_propose,
        locked: v.locked,
        sources: ReceiptSource::ALL
            .iter()
            .map(|s| (s.key(), tr(lang, s.name_zh(), s.name_en())))
            .collect(),
        colleagues: v.colleagues.clone(),
        plan: v
            .applicants
            .iter()
            .map(|a| {
                let suggested = v
                    .suggestion
                    .iter()
                    .find(|s| s.party_id == a.party_id)
                    .map(|s| s.amount.to_string())
                    .unwrap_or_default();
                (a.party_id, a.name.clone(), suggested)
            })
            .collect(),
        claims: v
            .claims
            .iter()
            .map(|c| {
                let or_blank = |f: Option<Fen>| f.map(|f| f.to_string()).unwrap_or_default();
                (
                    c.party_id,
                    c.name.clone(),
                    or_blank(c.claim),
                    c.paid.to_string(),
                    or_blank(c.outstanding),
                )
            })
            .collect(),
        claims_stated: v.claims.iter().all(|c| c.claim.is_some()),
        case_claim: v.claim.to_string(),
        approval_above: v.approval_above.to_string(),
        approval_level: tr(lang, v.approval_level.name_zh(), v.approval_level.name_en()),
        today: v.today.to_string(),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    let user = s.session.user.clone();
    match app.case_funds(&s.session.actor, id).await {
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

/// The case page's funds line (loaded by htmx): the balance and a link to the funds page.
async fn summary(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    match app.case_funds(&s.session.actor, id).await {
        Ok(v) => {
            let text = tr(
                s.lang,
                format!("案款余额 {} 元，已发放 {} 元", v.held, v.recovered),
                format!("Balance {} yuan, paid out {} yuan", v.held, v.recovered),
            );
            // Only digits, separators and fixed words: nothing to escape but the principle.
            let text = text.replace('&', "&amp;").replace('<', "&lt;");
            Html(format!("<span class=\"funds-summary\">{text}</span>")).into_response()
        }
        Err(_) => Html(String::new()).into_response(),
    }
}

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", String::as_str)
}

fn version_of(f: &Fields) -> Result<i64, AppError> {
    field(f, "version").trim().parse().map_err(|_| {
        AppError::invalid(
            "funds.version_missing",
            "表单缺少版本号，请刷新后重试",
            "the form has no version; reload and try again",
        )
    })
}

async fn run_form(
    app: &App,
    s: &PageSession,
    f: &Fields,
    cmd: Result<Command, AppError>,
    back: String,
) -> Response {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    if !same_secret(&s.session.csrf, field(f, "csrf")) {
        return refused(&expired());
    }
    let cmd = match cmd {
        Ok(c) => c,
        Err(e) => return refused(&e),
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => refused(&e),
    }
}

fn receipt_command(id: i64, f: &Fields) -> Result<Command, AppError> {
    let second = match field(f, "second_officer_id").trim() {
        "" => None,
        v => Some(v.parse().map_err(|_| {
            AppError::invalid(
                "funds.second_officer_unknown",
                "第二名经办人须为本院在岗的执行干警",
                "the second officer must be an active member of the case's court",
            )
        })?),
    };
    Ok(Command::RecordReceipt(Box::new(ReceiptInput {
        case_id: id,
        version: version_of(f)?,
        receipt: parse_receipt(
            field(f, "amount"),
            field(f, "source"),
            field(f, "payer").to_string(),
            field(f, "reference").to_string(),
            field(f, "received_on"),
            second,
        )?,
    })))
}

async fn receipt_form(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let cmd = receipt_command(id, &f);
    run_form(&app, &s, &f, cmd, format!("/cases/{id}/funds")).await
}

/// The plan's lines from `amount_<party id>` fields; blank amounts leave the payee out.
fn plan_of(f: &Fields) -> Result<Vec<PlanLine>, AppError> {
    let mut lines = Vec::new();
    for (k, v) in f {
        let Some(party) = k.strip_prefix("amount_") else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        let party_id: i64 = party.parse().map_err(|_| {
            AppError::invalid(
                "funds.payee_not_applicant",
                "收款人须为本案的申请执行人",
                "every payee must be an applicant of the case",
            )
        })?;
        lines.push(PlanLine {
            party_id,
            amount: parse_amount(v)?,
        });
    }
    lines.sort_by_key(|l| l.party_id);
    Ok(lines)
}

/// The claims from `claim_<party id>` fields (every applicant's, blank ones refused by the rule).
fn claims_of(f: &Fields) -> Result<Vec<PlanLine>, AppError> {
    let mut claims = Vec::new();
    for (k, v) in f {
        let Some(party) = k.strip_prefix("claim_") else {
            continue;
        };
        let party_id: i64 = party.parse().map_err(|_| {
            AppError::invalid(
                "funds.claim_not_applicant",
                "只能为本案的申请执行人登记债权额",
                "claims can be stated only for the case's applicants",
            )
        })?;
        let amount = if v.trim().is_empty() {
            Fen(0)
        } else {
            parse_amount(v)?
        };
        claims.push(PlanLine { party_id, amount });
    }
    claims.sort_by_key(|l| l.party_id);
    Ok(claims)
}

async fn claims_form(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let cmd = claims_of(&f).map(|claims| Command::SetApplicantClaims {
        case_id: id,
        claims,
    });
    run_form(&app, &s, &f, cmd, format!("/cases/{id}/funds")).await
}

async fn proposal_form(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let cmd = (|| {
        Ok(Command::ProposeDisbursement(Box::new(ProposalInput {
            case_id: id,
            version: version_of(&f)?,
            lines: plan_of(&f)?,
            note: field(&f, "note").to_string(),
        })))
    })();
    run_form(&app, &s, &f, cmd, format!("/cases/{id}/funds")).await
}

async fn decision_form(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let cmd = version_of(&f).map(|version| Command::DecideDisbursement {
        disbursement_id: id,
        version,
        approve: field(&f, "decision") == "approve",
        reason: field(&f, "reason").to_string(),
    });
    let back = match field(&f, "back") {
        "case" => match app.store.disbursement(id).await {
            Ok(Some(d)) => format!("/cases/{}/funds", d.case_id),
            _ => "/funds/approvals".to_string(),
        },
        _ => "/funds/approvals".to_string(),
    };
    run_form(&app, &s, &f, cmd, back).await
}

// ---------------------------------------------------------------------------------------------
// Approvals
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "funds_approvals.html")]
pub struct ApprovalsHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub rows: Vec<ProposalLine>,
}

staff_page!(
    ApprovalsHtml,
    section = "funds",
    home = true,
    back = "/funds/approvals"
);

async fn approvals_page(State(app): State<App>, s: PageSession) -> Response {
    let user = s.session.user.clone();
    match app.disbursement_queue(&s.session.actor).await {
        Ok(rows) => Html(render_page(&ApprovalsHtml {
            lang: s.lang,
            user,
            csrf: s.session.csrf.clone(),
            rows: rows.iter().map(|d| proposal_line(s.lang, d)).collect(),
        }))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

// ---------------------------------------------------------------------------------------------
// Reconciliation
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// The period asked for: this year up to today by default.
fn period(q: &PeriodQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis());
    let from = match q.from.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date(s)?,
        None => NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
    };
    let to = match q.to.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date(s)?,
        None => today,
    };
    Ok((from, to))
}

pub struct ReconRow {
    pub court: String,
    pub case_id: i64,
    pub case_number: String,
    pub opening: String,
    pub receipts: String,
    pub disbursements: String,
    pub closing: String,
    pub held: String,
    pub differences: String,
}

pub struct CourtRow {
    pub name: String,
    pub opening: String,
    pub receipts: String,
    pub disbursements: String,
    pub closing: String,
    pub cases: i64,
    pub differences: i64,
}

/// How many case lines the page shows (the Excel file has them all; differences come first).
const PAGE_LINES: usize = 500;

#[derive(Template)]
#[template(path = "funds_reconciliation.html")]
pub struct ReconciliationHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub from: String,
    pub to: String,
    pub courts: Vec<CourtRow>,
    pub sources: Vec<(String, String, i64)>,
    pub opening: String,
    pub receipts: String,
    pub disbursements: String,
    pub closing: String,
    pub balanced: bool,
    pub difference_count: i64,
    pub rows: Vec<ReconRow>,
    pub more: usize,
}

staff_page!(
    ReconciliationHtml,
    section = "reconciliation",
    home = true,
    back = |p| format!("/funds/reconciliation?from={}&to={}", p.from, p.to)
);

fn recon_rows(lang: Lang, r: &Reconciliation) -> Vec<ReconRow> {
    let name = |id: i64| {
        r.courts
            .iter()
            .find(|c| c.court_id == id)
            .map(|c| c.court_name.clone())
            .unwrap_or_default()
    };
    let mut lines: Vec<&zhixing_app::funds::ReconciliationLine> = r.lines.iter().collect();
    lines.sort_by_key(|l| l.differences.is_empty());
    lines
        .into_iter()
        .map(|l| ReconRow {
            court: name(l.court_id),
            case_id: l.case_id,
            case_number: l.case_number.clone(),
            opening: l.movements.opening.to_string(),
            receipts: l.movements.receipts.to_string(),
            disbursements: l.movements.disbursements.to_string(),
            closing: l.closing.to_string(),
            held: l.movements.held.to_string(),
            differences: l
                .differences
                .iter()
                .map(|d| tr(lang, d.zh.clone(), d.en.clone()))
                .collect::<Vec<_>>()
                .join("；"),
        })
        .collect()
}

async fn reconciliation_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let user = s.session.user.clone();
    let lang = s.lang;
    let result = async {
        let (from, to) = period(&q)?;
        app.fund_reconciliation(&s.session.actor, from, to).await
    }
    .await;
    match result {
        Ok(r) => {
            let mut rows = recon_rows(lang, &r);
            let more = rows.len().saturating_sub(PAGE_LINES);
            rows.truncate(PAGE_LINES);
            Html(render_page(&ReconciliationHtml {
                lang,
                user,
                csrf: s.session.csrf.clone(),
                from: r.from.to_string(),
                to: r.to.to_string(),
                courts: r
                    .courts
                    .iter()
                    .map(|c| CourtRow {
                        name: c.court_name.clone(),
                        opening: c.totals.opening.to_string(),
                        receipts: c.totals.receipts.to_string(),
                        disbursements: c.totals.disbursements.to_string(),
                        closing: c.closing.to_string(),
                        cases: c.cases,
                        differences: c.differences,
                    })
                    .collect(),
                sources: r
                    .receipts_by_source
                    .iter()
                    .map(|x| {
                        (
                            tr(lang, x.source_zh.clone(), x.source_en.clone()),
                            x.total.to_string(),
                            x.entries,
                        )
                    })
                    .collect(),
                opening: r.totals.opening.to_string(),
                receipts: r.totals.receipts.to_string(),
                disbursements: r.totals.disbursements.to_string(),
                closing: r.closing.to_string(),
                balanced: r.balanced,
                difference_count: r.difference_count,
                rows,
                more,
            }))
            .into_response()
        }
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

/// The reconciliation as a workbook: a summary sheet (courts and sources) and every case line.
pub fn reconciliation_workbook(r: &Reconciliation) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let money = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let yuan = |f: Fen| f.0 as f64 / 100.0;
    let ws = wb.add_worksheet();
    ws.set_name("汇总")?;
    ws.write_string(0, 0, format!("案款对账 {} 至 {}", r.from, r.to))?;
    let cols = [
        "法院",
        "期初余额",
        "本期收款",
        "本期发放",
        "期末余额",
        "案件数",
        "差异",
    ];
    for (c, h) in cols.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head)?;
    }
    let mut row = 3u32;
    for c in &r.courts {
        ws.write_string_with_format(row, 0, &c.court_name, &cell)?;
        ws.write_number_with_format(row, 1, yuan(c.totals.opening), &money)?;
        ws.write_number_with_format(row, 2, yuan(c.totals.receipts), &money)?;
        ws.write_number_with_format(row, 3, yuan(c.totals.disbursements), &money)?;
        ws.write_number_with_format(row, 4, yuan(c.closing), &money)?;
        ws.write_number_with_format(row, 5, c.cases as f64, &cell)?;
        ws.write_number_with_format(row, 6, c.differences as f64, &cell)?;
        row += 1;
    }
    ws.write_string_with_format(row, 0, "合计", &head)?;
    ws.write_number_with_format(row, 1, yuan(r.totals.opening), &money)?;
    ws.write_number_with_format(row, 2, yuan(r.totals.receipts), &money)?;
    ws.write_number_with_format(row, 3, yuan(r.totals.disbursements), &money)?;
    ws.write_number_with_format(row, 4, yuan(r.closing), &money)?;
    row += 2;
    ws.write_string_with_format(row, 0, "收款来源", &head)?;
    ws.write_string_with_format(row, 1, "金额", &head)?;
    ws.write_string_with_format(row, 2, "笔数", &head)?;
    for s in &r.receipts_by_source {
        row += 1;
        ws.write_string_with_format(row, 0, &s.source_zh, &cell)?;
        ws.write_number_with_format(row, 1, yuan(s.total), &money)?;
        ws.write_number_with_format(row, 2, s.entries as f64, &cell)?;
    }
    ws.set_column_width(0, 28)?;
    for c in 1..7u16 {
        ws.set_column_width(c, 16)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("案件明细")?;
    let cols = [
        "案号",
        "期初余额",
        "本期收款",
        "本期发放",
        "期末余额",
        "在账金额",
        "差异",
    ];
    for (c, h) in cols.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (i, l) in r.lines.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string_with_format(row, 0, &l.case_number, &cell)?;
        ws.write_number_with_format(row, 1, yuan(l.movements.opening), &money)?;
        ws.write_number_with_format(row, 2, yuan(l.movements.receipts), &money)?;
        ws.write_number_with_format(row, 3, yuan(l.movements.disbursements), &money)?;
        ws.write_number_with_format(row, 4, yuan(l.closing), &money)?;
        ws.write_number_with_format(row, 5, yuan(l.movements.held), &money)?;
        let diff: Vec<&str> = l.differences.iter().map(|d| d.zh.as_str()).collect();
        ws.write_string_with_format(row, 6, diff.join("；"), &cell)?;
    }
    ws.set_column_width(0, 30)?;
    for c in 1..6u16 {
        ws.set_column_width(c, 16)?;
    }
    ws.set_column_width(6, 40)?;
    wb.save_to_buffer()
}

async fn reconciliation_xlsx(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let user = s.session.user.clone();
    let result = async {
        let (from, to) = period(&q)?;
        app.fund_reconciliation(&s.session.actor, from, to).await
    }
    .await;
    let r = match result {
        Ok(r) => r,
        Err(e) => return error_page(s.lang, &e, Some(user)),
    };
    match reconciliation_workbook(&r) {
        Ok(bytes) => {
            let disposition = crate::format::content_disposition(
                false,
                &format!("案款对账_{}_{}.xlsx", r.from, r.to),
                &format!("funds-{}-{}.xlsx", r.from, r.to),
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
        Err(e) => error_page(
            s.lang,
            &AppError::Internal(format!("xlsx: {e}")),
            Some(user),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The administrator's setting
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "funds_settings.html")]
pub struct SettingsHtml {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub bank: String,
    pub account_name: String,
    pub approval_above: String,
    pub level: String,
    pub version: i64,
    pub saved: bool,
}

staff_page!(
    SettingsHtml,
    section = "fund_settings",
    home = true,
    back = "/admin/funds"
);

fn administrator(actor: &Actor) -> Result<(), AppError> {
    if actor.role != Role::Administrator {
        return Err(AppError::forbidden(
            "只有管理员可以设置案款账户",
            "only an administrator sets the fund account",
        ));
    }
    Ok(())
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<String>,
}

async fn settings_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<SavedQuery>,
) -> Response {
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let result = async {
        administrator(actor)?;
        Ok::<_, AppError>((
            app.fund_settings(actor.court_id).await?,
            app.fund_setting_version(actor.court_id).await?,
        ))
    }
    .await;
    match result {
        Ok((set, version)) => Html(render_page(&SettingsHtml {
            lang: s.lang,
            user,
            csrf: s.session.csrf.clone(),
            bank: set.bank.clone(),
            account_name: set.account_name.clone(),
            approval_above: Fen(set.approval_above_fen).to_string(),
            level: set.approval_level.clone(),
            version,
            saved: q.saved.is_some(),
        }))
        .into_response(),
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

fn setting_value(bank: &str, account_name: &str, above: Fen, level: &str) -> String {
    FundSettings {
        bank: bank.trim().to_string(),
        account_name: account_name.trim().to_string(),
        approval_above_fen: above.0,
        approval_level: level.trim().to_string(),
    }
    .to_json()
}

async fn settings_form(State(app): State<App>, s: PageSession, Form(f): Form<Fields>) -> Response {
    let cmd = (|| {
        administrator(&s.session.actor)?;
        Ok(Command::SaveSetting {
            court_id: s.session.actor.court_id,
            key: FUND_SETTING.into(),
            value: setting_value(
                field(&f, "bank"),
                field(&f, "account_name"),
                parse_amount(field(&f, "approval_above"))?,
                field(&f, "approval_level"),
            ),
            expected_version: version_of(&f)?,
        })
    })();
    run_form(&app, &s, &f, cmd, "/admin/funds?saved=1".into()).await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct ApiAccount {
    pub account_number: String,
    pub account_name: String,
    pub bank: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApiFundEntry {
    pub id: i64,
    /// `receipt` or `disbursement`.
    pub kind: String,
    /// A receipt's source (deduction, voluntary, auction, cash, other) or `payout`.
    pub source: String,
    pub amount_fen: i64,
    pub balance_after_fen: i64,
    pub party_id: Option<i64>,
    pub party_name: String,
    pub reference: String,
    pub occurred_on: String,
    pub recorded_by_name: String,
    pub second_officer_id: Option<i64>,
    pub disbursement_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiPlanLine {
    pub party_id: i64,
    pub name: String,
    pub amount_fen: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiDisbursement {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    /// `proposed`, `paid` or `refused`.
    pub status: String,
    pub total_fen: i64,
    pub lines: Vec<ApiPlanLine>,
    /// The level that approves it: judge, team_leader, bureau_chief or president.
    pub approval_level: String,
    pub note: String,
    pub proposed_by_name: String,
    pub decided_by_name: Option<String>,
    pub reason: Option<String>,
    pub version: i64,
    pub may_decide: bool,
    pub held_fen: i64,
}

impl From<&DisbursementView> for ApiDisbursement {
    fn from(d: &DisbursementView) -> Self {
        ApiDisbursement {
            id: d.id,
            case_id: d.case_id,
            case_number: d.case_number.clone(),
            status: d.status.key().into(),
            total_fen: d.total.0,
            lines: d
                .lines
                .iter()
                .map(|l| ApiPlanLine {
                    party_id: l.party_id,
                    name: l.name.clone(),
                    amount_fen: l.amount.0,
                })
                .collect(),
            approval_level: d.level.key().into(),
            note: d.note.clone(),
            proposed_by_name: d.proposed_by_name.clone(),
            decided_by_name: d.decided_by_name.clone(),
            reason: d.reason.clone(),
            version: d.version,
            may_decide: d.may_decide,
            held_fen: d.held.0,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiApplicantClaim {
    pub party_id: i64,
    pub name: String,
    pub claim_fen: Option<i64>,
    pub paid_fen: i64,
    pub outstanding_fen: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCaseFunds {
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub account: ApiAccount,
    pub held_fen: i64,
    pub recovered_fen: i64,
    pub entries: Vec<ApiFundEntry>,
    pub disbursements: Vec<ApiDisbursement>,
    /// The case's claim, which the applicants' stated claims add up to.
    pub claim_fen: i64,
    /// Each applicant's stated claim (null: not stated), paid so far and still owed.
    pub claims: Vec<ApiApplicantClaim>,
    /// A split of the balance to start the plan from, exact to the fen: in proportion to what
    /// each applicant is still owed (never more) when every claim is stated, else equal shares.
    pub suggestion: Vec<ApiPlanLine>,
    pub approval_above_fen: i64,
    pub approval_level: String,
}

impl From<&CaseFunds> for ApiCaseFunds {
    fn from(v: &CaseFunds) -> Self {
        ApiCaseFunds {
            case_id: v.case_id,
            case_number: v.case_number.clone(),
            version: v.version,
            account: ApiAccount {
                account_number: v.account.account_number.clone(),
                account_name: v.account.account_name.clone(),
                bank: v.account.bank.clone(),
            },
            held_fen: v.held.0,
            recovered_fen: v.recovered.0,
            entries: v
                .entries
                .iter()
                .map(|e| ApiFundEntry {
                    id: e.id,
                    kind: e.kind.key().into(),
                    source: e.source.clone(),
                    amount_fen: e.amount.0,
                    balance_after_fen: e.balance_after.0,
                    party_id: e.party_id,
                    party_name: e.party_name.clone(),
                    reference: e.reference.clone(),
                    occurred_on: e.occurred_on.clone(),
                    recorded_by_name: e.recorded_by_name.clone(),
                    second_officer_id: e.second_officer_id,
                    disbursement_id: e.disbursement_id,
                })
                .collect(),
            disbursements: v.disbursements.iter().map(ApiDisbursement::from).collect(),
            claim_fen: v.claim.0,
            claims: v
                .claims
                .iter()
                .map(|c| ApiApplicantClaim {
                    party_id: c.party_id,
                    name: c.name.clone(),
                    claim_fen: c.claim.map(|f| f.0),
                    paid_fen: c.paid.0,
                    outstanding_fen: c.outstanding.map(|f| f.0),
                })
                .collect(),
            suggestion: v
                .suggestion
                .iter()
                .map(|l| ApiPlanLine {
                    party_id: l.party_id,
                    name: l.name.clone(),
                    amount_fen: l.amount.0,
                })
                .collect(),
            approval_above_fen: v.approval_above.0,
            approval_level: v.approval_level.key().into(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/funds", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = ApiCaseFunds), (status = 404, body = crate::api::Problem)))]
pub async fn api_case(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.case_funds(&s.session.actor, id).await {
        Ok(v) => Json(ApiCaseFunds::from(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

/// A receipt into the case's account.
#[derive(Deserialize, ToSchema)]
pub struct ReceiptRequest {
    /// The case's `version` as read.
    pub version: i64,
    /// The amount as clerks write it: `12000`, `1,200.50`, `1.2万`.
    pub amount: String,
    /// deduction, voluntary, auction, cash or other.
    pub source: String,
    #[serde(default)]
    pub payer: String,
    /// The bank slip, deduction ruling or voucher number.
    pub reference: String,
    /// `YYYY-MM-DD`, not in the future.
    pub received_on: String,
    /// Cash: the user id of the second officer who counted it.
    #[serde(default)]
    pub second_officer_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct PlanLineRequest {
    pub party_id: i64,
    /// The amount as clerks write it.
    pub amount: String,
}

fn plan_lines(lines: &[PlanLineRequest]) -> Result<Vec<PlanLine>, AppError> {
    lines
        .iter()
        .map(|l| {
            Ok(PlanLine {
                party_id: l.party_id,
                amount: parse_amount(&l.amount)?,
            })
        })
        .collect()
}

/// A payout plan among the applicants.
#[derive(Deserialize, ToSchema)]
pub struct ProposalRequest {
    pub version: i64,
    pub lines: Vec<PlanLineRequest>,
    #[serde(default)]
    pub note: String,
}

/// Every applicant's claim, the basis of the payout plan (分配方案); they must add up to the
/// case's claim.
#[derive(Deserialize, ToSchema)]
pub struct ClaimsRequest {
    /// One line per applicant: `party_id` and the claim as clerks write it.
    pub claims: Vec<PlanLineRequest>,
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// The proposal's `version` as read.
    pub version: i64,
    /// true pays the plan; false refuses it (a reason is required).
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

async fn api_run(
    app: &App,
    actor: &Actor,
    case_id: Option<i64>,
    cmd: Result<Command, AppError>,
) -> Response {
    let done = match cmd {
        Ok(cmd) => app.execute(actor, cmd).await,
        Err(e) => return problem(&e),
    };
    let case_id = match (done, case_id) {
        (Err(e), _) => return problem(&e),
        (Ok(_), Some(c)) => c,
        (Ok(o), None) => o.id.unwrap_or_default(),
    };
    match app.case_funds(actor, case_id).await {
        Ok(v) => (StatusCode::CREATED, Json(ApiCaseFunds::from(&v))).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/funds/receipts", params(("id" = i64, Path, description = "Case id")),
    request_body = ReceiptRequest,
    responses((status = 201, body = ApiCaseFunds), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_receipt(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReceiptRequest>,
) -> Response {
    let cmd = parse_receipt(
        &r.amount,
        &r.source,
        r.payer,
        r.reference,
        &r.received_on,
        r.second_officer_id,
    )
    .map(|receipt| {
        Command::RecordReceipt(Box::new(ReceiptInput {
            case_id: id,
            version: r.version,
            receipt,
        }))
    });
    api_run(&app, &w.session.actor, Some(id), cmd).await
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/funds/disbursements", params(("id" = i64, Path, description = "Case id")),
    request_body = ProposalRequest,
    responses((status = 201, body = ApiCaseFunds, description = "Paid at once within the proposer's authority, else waiting for approval"),
        (status = 422, body = crate::api::Problem), (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_propose(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ProposalRequest>,
) -> Response {
    let cmd = plan_lines(&r.lines).map(|lines| {
        Command::ProposeDisbursement(Box::new(ProposalInput {
            case_id: id,
            version: r.version,
            lines,
            note: r.note.clone(),
        }))
    });
    api_run(&app, &w.session.actor, Some(id), cmd).await
}

/// States each applicant's claim; later payout suggestions follow what each is still owed, and
/// no payout may give an applicant more than that.
#[utoipa::path(put, path = "/api/v1/cases/{id}/funds/claims", params(("id" = i64, Path, description = "Case id")),
    request_body = ClaimsRequest,
    responses((status = 201, body = ApiCaseFunds), (status = 422, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_claims(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ClaimsRequest>,
) -> Response {
    let cmd = plan_lines(&r.claims).map(|claims| Command::SetApplicantClaims {
        case_id: id,
        claims,
    });
    api_run(&app, &w.session.actor, Some(id), cmd).await
}

#[utoipa::path(post, path = "/api/v1/funds/disbursements/{id}/decision", params(("id" = i64, Path, description = "Proposal id")),
    request_body = DecisionRequest,
    responses((status = 201, body = ApiCaseFunds), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 404, body = crate::api::Problem)))]
pub async fn api_decide(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Response {
    let case_id = match app.store.disbursement(id).await {
        Ok(Some(d)) if w.session.actor.can_see_court(d.court_id) => d.case_id,
        Ok(_) => return problem(&AppError::NotFound),
        Err(e) => return problem(&e.into()),
    };
    let cmd = Ok(Command::DecideDisbursement {
        disbursement_id: id,
        version: r.version,
        approve: r.approve,
        reason: r.reason,
    });
    api_run(&app, &w.session.actor, Some(case_id), cmd).await
}

#[utoipa::path(get, path = "/api/v1/funds/approvals",
    responses((status = 200, body = Vec<ApiDisbursement>), (status = 403, body = crate::api::Problem)))]
pub async fn api_approvals(State(app): State<App>, s: ApiSession) -> Response {
    match app.disbursement_queue(&s.session.actor).await {
        Ok(rows) => {
            Json(rows.iter().map(ApiDisbursement::from).collect::<Vec<_>>()).into_response()
        }
        Err(e) => problem(&e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiMovements {
    pub opening_fen: i64,
    pub receipts_fen: i64,
    pub disbursements_fen: i64,
    pub closing_fen: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiSourceTotal {
    pub source: String,
    pub total_fen: i64,
    pub entries: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiCourtReconciliation {
    pub court_id: i64,
    pub court_name: String,
    pub totals: ApiMovements,
    pub receipts_by_source: Vec<ApiSourceTotal>,
    pub cases: i64,
    pub differences: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ApiReconciliationLine {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub totals: ApiMovements,
    pub held_fen: i64,
    pub ledger_balance_fen: i64,
    /// Stable codes: funds.ledger_not_held, funds.ledger_negative.
    pub differences: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApiReconciliation {
    pub from: String,
    pub to: String,
    pub totals: ApiMovements,
    pub receipts_by_source: Vec<ApiSourceTotal>,
    pub courts: Vec<ApiCourtReconciliation>,
    pub lines: Vec<ApiReconciliationLine>,
    pub balanced: bool,
    pub difference_count: i64,
}

fn movements(m: &zhixing_domain::funds::CaseMovements) -> ApiMovements {
    ApiMovements {
        opening_fen: m.opening.0,
        receipts_fen: m.receipts.0,
        disbursements_fen: m.disbursements.0,
        closing_fen: m.closing().0,
    }
}

fn source_totals(s: &[zhixing_app::funds::SourceTotal]) -> Vec<ApiSourceTotal> {
    s.iter()
        .map(|x| ApiSourceTotal {
            source: x.source.clone(),
            total_fen: x.total.0,
            entries: x.entries,
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/funds/reconciliation",
    params(("from" = Option<String>, Query, description = "YYYY-MM-DD; default the 1st of January"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD; default today")),
    responses((status = 200, body = ApiReconciliation), (status = 422, body = crate::api::Problem),
        (status = 403, body = crate::api::Problem)))]
pub async fn api_reconciliation(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let result = async {
        let (from, to) = period(&q)?;
        app.fund_reconciliation(&s.session.actor, from, to).await
    }
    .await;
    match result {
        Ok(r) => Json(ApiReconciliation {
            from: r.from.to_string(),
            to: r.to.to_string(),
            totals: movements(&r.totals),
            receipts_by_source: source_totals(&r.receipts_by_source),
            courts: r
                .courts
                .iter()
                .map(|c| ApiCourtReconciliation {
                    court_id: c.court_id,
                    court_name: c.court_name.clone(),
                    totals: movements(&c.totals),
                    receipts_by_source: source_totals(&c.receipts_by_source),
                    cases: c.cases,
                    differences: c.differences,
                })
                .collect(),
            lines: r
                .lines
                .iter()
                .map(|l| ApiReconciliationLine {
                    court_id: l.court_id,
                    case_id: l.case_id,
                    case_number: l.case_number.clone(),
                    totals: movements(&l.movements),
                    held_fen: l.movements.held.0,
                    ledger_balance_fen: l.movements.ledger_balance.0,
                    differences: l.differences.iter().map(|d| d.code.to_string()).collect(),
                })
                .collect(),
            balanced: r.balanced,
            difference_count: r.difference_count,
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ApiFundSettings {
    pub bank: String,
    pub account_name: String,
    pub approval_above_fen: i64,
    /// team_leader, bureau_chief or president.
    pub approval_level: String,
    /// The setting's version (0 when never saved); send it back to save.
    #[serde(default)]
    pub version: i64,
}

#[utoipa::path(get, path = "/api/v1/funds/settings",
    responses((status = 200, body = ApiFundSettings), (status = 403, body = crate::api::Problem)))]
pub async fn api_settings(State(app): State<App>, s: ApiSession) -> Response {
    let actor = &s.session.actor;
    let result = async {
        administrator(actor)?;
        Ok::<_, AppError>((
            app.fund_settings(actor.court_id).await?,
            app.fund_setting_version(actor.court_id).await?,
        ))
    }
    .await;
    match result {
        Ok((set, version)) => Json(ApiFundSettings {
            bank: set.bank,
            account_name: set.account_name,
            approval_above_fen: set.approval_above_fen,
            approval_level: set.approval_level,
            version,
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/funds/settings", request_body = ApiFundSettings,
    responses((status = 200, body = ApiFundSettings), (status = 422, body = crate::api::Problem),
        (status = 409, body = crate::api::Problem), (status = 403, body = crate::api::Problem)))]
pub async fn api_save_settings(
    State(app): State<App>,
    w: ApiWrite,
    ApiJson(r): ApiJson<ApiFundSettings>,
) -> Response {
    let actor = &w.session.actor;
    if let Err(e) = administrator(actor) {
        return problem(&e);
    }
    let cmd = Command::SaveSetting {
        court_id: actor.court_id,
        key: FUND_SETTING.into(),
        value: setting_value(
            &r.bank,
            &r.account_name,
            Fen(r.approval_above_fen),
            &r.approval_level,
        ),
        expected_version: r.version,
    };
    if let Err(e) = app.execute(actor, cmd).await {
        return problem(&e);
    }
    api_settings(State(app), ApiSession { session: w.session }).await
}
