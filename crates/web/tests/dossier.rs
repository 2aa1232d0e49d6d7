//! The e-dossier over real HTTP on both engines: multipart uploads from the page (CSRF) and the
//! API (X-CSRF-Token), refusals with Chinese messages and 413 for an oversized file, downloads
//! with RFC 5987 names, logging, court scope, archiving and the export package.

mod common;

use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;
use common::{
    each_engine, file_as, get_page, hidden, person, signed_in, signed_in_with_token, today, Server,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zhixing_app::blobs::LocalBlobs;
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::dossier::DossierConfig;
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };
const BOUNDARY: &str = "zxBoundary7MA4YWxkTrZu0gW";

fn pdf() -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    v.extend(std::iter::repeat_n(b'%', 500));
    v.extend(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    v
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend(std::iter::repeat_n(0x22, 300));
    v.extend(b"\0\0\0\0IEND\xaeB`\x82");
    v
}

/// A multipart body: text fields, then the file.
fn multipart(fields: &[(&str, &str)], filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    b.extend(bytes);
    b.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_multipart(
    c: &Client,
    url: String,
    token: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut r = c
        .post(url)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(t) = token {
        r = r.header("X-CSRF-Token", t);
    }
    r.send().await.unwrap()
}

async fn file_case(s: &Server) -> i64 {
    let filing = |court_id| FileCase {
        court_id,
        case_type: CaseType::First,
        basis: Basis::new(
            "孟州市人民法院",
            "（2025）豫0883民初77号",
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
    file_as(s, "mz_clerk", filing).await.0
}

async fn act(s: &Server, who: &str, case_id: i64, action: CaseAction) {
    let user = s.user(who).await;
    let actor = s.app.actor_for_user(user.id).await.unwrap();
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

#[tokio::test]
async fn dossier_pages_and_api_over_http() {
    each_engine(DEMO, |s, label| async move {
        let dir = std::env::temp_dir().join(format!("zx-web-dossier-{:016x}", rand_u64()));
        s.app.set_dossier_config(DossierConfig {
            blobs: Arc::new(LocalBlobs::new(dir.clone())),
            max_upload: 64 * 1024,
        });
        let case_id = file_case(&s).await;
        let base = s.base.clone();
        let clerk = signed_in(&s, "mz_clerk").await;

        // The page, its link from the case page, and an upload through its form.
        let (st, case_page) = get_page(&clerk, format!("{base}/cases/{case_id}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(
            case_page.contains(&format!("/cases/{case_id}/dossier")),
            "{label}"
        );
        let (st, page) = get_page(&clerk, format!("{base}/cases/{case_id}/dossier")).await;
        assert_eq!(st, StatusCode::OK, "{label}");
        assert!(
            page.contains("正卷") && page.contains("副卷") && page.contains("multipart/form-data")
        );
        let csrf = hidden(&page, "csrf");
        let body = multipart(
            &[
                ("csrf", &csrf),
                ("volume", "main"),
                ("kind", "basis"),
                ("title", ""),
            ],
            "判决书 2024.pdf",
            &pdf(),
        );
        let r = post_multipart(
            &clerk,
            format!("{base}/cases/{case_id}/dossier"),
            None,
            body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        // Without the form's token: refused, nothing stored.
        let body = multipart(&[("csrf", "wrong")], "x.pdf", &pdf());
        let r = post_multipart(
            &clerk,
            format!("{base}/cases/{case_id}/dossier"),
            None,
            body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let (_, page) = get_page(&clerk, format!("{base}/cases/{case_id}/dossier?added=1")).await;
        assert!(page.contains("判决书 2024"), "{label}");

        // The API twin: multipart with X-CSRF-Token.
        let (api, token) = signed_in_with_token(&s, "mz_clerk").await;
        let url = format!("{base}/api/v1/cases/{case_id}/dossier/items");
        let r = post_multipart(&api, url.clone(), None, multipart(&[], "a.png", &png())).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}: no token");
        let r = post_multipart(
            &api,
            url.clone(),
            Some(&token),
            multipart(&[("volume", "internal")], "扫描件.png", &png()),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let item: Value = r.json().await.unwrap();
        assert_eq!(item["media_type"], "image/png");
        assert_eq!(item["volume"], "internal");
        let png_id = item["id"].as_i64().unwrap();

        // Refusals as problem+json in Chinese; an oversized upload is 413.
        let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
        elf.extend([0u8; 300]);
        for (bytes, name, status, zh) in [
            (elf, "a.pdf", 422, "可执行"),
            (
                b"plain text pretending to be a PDF file".to_vec(),
                "fake.pdf",
                422,
                "PDF",
            ),
            (pdf(), "..\\..\\x.pdf", 422, "路径"),
            (vec![b'%'; 2 * 1024 * 1024], "huge.pdf", 413, "上限"),
        ] {
            let r = post_multipart(
                &api,
                url.clone(),
                Some(&token),
                multipart(&[], name, &bytes),
            )
            .await;
            assert_eq!(r.status().as_u16(), status, "{label} {name}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let p: Value = r.json().await.unwrap();
            assert!(
                p["message_zh"].as_str().unwrap().contains(zh),
                "{label} {name}: {p}"
            );
        }
        let d: Value = api
            .get(format!("{base}/api/v1/cases/{case_id}/dossier"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(d["items"].as_array().unwrap().len(), 2, "{label}: {d}");
        assert!(d["access_log"].is_null(), "a clerk does not see the log");
        let pdf_id = d["items"][0]["id"].as_i64().unwrap();

        // Download: the sniffed type, RFC 5987 name, logged.
        let r = clerk
            .get(format!("{base}/dossier/items/{pdf_id}?download=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let cd = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''%E5%88%A4"),
            "{cd}"
        );
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf());
        let r = clerk
            .get(format!("{base}/dossier/items/{png_id}"))
            .send()
            .await
            .unwrap();
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;"));
        let chief = signed_in(&s, "mz_chief").await;
        let (_, page) = get_page(&chief, format!("{base}/cases/{case_id}/dossier")).await;
        assert!(
            page.contains("查阅记录") && page.contains("下载"),
            "{label}"
        );

        // Reorder over the API.
        let r = api
            .post(format!("{base}/api/v1/dossier/items/{png_id}/move"))
            .header("X-CSRF-Token", &token)
            .json(&serde_json::json!({"to": "1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{label}");

        // Another court: not found.
        let other = signed_in(&s, "zz_clerk").await;
        let (st, _) = get_page(&other, format!("{base}/cases/{case_id}/dossier")).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{label}");
        let r = other
            .get(format!("{base}/dossier/items/{pdf_id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");

        // Archived: uploads refused, the package exports with matching checksums.
        act(
            &s,
            "mz_chief",
            case_id,
            CaseAction::MoveStage { to: Stage::Closing },
        )
        .await;
        act(
            &s,
            "mz_chief",
            case_id,
            CaseAction::Close {
                mode: ClosingMode::Withdrawn,
                dormant: None,
            },
        )
        .await;
        act(&s, "mz_chief", case_id, CaseAction::Archive).await;
        let r = post_multipart(
            &api,
            url.clone(),
            Some(&token),
            multipart(&[], "late.pdf", &pdf()),
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{label}");
        let p: Value = r.json().await.unwrap();
        assert!(p["message_zh"].as_str().unwrap().contains("已归档"), "{p}");
        let r = chief
            .get(format!("{base}/cases/{case_id}/dossier/export.zip"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        assert_eq!(r.headers()["content-type"], "application/zip");
        let bytes = r.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut sums = String::new();
        zip.by_name("SHA256SUMS")
            .unwrap()
            .read_to_string(&mut sums)
            .unwrap();
        assert_eq!(sums.lines().count(), 2, "{label}");
        for line in sums.lines() {
            let (sum, path) = line.split_once("  ").unwrap();
            let mut b = Vec::new();
            zip.by_name(path).unwrap().read_to_end(&mut b).unwrap();
            assert_eq!(hex::encode(Sha256::digest(&b)), sum);
        }
        // The OpenAPI document lists the routes.
        let doc = reqwest::get(format!("{base}/api/v1/openapi.json"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            doc.contains("/api/v1/cases/{id}/dossier/items") && doc.contains("multipart/form-data")
        );
        assert!(
            s.app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id() as u64);
    h.finish()
}
