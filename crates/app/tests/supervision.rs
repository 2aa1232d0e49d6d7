//! The supervision scheduler as a service and its views, on SQLite and PostgreSQL: warnings
//! and locks reach the people named, once; a tick settles its due rows a batch per transaction
//! with every lock an audited event; two schedulers on one database never act twice; the
//! supervision counts, lists and bulletin stay within the actor's courts.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{Months, NaiveDate};
use common::{
    actor, basis, date, each_engine, file_as, filing, generate_demo, person, today, user_id,
};
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::TickReport;
use zhixing_app::supervision::{BulletinQuery, Grouping, NodeListFilter, Watch};
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;
use zhixing_store::notifications::NotificationRow;

/// The shared filing at 孟州 against `debtor`, filed by the court's clerk.
async fn file(app: &App, debtor: &str) -> i64 {
    file_as(app, "mz_clerk", |court_id| FileCase {
        debtors: vec![person(debtor, "41088319850505456", None)],
        ..filing(court_id)
    })
    .await
}

/// Files `n` cases at each court (by its short name: `mz`, `wz` …), as its clerk.
async fn file_many(app: &App, courts: &[(&str, usize)]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (short, n) in courts {
        let clerk = actor(app, &format!("{short}_clerk")).await;
        for i in 0..*n {
            let f = FileCase {
                basis: basis(&format!("（2024）豫0883民初{}号", 100 + i), "2024-03-01"),
                claim: Fen::from_yuan(10_000 + i as i64),
                debtors: vec![person(
                    &format!("债务人{i}"),
                    &format!("41088319850505{:03}", i % 1000),
                    None,
                )],
                ..filing(clerk.court_id)
            };
            ids.push(
                app.execute(&clerk, Command::FileCase(f))
                    .await
                    .unwrap()
                    .id
                    .unwrap(),
            );
        }
    }
    ids
}

async fn inbox(app: &App, user: i64) -> Vec<NotificationRow> {
    app.store
        .notifications(user, false, 10_000, 0)
        .await
        .unwrap()
}

