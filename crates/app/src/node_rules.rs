//! Per-court process-node definitions and working calendar (流程节点期限、工作日历).
//!
//! Two court settings, saved through `Command::SaveSetting` like the triage rules:
//! - `node_definitions`: the court's [`NodeSet`] as JSON;
//! - `working_calendar`: [`CalendarOverrides`] on top of the official State Council schedule.
//!
//! A court's effective value of each is its own setting, else the nearest ancestor court's (a
//! high-court administrator sets the calendar for the whole province), else the defaults of
//! RULES.md §3 and the official schedule. [`App::node_rules`] answers it per court, cached for a
//! minute and dropped whenever one of these settings is saved on this instance.
//!
//! Saving either setting recomputes, in the same transaction, the open node instances of every
//! court it affects (the court and the courts below that have no value of their own for that
//! key), and the `settings_changed` event records how many changed. An instance that the change
//! makes warning or overdue is stored with its earlier status and checked today, so that the
//! scheduler — not the save — sends the warning, bulletin and lock, exactly once.
//! [`App::preview_setting_change`] computes the same without writing anything.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;
use zhixing_domain::calendar::{CalendarOverrides, WorkingCalendar};
use zhixing_domain::node::{self, NodeSet, NodeStatus};
use zhixing_domain::role::Role;
use zhixing_store::nodes::{NodeReschedule, NodeRow};
use zhixing_store::{Store, WriteTx};

use crate::error::{AppError, AppResult};
use crate::nodes::{beijing_date, from_row};
use crate::{Actor, App, CourtTree};

/// The setting key of a court's node definitions.
pub const NODES_SETTING: &str = "node_definitions";
/// The setting key of a court's working-calendar overrides.
pub const CALENDAR_SETTING: &str = "working_calendar";

/// Open instances read per round when recomputing.
const RECOMPUTE_BATCH: i64 = 5_000;
/// Examples a preview shows.
const PREVIEW_EXAMPLES: usize = 20;
/// How long another instance's save may take to show here.
const FRESH: Duration = Duration::from_secs(60);

/// Who reads the node and calendar settings pages; only administrators change them.
pub const NODE_RULES_READERS: &[Role] = &[Role::Administrator, Role::BureauChief, Role::Supervisor];

/// Whether a setting key is one of the two this module owns.
pub fn is_node_rules_setting(key: &str) -> bool {
    key == NODES_SETTING || key == CALENDAR_SETTING
}

/// Where a court's effective value of a setting comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum RuleSource {
    /// The court's own setting, at this version.
    Own { version: i64 },
    /// An ancestor court's setting.
    Inherited {
        court_id: i64,
        court_name: String,
        version: i64,
    },
    /// Nobody above has one: RULES.md §3 defaults / the official schedule.
    Defaults,
}

impl RuleSource {
    /// The version to save the court's own setting against (0 = it has none).
    pub fn own_version(&self) -> i64 {
        match self {
            RuleSource::Own { version } => *version,
            _ => 0,
        }
    }
}

/// A court's node definitions and working calendar in force, and where each comes from.
#[derive(Debug, Clone)]
pub struct NodeRules {
    pub set: NodeSet,
    pub calendar: WorkingCalendar,
    /// The overrides `calendar` is the official schedule with.
    pub overrides: CalendarOverrides,
    pub set_source: RuleSource,
    pub calendar_source: RuleSource,
}

/// The per-court cache. `generation` counts saves: rules read before a save are not cached
/// after it (a command that read them in a transaction begun before the save committed).
#[derive(Default)]
pub(crate) struct NodeRulesCache {
    generation: u64,
    courts: HashMap<i64, (Instant, Arc<NodeRules>)>,
}

/// What recomputing open instances after a change did (or, in a preview, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecomputeCounts {
    /// The courts whose instances were recomputed (the court and those inheriting from it).
    pub courts: Vec<i64>,
    /// Open instances looked at.
    pub instances_examined: usize,
    /// Instances whose due or warning date changes.
    pub instances_changed: usize,
    /// Of those, how many change status today.
    pub status_changes: usize,
    /// Of those, how many become overdue today.
    pub newly_overdue: usize,
}

