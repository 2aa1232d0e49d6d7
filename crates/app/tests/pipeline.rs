//! The command pipeline, the audit chain and the queries, on SQLite and PostgreSQL.

mod common;

use common::{actor, each_engine, filing, generate_demo};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::views::CaseFilter;
use zhixing_app::{App, AppError};
use zhixing_domain::case::{ClosingMode, Stage};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;

async fn demo_city(app: &App, cases: usize) {
    generate_demo(app, DemoOptions { cases, seed: 7 }).await;
}

#[tokio::test]
async fn demo_city_is_consistent_and_its_audit_chains_verify() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 300).await;
        assert_eq!(app.store.count_cases().await.unwrap(), 300, "{label}");
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}: {:?}", report.broken);
        assert_eq!(
            report.courts, 12,
            "{label}: high + intermediate + ten basic courts"
        );
        assert_eq!(
            report.events as i64,
            app.store.count_events().await.unwrap(),
            "{label}"
        );
        // Generating again adds cases and continues the numbering without clashes.
        demo_city(&app, 50).await;
        assert_eq!(app.store.count_cases().await.unwrap(), 350, "{label}");
        assert!(
            app.verify_audit().await.unwrap().broken.is_none(),
            "{label}"
        );
        assert!(
            app.store.officer_loads_consistent().await.unwrap(),
            "{label}: kept officer loads match a recount"
        );
    })
    .await;
}

#[tokio::test]
async fn verify_names_the_event_whose_byte_was_changed() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 40).await;
        let victim: Vec<zhixing_store::rows::EventRow> = {
            let q = zhixing_store::rows::CaseQuery {
                court_ids: app.court_tree().courts.iter().map(|c| c.id).collect(),
                limit: 1,
                ..Default::default()
            };
            let (rows, _) = app.store.list_cases(&q).await.unwrap();
            app.store.case_events(rows[0].id).await.unwrap()
        };
        let target = &victim[0];
        // One byte: a digit of the payload's amount or a character of its text.
        app.store
            .execute_unchecked(&format!(
                "UPDATE events SET payload = REPLACE(payload, '{{', '{{ ') WHERE id = {}",
                target.id
            ))
            .await
            .unwrap();
        let report = app.verify_audit().await.unwrap();
        let broken = report.broken.expect("tampering must be detected");
        assert_eq!(broken.event_id, Some(target.id), "{label}");
        assert_eq!(broken.seq, target.seq, "{label}");
        assert_eq!(broken.case_id, target.case_id, "{label}");
        assert!(
            broken.what.contains("内容被改动"),
            "{label}: {}",
            broken.what
        );

        // Deleting the newest event of a chain is caught by the head check.
        let app2 = app.clone();
        app2.store
            .execute_unchecked(&format!(
                "UPDATE events SET payload = REPLACE(payload, '{{ ', '{{') WHERE id = {}",
                target.id
            ))
            .await
            .unwrap();
        assert!(
            app2.verify_audit().await.unwrap().broken.is_none(),
            "{label}: restored"
        );
        app2.store
            .execute_unchecked("DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)")
            .await
            .unwrap();
        assert!(
            app2.verify_audit().await.unwrap().broken.is_some(),
            "{label}: truncation"
        );
    })
    .await;
}

