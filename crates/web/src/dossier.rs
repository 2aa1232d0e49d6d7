//! The electronic dossier's pages and API: the catalogue in two volumes with the upload form
//! (multipart, streamed to the app's staging so nothing large is held in memory), reordering,
//! viewing and downloading (logged by the app), the access log for supervisors, and the export
//! package of an archived case. Upload routes have their own body limit (the app's per-file
//! limit, enforced while streaming); the rest keep the server's small limit.

use askama::Template;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::commands::Command;
use zhixing_app::dossier::{DossierUpload, DossierView, DOSSIER_STAFF};
use zhixing_app::views::CurrentUser;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::dossier::{DocKind, Move, Volume};
use zhixing_domain::role::Role;

use crate::api::{problem, Problem};
use crate::i18n::{t, Lang};
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::{error_page, form_command};

/// Multipart overhead allowed beyond the file limit before a request is refused unread.
const MULTIPART_SLACK: u64 = 1024 * 1024;

pub fn routes() -> Router<App> {
    let uploads = Router::new()
        .route("/cases/{id}/dossier", post(upload_page))
        .route("/api/v1/cases/{id}/dossier/items", post(api_upload))
        .layer(DefaultBodyLimit::disable());
    let rest = Router::new()
        .route("/cases/{id}/dossier", get(dossier_page))
        .route("/cases/{id}/dossier/export.zip", get(export_page))
        .route("/dossier/items/{id}", get(item_page))
        .route("/dossier/items/{id}/move", post(move_page))
        .route("/api/v1/cases/{id}/dossier", get(api_dossier))
        .route("/api/v1/cases/{id}/dossier/export.zip", get(api_export))
        .route("/api/v1/dossier/items/{id}/content", get(api_item))
        .route("/api/v1/dossier/items/{id}/move", post(api_move))
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            crate::MAX_BODY_BYTES,
        ));
    uploads.merge(rest)
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

pub struct ItemLine {
    pub id: i64,
    pub position: i64,
    pub kind: &'static str,
    pub title: String,
    pub filename: String,
    pub size: String,
    pub media_type: String,
    pub uploaded_by: String,
    pub created_at: i64,
}

pub struct VolumeBlock {
    pub key: &'static str,
    pub name: &'static str,
    pub items: Vec<ItemLine>,
}

pub struct AccessLine {
    pub who: String,
    pub at: i64,
    pub action: &'static str,
    pub title: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
pub struct DossierPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub case_id: i64,
    pub case_number: String,
    pub archived: bool,
    pub may_upload: bool,
    pub volumes: Vec<VolumeBlock>,
    pub access_log: Option<Vec<AccessLine>>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub max_mb: u64,
    pub notice: bool,
}

staff_page!(
    DossierPage,
    section = "cases",
    home = false,
    back = |p| format!("/cases/{}/dossier", p.case_id)
);

pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    }
}

/// The page of a case's dossier, shaped from the app's view (also used by the benchmark).
pub fn dossier_page_of(
    lang: Lang,
    user: CurrentUser,
    csrf: String,
    v: &DossierView,
    max_upload: u64,
    notice: bool,
) -> DossierPage {
    let zh = lang == Lang::Zh;
    DossierPage {
        lang,
        user,
        csrf,
        case_id: v.case_id,
        case_number: v.case_number.clone(),
        archived: v.archived,
        may_upload: v.may_upload,
        volumes: v
            .volumes
            .iter()
            .map(|vol| VolumeBlock {
                key: vol.volume.key(),
                name: if zh {
                    vol.volume.name_zh()
                } else {
                    vol.volume.name_en()
                },
                items: vol
                    .items
                    .iter()
                    .map(|i| ItemLine {
                        id: i.row.id,
                        position: i.row.position,
                        kind: if zh { i.kind_zh } else { i.kind_en },
                        title: i.row.title.clone(),
                        filename: i.row.filename.clone(),
                        size: size_text(i.row.size_bytes),
                        media_type: i.row.media_type.clone(),
                        uploaded_by: i.row.uploaded_by_name.clone(),
                        created_at: i.row.created_at,
                    })
                    .collect(),
            })
            .collect(),
        access_log: v.access_log.as_ref().map(|log| {
            log.iter()
                .map(|a| AccessLine {
                    who: a.user_name.clone(),
                    at: a.at,
                    action: t(lang, &format!("dossier.action.{}", a.action)),
                    title: a.title.clone(),
                })
                .collect()
        }),
        kinds: DocKind::all()
            .map(|k| (k.key(), if zh { k.name_zh() } else { k.name_en() }))
            .collect(),
        max_mb: max_upload / (1024 * 1024),
        notice,
    }
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    added: Option<String>,
}