fn kinds(rows: &[NotificationRow], case_id: i64) -> Vec<String> {
    let mut k: Vec<String> = rows
        .iter()
        .filter(|n| n.case_id == Some(case_id))
        .map(|n| n.kind.clone())
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn warnings_and_locks_reach_the_people_named_once() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        // The 孟州 court's command-centre supervisor (every demo basic court has one).
        let sup = user_id(&app, "mz_supervisor").await;
        let id = file(&app, "李四").await;
        let case = app.store.case_by_id(id).await.unwrap().unwrap();
        let officer = case.officer_id.expect("filing assigns an officer");
        let chief = user_id(&app, "mz_chief").await;
        let city_sup = user_id(&app, "jz_supervisor").await;
        let leader = app
            .store
            .users_of_courts(&[case.court_id])
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.role == "team_leader" && u.team_id == case.team_id)
            .unwrap()
            .id;
        // The notice is issued: only the six-month node is left running.
        let clerk = actor(&app, "mz_clerk").await;
        app.execute(
            &clerk,
            Command::Case {
                case_id: id,
                version: case.version,
                action: CaseAction::IssueNotice,
            },
        )
        .await
        .unwrap();
        let rows = app.store.case_nodes(id).await.unwrap();
        let conclude = rows.iter().find(|r| r.node_key == "conclude_case").unwrap();
        let warn_on = date(&conclude.warn_on);
        let due_on = conclude.due_on.clone();

        let r = app.supervise_tick(warn_on).await.unwrap().unwrap();
        assert_eq!(r.report.warnings, 1, "{label}");
        assert_eq!(
            r.notifications, 2,
            "{label}: officer and the court's supervisor"
        );
        let mine = inbox(&app, officer).await;
        assert_eq!(kinds(&mine, id), ["node_warning"], "{label}");
        let n = &mine[0];
        assert!(
            n.title_zh.contains(&case.case_number)
                && n.title_zh.contains("执行期限（结案）")
                && n.title_zh.contains(&format!("将于 {due_on} 到期")),
            "{label}: {}",
            n.title_zh
        );
        assert!(
            n.title_en.contains(&due_on) && n.title_en.contains("due on"),
            "{label}"
        );
        assert_eq!(
            kinds(&inbox(&app, sup).await, id),
            ["node_warning"],
            "{label}"
        );
        // The officer is named, so the team leader is not told; nor are other courts.
        assert!(inbox(&app, leader).await.is_empty(), "{label}");
        assert!(inbox(&app, city_sup).await.is_empty(), "{label}");
        assert!(inbox(&app, chief).await.is_empty(), "{label}");
        // The same day again: nothing more.
        assert_eq!(
            app.supervise_once(warn_on).await.unwrap(),
            TickReport::default(),
            "{label}"
        );
        assert_eq!(inbox(&app, officer).await.len(), 1, "{label}");

        // Overdue: the case locks; the bureau chief hears of the lock only.
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let r = app.supervise_tick(later).await.unwrap().unwrap();
        assert_eq!((r.report.overdue, r.report.locked), (1, 1), "{label}");
        assert_eq!(r.batches, 1, "{label}");
        assert_eq!(
            kinds(&inbox(&app, officer).await, id),
            ["case_locked", "node_overdue", "node_warning"],
            "{label}"
        );
        assert_eq!(
            kinds(&inbox(&app, sup).await, id),
            ["case_locked", "node_overdue", "node_warning"],
            "{label}"
        );
        let chief_box = inbox(&app, chief).await;
        assert_eq!(kinds(&chief_box, id), ["case_locked"], "{label}");
        assert!(
            chief_box[0].title_zh.contains("案件已锁定")
                && chief_box[0].title_zh.contains("中级人民法院"),
            "{label}: {}",
            chief_box[0].title_zh
        );
        assert!(inbox(&app, leader).await.is_empty(), "{label}");
        assert_eq!(
            app.supervise_once(later).await.unwrap(),
            TickReport::default()
        );
        assert_eq!(inbox(&app, officer).await.len(), 3, "{label}");
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn without_an_officer_the_team_leaders_are_told() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let id = file(&app, "王五").await;
        // Take the officer off the case (as if never assigned).
        let mut tx = app.store.begin_write().await.unwrap();
        let mut row = tx.case_for_update(id).await.unwrap().unwrap();
        let version = row.version;
        row.officer_id = None;
        tx.save_case(&row, version).await.unwrap();
        tx.commit().await.unwrap();
        let leaders: Vec<i64> = app
            .store
            .users_of_courts(&[row.court_id])
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.role == "team_leader" && u.team_id == row.team_id)
            .map(|u| u.id)
            .collect();
        assert!(!leaders.is_empty(), "{label}");
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let r = app.supervise_tick(later).await.unwrap().unwrap();
        assert!(r.report.locked >= 1, "{label}: {r:?}");
        for l in leaders {
            let k = kinds(&inbox(&app, l).await, id);
            assert!(
                k.contains(&"case_locked".to_string()) && k.contains(&"node_overdue".to_string()),
                "{label}: {k:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_tick_locks_many_cases_in_few_transactions_each_an_audited_event() {
    each_engine(
        DemoOptions { cases: 0, seed: 9 },
        |app, label| async move {
            let started = Instant::now();
            let ids = file_many(&app, &[("mz", 200), ("wz", 150)]).await;
            eprintln!("{label}: filed {} cases in {} ms", ids.len(), started.elapsed().as_millis());
            let later = today().checked_add_months(Months::new(7)).unwrap();
            let started = Instant::now();
            let s = app.supervise_tick(later).await.unwrap().unwrap();
            let ms = started.elapsed().as_millis();
            eprintln!(
                "{label}: tick over {} due rows: {} warnings, {} overdue, {} locks, {} notifications in {} transactions, {ms} ms",
                s.report.examined,
                s.report.warnings,
                s.report.overdue,
                s.report.locked,
                s.notifications,
                s.batches
            );
            assert_eq!(s.report.locked, ids.len(), "{label}: {s:?}");
            assert_eq!(s.report.overdue, 2 * ids.len(), "{label}: notice and conclusion");
            // One transaction per batch of due rows, not one per lock.
            let per_batch = zhixing_app::scheduler::TICK_BATCH as usize;
            assert!(
                s.batches <= s.report.examined.div_ceil(per_batch) + 1,
                "{label}: {s:?}"
            );
            // Every lock is an audited event by the system, once per case.
            let mut locked_bulletins = 0;
            for c in app.court_tree().courts.iter().map(|c| c.id) {
                locked_bulletins += app
                    .store
                    .node_bulletins(c)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|b| b.kind == "locked")
                    .count();
            }
            assert_eq!(locked_bulletins, s.report.locked, "{label}");
            let mut locked_cases = 0;
            for id in &ids {
                let case = app.store.case_by_id(*id).await.unwrap().unwrap();
                assert_eq!(case.locked, 1, "{label}: case {id}");
                let events = app.store.case_events(*id).await.unwrap();
                let locks: Vec<_> = events.iter().filter(|e| e.kind == "case_locked").collect();
                assert_eq!(locks.len(), 1, "{label}: case {id}");
                assert!(locks[0].actor_id.is_none(), "{label}: the system locked");
                assert_eq!(locks[0].actor_role, "supervisor", "{label}");
                locked_cases += 1;
            }
            assert_eq!(locked_cases, ids.len(), "{label}");
            assert_eq!(
                app.supervise_once(later).await.unwrap(),
                TickReport::default(),
                "{label}"
            );
            let report = app.verify_audit().await.unwrap();
            assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
        },
    )
    .await;
}

