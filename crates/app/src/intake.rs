//! The first-reception window and filing from it: "让当事人最多跑一趟". The applicant leaves
//! with the record printed, the rights explained item by item, and a code to follow the case on
//! the portal; filing from the record starts the inquiry the same day.

use chrono::TimeZone;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::json;
use zhixing_domain::audit::canonical_payload;
use zhixing_domain::basis::Basis;
use zhixing_domain::case::CaseType;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle;
use zhixing_domain::money::Fen;
use zhixing_domain::party::Party;
use zhixing_domain::reception::{binding_code_from, Agent, AssetLead, Checklist};
use zhixing_domain::triage::CaseFlag;
use zhixing_store::rows::DuplicateRow;
use zhixing_store::{NewEvent, StoreError};

use crate::actor::Actor;
use crate::commands::{Command, FileCase, Outcome};
use crate::error::{AppError, AppResult};
use crate::App;

/// Everything the reception officer records at the window, already parsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceptionInput {
    pub court_id: i64,
    pub case_type: CaseType,
    pub applicant: Party,
    pub agent: Option<Agent>,
    pub debtors: Vec<Party>,
    pub basis: Basis,
    /// The amount the instrument awards.
    pub amount_awarded: Fen,
    pub interest_terms: Option<String>,
    /// What the applicant asks to have enforced (执行标的).
    pub claim: Fen,
    pub asset_leads: Vec<AssetLead>,
    /// Facts triage needs.
    pub debtor_locatable: bool,
    pub flags: Vec<String>,
    /// The record of what was said (笔录).
    pub statement: String,
    pub checklist: Checklist,
    /// The applicant read the record and confirmed it.
    pub applicant_confirmed: bool,
}

