//! Unlocking by escalation (提级审批解锁) and extending the six-month limit (延长执行期限),
//! wired to the store. The rules are in `zhixing_domain::unlock`; here:
//!
//! - the pipeline's lock check ([`App::check_lock_in_tx`]): a locked case accepts its court's
//!   lock whitelist, and a refusal names the overdue node (read in the command's transaction)
//!   and how to unlock; a case an overdue node locked is unlocked only by an approved request;
//! - the three commands `RequestUnlock`, `RequestExtension` and `DecideNodeRequest`, each one
//!   transaction with its event and the notifications it sends (to the approvers for a request,
//!   to the requester and the case's officer for a decision). An approved unlock gives the node
//!   its new deadline and unlocks the case through the pipeline (`CaseAction::Unlock`), so the
//!   unlock is an ordinary audited event;
//! - the reads of the case page's panel and of the approvals page.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zhixing_domain::court::CourtLevel;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::{self, CaseAction, CaseState, Happened};
use zhixing_domain::node::{NodeDefinition, NodeSet, NodeStatus};
use zhixing_domain::role::Role;
use zhixing_domain::unlock::{
    self as rules, Decider, DecisionLevel, LockCause, RequestKind, RequestStatus,
};
use zhixing_domain::DomainError;
use zhixing_store::node_requests::{
    NewNodeRequest, NodeRequestDecision, NodeRequestListRow, NodeRequestRow,
};
use zhixing_store::nodes::NodeRow;
use zhixing_store::notifications::NewNotification;
use zhixing_store::rows::CaseRow;
use zhixing_store::WriteTx;

use crate::commands::{case_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::node_rules::NodeRules;
use crate::nodes::{beijing_date, from_row, to_row};
use crate::{Actor, App};

/// Who may ask for an unlock or an extension: the case's officer, or a judge or team leader of
/// the case's court.
pub const REQUESTERS: &[Role] = &[Role::Officer, Role::Judge, Role::TeamLeader];
/// Who decides requests (each only at their level and court, `unlock::check_decider`).
pub const APPROVERS: &[Role] = &[Role::BureauChief, Role::President, Role::Supervisor];
/// Rows the approvals page lists at most.
const LIST_LIMIT: i64 = 200;

/// Whether `actor` may ask for an unlock or extension of the case: the case's own officer, or a
/// judge or team leader of its court.
pub fn may_request(actor: &Actor, case_court_id: i64, case_officer_id: Option<i64>) -> bool {
    actor.court_id == case_court_id
        && match actor.role {
            Role::Officer => actor.user_id.is_some() && actor.user_id == case_officer_id,
            Role::Judge | Role::TeamLeader => true,
            _ => false,
        }
}

/// Whether the role decides requests at all (the approvals page is theirs).
pub fn is_approver(role: Role) -> bool {
    APPROVERS.contains(&role)
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The overdue locking node of a case on `today`: open, not paused, its definition locks on
/// overdue, and overdue by its record or by the date. The earliest due if several.
fn locking_node<'a>(
    rows: &'a [NodeRow],
    set: &'a NodeSet,
    today: NaiveDate,
) -> Option<(&'a NodeRow, &'a NodeDefinition)> {
    let today = day(today);
    rows.iter()
        .filter(|r| r.completed_on.is_none() && r.cancelled_on.is_none())
        .filter(|r| r.paused_since.is_none())
        .filter(|r| r.status == NodeStatus::Overdue.key() || r.due_on < today)
        .filter_map(|r| {
            set.get(&r.node_key)
                .filter(|d| d.lock_on_overdue)
                .map(|d| (r, d))
        })
        .min_by(|a, b| a.0.due_on.cmp(&b.0.due_on).then(a.0.id.cmp(&b.0.id)))
}

/// Why the case is locked: its overdue locking node, else the reason of its last lock event.
fn lock_cause(
    node: Option<(&NodeRow, &NodeDefinition)>,
    lock_payload: Option<String>,
    pending_unlock: bool,
) -> LockCause {
    if let Some((row, def)) = node {
        if let Some(due_on) = parse_day(&row.due_on) {
            return LockCause::Node {
                name_zh: def.name_zh.clone(),
                name_en: def.name_en.clone(),
                due_on,
                level: def.unlock_level.into(),
                pending: pending_unlock,
            };
        }
    }
    let reason = lock_payload
        .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok())
        .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_string))
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "未说明".to_string());
    LockCause::Manual { reason }
}

