//! The server over real HTTP on a random port, on SQLite and PostgreSQL.

mod common;

use common::{api_login, client, each_engine, get_json, get_text, hidden, sign_in, PASSWORD};
use reqwest::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions {
    cases: 120,
    seed: 11,
};

#[tokio::test]
async fn sign_in_flow_cookies_and_csrf() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        let r = c.get(format!("{}/cases", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        assert!(r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?next="));

        // A form posted without the token that came with the page is refused.
        let r = client()
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "mz_clerk"),
                ("password", "zhixing123"),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        // Wrong password: the form comes back with a message in Chinese.
        let page = get_text(&c, format!("{}/login", s.base)).await;
        let csrf = hidden(&page, "csrf");
        let r = c
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "mz_clerk"),
                ("password", "nope-nope"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.unwrap().contains("用户名或密码错误"));

        // The right password: a session cookie that scripts cannot read.
        let page = get_text(&c, format!("{}/login", s.base)).await;
        let csrf = hidden(&page, "csrf");
        let r = c
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "mz_clerk"),
                ("password", "zhixing123"),
                ("csrf", &csrf),
                ("next", "//evil.example/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[LOCATION], "/cases", "{label}: no open redirect");
        let cookie = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("zx_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );

        let list = c.get(format!("{}/cases", s.base)).send().await.unwrap();
        assert_eq!(list.status(), StatusCode::OK);
        let html = list.text().await.unwrap();
        assert!(
            html.contains("豫0883执"),
            "{label}: own court's cases are listed"
        );
        assert!(
            !html.contains("豫0811执"),
            "{label}: other courts' cases are not"
        );

        // Logging out needs the session's token too.
        let csrf = hidden(&html, "csrf");
        let r = c
            .post(format!("{}/logout", s.base))
            .form(&[("csrf", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = c
            .post(format!("{}/logout", s.base))
            .form(&[("csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = c.get(format!("{}/cases", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}: signed out");
    })
    .await;
}

#[tokio::test]
async fn case_pages_filters_and_scope() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_clerk").await;
        let api: serde_json::Value =
            get_json(&c, format!("{}/api/v1/cases?per_page=1", s.base)).await;
        let id = api["items"][0]["id"].as_i64().unwrap();
        let number = api["items"][0]["case_number"].as_str().unwrap().to_string();

        let page = c
            .get(format!("{}/cases/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains(&number));
        assert!(html.contains("立案"), "{label}: the timeline is in words");
        assert!(
            !html.contains("\"claim_fen\""),
            "{label}: no raw JSON on the timeline"
        );

        // The same case by its number, typed with ASCII brackets.
        let ascii = number.replace('（', "(").replace('）', ")");
        let r = c
            .get(format!("{}/cases/{}", s.base, ascii))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}: by case number");
        let r = c
            .get(format!("{}/cases/not-a-number", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("案号"));

        // Another court's case answers exactly like a case that does not exist.
        let sy = s.app.court_tree().by_code("豫0811").unwrap().id;
        let (rows, _) = s
            .app
            .store
            .list_cases(&zhixing_store::rows::CaseQuery {
                court_ids: vec![sy],
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        let theirs = c
            .get(format!("{}/cases/{}", s.base, rows[0].id))
            .send()
            .await
            .unwrap();
        let missing = c
            .get(format!("{}/cases/987654321", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(theirs.text().await.unwrap(), missing.text().await.unwrap());

        // Filters: an unknown value is explained; htmx gets only the results.
        let r = c
            .get(format!("{}/cases?stage=flying", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("阶段"));
        let r = c
            .get(format!("{}/cases?stage=archived", s.base))
            .header("HX-Request", "true")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let fragment = r.text().await.unwrap();
        assert!(!fragment.contains("<html"), "{label}: a fragment for htmx");

        // English on request.
        let r = c
            .get(format!("{}/lang?to=en&back=/cases", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = get_text(&c, format!("{}/cases", s.base)).await;
        assert!(html.contains("lang=\"en\""), "{label}: English page");
    })
    .await;
}

#[tokio::test]
async fn api_problems_limits_and_docs() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        let r = c
            .get(format!("{}/api/v1/cases", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{label}");
        assert_eq!(r.headers()[CONTENT_TYPE], "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["message_zh"], "请先登录");

        let r = api_login(&c, &s.base, "jz_supervisor", "bad").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = api_login(&c, &s.base, "jz_supervisor", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK);
        let me: serde_json::Value = get_json(&c, format!("{}/api/v1/me", s.base)).await;
        assert_eq!(me["court_code"], "豫08");

        let list: serde_json::Value =
            get_json(&c, format!("{}/api/v1/cases?per_page=5", s.base)).await;
        assert_eq!(
            list["total"], 120,
            "{label}: the supervisor sees every basic court"
        );
        let id = list["items"][0]["id"].as_i64().unwrap();
        let events: serde_json::Value =
            get_json(&c, format!("{}/api/v1/cases/{id}/events", s.base)).await;
        assert_eq!(events[0]["kind"], "case_filed");
        let bad = c
            .get(format!("{}/api/v1/cases?year=abc", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(p["code"], "filter.invalid");

        // An oversized body is refused before anything reads it.
        let big = "x".repeat(zhixing_web::MAX_BODY_BYTES + 10);
        let r = c
            .post(format!("{}/login", s.base))
            .body(big)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{label}");

        let doc: serde_json::Value = get_json(&c, format!("{}/api/v1/openapi.json", s.base)).await;
        assert!(doc["paths"]["/api/v1/cases"].is_object());
        assert!(doc["paths"]["/api/v1/cases/{id}/events"].is_object());
        let docs = c.get(format!("{}/api/docs/", s.base)).send().await.unwrap();
        assert_eq!(docs.status(), StatusCode::OK);
        let unknown = c
            .get(format!("{}/api/v1/nothing-here", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        assert_eq!(unknown.headers()[CONTENT_TYPE], "application/problem+json");
        let static_css = c
            .get(format!("{}/static/htmx.min.js", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(static_css.status(), StatusCode::OK);
    })
    .await;
}
