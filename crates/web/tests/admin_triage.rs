//! The triage rules administration page and API over real HTTP, on SQLite and PostgreSQL:
//! the preset shown, editing by form posts (with and without htmx), simulation, saving with
//! its refusals (gaps, stale versions, wrong role, missing CSRF token).

mod common;

use common::{api_csrf, client, each_engine, get_json, get_page, sign_in, value_of};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions {
    cases: 200,
    seed: 7,
};

/// One editor row as the form posts it.
#[derive(Clone)]
struct Row {
    name: &'static str,
    claim_from: &'static str,
    claim_to: &'static str,
    types: Vec<&'static str>,
    any_flags: Vec<&'static str>,
    no_flags: Vec<&'static str>,
    target: &'static str,
}

impl Row {
    fn new(name: &'static str, target: &'static str) -> Row {
        Row {
            name,
            claim_from: "",
            claim_to: "",
            types: vec![],
            any_flags: vec![],
            no_flags: vec![],
            target,
        }
    }
}

const SPECIAL: [&str; 3] = ["organised_crime", "government_platform", "major_difficult"];

/// The 孟州 preset as the editor shows it, with the small-claims bound given.
fn mengzhou(small_below: &'static str) -> Vec<Row> {
    vec![
        Row {
            any_flags: SPECIAL.to_vec(),
            ..Row::new("特殊案件", "special")
        },
        Row {
            types: vec!["preservation"],
            ..Row::new("财产保全案件", "fast")
        },
        Row {
            claim_to: small_below,
            no_flags: SPECIAL.to_vec(),
            ..Row::new("小额案件", "fast")
        },
        Row::new("其他案件", "ordinary"),
    ]
}

/// The posted editor: hidden fields, the rows, the op.
fn form(csrf: &str, court: i64, version: i64, rows: &[Row], op: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.into()),
        ("court".into(), court.to_string()),
        ("version".into(), version.to_string()),
        ("months".into(), "12".into()),
        ("preset".into(), String::new()),
    ];
    for (i, r) in rows.iter().enumerate() {
        let k = |n: &str| format!("rules[{i}].{n}");
        f.push((k("name"), r.name.into()));
        f.push((k("claim_from"), r.claim_from.into()));
        f.push((k("claim_to"), r.claim_to.into()));
        for t in &r.types {
            f.push((k("types"), (*t).into()));
        }
        for t in &r.any_flags {
            f.push((k("any_flags"), (*t).into()));
        }
        for t in &r.no_flags {
            f.push((k("no_flags"), (*t).into()));
        }
        f.push((k("locatable"), String::new()));
        f.push((k("open_cases"), String::new()));
        f.push((k("applicants"), String::new()));
        f.push((k("debtors"), String::new()));
        f.push((k("target"), r.target.into()));
    }
    f.push(("op".into(), op.into()));
    f
}

async fn post_edit(
    c: &reqwest::Client,
    base: &str,
    f: &[(String, String)],
    htmx: bool,
) -> reqwest::Response {
    let mut req = c.post(format!("{base}/admin/triage/edit")).form(f);
    if htmx {
        req = req.header("HX-Request", "true");
    }
    req.send().await.unwrap()
}

