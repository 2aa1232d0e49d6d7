//! The closing page and API over real HTTP on both engines: the conditions with what the
//! records show, recording a fact by form, a refused 终本 naming its conditions, and closing as
//! 执行完毕 through the API.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 23 };

#[tokio::test]
async fn closing_page_records_and_api() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, _) = file_cases(&s, "mz_clerk", 800, 1).await[0].clone();
        let judge = signed_in(&s, "mz_t1_judge").await;
        let url = format!("{}/cases/{case_id}/closing?mode=dormant", s.base);
        let (status, html) = get_page(&judge, &url).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("自立案之日起已超过三个月") && html.contains("未满足"), "{html}");
        let csrf = hidden(&html, "csrf");

        let (status, location, _) = post_form(
            &judge,
            format!("{}/cases/{case_id}/closing/records", s.base),
            &[
                ("csrf", &csrf),
                ("mode", "dormant"),
                ("kind", "applicant_heard"),
                ("happened_on", &today().to_string()),
                ("summary", "约谈申请执行人，告知终本后果，申请人无异议"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        assert!(location.contains("mode=dormant"));
        let (_, html) = get_page(&judge, &url).await;
        assert!(html.contains("申请人无异议"), "{html}");

        // Closing by form when a condition fails: the page names it and nothing changes.
        let v = s.app.store.case_by_id(case_id).await.unwrap().unwrap().version.to_string();
        let (status, _, body) = post_form(
            &judge,
            format!("{}/cases/{case_id}/close", s.base),
            &[("csrf", &csrf), ("version", &v), ("mode", "dormant")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("三个月"), "{body}");
        assert_ne!(s.app.store.case_by_id(case_id).await.unwrap().unwrap().stage, "closed");

        let (api, token) = signed_in_with_token(&s, "mz_t1_judge").await;
        let doc = get_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/closing?mode=dormant", s.base),
        )
        .await;
        assert_eq!(doc["all_met"], false, "{doc}");
        let heard = doc["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == "applicant_heard")
            .unwrap()
            .clone();
        assert_eq!(heard["met"], true, "{doc}");
        let version = doc["version"].as_i64().unwrap();
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/close", s.base),
            Some(&token),
            &json!({"version": version, "mode": "dormant"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(is_problem(&r));
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/closing-records", s.base),
            Some(&token),
            &json!({"kind": "applicant_satisfied", "happened_on": today().to_string(), "summary": "申请人确认已全部履行"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/close", s.base),
            Some(&token),
            &json!({"version": version, "mode": "completed"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let row = s.app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(row.stage, "closed");
    })
    .await;
}
