//! Coercive measures (强制措施) and settlement agreements (执行和解) through the pipeline.
//!
//! A measure falls only on a debtor of the case, on an open case of the actor's own court, and
//! passes the domain's checks (`zhixing_domain::coercive`): the list's grounds, bars and term,
//! the bounds of fines and detention, the reward within the claim. The restriction and the list
//! rest on their document, issued through document approval at its level (the president's, by
//! default), so the measure is recorded against that issued document. Fines, detention and
//! referral for the crime of refusing to enforce are decided by a judge or above.
//!
//! A settlement agreement's instalments are checked against the claim; payments under it are
//! recorded with a compare-and-set on the agreement, and the domain says after each whether it
//! is being performed, performed or in default.

use chrono::{Days, NaiveDate};
use serde_json::json;
use zhixing_domain::case::Stage;
use zhixing_domain::coercive::{self as rules, DishonestGround, ListingBars, MeasureKind};
use zhixing_domain::event::EventKind;
use zhixing_domain::ids::ResidentId;
use zhixing_domain::lifecycle::Happened;
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_domain::settlement::{self, Instalment, Performance};
use zhixing_store::measures::{MeasureRow, NewMeasure, NewSettlement, SettlementRow};
use zhixing_store::rows::CaseRow;
use zhixing_store::WriteTx;

