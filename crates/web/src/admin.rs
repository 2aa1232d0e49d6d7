//! Administration: a court's triage rules (繁简分流规则).
//!
//! `GET /admin/triage[?court=ID]` shows the rules in force and an editor; every button of the
//! editor posts the whole editor to `POST /admin/triage/edit` with an `op` (add, up:i, down:i,
//! delete:i, preset, simulate, save), and the page comes back with the posted state changed by
//! that op. Without JavaScript that is an ordinary form post; with htmx only the editor is
//! swapped. Nothing is stored until "save", and a save that fails (a field that cannot be read,
//! a gap or dead rule, someone else's newer save) re-shows exactly what was posted with the
//! reason.
//!
//! The JSON API (`/api/v1/courts/{court_id}/triage-rules…`) is here too, next to the page it
//! mirrors; `api.rs` merges its routes and lists it in the OpenAPI document.

use std::borrow::Borrow;
use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::triage::TriageSimulation;
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::case::CaseType;
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_domain::triage::{CaseFlag, Condition, RuleSet, TriageRule, MAX_RULES};
use zhixing_domain::DomainError;

use crate::api::{problem, Problem, ValidationProblem};
use crate::i18n::msg;
use crate::i18n::Lang;
use crate::intake::FieldError;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::error_page;

/// The simulation periods the page offers, in months.
pub const MONTH_CHOICES: [u32; 3] = [3, 6, 12];
const DEFAULT_MONTHS: u32 = 12;
/// The API accepts any period up to three years.
const MAX_API_MONTHS: u32 = 36;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/admin/triage", get(triage_page))
        .route("/admin/triage/edit", post(triage_edit))
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn is_admin(actor: &Actor) -> bool {
    actor.role == Role::Administrator
}

fn not_admin() -> AppError {
    AppError::forbidden(
        "只有系统管理员可以设置分流规则",
        "only administrators may set the triage rules",
    )
}

// ---------------------------------------------------------------------------------------------
// The editor's rows: one rule as the form shows it, text as typed

/// One rule in the editor, every field as the form posts it, so a row that cannot be read yet
/// comes back exactly as typed. Conditions the form has no field for (a second "has any of
/// these flags", set through the API) travel in `extra` as JSON and are kept unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleRow {
    pub name: String,
    /// Lower bound (inclusive), yuan as typed; empty = none.
    pub claim_from: String,
    /// Upper bound (exclusive), yuan as typed; empty = none.
    pub claim_to: String,
    /// Case type keys; none = any type.
    pub types: Vec<String>,
    pub any_flags: Vec<String>,
    pub no_flags: Vec<String>,
    /// "", "yes" or "no".
    pub locatable: String,
    /// "", "yes" or "no".
    pub open_cases: String,
    pub applicants: String,
    pub debtors: String,
    /// Team kind key.
    pub target: String,
    /// JSON array of further conditions, or empty.
    pub extra: String,
}

/// An amount for an input field: `50,000` for whole yuan, `50,000.50` otherwise.
fn yuan_text(x: Fen) -> String {
    let s = x.to_string();
    s.strip_suffix(".00").map(str::to_string).unwrap_or(s)
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

impl RuleRow {
    /// The row showing `rule`. Each condition fills its field; one the form cannot show (the
    /// field is taken, or an empty list that "none ticked" would turn into "any") goes to
    /// `extra`, so turning the row back into a rule gives the same rule.
    pub fn from_rule(rule: &TriageRule) -> RuleRow {
        let mut row = RuleRow {
            name: rule.name.clone(),
            target: rule.target.key().to_string(),
            ..RuleRow::default()
        };
        let (mut types, mut any, mut none) = (false, false, false);
        let mut extra = Vec::new();
        for c in &rule.conditions {
            match c {
                Condition::ClaimAtLeast(x) if row.claim_from.is_empty() => {
                    row.claim_from = yuan_text(*x)
                }
                Condition::ClaimBelow(x) if row.claim_to.is_empty() => row.claim_to = yuan_text(*x),
                Condition::CaseTypeIn(v) if !types && !v.is_empty() => {
                    types = true;
                    row.types = v.iter().map(|t| t.key().to_string()).collect();
                }
                Condition::HasAnyFlag(v) if !any && !v.is_empty() => {
                    any = true;
                    row.any_flags = v.iter().map(|f| f.key().to_string()).collect();
                }
                Condition::NoFlags(v) if !none && !v.is_empty() => {
                    none = true;
                    row.no_flags = v.iter().map(|f| f.key().to_string()).collect();
                }
                Condition::DebtorLocatable(b) if row.locatable.is_empty() => {
                    row.locatable = yes_no(*b)
                }
                Condition::DebtorHasOpenCases(b) if row.open_cases.is_empty() => {
                    row.open_cases = yes_no(*b)
                }
                Condition::ApplicantsAtLeast(n) if row.applicants.is_empty() => {
                    row.applicants = n.to_string()
                }
                Condition::DebtorsAtLeast(n) if row.debtors.is_empty() => {
                    row.debtors = n.to_string()
                }
                other => extra.push(other.clone()),
            }
        }
        if !extra.is_empty() {
            row.extra = serde_json::to_string(&extra).unwrap_or_default();
        }
        row
    }

    /// A new rule: no name, no conditions, no team yet.
    pub fn blank() -> RuleRow {
        RuleRow::default()
    }

    /// Whether nothing narrows the rule: it takes every case that reaches it.
    pub fn is_catch_all(&self) -> bool {
        [
            &self.claim_from,
            &self.claim_to,
            &self.locatable,
            &self.open_cases,
            &self.applicants,
            &self.debtors,
            &self.extra,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
            && self.types.is_empty()
            && self.any_flags.is_empty()
            && self.no_flags.is_empty()
    }

    pub fn has_type(&self, t: impl Borrow<CaseType>) -> bool {
        let key = t.borrow().key();
        self.types.iter().any(|x| x == key)
    }

    pub fn has_any_flag(&self, f: impl Borrow<CaseFlag>) -> bool {
        let key = f.borrow().key();
        self.any_flags.iter().any(|x| x == key)
    }

    pub fn has_no_flag(&self, f: impl Borrow<CaseFlag>) -> bool {
        let key = f.borrow().key();
        self.no_flags.iter().any(|x| x == key)
    }

    /// The kept extra conditions in words; empty when there are none or they cannot be read.
    fn extra_conditions(&self) -> Vec<Condition> {
        if self.extra.trim().is_empty() {
            return Vec::new();
        }
        serde_json::from_str(&self.extra).unwrap_or_default()
    }
}

/// The rows showing a rule set.
pub fn rows_from_rules(set: &RuleSet) -> Vec<RuleRow> {
    set.rules.iter().map(RuleRow::from_rule).collect()
}

fn field(i: usize, name: &str) -> String {
    format!("rules[{i}].{name}")
}

fn field_error(i: usize, name: &str, code: &'static str, zh: String, en: String) -> FieldError {
    FieldError::new(field(i, name), &DomainError::new(code, zh, en))
}

/// A whole number ≥ 1 of people, from "3" or "３"; empty = no condition.
fn parse_count(
    raw: &str,
    i: usize,
    name: &str,
    what_zh: &str,
    what_en: &str,
) -> Result<Option<u32>, FieldError> {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u32>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(Some(n)),
        _ => Err(field_error(
            i,
            name,
            "triage.count_invalid",
            format!(
                "第 {} 条规则的“{what_zh}”应为 1 以上的整数（如 3），或留空表示不限；现为“{}”",
                i + 1,
                raw.trim()
            ),
            format!(
                "rule {}: {what_en} must be a whole number of 1 or more (e.g. 3), or empty for any; got \"{}\"",
                i + 1,
                raw.trim()
            ),
        )),
    }
}

fn parse_amount(raw: &str, i: usize, name: &str, what_zh: &str) -> Result<Option<Fen>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Fen::parse(raw).map(Some).map_err(|e| {
        field_error(
            i,
            name,
            e.code,
            format!("第 {} 条规则的“{what_zh}”：{}", i + 1, e.zh),
            format!("rule {}, claim amount: {}", i + 1, e.en),
        )
    })
}