fn wrong_court() -> AppError {
    AppError::forbidden(
        "您只能为本院的案件提出申请",
        "you may only make requests for your own court's cases",
    )
}

fn forbidden(e: DomainError) -> AppError {
    AppError::Forbidden { zh: e.zh, en: e.en }
}

/// A case's request, as the case page and the approvals page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeRequestView {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court_name: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub level: DecisionLevel,
    pub approver_court_id: i64,
    pub node_key: String,
    pub node_name_zh: String,
    pub node_name_en: String,
    /// The node's due date now.
    pub node_due_on: String,
    /// The node's due date when the request was made.
    pub requested_due_on: Option<String>,
    /// For a pending unlock: days the node is overdue today.
    pub days_overdue: i64,
    /// For a pending extension: days left before the node is due.
    pub days_left: i64,
    pub requested_months: Option<i64>,
    pub reason: String,
    pub requested_by_name: String,
    pub created_at: i64,
    pub decided_by_name: Option<String>,
    pub decision_reason: Option<String>,
    pub new_due_on: Option<String>,
    pub decided_at: Option<i64>,
}

impl NodeRequestView {
    pub fn is_pending(&self) -> bool {
        self.status == RequestStatus::Pending
    }

    pub fn is_unlock(&self) -> bool {
        self.kind == RequestKind::Unlock
    }
}

fn view(r: NodeRequestListRow, set: &NodeSet, today: NaiveDate) -> AppResult<NodeRequestView> {
    let q = r.request;
    let bad = |what: &str, v: &str| AppError::Internal(format!("stored request {what} \"{v}\""));
    let kind = RequestKind::from_key(&q.kind).ok_or_else(|| bad("kind", &q.kind))?;
    let status = RequestStatus::from_key(&q.status).ok_or_else(|| bad("status", &q.status))?;
    let level = DecisionLevel::from_key(&q.level).ok_or_else(|| bad("level", &q.level))?;
    let (name_zh, name_en) = set
        .get(&r.node_key)
        .map(|d| (d.name_zh.clone(), d.name_en.clone()))
        .unwrap_or_else(|| (r.node_key.clone(), r.node_key.clone()));
    let due = parse_day(&r.node_due_on);
    let pending = status == RequestStatus::Pending;
    Ok(NodeRequestView {
        id: q.id,
        case_id: q.case_id,
        case_number: r.case_number,
        court_name: r.court_name,
        kind,
        status,
        level,
        approver_court_id: q.approver_court_id,
        node_key: r.node_key,
        node_name_zh: name_zh,
        node_name_en: name_en,
        days_overdue: match due {
            Some(d) if pending && kind == RequestKind::Unlock => rules::days_overdue(d, today),
            _ => 0,
        },
        days_left: match due {
            Some(d) if pending && kind == RequestKind::Extension => (d - today).num_days(),
            _ => 0,
        },
        node_due_on: r.node_due_on,
        requested_due_on: q.requested_due_on,
        requested_months: q.requested_months,
        reason: q.reason,
        requested_by_name: r.requested_by_name,
        created_at: q.created_at,
        decided_by_name: r.decided_by_name,
        decision_reason: q.decision_reason,
        new_due_on: q.new_due_on,
        decided_at: q.decided_at,
    })
}

/// What the case page shows about locking and requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRequestsView {
    pub case_id: i64,
    pub locked: bool,
    /// On a locked case: why, what it still accepts and how to unlock (the pipeline's refusal).
    pub lock_message_zh: Option<String>,
    pub lock_message_en: Option<String>,
    /// The viewer may ask for the unlock now (locked by an overdue node, nothing pending).
    pub may_request_unlock: bool,
    /// Who decides the unlock, for the form.
    pub unlock_level: Option<DecisionLevel>,
    /// The viewer may ask for an extension of the six-month node now.
    pub extension: Option<ExtensionOffer>,
    /// The case's requests, newest first.
    pub requests: Vec<NodeRequestView>,
}

