//! Benchmark of the funds reconciliation (issue 6's target: a court-year with 50,000 ledger
//! entries reconciled in < 1 s).
//!
//!   cargo bench -p zhixing-app --bench funds -- [--entries N] [--db URL]
//!
//! The demo city's staff are set up, then (not timed) the 孟州 court gets one case per five
//! entries, written in bulk with consistent ledgers: N entries dated through 2025 (receipts by
//! every source and payouts, each with its running balance) plus a receipt in December 2024
//! for every tenth case, so the year opens with a balance; each case's `held_fen` is its
//! ledger's balance. Timed: the reconciliation of 2025 for the court (a judge's view) and for
//! the intermediate court with its basic courts (the bureau chief of 焦作), three runs each.

use std::time::Instant;

use zhixing_app::demo::DemoOptions;
use zhixing_app::{Actor, App};
use zhixing_domain::funds::{apply_entry, EntryKind};
use zhixing_domain::money::Fen;
use zhixing_store::funds::{CaseAccountRow, NewFundEntry};
use zhixing_store::rows::CaseRow;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
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
    let n: usize = arg("--entries")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(if full { 50_000 } else { 200 });
    let dir = std::env::temp_dir().join(format!("zx-funds-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir)?;
    let url = match arg("--db") {
        Some(u) => u,
        None => format!("sqlite://{}/bench.db", dir.display()),
    };
    println!(
        "funds benchmark: {n} ledger entries on {}",
        url.split('@').next_back().unwrap_or(&url)
    );
    let result = measure(&url, n).await;
    std::fs::remove_dir_all(&dir)?;
    result
}

async fn actor(app: &App, username: &str) -> Result<Actor, Box<dyn std::error::Error>> {
    let u = app
        .store
        .user_by_username(username)
        .await?
        .ok_or(username.to_string())?;
    Ok(app.actor_for_user(u.id).await?)
}

const SOURCES: [&str; 5] = ["deduction", "voluntary", "auction", "cash", "other"];

/// A day of 2025 (`k`-th of the year, wrapped).
fn day_2025(k: usize) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date")
        + chrono::Duration::days((k % 365) as i64);
    d.to_string()
}

