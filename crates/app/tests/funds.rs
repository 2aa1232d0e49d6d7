//! Case funds (案款) on both engines: receipts with their ledger entry and the payout node,
//! payouts within the balance, approval above the threshold and never one's own, pro-rata
//! plans that sum exactly, plans weighted by the applicants' stated claims and capped at what
//! each is owed, cash counted by two, the reconciliation against `held_fen`, court
//! scope and permissions, and demo data whose ledgers balance.

mod common;

use common::*;
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::funds::{ProposalInput, ReceiptInput};
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::case::{ClosingMode, Stage};
use zhixing_domain::funds::{PlanLine, Receipt, ReceiptSource};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;

fn receipt(amount: Fen, source: ReceiptSource) -> Receipt {
    Receipt {
        amount,
        source,
        payer: "李四".into(),
        reference: "HD-2026-0001".into(),
        received_on: today(),
        second_officer_id: None,
    }
}

async fn version(app: &App, case_id: i64) -> i64 {
    app.store
        .case_by_id(case_id)
        .await
        .unwrap()
        .unwrap()
        .version
}

async fn held(app: &App, case_id: i64) -> (i64, i64) {
    let c = app.store.case_by_id(case_id).await.unwrap().unwrap();
    (c.held_fen, c.recovered_fen)
}

async fn receive(app: &App, who: &str, case_id: i64, r: Receipt) -> Result<(), AppError> {
    let a = actor(app, who).await;
    let v = version(app, case_id).await;
    app.execute(
        &a,
        Command::RecordReceipt(Box::new(ReceiptInput {
            case_id,
            version: v,
            receipt: r,
        })),
    )
    .await
    .map(|_| ())
}

async fn propose(
    app: &App,
    who: &str,
    case_id: i64,
    lines: Vec<PlanLine>,
) -> Result<zhixing_app::commands::Outcome, AppError> {
    let a = actor(app, who).await;
    let v = version(app, case_id).await;
    app.execute(
        &a,
        Command::ProposeDisbursement(Box::new(ProposalInput {
            case_id,
            version: v,
            lines,
            note: "按分配方案发放".into(),
        })),
    )
    .await
}

async fn decide(
    app: &App,
    who: &str,
    id: i64,
    approve: bool,
    reason: &str,
) -> Result<zhixing_app::commands::Outcome, AppError> {
    let a = actor(app, who).await;
    let d = app.store.disbursement(id).await.unwrap().unwrap();
    app.execute(
        &a,
        Command::DecideDisbursement {
            disbursement_id: id,
            version: d.version,
            approve,
            reason: reason.into(),
        },
    )
    .await
}

async fn applicants(app: &App, case_id: i64) -> Vec<i64> {
    app.store
        .case_parties(case_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.role == "applicant")
        .map(|p| p.party_id)
        .collect()
}

fn line(party_id: i64, amount: Fen) -> PlanLine {
    PlanLine { party_id, amount }
}

