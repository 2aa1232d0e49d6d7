//! Process-node supervision (流程节点), the pure part: what a node is, the defaults of
//! RULES.md §3, and what one case event does to a case's node instances.
//!
//! Time limits are data (DESIGN.md idea 3). A [`NodeDefinition`] — trigger event, completion
//! event(s), limit, warning lead, lock on overdue, who may unlock, pause on suspension — is
//! configuration stored per court as JSON. A [`NodeInstance`] per case stores start, due,
//! warn-at, pauses and completion, so the scheduler needs only rows whose `warn_on`/`due_on`
//! has arrived. Every date comes from [`crate::period::due_date`], so the rules of RULES.md §2 (start the next
//! day, move off rest days, deduct suspension) hold for nodes exactly as for the period
//! calculator.
//!
//! Conventions:
//! - `due_on` is the last day on which the node may still be completed; the node is overdue
//!   from the day after.
//! - `warn_on` is `due_on` minus the warning lead in calendar days, never before the start.
//! - A node opens when its trigger happens and is open until completed or cancelled; at most
//!   one instance per (case, node) is open at a time. A trigger while one is open changes
//!   nothing (the earlier, stricter deadline stands). After completion, a trigger opens a new
//!   instance only when the definition says `repeats` (each receipt of funds must be paid out).
//! - Closing a case ends supervision of its open nodes: those not completed by the closing are
//!   cancelled; nodes triggered by the closing (archiving) open.
//! - Suspension (中止) pauses the open instances whose definition says so; resumption deducts
//!   the calendar days suspended (RULES.md §2) by recomputing the due date from the start.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::error::{DomainError, DomainResult};
use crate::event::EventKind;
use crate::period::{due_date_only, PeriodLimit};
use crate::role::Role;

/// The longest limits a node accepts; anything longer is a typing mistake, not a rule.
pub const MAX_NODE_DAYS: u32 = 3_650;
pub const MAX_NODE_WORKING_DAYS: u32 = 2_500;
pub const MAX_NODE_MONTHS: u32 = 120;
const MAX_KEY_LEN: usize = 40;

/// Who may unlock a case locked because this node is overdue (提级审批解锁).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnlockLevel {
    /// The bureau chief of the case's own court (本院执行局长).
    BureauChief,
    /// The supervisor at the intermediate court above (市中级法院).
    IntermediateCourt,
    /// The high court of the province (省高级法院).
    HighCourt,
}

impl UnlockLevel {
    pub const ALL: [UnlockLevel; 3] = [
        UnlockLevel::BureauChief,
        UnlockLevel::IntermediateCourt,
        UnlockLevel::HighCourt,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UnlockLevel::BureauChief => "bureau_chief",
            UnlockLevel::IntermediateCourt => "intermediate_court",
            UnlockLevel::HighCourt => "high_court",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "node.unknown_unlock_level",
                    format!("未知的解锁层级“{key}”"),
                    format!("unknown unlock level \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            UnlockLevel::BureauChief => "本院执行局长",
            UnlockLevel::IntermediateCourt => "中级人民法院",
            UnlockLevel::HighCourt => "高级人民法院",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            UnlockLevel::BureauChief => "the court's bureau chief",
            UnlockLevel::IntermediateCourt => "the intermediate court",
            UnlockLevel::HighCourt => "the high court",
        }
    }

    /// The role that approves at this level (at the court the level names).
    pub fn approver_role(self) -> Role {
        match self {
            UnlockLevel::BureauChief => Role::BureauChief,
            UnlockLevel::IntermediateCourt | UnlockLevel::HighCourt => Role::Supervisor,
        }
    }
}

/// `PeriodLimit` is stored inside node definitions; this mirrors its serde shape
/// (`{"unit":"days","n":7}`) so that definitions can be read back.
#[derive(Serialize, Deserialize)]
#[serde(
    remote = "PeriodLimit",
    tag = "unit",
    content = "n",
    rename_all = "snake_case"
)]
enum PeriodLimitDef {
    Days(u32),
    WorkingDays(u32),
    Months(u32),
}

/// One process node as a court configures it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeDefinition {
    /// Stable key, `[a-z0-9_]`, e.g. `assign_officer`; stored with every instance.
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// The case event that opens the node.
    pub trigger: EventKind,
    /// Any of these case events completes it.
    pub completions: Vec<EventKind>,
    #[serde(with = "PeriodLimitDef")]
    pub limit: PeriodLimit,
    /// Calendar days before the due date on which the warning goes out (0: on the due date).
    pub warn_days_before: u32,
    /// Whether the case is locked (锁死) when this node is overdue.
    pub lock_on_overdue: bool,
    /// Who may unlock a case this node locked.
    pub unlock_level: UnlockLevel,
    /// Whether suspension (中止) pauses the node and is deducted from its period.
    pub pauses_on_suspension: bool,
    /// Whether the trigger opens a new instance after an earlier one was completed (each
    /// receipt of funds must be paid out). Without it a node runs once per case.
    #[serde(default)]
    pub repeats: bool,
}

fn invalid(code: &'static str, zh: String, en: String) -> DomainError {
    DomainError::new(code, zh, en)
}

/// Events that belong to a case at all (a node instance is per case).
fn is_case_event(k: EventKind) -> bool {
    !matches!(
        k,
        EventKind::CourtRegistered
            | EventKind::UserCreated
            | EventKind::UserDeactivated
            | EventKind::TeamCreated
            | EventKind::ReceptionRecorded
            | EventKind::SettingsChanged
            | EventKind::RosterSaved
            | EventKind::LeaveRecorded
            | EventKind::LeaveCancelled
    )
}

/// Events supervision itself reacts to or produces, which cannot open or complete a node:
/// suspension and resumption pause and resume nodes; locking and unlocking are what overdue
/// nodes cause.
fn is_reserved_event(k: EventKind) -> bool {
    matches!(
        k,
        EventKind::CaseSuspended
            | EventKind::CaseResumed
            | EventKind::CaseLocked
            | EventKind::CaseUnlocked
    )
}

/// Whether `completion` can happen to a case after `trigger` (lifecycle.rs): filing is a
/// case's first event; after closing only archiving and a dormant case's change of hands; after
/// archiving nothing.
pub fn can_follow(trigger: EventKind, completion: EventKind) -> bool {
    if completion == EventKind::CaseFiled || trigger == EventKind::CaseArchived {
        return false;
    }
    if trigger == EventKind::CaseClosed {
        return matches!(
            completion,
            EventKind::CaseArchived | EventKind::TeamAssigned | EventKind::OfficerAssigned
        );
    }
    true
}

/// The fewest calendar days a limit can span.
fn min_span_days(limit: PeriodLimit) -> u32 {
    match limit {
        PeriodLimit::Days(n) | PeriodLimit::WorkingDays(n) => n,
        PeriodLimit::Months(n) => n.saturating_mul(28),
    }
}

