//! Locked cases, unlocking by escalation and extending the six-month limit, through the
//! pipeline on SQLite and PostgreSQL.

mod common;

use chrono::{Months, NaiveDate};
use common::{act, actor, each_engine, file_with_officer, generate_demo, today, user_id};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::{App, AppError};
use zhixing_domain::calendar::WorkingCalendar;
use zhixing_domain::court::CourtCode;
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;
use zhixing_domain::period::{due_date_only, PeriodLimit};
use zhixing_domain::role::Role;
use zhixing_domain::unlock::{RequestKind, RequestStatus};
use zhixing_store::nodes::NodeRow;

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

async fn conclude_node(app: &App, case_id: i64) -> NodeRow {
    app.store
        .case_nodes(case_id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.node_key == "conclude_case")
        .unwrap()
}

/// Moves the six-month node so that it is due on `due` (as if filed six months before).
async fn set_due(app: &App, case_id: i64, due: NaiveDate) {
    let mut row = conclude_node(app, case_id).await;
    row.started_on = ymd(due.checked_sub_months(Months::new(6)).unwrap());
    row.due_on = ymd(due);
    row.warn_on = ymd(due - days(15));
    row.status = "running".into();
    row.next_check_on = Some(ymd((due - days(15)).min(today())));
    let mut tx = app.store.begin_write().await.unwrap();
    tx.update_node(&row).await.unwrap();
    tx.commit().await.unwrap();
}

/// A case whose six-month node was due `overdue_by` days ago, locked by today's tick.
async fn locked_case(app: &App, overdue_by: i64) -> (i64, String) {
    let (id, officer) = file_with_officer(app).await;
    set_due(app, id, today() - days(overdue_by)).await;
    let r = app.supervise_once(today()).await.unwrap();
    assert_eq!(r.locked, 1, "{r:?}");
    assert_eq!(app.store.case_by_id(id).await.unwrap().unwrap().locked, 1);
    (id, officer)
}

async fn run(app: &App, who: &str, cmd: Command) -> Result<i64, AppError> {
    let a = actor(app, who).await;
    app.execute(&a, cmd).await.map(|o| o.id.unwrap_or_default())
}

fn ask_unlock(case_id: i64, reason: &str) -> Command {
    Command::RequestUnlock {
        case_id,
        reason: reason.into(),
    }
}

fn ask_extension(case_id: i64) -> Command {
    Command::RequestExtension {
        case_id,
        reason: "被执行人房产已进入拍卖程序，需延长执行期限".into(),
    }
}

fn decide(request_id: i64, approve: bool, reason: &str, due: Option<NaiveDate>) -> Command {
    Command::DecideNodeRequest {
        request_id,
        approve,
        reason: reason.into(),
        new_due_on: due,
    }
}

/// A user's notifications about requests and decisions (the scheduler sends others), oldest
/// first.
async fn notifications(app: &App, username: &str) -> Vec<(String, String)> {
    let uid = user_id(app, username).await;
    notifications_of(app, uid).await
}

async fn notifications_of(app: &App, uid: i64) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = app
        .store
        .notifications(uid, false, 1000, 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.kind.starts_with("unlock_") || n.kind.starts_with("extension_"))
        .map(|n| (n.kind, n.title_zh))
        .collect();
    v.reverse();
    v
}

/// Everything a refused command must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    events: i64,
    requests: i64,
    case: (i64, i64),
    node: NodeRow,
    request_rows: Vec<(String, Option<String>)>,
    notes: usize,
}

async fn snapshot(app: &App, case_id: i64) -> Snapshot {
    let case = app.store.case_by_id(case_id).await.unwrap().unwrap();
    let mut notes = 0;
    for u in ["jz_supervisor", "mz_yz", "hn_supervisor", "mz_chief"] {
        notes += notifications(app, u).await.len();
    }
    if let Some(o) = case.officer_id {
        notes += notifications_of(app, o).await.len();
    }
    Snapshot {
        events: app.store.count_events().await.unwrap(),
        requests: app.store.count_node_requests().await.unwrap(),
        case: (case.version, case.locked),
        node: conclude_node(app, case_id).await,
        request_rows: app
            .store
            .node_requests_of_case(case_id)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.request.status, r.request.new_due_on))
            .collect(),
        notes,
    }
}

