//! Generated documents over real HTTP, on SQLite and PostgreSQL: downloads for the case's
//! court (content type, RFC 5987 file name with the case number), "not found" for another
//! court, refusals for other roles and anonymous callers, and per-court template overrides
//! (saved and used; a bad template refused with its line number and nothing saved).

mod common;

use std::io::Read;

use common::{
    client, each_engine, file_cases, get_page, hidden, post_form, put_json, signed_in,
    signed_in_with_token,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 7 };

fn docx_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The percent-encoding RFC 5987 uses, for comparing with the header.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn font_installed() -> bool {
    zhixing_docs::font::shared().is_ok()
}

#[tokio::test]
async fn downloads_are_for_the_case_court_staff() {
    each_engine(DEMO, |s, engine| async move {
        let cases = file_cases(&s, "mz_clerk", 700, 1).await;
        let (id, number) = cases[0].clone();
        let clerk = signed_in(&s, "mz_clerk").await;

        // The case page links every kind.
        let (st, page) = get_page(&clerk, format!("{}/cases/{id}", s.base)).await;
        assert_eq!(st, StatusCode::OK, "{engine}");
        assert!(
            page.contains(&format!("/cases/{id}/documents/notice.pdf")),
            "{engine}"
        );
        assert!(page.contains(&format!("/cases/{id}/documents/service_receipt.docx")));

        // DOCX through the API: the Word type, the case number in the file name and inside.
        let r = clerk
            .get(format!(
                "{}/api/v1/cases/{id}/documents/notice.docx",
                s.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let cd = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(cd.starts_with("attachment; filename=\""), "{cd}");
        assert!(
            cd.contains(&format!("filename*=UTF-8''{}", pct(&number))),
            "{cd}"
        );
        assert!(cd.contains(&pct("执行通知书")), "{cd}");
        let xml = docx_xml(&r.bytes().await.unwrap());
        assert!(xml.contains(&number), "{engine}");
        // Not an issued document: only the review issues one; this is a draft, marked so.
        assert!(xml.contains(zhixing_docs::DRAFT_MARK), "{engine}");
        assert!(cd.contains(&pct("草稿")), "{cd}");
        assert!(xml.contains("孟州市人民法院"), "{engine}");
        assert!(xml.contains("张三"));

        // The page route serves the same file to a browser.
        let r = clerk
            .get(format!(
                "{}/cases/{id}/documents/asset_report_order.docx",
                s.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(docx_xml(&r.bytes().await.unwrap()).contains("财产调查表"));

        if font_installed() {
            let r = clerk
                .get(format!("{}/api/v1/cases/{id}/documents/notice.pdf", s.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "application/pdf");
            assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        }

        // Unknown kind or format: not found.
        let (st, _) = get_page(
            &clerk,
            format!("{}/api/v1/cases/{id}/documents/will.pdf", s.base),
        )
        .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = get_page(
            &clerk,
            format!("{}/api/v1/cases/{id}/documents/notice.txt", s.base),
        )
        .await;
        assert_eq!(st, StatusCode::NOT_FOUND);

        // Another court's clerk: not found, and no links on a page they cannot see anyway.
        let other = signed_in(&s, "sy_clerk").await;
        let (st, _) = get_page(
            &other,
            format!("{}/api/v1/cases/{id}/documents/notice.docx", s.base),
        )
        .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{engine}");
        // The supervising court sees the case but is not its court's staff: not found.
        let (st, _) = get_page(
            &signed_in(&s, "jz_supervisor").await,
            format!("{}/api/v1/cases/{id}/documents/notice.docx", s.base),
        )
        .await;
        assert!(
            st == StatusCode::NOT_FOUND || st == StatusCode::FORBIDDEN,
            "{st}"
        );
        // A role that does not work on cases: forbidden, and no section on the case page.
        let sup = signed_in(&s, "mz_supervisor").await;
        let (st, _) = get_page(
            &sup,
            format!("{}/api/v1/cases/{id}/documents/notice.docx", s.base),
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{engine}");
        let (_, page) = get_page(&sup, format!("{}/cases/{id}", s.base)).await;
        assert!(!page.contains("/documents/notice.pdf"));
        // Nobody signed in.
        let (st, _) = get_page(
            &client(),
            format!("{}/api/v1/cases/{id}/documents/notice.docx", s.base),
        )
        .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn template_overrides_are_checked_saved_and_used() {
    each_engine(DEMO, |s, engine| async move {
        let cases = file_cases(&s, "mz_clerk", 800, 1).await;
        let (id, _) = cases[0].clone();
        let mz = s.app.court_tree().by_code("豫0883").unwrap().id;
        let url = format!("{}/api/v1/courts/{mz}/templates/notice", s.base);
        let (admin, token) = signed_in_with_token(&s, "mz_admin").await;

        let doc: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(doc["version"], 0, "{engine}");
        assert!(doc["template"].is_null());
        assert!(doc["default_template"].as_str().unwrap().contains("@title 执行通知书"));

        // Without the CSRF header, or by a clerk: refused.
        let body = json!({"template": "@title 本院执行通知书\n@number {{ case_number }}\n@para 本院特别提示。\n", "version": 0});
        let r = put_json(&admin, &url, None, &body).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (clerk, clerk_token) = signed_in_with_token(&s, "mz_clerk").await;
        let r = put_json(&clerk, &url, Some(&clerk_token), &body).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        // Saved, and used for the court's cases.
        let r = put_json(&admin, &url, Some(&token), &body).await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["version"], 1);
        let r = clerk
            .get(format!("{}/api/v1/cases/{id}/documents/notice.docx", s.base))
            .send()
            .await
            .unwrap();
        let xml = docx_xml(&r.bytes().await.unwrap());
        assert!(xml.contains("本院特别提示"), "{engine}");

        // A field that does not exist: refused with its line, nothing saved.
        let bad = json!({"template": "@title 通知\n@para 好的\n@para {{ debtor_phone }}\n", "version": 1});
        let r = put_json(&admin, &url, Some(&token), &bad).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        let p: Value = r.json().await.unwrap();
        assert!(p["message_zh"].as_str().unwrap().contains("第 3 行"), "{p}");
        assert!(p["message_en"].as_str().unwrap().contains("line 3"), "{p}");
        // An unknown block and a syntax error, likewise.
        let bad = json!({"template": "@title 通知\n@paragraph x\n", "version": 1});
        let p: Value = put_json(&admin, &url, Some(&token), &bad).await.json().await.unwrap();
        assert!(p["message_zh"].as_str().unwrap().contains("第 2 行"), "{p}");
        let bad = json!({"template": "@title 通知\n\n\n@para {{ case_number }\n", "version": 1});
        let p: Value = put_json(&admin, &url, Some(&token), &bad).await.json().await.unwrap();
        assert!(p["message_en"].as_str().unwrap().contains("line 4"), "{p}");
        let doc: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
        assert_eq!(doc["version"], 1);
        assert!(doc["template"].as_str().unwrap().contains("本院特别提示"));

        // Another court's administrator: not found.
        let (other, other_token) = signed_in_with_token(&s, "sy_clerk").await;
        let r = put_json(&other, &url, Some(&other_token), &body).await;
        assert!(r.status() == StatusCode::NOT_FOUND || r.status() == StatusCode::FORBIDDEN);

        // The editor page: lists kinds, refuses a bad template with its line, previews,
        // restores the default.
        let (st, page) = get_page(&admin, format!("{}/admin/templates", s.base)).await;
        assert_eq!(st, StatusCode::OK);
        assert!(page.contains("/admin/templates/service_receipt"));
        let (st, page) = get_page(&admin, format!("{}/admin/templates/notice", s.base)).await;
        assert_eq!(st, StatusCode::OK);
        let csrf = hidden(&page, "csrf");
        let (st, _, page) = post_form(
            &admin,
            format!("{}/admin/templates/notice", s.base),
            &[("csrf", &csrf), ("version", "1"), ("action", "save"), ("template", "@title 通知\n@row 1|2\n")],
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("第 2 行"), "{page}");
        if font_installed() {
            let r = admin
                .post(format!("{}/admin/templates/notice/preview", s.base))
                .form(&[("csrf", csrf.as_str()), ("template", "@title 预览\n@para {{ case_number }}\n")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["content-type"], "application/pdf");
        }
        let (st, location, _) = post_form(
            &admin,
            format!("{}/admin/templates/notice", s.base),
            &[("csrf", &csrf), ("version", "1"), ("action", "restore"), ("template", "")],
        )
        .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{engine}");
        assert!(location.starts_with("/admin/templates/notice"));
        let doc: Value = admin.get(&url).send().await.unwrap().json().await.unwrap();
        assert!(doc["template"].is_null(), "{doc}");
        // A clerk may not open the editor.
        let (st, _) = get_page(&clerk, format!("{}/admin/templates", s.base)).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    })
    .await;
}
