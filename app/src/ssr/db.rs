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

use std::{str::FromStr, time::Duration};

use sqlx::{
    SqlitePool,
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

/// Opens (creating if missing) the database at `url` with WAL journaling and foreign keys.
///
/// # Errors
/// The URL is malformed or the file cannot be opened.
pub async fn open(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// Whether the database answers a trivial query.
pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query_scalar!("SELECT 1 AS one")
        .fetch_one(pool)
        .await
        .is_ok()
}
