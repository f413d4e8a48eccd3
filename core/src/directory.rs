//! Roles and native users: what run_as and delegated authorization look at.
//!
//! Only what those decisions need is modelled: a role's `run_as` patterns, and a user's roles,
//! name, email, metadata and `enabled`. Other role-descriptor fields are accepted and ignored.
//!
//! Decisions on points the reference leaves open:
//! - The built-in (reserved) roles are known by name; of them only `superuser` grants run_as
//!   (`*`). The reserved users (`elastic`, `kibana_system`, …) are found by the `reserved`
//!   realm before any other, as in Elasticsearch.
//! - Native users live in the first `native` realm of the configuration, or in the implicit
//!   `default_native` realm when none is configured (Elasticsearch 8 adds it unless a native
//!   realm is configured). A disabled native realm finds nobody.
//! - A native user with `enabled: false` is found (`NativeRealm.lookupUser` returns it); run_as
//!   and delegated authorization then fail authentication, as Elasticsearch does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::patterns::PatternSet;

/// Built-in roles. Only `superuser` has run_as.
pub const RESERVED_ROLES: [&str; 32] = [
    "apm_system",
    "apm_user",
    "beats_admin",
    "beats_system",
    "editor",
    "enrich_user",
    "ingest_admin",
    "inference_admin",
    "inference_user",
    "kibana_admin",
    "kibana_system",
    "kibana_user",
    "logstash_admin",
    "logstash_system",
    "machine_learning_admin",
    "machine_learning_user",
    "monitoring_user",
    "remote_monitoring_agent",
    "remote_monitoring_collector",
    "reporting_user",
    "rollup_admin",
    "rollup_user",
    "snapshot_user",
    "superuser",
    "transform_admin",
    "transform_user",
    "viewer",
    "watcher_admin",
    "watcher_user",
    "data_frame_transforms_admin",
    "data_frame_transforms_user",
    "transport_client",
];

/// Built-in users and their roles: exactly the users of Elasticsearch's `ReservedRealm`.
pub const RESERVED_USERS: [(&str, &[&str]); 7] = [
    ("elastic", &["superuser"]),
    ("kibana", &["kibana_system"]),
    ("kibana_system", &["kibana_system"]),
    ("logstash_system", &["logstash_system"]),
    ("beats_system", &["beats_system"]),
    ("apm_system", &["apm_system"]),
    (
        "remote_monitoring_user",
        &["remote_monitoring_collector", "remote_monitoring_agent"],
    ),
];

/// A role, as far as run_as is concerned.
#[derive(Clone, Debug)]
pub struct Role {
    /// The role name.
    pub name: String,
    /// `run_as` as written.
    pub run_as: Vec<String>,
    patterns: PatternSet,
}

impl Role {
    /// Whether the role lets its holder run as `user`.
    pub fn grants_run_as(&self, user: &str) -> bool {
        self.patterns.matches(user)
    }
}

/// A native (or reserved) user.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    /// Username.
    pub username: String,
    /// Assigned roles.
    pub roles: Vec<String>,
    /// `full_name`.
    pub full_name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `metadata`.
    pub metadata: Map<String, Value>,
    /// `enabled`. Default true.
    pub enabled: bool,
}

/// A realm reference as `_authenticate` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmRef {
    /// Realm name.
    pub name: String,
    /// Realm type.
    #[serde(rename = "type")]
    pub kind: String,
}

impl RealmRef {
    /// A reference from name and type.
    pub fn new(name: &str, kind: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: kind.to_owned(),
        }
    }
}

/// Roles and native users.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    roles: BTreeMap<String, Role>,
    users: BTreeMap<String, User>,
}

