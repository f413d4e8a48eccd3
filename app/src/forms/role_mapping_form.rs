//! The role-mapping editor's model (everything but the rules, which the builder holds) and the
//! plain functions the role-mapping pages decide with: search, field suggestions, the test
//! against sample identities.

use serde_json::{Map, Value, json};
use trust_core::{
    case::to_lowercase,
    resource::{
        FieldError, parse_role_mapping,
        sample_identity::{RoleChange, SampleIdentity, role_change},
    },
    role_mapping::RoleMapping,
};

use super::text_list;
use crate::api::security::ResourceView;

/// The editor state besides the rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleMappingForm {
    /// Mapping name.
    pub name: String,
    /// `enabled`.
    pub enabled: bool,
    /// Grant role templates instead of role names.
    pub use_templates: bool,
    /// `roles`, comma-separated.
    pub roles: String,
    /// `role_templates` as JSON text.
    pub templates: String,
    /// `metadata` as JSON text (empty for none).
    pub metadata: String,
}

impl RoleMappingForm {
    /// A new, enabled mapping.
    pub fn new_mapping() -> Self {
        Self {
            enabled: true,
            ..Self::default()
        }
    }

    /// The editor state of a stored mapping, and its rules.
    pub fn from_view(view: &ResourceView) -> (Self, Value) {
        let body = &view.body;
        let templates = body
            .get("role_templates")
            .filter(|t| t.as_array().is_some_and(|a| !a.is_empty()) || t.is_object());
        let form = Self {
            name: view.name.clone(),
            enabled: body["enabled"].as_bool().unwrap_or(true),
            use_templates: templates.is_some(),
            roles: text_list::join(body.get("roles")),
            templates: templates
                .and_then(|t| serde_json::to_string_pretty(t).ok())
                .unwrap_or_default(),
            metadata: body
                .get("metadata")
                .filter(|m| m.as_object().is_some_and(|m| !m.is_empty()))
                .and_then(|m| serde_json::to_string_pretty(m).ok())
                .unwrap_or_default(),
        };
        (
            form,
            body.get("rules")
                .cloned()
                .unwrap_or_else(|| json!({"all": []})),
        )
    }

    /// The role-mapping API body.
    ///
    /// # Errors
    /// Templates or metadata that are not JSON, on their field.
    pub fn body(&self, rules: &Value) -> Result<Value, FieldError> {
        let mut body = Map::new();
        body.insert("enabled".to_owned(), Value::Bool(self.enabled));
        if self.use_templates {
            let templates = trust_core::xcontent::parse_json(self.templates.trim())
                .map_err(|e| FieldError::new("role_templates", format!("not valid JSON: {e}")))?;
            body.insert("role_templates".to_owned(), templates);
        } else {
            body.insert(
                "roles".to_owned(),
                text_list::to_array(&self.roles).unwrap_or_else(|| json!([])),
            );
        }
        body.insert("rules".to_owned(), rules.clone());
        if !self.metadata.trim().is_empty() {
            let metadata = trust_core::xcontent::parse_json(self.metadata.trim())
                .map_err(|e| FieldError::new("metadata", format!("not valid JSON: {e}")))?;
            body.insert("metadata".to_owned(), metadata);
        }
        Ok(Value::Object(body))
    }

    /// The body parsed with Elasticsearch's parser.
    ///
    /// # Errors
    /// The first problem, on its field.
    pub fn parse(&self, rules: &Value) -> Result<RoleMapping, FieldError> {
        let name = if self.name.is_empty() {
            "new"
        } else {
            &self.name
        };
        let body = self.body(rules)?;
        let mapping = parse_role_mapping(name, &body)?;
        if self.name.is_empty() {
            return Err(FieldError::new("name", "role-mapping name is missing"));
        }
        Ok(mapping)
    }
}

/// Whether a mapping matches the search text (name, roles or rules, case-insensitive).
pub fn matches_search(view: &ResourceView, search: &str) -> bool {
    let search = to_lowercase(search.trim());
    search.is_empty()
        || to_lowercase(&view.name).contains(&search)
        || to_lowercase(&view.body.to_string()).contains(&search)
}

