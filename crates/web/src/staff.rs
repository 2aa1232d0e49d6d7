//! Staff pages: sign-in, the case list and the case page.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhixing_app::commands::Command;
use zhixing_app::views::CurrentUser;
use zhixing_app::{App, AppError};
use zhixing_domain::case_number::CaseNumber;

use crate::filter::{parse_case_filter, query_without_page};
use crate::i18n::Lang;
use crate::pages::*;
use crate::session::*;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", get(switch_lang))
        .route("/cases", get(case_list))
        .route("/cases/{id}", get(case_page))
}

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

pub fn error_page(lang: Lang, e: &AppError, user: Option<CurrentUser>) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (title, message) = match lang {
        Lang::Zh => (title_zh(status), e.message_zh()),
        Lang::En => (
            status.canonical_reason().unwrap_or("Error").to_string(),
            e.message_en(),
        ),
    };
    let page = ErrorPage {
        lang,
        status: status.as_u16(),
        title,
        message,
        user,
    };
    html(status, render_page(&page))
}

/// A form whose CSRF token is not the session's: the page is older than the sign-in.
pub fn expired() -> AppError {
    AppError::forbidden(
        "页面已过期，请刷新后重试",
        "the page expired; reload it and try again",
    )
}

/// Runs the command a staff form posts: the session's CSRF token is checked first, then the
/// form's own refusal (`cmd` an error) or the command; done, it redirects to `to`; any refusal
/// is the error page.
pub async fn form_command(
    app: &App,
    s: &PageSession,
    csrf: &str,
    cmd: Result<Command, AppError>,
    to: &str,
) -> Response {
    form_command_to(app, s, csrf, cmd, |_| to.to_string()).await
}

/// [`form_command`] redirecting to where the outcome says, e.g. the case a command created.
pub async fn form_command_to(
    app: &App,
    s: &PageSession,
    csrf: &str,
    cmd: Result<Command, AppError>,
    to: impl FnOnce(&zhixing_app::commands::Outcome) -> String,
) -> Response {
    let refused = |e: &AppError| error_page(s.lang, e, Some(s.session.user.clone()));
    if !same_secret(&s.session.csrf, csrf) {
        return refused(&expired());
    }
    let done = match cmd {
        Ok(cmd) => app.execute(&s.session.actor, cmd).await,
        Err(e) => return refused(&e),
    };
    match done {
        Ok(o) => Redirect::to(&to(&o)).into_response(),
        Err(e) => refused(&e),
    }
}

fn title_zh(status: StatusCode) -> String {
    match status.as_u16() {
        400 | 422 => "输入有误",
        401 => "请先登录",
        403 => "无权访问",
        404 => "未找到",
        409 => "数据已变化",
        413 => "提交内容过大",
        423 => "案件已锁定",
        _ => "系统错误",
    }
    .to_string()
}

pub async fn not_found(headers: HeaderMap) -> Response {
    error_page(lang_of(&headers), &AppError::NotFound, None)
}

