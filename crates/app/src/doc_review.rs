//! Document approval (文书审批): a clerk or assistant drafts, the level the kind requires
//! reviews — returns it with comments or approves — and approval issues it. Everything goes
//! through the command pipeline (`Command::DraftDocument`, `EditDocument`, `ReviewDocument`);
//! every step is an event on the case's chain and a `document_reviews` row, in one
//! transaction.
//!
//! Approval fixes the content: the fill data as approved (with its number and date of issue)
//! is hashed (`content_sha256`), typeset into PDF and DOCX with the court's template, both put
//! in the blob store and the PDF filed in the dossier's main volume; the event carries the
//! three hashes. The service tasks of a served kind become `pending` only then: nothing
//! unapproved can be served. Typesetting is CPU work and happens before the write
//! transaction opens; if the transaction fails, the files it stored are taken away again.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zhixing_docs::data::AssetData;
use zhixing_docs::{DocData, DocKind, Format};
use zhixing_domain::audit::canonical_payload;
use zhixing_domain::document::{
    check_reviewer, document_number, review, served_on, ApprovalLevel, DocStatus, ReviewStep,
    ServedOn, TaskStatus, DRAFTERS,
};
use zhixing_domain::dossier::Volume;
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::Happened;
use zhixing_domain::role::Role;
use zhixing_store::documents::{DocumentReviewRow, DocumentRow, NewDocument, NewServiceTask};
use zhixing_store::dossier::NewDossierItem;
use zhixing_store::notifications::NewNotification;
use zhixing_store::rows::CaseRow;
use zhixing_store::{NewEvent, WriteTx};

use crate::blobs::{self, BlobReader};
use crate::commands::{case_event, Command, Outcome};
use crate::documents::{decode_template, GeneratedDocument};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};

/// The lock whitelist's key for document work (drafting, changing, submitting, issuing).
pub const LOCK_KEY: &str = "draft_document";

/// The court setting that sets the approval level of kinds: a JSON object kind → level key,
/// e.g. `{"termination_ruling": "president"}`; kinds not named keep their default.
pub const APPROVAL_SETTING: &str = "document_approval";

/// Everyone who approves at some level.
pub const REVIEWERS: &[Role] = &[
    Role::Judge,
    Role::TeamLeader,
    Role::BureauChief,
    Role::President,
];

/// How many documents of the review queue a page shows.
pub const QUEUE_PAGE: i64 = 50;

/// Who may take a review step: drafters submit and withdraw, reviewers return and approve.
pub fn step_roles(step: &ReviewStep) -> &'static [Role] {
    match step {
        ReviewStep::Submit | ReviewStep::Withdraw => DRAFTERS,
        ReviewStep::Return { .. } | ReviewStep::Approve => REVIEWERS,
    }
}

/// What the drafter writes into a document; the rest comes from the case.
#[derive(Debug, Clone)]
pub struct DraftInput {
    pub case_id: i64,
    pub kind: DocKind,
    pub cause: String,
    pub notes: Vec<String>,
    pub assets: Vec<AssetData>,
    /// Submit for approval at once instead of keeping a draft.
    pub submit: bool,
}

/// Rulings that act on named assets: refused without at least one.
pub fn needs_assets(kind: DocKind) -> bool {
    matches!(
        kind,
        DocKind::RulingFreeze | DocKind::RulingSeal | DocKind::RulingDeduct
    )
}

/// The dossier kind (`zhixing_domain::dossier::KINDS`) an issued document is filed under.
pub fn dossier_kind(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Notice | DocKind::AssetReportOrder | DocKind::ServiceReceipt => "notice",
        DocKind::RulingFreeze | DocKind::RulingSeal | DocKind::RulingDeduct => "control",
        DocKind::ConsumptionRestriction | DocKind::DishonestDecision => "coercion",
        DocKind::TerminationRuling => "closing",
        DocKind::ReceptionRecord => "filing",
    }
}

fn invalid(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::invalid(code, zh, en)
}

fn conflict() -> AppError {
    AppError::Conflict(
        "文书已被他人修改或处理，请刷新后重试 / the document was changed by someone else; reload and try again"
            .into(),
    )
}

/// One line of free text: trimmed, without control characters, at most `max` characters.
fn line(value: &str, max: usize, zh: &str, en: &str) -> AppResult<String> {
    let v = value.trim();
    if v.chars().any(char::is_control) {
        return Err(invalid(
            "document.control_chars",
            format!("{zh}含有换行或不可见字符，请分行填写"),
            format!("the {en} contains line breaks or control characters"),
        ));
    }
    if v.chars().count() > max {
        return Err(invalid(
            "document.too_long",
            format!("{zh}不能超过 {max} 字"),
            format!("the {en} may be at most {max} characters"),
        ));
    }
    Ok(v.to_string())
}

/// The drafter's part, checked: the cause, the note lines and the asset lines (blank lines
/// dropped). A ruling on assets needs at least one asset.
pub fn check_edits(
    kind: DocKind,
    cause: &str,
    notes: &[String],
    assets: &[AssetData],
) -> AppResult<(String, Vec<String>, Vec<AssetData>)> {
    let cause = line(cause, 100, "案由", "cause")?;
    let notes = notes
        .iter()
        .map(|n| line(n, 500, "说明", "note"))
        .filter(|n| !matches!(n, Ok(t) if t.is_empty()))
        .collect::<AppResult<Vec<_>>>()?;
    if notes.len() > 50 {
        return Err(invalid(
            "document.too_many_lines",
            "说明不能超过 50 行",
            "at most 50 note lines",
        ));
    }
    let mut lines = Vec::new();
    for (i, a) in assets.iter().enumerate() {
        let n = i + 1;
        let a = AssetData {
            description: line(&a.description, 200, "财产名称", "asset description")?,
            holder: line(&a.holder, 100, "财产所有人", "asset holder")?,
            amount: line(&a.amount, 40, "金额", "amount")?,
            period: line(&a.period, 20, "期限", "period")?,
        };
        if a.description.is_empty() && a.holder.is_empty() && a.amount.is_empty() {
            continue;
        }
        if a.description.is_empty() {
            return Err(invalid(
                "document.asset_description",
                format!("第 {n} 项财产须写明财产名称（如开户行及账号、房产坐落）"),
                format!("asset line {n} needs a description (bank and account, address …)"),
            ));
        }
        lines.push(a);
    }
    if lines.len() > 50 {
        return Err(invalid(
            "document.too_many_lines",
            "财产不能超过 50 项",
            "at most 50 asset lines",
        ));
    }
    if needs_assets(kind) && lines.is_empty() {
        return Err(assets_required(kind));
    }
    Ok((cause, notes, lines))
}

