//! Quality metrics on both engines: the indexed aggregates equal the full recomputation from
//! every case (for courts, teams, officers, a city and several periods); a hand-made set of
//! cases gives the figures worked out by hand, and a court's own definitions change them;
//! rankings order the courts below with their change; drill-down lists are the cases counted;
//! the dashboard counts today's work; campaigns tag cases and follow their figures; bad input
//! (a court not visible, an unknown metric, a team of another court, nothing to rank) is
//! refused and changes nothing.
mod common;

use common::*;
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::metrics::{CampaignInput, MetricsQuery};
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::case::{CaseType, ClosingMode, Stage};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::metrics::{Metric, StatPeriod, Tally};
use zhixing_store::metrics::MetricGroup;

const DAY_MS: i64 = 86_400_000;

fn court_of(app: &App, code: &str) -> i64 {
    app.court_tree().by_code(code).unwrap().id
}

fn query(court_id: i64, period: StatPeriod) -> MetricsQuery {
    MetricsQuery {
        court_id,
        team_id: None,
        officer_id: None,
        campaign_id: None,
        period,
    }
}

#[tokio::test]
async fn the_aggregates_equal_the_full_recomputation() {
    each_engine(
        DemoOptions {
            cases: 600,
            seed: 7,
        },
        |app, engine| async move {
            let city = court_of(&app, "豫08");
            let mz = court_of(&app, "豫0883");
            let t = today();
            let year = chrono::Datelike::year(&t);
            let mut periods = vec![
                StatPeriod::year_to_date(t),
                StatPeriod::year(year - 1).unwrap(),
                StatPeriod::new(t - chrono::Days::new(45), t).unwrap(),
            ];
            for q in 1..=4 {
                periods.push(StatPeriod::quarter(year - 1, q).unwrap());
            }
            let teams = app.store.teams(&[mz]).await.unwrap();
            let mut seen_closed = 0;
            let mut seen_old = 0;
            for (court, group) in [
                (city, MetricGroup::All),
                (city, MetricGroup::Court),
                (mz, MetricGroup::Team),
                (mz, MetricGroup::Officer),
            ] {
                let q = query(court, periods[0]);
                // All periods from one reading (as pages read a period with the one before).
                let together = app
                    .aggregate_tallies_over(&q, group, &periods)
                    .await
                    .unwrap();
                for (p, fast_all) in periods.iter().zip(together) {
                    let q = query(court, *p);
                    let fast = app.aggregate_tallies(&q, group).await.unwrap();
                    let full = app.recompute_tallies(&q, group).await.unwrap();
                    assert_eq!(fast, full, "{engine}: {p:?} {group:?}");
                    assert_eq!(fast_all, full, "{engine}: {p:?} {group:?} read together");
                    seen_closed += fast.values().map(|t| t.closed).sum::<i64>();
                    seen_old += fast.values().filter_map(|t| t.old_pending).sum::<i64>();
                }
            }
            for p in &periods {
                // One team alone: the scope narrows the same way in both.
                let mut q = query(mz, *p);
                q.team_id = Some(teams[0].id);
                assert_eq!(
                    app.aggregate_tallies(&q, MetricGroup::All).await.unwrap(),
                    app.recompute_tallies(&q, MetricGroup::All).await.unwrap(),
                    "{engine}: team {p:?}"
                );
                // A court's page sums its teams' tallies: the whole equals the recomputation.
                let q = query(mz, *p);
                let view = app.metrics_view(&Actor::system(&app), &q).await.unwrap();
                let full = app.recompute_tallies(&q, MetricGroup::All).await.unwrap();
                let zero = Tally {
                    old_pending: Some(0),
                    ..Tally::default()
                };
                assert_eq!(
                    view.tally,
                    full.get(&0).copied().unwrap_or(zero),
                    "{engine}: 孟州's page {p:?}"
                );
            }
            // The comparison had something to compare.
            assert!(seen_closed > 100, "{engine}: {seen_closed} closings");
            assert!(seen_old > 0, "{engine}: no old pending case");
        },
    )
    .await;
}

/// Files a case for 孟州 `days` ago (backdated), of `case_type`.
async fn case_filed(app: &App, days: i64, case_type: CaseType) -> i64 {
    let id = file_as(app, "mz_clerk", |c| {
        let mut f = filing(c);
        f.case_type = case_type;
        f
    })
    .await;
    if days > 0 {
        app.store
            .backdate_filing_for_test(id, zhixing_store::now_ms() - days * DAY_MS)
            .await
            .unwrap();
    }
    id
}

