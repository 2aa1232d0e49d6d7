//! The command centre, quality metrics and campaigns over real HTTP on both engines: the pages
//! for a basic court's bureau chief and the city's supervisor, the API's figures equal to the
//! app's, the city's ranking, the cases behind a figure, the Excel and Word downloads, the wall
//! screen, refusals of bad input (400 / 403) that change nothing, campaigns set up, tagged and
//! untagged by form and by API, and ECharts served from the binary.

mod common;

use std::io::Read;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_app::metrics::MetricsQuery;
use zhixing_domain::metrics::StatPeriod;

const DEMO: DemoOptions = DemoOptions {
    cases: 240,
    seed: 11,
};

fn court_id(s: &Server, code: &str) -> i64 {
    s.app.court_tree().by_code(code).unwrap().id
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A download: status 200, its content type and disposition, and the bytes.
async fn download(c: &reqwest::Client, url: String) -> (String, String, Vec<u8>) {
    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    let ct = content_type(&r);
    let cd = r
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (ct, cd, r.bytes().await.unwrap().to_vec())
}

fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[tokio::test]
async fn pages_api_exports_and_refusals() {
    each_engine(DEMO, |s, engine| async move {
        let mz = court_id(&s, "豫0883");
        let wz = court_id(&s, "豫0823");
        let city = court_id(&s, "豫08");
        let chief = signed_in(&s, "mz_chief").await;

        // The figures page: every figure with its definition, the trend chart and its table.
        let (status, html) = get_page(&chief, format!("{}/metrics", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}: {html}");
        for text in [
            "质效指标",
            "孟州市人民法院",
            "结案率",
            "法定期限内结案率",
            "口径：",
            "期内结案数 ÷（旧存未结数 + 期内收案数）",
            "data-chart=\"trend-data\"",
            "<script type=\"application/json\" id=\"trend-data\">",
            "/static/echarts.min.js",
            "/metrics.xlsx?court=",
            "/metrics/report.docx?court=",
            "团队考核（繁简分类）",
            "/metrics/cases?court=",
        ] {
            assert!(html.contains(text), "{engine}: no {text} in {html}");
        }
        // A basic court has nothing below it to rank: no link to a ranking.
        assert!(!html.contains("/metrics/ranking?"), "{engine}");
        for period in ["2025Q1", "2024", "custom&from=2025-01-01&to=2025-03-31"] {
            let (status, _) = get_page(&chief, format!("{}/metrics?period={period}", s.base)).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {period}");
        }

        // The API's figures are the app's for the same query.
        let user = s.user("mz_chief").await;
        let actor = s.app.actor_for_user(user.id).await.unwrap();
        let q = MetricsQuery {
            court_id: mz,
            team_id: None,
            officer_id: None,
            campaign_id: None,
            period: StatPeriod::year_to_date(today()),
        };
        let view = s.app.metrics_view(&actor, &q).await.unwrap();
        let (api, token) = signed_in_with_token(&s, "mz_chief").await;
        let doc = get_json(&api, format!("{}/api/v1/metrics?period=ytd", s.base)).await;
        assert_eq!(doc["court_id"], mz, "{doc}");
        assert_eq!(doc["period"]["spec"], "ytd");
        let figures = doc["figures"].as_array().unwrap();
        assert_eq!(figures.len(), view.figures.len());
        for (a, f) in figures.iter().zip(&view.figures) {
            assert_eq!(a["key"], f.key, "{engine}");
            assert_eq!(a["num"], f.num, "{engine}: {}", f.key);
            assert_eq!(a["den"], f.den, "{engine}: {}", f.key);
            assert_eq!(
                a["display_zh"],
                f.display_zh.as_str(),
                "{engine}: {}",
                f.key
            );
            assert_eq!(a["definition_zh"], f.definition_zh.as_str());
        }
        assert_eq!(doc["trend"].as_array().unwrap().len(), view.trend.len());
        assert_eq!(doc["teams"].as_array().unwrap().len(), view.teams.len());
        assert!(!view.teams.is_empty(), "{engine}: 孟州 has teams");
        // The page shows the same closure rate.
        let closure = view.figure("closure_rate").unwrap();
        assert!(html.contains(&closure.display_zh), "{engine}");

        // The cases behind a figure: as many as the figure counts.
        let received = view.figure("received").unwrap().num;
        let list = get_json(
            &api,
            format!("{}/api/v1/metrics/cases?period=ytd&set=received", s.base),
        )
        .await;
        assert_eq!(list["total"], received, "{engine}: {list}");
        let (status, html) = get_page(
            &chief,
            format!("{}/metrics/cases?court={mz}&period=ytd&set=closed", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("结案数：期内结案"), "{engine}: {html}");
        let closed = view.figure("closed").unwrap().num;
        assert!(
            html.contains(&format!("共 {closed} 件")),
            "{engine}: {html}"
        );
        if closed > 0 {
            assert!(html.contains("href=\"/cases/"), "{engine}");
        }

        // Downloads: Excel with the period and the definitions on the sheet, the monthly report.
        let (ct, cd, bytes) = download(
            &chief,
            format!("{}/metrics.xlsx?court={mz}&period=ytd", s.base),
        )
        .await;
        assert_eq!(
            ct,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(cd.starts_with("attachment; filename=\"metrics-"), "{cd}");
        assert!(bytes.starts_with(b"PK"), "{engine}");
        let strings = zip_text(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains("统计期间"), "{engine}");
        assert!(strings.contains("期内结案数 ÷（旧存未结数 + 期内收案数）"));
        assert!(strings.contains("月度趋势") && strings.contains("团队考核"));
        let month = today().format("%Y-%m").to_string();
        let (ct, cd, bytes) = download(
            &chief,
            format!("{}/metrics/report.docx?court={mz}&month={month}", s.base),
        )
        .await;
        assert_eq!(
            ct,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert!(cd.contains(".docx"), "{cd}");
        assert!(bytes.starts_with(b"PK"));
        let xml = zip_text(&bytes, "word/document.xml");
        assert!(xml.contains("执行工作质效月报"), "{engine}");
        assert!(xml.contains("孟州市人民法院") && xml.contains("指标口径"));
        assert!(
            xml.contains("结案率在焦作市中级人民法院辖区"),
            "{engine}: the place"
        );

        // The command centre and its wall.
        let (status, html) = get_page(&chief, format!("{}/command-centre", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        for text in [
            "指挥中心",
            "今日收案",
            "当日查控率",
            "节点超期",
            "锁定案件",
            "团队在办案件",
            "href=\"/supervision\"",
            "loads-data",
        ] {
            assert!(html.contains(text), "{engine}: no {text}");
        }
        let (status, wall) = get_page(&chief, format!("{}/command-centre?wall=1", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(
            wall.contains("http-equiv=\"refresh\" content=\"60\""),
            "{wall}"
        );
        assert!(wall.contains("class=\"wall\"") && wall.contains("data-dark"));
        assert!(!wall.contains("main-nav"), "the wall has no navigation");
        let board = get_json(&api, format!("{}/api/v1/command-centre", s.base)).await;
        assert_eq!(board["court_id"], mz, "{board}");
        assert!(board["team_loads"].as_array().unwrap().len() >= 2);
        assert_eq!(board["place"]["of"], 10, "{board}");

        // Refusals: a reversed period, another court, a basic court's ranking. Nothing changes.
        let events_before = s.app.store.count_events().await.unwrap();
        let (status, html) = get_page(
            &chief,
            format!("{}/metrics?from=2025-06-30&to=2025-01-01", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        assert!(html.contains("早于开始日"), "{html}");
        let r = api
            .get(format!(
                "{}/api/v1/metrics?period=2025-06-30..2025-01-01",
                s.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(is_problem(&r));
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "metrics.period_reversed", "{p}");
        assert_eq!(p["status"], 400);
        assert!(p["message_zh"].as_str().unwrap().contains("早于开始日"));
        assert!(p["message_en"]
            .as_str()
            .unwrap()
            .contains("before it starts"));
        let (status, html) = get_page(&chief, format!("{}/metrics?court={wz}", s.base)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine}");
        assert!(html.contains("无权查看"), "{html}");
        let r = api
            .get(format!("{}/api/v1/metrics?court_id={wz}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = api
            .get(format!("{}/api/v1/command-centre?court_id={city}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (status, html) = get_page(&chief, format!("{}/metrics/ranking", s.base)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}");
        assert!(html.contains("没有下级法院"), "{html}");
        let (status, _) = get_page(
            &chief,
            format!("{}/metrics?period=custom&from=2025-01-01", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(s.app.store.count_events().await.unwrap(), events_before);

        // The city: its own view includes the courts below, and it ranks them.
        let city_user = signed_in(&s, "jz_supervisor").await;
        let (status, html) = get_page(&city_user, format!("{}/metrics", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("焦作市中级人民法院（含辖区）"), "{engine}");
        assert!(html.contains("/metrics/ranking?court="), "{engine}");
        // The unit picker offers the courts below, and a court's teams once it is chosen.
        assert!(html.contains(&format!("value=\"court:{mz}\"")), "{engine}");
        let (status, html) =
            get_page(&city_user, format!("{}/metrics?unit=court:{mz}", s.base)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&format!("value=\"team:{mz}:")),
            "{engine}: {html}"
        );
        let (status, html) = get_page(&city_user, format!("{}/metrics/ranking", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        for text in [
            "孟州市人民法院",
            "武陟县人民法院",
            "名次变化",
            "ranking-data",
            "口径：",
        ] {
            assert!(html.contains(text), "{engine}: no {text}");
        }
        let (city_api, _) = signed_in_with_token(&s, "jz_supervisor").await;
        let ranking = get_json(
            &city_api,
            format!("{}/api/v1/metrics/ranking?metric=actual_rate", s.base),
        )
        .await;
        let rows = ranking["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 10, "{engine}: {ranking}");
        let ranks: Vec<u64> = rows.iter().filter_map(|r| r["rank"].as_u64()).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert_eq!(ranking["metric"], "actual_rate");
        let (ct, _, bytes) = download(
            &city_user,
            format!("{}/metrics/ranking.xlsx?metric=closure_rate", s.base),
        )
        .await;
        assert!(ct.contains("spreadsheetml"), "{ct}");
        assert!(bytes.starts_with(b"PK"));
        assert!(zip_text(&bytes, "xl/sharedStrings.xml").contains("孟州市人民法院"));
        let r = city_api
            .get(format!("{}/api/v1/metrics/ranking?metric=speed", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "metrics.unknown_metric", "{p}");
        assert!(p["message_zh"].as_str().unwrap().contains("未知的指标"));
        let (status, _) = get_page(
            &city_user,
            format!("{}/metrics/ranking?metric=speed", s.base),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = get_page(&city_user, format!("{}/command-centre?wall=1", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");

        // A team's own figures; and the pages in English.
        let team = view.teams[0].team_id;
        let (status, html) =
            get_page(&chief, format!("{}/metrics?unit=team:{mz}:{team}", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains(&view.teams[0].team_name), "{engine}");
        let doc = get_json(&api, format!("{}/api/v1/metrics?team_id={team}", s.base)).await;
        assert_eq!(doc["team_id"], team, "{doc}");
        assert!(doc["teams"].as_array().unwrap().is_empty());
        let (status, _) =
            get_page(&city_user, format!("{}/lang?to=en&back=/metrics", s.base)).await;
        assert!(status.is_redirection());
        for (url, text) in [
            ("/metrics", "Quality metrics"),
            ("/metrics/ranking", "Places moved"),
            ("/command-centre", "Filed today"),
        ] {
            let (status, html) = get_page(&city_user, format!("{}{url}", s.base)).await;
            assert_eq!(status, StatusCode::OK, "{engine}: {url}");
            assert!(
                html.contains(text) && html.contains("Definition"),
                "{url}: {html}"
            );
        }

        // ECharts and the chart script are served from the binary, as JavaScript.
        for file in ["echarts.min.js", "metrics.js"] {
            let r = chief
                .get(format!("{}/static/{file}", s.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{file}");
            assert!(content_type(&r).contains("javascript"), "{file}");
            let body = r.text().await.unwrap();
            assert!(body.len() > 1000, "{file}");
        }
        let openapi = get_json(&chief, format!("{}/api/v1/openapi.json", s.base)).await;
        for path in [
            "/api/v1/metrics",
            "/api/v1/metrics/ranking",
            "/api/v1/metrics/cases",
            "/api/v1/command-centre",
            "/api/v1/campaigns",
            "/api/v1/campaigns/{id}",
            "/api/v1/campaigns/{id}/cases",
            "/api/v1/campaigns/{id}/cases/{case_id}",
        ] {
            assert!(openapi["paths"][path].is_object(), "{path} not documented");
        }
        let _ = token;
    })
    .await;
}

#[tokio::test]
async fn campaigns_by_form_and_api() {
    each_engine(DemoOptions { cases: 0, seed: 5 }, |s, engine| async move {
        let cases = file_cases(&s, "mz_clerk", 700, 3).await;
        let chief = signed_in(&s, "mz_chief").await;
        let (status, html) = get_page(&chief, format!("{}/campaigns", s.base)).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(html.contains("设立专项行动"), "{html}");
        let csrf = hidden(&html, "csrf");
        let start = today().to_string();
        let end = (today() + chrono::Days::new(60)).to_string();
        let (status, location, _) = post_form(
            &chief,
            format!("{}/campaigns", s.base),
            &[
                ("csrf", &csrf),
                ("name", "春季攻坚"),
                ("starts_on", &start),
                ("ends_on", &end),
                ("goal", "清理长期未结案件"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        let id: i64 = location.trim_start_matches("/campaigns/").parse().unwrap();

        // The same name again: the list page again, with the message and what was typed.
        let (status, _, body) = post_form(
            &chief,
            format!("{}/campaigns", s.base),
            &[
                ("csrf", &csrf),
                ("name", "春季攻坚"),
                ("starts_on", &start),
                ("ends_on", &end),
                ("goal", "第二次"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("已有名为“春季攻坚”"), "{body}");
        assert!(body.contains("第二次"), "the goal typed is kept");
        // Dates the wrong way round.
        let (status, _, body) = post_form(
            &chief,
            format!("{}/campaigns", s.base),
            &[
                ("csrf", &csrf),
                ("name", "夏季攻坚"),
                ("starts_on", &end),
                ("ends_on", &start),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("早于开始日"), "{body}");
        // An old form: refused.
        let (status, _, _) = post_form(
            &chief,
            format!("{}/campaigns", s.base),
            &[("csrf", "stale"), ("name", "秋季攻坚"), ("starts_on", &start), ("ends_on", &end)],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(s.app.campaigns(&actor_of(&s, "mz_chief").await).await.unwrap().len(), 1);

        // Tagging two cases by number, one a line.
        let page_url = format!("{}/campaigns/{id}", s.base);
        let (status, html) = get_page(&chief, &page_url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("纳入案件") && html.contains("行动期间指标"), "{html}");
        let numbers = format!("{}\n{}\n", cases[0].1, cases[1].1);
        let (status, location, _) = post_form(
            &chief,
            format!("{}/campaigns/{id}/tag", s.base),
            &[("csrf", &csrf), ("case_numbers", &numbers)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}");
        assert_eq!(location, format!("/campaigns/{id}?tagged=2"));
        let html = get_text(&chief, format!("{}{location}", s.base)).await;
        assert!(html.contains("已纳入 2 件案件"), "{html}");
        assert!(html.contains(&cases[0].1) && html.contains(&cases[1].1));
        // The campaign's figures count its cases.
        assert!(html.contains("/metrics/cases?court="), "{html}");

        // A number that is not a case of the court: nothing tagged, the page says why.
        let bad = format!("{}\n（2025）豫0823执99999号", cases[2].1);
        let (status, _, body) = post_form(
            &chief,
            format!("{}/campaigns/{id}/tag", s.base),
            &[("csrf", &csrf), ("case_numbers", &bad)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(body.contains("豫0823执99999号") && body.contains("未纳入任何案件"), "{body}");
        assert!(body.contains(&cases[2].1), "what was typed is kept");
        let detail = get_json(&chief, format!("{}/api/v1/campaigns/{id}", s.base)).await;
        assert_eq!(detail["cases"]["total"], 2, "{detail}");

        // Taking one out.
        let (status, location, _) = post_form(
            &chief,
            format!("{}/campaigns/{id}/untag", s.base),
            &[("csrf", &csrf), ("case_id", &cases[0].0.to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location, format!("/campaigns/{id}?untagged=1"));
        let detail = get_json(&chief, format!("{}/api/v1/campaigns/{id}", s.base)).await;
        assert_eq!(detail["cases"]["total"], 1, "{detail}");
        assert_eq!(detail["metrics"]["campaign_id"], id);
        assert_eq!(detail["campaign"]["name"], "春季攻坚");

        // A clerk sees the campaign but not the forms, and may not change it.
        let clerk = signed_in(&s, "mz_clerk").await;
        let html = get_text(&clerk, &page_url).await;
        assert!(html.contains("春季攻坚") && !html.contains("/tag\""), "{html}");
        let html = get_text(&clerk, format!("{}/campaigns", s.base)).await;
        assert!(!html.contains("设立专项行动"), "{html}");

        // The API: set up, tag, read, untag, list.
        let (api, token) = signed_in_with_token(&s, "mz_chief").await;
        let r = post_json(
            &api,
            format!("{}/api/v1/campaigns", s.base),
            Some(&token),
            &json!({"name": "执行款清理", "starts_on": start, "ends_on": end, "goal": "案款及时发放"}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{engine}");
        let api_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = post_json(
            &api,
            format!("{}/api/v1/campaigns/{api_id}/cases", s.base),
            Some(&token),
            &json!({"case_numbers": [cases[2].1, cases[1].1]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{engine}");
        assert_eq!(r.json::<Value>().await.unwrap()["tagged"], 2);
        let r = post_json(
            &api,
            format!("{}/api/v1/campaigns/{api_id}/cases", s.base),
            Some(&token),
            &json!({"case_numbers": ["（2025）豫0823执99999号"]}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let detail = get_json(&api, format!("{}/api/v1/campaigns/{api_id}", s.base)).await;
        assert_eq!(detail["cases"]["total"], 2, "{detail}");
        assert_eq!(detail["metrics"]["figures"].as_array().unwrap().len(), 12);
        let r = api
            .delete(format!(
                "{}/api/v1/campaigns/{api_id}/cases/{}",
                s.base, cases[2].0
            ))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{engine}");
        let r = api
            .delete(format!(
                "{}/api/v1/campaigns/{api_id}/cases/{}",
                s.base, cases[2].0
            ))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "not in it any more");
        let list = get_json(&api, format!("{}/api/v1/campaigns", s.base)).await;
        assert_eq!(list["campaigns"].as_array().unwrap().len(), 2, "{list}");
        // Without the CSRF header, or as a clerk: refused.
        let r = post_json(
            &api,
            format!("{}/api/v1/campaigns", s.base),
            None,
            &json!({"name": "无令牌", "starts_on": start, "ends_on": end}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let (clerk_api, clerk_token) = signed_in_with_token(&s, "mz_clerk").await;
        let r = post_json(
            &clerk_api,
            format!("{}/api/v1/campaigns", s.base),
            Some(&clerk_token),
            &json!({"name": "书记员行动", "starts_on": start, "ends_on": end}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{engine}");
        // Another court's user does not see the campaign.
        let other = signed_in(&s, "wz_chief").await;
        let (status, _) = get_page(&other, &page_url).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

async fn actor_of(s: &Server, username: &str) -> zhixing_app::Actor {
    let user = s.user(username).await;
    s.app.actor_for_user(user.id).await.unwrap()
}
