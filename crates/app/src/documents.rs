//! Generated court documents (文书): the fill data of a case, per-court template overrides
//! (court settings `doc_template.<kind>`, saved through `Command::SaveSetting`), and the
//! files. Typesetting itself is `zhixing-docs`; this module only reads and scopes.

use chrono::{NaiveDate, TimeZone};
use zhixing_docs::data::{id_label, AmountData, BasisData, CourtData, PartyData, PaymentData};
use zhixing_docs::{DocData, DocKind, Format};
use zhixing_domain::basis::BasisKind;
use zhixing_domain::party::PartyRole;
use zhixing_domain::role::Role;

use crate::commands::{Command, Outcome};
use crate::{Actor, App, AppError, AppResult};

/// Court settings holding a template override start with this; the rest is the kind's key.
pub const TEMPLATE_SETTING_PREFIX: &str = "doc_template.";

/// Who may generate a case's documents (staff of the case's own court who work on cases).
pub const DOCUMENT_ROLES: &[Role] = &[
    Role::ReceptionOfficer,
    Role::Clerk,
    Role::Officer,
    Role::Judge,
    Role::TeamLeader,
    Role::BureauChief,
];

/// The kind a `doc_template.<key>` setting overrides.
pub fn template_setting_kind(key: &str) -> Option<DocKind> {
    key.strip_prefix(TEMPLATE_SETTING_PREFIX)
        .and_then(DocKind::from_key)
}

