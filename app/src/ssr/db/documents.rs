//! The `documents` table: named, versioned JSON documents of one kind each (realms, role
//! mappings, roles, native users, sample identities, trusted environments, remote clusters),
//! each in one deployment, and the `secrets` table of write-only values that belong to them.
//! Every function takes the deployment's row id.
//!
//! Writes take a transaction so that callers run a change and its audit entry together.
//! Versions are compared in the `UPDATE` itself, so two concurrent edits of the same version
//! cannot both succeed. Secret values are sealed here before they reach the database and
//! opened here after.

use super::{Handle, dispatch};
use crate::ssr::crypto;
pub use trust_store_rows::{DocumentRow, SecretMark, SecretValue};

/// Every document of `kind`, by name.
///
/// # Errors
/// Any database error.
pub async fn list(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    dispatch!(db, documents::list(deployment, kind))
}

/// The document `kind`/`name`, if it exists.
///
/// # Errors
/// Any database error.
pub async fn find(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    dispatch!(db, documents::find(deployment, kind, name))
}

/// Creates a document at version 1.
///
/// # Errors
/// Any database error, including a primary-key conflict when it exists already.
pub async fn insert(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    body_json: &str,
) -> Result<DocumentRow, sqlx::Error> {
    dispatch!(db, documents::insert(deployment, kind, name, body_json))
}

/// Replaces the body of a document that is still at `version`; `None` when it is not (it
/// changed meanwhile, or is gone).
///
/// # Errors
/// Any database error.
pub async fn update(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    dispatch!(
        db,
        documents::update(deployment, kind, name, version, body_json)
    )
}

/// Deletes a document that is still at `version` (with its secrets); whether it did.
///
/// # Errors
/// Any database error.
pub async fn delete(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    dispatch!(db, documents::delete(deployment, kind, name, version))
}

/// When each secret of `kind` was set, by document and setting.
///
/// # Errors
/// Any database error.
pub async fn secret_marks(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    dispatch!(db, documents::secret_marks(deployment, kind))
}

/// When each secret of one document was set.
///
/// # Errors
/// Any database error.
pub async fn secret_marks_of(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
) -> Result<Vec<SecretMark>, sqlx::Error> {
    dispatch!(db, documents::secret_marks_of(deployment, kind, name))
}

/// The secrets of `kind` with their values (server-side use only).
///
/// # Errors
/// Any database error; a value that does not open with the master key.
pub async fn secret_values(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
) -> Result<Vec<SecretValue>, sqlx::Error> {
    let sealed = dispatch!(db, documents::secret_values(deployment, kind))?;
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
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    let sealed = crypto::seal_db(value, &crypto::secret_ad(deployment, kind, name, setting))?;
    dispatch!(
        db,
        documents::set_secret(deployment, kind, name, setting, &sealed)
    )
}

/// Removes one secret; whether it existed.
///
/// # Errors
/// Any database error.
pub async fn clear_secret(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    setting: &str,
) -> Result<bool, sqlx::Error> {
    dispatch!(db, documents::clear_secret(deployment, kind, name, setting))
}