async fn dossier_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    let user = s.session.user.clone();
    match app.dossier_view(&s.session.actor, id).await {
        Ok(v) => {
            let max = app.dossier_config().max_upload;
            let p = dossier_page_of(
                s.lang,
                user,
                s.session.csrf.clone(),
                &v,
                max,
                q.added.is_some(),
            );
            axum::response::Html(render_page(&p)).into_response()
        }
        Err(e) => error_page(s.lang, &e, Some(user)),
    }
}

/// What a multipart upload said besides the file.
#[derive(Default)]
struct UploadFields {
    csrf: Option<String>,
    volume: Option<String>,
    kind: Option<String>,
    title: Option<String>,
    filename: Option<String>,
    file: Option<zhixing_app::blobs::Staged>,
}

fn bad_request(zh: &str, en: &str) -> AppError {
    AppError::invalid("dossier.bad_request", zh, en)
}

/// Reads a multipart upload, streaming the `file` part into the app's staging. With
/// `csrf_session` (pages) the `csrf` part must come before the file and match.
async fn read_upload(
    app: &App,
    actor: &Actor,
    headers: &HeaderMap,
    mut mp: Multipart,
    csrf_session: Option<&str>,
) -> Result<UploadFields, AppError> {
    if !DOSSIER_STAFF.contains(&actor.role) {
        return Err(AppError::forbidden(
            format!("{}无权添加卷宗材料", actor.role.name_zh()),
            format!(
                "a {} may not add documents to the dossier",
                actor.role.name_en()
            ),
        ));
    }
    let limit = app.dossier_config().max_upload;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + MULTIPART_SLACK) {
        return Err(zhixing_app::blobs::too_large(limit));
    }
    let mp_err = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            zhixing_app::blobs::too_large(limit)
        } else {
            bad_request(
                "上传内容格式有误",
                "the upload is not a valid multipart form",
            )
        }
    };
    let mut f = UploadFields::default();
    while let Some(mut field) = mp.next_field().await.map_err(mp_err)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            if let Some(expected) = csrf_session {
                if !f.csrf.as_deref().is_some_and(|c| same_secret(expected, c)) {
                    return Err(crate::staff::expired());
                }
            }
            f.filename = Some(field.file_name().unwrap_or("").to_string());
            let mut staging = app.begin_upload().await?;
            while let Some(chunk) = field.chunk().await.map_err(mp_err)? {
                staging.write(&chunk).await?;
            }
            f.file = Some(staging.finish().await?);
        } else {
            let text = field.text().await.map_err(mp_err)?;
            if text.len() > 4096 {
                return Err(bad_request("表单字段过长", "a form field is too long"));
            }
            match name.as_str() {
                "csrf" => f.csrf = Some(text),
                "volume" => f.volume = Some(text),
                "kind" => f.kind = Some(text),
                "title" => f.title = Some(text),
                _ => {}
            }
        }
    }
    Ok(f)
}

fn upload_command(case_id: i64, f: UploadFields) -> Result<Command, AppError> {
    let file = f.file.ok_or_else(|| {
        AppError::invalid(
            "dossier.file_required",
            "请选择要上传的文件",
            "choose a file to upload",
        )
    })?;
    Ok(Command::AddDossierItem(Box::new(DossierUpload {
        case_id,
        volume: Volume::from_key(f.volume.as_deref().unwrap_or("main"))?,
        kind: DocKind::from_key(f.kind.as_deref().unwrap_or("other"))?,
        title: f.title.unwrap_or_default(),
        filename: f.filename.unwrap_or_default(),
        file: std::sync::Arc::new(file),
    })))
}

/// 413 for a file over the limit, the error's own status otherwise.
fn with_upload_status(e: &AppError, mut r: Response) -> Response {
    if e.code() == "dossier.too_large" {
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    }
    r
}

async fn upload_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let actor = s.session.actor.clone();
    let refused =
        |e: AppError| with_upload_status(&e, error_page(s.lang, &e, Some(s.session.user.clone())));
    let fields = match read_upload(&app, &actor, &headers, mp, Some(&s.session.csrf)).await {
        Ok(f) => f,
        Err(e) => return refused(e),
    };
    let csrf = fields.csrf.clone().unwrap_or_default();
    form_command(
        &app,
        &s,
        &csrf,
        upload_command(id, fields),
        &format!("/cases/{id}/dossier?added=1"),
    )
    .await
}

