//! Process-node supervision (流程节点) wired to the store: the pipeline lets every case event
//! `react` on the case's node instances in the command's own transaction, and the scheduler tick
//! (`App::supervise_once`) looks only at instances whose next check has arrived, writes the
//! bulletin (通报) and locks cases whose locking node is overdue — through the case pipeline, so
//! the lock is an audited event like any other (the tick itself: [`crate::scheduler`]).

use std::sync::OnceLock;

use chrono::{NaiveDate, TimeZone};
use zhixing_domain::calendar::WorkingCalendar;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::node::{self, NodeChangeKind, NodeInstance, NodeSet, NodeStatus};
use zhixing_domain::role::Role;
use zhixing_store::nodes::NodeRow;
use zhixing_store::WriteTx;

use crate::commands::{CaseItem, Command};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// The defaults of RULES.md §3 (demo data replays with them). A court supervises its own
/// definitions: [`App::node_rules`](crate::App::node_rules).
pub fn node_set() -> &'static NodeSet {
    static SET: OnceLock<NodeSet> = OnceLock::new();
    SET.get_or_init(NodeSet::defaults)
}

pub(crate) fn calendar() -> &'static WorkingCalendar {
    WorkingCalendar::official_ref()
}

/// The Beijing date of a UTC-millisecond moment.
pub fn beijing_date(ms: i64) -> NaiveDate {
    chrono_tz::Asia::Shanghai
        .timestamp_millis_opt(ms)
        .single()
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

fn parse_day(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored node date \"{s}\" is not YYYY-MM-DD")))
}

fn parse_opt(s: &Option<String>) -> AppResult<Option<NaiveDate>> {
    s.as_deref().map(parse_day).transpose()
}

/// A stored row as the domain's instance.
pub fn from_row(r: &NodeRow) -> AppResult<NodeInstance> {
    Ok(NodeInstance {
        node_key: r.node_key.clone(),
        case_id: r.case_id,
        started_on: parse_day(&r.started_on)?,
        due_on: parse_day(&r.due_on)?,
        warn_on: parse_day(&r.warn_on)?,
        paused_days: u32::try_from(r.paused_days).unwrap_or(0),
        paused_since: parse_opt(&r.paused_since)?,
        completed_on: parse_opt(&r.completed_on)?,
        cancelled_on: parse_opt(&r.cancelled_on)?,
        status: NodeStatus::from_key(&r.status).ok_or_else(|| {
            AppError::Internal(format!("stored node status \"{}\" is unknown", r.status))
        })?,
        extension_months: u32::try_from(r.extension_months).unwrap_or(0),
        deadline_override: parse_opt(&r.deadline_override)?,
    })
}

/// An instance as a row (`id` 0 for a new one), due for its next check as `next_check_on` says.
pub fn to_row(
    id: i64,
    court_id: i64,
    i: &NodeInstance,
    next_check_on: Option<NaiveDate>,
) -> NodeRow {
    NodeRow {
        id,
        court_id,
        case_id: i.case_id,
        node_key: i.node_key.clone(),
        started_on: day(i.started_on),
        due_on: day(i.due_on),
        warn_on: day(i.warn_on),
        paused_days: i64::from(i.paused_days),
        paused_since: i.paused_since.map(day),
        completed_on: i.completed_on.map(day),
        cancelled_on: i.cancelled_on.map(day),
        status: i.status.key().to_string(),
        next_check_on: next_check_on.map(day),
        extension_months: i64::from(i.extension_months),
        deadline_override: i.deadline_override.map(day),
    }
}

