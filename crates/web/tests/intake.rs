//! The reception window and filing over real HTTP, on SQLite and PostgreSQL: the form, the
//! printable record with its binding code and QR code, filing, duplicates, scope and roles, and
//! the same through the JSON API with its CSRF header.

mod common;

use common::{
    api_csrf, api_login, client, each_engine, get_json, get_text, hidden, sign_in, PASSWORD,
};
use reqwest::header::LOCATION;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhixing_app::demo::DemoOptions;
use zhixing_domain::ids::{credit_check_char, resident_check_char};
use zhixing_domain::reception::NoticeItem;

const DEMO: DemoOptions = DemoOptions { cases: 12, seed: 5 };

fn resident(first17: &str) -> String {
    format!("{first17}{}", resident_check_char(first17))
}

fn credit(first17: &str) -> String {
    format!("{first17}{}", credit_check_char(first17))
}

/// The same code with a wrong check digit.
fn credit_wrong(first17: &str) -> String {
    let right = credit_check_char(first17);
    format!("{first17}{}", if right == '0' { '1' } else { '0' })
}

const APPLICANT_17: &str = "41088319850612301";
const DEBTOR_17: &str = "41088319700203452";
const COMPANY_17: &str = "91410883MA44XXXX1";
const BASIS: &str = "（2025）豫0883民初456号";

