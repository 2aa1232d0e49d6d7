//! Service of documents (送达) on both engines: each method with its proof, refusals that leave
//! nothing behind, electronic service through the simulated messenger and the platform link,
//! the failed queue, proof scans in the dossier, the notice node completing once, court scope,
//! the lock and the audit chain.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::*;
use zhixing_app::blobs::{self, LocalBlobs};
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::dossier::DossierConfig;
use zhixing_app::messenger::SimulatedMessenger;
use zhixing_app::service::{QueueTab, ServiceInput, ServiceProof, ServiceResultInput};
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::document::{Attempt, AttemptOutcome, ServiceMethod};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_store::documents::NewDocument;
use zhixing_store::documents::NewServiceTask;

fn pdf(fill: usize) -> Vec<u8> {
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

fn blob_dir() -> PathBuf {
    std::env::temp_dir().join(format!("zx-service-{:016x}", rand::random::<u64>()))
}

/// A fresh blob directory and a simulated messenger whose outbox the test reads.
fn setup(app: &App) -> (PathBuf, SimulatedMessenger) {
    let dir = blob_dir();
    app.set_dossier_config(DossierConfig {
        blobs: Arc::new(LocalBlobs::new(dir.clone())),
        max_upload: blobs::DEFAULT_MAX_UPLOAD,
    });
    let sim = SimulatedMessenger::new();
    app.set_messenger(Arc::new(sim.clone()));
    (dir, sim)
}

/// The day documents in these tests were issued: three days ago.
fn issued_day() -> NaiveDate {
    today() - Duration::days(3)
}

/// A document of `kind` for a case, written through the store as the approval would leave it
/// (`issue` true: issued three days ago with its PDF in the blob store, one pending task per
/// debtor; false: a draft whose tasks wait). Returns the document and its task ids.
async fn document(app: &App, case_id: i64, kind: &str, issue: bool) -> (i64, Vec<i64>) {
    let case = app.store.case_by_id(case_id).await.unwrap().unwrap();
    let debtors: Vec<(i64, String)> = app
        .store
        .case_parties(case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.role == "debtor")
        .map(|p| (p.party_id, p.name))
        .collect();
    let mut tx = app.store.begin_write().await.unwrap();
    let id = tx
        .insert_document(&NewDocument {
            court_id: case.court_id,
            case_id,
            kind: kind.into(),
            status: "draft".into(),
            approval_level: "judge".into(),
            data_json: "{}".into(),
            drafted_by: None,
            drafted_by_name: "测试".into(),
            batch_id: None,
        })
        .await
        .unwrap();
    if issue {
        let store = app.dossier_config().blobs;
        let (sha, _) = blobs::put_bytes(&*store, &pdf(64 + id as usize))
            .await
            .unwrap();
        let mut d = tx.document_in_tx(id).await.unwrap().unwrap();
        let nth = tx.next_nth_of_kind(case_id, kind).await.unwrap();
        d.status = "issued".into();
        d.nth_of_kind = Some(nth);
        d.number = Some(zhixing_domain::document::document_number(
            &case.case_number,
            nth as u32,
        ));
        d.issued_at = Some(tx.now);
        d.issued_on = Some(issued_day().to_string());
        d.pdf_sha256 = Some(sha);
        assert!(tx.save_document(&d).await.unwrap());
    }
    let tasks: Vec<NewServiceTask> = debtors
        .iter()
        .map(|(party_id, name)| NewServiceTask {
            court_id: case.court_id,
            case_id,
            document_id: id,
            party_id: *party_id,
            recipient_name: name.clone(),
            recipient_role: "debtor".into(),
            status: if issue { "pending" } else { "waiting" }.into(),
            batch_id: None,
        })
        .collect();
    tx.insert_service_tasks(&tasks).await.unwrap();
    tx.commit().await.unwrap();
    let ids = app
        .store
        .case_service_tasks(case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.task.document_id == id)
        .map(|t| t.task.id)
        .collect();
    (id, ids)
}

fn attempt(method: ServiceMethod, outcome: AttemptOutcome) -> Attempt {
    Attempt {
        method,
        outcome,
        on: today(),
        received_by: String::new(),
        address: String::new(),
        tracking_number: String::new(),
        failure_reason: String::new(),
        witness: String::new(),
        medium: String::new(),
        consent: false,
    }
}

fn post_sent() -> Attempt {
    let mut a = attempt(ServiceMethod::Post, AttemptOutcome::Sent);
    a.address = "河南省孟州市河阳大道 1 号".into();
    a.tracking_number = "1187654321098".into();
    a
}

async fn version(app: &App, task_id: i64) -> i64 {
    app.store
        .service_task(task_id)
        .await
        .unwrap()
        .unwrap()
        .task
        .version
}

async fn record(
    app: &App,
    who: &Actor,
    task_id: i64,
    a: Attempt,
    proof: Option<ServiceProof>,
) -> Result<i64, AppError> {
    let version = version(app, task_id).await;
    app.execute(
        who,
        Command::RecordService(Box::new(ServiceInput {
            task_id,
            version,
            attempt: a,
            proof,
        })),
    )
    .await
    .map(|o| o.id.unwrap())
}

async fn send(
    app: &App,
    who: &Actor,
    task_id: i64,
    method: ServiceMethod,
    address: &str,
    consent: bool,
) -> Result<i64, AppError> {
    let version = version(app, task_id).await;
    app.execute(
        who,
        Command::SendElectronic {
            task_id,
            version,
            method,
            address: address.into(),
            consent,
        },
    )
    .await
    .map(|o| o.id.unwrap())
}

async fn proof(app: &App, bytes: &[u8], filename: &str) -> ServiceProof {
    let c = app.dossier_config();
    let file = blobs::stage_bytes(&c.blobs.staging_dir(), c.max_upload, bytes)
        .await
        .unwrap();
    ServiceProof {
        filename: filename.into(),
        file: Arc::new(file),
    }
}

async fn status(app: &App, task_id: i64) -> String {
    app.store
        .service_task(task_id)
        .await
        .unwrap()
        .unwrap()
        .task
        .status
}

async fn attempts(app: &App, task_id: i64) -> usize {
    app.store.service_attempts(task_id).await.unwrap().len()
}

async fn events(app: &App, case_id: i64, kind: &str) -> usize {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

/// The link token in the last message the simulation sent.
fn last_token(sim: &SimulatedMessenger) -> String {
    let (msg, _) = sim.sent().pop().expect("a message was sent");
    let at = msg.body.find("/s/").expect("the message carries the link");
    msg.body[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

#[tokio::test]
async fn post_in_person_and_announcement_with_their_proof() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, _) = setup(&app);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let (_, tasks) = document(&app, case_id, "ruling_freeze", true).await;
        let task = tasks[0];

        // Refusals by the proof each method needs: nothing stored.
        let mut no_tracking = post_sent();
        no_tracking.tracking_number = String::new();
        let mut no_reason = post_sent();
        no_reason.outcome = AttemptOutcome::Failed;
        let mut early = post_sent();
        early.on = issued_day() - Duration::days(1);
        let mut future = post_sent();
        future.on = today() + Duration::days(1);
        let mut electronic = attempt(ServiceMethod::Sms, AttemptOutcome::Served);
        electronic.address = "13800138000".into();
        electronic.consent = true;
        let mut in_person_sent = attempt(ServiceMethod::InPerson, AttemptOutcome::Sent);
        in_person_sent.received_by = "李四".into();
        let mut unsigned = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        unsigned.on = issued_day();
        for (a, code, zh) in [
            (no_tracking, "service.tracking_number", "邮件单号"),
            (no_reason, "service.reason_required", "原因"),
            (early, "service.date_before_issue", "签发日期"),
            (future, "service.date_future", "晚于今天"),
            (electronic, "service.electronic_by_send", "电子送达"),
            (in_person_sent, "service.sent_only_post", "直接送达"),
            (unsigned, "service.signature_required", "签收人"),
        ] {
            let e = record(&app, &clerk, task, a, None).await.unwrap_err();
            assert_eq!(e.code(), code, "{label}");
            assert!(e.message_zh().contains(zh), "{label}: {}", e.message_zh());
        }
        assert_eq!(attempts(&app, task).await, 0, "{label}");
        assert_eq!(status(&app, task).await, "pending", "{label}");
        assert_eq!(events(&app, case_id, "service_sent").await, 0, "{label}");

        // Post: sent with the tracking number, then served with the signer and the receipt.
        let sent = record(&app, &clerk, task, post_sent(), None).await.unwrap();
        assert_eq!(status(&app, task).await, "sent", "{label}");
        let detail = app.service_task(&clerk, task).await.unwrap();
        assert!(detail.attempts[0].awaits_result, "{label}");
        // A stale version is refused.
        let e = app
            .execute(
                &clerk,
                Command::RecordService(Box::new(ServiceInput {
                    task_id: task,
                    version: detail.task.row.version - 1,
                    attempt: post_sent(),
                    proof: None,
                })),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Conflict(_)), "{label}: {e:?}");
        let result = |outcome, received_by: &str, reason: &str, proof| ServiceResultInput {
            task_id: task,
            version: 0,
            attempt_id: sent,
            outcome,
            on: today(),
            received_by: received_by.into(),
            witness: String::new(),
            failure_reason: reason.into(),
            proof,
        };
        let mut r = result(AttemptOutcome::Served, "", "", None);
        r.version = version(&app, task).await;
        let e = app
            .execute(&clerk, Command::RecordServiceResult(Box::new(r)))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "service.signature_required", "{label}");
        let scan = proof(&app, &jpeg(), "回执.jpg").await;
        let mut r = result(AttemptOutcome::Served, "李四", "", Some(scan));
        r.version = version(&app, task).await;
        app.execute(&clerk, Command::RecordServiceResult(Box::new(r)))
            .await
            .unwrap();
        assert_eq!(status(&app, task).await, "served", "{label}");
        let stored = app.store.service_attempts(task).await.unwrap();
        assert_eq!(stored.len(), 1, "{label}: the result completes the attempt");
        assert_eq!(stored[0].outcome, "served");
        assert_eq!(stored[0].received_by, "李四");
        assert_eq!(stored[0].served_on, Some(today().to_string()));
        let item = stored[0].proof_item_id.expect("the receipt is filed");
        let item = app.store.dossier_item(item).await.unwrap().unwrap();
        assert_eq!(
            (item.volume.as_str(), item.kind.as_str()),
            ("main", "notice")
        );
        assert!(item.title.contains("送达凭证"), "{}", item.title);
        assert_eq!(item.media_type, "image/jpeg");
        assert_eq!(events(&app, case_id, "document_served").await, 1, "{label}");
        // Served: closed to further attempts, and its result cannot be given twice.
        let e = record(&app, &clerk, task, post_sent(), None)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "service.task_closed", "{label}");
        assert!(app
            .service_task(&clerk, task)
            .await
            .unwrap()
            .methods
            .is_empty());

        // In person, refused signature: 留置送达 with a witness.
        let (_, tasks) = document(&app, case_id, "ruling_seal", true).await;
        let mut left = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        left.witness = "村委会主任 王五".into();
        record(&app, &clerk, tasks[0], left, None).await.unwrap();
        assert_eq!(status(&app, tasks[0]).await, "served", "{label}");

        // Announcement: deemed served 30 days after publication.
        let (_, tasks) = document(&app, case_id, "ruling_deduct", true).await;
        let mut ann = attempt(ServiceMethod::Announcement, AttemptOutcome::Served);
        ann.medium = "人民法院公告网".into();
        let scan = proof(&app, &pdf(10), "公告.pdf").await;
        record(&app, &clerk, tasks[0], ann, Some(scan))
            .await
            .unwrap();
        let t = app.service_task(&clerk, tasks[0]).await.unwrap().task;
        assert_eq!(
            t.row.served_on,
            Some((today() + Duration::days(30)).to_string()),
            "{label}"
        );
        assert!(t.announcement_running, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn unissued_documents_are_refused_and_nothing_is_stored() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, sim) = setup(&app);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let (_, tasks) = document(&app, case_id, "notice", false).await;
        let task = tasks[0];
        let mut served = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        served.received_by = "李四".into();
        let scan = proof(&app, &jpeg(), "回证.jpg").await;
        let e = record(&app, &clerk, task, served, Some(scan))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "service.not_issued", "{label}");
        assert!(
            e.message_zh().contains("尚未批准签发"),
            "{}",
            e.message_zh()
        );
        let e = send(&app, &clerk, task, ServiceMethod::Sms, "13800138000", true)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "service.not_issued", "{label}");
        assert_eq!(attempts(&app, task).await, 0, "{label}");
        assert_eq!(status(&app, task).await, "waiting", "{label}");
        assert!(sim.sent().is_empty(), "{label}: nothing was sent");
        assert!(app.store.dossier_items(case_id).await.unwrap().is_empty());
        for kind in ["service_sent", "document_served", "service_failed"] {
            assert_eq!(events(&app, case_id, kind).await, 0, "{label} {kind}");
        }
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn sms_delivered_is_served_and_a_dead_number_fails_into_the_queue() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, sim) = setup(&app);
        let (case_id, officer) = file_with_officer(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let (_, a) = document(&app, case_id, "ruling_freeze", true).await;
        let (_, b) = document(&app, case_id, "ruling_seal", true).await;

        // Consent first (CPL art. 90), and an address the channel can use.
        let e = send(&app, &clerk, a[0], ServiceMethod::Sms, "13800138000", false)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "service.no_consent", "{label}");
        let e = send(&app, &clerk, a[0], ServiceMethod::Sms, "12345", true)
            .await
            .unwrap_err();
        assert!(e.code().starts_with("messenger."), "{label}: {}", e.code());
        assert_eq!(attempts(&app, a[0]).await, 0, "{label}");
        assert!(sim.sent().is_empty(), "{label}");

        send(
            &app,
            &clerk,
            a[0],
            ServiceMethod::Sms,
            "138 0013 8000",
            true,
        )
        .await
        .unwrap();
        assert_eq!(status(&app, a[0]).await, "served", "{label}");
        let (msg, delivery) = sim.sent().pop().unwrap();
        assert_eq!(msg.to, "13800138000");
        assert!(
            msg.body.contains("/s/") && msg.body.contains("孟州"),
            "{}",
            msg.body
        );
        let stored = &app.store.service_attempts(a[0]).await.unwrap()[0];
        assert_eq!(stored.outcome, "served");
        assert_eq!(stored.served_on, Some(today().to_string()));
        assert_eq!(stored.provider.as_deref(), Some("simulated"));
        assert_eq!(stored.provider_ref, delivery.provider_ref);
        assert!(stored
            .link_token_sha256
            .as_ref()
            .is_some_and(|h| h.len() == 64));
        assert_eq!(events(&app, case_id, "service_sent").await, 1, "{label}");
        assert_eq!(events(&app, case_id, "document_served").await, 1, "{label}");

        // An empty number: failed with the provider's reason, in the failed queue, the officer told.
        send(&app, &clerk, b[0], ServiceMethod::Sms, "13800000000", true)
            .await
            .unwrap();
        assert_eq!(status(&app, b[0]).await, "failed", "{label}");
        let stored = &app.store.service_attempts(b[0]).await.unwrap()[0];
        assert_eq!(stored.outcome, "failed");
        assert!(
            stored.failure_reason.contains("空号"),
            "{}",
            stored.failure_reason
        );
        let q = app
            .service_queue(&clerk, QueueTab::Failed, None)
            .await
            .unwrap();
        assert_eq!(q.rows.len(), 1, "{label}");
        assert_eq!(q.rows[0].row.id, b[0]);
        assert!(q.rows[0]
            .row
            .last_failure
            .as_deref()
            .unwrap()
            .contains("空号"));
        assert_eq!(
            q.counts,
            vec![
                (QueueTab::Pending, 0),
                (QueueTab::InProgress, 0),
                (QueueTab::Failed, 1)
            ],
            "{label}"
        );
        let methods = app.service_task(&clerk, b[0]).await.unwrap().methods;
        assert!(
            !methods.contains(&ServiceMethod::Sms),
            "{label}: {methods:?}"
        );
        assert!(methods.contains(&ServiceMethod::Post), "{label}");
        let officer_id = user_id(&app, &officer).await;
        let inbox = app
            .store
            .notifications(officer_id, true, 10, 0)
            .await
            .unwrap();
        assert!(
            inbox
                .iter()
                .any(|n| n.kind == "service_failed" && n.title_zh.contains("空号")),
            "{label}: {inbox:?}"
        );
        assert_eq!(events(&app, case_id, "service_failed").await, 1, "{label}");

        // Another method after the failure: e-mail to a bouncing mailbox fails too, then post.
        send(
            &app,
            &clerk,
            b[0],
            ServiceMethod::Email,
            "lisi@invalid.example",
            true,
        )
        .await
        .unwrap();
        assert_eq!(status(&app, b[0]).await, "failed", "{label}");
        record(&app, &clerk, b[0], post_sent(), None).await.unwrap();
        assert_eq!(status(&app, b[0]).await, "sent", "{label}");
        let q = app
            .service_queue(&clerk, QueueTab::InProgress, None)
            .await
            .unwrap();
        assert_eq!(q.rows.len(), 1, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn the_platform_link_opens_downloads_and_confirms() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, sim) = setup(&app);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let (doc_id, tasks) = document(&app, case_id, "ruling_freeze", true).await;
        let task = tasks[0];
        let attempt_id = send(
            &app,
            &clerk,
            task,
            ServiceMethod::Platform,
            "13900139000",
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            status(&app, task).await,
            "sent",
            "{label}: served only on confirmation"
        );
        let token = last_token(&sim);
        assert_eq!(token.len(), 48, "{label}");
        assert!(app
            .store
            .service_attempt(attempt_id)
            .await
            .unwrap()
            .unwrap()
            .link_opened_at
            .is_none());

        let view = app.service_link(&token).await.unwrap();
        assert!(view.may_confirm, "{label}");
        assert_eq!(view.recipient_name, "李四");
        assert!(view.court_name.contains("孟州"), "{}", view.court_name);
        let opened = app
            .store
            .service_attempt(attempt_id)
            .await
            .unwrap()
            .unwrap();
        assert!(opened.link_opened_at.is_some(), "{label}");
        let (name, mut reader) = app.service_link_pdf(&token).await.unwrap();
        assert!(name.ends_with(".pdf"), "{name}");
        let mut bytes = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut bytes)
            .await
            .unwrap();
        let doc = app.store.document(doc_id).await.unwrap().unwrap();
        assert_eq!(pdf(64 + doc_id as usize), bytes, "{label}");
        assert!(doc.pdf_sha256.is_some());

        // Unknown, expired, and a confirmation without the page's token.
        assert!(matches!(
            app.service_link("0123456789abcdef").await,
            Err(AppError::NotFound)
        ));
        let later = zhixing_store::now_ms() + 31 * 24 * 60 * 60 * 1000;
        assert!(matches!(
            app.service_link_at(&token, later).await,
            Err(AppError::NotFound)
        ));
        let e = app
            .confirm_service_link(&token, "forged")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "forbidden", "{label}");
        assert_eq!(status(&app, task).await, "sent", "{label}");

        app.confirm_service_link(&token, &view.form_token)
            .await
            .unwrap();
        assert_eq!(status(&app, task).await, "served", "{label}");
        let stored = app
            .store
            .service_attempt(attempt_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.outcome, "served");
        assert!(stored.confirmed_at.is_some());
        assert_eq!(stored.received_by, "李四");
        // Confirming twice changes nothing; the page now says it is served.
        app.confirm_service_link(&token, &view.form_token)
            .await
            .unwrap();
        assert_eq!(events(&app, case_id, "document_served").await, 1, "{label}");
        let again = app.service_link(&token).await.unwrap();
        assert!(!again.may_confirm && again.served_on.is_some(), "{label}");
        let served = app
            .store
            .case_events(case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.kind == "document_served")
            .unwrap();
        assert!(served.actor_name.contains("李四"), "{}", served.actor_name);
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

