//! 1,000 sample cases × (执行通知书 + 报告财产令) × (PDF + DOCX), the font loaded once.
//! Target: < 60 s. Run: `cargo bench -p zhixing-docs --bench generate`.

use std::time::Instant;

use zhixing_docs::{generate, DocData, DocKind, Format};

fn main() {
    let n: i64 = std::env::var("DOCS_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        // Without `--bench` (`cargo test --all-targets`): a smoke run of a few cases.
        .unwrap_or(if std::env::args().any(|a| a == "--bench") {
            1000
        } else {
            5
        });
    let t0 = Instant::now();
    if let Err(e) = zhixing_docs::font::shared() {
        eprintln!("{e}");
        std::process::exit(1);
    }
    println!("font loaded in {:.2?}", t0.elapsed());
    let start = Instant::now();
    let (mut files, mut bytes) = (0usize, 0usize);
    for i in 1..=n {
        let data = DocData::sample_numbered(i);
        for kind in [DocKind::Notice, DocKind::AssetReportOrder] {
            for format in [Format::Pdf, Format::Docx] {
                let out = generate(kind, None, &data, format).expect("generate");
                files += 1;
                bytes += out.len();
            }
        }
    }
    let el = start.elapsed();
    println!(
        "generated {files} files ({:.1} MB) for {n} cases in {:.2?} ({:.2} ms/file); target < 60 s: {}",
        bytes as f64 / 1e6,
        el,
        el.as_secs_f64() * 1000.0 / files as f64,
        if el.as_secs() < 60 { "met" } else { "MISSED" }
    );
}