async fn close(app: &App, id: i64, mode: ClosingMode) {
    act(
        app,
        "mz_chief",
        id,
        CaseAction::MoveStage { to: Stage::Closing },
    )
    .await
    .unwrap();
    act(
        app,
        "mz_chief",
        id,
        CaseAction::Close {
            mode,
            dormant: None,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn hand_made_cases_give_the_figures_worked_by_hand() {
    each_engine(
        DemoOptions { cases: 0, seed: 3 },
        |app, engine| async move {
            let mz = court_of(&app, "豫0883");
            // A: filed 100 days ago, completed today, in time.
            let a = case_filed(&app, 100, CaseType::First).await;
            // B: filed 200 days ago, terminated today, after its limit (moved to 190 days ago).
            let b = case_filed(&app, 200, CaseType::First).await;
            let late = today() - chrono::Days::new(10);
            app.store
                .set_node_due_for_test(b, "conclude_case", &late.to_string())
                .await
                .unwrap();
            // C: filed today, open. D: a preservation case, left out of the figures.
            let c = case_filed(&app, 0, CaseType::First).await;
            let _d = case_filed(&app, 0, CaseType::Preservation).await;
            close(&app, a, ClosingMode::Completed).await;
            close(&app, b, ClosingMode::Terminated).await;
            let chief = actor(&app, "mz_chief").await;
            let p = StatPeriod::new(today() - chrono::Days::new(30), today()).unwrap();
            let v = app.metrics_view(&chief, &query(mz, p)).await.unwrap();
            let f = |k: &str| v.figure(k).unwrap().clone();
            assert_eq!(f("received").num, 1, "{engine}");
            assert_eq!(f("pending_at_start").num, 2, "{engine}");
            assert_eq!(f("closed").num, 2, "{engine}");
            assert_eq!(f("pending").num, 1, "{engine}");
            assert_eq!(f("closure_rate").display_zh, "66.67%", "{engine}");
            assert_eq!(f("completion_rate").display_zh, "50.00%", "{engine}");
            // B recovered nothing: terminated without money is not actual enforcement.
            assert_eq!(f("actual_rate").display_zh, "50.00%", "{engine}");
            assert_eq!(f("average_days").display_zh, "150.0 天", "{engine}");
            assert_eq!(f("within_limit_rate").display_zh, "50.00%", "{engine}");
            assert!(f("closure_rate").definition_zh.contains("旧存未结数"));
            assert_eq!(v.trend.iter().map(|m| m.closed).sum::<i64>(), 2);
            // The cases behind the figures.
            let closed = app
                .metric_cases(&chief, &query(mz, p), "closure_rate", 1)
                .await
                .unwrap();
            let mut ids: Vec<i64> = closed.rows.iter().map(|r| r.id).collect();
            ids.sort_unstable();
            assert_eq!(ids, vec![a, b], "{engine}");
            let late_list = app
                .metric_cases(&chief, &query(mz, p), "closed_late", 1)
                .await
                .unwrap();
            assert_eq!(
                late_list.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                vec![b]
            );
            // A case closed before the facts were kept (an upgraded database): recorded again
            // from its nodes at start, the same as when it closed.
            app.store.forget_closing_facts_for_test(a).await.unwrap();
            let v = app.metrics_view(&chief, &query(mz, p)).await.unwrap();
            assert_eq!(v.figure("within_limit_rate").unwrap().display_zh, "0.00%");
            assert_eq!(app.backfill_closing_facts().await.unwrap(), 1, "{engine}");
            assert_eq!(app.backfill_closing_facts().await.unwrap(), 0);
            let v = app.metrics_view(&chief, &query(mz, p)).await.unwrap();
            assert_eq!(v.figure("within_limit_rate").unwrap().display_zh, "50.00%");
            let received = app
                .metric_cases(&chief, &query(mz, p), "received", 1)
                .await
                .unwrap();
            assert_eq!(
                received.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                vec![c]
            );
            assert_eq!(received.total, 1);

            // The court counts differently: received only, suspension not deducted, 执保 too.
            let admin = actor(&app, "mz_admin").await;
            app.execute(
                &admin,
                Command::SaveSetting {
                    court_id: mz,
                    key: zhixing_app::metrics::METRICS_SETTING.into(),
                    value: r#"{"case_types":["first","preservation"],"closure_base":"received"}"#
                        .into(),
                    expected_version: 0,
                },
            )
            .await
            .unwrap();
            let v = app.metrics_view(&chief, &query(mz, p)).await.unwrap();
            assert_eq!(v.figure("received").unwrap().num, 2, "{engine}");
            assert_eq!(
                v.figure("closure_rate").unwrap().display_zh,
                "100.00%",
                "{engine}"
            );
            assert!(v
                .figure("closure_rate")
                .unwrap()
                .definition_zh
                .contains("期内收案数"));
            // A setting that does not parse is refused and the old one stays.
            let e = app
                .execute(
                    &admin,
                    Command::SaveSetting {
                        court_id: mz,
                        key: zhixing_app::metrics::METRICS_SETTING.into(),
                        value: r#"{"old_pending_months":0}"#.into(),
                        expected_version: 1,
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), "metrics.old_months_invalid");
            assert_eq!(
                app.metric_definitions(mz).await.unwrap().closure_base,
                zhixing_domain::metrics::ClosureBase::Received
            );
        },
    )
    .await;
}

#[tokio::test]
async fn rankings_order_the_courts_below_and_bad_requests_are_refused() {
    each_engine(
        DemoOptions {
            cases: 300,
            seed: 11,
        },
        |app, engine| async move {
            let city = court_of(&app, "豫08");
            let mz = court_of(&app, "豫0883");
            let sy = court_of(&app, "豫0811");
            let supervisor = actor(&app, "jz_supervisor").await;
            let year = chrono::Datelike::year(&today());
            let p = StatPeriod::year(year - 1).unwrap();
            let r = app
                .ranking(&supervisor, city, Metric::ClosureRate, &p)
                .await
                .unwrap();
            let basic = app
                .court_tree()
                .courts
                .iter()
                .filter(|c| c.parent_id == Some(city))
                .count();
            assert_eq!(r.rows.len(), basic, "{engine}");
            // Ranked rows come first, best first; equal figures share a place.
            let ranked: Vec<_> = r.rows.iter().filter(|x| x.rank.is_some()).collect();
            for w in ranked.windows(2) {
                assert!(w[0].rank <= w[1].rank);
                assert!(w[0].figure.value >= w[1].figure.value, "{engine}");
            }
            assert_eq!(ranked[0].rank, Some(1));
            for row in &r.rows {
                assert_eq!(
                    row.moved,
                    match (row.rank, row.previous_rank) {
                        (Some(a), Some(b)) => Some(i64::from(b) - i64::from(a)),
                        _ => None,
                    }
                );
            }
            // The province ranks its cities; the city alone here.
            let hn = actor(&app, "hn_supervisor").await;
            let province = app.court_tree().by_code("豫").unwrap().id;
            let pr = app
                .ranking(&hn, province, Metric::AverageDays, &p)
                .await
                .unwrap();
            assert_eq!(pr.rows.len(), 1);

            // Refusals.
            let mz_chief = actor(&app, "mz_chief").await;
            let e = app
                .ranking(&mz_chief, city, Metric::ClosureRate, &p)
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Forbidden { .. }), "{engine}");
            let e = app
                .metrics_view(&mz_chief, &query(sy, p))
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Forbidden { .. }), "{engine}");
            let e = app
                .ranking(&supervisor, mz, Metric::ClosureRate, &p)
                .await
                .unwrap_err();
            assert_eq!(e.code(), "metrics.no_courts_below");
            let e = app
                .ranking(&supervisor, city, Metric::Received, &p)
                .await
                .unwrap_err();
            assert_eq!(e.code(), "metrics.not_rankable");
            let e = app
                .metric_cases(&mz_chief, &query(mz, p), "speed", 1)
                .await
                .unwrap_err();
            assert_eq!(e.code(), "metrics.unknown_metric");
            let sy_team = app.store.teams(&[sy]).await.unwrap()[0].id;
            let mut q = query(mz, p);
            q.team_id = Some(sy_team);
            let e = app.metrics_view(&mz_chief, &q).await.unwrap_err();
            assert_eq!(e.code(), "metrics.team_unknown");
            assert_eq!(
                StatPeriod::parse("2025-06-30..2025-01-01", today())
                    .unwrap_err()
                    .code,
                "metrics.period_reversed"
            );

            // 孟州's dashboard: where it stands among the city's courts, its teams' loads.
            let d = app
                .dashboard(&mz_chief, mz, &StatPeriod::year(year - 1).unwrap())
                .await
                .unwrap();
            let place = r.rows.iter().find(|x| x.court_id == mz).unwrap().rank;
            assert_eq!(d.place.as_ref().map(|p| p.0), place, "{engine}");
            assert!(!d.team_loads.is_empty());
            assert!(!d.metrics.teams.is_empty());
        },
    )
    .await;
}

