//! What changed between two versions of a resource, in the resource's own terms: settings
//! added, changed or removed; roles, privileges and list values added or removed; role-mapping
//! rules added or removed — never JSON lines.
//!
//! A body is read as *keyed values* (one value per name: a realm setting, `enabled`) and
//! *members* (list entries without a name of their own: a role of a mapping, a value of
//! `allowed_audiences`, one leaf rule with where it sits in `all`/`any`/`except`). Keyed values
//! compare by name; members as sets, so reordering a list is no change.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::resource::ResourceKind;

/// How deep a body is read before the rest is shown whole (stored bodies passed the parsers'
/// own depth limits; this only keeps the walk bounded on its own).
const MAX_DEPTH: usize = 16;
/// The longest value a change shows, in characters.
const MAX_VALUE_CHARS: usize = 160;

/// Whether something was added, changed or removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the later version.
    Added,
    /// In both, with another value.
    Changed,
    /// Gone from the later version.
    Removed,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Added, changed or removed.
    pub kind: ChangeKind,
    /// What, in the resource's terms (`setting allowed_issuer`, `role`, `rule`).
    pub what: String,
    /// The value before (changed, removed).
    pub before: Option<String>,
    /// The value after (added, changed).
    pub after: Option<String>,
}

impl Change {
    /// The change as a sentence (`setting allowed_issuer changed from "a" to "b"`).
    pub fn sentence(&self) -> String {
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        match self.kind {
            ChangeKind::Added => format!("{} added: {}", self.what, value(&self.after)),
            ChangeKind::Removed => format!("{} removed: {}", self.what, value(&self.before)),
            ChangeKind::Changed => format!(
                "{} changed from {} to {}",
                self.what,
                value(&self.before),
                value(&self.after)
            ),
        }
    }
}

/// A body read as keyed values and members.
#[derive(Default)]
struct Items {
    keyed: BTreeMap<String, String>,
    members: BTreeSet<(String, String)>,
}

fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        text
    } else {
        let head: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
        format!("{head}…")
    }
}

/// How `kind` names a top-level field or a path under it.
fn label(kind: ResourceKind, path: &str) -> String {
    match (kind, path.split_once('.')) {
        (ResourceKind::Realm, Some(("settings", setting))) => format!("setting {setting}"),
        (ResourceKind::RoleMapping, _) if path == "roles" => "role".to_owned(),
        _ => path.to_owned(),
    }
}

fn read(kind: ResourceKind, path: &str, value: &Value, depth: usize, items: &mut Items) {
    if depth >= MAX_DEPTH {
        items.keyed.insert(label(kind, path), shown(value));
        return;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if kind == ResourceKind::RoleMapping && path == "rules" {
                    rule_leaves(inner, "", depth + 1, items);
                } else {
                    read(kind, &path, inner, depth + 1, items);
                }
            }
        }
        Value::Array(values) => {
            for inner in values {
                items.members.insert((label(kind, path), shown(inner)));
            }
        }
        other => {
            items.keyed.insert(label(kind, path), shown(other));
        }
    }
}

/// Each leaf of a role-mapping rule, with the `all`/`any`/`except` it sits in.
fn rule_leaves(rule: &Value, context: &str, depth: usize, items: &mut Items) {
    let mut leaf = |text: String| items.members.insert(("rule".to_owned(), text));
    let Some((op, inner)) = rule
        .as_object()
        .filter(|m| m.len() == 1 && depth < MAX_DEPTH)
        .and_then(|m| m.iter().next())
    else {
        leaf(format!("{context}{}", shown(rule)));
        return;
    };
    match (op.as_str(), inner) {
        ("all" | "any", Value::Array(rules)) => {
            for r in rules {
                rule_leaves(r, &format!("{context}{op} › "), depth + 1, items);
            }
        }
        ("except", r) => rule_leaves(r, &format!("{context}except › "), depth + 1, items),
        ("field", Value::Object(fields)) => {
            for (name, value) in fields {
                leaf(format!("{context}{name} = {}", shown(value)));
            }
        }
        _ => {
            leaf(format!("{context}{}", shown(rule)));
        }
    }
}

fn items(kind: ResourceKind, body: Option<&Value>) -> Items {
    let mut items = Items::default();
    if let Some(body) = body {
        read(kind, "", body, 0, &mut items);
    }
    items
}

