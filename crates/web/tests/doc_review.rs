//! Document approval over real HTTP, on SQLite and PostgreSQL: the pages for each role, the
//! drafting and review forms (CSRF, refusals shown with what was typed), approval from a
//! plain HTML page as a phone would post it, issued files and draft previews, and the JSON API
//! round trip.

mod common;

use std::io::Read;

use common::{
    client, each_engine, file_cases, get_json, get_page, hidden, is_problem, post_form, post_json,
    put_json, signed_in, signed_in_with_token,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

fn docx_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The id in `/documents/{id}?done=…`.
fn document_id(location: &str) -> i64 {
    location
        .trim_start_matches("/documents/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("not a document location: {location}"))
}

/// The `<main>` of a page (the layout's nav is not the page's business).
fn main_of(page: &str) -> &str {
    let start = page.find("<main").unwrap_or(0);
    let end = page.find("</main>").unwrap_or(page.len());
    &page[start..end]
}

#[tokio::test]
async fn draft_return_and_approve_through_the_pages() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, number) = file_cases(&s, "mz_clerk", 810, 1).await[0].clone();
        let clerk = signed_in(&s, "mz_clerk").await;
        let judge = signed_in(&s, "mz_t1_judge").await;

        // The case page links the documents page; the draft downloads say 草稿.
        let (_, case_page) = get_page(&clerk, format!("{}/cases/{case_id}", s.base)).await;
        assert!(
            case_page.contains(&format!("/cases/{case_id}/documents\"")),
            "{engine}"
        );
        assert!(case_page.contains("PDF（草稿）"), "{engine}");

        let (st, page) = get_page(&clerk, format!("{}/cases/{case_id}/documents", s.base)).await;
        assert_eq!(st, StatusCode::OK, "{engine}");
        assert!(page.contains("起草文书") && page.contains("提交审批"));
        assert!(page.contains("执行通知书（审批：承办法官）"), "{engine}");
        let csrf = hidden(&page, "csrf");
        let url = format!("{}/cases/{case_id}/documents", s.base);

        // A form from another session (or none): refused, nothing drafted.
        let (st, _, body) = post_form(
            &clerk,
            &url,
            &[("csrf", "stale"), ("kind", "notice"), ("action", "submit")],
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{engine}");
        assert!(body.contains("页面已过期"));
        assert!(s
            .app
            .store
            .case_documents(case_id)
            .await
            .unwrap()
            .is_empty());

        // A ruling without an asset: the form again, with the reason and what was typed.
        let (st, _, body) = post_form(
            &clerk,
            &url,
            &[
                ("csrf", &csrf),
                ("kind", "ruling_freeze"),
                ("cause", "借款合同纠纷"),
                ("notes", ""),
                ("asset_description", ""),
                ("asset_holder", ""),
                ("asset_amount", ""),
                ("asset_period", ""),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("须列明至少一项被执行人财产"), "{engine}");
        assert!(body.contains("value=\"借款合同纠纷\""));
        assert!(body.contains("<option value=\"ruling_freeze\" selected>"));
        assert!(s
            .app
            .store
            .case_documents(case_id)
            .await
            .unwrap()
            .is_empty());

        // Drafted and submitted.
        let (st, location, _) = post_form(
            &clerk,
            &url,
            &[
                ("csrf", &csrf),
                ("kind", "notice"),
                ("cause", "民间借贷纠纷"),
                ("notes", "被执行人电话 13800000000\r\n"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{engine}");
        let id = document_id(&location);
        let (_, page) = get_page(&clerk, format!("{}{location}", s.base)).await;
        assert!(page.contains("已提交审批。"), "{engine}");
        assert!(page.contains("民间借贷纠纷") && page.contains("13800000000"));
        assert!(
            !page.contains("value=\"approve\""),
            "the drafter cannot approve"
        );
        let (st, pdf) = get_page(&clerk, format!("{}/documents/{id}/file.pdf", s.base)).await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{engine}: not issued yet"
        );
        assert!(pdf.contains("尚未批准签发"));
        let r = clerk
            .get(format!("{}/documents/{id}/preview.docx", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(docx_xml(&r.bytes().await.unwrap()).contains(zhixing_docs::DRAFT_MARK));

        // The judge's queue and the document page: plain forms, no script needed.
        let (st, queue) = get_page(&judge, format!("{}/reviews", s.base)).await;
        assert_eq!(st, StatusCode::OK, "{engine}");
        assert!(queue.contains(&format!("/documents/{id}\"")), "{engine}");
        assert!(queue.contains(&number));
        assert!(
            queue.contains("href=\"/reviews\""),
            "the nav links the queue"
        );
        let (st, page) = get_page(&judge, format!("{}/documents/{id}", s.base)).await;
        assert_eq!(st, StatusCode::OK);
        assert!(page.contains("name=\"viewport\""));
        let main = main_of(&page);
        assert!(
            !main.contains("<script") && !main.contains("hx-"),
            "{engine}"
        );
        assert!(main.contains(&format!("action=\"/documents/{id}/review\"")));
        assert!(main.contains("value=\"approve\"") && main.contains("value=\"return\""));
        let jcsrf = hidden(&page, "csrf");
        let version = hidden(&page, "version");
        let review = format!("{}/documents/{id}/review", s.base);

        // Returning needs a comment: the page again with the reason.
        let (st, _, body) = post_form(
            &judge,
            &review,
            &[
                ("csrf", &jcsrf),
                ("version", &version),
                ("step", "return"),
                ("comment", " "),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("退回文书须写明修改意见"));
        let (st, location, _) = post_form(
            &judge,
            &review,
            &[
                ("csrf", &jcsrf),
                ("version", &version),
                ("step", "return"),
                ("comment", "案由应为买卖合同纠纷"),
            ],
        )
        .await;
        assert_eq!(
            (st, location.as_str()),
            (StatusCode::SEE_OTHER, "/reviews?done=returned")
        );

        // The clerk sees the comment, changes it and submits again in one go.
        let (_, page) = get_page(&clerk, format!("{}/documents/{id}", s.base)).await;
        assert!(page.contains("案由应为买卖合同纠纷"), "{engine}");
        let (st, location, _) = post_form(
            &clerk,
            &format!("{}/documents/{id}/edit", s.base),
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("version", &hidden(&page, "version")),
                ("cause", "买卖合同纠纷"),
                ("notes", ""),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(location, format!("/documents/{id}?done=submitted"));

        // The judge approves from the page as a phone posts it: a plain form.
        let (_, page) = get_page(&judge, format!("{}/documents/{id}", s.base)).await;
        let stale = version.clone();
        let (st, _, body) = post_form(
            &judge,
            &review,
            &[("csrf", &jcsrf), ("version", &stale), ("step", "approve")],
        )
        .await;
        assert_eq!(
            st,
            StatusCode::CONFLICT,
            "{engine}: the version seen before is stale"
        );
        assert!(body.contains("请刷新后重试"));
        let (st, location, _) = post_form(
            &judge,
            &review,
            &[
                ("csrf", &jcsrf),
                ("version", &hidden(&page, "version")),
                ("step", "approve"),
            ],
        )
        .await;
        assert_eq!(
            (st, location.as_str()),
            (StatusCode::SEE_OTHER, "/reviews?done=approved")
        );
        let (_, queue) = get_page(&judge, format!("{}{location}", s.base)).await;
        assert!(queue.contains("已批准签发"));
        assert!(!queue.contains(&format!("/documents/{id}\"")));

        // Issued: the number, the stored files, and no more forms.
        let (_, page) = get_page(&clerk, format!("{}/documents/{id}", s.base)).await;
        assert!(
            page.contains("已签发") && page.contains(&number),
            "{engine}"
        );
        assert!(
            !main_of(&page).contains("<form"),
            "{engine}: an issued document is fixed"
        );
        let r = clerk
            .get(format!("{}/documents/{id}/file.pdf", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        let r = clerk
            .get(format!("{}/documents/{id}/file.docx", s.base))
            .send()
            .await
            .unwrap();
        let xml = docx_xml(&r.bytes().await.unwrap());
        assert!(
            xml.contains(&number) && xml.contains("买卖合同纠纷"),
            "{engine}"
        );
        assert!(!xml.contains(zhixing_docs::DRAFT_MARK));
        let row = s.app.store.document(id).await.unwrap().unwrap();
        assert_eq!(row.status, "issued");
        assert!(row.dossier_item_id.is_some());
    })
    .await;
}

#[tokio::test]
async fn pages_render_for_each_role() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, _) = file_cases(&s, "mz_clerk", 820, 1).await[0].clone();
        let (clerk, token) = signed_in_with_token(&s, "mz_clerk").await;
        let r = post_json(
            &clerk,
            format!("{}/api/v1/cases/{case_id}/documents", s.base),
            Some(&token),
            &json!({"kind": "consumption_restriction", "cause": "借款合同纠纷", "submit": true}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // (user, drafts here, sees the approve button, links the queue)
        for (user, drafts, decides, queue_link) in [
            ("mz_clerk", true, false, false),
            ("mz_t1_officer1", true, false, false),
            ("mz_t1_judge", true, false, true),
            ("mz_t1_lead", true, false, true),
            ("mz_chief", false, false, true),
            ("mz_yz", false, true, true),
            ("mz_supervisor", false, false, false),
            ("mz_reception", false, false, false),
        ] {
            let c = signed_in(&s, user).await;
            let (st, page) = get_page(&c, format!("{}/cases/{case_id}/documents", s.base)).await;
            assert_eq!(st, StatusCode::OK, "{engine} {user}");
            assert!(page.contains("限制消费令"), "{engine} {user}");
            // The 终本 ruling is drafted by the closing procedure, not from this form.
            assert!(
                !page.contains("value=\"termination_ruling\""),
                "{engine} {user}"
            );
            assert_eq!(
                page.contains("name=\"kind\""),
                drafts,
                "{engine} {user} drafting form"
            );
            let (st, page) = get_page(&c, format!("{}/documents/{id}", s.base)).await;
            assert_eq!(st, StatusCode::OK, "{engine} {user}");
            assert_eq!(
                main_of(&page).contains("value=\"approve\""),
                decides,
                "{engine} {user} approve button"
            );
            assert_eq!(
                page.contains("href=\"/reviews\""),
                queue_link,
                "{engine} {user}"
            );
            let (st, page) = get_page(&c, format!("{}/reviews", s.base)).await;
            assert_eq!(st, StatusCode::OK, "{engine} {user}");
            assert_eq!(
                page.contains(&format!("/documents/{id}\"")),
                decides,
                "{engine} {user} queue"
            );
        }
        // Another court: not found; and in English, English.
        let other = signed_in(&s, "sy_clerk").await;
        let (st, _) = get_page(&other, format!("{}/documents/{id}", s.base)).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{engine}");
        let (st, _) = get_page(&other, format!("{}/cases/{case_id}/documents", s.base)).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let president = signed_in(&s, "mz_yz").await;
        let _ = get_page(&president, format!("{}/lang?to=en&back=%2Freviews", s.base)).await;
        let (_, page) = get_page(&president, format!("{}/documents/{id}", s.base)).await;
        assert!(page.contains("Approve and issue"), "{engine}");
        // The administrator sets who approves a kind, on the templates page.
        let admin = signed_in(&s, "mz_admin").await;
        let (st, page) = get_page(&admin, format!("{}/admin/templates", s.base)).await;
        assert_eq!(st, StatusCode::OK, "{engine}");
        assert!(page.contains("文书审批权限") && page.contains("name=\"level.notice\""));
        let (st, location, _) = post_form(
            &admin,
            format!("{}/admin/document-approval", s.base),
            &[
                ("csrf", &hidden(&page, "csrf")),
                ("version", "0"),
                ("level.notice", "team_leader"),
                ("level.termination_ruling", "bureau_chief"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{engine}");
        assert!(location.starts_with("/admin/templates?approval_saved=1"));
        let court = s.user("mz_admin").await.court_id;
        assert_eq!(
            s.app
                .approval_level(court, zhixing_docs::DocKind::Notice)
                .await
                .unwrap(),
            zhixing_domain::document::ApprovalLevel::TeamLeader
        );
        // A clerk may not.
        let (st, _, _) = post_form(
            &clerk,
            format!("{}/admin/document-approval", s.base),
            &[
                ("csrf", &token),
                ("version", "1"),
                ("level.notice", "judge"),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{engine}");
        // Nobody signed in: the login page.
        let (st, _) = get_page(&client(), format!("{}/reviews", s.base)).await;
        assert!(
            st == StatusCode::SEE_OTHER || st == StatusCode::UNAUTHORIZED,
            "{st}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_api_round_trip() {
    each_engine(DEMO, |s, engine| async move {
        let (case_id, number) = file_cases(&s, "mz_clerk", 830, 1).await[0].clone();
        let (clerk, token) = signed_in_with_token(&s, "mz_clerk").await;
        let (judge, jtoken) = signed_in_with_token(&s, "mz_t1_judge").await;
        let list = format!("{}/api/v1/cases/{case_id}/documents", s.base);

        // Without the CSRF header: refused, nothing stored.
        let r = post_json(&clerk, &list, None, &json!({"kind": "notice"})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        assert!(s.app.store.case_documents(case_id).await.unwrap().is_empty());
        // A ruling without assets: 422 with the reason in both languages.
        let r = post_json(&clerk, &list, Some(&token), &json!({"kind": "ruling_seal"})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(is_problem(&r));
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "document.assets_required");
        assert!(p["message_en"].as_str().unwrap().contains("asset"));

        let r = post_json(
            &clerk,
            &list,
            Some(&token),
            &json!({"kind": "ruling_seal", "cause": "买卖合同纠纷",
                "assets": [{"description": "孟州市韩愈大街88号房产", "holder": "被执行人0", "period": "三年"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let d: Value = r.json().await.unwrap();
        let id = d["id"].as_i64().unwrap();
        assert_eq!(d["status"], "draft");
        assert_eq!(d["level"], "team_leader");
        assert_eq!(d["version"], 1);
        assert_eq!(d["permitted"]["edit"], true);
        assert_eq!(d["assets"][0]["holder"], "被执行人0");
        assert!(d["pdf_url"].is_null());
        let listed = get_json(&clerk, &list).await;
        assert_eq!(listed["items"][0]["id"], id);
        assert_eq!(listed["may_draft"], true);

        let doc = format!("{}/api/v1/documents/{id}", s.base);
        let r = put_json(
            &clerk,
            &doc,
            Some(&token),
            &json!({"version": 1, "cause": "房屋买卖合同纠纷",
                "assets": [{"description": "孟州市韩愈大街88号房产", "holder": "被执行人0"}]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let d: Value = r.json().await.unwrap();
        assert_eq!((d["version"].as_i64(), d["cause"].as_str()), (Some(2), Some("房屋买卖合同纠纷")));
        let review = format!("{doc}/review");
        let r = post_json(&clerk, &review, Some(&token), &json!({"version": 2, "step": "submit"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "submitted");

        // A judge is below the level of a ruling: refused with the level named, nothing kept.
        let r = post_json(&judge, &review, Some(&jtoken), &json!({"version": 3, "step": "approve"})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "document.approval_level");
        assert!(p["message_zh"].as_str().unwrap().contains("团队长"));
        assert_eq!(get_json(&judge, &doc).await["status"], "submitted");
        let q = get_json(&judge, format!("{}/api/v1/reviews", s.base)).await;
        assert!(q["items"].as_array().unwrap().is_empty(), "{engine}");

        let (lead, ltoken) = signed_in_with_token(&s, "mz_t1_lead").await;
        let q = get_json(&lead, format!("{}/api/v1/reviews", s.base)).await;
        assert_eq!(q["items"][0]["id"], id, "{engine}");
        let r = post_json(&lead, &review, Some(&ltoken), &json!({"version": 2, "step": "approve"})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine}");
        let r = post_json(&lead, &review, Some(&ltoken), &json!({"version": 3, "step": "sign"})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "document.step_unknown");
        let r = post_json(&lead, &review, Some(&ltoken), &json!({"version": 3, "step": "approve"})).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["status"], "issued");
        assert_eq!(d["number"], number.as_str());
        assert_eq!(d["content_sha256"].as_str().unwrap().len(), 64);
        assert_eq!(d["permitted"]["decide"], false);
        // Served on both sides once issued.
        assert_eq!(d["service_tasks"], json!([{"status": "pending", "count": 2}]));
        let r = clerk
            .get(format!("{}{}", s.base, d["pdf_url"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        use sha2::Digest;
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            d["pdf_sha256"].as_str().unwrap(),
            "{engine}: the file served is the file issued"
        );

        // Another court: not found.
        let (other, otoken) = signed_in_with_token(&s, "sy_clerk").await;
        let r = other.get(&doc).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{engine}");
        let r = post_json(&other, &review, Some(&otoken), &json!({"version": 4, "step": "withdraw"})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // The OpenAPI document names the routes.
        let api = get_json(&clerk, format!("{}/api/v1/openapi.json", s.base)).await;
        for path in [
            "/api/v1/cases/{id}/documents",
            "/api/v1/documents/{id}",
            "/api/v1/documents/{id}/review",
            "/api/v1/documents/{id}/{file}",
            "/api/v1/reviews",
        ] {
            assert!(api["paths"][path].is_object(), "{path} missing");
        }
    })
    .await;
}
