use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::AnyPool;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Invalid(String),
    /// A row that the write path expected was not there (or not at the expected version).
    #[error("conflict: {0}")]
    Conflict(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A handle on the database. SQLite allows one writer at a time, so writes go through a
/// dedicated single-connection pool while reads use a pool of their own; PostgreSQL uses one
/// pool for both.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    /// SQLite only: a native read pool for long scans (audit verification), where the `Any`
    /// layer's per-row conversion and small row buffer dominated the cost.
    pub(crate) sqlite_scan: Option<sqlx::SqlitePool>,
    engine: Engine,
}

impl Store {
    /// Opens (and for SQLite creates) the database at `url` and applies pending migrations.
    /// `url` is `sqlite://path`, `sqlite::memory:`, a plain file path, or `postgres://…`.
    pub async fn open(url: &str) -> StoreResult<Store> {
        sqlx::any::install_default_drivers();
        let (engine, url) = normalise_url(url)?;
        let store = match engine {
            Engine::Sqlite => {
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                let opts = AnyConnectOptions::from_str(&url)?;
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .after_connect(|conn, _| Box::pin(async move { sqlite_pragmas(conn).await }))
                    .connect_with(opts.clone())
                    .await?;
                // An in-memory database exists once per connection, so it cannot have readers.
                let read = if memory {
                    write.clone()
                } else {
                    AnyPoolOptions::new()
                        .max_connections(8)
                        .after_connect(|conn, _| {
                            Box::pin(async move { sqlite_pragmas(conn).await })
                        })
                        .connect_with(opts)
                        .await?
                };
                let scan = if memory {
                    None
                } else {
                    let native = sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                        .read_only(true)
                        .row_buffer_size(4096);
                    Some(
                        sqlx::sqlite::SqlitePoolOptions::new()
                            .max_connections(4)
                            .connect_with(native)
                            .await?,
                    )
                };
                Store {
                    read,
                    write,
                    sqlite_scan: scan,
                    engine,
                }
            }
            Engine::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(&url)
                    .await?;
                Store {
                    read: pool.clone(),
                    write: pool,
                    sqlite_scan: None,
                    engine,
                }
            }
        };
        crate::migrate::run(&store).await?;
        Ok(store)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub async fn close(&self) {
        if let Some(p) = &self.sqlite_scan {
            p.close().await;
        }
        self.read.close().await;
        self.write.close().await;
    }
}

async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute("PRAGMA busy_timeout = 10000").await?;
    conn.execute("PRAGMA cache_size = -65536").await?;
    conn.execute("PRAGMA temp_store = MEMORY").await?;
    // Reads of large index ranges (the command centre's figures) map the file instead of
    // copying each page through a system call; the OS page cache is shared by all connections.
    conn.execute("PRAGMA mmap_size = 1073741824").await?;
    Ok(())
}

fn normalise_url(url: &str) -> StoreResult<(Engine, String)> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Engine::Postgres, url.to_string()));
    }
    if url == "sqlite::memory:" || url.starts_with("sqlite:") {
        let mut u = url.to_string();
        if !u.contains(":memory:") && !u.contains("mode=") {
            u.push_str(if u.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
        return Ok((Engine::Sqlite, u));
    }
    if url.contains("://") {
        return Err(StoreError::Invalid(format!(
            "不支持的数据库地址：{url}（只支持 sqlite 与 postgres） / unsupported database URL"
        )));
    }
    // A plain path: make sure its folder exists, like a new user would expect.
    if let Some(dir) = std::path::Path::new(url).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!(
                    "无法创建数据目录 {} / cannot create data folder: {e}",
                    dir.display()
                ))
            })?;
        }
    }
    Ok((Engine::Sqlite, format!("sqlite://{url}?mode=rwc")))
}
