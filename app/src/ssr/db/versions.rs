//! The `document_versions` table: every version of every document, written by database
//! triggers in the same transaction as the change, the newest [`KEPT`] per document; a
//! document's versions go with it when it is deleted.

use super::{Handle, dispatch};
pub use trust_store_rows::VersionRow;

/// How many versions of one document the triggers keep.
pub const KEPT: i64 = 50;

/// The kept versions of a document, newest first. `entity_id` is how the audit log names it
/// (`<deployment>/<name>`).
///
/// # Errors
/// Any database error.
pub async fn list(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    entity_id: &str,
) -> Result<Vec<VersionRow>, sqlx::Error> {
    dispatch!(db, versions::list(deployment, kind, name, entity_id))
}

/// The body of one kept version.
///
/// # Errors
/// Any database error.
pub async fn find(
    db: impl Handle<'_>,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    dispatch!(db, versions::find(deployment, kind, name, version))
}
