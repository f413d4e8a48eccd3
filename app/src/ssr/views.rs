//! Stored documents as the API shows them: the body, its version, which secrets are set (never
//! their values) and the findings the caller computed. Shared by the security and trust
//! services, so neither reaches into the other for it.

use std::collections::BTreeMap;

use crate::ssr::db::Pool;
use serde_json::Value;
use trust_core::resource::ResourceKind;

use crate::{
    api::security::{DiagnosticView, ResourceView, SecretState},
    error::ApiError,
    ssr::db::documents::{self, DocumentRow, SecretMark},
    ssr::deployments::Scope,
};

/// `rows` as views, with their secret marks and the findings the caller already has.
///
/// # Errors
/// A database failure.
pub(crate) async fn views_of(
    pool: &Pool,
    scope: &Scope,
    kind: ResourceKind,
    rows: Vec<DocumentRow>,
    mut diagnostics: BTreeMap<String, Vec<DiagnosticView>>,
) -> Result<Vec<ResourceView>, ApiError> {
    let mut marks = marks_by_name(documents::secret_marks(pool, scope.id, kind.as_str()).await?);
    Ok(rows
        .into_iter()
        .map(|row| {
            let secure = marks.remove(&row.name).unwrap_or_default();
            let found = diagnostics.remove(&row.name).unwrap_or_default();
            view(row, secure, found)
        })
        .collect())
}

/// Secret marks grouped by resource name, then setting.
pub(crate) fn marks_by_name(
    marks: Vec<SecretMark>,
) -> BTreeMap<String, BTreeMap<String, SecretState>> {
    let mut out: BTreeMap<String, BTreeMap<String, SecretState>> = BTreeMap::new();
    for mark in marks {
        out.entry(mark.name).or_default().insert(
            mark.setting,
            SecretState {
                changed_at: mark.changed_at,
            },
        );
    }
    out
}

/// One stored document as a view.
pub(crate) fn view(
    row: DocumentRow,
    secure_settings: BTreeMap<String, SecretState>,
    diagnostics: Vec<DiagnosticView>,
) -> ResourceView {
    ResourceView {
        body: serde_json::from_str(&row.body_json).unwrap_or(Value::Null),
        name: row.name,
        version: row.version,
        updated_at: row.updated_at,
        secure_settings,
        diagnostics,
    }
}
