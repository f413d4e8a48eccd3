//! The `unmodelled_settings` table (settings kept from an import that no model covers) and
//! the `exports` table (what each export contained, masked). Secure kept values are stored
//! sealed; sealing and opening are the caller's.

use sqlx::Executor;
use trust_store_rows::{ExportRow, UnmodelledRow};

use crate::{Conn, Db};

/// The kept settings of a deployment, by key, as stored.
pub async fn unmodelled<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
) -> Result<Vec<UnmodelledRow>, sqlx::Error> {
    sqlx::query_as!(
        UnmodelledRow,
        r#"SELECT key, value_json, secure AS "secure!: bool"
           FROM unmodelled_settings WHERE deployment = $1 ORDER BY key"#,
        deployment
    )
    .fetch_all(e)
    .await
}

/// Replaces the kept settings of a deployment with `rows` (secure values already sealed).
pub async fn replace_unmodelled(
    conn: &mut Conn,
    deployment: i64,
    rows: &[UnmodelledRow],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM unmodelled_settings WHERE deployment = $1",
        deployment
    )
    .execute(&mut *conn)
    .await?;
    let now = trust_store_rows::now_text();
    for row in rows {
        sqlx::query!(
            "INSERT INTO unmodelled_settings (deployment, key, value_json, secure, updated_at)
             VALUES ($1, $2, $3, $4, $5)",
            deployment,
            row.key,
            row.value_json,
            row.secure,
            now
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records an export and deletes the deployment's exports beyond the newest `kept`; returns
/// its id.
pub async fn record(
    conn: &mut Conn,
    deployment: i64,
    actor: &str,
    files_json: &str,
    kept: i64,
) -> Result<i64, sqlx::Error> {
    let now = trust_store_rows::now_text();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO exports (deployment, actor, files_json, created_at) VALUES ($1, $2, $3, $4)
           RETURNING id AS "id!: i64""#,
        deployment,
        actor,
        files_json,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM exports WHERE deployment = $1 AND id NOT IN
           (SELECT id FROM exports WHERE deployment = $1 ORDER BY id DESC LIMIT $2)",
        deployment,
        kept
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// How many exports of a deployment are kept.
pub async fn count<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64" FROM exports WHERE deployment = $1"#,
        deployment
    )
    .fetch_one(e)
    .await
}

/// The latest export of a deployment.
pub async fn latest<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
) -> Result<Option<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"SELECT id AS "id!: i64", actor, files_json, created_at
           FROM exports WHERE deployment = $1 ORDER BY id DESC LIMIT 1"#,
        deployment
    )
    .fetch_optional(e)
    .await
}
