//! The `document_versions` table: every version of every document, written by database
//! triggers in the same transaction as the change, the newest 50 per document; a document's
//! versions go with it when it is deleted.

use sqlx::Executor;
use trust_store_rows::VersionRow;

use crate::Db;

/// The kept versions of a document, newest first, each with the audit entry that recorded it
/// (matched on the version in the entry's `after_json`; `entity_id` is how the audit log names
/// the document, `<deployment>/<name>`). The one query written per backend: reading a number out
/// of JSON text is `json_extract` on SQLite and a `json` cast on PostgreSQL (not `jsonb`,
/// which refuses the escape `\u0000` a stored body may hold).
pub async fn list<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: i64,
    kind: &str,
    name: &str,
    entity_id: &str,
) -> Result<Vec<VersionRow>, sqlx::Error> {
    crate::per_backend!(
        sqlite: sqlx::query_as!(
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
        ),
        postgres: sqlx::query_as!(
            VersionRow,
            r#"SELECT v.version AS "version!: i64", v.body_json, v.at,
                      (SELECT a.actor FROM audit_log a
                        WHERE a.entity_kind = v.kind AND a.entity_id = $4
                          AND a.action IN ('create', 'update', 'restore')
                          AND (a.after_json::json ->> 'version') = v.version::text
                        ORDER BY a.id DESC LIMIT 1) AS "actor?: String",
                      (SELECT a.action FROM audit_log a
                        WHERE a.entity_kind = v.kind AND a.entity_id = $4
                          AND a.action IN ('create', 'update', 'restore')
                          AND (a.after_json::json ->> 'version') = v.version::text
                        ORDER BY a.id DESC LIMIT 1) AS "action?: String"
               FROM document_versions v
               WHERE v.deployment = $1 AND v.kind = $2 AND v.name = $3
               ORDER BY v.version DESC"#,
            deployment,
            kind,
            name,
            entity_id,
        ),
    )
    .fetch_all(e)
    .await
}

/// The body of one kept version.
pub async fn find<'e>(
    e: impl Executor<'e, Database = Db>,
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
    .fetch_optional(e)
    .await
}
