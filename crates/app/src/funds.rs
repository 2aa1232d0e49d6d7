//! Case funds (案款): receipts into the case's account, payouts to the applicants by the
//! court's plan with approval above a configured amount, and the reconciliation of a period.
//!
//! Money moves only through the case pipeline: a receipt is `ReceiveFunds` and a payout
//! `DisburseFunds` (`App::case_action_in_tx`), so the lock whitelist (`receive_funds`,
//! `disburse_funds`), the closed-case rule and the 30-day payout node apply; the ledger entry
//! is written in the same transaction with the balance the case holds afterwards, so the
//! ledger and `cases.held_fen` cannot part. Proposals, refusals and payments are events on the
//! case's chain; approvers hear of a proposal in their inbox.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zhixing_domain::document::ApprovalLevel;
use zhixing_domain::event::EventKind;
use zhixing_domain::funds::{
    self as rules, CaseMovements, Difference, DisbursementStatus, Entitlement, EntryKind,
    FundSettings, PlanLine, Receipt, ReceiptSource,
};
use zhixing_domain::lifecycle::{CaseAction, Happened};
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_store::funds::{
    CaseAccountRow, DisbursementListRow, DisbursementRow, FundEntryRow, NewDisbursement,
    NewFundEntry,
};
use zhixing_store::notifications::NewNotification;
use zhixing_store::rows::CaseRow;
use zhixing_store::WriteTx;

use crate::commands::{case_event, case_state, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::nodes::beijing_date;
use crate::{Actor, App};

/// The court setting with the fund account's bank and name and the payout approval rule.
pub const FUND_SETTING: &str = "fund_account";
/// Who records receipts and proposes payouts.
pub const FUND_STAFF: &[Role] = &[Role::Officer, Role::Judge, Role::TeamLeader];
/// Who decides proposals (each at the level the amount needs, `funds::check_approver`).
pub const APPROVERS: &[Role] = &[
    Role::Judge,
    Role::TeamLeader,
    Role::BureauChief,
    Role::President,
];
/// Who reads the reconciliation of their court and the courts below.
pub const RECONCILERS: &[Role] = &[
    Role::Judge,
    Role::TeamLeader,
    Role::BureauChief,
    Role::President,
    Role::Supervisor,
];
/// Proposals the approvers' queue shows at most.
const QUEUE_LIMIT: i64 = 200;

/// A receipt of a case, as recorded.
#[derive(Debug, Clone)]
pub struct ReceiptInput {
    pub case_id: i64,
    /// The case's version as the officer saw it.
    pub version: i64,
    pub receipt: Receipt,
}

/// A payout plan for a case.
#[derive(Debug, Clone)]
pub struct ProposalInput {
    pub case_id: i64,
    pub version: i64,
    pub lines: Vec<PlanLine>,
    pub note: String,
}

fn invalid(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(code, zh, en)
}

/// The name of applicant `id` among (party id, name) pairs.
fn name_in(applicants: &[(i64, String)], id: i64) -> String {
    applicants
        .iter()
        .find(|a| a.0 == id)
        .map(|a| a.1.clone())
        .unwrap_or_default()
}

fn stale_proposal() -> AppError {
    AppError::Conflict(
        "发放方案已被他人处理，请刷新后重试 / the proposal was decided by someone else; reload and try again"
            .into(),
    )
}

fn stale_case() -> AppError {
    AppError::Conflict(
        "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again"
            .into(),
    )
}

/// The account a case's money goes to, as stored or (before its first receipt, for a case filed
/// before the ledger) as it will be opened.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub account_number: String,
    pub account_name: String,
    pub bank: String,
    pub opened: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub id: i64,
    pub kind: EntryKind,
    pub source: String,
    pub source_zh: String,
    pub source_en: String,
    pub amount: Fen,
    pub balance_after: Fen,
    pub party_id: Option<i64>,
    pub party_name: String,
    pub reference: String,
    pub occurred_on: String,
    pub recorded_at: i64,
    pub recorded_by_name: String,
    pub second_officer_id: Option<i64>,
    pub disbursement_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub party_id: i64,
    pub name: String,
    pub amount: Fen,
}

#[derive(Debug, Clone)]
pub struct DisbursementView {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub status: DisbursementStatus,
    pub total: Fen,
    pub lines: Vec<LineView>,
    pub level: ApprovalLevel,
    pub note: String,
    pub proposed_by: Option<i64>,
    pub proposed_by_name: String,
    pub proposed_at: i64,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
    pub version: i64,
    /// Whether the reader may approve or refuse it now.
    pub may_decide: bool,
    /// The case's balance now (in the queue).
    pub held: Fen,
}

/// An applicant's part in the payouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    pub party_id: i64,
    pub name: String,
    /// As the court stated it (None: not stated).
    pub claim: Option<Fen>,
    pub paid: Fen,
    pub outstanding: Option<Fen>,
}

