//! Triage (繁简分流): each court's ordered rules send a newly filed case to a kind of team, and
//! say why in words the clerk can read back to the applicant ("标的额 38,000.00 元 < 50,000.00
//! 元，且非特殊案件 → 速执团队").
//!
//! A rule set is stored as JSON (see [`RuleSet::to_json`]) and checked by [`RuleSet::validate`]
//! before it is saved: every possible case must match some rule (no gap) and every rule must be
//! the first match for some case (no dead rule). Both are decided exactly, not by sampling:
//! every condition looks at one fact only (claim, case type, flags, …), so each fact's range
//! splits into a few classes that no condition can tell apart, and checking one representative
//! case per combination of classes covers all cases.
//!
//! Routing ([`RuleSet::route`]) is pure and cheap: no regexes, no JSON, only the reason strings
//! are allocated.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::case::CaseType;
use crate::money::Fen;
use crate::team::TeamKind;
use crate::{DomainError, DomainResult};

// ---------------------------------------------------------------------------------------------
// Case flags
// ---------------------------------------------------------------------------------------------

/// Special circumstances recorded at reception that change where a case goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseFlag {
    /// 涉黑恶: connected with organised crime (扫黑除恶).
    OrganisedCrime,
    /// 政府投融资平台: the debtor is a government financing platform.
    GovernmentPlatform,
    /// 涉民生: wages, support payments, personal injury and similar livelihood claims.
    Livelihood,
    /// 重大疑难: major or difficult case.
    MajorDifficult,
}

impl CaseFlag {
    pub const ALL: [CaseFlag; 4] = [
        CaseFlag::OrganisedCrime,
        CaseFlag::GovernmentPlatform,
        CaseFlag::Livelihood,
        CaseFlag::MajorDifficult,
    ];

    /// The flags that make a case "special" (特殊案件) and send it to the special team in the
    /// presets (RULES §6).
    pub const SPECIAL: [CaseFlag; 3] = [
        CaseFlag::OrganisedCrime,
        CaseFlag::GovernmentPlatform,
        CaseFlag::MajorDifficult,
    ];

