//! Persistence for Zhixing. One schema and one set of SQL for SQLite (the embedded default) and
//! PostgreSQL; nothing outside this crate writes SQL.
//!
//! Portability rules that keep the SQL identical on both engines:
//! - placeholders are `$1, $2 …` (SQLite accepts them too);
//! - every integer column is BIGINT and is read as `i64` (sqlx's `Any` driver does not widen);
//! - `SUM` is cast to BIGINT (PostgreSQL would return NUMERIC);
//! - no `FOR UPDATE`: rows that serialise writers (sequences, chain heads) are locked by
//!   updating them first, which takes the row lock on PostgreSQL and the write lock on SQLite.
#![forbid(unsafe_code)]

pub mod assets;
mod bulk;
pub mod closing;
mod db;
pub mod disposal;
pub mod documents;
pub mod dormant;
pub mod dossier;
pub mod funds;
mod intake;
pub mod leases;
pub mod measures;
pub mod metrics;
mod migrate;
pub mod node_requests;
pub mod nodes;
pub mod notifications;
mod read;
pub mod roster;
pub mod routine;
pub mod rows;
pub mod service;
mod session;
mod settings;
mod staffing;
pub mod supervision;
pub mod testing;
mod write;

/// Now, in UTC milliseconds: the one clock of the store.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub use db::{Engine, Store, StoreError, StoreResult};
pub use staffing::HeldCaseRow;
pub use write::{NewCase, NewEvent, NewParty, WriteTx};
