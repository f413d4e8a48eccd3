//! Export (the artifacts an admin applies, a zip of them, the diff against the previous
//! export) and import (an existing cluster's files into a deployment). The rules are
//! `trust_core::export`; these functions load and store. One file per server function.

pub mod import_config;
pub mod load_export;
pub mod reveal_export;

use serde::{Deserialize, Serialize};
use trust_core::export::{
    Artifact, ImportInput,
    diff::Line,
    import::{Change, ImportProblem},
};

use crate::api::security::DiagnosticView;

pub use import_config::{ImportConfig, import_config};
pub use load_export::{LoadExport, load_export};
pub use reveal_export::{RevealExport, reveal_export};

/// When and by whom the previous export was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousExport {
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The console user.
    pub actor: String,
}

/// One artifact's changes since the previous export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactDiff {
    /// The artifact's file name.
    pub file: String,
    /// The line diff (all `same` when unchanged).
    pub lines: Vec<Line>,
    /// Whether anything changed.
    pub changed: bool,
}

/// The export page: the deployment's artifacts (masked), what blocks a non-draft export,
/// the diff against the previous export and the settings kept without a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportView {
    /// The deployment.
    pub deployment: String,
    /// The console version named in the headers.
    pub console_version: String,
    /// Every artifact, secrets masked, in tab order.
    pub artifacts: Vec<Artifact>,
    /// Support files the yml names (JWK sets, signing certificates), `(path, content)`.
    pub files: Vec<(String, String)>,
    /// Errors Elasticsearch would refuse to start with: a non-draft export is refused.
    pub blocking: Vec<DiagnosticView>,
    /// The previous export, if any.
    pub previous: Option<PreviousExport>,
    /// Per artifact, the changes since the previous export (empty without one).
    pub diffs: Vec<ArtifactDiff>,
    /// Keys of the settings kept from an import that no model covers.
    pub kept: Vec<String>,
}

/// An import request: the files, and whether to apply them or only preview.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The uploaded files.
    pub input: ImportInput,
    /// Apply (one transaction) instead of previewing.
    #[serde(default)]
    pub apply: bool,
}

/// What an import does (preview) or did (applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// Per resource: create, update or unchanged.
    pub changes: Vec<Change>,
    /// Settings kept without a model.
    pub kept: Vec<String>,
    /// Warnings that do not stop the import.
    pub notes: Vec<String>,
    /// Why it cannot be applied (nothing is applied while there are any).
    pub problems: Vec<ImportProblem>,
    /// Whether it was applied.
    pub applied: bool,
}

/// A reveal: the admin's password again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RevealRequest {
    /// The logged-in admin's console password.
    pub password: String,
}