/// Everything a tick wrote, to compare runs: bulletins, notifications and system locks, each
/// with how many times it occurs.
async fn written(app: &App) -> (BTreeMap<String, usize>, usize, usize, usize) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let tree = app.court_tree();
    let mut bulletins = 0;
    for c in &tree.courts {
        for b in app.store.node_bulletins(c.id).await.unwrap() {
            bulletins += 1;
            *seen
                .entry(format!("b {} {} {}", b.case_id, b.node_key, b.kind))
                .or_default() += 1;
        }
    }
    let users = app
        .store
        .users_of_courts(&tree.courts.iter().map(|c| c.id).collect::<Vec<_>>())
        .await
        .unwrap();
    let mut notes = 0;
    let mut locks = 0;
    let mut cases = BTreeSet::new();
    for u in users {
        for n in inbox(app, u.id).await {
            notes += 1;
            cases.extend(n.case_id);
            *seen
                .entry(format!(
                    "n {} {:?} {} {}",
                    u.id, n.case_id, n.kind, n.title_zh
                ))
                .or_default() += 1;
        }
    }
    for c in cases {
        for e in app.store.case_events(c).await.unwrap() {
            if e.kind == "case_locked" {
                locks += 1;
                *seen.entry(format!("l {c}")).or_default() += 1;
            }
        }
    }
    (seen, bulletins, notes, locks)
}

#[tokio::test]
async fn two_schedulers_on_one_database_act_on_each_instance_once() {
    for leased in [true, false] {
        for db in zhixing_store::testing::test_databases().await {
            let label = db.label;
            let app = App::open(&db.url).await.unwrap();
            generate_demo(&app, DemoOptions { cases: 0, seed: 5 }).await;
            file_many(&app, &[("mz", 120), ("wz", 100), ("qy", 80)]).await;
            // A second application with its own connections, as a second `zhixing serve`.
            let other = App::open(&db.url).await.unwrap();
            let later = today().checked_add_months(Months::new(7)).unwrap();
            let due = app
                .store
                .nodes_due(&later.format("%Y-%m-%d").to_string(), 100_000)
                .await
                .unwrap()
                .len();
            assert!(due >= 600, "{label}: only {due} due");
            let (a, b) = if leased {
                let (a, b) = tokio::join!(app.supervise_tick(later), other.supervise_tick(later));
                (
                    a.unwrap().unwrap_or_default(),
                    b.unwrap().unwrap_or_default(),
                )
            } else {
                let (a, b) = tokio::join!(
                    app.supervise_unleased(later),
                    other.supervise_unleased(later)
                );
                (a.unwrap(), b.unwrap())
            };
            // Whatever is left (a scheduler that stopped early) is finished by a last tick.
            let c = app.supervise_tick(later).await.unwrap().unwrap();
            let (seen, bulletins, notes, locks) = written(&app).await;
            let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
            assert!(
                twice.is_empty(),
                "{label} leased={leased}: twice: {twice:?}"
            );
            let sum = |f: fn(&zhixing_app::scheduler::TickSummary) -> usize| f(&a) + f(&b) + f(&c);
            assert_eq!(
                bulletins,
                sum(|s| s.report.warnings + s.report.overdue + s.report.locked),
                "{label} leased={leased}"
            );
            assert_eq!(notes, sum(|s| s.notifications), "{label} leased={leased}");
            assert_eq!(locks, sum(|s| s.report.locked), "{label} leased={leased}");
            assert!(locks > 0 && notes > 0, "{label}");
            assert!(
                app.store
                    .nodes_due(&later.format("%Y-%m-%d").to_string(), 10)
                    .await
                    .unwrap()
                    .is_empty(),
                "{label}"
            );
            let report = app.verify_audit().await.unwrap();
            assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
            eprintln!(
                "{label} leased={leased}: {due} due; first {:?}, second {:?}, last {:?}",
                a.report, b.report, c.report
            );
            other.store.close().await;
            app.store.close().await;
            db.cleanup().await;
        }
    }
}

