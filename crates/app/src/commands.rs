//! The one write path. Every change to courts, teams, users and cases is a `Command` run by
//! `App::execute`, which authorises, loads, refuses locked or stale cases, lets the domain
//! decide, and writes the new state with its events in one transaction.

use chrono::Datelike;
use serde_json::json;
use zhixing_domain::audit::canonical_payload;
use zhixing_domain::basis::Basis;
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::case_number::{CaseNumber, SequenceKey};
use zhixing_domain::court::CourtCode;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::{self, CaseAction, CaseState, Happened};
use zhixing_domain::money::Fen;
use zhixing_domain::party::Party;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_store::assets::InquiryTarget;
use zhixing_store::rows::CaseRow;
use zhixing_store::{NewCase, NewEvent, NewParty};

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::App;

#[derive(Debug, Clone)]
pub struct FileCase {
    pub court_id: i64,
    pub case_type: CaseType,
    pub basis: Basis,
    pub claim: Fen,
    pub applicants: Vec<Party>,
    pub debtors: Vec<Party>,
    /// The reception record this filing comes from, if the applicant came to the window.
    pub reception_id: Option<i64>,
    /// Facts for triage: special flags (涉黑恶 …) and whether the debtor can easily be found.
    pub flags: std::collections::BTreeSet<zhixing_domain::triage::CaseFlag>,
    pub debtor_locatable: bool,
    /// What the clerk had to record at filing, e.g. why a credit code with a wrong check digit
    /// was accepted; kept in the filing event.
    pub note: Option<String>,
}

/// A party of a case being written: already stored (a new filing inserts its parties first; a
/// restored case links the parties of the case it continues).
#[derive(Debug, Clone)]
pub(crate) struct FilingParty {
    pub party_id: i64,
    pub name: String,
    pub id_number: String,
}

/// A case to write, checked and routed (`App::file_case_in_tx`).
#[derive(Debug, Clone)]
pub(crate) struct CaseToFile {
    pub court_id: i64,
    pub court_code: CourtCode,
    pub case_type: CaseType,
    pub claim: Fen,
    pub basis_court: String,
    pub basis_number: String,
    pub basis_kind: String,
    pub basis_date: String,
    pub applicants: Vec<FilingParty>,
    pub debtors: Vec<FilingParty>,
    pub reception_id: Option<i64>,
    pub state: CaseState,
    /// Routing and assignment events decided before the write.
    pub routed: Vec<Happened>,
    /// More fields for the filing event (`note`, `restored_from`).
    pub filed_extra: serde_json::Value,
}

