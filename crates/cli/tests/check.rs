//! `zhixing check id` and `zhixing check case-number`, text and JSON, valid and invalid.

use std::process::Command;

use serde_json::Value;

fn zhixing(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhixing"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run zhixing");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = Command::new(env!("CARGO_BIN_EXE_zhixing"))
        .args(&all)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run zhixing");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn valid_resident_id() {
    let (code, out) = zhixing(&["check", "id", "11010519491231002x"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("有效的居民身份证号码 / valid resident ID number"),
        "{out}"
    );
    assert!(out.contains("11010519491231002X"), "{out}");
    assert!(out.contains("110105"), "{out}");
    assert!(out.contains("1949-12-31"), "{out}");
    assert!(out.contains("女 female"), "{out}");
    // Spaces and full-width digits from an input method are accepted.
    let (code, out) = zhixing(&["check", "id", "440524 18800101 0014"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("男 male"), "{out}");
    let (code, _) = zhixing(&["check", "id", "４４０５２４１８８００１０１００１４"]);
    assert_eq!(code, 0);

    let (code, v) = json(&["check", "id", "11010519491231002X"]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "resident_id");
    assert_eq!(v["number"], "11010519491231002X");
    assert_eq!(v["region_code"], "110105");
    assert_eq!(v["birth_date"], "1949-12-31");
    assert_eq!(v["sex"], "female");
    assert!(v.get("error").is_none(), "{v}");
    // The same string read as a credit code fails its check digit (expected B).
    assert_eq!(v["also_checked_as"]["kind"], "credit_code");
    assert_eq!(v["also_checked_as"]["valid"], false);
}

#[test]
fn invalid_resident_id() {
    let (code, out) = zhixing(&["check", "id", "110105194912310021"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("无效的居民身份证号码 / invalid resident ID number"),
        "{out}"
    );
    assert!(out.contains("应为 X"), "{out}");
    assert!(out.contains("wrong check digit: expected X"), "{out}");
    // The credit-code reading fails too, and is not shown in text.
    assert!(!out.contains("统一社会信用代码"), "{out}");

    let (code, v) = json(&["check", "id", "110105194912310021"]);
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["kind"], "resident_id");
    assert_eq!(v["error"]["code"], "resident_id.check_digit");
    assert!(v["error"]["zh"].as_str().unwrap().contains("应为 X"), "{v}");
    assert!(
        v["error"]["en"].as_str().unwrap().contains("expected X"),
        "{v}"
    );

    let (code, v) = json(&["check", "id", "1101051949123100"]);
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "resident_id.length");
    assert!(v.get("also_checked_as").is_none(), "{v}");

    let body = "11010519490230002"; // 30 February
    let (code, v) = json(&["check", "id", &format!("{body}{}", resident_check(body))]);
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "resident_id.birth_date");
}