/// One instance a change would move, for the administrator to check by eye.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewExample {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub node_key: String,
    pub node_name_zh: String,
    pub node_name_en: String,
    pub old_due_on: NaiveDate,
    pub new_due_on: NaiveDate,
    pub old_status: NodeStatus,
    pub new_status: NodeStatus,
}

/// What saving a setting would do, computed without writing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingPreview {
    pub court_id: i64,
    pub key: String,
    pub today: NaiveDate,
    #[serde(flatten)]
    pub counts: RecomputeCounts,
    /// Up to 20 of the instances that change.
    pub examples: Vec<PreviewExample>,
}

/// Reads through the store's read pool or through a write transaction (which sees its own
/// unsaved writes and never waits for a second connection).
enum Src<'a> {
    Read(&'a Store),
    Write(&'a mut WriteTx),
}

impl Src<'_> {
    async fn settings(
        &mut self,
        courts: &[i64],
        keys: &[&str],
    ) -> AppResult<Vec<(i64, String, String, i64)>> {
        Ok(match self {
            Src::Read(s) => s.court_settings_of(courts, keys).await?,
            Src::Write(tx) => tx.court_settings_of(courts, keys).await?,
        })
    }

    async fn open_nodes(&mut self, court: i64, after: i64) -> AppResult<Vec<NodeRow>> {
        Ok(match self {
            Src::Read(s) => s.open_nodes_of_court(court, after, RECOMPUTE_BATCH).await?,
            Src::Write(tx) => {
                tx.open_nodes_of_court(court, after, RECOMPUTE_BATCH)
                    .await?
            }
        })
    }
}

/// The court and its ancestors, nearest first.
fn chain(tree: &CourtTree, court_id: i64) -> Vec<i64> {
    let mut out = Vec::new();
    let mut at = Some(court_id);
    while let Some(id) = at {
        if out.contains(&id) {
            break;
        }
        out.push(id);
        at = tree.get(id).and_then(|c| c.parent_id);
    }
    out
}

/// A setting that is about to be saved, standing in for the stored one.
struct Pending<'a> {
    court_id: i64,
    key: &'a str,
    value: &'a str,
}

/// The nearest readable value of `key` along `chain`: (value, court, version). A stored value
/// that no longer reads (the rules became stricter since it was saved) is logged and skipped,
/// so the court falls back to the court above rather than stopping all case work; a pending
/// value that does not read is refused.
fn pick<T>(
    chain: &[i64],
    rows: &[(i64, String, String, i64)],
    key: &str,
    pending: Option<&Pending<'_>>,
    parse: impl Fn(&str) -> zhixing_domain::DomainResult<T>,
) -> AppResult<Option<(T, i64, i64)>> {
    for c in chain {
        let found = match pending.filter(|p| p.court_id == *c && p.key == key) {
            Some(p) => Some((p.value, 0, true)),
            None => rows
                .iter()
                .find(|r| r.0 == *c && r.1 == key)
                .map(|r| (r.2.as_str(), r.3, false)),
        };
        let Some((json, version, is_pending)) = found else {
            continue;
        };
        match parse(json) {
            Ok(v) => return Ok(Some((v, *c, version))),
            Err(e) if is_pending => return Err(e.into()),
            Err(e) => {
                tracing::error!(court_id = c, key, error = %e, "stored setting does not read")
            }
        }
    }
    Ok(None)
}

fn source(tree: &CourtTree, court_id: i64, found: Option<(i64, i64)>) -> RuleSource {
    match found {
        None => RuleSource::Defaults,
        Some((c, version)) if c == court_id => RuleSource::Own { version },
        Some((c, version)) => RuleSource::Inherited {
            court_id: c,
            court_name: tree.get(c).map(|r| r.name.clone()).unwrap_or_default(),
            version,
        },
    }
}

