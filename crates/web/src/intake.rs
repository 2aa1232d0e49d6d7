//! The first-reception window (初次接待) and filing from its record (立案), as staff pages:
//!
//! - `GET /reception/new` — the form; `POST /reception` saves it (or adds/removes a debtor or
//!   asset-lead row and shows the form again, which works without JavaScript);
//! - `GET /reception/{id}` — the printable record (笔录) with the portal binding code and its
//!   QR code, possible duplicate cases, and the file button;
//! - `POST /reception/{id}/file` — files the case and goes to the case page;
//! - `GET /cases/new` — a clerk's direct filing (cases transferred from the trial divisions): no
//!   visit, so no agent, asset leads, statement or notice checklist; `POST /cases/new` checks the
//!   fields and shows possible duplicates (`op=check`), or files the case (`op=file`).
//!
//! What was typed, as form fields or as the JSON body of `POST /api/v1/receptions`, becomes a
//! [`ReceptionRequest`] of plain strings; [`parse_reception`] turns it into the app's
//! [`ReceptionInput`], collecting every field's error at once (each message is the domain's own,
//! found by asking the domain about one field at a time). Nothing is saved unless every field is
//! right; the app checks everything again when it saves.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::intake::ReceptionInput;
use zhixing_app::{Actor, App, AppError, AppResult};
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::ids::{CreditCode, ResidentId};
use zhixing_domain::lifecycle::check_filing;
use zhixing_domain::money::Fen;
use zhixing_domain::party::{Party, PartyIdentity};
use zhixing_domain::reception::{Agent, AssetKind, AssetLead, Checklist, NoticeItem};
use zhixing_domain::role::Role;
use zhixing_domain::triage::CaseFlag;
use zhixing_domain::DomainError;

use crate::pages::*;
use crate::session::{same_secret, PageSession};
use crate::staff::error_page;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/reception", post(create))
        .route("/reception/new", get(new_form))
        .route("/reception/{id}", get(show))
        .route("/reception/{id}/file", post(file))
        .route("/cases/new", get(new_case_form).post(new_case))
}

// ---------------------------------------------------------------------------------------------
// What was typed

/// A reception visit as typed: every value a plain string, parsed by [`parse_reception`].
/// The body of `POST /api/v1/receptions`; the form posts the same names (`applicant.name`,
/// `debtors[0].id_number`, …). Missing members count as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReceptionRequest {
    /// `first` (执), `preservation` (执保) or `restored` (执恢); the type codes 执/执保/执恢
    /// are accepted too.
    pub case_type: String,
    pub applicant: PartyRequest,
    /// Leave every member empty when the applicant came without an agent.
    pub agent: AgentRequest,
    /// One or more; rows left entirely empty are skipped.
    pub debtors: Vec<PartyRequest>,
    pub basis: BasisRequest,
    /// The amount the instrument awards, e.g. `38000`, `38,000.00`, `3.8万`.
    pub amount_awarded: String,
    /// Interest as the instrument states it (free text, optional).
    pub interest_terms: String,
    /// What the applicant asks to have enforced (申请执行标的额), written like the award.
    pub claim: String,
    /// Zero or more; rows left entirely empty are skipped.
    pub asset_leads: Vec<LeadRequest>,
    /// Whether the debtor can be found easily (下落明确). Required.
    pub debtor_locatable: Option<bool>,
    /// Any of `organised_crime` (涉黑恶), `government_platform` (政府投融资平台),
    /// `livelihood` (涉民生), `major_difficult` (重大疑难).
    pub flags: Vec<String>,
    /// The record of what was said (笔录), at most 5,000 characters.
    pub statement: String,
    /// The keys of the notice items explained to the applicant; all seven are required:
    /// asset_leads_any_time, lawyer_investigation_order, reward_offer,
    /// dishonest_list_application, risk_of_failure, dormant_meaning, portal_registration.
    pub checklist: Vec<String>,
    /// The applicant read the record and confirmed it. Required.
    pub applicant_confirmed: bool,
}

/// A party as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PartyRequest {
    /// `person` (自然人, resident ID) or `organisation` (法人或其他组织, credit code).
    pub kind: String,
    pub name: String,
    /// Resident ID number or unified social credit code.
    pub id_number: String,
    pub phone: String,
    pub address: String,
    /// Accept a credit code whose only fault is its check digit (reception officers and clerks
    /// only); needs `override_reason`, which is written into the record.
    pub override_check_digit: bool,
    pub override_reason: String,
}

/// The applicant's agent as typed; all empty for none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgentRequest {
    pub name: String,
    /// A lawyer's licence number (执业证号, 17 digits), if the agent is a lawyer.
    pub lawyer_licence: String,
    pub phone: String,
}

/// The enforcement basis as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct BasisRequest {
    pub issuing_court: String,
    /// e.g. （2023）豫0883民初456号
    pub instrument_number: String,
    /// judgment, ruling, mediation, arbitral_award, notarised or other.
    pub kind: String,
    /// `2024-03-01` (also `2024/3/1` or `2024年3月1日`); not after today.
    pub effective_date: String,
}

/// An asset lead as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LeadRequest {
    /// bank_deposit, real_estate, vehicle, equity, receivable or other.
    pub kind: String,
    pub description: String,
    pub location: String,
}

impl PartyRequest {
    fn is_blank(&self) -> bool {
        [&self.name, &self.id_number, &self.phone, &self.address]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    fn person() -> PartyRequest {
        PartyRequest {
            kind: "person".into(),
            ..Default::default()
        }
    }
}

impl LeadRequest {
    fn is_blank(&self) -> bool {
        [&self.kind, &self.description, &self.location]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

impl ReceptionRequest {
    /// The empty form: one applicant, one debtor row, one asset-lead row.
    pub fn blank() -> ReceptionRequest {
        ReceptionRequest {
            case_type: CaseType::First.key().into(),
            applicant: PartyRequest::person(),
            debtors: vec![PartyRequest::person()],
            asset_leads: vec![LeadRequest::default()],
            ..Default::default()
        }
    }
}

/// One field's problem. `field` names the field as the form and the JSON body do
/// (`debtors[1].id_number`); empty for a problem with the whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    /// Stable machine code, e.g. `resident_id.check_digit`.
    pub code: String,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, e: &DomainError) -> FieldError {
        FieldError {
            field: field.into(),
            code: e.code.to_string(),
            zh: e.zh.clone(),
            en: e.en.clone(),
        }
    }
}

/// Whether a role may record receptions and file cases from them (the app's permission table
/// says the same; asking here first lets a wrong role hear "not allowed" before "fix field X").
pub fn may_receive(role: Role) -> bool {
    zhixing_app::commands::may_do_intake(role)
}

/// Whether a role may accept a credit code with a wrong check digit, with a recorded reason.
pub fn may_override_check_digit(role: Role) -> bool {
    zhixing_app::commands::may_do_intake(role)
}

/// Today's date in Beijing: an instrument that takes effect later cannot be enforced yet.
pub fn today_shanghai() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

/// At most this many debtor or asset-lead rows are read from a form.
const MAX_ROWS: usize = 30;
const MAX_INTEREST_CHARS: usize = 500;
const MAX_STATEMENT_CHARS: usize = 5000;
const MAX_REASON_CHARS: usize = 200;

fn err(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::new(code, zh, en)
}

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: &str, e: &DomainError) {
        self.0.push(FieldError::new(field, e));
    }
    fn take<T>(&mut self, field: &str, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, &e);
                None
            }
        }
    }
    /// Records the error of a check whose value is not needed.
    fn check<T>(&mut self, field: &str, r: Result<T, DomainError>) {
        if let Err(e) = r {
            self.add(field, &e);
        }
    }
}

