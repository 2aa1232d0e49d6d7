//! The case page's process nodes (流程节点) and suspension (中止): a case's node instances as of
//! today's Beijing date, named and explained by the court's node definitions, the current
//! suspension (since when, why, by whom, from the last suspension event) and whether the actor
//! may suspend or resume the case — always within the actor's courts, like every case read.

use chrono::NaiveDate;
use serde::Serialize;
use zhixing_domain::case::Stage;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::node::{NodeSet, NodeStatus, UnlockLevel};
use zhixing_store::rows::CaseRow;

use crate::commands::{allowed_roles, Command};
use crate::error::{AppError, AppResult};
use crate::nodes::{beijing_date, from_row};
use crate::{Actor, App};

/// One node instance as the case page and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseNodeItem {
    pub key: String,
    /// From the court's definition; the key when the definition is gone.
    pub name_zh: String,
    pub name_en: String,
    /// As of `CaseNodes::today` (not the status last recorded by the scheduler).
    pub status: NodeStatus,
    pub started_on: NaiveDate,
    /// The last day on which the node may be completed; overdue from the day after.
    pub due_on: NaiveDate,
    pub warn_on: NaiveDate,
    /// Open and running: days until the due date (0 on the due date itself).
    pub days_left: Option<i64>,
    /// Open and past its due date: days since.
    pub days_overdue: Option<i64>,
    /// Suspended calendar days already deducted into `due_on`.
    pub paused_days: u32,
    /// While paused: the day the suspension began …
    pub paused_since: Option<NaiveDate>,
    /// … and the days since, to be deducted at resumption.
    pub pausing_days: Option<i64>,
    pub completed_on: Option<NaiveDate>,
    /// Completed after the due date.
    pub completed_late: bool,
    /// The case closed before the node was completed.
    pub cancelled_on: Option<NaiveDate>,
    /// Whether the case is locked when this node is overdue, and who then unlocks it.
    pub lock_on_overdue: bool,
    pub unlock_level: Option<UnlockLevel>,
    /// Whether suspension pauses this node.
    pub pauses_on_suspension: bool,
}

/// The current suspension, from the last suspension event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspension {
    /// UTC milliseconds.
    pub since: i64,
    pub reason: String,
    pub by: String,
}

/// A case's nodes and suspension state for one actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseNodes {
    pub case_id: i64,
    /// The version to act against.
    pub version: i64,
    /// The Beijing date the figures are computed for.
    pub today: NaiveDate,
    pub suspended: bool,
    pub locked: bool,
    /// Set while the case is suspended (and a suspension event exists).
    pub suspension: Option<Suspension>,
    /// Whether the actor may suspend the case now (role, own court, open, not locked).
    pub may_suspend: bool,
    /// Whether the actor may resume it now.
    pub may_resume: bool,
    /// Oldest first.
    pub nodes: Vec<CaseNodeItem>,
}

/// Whether `actor` may take `action` on the case in `row` as it stands: the pipeline's role
/// table, the case's own court, an open and unlocked case. The pipeline decides again on submit.
fn may_act(actor: &Actor, row: &CaseRow, action: CaseAction) -> bool {
    let cmd = Command::Case {
        case_id: row.id,
        version: row.version,
        action,
    };
    allowed_roles(&cmd).contains(&actor.role)
        && actor.court_id == row.court_id
        && row.locked == 0
        && Stage::from_key(&row.stage).is_ok_and(|s| s.is_open())
}

/// One instance as the page shows it on `today`.
fn item(
    defs: &NodeSet,
    inst: &zhixing_domain::node::NodeInstance,
    today: NaiveDate,
) -> CaseNodeItem {
    let def = defs.get(&inst.node_key);
    let status = inst.status_on(today);
    let open = inst.is_open() && inst.paused_since.is_none();
    let diff = (inst.due_on - today).num_days();
    CaseNodeItem {
        key: inst.node_key.clone(),
        name_zh: def.map_or_else(|| inst.node_key.clone(), |d| d.name_zh.clone()),
        name_en: def.map_or_else(|| inst.node_key.clone(), |d| d.name_en.clone()),
        status,
        started_on: inst.started_on,
        due_on: inst.due_on,
        warn_on: inst.warn_on,
        days_left: (open && diff >= 0).then_some(diff),
        days_overdue: (open && diff < 0).then_some(-diff),
        paused_days: inst.paused_days,
        paused_since: inst.paused_since,
        pausing_days: inst
            .paused_since
            .map(|since| (today - since).num_days().max(0)),
        completed_on: inst.completed_on,
        completed_late: inst.completed_late(),
        cancelled_on: inst.cancelled_on,
        lock_on_overdue: def.is_some_and(|d| d.lock_on_overdue),
        unlock_level: def.filter(|d| d.lock_on_overdue).map(|d| d.unlock_level),
        pauses_on_suspension: def.is_some_and(|d| d.pauses_on_suspension),
    }
}

impl App {
    /// The node definitions that apply to a court's cases: the one place this read takes them
    /// from.
    async fn case_node_definitions(&self, court_id: i64) -> AppResult<NodeSet> {
        Ok(self.node_rules(court_id).await?.set.clone())
    }

    /// A case's process nodes and suspension state as of today's Beijing date; a case outside
    /// the actor's courts is not found.
    pub async fn case_nodes(&self, actor: &Actor, case_id: i64) -> AppResult<CaseNodes> {
        let row = self
            .store
            .case_by_id(case_id)
            .await?
            .filter(|r| actor.can_see_court(r.court_id))
            .ok_or(AppError::NotFound)?;
        let today = beijing_date(zhixing_store::now_ms());
        let defs = self.case_node_definitions(row.court_id).await?;
        let rows = self.store.case_nodes(row.id).await?;
        let nodes = rows
            .iter()
            .map(|r| from_row(r).map(|i| item(&defs, &i, today)))
            .collect::<AppResult<Vec<_>>>()?;
        let suspended = row.suspended != 0;
        let suspension = if suspended {
            self.last_suspension(row.id).await?
        } else {
            None
        };
        Ok(CaseNodes {
            case_id: row.id,
            version: row.version,
            today,
            suspended,
            locked: row.locked != 0,
            suspension,
            may_suspend: !suspended
                && may_act(
                    actor,
                    &row,
                    CaseAction::Suspend {
                        reason: String::new(),
                    },
                ),
            may_resume: suspended && may_act(actor, &row, CaseAction::Resume),
            nodes,
        })
    }

    async fn last_suspension(&self, case_id: i64) -> AppResult<Option<Suspension>> {
        let events = self.store.case_events(case_id).await?;
        Ok(events
            .into_iter()
            .filter(|e| e.kind == EventKind::CaseSuspended.key())
            .max_by_key(|e| e.seq)
            .map(|e| {
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload).unwrap_or_default();
                Suspension {
                    since: e.occurred_at,
                    reason: payload
                        .get("reason")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    by: e.actor_name,
                }
            }))
    }
}
