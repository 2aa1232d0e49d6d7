//! Unlocking by escalation (提级审批解锁) and extending the six-month limit (延长执行期限), the
//! pure part: what a locked case says when refused, who decides a request at which court, and
//! the checks of requests and decisions.
//!
//! - A case locked because a locking node is overdue is unlocked only by an approved request:
//!   the case's officer (or a judge or team leader of its court) asks, and the level the node's
//!   definition names decides — the court's bureau chief, or the supervisor of the intermediate
//!   or high court above. The approval sets a new deadline for the node (in the future) and
//!   unlocks the case.
//! - The six-month node (`conclude_case`, SPC 2006 art. 1) may be extended: the request must be
//!   made at least 5 days before the node is due; the first extension (3 months) is approved by
//!   the court's president (院长), any further one by the high court.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::court::CourtLevel;
use crate::error::{DomainError, DomainResult};
use crate::node::UnlockLevel;
use crate::role::Role;

/// The node whose limit may be extended (执行期限, SPC 2006 art. 1).
pub const EXTENDABLE_NODE: &str = "conclude_case";
/// Months one approved extension adds.
pub const EXTENSION_MONTHS: u32 = 3;
/// An extension must be requested at least this many days before the node is due.
pub const EXTENSION_LEAD_DAYS: i64 = 5;
/// The latest new deadline an unlock approval may set, in days from today (a typing mistake
/// would otherwise switch supervision off for years).
pub const MAX_NEW_DEADLINE_DAYS: i64 = 366;
/// The longest reason accepted.
pub const MAX_REASON_CHARS: usize = 500;

/// What is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Unlock a case an overdue node locked (解锁申请).
    Unlock,
    /// Extend the six-month limit (延长执行期限申请).
    Extension,
}

impl RequestKind {
    pub const ALL: [RequestKind; 2] = [RequestKind::Unlock, RequestKind::Extension];

    pub fn key(self) -> &'static str {
        match self {
            RequestKind::Unlock => "unlock",
            RequestKind::Extension => "extension",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RequestKind::Unlock => "解锁申请",
            RequestKind::Extension => "延长执行期限申请",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RequestKind::Unlock => "Unlock request",
            RequestKind::Extension => "Extension request",
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Refused,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 3] = [
        RequestStatus::Pending,
        RequestStatus::Approved,
        RequestStatus::Refused,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Refused => "refused",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RequestStatus::Pending => "待审批",
            RequestStatus::Approved => "已批准",
            RequestStatus::Refused => "未批准",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RequestStatus::Pending => "Pending",
            RequestStatus::Approved => "Approved",
            RequestStatus::Refused => "Refused",
        }
    }
}

/// Who decides a request: a role at the case's court or at a court above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionLevel {
    /// The bureau chief of the case's court (本院执行局长).
    BureauChief,
    /// The president of the case's court (本院院长).
    President,
    /// The supervisor of the intermediate court above (中级人民法院).
    IntermediateCourt,
    /// The supervisor of the high court (高级人民法院).
    HighCourt,
}

impl From<UnlockLevel> for DecisionLevel {
    fn from(l: UnlockLevel) -> Self {
        match l {
            UnlockLevel::BureauChief => DecisionLevel::BureauChief,
            UnlockLevel::IntermediateCourt => DecisionLevel::IntermediateCourt,
            UnlockLevel::HighCourt => DecisionLevel::HighCourt,
        }
    }
}