#[derive(Debug, Clone)]
pub enum Command {
    RegisterCourt {
        code: CourtCode,
        name: String,
    },
    CreateTeam {
        court_id: i64,
        kind: TeamKind,
        name: String,
    },
    CreateUser {
        court_id: i64,
        team_id: Option<i64>,
        username: String,
        display_name: String,
        role: Role,
        password_hash: String,
    },
    RecordReception(Box<crate::intake::ReceptionInput>),
    /// A court's configuration document (triage rules, assignment weights), checked before saving.
    SaveSetting {
        court_id: i64,
        key: String,
        value: String,
        expected_version: i64,
    },
    FileCase(FileCase),
    /// A day of leave for a member of the court (the roster skips them that day).
    RecordLeave {
        court_id: i64,
        user_id: i64,
        date: chrono::NaiveDate,
        reason: String,
    },
    CancelLeave {
        court_id: i64,
        user_id: i64,
        date: chrono::NaiveDate,
    },
    /// The reception window's roster of one week, checked (`roster::edit_problems`) before saving.
    SaveRoster {
        court_id: i64,
        week_start: chrono::NaiveDate,
        slots_per_day: u32,
        duty_phone: String,
        entries: Vec<zhixing_domain::roster::RosterEntry>,
        expected_version: i64,
    },
    /// An officer leaves (离岗/调离): the account is deactivated, with the reason on the court's
    /// record. Their cases are reassigned separately, one audited case action each.
    DeactivateUser {
        user_id: i64,
        reason: String,
    },
    /// The case's officer (or a judge or team leader of its court) asks for the unlock of a
    /// case an overdue process node locked (解锁申请); the node's unlock level decides.
    RequestUnlock {
        case_id: i64,
        reason: String,
    },
    /// The same asks for three more months on the six-month limit (延长执行期限).
    RequestExtension {
        case_id: i64,
        reason: String,
    },
    /// An approver decides a request: an approved unlock sets the node's new deadline.
    DecideNodeRequest {
        request_id: i64,
        approve: bool,
        reason: String,
        new_due_on: Option<chrono::NaiveDate>,
    },
    /// A file for a case's electronic dossier, staged and checked (`dossier::DossierUpload`).
    AddDossierItem(Box<crate::dossier::DossierUpload>),
    /// Moves an item of the dossier within its volume.
    MoveDossierItem {
        item_id: i64,
        to: zhixing_domain::dossier::Move,
    },
    /// Drafts a document of a case (文书起草), kept as a draft or submitted for approval.
    DraftDocument(Box<crate::doc_review::DraftInput>),
    /// Changes a draft or returned document: the drafter's part, with the case facts refreshed.
    EditDocument {
        document_id: i64,
        version: i64,
        cause: String,
        notes: Vec<String>,
        assets: Vec<zhixing_docs::data::AssetData>,
    },
    /// A step of a document's review (文书审批): submit, return, approve (= issue), withdraw.
    ReviewDocument {
        document_id: i64,
        version: i64,
        step: zhixing_domain::document::ReviewStep,
    },
    /// Routine work (事务集约): draft these kinds for these cases, submitted for approval;
    /// `routine::run_routine_batch` does the work.
    StartRoutineBatch {
        case_ids: Vec<i64>,
        kinds: Vec<zhixing_docs::DocKind>,
    },
    /// Approve what a routine batch drafted, at the levels the actor may approve.
    StartApprovalBatch {
        source_batch_id: i64,
    },
    /// One attempt to serve an issued document by post, in person or by announcement, with
    /// its proof (`service::ServiceInput`).
    RecordService(Box<crate::service::ServiceInput>),
    /// The result of an attempt that was sent (a letter in transit, an unconfirmed link).
    RecordServiceResult(Box<crate::service::ServiceResultInput>),
    /// Electronic service: SMS or e-mail through the messenger, or the platform link.
    SendElectronic {
        task_id: i64,
        version: i64,
        method: zhixing_domain::document::ServiceMethod,
        address: String,
        consent: bool,
    },
    /// Money received into a case's account (案款到账): `ReceiveFunds` plus its ledger entry.
    RecordReceipt(Box<crate::funds::ReceiptInput>),
    /// A payout plan among the applicants (案款发放方案); paid at once within the proposer's
    /// authority, else waiting for the level the amount needs.
    ProposeDisbursement(Box<crate::funds::ProposalInput>),
    /// States each applicant's claim, the basis of the payout plan (分配方案) when a case has
    /// several applicants.
    SetApplicantClaims {
        case_id: i64,
        claims: Vec<zhixing_domain::funds::PlanLine>,
    },
    /// An approver pays (`DisburseFunds` plus entries) or refuses a waiting plan.
    DecideDisbursement {
        disbursement_id: i64,
        version: i64,
        approve: bool,
        reason: String,
    },
    /// Network inquiry now for a case (立即查询): submits and polls its open tasks; a case
    /// whose tasks are all answered gets a new round for every debtor.
    RunInquiry {
        case_id: i64,
    },
    /// A result from another channel (点对点, the registry, the debtor's report).
    RecordFinding(Box<crate::assets::FindingInput>),
    /// The applicant's asset lead (财产线索): due in 7 days, 3 when urgent.
    FileAssetLead(Box<crate::assets::LeadInput>),
    VerifyAssetLead(Box<crate::assets::VerifyInput>),
    /// A control measure (冻结、查封、扣押、扣划) on a finding, within the term caps.
    PlaceControl(Box<crate::assets::ControlInput>),
    /// 续冻/续封 before expiry: the new term runs from the old end date.
    RenewControl {
        measure_id: i64,
        version: i64,
        months: u32,
    },
    LiftControl {
        measure_id: i64,
        version: i64,
        reason: String,
    },
    /// A preservation measure carried into the enforcement case with its term running on.
    CarryOverControl(Box<crate::assets::CarryInput>),
    /// Tells the applicants the summary of the findings (SMS when they have a phone).
    InformApplicant {
        case_id: i64,
    },
    /// A coercive measure on a debtor (`measures::MeasureInput`).
    IssueMeasure(Box<crate::measures::MeasureInput>),
    /// Revokes a measure in force, with the reason.
    RevokeMeasure {
        measure_id: i64,
        version: i64,
        reason: String,
    },
    /// A settlement agreement with its instalments.
    RecordSettlement(Box<crate::measures::SettlementInput>),
    /// A payment under a settlement agreement.
    RecordSettlementPayment {
        settlement_id: i64,
        version: i64,
        paid_on: chrono::NaiveDate,
        amount: Fen,
        note: String,
    },
    /// Starts the disposal (财产处置) of a seized asset of the case (`disposal::StartInput`).
    StartDisposal(Box<crate::disposal::StartInput>),
    /// A disposal step (pricing, auction, sale, 以物抵债), checked by `disposal::check_step`.
    RecordDisposalStep(Box<crate::disposal::StepInput>),
    /// Withdraws an open disposal, with the reason.
    WithdrawDisposal {
        disposal_id: i64,
        version: i64,
        reason: String,
    },
    /// A fact closing rests on (the interview with the applicant, a debtor's search, …).
    RecordClosingFact {
        case_id: i64,
        kind: zhixing_domain::closing::RecordKind,
        happened_on: chrono::NaiveDate,
        summary: String,
    },
    /// Closes the case in `mode` when every condition holds (`closing::check_closing`).
    CloseCase {
        case_id: i64,
        version: i64,
        mode: ClosingMode,
        extras: crate::closing::ClosingExtras,
    },
    /// Restores a 终本 case (恢复执行): a linked 执恢 case routed to the dormant-case team.
    RestoreCase(Box<crate::dormant::RestoreInput>),
    /// Sets up a campaign (专项行动) of the actor's court.
    CreateCampaign(Box<crate::metrics::CampaignInput>),
    /// Tags cases, by number, to a campaign (all or none).
    TagCampaignCases {
        campaign_id: i64,
        case_numbers: Vec<String>,
    },
    /// Takes one case out of a campaign.
    UntagCampaignCase {
        campaign_id: i64,
        case_id: i64,
    },
    /// An action on one case, against the version the user saw.
    Case {
        case_id: i64,
        version: i64,
        action: CaseAction,
    },
}

/// One action of a batch run through the case pipeline.
#[derive(Debug, Clone)]
pub(crate) struct CaseItem {
    pub case_id: i64,
    /// The version the user saw; `None` for the system acting on the case as it is.
    pub version: Option<i64>,
    pub action: CaseAction,
}

/// What a command produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub case_number: Option<String>,
    /// For a reception record: the code the applicant registers with on the portal.
    pub binding_code: Option<String>,
    /// For a node-definitions or working-calendar setting: the open node instances it moved.
    pub recomputed: Option<crate::node_rules::RecomputeCounts>,
    /// For a 终本 request: the ruling submitted for approval (the case closes when it is issued).
    pub ruling_id: Option<i64>,
}

use Role::*;

/// Who staffs the window and files cases; also who may accept a credit code whose only fault
/// is its check digit, with a recorded reason (RULES.md §1).
pub const INTAKE_ROLES: &[Role] = &[ReceptionOfficer, Clerk];

/// Whether a role records receptions and files cases: pages ask before showing the form.
pub fn may_do_intake(role: Role) -> bool {
    INTAKE_ROLES.contains(&role)
}