#[tokio::test]
async fn a_receipt_is_entered_in_the_ledger_and_opens_the_payout_node() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        // 一案一账号: the account is opened at filing with the derived number.
        let account = app.store.case_account(id).await.unwrap().expect("account");
        let case = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!(
            account.account_number,
            zhixing_docs::virtual_account_number("豫0883", id),
            "{label}"
        );
        assert_eq!(account.account_name, "孟州市人民法院执行款专户");
        assert_eq!(account.court_id, case.court_id);

        receive(
            &app,
            &officer,
            id,
            receipt(Fen::from_yuan(12_000), ReceiptSource::Deduction),
        )
        .await
        .unwrap();
        assert_eq!(held(&app, id).await, (1_200_000, 0), "{label}");
        let entries = app.store.fund_entries(id).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind, "receipt");
        assert_eq!(entries[0].source, "deduction");
        assert_eq!(entries[0].balance_after_fen, 1_200_000);
        assert_eq!(entries[0].reference, "HD-2026-0001");
        let nodes = app.store.case_nodes(id).await.unwrap();
        let node = node_row(&nodes, "disburse_funds");
        assert!(node.completed_on.is_none(), "{label}: {node:?}");
        let events = app.store.case_events(id).await.unwrap();
        assert!(events.iter().any(|e| e.kind == "funds_received"));

        // A second receipt: the balance runs on.
        receive(
            &app,
            &officer,
            id,
            receipt(Fen::from_yuan(3_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap();
        let entries = app.store.fund_entries(id).await.unwrap();
        assert_eq!(entries[1].balance_after_fen, 1_500_000);

        // The notice prints the account with the court's bank.
        let data = app
            .document_data(&actor(&app, &officer).await, id)
            .await
            .unwrap();
        assert_eq!(data.payment.account_number, account.account_number);
        assert_eq!(data.payment.bank, "中国工商银行");

        // Bad input changes nothing.
        let mut future = receipt(Fen(100), ReceiptSource::Deduction);
        future.received_on = today() + chrono::Duration::days(1);
        let e = receive(&app, &officer, id, future).await.unwrap_err();
        assert_eq!(e.code(), "funds.date_in_future");
        let e = receive(&app, &officer, id, receipt(Fen(0), ReceiptSource::Other))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "funds.not_positive");
        assert_eq!(app.store.fund_entries(id).await.unwrap().len(), 2);
        assert_eq!(held(&app, id).await.0, 1_500_000);
    })
    .await;
}

#[tokio::test]
async fn a_payout_above_the_balance_is_refused_and_nothing_changes() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        receive(
            &app,
            &officer,
            id,
            receipt(Fen::from_yuan(1_000), ReceiptSource::Deduction),
        )
        .await
        .unwrap();
        let payee = applicants(&app, id).await[0];
        let v = version(&app, id).await;
        let e = propose(
            &app,
            "mz_t1_judge",
            id,
            vec![line(payee, Fen::from_yuan(1_000) + Fen(1))],
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "funds.more_than_balance", "{label}");
        assert!(e.message_zh().contains("1,000.00"), "{}", e.message_zh());
        assert_eq!(held(&app, id).await, (100_000, 0));
        assert_eq!(version(&app, id).await, v);
        assert_eq!(app.store.fund_entries(id).await.unwrap().len(), 1);
        assert!(app.store.case_disbursements(id).await.unwrap().is_empty());
        // Someone who is not an applicant is not a payee.
        let debtor = first_debtor(&app, id).await.party_id;
        let e = propose(&app, "mz_t1_judge", id, vec![line(debtor, Fen(100))])
            .await
            .unwrap_err();
        assert_eq!(e.code(), "funds.payee_not_applicant");
        // A plain case action above the balance is refused by the pipeline too.
        let e = act(
            &app,
            &officer,
            id,
            CaseAction::DisburseFunds {
                amount: Fen(100_001),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "funds.more_than_held");

        // Within the balance a judge pays at once: entry, balance, recovered, node done.
        let out = propose(
            &app,
            "mz_t1_judge",
            id,
            vec![line(payee, Fen::from_yuan(400))],
        )
        .await
        .unwrap();
        let d = app
            .store
            .disbursement(out.id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d.status, "paid", "{label}");
        assert_eq!(held(&app, id).await, (60_000, 40_000));
        let entries = app.store.fund_entries(id).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].kind, "disbursement");
        assert_eq!(entries[1].party_id, Some(payee));
        assert_eq!(entries[1].balance_after_fen, 60_000);
        assert_eq!(entries[1].disbursement_id, d.id.into());
        let nodes = app.store.case_nodes(id).await.unwrap();
        assert!(nodes
            .iter()
            .any(|n| n.node_key == "disburse_funds" && n.completed_on.is_some()));
    })
    .await;
}

