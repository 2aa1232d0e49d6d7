//! The clerk's direct-filing page (`/cases/new`) over real HTTP, on SQLite and PostgreSQL:
//! every field error at once, the duplicate check before filing, filing onto the case page, the
//! rows added without JavaScript, and who may use it.

mod common;

use common::{client, each_engine, get_page, get_text, hidden, sign_in};
use reqwest::header::LOCATION;
use reqwest::{Client, StatusCode};
use zhixing_app::demo::DemoOptions;
use zhixing_domain::ids::resident_check_char;

const DEMO: DemoOptions = DemoOptions { cases: 0, seed: 3 };
const BASIS: &str = "（2025）豫0883民初901号";

fn resident(first17: &str) -> String {
    format!("{first17}{}", resident_check_char(first17))
}

/// A complete direct filing as the form posts it, with the button `op`.
fn filing(csrf: &str, debtor_17: &str, op: &str) -> Vec<(String, String)> {
    [
        ("csrf", csrf.to_string()),
        ("case_type", "first".into()),
        ("applicant.kind", "person".into()),
        ("applicant.name", "王移送".into()),
        ("applicant.id_number", resident("41088319700101001")),
        ("applicant.phone", "13912345678".into()),
        ("applicant.address", "".into()),
        ("debtors[0].kind", "person".into()),
        ("debtors[0].name", "刘被执".into()),
        ("debtors[0].id_number", resident(debtor_17)),
        ("debtors[0].phone", "".into()),
        ("debtors[0].address", "孟州市会昌街道".into()),
        ("basis.issuing_court", "孟州市人民法院".into()),
        ("basis.instrument_number", BASIS.into()),
        ("basis.kind", "judgment".into()),
        ("basis.effective_date", "2025-05-01".into()),
        ("claim", "3.8万".into()),
        ("debtor_locatable", "yes".into()),
        ("op", op.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn post(c: &Client, base: &str, form: &[(String, String)]) -> (StatusCode, String, String) {
    let r = c
        .post(format!("{base}/cases/new"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// Signs a clerk in and opens the form; the CSRF token of the session.
async fn open_form(c: &Client, base: &str, user: &str) -> String {
    sign_in(c, base, user).await;
    let (status, page) = get_page(c, format!("{base}/cases/new")).await;
    assert_eq!(status, StatusCode::OK, "{user}: {page}");
    hidden(&page, "csrf")
}

#[tokio::test]
async fn bad_input_shows_every_error_keeps_the_input_and_files_nothing() {
    each_engine(DEMO, |s, label| async move {
        let (app, base) = (&s.app, &s.base);
        let c = client();
        let csrf = open_form(&c, base, "mz_clerk").await;

        let mut form = filing(&csrf, "41088319750202002", "check");
        for (k, v) in form.iter_mut() {
            match k.as_str() {
                "case_type" => *v = String::new(),
                "applicant.id_number" => *v = "410883197001010010".into(),
                "debtors[0].name" => *v = " ".into(),
                "basis.kind" => *v = String::new(),
                "basis.effective_date" => *v = "2099-01-01".into(),
                "claim" => *v = "-5".into(),
                "debtor_locatable" => *v = String::new(),
                _ => {}
            }
        }
        let (status, _, page) = post(&c, base, &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        for field in [
            "f-applicant-id_number-err",
            "f-debtors-0-name-err",
            "f-basis-kind-err",
            "f-basis-effective_date-err",
            "f-claim-err",
        ] {
            assert!(
                page.contains(&format!("id=\"{field}\"")),
                "{label}: {field}"
            );
        }
        for href in ["#f-case_type", "#f-debtor_locatable", "#f-claim"] {
            assert!(
                page.contains(&format!("href=\"{href}\"")),
                "{label}: {href}"
            );
        }
        assert!(page.contains("处需要修改"), "{label}: the summary");
        assert!(page.contains("校验位"), "{label}: the domain's words");
        assert!(
            page.contains("value=\"2099-01-01\"") && page.contains("value=\"-5\""),
            "{label}: the input is kept"
        );
        assert!(!page.contains("name=\"op\" value=\"file\""), "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 0, "{label}");

        // Filing straight away with the same input files nothing either.
        let mut as_file = form.clone();
        as_file.retain(|(k, _)| k != "op");
        as_file.push(("op".into(), "file".into()));
        let (status, _, _) = post(&c, base, &as_file).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 0, "{label}");

        // A stale token keeps the input and files nothing.
        let (status, _, page) = post(&c, base, &filing("stale", "41088319750202002", "file")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(
            page.contains("页面已过期") && page.contains("刘被执"),
            "{label}"
        );
        assert_eq!(app.store.count_cases().await.unwrap(), 0, "{label}");
    })
    .await;
}

#[tokio::test]
async fn check_then_file_and_duplicates_need_the_tick() {
    each_engine(DEMO, |s, label| async move {
        let (app, base) = (&s.app, &s.base);
        let c = client();
        let csrf = open_form(&c, base, "mz_clerk").await;

        // The check: no duplicates yet, and the file button appears with the fields kept.
        let (status, _, page) = post(&c, base, &filing(&csrf, "41088319750202002", "check")).await;
        assert_eq!(status, StatusCode::OK, "{label}: {page}");
        assert!(page.contains("未发现同一执行依据"), "{label}");
        assert!(page.contains("name=\"op\" value=\"file\""), "{label}");
        assert!(page.contains("确认立案"), "{label}");
        assert!(page.contains(BASIS), "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 0, "{label}");

        // Confirm: filed, routed and assigned, and on the case page.
        let (status, location, _) =
            post(&c, base, &filing(&csrf, "41088319750202002", "file")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(location.starts_with("/cases/"), "{label}: {location}");
        let first_case = location.clone();
        let case = get_text(&c, format!("{base}{location}")).await;
        assert!(case.contains("豫0883执"), "{label}: the case number");
        assert!(case.contains("已分案"), "{label}: assigned at filing");
        assert!(case.contains("速执团队"), "{label}: the team");
        assert!(case.contains("刘被执") && case.contains(BASIS), "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 1, "{label}");

        // The same instrument and parties again: the check warns and links the case.
        let (status, _, page) = post(&c, base, &filing(&csrf, "41088319750202002", "check")).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("可能重复的案件"), "{label}");
        assert!(
            page.contains(&format!("href=\"{first_case}\"")),
            "{label}: linked"
        );
        assert!(page.contains("name=\"not_duplicate\""), "{label}: the tick");

        // Without the tick it is refused; nothing is filed.
        let (status, _, page) = post(&c, base, &filing(&csrf, "41088319750202002", "file")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}");
        assert!(page.contains("id=\"f-not_duplicate\""), "{label}");
        assert!(page.contains("已核对，确认不是重复立案"), "{label}");
        assert!(page.contains(&format!("href=\"{first_case}\"")), "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 1, "{label}");

        // With the tick it is filed, as a new case.
        let mut ticked = filing(&csrf, "41088319750202002", "file");
        ticked.push(("not_duplicate".into(), "on".into()));
        let (status, location, _) = post(&c, base, &ticked).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{label}");
        assert!(
            location.starts_with("/cases/") && location != first_case,
            "{label}"
        );
        assert_eq!(app.store.count_cases().await.unwrap(), 2, "{label}");

        // Another debtor on another instrument is no duplicate.
        let mut other = filing(&csrf, "41088319800303003", "check");
        for (k, v) in other.iter_mut() {
            if k == "basis.instrument_number" {
                *v = "（2025）豫0883民初902号".into();
            }
        }
        let (_, _, page) = post(&c, base, &other).await;
        assert!(page.contains("未发现同一执行依据"), "{label}");
    })
    .await;
}

#[tokio::test]
async fn debtor_rows_are_added_and_removed_without_javascript() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let c = client();
        let csrf = open_form(&c, base, "mz_clerk").await;
        let cases = get_text(&c, format!("{base}/cases")).await;
        assert!(
            cases.contains("href=\"/cases/new\""),
            "{label}: button and nav"
        );

        let mut form = filing(&csrf, "41088319750202002", "check");
        form.retain(|(k, _)| k != "op");
        form.push(("action".into(), "add_debtor".into()));
        let (status, _, page) = post(&c, base, &form).await;
        assert_eq!(status, StatusCode::OK, "{label}");
        assert!(page.contains("name=\"debtors[1].name\""), "{label}");
        assert!(page.contains("value=\"remove_debtor:1\""), "{label}");
        assert!(page.contains("hx-post=\"/cases/new\""), "{label}");
        assert!(page.contains("value=\"刘被执\""), "{label}: kept");
        assert_eq!(s.app.store.count_cases().await.unwrap(), 0, "{label}");

        form.retain(|(k, _)| k != "action");
        form.push(("debtors[1].kind".into(), "person".into()));
        form.push(("debtors[1].name".into(), "张二".into()));
        form.push(("action".into(), "remove_debtor:0".into()));
        let (_, _, page) = post(&c, base, &form).await;
        assert!(
            page.contains("value=\"张二\"") && !page.contains("value=\"刘被执\""),
            "{label}"
        );
        assert!(!page.contains("name=\"debtors[1].name\""), "{label}");
    })
    .await;
}

#[tokio::test]
async fn only_clerks_and_reception_officers_file() {
    each_engine(DEMO, |s, label| async move {
        let (app, base) = (&s.app, &s.base);
        let j = client();
        sign_in(&j, base, "mz_t1_judge").await;
        let (status, page) = get_page(&j, format!("{base}/cases/new")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert!(page.contains("无权访问"), "{label}: in Chinese");
        assert!(
            !page.contains("href=\"/cases/new\""),
            "{label}: no link for a judge"
        );
        let cases = get_text(&j, format!("{base}/cases")).await;
        assert!(!cases.contains("href=\"/cases/new\""), "{label}");
        let csrf = hidden(&cases, "csrf");
        let (status, _, _) = post(&j, base, &filing(&csrf, "41088319750202002", "file")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
        assert_eq!(app.store.count_cases().await.unwrap(), 0, "{label}");

        let r = client();
        open_form(&r, base, "mz_reception").await;
    })
    .await;
}
