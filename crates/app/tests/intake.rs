//! Reception at the window, filing from it, same-day inquiries, duplicates and concurrent
//! filing, on SQLite and PostgreSQL.

use chrono::NaiveDate;
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::intake::ReceptionInput;
use zhixing_app::{Actor, App};
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::ids::{resident_check_char, ResidentId};
use zhixing_domain::money::Fen;
use zhixing_domain::party::{Party, PartyIdentity};
use zhixing_domain::reception::{Agent, AssetKind, AssetLead, Checklist, NoticeItem};
use zhixing_store::testing::test_databases;

async fn each_engine<F, Fut>(f: F)
where
    F: Fn(App, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in test_databases().await {
        let app = App::open(&db.url).await.expect("open test database");
        app.generate_demo(DemoOptions { cases: 0, seed: 1 }, |_| {})
            .await
            .unwrap();
        f(app.clone(), db.label).await;
        app.store.close().await;
        db.cleanup().await;
    }
}

async fn actor(app: &App, username: &str) -> Actor {
    let u = app
        .store
        .user_by_username(username)
        .await
        .unwrap()
        .expect(username);
    app.actor_for_user(u.id).await.unwrap()
}

fn person(name: &str, body17: &str) -> Party {
    let id = format!("{body17}{}", resident_check_char(body17));
    Party::new(
        name,
        PartyIdentity::Person(ResidentId::parse(&id).unwrap()),
        Some("13912345678"),
        None,
    )
    .unwrap()
}