/// A valid identity for asking the domain about one field of a party at a time.
fn probe_identity() -> PartyIdentity {
    PartyIdentity::Person(ResidentId::parse("11010519491231002X").expect("valid probe id"))
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// Parses a party; an overridden credit-code check digit adds a line for the statement.
fn parse_party(
    p: &PartyRequest,
    prefix: &str,
    role_zh: &str,
    may_override: bool,
    errs: &mut Errors,
    notes: &mut Vec<String>,
) -> Option<Party> {
    let f = |name: &str| format!("{prefix}.{name}");
    let number = p.id_number.trim();
    let identity = match p.kind.trim() {
        "person" => errs
            .take(&f("id_number"), ResidentId::parse(number))
            .map(PartyIdentity::Person),
        "organisation" => match CreditCode::parse(number) {
            Ok(c) => Some(PartyIdentity::Organisation(c)),
            Err(e) if e.code == "credit_code.check_digit" && p.override_check_digit => {
                let reason = p.override_reason.trim();
                if !may_override {
                    errs.add(&f("id_number"), &e);
                    errs.add(
                        &f("override_reason"),
                        &err(
                            "credit_code.override_forbidden",
                            "只有接待员和书记员可以放行校验位不符的统一社会信用代码",
                            "only reception officers and clerks may accept a credit code with a wrong check digit",
                        ),
                    );
                    None
                } else if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
                    errs.add(
                        &f("override_reason"),
                        &err(
                            "credit_code.override_reason",
                            format!("放行校验位不符的统一社会信用代码须填写理由（1–{MAX_REASON_CHARS} 字），理由将记入笔录"),
                            format!("accepting a credit code with a wrong check digit needs a reason (1–{MAX_REASON_CHARS} characters); it is written into the record"),
                        ),
                    );
                    None
                } else {
                    let code = errs.take(
                        &f("id_number"),
                        CreditCode::parse_allow_check_mismatch(number),
                    )?;
                    notes.push(format!(
                        "{role_zh}{} {}（统一社会信用代码校验位不符，经办人确认：{reason}）",
                        p.name.trim(),
                        code.as_str()
                    ));
                    Some(PartyIdentity::Organisation(code))
                }
            }
            Err(e) => {
                errs.add(&f("id_number"), &e);
                None
            }
        },
        _ => {
            errs.add(
                &f("kind"),
                &err(
                    "party.kind",
                    "请选择当事人类型：自然人或法人、其他组织",
                    "choose the kind of party: natural person or organisation",
                ),
            );
            None
        }
    };
    // One field at a time, so that every wrong field is reported, each in the domain's words.
    let before = errs.0.len();
    errs.check(
        &f("name"),
        Party::new(&p.name, probe_identity(), None, None),
    );
    errs.check(
        &f("phone"),
        Party::new("probe", probe_identity(), opt(&p.phone), None),
    );
    errs.check(
        &f("address"),
        Party::new("probe", probe_identity(), None, opt(&p.address)),
    );
    let identity = identity?;
    if errs.0.len() > before {
        return None;
    }
    errs.take(
        &f("name"),
        Party::new(&p.name, identity, opt(&p.phone), opt(&p.address)),
    )
}

/// Dates as clerks write them: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301.
pub fn parse_date(input: &str) -> Result<NaiveDate, DomainError> {
    let s: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '－' | '／' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err(err(
            "basis.effective_date_empty",
            "请填写执行依据的生效日期",
            "the date the instrument took effect is required",
        ));
    }
    let unified = s
        .trim_end_matches('日')
        .replace(['年', '月', '/', '.'], "-");
    let parsed = if unified.len() == 8 && unified.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(&unified, "%Y%m%d").ok()
    } else {
        NaiveDate::parse_from_str(&unified, "%Y-%m-%d").ok()
    };
    parsed.ok_or_else(|| {
        err(
            "basis.effective_date_invalid",
            format!("生效日期“{s}”无法识别，请写作 2024-03-01 或 2024年3月1日"),
            format!("the effective date \"{s}\" is not a date; write e.g. 2024-03-01"),
        )
    })
}

fn parse_case_type(s: &str) -> Result<CaseType, DomainError> {
    let s = s.trim();
    let t = CaseType::from_key(s)
        .or_else(|_| CaseType::from_code(s))
        .ok();
    match t {
        Some(t @ (CaseType::First | CaseType::Preservation | CaseType::Restored)) => Ok(t),
        _ => Err(err(
            "reception.case_type",
            "请选择案件类型：执（首次执行）、执保（财产保全执行）或 执恢（恢复执行）",
            "choose the case type: 执 (first enforcement), 执保 (preservation) or 执恢 (restored)",
        )),
    }
}

