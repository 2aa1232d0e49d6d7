//! Process-node limits, the working calendar and the period calculator over real HTTP, on
//! SQLite and PostgreSQL: who sees which page, previews that write nothing, saves with their
//! refusals (bad input, wrong role, missing CSRF token, stale version), inheritance through
//! the API, and the due date across 国庆 2025.

mod common;

use common::{
    api_csrf, client, each_engine, file_cases, get_json, get_page, hidden, post_json, post_pairs,
    put_json, signed_in, signed_in_with_token,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_app::node_rules::{CALENDAR_SETTING, NODES_SETTING};
use zhixing_domain::node::NodeSet;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 5 };

/// A hidden field's value as the browser would send it back.
fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

fn court(s: &common::Server, code: &str) -> i64 {
    s.app.court_tree().by_code(code).unwrap().id
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The node editor form as the page shows it, with the fields a browser posts for each row.
fn node_form(page: &str, op: &str, change: &[(&str, &str)]) -> Vec<(String, String)> {
    let base = unescape(&hidden(page, "base"));
    let set = NodeSet::from_json(&base).unwrap();
    let mut f = pairs(&[
        ("csrf", &hidden(page, "csrf")),
        ("court", &hidden(page, "court")),
        ("version", &hidden(page, "version")),
        ("mode", "rows"),
        ("base", &base),
        ("op", op),
    ]);
    for d in &set.nodes {
        let k = &d.key;
        let (n, unit) = match d.limit {
            zhixing_domain::period::PeriodLimit::Days(n) => (n, "days"),
            zhixing_domain::period::PeriodLimit::WorkingDays(n) => (n, "working_days"),
            zhixing_domain::period::PeriodLimit::Months(n) => (n, "months"),
        };
        f.push((format!("n.{k}"), n.to_string()));
        f.push((format!("unit.{k}"), unit.to_string()));
        f.push((format!("warn.{k}"), d.warn_days_before.to_string()));
        f.push((format!("unlock.{k}"), d.unlock_level.key().to_string()));
        if d.lock_on_overdue {
            f.push((format!("lock.{k}"), "1".into()));
        }
        if d.pauses_on_suspension {
            f.push((format!("pause.{k}"), "1".into()));
        }
    }
    for (k, v) in change {
        f.retain(|(fk, _)| fk != k);
        f.push((k.to_string(), v.to_string()));
    }
    f
}

#[tokio::test]
async fn pages_are_for_their_roles_and_linked_from_the_menu() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        for (user, settings) in [
            ("mz_admin", StatusCode::OK),
            ("mz_chief", StatusCode::OK),
            ("jz_supervisor", StatusCode::OK),
            ("mz_clerk", StatusCode::FORBIDDEN),
            ("mz_t1_judge", StatusCode::FORBIDDEN),
        ] {
            let c = signed_in(&s, user).await;
            for path in ["/admin/nodes", "/admin/calendar?year=2025"] {
                let (status, html) = get_page(&c, format!("{base}{path}")).await;
                assert_eq!(status, settings, "{label}: {user} {path}");
                if status == StatusCode::OK {
                    assert!(
                        !html.contains("[?]"),
                        "{label}: {user} {path}: a key is missing"
                    );
                }
            }
            let (status, html) = get_page(&c, format!("{base}/tools/period")).await;
            assert_eq!(status, StatusCode::OK, "{label}: {user}");
            assert!(html.contains("期间计算器"), "{label}");
            assert_eq!(
                html.contains("href=\"/admin/nodes\""),
                settings == StatusCode::OK,
                "{label}: {user}'s menu"
            );
            assert!(html.contains("href=\"/tools/period\""), "{label}");
        }
        // The editor is the administrator's; the others read.
        let admin = signed_in(&s, "mz_admin").await;
        let (_, page) = get_page(&admin, format!("{base}/admin/nodes")).await;
        assert!(page.contains("流程节点期限设置"), "{label}");
        assert!(page.contains("id=\"nodes-editor\""), "{label}");
        assert!(page.contains("系统默认"), "{label}: no own setting yet");
        assert!(page.contains("执行期限（结案）"), "{label}");
        let chief = signed_in(&s, "mz_chief").await;
        let (_, page) = get_page(&chief, format!("{base}/admin/nodes")).await;
        assert!(!page.contains("id=\"nodes-editor\""), "{label}");
        assert!(page.contains("只有系统管理员可以修改"), "{label}");
        // The calendar: the official 国庆 2025 with weekdays, and the years shipped.
        let (_, page) = get_page(&admin, format!("{base}/admin/calendar?year=2025")).await;
        assert!(page.contains("2025-10-01"), "{label}");
        assert!(page.contains("国庆节"), "{label}");
        assert!(page.contains("星期三"), "{label}");
        assert!(page.contains("2004–2026"), "{label}");
        assert!(page.contains("chinesecalendar 1.11"), "{label}");
        let (_, page) = get_page(&admin, format!("{base}/admin/calendar?year=2027")).await;
        assert!(page.contains("不在内置官方数据范围"), "{label}");
        // English on request.
        let r = admin
            .get(format!("{base}/lang?to=en&back=/admin/nodes"))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{label}");
        for path in [
            "/admin/nodes",
            "/admin/calendar",
            "/tools/period?from=2025-09-28&n=10",
        ] {
            let (status, en) = get_page(&admin, format!("{base}{path}")).await;
            assert_eq!(status, StatusCode::OK, "{label}: {path}");
            assert!(en.contains("lang=\"en\""), "{label}: {path}");
            assert!(!en.contains("[?]"), "{label}: {path}");
        }
        let (_, en) = get_page(&admin, format!("{base}/admin/nodes")).await;
        assert!(en.contains("Process-node limits"), "{label}");
        admin
            .get(format!("{base}/lang?to=zh&back=/cases"))
            .send()
            .await
            .unwrap();
        // Another court's settings: not found, as for cases.
        let sy = court(&s, "豫0811");
        let (status, _) = get_page(&admin, format!("{base}/admin/nodes?court={sy}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
        // The city's supervisor may look at a basic court's.
        let sup = signed_in(&s, "jz_supervisor").await;
        let mz = court(&s, "豫0883");
        let (status, _) = get_page(&sup, format!("{base}/admin/calendar?court={mz}")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
    })
    .await;
}

#[tokio::test]
async fn node_limits_preview_then_save_with_refusals() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let mz = court(&s, "豫0883");
        file_cases(&s, "mz_clerk", 500, 3).await;
        let admin = signed_in(&s, "mz_admin").await;
        let (_, page) = get_page(&admin, format!("{base}/admin/nodes")).await;
        let events = s.app.store.count_events().await.unwrap();
        let url = format!("{base}/admin/nodes");

        // Preview: counts and examples, nothing written.
        let change = [("n.conclude_case", "3")];
        let (status, _, html) =
            post_pairs(&admin, url.clone(), &node_form(&page, "preview", &change)).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("影响预览"), "{label}");
        assert!(html.contains("期限将变化 3 个"), "{label}");
        assert!(html.contains("有未保存的修改"), "{label}");
        assert_eq!(s.app.store.count_events().await.unwrap(), events, "{label}");
        assert!(s
            .app
            .store
            .court_setting(mz, NODES_SETTING)
            .await
            .unwrap()
            .is_none());

        // Refusals: a field that is not a number; a completion that can never happen; no
        // CSRF token; a bureau chief. Nothing saved.
        let (status, _, html) = post_pairs(
            &admin,
            url.clone(),
            &node_form(&page, "save", &[("n.assign_officer", "七")]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(html.contains("期限须为正整数"), "{label}");
        assert!(
            html.contains("value=\"七\""),
            "{label}: what was typed stays"
        );
        let mut v: Value = serde_json::from_str(&NodeSet::defaults().to_json()).unwrap();
        for n in v["nodes"].as_array_mut().unwrap() {
            if n["key"] == "archive_case" {
                n["completions"] = json!(["funds_received"]);
            }
        }
        let json_form = pairs(&[
            ("csrf", &hidden(&page, "csrf")),
            ("court", &mz.to_string()),
            ("version", "0"),
            ("mode", "json"),
            ("json", &v.to_string()),
            ("op", "save"),
        ]);
        let (status, _, html) = post_pairs(&admin, url.clone(), &json_form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(html.contains("永远不会完成"), "{label}");
        let mut forged = node_form(&page, "save", &change);
        forged.retain(|(k, _)| k != "csrf");
        forged.push(("csrf".into(), "forged".into()));
        let (status, _, _) = post_pairs(&admin, url.clone(), &forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let chief = signed_in(&s, "mz_chief").await;
        let (_, chief_page) = get_page(&chief, format!("{base}/admin/calendar")).await;
        let chief_form = pairs(&[
            ("csrf", &hidden(&chief_page, "csrf")),
            ("court", &mz.to_string()),
            ("version", "0"),
            ("mode", "json"),
            ("json", &NodeSet::defaults().to_json()),
            ("op", "save"),
        ]);
        let (status, _, _) = post_pairs(&chief, url.clone(), &chief_form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(s
            .app
            .store
            .court_setting(mz, NODES_SETTING)
            .await
            .unwrap()
            .is_none());
        assert_eq!(s.app.store.count_events().await.unwrap(), events, "{label}");

        // Save: back to the page with the counts.
        let (status, to, _) =
            post_pairs(&admin, url.clone(), &node_form(&page, "save", &change)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(to.starts_with("/admin/nodes?court="), "{label}: {to}");
        let (_, html) = get_page(&admin, format!("{base}{to}")).await;
        assert!(html.contains("已保存（第 1 版）"), "{label}");
        assert!(html.contains("本院自行设置（第 1 版）"), "{label}");
        let (saved, version) = s
            .app
            .store
            .court_setting(mz, NODES_SETTING)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(version, 1);
        let set = NodeSet::from_json(&saved).unwrap();
        assert_eq!(
            set.get("conclude_case").unwrap().limit,
            zhixing_domain::period::PeriodLimit::Months(3)
        );
        // A second save from the old page: someone else's newer version stands.
        let (status, _, html) =
            post_pairs(&admin, url.clone(), &node_form(&page, "save", &change)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}");
        assert!(html.contains("已被他人修改"), "{label}");

        // Restore the defaults: loaded into the editor, not saved.
        let (_, page) = get_page(&admin, format!("{base}/admin/nodes")).await;
        let (status, _, html) = post_pairs(
            &admin,
            url.clone(),
            &pairs(&[
                ("csrf", &hidden(&page, "csrf")),
                ("court", &mz.to_string()),
                ("version", &hidden(&page, "version")),
                ("op", "defaults"),
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("已载入系统默认期限"), "{label}");
        assert_eq!(hidden(&html, "version"), "1");
        assert_eq!(
            s.app
                .store
                .court_setting(mz, NODES_SETTING)
                .await
                .unwrap()
                .unwrap()
                .1,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn calendar_days_are_added_previewed_and_saved() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let mz = court(&s, "豫0883");
        let admin = signed_in(&s, "mz_admin").await;
        let url = format!("{base}/admin/calendar");
        let (_, page) = get_page(&admin, format!("{url}?year=2026")).await;
        let form = |page: &str, op: &str, extra: &[(&str, &str)]| {
            let mut f = pairs(&[
                ("csrf", &hidden(page, "csrf")),
                ("court", &hidden(page, "court")),
                ("year", "2026"),
                ("version", &hidden(page, "version")),
                ("doc", &unescape(&hidden(page, "doc"))),
                ("op", op),
            ]);
            f.extend(pairs(extra));
            f
        };
        // An impossible date is refused, saying which.
        let (status, _, html) = post_pairs(
            &admin,
            url.clone(),
            &form(
                &page,
                "add",
                &[("date", "2027-02-30"), ("kind", "holiday"), ("name", "x")],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(html.contains("「2027-02-30」不是有效日期"), "{label}");
        assert!(
            html.contains("value=\"2027-02-30\""),
            "{label}: what was typed stays"
        );
        // A day added to the draft.
        let (status, _, html) = post_pairs(
            &admin,
            url.clone(),
            &form(
                &page,
                "add",
                &[
                    ("date", "2026-12-31"),
                    ("kind", "holiday"),
                    ("name", "本院停工"),
                ],
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("本院停工"), "{label}");
        assert!(
            unescape(&hidden(&html, "doc")).contains("2026-12-31"),
            "{label}"
        );
        // Preview, then save.
        let (status, _, preview) =
            post_pairs(&admin, url.clone(), &form(&html, "preview", &[])).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(preview.contains("影响预览"), "{label}");
        assert!(s
            .app
            .store
            .court_setting(mz, CALENDAR_SETTING)
            .await
            .unwrap()
            .is_none());
        let (status, to, _) = post_pairs(&admin, url.clone(), &form(&preview, "save", &[])).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let (_, page) = get_page(&admin, format!("{base}{to}")).await;
        assert!(page.contains("工作日历已保存（第 1 版）"), "{label}");
        assert!(page.contains("本院停工"), "{label}");
        let rules = s.app.node_rules(mz).await.unwrap();
        assert!(!rules
            .calendar
            .is_working_day(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
        // Make-up days as rest, and the day removed again: draft only.
        let (_, _, html) = post_pairs(
            &admin,
            url.clone(),
            &form(&page, "makeup", &[("makeup", "rest")]),
        )
        .await;
        assert!(
            unescape(&hidden(&html, "doc")).contains("\"rest\""),
            "{label}"
        );
        let (_, _, html) =
            post_pairs(&admin, url.clone(), &form(&html, "remove:2026-12-31", &[])).await;
        assert!(
            !unescape(&hidden(&html, "doc")).contains("2026-12-31"),
            "{label}"
        );
        assert_eq!(
            s.app
                .store
                .court_setting(mz, CALENDAR_SETTING)
                .await
                .unwrap()
                .unwrap()
                .1,
            1
        );
        // Without the token nothing happens.
        let mut forged = form(&page, "save", &[]);
        forged.retain(|(k, _)| k != "csrf");
        let (status, _, _) = post_pairs(&admin, url.clone(), &forged).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
    })
    .await;
}

#[tokio::test]
async fn the_period_calculator_crosses_national_day_2025() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let clerk = signed_in(&s, "mz_clerk").await;
        let (status, html) = get_page(
            &clerk,
            format!("{base}/tools/period?from=2025-09-28&n=10&unit=days&suspended="),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(html.contains("2025年10月9日（星期四）"), "{label}");
        assert!(html.contains("国庆"), "{label}: the steps say why");
        assert!(
            html.contains("孟州市人民法院"),
            "{label}: the court's calendar"
        );
        let (status, html) = get_page(
            &clerk,
            format!("{base}/tools/period?from=2025-02-30&n=10&unit=days"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(html.contains("「2025-02-30」不是有效日期"), "{label}");
        let (_, html) = get_page(
            &clerk,
            format!("{base}/tools/period?from=2025-04-01&n=6&unit=months&suspended=10"),
        )
        .await;
        assert!(html.contains("扣除中止 10 日"), "{label}");

        // The API.
        let v = get_json(
            &clerk,
            format!("{base}/api/v1/calendar/due?from=2025-09-28&days=10"),
        )
        .await;
        assert_eq!(v["date"], "2025-10-09", "{label}: {v}");
        assert_eq!(v["weekday_zh"], "星期四");
        assert!(v["steps"].as_array().unwrap().len() >= 3, "{label}");
        let v = get_json(
            &clerk,
            format!("{base}/api/v1/calendar/due?from=2025-09-30&days=1&working=true"),
        )
        .await;
        assert_eq!(v["date"], "2025-10-09", "{label}: {v}");
        let v = get_json(
            &clerk,
            format!("{base}/api/v1/calendar/due?from=2025-04-01&months=6&suspended=10"),
        )
        .await;
        assert_eq!(v["date"], "2025-10-11", "{label}: {v}");
        let r = clerk
            .get(format!(
                "{base}/api/v1/calendar/due?from=2025-02-30&days=10"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let v: Value = r.json().await.unwrap();
        assert!(
            v["message_zh"].as_str().unwrap().contains("2025-02-30"),
            "{label}"
        );
        let anon = client();
        let r = anon
            .get(format!(
                "{base}/api/v1/calendar/due?from=2025-09-28&days=10"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{label}");
        let (status, _) = get_page(&anon, format!("{base}/tools/period")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}: to the login page");
    })
    .await;
}

#[tokio::test]
async fn the_api_reads_previews_and_saves_with_csrf_and_versions() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let mz = court(&s, "豫0883");
        let jz = court(&s, "豫08");
        let sy = court(&s, "豫0811");
        file_cases(&s, "mz_clerk", 500, 3).await;
        let admin = signed_in(&s, "mz_admin").await;
        let nodes_url = format!("{base}/api/v1/courts/{mz}/node-definitions");
        let v = get_json(&admin, &nodes_url).await;
        assert_eq!(
            (v["version"].clone(), v["source"].clone()),
            (json!(0), json!("defaults")),
            "{label}"
        );
        let defs = v["definitions"].clone();
        assert!(defs["nodes"].as_array().unwrap().len() >= 5);
        // Roles and courts.
        let clerk = signed_in(&s, "mz_clerk").await;
        let r = clerk.get(&nodes_url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let r = admin
            .get(format!("{base}/api/v1/courts/{sy}/node-definitions"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");

        // Preview writes nothing.
        let mut changed = defs.clone();
        for n in changed["nodes"].as_array_mut().unwrap() {
            if n["key"] == "conclude_case" {
                n["limit"] = json!({"unit": "months", "n": 4});
            }
        }
        let events = s.app.store.count_events().await.unwrap();
        let r = post_json(
            &admin,
            format!("{nodes_url}/preview"),
            None,
            &json!({"definitions": changed}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let p: Value = r.json().await.unwrap();
        assert!(p["instances_changed"].as_u64().unwrap() > 0, "{label}: {p}");
        assert!(!p["examples"].as_array().unwrap().is_empty(), "{label}");
        assert!(p["examples"][0]["case_number"]
            .as_str()
            .unwrap()
            .contains("执"));
        assert_eq!(s.app.store.count_events().await.unwrap(), events, "{label}");

        // Writes need the token.
        let r = put_json(
            &admin,
            &nodes_url,
            None,
            &json!({"definitions": changed, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "csrf");
        let token = api_csrf(&admin, base).await;
        let mut bad = defs.clone();
        for n in bad["nodes"].as_array_mut().unwrap() {
            if n["key"] == "archive_case" {
                n["completions"] = json!(["case_filed"]);
            }
        }
        let r = put_json(
            &admin,
            &nodes_url,
            Some(&token),
            &json!({"definitions": bad, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let e: Value = r.json().await.unwrap();
        assert!(
            e["code"].as_str().unwrap().starts_with("node."),
            "{label}: {e}"
        );
        assert_eq!(s.app.store.count_events().await.unwrap(), events, "{label}");
        // Saved, with the counts; then a stale version conflicts.
        let r = put_json(
            &admin,
            &nodes_url,
            Some(&token),
            &json!({"definitions": changed, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (v["version"].clone(), v["source"].clone()),
            (json!(1), json!("own")),
            "{label}"
        );
        assert_eq!(
            v["recomputed"]["instances_changed"], p["instances_changed"],
            "{label}"
        );
        let r = put_json(
            &admin,
            &nodes_url,
            Some(&token),
            &json!({"definitions": changed, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        // A bureau chief reads but does not write.
        let (chief, chief_token) = signed_in_with_token(&s, "mz_chief").await;
        let r = put_json(
            &chief,
            &nodes_url,
            Some(&chief_token),
            &json!({"definitions": changed, "version": 1}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        // The calendar: the city sets it, the basic court inherits.
        let (city, city_token) = signed_in_with_token(&s, "admin").await;
        let cal_url = format!("{base}/api/v1/courts/{jz}/calendar");
        let r = put_json(
            &city,
            &cal_url,
            Some(&city_token),
            &json!({"overrides": {"days": [
                {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                {"date": "2027-01-01", "kind": "workday"}]}, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["code"], "calendar.conflict", "{label}");
        assert!(e["message_zh"].as_str().unwrap().contains("2027-01-01"));
        let r = put_json(
            &city,
            &cal_url,
            Some(&city_token),
            &json!({"overrides": {"makeup": "working", "days": [
                {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}, "version": 0}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            v["recomputed"]["courts"].as_array().unwrap().len(),
            11,
            "{label}: {v}"
        );
        let v = get_json(&admin, format!("{base}/api/v1/courts/{mz}/calendar")).await;
        assert_eq!(v["source"], "inherited", "{label}: {v}");
        assert_eq!(v["inherited_from"]["court_id"], jz, "{label}");
        assert_eq!(v["version"], 0, "{label}");
        assert_eq!(v["overrides"]["days"][0]["date"], "2027-01-01", "{label}");
        assert!(v["years_covered"]
            .as_array()
            .unwrap()
            .contains(&json!(2026)));
        // The calculator follows the court's calendar: 2026-12-31 + 1 day skips the new holiday
        // and the weekend.
        let v = get_json(
            &admin,
            format!("{base}/api/v1/calendar/due?from=2026-12-31&days=1"),
        )
        .await;
        assert_eq!(v["date"], "2027-01-04", "{label}: {v}");
        // The API is documented.
        let doc = get_json(&admin, format!("{base}/api/v1/openapi.json")).await;
        for path in [
            "/api/v1/courts/{court_id}/node-definitions",
            "/api/v1/courts/{court_id}/node-definitions/preview",
            "/api/v1/courts/{court_id}/calendar",
            "/api/v1/calendar/due",
        ] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{label}: {path} documented"
            );
        }
    })
    .await;
}
