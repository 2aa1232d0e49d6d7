//! The supervision scheduler as a service (流程节点监管): a tick reads the node instances whose
//! next check has arrived in batches and settles each batch in ONE write transaction — status
//! refresh, bulletin entries, notifications to the people named, and locks through the case
//! pipeline ([`App::case_action_in_tx`](crate::App)) — so that a thousand locks are one commit,
//! not a thousand.
//!
//! Several `zhixing serve` processes may share a database: a tick runs only while its process
//! holds the lease `supervision` (renewed inside each batch's transaction), and every node row
//! is advanced by compare-and-set on the row as read, so that even without the lease no
//! instance is acted on twice.
//!
//! Work per tick is proportional to the due rows: a batch loads its cases and the people to
//! notify with a few `IN (…)` queries, and each court's supervisors and bureau chiefs once per
//! tick.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;
use zhixing_domain::node::{NodeDefinition, NodeStatus};
use zhixing_domain::role::Role;
use zhixing_store::nodes::NodeRow;
use zhixing_store::notifications::NewNotification;
use zhixing_store::supervision::{CaseBriefRow, NewBulletin, NodeAdvance};

use crate::error::AppResult;
use crate::node_rules::NodeRules;
use crate::nodes::{beijing_date, from_row, TickReport};
use crate::{Actor, App};

/// The lease every scheduler process competes for.
pub const SUPERVISION_LEASE: &str = "supervision";
/// How long a lease lasts without renewal: a process that dies mid-tick is replaced after
/// this long. Each batch renews it.
pub const LEASE_TTL_MS: i64 = 120_000;
/// Due rows read per batch (one transaction each).
pub const TICK_BATCH: i64 = 2_000;

/// What one tick did, with what [`TickReport`] does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TickSummary {
    pub report: TickReport,
    /// Notifications written.
    pub notifications: usize,
    /// Transactions committed.
    pub batches: usize,
    /// The tick stopped because another process took the lease over.
    pub lease_lost: bool,
    pub elapsed_ms: u64,
}

/// A court's supervisors and bureau chiefs (active), loaded once per tick.
#[derive(Debug, Default, Clone)]
struct Overseers {
    supervisors: Vec<i64>,
    chiefs: Vec<i64>,
}

/// What one tick keeps between batches.
#[derive(Default)]
struct TickCache {
    rules: HashMap<i64, Arc<NodeRules>>,
    overseers: HashMap<i64, Overseers>,
}

/// One due row and what the scheduler will do with it, if it is still as read.
struct Planned {
    before: NodeRow,
    status: NodeStatus,
    next_check_on: Option<String>,
    warning: bool,
    overdue: bool,
    /// The case to lock with this row (a newly overdue locking node of an unlocked open case).
    lock: bool,
    name_zh: String,
    name_en: String,
    unlock_zh: &'static str,
    unlock_en: &'static str,
    /// Whom to notify (officer or team leaders, and the court's supervisors).
    people: Vec<i64>,
    /// Also told of a lock: the court's bureau chiefs.
    chiefs: Vec<i64>,
    case: Option<CaseBriefRow>,
}

