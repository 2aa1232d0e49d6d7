//! `cargo bench -p zhixing-domain --bench triage`: time to route one case with the presets and
//! to validate a 20-rule set. Prints figures; asserts nothing (benchmarks are not tests).

use std::hint::black_box;
use std::time::Instant;

use zhixing_domain::case::CaseType;
use zhixing_domain::money::Fen;
use zhixing_domain::team::TeamKind;
use zhixing_domain::triage::{CaseFlag, Condition, RuleSet, TriageFacts, TriageRule};

fn facts(i: u64) -> TriageFacts {
    let types = [CaseType::First, CaseType::Preservation, CaseType::Restored];
    let mut f = TriageFacts::new(
        types[(i % 3) as usize],
        Fen(((i * 7_919) % 10_000_000) as i64 * 100 + 100),
    );
    f.debtors = 1 + (i % 3) as u32;
    f.debtor_locatable = i % 11 != 0;
    if i % 50 == 0 {
        f.flags.insert(CaseFlag::OrganisedCrime);
    }
    f
}

fn time_routes(name: &str, rules: &RuleSet) {
    let cases: Vec<TriageFacts> = (0..100_000).map(facts).collect();
    let started = Instant::now();
    let mut routed = 0usize;
    for f in &cases {
        if black_box(rules.route(black_box(f))).is_some() {
            routed += 1;
        }
    }
    let per = started.elapsed().as_secs_f64() / cases.len() as f64;
    println!(
        "route ({name}, with reason text): {:.2} µs per case ({routed} routed)",
        per * 1e6
    );
    let started = Instant::now();
    for f in &cases {
        black_box(rules.first_match(black_box(f)));
    }
    let per = started.elapsed().as_secs_f64() / cases.len() as f64;
    println!("first_match ({name}): {:.3} µs per case", per * 1e6);
}

fn main() {
    time_routes("孟州 preset", &RuleSet::mengzhou());
    time_routes("山阳 preset", &RuleSet::shanyang());

    // A larger rule set: 19 amount bands, then a catch-all.
    let mut rules: Vec<TriageRule> = (1..20)
        .map(|k| {
            TriageRule::new(
                format!("第{k}档"),
                vec![Condition::ClaimBelow(Fen::from_yuan(k * 10_000))],
                if k % 2 == 0 {
                    TeamKind::Fast
                } else {
                    TeamKind::Ordinary
                },
            )
        })
        .collect();
    rules.push(TriageRule::new("其他", vec![], TeamKind::Ordinary));
    let set = RuleSet::new(rules);
    let teams = [TeamKind::Fast, TeamKind::Ordinary];
    let started = Instant::now();
    let n = 20;
    for _ in 0..n {
        black_box(set.problems(black_box(&teams)));
    }
    println!(
        "validate (20 rules): {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3 / f64::from(n)
    );
    time_routes("20 rules", &set);
}