/// A case's funds page.
#[derive(Debug, Clone)]
pub struct CaseFunds {
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub open: bool,
    pub locked: bool,
    pub account: AccountView,
    pub held: Fen,
    pub recovered: Fen,
    pub entries: Vec<EntryView>,
    pub disbursements: Vec<DisbursementView>,
    /// The applicants (payees) with their party ids.
    pub applicants: Vec<LineView>,
    /// Each applicant's stated claim, what has been paid to them and what is still owed.
    pub claims: Vec<ClaimView>,
    /// The case's claim (申请执行标的), which the applicants' claims add up to.
    pub claim: Fen,
    /// A split of the balance to start the plan from: in proportion to what each applicant is
    /// still owed when the court has stated their claims, else in equal shares.
    pub suggestion: Vec<LineView>,
    pub may_record: bool,
    pub may_propose: bool,
    /// Payouts above this need `approval_level`.
    pub approval_above: Fen,
    pub approval_level: ApprovalLevel,
    /// Colleagues who may count cash with the reader: (user id, name).
    pub colleagues: Vec<(i64, String)>,
    pub today: NaiveDate,
}

/// One court's part of a reconciliation.
#[derive(Debug, Clone, Serialize)]
pub struct CourtReconciliation {
    pub court_id: i64,
    pub court_name: String,
    pub totals: CaseMovements,
    pub closing: Fen,
    pub receipts_by_source: Vec<SourceTotal>,
    pub cases: i64,
    pub differences: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceTotal {
    pub source: String,
    pub source_zh: String,
    pub source_en: String,
    pub total: Fen,
    pub entries: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReconciliationLine {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub movements: CaseMovements,
    pub closing: Fen,
    pub differences: Vec<Difference>,
}

/// The reconciliation (对账) of courts for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub courts: Vec<CourtReconciliation>,
    pub totals: CaseMovements,
    pub closing: Fen,
    pub receipts_by_source: Vec<SourceTotal>,
    /// Cases with any movement or balance in the period, or with a difference.
    pub lines: Vec<ReconciliationLine>,
    /// Whether every case's ledger equals what it holds.
    pub balanced: bool,
    pub difference_count: i64,
}

fn source_names(key: &str) -> (String, String) {
    match ReceiptSource::from_key(key) {
        Ok(s) => (s.name_zh().into(), s.name_en().into()),
        Err(_) if key == "payout" => ("发放".into(), "payout".into()),
        Err(_) => (key.into(), key.into()),
    }
}

fn entry_view(r: FundEntryRow) -> AppResult<EntryView> {
    let (zh, en) = source_names(&r.source);
    Ok(EntryView {
        id: r.id,
        kind: EntryKind::from_key(&r.kind)?,
        source: r.source,
        source_zh: zh,
        source_en: en,
        amount: Fen(r.amount_fen),
        balance_after: Fen(r.balance_after_fen),
        party_id: r.party_id,
        party_name: r.party_name,
        reference: r.reference,
        occurred_on: r.occurred_on,
        recorded_at: r.recorded_at,
        recorded_by_name: r.recorded_by_name,
        second_officer_id: r.second_officer_id,
        disbursement_id: r.disbursement_id,
    })
}

#[derive(serde::Deserialize, Serialize)]
struct StoredLine {
    party_id: i64,
    name: String,
    amount_fen: i64,
}

fn lines_of(d: &DisbursementRow) -> AppResult<Vec<StoredLine>> {
    serde_json::from_str(&d.lines_json)
        .map_err(|e| AppError::Internal(format!("disbursement {} lines: {e}", d.id)))
}

fn level_of(d: &DisbursementRow) -> AppResult<ApprovalLevel> {
    ApprovalLevel::from_key(&d.approval_level)
        .ok_or_else(|| AppError::Internal(format!("disbursement {} level", d.id)))
}

impl App {
    /// A court's fund settings: its `fund_account` setting over the defaults.
    pub async fn fund_settings(&self, court_id: i64) -> AppResult<FundSettings> {
        let name = self
            .with_courts(|t| t.get(court_id).map(|c| c.name.clone()))
            .ok_or(AppError::NotFound)?;
        match self.store.court_setting(court_id, FUND_SETTING).await? {
            Some((value, _)) => Ok(FundSettings::from_json(&value, &name)?),
            None => Ok(FundSettings::default_for(&name)),
        }
    }

    /// The version of a court's `fund_account` setting (0 when never saved).
    pub async fn fund_setting_version(&self, court_id: i64) -> AppResult<i64> {
        Ok(self
            .store
            .court_setting(court_id, FUND_SETTING)
            .await?
            .map_or(0, |(_, v)| v))
    }

    /// Refuses a `fund_account` setting that does not parse or check.
    pub(crate) fn check_fund_setting(&self, court_id: i64, value: &str) -> AppResult<()> {
        let name = self
            .with_courts(|t| t.get(court_id).map(|c| c.name.clone()))
            .ok_or(AppError::NotFound)?;
        FundSettings::from_json(value, &name)?;
        Ok(())
    }

    /// The account row a case gets (at filing, or on its first receipt).
    pub(crate) fn account_row(
        &self,
        court_id: i64,
        case_id: i64,
        settings: &FundSettings,
        now: i64,
    ) -> AppResult<CaseAccountRow> {
        let code = self
            .with_courts(|t| t.get(court_id).map(|c| c.code.clone()))
            .ok_or(AppError::NotFound)?;
        Ok(CaseAccountRow {
            case_id,
            court_id,
            account_number: zhixing_docs::virtual_account_number(&code, case_id),
            account_name: settings.account_name.clone(),
            bank: settings.bank.clone(),
            opened_at: now,
        })
    }