impl Directory {
    /// Builds a directory from `name → role descriptor` and `name → user` JSON objects.
    ///
    /// # Errors
    /// Every refused role and user, each message naming it.
    pub fn parse(roles: Option<&Value>, users: Option<&Value>) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut directory = Self::default();
        for (name, body) in entries(roles, "roles", &mut errors) {
            match parse_role(name, body) {
                Ok(role) => {
                    directory.roles.insert(name.clone(), role);
                }
                Err(e) => errors.push(e),
            }
        }
        for (name, body) in entries(users, "users", &mut errors) {
            match parse_user(name, body) {
                Ok(user) => {
                    directory.users.insert(name.clone(), user);
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(directory)
        } else {
            Err(errors)
        }
    }

    /// A role by name: a defined one, or a built-in one.
    pub fn role(&self, name: &str) -> Option<Role> {
        if let Some(role) = self.roles.get(name) {
            return Some(role.clone());
        }
        RESERVED_ROLES.contains(&name).then(|| {
            let run_as: Vec<String> = if name == "superuser" {
                vec!["*".to_owned()]
            } else {
                Vec::new()
            };
            Role {
                name: name.to_owned(),
                patterns: PatternSet::parse(&run_as).unwrap_or_default(),
                run_as,
            }
        })
    }

    /// A native user by name (enabled users only).
    pub fn native_user(&self, username: &str) -> Option<&User> {
        self.native_user_any(username).filter(|u| u.enabled)
    }

    /// A native user by name, enabled or not (`NativeRealm.lookupUser` returns both).
    pub fn native_user_any(&self, username: &str) -> Option<&User> {
        self.users.get(username)
    }

    /// A reserved user by name.
    pub fn reserved_user(username: &str) -> Option<User> {
        RESERVED_USERS
            .iter()
            .find(|(name, _)| *name == username)
            .map(|(name, roles)| User {
                username: (*name).to_owned(),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                full_name: None,
                email: None,
                metadata: [("_reserved".to_owned(), Value::Bool(true))]
                    .into_iter()
                    .collect(),
                enabled: true,
            })
    }

    /// Number of native users.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }
}

fn entries<'v>(
    value: Option<&'v Value>,
    what: &str,
    errors: &mut Vec<String>,
) -> Vec<(&'v String, &'v Value)> {
    match value {
        None => Vec::new(),
        Some(Value::Object(map)) => map.iter().collect(),
        Some(_) => {
            errors.push(format!("{what}: expected an object of name to definition"));
            Vec::new()
        }
    }
}

const ROLE_FIELDS: [&str; 11] = [
    "cluster",
    "indices",
    "applications",
    "run_as",
    "metadata",
    "transient_metadata",
    "global",
    "remote_indices",
    "remote_cluster",
    "description",
    "restriction",
];

fn parse_role(name: &str, body: &Value) -> Result<Role, String> {
    if RESERVED_ROLES.contains(&name) {
        return Err(format!("Role [{name}] is reserved and may not be used."));
    }
    let Value::Object(map) = body else {
        return Err(format!(
            "failed to parse role [{name}]. expected an object but found [{body}]"
        ));
    };
    if let Some(field) = map.keys().find(|k| !ROLE_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "failed to parse role [{name}]. unexpected field [{field}]"
        ));
    }
    let run_as = match map.get("run_as") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                format!("failed to parse role [{name}]. [run_as] must be an array of strings")
            })?,
        Some(other) => {
            return Err(format!(
                "failed to parse role [{name}]. [run_as] must be an array of strings, found [{other}]"
            ));
        }
    };
    let patterns = PatternSet::parse(&run_as)
        .map_err(|e| format!("failed to parse role [{name}]. run_as: {e}"))?;
    Ok(Role {
        name: name.to_owned(),
        run_as,
        patterns,
    })
}

const USER_FIELDS: [&str; 7] = [
    "roles",
    "full_name",
    "email",
    "metadata",
    "enabled",
    "password",
    "password_hash",
];