impl NodeDefinition {
    /// Refuses a definition that could not be supervised: see the codes below.
    pub fn validate(&self) -> DomainResult<()> {
        let key = self.key.as_str();
        if key.is_empty()
            || key.len() > MAX_KEY_LEN
            || !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(invalid(
                "node.key",
                format!("节点代码“{key}”无效：须为 1–{MAX_KEY_LEN} 位小写字母、数字或下划线"),
                format!(
                    "node key \"{key}\" is invalid: use 1–{MAX_KEY_LEN} lowercase letters, digits or underscores"
                ),
            ));
        }
        if self.name_zh.trim().is_empty() || self.name_en.trim().is_empty() {
            return Err(invalid(
                "node.name_empty",
                format!("节点“{key}”须填写中文和英文名称"),
                format!("node \"{key}\" needs a Chinese and an English name"),
            ));
        }
        let (n, max) = match self.limit {
            PeriodLimit::Days(n) => (n, MAX_NODE_DAYS),
            PeriodLimit::WorkingDays(n) => (n, MAX_NODE_WORKING_DAYS),
            PeriodLimit::Months(n) => (n, MAX_NODE_MONTHS),
        };
        if n == 0 {
            return Err(invalid(
                "node.zero_limit",
                format!("节点“{}”的期限不能为 0", self.name_zh),
                format!("node \"{key}\" cannot have a zero limit"),
            ));
        }
        if n > max {
            return Err(invalid(
                "node.limit_too_long",
                format!(
                    "节点“{}”的期限 {} 过长（上限 {max}）",
                    self.name_zh,
                    self.limit.describe_zh()
                ),
                format!(
                    "node \"{key}\": the limit {} is too long (at most {max})",
                    self.limit.describe_en()
                ),
            ));
        }
        let span = min_span_days(self.limit);
        if self.warn_days_before >= span {
            return Err(invalid(
                "node.warning_too_early",
                format!(
                    "节点“{}”的预警提前 {} 日，不短于期限 {}，立即就会预警",
                    self.name_zh,
                    self.warn_days_before,
                    self.limit.describe_zh()
                ),
                format!(
                    "node \"{key}\": a warning {} day(s) ahead is not shorter than the limit {}",
                    self.warn_days_before,
                    self.limit.describe_en()
                ),
            ));
        }
        for (k, role_zh, role_en) in std::iter::once((self.trigger, "触发事件", "trigger")).chain(
            self.completions
                .iter()
                .map(|c| (*c, "完成事件", "completion event")),
        ) {
            if !is_case_event(k) {
                return Err(invalid(
                    "node.not_case_event",
                    format!(
                        "节点“{}”的{role_zh}“{}”不是案件上的事件",
                        self.name_zh,
                        k.label_zh()
                    ),
                    format!(
                        "node \"{key}\": the {role_en} \"{}\" is not a case event",
                        k.key()
                    ),
                ));
            }
            if is_reserved_event(k) {
                return Err(invalid(
                    "node.reserved_event",
                    format!(
                        "节点“{}”的{role_zh}不能是“{}”：中止、恢复、锁定、解锁由节点监管自身处理",
                        self.name_zh,
                        k.label_zh()
                    ),
                    format!(
                        "node \"{key}\": the {role_en} cannot be \"{}\"; suspension, resumption, locking and unlocking are handled by supervision itself",
                        k.key()
                    ),
                ));
            }
        }
        if self.completions.is_empty() {
            return Err(invalid(
                "node.no_completion",
                format!("节点“{}”没有完成事件，永远不会完成", self.name_zh),
                format!("node \"{key}\" has no completion event, so it can never be completed"),
            ));
        }
        for (i, c) in self.completions.iter().enumerate() {
            if self.completions[..i].contains(c) {
                return Err(invalid(
                    "node.duplicate_completion",
                    format!("节点“{}”的完成事件“{}”重复", self.name_zh, c.label_zh()),
                    format!("node \"{key}\" lists the completion \"{}\" twice", c.key()),
                ));
            }
            if *c == self.trigger {
                return Err(invalid(
                    "node.completion_is_trigger",
                    format!(
                        "节点“{}”的完成事件与触发事件相同（“{}”），节点永远不会完成",
                        self.name_zh,
                        c.label_zh()
                    ),
                    format!(
                        "node \"{key}\": the completion \"{}\" is its own trigger, so the node can never be completed",
                        c.key()
                    ),
                ));
            }
            if !can_follow(self.trigger, *c) {
                return Err(invalid(
                    "node.completion_impossible",
                    format!(
                        "节点“{}”：“{}”之后不可能再发生“{}”，节点永远不会完成",
                        self.name_zh,
                        self.trigger.label_zh(),
                        c.label_zh()
                    ),
                    format!(
                        "node \"{key}\": \"{}\" can never happen after \"{}\", so the node can never be completed",
                        c.key(),
                        self.trigger.key()
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn is_completed_by(&self, kind: EventKind) -> bool {
        self.completions.contains(&kind)
    }
}

/// A court's node definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSet {
    pub nodes: Vec<NodeDefinition>,
    /// What a locked case still accepts besides the unlock and extension requests: case action
    /// keys (`lifecycle::ACTION_NAMES`). Default: recording funds that arrive and inquiry
    /// results, which must never wait for an approval.
    #[serde(default = "default_lock_whitelist")]
    pub lock_whitelist: Vec<String>,
}

/// The actions a locked case accepts unless the court says otherwise. Disposal
/// (`dispose_asset`) is left out: its steps are the court's decisions (a price, a reserve, a
/// sale), which a lock is meant to hold until the higher level has looked at the case, not
/// facts arriving from outside like funds or inquiry results; a court may add it.
pub fn default_lock_whitelist() -> Vec<String> {
    vec![
        "receive_funds".into(),
        "record_inquiry".into(),
        "add_dossier_item".into(),
    ]
}

#[allow(clippy::too_many_arguments)]
fn def(
    key: &str,
    name_zh: &str,
    name_en: &str,
    trigger: EventKind,
    completions: &[EventKind],
    limit: PeriodLimit,
    warn_days_before: u32,
    pauses_on_suspension: bool,
) -> NodeDefinition {
    NodeDefinition {
        key: key.into(),
        name_zh: name_zh.into(),
        name_en: name_en.into(),
        trigger,
        completions: completions.to_vec(),
        limit,
        warn_days_before,
        lock_on_overdue: false,
        unlock_level: UnlockLevel::BureauChief,
        pauses_on_suspension,
        repeats: false,
    }
}

impl NodeSet {
    /// The defaults of RULES.md §3 whose trigger and completion exist as case events today.
    /// Left out until their events exist: the filing decision (needs an application-received
    /// case event), asking for asset leads, investigation completed, the extension request
    /// and the 终本 re-inquiry.
    pub fn defaults() -> NodeSet {
        use EventKind as E;
        use PeriodLimit::{Days, Months, WorkingDays};
        let nodes = vec![
            // SPC 2006 art. 2.
            def(
                "assign_officer",
                "分案至承办人",
                "Assign the responsible officer",
                E::CaseFiled,
                &[E::OfficerAssigned],
                Days(7),
                2,
                false,
            ),
            // SPC 2006 art. 4: 3 days after the case reaches the officer. The legal maximum of
            // 10 days after the application (CPL interpretation art. 480) needs an
            // application-received event, which does not exist yet; until then the filing date
            // stands in for it only through `assign_officer` + this node (7 + 3 = 10 days).
            def(
                "issue_notice",
                "发出执行通知书、报告财产令",
                "Issue the enforcement notice and asset-report order",
                E::OfficerAssigned,
                &[E::NoticeIssued],
                Days(3),
                1,
                true,
            ),
            // Jiaozuo practice: the network inquiry starts the same day as filing. A node limit
            // cannot be zero (it would be due before anyone could see it), so it is modelled as
            // 1 working day: a case filed on Friday must be inquired by Monday, and the warning
            // goes out on the due day.
            def(
                "network_inquiry",
                "发起网络查控",
                "Start the network asset inquiry",
                E::CaseFiled,
                &[E::InquiryStarted],
                WorkingDays(1),
                0,
                true,
            ),
            // SPC 2017 fund rules: 30 days (some courts are stricter: 5). Funds received while a
            // case is suspended must still be paid out, so suspension does not pause it.
            NodeDefinition {
                repeats: true,
                ..def(
                    "disburse_funds",
                    "案款发放",
                    "Pay out received funds",
                    E::FundsReceived,
                    &[E::FundsDisbursed],
                    Days(30),
                    5,
                    false,
                )
            },
            // SPC 2006 art. 1: 6 months from filing; suspension is deducted (RULES.md §2); the
            // extension request must be made at least 5 days before expiry, so warn 15 days
            // ahead. Overdue locks the case; the intermediate court unlocks.
            NodeDefinition {
                lock_on_overdue: true,
                unlock_level: UnlockLevel::IntermediateCourt,
                ..def(
                    "conclude_case",
                    "执行期限（结案）",
                    "Conclude the case",
                    E::CaseFiled,
                    &[E::CaseClosed],
                    Months(6),
                    15,
                    true,
                )
            },
            // Local rule: archive within 60 days of closing.
            def(
                "archive_case",
                "结案归档",
                "Archive the closed case",
                E::CaseClosed,
                &[E::CaseArchived],
                Days(60),
                10,
                false,
            ),
            // SPC asset-investigation rules art. 2: a concrete lead from the applicant is
            // verified within 7 days, 3 when urgent. Each lead opens its own round once the
            // previous one is verified.
            NodeDefinition {
                repeats: true,
                ..def(
                    "verify_asset_lead",
                    "核查财产线索",
                    "Verify the applicant's asset lead",
                    E::AssetLeadFiled,
                    &[E::AssetLeadVerified],
                    Days(7),
                    2,
                    true,
                )
            },
            NodeDefinition {
                repeats: true,
                ..def(
                    "verify_urgent_lead",
                    "核查紧急财产线索",
                    "Verify the applicant's urgent asset lead",
                    E::UrgentAssetLeadFiled,
                    &[E::AssetLeadVerified],
                    Days(3),
                    1,
                    true,
                )
            },
            // CPL interpretation art. 485: a measure lapses at the end of its term unless renewed
            // before. The app sets the deadline to the earliest expiry of the case's measures in
            // force (`NodeInstance::with_deadline`); the 12 months here only stand until then.
            // Suspension does not stop a freeze from running out.
            NodeDefinition {
                repeats: true,
                ..def(
                    "renew_control",
                    "控制措施续行",
                    "Renew control measures before they expire",
                    E::AssetControlled,
                    &[E::ControlRenewed, E::ControlLifted],
                    Months(12),
                    15,
                    false,
                )
            },
            // Local rule "查封后30日内启动处置、90日内处置完毕" (RULES.md §3): a seal or detention
            // (`PropertySeized`) must lead to a decision to dispose (valuation, auction) within
            // 30 days. Each seizure after a completed round opens a new one.
            NodeDefinition {
                repeats: true,
                ..def(
                    "decide_disposal",
                    "决定处置（查封后30日内）",
                    "Decide on disposal (within 30 days of seizure)",
                    E::PropertySeized,
                    &[E::DisposalStarted],
                    Days(crate::disposal::DECIDE_WITHIN_DAYS),
                    5,
                    true,
                )
            },
            // The same rule: disposal finished within 90 days. Counted from the seizure, not
            // from the decision, because the rule says 90 days after seizure: counting from
            // `DisposalStarted` would give a disposal decided on day 30 until day 120. A
            // withdrawn disposal (settled, paid, the seal lifted) ends the supervision too.
            NodeDefinition {
                repeats: true,
                ..def(
                    "complete_disposal",
                    "完成处置（90日内）",
                    "Finish the disposal (within 90 days of seizure)",
                    E::PropertySeized,
                    &[E::DisposalFinished, E::DisposalWithdrawn],
                    Days(crate::disposal::FINISH_WITHIN_DAYS),
                    15,
                    true,
                )
            },
        ];
        NodeSet {
            nodes,
            lock_whitelist: default_lock_whitelist(),
        }
    }

    /// Every definition valid and no key twice; the lock whitelist names known actions, each
    /// once, and neither locking nor unlocking (unlocking goes through its approval).
    pub fn validate(&self) -> DomainResult<()> {
        for (i, key) in self.lock_whitelist.iter().enumerate() {
            if crate::lifecycle::action_name(key).is_none() {
                return Err(invalid(
                    "node.whitelist_unknown_action",
                    format!("锁定后允许办理的事项“{key}”不是已知的案件操作"),
                    format!("the lock whitelist entry \"{key}\" is not a known case action"),
                ));
            }
            if key == "lock" || key == "unlock" {
                return Err(invalid(
                    "node.whitelist_lock_action",
                    format!("锁定后允许办理的事项不能包含“{key}”：解锁须经审批"),
                    format!(
                        "the lock whitelist cannot contain \"{key}\": unlocking needs an approval"
                    ),
                ));
            }
            if self.lock_whitelist[..i].contains(key) {
                return Err(invalid(
                    "node.whitelist_duplicate",
                    format!("锁定后允许办理的事项“{key}”重复"),
                    format!("the lock whitelist lists \"{key}\" twice"),
                ));
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            n.validate()?;
            if self.nodes[..i].iter().any(|m| m.key == n.key) {
                return Err(invalid(
                    "node.duplicate_key",
                    format!("节点代码“{}”重复", n.key),
                    format!("the node key \"{}\" is used twice", n.key),
                ));
            }
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&NodeDefinition> {
        self.nodes.iter().find(|n| n.key == key)
    }

    /// Pretty JSON, as stored per court.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("node definitions always serialize")
    }

    /// Parses and validates stored or uploaded definitions.
    pub fn from_json(text: &str) -> DomainResult<NodeSet> {
        let set: NodeSet = serde_json::from_str(text).map_err(|e| {
            DomainError::new(
                "node.json",
                format!("流程节点配置格式错误：{e}"),
                format!("the node definitions are malformed: {e}"),
            )
        })?;
        set.validate()?;
        Ok(set)
    }
}

/// Where a node instance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Running,
    Warning,
    Overdue,
    Paused,
    Completed,
    /// The case closed before the node was completed; no longer supervised.
    Cancelled,
}

impl NodeStatus {
    pub const ALL: [NodeStatus; 6] = [
        NodeStatus::Running,
        NodeStatus::Warning,
        NodeStatus::Overdue,
        NodeStatus::Paused,
        NodeStatus::Completed,
        NodeStatus::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NodeStatus::Running => "running",
            NodeStatus::Warning => "warning",
            NodeStatus::Overdue => "overdue",
            NodeStatus::Paused => "paused",
            NodeStatus::Completed => "completed",
            NodeStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            NodeStatus::Running => "进行中",
            NodeStatus::Warning => "临期预警",
            NodeStatus::Overdue => "已超期",
            NodeStatus::Paused => "中止暂停",
            NodeStatus::Completed => "已完成",
            NodeStatus::Cancelled => "已结案撤销",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            NodeStatus::Running => "Running",
            NodeStatus::Warning => "Due soon",
            NodeStatus::Overdue => "Overdue",
            NodeStatus::Paused => "Paused (suspended)",
            NodeStatus::Completed => "Completed",
            NodeStatus::Cancelled => "Cancelled (case closed)",
        }
    }

    /// Still supervised: not completed and not cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, NodeStatus::Completed | NodeStatus::Cancelled)
    }
}

/// One node running on one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInstance {
    pub node_key: String,
    pub case_id: i64,
    /// The trigger's date (not counted, RULES.md §2).
    pub started_on: NaiveDate,
    /// The last day to complete the node; overdue from the day after.
    pub due_on: NaiveDate,
    /// From this day on the node is in warning.
    pub warn_on: NaiveDate,
    /// Suspended calendar days already deducted into `due_on`.
    pub paused_days: u32,
    /// Set while the case is suspended and the node pauses.
    pub paused_since: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    /// The status as last recorded (by opening, pausing, completing or the scheduler's
    /// [`NodeInstance::refresh`]); [`NodeInstance::status_on`] computes it for any day.
    pub status: NodeStatus,
    /// Months added by approved extensions (延长执行期限): a months limit of n becomes
    /// n + extension_months.
    #[serde(default)]
    pub extension_months: u32,
    /// A deadline set by an unlock approval (解锁审批确定的新期限): it replaces the computed due
    /// date, a recomputation keeps it, and a later suspension moves it by the days paused.
    #[serde(default)]
    pub deadline_override: Option<NaiveDate>,
}

fn warn_date(due: NaiveDate, started: NaiveDate, lead: u32) -> NaiveDate {
    due.checked_sub_days(Days::new(u64::from(lead)))
        .unwrap_or(started)
        .max(started)
}

fn not_open(inst: &NodeInstance, what_zh: &str, what_en: &str) -> DomainError {
    DomainError::new(
        "node.not_open",
        format!(
            "节点“{}”已{}，不能{what_zh}",
            inst.node_key,
            inst.status.name_zh()
        ),
        format!(
            "node \"{}\" is {}; it cannot be {what_en}",
            inst.node_key,
            inst.status.key()
        ),
    )
}

fn before_start(inst: &NodeInstance, date: NaiveDate) -> DomainError {
    DomainError::new(
        "node.date_before_start",
        format!(
            "日期 {date} 早于节点“{}”的开始日 {}",
            inst.node_key, inst.started_on
        ),
        format!(
            "{date} is before node \"{}\" started on {}",
            inst.node_key, inst.started_on
        ),
    )
}

impl NodeInstance {
    /// Opens `def` on a case whose trigger happened on `event_date`.
    pub fn open(
        def: &NodeDefinition,
        case_id: i64,
        event_date: NaiveDate,
        cal: &WorkingCalendar,
    ) -> DomainResult<NodeInstance> {
        let due = due_date_only(event_date, def.limit, cal, 0)?;
        let warn_on = warn_date(due, event_date, def.warn_days_before);
        let mut inst = NodeInstance {
            node_key: def.key.clone(),
            case_id,
            started_on: event_date,
            due_on: due,
            warn_on,
            paused_days: 0,
            paused_since: None,
            completed_on: None,
            cancelled_on: None,
            status: NodeStatus::Running,
            extension_months: 0,
            deadline_override: None,
        };
        inst.status = inst.status_on(event_date);
        Ok(inst)
    }

    /// The status on `today`: completed, cancelled and paused are as recorded; otherwise
    /// Overdue after `due_on`, Warning from `warn_on`, else Running.
    pub fn status_on(&self, today: NaiveDate) -> NodeStatus {
        if self.completed_on.is_some() {
            NodeStatus::Completed
        } else if self.cancelled_on.is_some() {
            NodeStatus::Cancelled
        } else if self.paused_since.is_some() {
            NodeStatus::Paused
        } else if today > self.due_on {
            NodeStatus::Overdue
        } else if today >= self.warn_on {
            NodeStatus::Warning
        } else {
            NodeStatus::Running
        }
    }

    pub fn is_open(&self) -> bool {
        self.completed_on.is_none() && self.cancelled_on.is_none()
    }

    /// The next day on which `status_on` changes without any event (the day the scheduler
    /// should look at this instance again), or `None` when nothing more happens by itself.
    pub fn next_check_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        if !self.is_open() || self.paused_since.is_some() {
            return None;
        }
        if today < self.warn_on {
            Some(self.warn_on)
        } else if today <= self.due_on {
            self.due_on.succ_opt()
        } else {
            None
        }
    }

    /// The same instance with `status` brought up to `today`; the scheduler compares it with
    /// the recorded status to send warnings and overdue bulletins once.
    pub fn refresh(&self, today: NaiveDate) -> NodeInstance {
        NodeInstance {
            status: self.status_on(today),
            ..self.clone()
        }
    }

    /// Completed after its due date (for the bulletin and quality metrics).
    pub fn completed_late(&self) -> bool {
        self.completed_on.is_some_and(|d| d > self.due_on)
    }

    /// Suspension began on `date`.
    pub fn pause(&self, date: NaiveDate) -> DomainResult<NodeInstance> {
        if !self.is_open() {
            return Err(not_open(self, "暂停", "paused"));
        }
        if self.paused_since.is_some() {
            return Err(DomainError::new(
                "node.already_paused",
                format!("节点“{}”已处于中止暂停状态", self.node_key),
                format!("node \"{}\" is already paused", self.node_key),
            ));
        }
        if date < self.started_on {
            return Err(before_start(self, date));
        }
        Ok(NodeInstance {
            paused_since: Some(date),
            status: NodeStatus::Paused,
            ..self.clone()
        })
    }

    /// Suspension ended on `date`: the days since the pause are deducted and the due and
    /// warning dates recomputed from the start.
    pub fn resume(
        &self,
        date: NaiveDate,
        def: &NodeDefinition,
        cal: &WorkingCalendar,
    ) -> DomainResult<NodeInstance> {
        let Some(since) = self.paused_since else {
            return Err(DomainError::new(
                "node.not_paused",
                format!("节点“{}”未处于中止暂停状态", self.node_key),
                format!("node \"{}\" is not paused", self.node_key),
            ));
        };
        if date < since {
            return Err(DomainError::new(
                "node.resume_before_pause",
                format!("恢复日期 {date} 早于中止日期 {since}"),
                format!("resumption on {date} is before the suspension on {since}"),
            ));
        }
        let days = u32::try_from((date - since).num_days()).unwrap_or(u32::MAX);
        // A deadline set by an approval moves by the days paused, onto a working day.
        let deadline_override = match self.deadline_override {
            Some(d) => Some(moved_onto_working_day(
                d.checked_add_days(Days::new(u64::from(days)))
                    .ok_or_else(|| date_out_of_range(d))?,
                cal,
            )?),
            None => None,
        };
        let resumed = NodeInstance {
            paused_days: self.paused_days.saturating_add(days),
            paused_since: None,
            deadline_override,
            ..self.clone()
        };
        let mut out = resumed.recompute(def, cal)?;
        out.status = out.status_on(date);
        Ok(out)
    }

    /// Completed by an event on `date`.
    pub fn complete(&self, date: NaiveDate) -> DomainResult<NodeInstance> {
        if !self.is_open() {
            return Err(not_open(self, "完成", "completed"));
        }
        if date < self.started_on {
            return Err(before_start(self, date));
        }
        Ok(NodeInstance {
            completed_on: Some(date),
            paused_since: None,
            status: NodeStatus::Completed,
            ..self.clone()
        })
    }

    /// The case closed on `date` without completing this node.
    pub fn cancel(&self, date: NaiveDate) -> DomainResult<NodeInstance> {
        if !self.is_open() {
            return Err(not_open(self, "撤销", "cancelled"));
        }
        Ok(NodeInstance {
            cancelled_on: Some(date),
            paused_since: None,
            status: NodeStatus::Cancelled,
            ..self.clone()
        })
    }

    /// Due and warning dates recomputed from the start with the current definition and
    /// calendar (after a rule or calendar change): a months limit counts the extension
    /// months, and a deadline set by an unlock approval stands as it is. A pause in progress
    /// is not yet deducted; it is at resumption. The recorded status is kept; call
    /// [`NodeInstance::refresh`].
    pub fn recompute(
        &self,
        def: &NodeDefinition,
        cal: &WorkingCalendar,
    ) -> DomainResult<NodeInstance> {
        let due = match self.deadline_override {
            Some(d) => d,
            None => due_date_only(
                self.started_on,
                self.effective_limit(def),
                cal,
                self.paused_days,
            )?,
        };
        Ok(NodeInstance {
            due_on: due,
            warn_on: warn_date(due, self.started_on, def.warn_days_before),
            ..self.clone()
        })
    }

    /// The definition's limit with the approved extensions (months limits only).
    pub fn effective_limit(&self, def: &NodeDefinition) -> PeriodLimit {
        match def.limit {
            PeriodLimit::Months(n) => PeriodLimit::Months(n.saturating_add(self.extension_months)),
            other => other,
        }
    }

    /// The node with the deadline an unlock approval set (`due` itself; the approval checks it
    /// is a future date), running again from `today`: the warning date follows the new due
    /// date, and the recorded status is running so that the scheduler looks at it again.
    pub fn with_deadline(
        &self,
        due: NaiveDate,
        def: &NodeDefinition,
        today: NaiveDate,
    ) -> DomainResult<NodeInstance> {
        if !self.is_open() {
            return Err(not_open(self, "确定新的期限", "given a new deadline"));
        }
        if due <= today || due < self.started_on {
            return Err(DomainError::new(
                "node.deadline_not_future",
                format!("新的期限 {due} 须晚于今天（{today}）"),
                format!("the new deadline {due} must be after today ({today})"),
            ));
        }
        let paused = self.paused_since.is_some();
        Ok(NodeInstance {
            deadline_override: Some(due),
            due_on: due,
            warn_on: warn_date(due, self.started_on, def.warn_days_before),
            status: if paused {
                NodeStatus::Paused
            } else {
                NodeStatus::Running
            },
            ..self.clone()
        })
    }

    /// The node extended by `months` (an approved extension): a months limit grows by them and
    /// the dates are recomputed; a deadline set by an unlock approval moves by the same months,
    /// onto a working day. The status is brought up to `today`.
    pub fn extend(
        &self,
        months: u32,
        def: &NodeDefinition,
        cal: &WorkingCalendar,
        today: NaiveDate,
    ) -> DomainResult<NodeInstance> {
        if !self.is_open() {
            return Err(not_open(self, "延长期限", "extended"));
        }
        if !matches!(def.limit, PeriodLimit::Months(_)) {
            return Err(DomainError::new(
                "node.not_extendable",
                format!("节点“{}”的期限不以月计算，不能延长", def.name_zh),
                format!(
                    "node \"{}\" does not run in months and cannot be extended",
                    def.key
                ),
            ));
        }
        let deadline_override = match self.deadline_override {
            Some(d) => Some(moved_onto_working_day(
                d.checked_add_months(chrono::Months::new(months))
                    .ok_or_else(|| date_out_of_range(d))?,
                cal,
            )?),
            None => None,
        };
        let extended = NodeInstance {
            extension_months: self.extension_months.saturating_add(months),
            deadline_override,
            ..self.clone()
        };
        let out = extended.recompute(def, cal)?;
        Ok(if out.paused_since.is_some() {
            out
        } else {
            out.refresh(today)
        })
    }
}

fn date_out_of_range(d: NaiveDate) -> DomainError {
    DomainError::new(
        "node.date_out_of_range",
        format!("日期 {d} 之后的期限超出可计算的范围"),
        format!("a deadline after {d} is out of range"),
    )
}

/// `d`, or the first working day after it.
fn moved_onto_working_day(d: NaiveDate, cal: &WorkingCalendar) -> DomainResult<NaiveDate> {
    cal.working_day_on_or_after(d)
        .ok_or_else(|| date_out_of_range(d))
}

/// What one scheduler tick on a day finds for an instance: its status brought up to the day,
/// whether the warning and the overdue notice are due now (each goes out once), and the next
/// day to look again. The live scheduler and the demo's replayed ticks both ask this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub instance: NodeInstance,
    pub warning: bool,
    pub overdue: bool,
    pub next_check_on: Option<NaiveDate>,
}