    /// The case's account as stored, else as it will be opened.
    pub async fn case_account(&self, court_id: i64, case_id: i64) -> AppResult<AccountView> {
        if let Some(a) = self.store.case_account(case_id).await? {
            return Ok(AccountView {
                account_number: a.account_number,
                account_name: a.account_name,
                bank: a.bank,
                opened: true,
            });
        }
        let settings = self.fund_settings(court_id).await?;
        let a = self.account_row(court_id, case_id, &settings, 0)?;
        Ok(AccountView {
            account_number: a.account_number,
            account_name: a.account_name,
            bank: a.bank,
            opened: false,
        })
    }

    pub(crate) async fn funds_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::RecordReceipt(input) => self.record_receipt(actor, cmd, input).await,
            Command::SetApplicantClaims { case_id, claims } => {
                self.set_applicant_claims(actor, *case_id, claims).await
            }
            Command::ProposeDisbursement(input) => {
                self.propose_disbursement(actor, cmd, input).await
            }
            Command::DecideDisbursement {
                disbursement_id,
                version,
                approve,
                reason,
            } => {
                self.decide_disbursement(actor, cmd, *disbursement_id, *version, *approve, reason)
                    .await
            }
            _ => Err(AppError::Internal("not a funds command".into())),
        }
    }

    /// A case the actor may see, else "not found".
    async fn funds_case(&self, actor: &Actor, case_id: i64) -> AppResult<CaseRow> {
        self.store
            .case_by_id(case_id)
            .await?
            .filter(|c| actor.can_see_court(c.court_id))
            .ok_or(AppError::NotFound)
    }

    /// The case as the transaction sees it now.
    async fn case_in_tx(tx: &mut WriteTx, case_id: i64) -> AppResult<CaseRow> {
        tx.cases_for_update_many(&[case_id])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    async fn record_receipt(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &ReceiptInput,
    ) -> AppResult<Outcome> {
        let case = self.funds_case(actor, input.case_id).await?;
        let r = &input.receipt;
        let today = beijing_date(zhixing_store::now_ms());
        rules::check_receipt(r, actor.user_id, today)?;
        if let Some(second) = r.second_officer_id {
            let ok = self.store.user_by_id(second).await?.is_some_and(|u| {
                u.court_id == case.court_id
                    && u.active == 1
                    && Role::from_key(&u.role).is_ok_and(|role| {
                        matches!(
                            role,
                            Role::Clerk
                                | Role::Officer
                                | Role::Judge
                                | Role::TeamLeader
                                | Role::BureauChief
                        )
                    })
            });
            if !ok {
                return Err(invalid(
                    "funds.second_officer_unknown",
                    "第二名经办人须为本院在岗的执行干警",
                    "the second officer must be an active member of the case's court",
                ));
            }
        }
        let settings = self.fund_settings(case.court_id).await?;
        let mut tx = self.store.begin_write().await?;
        let outcome = self
            .case_action_in_tx(
                &mut tx,
                actor,
                cmd,
                input.case_id,
                Some(input.version),
                CaseAction::ReceiveFunds { amount: r.amount },
            )
            .await?;
        let after = Self::case_in_tx(&mut tx, input.case_id).await?;
        let account = self.account_row(after.court_id, after.id, &settings, tx.now)?;
        tx.ensure_case_account(&account).await?;
        let before = tx.ledger_balance_in_tx(after.id).await?;
        // The ledger follows the case: a case that held money before the ledger starts from
        // what it held, so that its balance is the case's.
        let balance = rules::apply_entry(Fen(before), EntryKind::Receipt, r.amount)?;
        let balance_after = if balance.0 == after.held_fen {
            balance
        } else {
            Fen(after.held_fen)
        };
        tx.insert_fund_entry(&NewFundEntry {
            court_id: after.court_id,
            case_id: after.id,
            kind: EntryKind::Receipt.key().into(),
            source: r.source.key().into(),
            amount_fen: r.amount.0,
            balance_after_fen: balance_after.0,
            party_id: None,
            party_name: r.payer.trim().to_string(),
            reference: r.reference.trim().to_string(),
            occurred_on: r.received_on.to_string(),
            recorded_at: tx.now,
            recorded_by: actor.user_id,
            recorded_by_name: actor.display_name.clone(),
            second_officer_id: r.second_officer_id,
            disbursement_id: None,
        })
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Applicants of a case: (party id, name).
    async fn applicants(&self, case_id: i64) -> AppResult<Vec<(i64, String)>> {
        Ok(self
            .entitlements(case_id, &[])
            .await?
            .into_iter()
            .map(|(e, name)| (e.party_id, name))
            .collect())
    }

    /// Each applicant's stated claim and what the ledger `entries` show paid to them, with
    /// their name.
    async fn entitlements(
        &self,
        case_id: i64,
        entries: &[FundEntryRow],
    ) -> AppResult<Vec<(Entitlement, String)>> {
        Ok(self
            .store
            .case_parties(case_id)
            .await?
            .into_iter()
            .filter(|p| p.role == "applicant")
            .map(|p| {
                let paid = entries
                    .iter()
                    .filter(|e| {
                        e.kind == EntryKind::Disbursement.key() && e.party_id == Some(p.party_id)
                    })
                    .map(|e| e.amount_fen)
                    .sum();
                let e = Entitlement {
                    party_id: p.party_id,
                    claim: p.claim_fen.map(Fen),
                    paid: Fen(paid),
                };
                (e, p.name)
            })
            .collect())
    }

    /// States each applicant's claim (the plan's basis): all of them, adding up to the case's
    /// claim, on an open case of one's own court; an event on the case's chain.
    async fn set_applicant_claims(
        &self,
        actor: &Actor,
        case_id: i64,
        claims: &[PlanLine],
    ) -> AppResult<Outcome> {
        let case = self.funds_case(actor, case_id).await?;
        if case.court_id != actor.court_id {
            return Err(AppError::other_court());
        }
        let applicants = self.applicants(case.id).await?;
        let ids: Vec<i64> = applicants.iter().map(|a| a.0).collect();
        let mut tx = self.store.begin_write().await?;
        let row = Self::case_in_tx(&mut tx, case.id).await?;
        if !case_state(&row)?.stage.is_open() {
            return Err(invalid(
                "case.closed",
                "案件已结案，不能再办理此事项",
                "the case is closed; this action is no longer possible",
            ));
        }
        rules::check_applicant_claims(claims, &ids, Fen(row.claim_fen))?;
        let pairs: Vec<(i64, i64)> = claims.iter().map(|c| (c.party_id, c.amount.0)).collect();
        tx.set_applicant_claims(row.id, &pairs).await?;
        let name_of = |id: i64| name_in(&applicants, id);
        let listed = |sep: &str, unit: &str| {
            claims
                .iter()
                .map(|c| format!("{}{sep}{} {unit}", name_of(c.party_id), c.amount))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let set = Happened {
            kind: EventKind::ApplicantClaimsSet,
            payload: json!({
                "claims": claims.iter().map(|c| json!({"party_id": c.party_id, "name": name_of(c.party_id), "amount_fen": c.amount.0})).collect::<Vec<_>>(),
                "summary": format!("各申请执行人债权额：{}", listed("", "元")),
                "summary_en": format!("applicants' claims: {}", listed(" ", "yuan")),
            }),
        };
        tx.append_events(&[case_event(actor, row.court_id, row.id, tx.now, &set)])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(row.id),
            version: Some(row.version),
            case_number: Some(row.case_number),
            ..Default::default()
        })
    }

    async fn propose_disbursement(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &ProposalInput,
    ) -> AppResult<Outcome> {
        let case = self.funds_case(actor, input.case_id).await?;
        if case.court_id != actor.court_id {
            return Err(AppError::forbidden(
                "您只能办理本院的案件和事务",
                "you may only act on your own court's matters",
            ));
        }
        let note = input.note.trim().to_string();
        if note.chars().count() > 500 || note.chars().any(char::is_control) {
            return Err(invalid(
                "funds.note_invalid",
                "说明不能超过 500 字，且不能含有换行",
                "the note may be at most 500 characters on one line",
            ));
        }
        let entries = self.store.fund_entries(case.id).await?;
        let entitled = self.entitlements(case.id, &entries).await?;
        let applicants: Vec<(i64, String)> = entitled
            .iter()
            .map(|(e, name)| (e.party_id, name.clone()))
            .collect();
        let ids: Vec<i64> = applicants.iter().map(|a| a.0).collect();
        let settings = self.fund_settings(case.court_id).await?;
        let mut tx = self.store.begin_write().await?;
        let row = Self::case_in_tx(&mut tx, case.id).await?;
        let state = case_state(&row)?;
        let total = rules::plan_total(&input.lines);
        let probe = CaseAction::DisburseFunds { amount: total };
        self.check_lock_in_tx(&mut tx, cmd, &row, &state, &probe)
            .await?;
        if row.version != input.version {
            return Err(stale_case());
        }
        if !state.stage.is_open() {
            return Err(invalid(
                "case.closed",
                "案件已结案，不能再办理此事项",
                "the case is closed; this action is no longer possible",
            ));
        }
        let total = rules::check_plan(&input.lines, &ids, state.held)?;
        let owed: Vec<Entitlement> = entitled.iter().map(|e| e.0).collect();
        rules::check_within_claims(&input.lines, &owed, |id| name_in(&applicants, id))?;
        if tx.pending_disbursement_in_tx(row.id).await?.is_some() {
            return Err(invalid(
                "funds.pending_exists",
                "本案已有待审批的发放方案，请待其审批后再提出",
                "a payout of this case is already awaiting approval",
            ));
        }
        let level = settings.required_level(total);
        let named: Vec<StoredLine> = input
            .lines
            .iter()
            .map(|l| StoredLine {
                party_id: l.party_id,
                name: name_in(&applicants, l.party_id),
                amount_fen: l.amount.0,
            })
            .collect();
        let lines_json = serde_json::to_string(&named)
            .map_err(|e| AppError::Internal(format!("plan lines: {e}")))?;
        let id = tx
            .insert_disbursement(&NewDisbursement {
                court_id: row.court_id,
                case_id: row.id,
                status: DisbursementStatus::Proposed.key().into(),
                total_fen: total.0,
                lines_json,
                approval_level: level.key().into(),
                note: note.clone(),
                proposed_by: actor.user_id,
                proposed_by_name: actor.display_name.clone(),
            })
            .await?;
        let proposed = Happened {
            kind: EventKind::DisbursementProposed,
            payload: json!({
                "disbursement_id": id,
                "total_fen": total.0,
                "level": level.key(),
                "level_name": level.name_zh(),
                "lines": named.iter().map(|l| json!({"party_id": l.party_id, "name": l.name, "amount_fen": l.amount_fen})).collect::<Vec<_>>(),
                "note": note,
            }),
        };
        tx.append_events(&[case_event(actor, row.court_id, row.id, tx.now, &proposed)])
            .await?;
        let mut outcome = Outcome {
            id: Some(id),
            version: Some(row.version),
            case_number: Some(row.case_number.clone()),
            ..Default::default()
        };
        if rules::pays_at_once(level, actor.role) {
            tx.mark_disbursement_paid(id, actor.user_id, &actor.display_name)
                .await?;
            let paid = self
                .pay_in_tx(&mut tx, actor, cmd, &row, id, &named, Some(input.version))
                .await?;
            outcome.version = paid.version;
        } else {
            let notes = self
                .approver_notifications(&row, actor, level, total)
                .await?;
            tx.insert_notifications(&notes).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// Pays a plan: `DisburseFunds` through the pipeline (the balance checked again, in the
    /// transaction), then one ledger entry per payee with the running balance.
    #[allow(clippy::too_many_arguments)]
    async fn pay_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        cmd: &Command,
        case: &CaseRow,
        disbursement_id: i64,
        lines: &[StoredLine],
        version: Option<i64>,
    ) -> AppResult<Outcome> {
        let total = Fen(lines.iter().map(|l| l.amount_fen).sum());
        let now_case = Self::case_in_tx(tx, case.id).await?;
        if total.0 > now_case.held_fen {
            return Err(rules::more_than_balance(total, Fen(now_case.held_fen)).into());
        }
        let outcome = self
            .case_action_in_tx(
                tx,
                actor,
                cmd,
                case.id,
                version,
                CaseAction::DisburseFunds { amount: total },
            )
            .await?;
        let after = Self::case_in_tx(tx, case.id).await?;
        let mut balance = Fen(after.held_fen + total.0);
        let today = beijing_date(tx.now).to_string();
        let mut entries = Vec::with_capacity(lines.len());
        for l in lines {
            balance = rules::apply_entry(balance, EntryKind::Disbursement, Fen(l.amount_fen))?;
            entries.push(NewFundEntry {
                court_id: after.court_id,
                case_id: after.id,
                kind: EntryKind::Disbursement.key().into(),
                source: "payout".into(),
                amount_fen: l.amount_fen,
                balance_after_fen: balance.0,
                party_id: Some(l.party_id),
                party_name: l.name.clone(),
                reference: format!("发放方案 {disbursement_id}"),
                occurred_on: today.clone(),
                recorded_at: tx.now,
                recorded_by: actor.user_id,
                recorded_by_name: actor.display_name.clone(),
                second_officer_id: None,
                disbursement_id: Some(disbursement_id),
            });
        }
        for e in &entries {
            tx.insert_fund_entry(e).await?;
        }
        Ok(outcome)
    }

    /// Who hears of a proposal: the users of the level's own post at the case's court (the
    /// case's team's, when the level is a team post and the team has one), not the proposer.
    async fn approver_notifications(
        &self,
        case: &CaseRow,
        actor: &Actor,
        level: ApprovalLevel,
        total: Fen,
    ) -> AppResult<Vec<NewNotification>> {
        let posts: &[Role] = match level {
            ApprovalLevel::Judge => &[Role::Judge, Role::TeamLeader],
            other => &other.roles()[..1],
        };
        let users = self.store.users_of_courts(&[case.court_id]).await?;
        let candidates: Vec<_> = users
            .iter()
            .filter(|u| {
                u.active == 1
                    && posts.iter().any(|p| p.key() == u.role)
                    && Some(u.id) != actor.user_id
            })
            .collect();
        let on_team: Vec<i64> = candidates
            .iter()
            .filter(|u| case.team_id.is_some() && u.team_id == case.team_id)
            .map(|u| u.id)
            .collect();
        let ids: Vec<i64> = if on_team.is_empty() {
            candidates.iter().map(|u| u.id).collect()
        } else {
            on_team
        };
        Ok(ids
            .into_iter()
            .map(|user_id| NewNotification {
                user_id,
                court_id: case.court_id,
                case_id: Some(case.id),
                kind: "disbursement_proposed".into(),
                title_zh: format!(
                    "待审批：{} 案款发放 {} 元（{}提出）",
                    case.case_number, total, actor.display_name
                ),
                title_en: format!(
                    "To approve: {} payout of {} yuan (proposed by {})",
                    case.case_number, total, actor.display_name
                ),
            })
            .collect())
    }

    async fn decide_disbursement(
        &self,
        actor: &Actor,
        cmd: &Command,
        id: i64,
        version: i64,
        approve: bool,
        reason: &str,
    ) -> AppResult<Outcome> {
        let d = self
            .store
            .disbursement(id)
            .await?
            .filter(|d| actor.can_see_court(d.court_id))
            .ok_or(AppError::NotFound)?;
        if d.court_id != actor.court_id {
            return Err(AppError::forbidden(
                "只能审批本院的案款发放",
                "you may only decide your own court's payouts",
            ));
        }
        let level = level_of(&d)?;
        rules::check_approver(level, actor.role, actor.user_id, d.proposed_by)?;
        let reason = reason.trim();
        if reason.chars().count() > 500 || reason.chars().any(char::is_control) {
            return Err(invalid(
                "funds.reason_invalid",
                "理由不能超过 500 字，且不能含有换行",
                "the reason may be at most 500 characters on one line",
            ));
        }
        if !approve && reason.is_empty() {
            return Err(invalid(
                "funds.reason_required",
                "不予发放须说明理由",
                "a refusal needs a reason",
            ));
        }
        let case = self.funds_case(actor, d.case_id).await?;
        let lines = lines_of(&d)?;
        let mut tx = self.store.begin_write().await?;
        let current = tx.disbursement_in_tx(id).await?.ok_or(AppError::NotFound)?;
        if current.version != version || current.status != DisbursementStatus::Proposed.key() {
            return Err(stale_proposal());
        }
        let status = if approve {
            DisbursementStatus::Paid
        } else {
            DisbursementStatus::Refused
        };
        let reason_opt = (!reason.is_empty()).then_some(reason);
        if !tx
            .decide_disbursement(
                id,
                version,
                status.key(),
                actor.user_id,
                &actor.display_name,
                reason_opt,
            )
            .await?
        {
            return Err(stale_proposal());
        }
        let mut outcome = Outcome {
            id: Some(id),
            version: Some(version + 1),
            case_number: Some(case.case_number.clone()),
            ..Default::default()
        };
        let (kind_zh, kind_en) = if approve {
            self.pay_in_tx(&mut tx, actor, cmd, &case, id, &lines, None)
                .await?;
            ("已批准并发放", "approved and paid")
        } else {
            let refused = Happened {
                kind: EventKind::DisbursementRefused,
                payload: json!({"disbursement_id": id, "total_fen": d.total_fen, "reason": reason}),
            };
            tx.append_events(&[case_event(actor, case.court_id, case.id, tx.now, &refused)])
                .await?;
            ("不予发放", "refused")
        };
        if let Some(proposer) = d.proposed_by.filter(|p| Some(*p) != actor.user_id) {
            tx.insert_notifications(&[NewNotification {
                user_id: proposer,
                court_id: case.court_id,
                case_id: Some(case.id),
                kind: if approve {
                    "disbursement_paid".into()
                } else {
                    "disbursement_refused".into()
                },
                title_zh: format!(
                    "{} 案款发放 {} 元{}（{}）",
                    case.case_number,
                    Fen(d.total_fen),
                    kind_zh,
                    actor.display_name
                ),
                title_en: format!(
                    "{} payout of {} yuan {} ({})",
                    case.case_number,
                    Fen(d.total_fen),
                    kind_en,
                    actor.display_name
                ),
            }])
            .await?;
        }
        tx.commit().await?;
        outcome.version = Some(version + 1);
        Ok(outcome)
    }

    /// Writes the ledger entry of a `ReceiveFunds`/`DisburseFunds` run as a plain case action
    /// (not through the funds commands), so that the ledger still follows the case.
    pub(crate) async fn ledger_for_case_action(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case_id: i64,
        action: &CaseAction,
    ) -> AppResult<()> {
        let (kind, amount, source) = match action {
            CaseAction::ReceiveFunds { amount } => (EntryKind::Receipt, *amount, "other"),
            CaseAction::DisburseFunds { amount } => (EntryKind::Disbursement, *amount, "payout"),
            _ => return Ok(()),
        };
        let after = Self::case_in_tx(tx, case_id).await?;
        let settings = self.fund_settings(after.court_id).await?;
        let account = self.account_row(after.court_id, after.id, &settings, tx.now)?;
        tx.ensure_case_account(&account).await?;
        tx.insert_fund_entry(&NewFundEntry {
            court_id: after.court_id,
            case_id: after.id,
            kind: kind.key().into(),
            source: source.into(),
            amount_fen: amount.0,
            balance_after_fen: after.held_fen,
            party_id: None,
            party_name: String::new(),
            reference: String::new(),
            occurred_on: beijing_date(tx.now).to_string(),
            recorded_at: tx.now,
            recorded_by: actor.user_id,
            recorded_by_name: actor.display_name.clone(),
            second_officer_id: None,
            disbursement_id: None,
        })
        .await?;
        Ok(())
    }

    fn disbursement_view(
        &self,
        actor: &Actor,
        d: DisbursementRow,
        case_number: String,
        held: Fen,
    ) -> AppResult<DisbursementView> {
        let level = level_of(&d)?;
        let status = DisbursementStatus::from_key(&d.status)?;
        let may_decide = status == DisbursementStatus::Proposed
            && d.court_id == actor.court_id
            && rules::check_approver(level, actor.role, actor.user_id, d.proposed_by).is_ok();
        Ok(DisbursementView {
            id: d.id,
            case_id: d.case_id,
            case_number,
            status,
            total: Fen(d.total_fen),
            lines: lines_of(&d)?
                .into_iter()
                .map(|l| LineView {
                    party_id: l.party_id,
                    name: l.name,
                    amount: Fen(l.amount_fen),
                })
                .collect(),
            level,
            note: d.note,
            proposed_by: d.proposed_by,
            proposed_by_name: d.proposed_by_name,
            proposed_at: d.proposed_at,
            decided_by_name: d.decided_by_name,
            decided_at: d.decided_at,
            reason: d.reason,
            version: d.version,
            may_decide,
            held,
        })
    }

    /// A case's funds page: account, balance, ledger, proposals and what the reader may do.
    pub async fn case_funds(&self, actor: &Actor, case_id: i64) -> AppResult<CaseFunds> {
        let case = self.funds_case(actor, case_id).await?;
        let (entries, disbursements) = tokio::try_join!(
            async { Ok::<_, AppError>(self.store.fund_entries(case_id).await?) },
            async { Ok::<_, AppError>(self.store.case_disbursements(case_id).await?) },
        )?;
        let entitled = self.entitlements(case_id, &entries).await?;
        let applicants: Vec<(i64, String)> = entitled
            .iter()
            .map(|(e, name)| (e.party_id, name.clone()))
            .collect();
        let account = self.case_account(case.court_id, case_id).await?;
        let settings = self.fund_settings(case.court_id).await?;
        let state = case_state(&case)?;
        let held = Fen(case.held_fen);
        let own = case.court_id == actor.court_id && FUND_STAFF.contains(&actor.role);
        let name_of = |id: i64| name_in(&applicants, id);
        let owed: Vec<Entitlement> = entitled.iter().map(|e| e.0).collect();
        let suggestion = rules::suggest_payout(held, &owed)
            .into_iter()
            .map(|l| LineView {
                party_id: l.party_id,
                name: name_of(l.party_id),
                amount: l.amount,
            })
            .collect();
        let colleagues = if own {
            self.store
                .users_of_courts(&[case.court_id])
                .await?
                .into_iter()
                .filter(|u| {
                    u.active == 1
                        && Some(u.id) != actor.user_id
                        && matches!(
                            u.role.as_str(),
                            "clerk" | "officer" | "judge" | "team_leader" | "bureau_chief"
                        )
                })
                .map(|u| (u.id, u.display_name))
                .collect()
        } else {
            Vec::new()
        };
        Ok(CaseFunds {
            case_id,
            case_number: case.case_number.clone(),
            version: case.version,
            open: state.stage.is_open(),
            locked: state.locked,
            account,
            held,
            recovered: Fen(case.recovered_fen),
            entries: entries
                .into_iter()
                .map(entry_view)
                .collect::<AppResult<_>>()?,
            disbursements: disbursements
                .into_iter()
                .map(|d| self.disbursement_view(actor, d, case.case_number.clone(), held))
                .collect::<AppResult<_>>()?,
            applicants: applicants
                .iter()
                .map(|a| LineView {
                    party_id: a.0,
                    name: a.1.clone(),
                    amount: Fen(0),
                })
                .collect(),
            claims: entitled
                .iter()
                .map(|(e, name)| ClaimView {
                    party_id: e.party_id,
                    name: name.clone(),
                    claim: e.claim,
                    paid: e.paid,
                    outstanding: e.outstanding(),
                })
                .collect(),
            claim: Fen(case.claim_fen),
            suggestion,
            may_record: own && state.stage.is_open(),
            may_propose: own && state.stage.is_open() && held.is_positive(),
            approval_above: Fen(settings.approval_above_fen),
            approval_level: settings.level()?,
            colleagues,
            today: beijing_date(zhixing_store::now_ms()),
        })
    }

    /// Whether the role decides payouts at some level (the approvals page is theirs).
    pub fn is_fund_approver(role: Role) -> bool {
        APPROVERS.contains(&role)
    }

    /// The proposals waiting at the actor's court, with whether the actor may decide each.
    pub async fn disbursement_queue(&self, actor: &Actor) -> AppResult<Vec<DisbursementView>> {
        if !APPROVERS.contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权审批案款发放", actor.role.name_zh()),
                format!("a {} does not approve payouts", actor.role.name_en()),
            ));
        }
        let rows: Vec<DisbursementListRow> = self
            .store
            .disbursement_queue(&[actor.court_id], QUEUE_LIMIT)
            .await?;
        rows.into_iter()
            .map(|r| self.disbursement_view(actor, r.d, r.case_number, Fen(r.held_fen)))
            .collect()
    }

    /// The reconciliation of the actor's court and the courts below for `from..=to`.
    pub async fn fund_reconciliation(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Reconciliation> {
        if !RECONCILERS.contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权查看案款对账", actor.role.name_zh()),
                format!("a {} may not read the reconciliation", actor.role.name_en()),
            ));
        }
        rules::check_period(from, to)?;
        let courts = self.with_courts(|t| t.subtree(actor.court_id));
        let (cases, sources, held) = self
            .store
            .fund_reconciliation(&courts, &from.to_string(), &to.to_string())
            .await?;
        let court_name =
            |id: i64| self.with_courts(|t| t.get(id).map(|c| c.name.clone()).unwrap_or_default());
        let mut per_court: Vec<CourtReconciliation> = courts
            .iter()
            .map(|&court_id| CourtReconciliation {
                court_id,
                court_name: court_name(court_id),
                totals: CaseMovements::default(),
                closing: Fen(0),
                receipts_by_source: Vec::new(),
                cases: 0,
                differences: 0,
            })
            .collect();
        let index = |court_id: i64| courts.iter().position(|c| *c == court_id);
        let mut lines = Vec::new();
        let mut totals = CaseMovements::default();
        let mut difference_count = 0;
        let all = cases
            .into_iter()
            .map(|c| {
                (
                    c.court_id,
                    c.case_id,
                    c.case_number,
                    CaseMovements {
                        opening: Fen(c.opening_fen),
                        receipts: Fen(c.receipts_fen),
                        disbursements: Fen(c.disbursements_fen),
                        ledger_balance: Fen(c.ledger_fen),
                        held: Fen(c.held_fen),
                    },
                )
            })
            .chain(held.into_iter().map(|h| {
                (
                    h.court_id,
                    h.case_id,
                    h.case_number,
                    CaseMovements {
                        held: Fen(h.held_fen),
                        ..Default::default()
                    },
                )
            }));
        for (court_id, case_id, case_number, m) in all {
            let differences = rules::differences(&m);
            totals.add(&m);
            if let Some(i) = index(court_id) {
                per_court[i].totals.add(&m);
                per_court[i].differences += i64::from(!differences.is_empty());
            }
            difference_count += i64::from(!differences.is_empty());
            let moved = !m.opening.is_zero() || !m.receipts.is_zero() || !m.disbursements.is_zero();
            if moved || !differences.is_empty() {
                if let Some(i) = index(court_id) {
                    per_court[i].cases += 1;
                }
                lines.push(ReconciliationLine {
                    court_id,
                    case_id,
                    case_number,
                    closing: m.closing(),
                    movements: m,
                    differences,
                });
            }
        }
        let mut all_sources: Vec<SourceTotal> = Vec::new();
        for s in sources {
            let (zh, en) = source_names(&s.source);
            let t = SourceTotal {
                source: s.source.clone(),
                source_zh: zh,
                source_en: en,
                total: Fen(s.total_fen),
                entries: s.entries,
            };
            match all_sources.iter_mut().find(|x| x.source == s.source) {
                Some(x) => {
                    x.total = Fen(x.total.0 + t.total.0);
                    x.entries += t.entries;
                }
                None => all_sources.push(t.clone()),
            }
            if let Some(i) = index(s.court_id) {
                per_court[i].receipts_by_source.push(t);
            }
        }
        for c in per_court.iter_mut() {
            c.closing = c.totals.closing();
        }
        // Courts without any funds are left out, except the actor's own.
        per_court.retain(|c| {
            c.court_id == actor.court_id || c.cases > 0 || !c.receipts_by_source.is_empty()
        });
        Ok(Reconciliation {
            from,
            to,
            courts: per_court,
            closing: totals.closing(),
            totals,
            receipts_by_source: all_sources,
            lines,
            balanced: difference_count == 0,
            difference_count,
        })
    }
}

