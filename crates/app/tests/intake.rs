//! Reception at the window, filing from it, same-day inquiries, duplicates and concurrent
//! filing, on SQLite and PostgreSQL.

mod common;

use common::{actor, basis, each_engine, generate_demo, person};
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::intake::ReceptionInput;
use zhixing_domain::case::CaseType;
use zhixing_domain::money::Fen;
use zhixing_domain::reception::{Agent, AssetKind, AssetLead, Checklist, NoticeItem};

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 1 };
const PHONE: Option<&str> = Some("13912345678");
const BASIS: &str = "（2025）豫0883民初321号";

fn reception(court_id: i64) -> ReceptionInput {
    ReceptionInput {
        court_id,
        case_type: CaseType::First,
        applicant: person("王申请", "41088319700101001", PHONE),
        agent: Some(Agent::new("赵律师", Some("14108201210123456"), None).unwrap()),
        debtors: vec![
            person("刘被执", "41088319750202002", PHONE),
            person("陈被执", "41088319760303003", PHONE),
        ],
        basis: basis(BASIS, "2025-06-01"),
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
    each_engine(DEMO, |app, label| async move {
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
                &[&person("王申请", "41088319700101001", PHONE)],
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
        assert!(
            app.store.officer_loads_consistent().await.unwrap(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn clerks_filing_at_the_same_moment_get_consecutive_numbers() {
    each_engine(DEMO, |app, label| async move {
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
                    basis: basis(BASIS, "2025-06-01"),
                    claim: Fen::from_yuan(1000 + i),
                    applicants: vec![person("王申请", "41088319700101001", PHONE)],
                    debtors: vec![person("刘被执", "41088319750202002", PHONE)],
                    reception_id: None,
                    flags: Default::default(),
                    debtor_locatable: true,
                    note: None,
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
    each_engine(DEMO, |app, label| async move {
        generate_demo(
            &app,
            DemoOptions {
                cases: 300,
                seed: 5,
            },
        )
        .await;
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
            basis: basis(BASIS, "2025-06-01"),
            claim: Fen::from_yuan(2_000),
            applicants: vec![person("王申请", "41088319700101001", PHONE)],
            debtors: vec![person("刘被执", "41088319750202002", PHONE)],
            reception_id: None,
            flags: Default::default(),
            debtor_locatable: true,
            note: None,
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
        assert!(
            app.store.officer_loads_consistent().await.unwrap(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn filing_skips_officers_on_leave_today() {
    each_engine(DEMO, |app, label| async move {
        let clerk = actor(&app, "mz_clerk").await;
        let chief = actor(&app, "mz_chief").await;
        let today = chrono::NaiveDate::parse_from_str(
            &zhixing_app::intake::shanghai_date(zhixing_store::now_ms()),
            "%Y-%m-%d",
        )
        .unwrap();
        // Everyone of the fast team but the third officer is away today.
        for who in ["mz_t1_officer1", "mz_t1_officer2"] {
            let away = actor(&app, who).await;
            app.execute(
                &chief,
                Command::RecordLeave {
                    court_id: chief.court_id,
                    user_id: away.user_id.unwrap(),
                    date: today,
                    reason: "年休假".into(),
                },
            )
            .await
            .unwrap();
        }
        let staying = actor(&app, "mz_t1_officer3").await;
        for _ in 0..3 {
            let f = FileCase {
                court_id: clerk.court_id,
                case_type: CaseType::First,
                basis: basis(BASIS, "2025-06-01"),
                claim: Fen::from_yuan(5_000),
                applicants: vec![person("王申请", "41088319700101001", PHONE)],
                debtors: vec![person("刘被执", "41088319750202002", PHONE)],
                reception_id: None,
                flags: Default::default(),
                debtor_locatable: true,
                note: None,
            };
            let id = app
                .execute(&clerk, Command::FileCase(f))
                .await
                .unwrap()
                .id
                .unwrap();
            let d = app.case_detail(&clerk, id).await.unwrap();
            assert_eq!(
                d.officer_name.as_deref(),
                Some(staying.display_name.as_str()),
                "{label}"
            );
        }
    })
    .await;
}