    /// Stable ASCII identifier for storage, forms and URLs (the same as the serde form).
    pub fn key(self) -> &'static str {
        match self {
            CaseFlag::OrganisedCrime => "organised_crime",
            CaseFlag::GovernmentPlatform => "government_platform",
            CaseFlag::Livelihood => "livelihood",
            CaseFlag::MajorDifficult => "major_difficult",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<CaseFlag> {
        let key = key.trim();
        CaseFlag::ALL
            .into_iter()
            .find(|f| f.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "case_flag.unknown",
                    format!(
                        "未知的案件标记“{key}”，应为 organised_crime（涉黑恶）、government_platform（政府投融资平台）、livelihood（涉民生）或 major_difficult（重大疑难）"
                    ),
                    format!(
                        "unknown case flag \"{key}\"; expected organised_crime, government_platform, livelihood or major_difficult"
                    ),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CaseFlag::OrganisedCrime => "涉黑恶",
            CaseFlag::GovernmentPlatform => "政府投融资平台",
            CaseFlag::Livelihood => "涉民生",
            CaseFlag::MajorDifficult => "重大疑难",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            CaseFlag::OrganisedCrime => "organised crime",
            CaseFlag::GovernmentPlatform => "government financing platform",
            CaseFlag::Livelihood => "livelihood",
            CaseFlag::MajorDifficult => "major or difficult",
        }
    }
}

/// The distinct flags of `flags` in [`CaseFlag::ALL`] order.
fn flag_set(flags: &[CaseFlag]) -> BTreeSet<CaseFlag> {
    flags.iter().copied().collect()
}

fn is_special_set(flags: &[CaseFlag]) -> bool {
    flag_set(flags) == flag_set(&CaseFlag::SPECIAL)
}

fn join_flags_zh(flags: impl IntoIterator<Item = CaseFlag>) -> String {
    flags
        .into_iter()
        .map(CaseFlag::name_zh)
        .collect::<Vec<_>>()
        .join("、")
}

fn join_flags_en(flags: impl IntoIterator<Item = CaseFlag>, last: &str) -> String {
    join_en(flags.into_iter().map(CaseFlag::name_en).collect(), last)
}

/// `a`, `a or b`, `a, b or c`.
fn join_en(items: Vec<&str>, last: &str) -> String {
    match items.split_last() {
        None => String::new(),
        Some((only, [])) => (*only).to_string(),
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

/// What triage looks at, taken from the reception record or the filing form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageFacts {
    pub case_type: CaseType,
    /// 申请执行标的额. Real cases have a positive claim.
    pub claim: Fen,
    /// Number of applicants (at least 1 in a real case).
    pub applicants: u32,
    /// Number of debtors (at least 1 in a real case).
    pub debtors: u32,
    /// Whether the debtor can easily be found.
    pub debtor_locatable: bool,
    /// Whether a debtor already has other open cases in this court (关联案件).
    pub debtor_has_open_cases: bool,
    #[serde(default)]
    pub flags: BTreeSet<CaseFlag>,
}

impl TriageFacts {
    /// One applicant, one debtor who can be found, no other open cases, no flags.
    pub fn new(case_type: CaseType, claim: Fen) -> TriageFacts {
        TriageFacts {
            case_type,
            claim,
            applicants: 1,
            debtors: 1,
            debtor_locatable: true,
            debtor_has_open_cases: false,
            flags: BTreeSet::new(),
        }
    }

    pub fn with_flag(mut self, flag: CaseFlag) -> TriageFacts {
        self.flags.insert(flag);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

/// One test on one fact. Stored as JSON like `{"kind":"claim_below","value":5000000}` (amounts
/// in fen); the `kind` names are stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Condition {
    /// Claim strictly below the amount.
    ClaimBelow(Fen),
    /// Claim at or above the amount.
    ClaimAtLeast(Fen),
    /// The case type is one of these.
    CaseTypeIn(Vec<CaseType>),
    /// The case carries at least one of these flags.
    HasAnyFlag(Vec<CaseFlag>),
    /// The case carries none of these flags.
    NoFlags(Vec<CaseFlag>),
    ApplicantsAtLeast(u32),
    DebtorsAtLeast(u32),
    DebtorLocatable(bool),
    DebtorHasOpenCases(bool),
}

/// The fact a condition looks at. Every condition looks at exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    Claim,
    CaseType,
    Flags,
    Locatable,
    OpenCases,
    Applicants,
    Debtors,
}

const AXES: [Axis; 7] = [
    Axis::Claim,
    Axis::CaseType,
    Axis::Flags,
    Axis::Locatable,
    Axis::OpenCases,
    Axis::Applicants,
    Axis::Debtors,
];

impl Condition {
    /// The stable `kind` string of the JSON form.
    pub fn kind(&self) -> &'static str {
        match self {
            Condition::ClaimBelow(_) => "claim_below",
            Condition::ClaimAtLeast(_) => "claim_at_least",
            Condition::CaseTypeIn(_) => "case_type_in",
            Condition::HasAnyFlag(_) => "has_any_flag",
            Condition::NoFlags(_) => "no_flags",
            Condition::ApplicantsAtLeast(_) => "applicants_at_least",
            Condition::DebtorsAtLeast(_) => "debtors_at_least",
            Condition::DebtorLocatable(_) => "debtor_locatable",
            Condition::DebtorHasOpenCases(_) => "debtor_has_open_cases",
        }
    }

    fn axis(&self) -> Axis {
        match self {
            Condition::ClaimBelow(_) | Condition::ClaimAtLeast(_) => Axis::Claim,
            Condition::CaseTypeIn(_) => Axis::CaseType,
            Condition::HasAnyFlag(_) | Condition::NoFlags(_) => Axis::Flags,
            Condition::ApplicantsAtLeast(_) => Axis::Applicants,
            Condition::DebtorsAtLeast(_) => Axis::Debtors,
            Condition::DebtorLocatable(_) => Axis::Locatable,
            Condition::DebtorHasOpenCases(_) => Axis::OpenCases,
        }
    }

    pub fn matches(&self, facts: &TriageFacts) -> bool {
        match self {
            Condition::ClaimBelow(x) => facts.claim < *x,
            Condition::ClaimAtLeast(x) => facts.claim >= *x,
            Condition::CaseTypeIn(types) => types.contains(&facts.case_type),
            Condition::HasAnyFlag(flags) => flags.iter().any(|f| facts.flags.contains(f)),
            Condition::NoFlags(flags) => !flags.iter().any(|f| facts.flags.contains(f)),
            Condition::ApplicantsAtLeast(n) => facts.applicants >= *n,
            Condition::DebtorsAtLeast(n) => facts.debtors >= *n,
            Condition::DebtorLocatable(b) => facts.debtor_locatable == *b,
            Condition::DebtorHasOpenCases(b) => facts.debtor_has_open_cases == *b,
        }
    }

    /// Why this condition holds for `facts`, e.g. `标的额 38,000.00 元 < 50,000.00 元`,
    /// `财产保全执行案件`, `非特殊案件`, `被执行人下落不明`.
    pub fn describe_zh(&self, facts: &TriageFacts) -> String {
        match self {
            Condition::ClaimBelow(x) => format!("标的额 {} 元 < {x} 元", facts.claim),
            Condition::ClaimAtLeast(x) => format!("标的额 {} 元 ≥ {x} 元", facts.claim),
            Condition::CaseTypeIn(_) => format!("{}案件", facts.case_type.name_zh()),
            Condition::HasAnyFlag(flags) => {
                let hit = matched_flags(flags, facts);
                if is_special_set(flags) {
                    format!("特殊案件（{}）", join_flags_zh(hit))
                } else {
                    format!("{}案件", join_flags_zh(hit))
                }
            }
            Condition::ApplicantsAtLeast(n) => {
                format!("申请执行人 {} 人 ≥ {n} 人", facts.applicants)
            }
            Condition::DebtorsAtLeast(n) => format!("被执行人 {} 人 ≥ {n} 人", facts.debtors),
            Condition::NoFlags(_)
            | Condition::DebtorLocatable(_)
            | Condition::DebtorHasOpenCases(_) => self.summary_zh(),
        }
    }

    /// English of [`Condition::describe_zh`].
    pub fn describe_en(&self, facts: &TriageFacts) -> String {
        match self {
            Condition::ClaimBelow(x) => format!("claim {} yuan < {x} yuan", facts.claim),
            Condition::ClaimAtLeast(x) => format!("claim {} yuan ≥ {x} yuan", facts.claim),
            Condition::CaseTypeIn(_) => {
                format!("{} case", facts.case_type.name_en().to_lowercase())
            }
            Condition::HasAnyFlag(flags) => {
                let hit = matched_flags(flags, facts);
                if is_special_set(flags) {
                    format!("special case ({})", join_flags_en(hit, "and"))
                } else {
                    format!("flagged {}", join_flags_en(hit, "and"))
                }
            }
            Condition::ApplicantsAtLeast(n) => {
                format!("{} applicants ≥ {n}", facts.applicants)
            }
            Condition::DebtorsAtLeast(n) => format!("{} debtors ≥ {n}", facts.debtors),
            Condition::NoFlags(_)
            | Condition::DebtorLocatable(_)
            | Condition::DebtorHasOpenCases(_) => self.summary_en(),
        }
    }

    /// The condition itself, for the rule editor: `标的额 < 50,000.00 元`.
    pub fn summary_zh(&self) -> String {
        match self {
            Condition::ClaimBelow(x) => format!("标的额 < {x} 元"),
            Condition::ClaimAtLeast(x) => format!("标的额 ≥ {x} 元"),
            Condition::CaseTypeIn(types) => format!(
                "{}案件",
                types
                    .iter()
                    .map(|t| t.name_zh())
                    .collect::<Vec<_>>()
                    .join("或")
            ),
            Condition::HasAnyFlag(flags) if is_special_set(flags) => {
                format!("特殊案件（{}）", join_flags_zh(flag_set(flags)))
            }
            Condition::HasAnyFlag(flags) => {
                format!(
                    "{}案件",
                    flag_set(flags)
                        .into_iter()
                        .map(CaseFlag::name_zh)
                        .collect::<Vec<_>>()
                        .join("或")
                )
            }
            Condition::NoFlags(flags) if is_special_set(flags) => "非特殊案件".to_string(),
            Condition::NoFlags(flags) => format!("非{}案件", join_flags_zh(flag_set(flags))),
            Condition::ApplicantsAtLeast(n) => format!("申请执行人 ≥ {n} 人"),
            Condition::DebtorsAtLeast(n) => format!("被执行人 ≥ {n} 人"),
            Condition::DebtorLocatable(true) => "被执行人下落明确".to_string(),
            Condition::DebtorLocatable(false) => "被执行人下落不明".to_string(),
            Condition::DebtorHasOpenCases(true) => "被执行人另有未结案件".to_string(),
            Condition::DebtorHasOpenCases(false) => "被执行人无其他未结案件".to_string(),
        }
    }

    /// English of [`Condition::summary_zh`].
    pub fn summary_en(&self) -> String {
        match self {
            Condition::ClaimBelow(x) => format!("claim < {x} yuan"),
            Condition::ClaimAtLeast(x) => format!("claim ≥ {x} yuan"),
            Condition::CaseTypeIn(types) => format!(
                "{} case",
                join_en(types.iter().map(|t| t.name_en()).collect(), "or").to_lowercase()
            ),
            Condition::HasAnyFlag(flags) if is_special_set(flags) => {
                format!("special case ({})", join_flags_en(flag_set(flags), "or"))
            }
            Condition::HasAnyFlag(flags) => {
                format!("flagged {}", join_flags_en(flag_set(flags), "or"))
            }
            Condition::NoFlags(flags) if is_special_set(flags) => "not a special case".to_string(),
            Condition::NoFlags(flags) => {
                format!("not flagged {}", join_flags_en(flag_set(flags), "or"))
            }
            Condition::ApplicantsAtLeast(n) => format!("applicants ≥ {n}"),
            Condition::DebtorsAtLeast(n) => format!("debtors ≥ {n}"),
            Condition::DebtorLocatable(true) => "the debtor can be located".to_string(),
            Condition::DebtorLocatable(false) => "the debtor cannot be located".to_string(),
            Condition::DebtorHasOpenCases(true) => "the debtor has other open cases".to_string(),
            Condition::DebtorHasOpenCases(false) => {
                "the debtor has no other open cases".to_string()
            }
        }
    }
}

fn matched_flags(flags: &[CaseFlag], facts: &TriageFacts) -> Vec<CaseFlag> {
    let wanted = flag_set(flags);
    facts
        .flags
        .iter()
        .copied()
        .filter(|f| wanted.contains(f))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Rules and routing
// ---------------------------------------------------------------------------------------------

/// All conditions must hold; a rule without conditions is a catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRule {
    pub name: String,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub target: TeamKind,
}

impl TriageRule {
    pub fn new(name: impl Into<String>, conditions: Vec<Condition>, target: TeamKind) -> Self {
        TriageRule {
            name: name.into(),
            conditions,
            target,
        }
    }

    pub fn matches(&self, facts: &TriageFacts) -> bool {
        self.conditions.iter().all(|c| c.matches(facts))
    }

    pub fn is_catch_all(&self) -> bool {
        self.conditions.is_empty()
    }

    /// The rule for the editor: `标的额 < 50,000.00 元，且非特殊案件 → 速执团队`.
    pub fn summary_zh(&self) -> String {
        let when = if self.is_catch_all() {
            "其他案件".to_string()
        } else {
            self.conditions
                .iter()
                .map(Condition::summary_zh)
                .collect::<Vec<_>>()
                .join("，且")
        };
        format!("{when} → {}", self.target.name_zh())
    }

    pub fn summary_en(&self) -> String {
        let when = if self.is_catch_all() {
            "all other cases".to_string()
        } else {
            self.conditions
                .iter()
                .map(Condition::summary_en)
                .collect::<Vec<_>>()
                .join(", and ")
        };
        format!("{when} → {}", self.target.name_en())
    }
}

/// Where triage sent a case and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    /// Position of the matching rule, from 0 (shown to users as 第 `rule_index + 1` 条).
    pub rule_index: usize,
    pub rule_name: String,
    pub target: TeamKind,
    /// e.g. `标的额 38,000.00 元 < 50,000.00 元，且非特殊案件 → 速执团队`.
    pub reason_zh: String,
    pub reason_en: String,
}

/// A court's triage rules, in order: the first rule whose conditions all hold wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub rules: Vec<TriageRule>,
}

