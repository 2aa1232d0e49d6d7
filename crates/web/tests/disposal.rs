//! Disposal of seized property over real HTTP on both engines: the case page with its
//! deadlines and the legal minimum reserve, the start / step forms with CSRF (a reserve below
//! 70% refused with the rule named and nothing stored), the API round trip to a sale at the
//! second auction, the link from the case page, and the seized-real-estate list with its
//! overdue filter, on the page and in the API.

mod common;

use chrono::Days;
use common::*;
use reqwest::StatusCode;
use serde_json::json;
use zhixing_app::assets::{ControlInput, FindingDetails, FindingInput};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_domain::asset::{AssetKind, ControlKind};
use zhixing_domain::money::Fen;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 23 };

/// Seals a house of the case's debtor on `start`; returns the measure id.
async fn seal_house(s: &Server, case_id: i64, start: chrono::NaiveDate) -> i64 {
    let clerk = s
        .app
        .actor_for_user(s.user("mz_clerk").await.id)
        .await
        .unwrap();
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
    let f = s
        .app
        .execute(
            &clerk,
            Command::RecordFinding(Box::new(FindingInput {
                case_id,
                party_id: debtor,
                details: FindingDetails {
                    kind: AssetKind::RealEstate,
                    institution: "孟州市不动产登记中心".into(),
                    description: format!("河阳街道{case_id}号住宅"),
                    identifier: "豫(2024)孟州市不动产权第0001号".into(),
                    amount: None,
                },
                found_on: start,
            })),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    s.app
        .execute(
            &clerk,
            Command::PlaceControl(Box::new(ControlInput {
                finding_id: f,
                control: ControlKind::Seal,
                amount: None,
                months: 12,
                start_on: start,
            })),
        )
        .await
        .unwrap()
        .id
        .unwrap()
}

#[tokio::test]
async fn disposal_page_forms_api_and_the_real_estate_list() {
    each_engine(DEMO, |s, engine| async move {
        let cases = file_cases(&s, "mz_clerk", 900, 2).await;
        let (case_id, case_number) = cases[0].clone();
        let (late_id, late_number) = cases[1].clone();
        let measure = seal_house(&s, case_id, today()).await;
        let late_measure = seal_house(&s, late_id, today() - Days::new(45)).await;

        let clerk = signed_in(&s, "mz_clerk").await;
        // The case page links to the disposal page.
        let (_, html) = get_page(&clerk, format!("{}/cases/{case_id}", s.base)).await;
        assert!(html.contains(&format!("/cases/{case_id}/disposal")), "{engine}");

        let page_url = format!("{}/cases/{case_id}/disposal", s.base);
        let (status, html) = get_page(&clerk, &page_url).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("财产处置") && html.contains("孟州市不动产登记中心"), "{html}");
        assert!(html.contains("未启动处置") && html.contains("启动处置"), "{html}");
        let csrf = hidden(&html, "csrf");

        // Start by form.
        let measure_field = measure.to_string();
        let today_s = today().to_string();
        let (status, location, body) = post_form(
            &clerk,
            &page_url,
            &[
                ("csrf", &csrf),
                ("measure_id", &measure_field),
                ("started_on", &today_s),
                ("note", "申请执行人申请拍卖"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: {body}");
        assert!(location.ends_with(&format!("/cases/{case_id}/disposal")));
        let d = s.app.store.case_disposals(case_id).await.unwrap()[0].clone();
        let steps_url = format!("{}/disposals/{}/steps", s.base, d.id);
        let case_field = case_id.to_string();

        // The reference price by form; the page then shows the legal minimum of the first
        // auction.
        let (status, _, body) = post_form(
            &clerk,
            &steps_url,
            &[
                ("csrf", &csrf),
                ("case_id", &case_field),
                ("version", "1"),
                ("kind", "pricing"),
                ("method", "valuation"),
                ("price", "100万"),
                ("started_on", &today_s),
                ("ended_on", &today_s),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: {body}");
        let (_, html) = get_page(&clerk, &page_url).await;
        assert!(html.contains("参考价 1,000,000.00 元"), "{html}");
        assert!(html.contains("起拍价不低于 700,000.00 元"), "{html}");

        // A first reserve below 70%: the error page names the rule; nothing stored.
        let (status, _, body) = post_form(
            &clerk,
            &steps_url,
            &[
                ("csrf", &csrf),
                ("case_id", &case_field),
                ("version", "2"),
                ("kind", "first_auction"),
                ("reserve", "600000"),
                ("outcome", "unsold"),
                ("started_on", &today_s),
                ("ended_on", &today_s),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("70%") && body.contains("第十条"), "{body}");
        assert_eq!(s.app.store.case_disposal_steps(case_id).await.unwrap().len(), 1);
        // A forged token changes nothing.
        let (status, _, _) = post_form(
            &clerk,
            &steps_url,
            &[
                ("csrf", "forged"),
                ("case_id", &case_field),
                ("version", "2"),
                ("kind", "first_auction"),
                ("reserve", "700000"),
                ("outcome", "unsold"),
                ("started_on", &today_s),
                ("ended_on", &today_s),
            ],
        )
        .await;
        assert_ne!(status, StatusCode::SEE_OTHER);
        assert_eq!(s.app.store.case_disposal_steps(case_id).await.unwrap().len(), 1);

        // The API: the legal minimum, the auctions, a refused reduction, the sale.
        let (api, token) = signed_in_with_token(&s, "mz_clerk").await;
        let doc = get_json(&api, format!("{}/api/v1/cases/{case_id}/disposal", s.base)).await;
        let disposal = &doc["assets"][0]["disposals"][0];
        assert_eq!(disposal["next"][0]["kind"], "first_auction", "{doc}");
        assert_eq!(disposal["next"][0]["min_fen"], 70_000_000, "{doc}");
        assert_eq!(disposal["version"], 2);
        let step_api = format!("{}/api/v1/disposals/{}/steps", s.base, d.id);
        let today_j = today().to_string();
        let r = post_json(
            &api,
            &step_api,
            Some(&token),
            &json!({"version": 2, "kind": "first_auction", "reserve": "700000", "outcome": "unsold",
                "started_on": today_j, "ended_on": today_j}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let r = post_json(
            &api,
            &step_api,
            Some(&token),
            &json!({"version": 3, "kind": "second_auction", "reserve": "500000", "outcome": "unsold",
                "started_on": today_j, "ended_on": today_j}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(is_problem(&r));
        let problem: serde_json::Value = r.json().await.unwrap();
        assert!(problem.to_string().contains("disposal.reserve_reduction"), "{problem}");
        let r = post_json(
            &api,
            &step_api,
            Some(&token),
            &json!({"version": 3, "kind": "second_auction", "reserve": "56万", "outcome": "sold",
                "price": "600000", "started_on": today_j, "ended_on": today_j}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let doc = get_json(&api, format!("{}/api/v1/cases/{case_id}/disposal", s.base)).await;
        let disposal = &doc["assets"][0]["disposals"][0];
        assert_eq!(disposal["state"], "finished", "{doc}");
        assert_eq!(disposal["price_fen"], Fen::from_yuan(600_000).0);
        assert_eq!(disposal["steps"].as_array().unwrap().len(), 3);
        // A stale version answers 409.
        let r = post_json(
            &api,
            format!("{}/api/v1/disposals/{}/withdraw", s.base, d.id),
            Some(&token),
            &json!({"version": 1, "reason": "和解"}),
        )
        .await;
        assert!(
            matches!(r.status(), StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY),
            "{engine}: {}",
            r.status()
        );

        // The supervision list: both seals, the late one marked; the overdue filter.
        let chief = signed_in(&s, "mz_chief").await;
        let (status, html) = get_page(&chief, format!("{}/disposal/real-estate", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains(&case_number) && html.contains(&late_number), "{html}");
        assert!(html.contains("启动处置已超期") && html.contains("已查封 45 日"), "{html}");
        let (_, html) =
            get_page(&chief, format!("{}/disposal/real-estate?overdue=1", s.base)).await;
        assert!(html.contains(&late_number) && !html.contains(&case_number), "{html}");
        let v = get_json(
            &api,
            format!("{}/api/v1/disposal/real-estate?overdue=1", s.base),
        )
        .await;
        assert_eq!(v["total"], 1, "{v}");
        assert_eq!(v["items"][0]["case_id"], late_id);
        assert_eq!(v["items"][0]["decide_overdue"], true);
        assert_eq!(v["items"][0]["state"], "awaiting");
        let r = api
            .get(format!("{}/api/v1/disposal/real-estate?state=late", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Starting the late one through the API takes it off the overdue list.
        let r = post_json(
            &api,
            format!("{}/api/v1/cases/{late_id}/disposal", s.base),
            Some(&token),
            &json!({"measure_id": late_measure, "started_on": today_j}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let v = get_json(
            &api,
            format!("{}/api/v1/disposal/real-estate?overdue=1", s.base),
        )
        .await;
        assert_eq!(v["total"], 0, "{v}");
        // Another court's clerk sees neither the page nor the rows.
        let wz = signed_in(&s, "wz_clerk").await;
        let (status, _) = get_page(&wz, &page_url).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let v = get_json(&wz, format!("{}/api/v1/disposal/real-estate", s.base)).await;
        assert_eq!(v["total"], 0, "{v}");
        // The OpenAPI document lists the new paths.
        let spec = get_json(&api, format!("{}/api/v1/openapi.json", s.base)).await;
        assert!(
            spec["paths"]["/api/v1/disposal/real-estate"].is_object(),
            "disposal paths in the OpenAPI document"
        );
    })
    .await;
}
