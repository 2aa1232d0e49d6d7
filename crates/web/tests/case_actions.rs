//! Process nodes on the case page and suspension (中止) / resumption over real HTTP — forms and
//! API twins — on both engines.

mod common;

use common::{
    each_engine, get_json, get_page, get_text, hidden, is_problem, post_form, post_json, signed_in,
    signed_in_with_token, today, Server,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::node_set;
use zhixing_domain::calendar::WorkingCalendar;
use zhixing_domain::ids::resident_check_char;
use zhixing_domain::period::due_date_only;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 3 };

fn id(body17: &str) -> String {
    format!("{body17}{}", resident_check_char(body17))
}

/// The due date the domain gives the default node `key` started today with `paused` days of
/// suspension deducted.
fn expected_due(key: &str, paused: u32) -> String {
    let def = node_set().get(key).unwrap();
    due_date_only(today(), def.limit, WorkingCalendar::official_ref(), paused)
        .unwrap()
        .to_string()
}

/// Files a case through the API as `clerk` of their court; returns its id.
async fn file_case(s: &Server, clerk: &str, court: &str) -> i64 {
    let (c, token) = signed_in_with_token(s, clerk).await;
    let body = json!({
        "case_type": "first",
        "applicant": {"kind": "person", "name": "王申请", "id_number": id("41088319700101001")},
        "debtors": [{"kind": "person", "name": "刘被执", "id_number": id("41088319750202002")}],
        "basis": {"issuing_court": court, "instrument_number": "（2025）豫0883民初77号", "kind": "judgment", "effective_date": "2025-05-01"},
        "claim": "3.8万",
        "debtor_locatable": true,
        "flags": []
    });
    let r = post_json(&c, format!("{}/api/v1/cases", s.base), Some(&token), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "filing by {clerk}");
    let v: Value = r.json().await.unwrap();
    v["case_id"].as_i64().unwrap()
}

