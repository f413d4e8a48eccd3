//! The console's storage on SQLite (the embedded default).
//!
//! The queries are the shared source in `app/store/queries/`, compiled here against SQLite
//! (offline data in this crate's `.sqlx/`) and in `trust-store-postgres` against PostgreSQL
//! (its own `.sqlx/`), so both backends keep sqlx's compile-time checking of every query.
//! What differs per backend lives in this file: opening the pool, the migrations, how a write
//! transaction begins and which errors mean "another writer got there first".

use std::{str::FromStr, time::Duration};

use sqlx::{
    Sqlite, SqlitePool, Transaction,
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// The database the shared queries are compiled against here.
pub type Db = Sqlite;
/// One connection.
pub type Conn = sqlx::SqliteConnection;

/// Picks this backend's spelling of the rare query that cannot be written once for both.
macro_rules! per_backend {
    (sqlite: $sqlite:expr, postgres: $postgres:expr $(,)?) => {
        $sqlite
    };
}
pub(crate) use per_backend;

include!("../../queries/modules.rs");

/// The SQLite migrations in `migrations/`, compiled into the binary (unchanged since they were
/// first released: existing databases keep validating their checksums).
pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations");

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
///
/// # Errors
/// The pool or the lock could not be had within the busy timeout.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Whether a database error is SQLite's "busy" or "locked": another writer held the lock for
/// longer than the busy timeout. Such a write is a conflict, not a server fault.
pub fn is_conflict(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx::sqlite::SqliteError>())
        .and_then(sqlx::error::DatabaseError::code)
        .is_some_and(|code| {
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
            code.parse::<i32>()
                .is_ok_and(|code| matches!(code & 0xff, 5 | 6))
        })
}
