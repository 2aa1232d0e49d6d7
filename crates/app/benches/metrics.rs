//! Benchmark of the command centre's figures (issue 7 targets, over 1,000,000 cases of three
//! years across a province's courts): one court's dashboard < 200 ms, a city's ranking for a
//! quarter < 500 ms, any drill-down list's first page < 100 ms.
//!
//!   cargo bench -p zhixing-app --bench metrics -- [--cases N] [--db URL] [--existing]
//!
//! `--existing` times a database an earlier run with `--db` left, writing nothing.
//!
//! Not timed: the demo city (焦作 and its basic courts), sixteen more cities of ten basic
//! courts each, and N cases written in bulk: filed evenly over the last three years, about
//! four in five closed after 5–400 days in one of the closing modes, with claims, recoveries,
//! suspensions and the closing facts. 孟州's cases go to its teams and officers.
//! Timed, five runs each (the first is a cold cache): 孟州's dashboard for the year to date,
//! 焦作's ranking of its basic courts for the last full quarter, the province's ranking of its
//! cities, and the first page of several drill-down lists.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::metrics::MetricsQuery;
use zhixing_app::nodes::beijing_date;
use zhixing_app::{Actor, App};
use zhixing_domain::court::CourtCode;
use zhixing_domain::metrics::{Metric, StatPeriod};
use zhixing_store::metrics::ClosingFacts;
use zhixing_store::rows::CaseRow;