fn parse_yes_no(raw: &str, i: usize, name: &str) -> Result<Option<bool>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        other => Err(field_error(
            i,
            name,
            "triage.choice_invalid",
            format!("第 {} 条规则：无法识别的选项“{other}”，请重新选择", i + 1),
            format!(
                "rule {}: unknown choice \"{other}\"; please choose again",
                i + 1
            ),
        )),
    }
}

/// Turns the editor's rows into a rule set, or says what could not be read, field by field.
/// Whether the rules make sense together (gaps, dead rules, teams) is the domain's to say.
pub fn rules_from_rows(rows: &[RuleRow]) -> Result<RuleSet, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut rules = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut conditions = Vec::new();
        let mut push = |r: Result<Option<Condition>, FieldError>| match r {
            Ok(Some(c)) => conditions.push(c),
            Ok(None) => {}
            Err(e) => errors.push(e),
        };
        push(
            parse_amount(&row.claim_from, i, "claim_from", "标的额从")
                .map(|x| x.map(Condition::ClaimAtLeast)),
        );
        push(
            parse_amount(&row.claim_to, i, "claim_to", "标的额至")
                .map(|x| x.map(Condition::ClaimBelow)),
        );
        let mut types = Vec::new();
        for key in &row.types {
            match CaseType::from_key(key) {
                Ok(t) if !types.contains(&t) => types.push(t),
                Ok(_) => {}
                Err(e) => push(Err(FieldError::new(field(i, "types"), &e))),
            }
        }
        // Checkbox order, whatever order they were posted in.
        types.sort_by_key(|t| CaseType::ALL.iter().position(|x| x == t));
        if !types.is_empty() {
            push(Ok(Some(Condition::CaseTypeIn(types))));
        }
        for (name, keys) in [("any_flags", &row.any_flags), ("no_flags", &row.no_flags)] {
            let mut flags = Vec::new();
            for key in keys {
                match CaseFlag::from_key(key) {
                    Ok(f) if !flags.contains(&f) => flags.push(f),
                    Ok(_) => {}
                    Err(e) => push(Err(FieldError::new(field(i, name), &e))),
                }
            }
            flags.sort();
            if !flags.is_empty() {
                push(Ok(Some(if name == "any_flags" {
                    Condition::HasAnyFlag(flags)
                } else {
                    Condition::NoFlags(flags)
                })));
            }
        }
        push(
            parse_yes_no(&row.locatable, i, "locatable").map(|b| b.map(Condition::DebtorLocatable)),
        );
        push(
            parse_yes_no(&row.open_cases, i, "open_cases")
                .map(|b| b.map(Condition::DebtorHasOpenCases)),
        );
        push(
            parse_count(
                &row.applicants,
                i,
                "applicants",
                "申请执行人数",
                "the number of applicants",
            )
            .map(|n| n.map(Condition::ApplicantsAtLeast)),
        );
        push(
            parse_count(
                &row.debtors,
                i,
                "debtors",
                "被执行人数",
                "the number of debtors",
            )
            .map(|n| n.map(Condition::DebtorsAtLeast)),
        );
        if !row.extra.trim().is_empty() {
            match serde_json::from_str::<Vec<Condition>>(&row.extra) {
                Ok(mut extra) => conditions.append(&mut extra),
                Err(_) => errors.push(field_error(
                    i,
                    "extra",
                    "triage.extra_invalid",
                    format!("第 {} 条规则的其他条件无法读取，请重新加载页面", i + 1),
                    format!(
                        "rule {}: its other conditions cannot be read; reload the page",
                        i + 1
                    ),
                )),
            }
        }
        let target = match row.target.trim() {
            "" => {
                errors.push(field_error(
                    i,
                    "target",
                    "triage.target_missing",
                    format!("第 {} 条规则还没有选择分至哪个团队", i + 1),
                    format!("rule {}: choose the team it sends cases to", i + 1),
                ));
                None
            }
            key => match TeamKind::from_key(key) {
                Ok(k) => Some(k),
                Err(e) => {
                    errors.push(FieldError::new(field(i, "target"), &e));
                    None
                }
            },
        };
        if let Some(target) = target {
            rules.push(TriageRule::new(row.name.trim(), conditions, target));
        }
    }
    if errors.is_empty() {
        Ok(RuleSet::new(rules))
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------------------------------------
// The posted editor

/// What a button of the editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Re-show (an unknown or missing op).
    Refresh,
    Add,
    Up(usize),
    Down(usize),
    Delete(usize),
    Preset,
    Simulate,
    Save,
}

