//! Asset inquiry and control (财产查控, 控制措施) on both engines: the simulated network's
//! determinism and delay, results stored and shown, term caps refused with nothing stored,
//! renewal before and after expiry, lifting, the carry-over of a preservation measure, only
//! debtors, lead deadlines, the renewal node's warning, permissions and court scope, and the
//! applicant's summary without account numbers.

mod common;

use std::sync::Arc;

use chrono::{Duration, Months};
use common::*;
use zhixing_app::assets::{
    CarryInput, ControlInput, FindingDetails, FindingInput, LeadInput, VerifyInput, INQUIRY_LEASE,
};
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::inquiry::SIMULATED_SLOW_MS;
use zhixing_app::messenger::SimulatedMessenger;
use zhixing_app::{App, AppError};
use zhixing_domain::asset::{AssetKind, ControlKind, LeadOutcome};
use zhixing_domain::case::CaseType;
use zhixing_domain::money::Fen;
use zhixing_store::assets::MeasureRow;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 7 };

fn code(r: Result<impl std::fmt::Debug, AppError>) -> String {
    r.unwrap_err().code().to_string()
}

/// A case of the 孟州 court whose applicant has a phone; returns (case id, debtor, applicant).
async fn case(app: &App) -> (i64, i64, i64) {
    let id = file_as(app, "mz_clerk", |court| FileCase {
        applicants: vec![person("张三", "41088319800101123", Some("13800138000"))],
        ..filing(court)
    })
    .await;
    parties(app, id).await
}

async fn parties(app: &App, case_id: i64) -> (i64, i64, i64) {
    let ps = app.store.case_parties(case_id).await.unwrap();
    let debtor = ps.iter().find(|p| p.role == "debtor").unwrap().party_id;
    let applicant = ps.iter().find(|p| p.role == "applicant").unwrap().party_id;
    (case_id, debtor, applicant)
}

fn deposit(identifier: &str, yuan: i64) -> FindingDetails {
    FindingDetails {
        kind: AssetKind::BankDeposit,
        institution: "中国工商银行焦作分行".into(),
        description: "活期储蓄账户".into(),
        identifier: identifier.into(),
        amount: Some(Fen::from_yuan(yuan)),
    }
}

async fn record(
    app: &App,
    who: &str,
    case_id: i64,
    party_id: i64,
    d: FindingDetails,
) -> Result<i64, AppError> {
    let a = actor(app, who).await;
    app.execute(
        &a,
        Command::RecordFinding(Box::new(FindingInput {
            case_id,
            party_id,
            details: d,
            found_on: today(),
        })),
    )
    .await
    .map(|o| o.id.unwrap())
}

async fn place(
    app: &App,
    finding_id: i64,
    control: ControlKind,
    months: u32,
    start: chrono::NaiveDate,
) -> Result<i64, AppError> {
    let a = actor(app, "mz_clerk").await;
    app.execute(
        &a,
        Command::PlaceControl(Box::new(ControlInput {
            finding_id,
            control,
            amount: None,
            months,
            start_on: start,
        })),
    )
    .await
    .map(|o| o.id.unwrap())
}

async fn measure(app: &App, id: i64) -> MeasureRow {
    app.store.control_measure(id).await.unwrap().unwrap()
}

