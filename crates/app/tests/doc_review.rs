//! Document approval (文书审批) on both engines: draft → submit → return → edit → approve,
//! what approval fixes (number, hashes, files, dossier item, service tasks), who may decide,
//! stale versions, court scope, the court's levels, locks, and the audit chain.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use sha2::{Digest, Sha256};
use zhixing_app::blobs::{self, LocalBlobs};
use zhixing_app::commands::{Command, Outcome};
use zhixing_app::demo::DemoOptions;
use zhixing_app::doc_review::DraftInput;
use zhixing_app::dossier::DossierConfig;
use zhixing_app::{Actor, App, AppError};
use zhixing_docs::data::AssetData;
use zhixing_docs::{DocData, DocKind, Format};
use zhixing_domain::audit::canonical_payload;
use zhixing_domain::document::ReviewStep;
use zhixing_domain::lifecycle::CaseAction;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 11 };

fn blob_dir() -> PathBuf {
    std::env::temp_dir().join(format!("zx-docs-{:016x}", rand::random::<u64>()))
}

fn use_dir(app: &App, dir: &Path) {
    app.set_dossier_config(DossierConfig {
        blobs: Arc::new(LocalBlobs::new(dir.to_path_buf())),
        max_upload: blobs::DEFAULT_MAX_UPLOAD,
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

fn asset() -> AssetData {
    AssetData {
        description: "中国工商银行孟州支行账户6222000000001234存款".into(),
        holder: "李四".into(),
        amount: "38,000.00".into(),
        period: "一年".into(),
    }
}

fn input(case_id: i64, kind: DocKind, submit: bool) -> DraftInput {
    DraftInput {
        case_id,
        kind,
        cause: "民间借贷纠纷".into(),
        notes: vec![],
        assets: if zhixing_app::doc_review::needs_assets(kind) {
            vec![asset()]
        } else {
            vec![]
        },
        submit,
    }
}

async fn draft(app: &App, who: &Actor, i: DraftInput) -> Result<i64, AppError> {
    app.execute(who, Command::DraftDocument(Box::new(i)))
        .await
        .map(|o| o.id.unwrap())
}

async fn version(app: &App, id: i64) -> i64 {
    app.store.document(id).await.unwrap().unwrap().version
}

async fn step(app: &App, who: &Actor, id: i64, step: ReviewStep) -> Result<Outcome, AppError> {
    let v = version(app, id).await;
    app.execute(
        who,
        Command::ReviewDocument {
            document_id: id,
            version: v,
            step,
        },
    )
    .await
}

async fn events(app: &App, case_id: i64, kind: &str) -> Vec<serde_json::Value> {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect()
}

/// A whole state of a document for "nothing changed" checks.
async fn snapshot(app: &App, id: i64, case_id: i64) -> (String, usize, usize) {
    let row = app.store.document(id).await.unwrap().unwrap();
    (
        format!("{row:?}"),
        app.store.document_reviews(id).await.unwrap().len(),
        app.store.case_events(case_id).await.unwrap().len(),
    )
}

#[tokio::test]
async fn draft_return_edit_approve_issues_the_document() {
    each_engine(DEMO, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let judge = actor(&app, "mz_t1_judge").await;
        let case_number = case_number(&app, case_id).await;

        let id = draft(&app, &clerk, input(case_id, DocKind::Notice, false))
            .await
            .unwrap();
        let row = app.store.document(id).await.unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.version), ("draft", 1), "{label}");
        assert_eq!(row.approval_level, "judge");
        // Served on the debtor once issued; waiting until then.
        assert_eq!(
            app.store.document_task_counts(id).await.unwrap(),
            vec![("waiting".to_string(), 1)]
        );
        let view = app.document_view(&clerk, id).await.unwrap();
        assert!(view.permitted.edit && view.permitted.submit && !view.permitted.decide);
        assert_eq!(view.data.cause, "民间借贷纠纷");

        // Not in the queue before it is submitted; the preview says 草稿.
        assert!(app.review_queue(&judge, 0).await.unwrap().is_empty());
        let preview = app
            .document_preview(&clerk, id, Format::Docx)
            .await
            .unwrap();
        assert!(preview.filename.contains("草稿"), "{}", preview.filename);
        assert!(docx_text(&preview.bytes).contains(zhixing_docs::DRAFT_MARK));
        let e = app
            .document_file(&clerk, id, Format::Pdf)
            .await
            .err()
            .unwrap();
        assert_eq!(e.code(), "document.not_issued");

        step(&app, &clerk, id, ReviewStep::Submit).await.unwrap();
        let queue = app.review_queue(&judge, 0).await.unwrap();
        assert_eq!(queue.len(), 1, "{label}");
        assert_eq!(queue[0].case_number, case_number);
        // The judges of the court (of the case's team, when it has one) hear of it.
        let mut told = 0;
        for u in app.store.users_of_courts(&[clerk.court_id]).await.unwrap() {
            let notified = app
                .store
                .notifications(u.id, true, 50, 0)
                .await
                .unwrap()
                .iter()
                .any(|n| n.kind == "document_submitted" && n.title_zh.contains(&case_number));
            if notified {
                assert_eq!(u.role, "judge", "{label}: {} notified", u.username);
                told += 1;
            }
        }
        assert!(told >= 1, "{label}: no judge was notified");

        // Return with a comment; the clerk hears of it and may change it again.
        let e = step(
            &app,
            &judge,
            id,
            ReviewStep::Return {
                comment: " ".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "document.comment_required");
        step(
            &app,
            &judge,
            id,
            ReviewStep::Return {
                comment: "案由应为买卖合同纠纷".into(),
            },
        )
        .await
        .unwrap();
        let row = app.store.document(id).await.unwrap().unwrap();
        assert_eq!(row.status, "returned");
        assert_eq!(row.review_comment.as_deref(), Some("案由应为买卖合同纠纷"));
        let inbox = app
            .store
            .notifications(clerk.user_id.unwrap(), true, 50, 0)
            .await
            .unwrap();
        assert!(inbox
            .iter()
            .any(|n| n.kind == "document_returned" && n.title_zh.contains("买卖合同纠纷")));
        let returned = events(&app, case_id, "document_returned").await;
        assert_eq!(returned[0]["comment"], "案由应为买卖合同纠纷");

        let v = version(&app, id).await;
        app.execute(
            &clerk,
            Command::EditDocument {
                document_id: id,
                version: v,
                cause: "买卖合同纠纷".into(),
                notes: vec!["被执行人电话 13800000000".into()],
                assets: vec![],
            },
        )
        .await
        .unwrap();
        step(&app, &clerk, id, ReviewStep::Submit).await.unwrap();

        // Approval issues it.
        step(&app, &judge, id, ReviewStep::Approve).await.unwrap();
        let row = app.store.document(id).await.unwrap().unwrap();
        assert_eq!(row.status, "issued", "{label}");
        assert_eq!(row.number.as_deref(), Some(case_number.as_str()));
        assert_eq!(row.nth_of_kind, Some(1));
        assert_eq!(row.reviewed_by, judge.user_id);
        let data: DocData = serde_json::from_str(&row.data_json).unwrap();
        assert_eq!(data.cause, "买卖合同纠纷");
        assert_eq!(data.notes, vec!["被执行人电话 13800000000".to_string()]);
        assert_eq!(data.number, case_number);
        assert!(!data.draft);

        // The hashes in the event are those of the stored content and files.
        let issued = events(&app, case_id, "document_issued").await;
        assert_eq!(issued.len(), 1);
        let ev = &issued[0];
        assert_eq!(ev["number"], case_number.as_str());
        assert_eq!(ev["level"], "judge");
        let content = canonical_payload(&serde_json::to_value(&data).unwrap());
        assert_eq!(content, row.data_json);
        assert_eq!(
            ev["content_sha256"],
            hex::encode(Sha256::digest(content.as_bytes()))
        );
        let store = app.dossier_config().blobs;
        let pdf = blobs::read_all(&*store, row.pdf_sha256.as_deref().unwrap())
            .await
            .unwrap();
        let docx = blobs::read_all(&*store, row.docx_sha256.as_deref().unwrap())
            .await
            .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(ev["pdf_sha256"], hex::encode(Sha256::digest(&pdf)));
        assert_eq!(ev["docx_sha256"], hex::encode(Sha256::digest(&docx)));
        let text = docx_text(&docx);
        assert!(text.contains(&case_number) && text.contains("买卖合同纠纷"));
        assert!(
            !text.contains(zhixing_docs::DRAFT_MARK),
            "{label}: issued says 草稿"
        );
        assert_eq!(blob_files(&dir), 2, "{label}");

        // Filed in the main volume, under 执行通知书及送达.
        let item_id = row.dossier_item_id.unwrap();
        assert_eq!(ev["dossier_item_id"], item_id);
        let item = app.store.dossier_item(item_id).await.unwrap().unwrap();
        assert_eq!(
            (item.volume.as_str(), item.kind.as_str()),
            ("main", "notice")
        );
        assert_eq!(item.title, format!("执行通知书 {case_number}"));
        assert_eq!(item.sha256, row.pdf_sha256.clone().unwrap());

        // Ready to serve; the drafter hears of it; the file downloads and is logged.
        assert_eq!(
            app.store.document_task_counts(id).await.unwrap(),
            vec![("pending".to_string(), 1)]
        );
        assert!(app
            .store
            .notifications(clerk.user_id.unwrap(), true, 50, 0)
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "document_issued"));
        let f = app.document_file(&clerk, id, Format::Pdf).await.unwrap();
        assert!(f.filename.starts_with(&case_number));
        let log = app.store.dossier_access(case_id, 10).await.unwrap();
        assert!(log
            .iter()
            .any(|a| a.item_id == item_id && a.action == "download"));

        // Issued means fixed.
        let e = step(&app, &clerk, id, ReviewStep::Withdraw)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.wrong_status");
        let steps: Vec<String> = app
            .store
            .document_reviews(id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.step)
            .collect();
        assert_eq!(
            steps,
            ["draft", "submit", "return", "edit", "submit", "approve"]
        );
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

fn docx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn the_second_of_a_kind_is_numbered_zhi_yi() {
    each_engine(DEMO, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let lead = actor(&app, "mz_t1_lead").await;
        let number = case_number(&app, case_id).await;
        let mut ids = Vec::new();
        for _ in 0..2 {
            let id = draft(&app, &clerk, input(case_id, DocKind::RulingFreeze, true))
                .await
                .unwrap();
            step(&app, &lead, id, ReviewStep::Approve).await.unwrap();
            ids.push(id);
        }
        let second = app.store.document(ids[1]).await.unwrap().unwrap();
        assert_eq!(second.number, Some(format!("{number}之一")), "{label}");
        // A ruling is served on both sides: applicant and debtor.
        assert_eq!(
            app.store.document_task_counts(ids[1]).await.unwrap(),
            vec![("pending".to_string(), 2)]
        );
        let item = app
            .store
            .dossier_item(second.dossier_item_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(item.kind, "control");
        // Another kind starts again at the case number.
        let n = draft(
            &app,
            &clerk,
            input(case_id, DocKind::AssetReportOrder, true),
        )
        .await
        .unwrap();
        step(&app, &lead, n, ReviewStep::Approve).await.unwrap();
        assert_eq!(
            app.store.document(n).await.unwrap().unwrap().number,
            Some(number.clone())
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn who_may_decide() {
    each_engine(DEMO, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let clerk2 = actor(&app, "mz_clerk2").await;
        let judge = actor(&app, "mz_t1_judge").await;
        let lead = actor(&app, "mz_t1_lead").await;
        let chief = actor(&app, "mz_chief").await;

        // A ruling needs the team leader: a judge is refused, with the level named, and
        // nothing changes.
        let id = draft(&app, &clerk, input(case_id, DocKind::RulingSeal, true))
            .await
            .unwrap();
        let before = snapshot(&app, id, case_id).await;
        let e = step(&app, &judge, id, ReviewStep::Approve)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.approval_level", "{label}");
        assert!(e.message_zh().contains("团队长"), "{}", e.message_zh());
        let e = step(
            &app,
            &judge,
            id,
            ReviewStep::Return {
                comment: "x".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "document.approval_level");
        assert_eq!(snapshot(&app, id, case_id).await, before, "{label}");
        assert_eq!(blob_files(&dir), 0);

        // A clerk never approves (refused by role before anything is read).
        let e = step(&app, &clerk2, id, ReviewStep::Approve)
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403, "{label}");
        assert!(e.message_zh().contains("书记员"), "{}", e.message_zh());
        // Another clerk of the court is not the drafter: may not withdraw it.
        let e = step(&app, &clerk2, id, ReviewStep::Withdraw)
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403);
        assert_eq!(snapshot(&app, id, case_id).await, before);

        // Nobody approves their own draft, even at the level.
        let own = draft(&app, &lead, input(case_id, DocKind::RulingFreeze, true))
            .await
            .unwrap();
        let e = step(&app, &lead, own, ReviewStep::Approve)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.self_approval", "{label}");
        assert!(app
            .review_queue(&lead, 0)
            .await
            .unwrap()
            .iter()
            .all(|q| q.doc.row.id != own));
        // A higher post signs for a lower one.
        step(&app, &chief, own, ReviewStep::Approve).await.unwrap();

        // 限制消费令 need the president: the bureau chief may not sign them.
        let president = actor(&app, "mz_yz").await;
        let t = draft(
            &app,
            &clerk,
            input(case_id, DocKind::ConsumptionRestriction, true),
        )
        .await
        .unwrap();
        assert_eq!(
            app.store.document(t).await.unwrap().unwrap().approval_level,
            "president"
        );
        assert!(app
            .review_queue(&chief, 0)
            .await
            .unwrap()
            .iter()
            .all(|q| q.doc.row.id != t));
        let e = step(&app, &chief, t, ReviewStep::Approve)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.approval_level");
        assert!(e.message_zh().contains("院长"), "{}", e.message_zh());
        assert!(app
            .review_queue(&president, 0)
            .await
            .unwrap()
            .iter()
            .any(|q| q.doc.row.id == t));
        step(&app, &president, t, ReviewStep::Approve)
            .await
            .unwrap();
        assert_eq!(
            app.store.document(t).await.unwrap().unwrap().status,
            "issued"
        );
        // 终本 rulings come only from the closing procedure (the dormant tests follow one).
        let e = draft(
            &app,
            &clerk,
            input(case_id, DocKind::TerminationRuling, true),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "document.ruling_by_closing", "{label}");
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn stale_versions_and_other_courts() {
    each_engine(DEMO, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let judge = actor(&app, "mz_t1_judge").await;
        let id = draft(&app, &clerk, input(case_id, DocKind::Notice, true))
            .await
            .unwrap();
        // The judge returns version 1; a second look at the same page (version 1) is stale.
        step(
            &app,
            &judge,
            id,
            ReviewStep::Return {
                comment: "补充说明".into(),
            },
        )
        .await
        .unwrap();
        let before = snapshot(&app, id, case_id).await;
        let e = app
            .execute(
                &judge,
                Command::ReviewDocument {
                    document_id: id,
                    version: 1,
                    step: ReviewStep::Approve,
                },
            )
            .await
            .unwrap_err();
        // Returned: the status refuses first; at the right status the version does.
        assert_eq!(e.code(), "document.wrong_status", "{label}");
        let e = app
            .execute(
                &clerk,
                Command::EditDocument {
                    document_id: id,
                    version: 1,
                    cause: "x".into(),
                    notes: vec![],
                    assets: vec![],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{label}");
        assert_eq!(e.status(), 409);
        assert_eq!(snapshot(&app, id, case_id).await, before);
        step(&app, &clerk, id, ReviewStep::Submit).await.unwrap();
        let e = app
            .execute(
                &judge,
                Command::ReviewDocument {
                    document_id: id,
                    version: 2,
                    step: ReviewStep::Approve,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{label}");
        assert_eq!(
            blob_files(&dir),
            0,
            "{label}: a refused approval keeps no file"
        );

        // Another court's staff: not found, for drafting, viewing and deciding.
        let other_clerk = actor(&app, "wz_clerk").await;
        let other_judge = actor(&app, "wz_t1_judge").await;
        let e = draft(&app, &other_clerk, input(case_id, DocKind::Notice, false))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound), "{label}: {e:?}");
        assert!(matches!(
            app.document_view(&other_judge, id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            step(&app, &other_judge, id, ReviewStep::Approve).await,
            Err(AppError::NotFound)
        ));
        assert!(app.review_queue(&other_judge, 0).await.unwrap().is_empty());
        assert!(matches!(
            app.case_documents(&other_clerk, case_id).await,
            Err(AppError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn refusals_before_drafting() {
    each_engine(DEMO, |app, label| async move {
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let events_before = app.store.case_events(case_id).await.unwrap().len();

        // A ruling on assets without any asset line.
        let mut i = input(case_id, DocKind::RulingDeduct, true);
        i.assets = vec![AssetData {
            description: " ".into(),
            holder: String::new(),
            amount: String::new(),
            period: "一年".into(),
        }];
        let e = draft(&app, &clerk, i).await.unwrap_err();
        assert_eq!(e.code(), "document.assets_required", "{label}");
        assert!(e.message_zh().contains("财产"), "{}", e.message_zh());

        // A role that does not draft.
        let reception = actor(&app, "mz_reception").await;
        let e = draft(&app, &reception, input(case_id, DocKind::Notice, false))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403);

        // A locked case (the whitelist does not name document work by default).
        act(
            &app,
            "mz_chief",
            case_id,
            CaseAction::Lock {
                reason: "督办".into(),
            },
        )
        .await
        .unwrap();
        let events_locked = app.store.case_events(case_id).await.unwrap().len();
        let e = draft(&app, &clerk, input(case_id, DocKind::Notice, false))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case.locked", "{label}");
        assert_eq!(
            app.store.case_events(case_id).await.unwrap().len(),
            events_locked
        );
        assert_eq!(events_locked, events_before + 1);
        assert!(app.store.case_documents(case_id).await.unwrap().is_empty());
        let page = app.case_documents(&clerk, case_id).await.unwrap();
        assert!(page.documents.is_empty() && page.may_draft);
    })
    .await;
}

#[tokio::test]
async fn the_court_sets_the_levels() {
    each_engine(DEMO, |app, label| async move {
        let dir = blob_dir();
        use_dir(&app, &dir);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let admin = actor(&app, "mz_admin").await;
        let judge = actor(&app, "mz_t1_judge").await;
        let lead = actor(&app, "mz_t1_lead").await;
        // A bad setting is refused with the kind named.
        let e = app
            .execute(
                &admin,
                Command::SaveSetting {
                    court_id: admin.court_id,
                    key: "document_approval".into(),
                    value: r#"{"notice":"clerk"}"#.into(),
                    expected_version: 0,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "setting.approval_level_unknown", "{label}");
        assert!(e.message_zh().contains("执行通知书"), "{}", e.message_zh());
        app.execute(
            &admin,
            Command::SaveSetting {
                court_id: admin.court_id,
                key: "document_approval".into(),
                value: r#"{"notice":"team_leader"}"#.into(),
                expected_version: 0,
            },
        )
        .await
        .unwrap();
        let id = draft(&app, &clerk, input(case_id, DocKind::Notice, true))
            .await
            .unwrap();
        assert_eq!(
            app.store
                .document(id)
                .await
                .unwrap()
                .unwrap()
                .approval_level,
            "team_leader"
        );
        let e = step(&app, &judge, id, ReviewStep::Approve)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.approval_level", "{label}");
        step(&app, &lead, id, ReviewStep::Approve).await.unwrap();
        // Withdrawal cancels the waiting tasks and keeps the record.
        let w = draft(
            &app,
            &clerk,
            input(case_id, DocKind::AssetReportOrder, false),
        )
        .await
        .unwrap();
        step(&app, &clerk, w, ReviewStep::Withdraw).await.unwrap();
        assert_eq!(
            app.store.document_task_counts(w).await.unwrap(),
            vec![("cancelled".to_string(), 1)]
        );
        assert_eq!(
            app.store.document(w).await.unwrap().unwrap().status,
            "withdrawn"
        );
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}