impl Op {
    pub fn parse(s: &str) -> Op {
        let s = s.trim();
        let at = |rest: &str| rest.parse::<usize>().ok();
        match s.split_once(':') {
            Some(("up", i)) => at(i).map_or(Op::Refresh, Op::Up),
            Some(("down", i)) => at(i).map_or(Op::Refresh, Op::Down),
            Some(("delete", i)) => at(i).map_or(Op::Refresh, Op::Delete),
            _ => match s {
                "add" => Op::Add,
                "preset" => Op::Preset,
                "simulate" => Op::Simulate,
                "save" => Op::Save,
                _ => Op::Refresh,
            },
        }
    }
}

/// The editor as posted.
#[derive(Debug, Clone, Default)]
pub struct EditorForm {
    pub csrf: String,
    /// The court as posted (checked against the user's courts by the handler).
    pub court: String,
    /// The version of the rules the page was loaded with; 0 = the preset.
    pub version: i64,
    pub op: String,
    pub months: u32,
    pub preset: String,
    pub rows: Vec<RuleRow>,
}

/// Reads the posted pairs. Rows are `rules[i].field`; an index past [`MAX_RULES`] is ignored,
/// and so is a row that posted no field at all.
pub fn editor_form(pairs: Vec<(String, String)>) -> EditorForm {
    let mut f = EditorForm {
        months: DEFAULT_MONTHS,
        ..EditorForm::default()
    };
    let mut rows: Vec<Option<RuleRow>> = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "csrf" => f.csrf = v,
            "court" => f.court = v,
            "version" => f.version = v.trim().parse().unwrap_or(-1),
            "op" => f.op = v,
            "months" => {
                f.months = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|m| MONTH_CHOICES.contains(m))
                    .unwrap_or(DEFAULT_MONTHS)
            }
            "preset" => f.preset = v,
            _ => {
                let Some((i, name)) = k
                    .strip_prefix("rules[")
                    .and_then(|r| r.split_once("]."))
                    .and_then(|(i, name)| Some((i.parse::<usize>().ok()?, name)))
                else {
                    continue;
                };
                if i >= MAX_RULES {
                    continue;
                }
                if rows.len() <= i {
                    rows.resize(i + 1, None);
                }
                let row = rows[i].get_or_insert_with(RuleRow::default);
                match name {
                    "name" => row.name = v,
                    "claim_from" => row.claim_from = v,
                    "claim_to" => row.claim_to = v,
                    "types" => row.types.push(v),
                    "any_flags" => row.any_flags.push(v),
                    "no_flags" => row.no_flags.push(v),
                    "locatable" => row.locatable = v,
                    "open_cases" => row.open_cases = v,
                    "applicants" => row.applicants = v,
                    "debtors" => row.debtors = v,
                    "target" => row.target = v,
                    "extra" => row.extra = v,
                    _ => {}
                }
            }
        }
    }
    f.rows = rows.into_iter().flatten().collect();
    f
}

/// Where a new rule goes: before a final catch-all, which must stay last to be of use.
pub fn add_position(rows: &[RuleRow]) -> usize {
    match rows.last() {
        Some(last) if last.is_catch_all() => rows.len() - 1,
        _ => rows.len(),
    }
}

/// Applies a row op; returns false when there was nothing to do (an index out of range).
pub fn apply_row_op(rows: &mut Vec<RuleRow>, op: Op) -> bool {
    match op {
        Op::Add if rows.len() < MAX_RULES => {
            let at = add_position(rows);
            rows.insert(at, RuleRow::blank());
            true
        }
        Op::Up(i) if i > 0 && i < rows.len() => {
            rows.swap(i - 1, i);
            true
        }
        Op::Down(i) if i + 1 < rows.len() => {
            rows.swap(i, i + 1);
            true
        }
        Op::Delete(i) if i < rows.len() => {
            rows.remove(i);
            true
        }
        _ => false,
    }
}

