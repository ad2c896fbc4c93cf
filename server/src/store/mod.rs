//! Storage: one [`Store`] over SQLite or PostgreSQL, chosen at run time from the URL.
//!
//! Both backends run the same SQL through sqlx's `Any` driver (positional `$n` parameters,
//! `RETURNING`, partial indexes and `ON CONFLICT` exist in both); only the migrations differ, one
//! folder per backend. Values are the types `Any` carries faithfully: `TEXT` and 64-bit integers.
//!
//! # Concurrency
//! SQLite allows one writer at a time. Rather than let several pooled connections race for the
//! write lock (and fail with `SQLITE_BUSY` when a read transaction tries to upgrade), all write
//! transactions go through a pool of exactly one connection and queue in the pool; reads use a
//! separate pool and, thanks to WAL, never wait for writers. PostgreSQL also gets a write pool and
//! a read pool, so reads made while a transaction is open never wait for connections held by other
//! open transactions; row locks order concurrent writers (`UPDATE … RETURNING` on the counter row).
//! Sends, the hot write, share transactions through [`batch`] (group commit).
//!
//! Each submodule owns its tables: [`accounts`] (users, sessions), [`events`] (user event
//! streams), [`social`] (friend requests, friendships, blocks), [`chat`] (conversations, members,
//! messages), [`conversations`] (a user's conversation list), [`groups`] (groups, join
//! requests), [`pairs`] (direct and temporary two-person conversations), [`files`] (uploads,
//! file records, attachments).

pub mod accounts;
pub mod batch;
pub mod chat;
pub mod conversations;
pub mod events;
pub mod files;
pub mod groups;
pub mod messages;
pub mod pairs;
pub mod reactions;
pub mod receipts;
pub mod social;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, ConnectOptions};

use crate::config::SqliteSync;
use crate::error::{Error, Result};

/// A transaction on the write pool.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A `LIKE` pattern that matches `query` literally (lowercased) anywhere in a value, with its
/// wildcards escaped for `ESCAPE '\\'`; `prefix` anchors it at the start instead.
pub(crate) fn like_pattern(query: &str, prefix: bool) -> String {
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    if prefix {
        format!("{escaped}%")
    } else {
        format!("%{escaped}%")
    }
}

