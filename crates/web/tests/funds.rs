//! Case funds on the web, both engines: the funds page with its forms (receipt, plan with the
//! pro-rata suggestion, decision), the approvers' queue, the reconciliation page and its Excel
//! export, the administrator's setting, the case page's link, and the API twins with their
//! refusals (a payout above the balance, another court's case, a clerk).

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::commands::FileCase;
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

#[tokio::test]
async fn the_funds_page_records_receipts_and_pays_by_plan() {
    each_engine(DEMO, |s, label| async move {
        let (id, _) = file_cases(&s, "mz_clerk", 700, 1).await[0].clone();
        let officer = officer_of(&s, id).await;
        let c = signed_in(&s, &officer).await;

        // The case page links to the funds page.
        let (_, page) = get_page(&c, format!("{}/cases/{id}", s.base)).await;
        assert!(page.contains(&format!("/cases/{id}/funds")), "{label}");
        let (status, page) = get_page(&c, format!("{}/cases/{id}/funds", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        let account = s.app.store.case_account(id).await.unwrap().unwrap();
        assert!(page.contains(&account.account_number));
        assert!(page.contains("中国工商银行"));
        let csrf = hidden(&page, "csrf");
        let version = hidden(&page, "version");
        let (status, location, _) = post_form(
            &c,
            format!("{}/cases/{id}/funds/receipts", s.base),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("amount", "1,000.01"),
                ("source", "deduction"),
                ("payer", "李某"),
                ("reference", "KH-001"),
                ("received_on", &today().to_string()),
                ("second_officer_id", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, format!("/cases/{id}/funds"));
        let summary = get_text(&c, format!("{}/cases/{id}/funds/summary", s.base)).await;
        assert!(summary.contains("1,000.01"), "{summary}");

        // Cash without a second officer is refused with the rule's words.
        let (_, page) = get_page(&c, format!("{}/cases/{id}/funds", s.base)).await;
        let version = hidden(&page, "version");
        let (status, _, body) = post_form(
            &c,
            format!("{}/cases/{id}/funds/receipts", s.base),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("amount", "50"),
                ("source", "cash"),
                ("reference", "XJ-1"),
                ("received_on", &today().to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("两名干警"), "{body}");

        // The plan form is prefilled with the pro-rata split; the judge pays at once.
        let judge = signed_in(&s, "mz_t1_judge").await;
        let (_, page) = get_page(&judge, format!("{}/cases/{id}/funds", s.base)).await;
        let payee = s
            .app
            .store
            .case_parties(id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.role == "applicant")
            .unwrap()
            .party_id;
        let field = format!("amount_{payee}");
        assert_eq!(value_of(&page, &field).as_deref(), Some("1,000.01"));
        let (status, _, _) = post_pairs(
            &judge,
            format!("{}/cases/{id}/funds/disbursements", s.base),
            &[
                ("csrf".into(), hidden(&page, "csrf")),
                ("version".into(), hidden(&page, "version")),
                (field.clone(), "400".into()),
                ("note".into(), "第一次发放".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let case = s.app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!(
            (case.held_fen, case.recovered_fen),
            (60_001, 40_000),
            "{label}"
        );
        let (_, page) = get_page(&judge, format!("{}/cases/{id}/funds", s.base)).await;
        assert!(page.contains("第一次发放"));
        assert!(page.contains("600.01"));

        // More than the balance: refused, nothing paid.
        let (status, _, body) = post_pairs(
            &judge,
            format!("{}/cases/{id}/funds/disbursements", s.base),
            &[
                ("csrf".into(), hidden(&page, "csrf")),
                ("version".into(), hidden(&page, "version")),
                (field, "600.02".into()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("600.01"), "{body}");
        assert_eq!(
            s.app.store.case_by_id(id).await.unwrap().unwrap().held_fen,
            60_001
        );
    })
    .await;
}

#[tokio::test]
async fn large_payouts_go_to_the_approvals_queue() {
    each_engine(DEMO, |s, label| async move {
        let (id, _) = file_cases(&s, "mz_clerk", 710, 1).await[0].clone();
        let officer = officer_of(&s, id).await;
        let (c, token) = signed_in_with_token(&s, &officer).await;
        let funds = get_json(&c, format!("{}/api/v1/cases/{id}/funds", s.base)).await;
        let r = post_json(
            &c,
            format!("{}/api/v1/cases/{id}/funds/receipts", s.base),
            Some(&token),
            &json!({"version": funds["version"], "amount": "20万", "source": "auction",
                    "reference": "PM-9", "received_on": today().to_string()}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let funds: Value = r.json().await.unwrap();
        assert_eq!(funds["held_fen"], 20_000_000);
        assert_eq!(funds["entries"][0]["balance_after_fen"], 20_000_000);
        let payee = funds["suggestion"][0]["party_id"].as_i64().unwrap();

        // Above the balance through the API: a problem naming the rule.
        let r = post_json(
            &c,
            format!("{}/api/v1/cases/{id}/funds/disbursements", s.base),
            Some(&token),
            &json!({"version": funds["version"], "lines": [{"party_id": payee, "amount": "200000.01"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_problem(&r));
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "funds.more_than_balance");

        let r = post_json(
            &c,
            format!("{}/api/v1/cases/{id}/funds/disbursements", s.base),
            Some(&token),
            &json!({"version": funds["version"], "lines": [{"party_id": payee, "amount": "150000"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let funds: Value = r.json().await.unwrap();
        let d = &funds["disbursements"][0];
        assert_eq!(d["status"], "proposed");
        assert_eq!(d["approval_level"], "bureau_chief");
        let did = d["id"].as_i64().unwrap();

        // The chief's queue, as a page and through the API; the chief approves on the page.
        let chief = signed_in(&s, "mz_chief").await;
        let (status, page) = get_page(&chief, format!("{}/funds/approvals", s.base)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("disbursement-{did}")), "{label}");
        let queue = get_json(&chief, format!("{}/api/v1/funds/approvals", s.base)).await;
        assert_eq!(queue[0]["id"], did);
        assert_eq!(queue[0]["may_decide"], true);
        // A judge sees it but may not decide it.
        let (jc, jt) = signed_in_with_token(&s, "mz_t1_judge").await;
        let r = post_json(
            &jc,
            format!("{}/api/v1/funds/disbursements/{did}/decision", s.base),
            Some(&jt),
            &json!({"version": d["version"], "approve": true}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "funds.approval_level");
        let version = value_of(&page, "version").unwrap();
        let (status, location, _) = post_form(
            &chief,
            format!("{}/funds/disbursements/{did}/decision", s.base),
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("version", &version),
                ("decision", "approve"),
                ("reason", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/funds/approvals");
        let case = s.app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!((case.held_fen, case.recovered_fen), (5_000_000, 15_000_000));

        // Another court's judge: not found, on the page and in the API.
        let other = signed_in(&s, "wx_t1_judge").await;
        let (status, _) = get_page(&other, format!("{}/cases/{id}/funds", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let r = other
            .get(format!("{}/api/v1/cases/{id}/funds", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // A clerk records no money.
        let (cc, ct) = signed_in_with_token(&s, "mz_clerk").await;
        let r = post_json(
            &cc,
            format!("{}/api/v1/cases/{id}/funds/receipts", s.base),
            Some(&ct),
            &json!({"version": case.version, "amount": "1", "source": "other",
                    "reference": "x", "received_on": today().to_string()}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_reconciliation_page_api_and_excel_agree() {
    each_engine(DEMO, |s, label| async move {
        let cases = file_cases(&s, "mz_clerk", 720, 2).await;
        for (i, (id, _)) in cases.iter().enumerate() {
            let officer = officer_of(&s, *id).await;
            let (c, token) = signed_in_with_token(&s, &officer).await;
            let funds = get_json(&c, format!("{}/api/v1/cases/{id}/funds", s.base)).await;
            let r = post_json(
                &c,
                format!("{}/api/v1/cases/{id}/funds/receipts", s.base),
                Some(&token),
                &json!({"version": funds["version"], "amount": format!("{}", 100 * (i + 1)),
                        "source": if i == 0 { "deduction" } else { "voluntary" },
                        "reference": format!("R{i}"), "received_on": today().to_string()}),
            )
            .await;
            assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        }
        let chief = signed_in(&s, "mz_chief").await;
        let day = today().to_string();
        let (status, page) = get_page(
            &chief,
            format!("{}/funds/reconciliation?from={day}&to={day}", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("300.00"), "{page}");
        assert!(page.contains("账实相符"));
        let api = get_json(
            &chief,
            format!("{}/api/v1/funds/reconciliation?from={day}&to={day}", s.base),
        )
        .await;
        assert_eq!(api["totals"]["receipts_fen"], 30_000);
        assert_eq!(api["totals"]["closing_fen"], 30_000);
        assert_eq!(api["balanced"], true);
        assert_eq!(api["lines"].as_array().unwrap().len(), 2);
        let r = chief
            .get(format!(
                "{}/funds/reconciliation.xlsx?from={day}&to={day}",
                s.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        // A reversed period is refused.
        let (status, _) = get_page(
            &chief,
            format!(
                "{}/funds/reconciliation?from=2026-02-01&to=2026-01-01",
                s.base
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // An officer does not read it.
        let officer = signed_in(&s, &officer_of(&s, cases[0].0).await).await;
        let (status, _) = get_page(&officer, format!("{}/funds/reconciliation", s.base)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_administrator_sets_the_fund_account() {
    each_engine(DEMO, |s, label| async move {
        let admin = signed_in(&s, "mz_admin").await;
        let (status, page) = get_page(&admin, format!("{}/admin/funds", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("孟州市人民法院执行款专户"));
        let (status, location, _) = post_form(
            &admin,
            format!("{}/admin/funds", s.base),
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("version", &hidden(&page, "version")),
                ("bank", "中国农业银行孟州支行"),
                ("account_name", "孟州市人民法院案款专户"),
                ("approval_above", "50000"),
                ("approval_level", "president"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, "/admin/funds?saved=1");
        // A new case opens its account with the court's bank; its notice prints it.
        let (id, _) = file_cases(&s, "mz_clerk", 730, 1).await[0].clone();
        let account = s.app.store.case_account(id).await.unwrap().unwrap();
        assert_eq!(account.bank, "中国农业银行孟州支行");
        assert_eq!(account.account_name, "孟州市人民法院案款专户");
        // The API twin reads it back and refuses a blank bank.
        let (c, token) = signed_in_with_token(&s, "mz_admin").await;
        let set = get_json(&c, format!("{}/api/v1/funds/settings", s.base)).await;
        assert_eq!(set["approval_level"], "president");
        assert_eq!(set["approval_above_fen"], 5_000_000);
        let r = put_json(
            &c,
            format!("{}/api/v1/funds/settings", s.base),
            Some(&token),
            &json!({"bank": " ", "account_name": "x", "approval_above_fen": 1, "approval_level": "president", "version": set["version"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Not for a judge.
        let judge = signed_in(&s, "mz_t1_judge").await;
        let (status, _) = get_page(&judge, format!("{}/admin/funds", s.base)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The OpenAPI document lists the funds API.
        let doc = get_json(&c, format!("{}/api/v1/openapi.json", s.base)).await;
        for path in [
            "/api/v1/cases/{id}/funds",
            "/api/v1/cases/{id}/funds/receipts",
            "/api/v1/cases/{id}/funds/disbursements",
            "/api/v1/funds/disbursements/{id}/decision",
            "/api/v1/funds/approvals",
            "/api/v1/funds/reconciliation",
            "/api/v1/funds/settings",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_applicants_claims_are_stated_by_form_and_api() {
    each_engine(DEMO, |s, label| async move {
        let (id, _) = file_as(&s, "mz_clerk", |court_id| FileCase {
            applicants: vec![
                person("张三", "41088319800101123"),
                person("王五", "41088319810202234"),
            ],
            ..filing(court_id, 720, 0)
        })
        .await;
        let ids: Vec<i64> = s
            .app
            .store
            .case_parties(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.role == "applicant")
            .map(|p| p.party_id)
            .collect();
        let judge = signed_in(&s, "mz_t1_judge").await;
        let (_, page) = get_page(&judge, format!("{}/cases/{id}/funds", s.base)).await;
        assert!(page.contains("各申请执行人债权额") && page.contains("未登记"), "{label}");
        let csrf = hidden(&page, "csrf");
        let form = |a: &str, b: &str| {
            vec![
                ("csrf".to_string(), csrf.clone()),
                (format!("claim_{}", ids[0]), a.to_string()),
                (format!("claim_{}", ids[1]), b.to_string()),
            ]
        };
        // Not adding up to the case's 20,000 yuan: refused in words, nothing stated.
        let (status, _, body) = post_pairs(
            &judge,
            format!("{}/cases/{id}/funds/claims", s.base),
            &form("15000", "6000"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(body.contains("20,000.00"), "{body}");
        let (status, location, _) = post_pairs(
            &judge,
            format!("{}/cases/{id}/funds/claims", s.base),
            &form("15000", "5000"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, format!("/cases/{id}/funds"));
        let (_, page) = get_page(&judge, format!("{}/cases/{id}/funds", s.base)).await;
        assert!(page.contains("15,000.00") && !page.contains("未登记"), "{label}");

        // The API: the claims and a suggestion that follows them.
        let officer = officer_of(&s, id).await;
        let (api, token) = signed_in_with_token(&s, &officer).await;
        let doc = get_json(&api, format!("{}/api/v1/cases/{id}/funds", s.base)).await;
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{id}/funds/receipts", s.base),
            Some(&token),
            &json!({"version": doc["version"], "amount": "1000", "source": "voluntary",
                    "reference": "HD-1", "received_on": today().to_string()}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let doc: Value = r.json().await.unwrap();
        assert_eq!(doc["claim_fen"], 2_000_000, "{doc}");
        assert_eq!(doc["claims"][0]["claim_fen"], 1_500_000, "{doc}");
        let suggested: Vec<i64> = doc["suggestion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount_fen"].as_i64().unwrap())
            .collect();
        assert_eq!(suggested, [75_000, 25_000], "{label}");
        let r = put_json(
            &api,
            format!("{}/api/v1/cases/{id}/funds/claims", s.base),
            Some(&token),
            &json!({"claims": [{"party_id": ids[0], "amount": "1万"}, {"party_id": ids[1], "amount": "1万"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let doc: Value = r.json().await.unwrap();
        let suggested: Vec<i64> = doc["suggestion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount_fen"].as_i64().unwrap())
            .collect();
        assert_eq!(suggested, [50_000, 50_000], "{label}");
        // A clerk may not; an applicant missing is refused.
        let (clerk, clerk_token) = signed_in_with_token(&s, "mz_clerk").await;
        let r = put_json(
            &clerk,
            format!("{}/api/v1/cases/{id}/funds/claims", s.base),
            Some(&clerk_token),
            &json!({"claims": [{"party_id": ids[0], "amount": "1万"}, {"party_id": ids[1], "amount": "1万"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let r = put_json(
            &api,
            format!("{}/api/v1/cases/{id}/funds/claims", s.base),
            Some(&token),
            &json!({"claims": [{"party_id": ids[0], "amount": "2万"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(is_problem(&r));
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "funds.claims_incomplete", "{body}");
    })
    .await;
}