pub fn preset(key: &str) -> Option<(RuleSet, &'static str, &'static str)> {
    match key {
        "mengzhou" => Some((RuleSet::mengzhou(), "孟州市", "Mengzhou")),
        "shanyang" => Some((RuleSet::shanyang(), "山阳区", "Shanyang")),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The page

/// A rule in force, as the table shows it.
#[derive(Debug, Clone)]
pub struct SavedRule {
    pub name: String,
    pub conditions: String,
    pub target: String,
    /// The court has no team of the rule's kind.
    pub target_missing: bool,
}

#[derive(Debug, Clone)]
pub struct CourtChoice {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

/// A message above the editor: "ok", "info" or "error".
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub text: String,
    /// Offer to reload the rules in force (after someone else saved).
    pub reload: bool,
}

impl Notice {
    fn new(kind: &'static str, text: String) -> Notice {
        Notice {
            kind,
            text,
            reload: false,
        }
    }
}

/// The triage rules page: the rules in force, the editor with the posted state, and the
/// outcome of the last op (problems, field errors, a simulation).
#[derive(Template, Debug, Clone)]
#[template(path = "admin_triage.html")]
pub struct TriagePage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub court_id: i64,
    pub court_name: String,
    /// Shown as a chooser when the user administers more than one court.
    pub courts: Vec<CourtChoice>,
    pub saved: Vec<SavedRule>,
    /// Version of the rules in force; 0 = the preset.
    pub saved_version: i64,
    /// Version the editor started from (sent back with "save").
    pub version: i64,
    pub rows: Vec<RuleRow>,
    /// Whether `rows` differ from the rules in force.
    pub dirty: bool,
    /// The court's team kinds.
    pub kinds: Vec<TeamKind>,
    pub months: u32,
    pub notice: Option<Notice>,
    pub errors: Vec<FieldError>,
    /// Everything wrong with the rule set as a whole, in the page's language.
    pub problems: Vec<String>,
    pub sim: Option<TriageSimulation>,
}

staff_page!(
    TriagePage,
    section = "triage",
    home = true,
    back = |p| {
        if p.court_id == p.user.court_id {
            "/admin/triage".to_string()
        } else {
            format!("/admin/triage?court={}", p.court_id)
        }
    }
);

/// A row index or count as templates pass it: by value or behind any number of references.
pub trait RowIndex {
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

impl<T: RowIndex + ?Sized> RowIndex for &T {
    fn index(&self) -> usize {
        (**self).index()
    }
}

fn field_id(name: &str) -> String {
    let mut out = String::from("f-");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

impl TriagePage {
    fn f(&self, i: impl RowIndex, name: &str) -> String {
        field(i.index(), name)
    }
    fn fid(&self, i: impl RowIndex, name: &str) -> String {
        field_id(&field(i.index(), name))
    }
    fn text(&self, e: &FieldError) -> String {
        msg(self.lang, e.zh.clone(), e.en.clone())
    }
    /// The messages for one field of one row, joined.
    fn err(&self, i: impl RowIndex, name: &str) -> Option<String> {
        let key = field(i.index(), name);
        let v: Vec<String> = self
            .errors
            .iter()
            .filter(|e| e.field == key)
            .map(|e| self.text(e))
            .collect();
        (!v.is_empty()).then(|| v.join("；"))
    }
    fn has_err(&self, i: impl RowIndex, name: &str) -> bool {
        let key = field(i.index(), name);
        self.errors.iter().any(|e| e.field == key)
    }
    /// Every field error for the summary: (link to the field, message).
    fn error_summary(&self) -> Vec<(String, String)> {
        self.errors
            .iter()
            .map(|e| (format!("#{}", field_id(&e.field)), self.text(e)))
            .collect()
    }
    fn case_types(&self) -> Vec<CaseType> {
        CaseType::ALL.to_vec()
    }
    fn flags(&self) -> Vec<CaseFlag> {
        CaseFlag::ALL.to_vec()
    }
    fn months_choices(&self) -> Vec<u32> {
        MONTH_CHOICES.to_vec()
    }
    fn months_selected(&self, m: impl Borrow<u32>) -> bool {
        *m.borrow() == self.months
    }
    fn flag_label(&self, f: impl Borrow<CaseFlag>) -> &'static str {
        match self.lang {
            Lang::Zh => f.borrow().name_zh(),
            Lang::En => f.borrow().name_en(),
        }
    }
    fn team_label(&self, k: impl Borrow<TeamKind>) -> &'static str {
        match self.lang {
            Lang::Zh => k.borrow().name_zh(),
            Lang::En => k.borrow().name_en(),
        }
    }
    /// The team kinds a row may choose: the court's, and the row's own even if the court lacks
    /// it (so a loaded preset shows what it says, and the problem list explains).
    fn target_options(&self, r: &RuleRow) -> Vec<(TeamKind, bool)> {
        let mut out: Vec<(TeamKind, bool)> = TeamKind::ALL
            .into_iter()
            .filter(|k| self.kinds.contains(k))
            .map(|k| (k, true))
            .collect();
        if let Ok(k) = TeamKind::from_key(r.target.trim()) {
            if !self.kinds.contains(&k) {
                out.push((k, false));
            }
        }
        out
    }
    fn extra_text(&self, r: &RuleRow) -> String {
        let sep = msg(self.lang, "；", "; ");
        r.extra_conditions()
            .iter()
            .map(|c| match self.lang {
                Lang::Zh => c.summary_zh(),
                Lang::En => c.summary_en(),
            })
            .collect::<Vec<_>>()
            .join(&sep)
    }
    fn is_last(&self, i: impl RowIndex) -> bool {
        i.index() + 1 >= self.rows.len()
    }
    fn can_add(&self) -> bool {
        self.rows.len() < MAX_RULES
    }
    fn add_anchor(&self) -> usize {
        add_position(&self.rows)
    }
    fn up_anchor(&self, i: impl RowIndex) -> usize {
        i.index().saturating_sub(1)
    }
    fn down_anchor(&self, i: impl RowIndex) -> usize {
        i.index() + 1
    }
    fn diff(&self, today: impl RowIndex, simulated: impl RowIndex) -> String {
        let d = simulated.index() as i64 - today.index() as i64;
        match d.cmp(&0) {
            std::cmp::Ordering::Greater => format!("+{d}"),
            std::cmp::Ordering::Less => format!("−{}", -d),
            std::cmp::Ordering::Equal => "0".to_string(),
        }
    }
    fn diff_class(&self, today: impl RowIndex, simulated: impl RowIndex) -> &'static str {
        match simulated.index().cmp(&today.index()) {
            std::cmp::Ordering::Greater => "diff-up",
            std::cmp::Ordering::Less => "diff-down",
            std::cmp::Ordering::Equal => "diff-same",
        }
    }
}

/// The court, its name, the choice of courts and the rules in force.
struct Loaded {
    court_name: String,
    courts: Vec<CourtChoice>,
    rules: RuleSet,
    version: i64,
    kinds: Vec<TeamKind>,
}

async fn load(app: &App, actor: &Actor, court_id: i64) -> Result<Loaded, AppError> {
    if !actor.can_see_court(court_id) {
        return Err(AppError::NotFound);
    }
    let tree = app.court_tree();
    let court_name = tree
        .get(court_id)
        .map(|c| c.name.clone())
        .ok_or(AppError::NotFound)?;
    let mut courts: Vec<CourtChoice> = actor
        .visible_courts
        .iter()
        .filter_map(|id| tree.get(*id))
        .map(|c| CourtChoice {
            id: c.id,
            name: c.name.clone(),
            selected: c.id == court_id,
        })
        .collect();
    courts.sort_by_key(|c| tree.get(c.id).map(|r| r.code.clone()));
    let ((rules, version), kinds) =
        tokio::try_join!(app.triage_rules(court_id), app.team_kinds(court_id))?;
    Ok(Loaded {
        court_name,
        courts,
        rules,
        version,
        kinds,
    })
}

fn saved_rules(lang: Lang, set: &RuleSet, kinds: &[TeamKind]) -> Vec<SavedRule> {
    set.rules
        .iter()
        .map(|r| SavedRule {
            name: r.name.clone(),
            conditions: if r.is_catch_all() {
                msg(lang, "其他案件（兜底）", "all other cases (catch-all)")
            } else {
                r.conditions
                    .iter()
                    .map(|c| match lang {
                        Lang::Zh => c.summary_zh(),
                        Lang::En => c.summary_en(),
                    })
                    .collect::<Vec<_>>()
                    .join(&msg(lang, "，且", ", and "))
            },
            target: msg(lang, r.target.name_zh(), r.target.name_en()),
            target_missing: !kinds.contains(&r.target),
        })
        .collect()
}

fn problem_texts(lang: Lang, problems: &[DomainError]) -> Vec<String> {
    problems
        .iter()
        .map(|e| msg(lang, e.zh.clone(), e.en.clone()))
        .collect()
}