/// Who may run what. One table, so a reviewer can read the whole permission model here.
pub fn allowed_roles(cmd: &Command) -> &'static [Role] {
    match cmd {
        Command::RegisterCourt { .. } | Command::CreateTeam { .. } | Command::CreateUser { .. } => {
            &[Administrator]
        }
        Command::FileCase(_) | Command::RecordReception(_) => INTAKE_ROLES,
        Command::SaveSetting { .. } => &[Administrator],
        Command::DeactivateUser { .. } => &[Administrator, BureauChief],
        Command::RecordLeave { .. } | Command::CancelLeave { .. } | Command::SaveRoster { .. } => {
            crate::roster::ROSTER_MANAGERS
        }
        Command::RequestUnlock { .. } | Command::RequestExtension { .. } => {
            crate::unlock::REQUESTERS
        }
        // Each approver only at their level and court (`unlock::check_decider`).
        Command::DecideNodeRequest { .. } => crate::unlock::APPROVERS,
        Command::AddDossierItem(_) | Command::MoveDossierItem { .. } => {
            crate::dossier::DOSSIER_STAFF
        }
        Command::StartRoutineBatch { .. } => crate::routine::ROUTINE_STAFF,
        // Each document is approved through the review command, which checks its level.
        Command::StartApprovalBatch { .. } => &[Judge, TeamLeader, BureauChief, President],
        // Reviewers only at the kind's level, never their own draft (`document::check_reviewer`).
        Command::DraftDocument(_) | Command::EditDocument { .. } => {
            zhixing_domain::document::DRAFTERS
        }
        Command::ReviewDocument { step, .. } => crate::doc_review::step_roles(step),
        Command::RecordService(_)
        | Command::RecordServiceResult(_)
        | Command::SendElectronic { .. } => crate::service::SERVICE_STAFF,
        Command::RecordReceipt(_)
        | Command::ProposeDisbursement(_)
        | Command::SetApplicantClaims { .. } => crate::funds::FUND_STAFF,
        // Each approver only at the level the amount needs (`funds::check_approver`).
        Command::DecideDisbursement { .. } => crate::funds::APPROVERS,
        Command::RunInquiry { .. }
        | Command::RecordFinding(_)
        | Command::FileAssetLead(_)
        | Command::VerifyAssetLead(_)
        | Command::PlaceControl(_)
        | Command::RenewControl { .. }
        | Command::LiftControl { .. }
        | Command::CarryOverControl(_)
        | Command::InformApplicant { .. } => crate::assets::ASSET_STAFF,
        // Fines, detention and referral only by a judge or above (`measures::DECIDERS`).
        Command::IssueMeasure(_)
        | Command::RevokeMeasure { .. }
        | Command::RecordSettlement(_)
        | Command::RecordSettlementPayment { .. } => crate::measures::MEASURE_STAFF,
        Command::StartDisposal(_)
        | Command::RecordDisposalStep(_)
        | Command::WithdrawDisposal { .. } => crate::disposal::DISPOSAL_STAFF,
        Command::RecordClosingFact { .. } => crate::closing::RECORDERS,
        Command::CloseCase { .. } => crate::closing::CLOSERS,
        Command::RestoreCase(_) => crate::dormant::RESTORERS,
        Command::CreateCampaign(_)
        | Command::TagCampaignCases { .. }
        | Command::UntagCampaignCase { .. } => crate::metrics::CAMPAIGN_MANAGERS,
        Command::Case { action, .. } => match action {
            CaseAction::AssignTeam { .. } => &[TeamLeader, BureauChief],
            CaseAction::AssignOfficer { .. } => &[TeamLeader, Judge, BureauChief],
            CaseAction::IssueNotice => &[Clerk, Officer, Judge, TeamLeader],
            CaseAction::MoveStage { .. } => &[Officer, Judge, TeamLeader, BureauChief],
            CaseAction::Suspend { .. } | CaseAction::Resume => &[Judge, BureauChief],
            CaseAction::Lock { .. } | CaseAction::Unlock { .. } => &[BureauChief, Supervisor],
            CaseAction::RecordInquiry { .. } => &[Clerk, Officer, Judge, TeamLeader],
            CaseAction::ReceiveFunds { .. } | CaseAction::DisburseFunds { .. } => {
                &[Officer, Judge, TeamLeader]
            }
            // The president too: a court may set 终本 rulings to the president's approval, and
            // issuing the ruling closes the case.
            CaseAction::Close { .. } => &[Judge, TeamLeader, BureauChief, President],
            CaseAction::Archive => &[Judge, TeamLeader, BureauChief],
        },
    }
}

/// Closing and case money have their own procedures: `CloseCase` checks the mode's
/// conditions against the case's facts (and 终本 closes only when its ruling is issued); the funds commands keep the
/// ledger and ask for approval above the court's amount. As plain case actions they would
/// skip all that, so `execute` refuses them.
fn by_procedure_only(action: &CaseAction) -> AppResult<()> {
    match action {
        CaseAction::Close { .. } => Err(AppError::invalid(
            "case.close_by_procedure",
            "结案须通过结案程序办理：核对结案条件并生成结案文书",
            "a case is closed through the closing procedure, which checks the conditions and drafts the ruling",
        )),
        CaseAction::ReceiveFunds { .. } | CaseAction::DisburseFunds { .. } => Err(AppError::invalid(
            "case.funds_by_account",
            "案款须通过案件账户登记收付，超过限额的发放须经审批",
            "case money is received and paid out through the case's account, with approval above the court's amount",
        )),
        _ => Ok(()),
    }
}

/// Whether the actor may act on a court they can see: case work is for the case's own court;
/// supervision (locking) and administration reach the courts below.
fn may_write_court(actor: &Actor, court_id: i64, cmd: &Command) -> bool {
    if !actor.can_see_court(court_id) {
        return false;
    }
    match cmd {
        Command::Case {
            action: CaseAction::Lock { .. } | CaseAction::Unlock { .. },
            ..
        } => true,
        Command::CreateTeam { .. }
        | Command::CreateUser { .. }
        | Command::RegisterCourt { .. }
        | Command::SaveSetting { .. } => true,
        // An administrator manages the courts below; a bureau chief only their own staff.
        Command::DeactivateUser { .. } => actor.role == Administrator || actor.court_id == court_id,
        // Approvers decide for the courts below; the level check says which.
        Command::DecideNodeRequest { .. } => true,
        _ => actor.court_id == court_id,
    }
}