#[tokio::test]
async fn a_receipt_on_a_closed_case_is_refused() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        act(
            &app,
            &officer,
            id,
            CaseAction::MoveStage { to: Stage::Closing },
        )
        .await
        .unwrap();
        act(
            &app,
            "mz_t1_judge",
            id,
            CaseAction::Close {
                mode: ClosingMode::Withdrawn,
                dormant: None,
            },
        )
        .await
        .unwrap();
        let v = version(&app, id).await;
        let e = receive(
            &app,
            &officer,
            id,
            receipt(Fen(5_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "case.closed", "{label}");
        // Nor are a closed case's claims stated.
        let payee = applicants(&app, id).await[0];
        let claim = app.store.case_by_id(id).await.unwrap().unwrap().claim_fen;
        let e = app
            .execute(
                &actor(&app, "mz_t1_judge").await,
                Command::SetApplicantClaims {
                    case_id: id,
                    claims: vec![line(payee, Fen(claim))],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case.closed", "{label}");
        assert_eq!(version(&app, id).await, v);
        assert!(app.store.fund_entries(id).await.unwrap().is_empty());
        assert_eq!(held(&app, id).await, (0, 0));
    })
    .await;
}

#[tokio::test]
async fn large_payouts_wait_for_the_higher_level_and_nobody_approves_their_own() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        receive(&app, &officer, id, receipt(Fen::from_yuan(300_000), ReceiptSource::Auction))
            .await
            .unwrap();
        let payee = applicants(&app, id).await[0];
        // 150,000 yuan is above the default 100,000: the bureau chief decides.
        let out = propose(&app, "mz_t1_judge", id, vec![line(payee, Fen::from_yuan(150_000))])
            .await
            .unwrap();
        let did = out.id.unwrap();
        let d = app.store.disbursement(did).await.unwrap().unwrap();
        assert_eq!((d.status.as_str(), d.approval_level.as_str()), ("proposed", "bureau_chief"), "{label}");
        assert_eq!(held(&app, id).await.0, 30_000_000);
        // The chief heard of it.
        let chief = user_id(&app, "mz_chief").await;
        let inbox = app.store.notifications(chief, true, 10, 0).await.unwrap();
        assert!(inbox.iter().any(|n| n.kind == "disbursement_proposed"), "{inbox:?}");
        // A second proposal waits for the first.
        let e = propose(&app, "mz_t1_judge", id, vec![line(payee, Fen(100))])
            .await
            .unwrap_err();
        assert_eq!(e.code(), "funds.pending_exists");
        // A team leader is below the level; an officer is no approver at all.
        let e = decide(&app, "mz_t1_lead", did, true, "").await.unwrap_err();
        assert_eq!(e.code(), "funds.approval_level");
        let e = decide(&app, &officer, did, true, "").await.unwrap_err();
        assert_eq!(e.code(), "forbidden");
        // A refusal needs a reason.
        let e = decide(&app, "mz_chief", did, false, " ").await.unwrap_err();
        assert_eq!(e.code(), "funds.reason_required");
        decide(&app, "mz_chief", did, true, "").await.unwrap();
        let d = app.store.disbursement(did).await.unwrap().unwrap();
        assert_eq!(d.status, "paid");
        assert_eq!(held(&app, id).await, (15_000_000, 15_000_000));
        // Deciding again is stale.
        let e = decide(&app, "mz_chief", did, true, "").await.unwrap_err();
        assert_eq!(e.code(), "conflict");

        // With the level set to team leader, a team leader's own large proposal waits for
        // another: approving it themselves is refused.
        let admin = actor(&app, "mz_admin").await;
        app.execute(
            &admin,
            Command::SaveSetting {
                court_id: admin.court_id,
                key: "fund_account".into(),
                value: r#"{"bank": "中国银行孟州支行", "account_name": "孟州市人民法院执行款专户", "approval_above_fen": 5000000, "approval_level": "team_leader"}"#.into(),
                expected_version: 0,
            },
        )
        .await
        .unwrap();
        let bad = app
            .execute(
                &admin,
                Command::SaveSetting {
                    court_id: admin.court_id,
                    key: "fund_account".into(),
                    value: r#"{"approval_level": "judge"}"#.into(),
                    expected_version: 1,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(bad.code(), "funds.level_invalid");
        let out = propose(&app, "mz_t1_lead", id, vec![line(payee, Fen::from_yuan(60_000))])
            .await
            .unwrap();
        let did = out.id.unwrap();
        let e = decide(&app, "mz_t1_lead", did, true, "").await.unwrap_err();
        assert_eq!(e.code(), "funds.self_approval", "{label}");
        decide(&app, "mz_chief", did, false, "分配方案需经合议").await.unwrap();
        let d = app.store.disbursement(did).await.unwrap().unwrap();
        assert_eq!(d.status, "refused");
        assert_eq!(held(&app, id).await.0, 15_000_000);
        let events = app.store.case_events(id).await.unwrap();
        assert!(events.iter().any(|e| e.kind == "disbursement_refused"));
        assert!(events.iter().any(|e| e.kind == "disbursement_proposed"));
        // An officer's small proposal waits for a judge; the judge pays it.
        let out = propose(&app, &officer, id, vec![line(payee, Fen::from_yuan(1_000))])
            .await
            .unwrap();
        let d = app.store.disbursement(out.id.unwrap()).await.unwrap().unwrap();
        assert_eq!((d.status.as_str(), d.approval_level.as_str()), ("proposed", "judge"));
        let e = decide(&app, &officer, d.id, true, "").await.unwrap_err();
        assert_eq!(e.code(), "forbidden");
        decide(&app, "mz_t1_judge", d.id, true, "").await.unwrap();
        assert_eq!(held(&app, id).await.0, 14_900_000);
        // The notice now prints the court's own bank.
        let data = app
            .document_data(&actor(&app, &officer).await, id)
            .await
            .unwrap();
        assert_eq!(data.payment.bank, "中国工商银行", "the account keeps the bank it was opened with");
    })
    .await;
}