impl DecisionLevel {
    pub const ALL: [DecisionLevel; 4] = [
        DecisionLevel::BureauChief,
        DecisionLevel::President,
        DecisionLevel::IntermediateCourt,
        DecisionLevel::HighCourt,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DecisionLevel::BureauChief => "bureau_chief",
            DecisionLevel::President => "president",
            DecisionLevel::IntermediateCourt => "intermediate_court",
            DecisionLevel::HighCourt => "high_court",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DecisionLevel::BureauChief => "本院执行局长",
            DecisionLevel::President => "本院院长",
            DecisionLevel::IntermediateCourt => "中级人民法院",
            DecisionLevel::HighCourt => "高级人民法院",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DecisionLevel::BureauChief => "the court's bureau chief",
            DecisionLevel::President => "the court's president",
            DecisionLevel::IntermediateCourt => "the intermediate court",
            DecisionLevel::HighCourt => "the high court",
        }
    }

    /// The role that decides at this level.
    pub fn approver_role(self) -> Role {
        match self {
            DecisionLevel::BureauChief => Role::BureauChief,
            DecisionLevel::President => Role::President,
            DecisionLevel::IntermediateCourt | DecisionLevel::HighCourt => Role::Supervisor,
        }
    }

    /// Which levels a role decides (the approvals page lists those).
    pub fn decided_by(role: Role) -> &'static [DecisionLevel] {
        match role {
            Role::BureauChief => &[DecisionLevel::BureauChief],
            Role::President => &[DecisionLevel::President],
            Role::Supervisor => &[DecisionLevel::IntermediateCourt, DecisionLevel::HighCourt],
            _ => &[],
        }
    }
}

/// The court that decides at `level`, given the case's court and the courts above it, nearest
/// first (`chain[0]` is the case's court): the case's own court for its bureau chief and
/// president; otherwise the nearest court of that level or higher (a case of the intermediate
/// court itself is decided by its own supervisor). `None` if there is no such court.
pub fn approver_court(level: DecisionLevel, chain: &[(i64, CourtLevel)]) -> Option<i64> {
    let wanted = match level {
        DecisionLevel::BureauChief | DecisionLevel::President => return chain.first().map(|c| c.0),
        DecisionLevel::IntermediateCourt => CourtLevel::Intermediate,
        DecisionLevel::HighCourt => CourtLevel::High,
    };
    // `CourtLevel` orders High < Intermediate < Basic.
    chain.iter().find(|c| c.1 <= wanted).map(|c| c.0)
}

/// Who decides the next extension of a node already extended by `extension_months`: the
/// court's president the first time, the high court after that (SPC 2006 art. 1).
pub fn extension_level(extension_months: u32) -> DecisionLevel {
    if extension_months == 0 {
        DecisionLevel::President
    } else {
        DecisionLevel::HighCourt
    }
}

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::new(code, zh, en)
}

/// A required reason, trimmed.
pub fn check_reason(reason: &str) -> DomainResult<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(refuse(
            "node_request.reason_required",
            "请填写理由",
            "a reason is required",
        ));
    }
    check_optional_reason(r).map(|r| r.unwrap_or_default())
}

