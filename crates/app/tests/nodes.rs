//! Process-node supervision through the pipeline and the scheduler tick, on SQLite and
//! PostgreSQL.

mod common;

use chrono::Months;
use common::{act, date, each_engine, file, generate_demo, node_row as node, today};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::TickReport;
use zhixing_domain::lifecycle::CaseAction;

#[tokio::test]
async fn filing_and_notice_open_and_complete_nodes() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let id = file(&app).await;
        let rows = app.store.case_nodes(id).await.unwrap();
        let filed = today().format("%Y-%m-%d").to_string();
        for key in ["assign_officer", "network_inquiry", "conclude_case"] {
            assert_eq!(node(&rows, key).started_on, filed, "{label}: {key}");
        }
        // Filing's own auto-assignment and same-day inquiry complete their nodes.
        let assign = node(&rows, "assign_officer");
        assert_eq!(assign.status, "completed", "{label}");
        assert_eq!(assign.completed_on.as_deref(), Some(filed.as_str()));
        assert_eq!(assign.next_check_on, None);
        assert_eq!(
            node(&rows, "network_inquiry").status,
            "completed",
            "{label}"
        );
        let conclude = node(&rows, "conclude_case");
        assert_eq!(conclude.status, "running", "{label}");
        assert_eq!(
            conclude.next_check_on.as_deref(),
            Some(conclude.warn_on.as_str())
        );
        assert_eq!(node(&rows, "issue_notice").status, "running", "{label}");

        act(&app, "mz_clerk", id, CaseAction::IssueNotice)
            .await
            .unwrap();
        let rows = app.store.case_nodes(id).await.unwrap();
        let notice = node(&rows, "issue_notice");
        assert_eq!(notice.status, "completed", "{label}");
        assert_eq!(notice.next_check_on, None, "{label}");
        assert_eq!(rows.len(), 4, "{label}: {rows:?}");
    })
    .await;
}