impl NodeInstance {
    /// The scheduler's look at this instance on `today`.
    pub fn tick(&self, today: NaiveDate) -> Tick {
        let fresh = self.refresh(today);
        let was = self.status;
        Tick {
            warning: fresh.status == NodeStatus::Warning
                && !matches!(was, NodeStatus::Warning | NodeStatus::Overdue),
            overdue: fresh.status == NodeStatus::Overdue && was != NodeStatus::Overdue,
            next_check_on: fresh.next_check_on(today),
            instance: fresh,
        }
    }

    /// What an event-driven change records, with the day of its next check. An open instance
    /// that an event leaves in warning or overdue (a resumption after a long suspension) is
    /// recorded as running and due for a check that day, so that the scheduler — not the
    /// event — sends its warning, bulletin and lock.
    pub fn settle(mut self, today: NaiveDate) -> (NodeInstance, Option<NaiveDate>) {
        if self.is_open()
            && self.paused_since.is_none()
            && matches!(self.status, NodeStatus::Warning | NodeStatus::Overdue)
        {
            self.status = NodeStatus::Running;
            return (self, Some(today));
        }
        let next = self.next_check_on(today);
        (self, next)
    }
}

/// The reason recorded when the scheduler locks a case for an overdue node (and shown on the
/// case): the node, its due date and who must approve the unlocking.
pub fn overdue_lock_reason(node_name_zh: &str, due_on: &str, unlock_level_zh: &str) -> String {
    format!(
        "流程节点「{node_name_zh}」已超期（应于 {due_on} 前完成），需经{unlock_level_zh}审批解锁"
    )
}