#[tokio::test]
async fn the_lease_is_exclusive_until_released_or_expired() {
    each_engine(None, |app, label| async move {
        let s = &app.store;
        assert!(
            s.acquire_lease("job", "a", 60_000).await.unwrap(),
            "{label}"
        );
        assert!(
            !s.acquire_lease("job", "b", 60_000).await.unwrap(),
            "{label}"
        );
        // The holder renews.
        assert!(
            s.acquire_lease("job", "a", 60_000).await.unwrap(),
            "{label}"
        );
        s.release_lease("job", "b").await.unwrap();
        assert!(
            !s.acquire_lease("job", "b", 60_000).await.unwrap(),
            "{label}"
        );
        s.release_lease("job", "a").await.unwrap();
        assert!(
            s.acquire_lease("job", "b", 60_000).await.unwrap(),
            "{label}"
        );
        // Inside a transaction only the holder renews, and not after expiry.
        let mut tx = s.begin_write().await.unwrap();
        assert!(!tx.renew_lease("job", "a", 1).await.unwrap(), "{label}");
        assert!(tx.renew_lease("job", "b", 60_000).await.unwrap(), "{label}");
        tx.commit().await.unwrap();
        assert!(s.acquire_lease("job2", "b", -1).await.unwrap(), "{label}");
        assert!(
            s.acquire_lease("job2", "a", 60_000).await.unwrap(),
            "{label}: expired"
        );
        // A tick while another holds the lease does nothing.
        assert!(s
            .acquire_lease(zhixing_app::scheduler::SUPERVISION_LEASE, "other", 60_000)
            .await
            .unwrap());
        assert!(
            app.supervise_tick(today()).await.unwrap().is_none(),
            "{label}"
        );
        s.release_lease(zhixing_app::scheduler::SUPERVISION_LEASE, "other")
            .await
            .unwrap();
        assert!(
            app.supervise_tick(today()).await.unwrap().is_some(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn views_count_by_court_team_and_officer_within_the_actors_courts() {
    each_engine(
        DemoOptions {
            cases: 300,
            seed: 3,
        },
        |app, label| async move {
            // The demo's statuses brought up to today.
            app.supervise_once(today()).await.unwrap();
            let city = actor(&app, "jz_supervisor").await;
            let chief = actor(&app, "mz_chief").await;
            // Counts from the rows themselves.
            let counts = app.store.node_status_counts().await.unwrap();
            let of = |s: &str| counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1);
            let by_court = app
                .supervision_summary(&city, Grouping::Court, None)
                .await
                .unwrap();
            assert_eq!(by_court.warning, of("warning"), "{label}");
            assert_eq!(by_court.overdue, of("overdue"), "{label}");
            assert!(by_court.warning + by_court.overdue > 0, "{label}");
            for g in [Grouping::Team, Grouping::Officer] {
                let s = app.supervision_summary(&city, g, None).await.unwrap();
                assert_eq!(
                    (s.warning, s.overdue, s.locked),
                    (by_court.warning, by_court.overdue, by_court.locked),
                    "{label}: {g:?}"
                );
            }
            // Each count is the total of its list.
            for row in by_court.rows.iter().take(3) {
                for (w, n) in [
                    (Watch::Warning, row.warning),
                    (Watch::Overdue, row.overdue),
                    (Watch::Locked, row.locked),
                ] {
                    let l = app
                        .supervision_nodes(
                            &city,
                            &NodeListFilter {
                                status: w,
                                court_id: Some(row.court_id),
                                team: None,
                                officer: None,
                                page: 1,
                            },
                        )
                        .await
                        .unwrap();
                    assert_eq!(l.total, n, "{label}: {w:?} {}", row.court_name);
                    assert!(l.items.iter().all(|i| i.court_id == row.court_id));
                }
            }
            let by_officer = app
                .supervision_summary(&chief, Grouping::Officer, None)
                .await
                .unwrap();
            for row in by_officer.rows.iter().filter(|r| r.overdue > 0).take(2) {
                let l = app
                    .supervision_nodes(
                        &chief,
                        &NodeListFilter {
                            status: Watch::Overdue,
                            court_id: Some(row.court_id),
                            team: None,
                            officer: Some(row.group_id),
                            page: 1,
                        },
                    )
                    .await
                    .unwrap();
                assert_eq!(l.total, row.overdue, "{label}");
                assert!(l.items.iter().all(|i| i.officer_name == row.name));
                assert!(l.items.iter().all(|i| i.days_overdue.unwrap_or(0) > 0));
            }
            // A basic court's chief sees only their court.
            let mine = app
                .supervision_summary(&chief, Grouping::Court, None)
                .await
                .unwrap();
            assert!(
                mine.rows.iter().all(|r| r.court_id == chief.court_id),
                "{label}"
            );
            assert!(mine.overdue <= by_court.overdue, "{label}");
            let other = city
                .visible_courts
                .iter()
                .copied()
                .find(|c| *c != chief.court_id && *c != city.court_id)
                .unwrap();
            let e = app
                .supervision_summary(&chief, Grouping::Court, Some(other))
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::NotFound), "{label}");
            let e = app
                .supervision_nodes(
                    &chief,
                    &NodeListFilter {
                        status: Watch::Overdue,
                        court_id: Some(other),
                        team: None,
                        officer: None,
                        page: 1,
                    },
                )
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::NotFound), "{label}");
            // Roles without access.
            for who in ["mz_clerk", "mz_t1_officer1", "mz_admin"] {
                let a = actor(&app, who).await;
                let e = app
                    .supervision_summary(&a, Grouping::Court, None)
                    .await
                    .unwrap_err();
                assert_eq!(e.status(), 403, "{label}: {who}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn the_bulletin_of_a_period_and_the_inbox() {
    each_engine(DemoOptions { cases: 0, seed: 4 }, |app, label| async move {
        file_many(&app, &[("mz", 12), ("wz", 8)]).await;
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let s = app.supervise_tick(later).await.unwrap().unwrap();
        let chief = actor(&app, "mz_chief").await;
        let city = actor(&app, "jz_supervisor").await;
        // Entries are dated by when they were written: today.
        let q = |from: NaiveDate, to: NaiveDate, court: Option<i64>| BulletinQuery {
            from,
            to,
            court_id: court,
            page: 1,
            per_page: 0,
        };
        let all = app
            .bulletin(&city, &q(today(), today(), None))
            .await
            .unwrap();
        assert_eq!(
            all.total as usize,
            s.report.warnings + s.report.overdue + s.report.locked,
            "{label}"
        );
        assert_eq!(all.locked as usize, s.report.locked, "{label}");
        assert!(all.entries.iter().all(|e| e.date == today()));
        let mine = app
            .bulletin(&chief, &q(today(), today(), None))
            .await
            .unwrap();
        assert!(mine.total > 0 && mine.total < all.total, "{label}");
        assert!(mine.entries.iter().all(|e| e.court_id == chief.court_id));
        let e = &mine.entries[0];
        assert!(e.case_number.contains("执"), "{label}: {}", e.case_number);
        assert!(!e.node_name_zh.is_empty() && e.node_name_zh != e.node_key);
        // Outside the period: nothing.
        let before = today() - chrono::Duration::days(40);
        let none = app
            .bulletin(&city, &q(before, before + chrono::Duration::days(30), None))
            .await
            .unwrap();
        assert_eq!(none.total, 0, "{label}");
        // A period that ends before it starts.
        let e = app
            .bulletin(&city, &q(today(), before, None))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "bulletin.period_reversed", "{label}");
        let e = zhixing_app::supervision::parse_period("2026-11-30", "2026-11-01").unwrap_err();
        assert_eq!(e.code(), "bulletin.period_reversed");
        assert!(e.message_zh().contains("早于"), "{}", e.message_zh());
        assert_eq!(
            zhixing_app::supervision::parse_period("2026-11-31", "2026-12-01")
                .unwrap_err()
                .code(),
            "bulletin.date"
        );
        // Other courts' bulletin is not the chief's to see.
        let other = city
            .visible_courts
            .iter()
            .copied()
            .find(|c| *c != chief.court_id && *c != city.court_id)
            .unwrap();
        assert!(matches!(
            app.bulletin(&chief, &q(today(), today(), Some(other)))
                .await
                .unwrap_err(),
            AppError::NotFound
        ));

        // The chief's inbox: locks, unread first; mark one, then all.
        let before = app.inbox(&chief, 1).await.unwrap();
        assert!(before.unread_count > 0, "{label}");
        assert_eq!(before.unread.len() as i64, before.unread_count);
        assert!(before.unread.iter().all(|n| n.kind == "case_locked"));
        let first = before.unread[0].id;
        assert_eq!(
            app.mark_notifications_read(&chief, &[first]).await.unwrap(),
            1
        );
        // Someone else's notification is not theirs to mark.
        let clerk = actor(&app, "mz_clerk").await;
        let sup_note = app.inbox(&city, 1).await.unwrap();
        assert_eq!(
            sup_note.unread_count, 0,
            "{label}: no supervisor at the city court's cases"
        );
        let after = app.inbox(&chief, 1).await.unwrap();
        assert_eq!(after.unread_count, before.unread_count - 1);
        assert_eq!(after.read.len(), 1);
        assert_eq!(after.read[0].id, first);
        assert_eq!(app.unread_count(&chief).await.unwrap(), after.unread_count);
        let other_ids: Vec<i64> = after.unread.iter().map(|n| n.id).collect();
        assert_eq!(
            app.mark_notifications_read(&clerk, &other_ids)
                .await
                .unwrap(),
            0,
            "{label}"
        );
        app.mark_notifications_read(&chief, &[]).await.unwrap();
        assert_eq!(app.unread_count(&chief).await.unwrap(), 0);
        // The system has no inbox.
        assert!(app.inbox(&Actor::system(&app), 1).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn the_background_loop_ticks_at_start_and_keeps_going() {
    each_engine(DemoOptions { cases: 0, seed: 2 }, |app, label| async move {
        let ids = file_many(&app, &[("mz", 2)]).await;
        // Make one node due today, as if its warning day had come.
        let mut row = app
            .store
            .case_nodes(ids[0])
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.node_key == "conclude_case")
            .unwrap();
        row.warn_on = today().format("%Y-%m-%d").to_string();
        row.next_check_on = Some(row.warn_on.clone());
        let mut tx = app.store.begin_write().await.unwrap();
        tx.update_node(&row).await.unwrap();
        tx.commit().await.unwrap();
        let task = tokio::spawn(zhixing_app::scheduler::run_supervision(
            app.clone(),
            std::time::Duration::from_millis(100),
        ));
        let mut warned = false;
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let now = app.store.case_nodes(ids[0]).await.unwrap();
            if now
                .iter()
                .any(|r| r.node_key == "conclude_case" && r.status == "warning")
            {
                warned = true;
                break;
            }
        }
        assert!(warned, "{label}: the loop ran a tick");
        // It keeps running, and a later tick does not warn again.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!task.is_finished(), "{label}");
        task.abort();
        let _ = task.await;
        let officer = app
            .store
            .case_by_id(ids[0])
            .await
            .unwrap()
            .unwrap()
            .officer_id
            .unwrap();
        assert_eq!(
            kinds(&inbox(&app, officer).await, ids[0]),
            ["node_warning"],
            "{label}"
        );
        let (holder, _) = app
            .store
            .lease(zhixing_app::scheduler::SUPERVISION_LEASE)
            .await
            .unwrap()
            .expect("the loop took the lease");
        assert!(holder.starts_with("pid"), "{label}: {holder}");
    })
    .await;
}
