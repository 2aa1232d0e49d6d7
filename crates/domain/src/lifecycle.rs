//! What a case action does to a case: the decision, separate from storage. The command pipeline
//! loads the state, asks `decide`, and stores the new state with the events it returns; demo data
//! walks cases through their history with the same function, so both obey the same rules.

use serde_json::{json, Value};

use crate::case::{ClosingMode, DormantChecklist, Stage};
use crate::error::{DomainError, DomainResult};
use crate::event::EventKind;
use crate::money::Fen;

/// The parts of a case that actions change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub stage: Stage,
    /// Received into the case account and not yet paid out.
    pub held: Fen,
    /// Paid out to the applicant (执行到位).
    pub recovered: Fen,
    pub suspended: bool,
    pub locked: bool,
    pub closing_mode: Option<ClosingMode>,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAction {
    AssignTeam {
        team_id: i64,
        team_name: String,
        reason: String,
    },
    /// Assigning (分案) or reassigning (改派) the officer; a reassignment — the case already has
    /// an officer — needs a reason, which the timeline shows.
    AssignOfficer {
        officer_id: i64,
        officer_name: String,
        reason: Option<String>,
    },
    IssueNotice,
    MoveStage {
        to: Stage,
    },
    Suspend {
        reason: String,
    },
    Resume,
    Lock {
        reason: String,
    },
    Unlock {
        reason: String,
    },
    /// Results of a network inquiry, in words (the structured results come with asset control).
    RecordInquiry {
        summary: String,
    },
    ReceiveFunds {
        amount: Fen,
    },
    DisburseFunds {
        amount: Fen,
    },
    Close {
        mode: ClosingMode,
        dormant: Option<DormantChecklist>,
    },
    Archive,
}

impl CaseAction {
    pub fn key(&self) -> &'static str {
        match self {
            CaseAction::AssignTeam { .. } => "assign_team",
            CaseAction::AssignOfficer { .. } => "assign_officer",
            CaseAction::IssueNotice => "issue_notice",
            CaseAction::MoveStage { .. } => "move_stage",
            CaseAction::Suspend { .. } => "suspend",
            CaseAction::Resume => "resume",
            CaseAction::Lock { .. } => "lock",
            CaseAction::Unlock { .. } => "unlock",
            CaseAction::RecordInquiry { .. } => "record_inquiry",
            CaseAction::ReceiveFunds { .. } => "receive_funds",
            CaseAction::DisburseFunds { .. } => "disburse_funds",
            CaseAction::Close { .. } => "close",
            CaseAction::Archive => "archive",
        }
    }

    /// A locked case accepts its unlocking whatever the court's whitelist says (流程节点超期锁死).
    pub fn allowed_when_locked(&self) -> bool {
        matches!(self, CaseAction::Unlock { .. })
    }
}

/// Every action's key with its name in Chinese and English, as messages name it (e.g. what a
/// locked case still allows) and as a court's lock whitelist lists it.
pub const ACTION_NAMES: &[(&str, &str, &str)] = &[
    ("assign_team", "变更办案团队", "changing the team"),
    (
        "assign_officer",
        "分案、改派承办人",
        "assigning the officer",
    ),
    (
        "issue_notice",
        "发出执行通知书",
        "issuing the enforcement notice",
    ),
    ("move_stage", "变更办理阶段", "changing the stage"),
    ("suspend", "中止执行", "suspending"),
    ("resume", "恢复执行", "resuming"),
    ("lock", "锁定案件", "locking"),
    ("unlock", "解锁案件", "unlocking"),
    (
        "record_inquiry",
        "录入查控结果",
        "recording inquiry results",
    ),
    ("receive_funds", "登记到账案款", "recording funds received"),
    ("disburse_funds", "发放案款", "paying out funds"),
    ("close", "结案", "closing"),
    ("archive", "归档", "archiving"),
    // Not a lifecycle action: the dossier's upload command, named so a lock whitelist can list it.
    (
        "add_dossier_item",
        "添加卷宗材料",
        "adding a document to the dossier",
    ),
    // Not a lifecycle action either: drafting, changing, submitting and issuing documents
    // (文书审批), so that a lock whitelist can let document work go on.
    (
        "draft_document",
        "起草、签发文书",
        "drafting and issuing documents",
    ),
    // Not a lifecycle action: recording service of a document (送达), for the lock whitelist.
    ("serve_document", "送达文书", "serving a document"),
    // Not lifecycle actions: coercive measures and settlement records, for the lock whitelist.
    (
        "coercive_measure",
        "采取、撤销强制措施",
        "taking and revoking coercive measures",
    ),
    ("settlement", "登记执行和解", "recording settlements"),
    // Not a lifecycle action: control measures (控制措施: freezing, sealing, renewing, lifting),
    // for the lock whitelist; a court may list it so that a renewal never waits for an unlock
    // approval while the measure runs out. Asset findings and leads use `record_inquiry`.
    (
        "control_asset",
        "采取、续行、解除控制措施",
        "placing, renewing and lifting control measures",
    ),
    // Not a lifecycle action: disposal of seized property (财产处置: starting, recording its
    // steps, withdrawing), for the lock whitelist.
    (
        "dispose_asset",
        "财产处置（评估、拍卖、变卖、以物抵债）",
        "disposing of seized property",
    ),
];

