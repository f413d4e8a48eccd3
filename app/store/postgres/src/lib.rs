//! The console's storage on PostgreSQL (the shared store of several instances).
//!
//! The queries are the shared source in `app/store/queries/`, compiled here against PostgreSQL
//! (offline data in this crate's `.sqlx/`) and in `trust-store-sqlite` against SQLite. What
//! differs per backend lives in this file: opening the pool, the migrations
//! (`migrations/postgres/`), how a write transaction begins and which errors mean "another
//! writer got there first".

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool, Postgres, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// The database the shared queries are compiled against here.
pub type Db = Postgres;
/// One connection.
pub type Conn = sqlx::PgConnection;

/// Picks this backend's spelling of the rare query that cannot be written once for both.
macro_rules! per_backend {
    (sqlite: $sqlite:expr, postgres: $postgres:expr $(,)?) => {
        $postgres
    };
}
pub(crate) use per_backend;

include!("../../queries/modules.rs");

/// The PostgreSQL migrations in `migrations/postgres/`, compiled into the binary. sqlx runs
/// them under a PostgreSQL advisory lock, so instances starting together take turns.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../../migrations/postgres");

/// Opens a pool on the database at `url` (`postgres://…`).
///
/// # Errors
/// The URL is malformed or the server cannot be reached.
pub async fn open(url: &str) -> Result<PgPool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
}

/// The transaction-level advisory lock every write takes first (a constant the console alone
/// uses; the start lock in `app::ssr::db` is another).
const WRITE_LOCK_KEY: i64 = 0x7472_7573_745f_7772; // "trust_wr"

/// Begins a write transaction: `READ COMMITTED`, then one database-wide transaction-level
/// advisory lock, waited for up to 5 s. Writers on every instance thus take turns — the same
/// one-writer-at-a-time that `BEGIN IMMEDIATE` gives SQLite — and each statement after the
/// lock sees everything committed before it, so invariants checked by reading ("the last
/// deployment cannot be deleted") hold when two instances write at once, and version checks
/// in `UPDATE … WHERE version = $n` refuse the later of two edits.
///
/// Chosen over `SERIALIZABLE` with retries: the triggers that count a deployment's generation
/// and the change counter make every two concurrent writes update the same rows, so under
/// `SERIALIZABLE` nearly every overlap would fail (40001) and be retried — measured: 150 of 200
/// concurrent saves of different resources failed. The lock is taken inside `READ COMMITTED`
/// on purpose: a `SERIALIZABLE` or `REPEATABLE READ` snapshot is taken by the lock statement
/// itself, before the wait, and would be stale after it.
///
/// # Errors
/// The pool could not hand out a connection; the lock was not had within 5 s (55P03, a
/// conflict).
pub async fn begin_write(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL lock_timeout = '5s'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(WRITE_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Whether a database error is text PostgreSQL cannot store (a NUL character, 22021 / 22P05).
pub fn is_unstorable_text(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .is_some_and(|e| matches!(e.code(), "22021" | "22P05"))
}

/// Whether a database error means another writer held on for too long or got there first: the
/// write lock not had in time (55P03), a serialization failure (40001) or a deadlock (40P01).
/// The write may be tried again.
pub fn is_conflict(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .map(sqlx::postgres::PgDatabaseError::code)
        .is_some_and(|code| matches!(code, "55P03" | "40001" | "40P01"))
}
