//! Sign-in state for handlers: cookies, the session extractors and CSRF checks.

use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use zhixing_app::auth::Session;
use zhixing_app::{App, AppError};

use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "zx_session";
pub const LOGIN_CSRF_COOKIE: &str = "zx_login_csrf";
pub const LANG_COOKIE: &str = "zx_lang";

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn secure_flag() -> &'static str {
    match std::env::var("ZHIXING_COOKIE_SECURE").as_deref() {
        Ok("1") | Ok("true") => "; Secure",
        _ => "",
    }
}

/// A `Set-Cookie` value: always HttpOnly and SameSite=Lax; Secure when served over TLS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let v = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        secure_flag()
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn with_cookie(mut resp: Response, cookie: HeaderValue) -> Response {
    resp.headers_mut().append(SET_COOKIE, cookie);
    resp
}

/// Chinese unless the user chose English with the switch: court staff work in Chinese whatever
/// language their browser happens to be set to.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_cookie_or_header(cookie(headers, LANG_COOKIE), None)
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A signed-in staff member on a page; without a session the browser goes to the login page.
pub struct PageSession {
    pub session: Session,
    pub lang: Lang,
}

impl<S> FromRequestParts<S> for PageSession
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = App::from_ref(state);
        let lang = lang_of(&parts.headers);
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let to_login = || Redirect::to(&format!("/login?next={}", urlencode(next))).into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match app.session(token).await {
            Ok(session) => Ok(PageSession { session, lang }),
            Err(AppError::Unauthenticated) => Err(to_login()),
            Err(e) => Err(crate::staff::error_page(lang, &e, None)),
        }
    }
}

/// A signed-in caller of the JSON API; without a session the answer is a 401 problem.
pub struct ApiSession {
    pub session: Session,
}

impl<S> FromRequestParts<S> for ApiSession
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = App::from_ref(state);
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(crate::api::problem(&AppError::Unauthenticated));
        };
        app.session(token)
            .await
            .map(|session| ApiSession { session })
            .map_err(|e| crate::api::problem(&e))
    }
}

/// A signed-in caller of a JSON API write: authenticated like [`ApiSession`] (401 problem
/// without a session), and then refused with a 403 problem (code `csrf`) unless the
/// `X-CSRF-Token` header is the session's token.
pub struct ApiWrite {
    pub session: Session,
}

impl<S> FromRequestParts<S> for ApiWrite
where
    App: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiSession { session } = ApiSession::from_request_parts(parts, state).await?;
        let sent = parts
            .headers
            .get(crate::api::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !sent.is_empty() && same_secret(&session.csrf, sent) {
            Ok(ApiWrite { session })
        } else {
            Err(csrf_problem())
        }
    }
}

/// The refusal of a write whose `X-CSRF-Token` header is missing or is not the session's token.
fn csrf_problem() -> Response {
    let body = crate::api::Problem {
        kind: "https://zhixing.invalid/problems/csrf".into(),
        title: "Forbidden".into(),
        status: 403,
        code: "csrf".into(),
        detail: "缺少或错误的 X-CSRF-Token 请求头".into(),
        message_zh: "缺少或错误的 X-CSRF-Token 请求头：请先 GET /api/v1/csrf 取得本次登录的令牌"
            .into(),
        message_en:
            "missing or wrong X-CSRF-Token header: GET /api/v1/csrf for this session's token".into(),
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response()
}

/// A JSON request body for the API; a body that cannot be read is a 422 problem with code
/// `request.invalid_json`.
///
/// A handler that must refuse on other grounds first takes `Result<ApiJson<T>, Response>` and
/// returns the `Err` only after those checks.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = axum::extract::rejection::JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(e) => Err(crate::api::problem(&AppError::invalid(
                "request.invalid_json",
                format!("请求格式错误：{e}"),
                format!("malformed request: {e}"),
            ))),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only paths on this site may be redirect targets after login, never another host.
pub fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/cases".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; zx_session=abc; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "zx"), None);
    }

    #[test]
    fn redirects_stay_on_site() {
        assert_eq!(safe_next("/cases/3"), "/cases/3");
        assert_eq!(safe_next("//evil.example"), "/cases");
        assert_eq!(safe_next("https://evil.example"), "/cases");
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