/// The Chinese and English name of an action key, if it is one.
pub fn action_name(key: &str) -> Option<(&'static str, &'static str)> {
    ACTION_NAMES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| (*zh, *en))
}

/// An event the decision produced, before the store chains it.
#[derive(Debug, Clone, PartialEq)]
pub struct Happened {
    pub kind: EventKind,
    pub payload: Value,
}

fn happened(kind: EventKind, payload: Value) -> Happened {
    Happened { kind, payload }
}

fn refuse(code: &'static str, zh: &str, en: &str) -> DomainError {
    DomainError::new(code, zh, en)
}

fn reason_required(reason: &str) -> DomainResult<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(refuse(
            "case.reason_required",
            "请填写理由",
            "a reason is required",
        ));
    }
    if r.chars().count() > 500 {
        return Err(refuse(
            "case.reason_too_long",
            "理由不能超过 500 字",
            "the reason may not exceed 500 characters",
        ));
    }
    Ok(r.to_string())
}

/// A locked case accepts its unlocking and the actions of the court's lock whitelist (action
/// keys, e.g. `receive_funds`), nothing else. The pipeline asks this before anything else (even
/// a stale version), so a locked case always answers "locked"; it replaces this generic message
/// with one naming the overdue node (`unlock::lock_refusal`).
pub fn check_not_locked(
    state: &CaseState,
    action: &CaseAction,
    whitelist: &[String],
) -> DomainResult<()> {
    if state.locked && !action.allowed_when_locked() && !whitelist.iter().any(|k| k == action.key())
    {
        return Err(refuse(
            "case.locked",
            "案件已锁定，需经上级审批解锁后才能继续办理",
            "the case is locked; a higher level must unlock it first",
        ));
    }
    Ok(())
}

/// Decides an action on a case in the given state; a locked case accepts only its unlocking.
pub fn decide(state: &CaseState, action: &CaseAction) -> DomainResult<(CaseState, Vec<Happened>)> {
    decide_allowing(state, action, &[])
}

