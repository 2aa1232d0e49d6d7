//! Benchmark of routine work in batches (issue 5's target: the notice and the asset-report
//! order as PDF and DOCX for 1,000 cases in one batch, < 60 s, fonts loaded once).
//!
//!   cargo bench -p zhixing-app --bench routine -- [--cases N] [--db URL]
//!
//! The demo city's staff are set up, N cases are filed at 孟州 through the pipeline (not
//! timed), then timed: the routine queue's first page, the draft batch (2 documents per case,
//! submitted, service tasks waiting) and the approval batch (each document numbered, rendered
//! as PDF and DOCX, both stored in the blob store, the PDF filed in the dossier, service tasks
//! made ready) — the whole of what a clerk and a judge wait for.

use std::time::Instant;

use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::{Actor, App};
use zhixing_docs::DocKind;
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::ids::{resident_check_char, ResidentId};
use zhixing_domain::money::Fen;
use zhixing_domain::party::{Party, PartyIdentity};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
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
        .unwrap_or(if full { 1_000 } else { 4 });
    let dir = std::env::temp_dir().join(format!("zx-routine-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir)?;
    let url = match arg("--db") {
        Some(u) => u,
        None => format!("sqlite://{}/bench.db", dir.display()),
    };
    println!(
        "routine benchmark: {n} cases on {}",
        url.split('@').next_back().unwrap_or(&url)
    );
    let result = measure(&url, n).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

fn person(name: &str, n: usize, year: u32) -> Result<Party, Box<dyn std::error::Error>> {
    let body = format!("410883{year}0101{:03}", n % 1000);
    let id = format!("{body}{}", resident_check_char(&body));
    Ok(Party::new(
        name,
        PartyIdentity::Person(ResidentId::parse(&id)?),
        Some("13800000000"),
        Some("河南省孟州市河阳街道"),
    )?)
}

fn filing(court_id: i64, i: usize) -> Result<FileCase, Box<dyn std::error::Error>> {
    Ok(FileCase {
        court_id,
        case_type: CaseType::First,
        basis: Basis::new(
            "孟州市人民法院",
            &format!("（2025）豫0883民初{}号", 1000 + i),
            BasisKind::Judgment,
            chrono::NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("date")?,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
        )?,
        claim: Fen::from_yuan(20_000 + (i as i64 % 50) * 7_000),
        applicants: vec![person("孟州市某商贸有限公司职工张某", i, 1980)?],
        debtors: vec![person("李某", i, 1985)?],
        reception_id: None,
        flags: Default::default(),
        debtor_locatable: true,
        note: None,
    })
}

async fn actor(app: &App, username: &str) -> Result<Actor, Box<dyn std::error::Error>> {
    let u = app
        .store
        .user_by_username(username)
        .await?
        .ok_or(username.to_string())?;
    Ok(app.actor_for_user(u.id).await?)
}

async fn measure(url: &str, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let app = App::open(url).await?;
    app.generate_demo(DemoOptions { cases: 0, seed: 5 }, |_| {})
        .await?;
    let clerk = actor(&app, "mz_clerk").await?;
    let judge = actor(&app, "mz_t1_judge").await?;
    let t = Instant::now();
    let mut cases = Vec::with_capacity(n);
    for i in 0..n {
        let o = app
            .execute(&clerk, Command::FileCase(filing(clerk.court_id, i)?))
            .await?;
        cases.push(o.id.ok_or("no id")?);
    }
    println!("  filed {n} cases (not timed): {:.1} s", secs(t));

    let t = Instant::now();
    let page = app.routine_queue(&clerk, None, None).await?;
    println!(
        "  routine queue, first page of {} ({} queued): {:.2} ms",
        page.items.len(),
        page.total,
        secs(t) * 1000.0
    );

    let total = Instant::now();
    let t = Instant::now();
    let batch = app
        .execute(
            &clerk,
            Command::StartRoutineBatch {
                case_ids: cases.clone(),
                kinds: vec![DocKind::Notice, DocKind::AssetReportOrder],
            },
        )
        .await?
        .id
        .ok_or("no batch")?;
    app.run_routine_batch(&clerk, batch).await?;
    let drafted = app.routine_batch_view(&clerk, batch).await?;
    println!(
        "  draft batch: {} cases done, {} failed, {} documents: {:.2} s",
        drafted.batch.done,
        drafted.batch.failed,
        drafted.batch.done * 2,
        secs(t)
    );

    let t = Instant::now();
    let approval = app
        .execute(
            &judge,
            Command::StartApprovalBatch {
                source_batch_id: batch,
            },
        )
        .await?
        .id
        .ok_or("no approval batch")?;
    app.run_routine_batch(&judge, approval).await?;
    let approved = app.routine_batch_view(&judge, approval).await?;
    println!(
        "  approval batch: {} documents issued ({} PDF + {} DOCX), {} failed: {:.2} s",
        approved.batch.done,
        approved.batch.done,
        approved.batch.done,
        approved.batch.failed,
        secs(t)
    );
    println!(
        "  total for {n} cases (notice + order, PDF + DOCX): {:.2} s (target < 60 s for 1,000)",
        secs(total)
    );
    if drafted.batch.failed > 0 || approved.batch.failed > 0 {
        return Err(format!(
            "failures: {:?} {:?}",
            drafted.failures.first().map(|f| &f.message),
            approved.failures.first().map(|f| &f.message)
        )
        .into());
    }
    app.store.close().await;
    Ok(())
}
