//! Disposal of seized property (财产处置) on both engines: a seal opens the 30- and 90-day
//! nodes; the usual path (pricing → first auction unsold → second auction sold) finishes the
//! disposal and its nodes without touching the case funds; refusals name their rule and change
//! nothing (the first reserve below 70%, a cut of more than 20%, a sale below the last reserve,
//! a step out of order, impossible dates, a finding not seized or of another case, another
//! court's staff, a closed or locked case, a stale version); withdrawal; and the supervision
//! list of seized real estate with its overdue filter.

mod common;

use chrono::Days;
use common::*;
use zhixing_app::assets::{ControlInput, FindingDetails, FindingInput};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::disposal::{DisposalState, RealEstateFilter, StartInput, StepInput};
use zhixing_app::{App, AppError};
use zhixing_domain::asset::{AssetKind, ControlKind};
use zhixing_domain::case::{ClosingMode, Stage};
use zhixing_domain::disposal::{PricingMethod, StepKind, StepOutcome};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 19 };

fn code<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    r.unwrap_err().code().to_string()
}

fn yuan(y: i64) -> Fen {
    Fen::from_yuan(y)
}

fn house(n: &str) -> FindingDetails {
    FindingDetails {
        kind: AssetKind::RealEstate,
        institution: "孟州市不动产登记中心".into(),
        description: format!("孟州市河阳街道{n}号住宅"),
        identifier: format!("豫(2024)孟州市不动产权第00{n}号"),
        amount: Some(yuan(1_000_000)),
    }
}

/// The debtor of a case.
async fn debtor(app: &App, case_id: i64) -> i64 {
    first_debtor(app, case_id).await.party_id
}

async fn finding(app: &App, case_id: i64, d: FindingDetails) -> i64 {
    let clerk = actor(app, "mz_clerk").await;
    let party_id = debtor(app, case_id).await;
    app.execute(
        &clerk,
        Command::RecordFinding(Box::new(FindingInput {
            case_id,
            party_id,
            details: d,
            found_on: today(),
        })),
    )
    .await
    .unwrap()
    .id
    .unwrap()
}

async fn control(app: &App, finding_id: i64, c: ControlKind, start: chrono::NaiveDate) -> i64 {
    let clerk = actor(app, "mz_clerk").await;
    app.execute(
        &clerk,
        Command::PlaceControl(Box::new(ControlInput {
            finding_id,
            control: c,
            amount: None,
            months: 12,
            start_on: start,
        })),
    )
    .await
    .unwrap()
    .id
    .unwrap()
}

/// A case of the 孟州 court with a house sealed on `seized_on`: (case, measure).
async fn sealed_case(app: &App, seized_on: chrono::NaiveDate) -> (i64, i64) {
    let case_id = file(app).await;
    let f = finding(app, case_id, house("18")).await;
    let m = control(app, f, ControlKind::Seal, seized_on).await;
    (case_id, m)
}

async fn start(app: &App, who: &str, case_id: i64, measure_id: i64) -> Result<i64, AppError> {
    let a = actor(app, who).await;
    app.execute(
        &a,
        Command::StartDisposal(Box::new(StartInput {
            case_id,
            measure_id,
            started_on: today(),
            note: "申请执行人申请拍卖".into(),
        })),
    )
    .await
    .map(|o| o.id.unwrap())
}

fn step(disposal_id: i64, version: i64, kind: StepKind, outcome: StepOutcome) -> StepInput {
    StepInput {
        disposal_id,
        version,
        kind,
        method: None,
        reserve: None,
        outcome,
        started_on: today(),
        ended_on: today(),
        note: String::new(),
    }
}

fn pricing(disposal_id: i64, version: i64, yuan_: i64) -> StepInput {
    StepInput {
        method: Some(PricingMethod::Valuation),
        ..step(
            disposal_id,
            version,
            StepKind::Pricing,
            StepOutcome::Priced { price: yuan(yuan_) },
        )
    }
}

fn auction(
    disposal_id: i64,
    version: i64,
    kind: StepKind,
    reserve: i64,
    outcome: StepOutcome,
) -> StepInput {
    StepInput {
        reserve: Some(yuan(reserve)),
        ..step(disposal_id, version, kind, outcome)
    }
}

