//! The harness the HTTP tests share: a demo city served on a random port for each engine,
//! browser-like clients, signing in through the form or the API, and reading hidden fields.
//! Each test binary uses a subset of it.
#![allow(dead_code)]

use reqwest::redirect::Policy;
use reqwest::{Client, IntoUrl, Response, StatusCode};
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_app::App;
use zhixing_store::rows::UserRow;
use zhixing_store::testing::test_databases;

/// The password of every demo account.
pub const PASSWORD: &str = "zhixing123";

/// A server on a random local port and the application behind it.
pub struct Server {
    pub base: String,
    pub app: App,
}

impl Server {
    /// A demo account, which must exist.
    pub async fn user(&self, username: &str) -> UserRow {
        self.app
            .store
            .user_by_username(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {username}"))
    }
}

/// Opens the database at `url`, generates the demo city and serves it.
pub async fn start(url: &str, demo: DemoOptions) -> Server {
    let app = App::open(url).await.unwrap();
    app.generate_demo(demo, |_| {}).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = zhixing_web::router(app.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Server {
        base: format!("http://{addr}"),
        app,
    }
}

/// Runs `f` against a fresh server on every test database, then closes and removes it.
pub async fn each_engine<F, Fut>(demo: DemoOptions, f: F)
where
    F: Fn(Server, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in test_databases().await {
        let s = start(&db.url, demo).await;
        let app = s.app.clone();
        f(s, db.label).await;
        app.store.close().await;
        db.cleanup().await;
    }
}

/// A client that keeps cookies, with the given redirect policy.
pub fn client_with(redirect: Policy) -> Client {
    Client::builder()
        .redirect(redirect)
        .cookie_store(true)
        .build()
        .unwrap()
}

/// A client that keeps cookies and does not follow redirects, so they can be checked.
pub fn client() -> Client {
    client_with(Policy::none())
}

/// The status and body of a GET.
pub async fn get_page(c: &Client, url: impl IntoUrl) -> (StatusCode, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The body of a GET, whatever its status.
pub async fn get_text(c: &Client, url: impl IntoUrl) -> String {
    get_page(c, url).await.1
}

/// The JSON body of a GET.
pub async fn get_json(c: &Client, url: impl IntoUrl) -> Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

/// The value of the first `name="…" value="…"` in a page.
pub fn value_of(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next().unwrap().to_string())
}

/// The value of a field that must be in the page.
pub fn hidden(html: &str, name: &str) -> String {
    value_of(html, name).unwrap_or_else(|| panic!("no hidden field {name}"))
}

/// Signs in through the login form, as a browser does.
pub async fn sign_in(c: &Client, base: &str, user: &str) {
    let page = get_text(c, format!("{base}/login")).await;
    let csrf = hidden(&page, "csrf");
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("username", user),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", "/cases"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {user}");
}

/// Signs in through the JSON API; the response is the caller's to check.
pub async fn api_login(c: &Client, base: &str, user: &str, password: &str) -> Response {
    c.post(format!("{base}/api/v1/login"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The session's token for the `X-CSRF-Token` header.
pub async fn api_csrf(c: &Client, base: &str) -> String {
    let v: Value = c
        .get(format!("{base}/api/v1/csrf"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["csrf_token"].as_str().unwrap().to_string()
}
