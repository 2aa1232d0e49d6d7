//! Demo data that agrees with process-node supervision: a case whose locking node went overdue
//! before today was locked by the scheduler on the day after the due date (an audited event of
//! the system), its bulletins exist with their days, and today's tick neither locks it again
//! nor repeats a bulletin. On SQLite and PostgreSQL.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use common::{each_engine, generate_demo};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::{beijing_date, node_set, TickReport};
use zhixing_app::App;
use zhixing_store::nodes::BulletinRow;
use zhixing_store::testing::test_databases;

const CASES: usize = 300;

fn today() -> NaiveDate {
    beijing_date(zhixing_store::now_ms())
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn all_bulletins(app: &App) -> Vec<BulletinRow> {
    let mut out = Vec::new();
    for c in app.court_tree().courts.iter().map(|c| c.id) {
        out.extend(app.store.node_bulletins(c).await.unwrap());
    }
    out.sort_by_key(|b| b.id);
    out
}

fn reason(payload: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(payload).unwrap();
    v["reason"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn demo_cases_with_an_overdue_locking_node_are_locked_by_the_scheduler() {
    each_engine(
        DemoOptions {
            cases: CASES,
            seed: 7,
        },
        |app, label| async move {
            let today = today();
            let yesterday = today - Days::new(1);
            let defs = node_set();
            let bulletins = all_bulletins(&app).await;
            let mut by_case: BTreeMap<i64, Vec<&BulletinRow>> = BTreeMap::new();
            for b in &bulletins {
                by_case.entry(b.case_id).or_default().push(b);
                // Nothing is written for today: that is today's tick's work.
                assert!(beijing_date(b.created_at) < today, "{label}: {b:?}");
            }
            let mut node_locked = 0;
            for id in 1..=CASES as i64 {
                let case = app.store.case_by_id(id).await.unwrap().unwrap();
                let nodes = app.store.case_nodes(id).await.unwrap();
                let events = app.store.case_events(id).await.unwrap();
                // The history is in order: the chain's order is the order of the moments.
                let mut chain = events.clone();
                chain.sort_by_key(|e| e.seq);
                assert!(
                    chain
                        .windows(2)
                        .all(|w| w[0].occurred_at <= w[1].occurred_at),
                    "{label}: case {id} out of order"
                );
                let mine = by_case.get(&id).cloned().unwrap_or_default();
                let locks: Vec<_> = events.iter().filter(|e| e.kind == "case_locked").collect();
                assert!(locks.len() <= 1, "{label}: case {id} locked twice");
                for n in &nodes {
                    let def = defs.get(&n.node_key).unwrap();
                    if !def.lock_on_overdue {
                        continue;
                    }
                    let due = date(&n.due_on);
                    // A locking node is never completed late: the lock came first.
                    if let Some(done) = &n.completed_on {
                        assert!(date(done) <= due, "{label}: case {id}: {n:?}");
                    }
                    let overdue_before_today = n.completed_on.is_none()
                        && n.cancelled_on.is_none()
                        && n.paused_since.is_none()
                        && due < yesterday;
                    if !overdue_before_today {
                        continue;
                    }
                    assert_eq!(n.status, "overdue", "{label}: case {id}");
                    assert_eq!(n.next_check_on, None, "{label}: case {id}");
                    assert_eq!(
                        case.locked, 1,
                        "{label}: case {id} with {n:?} is not locked"
                    );
                    assert_eq!(locks.len(), 1, "{label}: case {id}");
                    let lock = locks[0];
                    let overdue_on = due.succ_opt().unwrap();
                    // The bulletin: warning, overdue and locked, each on its day.
                    let entries: BTreeSet<(&str, NaiveDate)> = mine
                        .iter()
                        .filter(|b| b.node_key == n.node_key && b.due_on == n.due_on)
                        .map(|b| (b.kind.as_str(), beijing_date(b.created_at)))
                        .collect();
                    assert!(
                        entries.contains(&("overdue", overdue_on)),
                        "{label}: case {id}: {entries:?}"
                    );
                    assert!(
                        entries.iter().any(|e| e.0 == "warning"),
                        "{label}: case {id}: {entries:?}"
                    );
                    if lock.actor_role != "supervisor" {
                        // Locked by hand before the node went overdue: the scheduler did not
                        // lock it again.
                        assert!(beijing_date(lock.occurred_at) <= overdue_on, "{label}");
                        assert!(!entries.iter().any(|e| e.0 == "locked"), "{label}");
                        continue;
                    }
                    node_locked += 1;
                    assert!(
                        entries.contains(&("locked", overdue_on)),
                        "{label}: case {id}: {entries:?}"
                    );
                    assert_eq!(lock.actor_id, None, "{label}: the system locked");
                    assert_eq!(lock.actor_name, "系统（流程节点监管）", "{label}");
                    assert_eq!(beijing_date(lock.occurred_at), overdue_on, "{label}");
                    assert_eq!(
                        reason(&lock.payload),
                        format!(
                            "流程节点「{}」已超期（应于 {} 前完成），需经{}审批解锁",
                            def.name_zh,
                            n.due_on,
                            def.unlock_level.name_zh()
                        ),
                        "{label}"
                    );
                    // After the lock only what a locked case accepts (the default whitelist:
                    // funds received and inquiry results).
                    assert!(
                        events.iter().filter(|e| e.seq > lock.seq).all(|e| matches!(
                            e.kind.as_str(),
                            "funds_received" | "inquiry_answered"
                        )),
                        "{label}: case {id} went on after its lock"
                    );
                }
                // Every supervision lock names an overdue locking node of the case.
                for l in locks.iter().filter(|l| l.actor_role == "supervisor") {
                    assert!(
                        mine.iter().any(|b| b.kind == "locked"
                            && beijing_date(b.created_at) == beijing_date(l.occurred_at)),
                        "{label}: case {id}"
                    );
                }
            }
            eprintln!(
                "{label}: {node_locked} of {CASES} cases locked by the scheduler, {} bulletin entries",
                bulletins.len()
            );
            assert!(
                node_locked > 0,
                "{label}: {CASES} cases have no overdue six-month limit"
            );
            // Bulletins are written once per node and kind.
            let mut seen = BTreeSet::new();
            for b in &bulletins {
                assert!(
                    seen.insert((
                        b.case_id,
                        b.node_key.clone(),
                        b.kind.clone(),
                        b.due_on.clone()
                    )),
                    "{label}: twice: {b:?}"
                );
            }
            assert!(bulletins.iter().any(|b| b.kind == "warning"), "{label}");

            let report = app.verify_audit().await.unwrap();
            assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
            assert!(
                app.store.officer_loads_consistent().await.unwrap(),
                "{label}: officer loads match a recount"
            );

            // Today's tick: whatever it locks was not locked before, and nothing twice.
            let before = bulletins.len();
            let r = app.supervise_once(today).await.unwrap();
            assert_eq!(
                app.supervise_once(today).await.unwrap(),
                TickReport::default(),
                "{label}"
            );
            let after = all_bulletins(&app).await;
            assert_eq!(
                after.len() - before,
                r.warnings + r.overdue + r.locked,
                "{label}: {r:?}"
            );
            let mut seen = BTreeSet::new();
            for b in &after {
                assert!(
                    seen.insert((
                        b.case_id,
                        b.node_key.clone(),
                        b.kind.clone(),
                        b.due_on.clone()
                    )),
                    "{label}: twice after today's tick: {b:?}"
                );
            }
            for id in 1..=CASES as i64 {
                let events = app.store.case_events(id).await.unwrap();
                assert!(
                    events.iter().filter(|e| e.kind == "case_locked").count() <= 1,
                    "{label}: case {id} locked twice"
                );
            }
            let report = app.verify_audit().await.unwrap();
            assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
            assert!(
                app.store.officer_loads_consistent().await.unwrap(),
                "{label}"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn every_basic_court_has_a_command_centre_supervisor() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        // Generating again finds them and adds nobody.
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        for plan in zhixing_app::setup::JIAOZUO {
            let court = app.store.court_by_code(plan.code).await.unwrap().unwrap();
            let sups: Vec<_> = app
                .store
                .users_of_courts(&[court.id])
                .await
                .unwrap()
                .into_iter()
                .filter(|u| u.role == "supervisor")
                .collect();
            assert_eq!(sups.len(), 1, "{label}: {}", plan.name);
            assert_eq!(
                sups[0].username,
                format!("{}_supervisor", plan.short),
                "{label}"
            );
            assert_eq!(sups[0].team_id, None, "{label}");
        }
    })
    .await;
}

/// Everything the demo writes about its cases, for comparing two databases.
async fn snapshot(app: &App, cases: usize) -> Vec<String> {
    let mut out = Vec::new();
    for id in 1..=cases as i64 {
        let c = app.store.case_by_id(id).await.unwrap().unwrap();
        out.push(format!(
            "{} {} {} {} {} {:?} {:?}",
            c.case_number, c.stage, c.locked, c.version, c.recovered_fen, c.officer_id, c.closed_at
        ));
        for e in app.store.case_events(id).await.unwrap() {
            out.push(format!(
                "{} {} {:?} {} {}",
                e.occurred_at, e.kind, e.actor_id, e.actor_name, e.payload
            ));
        }
        for n in app.store.case_nodes(id).await.unwrap() {
            out.push(format!(
                "{} {} {} {:?} {:?}",
                n.node_key, n.due_on, n.status, n.next_check_on, n.completed_on
            ));
        }
    }
    for b in all_bulletins(app).await {
        out.push(format!(
            "{} {} {} {} {}",
            b.case_id, b.node_key, b.kind, b.due_on, b.created_at
        ));
    }
    out
}

#[tokio::test]
async fn the_same_seed_on_the_same_day_gives_the_same_city() {
    let options = DemoOptions {
        cases: 200,
        seed: 11,
    };
    let mut snaps = Vec::new();
    for _ in 0..2 {
        let db = test_databases().await.into_iter().next().unwrap();
        let app = App::open(&db.url).await.unwrap();
        generate_demo(&app, options).await;
        snaps.push(snapshot(&app, options.cases).await);
        app.store.close().await;
        db.cleanup().await;
    }
    assert!(snaps[0].len() > options.cases * 10);
    assert_eq!(snaps[0], snaps[1]);
}
