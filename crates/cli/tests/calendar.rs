//! `zhixing calendar due` and `zhixing calendar day`, text and JSON, good and bad input.

use std::process::Command;

use serde_json::Value;

fn zhixing(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhixing"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run zhixing");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = zhixing(&all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v)
}

#[test]
fn due_days_across_national_day_text() {
    let (code, out, err) = zhixing(&["calendar", "due", "--from", "2025-09-28", "--days", "10"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with("期限届满日 / due date: 2025-10-09（星期四）"),
        "{out}"
    );
    assert!(out.contains("起算日为 9月29日（事件发生次日）"), "{out}");
    assert!(
        out.contains("期满日 10月8日 为法定节假日（国庆节），顺延至 10月9日"),
        "{out}"
    );
}

#[test]
fn due_days_json() {
    let (code, v) = json(&["calendar", "due", "--from", "2025-09-28", "--days", "10"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["due"], "2025-10-09");
    assert_eq!(v["start"], "2025-09-29");
    assert_eq!(v["nominal_last_day"], "2025-10-08");
    assert_eq!(v["limit"]["unit"], "days");
    assert_eq!(v["limit"]["n"], 10);
    assert!(v["steps"].as_array().unwrap().len() >= 4, "{v}");
}

#[test]
fn due_working_days_and_makeup_treatment() {
    // 9-29 (1), 9-30 (2), 10-09 (3), 10-10 (4), 10-11 make-up Saturday (5).
    let (code, v) = json(&[
        "calendar",
        "due",
        "--from",
        "2025-09-28",
        "--days",
        "5",
        "--working",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["due"], "2025-10-11");
    assert_eq!(v["limit"]["unit"], "working_days");
    // The court keeps make-up Saturdays as rest: 10-13 Monday.
    let (code, v) = json(&[
        "calendar",
        "due",
        "--from",
        "2025-09-28",
        "--days",
        "5",
        "--working",
        "--makeup",
        "rest",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["due"], "2025-10-13");
}

#[test]
fn due_months_and_suspension() {
    // 4-01 + 6 months = 10-01 (国庆) -> 10-09.
    let (code, v) = json(&["calendar", "due", "--from", "2025-04-01", "--months", "6"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["due"], "2025-10-09");
    // With 10 suspended days: 10-11, a make-up working Saturday.
    let (code, v) = json(&[
        "calendar",
        "due",
        "--from",
        "2025-04-01",
        "--months",
        "6",
        "--suspended",
        "10",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["due"], "2025-10-11");
    // Month end: 2024-01-31 + 1 month = 2024-02-29.
    let (code, out, _) = zhixing(&["calendar", "due", "--from", "2024-01-31", "--months", "1"]);
    assert_eq!(code, 0);
    assert!(out.contains("2024-02-29"), "{out}");
    assert!(out.contains("没有对应日"), "{out}");
}

#[test]
fn due_bad_input_is_refused() {
    let (code, out, err) = zhixing(&["calendar", "due", "--from", "2025-02-30", "--days", "3"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("不是有效日期"), "{err}");
    assert!(err.contains("not a valid date"), "{err}");
    let (code, v) = json(&["calendar", "due", "--from", "2025-13-01", "--days", "3"]);
    assert_eq!(code, 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["code"], "calendar.date");
    // Both --days and --months, or neither: a usage error from clap.
    let (code, _, _) = zhixing(&[
        "calendar",
        "due",
        "--from",
        "2025-01-01",
        "--days",
        "3",
        "--months",
        "1",
    ]);
    assert_eq!(code, 2);
    let (code, _, _) = zhixing(&["calendar", "due", "--from", "2025-01-01"]);
    assert_eq!(code, 2);
}

#[test]
fn day_explains_why() {
    let (code, out, _) = zhixing(&["calendar", "day", "2025-10-01"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("2025-10-01（星期三）：休息日 / rest day — 法定节假日（国庆节）"),
        "{out}"
    );
    let (code, out, _) = zhixing(&["calendar", "day", "2025-09-28"]);
    assert_eq!(code, 0);
    assert!(out.contains("工作日 / working day"), "{out}");
    assert!(out.contains("调休上班日（国庆节调休）"), "{out}");
    let (_, out, _) = zhixing(&["calendar", "day", "2025-09-28", "--makeup", "rest"]);
    assert!(out.contains("休息日 / rest day"), "{out}");
    let (_, v) = json(&["calendar", "day", "2024-02-18"]);
    assert_eq!(v["working"], true);
    assert_eq!(v["reason"], "makeup");
    assert_eq!(v["name"], "春节调休");
    let (_, v) = json(&["calendar", "day", "2025-03-03"]);
    assert_eq!(v["working"], true);
    assert_eq!(v["reason"], "weekday");
    // A year without data: weekends only, and said so.
    let (code, out, _) = zhixing(&["calendar", "day", "2030-10-01"]);
    assert_eq!(code, 0);
    assert!(out.contains("没有 2030 年的节假日安排"), "{out}");
    let (code, _, err) = zhixing(&["calendar", "day", "tomorrow"]);
    assert_eq!(code, 1);
    assert!(err.contains("不是有效日期"), "{err}");
}