/// Another city's intermediate court with a supervisor, and a supervisor at a sibling basic
/// court (山阳) of the case's court.
async fn outsiders(app: &App) {
    let sys = zhixing_app::Actor::system(app);
    let zhengzhou = app
        .execute(
            &sys,
            Command::RegisterCourt {
                code: CourtCode::parse("豫01").unwrap(),
                name: "郑州市中级人民法院".into(),
            },
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let sys = zhixing_app::Actor::system(app);
    let hash = zhixing_app::auth::hash_password(common_password()).unwrap();
    // The sibling court's supervisor is the demo city's own (`sy_supervisor`).
    app.execute(
        &sys,
        Command::CreateUser {
            court_id: zhengzhou,
            team_id: None,
            username: "zhengzhou_supervisor".into(),
            display_name: "外院监督员".into(),
            role: Role::Supervisor,
            password_hash: hash,
        },
    )
    .await
    .unwrap();
}

fn common_password() -> &'static str {
    zhixing_app::setup::DEMO_PASSWORD
}

#[tokio::test]
async fn a_locked_case_accepts_its_whitelist_and_names_the_overdue_node() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let (id, officer) = locked_case(&app, 3).await;
        let due = ymd(today() - days(3));

        // Money that arrives and inquiry results are recorded on a locked case.
        act(&app, &officer, id, CaseAction::ReceiveFunds { amount: Fen(5_000) })
            .await
            .unwrap();
        act(
            &app,
            "mz_clerk",
            id,
            CaseAction::RecordInquiry {
                summary: "查询到银行存款 50 元".into(),
            },
        )
        .await
        .unwrap();
        let case = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!((case.locked, case.held_fen), (1, 5_000), "{label}");

        // Anything else: refused, naming the node, its due date and how to unlock.
        let err = act(&app, "mz_clerk", id, CaseAction::IssueNotice)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "case.locked", "{label}");
        assert_eq!(err.status(), 423);
        assert_eq!(
            err.message_zh(),
            format!(
                "案件因流程节点「执行期限（结案）」超期（应于 {due} 前完成）已锁定，除登记到账案款、录入查控结果、添加卷宗材料外不能办理；请承办人提出解锁申请，由中级人民法院审批"
            ),
            "{label}"
        );
        assert!(
            err.message_en().contains("\"Conclude the case\" is overdue")
                && err.message_en().contains("the intermediate court decides"),
            "{label}: {}",
            err.message_en()
        );
        // A stale version still answers "locked" first.
        let chief = actor(&app, "mz_chief").await;
        let err = app
            .execute(
                &chief,
                Command::Case {
                    case_id: id,
                    version: 1,
                    action: CaseAction::Suspend {
                        reason: "测试".into(),
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "case.locked", "{label}");

        // A lock by an overdue node is not lifted by a plain unlock, even from above.
        let err = act(
            &app,
            "jz_supervisor",
            id,
            CaseAction::Unlock {
                reason: "直接解锁".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "case.unlock_needs_request", "{label}");
        assert!(err.message_zh().contains("中级人民法院审批"), "{label}");
        assert_eq!(app.store.case_by_id(id).await.unwrap().unwrap().locked, 1);

        // The case page's panel says the same and offers the request to the officer only.
        let o = actor(&app, &officer).await;
        let panel = app.case_node_requests(&o, id).await.unwrap();
        assert!(panel.locked && panel.may_request_unlock, "{label}");
        assert!(panel
            .lock_message_zh
            .as_deref()
            .unwrap()
            .contains("「执行期限（结案）」"));
        assert_eq!(panel.extension, None, "{label}");
        let clerk = actor(&app, "mz_clerk").await;
        assert!(!app.case_node_requests(&clerk, id).await.unwrap().may_request_unlock);
        let other = actor(&app, "mz_t2_officer1").await;
        if other.user_id != o.user_id {
            assert!(!app.case_node_requests(&other, id).await.unwrap().may_request_unlock);
        }
        assert!(app.verify_audit().await.unwrap().broken.is_none(), "{label}");
    })
    .await;
}

