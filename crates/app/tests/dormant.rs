//! The dormant-case library and restoration on both engines: a 终本 closing from the case's own
//! facts enters the library; the six-monthly round inquires every debtor through the simulated
//! network, counts what it found on the library row and tells the applicant; missed rounds are
//! not run twice and the five years end; restoration files a linked 执恢 case for what is owed,
//! routed to the dormant-case team, and is refused — nothing changed — for a case not closed as
//! 终本, twice, for "property found" with nothing found, without a ground, or by the wrong
//! people.
mod common;

use common::*;
use zhixing_app::closing::ClosingExtras;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::doc_review::DraftInput;
use zhixing_app::dormant::RestoreInput;
use zhixing_app::inquiry::SIMULATED_SLOW_MS;
use zhixing_app::{App, AppError};
use zhixing_docs::DocKind;
use zhixing_domain::asset::AssetKind;
use zhixing_domain::case::{ClosingMode, DormantChecklist, Stage};
use zhixing_domain::closing::{RecordKind, RestorationReason};
use zhixing_domain::document::ReviewStep;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 23 };
const DAY_MS: i64 = 86_400_000;

/// Drafts and issues a document of `kind` (the clerk drafts, the president approves).
async fn issued(app: &App, court: &str, case_id: i64, kind: DocKind) {
    let clerk = actor(app, &format!("{court}_clerk")).await;
    let president = actor(app, &format!("{court}_yz")).await;
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
    let v = app.store.document(id).await.unwrap().unwrap().version;
    app.execute(
        &president,
        Command::ReviewDocument {
            document_id: id,
            version: v,
            step: ReviewStep::Approve,
        },
    )
    .await
    .unwrap();
}

async fn record(app: &App, who: &str, case_id: i64, kind: RecordKind, summary: &str) {
    let a = actor(app, who).await;
    app.execute(
        &a,
        Command::RecordClosingFact {
            case_id,
            kind,
            happened_on: today(),
            summary: summary.into(),
        },
    )
    .await
    .unwrap();
}

/// A case of `court` closed as 终本 by a plain case action (as cases closed before the library
/// existed were), then entered in the library.
async fn dormant_case(app: &App, court: &str) -> i64 {
    let id = file_as(app, &format!("{court}_clerk"), |c| {
        let mut f = filing(c);
        f.applicants = vec![person("张三", "41088319800101123", Some("13800138000"))];
        f
    })
    .await;
    let judge = format!("{court}_t1_judge");
    act(
        app,
        &judge,
        id,
        CaseAction::MoveStage { to: Stage::Closing },
    )
    .await
    .unwrap();
    act(
        app,
        &judge,
        id,
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
    )
    .await
    .unwrap();
    assert!(
        app.enter_unlisted_dormant(zhixing_store::now_ms())
            .await
            .unwrap()
            >= 1
    );
    id
}

async fn restore(
    app: &App,
    who: &str,
    case_id: i64,
    reason: RestorationReason,
    note: &str,
) -> Result<(i64, String), AppError> {
    let a = actor(app, who).await;
    app.execute(
        &a,
        Command::RestoreCase(Box::new(RestoreInput {
            case_id,
            reason,
            note: note.into(),
        })),
    )
    .await
    .map(|o| (o.id.unwrap(), o.case_number.unwrap()))
}