/// Lets each of a command's case events act on the case's node instances, inside the command's
/// transaction. `suspended` is the case's state after the command: a pausing node opened while
/// the case is suspended starts paused.
pub(crate) async fn react_in_tx(
    app: &App,
    tx: &mut WriteTx,
    court_id: i64,
    case_id: i64,
    kinds: &[EventKind],
    suspended: bool,
) -> AppResult<()> {
    let rules = app.node_rules_in_tx(tx, court_id).await?;
    let defs = &rules.set;
    if !kinds.iter().any(|k| {
        defs.nodes
            .iter()
            .any(|d| d.trigger == *k || d.is_completed_by(*k))
    }) && !kinds
        .iter()
        .any(|k| matches!(k, EventKind::CaseSuspended | EventKind::CaseResumed))
    {
        return Ok(());
    }
    let today = beijing_date(tx.now);
    let rows = tx.case_nodes(case_id).await?;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut insts = rows.iter().map(from_row).collect::<AppResult<Vec<_>>>()?;
    let mut dirty = vec![false; insts.len()];
    for kind in kinds {
        let changes = node::react(defs, &insts, *kind, today, case_id, &rules.calendar)?;
        for mut c in changes {
            if c.kind == NodeChangeKind::Opened
                && suspended
                && defs
                    .get(&c.instance.node_key)
                    .is_some_and(|d| d.pauses_on_suspension)
            {
                c.instance = c.instance.pause(today)?;
            }
            match c.existing {
                Some(i) => {
                    insts[i] = c.instance;
                    dirty[i] = true;
                }
                None => {
                    insts.push(c.instance);
                    ids.push(0);
                    dirty.push(true);
                }
            }
        }
    }
    for ((id, inst), dirty) in ids.iter().zip(insts).zip(dirty) {
        if dirty {
            let (inst, next) = inst.settle(today);
            tx.save_node(&to_row(*id, court_id, &inst, next)).await?;
        }
    }
    Ok(())
}

/// What one scheduler tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TickReport {
    /// Instances whose next check had arrived.
    pub examined: usize,
    /// Warning bulletins written (running → warning).
    pub warnings: usize,
    /// Overdue bulletins written.
    pub overdue: usize,
    /// Cases locked because a locking node became overdue.
    pub locked: usize,
}

/// The system acting as supervisor: locks are audited under this name.
pub(crate) fn supervision_actor(app: &App) -> Actor {
    Actor {
        role: Role::Supervisor,
        display_name: "系统（流程节点监管）".into(),
        ..Actor::system(app)
    }
}

impl App {
    /// One scheduler tick for `today` (a Beijing date): reads only instances whose
    /// `next_check_on` has arrived, brings their status up to `today`, writes warning and
    /// overdue bulletins and notifications once, locks cases whose locking node is overdue (as
    /// the system, through the case pipeline), and stores each instance's status and next
    /// check — a batch of due rows per transaction, under the lease `supervision` (see
    /// [`crate::scheduler`]). Nothing happens, and the report is empty, while another process
    /// holds the lease.
    pub async fn supervise_once(&self, today: NaiveDate) -> AppResult<TickReport> {
        Ok(self
            .supervise_tick(today)
            .await?
            .map(|s| s.report)
            .unwrap_or_default())
    }

    /// Locks the cases of overdue locking nodes through the case pipeline, all in the
    /// caller's transaction; `(node row, node name, unlock level name)` each. Returns for each
    /// whether it locked (a case locked already, or closed, is refused by the rules and left).
    pub(crate) async fn lock_for_nodes(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        nodes: &[(&NodeRow, &str, &str)],
    ) -> AppResult<Vec<bool>> {
        let items: Vec<(Command, CaseItem)> = nodes
            .iter()
            .map(|(row, name_zh, unlock_zh)| {
                let reason = node::overdue_lock_reason(name_zh, &row.due_on, unlock_zh);
                let action = CaseAction::Lock { reason };
                let cmd = Command::Case {
                    case_id: row.case_id,
                    version: 0,
                    action: action.clone(),
                };
                let item = CaseItem {
                    case_id: row.case_id,
                    version: None,
                    action,
                };
                (cmd, item)
            })
            .collect();
        let results = self.case_actions_in_tx(tx, actor, items).await?;
        let mut out = Vec::with_capacity(results.len());
        for ((row, _, _), r) in nodes.iter().zip(results) {
            match r {
                Ok(_) => out.push(true),
                // Refused by the rules (e.g. locked meanwhile): nothing to do.
                Err(AppError::Invalid(e)) => {
                    tracing::warn!(
                        case_id = row.case_id,
                        code = e.code,
                        "supervision did not lock"
                    );
                    out.push(false);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