/// Fields the rule builder suggests: the user model's fields, and `metadata.jwt_claim_*` for
/// the claims the realms read (plus the registered ones every token has).
pub fn field_suggestions(realms: &[ResourceView]) -> Vec<String> {
    let mut fields: Vec<String> = [
        "username",
        "dn",
        "groups",
        "realm.name",
        "metadata.jwt_token_type",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let mut claims: Vec<String> = ["iss", "sub", "aud"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for realm in realms {
        if let Some(settings) = realm.body["settings"].as_object() {
            for (key, value) in settings {
                if key.starts_with("claims.") {
                    claims.push(text_list::join(Some(value)));
                }
            }
        }
    }
    claims.sort();
    claims.dedup();
    fields.extend(
        claims
            .into_iter()
            .filter(|c| !c.is_empty())
            .map(|c| format!("metadata.jwt_claim_{c}")),
    );
    fields
}

/// Every stored mapping that parses (a broken one is skipped, never fatal).
pub fn parsed_mappings(views: &[ResourceView]) -> Vec<RoleMapping> {
    views
        .iter()
        .filter_map(|v| RoleMapping::parse(&v.name, &v.body).ok())
        .collect()
}

/// One sample identity's roles before → after the edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityTest {
    /// The identity's name.
    pub name: String,
    /// Its username.
    pub username: String,
    /// The change.
    pub change: RoleChange,
    /// Whether the edited mapping matches it.
    pub matched: bool,
}

/// Tests the edited mapping (replacing the stored one of the same name, if any) against
/// every sample identity.
pub fn test_identities(
    identities: &[ResourceView],
    stored: &[RoleMapping],
    editing: Option<&str>,
    edited: &RoleMapping,
) -> Vec<IdentityTest> {
    let mut after: Vec<RoleMapping> = stored
        .iter()
        .filter(|m| Some(m.name.as_str()) != editing && m.name != edited.name)
        .cloned()
        .collect();
    after.push(edited.clone());
    identities
        .iter()
        .filter_map(|view| {
            let identity = SampleIdentity::parse(&view.body).ok()?;
            Some(IdentityTest {
                name: view.name.clone(),
                username: identity.username.clone(),
                change: role_change(&identity, stored, &after),
                matched: edited.rules.matches(&identity.model()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::test_view as view;

    #[test]
    fn body_round_trips() {
        let stored = view(
            "m",
            json!({"enabled": false, "roles": ["a", "b"], "rules": {"field": {"username": "x"}},
                   "metadata": {"k": 1}}),
        );
        let (form, rules) = RoleMappingForm::from_view(&stored);
        assert_eq!(form.roles, "a, b");
        assert!(!form.enabled && !form.use_templates);
        assert_eq!(form.body(&rules).unwrap(), stored.body);
        assert!(form.parse(&rules).is_ok());

        let mut templated = form.clone();
        templated.use_templates = true;
        templated.templates =
            r#"[{"template": {"source": "{{username}}"}, "format": "string"}]"#.to_owned();
        let body = templated.body(&rules).unwrap();
        assert!(body.get("roles").is_none());
        assert!(templated.parse(&rules).is_ok());
        templated.templates = "[".to_owned();
        assert_eq!(templated.body(&rules).unwrap_err().field, "role_templates");
    }

    #[test]
    fn parse_reports_elasticsearch_errors_and_a_missing_name() {
        let mut form = RoleMappingForm::new_mapping();
        form.roles = "viewer".to_owned();
        assert_eq!(form.parse(&json!({"all": []})).unwrap_err().field, "name");
        form.name = "m".to_owned();
        let error = form.parse(&json!({"field": {"username": []}})).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.message.as_str()),
            ("rules", "null or empty values ([])")
        );
        form.roles.clear();
        assert_eq!(
            form.parse(&json!({"all": []})).unwrap_err().message,
            "Validation Failed: 1: role-mapping roles or role-templates are missing;"
        );
    }

    #[test]
    fn suggestions_search_and_identity_tests() {
        let realm = view(
            "jwt1",
            json!({"type": "jwt", "settings": {"claims.principal": "email", "claims.groups": "roles"}}),
        );
        let fields = field_suggestions(&[realm]);
        assert!(fields.contains(&"metadata.jwt_claim_email".to_owned()));
        assert!(fields.contains(&"metadata.jwt_claim_roles".to_owned()));
        assert_eq!(fields[0], "username");

        let stored = view(
            "viewers",
            json!({"enabled": true, "roles": ["viewer"], "rules": {"field": {"realm.name": "jwt1"}}}),
        );
        assert!(matches_search(&stored, "VIEW"));
        assert!(!matches_search(&stored, "admin"));
        let saved = parsed_mappings(std::slice::from_ref(&stored));
        let edited = RoleMapping::parse("admins", &json!({"enabled": true, "roles": ["superuser"], "rules": {"field": {"groups": "admins"}}})).unwrap();
        let identities = [
            view(
                "alice",
                json!({"username": "alice", "groups": ["Admins"], "realm": "jwt1"}),
            ),
            view(
                "bob",
                json!({"username": "bob", "groups": [], "realm": "jwt1"}),
            ),
        ];
        let tests = test_identities(&identities, &saved, None, &edited);
        assert_eq!(tests[0].change.before, ["viewer"]);
        assert_eq!(tests[0].change.after, ["superuser", "viewer"]);
        assert!(tests[0].matched, "groups match case-insensitively");
        assert!(!tests[1].matched);
        assert_eq!(tests[1].change.added, Vec::<String>::new());
    }
}
