//! The `users` table: console accounts.

use sqlx::Executor;
use trust_store_rows::UserRow;

use crate::Db;

/// The account named `username`, if any.
pub async fn find_by_username<'e>(
    e: impl Executor<'e, Database = Db>,
    username: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!: i64", username, password_hash, password_changed_at,
                  session_epoch AS "session_epoch!: i64",
                  must_change_password AS "must_change_password!: bool"
           FROM users WHERE username = $1"#,
        username
    )
    .fetch_optional(e)
    .await
}

/// The account with id `id`, if any.
pub async fn find_by_id<'e>(
    e: impl Executor<'e, Database = Db>,
    id: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id!: i64", username, password_hash, password_changed_at,
                  session_epoch AS "session_epoch!: i64",
                  must_change_password AS "must_change_password!: bool"
           FROM users WHERE id = $1"#,
        id
    )
    .fetch_optional(e)
    .await
}

/// How many accounts exist.
pub async fn count<'e>(e: impl Executor<'e, Database = Db>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM users"#)
        .fetch_one(e)
        .await
}

/// Inserts an account and returns its id.
pub async fn insert<'e>(
    e: impl Executor<'e, Database = Db>,
    username: &str,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id AS "id!: i64""#,
        username,
        password_hash
    )
    .fetch_one(e)
    .await
}

/// Replaces an account's password hash; returns the new change time.
pub async fn set_password_hash<'e>(
    e: impl Executor<'e, Database = Db>,
    id: i64,
    password_hash: &str,
) -> Result<String, sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query_scalar!(
        r#"UPDATE users SET password_hash = $1, password_changed_at = $3
           WHERE id = $2 RETURNING password_changed_at AS "changed!: String""#,
        password_hash,
        id,
        now
    )
    .fetch_one(e)
    .await
}

/// Ends every session of a user (raises the epoch); returns the new epoch.
pub async fn bump_session_epoch<'e>(
    e: impl Executor<'e, Database = Db>,
    id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1
           RETURNING session_epoch AS "epoch!: i64""#,
        id
    )
    .fetch_one(e)
    .await
}

/// Sets or clears the "must change the password" mark.
pub async fn set_must_change_password<'e>(
    e: impl Executor<'e, Database = Db>,
    id: i64,
    must: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET must_change_password = $1 WHERE id = $2",
        must,
        id
    )
    .execute(e)
    .await
    .map(|_| ())
}
