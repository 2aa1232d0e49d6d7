//! Benchmark of the network inquiry batch (what the dormant-case library's re-inquiry of
//! 200,000 cases will run): submit and poll every due task in the loop's batches, then the
//! slow registries' answers after the simulated delay.
//!
//!   cargo bench -p zhixing-app --bench inquiry -- [--cases N] [--db URL]
//!
//! The demo city with N cases is generated and one inquiry task per debtor written (not timed);
//! then timed: `drain_inquiries` until nothing is due (submission + the quick kinds'
//! answers), and again 30 minutes later by the injected clock (real estate and shares).

use std::time::Instant;

use zhixing_app::assets::INQUIRY_BATCH;
use zhixing_app::demo::DemoOptions;
use zhixing_app::inquiry::SIMULATED_SLOW_MS;
use zhixing_app::App;
use zhixing_store::assets::InquiryTarget;

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
        .unwrap_or(if full { 20_000 } else { 20 });
    let dir = std::env::temp_dir().join(format!("zx-inquiry-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir)?;
    let url = match arg("--db") {
        Some(u) => u,
        None => format!("sqlite://{}/bench.db", dir.display()),
    };
    println!(
        "inquiry benchmark: {n} cases on {}",
        url.split('@').next_back().unwrap_or(&url)
    );
    let result = measure(&url, n).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

async fn measure(url: &str, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let app = App::open(url).await?;
    let t = Instant::now();
    app.generate_demo(DemoOptions { cases: n, seed: 11 }, |_| {})
        .await?;
    // One task per debtor of every case, as filing (or the library's re-inquiry) writes them.
    let mut tx = app.store.begin_write().await?;
    let mut tasks = 0usize;
    let mut id = 0i64;
    let mut seen = 0usize;
    while seen < n {
        id += 1;
        let Some(case) = app.store.case_by_id(id).await? else {
            if id > (n as i64) * 4 + 100 {
                break;
            }
            continue;
        };
        seen += 1;
        for p in app.store.case_parties(case.id).await? {
            if p.role == "debtor" {
                tx.insert_inquiry_task(&InquiryTarget::of(&case, &p), "2026-01-01")
                    .await?;
                tasks += 1;
            }
        }
    }
    tx.commit().await?;
    println!(
        "  {seen} demo cases, {tasks} inquiry tasks (not timed): {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let now = zhixing_store::now_ms();
    for (what, at) in [
        ("submit + quick kinds", now),
        ("slow registries, 30 min later", now + SIMULATED_SLOW_MS),
    ] {
        let t = Instant::now();
        let r = app.drain_inquiries(at, INQUIRY_BATCH, None).await?;
        let s = t.elapsed().as_secs_f64();
        println!(
            "  {what}: {} tasks in batches of {INQUIRY_BATCH}, {} findings, {} complete: {s:.2} s ({:.0} tasks/s)",
            r.polled,
            r.findings,
            r.completed,
            r.polled as f64 / s.max(1e-9)
        );
    }
    app.store.close().await;
    Ok(())
}
