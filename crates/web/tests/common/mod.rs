//! The harness the HTTP tests share: a demo city served on a random port for each engine,
//! browser-like clients, signing in through the form or the API, reading hidden fields,
//! posting forms and JSON (with the CSRF header), and cases filed at a demo court.
//! Each test binary uses a subset of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use reqwest::redirect::Policy;
use reqwest::{Client, IntoUrl, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde_json::{json, Value};
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::beijing_date;
use zhixing_app::App;
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::ids::{resident_check_char, ResidentId};
use zhixing_domain::money::Fen;
use zhixing_domain::party::{Party, PartyIdentity};
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
    // Generated and uploaded files go to a directory of this run, not the crate's `data/`.
    let blobs = std::env::temp_dir().join(format!("zx-blobs-{:016x}", rand::random::<u64>()));
    app.set_dossier_config(zhixing_app::dossier::DossierConfig {
        blobs: std::sync::Arc::new(zhixing_app::blobs::LocalBlobs::new(blobs)),
        max_upload: zhixing_app::blobs::DEFAULT_MAX_UPLOAD,
    });
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

/// A client signed in as `user` through the login form.
pub async fn signed_in(s: &Server, user: &str) -> Client {
    let c = client();
    sign_in(&c, &s.base, user).await;
    c
}

/// A client signed in as `user` through the login form, and its token for `X-CSRF-Token`.
pub async fn signed_in_with_token(s: &Server, user: &str) -> (Client, String) {
    let c = signed_in(s, user).await;
    let token = api_csrf(&c, &s.base).await;
    (c, token)
}

/// Posts a form as a browser does (a [`client`] does not follow the redirect): the status, the
/// `Location` header (empty when there is none) and the body.
pub async fn post_form(
    c: &Client,
    url: impl IntoUrl,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    send_form(c, url, form).await
}

/// [`post_form`] with fields built as owned strings.
pub async fn post_pairs(
    c: &Client,
    url: impl IntoUrl,
    form: &[(String, String)],
) -> (StatusCode, String, String) {
    send_form(c, url, form).await
}

async fn send_form<F: Serialize + ?Sized>(
    c: &Client,
    url: impl IntoUrl,
    form: &F,
) -> (StatusCode, String, String) {
    let r = c.post(url).form(form).send().await.unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location, r.text().await.unwrap())
}

async fn send_json(req: RequestBuilder, token: Option<&str>, body: &Value) -> Response {
    let req = match token {
        Some(t) => req.header("X-CSRF-Token", t),
        None => req,
    };
    req.json(body).send().await.unwrap()
}

/// POSTs `body` as JSON, with the session's `token` in `X-CSRF-Token` when one is given.
pub async fn post_json(
    c: &Client,
    url: impl IntoUrl,
    token: Option<&str>,
    body: &Value,
) -> Response {
    send_json(c.post(url), token, body).await
}

/// PUTs `body` as JSON, with the session's `token` in `X-CSRF-Token` when one is given.
pub async fn put_json(
    c: &Client,
    url: impl IntoUrl,
    token: Option<&str>,
    body: &Value,
) -> Response {
    send_json(c.put(url), token, body).await
}

/// Whether the API answered with a problem document (`application/problem+json`).
pub fn is_problem(r: &Response) -> bool {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// Today in Beijing, the day the process nodes count in.
pub fn today() -> NaiveDate {
    beijing_date(zhixing_store::now_ms())
}

/// A natural person whose resident ID is `body17` and its check character.
pub fn person(name: &str, body17: &str) -> Party {
    let id = format!("{body17}{}", resident_check_char(body17));
    Party::new(
        name,
        PartyIdentity::Person(ResidentId::parse(&id).unwrap()),
        None,
        None,
    )
    .unwrap()
}

/// Files the case `filing` gives for the court of `clerk` (a demo account), as that clerk,
/// through the application; returns its id and case number.
pub async fn file_as(
    s: &Server,
    clerk: &str,
    filing: impl FnOnce(i64) -> FileCase,
) -> (i64, String) {
    let user = s.user(clerk).await;
    let actor = s.app.actor_for_user(user.id).await.unwrap();
    let o = s
        .app
        .execute(&actor, Command::FileCase(filing(actor.court_id)))
        .await
        .unwrap();
    (o.id.unwrap(), o.case_number.unwrap())
}

/// The filing of case `i` of a series from the 孟州 court's judgment （2024）豫0883民初`n`号: 张三
/// against 被执行人`i` for 20,000 yuan.
pub fn filing(court_id: i64, n: usize, i: usize) -> FileCase {
    FileCase {
        court_id,
        case_type: CaseType::First,
        basis: Basis::new(
            "孟州市人民法院",
            &format!("（2024）豫0883民初{n}号"),
            BasisKind::Judgment,
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        )
        .unwrap(),
        claim: Fen::from_yuan(20_000),
        applicants: vec![person("张三", "41088319800101123")],
        debtors: vec![person(
            &format!("被执行人{i}"),
            &format!("41088319850505{:03}", i),
        )],
        reception_id: None,
        flags: Default::default(),
        debtor_locatable: true,
        note: None,
    }
}

/// Files `n` cases at the court of `clerk` (their process nodes open): 张三 against 被执行人0,
/// 被执行人1 … for 20,000 yuan on the 孟州 court's judgments （2024）豫0883民初`first`号,
/// `first + 1`号 …; returns their ids and case numbers.
pub async fn file_cases(s: &Server, clerk: &str, first: usize, n: usize) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(file_as(s, clerk, |court_id| filing(court_id, first + i, i)).await);
    }
    out
}

/// The username of the officer a case is assigned to.
pub async fn officer_of(s: &Server, case_id: i64) -> String {
    let case = s.app.store.case_by_id(case_id).await.unwrap().unwrap();
    let officer_id = case.officer_id.expect("the case has an officer");
    s.app
        .store
        .user_by_id(officer_id)
        .await
        .unwrap()
        .unwrap()
        .username
}
