//! Zhixing's use cases. Every change is a `Command` run by one pipeline (`commands::execute`):
//! authorise → load → refuse if locked or stale → the domain decides → state and events are
//! written in one transaction. Reads are queries shaped for pages and API responses.
#![forbid(unsafe_code)]

pub mod actor;
pub mod assets;
pub mod auth;
pub mod blobs;
pub mod case_nodes;
pub mod closing;
pub mod commands;
pub mod demo;
pub mod disposal;
pub mod doc_review;
pub mod documents;
pub mod dormant;
pub mod dossier;
pub mod error;
pub mod funds;
pub mod inquiry;
pub mod intake;
pub mod measures;
pub mod messenger;
pub mod metrics;
pub mod node_rules;
pub mod nodes;
pub mod queries;
pub mod roster;
pub mod routine;
pub mod scheduler;
pub mod service;
pub mod setup;
pub mod staffing;
pub mod supervision;
pub mod triage;
pub mod unlock;
pub mod verify;
pub mod views;

use std::sync::{Arc, RwLock};

pub use actor::{Actor, CourtTree};
pub use error::{AppError, AppResult};
pub use zhixing_store::Store;

/// The application: the store plus the few things worth keeping in memory.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    courts: Arc<RwLock<CourtTree>>,
    /// Filter choices (teams, officers) per viewing court: the list page shows them on every
    /// load, and they change only when staff or teams do.
    filter_options: Arc<std::sync::Mutex<FilterCache>>,
    /// What filing needs to route and assign, per court (rules, weights, teams, staff, today's
    /// leave): read on every filing, changed by a few commands a month.
    directories: Arc<std::sync::Mutex<std::collections::HashMap<i64, Arc<triage::CourtDirectory>>>>,
    /// Node definitions and working calendar in force, per court: read by every case
    /// command, changed by a settings save (which clears it).
    node_rules: Arc<std::sync::Mutex<node_rules::NodeRulesCache>>,
    /// The dossier's blob store and upload limit (`dossier::DossierConfig`).
    dossier: Arc<RwLock<dossier::DossierConfig>>,
    /// Where electronic service's SMS and e-mail go: the simulation until `open` reads the
    /// configuration; tests swap in their own.
    messenger: Arc<RwLock<Arc<dyn messenger::ServiceMessenger>>>,
    /// The network inquiry provider (`ZHIXING_INQUIRY`, the simulation by default); tests swap
    /// in their own.
    inquiry: Arc<RwLock<Arc<dyn inquiry::InquiryProvider>>>,
}

pub(crate) type FilterCache =
    std::collections::HashMap<i64, (std::time::Instant, views::FilterOptions)>;

impl App {
    pub async fn open(db_url: &str) -> AppResult<App> {
        let store = Store::open(db_url).await?;
        let app = App::new(store).await?;
        app.set_dossier_config(dossier::DossierConfig::from_env(db_url)?);
        app.set_messenger(messenger::messenger_from_env());
        app.set_inquiry_provider(inquiry::inquiry_provider_from_env());
        Ok(app)
    }

    pub async fn new(store: Store) -> AppResult<App> {
        let app = App {
            store,
            courts: Arc::new(RwLock::new(CourtTree::default())),
            filter_options: Arc::default(),
            directories: Arc::default(),
            node_rules: Arc::default(),
            dossier: Arc::new(RwLock::new(dossier::DossierConfig::default())),
            messenger: Arc::new(RwLock::new(Arc::new(messenger::SimulatedMessenger::new()))),
            inquiry: Arc::new(RwLock::new(Arc::new(
                inquiry::SimulatedNationalNetwork::default(),
            ))),
        };
        app.reload_courts().await?;
        Ok(app)
    }

    pub async fn reload_courts(&self) -> AppResult<()> {
        let tree = CourtTree::new(self.store.courts().await?);
        *self.courts.write().expect("court cache poisoned") = tree;
        Ok(())
    }

    pub fn court_tree(&self) -> CourtTree {
        self.courts.read().expect("court cache poisoned").clone()
    }

    /// The messenger of electronic service, as configured now.
    pub fn messenger(&self) -> Arc<dyn messenger::ServiceMessenger> {
        self.messenger
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_messenger(&self, m: Arc<dyn messenger::ServiceMessenger>) {
        *self.messenger.write().unwrap_or_else(|e| e.into_inner()) = m;
    }

    /// Forgets cached filter choices and court directories, after a change to teams, staff,
    /// leave or settings.
    pub(crate) fn staff_changed(&self) {
        self.filter_options
            .lock()
            .expect("filter cache poisoned")
            .clear();
        self.directories
            .lock()
            .expect("directory cache poisoned")
            .clear();
    }

    pub(crate) fn with_courts<T>(&self, f: impl FnOnce(&CourtTree) -> T) -> T {
        f(&self.courts.read().expect("court cache poisoned"))
    }
}
