//! The `document_versions` table: every version of every document, written by database
//! triggers in the same transaction as the change (migration `20261205000004`), the newest
//! [`KEPT`] per document; a document's versions go with it when it is deleted.

use sqlx::SqlitePool;

/// How many versions of one document the triggers keep.
pub const KEPT: i64 = 50;

/// One kept version, with who made it when the audit log says.
pub struct VersionRow {
    /// The version.
    pub version: i64,
    /// The body it had.
    pub body_json: String,
    /// When it was written, RFC 3339 UTC.
    pub at: String,
    /// Who wrote it (from the audit entry that recorded this version).
    pub actor: Option<String>,
    /// How (`create`, `update`, `restore`).
    pub action: Option<String>,
}

/// The kept versions of a document, newest first. `entity_id` is how the audit log names it
/// (`<deployment>/<name>`).
///
/// # Errors
/// Any database error.
pub async fn list(
    pool: &SqlitePool,
    deployment: i64,
    kind: &str,
    name: &str,
    entity_id: &str,
) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"SELECT v.version AS "version!: i64", v.body_json, v.at,
                  (SELECT a.actor FROM audit_log a
                    WHERE a.entity_kind = v.kind AND a.entity_id = $4
                      AND a.action IN ('create', 'update', 'restore')
                      AND json_extract(a.after_json, '$.version') = v.version
                    ORDER BY a.id DESC LIMIT 1) AS "actor?: String",
                  (SELECT a.action FROM audit_log a
                    WHERE a.entity_kind = v.kind AND a.entity_id = $4
                      AND a.action IN ('create', 'update', 'restore')
                      AND json_extract(a.after_json, '$.version') = v.version
                    ORDER BY a.id DESC LIMIT 1) AS "action?: String"
           FROM document_versions v
           WHERE v.deployment = $1 AND v.kind = $2 AND v.name = $3
           ORDER BY v.version DESC"#,
        deployment,
        kind,
        name,
        entity_id,
    )
    .fetch_all(pool)
    .await
}

/// The body of one kept version.
///
/// # Errors
/// Any database error.
pub async fn find(
    pool: &SqlitePool,
    deployment: i64,
    kind: &str,
    name: &str,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT body_json FROM document_versions
           WHERE deployment = $1 AND kind = $2 AND name = $3 AND version = $4"#,
        deployment,
        kind,
        name,
        version,
    )
    .fetch_optional(pool)
    .await
}