/// The session's token and the court of the signed-in user, from the page.
async fn page_state(c: &reqwest::Client, base: &str) -> (String, i64, i64, String) {
    let (status, page) = get_page(c, format!("{base}/admin/triage")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = value_of(&page, "csrf").unwrap();
    let court = value_of(&page, "court").unwrap().parse().unwrap();
    let version = value_of(&page, "version").unwrap().parse().unwrap();
    (csrf, court, version, page)
}

async fn api_rules(c: &reqwest::Client, base: &str, court: i64) -> Value {
    let r = c
        .get(format!("{base}/api/v1/courts/{court}/triage-rules"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn page_shows_the_preset_and_edits_round_trip() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_admin").await;
        let (csrf, court, version, page) = page_state(&c, &s.base).await;
        assert_eq!(version, 0, "{label}");
        // The nav link, the preset note and the four rules with their conditions.
        assert!(page.contains("href=\"/admin/triage\""), "{label}");
        assert!(page.contains("分流规则"));
        assert!(page.contains("预设规则"));
        for text in [
            "特殊案件",
            "财产保全案件",
            "小额案件",
            "其他案件",
            "标的额 &#60; 50,000.00 元",
            "速执团队",
            "普执团队",
            "特执团队",
        ] {
            assert!(page.contains(text), "{label}: page lacks {text}");
        }
        assert_eq!(
            value_of(&page, "rules[2].claim_to").as_deref(),
            Some("50,000")
        );
        assert!(
            page.contains("value=\"organised_crime\" checked"),
            "{label}"
        );

        let rows = mengzhou("50,000");
        // Add: a blank rule goes in before the catch-all.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &rows, "add"), false).await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let html = r.text().await.unwrap();
        assert_eq!(value_of(&html, "rules[3].name").as_deref(), Some(""));
        assert_eq!(
            value_of(&html, "rules[4].name").as_deref(),
            Some("其他案件")
        );
        assert!(html.contains("已添加第 4 条规则"), "{label}");
        assert!(html.contains("有未保存的修改"), "{label}");
        // What was typed comes back as typed.
        assert_eq!(
            value_of(&html, "rules[2].claim_to").as_deref(),
            Some("50,000")
        );

        // Move up, with htmx: the editor comes back (200), the order changed.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &rows, "up:1"), true).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"triage-editor\""));
        assert_eq!(
            value_of(&html, "rules[0].name").as_deref(),
            Some("财产保全案件")
        );
        assert_eq!(
            value_of(&html, "rules[1].name").as_deref(),
            Some("特殊案件")
        );
        assert!(html.contains("value=\"preservation\" checked"));

        // Move down and delete.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &rows, "down:2"), false).await;
        let html = r.text().await.unwrap();
        assert_eq!(
            value_of(&html, "rules[2].name").as_deref(),
            Some("其他案件")
        );
        assert_eq!(
            value_of(&html, "rules[3].name").as_deref(),
            Some("小额案件")
        );
        let r = post_edit(
            &c,
            &s.base,
            &form(&csrf, court, 0, &rows, "delete:0"),
            false,
        )
        .await;
        let html = r.text().await.unwrap();
        assert!(html.contains("已删除第 1 条规则“特殊案件”"), "{label}");
        assert_eq!(
            value_of(&html, "rules[0].name").as_deref(),
            Some("财产保全案件")
        );
        assert!(value_of(&html, "rules[3].name").is_none());

        // Load the 山阳 preset: five rules, two to teams 孟州 has not set up.
        let mut f = form(&csrf, court, 0, &rows, "preset");
        f.retain(|(k, _)| k != "preset");
        f.push(("preset".into(), "shanyang".into()));
        let html = post_edit(&c, &s.base, &f, false)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            value_of(&html, "rules[2].name").as_deref(),
            Some("被执行人下落不明")
        );
        assert!(html.contains("本院未设立"), "{label}");

        // None of this was saved.
        let api = api_rules(&c, &s.base, court).await;
        assert_eq!(api["version"], 0, "{label}");
        assert_eq!(api["preset"], true);
    })
    .await;
}

