//! Zhixing's pure domain: the rules of court enforcement with no I/O, no async and no database.
//! Everything a user types is parsed into a type here that exists only when valid.
#![forbid(unsafe_code)]

pub mod asset;
pub mod assignment;
pub mod audit;
pub mod basis;
pub mod calendar;
pub mod case;
pub mod case_number;
pub mod closing;
pub mod coercive;
pub mod court;
pub mod disposal;
pub mod document;
pub mod dossier;
pub mod error;
pub mod event;
pub mod funds;
pub mod ids;
pub mod lifecycle;
pub mod metrics;
pub mod money;
pub mod node;
pub mod party;
pub mod period;
pub mod reception;
pub mod role;
pub mod roster;
pub mod settlement;
pub mod team;
pub mod triage;
pub mod unlock;

pub use error::{DomainError, DomainResult};
