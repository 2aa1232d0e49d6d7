//! Coercive measures and settlement over real HTTP on both engines: the case page and its forms
//! with CSRF (a fine by a judge, a refused detention beyond 15 days, a settlement with a
//! payment), the public list without sign-in, and the API round trip with its refusals.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 17 };

#[tokio::test]
async fn measures_page_forms_and_api() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, _) = file_cases(&s, "mz_clerk", 700, 1).await[0].clone();
        let debtor = s
            .app
            .store
            .case_parties(case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.role == "debtor")
            .unwrap()
            .party_id;
        let judge = signed_in(&s, "mz_t1_judge").await;
        let page_url = format!("{}/cases/{case_id}/measures", s.base);
        let (status, html) = get_page(&judge, &page_url).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("强制措施") && html.contains("被执行人0"), "{html}");
        let csrf = hidden(&html, "csrf");

        // A fine by form: saved and shown.
        let party = debtor.to_string();
        let (status, location, _) = post_form(
            &judge,
            &page_url,
            &[
                ("csrf", &csrf),
                ("kind", "fine"),
                ("party_id", &party),
                ("amount", "5000"),
                ("facts", "拒不报告财产"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        assert!(location.ends_with(&format!("/cases/{case_id}/measures")));
        let (_, html) = get_page(&judge, &page_url).await;
        assert!(html.contains("罚款") && html.contains("5,000.00"), "{html}");

        // Revoking it by form needs a reason; then it shows as revoked.
        let fine = s.app.store.case_measures(case_id).await.unwrap()[0].clone();
        let revoke_url = format!("{}/measures/{}/revoke", s.base, fine.id);
        let case_field = case_id.to_string();
        let (status, location, _) = post_form(
            &judge,
            &revoke_url,
            &[
                ("csrf", &csrf),
                ("case_id", &case_field),
                ("version", "1"),
                ("reason", "已缴纳罚款后确有悔改，决定撤销"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        assert!(location.ends_with(&format!("/cases/{case_id}/measures")));
        assert_eq!(
            s.app.store.measure(fine.id).await.unwrap().unwrap().status,
            "revoked"
        );

        // Detention beyond fifteen days: the error page names the rule; nothing stored.
        let (status, _, body) = post_form(
            &judge,
            &page_url,
            &[
                ("csrf", &csrf),
                ("kind", "detention"),
                ("party_id", &party),
                ("days", "20"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("十五日"), "{body}");
        assert_eq!(s.app.store.case_measures(case_id).await.unwrap().len(), 1);

        // A form without the session's token changes nothing.
        let (status, _, _) = post_form(
            &judge,
            &page_url,
            &[("csrf", "forged"), ("kind", "fine"), ("party_id", &party), ("amount", "100")],
        )
        .await;
        assert_ne!(status, StatusCode::SEE_OTHER);
        assert_eq!(s.app.store.case_measures(case_id).await.unwrap().len(), 1);

        // A settlement by form, then a payment.
        let (status, _, body) = post_form(
            &judge,
            format!("{}/cases/{case_id}/settlements", s.base),
            &[
                ("csrf", &csrf),
                ("signed_on", &today().to_string()),
                ("instalments", &format!("{} 8000\n", today())),
                ("grace_days", "3"),
                ("terms", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: {body}");
        let sid = s.app.store.case_settlements(case_id).await.unwrap()[0].id;
        let (status, _, body) = post_form(
            &judge,
            format!("{}/settlements/{sid}/payments", s.base),
            &[
                ("csrf", &csrf),
                ("case_id", &case_id.to_string()),
                ("version", "1"),
                ("paid_on", &today().to_string()),
                ("amount", "8000"),
                ("note", "申请人确认"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: {body}");
        let (_, html) = get_page(&judge, &page_url).await;
        assert!(html.contains("履行完毕"), "{html}");

        // The API: the case's measures, a refused measure on a non-debtor, a reward offer.
        let (api, token) = signed_in_with_token(&s, "mz_t1_judge").await;
        let doc = get_json(&api, format!("{}/api/v1/cases/{case_id}/measures", s.base)).await;
        assert_eq!(doc["measures"].as_array().unwrap().len(), 1, "{doc}");
        assert_eq!(doc["settlements"][0]["status"], "performed");
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/measures", s.base),
            Some(&token),
            &json!({"party_id": 999_999, "kind": "reward_offer", "amount": "1000"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_problem(&r));
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/measures", s.base),
            Some(&token),
            &json!({"party_id": debtor, "kind": "reward_offer", "amount": "1000", "facts": "悬赏查找被执行人财产"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");

        // The public list, without signing in: the reward offer, not the fine.
        let anon = client();
        let (status, html) = get_page(&anon, format!("{}/public/豫0883/measures", s.base)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("悬赏") && html.contains("被执行人0"), "{html}");
        assert!(!html.contains("罚款"), "{html}");
        let v = get_json(&anon, format!("{}/api/v1/public/豫0883/measures", s.base)).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
        assert!(!v.to_string().contains("41088319850505"), "no identity numbers: {v}");
    })
    .await;
}
