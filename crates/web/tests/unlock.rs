//! Locked cases, unlock and extension requests and the approvals page over real HTTP — forms
//! and API twins, with CSRF and refusals — on both engines.

mod common;

use chrono::{Months, NaiveDate};
use common::{
    api_csrf, each_engine, file_as, get_json, get_page, hidden, officer_of, person, post_form,
    post_json, signed_in, signed_in_with_token, today, Server,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use zhixing_app::commands::FileCase;
use zhixing_app::demo::DemoOptions;
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::money::Fen;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A case filed at the 孟州 court; its id and its officer's username.
async fn file(s: &Server) -> (i64, String) {
    let filing = |court_id| FileCase {
        court_id,
        case_type: CaseType::First,
        basis: Basis::new(
            "孟州市人民法院",
            "（2025）豫0883民初66号",
            BasisKind::Judgment,
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            today(),
        )
        .unwrap(),
        claim: Fen::from_yuan(20_000),
        applicants: vec![person("王申请", "41088319700101001")],
        debtors: vec![person("刘被执", "41088319750202002")],
        reception_id: None,
        flags: Default::default(),
        debtor_locatable: true,
        note: None,
    };
    let (id, _) = file_as(s, "mz_clerk", filing).await;
    (id, officer_of(s, id).await)
}

/// Moves the six-month node of a case so that it is due on `due`.
async fn set_due(s: &Server, case_id: i64, due: NaiveDate) {
    let mut row = s
        .app
        .store
        .case_nodes(case_id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.node_key == "conclude_case")
        .unwrap();
    row.started_on = ymd(due.checked_sub_months(Months::new(6)).unwrap());
    row.due_on = ymd(due);
    row.warn_on = ymd(due - chrono::Duration::days(15));
    row.status = "running".into();
    row.next_check_on = Some(ymd(today()));
    let mut tx = s.app.store.begin_write().await.unwrap();
    tx.update_node(&row).await.unwrap();
    tx.commit().await.unwrap();
}

/// A case the scheduler locked today (its six-month node due three days ago).
async fn locked_case(s: &Server) -> (i64, String) {
    let (id, officer) = file(s).await;
    set_due(s, id, today() - chrono::Duration::days(3)).await;
    let r = s.app.supervise_once(today()).await.unwrap();
    assert_eq!(r.locked, 1, "{r:?}");
    (id, officer)
}

/// [`post_json`]: the status and the JSON answer, a problem document when refused.
async fn api_post(c: &Client, url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let r = post_json(c, url, token, &body).await;
    let status = r.status();
    if status.is_client_error() {
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{url}"
        );
    }
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn locked(s: &Server, id: i64) -> bool {
    s.app.store.case_by_id(id).await.unwrap().unwrap().locked != 0
}

#[tokio::test]
async fn the_case_page_banner_request_form_and_approvals_page() {
    each_engine(DEMO, |s, label| async move {
        let base = s.base.clone();
        let (id, officer) = locked_case(&s).await;
        let page_url = format!("{base}/cases/{id}");
        let due = ymd(today() - chrono::Duration::days(3));

        // The officer sees the red banner naming the node and how to unlock, and the form.
        let oc = signed_in(&s, &officer).await;
        let (status, page) = get_page(&oc, &page_url).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("lock-banner"), "{label}");
        assert!(
            page.contains(&format!(
                "案件因流程节点「执行期限（结案）」超期（应于 {due} 前完成）已锁定"
            )),
            "{label}"
        );
        assert!(
            page.contains(&format!("/cases/{id}/unlock-request")),
            "{label}"
        );
        assert!(
            !page.contains("href=\"/approvals\""),
            "{label}: no approvals for officers"
        );
        // A clerk sees the banner but no form.
        let clerk = signed_in(&s, "mz_clerk").await;
        let (_, cpage) = get_page(&clerk, &page_url).await;
        assert!(cpage.contains("lock-banner") && !cpage.contains("unlock-request"));

        // A forged token is refused; the real one files the request.
        let csrf = hidden(&page, "csrf");
        let url = format!("{base}/cases/{id}/unlock-request");
        let (status, _, _) = post_form(&oc, &url, &[("csrf", "x"), ("reason", "r")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let (status, _, _) = post_form(&oc, &url, &[("csrf", &csrf), ("reason", " ")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(s.app.store.count_node_requests().await.unwrap(), 0);
        let (status, location, _) = post_form(
            &oc,
            &url,
            &[
                ("csrf", &csrf),
                ("reason", "查封财产正在评估拍卖，尚需时间处置"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, format!("/cases/{id}#node-requests"));
        let (_, page) = get_page(&oc, &page_url).await;
        assert!(page.contains("node-request-pending"), "{label}");
        assert!(
            page.contains("解锁申请已提出，待中级人民法院审批"),
            "{label}"
        );
        assert!(
            !page.contains("unlock-request\""),
            "{label}: one request at a time"
        );
        let req = s.app.store.node_requests_of_case(id).await.unwrap()[0]
            .request
            .id;

        // The approvals page: not for clerks; the basic court's chief has nothing to decide;
        // the intermediate court's supervisor sees the request with its forms.
        let (status, _) = get_page(&clerk, format!("{base}/approvals")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let chief = signed_in(&s, "mz_chief").await;
        let (status, cpage) = get_page(&chief, format!("{base}/approvals")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(cpage.contains("没有需要您审批的申请"), "{label}");
        let sup = signed_in(&s, "jz_supervisor").await;
        let (status, apage) = get_page(&sup, format!("{base}/approvals")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(apage.contains("href=\"/approvals\""), "{label}: nav link");
        assert!(apage.contains(&format!("href=\"/cases/{id}\"")), "{label}");
        assert!(apage.contains("已超期 3 日"), "{label}");
        assert!(apage.contains("查封财产正在评估拍卖"), "{label}");
        let decide_url = format!("{base}/node-requests/{req}/decision");
        assert!(apage.contains(&format!("/node-requests/{req}/decision")));
        let sup_csrf = hidden(&apage, "csrf");

        // The basic court's chief may not decide it; a forged token, a date in the past: no.
        let chief_csrf = hidden(&cpage, "csrf");
        let new_due = ymd(today() + chrono::Duration::days(25));
        let (status, _, body) = post_form(
            &chief,
            &decide_url,
            &[
                ("csrf", &chief_csrf),
                ("decision", "approve"),
                ("new_due_on", &new_due),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(body.contains("需由中级人民法院审批"), "{label}");
        let (status, _, _) = post_form(
            &sup,
            &decide_url,
            &[
                ("csrf", "x"),
                ("decision", "approve"),
                ("new_due_on", &new_due),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let (status, _, body) = post_form(
            &sup,
            &decide_url,
            &[
                ("csrf", &sup_csrf),
                ("decision", "approve"),
                ("new_due_on", &ymd(today())),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(body.contains("须晚于今天"), "{label}");
        assert!(locked(&s, id).await, "{label}");

        // Approved: unlocked, the node due on the new date.
        let (status, location, _) = post_form(
            &sup,
            &decide_url,
            &[
                ("csrf", &sup_csrf),
                ("decision", "approve"),
                ("new_due_on", &new_due),
                ("reason", "同意"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(location, "/approvals?done=approved");
        assert!(!locked(&s, id).await, "{label}");
        let (_, page) = get_page(&oc, &page_url).await;
        assert!(!page.contains("lock-banner"), "{label}");
        assert!(page.contains("node-request-approved"), "{label}");
        assert!(page.contains(&format!("新的期限 {new_due}")), "{label}");
        // Deciding again is refused.
        let (status, _, body) = post_form(
            &sup,
            &decide_url,
            &[
                ("csrf", &sup_csrf),
                ("decision", "refuse"),
                ("reason", "再审"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(body.contains("不能重复审批"), "{label}");
        let (_, apage) = get_page(&sup, format!("{base}/approvals?status=approved")).await;
        assert!(apage.contains(&format!("href=\"/cases/{id}\"")), "{label}");
        let (status, _) = get_page(&sup, format!("{base}/approvals?status=nonsense")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        // The extension form is on the page of a case with time left; the president decides.
        let (fresh, fresh_officer) = file(&s).await;
        set_due(&s, fresh, today() + chrono::Duration::days(40)).await;
        let fc = signed_in(&s, &fresh_officer).await;
        let (_, page) = get_page(&fc, format!("{base}/cases/{fresh}")).await;
        assert!(
            page.contains(&format!("/cases/{fresh}/extension-request")),
            "{label}"
        );
        assert!(page.contains("由本院院长审批"), "{label}");
        let csrf = hidden(&page, "csrf");
        let (status, _, _) = post_form(
            &fc,
            &format!("{base}/cases/{fresh}/extension-request"),
            &[("csrf", &csrf), ("reason", "财产处置需要时间")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let yz = signed_in(&s, "mz_yz").await;
        let (status, ypage) = get_page(&yz, format!("{base}/approvals")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(ypage.contains("延长执行期限申请") && ypage.contains("距期限届满 40 日"));
        let xreq = s.app.store.node_requests_of_case(fresh).await.unwrap()[0]
            .request
            .id;
        let (status, _, _) = post_form(
            &yz,
            &format!("{base}/node-requests/{xreq}/decision"),
            &[("csrf", &hidden(&ypage, "csrf")), ("decision", "approve")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let node = s
            .app
            .store
            .case_nodes(fresh)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.node_key == "conclude_case")
            .unwrap();
        assert_eq!(node.extension_months, 3, "{label}");
    })
    .await;
}

#[tokio::test]
async fn the_api_requests_lists_and_decides_with_csrf_and_problems() {
    each_engine(DEMO, |s, label| async move {
        let base = s.base.clone();
        let (id, officer) = locked_case(&s).await;
        let (oc, token) = signed_in_with_token(&s, &officer).await;
        let url = format!("{base}/api/v1/cases/{id}/unlock-requests");

        // CSRF first, then the rules.
        let (status, v) = api_post(&oc, &url, None, json!({"reason": "申请解锁"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(v["code"], "csrf");
        let (status, v) = api_post(&oc, &url, Some(&token), json!({"reason": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.reason_required");
        let (status, v) =
            api_post(&oc, &url, Some(&token), json!({"reason": "拍卖款待到账"})).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {v}");
        assert_eq!(v["kind"], "unlock");
        assert_eq!(v["status"], "pending");
        assert_eq!(v["level"], "intermediate_court");
        assert_eq!(v["days_overdue"], 3);
        assert_eq!(v["node_key"], "conclude_case");
        let req = v["id"].as_i64().unwrap();
        let (status, v) = api_post(&oc, &url, Some(&token), json!({"reason": "再次"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.pending");
        // A locked case refuses other work with the lock message (423), here a judge's
        // suspension.
        let (judge, judge_token) = signed_in_with_token(&s, "mz_t1_judge").await;
        let version = s.app.store.case_by_id(id).await.unwrap().unwrap().version;
        let (status, v) = api_post(
            &judge,
            &format!("{base}/api/v1/cases/{id}/suspend"),
            Some(&judge_token),
            json!({"version": version, "reason": "被执行人申请破产"}),
        )
        .await;
        assert_eq!(status, StatusCode::LOCKED, "{label}: {v}");
        assert_eq!(v["code"], "case.locked");
        let zh = v["message_zh"].as_str().unwrap();
        assert!(
            zh.contains("「执行期限（结案）」")
                && zh.contains("解锁申请已提出，待中级人民法院审批"),
            "{label}: {zh}"
        );

        // Lists: for approvers only.
        let r = oc
            .get(format!("{base}/api/v1/node-requests"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let sup = signed_in(&s, "jz_supervisor").await;
        let v = get_json(&sup, format!("{base}/api/v1/node-requests?status=pending")).await;
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{label}: {v}");
        assert_eq!(items[0]["id"], req);
        assert_eq!(items[0]["court_name"], "孟州市人民法院");
        let r = sup
            .get(format!("{base}/api/v1/node-requests?status=whatever"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        // Decisions: the wrong level, no token, a bad date, then approved.
        let decide = format!("{base}/api/v1/node-requests/{req}/decision");
        let new_due = ymd(today() + chrono::Duration::days(15));
        let (chief, chief_token) = signed_in_with_token(&s, "mz_chief").await;
        let (status, v) = api_post(
            &chief,
            &decide,
            Some(&chief_token),
            json!({"approve": true, "new_due_on": new_due}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(v["message_zh"]
            .as_str()
            .unwrap()
            .contains("需由中级人民法院审批"));
        let (status, v) = api_post(
            &sup,
            &decide,
            None,
            json!({"approve": true, "new_due_on": new_due}),
        )
        .await;
        assert_eq!(
            (status, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("csrf"))
        );
        let sup_token = api_csrf(&sup, &base).await;
        let (status, v) = api_post(
            &sup,
            &decide,
            Some(&sup_token),
            json!({"approve": true, "new_due_on": "2026/07/01"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.date_invalid");
        let (status, v) = api_post(
            &sup,
            &decide,
            Some(&sup_token),
            json!({"approve": true, "new_due_on": ymd(today() - chrono::Duration::days(1))}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.deadline_not_future");
        assert!(locked(&s, id).await);
        let (status, v) = api_post(
            &sup,
            &decide,
            Some(&sup_token),
            json!({"approve": true, "new_due_on": new_due, "reason": "限期结案"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["status"], "approved");
        assert_eq!(v["new_due_on"], new_due);
        assert_eq!(v["decision_reason"], "限期结案");
        assert!(!locked(&s, id).await, "{label}");
        let (status, v) = api_post(
            &sup,
            &decide,
            Some(&sup_token),
            json!({"approve": true, "new_due_on": new_due}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.decided");
        let (status, v) = api_post(&oc, &url, Some(&token), json!({"reason": "再解锁"})).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("node_request.not_locked")
            )
        );

        // An extension through the API: too late, then the president's.
        let (fresh, fresh_officer) = file(&s).await;
        set_due(&s, fresh, today() + chrono::Duration::days(3)).await;
        let (fc, ftoken) = signed_in_with_token(&s, &fresh_officer).await;
        let xurl = format!("{base}/api/v1/cases/{fresh}/extension-requests");
        let (status, v) = api_post(&fc, &xurl, Some(&ftoken), json!({"reason": "需要时间"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(v["code"], "node_request.extension_too_late");
        set_due(&s, fresh, today() + chrono::Duration::days(20)).await;
        let (status, v) = api_post(&fc, &xurl, Some(&ftoken), json!({"reason": "需要时间"})).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {v}");
        assert_eq!(
            (v["level"].as_str(), v["requested_months"].as_i64()),
            (Some("president"), Some(3))
        );
        let xreq = v["id"].as_i64().unwrap();
        let (yz, ytoken) = signed_in_with_token(&s, "mz_yz").await;
        let (status, v) = api_post(
            &yz,
            &format!("{base}/api/v1/node-requests/{xreq}/decision"),
            Some(&ytoken),
            json!({"approve": false, "reason": ""}),
        )
        .await;
        assert_eq!(
            (status, v["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("node_request.reason_required")
            )
        );
        let (status, v) = api_post(
            &yz,
            &format!("{base}/api/v1/node-requests/{xreq}/decision"),
            Some(&ytoken),
            json!({"approve": true}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {v}");
        assert_eq!(v["status"], "approved");
        assert_eq!(v["new_due_on"], v["node_due_on"]);

        // The OpenAPI document describes the four calls.
        let doc = get_json(&oc, format!("{base}/api/v1/openapi.json")).await;
        for p in [
            "/api/v1/cases/{id}/unlock-requests",
            "/api/v1/cases/{id}/extension-requests",
            "/api/v1/node-requests",
            "/api/v1/node-requests/{id}/decision",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{label}: {p} missing");
        }
    })
    .await;
}
