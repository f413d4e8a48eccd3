//! The `deployments` table: the clusters the console manages, each a named, versioned JSON
//! body (`trust_core::trust::Deployment`). Deleting one deletes its documents and secrets.

use sqlx::{SqliteConnection, SqlitePool};

/// A stored deployment.
pub struct DeploymentRow {
    /// Row id (what documents reference).
    pub id: i64,
    /// Its unique name.
    pub name: String,
    /// The JSON body.
    pub body_json: String,
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
    /// Grows with every change to the deployment's documents or their secrets (counted by the
    /// database's triggers, migration `20261205000003_generation`).
    pub generation: i64,
}

/// Every deployment, oldest first.
///
/// # Errors
/// Any database error.
pub async fn list(pool: &SqlitePool) -> Result<Vec<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64"
           FROM deployments ORDER BY id"#
    )
    .fetch_all(pool)
    .await
}

/// The oldest deployment (there always is one; `None` only on a broken database).
///
/// # Errors
/// Any database error.
pub async fn oldest(conn: &mut SqliteConnection) -> Result<Option<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at,
                  generation AS "generation!: i64"
           FROM deployments ORDER BY id LIMIT 1"#
    )
    .fetch_optional(conn)
    .await
}

/// The deployment called `name`, if it exists.
///
/// # Errors
/// Any database error.
pub async fn find(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64"
           FROM deployments WHERE name = ?"#,
        name
    )
    .fetch_optional(conn)
    .await
}

/// Creates a deployment at version 1.
///
/// # Errors
/// Any database error, including a unique violation when the name is taken.
pub async fn insert(
    conn: &mut SqliteConnection,
    name: &str,
    body_json: &str,
) -> Result<DeploymentRow, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"INSERT INTO deployments (name, body_json, version) VALUES (?, ?, 1)
           RETURNING id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64""#,
        name,
        body_json
    )
    .fetch_one(conn)
    .await
}

/// Replaces the body of a deployment still at `version`; `None` when it is not.
///
/// # Errors
/// Any database error.
pub async fn update(
    conn: &mut SqliteConnection,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"UPDATE deployments SET body_json = ?, version = version + 1,
               updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
           WHERE name = ? AND version = ?
           RETURNING id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64""#,
        body_json,
        name,
        version
    )
    .fetch_optional(conn)
    .await
}

/// Deletes a deployment still at `version`, with everything in it; whether it did.
///
/// # Errors
/// Any database error.
pub async fn delete(
    conn: &mut SqliteConnection,
    name: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM deployments WHERE name = ? AND version = ?",
        name,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many deployments there are.
///
/// # Errors
/// Any database error.
pub async fn count(conn: &mut SqliteConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM deployments"#)
        .fetch_one(conn)
        .await
}