/// An extension the viewer may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionOffer {
    pub node_name_zh: String,
    pub node_name_en: String,
    pub due_on: NaiveDate,
    /// The last day on which it may be asked (5 days before the due date).
    pub last_day: NaiveDate,
    pub months: u32,
    pub level: DecisionLevel,
}

impl App {
    /// The pipeline's lock check, in the command's transaction: a locked case accepts its
    /// unlocking and the court's lock whitelist; anything else is refused (`case.locked`) with
    /// the overdue node and how to unlock. A plain `Unlock` (not an approval) of a case an
    /// overdue node locked is refused: that goes through a request. Returns the whitelist for
    /// `lifecycle::decide_allowing`.
    pub(crate) async fn check_lock_in_tx(
        &self,
        tx: &mut WriteTx,
        cmd: &Command,
        row: &CaseRow,
        state: &CaseState,
        action: &CaseAction,
    ) -> AppResult<Vec<String>> {
        let rules = self.node_rules_in_tx(tx, row.court_id).await?;
        if !state.locked {
            return Ok(rules.set.lock_whitelist.clone());
        }
        let today = beijing_date(tx.now);
        if matches!(action, CaseAction::Unlock { .. }) && matches!(cmd, Command::Case { .. }) {
            let nodes = tx.case_nodes(row.id).await?;
            if let Some((_, def)) = locking_node(&nodes, &rules.set, today) {
                let level = DecisionLevel::from(def.unlock_level);
                return Err(AppError::invalid(
                    "case.unlock_needs_request",
                    format!(
                        "案件因流程节点「{}」超期锁定，须由承办人提出解锁申请，经{}审批后解锁",
                        def.name_zh,
                        level.name_zh()
                    ),
                    format!(
                        "the case was locked because the process node \"{}\" is overdue; it is unlocked by an approved unlock request ({} decides)",
                        def.name_en,
                        level.name_en()
                    ),
                ));
            }
        }
        match lifecycle::check_not_locked(state, action, &rules.set.lock_whitelist) {
            Ok(()) => Ok(rules.set.lock_whitelist.clone()),
            Err(_) => Err(self.lock_refusal_in_tx(tx, row, &rules.set).await?),
        }
    }

    /// The same check for a command that is not a case action but works on a case (adding a
    /// document to the dossier): on a locked case it passes only if the court's whitelist
    /// holds `key`, else it is refused with the same message naming the overdue node. Call it
    /// with the case as read inside the command's transaction.
    pub(crate) async fn check_locked_key_in_tx(
        &self,
        tx: &mut WriteTx,
        row: &CaseRow,
        key: &str,
    ) -> AppResult<()> {
        if row.locked == 0 {
            return Ok(());
        }
        let rules = self.node_rules_in_tx(tx, row.court_id).await?;
        if rules.set.lock_whitelist.iter().any(|k| k == key) {
            return Ok(());
        }
        Err(self.lock_refusal_in_tx(tx, row, &rules.set).await?)
    }

    /// Why a locked case refuses: the overdue node (or the hand lock's reason), whether an
    /// unlock request waits, and what the whitelist still allows.
    async fn lock_refusal_in_tx(
        &self,
        tx: &mut WriteTx,
        row: &CaseRow,
        set: &zhixing_domain::node::NodeSet,
    ) -> AppResult<AppError> {
        let today = beijing_date(tx.now);
        let nodes = tx.case_nodes(row.id).await?;
        let pending = tx
            .pending_node_request(row.id)
            .await?
            .is_some_and(|r| r.kind == RequestKind::Unlock.key());
        let payload = tx.last_lock_payload(row.id).await?;
        let cause = lock_cause(locking_node(&nodes, set, today), payload, pending);
        Ok(rules::lock_refusal(&cause, &set.lock_whitelist).into())
    }

