//! The electronic dossier on both engines: uploads through the pipeline, refusals that leave
//! nothing behind, court scope, the access log, reordering, archiving and the export package.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use sha2::{Digest, Sha256};
use zhixing_app::blobs::{self, LocalBlobs};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::dossier::{DossierConfig, DossierUpload};
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::case::{ClosingMode, Stage};
use zhixing_domain::dossier::{DocKind, Move, Volume};
use zhixing_domain::lifecycle::CaseAction;

pub fn pdf(fill: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    v.extend(std::iter::repeat_n(b'%', fill));
    v.extend(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    v
}

fn jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];
    v.extend(std::iter::repeat_n(0x11, 300));
    v.extend([0xFF, 0xD9]);
    v
}

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend(std::iter::repeat_n(0x22, 300));
    v.extend(b"\0\0\0\0IEND\xaeB`\x82");
    v
}

fn blob_dir() -> PathBuf {
    std::env::temp_dir().join(format!("zx-dossier-{:016x}", rand::random::<u64>()))
}

fn use_dir(app: &App, dir: &Path, max_upload: u64) {
    app.set_dossier_config(DossierConfig {
        blobs: Arc::new(LocalBlobs::new(dir.to_path_buf())),
        max_upload,
    });
}

/// Stored blob files (the staging directory excluded).
fn blob_files(dir: &Path) -> usize {
    fn walk(p: &Path, n: &mut usize) {
        let Ok(rd) = std::fs::read_dir(p) else { return };
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "tmp") {
                    walk(&path, n);
                }
            } else {
                *n += 1;
            }
        }
    }
    let mut n = 0;
    walk(dir, &mut n);
    n
}

fn staging_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("tmp")).map_or(0, |rd| rd.count())
}

async fn upload(
    app: &App,
    who: &Actor,
    case_id: i64,
    bytes: &[u8],
    filename: &str,
    volume: Volume,
) -> Result<i64, AppError> {
    let c = app.dossier_config();
    let file = blobs::stage_bytes(&c.blobs.staging_dir(), c.max_upload, bytes).await?;
    app.execute(
        who,
        Command::AddDossierItem(Box::new(DossierUpload {
            case_id,
            volume,
            kind: DocKind::from_key("basis").unwrap(),
            title: String::new(),
            filename: filename.into(),
            file: Arc::new(file),
        })),
    )
    .await
    .map(|o| o.id.unwrap())
}

async fn added_events(app: &App, case_id: i64) -> usize {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == "dossier_item_added")
        .count()
}

async fn archive(app: &App, case_id: i64) {
    act(
        app,
        "mz_chief",
        case_id,
        CaseAction::MoveStage { to: Stage::Closing },
    )
    .await
    .unwrap();
    act(
        app,
        "mz_chief",
        case_id,
        CaseAction::Close {
            mode: ClosingMode::Withdrawn,
            dormant: None,
        },
    )
    .await
    .unwrap();
    act(app, "mz_chief", case_id, CaseAction::Archive)
        .await
        .unwrap();
}