#[tokio::test]
async fn the_dashboard_counts_todays_intake_and_same_day_inquiries() {
    each_engine(
        DemoOptions { cases: 0, seed: 5 },
        |app, engine| async move {
            let mz = court_of(&app, "豫0883");
            let chief = actor(&app, "mz_chief").await;
            let before = app
                .dashboard(&chief, mz, &StatPeriod::year_to_date(today()))
                .await
                .unwrap();
            let id = case_filed(&app, 0, CaseType::First).await;
            let _ = case_filed(&app, 0, CaseType::Preservation).await;
            // Filing starts the network inquiry the same day.
            let d = app
                .dashboard(&chief, mz, &StatPeriod::year_to_date(today()))
                .await
                .unwrap();
            assert_eq!(d.intake_today, before.intake_today + 2, "{engine}");
            assert_eq!(d.same_day_today.0, before.same_day_today.0 + 2);
            assert_eq!(d.same_day_today.1, before.same_day_today.1 + 2, "{engine}");
            assert!(d.team_loads.iter().map(|t| t.open_cases).sum::<i64>() >= 2);
            assert!(id > 0);
        },
    )
    .await;
}

#[tokio::test]
async fn campaigns_tag_cases_and_follow_their_figures() {
    each_engine(
        DemoOptions { cases: 0, seed: 9 },
        |app, engine| async move {
            let mz = court_of(&app, "豫0883");
            let chief = actor(&app, "mz_chief").await;
            let a = case_filed(&app, 0, CaseType::First).await;
            let b = case_filed(&app, 0, CaseType::First).await;
            let number = |id: i64| {
                let app = app.clone();
                async move { app.store.case_by_id(id).await.unwrap().unwrap().case_number }
            };
            let (na, nb) = (number(a).await, number(b).await);
            let input = CampaignInput {
                court_id: mz,
                name: "春季攻坚".into(),
                starts_on: today() - chrono::Days::new(10),
                ends_on: today() + chrono::Days::new(50),
                goal: "集中清理涉民生案件".into(),
            };
            // A clerk may not set one up.
            let clerk = actor(&app, "mz_clerk").await;
            let e = app
                .execute(&clerk, Command::CreateCampaign(Box::new(input.clone())))
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::Forbidden { .. }), "{engine}");
            let id = app
                .execute(&chief, Command::CreateCampaign(Box::new(input.clone())))
                .await
                .unwrap()
                .id
                .unwrap();
            let e = app
                .execute(&chief, Command::CreateCampaign(Box::new(input.clone())))
                .await
                .unwrap_err();
            assert_eq!(e.code(), "campaign.duplicate");
            let mut reversed = input.clone();
            reversed.name = "倒置".into();
            reversed.ends_on = reversed.starts_on - chrono::Days::new(1);
            let e = app
                .execute(&chief, Command::CreateCampaign(Box::new(reversed)))
                .await
                .unwrap_err();
            assert_eq!(e.code(), "campaign.dates_invalid");
            // One unknown number: nothing tagged.
            let e = app
                .execute(
                    &chief,
                    Command::TagCampaignCases {
                        campaign_id: id,
                        case_numbers: vec![na.clone(), "（2025）豫0883执99999号".into()],
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), "campaign.case_unknown");
            assert_eq!(app.campaign(&chief, id).await.unwrap().cases, 0, "{engine}");
            let tagged = app
                .execute(
                    &chief,
                    Command::TagCampaignCases {
                        campaign_id: id,
                        case_numbers: vec![na.clone(), nb.clone(), na.clone()],
                    },
                )
                .await
                .unwrap();
            assert_eq!(tagged.id, Some(2));
            let v = app.campaign_metrics(&chief, id).await.unwrap();
            assert_eq!(v.figure("received").unwrap().num, 2, "{engine}");
            close(&app, a, ClosingMode::Completed).await;
            let v = app.campaign_metrics(&chief, id).await.unwrap();
            assert_eq!(v.figure("closed").unwrap().num, 1, "{engine}");
            assert_eq!(v.figure("completion_rate").unwrap().display_zh, "100.00%");
            app.execute(
                &chief,
                Command::UntagCampaignCase {
                    campaign_id: id,
                    case_id: b,
                },
            )
            .await
            .unwrap();
            let e = app
                .execute(
                    &chief,
                    Command::UntagCampaignCase {
                        campaign_id: id,
                        case_id: b,
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), "campaign.not_tagged");
            assert_eq!(app.campaign(&chief, id).await.unwrap().cases, 1);
            // Audited on the case's timeline.
            let kinds: Vec<String> = app
                .store
                .case_events(b)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.kind)
                .collect();
            assert!(kinds.contains(&"campaign_tagged".to_string()), "{engine}");
            assert!(kinds.contains(&"campaign_untagged".to_string()), "{engine}");
            // Another city court's staff cannot tag to it.
            let sy_chief = actor(&app, "sy_chief").await;
            let e = app
                .execute(
                    &sy_chief,
                    Command::TagCampaignCases {
                        campaign_id: id,
                        case_numbers: vec![nb.clone()],
                    },
                )
                .await
                .unwrap_err();
            assert!(matches!(e, AppError::NotFound), "{engine}");
        },
    )
    .await;
}