impl App {
    pub async fn execute(&self, actor: &Actor, cmd: Command) -> AppResult<Outcome> {
        if let Command::Case { action, .. } = &cmd {
            by_procedure_only(action)?;
        }
        self.execute_command(actor, cmd).await
    }

    /// `execute` without the refusal of closing and money as plain case actions: tests and
    /// benchmarks set up closed cases and balances with it. No page, API path or command
    /// reaches it; every other check (roles, courts, versions, the lifecycle) still applies.
    #[doc(hidden)]
    pub async fn execute_for_setup(&self, actor: &Actor, cmd: Command) -> AppResult<Outcome> {
        self.execute_command(actor, cmd).await
    }

    async fn execute_command(&self, actor: &Actor, cmd: Command) -> AppResult<Outcome> {
        if !allowed_roles(&cmd).contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权办理此事项", actor.role.name_zh()),
                format!("a {} may not do this", actor.role.name_en()),
            ));
        }
        let outcome = match cmd.clone() {
            Command::RegisterCourt { code, name } => {
                self.register_court(actor, &cmd, code, name).await?
            }
            Command::CreateTeam {
                court_id,
                kind,
                name,
            } => {
                self.court_scope(actor, court_id, &cmd)?;
                let name = required_text(&name, "团队名称", "team name", 50)?;
                let mut tx = self.store.begin_write().await?;
                let id = tx.insert_team(court_id, kind.key(), &name).await?;
                let ev = court_event(
                    actor,
                    court_id,
                    tx.now,
                    EventKind::TeamCreated,
                    json!({"team_id": id, "kind": kind.key(), "name": name}),
                );
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                Outcome {
                    id: Some(id),
                    ..Default::default()
                }
            }
            Command::CreateUser {
                court_id,
                team_id,
                username,
                display_name,
                role,
                password_hash,
            } => {
                self.court_scope(actor, court_id, &cmd)?;
                let username = username_rules(&username)?;
                let display_name = required_text(&display_name, "姓名", "name", 30)?;
                let mut tx = self.store.begin_write().await?;
                let id = tx
                    .insert_user(
                        court_id,
                        team_id,
                        &username,
                        &display_name,
                        role.key(),
                        &password_hash,
                    )
                    .await?;
                let ev = court_event(
                    actor,
                    court_id,
                    tx.now,
                    EventKind::UserCreated,
                    json!({"user_id": id, "username": username, "display_name": display_name, "role": role.key()}),
                );
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                Outcome {
                    id: Some(id),
                    ..Default::default()
                }
            }
            Command::FileCase(f) => self.file_case(actor, &cmd, f).await?,
            Command::RecordReception(r) => self.record_reception(actor, *r).await?,
            Command::SaveSetting {
                court_id,
                key,
                value,
                expected_version,
            } => {
                self.court_scope(actor, court_id, &cmd)?;
                self.check_setting(court_id, &key, &value).await?;
                let mut tx = self.store.begin_write().await?;
                let version = tx
                    .save_court_setting(court_id, &key, &value, expected_version, actor.user_id)
                    .await?;
                let payload: serde_json::Value = serde_json::from_str(&value).unwrap_or_default();
                let mut payload = json!({"key": key, "title": setting_title(&key), "version": version, "value": payload});
                // Node definitions and calendars move the open instances they reach, in this
                // transaction; the event says how many.
                let recomputed = if crate::node_rules::is_node_rules_setting(&key) {
                    let r = self
                        .recompute_for_saved_setting(&mut tx, court_id, &key)
                        .await?;
                    payload["courts_recomputed"] = json!(r.courts);
                    payload["instances_changed"] = json!(r.instances_changed);
                    payload["status_changes"] = json!(r.status_changes);
                    payload["newly_overdue"] = json!(r.newly_overdue);
                    Some(r)
                } else {
                    None
                };
                let ev = court_event(actor, court_id, tx.now, EventKind::SettingsChanged, payload);
                tx.append_events(&[ev]).await?;
                tx.commit().await?;
                if recomputed.is_some() {
                    self.node_rules_changed();
                }
                Outcome {
                    version: Some(version),
                    recomputed,
                    ..Default::default()
                }
            }
            Command::RecordLeave { .. }
            | Command::CancelLeave { .. }
            | Command::SaveRoster { .. } => self.roster_command(actor, &cmd).await?,
            Command::RequestUnlock { .. }
            | Command::RequestExtension { .. }
            | Command::DecideNodeRequest { .. } => self.node_request_command(actor, &cmd).await?,
            Command::DeactivateUser { user_id, reason } => {
                self.deactivate_user(actor, &cmd, user_id, &reason).await?
            }
            Command::AddDossierItem(_) | Command::MoveDossierItem { .. } => {
                self.dossier_command(actor, &cmd).await?
            }
            Command::StartRoutineBatch {
                ref case_ids,
                ref kinds,
            } => {
                self.start_routine_batch(actor, &cmd, case_ids, kinds)
                    .await?
            }
            Command::StartApprovalBatch { source_batch_id } => {
                self.start_approval_batch(actor, &cmd, source_batch_id)
                    .await?
            }
            Command::DraftDocument(_)
            | Command::EditDocument { .. }
            | Command::ReviewDocument { .. } => self.document_command(actor, &cmd).await?,
            Command::RecordService(_)
            | Command::RecordServiceResult(_)
            | Command::SendElectronic { .. } => self.service_command(actor, &cmd).await?,
            Command::RecordReceipt(_)
            | Command::ProposeDisbursement(_)
            | Command::SetApplicantClaims { .. }
            | Command::DecideDisbursement { .. } => self.funds_command(actor, &cmd).await?,
            Command::RunInquiry { .. }
            | Command::RecordFinding(_)
            | Command::FileAssetLead(_)
            | Command::VerifyAssetLead(_)
            | Command::PlaceControl(_)
            | Command::RenewControl { .. }
            | Command::LiftControl { .. }
            | Command::CarryOverControl(_)
            | Command::InformApplicant { .. } => self.asset_command(actor, &cmd).await?,
            Command::IssueMeasure(_)
            | Command::RevokeMeasure { .. }
            | Command::RecordSettlement(_)
            | Command::RecordSettlementPayment { .. } => self.measure_command(actor, &cmd).await?,
            Command::StartDisposal(_)
            | Command::RecordDisposalStep(_)
            | Command::WithdrawDisposal { .. } => self.disposal_command(actor, &cmd).await?,
            Command::RecordClosingFact { .. } | Command::CloseCase { .. } => {
                self.closing_command(actor, &cmd).await?
            }
            Command::RestoreCase(i) => self.restore_case(actor, &cmd, &i).await?,
            Command::CreateCampaign(_)
            | Command::TagCampaignCases { .. }
            | Command::UntagCampaignCase { .. } => self.campaign_command(actor, &cmd).await?,
            Command::Case {
                case_id,
                version,
                action,
            } => {
                self.case_action(actor, &cmd, case_id, version, action)
                    .await?
            }
        };
        // After the commit, so that a concurrent reader cannot cache the old list again.
        if matches!(
            cmd,
            Command::RegisterCourt { .. }
                | Command::CreateTeam { .. }
                | Command::CreateUser { .. }
                | Command::DeactivateUser { .. }
                | Command::SaveSetting { .. }
                | Command::RecordLeave { .. }
                | Command::CancelLeave { .. }
        ) {
            self.staff_changed();
        }
        Ok(outcome)
    }

    pub(crate) fn court_scope(&self, actor: &Actor, court_id: i64, cmd: &Command) -> AppResult<()> {
        if self.with_courts(|t| t.get(court_id).is_none()) || !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        if !may_write_court(actor, court_id, cmd) {
            return Err(AppError::other_court());
        }
        Ok(())
    }

    async fn register_court(
        &self,
        actor: &Actor,
        cmd: &Command,
        code: CourtCode,
        name: String,
    ) -> AppResult<Outcome> {
        let name = required_text(&name, "法院名称", "court name", 50)?;
        let parent = match code.parent() {
            Some(p) => {
                let parent = self
                    .with_courts(|t| t.by_code(p.as_str()).cloned())
                    .ok_or_else(|| {
                        AppError::invalid(
                            "court.parent_missing",
                            format!("上级法院 {} 尚未登记", p.as_str()),
                            format!("the parent court {} is not registered", p.as_str()),
                        )
                    })?;
                if !may_write_court(actor, parent.id, cmd) {
                    return Err(AppError::other_court());
                }
                Some(parent.id)
            }
            None if actor.user_id.is_none() => None,
            None => {
                return Err(AppError::forbidden(
                    "只有系统可以登记高级法院",
                    "only the system registers a high court",
                ))
            }
        };
        if self.with_courts(|t| t.by_code(code.as_str()).is_some()) {
            return Err(AppError::invalid(
                "court.exists",
                format!("法院代字 {} 已存在", code.as_str()),
                "the court code exists",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let level = code.level();
        let id = tx
            .insert_court(code.as_str(), &name, level_key(level), parent)
            .await?;
        let ev = court_event(
            actor,
            id,
            tx.now,
            EventKind::CourtRegistered,
            json!({"code": code.as_str(), "name": name}),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        self.reload_courts().await?;
        Ok(Outcome {
            id: Some(id),
            ..Default::default()
        })
    }

    async fn file_case(&self, actor: &Actor, cmd: &Command, f: FileCase) -> AppResult<Outcome> {
        self.court_scope(actor, f.court_id, cmd)?;
        let court = self
            .with_courts(|t| t.get(f.court_id).cloned())
            .ok_or(AppError::NotFound)?;
        let court_code = CourtCode::parse(&court.code)?;
        let applicant_ids: Vec<&str> = f.applicants.iter().map(|p| p.identity.number()).collect();
        let debtor_ids: Vec<&str> = f.debtors.iter().map(|p| p.identity.number()).collect();
        lifecycle::check_filing(f.claim, &applicant_ids, &debtor_ids)?;

        // Triage and assignment are decided before the write, from what is committed now.
        let debtor_numbers: Vec<String> = debtor_ids.iter().map(|s| s.to_string()).collect();
        let facts = zhixing_domain::triage::TriageFacts {
            case_type: f.case_type,
            claim: f.claim,
            applicants: f.applicants.len() as u32,
            debtors: f.debtors.len() as u32,
            debtor_locatable: f.debtor_locatable,
            debtor_has_open_cases: self
                .store
                .debtor_has_open_cases(&[f.court_id], &debtor_numbers)
                .await?,
            flags: f.flags.clone(),
        };
        let filed_state = CaseState {
            stage: Stage::Filed,
            held: Fen(0),
            recovered: Fen(0),
            suspended: false,
            locked: false,
            closing_mode: None,
            team_id: None,
            officer_id: None,
        };
        let (state, routed) = self
            .route_and_assign(f.court_id, filed_state, &facts)
            .await?;
        let fund_settings = self.fund_settings(f.court_id).await?;

        let mut tx = self.store.begin_write().await?;
        let mut parties = (Vec::new(), Vec::new());
        for (role, list) in [("applicant", &f.applicants), ("debtor", &f.debtors)] {
            for p in list.iter() {
                let party = FilingParty {
                    party_id: tx.insert_party(&new_party(p)).await?,
                    name: p.name.clone(),
                    id_number: p.identity.number().to_string(),
                };
                match role {
                    "applicant" => parties.0.push(party),
                    _ => parties.1.push(party),
                }
            }
        }
        let new = CaseToFile {
            court_id: f.court_id,
            court_code,
            case_type: f.case_type,
            claim: f.claim,
            basis_court: f.basis.issuing_court.clone(),
            basis_number: f.basis.instrument_number.clone(),
            basis_kind: f.basis.kind.key().to_string(),
            basis_date: f.basis.effective_date.format("%Y-%m-%d").to_string(),
            applicants: parties.0,
            debtors: parties.1,
            reception_id: f.reception_id,
            state,
            routed,
            filed_extra: json!({"note": f.note}),
        };
        let (case_id, number) = self
            .file_case_in_tx(&mut tx, actor, &new, &fund_settings)
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(case_id),
            version: Some(1),
            case_number: Some(number),
            ..Default::default()
        })
    }

    /// Writes a new case in the caller's transaction: its number, the row, its account (一案一
    /// 账号), the parties' links, the same-day network inquiry of every debtor, the filing and
    /// routing events and the nodes they open. Filing and restoration (a 执恢 case continuing a
    /// 终本 one, `crate::dormant`) both come here, so a case starts the same way whatever brings
    /// it. The caller has checked and routed it, and commits.
    pub(crate) async fn file_case_in_tx(
        &self,
        tx: &mut zhixing_store::WriteTx,
        actor: &Actor,
        f: &CaseToFile,
        fund_settings: &zhixing_domain::funds::FundSettings,
    ) -> AppResult<(i64, String)> {
        let year = shanghai_year(tx.now);
        let key = SequenceKey {
            court: f.court_code.clone(),
            case_type: f.case_type,
            year,
        };
        let seq = tx.next_case_seq(&key.key_string()).await?;
        let seq_u32 =
            u32::try_from(seq).map_err(|_| AppError::Internal("case sequence overflow".into()))?;
        let number = CaseNumber::new(&key, seq_u32)?.to_string();
        let joined = |list: &[FilingParty]| {
            list.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        // What the list's text search looks in: the number and every party's name and id.
        let mut search = number.clone();
        for p in f.applicants.iter().chain(&f.debtors) {
            search.push(' ');
            search.push_str(&p.name);
            search.push(' ');
            search.push_str(&p.id_number);
        }
        let new = NewCase {
            court_id: f.court_id,
            case_number: number.clone(),
            year: i64::from(year),
            case_type: f.case_type.key().to_string(),
            seq,
            stage: f.state.stage.key().to_string(),
            claim_fen: f.claim.0,
            basis_court: f.basis_court.clone(),
            basis_number: f.basis_number.clone(),
            basis_kind: f.basis_kind.clone(),
            basis_date: f.basis_date.clone(),
            team_id: f.state.team_id,
            officer_id: f.state.officer_id,
            search_text: search,
            applicant_names: joined(&f.applicants),
            debtor_names: joined(&f.debtors),
            filed_at: tx.now,
        };
        let case_id = tx.insert_case(&new).await?;
        // 一案一账号: the case's account is opened with the case.
        let account = self.account_row(f.court_id, case_id, fund_settings, tx.now)?;
        tx.ensure_case_account(&account).await?;
        if let Some(r) = f.reception_id {
            tx.link_reception(r, case_id).await?;
        }
        let mut payload = json!({"case_number": number, "case_type": f.case_type.key(), "claim_fen": f.claim.0, "reception_id": f.reception_id});
        if let (Some(p), Some(extra)) = (payload.as_object_mut(), f.filed_extra.as_object()) {
            for (k, v) in extra {
                p.insert(k.clone(), v.clone());
            }
        }
        let filed = Happened {
            kind: EventKind::CaseFiled,
            payload,
        };
        let mut events = vec![case_event(actor, f.court_id, case_id, tx.now, &filed)];
        let today = crate::intake::shanghai_date(tx.now);
        for (role, list) in [("applicant", &f.applicants), ("debtor", &f.debtors)] {
            for (pos, p) in list.iter().enumerate() {
                tx.link_party(case_id, p.party_id, role, pos as i64).await?;
                // Same-day network inquiry for every debtor (the Jiaozuo practice).
                if role == "debtor" {
                    let target = InquiryTarget {
                        court_id: f.court_id,
                        case_id,
                        case_number: number.clone(),
                        party_id: p.party_id,
                        debtor_name: p.name.clone(),
                        id_number: p.id_number.clone(),
                    };
                    let task = tx.insert_inquiry_task(&target, &today).await?;
                    let started = Happened {
                        kind: EventKind::InquiryStarted,
                        payload: json!({"task_id": task, "summary": format!("对被执行人{}发起网络查控", p.name)}),
                    };
                    events.push(case_event(actor, f.court_id, case_id, tx.now, &started));
                }
            }
        }
        for h in &f.routed {
            events.push(case_event(actor, f.court_id, case_id, tx.now, h));
        }
        let kinds: Vec<EventKind> = events
            .iter()
            .filter_map(|e| EventKind::from_key(&e.kind))
            .collect();
        crate::nodes::react_in_tx(self, tx, f.court_id, case_id, &kinds, false).await?;
        tx.append_events(&events).await?;
        Ok((case_id, number))
    }

    async fn case_action(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
        version: i64,
        action: CaseAction,
    ) -> AppResult<Outcome> {
        let mut tx = self.store.begin_write().await?;
        let funds = action.clone();
        let outcome = self
            .case_action_in_tx(&mut tx, actor, cmd, case_id, Some(version), action)
            .await?;
        // Money moved as a plain case action still gets its ledger entry.
        self.ledger_for_case_action(&mut tx, actor, case_id, &funds)
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The case part of the pipeline inside a caller's transaction. `version` `None` acts on
    /// the case as it is now (the system's own actions); the caller commits. A refusal returns
    /// before anything is written, so the transaction stays usable. It is the batch form with
    /// one item, so a single command and the scheduler's thousand locks take the same steps.
    pub(crate) async fn case_action_in_tx(
        &self,
        tx: &mut zhixing_store::WriteTx,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
        version: Option<i64>,
        action: CaseAction,
    ) -> AppResult<Outcome> {
        let item = CaseItem {
            case_id,
            version,
            action,
        };
        let mut results = self
            .case_actions_in_tx(tx, actor, vec![(cmd.clone(), item)])
            .await?;
        results.pop().unwrap_or(Err(AppError::NotFound))
    }

    /// The case pipeline for many actions in one transaction: for each, role → court scope →
    /// lock → version → names → `decide`, against the case as the earlier items of the batch
    /// left it; then every case written by compare-and-set, the node instances reacting, and
    /// all events appended in item order. Each item's refusal is its own result and writes
    /// nothing; a storage error fails the whole call.
    pub(crate) async fn case_actions_in_tx(
        &self,
        tx: &mut zhixing_store::WriteTx,
        actor: &Actor,
        items: Vec<(Command, CaseItem)>,
    ) -> AppResult<Vec<AppResult<Outcome>>> {
        let mut ids: Vec<i64> = items.iter().map(|(_, i)| i.case_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut before: std::collections::HashMap<i64, CaseRow> = std::collections::HashMap::new();
        for row in tx.cases_for_update_many(&ids).await? {
            before.insert(row.id, row);
        }
        let mut current: std::collections::HashMap<i64, CaseRow> = before.clone();
        let now = tx.now;
        let mut results: Vec<AppResult<Outcome>> = Vec::with_capacity(items.len());
        // (item index, case, events, suspended after) of each item decided.
        let mut decided: Vec<(usize, i64, Vec<Happened>, bool)> = Vec::new();
        for (cmd, item) in items {
            let r = self
                .decide_case_item(tx, actor, &cmd, &item, &mut current, now)
                .await;
            match r {
                Ok((outcome, happened, suspended)) => {
                    decided.push((results.len(), item.case_id, happened, suspended));
                    results.push(Ok(outcome));
                }
                Err(e) => results.push(Err(e)),
            }
        }
        let touched: std::collections::HashSet<i64> = decided.iter().map(|d| d.1).collect();
        let pairs: Vec<(&CaseRow, &CaseRow)> = ids
            .iter()
            .filter(|id| touched.contains(id))
            .filter_map(|id| Some((before.get(id)?, current.get(id)?)))
            .collect();
        let saved: std::collections::HashSet<i64> =
            tx.save_cases(&pairs).await?.into_iter().collect();
        let mut events: Vec<NewEvent> = Vec::new();
        for (idx, case_id, happened, suspended) in decided {
            if !saved.contains(&case_id) {
                results[idx] = Err(AppError::Conflict(
                    "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again".into(),
                ));
                continue;
            }
            let court_id = current.get(&case_id).map_or(0, |r| r.court_id);
            let kinds: Vec<EventKind> = happened.iter().map(|h| h.kind).collect();
            crate::nodes::react_in_tx(self, tx, court_id, case_id, &kinds, suspended).await?;
            if kinds.contains(&EventKind::CaseClosed) {
                if let Some(row) = current.get(&case_id) {
                    crate::metrics::record_closing_in_tx(
                        tx,
                        case_id,
                        row.filed_at,
                        row.closed_at.unwrap_or(now),
                    )
                    .await?;
                }
            }
            events.extend(
                happened
                    .iter()
                    .map(|h| case_event(actor, court_id, case_id, now, h)),
            );
        }
        tx.append_events(&events).await?;
        Ok(results)
    }

    /// One item of [`Self::case_actions_in_tx`]: the checks and the decision, applied to the
    /// in-memory row. Returns the outcome, the events and whether the case is suspended after.
    async fn decide_case_item(
        &self,
        tx: &mut zhixing_store::WriteTx,
        actor: &Actor,
        cmd: &Command,
        item: &CaseItem,
        current: &mut std::collections::HashMap<i64, CaseRow>,
        now: i64,
    ) -> AppResult<(Outcome, Vec<Happened>, bool)> {
        if !allowed_roles(cmd).contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权办理此事项", actor.role.name_zh()),
                format!("a {} may not do this", actor.role.name_en()),
            ));
        }
        let mut row = current
            .get(&item.case_id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(row.court_id) {
            return Err(AppError::NotFound);
        }
        if !may_write_court(actor, row.court_id, cmd) {
            return Err(AppError::other_court());
        }
        let state = case_state(&row)?;
        let lock_whitelist = self
            .check_lock_in_tx(tx, cmd, &row, &state, &item.action)
            .await?;
        if item.version.is_some_and(|v| v != row.version) {
            return Err(AppError::Conflict(
                "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again".into(),
            ));
        }
        let action = self.resolve_names(&row, item.action.clone()).await?;
        let (next, happened) = lifecycle::decide_allowing(&state, &action, &lock_whitelist)?;
        apply_state(&mut row, &next, now);
        row.version += 1;
        let outcome = Outcome {
            id: Some(item.case_id),
            version: Some(row.version),
            case_number: Some(row.case_number.clone()),
            ..Default::default()
        };
        current.insert(item.case_id, row);
        Ok((outcome, happened, next.suspended))
    }

    /// Officers and teams are named by id in a command; check they belong to the case's court
    /// and fill in the names the timeline shows.
    async fn resolve_names(&self, row: &CaseRow, action: CaseAction) -> AppResult<CaseAction> {
        Ok(match action {
            CaseAction::AssignOfficer {
                officer_id, reason, ..
            } => {
                let user = self.store.user_by_id(officer_id).await?;
                let user = user
                    .filter(|u| u.court_id == row.court_id && u.active == 1)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "case.officer_unknown",
                            "承办人不属于本院或已停用",
                            "the officer is not an active member of this court",
                        )
                    })?;
                if row.team_id.is_some() && user.team_id != row.team_id {
                    return Err(AppError::invalid(
                        "case.officer_other_team",
                        format!("{}不是案件所在团队的成员，请先变更团队", user.display_name),
                        format!(
                            "{} is not a member of the case's team; change the team first",
                            user.display_name
                        ),
                    ));
                }
                // Hand assignment and reassignment (改派): the member must handle cases and be
                // at work today; a reassignment needs a reason.
                let member = self.member_load_of(&user).await?;
                zhixing_domain::assignment::check_manual(
                    row.officer_id,
                    &member,
                    reason.as_deref().unwrap_or(""),
                )?;
                CaseAction::AssignOfficer {
                    officer_id,
                    officer_name: user.display_name,
                    reason,
                }
            }
            CaseAction::AssignTeam {
                team_id, reason, ..
            } => {
                let team = self
                    .store
                    .teams(&[row.court_id])
                    .await?
                    .into_iter()
                    .find(|t| t.id == team_id)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "case.team_unknown",
                            "团队不属于本院",
                            "the team does not belong to this court",
                        )
                    })?;
                CaseAction::AssignTeam {
                    team_id,
                    team_name: team.name,
                    reason,
                }
            }
            other => other,
        })
    }
}