/// A court's rules from the settings of its chain (and a pending value standing in for one).
fn resolve(
    tree: &CourtTree,
    court_id: i64,
    rows: &[(i64, String, String, i64)],
    pending: Option<&Pending<'_>>,
) -> AppResult<NodeRules> {
    let chain = chain(tree, court_id);
    let set = pick(&chain, rows, NODES_SETTING, pending, NodeSet::from_json)?;
    let cal = pick(
        &chain,
        rows,
        CALENDAR_SETTING,
        pending,
        CalendarOverrides::from_json,
    )?;
    let (set, set_source) = match set {
        Some((s, c, v)) => (s, source(tree, court_id, Some((c, v)))),
        None => (NodeSet::defaults(), RuleSource::Defaults),
    };
    let (overrides, calendar_source) = match cal {
        Some((o, c, v)) => (o, source(tree, court_id, Some((c, v)))),
        None => (CalendarOverrides::default(), RuleSource::Defaults),
    };
    let calendar = overrides.apply(WorkingCalendar::official_ref());
    Ok(NodeRules {
        set,
        calendar,
        overrides,
        set_source,
        calendar_source,
    })
}

/// The courts a change of `key` at `court_id` reaches: the court, and below it every court
/// without a value of its own (a court with its own value shields the courts below it).
fn affected_courts(
    tree: &CourtTree,
    court_id: i64,
    key: &str,
    rows: &[(i64, String, String, i64)],
) -> Vec<i64> {
    let own = |c: i64| rows.iter().any(|r| r.0 == c && r.1 == key);
    let mut out = vec![court_id];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            tree.courts
                .iter()
                .filter(|c| c.parent_id == Some(parent) && !own(c.id))
                .map(|c| c.id),
        );
        i += 1;
    }
    out
}

fn rank(s: NodeStatus) -> Option<u8> {
    match s {
        NodeStatus::Running => Some(0),
        NodeStatus::Warning => Some(1),
        NodeStatus::Overdue => Some(2),
        _ => None,
    }
}

/// What is stored for a recomputed instance: a status the change advances (running → warning,
/// → overdue) stays as recorded with a check today, so the scheduler announces it once;
/// otherwise the fresh status with its next check.
fn reschedule(
    before: &NodeRow,
    fresh: &node::NodeInstance,
    today: NaiveDate,
) -> (NodeStatus, Option<NaiveDate>) {
    let recorded = NodeStatus::from_key(&before.status).unwrap_or(fresh.status);
    match (rank(recorded), rank(fresh.status)) {
        (Some(r), Some(f)) if f > r => (recorded, Some(today)),
        _ => (fresh.status, fresh.next_check_on(today)),
    }
}

impl App {
    /// A court's node definitions and working calendar in force (its own, an ancestor's, or
    /// the defaults), cached per court.
    pub async fn node_rules(&self, court_id: i64) -> AppResult<Arc<NodeRules>> {
        let generation = match self.cached_node_rules(court_id) {
            Ok(r) => return Ok(r),
            Err(g) => g,
        };
        let rules = Arc::new(self.load_node_rules(court_id).await?);
        self.cache_node_rules(court_id, &rules, generation);
        Ok(rules)
    }

    /// [`App::node_rules`] read fresh from the database, for the settings pages (which must
    /// show the version they will save against).
    pub async fn load_node_rules(&self, court_id: i64) -> AppResult<NodeRules> {
        let tree = self.court_tree();
        if tree.get(court_id).is_none() {
            return Err(AppError::NotFound);
        }
        let chain = chain(&tree, court_id);
        let rows = Src::Read(&self.store)
            .settings(&chain, &[NODES_SETTING, CALENDAR_SETTING])
            .await?;
        resolve(&tree, court_id, &rows, None)
    }

    /// [`App::node_rules`] inside a command's transaction: a cache miss reads through the
    /// transaction.
    pub(crate) async fn node_rules_in_tx(
        &self,
        tx: &mut WriteTx,
        court_id: i64,
    ) -> AppResult<Arc<NodeRules>> {
        let generation = match self.cached_node_rules(court_id) {
            Ok(r) => return Ok(r),
            Err(g) => g,
        };
        let tree = self.court_tree();
        let chain = chain(&tree, court_id);
        let rows = Src::Write(tx)
            .settings(&chain, &[NODES_SETTING, CALENDAR_SETTING])
            .await?;
        let rules = Arc::new(resolve(&tree, court_id, &rows, None)?);
        self.cache_node_rules(court_id, &rules, generation);
        Ok(rules)
    }