#[tokio::test]
async fn a_pro_rata_plan_among_applicants_sums_exactly() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let id = file_as(&app, "mz_clerk", |court_id| FileCase {
            applicants: vec![
                person("张三", "41088319800101123", None),
                person("王五", "41088319810202234", None),
                person("赵六", "41088319820303345", None),
            ],
            ..filing(court_id)
        })
        .await;
        let officer = officer_of(&app, id).await;
        receive(
            &app,
            &officer,
            id,
            receipt(Fen(10_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap();
        let view = app
            .case_funds(&actor(&app, "mz_t1_judge").await, id)
            .await
            .unwrap();
        let amounts: Vec<i64> = view.suggestion.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, [3_334, 3_333, 3_333], "{label}");
        let lines: Vec<PlanLine> = view
            .suggestion
            .iter()
            .map(|l| line(l.party_id, l.amount))
            .collect();
        propose(&app, "mz_t1_judge", id, lines).await.unwrap();
        assert_eq!(held(&app, id).await, (0, 10_000));
        let entries = app.store.fund_entries(id).await.unwrap();
        let paid: Vec<(i64, i64)> = entries
            .iter()
            .filter(|e| e.kind == "disbursement")
            .map(|e| (e.amount_fen, e.balance_after_fen))
            .collect();
        assert_eq!(paid, [(3_334, 6_666), (3_333, 3_333), (3_333, 0)]);
        let view = app
            .case_funds(&actor(&app, "mz_t1_judge").await, id)
            .await
            .unwrap();
        assert!(!view.may_propose);
        assert_eq!(view.disbursements.len(), 1);
        assert_eq!(view.disbursements[0].lines.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn cash_is_counted_by_two_officers_of_the_court() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        let cash = receipt(Fen::from_yuan(800), ReceiptSource::Cash);
        let e = receive(&app, &officer, id, cash.clone()).await.unwrap_err();
        assert_eq!(e.code(), "funds.cash_second_officer", "{label}");
        let me = user_id(&app, &officer).await;
        let e = receive(
            &app,
            &officer,
            id,
            Receipt {
                second_officer_id: Some(me),
                ..cash.clone()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "funds.cash_same_officer");
        let stranger = user_id(&app, "wx_t1_officer1").await;
        let e = receive(
            &app,
            &officer,
            id,
            Receipt {
                second_officer_id: Some(stranger),
                ..cash.clone()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "funds.second_officer_unknown");
        assert!(app.store.fund_entries(id).await.unwrap().is_empty());
        let colleague = user_id(&app, "mz_t1_judge").await;
        receive(
            &app,
            &officer,
            id,
            Receipt {
                second_officer_id: Some(colleague),
                ..cash
            },
        )
        .await
        .unwrap();
        let entries = app.store.fund_entries(id).await.unwrap();
        assert_eq!(entries[0].second_officer_id, Some(colleague));
        assert_eq!(entries[0].source, "cash");
    })
    .await;
}

#[tokio::test]
async fn the_reconciliation_adds_up_and_matches_what_cases_hold() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (a, officer_a) = file_with_officer(&app).await;
        let (b, officer_b) = file_with_officer(&app).await;
        let yesterday = today() - chrono::Duration::days(1);
        receive(
            &app,
            &officer_a,
            a,
            Receipt {
                received_on: yesterday,
                ..receipt(Fen(500_000), ReceiptSource::Deduction)
            },
        )
        .await
        .unwrap();
        receive(
            &app,
            &officer_a,
            a,
            receipt(Fen(120_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap();
        receive(
            &app,
            &officer_b,
            b,
            receipt(Fen(70_000), ReceiptSource::Deduction),
        )
        .await
        .unwrap();
        let payee = applicants(&app, a).await[0];
        propose(&app, "mz_t1_judge", a, vec![line(payee, Fen(200_000))])
            .await
            .unwrap();

        let judge = actor(&app, "mz_t1_judge").await;
        // Today only: a opens at 5,000.00 (yesterday's deduction).
        let r = app
            .fund_reconciliation(&judge, today(), today())
            .await
            .unwrap();
        assert_eq!(r.totals.opening, Fen(500_000), "{label}");
        assert_eq!(r.totals.receipts, Fen(190_000));
        assert_eq!(r.totals.disbursements, Fen(200_000));
        assert_eq!(r.closing, Fen(500_000 + 190_000 - 200_000));
        let held_sum = held(&app, a).await.0 + held(&app, b).await.0;
        assert_eq!(r.closing.0, held_sum);
        assert!(r.balanced && r.difference_count == 0);
        let deduction = r
            .receipts_by_source
            .iter()
            .find(|s| s.source == "deduction")
            .unwrap();
        assert_eq!((deduction.total, deduction.entries), (Fen(70_000), 1));
        let voluntary = r
            .receipts_by_source
            .iter()
            .find(|s| s.source == "voluntary")
            .unwrap();
        assert_eq!(voluntary.total, Fen(120_000));
        assert_eq!(r.lines.len(), 2);
        let la = r.lines.iter().find(|l| l.case_id == a).unwrap();
        assert_eq!(
            (la.movements.opening, la.closing),
            (Fen(500_000), Fen(420_000))
        );
        assert_eq!(r.courts.len(), 1);
        assert_eq!(r.courts[0].closing, r.closing);

        // Yesterday and today together: nothing opens, everything is received.
        let r = app
            .fund_reconciliation(&judge, yesterday, today())
            .await
            .unwrap();
        assert_eq!(
            (r.totals.opening, r.totals.receipts),
            (Fen(0), Fen(690_000))
        );
        // The intermediate court sees its basic courts' funds.
        let chief = actor(&app, "jz_chief").await;
        let r = app
            .fund_reconciliation(&chief, yesterday, today())
            .await
            .unwrap();
        assert_eq!(r.closing.0, held_sum);
        assert!(r.courts.iter().any(|c| c.court_name == "孟州市人民法院"));

        // Money moved outside the ledger shows as a difference.
        let mut tx = app.store.begin_write().await.unwrap();
        let mut row = tx.cases_for_update_many(&[b]).await.unwrap().pop().unwrap();
        let before = row.clone();
        row.held_fen += 1;
        row.version += 1;
        tx.save_cases(&[(&before, &row)]).await.unwrap();
        tx.commit().await.unwrap();
        let r = app
            .fund_reconciliation(&judge, today(), today())
            .await
            .unwrap();
        assert!(!r.balanced);
        let lb = r.lines.iter().find(|l| l.case_id == b).unwrap();
        assert_eq!(lb.differences[0].code, "funds.ledger_not_held");

        let e = app
            .fund_reconciliation(&judge, today(), yesterday)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "funds.period_reversed");
    })
    .await;
}

#[tokio::test]
async fn another_courts_case_is_not_found_and_roles_are_checked() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let (id, officer) = file_with_officer(&app).await;
        let e = receive(
            &app,
            "wx_t1_officer1",
            id,
            receipt(Fen(100), ReceiptSource::Other),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "not_found", "{label}");
        let e = receive(
            &app,
            "mz_clerk",
            id,
            receipt(Fen(100), ReceiptSource::Other),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "forbidden");
        let e = app
            .case_funds(&actor(&app, "wx_t1_judge").await, id)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
        receive(
            &app,
            &officer,
            id,
            receipt(Fen(1_000), ReceiptSource::Other),
        )
        .await
        .unwrap();
        let payee = applicants(&app, id).await[0];
        let e = propose(&app, "wx_t1_judge", id, vec![line(payee, Fen(100))])
            .await
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
        let out = propose(&app, &officer, id, vec![line(payee, Fen(100))])
            .await
            .unwrap();
        let e = decide(&app, "wx_t1_judge", out.id.unwrap(), true, "")
            .await
            .unwrap_err();
        assert_eq!(e.code(), "not_found");
        // The approvers' queue shows it to the court's judges only.
        let queue = app
            .disbursement_queue(&actor(&app, "mz_t1_judge").await)
            .await
            .unwrap();
        assert!(queue
            .iter()
            .any(|d| d.id == out.id.unwrap() && d.may_decide));
        let queue = app
            .disbursement_queue(&actor(&app, "wx_t1_judge").await)
            .await
            .unwrap();
        assert!(queue.is_empty());
        let e = app
            .fund_reconciliation(&actor(&app, "mz_clerk").await, today(), today())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "forbidden");
    })
    .await;
}

