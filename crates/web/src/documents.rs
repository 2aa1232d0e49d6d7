//! Generated documents (文书): the case page's 文书 section (`templates/case_documents.html`),
//! downloads `GET /cases/{id}/documents/{kind}.pdf|.docx`, the template editor
//! `/admin/templates` (list, view default, edit override with a PDF preview, restore default),
//! and the API twins `GET /api/v1/cases/{id}/documents/{kind}.{pdf|docx}` and
//! `GET|PUT /api/v1/courts/{court_id}/templates/{kind}`. No rule here: who may generate and
//! what a valid template is are the app's (`zhixing_app::documents`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhixing_app::documents::{CourtTemplate, GeneratedDocument, DOCUMENT_ROLES};
use zhixing_app::views::{CaseDetail, CurrentUser};
use zhixing_app::{App, AppError};
use zhixing_docs::{DocKind, Format};
use zhixing_domain::role::Role;

use crate::api::{problem, Problem};
use crate::i18n::msg;
use crate::i18n::Lang;
use crate::pages::{render_page, staff_page, Page};
use crate::session::{same_secret, ApiJson, ApiSession, ApiWrite, PageSession};
use crate::staff::error_page;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/cases/{id}/documents/{file}", get(page_download))
        .route("/admin/templates", get(list_page))
        .route("/admin/templates/{kind}", get(edit_page).post(edit_post))
        .route("/admin/templates/{kind}/preview", post(preview_post))
        .route("/api/v1/cases/{id}/documents/{file}", get(api_download))
        .route(
            "/api/v1/courts/{court_id}/templates/{kind}",
            get(api_get_template).put(api_put_template),
        )
}

fn kind_name(lang: Lang, k: DocKind) -> &'static str {
    match lang {
        Lang::Zh => k.name_zh(),
        Lang::En => k.name_en(),
    }
}

// ---------------------------------------------------------------------------------------------
// The case page's section
// ---------------------------------------------------------------------------------------------

/// One kind's download links on the case page.
pub struct DocLink {
    pub name: &'static str,
    pub pdf: String,
    pub docx: String,
}

/// The case page's 文书 section: heading and links, for staff of the case's court who work on
/// cases; empty (no section) for everyone else.
pub struct CaseDocuments {
    pub heading: String,
    pub hint: String,
    pub links: Vec<DocLink>,
}

pub fn case_documents(lang: &Lang, case: &CaseDetail, user: &CurrentUser) -> CaseDocuments {
    let lang = *lang;
    let links = if user.court_id == case.court_id && DOCUMENT_ROLES.contains(&user.role) {
        DocKind::ALL
            .iter()
            .map(|k| DocLink {
                name: kind_name(lang, *k),
                pdf: format!("/cases/{}/documents/{}.pdf", case.id, k.key()),
                docx: format!("/cases/{}/documents/{}.docx", case.id, k.key()),
            })
            .collect()
    } else {
        Vec::new()
    };
    CaseDocuments {
        heading: msg(lang, "文书草稿预览", "Document drafts"),
        hint: msg(
            lang,
            "按本院模板由案件信息生成的草稿，首行标注“草稿，未经审批”，不能送达。正式文书请在“文书起草与审批”中起草，经审批签发后方可送达。",
            "Drafts generated from the case with this court's templates, marked \"draft, not approved\" at the top: they cannot be served. Draft the real document under \"Documents: drafting and approval\"; once approved and issued it may be served.",
        ),
        links,
    }
}

// ---------------------------------------------------------------------------------------------
// Downloads
// ---------------------------------------------------------------------------------------------

/// `notice.pdf` → (kind, format).
fn parse_file(file: &str) -> Result<(DocKind, Format), AppError> {
    file.rsplit_once('.')
        .and_then(|(k, ext)| Some((DocKind::from_key(k)?, Format::from_ext(ext)?)))
        .ok_or(AppError::NotFound)
}