    /// The cached rules, or the cache's generation to cache a fresh read under.
    fn cached_node_rules(&self, court_id: i64) -> Result<Arc<NodeRules>, u64> {
        let cache = self.node_rules.lock().expect("node rules cache poisoned");
        cache
            .courts
            .get(&court_id)
            .filter(|(at, _)| at.elapsed() < FRESH)
            .map(|(_, r)| r.clone())
            .ok_or(cache.generation)
    }

    fn cache_node_rules(&self, court_id: i64, rules: &Arc<NodeRules>, generation: u64) {
        let mut cache = self.node_rules.lock().expect("node rules cache poisoned");
        if cache.generation == generation {
            cache
                .courts
                .insert(court_id, (Instant::now(), rules.clone()));
        }
    }

    /// Forgets every court's cached rules (a court's change reaches the courts below).
    pub(crate) fn node_rules_changed(&self) {
        let mut cache = self.node_rules.lock().expect("node rules cache poisoned");
        cache.generation += 1;
        cache.courts.clear();
    }

    /// Recomputes, inside the saving transaction, the open instances of every court a just
    /// saved `key` of `court_id` reaches. Called by `SaveSetting` after the setting is written.
    pub(crate) async fn recompute_for_saved_setting(
        &self,
        tx: &mut WriteTx,
        court_id: i64,
        key: &str,
    ) -> AppResult<RecomputeCounts> {
        let today = beijing_date(tx.now);
        let mut src = Src::Write(tx);
        let (counts, _) = self
            .recompute(&mut src, court_id, key, None, today, true)
            .await?;
        Ok(counts)
    }

    /// What saving `value` as `key` for `court_id` would change, without writing anything:
    /// counts and up to 20 examples. The value is checked as a save would check it.
    pub async fn preview_setting_change(
        &self,
        actor: &Actor,
        court_id: i64,
        key: &str,
        value: &str,
    ) -> AppResult<SettingPreview> {
        if self.with_courts(|t| t.get(court_id).is_none()) || !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        if !NODE_RULES_READERS.contains(&actor.role) {
            return Err(not_reader());
        }
        if !is_node_rules_setting(key) {
            return Err(AppError::invalid(
                "setting.unknown",
                format!("未知的设置项：{key}"),
                format!("unknown setting: {key}"),
            ));
        }
        check_node_rules_setting(key, value)?;
        let today = beijing_date(zhixing_store::now_ms());
        let pending = Pending {
            court_id,
            key,
            value,
        };
        let mut src = Src::Read(&self.store);
        let (counts, mut examples) = self
            .recompute(&mut src, court_id, key, Some(&pending), today, false)
            .await?;
        let ids: Vec<i64> = examples.iter().map(|e| e.case_id).collect();
        let numbers: HashMap<i64, String> =
            self.store.case_numbers(&ids).await?.into_iter().collect();
        for e in &mut examples {
            e.case_number = numbers.get(&e.case_id).cloned().unwrap_or_default();
        }
        Ok(SettingPreview {
            court_id,
            key: key.to_string(),
            today,
            counts,
            examples,
        })
    }

    /// Recomputes one court's open instances with the rules in force, in a transaction of its
    /// own, without an event: for instances written in bulk (imports) with other dates. After a
    /// settings change this happens by itself; then it changes nothing.
    pub async fn recompute_court_nodes(&self, court_id: i64) -> AppResult<RecomputeCounts> {
        if self.with_courts(|t| t.get(court_id).is_none()) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.begin_write().await?;
        let today = beijing_date(tx.now);
        let tree = self.court_tree();
        let rows = tx
            .court_settings_of(&chain(&tree, court_id), &[NODES_SETTING, CALENDAR_SETTING])
            .await?;
        let rules = resolve(&tree, court_id, &rows, None)?;
        let mut counts = RecomputeCounts {
            courts: vec![court_id],
            ..Default::default()
        };
        let mut src = Src::Write(&mut tx);
        recompute_court(
            &mut src,
            court_id,
            &rules,
            today,
            true,
            &mut counts,
            &mut Vec::new(),
        )
        .await?;
        tx.commit().await?;
        self.node_rules_changed();
        Ok(counts)
    }