async fn record(app: &App, who: &str, i: StepInput) -> Result<i64, AppError> {
    let a = actor(app, who).await;
    app.execute(&a, Command::RecordDisposalStep(Box::new(i)))
        .await
        .map(|o| o.version.unwrap())
}

async fn kinds(app: &App, case_id: i64) -> Vec<String> {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// What a refusal must leave as it was: the disposal row, its steps, the case's events.
async fn snapshot(app: &App, case_id: i64) -> (String, String, usize) {
    (
        format!("{:?}", app.store.case_disposals(case_id).await.unwrap()),
        format!(
            "{:?}",
            app.store.case_disposal_steps(case_id).await.unwrap()
        ),
        app.store.case_events(case_id).await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_seal_opens_the_nodes_and_the_usual_path_sells_at_the_second_auction() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, measure) = sealed_case(&app, today()).await;
        assert!(kinds(&app, case_id)
            .await
            .contains(&"property_seized".to_string()));
        // The seizure opens both nodes: 30 and 90 days from today.
        let nodes = app.store.case_nodes(case_id).await.unwrap();
        let decide = node_row(&nodes, "decide_disposal");
        let finish = node_row(&nodes, "complete_disposal");
        assert!(
            decide.completed_on.is_none() && finish.completed_on.is_none(),
            "{engine}"
        );
        let cal = zhixing_domain::calendar::WorkingCalendar::official_ref();
        let due = |n| {
            zhixing_domain::period::due_date_only(
                today(),
                zhixing_domain::period::PeriodLimit::Days(n),
                cal,
                0,
            )
            .unwrap()
            .to_string()
        };
        assert_eq!(decide.due_on, due(30), "{engine}");
        assert_eq!(finish.due_on, due(90), "{engine}");

        // Starting completes the 30-day node; the 90-day one runs on.
        let id = start(&app, "mz_clerk", case_id, measure).await.unwrap();
        let nodes = app.store.case_nodes(case_id).await.unwrap();
        assert!(
            node_row(&nodes, "decide_disposal").completed_on.is_some(),
            "{engine}"
        );
        assert!(node_row(&nodes, "complete_disposal").completed_on.is_none());
        // One disposal per seized asset.
        assert_eq!(
            code(start(&app, "mz_clerk", case_id, measure).await),
            "disposal.already_started",
            "{engine}"
        );

        let v = record(&app, "mz_clerk", pricing(id, 1, 1_000_000))
            .await
            .unwrap();
        let view = app
            .case_disposal(&actor(&app, "mz_clerk").await, case_id)
            .await
            .unwrap();
        let d = &view.assets[0].disposals[0];
        assert_eq!(d.next.len(), 1);
        assert_eq!(d.next[0].kind, StepKind::FirstAuction);
        assert_eq!(
            d.next[0].bounds.unwrap().min,
            yuan(700_000),
            "the legal minimum shown"
        );
        let v = record(
            &app,
            "mz_clerk",
            auction(id, v, StepKind::FirstAuction, 700_000, StepOutcome::Unsold),
        )
        .await
        .unwrap();
        let v = record(
            &app,
            "mz_t1_judge",
            auction(
                id,
                v,
                StepKind::SecondAuction,
                560_000,
                StepOutcome::Sold {
                    price: yuan(610_000),
                },
            ),
        )
        .await
        .unwrap();
        assert_eq!(v, 4);

        let row = app.store.disposal(id).await.unwrap().unwrap();
        assert_eq!(row.status, "finished", "{engine}");
        assert_eq!(row.price_fen, Some(yuan(610_000).0));
        assert_eq!(row.reference_fen, Some(yuan(1_000_000).0));
        assert_eq!(row.finished_on, Some(today().to_string()));
        let steps = app.store.case_disposal_steps(case_id).await.unwrap();
        assert_eq!(
            steps.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>(),
            ["pricing", "first_auction", "second_auction"]
        );
        assert_eq!(steps[0].pricing_method.as_deref(), Some("valuation"));
        let ev = kinds(&app, case_id).await;
        for k in [
            "disposal_started",
            "disposal_step_recorded",
            "disposal_finished",
        ] {
            assert!(ev.contains(&k.to_string()), "{engine}: {k} in {ev:?}");
        }
        let finished = app
            .store
            .case_events(case_id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.kind == "disposal_finished")
            .unwrap();
        assert!(
            finished.payload.contains("610,000.00"),
            "{}",
            finished.payload
        );
        // The 90-day node is done; no case funds were written by the disposal.
        let nodes = app.store.case_nodes(case_id).await.unwrap();
        assert!(
            node_row(&nodes, "complete_disposal").completed_on.is_some(),
            "{engine}"
        );
        let case = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(case.recovered_fen, 0);
        assert!(!ev.contains(&"funds_received".to_string()));
        // A finished disposal takes no more steps.
        assert_eq!(
            code(
                record(
                    &app,
                    "mz_clerk",
                    step(id, v, StepKind::Sale, StepOutcome::Unsold)
                )
                .await
            ),
            "disposal.not_open"
        );
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn prices_dates_and_order_are_refused_with_the_rule_named_and_nothing_changed() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, measure) = sealed_case(&app, today()).await;
        let id = start(&app, "mz_clerk", case_id, measure).await.unwrap();

        // Out of order: an auction before the reference price.
        let before = snapshot(&app, case_id).await;
        let e = record(
            &app,
            "mz_clerk",
            auction(id, 1, StepKind::FirstAuction, 700_000, StepOutcome::Unsold),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "disposal.out_of_order", "{engine}");
        assert!(e.to_string().contains("确定参考价"), "{e}");
        assert_eq!(snapshot(&app, case_id).await, before, "{engine}");
        // Pricing without its method.
        let mut no_method = pricing(id, 1, 1_000_000);
        no_method.method = None;
        assert_eq!(
            code(record(&app, "mz_clerk", no_method).await),
            "disposal.method_required"
        );
        // Dates: in the future, ended before started.
        let mut future = pricing(id, 1, 1_000_000);
        future.ended_on = today() + Days::new(1);
        assert_eq!(
            code(record(&app, "mz_clerk", future).await),
            "disposal.date_in_future"
        );
        let mut backwards = pricing(id, 1, 1_000_000);
        backwards.started_on = today() - Days::new(1);
        backwards.ended_on = today() - Days::new(2);
        assert_eq!(
            code(record(&app, "mz_clerk", backwards).await),
            "disposal.ended_before_started"
        );
        // Before the decision to dispose.
        let mut early = pricing(id, 1, 1_000_000);
        early.started_on = today() - Days::new(1);
        assert_eq!(
            code(record(&app, "mz_clerk", early).await),
            "disposal.step_before_previous"
        );
        assert_eq!(snapshot(&app, case_id).await, before, "{engine}");

        let v = record(&app, "mz_clerk", pricing(id, 1, 1_000_000))
            .await
            .unwrap();
        // A stale version.
        let e = record(&app, "mz_clerk", pricing(id, 1, 1_000_000))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Conflict(_)), "{engine}: {e}");

        // The first reserve below 70% of the reference price.
        let before = snapshot(&app, case_id).await;
        let e = record(
            &app,
            "mz_clerk",
            auction(id, v, StepKind::FirstAuction, 699_999, StepOutcome::Unsold),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "disposal.reserve_too_low", "{engine}");
        assert!(
            e.to_string().contains("第十条") && e.to_string().contains("700,000.00"),
            "{e}"
        );
        assert_eq!(snapshot(&app, case_id).await, before, "{engine}");
        let v = record(
            &app,
            "mz_clerk",
            auction(id, v, StepKind::FirstAuction, 800_000, StepOutcome::Unsold),
        )
        .await
        .unwrap();

        // The second auction cut by more than 20%.
        let before = snapshot(&app, case_id).await;
        let e = record(
            &app,
            "mz_clerk",
            auction(id, v, StepKind::SecondAuction, 639_999, StepOutcome::Unsold),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "disposal.reserve_reduction", "{engine}");
        assert!(e.to_string().contains("第二十六条"), "{e}");
        assert_eq!(snapshot(&app, case_id).await, before, "{engine}");
        let v = record(
            &app,
            "mz_clerk",
            auction(id, v, StepKind::SecondAuction, 640_000, StepOutcome::Unsold),
        )
        .await
        .unwrap();

        // A sale below the last reserve.
        let before = snapshot(&app, case_id).await;
        let e = record(
            &app,
            "mz_clerk",
            step(
                id,
                v,
                StepKind::Sale,
                StepOutcome::Sold {
                    price: yuan(639_999),
                },
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "disposal.price_below_reserve", "{engine}");
        assert!(e.to_string().contains("640,000.00"), "{e}");
        assert_eq!(snapshot(&app, case_id).await, before, "{engine}");
        // 以物抵债 at the last reserve finishes it.
        record(
            &app,
            "mz_clerk",
            step(
                id,
                v,
                StepKind::Transfer,
                StepOutcome::Sold {
                    price: yuan(640_000),
                },
            ),
        )
        .await
        .unwrap();
        let row = app.store.disposal(id).await.unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.price_fen),
            ("finished", Some(64_000_000))
        );
    })
    .await;
}