fn parse_user(name: &str, body: &Value) -> Result<User, String> {
    if RESERVED_USERS.iter().any(|(u, _)| *u == name) {
        return Err(format!(
            "user [{name}] is reserved and only the password can be changed"
        ));
    }
    let Value::Object(map) = body else {
        return Err(format!(
            "user [{name}]: expected an object but found [{body}]"
        ));
    };
    if let Some(field) = map.keys().find(|k| !USER_FIELDS.contains(&k.as_str())) {
        return Err(format!("user [{name}]: unexpected field [{field}]"));
    }
    let text = |field: &str| -> Result<Option<String>, String> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!(
                "user [{name}]: [{field}] must be a string, found [{other}]"
            )),
        }
    };
    let roles = match map.get("roles") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("user [{name}]: [roles] must be an array of strings"))?,
        Some(other) => {
            return Err(format!(
                "user [{name}]: [roles] must be an array of strings, found [{other}]"
            ));
        }
    };
    let metadata = match map.get("metadata") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(other) => {
            return Err(format!(
                "user [{name}]: [metadata] must be an object, found [{other}]"
            ));
        }
    };
    if metadata.keys().any(|k| k.starts_with('_')) {
        return Err(format!(
            "user [{name}]: metadata keys may not start with [_]"
        ));
    }
    let enabled = match map.get("enabled") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(format!(
                "user [{name}]: [enabled] must be a boolean, found [{other}]"
            ));
        }
    };
    Ok(User {
        username: name.to_owned(),
        roles,
        full_name: text("full_name")?,
        email: text("email")?,
        metadata,
        enabled,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn parses_roles_and_users() {
        let d = Directory::parse(
            Some(&json!({"runner": {"cluster": ["monitor"], "run_as": ["svc_*", "/ops[0-9]/"]}})),
            Some(
                &json!({"svc_a": {"roles": ["viewer"], "full_name": "Service A", "password": "x"},
                         "off": {"roles": [], "enabled": false}}),
            ),
        )
        .unwrap();
        let runner = d.role("runner").unwrap();
        assert!(runner.grants_run_as("svc_a") && runner.grants_run_as("ops1"));
        assert!(!runner.grants_run_as("ops10") && !runner.grants_run_as("admin"));
        assert!(d.role("superuser").unwrap().grants_run_as("anyone"));
        assert!(!d.role("viewer").unwrap().grants_run_as("anyone"));
        assert!(d.role("nope").is_none());
        assert_eq!(
            d.native_user("svc_a").unwrap().full_name.as_deref(),
            Some("Service A")
        );
        assert!(d.native_user("off").is_none());
        assert_eq!(
            Directory::reserved_user("elastic").unwrap().roles,
            ["superuser"]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refuses_bad_definitions_naming_them() {
        let errors = Directory::parse(
            Some(&json!({"superuser": {}, "r1": {"run_as": "x"}, "r2": {"colour": 1}})),
            Some(&json!({"elastic": {}, "u1": {"roles": "a"}, "u2": {"metadata": {"_k": 1}}})),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "Role [superuser] is reserved and may not be used.",
                "failed to parse role [r1]. [run_as] must be an array of strings, found [\"x\"]",
                "failed to parse role [r2]. unexpected field [colour]",
                "user [elastic] is reserved and only the password can be changed",
                "user [u1]: [roles] must be an array of strings, found [\"a\"]",
                "user [u2]: metadata keys may not start with [_]",
            ]
        );
    }

    /// `ReservedRealm`: exactly these seven users; `elastic_internal` is not one of them.
    #[wasm_bindgen_test(unsupported = test)]
    fn the_reserved_users_are_the_reserved_realms() {
        let names: Vec<&str> = RESERVED_USERS.iter().map(|(u, _)| *u).collect();
        assert_eq!(
            names,
            [
                "elastic",
                "kibana",
                "kibana_system",
                "logstash_system",
                "beats_system",
                "apm_system",
                "remote_monitoring_user"
            ]
        );
        assert!(Directory::reserved_user("elastic_internal").is_none());
        assert!(Directory::reserved_user("kibana_system").is_some());
    }
}