pub fn case_state(row: &CaseRow) -> AppResult<CaseState> {
    Ok(CaseState {
        stage: Stage::from_key(&row.stage)?,
        held: Fen(row.held_fen),
        recovered: Fen(row.recovered_fen),
        suspended: row.suspended != 0,
        locked: row.locked != 0,
        closing_mode: row
            .closing_mode
            .as_deref()
            .map(ClosingMode::from_key)
            .transpose()?,
        team_id: row.team_id,
        officer_id: row.officer_id,
    })
}

pub fn apply_state(row: &mut CaseRow, s: &CaseState, now: i64) {
    row.stage = s.stage.key().to_string();
    row.held_fen = s.held.0;
    row.recovered_fen = s.recovered.0;
    row.suspended = i64::from(s.suspended);
    row.locked = i64::from(s.locked);
    row.closing_mode = s.closing_mode.map(|m| m.key().to_string());
    row.team_id = s.team_id;
    row.officer_id = s.officer_id;
    if s.stage == Stage::Closed && row.closed_at.is_none() {
        row.closed_at = Some(now);
    }
}

pub fn case_event(actor: &Actor, court_id: i64, case_id: i64, at: i64, h: &Happened) -> NewEvent {
    NewEvent {
        court_id,
        case_id: Some(case_id),
        occurred_at: at,
        actor_id: actor.user_id,
        actor_name: actor.display_name.clone(),
        actor_role: actor.role.key().to_string(),
        kind: h.kind.key().to_string(),
        payload: canonical_payload(&h.payload),
    }
}