pub fn shanghai_date(ms: i64) -> String {
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub fn parse_flags(keys: &[String]) -> AppResult<std::collections::BTreeSet<CaseFlag>> {
    Ok(keys
        .iter()
        .map(|k| CaseFlag::from_key(k))
        .collect::<Result<_, _>>()?)
}

fn check_reception(r: &ReceptionInput) -> AppResult<()> {
    r.checklist.check()?;
    parse_flags(&r.flags)?;
    if !r.applicant_confirmed {
        return Err(AppError::invalid(
            "reception.not_confirmed",
            "接待笔录须经申请执行人阅看确认后才能保存",
            "the applicant must read and confirm the record before it is saved",
        ));
    }
    if !r.amount_awarded.is_positive() {
        return Err(AppError::invalid(
            "reception.award_not_positive",
            "生效法律文书确定的金额必须大于零",
            "the amount awarded must be more than zero",
        ));
    }
    let debtor_ids: Vec<&str> = r.debtors.iter().map(|p| p.identity.number()).collect();
    lifecycle::check_filing(r.claim, &[r.applicant.identity.number()], &debtor_ids)?;
    let statement = r.statement.trim();
    if statement.chars().count() > 5000 {
        return Err(AppError::invalid(
            "reception.statement_too_long",
            "笔录内容不能超过 5000 字",
            "the record may not exceed 5,000 characters",
        ));
    }
    Ok(())
}

impl App {
    pub(crate) async fn record_reception(
        &self,
        actor: &Actor,
        r: ReceptionInput,
    ) -> AppResult<Outcome> {
        if !actor.can_see_court(r.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != r.court_id {
            return Err(AppError::forbidden(
                "只能在本院窗口登记接待",
                "receptions are recorded at your own court",
            ));
        }
        check_reception(&r)?;
        let record = serde_json::to_string(&r).map_err(|e| AppError::Internal(e.to_string()))?;
        // A fresh code on the rare clash with an existing one.
        for _ in 0..5 {
            let mut bytes = [0u8; 8];
            rand::thread_rng().fill_bytes(&mut bytes);
            let code = binding_code_from(bytes);
            let mut tx = self.store.begin_write().await?;
            let id = match tx
                .insert_reception(
                    r.court_id,
                    actor.user_id,
                    &actor.display_name,
                    &r.applicant.name,
                    &record,
                    &code,
                )
                .await
            {
                Ok(id) => id,
                Err(StoreError::Db(e))
                    if e.as_database_error()
                        .is_some_and(|d| d.is_unique_violation()) =>
                {
                    continue
                }
                Err(e) => return Err(e.into()),
            };
            let ev = NewEvent {
                court_id: r.court_id,
                case_id: None,
                occurred_at: tx.now,
                actor_id: actor.user_id,
                actor_name: actor.display_name.clone(),
                actor_role: actor.role.key().to_string(),
                kind: EventKind::ReceptionRecorded.key().to_string(),
                payload: canonical_payload(
                    &json!({"reception_id": id, "applicant": r.applicant.name}),
                ),
            };
            tx.append_events(&[ev]).await?;
            tx.commit().await?;
            return Ok(Outcome {
                id: Some(id),
                binding_code: Some(code),
                ..Default::default()
            });
        }
        Err(AppError::Internal(
            "could not draw a unique binding code".into(),
        ))
    }

    /// Files the case recorded at the window. A record can be filed once.
    pub async fn file_from_reception(
        &self,
        actor: &Actor,
        reception_id: i64,
    ) -> AppResult<Outcome> {
        let row = self
            .store
            .reception(reception_id)
            .await?
            .filter(|r| actor.can_see_court(r.court_id));
        let row = row.ok_or(AppError::NotFound)?;
        if row.case_id.is_some() {
            return Err(AppError::Conflict(
                "该接待笔录已立案，不能重复立案 / this reception record was filed already".into(),
            ));
        }
        let r: ReceptionInput =
            serde_json::from_str(&row.record).map_err(|e| AppError::Internal(e.to_string()))?;
        let f = FileCase {
            court_id: row.court_id,
            case_type: r.case_type,
            basis: r.basis,
            claim: r.claim,
            applicants: vec![r.applicant],
            debtors: r.debtors,
            reception_id: Some(reception_id),
            flags: parse_flags(&r.flags)?,
            debtor_locatable: r.debtor_locatable,
            note: None,
        };
        self.execute(actor, Command::FileCase(f)).await
    }

    /// A reception record within the actor's courts; anything else is "not found".
    pub async fn reception(
        &self,
        actor: &Actor,
        id: i64,
    ) -> AppResult<zhixing_store::rows::ReceptionRow> {
        self.store
            .reception(id)
            .await?
            .filter(|r| actor.can_see_court(r.court_id))
            .ok_or(AppError::NotFound)
    }

    /// A case's network-inquiry tasks, for a case within the actor's courts.
    pub async fn inquiry_tasks(
        &self,
        actor: &Actor,
        case_id: i64,
    ) -> AppResult<Vec<zhixing_store::rows::InquiryTaskRow>> {
        match self.store.case_by_id(case_id).await? {
            Some(c) if actor.can_see_court(c.court_id) => {
                Ok(self.store.inquiry_tasks(case_id).await?)
            }
            _ => Err(AppError::NotFound),
        }
    }

    /// Like `possible_duplicates`, from bare id numbers (the API's query string).
    pub async fn possible_duplicates_by_ids(
        &self,
        actor: &Actor,
        basis_number: &str,
        id_numbers: &[String],
    ) -> AppResult<Vec<DuplicateRow>> {
        Ok(self
            .store
            .possible_duplicates(&actor.visible_courts, basis_number.trim(), id_numbers)
            .await?)
    }

    /// Cases on the same instrument naming one of the same parties, within the actor's courts.
    pub async fn possible_duplicates(
        &self,
        actor: &Actor,
        basis_number: &str,
        parties: &[&Party],
    ) -> AppResult<Vec<DuplicateRow>> {
        let ids: Vec<String> = parties
            .iter()
            .map(|p| p.identity.number().to_string())
            .collect();
        Ok(self
            .store
            .possible_duplicates(&actor.visible_courts, basis_number.trim(), &ids)
            .await?)
    }
}
