//! Benchmark of the dormant-case library's six-monthly re-inquiry (issue 6 target: 200,000
//! dormant cases scheduled and processed through the simulated provider in under 60 s).
//!
//!   cargo bench -p zhixing-app --bench dormant -- [--cases N] [--db URL]
//!
//! Not timed: the demo city, N cases closed as 终本 a year ago across its basic courts (one
//! applicant with a phone, one debtor each), written in bulk, and entered in the library.
//! Timed, with the clock moved six months on: scheduling every due row
//! (`run_dormant_library`: a task per debtor, the rows advanced, an event per case), the
//! network run until nothing is due (submission and the quick kinds' answers), and the slow
//! registries 30 minutes later (which completes the rounds, counts the findings on the
//! library rows and writes the applicants' messages).

use std::time::Instant;

use zhixing_app::assets::INQUIRY_BATCH;
use zhixing_app::demo::DemoOptions;
use zhixing_app::inquiry::SIMULATED_SLOW_MS;
use zhixing_app::App;
use zhixing_domain::ids::resident_check_char;
use zhixing_store::rows::CaseRow;
use zhixing_store::NewParty;

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
        .unwrap_or(if full { 200_000 } else { 50 });
    let dir = std::env::temp_dir().join(format!("zx-dormant-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir)?;
    let url = match arg("--db") {
        Some(u) => u,
        None => format!("sqlite://{}/bench.db", dir.display()),
    };
    println!(
        "dormant-library benchmark: {n} cases on {}",
        url.split('@').next_back().unwrap_or(&url)
    );
    let result = measure(&url, n).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

/// N closed 终本 cases, a year old, spread over the basic courts.
async fn seed(app: &App, n: usize, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let courts: Vec<(i64, String)> = app
        .court_tree()
        .courts
        .iter()
        .filter(|c| c.level == "basic")
        .map(|c| (c.id, c.code.clone()))
        .collect();
    let closed_at = now - 365 * DAY_MS;
    let filed_at = closed_at - 200 * DAY_MS;
    let mut tx = app.store.begin_write().await?;
    let mut case_id = tx.max_id("cases").await?;
    let mut party_id = tx.max_id("parties").await?;
    for chunk in (0..n).collect::<Vec<usize>>().chunks(5_000) {
        let mut cases = Vec::with_capacity(chunk.len());
        let mut parties = Vec::with_capacity(chunk.len() * 2);
        let mut links = Vec::with_capacity(chunk.len() * 2);
        for &i in chunk {
            let (court_id, code) = &courts[i % courts.len()];
            case_id += 1;
            let seq = (i / courts.len() + 1) as i64;
            let number = format!("（2024）{code}执{seq}号");
            let body = format!("410883{:04}0101{:03}", 1960 + i % 40, i % 1000);
            let id_number = format!("{body}{}", resident_check_char(&body));
            let debtor = format!("被执行人{i}");
            cases.push(CaseRow {
                id: case_id,
                court_id: *court_id,
                case_number: number.clone(),
                year: 2024,
                case_type: "first".into(),
                seq,
                stage: "closed".into(),
                suspended: 0,
                locked: 0,
                closing_mode: Some("dormant".into()),
                claim_fen: 5_000_000 + (i as i64 % 97) * 10_000,
                recovered_fen: 0,
                held_fen: 0,
                basis_court: "孟州市人民法院".into(),
                basis_number: format!("（2023）豫0883民初{i}号"),
                basis_kind: "judgment".into(),
                basis_date: "2023-06-01".into(),
                team_id: None,
                officer_id: None,
                applicant_names: "申请人".into(),
                debtor_names: debtor.clone(),
                search_text: format!("{number} 申请人 {debtor} {id_number}"),
                filed_at,
                closed_at: Some(closed_at),
                version: 1,
            });
            for (role, name, id, phone) in [
                (
                    "applicant",
                    "申请人".to_string(),
                    "91410883MA0000000X".to_string(),
                    Some("13800138000".to_string()),
                ),
                ("debtor", debtor, id_number, None),
            ] {
                party_id += 1;
                parties.push((
                    party_id,
                    NewParty {
                        kind: if role == "applicant" {
                            "organisation"
                        } else {
                            "person"
                        }
                        .into(),
                        name,
                        id_number: id,
                        phone,
                        address: None,
                    },
                ));
                links.push((case_id, party_id, role.to_string(), 0));
            }
        }
        tx.insert_cases_with_ids(&cases).await?;
        tx.insert_parties_with_ids(&parties).await?;
        tx.link_parties(&links).await?;
    }
    let engine = app.store.engine();
    for t in ["cases", "parties"] {
        tx.sync_identity(engine, t).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn measure(url: &str, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let app = App::open(url).await?;
    let t = Instant::now();
    app.generate_demo(DemoOptions { cases: 0, seed: 11 }, |_| {})
        .await?;
    let now = zhixing_store::now_ms();
    seed(&app, n, now).await?;
    let entered = app.enter_unlisted_dormant(now).await?;
    app.store.analyze().await?;
    println!(
        "  {n} closed dormant cases written, {entered} entered in the library (not timed): {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Six months and a bit later every row is due.
    let at = now + 190 * DAY_MS;
    let all = Instant::now();
    let t = Instant::now();
    let r = app.run_dormant_library(at).await?;
    println!(
        "  schedule: {} cases, {} tasks: {:.2} s",
        r.cases,
        r.tasks,
        t.elapsed().as_secs_f64()
    );
    for (what, clock) in [
        ("submit + quick kinds", at),
        ("slow registries, 30 min later", at + SIMULATED_SLOW_MS + 1),
    ] {
        let t = Instant::now();
        let r = app.drain_inquiries(clock, INQUIRY_BATCH, None).await?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "  {what}: {} tasks in batches of {INQUIRY_BATCH}, {} findings, {} complete: {s:.2} s ({:.0} tasks/s)",
            r.polled,
            r.findings,
            r.completed,
            r.polled as f64 / s.max(1e-9)
        );
    }
    let total = all.elapsed().as_secs_f64();
    let watching = app
        .store
        .dormant_list(
            &app.court_tree()
                .courts
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            zhixing_store::dormant::DormantFilter::Found,
            0,
            1,
        )
        .await?
        .1;
    println!(
        "  total scheduled and processed: {total:.2} s (target < 60 s); {watching} cases with property found"
    );
    app.store.close().await;
    Ok(())
}
