//! The security resources the console stores — realm configurations, role mappings, roles,
//! native users and sample identities — as the JSON API and the editors exchange them.
//!
//! Parsing here turns request JSON into checked values, failing with an error that names the
//! field; Elasticsearch's own semantics stay in [`crate::jwt`], [`crate::role_mapping`] and
//! [`crate::directory`], which this module calls. Pure: no I/O.

pub mod realm_config;
pub mod sample_identity;

use std::fmt;

use serde_json::{Map, Value, json};

pub use crate::field::FieldError;

use crate::directory::Directory;
use crate::role_mapping::{RESERVED_SUFFIX, RoleMapping};

/// What kind of resource a stored document is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A realm configuration (`jwt`, or another type as a chain member).
    Realm,
    /// A role mapping (body as the role-mapping API takes it).
    RoleMapping,
    /// A role descriptor.
    Role,
    /// A native user.
    User,
    /// A hand-made or saved identity to test role mappings against (console only).
    SampleIdentity,
    /// An environment the deployment trusts (ECE/ECH trust settings, self-managed CA trust).
    TrustedEnvironment,
    /// A remote cluster of the deployment, by alias.
    RemoteCluster,
}

impl ResourceKind {
    /// Every kind.
    pub const ALL: [Self; 7] = [
        Self::Realm,
        Self::RoleMapping,
        Self::Role,
        Self::User,
        Self::SampleIdentity,
        Self::TrustedEnvironment,
        Self::RemoteCluster,
    ];

    /// The stored spelling, also the audit log's entity kind (`native_user`, so that it is
    /// not confused with the console's own accounts, `user`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Realm => "realm",
            Self::RoleMapping => "role_mapping",
            Self::Role => "role",
            Self::User => "native_user",
            Self::SampleIdentity => "sample_identity",
            Self::TrustedEnvironment => "trusted_environment",
            Self::RemoteCluster => "remote_cluster",
        }
    }

    /// The noun for messages (`role mapping`).
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Realm => "realm",
            Self::RoleMapping => "role mapping",
            Self::Role => "role",
            Self::User => "user",
            Self::SampleIdentity => "sample identity",
            Self::TrustedEnvironment => "trusted environment",
            Self::RemoteCluster => "remote cluster",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest realm name the console accepts (it becomes part of every setting key).
pub const MAX_REALM_NAME: usize = 64;
/// Elasticsearch's limit for user and role names (`Validation.MAX_NAME_LENGTH`).
pub const MAX_ES_NAME: usize = 507;
/// Longest sample-identity name.
pub const MAX_SAMPLE_NAME: usize = 100;

/// Checks a resource name the way Elasticsearch (or, for realms and sample identities, the
/// console) does.
///
/// - Realm names become setting keys: letters, digits, `_` and `-` only, at most 64.
/// - Role and user names follow Elasticsearch's `Validation`: 1 to 507 printable Basic Latin
///   characters (spaces and punctuation allowed, so `<b>` is a legal role name — the console
///   stores it and renders it as text), no leading or trailing whitespace.
/// - Role-mapping names: Elasticsearch's REST layer only refuses an empty name and the
///   operator-reserved suffix; the console adds the printable-ASCII rule because the name is a
///   URL path segment in every request it generates.
/// - Sample identities: 1 to 100 characters, not blank.
///
/// # Errors
/// A [`FieldError`] on `name`.
pub fn check_name(kind: ResourceKind, name: &str) -> Result<(), FieldError> {
    let fail = |message: String| Err(FieldError::new("name", message));
    match kind {
        ResourceKind::Realm => {
            if name.is_empty() || name.len() > MAX_REALM_NAME {
                return fail(format!(
                    "realm names must be 1 to {MAX_REALM_NAME} characters long"
                ));
            }
            if let Some(c) = name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            {
                return fail(format!(
                    "invalid character {c:?} in realm name [{name}]: only letters, digits, [_] and [-] are allowed, because the name becomes part of every setting key"
                ));
            }
            Ok(())
        }
        ResourceKind::Role | ResourceKind::User | ResourceKind::RoleMapping => {
            let what = match kind {
                ResourceKind::Role => "Role",
                ResourceKind::User => "User",
                _ => "Role mapping",
            };
            if kind == ResourceKind::RoleMapping && name.ends_with(RESERVED_SUFFIX) {
                return fail(format!(
                    "Invalid mapping name [{name}]. [{RESERVED_SUFFIX}] is not an allowed suffix"
                ));
            }
            let length = name.chars().count();
            let printable = name.chars().all(|c| (' '..='~').contains(&c));
            let trimmed = name.trim() == name;
            if !(1..=MAX_ES_NAME).contains(&length) || !printable || !trimmed {
                return fail(format!(
                    "{what} names must be at least 1 and no more than {MAX_ES_NAME} characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed."
                ));
            }
            Ok(())
        }
        ResourceKind::TrustedEnvironment => crate::trust::environment::check_environment_name(name),
        ResourceKind::RemoteCluster => crate::trust::remote::check_alias(name),
        ResourceKind::SampleIdentity => {
            let length = name.chars().count();
            if name.trim().is_empty() || length > MAX_SAMPLE_NAME {
                return fail(format!(
                    "sample identity names must be 1 to {MAX_SAMPLE_NAME} characters and not blank"
                ));
            }
            Ok(())
        }
    }
}