/// [`decide`], with a locked case also accepting the actions of `lock_whitelist`.
pub fn decide_allowing(
    state: &CaseState,
    action: &CaseAction,
    lock_whitelist: &[String],
) -> DomainResult<(CaseState, Vec<Happened>)> {
    check_not_locked(state, action, lock_whitelist)?;
    if matches!(action, CaseAction::Archive) {
        if state.stage != Stage::Closed {
            return Err(refuse(
                "case.archive_not_closed",
                "只有已结案的案件才能归档",
                "only a closed case can be archived",
            ));
        }
        let mut next = state.clone();
        next.stage = Stage::Archived;
        return Ok((next, vec![happened(EventKind::CaseArchived, json!({}))]));
    }
    // A 终本 case stays with an officer in the 终本 library: it may still change hands (an
    // officer leaves; it goes to the dormant-case team), nothing else.
    let dormant_handover = state.stage == Stage::Closed
        && state.closing_mode == Some(ClosingMode::Dormant)
        && matches!(
            action,
            CaseAction::AssignTeam { .. } | CaseAction::AssignOfficer { .. }
        );
    if !state.stage.is_open() && !dormant_handover {
        return Err(refuse(
            "case.closed",
            "案件已结案，不能再办理此事项",
            "the case is closed; this action is no longer possible",
        ));
    }
    let mut next = state.clone();
    let mut events = Vec::new();
    match action {
        CaseAction::AssignTeam {
            team_id,
            team_name,
            reason,
        } => {
            // Routing by rule and a leader's override both say why (the override is audited).
            let reason = reason_required(reason)?;
            if state.team_id == Some(*team_id) {
                return Err(refuse(
                    "case.same_team",
                    "案件已在该团队办理",
                    "the case is already with this team",
                ));
            }
            next.team_id = Some(*team_id);
            events.push(happened(
                EventKind::TeamAssigned,
                json!({"team_id": team_id, "team_name": team_name, "reason": reason}),
            ));
        }
        CaseAction::AssignOfficer {
            officer_id,
            officer_name,
            reason,
        } => {
            if state.stage == Stage::Reception {
                return Err(refuse(
                    "case.not_filed",
                    "案件尚未立案，不能分案",
                    "the case is not filed yet",
                ));
            }
            if state.officer_id == Some(*officer_id) {
                return Err(refuse(
                    "case.same_officer",
                    "该承办人已在办理本案",
                    "this officer already handles the case",
                ));
            }
            next.officer_id = Some(*officer_id);
            let mut payload = json!({"officer_id": officer_id, "officer_name": officer_name});
            if let Some(previous) = state.officer_id {
                // 改派: the reason is required and recorded with who held the case before.
                payload["reason"] = reason_required(reason.as_deref().unwrap_or(""))?.into();
                payload["previous_officer_id"] = previous.into();
            } else if let Some(r) = reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                payload["reason"] = r.into();
            }
            events.push(happened(EventKind::OfficerAssigned, payload));
            if state.stage == Stage::Filed {
                next.stage = Stage::Assigned;
                events.push(stage_event(Stage::Filed, Stage::Assigned));
            }
        }
        CaseAction::IssueNotice => {
            if matches!(state.stage, Stage::Reception | Stage::Filed) {
                return Err(refuse(
                    "case.not_assigned",
                    "案件尚未分案，不能发出执行通知书",
                    "the case has no officer yet; the notice cannot be issued",
                ));
            }
            events.push(happened(EventKind::NoticeIssued, json!({})));
        }
        CaseAction::MoveStage { to } => {
            if state.suspended {
                return Err(refuse(
                    "case.suspended",
                    "案件已中止执行，恢复后才能变更阶段",
                    "the case is suspended; resume it before changing its stage",
                ));
            }
            if matches!(to, Stage::Closed | Stage::Archived) {
                return Err(refuse(
                    "case.close_by_closing",
                    "结案与归档须通过结案审批办理",
                    "closing and archiving go through the closing procedure",
                ));
            }
            state.stage.check_move(*to)?;
            next.stage = *to;
            events.push(stage_event(state.stage, *to));
        }
        CaseAction::Suspend { reason } => {
            if state.suspended {
                return Err(refuse(
                    "case.already_suspended",
                    "案件已处于中止状态",
                    "the case is already suspended",
                ));
            }
            next.suspended = true;
            events.push(happened(
                EventKind::CaseSuspended,
                json!({"reason": reason_required(reason)?}),
            ));
        }
        CaseAction::Resume => {
            if !state.suspended {
                return Err(refuse(
                    "case.not_suspended",
                    "案件未中止，无需恢复",
                    "the case is not suspended",
                ));
            }
            next.suspended = false;
            events.push(happened(EventKind::CaseResumed, json!({})));
        }
        CaseAction::Lock { reason } => {
            if state.locked {
                return Err(refuse(
                    "case.already_locked",
                    "案件已锁定",
                    "the case is already locked",
                ));
            }
            next.locked = true;
            events.push(happened(
                EventKind::CaseLocked,
                json!({"reason": reason_required(reason)?}),
            ));
        }
        CaseAction::Unlock { reason } => {
            if !state.locked {
                return Err(refuse(
                    "case.not_locked",
                    "案件未锁定",
                    "the case is not locked",
                ));
            }
            next.locked = false;
            events.push(happened(
                EventKind::CaseUnlocked,
                json!({"reason": reason_required(reason)?}),
            ));
        }
        CaseAction::RecordInquiry { summary } => {
            events.push(happened(
                EventKind::InquiryAnswered,
                json!({"summary": reason_required(summary)?}),
            ));
        }
        CaseAction::ReceiveFunds { amount } => {
            if !amount.is_positive() {
                return Err(refuse(
                    "funds.not_positive",
                    "到账金额必须大于零",
                    "the amount must be more than zero",
                ));
            }
            next.held = state.held + *amount;
            events.push(happened(
                EventKind::FundsReceived,
                json!({"amount_fen": amount.0}),
            ));
        }
        CaseAction::DisburseFunds { amount } => {
            if !amount.is_positive() || *amount > state.held {
                return Err(refuse(
                    "funds.more_than_held",
                    &format!("发放金额须大于零且不超过案款余额 {} 元", state.held),
                    &format!(
                        "the payout must be positive and at most the balance of {} yuan",
                        state.held
                    ),
                ));
            }
            next.held = state.held - *amount;
            next.recovered = state.recovered + *amount;
            events.push(happened(
                EventKind::FundsDisbursed,
                json!({"amount_fen": amount.0}),
            ));
        }
        CaseAction::Close { mode, dormant } => {
            if state.stage != Stage::Closing {
                return Err(refuse(
                    "case.not_in_closing",
                    "案件须先进入结案审查阶段",
                    "the case must be in the closing stage first",
                ));
            }
            if state.suspended {
                return Err(refuse(
                    "case.suspended",
                    "中止执行的案件不能结案",
                    "a suspended case cannot be closed",
                ));
            }
            if !state.held.is_zero() {
                return Err(refuse(
                    "case.funds_held",
                    &format!("案款余额 {} 元尚未发放，不能结案", state.held),
                    &format!("{} yuan of case funds are not paid out yet", state.held),
                ));
            }
            if *mode == ClosingMode::Dormant {
                match dormant {
                    Some(list) => list.check()?,
                    None => {
                        return Err(refuse(
                            "case.dormant_checklist_missing",
                            "终结本次执行程序须逐项确认五项条件",
                            "closing as dormant requires the five conditions to be confirmed",
                        ))
                    }
                }
            }
            next.stage = Stage::Closed;
            next.closing_mode = Some(*mode);
            events.push(happened(
                EventKind::CaseClosed,
                json!({"mode": mode.key(), "recovered_fen": state.recovered.0}),
            ));
        }
        CaseAction::Archive => {
            return Err(refuse(
                "case.archive_not_closed",
                "只有已结案的案件才能归档",
                "only a closed case can be archived",
            ))
        }
    }
    Ok((next, events))
}

