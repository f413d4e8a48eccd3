//! The `audit_log` table.

use super::{Handle, dispatch};
use serde_json::Value;
use trust_core::{audit::AuditAction, audit::redact_secrets, paging::PageRequest};
pub use trust_store_rows::AuditRow;

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

/// Writes one entry on `db` (normally the transaction that makes the change).
///
/// # Errors
/// Any database error; the caller's transaction then rolls back with the change.
pub async fn record(db: impl Handle<'_>, entry: NewAuditEntry<'_>) -> Result<i64, sqlx::Error> {
    let before = entry.before.map(|v| redact_secrets(v).to_string());
    let after = entry.after.map(|v| redact_secrets(v).to_string());
    let action = entry.action.as_str();
    dispatch!(
        db,
        audit::record(
            entry.actor,
            entry.entity_kind,
            entry.entity_id,
            action,
            before.as_deref(),
            after.as_deref()
        )
    )
}

/// One page of entries, newest first, plus whether older entries exist.
///
/// # Errors
/// Any database error.
pub async fn list(
    db: impl Handle<'_>,
    page: PageRequest,
) -> Result<(Vec<AuditRow>, bool), sqlx::Error> {
    let before = page.before.unwrap_or(i64::MAX);
    let fetch = i64::from(page.limit) + 1;
    let mut rows = dispatch!(db, audit::list(before, fetch))?;
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
    db: impl Handle<'_>,
    deployment: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let prefix = format!("{deployment}/");
    dispatch!(db, audit::recent_changes(deployment, &prefix, limit))
}