fn assets_required(kind: DocKind) -> AppError {
    invalid(
        "document.assets_required",
        format!(
            "{}须列明至少一项被执行人财产（财产名称、所有人、金额、期限）",
            kind.name_zh()
        ),
        format!(
            "a {} must name at least one asset of the debtor",
            kind.name_en().to_lowercase()
        ),
    )
}

/// Parses the court setting `document_approval`.
pub fn parse_approval_setting(value: &str) -> AppResult<BTreeMap<DocKind, ApprovalLevel>> {
    let bad = || {
        invalid(
            "setting.document_approval",
            "文书审批权限应为“文书类别 → 审批层级”的对照表",
            "the approval levels must be a map of document kind to level",
        )
    };
    let map: BTreeMap<String, String> = serde_json::from_str(value).map_err(|_| bad())?;
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let kind = DocKind::from_key(&k).ok_or_else(|| {
            invalid(
                "setting.document_kind_unknown",
                format!("未知的文书类别：{k}"),
                format!("unknown document kind: {k}"),
            )
        })?;
        let level = ApprovalLevel::from_key(&v).ok_or_else(|| {
            invalid(
                "setting.approval_level_unknown",
                format!("{}的审批层级无效：{v}", kind.name_zh()),
                format!("unknown approval level for {}: {v}", kind.name_en()),
            )
        })?;
        out.insert(kind, level);
    }
    Ok(out)
}

/// The stored form of a court's levels: only the kinds that differ from the default.
pub fn encode_approval_setting(levels: &BTreeMap<DocKind, ApprovalLevel>) -> String {
    let map: BTreeMap<&str, &str> = levels
        .iter()
        .filter(|(k, l)| ApprovalLevel::default_for(k.key()) != **l)
        .map(|(k, l)| (k.key(), l.key()))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

fn status_of(row: &DocumentRow) -> AppResult<DocStatus> {
    DocStatus::from_key(&row.status)
        .ok_or_else(|| AppError::Internal(format!("document {}: status {}", row.id, row.status)))
}

fn level_of(row: &DocumentRow) -> AppResult<ApprovalLevel> {
    ApprovalLevel::from_key(&row.approval_level).ok_or_else(|| {
        AppError::Internal(format!("document {}: level {}", row.id, row.approval_level))
    })
}

fn kind_of(row: &DocumentRow) -> AppResult<DocKind> {
    DocKind::from_key(&row.kind)
        .ok_or_else(|| AppError::Internal(format!("document {}: kind {}", row.id, row.kind)))
}

fn data_of(row: &DocumentRow) -> AppResult<DocData> {
    serde_json::from_str(&row.data_json)
        .map_err(|e| AppError::Internal(format!("document {}: data {e}", row.id)))
}

/// The 终本 ruling is the closing itself: it is drafted by the closing procedure, which checks
/// the conditions, and issuing it closes the case (`closing.rs`).
pub fn by_closing_only(kind: DocKind) -> bool {
    kind == DocKind::TerminationRuling
}

/// Closed and archived cases take no more documents.
fn check_case_open(case: &CaseRow) -> AppResult<()> {
    if case.stage == "closed" || case.stage == "archived" {
        return Err(invalid(
            "document.case_closed",
            "案件已结案或归档，不能再起草、修改或签发文书",
            "the case is closed or archived; documents can no longer be drafted, changed or issued",
        ));
    }
    Ok(())
}

/// The drafter and the case's officer (承办人) handle a document before review.
fn is_handler(actor: &Actor, doc: &DocumentRow, officer_id: Option<i64>) -> bool {
    actor.court_id == doc.court_id
        && DRAFTERS.contains(&actor.role)
        && actor.user_id.is_some()
        && (actor.user_id == doc.drafted_by || actor.user_id == officer_id)
}

fn not_handler() -> AppError {
    AppError::forbidden(
        "只有起草人或本案承办人可以修改、提交或撤回该文书",
        "only the drafter or the case's officer may change, submit or withdraw this document",
    )
}

fn base_payload(doc_id: i64, kind: DocKind) -> Value {
    json!({
        "document_id": doc_id,
        "kind": kind.key(),
        "kind_zh": kind.name_zh(),
        "kind_en": kind.name_en(),
    })
}

fn doc_event(
    actor: &Actor,
    court_id: i64,
    case_id: i64,
    at: i64,
    kind: EventKind,
    payload: Value,
) -> NewEvent {
    case_event(actor, court_id, case_id, at, &Happened { kind, payload })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What the actor may do with a document now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Permitted {
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    /// Return with comments or approve.
    pub decide: bool,
}

/// A document as lists show it.
#[derive(Debug, Clone)]
pub struct DocumentSummary {
    pub row: DocumentRow,
    pub kind: DocKind,
    pub status: DocStatus,
    pub level: ApprovalLevel,
}

impl DocumentSummary {
    fn new(row: DocumentRow) -> AppResult<DocumentSummary> {
        Ok(DocumentSummary {
            kind: kind_of(&row)?,
            status: status_of(&row)?,
            level: level_of(&row)?,
            row,
        })
    }
}

/// A case's documents page.
#[derive(Debug, Clone)]
pub struct CaseDocuments {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    /// The actor may draft here (role, own court, case open).
    pub may_draft: bool,
    /// Closed or archived: why drafting is not offered.
    pub closed: bool,
    pub documents: Vec<DocumentSummary>,
    /// Each kind with the level that approves it at this court.
    pub kinds: Vec<(DocKind, ApprovalLevel)>,
}

/// One document with its history.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub doc: DocumentSummary,
    pub case_number: String,
    pub data: DocData,
    pub reviews: Vec<DocumentReviewRow>,
    pub permitted: Permitted,
    /// Service tasks by status (for an issued document of a served kind).
    pub tasks: Vec<(TaskStatus, i64)>,
}

/// A document waiting for this reviewer.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub doc: DocumentSummary,
    pub case_number: String,
}

