//! The dormant-case library and restoration over real HTTP on both engines: the court's list,
//! a case's schedule and restore form, a refused restoration that names its rule and changes
//! nothing, restoring by form (which opens the new 执恢 case) and through the API.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_domain::case::{ClosingMode, DormantChecklist, Stage};
use zhixing_domain::lifecycle::CaseAction;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 29 };

/// Closes a case as 终本 by plain case actions of `judge`, and enters it in the library.
async fn close_dormant(s: &Server, judge: &str, case_id: i64) {
    let user = s.user(judge).await;
    let actor = s.app.actor_for_user(user.id).await.unwrap();
    for action in [
        CaseAction::MoveStage { to: Stage::Closing },
        CaseAction::Close {
            mode: ClosingMode::Dormant,
            dormant: Some(DormantChecklist {
                notice_and_report_order_issued: true,
                restriction_order_issued: true,
                blacklisted_where_eligible: true,
                investigation_exhausted: true,
                months_since_filing_over_3: true,
                missing_debtor_searched: true,
                applicant_heard: true,
            }),
        },
    ] {
        let version = s
            .app
            .store
            .case_by_id(case_id)
            .await
            .unwrap()
            .unwrap()
            .version;
        s.app
            .execute_for_setup(
                &actor,
                Command::Case {
                    case_id,
                    version,
                    action,
                },
            )
            .await
            .unwrap();
    }
    s.app
        .enter_unlisted_dormant(zhixing_store::now_ms())
        .await
        .unwrap();
}

#[tokio::test]
async fn library_pages_restore_by_form_and_api() {
    each_engine(DEMO, |s, engine| async move {
        let cases = file_cases(&s, "jf_clerk", 900, 2).await;
        for (id, _) in &cases {
            close_dormant(&s, "jf_t1_judge", *id).await;
        }
        let (case_id, number) = cases[0].clone();
        let clerk = signed_in(&s, "jf_clerk").await;

        let (status, html) = get_page(&clerk, format!("{}/dormant", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(
            html.contains(&number) && html.contains("终本案件库"),
            "{html}"
        );
        let (status, _) = get_page(&clerk, format!("{}/dormant?filter=nonsense", s.base)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let url = format!("{}/cases/{case_id}/dormant", s.base);
        let (status, html) = get_page(&clerk, &url).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(
            html.contains("第 1 次") && html.contains("立案恢复执行"),
            "{html}"
        );
        let csrf = hidden(&html, "csrf");

        // "Property found" with nothing found: refused, the rule named, nothing changed.
        let (status, _, body) = post_form(
            &clerk,
            format!("{}/cases/{case_id}/restore", s.base),
            &[
                ("csrf", &csrf),
                ("reason", "assets_found"),
                ("note", "查询发现存款"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("未发现财产"), "{body}");
        let entry = s.app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!(entry.status, "watching");

        // The applicant's request: the new case opens.
        let (status, location, _) = post_form(
            &clerk,
            format!("{}/cases/{case_id}/restore", s.base),
            &[
                ("csrf", &csrf),
                ("reason", "applicant_request"),
                ("note", "申请执行人提交恢复执行申请书"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        let entry = s.app.store.dormant_entry(case_id).await.unwrap().unwrap();
        let new_id = entry.restored_case_id.expect("restored");
        assert_eq!(location, format!("/cases/{new_id}"));
        let (_, html) = get_page(&clerk, format!("{}/cases/{new_id}/dormant", s.base)).await;
        assert!(
            html.contains(&number),
            "the restored case names the one it continues: {html}"
        );

        // The API: the list of restored cases, a case's refusal, restoring the second case.
        let (api, token) = signed_in_with_token(&s, "jf_clerk").await;
        let doc = get_json(&api, format!("{}/api/v1/dormant?filter=restored", s.base)).await;
        assert_eq!(doc["total"], 1, "{doc}");
        assert_eq!(doc["entries"][0]["restored_case_id"], new_id);
        let doc = get_json(&api, format!("{}/api/v1/cases/{case_id}/dormant", s.base)).await;
        assert_eq!(doc["restorable"], false, "{doc}");
        assert!(doc["refusal_zh"].as_str().unwrap().contains("已恢复执行"));
        assert_eq!(doc["schedule"].as_array().unwrap().len(), 10);
        let (second, _) = cases[1].clone();
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{second}/restore", s.base),
            Some(&token),
            &json!({"reason": "applicant_request", "note": "申请人提供新的财产线索"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["case_number"].as_str().unwrap().contains("执恢"),
            "{body}"
        );
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{second}/restore", s.base),
            Some(&token),
            &json!({"reason": "applicant_request", "note": "再次申请"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_problem(&r));
    })
    .await;
}
