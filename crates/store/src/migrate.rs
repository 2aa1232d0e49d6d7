//! A small migration runner: one folder of SQL files applied in order on either engine. Shared
//! files write the one engine difference (the auto-increment key) as `{ID}`; what only one engine
//! has (its own text-search index) sits in `NNNN_name.sqlite.sql` / `NNNN_name.postgres.sql`.

use sqlx::Executor;

use crate::db::{Engine, Store, StoreResult};

/// A migration: SQL for both engines, plus what only one engine has (its own text search).
struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("../migrations/0001_foundation.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 2,
        name: "search",
        common: "",
        sqlite: include_str!("../migrations/0002_search.sqlite.sql"),
        postgres: include_str!("../migrations/0002_search.postgres.sql"),
    },
    Migration {
        version: 3,
        name: "intake",
        common: include_str!("../migrations/0003_intake.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "court_settings",
        common: include_str!("../migrations/0004_court_settings.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "staff_and_roster",
        common: include_str!("../migrations/0005_staff_and_roster.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "officer_loads",
        common: include_str!("../migrations/0006_officer_loads.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "nodes",
        common: include_str!("../migrations/0007_nodes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "node_requests",
        common: include_str!("../migrations/0008_node_requests.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "node_rules",
        common: include_str!("../migrations/0009_node_rules.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "notifications",
        common: include_str!("../migrations/0010_notifications.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "supervision",
        common: include_str!("../migrations/0011_supervision.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "dossier",
        common: include_str!("../migrations/0012_dossier.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "documents",
        common: include_str!("../migrations/0013_documents.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "assets",
        common: include_str!("../migrations/0014_assets.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 15,
        name: "funds",
        common: include_str!("../migrations/0015_funds.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 16,
        name: "measures",
        common: include_str!("../migrations/0016_measures.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 17,
        name: "closing",
        common: include_str!("../migrations/0017_closing.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 18,
        name: "dormant",
        common: include_str!("../migrations/0018_dormant.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 19,
        name: "disposal",
        common: include_str!("../migrations/0019_disposal.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 20,
        name: "metrics",
        common: include_str!("../migrations/0020_metrics.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 21,
        name: "answers_on_tasks",
        common: include_str!("../migrations/0021_answers_on_tasks.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 22,
        name: "metric_indexes",
        common: include_str!("../migrations/0022_metric_indexes.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 23,
        name: "task_found",
        common: include_str!("../migrations/0023_task_found.sql"),
        sqlite: include_str!("../migrations/0023_task_found.sqlite.sql"),
        postgres: include_str!("../migrations/0023_task_found.postgres.sql"),
    },
    Migration {
        version: 24,
        name: "applicant_claims",
        common: include_str!("../migrations/0024_applicant_claims.sql"),
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 25,
        name: "append_references",
        common: "",
        sqlite: "",
        postgres: include_str!("../migrations/0025_append_references.postgres.sql"),
    },
    Migration {
        version: 26,
        name: "library_updates",
        common: include_str!("../migrations/0026_library_updates.sql"),
        sqlite: "",
        postgres: include_str!("../migrations/0026_library_updates.postgres.sql"),
    },
    Migration {
        version: 27,
        name: "inquiry_identity",
        common: include_str!("../migrations/0027_inquiry_identity.sql"),
        sqlite: "",
        postgres: "",
    },
];

fn dialect(sql: &str, engine: Engine) -> String {
    let id = match engine {
        Engine::Sqlite => "INTEGER PRIMARY KEY",
        Engine::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    sql.replace("{ID}", id)
}

/// Splits a file into statements at `;` line ends, keeping a trigger's `BEGIN … END;` whole.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_trigger = false;
    for line in sql.lines() {
        let t = line.trim();
        if t.starts_with("--") || t.is_empty() {
            continue;
        }
        if t.to_ascii_uppercase().starts_with("CREATE TRIGGER") {
            in_trigger = true;
        }
        current.push_str(line);
        current.push('\n');
        let ends = if in_trigger {
            t.eq_ignore_ascii_case("END;")
        } else {
            t.ends_with(';')
        };
        if ends {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
            in_trigger = false;
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

pub(crate) async fn run(store: &Store) -> StoreResult<()> {
    let pool = &store.write;
    pool.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
        .fetch_all(pool)
        .await?;
    let mut changed = false;
    for m in MIGRATIONS {
        let (version, name) = (&m.version, &m.name);
        if applied.contains(version) {
            continue;
        }
        let own = match store.engine() {
            Engine::Sqlite => m.sqlite,
            Engine::Postgres => m.postgres,
        };
        let mut tx = pool.begin().await?;
        for sql in [m.common, own] {
            for stmt in statements(&dialect(sql, store.engine())) {
                tx.execute(stmt.as_str()).await?;
            }
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(*version)
        .bind(*name)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        changed = true;
        tracing::info!(version, name, "applied migration");
    }
    // A database analysed before (SQLite keeps statistics only when asked) is analysed again
    // after new indexes, or the planner weighs them without statistics against old ones that
    // have them and may pick the wrong one. PostgreSQL's autovacuum does this by itself.
    if changed && store.engine() == Engine::Sqlite {
        let analysed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'",
        )
        .fetch_one(pool)
        .await?;
        if analysed > 0 {
            pool.execute("ANALYZE").await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_stay_whole() {
        let sql = "CREATE TABLE a (x BIGINT);\n-- note\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  INSERT INTO b VALUES (2);\nEND;\nCREATE INDEX i ON a(x);";
        let s = statements(sql);
        assert_eq!(s.len(), 3);
        assert!(s[1].contains("VALUES (2);") && s[1].ends_with("END"));
    }
}
