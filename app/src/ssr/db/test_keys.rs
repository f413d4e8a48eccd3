//! The `test_signing_keys` table: one private key per realm for signing playground test
//! tokens. The private half is read only by the server; reads for the browser see the public
//! JWK and when it was set.

use crate::ssr::crypto;
use sqlx::{SqliteConnection, SqlitePool};

/// A realm's test key as the browser may see it.
pub struct TestKeyMark {
    /// The realm.
    pub realm: String,
    /// The public JWK, as JSON.
    pub public_jwk: String,
    /// When it was set, RFC 3339 UTC.
    pub changed_at: String,
}

/// Every realm's test key, without the private half.
///
/// # Errors
/// Any database error.
pub async fn marks(pool: &SqlitePool, deployment: i64) -> Result<Vec<TestKeyMark>, sqlx::Error> {
    sqlx::query_as!(
        TestKeyMark,
        r#"SELECT realm, public_jwk, changed_at FROM test_signing_keys WHERE deployment = ?
           ORDER BY realm"#,
        deployment
    )
    .fetch_all(pool)
    .await
}

/// The private key (PEM) of `realm`, for signing.
///
/// # Errors
/// Any database error.
pub async fn private_pem(
    pool: &SqlitePool,
    deployment: i64,
    realm: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sealed = sqlx::query_scalar!(
        r#"SELECT private_pem FROM test_signing_keys
           WHERE deployment = ? AND kind = 'realm' AND realm = ?"#,
        deployment,
        realm
    )
    .fetch_optional(pool)
    .await?;
    sealed
        .map(|pem| crypto::open_db(&pem, &crypto::test_key_ad(deployment, realm)))
        .transpose()
}

/// Sets (or replaces) the test key of `realm`, which must exist.
///
/// # Errors
/// Any database error (a foreign-key violation when the realm does not exist).
pub async fn set(
    conn: &mut SqliteConnection,
    deployment: i64,
    realm: &str,
    private_pem: &str,
    public_jwk: &str,
) -> Result<(), sqlx::Error> {
    let private_pem = crypto::seal_db(private_pem, &crypto::test_key_ad(deployment, realm))?;
    sqlx::query!(
        r#"INSERT INTO test_signing_keys (deployment, realm, private_pem, public_jwk)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (deployment, kind, realm) DO UPDATE SET private_pem = excluded.private_pem,
               public_jwk = excluded.public_jwk,
               changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"#,
        deployment,
        realm,
        private_pem,
        public_jwk
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the test key of `realm`; whether there was one.
///
/// # Errors
/// Any database error.
pub async fn clear(
    conn: &mut SqliteConnection,
    deployment: i64,
    realm: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"DELETE FROM test_signing_keys WHERE deployment = ? AND kind = 'realm' AND realm = ?"#,
        deployment,
        realm
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
