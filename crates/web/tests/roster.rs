//! The duty roster over real HTTP, on SQLite and PostgreSQL: a manager generates, edits and
//! saves; the public lobby shows it; clerks are refused; the API needs its CSRF header.

mod common;

use chrono::Datelike;
use common::{api_csrf, client, each_engine, get_json, get_text, hidden, sign_in, Server};
use reqwest::header::LOCATION;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_app::roster::shanghai_today;
use zhixing_domain::roster::monday_of;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 3 };

/// The editor's selects: (field name, selected user id or "").
fn editor_choices(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in html.split("<select id=\"e:").skip(1) {
        let name = part.split('"').next().unwrap();
        let body = part.split("</select>").next().unwrap();
        let chosen = body
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.split('>').next().unwrap().contains(" selected"))
            .map(|o| o.split('"').next().unwrap().to_string())
            .unwrap_or_default();
        out.push((format!("e:{name}"), chosen));
    }
    out
}

#[tokio::test]
async fn manager_generates_edits_saves_and_the_lobby_shows_it() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_chief").await;
        let page = c.get(format!("{}/roster", s.base)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{label}");
        let page = page.text().await.unwrap();
        assert!(page.contains("生成本周值班表"), "{label}");
        assert!(page.contains("href=\"/roster\""), "nav link");
        let csrf = hidden(&page, "csrf");
        let week = hidden(&page, "week");
        let slots = page
            .split(
                "name=\"slots\" type=\"number\" min=\"1\" max=\"6\" inputmode=\"numeric\" value=\"",
            )
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();

        // Record leave through the page.
        let r = c
            .post(format!("{}/roster/leave", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("week", &week),
                ("user_id", &hidden_user(&s, "mz_clerk").await),
                ("date", &week),
                ("reason", "外出培训"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");

        // Generate: a proposal in the editor, nothing saved.
        let r = c
            .post(format!("{}/roster/generate", s.base))
            .form(&[("csrf", csrf.as_str()), ("week", &week), ("slots", &slots)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let proposal = r.text().await.unwrap();
        assert!(proposal.contains("值班表建议"), "{label}");
        assert!(proposal.contains("外出培训"));
        let choices = editor_choices(&proposal);
        assert_eq!(choices.len(), 5 * slots.parse::<usize>().unwrap());
        assert!(choices.iter().all(|(_, v)| !v.is_empty()));

        // A slot emptied: re-shown with the problem, as posted.
        let mut bad: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("week".into(), week.clone()),
            ("slots".into(), slots.clone()),
            ("version".into(), "0".into()),
            ("duty_phone".into(), "0391-8123456".into()),
        ];
        let mut emptied = choices.clone();
        emptied[0].1 = String::new();
        bad.extend(emptied);
        let r = c
            .post(format!("{}/roster/save", s.base))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let body = r.text().await.unwrap();
        assert!(body.contains("无人值班"), "{label}");
        assert!(body.contains("roster-problems"));
        assert!(
            body.contains("0391-8123456"),
            "the phone comes back as typed"
        );

        // Saved as proposed.
        let mut good: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("week".into(), week.clone()),
            ("slots".into(), slots.clone()),
            ("version".into(), "0".into()),
            ("duty_phone".into(), "0391-8123456".into()),
        ];
        good.extend(choices.clone());
        let r = c
            .post(format!("{}/roster/save", s.base))
            .form(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}");
        let to = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(to.ends_with("&saved=1"), "{to}");
        let page = get_text(&c, format!("{}{to}", s.base)).await;
        assert!(page.contains("值班表已保存"), "{label}");
        // The same post again is stale.
        let r = c
            .post(format!("{}/roster/save", s.base))
            .form(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");

        // The lobby, without signing in.
        let week_date = chrono::NaiveDate::parse_from_str(&week, "%Y-%m-%d").unwrap();
        assert_eq!(week_date, monday_of(shanghai_today()));
        let saved = s
            .app
            .roster_week(court_of(&s, "mz_chief").await, week_date)
            .await
            .unwrap();
        let r = client()
            .get(format!("{}/lobby/豫0883", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let lobby = r.text().await.unwrap();
        assert!(lobby.contains("孟州市人民法院"), "{label}");
        assert!(lobby.contains("0391-8123456"));
        assert!(lobby.contains("http-equiv=\"refresh\" content=\"600\""));
        for e in &saved.roster.entries {
            assert!(lobby.contains(&e.name), "{} missing", e.name);
        }
        if shanghai_today().weekday().num_days_from_monday() < 5 {
            assert!(lobby.contains("is-today"));
        }
        assert!(!lobby.contains("外出培训"), "no leave reasons in public");
        assert!(!lobby.contains("logout"), "no staff chrome");
    })
    .await;
}

async fn court_of(s: &Server, username: &str) -> i64 {
    s.user(username).await.court_id
}

async fn hidden_user(s: &Server, username: &str) -> String {
    s.user(username).await.id.to_string()
}

#[tokio::test]
async fn clerks_are_refused_and_the_lobby_needs_no_login() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_clerk").await;
        let r = c.get(format!("{}/roster", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let cases = get_text(&c, format!("{}/cases", s.base)).await;
        assert!(
            !cases.contains("href=\"/roster\""),
            "no nav link for clerks"
        );

        // Not signed in: the manager page asks for a login, the lobby does not.
        let anon = client();
        let r = anon.get(format!("{}/roster", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = anon
            .get(format!("{}/lobby/豫0883", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        assert!(r.text().await.unwrap().contains("本周值班表尚未公布"));
        let r = anon
            .get(format!("{}/lobby/豫9999", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}");
    })
    .await;
}

#[tokio::test]
async fn roster_api_with_and_without_the_csrf_header() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_chief").await;
        let court = court_of(&s, "mz_chief").await;
        let token = api_csrf(&c, &s.base).await;
        let week = (monday_of(shanghai_today()) + chrono::Days::new(7))
            .format("%Y-%m-%d")
            .to_string();
        let api = format!("{}/api/v1/courts/{court}", s.base);

        let r = c
            .get(format!("{api}/roster?week={week}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let w: Value = r.json().await.unwrap();
        assert_eq!(w["version"], 0);
        assert_eq!(w["week_start"], week.as_str());

        // Generation without the header is refused.
        let officers = s.app.store.roster_officers(court).await.unwrap().len();
        let spd = zhixing_app::roster::suggested_slots(officers, 5);
        let body = json!({"week_start": week, "slots_per_day": spd});
        let r = c
            .post(format!("{api}/roster/generate"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "csrf");
        let r = c
            .post(format!("{api}/roster/generate"))
            .header("X-CSRF-Token", &token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}: {officers} officers");
        let proposal: Value = r.json().await.unwrap();
        let entries = proposal["entries"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 5 * spd as usize);

        // Saving: without the header, with problems, then good, then stale.
        let save = json!({"week_start": week, "slots_per_day": spd, "duty_phone": "0391-8123456",
                          "expected_version": 0, "entries": entries});
        let r = c
            .put(format!("{api}/roster"))
            .json(&save)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let mut broken = save.clone();
        let keep = entries.len() - 2;
        broken["entries"].as_array_mut().unwrap().truncate(keep);
        let r = c
            .put(format!("{api}/roster"))
            .header("X-CSRF-Token", &token)
            .json(&broken)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let p: Value = r.json().await.unwrap();
        let errors = p["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .filter(|e| e["code"] == "roster.slot_empty")
                .count()
                == 2,
            "{p}"
        );
        let r = c
            .put(format!("{api}/roster"))
            .header("X-CSRF-Token", &token)
            .json(&save)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["entries"].as_array().unwrap().len(), entries.len());
        let r = c
            .put(format!("{api}/roster"))
            .header("X-CSRF-Token", &token)
            .json(&save)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");

        // Leave.
        let clerk = hidden_user(&s, "mz_clerk").await;
        let leave =
            json!({"user_id": clerk.parse::<i64>().unwrap(), "date": week, "reason": "病假"});
        let r = c
            .post(format!("{api}/leave"))
            .json(&leave)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = c
            .post(format!("{api}/leave"))
            .header("X-CSRF-Token", &token)
            .json(&leave)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let list: Value = get_json(&c, format!("{api}/leave?from={week}")).await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["reason"], "病假");
        let r = c
            .delete(format!("{api}/leave/{clerk}/{week}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = c
            .delete(format!("{api}/leave/{clerk}/{week}"))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{label}");

        // A clerk may not read the managers' view.
        let cc = client();
        sign_in(&cc, &s.base, "mz_clerk").await;
        let r = cc
            .get(format!("{api}/roster?week={week}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        // The OpenAPI document lists the roster.
        let doc: Value = get_json(&c, format!("{}/api/v1/openapi.json", s.base)).await;
        assert!(doc["paths"]["/api/v1/courts/{court_id}/roster"]["put"].is_object());
        assert!(
            doc["paths"]["/api/v1/courts/{court_id}/leave/{user_id}/{date}"]["delete"].is_object()
        );
        assert!(s.app.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}