pub(crate) fn court_event(
    actor: &Actor,
    court_id: i64,
    at: i64,
    kind: EventKind,
    payload: serde_json::Value,
) -> NewEvent {
    NewEvent {
        court_id,
        case_id: None,
        occurred_at: at,
        actor_id: actor.user_id,
        actor_name: actor.display_name.clone(),
        actor_role: actor.role.key().to_string(),
        kind: kind.key().to_string(),
        payload: canonical_payload(&payload),
    }
}

pub fn level_key(level: zhixing_domain::court::CourtLevel) -> &'static str {
    use zhixing_domain::court::CourtLevel;
    match level {
        CourtLevel::High => "high",
        CourtLevel::Intermediate => "intermediate",
        CourtLevel::Basic => "basic",
    }
}

pub fn shanghai_year(ms: i64) -> u16 {
    use chrono::TimeZone;
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.year() as u16)
        .unwrap_or(1970)
}

pub fn new_party(p: &Party) -> NewParty {
    NewParty {
        kind: p.identity.kind_key().to_string(),
        name: p.name.clone(),
        id_number: p.identity.number().to_string(),
        phone: p.phone.clone(),
        address: p.address.clone(),
    }
}

fn required_text(s: &str, what_zh: &str, what_en: &str, max: usize) -> AppResult<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid(
            "text.required",
            format!("请填写{what_zh}"),
            format!("{what_en} is required"),
        ));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            "text.too_long",
            format!("{what_zh}不能超过 {max} 个字"),
            format!("{what_en} may not exceed {max} characters"),
        ));
    }
    Ok(t.to_string())
}

