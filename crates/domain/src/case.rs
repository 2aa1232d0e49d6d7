//! The enforcement case's type, lifecycle stages, closing modes and the 终本 preconditions
//! (RULES §4). Stage moves are checked here so that no layer above can skip filing or reopen
//! an archived case by accident.

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

fn unknown_key(code: &'static str, what_zh: &str, what_en: &str, key: &str) -> DomainError {
    DomainError::new(
        code,
        format!("未知的{what_zh}“{key}”"),
        format!("unknown {what_en} \"{key}\""),
    )
}

// ---------------------------------------------------------------------------------------------
// Case type (类型代字)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    First,
    Restored,
    Preservation,
    Objection,
    Review,
    Supervision,
    Assistance,
    Other,
}

impl CaseType {
    pub const ALL: [CaseType; 8] = [
        CaseType::First,
        CaseType::Restored,
        CaseType::Preservation,
        CaseType::Objection,
        CaseType::Review,
        CaseType::Supervision,
        CaseType::Assistance,
        CaseType::Other,
    ];

    /// The type code printed in the case number.
    pub fn code(self) -> &'static str {
        match self {
            CaseType::First => "执",
            CaseType::Restored => "执恢",
            CaseType::Preservation => "执保",
            CaseType::Objection => "执异",
            CaseType::Review => "执复",
            CaseType::Supervision => "执监",
            CaseType::Assistance => "执协",
            CaseType::Other => "执他",
        }
    }

    pub fn from_code(code: &str) -> DomainResult<CaseType> {
        let code = code.trim();
        Self::ALL.into_iter().find(|t| t.code() == code).ok_or_else(|| {
            DomainError::new(
                "case_type.unknown_code",
                format!("未知的案件类型代字“{code}”，应为 执、执恢、执保、执异、执复、执监、执协 或 执他"),
                format!(
                    "unknown case type code \"{code}\"; expected 执, 执恢, 执保, 执异, 执复, 执监, 执协 or 执他"
                ),
            )
        })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseType::First => "首次执行",
            CaseType::Restored => "恢复执行",
            CaseType::Preservation => "财产保全执行",
            CaseType::Objection => "执行异议",
            CaseType::Review => "执行复议",
            CaseType::Supervision => "执行监督",
            CaseType::Assistance => "执行协调",
            CaseType::Other => "其他执行",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            CaseType::First => "First enforcement",
            CaseType::Restored => "Restored enforcement",
            CaseType::Preservation => "Preservation enforcement",
            CaseType::Objection => "Enforcement objection",
            CaseType::Review => "Enforcement review",
            CaseType::Supervision => "Enforcement supervision",
            CaseType::Assistance => "Enforcement coordination",
            CaseType::Other => "Other enforcement",
        }
    }

    /// Stable ASCII identifier for storage and URLs.
    pub fn key(self) -> &'static str {
        match self {
            CaseType::First => "first",
            CaseType::Restored => "restored",
            CaseType::Preservation => "preservation",
            CaseType::Objection => "objection",
            CaseType::Review => "review",
            CaseType::Supervision => "supervision",
            CaseType::Assistance => "assistance",
            CaseType::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<CaseType> {
        Self::ALL
            .into_iter()
            .find(|t| t.key() == key)
            .ok_or_else(|| unknown_key("case_type.unknown", "案件类型", "case type", key))
    }

    /// 实施类: cases that actually enforce (as opposed to 审查类 examination cases). Closing modes,
    /// time limits and most quality metrics apply to these.
    pub fn is_implementation(self) -> bool {
        matches!(
            self,
            CaseType::First | CaseType::Restored | CaseType::Preservation
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Stage
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Reception,
    Filed,
    Assigned,
    Investigation,
    Disposal,
    Distribution,
    Closing,
    Closed,
    Archived,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Reception,
        Stage::Filed,
        Stage::Assigned,
        Stage::Investigation,
        Stage::Disposal,
        Stage::Distribution,
        Stage::Closing,
        Stage::Closed,
        Stage::Archived,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Stage::Reception => "reception",
            Stage::Filed => "filed",
            Stage::Assigned => "assigned",
            Stage::Investigation => "investigation",
            Stage::Disposal => "disposal",
            Stage::Distribution => "distribution",
            Stage::Closing => "closing",
            Stage::Closed => "closed",
            Stage::Archived => "archived",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<Stage> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .ok_or_else(|| unknown_key("stage.unknown", "办案阶段", "stage", key))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::Reception => "初次接待",
            Stage::Filed => "已立案",
            Stage::Assigned => "已分案",
            Stage::Investigation => "财产查控",
            Stage::Disposal => "财产处置",
            Stage::Distribution => "款物发放",
            Stage::Closing => "结案审查",
            Stage::Closed => "已结案",
            Stage::Archived => "已归档",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Stage::Reception => "Reception",
            Stage::Filed => "Filed",
            Stage::Assigned => "Assigned",
            Stage::Investigation => "Asset investigation",
            Stage::Disposal => "Asset disposal",
            Stage::Distribution => "Disbursement",
            Stage::Closing => "Closing review",
            Stage::Closed => "Closed",
            Stage::Archived => "Archived",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Closed | Stage::Archived)
    }

    /// The lifecycle rules:
    /// - a reception becomes a case only by filing (no skipping the docket number);
    /// - from filing on, forward one or more steps up to 结案审查 (stages with nothing to do are
    ///   skipped, and a case may go to closing early, e.g. withdrawn or dormant);
    /// - 财产处置 and 款物发放 may return to 财产查控 when new assets turn up;
    /// - 已结案 only from 结案审查, 已归档 only from 已结案, nothing leaves 已归档;
    /// - staying put is not a move.
    pub fn can_move_to(self, next: Stage) -> bool {
        use Stage::*;
        match (self, next) {
            (a, b) if a == b => false,
            (Reception, Filed) => true,
            (Reception, _) => false,
            (Closing, Closed) | (Closed, Archived) => true,
            (_, Closed | Archived) | (Closed | Archived, _) => false,
            (Disposal | Distribution, Investigation) => true,
            (from, to) => from < to,
        }
    }

    pub fn check_move(self, next: Stage) -> DomainResult<()> {
        if self == next {
            return Err(DomainError::new(
                "stage.same",
                format!("案件已处于“{}”阶段，无需转换", self.name_zh()),
                format!("the case is already at stage \"{}\"", self.name_en()),
            ));
        }
        if self.can_move_to(next) {
            return Ok(());
        }
        let (hint_zh, hint_en) = match (self, next) {
            (Stage::Archived, _) => (
                "已归档的案件不能再变更阶段",
                "an archived case cannot change stage",
            ),
            (Stage::Closed, _) => (
                "已结案的案件只能归档；恢复执行须另立执恢案件",
                "a closed case can only be archived; resuming needs a new 执恢 case",
            ),
            (_, Stage::Closed) => (
                "结案须先经结案审查",
                "a case must pass closing review before it is closed",
            ),
            (_, Stage::Archived) => (
                "只有已结案的案件才能归档",
                "only a closed case can be archived",
            ),
            (Stage::Reception, _) => (
                "接待后须先立案",
                "after reception the case must first be filed",
            ),
            _ => (
                "办案阶段不能倒退",
                "a case cannot go back to an earlier stage",
            ),
        };
        Err(DomainError::new(
            "stage.transition",
            format!(
                "不能从“{}”转到“{}”：{hint_zh}",
                self.name_zh(),
                next.name_zh()
            ),
            format!(
                "cannot move from \"{}\" to \"{}\": {hint_en}",
                self.name_en(),
                next.name_en()
            ),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Closing mode
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosingMode {
    Completed,
    Dormant,
    Terminated,
    Withdrawn,
    Refused,
    Rejected,
}

impl ClosingMode {
    pub const ALL: [ClosingMode; 6] = [
        ClosingMode::Completed,
        ClosingMode::Dormant,
        ClosingMode::Terminated,
        ClosingMode::Withdrawn,
        ClosingMode::Refused,
        ClosingMode::Rejected,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ClosingMode::Completed => "completed",
            ClosingMode::Dormant => "dormant",
            ClosingMode::Terminated => "terminated",
            ClosingMode::Withdrawn => "withdrawn",
            ClosingMode::Refused => "refused",
            ClosingMode::Rejected => "rejected",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<ClosingMode> {
        Self::ALL
            .into_iter()
            .find(|m| m.key() == key)
            .ok_or_else(|| unknown_key("closing_mode.unknown", "结案方式", "closing mode", key))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ClosingMode::Completed => "执行完毕",
            ClosingMode::Dormant => "终结本次执行程序",
            ClosingMode::Terminated => "终结执行",
            ClosingMode::Withdrawn => "销案",
            ClosingMode::Refused => "不予执行",
            ClosingMode::Rejected => "驳回申请",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ClosingMode::Completed => "Completed",
            ClosingMode::Dormant => "Dormant (this round ended)",
            ClosingMode::Terminated => "Terminated",
            ClosingMode::Withdrawn => "Withdrawn",
            ClosingMode::Refused => "Refused",
            ClosingMode::Rejected => "Rejected",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 终本 preconditions
// ---------------------------------------------------------------------------------------------

/// What must be true before a case may be closed as 终结本次执行程序 (RULES §4): the five
/// statutory conditions (the second split into its two halves) plus hearing the applicant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DormantChecklist {
    pub notice_and_report_order_issued: bool,
    pub restriction_order_issued: bool,
    pub blacklisted_where_eligible: bool,
    pub investigation_exhausted: bool,
    pub months_since_filing_over_3: bool,
    pub missing_debtor_searched: bool,
    pub applicant_heard: bool,
}

impl DormantChecklist {
    /// Every unmet condition as (Chinese, English), in statutory order; empty when all are met.
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        let items = [
            (
                self.notice_and_report_order_issued,
                "已发出执行通知书和报告财产令",
                "enforcement notice and asset-report order issued",
            ),
            (
                self.restriction_order_issued,
                "已发出限制消费令",
                "consumption-restriction order issued",
            ),
            (
                self.blacklisted_where_eligible,
                "符合条件的已将被执行人纳入失信被执行人名单",
                "debtor put on the dishonest-debtor list where eligible",
            ),
            (
                self.investigation_exhausted,
                "已穷尽财产调查措施，未发现可供执行的财产",
                "asset investigation exhausted without finding property to enforce against",
            ),
            (
                self.months_since_filing_over_3,
                "自立案之日起已超过三个月",
                "more than 3 months since filing",
            ),
            (
                self.missing_debtor_searched,
                "下落不明的被执行人已依法查找，妨碍执行的行为已依法处罚",
                "a missing debtor was searched for and obstruction was punished",
            ),
            (
                self.applicant_heard,
                "已告知申请执行人并听取其意见",
                "the applicant was informed and heard",
            ),
        ];
        items
            .into_iter()
            .filter(|(met, _, _)| !met)
            .map(|(_, zh, en)| (zh, en))
            .collect()
    }

    pub fn check(&self) -> DomainResult<()> {
        let missing = self.missing();
        if missing.is_empty() {
            return Ok(());
        }
        let zh: Vec<&str> = missing.iter().map(|(zh, _)| *zh).collect();
        let en: Vec<&str> = missing.iter().map(|(_, en)| *en).collect();
        Err(DomainError::new(
            "closing.dormant_conditions",
            format!("不符合终结本次执行程序的条件，尚未满足：{}", zh.join("；")),
            format!(
                "cannot close as dormant (终本); not yet met: {}",
                en.join("; ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_type_codes_and_keys() {
        let codes: Vec<&str> = CaseType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(
            codes,
            ["执", "执恢", "执保", "执异", "执复", "执监", "执协", "执他"]
        );
        for t in CaseType::ALL {
            assert_eq!(CaseType::from_code(t.code()).unwrap(), t);
            assert_eq!(CaseType::from_key(t.key()).unwrap(), t);
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.key())
            );
        }
        assert_eq!(CaseType::Preservation.name_zh(), "财产保全执行");
        assert_eq!(CaseType::Restored.key(), "restored");
        assert_eq!(
            CaseType::from_code("执行").unwrap_err().code,
            "case_type.unknown_code"
        );
        assert_eq!(
            CaseType::from_key("First").unwrap_err().code,
            "case_type.unknown"
        );
        let implementation: Vec<CaseType> = CaseType::ALL
            .into_iter()
            .filter(|t| t.is_implementation())
            .collect();
        assert_eq!(
            implementation,
            [CaseType::First, CaseType::Restored, CaseType::Preservation]
        );
    }

    #[test]
    fn stage_keys_and_names() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_key(s.key()).unwrap(), s);
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.key())
            );
        }
        assert_eq!(Stage::Investigation.name_zh(), "财产查控");
        assert_eq!(Stage::from_key("x").unwrap_err().code, "stage.unknown");
        let open: Vec<Stage> = Stage::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 7);
        assert!(!Stage::Closed.is_open() && !Stage::Archived.is_open());
    }

    #[test]
    fn stage_moves_follow_the_rules() {
        use Stage::*;
        let allowed = [
            (Reception, Filed),
            (Filed, Assigned),
            (Filed, Investigation),
            (Filed, Closing),
            (Assigned, Investigation),
            (Assigned, Distribution),
            (Investigation, Disposal),
            (Investigation, Distribution),
            (Investigation, Closing),
            (Disposal, Distribution),
            (Disposal, Investigation),
            (Distribution, Investigation),
            (Distribution, Closing),
            (Closing, Closed),
            (Closed, Archived),
        ];
        for (a, b) in allowed {
            assert!(a.can_move_to(b), "{a:?} -> {b:?} should be allowed");
            assert!(a.check_move(b).is_ok());
        }
        let refused = [
            (Reception, Assigned),
            (Reception, Closing),
            (Filed, Reception),
            (Assigned, Filed),
            (Investigation, Assigned),
            (Distribution, Disposal),
            (Closing, Investigation),
            (Filed, Closed),
            (Distribution, Closed),
            (Closing, Archived),
            (Closed, Closing),
            (Closed, Investigation),
            (Archived, Closed),
            (Archived, Investigation),
        ];
        for (a, b) in refused {
            assert!(!a.can_move_to(b), "{a:?} -> {b:?} should be refused");
            assert_eq!(a.check_move(b).unwrap_err().code, "stage.transition");
        }
        for s in Stage::ALL {
            assert!(!s.can_move_to(s));
            assert_eq!(s.check_move(s).unwrap_err().code, "stage.same");
            assert!(!Archived.can_move_to(s));
        }
        // Exhaustive cross-check: everything reachable into Closed/Archived is the single edge.
        for a in Stage::ALL {
            assert_eq!(a.can_move_to(Closed), a == Closing);
            assert_eq!(a.can_move_to(Archived), a == Closed);
        }
    }

    #[test]
    fn stage_move_error_names_both_stages() {
        let e = Stage::Investigation.check_move(Stage::Closed).unwrap_err();
        assert!(
            e.zh.contains("“财产查控”") && e.zh.contains("“已结案”"),
            "{e}"
        );
        assert!(
            e.en.contains("Asset investigation") && e.en.contains("Closed"),
            "{e}"
        );
        let e = Stage::Disposal.check_move(Stage::Assigned).unwrap_err();
        assert!(
            e.zh.contains("“财产处置”") && e.zh.contains("“已分案”"),
            "{e}"
        );
    }

    #[test]
    fn closing_modes() {
        let names: Vec<&str> = ClosingMode::ALL.iter().map(|m| m.name_zh()).collect();
        assert_eq!(
            names,
            [
                "执行完毕",
                "终结本次执行程序",
                "终结执行",
                "销案",
                "不予执行",
                "驳回申请"
            ]
        );
        for m in ClosingMode::ALL {
            assert_eq!(ClosingMode::from_key(m.key()).unwrap(), m);
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.key())
            );
        }
        assert_eq!(
            ClosingMode::from_key("done").unwrap_err().code,
            "closing_mode.unknown"
        );
    }

    #[test]
    fn dormant_checklist() {
        let all = DormantChecklist {
            notice_and_report_order_issued: true,
            restriction_order_issued: true,
            blacklisted_where_eligible: true,
            investigation_exhausted: true,
            months_since_filing_over_3: true,
            missing_debtor_searched: true,
            applicant_heard: true,
        };
        assert!(all.check().is_ok());
        assert!(all.missing().is_empty());

        let none = DormantChecklist::default();
        let e = none.check().unwrap_err();
        assert_eq!(e.code, "closing.dormant_conditions");
        assert_eq!(none.missing().len(), 7);
        for (zh, en) in none.missing() {
            assert!(e.zh.contains(zh) && e.en.contains(en));
        }

        let e = DormantChecklist {
            months_since_filing_over_3: false,
            ..all
        }
        .check()
        .unwrap_err();
        assert!(
            e.zh.contains("三个月") && !e.zh.contains("限制消费令"),
            "{e}"
        );

        let two_missing = DormantChecklist {
            restriction_order_issued: false,
            applicant_heard: false,
            ..all
        };
        assert_eq!(two_missing.missing().len(), 2);
        let e = two_missing.check().unwrap_err();
        assert!(e.zh.contains("限制消费令") && e.zh.contains("听取"), "{e}");
    }
}
