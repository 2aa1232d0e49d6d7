//! Rows as stored. The app turns them into domain types and views; keys of domain enums are
//! stored as text so the database stays readable with plain SQL.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourtRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub court_id: i64,
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub court_id: i64,
    pub team_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: i64,
}

/// A session with its user, read in one query on every request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUserRow {
    pub csrf_token: String,
    pub expires_at: i64,
    pub id: i64,
    pub court_id: i64,
    pub team_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: i64,
}

/// A case row with the names the case page shows next to its ids.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseViewRow {
    #[sqlx(flatten)]
    pub case: CaseRow,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub court_id: i64,
    pub case_number: String,
    pub year: i64,
    pub case_type: String,
    pub seq: i64,
    pub stage: String,
    pub suspended: i64,
    pub locked: i64,
    pub closing_mode: Option<String>,
    pub claim_fen: i64,
    pub recovered_fen: i64,
    pub held_fen: i64,
    pub basis_court: String,
    pub basis_number: String,
    pub basis_kind: String,
    pub basis_date: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub applicant_names: String,
    pub debtor_names: String,
    pub search_text: String,
    pub filed_at: i64,
    pub closed_at: Option<i64>,
    pub version: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseListRow {
    pub id: i64,
    pub case_number: String,
    pub court_name: String,
    pub case_type: String,
    pub stage: String,
    pub suspended: i64,
    pub locked: i64,
    pub claim_fen: i64,
    pub applicant_names: String,
    pub debtor_names: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub filed_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CasePartyRow {
    pub role: String,
    pub position: i64,
    pub party_id: i64,
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// An applicant's claim as the court stated it for the payout plan (None: not stated).
    pub claim_fen: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub court_id: i64,
    pub court_code: String,
    pub seq: i64,
    pub case_id: Option<i64>,
    pub occurred_at: i64,
    pub recorded_at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub kind: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl EventRow {
    pub fn chained(&self) -> zhixing_domain::audit::ChainedFields<'_> {
        zhixing_domain::audit::ChainedFields {
            court_code: &self.court_code,
            seq: self.seq,
            case_id: self.case_id,
            occurred_at_ms: self.occurred_at,
            recorded_at_ms: self.recorded_at,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            actor_role: &self.actor_role,
            kind: &self.kind,
            payload: &self.payload,
            prev_hash: &self.prev_hash,
        }
    }
}

/// Filters of the case list as the store understands them: the app has already resolved the
/// user's scope into court ids and parsed every value.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub court_ids: Vec<i64>,
    pub stage: Option<String>,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub case_type: Option<String>,
    pub year: Option<i64>,
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReceptionRow {
    pub id: i64,
    pub court_id: i64,
    pub officer_id: Option<i64>,
    pub officer_name: String,
    pub applicant_name: String,
    pub record: String,
    pub binding_code: String,
    pub case_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InquiryTaskRow {
    pub id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub debtor_name: String,
    pub status: String,
    pub due_on: String,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

/// What triage simulation needs of a past case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SimulationRow {
    pub id: i64,
    pub case_number: String,
    pub case_type: String,
    pub claim_fen: i64,
    pub team_id: Option<i64>,
    pub applicants: i64,
    pub debtors: i64,
}

/// A case that may be the same matter as one about to be filed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuplicateRow {
    pub id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub stage: String,
    pub applicant_names: String,
    pub debtor_names: String,
    pub filed_at: i64,
}