#[tokio::test]
async fn the_scheduler_warns_bulletins_and_locks_once() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let id = file(&app).await;
        act(&app, "mz_clerk", id, CaseAction::IssueNotice)
            .await
            .unwrap();
        let court_id = app.store.case_by_id(id).await.unwrap().unwrap().court_id;

        // Nothing is due on the filing day.
        let r = app.supervise_once(today()).await.unwrap();
        assert_eq!(r, TickReport::default(), "{label}");

        // On the warning day of the six-month node: one warning.
        let rows = app.store.case_nodes(id).await.unwrap();
        let warn_on = date(&node(&rows, "conclude_case").warn_on);
        let r = app.supervise_once(warn_on).await.unwrap();
        assert_eq!(
            r,
            TickReport {
                examined: 1,
                warnings: 1,
                overdue: 0,
                locked: 0
            },
            "{label}"
        );
        assert_eq!(
            node(&app.store.case_nodes(id).await.unwrap(), "conclude_case").status,
            "warning"
        );

        // Seven months after filing: overdue, and the case is locked by the system.
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let r = app.supervise_once(later).await.unwrap();
        assert_eq!(
            r,
            TickReport {
                examined: 1,
                warnings: 0,
                overdue: 1,
                locked: 1
            },
            "{label}"
        );
        let case = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!(case.locked, 1, "{label}");
        let events = app.store.case_events(id).await.unwrap();
        let lock = events.iter().find(|e| e.kind == "case_locked").unwrap();
        assert!(lock.actor_id.is_none(), "{label}: the system locked");
        assert!(
            lock.payload.contains("执行期限（结案）") && lock.payload.contains("审批解锁"),
            "{label}: {}",
            lock.payload
        );
        let conclude = node(&app.store.case_nodes(id).await.unwrap(), "conclude_case").clone();
        assert_eq!(conclude.status, "overdue", "{label}");
        assert_eq!(conclude.next_check_on, None, "{label}");
        let mut kinds: Vec<String> = app
            .store
            .node_bulletins(court_id)
            .await
            .unwrap()
            .into_iter()
            .map(|b| {
                assert_eq!(b.case_id, id);
                assert_eq!(b.node_key, "conclude_case");
                b.kind
            })
            .collect();
        kinds.sort();
        assert_eq!(kinds, ["locked", "overdue", "warning"], "{label}");

        // Locked: ordinary work is refused (recording inquiry results is whitelisted).
        assert_eq!(
            act(&app, "mz_clerk", id, CaseAction::IssueNotice)
                .await
                .unwrap_err()
                .code(),
            "case.locked",
            "{label}"
        );

        // A second tick does nothing new.
        let r = app.supervise_once(later).await.unwrap();
        assert_eq!(r, TickReport::default(), "{label}");
        assert_eq!(app.store.node_bulletins(court_id).await.unwrap().len(), 3);

        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn suspension_pauses_and_resumption_pushes_the_due_date() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let id = file(&app).await;
        let due_before = node(&app.store.case_nodes(id).await.unwrap(), "conclude_case")
            .due_on
            .clone();
        act(
            &app,
            "mz_chief",
            id,
            CaseAction::Suspend {
                reason: "被执行人申请破产".into(),
            },
        )
        .await
        .unwrap();
        let rows = app.store.case_nodes(id).await.unwrap();
        let conclude = node(&rows, "conclude_case").clone();
        assert_eq!(conclude.status, "paused", "{label}");
        assert_eq!(conclude.next_check_on, None, "{label}");
        // The notice node pauses too; the completed ones stay completed.
        assert_eq!(node(&rows, "issue_notice").status, "paused", "{label}");
        assert_eq!(node(&rows, "assign_officer").status, "completed");

        // A paused node is never due, whatever the day.
        let far = today().checked_add_months(Months::new(12)).unwrap();
        let r = app.supervise_once(far).await.unwrap();
        assert_eq!(r.examined, 0, "{label}");

        // Pretend the suspension began 30 days ago.
        let since = today() - chrono::Duration::days(30);
        let mut tx = app.store.begin_write().await.unwrap();
        let mut row = conclude.clone();
        row.paused_since = Some(since.format("%Y-%m-%d").to_string());
        tx.update_node(&row).await.unwrap();
        tx.commit().await.unwrap();

        act(&app, "mz_chief", id, CaseAction::Resume).await.unwrap();
        let conclude = node(&app.store.case_nodes(id).await.unwrap(), "conclude_case").clone();
        assert_eq!(conclude.paused_days, 30, "{label}");
        assert_eq!(conclude.paused_since, None, "{label}");
        assert_eq!(conclude.status, "running", "{label}");
        // Six months from filing plus the 30 days, onto a working day (as the due date before
        // was: one that fell on a rest day moved to the next working day, so the shift seen
        // from that date can be less than 30 days).
        let cal = zhixing_domain::calendar::WorkingCalendar::official_ref();
        let started = date(&conclude.started_on);
        let six_months = zhixing_domain::period::PeriodLimit::Months(6);
        let due = |paused| zhixing_domain::period::due_date_only(started, six_months, cal, paused);
        assert_eq!(date(&due_before), due(0).unwrap(), "{label}");
        assert_eq!(date(&conclude.due_on), due(30).unwrap(), "{label}");
        assert!(date(&conclude.due_on) > date(&due_before), "{label}");
        assert_eq!(
            conclude.next_check_on.as_deref(),
            Some(conclude.warn_on.as_str())
        );

        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn the_demo_city_has_supervised_nodes_and_a_tick_keeps_the_audit_intact() {
    each_engine(None, |app, label| async move {
        generate_demo(
            &app,
            DemoOptions {
                cases: 300,
                seed: 7,
            },
        )
        .await;
        let counts = app.store.node_status_counts().await.unwrap();
        let total: i64 = counts.iter().map(|c| c.1).sum();
        assert!(total >= 300 * 3, "{label}: {counts:?}");
        assert!(
            counts.iter().any(|c| c.0 == "running") && counts.iter().any(|c| c.0 == "completed"),
            "{label}: {counts:?}"
        );
        // Half a year ahead every open, running six-month node is overdue and its case locked.
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let r = app.supervise_once(later).await.unwrap();
        assert!(
            r.examined > 0 && r.overdue > 0 && r.locked > 0,
            "{label}: {r:?}"
        );
        assert_eq!(
            app.supervise_once(later).await.unwrap(),
            TickReport::default(),
            "{label}"
        );
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}
