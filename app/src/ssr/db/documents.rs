//! The `documents` table: named, versioned JSON documents of one kind each (realms, role
//! mappings, roles, native users, sample identities, trusted environments, remote clusters),
//! each in one deployment, and the `secrets` table of write-only values that belong to them.
//! Every function takes the deployment's row id.
//!
//! Writes take a connection so that callers run a change and its audit entry in one
//! transaction. Versions are compared in the `UPDATE` itself, so two concurrent edits of the
//! same version cannot both succeed.

use crate::ssr::crypto;
use sqlx::{SqliteConnection, SqlitePool};

/// A stored document.
pub struct DocumentRow {
    /// Its name, unique within its kind.
    pub name: String,
    /// The JSON body.
    pub body_json: String,
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
}

/// When a secret was last set (never its value).
pub struct SecretMark {
    /// The document's name.
    pub name: String,
    /// The setting (`hmac_key`, `password`, …).
    pub setting: String,
    /// When it was set, RFC 3339 UTC.
    pub changed_at: String,
}

/// A secret with its value, for server-side use only (lint, export). Not `Serialize`.
pub struct SecretValue {
    /// The document's name.
    pub name: String,
    /// The setting.
    pub setting: String,
    /// The value.
    pub value: String,
}

/// Every document of `kind`, by name.
///
/// # Errors
/// Any database error.
pub async fn list(
    pool: &SqlitePool,
    deployment: i64,
    kind: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"SELECT name, body_json, version AS "version!: i64", updated_at
           FROM documents WHERE deployment = ? AND kind = ? ORDER BY name"#,
        deployment,
        kind
    )
    .fetch_all(pool)
    .await
}

/// The document `kind`/`name`, if it exists.
///
/// # Errors
/// Any database error.
pub async fn find(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"SELECT name, body_json, version AS "version!: i64", updated_at
           FROM documents WHERE deployment = ? AND kind = ? AND name = ?"#,
        deployment,
        kind,
        name
    )
    .fetch_optional(conn)
    .await
}

/// Creates a document at version 1.
///
/// # Errors
/// Any database error, including a primary-key conflict when it exists already.
pub async fn insert(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
    body_json: &str,
) -> Result<DocumentRow, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"INSERT INTO documents (deployment, kind, name, body_json, version) VALUES (?, ?, ?, ?, 1)
           RETURNING name, body_json, version AS "version!: i64", updated_at"#,
        deployment,
        kind,
        name,
        body_json
    )
    .fetch_one(conn)
    .await
}

/// Replaces the body of a document that is still at `version`; `None` when it is not (it
/// changed meanwhile, or is gone).
///
/// # Errors
/// Any database error.
pub async fn update(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as!(
        DocumentRow,
        r#"UPDATE documents SET body_json = ?, version = version + 1,
               updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
           WHERE deployment = ? AND kind = ? AND name = ? AND version = ?
           RETURNING name, body_json, version AS "version!: i64", updated_at"#,
        body_json,
        deployment,
        kind,
        name,
        version
    )
    .fetch_optional(conn)
    .await
}

/// Deletes a document that is still at `version` (with its secrets); whether it did.
///
/// # Errors
/// Any database error.
pub async fn delete(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM documents WHERE deployment = ? AND kind = ? AND name = ? AND version = ?",
        deployment,
        kind,
        name,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When each secret of `kind` was set, by document and setting.
///
/// # Errors
/// Any database error.
pub async fn secret_marks(
    pool: &SqlitePool,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    sqlx::query_as!(
        SecretMark,
        "SELECT name, setting, changed_at FROM secrets WHERE deployment = ? AND kind = ? ORDER BY name, setting",
        deployment,
        kind
    )
    .fetch_all(pool)
    .await
}

/// When each secret of one document was set.
///
/// # Errors
/// Any database error.
pub async fn secret_marks_of(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    sqlx::query_as!(
        SecretMark,
        "SELECT name, setting, changed_at FROM secrets WHERE deployment = ? AND kind = ? AND name = ? ORDER BY setting",
        deployment,
        kind,
        name
    )
    .fetch_all(conn)
    .await
}

/// The secrets of `kind` with their values (server-side use only).
///
/// # Errors
/// Any database error.
pub async fn secret_values(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretValue>, sqlx::Error> {
    let sealed = sqlx::query_as!(
        SecretValue,
        "SELECT name, setting, value FROM secrets WHERE deployment = ? AND kind = ? ORDER BY name, setting",
        deployment,
        kind
    )
    .fetch_all(conn)
    .await?;
    sealed
        .into_iter()
        .map(|row| {
            let ad = crypto::secret_ad(deployment, kind, &row.name, &row.setting);
            Ok(SecretValue {
                value: crypto::open_db(&row.value, &ad)?,
                ..row
            })
        })
        .collect()
}

/// Sets or replaces one secret.
///
/// # Errors
/// Any database error (the document must exist).
pub async fn set_secret(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    let value = crypto::seal_db(value, &crypto::secret_ad(deployment, kind, name, setting))?;
    sqlx::query!(
        r#"INSERT INTO secrets (deployment, kind, name, setting, value) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (deployment, kind, name, setting) DO UPDATE SET value = excluded.value,
               changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"#,
        deployment,
        kind,
        name,
        setting,
        value
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes one secret; whether it existed.
///
/// # Errors
/// Any database error.
pub async fn clear_secret(
    conn: &mut SqliteConnection,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM secrets WHERE deployment = ? AND kind = ? AND name = ? AND setting = ?",
        deployment,
        kind,
        name,
        setting
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
