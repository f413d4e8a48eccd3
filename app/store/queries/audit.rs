//! The `audit_log` table. Images arrive redacted (the caller's job).

use sqlx::Executor;
use trust_store_rows::AuditRow;

use crate::Db;

/// Writes one entry (normally in the transaction that makes the change); returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn record<'e>(
    e: impl Executor<'e, Database = Db>,
    actor: &str,
    entity_kind: &str,
    entity_id: &str,
    action: &str,
    before_json: Option<&str>,
    after_json: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let now = trust_store_rows::now_text();
    sqlx::query_scalar!(
        r#"INSERT INTO audit_log (actor, entity_kind, entity_id, action, before_json, after_json, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS "id!: i64""#,
        actor,
        entity_kind,
        entity_id,
        action,
        before_json,
        after_json,
        now
    )
    .fetch_one(e)
    .await
}

/// Up to `fetch` entries older than id `before`, newest first.
pub async fn list<'e>(
    e: impl Executor<'e, Database = Db>,
    before: i64,
    fetch: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        r#"SELECT id AS "id!: i64", at, actor, entity_kind, entity_id, action, before_json, after_json
           FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2"#,
        before,
        fetch,
    )
    .fetch_all(e)
    .await
}

/// The newest `limit` creates, updates, deletes and restores of deployment `deployment` and of
/// its resources (entity ids starting with `prefix`, `<deployment>/`), newest first. Console
/// accounts (`user`), sessions and other deployments are left out.
pub async fn recent_changes<'e>(
    e: impl Executor<'e, Database = Db>,
    deployment: &str,
    prefix: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        r#"SELECT id AS "id!: i64", at, actor, entity_kind, entity_id, action, before_json, after_json
           FROM audit_log
           WHERE action IN ('create', 'update', 'delete', 'restore')
             AND ((entity_kind = 'deployment' AND entity_id = $1)
                  OR (entity_kind <> 'user' AND substr(entity_id, 1, length(CAST($2 AS TEXT))) = CAST($2 AS TEXT)))
           ORDER BY id DESC LIMIT $3"#,
        deployment,
        prefix,
        limit,
    )
    .fetch_all(e)
    .await
}
