//! The `audit_log` table.

use serde_json::Value;
use sqlx::{SqliteConnection, SqlitePool};
use trust_core::{audit::AuditAction, audit::redact_secrets, paging::PageRequest};

/// An entry to record. Images are redacted by [`record`], so callers pass them as they are.
pub struct NewAuditEntry<'a> {
    /// Who made the change (a console user name, or `system`).
    pub actor: &'a str,
    /// What kind of entity changed (`user`, `session`, …).
    pub entity_kind: &'a str,
    /// Which one.
    pub entity_id: &'a str,
    /// What happened.
    pub action: AuditAction,
    /// The entity before the change, if it existed.
    pub before: Option<Value>,
    /// The entity after the change, if it still exists.
    pub after: Option<Value>,
}

/// A stored entry.
pub struct AuditRow {
    /// Entry id; newer entries have larger ids.
    pub id: i64,
    /// When, as RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Entity kind.
    pub entity_kind: String,
    /// Entity id.
    pub entity_id: String,
    /// Action spelling (see [`AuditAction`]).
    pub action: String,
    /// Redacted image before the change.
    pub before_json: Option<String>,
    /// Redacted image after the change.
    pub after_json: Option<String>,
}

/// Writes one entry on `conn` (normally the transaction that makes the change).
///
/// # Errors
/// Any database error; the caller's transaction then rolls back with the change.
pub async fn record(
    conn: &mut SqliteConnection,
    entry: NewAuditEntry<'_>,
) -> Result<i64, sqlx::Error> {
    let before = entry.before.map(|v| redact_secrets(v).to_string());
    let after = entry.after.map(|v| redact_secrets(v).to_string());
    let action = entry.action.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO audit_log (actor, entity_kind, entity_id, action, before_json, after_json)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        entry.actor,
        entry.entity_kind,
        entry.entity_id,
        action,
        before,
        after,
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// One page of entries, newest first, plus whether older entries exist.
///
/// # Errors
/// Any database error.
pub async fn list(
    pool: &SqlitePool,
    page: PageRequest,
) -> Result<(Vec<AuditRow>, bool), sqlx::Error> {
    let before = page.before.unwrap_or(i64::MAX);
    let fetch = i64::from(page.limit) + 1;
    let mut rows = sqlx::query_as!(
        AuditRow,
        r#"SELECT id AS "id!: i64", at, actor, entity_kind, entity_id, action, before_json, after_json
           FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?"#,
        before,
        fetch,
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() > page.limit as usize;
    rows.truncate(page.limit as usize);
    Ok((rows, more))
}

/// The newest `limit` creates, updates, deletes and restores of deployment `deployment` and of its
/// resources (entity ids `<deployment>/<name>`), newest first. Console accounts (`user`),
/// sessions and other deployments are left out.
///
/// # Errors
/// Any database error.
pub async fn recent_changes(
    pool: &SqlitePool,
    deployment: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let prefix = format!("{deployment}/");
    sqlx::query_as!(
        AuditRow,
        r#"SELECT id AS "id!: i64", at, actor, entity_kind, entity_id, action, before_json, after_json
           FROM audit_log
           WHERE action IN ('create', 'update', 'delete', 'restore')
             AND ((entity_kind = 'deployment' AND entity_id = $1)
                  OR (entity_kind <> 'user' AND substr(entity_id, 1, length($2)) = $2))
           ORDER BY id DESC LIMIT $3"#,
        deployment,
        prefix,
        limit,
    )
    .fetch_all(pool)
    .await
}