/// The team kinds of the 孟州市 preset.
pub const MENGZHOU_TEAMS: [TeamKind; 3] = [TeamKind::Fast, TeamKind::Ordinary, TeamKind::Special];

/// The team kinds of the 山阳区 preset. The dormant-case team takes 终本 cases of officers who
/// left: that is assignment, not triage, so no triage rule targets it.
pub const SHANYANG_TEAMS: [TeamKind; 6] = [
    TeamKind::Fast,
    TeamKind::Ordinary,
    TeamKind::Special,
    TeamKind::PoliceLinkage,
    TeamKind::RapidResponse,
    TeamKind::Dormant,
];

/// More rules than this are refused: validation tracks rules in a 128-bit mask, and no court's
/// triage needs anywhere near that many.
pub const MAX_RULES: usize = 128;

/// Validation gives up (with a message) on a rule set whose conditions split cases into more
/// classes than this; real rule sets have a few thousand at most.
const MAX_POINTS: u64 = 4_000_000;

fn rule_label_zh(index: usize, rule: &TriageRule) -> String {
    format!("第 {} 条规则“{}”", index + 1, rule.name.trim())
}

fn rule_label_en(index: usize, rule: &TriageRule) -> String {
    format!("rule {} \"{}\"", index + 1, rule.name.trim())
}

impl RuleSet {
    pub fn new(rules: Vec<TriageRule>) -> RuleSet {
        RuleSet { rules }
    }

    /// The index of the first rule whose conditions all hold. Allocates nothing: for rule
    /// simulation over many cases.
    pub fn first_match(&self, facts: &TriageFacts) -> Option<usize> {
        self.rules.iter().position(|r| r.matches(facts))
    }

    /// Routes a case: the first matching rule, its team and the reason in words.
    pub fn route(&self, facts: &TriageFacts) -> Option<Routing> {
        let index = self.first_match(facts)?;
        let rule = &self.rules[index];
        let (when_zh, when_en) = if rule.is_catch_all() {
            if index == 0 {
                ("所有案件".to_string(), "all cases".to_string())
            } else {
                (
                    format!("其他案件（前 {index} 条规则均不适用）"),
                    format!(
                        "other case (none of the {index} rule{} above applies)",
                        if index == 1 { "" } else { "s" }
                    ),
                )
            }
        } else {
            let mut zh = String::new();
            let mut en = String::new();
            for (i, c) in rule.conditions.iter().enumerate() {
                if i > 0 {
                    zh.push_str("，且");
                    en.push_str(", and ");
                }
                zh.push_str(&c.describe_zh(facts));
                en.push_str(&c.describe_en(facts));
            }
            (zh, en)
        };
        Some(Routing {
            rule_index: index,
            rule_name: rule.name.clone(),
            target: rule.target,
            reason_zh: format!("{when_zh} → {}", rule.target.name_zh()),
            reason_en: format!("{when_en} → {}", rule.target.name_en()),
        })
    }

    /// Refuses a rule set that cannot be saved; the error is the first of [`RuleSet::problems`].
    pub fn validate(&self, available_teams: &[TeamKind]) -> DomainResult<()> {
        match self.problems(available_teams).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Everything wrong with the rule set, in order: per-rule mistakes first (by position), then
    /// a gap (with one example case), then rules that can never be the first match. The admin
    /// page can show them all at once.
    pub fn problems(&self, available_teams: &[TeamKind]) -> Vec<DomainError> {
        let mut out = Vec::new();
        if self.rules.is_empty() {
            out.push(DomainError::new(
                "triage.empty",
                "分流规则不能为空：至少需要一条规则，最后一条通常是无条件的兜底规则",
                "the triage rules are empty: at least one rule is needed, usually ending with a catch-all rule without conditions",
            ));
            return out;
        }
        if self.rules.len() > MAX_RULES {
            out.push(DomainError::new(
                "triage.too_many_rules",
                format!(
                    "分流规则过多：共 {} 条，最多 {MAX_RULES} 条，请合并相近的规则",
                    self.rules.len()
                ),
                format!(
                    "too many triage rules: {} given, at most {MAX_RULES}; please merge similar rules",
                    self.rules.len()
                ),
            ));
            return out;
        }
        let mut contradictory = vec![false; self.rules.len()];
        let mut names = BTreeSet::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let (lz, le) = (rule_label_zh(i, rule), rule_label_en(i, rule));
            let name = rule.name.trim();
            if name.is_empty() {
                out.push(DomainError::new(
                    "triage.rule_name_empty",
                    format!("第 {} 条规则没有名称，请填写规则名称", i + 1),
                    format!("rule {} has no name; please give it one", i + 1),
                ));
            } else if !names.insert(name) {
                out.push(DomainError::new(
                    "triage.rule_name_duplicate",
                    format!("{lz}与前面的规则重名，请使用不同的名称"),
                    format!("{le} has the same name as an earlier rule; please use distinct names"),
                ));
            }
            if !available_teams.contains(&rule.target) {
                out.push(DomainError::new(
                    "triage.team_missing",
                    format!(
                        "{lz}把案件分给{}，但本院没有设立{}，请先设立该团队或改选目标团队",
                        rule.target.name_zh(),
                        rule.target.name_zh()
                    ),
                    format!(
                        "{le} sends cases to the {}, but this court has no {}; create the team first or choose another target",
                        rule.target.name_en(),
                        rule.target.name_en()
                    ),
                ));
            }
            if let Some(e) = rule_condition_problem(&lz, &le, rule) {
                contradictory[i] = true;
                out.push(e);
            }
        }
        match Space::new(&self.rules) {
            Err(e) => out.push(e),
            Ok(space) => space.check(&self.rules, &contradictory, &mut out),
        }
        out
    }

    /// Stable JSON for storage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a rule set always serialises")
    }

    /// Reads what [`RuleSet::to_json`] wrote (or an administrator's upload). Does not validate:
    /// call [`RuleSet::validate`] with the court's team kinds before saving.
    pub fn from_json(json: &str) -> DomainResult<RuleSet> {
        serde_json::from_str(json).map_err(|e| {
            DomainError::new(
                "triage.json",
                format!("分流规则格式错误：{e}"),
                format!("the triage rules are malformed: {e}"),
            )
        })
    }

    /// 孟州市 (three teams, RULES §6): special cases to the special team; preservation cases and
    /// claims under 50,000 yuan to the fast team; everything else to the ordinary team.
    pub fn mengzhou() -> RuleSet {
        RuleSet::new(vec![
            special_rule(),
            preservation_rule(),
            TriageRule::new(
                "小额案件",
                vec![
                    Condition::ClaimBelow(Fen::from_yuan(50_000)),
                    Condition::NoFlags(CaseFlag::SPECIAL.to_vec()),
                ],
                TeamKind::Fast,
            ),
            TriageRule::new("其他案件", vec![], TeamKind::Ordinary),
        ])
    }

    /// 山阳区 (six teams, RULES §6): special cases to the special team; preservation cases to the
    /// fast team; debtors who cannot be found to the police-linkage team; claims under 100,000
    /// yuan to 执行110; everything else to the ordinary team. The sixth, the dormant-case team,
    /// receives 终本 cases by assignment, never by triage.
    pub fn shanyang() -> RuleSet {
        RuleSet::new(vec![
            special_rule(),
            preservation_rule(),
            TriageRule::new(
                "被执行人下落不明",
                vec![Condition::DebtorLocatable(false)],
                TeamKind::PoliceLinkage,
            ),
            TriageRule::new(
                "小额案件",
                vec![
                    Condition::ClaimBelow(Fen::from_yuan(100_000)),
                    Condition::NoFlags(CaseFlag::SPECIAL.to_vec()),
                ],
                TeamKind::RapidResponse,
            ),
            TriageRule::new("其他案件", vec![], TeamKind::Ordinary),
        ])
    }
}

fn special_rule() -> TriageRule {
    TriageRule::new(
        "特殊案件",
        vec![Condition::HasAnyFlag(CaseFlag::SPECIAL.to_vec())],
        TeamKind::Special,
    )
}

fn preservation_rule() -> TriageRule {
    TriageRule::new(
        "财产保全案件",
        vec![Condition::CaseTypeIn(vec![CaseType::Preservation])],
        TeamKind::Fast,
    )
}

