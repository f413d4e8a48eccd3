//! The login throttle's shared state (`login_windows`, `login_known`); the rules are
//! `trust_core::login_throttle`, applied by the caller inside one write transaction.

use sqlx::Executor;
use trust_store_rows::{KnownAddressRow, WindowRow};

use crate::{Conn, Db};

/// The stored windows among `keys` (a key not stored has no failures).
pub async fn windows<'e>(
    e: impl Executor<'e, Database = Db>,
    keys: &[String; 3],
) -> Result<Vec<WindowRow>, sqlx::Error> {
    sqlx::query_as!(
        WindowRow,
        r#"SELECT key, started_at AS "started_at!: i64", failures AS "failures!: i64"
           FROM login_windows WHERE key IN ($1, $2, $3)"#,
        keys[0],
        keys[1],
        keys[2]
    )
    .fetch_all(e)
    .await
}

/// Writes windows (key, started at, failures, ends at), replacing stored ones.
pub async fn save_windows(
    conn: &mut Conn,
    windows: &[(String, i64, i64, i64)],
) -> Result<(), sqlx::Error> {
    for (key, started_at, failures, ends_at) in windows {
        sqlx::query!(
            "INSERT INTO login_windows (key, started_at, failures, ends_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET started_at = excluded.started_at,
                 failures = excluded.failures, ends_at = excluded.ends_at",
            key,
            started_at,
            failures,
            ends_at
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Deletes the windows that ended by `now`.
pub async fn sweep<'e>(e: impl Executor<'e, Database = Db>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_windows WHERE ends_at <= $1", now)
        .execute(e)
        .await
        .map(drop)
}

/// The known addresses of `account`.
pub async fn known<'e>(
    e: impl Executor<'e, Database = Db>,
    account: &str,
) -> Result<Vec<KnownAddressRow>, sqlx::Error> {
    sqlx::query_as!(
        KnownAddressRow,
        r#"SELECT address, at AS "at!: i64" FROM login_known WHERE account = $1"#,
        account
    )
    .fetch_all(e)
    .await
}

/// Replaces the known addresses of `account`.
pub async fn save_known(
    conn: &mut Conn,
    account: &str,
    known: &[(String, i64)],
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_known WHERE account = $1", account)
        .execute(&mut *conn)
        .await?;
    for (address, at) in known {
        sqlx::query!(
            "INSERT INTO login_known (account, address, at) VALUES ($1, $2, $3)",
            account,
            address,
            at
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