    /// Runs `RequestUnlock`, `RequestExtension` and `DecideNodeRequest` (roles are checked by
    /// `execute` already).
    pub(crate) async fn node_request_command(
        &self,
        actor: &Actor,
        cmd: &Command,
    ) -> AppResult<Outcome> {
        match cmd {
            Command::RequestUnlock { case_id, reason } => {
                self.make_node_request(actor, *case_id, RequestKind::Unlock, reason)
                    .await
            }
            Command::RequestExtension { case_id, reason } => {
                self.make_node_request(actor, *case_id, RequestKind::Extension, reason)
                    .await
            }
            Command::DecideNodeRequest {
                request_id,
                approve,
                reason,
                new_due_on,
            } => {
                self.decide_node_request_cmd(actor, cmd, *request_id, *approve, reason, *new_due_on)
                    .await
            }
            _ => Err(AppError::Internal("not a node request command".into())),
        }
    }

    /// The court deciding at `level` for a case of `court_id`, with its name.
    fn node_request_approving_court(
        &self,
        court_id: i64,
        level: DecisionLevel,
    ) -> AppResult<(i64, String)> {
        self.with_courts(|t| {
            let mut chain = Vec::new();
            let mut at = Some(court_id);
            while let Some(id) = at {
                let Some(c) = t.get(id) else { break };
                if chain.iter().any(|(x, _)| *x == id) {
                    break;
                }
                let lvl = match c.level.as_str() {
                    "high" => CourtLevel::High,
                    "intermediate" => CourtLevel::Intermediate,
                    _ => CourtLevel::Basic,
                };
                chain.push((id, lvl));
                at = c.parent_id;
            }
            rules::approver_court(level, &chain)
                .and_then(|id| t.get(id).map(|c| (id, c.name.clone())))
        })
        .ok_or_else(|| {
            AppError::invalid(
                "node_request.no_approver_court",
                format!("找不到审批本申请的{}", level.name_zh()),
                format!("there is no court for {} to decide this", level.name_en()),
            )
        })
    }

    fn node_request_court_name(&self, court_id: i64) -> String {
        self.with_courts(|t| t.get(court_id).map(|c| c.name.clone()))
            .unwrap_or_default()
    }

    /// Active users of `court_id` with `role`.
    async fn node_request_users_with_role(&self, court_id: i64, role: Role) -> AppResult<Vec<i64>> {
        Ok(self
            .store
            .users_of_courts(&[court_id])
            .await?
            .into_iter()
            .filter(|u| u.active == 1 && u.role == role.key())
            .map(|u| u.id)
            .collect())
    }