#[tokio::test]
async fn uploads_are_sniffed_stored_once_and_refusals_leave_nothing() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir, 4096);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let a = upload(&app, &clerk, case_id, &pdf(100), "判决书.pdf", Volume::Main)
            .await
            .unwrap();
        upload(&app, &clerk, case_id, &jpeg(), "送达回证.jpg", Volume::Main)
            .await
            .unwrap();
        upload(
            &app,
            &clerk,
            case_id,
            &png(),
            "查控截图.png",
            Volume::Internal,
        )
        .await
        .unwrap();
        // The same content again: a second catalogue row, one stored file.
        upload(
            &app,
            &clerk,
            case_id,
            &pdf(100),
            "判决书（副本）.pdf",
            Volume::Internal,
        )
        .await
        .unwrap();
        assert_eq!(blob_files(&dir), 3, "{label}");
        assert_eq!(added_events(&app, case_id).await, 4, "{label}");
        let view = app.dossier_view(&clerk, case_id).await.unwrap();
        assert_eq!(view.volumes[0].items.len(), 2, "{label}");
        assert_eq!(view.volumes[1].items.len(), 2, "{label}");
        let first = &view.volumes[0].items[0].row;
        assert_eq!((first.id, first.title.as_str()), (a, "判决书"), "{label}");
        assert_eq!(first.media_type, "application/pdf");
        assert_eq!(first.sha256, hex::encode(Sha256::digest(pdf(100))));
        assert!(view.access_log.is_none(), "a clerk does not see the log");

        // Refusals: each with a Chinese message, none leaving a row, an event or a blob.
        let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
        elf.extend([0u8; 200]);
        let mut zip = b"PK\x03\x04\x14\0\0\0\x08\0".to_vec();
        zip.extend([0u8; 200]);
        let cases: Vec<(Vec<u8>, &str, &str, &str)> = vec![
            (
                b"just some text, not a PDF at all".to_vec(),
                "假的.pdf",
                "dossier.type_refused",
                "PDF",
            ),
            (elf, "setup.pdf", "dossier.type_refused", "可执行"),
            (zip, "bomb.pdf", "dossier.type_refused", "压缩包"),
            (
                b"%PDF-1.7\n".to_vec(),
                "header.pdf",
                "dossier.file_broken",
                "文件头",
            ),
            (
                pdf(100),
                "../../etc/passwd.pdf",
                "dossier.filename_path",
                "路径",
            ),
            (
                pdf(100),
                "a\u{7}b.pdf",
                "dossier.filename_control",
                "控制字符",
            ),
            (pdf(5000), "大文件.pdf", "dossier.too_large", "上限"),
        ];
        for (bytes, name, code, zh) in cases {
            let e = upload(&app, &clerk, case_id, &bytes, name, Volume::Main)
                .await
                .unwrap_err();
            assert_eq!(e.code(), code, "{label} {name}");
            assert!(
                e.message_zh().contains(zh),
                "{label} {name}: {}",
                e.message_zh()
            );
        }
        assert_eq!(
            app.store.dossier_items(case_id).await.unwrap().len(),
            4,
            "{label}"
        );
        assert_eq!(added_events(&app, case_id).await, 4, "{label}");
        assert_eq!(blob_files(&dir), 3, "{label}");
        assert_eq!(staging_files(&dir), 0, "{label}: nothing left in staging");

        // A role that does not file documents, and another court (not found).
        let e = upload(
            &app,
            &actor(&app, "mz_chief").await,
            case_id,
            &png(),
            "x.png",
            Volume::Main,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "forbidden", "{label}");
        let other = actor(&app, "zz_clerk").await;
        let e = upload(&app, &other, case_id, &png(), "x.png", Volume::Main)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound), "{label}: {e:?}");
        assert!(matches!(
            app.dossier_view(&other, case_id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            app.open_dossier_item(&other, a, false).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(blob_files(&dir), 3, "{label}");
        assert_eq!(staging_files(&dir), 0, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn views_are_logged_items_reorder_and_an_archived_dossier_exports() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir, blobs::DEFAULT_MAX_UPLOAD);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let chief = actor(&app, "mz_chief").await;
        let a = upload(&app, &clerk, case_id, &pdf(10), "a.pdf", Volume::Main)
            .await
            .unwrap();
        let b = upload(&app, &clerk, case_id, &jpeg(), "b.jpg", Volume::Main)
            .await
            .unwrap();
        let c = upload(&app, &clerk, case_id, &png(), "c.png", Volume::Main)
            .await
            .unwrap();

        // Viewing and downloading are logged; the bureau chief sees the log.
        let (item, mut reader) = app.open_dossier_item(&clerk, b, false).await.unwrap();
        let mut back = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut back)
            .await
            .unwrap();
        assert_eq!((item.id, back), (b, jpeg()), "{label}");
        app.open_dossier_item(&chief, a, true).await.unwrap();
        let log = app
            .dossier_view(&chief, case_id)
            .await
            .unwrap()
            .access_log
            .unwrap();
        assert_eq!(log.len(), 2, "{label}");
        assert_eq!(
            (log[0].action.as_str(), log[0].item_id),
            ("download", a),
            "{label}"
        );
        assert_eq!(
            (log[1].action.as_str(), log[1].user_name.as_str()),
            ("view", clerk.display_name.as_str())
        );

        // Reorder: c first, then a down.
        let mv = |item_id, to| Command::MoveDossierItem { item_id, to };
        app.execute(&clerk, mv(c, Move::To(1))).await.unwrap();
        app.execute(&clerk, mv(a, Move::Down)).await.unwrap();
        let order: Vec<i64> = app.dossier_view(&clerk, case_id).await.unwrap().volumes[0]
            .items
            .iter()
            .map(|i| i.row.id)
            .collect();
        assert_eq!(order, vec![c, b, a], "{label}");
        let e = app.export_dossier(&clerk, case_id).await.unwrap_err();
        assert_eq!(e.code(), "dossier.not_archived", "{label}");

        // Archived: read-only, exportable.
        archive(&app, case_id).await;
        let e = upload(&app, &clerk, case_id, &pdf(20), "late.pdf", Volume::Main)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "dossier.archived", "{label}");
        assert!(e.message_zh().contains("已归档"), "{label}");
        let e = app.execute(&clerk, mv(a, Move::Up)).await.unwrap_err();
        assert_eq!(e.code(), "dossier.archived", "{label}");
        assert_eq!(staging_files(&dir), 0, "{label}");
        assert!(!app.dossier_view(&clerk, case_id).await.unwrap().may_upload);

        let (package, name) = app.export_dossier(&chief, case_id).await.unwrap();
        assert!(name.ends_with("电子卷宗.zip"), "{name}");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&package.path).unwrap()).unwrap();
        let mut sums = String::new();
        zip.by_name("SHA256SUMS")
            .unwrap()
            .read_to_string(&mut sums)
            .unwrap();
        let mut catalogue = String::new();
        zip.by_name("catalogue.csv")
            .unwrap()
            .read_to_string(&mut catalogue)
            .unwrap();
        assert_eq!(
            catalogue.lines().count(),
            4,
            "{label}: header and three items"
        );
        assert_eq!(sums.lines().count(), 3, "{label}");
        for line in sums.lines() {
            let (sum, path) = line.split_once("  ").unwrap();
            let mut bytes = Vec::new();
            zip.by_name(path).unwrap().read_to_end(&mut bytes).unwrap();
            assert_eq!(hex::encode(Sha256::digest(&bytes)), sum, "{label} {path}");
        }
        let path = package.path.clone();
        drop(package);
        assert!(!path.exists(), "the package is removed once handed over");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn a_locked_case_accepts_documents_by_the_default_whitelist() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir, blobs::DEFAULT_MAX_UPLOAD);
        let case_id = file(&app).await;
        act(
            &app,
            "mz_chief",
            case_id,
            CaseAction::Lock {
                reason: "测试".into(),
            },
        )
        .await
        .unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        upload(&app, &clerk, case_id, &pdf(10), "a.pdf", Volume::Main)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn a_court_that_takes_documents_off_the_whitelist_refuses_them_with_the_lock_reason() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir, blobs::DEFAULT_MAX_UPLOAD);
        let case_id = file(&app).await;
        let admin = actor(&app, "mz_admin").await;
        let mut set = zhixing_domain::node::NodeSet::defaults();
        set.lock_whitelist.retain(|k| k != "add_dossier_item");
        app.execute(
            &admin,
            Command::SaveSetting {
                court_id: admin.court_id,
                key: "node_definitions".into(),
                value: set.to_json(),
                expected_version: 0,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{label}: {e}"));
        act(
            &app,
            "mz_chief",
            case_id,
            CaseAction::Lock {
                reason: "卷宗核查".into(),
            },
        )
        .await
        .unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        let before = added_events(&app, case_id).await;
        let err = upload(&app, &clerk, case_id, &pdf(10), "a.pdf", Volume::Main)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "case.locked", "{label}");
        assert!(
            err.message_zh().contains("卷宗核查"),
            "{label}: {}",
            err.message_zh()
        );
        assert_eq!(added_events(&app, case_id).await, before, "{label}");
        assert_eq!(blob_files(&dir), 0, "{label}: no blob left behind");
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}