fn two_debtors(court_id: i64) -> FileCase {
    let mut f = filing(court_id);
    f.debtors
        .push(person("王五", "41088319870707789", Some("13700137000")));
    f
}

#[tokio::test]
async fn serving_notice_and_order_on_every_debtor_completes_the_notice_node_once() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, _) = setup(&app);
        let case_id = file_as(&app, "mz_clerk", two_debtors).await;
        let clerk = actor(&app, "mz_clerk").await;
        let (_, notice) = document(&app, case_id, "notice", true).await;
        let (_, order) = document(&app, case_id, "asset_report_order", true).await;
        assert_eq!(
            (notice.len(), order.len()),
            (2, 2),
            "{label}: one task per debtor"
        );
        let served = |who: &str| {
            let mut a = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
            a.received_by = who.into();
            a
        };
        let node_done = |app: App| async move {
            let rows = app.store.case_nodes(case_id).await.unwrap();
            node_row(&rows, "issue_notice").completed_on.is_some()
        };
        record(&app, &clerk, notice[0], served("李四"), None)
            .await
            .unwrap();
        record(&app, &clerk, order[0], served("李四"), None)
            .await
            .unwrap();
        record(&app, &clerk, notice[1], served("王五"), None)
            .await
            .unwrap();
        assert!(
            !node_done(app.clone()).await,
            "{label}: one debtor still unserved"
        );
        assert_eq!(events(&app, case_id, "notice_issued").await, 0, "{label}");
        record(&app, &clerk, order[1], served("王五"), None)
            .await
            .unwrap();
        assert!(node_done(app.clone()).await, "{label}");
        assert_eq!(events(&app, case_id, "notice_issued").await, 1, "{label}");

        // A second notice (之一) served later does not issue it again.
        let (_, again) = document(&app, case_id, "notice", true).await;
        record(&app, &clerk, again[0], served("李四"), None)
            .await
            .unwrap();
        assert_eq!(events(&app, case_id, "notice_issued").await, 1, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

#[tokio::test]
async fn other_courts_roles_and_locked_cases_are_refused() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, _) = setup(&app);
        let case_id = file(&app).await;
        let (_, tasks) = document(&app, case_id, "ruling_freeze", true).await;
        let task = tasks[0];
        let mut a = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        a.received_by = "李四".into();

        let other = actor(&app, "zz_clerk").await;
        let e = record(&app, &other, task, a.clone(), None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound), "{label}: {e:?}");
        assert!(matches!(
            app.service_task(&other, task).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            app.case_service(&other, case_id).await,
            Err(AppError::NotFound)
        ));
        assert!(app
            .service_queue(&other, QueueTab::Pending, None)
            .await
            .unwrap()
            .rows
            .is_empty());
        let chief = actor(&app, "mz_chief").await;
        let e = record(&app, &chief, task, a.clone(), None)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "forbidden", "{label}");

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
        let scan = proof(&app, &jpeg(), "回证.jpg").await;
        let e = record(&app, &clerk, task, a.clone(), Some(scan))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case.locked", "{label}");
        let e = send(&app, &clerk, task, ServiceMethod::Sms, "13800138000", true)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case.locked", "{label}");
        assert_eq!(attempts(&app, task).await, 0, "{label}");
        assert!(app.store.dossier_items(case_id).await.unwrap().is_empty());
        let detail = app.service_task(&clerk, task).await.unwrap();
        assert!(detail.locked && detail.may_record, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}