/// What happened to an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeChangeKind {
    Opened,
    Completed,
    Paused,
    Resumed,
    Cancelled,
}

/// One change `react` asks the caller to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeChange {
    pub kind: NodeChangeKind,
    /// Index into the `instances` passed to `react` of the instance changed; `None` when opened.
    pub existing: Option<usize>,
    /// The instance after the change.
    pub instance: NodeInstance,
}

/// What one case event does to the case's node instances: completes the open instances it
/// completes, cancels the rest when the case closes, pauses or resumes on suspension, and opens
/// the nodes it triggers. `instances` are the case's instances (others are ignored); instances
/// whose definition is no longer in `defs` are left alone. The changes come in that order;
/// applying them leaves at most one open instance per node.
///
/// A node opened while the case is suspended starts running: the caller, which knows the case
/// is suspended, pauses it (`NodeInstance::pause`) when its definition says so.
pub fn react(
    defs: &NodeSet,
    instances: &[NodeInstance],
    event_kind: EventKind,
    event_date: NaiveDate,
    case_id: i64,
    cal: &WorkingCalendar,
) -> DomainResult<Vec<NodeChange>> {
    let mut changes = Vec::new();
    let mine = || {
        instances
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.case_id == case_id && i.is_open())
    };
    let mut still_open: Vec<&str> = Vec::new();
    for (idx, inst) in mine() {
        let Some(def) = defs.get(&inst.node_key) else {
            still_open.push(&inst.node_key);
            continue;
        };
        let changed = if def.is_completed_by(event_kind) {
            Some((NodeChangeKind::Completed, inst.complete(event_date)?))
        } else if event_kind == EventKind::CaseClosed {
            Some((NodeChangeKind::Cancelled, inst.cancel(event_date)?))
        } else if event_kind == EventKind::CaseSuspended
            && def.pauses_on_suspension
            && inst.paused_since.is_none()
        {
            Some((NodeChangeKind::Paused, inst.pause(event_date)?))
        } else if event_kind == EventKind::CaseResumed && inst.paused_since.is_some() {
            Some((NodeChangeKind::Resumed, inst.resume(event_date, def, cal)?))
        } else {
            None
        };
        match changed {
            Some((kind, instance)) => {
                if instance.is_open() {
                    still_open.push(&inst.node_key);
                }
                changes.push(NodeChange {
                    kind,
                    existing: Some(idx),
                    instance,
                });
            }
            None => still_open.push(&inst.node_key),
        }
    }
    for def in defs.nodes.iter().filter(|d| d.trigger == event_kind) {
        if still_open.contains(&def.key.as_str()) {
            continue;
        }
        let ran_before = instances
            .iter()
            .any(|i| i.case_id == case_id && i.node_key == def.key);
        if ran_before && !def.repeats {
            continue;
        }
        changes.push(NodeChange {
            kind: NodeChangeKind::Opened,
            existing: None,
            instance: NodeInstance::open(def, case_id, event_date, cal)?,
        });
    }
    Ok(changes)
}