/// Mistakes visible inside one rule: non-positive amounts, empty lists, and conditions that
/// contradict each other.
fn rule_condition_problem(lz: &str, le: &str, rule: &TriageRule) -> Option<DomainError> {
    let contradiction = |zh: String, en: String| {
        DomainError::new(
            "triage.contradiction",
            format!("{lz}的条件互相矛盾，没有案件能满足：{zh}"),
            format!("{le} has contradictory conditions that no case can meet: {en}"),
        )
    };
    let mut floor: Option<Fen> = None; // largest ClaimAtLeast
    let mut ceiling: Option<Fen> = None; // smallest ClaimBelow
    let mut types: Option<BTreeSet<CaseType>> = None;
    let mut excluded: BTreeSet<CaseFlag> = BTreeSet::new();
    let mut locatable: Option<bool> = None;
    let mut open: Option<bool> = None;
    for c in &rule.conditions {
        match c {
            Condition::ClaimBelow(x) | Condition::ClaimAtLeast(x) if !x.is_positive() => {
                return Some(DomainError::new(
                    "triage.amount_not_positive",
                    format!("{lz}的条件“{}”中的金额必须大于零", c.summary_zh()),
                    format!(
                        "{le}: the amount in \"{}\" must be more than zero",
                        c.summary_en()
                    ),
                ));
            }
            Condition::ClaimBelow(x) => ceiling = Some(ceiling.map_or(*x, |c| c.min(*x))),
            Condition::ClaimAtLeast(x) => floor = Some(floor.map_or(*x, |f| f.max(*x))),
            Condition::CaseTypeIn(_) | Condition::HasAnyFlag(_) | Condition::NoFlags(_)
                if list_is_empty(c) =>
            {
                return Some(DomainError::new(
                    "triage.empty_list",
                    format!("{lz}有一个“{}”条件没有选择任何一项", list_kind_zh(c)),
                    format!(
                        "{le} has a \"{}\" condition with nothing selected",
                        list_kind_en(c)
                    ),
                ));
            }
            Condition::CaseTypeIn(list) => {
                let these: BTreeSet<CaseType> = list.iter().copied().collect();
                types = Some(match types {
                    None => these,
                    Some(t) => t.intersection(&these).copied().collect(),
                });
            }
            Condition::NoFlags(list) => excluded.extend(list.iter().copied()),
            Condition::DebtorLocatable(b) => {
                if locatable.is_some_and(|l| l != *b) {
                    return Some(contradiction(
                        "被执行人不可能既下落明确又下落不明".to_string(),
                        "the debtor cannot be both locatable and not locatable".to_string(),
                    ));
                }
                locatable = Some(*b);
            }
            Condition::DebtorHasOpenCases(b) => {
                if open.is_some_and(|o| o != *b) {
                    return Some(contradiction(
                        "被执行人不可能既有又没有其他未结案件".to_string(),
                        "the debtor cannot both have and not have other open cases".to_string(),
                    ));
                }
                open = Some(*b);
            }
            Condition::HasAnyFlag(_)
            | Condition::ApplicantsAtLeast(_)
            | Condition::DebtorsAtLeast(_) => {}
        }
    }
    if let (Some(lo), Some(hi)) = (floor, ceiling) {
        if lo >= hi {
            return Some(contradiction(
                format!("标的额不可能既 ≥ {lo} 元又 < {hi} 元"),
                format!("the claim cannot be both ≥ {lo} yuan and < {hi} yuan"),
            ));
        }
    }
    if types.as_ref().is_some_and(BTreeSet::is_empty) {
        return Some(contradiction(
            "几个“案件类型”条件没有共同的类型".to_string(),
            "the case-type conditions have no type in common".to_string(),
        ));
    }
    for c in &rule.conditions {
        if let Condition::HasAnyFlag(list) = c {
            if list.iter().all(|f| excluded.contains(f)) {
                let names = join_flags_zh(flag_set(list));
                let names_en = join_flags_en(flag_set(list), "and");
                return Some(contradiction(
                    format!("要求有{names}标记，同时又排除了这些标记"),
                    format!("it requires the flag {names_en} and also excludes it"),
                ));
            }
        }
    }
    None
}

fn list_is_empty(c: &Condition) -> bool {
    match c {
        Condition::CaseTypeIn(l) => l.is_empty(),
        Condition::HasAnyFlag(l) | Condition::NoFlags(l) => l.is_empty(),
        _ => false,
    }
}

fn list_kind_zh(c: &Condition) -> &'static str {
    match c {
        Condition::CaseTypeIn(_) => "案件类型属于",
        Condition::HasAnyFlag(_) => "有以下任一标记",
        _ => "无以下标记",
    }
}

fn list_kind_en(c: &Condition) -> &'static str {
    match c {
        Condition::CaseTypeIn(_) => "case type is one of",
        Condition::HasAnyFlag(_) => "has any of the flags",
        _ => "has none of the flags",
    }
}

// ---------------------------------------------------------------------------------------------
// Exhaustive check of gaps and unreachable rules
// ---------------------------------------------------------------------------------------------

/// The representative values of each fact. Two cases whose facts fall in the same class on
/// every axis match exactly the same rules, so checking one case per class combination checks
/// them all.
struct Space {
    /// Claim intervals `[lo, hi)` cut at every threshold the rules use, starting at 1 fen.
    claims: Vec<(Fen, Option<Fen>)>,
    case_types: Vec<CaseType>,
    /// Flags any rule mentions; flags no rule mentions cannot change a route.
    flags_mentioned: Vec<CaseFlag>,
    /// Every subset of `flags_mentioned`, the empty set first.
    flag_sets: Vec<BTreeSet<CaseFlag>>,
    locatable: Vec<bool>,
    open_cases: Vec<bool>,
    applicants: Vec<u32>,
    debtors: Vec<u32>,
    /// Per axis (in [`AXES`] order): `(mask of rules accepting the value, value index)`, one
    /// entry per class of values that the rules treat alike.
    classes: [Vec<(u128, usize)>; 7],
}

fn mentions(rules: &[TriageRule], axis: Axis) -> bool {
    rules
        .iter()
        .flat_map(|r| &r.conditions)
        .any(|c| c.axis() == axis)
}

fn thresholds(rules: &[TriageRule], pick: impl Fn(&Condition) -> Option<u32>) -> Vec<u32> {
    let mut v: Vec<u32> = rules
        .iter()
        .flat_map(|r| &r.conditions)
        .filter_map(pick)
        .filter(|n| *n > 1)
        .collect();
    v.push(1);
    v.sort_unstable();
    v.dedup();
    v
}