#[tokio::test]
async fn simulation_counts_and_refused_saves() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_admin").await;
        let (csrf, court, _, _) = page_state(&c, &s.base).await;

        // Simulate a lower small-claims bound: the page's counts are the API's counts.
        let rows = mengzhou("3万");
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &rows, "simulate"), false).await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("模拟结果"), "{label}");
        let sim: Value = c
            .post(format!(
                "{}/api/v1/courts/{court}/triage-rules/simulate",
                s.base
            ))
            .json(&json!({"rules": {"rules": [
                {"name": "特殊案件", "conditions": [{"kind": "has_any_flag", "value": SPECIAL}], "target": "special"},
                {"name": "财产保全案件", "conditions": [{"kind": "case_type_in", "value": ["preservation"]}], "target": "fast"},
                {"name": "小额案件", "conditions": [{"kind": "claim_below", "value": 3_000_000}, {"kind": "no_flags", "value": SPECIAL}], "target": "fast"},
                {"name": "其他案件", "conditions": [], "target": "ordinary"}
            ]}, "months": 12}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cases = sim["cases"].as_u64().unwrap();
        let changed = sim["changed"].as_u64().unwrap();
        assert!(cases > 0, "{label}: the demo has cases in the last year");
        assert!(
            html.contains(&format!("近 12 个月立案 {cases} 件")),
            "{label}: {cases}"
        );
        assert!(html.contains(&format!("按新规则将改分团队 {changed} 件")));
        assert!(html.contains("速执团队") && html.contains("增减"));
        assert_eq!(sim["problems"].as_array().unwrap().len(), 0);
        let teams = sim["teams"].as_array().unwrap();
        let today: u64 = teams.iter().map(|t| t["today"].as_u64().unwrap()).sum();
        let simulated: u64 = teams.iter().map(|t| t["simulated"].as_u64().unwrap()).sum();
        assert_eq!((today, simulated), (cases, cases));
        for ex in sim["examples"].as_array().unwrap() {
            assert!(html.contains(&format!("href=\"/cases/{}\"", ex["case_id"])));
        }

        // A field that cannot be read: named, and what was typed comes back.
        let mut bad = mengzhou("五万块");
        bad[0].claim_from = "abc";
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &bad, "save"), false).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("第 1 条规则的“标的额从”"), "{label}");
        assert!(html.contains("第 3 条规则的“标的额至”"), "{label}");
        assert_eq!(
            value_of(&html, "rules[2].claim_to").as_deref(),
            Some("五万块")
        );

        // A gap (no catch-all): every problem listed, nothing saved.
        let mut gap = mengzhou("5万");
        gap.pop();
        gap[0].name = "";
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &gap, "save"), false).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("规则没有保存"), "{label}");
        assert!(html.contains("分流规则有遗漏"), "{label}");
        assert!(html.contains("第 1 条规则没有名称"), "{label}");
        assert!(html.contains("规则有 2 个问题"), "{label}");
        assert_eq!(value_of(&html, "rules[1].name").as_deref(), Some("财产保全案件"));
        // Simulating the same rules shows the problems above the results.
        let html = post_edit(&c, &s.base, &form(&csrf, court, 0, &gap, "simulate"), true)
            .await
            .text()
            .await
            .unwrap();
        assert!(html.contains("分流规则有遗漏") && html.contains("模拟结果"));
        // A wrong token saves nothing either, and keeps the edits.
        let r = post_edit(
            &c,
            &s.base,
            &form("forged", court, 0, &mengzhou("3万"), "save"),
            false,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("页面已过期"));
        assert_eq!(value_of(&html, "rules[2].claim_to").as_deref(), Some("3万"));
        assert_eq!(api_rules(&c, &s.base, court).await["version"], 0, "{label}");

        // A valid save: redirect with the message, version 1, the new bound in force.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &rows, "save"), false).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert_eq!(to, format!("/admin/triage?court={court}&saved=1"));
        let (_, html) = get_page(&c, format!("{}{to}", s.base)).await;
        assert!(html.contains("分流规则已保存（第 1 版）"), "{label}");
        assert!(html.contains("标的额 &#60; 30,000.00 元"));
        assert_eq!(value_of(&html, "version").as_deref(), Some("1"));
        assert!(!html.contains("有未保存的修改"));
        let api = api_rules(&c, &s.base, court).await;
        assert_eq!((api["version"].clone(), api["preset"].clone()), (json!(1), json!(false)));

        // Saving again from the page loaded at version 0: someone else's save wins.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 0, &mengzhou("4万"), "save"), false)
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("已被他人修改"), "{label}");
        assert!(html.contains("重新加载最新规则"));
        assert_eq!(value_of(&html, "rules[2].claim_to").as_deref(), Some("4万"));
        assert_eq!(api_rules(&c, &s.base, court).await["version"], 1);

        // With htmx a save answers with a redirect header.
        let r = post_edit(&c, &s.base, &form(&csrf, court, 1, &mengzhou("4万"), "save"), true)
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        assert_eq!(
            r.headers()["hx-redirect"].to_str().unwrap(),
            format!("/admin/triage?court={court}&saved=2")
        );
    })
    .await;
}