#[tokio::test]
async fn a_dormant_closing_from_the_facts_enters_the_library() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = file(&app).await;
        let now = zhixing_store::now_ms();
        app.store
            .backdate_filing_for_test(case_id, now - 100 * DAY_MS)
            .await
            .unwrap();
        for kind in [
            DocKind::Notice,
            DocKind::AssetReportOrder,
            DocKind::ConsumptionRestriction,
        ] {
            issued(&app, "mz", case_id, kind).await;
        }
        // The network inquiry filing started, answered in full (the slow registries too).
        app.process_inquiries(now, 500).await.unwrap();
        app.process_inquiries(now + SIMULATED_SLOW_MS + 1, 500)
            .await
            .unwrap();
        record(
            &app,
            "mz_clerk",
            case_id,
            RecordKind::BlacklistIneligible,
            "被执行人系因病丧失劳动能力，无履行能力，不属有能力而拒不履行",
        )
        .await;
        record(
            &app,
            "mz_clerk",
            case_id,
            RecordKind::ApplicantHeard,
            "约谈申请执行人张三，告知查控结果，其无异议并表示将继续提供线索",
        )
        .await;
        let judge = actor(&app, "mz_t1_judge").await;
        let view = app
            .closing_check(&judge, case_id, ClosingMode::Dormant)
            .await
            .unwrap();
        let unmet: Vec<&str> = view
            .checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.key)
            .collect();
        assert!(view.all_met, "{engine}: unmet {unmet:?}");
        let v = app
            .store
            .case_by_id(case_id)
            .await
            .unwrap()
            .unwrap()
            .version;
        let ask = |v: i64| {
            app.execute(
                &judge,
                Command::CloseCase {
                    case_id,
                    version: v,
                    mode: ClosingMode::Dormant,
                    extras: ClosingExtras::default(),
                },
            )
        };
        // The request submits the ruling; the case is under closing review, not closed.
        let ruling = ask(v).await.unwrap().ruling_id.expect("the ruling's id");
        let row = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(row.stage, "closing", "{engine}");
        assert!(app.store.dormant_entry(case_id).await.unwrap().is_none());
        let doc = app.store.document(ruling).await.unwrap().unwrap();
        assert_eq!(
            (doc.kind.as_str(), doc.status.as_str()),
            ("termination_ruling", "submitted"),
            "{engine}"
        );
        let view = app
            .closing_check(&judge, case_id, ClosingMode::Dormant)
            .await
            .unwrap();
        assert_eq!(view.pending_ruling.map(|p| p.document_id), Some(ruling));
        // Asking again while the ruling waits: refused, nothing drafted.
        let e = ask(row.version).await.unwrap_err();
        assert_eq!(e.code(), "closing.ruling_pending", "{engine}");
        assert_eq!(app.store.case_documents(case_id).await.unwrap().len(), 4);
        // Nor is a 终本 ruling drafted outside the closing procedure.
        let clerk = actor(&app, "mz_clerk").await;
        let e = app
            .execute(
                &clerk,
                Command::DraftDocument(Box::new(DraftInput {
                    case_id,
                    kind: DocKind::TerminationRuling,
                    cause: "民间借贷纠纷".into(),
                    notes: vec![],
                    assets: vec![],
                    submit: true,
                })),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "document.ruling_by_closing", "{engine}");

        let approve = |who: &'static str| {
            let app = &app;
            async move {
                let a = actor(app, who).await;
                let v = app.store.document(ruling).await.unwrap().unwrap().version;
                app.execute(
                    &a,
                    Command::ReviewDocument {
                        document_id: ruling,
                        version: v,
                        step: ReviewStep::Approve,
                    },
                )
                .await
            }
        };
        // 终本 rulings are the bureau chief's to approve.
        let e = approve("mz_t1_lead").await.unwrap_err();
        assert_eq!(e.code(), "document.approval_level", "{engine}");
        // A debtor found missing since the request: approval checks again and is refused,
        // naming the condition; the ruling still waits and the case is open.
        record(
            &app,
            "mz_clerk",
            case_id,
            RecordKind::DebtorMissing,
            "被执行人已离开住所，电话无法接通",
        )
        .await;
        let events = app.store.case_events(case_id).await.unwrap().len();
        let e = approve("mz_chief").await.unwrap_err();
        assert_eq!(e.code(), "closing.ruling_conditions", "{engine}");
        assert!(e.message_zh().contains("下落不明"), "{}", e.message_zh());
        assert_eq!(app.store.case_events(case_id).await.unwrap().len(), events);
        let doc = app.store.document(ruling).await.unwrap().unwrap();
        assert_eq!(doc.status, "submitted", "{engine}");
        assert_eq!(
            app.store.case_by_id(case_id).await.unwrap().unwrap().stage,
            "closing"
        );
        record(
            &app,
            "mz_clerk",
            case_id,
            RecordKind::DebtorSearched,
            "经公安机关协查及走访村委会，未能查找到被执行人下落",
        )
        .await;
        // Issued: the case closes as 终本 in the same transaction and enters the library.
        approve("mz_chief").await.unwrap();
        let doc = app.store.document(ruling).await.unwrap().unwrap();
        assert_eq!(doc.status, "issued", "{engine}");
        let row = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(row.stage, "closed", "{engine}");
        assert_eq!(row.closing_mode.as_deref(), Some("dormant"));
        let events = app.store.case_events(case_id).await.unwrap();
        let last = events.last().unwrap();
        assert_eq!(last.kind, "closing_reviewed", "{engine}");
        assert!(
            last.payload.contains(doc.number.as_deref().unwrap()),
            "{}",
            last.payload
        );
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!(entry.status, "watching");
        let first = zhixing_domain::closing::reinquiry_on(today(), 1).unwrap();
        assert_eq!(entry.next_on.as_deref(), Some(first.to_string().as_str()));
        // Nothing else to enter: it is in the library already.
        assert_eq!(app.enter_unlisted_dormant(now).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn the_six_monthly_round_inquires_counts_and_tells_the_applicant() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = dormant_case(&app, "mz").await;
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!((entry.rounds_done, entry.status.as_str()), (0, "watching"));
        let now = zhixing_store::now_ms();
        // Not due yet.
        assert_eq!(app.run_dormant_library(now).await.unwrap().cases, 0);
        let tasks_before = app.store.case_inquiry_tasks(case_id).await.unwrap().len();

        // Six months on: one task per debtor, the row advanced to the next date.
        let at = now + 184 * DAY_MS;
        let r = app.run_dormant_library(at).await.unwrap();
        assert_eq!((r.cases, r.tasks, r.ended), (1, 1, 0), "{engine}");
        assert_eq!(
            app.run_dormant_library(at).await.unwrap().cases,
            0,
            "not twice"
        );
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!((entry.rounds_done, entry.round_open), (1, 1));
        let second = zhixing_domain::closing::reinquiry_on(date(&entry.closed_on), 2).unwrap();
        assert_eq!(entry.next_on.as_deref(), Some(second.to_string().as_str()));
        let tasks = app.store.case_inquiry_tasks(case_id).await.unwrap();
        assert_eq!(tasks.len(), tasks_before + 1);
        let task = tasks.last().unwrap().clone();
        assert_eq!(task.dormant_round, Some(1));
        // The task carries whom the network is asked about and for which case (the due queue
        // reads no other table).
        let due = app
            .store
            .due_inquiry_tasks(at, Some(case_id), None, 10)
            .await
            .unwrap();
        let debtor = first_debtor(&app, case_id).await;
        let number = case_number(&app, case_id).await;
        let round_task = due.iter().find(|d| d.task.id == task.id).unwrap();
        assert_eq!(
            (
                round_task.id_number.as_str(),
                round_task.case_number.as_str()
            ),
            (debtor.id_number.as_str(), number.as_str()),
            "{engine}"
        );
        let events = app.store.case_events(case_id).await.unwrap();
        assert!(events
            .iter()
            .any(|e| e.kind == "inquiry_started" && e.payload.contains("第 1 次定期复查")));

        // The network answers: quick kinds first, nothing told yet; then the registries.
        app.process_inquiries(at, 500).await.unwrap();
        let messages = |app: App| async move {
            app.store
                .applicant_messages(case_id)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.subject.contains("终本案件定期复查"))
                .collect::<Vec<_>>()
        };
        assert!(messages(app.clone()).await.is_empty(), "{engine}");
        assert_eq!(
            app.store
                .dormant_entry(case_id)
                .await
                .unwrap()
                .unwrap()
                .round_open,
            1
        );
        app.process_inquiries(at + SIMULATED_SLOW_MS + 1, 500)
            .await
            .unwrap();
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!(entry.round_open, 0, "{engine}: the round is complete");
        let found: Vec<_> = app
            .store
            .asset_findings(case_id)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.inquiry_task_id == Some(task.id))
            .collect();
        assert_eq!(entry.last_found, found.len() as i64, "{engine}");
        assert_eq!(
            entry.last_found_fen,
            found.iter().filter_map(|f| f.amount_fen).sum::<i64>()
        );
        assert_eq!(entry.found_on.is_some(), !found.is_empty());
        let sent = messages(app.clone()).await;
        assert_eq!(sent.len(), 1, "{engine}: one applicant, one message");
        let m = &sent[0];
        assert_eq!((m.channel.as_str(), m.status.as_str()), ("sms", "pending"));
        assert!(m.text.contains("第1次定期查询被执行人李四"), "{}", m.text);
        // The message tells what the whole round found, every poll's findings, as the task
        // kept them.
        let all: Vec<(AssetKind, Option<Fen>)> = found
            .iter()
            .map(|f| (AssetKind::from_key(&f.kind).unwrap(), f.amount_fen.map(Fen)))
            .collect();
        let (summary, _) = zhixing_domain::asset::applicant_summary(&all, &AssetKind::ALL);
        assert!(
            m.text.contains(&summary),
            "{engine}: {} / {summary}",
            m.text
        );
        let kept = app.store.case_inquiry_tasks(case_id).await.unwrap();
        let kept = kept.iter().find(|t| t.id == task.id).unwrap();
        assert_eq!(
            zhixing_domain::asset::decode_found(&kept.found).len(),
            found.len(),
            "{engine}"
        );
        assert!(m.text.contains(
            &app.store
                .case_by_id(case_id)
                .await
                .unwrap()
                .unwrap()
                .case_number
        ));
        // The outbox hands it to the gateway once the sender's grace has passed.
        assert_eq!(
            app.send_applicant_outbox(zhixing_store::now_ms(), 100)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            app.send_applicant_outbox(zhixing_store::now_ms() + 120_000, 100)
                .await
                .unwrap(),
            1
        );
        assert_ne!(messages(app.clone()).await[0].status, "pending");
    })
    .await;
}

