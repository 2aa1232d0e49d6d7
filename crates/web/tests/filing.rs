//! Direct filing through the API (cases transferred from a trial division), on both engines.

mod common;

use common::{api_csrf, api_login, client_with, each_engine, get_json, PASSWORD};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_domain::ids::resident_check_char;

fn id(body17: &str) -> String {
    format!("{body17}{}", resident_check_char(body17))
}

fn body(debtor_id: &str) -> Value {
    json!({
        "case_type": "first",
        "applicant": {"kind": "person", "name": "王申请", "id_number": id("41088319700101001")},
        "debtors": [{"kind": "person", "name": "刘被执", "id_number": debtor_id}],
        "basis": {"issuing_court": "孟州市人民法院", "instrument_number": "（2025）豫0883民初77号", "kind": "judgment", "effective_date": "2025-05-01"},
        "claim": "3.8万",
        "debtor_locatable": true,
        "flags": []
    })
}

#[tokio::test]
async fn a_clerk_files_directly_and_the_case_is_routed_and_assigned() {
    each_engine(DemoOptions { cases: 0, seed: 3 }, |s, label| async move {
        let (app, base) = (&s.app, &s.base);
        // This client follows redirects, as a script calling the API would.
        let c = client_with(Policy::default());
        api_login(&c, base, "mz_clerk", PASSWORD).await;
        let token = api_csrf(&c, base).await;

        let r = c
            .post(format!("{base}/api/v1/cases"))
            .json(&body(&id("41088319750202002")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}: no CSRF header");
        assert_eq!(app.store.count_cases().await.unwrap(), 0);

        let bad = c
            .post(format!("{base}/api/v1/cases"))
            .header("X-CSRF-Token", &token)
            .json(&body("410883197502020029"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let p: Value = bad.json().await.unwrap();
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == "debtors[0].id_number"),
            "{p}"
        );
        assert_eq!(app.store.count_cases().await.unwrap(), 0);

        let ok = c
            .post(format!("{base}/api/v1/cases"))
            .header("X-CSRF-Token", &token)
            .json(&body(&id("41088319750202002")))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED, "{label}");
        let filed: Value = ok.json().await.unwrap();
        assert!(filed["case_number"].as_str().unwrap().contains("豫0883执"));
        let case: Value = get_json(&c, format!("{base}/api/v1/cases/{}", filed["case_id"])).await;
        assert_eq!(
            case["stage"], "assigned",
            "{label}: routed and assigned at filing"
        );
        assert_eq!(case["team_name"], "速执团队");

        // A judge does not file.
        let j = client_with(Policy::default());
        api_login(&j, base, "mz_t1_judge", PASSWORD).await;
        let jt = api_csrf(&j, base).await;
        let r = j
            .post(format!("{base}/api/v1/cases"))
            .header("X-CSRF-Token", &jt)
            .json(&body(&id("41088319750202002")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
    })
    .await;
}

#[tokio::test]
async fn a_check_digit_override_on_a_direct_filing_is_on_the_record() {
    each_engine(DemoOptions { cases: 0, seed: 3 }, |s, label| async move {
        let base = &s.base;
        let c = client_with(Policy::default());
        api_login(&c, base, "mz_clerk", PASSWORD).await;
        let token = api_csrf(&c, base).await;
        // A credit code whose only fault is its check digit.
        let body17 = "91410883MA1234567";
        let good = zhixing_domain::ids::credit_check_char(body17);
        let wrong = if good == '0' { '1' } else { '0' };
        let mut b = body(&id("41088319750202002"));
        b["debtors"] = json!([{
            "kind": "organisation",
            "name": "焦作市某某商贸有限公司",
            "id_number": format!("{body17}{wrong}"),
            "override_check_digit": true,
            "override_reason": "营业执照原件所载代码如此"
        }]);
        let ok = c
            .post(format!("{base}/api/v1/cases"))
            .header("X-CSRF-Token", &token)
            .json(&b)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED, "{label}");
        let filed: Value = ok.json().await.unwrap();
        let events: Value = get_json(
            &c,
            format!("{base}/api/v1/cases/{}/events", filed["case_id"]),
        )
        .await;
        let filing_text = events[0]["text_zh"].as_str().unwrap();
        assert!(
            filing_text.contains("营业执照原件所载代码如此"),
            "{label}: {filing_text}"
        );
    })
    .await;
}