/// A page of a seq-numbered stream (a user's events, a conversation's messages): the entries
/// with `after < seq <= until`, oldest first, at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqPage {
    /// Exclusive lower bound.
    pub after: u64,
    /// Inclusive upper bound.
    pub until: u64,
    /// At most this many entries.
    pub limit: u32,
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a transaction runs on: the one place a driver's name becomes a [`Backend`].
    pub fn of(tx: &Tx) -> Backend {
        match tx.backend_name() {
            "SQLite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }

    /// Start a write transaction on a connection of `pool`. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so a writer that finds the database locked by another process
    /// waits out the busy timeout instead of failing when its first write tries to upgrade a
    /// read snapshot (which SQLite refuses without waiting).
    pub async fn begin(self, pool: &AnyPool) -> Result<Tx> {
        Ok(match self {
            Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => pool.begin().await?,
        })
    }
}

/// A write connection comes back to its pool only outside any transaction. After a failed
/// COMMIT (a full disk, say) a connection can be left inside a transaction that never ends, or
/// with the driver's idea of it out of step with the database's; later writes would then land
/// in that transaction and be acknowledged without ever being durable. Such a connection is
/// closed (which rolls back whatever it holds) and a fresh one opened on demand.
fn release_check(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> futures_util::future::BoxFuture<'_, std::result::Result<bool, sqlx::Error>> {
    use sqlx::Connection;
    Box::pin(async move {
        // The ping runs after any rollback the driver queued when the transaction was dropped.
        conn.ping().await?;
        Ok(!conn.is_in_transaction())
    })
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    batches: batch::Batcher,
    /// SQLite: the page cap every writer connection applies when it opens (0: none). See
    /// [`Store::limit_sqlite_pages`].
    page_limit: Arc<AtomicU64>,
}

static DRIVERS: Once = Once::new();

/// Register sqlx's `Any` drivers (idempotent).
pub fn install_drivers() {
    DRIVERS.call_once(sqlx::any::install_default_drivers);
}

impl Store {
    /// Open (creating an SQLite file if needed) and migrate.
    pub async fn open(url: &str, sqlite_sync: SqliteSync) -> Result<Store> {
        install_drivers();
        let store = if url.starts_with("sqlite:") {
            Self::open_sqlite(url, sqlite_sync).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = AnyConnectOptions::from_str(url)?
                .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
            // Separate pools for writes and reads, as on SQLite: a transaction that reads while it
            // is open (through the read pool) can then never wait for a connection held by other
            // open transactions, so many concurrent writers cannot starve each other.
            let pool = |max| {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_release(release_check)
                    .connect_with(options.clone())
            };
            let write = pool(16).await?;
            Store {
                backend: Backend::Postgres,
                // Half the write connections commit batches; the rest serve other transactions.
                batches: batch::Batcher::start(write.clone(), Backend::Postgres, 8),
                write,
                read: pool(16).await?,
                page_limit: Arc::default(),
            }
        } else {
            return Err(Error::Internal(format!(
                "unsupported database URL (use sqlite:// or postgres://): {url}"
            )));
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(url: &str, sync: SqliteSync) -> Result<Store> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .map(|p| p.split('?').next().unwrap_or(p))
            && let Some(parent) = Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format_args!("creating {}", parent.display()), e))?;
        }
        let url = if url.contains('?') {
            url.to_owned()
        } else {
            format!("{url}?mode=rwc")
        };
        let sync = match sync {
            SqliteSync::Full => "FULL",
            SqliteSync::Normal => "NORMAL",
        };
        // secure_delete: recalled message text is overwritten on disk, not just unlinked.
        let pragmas = format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA busy_timeout = 10000; \
             PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
        );
        let options = AnyConnectOptions::from_str(&url)?;
        let page_limit = Arc::new(AtomicU64::new(0));
        // No ping before handing out a connection: an embedded database has no link to lose, and
        // each ping is one more round trip to the connection's worker thread (a send is only
        // about nine statements; the pings of its three acquisitions were a quarter of it).
        let write = AnyPoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_release(release_check)
            .after_connect({
                let page_limit = page_limit.clone();
                move |conn, _| {
                    // `sync` is one of two fixed words and the page cap a number, so this SQL is
                    // not attacker-controlled.
                    let pragmas = match page_limit.load(Ordering::Relaxed) {
                        0 => pragmas.clone(),
                        pages => format!("{pragmas} PRAGMA max_page_count = {pages};"),
                    };
                    Box::pin(async move {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas))
                            .execute(conn)
                            .await?;
                        Ok(())
                    })
                }
            })
            .connect_with(options.clone())
            .await?;
        let read = AnyPoolOptions::new()
            .test_before_acquire(false)
            .max_connections(8)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql("PRAGMA busy_timeout = 10000; PRAGMA query_only = ON;")
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            })
            .connect_lazy_with(options);
        Ok(Store {
            backend: Backend::Sqlite,
            read,
            // One writer, so one batch at a time.
            batches: batch::Batcher::start(write.clone(), Backend::Sqlite, 1),
            write,
            page_limit,
        })
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.write)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.write)
                    .await?
            }
        }
        Ok(())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Pool for reads.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// Every row `sql` reads (from the read pool) for its one text parameter `$1`, each turned
    /// into a `T` by `read`.
    pub(crate) async fn rows_for<T>(
        &self,
        sql: &'static str,
        param: &str,
        read: impl Fn(&AnyRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        sqlx::query(sql)
            .bind(param)
            .fetch_all(self.reader())
            .await?
            .iter()
            .map(read)
            .collect()
    }

    /// Start a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        self.backend.begin(&self.write).await
    }

    /// Run `work` in a write transaction shared with other concurrent work (group commit; see
    /// [`batch`]). The result is returned after the commit; an error undoes only `work`.
    pub async fn batch<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> futures_util::future::BoxFuture<'t, Result<T>>
            + Send
            + 'static,
    {
        self.batches.run(work).await
    }

    /// Write jobs waiting for the next batch (for monitoring and tests).
    pub fn queued_batch_jobs(&self) -> usize {
        self.batches.queued()
    }

    /// How many write batches can run at once.
    pub fn batch_workers(&self) -> usize {
        self.batches.workers()
    }

    /// A read-only transaction on the read pool (a consistent snapshot for several reads).
    pub async fn read_tx(&self) -> Result<Tx> {
        Ok(self.read.begin().await?)
    }

    /// SQLite: cap the database at `pages` pages (`None`: SQLite's own maximum), now and on every
    /// writer connection opened later. A write that would grow the database beyond the cap fails
    /// exactly as on a full disk (`SQLITE_FULL`), which lets the fault tests fill "the disk"
    /// without a mount. SQLite never sets the cap below the current size.
    pub async fn limit_sqlite_pages(&self, pages: Option<u64>) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Internal("max_page_count is SQLite only".into()));
        }
        // SQLite's largest page count (the default cap).
        const SQLITE_MAX: u64 = 4_294_967_294;
        self.page_limit.store(pages.unwrap_or(0), Ordering::Relaxed);
        let pages = pages.unwrap_or(SQLITE_MAX);
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {pages}"
        )))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// SQLite: the database's size in pages.
    pub async fn sqlite_page_count(&self) -> Result<u64> {
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&self.write)
            .await?;
        Ok(u(pages))
    }

    /// Close all connections (waits for in-flight queries).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// Write a consistent copy of an SQLite database to `dest` (`VACUUM INTO`, safe while the
    /// server runs). PostgreSQL is backed up with `pg_dump`.
    pub async fn backup_sqlite(&self, dest: &Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(Error::Internal("VACUUM INTO is SQLite only".into()));
        }
        let dest = dest.to_string_lossy().replace('\'', "''");
        // VACUUM INTO takes no bind parameters; the path is quoted with '' escaping.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("VACUUM INTO '{dest}'")))
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

/// `n` bind placeholders numbered from `$first`, comma-separated (`$3, $4, $5`), for an `IN`
/// list: only placeholders are ever formatted into SQL, every value is bound.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Integers are stored as signed 64-bit; every value we store is non-negative and below 2^53.
pub(crate) fn u(v: i64) -> u64 {
    v.max(0) as u64
}

/// See [`u`].
pub(crate) fn i(v: u64) -> i64 {
    v.min(i64::MAX as u64) as i64
}