async fn event_kinds(app: &App, case_id: i64) -> Vec<String> {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// Of several processes serving one database, only the holder of the `inquiries` lease runs
/// the loop's tick (no task goes to the provider twice); the others skip it, and the holder
/// releases the lease at the end of its tick.
#[tokio::test]
async fn the_inquiry_loop_runs_under_one_lease() {
    each_engine(DEMO, |app, label| async move {
        let (id, _, _) = case(&app).await;
        let t0 = zhixing_store::now_ms();
        let submitted = |app: App| async move {
            app.store.case_inquiry_tasks(id).await.unwrap()[0]
                .provider_ticket
                .is_some()
        };
        assert!(app
            .store
            .acquire_lease(INQUIRY_LEASE, "another-process", 60_000)
            .await
            .unwrap());
        assert_eq!(app.inquiry_tick(t0).await.unwrap(), None, "{label}");
        assert!(!submitted(app.clone()).await, "{label}: nothing submitted");
        app.store
            .release_lease(INQUIRY_LEASE, "another-process")
            .await
            .unwrap();
        let tick = app.inquiry_tick(t0).await.unwrap();
        assert_eq!(tick.map(|t| t.polled), Some(1), "{label}: {tick:?}");
        assert!(submitted(app.clone()).await, "{label}");
        // Released at the end of the tick: another process may take it at once.
        assert!(app
            .store
            .acquire_lease(INQUIRY_LEASE, "another-process", 60_000)
            .await
            .unwrap());

        // The 立即查询 button too: while the loop holds the lease it leaves the case's new round
        // due for the loop and submits nothing itself; once free, it runs at once.
        app.process_inquiries(t0 + SIMULATED_SLOW_MS + 1, 500)
            .await
            .unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        app.execute(&clerk, Command::RunInquiry { case_id: id })
            .await
            .unwrap();
        let tasks = app.store.case_inquiry_tasks(id).await.unwrap();
        assert_eq!(tasks.len(), 2, "{label}: a new round");
        assert!(
            tasks.iter().any(|t| t.provider_ticket.is_none()),
            "{label}: the new round waits for the loop"
        );
        app.store
            .release_lease(INQUIRY_LEASE, "another-process")
            .await
            .unwrap();
        app.execute(&clerk, Command::RunInquiry { case_id: id })
            .await
            .unwrap();
        let tasks = app.store.case_inquiry_tasks(id).await.unwrap();
        assert_eq!(tasks.len(), 2, "{label}: the waiting round, not another");
        assert!(
            tasks.iter().all(|t| t.provider_ticket.is_some()),
            "{label}: submitted"
        );
        // And gave the lease back.
        assert!(app
            .store
            .acquire_lease(INQUIRY_LEASE, "another-process", 60_000)
            .await
            .unwrap());
    })
    .await;
}

#[tokio::test]
async fn the_simulated_network_answers_deterministically_and_slow_kinds_later() {
    each_engine(DEMO, |app, label| async move {
        let (id, _, _) = case(&app).await;
        let t0 = zhixing_store::now_ms();
        // Filing's task carries the debtor's identity and the case number for the request.
        let due = app
            .store
            .due_inquiry_tasks(t0, Some(id), None, 10)
            .await
            .unwrap();
        let parties = app.store.case_parties(id).await.unwrap();
        let number = case_number(&app, id).await;
        let expected: Vec<(String, String)> = parties
            .iter()
            .filter(|p| p.role == "debtor")
            .map(|p| (p.id_number.clone(), number.clone()))
            .collect();
        assert_eq!(
            due.iter()
                .map(|d| (d.id_number.clone(), d.case_number.clone()))
                .collect::<Vec<_>>(),
            expected,
            "{label}"
        );
        let r = app.process_inquiries(t0, 100).await.unwrap();
        assert_eq!(
            (r.submitted, r.polled, r.completed, r.cases),
            (1, 1, 0, 1),
            "{label}: {r:?}"
        );
        let tasks = app.store.case_inquiry_tasks(id).await.unwrap();
        assert_eq!(tasks[0].status, "submitted", "{label}");
        assert!(
            tasks[0]
                .provider_ticket
                .as_deref()
                .unwrap()
                .starts_with("SIM-"),
            "{label}"
        );
        let answers = app.inquiry_answers(id).await.unwrap();
        assert_eq!(
            answers.len(),
            6,
            "{label}: real estate and shares are awaited"
        );
        assert!(!answers.iter().any(|a| a.kind == "real_estate"), "{label}");
        let first_findings = app.store.asset_findings(id).await.unwrap();

        // Nothing is due again before the next poll; a poll before the delay changes nothing.
        let r = app.process_inquiries(t0 + 1_000, 100).await.unwrap();
        assert_eq!(r.polled, 0, "{label}");
        // After the delay: everything answered, the task done.
        let r = app
            .process_inquiries(t0 + SIMULATED_SLOW_MS + 1, 100)
            .await
            .unwrap();
        assert_eq!((r.submitted, r.polled, r.completed), (0, 1, 1), "{label}");
        let answers = app.inquiry_answers(id).await.unwrap();
        assert_eq!(
            answers.len(),
            8,
            "{label}: every kind answered, \"nothing found\" included"
        );
        let tasks = app.store.case_inquiry_tasks(id).await.unwrap();
        assert_eq!(tasks[0].status, "done", "{label}");
        let all = app.store.asset_findings(id).await.unwrap();
        assert!(all.len() >= first_findings.len(), "{label}");
        assert!(all.iter().all(|f| f.source == "network"), "{label}");

        // The same debtor in another case: the same answers.
        let (other, _, _) = case(&app).await;
        let t1 = zhixing_store::now_ms();
        app.process_inquiries(t1, 100).await.unwrap();
        app.process_inquiries(t1 + SIMULATED_SLOW_MS, 100)
            .await
            .unwrap();
        let shape = |v: Vec<zhixing_store::assets::FindingRow>| {
            let mut s: Vec<(String, String, Option<i64>)> = v
                .into_iter()
                .map(|f| (f.kind, f.identifier, f.amount_fen))
                .collect();
            s.sort();
            s
        };
        assert_eq!(
            shape(all),
            shape(app.store.asset_findings(other).await.unwrap()),
            "{label}"
        );

        // The page shows the tasks, answers and the event.
        let clerk = actor(&app, "mz_clerk").await;
        let v = app.case_assets(&clerk, id).await.unwrap();
        assert!(!v.inquiry_open && v.may_edit, "{label}");
        assert_eq!(v.answers.len(), 8, "{label}");
        assert!(
            event_kinds(&app, id)
                .await
                .iter()
                .filter(|k| *k == "inquiry_answered")
                .count()
                >= 2,
            "{label}"
        );

        // 立即查询 on a case whose inquiry is complete starts a new round.
        app.execute(&clerk, Command::RunInquiry { case_id: id })
            .await
            .unwrap();
        let tasks = app.store.case_inquiry_tasks(id).await.unwrap();
        assert_eq!(tasks.len(), 2, "{label}");
        assert_eq!(tasks[1].status, "submitted", "{label}");
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}

#[tokio::test]
async fn terms_over_the_cap_are_refused_and_measures_renew_and_lift() {
    each_engine(DEMO, |app, label| async move {
        let (id, debtor, _) = case(&app).await;
        let f = record(
            &app,
            "mz_clerk",
            id,
            debtor,
            deposit("6222020200112233445", 12_000),
        )
        .await
        .unwrap();
        let before = event_kinds(&app, id).await.len();

        // 13 months on a deposit: refused, the cap and the rule named, nothing stored.
        let e = place(&app, f, ControlKind::Freeze, 13, today())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "control.term_over_cap", "{label}");
        assert!(
            e.message_zh().contains("12 个月") && e.message_zh().contains("第四百八十五条"),
            "{label}: {}",
            e.message_zh()
        );
        assert!(
            app.store.control_measures(id).await.unwrap().is_empty(),
            "{label}"
        );
        assert_eq!(event_kinds(&app, id).await.len(), before, "{label}");
        // A seal does not fit a deposit.
        assert_eq!(
            code(place(&app, f, ControlKind::Seal, 6, today()).await),
            "control.kind_mismatch",
            "{label}"
        );

        // A 12-month freeze; renewal runs from the old end date.
        let m = place(&app, f, ControlKind::Freeze, 12, today())
            .await
            .unwrap();
        let placed = measure(&app, m).await;
        let end = today().checked_add_months(Months::new(12)).unwrap();
        assert_eq!(
            placed.end_on.as_deref(),
            Some(end.to_string().as_str()),
            "{label}"
        );
        let clerk = actor(&app, "mz_clerk").await;
        app.execute(
            &clerk,
            Command::RenewControl {
                measure_id: m,
                version: 1,
                months: 12,
            },
        )
        .await
        .unwrap();
        let renewed = measure(&app, m).await;
        let new_end = end.checked_add_months(Months::new(12)).unwrap();
        assert_eq!(
            renewed.end_on.as_deref(),
            Some(new_end.to_string().as_str()),
            "{label}"
        );
        assert_eq!(renewed.status, "in_force", "{label}");
        assert_eq!(
            app.store.control_renewals(id).await.unwrap().len(),
            1,
            "{label}"
        );
        // A stale version is refused.
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    Command::RenewControl {
                        measure_id: m,
                        version: 1,
                        months: 6
                    }
                )
                .await
            ),
            "conflict",
            "{label}"
        );

        // Lifting: a reason is required; once lifted, neither renewal nor lifting.
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    Command::LiftControl {
                        measure_id: m,
                        version: 2,
                        reason: " ".into()
                    }
                )
                .await
            ),
            "control.reason_required",
            "{label}"
        );
        app.execute(
            &clerk,
            Command::LiftControl {
                measure_id: m,
                version: 2,
                reason: "被执行人已履行".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(measure(&app, m).await.status, "lifted", "{label}");
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    Command::RenewControl {
                        measure_id: m,
                        version: 3,
                        months: 6
                    }
                )
                .await
            ),
            "control.not_in_force",
            "{label}"
        );

        // A measure whose term ended yesterday has lapsed: no renewal, no lifting.
        let mut tx = app.store.begin_write().await.unwrap();
        let lapsed = tx
            .insert_control_measure(&MeasureRow {
                start_on: (today() - Duration::days(400)).to_string(),
                end_on: Some((today() - Duration::days(1)).to_string()),
                status: "in_force".into(),
                ..placed.clone()
            })
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    Command::RenewControl {
                        measure_id: lapsed,
                        version: 1,
                        months: 6
                    }
                )
                .await
            ),
            "control.expired",
            "{label}"
        );
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    Command::LiftControl {
                        measure_id: lapsed,
                        version: 1,
                        reason: "x".into()
                    }
                )
                .await
            ),
            "control.expired",
            "{label}"
        );
        let v = app.case_assets(&clerk, id).await.unwrap();
        let shown = v.measures.iter().find(|x| x.row.id == lapsed).unwrap();
        assert_eq!(shown.status.key(), "expired", "{label}");
        assert_eq!(shown.days_left, Some(-1), "{label}");
        let kinds = event_kinds(&app, id).await;
        for k in [
            "asset_found",
            "asset_controlled",
            "control_renewed",
            "control_lifted",
        ] {
            assert!(kinds.iter().any(|x| x == k), "{label}: {k} in {kinds:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_preservation_measure_carries_over_with_its_term() {
    each_engine(DEMO, |app, label| async move {
        let pres = file_as(&app, "mz_clerk", |court| FileCase {
            case_type: CaseType::Preservation,
            ..filing(court)
        })
        .await;
        let pres_number = case_number(&app, pres).await;
        let (id, debtor, _) = case(&app).await;
        let f = record(
            &app,
            "mz_clerk",
            id,
            debtor,
            deposit("6222020200112233445", 5_000),
        )
        .await
        .unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        let carry = |start, end, number: &str| {
            Command::CarryOverControl(Box::new(CarryInput {
                finding_id: f,
                control: ControlKind::Freeze,
                amount: Some(Fen::from_yuan(5_000)),
                start_on: start,
                end_on: end,
                from_case_number: number.to_string(),
            }))
        };
        let start = today() - Duration::days(100);
        let end = today() + Duration::days(200);
        let m = app
            .execute(&clerk, carry(start, end, &pres_number))
            .await
            .unwrap()
            .id
            .unwrap();
        let row = measure(&app, m).await;
        assert_eq!(
            (row.start_on.clone(), row.end_on.clone()),
            (start.to_string(), Some(end.to_string())),
            "{label}"
        );
        assert_eq!(row.carried_from_case_id, Some(pres), "{label}");
        // Expired already: refused; an unknown case: refused.
        assert_eq!(
            code(
                app.execute(
                    &clerk,
                    carry(
                        today() - Duration::days(300),
                        today() - Duration::days(2),
                        &pres_number
                    )
                )
                .await
            ),
            "control.expired",
            "{label}"
        );
        assert_eq!(
            code(
                app.execute(&clerk, carry(start, end, "（2025）豫0883执保999号"))
                    .await
            ),
            "control.carry_source",
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn only_debtors_leads_are_due_in_seven_or_three_days_and_verified() {
    each_engine(DEMO, |app, label| async move {
        let (id, debtor, applicant) = case(&app).await;
        // Findings, measures and leads concern debtors only.
        assert_eq!(
            code(record(&app, "mz_clerk", id, applicant, deposit("1", 1)).await),
            "asset.not_debtor",
            "{label}"
        );
        let clerk = actor(&app, "mz_clerk").await;
        let lead = |party_id, urgent, received| {
            Command::FileAssetLead(Box::new(LeadInput {
                case_id: id,
                party_id,
                kind: Some(AssetKind::Vehicle),
                description: "被执行人有一辆小轿车停放在孟州市某小区".into(),
                urgent,
                received_on: received,
            }))
        };
        assert_eq!(
            code(app.execute(&clerk, lead(applicant, false, today())).await),
            "asset.not_debtor",
            "{label}"
        );
        // Monday 2026-03-02: 7 days → 03-09; urgent 3 days → 03-05.
        let l1 = app
            .execute(&clerk, lead(debtor, false, date("2026-03-02")))
            .await
            .unwrap()
            .id
            .unwrap();
        let l2 = app
            .execute(&clerk, lead(debtor, true, date("2026-03-02")))
            .await
            .unwrap()
            .id
            .unwrap();
        assert_eq!(
            app.store.asset_lead(l1).await.unwrap().unwrap().due_on,
            "2026-03-09",
            "{label}"
        );
        assert_eq!(
            app.store.asset_lead(l2).await.unwrap().unwrap().due_on,
            "2026-03-05",
            "{label}"
        );
        let nodes = app.store.case_nodes(id).await.unwrap();
        assert!(
            nodes
                .iter()
                .any(|n| n.node_key == "verify_asset_lead" && n.completed_on.is_none()),
            "{label}"
        );
        assert!(
            nodes.iter().any(|n| n.node_key == "verify_urgent_lead"),
            "{label}"
        );
        let v = app.case_assets(&clerk, id).await.unwrap();
        assert!(
            v.leads.iter().all(|l| l.overdue),
            "{label}: due dates in the past"
        );

        // Verified: found → a finding; the node completes.
        let found = app
            .execute(
                &clerk,
                Command::VerifyAssetLead(Box::new(VerifyInput {
                    lead_id: l1,
                    version: 1,
                    outcome: LeadOutcome::Found,
                    note: "车管所查询属实".into(),
                    finding: Some(FindingDetails {
                        kind: AssetKind::Vehicle,
                        institution: "焦作市公安局交通警察支队车辆管理所".into(),
                        description: "小型轿车".into(),
                        identifier: "豫H12345".into(),
                        amount: Some(Fen::from_yuan(60_000)),
                    }),
                })),
            )
            .await
            .unwrap()
            .id
            .unwrap();
        let f = app.store.asset_finding(found).await.unwrap().unwrap();
        assert_eq!(
            (f.source.as_str(), f.lead_id),
            ("lead", Some(l1)),
            "{label}"
        );
        assert_eq!(
            app.store.asset_lead(l1).await.unwrap().unwrap().status,
            "found",
            "{label}"
        );
        let nodes = app.store.case_nodes(id).await.unwrap();
        assert!(
            nodes
                .iter()
                .any(|n| n.node_key == "verify_asset_lead" && n.completed_on.is_some()),
            "{label}"
        );
        // Verified twice: refused.
        let again = Command::VerifyAssetLead(Box::new(VerifyInput {
            lead_id: l1,
            version: 2,
            outcome: LeadOutcome::NotFound,
            note: String::new(),
            finding: None,
        }));
        assert_eq!(
            code(app.execute(&clerk, again).await),
            "lead.verified",
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_renewal_node_warns_before_the_earliest_expiry() {
    each_engine(DEMO, |app, label| async move {
        let (id, debtor, _) = case(&app).await;
        let f = record(&app, "mz_clerk", id, debtor, deposit("6222", 1_000))
            .await
            .unwrap();
        let f2 = record(&app, "mz_clerk", id, debtor, deposit("6223", 2_000))
            .await
            .unwrap();
        place(&app, f, ControlKind::Freeze, 6, today())
            .await
            .unwrap();
        place(&app, f2, ControlKind::Freeze, 2, today())
            .await
            .unwrap();
        let end = today().checked_add_months(Months::new(2)).unwrap();
        let nodes = app.store.case_nodes(id).await.unwrap();
        let n = node_row(&nodes, "renew_control");
        assert_eq!(n.due_on, end.to_string(), "{label}: the earliest expiry");
        let warn = end - Duration::days(15);
        assert_eq!(n.warn_on, warn.to_string(), "{label}");
        app.supervise_once(warn).await.unwrap();
        let court_id = app.store.case_by_id(id).await.unwrap().unwrap().court_id;
        let bulletins = app.store.node_bulletins(court_id).await.unwrap();
        assert!(
            bulletins
                .iter()
                .any(|b| b.node_key == "renew_control" && b.kind == "warning" && b.case_id == id),
            "{label}: {bulletins:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn permissions_scope_and_the_applicant_summary() {
    each_engine(DEMO, |app, label| async move {
        let sim = SimulatedMessenger::new();
        app.set_messenger(Arc::new(sim.clone()));
        let (id, debtor, _) = case(&app).await;
        // A reception officer may not record findings; another court does not see the case.
        assert_eq!(
            code(record(&app, "mz_reception", id, debtor, deposit("1", 1)).await),
            "forbidden",
            "{label}"
        );
        assert_eq!(
            code(record(&app, "wz_clerk", id, debtor, deposit("1", 1)).await),
            "not_found",
            "{label}"
        );
        let wz = actor(&app, "wz_clerk").await;
        assert_eq!(code(app.case_assets(&wz, id).await), "not_found", "{label}");

        record(
            &app,
            "mz_clerk",
            id,
            debtor,
            deposit("6222020200112233445", 8_000),
        )
        .await
        .unwrap();
        record(
            &app,
            "mz_clerk",
            id,
            debtor,
            deposit("6222020200998877665", 4_000),
        )
        .await
        .unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        app.execute(&clerk, Command::InformApplicant { case_id: id })
            .await
            .unwrap();
        let msgs = app.store.applicant_messages(id).await.unwrap();
        assert_eq!(msgs.len(), 1, "{label}");
        let m = &msgs[0];
        assert_eq!(
            (m.channel.as_str(), m.status.as_str()),
            ("sms", "sent"),
            "{label}: {m:?}"
        );
        assert!(
            m.text.contains("银行存款2项，合计约1.2万元"),
            "{label}: {}",
            m.text
        );
        for secret in ["6222020200112233445", "6222020200998877665", "6222"] {
            assert!(!m.text.contains(secret), "{label}: {}", m.text);
        }
        assert_eq!(sim.sent().len(), 1, "{label}");
        assert!(!sim.sent()[0].0.body.contains("6222"), "{label}");
        assert!(
            event_kinds(&app, id)
                .await
                .iter()
                .any(|k| k == "applicant_informed"),
            "{label}"
        );

        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
    })
    .await;
}
