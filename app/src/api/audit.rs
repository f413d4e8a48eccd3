//! The audit log.

pub mod list_audit;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use trust_core::{
    history::{self, Change},
    resource::ResourceKind,
};

use crate::nav::resource_href;

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

impl AuditEntryView {
    /// The resource this entry is about: its kind, deployment and name.
    pub fn resource(&self) -> Option<(ResourceKind, &str, &str)> {
        let kind = ResourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == self.entity_kind)?;
        let (deployment, name) = self.entity_id.split_once('/')?;
        Some((kind, deployment, name))
    }

    /// What the change did to the resource's body, in its own terms (`None` for entries that
    /// are not resource changes, or whose images carry no body).
    pub fn changes(&self) -> Option<Vec<Change>> {
        let (kind, _, _) = self.resource()?;
        let body = |image: &Option<Value>| image.as_ref().and_then(|i| i.get("body")).cloned();
        let (before, after) = (body(&self.before), body(&self.after));
        match (before, after) {
            (before, Some(after)) => Some(history::diff(kind, before.as_ref(), &after)),
            (Some(_), None) => Some(Vec::new()),
            (None, None) => None,
        }
    }

    /// The version this entry wrote, on its resource's history, when that resource's page
    /// has one and the entry belongs to `current_deployment` (the pages show the selected
    /// deployment's resources).
    pub fn history_href(&self, current_deployment: &str) -> Option<String> {
        let (kind, deployment, name) = self.resource()?;
        let version = self.after.as_ref()?.get("version")?.as_i64()?;
        // Every kind with an editor shows its history there (sample identities have none).
        let has_page = kind != ResourceKind::SampleIdentity;
        (has_page && deployment == current_deployment)
            .then(|| format!("{}#version-{version}", resource_href(kind, name)))
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(kind: &str, id: &str, before: Option<Value>, after: Option<Value>) -> AuditEntryView {
        AuditEntryView {
            id: 1,
            at: "2026-12-05T10:00:00Z".to_owned(),
            actor: "admin".to_owned(),
            entity_kind: kind.to_owned(),
            entity_id: id.to_owned(),
            action: "update".to_owned(),
            before,
            after,
        }
    }

    #[test]
    fn a_resource_change_reads_as_its_semantic_diff_and_links_to_its_version() {
        let e = entry(
            "role_mapping",
            "prod/admins",
            Some(json!({"version": 1, "body": {"roles": ["viewer"]}})),
            Some(json!({"version": 2, "body": {"roles": ["superuser"]}})),
        );
        let sentences: Vec<String> = e.changes().unwrap().iter().map(Change::sentence).collect();
        assert_eq!(
            sentences,
            ["role removed: \"viewer\"", "role added: \"superuser\""]
        );
        assert_eq!(
            e.history_href("prod").as_deref(),
            Some("/role-mappings/admins#version-2")
        );
        assert_eq!(
            e.history_href("staging"),
            None,
            "another deployment's resource"
        );
    }

    #[test]
    fn other_entries_have_no_diff_or_link() {
        let login = entry("session", "admin", None, None);
        assert_eq!(login.changes(), None);
        assert_eq!(login.history_href("prod"), None);
        let role = entry(
            "role",
            "prod/r",
            None,
            Some(json!({"version": 1, "body": {"cluster": ["all"]}})),
        );
        assert_eq!(role.changes().unwrap().len(), 1);
        assert_eq!(
            role.history_href("prod").as_deref(),
            Some("/roles-users?role=r#version-1"),
            "a role's history is under its editor"
        );
        let deleted = entry(
            "realm",
            "prod/r",
            Some(json!({"version": 3, "body": {}})),
            None,
        );
        assert_eq!(deleted.changes(), Some(Vec::new()));
        assert_eq!(deleted.history_href("prod"), None);
    }
}