#[derive(Deserialize)]
pub struct MoveForm {
    csrf: String,
    /// `up`, `down`, or a position (1 first).
    to: String,
    case_id: i64,
}

fn parse_move(to: &str) -> Result<Move, AppError> {
    match to.trim() {
        "up" => Ok(Move::Up),
        "down" => Ok(Move::Down),
        n => n
            .parse::<usize>()
            .ok()
            .filter(|&p| p >= 1)
            .map(Move::To)
            .ok_or_else(|| {
                AppError::invalid(
                    "dossier.move_invalid",
                    "请指定上移、下移或目标序号（从 1 开始）",
                    "say up, down or a position (1 first)",
                )
            }),
    }
}

async fn move_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Response {
    let cmd = parse_move(&f.to).map(|to| Command::MoveDossierItem { item_id: id, to });
    form_command(
        &app,
        &s,
        &f.csrf,
        cmd,
        &format!("/cases/{}/dossier", f.case_id),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct ItemQuery {
    download: Option<String>,
}

fn stream_response(
    reader: impl tokio::io::AsyncRead + Send + 'static,
    content_type: &str,
    disposition: String,
    length: Option<u64>,
) -> Response {
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
        reader,
        256 * 1024,
    ));
    let mut r = Response::new(body);
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = length {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

async fn item_response(
    app: &App,
    actor: &Actor,
    id: i64,
    q: &ItemQuery,
) -> Result<Response, AppError> {
    let download = q
        .download
        .as_deref()
        .is_some_and(|d| d == "1" || d == "true");
    let (item, reader) = app.open_dossier_item(actor, id, download).await?;
    Ok(stream_response(
        reader,
        &item.media_type,
        crate::format::content_disposition(!download, &item.filename, &item.filename),
        Some(item.size_bytes as u64),
    ))
}

async fn item_page(
    State(app): State<App>,
    s: PageSession,
    Path(id): Path<i64>,
    Query(q): Query<ItemQuery>,
) -> Response {
    match item_response(&app, &s.session.actor, id, &q).await {
        Ok(r) => r,
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

async fn export_response(app: &App, actor: &Actor, case_id: i64) -> Result<Response, AppError> {
    let (package, name) = app.export_dossier(actor, case_id).await?;
    let file = tokio::fs::File::open(&package.path)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let len = file.metadata().await.ok().map(|m| m.len());
    // The open file keeps streaming after its name is removed.
    drop(package);
    Ok(stream_response(
        file,
        "application/zip",
        crate::format::content_disposition(false, &name, &name),
        len,
    ))
}

async fn export_page(State(app): State<App>, s: PageSession, Path(id): Path<i64>) -> Response {
    match export_response(&app, &s.session.actor, id).await {
        Ok(r) => r,
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

// ---------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct DossierItem {
    pub id: i64,
    /// `main` (正卷) or `internal` (副卷).
    pub volume: String,
    /// Position within the volume, 1 first.
    pub position: i64,
    /// Kind key of the standard order, e.g. `basis`.
    pub kind: String,
    pub kind_zh: String,
    pub title: String,
    pub filename: String,
    /// Sniffed from the content: application/pdf, image/jpeg or image/png.
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    /// UTC milliseconds.
    pub created_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DossierAccess {
    pub item_id: i64,
    pub title: String,
    pub user_name: String,
    /// `view`, `download` or `export`.
    pub action: String,
    /// UTC milliseconds.
    pub at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Dossier {
    pub case_id: i64,
    pub case_number: String,
    pub archived: bool,
    pub items: Vec<DossierItem>,
    /// Only for supervisors and the bureau chief.
    pub access_log: Option<Vec<DossierAccess>>,
}

impl From<&DossierView> for Dossier {
    fn from(v: &DossierView) -> Self {
        Dossier {
            case_id: v.case_id,
            case_number: v.case_number.clone(),
            archived: v.archived,
            items: v
                .volumes
                .iter()
                .flat_map(|vol| vol.items.iter())
                .map(|i| DossierItem {
                    id: i.row.id,
                    volume: i.row.volume.clone(),
                    position: i.row.position,
                    kind: i.row.kind.clone(),
                    kind_zh: i.kind_zh.into(),
                    title: i.row.title.clone(),
                    filename: i.row.filename.clone(),
                    media_type: i.row.media_type.clone(),
                    size_bytes: i.row.size_bytes,
                    sha256: i.row.sha256.clone(),
                    uploaded_by: i.row.uploaded_by_name.clone(),
                    created_at: i.row.created_at,
                })
                .collect(),
            access_log: v.access_log.as_ref().map(|log| {
                log.iter()
                    .map(|a| DossierAccess {
                        item_id: a.item_id,
                        title: a.title.clone(),
                        user_name: a.user_name.clone(),
                        action: a.action.clone(),
                        at: a.at,
                    })
                    .collect()
            }),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/dossier", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = Dossier), (status = 404, body = Problem)))]
pub async fn api_dossier(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    match app.dossier_view(&s.session.actor, id).await {
        Ok(v) => Json(Dossier::from(&v)).into_response(),
        Err(e) => problem(&e),
    }
}

/// The multipart form of an upload (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DossierUploadForm {
    /// `main` (default) or `internal`.
    pub volume: Option<String>,
    /// Kind key of the standard order (default `other`).
    pub kind: Option<String>,
    pub title: Option<String>,
    /// PDF, JPEG or PNG; judged by content.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/dossier/items", params(("id" = i64, Path, description = "Case id")),
    request_body(content = DossierUploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DossierItem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 404, body = Problem)))]
pub async fn api_upload(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mp: Multipart,
) -> Response {
    let actor = w.session.actor.clone();
    let refused = |e: AppError| with_upload_status(&e, upload_problem(&e));
    let fields = match read_upload(&app, &actor, &headers, mp, None).await {
        Ok(f) => f,
        Err(e) => return refused(e),
    };
    let cmd = match upload_command(id, fields) {
        Ok(c) => c,
        Err(e) => return refused(e),
    };
    let item_id = match app.execute(&actor, cmd).await {
        Ok(o) => o.id.unwrap_or_default(),
        Err(e) => return refused(e),
    };
    match app.dossier_view(&actor, id).await {
        Ok(v) => {
            let d = Dossier::from(&v);
            match d.items.into_iter().find(|i| i.id == item_id) {
                Some(i) => (StatusCode::CREATED, Json(i)).into_response(),
                None => problem(&AppError::NotFound),
            }
        }
        Err(e) => problem(&e),
    }
}

/// A problem whose status says 413 for a file over the limit.
fn upload_problem(e: &AppError) -> Response {
    if e.code() != "dossier.too_large" {
        return problem(e);
    }
    let body = Problem {
        kind: format!("https://zhixing.invalid/problems/{}", e.code()),
        title: "Payload Too Large".into(),
        status: 413,
        code: e.code().into(),
        detail: e.message_zh(),
        message_zh: e.message_zh(),
        message_en: e.message_en(),
    };
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "application/problem+json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

#[derive(Deserialize, ToSchema)]
pub struct MoveRequest {
    /// `up`, `down`, or a position as text (`"1"` first).
    pub to: String,
}

#[utoipa::path(post, path = "/api/v1/dossier/items/{id}/move", params(("id" = i64, Path, description = "Item id")),
    request_body = MoveRequest,
    responses((status = 204, description = "Moved"), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn api_move(
    State(app): State<App>,
    w: ApiWrite,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<MoveRequest>,
) -> Response {
    let cmd = match parse_move(&req.to) {
        Ok(to) => Command::MoveDossierItem { item_id: id, to },
        Err(e) => return problem(&e),
    };
    match app.execute(&w.session.actor, cmd).await {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(get, path = "/api/v1/dossier/items/{id}/content",
    params(("id" = i64, Path, description = "Item id"), ("download" = Option<String>, Query, description = "1: as an attachment")),
    responses((status = 200, description = "The file, streamed; logged as a view or download"), (status = 404, body = Problem)))]
pub async fn api_item(
    State(app): State<App>,
    s: ApiSession,
    Path(id): Path<i64>,
    Query(q): Query<ItemQuery>,
) -> Response {
    item_response(&app, &s.session.actor, id, &q)
        .await
        .unwrap_or_else(|e| problem(&e))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/dossier/export.zip", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "catalogue.csv, the files and SHA256SUMS as one zip, streamed"),
        (status = 422, body = Problem, description = "Not archived"), (status = 404, body = Problem)))]
pub async fn api_export(State(app): State<App>, s: ApiSession, Path(id): Path<i64>) -> Response {
    export_response(&app, &s.session.actor, id)
        .await
        .unwrap_or_else(|e| problem(&e))
}

/// Whether a role sees the access log (for templates and tests).
pub fn sees_access_log(role: Role) -> bool {
    zhixing_app::dossier::ACCESS_LOG_READERS.contains(&role)
}
