//! Closing (结案) from the case's own facts. `App::closing_check` gathers what the records
//! show (`Store::closing_inputs`) into the domain's `ClosingFacts` and lists every condition of
//! the chosen mode with its evidence; `Command::CloseCase` acts only when all hold.
//! - 终本 closes by its ruling: the request moves the case to 结案审查 and submits the ruling to
//!   the approving level; approval checks the conditions again and, in the transaction that
//!   issues the ruling, closes the case and enters it in the dormant-case library with its
//!   first re-inquiry date. A returned or withdrawn ruling leaves the case open.
//! - The other modes close at once.
//!
//! Either way the case pipeline closes it (completing the 执行期限 node, cancelling the other
//! open nodes, opening the archiving node) and the event records the conditions as they stood.
//! `Command::RecordClosingFact` records what the conditions need besides documents and
//! measures (the interview with the applicant, the search for a missing debtor, …).

use chrono::NaiveDate;
use serde_json::json;
use zhixing_docs::DocKind;
use zhixing_domain::case::{ClosingMode, Stage};
use zhixing_domain::closing::{
    self as rules, BlacklistFact, ClosingFacts, ConditionCheck, Evidence, InvestigationFact,
    MissingDebtorFact, RecordKind, TerminationGround,
};
use zhixing_domain::document::DocStatus;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::{CaseAction, Happened};
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_domain::settlement::{self, SettlementStatus};
use zhixing_store::closing::{ClosingInputs, ClosingRecordRow, NewClosingRecord};
use zhixing_store::rows::CaseRow;
use zhixing_store::WriteTx;