enum Applied {
    Done {
        progressed: bool,
        report: TickReport,
        notifications: usize,
    },
    LeaseLost,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A token naming this tick as a lease holder.
pub(crate) fn holder_token() -> String {
    format!("pid{}-{:016x}", std::process::id(), rand::random::<u64>())
}

fn notice(p: &Planned, user_id: i64, kind: &str, zh: String, en: String) -> NewNotification {
    NewNotification {
        user_id,
        court_id: p.before.court_id,
        case_id: Some(p.before.case_id),
        kind: kind.to_string(),
        title_zh: zh,
        title_en: en,
    }
}

fn case_number(p: &Planned) -> &str {
    p.case.as_ref().map_or("", |c| c.case_number.as_str())
}

fn warning_notices(p: &Planned) -> Vec<NewNotification> {
    let (n, due) = (case_number(p), &p.before.due_on);
    p.people
        .iter()
        .map(|&u| {
            notice(
                p,
                u,
                "node_warning",
                format!("{n}：流程节点「{}」将于 {due} 到期", p.name_zh),
                format!("{n}: process node \"{}\" is due on {due}", p.name_en),
            )
        })
        .collect()
}

fn overdue_notices(p: &Planned) -> Vec<NewNotification> {
    let (n, due) = (case_number(p), &p.before.due_on);
    p.people
        .iter()
        .map(|&u| {
            notice(
                p,
                u,
                "node_overdue",
                format!("{n}：流程节点「{}」已超期（应于 {due} 前完成）", p.name_zh),
                format!("{n}: process node \"{}\" is overdue (due {due})", p.name_en),
            )
        })
        .collect()
}

fn locked_notices(p: &Planned) -> Vec<NewNotification> {
    let n = case_number(p);
    let people: BTreeSet<i64> = p.people.iter().chain(&p.chiefs).copied().collect();
    people
        .into_iter()
        .map(|u| {
            notice(
                p,
                u,
                "case_locked",
                format!(
                    "{n}：因流程节点「{}」超期，案件已锁定，需经{}审批解锁",
                    p.name_zh, p.unlock_zh
                ),
                format!(
                    "{n}: locked because process node \"{}\" is overdue; unlocking needs the approval of {}",
                    p.name_en, p.unlock_en
                ),
            )
        })
        .collect()
}

impl App {
    /// One tick under the lease `supervision`: `None` when another process holds it (that
    /// process is ticking). The lease is renewed in every batch and released at the end.
    pub async fn supervise_tick(&self, today: NaiveDate) -> AppResult<Option<TickSummary>> {
        let holder = holder_token();
        if !self
            .store
            .acquire_lease(SUPERVISION_LEASE, &holder, LEASE_TTL_MS)
            .await?
        {
            return Ok(None);
        }
        let out = self.supervise_rounds(today, Some(&holder)).await;
        if let Err(e) = self.store.release_lease(SUPERVISION_LEASE, &holder).await {
            tracing::warn!(error = %e, "could not release the supervision lease");
        }
        out.map(Some)
    }

    /// A tick without the lease, relying on the per-row compare-and-set alone: for tests that
    /// show two schedulers never act on one instance twice.
    #[doc(hidden)]
    pub async fn supervise_unleased(&self, today: NaiveDate) -> AppResult<TickSummary> {
        self.supervise_rounds(today, None).await
    }

    async fn supervise_rounds(
        &self,
        today: NaiveDate,
        holder: Option<&str>,
    ) -> AppResult<TickSummary> {
        let started = Instant::now();
        // Courts registered by another process since this one loaded the tree.
        self.reload_courts().await?;
        let actor = crate::nodes::supervision_actor(self);
        let today_s = day(today);
        let mut cache = TickCache::default();
        let mut out = TickSummary::default();
        loop {
            let rows = self.store.nodes_due(&today_s, TICK_BATCH).await?;
            if rows.is_empty() {
                break;
            }
            out.report.examined += rows.len();
            let planned = self.plan_batch(rows, today, &mut cache).await?;
            match self.apply_batch(&actor, planned, holder).await? {
                Applied::LeaseLost => {
                    tracing::warn!("supervision lease lost; another process goes on");
                    out.lease_lost = true;
                    break;
                }
                Applied::Done {
                    progressed,
                    report,
                    notifications,
                } => {
                    out.batches += 1;
                    out.report.warnings += report.warnings;
                    out.report.overdue += report.overdue;
                    out.report.locked += report.locked;
                    out.notifications += notifications;
                    if !progressed {
                        break;
                    }
                }
            }
        }
        out.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(out)
    }

    async fn rules_for(&self, cache: &mut TickCache, court_id: i64) -> AppResult<Arc<NodeRules>> {
        if let Some(r) = cache.rules.get(&court_id) {
            return Ok(r.clone());
        }
        let r = self.node_rules(court_id).await?;
        cache.rules.insert(court_id, r.clone());
        Ok(r)
    }

