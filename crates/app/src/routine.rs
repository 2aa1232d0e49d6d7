//! Routine work in batches (事务集约): the routine-work team's queue of new cases still waiting
//! for their notice and asset-report order, one action that drafts those documents for the
//! selected cases (submitted for approval, with their service tasks waiting), and one action
//! with which a reviewer approves what a batch made. Approval issues each document: number,
//! files, dossier, service tasks ready (see `doc_review`).
//!
//! A batch is a row with its items; a worker takes queued items a few at a time, each case in
//! its own transaction together with its item's result, so a refusal on one case (locked,
//! closed) never undoes the others, progress can be shown, and a batch whose process stopped is
//! resumed where it was.

use serde_json::json;
use zhixing_docs::DocKind;
use zhixing_domain::document::{ApprovalLevel, DocStatus, ReviewStep};
use zhixing_domain::event::EventKind;
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_store::routine::{NewRoutineBatch, RoutineBatchItemRow, RoutineBatchRow};

use crate::commands::{court_event, Command, Outcome};
use crate::{Actor, App, AppError, AppResult};

/// Who runs the routine-work queue (the routine team's clerks and assistants, and judges).
pub const ROUTINE_STAFF: &[Role] = &[Role::Clerk, Role::Officer, Role::Judge, Role::TeamLeader];

/// The kinds a batch may make: the two every new case needs, and the consumption-restriction
/// order many courts issue at the start.
pub const BATCH_KINDS: [DocKind; 3] = [
    DocKind::Notice,
    DocKind::AssetReportOrder,
    DocKind::ConsumptionRestriction,
];

/// At most this many cases in one batch (a month's intake of a large basic court).
pub const MAX_BATCH: usize = 2000;

/// Items a worker takes per round; the batch's progress moves after each round.
const ROUND: i64 = 20;

/// Documents an approval batch issues at once.
const APPROVE_AT_ONCE: usize = 4;

/// A batch without progress for this long is taken as stopped (its process ended).
const STALL_MS: i64 = 120_000;

pub const PAGE: i64 = 50;

#[derive(Debug, Clone)]
pub struct QueueItem {
    pub case_id: i64,
    pub case_number: String,
    pub filed_at: i64,
    pub claim: Fen,
    pub applicants: String,
    pub debtors: String,
    pub officer_name: Option<String>,
    pub due_on: String,
    pub node_status: String,
    pub locked: bool,
}

#[derive(Debug, Clone)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: i64,
    /// Cursor of the next page (`due_on,node_id`).
    pub next: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BatchItemView {
    pub target_id: i64,
    /// Case number (draft batches) or document number / kind (approval batches).
    pub label: String,
    pub case_id: Option<i64>,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct BatchView {
    pub batch: RoutineBatchRow,
    pub kinds: Vec<DocKind>,
    pub failures: Vec<BatchItemView>,
    /// Submitted documents of this (draft) batch that this actor may approve now.
    pub approvable: i64,
    /// Running, but no progress for a while: its process stopped; it may be resumed.
    pub stalled: bool,
}

impl BatchView {
    pub fn percent(&self) -> i64 {
        if self.batch.total == 0 {
            100
        } else {
            (self.batch.done + self.batch.failed) * 100 / self.batch.total
        }
    }

    pub fn running(&self) -> bool {
        self.batch.status == "running" && !self.stalled
    }
}

fn parse_kinds(kinds: &str) -> Vec<DocKind> {
    kinds.split(',').filter_map(DocKind::from_key).collect()
}

fn routine_only(actor: &Actor) -> AppResult<()> {
    if ROUTINE_STAFF.contains(&actor.role) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            format!("{}无权办理事务集约工作", actor.role.name_zh()),
            format!("a {} may not run routine work", actor.role.name_en()),
        ))
    }
}

/// The levels a role may approve.
fn approvable_levels(role: Role) -> Vec<&'static str> {
    ApprovalLevel::ALL
        .into_iter()
        .filter(|l| l.roles().contains(&role))
        .map(ApprovalLevel::key)
        .collect()
}

/// Checks a batch request before anything is written.
pub fn check_batch_request(case_ids: &[i64], kinds: &[DocKind]) -> AppResult<()> {
    if case_ids.is_empty() {
        return Err(AppError::invalid(
            "routine.no_cases",
            "请至少选择一件案件",
            "select at least one case",
        ));
    }
    if case_ids.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "routine.too_many",
            format!("一批最多 {MAX_BATCH} 件案件，请分批办理"),
            format!("at most {MAX_BATCH} cases per batch; split the work"),
        ));
    }
    if kinds.is_empty() {
        return Err(AppError::invalid(
            "routine.no_kinds",
            "请选择要制作的文书",
            "choose the documents to make",
        ));
    }
    if let Some(k) = kinds.iter().find(|k| !BATCH_KINDS.contains(k)) {
        return Err(AppError::invalid(
            "routine.kind_not_batch",
            format!("「{}」须逐案起草，不能批量制作", k.name_zh()),
            format!("a {} is drafted case by case, not in a batch", k.name_en()),
        ));
    }
    Ok(())
}

