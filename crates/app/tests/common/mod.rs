//! The harness the application tests share: a fresh database (optionally with the demo city)
//! on every engine, actors by username, and the parties and basis of a filing.
//! Each test binary uses a subset of it.
#![allow(dead_code)]

use chrono::NaiveDate;
use zhixing_app::demo::DemoOptions;
use zhixing_app::{Actor, App};
use zhixing_domain::basis::{Basis, BasisKind};
use zhixing_domain::ids::{resident_check_char, ResidentId};
use zhixing_domain::party::{Party, PartyIdentity};
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
        if let Some(options) = demo {
            generate_demo(&app, options).await;
        }
        f(app.clone(), db.label).await;
        app.store.close().await;
        db.cleanup().await;
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