/// A complete visit as the form posts it.
fn visit(csrf: &str, applicant: &str, debtor: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("csrf", csrf),
        ("case_type", "first"),
        ("applicant.kind", "person"),
        ("applicant.name", "王建国"),
        ("applicant.id_number", applicant),
        ("applicant.phone", "13912345678"),
        ("applicant.address", "河南省孟州市河阳路1号"),
        ("agent.name", "赵律师"),
        ("agent.lawyer_licence", "14108201210123456"),
        ("agent.phone", "0391-1234567"),
        ("debtors[0].kind", "person"),
        ("debtors[0].name", "李某某"),
        ("debtors[0].id_number", debtor),
        ("debtors[0].phone", ""),
        ("debtors[0].address", "孟州市会昌街道"),
        ("basis.issuing_court", "孟州市人民法院"),
        ("basis.instrument_number", BASIS),
        ("basis.kind", "judgment"),
        ("basis.effective_date", "2025-12-01"),
        ("amount_awarded", "38000"),
        ("interest_terms", "自2025年6月1日起按LPR计算"),
        ("claim", "3.8万"),
        ("asset_leads[0].kind", "vehicle"),
        ("asset_leads[0].description", "白色轿车一辆，豫H12345"),
        ("asset_leads[0].location", "孟州市"),
        ("debtor_locatable", "yes"),
        ("flags", "livelihood"),
        ("statement", "申请执行人称被执行人拒不支付货款。"),
        ("applicant_confirmed", "on"),
        ("action", "save"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for n in NoticeItem::ALL {
        f.push(("checklist".into(), n.key().into()));
    }
    f
}

fn set(form: &mut [(String, String)], key: &str, value: &str) {
    for (k, v) in form.iter_mut() {
        if k == key {
            *v = value.to_string();
        }
    }
}

/// Signs in, records a complete visit through the form and returns the record's id.
async fn record_visit(c: &reqwest::Client, base: &str, applicant: &str, debtor: &str) -> i64 {
    let page = get_text(c, &format!("{base}/reception/new")).await;
    let csrf = hidden(&page, "csrf");
    let r = c
        .post(format!("{base}/reception"))
        .form(&visit(&csrf, applicant, debtor))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "saved: {}",
        r.text().await.unwrap_or_default()
    );
    location
        .unwrap()
        .strip_prefix("/reception/")
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_visit_is_recorded_printed_and_filed() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_reception").await;
        let (applicant, debtor) = (resident(APPLICANT_17), resident(DEBTOR_17));

        let page = c
            .get(format!("{}/reception/new", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{label}");
        let html = page.text().await.unwrap();
        assert!(html.contains("初次接待登记"));
        assert!(
            html.contains("href=\"/reception/new\""),
            "{label}: nav link"
        );
        for n in NoticeItem::ALL {
            assert!(html.contains(n.text_zh()), "{label}: notice {}", n.key());
        }
        for flag in ["涉黑恶", "政府投融资平台", "涉民生", "重大疑难"] {
            assert!(html.contains(flag));
        }
        assert!(html.contains("申请执行人已阅看笔录并确认无误"));

        let id = record_visit(&c, &s.base, &applicant, &debtor).await;
        let row = s.app.store.reception(id).await.unwrap().unwrap();
        let page = c
            .get(format!("{}/reception/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        let code = &row.binding_code;
        let grouped = format!("{} {}", &code[..4], &code[4..]);
        assert!(html.contains(&grouped), "{label}: binding code printed");
        assert!(
            html.contains("<svg") && html.contains("class=\"qr\""),
            "QR code"
        );
        assert!(html.contains("孟州市人民法院"));
        assert!(html.contains("王建国") && html.contains("李某某") && html.contains("赵律师"));
        assert!(html.contains(&applicant), "full ID on the record");
        assert!(html.contains("38,000.00") && html.contains("人民币叁万捌仟元整"));
        assert!(html.contains("白色轿车一辆"));
        assert_eq!(html.matches("已告知 ✓").count(), 7, "{label}");
        assert!(html.contains("申请执行人已阅看笔录并确认无误"));
        assert!(html.contains("@media print") || html.contains("/static/app.css"));
        assert!(
            html.contains("未发现同一执行依据"),
            "{label}: no duplicates yet"
        );
        assert!(html.contains(&format!("action=\"/reception/{id}/file\"")));

        // Filing: the case page follows, with the network inquiry started for the debtor.
        let csrf = hidden(&html, "csrf");
        let r = c
            .post(format!("{}/reception/{id}/file", s.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}: filed");
        let case_url = r.headers()[LOCATION].to_str().unwrap().to_string();
        assert!(case_url.starts_with("/cases/"), "{case_url}");
        let case_id: i64 = case_url["/cases/".len()..].parse().unwrap();
        let case_html = get_text(&c, &format!("{}{case_url}", s.base)).await;
        assert!(case_html.contains("豫0883执"), "{label}: case number");
        assert!(case_html.contains("李某某"));
        assert!(case_html.contains("网络查控") && case_html.contains("待查控"));

        let html = get_text(&c, &format!("{}/reception/{id}", s.base)).await;
        assert!(html.contains("已立案") && html.contains(&format!("href=\"/cases/{case_id}\"")));
        assert!(!html.contains(&format!("action=\"/reception/{id}/file\"")));

        // Filing twice is refused in Chinese.
        let r = c
            .post(format!("{}/reception/{id}/file", s.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}");
        assert!(r.text().await.unwrap().contains("已立案，不能重复立案"));

        // A second visit on the same instrument and debtor is warned about before filing.
        let other = resident("41088319900101555");
        let id2 = record_visit(&c, &s.base, &other, &debtor).await;
        let html = get_text(&c, &format!("{}/reception/{id2}", s.base)).await;
        assert!(html.contains("可能重复"), "{label}: duplicate warning");
        assert!(html.contains(&format!("href=\"/cases/{case_id}\"")));
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_shown_again_with_every_error_and_nothing_saved() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_clerk").await;
        let page = get_text(&c, &format!("{}/reception/new", s.base)).await;
        let csrf = hidden(&page, "csrf");
        let events = s.app.store.count_events().await.unwrap();

        // A notice item not ticked and an ID number with a wrong check digit.
        let good = resident(APPLICANT_17);
        let last = good.chars().last().unwrap();
        let bad = format!("{APPLICANT_17}{}", if last == '1' { '2' } else { '1' });
        let mut form = visit(&csrf, &bad, &resident(DEBTOR_17));
        form.retain(|(k, v)| !(k == "checklist" && v == "risk_of_failure"));
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("身份证号码校验位错误"), "{label}: ID error");
        assert!(
            html.contains("以下告知事项尚未逐项确认"),
            "{label}: checklist error"
        );
        assert!(html.contains("2 处需要修改"), "{label}: both at the top");
        assert!(html.contains(&format!("value=\"{bad}\"")), "input kept");
        assert!(html.contains("value=\"王建国\"") && html.contains("拒不支付货款"));
        assert!(html.contains("aria-invalid=\"true\""));
        assert_eq!(
            s.app.store.count_events().await.unwrap(),
            events,
            "{label}: nothing saved"
        );

        // Adding a debtor row re-shows the form with everything kept, and saves nothing.
        set(&mut form, "action", "add_debtor");
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("name=\"debtors[1].name\""),
            "{label}: a new row"
        );
        assert!(html.contains("value=\"李某某\""));
        assert!(!html.contains("需要修改"), "no errors for adding a row");
        assert_eq!(s.app.store.count_events().await.unwrap(), events);

        // A credit code with a wrong check digit: the override box appears; with a reason the
        // record is saved and the reason is in the statement.
        let wrong = credit_wrong(COMPANY_17);
        let mut form = visit(&csrf, &good, &wrong);
        set(&mut form, "debtors[0].kind", "organisation");
        set(&mut form, "debtors[0].name", "孟州某某商贸有限公司");
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("统一社会信用代码校验位错误"));
        assert!(
            html.contains("name=\"debtors[0].override_check_digit\""),
            "{label}"
        );
        form.push(("debtors[0].override_check_digit".into(), "on".into()));
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is needed"
        );
        assert!(r.text().await.unwrap().contains("须填写理由"));
        assert_eq!(s.app.store.count_events().await.unwrap(), events);
        form.push((
            "debtors[0].override_reason".into(),
            "已核对营业执照原件".into(),
        ));
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{label}: override saved");
        let id: i64 = r.headers()[LOCATION].to_str().unwrap()["/reception/".len()..]
            .parse()
            .unwrap();
        let html = get_text(&c, &format!("{}/reception/{id}", s.base)).await;
        assert!(html.contains("（统一社会信用代码校验位不符，经办人确认：已核对营业执照原件）"));
        assert!(html.contains(&wrong));

        // A stale token keeps the input and saves nothing.
        let mut form = visit("stale", &good, &resident(DEBTOR_17));
        set(&mut form, "applicant.name", "保留我");
        let events = s.app.store.count_events().await.unwrap();
        let r = c
            .post(format!("{}/reception", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("value=\"保留我\""));
        assert_eq!(s.app.store.count_events().await.unwrap(), events);
    })
    .await;
}

#[tokio::test]
async fn other_courts_see_nothing_and_judges_cannot_receive() {
    each_engine(DEMO, |s, label| async move {
        let c = client();
        sign_in(&c, &s.base, "mz_reception").await;
        let id = record_visit(&c, &s.base, &resident(APPLICANT_17), &resident(DEBTOR_17)).await;

        // A clerk of 山阳区 (豫0811): the record answers exactly like a missing one.
        let sy = client();
        sign_in(&sy, &s.base, "sy_clerk").await;
        let theirs = sy
            .get(format!("{}/reception/{id}", s.base))
            .send()
            .await
            .unwrap();
        let missing = sy
            .get(format!("{}/reception/987654321", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{label}");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(theirs.text().await.unwrap(), missing.text().await.unwrap());
        let page = get_text(&sy, &format!("{}/cases", s.base)).await;
        let csrf = hidden(&page, "csrf");
        let r = sy
            .post(format!("{}/reception/{id}/file", s.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{label}: cannot file it");
        let r = sy
            .get(format!("{}/api/v1/receptions/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // A judge: no reception form, no nav link, no filing.
        let j = client();
        sign_in(&j, &s.base, "mz_t1_judge").await;
        let r = j
            .get(format!("{}/reception/new", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        let html = r.text().await.unwrap();
        assert!(html.contains("只有接待员和书记员"), "{label}: in Chinese");
        let cases = get_text(&j, &format!("{}/cases", s.base)).await;
        assert!(!cases.contains("href=\"/reception/new\""), "no nav link");
        let html = get_text(&j, &format!("{}/reception/{id}", s.base)).await;
        assert!(
            html.contains("王建国"),
            "{label}: a judge of the court may read it"
        );
        assert!(!html.contains(&format!("action=\"/reception/{id}/file\"")));
        let csrf = hidden(&cases, "csrf");
        let r = j
            .post(format!("{}/reception/{id}/file", s.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(s
            .app
            .store
            .reception(id)
            .await
            .unwrap()
            .unwrap()
            .case_id
            .is_none());

        // Not signed in: to the login page.
        let r = client()
            .get(format!("{}/reception/new", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    })
    .await;
}

fn api_body(applicant: &str, debtors: &[&str]) -> Value {
    json!({
        "case_type": "执",
        "applicant": {"kind": "person", "name": "王建国", "id_number": applicant, "phone": "13912345678"},
        "debtors": debtors.iter().enumerate().map(|(i, d)| json!({
            "kind": if d.starts_with("91") { "organisation" } else { "person" },
            "name": format!("被执行人{}", i + 1),
            "id_number": d,
        })).collect::<Vec<_>>(),
        "basis": {"issuing_court": "孟州市人民法院", "instrument_number": BASIS, "kind": "mediation", "effective_date": "2025-10-09"},
        "amount_awarded": "120,000.00",
        "claim": "12万",
        "asset_leads": [{"kind": "bank_deposit", "description": "工商银行孟州支行账户"}],
        "debtor_locatable": false,
        "flags": ["major_difficult"],
        "statement": "经调解未履行。",
        "checklist": NoticeItem::ALL.iter().map(|n| n.key()).collect::<Vec<_>>(),
        "applicant_confirmed": true
    })
}

#[tokio::test]
async fn api_records_and_files_with_the_csrf_header() {
    each_engine(DEMO, |s, label| async move {
        let base = &s.base;
        let c = client();
        let r = api_login(&c, base, "mz_clerk", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "{label}");
        let applicant = resident(APPLICANT_17);
        let company = credit(COMPANY_17);
        let person = resident(DEBTOR_17);
        let body = api_body(&applicant, &[&company, &person]);
        let events = s.app.store.count_events().await.unwrap();

        // Without the header, or with a wrong one: refused, nothing saved.
        for token in [None, Some("forged")] {
            let mut req = c.post(format!("{base}/api/v1/receptions")).json(&body);
            if let Some(t) = token {
                req = req.header("X-CSRF-Token", t);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}: {token:?}");
            let p: Value = r.json().await.unwrap();
            assert_eq!(p["code"], "csrf");
        }
        assert_eq!(s.app.store.count_events().await.unwrap(), events);

        let token = api_csrf(&c, base).await;

        // Every wrong field at once, as 422 problem+json.
        let mut bad = body.clone();
        bad["applicant"]["id_number"] = json!("41088319850612301Z");
        bad["checklist"] = json!(["reward_offer"]);
        bad["claim"] = json!("0");
        let r = c
            .post(format!("{base}/api/v1/receptions"))
            .header("X-CSRF-Token", &token)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for f in ["applicant.id_number", "checklist", "claim"] {
            assert!(fields.contains(&f), "{label}: {f} in {fields:?}");
        }
        assert!(p["errors"][0]["zh"].as_str().unwrap().chars().count() > 3);
        assert!(!p["errors"][0]["en"].as_str().unwrap().is_empty());
        assert_eq!(s.app.store.count_events().await.unwrap(), events);

        // Malformed JSON is a 422 too.
        let r = c
            .post(format!("{base}/api/v1/receptions"))
            .header("X-CSRF-Token", &token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let r = c
            .post(format!("{base}/api/v1/receptions"))
            .header("X-CSRF-Token", &token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let created: Value = r.json().await.unwrap();
        let id = created["id"].as_i64().unwrap();
        let code = created["binding_code"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 8);

        let rec: Value = get_json(&c, format!("{base}/api/v1/receptions/{id}")).await;
        assert_eq!(rec["binding_code"], code.as_str());
        assert_eq!(rec["binding_qr_text"], format!("ZHIXING-BIND:{code}"));
        assert_eq!(rec["claim_fen"], 12_000_000);
        assert_eq!(rec["case_type"], "first");
        assert_eq!(rec["debtors"].as_array().unwrap().len(), 2);
        assert_eq!(rec["debtors"][0]["kind"], "organisation");
        assert!(rec["case_id"].is_null());

        // Filing needs the header too.
        let r = c
            .post(format!("{base}/api/v1/receptions/{id}/file"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");
        assert!(s
            .app
            .store
            .reception(id)
            .await
            .unwrap()
            .unwrap()
            .case_id
            .is_none());
        let r = c
            .post(format!("{base}/api/v1/receptions/{id}/file"))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{label}");
        let filed: Value = r.json().await.unwrap();
        let case_id = filed["case_id"].as_i64().unwrap();
        assert!(filed["case_number"].as_str().unwrap().contains("豫0883执"));
        let r = c
            .post(format!("{base}/api/v1/receptions/{id}/file"))
            .header("X-CSRF-Token", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{label}: once only");
        let tasks = s.app.store.inquiry_tasks(case_id).await.unwrap();
        assert_eq!(tasks.len(), 2, "{label}: an inquiry per debtor");
        let rec: Value = get_json(&c, format!("{base}/api/v1/receptions/{id}")).await;
        assert_eq!(rec["case_id"], case_id);

        // Duplicates: the filed case is found by instrument and party.
        let found: Value = c
            .get(format!("{base}/api/v1/duplicates"))
            .query(&[
                ("basis_number", BASIS),
                ("id_number", &resident("41088319900101555")),
                ("id_number", &person),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<i64> = found
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![case_id], "{label}");
        let none: Value = c
            .get(format!("{base}/api/v1/duplicates"))
            .query(&[
                ("basis_number", "（2020）豫0883民初1号"),
                ("id_number", &person),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(none.as_array().unwrap().len(), 0);
        let r = c
            .get(format!("{base}/api/v1/duplicates"))
            .query(&[("id_number", "12345")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "basis_number");
        assert_eq!(p["errors"][1]["field"], "id_number[0]");

        // A judge may not record through the API either.
        let j = client();
        api_login(&j, base, "mz_t1_judge", PASSWORD).await;
        let jt = api_csrf(&j, base).await;
        let r = j
            .post(format!("{base}/api/v1/receptions"))
            .header("X-CSRF-Token", &jt)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{label}");

        // Documented.
        let doc = get_text(&c, &format!("{base}/api/v1/openapi.json")).await;
        for p in [
            "/api/v1/receptions",
            "/api/v1/receptions/{id}/file",
            "/api/v1/duplicates",
            "X-CSRF-Token",
        ] {
            assert!(doc.contains(p), "{p} in the OpenAPI document");
        }
    })
    .await;
}