/// Seven due tasks answered in batches of three: submitted and polled once at `at`, complete
/// once the slow registries answer.
async fn answer_in_threes(app: &App, at: i64, holder: Option<&str>, engine: &str) {
    let r = app.drain_inquiries(at, 3, holder).await.unwrap();
    assert_eq!((r.submitted, r.polled, r.completed), (7, 7, 0), "{engine}");
    let r = app
        .drain_inquiries(at + SIMULATED_SLOW_MS + 1, 3, holder)
        .await
        .unwrap();
    assert_eq!((r.submitted, r.polled, r.completed), (0, 7, 7), "{engine}");
}

/// Batches are read ahead while the one before is written: every due row is scheduled once,
/// in whichever batch and part, across courts.
#[tokio::test]
async fn a_run_in_small_batches_schedules_every_row_once() {
    each_engine(DEMO, |app, engine| async move {
        let mut ids = Vec::new();
        for court in ["mz", "mz", "jf", "mz", "wz", "jf", "mz"] {
            ids.push(dormant_case(&app, court).await);
        }
        // The filing's inquiries, answered in batches of three, each task once; not while
        // another process holds the loop's lease.
        let now = zhixing_store::now_ms();
        let lease = zhixing_app::assets::INQUIRY_LEASE;
        assert!(app
            .store
            .acquire_lease(lease, "other", 60_000)
            .await
            .unwrap());
        let r = app.drain_inquiries(now, 3, Some("this")).await.unwrap();
        assert_eq!(r.polled, 0, "{engine}");
        app.store.release_lease(lease, "other").await.unwrap();
        answer_in_threes(&app, now, Some("this"), engine).await;

        let at = now + 184 * DAY_MS;
        let r = app.schedule_due_rounds(at, 2).await.unwrap();
        assert_eq!((r.cases, r.tasks, r.ended), (7, 7, 0), "{engine}");
        for id in &ids {
            let entry = app.store.dormant_entry(*id).await.unwrap().unwrap();
            assert_eq!((entry.rounds_done, entry.round_open), (1, 1), "{engine}");
            let round_tasks = app
                .store
                .case_inquiry_tasks(*id)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| t.dormant_round == Some(1))
                .count();
            assert_eq!(round_tasks, 1, "{engine}: case {id}");
        }
        assert_eq!(app.schedule_due_rounds(at, 2).await.unwrap().cases, 0);

        // The round's tasks answered in batches of three, each once.
        answer_in_threes(&app, at, None, engine).await;
        for id in &ids {
            let entry = app.store.dormant_entry(*id).await.unwrap().unwrap();
            assert_eq!(entry.round_open, 0, "{engine}: case {id}");
        }
        let r = app
            .drain_inquiries(at + 2 * SIMULATED_SLOW_MS, 3, None)
            .await
            .unwrap();
        assert_eq!(r.polled, 0, "{engine}");
    })
    .await;
}

