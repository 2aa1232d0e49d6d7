//! Assigning a case within its team (分案) by weighted least load, hand assignment and
//! reassignment checks, and what happens to an officer's cases when the officer leaves.
//!
//! A member's load is the sum over their open cases of the configured weight of the case's type
//! ("load points", 负荷分), plus an extra weight for each case flagged complex. The app fills
//! [`MemberLoad`] from one `GROUP BY officer_id, case_type` query over the team's open cases.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::CaseType;
use crate::role::Role;
use crate::team::TeamKind;
use crate::{DomainError, DomainResult};

/// The largest weight a court may configure; anything above is taken for a typing mistake.
pub const MAX_WEIGHT: i64 = 1000;

// ---------------------------------------------------------------------------------------------
// Weights
// ---------------------------------------------------------------------------------------------

/// Load points per open case, stored per court as JSON, e.g.
/// `{"by_type":{"first":10,"restored":8,...},"complex_extra":5}`.
///
/// A case type missing from `by_type` (say, a type added after the court saved its weights)
/// counts with its default weight, see [`LoadWeights::default_weight`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadWeights {
    #[serde(default)]
    pub by_type: BTreeMap<CaseType, i64>,
    /// Added once per open case flagged complex (复杂案件), on top of its type's weight.
    #[serde(default = "default_complex_extra")]
    pub complex_extra: i64,
}

fn default_complex_extra() -> i64 {
    5
}

impl Default for LoadWeights {
    fn default() -> Self {
        LoadWeights {
            by_type: CaseType::ALL
                .into_iter()
                .map(|t| (t, LoadWeights::default_weight(t)))
                .collect(),
            complex_extra: default_complex_extra(),
        }
    }
}

impl LoadWeights {
    /// The shipped weight of one open case of this type: a first enforcement is the full unit of
    /// work, a restored case a little less (the file already exists), preservation is mostly
    /// sealing and freezing, examination (审查类) cases are a hearing and a ruling.
    pub fn default_weight(case_type: CaseType) -> i64 {
        match case_type {
            CaseType::First => 10,
            CaseType::Restored => 8,
            CaseType::Preservation => 5,
            CaseType::Objection | CaseType::Review | CaseType::Supervision => 6,
            CaseType::Assistance | CaseType::Other => 4,
        }
    }

    /// The weight of one open case of this type (the default if the court did not set one).
    pub fn weight(&self, case_type: CaseType) -> i64 {
        self.by_type
            .get(&case_type)
            .copied()
            .unwrap_or_else(|| Self::default_weight(case_type))
    }

    /// Refuses a zero, negative or absurd (> [`MAX_WEIGHT`]) weight, naming the case type.
    pub fn validate(&self) -> DomainResult<()> {
        for (&t, &w) in &self.by_type {
            check_weight(w, t.name_zh(), t.name_en())?;
        }
        check_weight(self.complex_extra, "复杂案件附加", "complex-case extra")
    }

    /// Parses the stored JSON and validates it; a malformed document is refused in both
    /// languages rather than with serde's English-only message.
    pub fn from_json(text: &str) -> DomainResult<LoadWeights> {
        let weights: LoadWeights = serde_json::from_str(text).map_err(|e| {
            DomainError::new(
                "assignment.weights_json",
                format!("分案权重配置格式有误：{e}"),
                format!("the assignment weights are malformed: {e}"),
            )
        })?;
        weights.validate()?;
        Ok(weights)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("weights always serialise")
    }

    /// The weighted load of a member; assumes validated weights.
    pub fn load_of(&self, member: &MemberLoad) -> u64 {
        let by_type: u64 = member
            .counts
            .iter()
            .map(|(&t, &n)| u64::from(n) * self.weight(t).max(0) as u64)
            .sum();
        by_type + u64::from(member.complex) * self.complex_extra.max(0) as u64
    }
}