#[tokio::test]
async fn filing_numbers_cases_in_sequence_and_writes_the_trail() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 0).await;
        let clerk = actor(&app, "mz_clerk").await;
        let a = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap();
        let b = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap();
        let year = zhixing_app::commands::shanghai_year(zhixing_store::now_ms());
        assert_eq!(
            a.case_number.as_deref(),
            Some(format!("（{year}）豫0883执1号").as_str()),
            "{label}"
        );
        assert_eq!(
            b.case_number.as_deref(),
            Some(format!("（{year}）豫0883执2号").as_str()),
            "{label}"
        );
        let timeline = app.case_timeline(&clerk, a.id.unwrap()).await.unwrap();
        // Filed, inquired the same day, routed by the court's rules and assigned by least load.
        let texts: Vec<&str> = timeline.iter().map(|e| e.text_zh.as_str()).collect();
        assert!(texts[1].starts_with("发起网络查控"), "{label}: {texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("分流至团队：速执团队")
                && t.contains("38,000.00 元 < 50,000.00 元")),
            "{label}: {texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("分案至承办人")),
            "{label}: {texts:?}"
        );
        let detail = app.case_detail(&clerk, a.id.unwrap()).await.unwrap();
        assert_eq!(detail.stage, Stage::Assigned, "{label}");
        assert_eq!(detail.team_name.as_deref(), Some("速执团队"));
        // The second case goes to the other fast-team officer: least load.
        let db = app.case_detail(&clerk, b.id.unwrap()).await.unwrap();
        assert_ne!(
            db.officer_name, detail.officer_name,
            "{label}: load spreads"
        );
        assert!(
            timeline[0].text_zh.starts_with("立案："),
            "{label}: {}",
            timeline[0].text_zh
        );
        assert_eq!(timeline[0].actor_name, clerk.display_name);

        // Bad input changes nothing.
        let mut bad = filing(clerk.court_id);
        bad.debtors = bad.applicants.clone();
        let err = app
            .execute(&clerk, Command::FileCase(bad))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "filing.debtor_is_applicant");
        let mut zero = filing(clerk.court_id);
        zero.claim = Fen(0);
        assert!(app.execute(&clerk, Command::FileCase(zero)).await.is_err());
        assert_eq!(app.store.count_cases().await.unwrap(), 2, "{label}");
        let c = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap();
        assert!(
            c.case_number.unwrap().contains("执3号"),
            "{label}: no gap after refused filings"
        );
    })
    .await;
}

/// Every case action, with the role allowed to do it.
fn all_actions(officer_id: i64, team_id: i64) -> Vec<(CaseAction, &'static str)> {
    vec![
        (
            CaseAction::AssignTeam {
                team_id,
                team_name: String::new(),
                reason: "测试".into(),
            },
            "mz_chief",
        ),
        (
            CaseAction::AssignOfficer {
                officer_id,
                officer_name: String::new(),
                reason: Some("测试".into()),
            },
            "mz_chief",
        ),
        (CaseAction::IssueNotice, "mz_clerk"),
        (
            CaseAction::MoveStage {
                to: Stage::Investigation,
            },
            "mz_chief",
        ),
        (
            CaseAction::Suspend {
                reason: "测试".into(),
            },
            "mz_chief",
        ),
        (CaseAction::Resume, "mz_chief"),
        (
            CaseAction::Lock {
                reason: "测试".into(),
            },
            "mz_chief",
        ),
        (
            CaseAction::RecordInquiry {
                summary: "未查询到财产".into(),
            },
            "mz_clerk",
        ),
        (
            CaseAction::ReceiveFunds { amount: Fen(100) },
            "mz_t1_officer1",
        ),
        (
            CaseAction::DisburseFunds { amount: Fen(100) },
            "mz_t1_officer1",
        ),
        (
            CaseAction::Close {
                mode: ClosingMode::Completed,
                dormant: None,
            },
            "mz_chief",
        ),
        (CaseAction::Archive, "mz_chief"),
    ]
}