#[test]
fn valid_credit_code() {
    let (code, out) = zhixing(&["check", "id", "91350100M000100Y43"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("有效的统一社会信用代码 / valid unified social credit code"),
        "{out}"
    );
    assert!(
        out.contains("登记管理部门 registration authority: 9（工商"),
        "{out}"
    );
    assert!(
        out.contains("机构类别 organisation type: 1（企业 enterprise）"),
        "{out}"
    );
    assert!(out.contains("行政区划代码 region code: 350100"), "{out}");

    let (code, v) = json(&["check", "id", "91350100m000100y43"]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "credit_code");
    assert_eq!(v["code"], "91350100M000100Y43");
    assert_eq!(v["registration_authority"], "9");
    assert_eq!(v["org_type"], "1");
    assert_eq!(v["org_type_zh"], "企业");
    assert_eq!(v["region_code"], "350100");
    assert_eq!(v["organisation_code"], "M000100Y4");
    assert_eq!(v["check_char"], "3");
}

#[test]
fn invalid_credit_code() {
    let (code, out) = zhixing(&["check", "id", "91350100M000100Y44"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("无效的统一社会信用代码 / invalid unified social credit code"),
        "{out}"
    );
    assert!(out.contains("应为 3"), "{out}");
    assert!(out.contains("expected 3"), "{out}");

    let (code, v) = json(&["check", "id", "91350100M000100Y44"]);
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["kind"], "credit_code");
    assert_eq!(v["error"]["code"], "credit_code.check_digit");

    let (_, v) = json(&["check", "id", "91350100MO00100Y44"]);
    assert_eq!(v["error"]["code"], "credit_code.character");
    let (_, v) = json(&["check", "id", "9135ABC"]);
    assert_eq!(v["error"]["code"], "credit_code.length");
}

#[test]
fn digits_are_read_as_both_kinds_resident_first() {
    // Not a resident ID (no real birth date) but a valid all-digit credit code.
    let (code, out) = zhixing(&["check", "id", "911101081234561071"]);
    assert_eq!(code, 0, "{out}");
    let resident_at = out.find("无效的居民身份证号码").expect("resident result");
    let credit_at = out.find("有效的统一社会信用代码").expect("credit result");
    assert!(resident_at < credit_at, "{out}");

    let (code, v) = json(&["check", "id", "911101081234561071"]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "credit_code");
    assert_eq!(v["also_checked_as"]["kind"], "resident_id");
    assert_eq!(
        v["also_checked_as"]["error"]["code"],
        "resident_id.birth_date"
    );

    // Valid as both: the resident ID comes first, with a note.
    let (code, out) = zhixing(&["check", "id", "11010519800101122X"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("有效的居民身份证号码"), "{out}");
    assert!(out.contains("同时符合统一社会信用代码"), "{out}");
    let (_, v) = json(&["check", "id", "11010519800101122X"]);
    assert_eq!(v["kind"], "resident_id");
    assert_eq!(v["also_checked_as"]["valid"], true);
}

#[test]
fn valid_case_number() {
    let (code, out) = zhixing(&["check", "case-number", "(2024)豫0811执恢12号"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("有效的案号 / valid case number"), "{out}");
    assert!(out.contains("（2024）豫0811执恢12号"), "{out}");
    assert!(out.contains("年度 year: 2024"), "{out}");
    assert!(out.contains("法院代字 court code: 豫0811"), "{out}");
    assert!(out.contains("基层人民法院"), "{out}");
    assert!(
        out.contains("执恢（恢复执行 Restored enforcement）"),
        "{out}"
    );
    assert!(out.contains("序号 sequence: 12"), "{out}");

    let (code, v) = json(&["check", "case-number", "（2023）豫08执异5号"]);
    assert_eq!(code, 0);
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "case_number");
    assert_eq!(v["canonical"], "（2023）豫08执异5号");
    assert_eq!(v["year"], 2023);
    assert_eq!(v["court_code"], "豫08");
    assert_eq!(v["court_level"], "intermediate");
    assert_eq!(v["case_type"], "objection");
    assert_eq!(v["case_type_code"], "执异");
    assert_eq!(v["case_type_zh"], "执行异议");
    assert_eq!(v["seq"], 5);

    // Unquoted words with spaces are joined.
    let (code, v) = json(&["check", "case-number", "(2024)", "豫0811", "执", "1234号"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["canonical"], "（2024）豫0811执1234号");
}

#[test]
fn invalid_case_number() {
    let (code, out) = zhixing(&["check", "case-number", "（2024）豫0811民初1234号"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("无效的案号 / invalid case number"), "{out}");
    assert!(out.contains("缺少执行案件类型代字"), "{out}");
    assert!(out.contains("enforcement type code"), "{out}");

    let (code, v) = json(&["check", "case-number", "（2024）豫0811执1234"]);
    assert_eq!(code, 1);
    assert_eq!(v["valid"], false);
    assert_eq!(v["kind"], "case_number");
    assert_eq!(v["error"]["code"], "case_number.missing_hao");
    assert!(v["error"]["zh"].as_str().unwrap().contains("号"), "{v}");
    let (_, v) = json(&["check", "case-number", "（2024）港0811执1234号"]);
    assert_eq!(v["error"]["code"], "court_code.province");
}

fn resident_check(first17: &str) -> char {
    zhixing_domain::ids::resident_check_char(first17)
}
