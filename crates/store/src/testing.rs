//! Fresh databases for tests: every storage test runs once on SQLite and, when
//! `ZHIXING_TEST_PG_URL` is set, once more on PostgreSQL in a schema of its own.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database for one test; dropped schemas and files are cleaned up by `cleanup`.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pg_schema: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

impl TestDb {
    pub async fn cleanup(self) {
        if let Some((base, schema)) = self.pg_schema {
            if let Ok(mut c) = sqlx::AnyConnection::connect(&base).await {
                let _ = c
                    .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
                    .await;
            }
        }
        if let Some(f) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

/// Process id, start time and a counter: a schema left behind by a crashed run of a process
/// that had the same id cannot collide with a new one.
fn unique(prefix: &str) -> String {
    static STARTED: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    let started = STARTED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0)
    });
    format!(
        "{prefix}_{}_{started}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// SQLite always; PostgreSQL when `ZHIXING_TEST_PG_URL` is set (otherwise a note says it was
/// skipped, so nobody mistakes a half run for a whole one).
pub async fn test_databases() -> Vec<TestDb> {
    sqlx::any::install_default_drivers();
    let file = std::env::temp_dir().join(format!("{}.db", unique("zhixing_test")));
    let mut dbs = vec![TestDb {
        label: "sqlite",
        url: file.display().to_string(),
        pg_schema: None,
        file: Some(file),
    }];
    match std::env::var("ZHIXING_TEST_PG_URL") {
        Ok(base) if !base.trim().is_empty() => {
            let schema = unique("zx_test");
            let mut c = sqlx::AnyConnection::connect(&base)
                .await
                .expect("ZHIXING_TEST_PG_URL is set but PostgreSQL cannot be reached");
            c.execute(format!("CREATE SCHEMA {schema}").as_str())
                .await
                .expect("create test schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            dbs.push(TestDb {
                label: "postgres",
                url: format!("{base}{sep}options[search_path]={schema}"),
                pg_schema: Some((base, schema)),
                file: None,
            });
        }
        _ => eprintln!(
            "NOTE: ZHIXING_TEST_PG_URL is not set: the PostgreSQL half of this test was SKIPPED"
        ),
    }
    dbs
}

impl crate::db::Store {
    /// Moves a case's filing back in time, for tests of rules that count from filing (终本 needs
    /// three months). Only the case row: its events keep their times, as the hash chain needs.
    /// Tests only; the write path never changes when a case was filed.
    pub async fn backdate_filing_for_test(
        &self,
        case_id: i64,
        filed_at: i64,
    ) -> crate::db::StoreResult<()> {
        sqlx::query("UPDATE cases SET filed_at = $1 WHERE id = $2")
            .bind(filed_at)
            .bind(case_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Moves a node instance's due date (a case whose limit ran out before it closed).
    pub async fn set_node_due_for_test(
        &self,
        case_id: i64,
        node_key: &str,
        due_on: &str,
    ) -> crate::db::StoreResult<()> {
        sqlx::query("UPDATE node_instances SET due_on = $1 WHERE case_id = $2 AND node_key = $3")
            .bind(due_on)
            .bind(case_id)
            .bind(node_key)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets a closed case's closing facts, as for a case closed before migration 0020.
    pub async fn forget_closing_facts_for_test(&self, case_id: i64) -> crate::db::StoreResult<()> {
        sqlx::query("UPDATE cases SET closed_in_time = NULL, suspended_days = 0 WHERE id = $1")
            .bind(case_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
