//! Routine work in batches (事务集约) on both engines: the queue, a draft batch that makes the
//! notice and order for many cases (a locked case fails alone, with the reason), the approval
//! batch that issues them (numbers, dossier, service tasks ready), refusals that write nothing,
//! and re-running a batch without doing anything twice.

mod common;

use common::*;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::AppError;
use zhixing_docs::DocKind;
use zhixing_domain::lifecycle::CaseAction;

fn no_demo_cases() -> DemoOptions {
    DemoOptions { cases: 0, seed: 7 }
}

async fn queue_ids(app: &zhixing_app::App, who: &str) -> Vec<i64> {
    let a = actor(app, who).await;
    app.routine_queue(&a, None, None)
        .await
        .unwrap()
        .items
        .iter()
        .map(|i| i.case_id)
        .collect()
}

#[tokio::test]
async fn a_batch_drafts_then_an_approval_batch_issues() {
    each_engine(no_demo_cases(), |app, label| async move {
        let mut cases = Vec::new();
        for _ in 0..3 {
            cases.push(file(&app).await);
        }
        let queued = queue_ids(&app, "mz_clerk").await;
        for c in &cases {
            assert!(queued.contains(c), "{label}: case {c} not queued");
        }
        let page = app
            .routine_queue(&actor(&app, "mz_clerk").await, None, None)
            .await
            .unwrap();
        assert_eq!(page.total, 3, "{label}");

        // One case is locked by hand: its item fails with the lock's message, the others go on.
        act(
            &app,
            "mz_chief",
            cases[2],
            CaseAction::Lock {
                reason: "督办核查".into(),
            },
        )
        .await
        .unwrap();

        let clerk = actor(&app, "mz_clerk").await;
        let batch = app
            .execute(
                &clerk,
                Command::StartRoutineBatch {
                    case_ids: cases.clone(),
                    kinds: vec![DocKind::Notice, DocKind::AssetReportOrder],
                },
            )
            .await
            .unwrap()
            .id
            .unwrap();
        app.run_routine_batch(&clerk, batch).await.unwrap();
        let view = app.routine_batch_view(&clerk, batch).await.unwrap();
        assert_eq!(view.batch.status, "done", "{label}");
        assert_eq!((view.batch.done, view.batch.failed), (2, 1), "{label}");
        assert_eq!(view.failures.len(), 1, "{label}");
        assert_eq!(view.failures[0].case_id, Some(cases[2]), "{label}");
        assert!(
            view.failures[0].message.contains("锁定"),
            "{label}: {}",
            view.failures[0].message
        );
        assert_eq!(view.percent(), 100, "{label}");

        // Each drafted case has both documents, submitted, and its service tasks waiting.
        for &c in &cases[..2] {
            let docs = app.store.case_documents(c).await.unwrap();
            assert_eq!(docs.len(), 2, "{label}");
            assert!(docs.iter().all(|d| d.status == "submitted"), "{label}");
            assert!(docs.iter().all(|d| d.batch_id == Some(batch)), "{label}");
        }
        assert!(app.store.case_documents(cases[2]).await.unwrap().is_empty());
        // Drafted cases leave the queue; the locked one stays.
        let queued = queue_ids(&app, "mz_clerk").await;
        assert!(
            !queued.contains(&cases[0]) && !queued.contains(&cases[1]),
            "{label}"
        );
        assert!(queued.contains(&cases[2]), "{label}");

        // The clerk cannot approve; a judge approves the batch.
        let refused = app
            .execute(
                &clerk,
                Command::StartApprovalBatch {
                    source_batch_id: batch,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(refused, AppError::Forbidden { .. }), "{label}");
        let judge = actor(&app, "mz_t1_judge").await;
        assert_eq!(
            app.routine_batch_view(&judge, batch)
                .await
                .unwrap()
                .approvable,
            4,
            "{label}"
        );
        let approval = app
            .execute(
                &judge,
                Command::StartApprovalBatch {
                    source_batch_id: batch,
                },
            )
            .await
            .unwrap()
            .id
            .unwrap();
        app.run_routine_batch(&judge, approval).await.unwrap();
        let view = app.routine_batch_view(&judge, approval).await.unwrap();
        assert_eq!((view.batch.done, view.batch.failed), (4, 0), "{label}");
        for &c in &cases[..2] {
            let case = app.store.case_by_id(c).await.unwrap().unwrap();
            for d in app.store.case_documents(c).await.unwrap() {
                assert_eq!(d.status, "issued", "{label}");
                assert_eq!(d.number.as_deref(), Some(case.case_number.as_str()));
                assert!(d.pdf_sha256.is_some() && d.dossier_item_id.is_some());
            }
        }
        // Nothing is left to approve; approving again is refused and writes nothing.
        let again = app
            .execute(
                &judge,
                Command::StartApprovalBatch {
                    source_batch_id: batch,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(again, AppError::Invalid(ref e) if e.code == "routine.nothing_to_approve")
        );

        // Running a finished batch again does nothing twice.
        app.run_routine_batch(&clerk, batch).await.unwrap();
        let docs: usize = {
            let mut n = 0;
            for &c in &cases {
                n += app.store.case_documents(c).await.unwrap().len();
            }
            n
        };
        assert_eq!(docs, 4, "{label}");

        // A second batch over a drafted case refuses it by name, not twice.
        let second = app
            .execute(
                &clerk,
                Command::StartRoutineBatch {
                    case_ids: vec![cases[0]],
                    kinds: vec![DocKind::Notice],
                },
            )
            .await
            .unwrap()
            .id
            .unwrap();
        app.run_routine_batch(&clerk, second).await.unwrap();
        let v = app.routine_batch_view(&clerk, second).await.unwrap();
        assert_eq!((v.batch.done, v.batch.failed), (0, 1), "{label}");
        assert!(v.failures[0].message.contains("已有执行通知书"), "{label}");

        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn bad_batch_requests_write_nothing() {
    each_engine(no_demo_cases(), |app, label| async move {
        let case = file(&app).await;
        let clerk = actor(&app, "mz_clerk").await;
        let before = app.routine_batches(&clerk).await.unwrap().len();
        let cases_of = |n: usize| (0..n as i64).map(|i| case + i).collect::<Vec<_>>();
        for (ids, kinds, code) in [
            (vec![], vec![DocKind::Notice], "routine.no_cases"),
            (vec![case], vec![], "routine.no_kinds"),
            (
                vec![case],
                vec![DocKind::RulingFreeze],
                "routine.kind_not_batch",
            ),
            (cases_of(2001), vec![DocKind::Notice], "routine.too_many"),
        ] {
            let e = app
                .execute(
                    &clerk,
                    Command::StartRoutineBatch {
                        case_ids: ids,
                        kinds,
                    },
                )
                .await
                .unwrap_err();
            assert!(
                matches!(e, AppError::Invalid(ref d) if d.code == code),
                "{label}: {e:?}"
            );
        }
        // Roles outside routine work, and batches of another court.
        let chief = actor(&app, "mz_chief").await;
        let e = app
            .execute(
                &chief,
                Command::StartRoutineBatch {
                    case_ids: vec![case],
                    kinds: vec![DocKind::Notice],
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{label}");
        assert_eq!(
            app.routine_batches(&clerk).await.unwrap().len(),
            before,
            "{label}"
        );

        let batch = app
            .execute(
                &clerk,
                Command::StartRoutineBatch {
                    case_ids: vec![case],
                    kinds: vec![DocKind::Notice],
                },
            )
            .await
            .unwrap()
            .id
            .unwrap();
        // A running batch with recent progress is not "stopped": no second worker.
        let e = app.check_resumable(&clerk, batch).await.unwrap_err();
        assert!(matches!(e, AppError::Invalid(ref d) if d.code == "routine.not_stalled"));
        // Another court's clerk sees nothing of it.
        let other = actor(&app, "wx_clerk").await;
        assert!(matches!(
            app.routine_batch_view(&other, batch).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(!queue_ids(&app, "wx_clerk").await.contains(&case));
        // A case of another court put into a batch fails as not found, by itself.
        app.run_routine_batch(&clerk, batch).await.unwrap();
        let other_case = file_as(&app, "wx_clerk", filing).await;
        let b2 = app
            .execute(
                &clerk,
                Command::StartRoutineBatch {
                    case_ids: vec![other_case],
                    kinds: vec![DocKind::Notice],
                },
            )
            .await
            .unwrap()
            .id
            .unwrap();
        app.run_routine_batch(&clerk, b2).await.unwrap();
        let v = app.routine_batch_view(&clerk, b2).await.unwrap();
        assert_eq!((v.batch.done, v.batch.failed), (0, 1), "{label}");
        assert!(app
            .store
            .case_documents(other_case)
            .await
            .unwrap()
            .is_empty());
        // The failure does not name or link another court's case.
        assert_eq!(v.failures[0].case_id, None, "{label}");
        assert_eq!(v.failures[0].label, format!("#{other_case}"), "{label}");
    })
    .await;
}