fn check_weight(w: i64, what_zh: &str, what_en: &str) -> DomainResult<()> {
    if w <= 0 {
        return Err(DomainError::new(
            "assignment.weight_not_positive",
            format!("“{what_zh}”的分案权重为 {w}，必须是大于 0 的整数"),
            format!("the assignment weight of \"{what_en}\" is {w}; it must be a positive integer"),
        ));
    }
    if w > MAX_WEIGHT {
        return Err(DomainError::new(
            "assignment.weight_too_large",
            format!("“{what_zh}”的分案权重为 {w}，超过上限 {MAX_WEIGHT}，请检查是否输入有误"),
            format!(
                "the assignment weight of \"{what_en}\" is {w}, above the limit of {MAX_WEIGHT}; \
                 please check for a typing mistake"
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Members and their load
// ---------------------------------------------------------------------------------------------

/// One team member and their open cases, pre-aggregated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLoad {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// `users.active`: a deactivated account never receives cases.
    pub active: bool,
    /// On leave today: skipped by automatic assignment.
    pub on_leave: bool,
    /// Open cases held, per type.
    pub counts: BTreeMap<CaseType, u32>,
    /// How many of those open cases are flagged complex.
    pub complex: u32,
}

impl MemberLoad {
    /// An active member with no open cases; fill with [`MemberLoad::add`].
    pub fn new(user_id: i64, name: impl Into<String>, role: Role) -> MemberLoad {
        MemberLoad {
            user_id,
            name: name.into(),
            role,
            active: true,
            on_leave: false,
            counts: BTreeMap::new(),
            complex: 0,
        }
    }

    /// Adds `count` open cases of a type, `complex` of which are flagged complex: one row of the
    /// `GROUP BY officer_id, case_type` query, or one case just assigned (`add(t, 1, 0|1)`), so
    /// that a batch of assignments can be chosen one after another against updated loads.
    pub fn add(&mut self, case_type: CaseType, count: u32, complex: u32) {
        *self.counts.entry(case_type).or_insert(0) += count;
        self.complex += complex;
    }

    /// Open cases held, all types.
    pub fn open_cases(&self) -> u32 {
        self.counts.values().sum()
    }

    /// Whether this role handles cases at all.
    pub fn handles_cases(&self) -> bool {
        role_tier(self.role).is_some()
    }

    fn available(&self) -> bool {
        self.active && !self.on_leave
    }
}

/// Officers are assigned first; judges and team leaders only when the team has no officer
/// available. Other roles (clerks, reception, administration) never hold cases.
fn role_tier(role: Role) -> Option<u8> {
    match role {
        Role::Officer => Some(0),
        Role::Judge | Role::TeamLeader => Some(1),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Automatic assignment
// ---------------------------------------------------------------------------------------------

/// A member in the order automatic assignment would pick them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub load: u64,
    pub open_cases: u32,
    /// `false` for judges and team leaders, who are only picked when no officer is available.
    pub first_choice: bool,
}

/// Every available member who handles cases, best candidate first: officers before judges and
/// team leaders, then lowest weighted load, then fewer open cases, then lowest user id. The app
/// shows this list when a team leader assigns by hand.
pub fn ranking(members: &[MemberLoad], weights: &LoadWeights) -> DomainResult<Vec<Ranked>> {
    weights.validate()?;
    let mut out: Vec<(u8, Ranked)> = members
        .iter()
        .filter(|m| m.available())
        .filter_map(|m| {
            role_tier(m.role).map(|tier| {
                (
                    tier,
                    Ranked {
                        user_id: m.user_id,
                        name: m.name.clone(),
                        role: m.role,
                        load: weights.load_of(m),
                        open_cases: m.open_cases(),
                        first_choice: tier == 0,
                    },
                )
            })
        })
        .collect();
    out.sort_by_key(|(tier, r)| (*tier, r.load, r.open_cases, r.user_id));
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

/// The member a new case goes to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignee {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// Weighted load before this case.
    pub load_before: u64,
    /// Open cases before this case.
    pub open_before: u32,
    /// No officer was available, so a judge or team leader was chosen.
    pub fallback: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Chooses the assignee by weighted least load among active members not on leave: officers
/// first; if the team has no available officer, judges and team leaders (the reason says so).
/// Ties go to fewer open cases, then the lowest user id, so the choice is deterministic.
pub fn choose_assignee(members: &[MemberLoad], weights: &LoadWeights) -> DomainResult<Assignee> {
    let ranked = ranking(members, weights)?;
    let Some(best) = ranked.first() else {
        return Err(nobody_available(members));
    };
    let fallback = !best.first_choice;
    let peers: Vec<&Ranked> = ranked
        .iter()
        .filter(|r| r.first_choice == best.first_choice)
        .collect();
    let tied_on_load = peers
        .iter()
        .filter(|r| r.user_id != best.user_id && r.load == best.load)
        .count();
    let tied_on_both = peers
        .iter()
        .filter(|r| {
            r.user_id != best.user_id && r.load == best.load && r.open_cases == best.open_cases
        })
        .count();

    let (among_zh, among_en) = if fallback {
        (
            "团队内员额法官和团队长中最低",
            "the lowest among the team's judges and team leaders",
        )
    } else {
        ("团队执行员中最低", "the lowest among the team's officers")
    };
    let (tie_zh, tie_en) = if tied_on_both > 0 {
        (
            format!("；与另外 {tied_on_both} 人负荷和在办件数均相同，按人员编号在前选定"),
            format!(
                "; tied with {tied_on_both} other(s) on load and open cases, chosen by lowest user id"
            ),
        )
    } else if tied_on_load > 0 {
        (
            format!("；与另外 {tied_on_load} 人负荷相同，在办件数较少"),
            format!("; tied with {tied_on_load} other(s) on load, has fewer open cases"),
        )
    } else {
        (String::new(), String::new())
    };
    let (pre_zh, pre_en) = if fallback {
        (
            "团队内没有在岗的执行员，改由员额法官或团队长承办。",
            "No officer of the team is available, so a judge or team leader takes the case. ",
        )
    } else {
        ("", "")
    };
    let reason_zh = format!(
        "{pre_zh}按加权最少负荷分案：{}（{}）当前负荷 {} 分（在办 {} 件），为{among_zh}{tie_zh}",
        best.name,
        best.role.name_zh(),
        best.load,
        best.open_cases
    );
    let reason_en = format!(
        "{pre_en}Assigned by weighted least load: {} ({}) has a load of {} points ({} open cases), \
         {among_en}{tie_en}",
        best.name,
        best.role.name_en(),
        best.load,
        best.open_cases
    );
    Ok(Assignee {
        user_id: best.user_id,
        name: best.name.clone(),
        role: best.role,
        load_before: best.load,
        open_before: best.open_cases,
        fallback,
        reason_zh,
        reason_en,
    })
}

fn nobody_available(members: &[MemberLoad]) -> DomainError {
    let handlers: Vec<&MemberLoad> = members.iter().filter(|m| m.handles_cases()).collect();
    let inactive = handlers.iter().filter(|m| !m.active).count();
    let on_leave = handlers.iter().filter(|m| m.active && m.on_leave).count();
    let (detail_zh, detail_en) = if handlers.is_empty() {
        (
            "团队内没有执行员、员额法官或团队长".to_string(),
            "the team has no officer, judge or team leader".to_string(),
        )
    } else {
        (
            format!("可承办案件的 {} 人中，{on_leave} 人请假，{inactive} 人已停用", handlers.len()),
            format!(
                "of the {} members who handle cases, {on_leave} are on leave and {inactive} are deactivated",
                handlers.len()
            ),
        )
    };
    DomainError::new(
        "assignment.no_one_available",
        format!("团队内没有可分案的在岗人员（{detail_zh}），请手动分案或调整团队"),
        format!(
            "nobody in the team is available to take the case ({detail_en}); assign by hand or change the team"
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Hand assignment and reassignment
// ---------------------------------------------------------------------------------------------

/// Checks a hand-picked assignee (手动分案 or 改派): the member must handle cases, be active and
/// not on leave, and differ from the current holder; a reassignment (there is a current holder)
/// needs a reason, which is recorded in the audit event.
pub fn check_manual(current: Option<i64>, to: &MemberLoad, reason: &str) -> DomainResult<()> {
    if !to.handles_cases() {
        return Err(DomainError::new(
            "assignment.role_cannot_hold",
            format!("{}是{}，不承办案件", to.name, to.role.name_zh()),
            format!(
                "{} is a {} and does not handle cases",
                to.name,
                to.role.name_en()
            ),
        ));
    }
    if !to.active {
        return Err(DomainError::new(
            "assignment.inactive",
            format!("{}的账号已停用，不能分案", to.name),
            format!("{}'s account is deactivated and cannot take cases", to.name),
        ));
    }
    if to.on_leave {
        return Err(DomainError::new(
            "assignment.on_leave",
            format!("{}正在请假，不能分案", to.name),
            format!("{} is on leave and cannot take cases", to.name),
        ));
    }
    if current == Some(to.user_id) {
        return Err(DomainError::new(
            "assignment.same_holder",
            format!("案件已由{}承办，无需改派", to.name),
            format!("the case is already held by {}", to.name),
        ));
    }
    if current.is_some() && reason.trim().is_empty() {
        return Err(DomainError::new(
            "assignment.reason_required",
            "改派案件须填写理由",
            "reassigning a case needs a reason",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// An officer leaves
// ---------------------------------------------------------------------------------------------

/// A case still held by an officer who leaves (离岗/调离).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldCase {
    pub case_id: i64,
    /// Closed as 终结本次执行程序 and kept in the 终本 library (re-inquired every 6 months).
    pub dormant: bool,
}

/// Where a leaving officer's cases go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LeavingPlan {
    /// Open cases to reassign within the officer's team (by hand or one by one with
    /// [`choose_assignee`]), ascending case id.
    pub reassign_in_team: Vec<i64>,
    /// 终本 cases handed to the dormant-case team (终本管理团队), ascending case id.
    pub to_dormant_team: Vec<i64>,
}

/// Splits a leaving officer's cases: open cases are listed for reassignment in their team,
/// 终本 cases go to the dormant-case team — unless the officer's own team is that team, in which
/// case they too are reassigned within it. Duplicated ids are listed once.
pub fn officer_leaving(cases: &[HeldCase], own_team: TeamKind) -> LeavingPlan {
    let mut plan = LeavingPlan::default();
    for c in cases {
        if c.dormant && own_team != TeamKind::Dormant {
            plan.to_dormant_team.push(c.case_id);
        } else {
            plan.reassign_in_team.push(c.case_id);
        }
    }
    for list in [&mut plan.reassign_in_team, &mut plan.to_dormant_team] {
        list.sort_unstable();
        list.dedup();
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member(id: i64, name: &str, role: Role, cases: &[(CaseType, u32, u32)]) -> MemberLoad {
        let mut m = MemberLoad::new(id, name, role);
        for &(t, n, c) in cases {
            m.add(t, n, c);
        }
        m
    }

    #[test]
    fn default_weights_cover_every_type_and_validate() {
        let w = LoadWeights::default();
        w.validate().unwrap();
        assert_eq!(w.by_type.len(), CaseType::ALL.len());
        assert_eq!(w.weight(CaseType::First), 10);
        assert_eq!(w.weight(CaseType::Restored), 8);
        assert_eq!(w.weight(CaseType::Preservation), 5);
        assert_eq!(w.weight(CaseType::Review), 6);
        assert_eq!(w.complex_extra, 5);
    }

    #[test]
    fn weights_json_round_trips_with_type_keys() {
        let w = LoadWeights::default();
        let json = w.to_json();
        assert!(json.contains("\"first\":10"), "{json}");
        assert!(json.contains("\"complex_extra\":5"), "{json}");
        assert_eq!(LoadWeights::from_json(&json).unwrap(), w);
    }

    #[test]
    fn missing_types_fall_back_to_defaults() {
        let w = LoadWeights::from_json(r#"{"by_type":{"first":12}}"#).unwrap();
        assert_eq!(w.weight(CaseType::First), 12);
        assert_eq!(w.weight(CaseType::Restored), 8);
        assert_eq!(w.complex_extra, 5);
    }

    #[test]
    fn bad_weights_are_refused_in_both_languages() {
        let e = LoadWeights::from_json(r#"{"by_type":{"first":0}}"#).unwrap_err();
        assert_eq!(e.code, "assignment.weight_not_positive");
        assert!(
            e.zh.contains("首次执行") && e.en.contains("First enforcement"),
            "{e}"
        );

        let e = LoadWeights::from_json(r#"{"by_type":{"restored":-3}}"#).unwrap_err();
        assert_eq!(e.code, "assignment.weight_not_positive");
        assert!(e.zh.contains("-3"));

        let e = LoadWeights::from_json(r#"{"by_type":{"review":1001}}"#).unwrap_err();
        assert_eq!(e.code, "assignment.weight_too_large");
        assert!(e.zh.contains("1000") && e.en.contains("1000"));

        let e = LoadWeights::from_json(r#"{"complex_extra":0}"#).unwrap_err();
        assert_eq!(e.code, "assignment.weight_not_positive");
        assert!(e.zh.contains("复杂案件"));

        for bad in [
            r#"{"by_type":{"bogus":3}}"#,
            "not json",
            r#"{"weights":{}}"#,
        ] {
            let e = LoadWeights::from_json(bad).unwrap_err();
            assert_eq!(e.code, "assignment.weights_json", "{bad}");
        }
        let mut w = LoadWeights::default();
        w.by_type.insert(CaseType::Other, 1000);
        w.validate().unwrap();
    }

    #[test]
    fn weighted_load_counts_types_and_complexity() {
        let w = LoadWeights::default();
        let m = member(
            1,
            "王某",
            Role::Officer,
            &[(CaseType::First, 3, 1), (CaseType::Preservation, 2, 0)],
        );
        assert_eq!(m.open_cases(), 5);
        assert_eq!(w.load_of(&m), 3 * 10 + 2 * 5 + 5);
    }

    #[test]
    fn least_weighted_load_wins_not_fewest_cases() {
        let w = LoadWeights::default();
        let members = vec![
            // 4 first-enforcement cases: 40 points.
            member(1, "张三", Role::Officer, &[(CaseType::First, 4, 0)]),
            // 6 preservation cases: 30 points, more cases but lighter.
            member(2, "李四", Role::Officer, &[(CaseType::Preservation, 6, 0)]),
            member(3, "赵法官", Role::Judge, &[]),
        ];
        let a = choose_assignee(&members, &w).unwrap();
        assert_eq!(a.user_id, 2);
        assert_eq!(a.load_before, 30);
        assert_eq!(a.open_before, 6);
        assert!(!a.fallback);
        assert!(
            a.reason_zh
                .starts_with("按加权最少负荷分案：李四（执行员）当前负荷 30 分（在办 6 件）"),
            "{}",
            a.reason_zh
        );
        assert!(a.reason_en.contains("30 points"), "{}", a.reason_en);
    }

    #[test]
    fn ties_go_to_fewer_cases_then_lowest_id() {
        let w = LoadWeights::default();
        let members = vec![
            member(9, "甲", Role::Officer, &[(CaseType::First, 1, 0)]), // 10 points, 1 case
            member(7, "乙", Role::Officer, &[(CaseType::Preservation, 2, 0)]), // 10 points, 2 cases
        ];
        let a = choose_assignee(&members, &w).unwrap();
        assert_eq!(a.user_id, 9);
        assert!(a.reason_zh.contains("在办件数较少"), "{}", a.reason_zh);

        let members = vec![
            member(9, "甲", Role::Officer, &[]),
            member(7, "乙", Role::Officer, &[]),
            member(8, "丙", Role::Officer, &[]),
        ];
        let a = choose_assignee(&members, &w).unwrap();
        assert_eq!(a.user_id, 7);
        assert!(a.reason_zh.contains("另外 2 人"), "{}", a.reason_zh);
        assert!(a.reason_en.contains("lowest user id"), "{}", a.reason_en);
    }

    #[test]
    fn inactive_on_leave_and_non_case_roles_are_skipped() {
        let w = LoadWeights::default();
        let mut on_leave = member(1, "请假", Role::Officer, &[]);
        on_leave.on_leave = true;
        let mut gone = member(2, "停用", Role::Officer, &[]);
        gone.active = false;
        let clerk = member(3, "书记员", Role::Clerk, &[]);
        let busy = member(4, "忙碌", Role::Officer, &[(CaseType::First, 30, 10)]);
        let a = choose_assignee(&[on_leave, gone, clerk, busy], &w).unwrap();
        assert_eq!(a.user_id, 4);
        assert_eq!(a.load_before, 350);
    }

    #[test]
    fn falls_back_to_judge_or_leader_and_says_so() {
        let w = LoadWeights::default();
        let mut officer = member(1, "执行员甲", Role::Officer, &[]);
        officer.on_leave = true;
        let judge = member(2, "周法官", Role::Judge, &[(CaseType::First, 2, 0)]);
        let leader = member(3, "吴团队长", Role::TeamLeader, &[(CaseType::First, 1, 0)]);
        let a = choose_assignee(&[officer, judge, leader], &w).unwrap();
        assert_eq!(a.user_id, 3);
        assert!(a.fallback);
        assert!(
            a.reason_zh.starts_with("团队内没有在岗的执行员"),
            "{}",
            a.reason_zh
        );
        assert!(a.reason_en.contains("No officer"), "{}", a.reason_en);
    }

    #[test]
    fn nobody_available_is_an_error() {
        let w = LoadWeights::default();
        let e = choose_assignee(&[], &w).unwrap_err();
        assert_eq!(e.code, "assignment.no_one_available");
        assert!(e.zh.starts_with("团队内没有可分案的在岗人员"), "{}", e.zh);

        let mut a = member(1, "甲", Role::Officer, &[]);
        a.on_leave = true;
        let mut b = member(2, "乙", Role::Judge, &[]);
        b.active = false;
        let e = choose_assignee(&[a, b, member(3, "丙", Role::Clerk, &[])], &w).unwrap_err();
        assert_eq!(e.code, "assignment.no_one_available");
        assert!(e.zh.contains("1 人请假，1 人已停用"), "{}", e.zh);
    }

    #[test]
    fn invalid_weights_are_refused_before_choosing() {
        let w = LoadWeights {
            complex_extra: -1,
            ..LoadWeights::default()
        };
        let e = choose_assignee(&[member(1, "甲", Role::Officer, &[])], &w).unwrap_err();
        assert_eq!(e.code, "assignment.weight_not_positive");
    }

    #[test]
    fn batch_assignment_spreads_cases() {
        let w = LoadWeights::default();
        let mut members = vec![
            member(1, "甲", Role::Officer, &[]),
            member(2, "乙", Role::Officer, &[]),
            member(3, "丙", Role::Officer, &[]),
        ];
        for _ in 0..9 {
            let a = choose_assignee(&members, &w).unwrap();
            let m = members.iter_mut().find(|m| m.user_id == a.user_id).unwrap();
            m.add(CaseType::First, 1, 0);
        }
        assert!(members.iter().all(|m| m.open_cases() == 3));
    }

    #[test]
    fn ranking_lists_officers_first() {
        let w = LoadWeights::default();
        let members = vec![
            member(1, "法官", Role::Judge, &[]),
            member(2, "执行员", Role::Officer, &[(CaseType::First, 5, 0)]),
            member(3, "书记员", Role::Clerk, &[]),
        ];
        let r = ranking(&members, &w).unwrap();
        assert_eq!(r.iter().map(|r| r.user_id).collect::<Vec<_>>(), [2, 1]);
        assert!(r[0].first_choice && !r[1].first_choice);
    }

    #[test]
    fn manual_assignment_checks() {
        let ok = member(1, "甲", Role::Officer, &[]);
        check_manual(None, &ok, "").unwrap();
        check_manual(Some(2), &ok, "原承办人调岗").unwrap();
        assert_eq!(
            check_manual(Some(2), &ok, "  ").unwrap_err().code,
            "assignment.reason_required"
        );
        assert_eq!(
            check_manual(Some(1), &ok, "x").unwrap_err().code,
            "assignment.same_holder"
        );
        let mut away = ok.clone();
        away.on_leave = true;
        assert_eq!(
            check_manual(None, &away, "").unwrap_err().code,
            "assignment.on_leave"
        );
        let mut gone = ok.clone();
        gone.active = false;
        assert_eq!(
            check_manual(None, &gone, "").unwrap_err().code,
            "assignment.inactive"
        );
        let clerk = member(3, "丙", Role::Clerk, &[]);
        let e = check_manual(None, &clerk, "").unwrap_err();
        assert_eq!(e.code, "assignment.role_cannot_hold");
        assert!(e.zh.contains("书记员"));
    }

    #[test]
    fn leaving_officer_cases_are_split() {
        let cases = [
            HeldCase {
                case_id: 30,
                dormant: false,
            },
            HeldCase {
                case_id: 10,
                dormant: true,
            },
            HeldCase {
                case_id: 20,
                dormant: false,
            },
            HeldCase {
                case_id: 10,
                dormant: true,
            },
        ];
        let plan = officer_leaving(&cases, TeamKind::Ordinary);
        assert_eq!(plan.reassign_in_team, [20, 30]);
        assert_eq!(plan.to_dormant_team, [10]);

        let plan = officer_leaving(&cases, TeamKind::Dormant);
        assert_eq!(plan.reassign_in_team, [10, 20, 30]);
        assert!(plan.to_dormant_team.is_empty());
        assert_eq!(officer_leaving(&[], TeamKind::Fast), LeavingPlan::default());
    }

    fn arb_member() -> impl Strategy<Value = MemberLoad> {
        (
            prop::sample::select(vec![
                Role::Officer,
                Role::Officer,
                Role::Judge,
                Role::TeamLeader,
                Role::Clerk,
            ]),
            any::<bool>(),
            prop::bool::weighted(0.2),
            prop::collection::vec((0usize..CaseType::ALL.len(), 0u32..20), 0..5),
            0u32..5,
        )
            .prop_map(|(role, active, on_leave, counts, complex)| {
                let mut m = MemberLoad::new(0, format!("成员{}", counts.len()), role);
                m.active = active;
                m.on_leave = on_leave;
                for (t, n) in counts {
                    m.add(CaseType::ALL[t], n, 0);
                }
                m.complex = complex.min(m.open_cases());
                m
            })
    }

    fn arb_weights() -> impl Strategy<Value = LoadWeights> {
        (
            prop::collection::vec(1i64..=MAX_WEIGHT, CaseType::ALL.len()),
            1i64..=MAX_WEIGHT,
        )
            .prop_map(|(ws, complex_extra)| LoadWeights {
                by_type: CaseType::ALL.into_iter().zip(ws).collect(),
                complex_extra,
            })
    }

    proptest! {
        #[test]
        fn chosen_member_has_minimal_load(
            members in prop::collection::vec(arb_member(), 0..12),
            weights in arb_weights(),
        ) {
            // Distinct user ids, not in input order.
            let members: Vec<MemberLoad> = members
                .into_iter()
                .enumerate()
                .map(|(i, mut m)| {
                    m.user_id = (i as i64 * 7919) % 97 + 1;
                    m
                })
                .collect();
            let eligible = |tier: u8| -> Vec<&MemberLoad> {
                members
                    .iter()
                    .filter(|m| m.active && !m.on_leave && role_tier(m.role) == Some(tier))
                    .collect()
            };
            let officers = eligible(0);
            let pool = if officers.is_empty() { eligible(1) } else { officers };
            match choose_assignee(&members, &weights) {
                Err(e) => {
                    prop_assert_eq!(e.code, "assignment.no_one_available");
                    prop_assert!(pool.is_empty());
                }
                Ok(a) => {
                    let chosen = *pool
                        .iter()
                        .find(|m| m.user_id == a.user_id)
                        .expect("chosen from the eligible pool");
                    prop_assert!(chosen.active && !chosen.on_leave);
                    prop_assert_eq!(a.fallback, chosen.role != Role::Officer);
                    prop_assert_eq!(a.load_before, weights.load_of(chosen));
                    for p in &pool {
                        prop_assert!(weights.load_of(p) >= a.load_before);
                        // Ties: fewer open cases, then the lowest user id.
                        prop_assert!(
                            (weights.load_of(p), p.open_cases(), p.user_id)
                                >= (a.load_before, a.open_before, a.user_id)
                        );
                    }
                    // Deterministic regardless of input order.
                    let mut reversed = members.clone();
                    reversed.reverse();
                    prop_assert_eq!(choose_assignee(&reversed, &weights).unwrap(), a);
                }
            }
        }
    }
}
