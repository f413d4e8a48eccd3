//! Resource history: the kept versions of a resource, each with what it changed (a semantic
//! diff from `trust_core::history`), and restoring one as a new version.

pub mod resource_history;
pub mod restore_version;

use serde::{Deserialize, Serialize};
use trust_core::{audit::AuditAction, history::Change, resource::ResourceKind};

pub use resource_history::{ResourceHistory, resource_history};
pub use restore_version::{RestoreVersion, restore_version};

/// One kept version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The version.
    pub version: i64,
    /// When it was written, RFC 3339 UTC.
    pub at: String,
    /// Who wrote it, when the audit log says.
    pub actor: Option<String>,
    /// Created, updated or restored, when the audit log says.
    pub action: Option<AuditAction>,
    /// What it changed from the version before it (everything, for a creation).
    pub changes: Vec<Change>,
    /// Whether the version before it is kept; when not, `changes` is empty (unknown).
    pub previous_kept: bool,
}

/// A resource's kept versions, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Which kind.
    pub kind: ResourceKind,
    /// Its name.
    pub name: String,
    /// Its current version.
    pub current: i64,
    /// Newest first; the first is the current version.
    pub entries: Vec<HistoryEntry>,
}

/// Restore `version` of a resource, replacing `based_on` (the version the admin read).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RestoreInput {
    /// Which kind.
    pub kind: ResourceKind,
    /// Its name.
    pub name: String,
    /// The kept version to bring back.
    pub version: i64,
    /// The current version as read: a change since then is a conflict (409).
    pub based_on: i64,
}