/// The stored value of a template setting is a JSON string (so that the setting's event
/// carries the template text); an empty string restores the default.
pub fn encode_template(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

pub fn decode_template(value: &str) -> Option<String> {
    serde_json::from_str::<String>(value)
        .ok()
        .filter(|t| !t.trim().is_empty())
}

/// Refuses a template that does not render for the sample case, naming the line at fault.
pub fn check_template_setting(kind: DocKind, value: &str) -> AppResult<()> {
    let text: String = serde_json::from_str(value).map_err(|_| {
        AppError::invalid(
            "template.encoding",
            "模板设置应为 JSON 字符串",
            "a template setting must be a JSON string",
        )
    })?;
    if text.trim().is_empty() {
        return Ok(());
    }
    check_template(kind, &text)
}

/// Parses and renders a template with the sample case.
pub fn check_template(kind: DocKind, text: &str) -> AppResult<()> {
    zhixing_docs::build_model(kind, Some(text), &DocData::sample())
        .map(|_| ())
        .map_err(template_error)
}

pub fn template_error(e: zhixing_docs::TemplateError) -> AppError {
    AppError::invalid("template.invalid", e.message_zh(), e.message_en())
}

fn doc_error(e: zhixing_docs::DocError) -> AppError {
    match e {
        zhixing_docs::DocError::Template(t) => template_error(t),
        other => AppError::invalid("document.failed", other.message_zh(), other.message_en()),
    }
}

/// A court's template of one kind, for the editor.
#[derive(Debug, Clone)]
pub struct CourtTemplate {
    pub court_id: i64,
    pub kind: DocKind,
    pub default_text: &'static str,
    /// The court's override, if any.
    pub override_text: Option<String>,
    /// Version of the setting (0 when never saved), for the optimistic check on save.
    pub version: i64,
}

impl CourtTemplate {
    pub fn effective(&self) -> &str {
        self.override_text.as_deref().unwrap_or(self.default_text)
    }
}

/// A generated file.
pub struct GeneratedDocument {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

fn shanghai_date(ms: i64) -> NaiveDate {
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

impl App {
    /// The fill data of a case's documents. Staff of the case's court only: another court's
    /// case is "not found", a role that does not work on cases is refused.
    pub async fn document_data(&self, actor: &Actor, case_id: i64) -> AppResult<DocData> {
        if !DOCUMENT_ROLES.contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权生成案件文书", actor.role.name_zh()),
                format!("a {} may not generate case documents", actor.role.name_en()),
            ));
        }
        let case = self.case_detail(actor, case_id).await?;
        if case.court_id != actor.court_id {
            return Err(AppError::NotFound);
        }
        let party = |p: &crate::views::CaseParty| PartyData {
            name: p.name.clone(),
            kind: p.kind.clone(),
            id_label: id_label(&p.kind).to_string(),
            id_number: p.id_number.clone(),
            address: p.address.clone().unwrap_or_default(),
            representative: String::new(),
        };
        let basis_date = NaiveDate::parse_from_str(&case.basis_date, "%Y-%m-%d")
            .map(zhixing_docs::chinese_date)
            .unwrap_or_else(|_| case.basis_date.clone());
        let basis_kind = BasisKind::from_key(&case.basis_kind)
            .map(|k| k.name_zh().to_string())
            .unwrap_or_else(|_| case.basis_kind.clone());
        let today = shanghai_date(zhixing_store::now_ms());
        // The case's account as opened (bank and name from the court's `fund_account`).
        let account = self.case_account(case.court_id, case.id).await?;
        Ok(DocData {
            court: CourtData {
                name: case.court_name.clone(),
                code: case.court_code.clone(),
                address: String::new(),
                phone: String::new(),
            },
            case_id: case.id,
            case_number: case.case_number.clone(),
            number: case.case_number.clone(),
            draft: false,
            cause: String::new(),
            filed_on: zhixing_docs::chinese_date(shanghai_date(case.filed_at)),
            applicants: case
                .parties
                .iter()
                .filter(|p| p.role == PartyRole::Applicant)
                .map(party)
                .collect(),
            respondents: case
                .parties
                .iter()
                .filter(|p| p.role == PartyRole::Debtor)
                .map(party)
                .collect(),
            basis: BasisData {
                court: case.basis_court.clone(),
                number: case.basis_number.clone(),
                kind: basis_kind,
                date: basis_date,
            },
            amount: AmountData::from(case.claim),
            fee: AmountData::from(zhixing_docs::application_fee(case.claim)),
            payment: PaymentData {
                bank: account.bank,
                account_name: account.account_name,
                account_number: account.account_number,
                note: case.case_number.clone(),
            },
            judge: case.officer_name.clone().unwrap_or_default(),
            clerk: if actor.role == Role::Clerk {
                actor.display_name.clone()
            } else {
                String::new()
            },
            issued_on: zhixing_docs::chinese_date(today),
            assets: Vec::new(),
            notes: Vec::new(),
        })
    }

    /// A court's template of a kind (its override, else the default).
    pub async fn court_template(
        &self,
        actor: &Actor,
        court_id: i64,
        kind: DocKind,
    ) -> AppResult<CourtTemplate> {
        if !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        let stored = self
            .store
            .court_setting(court_id, &kind.setting_key())
            .await?;
        let (override_text, version) = match stored {
            Some((value, version)) => (decode_template(&value), version),
            None => (None, 0),
        };
        Ok(CourtTemplate {
            court_id,
            kind,
            default_text: kind.default_template(),
            override_text,
            version,
        })
    }

    /// Saves (or, with an empty text, restores to default) a court's template through the
    /// command pipeline; a bad template is refused with its line and nothing is saved.
    pub async fn save_template(
        &self,
        actor: &Actor,
        court_id: i64,
        kind: DocKind,
        text: &str,
        expected_version: i64,
    ) -> AppResult<Outcome> {
        self.execute(
            actor,
            Command::SaveSetting {
                court_id,
                key: kind.setting_key(),
                value: encode_template(text),
                expected_version,
            },
        )
        .await
    }

    /// A case's document as PDF or DOCX, with the court's template, marked as a draft: only
    /// the review (`doc_review`) issues documents.
    pub async fn generate_document(
        &self,
        actor: &Actor,
        case_id: i64,
        kind: DocKind,
        format: Format,
    ) -> AppResult<GeneratedDocument> {
        let mut data = self.document_data(actor, case_id).await?;
        data.draft = true;
        let template = self
            .store
            .court_setting(actor.court_id, &kind.setting_key())
            .await?
            .and_then(|(v, _)| decode_template(&v));
        let filename = format!(
            "{}-{}（草稿）.{}",
            data.case_number,
            kind.name_zh(),
            format.ext()
        );
        let bytes = tokio::task::spawn_blocking(move || {
            zhixing_docs::generate(kind, template.as_deref(), &data, format)
        })
        .await
        .map_err(|e| AppError::invalid("document.failed", e.to_string(), e.to_string()))?
        .map_err(doc_error)?;
        tracing::info!(
            target: "zhixing::access",
            user = %actor.username,
            case_id,
            kind = kind.key(),
            format = format.ext(),
            "document downloaded"
        );
        Ok(GeneratedDocument {
            filename,
            content_type: format.content_type(),
            bytes,
        })
    }

    /// A preview of an unsaved template with the sample case (for the editor).
    pub async fn preview_template(
        &self,
        kind: DocKind,
        text: String,
        format: Format,
    ) -> AppResult<GeneratedDocument> {
        let bytes = tokio::task::spawn_blocking(move || {
            zhixing_docs::generate(kind, Some(&text), &DocData::sample(), format)
        })
        .await
        .map_err(|e| AppError::invalid("document.failed", e.to_string(), e.to_string()))?
        .map_err(doc_error)?;
        Ok(GeneratedDocument {
            filename: format!("preview-{}.{}", kind.key(), format.ext()),
            content_type: format.content_type(),
            bytes,
        })
    }
}