/// Drafted and approved through the document commands, then served: the notice and the
/// asset-report order on the one debtor complete the notice node; the platform link downloads
/// the PDF approval typeset, and the view is logged against its dossier item.
#[tokio::test]
async fn drafted_approved_then_served_end_to_end() {
    use zhixing_app::doc_review::DraftInput;
    use zhixing_docs::DocKind;
    use zhixing_domain::document::ReviewStep;

    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (dir, sim) = setup(&app);
        let case_id = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let judge = actor(&app, "mz_t1_judge").await;
        let mut tasks = Vec::new();
        for kind in [DocKind::Notice, DocKind::AssetReportOrder] {
            let id = app
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
            let task = app
                .store
                .case_service_tasks(case_id)
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.task.document_id == id)
                .unwrap()
                .task
                .id;
            // Under review: refused, nothing stored.
            let mut a = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
            a.received_by = "李四".into();
            let e = record(&app, &clerk, task, a, None).await.unwrap_err();
            assert_eq!(e.code(), "service.not_issued", "{label}");
            assert_eq!(attempts(&app, task).await, 0, "{label}");
            let version = app.store.document(id).await.unwrap().unwrap().version;
            app.execute(
                &judge,
                Command::ReviewDocument {
                    document_id: id,
                    version,
                    step: ReviewStep::Approve,
                },
            )
            .await
            .unwrap();
            assert_eq!(status(&app, task).await, "pending", "{label}");
            tasks.push((id, task));
        }
        let mut a = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        a.received_by = "李四".into();
        record(&app, &clerk, tasks[0].1, a, None).await.unwrap();
        send(
            &app,
            &clerk,
            tasks[1].1,
            ServiceMethod::Platform,
            "13900139000",
            true,
        )
        .await
        .unwrap();
        let token = last_token(&sim);
        let view = app.service_link(&token).await.unwrap();
        let (_, mut reader) = app.service_link_pdf(&token).await.unwrap();
        let mut bytes = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut bytes)
            .await
            .unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{label}");
        let doc = app.store.document(tasks[1].0).await.unwrap().unwrap();
        let item = doc.dossier_item_id.expect("approval files the PDF");
        let log = app.store.dossier_access(case_id, 10).await.unwrap();
        assert!(
            log.iter()
                .any(|l| l.item_id == item && l.user_name.contains("李四")),
            "{label}: {log:?}"
        );
        let rows = app.store.case_nodes(case_id).await.unwrap();
        assert!(
            node_row(&rows, "issue_notice").completed_on.is_none(),
            "{label}"
        );
        app.confirm_service_link(&token, &view.form_token)
            .await
            .unwrap();
        let rows = app.store.case_nodes(case_id).await.unwrap();
        assert!(
            node_row(&rows, "issue_notice").completed_on.is_some(),
            "{label}"
        );
        assert_eq!(events(&app, case_id, "notice_issued").await, 1, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        let _ = std::fs::remove_dir_all(dir);
    })
    .await;
}