impl Space {
    fn new(rules: &[TriageRule]) -> DomainResult<Space> {
        // Claims: real claims are at least 1 fen; each threshold above that starts a class.
        let mut cuts: Vec<Fen> = rules
            .iter()
            .flat_map(|r| &r.conditions)
            .filter_map(|c| match c {
                Condition::ClaimBelow(x) | Condition::ClaimAtLeast(x) if x.0 > 1 => Some(*x),
                _ => None,
            })
            .collect();
        cuts.push(Fen(1));
        cuts.sort_unstable();
        cuts.dedup();
        let claims = cuts
            .iter()
            .enumerate()
            .map(|(i, lo)| (*lo, cuts.get(i + 1).copied()))
            .collect();

        let case_types = if mentions(rules, Axis::CaseType) {
            CaseType::ALL.to_vec()
        } else {
            vec![CaseType::First]
        };
        let mentioned: BTreeSet<CaseFlag> = rules
            .iter()
            .flat_map(|r| &r.conditions)
            .flat_map(|c| match c {
                Condition::HasAnyFlag(l) | Condition::NoFlags(l) => l.as_slice(),
                _ => &[],
            })
            .copied()
            .collect();
        let flags_mentioned: Vec<CaseFlag> = mentioned.into_iter().collect();
        let flag_sets = (0u32..1 << flags_mentioned.len())
            .map(|bits| {
                flags_mentioned
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, f)| *f)
                    .collect()
            })
            .collect();
        let locatable = if mentions(rules, Axis::Locatable) {
            vec![true, false]
        } else {
            vec![true]
        };
        let open_cases = if mentions(rules, Axis::OpenCases) {
            vec![false, true]
        } else {
            vec![false]
        };
        let applicants = thresholds(rules, |c| match c {
            Condition::ApplicantsAtLeast(n) => Some(*n),
            _ => None,
        });
        let debtors = thresholds(rules, |c| match c {
            Condition::DebtorsAtLeast(n) => Some(*n),
            _ => None,
        });
        let mut space = Space {
            claims,
            case_types,
            flags_mentioned,
            flag_sets,
            locatable,
            open_cases,
            applicants,
            debtors,
            classes: Default::default(),
        };
        for (a, axis) in AXES.into_iter().enumerate() {
            space.classes[a] = space.classes_of(rules, axis);
        }
        let points = space
            .classes
            .iter()
            .fold(1u64, |acc, c| acc.saturating_mul(c.len() as u64));
        if points > MAX_POINTS {
            return Err(DomainError::new(
                "triage.too_complex",
                format!(
                    "分流规则过于复杂（条件把案件分成了 {points} 类以上），无法检查是否有遗漏，请减少金额和人数的分档"
                ),
                format!(
                    "the triage rules are too complex to check for gaps (their conditions split cases into more than {points} classes); please use fewer amount and party-count bands"
                ),
            ));
        }
        Ok(space)
    }

    fn len(&self, axis: Axis) -> usize {
        match axis {
            Axis::Claim => self.claims.len(),
            Axis::CaseType => self.case_types.len(),
            Axis::Flags => self.flag_sets.len(),
            Axis::Locatable => self.locatable.len(),
            Axis::OpenCases => self.open_cases.len(),
            Axis::Applicants => self.applicants.len(),
            Axis::Debtors => self.debtors.len(),
        }
    }

    fn set(&self, facts: &mut TriageFacts, axis: Axis, i: usize) {
        match axis {
            Axis::Claim => facts.claim = self.claims[i].0,
            Axis::CaseType => facts.case_type = self.case_types[i],
            Axis::Flags => facts.flags.clone_from(&self.flag_sets[i]),
            Axis::Locatable => facts.debtor_locatable = self.locatable[i],
            Axis::OpenCases => facts.debtor_has_open_cases = self.open_cases[i],
            Axis::Applicants => facts.applicants = self.applicants[i],
            Axis::Debtors => facts.debtors = self.debtors[i],
        }
    }

    /// The values of one axis grouped by the set of rules whose conditions on that axis accept
    /// them; one representative (the first value) per group.
    fn classes_of(&self, rules: &[TriageRule], axis: Axis) -> Vec<(u128, usize)> {
        let mut facts = TriageFacts::new(CaseType::First, Fen(1));
        let mut out: Vec<(u128, usize)> = Vec::new();
        for i in 0..self.len(axis) {
            self.set(&mut facts, axis, i);
            let mask = rules.iter().enumerate().fold(0u128, |m, (r, rule)| {
                let ok = rule
                    .conditions
                    .iter()
                    .filter(|c| c.axis() == axis)
                    .all(|c| c.matches(&facts));
                if ok {
                    m | 1 << r
                } else {
                    m
                }
            });
            if !out.iter().any(|(m, _)| *m == mask) {
                out.push((mask, i));
            }
        }
        out
    }

    fn check(&self, rules: &[TriageRule], contradictory: &[bool], out: &mut Vec<DomainError>) {
        let all = if rules.len() == 128 {
            u128::MAX
        } else {
            (1u128 << rules.len()) - 1
        };
        let mut walk = Walk {
            classes: &self.classes,
            idx: [0; 7],
            first: 0,
            any: 0,
            shadow: vec![0; rules.len()],
            gap: None,
        };
        walk.visit(0, all);

        if let Some(idx) = walk.gap {
            let (zh, en) = self.describe_point(&idx);
            out.push(DomainError::new(
                "triage.gap",
                format!(
                    "分流规则有遗漏：有的案件不符合任何一条规则，无法分流。例如：{zh}。请补充规则，或在最后加一条无条件的兜底规则"
                ),
                format!(
                    "the triage rules leave a gap: some cases match no rule and cannot be routed, e.g. {en}. Add a rule, or end with a catch-all rule without conditions"
                ),
            ));
        }
        for (i, rule) in rules.iter().enumerate() {
            let bit = 1u128 << i;
            if contradictory[i] || walk.first & bit != 0 {
                continue;
            }
            let (lz, le) = (rule_label_zh(i, rule), rule_label_en(i, rule));
            if walk.any & bit == 0 {
                out.push(DomainError::new(
                    "triage.never_matches",
                    format!("{lz}不适用于任何案件（条件无法同时满足），请修改或删除"),
                    format!("{le} matches no case at all (its conditions cannot all hold); change or delete it"),
                ));
                continue;
            }
            let earlier: Vec<usize> = (0..i).filter(|j| walk.shadow[i] & 1 << j != 0).collect();
            let names_zh = earlier
                .iter()
                .map(|j| format!("第 {} 条“{}”", j + 1, rules[*j].name.trim()))
                .collect::<Vec<_>>()
                .join("、");
            let names_en = earlier
                .iter()
                .map(|j| format!("rule {} \"{}\"", j + 1, rules[*j].name.trim()))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(DomainError::new(
                "triage.unreachable",
                format!(
                    "{lz}永远不会被用到：它适用的案件都已先被前面的{names_zh}分走。请删除该规则，或把它移到前面"
                ),
                format!(
                    "{le} can never apply: every case it matches is taken first by {names_en}. Delete it or move it up"
                ),
            ));
        }
    }

    /// One case of the class combination `idx`, in words, naming only the facts some rule
    /// looks at.
    fn describe_point(&self, idx: &[usize; 7]) -> (String, String) {
        let mut zh: Vec<String> = Vec::new();
        let mut en: Vec<String> = Vec::new();
        let value = |axis: Axis| {
            let a = AXES.iter().position(|x| *x == axis).expect("axis listed");
            self.classes[a][idx[a]].1
        };
        if self.case_types.len() > 1 {
            let t = self.case_types[value(Axis::CaseType)];
            zh.push(format!("{}案件", t.name_zh()));
            en.push(format!("a {} case", t.name_en().to_lowercase()));
        }
        match self.claims[value(Axis::Claim)] {
            (lo, None) if lo.0 <= 1 => {}
            (lo, None) => {
                zh.push(format!("标的额 {lo} 元及以上"));
                en.push(format!("claim of {lo} yuan or more"));
            }
            (lo, Some(hi)) if lo.0 <= 1 => {
                zh.push(format!("标的额不足 {hi} 元"));
                en.push(format!("claim below {hi} yuan"));
            }
            (lo, Some(hi)) => {
                zh.push(format!("标的额 {lo} 元至 {hi} 元（不含）"));
                en.push(format!("claim from {lo} yuan to below {hi} yuan"));
            }
        }
        if !self.flags_mentioned.is_empty() {
            let set = &self.flag_sets[value(Axis::Flags)];
            if set.is_empty() {
                if is_special_set(&self.flags_mentioned) {
                    zh.push("无特殊标记".to_string());
                    en.push("no special flag".to_string());
                } else {
                    zh.push(format!(
                        "无{}标记",
                        join_flags_zh(self.flags_mentioned.iter().copied())
                    ));
                    en.push(format!(
                        "not flagged {}",
                        join_flags_en(self.flags_mentioned.iter().copied(), "or")
                    ));
                }
            } else {
                zh.push(format!("仅标记为{}", join_flags_zh(set.iter().copied())));
                en.push(format!(
                    "flagged only {}",
                    join_flags_en(set.iter().copied(), "and")
                ));
            }
        }
        if self.locatable.len() > 1 {
            let c = Condition::DebtorLocatable(self.locatable[value(Axis::Locatable)]);
            zh.push(c.summary_zh());
            en.push(c.summary_en());
        }
        if self.open_cases.len() > 1 {
            let c = Condition::DebtorHasOpenCases(self.open_cases[value(Axis::OpenCases)]);
            zh.push(c.summary_zh());
            en.push(c.summary_en());
        }
        if self.applicants.len() > 1 {
            let n = self.applicants[value(Axis::Applicants)];
            zh.push(format!("申请执行人 {n} 人"));
            en.push(format!("{n} applicant{}", if n == 1 { "" } else { "s" }));
        }
        if self.debtors.len() > 1 {
            let n = self.debtors[value(Axis::Debtors)];
            zh.push(format!("被执行人 {n} 人"));
            en.push(format!("{n} debtor{}", if n == 1 { "" } else { "s" }));
        }
        if zh.is_empty() {
            return ("任意案件".to_string(), "any case".to_string());
        }
        (zh.join("，"), en.join(", "))
    }
}