    async fn recompute(
        &self,
        src: &mut Src<'_>,
        court_id: i64,
        key: &str,
        pending: Option<&Pending<'_>>,
        today: NaiveDate,
        write: bool,
    ) -> AppResult<(RecomputeCounts, Vec<PreviewExample>)> {
        let tree = self.court_tree();
        let mut courts = tree.subtree(court_id);
        for c in chain(&tree, court_id) {
            if !courts.contains(&c) {
                courts.push(c);
            }
        }
        let rows = src
            .settings(&courts, &[NODES_SETTING, CALENDAR_SETTING])
            .await?;
        let affected = affected_courts(&tree, court_id, key, &rows);
        let mut counts = RecomputeCounts {
            courts: affected.clone(),
            ..Default::default()
        };
        let mut examples = Vec::new();
        for c in affected {
            let rules = resolve(&tree, c, &rows, pending)?;
            recompute_court(src, c, &rules, today, write, &mut counts, &mut examples).await?;
        }
        Ok((counts, examples))
    }
}

/// Recomputes one court's open instances in batches, writing the changed ones when `write`.
async fn recompute_court(
    src: &mut Src<'_>,
    court_id: i64,
    rules: &NodeRules,
    today: NaiveDate,
    write: bool,
    counts: &mut RecomputeCounts,
    examples: &mut Vec<PreviewExample>,
) -> AppResult<()> {
    let mut after = 0;
    loop {
        let rows = src.open_nodes(court_id, after).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = last.id;
        let full = rows.len() as i64 == RECOMPUTE_BATCH;
        let insts = rows.iter().map(from_row).collect::<AppResult<Vec<_>>>()?;
        let r = node::recompute_all(&rules.set, &insts, &rules.calendar, today)?;
        counts.instances_examined += rows.len();
        counts.instances_changed += r.changed.len();
        counts.status_changes += r.status_changes;
        counts.newly_overdue += r.newly_overdue;
        let mut updates = Vec::with_capacity(if write { r.changed.len() } else { 0 });
        for (i, fresh) in &r.changed {
            let before = &rows[*i];
            if examples.len() < PREVIEW_EXAMPLES {
                let def = rules.set.get(&fresh.node_key);
                examples.push(PreviewExample {
                    court_id,
                    case_id: before.case_id,
                    case_number: String::new(),
                    node_key: fresh.node_key.clone(),
                    node_name_zh: def.map(|d| d.name_zh.clone()).unwrap_or_default(),
                    node_name_en: def.map(|d| d.name_en.clone()).unwrap_or_default(),
                    old_due_on: insts[*i].due_on,
                    new_due_on: fresh.due_on,
                    old_status: insts[*i].status_on(today),
                    new_status: fresh.status,
                });
            }
            if write {
                let (status, next) = reschedule(before, fresh, today);
                updates.push(NodeReschedule {
                    id: before.id,
                    due_on: fresh.due_on.to_string(),
                    warn_on: fresh.warn_on.to_string(),
                    status: status.key().to_string(),
                    next_check_on: next.map(|d| d.to_string()),
                    was_due_on: before.due_on.clone(),
                    was_status: before.status.clone(),
                    was_paused_days: before.paused_days,
                });
            }
        }
        if !updates.is_empty() {
            if let Src::Write(tx) = src {
                tx.reschedule_nodes(&updates).await?;
            }
        }
        if !full {
            break;
        }
    }
    Ok(())
}

fn not_reader() -> AppError {
    AppError::forbidden(
        "只有系统管理员、执行局长和监督人员可以查看流程节点与工作日历设置",
        "only administrators, bureau chiefs and supervisors see the node and calendar settings",
    )
}

/// Refuses a `node_definitions` or `working_calendar` value that does not read or validate.
pub(crate) fn check_node_rules_setting(key: &str, value: &str) -> AppResult<()> {
    match key {
        NODES_SETTING => {
            NodeSet::from_json(value)?;
        }
        CALENDAR_SETTING => {
            CalendarOverrides::from_json(value)?;
        }
        _ => {}
    }
    Ok(())
}

impl App {
    /// Whether the actor may read the node and calendar settings of `court_id`.
    pub fn may_read_node_rules(&self, actor: &Actor, court_id: i64) -> AppResult<()> {
        if self.with_courts(|t| t.get(court_id).is_none()) || !actor.can_see_court(court_id) {
            return Err(AppError::NotFound);
        }
        if !NODE_RULES_READERS.contains(&actor.role) {
            return Err(not_reader());
        }
        Ok(())
    }

