//! The reception window's weekly duty roster (值班表): generation and the checks on a
//! hand-edited roster.
//!
//! Each open day has `slots_per_day` slots (2: 上午/下午) and each slot is staffed by exactly one
//! officer. The seed's rule is that every active officer takes at least one slot a week; beyond
//! that the slots are spread as evenly as leave allows.
//!
//! Generation is a small min-cost flow (officers → days → slots) whose costs encode, in strict
//! priority: an even spread (the k-th slot of an officer costs k·BIG, a convex cost whose minimum
//! is the most even distribution), then not giving one person two slots of the same day, then
//! rotating the extra slots to whoever had fewest in previous weeks (then lowest user id). There
//! is no randomness: the same request always yields the same roster.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

/// More slots than this per day is taken for a typing mistake.
pub const MAX_SLOTS_PER_DAY: u32 = 6;

// ---------------------------------------------------------------------------------------------
// Names of days and slots
// ---------------------------------------------------------------------------------------------

/// The Monday of the week containing `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// Monday to Friday of the week starting `week_start`, minus the given holidays: the open days
/// until the court calendar exists.
pub fn weekdays_except(week_start: NaiveDate, holidays: &[NaiveDate]) -> Vec<NaiveDate> {
    (0..5)
        .map(|i| week_start + Days::new(i))
        .filter(|d| !holidays.contains(d))
        .collect()
}

fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// "3月4日（周一）"
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}月{}日（{}）", d.month(), d.day(), weekday_zh(d))
}

/// "Mon 2024-03-04"
pub fn date_en(d: NaiveDate) -> String {
    d.format("%a %Y-%m-%d").to_string()
}

/// "上午"/"下午" with two slots a day, "全天" with one, "第N班" otherwise (slots count from 1).
pub fn slot_name_zh(slot: u32, slots_per_day: u32) -> String {
    match (slots_per_day, slot) {
        (1, _) => "全天".to_string(),
        (2, 1) => "上午".to_string(),
        (2, 2) => "下午".to_string(),
        _ => format!("第{slot}班"),
    }
}

/// "morning"/"afternoon" with two slots a day, "all day" with one, "shift N" otherwise.
pub fn slot_name_en(slot: u32, slots_per_day: u32) -> String {
    match (slots_per_day, slot) {
        (1, _) => "all day".to_string(),
        (2, 1) => "morning".to_string(),
        (2, 2) => "afternoon".to_string(),
        _ => format!("shift {slot}"),
    }
}

fn names_zh<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join("、")
}

fn names_en<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------------------------
// Request and roster
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterOfficer {
    pub user_id: i64,
    pub name: String,
}

/// What a roster is generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRequest {
    /// Must be a Monday.
    pub week_start: NaiveDate,
    /// The days of that week the window is open (see [`weekdays_except`]).
    pub days: Vec<NaiveDate>,
    /// e.g. 2: morning and afternoon.
    pub slots_per_day: u32,
    /// The active officers who staff the window; each gets at least one slot.
    pub officers: Vec<RosterOfficer>,
    /// (user id, day) pairs of leave. Entries for other people or other days are ignored, so the
    /// app may pass all the court's leave that overlaps the week.
    #[serde(default)]
    pub leave: Vec<(i64, NaiveDate)>,
    /// Slots each officer had in previous weeks (any window, e.g. the last four weeks): whoever
    /// had fewest gets this week's extra slots first. Missing officers count as 0.
    #[serde(default)]
    pub previous_counts: BTreeMap<i64, u32>,
}