#[tokio::test]
async fn missed_rounds_run_once_and_the_five_years_end() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = dormant_case(&app, "mz").await;
        let now = zhixing_store::now_ms();
        // The library did not run for four and a half years: one round, then the next date.
        let late = now + (4 * 365 + 200) * DAY_MS;
        let r = app.run_dormant_library(late).await.unwrap();
        assert_eq!((r.cases, r.ended), (1, 0), "{engine}");
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!(entry.rounds_done, 1);
        let last = zhixing_domain::closing::reinquiry_schedule(date(&entry.closed_on))
            .pop()
            .unwrap();
        assert_eq!(entry.next_on.as_deref(), Some(last.to_string().as_str()));
        // The last round ends the watch.
        let r = app.run_dormant_library(late + 200 * DAY_MS).await.unwrap();
        assert_eq!((r.cases, r.ended), (1, 1), "{engine}");
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!((entry.status.as_str(), entry.next_on), ("ended", None));
        assert_eq!(
            app.run_dormant_library(late + 2_000 * DAY_MS)
                .await
                .unwrap()
                .cases,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn restoration_files_a_linked_case_for_the_dormant_team() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = dormant_case(&app, "jf").await;
        let original = app.store.case_by_id(case_id).await.unwrap().unwrap();
        let events_before = app.store.case_events(case_id).await.unwrap().len();

        // Refused, nothing changed: "property found" with nothing found since closing; no
        // ground; an officer (not a restorer); another court's clerk.
        let e = restore(
            &app,
            "jf_clerk",
            case_id,
            RestorationReason::AssetsFound,
            "网络查控发现存款",
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "restoration.nothing_found", "{engine}");
        let e = restore(
            &app,
            "jf_clerk",
            case_id,
            RestorationReason::ApplicantRequest,
            "  ",
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "restoration.note_required");
        let e = restore(
            &app,
            "jf_t1_officer1",
            case_id,
            RestorationReason::ApplicantRequest,
            "申请",
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{engine}: {e:?}");
        let e = restore(
            &app,
            "mz_clerk",
            case_id,
            RestorationReason::ApplicantRequest,
            "申请",
        )
        .await
        .unwrap_err();
        assert!(
            matches!(e, AppError::NotFound | AppError::Forbidden { .. }),
            "{e:?}"
        );
        assert_eq!(
            app.store
                .dormant_entry(case_id)
                .await
                .unwrap()
                .unwrap()
                .status,
            "watching"
        );
        assert_eq!(
            app.store.case_events(case_id).await.unwrap().len(),
            events_before
        );

        // The applicant's request: a 执恢 case with the same parties, for the dormant team.
        let (new_id, number) = restore(
            &app,
            "jf_clerk",
            case_id,
            RestorationReason::ApplicantRequest,
            "申请执行人张三提交恢复执行申请书，称被执行人已在某公司就业",
        )
        .await
        .unwrap();
        assert!(number.contains("执恢"), "{engine}: {number}");
        let restored = app.store.case_by_id(new_id).await.unwrap().unwrap();
        assert_eq!(restored.case_type, "restored");
        assert_eq!(
            restored.claim_fen,
            original.claim_fen - original.recovered_fen
        );
        assert_eq!(restored.basis_number, original.basis_number);
        let team_id = restored.team_id.expect("routed to a team");
        let team = app
            .store
            .teams(&[restored.court_id])
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.id == team_id)
            .unwrap();
        assert_eq!(team.kind, "dormant", "{engine}: the dormant-case team");
        assert!(restored.officer_id.is_some(), "an officer of that team");
        let ids = |ps: Vec<zhixing_store::rows::CasePartyRow>| {
            ps.into_iter()
                .map(|p| (p.role, p.party_id))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(app.store.case_parties(new_id).await.unwrap()),
            ids(app.store.case_parties(case_id).await.unwrap())
        );
        assert_eq!(app.store.case_inquiry_tasks(new_id).await.unwrap().len(), 1);
        let entry = app.store.dormant_entry(case_id).await.unwrap().unwrap();
        assert_eq!(entry.status, "restored");
        assert_eq!(entry.restored_case_id, Some(new_id));
        assert_eq!(entry.next_on, None);
        let events = app.store.case_events(case_id).await.unwrap();
        assert!(events
            .iter()
            .any(|e| e.kind == "case_restored" && e.payload.contains(&number)));
        let filed = app.store.case_events(new_id).await.unwrap();
        assert!(filed
            .iter()
            .any(|e| e.kind == "case_filed" && e.payload.contains("restored_from")));
        let clerk = actor(&app, "jf_clerk").await;
        let view = app.case_library(&clerk, new_id).await.unwrap();
        assert_eq!(view.restored_from.map(|r| r.0), Some(case_id));

        // Not twice; not a case that is not 终本.
        let e = restore(
            &app,
            "jf_clerk",
            case_id,
            RestorationReason::ApplicantRequest,
            "再次申请",
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "restoration.already_restored", "{engine}");
        assert!(e.to_string().contains(&number));
        let e = restore(
            &app,
            "jf_clerk",
            new_id,
            RestorationReason::ApplicantRequest,
            "申请",
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "restoration.not_dormant");
        // The restored case leaves the library's watch list.
        let list = app
            .library_page(
                &clerk,
                clerk.court_id,
                zhixing_store::dormant::DormantFilter::Restored,
                1,
            )
            .await
            .unwrap();
        assert_eq!(list.total, 1);
        assert_eq!(
            list.entries[0].row.restored_number.as_deref(),
            Some(number.as_str())
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_dormant_team_the_restored_case_is_routed_by_triage() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = dormant_case(&app, "mz").await;
        let (new_id, _) = restore(
            &app,
            "mz_t1_judge",
            case_id,
            RestorationReason::ApplicantRequest,
            "申请执行人提供被执行人新的财产线索",
        )
        .await
        .unwrap();
        let restored = app.store.case_by_id(new_id).await.unwrap().unwrap();
        assert!(restored.team_id.is_some(), "{engine}: routed by the rules");
    })
    .await;
}