/// A stored file of an issued document.
pub struct DocumentFile {
    pub filename: String,
    pub content_type: &'static str,
    pub size: i64,
    pub reader: BlobReader,
}

impl App {
    /// The level that approves a kind at a court: its `document_approval` setting, else the
    /// default.
    pub async fn approval_level(&self, court_id: i64, kind: DocKind) -> AppResult<ApprovalLevel> {
        Ok(self
            .approval_levels(court_id)
            .await?
            .get(&kind)
            .copied()
            .unwrap_or_else(|| ApprovalLevel::default_for(kind.key())))
    }

    /// Every kind's level at a court (the setting over the defaults).
    pub async fn approval_levels(
        &self,
        court_id: i64,
    ) -> AppResult<BTreeMap<DocKind, ApprovalLevel>> {
        let mut levels: BTreeMap<DocKind, ApprovalLevel> = DocKind::ALL
            .into_iter()
            .map(|k| (k, ApprovalLevel::default_for(k.key())))
            .collect();
        if let Some((value, _)) = self.store.court_setting(court_id, APPROVAL_SETTING).await? {
            levels.extend(parse_approval_setting(&value)?);
        }
        Ok(levels)
    }

    /// The version of a court's `document_approval` setting (0 when never saved).
    pub async fn approval_setting_version(&self, court_id: i64) -> AppResult<i64> {
        Ok(self
            .store
            .court_setting(court_id, APPROVAL_SETTING)
            .await?
            .map_or(0, |(_, v)| v))
    }

    pub(crate) async fn document_command(
        &self,
        actor: &Actor,
        cmd: &Command,
    ) -> AppResult<Outcome> {
        match cmd {
            Command::DraftDocument(input) => self.draft_document(actor, cmd, input).await,
            Command::EditDocument {
                document_id,
                version,
                cause,
                notes,
                assets,
            } => {
                self.edit_document(actor, cmd, *document_id, *version, cause, notes, assets)
                    .await
            }
            Command::ReviewDocument {
                document_id,
                version,
                step,
            } => {
                self.review_document(actor, cmd, *document_id, *version, step)
                    .await
            }
            _ => Err(AppError::Internal("not a document command".into())),
        }
    }