/// Turns what was typed into the app's input, or every field's error. `today` is Beijing's
/// date; `may_override` whether the user may accept a credit code with a wrong check digit.
pub fn parse_reception(
    req: &ReceptionRequest,
    court_id: i64,
    may_override: bool,
    today: NaiveDate,
) -> Result<ReceptionInput, Vec<FieldError>> {
    let mut errs = Errors::default();
    let mut notes = Vec::new();

    let case_type = errs.take("case_type", parse_case_type(&req.case_type));

    let applicant = parse_party(
        &req.applicant,
        "applicant",
        "申请执行人",
        may_override,
        &mut errs,
        &mut notes,
    );

    let a = &req.agent;
    let agent = if [&a.name, &a.lawyer_licence, &a.phone]
        .iter()
        .all(|s| s.trim().is_empty())
    {
        None
    } else {
        errs.check("agent.name", Agent::new(&a.name, None, None));
        errs.check(
            "agent.lawyer_licence",
            Agent::new("probe", opt(&a.lawyer_licence), None),
        );
        // Agents' phones follow the parties' rules.
        let phone = if a.phone.trim().is_empty() {
            None
        } else {
            errs.take(
                "agent.phone",
                Party::new("probe", probe_identity(), opt(&a.phone), None),
            )
            .and_then(|p| p.phone)
        };
        Agent::new(&a.name, opt(&a.lawyer_licence), phone.as_deref()).ok()
    };

    let mut debtors = Vec::new();
    let mut debtor_rows = Vec::new();
    for (i, d) in req.debtors.iter().enumerate() {
        if d.is_blank() {
            continue;
        }
        let prefix = format!("debtors[{i}]");
        if let Some(p) = parse_party(d, &prefix, "被执行人", may_override, &mut errs, &mut notes)
        {
            debtors.push(p);
            debtor_rows.push(i);
        }
    }
    if req.debtors.iter().all(PartyRequest::is_blank) {
        errs.check("debtors", check_filing(Fen(1), &["a"], &[]));
    }
    if let Some(app) = &applicant {
        for (p, i) in debtors.iter().zip(&debtor_rows) {
            errs.check(
                &format!("debtors[{i}].id_number"),
                check_filing(Fen(1), &[app.identity.number()], &[p.identity.number()]),
            );
        }
    }

    let b = &req.basis;
    let kind = if b.kind.trim().is_empty() {
        errs.add(
            "basis.kind",
            &err(
                "basis.kind_empty",
                "请选择执行依据的文书类型",
                "choose the kind of instrument",
            ),
        );
        None
    } else {
        errs.take("basis.kind", BasisKind::from_key(b.kind.trim()))
    };
    let date = errs.take("basis.effective_date", parse_date(&b.effective_date));
    let k = BasisKind::Judgment;
    errs.check(
        "basis.issuing_court",
        Basis::new(&b.issuing_court, "probe", k, today, today),
    );
    errs.check(
        "basis.instrument_number",
        Basis::new("probe", &b.instrument_number, k, today, today),
    );
    if let Some(d) = date {
        errs.check(
            "basis.effective_date",
            Basis::new("probe", "probe", k, d, today),
        );
    }
    let basis = match (kind, date) {
        (Some(kind), Some(d)) => {
            Basis::new(&b.issuing_court, &b.instrument_number, kind, d, today).ok()
        }
        _ => None,
    };

    let amount_awarded = errs.take("amount_awarded", Fen::parse(&req.amount_awarded));
    if amount_awarded.is_some_and(|f| !f.is_positive()) {
        errs.add(
            "amount_awarded",
            &err(
                "reception.award_not_positive",
                "生效法律文书确定的金额必须大于零",
                "the amount awarded must be more than zero",
            ),
        );
    }
    let interest = req.interest_terms.trim();
    if interest.chars().count() > MAX_INTEREST_CHARS {
        errs.add(
            "interest_terms",
            &err(
                "reception.interest_too_long",
                format!("利息计算方式不能超过 {MAX_INTEREST_CHARS} 字"),
                format!("the interest terms may not exceed {MAX_INTEREST_CHARS} characters"),
            ),
        );
    }
    let claim = errs.take("claim", Fen::parse(&req.claim));
    if let Some(c) = claim {
        errs.check("claim", check_filing(c, &["a"], &["b"]));
    }

    let mut asset_leads = Vec::new();
    for (i, l) in req.asset_leads.iter().enumerate() {
        if l.is_blank() {
            continue;
        }
        let kind = if l.kind.trim().is_empty() {
            errs.add(
                &format!("asset_leads[{i}].kind"),
                &err(
                    "asset.kind_empty",
                    "请选择财产类型",
                    "choose the kind of asset",
                ),
            );
            None
        } else {
            errs.take(
                &format!("asset_leads[{i}].kind"),
                AssetKind::from_key(l.kind.trim()),
            )
        };
        let lead = errs.take(
            &format!("asset_leads[{i}].description"),
            AssetLead::new(
                kind.unwrap_or(AssetKind::Other),
                &l.description,
                opt(&l.location),
            ),
        );
        if let (Some(_), Some(lead)) = (kind, lead) {
            asset_leads.push(lead);
        }
    }

    if req.debtor_locatable.is_none() {
        errs.add(
            "debtor_locatable",
            &err(
                "reception.locatable_missing",
                "请选择被执行人是否下落明确、能够找到",
                "say whether the debtor can be found easily",
            ),
        );
    }

    let mut flags = BTreeSet::new();
    for key in &req.flags {
        if let Some(f) = errs.take("flags", CaseFlag::from_key(key)) {
            flags.insert(f);
        }
    }

    let mut checklist = Checklist::default();
    for key in &req.checklist {
        if let Some(item) = errs.take("checklist", NoticeItem::from_key(key.trim())) {
            checklist.confirmed.insert(item);
        }
    }
    errs.check("checklist", checklist.check());

    let mut statement = req.statement.trim().to_string();
    for note in &notes {
        if !statement.is_empty() {
            statement.push('\n');
        }
        statement.push_str(note);
    }
    let len = statement.chars().count();
    if len > MAX_STATEMENT_CHARS {
        errs.add(
            "statement",
            &err(
                "reception.statement_too_long",
                format!("笔录内容不能超过 {MAX_STATEMENT_CHARS} 字，现有 {len} 字"),
                format!("the record may not exceed {MAX_STATEMENT_CHARS} characters; it has {len}"),
            ),
        );
    }

    if !req.applicant_confirmed {
        errs.add(
            "applicant_confirmed",
            &err(
                "reception.not_confirmed",
                "接待笔录须经申请执行人阅看确认后才能保存",
                "the applicant must read and confirm the record before it is saved",
            ),
        );
    }

    if !errs.0.is_empty() {
        return Err(errs.0);
    }
    match (
        case_type,
        applicant,
        basis,
        amount_awarded,
        claim,
        req.debtor_locatable,
    ) {
        (
            Some(case_type),
            Some(applicant),
            Some(basis),
            Some(amount_awarded),
            Some(claim),
            Some(l),
        ) => Ok(ReceptionInput {
            court_id,
            case_type,
            applicant,
            agent,
            debtors,
            basis,
            amount_awarded,
            interest_terms: opt(interest).map(str::to_string),
            claim,
            asset_leads,
            debtor_locatable: l,
            flags: flags.into_iter().map(|f| f.key().to_string()).collect(),
            statement,
            checklist,
            applicant_confirmed: true,
        }),
        // Every None above recorded an error, so this is not reached.
        _ => Err(vec![FieldError::new(
            "",
            &err(
                "reception.incomplete",
                "登记内容不完整，请检查后重试",
                "the record is incomplete; check it and try again",
            ),
        )]),
    }
}

/// A case filed directly by a clerk, e.g. transferred from a trial division: no reception visit,
/// so no notice checklist. Same field formats as a reception. The body of `POST /api/v1/cases`;
/// the page `/cases/new` posts the same names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FilingRequest {
    /// `first`, `preservation` or `restored` (or 执/执保/执恢).
    pub case_type: String,
    pub applicant: PartyRequest,
    pub debtors: Vec<PartyRequest>,
    pub basis: BasisRequest,
    /// e.g. `38000`, `38,000.00`, `3.8万`.
    pub claim: String,
    pub debtor_locatable: Option<bool>,
    pub flags: Vec<String>,
}

impl FilingRequest {
    /// The direct-filing part of a posted form (the form is read by [`form_request`]).
    pub fn from_form(r: &ReceptionRequest) -> FilingRequest {
        FilingRequest {
            case_type: r.case_type.clone(),
            applicant: r.applicant.clone(),
            debtors: r.debtors.clone(),
            basis: r.basis.clone(),
            claim: r.claim.clone(),
            debtor_locatable: r.debtor_locatable,
            flags: r.flags.clone(),
        }
    }

