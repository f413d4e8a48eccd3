//! The `sessions` table, for the session store (`crate::ssr::session_store`).

use super::{Handle, dispatch};
pub use trust_store_rows::SessionRow;

/// Writes a session's row: a new one, or over an existing one when `replace`. Whether a row was
/// written (`false`: the id is taken and `replace` was not asked for).
///
/// # Errors
/// Any database error.
pub async fn write(
    db: impl Handle<'_>,
    id: &str,
    data: &[u8],
    expiry: i64,
    owner: (Option<i64>, Option<i64>),
    replace: bool,
) -> Result<bool, sqlx::Error> {
    let (user_id, epoch) = owner;
    dispatch!(
        db,
        sessions::write(id, data, expiry, user_id, epoch, replace)
    )
}

/// The live session stored as `id`, with the deployment change counter (see the store).
///
/// # Errors
/// Any database error.
pub async fn load(
    db: impl Handle<'_>,
    id: &str,
    now: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    dispatch!(db, sessions::load(id, now))
}

/// The live sessions among those stored as `ids`, with the deployment change counter (see
/// the store), in one query.
///
/// # Errors
/// Any database error.
pub async fn load_many(
    db: impl Handle<'_>,
    ids: &[String],
    now: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let ids_json = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
    dispatch!(db, sessions::load_many(&ids_json, now))
}

/// Deletes the session stored as `id`.
///
/// # Errors
/// Any database error.
pub async fn delete(db: impl Handle<'_>, id: &str) -> Result<(), sqlx::Error> {
    dispatch!(db, sessions::delete(id))
}

/// Deletes the sessions expired at `now`.
///
/// # Errors
/// Any database error.
pub async fn delete_expired(db: impl Handle<'_>, now: i64) -> Result<(), sqlx::Error> {
    dispatch!(db, sessions::delete_expired(now))
}