impl App {
    /// The routine-work queue of the actor's court, most urgent first.
    pub async fn routine_queue(
        &self,
        actor: &Actor,
        team_id: Option<i64>,
        after: Option<&str>,
    ) -> AppResult<QueuePage> {
        routine_only(actor)?;
        let after = match after.filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => {
                let (due, id) = a.split_once(',').ok_or_else(bad_cursor)?;
                Some((
                    due.to_string(),
                    id.parse::<i64>().map_err(|_| bad_cursor())?,
                ))
            }
        };
        let team = team_id.unwrap_or(0);
        let rows = self
            .store
            .routine_queue(
                actor.court_id,
                team,
                after.as_ref().map(|(d, i)| (d.as_str(), *i)),
                PAGE + 1,
            )
            .await?;
        let total = self.store.routine_queue_count(actor.court_id, team).await?;
        let more = rows.len() as i64 > PAGE;
        let rows = &rows[..rows.len().min(PAGE as usize)];
        let next = if more {
            rows.last().map(|r| format!("{},{}", r.due_on, r.node_id))
        } else {
            None
        };
        Ok(QueuePage {
            items: rows
                .iter()
                .map(|r| QueueItem {
                    case_id: r.case_id,
                    case_number: r.case_number.clone(),
                    filed_at: r.filed_at,
                    claim: Fen(r.claim_fen),
                    applicants: r.applicant_names.clone(),
                    debtors: r.debtor_names.clone(),
                    officer_name: r.officer_name.clone(),
                    due_on: r.due_on.clone(),
                    node_status: r.node_status.clone(),
                    locked: r.locked != 0,
                })
                .collect(),
            total,
            next,
        })
    }

    /// Every case in the queue (up to a batch's size), for "select all".
    pub async fn routine_queue_all(
        &self,
        actor: &Actor,
        team_id: Option<i64>,
    ) -> AppResult<Vec<i64>> {
        routine_only(actor)?;
        Ok(self
            .store
            .routine_queue_ids(actor.court_id, team_id.unwrap_or(0), MAX_BATCH as i64)
            .await?)
    }

    /// `Command::StartRoutineBatch`: the batch row with its cases queued, and the court event.
    /// The work itself is `run_routine_batch`.
    pub(crate) async fn start_routine_batch(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_ids: &[i64],
        kinds: &[DocKind],
    ) -> AppResult<Outcome> {
        check_batch_request(case_ids, kinds)?;
        self.court_scope(actor, actor.court_id, cmd)?;
        let mut ids = case_ids.to_vec();
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        let kinds_key = kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(",");
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_routine_batch(
                &NewRoutineBatch {
                    court_id: actor.court_id,
                    action: "draft".into(),
                    kinds: kinds_key.clone(),
                    source_batch_id: None,
                    created_by: actor.user_id,
                    created_by_name: actor.display_name.clone(),
                },
                &ids,
            )
            .await?;
        let ev = court_event(
            actor,
            actor.court_id,
            tx.now,
            EventKind::RoutineBatchRun,
            json!({
                "batch_id": id, "action": "draft", "kinds": kinds_key,
                "cases": ids.len(), "documents": ids.len() * kinds.len(),
            }),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            ..Default::default()
        })
    }

    /// `Command::StartApprovalBatch`: approve the documents a draft batch made that wait at
    /// levels the actor may approve.
    pub(crate) async fn start_approval_batch(
        &self,
        actor: &Actor,
        cmd: &Command,
        source_batch_id: i64,
    ) -> AppResult<Outcome> {
        let source = self
            .store
            .routine_batch(source_batch_id)
            .await?
            .filter(|b| b.court_id == actor.court_id && b.action == "draft")
            .ok_or(AppError::NotFound)?;
        self.court_scope(actor, source.court_id, cmd)?;
        let levels = approvable_levels(actor.role);
        let docs: Vec<i64> = self
            .store
            .batch_documents(source.id, DocStatus::Submitted.key())
            .await?
            .into_iter()
            .filter(|(_, level)| levels.contains(&level.as_str()))
            .map(|(id, _)| id)
            .collect();
        if docs.is_empty() {
            return Err(AppError::invalid(
                "routine.nothing_to_approve",
                "这一批没有待您审批的文书",
                "this batch has no documents waiting for your approval",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_routine_batch(
                &NewRoutineBatch {
                    court_id: source.court_id,
                    action: "approve".into(),
                    kinds: source.kinds.clone(),
                    source_batch_id: Some(source.id),
                    created_by: actor.user_id,
                    created_by_name: actor.display_name.clone(),
                },
                &docs,
            )
            .await?;
        let ev = court_event(
            actor,
            source.court_id,
            tx.now,
            EventKind::RoutineBatchRun,
            json!({
                "batch_id": id, "action": "approve", "source_batch_id": source.id,
                "cases": 0, "documents": docs.len(),
            }),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            ..Default::default()
        })
    }

    /// Does a batch's queued work, a round at a time, as `actor` (who started or resumed it).
    /// Safe to call again after an interruption: finished items are not taken twice.
    pub async fn run_routine_batch(&self, actor: &Actor, batch_id: i64) -> AppResult<()> {
        let batch = self
            .store
            .routine_batch(batch_id)
            .await?
            .filter(|b| b.court_id == actor.court_id)
            .ok_or(AppError::NotFound)?;
        let kinds = parse_kinds(&batch.kinds);
        loop {
            let items = self
                .store
                .routine_batch_items(batch_id, "queued", ROUND)
                .await?;
            if items.is_empty() {
                break;
            }
            if batch.action == "draft" {
                for item in &items {
                    self.draft_batch_item(actor, &batch, &kinds, item).await?;
                }
            } else {
                // Typesetting is CPU and storing the files is I/O: a few documents at once keep
                // both busy; their transactions still go one at a time through the writer.
                for group in items.chunks(APPROVE_AT_ONCE) {
                    let done = futures::future::join_all(
                        group
                            .iter()
                            .map(|item| self.approve_batch_item(actor, &batch, item)),
                    )
                    .await;
                    done.into_iter().collect::<AppResult<Vec<()>>>()?;
                }
            }
        }
        let mut tx = self.store.begin_write().await?;
        tx.set_routine_batch_status(batch_id, "done").await?;
        tx.commit().await?;
        Ok(())
    }

    /// One case of a draft batch: its documents, their waiting service tasks and the item's
    /// result in one transaction; a refusal is recorded as the item's result instead.
    async fn draft_batch_item(
        &self,
        actor: &Actor,
        batch: &RoutineBatchRow,
        kinds: &[DocKind],
        item: &RoutineBatchItemRow,
    ) -> AppResult<()> {
        let drafted = self
            .draft_for_batch(actor, batch.id, kinds, item.target_id)
            .await;
        match drafted {
            Ok(()) => Ok(()),
            Err(e) if is_refusal(&e) => {
                self.record_item_failure(batch.id, item.target_id, &e).await
            }
            Err(e) => Err(e),
        }
    }

    async fn draft_for_batch(
        &self,
        actor: &Actor,
        batch_id: i64,
        kinds: &[DocKind],
        case_id: i64,
    ) -> AppResult<()> {
        // A case drafted by hand (or by another batch) since it was queued keeps what it has.
        let existing = self.store.case_documents(case_id).await?;
        if let Some(k) = kinds.iter().find(|k| {
            existing
                .iter()
                .any(|d| d.kind == k.key() && d.status != DocStatus::Withdrawn.key())
        }) {
            return Err(AppError::invalid(
                "routine.already_drafted",
                format!("该案已有{}（草稿或已签发），未重复制作", k.name_zh()),
                format!("the case already has a {}; not made again", k.name_en()),
            ));
        }
        let data = self.document_data(actor, case_id).await?;
        let mut tx = self.store.begin_write().await?;
        for &kind in kinds {
            self.draft_in_tx(
                &mut tx,
                actor,
                case_id,
                kind,
                data.clone(),
                true,
                Some(batch_id),
            )
            .await?;
        }
        tx.finish_routine_items(batch_id, &[(case_id, true, String::new())])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One document of an approval batch, through the review command (one write path).
    async fn approve_batch_item(
        &self,
        actor: &Actor,
        batch: &RoutineBatchRow,
        item: &RoutineBatchItemRow,
    ) -> AppResult<()> {
        let mut result = self.approve_one(actor, item.target_id).await;
        // Two documents of one case issued at once may both predict the same number; the
        // loser is refused as a conflict and simply goes again with the number now free.
        if matches!(result, Err(AppError::Conflict(_))) {
            result = self.approve_one(actor, item.target_id).await;
        }
        match result {
            Ok(_) => {
                let mut tx = self.store.begin_write().await?;
                tx.finish_routine_items(batch.id, &[(item.target_id, true, String::new())])
                    .await?;
                tx.commit().await?;
                Ok(())
            }
            Err(e) if is_refusal(&e) => {
                self.record_item_failure(batch.id, item.target_id, &e).await
            }
            Err(e) => Err(e),
        }
    }

    async fn approve_one(&self, actor: &Actor, document_id: i64) -> AppResult<Outcome> {
        match self.store.document(document_id).await? {
            None => Err(AppError::NotFound),
            // Approved meanwhile (by hand, or before an interruption): nothing left to do.
            Some(d) if d.status == DocStatus::Issued.key() => Ok(Outcome::default()),
            Some(d) => {
                self.execute(
                    actor,
                    Command::ReviewDocument {
                        document_id: d.id,
                        version: d.version,
                        step: ReviewStep::Approve,
                    },
                )
                .await
            }
        }
    }

    async fn record_item_failure(&self, batch_id: i64, target: i64, e: &AppError) -> AppResult<()> {
        let message = match e {
            AppError::NotFound => "找不到该案件或文书 / case or document not found".to_string(),
            other => other.to_string(),
        };
        let mut tx = self.store.begin_write().await?;
        tx.finish_routine_items(batch_id, &[(target, false, message)])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A batch with its failures, for the progress page.
    pub async fn routine_batch_view(&self, actor: &Actor, batch_id: i64) -> AppResult<BatchView> {
        routine_or_reviewer(actor)?;
        let batch = self
            .store
            .routine_batch(batch_id)
            .await?
            .filter(|b| b.court_id == actor.court_id)
            .ok_or(AppError::NotFound)?;
        // A case of another court named in a batch stays unnamed here, as everywhere.
        let failures = self
            .store
            .routine_failures(&batch, 500)
            .await?
            .into_iter()
            .map(|f| {
                let kind = f
                    .doc_kind
                    .as_deref()
                    .and_then(DocKind::from_key)
                    .map(|k| format!("{} ", k.name_zh()))
                    .unwrap_or_default();
                BatchItemView {
                    target_id: f.target_id,
                    label: match f.case_number {
                        Some(n) => format!("{kind}{n}"),
                        None => format!("#{}", f.target_id),
                    },
                    case_id: f.case_id,
                    message: f.message,
                }
            })
            .collect();
        let approvable = if batch.action == "draft" {
            let levels = approvable_levels(actor.role);
            self.store
                .batch_documents(batch.id, DocStatus::Submitted.key())
                .await?
                .iter()
                .filter(|(_, l)| levels.contains(&l.as_str()))
                .count() as i64
        } else {
            0
        };
        let stalled =
            batch.status == "running" && batch.updated_at < zhixing_store::now_ms() - STALL_MS;
        Ok(BatchView {
            kinds: parse_kinds(&batch.kinds),
            batch,
            failures,
            approvable,
            stalled,
        })
    }

    /// The court's latest batches.
    pub async fn routine_batches(&self, actor: &Actor) -> AppResult<Vec<RoutineBatchRow>> {
        routine_or_reviewer(actor)?;
        Ok(self.store.routine_batches(actor.court_id, 20).await?)
    }

    /// Whether a stopped batch may be taken up again by this actor (then call
    /// `run_routine_batch`): the batch must have stalled, and an approval batch is resumed only
    /// by someone who may approve its documents (the review command checks each one again).
    pub async fn check_resumable(&self, actor: &Actor, batch_id: i64) -> AppResult<()> {
        let view = self.routine_batch_view(actor, batch_id).await?;
        if !view.stalled {
            return Err(AppError::invalid(
                "routine.not_stalled",
                "该批次没有中断，无需继续",
                "this batch has not stopped; there is nothing to resume",
            ));
        }
        if view.batch.action == "draft" {
            routine_only(actor)?;
        }
        let mut tx = self.store.begin_write().await?;
        tx.set_routine_batch_status(batch_id, "running").await?;
        tx.commit().await?;
        Ok(())
    }
}

fn routine_or_reviewer(actor: &Actor) -> AppResult<()> {
    if ROUTINE_STAFF.contains(&actor.role) || !approvable_levels(actor.role).is_empty() {
        Ok(())
    } else {
        routine_only(actor)
    }
}

fn bad_cursor() -> AppError {
    AppError::invalid(
        "routine.cursor",
        "翻页参数无效",
        "the page cursor is not valid",
    )
}

/// Refusals a batch records per item and goes on; anything else (the database gone) stops it.
fn is_refusal(e: &AppError) -> bool {
    !matches!(e, AppError::Internal(_))
}