/// What an op produced, besides the rows.
#[derive(Default)]
struct Outcome {
    notice: Option<Notice>,
    errors: Vec<FieldError>,
    problems: Vec<String>,
    sim: Option<TriageSimulation>,
}

#[allow(clippy::too_many_arguments)]
fn page(
    s: &PageSession,
    court_id: i64,
    loaded: Loaded,
    version: i64,
    rows: Vec<RuleRow>,
    months: u32,
    out: Outcome,
) -> TriagePage {
    let dirty = rows != rows_from_rules(&loaded.rules);
    TriagePage {
        lang: s.lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        court_id,
        court_name: loaded.court_name,
        courts: loaded.courts,
        saved: saved_rules(s.lang, &loaded.rules, &loaded.kinds),
        saved_version: loaded.version,
        version,
        rows,
        dirty,
        kinds: loaded.kinds,
        months,
        notice: out.notice,
        errors: out.errors,
        problems: out.problems,
        sim: out.sim,
    }
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request")
}

/// htmx swaps only successful responses: an editor re-shown with its errors is 200 to htmx,
/// and keeps its real status for everyone else.
fn respond(headers: &HeaderMap, status: StatusCode, p: &TriagePage) -> Response {
    let status = if is_htmx(headers) {
        StatusCode::OK
    } else {
        status
    };
    let mut resp = html(status, render_page(p));
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    resp
}

fn court_param(raw: Option<&str>, actor: &Actor) -> Result<i64, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(actor.court_id),
        Some(v) => v.parse().map_err(|_| AppError::NotFound),
    }
}

async fn triage_page(
    State(app): State<App>,
    headers: HeaderMap,
    s: PageSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let actor = &s.session.actor;
    if !is_admin(actor) {
        return error_page(s.lang, &not_admin(), Some(s.session.user));
    }
    let court_id = match court_param(q.get("court").map(String::as_str), actor) {
        Ok(c) => c,
        Err(e) => return error_page(s.lang, &e, Some(s.session.user)),
    };
    let loaded = match load(&app, actor, court_id).await {
        Ok(l) => l,
        Err(e) => return error_page(s.lang, &e, Some(s.session.user)),
    };
    let mut out = Outcome::default();
    if let Some(v) = q.get("saved").and_then(|v| v.trim().parse::<i64>().ok()) {
        out.notice = Some(Notice::new(
            "ok",
            msg(
                s.lang,
                format!("分流规则已保存（第 {v} 版）。今后立案的案件按新规则分流。"),
                format!("The triage rules were saved (version {v}). Cases filed from now on are routed by them."),
            ),
        ));
    }
    // The rules in force may already be wrong for this court (a preset naming a team the court
    // has not set up): say so before anyone edits.
    out.problems = problem_texts(s.lang, &loaded.rules.problems(&loaded.kinds));
    let rows = rows_from_rules(&loaded.rules);
    let version = loaded.version;
    let p = page(&s, court_id, loaded, version, rows, DEFAULT_MONTHS, out);
    respond(&headers, StatusCode::OK, &p)
}