    async fn make_node_request(
        &self,
        actor: &Actor,
        case_id: i64,
        kind: RequestKind,
        reason: &str,
    ) -> AppResult<Outcome> {
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .case_for_update(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(row.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != row.court_id {
            return Err(wrong_court());
        }
        if !may_request(actor, row.court_id, row.officer_id) {
            return Err(AppError::forbidden(
                "只有本案承办人或本院的员额法官、团队长可以提出申请",
                "only the case's officer or a judge or team leader of its court may ask",
            ));
        }
        let Some(requested_by) = actor.user_id else {
            return Err(AppError::forbidden(
                "系统不能提出申请",
                "the system does not make requests",
            ));
        };
        let today = beijing_date(tx.now);
        let rules_now = self.node_rules_in_tx(&mut tx, row.court_id).await?;
        let pending = tx.pending_node_request(case_id).await?.is_some();
        let nodes = tx.case_nodes(case_id).await?;
        let (node, def, level, months) = match kind {
            RequestKind::Unlock => {
                rules::check_unlock_request(row.locked != 0, pending)?;
                let Some((node, def)) = locking_node(&nodes, &rules_now.set, today) else {
                    let payload = tx.last_lock_payload(case_id).await?;
                    let reason = match lock_cause(None, payload, false) {
                        LockCause::Manual { reason } => reason,
                        LockCause::Node { name_zh, .. } => name_zh,
                    };
                    return Err(AppError::invalid(
                        "node_request.manual_lock",
                        format!("案件不是因流程节点超期锁定的（锁定理由：{reason}），请由执行局长或上级法院监督员直接解锁"),
                        format!("the case was not locked by an overdue process node (reason: {reason}); the bureau chief or a higher court's supervisor unlocks it directly"),
                    ));
                };
                (node.clone(), def.clone(), def.unlock_level.into(), None)
            }
            RequestKind::Extension => {
                rules::check_no_pending(pending)?;
                let Some((node, def)) = nodes
                    .iter()
                    .filter(|r| r.node_key == rules::EXTENDABLE_NODE)
                    .filter(|r| r.completed_on.is_none() && r.cancelled_on.is_none())
                    .find_map(|r| rules_now.set.get(&r.node_key).map(|d| (r, d)))
                else {
                    return Err(AppError::invalid(
                        "node_request.no_extendable_node",
                        "本案没有正在计算的执行期限，无需延长",
                        "the case has no running enforcement time limit to extend",
                    ));
                };
                if node.paused_since.is_some() {
                    return Err(AppError::invalid(
                        "node_request.node_paused",
                        "案件中止执行期间执行期限暂停计算，恢复执行后再申请延长",
                        "the time limit is paused while the case is suspended; ask after it resumes",
                    ));
                }
                let due = parse_day(&node.due_on)
                    .ok_or_else(|| AppError::Internal(format!("stored date {}", node.due_on)))?;
                rules::check_extension_timing(due, today)?;
                let level =
                    rules::extension_level(u32::try_from(node.extension_months).unwrap_or(0));
                (
                    node.clone(),
                    def.clone(),
                    level,
                    Some(i64::from(rules::EXTENSION_MONTHS)),
                )
            }
        };
        let reason = rules::check_reason(reason)?;
        let (approver_court_id, approver_court_name) =
            self.node_request_approving_court(row.court_id, level)?;
        let id = tx
            .insert_node_request(&NewNodeRequest {
                court_id: row.court_id,
                case_id,
                node_instance_id: node.id,
                kind: kind.key().into(),
                level: level.key().into(),
                approver_court_id,
                requested_by,
                reason: reason.clone(),
                requested_due_on: Some(node.due_on.clone()),
                requested_months: months,
            })
            .await?;
        let event_kind = match kind {
            RequestKind::Unlock => EventKind::UnlockRequested,
            RequestKind::Extension => EventKind::ExtensionRequested,
        };
        let mut payload = json!({
            "request_id": id,
            "node_key": def.key,
            "node_name": def.name_zh,
            "node_name_en": def.name_en,
            "due_on": node.due_on,
            "level": level.key(),
            "level_name": level.name_zh(),
            "level_name_en": level.name_en(),
            "approver_court_id": approver_court_id,
            "approver_court_name": approver_court_name,
            "reason": reason,
        });
        if let Some(m) = months {
            payload["months"] = m.into();
        }
        let happened = Happened {
            kind: event_kind,
            payload,
        };
        let event = case_event(actor, row.court_id, case_id, tx.now, &happened);
        // Who decides hears of it.
        let (title_zh, title_en) = match kind {
            RequestKind::Unlock => (
                format!(
                    "待审批：{} 申请解锁（流程节点「{}」超期，应于 {} 前完成）",
                    row.case_number, def.name_zh, node.due_on
                ),
                format!(
                    "To decide: {} asks to be unlocked (process node \"{}\" overdue, due by {})",
                    row.case_number, def.name_en, node.due_on
                ),
            ),
            RequestKind::Extension => (
                format!(
                    "待审批：{} 申请延长执行期限 {} 个月（现期限 {}）",
                    row.case_number,
                    rules::EXTENSION_MONTHS,
                    node.due_on
                ),
                format!(
                    "To decide: {} asks for {} more months (due {})",
                    row.case_number,
                    rules::EXTENSION_MONTHS,
                    node.due_on
                ),
            ),
        };
        let notes: Vec<NewNotification> = self
            .node_request_users_with_role(approver_court_id, level.approver_role())
            .await?
            .into_iter()
            .map(|user_id| NewNotification {
                user_id,
                court_id: row.court_id,
                case_id: Some(case_id),
                kind: event_kind.key().into(),
                title_zh: title_zh.clone(),
                title_en: title_en.clone(),
            })
            .collect();
        tx.insert_notifications(&notes).await?;
        crate::nodes::react_in_tx(
            self,
            &mut tx,
            row.court_id,
            case_id,
            &[event_kind],
            row.suspended != 0,
        )
        .await?;
        tx.append_events(&[event]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(row.version),
            case_number: Some(row.case_number),
            ..Default::default()
        })
    }

    async fn decide_node_request_cmd(
        &self,
        actor: &Actor,
        cmd: &Command,
        request_id: i64,
        approve: bool,
        reason: &str,
        new_due_on: Option<NaiveDate>,
    ) -> AppResult<Outcome> {
        let mut tx = self.store.begin_write().await?;
        let req: NodeRequestRow = tx
            .node_request(request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(req.court_id) {
            return Err(AppError::NotFound);
        }
        let bad =
            |what: &str, v: &str| AppError::Internal(format!("stored request {what} \"{v}\""));
        let level = DecisionLevel::from_key(&req.level).ok_or_else(|| bad("level", &req.level))?;
        let kind = RequestKind::from_key(&req.kind).ok_or_else(|| bad("kind", &req.kind))?;
        let status =
            RequestStatus::from_key(&req.status).ok_or_else(|| bad("status", &req.status))?;
        rules::check_decider(
            level,
            req.approver_court_id,
            &self.node_request_court_name(req.approver_court_id),
            Decider {
                role: actor.role,
                court_id: actor.court_id,
            },
        )
        .map_err(forbidden)?;
        let today = beijing_date(tx.now);
        let decision = rules::check_decision(kind, status, approve, reason, new_due_on, today)?;
        let case = tx
            .case_for_update(req.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let node = tx
            .node_by_id(req.node_instance_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("request {request_id} without its node")))?;
        let node_rules: Arc<NodeRules> = self.node_rules_in_tx(&mut tx, case.court_id).await?;
        let Some(def) = node_rules.set.get(&node.node_key).cloned() else {
            return Err(AppError::invalid(
                "node_request.node_unknown",
                format!("本院已不再监管流程节点“{}”，无法审批", node.node_key),
                format!(
                    "the court no longer supervises the process node \"{}\"; the request cannot be decided",
                    node.node_key
                ),
            ));
        };
        // The node as it will be after an approval (checked before anything is written).
        let changed = if decision.approve {
            let inst = from_row(&node)?;
            let after = match kind {
                RequestKind::Unlock => {
                    let due = decision.new_due_on.ok_or_else(|| {
                        AppError::Internal("approved unlock without a deadline".into())
                    })?;
                    inst.with_deadline(due, &def, today)?
                }
                RequestKind::Extension => {
                    let months = u32::try_from(req.requested_months.unwrap_or(0))
                        .ok()
                        .filter(|m| *m > 0)
                        .unwrap_or(rules::EXTENSION_MONTHS);
                    inst.extend(months, &def, &node_rules.calendar, today)?
                }
            };
            Some(after)
        } else {
            None
        };
        let new_status = if decision.approve {
            RequestStatus::Approved
        } else {
            RequestStatus::Refused
        };
        let new_due = changed.as_ref().map(|i| day(i.due_on));
        if !tx
            .decide_node_request(&NodeRequestDecision {
                id: request_id,
                status: new_status.key().into(),
                decided_by: actor.user_id,
                decision_reason: decision.reason.clone(),
                new_due_on: new_due.clone(),
            })
            .await?
        {
            return Err(AppError::Conflict(
                "该申请已被他人审批，请刷新后查看 / the request was decided by someone else; reload to see the decision".into(),
            ));
        }
        if let Some(after) = &changed {
            let next = after.next_check_on(today);
            tx.update_node(&to_row(node.id, node.court_id, after, next))
                .await?;
        }
        let event_kind = match (kind, decision.approve) {
            (RequestKind::Unlock, true) => EventKind::UnlockApproved,
            (RequestKind::Unlock, false) => EventKind::UnlockRefused,
            (RequestKind::Extension, true) => EventKind::ExtensionApproved,
            (RequestKind::Extension, false) => EventKind::ExtensionRefused,
        };
        let mut payload = json!({
            "request_id": request_id,
            "node_key": def.key,
            "node_name": def.name_zh,
            "node_name_en": def.name_en,
            "level": level.key(),
            "reason": decision.reason.clone().unwrap_or_default(),
        });
        if let Some(d) = &new_due {
            payload["new_due_on"] = d.clone().into();
            payload["previous_due_on"] = node.due_on.clone().into();
        }
        if let (RequestKind::Extension, Some(after)) = (kind, &changed) {
            payload["months"] = (i64::from(after.extension_months) - node.extension_months).into();
            payload["extension_months"] = after.extension_months.into();
        }
        let happened = Happened {
            kind: event_kind,
            payload,
        };
        let event = case_event(actor, case.court_id, case.id, tx.now, &happened);
        tx.append_events(&[event]).await?;
        crate::nodes::react_in_tx(
            self,
            &mut tx,
            case.court_id,
            case.id,
            &[event_kind],
            case.suspended != 0,
        )
        .await?;
        // An approved unlock unlocks the case through the pipeline: an ordinary audited event.
        let mut version = case.version;
        if event_kind == EventKind::UnlockApproved && case.locked != 0 {
            let why = match &decision.reason {
                Some(r) => format!(
                    "解锁申请经{}批准，新的期限 {}（{r}）",
                    level.name_zh(),
                    new_due.clone().unwrap_or_default()
                ),
                None => format!(
                    "解锁申请经{}批准，新的期限 {}",
                    level.name_zh(),
                    new_due.clone().unwrap_or_default()
                ),
            };
            let out = self
                .case_action_in_tx(
                    &mut tx,
                    actor,
                    cmd,
                    case.id,
                    None,
                    CaseAction::Unlock { reason: why },
                )
                .await?;
            version = out.version.unwrap_or(version);
        }
        // The requester and the case's officer hear of the decision.
        let (title_zh, title_en) = decision_titles(
            &case.case_number,
            kind,
            decision.approve,
            new_due.as_deref(),
            decision.reason.as_deref(),
        );
        let mut to = vec![req.requested_by];
        if let Some(o) = case.officer_id {
            if !to.contains(&o) {
                to.push(o);
            }
        }
        let notes: Vec<NewNotification> = to
            .into_iter()
            .map(|user_id| NewNotification {
                user_id,
                court_id: case.court_id,
                case_id: Some(case.id),
                kind: event_kind.key().into(),
                title_zh: title_zh.clone(),
                title_en: title_en.clone(),
            })
            .collect();
        tx.insert_notifications(&notes).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(request_id),
            version: Some(version),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    /// The case page's panel: the lock message, whether the viewer may ask for an unlock or an
    /// extension now, and the case's requests.
    pub async fn case_node_requests(
        &self,
        actor: &Actor,
        case_id: i64,
    ) -> AppResult<CaseRequestsView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .filter(|c| actor.can_see_court(c.court_id))
            .ok_or(AppError::NotFound)?;
        let today = beijing_date(zhixing_store::now_ms());
        let node_rules = self.node_rules(case.court_id).await?;
        let set = &node_rules.set;
        let (nodes, rows) = tokio::try_join!(
            self.store.case_nodes(case_id),
            self.store.node_requests_of_case(case_id)
        )?;
        let requests = rows
            .into_iter()
            .map(|r| view(r, set, today))
            .collect::<AppResult<Vec<_>>>()?;
        let pending = requests.iter().find(|r| r.is_pending());
        let locked = case.locked != 0;
        let asker = may_request(actor, case.court_id, case.officer_id);
        let open = !matches!(case.stage.as_str(), "closed" | "archived");
        let locking = locking_node(&nodes, set, today);
        let (mut lock_message_zh, mut lock_message_en) = (None, None);
        if locked {
            let payload = match locking {
                Some(_) => None,
                None => self.store.last_lock_payload(case_id).await?,
            };
            let cause = lock_cause(
                locking,
                payload,
                pending.is_some_and(|p| p.kind == RequestKind::Unlock),
            );
            let e = rules::lock_refusal(&cause, &set.lock_whitelist);
            lock_message_zh = Some(e.zh);
            lock_message_en = Some(e.en);
        }
        let unlock_level = locking.map(|(_, d)| DecisionLevel::from(d.unlock_level));
        let may_request_unlock = locked && asker && pending.is_none() && locking.is_some();
        let extension = if asker && open && pending.is_none() && !locked {
            nodes
                .iter()
                .filter(|r| r.node_key == rules::EXTENDABLE_NODE)
                .filter(|r| r.completed_on.is_none() && r.cancelled_on.is_none())
                .filter(|r| r.paused_since.is_none())
                .find_map(|r| {
                    let def = set.get(&r.node_key)?;
                    let due = parse_day(&r.due_on)?;
                    rules::check_extension_timing(due, today).ok()?;
                    Some(ExtensionOffer {
                        node_name_zh: def.name_zh.clone(),
                        node_name_en: def.name_en.clone(),
                        due_on: due,
                        last_day: due - chrono::Duration::days(rules::EXTENSION_LEAD_DAYS),
                        months: rules::EXTENSION_MONTHS,
                        level: rules::extension_level(
                            u32::try_from(r.extension_months).unwrap_or(0),
                        ),
                    })
                })
        } else {
            None
        };
        Ok(CaseRequestsView {
            case_id,
            locked,
            lock_message_zh,
            lock_message_en,
            may_request_unlock,
            unlock_level,
            extension,
            requests,
        })
    }

    /// One request, for anyone who sees its case's court.
    pub async fn node_request(&self, actor: &Actor, id: i64) -> AppResult<NodeRequestView> {
        let row = self
            .store
            .node_request_listed(id)
            .await?
            .filter(|r| actor.can_see_court(r.request.court_id))
            .ok_or(AppError::NotFound)?;
        let node_rules = self.node_rules(row.request.court_id).await?;
        view(row, &node_rules.set, beijing_date(zhixing_store::now_ms()))
    }

    /// The requests the actor decides (their level at their court), with the given status
    /// (`None`: any): pending ones oldest first. Only approvers have such a list.
    pub async fn node_requests_to_decide(
        &self,
        actor: &Actor,
        status: Option<RequestStatus>,
    ) -> AppResult<Vec<NodeRequestView>> {
        if !is_approver(actor.role) {
            return Err(AppError::forbidden(
                format!("{}不审批解锁和延期申请", actor.role.name_zh()),
                format!(
                    "a {} does not decide unlock or extension requests",
                    actor.role.name_en()
                ),
            ));
        }
        let levels: Vec<&str> = DecisionLevel::decided_by(actor.role)
            .iter()
            .map(|l| l.key())
            .collect();
        let rows = self
            .store
            .node_requests_for_approver(
                actor.court_id,
                &levels,
                status.map(|s| s.key()),
                LIST_LIMIT,
            )
            .await?;
        let today = beijing_date(zhixing_store::now_ms());
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            if !actor.can_see_court(r.request.court_id) {
                continue;
            }
            let rules_of_court = self.node_rules(r.request.court_id).await?;
            out.push(view(r, &rules_of_court.set, today)?);
        }
        Ok(out)
    }
}

fn decision_titles(
    case_number: &str,
    kind: RequestKind,
    approve: bool,
    new_due: Option<&str>,
    reason: Option<&str>,
) -> (String, String) {
    let why_zh = reason.map(|r| format!("（{r}）")).unwrap_or_default();
    let why_en = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    let due = new_due.unwrap_or_default();
    match (kind, approve) {
        (RequestKind::Unlock, true) => (
            format!("{case_number} 解锁申请已批准，新的期限 {due}{why_zh}"),
            format!("{case_number}: unlock approved, new deadline {due}{why_en}"),
        ),
        (RequestKind::Unlock, false) => (
            format!("{case_number} 解锁申请未获批准{why_zh}"),
            format!("{case_number}: unlock refused{why_en}"),
        ),
        (RequestKind::Extension, true) => (
            format!("{case_number} 延长执行期限已批准，期限至 {due}{why_zh}"),
            format!("{case_number}: extension approved, due {due}{why_en}"),
        ),
        (RequestKind::Extension, false) => (
            format!("{case_number} 延长执行期限申请未获批准{why_zh}"),
            format!("{case_number}: extension refused{why_en}"),
        ),
    }
}