    /// As a reception form, to show again with the reception form's fields.
    pub fn to_form(&self) -> ReceptionRequest {
        ReceptionRequest {
            case_type: self.case_type.clone(),
            applicant: self.applicant.clone(),
            debtors: self.debtors.clone(),
            basis: self.basis.clone(),
            claim: self.claim.clone(),
            debtor_locatable: self.debtor_locatable,
            flags: self.flags.clone(),
            ..Default::default()
        }
    }
}

/// Parses a direct filing into the app's command, collecting every field's error at once.
///
/// The reception parser checks every field the same way; a direct filing has no visit, so the
/// visit-only parts are filled in as satisfied and then dropped (the award is taken to be the
/// claim, and its errors, which repeat the claim's, are not reported).
pub fn parse_direct_filing(
    req: &FilingRequest,
    court_id: i64,
    may_override: bool,
    today: NaiveDate,
) -> Result<FileCase, Vec<FieldError>> {
    let mut as_reception = req.to_form();
    as_reception.amount_awarded = req.claim.clone();
    as_reception.checklist = NoticeItem::ALL
        .iter()
        .map(|i| i.key().to_string())
        .collect();
    as_reception.applicant_confirmed = true;
    let input = parse_reception(&as_reception, court_id, may_override, today).map_err(|errs| {
        let own: Vec<FieldError> = errs
            .iter()
            .filter(|e| e.field != "amount_awarded")
            .cloned()
            .collect();
        if own.is_empty() {
            errs
        } else {
            own
        }
    })?;
    let flags = zhixing_app::intake::parse_flags(&input.flags).map_err(|e| {
        vec![FieldError {
            field: "flags".into(),
            ..app_error_field(&e)
        }]
    })?;
    Ok(FileCase {
        court_id,
        case_type: input.case_type,
        basis: input.basis,
        claim: input.claim,
        applicants: vec![input.applicant],
        debtors: input.debtors,
        reception_id: None,
        flags,
        debtor_locatable: input.debtor_locatable,
        // A direct filing has no statement of its own; what parsing recorded (a check-digit
        // override and its reason) travels with the filing event instead.
        note: Some(input.statement.trim().to_string()).filter(|s| !s.is_empty()),
    })
}

/// The field an app refusal belongs to, so the form shows it in place.
pub fn app_error_field(e: &AppError) -> FieldError {
    let (code, zh, en) = (e.code().to_string(), e.message_zh(), e.message_en());
    let field = match code.as_str() {
        "reception.checklist_incomplete" => "checklist",
        "reception.not_confirmed" => "applicant_confirmed",
        "reception.award_not_positive" => "amount_awarded",
        "reception.statement_too_long" => "statement",
        "filing.claim_not_positive" => "claim",
        "filing.no_debtor" => "debtors",
        _ => "",
    };
    FieldError {
        field: field.into(),
        code,
        zh,
        en,
    }
}

// ---------------------------------------------------------------------------------------------
// The form's fields

/// What a form post asks for besides saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    Save,
    AddDebtor,
    RemoveDebtor(usize),
    AddLead,
    RemoveLead(usize),
}

fn truthy(v: &str) -> bool {
    matches!(v.trim(), "on" | "1" | "true" | "yes")
}

/// `debtors[3].name` → (3, "name").
fn row_field<'a>(key: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let rest = key.strip_prefix(list)?.strip_prefix('[')?;
    let (idx, field) = rest.split_once("].")?;
    let i: usize = idx.parse().ok()?;
    (i < MAX_ROWS).then_some((i, field))
}

fn set_party(p: &mut PartyRequest, field: &str, v: String) {
    match field {
        "kind" => p.kind = v,
        "name" => p.name = v,
        "id_number" => p.id_number = v,
        "phone" => p.phone = v,
        "address" => p.address = v,
        "override_check_digit" => p.override_check_digit = truthy(&v),
        "override_reason" => p.override_reason = v,
        _ => {}
    }
}

fn grow<T: Default>(v: &mut Vec<T>, i: usize) -> &mut T {
    while v.len() <= i {
        v.push(T::default());
    }
    &mut v[i]
}

/// The posted form as a request, the button pressed, and the CSRF token sent.
pub fn form_request(pairs: Vec<(String, String)>) -> (ReceptionRequest, FormAction, String) {
    let mut r = ReceptionRequest::default();
    let mut action = FormAction::Save;
    let mut csrf = String::new();
    for (k, v) in pairs {
        if let Some((i, f)) = row_field(&k, "debtors") {
            set_party(grow(&mut r.debtors, i), f, v);
            continue;
        }
        if let Some((i, f)) = row_field(&k, "asset_leads") {
            let l = grow(&mut r.asset_leads, i);
            match f {
                "kind" => l.kind = v,
                "description" => l.description = v,
                "location" => l.location = v,
                _ => {}
            }
            continue;
        }
        if let Some(f) = k.strip_prefix("applicant.") {
            set_party(&mut r.applicant, f, v);
            continue;
        }
        match k.as_str() {
            "csrf" => csrf = v,
            "action" => {
                action = match v.split_once(':') {
                    Some(("remove_debtor", i)) => {
                        i.parse().map_or(FormAction::Save, FormAction::RemoveDebtor)
                    }
                    Some(("remove_lead", i)) => {
                        i.parse().map_or(FormAction::Save, FormAction::RemoveLead)
                    }
                    _ => match v.as_str() {
                        "add_debtor" => FormAction::AddDebtor,
                        "add_lead" => FormAction::AddLead,
                        _ => FormAction::Save,
                    },
                }
            }
            "case_type" => r.case_type = v,
            "agent.name" => r.agent.name = v,
            "agent.lawyer_licence" => r.agent.lawyer_licence = v,
            "agent.phone" => r.agent.phone = v,
            "basis.issuing_court" => r.basis.issuing_court = v,
            "basis.instrument_number" => r.basis.instrument_number = v,
            "basis.kind" => r.basis.kind = v,
            "basis.effective_date" => r.basis.effective_date = v,
            "amount_awarded" => r.amount_awarded = v,
            "interest_terms" => r.interest_terms = v,
            "claim" => r.claim = v,
            "debtor_locatable" => {
                r.debtor_locatable = match v.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                }
            }
            "flags" => r.flags.push(v),
            "checklist" => r.checklist.push(v),
            "statement" => r.statement = v,
            "applicant_confirmed" => r.applicant_confirmed = truthy(&v),
            _ => {}
        }
    }
    if r.debtors.is_empty() {
        r.debtors.push(PartyRequest::person());
    }
    (r, action, csrf)
}

