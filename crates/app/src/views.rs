//! Read models shaped for pages and API responses. Pages and the API render these; they never
//! see SQL rows or raw payload JSON.

use serde::Serialize;
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::event::EventKind;
use zhixing_domain::money::Fen;
use zhixing_domain::party::PartyRole;
use zhixing_domain::role::Role;

/// Filters of the case list. Every field is optional; `page` starts at 1.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct CaseFilter {
    pub court_id: Option<i64>,
    pub stage: Option<Stage>,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub case_type: Option<CaseType>,
    pub year: Option<i64>,
    /// Case number or party name, or part of one.
    pub q: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseListItem {
    pub id: i64,
    pub case_number: String,
    pub court_name: String,
    pub case_type: CaseType,
    pub stage: Stage,
    pub suspended: bool,
    pub locked: bool,
    pub claim: Fen,
    pub applicants: String,
    pub debtors: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    /// UTC milliseconds; shown in Asia/Shanghai.
    pub filed_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CasePage {
    pub items: Vec<CaseListItem>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl CasePage {
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        ((self.total + per - 1) / per).max(1) as u32
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseParty {
    pub role: PartyRole,
    pub name: String,
    /// "person" or "organisation".
    pub kind: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub court_name: String,
    pub court_code: String,
    pub case_type: CaseType,
    pub stage: Stage,
    pub suspended: bool,
    pub locked: bool,
    pub closing_mode: Option<ClosingMode>,
    pub claim: Fen,
    pub recovered: Fen,
    pub basis_court: String,
    pub basis_number: String,
    /// Key of `zhixing_domain::basis::BasisKind`.
    pub basis_kind: String,
    /// YYYY-MM-DD
    pub basis_date: String,
    pub parties: Vec<CaseParty>,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub filed_at: i64,
    pub closed_at: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub occurred_at: i64,
    pub actor_name: String,
    pub actor_role: Option<Role>,
    pub kind: EventKind,
    pub text_zh: String,
    pub text_en: String,
}

/// Choices for the case list's filter controls, limited to what the user may see.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOptions {
    pub courts: Vec<Named>,
    pub teams: Vec<Named>,
    pub officers: Vec<Named>,
    pub years: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// The signed-in user as pages see them.
#[derive(Debug, Clone, Serialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub court_id: i64,
    pub court_name: String,
    pub court_code: String,
}
