//! The harness the application tests share: a fresh database (optionally with the demo city)
//! on every engine, actors by username, the parties and basis of a filing, a filed case and
//! its officer, number and first debtor, case actions at the current version, and today's date in Beijing.
//! Each test binary uses a subset of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use zhixing_app::commands::{Command, FileCase};
use zhixing_app::demo::DemoOptions;
use zhixing_app::nodes::beijing_date;
use zhixing_app::{Actor, App, AppError};
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::case::CaseType;
use zhixing_domain::ids::{resident_check_char, ResidentId};
use zhixing_domain::lifecycle::CaseAction;
use zhixing_domain::money::Fen;
use zhixing_domain::party::{Party, PartyIdentity};
use zhixing_store::nodes::NodeRow;
use zhixing_store::rows::CasePartyRow;
use zhixing_store::testing::test_databases;

/// Runs `f` against a fresh application on every test database — with the demo city generated
/// first when `demo` is given — then closes and removes the database.
pub async fn each_engine<F, Fut>(demo: impl Into<Option<DemoOptions>>, f: F)
where
    F: Fn(App, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let demo = demo.into();
    for db in test_databases().await {
        let app = App::open(&db.url).await.expect("open test database");
        // Generated and uploaded files go to a directory of this run, not the crate's `data/`
        // (the default beside a PostgreSQL database).
        let blobs = std::env::temp_dir().join(format!("zx-blobs-{:016x}", rand::random::<u64>()));
        app.set_dossier_config(zhixing_app::dossier::DossierConfig {
            blobs: std::sync::Arc::new(zhixing_app::blobs::LocalBlobs::new(blobs.clone())),
            max_upload: zhixing_app::blobs::DEFAULT_MAX_UPLOAD,
        });
        if let Some(options) = demo {
            generate_demo(&app, options).await;
        }
        f(app.clone(), db.label).await;
        app.store.close().await;
        db.cleanup().await;
        let _ = std::fs::remove_dir_all(&blobs);
    }
}

/// Generates demo data, without progress reports.
pub async fn generate_demo(app: &App, options: DemoOptions) {
    app.generate_demo(options, |_| {}).await.expect("demo data");
}

/// The id of a demo account.
pub async fn user_id(app: &App, username: &str) -> i64 {
    app.store
        .user_by_username(username)
        .await
        .unwrap()
        .expect(username)
        .id
}

/// The actor of a demo account.
pub async fn actor(app: &App, username: &str) -> Actor {
    let id = user_id(app, username).await;
    app.actor_for_user(id).await.unwrap()
}

/// A natural person whose resident ID is `body17` and its check character.
pub fn person(name: &str, body17: &str, phone: Option<&str>) -> Party {
    let id = format!("{body17}{}", resident_check_char(body17));
    Party::new(
        name,
        PartyIdentity::Person(ResidentId::parse(&id).unwrap()),
        phone,
        None,
    )
    .unwrap()
}

/// A judgment of the 孟州 court that took effect on `effective_date` (YYYY-MM-DD), checked as
/// of 2026-01-01.
pub fn basis(instrument_number: &str, effective_date: &str) -> Basis {
    Basis::new(
        "孟州市人民法院",
        instrument_number,
        BasisKind::Judgment,
        NaiveDate::parse_from_str(effective_date, "%Y-%m-%d").unwrap(),
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap()
}

/// A first-instance case at `court_id`: 张三 against 李四 for 38,000 yuan on the 孟州 court's
/// judgment （2024）豫0883民初88号.
pub fn filing(court_id: i64) -> FileCase {
    FileCase {
        court_id,
        case_type: CaseType::First,
        basis: basis("（2024）豫0883民初88号", "2024-03-01"),
        claim: Fen::from_yuan(38_000),
        applicants: vec![person("张三", "41088319800101123", None)],
        debtors: vec![person("李四", "41088319850505456", None)],
        reception_id: None,
        flags: Default::default(),
        debtor_locatable: true,
        note: None,
    }
}

/// Files the case `filing` gives for the court of `clerk` (a demo account), as that clerk;
/// returns its id.
pub async fn file_as(app: &App, clerk: &str, filing: impl FnOnce(i64) -> FileCase) -> i64 {
    let clerk = actor(app, clerk).await;
    app.execute(&clerk, Command::FileCase(filing(clerk.court_id)))
        .await
        .unwrap()
        .id
        .unwrap()
}

/// A [`filing`] of the 孟州 court, filed by its clerk; returns its id.
pub async fn file(app: &App) -> i64 {
    file_as(app, "mz_clerk", filing).await
}

/// A [`filing`] of the 孟州 court and the username of the officer filing assigned it to.
pub async fn file_with_officer(app: &App) -> (i64, String) {
    let id = file(app).await;
    (id, officer_of(app, id).await)
}

/// The username of the officer case `id` is assigned to.
pub async fn officer_of(app: &App, id: i64) -> String {
    let officer_id = app
        .store
        .case_by_id(id)
        .await
        .unwrap()
        .unwrap()
        .officer_id
        .unwrap();
    let officer = app.store.user_by_id(officer_id).await.unwrap().unwrap();
    officer.username
}

/// Case `id`'s number.
pub async fn case_number(app: &App, id: i64) -> String {
    app.store.case_by_id(id).await.unwrap().unwrap().case_number
}

/// Case `id`'s first debtor.
pub async fn first_debtor(app: &App, id: i64) -> CasePartyRow {
    app.store
        .case_parties(id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.role == "debtor")
        .unwrap()
}

/// Runs `action` on a case as the demo account `who`, at the case's current version; returns
/// the new version. Set-up may close a case or move money by plain case actions
/// (`execute_for_setup`), which `execute` refuses (`plain_closing_and_money_are_refused`).
pub async fn act(app: &App, who: &str, case_id: i64, action: CaseAction) -> Result<i64, AppError> {
    let a = actor(app, who).await;
    let version = app
        .store
        .case_by_id(case_id)
        .await
        .unwrap()
        .unwrap()
        .version;
    app.execute_for_setup(
        &a,
        Command::Case {
            case_id,
            version,
            action,
        },
    )
    .await
    .map(|o| o.version.unwrap())
}

/// Today in Beijing, the day the process nodes count in.
pub fn today() -> NaiveDate {
    beijing_date(zhixing_store::now_ms())
}

/// A `YYYY-MM-DD` date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The node `key` among a case's node rows.
pub fn node_row<'a>(rows: &'a [NodeRow], key: &str) -> &'a NodeRow {
    rows.iter()
        .find(|r| r.node_key == key)
        .unwrap_or_else(|| panic!("no {key} in {rows:?}"))
}
