//! The `deployments` table: the clusters the console manages, each a named, versioned JSON
//! body (`trust_core::trust::Deployment`). Deleting one deletes its documents and secrets.

use super::{Handle, dispatch};
pub use trust_store_rows::DeploymentRow;

/// Every deployment, oldest first.
///
/// # Errors
/// Any database error.
pub async fn list(db: impl Handle<'_>) -> Result<Vec<DeploymentRow>, sqlx::Error> {
    dispatch!(db, deployments::list())
}

/// The oldest deployment (there always is one; `None` only on a broken database).
///
/// # Errors
/// Any database error.
pub async fn oldest(db: impl Handle<'_>) -> Result<Option<DeploymentRow>, sqlx::Error> {
    dispatch!(db, deployments::oldest())
}

/// The deployment called `name`, if it exists.
///
/// # Errors
/// Any database error.
pub async fn find(db: impl Handle<'_>, name: &str) -> Result<Option<DeploymentRow>, sqlx::Error> {
    dispatch!(db, deployments::find(name))
}

/// Creates a deployment at version 1.
///
/// # Errors
/// Any database error, including a unique violation when the name is taken.
pub async fn insert(
    db: impl Handle<'_>,
    name: &str,
    body_json: &str,
) -> Result<DeploymentRow, sqlx::Error> {
    dispatch!(db, deployments::insert(name, body_json))
}

/// Replaces the body of a deployment still at `version`; `None` when it is not.
///
/// # Errors
/// Any database error.
pub async fn update(
    db: impl Handle<'_>,
    name: &str,
    version: i64,
    body_json: &str,
) -> Result<Option<DeploymentRow>, sqlx::Error> {
    dispatch!(db, deployments::update(name, version, body_json))
}

/// Deletes a deployment still at `version`, with everything in it; whether it did.
///
/// # Errors
/// Any database error.
pub async fn delete(db: impl Handle<'_>, name: &str, version: i64) -> Result<bool, sqlx::Error> {
    dispatch!(db, deployments::delete(name, version))
}

/// How many deployments there are.
///
/// # Errors
/// Any database error.
pub async fn count(db: impl Handle<'_>) -> Result<i64, sqlx::Error> {
    dispatch!(db, deployments::count())
}