/// An optional reason, trimmed (`None` when empty).
pub fn check_optional_reason(reason: &str) -> DomainResult<Option<String>> {
    let r = reason.trim();
    if r.chars().count() > MAX_REASON_CHARS {
        return Err(refuse(
            "node_request.reason_too_long",
            format!("理由不能超过 {MAX_REASON_CHARS} 字"),
            format!("the reason may not exceed {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok((!r.is_empty()).then(|| r.to_string()))
}

/// An unlock request needs a locked case and no request already waiting.
pub fn check_unlock_request(locked: bool, pending: bool) -> DomainResult<()> {
    if !locked {
        return Err(refuse(
            "node_request.not_locked",
            "案件未锁定，无需申请解锁",
            "the case is not locked; there is nothing to unlock",
        ));
    }
    check_no_pending(pending)
}

/// One request per case at a time.
pub fn check_no_pending(pending: bool) -> DomainResult<()> {
    if pending {
        return Err(refuse(
            "node_request.pending",
            "本案已有待审批的申请，请等待审批结果",
            "a request for this case is already waiting for a decision",
        ));
    }
    Ok(())
}

/// An extension must be asked for at least [`EXTENSION_LEAD_DAYS`] days before `due_on`.
pub fn check_extension_timing(due_on: NaiveDate, today: NaiveDate) -> DomainResult<()> {
    let left = (due_on - today).num_days();
    if left < EXTENSION_LEAD_DAYS {
        return Err(refuse(
            "node_request.extension_too_late",
            format!(
                "延长执行期限须在期限届满 {EXTENSION_LEAD_DAYS} 日前申请（最高人民法院《关于人民法院执行案件执行期限的若干规定》第一条）；本案执行期限至 {due_on}，今天（{today}）已不足 {EXTENSION_LEAD_DAYS} 日"
            ),
            format!(
                "an extension must be requested at least {EXTENSION_LEAD_DAYS} days before the time limit ends (SPC 2006 rules on enforcement time limits, art. 1); this case is due on {due_on}, and today ({today}) is too late"
            ),
        ));
    }
    Ok(())
}

/// The deadline an unlock approval sets: required, after today, within a year.
pub fn check_new_deadline(
    new_due_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DomainResult<NaiveDate> {
    let Some(due) = new_due_on else {
        return Err(refuse(
            "node_request.deadline_required",
            "批准解锁须确定新的办理期限",
            "approving an unlock needs a new deadline",
        ));
    };
    if due <= today {
        return Err(refuse(
            "node_request.deadline_not_future",
            format!("新的期限 {due} 须晚于今天（{today}）"),
            format!("the new deadline {due} must be after today ({today})"),
        ));
    }
    if (due - today).num_days() > MAX_NEW_DEADLINE_DAYS {
        return Err(refuse(
            "node_request.deadline_too_far",
            format!("新的期限 {due} 距今超过一年，请核对"),
            format!("the new deadline {due} is more than a year away; check it"),
        ));
    }
    Ok(due)
}

/// The user deciding a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decider {
    pub role: Role,
    pub court_id: i64,
}

/// Only the level's role at the approving court decides.
pub fn check_decider(
    level: DecisionLevel,
    approver_court_id: i64,
    approver_court_name: &str,
    decider: Decider,
) -> DomainResult<()> {
    if decider.role == level.approver_role() && decider.court_id == approver_court_id {
        return Ok(());
    }
    let role = level.approver_role();
    Err(refuse(
        "node_request.wrong_approver",
        format!(
            "需由{}审批：此申请应由{}{}决定",
            level.name_zh(),
            approver_court_name,
            role.name_zh()
        ),
        format!(
            "this needs the approval of {}: the {} of {} decides it",
            level.name_en(),
            role.name_en().to_lowercase(),
            approver_court_name
        ),
    ))
}

/// A decision as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub approve: bool,
    pub reason: Option<String>,
    /// For an approved unlock: the node's new deadline.
    pub new_due_on: Option<NaiveDate>,
}

/// Checks a decision on a request: it must still be pending; a refusal needs a reason; an
/// approved unlock needs a new deadline after today (an extension's new date follows from the
/// rule, so a date given with it is ignored).
pub fn check_decision(
    kind: RequestKind,
    status: RequestStatus,
    approve: bool,
    reason: &str,
    new_due_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DomainResult<Decision> {
    if status != RequestStatus::Pending {
        return Err(refuse(
            "node_request.decided",
            format!("该申请已审批（{}），不能重复审批", status.name_zh()),
            format!(
                "this request was already decided ({}); it cannot be decided again",
                status.key()
            ),
        ));
    }
    if !approve {
        return Ok(Decision {
            approve,
            reason: Some(check_reason(reason)?),
            new_due_on: None,
        });
    }
    let reason = check_optional_reason(reason)?;
    let new_due_on = match kind {
        RequestKind::Unlock => Some(check_new_deadline(new_due_on, today)?),
        RequestKind::Extension => None,
    };
    Ok(Decision {
        approve,
        reason,
        new_due_on,
    })
}

/// Why a case is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockCause {
    /// A locking node is overdue.
    Node {
        name_zh: String,
        name_en: String,
        due_on: NaiveDate,
        level: DecisionLevel,
        /// An unlock request is waiting for its decision.
        pending: bool,
    },
    /// Locked by hand (or by a node that no longer shows as overdue), with the lock's reason.
    Manual { reason: String },
}

fn whitelist_names(whitelist: &[String]) -> (String, String) {
    let names: Vec<(&str, &str)> = whitelist
        .iter()
        .filter_map(|k| crate::lifecycle::action_name(k))
        .collect();
    let zh: Vec<&str> = names.iter().map(|n| n.0).collect();
    let en: Vec<&str> = names.iter().map(|n| n.1).collect();
    let en = match en.len() {
        0 => String::new(),
        1 => en[0].to_string(),
        n => format!("{} and {}", en[..n - 1].join(", "), en[n - 1]),
    };
    (zh.join("、"), en)
}

/// The refusal of an action on a locked case (code `case.locked`), naming why it is locked,
/// what it still accepts and how to unlock it.
pub fn lock_refusal(cause: &LockCause, whitelist: &[String]) -> DomainError {
    let (allowed_zh, allowed_en) = whitelist_names(whitelist);
    let (what_zh, what_en) = if allowed_zh.is_empty() {
        (
            "不能办理任何事项".to_string(),
            "nothing can be done on it".to_string(),
        )
    } else {
        (
            format!("除{allowed_zh}外不能办理"),
            format!("only {allowed_en} can be done on it"),
        )
    };
    match cause {
        LockCause::Node {
            name_zh,
            name_en,
            due_on,
            level,
            pending,
        } => {
            let (how_zh, how_en) = if *pending {
                (
                    format!("解锁申请已提出，待{}审批", level.name_zh()),
                    format!(
                        "an unlock request is waiting for {} to decide",
                        level.name_en()
                    ),
                )
            } else {
                (
                    format!("请承办人提出解锁申请，由{}审批", level.name_zh()),
                    format!(
                        "the officer may request unlocking, which {} decides",
                        level.name_en()
                    ),
                )
            };
            refuse(
                "case.locked",
                format!(
                    "案件因流程节点「{name_zh}」超期（应于 {due_on} 前完成）已锁定，{what_zh}；{how_zh}"
                ),
                format!(
                    "the case is locked because the process node \"{name_en}\" is overdue (due by {due_on}); {what_en}; {how_en}"
                ),
            )
        }
        LockCause::Manual { reason } => refuse(
            "case.locked",
            format!("案件已锁定（理由：{reason}），{what_zh}；解锁须经执行局长或上级法院监督员批准"),
            format!(
                "the case is locked (reason: {reason}); {what_en}; the bureau chief or a supervisor of a higher court must unlock it"
            ),
        ),
    }
}

/// Calendar days a node is overdue on `today` (0 when not yet).
pub fn days_overdue(due_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - due_on).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn defaults() -> Vec<String> {
        crate::node::default_lock_whitelist()
    }

    #[test]
    fn keys_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::from_key(k.key()), Some(k));
            assert!(!k.name_zh().is_empty() && !k.name_en().is_empty());
        }
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::from_key(s.key()), Some(s));
        }
        for l in DecisionLevel::ALL {
            assert_eq!(DecisionLevel::from_key(l.key()), Some(l));
            assert!(DecisionLevel::decided_by(l.approver_role()).contains(&l));
        }
        assert_eq!(RequestKind::from_key("x"), None);
        for u in UnlockLevel::ALL {
            assert_eq!(DecisionLevel::from(u).key(), u.key());
            assert_eq!(DecisionLevel::from(u).approver_role(), u.approver_role());
        }
        assert!(DecisionLevel::decided_by(Role::Officer).is_empty());
    }

    #[test]
    fn the_approving_court_is_found_up_the_hierarchy() {
        use CourtLevel::*;
        let basic = [(3, Basic), (2, Intermediate), (1, High)];
        assert_eq!(approver_court(DecisionLevel::BureauChief, &basic), Some(3));
        assert_eq!(approver_court(DecisionLevel::President, &basic), Some(3));
        assert_eq!(
            approver_court(DecisionLevel::IntermediateCourt, &basic),
            Some(2)
        );
        assert_eq!(approver_court(DecisionLevel::HighCourt, &basic), Some(1));
        // A case of the intermediate court: its own supervisor; of the high court: the high
        // court's.
        let mid = [(2, Intermediate), (1, High)];
        assert_eq!(
            approver_court(DecisionLevel::IntermediateCourt, &mid),
            Some(2)
        );
        assert_eq!(
            approver_court(DecisionLevel::IntermediateCourt, &[(1, High)]),
            Some(1)
        );
        // No high court registered above.
        assert_eq!(
            approver_court(DecisionLevel::HighCourt, &[(3, Basic), (2, Intermediate)]),
            None
        );
        assert_eq!(approver_court(DecisionLevel::BureauChief, &[]), None);
    }

    #[test]
    fn only_the_levels_role_at_the_approving_court_decides() {
        let ok = Decider {
            role: Role::Supervisor,
            court_id: 2,
        };
        check_decider(
            DecisionLevel::IntermediateCourt,
            2,
            "焦作市中级人民法院",
            ok,
        )
        .unwrap();
        let chief = Decider {
            role: Role::BureauChief,
            court_id: 3,
        };
        let e = check_decider(
            DecisionLevel::IntermediateCourt,
            2,
            "焦作市中级人民法院",
            chief,
        )
        .unwrap_err();
        assert_eq!(e.code, "node_request.wrong_approver");
        assert!(e.zh.starts_with("需由中级人民法院审批"), "{}", e.zh);
        assert!(e.zh.contains("焦作市中级人民法院监督员"), "{}", e.zh);
        assert!(e.en.contains("the intermediate court"), "{}", e.en);
        let elsewhere = Decider {
            role: Role::Supervisor,
            court_id: 9,
        };
        assert!(check_decider(DecisionLevel::IntermediateCourt, 2, "x", elsewhere).is_err());
        // A high-court supervisor does not decide for the intermediate court.
        let high = Decider {
            role: Role::Supervisor,
            court_id: 1,
        };
        assert!(check_decider(DecisionLevel::IntermediateCourt, 2, "x", high).is_err());
        let president = Decider {
            role: Role::President,
            court_id: 3,
        };
        check_decider(DecisionLevel::President, 3, "孟州市人民法院", president).unwrap();
        assert!(check_decider(DecisionLevel::BureauChief, 3, "x", president).is_err());
    }

    #[test]
    fn extensions_go_to_the_president_then_the_high_court() {
        assert_eq!(extension_level(0), DecisionLevel::President);
        assert_eq!(extension_level(3), DecisionLevel::HighCourt);
        assert_eq!(extension_level(6), DecisionLevel::HighCourt);
        // Due 10-09: requested 10-04 (5 days ahead) is in time, 10-05 is not.
        check_extension_timing(d(2025, 10, 9), d(2025, 10, 4)).unwrap();
        check_extension_timing(d(2025, 10, 9), d(2025, 6, 1)).unwrap();
        let e = check_extension_timing(d(2025, 10, 9), d(2025, 10, 5)).unwrap_err();
        assert_eq!(e.code, "node_request.extension_too_late");
        assert!(
            e.zh.contains("5 日前") && e.zh.contains("第一条"),
            "{}",
            e.zh
        );
        assert!(e.en.contains("art. 1"));
        assert!(check_extension_timing(d(2025, 10, 9), d(2025, 10, 20)).is_err());
    }

    #[test]
    fn requests_and_decisions_are_checked() {
        assert_eq!(
            check_unlock_request(false, false).unwrap_err().code,
            "node_request.not_locked"
        );
        assert_eq!(
            check_unlock_request(true, true).unwrap_err().code,
            "node_request.pending"
        );
        check_unlock_request(true, false).unwrap();
        assert_eq!(
            check_reason("  ").unwrap_err().code,
            "node_request.reason_required"
        );
        assert_eq!(
            check_reason(&"理".repeat(501)).unwrap_err().code,
            "node_request.reason_too_long"
        );
        assert_eq!(check_reason(" 财产拍卖中 ").unwrap(), "财产拍卖中");

        let today = d(2026, 3, 10);
        let unlock = |approve, reason: &str, due| {
            check_decision(
                RequestKind::Unlock,
                RequestStatus::Pending,
                approve,
                reason,
                due,
                today,
            )
        };
        assert_eq!(
            unlock(true, "", None).unwrap_err().code,
            "node_request.deadline_required"
        );
        for past in [today, d(2026, 3, 1)] {
            assert_eq!(
                unlock(true, "", Some(past)).unwrap_err().code,
                "node_request.deadline_not_future"
            );
        }
        assert_eq!(
            unlock(true, "", Some(d(2027, 6, 1))).unwrap_err().code,
            "node_request.deadline_too_far"
        );
        let ok = unlock(true, " 同意 ", Some(d(2026, 4, 10))).unwrap();
        assert_eq!(ok.new_due_on, Some(d(2026, 4, 10)));
        assert_eq!(ok.reason.as_deref(), Some("同意"));
        assert_eq!(
            unlock(false, "", None).unwrap_err().code,
            "node_request.reason_required"
        );
        let no = unlock(false, "理由不充分", Some(d(2026, 4, 10))).unwrap();
        assert!(!no.approve && no.new_due_on.is_none());
        // An extension needs no date; a decided request is not decided again.
        let x = check_decision(
            RequestKind::Extension,
            RequestStatus::Pending,
            true,
            "",
            None,
            today,
        )
        .unwrap();
        assert_eq!(x.new_due_on, None);
        let e = check_decision(
            RequestKind::Unlock,
            RequestStatus::Approved,
            true,
            "",
            Some(d(2026, 4, 10)),
            today,
        )
        .unwrap_err();
        assert_eq!(e.code, "node_request.decided");
        assert!(e.zh.contains("已批准"));
    }

    #[test]
    fn the_lock_message_names_the_node_and_how_to_unlock() {
        let cause = LockCause::Node {
            name_zh: "执行期限（结案）".into(),
            name_en: "Conclude the case".into(),
            due_on: d(2026, 5, 30),
            level: DecisionLevel::IntermediateCourt,
            pending: false,
        };
        let e = lock_refusal(&cause, &defaults());
        assert_eq!(e.code, "case.locked");
        assert_eq!(
            e.zh,
            "案件因流程节点「执行期限（结案）」超期（应于 2026-05-30 前完成）已锁定，除登记到账案款、录入查控结果、添加卷宗材料外不能办理；请承办人提出解锁申请，由中级人民法院审批"
        );
        assert_eq!(
            e.en,
            "the case is locked because the process node \"Conclude the case\" is overdue (due by 2026-05-30); only recording funds received, recording inquiry results and adding a document to the dossier can be done on it; the officer may request unlocking, which the intermediate court decides"
        );
        let pending = LockCause::Node {
            name_zh: "执行期限（结案）".into(),
            name_en: "Conclude the case".into(),
            due_on: d(2026, 5, 30),
            level: DecisionLevel::IntermediateCourt,
            pending: true,
        };
        assert!(lock_refusal(&pending, &[])
            .zh
            .contains("不能办理任何事项；解锁申请已提出，待中级人民法院审批"));
        let manual = lock_refusal(
            &LockCause::Manual {
                reason: "涉嫌违规办案，暂停办理".into(),
            },
            &["receive_funds".to_string()],
        );
        assert!(
            manual.zh.contains("理由：涉嫌违规办案，暂停办理"),
            "{}",
            manual.zh
        );
        assert!(manual.zh.contains("除登记到账案款外"), "{}", manual.zh);
        assert!(manual.en.contains("only recording funds received"));
        assert_eq!(days_overdue(d(2026, 5, 30), d(2026, 6, 2)), 3);
        assert_eq!(days_overdue(d(2026, 5, 30), d(2026, 5, 2)), 0);
    }
}
