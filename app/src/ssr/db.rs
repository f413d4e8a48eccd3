//! The console's storage: SQLite (the embedded default) or PostgreSQL (the shared store of
//! several instances), chosen by the database URL at start.
//!
//! # Shape
//! Every query is written once, in SQL both engines accept (`$n` placeholders, timestamps
//! computed in Rust, `RETURNING` instead of `last_insert_rowid()`), in `app/store/queries/`.
//! That one source is compiled twice — by `trust-store-sqlite` against SQLite and by
//! `trust-store-postgres` against PostgreSQL, each crate with its own sqlx offline data — so
//! both backends keep sqlx's compile-time checking of every query. This module is the one
//! interface the rest of the server sees: a [`Pool`], a write transaction [`Tx`], and one
//! repository module per table whose functions take any [`Handle`] (the pool, a transaction, a
//! connection) and dispatch to the backend's copy of the query. Sealing and opening secret
//! columns happens here too, above both backends.
//!
//! sqlx's `Any` driver was not used: it checks no query at compile time. Writes run in a
//! [`Tx`] from [`Pool::begin_write`]: one writer at a time on either backend (`BEGIN
//! IMMEDIATE` on SQLite; a database-wide advisory lock on PostgreSQL, across instances — see
//! `trust_store_postgres::begin_write` for why not `SERIALIZABLE` with retries); a write that
//! could not get its turn in time ([`is_conflict`]) answers 409, never 500.

pub mod audit;
pub mod copy;
pub mod deployments;
pub mod documents;
pub mod exports;
pub mod keys;
pub mod sessions;
pub mod test_keys;
pub mod throttle;
pub mod users;
pub mod versions;

use sqlx::{
    PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
    pool::PoolConnection,
};

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite:` URLs: a file (or memory) database in this process.
    Sqlite,
    /// `postgres://` or `postgresql://` URLs.
    Postgres,
}

impl Backend {
    /// The backend of `url`, by its scheme; `None` for anything else.
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':').map(|(scheme, _)| scheme)?;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            _ => None,
        }
    }
}

/// `url` with any password replaced by `***`, for logs and error messages (a PostgreSQL URL can
/// carry one: `postgres://user:secret@host/db`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The authority ends at the first '/', '?' or '#'; its userinfo at its last '@'.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let redacted_tail = redact_query_password(tail);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{redacted_tail}"),
            None => format!("{scheme}://{userinfo}@{host}{redacted_tail}"),
        },
        None => format!("{scheme}://{authority}{redacted_tail}"),
    }
}

/// A `password=` query parameter replaced by `password=***`.
fn redact_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// A pool of connections to the console's database. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Opening or migrating the database failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL names no supported database.
    #[error("the database URL must start with sqlite: or postgres:// (got {0})")]
    Scheme(String),
    /// Connecting failed.
    #[error("cannot open the database {url}: {source}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// Why.
        source: sqlx::Error,
    },
}

impl Pool {
    /// Opens the database at `url` (`sqlite:…` creates a missing file).
    ///
    /// # Errors
    /// [`OpenError`], its message free of any password in the URL.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let connect = |source| OpenError::Connect {
            url: redact_url(url),
            source,
        };
        match Backend::of_url(url) {
            Some(Backend::Sqlite) => trust_store_sqlite::open(url)
                .await
                .map(Self::Sqlite)
                .map_err(connect),
            Some(Backend::Postgres) => trust_store_postgres::open(url)
                .await
                .map(Self::Postgres)
                .map_err(connect),
            None => Err(OpenError::Scheme(redact_url(url))),
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs the backend's pending migrations.
    ///
    /// # Errors
    /// A migration failed, or the database holds migrations this build does not know.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Self::Sqlite(pool) => trust_store_sqlite::MIGRATOR.run(pool).await,
            Self::Postgres(pool) => trust_store_postgres::MIGRATOR.run(pool).await,
        }
    }

    /// Begins a write transaction, one writer at a time: `BEGIN IMMEDIATE` on SQLite (it takes
    /// the write lock at the start, so concurrent writers queue on the busy timeout instead of
    /// failing to upgrade), a database-wide advisory lock on PostgreSQL (writers on every
    /// instance queue for it). Every write goes through here.
    ///
    /// # Errors
    /// No connection, or SQLite's lock, could be had in time.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(trust_store_sqlite::begin_write(pool).await?),
            Self::Postgres(pool) => Tx::Postgres(trust_store_postgres::begin_write(pool).await?),
        })
    }

    /// One connection, for several reads in a row.
    ///
    /// # Errors
    /// No connection could be had in time.
    pub async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Self::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.is_ok(),
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// A write transaction from [`Pool::begin_write`]. Dropped without [`Tx::commit`], it rolls
/// back.
#[derive(Debug)]
pub enum Tx {
    /// SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits.
    ///
    /// # Errors
    /// The commit failed (on PostgreSQL a serialization failure can surface here).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(tx) => tx.commit().await,
            Self::Postgres(tx) => tx.commit().await,
        }
    }
}

