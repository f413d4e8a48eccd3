//! The `users` table: console accounts.

use sqlx::{SqliteConnection, SqlitePool};

/// A stored account. The hash never leaves the server (this type is not `Serialize`).
pub struct UserRow {
    /// Account id.
    pub id: i64,
    /// User name.
    pub username: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// When the password was last set, RFC 3339 UTC.
    pub password_changed_at: String,
    /// Sessions created in an older epoch are over.
    pub session_epoch: i64,
    /// The password was generated and must be changed before anything else.
    pub must_change_password: bool,
}

/// The account named `username`, if any.
///
/// # Errors
/// Any database error.
pub async fn find_by_username(
    pool: &SqlitePool,
    username: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!: i64", username, password_hash, password_changed_at,
                  session_epoch AS "session_epoch!: i64",
                  must_change_password AS "must_change_password!: bool"
           FROM users WHERE username = ?"#,
        username
    )
    .fetch_optional(pool)
    .await
}

/// The account with id `id`, if any.
///
/// # Errors
/// Any database error.
pub async fn find_by_id(pool: &SqlitePool, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!: i64", username, password_hash, password_changed_at,
                  session_epoch AS "session_epoch!: i64",
                  must_change_password AS "must_change_password!: bool"
           FROM users WHERE id = ?"#,
        id
    )
    .fetch_optional(pool)
    .await
}

/// How many accounts exist.
///
/// # Errors
/// Any database error.
pub async fn count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM users"#)
        .fetch_one(pool)
        .await
}

/// Inserts an account and returns its id.
///
/// # Errors
/// Any database error, including a duplicate user name.
pub async fn insert(
    conn: &mut SqliteConnection,
    username: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id AS "id!: i64""#,
        username,
        password_hash
    )
    .fetch_one(conn)
    .await
}

/// Replaces an account's password hash; returns the new change time.
///
/// # Errors
/// Any database error; `RowNotFound` when the account does not exist.
pub async fn set_password_hash(
    conn: &mut SqliteConnection,
    id: i64,
    password_hash: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE users SET password_hash = ?,
               password_changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
           WHERE id = ? RETURNING password_changed_at AS "changed!: String""#,
        password_hash,
        id
    )
    .fetch_one(conn)
    .await
}

/// Ends every session of a user (raises the epoch); returns the new epoch.
///
/// # Errors
/// Any database error.
pub async fn bump_session_epoch(conn: &mut SqliteConnection, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?
           RETURNING session_epoch AS "epoch!: i64""#,
        id
    )
    .fetch_one(conn)
    .await
}

/// Sets or clears the "must change the password" mark.
///
/// # Errors
/// Any database error.
pub async fn set_must_change_password(
    conn: &mut SqliteConnection,
    id: i64,
    must: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET must_change_password = ? WHERE id = ?",
        must,
        id
    )
    .execute(conn)
    .await
    .map(|_| ())
}