/// The table row of node `key` on a case page.
fn node_row<'a>(html: &'a str, key: &str) -> &'a str {
    let marker = format!("data-node=\"{key}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no node {key} on the page"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn case_version(s: &Server, case_id: i64) -> i64 {
    s.app
        .store
        .case_by_id(case_id)
        .await
        .unwrap()
        .unwrap()
        .version
}

async fn suspended(s: &Server, case_id: i64) -> bool {
    s.app
        .store
        .case_by_id(case_id)
        .await
        .unwrap()
        .unwrap()
        .suspended
        != 0
}

/// Moves the start of the running suspension of case `case_id` back by `days`.
async fn backdate_suspension(s: &Server, case_id: i64, days: i64) {
    let since = (today() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string();
    let mut tx = s.app.store.begin_write().await.unwrap();
    for mut row in s.app.store.case_nodes(case_id).await.unwrap() {
        if row.paused_since.is_some() {
            row.paused_since = Some(since.clone());
            tx.update_node(&row).await.unwrap();
        }
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_case_page_shows_nodes_and_suspends_and_resumes_through_its_forms() {
    each_engine(DEMO, |s, label| async move {
        let base = s.base.clone();
        let case_id = file_case(&s, "mz_clerk", "孟州市人民法院").await;
        let page_url = format!("{base}/cases/{case_id}");
        let suspend_url = format!("{base}/cases/{case_id}/suspend");
        let resume_url = format!("{base}/cases/{case_id}/resume");

        // Nodes with their due dates, for anyone who may see the case; no form for a clerk.
        let clerk = signed_in(&s, "mz_clerk").await;
        let (status, page) = get_page(&clerk, &page_url).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("流程节点"), "{label}");
        let row = node_row(&page, "conclude_case");
        assert!(row.contains("执行期限（结案）"), "{label}: {row}");
        assert!(
            row.contains(&expected_due("conclude_case", 0)),
            "{label}: {row}"
        );
        assert!(
            row.contains("进行中") && row.contains("剩余"),
            "{label}: {row}"
        );
        assert!(
            row.contains("中级人民法院"),
            "{label}: locks, unlocked above"
        );
        let row = node_row(&page, "assign_officer");
        assert!(row.contains("已完成"), "{label}: {row}");
        assert!(!page.contains("/suspend\""), "{label}: no form for a clerk");
        // A clerk's post with a good token is refused by role.
        let csrf = hidden(&page, "csrf");
        let version = case_version(&s, case_id).await.to_string();
        let (status, _, body) = post_form(
            &clerk,
            &suspend_url,
            &[("csrf", &csrf), ("version", &version), ("reason", "破产")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(body.contains("无权"), "{label}");
        assert!(!suspended(&s, case_id).await, "{label}");

        // A judge of the court has the form.
        let judge = signed_in(&s, "mz_t1_judge").await;
        let page = get_text(&judge, &page_url).await;
        assert!(
            page.contains(&format!("action=\"/cases/{case_id}/suspend\"")),
            "{label}"
        );
        assert!(!page.contains("/resume\""), "{label}");
        let csrf = hidden(&page, "csrf");
        let version = hidden(&page, "version");

        // Missing CSRF → refused; no reason → 422 in Chinese; nothing changed.
        let (status, _, _) = post_form(
            &judge,
            &suspend_url,
            &[("version", &version), ("reason", "破产")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let (status, _, _) = post_form(
            &judge,
            &suspend_url,
            &[
                ("csrf", "forged"),
                ("version", &version),
                ("reason", "破产"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let (status, _, body) = post_form(
            &judge,
            &suspend_url,
            &[("csrf", &csrf), ("version", &version), ("reason", "  ")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(body.contains("请填写理由"), "{label}: {body}");
        assert!(!suspended(&s, case_id).await, "{label}");
        let events = s.app.store.case_events(case_id).await.unwrap();
        assert!(
            !events.iter().any(|e| e.kind == "case_suspended"),
            "{label}"
        );

        // Suspended: the pausing nodes pause, the state is shown with its reason.
        let (status, _, _) = post_form(
            &judge,
            &suspend_url,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("reason", "被执行人进入破产程序"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(suspended(&s, case_id).await, "{label}");
        let page = get_text(&judge, &page_url).await;
        assert!(page.contains("已中止"), "{label}");
        assert!(page.contains("被执行人进入破产程序"), "{label}");
        for key in ["conclude_case", "issue_notice"] {
            let row = node_row(&page, key);
            assert!(row.contains("中止暂停"), "{label}: {key}: {row}");
            assert!(row.contains(&today().to_string()), "{label}: {row}");
        }
        assert!(
            node_row(&page, "assign_officer").contains("已完成"),
            "{label}"
        );
        assert!(
            page.contains(&format!("action=\"/cases/{case_id}/resume\"")),
            "{label}"
        );
        assert!(!page.contains("/suspend\""), "{label}");

        // The page's old version is stale now: the established conflict message.
        let (status, _, body) = post_form(
            &judge,
            &resume_url,
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}");
        assert!(body.contains("案件已被他人修改"), "{label}");
        assert!(suspended(&s, case_id).await, "{label}");

        // Resumed 20 days later: the six-month node's due date moves by the days suspended.
        backdate_suspension(&s, case_id, 20).await;
        let page = get_text(&judge, &page_url).await;
        assert!(
            node_row(&page, "conclude_case").contains("已 20 日"),
            "{label}"
        );
        let version = hidden(&page, "version");
        let (status, _, _) = post_form(
            &judge,
            &resume_url,
            &[("csrf", &csrf), ("version", &version)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(!suspended(&s, case_id).await, "{label}");
        let page = get_text(&judge, &page_url).await;
        let row = node_row(&page, "conclude_case");
        assert!(row.contains("进行中"), "{label}: {row}");
        assert!(
            row.contains(&expected_due("conclude_case", 20)),
            "{label}: {row}"
        );
        assert!(
            !row.contains(&expected_due("conclude_case", 0)),
            "{label}: {row}"
        );
        assert!(row.contains("已扣除 20 日"), "{label}: {row}");
        assert!(!page.contains("已中止"), "{label}");

        // Another court's staff: not found, page and form alike.
        let other = signed_in(&s, "xw_chief").await;
        let (status, _) = get_page(&other, &page_url).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let other_page = get_text(&other, format!("{base}/cases")).await;
        let other_csrf = hidden(&other_page, "csrf");
        let (status, _, _) = post_form(
            &other,
            &suspend_url,
            &[
                ("csrf", &other_csrf),
                ("version", &version),
                ("reason", "破产"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        assert!(!suspended(&s, case_id).await, "{label}");

        let report = s.app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn the_api_twins_suspend_resume_and_list_nodes() {
    each_engine(DEMO, |s, label| async move {
        let base = s.base.clone();
        let case_id = file_case(&s, "mz_clerk", "孟州市人民法院").await;
        let nodes_url = format!("{base}/api/v1/cases/{case_id}/nodes");
        let suspend_url = format!("{base}/api/v1/cases/{case_id}/suspend");
        let resume_url = format!("{base}/api/v1/cases/{case_id}/resume");

        let (chief, token) = signed_in_with_token(&s, "mz_chief").await;
        let doc = get_json(&chief, &nodes_url).await;
        assert_eq!(doc["case_id"], case_id, "{label}");
        assert_eq!(doc["today"], today().to_string());
        assert_eq!(doc["suspended"], false);
        assert_eq!(doc["may_suspend"], true);
        let nodes = doc["nodes"].as_array().unwrap();
        let conclude = nodes.iter().find(|n| n["key"] == "conclude_case").unwrap();
        assert_eq!(
            conclude["due_on"],
            expected_due("conclude_case", 0),
            "{label}"
        );
        assert_eq!(conclude["status"], "running");
        assert_eq!(conclude["lock_on_overdue"], true);
        assert_eq!(conclude["unlock_level"], "intermediate_court");
        let version = doc["version"].as_i64().unwrap();

        // Without the CSRF header: 403 problem, nothing changed.
        let r = post_json(
            &chief,
            &suspend_url,
            None,
            &json!({"version": version, "reason": "破产"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert!(is_problem(&r), "{label}");
        // No reason: 422 problem with the Chinese message.
        let r = post_json(
            &chief,
            &suspend_url,
            Some(&token),
            &json!({"version": version}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(is_problem(&r), "{label}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "case.reason_required", "{label}");
        assert!(p["message_zh"].as_str().unwrap().contains("理由"), "{p}");
        // A clerk: 403 problem.
        let (clerk, clerk_token) = signed_in_with_token(&s, "mz_clerk").await;
        let r = post_json(
            &clerk,
            &suspend_url,
            Some(&clerk_token),
            &json!({"version": version, "reason": "破产"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert!(is_problem(&r), "{label}");
        // Another court: 404 problem for the nodes and the action.
        let (other, other_token) = signed_in_with_token(&s, "xw_chief").await;
        let r = other.get(&nodes_url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
        assert!(is_problem(&r), "{label}");
        let r = post_json(
            &other,
            &suspend_url,
            Some(&other_token),
            &json!({"version": version, "reason": "破产"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
        assert!(!suspended(&s, case_id).await, "{label}");

        // Suspend.
        let r = post_json(
            &chief,
            &suspend_url,
            Some(&token),
            &json!({"version": version, "reason": "申请执行人同意暂缓执行"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["id"], case_id);
        let new_version = v["version"].as_i64().unwrap();
        assert!(new_version > version, "{label}");
        let doc = get_json(&chief, &nodes_url).await;
        assert_eq!(doc["suspended"], true, "{label}");
        assert_eq!(doc["may_resume"], true);
        assert_eq!(doc["suspension"]["reason"], "申请执行人同意暂缓执行");
        let conclude = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["key"] == "conclude_case")
            .unwrap();
        assert_eq!(conclude["status"], "paused", "{label}");
        assert_eq!(conclude["paused_since"], today().to_string());

        // Resume with the old version: 409 problem; with the new one, 15 days later: done.
        let r = post_json(
            &chief,
            &resume_url,
            Some(&token),
            &json!({"version": version}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        assert!(is_problem(&r), "{label}");
        backdate_suspension(&s, case_id, 15).await;
        let r = post_json(
            &chief,
            &resume_url,
            Some(&token),
            &json!({"version": new_version}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let doc = get_json(&chief, &nodes_url).await;
        assert_eq!(doc["suspended"], false, "{label}");
        let conclude = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["key"] == "conclude_case")
            .unwrap();
        assert_eq!(conclude["status"], "running", "{label}");
        assert_eq!(conclude["paused_days"], 15);
        assert_eq!(
            conclude["due_on"],
            expected_due("conclude_case", 15),
            "{label}"
        );
        // Resuming again: refused by the rules, as a problem.
        let version = doc["version"].as_i64().unwrap();
        let r = post_json(
            &chief,
            &resume_url,
            Some(&token),
            &json!({"version": version}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(is_problem(&r), "{label}");

        // Documented in the OpenAPI document.
        let spec = get_text(&chief, format!("{base}/api/v1/openapi.json")).await;
        for path in [
            "/api/v1/cases/{id}/nodes",
            "/api/v1/cases/{id}/suspend",
            "/api/v1/cases/{id}/resume",
        ] {
            assert!(spec.contains(path), "{label}: {path} not documented");
        }
        for schema in ["CaseNodesDoc", "SuspendRequest", "ResumeRequest"] {
            assert!(spec.contains(schema), "{label}: {schema} not documented");
        }
    })
    .await;
}
