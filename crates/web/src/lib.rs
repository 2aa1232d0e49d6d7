//! HTTP for Zhixing: staff pages (askama + htmx), the JSON API under `/api/v1` with its OpenAPI
//! document, and the embedded static assets. No business rule lives here: handlers parse input,
//! call the app, and render what it returns.
#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
pub mod asset_control;
pub mod assets;
pub mod case_actions;
pub mod closing;
pub mod disposal;
pub mod doc_review;
pub mod documents;
pub mod dormant;
pub mod dossier;
pub mod filter;
pub mod format;
pub mod funds;
pub mod i18n;
pub mod intake;
pub mod measures;
pub mod metric_settings;
pub mod metrics;
pub mod node_admin;
pub mod pages;
pub mod roster;
pub mod routine;
pub mod service;
pub mod session;
pub mod sheet;
pub mod staff;
pub mod staffing;
pub mod supervision;
pub mod unlock;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use zhixing_app::App;

/// Larger bodies are refused before a handler sees them.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The whole application as one router, for `serve` and for tests.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(staff::routes())
        .merge(admin::routes())
        .merge(intake::routes())
        .merge(roster::routes())
        .merge(staffing::routes())
        .merge(supervision::routes())
        .merge(node_admin::routes())
        .merge(case_actions::routes())
        .merge(unlock::routes())
        .merge(documents::routes())
        .merge(doc_review::routes())
        .merge(routine::routes())
        .merge(measures::routes())
        .merge(disposal::routes())
        .merge(closing::routes())
        .merge(dormant::routes())
        .merge(metric_settings::routes())
        .merge(metrics::routes())
        .merge(funds::routes())
        .merge(asset_control::routes())
        .nest("/api/v1", api::routes())
        .merge(api::docs())
        .merge(assets::routes())
        .fallback(staff::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // After the body limits: uploads have their own, the rest of the routes set the default.
        .merge(dossier::routes())
        .merge(service::routes())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(staff::panic_page))
        .with_state(app)
}

/// Serves until Ctrl-C.
pub async fn serve(app: App, addr: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    println!("执行 Zhixing 已启动 / is running: http://{local}/");
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