#[tokio::test]
async fn the_officer_asks_and_the_intermediate_court_unlocks_with_a_new_deadline() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let (id, officer) = locked_case(&app, 4).await;
        let jz = app.store.court_by_code("豫08").await.unwrap().unwrap().id;

        // Only the case's people ask: a clerk may not; nor a judge of another court.
        let err = run(&app, "mz_clerk", ask_unlock(id, "x"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
        let err = run(&app, "sy_t1_judge", ask_unlock(id, "x"))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{label}: {err:?}");
        let err = run(&app, &officer, ask_unlock(id, "  ")).await.unwrap_err();
        assert_eq!(err.code(), "node_request.reason_required", "{label}");

        let req = run(
            &app,
            &officer,
            ask_unlock(id, "被执行人房产已拍卖成交，待款项到账后结案"),
        )
        .await
        .unwrap();
        let rows = app.store.node_requests_of_case(id).await.unwrap();
        assert_eq!(rows.len(), 1, "{label}");
        let r = &rows[0].request;
        assert_eq!(
            (r.id, r.kind.as_str(), r.status.as_str(), r.level.as_str()),
            (req, "unlock", "pending", "intermediate_court"),
            "{label}"
        );
        assert_eq!(r.approver_court_id, jz, "{label}");
        assert_eq!(
            r.requested_due_on.as_deref(),
            Some(ymd(today() - days(4)).as_str())
        );
        let events = app.store.case_events(id).await.unwrap();
        let asked = events
            .iter()
            .rfind(|e| e.kind == "unlock_requested")
            .unwrap();
        assert!(asked.payload.contains("被执行人房产已拍卖成交"), "{label}");
        // The intermediate court's supervisor hears of it; the basic court's chief does not.
        let notes = notifications(&app, "jz_supervisor").await;
        assert_eq!(notes.len(), 1, "{label}: {notes:?}");
        assert_eq!(notes[0].0, "unlock_requested");
        assert!(
            notes[0].1.contains("执行期限（结案）"),
            "{label}: {notes:?}"
        );
        assert!(notifications(&app, "mz_chief").await.is_empty());
        // A second request waits for the first; the lock message says it is pending.
        let err = run(&app, &officer, ask_unlock(id, "再次申请"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "node_request.pending", "{label}");
        let err = act(&app, "mz_clerk", id, CaseAction::IssueNotice)
            .await
            .unwrap_err();
        assert!(
            err.message_zh()
                .contains("解锁申请已提出，待中级人民法院审批"),
            "{label}: {}",
            err.message_zh()
        );

        // It is on the supervisor's approvals list with the days overdue.
        let sup = actor(&app, "jz_supervisor").await;
        let list = app
            .node_requests_to_decide(&sup, Some(RequestStatus::Pending))
            .await
            .unwrap();
        assert_eq!(list.len(), 1, "{label}");
        assert_eq!(list[0].days_overdue, 4, "{label}");
        assert_eq!(list[0].kind, RequestKind::Unlock);
        assert_eq!(list[0].node_name_zh, "执行期限（结案）");
        let chief = actor(&app, "mz_chief").await;
        assert!(app
            .node_requests_to_decide(&chief, Some(RequestStatus::Pending))
            .await
            .unwrap()
            .is_empty());
        let o = actor(&app, &officer).await;
        assert_eq!(
            app.node_requests_to_decide(&o, None)
                .await
                .unwrap_err()
                .status(),
            403
        );

        // Approved with a new deadline: unlocked, the node running to the new date.
        let new_due = today() + days(20);
        let before = app.store.count_events().await.unwrap();
        run(
            &app,
            "jz_supervisor",
            decide(req, true, "同意，限期结案", Some(new_due)),
        )
        .await
        .unwrap();
        let case = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!(case.locked, 0, "{label}");
        let node = conclude_node(&app, id).await;
        assert_eq!(node.status, "running", "{label}");
        assert_eq!(node.due_on, ymd(new_due), "{label}");
        assert_eq!(
            node.deadline_override.as_deref(),
            Some(ymd(new_due).as_str())
        );
        assert_eq!(node.warn_on, ymd(new_due - days(15)));
        assert_eq!(node.next_check_on.as_deref(), Some(node.warn_on.as_str()));
        let r = app.store.node_request(req).await.unwrap().unwrap();
        assert_eq!(r.status, "approved", "{label}");
        assert_eq!(r.decided_by, sup.user_id);
        assert_eq!(r.new_due_on.as_deref(), Some(ymd(new_due).as_str()));
        assert_eq!(r.decision_reason.as_deref(), Some("同意，限期结案"));
        // Two events: the decision, then the unlock through the pipeline, both by the
        // supervisor.
        assert_eq!(
            app.store.count_events().await.unwrap(),
            before + 2,
            "{label}"
        );
        let events = app.store.case_events(id).await.unwrap();
        let n = events.len();
        assert_eq!(
            (events[n - 2].kind.as_str(), events[n - 1].kind.as_str()),
            ("unlock_approved", "case_unlocked"),
            "{label}"
        );
        assert!(events[n - 1].payload.contains(&ymd(new_due)));
        assert_eq!(events[n - 1].actor_id, sup.user_id);
        let timeline = app.case_timeline(&o, id).await.unwrap();
        assert!(
            timeline
                .iter()
                .any(|e| e.text_zh
                    == format!("批准解锁：新的期限 {}（同意，限期结案）", ymd(new_due))),
            "{label}"
        );
        // The officer (requester and case officer: one notice) hears of it.
        let notes = notifications(&app, &officer).await;
        assert_eq!(notes.len(), 1, "{label}: {notes:?}");
        assert_eq!(notes[0].0, "unlock_approved");
        assert!(notes[0].1.contains(&ymd(new_due)));
        // Work goes on.
        act(&app, "mz_clerk", id, CaseAction::IssueNotice)
            .await
            .unwrap();
        assert!(app
            .node_requests_to_decide(&sup, Some(RequestStatus::Pending))
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            app.node_requests_to_decide(&sup, None).await.unwrap()[0].status,
            RequestStatus::Approved
        );

        // After the new deadline the tick locks the case again.
        let r = app.supervise_once(new_due + days(1)).await.unwrap();
        assert_eq!(r.locked, 1, "{label}: {r:?}");
        assert_eq!(app.store.case_by_id(id).await.unwrap().unwrap().locked, 1);
        let events = app.store.case_events(id).await.unwrap();
        assert!(
            events.last().unwrap().payload.contains(&ymd(new_due)),
            "{label}"
        );
        // And a new request may be made.
        run(&app, &officer, ask_unlock(id, "拍卖款尚未到账"))
            .await
            .unwrap();
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn wrong_approvers_bad_decisions_and_needless_requests_change_nothing() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        outsiders(&app).await;
        // A request on a case that is not locked.
        let (free, free_officer) = file_with_officer(&app).await;
        let before = snapshot(&app, free).await;
        let err = run(&app, &free_officer, ask_unlock(free, "申请解锁"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "node_request.not_locked", "{label}");
        assert_eq!(snapshot(&app, free).await, before, "{label}");

        let (id, officer) = locked_case(&app, 2).await;
        let req = run(&app, &officer, ask_unlock(id, "申请解锁"))
            .await
            .unwrap();
        let due = Some(today() + days(30));
        let before = snapshot(&app, id).await;

        // The basic court's bureau chief and president: the wrong level.
        for who in ["mz_chief", "mz_yz"] {
            let err = run(&app, who, decide(req, true, "", due))
                .await
                .unwrap_err();
            assert_eq!(err.status(), 403, "{label}: {who}");
            assert!(
                err.message_zh().starts_with("需由中级人民法院审批"),
                "{label}: {}",
                err.message_zh()
            );
            assert!(err.message_en().contains("the intermediate court"));
        }
        // The high court's supervisor: above, but not the court that decides.
        let err = run(&app, "hn_supervisor", decide(req, true, "", due))
            .await
            .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
        assert!(err.message_zh().contains("焦作市中级人民法院"), "{label}");
        // Another city's supervisor and a sibling court's do not even see it.
        for who in ["zhengzhou_supervisor", "sy_supervisor"] {
            let err = run(&app, who, decide(req, true, "", due))
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::NotFound), "{label}: {who}: {err:?}");
        }
        // Neither role decides at all.
        let err = run(&app, &officer, decide(req, true, "", due))
            .await
            .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
        // Deadlines today, in the past, missing; a refusal without a reason.
        for (bad, code) in [
            (Some(today()), "node_request.deadline_not_future"),
            (Some(today() - days(1)), "node_request.deadline_not_future"),
            (None, "node_request.deadline_required"),
        ] {
            let err = run(&app, "jz_supervisor", decide(req, true, "同意", bad))
                .await
                .unwrap_err();
            assert_eq!(err.code(), code, "{label}: {bad:?}");
            assert!(!err.message_zh().is_empty() && !err.message_en().is_empty());
        }
        let err = run(&app, "jz_supervisor", decide(req, false, " ", None))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "node_request.reason_required", "{label}");
        let err = run(&app, "jz_supervisor", decide(req + 1000, true, "", due))
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound), "{label}");
        assert_eq!(snapshot(&app, id).await, before, "{label}");

        // Refused: the case stays locked, the reason is recorded, the officer told.
        run(
            &app,
            "jz_supervisor",
            decide(req, false, "理由不充分", None),
        )
        .await
        .unwrap();
        let r = app.store.node_request(req).await.unwrap().unwrap();
        assert_eq!(
            (r.status.as_str(), r.decision_reason.as_deref()),
            ("refused", Some("理由不充分")),
            "{label}"
        );
        assert_eq!(app.store.case_by_id(id).await.unwrap().unwrap().locked, 1);
        assert_eq!(conclude_node(&app, id).await, before.node, "{label}");
        let events = app.store.case_events(id).await.unwrap();
        let refused = events.last().unwrap();
        assert_eq!(refused.kind, "unlock_refused", "{label}");
        assert!(refused.payload.contains("理由不充分"));
        let notes = notifications(&app, &officer).await;
        assert_eq!(notes.last().unwrap().0, "unlock_refused", "{label}");

        // Deciding again, either way: refused as decided, nothing changes.
        let before = snapshot(&app, id).await;
        for approve in [true, false] {
            let err = run(&app, "jz_supervisor", decide(req, approve, "再审", due))
                .await
                .unwrap_err();
            assert_eq!(err.code(), "node_request.decided", "{label}");
        }
        assert_eq!(snapshot(&app, id).await, before, "{label}");

        // Asked again and approved once; approving twice is refused.
        let again = run(
            &app,
            &officer,
            ask_unlock(id, "补充理由：已与申请执行人和解"),
        )
        .await
        .unwrap();
        run(&app, "jz_supervisor", decide(again, true, "", due))
            .await
            .unwrap();
        let before = snapshot(&app, id).await;
        let err = run(&app, "jz_supervisor", decide(again, true, "", due))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "node_request.decided", "{label}");
        assert_eq!(snapshot(&app, id).await, before, "{label}");
        assert_eq!(before.case.1, 0, "{label}: unlocked");
        // And a request on the now unlocked case is refused.
        let err = run(&app, &officer, ask_unlock(id, "再解锁"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "node_request.not_locked", "{label}");
        assert_eq!(snapshot(&app, id).await, before, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn extensions_need_five_days_the_president_then_the_high_court() {
    each_engine(None, |app, label| async move {
        generate_demo(&app, DemoOptions { cases: 0, seed: 7 }).await;
        let (id, officer) = file_with_officer(&app).await;
        let mz = app.store.court_by_code("豫0883").await.unwrap().unwrap().id;
        let high = app.store.court_by_code("豫").await.unwrap().unwrap().id;

        // Four days before the due date is too late (SPC 2006 art. 1).
        set_due(&app, id, today() + days(4)).await;
        let before = snapshot(&app, id).await;
        let err = run(&app, &officer, ask_extension(id)).await.unwrap_err();
        assert_eq!(err.code(), "node_request.extension_too_late", "{label}");
        assert!(
            err.message_zh().contains("5 日前"),
            "{label}: {}",
            err.message_zh()
        );
        assert_eq!(snapshot(&app, id).await, before, "{label}");

        // Thirty days before: the president decides.
        set_due(&app, id, today() + days(30)).await;
        let o = actor(&app, &officer).await;
        let offer = app
            .case_node_requests(&o, id)
            .await
            .unwrap()
            .extension
            .unwrap();
        assert_eq!(offer.months, 3);
        assert_eq!(offer.level.key(), "president", "{label}");
        assert_eq!(offer.last_day, today() + days(25));
        let req = run(&app, &officer, ask_extension(id)).await.unwrap();
        let r = app.store.node_request(req).await.unwrap().unwrap();
        assert_eq!(
            (r.kind.as_str(), r.level.as_str(), r.approver_court_id),
            ("extension", "president", mz),
            "{label}"
        );
        assert_eq!(r.requested_months, Some(3));
        assert_eq!(notifications(&app, "mz_yz").await.len(), 1, "{label}");
        assert!(app
            .case_node_requests(&o, id)
            .await
            .unwrap()
            .extension
            .is_none());
        let before = snapshot(&app, id).await;
        for who in ["mz_chief", "jz_supervisor", "hn_supervisor"] {
            let err = run(&app, who, decide(req, true, "", None))
                .await
                .unwrap_err();
            assert_eq!(err.status(), 403, "{label}: {who}");
            assert!(err.message_zh().contains("本院院长"), "{label}");
        }
        assert_eq!(snapshot(&app, id).await, before, "{label}");
        run(&app, "mz_yz", decide(req, true, "同意延长三个月", None))
            .await
            .unwrap();
        let node = conclude_node(&app, id).await;
        let started = NaiveDate::parse_from_str(&node.started_on, "%Y-%m-%d").unwrap();
        let cal = WorkingCalendar::official_ref();
        let nine = due_date_only(started, PeriodLimit::Months(9), cal, 0).unwrap();
        assert_eq!(node.extension_months, 3, "{label}");
        assert_eq!(node.due_on, ymd(nine), "{label}");
        assert_eq!(node.status, "running", "{label}");
        assert_eq!(node.deadline_override, None);
        let events = app.store.case_events(id).await.unwrap();
        let ok = events.last().unwrap();
        assert_eq!(ok.kind, "extension_approved", "{label}");
        assert!(ok.payload.contains(&ymd(nine)) && ok.payload.contains("\"months\":3"));
        let notes = notifications(&app, &officer).await;
        assert_eq!(notes.last().unwrap().0, "extension_approved", "{label}");
        assert_eq!(app.store.case_by_id(id).await.unwrap().unwrap().locked, 0);

        // The second extension goes to the high court.
        let req2 = run(&app, &officer, ask_extension(id)).await.unwrap();
        let r = app.store.node_request(req2).await.unwrap().unwrap();
        assert_eq!(
            (r.level.as_str(), r.approver_court_id),
            ("high_court", high),
            "{label}"
        );
        assert_eq!(
            notifications(&app, "hn_supervisor").await.len(),
            1,
            "{label}"
        );
        for who in ["mz_yz", "jz_supervisor"] {
            let err = run(&app, who, decide(req2, true, "", None))
                .await
                .unwrap_err();
            assert_eq!(err.status(), 403, "{label}: {who}");
            assert!(
                err.message_zh().starts_with("需由高级人民法院审批"),
                "{label}"
            );
        }
        let hn = actor(&app, "hn_supervisor").await;
        assert_eq!(
            app.node_requests_to_decide(&hn, Some(RequestStatus::Pending))
                .await
                .unwrap()
                .len(),
            1,
            "{label}"
        );
        run(&app, "hn_supervisor", decide(req2, true, "", None))
            .await
            .unwrap();
        let node = conclude_node(&app, id).await;
        assert_eq!(node.extension_months, 6, "{label}");
        assert_eq!(
            node.due_on,
            ymd(due_date_only(started, PeriodLimit::Months(12), cal, 0).unwrap()),
            "{label}"
        );
        // A refused extension leaves the node alone.
        let req3 = run(&app, &officer, ask_extension(id)).await.unwrap();
        run(
            &app,
            "hn_supervisor",
            decide(req3, false, "无正当理由", None),
        )
        .await
        .unwrap();
        assert_eq!(conclude_node(&app, id).await, node, "{label}");
        assert_eq!(
            app.store
                .case_events(id)
                .await
                .unwrap()
                .last()
                .unwrap()
                .kind,
            "extension_refused"
        );
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
    })
    .await;
}