use crate::commands::{case_event, CaseItem, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Who closes a case (the ruling they draft is approved at its level).
pub const CLOSERS: &[Role] = &[Judge, TeamLeader];

/// Who records the facts closing rests on.
pub const RECORDERS: &[Role] = &[Clerk, Officer, Judge, TeamLeader];

/// What closing in a mode needs besides the case's records.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClosingExtras {
    /// 终结执行: the statutory ground and its evidence in words.
    pub ground: Option<TerminationGround>,
    /// The evidence for the ground, or the ruling/reason of 销案, 不予执行, 驳回申请.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingView {
    pub case_id: i64,
    pub case_number: String,
    pub version: i64,
    pub stage: Stage,
    pub mode: ClosingMode,
    pub checks: Vec<ConditionCheck>,
    pub all_met: bool,
    pub records: Vec<ClosingRecordRow>,
    pub today: NaiveDate,
    pub open: bool,
    pub may_close: bool,
    pub may_record: bool,
    /// A 终本 ruling drafted and not yet issued or withdrawn: the case closes when it is issued.
    pub pending_ruling: Option<PendingRuling>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRuling {
    pub document_id: i64,
    pub status: DocStatus,
}

fn doc_evidence(inputs: &ClosingInputs, kind: &str) -> Option<(i64, String)> {
    inputs
        .issued
        .iter()
        .rev()
        .find(|d| d.kind == kind)
        .map(|d| (d.id, d.number.clone().unwrap_or_default()))
}

fn record(inputs: &ClosingInputs, kind: RecordKind) -> Option<&ClosingRecordRow> {
    inputs.records.iter().rev().find(|r| r.kind == kind.key())
}

fn record_evidence(r: &ClosingRecordRow) -> Evidence {
    Evidence::new(
        format!("{}：{}", r.happened_on, r.summary),
        format!("{}: {}", r.happened_on, r.summary),
        None,
    )
}

/// The domain's facts from the case's records (pure once the inputs are read).
pub fn facts_of(
    case: &CaseRow,
    inputs: &ClosingInputs,
    settlement_performed: Option<Evidence>,
    today: NaiveDate,
    extras: &ClosingExtras,
) -> ClosingFacts {
    let filed_on = beijing_date(case.filed_at);
    let notice = match (
        doc_evidence(inputs, "notice"),
        doc_evidence(inputs, "asset_report_order"),
    ) {
        (Some((id, n1)), Some((_, n2))) => Some(Evidence::new(
            format!("执行通知书 {n1}、报告财产令 {n2} 已签发"),
            format!("notice {n1} and asset-report order {n2} issued"),
            Some(format!("/documents/{id}")),
        )),
        _ => inputs.notice_event_at.map(|at| {
            let on = beijing_date(at);
            Evidence::new(
                format!("{on} 已发出执行通知书和报告财产令"),
                format!("notice and asset-report order issued on {on}"),
                None,
            )
        }),
    };
    let restriction = inputs
        .coercive_in_force
        .iter()
        .find(|(k, _)| k == "consumption_restriction")
        .map(|(_, party)| {
            Evidence::new(
                format!("已对{party}限制高消费"),
                format!("consumption restricted for {party}"),
                None,
            )
        })
        .or_else(|| {
            doc_evidence(inputs, "consumption_restriction").map(|(id, n)| {
                Evidence::new(
                    format!("限制消费令 {n} 已签发"),
                    format!("restriction order {n} issued"),
                    Some(format!("/documents/{id}")),
                )
            })
        });
    let blacklist = match inputs
        .coercive_in_force
        .iter()
        .find(|(k, _)| k == "dishonest_list")
    {
        Some((_, party)) => BlacklistFact::Listed(Evidence::new(
            format!("已将{party}纳入失信被执行人名单"),
            format!("{party} is on the dishonest-debtor list"),
            doc_evidence(inputs, "dishonest_decision").map(|(id, _)| format!("/documents/{id}")),
        )),
        None => match record(inputs, RecordKind::BlacklistIneligible) {
            Some(r) => BlacklistFact::NotEligible(record_evidence(r)),
            None => BlacklistFact::NotListed,
        },
    };
    let disposable = inputs
        .held
        .iter()
        .filter(|h| h.amount_fen.is_none_or(|a| a > 0))
        .map(|h| match h.amount_fen {
            Some(a) => format!("{}（{} 元）", h.description, Fen(a)),
            None => h.description.clone(),
        })
        .collect();
    let missing_debtor = match (
        record(inputs, RecordKind::DebtorSearched),
        record(inputs, RecordKind::DebtorMissing),
    ) {
        (Some(r), _) => MissingDebtorFact::Done(record_evidence(r)),
        (None, Some(r)) => MissingDebtorFact::Pending {
            zh: format!("被执行人下落不明（{}），尚无查找记录", r.summary),
            en: format!(
                "a debtor cannot be found ({}); no search is recorded",
                r.summary
            ),
        },
        (None, None) => MissingDebtorFact::NotApplicable,
    };
    let reason = extras.reason.trim();
    ClosingFacts {
        filed_on,
        today,
        claim: Fen(case.claim_fen),
        recovered: Fen(case.recovered_fen),
        held: Fen(case.held_fen),
        notice,
        restriction,
        blacklist,
        investigation: InvestigationFact {
            debtors: u32::try_from(inputs.debtors).unwrap_or(0),
            debtors_answered: u32::try_from(inputs.debtors_answered).unwrap_or(0),
            pending_leads: u32::try_from(inputs.pending_leads).unwrap_or(0),
            disposable,
        },
        missing_debtor,
        applicant_heard: record(inputs, RecordKind::ApplicantHeard).map(record_evidence),
        settlement_performed,
        applicant_satisfied: record(inputs, RecordKind::ApplicantSatisfied).map(record_evidence),
        measures_in_force: u32::try_from(inputs.held.len()).unwrap_or(u32::MAX),
        pending_disbursements: u32::try_from(inputs.pending_disbursements).unwrap_or(0),
        termination_ground: extras
            .ground
            .filter(|_| !reason.is_empty())
            .map(|g| (g, Evidence::new(reason, reason, None))),
        ruling: (!reason.is_empty()).then(|| Evidence::new(reason, reason, None)),
    }
}

impl App {
    async fn closing_case(&self, actor: &Actor, case_id: i64) -> AppResult<CaseRow> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        Ok(case)
    }

    /// The facts and the checked conditions of closing `case` in `mode` today.
    async fn checks_of(
        &self,
        case: &CaseRow,
        mode: ClosingMode,
        extras: &ClosingExtras,
        today: NaiveDate,
    ) -> AppResult<(Vec<ConditionCheck>, ClosingInputs)> {
        let inputs = self.store.closing_inputs(case.id).await?;
        let mut performed = None;
        if let Some(s) = self
            .store
            .case_settlements(case.id)
            .await?
            .into_iter()
            .find(|s| s.status == "active")
        {
            let instalments: Vec<zhixing_domain::settlement::Instalment> =
                serde_json::from_str(&s.instalments)
                    .map_err(|e| AppError::Internal(format!("stored instalments: {e}")))?;
            let paid: i64 = self
                .store
                .settlement_payments(s.id)
                .await?
                .iter()
                .map(|p| p.amount_fen)
                .sum();
            let p = settlement::performance(
                &instalments,
                Fen(paid),
                u32::try_from(s.grace_days).unwrap_or(0),
                today,
            );
            if p.status == SettlementStatus::Performed {
                performed = Some(Evidence::new(
                    format!("{} 签订的和解协议已履行完毕（{} 元）", s.signed_on, p.paid),
                    format!(
                        "the settlement signed {} was performed ({} yuan)",
                        s.signed_on, p.paid
                    ),
                    None,
                ));
            }
        }
        let facts = facts_of(case, &inputs, performed, today, extras);
        Ok((rules::check_closing(mode, &facts), inputs))
    }

    /// The closing page: every condition of `mode` with what the records show.
    pub async fn closing_check(
        &self,
        actor: &Actor,
        case_id: i64,
        mode: ClosingMode,
    ) -> AppResult<ClosingView> {
        let case = self.closing_case(actor, case_id).await?;
        let today = beijing_date(zhixing_store::now_ms());
        let (checks, inputs) = self
            .checks_of(&case, mode, &ClosingExtras::default(), today)
            .await?;
        let stage = Stage::from_key(&case.stage)?;
        let own = actor.court_id == case.court_id;
        let pending_ruling = self
            .store
            .case_documents(case.id)
            .await?
            .into_iter()
            .filter(|d| d.kind == DocKind::TerminationRuling.key())
            .find_map(|d| {
                let status = DocStatus::from_key(&d.status)?;
                matches!(
                    status,
                    DocStatus::Draft | DocStatus::Submitted | DocStatus::Returned
                )
                .then_some(PendingRuling {
                    document_id: d.id,
                    status,
                })
            });
        Ok(ClosingView {
            pending_ruling,
            case_id: case.id,
            version: case.version,
            stage,
            mode,
            // Ground and ruling come with the closing form; the page shows them as missing.
            all_met: checks.iter().all(|c| c.met),
            checks,
            records: inputs.records,
            today,
            open: stage.is_open(),
            may_close: own && CLOSERS.contains(&actor.role),
            may_record: own && RECORDERS.contains(&actor.role),
            case_number: case.case_number,
        })
    }

    pub(crate) async fn closing_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::RecordClosingFact {
                case_id,
                kind,
                happened_on,
                summary,
            } => {
                self.record_closing_fact(actor, cmd, *case_id, *kind, *happened_on, summary)
                    .await
            }
            Command::CloseCase {
                case_id,
                version,
                mode,
                extras,
            } => {
                self.close_case(actor, cmd, *case_id, *version, *mode, extras)
                    .await
            }
            _ => Err(AppError::Internal("not a closing command".into())),
        }
    }

    async fn record_closing_fact(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
        kind: RecordKind,
        happened_on: NaiveDate,
        summary: &str,
    ) -> AppResult<Outcome> {
        let case = self.closing_case(actor, case_id).await?;
        if actor.court_id != case.court_id {
            return Err(AppError::other_court());
        }
        self.court_scope(actor, case.court_id, cmd)?;
        let summary = summary.trim();
        if summary.is_empty() || summary.chars().count() > 1000 {
            return Err(AppError::invalid(
                "closing.summary",
                "请写明经过（不超过 1000 字）",
                "describe what happened (at most 1,000 characters)",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let today = beijing_date(tx.now);
        if happened_on > today {
            return Err(AppError::invalid(
                "closing.date_in_future",
                "日期不能晚于今天",
                "the date cannot be after today",
            ));
        }
        let row = tx
            .case_for_update(case.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !Stage::from_key(&row.stage)?.is_open() {
            return Err(AppError::invalid(
                "case.closed",
                "案件已结案，不能再办理此事项",
                "the case is closed; this action is no longer possible",
            ));
        }
        let id = tx
            .insert_closing_record(&NewClosingRecord {
                court_id: row.court_id,
                case_id: row.id,
                kind: kind.key().into(),
                happened_on: happened_on.to_string(),
                summary: summary.into(),
                recorded_by: actor.user_id,
                recorded_by_name: actor.display_name.clone(),
            })
            .await?;
        let h = Happened {
            kind: EventKind::ClosingRecorded,
            payload: json!({
                "record_id": id, "kind": kind.key(), "happened_on": happened_on.to_string(),
                "summary": format!("{}：{summary}", kind.name_zh()),
                "summary_en": format!("{}: {summary}", kind.name_en()),
            }),
        };
        tx.append_events(&[case_event(actor, row.court_id, row.id, tx.now, &h)])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            case_number: Some(row.case_number),
            ..Default::default()
        })
    }

    async fn close_case(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
        version: i64,
        mode: ClosingMode,
        extras: &ClosingExtras,
    ) -> AppResult<Outcome> {
        let case = self.closing_case(actor, case_id).await?;
        if actor.court_id != case.court_id {
            return Err(AppError::other_court());
        }
        self.court_scope(actor, case.court_id, cmd)?;
        if case.version != version {
            return Err(AppError::Conflict(
                "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again".into(),
            ));
        }
        let stage = Stage::from_key(&case.stage)?;
        if !stage.is_open() {
            return Err(AppError::invalid(
                "closing.already_closed",
                "案件已结案，不能重复结案",
                "the case is already closed",
            ));
        }
        let today = beijing_date(zhixing_store::now_ms());
        let (checks, _) = self.checks_of(&case, mode, extras, today).await?;
        rules::require_all(mode, &checks)?;
        if mode == ClosingMode::Dormant {
            return self
                .request_dormant(actor, &case, stage, version, &checks)
                .await;
        }
        let mut tx = self.store.begin_write().await?;
        let last = self
            .close_in_tx(&mut tx, actor, &case, Some(version), mode, &checks)
            .await?;
        let reviewed = Happened {
            kind: EventKind::ClosingReviewed,
            payload: json!({
                "mode": mode.key(), "conditions": conditions_payload(&checks),
                "ground": extras.ground.map(|g| g.key()), "reason": extras.reason.trim(),
                "summary": format!("以“{}”结案，{} 项条件均已满足", mode.name_zh(), checks.len()),
                "summary_en": format!("closed as \"{}\"; all {} conditions met", mode.name_en(), checks.len()),
            }),
        };
        tx.append_events(&[case_event(actor, case.court_id, case.id, tx.now, &reviewed)])
            .await?;
        tx.commit().await?;
        Ok(last)
    }

    /// 终本 is closed by its ruling: the request moves the case to 结案审查 and submits the
    /// ruling, drafted from the conditions as they stand, to the approving level. The case
    /// closes when the ruling is issued (`close_on_ruling_in_tx`), so a returned or withdrawn
    /// ruling leaves it open, and a case is never 终本 without a ruling.
    async fn request_dormant(
        &self,
        actor: &Actor,
        case: &CaseRow,
        stage: Stage,
        version: i64,
        checks: &[ConditionCheck],
    ) -> AppResult<Outcome> {
        let mut data = self.document_data(actor, case.id).await?;
        data.notes = ruling_notes(checks);
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .case_for_update(case.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if row.version != version {
            return Err(AppError::Conflict(
                "案件已被他人修改，请刷新后重试 / the case was changed by someone else; reload and try again".into(),
            ));
        }
        let kind = DocKind::TerminationRuling;
        if let Some(d) = tx
            .unfinished_documents_of_kind(case.id, kind.key())
            .await?
            .first()
        {
            return Err(AppError::invalid(
                "closing.ruling_pending",
                format!(
                    "本案已有未签发的终本裁定（文书 {} 号），请在该文书上提交或撤回；裁定批准签发时即结案",
                    d.id
                ),
                format!(
                    "this case already has a 终本 ruling not yet issued (document {}); submit or withdraw it there. The case closes when the ruling is issued",
                    d.id
                ),
            ));
        }
        let ruling = self
            .draft_in_tx(&mut tx, actor, case.id, kind, data, true, None)
            .await?;
        if stage != Stage::Closing {
            let action = CaseAction::MoveStage { to: Stage::Closing };
            let item = (
                Command::Case {
                    case_id: case.id,
                    version,
                    action: action.clone(),
                },
                CaseItem {
                    case_id: case.id,
                    version: Some(version),
                    action,
                },
            );
            for r in self.case_actions_in_tx(&mut tx, actor, vec![item]).await? {
                r?;
            }
        }
        let mode = ClosingMode::Dormant;
        let requested = Happened {
            kind: EventKind::ClosingReviewed,
            payload: json!({
                "mode": mode.key(), "conditions": conditions_payload(checks),
                "document_id": ruling, "requested": true,
                "summary": format!(
                    "报请以“{}”结案，{} 项条件均已满足；终本裁定已提交审批，批准签发时结案",
                    mode.name_zh(), checks.len()
                ),
                "summary_en": format!(
                    "asked to close as \"{}\"; all {} conditions met; the ruling is submitted for approval and the case closes when it is issued",
                    mode.name_en(), checks.len()
                ),
            }),
        };
        tx.append_events(&[case_event(
            actor,
            case.court_id,
            case.id,
            tx.now,
            &requested,
        )])
        .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(case.id),
            case_number: Some(case.case_number.clone()),
            ruling_id: Some(ruling),
            ..Default::default()
        })
    }

    /// The 终本 conditions as they stand when the ruling is approved: the case's facts may have
    /// changed since the request (an asset found, a payout proposed), so approval checks again
    /// and is refused, naming what fails, rather than close a case that no longer qualifies.
    pub(crate) async fn dormant_checks_for_ruling(
        &self,
        case: &CaseRow,
    ) -> AppResult<Vec<ConditionCheck>> {
        let today = beijing_date(zhixing_store::now_ms());
        let mode = ClosingMode::Dormant;
        let (checks, _) = self
            .checks_of(case, mode, &ClosingExtras::default(), today)
            .await?;
        rules::require_all(mode, &checks).map_err(|e| {
            AppError::invalid(
                "closing.ruling_conditions",
                format!("终本条件已不再全部满足，裁定不能签发：{}", e.zh),
                format!(
                    "the 终本 conditions no longer all hold, so the ruling cannot be issued: {}",
                    e.en
                ),
            )
        })?;
        Ok(checks)
    }

    /// Closes `case` as 终本 in the transaction that issues its ruling `number`: the case
    /// pipeline closes it (nodes completed or cancelled, archiving node opened), the event
    /// records the conditions as they stood, and the case enters the dormant-case library.
    pub(crate) async fn close_on_ruling_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        checks: &[ConditionCheck],
        number: &str,
    ) -> AppResult<()> {
        let mode = ClosingMode::Dormant;
        self.close_in_tx(tx, actor, case, None, mode, checks)
            .await?;
        let reviewed = Happened {
            kind: EventKind::ClosingReviewed,
            payload: json!({
                "mode": mode.key(), "conditions": conditions_payload(checks), "ruling": number,
                "summary": format!("终本裁定 {number} 已签发，以“{}”结案，{} 项条件均已满足", mode.name_zh(), checks.len()),
                "summary_en": format!("ruling {number} issued; closed as \"{}\"; all {} conditions met", mode.name_en(), checks.len()),
            }),
        };
        tx.append_events(&[case_event(actor, case.court_id, case.id, tx.now, &reviewed)])
            .await?;
        let closed_on = beijing_date(tx.now);
        let next = rules::reinquiry_on(closed_on, 1).map(|d| d.to_string());
        tx.insert_dormant(
            case.id,
            case.court_id,
            &closed_on.to_string(),
            next.as_deref(),
        )
        .await?;
        Ok(())
    }

    /// Moves the case to 结案审查 if needed and closes it through the case pipeline.
    async fn close_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case: &CaseRow,
        version: Option<i64>,
        mode: ClosingMode,
        checks: &[ConditionCheck],
    ) -> AppResult<Outcome> {
        let case_id = case.id;
        let stage = Stage::from_key(&case.stage)?;
        let command = |action: CaseAction| Command::Case {
            case_id,
            version: version.unwrap_or(case.version),
            action,
        };
        let mut items = Vec::new();
        let mut first_version = version;
        if stage != Stage::Closing {
            let action = CaseAction::MoveStage { to: Stage::Closing };
            items.push((
                command(action.clone()),
                CaseItem {
                    case_id,
                    version: first_version.take(),
                    action,
                },
            ));
        }
        let close = CaseAction::Close {
            mode,
            dormant: (mode == ClosingMode::Dormant).then(|| rules::dormant_checklist(checks)),
        };
        items.push((
            command(close.clone()),
            CaseItem {
                case_id,
                version: first_version,
                action: close,
            },
        ));
        let mut last = Outcome::default();
        for r in self.case_actions_in_tx(tx, actor, items).await? {
            last = r?;
        }
        Ok(last)
    }
}