#[tokio::test]
async fn only_administrators_within_their_courts() {
    each_engine(DEMO, |s, label| async move {
        let clerk = client();
        sign_in(&clerk, &s.base, "mz_clerk").await;
        let (status, html) = get_page(&clerk, format!("{}/admin/triage", s.base)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(html.contains("只有系统管理员可以设置分流规则"));
        let (_, cases) = get_page(&clerk, format!("{}/cases", s.base)).await;
        assert!(
            !cases.contains("href=\"/admin/triage\""),
            "{label}: no nav link"
        );
        let r = post_edit(
            &clerk,
            &s.base,
            &form("x", 1, 0, &mengzhou("5万"), "save"),
            false,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        let tree = s.app.court_tree();
        let shanyang = tree.by_code("豫0811").unwrap().id;
        // 孟州's administrator cannot see 山阳.
        let admin = client();
        sign_in(&admin, &s.base, "mz_admin").await;
        let (status, _) =
            get_page(&admin, format!("{}/admin/triage?court={shanyang}", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        let (status, _) = get_page(&admin, format!("{}/admin/triage?court=abc", s.base)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The city's administrator chooses among the courts below and sees 山阳's preset.
        let city = client();
        sign_in(&city, &s.base, "admin").await;
        let (status, html) =
            get_page(&city, format!("{}/admin/triage?court={shanyang}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("焦作市山阳区人民法院"));
        assert!(html.contains("被执行人下落不明"));
        assert!(html.contains("执行110"));
        assert!(html.contains("<select id=\"f-court\" name=\"court\">"));
    })
    .await;
}

#[tokio::test]
async fn api_reads_simulates_and_saves_with_the_csrf_header() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_admin").await;
        let me: Value = get_json(&c, format!("{}/api/v1/me", s.base)).await;
        let court = me["court_id"].as_i64().unwrap();
        let url = format!("{}/api/v1/courts/{court}/triage-rules", s.base);

        let got = api_rules(&c, &s.base, court).await;
        assert_eq!(got["version"], 0, "{label}");
        assert_eq!(got["preset"], true);
        assert_eq!(got["rules"]["rules"].as_array().unwrap().len(), 4);
        assert_eq!(got["summaries"][2]["name"], "小额案件");
        assert_eq!(
            got["summaries"][2]["summary_zh"],
            "标的额 < 50,000.00 元，且非特殊案件 → 速执团队"
        );

        // Simulate the rules as read: nothing changes team.
        let sim: Value = c
            .post(format!("{url}/simulate"))
            .json(&json!({"rules": got["rules"], "months": 6}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(sim["months"], 6, "{label}");
        assert!(sim["teams"].as_array().unwrap().len() >= 3);
        // Months out of range, and rules that cannot be read.
        let r = c
            .post(format!("{url}/simulate"))
            .json(&json!({"rules": got["rules"], "months": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = c
            .post(format!("{url}/simulate"))
            .json(&json!({"rules": {"rules": [{"name": "x", "target": "nowhere"}]}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "rules");

        // PUT without the header: refused, nothing saved.
        let mut rules = got["rules"].clone();
        rules["rules"][2]["conditions"][0]["value"] = json!(3_000_000);
        let r = c
            .put(&url)
            .json(&json!({"rules": rules, "version": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert_eq!(r.headers()[CONTENT_TYPE], "application/problem+json");
        let token = api_csrf(&c, &s.base).await;
        let r = c
            .put(&url)
            .header("X-CSRF-Token", "wrong")
            .json(&json!({"rules": rules, "version": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(api_rules(&c, &s.base, court).await["version"], 0);

        // A gap: 422 listing the problem, nothing saved.
        let mut gap = rules.clone();
        gap["rules"].as_array_mut().unwrap().pop();
        let r = c
            .put(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"rules": gap, "version": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let p: Value = r.json().await.unwrap();
        assert!(p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "triage.gap"));
        assert_eq!(api_rules(&c, &s.base, court).await["version"], 0);

        // With the header: saved as version 1; the old version again is a conflict.
        let r = c
            .put(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"rules": rules, "version": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["preset"], false);
        assert_eq!(
            saved["summaries"][2]["summary_zh"],
            "标的额 < 30,000.00 元，且非特殊案件 → 速执团队"
        );
        let r = c
            .put(&url)
            .header("X-CSRF-Token", &token)
            .json(&json!({"rules": rules, "version": 0}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "conflict");
        assert_eq!(api_rules(&c, &s.base, court).await["version"], 1);

        // A clerk may read but not simulate or save.
        let clerk = client();
        sign_in(&clerk, &s.base, "mz_clerk").await;
        assert_eq!(api_rules(&clerk, &s.base, court).await["version"], 1);
        let r = clerk
            .post(format!("{url}/simulate"))
            .json(&json!({"rules": rules}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let clerk_token = api_csrf(&clerk, &s.base).await;
        let r = clerk
            .put(&url)
            .header("X-CSRF-Token", &clerk_token)
            .json(&json!({"rules": rules, "version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        // Another court is not found.
        let shanyang = s.app.court_tree().by_code("豫0811").unwrap().id;
        let r = c
            .get(format!("{}/api/v1/courts/{shanyang}/triage-rules", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // The OpenAPI document lists the three operations.
        let doc: Value = get_json(&c, format!("{}/api/v1/openapi.json", s.base)).await;
        let path = &doc["paths"]["/api/v1/courts/{court_id}/triage-rules"];
        assert!(
            path["get"].is_object() && path["put"].is_object(),
            "{label}"
        );
        assert!(
            doc["paths"]["/api/v1/courts/{court_id}/triage-rules/simulate"]["post"].is_object()
        );
        assert!(doc["components"]["schemas"]["TriageRules"].is_object());
    })
    .await;
}