pub fn panic_page(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    error_page(Lang::Zh, &AppError::Internal("panic".into()), None)
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

fn new_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

async fn login_form(headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    let lang = lang_of(&headers);
    login_page(
        lang,
        None,
        String::new(),
        q.next.as_deref().unwrap_or("/cases"),
        StatusCode::OK,
    )
}

/// The login form carries a token that must match a cookie set with it (double submit), so
/// another site cannot sign a user in to an account of its choosing.
fn login_page(
    lang: Lang,
    error: Option<String>,
    username: String,
    next: &str,
    status: StatusCode,
) -> Response {
    let csrf = new_token();
    let page = LoginPage {
        lang,
        error,
        username,
        csrf: csrf.clone(),
        next: safe_next(next),
    };
    with_cookie(
        html(status, render_page(&page)),
        set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600),
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

async fn login(State(app): State<App>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let lang = lang_of(&headers);
    let next = safe_next(f.next.as_deref().unwrap_or("/cases"));
    let csrf_ok = cookie(&headers, LOGIN_CSRF_COOKIE).is_some_and(|c| same_secret(c, &f.csrf));
    if !csrf_ok {
        let msg = match lang {
            Lang::Zh => "页面已过期，请重新登录",
            Lang::En => "the page expired; please sign in again",
        };
        return login_page(
            lang,
            Some(msg.into()),
            f.username,
            &next,
            StatusCode::FORBIDDEN,
        );
    }
    match app.login(&f.username, &f.password).await {
        Ok(s) => {
            let resp = Redirect::to(&next).into_response();
            let resp = with_cookie(
                resp,
                set_cookie(
                    SESSION_COOKIE,
                    &s.token,
                    zhixing_app::auth::SESSION_HOURS * 3600,
                ),
            );
            with_cookie(resp, set_cookie(LOGIN_CSRF_COOKIE, "", 0))
        }
        Err(e) => {
            let msg = match lang {
                Lang::Zh => e.message_zh(),
                Lang::En => e.message_en(),
            };
            let status = if e.status() == 500 {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::UNAUTHORIZED
            };
            login_page(lang, Some(msg), f.username, &next, status)
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(app): State<App>,
    headers: HeaderMap,
    s: PageSession,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !same_secret(&s.session.csrf, &f.csrf) {
        return error_page(
            s.lang,
            &AppError::forbidden(
                "请求已过期，请刷新页面后重试",
                "the form expired; reload and try again",
            ),
            Some(s.session.user),
        );
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Err(e) = app.logout(token).await {
            return error_page(s.lang, &e, None);
        }
    }
    with_cookie(
        Redirect::to("/login").into_response(),
        set_cookie(SESSION_COOKIE, "", 0),
    )
}

#[derive(Deserialize)]
struct LangQuery {
    to: Option<String>,
    back: Option<String>,
}

async fn switch_lang(Query(q): Query<LangQuery>) -> Response {
    let to = if q.to.as_deref() == Some("en") {
        "en"
    } else {
        "zh"
    };
    let back = safe_next(q.back.as_deref().unwrap_or("/cases"));
    let mut v = set_cookie(LANG_COOKIE, to, 365 * 86400);
    // The language is not a secret: let page scripts read it.
    if let Ok(s) = v.to_str() {
        if let Ok(h) = axum::http::HeaderValue::from_str(&s.replace("; HttpOnly", "")) {
            v = h;
        }
    }
    with_cookie(Redirect::to(&back).into_response(), v)
}

async fn case_list(
    State(app): State<App>,
    headers: HeaderMap,
    s: PageSession,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let filter = match parse_case_filter(&params) {
        Ok(f) => f,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let actor = &s.session.actor;
    let page = match app.list_cases(actor, &filter).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let query_string_without_page = query_without_page(&filter);
    if headers.contains_key("hx-request") && !headers.contains_key("hx-history-restore-request") {
        let results = CaseListResults {
            lang,
            page,
            filter,
            query_string_without_page,
        };
        let mut resp = html(StatusCode::OK, render_page(&results));
        // Full page and fragment share a URL; caches must tell them apart.
        resp.headers_mut().insert(
            axum::http::header::VARY,
            axum::http::HeaderValue::from_static("HX-Request"),
        );
        return resp;
    }
    let options = match app.filter_options(actor).await {
        Ok(o) => o,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let p = CaseListPage {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        page,
        filter,
        options,
        query_string_without_page,
    };
    let mut resp = html(StatusCode::OK, render_page(&p));
    resp.headers_mut().insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("HX-Request"),
    );
    resp
}

/// A case by id, or by its case number (either bracket style).
pub async fn resolve_case_ref(
    app: &App,
    actor: &zhixing_app::Actor,
    raw: &str,
) -> Result<i64, AppError> {
    if let Ok(id) = raw.parse::<i64>() {
        return Ok(id);
    }
    match CaseNumber::parse(raw) {
        Ok(n) => app.case_id_by_number(actor, &n.to_string()).await,
        Err(e) => Err(AppError::Invalid(zhixing_domain::DomainError::new(
            "case.ref_invalid",
            format!("地址中的案件编号或案号无效：{}", e.zh),
            format!("the case id or number in the address is invalid: {}", e.en),
        ))),
    }
}

async fn case_page(State(app): State<App>, s: PageSession, Path(raw): Path<String>) -> Response {
    let lang = s.lang;
    let user = s.session.user.clone();
    let actor = &s.session.actor;
    let id = match resolve_case_ref(&app, actor, &raw).await {
        Ok(id) => id,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let (case, timeline) =
        match tokio::try_join!(app.case_detail(actor, id), app.case_timeline(actor, id)) {
            Ok(x) => x,
            Err(e) => return error_page(lang, &e, Some(user)),
        };
    let inquiries = match app.inquiry_tasks(actor, case.id).await {
        Ok(rows) => rows
            .into_iter()
            .map(|t| InquiryItem {
                debtor_name: t.debtor_name,
                // Submitted to the network and awaiting answers reads as pending here; the
                // assets page tells the two apart.
                status: if t.status == "submitted" {
                    "pending".into()
                } else {
                    t.status
                },
                due_on: t.due_on,
                completed_at: t.completed_at,
            })
            .collect(),
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let assign = match app.assign_options(actor, case.id).await {
        Ok(a) => a,
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let nodes = match crate::case_actions::nodes_panel(&app, actor, case.id, lang).await {
        Ok(p) => Some(p),
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let node_requests = match crate::unlock::requests_panel(&app, actor, case.id, lang).await {
        Ok(p) => Some(p),
        Err(e) => return error_page(lang, &e, Some(user)),
    };
    let p = CaseDetailPage {
        lang,
        user,
        csrf: s.session.csrf.clone(),
        case,
        timeline,
        inquiries,
        assign,
        nodes,
        node_requests,
    };
    html(StatusCode::OK, render_page(&p))
}
