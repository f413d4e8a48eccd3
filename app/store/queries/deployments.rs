//! The `deployments` table: the clusters the console manages, each a named, versioned JSON
//! body. Deleting one deletes its documents and secrets (foreign keys cascade).

use sqlx::Executor;
use trust_store_rows::DeploymentRow;

use crate::Db;

/// Every deployment, oldest first.
pub async fn list<'e>(
    e: impl Executor<'e, Database = Db>,
) -> Result<Vec<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64"
           FROM deployments ORDER BY id"#
    )
    .fetch_all(e)
    .await
}

/// The oldest deployment (there always is one; `None` only on a broken database).
pub async fn oldest<'e>(
    e: impl Executor<'e, Database = Db>,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at,
                  generation AS "generation!: i64"
           FROM deployments ORDER BY id LIMIT 1"#
    )
    .fetch_optional(e)
    .await
}

/// The deployment called `name`, if it exists.
pub async fn find<'e>(
    e: impl Executor<'e, Database = Db>,
    name: &str,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"SELECT id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64"
           FROM deployments WHERE name = $1"#,
        name
    )
    .fetch_optional(e)
    .await
}

/// Creates a deployment at version 1.
pub async fn insert<'e>(
    e: impl Executor<'e, Database = Db>,
    name: &str,
    body_json: &str,
) -> Result<DeploymentRow, sqlx::Error> {
    sqlx::query_as!(
        DeploymentRow,
        r#"INSERT INTO deployments (name, body_json, version) VALUES ($1, $2, 1)
           RETURNING id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64""#,
        name,
        body_json
    )
    .fetch_one(e)
    .await
}

/// Replaces the body of a deployment still at `version`; `None` when it is not.
pub async fn update<'e>(
    e: impl Executor<'e, Database = Db>,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query_as!(
        DeploymentRow,
        r#"UPDATE deployments SET body_json = $1, version = version + 1, updated_at = $4
           WHERE name = $2 AND version = $3
           RETURNING id AS "id!: i64", name, body_json, version AS "version!: i64", updated_at, generation AS "generation!: i64""#,
        body_json,
        name,
        version,
        now
    )
    .fetch_optional(e)
    .await
}

/// Deletes a deployment still at `version`, with everything in it; whether it did.
pub async fn delete<'e>(
    e: impl Executor<'e, Database = Db>,
    name: &str,
    version: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM deployments WHERE name = $1 AND version = $2",
        name,
        version
    )
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many deployments there are.
pub async fn count<'e>(e: impl Executor<'e, Database = Db>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!: i64" FROM deployments"#)
        .fetch_one(e)
        .await
}