const DAY_MS: i64 = 86_400_000;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Under `cargo test --all-targets` (no `--bench`): a small smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let n: usize = arg("--cases")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(if full { 1_000_000 } else { 2_000 });
    let dir = std::env::temp_dir().join(format!("zx-metrics-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir)?;
    let url = match arg("--db") {
        Some(u) => u,
        None => format!("sqlite://{}/bench.db", dir.display()),
    };
    println!(
        "metrics benchmark: {n} cases on {}",
        url.split('@').next_back().unwrap_or(&url)
    );
    let result = measure(&url, n, full).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

/// Sixteen more cities (豫01…豫17 but 焦作) with ten basic courts each.
async fn province(app: &App) -> Result<(), Box<dyn std::error::Error>> {
    for city in (1..=17).filter(|c| *c != 8) {
        let code = format!("豫{city:02}");
        app.execute(
            &Actor::system(app),
            Command::RegisterCourt {
                code: CourtCode::parse(&code)?,
                name: format!("第{city}中级人民法院"),
            },
        )
        .await?;
        // The system sees the courts that existed when it was named: name it again.
        let system = Actor::system(app);
        for basic in 1..=10 {
            app.execute(
                &system,
                Command::RegisterCourt {
                    code: CourtCode::parse(&format!("{code}{basic:02}"))?,
                    name: format!("第{city}市第{basic}基层人民法院"),
                },
            )
            .await?;
        }
    }
    Ok(())
}

async fn seed(app: &App, n: usize, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let tree = app.court_tree();
    let courts: Vec<(i64, String)> = tree
        .courts
        .iter()
        .filter(|c| c.level == "basic")
        .map(|c| (c.id, c.code.clone()))
        .collect();
    let mz = tree.by_code("豫0883").map(|c| c.id).unwrap_or(0);
    let teams: Vec<i64> = app.store.teams(&[mz]).await?.iter().map(|t| t.id).collect();
    let officers: Vec<i64> = app
        .store
        .users_of_courts(&[mz])
        .await?
        .iter()
        .map(|u| u.id)
        .collect();
    let mut rng = StdRng::seed_from_u64(2025);
    let span = 3 * 365 * DAY_MS;
    let modes = [
        ("completed", 45),
        ("dormant", 30),
        ("terminated", 15),
        ("withdrawn", 6),
        ("rejected", 4),
    ];
    let mut tx = app.store.begin_write().await?;
    let mut case_id = tx.max_id("cases").await?;
    let mut seq = vec![0i64; courts.len()];
    for chunk in (0..n).collect::<Vec<usize>>().chunks(5_000) {
        let mut cases = Vec::with_capacity(chunk.len());
        let mut facts = Vec::with_capacity(chunk.len());
        for _ in chunk {
            let c = rng.gen_range(0..courts.len());
            let (court_id, code) = &courts[c];
            case_id += 1;
            seq[c] += 1;
            let filed_at = now - rng.gen_range(0..span);
            let year = i64::from(chrono::Datelike::year(&beijing_date(filed_at)));
            let number = format!("（{year}）{code}执{}号", seq[c]);
            let claim = rng.gen_range(1_000..5_000_000i64) * 100;
            let duration = rng.gen_range(5..400i64) * DAY_MS;
            let closed_at = (rng.gen_range(0..100) < 82 && filed_at + duration < now)
                .then_some(filed_at + duration);
            let mut pick = rng.gen_range(0..100);
            let mode = modes
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map_or("completed", |m| m.0);
            let recovered = match (closed_at, mode) {
                (Some(_), "completed") => claim,
                (Some(_), "terminated" | "dormant") if rng.gen_range(0..3) == 0 => claim / 4,
                _ => 0,
            };
            let (team_id, officer_id) = if *court_id == mz && !teams.is_empty() {
                (
                    Some(teams[rng.gen_range(0..teams.len())]),
                    Some(officers[rng.gen_range(0..officers.len())]),
                )
            } else {
                (None, None)
            };
            if let Some(at) = closed_at {
                let suspended = if rng.gen_range(0..10) == 0 {
                    rng.gen_range(1..60)
                } else {
                    0
                };
                facts.push(ClosingFacts {
                    case_id,
                    suspended_days: suspended,
                    in_time: at - filed_at <= (183 + suspended) * DAY_MS,
                });
            }
            cases.push(CaseRow {
                id: case_id,
                court_id: *court_id,
                case_number: number.clone(),
                year,
                case_type: if rng.gen_range(0..10) == 0 {
                    "preservation"
                } else {
                    "first"
                }
                .into(),
                seq: seq[c],
                stage: if closed_at.is_some() {
                    "closed"
                } else {
                    "investigation"
                }
                .into(),
                suspended: 0,
                locked: 0,
                closing_mode: closed_at.map(|_| mode.to_string()),
                claim_fen: claim,
                recovered_fen: recovered,
                held_fen: 0,
                basis_court: "某人民法院".into(),
                basis_number: format!("（{}）民初{case_id}号", year - 1),
                basis_kind: "judgment".into(),
                basis_date: "2022-06-01".into(),
                team_id,
                officer_id,
                applicant_names: "申请人".into(),
                debtor_names: format!("被执行人{case_id}"),
                search_text: format!("{number} 申请人 被执行人{case_id}"),
                filed_at,
                closed_at,
                version: 1,
            });
        }
        tx.insert_cases_with_ids(&cases).await?;
        tx.set_closing_facts(&facts).await?;
    }
    let engine = app.store.engine();
    tx.sync_identity(engine, "cases").await?;
    tx.commit().await?;
    Ok(())
}

/// Runs `f` five times; prints each time and returns the slowest warm one (runs 2–5), in ms.
async fn timed<F, Fut, T>(what: &str, mut f: F) -> Result<f64, Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, zhixing_app::AppError>>,
{
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        f().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let warm = times[1..].iter().copied().fold(0.0, f64::max);
    let shown: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    println!(
        "  {what}: {} ms (slowest warm {warm:.0} ms)",
        shown.join(" / ")
    );
    Ok(warm)
}

async fn measure(url: &str, n: usize, full: bool) -> Result<(), Box<dyn std::error::Error>> {
    let app = App::open(url).await?;
    let t = Instant::now();
    let now = zhixing_store::now_ms();
    // `--existing`: time a database an earlier run with `--db` left (no new cases written).
    if arg("--existing").is_none() && !std::env::args().any(|a| a == "--existing") {
        app.generate_demo(DemoOptions { cases: 0, seed: 11 }, |_| {})
            .await?;
        province(&app).await?;
        seed(&app, n, now).await?;
        app.store.analyze().await?;
    }
    let courts = app.court_tree().courts.len();
    println!(
        "  {n} cases in {courts} courts written (not timed): {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let tree = app.court_tree();
    let mz = tree.by_code("豫0883").map(|c| c.id).ok_or("no 孟州")?;
    let city = tree.by_code("豫08").map(|c| c.id).ok_or("no 焦作")?;
    let hn = tree.by_code("豫").map(|c| c.id).ok_or("no province")?;
    let chief = app
        .actor_for_user(
            app.store
                .user_by_username("mz_chief")
                .await?
                .ok_or("mz_chief")?
                .id,
        )
        .await?;
    let supervisor = Actor::system(&app);
    let today = beijing_date(now);
    let ytd = StatPeriod::year_to_date(today);
    let this_quarter = StatPeriod::quarter(
        chrono::Datelike::year(&today),
        chrono::Datelike::month0(&today) / 3 + 1,
    )?;
    let quarter = this_quarter.previous();

    let dashboard = timed("孟州 dashboard, year to date", || {
        app.dashboard(&chief, mz, &ytd)
    })
    .await?;
    let ranking = timed("焦作 ranking of its basic courts, last quarter", || {
        app.ranking(&supervisor, city, Metric::ClosureRate, &quarter)
    })
    .await?;
    timed("province ranking of its cities, last quarter", || {
        app.ranking(&supervisor, hn, Metric::ClosureRate, &quarter)
    })
    .await?;
    let q = MetricsQuery {
        court_id: mz,
        team_id: None,
        officer_id: None,
        campaign_id: None,
        period: ytd,
    };
    let mut drill: f64 = 0.0;
    for set in [
        "closed",
        "received",
        "pending_at_start",
        "old_pending",
        "actual_rate",
        "closed_late",
    ] {
        drill = drill.max(
            timed(&format!("孟州 drill-down \"{set}\", first page"), || {
                app.metric_cases(&chief, &q, set, 1)
            })
            .await?,
        );
    }
    let city_q = MetricsQuery {
        court_id: city,
        ..q
    };
    drill = drill.max(
        timed(
            "焦作 (whole city) drill-down \"old_pending\", first page",
            || app.metric_cases(&supervisor, &city_q, "old_pending", 1),
        )
        .await?,
    );
    println!(
        "  targets: dashboard {dashboard:.0} ms (< 200), city ranking {ranking:.0} ms (< 500), drill-down {drill:.0} ms (< 100)"
    );
    if full {
        // The figures the pages show are the full recomputation's.
        let t = Instant::now();
        let fast = app
            .aggregate_tallies(&city_q, zhixing_store::metrics::MetricGroup::Court)
            .await?;
        let slow = app
            .recompute_tallies(&city_q, zhixing_store::metrics::MetricGroup::Court)
            .await?;
        println!(
            "  焦作 year to date equal to the full recomputation: {} ({:.1} s)",
            fast == slow,
            t.elapsed().as_secs_f64()
        );
    }
    app.store.close().await;
    Ok(())
}
