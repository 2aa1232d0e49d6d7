//! Teams and assignment over real HTTP: team page, case-page assignment, leaving, weights, API.

mod common;

use common::{api_csrf, client, each_engine, get_json, get_text, hidden, sign_in};
use reqwest::StatusCode;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions {
    cases: 120,
    seed: 11,
};

#[tokio::test]
async fn team_page_case_assignment_and_leaving() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        // Clerks may not see the team page or the weights editor.
        let clerk = client();
        sign_in(&clerk, base, "mz_clerk").await;
        let r = clerk.get(format!("{base}/teams")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let r = clerk
            .get(format!("{base}/admin/weights"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        let lead = client();
        sign_in(&lead, base, "mz_t1_lead").await;
        let r = lead.get(format!("{base}/teams")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let page = r.text().await.unwrap();
        assert!(page.contains("/cases?officer="), "{label}");

        // A case of team 1 with an officer: the form is on the case page.
        let officer = s.user("mz_t1_officer1").await;
        let held = s.app.store.cases_held_by(officer.id).await.unwrap();
        let Some(case) = held.iter().find(|c| c.stage != "closed") else {
            return;
        };
        let page = get_text(&lead, format!("{base}/cases/{}", case.id)).await;
        assert!(page.contains("/assign\""), "{label}");
        let csrf = hidden(&page, "csrf");
        let other = s.user("mz_t1_officer2").await;
        let form = |csrf: &str, version: i64, reason: &str| {
            vec![
                ("csrf".to_string(), csrf.to_string()),
                ("version".to_string(), version.to_string()),
                ("officer_id".to_string(), other.id.to_string()),
                ("reason".to_string(), reason.to_string()),
            ]
        };
        // Forged token → 403; no reason → 422; then done; stale → 409.
        let url = format!("{base}/cases/{}/assign", case.id);
        let r = lead
            .post(&url)
            .form(&form("x", case.version, "r"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let r = lead
            .post(&url)
            .form(&form(&csrf, case.version, ""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let r = lead
            .post(&url)
            .form(&form(&csrf, case.version, "工作调整"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        let r = lead
            .post(&url)
            .form(&form(&csrf, case.version, "工作调整"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        let page = get_text(&lead, format!("{base}/cases/{}", case.id)).await;
        assert!(page.contains("工作调整"), "{label}");

        // Leaving page for the chief; clerk refused.
        let chief = client();
        sign_in(&chief, base, "mz_chief").await;
        let url = format!("{base}/teams/leaving/{}", officer.id);
        let r = clerk.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let page = get_text(&chief, &url).await;
        let csrf = hidden(&page, "csrf");
        let r = chief
            .post(&url)
            .form(&[("csrf", csrf.as_str()), ("op", "reassign"), ("reason", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let r = chief
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("op", "deactivate"),
                ("reason", "调离"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let row = s.app.store.user_by_id(officer.id).await.unwrap().unwrap();
        assert_eq!(row.active, 0, "{label}");
        // The deactivated officer cannot sign in.
        let gone = client();
        let page = get_text(&gone, format!("{base}/login")).await;
        let csrf = hidden(&page, "csrf");
        let r = gone
            .post(format!("{base}/login"))
            .form(&[
                ("username", "mz_t1_officer1"),
                ("password", "zhixing123"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_ne!(r.status(), StatusCode::SEE_OTHER, "{label}");
    })
    .await;
}

#[tokio::test]
async fn weights_editor_and_api() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let admin = client();
        sign_in(&admin, base, "mz_admin").await;
        let page = get_text(&admin, format!("{base}/admin/weights")).await;
        let csrf = hidden(&page, "csrf");
        let court = hidden(&page, "court_id");
        let mut form = vec![
            ("csrf".to_string(), csrf.clone()),
            ("court_id".to_string(), court.clone()),
            ("version".to_string(), "0".to_string()),
            ("complex_extra".to_string(), "5".to_string()),
        ];
        for t in zhixing_domain::case::CaseType::ALL {
            form.push((format!("w_{}", t.key()), "7".to_string()));
        }
        // Two problems → both shown, nothing saved.
        let mut bad = form.clone();
        bad[3].1 = "0".into();
        bad[4].1 = "abc".into();
        let r = admin.post(format!("{base}/admin/weights")).form(&bad).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body = r.text().await.unwrap();
        assert_eq!(body.matches("field-error").count(), 2, "{label}");
        let r = admin.post(format!("{base}/admin/weights")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let r = admin.post(format!("{base}/admin/weights")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");

        // API: GET, PUT without/with CSRF, stale.
        let url = format!("{base}/api/v1/courts/{court}/load-weights");
        let doc: serde_json::Value = get_json(&admin, &url).await;
        assert_eq!(doc["version"], 1, "{label}");
        assert_eq!(doc["by_type"]["first"], 7);
        let r = admin.put(&url).json(&doc).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let token = api_csrf(&admin, base).await;
        let r = admin
            .put(&url)
            .header("X-CSRF-Token", &token)
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let r = admin
            .put(&url)
            .header("X-CSRF-Token", &token)
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");

        // Teams API and the OpenAPI document.
        let lead = client();
        sign_in(&lead, base, "mz_t1_lead").await;
        let teams: serde_json::Value = get_json(&lead, format!("{base}/api/v1/teams")).await;
        assert!(teams["teams"].as_array().unwrap().len() >= 3, "{label}");
        let spec = get_text(&lead, format!("{base}/api/v1/openapi.json")).await;
        assert!(spec.contains("/api/v1/cases/{id}/assign"));
        // Assign through the API: CSRF required; reason required for a reassignment.
        let officer = s.user("mz_t1_officer2").await;
        let held = s.app.store.cases_held_by(officer.id).await.unwrap();
        // An open case that supervision has not locked for an overdue node.
        let mut open = None;
        for c in held.iter().filter(|c| c.stage != "closed") {
            if s.app.store.case_by_id(c.id).await.unwrap().unwrap().locked == 0 {
                open = Some(c);
                break;
            }
        }
        if let Some(case) = open {
            let to = s.user("mz_t1_officer3").await;
            let url = format!("{base}/api/v1/cases/{}/assign", case.id);
            let body = serde_json::json!({"officer_id": to.id, "version": case.version});
            let r = lead.post(&url).json(&body).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
            let token = api_csrf(&lead, base).await;
            let r = lead
                .post(&url)
                .header("X-CSRF-Token", &token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
            let body = serde_json::json!({"officer_id": to.id, "version": case.version, "reason": "均衡负荷"});
            let r = lead
                .post(&url)
                .header("X-CSRF-Token", &token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{label}");
        }
        // Deactivate through the API: a clerk is refused.
        let clerk = client();
        sign_in(&clerk, base, "mz_clerk").await;
        let token = api_csrf(&clerk, base).await;
        let r = clerk
            .post(format!("{base}/api/v1/users/{}/deactivate", officer.id))
            .header("X-CSRF-Token", &token)
            .json(&serde_json::json!({"reason": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
    })
    .await;
}
