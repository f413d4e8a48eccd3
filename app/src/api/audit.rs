//! The audit log.

pub mod list_audit;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use list_audit::{ListAudit, list_audit};

/// One audit entry as shown to users (images already redacted when written).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    /// Entry id (newer entries have larger ids).
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Entity kind (`user`, `session`, …).
    pub entity_kind: String,
    /// Entity id.
    pub entity_id: String,
    /// What happened (`create`, `update`, `delete`, `login`, `login_failed`, `logout`,
    /// `reveal_secrets`, `reveal_refused`).
    pub action: String,
    /// Entity before the change.
    pub before: Option<Value>,
    /// Entity after the change.
    pub after: Option<Value>,
}

/// A page of entries, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPageView {
    /// The entries.
    pub entries: Vec<AuditEntryView>,
    /// The `before` cursor of the next (older) page, when there is one.
    pub next_before: Option<i64>,
}

/// The JSON API's paging parameters as typed in the URL; parsed by `trust_core::paging`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Page size (1–200, default 50).
    pub limit: Option<String>,
    /// Only entries older than this id.
    pub before: Option<String>,
}
