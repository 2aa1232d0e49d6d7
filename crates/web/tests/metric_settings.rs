//! A court's metric definitions over real HTTP on both engines: the administrator's form shows
//! the defaults and every metric's definition, saves checkboxes as the setting (which changes
//! the definitions shown), refuses a bad value and a stale version without changing anything;
//! the API reads them for staff who can see the court and lets only the administrator save.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::demo::DemoOptions;
use zhixing_domain::metrics::ClosureBase;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 31 };

#[tokio::test]
async fn definitions_are_set_by_form_and_api() {
    each_engine(DEMO, |s, engine| async move {
        let mz = s.app.court_tree().by_code("豫0883").unwrap().id;
        let admin = signed_in(&s, "mz_admin").await;
        let (status, html) = get_page(&admin, format!("{}/admin/metrics", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(
            html.contains("质效指标口径") && html.contains("旧存未结数"),
            "{html}"
        );
        let csrf = hidden(&html, "csrf");
        let form = |version: &str, months: &str| {
            vec![
                ("csrf".to_string(), csrf.clone()),
                ("version".to_string(), version.to_string()),
                ("case_type".to_string(), "first".to_string()),
                ("case_type".to_string(), "restored".to_string()),
                ("closure_base".to_string(), "received".to_string()),
                ("paid_mode".to_string(), "terminated".to_string()),
                ("old_pending_months".to_string(), months.to_string()),
                ("assess_fast".to_string(), "average_days".to_string()),
                ("assess_ordinary".to_string(), "closure_rate".to_string()),
                ("assess_special".to_string(), "recovery_rate".to_string()),
            ]
        };
        // A bad value is refused and nothing changes.
        let (status, _, body) =
            post_pairs(&admin, format!("{}/admin/metrics", s.base), &form("0", "0")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("1 至 60"), "{body}");
        assert!(s
            .app
            .store
            .court_setting(mz, "metric_definitions")
            .await
            .unwrap()
            .is_none());
        let (status, location, _) = post_pairs(
            &admin,
            format!("{}/admin/metrics", s.base),
            &form("0", "18"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(location, "/admin/metrics?saved=1");
        let d = s.app.metric_definitions(mz).await.unwrap();
        assert_eq!(d.closure_base, ClosureBase::Received);
        assert_eq!(d.old_pending_months, 18);
        assert!(!d.deduct_suspension, "an unticked box is false");
        let (_, html) = get_page(&admin, format!("{}/admin/metrics?saved=1", s.base)).await;
        assert!(html.contains("期内结案数 ÷ 期内收案数"), "{html}");
        // The form of a version already replaced is refused.
        let (status, _, _) = post_pairs(
            &admin,
            format!("{}/admin/metrics", s.base),
            &form("0", "12"),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{engine}");
        assert_eq!(
            s.app
                .metric_definitions(mz)
                .await
                .unwrap()
                .old_pending_months,
            18
        );

        // The API: a clerk reads, only the administrator writes.
        let (clerk, clerk_token) = signed_in_with_token(&s, "mz_clerk").await;
        let v = get_json(&clerk, format!("{}/api/v1/metrics/definitions", s.base)).await;
        assert_eq!(v["closure_base"], "received", "{engine}");
        assert_eq!(v["version"], 1);
        assert!(v["definitions_zh"]["closure_rate"]
            .as_str()
            .unwrap()
            .contains("期内收案数"));
        let mut body = v.clone();
        body["closure_base"] = json!("pending_and_received");
        let r = put_json(
            &clerk,
            format!("{}/api/v1/metrics/definitions", s.base),
            Some(&clerk_token),
            &body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        let sy = s.app.court_tree().by_code("豫0811").unwrap().id;
        let r = clerk
            .get(format!("{}/api/v1/metrics/definitions?court={sy}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(is_problem(&r));
        let (admin_api, token) = signed_in_with_token(&s, "mz_admin").await;
        let r = put_json(
            &admin_api,
            format!("{}/api/v1/metrics/definitions", s.base),
            Some(&token),
            &body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["closure_base"], "pending_and_received");
        assert_eq!(v["version"], 2);
        body["version"] = json!(2);
        body["case_types"] = json!([]);
        let r = put_json(
            &admin_api,
            format!("{}/api/v1/metrics/definitions", s.base),
            Some(&token),
            &body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_problem(&r));
        assert_eq!(
            s.app.metric_definitions(mz).await.unwrap().case_types.len(),
            2
        );
    })
    .await;
}
