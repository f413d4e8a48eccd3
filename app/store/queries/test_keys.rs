//! The `test_signing_keys` table: one private key per realm for signing playground test
//! tokens, stored sealed (sealing and opening are the caller's). Reads for the browser see the
//! public JWK and when it was set.

use sqlx::Executor;
use trust_store_rows::TestKeyMark;

use crate::Db;

/// Every realm's test key, without the private half.
pub async fn marks<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
) -> Result<Vec<TestKeyMark>, sqlx::Error> {
    sqlx::query_as!(
        TestKeyMark,
        r#"SELECT realm, public_jwk, changed_at FROM test_signing_keys WHERE deployment = $1
           ORDER BY realm"#,
        deployment
    )
    .fetch_all(e)
    .await
}

/// The stored (sealed) private key of `realm`.
pub async fn private_pem<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    realm: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT private_pem FROM test_signing_keys
           WHERE deployment = $1 AND kind = 'realm' AND realm = $2"#,
        deployment,
        realm
    )
    .fetch_optional(e)
    .await
}

/// Sets (or replaces) the test key of `realm`, which must exist.
pub async fn set<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    realm: &str,
    sealed_pem: &str,
    public_jwk: &str,
) -> Result<(), sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query!(
        r#"INSERT INTO test_signing_keys (deployment, realm, private_pem, public_jwk, changed_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (deployment, kind, realm) DO UPDATE SET private_pem = excluded.private_pem,
               public_jwk = excluded.public_jwk, changed_at = excluded.changed_at"#,
        deployment,
        realm,
        sealed_pem,
        public_jwk,
        now
    )
    .execute(e)
    .await?;
    Ok(())
}

/// Removes the test key of `realm`; whether there was one.
pub async fn clear<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    realm: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        r#"DELETE FROM test_signing_keys WHERE deployment = $1 AND kind = 'realm' AND realm = $2"#,
        deployment,
        realm
    )
    .execute(e)
    .await?;
    Ok(done.rows_affected() > 0)
}