/// The account and ledger of a case written in bulk (demo data): one entry per
/// `funds_received` (a deduction) and `funds_disbursed` (to `payee`) event of its history, with
/// the running balance, so that the reconciliation of demo data balances.
pub(crate) fn bulk_ledger(
    court_code: &str,
    settings: &FundSettings,
    case_id: i64,
    court_id: i64,
    filed_at: i64,
    events: &[zhixing_store::NewEvent],
    payee: Option<(i64, &str)>,
) -> (CaseAccountRow, Vec<NewFundEntry>) {
    let account = CaseAccountRow {
        case_id,
        court_id,
        account_number: zhixing_docs::virtual_account_number(court_code, case_id),
        account_name: settings.account_name.clone(),
        bank: settings.bank.clone(),
        opened_at: filed_at,
    };
    let mut balance = 0i64;
    let mut entries = Vec::new();
    for e in events.iter().filter(|e| e.case_id == Some(case_id)) {
        let kind = match EventKind::from_key(&e.kind) {
            Some(EventKind::FundsReceived) => EntryKind::Receipt,
            Some(EventKind::FundsDisbursed) => EntryKind::Disbursement,
            _ => continue,
        };
        let amount = serde_json::from_str::<serde_json::Value>(&e.payload)
            .ok()
            .and_then(|p| p.get("amount_fen").and_then(serde_json::Value::as_i64))
            .unwrap_or(0);
        let Ok(after) = rules::apply_entry(Fen(balance), kind, Fen(amount)) else {
            continue;
        };
        balance = after.0;
        let (source, party_id, party_name) = match kind {
            EntryKind::Receipt => ("deduction", None, String::new()),
            EntryKind::Disbursement => (
                "payout",
                payee.map(|p| p.0),
                payee.map(|p| p.1.to_string()).unwrap_or_default(),
            ),
        };
        entries.push(NewFundEntry {
            court_id,
            case_id,
            kind: kind.key().into(),
            source: source.into(),
            amount_fen: amount,
            balance_after_fen: balance,
            party_id,
            party_name,
            reference: String::new(),
            occurred_on: beijing_date(e.occurred_at).to_string(),
            recorded_at: e.occurred_at,
            recorded_by: e.actor_id,
            recorded_by_name: e.actor_name.clone(),
            second_officer_id: None,
            disbursement_id: None,
        });
    }
    (account, entries)
}