/// One pooled connection from [`Pool::acquire`].
#[derive(Debug)]
pub enum Conn {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Postgres(PoolConnection<Postgres>),
}

/// What a repository function runs its query on, by backend.
#[derive(Debug)]
pub enum Access<'a> {
    /// A SQLite pool.
    SqlitePool(&'a SqlitePool),
    /// A SQLite connection or transaction.
    SqliteConn(&'a mut SqliteConnection),
    /// A PostgreSQL pool.
    PostgresPool(&'a PgPool),
    /// A PostgreSQL connection or transaction.
    PostgresConn(&'a mut PgConnection),
}

/// Anything a query can run on: `&Pool`, `&mut Tx`, `&mut Conn`.
pub trait Handle<'a>: Send {
    /// The backend's executor.
    fn access(self) -> Access<'a>;
}

impl<'a> Handle<'a> for &'a Pool {
    fn access(self) -> Access<'a> {
        match self {
            Pool::Sqlite(pool) => Access::SqlitePool(pool),
            Pool::Postgres(pool) => Access::PostgresPool(pool),
        }
    }
}

impl<'a> Handle<'a> for &'a mut Tx {
    fn access(self) -> Access<'a> {
        match self {
            Tx::Sqlite(tx) => Access::SqliteConn(tx),
            Tx::Postgres(tx) => Access::PostgresConn(tx),
        }
    }
}

impl<'a> Handle<'a> for &'a mut Conn {
    fn access(self) -> Access<'a> {
        match self {
            Conn::Sqlite(conn) => Access::SqliteConn(conn),
            Conn::Postgres(conn) => Access::PostgresConn(conn),
        }
    }
}

/// Runs the backend's copy of a shared query on a [`Handle`]:
/// `dispatch!(db, deployments::find(name))`.
macro_rules! dispatch {
    ($handle:expr, $module:ident :: $function:ident ( $($arg:expr),* $(,)? )) => {
        match $crate::ssr::db::Handle::access($handle) {
            $crate::ssr::db::Access::SqlitePool(e) => {
                trust_store_sqlite::$module::$function(e, $($arg),*).await
            }
            $crate::ssr::db::Access::SqliteConn(e) => {
                trust_store_sqlite::$module::$function(e, $($arg),*).await
            }
            $crate::ssr::db::Access::PostgresPool(e) => {
                trust_store_postgres::$module::$function(e, $($arg),*).await
            }
            $crate::ssr::db::Access::PostgresConn(e) => {
                trust_store_postgres::$module::$function(e, $($arg),*).await
            }
        }
    };
}
pub(crate) use dispatch;

/// Runs the backend's copy of a shared function that takes a connection (several statements
/// in one transaction): `dispatch_tx!(tx, exports::record(deployment, …))`.
macro_rules! dispatch_tx {
    ($tx:expr, $module:ident :: $function:ident ( $($arg:expr),* $(,)? )) => {
        match $tx {
            $crate::ssr::db::Tx::Sqlite(tx) => {
                trust_store_sqlite::$module::$function(tx, $($arg),*).await
            }
            $crate::ssr::db::Tx::Postgres(tx) => {
                trust_store_postgres::$module::$function(tx, $($arg),*).await
            }
        }
    };
}
pub(crate) use dispatch_tx;

/// Held while one instance prepares a PostgreSQL database at start (migrations, master key check
/// value, first admin): a session-level advisory lock on a connection of its own, so instances
/// starting together on an empty database take turns instead of racing (the SQLite start's
/// equivalent is a lock file beside the database). Released by [`PgStartLock::release`], or by
/// the server when the connection drops with a crashed start.
#[derive(Debug)]
pub struct PgStartLock(PgConnection);