use crate::commands::{case_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Who records measures and agreements on a case of their court.
pub const MEASURE_STAFF: &[Role] = &[Officer, Judge, TeamLeader, BureauChief, President];

/// Who decides fines, detention and referral for prosecution.
pub const DECIDERS: &[Role] = &[Judge, TeamLeader, BureauChief, President];

/// The lock whitelist's keys.
pub const LOCK_KEY: &str = "coercive_measure";
pub const SETTLEMENT_LOCK_KEY: &str = "settlement";

/// Public list rows per page.
pub const PUBLIC_PAGE: i64 = 50;

/// What issuing a measure needs; the fields a kind does not use are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureInput {
    pub case_id: i64,
    pub party_id: i64,
    pub kind: MeasureKind,
    pub grounds: Vec<DishonestGround>,
    pub extension_years: u32,
    pub sufficient_security: bool,
    pub controlled_property_sufficient: bool,
    pub amount: Option<Fen>,
    pub days: Option<u32>,
    pub holder: String,
    pub facts: String,
    pub document_id: Option<i64>,
    /// Defaults to today (Beijing).
    pub start_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementInput {
    pub case_id: i64,
    pub signed_on: NaiveDate,
    pub instalments: Vec<Instalment>,
    pub grace_days: u32,
    pub terms: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureView {
    pub id: i64,
    pub kind: MeasureKind,
    pub party_id: i64,
    pub party_name: String,
    pub in_force: bool,
    pub public: bool,
    pub grounds: Vec<DishonestGround>,
    pub extension_years: i64,
    pub amount: Option<Fen>,
    pub days: Option<i64>,
    pub holder: String,
    pub facts: String,
    pub document_id: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
    pub revoked_on: Option<String>,
    pub revoke_reason: Option<String>,
    pub created_by_name: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentView {
    pub paid_on: String,
    pub amount: Fen,
    pub note: String,
    pub recorded_by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementView {
    pub id: i64,
    pub signed_on: String,
    pub total: Fen,
    pub grace_days: i64,
    pub terms: String,
    pub active: bool,
    pub version: i64,
    pub performance: Performance,
    pub payments: Vec<PaymentView>,
}

/// An issued document a measure may rest on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDoc {
    pub id: i64,
    pub kind: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMeasuresView {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    pub open: bool,
    pub claim: Fen,
    pub today: NaiveDate,
    /// (party id, name) of each debtor.
    pub debtors: Vec<(i64, String)>,
    pub measures: Vec<MeasureView>,
    pub settlements: Vec<SettlementView>,
    pub issued_docs: Vec<IssuedDoc>,
    /// Whether the actor may record measures and agreements here.
    pub may_act: bool,
    pub may_decide: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMeasure {
    pub id: i64,
    pub case_number: String,
    pub party_name: String,
    pub kind: MeasureKind,
    pub grounds: Vec<DishonestGround>,
    pub amount: Option<Fen>,
    pub start_on: String,
    pub end_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMeasuresView {
    pub court_code: String,
    pub court_name: String,
    pub items: Vec<PublicMeasure>,
    /// The keyset cursor of the next page.
    pub next_before: Option<i64>,
}

fn not_debtor() -> AppError {
    AppError::invalid(
        "measure.not_debtor",
        "只能对本案的被执行人采取强制措施",
        "measures fall only on a debtor of this case",
    )
}

fn stale() -> AppError {
    AppError::Conflict(
        "已被他人修改，请刷新后重试 / changed by someone else; reload and try again".into(),
    )
}

pub(crate) fn closed_case() -> AppError {
    AppError::invalid(
        "case.closed",
        "案件已结案，不能再办理此事项",
        "the case is closed; this action is no longer possible",
    )
}

pub(crate) fn text(
    input: &str,
    max: usize,
    code: &'static str,
    zh: &str,
    en: &str,
) -> AppResult<String> {
    let t = input.trim();
    if t.chars().count() > max {
        return Err(AppError::invalid(
            code,
            format!("{zh}不能超过 {max} 字"),
            format!("the {en} may not exceed {max} characters"),
        ));
    }
    Ok(t.to_string())
}

fn grounds_of(stored: &str) -> Vec<DishonestGround> {
    stored
        .split(',')
        .filter_map(|k| DishonestGround::from_key(k).ok())
        .collect()
}

fn measure_view(r: MeasureRow) -> AppResult<MeasureView> {
    let kind = MeasureKind::from_key(&r.kind)?;
    Ok(MeasureView {
        id: r.id,
        kind,
        party_id: r.party_id,
        party_name: r.party_name,
        in_force: r.status == "in_force",
        public: r.public != 0,
        grounds: grounds_of(&r.grounds),
        extension_years: r.extension_years,
        amount: r.amount_fen.map(Fen),
        days: r.days,
        holder: r.holder,
        facts: r.facts,
        document_id: r.document_id,
        start_on: r.start_on,
        end_on: r.end_on,
        revoked_on: r.revoked_on,
        revoke_reason: r.revoke_reason,
        created_by_name: r.created_by_name,
        version: r.version,
    })
}

fn instalments_of(r: &SettlementRow) -> AppResult<Vec<Instalment>> {
    serde_json::from_str(&r.instalments)
        .map_err(|e| AppError::Internal(format!("stored instalments of settlement {}: {e}", r.id)))
}

fn parse_day(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored date \"{s}\"")))
}

/// Whether a debtor is a minor on `on`, from the resident ID (organisations never are).
fn is_minor(kind: &str, id_number: &str, on: NaiveDate) -> bool {
    kind == "person" && ResidentId::parse(id_number).is_ok_and(|id| id.is_minor_on(on))
}

impl App {
    /// The case as the actor may act on it: visible (else not found), of the actor's own court.
    async fn measure_case(&self, actor: &Actor, cmd: &Command, case_id: i64) -> AppResult<CaseRow> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != case.court_id {
            return Err(AppError::other_court());
        }
        self.court_scope(actor, case.court_id, cmd)?;
        Ok(case)
    }

    /// In the write: the case still open and, if locked, allowing `key`.
    async fn open_case_in_tx(
        &self,
        tx: &mut WriteTx,
        case_id: i64,
        key: &str,
    ) -> AppResult<CaseRow> {
        let case = tx
            .case_for_update(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !Stage::from_key(&case.stage)?.is_open() {
            return Err(closed_case());
        }
        self.check_locked_key_in_tx(tx, &case, key).await?;
        Ok(case)
    }

    async fn append_case_event(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        h: Happened,
    ) -> AppResult<()> {
        crate::nodes::react_in_tx(
            self,
            tx,
            case.court_id,
            case.id,
            &[h.kind],
            case.suspended != 0,
        )
        .await?;
        let ev = case_event(actor, case.court_id, case.id, tx.now, &h);
        tx.append_events(&[ev]).await?;
        Ok(())
    }

    pub(crate) async fn measure_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::IssueMeasure(input) => self.issue_measure(actor, cmd, input).await,
            Command::RevokeMeasure {
                measure_id,
                version,
                reason,
            } => {
                self.revoke_measure(actor, cmd, *measure_id, *version, reason)
                    .await
            }
            Command::RecordSettlement(input) => self.record_settlement(actor, cmd, input).await,
            Command::RecordSettlementPayment {
                settlement_id,
                version,
                paid_on,
                amount,
                note,
            } => {
                self.record_settlement_payment(
                    actor,
                    cmd,
                    *settlement_id,
                    *version,
                    *paid_on,
                    *amount,
                    note,
                )
                .await
            }
            _ => Err(AppError::Internal("not a measure command".into())),
        }
    }

    async fn issue_measure(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &MeasureInput,
    ) -> AppResult<Outcome> {
        let kind = input.kind;
        if matches!(
            kind,
            MeasureKind::Fine | MeasureKind::Detention | MeasureKind::RefusalReferral
        ) && !DECIDERS.contains(&actor.role)
        {
            return Err(AppError::forbidden(
                format!("{}须由法官或院领导决定", kind.name_zh()),
                format!("{} is decided by a judge or above", kind.name_en()),
            ));
        }
        let case = self.measure_case(actor, cmd, input.case_id).await?;
        let parties = self.store.case_parties(case.id).await?;
        let debtor = parties
            .iter()
            .find(|p| p.role == "debtor" && p.party_id == input.party_id)
            .ok_or_else(not_debtor)?;
        let today = beijing_date(zhixing_store::now_ms());
        let start = input.start_on.unwrap_or(today);
        if start > today {
            return Err(AppError::invalid(
                "measure.start_in_future",
                "措施的决定日期不能晚于今天",
                "the measure cannot start after today",
            ));
        }
        let facts = text(
            &input.facts,
            2000,
            "measure.facts_too_long",
            "事实和理由",
            "facts",
        )?;
        let holder = text(
            &input.holder,
            100,
            "measure.holder_too_long",
            "被调查人",
            "holder",
        )?;
        let person = debtor.kind == "person";
        let mut end_on: Option<NaiveDate> = None;
        let mut amount: Option<Fen> = None;
        let mut days: Option<u32> = None;
        let mut grounds: Vec<DishonestGround> = Vec::new();
        let mut extension = 0u32;
        match kind {
            MeasureKind::DishonestList => {
                grounds = input.grounds.clone();
                grounds.sort_unstable();
                grounds.dedup();
                extension = input.extension_years;
                let bars = ListingBars {
                    debtor_is_minor: is_minor(&debtor.kind, &debtor.id_number, start),
                    sufficient_security: input.sufficient_security,
                    controlled_property_sufficient: input.controlled_property_sufficient,
                };
                end_on = rules::check_listing(&grounds, bars, extension, start)?.until;
            }
            MeasureKind::Fine => {
                let a = input.amount.unwrap_or(Fen::ZERO);
                rules::check_fine(person, a)?;
                amount = Some(a);
            }
            MeasureKind::Detention => {
                if !person {
                    return Err(AppError::invalid(
                        "measure.detention_organisation",
                        "不能拘留单位；对单位可以拘留其主要负责人或者直接责任人员，请将其作为被执行人的相关人员另行处理",
                        "an organisation cannot be detained; its responsible persons are dealt with in their own right",
                    ));
                }
                let d = input.days.unwrap_or(0);
                rules::check_detention(d)?;
                days = Some(d);
                end_on = start.checked_add_days(Days::new(u64::from(d)));
            }
            MeasureKind::RewardOffer => {
                let a = input.amount.unwrap_or(Fen::ZERO);
                rules::check_reward(a, Fen(case.claim_fen))?;
                amount = Some(a);
            }
            MeasureKind::LawyerInvestigationOrder => {
                let d = input.days.unwrap_or(0);
                rules::check_lawyer_order(&holder, d)?;
                days = Some(d);
                end_on = start.checked_add_days(Days::new(u64::from(d)));
            }
            MeasureKind::ConsumptionRestriction | MeasureKind::RefusalReferral => {}
        }
        if kind == MeasureKind::RefusalReferral && facts.is_empty() {
            return Err(AppError::invalid(
                "measure.facts_required",
                "移送拒执罪须写明拒不执行的事实",
                "a referral must state the facts of the refusal",
            ));
        }
        let document_id = match kind.document_kind() {
            Some(doc_kind) => {
                let doc = match input.document_id {
                    Some(id) => self.store.document(id).await?,
                    None => None,
                };
                let ok = doc.as_ref().is_some_and(|d| {
                    d.case_id == case.id && d.kind == doc_kind && d.status == "issued"
                });
                if !ok {
                    let (zh, en) = crate::service::kind_names(doc_kind);
                    return Err(AppError::invalid(
                        "measure.document_required",
                        format!("须先经审批签发本案的{zh}，再登记{}", kind.name_zh()),
                        format!("the case's {en} must be approved and issued first"),
                    ));
                }
                input.document_id
            }
            None => None,
        };
        let mut tx = self.store.begin_write().await?;
        let case = self.open_case_in_tx(&mut tx, case.id, LOCK_KEY).await?;
        if matches!(
            kind,
            MeasureKind::ConsumptionRestriction | MeasureKind::DishonestList
        ) && tx
            .measures_in_force_in_tx(case.id, debtor.party_id, kind.key())
            .await?
            > 0
        {
            return Err(AppError::invalid(
                "measure.already_in_force",
                format!("{}已对{}生效，无需重复", kind.name_zh(), debtor.name),
                format!(
                    "{} is already in force against {}",
                    kind.name_en(),
                    debtor.name
                ),
            ));
        }
        let grounds_key: Vec<&str> = grounds.iter().map(|g| g.key()).collect();
        let id = tx
            .insert_measure(&NewMeasure {
                court_id: case.court_id,
                case_id: case.id,
                party_id: debtor.party_id,
                party_name: debtor.name.clone(),
                kind: kind.key().into(),
                public: kind.is_public(),
                grounds: grounds_key.join(","),
                extension_years: i64::from(extension),
                amount_fen: amount.map(|a| a.0),
                days: days.map(i64::from),
                holder: holder.clone(),
                facts: facts.clone(),
                document_id,
                start_on: start.to_string(),
                end_on: end_on.map(|d| d.to_string()),
                created_by: actor.user_id,
                created_by_name: actor.display_name.clone(),
            })
            .await?;
        let event_kind = match kind {
            MeasureKind::ConsumptionRestriction => EventKind::RestrictionOrdered,
            MeasureKind::DishonestList => EventKind::Blacklisted,
            _ => EventKind::MeasureIssued,
        };
        let mut zh = format!("{}：{}", kind.name_zh(), debtor.name);
        let mut en = format!("{}: {}", kind.name_en(), debtor.name);
        if let Some(a) = amount {
            zh.push_str(&format!("，{a} 元"));
            en.push_str(&format!(", {a} yuan"));
        }
        if let Some(end) = end_on {
            zh.push_str(&format!("，至 {end}"));
            en.push_str(&format!(", until {end}"));
        }
        let h = Happened {
            kind: event_kind,
            payload: json!({
                "measure_id": id, "kind": kind.key(), "party_id": debtor.party_id,
                "grounds": grounds_key, "amount_fen": amount.map(|a| a.0),
                "start_on": start.to_string(), "end_on": end_on.map(|d| d.to_string()),
                "document_id": document_id, "summary": zh, "summary_en": en,
            }),
        };
        self.append_case_event(&mut tx, actor, &case, h).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    async fn revoke_measure(
        &self,
        actor: &Actor,
        cmd: &Command,
        measure_id: i64,
        version: i64,
        reason: &str,
    ) -> AppResult<Outcome> {
        let m = self
            .store
            .measure(measure_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let case = self.measure_case(actor, cmd, m.case_id).await?;
        let kind = MeasureKind::from_key(&m.kind)?;
        let reason = text(reason, 500, "case.reason_too_long", "理由", "reason")?;
        if reason.is_empty() {
            return Err(AppError::invalid(
                "case.reason_required",
                "请填写理由",
                "a reason is required",
            ));
        }
        if m.status != "in_force" {
            return Err(AppError::invalid(
                "measure.not_in_force",
                format!("该{}已撤销，无需再撤销", kind.name_zh()),
                format!("this {} was already revoked", kind.name_en()),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        // Revoking (e.g. after payment) stays possible on a closed case: the list must be
        // cleared when the debt is paid, whenever that is.
        let case = tx
            .case_for_update(case.id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.check_locked_key_in_tx(&mut tx, &case, LOCK_KEY)
            .await?;
        let today = beijing_date(tx.now).to_string();
        if !tx.revoke_measure(m.id, version, &today, &reason).await? {
            return Err(stale());
        }
        let h = Happened {
            kind: EventKind::MeasureRevoked,
            payload: json!({
                "measure_id": m.id, "kind": kind.key(), "reason": reason,
                "summary": format!("撤销{}：{}（{}）", kind.name_zh(), m.party_name, reason),
                "summary_en": format!("revoked {}: {} ({})", kind.name_en(), m.party_name, reason),
            }),
        };
        let ev = case_event(actor, case.court_id, case.id, tx.now, &h);
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(m.id),
            version: Some(version + 1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    async fn record_settlement(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &SettlementInput,
    ) -> AppResult<Outcome> {
        let case = self.measure_case(actor, cmd, input.case_id).await?;
        let today = beijing_date(zhixing_store::now_ms());
        if input.signed_on > today {
            return Err(AppError::invalid(
                "settlement.signed_in_future",
                "和解协议的签订日期不能晚于今天",
                "the agreement cannot be signed after today",
            ));
        }
        let total = settlement::check_agreement(
            input.signed_on,
            &input.instalments,
            Fen(case.claim_fen),
            input.grace_days,
        )?;
        let terms = text(
            &input.terms,
            2000,
            "settlement.terms_too_long",
            "协议其他条款",
            "terms",
        )?;
        let instalments = serde_json::to_string(&input.instalments)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.store.begin_write().await?;
        let case = self
            .open_case_in_tx(&mut tx, case.id, SETTLEMENT_LOCK_KEY)
            .await?;
        let id = tx
            .insert_settlement(&NewSettlement {
                court_id: case.court_id,
                case_id: case.id,
                signed_on: input.signed_on.to_string(),
                total_fen: total.0,
                grace_days: i64::from(input.grace_days),
                instalments,
                terms,
                created_by: actor.user_id,
                created_by_name: actor.display_name.clone(),
            })
            .await?;
        let n = input.instalments.len();
        let h = Happened {
            kind: EventKind::SettlementRecorded,
            payload: json!({
                "settlement_id": id, "signed_on": input.signed_on.to_string(), "total_fen": total.0,
                "instalments": n,
                "summary": format!("{} 签订，共 {n} 期，合计 {total} 元", input.signed_on),
                "summary_en": format!("signed {}, {n} instalment(s), {total} yuan in all", input.signed_on),
            }),
        };
        self.append_case_event(&mut tx, actor, &case, h).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn record_settlement_payment(
        &self,
        actor: &Actor,
        cmd: &Command,
        settlement_id: i64,
        version: i64,
        paid_on: NaiveDate,
        amount: Fen,
        note: &str,
    ) -> AppResult<Outcome> {
        let case_id = self
            .store
            .settlement(settlement_id)
            .await?
            .ok_or(AppError::NotFound)?
            .case_id;
        let case = self.measure_case(actor, cmd, case_id).await?;
        if !amount.is_positive() {
            return Err(AppError::invalid(
                "settlement.payment_not_positive",
                "履行金额必须大于零",
                "the payment must be more than zero",
            ));
        }
        let note = text(note, 500, "settlement.note_too_long", "备注", "note")?;
        let mut tx = self.store.begin_write().await?;
        let case = self
            .open_case_in_tx(&mut tx, case.id, SETTLEMENT_LOCK_KEY)
            .await?;
        let s = tx
            .settlement_in_tx(settlement_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if s.status != "active" {
            return Err(AppError::invalid(
                "settlement.superseded",
                "该和解协议已被新的协议取代",
                "this agreement was superseded by a newer one",
            ));
        }
        let signed = parse_day(&s.signed_on)?;
        let today = beijing_date(tx.now);
        if paid_on < signed || paid_on > today {
            return Err(AppError::invalid(
                "settlement.payment_date",
                format!("履行日期应在协议签订日 {signed} 至今天之间"),
                format!("the payment date must fall between the signing ({signed}) and today"),
            ));
        }
        if !tx
            .insert_settlement_payment(
                s.id,
                version,
                case.id,
                &paid_on.to_string(),
                amount.0,
                &note,
                actor.user_id,
                &actor.display_name,
            )
            .await?
        {
            return Err(stale());
        }
        let paid = Fen(tx.settlement_paid_in_tx(s.id).await?);
        let p = settlement::performance(
            &instalments_of(&s)?,
            paid,
            u32::try_from(s.grace_days).unwrap_or(0),
            today,
        );
        let h = Happened {
            kind: EventKind::SettlementPaymentRecorded,
            payload: json!({
                "settlement_id": s.id, "amount_fen": amount.0, "paid_on": paid_on.to_string(),
                "paid_fen": p.paid.0, "outstanding_fen": p.outstanding.0, "status": p.status.key(),
                "summary": format!("{paid_on} 履行 {amount} 元，累计 {} 元，尚欠 {} 元（{}）", p.paid, p.outstanding, p.status.name_zh()),
                "summary_en": format!("{amount} yuan paid on {paid_on}; {} paid, {} outstanding ({})", p.paid, p.outstanding, p.status.name_en()),
            }),
        };
        self.append_case_event(&mut tx, actor, &case, h).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(s.id),
            version: Some(version + 1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    /// A case's measures and agreements, with what the forms need.
    pub async fn case_measures(&self, actor: &Actor, case_id: i64) -> AppResult<CaseMeasuresView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        let today = beijing_date(zhixing_store::now_ms());
        let debtors = self
            .store
            .case_parties(case.id)
            .await?
            .into_iter()
            .filter(|p| p.role == "debtor")
            .map(|p| (p.party_id, p.name))
            .collect();
        let measures = self
            .store
            .case_measures(case.id)
            .await?
            .into_iter()
            .map(measure_view)
            .collect::<AppResult<Vec<_>>>()?;
        let mut settlements = Vec::new();
        for s in self.store.case_settlements(case.id).await? {
            let payments = self.store.settlement_payments(s.id).await?;
            let paid = Fen(payments.iter().map(|p| p.amount_fen).sum());
            let performance = settlement::performance(
                &instalments_of(&s)?,
                paid,
                u32::try_from(s.grace_days).unwrap_or(0),
                today,
            );
            settlements.push(SettlementView {
                id: s.id,
                signed_on: s.signed_on,
                total: Fen(s.total_fen),
                grace_days: s.grace_days,
                terms: s.terms,
                active: s.status == "active",
                version: s.version,
                performance,
                payments: payments
                    .into_iter()
                    .map(|p| PaymentView {
                        paid_on: p.paid_on,
                        amount: Fen(p.amount_fen),
                        note: p.note,
                        recorded_by_name: p.recorded_by_name,
                    })
                    .collect(),
            });
        }
        let issued_docs = self
            .store
            .case_documents(case.id)
            .await?
            .into_iter()
            .filter(|d| {
                d.status == "issued"
                    && MeasureKind::ALL
                        .iter()
                        .any(|k| k.document_kind() == Some(d.kind.as_str()))
            })
            .map(|d| IssuedDoc {
                id: d.id,
                kind: d.kind,
                number: d.number.unwrap_or_default(),
            })
            .collect();
        let own = actor.court_id == case.court_id;
        Ok(CaseMeasuresView {
            case_id: case.id,
            open: Stage::from_key(&case.stage)?.is_open(),
            case_number: case.case_number,
            court_id: case.court_id,
            claim: Fen(case.claim_fen),
            today,
            debtors,
            measures,
            settlements,
            issued_docs,
            may_act: own && MEASURE_STAFF.contains(&actor.role),
            may_decide: own && DECIDERS.contains(&actor.role),
        })
    }

    /// A court's published measures in force (no login): the restriction, the dishonest list
    /// and reward offers, newest first. Identity numbers are never shown.
    pub async fn public_measures(
        &self,
        court_code: &str,
        before: Option<i64>,
    ) -> AppResult<PublicMeasuresView> {
        let court = self
            .store
            .court_by_code(court_code.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let mut rows = self
            .store
            .public_measures(court.id, before.unwrap_or(i64::MAX), PUBLIC_PAGE + 1)
            .await?;
        let more = rows.len() as i64 > PUBLIC_PAGE;
        rows.truncate(PUBLIC_PAGE as usize);
        let next_before = if more {
            rows.last().map(|r| r.id)
        } else {
            None
        };
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(PublicMeasure {
                    id: r.id,
                    case_number: r.case_number,
                    party_name: r.party_name,
                    kind: MeasureKind::from_key(&r.kind)?,
                    grounds: grounds_of(&r.grounds),
                    amount: r.amount_fen.map(Fen),
                    start_on: r.start_on,
                    end_on: r.end_on,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(PublicMeasuresView {
            court_code: court.code,
            court_name: court.name,
            items,
            next_before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors_are_persons_with_a_resident_id() {
        let body = "41088320100101001";
        let id = format!("{body}{}", zhixing_domain::ids::resident_check_char(body));
        let on_17 = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        let on_18 = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
        assert!(is_minor("person", &id, on_17));
        assert!(!is_minor("person", &id, on_18));
        assert!(!is_minor("organisation", &id, on_17));
        assert!(!is_minor("person", "not an id", on_17));
    }
}
