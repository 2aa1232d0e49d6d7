//! Document approval on the web (文书审批): a case's documents page `/cases/{id}/documents`
//! (list and the drafting form), a document's page `/documents/{id}` (preview, history and the
//! buttons this user may use), the reviewers' queue `/reviews`, draft previews and issued
//! files, and the API twins under `/api/v1`. Plain HTML forms: a reviewer on a phone approves
//! without scripts. No rule here: who may draft, edit or decide, and what approval does, are
//! the app's (`zhixing_app::doc_review`).

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::doc_review::{
    CaseDocuments, DocumentFile, DocumentSummary, DocumentView, DraftInput, QueueItem,
};
use zhixing_app::documents::GeneratedDocument;
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_docs::data::AssetData;
use zhixing_docs::{DocKind, Format};
use zhixing_domain::document::{ApprovalLevel, DocStatus, ReviewStep};

use crate::api::{problem, Problem};
use crate::i18n::{t, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, expired};

/// The pages' and the API's routes, with their full paths.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/documents", get(case_page).post(draft_post))
        .route("/documents/{id}", get(document_page))
        .route("/documents/{id}/edit", post(edit_post))
        .route("/documents/{id}/review", post(review_post))
        .route("/documents/{id}/{file}", get(page_file))
        .route("/reviews", get(reviews_page))
        .route("/admin/document-approval", post(approval_post))
        .route(
            "/api/v1/cases/{id}/documents",
            get(api_case_documents).post(api_draft),
        )
        .route("/api/v1/documents/{id}", get(api_document).put(api_edit))
        .route("/api/v1/documents/{id}/review", post(api_review))
        .route("/api/v1/documents/{id}/{file}", get(api_file))
        .route("/api/v1/reviews", get(api_reviews))
}