fn file_response(doc: GeneratedDocument, fallback: &str, inline: bool) -> Response {
    let disposition = crate::format::content_disposition(inline, &doc.filename, fallback);
    let mut resp = (StatusCode::OK, doc.bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(doc.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn download(
    app: &App,
    actor: &zhixing_app::Actor,
    id: i64,
    file: &str,
) -> Result<Response, AppError> {
    let (kind, format) = parse_file(file)?;
    let doc = app.generate_document(actor, id, kind, format).await?;
    let fallback = format!("case-{id}-{}.{}", kind.key(), format.ext());
    Ok(file_response(doc, &fallback, false))
}

async fn page_download(
    State(app): State<App>,
    s: PageSession,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    match download(&app, &s.session.actor, id, &file).await {
        Ok(r) => r,
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/documents/{file}",
    params(("id" = i64, Path, description = "case id"),
        ("file" = String, Path, description = "`<kind>.pdf` or `<kind>.docx`; kinds: notice, asset_report_order, ruling_freeze, ruling_seal, ruling_deduct, consumption_restriction, dishonest_decision, termination_ruling, reception_record, service_receipt")),
    responses(
        (status = 200, description = "The document (application/pdf or the Word MIME type), with Content-Disposition naming the case number (RFC 5987)", content_type = "application/octet-stream"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "a role that does not work on cases"),
        (status = 404, body = Problem, description = "no such case in your court, or an unknown kind/format")))]
pub async fn api_download(
    State(app): State<App>,
    s: ApiSession,
    Path((id, file)): Path<(i64, String)>,
) -> Response {
    match download(&app, &s.session.actor, id, &file).await {
        Ok(r) => r,
        Err(e) => problem(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// API: templates
// ---------------------------------------------------------------------------------------------

/// A court's template of one kind.
#[derive(Serialize, ToSchema)]
pub struct TemplateDoc {
    pub court_id: i64,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    /// The template shipped with the product.
    pub default_template: String,
    /// The court's override; null when the default is in force.
    pub template: Option<String>,
    /// Version of the court's setting (0 when never saved); send it back on PUT.
    pub version: i64,
}

/// A new template for the court (empty: restore the default).
#[derive(Deserialize, ToSchema)]
pub struct PutTemplate {
    pub template: String,
    pub version: i64,
}

fn template_doc(t: CourtTemplate) -> TemplateDoc {
    TemplateDoc {
        court_id: t.court_id,
        kind: t.kind.key().to_string(),
        name_zh: t.kind.name_zh().to_string(),
        name_en: t.kind.name_en().to_string(),
        default_template: t.default_text.to_string(),
        template: t.override_text,
        version: t.version,
    }
}

fn kind_of(key: &str) -> Result<DocKind, AppError> {
    DocKind::from_key(key).ok_or(AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/courts/{court_id}/templates/{kind}",
    params(("court_id" = i64, Path, description = "court id (within your courts)"),
        ("kind" = String, Path, description = "document kind key, e.g. `notice`")),
    responses((status = 200, body = TemplateDoc), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn api_get_template(
    State(app): State<App>,
    s: ApiSession,
    Path((court_id, kind)): Path<(i64, String)>,
) -> Response {
    let r = async {
        let kind = kind_of(&kind)?;
        app.court_template(&s.session.actor, court_id, kind).await
    }
    .await;
    match r {
        Ok(t) => Json(template_doc(t)).into_response(),
        Err(e) => problem(&e),
    }
}

#[utoipa::path(put, path = "/api/v1/courts/{court_id}/templates/{kind}",
    request_body = PutTemplate,
    params(("court_id" = i64, Path, description = "court id (within your courts)"),
        ("kind" = String, Path, description = "document kind key, e.g. `notice`"),
        ("X-CSRF-Token" = String, Header, description = "the session's CSRF token (GET /api/v1/csrf)")),
    responses(
        (status = 200, body = TemplateDoc, description = "Saved (an empty template restores the default)"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "missing/wrong X-CSRF-Token, or not an administrator"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "someone else saved since `version`"),
        (status = 422, body = Problem, description = "a bad template (syntax, unknown field, unknown block), with the line at fault; nothing saved")))]
pub async fn api_put_template(
    State(app): State<App>,
    s: ApiWrite,
    Path((court_id, kind)): Path<(i64, String)>,
    body: Result<ApiJson<PutTemplate>, Response>,
) -> Response {
    let actor = &s.session.actor;
    let kind = match kind_of(&kind) {
        Ok(k) => k,
        Err(e) => return problem(&e),
    };
    let ApiJson(req) = match body {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Err(e) = app
        .save_template(actor, court_id, kind, &req.template, req.version)
        .await
    {
        return problem(&e);
    }
    match app.court_template(actor, court_id, kind).await {
        Ok(t) => Json(template_doc(t)).into_response(),
        Err(e) => problem(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Pages: /admin/templates
// ---------------------------------------------------------------------------------------------

pub struct KindRow {
    pub key: &'static str,
    pub name: &'static str,
    pub overridden: bool,
}

#[derive(Template)]
#[template(path = "admin_templates.html")]
pub struct TemplatesPage {
    pub lang: Lang,
    pub user: CurrentUser,
    pub csrf: String,
    pub rows: Vec<KindRow>,
    /// The kind being edited, if any.
    pub edit: Option<EditView>,
    pub error: Option<String>,
    pub saved: bool,
    /// Who approves each kind here (the court setting `document_approval`).
    pub approval: Vec<crate::doc_review::LevelRow>,
    pub approval_version: i64,
    pub approval_saved: bool,
}

pub struct EditView {
    pub key: &'static str,
    pub name: &'static str,
    pub text: String,
    pub default_text: &'static str,
    pub overridden: bool,
    pub version: i64,
}

staff_page!(
    TemplatesPage,
    section = "templates",
    home = true,
    back = "/admin/templates"
);

impl TemplatesPage {
    fn s(&self, zh: &str, en: &str) -> String {
        msg(self.lang, zh, en)
    }
}

fn admin_only(user: &CurrentUser) -> Result<(), AppError> {
    if user.role == Role::Administrator {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "只有系统管理员可以修改文书模板",
            "only administrators change document templates",
        ))
    }
}

async fn page(
    app: &App,
    s: &PageSession,
    edit: Option<(DocKind, Option<String>)>,
    error: Option<String>,
    saved: bool,
) -> Result<TemplatesPage, AppError> {
    admin_only(&s.session.user)?;
    let actor = &s.session.actor;
    let mut rows = Vec::new();
    let mut edit_view = None;
    for k in DocKind::ALL {
        let t = app.court_template(actor, actor.court_id, k).await?;
        if let Some((ek, ref text)) = edit {
            if ek == k {
                edit_view = Some(EditView {
                    key: k.key(),
                    name: kind_name(s.lang, k),
                    text: text.clone().unwrap_or_else(|| t.effective().to_string()),
                    default_text: t.default_text,
                    overridden: t.override_text.is_some(),
                    version: t.version,
                });
            }
        }
        rows.push(KindRow {
            key: k.key(),
            name: kind_name(s.lang, k),
            overridden: t.override_text.is_some(),
        });
    }
    let (approval, approval_version) =
        crate::doc_review::approval_rows(app, actor.court_id, s.lang).await?;
    Ok(TemplatesPage {
        lang: s.lang,
        user: s.session.user.clone(),
        csrf: s.session.csrf.clone(),
        rows,
        edit: edit_view,
        error,
        saved,
        approval,
        approval_version,
        approval_saved: false,
    })
}

async fn list_page(
    State(app): State<App>,
    s: PageSession,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    match page(&app, &s, None, None, false).await {
        Ok(mut p) => {
            p.approval_saved = q.contains_key("approval_saved");
            Html(render_page(&p)).into_response()
        }
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

async fn edit_page(
    State(app): State<App>,
    s: PageSession,
    Path(kind): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let r = async {
        let kind = kind_of(&kind)?;
        page(&app, &s, Some((kind, None)), None, q.contains_key("saved")).await
    }
    .await;
    match r {
        Ok(p) => Html(render_page(&p)).into_response(),
        Err(e) => error_page(s.lang, &e, Some(s.session.user.clone())),
    }
}

#[derive(Deserialize)]
pub struct TemplateForm {
    pub csrf: String,
    pub template: String,
    #[serde(default)]
    pub version: i64,
    /// `save` or `restore`.
    #[serde(default)]
    pub action: String,
}

async fn edit_post(
    State(app): State<App>,
    s: PageSession,
    Path(kind): Path<String>,
    Form(f): Form<TemplateForm>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let kind = match kind_of(&kind) {
        Ok(k) => k,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(lang, &crate::staff::expired(), Some(user));
    }
    let text = if f.action == "restore" {
        String::new()
    } else {
        f.template.replace("\r\n", "\n")
    };
    let actor = &s.session.actor;
    match app
        .save_template(actor, actor.court_id, kind, &text, f.version)
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/templates/{}?saved=1", kind.key())).into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, &e, Some(user)),
        Err(e) => {
            let err = msg(lang, e.message_zh(), e.message_en());
            match page(&app, &s, Some((kind, Some(text))), Some(err), false).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, Html(render_page(&p))).into_response(),
                Err(e) => error_page(lang, &e, Some(user)),
            }
        }
    }
}

async fn preview_post(
    State(app): State<App>,
    s: PageSession,
    Path(kind): Path<String>,
    Form(f): Form<TemplateForm>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let r = async {
        admin_only(&user)?;
        if !same_secret(&s.session.csrf, &f.csrf) {
            return Err(crate::staff::expired());
        }
        let kind = kind_of(&kind)?;
        let text = f.template.replace("\r\n", "\n");
        let doc = app.preview_template(kind, text, Format::Pdf).await?;
        Ok(file_response(
            doc,
            &format!("preview-{}.pdf", kind.key()),
            true,
        ))
    }
    .await;
    match r {
        Ok(r) => r,
        Err(e) => error_page(lang, &e, Some(user)),
    }
}
