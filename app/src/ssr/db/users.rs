//! The `users` table: console accounts.

use super::{Handle, dispatch};
pub use trust_store_rows::UserRow;

/// The account named `username`, if any.
///
/// # Errors
/// Any database error.
pub async fn find_by_username(
    db: impl Handle<'_>,
    username: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    dispatch!(db, users::find_by_username(username))
}

/// The account with id `id`, if any.
///
/// # Errors
/// Any database error.
pub async fn find_by_id(db: impl Handle<'_>, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    dispatch!(db, users::find_by_id(id))
}

/// How many accounts exist.
///
/// # Errors
/// Any database error.
pub async fn count(db: impl Handle<'_>) -> Result<i64, sqlx::Error> {
    dispatch!(db, users::count())
}

/// Inserts an account and returns its id.
///
/// # Errors
/// Any database error, including a duplicate user name.
pub async fn insert(
    db: impl Handle<'_>,
    username: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    dispatch!(db, users::insert(username, password_hash))
}

/// Replaces an account's password hash; returns the new change time.
///
/// # Errors
/// Any database error; `RowNotFound` when the account does not exist.
pub async fn set_password_hash(
    db: impl Handle<'_>,
    id: i64,
    password_hash: &str,
) -> Result<String, sqlx::Error> {
    dispatch!(db, users::set_password_hash(id, password_hash))
}

/// Ends every session of a user (raises the epoch); returns the new epoch.
///
/// # Errors
/// Any database error.
pub async fn bump_session_epoch(db: impl Handle<'_>, id: i64) -> Result<i64, sqlx::Error> {
    dispatch!(db, users::bump_session_epoch(id))
}

/// Sets or clears the "must change the password" mark.
///
/// # Errors
/// Any database error.
pub async fn set_must_change_password(
    db: impl Handle<'_>,
    id: i64,
    must: bool,
) -> Result<(), sqlx::Error> {
    dispatch!(db, users::set_must_change_password(id, must))
}