/// What the 终本 ruling states of the conditions (the payout conditions are not its business).
fn ruling_notes(checks: &[ConditionCheck]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| c.key != "funds_paid_out" && c.key != "no_pending_disbursement")
        .map(|c| format!("{}：{}", c.name_zh, c.detail_zh))
        .collect()
}

fn conditions_payload(checks: &[ConditionCheck]) -> Vec<serde_json::Value> {
    checks
        .iter()
        .map(|c| json!({"key": c.key, "detail": c.detail_zh}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhixing_store::closing::{HeldAssetRow, IssuedDocRow};

    fn case() -> CaseRow {
        CaseRow {
            id: 1,
            court_id: 1,
            case_number: "（2026）豫0883执1号".into(),
            year: 2026,
            case_type: "first".into(),
            seq: 1,
            stage: "investigation".into(),
            suspended: 0,
            locked: 0,
            closing_mode: None,
            claim_fen: 10_000_000,
            recovered_fen: 0,
            held_fen: 0,
            basis_court: String::new(),
            basis_number: String::new(),
            basis_kind: String::new(),
            basis_date: String::new(),
            team_id: None,
            officer_id: None,
            applicant_names: String::new(),
            debtor_names: String::new(),
            search_text: String::new(),
            filed_at: 1_767_225_600_000, // 2026-01-01 08:00 Beijing
            closed_at: None,
            version: 1,
        }
    }

    #[test]
    fn facts_come_from_the_records() {
        let inputs = ClosingInputs {
            issued: vec![
                IssuedDocRow {
                    id: 7,
                    kind: "notice".into(),
                    number: Some("（2026）豫0883执1号".into()),
                    issued_on: None,
                },
                IssuedDocRow {
                    id: 8,
                    kind: "asset_report_order".into(),
                    number: Some("（2026）豫0883执1号".into()),
                    issued_on: None,
                },
            ],
            coercive_in_force: vec![("consumption_restriction".into(), "李四".into())],
            debtors: 1,
            debtors_answered: 1,
            pending_leads: 0,
            held: vec![HeldAssetRow {
                control_kind: "freeze".into(),
                description: "工商银行账户".into(),
                amount_fen: Some(0),
            }],
            pending_disbursements: 0,
            records: vec![],
            notice_event_at: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let f = facts_of(&case(), &inputs, None, today, &ClosingExtras::default());
        assert_eq!(
            f.notice.as_ref().unwrap().link.as_deref(),
            Some("/documents/7")
        );
        assert!(f.restriction.is_some());
        assert_eq!(f.blacklist, BlacklistFact::NotListed);
        // An empty frozen account is not disposable, but the freeze is still in force.
        assert!(f.investigation.disposable.is_empty());
        assert_eq!(f.measures_in_force, 1);
        assert_eq!(f.missing_debtor, MissingDebtorFact::NotApplicable);
        let checks = rules::check_closing(ClosingMode::Dormant, &f);
        let failed: Vec<&str> = checks.iter().filter(|c| !c.met).map(|c| c.key).collect();
        assert_eq!(failed, ["blacklisted_where_eligible", "applicant_heard"]);
    }
}