#[tokio::test]
async fn demo_ledgers_balance() {
    each_engine(
        DemoOptions {
            cases: 300,
            seed: 11,
        },
        |app, label| async move {
            let chief = actor(&app, "jz_chief").await;
            let from = today() - chrono::Duration::days(4 * 365);
            let r = app
                .fund_reconciliation(&chief, from, today())
                .await
                .unwrap();
            assert!(
                r.balanced,
                "{label}: {:?}",
                r.lines.iter().find(|l| !l.differences.is_empty())
            );
            assert!(r.totals.receipts.is_positive(), "{label}");
            assert_eq!(r.totals.opening, Fen(0));
            // Every case holding money has its ledger.
            let held: i64 = r.lines.iter().map(|l| l.movements.held.0).sum();
            assert_eq!(r.closing.0, held);
        },
    )
    .await;
}

#[tokio::test]
async fn stated_claims_weight_the_plan_and_cap_each_payout() {
    each_engine(DemoOptions { cases: 0, seed: 7 }, |app, label| async move {
        let id = file_as(&app, "mz_clerk", |court_id| FileCase {
            applicants: vec![
                person("张三", "41088319800101123", None),
                person("王五", "41088319810202234", None),
                person("赵六", "41088319820303345", None),
            ],
            ..filing(court_id)
        })
        .await;
        let ids = applicants(&app, id).await;
        let (a, b, c) = (ids[0], ids[1], ids[2]);
        let judge = actor(&app, "mz_t1_judge").await;
        let set = |who: Actor, claims: Vec<PlanLine>| {
            let app = &app;
            async move {
                app.execute(
                    &who,
                    Command::SetApplicantClaims {
                        case_id: id,
                        claims,
                    },
                )
                .await
            }
        };
        let events = app.store.case_events(id).await.unwrap().len();
        // The claims must add up to the case's 38,000 yuan, and only fund staff state them.
        let e = set(
            judge.clone(),
            vec![
                line(a, Fen(2_000_000)),
                line(b, Fen(1_200_000)),
                line(c, Fen(500_000)),
            ],
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "funds.claims_total", "{label}");
        assert!(e.message_zh().contains("38,000.00"), "{}", e.message_zh());
        let e = set(
            actor(&app, "mz_clerk").await,
            vec![
                line(a, Fen(2_000_000)),
                line(b, Fen(1_200_000)),
                line(c, Fen(600_000)),
            ],
        )
        .await
        .unwrap_err();
        assert_eq!(e.status(), 403, "{label}");
        assert_eq!(app.store.case_events(id).await.unwrap().len(), events);
        let stated = |view: &zhixing_app::funds::CaseFunds| -> Vec<Option<i64>> {
            view.claims.iter().map(|c| c.claim.map(|f| f.0)).collect()
        };
        let view = app.case_funds(&judge, id).await.unwrap();
        assert_eq!(stated(&view), [None, None, None], "{label}");

        set(
            judge.clone(),
            vec![
                line(a, Fen(2_000_000)),
                line(b, Fen(1_200_000)),
                line(c, Fen(600_000)),
            ],
        )
        .await
        .unwrap();
        let last = app.store.case_events(id).await.unwrap().pop().unwrap();
        assert_eq!(last.kind, "applicant_claims_set", "{label}");
        assert!(last.payload.contains("王五12,000.00"), "{}", last.payload);

        // 19,000 yuan in the account: split 20 : 12 : 6, as owed.
        let officer = officer_of(&app, id).await;
        receive(
            &app,
            &officer,
            id,
            receipt(Fen(1_900_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap();
        let view = app.case_funds(&judge, id).await.unwrap();
        let amounts: Vec<i64> = view.suggestion.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, [1_000_000, 600_000, 300_000], "{label}");
        // Nobody is paid more than is owed to them.
        let e = propose(&app, "mz_t1_judge", id, vec![line(c, Fen(600_001))])
            .await
            .unwrap_err();
        assert_eq!(e.code(), "funds.above_claim", "{label}");
        assert!(e.message_zh().contains("赵六"), "{}", e.message_zh());
        let lines: Vec<PlanLine> = view
            .suggestion
            .iter()
            .map(|l| line(l.party_id, l.amount))
            .collect();
        propose(&app, "mz_t1_judge", id, lines).await.unwrap();
        let view = app.case_funds(&judge, id).await.unwrap();
        let owed: Vec<(i64, Option<i64>)> = view
            .claims
            .iter()
            .map(|c| (c.paid.0, c.outstanding.map(|f| f.0)))
            .collect();
        assert_eq!(
            owed,
            [
                (1_000_000, Some(1_000_000)),
                (600_000, Some(600_000)),
                (300_000, Some(300_000))
            ],
            "{label}"
        );
        // More comes in than is still owed: each is offered exactly what is owed; the rest
        // stays in the account.
        receive(
            &app,
            &officer,
            id,
            receipt(Fen(3_000_000), ReceiptSource::Voluntary),
        )
        .await
        .unwrap();
        let view = app.case_funds(&judge, id).await.unwrap();
        let amounts: Vec<i64> = view.suggestion.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, [1_000_000, 600_000, 300_000], "{label}");
    })
    .await;
}