/// The changes from `before` (`None`: the resource did not exist) to `after`, keyed values by
/// name, then members by what and value.
pub fn diff(kind: ResourceKind, before: Option<&Value>, after: &Value) -> Vec<Change> {
    let (old, new) = (items(kind, before), items(kind, Some(after)));
    let mut changes = Vec::new();
    let names: BTreeSet<&String> = old.keyed.keys().chain(new.keyed.keys()).collect();
    for name in names {
        let (was, is) = (old.keyed.get(name), new.keyed.get(name));
        let kind = match (was, is) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (Some(a), Some(b)) if a != b => ChangeKind::Changed,
            _ => continue,
        };
        changes.push(Change {
            kind,
            what: name.clone(),
            before: was.cloned(),
            after: is.cloned(),
        });
    }
    for (what, value) in old.members.difference(&new.members) {
        changes.push(Change {
            kind: ChangeKind::Removed,
            what: what.clone(),
            before: Some(value.clone()),
            after: None,
        });
    }
    for (what, value) in new.members.difference(&old.members) {
        changes.push(Change {
            kind: ChangeKind::Added,
            what: what.clone(),
            before: None,
            after: Some(value.clone()),
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::limits;

    fn sentences(kind: ResourceKind, before: Option<Value>, after: Value) -> Vec<String> {
        diff(kind, before.as_ref(), &after)
            .iter()
            .map(Change::sentence)
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn realm_settings_are_added_changed_and_removed_by_name() {
        let before = json!({"type": "jwt", "settings": {
            "order": 2, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
            "claims.principal": "sub", "allowed_clock_skew": "60s"
        }});
        let after = json!({"type": "jwt", "settings": {
            "order": 2, "allowed_issuer": "https://issuer.example", "allowed_audiences": ["aud9", "aud8"],
            "claims.principal": "sub", "claims.groups": "groups"
        }});
        assert_eq!(
            sentences(ResourceKind::Realm, Some(before), after),
            [
                "setting allowed_clock_skew removed: \"60s\"",
                "setting allowed_issuer changed from \"iss8\" to \"https://issuer.example\"",
                "setting claims.groups added: \"groups\"",
                "setting allowed_audiences added: \"aud9\"",
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn mapping_rules_and_roles_compare_as_sets_where_they_sit() {
        let before = json!({"enabled": true, "roles": ["viewer", "jwt_role1"],
            "rules": {"all": [{"field": {"realm.name": "jwt2"}}, {"field": {"username": "user2"}}]}});
        let after = json!({"enabled": false, "roles": ["jwt_role1", "superuser"],
        "rules": {"all": [{"field": {"username": "user2"}}, {"any": [
            {"field": {"realm.name": "jwt2"}}, {"except": {"field": {"groups": "ops"}}}
        ]}]}});
        assert_eq!(
            sentences(ResourceKind::RoleMapping, Some(before), after),
            [
                "enabled changed from true to false",
                "role removed: \"viewer\"",
                "rule removed: all › realm.name = \"jwt2\"",
                "role added: \"superuser\"",
                "rule added: all › any › except › groups = \"ops\"",
                "rule added: all › any › realm.name = \"jwt2\"",
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_reordered_list_is_no_change_and_a_creation_lists_everything() {
        let role = json!({"cluster": ["manage", "monitor"], "run_as": ["a"]});
        let reordered = json!({"cluster": ["monitor", "manage"], "run_as": ["a"]});
        assert!(diff(ResourceKind::Role, Some(&role), &reordered).is_empty());
        assert_eq!(
            sentences(ResourceKind::Role, None, role),
            [
                "cluster added: \"manage\"",
                "cluster added: \"monitor\"",
                "run_as added: \"a\""
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn long_values_are_cut_and_deep_bodies_stay_bounded() {
        let long = "x".repeat(500);
        let changes = diff(
            ResourceKind::TrustedEnvironment,
            None,
            &json!({"certificates": long}),
        );
        let shown = changes[0].after.as_deref().unwrap();
        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS);
        assert!(shown.ends_with('…'));
        // Nesting as deep as the parsers allow (serde_json's own 128): read to the bound, the
        // rest shown whole.
        let mut deep = json!("leaf");
        for _ in 0..120 {
            deep = json!({ "a": deep });
        }
        let changes = diff(ResourceKind::Role, None, &deep);
        assert_eq!(changes.len(), 1);
        let mut rule = json!({"field": {"username": "u"}});
        for _ in 0..limits::RULES_MAX_DEPTH {
            rule = json!({ "all": [rule] });
        }
        let changes = diff(ResourceKind::RoleMapping, None, &json!({ "rules": rule }));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].what, "rule");
    }
}