/// Every case action on a locked case: the court's lock whitelist (by default recording funds
/// and inquiry results) passes, everything else is refused with the lock's reason; users of
/// another court never reach the case.
#[tokio::test]
async fn every_case_command_is_refused_when_locked_and_for_another_court() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 0).await;
        let clerk = actor(&app, "mz_clerk").await;
        let chief = actor(&app, "mz_chief").await;
        let case = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap();
        let id = case.id.unwrap();
        let officer = actor(&app, "mz_t1_officer1").await;
        let team_id = app.store.teams(&[chief.court_id]).await.unwrap()[0].id;
        let locked = app
            .execute(
                &chief,
                Command::Case {
                    case_id: id,
                    version: 1,
                    action: CaseAction::Lock {
                        reason: "节点超期".into(),
                    },
                },
            )
            .await
            .unwrap();
        let mut version = locked.version.unwrap();
        let whitelist = zhixing_domain::node::default_lock_whitelist();
        let mut passed = Vec::new();

        for (action, who) in all_actions(officer.user_id.unwrap(), team_id) {
            if matches!(action, CaseAction::Lock { .. }) {
                continue;
            }
            let a = actor(&app, who).await;
            let result = app
                .execute_for_setup(
                    &a,
                    Command::Case {
                        case_id: id,
                        version,
                        action: action.clone(),
                    },
                )
                .await;
            if whitelist.iter().any(|k| k == action.key()) {
                let out = result.unwrap_or_else(|e| {
                    panic!(
                        "{label}: {} is whitelisted on a locked case: {e:?}",
                        action.key()
                    )
                });
                version = out.version.unwrap();
                passed.push(action.key());
            } else {
                let err = result.unwrap_err();
                assert_eq!(
                    err.code(),
                    "case.locked",
                    "{label}: {} on a locked case",
                    action.key()
                );
                assert_eq!(err.status(), 423);
                // A hand lock: the message gives its reason and what may still be done.
                let zh = err.message_zh();
                assert!(
                    zh.contains("节点超期")
                        && zh.contains("除登记到账案款、录入查控结果、添加卷宗材料外不能办理"),
                    "{label}: {zh}"
                );
                assert!(err.message_en().contains("recording funds received"));
            }

            // A user of another basic court does not even learn the case exists.
            let other = actor(&app, "sy_chief").await;
            let other_clerk = actor(&app, "sy_clerk").await;
            let other_officer = actor(&app, "sy_t1_officer1").await;
            for o in [&other, &other_clerk, &other_officer] {
                let err = app
                    .execute_for_setup(
                        o,
                        Command::Case {
                            case_id: id,
                            version,
                            action: action.clone(),
                        },
                    )
                    .await
                    .unwrap_err();
                assert!(
                    matches!(err, AppError::NotFound | AppError::Forbidden { .. }),
                    "{label}: {} by {}: {err:?}",
                    action.key(),
                    o.username
                );
            }
        }
        assert_eq!(passed, ["record_inquiry", "receive_funds"], "{label}");
        let row = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!((row.locked, row.held_fen, row.version), (1, 100, version));
        // The intermediate court's supervisor may lift a hand lock directly.
        let supervisor = actor(&app, "jz_supervisor").await;
        let out = app
            .execute(
                &supervisor,
                Command::Case {
                    case_id: id,
                    version,
                    action: CaseAction::Unlock {
                        reason: "已审批".into(),
                    },
                },
            )
            .await
            .unwrap();
        assert_eq!(out.version, Some(version + 1), "{label}");
        // But the supervisor does not run the case: it is not their court's work.
        let err = app
            .execute(
                &supervisor,
                Command::Case {
                    case_id: id,
                    version: version + 1,
                    action: CaseAction::IssueNotice,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
    })
    .await;
}

/// Closing and case money have their own procedures (`CloseCase`, the funds commands):
/// `execute` refuses them as plain case actions, for every role that may close or move money,
/// and nothing changes.
#[tokio::test]
async fn plain_closing_and_money_are_refused() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 0).await;
        let clerk = actor(&app, "mz_clerk").await;
        let id = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap()
            .id
            .unwrap();
        let before = app.store.case_by_id(id).await.unwrap().unwrap();
        let events = app.store.case_events(id).await.unwrap().len();
        for (who, action, code) in [
            (
                "mz_chief",
                CaseAction::Close {
                    mode: ClosingMode::Completed,
                    dormant: None,
                },
                "case.close_by_procedure",
            ),
            (
                "mz_t1_officer1",
                CaseAction::ReceiveFunds { amount: Fen(100) },
                "case.funds_by_account",
            ),
            (
                "mz_t1_officer1",
                CaseAction::DisburseFunds { amount: Fen(100) },
                "case.funds_by_account",
            ),
        ] {
            let a = actor(&app, who).await;
            let err = app
                .execute(
                    &a,
                    Command::Case {
                        case_id: id,
                        version: before.version,
                        action,
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(err.code(), code, "{label}");
            assert_eq!(err.status(), 422, "{label}");
            assert!(err.message_zh().contains("程序") || err.message_zh().contains("账户"));
        }
        let after = app.store.case_by_id(id).await.unwrap().unwrap();
        assert_eq!(
            (after.version, after.held_fen, after.closed_at),
            (before.version, before.held_fen, None),
            "{label}"
        );
        assert_eq!(app.store.case_events(id).await.unwrap().len(), events);
    })
    .await;
}

