//! Supervision over real HTTP on both engines: the counts by court, team and officer with their
//! lists, the bulletin of a period and its Excel export, the inbox with its badge and
//! mark-read forms, the API, and 403 for roles without access.

mod common;

use std::io::Read;

use chrono::Months;
use common::{
    api_csrf, api_login, client, each_engine, file_cases, get_json, get_page, get_text, hidden,
    officer_of, post_form, post_json, signed_in, today, PASSWORD,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 3 };

fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the export is a zip");
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the export"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn supervision_pages_bulletin_export_and_roles() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let mz = file_cases(&s, "mz_clerk", 300, 6).await;
        let wz = file_cases(&s, "wz_clerk", 300, 4).await;
        let later = today().checked_add_months(Months::new(7)).unwrap();
        let tick = s.app.supervise_tick(later).await.unwrap().unwrap();
        assert_eq!(tick.report.locked, 10, "{label}");
        let mz_court = s.user("mz_clerk").await.court_id;
        let wz_court = s.user("wz_clerk").await.court_id;

        // Roles without access: 403 on the pages, the export and the API.
        let clerk = signed_in(&s, "mz_clerk").await;
        for path in [
            "/supervision",
            "/supervision/nodes?status=locked",
            "/supervision/bulletin",
            "/supervision/bulletin.xlsx",
            "/api/v1/supervision/summary",
            "/api/v1/supervision/nodes",
            "/api/v1/supervision/bulletin",
        ] {
            let r = clerk.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}: {path}");
        }
        let page = get_text(&clerk, format!("{base}/cases")).await;
        assert!(!page.contains("href=\"/supervision\""), "{label}");
        assert!(
            page.contains("/inbox/badge"),
            "{label}: everyone has an inbox"
        );

        // The court's bureau chief: counts by court, team and officer, their own court only.
        let chief = signed_in(&s, "mz_chief").await;
        let (st, page) = get_page(&chief, format!("{base}/supervision")).await;
        assert_eq!(st, StatusCode::OK, "{label}");
        assert!(page.contains("href=\"/supervision\""), "{label}: nav link");
        assert!(page.contains("孟州市人民法院"), "{label}");
        assert!(!page.contains("武陟县人民法院"), "{label}");
        // Askama escapes `&` in attributes.
        let page = page.replace("&#38;", "&");
        let locked_href = format!("/supervision/nodes?status=locked&court={mz_court}");
        assert!(page.contains(&locked_href), "{label}: {page}");
        for g in ["team", "officer"] {
            let (st, page) = get_page(&chief, format!("{base}/supervision?group={g}")).await;
            assert_eq!(st, StatusCode::OK, "{label}: {g}");
            let page = page.replace("&#38;", "&");
            assert!(page.contains(&format!("&{g}=")), "{label}: {g} links");
        }
        let (st, list) = get_page(
            &chief,
            format!("{base}/supervision/nodes?status=locked&court={mz_court}"),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{label}");
        for (id, number) in &mz {
            assert!(list.contains(&format!("/cases/{id}\"")), "{label}");
            assert!(list.contains(number.as_str()), "{label}");
        }
        for (_, number) in &wz {
            assert!(
                !list.contains(number.as_str()),
                "{label}: another court's case"
            );
        }
        assert!(list.contains("执行期限（结案）"), "{label}");
        let r = chief
            .get(format!(
                "{base}/supervision/nodes?status=overdue&court={wz_court}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
        let r = chief
            .get(format!("{base}/supervision?group=month"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        // The city's supervisor sees both courts; the API agrees with the page.
        let city = client();
        let r = api_login(&city, base, "jz_supervisor", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK);
        for g in ["court", "team", "officer"] {
            let v = get_json(
                &city,
                format!("{base}/api/v1/supervision/summary?group={g}"),
            )
            .await;
            assert_eq!(v["group"], g, "{label}");
            assert_eq!(v["locked"], 10, "{label}: {g} {v}");
            assert_eq!(v["overdue"], 20, "{label}: {g} {v}");
            let rows = v["rows"].as_array().unwrap();
            let sum: i64 = rows.iter().map(|r| r["locked"].as_i64().unwrap()).sum();
            assert_eq!(sum, 10, "{label}");
        }
        let v = get_json(
            &city,
            format!("{base}/api/v1/supervision/nodes?status=locked&court={wz_court}"),
        )
        .await;
        assert_eq!(v["total"], 4, "{label}: {v}");
        assert!(
            v["items"][0]["days_overdue"].is_null(),
            "{label}: due in the future"
        );
        assert_eq!(v["items"][0]["node_key"], "conclude_case", "{label}");
        let v = get_json(
            &city,
            format!("{base}/api/v1/supervision/nodes?status=sideways"),
        )
        .await;
        assert_eq!(v["code"], "supervision.status", "{label}");

        // The bulletin of today: both courts for the city, one for the chief.
        let t = today();
        let v = get_json(
            &city,
            format!("{base}/api/v1/supervision/bulletin?from={t}&to={t}"),
        )
        .await;
        assert_eq!(v["total"], 30, "{label}: 20 overdue + 10 locked: {v}");
        assert_eq!(v["locked"], 10, "{label}");
        assert_eq!(v["entries"][0]["date"], t.to_string(), "{label}");
        let past = t - chrono::Duration::days(60);
        let v = get_json(
            &city,
            format!(
                "{base}/api/v1/supervision/bulletin?from={past}&to={}",
                past + chrono::Duration::days(30)
            ),
        )
        .await;
        assert_eq!(v["total"], 0, "{label}: outside the period");
        let r = city
            .get(format!(
                "{base}/api/v1/supervision/bulletin?from={t}&to={past}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], "bulletin.period_reversed", "{label}");

        let (st, page) = get_page(
            &chief,
            format!("{base}/supervision/bulletin?from={t}&to={t}"),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{label}");
        assert!(page.contains(mz[0].1.as_str()), "{label}");
        assert!(!page.contains(wz[0].1.as_str()), "{label}");
        assert!(page.contains("bulletin.xlsx?from="), "{label}");
        let (st, page) = get_page(
            &chief,
            format!("{base}/supervision/bulletin?from={t}&to={past}"),
        )
        .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(page.contains("早于"), "{label}: a clear error");

        // The export: an xlsx (a zip) with the sheet, the title and the entries.
        let r = chief
            .get(format!("{base}/supervision/bulletin.xlsx?from={t}&to={t}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "{label}");
        let workbook = xlsx_part(&bytes, "xl/workbook.xml");
        assert!(workbook.contains("流程节点通报"), "{label}: sheet name");
        let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
        assert!(
            strings.contains(&format!("孟州市人民法院 流程节点通报（{t} 至 {t}）")),
            "{label}: title row"
        );
        for h in [
            "序号",
            "案号",
            "承办人",
            "流程节点",
            "应完成日",
            "通报日期",
            "锁定",
            "超期",
        ] {
            assert!(strings.contains(h), "{label}: {h}");
        }
        for (_, number) in &mz {
            assert!(strings.contains(number.as_str()), "{label}: {number}");
        }
        assert!(!strings.contains(wz[0].1.as_str()), "{label}");
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains("<cols>") && sheet.contains("customWidth"),
            "{label}: widths"
        );
        let r = chief
            .get(format!(
                "{base}/supervision/bulletin.xlsx?from={t}&to={past}"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");

        // The OpenAPI document lists the routes.
        let doc = get_json(&city, format!("{base}/api/v1/openapi.json")).await;
        for p in [
            "/api/v1/supervision/summary",
            "/api/v1/supervision/nodes",
            "/api/v1/supervision/bulletin",
            "/api/v1/inbox",
            "/api/v1/inbox/read",
        ] {
            assert!(doc["paths"][p].is_object(), "{label}: {p}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_inbox_badge_and_mark_read() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let cases = file_cases(&s, "mz_clerk", 300, 3).await;
        let later = today().checked_add_months(Months::new(7)).unwrap();
        s.app.supervise_tick(later).await.unwrap().unwrap();
        // The bureau chief hears of each lock.
        let chief = signed_in(&s, "mz_chief").await;
        let badge = get_text(&chief, format!("{base}/inbox/badge")).await;
        assert!(badge.contains(">3</span>"), "{label}: {badge}");
        let (st, page) = get_page(&chief, format!("{base}/inbox")).await;
        assert_eq!(st, StatusCode::OK, "{label}");
        for (id, number) in &cases {
            assert!(page.contains(number.as_str()), "{label}");
            assert!(page.contains(&format!("/cases/{id}\"")), "{label}");
        }
        assert!(page.contains("案件已锁定"), "{label}");
        let csrf = hidden(&page, "csrf");
        let id = hidden(&page, "id");
        // A forged token changes nothing.
        let (status, _, _) = post_form(
            &chief,
            format!("{base}/inbox/read"),
            &[("csrf", "forged"), ("id", id.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        let (status, _, _) = post_form(
            &chief,
            format!("{base}/inbox/read"),
            &[("csrf", csrf.as_str()), ("id", id.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        let badge = get_text(&chief, format!("{base}/inbox/badge")).await;
        assert!(badge.contains(">2</span>"), "{label}: {badge}");
        let (status, _, _) = post_form(
            &chief,
            format!("{base}/inbox/read"),
            &[("csrf", csrf.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert_eq!(
            get_text(&chief, format!("{base}/inbox/badge")).await,
            "",
            "{label}"
        );
        let page = get_text(&chief, format!("{base}/inbox")).await;
        assert!(page.contains("没有未读提醒"), "{label}");

        // The officer, through the API: unread first, mark read with the CSRF header only.
        let officer = officer_of(&s, cases[0].0).await;
        let c = client();
        let r = api_login(&c, base, &officer, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let v = get_json(&c, format!("{base}/api/v1/inbox")).await;
        let unread = v["unread_count"].as_i64().unwrap();
        assert!(unread >= 2, "{label}: overdue and locked: {v}");
        let kinds: Vec<&str> = v["unread"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"case_locked") && kinds.contains(&"node_overdue"),
            "{label}"
        );
        let first = v["unread"][0]["id"].as_i64().unwrap();
        let r = post_json(
            &c,
            format!("{base}/api/v1/inbox/read"),
            None,
            &json!({"ids": [first]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}: no CSRF header");
        let token = api_csrf(&c, base).await;
        let r = post_json(
            &c,
            format!("{base}/api/v1/inbox/read"),
            Some(&token),
            &json!({"ids": [first]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["marked"], 1, "{label}");
        assert_eq!(v["unread_count"], unread - 1, "{label}");
        let v = get_json(&c, format!("{base}/api/v1/inbox")).await;
        assert_eq!(v["read"][0]["id"], first, "{label}");
        assert_eq!(v["read"][0]["read"], true, "{label}");
        // Another user's notification is not theirs to mark.
        let chief_note = s
            .app
            .store
            .notifications(s.user("mz_chief").await.id, false, 1, 0)
            .await
            .unwrap()[0]
            .id;
        let r = post_json(
            &c,
            format!("{base}/api/v1/inbox/read"),
            Some(&token),
            &json!({"ids": [chief_note]}),
        )
        .await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["marked"], 0, "{label}");
        let r = post_json(
            &c,
            format!("{base}/api/v1/inbox/read"),
            Some(&token),
            &json!({}),
        )
        .await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["unread_count"], 0, "{label}");
    })
    .await;
}