fn username_rules(u: &str) -> AppResult<String> {
    let u = u.trim();
    let ok = (3..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-');
    if !ok {
        return Err(AppError::invalid(
            "user.username_invalid",
            "用户名须为 3–32 位字母、数字、点、下划线或连字符",
            "the username must be 3–32 letters, digits, dots, underscores or hyphens",
        ));
    }
    Ok(u.to_string())
}

/// The name of a setting as the timeline shows it.
pub fn setting_title(key: &str) -> &'static str {
    match key {
        crate::triage::TRIAGE_SETTING => "繁简分流规则",
        crate::triage::WEIGHTS_SETTING => "分案负荷权重",
        crate::node_rules::NODES_SETTING => "流程节点期限",
        crate::node_rules::CALENDAR_SETTING => "工作日历",
        k if crate::documents::template_setting_kind(k).is_some() => "文书模板",
        crate::doc_review::APPROVAL_SETTING => "文书审批权限",
        crate::funds::FUND_SETTING => "案款账户与发放审批",
        crate::metrics::METRICS_SETTING => "质效指标口径",
        _ => "本院设置",
    }
}

impl App {
    /// Refuses a setting document that does not parse or does not fit the court.
    async fn check_setting(&self, court_id: i64, key: &str, value: &str) -> AppResult<()> {
        match key {
            crate::triage::TRIAGE_SETTING => {
                let rules = zhixing_domain::triage::RuleSet::from_json(value)?;
                rules.validate(&self.team_kinds(court_id).await?)?;
            }
            crate::triage::WEIGHTS_SETTING => {
                zhixing_domain::assignment::LoadWeights::from_json(value)?;
            }
            crate::node_rules::NODES_SETTING | crate::node_rules::CALENDAR_SETTING => {
                crate::node_rules::check_node_rules_setting(key, value)?;
            }
            k if crate::documents::template_setting_kind(k).is_some() => {
                let kind = crate::documents::template_setting_kind(k).expect("checked");
                crate::documents::check_template_setting(kind, value)?;
            }
            crate::doc_review::APPROVAL_SETTING => {
                crate::doc_review::parse_approval_setting(value)?;
            }
            crate::funds::FUND_SETTING => self.check_fund_setting(court_id, value)?,
            crate::metrics::METRICS_SETTING => {
                zhixing_domain::metrics::Definitions::from_json(value)?;
            }
            other => {
                return Err(AppError::invalid(
                    "setting.unknown",
                    format!("未知的设置项：{other}"),
                    format!("unknown setting: {other}"),
                ))
            }
        }
        Ok(())
    }
}
