//! Sample identities: users an admin keeps to test role mappings against before saving —
//! hand-made, or saved from the token playground. Shaped like the user data a realm hands to
//! role mapping (`UserRoleMapper.UserData`): username, dn, groups, metadata, realm name.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::FieldError;
use crate::role_mapping::{Mapped, RoleMapping, UserModel, map_roles};

/// A user to test role mappings against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleIdentity {
    /// `username`.
    #[serde(default)]
    pub username: String,
    /// `dn`, when the realm supplies one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dn: Option<String>,
    /// `groups`.
    #[serde(default)]
    pub groups: Vec<String>,
    /// `metadata` (for JWT users: `jwt_token_type` and `jwt_claim_*`).
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// `realm.name`.
    #[serde(default)]
    pub realm: String,
}

impl SampleIdentity {
    /// Parses the stored / API form.
    ///
    /// # Errors
    /// The field at fault: a missing username or realm, or a wrongly typed field.
    pub fn parse(body: &Value) -> Result<Self, FieldError> {
        let identity: Self = serde_json::from_value(body.clone())
            .map_err(|e| FieldError::new("body", e.to_string()))?;
        if identity.username.is_empty() {
            return Err(FieldError::new(
                "username",
                "a sample identity needs a username",
            ));
        }
        if identity.realm.is_empty() {
            return Err(FieldError::new(
                "realm",
                "a sample identity needs the name of the realm it comes from",
            ));
        }
        if let Some((key, problem)) =
            crate::role_mapping::model::unsupported_metadata(&identity.metadata)
        {
            return Err(FieldError::new(format!("metadata.{key}"), problem));
        }
        Ok(identity)
    }

    /// The user as role-mapping rules see it.
    pub fn model(&self) -> UserModel {
        UserModel::new(
            &self.username,
            self.dn.as_deref(),
            &self.groups,
            &self.metadata,
            &self.realm,
        )
    }
}

/// What an edit does to one identity's roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    /// Roles with the mappings as saved.
    pub before: Vec<String>,
    /// Roles with the edited mappings.
    pub after: Vec<String>,
    /// Roles only after the edit.
    pub added: Vec<String>,
    /// Roles only before the edit.
    pub removed: Vec<String>,
    /// A template that could not be rendered, after the edit.
    pub error: Option<String>,
}

/// Maps `identity` with the saved mappings and with the edited ones.
pub fn role_change(
    identity: &SampleIdentity,
    saved: &[RoleMapping],
    edited: &[RoleMapping],
) -> RoleChange {
    let model = identity.model();
    let roles = |mappings: &[RoleMapping]| map_roles(mappings, &model).map(|m: Mapped| m.roles);
    let before = roles(saved).unwrap_or_default();
    let (after, error) = match roles(edited) {
        Ok(after) => (after, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let added = after
        .iter()
        .filter(|r| !before.contains(r))
        .cloned()
        .collect();
    let removed = before
        .iter()
        .filter(|r| !after.contains(r))
        .cloned()
        .collect();
    RoleChange {
        before,
        after,
        added,
        removed,
        error,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn parse_requires_username_and_realm() {
        let ok = SampleIdentity::parse(&json!({
            "username": "alice", "groups": ["admins"], "realm": "jwt1",
            "metadata": {"jwt_claim_iss": "https://issuer"}
        }))
        .unwrap();
        assert_eq!(ok.groups, ["admins"]);
        assert_eq!(
            SampleIdentity::parse(&json!({"username": "", "realm": "r"}))
                .unwrap_err()
                .field,
            "username"
        );
        assert_eq!(
            SampleIdentity::parse(&json!({"username": "a"}))
                .unwrap_err()
                .field,
            "realm"
        );
        assert_eq!(
            SampleIdentity::parse(&json!({"username": "a", "realm": "r", "groups": "x"}))
                .unwrap_err()
                .field,
            "body"
        );
        assert!(
            SampleIdentity::parse(&json!({"username": "a", "realm": "r", "colour": 1})).is_err()
        );
    }

    /// `ExpressionModel.buildPredicate` throws on an object (also inside a list), so the console
    /// refuses such metadata instead of silently never matching it.
    #[wasm_bindgen_test(unsupported = test)]
    fn object_metadata_is_refused_as_elasticsearch_throws() {
        for metadata in [
            json!({"team": {"name": "ops"}}),
            json!({"team": ["a", {"b": 1}]}),
        ] {
            let refused = SampleIdentity::parse(
                &json!({"username": "a", "realm": "r", "metadata": metadata}),
            )
            .unwrap_err();
            assert_eq!(refused.field, "metadata.team");
            assert!(
                refused.message.starts_with("Unsupported value type"),
                "{}",
                refused.message
            );
        }
        assert!(
            SampleIdentity::parse(
                &json!({"username": "a", "realm": "r", "metadata": {"n": [1, "x", true, null]}})
            )
            .is_ok()
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn role_change_compares_saved_and_edited_mappings() {
        let alice = SampleIdentity::parse(&json!({
            "username": "alice", "groups": ["CN=Admins,DC=example,DC=com"], "realm": "jwt1"
        }))
        .unwrap();
        let saved = [RoleMapping::parse(
            "everyone",
            &json!({"enabled": true, "roles": ["viewer"], "rules": {"field": {"realm.name": "jwt1"}}}),
        )
        .unwrap()];
        let mut edited = saved.to_vec();
        edited.push(
            RoleMapping::parse(
                "admins",
                &json!({"enabled": true, "roles": ["superuser"],
                        "rules": {"field": {"groups": "cn=admins,dc=example,dc=com"}}}),
            )
            .unwrap(),
        );
        let change = role_change(&alice, &saved, &edited);
        assert_eq!(change.before, ["viewer"]);
        assert_eq!(change.after, ["superuser", "viewer"]);
        assert_eq!(change.added, ["superuser"]);
        assert!(change.removed.is_empty() && change.error.is_none());

        let change = role_change(&alice, &edited, &[]);
        assert_eq!(change.removed, ["superuser", "viewer"]);
    }
}