fn basis() -> Basis {
    Basis::new(
        "孟州市人民法院",
        "（2025）豫0883民初321号",
        BasisKind::Judgment,
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap()
}

fn reception(court_id: i64) -> ReceptionInput {
    ReceptionInput {
        court_id,
        case_type: CaseType::First,
        applicant: person("王申请", "41088319700101001"),
        agent: Some(Agent::new("赵律师", Some("14108201210123456"), None).unwrap()),
        debtors: vec![
            person("刘被执", "41088319750202002"),
            person("陈被执", "41088319760303003"),
        ],
        basis: basis(),
        amount_awarded: Fen::from_yuan(38_000),
        interest_terms: Some("自 2025-06-01 起按 LPR 计息".into()),
        claim: Fen::from_yuan(38_000),
        asset_leads: vec![
            AssetLead::new(AssetKind::Vehicle, "豫H·12345 小型轿车", Some("孟州市")).unwrap(),
        ],
        debtor_locatable: true,
        flags: vec![],
        statement: "申请人称被执行人至今未履行判决。".into(),
        checklist: Checklist::all_confirmed(),
        applicant_confirmed: true,
    }
}

#[tokio::test]
async fn one_visit_reception_then_filing_starts_the_inquiry_the_same_day() {
    each_engine(|app, label| async move {
        let officer = actor(&app, "mz_reception").await;
        let clerk = actor(&app, "mz_clerk").await;

        // An unconfirmed notice item refuses the record and writes nothing.
        let mut r = reception(officer.court_id);
        r.checklist.confirmed.remove(&NoticeItem::DormantMeaning);
        let events_before = app.store.count_events().await.unwrap();
        let err = app
            .execute(&officer, Command::RecordReception(Box::new(r)))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "reception.checklist_incomplete", "{label}");
        assert!(err.message_zh().contains("恢复执行"));
        assert_eq!(app.store.count_events().await.unwrap(), events_before);
        let mut r = reception(officer.court_id);
        r.applicant_confirmed = false;
        assert_eq!(
            app.execute(&officer, Command::RecordReception(Box::new(r)))
                .await
                .unwrap_err()
                .code(),
            "reception.not_confirmed"
        );
        let mut r = reception(officer.court_id);
        r.debtors.push(r.applicant.clone());
        assert_eq!(
            app.execute(&officer, Command::RecordReception(Box::new(r)))
                .await
                .unwrap_err()
                .code(),
            "filing.debtor_is_applicant"
        );

        let out = app
            .execute(
                &officer,
                Command::RecordReception(Box::new(reception(officer.court_id))),
            )
            .await
            .unwrap();
        let code = out.binding_code.clone().unwrap();
        assert_eq!(code.len(), 8, "{label}");
        let rid = out.id.unwrap();
        assert_eq!(
            app.store
                .reception_by_code(&code)
                .await
                .unwrap()
                .unwrap()
                .id,
            rid
        );

        // A clerk of another court cannot file it; the clerk of this court can, once.
        let other = actor(&app, "sy_clerk").await;
        assert!(app.file_from_reception(&other, rid).await.is_err());
        let filed = app.file_from_reception(&clerk, rid).await.unwrap();
        let case_id = filed.id.unwrap();
        let again = app.file_from_reception(&clerk, rid).await.unwrap_err();
        assert_eq!(again.status(), 409, "{label}");

        let tasks = app.store.inquiry_tasks(case_id).await.unwrap();
        assert_eq!(tasks.len(), 2, "{label}: one inquiry per debtor");
        let today = zhixing_app::intake::shanghai_date(zhixing_store::now_ms());
        assert!(tasks
            .iter()
            .all(|t| t.status == "pending" && t.due_on == today));
        let timeline = app.case_timeline(&clerk, case_id).await.unwrap();
        assert_eq!(
            timeline
                .iter()
                .filter(|e| e.text_zh.starts_with("发起网络查控"))
                .count(),
            2,
            "{label}"
        );

        // Filing the same instrument for the same parties again is flagged beforehand.
        let dups = app
            .possible_duplicates(
                &clerk,
                "（2025）豫0883民初321号",
                &[&person("王申请", "41088319700101001")],
            )
            .await
            .unwrap();
        assert_eq!(dups.len(), 1, "{label}");
        assert_eq!(Some(dups[0].case_number.clone()), filed.case_number);
        let none = app
            .possible_duplicates(&clerk, "（2025）豫0883民初999号", &[])
            .await
            .unwrap();
        assert!(none.is_empty());
        assert!(app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}

#[tokio::test]
async fn clerks_filing_at_the_same_moment_get_consecutive_numbers() {
    each_engine(|app, label| async move {
        let a = actor(&app, "mz_clerk").await;
        let b = actor(&app, "mz_clerk2").await;
        let mut handles = Vec::new();
        for i in 0..24 {
            let app = app.clone();
            let who = if i % 2 == 0 { a.clone() } else { b.clone() };
            handles.push(tokio::spawn(async move {
                let f = FileCase {
                    court_id: who.court_id,
                    case_type: CaseType::First,
                    basis: basis(),
                    claim: Fen::from_yuan(1000 + i),
                    applicants: vec![person("王申请", "41088319700101001")],
                    debtors: vec![person("刘被执", "41088319750202002")],
                    reception_id: None,
                    flags: Default::default(),
                    debtor_locatable: true,
                };
                app.execute(&who, Command::FileCase(f))
                    .await
                    .unwrap()
                    .case_number
                    .unwrap()
            }));
        }
        let mut seqs = Vec::new();
        for h in handles {
            let n = h.await.unwrap();
            let seq: u32 = n
                .split('执')
                .nth(1)
                .unwrap()
                .trim_end_matches('号')
                .parse()
                .unwrap();
            seqs.push(seq);
        }
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            (1..=24).collect::<Vec<u32>>(),
            "{label}: no gaps, no duplicates"
        );
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn triage_rules_are_edited_checked_simulated_and_used() {
    use zhixing_domain::team::TeamKind;
    use zhixing_domain::triage::{Condition, RuleSet, TriageRule};
    each_engine(|app, label| async move {
        app.generate_demo(
            DemoOptions {
                cases: 300,
                seed: 5,
            },
            |_| {},
        )
        .await
        .unwrap();
        let admin = actor(&app, "mz_admin").await;
        let clerk = actor(&app, "mz_clerk").await;
        let court = admin.court_id;
        let (preset, version) = app.triage_rules(court).await.unwrap();
        assert_eq!(version, 0, "{label}: the preset until saved");

        // Everything to the ordinary team except preservation cases.
        let rules = RuleSet::new(vec![
            TriageRule::new(
                "保全案件",
                vec![Condition::CaseTypeIn(vec![CaseType::Preservation])],
                TeamKind::Fast,
            ),
            TriageRule::new("其他案件", vec![], TeamKind::Ordinary),
        ]);
        let sim = app
            .simulate_triage(&admin, court, &rules, 36)
            .await
            .unwrap();
        assert!(sim.cases > 0 && sim.changed > 0, "{label}: {sim:?}");
        let today: usize = sim.teams.iter().map(|t| t.today).sum();
        let simulated: usize = sim.teams.iter().map(|t| t.simulated).sum();
        assert_eq!((today, simulated), (sim.cases, sim.cases));
        let same = app
            .simulate_triage(&admin, court, &preset, 36)
            .await
            .unwrap();
        assert!(
            same.changed < sim.changed,
            "{label}: the preset matches today's routing more closely"
        );

        // Only an administrator saves, only a complete rule set, only against the version seen.
        assert_eq!(
            app.save_triage_rules(&clerk, court, &rules, 0)
                .await
                .unwrap_err()
                .status(),
            403
        );
        let gap = RuleSet::new(vec![TriageRule::new(
            "保全案件",
            vec![Condition::CaseTypeIn(vec![CaseType::Preservation])],
            TeamKind::Fast,
        )]);
        let err = app
            .save_triage_rules(&admin, court, &gap, 0)
            .await
            .unwrap_err();
        assert!(err.code().starts_with("triage."), "{label}: {err:?}");
        let v = app
            .save_triage_rules(&admin, court, &rules, 0)
            .await
            .unwrap();
        assert_eq!(v, 1);
        assert_eq!(
            app.save_triage_rules(&admin, court, &rules, 0)
                .await
                .unwrap_err()
                .status(),
            409
        );
        assert_eq!(app.triage_rules(court).await.unwrap(), (rules.clone(), 1));

        // Filing now follows the saved rules.
        let f = FileCase {
            court_id: court,
            case_type: CaseType::First,
            basis: basis(),
            claim: Fen::from_yuan(2_000),
            applicants: vec![person("王申请", "41088319700101001")],
            debtors: vec![person("刘被执", "41088319750202002")],
            reception_id: None,
            flags: Default::default(),
            debtor_locatable: true,
        };
        let id = app
            .execute(&clerk, Command::FileCase(f))
            .await
            .unwrap()
            .id
            .unwrap();
        let d = app.case_detail(&clerk, id).await.unwrap();
        assert_eq!(d.team_name.as_deref(), Some("普执团队"), "{label}");
        assert!(app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}