    async fn draft_document(
        &self,
        actor: &Actor,
        cmd: &Command,
        input: &DraftInput,
    ) -> AppResult<Outcome> {
        let case = self
            .store
            .case_by_id(input.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.court_scope(actor, case.court_id, cmd)?;
        if by_closing_only(input.kind) {
            return Err(invalid(
                "document.ruling_by_closing",
                "终本裁定须在结案页面报请“终结本次执行程序”时生成，不能单独起草",
                "a 终本 ruling is drafted by asking to close the case as 终本 on the closing page, not on its own",
            ));
        }
        let (cause, notes, assets) =
            check_edits(input.kind, &input.cause, &input.notes, &input.assets)?;
        let mut data = self.document_data(actor, case.id).await?;
        data.cause = cause;
        data.notes = notes;
        data.assets = assets;
        let mut tx = self.store.begin_write().await?;
        let id = self
            .draft_in_tx(
                &mut tx,
                actor,
                case.id,
                input.kind,
                data,
                input.submit,
                None,
            )
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            version: Some(1),
            case_number: Some(case.case_number),
            ..Default::default()
        })
    }

    /// Drafts a document inside the caller's transaction (the single command and the
    /// routine-work batch alike): the checks (role, own court, case open, lock, content), the
    /// row, its review history, the events, the served kinds' `waiting` service tasks and,
    /// when submitted, the reviewers' notifications. Does not commit; a refusal returns before
    /// anything is written.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn draft_in_tx(
        &self,
        tx: &mut WriteTx,
        actor: &Actor,
        case_id: i64,
        kind: DocKind,
        mut data: DocData,
        submit: bool,
        batch_id: Option<i64>,
    ) -> AppResult<i64> {
        let case = &tx
            .case_for_update(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !DRAFTERS.contains(&actor.role) {
            return Err(AppError::forbidden(
                format!("{}无权起草文书", actor.role.name_zh()),
                format!("a {} may not draft documents", actor.role.name_en()),
            ));
        }
        if !actor.can_see_court(case.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != case.court_id {
            return Err(AppError::forbidden(
                "您只能办理本院的案件和事务",
                "you may only act on your own court's matters",
            ));
        }
        check_case_open(case)?;
        self.check_locked_key_in_tx(tx, case, LOCK_KEY).await?;
        if needs_assets(kind) && data.assets.is_empty() {
            return Err(assets_required(kind));
        }
        if data.case_id != case.id {
            return Err(AppError::Internal(format!(
                "document data of case {} given for case {}",
                data.case_id, case.id
            )));
        }
        let level = self.approval_level(case.court_id, kind).await?;
        data.draft = false;
        if data.number.is_empty() {
            data.number = case.case_number.clone();
        }
        let status = if submit {
            DocStatus::Submitted
        } else {
            DocStatus::Draft
        };
        let data_json = serde_json::to_string(&data)
            .map_err(|e| AppError::Internal(format!("document data: {e}")))?;
        let id = tx
            .insert_document(&NewDocument {
                court_id: case.court_id,
                case_id: case.id,
                kind: kind.key().into(),
                status: status.key().into(),
                approval_level: level.key().into(),
                data_json,
                drafted_by: actor.user_id,
                drafted_by_name: actor.display_name.clone(),
                batch_id,
            })
            .await?;
        tx.insert_document_review(id, "draft", actor.user_id, &actor.display_name, "")
            .await?;
        let mut payload = base_payload(id, kind);
        payload["level"] = json!(level.key());
        payload["level_zh"] = json!(level.name_zh());
        if let Some(b) = batch_id {
            payload["batch_id"] = json!(b);
        }
        let mut events = vec![doc_event(
            actor,
            case.court_id,
            case.id,
            tx.now,
            EventKind::DocumentDrafted,
            payload.clone(),
        )];
        if submit {
            tx.insert_document_review(id, "submit", actor.user_id, &actor.display_name, "")
                .await?;
            events.push(doc_event(
                actor,
                case.court_id,
                case.id,
                tx.now,
                EventKind::DocumentSubmitted,
                payload,
            ));
            let notes = self
                .reviewer_notifications(case, actor, kind, level)
                .await?;
            tx.insert_notifications(&notes).await?;
        }
        if served_on(kind.key()) != ServedOn::Nobody {
            let tasks = service_tasks(tx, case, id, kind, TaskStatus::Waiting, batch_id).await?;
            tx.insert_service_tasks(&tasks).await?;
        }
        let kinds: Vec<EventKind> = events
            .iter()
            .filter_map(|e| EventKind::from_key(&e.kind))
            .collect();
        crate::nodes::react_in_tx(
            self,
            tx,
            case.court_id,
            case.id,
            &kinds,
            case.suspended != 0,
        )
        .await?;
        tx.append_events(&events).await?;
        Ok(id)
    }

    /// Who hears of a submitted document: the users of the level's own post at the court (the
    /// case's team's, when the level is a team post and the team has one), not the drafter.
    async fn reviewer_notifications(
        &self,
        case: &CaseRow,
        actor: &Actor,
        kind: DocKind,
        level: ApprovalLevel,
    ) -> AppResult<Vec<NewNotification>> {
        let role = level.roles()[0];
        let users = self.store.users_of_courts(&[case.court_id]).await?;
        let candidates: Vec<_> = users
            .iter()
            .filter(|u| u.active == 1 && u.role == role.key() && Some(u.id) != actor.user_id)
            .collect();
        let on_team: Vec<i64> = candidates
            .iter()
            .filter(|u| case.team_id.is_some() && u.team_id == case.team_id)
            .map(|u| u.id)
            .collect();
        let ids: Vec<i64> = if on_team.is_empty() {
            candidates.iter().map(|u| u.id).collect()
        } else {
            on_team
        };
        Ok(ids
            .into_iter()
            .map(|user_id| NewNotification {
                user_id,
                court_id: case.court_id,
                case_id: Some(case.id),
                kind: "document_submitted".into(),
                title_zh: format!(
                    "待审批：{} {}（{}起草）",
                    case.case_number,
                    kind.name_zh(),
                    actor.display_name
                ),
                title_en: format!(
                    "To approve: {} {} (drafted by {})",
                    case.case_number,
                    kind.name_en(),
                    actor.display_name
                ),
            })
            .collect())
    }

    #[allow(clippy::too_many_arguments)]
    async fn edit_document(
        &self,
        actor: &Actor,
        cmd: &Command,
        document_id: i64,
        version: i64,
        cause: &str,
        notes: &[String],
        assets: &[AssetData],
    ) -> AppResult<Outcome> {
        let doc = self
            .store
            .document(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.court_scope(actor, doc.court_id, cmd)?;
        let case = self
            .store
            .case_by_id(doc.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !is_handler(actor, &doc, case.officer_id) {
            return Err(not_handler());
        }
        let status = status_of(&doc)?;
        if !status.editable() {
            return Err(invalid(
                "document.not_editable",
                format!("文书当前为「{}」，不能修改", status.name_zh()),
                format!("the document is {}; it cannot be changed", status.name_en()),
            ));
        }
        if doc.version != version {
            return Err(conflict());
        }
        let kind = kind_of(&doc)?;
        let (cause, notes, assets) = check_edits(kind, cause, notes, assets)?;
        let before = data_of(&doc)?;
        // The case's facts as they are now; the clerk named when it was drafted stays.
        let mut data = self.document_data(actor, doc.case_id).await?;
        data.clerk = before.clerk;
        data.cause = cause;
        data.notes = notes;
        data.assets = assets;
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .case_for_update(doc.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        check_case_open(&row)?;
        self.check_locked_key_in_tx(&mut tx, &row, LOCK_KEY).await?;
        let mut current = tx
            .document_in_tx(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(conflict());
        }
        current.data_json = serde_json::to_string(&data)
            .map_err(|e| AppError::Internal(format!("document data: {e}")))?;
        if !tx.save_document(&current).await? {
            return Err(conflict());
        }
        tx.insert_document_review(document_id, "edit", actor.user_id, &actor.display_name, "")
            .await?;
        let ev = doc_event(
            actor,
            row.court_id,
            row.id,
            tx.now,
            EventKind::DocumentEdited,
            base_payload(document_id, kind),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(document_id),
            version: Some(version + 1),
            case_number: Some(row.case_number),
            ..Default::default()
        })
    }

    async fn review_document(
        &self,
        actor: &Actor,
        cmd: &Command,
        document_id: i64,
        version: i64,
        step: &ReviewStep,
    ) -> AppResult<Outcome> {
        let doc = self
            .store
            .document(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.court_scope(actor, doc.court_id, cmd)?;
        let case = self
            .store
            .case_by_id(doc.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let status = status_of(&doc)?;
        let level = level_of(&doc)?;
        match step {
            ReviewStep::Submit | ReviewStep::Withdraw => {
                if !is_handler(actor, &doc, case.officer_id) {
                    return Err(not_handler());
                }
            }
            ReviewStep::Return { .. } | ReviewStep::Approve => {
                check_reviewer(level, actor.role, actor.user_id, doc.drafted_by)?;
            }
        }
        review(status, step)?;
        if doc.version != version {
            return Err(conflict());
        }
        if matches!(step, ReviewStep::Approve) {
            return self.issue_document(actor, doc, case, version).await;
        }
        let kind = kind_of(&doc)?;
        let mut tx = self.store.begin_write().await?;
        let row = tx
            .case_for_update(doc.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if matches!(step, ReviewStep::Submit) {
            check_case_open(&row)?;
            self.check_locked_key_in_tx(&mut tx, &row, LOCK_KEY).await?;
        }
        let mut current = tx
            .document_in_tx(document_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if current.version != version {
            return Err(conflict());
        }
        let next = review(status_of(&current)?, step)?;
        current.status = next.key().into();
        let mut payload = base_payload(document_id, kind);
        let mut comment = String::new();
        let mut notes = Vec::new();
        let event_kind = match step {
            ReviewStep::Submit => {
                current.submitted_at = Some(tx.now);
                payload["level"] = json!(level.key());
                payload["level_zh"] = json!(level.name_zh());
                notes = self
                    .reviewer_notifications(&row, actor, kind, level)
                    .await?;
                EventKind::DocumentSubmitted
            }
            ReviewStep::Return { comment: c } => {
                comment = c.trim().to_string();
                current.reviewed_by = actor.user_id;
                current.reviewed_by_name = Some(actor.display_name.clone());
                current.review_comment = Some(comment.clone());
                payload["comment"] = json!(comment);
                if let Some(drafter) = current.drafted_by.filter(|d| Some(*d) != actor.user_id) {
                    notes.push(NewNotification {
                        user_id: drafter,
                        court_id: row.court_id,
                        case_id: Some(row.id),
                        kind: "document_returned".into(),
                        title_zh: format!(
                            "文书被退回：{} {}（{}：{}）",
                            row.case_number,
                            kind.name_zh(),
                            actor.display_name,
                            comment
                        ),
                        title_en: format!(
                            "Document returned: {} {} ({}: {})",
                            row.case_number,
                            kind.name_en(),
                            actor.display_name,
                            comment
                        ),
                    });
                }
                EventKind::DocumentReturned
            }
            ReviewStep::Withdraw => {
                let n = tx
                    .move_document_tasks(
                        document_id,
                        TaskStatus::Waiting.key(),
                        TaskStatus::Cancelled.key(),
                    )
                    .await?;
                payload["tasks_cancelled"] = json!(n);
                EventKind::DocumentWithdrawn
            }
            ReviewStep::Approve => unreachable!("approval issues the document above"),
        };
        if !tx.save_document(&current).await? {
            return Err(conflict());
        }
        tx.insert_document_review(
            document_id,
            step.key(),
            actor.user_id,
            &actor.display_name,
            &comment,
        )
        .await?;
        tx.insert_notifications(&notes).await?;
        crate::nodes::react_in_tx(
            self,
            &mut tx,
            row.court_id,
            row.id,
            &[event_kind],
            row.suspended != 0,
        )
        .await?;
        let ev = doc_event(actor, row.court_id, row.id, tx.now, event_kind, payload);
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(document_id),
            version: Some(version + 1),
            case_number: Some(row.case_number),
            ..Default::default()
        })
    }

    /// Approval: number, date of issue, content hash, both files rendered and stored, the PDF
    /// filed, the service tasks released — the files before the transaction, the rest in it.
    async fn issue_document(
        &self,
        actor: &Actor,
        doc: DocumentRow,
        case: CaseRow,
        version: i64,
    ) -> AppResult<Outcome> {
        check_case_open(&case)?;
        let kind = kind_of(&doc)?;
        let level = level_of(&doc)?;
        let closing = if by_closing_only(kind) {
            Some(self.dormant_checks_for_ruling(&case).await?)
        } else {
            None
        };
        let nth = self
            .store
            .predicted_nth_of_kind(case.id, kind.key())
            .await?;
        let number = document_number(&case.case_number, u32::try_from(nth).unwrap_or(u32::MAX));
        let today = crate::nodes::beijing_date(zhixing_store::now_ms());
        let mut data = data_of(&doc)?;
        data.number = number.clone();
        data.issued_on = zhixing_docs::chinese_date(today);
        data.draft = false;
        let value = serde_json::to_value(&data)
            .map_err(|e| AppError::Internal(format!("document data: {e}")))?;
        let content_json = canonical_payload(&value);
        let content_sha256 = sha256_hex(content_json.as_bytes());
        let template = self
            .store
            .court_setting(case.court_id, &kind.setting_key())
            .await?
            .and_then(|(v, _)| decode_template(&v));
        let (pdf, docx) = tokio::task::spawn_blocking(move || {
            let pdf = zhixing_docs::generate(kind, template.as_deref(), &data, Format::Pdf)?;
            let docx = zhixing_docs::generate(kind, template.as_deref(), &data, Format::Docx)?;
            Ok::<_, zhixing_docs::DocError>((pdf, docx))
        })
        .await
        .map_err(|e| AppError::Internal(format!("typesetting: {e}")))?
        .map_err(|e| {
            invalid(
                "document.failed",
                format!("文书生成失败，未签发：{}", e.message_zh()),
                format!(
                    "the document could not be typeset and was not issued: {}",
                    e.message_en()
                ),
            )
        })?;
        let store = self.dossier_config().blobs;
        let mut created: Vec<String> = Vec::new();
        let result = async {
            let (pdf_sha256, new) = blobs::put_bytes(&*store, &pdf).await?;
            if new {
                created.push(pdf_sha256.clone());
            }
            let (docx_sha256, new) = blobs::put_bytes(&*store, &docx).await?;
            if new {
                created.push(docx_sha256.clone());
            }
            let mut tx = self.store.begin_write().await?;
            let row = tx
                .case_for_update(case.id)
                .await?
                .ok_or(AppError::NotFound)?;
            check_case_open(&row)?;
            self.check_locked_key_in_tx(&mut tx, &row, LOCK_KEY).await?;
            let mut current = tx.document_in_tx(doc.id).await?.ok_or(AppError::NotFound)?;
            if current.version != version {
                return Err(conflict());
            }
            review(status_of(&current)?, &ReviewStep::Approve)?;
            if tx.next_nth_of_kind(case.id, kind.key()).await? != nth {
                return Err(conflict());
            }
            let title = format!("{} {}", kind.name_zh(), number);
            let filename = format!("{}{}.pdf", number, kind.name_zh());
            let (item_id, position) = tx
                .insert_dossier_item(&NewDossierItem {
                    court_id: row.court_id,
                    case_id: row.id,
                    volume: Volume::Main.key().into(),
                    kind: dossier_kind(kind).into(),
                    title: title.clone(),
                    sha256: pdf_sha256.clone(),
                    size_bytes: pdf.len() as i64,
                    media_type: "application/pdf".into(),
                    filename: filename.clone(),
                    uploaded_by: actor.user_id,
                    uploaded_by_name: actor.display_name.clone(),
                })
                .await?;
            current.status = DocStatus::Issued.key().into();
            current.data_json = content_json.clone();
            current.reviewed_by = actor.user_id;
            current.reviewed_by_name = Some(actor.display_name.clone());
            current.number = Some(number.clone());
            current.nth_of_kind = Some(nth);
            current.issued_at = Some(tx.now);
            current.issued_on = Some(today.format("%Y-%m-%d").to_string());
            current.content_sha256 = Some(content_sha256.clone());
            current.pdf_sha256 = Some(pdf_sha256.clone());
            current.docx_sha256 = Some(docx_sha256.clone());
            current.dossier_item_id = Some(item_id);
            if !tx.save_document(&current).await? {
                return Err(conflict());
            }
            tx.insert_document_review(doc.id, "approve", actor.user_id, &actor.display_name, "")
                .await?;
            let mut released = 0;
            if served_on(kind.key()) != ServedOn::Nobody {
                released = tx
                    .move_document_tasks(
                        doc.id,
                        TaskStatus::Waiting.key(),
                        TaskStatus::Pending.key(),
                    )
                    .await?;
                if tx.document_task_total(doc.id).await? == 0 {
                    let tasks =
                        service_tasks(&mut tx, &row, doc.id, kind, TaskStatus::Pending, None)
                            .await?;
                    released = tasks.len() as u64;
                    tx.insert_service_tasks(&tasks).await?;
                }
            }
            if let Some(drafter) = current.drafted_by.filter(|d| Some(*d) != actor.user_id) {
                tx.insert_notifications(&[NewNotification {
                    user_id: drafter,
                    court_id: row.court_id,
                    case_id: Some(row.id),
                    kind: "document_issued".into(),
                    title_zh: format!("文书已批准签发：{} {}", kind.name_zh(), number),
                    title_en: format!(
                        "Document approved and issued: {} {}",
                        kind.name_en(),
                        number
                    ),
                }])
                .await?;
            }
            let filed = doc_event(
                actor,
                row.court_id,
                row.id,
                tx.now,
                EventKind::DossierItemAdded,
                json!({
                    "item_id": item_id, "volume": Volume::Main.key(),
                    "volume_zh": Volume::Main.name_zh(), "volume_en": Volume::Main.name_en(),
                    "kind": dossier_kind(kind), "title": title, "filename": filename,
                    "sha256": pdf_sha256, "size_bytes": pdf.len(),
                    "media_type": "application/pdf", "position": position,
                    "document_id": doc.id,
                }),
            );
            let mut payload = base_payload(doc.id, kind);
            payload["number"] = json!(number);
            payload["level"] = json!(level.key());
            payload["level_zh"] = json!(level.name_zh());
            payload["issued_on"] = json!(today.format("%Y-%m-%d").to_string());
            payload["content_sha256"] = json!(content_sha256);
            payload["pdf_sha256"] = json!(pdf_sha256);
            payload["docx_sha256"] = json!(docx_sha256);
            payload["dossier_item_id"] = json!(item_id);
            payload["service_tasks"] = json!(released);
            let issued = doc_event(
                actor,
                row.court_id,
                row.id,
                tx.now,
                EventKind::DocumentIssued,
                payload,
            );
            crate::nodes::react_in_tx(
                self,
                &mut tx,
                row.court_id,
                row.id,
                &[EventKind::DossierItemAdded, EventKind::DocumentIssued],
                row.suspended != 0,
            )
            .await?;
            tx.append_events(&[filed, issued]).await?;
            if let Some(checks) = &closing {
                self.close_on_ruling_in_tx(&mut tx, actor, &row, checks, &number)
                    .await?;
            }
            tx.commit().await?;
            AppResult::Ok(Outcome {
                id: Some(doc.id),
                version: Some(version + 1),
                case_number: Some(row.case_number),
                ..Default::default()
            })
        }
        .await;
        if result.is_err() {
            for sha in &created {
                if !self.store.document_blob_referenced(sha).await?
                    && !self.store.dossier_blob_referenced(sha).await?
                {
                    store.delete(sha).await?;
                }
            }
        }
        result
    }

    /// A case's documents, newest first, and whether the actor may draft one.
    pub async fn case_documents(&self, actor: &Actor, case_id: i64) -> AppResult<CaseDocuments> {
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .filter(|c| actor.can_see_court(c.court_id))
            .ok_or(AppError::NotFound)?;
        let closed = check_case_open(&case).is_err();
        let documents = self
            .store
            .case_documents(case_id)
            .await?
            .into_iter()
            .map(DocumentSummary::new)
            .collect::<AppResult<Vec<_>>>()?;
        let kinds = self
            .approval_levels(case.court_id)
            .await?
            .into_iter()
            .filter(|(k, _)| !by_closing_only(*k))
            .collect();
        Ok(CaseDocuments {
            case_id,
            case_number: case.case_number,
            court_id: case.court_id,
            may_draft: DRAFTERS.contains(&actor.role) && actor.court_id == case.court_id && !closed,
            closed,
            documents,
            kinds,
        })
    }

    /// What the actor may do with a document now.
    fn permitted(&self, actor: &Actor, doc: &DocumentSummary, case: &CaseRow) -> Permitted {
        let open = check_case_open(case).is_ok();
        let handler = is_handler(actor, &doc.row, case.officer_id);
        let reviewer = actor.court_id == doc.row.court_id
            && check_reviewer(doc.level, actor.role, actor.user_id, doc.row.drafted_by).is_ok();
        let can = |step: &ReviewStep| review(doc.status, step).is_ok();
        Permitted {
            edit: handler && open && doc.status.editable(),
            submit: handler && open && can(&ReviewStep::Submit),
            withdraw: handler && can(&ReviewStep::Withdraw),
            decide: reviewer && open && doc.status == DocStatus::Submitted,
        }
    }

    /// One document: its data, history, service tasks and what the actor may do.
    pub async fn document_view(&self, actor: &Actor, document_id: i64) -> AppResult<DocumentView> {
        let row = self
            .store
            .document(document_id)
            .await?
            .filter(|d| actor.can_see_court(d.court_id))
            .ok_or(AppError::NotFound)?;
        let case = self
            .store
            .case_by_id(row.case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let data = data_of(&row)?;
        let (reviews, tasks) = tokio::try_join!(
            self.store.document_reviews(document_id),
            self.store.document_task_counts(document_id)
        )?;
        let doc = DocumentSummary::new(row)?;
        let permitted = self.permitted(actor, &doc, &case);
        Ok(DocumentView {
            doc,
            case_number: case.case_number,
            data,
            reviews,
            permitted,
            tasks: tasks
                .into_iter()
                .filter_map(|(s, n)| TaskStatus::from_key(&s).map(|s| (s, n)))
                .collect(),
        })
    }

    /// The documents waiting for the actor: submitted at a level their post approves, in
    /// their court, oldest first after `after_id`; their own drafts left out.
    pub async fn review_queue(&self, actor: &Actor, after_id: i64) -> AppResult<Vec<QueueItem>> {
        let levels: Vec<&str> = ApprovalLevel::ALL
            .into_iter()
            .filter(|l| l.roles().contains(&actor.role))
            .map(|l| l.key())
            .collect();
        let rows = self
            .store
            .documents_by_status(
                actor.court_id,
                DocStatus::Submitted.key(),
                &levels,
                after_id,
                QUEUE_PAGE,
            )
            .await?;
        rows.into_iter()
            .filter(|r| actor.user_id.is_none() || r.document.drafted_by != actor.user_id)
            .map(|r| {
                Ok(QueueItem {
                    doc: DocumentSummary::new(r.document)?,
                    case_number: r.case_number,
                })
            })
            .collect()
    }

    /// Whether the actor approves anything (the nav link to the queue).
    pub fn is_reviewer(actor: &Actor) -> bool {
        REVIEWERS.contains(&actor.role)
    }

    /// The stored PDF or DOCX of an issued document, logged as an access to its dossier item.
    pub async fn document_file(
        &self,
        actor: &Actor,
        document_id: i64,
        format: Format,
    ) -> AppResult<DocumentFile> {
        let row = self
            .store
            .document(document_id)
            .await?
            .filter(|d| actor.can_see_court(d.court_id))
            .ok_or(AppError::NotFound)?;
        let kind = kind_of(&row)?;
        let sha = match format {
            Format::Pdf => row.pdf_sha256.clone(),
            Format::Docx => row.docx_sha256.clone(),
        };
        let (Some(sha), Some(number)) = (sha, row.number.clone()) else {
            return Err(invalid(
                "document.not_issued",
                "文书尚未批准签发，只能预览草稿",
                "the document is not issued yet; only the draft can be previewed",
            ));
        };
        let store = self.dossier_config().blobs;
        let reader = store.open(&sha).await?;
        if let Some(item) = row.dossier_item_id {
            self.store
                .log_dossier_access(
                    item,
                    row.case_id,
                    actor.user_id,
                    &actor.display_name,
                    "download",
                )
                .await?;
        }
        let size = match format {
            Format::Pdf => match row.dossier_item_id {
                Some(item) => self
                    .store
                    .dossier_item(item)
                    .await?
                    .map_or(-1, |i| i.size_bytes),
                None => -1,
            },
            Format::Docx => -1,
        };
        Ok(DocumentFile {
            filename: format!("{}{}.{}", number, kind.name_zh(), format.ext()),
            content_type: format.content_type(),
            size,
            reader,
        })
    }

    /// A document as it would print now: an unissued one rendered on the fly and marked
    /// 草稿; an issued one is its stored file (`document_file`).
    pub async fn document_preview(
        &self,
        actor: &Actor,
        document_id: i64,
        format: Format,
    ) -> AppResult<GeneratedDocument> {
        let row = self
            .store
            .document(document_id)
            .await?
            .filter(|d| actor.can_see_court(d.court_id))
            .ok_or(AppError::NotFound)?;
        let kind = kind_of(&row)?;
        let store = self.dossier_config().blobs;
        if let (Some(pdf), Some(docx), Some(number)) =
            (&row.pdf_sha256, &row.docx_sha256, &row.number)
        {
            let sha = if format == Format::Pdf { pdf } else { docx };
            return Ok(GeneratedDocument {
                filename: format!("{}{}.{}", number, kind.name_zh(), format.ext()),
                content_type: format.content_type(),
                bytes: blobs::read_all(&*store, sha).await?,
            });
        }
        let mut data = data_of(&row)?;
        data.draft = true;
        let template = self
            .store
            .court_setting(row.court_id, &kind.setting_key())
            .await?
            .and_then(|(v, _)| decode_template(&v));
        let filename = format!(
            "{}-{}（草稿）.{}",
            data.case_number,
            kind.name_zh(),
            format.ext()
        );
        let bytes = tokio::task::spawn_blocking(move || {
            zhixing_docs::generate(kind, template.as_deref(), &data, format)
        })
        .await
        .map_err(|e| AppError::Internal(format!("typesetting: {e}")))?
        .map_err(|e| invalid("document.failed", e.message_zh(), e.message_en()))?;
        Ok(GeneratedDocument {
            filename,
            content_type: format.content_type(),
            bytes,
        })
    }
}

/// The service tasks of a document: one per recipient its kind is served on.
async fn service_tasks(
    tx: &mut WriteTx,
    case: &CaseRow,
    document_id: i64,
    kind: DocKind,
    status: TaskStatus,
    batch_id: Option<i64>,
) -> AppResult<Vec<NewServiceTask>> {
    let who = served_on(kind.key());
    Ok(tx
        .case_recipients(case.id)
        .await?
        .into_iter()
        .filter(|(_, role, _)| match who {
            ServedOn::Debtors => role == "debtor",
            ServedOn::Everyone => true,
            ServedOn::Nobody => false,
        })
        .map(|(party_id, role, name)| NewServiceTask {
            court_id: case.court_id,
            case_id: case.id,
            document_id,
            party_id,
            recipient_name: name,
            recipient_role: role,
            status: status.key().into(),
            batch_id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(d: &str) -> AssetData {
        AssetData {
            description: d.into(),
            holder: "李四".into(),
            amount: "38,000.00".into(),
            period: "一年".into(),
        }
    }

    /// A line the form left empty but for its default period.
    fn blank() -> AssetData {
        AssetData {
            description: String::new(),
            holder: String::new(),
            amount: String::new(),
            period: "一年".into(),
        }
    }

    #[test]
    fn edits_are_trimmed_and_rulings_need_assets() {
        let (cause, notes, assets) = match check_edits(
            DocKind::RulingFreeze,
            " 借款合同纠纷 ",
            &["  ".into(), "第一行".into()],
            &[asset("工商银行账户 6222…"), blank()],
        ) {
            Ok(v) => v,
            Err(e) => panic!("{}", e.message_zh()),
        };
        assert_eq!(cause, "借款合同纠纷");
        assert_eq!(notes, vec!["第一行".to_string()]);
        assert_eq!(assets.len(), 1);
        let e = check_edits(DocKind::RulingSeal, "", &[], &[]).unwrap_err();
        assert_eq!(e.code(), "document.assets_required");
        assert!(
            e.message_zh().contains("执行裁定书（查封）"),
            "{}",
            e.message_zh()
        );
        assert_eq!(
            check_edits(DocKind::RulingDeduct, "", &[], &[blank()])
                .unwrap_err()
                .code(),
            "document.assets_required"
        );
        assert!(check_edits(DocKind::Notice, "", &[], &[]).is_ok());
        let mut half = asset("");
        half.description.clear();
        half.holder = "李四".into();
        assert_eq!(
            check_edits(DocKind::RulingFreeze, "", &[], &[half])
                .unwrap_err()
                .code(),
            "document.asset_description"
        );
        assert_eq!(
            check_edits(DocKind::Notice, "a\nb", &[], &[])
                .unwrap_err()
                .code(),
            "document.control_chars"
        );
    }

    #[test]
    fn the_setting_names_kinds_and_levels() {
        let m = parse_approval_setting(r#"{"notice":"team_leader"}"#).unwrap();
        assert_eq!(m.get(&DocKind::Notice), Some(&ApprovalLevel::TeamLeader));
        assert_eq!(
            parse_approval_setting(r#"{"nope":"judge"}"#)
                .unwrap_err()
                .code(),
            "setting.document_kind_unknown"
        );
        assert_eq!(
            parse_approval_setting(r#"{"notice":"clerk"}"#)
                .unwrap_err()
                .code(),
            "setting.approval_level_unknown"
        );
        assert!(parse_approval_setting("[1]").is_err());
        let mut all: BTreeMap<DocKind, ApprovalLevel> = DocKind::ALL
            .into_iter()
            .map(|k| (k, ApprovalLevel::default_for(k.key())))
            .collect();
        assert_eq!(encode_approval_setting(&all), "{}");
        all.insert(DocKind::TerminationRuling, ApprovalLevel::President);
        assert_eq!(
            encode_approval_setting(&all),
            r#"{"termination_ruling":"president"}"#
        );
    }

    #[test]
    fn every_kind_is_filed_under_a_dossier_kind() {
        for k in DocKind::ALL {
            assert!(zhixing_domain::dossier::DocKind::from_key(dossier_kind(k)).is_ok());
        }
    }
}