/// Depth-first walk over every class combination, narrowing the mask of matching rules one
/// axis at a time.
struct Walk<'a> {
    classes: &'a [Vec<(u128, usize)>; 7],
    idx: [usize; 7],
    /// Rules that are the first match of some case.
    first: u128,
    /// Rules that match some case.
    any: u128,
    /// Per rule: the rules that take its cases first.
    shadow: Vec<u128>,
    /// The first class combination no rule matches (the walk's order puts small claims, the
    /// first case type and no flags first, so the example is a plain one).
    gap: Option<[usize; 7]>,
}

impl Walk<'_> {
    fn visit(&mut self, level: usize, mask: u128) {
        if level == self.classes.len() {
            let first = mask & mask.wrapping_neg();
            self.first |= first;
            self.any |= mask;
            let mut rest = mask & !first;
            while rest != 0 {
                self.shadow[rest.trailing_zeros() as usize] |= first;
                rest &= rest - 1;
            }
            return;
        }
        for (i, (m, _)) in self.classes[level].iter().enumerate() {
            self.idx[level] = i;
            let next = mask & m;
            if next == 0 {
                if self.gap.is_none() {
                    let mut idx = self.idx;
                    idx[level + 1..].fill(0);
                    self.gap = Some(idx);
                }
                continue;
            }
            self.visit(level + 1, next);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(case_type: CaseType, yuan: i64) -> TriageFacts {
        TriageFacts::new(case_type, Fen::from_yuan(yuan))
    }

    fn route(set: &RuleSet, f: &TriageFacts) -> Routing {
        set.route(f).expect("routes")
    }

    fn problem(set: &RuleSet, teams: &[TeamKind]) -> DomainError {
        set.validate(teams).expect_err("should be refused")
    }

    #[test]
    fn flags_keys_round_trip() {
        for f in CaseFlag::ALL {
            assert_eq!(CaseFlag::from_key(f.key()).unwrap(), f);
            assert_eq!(
                serde_json::to_string(&f).unwrap(),
                format!("\"{}\"", f.key())
            );
            assert!(!f.name_zh().is_empty() && !f.name_en().is_empty());
        }
        assert_eq!(
            CaseFlag::from_key("x").unwrap_err().code,
            "case_flag.unknown"
        );
    }

    #[test]
    fn presets_are_valid_for_their_teams() {
        RuleSet::mengzhou().validate(&MENGZHOU_TEAMS).unwrap();
        RuleSet::shanyang().validate(&SHANYANG_TEAMS).unwrap();
        assert!(RuleSet::shanyang()
            .rules
            .iter()
            .all(|r| r.target != TeamKind::Dormant));
        // Shanyang's rules need teams Mengzhou does not have.
        let e = problem(&RuleSet::shanyang(), &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.team_missing");
        assert!(e.zh.contains("第 3 条规则“被执行人下落不明”"), "{e}");
        assert!(e.zh.contains("执警联动团队"), "{e}");
    }

    #[test]
    fn mengzhou_routes_the_seed_examples() {
        let set = RuleSet::mengzhou();
        let r = route(&set, &facts(CaseType::First, 38_000));
        assert_eq!(r.target, TeamKind::Fast);
        assert_eq!(r.rule_index, 2);
        assert_eq!(r.rule_name, "小额案件");
        assert_eq!(
            r.reason_zh,
            "标的额 38,000.00 元 < 50,000.00 元，且非特殊案件 → 速执团队"
        );
        assert_eq!(
            r.reason_en,
            "claim 38,000.00 yuan < 50,000.00 yuan, and not a special case → fast team"
        );

        let r = route(&set, &facts(CaseType::First, 1_380_000));
        assert_eq!(r.target, TeamKind::Ordinary);
        assert_eq!(r.reason_zh, "其他案件（前 3 条规则均不适用） → 普执团队");

        let r = route(&set, &facts(CaseType::Preservation, 2_000_000));
        assert_eq!(r.target, TeamKind::Fast);
        assert_eq!(r.reason_zh, "财产保全执行案件 → 速执团队");

        let r = route(
            &set,
            &facts(CaseType::First, 10_000).with_flag(CaseFlag::OrganisedCrime),
        );
        assert_eq!(r.target, TeamKind::Special);
        assert_eq!(r.reason_zh, "特殊案件（涉黑恶） → 特执团队");
        assert_eq!(r.reason_en, "special case (organised crime) → special team");

        // The boundary: exactly 50,000 yuan is not below 50,000.
        assert_eq!(
            route(&set, &facts(CaseType::First, 50_000)).target,
            TeamKind::Ordinary
        );
        assert_eq!(
            route(&set, &TriageFacts::new(CaseType::First, Fen(4_999_999))).target,
            TeamKind::Fast
        );
        // A livelihood flag is not special.
        assert_eq!(
            route(
                &set,
                &facts(CaseType::First, 1_000).with_flag(CaseFlag::Livelihood)
            )
            .target,
            TeamKind::Fast
        );
    }

    #[test]
    fn shanyang_routes_the_seed_examples() {
        let set = RuleSet::shanyang();
        let r = route(&set, &facts(CaseType::First, 38_000));
        assert_eq!(r.target, TeamKind::RapidResponse);
        assert_eq!(
            r.reason_zh,
            "标的额 38,000.00 元 < 100,000.00 元，且非特殊案件 → 执行110"
        );
        assert_eq!(
            route(&set, &facts(CaseType::First, 1_380_000)).target,
            TeamKind::Ordinary
        );
        assert_eq!(
            route(&set, &facts(CaseType::Preservation, 2_000_000)).target,
            TeamKind::Fast
        );
        let r = route(
            &set,
            &facts(CaseType::First, 10_000).with_flag(CaseFlag::OrganisedCrime),
        );
        assert_eq!(r.target, TeamKind::Special);
        let mut hidden = facts(CaseType::Restored, 500_000);
        hidden.debtor_locatable = false;
        let r = route(&set, &hidden);
        assert_eq!(r.target, TeamKind::PoliceLinkage);
        assert_eq!(r.reason_zh, "被执行人下落不明 → 执警联动团队");
        assert_eq!(
            r.reason_en,
            "the debtor cannot be located → police-linkage team"
        );
    }

    #[test]
    fn json_is_stable_and_round_trips() {
        let set = RuleSet::new(vec![
            TriageRule::new(
                "小额",
                vec![
                    Condition::ClaimBelow(Fen::from_yuan(50_000)),
                    Condition::CaseTypeIn(vec![CaseType::First, CaseType::Restored]),
                    Condition::DebtorLocatable(true),
                ],
                TeamKind::Fast,
            ),
            TriageRule::new("其他", vec![], TeamKind::Ordinary),
        ]);
        assert_eq!(
            set.to_json(),
            r#"{"rules":[{"name":"小额","conditions":[{"kind":"claim_below","value":5000000},{"kind":"case_type_in","value":["first","restored"]},{"kind":"debtor_locatable","value":true}],"target":"fast"},{"name":"其他","conditions":[],"target":"ordinary"}]}"#
        );
        assert_eq!(RuleSet::from_json(&set.to_json()).unwrap(), set);
        for preset in [RuleSet::mengzhou(), RuleSet::shanyang()] {
            assert_eq!(RuleSet::from_json(&preset.to_json()).unwrap(), preset);
        }
        // A catch-all may leave out its conditions.
        let short =
            RuleSet::from_json(r#"{"rules":[{"name":"全部","target":"ordinary"}]}"#).unwrap();
        assert!(short.rules[0].is_catch_all());
        for bad in [
            r#"{"rules":[{"name":"x","target":"nobody"}]}"#,
            r#"{"rules":[{"name":"x","conditions":[{"kind":"claim_over","value":1}],"target":"fast"}]}"#,
            r#"{"rules":[{"name":"x","target":"fast","colour":"red"}]}"#,
            "not json",
        ] {
            assert_eq!(
                RuleSet::from_json(bad).unwrap_err().code,
                "triage.json",
                "{bad}"
            );
        }
        let condition_kinds = [
            Condition::ClaimBelow(Fen(1)),
            Condition::ClaimAtLeast(Fen(1)),
            Condition::CaseTypeIn(vec![]),
            Condition::HasAnyFlag(vec![]),
            Condition::NoFlags(vec![]),
            Condition::ApplicantsAtLeast(1),
            Condition::DebtorsAtLeast(1),
            Condition::DebtorLocatable(true),
            Condition::DebtorHasOpenCases(true),
        ];
        for c in condition_kinds {
            let json = serde_json::to_value(&c).unwrap();
            assert_eq!(json["kind"], c.kind());
        }
    }

    #[test]
    fn a_gap_is_refused_with_an_example() {
        let mut set = RuleSet::mengzhou();
        set.rules.pop();
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.gap");
        assert!(
            e.zh.contains("例如：首次执行案件，标的额 50,000.00 元及以上，无特殊标记"),
            "{e}"
        );
        assert!(
            e.en.contains(
                "e.g. a first enforcement case, claim of 50,000.00 yuan or more, no special flag"
            ),
            "{e}"
        );

        // A band in the middle is missing.
        let set = RuleSet::new(vec![
            TriageRule::new(
                "小额",
                vec![Condition::ClaimBelow(Fen::from_yuan(50_000))],
                TeamKind::Fast,
            ),
            TriageRule::new(
                "大额",
                vec![Condition::ClaimAtLeast(Fen::from_yuan(100_000))],
                TeamKind::Ordinary,
            ),
        ]);
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.gap");
        assert!(
            e.zh.contains("标的额 50,000.00 元至 100,000.00 元（不含）"),
            "{e}"
        );

        // Only locatable debtors are covered.
        let set = RuleSet::new(vec![TriageRule::new(
            "找得到",
            vec![Condition::DebtorLocatable(true)],
            TeamKind::Fast,
        )]);
        let e = problem(&set, &[TeamKind::Fast]);
        assert_eq!(e.code, "triage.gap");
        assert!(e.zh.contains("例如：被执行人下落不明。"), "{e}");

        // A first rule that takes every case leaves the second dead.
        let set = RuleSet::new(vec![
            TriageRule::new(
                "少",
                vec![
                    Condition::ApplicantsAtLeast(1),
                    Condition::DebtorsAtLeast(1),
                ],
                TeamKind::Fast,
            ),
            TriageRule::new(
                "多",
                vec![Condition::ApplicantsAtLeast(10)],
                TeamKind::Ordinary,
            ),
        ]);
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.unreachable");
        assert!(e.zh.contains("第 2 条规则“多”"), "{e}");
    }

    #[test]
    fn unreachable_rules_are_refused() {
        // A rule after a catch-all.
        let mut set = RuleSet::mengzhou();
        set.rules.push(TriageRule::new(
            "大额",
            vec![Condition::ClaimAtLeast(Fen::from_yuan(1_000_000))],
            TeamKind::Special,
        ));
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.unreachable");
        assert!(e.zh.contains("第 5 条规则“大额”永远不会被用到"), "{e}");
        assert!(e.zh.contains("第 4 条“其他案件”"), "{e}");
        assert!(e.en.contains("rule 5 \"大额\" can never apply"), "{e}");

        // A smaller band after a bigger one to the same team.
        let set = RuleSet::new(vec![
            TriageRule::new(
                "五万以下",
                vec![Condition::ClaimBelow(Fen::from_yuan(50_000))],
                TeamKind::Fast,
            ),
            TriageRule::new(
                "三万以下",
                vec![Condition::ClaimBelow(Fen::from_yuan(30_000))],
                TeamKind::Fast,
            ),
            TriageRule::new("其他", vec![], TeamKind::Ordinary),
        ]);
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.unreachable");
        assert!(
            e.zh.contains("第 2 条规则“三万以下”永远不会被用到：它适用的案件都已先被前面的第 1 条“五万以下”分走"),
            "{e}"
        );

        // Covered jointly by two earlier rules, neither alone.
        let set = RuleSet::new(vec![
            TriageRule::new(
                "下落不明",
                vec![Condition::DebtorLocatable(false)],
                TeamKind::Ordinary,
            ),
            TriageRule::new(
                "下落明确",
                vec![Condition::DebtorLocatable(true)],
                TeamKind::Fast,
            ),
            TriageRule::new("其他", vec![], TeamKind::Ordinary),
        ]);
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.unreachable");
        assert!(e.zh.contains("第 1 条“下落不明”、第 2 条“下落明确”"), "{e}");

        // The fast-by-amount rule after the preservation rule is still reachable.
        let mut set = RuleSet::mengzhou();
        set.rules.insert(
            3,
            TriageRule::new(
                "三万以下",
                vec![Condition::ClaimBelow(Fen::from_yuan(30_000))],
                TeamKind::Fast,
            ),
        );
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.unreachable");
        assert!(
            e.zh.contains("第 1 条“特殊案件”、第 2 条“财产保全案件”、第 3 条“小额案件”"),
            "{e}"
        );
    }

    #[test]
    fn contradictions_are_refused() {
        let with = |conditions: Vec<Condition>| {
            RuleSet::new(vec![
                TriageRule::new("矛盾", conditions, TeamKind::Fast),
                TriageRule::new("其他", vec![], TeamKind::Ordinary),
            ])
        };
        let e = problem(
            &with(vec![
                Condition::ClaimBelow(Fen::from_yuan(30_000)),
                Condition::ClaimAtLeast(Fen::from_yuan(50_000)),
            ]),
            &MENGZHOU_TEAMS,
        );
        assert_eq!(e.code, "triage.contradiction");
        assert!(e.zh.contains("第 1 条规则“矛盾”的条件互相矛盾"), "{e}");
        assert!(
            e.zh.contains("标的额不可能既 ≥ 50,000.00 元又 < 30,000.00 元"),
            "{e}"
        );
        // Equal bounds leave nothing either.
        let equal = with(vec![
            Condition::ClaimBelow(Fen::from_yuan(50_000)),
            Condition::ClaimAtLeast(Fen::from_yuan(50_000)),
        ]);
        assert_eq!(
            problem(&equal, &MENGZHOU_TEAMS).code,
            "triage.contradiction"
        );
        // A band is fine.
        with(vec![
            Condition::ClaimAtLeast(Fen::from_yuan(30_000)),
            Condition::ClaimBelow(Fen::from_yuan(50_000)),
        ])
        .validate(&MENGZHOU_TEAMS)
        .unwrap();

        let cases = [
            vec![
                Condition::DebtorLocatable(true),
                Condition::DebtorLocatable(false),
            ],
            vec![
                Condition::DebtorHasOpenCases(true),
                Condition::DebtorHasOpenCases(false),
            ],
            vec![
                Condition::CaseTypeIn(vec![CaseType::First]),
                Condition::CaseTypeIn(vec![CaseType::Restored]),
            ],
            vec![
                Condition::HasAnyFlag(vec![CaseFlag::OrganisedCrime]),
                Condition::NoFlags(CaseFlag::SPECIAL.to_vec()),
            ],
        ];
        for conditions in cases {
            let e = problem(&with(conditions.clone()), &MENGZHOU_TEAMS);
            assert_eq!(e.code, "triage.contradiction", "{conditions:?}: {e}");
        }

        for (conditions, code) in [
            (
                vec![Condition::ClaimBelow(Fen(0))],
                "triage.amount_not_positive",
            ),
            (
                vec![Condition::ClaimAtLeast(Fen(-100))],
                "triage.amount_not_positive",
            ),
            (vec![Condition::CaseTypeIn(vec![])], "triage.empty_list"),
            (vec![Condition::NoFlags(vec![])], "triage.empty_list"),
            // Below one fen: no real claim.
            (vec![Condition::ClaimBelow(Fen(1))], "triage.never_matches"),
        ] {
            assert_eq!(problem(&with(conditions), &MENGZHOU_TEAMS).code, code);
        }
    }

    #[test]
    fn other_mistakes_are_refused() {
        let e = problem(&RuleSet::new(vec![]), &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.empty");

        let mut set = RuleSet::mengzhou();
        set.rules[1].name = "  ".into();
        let e = problem(&set, &MENGZHOU_TEAMS);
        assert_eq!(e.code, "triage.rule_name_empty");
        assert!(e.zh.contains("第 2 条规则没有名称"), "{e}");

        let mut set = RuleSet::mengzhou();
        set.rules[2].name = "特殊案件".into();
        assert_eq!(
            problem(&set, &MENGZHOU_TEAMS).code,
            "triage.rule_name_duplicate"
        );

        let e = problem(&RuleSet::mengzhou(), &[TeamKind::Fast, TeamKind::Ordinary]);
        assert_eq!(e.code, "triage.team_missing");
        assert!(
            e.zh.starts_with("第 1 条规则“特殊案件”把案件分给特执团队，但本院没有设立特执团队"),
            "{e}"
        );

        let many = RuleSet::new(
            (0..=MAX_RULES)
                .map(|i| TriageRule::new(format!("规则{i}"), vec![], TeamKind::Fast))
                .collect(),
        );
        assert_eq!(
            problem(&many, &[TeamKind::Fast]).code,
            "triage.too_many_rules"
        );

        // All problems at once, in order.
        let mut set = RuleSet::mengzhou();
        set.rules[0].name = String::new();
        set.rules.pop();
        let codes: Vec<&str> = set
            .problems(&[TeamKind::Fast])
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            [
                "triage.rule_name_empty",
                "triage.team_missing",
                "triage.gap"
            ]
        );
    }

    /// Twenty rules with many amount bands and every kind of condition.
    fn twenty_rules() -> RuleSet {
        let mut rules = vec![
            special_rule(),
            preservation_rule(),
            TriageRule::new(
                "下落不明",
                vec![
                    Condition::DebtorLocatable(false),
                    Condition::DebtorHasOpenCases(true),
                ],
                TeamKind::PoliceLinkage,
            ),
            TriageRule::new(
                "众多申请人",
                vec![
                    Condition::ApplicantsAtLeast(10),
                    Condition::HasAnyFlag(vec![CaseFlag::Livelihood]),
                ],
                TeamKind::Special,
            ),
            TriageRule::new(
                "多被执行人",
                vec![
                    Condition::DebtorsAtLeast(5),
                    Condition::ClaimAtLeast(Fen::from_yuan(1_000_000)),
                ],
                TeamKind::Special,
            ),
        ];
        for i in 0..14i64 {
            rules.push(TriageRule::new(
                format!("档{i}"),
                vec![
                    Condition::ClaimAtLeast(Fen::from_yuan(10_000 * i + 1)),
                    Condition::ClaimBelow(Fen::from_yuan(10_000 * (i + 1))),
                    Condition::CaseTypeIn(vec![CaseType::First, CaseType::Restored]),
                    Condition::ApplicantsAtLeast(if i % 2 == 0 { 1 } else { 3 }),
                ],
                if i % 3 == 0 {
                    TeamKind::Fast
                } else {
                    TeamKind::RapidResponse
                },
            ));
        }
        rules.push(TriageRule::new("其他", vec![], TeamKind::Ordinary));
        RuleSet::new(rules)
    }

    #[test]
    fn twenty_rules_validate_quickly() {
        let set = twenty_rules();
        assert_eq!(set.rules.len(), 20);
        let started = std::time::Instant::now();
        set.validate(&SHANYANG_TEAMS).unwrap();
        // Reported, not asserted: timing depends on the machine and the build profile.
        eprintln!("validating 20 rules took {:?}", started.elapsed());

        let cases: Vec<TriageFacts> = (0..10_000i64)
            .map(|i| {
                let mut f = TriageFacts::new(CaseType::ALL[(i % 8) as usize], Fen(i * 4_999 + 1));
                f.applicants = (i % 12) as u32 + 1;
                f.debtor_locatable = i % 7 != 0;
                f
            })
            .collect();
        let started = std::time::Instant::now();
        let routed = cases.iter().filter_map(|f| set.route(f)).count();
        assert_eq!(routed, cases.len());
        eprintln!(
            "routing one case through 20 rules took {:?} on average",
            started.elapsed() / cases.len() as u32
        );
    }

    fn facts_strategy() -> impl Strategy<Value = TriageFacts> {
        (
            0..CaseType::ALL.len(),
            prop_oneof![1i64..20_000_000, 1i64..1_000_000_000_000_000],
            1u32..30,
            1u32..30,
            any::<bool>(),
            any::<bool>(),
            proptest::collection::btree_set(
                proptest::sample::select(CaseFlag::ALL.to_vec()),
                0..=4,
            ),
        )
            .prop_map(
                |(t, claim, applicants, debtors, loc, open, flags)| TriageFacts {
                    case_type: CaseType::ALL[t],
                    claim: Fen(claim),
                    applicants,
                    debtors,
                    debtor_locatable: loc,
                    debtor_has_open_cases: open,
                    flags,
                },
            )
    }

    fn condition_strategy() -> impl Strategy<Value = Condition> {
        let amount = proptest::sample::select(vec![
            Fen(2),
            Fen::from_yuan(10_000),
            Fen::from_yuan(50_000),
            Fen::from_yuan(100_000),
        ]);
        let types =
            proptest::collection::vec(proptest::sample::select(CaseType::ALL.to_vec()), 1..3);
        let flags =
            proptest::collection::vec(proptest::sample::select(CaseFlag::ALL.to_vec()), 1..3);
        prop_oneof![
            amount.clone().prop_map(Condition::ClaimBelow),
            amount.prop_map(Condition::ClaimAtLeast),
            types.prop_map(Condition::CaseTypeIn),
            flags.clone().prop_map(Condition::HasAnyFlag),
            flags.prop_map(Condition::NoFlags),
            (1u32..6).prop_map(Condition::ApplicantsAtLeast),
            (1u32..6).prop_map(Condition::DebtorsAtLeast),
            any::<bool>().prop_map(Condition::DebtorLocatable),
            any::<bool>().prop_map(Condition::DebtorHasOpenCases),
        ]
    }

    fn rule_set_strategy() -> impl Strategy<Value = RuleSet> {
        (
            proptest::collection::vec(proptest::collection::vec(condition_strategy(), 1..3), 1..6),
            any::<bool>(),
        )
            .prop_map(|(rules, catch_all)| {
                let mut rules: Vec<TriageRule> = rules
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| TriageRule::new(format!("规则{i}"), c, TeamKind::Fast))
                    .collect();
                if catch_all {
                    rules.push(TriageRule::new("其他", vec![], TeamKind::Ordinary));
                }
                RuleSet::new(rules)
            })
    }

    proptest! {
        #[test]
        fn mengzhou_always_routes_deterministically(f in facts_strategy()) {
            let set = RuleSet::mengzhou();
            let a = set.route(&f).expect("Mengzhou routes every case");
            prop_assert_eq!(set.route(&f.clone()), Some(a.clone()));
            prop_assert_eq!(a.rule_index, set.first_match(&f).unwrap());
            prop_assert!(a.reason_zh.ends_with(a.target.name_zh()));
            let special = CaseFlag::SPECIAL.iter().any(|s| f.flags.contains(s));
            let expected = if special {
                TeamKind::Special
            } else if f.case_type == CaseType::Preservation || f.claim < Fen::from_yuan(50_000) {
                TeamKind::Fast
            } else {
                TeamKind::Ordinary
            };
            prop_assert_eq!(a.target, expected);
            prop_assert!(RuleSet::shanyang().route(&f).is_some());
        }

        /// The exhaustive check is sound: a rule set that passes routes every real case, and
        /// a case that routes nowhere means validation refused the set.
        #[test]
        fn validated_rule_sets_route_every_case(
            set in rule_set_strategy(),
            cases in proptest::collection::vec(facts_strategy(), 20),
        ) {
            let ok = set.validate(&[TeamKind::Fast, TeamKind::Ordinary]).is_ok();
            for f in &cases {
                if set.route(f).is_none() {
                    prop_assert!(!ok, "validated but {:?} routes nowhere in {:?}", f, set);
                }
            }
        }

        /// The gap example really routes nowhere.
        #[test]
        fn gap_examples_route_nowhere(set in rule_set_strategy()) {
            let space = Space::new(&set.rules).unwrap();
            let all = (1u128 << set.rules.len()) - 1;
            let mut walk = Walk {
                classes: &space.classes,
                idx: [0; 7],
                first: 0,
                any: 0,
                shadow: vec![0; set.rules.len()],
                gap: None,
            };
            walk.visit(0, all);
            if let Some(idx) = walk.gap {
                let mut f = TriageFacts::new(CaseType::First, Fen(1));
                for (a, axis) in AXES.into_iter().enumerate() {
                    space.set(&mut f, axis, space.classes[a][idx[a]].1);
                }
                prop_assert_eq!(set.first_match(&f), None, "{:?}", f);
            }
        }
    }
}