#[tokio::test]
async fn only_a_seized_asset_of_the_case_by_its_own_court_while_open() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, measure) = sealed_case(&app, today()).await;
        // A frozen deposit is not disposed of.
        let deposit = finding(
            &app,
            case_id,
            FindingDetails {
                kind: AssetKind::BankDeposit,
                institution: "中国工商银行孟州支行".into(),
                description: "活期储蓄".into(),
                identifier: "6222020200112233445".into(),
                amount: Some(yuan(8_000)),
            },
        )
        .await;
        let frozen = control(&app, deposit, ControlKind::Freeze, today()).await;
        assert_eq!(
            code(start(&app, "mz_clerk", case_id, frozen).await),
            "disposal.not_seized",
            "{engine}"
        );
        // The seal of another case.
        let (other_case, other_measure) = sealed_case(&app, today()).await;
        assert_eq!(
            code(start(&app, "mz_clerk", case_id, other_measure).await),
            "disposal.other_case",
            "{engine}"
        );
        // Another court's clerk does not see the case; a reception officer may not dispose;
        // the intermediate court's chief sees it but may not act.
        assert_eq!(
            code(start(&app, "wz_clerk", case_id, measure).await),
            "not_found"
        );
        assert_eq!(
            code(start(&app, "mz_reception", case_id, measure).await),
            "forbidden"
        );
        assert_eq!(
            code(start(&app, "jz_chief", case_id, measure).await),
            "forbidden"
        );
        assert!(
            app.store.case_disposals(case_id).await.unwrap().is_empty(),
            "{engine}"
        );

        // A locked case refuses (the whitelist does not list disposal by default).
        act(
            &app,
            "mz_chief",
            other_case,
            CaseAction::Lock {
                reason: "督办".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            code(start(&app, "mz_clerk", other_case, other_measure).await),
            "case.locked",
            "{engine}"
        );
        assert!(app
            .store
            .case_disposals(other_case)
            .await
            .unwrap()
            .is_empty());

        // Withdrawal: a reason is needed; then the asset may be disposed of again.
        let id = start(&app, "mz_clerk", case_id, measure).await.unwrap();
        let clerk = actor(&app, "mz_clerk").await;
        let withdraw = |reason: &str| Command::WithdrawDisposal {
            disposal_id: id,
            version: 1,
            reason: reason.into(),
        };
        assert_eq!(
            code(app.execute(&clerk, withdraw(" ")).await),
            "case.reason_required"
        );
        app.execute(&clerk, withdraw("双方达成和解")).await.unwrap();
        let row = app.store.disposal(id).await.unwrap().unwrap();
        assert_eq!(row.status, "withdrawn", "{engine}");
        let nodes = app.store.case_nodes(case_id).await.unwrap();
        assert!(node_row(&nodes, "complete_disposal").completed_on.is_some());
        let again = start(&app, "mz_clerk", case_id, measure).await.unwrap();

        // A closed case takes no disposal step.
        act(
            &app,
            "mz_chief",
            case_id,
            CaseAction::MoveStage { to: Stage::Closing },
        )
        .await
        .unwrap();
        act(
            &app,
            "mz_chief",
            case_id,
            CaseAction::Close {
                mode: ClosingMode::Withdrawn,
                dormant: None,
            },
        )
        .await
        .unwrap();
        let before = snapshot(&app, case_id).await;
        assert_eq!(
            code(record(&app, "mz_clerk", pricing(again, 1, 1_000_000)).await),
            "case.closed",
            "{engine}"
        );
        assert_eq!(snapshot(&app, case_id).await, before);
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_real_estate_list_shows_what_is_late() {
    each_engine(DEMO, |app, engine| async move {
        // Sealed 40 days ago (late to decide), 100 days ago (late to finish too), today.
        let (late, late_m) = sealed_case(&app, today() - Days::new(40)).await;
        let (very_late, _) = sealed_case(&app, today() - Days::new(100)).await;
        let (fresh, _) = sealed_case(&app, today()).await;
        // A sealed vehicle is not real estate.
        let car = finding(
            &app,
            fresh,
            FindingDetails {
                kind: AssetKind::Vehicle,
                institution: "孟州市公安局交警大队".into(),
                description: "小型轿车".into(),
                identifier: "豫H12345".into(),
                amount: None,
            },
        )
        .await;
        control(&app, car, ControlKind::Seal, today()).await;

        let chief = actor(&app, "mz_chief").await;
        let all = app
            .seized_real_estate(&chief, &RealEstateFilter::default())
            .await
            .unwrap();
        assert_eq!(all.total, 3, "{engine}: {:?}", all.items);
        // Oldest seizure first, with the days since.
        assert_eq!(all.items[0].case_id, very_late);
        assert_eq!(all.items[0].days_since, 100);
        let line = |case_id: i64| all.items.iter().find(|l| l.case_id == case_id).unwrap();
        assert!(
            line(late).decide_overdue && !line(late).finish_overdue,
            "{engine}"
        );
        assert!(line(very_late).decide_overdue && line(very_late).finish_overdue);
        assert!(!line(fresh).decide_overdue && !line(fresh).finish_overdue);
        assert_eq!(line(fresh).state, DisposalState::Awaiting);

        let overdue = RealEstateFilter {
            overdue_only: true,
            ..Default::default()
        };
        let l = app.seized_real_estate(&chief, &overdue).await.unwrap();
        let mut ids: Vec<i64> = l.items.iter().map(|i| i.case_id).collect();
        ids.sort_unstable();
        assert_eq!(ids, [late, very_late], "{engine}");

        // Starting the late one takes it off the overdue list (30 days: decided; 90: not yet).
        start(&app, "mz_clerk", late, late_m).await.unwrap();
        let l = app.seized_real_estate(&chief, &overdue).await.unwrap();
        assert_eq!(l.total, 1, "{engine}");
        assert_eq!(l.items[0].case_id, very_late);
        let open = RealEstateFilter {
            state: Some(DisposalState::Open),
            ..Default::default()
        };
        let l = app.seized_real_estate(&chief, &open).await.unwrap();
        assert_eq!((l.total, l.items[0].case_id), (1, late), "{engine}");
        assert_eq!(l.items[0].state, DisposalState::Open);

        // The court above sees it; another court does not; a reception officer may not look.
        let jz = app
            .seized_real_estate(&actor(&app, "jz_chief").await, &RealEstateFilter::default())
            .await
            .unwrap();
        assert_eq!(jz.total, 3, "{engine}");
        let wz = app
            .seized_real_estate(&actor(&app, "wz_clerk").await, &RealEstateFilter::default())
            .await
            .unwrap();
        assert_eq!(wz.total, 0, "{engine}");
        assert_eq!(
            code(
                app.seized_real_estate(
                    &actor(&app, "wz_clerk").await,
                    &RealEstateFilter {
                        court_id: Some(chief.court_id),
                        ..Default::default()
                    },
                )
                .await
            ),
            "not_found"
        );
        assert_eq!(
            code(
                app.seized_real_estate(
                    &actor(&app, "mz_reception").await,
                    &RealEstateFilter::default()
                )
                .await
            ),
            "forbidden"
        );
    })
    .await;
}
