//! The `documents` table (named, versioned JSON documents of one kind each, each in one
//! deployment) and the `secrets` table of write-only values that belong to them. Versions are
//! compared in the `UPDATE` itself, so two concurrent edits of the same version cannot both
//! succeed. Secret values are stored sealed; sealing and opening are the caller's.

use sqlx::Executor;
use trust_store_rows::{DocumentRow, SecretMark, SecretValue};

use crate::Db;

/// Every document of `kind`, by name.
pub async fn list<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"SELECT name, body_json, version AS "version!: i64", updated_at
           FROM documents WHERE deployment = $1 AND kind = $2 ORDER BY name"#,
        deployment,
        kind
    )
    .fetch_all(e)
    .await
}

/// The document `kind`/`name`, if it exists.
pub async fn find<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"SELECT name, body_json, version AS "version!: i64", updated_at
           FROM documents WHERE deployment = $1 AND kind = $2 AND name = $3"#,
        deployment,
        kind,
        name
    )
    .fetch_optional(e)
    .await
}

/// Creates a document at version 1.
pub async fn insert<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    body_json: &str,
) -> Result<DocumentRow, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"INSERT INTO documents (deployment, kind, name, body_json, version) VALUES ($1, $2, $3, $4, 1)
           RETURNING name, body_json, version AS "version!: i64", updated_at"#,
        deployment,
        kind,
        name,
        body_json
    )
    .fetch_one(e)
    .await
}

/// Replaces the body of a document that is still at `version`; `None` when it is not.
pub async fn update<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query_as!(
        DocumentRow,
        r#"UPDATE documents SET body_json = $1, version = version + 1, updated_at = $6
           WHERE deployment = $2 AND kind = $3 AND name = $4 AND version = $5
           RETURNING name, body_json, version AS "version!: i64", updated_at"#,
        body_json,
        deployment,
        kind,
        name,
        version,
        now
    )
    .fetch_optional(e)
    .await
}

/// Deletes a document that is still at `version` (with its secrets); whether it did.
pub async fn delete<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM documents WHERE deployment = $1 AND kind = $2 AND name = $3 AND version = $4",
        deployment,
        kind,
        name,
        version
    )
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When each secret of `kind` was set, by document and setting.
pub async fn secret_marks<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    sqlx::query_as!(
        SecretMark,
        "SELECT name, setting, changed_at FROM secrets WHERE deployment = $1 AND kind = $2 ORDER BY name, setting",
        deployment,
        kind
    )
    .fetch_all(e)
    .await
}

/// When each secret of one document was set.
pub async fn secret_marks_of<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    sqlx::query_as!(
        SecretMark,
        "SELECT name, setting, changed_at FROM secrets WHERE deployment = $1 AND kind = $2 AND name = $3 ORDER BY setting",
        deployment,
        kind,
        name
    )
    .fetch_all(e)
    .await
}

/// The secrets of `kind` with their stored (sealed) values.
pub async fn secret_values<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretValue>, sqlx::Error> {
    sqlx::query_as!(
        SecretValue,
        "SELECT name, setting, value FROM secrets WHERE deployment = $1 AND kind = $2 ORDER BY name, setting",
        deployment,
        kind
    )
    .fetch_all(e)
    .await
}

/// Sets or replaces one secret's stored (sealed) value.
pub async fn set_secret<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query!(
        r#"INSERT INTO secrets (deployment, kind, name, setting, value, changed_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (deployment, kind, name, setting) DO UPDATE SET value = excluded.value,
               changed_at = excluded.changed_at"#,
        deployment,
        kind,
        name,
        setting,
        sealed,
        now
    )
    .execute(e)
    .await?;
    Ok(())
}

/// Removes one secret; whether it existed.
pub async fn clear_secret<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM secrets WHERE deployment = $1 AND kind = $2 AND name = $3 AND setting = $4",
        deployment,
        kind,
        name,
        setting
    )
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}