impl RosterRequest {
    /// Refuses a request that cannot describe a week: week start not a Monday, no open day, an
    /// open day outside the week or listed twice, a slot count of 0 or above
    /// [`MAX_SLOTS_PER_DAY`], no officers, an officer listed twice.
    pub fn validate(&self) -> DomainResult<()> {
        let ws = self.week_start;
        if ws.weekday() != Weekday::Mon {
            return Err(DomainError::new(
                "roster.week_start_not_monday",
                format!("值班周的起始日 {ws} 是{}，应为周一", weekday_zh(ws)),
                format!(
                    "the roster week starts on {}, which is not a Monday",
                    date_en(ws)
                ),
            ));
        }
        if self.days.is_empty() {
            return Err(DomainError::new(
                "roster.no_days",
                "本周没有窗口开放日，无需排班",
                "the window is not open on any day of this week; nothing to roster",
            ));
        }
        let mut seen = BTreeSet::new();
        for &d in &self.days {
            if d < ws || d > ws + Days::new(6) {
                return Err(DomainError::new(
                    "roster.day_outside_week",
                    format!("{} 不在 {} 开始的这一周内", date_zh(d), date_zh(ws)),
                    format!("{} is not in the week starting {}", date_en(d), date_en(ws)),
                ));
            }
            if !seen.insert(d) {
                return Err(DomainError::new(
                    "roster.duplicate_day",
                    format!("开放日 {} 重复列出", date_zh(d)),
                    format!("the open day {} is listed twice", date_en(d)),
                ));
            }
        }
        if self.slots_per_day == 0 || self.slots_per_day > MAX_SLOTS_PER_DAY {
            return Err(DomainError::new(
                "roster.slots_per_day",
                format!(
                    "每天的班次数为 {}，应在 1 到 {MAX_SLOTS_PER_DAY} 之间",
                    self.slots_per_day
                ),
                format!(
                    "{} slots per day; it must be between 1 and {MAX_SLOTS_PER_DAY}",
                    self.slots_per_day
                ),
            ));
        }
        if self.officers.is_empty() {
            return Err(DomainError::new(
                "roster.no_officers",
                "没有可排班的人员",
                "there is nobody to put on the roster",
            ));
        }
        let mut ids = BTreeSet::new();
        for o in &self.officers {
            if o.name.trim().is_empty() {
                return Err(DomainError::new(
                    "roster.officer_unnamed",
                    format!("编号 {} 的人员没有姓名", o.user_id),
                    format!("the officer with id {} has no name", o.user_id),
                ));
            }
            if !ids.insert(o.user_id) {
                return Err(DomainError::new(
                    "roster.duplicate_officer",
                    format!("{}（编号 {}）在值班人员中重复列出", o.name, o.user_id),
                    format!(
                        "{} (id {}) is listed twice among the officers",
                        o.name, o.user_id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Whether the officer is on leave that day.
    pub fn on_leave(&self, user_id: i64, date: NaiveDate) -> bool {
        self.leave.iter().any(|&(u, d)| u == user_id && d == date)
    }

    /// Total slots in the week.
    pub fn total_slots(&self) -> usize {
        self.days.len() * self.slots_per_day as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub date: NaiveDate,
    /// 1-based: with two slots, 1 is the morning and 2 the afternoon.
    pub slot: u32,
    pub user_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub week_start: NaiveDate,
    /// Sorted by date, then slot.
    pub entries: Vec<RosterEntry>,
}

impl Roster {
    /// Slots per officer this week: add to `previous_counts` for next week's request.
    pub fn counts(&self) -> BTreeMap<i64, u32> {
        let mut out = BTreeMap::new();
        for e in &self.entries {
            *out.entry(e.user_id).or_insert(0) += 1;
        }
        out
    }

    /// The entries of one day, by slot.
    pub fn on(&self, date: NaiveDate) -> impl Iterator<Item = &RosterEntry> {
        self.entries.iter().filter(move |e| e.date == date)
    }
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/// Generates the week's roster: every slot staffed by one officer, every officer at least one
/// slot, nobody on a leave day, loads as even as leave allows (max − min ≤ 1 among officers
/// without leave), nobody on both slots of a day when avoidable, extra slots rotated by
/// `previous_counts` then user id. Refuses, naming who or which day, when that is impossible.
pub fn generate(req: &RosterRequest) -> DomainResult<Roster> {
    req.validate()?;
    let mut officers: Vec<&RosterOfficer> = req.officers.iter().collect();
    officers.sort_by_key(|o| o.user_id);
    let mut days = req.days.clone();
    days.sort();
    let spd = req.slots_per_day as usize;
    let n = officers.len();
    let total = days.len() * spd;

    if n > total {
        return Err(DomainError::new(
            "roster.too_few_slots",
            format!(
                "本周共 {} 个开放日、每天 {spd} 个班次，合计 {total} 个班次，少于 {n} 名值班人员，\
                 无法让每人至少值班一次；请增加班次或开放日",
                days.len()
            ),
            format!(
                "the week has {} open days of {spd} slots, {total} slots in all, fewer than the {n} \
                 officers, so not everyone can take a slot; add slots or open days",
                days.len()
            ),
        ));
    }

    // available[i][d]
    let available: Vec<Vec<bool>> = officers
        .iter()
        .map(|o| days.iter().map(|&d| !req.on_leave(o.user_id, d)).collect())
        .collect();

    let away_all_week: Vec<&str> = officers
        .iter()
        .zip(&available)
        .filter(|(_, a)| !a.contains(&true))
        .map(|(o, _)| o.name.as_str())
        .collect();
    if !away_all_week.is_empty() {
        return Err(DomainError::new(
            "roster.on_leave_all_week",
            format!(
                "{} 本周所有开放日都请假，无法安排至少一个班次；请调整请假或将其移出本周值班人员",
                names_zh(away_all_week.iter().copied())
            ),
            format!(
                "{} on leave on every open day of the week and cannot take a slot; change the leave \
                 or take them off this week's roster",
                if away_all_week.len() == 1 {
                    format!("{} is", away_all_week[0])
                } else {
                    format!("{} are", names_en(away_all_week.iter().copied()))
                }
            ),
        ));
    }

    let uncovered: Vec<NaiveDate> = (0..days.len())
        .filter(|&d| available.iter().all(|a| !a[d]))
        .map(|d| days[d])
        .collect();
    if !uncovered.is_empty() {
        return Err(DomainError::new(
            "roster.day_uncovered",
            format!(
                "{} 所有值班人员都请假，无人值班；请调整请假或将该日从开放日中去掉",
                uncovered
                    .iter()
                    .map(|&d| date_zh(d))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            format!(
                "every officer is on leave on {}, so nobody can staff the window; change the leave \
                 or close the window that day",
                uncovered.iter().map(|&d| date_en(d)).collect::<Vec<_>>().join(", ")
            ),
        ));
    }

    if let Some(err) = hall_violation(&officers, &available, &days, spd) {
        return Err(err);
    }

    // Rotation rank: fewest previous slots first, then lowest user id.
    let mut by_rotation: Vec<usize> = (0..n).collect();
    by_rotation.sort_by_key(|&i| {
        (
            req.previous_counts
                .get(&officers[i].user_id)
                .copied()
                .unwrap_or(0),
            officers[i].user_id,
        )
    });
    let mut rank = vec![0i64; n];
    for (r, &i) in by_rotation.iter().enumerate() {
        rank[i] = r as i64;
    }

    // Cost scales, each above the largest possible total of everything below it.
    let rot_total = (total * n) as i64;
    let same_day = rot_total + 1;
    let big = (total * spd) as i64 * same_day + rot_total + 1;

    let source = 0;
    let officer_node = |i: usize| 1 + i;
    let day_node = |d: usize| 1 + n + d;
    let sink = 1 + n + days.len();
    let mut g = Flow::new(sink + 1);
    let mut officer_day_edges: Vec<(usize, usize, usize)> = Vec::new(); // (edge, officer, day)
    for (i, free) in available.iter().enumerate() {
        let open_days: Vec<usize> = (0..days.len()).filter(|&d| free[d]).collect();
        // The k-th slot of an officer costs k·BIG: convex, so the cheapest flow is the most
        // even one. Extra slots (k ≥ 2) also pay the officer's rotation rank.
        for k in 1..=(open_days.len() * spd) as i64 {
            let rotation = if k >= 2 { rank[i] } else { 0 };
            g.add_edge(source, officer_node(i), k * big + rotation);
        }
        // A second slot on the same day costs SAME_DAY, a third twice that, and so on.
        for &d in &open_days {
            for k in 0..spd as i64 {
                let e = g.add_edge(officer_node(i), day_node(d), k * same_day);
                officer_day_edges.push((e, i, d));
            }
        }
    }
    for d in 0..days.len() {
        for _ in 0..spd {
            g.add_edge(day_node(d), sink, 0);
        }
    }
    let flowed = g.min_cost_flow(source, sink, total);

    let mut units = vec![vec![0usize; days.len()]; n];
    for &(e, i, d) in &officer_day_edges {
        if g.used(e) {
            units[i][d] += 1;
        }
    }
    let per_officer: Vec<usize> = units.iter().map(|u| u.iter().sum()).collect();
    if flowed != total || per_officer.contains(&0) {
        // The checks above make this unreachable; refuse rather than produce a broken roster.
        return Err(DomainError::new(
            "roster.unsolvable",
            "无法生成满足条件的值班表，请手动排班",
            "no roster meets the rules; please draw it up by hand",
        ));
    }

    // Within each day, give each slot to the officer who has had that slot least this week.
    // slot_count[s][i]: how often officer i has had slot s this week.
    let mut slot_count = vec![vec![0u32; n]; spd];
    let mut entries = Vec::with_capacity(total);
    for (d, &date) in days.iter().enumerate() {
        let mut remaining: Vec<usize> = (0..n).map(|i| units[i][d]).collect();
        for (s, had) in slot_count.iter_mut().enumerate() {
            let i = (0..n)
                .filter(|&i| remaining[i] > 0)
                .min_by_key(|&i| (had[i], std::cmp::Reverse(remaining[i]), i))
                .expect("every slot of the day has an officer");
            remaining[i] -= 1;
            had[i] += 1;
            entries.push(RosterEntry {
                date,
                slot: s as u32 + 1,
                user_id: officers[i].user_id,
                name: officers[i].name.clone(),
            });
        }
    }
    Ok(Roster {
        week_start: req.week_start,
        entries,
    })
}

/// Hall's condition for "everyone at least one slot": for every set T of open days, the officers
/// free only on days in T must not outnumber the slots of T. Returns the refusal for the smallest
/// violating T.
fn hall_violation(
    officers: &[&RosterOfficer],
    available: &[Vec<bool>],
    days: &[NaiveDate],
    spd: usize,
) -> Option<DomainError> {
    let nd = days.len();
    let masks: Vec<u32> = available
        .iter()
        .map(|a| (0..nd).filter(|&d| a[d]).fold(0u32, |m, d| m | (1 << d)))
        .collect();
    let mut subsets: Vec<u32> = (1..(1u32 << nd)).collect();
    subsets.sort_by_key(|t| (t.count_ones(), *t));
    for t in subsets {
        let confined: Vec<usize> = (0..officers.len())
            .filter(|&i| masks[i] & !t == 0)
            .collect();
        let slots = t.count_ones() as usize * spd;
        if confined.len() > slots {
            let day_list: Vec<NaiveDate> = (0..nd)
                .filter(|&d| t & (1 << d) != 0)
                .map(|d| days[d])
                .collect();
            let who_zh = names_zh(confined.iter().map(|&i| officers[i].name.as_str()));
            let who_en = names_en(confined.iter().map(|&i| officers[i].name.as_str()));
            return Some(DomainError::new(
                "roster.not_enough_slots_on_free_days",
                format!(
                    "{who_zh} 共 {} 人本周只能在 {} 值班，这些日子只有 {slots} 个班次，\
                     无法让每人至少值班一次；请调整请假",
                    confined.len(),
                    day_list
                        .iter()
                        .map(|&d| date_zh(d))
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                format!(
                    "{who_en} ({} officers) can only take slots on {}, which have only {slots} \
                     slots, so not everyone can take one; change the leave",
                    confined.len(),
                    day_list
                        .iter()
                        .map(|&d| date_en(d))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ));
        }
    }
    None
}

/// A tiny min-cost flow with unit-capacity edges (parallel edges model convex costs), solved by
/// successive shortest paths with Bellman–Ford. The graphs here have at most a few thousand edges.
struct Flow {
    // (to, capacity, cost); edge e and e ^ 1 are a pair.
    edges: Vec<(usize, i64, i64)>,
    adjacency: Vec<Vec<usize>>,
}

impl Flow {
    fn new(nodes: usize) -> Flow {
        Flow {
            edges: Vec::new(),
            adjacency: vec![Vec::new(); nodes],
        }
    }

    fn add_edge(&mut self, from: usize, to: usize, cost: i64) -> usize {
        let e = self.edges.len();
        self.edges.push((to, 1, cost));
        self.edges.push((from, 0, -cost));
        self.adjacency[from].push(e);
        self.adjacency[to].push(e + 1);
        e
    }

    fn used(&self, e: usize) -> bool {
        self.edges[e].1 == 0
    }

    /// Pushes up to `want` units, one shortest path at a time; returns the units pushed.
    fn min_cost_flow(&mut self, source: usize, sink: usize, want: usize) -> usize {
        let nodes = self.adjacency.len();
        let mut pushed = 0;
        while pushed < want {
            let mut dist = vec![i64::MAX; nodes];
            let mut via = vec![usize::MAX; nodes];
            dist[source] = 0;
            for _ in 0..nodes {
                let mut changed = false;
                for u in 0..nodes {
                    if dist[u] == i64::MAX {
                        continue;
                    }
                    for &e in &self.adjacency[u] {
                        let (v, cap, cost) = self.edges[e];
                        if cap > 0 && dist[u] + cost < dist[v] {
                            dist[v] = dist[u] + cost;
                            via[v] = e;
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            if dist[sink] == i64::MAX {
                break;
            }
            let mut v = sink;
            while v != source {
                let e = via[v];
                self.edges[e].1 -= 1;
                self.edges[e ^ 1].1 += 1;
                v = self.edges[e ^ 1].0;
            }
            pushed += 1;
        }
        pushed
    }
}

// ---------------------------------------------------------------------------------------------
// Checking a hand-edited roster
// ---------------------------------------------------------------------------------------------

/// Checks a hand-edited roster and returns its first problem; see [`edit_problems`] for all.
pub fn validate_edit(req: &RosterRequest, roster: &Roster) -> DomainResult<()> {
    match edit_problems(req, roster)?.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Every problem of a hand-edited roster, in a stable order, so the page can show them all at
/// once: a date outside the open days, a slot number out of range, an unknown person, a person
/// on leave that day, a person twice in one slot, a slot double-booked, a slot left empty, an
/// officer with no slot in the week. The outer error is for an invalid request.
pub fn edit_problems(req: &RosterRequest, roster: &Roster) -> DomainResult<Vec<DomainError>> {
    req.validate()?;
    let spd = req.slots_per_day;
    let mut problems = Vec::new();
    if roster.week_start != req.week_start {
        problems.push(DomainError::new(
            "roster.week_mismatch",
            format!(
                "值班表属于 {} 开始的一周，而不是 {} 开始的一周",
                date_zh(roster.week_start),
                date_zh(req.week_start)
            ),
            format!(
                "the roster is for the week starting {}, not {}",
                date_en(roster.week_start),
                date_en(req.week_start)
            ),
        ));
    }
    let officers: BTreeMap<i64, &str> = req
        .officers
        .iter()
        .map(|o| (o.user_id, o.name.as_str()))
        .collect();
    let open: BTreeSet<NaiveDate> = req.days.iter().copied().collect();
    let name_of = |e: &RosterEntry| -> String {
        officers
            .get(&e.user_id)
            .map(|n| n.to_string())
            .unwrap_or_else(|| e.name.clone())
    };
    let at_zh =
        |date: NaiveDate, slot: u32| format!("{}{}", date_zh(date), slot_name_zh(slot, spd));
    let at_en =
        |date: NaiveDate, slot: u32| format!("{} {}", date_en(date), slot_name_en(slot, spd));

    // (date, slot) → user ids in entry order, for well-placed entries only.
    let mut cells: BTreeMap<(NaiveDate, u32), Vec<i64>> = BTreeMap::new();
    for e in &roster.entries {
        let mut placed = true;
        if !open.contains(&e.date) {
            placed = false;
            problems.push(DomainError::new(
                "roster.date_not_open",
                format!(
                    "{} 安排了 {}，但该日不是本周的窗口开放日",
                    date_zh(e.date),
                    name_of(e)
                ),
                format!(
                    "{} is rostered on {}, which is not an open day of the week",
                    name_of(e),
                    date_en(e.date)
                ),
            ));
        }
        if e.slot == 0 || e.slot > spd {
            placed = false;
            problems.push(DomainError::new(
                "roster.slot_out_of_range",
                format!(
                    "{} 的 {} 安排在第 {} 班，每天只有 {spd} 个班次",
                    date_zh(e.date),
                    name_of(e),
                    e.slot
                ),
                format!(
                    "{} is rostered in slot {} on {}, but there are only {spd} slots a day",
                    name_of(e),
                    e.slot,
                    date_en(e.date)
                ),
            ));
        }
        if !officers.contains_key(&e.user_id) {
            problems.push(DomainError::new(
                "roster.unknown_officer",
                format!(
                    "{}安排的“{}”（编号 {}）不是本周的值班人员",
                    at_zh(e.date, e.slot),
                    e.name,
                    e.user_id
                ),
                format!(
                    "\"{}\" (id {}) on {} is not one of this week's officers",
                    e.name,
                    e.user_id,
                    at_en(e.date, e.slot)
                ),
            ));
        } else if req.on_leave(e.user_id, e.date) {
            problems.push(DomainError::new(
                "roster.on_leave",
                format!(
                    "{} 当天请假，不能安排在{}",
                    name_of(e),
                    at_zh(e.date, e.slot)
                ),
                format!(
                    "{} is on leave that day and cannot be on {}",
                    name_of(e),
                    at_en(e.date, e.slot)
                ),
            ));
        }
        if placed {
            cells.entry((e.date, e.slot)).or_default().push(e.user_id);
        }
    }

    let name_by_id = |id: i64| -> String {
        officers.get(&id).map(|n| n.to_string()).unwrap_or_else(|| {
            roster
                .entries
                .iter()
                .find(|e| e.user_id == id)
                .map(|e| e.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
    };
    for (&(date, slot), ids) in &cells {
        // Distinct people in order of first entry, with how often each was entered.
        let mut people: Vec<(i64, usize)> = Vec::new();
        for &id in ids {
            match people.iter_mut().find(|(p, _)| *p == id) {
                Some((_, times)) => *times += 1,
                None => people.push((id, 1)),
            }
        }
        for &(id, times) in &people {
            if times > 1 {
                problems.push(DomainError::new(
                    "roster.duplicate_entry",
                    format!(
                        "{} 在{}重复安排了 {times} 次",
                        name_by_id(id),
                        at_zh(date, slot)
                    ),
                    format!(
                        "{} is entered {times} times on {}",
                        name_by_id(id),
                        at_en(date, slot)
                    ),
                ));
            }
        }
        if people.len() > 1 {
            let who: Vec<String> = people.iter().map(|&(id, _)| name_by_id(id)).collect();
            problems.push(DomainError::new(
                "roster.double_booked",
                format!(
                    "{}安排了 {} 人（{}），每个班次只能一人",
                    at_zh(date, slot),
                    who.len(),
                    who.join("、")
                ),
                format!(
                    "{} has {} people ({}); each slot takes one",
                    at_en(date, slot),
                    who.len(),
                    who.join(", ")
                ),
            ));
        }
    }

    let mut days = req.days.clone();
    days.sort();
    for &date in &days {
        for slot in 1..=spd {
            if !cells.contains_key(&(date, slot)) {
                problems.push(DomainError::new(
                    "roster.slot_empty",
                    format!("{}{}无人值班", date_zh(date), slot_name_zh(slot, spd)),
                    format!("nobody is on {} {}", date_en(date), slot_name_en(slot, spd)),
                ));
            }
        }
    }

    let mut officers_sorted: Vec<&RosterOfficer> = req.officers.iter().collect();
    officers_sorted.sort_by_key(|o| o.user_id);
    for o in officers_sorted {
        let has_slot = roster.entries.iter().any(|e| {
            e.user_id == o.user_id && open.contains(&e.date) && e.slot >= 1 && e.slot <= spd
        });
        if !has_slot {
            problems.push(DomainError::new(
                "roster.officer_without_slot",
                format!("{} 本周没有安排值班，每人每周至少值班一次", o.name),
                format!(
                    "{} has no slot this week; everyone takes at least one slot a week",
                    o.name
                ),
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Monday 4 March 2024.
    fn monday() -> NaiveDate {
        date(2024, 3, 4)
    }

    const NAMES: [&str; 12] = [
        "张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十", "冯一", "陈二", "褚三",
        "卫四",
    ];

    fn officers(n: usize) -> Vec<RosterOfficer> {
        (0..n)
            .map(|i| RosterOfficer {
                user_id: i as i64 + 1,
                name: NAMES[i % NAMES.len()].to_string(),
            })
            .collect()
    }

    fn request(n: usize, leave: Vec<(i64, NaiveDate)>) -> RosterRequest {
        RosterRequest {
            week_start: monday(),
            days: weekdays_except(monday(), &[]),
            slots_per_day: 2,
            officers: officers(n),
            leave,
            previous_counts: BTreeMap::new(),
        }
    }

    fn doubled_days(roster: &Roster) -> usize {
        let mut per: BTreeMap<(i64, NaiveDate), u32> = BTreeMap::new();
        for e in &roster.entries {
            *per.entry((e.user_id, e.date)).or_insert(0) += 1;
        }
        per.values().filter(|&&c| c > 1).count()
    }

    #[test]
    fn helpers_name_days_and_slots() {
        assert_eq!(monday_of(date(2024, 3, 10)), monday());
        assert_eq!(monday_of(monday()), monday());
        assert_eq!(
            weekdays_except(monday(), &[date(2024, 3, 6)]),
            [
                date(2024, 3, 4),
                date(2024, 3, 5),
                date(2024, 3, 7),
                date(2024, 3, 8)
            ]
        );
        assert_eq!(date_zh(monday()), "3月4日（周一）");
        assert_eq!(date_en(monday()), "Mon 2024-03-04");
        assert_eq!(slot_name_zh(1, 2), "上午");
        assert_eq!(slot_name_zh(2, 2), "下午");
        assert_eq!(slot_name_zh(3, 3), "第3班");
        assert_eq!(slot_name_zh(1, 1), "全天");
        assert_eq!(slot_name_en(2, 2), "afternoon");
        assert_eq!(slot_name_en(2, 4), "shift 2");
    }

    #[test]
    fn worked_example_seven_officers_one_on_leave_two_days() {
        // 王五 (id 3) is on leave Monday and Tuesday.
        let req = request(7, vec![(3, date(2024, 3, 4)), (3, date(2024, 3, 5))]);
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
        assert_eq!(roster.week_start, monday());
        assert_eq!(roster.entries.len(), 10);
        // 10 slots for 7 officers: three take two, four take one; with no history the extra
        // slots go to the lowest user ids.
        let counts = roster.counts();
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            [(1, 2), (2, 2), (3, 2), (4, 1), (5, 1), (6, 1), (7, 1)]
        );
        assert!(roster
            .entries
            .iter()
            .all(|e| !(e.user_id == 3 && e.date <= date(2024, 3, 5))));
        assert_eq!(doubled_days(&roster), 0);
        // Sorted by date then slot, names filled in.
        let keys: Vec<(NaiveDate, u32)> = roster.entries.iter().map(|e| (e.date, e.slot)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(roster
            .entries
            .iter()
            .all(|e| e.name == NAMES[e.user_id as usize - 1]));
        // Same input, same roster — also with the lists in another order.
        let mut shuffled = req.clone();
        shuffled.officers.reverse();
        shuffled.days.reverse();
        shuffled.leave.reverse();
        assert_eq!(generate(&shuffled).unwrap(), roster);
    }

    #[test]
    fn previous_counts_rotate_the_extra_slots() {
        let mut req = request(7, vec![]);
        req.previous_counts = [(1, 8), (2, 8), (3, 8), (4, 5), (7, 9)]
            .into_iter()
            .collect();
        let counts = generate(&req).unwrap().counts();
        // The three extra slots: 5 and 6 had none before, then 4 had fewest.
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (6, 2), (7, 1)]
        );
    }

    #[test]
    fn leave_limits_some_and_the_rest_stay_even() {
        // 4 officers, 10 slots; 李四 is free only on Friday (2 slots at most).
        let leave = (4..=7).map(|d| (2, date(2024, 3, d))).collect();
        let req = request(4, leave);
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
        let c = roster.counts();
        assert!(c[&2] <= 2);
        let free: Vec<u32> = [1, 3, 4].iter().map(|id| c[id]).collect();
        assert!(
            free.iter().max().unwrap() - free.iter().min().unwrap() <= 1,
            "{c:?}"
        );
        assert_eq!(c.values().sum::<u32>(), 10);
    }

    #[test]
    fn a_single_officer_takes_every_slot() {
        let req = request(1, vec![]);
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
        assert_eq!(roster.counts()[&1], 10);
    }

    #[test]
    fn both_slots_of_a_day_only_when_unavoidable() {
        // 2 officers, 3 days × 2 slots, 张三 on leave two days: 李四 must take both slots of
        // those days, and an even spread (2 + 4 rather than 1 + 5) comes before the same-day
        // preference, so 张三 takes both of Wednesday's.
        let mut req = request(2, vec![(1, date(2024, 3, 4)), (1, date(2024, 3, 5))]);
        req.days = vec![date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 6)];
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
        assert_eq!(doubled_days(&roster), 3);
        assert_eq!(roster.counts()[&1], 2);
        assert_eq!(roster.counts()[&2], 4);
    }

    #[test]
    fn fewer_slots_than_officers_is_refused() {
        let e = generate(&request(11, vec![])).unwrap_err();
        assert_eq!(e.code, "roster.too_few_slots");
        assert!(
            e.zh.contains("10 个班次") && e.zh.contains("11 名"),
            "{}",
            e.zh
        );
        assert!(e.en.contains("10 slots"), "{}", e.en);
    }

    #[test]
    fn leave_all_week_is_refused_naming_who() {
        let leave = (4..=8)
            .flat_map(|d| [(2, date(2024, 3, d)), (5, date(2024, 3, d))])
            .collect();
        let e = generate(&request(6, leave)).unwrap_err();
        assert_eq!(e.code, "roster.on_leave_all_week");
        assert!(
            e.zh.starts_with("李四、孙七 本周所有开放日都请假"),
            "{}",
            e.zh
        );
        assert!(e.en.starts_with("李四, 孙七 are on leave"), "{}", e.en);
    }

    #[test]
    fn a_day_everyone_is_away_is_refused() {
        let leave = (1..=3).map(|id| (id, date(2024, 3, 6))).collect();
        let e = generate(&request(3, leave)).unwrap_err();
        assert_eq!(e.code, "roster.day_uncovered");
        assert!(
            e.zh.starts_with("3月6日（周三） 所有值班人员都请假"),
            "{}",
            e.zh
        );
    }

    #[test]
    fn too_many_people_free_only_on_the_same_days_is_refused() {
        // 张三, 李四, 王五 are all free only on Monday, which has 2 slots.
        let leave = (1..=3)
            .flat_map(|id| (5..=8).map(move |d| (id, date(2024, 3, d))))
            .collect();
        let e = generate(&request(5, leave)).unwrap_err();
        assert_eq!(e.code, "roster.not_enough_slots_on_free_days");
        assert!(
            e.zh.starts_with(
                "张三、李四、王五 共 3 人本周只能在 3月4日（周一） 值班，这些日子只有 2 个班次"
            ),
            "{}",
            e.zh
        );
        assert!(e.en.contains("Mon 2024-03-04"), "{}", e.en);
    }

    #[test]
    fn bad_requests_are_refused() {
        let mut r = request(3, vec![]);
        r.week_start = date(2024, 3, 5);
        assert_eq!(
            generate(&r).unwrap_err().code,
            "roster.week_start_not_monday"
        );
        let mut r = request(3, vec![]);
        r.days.clear();
        assert_eq!(generate(&r).unwrap_err().code, "roster.no_days");
        let mut r = request(3, vec![]);
        r.days.push(date(2024, 3, 11));
        let e = generate(&r).unwrap_err();
        assert_eq!(e.code, "roster.day_outside_week");
        assert!(e.zh.contains("3月11日"));
        let mut r = request(3, vec![]);
        r.days.push(monday());
        assert_eq!(generate(&r).unwrap_err().code, "roster.duplicate_day");
        let mut r = request(3, vec![]);
        r.slots_per_day = 0;
        assert_eq!(generate(&r).unwrap_err().code, "roster.slots_per_day");
        r.slots_per_day = MAX_SLOTS_PER_DAY + 1;
        assert_eq!(generate(&r).unwrap_err().code, "roster.slots_per_day");
        let mut r = request(3, vec![]);
        r.officers.clear();
        assert_eq!(generate(&r).unwrap_err().code, "roster.no_officers");
        let mut r = request(3, vec![]);
        r.officers.push(r.officers[0].clone());
        assert_eq!(generate(&r).unwrap_err().code, "roster.duplicate_officer");
        let mut r = request(3, vec![]);
        r.officers[1].name = " ".into();
        assert_eq!(generate(&r).unwrap_err().code, "roster.officer_unnamed");
    }

    #[test]
    fn leave_of_others_and_of_closed_days_is_ignored() {
        let req = request(5, vec![(99, monday()), (1, date(2024, 3, 9))]);
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
    }

    #[test]
    fn weekend_days_and_other_slot_counts_work() {
        let mut req = request(4, vec![]);
        req.days = vec![date(2024, 3, 9), date(2024, 3, 10)];
        req.slots_per_day = 3;
        let roster = generate(&req).unwrap();
        validate_edit(&req, &roster).unwrap();
        assert_eq!(roster.entries.len(), 6);
        assert_eq!(doubled_days(&roster), 0);
    }

    fn codes(req: &RosterRequest, roster: &Roster) -> Vec<&'static str> {
        edit_problems(req, roster)
            .unwrap()
            .into_iter()
            .map(|e| e.code)
            .collect()
    }

    #[test]
    fn hand_edits_are_checked() {
        let req = request(7, vec![(3, date(2024, 3, 4))]);
        let good = generate(&req).unwrap();
        assert!(codes(&req, &good).is_empty());

        // Someone on leave that day.
        let mut r = good.clone();
        r.entries[0].user_id = 3;
        r.entries[0].name = "王五".into();
        let e = validate_edit(&req, &r).unwrap_err();
        assert_eq!(e.code, "roster.on_leave");
        assert_eq!(e.zh, "王五 当天请假，不能安排在3月4日（周一）上午");
        assert_eq!(
            e.en,
            "王五 is on leave that day and cannot be on Mon 2024-03-04 morning"
        );

        // A slot left empty, and its holder now without a slot.
        let mut r = good.clone();
        let removed = r.entries.remove(1);
        let c = codes(&req, &r);
        assert!(c.contains(&"roster.slot_empty"), "{c:?}");
        let e = edit_problems(&req, &r).unwrap();
        let empty = e.iter().find(|e| e.code == "roster.slot_empty").unwrap();
        assert_eq!(empty.zh, "3月4日（周一）下午无人值班");
        if good.counts()[&removed.user_id] == 1 {
            assert!(c.contains(&"roster.officer_without_slot"), "{c:?}");
        }

        // A slot double-booked.
        let mut r = good.clone();
        let mut extra = r.entries[0].clone();
        extra.user_id = if extra.user_id == 7 { 6 } else { 7 };
        extra.name = NAMES[extra.user_id as usize - 1].into();
        r.entries.push(extra);
        let e = validate_edit(&req, &r).unwrap_err();
        assert_eq!(e.code, "roster.double_booked");
        assert!(
            e.zh.starts_with("3月4日（周一）上午安排了 2 人"),
            "{}",
            e.zh
        );

        // The same person twice in one slot.
        let mut r = good.clone();
        r.entries.push(r.entries[2].clone());
        let e = validate_edit(&req, &r).unwrap_err();
        assert_eq!(e.code, "roster.duplicate_entry");
        assert!(e.zh.contains("重复安排了 2 次"), "{}", e.zh);

        // A date outside the open days, a slot out of range, an unknown person.
        let mut r = good.clone();
        r.entries[0].date = date(2024, 3, 9);
        r.entries[1].slot = 3;
        r.entries[2].user_id = 42;
        r.entries[2].name = "路人".into();
        let c = codes(&req, &r);
        for code in [
            "roster.date_not_open",
            "roster.slot_out_of_range",
            "roster.unknown_officer",
            "roster.slot_empty",
        ] {
            assert!(c.contains(&code), "{code} missing from {c:?}");
        }
        let e = edit_problems(&req, &r).unwrap();
        let unknown = e
            .iter()
            .find(|e| e.code == "roster.unknown_officer")
            .unwrap();
        assert!(unknown.zh.contains("“路人”（编号 42）"), "{}", unknown.zh);

        // An officer with no slot at all.
        let mut r = good.clone();
        let victim = r.entries[0].user_id;
        for e in r.entries.iter_mut().filter(|e| e.user_id == victim) {
            let other = if victim == 1 { 2 } else { 1 };
            e.user_id = other;
            e.name = NAMES[other as usize - 1].into();
        }
        let e = validate_edit(&req, &r).unwrap_err();
        assert_eq!(e.code, "roster.officer_without_slot");
        assert!(e.zh.starts_with(NAMES[victim as usize - 1]), "{}", e.zh);

        // Another week.
        let mut r = good.clone();
        r.week_start = date(2024, 3, 11);
        assert_eq!(
            validate_edit(&req, &r).unwrap_err().code,
            "roster.week_mismatch"
        );

        // An invalid request is refused before the roster is looked at.
        let mut bad = req.clone();
        bad.slots_per_day = 0;
        assert_eq!(
            validate_edit(&bad, &good).unwrap_err().code,
            "roster.slots_per_day"
        );
    }

    #[test]
    fn roster_serialises() {
        let req = request(3, vec![]);
        let roster = generate(&req).unwrap();
        let json = serde_json::to_string(&roster).unwrap();
        assert!(json.contains("\"date\":\"2024-03-04\""), "{json}");
        assert_eq!(serde_json::from_str::<Roster>(&json).unwrap(), roster);
        let req_json = serde_json::to_string(&req).unwrap();
        assert_eq!(
            serde_json::from_str::<RosterRequest>(&req_json).unwrap(),
            req
        );
    }

    /// Independent feasibility: a bipartite matching of officers to (day, slot) places (Kuhn's
    /// algorithm) covering every officer, and every open day has someone free.
    fn feasible(req: &RosterRequest) -> bool {
        let places: Vec<NaiveDate> = req
            .days
            .iter()
            .flat_map(|&d| std::iter::repeat_n(d, req.slots_per_day as usize))
            .collect();
        if req.officers.len() > places.len() {
            return false;
        }
        if req
            .days
            .iter()
            .any(|&d| req.officers.iter().all(|o| req.on_leave(o.user_id, d)))
        {
            return false;
        }
        fn try_match(
            i: usize,
            req: &RosterRequest,
            places: &[NaiveDate],
            seen: &mut [bool],
            owner: &mut [Option<usize>],
        ) -> bool {
            for p in 0..places.len() {
                if seen[p] || req.on_leave(req.officers[i].user_id, places[p]) {
                    continue;
                }
                seen[p] = true;
                if owner[p].is_none_or(|j| try_match(j, req, places, seen, owner)) {
                    owner[p] = Some(i);
                    return true;
                }
            }
            false
        }
        let mut owner = vec![None; places.len()];
        (0..req.officers.len()).all(|i| {
            let mut seen = vec![false; places.len()];
            try_match(i, req, &places, &mut seen, &mut owner)
        })
    }

    fn arb_request() -> impl Strategy<Value = RosterRequest> {
        (
            // Open days of the week (bit mask), mostly weekdays.
            prop_oneof![Just(0b0011111u8), 1u8..0x80],
            1u32..=3,
            prop::collection::vec(
                (
                    prop::collection::vec(prop::bool::weighted(0.2), 7),
                    0u32..6,
                    0usize..7,
                ),
                1..=21,
            ),
        )
            .prop_map(|(mask, spd, people)| {
                let days: Vec<NaiveDate> = (0..7)
                    .filter(|d| mask & (1 << d) != 0)
                    .map(|d| monday() + Days::new(d))
                    .collect();
                let slots = days.len() * spd as usize;
                let mut officers = Vec::new();
                let mut leave = Vec::new();
                let mut previous_counts = BTreeMap::new();
                for (i, (away, prev, keep)) in people.into_iter().take(slots).enumerate() {
                    // Ids not in sorted order.
                    let user_id = (i as i64 * 37) % 101 + 1;
                    officers.push(RosterOfficer {
                        user_id,
                        name: format!("员{user_id}"),
                    });
                    previous_counts.insert(user_id, prev);
                    let mut away_days: Vec<NaiveDate> = days
                        .iter()
                        .zip(away)
                        .filter(|(_, a)| *a)
                        .map(|(&d, _)| d)
                        .collect();
                    if away_days.len() == days.len() {
                        // Leave at least one open day.
                        away_days.remove(keep % days.len());
                    }
                    leave.extend(away_days.into_iter().map(|d| (user_id, d)));
                }
                RosterRequest {
                    week_start: monday(),
                    days,
                    slots_per_day: spd,
                    officers,
                    leave,
                    previous_counts,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn generated_rosters_pass_the_edit_checks_and_are_even(req in arb_request()) {
            let is_feasible = feasible(&req);
            match generate(&req) {
                Err(e) => {
                    prop_assert!(!is_feasible, "feasible request refused: {}", e);
                    prop_assert!(
                        ["roster.day_uncovered", "roster.not_enough_slots_on_free_days"]
                            .contains(&e.code),
                        "{}", e.code
                    );
                }
                Ok(roster) => {
                    prop_assert!(is_feasible);
                    prop_assert_eq!(validate_edit(&req, &roster), Ok(()));
                    let counts = roster.counts();
                    let no_leave: Vec<i64> = req
                        .officers
                        .iter()
                        .map(|o| o.user_id)
                        .filter(|&u| req.days.iter().all(|&d| !req.on_leave(u, d)))
                        .collect();
                    if let (Some(max), Some(min)) = (
                        no_leave.iter().map(|u| counts[u]).max(),
                        no_leave.iter().map(|u| counts[u]).min(),
                    ) {
                        prop_assert!(max - min <= 1, "{:?}", counts);
                        // Nobody, on leave or not, has more than one above the least-loaded
                        // officer without leave.
                        prop_assert!(counts.values().all(|&c| c <= min + 1), "{:?}", counts);
                    }
                    if req.leave.is_empty() && req.officers.len() >= req.slots_per_day as usize {
                        prop_assert_eq!(doubled_days(&roster), 0);
                    }
                    let mut shuffled = req.clone();
                    shuffled.officers.reverse();
                    shuffled.days.reverse();
                    shuffled.leave.reverse();
                    prop_assert_eq!(generate(&shuffled).unwrap(), roster);
                }
            }
        }
    }
}