#[tokio::test]
async fn roles_stale_versions_and_domain_rules_are_enforced() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 0).await;
        let clerk = actor(&app, "mz_clerk").await;
        let chief = actor(&app, "mz_chief").await;
        let officer = actor(&app, "mz_t2_officer1").await;
        let id = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id)))
            .await
            .unwrap()
            .id
            .unwrap();

        // A clerk may not assign officers. Filing already assigned one, so this is a
        // reassignment (改派) within the case's team, with a reason.
        let row = app.store.case_by_id(id).await.unwrap().unwrap();
        let users = app.store.users_of_courts(&[row.court_id]).await.unwrap();
        let officer_id = users
            .iter()
            .find(|u| {
                u.role == "officer" && u.team_id == row.team_id && Some(u.id) != row.officer_id
            })
            .map_or(officer.user_id.unwrap(), |u| u.id);
        let assign = CaseAction::AssignOfficer {
            officer_id,
            officer_name: String::new(),
            reason: Some("均衡负荷".into()),
        };
        let err = app
            .execute(
                &clerk,
                Command::Case {
                    case_id: id,
                    version: 1,
                    action: assign.clone(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), 403, "{label}");
        let out = app
            .execute(
                &chief,
                Command::Case {
                    case_id: id,
                    version: 1,
                    action: assign.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(out.version, Some(2));
        let detail = app.case_detail(&chief, id).await.unwrap();
        assert_eq!(detail.stage, Stage::Assigned, "{label}");
        let expected = users.iter().find(|u| u.id == officer_id).unwrap();
        assert_eq!(
            detail.officer_name.as_deref(),
            Some(expected.display_name.as_str())
        );

        // A page loaded before that change is stale.
        let err = app
            .execute(
                &clerk,
                Command::Case {
                    case_id: id,
                    version: 1,
                    action: CaseAction::IssueNotice,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), 409, "{label}");
        app.execute(
            &clerk,
            Command::Case {
                case_id: id,
                version: 2,
                action: CaseAction::IssueNotice,
            },
        )
        .await
        .unwrap();

        // Paying out more than was received is refused and changes nothing.
        let err = app
            .execute_for_setup(
                &officer,
                Command::Case {
                    case_id: id,
                    version: 3,
                    action: CaseAction::DisburseFunds { amount: Fen(1) },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "funds.more_than_held", "{label}");
        assert_eq!(app.case_detail(&chief, id).await.unwrap().version, 3);

        // An officer of another court cannot be assigned.
        let foreign = actor(&app, "sy_t1_officer1").await;
        let err = app
            .execute(
                &chief,
                Command::Case {
                    case_id: id,
                    version: 3,
                    action: CaseAction::AssignOfficer {
                        officer_id: foreign.user_id.unwrap(),
                        officer_name: String::new(),
                        reason: None,
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "case.officer_unknown", "{label}");
    })
    .await;
}

#[tokio::test]
async fn lists_stay_within_the_users_courts_and_filter() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 400).await;
        let mz = actor(&app, "mz_clerk").await;
        let sup = actor(&app, "jz_supervisor").await;
        let all = app.list_cases(&sup, &CaseFilter::default()).await.unwrap();
        assert_eq!(all.total, 400, "{label}");
        let mine = app
            .list_cases(
                &mz,
                &CaseFilter {
                    per_page: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(mine.total > 0 && mine.total < 400, "{label}");
        assert!(
            mine.items.iter().all(|c| c.case_number.contains("豫0883")),
            "{label}"
        );
        // Asking for another court's cases gives nothing, not an error that confirms them.
        let sy = app.court_tree().by_code("豫0811").unwrap().id;
        let none = app
            .list_cases(
                &mz,
                &CaseFilter {
                    court_id: Some(sy),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(none.total, 0);
        // Another court's case is "not found" for the clerk, visible for the supervisor.
        let theirs = app
            .list_cases(
                &sup,
                &CaseFilter {
                    court_id: Some(sy),
                    per_page: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let their_id = theirs.items[0].id;
        assert!(matches!(
            app.case_detail(&mz, their_id).await,
            Err(AppError::NotFound)
        ));
        assert!(app.case_detail(&sup, their_id).await.is_ok());

        // Filters narrow, and the text search finds numbers and names.
        let closed = app
            .list_cases(
                &sup,
                &CaseFilter {
                    stage: Some(Stage::Archived),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(closed.items.iter().all(|c| c.stage == Stage::Archived));
        let first = &all.items[0];
        let by_number = app
            .list_cases(
                &sup,
                &CaseFilter {
                    q: Some(first.case_number.replace('（', "(").replace('）', ")")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            by_number.total, 1,
            "{label}: search by number with ASCII brackets"
        );
        let name = first.debtors.split('、').next().unwrap().to_string();
        let by_name = app
            .list_cases(
                &sup,
                &CaseFilter {
                    q: Some(name.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            by_name.items.iter().any(|c| c.id == first.id),
            "{label}: search by name {name}"
        );
        // Short and long searches take different paths on SQLite (scan vs trigram index).
        let two: String = name.chars().take(2).collect();
        let short = app
            .list_cases(
                &sup,
                &CaseFilter {
                    q: Some(two.clone()),
                    per_page: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            short.total >= by_name.total
                && short
                    .items
                    .iter()
                    .all(|c| format!("{}{}", c.applicants, c.debtors).contains(&two)),
            "{label}"
        );
        let wild = app
            .list_cases(
                &sup,
                &CaseFilter {
                    q: Some("%".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(wild.total, 0, "{label}: % is a character, not a wildcard");
        let court_part = app
            .list_cases(
                &sup,
                &CaseFilter {
                    q: Some("豫0883执".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            court_part.total, mine.total,
            "{label}: part of a case number"
        );
        let page2 = app
            .list_cases(
                &sup,
                &CaseFilter {
                    page: 2,
                    per_page: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page2.items.len(), 10);
        assert_ne!(page2.items[0].id, all.items[0].id);
    })
    .await;
}

#[tokio::test]
async fn sign_in_checks_passwords_and_sessions_expire_on_logout() {
    each_engine(None, |app, label| async move {
        demo_city(&app, 0).await;
        let err = app.login("mz_clerk", "wrong-password").await.unwrap_err();
        assert_eq!(err.code(), "login.failed", "{label}");
        let err2 = app.login("nobody", "wrong-password").await.unwrap_err();
        assert_eq!(
            err.message_zh(),
            err2.message_zh(),
            "unknown users look like wrong passwords"
        );
        let s = app
            .login("mz_clerk", zhixing_app::setup::DEMO_PASSWORD)
            .await
            .unwrap();
        let session = app.session(&s.token).await.unwrap();
        assert_eq!(session.user.court_code, "豫0883");
        // An expired session is no session.
        let old = app
            .login("mz_clerk", zhixing_app::setup::DEMO_PASSWORD)
            .await
            .unwrap();
        app.store
            .execute_unchecked("UPDATE sessions SET expires_at = 1")
            .await
            .unwrap();
        assert!(
            matches!(
                app.session(&old.token).await,
                Err(AppError::Unauthenticated)
            ),
            "{label}"
        );
        let s = app
            .login("mz_clerk", zhixing_app::setup::DEMO_PASSWORD)
            .await
            .unwrap();
        app.logout(&s.token).await.unwrap();
        assert!(matches!(
            app.session(&s.token).await,
            Err(AppError::Unauthenticated)
        ));
        assert!(matches!(
            app.session("forged").await,
            Err(AppError::Unauthenticated)
        ));
    })
    .await;
}