/// Applies `react`'s changes to a case's instances (what the store does with rows; used by
/// tests, demo data and previews).
pub fn apply(instances: &mut Vec<NodeInstance>, changes: Vec<NodeChange>) {
    for c in changes {
        match c.existing {
            Some(i) => instances[i] = c.instance,
            None => instances.push(c.instance),
        }
    }
}

/// The effect of a rule or calendar change on open instances, for the admin page's preview
/// and the audited recomputation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Recomputation {
    /// (index into the instances given, the instance after recomputation with its status
    /// refreshed to `today`) for each whose due or warning date changes.
    pub changed: Vec<(usize, NodeInstance)>,
    /// How many of those change status on `today` (e.g. become overdue).
    pub status_changes: usize,
    /// How many become overdue on `today` that were not.
    pub newly_overdue: usize,
}

/// Recomputes every open instance of `defs`' nodes on `today`.
pub fn recompute_all(
    defs: &NodeSet,
    instances: &[NodeInstance],
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> DomainResult<Recomputation> {
    let mut out = Recomputation::default();
    for (i, inst) in instances.iter().enumerate() {
        let Some(def) = defs.get(&inst.node_key) else {
            continue;
        };
        if !inst.is_open() {
            continue;
        }
        let before = inst.status_on(today);
        let after = inst.recompute(def, cal)?;
        if (after.due_on, after.warn_on) != (inst.due_on, inst.warn_on) {
            let after = after.refresh(today);
            if after.status != before {
                out.status_changes += 1;
                if after.status == NodeStatus::Overdue {
                    out.newly_overdue += 1;
                }
            }
            out.changed.push((i, after));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::due_date;
    use proptest::prelude::*;
    use EventKind as E;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> &'static WorkingCalendar {
        WorkingCalendar::official_ref()
    }

    fn defaults() -> NodeSet {
        NodeSet::defaults()
    }

    fn node(key: &str) -> NodeDefinition {
        defaults().get(key).unwrap().clone()
    }

    #[test]
    fn a_tick_sends_the_warning_and_the_overdue_notice_once_each() {
        let def = node("assign_officer");
        let inst = NodeInstance::open(&def, 1, d(2025, 3, 3), cal()).unwrap();
        let warn = inst.tick(inst.warn_on);
        assert!(warn.warning && !warn.overdue);
        assert_eq!(warn.next_check_on, inst.due_on.succ_opt());
        let again = warn.instance.tick(inst.warn_on);
        assert!(!again.warning && !again.overdue);
        let late = warn.instance.tick(inst.due_on.succ_opt().unwrap());
        assert!(late.overdue && !late.warning);
        assert_eq!(late.instance.status, NodeStatus::Overdue);
        assert_eq!(late.next_check_on, None);
        // Straight from running to overdue: the overdue notice, no late warning.
        let jump = inst.tick(d(2025, 6, 1));
        assert!(jump.overdue && !jump.warning);
    }

    #[test]
    fn an_event_leaving_a_node_late_records_it_running_for_todays_tick() {
        let def = node("assign_officer");
        let inst = NodeInstance::open(&def, 1, d(2025, 3, 3), cal()).unwrap();
        let late_day = d(2025, 6, 1);
        let mut late = inst.clone();
        late.status = NodeStatus::Overdue;
        let (settled, next) = late.settle(late_day);
        assert_eq!(settled.status, NodeStatus::Running);
        assert_eq!(next, Some(late_day));
        let (same, next) = inst.clone().settle(d(2025, 3, 3));
        assert_eq!(same, inst);
        assert_eq!(next, Some(inst.warn_on));
    }

    #[test]
    fn the_lock_reason_names_node_due_date_and_approver() {
        assert_eq!(
            overdue_lock_reason("执行期限（结案）", "2026-05-30", "中级人民法院"),
            "流程节点「执行期限（结案）」已超期（应于 2026-05-30 前完成），需经中级人民法院审批解锁"
        );
    }

    fn code(def: &NodeDefinition) -> &'static str {
        def.validate().unwrap_err().code
    }

    /// Feeds events to `react` for one case and applies the changes.
    fn run(events: &[(EventKind, NaiveDate)]) -> Vec<NodeInstance> {
        let defs = defaults();
        let mut insts = Vec::new();
        for (k, date) in events {
            let ch = react(&defs, &insts, *k, *date, 1, cal()).unwrap();
            apply(&mut insts, ch);
        }
        insts
    }

    fn find<'a>(insts: &'a [NodeInstance], key: &str) -> &'a NodeInstance {
        insts.iter().find(|i| i.node_key == key).unwrap()
    }

    #[test]
    fn node_defaults_validate_and_round_trip_json() {
        let set = defaults();
        set.validate().unwrap();
        assert_eq!(set.nodes.len(), 11);
        assert!(node("verify_asset_lead").repeats && node("renew_control").repeats);
        // Disposal: 30 days to decide, 90 to finish, both from the seizure.
        let (decide, finish) = (node("decide_disposal"), node("complete_disposal"));
        assert_eq!(decide.trigger, E::PropertySeized);
        assert_eq!(finish.trigger, E::PropertySeized);
        assert_eq!(decide.limit, PeriodLimit::Days(30));
        assert_eq!(finish.limit, PeriodLimit::Days(90));
        assert!(decide.is_completed_by(E::DisposalStarted));
        assert!(finish.is_completed_by(E::DisposalFinished));
        assert!(finish.is_completed_by(E::DisposalWithdrawn));
        assert_eq!(node("verify_urgent_lead").limit, PeriodLimit::Days(3));
        let json = set.to_json();
        assert!(json.contains(r#""unit": "months""#), "{json}");
        assert!(json.contains(r#""trigger": "case_filed""#), "{json}");
        assert_eq!(NodeSet::from_json(&json).unwrap(), set);
        let c = node("conclude_case");
        assert!(c.lock_on_overdue && c.pauses_on_suspension);
        assert_eq!(c.unlock_level, UnlockLevel::IntermediateCourt);
        assert_eq!(c.limit, PeriodLimit::Months(6));
        assert!(node("disburse_funds").repeats);
        // `repeats` may be omitted in stored JSON.
        let old = json.replace(r#""repeats": false,"#, "");
        assert!(NodeSet::from_json(&old).is_ok());
    }

    #[test]
    fn node_from_json_refuses_bad_input() {
        assert_eq!(NodeSet::from_json("{").unwrap_err().code, "node.json");
        let mut set = defaults();
        set.nodes[1].key = set.nodes[0].key.clone();
        let err = NodeSet::from_json(&set.to_json()).unwrap_err();
        assert_eq!(err.code, "node.duplicate_key");
        assert!(err.zh.contains("assign_officer"));
        let mut set = defaults();
        set.nodes[0].completions.clear();
        assert_eq!(
            NodeSet::from_json(&set.to_json()).unwrap_err().code,
            "node.no_completion"
        );
        let bad_unit = defaults().to_json().replace(r#""days""#, r#""weeks""#);
        assert_eq!(NodeSet::from_json(&bad_unit).unwrap_err().code, "node.json");
    }

    #[test]
    fn node_invalid_definitions_are_refused_with_codes() {
        let base = node("assign_officer");
        let with = |f: &dyn Fn(&mut NodeDefinition)| {
            let mut x = base.clone();
            f(&mut x);
            x
        };
        assert_eq!(code(&with(&|x| x.key = String::new())), "node.key");
        assert_eq!(
            code(&with(&|x| x.key = "Assign Officer".into())),
            "node.key"
        );
        assert_eq!(code(&with(&|x| x.key = "a".repeat(41))), "node.key");
        assert_eq!(code(&with(&|x| x.name_zh = "  ".into())), "node.name_empty");
        assert_eq!(
            code(&with(&|x| x.name_en = String::new())),
            "node.name_empty"
        );
        for zero in [
            PeriodLimit::Days(0),
            PeriodLimit::WorkingDays(0),
            PeriodLimit::Months(0),
        ] {
            assert_eq!(code(&with(&|x| x.limit = zero)), "node.zero_limit");
        }
        assert_eq!(
            code(&with(&|x| x.limit = PeriodLimit::Months(121))),
            "node.limit_too_long"
        );
        // Warning lead not shorter than the limit: would warn the moment it opens.
        assert_eq!(
            code(&with(&|x| x.warn_days_before = 7)),
            "node.warning_too_early"
        );
        assert!(with(&|x| x.warn_days_before = 6).validate().is_ok());
        assert_eq!(
            code(&with(&|x| {
                x.limit = PeriodLimit::Months(1);
                x.warn_days_before = 28;
            })),
            "node.warning_too_early"
        );
        assert_eq!(
            code(&with(&|x| x.completions.clear())),
            "node.no_completion"
        );
        assert_eq!(
            code(&with(&|x| x.completions.push(E::CaseFiled))),
            "node.completion_is_trigger"
        );
        assert_eq!(
            code(&with(&|x| x.completions.push(E::OfficerAssigned))),
            "node.duplicate_completion"
        );
        // Filing never follows anything.
        assert_eq!(
            code(&with(&|x| {
                x.trigger = E::OfficerAssigned;
                x.completions = vec![E::CaseFiled];
            })),
            "node.completion_impossible"
        );
        // After closing, no notice can be issued; after archiving nothing happens.
        assert_eq!(
            code(&with(&|x| {
                x.trigger = E::CaseClosed;
                x.completions = vec![E::NoticeIssued];
            })),
            "node.completion_impossible"
        );
        assert_eq!(
            code(&with(&|x| {
                x.trigger = E::CaseArchived;
                x.completions = vec![E::OfficerAssigned];
            })),
            "node.completion_impossible"
        );
        assert_eq!(
            code(&with(&|x| x.trigger = E::RosterSaved)),
            "node.not_case_event"
        );
        assert_eq!(
            code(&with(&|x| x.completions = vec![E::CaseUnlocked])),
            "node.reserved_event"
        );
        assert_eq!(
            code(&with(&|x| x.trigger = E::CaseSuspended)),
            "node.reserved_event"
        );
        let err = with(&|x| x.completions.push(E::CaseFiled))
            .validate()
            .unwrap_err();
        assert!(err.zh.contains("永远不会完成") && err.en.contains("never"));
    }

    #[test]
    fn node_unlock_levels_and_statuses_have_stable_keys() {
        for l in UnlockLevel::ALL {
            assert_eq!(UnlockLevel::from_key(l.key()).unwrap(), l);
            assert!(!l.name_zh().is_empty() && !l.name_en().is_empty());
            assert_eq!(
                serde_json::to_value(l).unwrap(),
                serde_json::Value::String(l.key().into())
            );
        }
        assert_eq!(
            UnlockLevel::from_key("president").unwrap_err().code,
            "node.unknown_unlock_level"
        );
        assert_eq!(UnlockLevel::BureauChief.approver_role(), Role::BureauChief);
        assert_eq!(UnlockLevel::HighCourt.approver_role(), Role::Supervisor);
        for s in NodeStatus::ALL {
            assert_eq!(NodeStatus::from_key(s.key()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.key().into())
            );
        }
    }

    #[test]
    fn node_worked_examples_with_real_holidays() {
        // Filed Sun 2025-09-28 (a make-up working day). Assign within 7 days: 10-05 is inside
        // the 国庆 holiday (10-01..10-08) -> 10-09 (Thu). Warned 2 days before: 10-07.
        let a = NodeInstance::open(&node("assign_officer"), 1, d(2025, 9, 28), cal()).unwrap();
        assert_eq!(
            due_date(d(2025, 9, 28), PeriodLimit::Days(7), cal(), 0)
                .unwrap()
                .date,
            d(2025, 10, 9)
        );
        assert_eq!(a.due_on, d(2025, 10, 9));
        assert_eq!(a.warn_on, d(2025, 10, 7));
        assert_eq!(a.status, NodeStatus::Running);
        // Network inquiry in 1 working day: 9-29 (Mon).
        let q = NodeInstance::open(&node("network_inquiry"), 1, d(2025, 9, 28), cal()).unwrap();
        assert_eq!(q.due_on, d(2025, 9, 29));
        assert_eq!(q.warn_on, d(2025, 9, 29));
        // Filed on Tue 9-30 before the holiday: the inquiry is due 10-09, the first working day.
        let q = NodeInstance::open(&node("network_inquiry"), 1, d(2025, 9, 30), cal()).unwrap();
        assert_eq!(q.due_on, d(2025, 10, 9));
        // Officer assigned Fri 2025-01-24: 3 days -> 1-27 (Mon, working; 春节 starts 1-28).
        let n = NodeInstance::open(&node("issue_notice"), 1, d(2025, 1, 24), cal()).unwrap();
        assert_eq!(n.due_on, d(2025, 1, 27));
        // Assigned Mon 1-27: 3 days -> 1-30 in 春节 -> 2-05 (Wed).
        let n = NodeInstance::open(&node("issue_notice"), 1, d(2025, 1, 27), cal()).unwrap();
        assert_eq!(n.due_on, d(2025, 2, 5));
        assert_eq!(n.warn_on, d(2025, 2, 4));
        // Filed 2025-04-01: 6 months -> 10-01 (国庆) -> 10-09; warned 15 days before: 9-24.
        let c = NodeInstance::open(&node("conclude_case"), 1, d(2025, 4, 1), cal()).unwrap();
        assert_eq!(c.due_on, d(2025, 10, 9));
        assert_eq!(c.warn_on, d(2025, 9, 24));
        // Funds received 2025-09-05: 30 days -> 10-05 (国庆) -> 10-09.
        let f = NodeInstance::open(&node("disburse_funds"), 1, d(2025, 9, 5), cal()).unwrap();
        assert_eq!(f.due_on, d(2025, 10, 9));
        // Closed 2025-12-01: archive in 60 days -> 2026-01-30 (Fri).
        let ar = NodeInstance::open(&node("archive_case"), 1, d(2025, 12, 1), cal()).unwrap();
        assert_eq!(ar.due_on, d(2026, 1, 30));
    }

    #[test]
    fn node_status_follows_the_dates() {
        let a = NodeInstance::open(&node("assign_officer"), 1, d(2025, 9, 28), cal()).unwrap();
        assert_eq!(a.status_on(d(2025, 9, 28)), NodeStatus::Running);
        assert_eq!(a.status_on(d(2025, 10, 6)), NodeStatus::Running);
        assert_eq!(a.status_on(d(2025, 10, 7)), NodeStatus::Warning);
        assert_eq!(a.status_on(d(2025, 10, 9)), NodeStatus::Warning);
        assert_eq!(a.status_on(d(2025, 10, 10)), NodeStatus::Overdue);
        assert_eq!(a.next_check_on(d(2025, 9, 28)), Some(d(2025, 10, 7)));
        assert_eq!(a.next_check_on(d(2025, 10, 7)), Some(d(2025, 10, 10)));
        assert_eq!(a.next_check_on(d(2025, 10, 10)), None);
        assert_eq!(a.refresh(d(2025, 10, 10)).status, NodeStatus::Overdue);
        // Completing late is recorded as late; completed stays completed.
        let done = a.complete(d(2025, 10, 10)).unwrap();
        assert!(done.completed_late());
        assert_eq!(done.status_on(d(2030, 1, 1)), NodeStatus::Completed);
        assert_eq!(done.next_check_on(d(2025, 10, 10)), None);
        assert!(!a.complete(d(2025, 10, 9)).unwrap().completed_late());
    }

    #[test]
    fn node_pause_resume_complete_refuse_wrong_order() {
        let a = NodeInstance::open(&node("conclude_case"), 1, d(2025, 4, 1), cal()).unwrap();
        let def = node("conclude_case");
        assert_eq!(
            a.resume(d(2025, 5, 1), &def, cal()).unwrap_err().code,
            "node.not_paused"
        );
        assert_eq!(
            a.pause(d(2025, 3, 1)).unwrap_err().code,
            "node.date_before_start"
        );
        assert_eq!(
            a.complete(d(2025, 3, 31)).unwrap_err().code,
            "node.date_before_start"
        );
        let p = a.pause(d(2025, 6, 1)).unwrap();
        assert_eq!(p.status, NodeStatus::Paused);
        assert_eq!(p.status_on(d(2026, 1, 1)), NodeStatus::Paused);
        assert_eq!(p.next_check_on(d(2025, 6, 2)), None);
        assert_eq!(
            p.pause(d(2025, 6, 2)).unwrap_err().code,
            "node.already_paused"
        );
        assert_eq!(
            p.resume(d(2025, 5, 31), &def, cal()).unwrap_err().code,
            "node.resume_before_pause"
        );
        let done = a.complete(d(2025, 5, 1)).unwrap();
        assert_eq!(
            done.complete(d(2025, 5, 2)).unwrap_err().code,
            "node.not_open"
        );
        assert_eq!(done.pause(d(2025, 5, 2)).unwrap_err().code, "node.not_open");
        assert_eq!(
            done.cancel(d(2025, 5, 2)).unwrap_err().code,
            "node.not_open"
        );
        // Completing a paused node ends the pause.
        let done = p.complete(d(2025, 6, 5)).unwrap();
        assert_eq!(done.paused_since, None);
        assert_eq!(done.status, NodeStatus::Completed);
    }

    #[test]
    fn node_suspension_pushes_the_six_month_node() {
        // Filed 2025-04-01; due 10-09. Suspended 06-01, resumed 06-11: 10 days deducted,
        // 10-01 + 10 = 10-11, a make-up working Saturday (RULES.md §2; period.rs example 8).
        let insts = run(&[
            (E::CaseFiled, d(2025, 4, 1)),
            (E::OfficerAssigned, d(2025, 4, 2)),
            (E::CaseSuspended, d(2025, 6, 1)),
        ]);
        let c = find(&insts, "conclude_case");
        assert_eq!(c.status, NodeStatus::Paused);
        // The assignment was done; the notice node (opened 04-02, due 04-07) pauses too.
        assert_eq!(find(&insts, "assign_officer").status, NodeStatus::Completed);
        assert_eq!(find(&insts, "issue_notice").status, NodeStatus::Paused);
        let insts = {
            let mut v = insts;
            let ch = react(&defaults(), &v, E::CaseResumed, d(2025, 6, 11), 1, cal()).unwrap();
            assert!(ch.iter().all(|c| c.kind == NodeChangeKind::Resumed));
            apply(&mut v, ch);
            v
        };
        let c = find(&insts, "conclude_case");
        assert_eq!(c.paused_days, 10);
        assert_eq!(c.paused_since, None);
        assert_eq!(c.due_on, d(2025, 10, 11));
        assert_eq!(c.warn_on, d(2025, 9, 26));
        assert_eq!(c.status, NodeStatus::Running);
        // A second suspension adds up: 10 + 20 = 30 days -> 10-31 (Fri).
        let mut v = insts;
        for (k, date) in [
            (E::CaseSuspended, d(2025, 7, 1)),
            (E::CaseResumed, d(2025, 7, 21)),
        ] {
            let ch = react(&defaults(), &v, k, date, 1, cal()).unwrap();
            apply(&mut v, ch);
        }
        let c = find(&v, "conclude_case");
        assert_eq!(c.paused_days, 30);
        assert_eq!(c.due_on, d(2025, 10, 31));
        // The funds node does not pause.
        let v = run(&[
            (E::CaseFiled, d(2025, 4, 1)),
            (E::FundsReceived, d(2025, 5, 6)),
            (E::CaseSuspended, d(2025, 5, 7)),
        ]);
        assert_eq!(find(&v, "disburse_funds").paused_since, None);
        assert_eq!(find(&v, "conclude_case").status, NodeStatus::Paused);
    }

    #[test]
    fn node_react_walks_a_case_through_its_life() {
        let defs = defaults();
        let mut insts = Vec::new();
        let step = |k: EventKind, date: NaiveDate, insts: &mut Vec<NodeInstance>| {
            let ch = react(&defs, insts, k, date, 7, cal()).unwrap();
            let kinds: Vec<_> = ch
                .iter()
                .map(|c| (c.kind, c.instance.node_key.clone()))
                .collect();
            apply(insts, ch);
            kinds
        };
        let k = step(E::CaseFiled, d(2025, 9, 28), &mut insts);
        assert_eq!(
            k,
            vec![
                (NodeChangeKind::Opened, "assign_officer".into()),
                (NodeChangeKind::Opened, "network_inquiry".into()),
                (NodeChangeKind::Opened, "conclude_case".into()),
            ]
        );
        // Filing again (a replayed event) opens nothing new.
        assert!(step(E::CaseFiled, d(2025, 9, 28), &mut insts).is_empty());
        let k = step(E::InquiryStarted, d(2025, 9, 28), &mut insts);
        assert_eq!(
            k,
            vec![(NodeChangeKind::Completed, "network_inquiry".into())]
        );
        let k = step(E::OfficerAssigned, d(2025, 9, 30), &mut insts);
        assert_eq!(
            k,
            vec![
                (NodeChangeKind::Completed, "assign_officer".into()),
                (NodeChangeKind::Opened, "issue_notice".into()),
            ]
        );
        // A reassignment does not reopen the notice node (it runs once per case).
        step(E::NoticeIssued, d(2025, 10, 9), &mut insts);
        assert!(step(E::OfficerAssigned, d(2025, 11, 3), &mut insts).is_empty());
        // Funds: each receipt after a payout opens a new node; a second receipt while one is
        // open keeps the earlier deadline.
        step(E::FundsReceived, d(2025, 11, 3), &mut insts);
        assert!(step(E::FundsReceived, d(2025, 11, 10), &mut insts).is_empty());
        step(E::FundsDisbursed, d(2025, 11, 20), &mut insts);
        let k = step(E::FundsReceived, d(2025, 12, 1), &mut insts);
        assert_eq!(k, vec![(NodeChangeKind::Opened, "disburse_funds".into())]);
        // Closing completes the 6-month node, cancels what is still open, opens archiving.
        let k = step(E::CaseClosed, d(2025, 12, 15), &mut insts);
        assert_eq!(
            k,
            vec![
                (NodeChangeKind::Completed, "conclude_case".into()),
                (NodeChangeKind::Cancelled, "disburse_funds".into()),
                (NodeChangeKind::Opened, "archive_case".into()),
            ]
        );
        let k = step(E::CaseArchived, d(2026, 1, 5), &mut insts);
        assert_eq!(k, vec![(NodeChangeKind::Completed, "archive_case".into())]);
        assert!(insts.iter().all(|i| !i.is_open()));
        assert_eq!(insts.len(), 7);
        // Instances of another case are not touched.
        let other = react(&defs, &insts, E::CaseArchived, d(2026, 1, 5), 8, cal()).unwrap();
        assert!(other.is_empty());
    }

    #[test]
    fn node_react_ignores_instances_of_removed_definitions() {
        let mut insts = run(&[(E::CaseFiled, d(2025, 4, 1))]);
        let mut defs = defaults();
        defs.nodes.retain(|n| n.key != "conclude_case");
        let ch = react(&defs, &insts, E::CaseClosed, d(2025, 5, 1), 1, cal()).unwrap();
        assert!(ch.iter().all(|c| c.instance.node_key != "conclude_case"));
        apply(&mut insts, ch);
        assert!(find(&insts, "conclude_case").is_open());
    }

    #[test]
    fn node_recompute_after_a_rule_change() {
        let mut insts = run(&[(E::CaseFiled, d(2025, 4, 1))]);
        insts.push(NodeInstance::open(&node("conclude_case"), 2, d(2025, 8, 1), cal()).unwrap());
        let mut defs = defaults();
        for n in &mut defs.nodes {
            if n.key == "conclude_case" {
                n.limit = PeriodLimit::Months(3);
            }
        }
        let today = d(2025, 7, 15);
        let r = recompute_all(&defs, &insts, cal(), today).unwrap();
        // Case 1: 04-01 + 3 months = 07-01 -> overdue on 07-15; case 2: 08-01 + 3 = 11-01 (Sat)
        // -> 11-03.
        assert_eq!(r.changed.len(), 2);
        assert_eq!(r.status_changes, 1);
        assert_eq!(r.newly_overdue, 1);
        let one = &r.changed.iter().find(|(_, i)| i.case_id == 1).unwrap().1;
        assert_eq!(one.due_on, d(2025, 7, 1));
        assert_eq!(one.status, NodeStatus::Overdue);
        let two = &r.changed.iter().find(|(_, i)| i.case_id == 2).unwrap().1;
        assert_eq!(two.due_on, d(2025, 11, 3));
        // Recomputing with the same rules changes nothing.
        let r = recompute_all(&defaults(), &insts, cal(), today).unwrap();
        assert!(r.changed.is_empty(), "{r:?}");
        // A recompute keeps the deducted suspension.
        let c = find(&insts, "conclude_case")
            .pause(d(2025, 6, 1))
            .unwrap()
            .resume(d(2025, 6, 11), &node("conclude_case"), cal())
            .unwrap();
        let again = c.recompute(&node("conclude_case"), cal()).unwrap();
        assert_eq!(again.due_on, d(2025, 10, 11));
        // A calendar change moves the date: with weekends only, 10-01 (Wed) stands.
        let plain = c
            .recompute(&node("conclude_case"), &WorkingCalendar::weekends_only())
            .unwrap();
        assert_eq!(plain.due_on, d(2025, 10, 13));
    }

    #[test]
    fn node_lock_whitelist_defaults_and_validation() {
        let set = defaults();
        assert_eq!(
            set.lock_whitelist,
            ["receive_funds", "record_inquiry", "add_dossier_item"]
        );
        // Stored definitions without a whitelist get the default one.
        let json = set.to_json();
        assert!(json.contains("lock_whitelist"), "{json}");
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v.as_object_mut().unwrap().remove("lock_whitelist");
        let old = NodeSet::from_json(&v.to_string()).unwrap();
        assert_eq!(old.lock_whitelist, default_lock_whitelist());
        let with = |list: &[&str]| NodeSet {
            lock_whitelist: list.iter().map(|k| k.to_string()).collect(),
            ..defaults()
        };
        with(&[]).validate().unwrap();
        with(&["issue_notice", "receive_funds"]).validate().unwrap();
        let e = with(&["add_document"]).validate().unwrap_err();
        assert_eq!(e.code, "node.whitelist_unknown_action");
        assert!(e.zh.contains("add_document"));
        assert_eq!(
            with(&["unlock"]).validate().unwrap_err().code,
            "node.whitelist_lock_action"
        );
        assert_eq!(
            with(&["receive_funds", "receive_funds"])
                .validate()
                .unwrap_err()
                .code,
            "node.whitelist_duplicate"
        );
    }

    #[test]
    fn node_extension_months_lengthen_a_months_limit() {
        // Filed 2025-04-01: 6 months -> 10-09 (after 国庆); extended by 3 months, the limit is 9
        // months from filing.
        let def = node("conclude_case");
        let c = NodeInstance::open(&def, 1, d(2025, 4, 1), cal()).unwrap();
        assert_eq!(c.effective_limit(&def), PeriodLimit::Months(6));
        let x = c.extend(3, &def, cal(), d(2025, 9, 20)).unwrap();
        assert_eq!(x.extension_months, 3);
        assert_eq!(x.effective_limit(&def), PeriodLimit::Months(9));
        assert_eq!(
            x.due_on,
            due_date_only(d(2025, 4, 1), PeriodLimit::Months(9), cal(), 0).unwrap()
        );
        assert!(x.due_on > c.due_on);
        assert_eq!(x.status, NodeStatus::Running);
        assert_eq!(x.warn_on, x.due_on - chrono::Duration::days(15));
        // A recompute keeps the extension.
        assert_eq!(x.recompute(&def, cal()).unwrap(), x);
        // A second extension adds up.
        let y = x.extend(3, &def, cal(), d(2025, 12, 20)).unwrap();
        assert_eq!(y.extension_months, 6);
        assert_eq!(
            y.due_on,
            due_date_only(d(2025, 4, 1), PeriodLimit::Months(12), cal(), 0).unwrap()
        );
        // Only months limits are extended; closed nodes are not.
        let a = NodeInstance::open(&node("assign_officer"), 1, d(2025, 4, 1), cal()).unwrap();
        assert_eq!(
            a.extend(3, &node("assign_officer"), cal(), d(2025, 4, 2))
                .unwrap_err()
                .code,
            "node.not_extendable"
        );
        let done = c.complete(d(2025, 5, 1)).unwrap();
        assert_eq!(
            done.extend(3, &def, cal(), d(2025, 5, 2)).unwrap_err().code,
            "node.not_open"
        );
    }

    #[test]
    fn node_deadline_override_replaces_the_due_date_and_moves_with_suspension() {
        let def = node("conclude_case");
        let c = NodeInstance::open(&def, 1, d(2025, 4, 1), cal())
            .unwrap()
            .refresh(d(2025, 10, 20));
        assert_eq!(c.status, NodeStatus::Overdue);
        // Past or today: refused.
        for bad in [d(2025, 10, 20), d(2025, 10, 1)] {
            assert_eq!(
                c.with_deadline(bad, &def, d(2025, 10, 20))
                    .unwrap_err()
                    .code,
                "node.deadline_not_future"
            );
        }
        let u = c
            .with_deadline(d(2025, 11, 28), &def, d(2025, 10, 20))
            .unwrap();
        assert_eq!(u.deadline_override, Some(d(2025, 11, 28)));
        assert_eq!(u.due_on, d(2025, 11, 28));
        assert_eq!(u.warn_on, d(2025, 11, 13));
        assert_eq!(u.status, NodeStatus::Running);
        assert_eq!(u.next_check_on(d(2025, 10, 20)), Some(d(2025, 11, 13)));
        assert_eq!(u.status_on(d(2025, 11, 29)), NodeStatus::Overdue);
        // A recompute (rule or calendar change) keeps it.
        assert_eq!(u.recompute(&def, cal()).unwrap(), u);
        let r = recompute_all(
            &defaults(),
            std::slice::from_ref(&u),
            cal(),
            d(2025, 10, 21),
        );
        assert!(r.unwrap().changed.is_empty());
        // Suspended 11-01, resumed 11-11: 10 days -> 12-08 (Mon).
        let p = u.pause(d(2025, 11, 1)).unwrap();
        let back = p.resume(d(2025, 11, 11), &def, cal()).unwrap();
        assert_eq!(back.deadline_override, Some(d(2025, 12, 8)));
        assert_eq!(back.due_on, d(2025, 12, 8));
        assert_eq!(back.paused_days, 10);
        // 11-28 + 1 day = 11-29 (Sat) -> moved onto Mon 12-01.
        let back = u
            .pause(d(2025, 11, 1))
            .unwrap()
            .resume(d(2025, 11, 2), &def, cal())
            .unwrap();
        assert_eq!(back.due_on, d(2025, 12, 1));
        // An extension after an unlock moves the set deadline by the months: 11-28 + 3 months
        // = 2026-02-28, a make-up working Saturday; 12-28 + 3 = 2026-03-28 (Sat) -> 03-30.
        let x = u.extend(3, &def, cal(), d(2025, 11, 1)).unwrap();
        assert_eq!(x.due_on, d(2026, 2, 28));
        let later = c
            .with_deadline(d(2025, 12, 28), &def, d(2025, 10, 20))
            .unwrap();
        let x2 = later.extend(3, &def, cal(), d(2025, 11, 1)).unwrap();
        assert_eq!(x2.due_on, d(2026, 3, 30));
        assert_eq!(x.extension_months, 3);
        // Old stored instances without the new fields still read.
        let mut v = serde_json::to_value(&c).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("extension_months");
        o.remove("deadline_override");
        let back: NodeInstance = serde_json::from_value(v).unwrap();
        assert_eq!(back, c);
    }

    // ---- property tests ----

    fn any_event() -> impl Strategy<Value = EventKind> {
        prop::sample::select(vec![
            E::CaseFiled,
            E::OfficerAssigned,
            E::NoticeIssued,
            E::InquiryStarted,
            E::InquiryAnswered,
            E::AssetControlled,
            E::FundsReceived,
            E::FundsDisbursed,
            E::CaseSuspended,
            E::CaseResumed,
            E::CaseClosed,
            E::CaseArchived,
            E::CaseLocked,
            E::CaseUnlocked,
        ])
    }

    proptest! {
        #[test]
        fn node_prop_react_completes_only_open_nodes(
            start in 0i64..1200,
            steps in prop::collection::vec((any_event(), 0i64..20, 1i64..3), 1..40)
        ) {
            let defs = defaults();
            let mut insts: Vec<NodeInstance> = Vec::new();
            let mut date = d(2024, 1, 1) + chrono::Duration::days(start);
            for (kind, gap, case) in steps {
                date += chrono::Duration::days(gap);
                let before = insts.clone();
                let ch = react(&defs, &insts, kind, date, case, cal()).unwrap();
                for c in &ch {
                    match c.existing {
                        Some(i) => {
                            // Only open instances of this case change.
                            prop_assert!(before[i].is_open(), "{:?} on closed {:?}", c.kind, before[i]);
                            prop_assert_eq!(before[i].case_id, case);
                            prop_assert_eq!(&before[i].node_key, &c.instance.node_key);
                            if c.kind == NodeChangeKind::Completed {
                                prop_assert!(defs.get(&c.instance.node_key).unwrap().is_completed_by(kind));
                                prop_assert_eq!(c.instance.completed_on, Some(date));
                            }
                        }
                        None => {
                            prop_assert_eq!(c.kind, NodeChangeKind::Opened);
                            prop_assert_eq!(defs.get(&c.instance.node_key).unwrap().trigger, kind);
                        }
                    }
                    prop_assert!(c.instance.warn_on <= c.instance.due_on);
                    prop_assert!(c.instance.started_on < c.instance.due_on);
                    prop_assert!(cal().is_working_day(c.instance.due_on));
                }
                apply(&mut insts, ch);
                // At most one open instance per (case, node).
                for (i, a) in insts.iter().enumerate() {
                    for b in &insts[..i] {
                        prop_assert!(!(a.is_open() && b.is_open()
                            && a.case_id == b.case_id && a.node_key == b.node_key));
                    }
                }
            }
        }

        #[test]
        fn node_prop_status_is_monotonic_without_completion(
            key_i in 0usize..6,
            start in 0i64..1500,
            pause in prop::option::of((0i64..60, 0i64..90)),
        ) {
            let defs = defaults();
            let def = &defs.nodes[key_i];
            let s = d(2024, 1, 1) + chrono::Duration::days(start);
            let mut inst = NodeInstance::open(def, 1, s, cal()).unwrap();
            if let Some((after, len)) = pause {
                let p = s + chrono::Duration::days(after);
                inst = inst.pause(p).unwrap()
                    .resume(p + chrono::Duration::days(len), def, cal()).unwrap();
            }
            let rank = |st: NodeStatus| match st {
                NodeStatus::Running => 0,
                NodeStatus::Warning => 1,
                NodeStatus::Overdue => 2,
                other => panic!("unexpected {other:?}"),
            };
            let mut last = 0;
            let mut saw_overdue = false;
            for day in s.iter_days().take(400) {
                let st = inst.status_on(day);
                let r = rank(st);
                prop_assert!(r >= last, "{:?} after rank {} on {}", st, last, day);
                last = r;
                saw_overdue |= st == NodeStatus::Overdue;
                if let Some(next) = inst.next_check_on(day) {
                    prop_assert!(next > day);
                    prop_assert_ne!(inst.status_on(next), st);
                }
            }
            prop_assert!(saw_overdue || inst.due_on >= s + chrono::Duration::days(399));
        }
    }
}