    /// What to do with each due row, from the read side: the status today, which bulletins,
    /// whether to lock, and whom to tell — with the batch's cases and people loaded by a few
    /// `IN (…)` queries.
    async fn plan_batch(
        &self,
        rows: Vec<NodeRow>,
        today: NaiveDate,
        cache: &mut TickCache,
    ) -> AppResult<Vec<Planned>> {
        let mut planned = Vec::with_capacity(rows.len());
        for row in rows {
            let tick = from_row(&row)?.tick(today);
            planned.push(Planned {
                next_check_on: tick.next_check_on.map(day),
                status: tick.instance.status,
                before: row,
                warning: tick.warning,
                overdue: tick.overdue,
                lock: false,
                name_zh: String::new(),
                name_en: String::new(),
                unlock_zh: "",
                unlock_en: "",
                people: Vec::new(),
                chiefs: Vec::new(),
                case: None,
            });
        }
        // Only rows that bulletin need their case and people.
        let mut case_ids: Vec<i64> = planned
            .iter()
            .filter(|p| p.warning || p.overdue)
            .map(|p| p.before.case_id)
            .collect();
        if case_ids.is_empty() {
            return Ok(planned);
        }
        case_ids.sort_unstable();
        case_ids.dedup();
        let cases: HashMap<i64, CaseBriefRow> = self
            .store
            .cases_brief(&case_ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let officer_ids: Vec<i64> = cases.values().filter_map(|c| c.officer_id).collect();
        let active_officers: HashSet<i64> = self
            .store
            .active_staff(&dedup(officer_ids))
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let leaderless: Vec<i64> = cases
            .values()
            .filter(|c| !c.officer_id.is_some_and(|o| active_officers.contains(&o)))
            .filter_map(|c| c.team_id)
            .collect();
        let mut leaders: HashMap<i64, Vec<i64>> = HashMap::new();
        for u in self
            .store
            .active_staff_of_teams(&dedup(leaderless), &[Role::TeamLeader.key()])
            .await?
        {
            if let Some(t) = u.team_id {
                leaders.entry(t).or_default().push(u.id);
            }
        }
        let missing: Vec<i64> = dedup(
            cases
                .values()
                .map(|c| c.court_id)
                .filter(|c| !cache.overseers.contains_key(c))
                .collect(),
        );
        if !missing.is_empty() {
            for c in &missing {
                cache.overseers.insert(*c, Overseers::default());
            }
            for u in self
                .store
                .active_staff_of_courts(
                    &missing,
                    &[Role::Supervisor.key(), Role::BureauChief.key()],
                )
                .await?
            {
                let o = cache.overseers.entry(u.court_id).or_default();
                if u.role == Role::Supervisor.key() {
                    o.supervisors.push(u.id);
                } else {
                    o.chiefs.push(u.id);
                }
            }
        }
        let mut locking: HashSet<i64> = HashSet::new();
        for p in planned.iter_mut().filter(|p| p.warning || p.overdue) {
            let Some(case) = cases.get(&p.before.case_id) else {
                continue;
            };
            let rules = self.rules_for(cache, p.before.court_id).await?;
            let def: Option<&NodeDefinition> = rules.set.get(&p.before.node_key);
            p.name_zh = def.map_or_else(|| p.before.node_key.clone(), |d| d.name_zh.clone());
            p.name_en = def.map_or_else(|| p.before.node_key.clone(), |d| d.name_en.clone());
            if let Some(d) = def {
                p.unlock_zh = d.unlock_level.name_zh();
                p.unlock_en = d.unlock_level.name_en();
            }
            p.lock = p.overdue
                && def.is_some_and(|d| d.lock_on_overdue)
                && case.locked == 0
                && !matches!(case.stage.as_str(), "closed" | "archived")
                && locking.insert(case.id);
            let mut people: BTreeSet<i64> = BTreeSet::new();
            match case.officer_id.filter(|o| active_officers.contains(o)) {
                Some(o) => {
                    people.insert(o);
                }
                None => {
                    if let Some(ls) = case.team_id.and_then(|t| leaders.get(&t)) {
                        people.extend(ls.iter().copied());
                    }
                }
            }
            let o = cache
                .overseers
                .get(&case.court_id)
                .cloned()
                .unwrap_or_default();
            people.extend(o.supervisors.iter().copied());
            p.people = people.into_iter().collect();
            p.chiefs = o.chiefs;
            p.case = Some(case.clone());
        }
        Ok(planned)
    }

    /// Settles a batch in one transaction: the lease first (when held), then the cases to
    /// lock, then each node by compare-and-set; bulletins, notifications and locks only for
    /// the nodes that were still as read.
    async fn apply_batch(
        &self,
        actor: &Actor,
        mut planned: Vec<Planned>,
        holder: Option<&str>,
    ) -> AppResult<Applied> {
        let mut tx = self.store.begin_write().await?;
        if let Some(h) = holder {
            if !tx.renew_lease(SUPERVISION_LEASE, h, LEASE_TTL_MS).await? {
                return Ok(Applied::LeaseLost);
            }
        }
        let to_lock: Vec<i64> = planned
            .iter()
            .filter(|p| p.lock)
            .map(|p| p.before.case_id)
            .collect();
        tx.claim_cases(&to_lock).await?;
        planned.sort_by_key(|p| p.before.id);
        let mut report = TickReport::default();
        let mut progressed = false;
        let mut bulletins = Vec::new();
        let mut notes = Vec::new();
        let mut locks: Vec<&Planned> = Vec::new();
        let advances: Vec<NodeAdvance> = planned
            .iter()
            .map(|p| NodeAdvance {
                before: &p.before,
                status: p.status.key(),
                next_check_on: p.next_check_on.as_deref(),
            })
            .collect();
        let advanced: HashSet<i64> = tx.advance_nodes(&advances).await?.into_iter().collect();
        for p in &planned {
            if !advanced.contains(&p.before.id) {
                // Changed since it was read (by a command, or another scheduler): that record
                // stands, and the row comes back if it is still due.
                continue;
            }
            progressed = true;
            let bulletin = |kind: &str| NewBulletin {
                court_id: p.before.court_id,
                case_id: p.before.case_id,
                node_key: p.before.node_key.clone(),
                kind: kind.to_string(),
                due_on: p.before.due_on.clone(),
            };
            if p.warning {
                report.warnings += 1;
                bulletins.push(bulletin("warning"));
                notes.extend(warning_notices(p));
            }
            if p.overdue {
                report.overdue += 1;
                bulletins.push(bulletin("overdue"));
                notes.extend(overdue_notices(p));
            }
            if p.lock {
                locks.push(p);
            }
        }
        // Chain heads are taken court by court, in order.
        locks.sort_by_key(|p| (p.before.court_id, p.before.case_id));
        let targets: Vec<(&NodeRow, &str, &str)> = locks
            .iter()
            .map(|p| (&p.before, p.name_zh.as_str(), p.unlock_zh))
            .collect();
        let locked = self.lock_for_nodes(&mut tx, actor, &targets).await?;
        for (p, done) in locks.into_iter().zip(locked) {
            if done {
                report.locked += 1;
                bulletins.push(NewBulletin {
                    court_id: p.before.court_id,
                    case_id: p.before.case_id,
                    node_key: p.before.node_key.clone(),
                    kind: "locked".into(),
                    due_on: p.before.due_on.clone(),
                });
                notes.extend(locked_notices(p));
            }
        }
        tx.insert_bulletins(&bulletins).await?;
        tx.insert_notifications(&notes).await?;
        tx.commit().await?;
        Ok(Applied::Done {
            progressed,
            report,
            notifications: notes.len(),
        })
    }
}

fn dedup(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// The scheduler inside `zhixing serve`: a tick at start and then every `every`, for the
/// Beijing date of the moment. Results are logged; a failed (or panicking) tick is logged and
/// the loop goes on, so the server never stops because of it.
pub async fn run_supervision(app: App, every: Duration) {
    tracing::info!(
        every_secs = every.as_secs_f64(),
        "supervision scheduler started"
    );
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let today = beijing_date(zhixing_store::now_ms());
        let a = app.clone();
        match tokio::spawn(async move { a.supervise_tick(today).await }).await {
            Ok(Ok(Some(s))) if s.report.examined > 0 => tracing::info!(
                %today,
                examined = s.report.examined,
                warnings = s.report.warnings,
                overdue = s.report.overdue,
                locked = s.report.locked,
                notifications = s.notifications,
                batches = s.batches,
                lease_lost = s.lease_lost,
                ms = s.elapsed_ms,
                "supervision tick"
            ),
            Ok(Ok(Some(s))) => {
                tracing::debug!(%today, ms = s.elapsed_ms, "supervision tick: nothing due")
            }
            Ok(Ok(None)) => {
                tracing::debug!("supervision tick skipped: another process holds the lease")
            }
            Ok(Err(e)) => tracing::error!(error = %e, "supervision tick failed"),
            Err(e) => tracing::error!(error = %e, "supervision tick panicked"),
        }
    }
}