    /// Saves a court's node definitions (administrators), recomputing the open instances it
    /// reaches; returns the new version and what changed.
    pub async fn save_node_definitions(
        &self,
        actor: &Actor,
        court_id: i64,
        set: &NodeSet,
        expected_version: i64,
    ) -> AppResult<(i64, RecomputeCounts)> {
        self.save_node_rules_setting(
            actor,
            court_id,
            NODES_SETTING,
            set.to_json(),
            expected_version,
        )
        .await
    }

    /// Saves a court's working-calendar overrides (administrators), recomputing the open
    /// instances it reaches; returns the new version and what changed.
    pub async fn save_calendar_overrides(
        &self,
        actor: &Actor,
        court_id: i64,
        overrides: &CalendarOverrides,
        expected_version: i64,
    ) -> AppResult<(i64, RecomputeCounts)> {
        self.save_node_rules_setting(
            actor,
            court_id,
            CALENDAR_SETTING,
            overrides.to_json(),
            expected_version,
        )
        .await
    }

    async fn save_node_rules_setting(
        &self,
        actor: &Actor,
        court_id: i64,
        key: &str,
        value: String,
        expected_version: i64,
    ) -> AppResult<(i64, RecomputeCounts)> {
        let out = self
            .execute(
                actor,
                crate::commands::Command::SaveSetting {
                    court_id,
                    key: key.to_string(),
                    value,
                    expected_version,
                },
            )
            .await?;
        Ok((
            out.version.unwrap_or_default(),
            out.recomputed.unwrap_or_default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhixing_store::rows::CourtRow;

    fn tree() -> CourtTree {
        let c = |id, code: &str, parent| CourtRow {
            id,
            code: code.into(),
            name: format!("court {code}"),
            level: String::new(),
            parent_id: parent,
        };
        CourtTree::new(vec![
            c(1, "豫", None),
            c(2, "豫08", Some(1)),
            c(3, "豫0883", Some(2)),
            c(4, "豫0811", Some(2)),
        ])
    }

    fn row(court: i64, key: &str, value: &str, version: i64) -> (i64, String, String, i64) {
        (court, key.into(), value.into(), version)
    }

    #[test]
    fn nearest_court_wins_and_sources_are_named() {
        let t = tree();
        let cal = r#"{"days":[{"date":"2027-01-04","kind":"holiday","name":"本省假日"}]}"#;
        let rows = vec![row(1, CALENDAR_SETTING, cal, 3)];
        let r = resolve(&t, 3, &rows, None).unwrap();
        assert_eq!(
            r.calendar_source,
            RuleSource::Inherited {
                court_id: 1,
                court_name: "court 豫".into(),
                version: 3
            }
        );
        assert_eq!(r.set_source, RuleSource::Defaults);
        assert!(!r
            .calendar
            .is_working_day(NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()));
        let own = vec![
            row(1, CALENDAR_SETTING, cal, 3),
            row(3, CALENDAR_SETTING, "{}", 1),
        ];
        let r = resolve(&t, 3, &own, None).unwrap();
        assert_eq!(r.calendar_source, RuleSource::Own { version: 1 });
        assert_eq!(r.calendar, WorkingCalendar::official());
        // 豫0883's own value shields it from 豫's change; 豫0811 follows.
        let mut a = affected_courts(&t, 1, CALENDAR_SETTING, &own);
        a.sort();
        assert_eq!(a, vec![1, 2, 4]);
        assert_eq!(affected_courts(&t, 1, NODES_SETTING, &own).len(), 4);
        // A stored value that no longer reads falls back to the court above.
        let broken = vec![
            row(1, CALENDAR_SETTING, cal, 3),
            row(3, CALENDAR_SETTING, "[]", 1),
        ];
        let r = resolve(&t, 3, &broken, None).unwrap();
        assert!(matches!(
            r.calendar_source,
            RuleSource::Inherited { court_id: 1, .. }
        ));
        // A pending value that does not read is refused.
        let p = Pending {
            court_id: 3,
            key: NODES_SETTING,
            value: "{}",
        };
        assert!(resolve(&t, 3, &[], Some(&p)).is_err());
    }
}
