//! Service of documents (送达) through the pipeline: attempts by post, in person and by
//! announcement recorded with their proof (`Command::RecordService`), the later result of a
//! letter in transit (`Command::RecordServiceResult`), and electronic service
//! (`Command::SendElectronic`) by SMS or e-mail through the messenger, or by the platform
//! link the recipient opens and confirms (`App::service_link`, `App::confirm_service_link`).
//!
//! What each method's proof must say is the domain's (`zhixing_domain::document`); here:
//! only an issued document is served, a task changes by compare-and-set on its version, the
//! attempt, the task and the event are written in one transaction, a failure notifies the
//! case's officer, and serving the notice and the asset-report order on every debtor issues
//! the notice through the case pipeline, so the process node 发出执行通知书 completes.
//!
//! An electronic message is sent between two transactions (the attempt is written `sent`
//! first, the provider's answer afterwards) so a slow gateway never holds the writer.

use std::sync::Arc;

use chrono::NaiveDate;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use zhixing_domain::document::{
    self as rules, Attempt, AttemptOutcome, DocStatus, ServiceMethod, TaskStatus, NOTICE_KINDS,
};
use zhixing_domain::dossier::{self as dossier_rules, DocKind as DossierKind, Volume};
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::{CaseAction, Happened};
use zhixing_domain::role::Role;
use zhixing_store::documents::DocumentRow;
use zhixing_store::dossier::NewDossierItem;
use zhixing_store::notifications::NewNotification;
use zhixing_store::rows::CaseRow;
use zhixing_store::service::{
    AttemptResult, NewServiceAttempt, ServiceAttemptRow, ServiceTaskListRow, ServiceTaskRow,
};
use zhixing_store::WriteTx;

use crate::blobs::{BlobReader, Staged};
use crate::commands::{case_event, CaseItem, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::messenger::{self, Channel, DeliveryOutcome, OutgoingMessage};
use crate::nodes::beijing_date;
use crate::{Actor, App};

use Role::*;

/// Staff of the case's court who serve documents.
pub const SERVICE_STAFF: &[Role] = &[Clerk, Officer, Judge, TeamLeader];

/// The lock whitelist's key for recording service on a locked case.
pub const LOCK_KEY: &str = "serve_document";

/// How long an electronic link opens the document.
pub const LINK_VALID_DAYS: i64 = 30;

/// Rows of the queue per page.
pub const QUEUE_PAGE: i64 = 50;

/// Where the recipient's link points unless `ZHIXING_PUBLIC_URL` says otherwise.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The public address links are built on (no trailing slash).
pub fn public_base_url() -> String {
    std::env::var("ZHIXING_PUBLIC_URL")
        .ok()
        .map(|v| v.trim().trim_end_matches('/').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_PUBLIC_URL.to_string())
}

/// A scan of the proof (送达回证, EMS return receipt, the announcement's page), staged.
#[derive(Debug, Clone)]
pub struct ServiceProof {
    pub filename: String,
    pub file: Arc<Staged>,
}

/// One attempt to record against the task version the user saw.
#[derive(Debug, Clone)]
pub struct ServiceInput {
    pub task_id: i64,
    pub version: i64,
    pub attempt: Attempt,
    pub proof: Option<ServiceProof>,
}

/// The result of an attempt that was `sent` (a letter in transit, a platform link nobody
/// confirmed), against the task version the user saw.
#[derive(Debug, Clone)]
pub struct ServiceResultInput {
    pub task_id: i64,
    pub version: i64,
    pub attempt_id: i64,
    /// `Served` or `Failed`.
    pub outcome: AttemptOutcome,
    pub on: NaiveDate,
    pub received_by: String,
    pub witness: String,
    pub failure_reason: String,
    pub proof: Option<ServiceProof>,
}

/// The routine-work queue's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueTab {
    Pending,
    InProgress,
    Failed,
}

impl QueueTab {
    pub const ALL: [QueueTab; 3] = [QueueTab::Pending, QueueTab::InProgress, QueueTab::Failed];

    pub fn key(self) -> &'static str {
        match self {
            QueueTab::Pending => "pending",
            QueueTab::InProgress => "in_progress",
            QueueTab::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> AppResult<QueueTab> {
        QueueTab::ALL
            .into_iter()
            .find(|t| t.key() == key)
            .ok_or_else(|| {
                AppError::invalid(
                    "service.tab_unknown",
                    format!("未知的送达任务状态：{key}（可选 pending、in_progress、failed）"),
                    format!("unknown status {key} (pending, in_progress or failed)"),
                )
            })
    }

    pub fn status(self) -> TaskStatus {
        match self {
            QueueTab::Pending => TaskStatus::Pending,
            QueueTab::InProgress => TaskStatus::Sent,
            QueueTab::Failed => TaskStatus::Failed,
        }
    }
}

/// A task as lists show it.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub row: ServiceTaskRow,
    pub status: TaskStatus,
    pub case_number: String,
    pub document_kind: String,
    pub kind_zh: String,
    pub kind_en: String,
    pub document_number: Option<String>,
    pub issued_on: Option<String>,
    pub last_method: Option<ServiceMethod>,
    /// An announcement whose 30 days have not passed: served in law only from `served_on`.
    pub announcement_running: bool,
}

/// An attempt as the task page shows it.
#[derive(Debug, Clone)]
pub struct AttemptView {
    pub row: ServiceAttemptRow,
    pub method: ServiceMethod,
    pub outcome: AttemptOutcome,
    /// A `sent` attempt staff may complete with its result (post, an unconfirmed platform link).
    pub awaits_result: bool,
    /// Whether the electronic link no longer opens.
    pub link_expired: bool,
}

