//! Resource history and restore. The versions are the ones `document_versions` keeps (the
//! database writes them with every change, see [`crate::ssr::db::versions`]); what each one
//! changed is `trust_core::history::diff` against the version before it. A restore is an
//! ordinary versioned write of the kept body ([`security::restore`]): the same checks as an
//! edit, 409 when the resource changed since it was read, audited as `restore`. Keystore
//! values are not versioned (they live apart, encrypted, and never leave the server), so a
//! restore keeps the current ones.

use crate::ssr::db::Pool;
use serde_json::Value;
use trust_core::{history, resource::ResourceKind};

use crate::{
    api::{
        history::{History, HistoryEntry},
        security::ResourceView,
    },
    error::ApiError,
    ssr::{
        db::versions::{self, VersionRow},
        deployments::Scope,
        security, write_plan,
    },
};

/// The kept versions of `name`, newest first, each with what it changed.
///
/// # Errors
/// [`ApiError::NotFound`] for a resource that does not exist; a database failure.
pub async fn list(
    pool: &Pool,
    scope: &Scope,
    kind: ResourceKind,
    name: &str,
) -> Result<History, ApiError> {
    let current = security::get(pool, scope, kind, name).await?;
    let rows = versions::list(pool, scope.id, kind.as_str(), name, &scope.entity_id(name)).await?;
    Ok(History {
        kind,
        name: name.to_owned(),
        current: current.version,
        entries: entries(kind, &rows),
    })
}

/// Each row (newest first) with its changes from the row after it, when that row is the
/// version just before; a version 1 lists everything it created.
fn entries(kind: ResourceKind, rows: &[VersionRow]) -> Vec<HistoryEntry> {
    let parse = |row: &VersionRow| serde_json::from_str::<Value>(&row.body_json).ok();
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let previous = rows.get(i + 1).filter(|p| p.version == row.version - 1);
            let previous_kept = row.version == 1 || previous.is_some();
            let changes = match (parse(row), previous.and_then(parse)) {
                (Some(body), before) if previous_kept => {
                    history::diff(kind, before.as_ref(), &body)
                }
                _ => Vec::new(),
            };
            HistoryEntry {
                version: row.version,
                at: row.at.clone(),
                actor: row.actor.clone(),
                action: row.action.as_deref().and_then(|a| a.parse().ok()),
                changes,
                previous_kept,
            }
        })
        .collect()
}

/// Writes kept `version` of `name` as its next version, replacing `based_on`.
///
/// # Errors
/// [`ApiError::NotFound`] for a resource or version that is not there;
/// [`ApiError::Invalid`] on `version` for the current version, or naming the field a kept
/// body no longer passes (the rules grew stricter since); [`ApiError::Conflict`] when the
/// resource is no longer at `based_on`; a database failure.
pub async fn restore(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    version: i64,
    based_on: i64,
) -> Result<ResourceView, ApiError> {
    let current = security::get(pool, scope, kind, name).await?;
    if based_on != current.version {
        return Err(write_plan::stale(
            kind.noun(),
            name,
            based_on,
            current.version,
        ));
    }
    if version == current.version {
        return Err(ApiError::invalid(
            "version",
            format!(
                "version {version} is the current version of {} [{name}]; choose an earlier one",
                kind.noun()
            ),
        ));
    }
    let body = versions::find(pool, scope.id, kind.as_str(), name, version)
        .await?
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .ok_or_else(|| ApiError::NotFound {
            message: format!(
                "version {version} of {} [{name}] is not kept (the newest {} are)",
                kind.noun(),
                versions::KEPT
            ),
        })?;
    security::restore(pool, scope, actor, kind, name, &body, based_on).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use trust_core::history::ChangeKind;

    use super::*;

    fn row(version: i64, body: Value) -> VersionRow {
        VersionRow {
            version,
            body_json: body.to_string(),
            at: "2026-12-05T10:00:00Z".to_owned(),
            actor: Some("admin".to_owned()),
            action: Some(if version == 1 { "create" } else { "update" }.to_owned()),
        }
    }

    #[test]
    fn each_version_shows_what_it_changed_from_the_one_before() {
        let rows = [
            row(3, json!({"roles": ["a", "b"], "enabled": false})),
            row(2, json!({"roles": ["a", "b"], "enabled": true})),
            row(1, json!({"roles": ["a"], "enabled": true})),
        ];
        let entries = entries(ResourceKind::RoleMapping, &rows);
        let summary: Vec<(i64, Vec<String>)> = entries
            .iter()
            .map(|e| (e.version, e.changes.iter().map(|c| c.sentence()).collect()))
            .collect();
        assert_eq!(
            summary,
            [
                (3, vec!["enabled changed from true to false".to_owned()]),
                (2, vec!["role added: \"b\"".to_owned()]),
                (
                    1,
                    vec![
                        "enabled added: true".to_owned(),
                        "role added: \"a\"".to_owned()
                    ]
                ),
            ]
        );
        assert!(entries.iter().all(|e| e.previous_kept));
        assert_eq!(
            entries[2].action,
            Some(trust_core::audit::AuditAction::Create)
        );
    }

    #[test]
    fn a_version_whose_predecessor_is_gone_says_so_instead_of_guessing() {
        let rows = [
            row(52, json!({"cluster": ["all"]})),
            row(51, json!({"cluster": []})),
        ];
        let entries = entries(ResourceKind::Role, &rows);
        assert_eq!(entries[0].changes[0].kind, ChangeKind::Added);
        assert!(entries[0].previous_kept);
        assert!(!entries[1].previous_kept);
        assert!(entries[1].changes.is_empty());
    }
}
