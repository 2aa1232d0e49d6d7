//! Closing from the case's own facts on both engines: 终本 refused on a new case, naming each
//! condition that fails and changing nothing; 执行完毕 on the applicant's recorded confirmation
//! (the nodes end, the archiving node opens, the conditions are in the event); closing twice
//! refused; 终结执行 only with a statutory ground and its evidence; who may close and record.
mod common;

use common::*;
use zhixing_app::closing::ClosingExtras;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::{App, AppError};
use zhixing_domain::case::ClosingMode;
use zhixing_domain::closing::{RecordKind, TerminationGround};

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 19 };

async fn version(app: &App, case_id: i64) -> i64 {
    app.store
        .case_by_id(case_id)
        .await
        .unwrap()
        .unwrap()
        .version
}

async fn close(
    app: &App,
    who: &str,
    case_id: i64,
    mode: ClosingMode,
    extras: ClosingExtras,
) -> Result<(), AppError> {
    let a = actor(app, who).await;
    let v = version(app, case_id).await;
    app.execute(
        &a,
        Command::CloseCase {
            case_id,
            version: v,
            mode,
            extras,
        },
    )
    .await
    .map(|_| ())
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

#[tokio::test]
async fn dormant_on_a_new_case_is_refused_naming_each_failed_condition() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = file(&app).await;
        let judge = actor(&app, "mz_t1_judge").await;
        let view = app
            .closing_check(&judge, case_id, ClosingMode::Dormant)
            .await
            .unwrap();
        assert!(!view.all_met);
        let unmet: Vec<&str> = view
            .checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.key)
            .collect();
        for key in [
            "notice_issued",
            "restriction_issued",
            "blacklisted_where_eligible",
            "investigation_exhausted",
            "over_three_months",
            "applicant_heard",
        ] {
            assert!(
                unmet.contains(&key),
                "{engine}: {key} should fail: {unmet:?}"
            );
        }
        let before = app.store.case_events(case_id).await.unwrap().len();
        let e = close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Dormant,
            Default::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "closing.dormant_conditions", "{engine}");
        assert!(e.to_string().contains("三个月"), "{e}");
        let row = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_ne!(row.stage, "closed");
        assert_eq!(app.store.case_events(case_id).await.unwrap().len(), before);
        assert!(app.store.dormant_entry(case_id).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn completed_on_the_applicants_confirmation_and_not_twice() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = file(&app).await;
        // Nothing paid and nothing recorded: refused, with the amounts named.
        let e = close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Completed,
            Default::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "closing.conditions", "{engine}");
        assert!(e.to_string().contains("38,000.00"), "{e}");

        // A reception officer may not record; a clerk may.
        let reception = actor(&app, "mz_reception").await;
        let e = app
            .execute(
                &reception,
                Command::RecordClosingFact {
                    case_id,
                    kind: RecordKind::ApplicantSatisfied,
                    happened_on: today(),
                    summary: "x".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }));
        record(
            &app,
            "mz_clerk",
            case_id,
            RecordKind::ApplicantSatisfied,
            "申请执行人书面确认被执行人已直接付清全部款项",
        )
        .await;
        // A clerk may not close.
        let e = close(
            &app,
            "mz_clerk",
            case_id,
            ClosingMode::Completed,
            Default::default(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{e}");

        close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Completed,
            Default::default(),
        )
        .await
        .unwrap();
        let row = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(row.stage, "closed", "{engine}");
        assert_eq!(row.closing_mode.as_deref(), Some("completed"));
        let kinds: Vec<String> = app
            .store
            .case_events(case_id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for k in [
            "closing_recorded",
            "stage_changed",
            "case_closed",
            "closing_reviewed",
        ] {
            assert!(kinds.contains(&k.to_string()), "{engine}: {k} in {kinds:?}");
        }
        let nodes = app.store.case_nodes(case_id).await.unwrap();
        assert!(node_row(&nodes, "conclude_case").completed_on.is_some());
        assert!(node_row(&nodes, "archive_case").completed_on.is_none());
        assert!(nodes
            .iter()
            .filter(|n| n.node_key != "archive_case")
            .all(|n| n.completed_on.is_some() || n.cancelled_on.is_some()));

        let e = close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Completed,
            Default::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "closing.already_closed");
        assert!(app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}

#[tokio::test]
async fn terminated_needs_a_statutory_ground_with_evidence() {
    each_engine(DEMO, |app, engine| async move {
        let case_id = file(&app).await;
        let e = close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Terminated,
            ClosingExtras {
                ground: Some(TerminationGround::ApplicantWithdrew),
                reason: "  ".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "closing.conditions", "{engine}");
        assert!(e.to_string().contains("法定终结执行事由"), "{e}");
        close(
            &app,
            "mz_t1_judge",
            case_id,
            ClosingMode::Terminated,
            ClosingExtras {
                ground: Some(TerminationGround::ApplicantWithdrew),
                reason: "申请执行人于今日提交撤回执行申请书".into(),
            },
        )
        .await
        .unwrap();
        let row = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(row.closing_mode.as_deref(), Some("terminated"), "{engine}");
        // Another court's judge sees nothing of it.
        let other = actor(&app, "zz_clerk").await;
        assert!(matches!(
            app.closing_check(&other, case_id, ClosingMode::Dormant)
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
    })
    .await;
}