/// A task with its attempts and what may be done next.
#[derive(Debug, Clone)]
pub struct TaskDetail {
    pub task: TaskView,
    pub attempts: Vec<AttemptView>,
    /// Methods worth trying now, in the order to suggest them; empty once served.
    pub methods: Vec<ServiceMethod>,
    /// The viewer may record attempts (staff of the case's court, the task open).
    pub may_record: bool,
    pub locked: bool,
    /// The recipient's phone and address as filed, to fill the forms.
    pub recipient_phone: Option<String>,
    pub recipient_address: Option<String>,
    pub case_id: i64,
    pub today: NaiveDate,
}

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub tab: QueueTab,
    pub rows: Vec<TaskView>,
    /// The `after` of the next page, if there is one.
    pub next_after: Option<i64>,
    /// Tasks per tab.
    pub counts: Vec<(QueueTab, i64)>,
}

/// A case's service, for the case page.
#[derive(Debug, Clone)]
pub struct CaseServiceView {
    pub case_id: i64,
    pub case_number: String,
    pub tasks: Vec<TaskView>,
}

/// What the recipient's link page shows.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub court_name: String,
    pub case_number: String,
    pub kind_zh: String,
    pub document_number: String,
    pub issued_on: String,
    pub recipient_name: String,
    pub method: ServiceMethod,
    /// Served already (delivered by SMS/e-mail or confirmed).
    pub served_on: Option<String>,
    /// A platform link not yet confirmed: the page offers 确认签收.
    pub may_confirm: bool,
    /// The confirm form's token (derived from the link token).
    pub form_token: String,
    pub expires_on: NaiveDate,
}

fn today() -> NaiveDate {
    beijing_date(zhixing_store::now_ms())
}

