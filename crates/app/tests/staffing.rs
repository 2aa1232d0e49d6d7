//! Teams and assignment: reassignment with a reason on the timeline, the court boundary, an
//! officer leaving (cases spread by load, 终本 cases to the dormant-case team), deactivated
//! accounts, and the load weights — on SQLite and PostgreSQL.

mod common;

use common::{actor, each_engine, user_id};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::App;
use zhixing_domain::assignment::LoadWeights;
use zhixing_domain::case::CaseType;
use zhixing_domain::lifecycle::CaseAction;

/// The demo city with `cases` cases.
fn city(cases: usize) -> DemoOptions {
    DemoOptions { cases, seed: 7 }
}

/// An open case of the given team that has an officer, and its version.
async fn open_case_with_officer(app: &App, officer: &str) -> (i64, i64, i64) {
    let id = user_id(app, officer).await;
    let held = app.store.cases_held_by(id).await.unwrap();
    let c = held
        .iter()
        .find(|c| c.stage != "closed")
        .unwrap_or_else(|| panic!("{officer} holds an open case"));
    (c.id, c.version, id)
}

#[tokio::test]
async fn reassignment_needs_a_reason_and_is_on_the_timeline() {
    each_engine(city(300), |app, label| async move {
        let lead = actor(&app, "mz_t1_lead").await;
        let (case_id, version, from) = open_case_with_officer(&app, "mz_t1_officer1").await;
        let to = user_id(&app, "mz_t1_officer2").await;
        let assign = |reason: Option<&str>, version: i64| Command::Case {
            case_id,
            version,
            action: CaseAction::AssignOfficer {
                officer_id: to,
                officer_name: String::new(),
                reason: reason.map(String::from),
            },
        };
        for r in [None, Some("   ")] {
            let err = app.execute(&lead, assign(r, version)).await.unwrap_err();
            assert_eq!(err.code(), "assignment.reason_required", "{label}");
        }
        let out = app
            .execute(&lead, assign(Some("原承办人外出培训"), version))
            .await
            .unwrap();
        let case = app.store.case_by_id(case_id).await.unwrap().unwrap();
        assert_eq!(case.officer_id, Some(to), "{label}");
        assert_eq!(Some(case.version), out.version);
        let timeline = app.case_timeline(&lead, case_id).await.unwrap();
        let last = format!("{:?}", timeline.last().unwrap());
        assert!(last.contains("原承办人外出培训"), "{label}: {last}");

        // Stale version → conflict; same holder → refused.
        let err = app
            .execute(&lead, assign(Some("再次"), version))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{label}");
        let err = app
            .execute(&lead, assign(Some("再次"), out.version.unwrap()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "assignment.same_holder", "{label}");

        // Someone of another team: change the team first.
        let other = user_id(&app, "mz_t2_officer1").await;
        let err = app
            .execute(
                &lead,
                Command::Case {
                    case_id,
                    version: out.version.unwrap(),
                    action: CaseAction::AssignOfficer {
                        officer_id: other,
                        officer_name: String::new(),
                        reason: Some("x".into()),
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), "case.officer_other_team", "{label}");

        // Another court's team leader and bureau chief are refused.
        for foreign in ["sy_t1_lead", "sy_chief"] {
            let a = actor(&app, foreign).await;
            let err = app
                .execute(&a, assign(Some("越权"), out.version.unwrap()))
                .await
                .unwrap_err();
            assert_eq!(err.code(), "not_found", "{label} {foreign}");
        }
        // A clerk may not assign.
        let clerk = actor(&app, "mz_clerk").await;
        let err = app
            .execute(&clerk, assign(Some("x"), out.version.unwrap()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "forbidden", "{label}");

        // The chief moves the case to another team, with a reason (required).
        let chief = actor(&app, "mz_chief").await;
        let t2 = app
            .store
            .teams(&[case.court_id])
            .await
            .unwrap()
            .into_iter()
            .find(|t| Some(t.id) != case.team_id)
            .unwrap();
        let team = |reason: &str| Command::Case {
            case_id,
            version: out.version.unwrap(),
            action: CaseAction::AssignTeam {
                team_id: t2.id,
                team_name: String::new(),
                reason: reason.into(),
            },
        };
        let err = app.execute(&chief, team(" ")).await.unwrap_err();
        assert_eq!(err.code(), "case.reason_required", "{label}");
        app.execute(&chief, team("案情复杂，转特执")).await.unwrap();
        let timeline = format!("{:?}", app.case_timeline(&chief, case_id).await.unwrap());
        assert!(timeline.contains("案情复杂，转特执"), "{label}");
        let _ = from;

        // The assignment form: for the leader, the team in load order; none for a clerk.
        let opts = app.assign_options(&chief, case_id).await.unwrap().unwrap();
        assert!(!opts.ranking.is_empty(), "{label}");
        assert!(opts
            .ranking
            .windows(2)
            .all(|w| !w[0].first_choice || !w[1].first_choice || w[0].load <= w[1].load));
        assert!(app.assign_options(&clerk, case_id).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn officer_leaving_spreads_cases_and_sends_dormant_ones_to_the_dormant_team() {
    each_engine(city(1200), |app, label| async move {
        let chief = actor(&app, "sy_chief").await;
        let teams = app.store.teams(&[chief.court_id]).await.unwrap();
        let dormant_team = teams.iter().find(|t| t.kind == "dormant").unwrap();
        // An officer outside the dormant-case team who holds a 终本 case.
        let users = app.store.users_of_courts(&[chief.court_id]).await.unwrap();
        let mut leaving = None;
        for u in users
            .iter()
            .filter(|u| u.role == "officer" && u.team_id != Some(dormant_team.id))
        {
            let held = app.store.cases_held_by(u.id).await.unwrap();
            if held
                .iter()
                .any(|c| c.closing_mode.as_deref() == Some("dormant"))
                && held.iter().filter(|c| c.stage != "closed").count() >= 2
            {
                leaving = Some(u.clone());
                break;
            }
        }
        let leaving = leaving.expect("demo data has an officer with a 终本 case");
        let plan = app.leaving_plan(&chief, leaving.id).await.unwrap();
        assert!(plan.can_reassign && plan.can_deactivate, "{label}");
        assert_eq!(plan.dormant_team.as_ref().unwrap().id, dormant_team.id);
        let held = app.store.cases_held_by(leaving.id).await.unwrap();
        assert_eq!(plan.cases.len(), held.len(), "{label}");
        for c in &plan.cases {
            assert_ne!(c.suggested_id, Some(leaving.id), "{label}");
            if c.dormant {
                assert_eq!(c.team_id, Some(dormant_team.id), "{label}");
                assert!(c.team_changes);
            } else {
                assert_eq!(c.team_id, leaving.team_id, "{label}");
                assert!(c.suggested_id.is_some(), "{label}");
            }
        }
        // Spread by load: the in-team suggestions do not all go to one member when the team has
        // more than one other officer and the leaver holds several open cases.
        let in_team: Vec<i64> = plan
            .cases
            .iter()
            .filter(|c| !c.dormant)
            .filter_map(|c| c.suggested_id)
            .collect();
        if in_team.len() >= 4 {
            let first = in_team[0];
            assert!(in_team.iter().any(|&s| s != first), "{label}: {in_team:?}");
        }

        // Deactivate: reason required; then done; then "nothing to deactivate".
        let deactivate = |reason: &str| Command::DeactivateUser {
            user_id: leaving.id,
            reason: reason.into(),
        };
        let clerk = actor(&app, "sy_clerk").await;
        assert_eq!(
            app.execute(&clerk, deactivate("调离"))
                .await
                .unwrap_err()
                .code(),
            "forbidden"
        );
        let mz_chief = actor(&app, "mz_chief").await;
        assert_eq!(
            app.execute(&mz_chief, deactivate("调离"))
                .await
                .unwrap_err()
                .code(),
            "not_found"
        );
        assert_eq!(
            app.execute(&chief, deactivate(" "))
                .await
                .unwrap_err()
                .code(),
            "user.reason_required"
        );
        app.execute(&chief, deactivate("调离本院")).await.unwrap();
        assert_eq!(
            app.execute(&chief, deactivate("调离本院"))
                .await
                .unwrap_err()
                .code(),
            "user.already_inactive",
            "{label}"
        );
        // A deactivated user can no longer sign in.
        let err = app
            .login(&leaving.username, "zhixing123")
            .await
            .unwrap_err();
        assert_eq!(err.code(), "login.failed", "{label}");

        // Reassign all as suggested: one audited action per change.
        let lead = actor(&app, "sy_t1_lead").await;
        let report = app.reassign_leaving(&lead, leaving.id, "").await.unwrap();
        // A locked case (超期锁死) waits for its unlocking; it is reported, the rest go on.
        assert!(
            report.failed.iter().all(|f| f.code == "case.locked"),
            "{label}: {:?}",
            report.failed
        );
        assert_eq!(
            report.reassigned.len() + report.failed.len(),
            plan.cases.len()
        );
        let left: Vec<i64> = app
            .store
            .cases_held_by(leaving.id)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let failed: Vec<i64> = report.failed.iter().map(|f| f.case_id).collect();
        assert_eq!(left, failed, "{label}");
        for c in plan.cases.iter().filter(|c| !failed.contains(&c.case_id)) {
            let row = app.store.case_by_id(c.case_id).await.unwrap().unwrap();
            assert_eq!(row.officer_id, c.suggested_id, "{label}");
            assert_eq!(row.team_id, c.team_id, "{label}");
            let timeline = format!("{:?}", app.case_timeline(&lead, c.case_id).await.unwrap());
            assert!(timeline.contains("离岗"), "{label}");
        }
        assert_eq!(
            app.leaving_plan(&chief, leaving.id)
                .await
                .unwrap()
                .cases
                .len(),
            failed.len()
        );
        // The audit chain still verifies.
        let report = app.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{label}");
        // Reassigning many cases kept every officer's open-case count right.
        assert!(
            app.store.officer_loads_consistent().await.unwrap(),
            "{label}"
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_dormant_team_dormant_cases_stay_in_the_team() {
    each_engine(city(300), |app, label| async move {
        let chief = actor(&app, "mz_chief").await;
        let officer = user_id(&app, "mz_t1_officer1").await;
        let plan = app.leaving_plan(&chief, officer).await.unwrap();
        assert!(plan.dormant_team.is_none(), "{label}");
        let team = app
            .store
            .user_by_id(officer)
            .await
            .unwrap()
            .unwrap()
            .team_id;
        assert!(plan
            .cases
            .iter()
            .all(|c| c.team_id == team && !c.team_changes));
        // Clerks may not see the page; admins may, but cannot reassign cases.
        let clerk = actor(&app, "mz_clerk").await;
        assert_eq!(
            app.leaving_plan(&clerk, officer).await.unwrap_err().code(),
            "forbidden"
        );
        let admin = actor(&app, "mz_admin").await;
        let v = app.leaving_plan(&admin, officer).await.unwrap();
        assert!(!v.can_reassign && v.can_deactivate);
        // The team page.
        let teams = app.teams_overview(&chief, None).await.unwrap();
        assert_eq!(teams.teams.len(), 4, "{label}");
        let t1 = &teams.teams[0];
        assert!(t1.members.iter().any(|m| m.rank == Some(1)));
        assert!(app.teams_overview(&clerk, None).await.is_err());
        let sy = app
            .store
            .user_by_username("sy_chief")
            .await
            .unwrap()
            .unwrap()
            .court_id;
        assert_eq!(
            app.teams_overview(&chief, Some(sy))
                .await
                .unwrap_err()
                .code(),
            "not_found"
        );
    })
    .await;
}

#[tokio::test]
async fn load_weights_save_validate_and_conflict() {
    each_engine(city(0), |app, label| async move {
        let admin = actor(&app, "mz_admin").await;
        let court = admin.court_id;
        let (w, v) = app.load_weights(court).await.unwrap();
        assert_eq!((w.clone(), v), (LoadWeights::default(), 0));
        let mut changed = w.clone();
        changed.by_type.insert(CaseType::First, 12);
        let v1 = app
            .save_load_weights(&admin, court, &changed, 0)
            .await
            .unwrap();
        assert_eq!(v1, 1, "{label}");
        assert_eq!(app.load_weights(court).await.unwrap(), (changed.clone(), 1));
        // Stale version.
        let err = app
            .save_load_weights(&admin, court, &changed, 0)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{label}");
        // Invalid: every problem is listed by weight_problems; the save refuses.
        let mut bad = changed.clone();
        bad.by_type.insert(CaseType::Restored, 0);
        bad.complex_extra = 5000;
        let problems = zhixing_app::staffing::weight_problems(&bad);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let err = app
            .save_load_weights(&admin, court, &bad, 1)
            .await
            .unwrap_err();
        assert!(err.code().starts_with("assignment.weight"), "{label}");
        // Only administrators.
        let chief = actor(&app, "mz_chief").await;
        assert_eq!(
            app.save_load_weights(&chief, court, &changed, 1)
                .await
                .unwrap_err()
                .code(),
            "forbidden"
        );
    })
    .await;
}
