//! Coercive measures and settlement agreements on both engines: the restriction resting on its
//! issued order, the dishonest list's grounds, bars and term, fines and detention within the
//! law and decided by a judge, measures only on debtors, revocation, the public list, and
//! settlement instalments with their performance; refusals change nothing.
mod common;

use chrono::Months;
use common::*;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::doc_review::DraftInput;
use zhixing_app::measures::{MeasureInput, SettlementInput};
use zhixing_app::{Actor, App, AppError};
use zhixing_docs::DocKind;
use zhixing_domain::coercive::{DishonestGround, MeasureKind};
use zhixing_domain::document::ReviewStep;
use zhixing_domain::money::Fen;
use zhixing_domain::settlement::{Instalment, SettlementStatus};

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 13 };

fn input(case_id: i64, party_id: i64, kind: MeasureKind) -> MeasureInput {
    MeasureInput {
        case_id,
        party_id,
        kind,
        grounds: vec![],
        extension_years: 0,
        sufficient_security: false,
        controlled_property_sufficient: false,
        amount: None,
        days: None,
        holder: String::new(),
        facts: String::new(),
        document_id: None,
        start_on: None,
    }
}

async fn issue(app: &App, who: &Actor, i: MeasureInput) -> Result<i64, AppError> {
    app.execute(who, Command::IssueMeasure(Box::new(i)))
        .await
        .map(|o| o.id.unwrap())
}

/// (applicant party id, debtor party id) of a case.
async fn parties(app: &App, case_id: i64) -> (i64, i64) {
    let ps = app.store.case_parties(case_id).await.unwrap();
    let of = |role: &str| ps.iter().find(|p| p.role == role).unwrap().party_id;
    (of("applicant"), of("debtor"))
}

/// Drafts and issues a document of `kind` on the case (drafted by the clerk, approved by the
/// president, whose level covers every kind).
async fn issued(app: &App, case_id: i64, kind: DocKind) -> i64 {
    let clerk = actor(app, "mz_clerk").await;
    let president = actor(app, "mz_yz").await;
    let id = app
        .execute(
            &clerk,
            Command::DraftDocument(Box::new(DraftInput {
                case_id,
                kind,
                cause: "民间借贷纠纷".into(),
                notes: vec![],
                assets: vec![],
                submit: true,
            })),
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let v = app.store.document(id).await.unwrap().unwrap().version;
    app.execute(
        &president,
        Command::ReviewDocument {
            document_id: id,
            version: v,
            step: ReviewStep::Approve,
        },
    )
    .await
    .unwrap();
    id
}

async fn events(app: &App, case_id: i64) -> Vec<String> {
    app.store
        .case_events(case_id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[tokio::test]
async fn restriction_rests_on_its_issued_order_and_is_public_until_revoked() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, officer) = file_with_officer(&app).await;
        let officer = actor(&app, &officer).await;
        let (applicant, debtor) = parties(&app, case_id).await;

        // Without the issued order: refused, nothing written.
        let e = issue(
            &app,
            &officer,
            input(case_id, debtor, MeasureKind::ConsumptionRestriction),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), "measure.document_required", "{engine}: {e}");
        assert!(e.to_string().contains("限制消费令"), "{e}");
        assert!(app.store.case_measures(case_id).await.unwrap().is_empty());

        let doc = issued(&app, case_id, DocKind::ConsumptionRestriction).await;
        // On the applicant: refused with the rule named.
        let mut on_applicant = input(case_id, applicant, MeasureKind::ConsumptionRestriction);
        on_applicant.document_id = Some(doc);
        let e = issue(&app, &officer, on_applicant).await.unwrap_err();
        assert_eq!(e.code(), "measure.not_debtor", "{engine}");

        let mut ok = input(case_id, debtor, MeasureKind::ConsumptionRestriction);
        ok.document_id = Some(doc);
        let id = issue(&app, &officer, ok.clone()).await.unwrap();
        let e = issue(&app, &officer, ok).await.unwrap_err();
        assert_eq!(e.code(), "measure.already_in_force", "{engine}");
        assert!(events(&app, case_id)
            .await
            .contains(&"restriction_ordered".to_string()));

        let public = app.public_measures("豫0883", None).await.unwrap();
        assert_eq!(public.items.len(), 1, "{engine}");
        assert_eq!(public.items[0].party_name, "李四");

        // Revoking needs a reason and the current version; then the public list is empty.
        let e = app
            .execute(
                &officer,
                Command::RevokeMeasure {
                    measure_id: id,
                    version: 1,
                    reason: " ".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "case.reason_required");
        let e = app
            .execute(
                &officer,
                Command::RevokeMeasure {
                    measure_id: id,
                    version: 7,
                    reason: "已履行完毕".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Conflict(_)), "{e}");
        app.execute(
            &officer,
            Command::RevokeMeasure {
                measure_id: id,
                version: 1,
                reason: "已履行完毕".into(),
            },
        )
        .await
        .unwrap();
        assert!(app
            .public_measures("豫0883", None)
            .await
            .unwrap()
            .items
            .is_empty());
        let m = app.store.measure(id).await.unwrap().unwrap();
        assert_eq!(m.status, "revoked");
        assert_eq!(m.revoke_reason.as_deref(), Some("已履行完毕"));
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn dishonest_list_checks_grounds_and_sets_the_term() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, officer) = file_with_officer(&app).await;
        let officer = actor(&app, &officer).await;
        let (_, debtor) = parties(&app, case_id).await;
        let doc = issued(&app, case_id, DocKind::DishonestDecision).await;

        let mut none = input(case_id, debtor, MeasureKind::DishonestList);
        none.document_id = Some(doc);
        let e = issue(&app, &officer, none.clone()).await.unwrap_err();
        assert_eq!(e.code(), "dishonest.no_ground", "{engine}");

        let mut barred = none.clone();
        barred.grounds = vec![DishonestGround::AbleButRefuses];
        barred.sufficient_security = true;
        let e = issue(&app, &officer, barred).await.unwrap_err();
        assert_eq!(e.code(), "dishonest.barred");
        assert!(app.store.case_measures(case_id).await.unwrap().is_empty());

        let mut listed = none;
        listed.grounds = vec![DishonestGround::BreaksAssetReport];
        let id = issue(&app, &officer, listed).await.unwrap();
        let m = app.store.measure(id).await.unwrap().unwrap();
        let two_years = today().checked_add_months(Months::new(24)).unwrap();
        assert_eq!(m.end_on, Some(two_years.to_string()), "{engine}");
        assert_eq!(m.grounds, "breaks_asset_report");
        assert!(events(&app, case_id)
            .await
            .contains(&"blacklisted".to_string()));
    })
    .await;
}

