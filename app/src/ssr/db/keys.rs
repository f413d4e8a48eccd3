//! The sealed columns as stored, for the master key's first start and its rotation
//! (`crate::ssr::crypto`): list each column's rows, replace one value, the check value.

use super::{Handle, dispatch};
pub use trust_store_rows::SealedRow;

/// Every stored secret (key `[kind, name, setting]`).
///
/// # Errors
/// Any database error.
pub async fn secrets(db: impl Handle<'_>) -> Result<Vec<SealedRow>, sqlx::Error> {
    dispatch!(db, keys::secrets())
}

/// Replaces one secret's stored value.
///
/// # Errors
/// Any database error.
pub async fn set_secret(
    db: impl Handle<'_>,
    row: &SealedRow,
    value: &str,
) -> Result<(), sqlx::Error> {
    let [kind, name, setting] = row.key.as_slice() else {
        return Err(sqlx::Error::Protocol(
            "a secret's key has three parts".to_owned(),
        ));
    };
    dispatch!(
        db,
        keys::set_secret(row.deployment, kind, name, setting, value)
    )
}

/// Every test signing key (key `[realm]`).
///
/// # Errors
/// Any database error.
pub async fn test_keys(db: impl Handle<'_>) -> Result<Vec<SealedRow>, sqlx::Error> {
    dispatch!(db, keys::test_keys())
}

/// Replaces one test key's stored value.
///
/// # Errors
/// Any database error.
pub async fn set_test_key(
    db: impl Handle<'_>,
    row: &SealedRow,
    value: &str,
) -> Result<(), sqlx::Error> {
    let [realm] = row.key.as_slice() else {
        return Err(sqlx::Error::Protocol(
            "a test key's key has one part".to_owned(),
        ));
    };
    dispatch!(db, keys::set_test_key(row.deployment, realm, value))
}

/// Every secure kept setting (key `[key]`, value its stored JSON string).
///
/// # Errors
/// Any database error.
pub async fn kept(db: impl Handle<'_>) -> Result<Vec<SealedRow>, sqlx::Error> {
    dispatch!(db, keys::kept())
}

/// Replaces one secure kept setting's stored JSON.
///
/// # Errors
/// Any database error.
pub async fn set_kept(
    db: impl Handle<'_>,
    row: &SealedRow,
    value_json: &str,
) -> Result<(), sqlx::Error> {
    let [key] = row.key.as_slice() else {
        return Err(sqlx::Error::Protocol(
            "a kept setting's key has one part".to_owned(),
        ));
    };
    dispatch!(db, keys::set_kept(row.deployment, key, value_json))
}

/// How many sealed columns still hold plaintext.
///
/// # Errors
/// Any database error.
pub async fn plaintext_count(db: impl Handle<'_>) -> Result<i64, sqlx::Error> {
    dispatch!(db, keys::plaintext_count())
}

/// The database's sealed check value, if it has one.
///
/// # Errors
/// Any database error.
pub async fn check_value(db: impl Handle<'_>) -> Result<Option<String>, sqlx::Error> {
    dispatch!(db, keys::check_value())
}

/// Sets the database's sealed check value.
///
/// # Errors
/// Any database error.
pub async fn set_check_value(db: impl Handle<'_>, sealed: &str) -> Result<(), sqlx::Error> {
    dispatch!(db, keys::set_check_value(sealed))
}
