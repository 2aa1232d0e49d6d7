//! The reception window's duty roster and leave, on SQLite and PostgreSQL: generation uses
//! leave and previous weeks, saving checks hand edits and versions, only the court's own
//! managers may act, and every change is an audited event.

mod common;

use chrono::{Days, NaiveDate};
use common::{actor, each_engine};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::roster::shanghai_today;
use zhixing_app::{App, AppError};
use zhixing_domain::roster::{monday_of, Roster, RosterEntry};

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 1 };

fn save(court_id: i64, roster: &Roster, spd: u32, version: i64) -> Command {
    Command::SaveRoster {
        court_id,
        week_start: roster.week_start,
        slots_per_day: spd,
        duty_phone: "0391-8123456".into(),
        entries: roster.entries.clone(),
        expected_version: version,
    }
}

async fn kinds(app: &App, court_id: i64, kind: &str) -> usize {
    app.store
        .chain_page(court_id, 0, 1_000_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

fn next_monday() -> NaiveDate {
    monday_of(shanghai_today()) + Days::new(7)
}

#[tokio::test]
async fn roster_is_generated_from_leave_checked_saved_and_audited() {
    each_engine(DEMO, |app, engine| async move {
        let chief = actor(&app, "mz_chief").await;
        let court = chief.court_id;
        let week = next_monday();
        let board = app.roster_board(&chief, court, week).await.unwrap();
        assert!(!board.week.saved(), "{engine}");
        let n = board.officers.len();
        assert!(n >= 10, "{engine}: {n} officers");
        // Administrators, supervisors and the chief are not on the roster.
        assert!(board
            .officers
            .iter()
            .all(|o| o.user_id != chief.user_id.unwrap()));
        let spd = board.suggested_slots;
        assert!(spd as usize * 5 >= n, "{engine}");

        // Leave on Monday and Tuesday for the first officer.
        let away = board.officers[0].clone();
        for d in [week, week + Days::new(1)] {
            app.execute(
                &chief,
                Command::RecordLeave {
                    court_id: court,
                    user_id: away.user_id,
                    date: d,
                    reason: "年休假".into(),
                },
            )
            .await
            .unwrap();
        }
        let dup = app
            .execute(
                &chief,
                Command::RecordLeave {
                    court_id: court,
                    user_id: away.user_id,
                    date: week,
                    reason: "年休假".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(dup.code(), "leave.exists", "{engine}");
        let no_reason = app
            .execute(
                &chief,
                Command::RecordLeave {
                    court_id: court,
                    user_id: away.user_id,
                    date: week + Days::new(2),
                    reason: "  ".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(no_reason.code(), "leave.reason_required");
        let board = app.roster_board(&chief, court, week).await.unwrap();
        assert_eq!(board.leave.len(), 2, "{engine}");

        // Generation respects the leave and gives everyone a slot.
        let roster = app.generate_roster(&chief, court, week, spd).await.unwrap();
        assert_eq!(roster.entries.len(), 5 * spd as usize);
        assert!(roster
            .entries
            .iter()
            .all(|e| !(e.user_id == away.user_id && e.date <= week + Days::new(1))));
        let counts = roster.counts();
        assert_eq!(counts.len(), n, "{engine}: everyone has a slot");
        // Nothing is saved by generating.
        assert!(!app.roster_week(court, week).await.unwrap().saved());

        // A bad edit is refused with every problem: someone on leave, and an empty slot.
        let mut bad = roster.clone();
        bad.entries[0].user_id = away.user_id;
        bad.entries.pop();
        let problems = app
            .roster_edit_problems(&chief, court, week, spd, &bad.entries)
            .await
            .unwrap();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert!(codes.contains(&"roster.on_leave"), "{codes:?}");
        assert!(codes.contains(&"roster.slot_empty"), "{codes:?}");
        let e = app
            .execute(&chief, save(court, &bad, spd, 0))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 422);
        assert!(
            e.message_zh().contains("请假") && e.message_zh().contains("无人值班"),
            "{}",
            e.message_zh()
        );
        let mut bad_phone = save(court, &roster, spd, 0);
        if let Command::SaveRoster { duty_phone, .. } = &mut bad_phone {
            *duty_phone = "请拨打".into();
        }
        assert_eq!(
            app.execute(&chief, bad_phone).await.unwrap_err().code(),
            "roster.duty_phone"
        );

        // Saved, then a stale save is a conflict, then a current one bumps the version.
        let v1 = app
            .execute(&chief, save(court, &roster, spd, 0))
            .await
            .unwrap();
        assert_eq!(v1.version, Some(1));
        let stored = app.roster_week(court, week).await.unwrap();
        assert_eq!(stored.roster, roster, "{engine}");
        assert_eq!(stored.duty_phone, "0391-8123456");
        assert_eq!(stored.version, 1);
        let stale = app
            .execute(&chief, save(court, &roster, spd, 0))
            .await
            .unwrap_err();
        assert_eq!(stale.status(), 409, "{engine}: {stale}");
        // A hand edit: swap two people.
        let mut edited = roster.clone();
        let (a, b) = (edited.entries[2].clone(), edited.entries[3].clone());
        edited.entries[2].user_id = b.user_id;
        edited.entries[2].name = "客户端写的名字".into();
        edited.entries[3].user_id = a.user_id;
        let ok = if a.user_id == away.user_id || b.user_id == away.user_id {
            roster.clone()
        } else {
            edited
        };
        let v2 = app.execute(&chief, save(court, &ok, spd, 1)).await.unwrap();
        assert_eq!(v2.version, Some(2));
        let stored = app.roster_week(court, week).await.unwrap();
        // Names come from the staff list, not from the client.
        assert!(stored
            .roster
            .entries
            .iter()
            .all(|e| e.name != "客户端写的名字"));
        let stale = app
            .execute(&chief, save(court, &roster, spd, 1))
            .await
            .unwrap_err();
        assert!(matches!(stale, AppError::Conflict(_)));

        // The next week rotates the extra slots away from whoever had two this week.
        let week2 = week + Days::new(7);
        let had_two: Vec<i64> = stored
            .roster
            .counts()
            .into_iter()
            .filter(|&(_, c)| c >= 2)
            .map(|(u, _)| u)
            .collect();
        let next = app
            .generate_roster(&chief, court, week2, spd)
            .await
            .unwrap();
        let next_counts = next.counts();
        let extra_next: usize = next_counts.values().filter(|&&c| c >= 2).count();
        if extra_next <= n - had_two.len() {
            for u in &had_two {
                assert_eq!(next_counts[u], 1, "{engine}: {u} again had extra slots");
            }
        }

        // Leave cancelled, then cancelling again finds nothing.
        let cancel = Command::CancelLeave {
            court_id: court,
            user_id: away.user_id,
            date: week,
        };
        app.execute(&chief, cancel.clone()).await.unwrap();
        assert_eq!(app.execute(&chief, cancel).await.unwrap_err().status(), 404);

        assert_eq!(kinds(&app, court, "roster_saved").await, 2);
        assert_eq!(kinds(&app, court, "leave_recorded").await, 2);
        assert_eq!(kinds(&app, court, "leave_cancelled").await, 1);
        assert!(app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}

#[tokio::test]
async fn only_the_courts_own_managers_may_roster() {
    each_engine(DEMO, |app, engine| async move {
        let chief = actor(&app, "mz_chief").await;
        let admin = actor(&app, "mz_admin").await;
        let clerk = actor(&app, "mz_clerk").await;
        let city_chief = actor(&app, "jz_chief").await;
        let other_chief = actor(&app, "jf_chief").await;
        let court = chief.court_id;
        let week = next_monday();
        let board = app.roster_board(&chief, court, week).await.unwrap();
        let spd = board.suggested_slots;
        let roster = app.generate_roster(&admin, court, week, spd).await.unwrap();

        // A clerk may neither generate nor save nor record leave.
        let e = app
            .generate_roster(&clerk, court, week, spd)
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403, "{engine}");
        let e = app
            .execute(&clerk, save(court, &roster, spd, 0))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403);
        let e = app
            .execute(
                &clerk,
                Command::RecordLeave {
                    court_id: court,
                    user_id: clerk.user_id.unwrap(),
                    date: week,
                    reason: "病假".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403);

        // The city court's chief sees 孟州 but does not manage its roster; a sibling court's
        // chief does not even see it.
        let e = app
            .execute(&city_chief, save(court, &roster, spd, 0))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403, "{engine}");
        let e = app
            .roster_board(&city_chief, court, week)
            .await
            .unwrap_err();
        assert_eq!(e.status(), 403);
        let e = app
            .execute(&other_chief, save(court, &roster, spd, 0))
            .await
            .unwrap_err();
        assert_eq!(e.status(), 404, "{engine}");
        let e = app
            .generate_roster(&other_chief, court, week, spd)
            .await
            .unwrap_err();
        assert_eq!(e.status(), 404);

        // Leave only for the court's own people.
        let outsider = actor(&app, "jf_clerk").await;
        let e = app
            .execute(
                &chief,
                Command::RecordLeave {
                    court_id: court,
                    user_id: outsider.user_id.unwrap(),
                    date: week,
                    reason: "病假".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "leave.unknown_user");

        // The administrator saves; nothing else was written.
        app.execute(&admin, save(court, &roster, spd, 0))
            .await
            .unwrap();
        assert_eq!(kinds(&app, court, "roster_saved").await, 1);
        assert_eq!(kinds(&app, court, "leave_recorded").await, 0);

        // Too few slots for everyone is refused with the reason.
        let e = app
            .generate_roster(&chief, court, week, 1)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "roster.too_few_slots");
        // An unknown person in the roster is named.
        let mut r = roster.clone();
        r.entries.push(RosterEntry {
            date: week,
            slot: 1,
            user_id: outsider.user_id.unwrap(),
            name: "外院人员".into(),
        });
        let problems = app
            .roster_edit_problems(&chief, court, week, spd, &r.entries)
            .await
            .unwrap();
        assert!(problems.iter().any(|p| p.code == "roster.unknown_officer"));

        // The lobby looks courts up by code.
        assert_eq!(
            app.lobby_roster("豫0883").await.unwrap().court_id,
            court,
            "{engine}"
        );
        assert_eq!(app.lobby_roster("豫9999").await.unwrap_err().status(), 404);
        assert!(app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}