/// Adds or removes a row as asked; always leaves at least one debtor row.
pub fn apply_action(r: &mut ReceptionRequest, action: FormAction) {
    match action {
        FormAction::Save => {}
        FormAction::AddDebtor if r.debtors.len() < MAX_ROWS => {
            r.debtors.push(PartyRequest::person())
        }
        FormAction::AddLead if r.asset_leads.len() < MAX_ROWS => {
            r.asset_leads.push(LeadRequest::default())
        }
        FormAction::AddDebtor | FormAction::AddLead => {}
        FormAction::RemoveDebtor(i) => {
            if i < r.debtors.len() {
                r.debtors.remove(i);
            }
            if r.debtors.is_empty() {
                r.debtors.push(PartyRequest::person());
            }
        }
        FormAction::RemoveLead(i) => {
            if i < r.asset_leads.len() {
                r.asset_leads.remove(i);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loading a record

/// A saved reception record, within the actor's courts.
#[derive(Debug, Clone)]
pub struct LoadedReception {
    pub id: i64,
    pub court_id: i64,
    pub court_name: String,
    pub officer_name: String,
    pub created_at: i64,
    pub binding_code: String,
    pub case_id: Option<i64>,
    pub record: ReceptionInput,
}

/// A record the actor may see; one outside their courts is "not found", like a missing one.
pub async fn load_reception(app: &App, actor: &Actor, id: i64) -> AppResult<LoadedReception> {
    let row = app.reception(actor, id).await?;
    let record: ReceptionInput =
        serde_json::from_str(&row.record).map_err(|e| AppError::Internal(e.to_string()))?;
    let court_name = app
        .court_tree()
        .get(row.court_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    Ok(LoadedReception {
        id: row.id,
        court_id: row.court_id,
        court_name,
        officer_name: row.officer_name,
        created_at: row.created_at,
        binding_code: row.binding_code,
        case_id: row.case_id,
        record,
    })
}

/// What the applicant scans to bind the case on the portal.
pub fn binding_qr_text(code: &str) -> String {
    format!("ZHIXING-BIND:{code}")
}

/// A QR code as an inline SVG (one path, 4-module quiet zone), sized by CSS. Empty if the text
/// is too long for a QR code (it never is for a binding code).
pub fn qr_svg(text: &str, label: &str) -> String {
    use qrcode::{Color, EcLevel, QrCode};
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut d = String::new();
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == Color::Dark {
                let start = x;
                while x < w && colors[y * w + x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                let _ = write!(d, "M{} {}h{run}v1h-{run}z", start + quiet, y + quiet);
            } else {
                x += 1;
            }
        }
    }
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 {size} {size}" role="img" aria-label="{label}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##
    )
}

// ---------------------------------------------------------------------------------------------
// Handlers

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn not_allowed() -> AppError {
    AppError::forbidden(
        "只有接待员和书记员可以登记接待、办理立案",
        "only reception officers and clerks record receptions and file cases",
    )
}

fn form_page(
    s: &PageSession,
    form: ReceptionRequest,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Response {
    let page = ReceptionFormPage {
        lang: s.lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        form,
        errors,
        may_override: may_override_check_digit(s.session.actor.role),
    };
    html(status, render_page(&page))
}

async fn new_form(s: PageSession) -> Response {
    if !may_receive(s.session.actor.role) {
        return error_page(s.lang, &not_allowed(), Some(s.session.user));
    }
    form_page(&s, ReceptionRequest::blank(), Vec::new(), StatusCode::OK)
}

async fn create(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if !may_receive(s.session.actor.role) {
        return error_page(s.lang, &not_allowed(), Some(s.session.user));
    }
    let Ok(Form(pairs)) = body else {
        let e = AppError::invalid(
            "request.invalid_form",
            "提交的表单格式不正确，请刷新页面后重试",
            "the form could not be read; reload the page and try again",
        );
        return error_page(s.lang, &e, Some(s.session.user));
    };
    let (mut form, action, csrf) = form_request(pairs);
    if action != FormAction::Save {
        apply_action(&mut form, action);
        return form_page(&s, form, Vec::new(), StatusCode::OK);
    }
    if !same_secret(&s.session.csrf, &csrf) {
        let e = FieldError::new(
            "",
            &err(
                "request.expired",
                "页面已过期（可能已重新登录）。已保留您填写的内容，请核对后再次保存",
                "the page expired (perhaps you signed in again); what you typed is kept — check it and save again",
            ),
        );
        return form_page(&s, form, vec![e], StatusCode::FORBIDDEN);
    }
    let actor = &s.session.actor;
    let input = match parse_reception(
        &form,
        actor.court_id,
        may_override_check_digit(actor.role),
        today_shanghai(),
    ) {
        Ok(i) => i,
        Err(errors) => return form_page(&s, form, errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    match app
        .execute(actor, Command::RecordReception(Box::new(input)))
        .await
    {
        Ok(out) => match out.id {
            Some(id) => Redirect::to(&format!("/reception/{id}")).into_response(),
            None => error_page(
                s.lang,
                &AppError::Internal("no reception id".into()),
                Some(s.session.user),
            ),
        },
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            form_page(&s, form, vec![app_error_field(&e)], status)
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user)),
    }
}

// ---------------------------------------------------------------------------------------------
// Direct filing by a clerk (/cases/new)

/// What a direct-filing post asks for: check the fields and show duplicates, or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilingOp {
    Check,
    File,
}

fn new_case_page(
    s: &PageSession,
    form: ReceptionRequest,
    errors: Vec<FieldError>,
    checked: Option<(Vec<DuplicateItem>, bool)>,
    status: StatusCode,
) -> Response {
    let (checked, duplicates, not_duplicate) = match checked {
        Some((d, tick)) => (true, d, tick),
        None => (false, Vec::new(), false),
    };
    let page = NewCasePage {
        lang: s.lang,
        f: ReceptionFormPage {
            lang: s.lang,
            user: s.session.user.clone(),
            csrf: s.session.csrf.clone(),
            form,
            errors,
            may_override: may_override_check_digit(s.session.actor.role),
        },
        checked,
        duplicates,
        not_duplicate,
    };
    html(status, render_page(&page))
}

async fn new_case_form(s: PageSession) -> Response {
    if !may_receive(s.session.actor.role) {
        return error_page(s.lang, &not_allowed(), Some(s.session.user));
    }
    let blank = FilingRequest::from_form(&ReceptionRequest::blank()).to_form();
    new_case_page(&s, blank, Vec::new(), None, StatusCode::OK)
}

/// Cases on the same instrument naming one of the parties, within the actor's courts.
async fn duplicates_of(app: &App, actor: &Actor, f: &FileCase) -> AppResult<Vec<DuplicateItem>> {
    let parties: Vec<&Party> = f.applicants.iter().chain(&f.debtors).collect();
    let rows = app
        .possible_duplicates(actor, &f.basis.instrument_number, &parties)
        .await?;
    Ok(rows
        .into_iter()
        .map(|d| DuplicateItem {
            id: d.id,
            case_number: d.case_number,
            stage: zhixing_domain::case::Stage::from_key(&d.stage).ok(),
            applicants: d.applicant_names,
            debtors: d.debtor_names,
            filed_at: d.filed_at,
        })
        .collect())
}

async fn new_case(
    State(app): State<App>,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if !may_receive(s.session.actor.role) {
        return error_page(s.lang, &not_allowed(), Some(s.session.user));
    }
    let Ok(Form(pairs)) = body else {
        let e = AppError::invalid(
            "request.invalid_form",
            "提交的表单格式不正确，请刷新页面后重试",
            "the form could not be read; reload the page and try again",
        );
        return error_page(s.lang, &e, Some(s.session.user));
    };
    let mut op = FilingOp::Check;
    let mut not_duplicate = false;
    for (k, v) in &pairs {
        match k.as_str() {
            "op" if v.trim() == "file" => op = FilingOp::File,
            "not_duplicate" => not_duplicate = truthy(v),
            _ => {}
        }
    }
    let (mut posted, action, csrf) = form_request(pairs);
    // Only what a direct filing has is kept, so nothing else can ride along.
    let req = FilingRequest::from_form(&posted);
    posted = req.to_form();
    if action != FormAction::Save {
        apply_action(&mut posted, action);
        return new_case_page(&s, posted, Vec::new(), None, StatusCode::OK);
    }
    if !same_secret(&s.session.csrf, &csrf) {
        let e = FieldError::new(
            "",
            &err(
                "request.expired",
                "页面已过期（可能已重新登录）。已保留您填写的内容，请核对后重新提交",
                "the page expired (perhaps you signed in again); what you typed is kept — check it and submit again",
            ),
        );
        return new_case_page(&s, posted, vec![e], None, StatusCode::FORBIDDEN);
    }
    let actor = &s.session.actor;
    let filing = match parse_direct_filing(
        &req,
        actor.court_id,
        may_override_check_digit(actor.role),
        today_shanghai(),
    ) {
        Ok(f) => f,
        Err(errors) => {
            return new_case_page(&s, posted, errors, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
    };
    let duplicates = match duplicates_of(&app, actor, &filing).await {
        Ok(d) => d,
        Err(e) => return error_page(s.lang, &e, Some(s.session.user.clone())),
    };
    if op == FilingOp::Check {
        return new_case_page(
            &s,
            posted,
            Vec::new(),
            Some((duplicates, not_duplicate)),
            StatusCode::OK,
        );
    }
    if !duplicates.is_empty() && !not_duplicate {
        let e = FieldError::new(
            "not_duplicate",
            &err(
                "filing.possible_duplicate",
                format!(
                    "发现 {} 件可能重复的案件。请逐件核对，确认不是重复立案后勾选“已核对，确认不是重复立案”再立案",
                    duplicates.len()
                ),
                format!(
                    "{} possibly duplicate cases were found. Check each, then tick \"this is not a duplicate filing\" to file",
                    duplicates.len()
                ),
            ),
        );
        return new_case_page(
            &s,
            posted,
            vec![e],
            Some((duplicates, false)),
            StatusCode::CONFLICT,
        );
    }
    match app.execute(actor, Command::FileCase(filing)).await {
        Ok(out) => match out.id {
            Some(id) => Redirect::to(&format!("/cases/{id}")).into_response(),
            None => error_page(
                s.lang,
                &AppError::Internal("no case id".into()),
                Some(s.session.user.clone()),
            ),
        },
        Err(AppError::Internal(msg)) => error_page(
            s.lang,
            &AppError::Internal(msg),
            Some(s.session.user.clone()),
        ),
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            new_case_page(
                &s,
                posted,
                vec![app_error_field(&e)],
                Some((duplicates, not_duplicate)),
                status,
            )
        }
    }
}

async fn show(State(app): State<App>, s: PageSession, Path(raw): Path<String>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let Ok(id) = raw.trim().parse::<i64>() else {
        return error_page(lang, &AppError::NotFound, Some(user));
    };
    let rec = match load_reception(&app, actor, id).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let mut case_number = None;
    let mut duplicates = Vec::new();
    if let Some(case_id) = rec.case_id {
        case_number = app
            .case_detail(actor, case_id)
            .await
            .ok()
            .map(|c| c.case_number);
    } else {
        let mut parties: Vec<&Party> = vec![&rec.record.applicant];
        parties.extend(rec.record.debtors.iter());
        match app
            .possible_duplicates(actor, &rec.record.basis.instrument_number, &parties)
            .await
        {
            Ok(rows) => {
                duplicates = rows
                    .into_iter()
                    .map(|d| DuplicateItem {
                        id: d.id,
                        case_number: d.case_number,
                        stage: zhixing_domain::case::Stage::from_key(&d.stage).ok(),
                        applicants: d.applicant_names,
                        debtors: d.debtor_names,
                        filed_at: d.filed_at,
                    })
                    .collect()
            }
            Err(e) => return error_page(lang, &e, Some(user)),
        }
    }
    let qr = qr_svg(
        &binding_qr_text(&rec.binding_code),
        crate::i18n::t(lang, "record.qr_label"),
    );
    let page = ReceptionRecordPage {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        may_file: may_receive(actor.role) && actor.court_id == rec.court_id,
        rec,
        case_number,
        duplicates,
        qr_svg: qr,
    };
    html(StatusCode::OK, render_page(&page))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn file(
    State(app): State<App>,
    s: PageSession,
    Path(raw): Path<String>,
    body: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let Ok(id) = raw.trim().parse::<i64>() else {
        return error_page(lang, &AppError::NotFound, Some(user));
    };
    let csrf = body.map(|Form(f)| f.csrf).unwrap_or_default();
    if !same_secret(&s.session.csrf, &csrf) {
        let e = AppError::forbidden(
            "页面已过期，请返回接待笔录页面刷新后再立案",
            "the page expired; go back to the reception record, reload it and file again",
        );
        return error_page(lang, &e, Some(user));
    }
    match app.file_from_reception(&s.session.actor, id).await {
        Ok(out) => match out.id {
            Some(case_id) => Redirect::to(&format!("/cases/{case_id}")).into_response(),
            None => error_page(lang, &AppError::Internal("no case id".into()), Some(user)),
        },
        Err(e) => error_page(lang, &e, Some(user)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhixing_domain::ids::{credit_check_char, resident_check_char};

    fn rid(first17: &str) -> String {
        format!("{first17}{}", resident_check_char(first17))
    }

    fn credit(first17: &str) -> String {
        format!("{first17}{}", credit_check_char(first17))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    fn party(kind: &str, name: &str, id: &str) -> PartyRequest {
        PartyRequest {
            kind: kind.into(),
            name: name.into(),
            id_number: id.into(),
            phone: "13912345678".into(),
            address: "河南省孟州市".into(),
            ..Default::default()
        }
    }

    fn good() -> ReceptionRequest {
        ReceptionRequest {
            case_type: "first".into(),
            applicant: party("person", "王某某", &rid("41088319800101123")),
            agent: AgentRequest::default(),
            debtors: vec![party(
                "organisation",
                "孟州某某公司",
                &credit("91410883MA44XXXX1"),
            )],
            basis: BasisRequest {
                issuing_court: "孟州市人民法院".into(),
                instrument_number: "（2025）豫0883民初456号".into(),
                kind: "judgment".into(),
                effective_date: "2025-12-01".into(),
            },
            amount_awarded: "38000".into(),
            interest_terms: "按LPR计算".into(),
            claim: "3.8万".into(),
            asset_leads: vec![LeadRequest::default()],
            debtor_locatable: Some(true),
            flags: vec!["livelihood".into()],
            statement: "申请人称被执行人拖欠货款。".into(),
            checklist: NoticeItem::ALL
                .iter()
                .map(|i| i.key().to_string())
                .collect(),
            applicant_confirmed: true,
        }
    }

    fn fields(errs: &[FieldError]) -> Vec<&str> {
        errs.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_visit_parses() {
        let r = parse_reception(&good(), 7, true, today()).unwrap();
        assert_eq!(r.court_id, 7);
        assert_eq!(r.claim, Fen(3_800_000));
        assert_eq!(r.debtors.len(), 1);
        assert!(r.asset_leads.is_empty(), "blank lead rows are skipped");
        assert_eq!(r.flags, vec!["livelihood".to_string()]);
        assert!(r.checklist.check().is_ok());
        assert_eq!(r.interest_terms.as_deref(), Some("按LPR计算"));
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let mut r = good();
        r.applicant.id_number = "410883198001011230".into();
        r.applicant.phone = "12345".into();
        r.debtors[0].name = " ".into();
        r.basis.effective_date = "2099-01-01".into();
        r.basis.issuing_court = String::new();
        r.claim = "-5".into();
        r.amount_awarded = "0".into();
        r.checklist.pop();
        r.debtor_locatable = None;
        r.applicant_confirmed = false;
        r.flags.push("flying".into());
        r.asset_leads = vec![LeadRequest {
            kind: "vehicle".into(),
            description: String::new(),
            location: "停车场".into(),
        }];
        let errs = parse_reception(&r, 7, true, today()).unwrap_err();
        let f = fields(&errs);
        for want in [
            "applicant.id_number",
            "applicant.phone",
            "debtors[0].name",
            "basis.effective_date",
            "basis.issuing_court",
            "claim",
            "amount_awarded",
            "checklist",
            "debtor_locatable",
            "applicant_confirmed",
            "flags",
            "asset_leads[0].description",
        ] {
            assert!(f.contains(&want), "{want} missing from {f:?}");
        }
        let id = errs
            .iter()
            .find(|e| e.field == "applicant.id_number")
            .unwrap();
        assert_eq!(id.code, "resident_id.check_digit");
        assert!(id.zh.contains("校验位"));
        let cl = errs.iter().find(|e| e.field == "checklist").unwrap();
        assert!(cl.zh.contains("可凭绑定码"), "{}", cl.zh);
    }

    #[test]
    fn debtors_identical_to_the_applicant_and_missing_debtors() {
        let mut r = good();
        r.debtors.push(r.applicant.clone());
        let errs = parse_reception(&r, 7, true, today()).unwrap_err();
        assert_eq!(fields(&errs), vec!["debtors[1].id_number"]);
        assert_eq!(errs[0].code, "filing.debtor_is_applicant");

        let mut r = good();
        r.debtors = vec![PartyRequest::person(), PartyRequest::person()];
        let errs = parse_reception(&r, 7, true, today()).unwrap_err();
        assert_eq!(fields(&errs), vec!["debtors"]);
    }

    #[test]
    fn credit_code_check_digit_override_needs_a_reason_and_is_recorded() {
        let good_code = credit("91410883MA44XXXX1");
        let last = good_code.chars().last().unwrap();
        let wrong = if last == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good_code[..17]);
        let mut r = good();
        r.debtors[0].id_number = bad.clone();
        let errs = parse_reception(&r, 7, true, today()).unwrap_err();
        assert_eq!(errs[0].code, "credit_code.check_digit");
        assert_eq!(errs[0].field, "debtors[0].id_number");

        r.debtors[0].override_check_digit = true;
        let errs = parse_reception(&r, 7, true, today()).unwrap_err();
        assert_eq!(fields(&errs), vec!["debtors[0].override_reason"]);

        let errs = parse_reception(&r, 7, false, today()).unwrap_err();
        assert!(fields(&errs).contains(&"debtors[0].id_number"));

        r.debtors[0].override_reason = "营业执照原件核对无误".into();
        let ok = parse_reception(&r, 7, true, today()).unwrap();
        assert_eq!(ok.debtors[0].identity.number(), bad);
        assert!(ok
            .statement
            .ends_with("（统一社会信用代码校验位不符，经办人确认：营业执照原件核对无误）"));
        assert!(ok.statement.starts_with("申请人称"));
    }

    #[test]
    fn dates_as_clerks_write_them() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "20240301",
            "２０２４－０３－０１",
        ] {
            assert_eq!(parse_date(s).unwrap(), d, "{s}");
        }
        assert_eq!(
            parse_date("").unwrap_err().code,
            "basis.effective_date_empty"
        );
        assert_eq!(
            parse_date("2024-02-30").unwrap_err().code,
            "basis.effective_date_invalid"
        );
    }

    #[test]
    fn case_types_at_the_window() {
        assert_eq!(parse_case_type("执保").unwrap(), CaseType::Preservation);
        assert_eq!(parse_case_type("restored").unwrap(), CaseType::Restored);
        assert!(parse_case_type("objection").is_err());
        assert!(parse_case_type("").is_err());
    }

    #[test]
    fn form_fields_rows_and_buttons() {
        let pairs: Vec<(String, String)> = [
            ("csrf", "tok"),
            ("case_type", "first"),
            ("applicant.kind", "person"),
            ("applicant.name", "王某某"),
            ("debtors[0].kind", "person"),
            ("debtors[0].name", "甲"),
            ("debtors[2].name", "丙"),
            ("debtors[2].override_check_digit", "on"),
            ("debtors[99999].name", "ignored"),
            ("asset_leads[0].kind", "vehicle"),
            ("flags", "livelihood"),
            ("checklist", "reward_offer"),
            ("checklist", "risk_of_failure"),
            ("debtor_locatable", "no"),
            ("applicant_confirmed", "on"),
            ("action", "remove_debtor:1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (mut r, action, csrf) = form_request(pairs);
        assert_eq!(csrf, "tok");
        assert_eq!(action, FormAction::RemoveDebtor(1));
        assert_eq!(r.debtors.len(), 3);
        assert!(r.debtors[2].override_check_digit);
        assert_eq!(r.asset_leads[0].kind, "vehicle");
        assert_eq!(r.checklist.len(), 2);
        assert_eq!(r.debtor_locatable, Some(false));
        assert!(r.applicant_confirmed);
        apply_action(&mut r, action);
        assert_eq!(r.debtors.len(), 2);
        assert_eq!(r.debtors[1].name, "丙");
        apply_action(&mut r, FormAction::AddLead);
        assert_eq!(r.asset_leads.len(), 2);
        apply_action(&mut r, FormAction::RemoveDebtor(0));
        apply_action(&mut r, FormAction::RemoveDebtor(0));
        assert_eq!(r.debtors.len(), 1, "one debtor row always remains");
        let (_, a, _) = form_request(vec![("action".into(), "add_debtor".into())]);
        assert_eq!(a, FormAction::AddDebtor);
        let (_, a, _) = form_request(vec![("action".into(), "save".into())]);
        assert_eq!(a, FormAction::Save);
    }

    #[test]
    fn json_body_with_missing_members_is_all_errors_not_a_crash() {
        let r: ReceptionRequest = serde_json::from_str("{}").unwrap();
        let errs = parse_reception(&r, 1, true, today()).unwrap_err();
        assert!(errs.len() >= 8, "{errs:?}");
        assert!(errs.iter().all(|e| !e.zh.is_empty() && !e.en.is_empty()));
    }

    fn user() -> zhixing_app::views::CurrentUser {
        zhixing_app::views::CurrentUser {
            id: 7,
            username: "mz_reception".into(),
            display_name: "曹丽华".into(),
            role: Role::ReceptionOfficer,
            court_id: 3,
            court_name: "孟州市人民法院".into(),
            court_code: "豫0883".into(),
        }
    }

    #[test]
    fn the_form_shows_each_error_by_its_field_in_both_languages() {
        let mut r = good();
        r.debtors[0].id_number = format!("{}0", &credit("91410883MA44XXXX1")[..17]);
        if parse_reception(&r, 3, true, today()).is_ok() {
            r.debtors[0].id_number = format!("{}1", &credit("91410883MA44XXXX1")[..17]);
        }
        r.applicant.phone = "12345".into();
        r.debtors.push(PartyRequest::person());
        let errors = parse_reception(&r, 3, true, today()).unwrap_err();
        for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
            let page = ReceptionFormPage {
                lang,
                user: user(),
                csrf: "tok".into(),
                form: r.clone(),
                errors: errors.clone(),
                may_override: true,
            };
            let html = page.render();
            assert!(
                !html.contains("[?]"),
                "{lang:?}: every text is in the dictionary"
            );
            assert!(html.contains("id=\"f-applicant-phone-err\""));
            assert!(html.contains("href=\"#f-debtors-0-id_number\""));
            assert!(html.contains("name=\"debtors[0].override_check_digit\""));
            assert!(html.contains("name=\"debtors[1].name\""));
            assert!(html.contains("value=\"remove_debtor:1\""));
        }
        let zh = ReceptionFormPage {
            lang: crate::i18n::Lang::Zh,
            user: user(),
            csrf: "tok".into(),
            form: r,
            errors,
            may_override: false,
        }
        .render();
        assert!(
            zh.contains("申请执行人 · 联系电话："),
            "the summary names the field"
        );
        assert!(
            !zh.contains("override_check_digit"),
            "no override without the right"
        );
    }

    #[test]
    fn the_record_prints_everything_in_both_languages() {
        let record = parse_reception(&good(), 3, true, today()).unwrap();
        for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
            let page = ReceptionRecordPage {
                lang,
                user: user(),
                csrf: "tok".into(),
                rec: LoadedReception {
                    id: 12,
                    court_id: 3,
                    court_name: "孟州市人民法院".into(),
                    officer_name: "曹丽华".into(),
                    created_at: 1_709_604_779_000,
                    binding_code: "ABCD2345".into(),
                    case_id: None,
                    record: record.clone(),
                },
                case_number: None,
                duplicates: vec![DuplicateItem {
                    id: 5,
                    case_number: "（2025）豫0883执9号".into(),
                    stage: Some(zhixing_domain::case::Stage::Filed),
                    applicants: "王某某".into(),
                    debtors: "孟州某某公司".into(),
                    filed_at: 1_709_604_779_000,
                }],
                qr_svg: qr_svg(&binding_qr_text("ABCD2345"), "QR"),
                may_file: true,
            };
            let html = page.render();
            assert!(!html.contains("[?]"), "{lang:?}");
            assert!(html.contains("ABCD 2345") && html.contains("<svg"));
            assert!(html.contains("2024-03-05 10:12"), "Beijing time");
            assert!(html.contains("人民币叁万捌仟元整"));
            assert!(html.contains("href=\"/cases/5\""), "duplicate linked");
            assert!(html.contains("action=\"/reception/12/file\""));
        }
    }

    fn direct(r: &ReceptionRequest) -> FilingRequest {
        FilingRequest::from_form(r)
    }

    #[test]
    fn a_direct_filing_parses_into_the_command_with_its_own_errors_only() {
        let f = parse_direct_filing(&direct(&good()), 7, true, today()).unwrap();
        assert_eq!(f.court_id, 7);
        assert_eq!(f.reception_id, None);
        assert_eq!(f.claim, Fen(3_800_000));
        assert_eq!(f.applicants.len(), 1);
        assert_eq!(f.debtors.len(), 1);
        assert!(f.flags.contains(&CaseFlag::Livelihood));
        assert!(f.debtor_locatable);

        let mut r = direct(&good());
        r.claim = "-5".into();
        r.debtor_locatable = None;
        r.flags.push("flying".into());
        let errs = parse_direct_filing(&r, 7, true, today()).unwrap_err();
        let f = fields(&errs);
        assert!(f.contains(&"claim") && f.contains(&"debtor_locatable") && f.contains(&"flags"));
        assert!(
            !f.contains(&"amount_awarded") && !f.contains(&"checklist"),
            "no errors for fields a direct filing does not have: {f:?}"
        );
    }

    #[test]
    fn the_direct_filing_page_renders_in_both_languages() {
        let mut r = good();
        r.applicant.phone = "12345".into();
        r.debtors.push(PartyRequest::person());
        let errors = parse_direct_filing(&direct(&r), 3, true, today()).unwrap_err();
        for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
            for (checked, duplicates) in [(false, vec![]), (true, vec![]), (true, vec![dup()])] {
                let page = NewCasePage {
                    lang,
                    f: ReceptionFormPage {
                        lang,
                        user: user(),
                        csrf: "tok".into(),
                        form: direct(&r).to_form(),
                        errors: errors.clone(),
                        may_override: true,
                    },
                    checked,
                    duplicates,
                    not_duplicate: false,
                };
                let html = page.render();
                assert!(
                    !html.contains("[?]"),
                    "{lang:?}: every text is in the dictionary"
                );
                assert!(html.contains("action=\"/cases/new\""));
                assert!(html.contains("id=\"f-applicant-phone-err\""));
                assert!(html.contains("hx-post=\"/cases/new\" hx-target=\"#new-case-form\""));
                assert!(!html.contains("name=\"checklist\"") && !html.contains("agent."));
                assert_eq!(html.contains("value=\"file\""), checked);
            }
        }
    }

    fn dup() -> DuplicateItem {
        DuplicateItem {
            id: 5,
            case_number: "（2025）豫0883执9号".into(),
            stage: Some(zhixing_domain::case::Stage::Filed),
            applicants: "王某某".into(),
            debtors: "孟州某某公司".into(),
            filed_at: 1_709_604_779_000,
        }
    }

    #[test]
    fn qr_code_is_an_inline_svg() {
        let svg = qr_svg(&binding_qr_text("ABCD2345"), "二维码 \"x\"");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("viewBox=\"0 0 "));
        assert!(svg.contains("aria-label=\"二维码 &quot;x&quot;\""));
        assert!(svg.matches('M').count() > 20, "modules are drawn");
    }
}