/// Chinese or English, by the page's language. (No `Label` impls for the domain's document
/// enums here: the service pages may want them too, and a trait impl can exist only once.)
fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn kind_name(lang: Lang, k: DocKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

fn in_lang(lang: Lang, e: &AppError) -> String {
    match lang {
        Lang::Zh => e.message_zh(),
        Lang::En => e.message_en(),
    }
}

fn kind_unknown() -> AppError {
    AppError::invalid(
        "document.kind_unknown",
        "请选择文书类别",
        "choose the kind of document",
    )
}

fn kind_of(key: &str) -> Result<DocKind, AppError> {
    DocKind::from_key(key.trim()).ok_or_else(kind_unknown)
}

/// `step` and `comment` as a form or the API sends them.
fn step_of(step: &str, comment: &str) -> Result<ReviewStep, AppError> {
    match step.trim() {
        "submit" => Ok(ReviewStep::Submit),
        "return" => Ok(ReviewStep::Return {
            comment: comment.to_string(),
        }),
        "approve" => Ok(ReviewStep::Approve),
        "withdraw" => Ok(ReviewStep::Withdraw),
        other => Err(AppError::invalid(
            "document.step_unknown",
            format!("未知的审批操作“{other}”"),
            format!("unknown review step \"{other}\"; use submit, return, approve or withdraw"),
        )),
    }
}

/// `file.pdf`, `preview.docx` … → (issued file?, format).
fn file_of(file: &str) -> Result<(bool, Format), AppError> {
    let (name, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let format = Format::from_ext(ext).ok_or(AppError::NotFound)?;
    match name {
        "file" => Ok((true, format)),
        "preview" => Ok((false, format)),
        _ => Err(AppError::NotFound),
    }
}

fn disposition(resp: &mut Response, inline: bool, filename: &str, fallback: &str) {
    let d = crate::format::content_disposition(inline, filename, fallback);
    if let Ok(v) = HeaderValue::from_str(&d) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn generated_response(doc: GeneratedDocument, fallback: &str, inline: bool) -> Response {
    let mut resp = (StatusCode::OK, doc.bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(doc.content_type),
    );
    disposition(&mut resp, inline, &doc.filename, fallback);
    resp
}

fn stored_response(f: DocumentFile, fallback: &str, inline: bool) -> Response {
    let stream = tokio_util::io::ReaderStream::new(f.reader);
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(f.content_type),
    );
    if f.size >= 0 {
        resp.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(f.size));
    }
    disposition(&mut resp, inline, &f.filename, fallback);
    resp
}

/// A document's file: the stored one once issued (`file.*`), the draft rendered now
/// (`preview.*`, which for an issued document is the stored file too).
async fn serve_file(app: &App, actor: &Actor, id: i64, file: &str) -> Result<Response, AppError> {
    let (issued, format) = file_of(file)?;
    let fallback = format!("document-{id}.{}", format.ext());
    // A PDF opens in the browser (a phone shows it); Word downloads.
    let inline = format == Format::Pdf;
    if issued {
        Ok(stored_response(
            app.document_file(actor, id, format).await?,
            &fallback,
            inline,
        ))
    } else {
        Ok(generated_response(
            app.document_preview(actor, id, format).await?,
            &fallback,
            inline,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Form parsing: repeated fields (asset lines) come as a list of pairs
// ---------------------------------------------------------------------------------------------

/// A posted form as its pairs, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The note lines of the textarea (one note a line).
    fn notes(&self) -> Vec<String> {
        self.one("notes")
            .replace("\r\n", "\n")
            .split('\n')
            .map(str::to_string)
            .collect()
    }

    /// The asset lines, one per `asset_description` (the other columns by position).
    fn assets(&self) -> Vec<AssetData> {
        let d = self.all("asset_description");
        let h = self.all("asset_holder");
        let a = self.all("asset_amount");
        let p = self.all("asset_period");
        let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
        (0..d.len())
            .map(|i| AssetData {
                description: at(&d, i),
                holder: at(&h, i),
                amount: at(&a, i),
                period: at(&p, i),
            })
            .collect()
    }

    fn version(&self) -> i64 {
        self.one("version").trim().parse().unwrap_or(-1)
    }
}

// ---------------------------------------------------------------------------------------------
// Lines shown on the pages
// ---------------------------------------------------------------------------------------------

/// A document in a list, in the page's language.
pub struct DocLine {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub kind: &'static str,
    pub status_key: &'static str,
    pub status: &'static str,
    pub level: &'static str,
    /// The number once issued, else empty.
    pub number: String,
    pub drafted_by: String,
    pub reviewed_by: String,
    pub updated_at: i64,
    /// When it was last submitted (UTC ms), 0 if never.
    pub submitted_at: i64,
}

fn doc_line(lang: Lang, d: &DocumentSummary, case_number: &str) -> DocLine {
    DocLine {
        id: d.row.id,
        case_id: d.row.case_id,
        case_number: case_number.to_string(),
        kind: kind_name(lang, d.kind),
        status_key: d.status.key(),
        status: pick(lang, d.status.name_zh(), d.status.name_en()),
        level: pick(lang, d.level.name_zh(), d.level.name_en()),
        number: d.row.number.clone().unwrap_or_default(),
        drafted_by: d.row.drafted_by_name.clone(),
        reviewed_by: d.row.reviewed_by_name.clone().unwrap_or_default(),
        updated_at: d.row.updated_at,
        submitted_at: d.row.submitted_at.unwrap_or(0),
    }
}

/// A kind offered in the drafting form, with who approves it here.
pub struct KindChoice {
    pub key: &'static str,
    pub name: &'static str,
    pub level: &'static str,
    pub needs_assets: bool,
    pub selected: bool,
}

/// One asset line of a form.
#[derive(Default, Clone)]
pub struct AssetLine {
    pub description: String,
    pub holder: String,
    pub amount: String,
    pub period: String,
}

/// What the drafter typed, to show again (after a refusal, or the stored draft).
#[derive(Default, Clone)]
pub struct DraftValues {
    pub cause: String,
    pub notes: String,
    /// Always a few empty lines more than filled, so that lines can be added without scripts.
    pub assets: Vec<AssetLine>,
}

impl DraftValues {
    fn new(cause: String, notes: &[String], assets: &[AssetData]) -> DraftValues {
        let mut lines: Vec<AssetLine> = assets
            .iter()
            .map(|a| AssetLine {
                description: a.description.clone(),
                holder: a.holder.clone(),
                amount: a.amount.clone(),
                period: a.period.clone(),
            })
            .collect();
        let blank = 3usize.saturating_sub(lines.len()).max(1);
        lines.extend(std::iter::repeat_n(AssetLine::default(), blank));
        DraftValues {
            cause,
            notes: notes.join("\n"),
            assets: lines,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Page: a case's documents
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "case_doc_review.html")]
pub struct CaseDocumentsPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub may_draft: bool,
    pub closed: bool,
    pub docs: Vec<DocLine>,
    pub kinds: Vec<KindChoice>,
    pub values: DraftValues,
    pub error: Option<String>,
}

staff_page!(
    CaseDocumentsPage,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/documents", p.case_id)
);

fn case_page_of(
    s: &PageSession,
    v: CaseDocuments,
    selected: Option<DocKind>,
    values: DraftValues,
    error: Option<String>,
) -> CaseDocumentsPage {
    let lang = s.lang;
    CaseDocumentsPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        case_id: v.case_id,
        docs: v
            .documents
            .iter()
            .map(|d| doc_line(lang, d, &v.case_number))
            .collect(),
        case_number: v.case_number,
        may_draft: v.may_draft,
        closed: v.closed,
        kinds: v
            .kinds
            .iter()
            .map(|(k, l)| KindChoice {
                key: k.key(),
                name: kind_name(lang, *k),
                level: pick(lang, l.name_zh(), l.name_en()),
                needs_assets: zhixing_app::doc_review::needs_assets(*k),
                selected: Some(*k) == selected,
            })
            .collect(),
        values,
        error,
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    match app.case_documents(&s.session.actor, id).await {
        Ok(v) => {
            let p = case_page_of(&s, v, None, DraftValues::new(String::new(), &[], &[]), None);
            Html(render_page(&p)).into_response()
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

async fn draft_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let lang = s.lang;
    let user = s.session.user.clone();
    if !same_secret(&s.session.csrf, &f.one("csrf")) {
        return error_page(lang, &expired(), Some(user));
    }
    let kind = kind_of(&f.one("kind")).ok();
    let (notes, assets) = (f.notes(), f.assets());
    let result = match kind {
        Some(kind) => {
            let input = DraftInput {
                case_id: id,
                kind,
                cause: f.one("cause"),
                notes: notes.clone(),
                assets: assets.clone(),
                submit: f.one("action") == "submit",
            };
            app.execute(&s.session.actor, Command::DraftDocument(Box::new(input)))
                .await
        }
        None => Err(kind_unknown()),
    };
    match result {
        Ok(o) => Redirect::to(&format!(
            "/documents/{}?done={}",
            o.id.unwrap_or_default(),
            if f.one("action") == "submit" {
                "submitted"
            } else {
                "saved"
            }
        ))
        .into_response(),
        Err(e @ (AppError::NotFound | AppError::Forbidden { .. } | AppError::Internal(_))) => {
            error_page(lang, &e, Some(user))
        }
        // The form again, with what was typed and the reason.
        Err(e) => match app.case_documents(&s.session.actor, id).await {
            Ok(v) => {
                let values = DraftValues::new(f.one("cause"), &notes, &assets);
                let p = case_page_of(&s, v, kind, values, Some(in_lang(lang, &e)));
                let status =
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                (status, Html(render_page(&p))).into_response()
            }
            Err(e) => error_page(lang, &e, Some(user)),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Page: one document
// ---------------------------------------------------------------------------------------------

/// One step of the history, in the page's language.
pub struct HistoryLine {
    pub step: &'static str,
    pub who: String,
    pub at: i64,
    pub comment: String,
}

fn step_name(lang: Lang, step: &str) -> &'static str {
    let key = match step {
        "draft" => "docs.step.draft",
        "edit" => "docs.step.edit",
        "submit" => "docs.step.submit",
        "return" => "docs.step.return",
        "approve" => "docs.step.approve",
        "withdraw" => "docs.step.withdraw",
        _ => "docs.step.other",
    };
    t(lang, key)
}

#[derive(Template)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub doc: DocLine,
    pub version: i64,
    pub issued: bool,
    pub issued_on: String,
    pub content_sha256: String,
    pub review_comment: String,
    pub dossier_item_id: Option<i64>,
    pub needs_assets: bool,
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    pub decide: bool,
    pub values: DraftValues,
    pub data_assets: Vec<AssetLine>,
    pub data_notes: Vec<String>,
    pub history: Vec<HistoryLine>,
    pub tasks: Vec<(&'static str, i64)>,
    /// What was just done (`?done=`), already in the page's language.
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The comment typed before a refusal.
    pub comment: String,
}

staff_page!(
    DocumentPage,
    section = "cases",
    home = false,
    back = |p| format!("/documents/{}", p.doc.id)
);

fn done_notice(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "saved" => "docs.done.saved",
        "submitted" => "docs.done.submitted",
        "returned" => "docs.done.returned",
        "approved" => "docs.done.approved",
        "withdrawn" => "docs.done.withdrawn",
        _ => return None,
    };
    Some(t(lang, key).to_string())
}

fn document_page_of(
    s: &PageSession,
    v: DocumentView,
    values: Option<DraftValues>,
    notice: Option<String>,
    error: Option<String>,
    comment: String,
) -> DocumentPage {
    let lang = s.lang;
    let d = &v.doc;
    let values = values
        .unwrap_or_else(|| DraftValues::new(v.data.cause.clone(), &v.data.notes, &v.data.assets));
    DocumentPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        doc: doc_line(lang, d, &v.case_number),
        version: d.row.version,
        issued: d.status == DocStatus::Issued,
        issued_on: d.row.issued_on.clone().unwrap_or_default(),
        content_sha256: d.row.content_sha256.clone().unwrap_or_default(),
        review_comment: d.row.review_comment.clone().unwrap_or_default(),
        dossier_item_id: d.row.dossier_item_id,
        needs_assets: zhixing_app::doc_review::needs_assets(d.kind),
        edit: v.permitted.edit,
        submit: v.permitted.submit,
        withdraw: v.permitted.withdraw,
        decide: v.permitted.decide,
        values,
        data_assets: v
            .data
            .assets
            .iter()
            .map(|a| AssetLine {
                description: a.description.clone(),
                holder: a.holder.clone(),
                amount: a.amount.clone(),
                period: a.period.clone(),
            })
            .collect(),
        data_notes: v.data.notes.clone(),
        history: v
            .reviews
            .iter()
            .map(|r| HistoryLine {
                step: step_name(lang, &r.step),
                who: r.actor_name.clone(),
                at: r.at,
                comment: r.comment.clone(),
            })
            .collect(),
        tasks: v
            .tasks
            .iter()
            .map(|(st, n)| (pick(lang, st.name_zh(), st.name_en()), *n))
            .collect(),
        notice,
        error,
        comment,
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn document_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Response {
    match app.document_view(&s.session.actor, id).await {
        Ok(v) => {
            let notice = done_notice(s.lang, q.done.as_deref());
            let p = document_page_of(&s, v, None, notice, None, String::new());
            Html(render_page(&p)).into_response()
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

/// After a refused form on the document page: the page again with the reason and what was
/// typed; "not found" and internal errors are the error page.
async fn refused_on_document(
    app: &App,
    s: &PageSession,
    id: i64,
    e: AppError,
    values: Option<DraftValues>,
    comment: String,
) -> Response {
    let lang = s.lang;
    if matches!(e, AppError::NotFound | AppError::Internal(_)) {
        return error_page(lang, &e, Some(s.session.user.clone()));
    }
    match app.document_view(&s.session.actor, id).await {
        Ok(v) => {
            let p = document_page_of(s, v, values, None, Some(in_lang(lang, &e)), comment);
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            (status, Html(render_page(&p))).into_response()
        }
        Err(e) => error_page(lang, &e, Some(s.session.user.clone())),
    }
}

async fn edit_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    if !same_secret(&s.session.csrf, &f.one("csrf")) {
        return error_page(s.lang, &expired(), Some(s.session.user.clone()));
    }
    let (cause, notes, assets) = (f.one("cause"), f.notes(), f.assets());
    let cmd = Command::EditDocument {
        document_id: id,
        version: f.version(),
        cause: cause.clone(),
        notes: notes.clone(),
        assets: assets.clone(),
    };
    let submit = f.one("action") == "submit";
    let edited = app.execute(&s.session.actor, cmd).await;
    let result = match (edited, submit) {
        (Ok(o), true) => app
            .execute(
                &s.session.actor,
                Command::ReviewDocument {
                    document_id: id,
                    version: o.version.unwrap_or_default(),
                    step: ReviewStep::Submit,
                },
            )
            .await
            .map(|_| "submitted"),
        (Ok(_), false) => Ok("saved"),
        (Err(e), _) => Err(e),
    };
    match result {
        Ok(done) => Redirect::to(&format!("/documents/{id}?done={done}")).into_response(),
        Err(e) => {
            let values = DraftValues::new(cause, &notes, &assets);
            refused_on_document(&app, &s, id, e, Some(values), String::new()).await
        }
    }
}

async fn review_post(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    if !same_secret(&s.session.csrf, &f.one("csrf")) {
        return error_page(s.lang, &expired(), Some(s.session.user.clone()));
    }
    let comment = f.one("comment");
    let step = match step_of(&f.one("step"), &comment) {
        Ok(st) => st,
        Err(e) => return refused_on_document(&app, &s, id, e, None, comment).await,
    };
    let to = match &step {
        ReviewStep::Approve => "/reviews?done=approved".to_string(),
        ReviewStep::Return { .. } => "/reviews?done=returned".to_string(),
        ReviewStep::Submit => format!("/documents/{id}?done=submitted"),
        ReviewStep::Withdraw => format!("/documents/{id}?done=withdrawn"),
    };
    let cmd = Command::ReviewDocument {
        document_id: id,
        version: f.version(),
        step,
    };
    match app.execute(&s.session.actor, cmd).await {
        Ok(_) => Redirect::to(&to).into_response(),
        Err(e) => refused_on_document(&app, &s, id, e, None, comment).await,
    }
}

async fn page_file(
    State(app): State<App>,
    s: PageSession,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    match serve_file(&app, &s.session.actor, id, &file).await {
        Ok(r) => r,
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// Page: the review queue
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "reviews.html")]
pub struct ReviewsPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub is_reviewer: bool,
    pub rows: Vec<DocLine>,
    /// The next page's `after`, when the page is full.
    pub next_after: Option<i64>,
    pub notice: Option<String>,
}

staff_page!(
    ReviewsPage,
    section = "reviews",
    home = true,
    back = "/reviews"
);

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    after: Option<i64>,
    done: Option<String>,
}

fn queue_lines(lang: Lang, items: &[QueueItem]) -> (Vec<DocLine>, Option<i64>) {
    let rows: Vec<DocLine> = items
        .iter()
        .map(|q| doc_line(lang, &q.doc, &q.case_number))
        .collect();
    let next = (items.len() as i64 >= zhixing_app::doc_review::QUEUE_PAGE)
        .then(|| items.last().map(|q| q.doc.row.id))
        .flatten();
    (rows, next)
}

async fn reviews_page(
    State(app): State<App>,
    s: PageSession,
    Query(q): Query<QueueQuery>,
) -> Response {
    let lang = s.lang;
    let actor = &s.session.actor;
    let items = match app.review_queue(actor, q.after.unwrap_or(0)).await {
        Ok(items) => items,
        Err(e) => return error_page(lang, &e, Some(s.session.user.clone())),
    };
    let (rows, next_after) = queue_lines(lang, &items);
    let p = ReviewsPage {
        lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        is_reviewer: App::is_reviewer(actor),
        rows,
        next_after,
        notice: done_notice(lang, q.done.as_deref()),
    };
    Html(render_page(&p)).into_response()
}

// ---------------------------------------------------------------------------------------------
// The court's approval levels, a section of /admin/templates
// ---------------------------------------------------------------------------------------------

/// One level a kind may be given.
pub struct LevelOption {
    pub key: &'static str,
    pub name: &'static str,
    pub selected: bool,
    pub default: bool,
}

/// A kind and the level that approves it at the court.
pub struct LevelRow {
    pub key: &'static str,
    pub name: &'static str,
    pub options: Vec<LevelOption>,
}

/// The section's rows and the setting's version (0 when never saved).
pub async fn approval_rows(
    app: &App,
    court_id: i64,
    lang: Lang,
) -> Result<(Vec<LevelRow>, i64), AppError> {
    let levels = app.approval_levels(court_id).await?;
    let rows = levels
        .iter()
        .map(|(k, current)| LevelRow {
            key: k.key(),
            name: kind_name(lang, *k),
            options: ApprovalLevel::ALL
                .into_iter()
                .map(|l| LevelOption {
                    key: l.key(),
                    name: pick(lang, l.name_zh(), l.name_en()),
                    selected: l == *current,
                    default: l == ApprovalLevel::default_for(k.key()),
                })
                .collect(),
        })
        .collect();
    Ok((rows, app.approval_setting_version(court_id).await?))
}

/// Saves the levels through the settings command (administrators; checked by the app).
async fn approval_post(
    State(app): State<App>,
    s: PageSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let mut levels = std::collections::BTreeMap::new();
    for (name, value) in &f.0 {
        let Some(key) = name.strip_prefix("level.") else {
            continue;
        };
        let kind = DocKind::from_key(key);
        let level = ApprovalLevel::from_key(value);
        if let (Some(kind), Some(level)) = (kind, level) {
            levels.insert(kind, level);
        } else {
            let e = AppError::invalid(
                "setting.document_approval",
                format!("无效的审批权限：{key} = {value}"),
                format!("invalid approval level: {key} = {value}"),
            );
            return error_page(s.lang, &e, Some(s.session.user.clone()));
        }
    }
    let actor = &s.session.actor;
    let cmd = Command::SaveSetting {
        court_id: actor.court_id,
        key: zhixing_app::doc_review::APPROVAL_SETTING.to_string(),
        value: zhixing_app::doc_review::encode_approval_setting(&levels),
        expected_version: f.version(),
    };
    crate::staff::form_command(
        &app,
        &s,
        &f.one("csrf"),
        Ok(cmd),
        "/admin/templates?approval_saved=1#approval",
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

/// An asset named in a ruling.
#[derive(Serialize, Deserialize, ToSchema, Clone, Default)]
pub struct AssetDoc {
    /// 财产名称: bank and account, address of the property …
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub holder: String,
    #[serde(default)]
    pub amount: String,
    /// 期限, e.g. 一年.
    #[serde(default)]
    pub period: String,
}

impl From<&AssetData> for AssetDoc {
    fn from(a: &AssetData) -> Self {
        AssetDoc {
            description: a.description.clone(),
            holder: a.holder.clone(),
            amount: a.amount.clone(),
            period: a.period.clone(),
        }
    }
}

impl From<AssetDoc> for AssetData {
    fn from(a: AssetDoc) -> Self {
        AssetData {
            description: a.description,
            holder: a.holder,
            amount: a.amount,
            period: a.period,
        }
    }
}

/// A document as lists show it.
#[derive(Serialize, ToSchema)]
pub struct DocumentSummaryDoc {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    /// Kind key, e.g. `notice`, `ruling_freeze`, `termination_ruling`.
    pub kind: String,
    pub kind_zh: String,
    /// `draft`, `submitted`, `returned`, `issued` or `withdrawn`.
    pub status: String,
    pub status_zh: String,
    /// Who approves: `judge`, `team_leader`, `bureau_chief` or `president`.
    pub level: String,
    pub level_zh: String,
    /// Send it back with an edit or a review step.
    pub version: i64,
    /// The document number once issued (（2026）豫0883执12号之一).
    pub number: Option<String>,
    pub drafted_by: String,
    pub reviewed_by: Option<String>,
    /// UTC milliseconds.
    pub updated_at: i64,
}

fn summary_doc(d: &DocumentSummary, case_number: &str) -> DocumentSummaryDoc {
    DocumentSummaryDoc {
        id: d.row.id,
        case_id: d.row.case_id,
        case_number: case_number.to_string(),
        kind: d.kind.key().into(),
        kind_zh: d.kind.name_zh().into(),
        status: d.status.key().into(),
        status_zh: d.status.name_zh().into(),
        level: d.level.key().into(),
        level_zh: d.level.name_zh().into(),
        version: d.row.version,
        number: d.row.number.clone(),
        drafted_by: d.row.drafted_by_name.clone(),
        reviewed_by: d.row.reviewed_by_name.clone(),
        updated_at: d.row.updated_at,
    }
}

/// A case's documents.
#[derive(Serialize, ToSchema)]
pub struct CaseDocumentList {
    pub case_id: i64,
    pub case_number: String,
    /// Whether the caller may draft a document here.
    pub may_draft: bool,
    pub items: Vec<DocumentSummaryDoc>,
}

/// What the caller may do with the document now.
#[derive(Serialize, ToSchema)]
pub struct PermittedDoc {
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    /// Return with comments or approve.
    pub decide: bool,
}

/// One step of the review history.
#[derive(Serialize, ToSchema)]
pub struct ReviewStepDoc {
    /// `draft`, `edit`, `submit`, `return`, `approve` or `withdraw`.
    pub step: String,
    pub by: String,
    /// UTC milliseconds.
    pub at: i64,
    pub comment: String,
}

/// Service tasks of the document in one status.
#[derive(Serialize, ToSchema)]
pub struct TaskCountDoc {
    /// `waiting` (not issued yet), `pending`, `sent`, `served`, `failed` or `cancelled`.
    pub status: String,
    pub count: i64,
}

/// A document with its content, history and what the caller may do.
#[derive(Serialize, ToSchema)]
pub struct DocumentDoc {
    #[serde(flatten)]
    pub summary: DocumentSummaryDoc,
    pub cause: String,
    pub notes: Vec<String>,
    pub assets: Vec<AssetDoc>,
    /// The last return's comment.
    pub review_comment: Option<String>,
    /// YYYY-MM-DD, once issued.
    pub issued_on: Option<String>,
    /// SHA-256 of the approved content (canonical JSON of the fill data).
    pub content_sha256: Option<String>,
    pub pdf_sha256: Option<String>,
    pub docx_sha256: Option<String>,
    pub dossier_item_id: Option<i64>,
    pub permitted: PermittedDoc,
    pub history: Vec<ReviewStepDoc>,
    pub service_tasks: Vec<TaskCountDoc>,
    /// The draft preview (marked 草稿) or, once issued, the issued PDF.
    pub preview_url: String,
    /// The issued PDF and DOCX.
    pub pdf_url: Option<String>,
    pub docx_url: Option<String>,
}

fn document_doc(v: DocumentView) -> DocumentDoc {
    let d = &v.doc;
    let id = d.row.id;
    let issued = d.status == DocStatus::Issued;
    DocumentDoc {
        summary: summary_doc(d, &v.case_number),
        cause: v.data.cause.clone(),
        notes: v.data.notes.clone(),
        assets: v.data.assets.iter().map(AssetDoc::from).collect(),
        review_comment: d.row.review_comment.clone(),
        issued_on: d.row.issued_on.clone(),
        content_sha256: d.row.content_sha256.clone(),
        pdf_sha256: d.row.pdf_sha256.clone(),
        docx_sha256: d.row.docx_sha256.clone(),
        dossier_item_id: d.row.dossier_item_id,
        permitted: PermittedDoc {
            edit: v.permitted.edit,
            submit: v.permitted.submit,
            withdraw: v.permitted.withdraw,
            decide: v.permitted.decide,
        },
        history: v
            .reviews
            .iter()
            .map(|r| ReviewStepDoc {
                step: r.step.clone(),
                by: r.actor_name.clone(),
                at: r.at,
                comment: r.comment.clone(),
            })
            .collect(),
        service_tasks: v
            .tasks
            .iter()
            .map(|(s, n)| TaskCountDoc {
                status: s.key().into(),
                count: *n,
            })
            .collect(),
        preview_url: format!("/api/v1/documents/{id}/preview.pdf"),
        pdf_url: issued.then(|| format!("/api/v1/documents/{id}/file.pdf")),
        docx_url: issued.then(|| format!("/api/v1/documents/{id}/file.docx")),
    }
}

/// A new document.
#[derive(Deserialize, ToSchema)]
pub struct DraftRequest {
    /// Kind key, e.g. `notice`, `asset_report_order`, `ruling_freeze`.
    pub kind: String,
    /// 案由 as the document should say it.
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub notes: Vec<String>,
    /// Required (at least one) for `ruling_freeze`, `ruling_seal` and `ruling_deduct`.
    #[serde(default)]
    pub assets: Vec<AssetDoc>,
    /// Submit for approval at once instead of keeping a draft.
    #[serde(default)]
    pub submit: bool,
}

/// The drafter's changes to a draft or returned document.
#[derive(Deserialize, ToSchema)]
pub struct EditRequest {
    pub version: i64,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub assets: Vec<AssetDoc>,
}

/// A review step.
#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub version: i64,
    /// `submit`, `return`, `approve` or `withdraw`.
    pub step: String,
    /// Required to return: what to change.
    #[serde(default)]
    pub comment: String,
}

/// Documents waiting for the caller's approval, oldest first.
#[derive(Serialize, ToSchema)]
pub struct ReviewQueueDoc {
    pub items: Vec<DocumentSummaryDoc>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<i64>,
}

async fn document_json(app: &App, actor: &Actor, id: i64, status: StatusCode) -> Response {
    match app.document_view(actor, id).await {
        Ok(v) => (status, Json(document_doc(v))).into_response(),
        Err(e) => problem(&e),
    }
}

/// A case's documents, newest first, and whether the caller may draft one.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents",
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseDocumentList), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn api_case_documents(
    State(app): State<App>,
    s: ApiSession,
    Path(id): Path<i64>,
) -> Response {
    match app.case_documents(&s.session.actor, id).await {
        Ok(v) => Json(CaseDocumentList {
            case_id: v.case_id,
            may_draft: v.may_draft,
            items: v
                .documents
                .iter()
                .map(|d| summary_doc(d, &v.case_number))
                .collect(),
            case_number: v.case_number,
        })
        .into_response(),
        Err(e) => problem(&e),
    }
}

/// Drafts a document of the case (clerks, officers, judges, team leaders of its court): the
/// case's facts plus the drafter's cause, notes and assets; kept as a draft or submitted to the
/// level the court sets for the kind (those reviewers are notified). Closed, archived and
/// locked cases are refused, as is a ruling on assets without any asset.
#[utoipa::path(post, path = "/api/v1/cases/{id}/documents", request_body = DraftRequest,
    params(("id" = i64, Path, description = "case id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 201, body = DocumentDoc), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem), (status = 423, body = Problem, description = "the case is locked")))]
pub async fn api_draft(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<DraftRequest>,
) -> Response {
    let actor = &s.session.actor;
    let kind = match kind_of(&req.kind) {
        Ok(k) => k,
        Err(e) => return problem(&e),
    };
    let input = DraftInput {
        case_id: id,
        kind,
        cause: req.cause,
        notes: req.notes,
        assets: req.assets.into_iter().map(AssetData::from).collect(),
        submit: req.submit,
    };
    match app
        .execute(actor, Command::DraftDocument(Box::new(input)))
        .await
    {
        Ok(o) => document_json(&app, actor, o.id.unwrap_or_default(), StatusCode::CREATED).await,
        Err(e) => problem(&e),
    }
}

/// A document: content, status, number and hashes once issued, history, service tasks and
/// what the caller may do now.
#[utoipa::path(get, path = "/api/v1/documents/{id}",
    params(("id" = i64, Path, description = "document id")),
    responses((status = 200, body = DocumentDoc), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn api_document(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    document_json(&app, &s.session.actor, id, StatusCode::OK).await
}

/// Changes a draft or returned document (its drafter or the case's officer); the case's facts
/// are refreshed.
#[utoipa::path(put, path = "/api/v1/documents/{id}", request_body = EditRequest,
    params(("id" = i64, Path, description = "document id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 200, body = DocumentDoc), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "changed since `version`"),
        (status = 422, body = Problem)))]
pub async fn api_edit(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<EditRequest>,
) -> Response {
    let actor = &s.session.actor;
    let cmd = Command::EditDocument {
        document_id: id,
        version: req.version,
        cause: req.cause,
        notes: req.notes,
        assets: req.assets.into_iter().map(AssetData::from).collect(),
    };
    match app.execute(actor, cmd).await {
        Ok(_) => document_json(&app, actor, id, StatusCode::OK).await,
        Err(e) => problem(&e),
    }
}

/// A review step: `submit` and `withdraw` by the drafter (or the case's officer); `return`
/// (with a comment) and `approve` by the level the kind requires, never on one's own draft.
/// Approval issues the document: its number, fixed content (hash), PDF and DOCX, the PDF
/// filed in the dossier, service tasks ready.
#[utoipa::path(post, path = "/api/v1/documents/{id}/review", request_body = ReviewRequest,
    params(("id" = i64, Path, description = "document id"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses((status = 200, body = DocumentDoc), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "changed since `version`"),
        (status = 422, body = Problem, description = "not this step now, no comment on a return, or not the required level (`document.approval_level`, `document.self_approval`)")))]
pub async fn api_review(
    State(app): State<App>,
    s: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> Response {
    let actor = &s.session.actor;
    let step = match step_of(&req.step, &req.comment) {
        Ok(st) => st,
        Err(e) => return problem(&e),
    };
    let cmd = Command::ReviewDocument {
        document_id: id,
        version: req.version,
        step,
    };
    match app.execute(actor, cmd).await {
        Ok(_) => document_json(&app, actor, id, StatusCode::OK).await,
        Err(e) => problem(&e),
    }
}

/// A document's file: `file.pdf` / `file.docx` are the issued files as stored (logged as an
/// access to the dossier); `preview.pdf` / `preview.docx` render an unissued document now,
/// marked 草稿（未经审批）.
#[utoipa::path(get, path = "/api/v1/documents/{id}/{file}",
    params(("id" = i64, Path, description = "document id"),
        ("file" = String, Path, description = "`file.pdf`, `file.docx`, `preview.pdf` or `preview.docx`")),
    responses(
        (status = 200, description = "The file (application/pdf or the Word MIME type), named after the document number", content_type = "application/octet-stream"),
        (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "`file.*` of a document not issued yet")))]
pub async fn api_file(
    State(app): State<App>,
    s: ApiSession,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    match serve_file(&app, &s.session.actor, id, &file).await {
        Ok(r) => r,
        Err(e) => problem(&e),
    }
}

#[derive(Deserialize)]
pub struct ApiQueueQuery {
    after: Option<i64>,
}

/// Documents submitted at a level the caller approves, in their court, oldest first (their own
/// drafts left out); 50 a page.
#[utoipa::path(get, path = "/api/v1/reviews",
    params(("after" = Option<i64>, Query, description = "the previous page's `next_after`")),
    responses((status = 200, body = ReviewQueueDoc), (status = 401, body = Problem)))]
pub async fn api_reviews(
    State(app): State<App>,
    s: ApiSession,
    Query(q): Query<ApiQueueQuery>,
) -> Response {
    match app
        .review_queue(&s.session.actor, q.after.unwrap_or(0))
        .await
    {
        Ok(items) => {
            let next_after = (items.len() as i64 >= zhixing_app::doc_review::QUEUE_PAGE)
                .then(|| items.last().map(|q| q.doc.row.id))
                .flatten();
            Json(ReviewQueueDoc {
                items: items
                    .iter()
                    .map(|q| summary_doc(&q.doc, &q.case_number))
                    .collect(),
                next_after,
            })
            .into_response()
        }
        Err(e) => problem(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_files_and_fields_parse() {
        assert_eq!(step_of("approve", "").unwrap(), ReviewStep::Approve);
        assert_eq!(
            step_of("return", "改").unwrap(),
            ReviewStep::Return {
                comment: "改".into()
            }
        );
        assert_eq!(
            step_of("sign", "").unwrap_err().code(),
            "document.step_unknown"
        );
        assert_eq!(file_of("file.pdf").unwrap(), (true, Format::Pdf));
        assert_eq!(file_of("preview.docx").unwrap(), (false, Format::Docx));
        assert!(file_of("notice.pdf").is_err() && file_of("file.txt").is_err());
        let f = Fields(vec![
            ("asset_description".into(), "存款".into()),
            ("asset_holder".into(), "李四".into()),
            ("asset_amount".into(), "1".into()),
            ("asset_period".into(), "一年".into()),
            ("asset_description".into(), "".into()),
            ("asset_holder".into(), "".into()),
            ("asset_amount".into(), "".into()),
            ("asset_period".into(), "".into()),
            ("notes".into(), "甲\r\n乙".into()),
            ("version".into(), "3".into()),
        ]);
        let a = f.assets();
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].holder.as_str(), a[1].description.as_str()),
            ("李四", "")
        );
        assert_eq!(f.notes(), vec!["甲".to_string(), "乙".to_string()]);
        assert_eq!(f.version(), 3);
        assert_eq!(Fields(vec![]).version(), -1);
        let v = DraftValues::new("x".into(), &[], &[]);
        assert_eq!(v.assets.len(), 3);
    }
}