/// The advisory lock key of [`PgStartLock`] (any constant the console alone uses).
const START_LOCK_KEY: i64 = 0x7472_7573_745f_7463; // "trust_tc"

impl PgStartLock {
    /// Waits for the lock on the database at `url`.
    ///
    /// # Errors
    /// [`OpenError`] when the database cannot be reached.
    pub async fn take(url: &str) -> Result<Self, OpenError> {
        use sqlx::Connection as _;
        let connect = |source| OpenError::Connect {
            url: redact_url(url),
            source,
        };
        let mut conn = PgConnection::connect(url).await.map_err(connect)?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(START_LOCK_KEY)
            .execute(&mut conn)
            .await
            .map_err(connect)?;
        Ok(Self(conn))
    }

    /// Lets the next instance in.
    pub async fn release(self) {
        use sqlx::Connection as _;
        // Closing the session releases its advisory locks.
        let _ = self.0.close().await;
    }
}

/// Whether a database error means another writer got there first — SQLite busy or locked
/// past the busy timeout, PostgreSQL's write lock not had in time, a serialization failure or
/// deadlock. Such a write is a
/// conflict to retry, not a server fault.
pub fn is_conflict(error: &sqlx::Error) -> bool {
    trust_store_sqlite::is_conflict(error) || trust_store_postgres::is_conflict(error)
}

/// Whether a database error is text PostgreSQL cannot store (a NUL character): the request's
/// fault, answered 400. SQLite stores such text as it is.
pub fn is_unstorable_text(error: &sqlx::Error) -> bool {
    trust_store_postgres::is_unstorable_text(error)
}

#[cfg(test)]
pub(crate) mod testing {
    //! A fresh, migrated in-memory SQLite database per test.

    use super::Pool;
    use sqlx::SqlitePool;

    /// A fresh in-memory database with every migration applied.
    pub(crate) async fn memory_pool() -> Pool {
        let pool = Pool::open("sqlite::memory:").await.unwrap();
        pool.migrate().await.unwrap();
        pool
    }

    fn sqlite(pool: &Pool) -> &SqlitePool {
        match pool {
            Pool::Sqlite(pool) => pool,
            Pool::Postgres(_) => unreachable!("unit tests run on SQLite"),
        }
    }

    /// Runs a statement a test sets its scene with.
    pub(crate) async fn exec(pool: &Pool, sql: &str) {
        sqlx::query(sql).execute(sqlite(pool)).await.unwrap();
    }

    /// The first column of the first row of `sql`.
    pub(crate) async fn scalar<T>(pool: &Pool, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
    {
        sqlx::query_scalar(sql)
            .fetch_one(sqlite(pool))
            .await
            .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(
            Backend::of_url("sqlite://x.db?mode=rwc"),
            Some(Backend::Sqlite)
        );
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres://h/db"), Some(Backend::Postgres));
        assert_eq!(
            Backend::of_url("PostgreSQL://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
        assert_eq!(Backend::of_url("no scheme"), None);
    }

    #[test]
    fn passwords_never_leave_a_url() {
        for (url, shown) in [
            (
                "postgres://tc:s3cret@db:5432/tc",
                "postgres://tc:***@db:5432/tc",
            ),
            ("postgres://tc:p%40ss@w0rd@db/tc", "postgres://tc:***@db/tc"),
            (
                "postgres://tc@db/tc?password=s3cret&sslmode=require",
                "postgres://tc@db/tc?password=***&sslmode=require",
            ),
            ("postgres://db/tc", "postgres://db/tc"),
            (
                "sqlite://data/console.db?mode=rwc",
                "sqlite://data/console.db?mode=rwc",
            ),
        ] {
            let redacted = redact_url(url);
            assert_eq!(redacted, shown);
            assert!(
                !redacted.contains("s3cret") && !redacted.contains("w0rd"),
                "{redacted}"
            );
        }
    }

    #[tokio::test]
    async fn a_url_of_another_database_is_refused_by_name() {
        let error = Pool::open("mysql://root:s3cret@db/tc").await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains("sqlite: or postgres://"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }
}
