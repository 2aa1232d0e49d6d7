//! Service of documents over real HTTP on both engines: the desk and task pages per role, the
//! forms with CSRF (multipart with a proof scan, the electronic send form), the recipient's
//! public link page without login, and the API round trip with its refusals.

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use zhixing_app::blobs::{self, LocalBlobs};
use zhixing_app::demo::DemoOptions;
use zhixing_app::dossier::DossierConfig;
use zhixing_app::messenger::SimulatedMessenger;
use zhixing_app::App;
use zhixing_store::documents::{NewDocument, NewServiceTask};

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };
const BOUNDARY: &str = "zxBoundaryServiceQ3v9";

fn pdf(fill: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    v.extend(std::iter::repeat_n(b'%', fill));
    v.extend(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    v
}

fn jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];
    v.extend(std::iter::repeat_n(0x11, 300));
    v.extend([0xFF, 0xD9]);
    v
}

/// A multipart body: text fields, then the proof file when given.
fn multipart(fields: &[(&str, &str)], proof: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = proof {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"proof\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .as_bytes(),
        );
        b.extend(bytes);
        b.extend(b"\r\n");
    }
    b.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_multipart(c: &Client, url: String, body: Vec<u8>) -> reqwest::Response {
    c.post(url)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A document of `kind` written through the store as approval leaves it (issued three days
/// ago, its PDF stored, a pending task per debtor), or a draft whose tasks wait. Returns the
/// first task's id.
async fn document(app: &App, case_id: i64, kind: &str, issue: bool) -> i64 {
    let case = app.store.case_by_id(case_id).await.unwrap().unwrap();
    let debtors: Vec<(i64, String)> = app
        .store
        .case_parties(case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.role == "debtor")
        .map(|p| (p.party_id, p.name))
        .collect();
    let mut tx = app.store.begin_write().await.unwrap();
    let id = tx
        .insert_document(&NewDocument {
            court_id: case.court_id,
            case_id,
            kind: kind.into(),
            status: "draft".into(),
            approval_level: "judge".into(),
            data_json: "{}".into(),
            drafted_by: None,
            drafted_by_name: "测试".into(),
            batch_id: None,
        })
        .await
        .unwrap();
    if issue {
        let store = app.dossier_config().blobs;
        let (sha, _) = blobs::put_bytes(&*store, &pdf(100 + id as usize))
            .await
            .unwrap();
        let mut d = tx.document_in_tx(id).await.unwrap().unwrap();
        let nth = tx.next_nth_of_kind(case_id, kind).await.unwrap();
        d.status = "issued".into();
        d.nth_of_kind = Some(nth);
        d.number = Some(zhixing_domain::document::document_number(
            &case.case_number,
            nth as u32,
        ));
        d.issued_at = Some(tx.now);
        d.issued_on = Some((today() - Duration::days(3)).to_string());
        d.pdf_sha256 = Some(sha);
        assert!(tx.save_document(&d).await.unwrap());
    }
    let tasks: Vec<NewServiceTask> = debtors
        .iter()
        .map(|(party_id, name)| NewServiceTask {
            court_id: case.court_id,
            case_id,
            document_id: id,
            party_id: *party_id,
            recipient_name: name.clone(),
            recipient_role: "debtor".into(),
            status: if issue { "pending" } else { "waiting" }.into(),
            batch_id: None,
        })
        .collect();
    tx.insert_service_tasks(&tasks).await.unwrap();
    tx.commit().await.unwrap();
    app.store
        .case_service_tasks(case_id)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.task.document_id == id)
        .unwrap()
        .task
        .id
}

async fn task_status(app: &App, id: i64) -> String {
    app.store
        .service_task(id)
        .await
        .unwrap()
        .unwrap()
        .task
        .status
}

fn setup(s: &Server) -> (std::path::PathBuf, SimulatedMessenger) {
    let dir = std::env::temp_dir().join(format!("zx-web-service-{:016x}", rand::random::<u64>()));
    s.app.set_dossier_config(DossierConfig {
        blobs: Arc::new(LocalBlobs::new(dir.clone())),
        max_upload: blobs::DEFAULT_MAX_UPLOAD,
    });
    let sim = SimulatedMessenger::new();
    s.app.set_messenger(Arc::new(sim.clone()));
    (dir, sim)
}

fn last_token(sim: &SimulatedMessenger) -> String {
    let (msg, _) = sim.sent().pop().expect("a message was sent");
    let at = msg.body.find("/s/").expect("the link");
    msg.body[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

#[tokio::test]
async fn pages_forms_and_the_public_link() {
    each_engine(DEMO, |s, label| async move {
        let (dir, sim) = setup(&s);
        let (case_id, case_number) = file_cases(&s, "mz_clerk", 501, 1).await[0].clone();
        let a = document(&s.app, case_id, "ruling_freeze", true).await;
        let b = document(&s.app, case_id, "ruling_seal", true).await;
        let clerk = signed_in(&s, "mz_clerk").await;

        // The desk: nav link, tabs, the task's row.
        let (status, page) = get_page(&clerk, format!("{}/routine/service", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("送达工作台") && page.contains("href=\"/routine/service\""));
        assert!(page.contains(&case_number), "{label}");
        assert!(page.contains(&format!("/service/tasks/{a}")), "{label}");
        let (status, _) = get_page(
            &clerk,
            format!("{}/routine/service?status=nonsense", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        // The task page: a form per method for the clerk, none for the bureau chief, and
        // nothing at all for another court.
        let page = get_text(&clerk, format!("{}/service/tasks/{a}", s.base)).await;
        for text in [
            "电子送达",
            "邮寄送达",
            "直接送达",
            "公告送达",
            "受送达人已签署送达地址确认书，同意电子送达",
        ] {
            assert!(page.contains(text), "{label}: {text}");
        }
        let csrf = hidden(&page, "csrf");
        let version = hidden(&page, "version");
        let chief = signed_in(&s, "mz_chief").await;
        let (status, page) = get_page(&chief, format!("{}/service/tasks/{a}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(!page.contains("保存送达记录"), "{label}");
        let other = signed_in(&s, "zz_clerk").await;
        let (status, _) = get_page(&other, format!("{}/service/tasks/{a}", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let (status, _) = get_page(&other, format!("{}/cases/{case_id}/service", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");

        // In person with a proof scan, as multipart: a wrong CSRF token stores nothing.
        let fields = |csrf: &str| {
            multipart(
                &[
                    ("csrf", csrf),
                    ("version", &version),
                    ("method", "in_person"),
                    ("outcome", "served"),
                    ("on", &today().to_string()),
                    ("received_by", "被执行人0"),
                ],
                Some(("回证.jpg", &jpeg())),
            )
        };
        let r = post_multipart(
            &clerk,
            format!("{}/service/tasks/{a}/attempts", s.base),
            fields("wrong"),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert_eq!(task_status(&s.app, a).await, "pending", "{label}");
        assert!(s.app.store.dossier_items(case_id).await.unwrap().is_empty());
        let r = post_multipart(
            &clerk,
            format!("{}/service/tasks/{a}/attempts", s.base),
            fields(&csrf),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        assert_eq!(
            r.headers()["location"].to_str().unwrap(),
            format!("/service/tasks/{a}?done=1")
        );
        assert_eq!(task_status(&s.app, a).await, "served", "{label}");
        let items = s.app.store.dossier_items(case_id).await.unwrap();
        assert_eq!(items.len(), 1, "{label}");
        assert_eq!(items[0].media_type, "image/jpeg");
        let page = get_text(&clerk, format!("{}/service/tasks/{a}?done=1", s.base)).await;
        assert!(
            page.contains("已保存") && page.contains(&format!("/dossier/items/{}", items[0].id))
        );

        // A refusal shows its Chinese message: post without a tracking number.
        let page = get_text(&clerk, format!("{}/service/tasks/{b}", s.base)).await;
        let version = hidden(&page, "version");
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("method", "post"),
                ("outcome", "sent"),
                ("on", &today().to_string()),
                ("address", "孟州市河阳大道 1 号"),
                ("tracking_number", ""),
            ],
            None,
        );
        let r = post_multipart(
            &clerk,
            format!("{}/service/tasks/{b}/attempts", s.base),
            body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(r.text().await.unwrap().contains("邮件单号"), "{label}");
        assert_eq!(task_status(&s.app, b).await, "pending", "{label}");

        // Electronic by the platform: without consent refused, then sent; the recipient opens
        // the link without signing in, downloads the PDF and confirms.
        let send = |consent: bool| {
            let mut f = vec![
                ("csrf".to_string(), csrf.clone()),
                ("version".to_string(), version.clone()),
                ("method".to_string(), "platform".to_string()),
                ("address".to_string(), "13900139000".to_string()),
            ];
            if consent {
                f.push(("consent".into(), "on".into()));
            }
            f
        };
        let (status, _, body) = post_pairs(
            &clerk,
            format!("{}/service/tasks/{b}/send", s.base),
            &send(false),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(body.contains("同意"), "{label}");
        let (status, location, _) = post_pairs(
            &clerk,
            format!("{}/service/tasks/{b}/send", s.base),
            &send(true),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, format!("/service/tasks/{b}?done=1"));
        assert_eq!(task_status(&s.app, b).await, "sent", "{label}");
        let token = last_token(&sim);
        let public = client();
        let (status, page) = get_page(&public, format!("{}/s/{token}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            page.contains("孟州") && page.contains(&case_number),
            "{label}"
        );
        assert!(page.contains("确认签收") && page.contains("width=device-width"));
        let form_token = hidden(&page, "form_token");
        let r = public
            .get(format!("{}/s/{token}/document.pdf", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"), "{label}");
        let (status, _, _) = post_form(
            &public,
            format!("{}/s/{token}/confirm", s.base),
            &[("form_token", "forged")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(task_status(&s.app, b).await, "sent", "{label}");
        let (status, location, _) = post_form(
            &public,
            format!("{}/s/{token}/confirm", s.base),
            &[("form_token", form_token.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, format!("/s/{token}?confirmed=1"));
        assert_eq!(task_status(&s.app, b).await, "served", "{label}");
        let page = get_text(&public, format!("{}/s/{token}?confirmed=1", s.base)).await;
        assert!(page.contains("已确认签收") && !page.contains("name=\"form_token\""));
        let (status, page) = get_page(&public, format!("{}/s/0000deadbeef", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        assert!(page.contains("链接无效"), "{label}");

        // The case page links to the case's service list.
        let page = get_text(&clerk, format!("{}/cases/{case_id}", s.base)).await;
        assert!(
            page.contains(&format!("/cases/{case_id}/service")),
            "{label}"
        );
        let page = get_text(&clerk, format!("{}/cases/{case_id}/service", s.base)).await;
        assert!(page.contains("已送达"), "{label}");
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn the_api_round_trip_and_its_refusals() {
    each_engine(DEMO, |s, label| async move {
        let (dir, _) = setup(&s);
        let (case_id, _) = file_cases(&s, "mz_clerk", 601, 1).await[0].clone();
        let a = document(&s.app, case_id, "ruling_freeze", true).await;
        let b = document(&s.app, case_id, "ruling_seal", true).await;
        let draft = document(&s.app, case_id, "notice", false).await;
        let (c, token) = signed_in_with_token(&s, "mz_clerk").await;
        let base = &s.base;

        let q = get_json(&c, format!("{base}/api/v1/service-tasks?status=pending")).await;
        assert_eq!(q["status"], "pending", "{label}");
        assert_eq!(q["counts"]["pending"], 2, "{label}: the draft's task waits");
        let task: Value = get_json(&c, format!("{base}/api/v1/service-tasks/{a}")).await;
        let version = task["task"]["version"].as_i64().unwrap();
        assert!(task["methods"].as_array().unwrap().len() == 6, "{label}");

        // Without the CSRF header: refused, nothing stored.
        let post = json!({"version": version, "method": "post", "outcome": "sent",
            "on": today().to_string(), "address": "孟州市河阳大道 1 号", "tracking_number": "EMS1234567890"});
        let r = post_json(&c, format!("{base}/api/v1/service-tasks/{a}/attempts"), None, &post).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let r = post_json(&c, format!("{base}/api/v1/service-tasks/{a}/attempts"), Some(&token), &post).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["task"]["status"], "sent", "{label}");
        let attempt = d["attempts"][0]["id"].as_i64().unwrap();
        let result = json!({"version": d["task"]["version"], "outcome": "served",
            "on": today().to_string(), "received_by": "被执行人0"});
        let r = post_json(
            &c,
            format!("{base}/api/v1/service-tasks/{a}/attempts/{attempt}/result"),
            Some(&token),
            &result,
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["task"]["status"], "served", "{label}");
        assert_eq!(d["attempts"][0]["received_by"], "被执行人0");
        // The same result again: the task is served and closed.
        let r = post_json(
            &c,
            format!("{base}/api/v1/service-tasks/{a}/attempts/{attempt}/result"),
            Some(&token),
            &result,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "service.task_closed", "{label}");
        // A version someone else moved on: conflict.
        let v = get_json(&c, format!("{base}/api/v1/service-tasks/{b}")).await["task"]["version"]
            .as_i64()
            .unwrap();
        let mut stale = post.clone();
        stale["version"] = json!(v - 1);
        let r = post_json(&c, format!("{base}/api/v1/service-tasks/{b}/attempts"), Some(&token), &stale).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");

        // SMS to an empty number: failed with the provider's reason, in the failed list.
        let v = get_json(&c, format!("{base}/api/v1/service-tasks/{b}")).await["task"]["version"].clone();
        let r = post_json(
            &c,
            format!("{base}/api/v1/service-tasks/{b}/send"),
            Some(&token),
            &json!({"version": v, "method": "sms", "address": "13800000000", "consent": true}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["task"]["status"], "failed", "{label}");
        assert!(d["task"]["last_failure"].as_str().unwrap().contains("空号"));
        let q = get_json(&c, format!("{base}/api/v1/service-tasks?status=failed")).await;
        assert_eq!(q["tasks"][0]["id"], b, "{label}");
        assert_eq!(q["counts"]["failed"], 1, "{label}");

        // A draft's task: refused with the clear message.
        let v = get_json(&c, format!("{base}/api/v1/service-tasks/{draft}")).await["task"]["version"].clone();
        let r = post_json(
            &c,
            format!("{base}/api/v1/service-tasks/{draft}/attempts"),
            Some(&token),
            &json!({"version": v, "method": "in_person", "outcome": "served",
                "on": today().to_string(), "received_by": "被执行人0"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(is_problem(&r));
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "service.not_issued", "{label}");
        assert!(p["message_zh"].as_str().unwrap().contains("尚未批准签发"));

        let cs = get_json(&c, format!("{base}/api/v1/cases/{case_id}/service")).await;
        assert_eq!(cs["tasks"].as_array().unwrap().len(), 3, "{label}");
        let other = signed_in(&s, "zz_clerk").await;
        let r = other
            .get(format!("{base}/api/v1/service-tasks/{a}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
        let doc = get_json(&c, format!("{base}/api/v1/openapi.json")).await;
        for path in [
            "/api/v1/service-tasks",
            "/api/v1/service-tasks/{id}",
            "/api/v1/service-tasks/{id}/attempts",
            "/api/v1/service-tasks/{id}/attempts/{attempt_id}/result",
            "/api/v1/service-tasks/{id}/send",
            "/api/v1/cases/{id}/service",
        ] {
            assert!(doc["paths"][path].is_object(), "{label}: {path}");
        }
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}
