//! SQLite access: opening the pool, embedded migrations, and one repository per table.
//!
//! Repositories take a `&mut SqliteConnection` for writes so that a caller can run the change
//! and its audit entry in one transaction.

pub mod audit;
pub mod deployments;
pub mod documents;
pub mod exports;
pub mod test_keys;
pub mod users;
pub mod versions;

use std::{str::FromStr, time::Duration};

use sqlx::{
    Sqlite, SqlitePool, Transaction,
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if missing) the database at `url` with WAL journaling, foreign keys and
/// `secure_delete`.
///
/// # Errors
/// The URL is malformed or the file cannot be opened.
pub async fn open(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // Deleted rows (old secret values among them) are overwritten, not left in free pages.
        .pragma("secure_delete", "on")
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(8)
        // A pooled SQLite connection is a file handle in this process: it cannot go stale as a
        // network connection can, so the ping sqlx sends before handing one out (a round trip
        // to the connection's worker thread) only costs time. A failing statement still fails.
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// Begins a write transaction with `BEGIN IMMEDIATE`: it takes SQLite's write lock at the
/// start, so concurrent writers queue on the busy timeout. A deferred `BEGIN` would read first
/// and fail with "database is locked" when two transactions both try to upgrade to writing.
/// Every write that spans more than one statement goes through here.
///
/// # Errors
/// The pool or the lock could not be had within the busy timeout.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Whether a database error is SQLite's "busy" or "locked": another writer held the lock for
/// longer than the busy timeout. Such a write is a conflict to retry, not a server fault.
pub fn is_busy(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| {
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
            code.parse::<i32>()
                .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
        })
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query_scalar!("SELECT 1 AS one")
        .fetch_one(pool)
        .await
        .is_ok()
}