async fn measure(url: &str, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let app = App::open(url).await?;
    app.generate_demo(DemoOptions { cases: 0, seed: 5 }, |_| {})
        .await?;
    let judge = actor(&app, "mz_t1_judge").await?;
    let chief = actor(&app, "jz_chief").await?;
    let court_id = judge.court_id;
    let code = app
        .court_tree()
        .get(court_id)
        .map(|c| c.code.clone())
        .ok_or("court")?;

    let t = Instant::now();
    let per_case = 5;
    let cases_n = n.div_ceil(per_case);
    let mut tx = app.store.begin_write().await?;
    let first = tx.max_id("cases").await? + 1;
    let now = tx.now;
    let mut cases = Vec::with_capacity(cases_n);
    let mut accounts = Vec::with_capacity(cases_n);
    let mut entries = Vec::with_capacity(n + cases_n / 10);
    let mut written = 0usize;
    let mut expected = (0i64, 0i64, 0i64); // opening, receipts, payouts of 2025
    for i in 0..cases_n {
        let id = first + i as i64;
        let mut balance = Fen(0);
        let mut push = |kind: EntryKind,
                        amount: i64,
                        source: &str,
                        on: String,
                        balance: &mut Fen|
         -> Result<(), Box<dyn std::error::Error>> {
            *balance = apply_entry(*balance, kind, Fen(amount))?;
            entries.push(NewFundEntry {
                court_id,
                case_id: id,
                kind: kind.key().into(),
                source: source.into(),
                amount_fen: amount,
                balance_after_fen: balance.0,
                party_id: None,
                party_name: "李某".into(),
                reference: format!("HD{id}"),
                occurred_on: on,
                recorded_at: now,
                recorded_by: judge.user_id,
                recorded_by_name: judge.display_name.clone(),
                second_officer_id: None,
                disbursement_id: None,
            });
            Ok(())
        };
        if i % 10 == 0 {
            let a = 50_000 + (i as i64 % 97) * 100;
            push(
                EntryKind::Receipt,
                a,
                "deduction",
                "2024-12-20".into(),
                &mut balance,
            )?;
            expected.0 += a;
        }
        // Receipt, receipt, payout, receipt, payout: five entries of 2025, in date order.
        let base = (i * 7) % 300;
        let r1 = 100_000 + (i as i64 % 113) * 1_000;
        let r2 = 20_000 + (i as i64 % 31) * 500;
        let r3 = 5_000 + (i as i64 % 17) * 100;
        let steps: [(EntryKind, i64, &str); 5] = [
            (EntryKind::Receipt, r1, SOURCES[i % 5]),
            (EntryKind::Receipt, r2, SOURCES[(i + 1) % 5]),
            (EntryKind::Disbursement, r1, "payout"),
            (EntryKind::Receipt, r3, SOURCES[(i + 2) % 5]),
            (EntryKind::Disbursement, r2, "payout"),
        ];
        for (k, (kind, amount, source)) in steps.into_iter().enumerate() {
            if written == n {
                break;
            }
            push(kind, amount, source, day_2025(base + k * 12), &mut balance)?;
            written += 1;
            match kind {
                EntryKind::Receipt => expected.1 += amount,
                EntryKind::Disbursement => expected.2 += amount,
            }
        }
        cases.push(CaseRow {
            id,
            court_id,
            case_number: format!("（2025）{code}执{}号", 50_000 + i),
            year: 2025,
            case_type: "first".into(),
            seq: 50_000 + i as i64,
            stage: "distribution".into(),
            suspended: 0,
            locked: 0,
            closing_mode: None,
            claim_fen: 500_000,
            recovered_fen: 0,
            held_fen: balance.0,
            basis_court: "孟州市人民法院".into(),
            basis_number: format!("（2024）豫0883民初{i}号"),
            basis_kind: "judgment".into(),
            basis_date: "2024-10-01".into(),
            team_id: None,
            officer_id: None,
            applicant_names: "张某".into(),
            debtor_names: "李某".into(),
            search_text: String::new(),
            filed_at: now,
            closed_at: None,
            version: 1,
        });
        accounts.push(CaseAccountRow {
            case_id: id,
            court_id,
            account_number: zhixing_docs::virtual_account_number(&code, id),
            account_name: "孟州市人民法院执行款专户".into(),
            bank: "中国工商银行".into(),
            opened_at: now,
        });
    }
    tx.insert_cases_with_ids(&cases).await?;
    tx.insert_case_accounts_bulk(&accounts).await?;
    tx.insert_fund_entries_bulk(&entries).await?;
    tx.sync_identity(app.store.engine(), "cases").await?;
    tx.commit().await?;
    app.store.analyze().await?;
    println!(
        "  wrote {} cases and {} ledger entries ({written} in 2025; not timed): {:.1} s",
        cases.len(),
        entries.len(),
        ms(t) / 1000.0
    );

    let from = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?;
    let to = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).ok_or("date")?;
    for (who, label) in [
        (&judge, "孟州 court"),
        (&chief, "焦作 with its basic courts"),
    ] {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..3 {
            let t = Instant::now();
            let r = app.fund_reconciliation(who, from, to).await?;
            times.push(ms(t));
            last = Some(r);
        }
        let r = last.ok_or("no run")?;
        println!(
            "  reconciliation of 2025, {label}: {} case lines, opening {} + receipts {} − payouts {} = closing {} yuan, balanced: {}; {:.1} / {:.1} / {:.1} ms (target < 1,000 ms)",
            r.lines.len(),
            r.totals.opening,
            r.totals.receipts,
            r.totals.disbursements,
            r.closing,
            r.balanced,
            times[0],
            times[1],
            times[2]
        );
        if !r.balanced
            || r.totals.opening != Fen(expected.0)
            || r.totals.receipts != Fen(expected.1)
            || r.totals.disbursements != Fen(expected.2)
        {
            return Err(format!(
                "reconciliation does not match the written ledger: {:?} vs {expected:?}",
                r.totals
            )
            .into());
        }
    }
    app.store.close().await;
    Ok(())
}