fn stage_event(from: Stage, to: Stage) -> Happened {
    happened(
        EventKind::StageChanged,
        json!({"from": from.key(), "to": to.key()}),
    )
}

/// What filing needs besides the parsed parts: the claim is positive and nobody is on both sides.
pub fn check_filing(
    claim: crate::money::Fen,
    applicant_ids: &[&str],
    debtor_ids: &[&str],
) -> DomainResult<()> {
    if !claim.is_positive() {
        return Err(refuse(
            "filing.claim_not_positive",
            "申请执行标的额必须大于零",
            "the claim must be more than zero",
        ));
    }
    if applicant_ids.is_empty() {
        return Err(refuse(
            "filing.no_applicant",
            "至少需要一名申请执行人",
            "at least one applicant is required",
        ));
    }
    if debtor_ids.is_empty() {
        return Err(refuse(
            "filing.no_debtor",
            "至少需要一名被执行人",
            "at least one debtor is required",
        ));
    }
    if let Some(same) = debtor_ids.iter().find(|d| applicant_ids.contains(d)) {
        return Err(refuse(
            "filing.debtor_is_applicant",
            &format!("被执行人与申请执行人相同（证件号 {same}）"),
            &format!("a debtor is also an applicant (id {same})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filed() -> CaseState {
        CaseState {
            stage: Stage::Filed,
            held: Fen(0),
            recovered: Fen(0),
            suspended: false,
            locked: false,
            closing_mode: None,
            team_id: None,
            officer_id: None,
        }
    }

    #[test]
    fn assigning_an_officer_moves_a_filed_case_on() {
        let (s, ev) = decide(
            &filed(),
            &CaseAction::AssignOfficer {
                officer_id: 5,
                officer_name: "王某".into(),
                reason: None,
            },
        )
        .unwrap();
        assert_eq!(s.stage, Stage::Assigned);
        assert_eq!(s.officer_id, Some(5));
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].kind, EventKind::OfficerAssigned);
    }

    #[test]
    fn reassigning_needs_a_reason_on_the_timeline() {
        let mut st = filed();
        st.stage = Stage::Investigation;
        st.officer_id = Some(5);
        let to = |reason: Option<&str>| CaseAction::AssignOfficer {
            officer_id: 6,
            officer_name: "李某".into(),
            reason: reason.map(String::from),
        };
        for r in [None, Some("  ")] {
            assert_eq!(
                decide(&st, &to(r)).unwrap_err().code,
                "case.reason_required"
            );
        }
        let (s, ev) = decide(&st, &to(Some("原承办人调岗"))).unwrap();
        assert_eq!(s.officer_id, Some(6));
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].payload["reason"], "原承办人调岗");
        assert_eq!(ev[0].payload["previous_officer_id"], 5);
        assert!(EventKind::OfficerAssigned
            .describe_zh(&ev[0].payload)
            .contains("原承办人调岗"));
    }

    #[test]
    fn a_dormant_case_may_change_hands_but_nothing_else() {
        let mut st = filed();
        st.stage = Stage::Closed;
        st.closing_mode = Some(ClosingMode::Dormant);
        st.officer_id = Some(5);
        st.team_id = Some(1);
        let team = CaseAction::AssignTeam {
            team_id: 2,
            team_name: "终本管理团队".into(),
            reason: "承办人离岗".into(),
        };
        let (s, _) = decide(&st, &team).unwrap();
        assert_eq!(s.team_id, Some(2));
        assert_eq!(s.stage, Stage::Closed);
        let officer = CaseAction::AssignOfficer {
            officer_id: 6,
            officer_name: "李某".into(),
            reason: Some("承办人离岗".into()),
        };
        assert_eq!(decide(&s, &officer).unwrap().0.officer_id, Some(6));
        assert_eq!(
            decide(&st, &CaseAction::IssueNotice).unwrap_err().code,
            "case.closed"
        );
        st.closing_mode = Some(ClosingMode::Completed);
        assert_eq!(decide(&st, &team).unwrap_err().code, "case.closed");
    }

    #[test]
    fn a_locked_case_refuses_everything_but_unlock() {
        let mut st = filed();
        st.locked = true;
        let err = decide(&st, &CaseAction::IssueNotice).unwrap_err();
        assert_eq!(err.code, "case.locked");
        let (s, _) = decide(
            &st,
            &CaseAction::Unlock {
                reason: "已审批".into(),
            },
        )
        .unwrap();
        assert!(!s.locked);
    }

    #[test]
    fn a_locked_case_accepts_its_whitelist() {
        let mut st = filed();
        st.locked = true;
        let funds = CaseAction::ReceiveFunds { amount: Fen(500) };
        let whitelist = vec!["receive_funds".to_string(), "record_inquiry".to_string()];
        assert_eq!(
            check_not_locked(&st, &funds, &[]).unwrap_err().code,
            "case.locked"
        );
        check_not_locked(&st, &funds, &whitelist).unwrap();
        let (s, ev) = decide_allowing(&st, &funds, &whitelist).unwrap();
        assert!(s.locked && s.held == Fen(500));
        assert_eq!(ev[0].kind, EventKind::FundsReceived);
        assert_eq!(
            decide_allowing(&st, &CaseAction::IssueNotice, &whitelist)
                .unwrap_err()
                .code,
            "case.locked"
        );
        // Every action has a name, and names are keyed by the actions' keys.
        for a in [
            CaseAction::IssueNotice,
            CaseAction::Resume,
            CaseAction::Archive,
            funds,
            CaseAction::RecordInquiry {
                summary: "x".into(),
            },
        ] {
            assert!(action_name(a.key()).is_some(), "{}", a.key());
        }
        // The 13 case actions, the dossier upload, document work and service.
        assert_eq!(ACTION_NAMES.len(), 20);
        assert!(action_name("dispose_asset").is_some());
        assert!(action_name("control_asset").is_some());
        assert!(action_name("serve_document").is_some());
        assert!(action_name("draft_document").is_some());
        assert_eq!(action_name("receive_funds").unwrap().0, "登记到账案款");
        assert_eq!(action_name("nonsense"), None);
    }

    #[test]
    fn reasons_are_required_and_suspension_blocks_stage_moves() {
        assert_eq!(
            decide(
                &filed(),
                &CaseAction::Suspend {
                    reason: "  ".into()
                }
            )
            .unwrap_err()
            .code,
            "case.reason_required"
        );
        let (s, _) = decide(
            &filed(),
            &CaseAction::Suspend {
                reason: "当事人申请".into(),
            },
        )
        .unwrap();
        let err = decide(
            &s,
            &CaseAction::MoveStage {
                to: Stage::Assigned,
            },
        )
        .unwrap_err();
        assert_eq!(err.code, "case.suspended");
    }

    #[test]
    fn notice_needs_an_officer_and_closing_is_not_a_stage_move() {
        assert_eq!(
            decide(&filed(), &CaseAction::IssueNotice).unwrap_err().code,
            "case.not_assigned"
        );
        let mut st = filed();
        st.stage = Stage::Closing;
        assert_eq!(
            decide(&st, &CaseAction::MoveStage { to: Stage::Closed })
                .unwrap_err()
                .code,
            "case.close_by_closing"
        );
    }

    #[test]
    fn a_closed_case_refuses_actions() {
        let mut st = filed();
        st.stage = Stage::Closed;
        assert_eq!(
            decide(&st, &CaseAction::Resume).unwrap_err().code,
            "case.closed"
        );
    }
}