#[tokio::test]
async fn fines_and_detention_stay_within_the_law_and_need_a_judge() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, officer) = file_with_officer(&app).await;
        let officer = actor(&app, &officer).await;
        let judge = actor(&app, "mz_t1_judge").await;
        let (_, debtor) = parties(&app, case_id).await;

        let mut fine = input(case_id, debtor, MeasureKind::Fine);
        fine.amount = Some(Fen::from_yuan(5_000));
        let e = issue(&app, &officer, fine.clone()).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden { .. }), "{engine}: {e}");
        let mut too_much = fine.clone();
        too_much.amount = Some(Fen::from_yuan(100_001));
        let e = issue(&app, &judge, too_much).await.unwrap_err();
        assert_eq!(e.code(), "measure.fine_out_of_range");
        issue(&app, &judge, fine).await.unwrap();

        let mut detention = input(case_id, debtor, MeasureKind::Detention);
        detention.days = Some(16);
        let e = issue(&app, &judge, detention.clone()).await.unwrap_err();
        assert_eq!(e.code(), "measure.detention_out_of_range");
        detention.days = Some(15);
        let id = issue(&app, &judge, detention).await.unwrap();
        let m = app.store.measure(id).await.unwrap().unwrap();
        assert_eq!(m.public, 0, "detention is not published");

        // Another court's clerk sees nothing of the case.
        let other = actor(&app, "zz_clerk").await;
        assert!(matches!(
            app.case_measures(&other, case_id).await.unwrap_err(),
            AppError::NotFound
        ));
        // A reception officer may not take measures.
        let reception = actor(&app, "mz_reception").await;
        let mut reward = input(case_id, debtor, MeasureKind::RewardOffer);
        reward.amount = Some(Fen::from_yuan(1_000));
        assert!(matches!(
            issue(&app, &reception, reward).await.unwrap_err(),
            AppError::Forbidden { .. }
        ));
        assert_eq!(app.store.case_measures(case_id).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn settlement_instalments_and_their_performance() {
    each_engine(DEMO, |app, engine| async move {
        let (case_id, officer) = file_with_officer(&app).await;
        let officer = actor(&app, &officer).await;
        let t = today();
        let later = |m: u32| t.checked_add_months(Months::new(m)).unwrap();
        let plan = vec![
            Instalment {
                due_on: later(1),
                amount: Fen::from_yuan(20_000),
            },
            Instalment {
                due_on: later(2),
                amount: Fen::from_yuan(18_000),
            },
        ];
        let mut too_much = plan.clone();
        too_much[1].amount = Fen::from_yuan(18_001);
        let s = |instalments: Vec<Instalment>| SettlementInput {
            case_id,
            signed_on: t,
            instalments,
            grace_days: 5,
            terms: "分两期付清".into(),
        };
        let e = app
            .execute(&officer, Command::RecordSettlement(Box::new(s(too_much))))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "settlement.more_than_claim", "{engine}");
        assert!(app
            .store
            .case_settlements(case_id)
            .await
            .unwrap()
            .is_empty());

        let id = app
            .execute(&officer, Command::RecordSettlement(Box::new(s(plan))))
            .await
            .unwrap()
            .id
            .unwrap();
        let pay = |version: i64, amount: i64| Command::RecordSettlementPayment {
            settlement_id: id,
            version,
            paid_on: t,
            amount: Fen::from_yuan(amount),
            note: "申请人确认收到".into(),
        };
        app.execute(&officer, pay(1, 20_000)).await.unwrap();
        // The same form sent twice: the second is stale.
        let e = app.execute(&officer, pay(1, 20_000)).await.unwrap_err();
        assert!(matches!(e, AppError::Conflict(_)), "{e}");
        let v = app.case_measures(&officer, case_id).await.unwrap();
        assert_eq!(
            v.settlements[0].performance.status,
            SettlementStatus::Performing
        );
        assert_eq!(
            v.settlements[0].performance.outstanding,
            Fen::from_yuan(18_000)
        );
        app.execute(&officer, pay(2, 18_000)).await.unwrap();
        let v = app.case_measures(&officer, case_id).await.unwrap();
        assert_eq!(
            v.settlements[0].performance.status,
            SettlementStatus::Performed
        );
        let kinds = events(&app, case_id).await;
        assert_eq!(
            kinds
                .iter()
                .filter(|k| *k == "settlement_payment_recorded")
                .count(),
            2
        );
        assert!(kinds.contains(&"settlement_recorded".to_string()));
    })
    .await;
}
