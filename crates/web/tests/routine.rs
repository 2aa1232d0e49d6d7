//! The routine-work queue and batches over real HTTP on both engines: the queue page, a batch
//! started from the form (CSRF, ticked cases), its progress page until it is done, the
//! judge's "approve all", and the API twins with their refusals.

mod common;

use std::time::Duration;

use common::{
    each_engine, file_cases, get_json, get_page, hidden, post_json, post_pairs, signed_in,
    signed_in_with_token, Server,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

/// Polls a batch through the API until it is no longer running.
async fn wait_done(c: &Client, s: &Server, id: i64) -> Value {
    for _ in 0..300 {
        let b = get_json(c, format!("{}/api/v1/routine/batches/{id}", s.base)).await;
        if b["status"] != "running" {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("batch {id} did not finish");
}

#[tokio::test]
async fn queue_page_batch_progress_and_approval() {
    each_engine(DEMO, |s, label| async move {
        let cases = file_cases(&s, "mz_clerk", 500, 3).await;
        let clerk = signed_in(&s, "mz_clerk").await;
        let (status, html) = get_page(&clerk, format!("{}/routine", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("事务集约工作台"), "{label}");
        for (_, number) in &cases {
            assert!(html.contains(number.as_str()), "{label}: {number} missing");
        }
        assert!(html.contains("共 3 件"), "{label}");

        // Without the form's token: refused, nothing started.
        let csrf = hidden(&html, "csrf");
        let mut form = vec![
            ("csrf".to_string(), "wrong".to_string()),
            ("kind".to_string(), "notice".to_string()),
            ("case".to_string(), cases[0].0.to_string()),
        ];
        let (status, _, _) = post_pairs(&clerk, format!("{}/routine/batches", s.base), &form).await;
        assert_ne!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(s
            .app
            .store
            .case_documents(cases[0].0)
            .await
            .unwrap()
            .is_empty());

        form[0].1 = csrf;
        form.push(("kind".to_string(), "asset_report_order".to_string()));
        form.push(("case".to_string(), cases[1].0.to_string()));
        let (status, location, _) =
            post_pairs(&clerk, format!("{}/routine/batches", s.base), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let id: i64 = location
            .rsplit('/')
            .next()
            .and_then(|x| x.parse().ok())
            .expect("batch location");
        let batch = wait_done(&clerk, &s, id).await;
        assert_eq!(batch["done"], 2, "{label}: {batch}");
        assert_eq!(batch["failed"], 0, "{label}");
        assert_eq!(batch["percent"], 100, "{label}");

        let (status, page) = get_page(&clerk, format!("{}{location}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("已完成"), "{label}");
        // The clerk may not approve: no approve form for them.
        assert!(!page.contains("全部批准签发"), "{label}");
        let (status, fragment) =
            get_page(&clerk, format!("{}/routine/batches/{id}/progress", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(fragment.contains("<progress"), "{label}");
        // The queue now holds only the third case.
        let (_, html) = get_page(&clerk, format!("{}/routine", s.base)).await;
        assert!(html.contains("共 1 件"), "{label}");

        // The judge approves the whole batch from its page.
        let judge = signed_in(&s, "mz_t1_judge").await;
        let (status, page) = get_page(&judge, format!("{}{location}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("4 份文书待您审批"), "{label}: {page}");
        let csrf = hidden(&page, "csrf");
        let (status, location, _) = post_pairs(
            &judge,
            format!("{}/routine/batches/{id}/approve", s.base),
            &[("csrf".to_string(), csrf)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let approval: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
        let done = wait_done(&judge, &s, approval).await;
        assert_eq!(done["done"], 4, "{label}: {done}");
        assert_eq!(done["action"], "approve", "{label}");
        for (case_id, _) in &cases[..2] {
            let docs = s.app.store.case_documents(*case_id).await.unwrap();
            assert!(docs.iter().all(|d| d.status == "issued"), "{label}");
        }
    })
    .await;
}

#[tokio::test]
async fn api_queue_start_and_refusals() {
    each_engine(DEMO, |s, label| async move {
        let cases = file_cases(&s, "mz_clerk", 700, 2).await;
        let (c, token) = signed_in_with_token(&s, "mz_clerk").await;
        let q = get_json(&c, format!("{}/api/v1/routine/queue", s.base)).await;
        assert_eq!(q["total"], 2, "{label}: {q}");
        assert_eq!(q["items"].as_array().unwrap().len(), 2, "{label}");
        assert!(q["next"].is_null(), "{label}");

        // Refusals: unknown kind, a kind drafted case by case, no cases; no CSRF token.
        for (body, code) in [
            (
                json!({"case_ids": [cases[0].0], "kinds": ["poster"]}),
                "routine.kind_unknown",
            ),
            (
                json!({"case_ids": [cases[0].0], "kinds": ["ruling_freeze"]}),
                "routine.kind_not_batch",
            ),
            (
                json!({"case_ids": [], "kinds": ["notice"]}),
                "routine.no_cases",
            ),
        ] {
            let r = post_json(
                &c,
                format!("{}/api/v1/routine/batches", s.base),
                Some(&token),
                &body,
            )
            .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["code"], code, "{label}: {p}");
        }
        let r = post_json(
            &c,
            format!("{}/api/v1/routine/batches", s.base),
            None,
            &json!({"all": true, "kinds": ["notice"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        // The whole queue with `all`.
        let r = post_json(
            &c,
            format!("{}/api/v1/routine/batches", s.base),
            Some(&token),
            &json!({"all": true, "kinds": ["notice", "asset_report_order"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{label}");
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["total"], 2, "{label}: {b}");
        let id = b["id"].as_i64().unwrap();
        let done = wait_done(&c, &s, id).await;
        assert_eq!(done["done"], 2, "{label}: {done}");

        // The clerk cannot approve; a judge can, and the result is in the API.
        let r = post_json(
            &c,
            format!("{}/api/v1/routine/batches/{id}/approve", s.base),
            Some(&token),
            &json!({}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let (j, jt) = signed_in_with_token(&s, "mz_t1_judge").await;
        let r = post_json(
            &j,
            format!("{}/api/v1/routine/batches/{id}/approve", s.base),
            Some(&jt),
            &json!({}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{label}");
        let a: Value = r.json().await.unwrap();
        let done = wait_done(&j, &s, a["id"].as_i64().unwrap()).await;
        assert_eq!(done["done"], 4, "{label}: {done}");

        // Another court's clerk cannot see the batch.
        let other = signed_in(&s, "wx_clerk").await;
        let r = other
            .get(format!("{}/api/v1/routine/batches/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
    })
    .await;
}
