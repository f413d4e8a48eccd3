//! The sealed columns, for the master key's first start and rotation: list each column's rows
//! and replace one value; the database's check value.

use sqlx::Executor;
use trust_store_rows::SealedRow;

use crate::Db;

/// Every stored secret: key `[kind, name, setting]`.
pub async fn secrets<'e>(
    e: impl Executor<'e, Database = Db>,
) -> Result<Vec<SealedRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT deployment AS "deployment!: i64", kind, name, setting, value FROM secrets"#
    )
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SealedRow {
            deployment: r.deployment,
            key: vec![r.kind, r.name, r.setting],
            value: r.value,
        })
        .collect())
}

/// Replaces one secret's stored value.
pub async fn set_secret<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE secrets SET value = $1 WHERE deployment = $2 AND kind = $3 AND name = $4 AND setting = $5",
        value,
        deployment,
        kind,
        name,
        setting
    )
    .execute(e)
    .await
    .map(drop)
}

/// Every test signing key: key `[realm]`.
pub async fn test_keys<'e>(
    e: impl Executor<'e, Database = Db>,
) -> Result<Vec<SealedRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT deployment AS "deployment!: i64", realm, private_pem FROM test_signing_keys"#
    )
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SealedRow {
            deployment: r.deployment,
            key: vec![r.realm],
            value: r.private_pem,
        })
        .collect())
}

/// Replaces one test key's stored value.
pub async fn set_test_key<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    realm: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE test_signing_keys SET private_pem = $1 WHERE deployment = $2 AND realm = $3",
        value,
        deployment,
        realm
    )
    .execute(e)
    .await
    .map(drop)
}

/// Every secure kept setting: key `[key]`, value the stored JSON string.
pub async fn kept<'e>(e: impl Executor<'e, Database = Db>) -> Result<Vec<SealedRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT deployment AS "deployment!: i64", key, value_json
           FROM unmodelled_settings WHERE secure = TRUE"#
    )
    .fetch_all(e)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SealedRow {
            deployment: r.deployment,
            key: vec![r.key],
            value: r.value_json,
        })
        .collect())
}

/// Replaces one secure kept setting's stored JSON.
pub async fn set_kept<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    key: &str,
    value_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE unmodelled_settings SET value_json = $1 WHERE deployment = $2 AND key = $3",
        value_json,
        deployment,
        key
    )
    .execute(e)
    .await
    .map(drop)
}

/// How many sealed columns still hold plaintext (written by a console from before encryption).
pub async fn plaintext_count<'e>(e: impl Executor<'e, Database = Db>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (SELECT COUNT(*) FROM secrets WHERE value NOT LIKE 'tc1:%')
                + (SELECT COUNT(*) FROM test_signing_keys WHERE private_pem NOT LIKE 'tc1:%')
                + (SELECT COUNT(*) FROM unmodelled_settings
                    WHERE secure = TRUE AND value_json NOT LIKE '"tc1:%') AS "n!: i64""#
    )
    .fetch_one(e)
    .await
}

/// The database's sealed check value, if it has one.
pub async fn check_value<'e>(
    e: impl Executor<'e, Database = Db>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT sealed FROM master_key_check WHERE id = 1")
        .fetch_optional(e)
        .await
}

/// Sets the database's sealed check value.
pub async fn set_check_value<'e>(
    e: impl Executor<'e, Database = Db>,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO master_key_check (id, sealed) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET sealed = excluded.sealed",
        sealed
    )
    .execute(e)
    .await
    .map(drop)
}