fn parse_day(s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::Internal(format!("stored date \"{s}\" is not YYYY-MM-DD")))
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The confirm form's token: knowing it needs the link token, so a page elsewhere cannot post
/// a confirmation for a recipient (there is no session to carry a CSRF token).
pub fn link_form_token(token: &str) -> String {
    hex::encode(Sha256::digest(
        format!("zhixing-service-confirm:{token}").as_bytes(),
    ))[..32]
        .to_string()
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The Chinese and English name of a document kind key.
pub fn kind_names(kind: &str) -> (String, String) {
    zhixing_docs::DocKind::from_key(kind).map_or_else(
        || (kind.to_string(), kind.to_string()),
        |k| (k.name_zh().to_string(), k.name_en().to_string()),
    )
}

fn task_status(row: &ServiceTaskRow) -> AppResult<TaskStatus> {
    TaskStatus::from_key(&row.status)
        .ok_or_else(|| AppError::Internal(format!("stored task status \"{}\"", row.status)))
}

fn method_of(key: &str) -> AppResult<ServiceMethod> {
    ServiceMethod::from_key(key)
        .map_err(|_| AppError::Internal(format!("stored service method \"{key}\"")))
}

fn outcome_of(key: &str) -> AppResult<AttemptOutcome> {
    AttemptOutcome::from_key(key)
        .map_err(|_| AppError::Internal(format!("stored service outcome \"{key}\"")))
}

fn task_view(r: ServiceTaskListRow, today: NaiveDate) -> AppResult<TaskView> {
    let status = task_status(&r.task)?;
    let (kind_zh, kind_en) = kind_names(&r.document_kind);
    let last_method = r.task.last_method.as_deref().map(method_of).transpose()?;
    let announcement_running = status == TaskStatus::Served
        && last_method == Some(ServiceMethod::Announcement)
        && r.task
            .served_on
            .as_deref()
            .is_some_and(|d| d > today.to_string().as_str());
    Ok(TaskView {
        status,
        case_number: r.case_number,
        document_kind: r.document_kind,
        kind_zh,
        kind_en,
        document_number: r.document_number,
        issued_on: r.issued_on,
        last_method,
        announcement_running,
        row: r.task,
    })
}

fn link_expired(a: &ServiceAttemptRow, now: i64) -> bool {
    a.link_token_sha256.is_none() || now > a.created_at + LINK_VALID_DAYS * DAY_MS
}

fn stale() -> AppError {
    AppError::Conflict(
        "送达任务已被他人更新，请刷新后重试 / the service task was changed by someone else; reload and try again"
            .into(),
    )
}

fn other_court() -> AppError {
    AppError::forbidden(
        "您只能办理本院案件的送达",
        "you may only serve documents of your own court's cases",
    )
}

fn task_closed(status: TaskStatus) -> AppError {
    AppError::invalid(
        "service.task_closed",
        format!("该送达任务{}，不能再记录送达", status.name_zh()),
        format!(
            "this service task is {}; no more attempts can be recorded",
            status.name_en()
        ),
    )
}

/// Methods worth trying after these attempts: none tried and failed yet, the announcement last
/// (CPL art. 95: when the recipient cannot be found or other methods failed).
fn sensible_methods(attempts: &[AttemptView]) -> Vec<ServiceMethod> {
    let failed: Vec<ServiceMethod> = attempts
        .iter()
        .filter(|a| a.outcome == AttemptOutcome::Failed)
        .map(|a| a.method)
        .collect();
    ServiceMethod::ALL
        .into_iter()
        .filter(|m| !failed.contains(m))
        .collect()
}

/// What the writes of one service change need: the task (as read for update), its document
/// and the case.
struct Target {
    task: ServiceTaskRow,
    doc: DocumentRow,
    case: CaseRow,
}

impl App {
    /// The task the actor may act on: visible (else not found), of the actor's own court,
    /// its document issued, the task open.
    async fn service_target(
        &self,
        actor: &Actor,
        cmd: &Command,
        task_id: i64,
    ) -> AppResult<Target> {
        let task = self
            .store
            .service_task(task_id)
            .await?
            .ok_or(AppError::NotFound)?
            .task;
        if !actor.can_see_court(task.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != task.court_id {
            return Err(other_court());
        }
        self.court_scope(actor, task.court_id, cmd)?;
        let doc = self
            .store
            .document(task.document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let status = DocStatus::from_key(&doc.status).ok_or_else(|| {
            AppError::Internal(format!("stored document status \"{}\"", doc.status))
        })?;
        rules::check_servable(status)?;
        let ts = task_status(&task)?;
        if !ts.open() {
            return Err(task_closed(ts));
        }
        let case = self
            .store
            .case_by_id(task.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Target { task, doc, case })
    }

    /// In the write: the case's lock (by the whitelist key `serve_document`), and the task as
    /// it stands now, still at the version the user saw and still open.
    async fn lock_task_in_tx(
        &self,
        tx: &mut WriteTx,
        t: &Target,
        version: i64,
        check_lock: bool,
    ) -> AppResult<ServiceTaskRow> {
        if check_lock {
            let case = tx
                .case_for_update(t.case.id)
                .await?
                .ok_or(AppError::NotFound)?;
            self.check_locked_key_in_tx(tx, &case, LOCK_KEY).await?;
        }
        let task = tx
            .service_task_for_update(t.task.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if task.version != version {
            return Err(stale());
        }
        let ts = task_status(&task)?;
        if !ts.open() {
            return Err(task_closed(ts));
        }
        Ok(task)
    }

    fn issued_on(doc: &DocumentRow) -> AppResult<NaiveDate> {
        parse_day(doc.issued_on.as_deref().unwrap_or(""))
    }

    pub(crate) async fn service_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::RecordService(input) => self.record_service(actor, cmd, input).await,
            Command::RecordServiceResult(input) => {
                self.record_service_result(actor, cmd, input).await
            }
            Command::SendElectronic {
                task_id,
                version,
                method,
                address,
                consent,
            } => {
                self.send_electronic(actor, cmd, *task_id, *version, *method, address, *consent)
                    .await
            }
            _ => Err(AppError::Internal("not a service command".into())),
        }
    }

    async fn record_service(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &ServiceInput,
    ) -> AppResult<Outcome> {
        let t = self.service_target(actor, cmd, input.task_id).await?;
        if t.task.version != input.version {
            return Err(stale());
        }
        let a = &input.attempt;
        if a.method.electronic() {
            return Err(AppError::invalid(
                "service.electronic_by_send",
                "电子送达请使用“发送电子送达”，由系统发送并记录送达结果",
                "electronic service is sent by the system (send electronic service), which records the result",
            ));
        }
        if a.outcome == AttemptOutcome::Sent && a.method != ServiceMethod::Post {
            return Err(AppError::invalid(
                "service.sent_only_post",
                format!(
                    "{}当场即有结果，请记录为已送达或送达不成功",
                    a.method.name_zh()
                ),
                format!(
                    "service {} has its result at once: record it as served or failed",
                    a.method.name_en()
                ),
            ));
        }
        let served_on = rules::check_attempt(a, Self::issued_on(&t.doc)?, today())?;
        let proof = match &input.proof {
            Some(p) => Some((dossier_rules::check_filename(&p.filename)?, p)),
            None => None,
        };
        self.with_proof(input.proof.as_ref(), || async move {
            let this = self;
            let mut tx = this.store.begin_write().await?;
            let mut task = this
                .lock_task_in_tx(&mut tx, &t, input.version, true)
                .await?;
            let proof_item_id = match &proof {
                Some((filename, p)) => {
                    Some(this.file_proof(&mut tx, actor, &t, filename, p).await?)
                }
                None => None,
            };
            let new = NewServiceAttempt {
                task_id: task.id,
                court_id: task.court_id,
                case_id: task.case_id,
                document_id: task.document_id,
                method: a.method.key().into(),
                outcome: a.outcome.key().into(),
                attempted_on: a.on.to_string(),
                served_on: served_on.map(|d| d.to_string()),
                received_by: a.received_by.trim().into(),
                address: a.address.trim().into(),
                tracking_number: a.tracking_number.trim().into(),
                failure_reason: a.failure_reason.trim().into(),
                witness: a.witness.trim().into(),
                medium: a.medium.trim().into(),
                consent: a.consent,
                proof_item_id,
                provider: None,
                provider_ref: None,
                link_token_sha256: None,
                recorded_by: actor.user_id,
                recorded_by_name: actor.display_name.clone(),
            };
            let attempt_id = tx.insert_service_attempt(&new).await?;
            task.attempts += 1;
            task.last_method = Some(a.method.key().into());
            let version = this
                .apply_outcome(
                    &mut tx,
                    actor,
                    &t,
                    &mut task,
                    a.method,
                    a.outcome,
                    served_on,
                    a.failure_reason.trim(),
                    "",
                    attempt_id,
                    true,
                )
                .await?;
            tx.commit().await?;
            Ok(Outcome {
                id: Some(attempt_id),
                version: Some(version),
                ..Default::default()
            })
        })
        .await
    }

    async fn record_service_result(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &ServiceResultInput,
    ) -> AppResult<Outcome> {
        let t = self.service_target(actor, cmd, input.task_id).await?;
        if t.task.version != input.version {
            return Err(stale());
        }
        let stored = self
            .store
            .service_attempt(input.attempt_id)
            .await?
            .filter(|a| a.task_id == t.task.id)
            .ok_or(AppError::NotFound)?;
        let method = method_of(&stored.method)?;
        if outcome_of(&stored.outcome)? != AttemptOutcome::Sent {
            return Err(AppError::invalid(
                "service.result_recorded",
                "这次送达已有结果，不能再次记录",
                "this attempt has its result already",
            ));
        }
        if input.outcome == AttemptOutcome::Sent {
            return Err(AppError::invalid(
                "service.result_outcome",
                "请选择已送达或送达不成功",
                "choose served or failed",
            ));
        }
        if method.by_messenger() {
            return Err(AppError::invalid(
                "service.result_by_provider",
                "短信、电子邮件送达的结果由发送渠道回报，不能手工记录",
                "the result of SMS and e-mail service comes from the provider",
            ));
        }
        if method == ServiceMethod::Platform && input.outcome == AttemptOutcome::Served {
            return Err(AppError::invalid(
                "service.platform_needs_confirmation",
                "电子送达平台的送达须由受送达人打开链接确认签收；逾期未签收的，可记为送达不成功",
                "service through the platform is complete when the recipient confirms on the link page; an unconfirmed link may be recorded as failed",
            ));
        }
        let sent_on = parse_day(&stored.attempted_on)?;
        if input.on < sent_on {
            return Err(AppError::invalid(
                "service.result_before_sent",
                format!("结果日期不能早于发出日期（{sent_on}）"),
                format!("the date of the result cannot be before the day it was sent ({sent_on})"),
            ));
        }
        let attempt = Attempt {
            method,
            outcome: input.outcome,
            on: input.on,
            received_by: input.received_by.trim().into(),
            address: stored.address.clone(),
            tracking_number: stored.tracking_number.clone(),
            failure_reason: input.failure_reason.trim().into(),
            witness: input.witness.trim().into(),
            medium: stored.medium.clone(),
            consent: stored.consent != 0,
        };
        let served_on = rules::check_attempt(&attempt, Self::issued_on(&t.doc)?, today())?;
        let proof = match &input.proof {
            Some(p) => Some((dossier_rules::check_filename(&p.filename)?, p)),
            None => None,
        };
        self.with_proof(input.proof.as_ref(), || async move {
            let this = self;
            let mut tx = this.store.begin_write().await?;
            let mut task = this
                .lock_task_in_tx(&mut tx, &t, input.version, true)
                .await?;
            let proof_item_id = match &proof {
                Some((filename, p)) => {
                    Some(this.file_proof(&mut tx, actor, &t, filename, p).await?)
                }
                None => stored.proof_item_id,
            };
            let done = tx
                .complete_service_attempt(
                    stored.id,
                    &AttemptResult {
                        outcome: input.outcome.key().into(),
                        served_on: served_on.map(|d| d.to_string()),
                        received_by: attempt.received_by.clone(),
                        witness: attempt.witness.clone(),
                        failure_reason: attempt.failure_reason.clone(),
                        proof_item_id,
                        provider: stored.provider.clone(),
                        provider_ref: stored.provider_ref.clone(),
                        confirmed_at: None,
                    },
                )
                .await?;
            if !done {
                return Err(stale());
            }
            task.last_method = Some(method.key().into());
            let version = this
                .apply_outcome(
                    &mut tx,
                    actor,
                    &t,
                    &mut task,
                    method,
                    input.outcome,
                    served_on,
                    &attempt.failure_reason,
                    "",
                    stored.id,
                    true,
                )
                .await?;
            tx.commit().await?;
            Ok(Outcome {
                id: Some(stored.id),
                version: Some(version),
                ..Default::default()
            })
        })
        .await
    }

    /// Puts an optional proof file in the blob store, runs the write, and takes the blob away
    /// again if the write was refused and nothing else names it.
    async fn with_proof<F, Fut>(&self, proof: Option<&ServiceProof>, write: F) -> AppResult<Outcome>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = AppResult<Outcome>>,
    {
        let blobs = self.dossier_config().blobs;
        let created = match proof {
            Some(p) => blobs.put(&p.file).await?,
            None => false,
        };
        let written = write().await;
        if written.is_err() && created {
            if let Some(p) = proof {
                if !self.store.dossier_blob_referenced(&p.file.sha256).await?
                    && !self.store.document_blob_referenced(&p.file.sha256).await?
                {
                    blobs.delete(&p.file.sha256).await?;
                }
            }
        }
        written
    }

    /// Files a proof scan in the dossier's main volume (执行通知书及送达), with its event.
    async fn file_proof(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        t: &Target,
        filename: &str,
        p: &ServiceProof,
    ) -> AppResult<i64> {
        let (kind_zh, _) = kind_names(&t.doc.kind);
        let title = format!("送达凭证：{kind_zh}（{}）", t.task.recipient_name);
        let kind = DossierKind::from_key("notice")?;
        let volume = Volume::Main;
        let new = NewDossierItem {
            court_id: t.task.court_id,
            case_id: t.task.case_id,
            volume: volume.key().into(),
            kind: kind.key().into(),
            title: title.clone(),
            sha256: p.file.sha256.clone(),
            size_bytes: p.file.size as i64,
            media_type: p.file.media.mime().into(),
            filename: filename.to_string(),
            uploaded_by: actor.user_id,
            uploaded_by_name: actor.display_name.clone(),
        };
        let (id, position) = tx.insert_dossier_item(&new).await?;
        let h = Happened {
            kind: EventKind::DossierItemAdded,
            payload: json!({
                "item_id": id, "volume": volume.key(), "volume_zh": volume.name_zh(),
                "volume_en": volume.name_en(), "kind": kind.key(), "title": title,
                "filename": filename, "sha256": p.file.sha256, "size_bytes": p.file.size,
                "media_type": p.file.media.mime(), "position": position,
                "service_task_id": t.task.id,
            }),
        };
        tx.append_events(&[case_event(
            actor,
            t.task.court_id,
            t.task.case_id,
            tx.now,
            &h,
        )])
        .await?;
        Ok(id)
    }

    /// Moves the task by an attempt's outcome and writes the event; a failure notifies the
    /// officer, a service may issue the notice. `strict`: a refusal of that notice refuses the
    /// whole command (staff recording); otherwise (the recipient's confirmation, the provider's
    /// answer) the service stands and the officer is told why the node did not complete.
    /// Returns the task's new version.
    #[allow(clippy::too_many_arguments)]
    async fn apply_outcome(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        t: &Target,
        task: &mut ServiceTaskRow,
        method: ServiceMethod,
        outcome: AttemptOutcome,
        served_on: Option<NaiveDate>,
        reason_zh: &str,
        reason_en: &str,
        attempt_id: i64,
        strict: bool,
    ) -> AppResult<i64> {
        task.status = rules::task_after(outcome).key().into();
        match outcome {
            AttemptOutcome::Served => {
                task.served_on = served_on.map(|d| d.to_string());
                task.last_failure = None;
            }
            AttemptOutcome::Failed => task.last_failure = Some(reason_zh.to_string()),
            AttemptOutcome::Sent => {}
        }
        if !tx.save_service_task(task).await? {
            return Err(stale());
        }
        let (kind_zh, kind_en) = kind_names(&t.doc.kind);
        let kind = match outcome {
            AttemptOutcome::Sent => EventKind::ServiceSent,
            AttemptOutcome::Served => EventKind::DocumentServed,
            AttemptOutcome::Failed => EventKind::ServiceFailed,
        };
        let h = Happened {
            kind,
            payload: json!({
                "task_id": task.id, "attempt_id": attempt_id, "document_id": t.doc.id,
                "document_number": t.doc.number, "kind": t.doc.kind, "kind_zh": kind_zh,
                "kind_en": kind_en, "method": method.key(), "method_zh": method.name_zh(),
                "method_en": method.name_en(), "recipient": task.recipient_name,
                "party_id": task.party_id, "outcome": outcome.key(),
                "served_on": served_on.map(|d| d.to_string()), "reason": reason_zh,
                "reason_en": if reason_en.is_empty() { reason_zh } else { reason_en },
            }),
        };
        tx.append_events(&[case_event(actor, task.court_id, task.case_id, tx.now, &h)])
            .await?;
        match outcome {
            AttemptOutcome::Failed => {
                self.notify_officer(
                    tx,
                    &t.case,
                    "service_failed",
                    format!(
                        "{} {}送达不成功（{}，受送达人 {}）：{}。请改用其他方式送达",
                        t.case.case_number,
                        kind_zh,
                        method.name_zh(),
                        task.recipient_name,
                        reason_zh
                    ),
                    format!(
                        "{}: service of the {} by {} on {} failed: {}. Try another method",
                        t.case.case_number,
                        kind_en,
                        method.name_en(),
                        task.recipient_name,
                        if reason_en.is_empty() {
                            reason_zh
                        } else {
                            reason_en
                        }
                    ),
                )
                .await?;
            }
            AttemptOutcome::Served => {
                self.complete_notice_in_tx(tx, actor, t, strict).await?;
            }
            AttemptOutcome::Sent => {}
        }
        Ok(task.version + 1)
    }

    async fn notify_officer(
        &self,
        tx: &mut WriteTx,
        case: &CaseRow,
        kind: &str,
        title_zh: String,
        title_en: String,
    ) -> AppResult<()> {
        if let Some(officer) = case.officer_id {
            tx.insert_notifications(&[NewNotification {
                user_id: officer,
                court_id: case.court_id,
                case_id: Some(case.id),
                kind: kind.into(),
                title_zh,
                title_en,
            }])
            .await?;
        }
        Ok(())
    }

    /// Once the notice and the asset-report order are served on every debtor, issues the
    /// notice through the case pipeline (once), so the node 发出执行通知书 completes.
    async fn complete_notice_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        t: &Target,
        strict: bool,
    ) -> AppResult<()> {
        if !NOTICE_KINDS.contains(&t.doc.kind.as_str()) {
            return Ok(());
        }
        let case_id = t.case.id;
        if tx
            .case_has_event_in_tx(case_id, EventKind::NoticeIssued.key())
            .await?
        {
            return Ok(());
        }
        let debtors = tx.case_debtor_ids_in_tx(case_id).await?;
        let served = tx.served_pairs_in_tx(case_id).await?;
        if !rules::notice_served_on_all(&debtors, &served) {
            return Ok(());
        }
        let cmd = Command::Case {
            case_id,
            version: t.case.version,
            action: CaseAction::IssueNotice,
        };
        let item = CaseItem {
            case_id,
            version: None,
            action: CaseAction::IssueNotice,
        };
        let mut results = self
            .case_actions_in_tx(tx, actor, vec![(cmd, item)])
            .await?;
        match results.pop() {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) if strict => Err(e),
            Some(Err(e)) => {
                self.notify_officer(
                    tx,
                    &t.case,
                    "service_notice_refused",
                    format!(
                        "{} 执行通知书、报告财产令已全部送达，但未能自动完成“发出执行通知书”节点：{}",
                        t.case.case_number,
                        e.message_zh()
                    ),
                    format!(
                        "{}: the notice and the asset-report order are served on every debtor, but the node \"issue the notice\" could not be completed: {}",
                        t.case.case_number,
                        e.message_en()
                    ),
                )
                .await
            }
            None => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_electronic(
        &self,
        actor: &Actor,
        cmd: &Command,
        task_id: i64,
        version: i64,
        method: ServiceMethod,
        address: &str,
        consent: bool,
    ) -> AppResult<Outcome> {
        if !method.electronic() {
            return Err(AppError::invalid(
                "service.not_electronic",
                "请选择电子送达方式：电子送达平台、短信或电子邮件",
                "choose an electronic method: platform, SMS or e-mail",
            ));
        }
        let t = self.service_target(actor, cmd, task_id).await?;
        if t.task.version != version {
            return Err(stale());
        }
        let today = today();
        let mut attempt = Attempt {
            method,
            outcome: AttemptOutcome::Sent,
            on: today,
            received_by: String::new(),
            address: address.trim().to_string(),
            tracking_number: String::new(),
            failure_reason: String::new(),
            witness: String::new(),
            medium: String::new(),
            consent,
        };
        rules::check_attempt(&attempt, Self::issued_on(&t.doc)?, today)?;
        // The platform tells the recipient by SMS at the mobile number registered with it.
        let channel = if method == ServiceMethod::Email {
            Channel::Email
        } else {
            Channel::Sms
        };
        attempt.address = messenger::check_address(channel, &attempt.address)?;
        let token = random_token();
        let (attempt_id, mut version) = {
            let mut tx = self.store.begin_write().await?;
            let mut task = self.lock_task_in_tx(&mut tx, &t, version, true).await?;
            let id = tx
                .insert_service_attempt(&NewServiceAttempt {
                    task_id: task.id,
                    court_id: task.court_id,
                    case_id: task.case_id,
                    document_id: task.document_id,
                    method: method.key().into(),
                    outcome: AttemptOutcome::Sent.key().into(),
                    attempted_on: today.to_string(),
                    served_on: None,
                    received_by: String::new(),
                    address: attempt.address.clone(),
                    tracking_number: String::new(),
                    failure_reason: String::new(),
                    witness: String::new(),
                    medium: String::new(),
                    consent,
                    proof_item_id: None,
                    provider: None,
                    provider_ref: None,
                    link_token_sha256: Some(token_hash(&token)),
                    recorded_by: actor.user_id,
                    recorded_by_name: actor.display_name.clone(),
                })
                .await?;
            task.attempts += 1;
            task.last_method = Some(method.key().into());
            let v = self
                .apply_outcome(
                    &mut tx,
                    actor,
                    &t,
                    &mut task,
                    method,
                    AttemptOutcome::Sent,
                    None,
                    "",
                    "",
                    id,
                    true,
                )
                .await?;
            tx.commit().await?;
            (id, v)
        };
        let court = self
            .with_courts(|c| c.get(t.task.court_id).map(|c| c.name.clone()))
            .unwrap_or_default();
        let (kind_zh, _) = kind_names(&t.doc.kind);
        let number = t.doc.number.clone().unwrap_or_default();
        let link = format!("{}/s/{token}", public_base_url());
        let msg = OutgoingMessage {
            channel,
            to: attempt.address.clone(),
            subject: format!("{court}送达《{kind_zh}》（{number}）"),
            body: format!(
                "【{court}】{}：本院就{}案向您送达《{kind_zh}》（{number}）。请点击链接查看、下载文书{}：{link} 链接{LINK_VALID_DAYS}日内有效。",
                t.task.recipient_name,
                t.case.case_number,
                if method == ServiceMethod::Platform {
                    "并确认签收"
                } else {
                    ""
                },
            ),
            reference: format!("service-attempt-{attempt_id}"),
        };
        let delivery = self.messenger().send(&msg).await;
        let mut tx = self.store.begin_write().await?;
        let Some(mut task) = tx.service_task_for_update(t.task.id).await? else {
            return Err(AppError::NotFound);
        };
        let open = task_status(&task)?.open();
        match (&delivery.outcome, method) {
            (DeliveryOutcome::Delivered, ServiceMethod::Platform) => {
                tx.set_service_attempt_provider(
                    attempt_id,
                    &delivery.provider,
                    delivery.provider_ref.as_deref(),
                )
                .await?;
            }
            (outcome, _) => {
                let (result, served_on, reason_zh, reason_en) = match outcome {
                    DeliveryOutcome::Delivered => (
                        AttemptOutcome::Served,
                        Some(beijing_date(delivery.at_ms)),
                        String::new(),
                        String::new(),
                    ),
                    DeliveryOutcome::Failed {
                        reason_zh,
                        reason_en,
                    } => (
                        AttemptOutcome::Failed,
                        None,
                        reason_zh.clone(),
                        reason_en.clone(),
                    ),
                };
                let done = tx
                    .complete_service_attempt(
                        attempt_id,
                        &AttemptResult {
                            outcome: result.key().into(),
                            served_on: served_on.map(|d| d.to_string()),
                            received_by: if result == AttemptOutcome::Served {
                                t.task.recipient_name.clone()
                            } else {
                                String::new()
                            },
                            witness: String::new(),
                            failure_reason: reason_zh.clone(),
                            proof_item_id: None,
                            provider: Some(delivery.provider.clone()),
                            provider_ref: delivery.provider_ref.clone(),
                            confirmed_at: None,
                        },
                    )
                    .await?;
                // Someone completed the task meanwhile (served by another method): the
                // attempt keeps its answer, the task stays as it is.
                if done && open {
                    version = self
                        .apply_outcome(
                            &mut tx, actor, &t, &mut task, method, result, served_on, &reason_zh,
                            &reason_en, attempt_id, false,
                        )
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(Outcome {
            id: Some(attempt_id),
            version: Some(version),
            ..Default::default()
        })
    }

    // -----------------------------------------------------------------------------------------
    // The recipient's link (no login)
    // -----------------------------------------------------------------------------------------

    /// The attempt, task, document and case behind a link that still opens, else not found.
    async fn link_target(
        &self,
        token: &str,
        now: i64,
    ) -> AppResult<(ServiceAttemptRow, ServiceTaskListRow, DocumentRow)> {
        let token = token.trim();
        if token.is_empty() || token.len() > 128 {
            return Err(AppError::NotFound);
        }
        let attempt = self
            .store
            .service_attempt_by_link(&token_hash(token))
            .await?
            .ok_or(AppError::NotFound)?;
        if link_expired(&attempt, now) || outcome_of(&attempt.outcome)? == AttemptOutcome::Failed {
            return Err(AppError::NotFound);
        }
        let task = self
            .store
            .service_task(attempt.task_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let doc = self
            .store
            .document(attempt.document_id)
            .await?
            .filter(|d| d.status == DocStatus::Issued.key() && d.pdf_sha256.is_some())
            .ok_or(AppError::NotFound)?;
        Ok((attempt, task, doc))
    }

    /// Logs the recipient's view or download in the dossier's access log, when the document
    /// is filed there.
    async fn log_link_access(
        &self,
        doc: &DocumentRow,
        task: &ServiceTaskRow,
        action: &str,
    ) -> AppResult<()> {
        if let Some(item) = doc.dossier_item_id {
            self.store
                .log_dossier_access(
                    item,
                    doc.case_id,
                    None,
                    &format!("受送达人 {}（送达链接）", task.recipient_name),
                    action,
                )
                .await?;
        }
        Ok(())
    }

    /// The recipient's page of a link; the first opening is noted on the attempt.
    pub async fn service_link(&self, token: &str) -> AppResult<LinkView> {
        self.service_link_at(token, zhixing_store::now_ms()).await
    }

    /// [`Self::service_link`] as of `now` (UTC milliseconds): links expire by the clock.
    pub async fn service_link_at(&self, token: &str, now: i64) -> AppResult<LinkView> {
        let (attempt, task, doc) = self.link_target(token, now).await?;
        self.store.mark_service_link_opened(attempt.id).await?;
        self.log_link_access(&doc, &task.task, "view").await?;
        let method = method_of(&attempt.method)?;
        let outcome = outcome_of(&attempt.outcome)?;
        let court_name = self
            .with_courts(|c| c.get(task.task.court_id).map(|c| c.name.clone()))
            .unwrap_or_default();
        let (kind_zh, _) = kind_names(&doc.kind);
        Ok(LinkView {
            court_name,
            case_number: task.case_number.clone(),
            kind_zh,
            document_number: doc.number.clone().unwrap_or_default(),
            issued_on: doc.issued_on.clone().unwrap_or_default(),
            recipient_name: task.task.recipient_name.clone(),
            method,
            served_on: attempt.served_on.clone(),
            may_confirm: method == ServiceMethod::Platform && outcome == AttemptOutcome::Sent,
            form_token: link_form_token(token.trim()),
            expires_on: beijing_date(attempt.created_at + LINK_VALID_DAYS * DAY_MS),
        })
    }

    /// The issued PDF behind a link, with its download name; logged as a download.
    pub async fn service_link_pdf(&self, token: &str) -> AppResult<(String, BlobReader)> {
        let (_, task, doc) = self.link_target(token, zhixing_store::now_ms()).await?;
        let sha = doc.pdf_sha256.clone().unwrap_or_default();
        let reader = self.dossier_config().blobs.open(&sha).await?;
        self.log_link_access(&doc, &task.task, "download").await?;
        let (kind_zh, _) = kind_names(&doc.kind);
        let name = format!("{}{kind_zh}.pdf", doc.number.clone().unwrap_or_default());
        Ok((name, reader))
    }

    /// The recipient confirms receipt on the platform's link page: the attempt is served today.
    pub async fn confirm_service_link(&self, token: &str, form_token: &str) -> AppResult<()> {
        let token = token.trim();
        if !same_secret(&link_form_token(token), form_token.trim()) {
            return Err(AppError::forbidden(
                "页面已过期，请重新打开短信中的链接",
                "the page expired; open the link from the message again",
            ));
        }
        let (attempt, task, doc) = self.link_target(token, zhixing_store::now_ms()).await?;
        if method_of(&attempt.method)? != ServiceMethod::Platform {
            return Err(AppError::NotFound);
        }
        if outcome_of(&attempt.outcome)? != AttemptOutcome::Sent {
            // Confirmed already: the page says so; nothing more to do.
            return Ok(());
        }
        let case = self
            .store
            .case_by_id(task.task.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let actor = link_actor(&task.task);
        let t = Target {
            task: task.task.clone(),
            doc,
            case,
        };
        let today = today();
        let mut tx = self.store.begin_write().await?;
        let Some(mut row) = tx.service_task_for_update(t.task.id).await? else {
            return Err(AppError::NotFound);
        };
        let done = tx
            .complete_service_attempt(
                attempt.id,
                &AttemptResult {
                    outcome: AttemptOutcome::Served.key().into(),
                    served_on: Some(today.to_string()),
                    received_by: row.recipient_name.clone(),
                    witness: String::new(),
                    failure_reason: String::new(),
                    proof_item_id: attempt.proof_item_id,
                    provider: attempt.provider.clone(),
                    provider_ref: attempt.provider_ref.clone(),
                    confirmed_at: Some(tx.now),
                },
            )
            .await?;
        if done && task_status(&row)?.open() {
            self.apply_outcome(
                &mut tx,
                &actor,
                &t,
                &mut row,
                ServiceMethod::Platform,
                AttemptOutcome::Served,
                Some(today),
                "",
                "",
                attempt.id,
                false,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Queries
    // -----------------------------------------------------------------------------------------

    /// The routine-work team's list of the actor's court: one tab, oldest first, after `after`.
    pub async fn service_queue(
        &self,
        actor: &Actor,
        tab: QueueTab,
        after: Option<i64>,
    ) -> AppResult<QueuePage> {
        let court = actor.court_id;
        let mut rows = self
            .store
            .service_queue(
                court,
                &[tab.status().key()],
                after.unwrap_or(0),
                QUEUE_PAGE + 1,
            )
            .await?;
        let more = rows.len() as i64 > QUEUE_PAGE;
        rows.truncate(QUEUE_PAGE as usize);
        let today = today();
        let rows: Vec<TaskView> = rows
            .into_iter()
            .map(|r| task_view(r, today))
            .collect::<AppResult<_>>()?;
        let counts_raw = self.store.service_queue_counts(court).await?;
        let counts = QueueTab::ALL
            .into_iter()
            .map(|t| {
                let n = counts_raw
                    .iter()
                    .find(|(s, _)| s == t.status().key())
                    .map_or(0, |(_, n)| *n);
                (t, n)
            })
            .collect();
        Ok(QueuePage {
            tab,
            next_after: if more {
                rows.last().map(|r| r.row.id)
            } else {
                None
            },
            rows,
            counts,
        })
    }

    /// A case's service tasks (any staff who may see the case).
    pub async fn case_service(&self, actor: &Actor, case_id: i64) -> AppResult<CaseServiceView> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        let today = today();
        let tasks = self
            .store
            .case_service_tasks(case_id)
            .await?
            .into_iter()
            .map(|r| task_view(r, today))
            .collect::<AppResult<_>>()?;
        Ok(CaseServiceView {
            case_id,
            case_number: case.case_number,
            tasks,
        })
    }

    /// One task with its attempts and the methods that remain sensible.
    pub async fn service_task(&self, actor: &Actor, id: i64) -> AppResult<TaskDetail> {
        let row = self
            .store
            .service_task(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(row.task.court_id) {
            return Err(AppError::NotFound);
        }
        let case = self
            .store
            .case_by_id(row.task.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let party = self
            .store
            .case_parties(case.id)
            .await?
            .into_iter()
            .find(|p| p.party_id == row.task.party_id);
        let now = zhixing_store::now_ms();
        let today = beijing_date(now);
        let issued = row.document_status == DocStatus::Issued.key();
        let attempts: Vec<AttemptView> = self
            .store
            .service_attempts(id)
            .await?
            .into_iter()
            .map(|a| {
                let method = method_of(&a.method)?;
                let outcome = outcome_of(&a.outcome)?;
                Ok(AttemptView {
                    awaits_result: outcome == AttemptOutcome::Sent && !method.by_messenger(),
                    link_expired: link_expired(&a, now),
                    method,
                    outcome,
                    row: a,
                })
            })
            .collect::<AppResult<_>>()?;
        let task = task_view(row, today)?;
        let open = task.status.open() && issued;
        Ok(TaskDetail {
            methods: if open {
                sensible_methods(&attempts)
            } else {
                Vec::new()
            },
            may_record: open
                && SERVICE_STAFF.contains(&actor.role)
                && actor.court_id == task.row.court_id,
            locked: case.locked != 0,
            recipient_phone: party.as_ref().and_then(|p| p.phone.clone()),
            recipient_address: party.as_ref().and_then(|p| p.address.clone()),
            case_id: case.id,
            task,
            attempts,
            today,
        })
    }
}

/// Who acts when a recipient confirms on the link page: the system on the case's court, as a
/// clerk would (the pipeline's roles), named so the timeline says what happened.
fn link_actor(task: &ServiceTaskRow) -> Actor {
    Actor {
        user_id: None,
        username: "service_link".into(),
        display_name: format!("受送达人 {}（电子送达平台确认签收）", task.recipient_name),
        role: Role::Clerk,
        court_id: task.court_id,
        visible_courts: vec![task.court_id],
    }
}
