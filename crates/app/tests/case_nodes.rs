//! The case page's process-node read (`App::case_nodes`) and suspension/resumption through the
//! pipeline, on SQLite and PostgreSQL.

mod common;

use chrono::NaiveDate;
use common::{act, actor, basis, each_engine, file_as, generate_demo, person, today};
use zhixing_app::case_nodes::{CaseNodeItem, CaseNodes};
use zhixing_app::commands::FileCase;
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::{beijing_date, node_set};
use zhixing_app::AppError;
use zhixing_domain::calendar::WorkingCalendar;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;
use zhixing_domain::node::{NodeStatus, UnlockLevel};
use zhixing_domain::period::due_date_only;

/// The shared filing with this file's parties, judgment and claim.
fn filing(court_id: i64) -> FileCase {
    FileCase {
        basis: basis("（2024）豫0883民初99号", "2024-03-01"),
        claim: Fen::from_yuan(52_000),
        applicants: vec![person("赵申请", "41088319800101123", None)],
        debtors: vec![person("钱被执", "41088319850505456", None)],
        ..common::filing(court_id)
    }
}

fn node<'a>(v: &'a CaseNodes, key: &str) -> &'a CaseNodeItem {
    v.nodes
        .iter()
        .find(|n| n.key == key)
        .unwrap_or_else(|| panic!("no {key} in {:?}", v.nodes))
}

/// The due date the domain gives a node of the defaults started on `start` with `paused` days
/// of suspension deducted.
fn expected_due(key: &str, start: NaiveDate, paused: u32) -> NaiveDate {
    let def = node_set().get(key).unwrap();
    due_date_only(start, def.limit, WorkingCalendar::official_ref(), paused).unwrap()
}

#[tokio::test]
async fn nodes_after_filing_are_named_dated_and_scoped() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let id = file_as(&app, "mz_clerk", filing).await;
        let clerk = actor(&app, "mz_clerk").await;
        let v = app.case_nodes(&clerk, id).await.unwrap();
        assert_eq!(v.today, today(), "{label}");
        assert!(!v.suspended && v.suspension.is_none(), "{label}");
        // A clerk may not suspend; the page shows no form.
        assert!(!v.may_suspend && !v.may_resume, "{label}");

        let conclude = node(&v, "conclude_case");
        assert_eq!(conclude.name_zh, "执行期限（结案）", "{label}");
        assert_eq!(conclude.name_en, "Conclude the case");
        assert_eq!(conclude.status, NodeStatus::Running, "{label}");
        assert_eq!(conclude.started_on, today());
        assert_eq!(conclude.due_on, expected_due("conclude_case", today(), 0));
        assert_eq!(
            conclude.days_left,
            Some((conclude.due_on - today()).num_days())
        );
        assert_eq!(conclude.days_overdue, None);
        assert!(conclude.lock_on_overdue, "{label}");
        assert_eq!(conclude.unlock_level, Some(UnlockLevel::IntermediateCourt));
        assert!(conclude.pauses_on_suspension);
        let assign = node(&v, "assign_officer");
        assert_eq!(assign.status, NodeStatus::Completed, "{label}");
        assert_eq!(assign.completed_on, Some(today()));
        assert_eq!(assign.days_left, None);
        assert!(!assign.lock_on_overdue && assign.unlock_level.is_none());

        // Judges and the bureau chief of the court may suspend.
        for who in ["mz_chief", "mz_t1_judge"] {
            let v = app.case_nodes(&actor(&app, who).await, id).await.unwrap();
            assert!(v.may_suspend && !v.may_resume, "{label}: {who}");
        }
        // The intermediate court sees the case but does not suspend another court's case.
        let v = app
            .case_nodes(&actor(&app, "jz_chief").await, id)
            .await
            .unwrap();
        assert!(!v.may_suspend, "{label}");
        // Another basic court does not see it at all.
        let err = app
            .case_nodes(&actor(&app, "xw_chief").await, id)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{label}: {err:?}");
        let err = app.case_nodes(&clerk, id + 10_000).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{label}");
    })
    .await;
}

#[tokio::test]
async fn suspension_pauses_nodes_and_resumption_pushes_the_due_date() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let id = file_as(&app, "mz_clerk", filing).await;
        let chief = actor(&app, "mz_chief").await;

        // Refusals change nothing: wrong role, no reason.
        let err = act(
            &app,
            "mz_clerk",
            id,
            CaseAction::Suspend {
                reason: "破产".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
        let err = act(
            &app,
            "mz_chief",
            id,
            CaseAction::Suspend { reason: " ".into() },
        )
        .await
        .unwrap_err();
        assert_eq!(err.status(), 422, "{label}");
        assert!(err.message_zh().contains("理由"), "{label}: {err:?}");
        assert!(!app.case_nodes(&chief, id).await.unwrap().suspended);

        act(
            &app,
            "mz_chief",
            id,
            CaseAction::Suspend {
                reason: "被执行人进入破产程序".into(),
            },
        )
        .await
        .unwrap();
        let v = app.case_nodes(&chief, id).await.unwrap();
        assert!(v.suspended && v.may_resume && !v.may_suspend, "{label}");
        let s = v.suspension.clone().expect("suspension shown");
        assert_eq!(s.reason, "被执行人进入破产程序", "{label}");
        assert_eq!(s.by, chief.display_name);
        assert_eq!(beijing_date(s.since), today());
        for key in ["conclude_case", "issue_notice"] {
            let n = node(&v, key);
            assert_eq!(n.status, NodeStatus::Paused, "{label}: {key}");
            assert_eq!(n.paused_since, Some(today()));
            assert_eq!(n.pausing_days, Some(0));
            assert_eq!((n.days_left, n.days_overdue), (None, None));
        }
        assert_eq!(node(&v, "assign_officer").status, NodeStatus::Completed);

        // Pretend the suspension began 12 days ago (the store helper other tests use).
        let days = 12;
        let since = today() - chrono::Duration::days(days);
        let mut tx = app.store.begin_write().await.unwrap();
        for mut row in app.store.case_nodes(id).await.unwrap() {
            if row.paused_since.is_some() {
                row.paused_since = Some(since.format("%Y-%m-%d").to_string());
                tx.update_node(&row).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
        let v = app.case_nodes(&chief, id).await.unwrap();
        assert_eq!(node(&v, "conclude_case").pausing_days, Some(days));

        act(&app, "mz_t1_judge", id, CaseAction::Resume)
            .await
            .unwrap();
        let v = app.case_nodes(&chief, id).await.unwrap();
        assert!(
            !v.suspended && v.suspension.is_none() && v.may_suspend,
            "{label}"
        );
        let conclude = node(&v, "conclude_case");
        assert_eq!(conclude.status, NodeStatus::Running, "{label}");
        assert_eq!(conclude.paused_days, days as u32);
        assert_eq!(conclude.paused_since, None);
        assert_eq!(
            conclude.due_on,
            expected_due("conclude_case", today(), days as u32),
            "{label}"
        );
        assert!(conclude.due_on > expected_due("conclude_case", today(), 0));

        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}
