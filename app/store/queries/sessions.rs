//! The `sessions` table (see `app::ssr::session_store`): rows keyed by a hash of the session
//! id, each with the logged-in user's id and session epoch copied out of the record.

use sqlx::Executor;
use trust_store_rows::SessionRow;

use crate::Db;

/// Writes a session's row: a new one, or over an existing one when `replace`. Whether a row was
/// written (`false`: the id is taken and `replace` was not asked for).
#[allow(clippy::too_many_arguments)]
pub async fn write<'e>(
    e: impl Executor<'e, Database = Db>,
    id: &str,
    data: &[u8],
    expiry: i64,
    user_id: Option<i64>,
    epoch: Option<i64>,
    replace: bool,
) -> Result<bool, sqlx::Error> {
    let written = sqlx::query!(
        "INSERT INTO sessions (id, data, expiry_date, user_id, epoch)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data,
             expiry_date = excluded.expiry_date, user_id = excluded.user_id,
             epoch = excluded.epoch
         WHERE $6",
        id,
        data,
        expiry,
        user_id,
        epoch,
        replace
    )
    .execute(e)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// The live session stored as `id` (not expired at `now`, its user still there and at the
/// session's epoch), with the deployment change counter: [`load_many`] for one session, by
/// the primary key alone (`json_each` costs more than the lookup itself).
pub async fn load<'e>(
    e: impl Executor<'e, Database = Db>,
    id: &str,
    now: i64,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT s.id AS "id!: String", s.data AS "data!: Vec<u8>",
                  (SELECT changes FROM change_counter WHERE id = 1) AS "changes!: i64"
           FROM sessions s
           LEFT JOIN users u ON u.id = s.user_id
           WHERE s.id = $1 AND s.expiry_date > $2
             AND (s.user_id IS NULL OR u.session_epoch = s.epoch)"#,
        id,
        now
    )
    .fetch_optional(e)
    .await
}

/// The live sessions among those stored as `ids_json` (a JSON array of stored ids): not
/// expired at `now`, their user still there and at the session's epoch; each with the
/// deployment change counter. One query for any number of sessions.
pub async fn load_many<'e>(
    e: impl Executor<'e, Database = Db>,
    ids_json: &str,
    now: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    crate::per_backend!(
        sqlite: sqlx::query_as!(
            SessionRow,
            r#"SELECT s.id AS "id!: String", s.data AS "data!: Vec<u8>",
                      (SELECT changes FROM change_counter WHERE id = 1) AS "changes!: i64"
               FROM sessions s
               LEFT JOIN users u ON u.id = s.user_id
               WHERE s.id IN (SELECT value FROM json_each($1)) AND s.expiry_date > $2
                 AND (s.user_id IS NULL OR u.session_epoch = s.epoch)"#,
            ids_json,
            now
        )
        .fetch_all(e)
        .await,
        postgres: sqlx::query_as!(
            SessionRow,
            r#"SELECT s.id AS "id!: String", s.data AS "data!: Vec<u8>",
                      (SELECT changes FROM change_counter WHERE id = 1) AS "changes!: i64"
               FROM sessions s
               LEFT JOIN users u ON u.id = s.user_id
               WHERE s.id IN (SELECT json_array_elements_text($1::text::json))
                 AND s.expiry_date > $2
                 AND (s.user_id IS NULL OR u.session_epoch = s.epoch)"#,
            ids_json,
            now
        )
        .fetch_all(e)
        .await,
    )
}

/// Deletes the session stored as `id`.
pub async fn delete<'e>(e: impl Executor<'e, Database = Db>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE id = $1", id)
        .execute(e)
        .await
        .map(drop)
}

/// Deletes the sessions expired at `now`.
pub async fn delete_expired<'e>(
    e: impl Executor<'e, Database = Db>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE expiry_date <= $1", now)
        .execute(e)
        .await
        .map(drop)
}