/// Parses a role-mapping API body with Elasticsearch's parser.
///
/// # Errors
/// The name's problem, or Elasticsearch's parser message on the body field at fault.
pub fn parse_role_mapping(name: &str, body: &Value) -> Result<RoleMapping, FieldError> {
    check_name(ResourceKind::RoleMapping, name)?;
    RoleMapping::parse(name, body).map_err(|e| FieldError::new(e.field, e.message))
}

/// Checks a role descriptor (the role API body) with the console's role reader.
///
/// # Errors
/// The name's problem, or the descriptor's on `body`.
pub fn check_role(name: &str, body: &Value) -> Result<(), FieldError> {
    check_name(ResourceKind::Role, name)?;
    check_index_privileges(body)?;
    Directory::parse(Some(&json!({ name: body })), None)
        .map(drop)
        .map_err(|errors| FieldError::new("body", errors.join("; ")))
}

/// `indices` entries need `names` and `privileges` (the role API refuses them otherwise).
fn check_index_privileges(body: &Value) -> Result<(), FieldError> {
    let Some(indices) = body.get("indices") else {
        return Ok(());
    };
    let Value::Array(entries) = indices else {
        return Err(FieldError::new(
            "indices",
            "[indices] must be an array of index privilege entries",
        ));
    };
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("indices[{i}]");
        let Value::Object(entry) = entry else {
            return Err(FieldError::new(field, "expected an object"));
        };
        for required in ["names", "privileges"] {
            let ok = match entry.get(required) {
                Some(Value::Array(items)) => {
                    !items.is_empty() && items.iter().all(Value::is_string)
                }
                Some(Value::String(s)) => !s.is_empty(),
                _ => false,
            };
            if !ok {
                return Err(FieldError::new(
                    format!("{field}.{required}"),
                    format!(
                        "failed to parse indices privileges. missing required [{required}] field"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A native user body with its password taken out (it is a secret, stored apart).
#[derive(Clone, Debug, PartialEq)]
pub struct UserBody {
    /// The body without `password` / `password_hash`.
    pub body: Value,
    /// `password` or `password_hash` when the request set one: (field, value).
    pub password: Option<(String, String)>,
}

/// Minimum password length of the user API.
pub const MIN_USER_PASSWORD: usize = 6;

/// Checks a native user body and splits its password off.
///
/// # Errors
/// The name's problem, a short password, or the body's problem on `body`.
pub fn parse_user(name: &str, body: &Value) -> Result<UserBody, FieldError> {
    check_name(ResourceKind::User, name)?;
    Directory::parse(None, Some(&json!({ name: body })))
        .map_err(|errors| FieldError::new("body", errors.join("; ")))?;
    let mut map: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
    let mut password = None;
    for field in ["password", "password_hash"] {
        match map.remove(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(value)) => {
                if field == "password" && value.chars().count() < MIN_USER_PASSWORD {
                    return Err(FieldError::new(
                        field,
                        format!("passwords must be at least [{MIN_USER_PASSWORD}] characters long"),
                    ));
                }
                password = Some((field.to_owned(), value));
            }
            Some(_) => {
                return Err(FieldError::new(
                    field,
                    format!("[{field}] must be a string"),
                ));
            }
        }
    }
    Ok(UserBody {
        body: Value::Object(map),
        password,
    })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn realm_names() {
        for ok in ["jwt1", "my-realm_2", "A"] {
            assert_eq!(check_name(ResourceKind::Realm, ok), Ok(()), "{ok}");
        }
        for bad in ["", "has space", "é", "<script>", "a.b", &"x".repeat(65)] {
            let error = check_name(ResourceKind::Realm, bad).unwrap_err();
            assert_eq!(error.field, "name");
        }
        assert!(
            check_name(ResourceKind::Realm, "a.b")
                .unwrap_err()
                .message
                .contains("'.'")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn elasticsearch_names() {
        for ok in ["admin", "with space", "<b>bold</b>", "a!@#$%^&*()"] {
            assert_eq!(check_name(ResourceKind::Role, ok), Ok(()), "{ok}");
            assert_eq!(check_name(ResourceKind::User, ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            " lead",
            "trail ",
            "ünïcode",
            "tab\there",
            &"r".repeat(508),
        ] {
            let error = check_name(ResourceKind::Role, bad).unwrap_err();
            assert!(
                error.message.starts_with("Role names must be at least 1"),
                "{bad}"
            );
        }
        assert!(
            check_name(ResourceKind::User, "ü")
                .unwrap_err()
                .message
                .starts_with("User names")
        );
        assert_eq!(
            check_name(ResourceKind::RoleMapping, "x-read-only-operator-config")
                .unwrap_err()
                .message,
            "Invalid mapping name [x-read-only-operator-config]. [-read-only-operator-config] is not an allowed suffix"
        );
        assert!(check_name(ResourceKind::SampleIdentity, "  ").is_err());
        assert!(check_name(ResourceKind::SampleIdentity, "Alice (admin) ✓").is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn role_mapping_errors_name_their_field() {
        let error = parse_role_mapping(
            "m",
            &json!({"enabled": true, "roles": ["r"], "rules": {"field": {"username": []}}}),
        )
        .unwrap_err();
        assert_eq!(error.field, "rules");
        assert!(error.message.contains("null or empty values"), "{error}");
        let error =
            parse_role_mapping("m", &json!({"enabled": true, "rules": {"all": []}})).unwrap_err();
        assert_eq!(error.field, "roles");
        assert!(
            parse_role_mapping(
                "m",
                &json!({"enabled": true, "roles": ["r"], "rules": {"all": []}})
            )
            .is_ok()
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn roles_and_users() {
        assert_eq!(
            check_role("ops", &json!({"run_as": ["alice"], "cluster": ["monitor"]})),
            Ok(())
        );
        assert_eq!(
            check_role("ops", &json!({"run_as": "alice"}))
                .unwrap_err()
                .field,
            "body"
        );
        assert_eq!(
            check_role("superuser", &json!({})).unwrap_err().message,
            "Role [superuser] is reserved and may not be used."
        );
        let error = check_role("ops", &json!({"indices": [{"names": ["logs-*"]}]})).unwrap_err();
        assert_eq!(error.field, "indices[0].privileges");
        assert!(
            check_role(
                "ops",
                &json!({"indices": [{"names": ["logs-*"], "privileges": ["read"]}]})
            )
            .is_ok()
        );

        let user =
            parse_user("alice", &json!({"roles": ["ops"], "password": "s3cret-pw"})).unwrap();
        assert_eq!(user.body, json!({"roles": ["ops"]}));
        assert_eq!(
            user.password,
            Some(("password".to_owned(), "s3cret-pw".to_owned()))
        );
        assert_eq!(
            parse_user("alice", &json!({"password": "short"}))
                .unwrap_err()
                .field,
            "password"
        );
        assert_eq!(
            parse_user("alice", &json!({"nickname": "al"}))
                .unwrap_err()
                .message,
            "user [alice]: unexpected field [nickname]"
        );
        assert!(parse_user("elastic", &json!({})).is_err());
    }
}