async fn triage_edit(
    State(app): State<App>,
    headers: HeaderMap,
    s: PageSession,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    if !is_admin(actor) {
        return error_page(lang, &not_admin(), Some(s.session.user));
    }
    let Ok(Form(pairs)) = body else {
        let e = AppError::invalid(
            "request.invalid_form",
            "提交的表单格式不正确，请刷新页面后重试",
            "the form could not be read; reload the page and try again",
        );
        return error_page(lang, &e, Some(s.session.user));
    };
    let form = editor_form(pairs);
    let court_id = match court_param(Some(&form.court), actor) {
        Ok(c) => c,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let loaded = match load(&app, actor, court_id).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, &e, Some(s.session.user)),
    };
    let mut rows = form.rows;
    let op = Op::parse(&form.op);
    let mut out = Outcome::default();
    let mut status = StatusCode::OK;
    let unsaved = msg(lang, "（尚未保存）", " (not saved yet)");
    match op {
        Op::Refresh => {}
        Op::Add | Op::Up(_) | Op::Down(_) | Op::Delete(_) => {
            let deleted = match op {
                Op::Delete(i) => rows.get(i).map(|r| (i, r.name.trim().to_string())),
                _ => None,
            };
            let at = add_position(&rows);
            if apply_row_op(&mut rows, op) {
                match (op, deleted) {
                    (Op::Add, _) => {
                        out.notice = Some(Notice::new(
                            "info",
                            msg(
                                lang,
                                format!(
                                    "已添加第 {} 条规则，请填写名称、条件和分至团队{unsaved}",
                                    at + 1
                                ),
                                format!(
                                    "Rule {} added: fill in its name, conditions and team{unsaved}",
                                    at + 1
                                ),
                            ),
                        ))
                    }
                    (Op::Delete(_), Some((i, name))) => {
                        out.notice = Some(Notice::new(
                            "info",
                            msg(
                                lang,
                                format!("已删除第 {} 条规则“{name}”{unsaved}", i + 1),
                                format!("Rule {} \"{name}\" deleted{unsaved}", i + 1),
                            ),
                        ))
                    }
                    _ => {}
                }
            } else if op == Op::Add {
                out.notice = Some(Notice::new(
                    "error",
                    msg(
                        lang,
                        format!("最多 {MAX_RULES} 条规则，请合并相近的规则后再添加"),
                        format!(
                            "at most {MAX_RULES} rules; merge similar rules before adding more"
                        ),
                    ),
                ));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
        Op::Preset => match preset(form.preset.trim()) {
            Some((set, zh, en)) => {
                rows = rows_from_rules(&set);
                out.notice = Some(Notice::new(
                    "info",
                    msg(
                        lang,
                        format!("已载入{zh}预设规则{unsaved}。请先模拟，确认无误后保存。"),
                        format!("The {en} preset is loaded{unsaved}. Simulate it, then save."),
                    ),
                ));
            }
            None => {
                out.notice = Some(Notice::new(
                    "error",
                    msg(
                        lang,
                        "请先选择要载入的预设规则",
                        "choose a preset to load first",
                    ),
                ));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        },
        Op::Simulate => match rules_from_rows(&rows) {
            Err(errors) => {
                out.errors = errors;
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(rules) => {
                out.problems = problem_texts(lang, &rules.problems(&loaded.kinds));
                match app
                    .simulate_triage(actor, court_id, &rules, form.months)
                    .await
                {
                    Ok(sim) => out.sim = Some(sim),
                    Err(e) => return error_page(lang, &e, Some(s.session.user)),
                }
            }
        },
        Op::Save => {
            if !same_secret(&s.session.csrf, &form.csrf) {
                out.notice = Some(Notice::new(
                    "error",
                    msg(
                        lang,
                        "页面已过期（可能已重新登录），规则没有保存。您的修改仍在下方，请核对后再次保存。",
                        "The page expired (perhaps you signed in again); nothing was saved. Your changes are still below: check them and save again.",
                    ),
                ));
                status = StatusCode::FORBIDDEN;
            } else {
                match rules_from_rows(&rows) {
                    Err(errors) => {
                        out.errors = errors;
                        status = StatusCode::UNPROCESSABLE_ENTITY;
                    }
                    Ok(rules) => {
                        let problems = rules.problems(&loaded.kinds);
                        if !problems.is_empty() {
                            out.problems = problem_texts(lang, &problems);
                            out.notice = Some(Notice::new(
                                "error",
                                msg(
                                    lang,
                                    "规则没有保存：请先修改下列问题。",
                                    "Nothing was saved: fix the problems listed first.",
                                ),
                            ));
                            status = StatusCode::UNPROCESSABLE_ENTITY;
                        } else {
                            match app
                                .save_triage_rules(actor, court_id, &rules, form.version)
                                .await
                            {
                                Ok(v) => {
                                    let to = format!("/admin/triage?court={court_id}&saved={v}");
                                    if is_htmx(&headers) {
                                        let mut r = StatusCode::OK.into_response();
                                        if let Ok(h) = HeaderValue::from_str(&to) {
                                            r.headers_mut().insert("hx-redirect", h);
                                        }
                                        return r;
                                    }
                                    return Redirect::to(&to).into_response();
                                }
                                Err(AppError::Conflict(_)) => {
                                    out.notice = Some(Notice {
                                        kind: "error",
                                        text: msg(
                                            lang,
                                            "没有保存：您打开本页后，分流规则已被他人修改并保存。您的修改仍在下方；请记下需要的修改，重新加载最新规则后再改。",
                                            "Not saved: someone else changed and saved the triage rules after you opened this page. Your changes are still below; note what you need, reload the latest rules and edit those.",
                                        ),
                                        reload: true,
                                    });
                                    status = StatusCode::CONFLICT;
                                }
                                Err(e @ (AppError::Invalid(_) | AppError::Forbidden { .. })) => {
                                    out.notice = Some(Notice::new(
                                        "error",
                                        msg(lang, e.message_zh(), e.message_en()),
                                    ));
                                    status = StatusCode::from_u16(e.status())
                                        .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                                }
                                Err(e) => return error_page(lang, &e, Some(s.session.user)),
                            }
                        }
                    }
                }
            }
        }
    }
    let p = page(&s, court_id, loaded, form.version, rows, form.months, out);
    respond(&headers, status, &p)
}

// ---------------------------------------------------------------------------------------------
// JSON API

pub fn api_routes() -> Router<App> {
    Router::new()
        .route(
            "/courts/{court_id}/triage-rules",
            get(get_triage_rules).put(put_triage_rules),
        )
        .route(
            "/courts/{court_id}/triage-rules/simulate",
            post(simulate_triage_rules),
        )
}

/// One rule in words.
#[derive(Serialize, ToSchema)]
pub struct RuleSummary {
    /// From 1, as the page shows it (第 n 条).
    pub position: usize,
    pub name: String,
    /// Team kind key, e.g. `fast`.
    pub target: String,
    pub target_zh: String,
    /// e.g. `标的额 < 50,000.00 元，且非特殊案件 → 速执团队`
    pub summary_zh: String,
    pub summary_en: String,
}

/// A court's triage rules.
#[derive(Serialize, ToSchema)]
pub struct TriageRules {
    pub court_id: i64,
    /// Send back with PUT. 0 while the court still uses the preset.
    pub version: i64,
    /// Whether these are the preset rules (the court has not saved its own).
    pub preset: bool,
    /// The rule set: `{"rules":[{"name":"小额案件","conditions":[{"kind":"claim_below","value":5000000}],"target":"fast"}]}`.
    /// Condition kinds: claim_below / claim_at_least (fen), case_type_in / has_any_flag / no_flags
    /// (lists of keys), applicants_at_least / debtors_at_least (numbers), debtor_locatable /
    /// debtor_has_open_cases (true/false). A rule without conditions takes every case left.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    pub summaries: Vec<RuleSummary>,
    /// Team kind keys this court has, which rules may send cases to.
    pub team_kinds: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SimulateRulesRequest {
    /// A rule set as in [`TriageRules::rules`].
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    /// How many months of cases to route, 1–36; default 12.
    pub months: Option<u32>,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveRulesRequest {
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    /// The version the rules were read at (0 for the preset).
    pub version: i64,
}

/// A problem with a rule set as a whole (a gap, a rule that never applies, a missing team).
#[derive(Serialize, ToSchema)]
pub struct RuleProblem {
    /// e.g. `triage.gap`, `triage.unreachable`, `triage.team_missing`
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct SimulatedTeam {
    /// None for cases no team takes.
    pub team_id: Option<i64>,
    pub name: String,
    /// Cases with this team today.
    pub today: usize,
    /// Cases the rules would give this team.
    pub simulated: usize,
    /// simulated − today.
    pub difference: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SimulatedExample {
    pub case_id: i64,
    pub case_number: String,
    pub today: String,
    pub simulated: String,
    pub reason_zh: String,
}

/// How the rules would have routed the court's recent cases.
#[derive(Serialize, ToSchema)]
pub struct RuleSimulation {
    pub months: u32,
    /// Cases filed in the period.
    pub cases: usize,
    /// Of those, how many the rules would send to another team.
    pub changed: usize,
    pub teams: Vec<SimulatedTeam>,
    /// Up to 20 of the cases that would move.
    pub examples: Vec<SimulatedExample>,
    /// Everything that would stop these rules from being saved; empty if they may be saved.
    pub problems: Vec<RuleProblem>,
}

/// The court of the path, if it is one of the caller's (otherwise "not found", as for cases).
fn court_of_path(raw: &str, actor: &Actor) -> Option<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| actor.can_see_court(*id))
}

fn rules_of_json(v: serde_json::Value) -> Result<RuleSet, DomainError> {
    RuleSet::from_json(&v.to_string())
}

fn rules_refusal(e: &DomainError) -> Response {
    crate::api::validation_problem(vec![FieldError::new("rules", e)])
}

fn triage_rules_view(
    court_id: i64,
    rules: &RuleSet,
    version: i64,
    kinds: &[TeamKind],
) -> TriageRules {
    TriageRules {
        court_id,
        version,
        preset: version == 0,
        rules: serde_json::to_value(rules).unwrap_or_default(),
        summaries: rules
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| RuleSummary {
                position: i + 1,
                name: r.name.clone(),
                target: r.target.key().into(),
                target_zh: r.target.name_zh().into(),
                summary_zh: r.summary_zh(),
                summary_en: r.summary_en(),
            })
            .collect(),
        team_kinds: kinds.iter().map(|k| k.key().to_string()).collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/triage-rules",
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses((status = 200, body = TriageRules), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_triage_rules(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
) -> Response {
    let court_id = match court_of_path(&raw, &s.session.actor) {
        Some(c) => c,
        None => return problem(&AppError::NotFound),
    };
    match tokio::try_join!(app.triage_rules(court_id), app.team_kinds(court_id)) {
        Ok(((rules, version), kinds)) => {
            Json(triage_rules_view(court_id, &rules, version, &kinds)).into_response()
        }
        Err(e) => problem(&e),
    }
}

#[utoipa::path(post, path = "/api/v1/courts/{court_id}/triage-rules/simulate",
    request_body = SimulateRulesRequest,
    params(("court_id" = i64, Path, description = "court id (within your courts)")),
    responses(
        (status = 200, body = RuleSimulation, description = "Nothing is saved; `problems` lists what would stop a save"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not an administrator"),
        (status = 404, body = Problem),
        (status = 422, body = ValidationProblem, description = "the rules or months cannot be read")))]
pub async fn simulate_triage_rules(
    State(app): State<App>,
    s: ApiSession,
    Path(raw): Path<String>,
    body: Result<ApiJson<SimulateRulesRequest>, Response>,
) -> Response {
    let actor = &s.session.actor;
    let court_id = match court_of_path(&raw, actor) {
        Some(c) => c,
        None => return problem(&AppError::NotFound),
    };
    if !is_admin(actor) {
        return problem(&not_admin());
    }
    let req = match body {
        Ok(ApiJson(r)) => r,
        Err(refused) => return refused,
    };
    let months = req.months.unwrap_or(DEFAULT_MONTHS);
    if !(1..=MAX_API_MONTHS).contains(&months) {
        return crate::api::validation_problem(vec![FieldError::new(
            "months",
            &DomainError::new(
                "triage.months_invalid",
                format!("模拟月数应为 1 至 {MAX_API_MONTHS}，现为 {months}"),
                format!("months must be 1 to {MAX_API_MONTHS}; got {months}"),
            ),
        )]);
    }
    let rules = match rules_of_json(req.rules) {
        Ok(r) => r,
        Err(e) => return rules_refusal(&e),
    };
    let kinds = match app.team_kinds(court_id).await {
        Ok(k) => k,
        Err(e) => return problem(&e),
    };
    let problems = rules
        .problems(&kinds)
        .into_iter()
        .map(|e| RuleProblem {
            code: e.code.into(),
            zh: e.zh,
            en: e.en,
        })
        .collect();
    match app.simulate_triage(actor, court_id, &rules, months).await {
        Ok(sim) => Json(RuleSimulation {
            months: sim.months,
            cases: sim.cases,
            changed: sim.changed,
            teams: sim
                .teams
                .into_iter()
                .map(|t| SimulatedTeam {
                    difference: t.simulated as i64 - t.today as i64,
                    team_id: t.team_id,
                    name: t.name,
                    today: t.today,
                    simulated: t.simulated,
                })
                .collect(),
            examples: sim
                .examples
                .into_iter()
                .map(|c| SimulatedExample {
                    case_id: c.case_id,
                    case_number: c.case_number,
                    today: c.today,
                    simulated: c.simulated,
                    reason_zh: c.reason_zh,
                })
                .collect(),
            problems,
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/courts/{court_id}/triage-rules",
    request_body = SaveRulesRequest,
    params(
        ("court_id" = i64, Path, description = "court id (within your courts)"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 200, body = TriageRules, description = "Saved; `version` is the new version"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "missing/wrong X-CSRF-Token, or not an administrator"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "someone else saved since `version`; GET the rules again"),
        (status = 422, body = ValidationProblem, description = "every problem with the rules (field `rules`); nothing saved")))]
pub async fn put_triage_rules(
    State(app): State<App>,
    s: ApiWrite,
    Path(raw): Path<String>,
    body: Result<ApiJson<SaveRulesRequest>, Response>,
) -> Response {
    let actor = &s.session.actor;
    let court_id = match court_of_path(&raw, actor) {
        Some(c) => c,
        None => return problem(&AppError::NotFound),
    };
    if !is_admin(actor) {
        return problem(&not_admin());
    }
    let req = match body {
        Ok(ApiJson(r)) => r,
        Err(refused) => return refused,
    };
    let rules = match rules_of_json(req.rules) {
        Ok(r) => r,
        Err(e) => return rules_refusal(&e),
    };
    let kinds = match app.team_kinds(court_id).await {
        Ok(k) => k,
        Err(e) => return problem(&e),
    };
    let problems = rules.problems(&kinds);
    if !problems.is_empty() {
        return crate::api::validation_problem(
            problems
                .iter()
                .map(|e| FieldError::new("rules", e))
                .collect(),
        );
    }
    match app
        .save_triage_rules(actor, court_id, &rules, req.version)
        .await
    {
        Ok(version) => Json(triage_rules_view(court_id, &rules, version, &kinds)).into_response(),
        Err(e) => problem(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn presets_round_trip_through_the_editor() {
        for set in [RuleSet::mengzhou(), RuleSet::shanyang()] {
            let rows = rows_from_rules(&set);
            assert_eq!(rules_from_rows(&rows).unwrap(), set);
        }
        let rows = rows_from_rules(&RuleSet::mengzhou());
        assert_eq!(rows[2].claim_to, "50,000");
        assert_eq!(rows[2].no_flags.len(), 3);
        assert!(rows[3].is_catch_all());
    }

    #[test]
    fn conditions_the_form_cannot_show_are_kept() {
        let rule = TriageRule::new(
            "双重",
            vec![
                Condition::HasAnyFlag(vec![CaseFlag::Livelihood]),
                Condition::HasAnyFlag(vec![CaseFlag::OrganisedCrime]),
                Condition::CaseTypeIn(vec![]),
            ],
            TeamKind::Special,
        );
        let row = RuleRow::from_rule(&rule);
        assert_eq!(row.any_flags, vec!["livelihood"]);
        assert!(!row.extra.is_empty());
        let back = rules_from_rows(&[row]).unwrap();
        assert_eq!(back.rules[0].conditions.len(), 3);
        assert!(back.rules[0]
            .conditions
            .contains(&Condition::HasAnyFlag(vec![CaseFlag::OrganisedCrime])));
    }

    #[test]
    fn the_posted_editor_is_read_and_bad_fields_named() {
        let f = editor_form(pairs(&[
            ("csrf", "t"),
            ("court", "7"),
            ("version", "2"),
            ("op", "down:0"),
            ("months", "6"),
            ("rules[0].name", "小额"),
            ("rules[0].claim_to", "5万"),
            ("rules[0].types", "first"),
            ("rules[0].types", "restored"),
            ("rules[0].target", "fast"),
            ("rules[1].name", "其他"),
            ("rules[1].claim_from", "abc"),
            ("rules[1].applicants", "0"),
            ("rules[1].target", ""),
            ("rules[999].name", "ignored"),
        ]));
        assert_eq!((f.version, f.months, f.court.as_str()), (2, 6, "7"));
        assert_eq!(Op::parse(&f.op), Op::Down(0));
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.rows[0].types, vec!["first", "restored"]);
        let errors = rules_from_rows(&f.rows).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rules[1].claim_from",
                "rules[1].applicants",
                "rules[1].target"
            ]
        );
        assert!(
            errors[0].zh.contains("第 2 条规则的“标的额从”"),
            "{errors:?}"
        );

        let one = rules_from_rows(&f.rows[..1]).unwrap();
        assert_eq!(
            one.rules[0].conditions,
            vec![
                Condition::ClaimBelow(Fen::from_yuan(50_000)),
                Condition::CaseTypeIn(vec![CaseType::First, CaseType::Restored]),
            ]
        );
    }

    #[test]
    fn row_ops() {
        let mut rows = rows_from_rules(&RuleSet::mengzhou());
        // A new rule goes before the catch-all.
        assert!(apply_row_op(&mut rows, Op::Add));
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[3], RuleRow::blank());
        assert_eq!(rows[4].name, "其他案件");
        assert!(apply_row_op(&mut rows, Op::Up(1)));
        assert_eq!(rows[0].name, "财产保全案件");
        assert!(!apply_row_op(&mut rows, Op::Up(0)));
        assert!(!apply_row_op(&mut rows, Op::Down(4)));
        assert!(apply_row_op(&mut rows, Op::Delete(3)));
        assert_eq!(rows.len(), 4);
        assert!(!apply_row_op(&mut rows, Op::Delete(9)));
        assert_eq!(Op::parse("delete:x"), Op::Refresh);
        assert_eq!(Op::parse(""), Op::Refresh);
    }

    fn sample_page(lang: Lang) -> TriagePage {
        use zhixing_app::triage::{SimulatedCase, TeamLoad};
        let set = RuleSet::shanyang();
        let kinds = zhixing_domain::triage::MENGZHOU_TEAMS.to_vec();
        let mut rows = rows_from_rules(&set);
        rows[1].claim_from = "abc".into();
        rows[0].extra = serde_json::to_string(&[Condition::DebtorsAtLeast(2)]).unwrap();
        let errors = rules_from_rows(&rows).unwrap_err();
        TriagePage {
            lang,
            user: CurrentUser {
                id: 1,
                username: "mz_admin".into(),
                display_name: "管理员".into(),
                role: Role::Administrator,
                court_id: 3,
                court_name: "孟州市人民法院".into(),
                court_code: "豫0883".into(),
            },
            csrf: "tok".into(),
            court_id: 3,
            court_name: "孟州市人民法院".into(),
            courts: vec![
                CourtChoice {
                    id: 3,
                    name: "孟州市人民法院".into(),
                    selected: true,
                },
                CourtChoice {
                    id: 4,
                    name: "<b>某院</b>".into(),
                    selected: false,
                },
            ],
            saved: saved_rules(lang, &set, &kinds),
            saved_version: 0,
            version: 0,
            rows,
            dirty: true,
            kinds: kinds.clone(),
            months: 6,
            notice: Some(Notice {
                kind: "error",
                text: "x".into(),
                reload: true,
            }),
            errors,
            problems: problem_texts(lang, &set.problems(&kinds)),
            sim: Some(TriageSimulation {
                months: 6,
                cases: 9,
                changed: 2,
                teams: vec![TeamLoad {
                    team_id: Some(1),
                    name: "速执团队".into(),
                    today: 5,
                    simulated: 3,
                }],
                examples: vec![SimulatedCase {
                    case_id: 42,
                    case_number: "（2025）豫0883执1号".into(),
                    today: "速执团队".into(),
                    simulated: "普执团队".into(),
                    reason_zh: "其他案件 → 普执团队".into(),
                }],
            }),
        }
    }

    #[test]
    fn the_page_renders_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let html = render_page(&sample_page(lang));
            assert!(
                !html.contains(crate::i18n::MISSING),
                "{lang:?}: a key is missing"
            );
            assert!(html.contains("id=\"triage-editor\""));
            assert!(html.contains("name=\"rules[1].claim_from\" value=\"abc\""));
            assert!(html.contains("id=\"f-rules-1-claim_from\""));
            assert!(html.contains("href=\"#f-rules-1-claim_from\""));
            assert!(html.contains("href=\"/cases/42\""));
            assert!(html.contains("−2"), "difference column");
            assert!(html.contains("&#60;b&#62;某院"), "escaped");
            assert!(html.contains("name=\"rules[0].extra\""));
            // 山阳's police-linkage rule names a team 孟州 lacks: kept and marked.
            assert!(html.contains("value=\"police_linkage\" selected"));
        }
        let zh = render_page(&sample_page(Lang::Zh));
        assert!(zh.contains("本院没有设立执警联动团队"));
        assert!(zh.contains("被执行人不少于（人）"));
        let en = render_page(&sample_page(Lang::En));
        assert!(en.contains("Simulation") && en.contains("Send to team"));
    }
}
