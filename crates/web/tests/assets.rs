//! Asset inquiry and control over HTTP on both engines: the case page's link, the assets page
//! with 立即查询 and the network's answers, the manual-result, lead, control, renew and lift
//! forms, a refused term naming its cap, the API twins and the OpenAPI document, the applicant
//! summary without account numbers, a reception officer refused and another court's case not
//! found.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

#[tokio::test]
async fn the_assets_page_forms_and_api() {
    each_engine(DEMO, |s, label| async move {
        let (case_id, _) = file_cases(&s, "mz_clerk", 701, 1).await[0].clone();
        let clerk = signed_in(&s, "mz_clerk").await;
        let base = &s.base;

        // The case page links to the assets page (a fragment loaded by htmx, a plain link without).
        let (status, detail) = get_page(&clerk, format!("{base}/cases/{case_id}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            detail.contains(&format!("/cases/{case_id}/assets")),
            "{label}"
        );
        let brief = get_text(&clerk, format!("{base}/cases/{case_id}/assets/brief")).await;
        assert!(brief.contains("财产查控"), "{label}: {brief}");

        let (status, page) = get_page(&clerk, format!("{base}/cases/{case_id}/assets")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(
            page.contains("立即查询") && page.contains("待提交"),
            "{label}"
        );
        let csrf = hidden(&page, "csrf");

        // 立即查询: the simulated network answers the quick kinds at once.
        let (status, location, _) = post_form(
            &clerk,
            format!("{base}/cases/{case_id}/assets/inquire"),
            &[("csrf", &csrf)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(
            location,
            format!("/cases/{case_id}/assets?done=1"),
            "{label}"
        );
        let page = get_text(&clerk, format!("{base}/cases/{case_id}/assets")).await;
        assert!(
            page.contains("查询中"),
            "{label}: awaiting the slow registries"
        );

        // A manual result, then a 13-month freeze refused naming the cap.
        let debtor = s
            .app
            .store
            .case_parties(case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.role == "debtor")
            .unwrap()
            .party_id
            .to_string();
        let (status, _, _) = post_form(
            &clerk,
            format!("{base}/cases/{case_id}/assets/findings"),
            &[
                ("csrf", &csrf),
                ("party_id", &debtor),
                ("kind", "bank_deposit"),
                ("institution", "中国银行焦作分行"),
                ("description", "活期储蓄账户"),
                ("identifier", "6216610200016688999"),
                ("amount", "12,000.00"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let finding = s
            .app
            .store
            .asset_findings(case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.identifier == "6216610200016688999")
            .unwrap()
            .id;
        let (status, _, body) = post_form(
            &clerk,
            format!("{base}/asset-findings/{finding}/controls"),
            &[("csrf", &csrf), ("control", "freeze"), ("months", "13")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(
            body.contains("12 个月") && body.contains("第四百八十五条"),
            "{label}: {body}"
        );
        assert!(
            s.app
                .store
                .control_measures(case_id)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );

        // A 6-month freeze, renewed, then lifted.
        let (status, _, _) = post_form(
            &clerk,
            format!("{base}/asset-findings/{finding}/controls"),
            &[
                ("csrf", &csrf),
                ("control", "freeze"),
                ("months", "6"),
                ("amount", "12000"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let m = s.app.store.control_measures(case_id).await.unwrap()[0].clone();
        let page = get_text(&clerk, format!("{base}/cases/{case_id}/assets")).await;
        assert!(
            page.contains(&format!("measure-{}", m.id)) && page.contains("控制中"),
            "{label}"
        );
        let (status, _, _) = post_form(
            &clerk,
            format!("{base}/control-measures/{}/renew", m.id),
            &[("csrf", &csrf), ("version", "1"), ("months", "6")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let (status, _, _) = post_form(
            &clerk,
            format!("{base}/control-measures/{}/lift", m.id),
            &[("csrf", &csrf), ("version", "2"), ("reason", "已履行完毕")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(
            s.app
                .store
                .control_measure(m.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            "lifted",
            "{label}"
        );

        // A lead through the form: due in 3 days when urgent.
        let (status, _, _) = post_form(
            &clerk,
            format!("{base}/cases/{case_id}/assets/leads"),
            &[
                ("csrf", &csrf),
                ("party_id", &debtor),
                ("kind", "vehicle"),
                ("description", "被执行人名下有一辆货车"),
                ("urgent", "on"),
                ("received_on", "2026-03-02"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let lead = s.app.store.asset_leads(case_id).await.unwrap()[0].clone();
        assert_eq!(
            (lead.urgent, lead.due_on.as_str()),
            (1, "2026-03-05"),
            "{label}"
        );

        // The API: the same view, the commands, and the summary without account numbers.
        let (api, token) = signed_in_with_token(&s, "mz_clerk").await;
        let v = get_json(&api, format!("{base}/api/v1/cases/{case_id}/assets")).await;
        assert_eq!(v["case_id"], json!(case_id), "{label}");
        assert_eq!(v["measures"][0]["status"], json!("lifted"), "{label}");
        let r = post_json(
            &api,
            format!("{base}/api/v1/asset-leads/{}/verify", lead.id),
            Some(&token),
            &json!({"version": 1, "outcome": "not_found", "note": "车管所无登记"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let r = post_json(
            &api,
            format!("{base}/api/v1/asset-findings/{finding}/controls"),
            Some(&token),
            &json!({"control": "seal", "months": 6}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(is_problem(&r), "{label}");
        let r = post_json(
            &api,
            format!("{base}/api/v1/cases/{case_id}/assets/inform"),
            Some(&token),
            &json!({}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let v: serde_json::Value = r.json().await.unwrap();
        let text = v["messages"][0]["text"].as_str().unwrap().to_string();
        assert!(text.contains("银行存款"), "{label}: {text}");
        assert!(!text.contains("6216610200016688999"), "{label}: {text}");
        assert!(
            !v["summary_zh"].as_str().unwrap().contains("6216"),
            "{label}"
        );

        // The OpenAPI document names the routes.
        let doc = get_json(&api, format!("{base}/api/v1/openapi.json")).await;
        for path in [
            "/api/v1/cases/{id}/assets",
            "/api/v1/cases/{id}/assets/inquire",
            "/api/v1/cases/{id}/assets/findings",
            "/api/v1/cases/{id}/assets/leads",
            "/api/v1/cases/{id}/assets/inform",
            "/api/v1/asset-leads/{id}/verify",
            "/api/v1/asset-findings/{id}/controls",
            "/api/v1/asset-findings/{id}/carry-over",
            "/api/v1/control-measures/{id}/renew",
            "/api/v1/control-measures/{id}/lift",
        ] {
            assert!(doc["paths"][path].is_object(), "{label}: {path} missing");
        }

        // English.
        let en = get_text(&clerk, format!("{base}/lang?to=en")).await;
        let _ = en;
        let page = get_text(&clerk, format!("{base}/cases/{case_id}/assets")).await;
        assert!(
            page.contains("Asset inquiry and control") || page.contains("财产查控"),
            "{label}"
        );

        // A reception officer may not act; another court does not see the case.
        let reception = signed_in(&s, "mz_reception").await;
        let rpage = get_text(&reception, format!("{base}/cases/{case_id}/assets")).await;
        let rcsrf = hidden(&rpage, "csrf");
        let (status, _, _) = post_form(
            &reception,
            format!("{base}/cases/{case_id}/assets/inquire"),
            &[("csrf", &rcsrf)],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let other = signed_in(&s, "wz_clerk").await;
        let (status, _) = get_page(&other, format!("{base}/cases/{case_id}/assets")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let r = other
            .get(format!("{base}/api/v1/cases/{case_id}/assets"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
    })
    .await;
}
