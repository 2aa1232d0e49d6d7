//! The closing page and API over real HTTP on both engines: the conditions with what the
//! records show, recording a fact by form, a refused 终本 naming its conditions, and closing as
//! 执行完毕 through the API; 终本 asked for through the API (202 with its ruling), the pending
//! ruling on the page, and the case closed when the bureau chief approves the ruling.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::doc_review::DraftInput;
use zhixing_app::inquiry::SIMULATED_SLOW_MS;
use zhixing_docs::DocKind;
use zhixing_domain::document::ReviewStep;

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

/// Drafts and issues a document of `kind` through the application (the clerk drafts, the
/// president approves).
async fn issued(s: &Server, case_id: i64, kind: DocKind) {
    let clerk = s
        .app
        .actor_for_user(s.user("mz_clerk").await.id)
        .await
        .unwrap();
    let president = s
        .app
        .actor_for_user(s.user("mz_yz").await.id)
        .await
        .unwrap();
    let id = s
        .app
        .execute(
            &clerk,
            Command::DraftDocument(Box::new(DraftInput {
                case_id,
                kind,
                cause: "民间借贷纠纷".into(),
                notes: vec![],
                assets: vec![],
                submit: true,
            })),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let version = s.app.store.document(id).await.unwrap().unwrap().version;
    s.app
        .execute(
            &president,
            Command::ReviewDocument {
                document_id: id,
                version,
                step: ReviewStep::Approve,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn dormant_is_asked_for_and_closes_when_its_ruling_is_approved() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, _) = file_cases(&s, "mz_clerk", 810, 1).await[0].clone();
        let now = zhixing_store::now_ms();
        s.app
            .store
            .backdate_filing_for_test(case_id, now - 100 * 86_400_000)
            .await
            .unwrap();
        for kind in [
            DocKind::Notice,
            DocKind::AssetReportOrder,
            DocKind::ConsumptionRestriction,
        ] {
            issued(&s, case_id, kind).await;
        }
        s.app.process_inquiries(now, 500).await.unwrap();
        s.app
            .process_inquiries(now + SIMULATED_SLOW_MS + 1, 500)
            .await
            .unwrap();
        let (api, token) = signed_in_with_token(&s, "mz_t1_judge").await;
        for (kind, summary) in [
            (
                "blacklist_ineligible",
                "被执行人因病丧失劳动能力，不属有能力而拒不履行",
            ),
            ("applicant_heard", "约谈申请执行人，告知查控结果，其无异议"),
        ] {
            let r = post_json(
                &api,
                format!("{}/api/v1/cases/{case_id}/closing-records", s.base),
                Some(&token),
                &json!({"kind": kind, "happened_on": today().to_string(), "summary": summary}),
            )
            .await;
            assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        }
        let doc = get_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/closing?mode=dormant", s.base),
        )
        .await;
        assert_eq!(doc["all_met"], true, "{doc}");
        let (_, html) = get_page(
            &api,
            format!("{}/cases/{case_id}/closing?mode=dormant", s.base),
        )
        .await;
        assert!(html.contains("报请终本"), "{engine}");

        // Asked for through the API: 202 with the ruling; the case is not closed yet.
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{case_id}/close", s.base),
            Some(&token),
            &json!({"version": doc["version"], "mode": "dormant"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{engine}");
        let body: Value = r.json().await.unwrap();
        let ruling = body["document_id"].as_i64().unwrap();
        assert_eq!(
            s.app
                .store
                .case_by_id(case_id)
                .await
                .unwrap()
                .unwrap()
                .stage,
            "closing"
        );
        let (_, html) = get_page(
            &api,
            format!("{}/cases/{case_id}/closing?mode=dormant", s.base),
        )
        .await;
        assert!(
            html.contains("终本裁定审批中") && html.contains(&format!("/documents/{ruling}\"")),
            "{engine}"
        );
        assert!(
            !html.contains(&format!("action=\"/cases/{case_id}/close\"")),
            "{engine}: no second request while the ruling waits"
        );

        // The bureau chief approves it from the document page: the case closes as 终本.
        let chief = signed_in(&s, "mz_chief").await;
        let (_, page) = get_page(&chief, format!("{}/documents/{ruling}", s.base)).await;
        let (st, _, _) = post_form(
            &chief,
            format!("{}/documents/{ruling}/review", s.base),
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("version", &hidden(&page, "version")),
                ("step", "approve"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{engine}");
        let row = s.app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(
            (row.stage.as_str(), row.closing_mode.as_deref()),
            ("closed", Some("dormant")),
            "{engine}"
        );
        assert!(s.app.store.dormant_entry(case_id).await.unwrap().is_some());
    })
    .await;
}
