//! Role mappings as the role-mapping API stores them (`ExpressionRoleMapping`): parsing with
//! Elasticsearch's messages, and evaluation that says which mapping, and which rule branch,
//! granted each role.
//!
//! Decisions on points the reference leaves open:
//! - The reserved-name check uses the suffix `-read-only-operator-config`.
//! - Mapped roles are reported sorted (Elasticsearch collects them into a hash set, whose
//!   order is not meaningful).
//! - A template that fails to render fails the whole role resolution, and so the
//!   authentication, as the exception does in Elasticsearch.

pub mod model;
pub mod rules;
pub mod template;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use model::UserModel;
pub use rules::{FieldValue, Rule};
pub use template::RoleTemplate;

use rules::token_name;

/// The fields `ExpressionRoleMapping`'s parser declares (the candidates of its "did you mean").
const BODY_FIELDS: [&str; 7] = [
    "roles",
    "role_templates",
    "rules",
    "metadata",
    "enabled",
    "doc_type",
    "type",
];

/// `ActionRequestValidationException`'s message: `Validation Failed: 1: a;2: b;`.
pub fn validation_failed<'a>(errors: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = "Validation Failed: ".to_owned();
    for (i, error) in errors.into_iter().enumerate() {
        out.push_str(&format!("{}: {error};", i + 1));
    }
    out
}

/// The suffix reserved for operator-defined (file settings) mappings.
pub const RESERVED_SUFFIX: &str = "-read-only-operator-config";

/// A parsed role mapping.
#[derive(Clone, Debug)]
pub struct RoleMapping {
    /// The mapping's name.
    pub name: String,
    /// `enabled`.
    pub enabled: bool,
    /// `roles`.
    pub roles: Vec<String>,
    /// `role_templates`.
    pub role_templates: Vec<RoleTemplate>,
    /// `rules`.
    pub rules: Rule,
    /// `metadata`.
    pub metadata: Map<String, Value>,
}

/// Why a role mapping body is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("role mapping [{mapping}]: {message}")]
pub struct RoleMappingError {
    /// The mapping's name.
    pub mapping: String,
    /// The body field at fault (`rules`, `roles`, `role_templates`, `metadata`, `enabled`;
    /// `name`, or `body` for the body as a whole).
    pub field: &'static str,
    /// Elasticsearch's message.
    pub message: String,
}

impl RoleMapping {
    /// Parses a put-role-mapping body the way the REST layer does, then applies the request's
    /// validation.
    ///
    /// # Errors
    /// The first problem, in Elasticsearch's wording.
    pub fn parse(name: &str, body: &Value) -> Result<Self, RoleMappingError> {
        let fail = |field: &'static str, message: String| RoleMappingError {
            mapping: name.to_owned(),
            field,
            message,
        };
        let Value::Object(fields) = body else {
            return Err(fail(
                "body",
                format!(
                    "[role-mapping] Expected START_OBJECT but was: {}",
                    token_name(body)
                ),
            ));
        };
        let mut roles = None;
        let mut templates = None;
        let mut rules = None;
        let mut metadata = Map::new();
        let mut enabled = None;
        for (key, value) in fields {
            match key.as_str() {
                "roles" => {
                    roles = Some(string_array("roles", value).map_err(|m| fail("roles", m))?)
                }
                "role_templates" => {
                    let items = match value {
                        Value::Array(items) => items.iter().collect(),
                        Value::Object(_) => vec![value],
                        other => {
                            return Err(fail(
                                "role_templates",
                                unsupported("role_templates", other),
                            ));
                        }
                    };
                    templates = Some(
                        items
                            .into_iter()
                            .map(RoleTemplate::parse)
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|m| fail("role_templates", m))?,
                    );
                }
                "rules" => {
                    if !value.is_object() {
                        return Err(fail("rules", unsupported("rules", value)));
                    }
                    rules = Some(Rule::parse(name, value).map_err(|e| fail("rules", e.message))?);
                }
                "metadata" => match value {
                    Value::Object(map) => metadata.clone_from(map),
                    other => return Err(fail("metadata", unsupported("metadata", other))),
                },
                "enabled" => enabled = Some(boolean(value).map_err(|m| fail("enabled", m))?),
                "doc_type" | "type" => {}
                other => {
                    return Err(fail(
                        "body",
                        crate::xcontent::unknown_field("role-mapping", other, &BODY_FIELDS),
                    ));
                }
            }
        }
        let missing = |field: &'static str| {
            fail(
                field,
                format!("failed to parse role-mapping [{name}]. missing field [{field}]"),
            )
        };
        if roles.is_none() && templates.is_none() {
            return Err(missing("roles"));
        }
        let Some(rules) = rules else {
            return Err(missing("rules"));
        };
        let Some(enabled) = enabled else {
            return Err(missing("enabled"));
        };
        let roles = roles.unwrap_or_default();
        let role_templates = templates.unwrap_or_default();
        // `PutRoleMappingRequest.validate`: every problem, collected.
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        if name.is_empty() {
            problems.push(("name", "role-mapping name is missing".to_owned()));
        }
        if roles.is_empty() && role_templates.is_empty() {
            problems.push((
                "roles",
                "role-mapping roles or role-templates are missing".to_owned(),
            ));
        }
        if !roles.is_empty() && !role_templates.is_empty() {
            problems.push((
                "role_templates",
                "role-mapping cannot have both roles and role-templates".to_owned(),
            ));
        }
        if metadata.keys().any(|k| k.starts_with('_')) {
            problems.push((
                "metadata",
                "metadata keys may not start with [_]".to_owned(),
            ));
        }
        if name.ends_with(RESERVED_SUFFIX) {
            problems.push((
                "name",
                format!(
                    "Invalid mapping name [{name}]. [{RESERVED_SUFFIX}] is not an allowed suffix"
                ),
            ));
        }
        if let Some((field, _)) = problems.first() {
            return Err(fail(
                field,
                validation_failed(problems.iter().map(|(_, m)| m.as_str())),
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            enabled,
            roles,
            role_templates,
            rules,
            metadata,
        })
    }

    /// Console lints for one mapping: what Elasticsearch accepts but rarely means.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if matches!(&self.rules, Rule::All(children) if children.is_empty()) {
            out.push("rules {\"all\": []} match every user of every realm".to_owned());
        }
        if self.rules.has_empty_any() {
            out.push("an empty {\"any\": []} never matches: the rule it stands in is false for every user".to_owned());
        }
        let fields = self.rules.fields();
        if !self.rules.has_empty_any()
            && !fields.is_empty()
            && fields.iter().all(|f| f.field == "realm.name")
        {
            out.push(
                "the only condition is realm.name: every user of that realm matches".to_owned(),
            );
        }
        if self.roles.iter().any(|r| r == "superuser") {
            out.push(
                "grants superuser: every matching user gets full control of the cluster".to_owned(),
            );
        }
        for field in self.rules.fields() {
            let known = matches!(
                field.field.as_str(),
                "username" | "dn" | "groups" | "realm.name"
            ) || field.field.starts_with("metadata.");
            if !known {
                out.push(format!(
                    "field [{}] is not part of the user model (username, dn, groups, metadata.*, realm.name); only null matches it",
                    field.field
                ));
            }
            if let Some(key) = field.field.strip_prefix("metadata.")
                && key.contains(['.', ' ', '(', ')', '\\'])
            {
                out.push(format!(
                    "field [{}]: Elasticsearch looks the key up literally, although its docs ask for backslash escapes in such keys",
                    field.field
                ));
            }
            for value in &field.values {
                if let FieldValue::Text {
                    text,
                    pattern: None,
                    ..
                } = value
                    && text.contains('?')
                {
                    out.push(format!(
                        "value \"{text}\" of field [{}] has [?] but no [*], so it is an exact value, not a pattern",
                        field.field
                    ));
                }
            }
        }
        out
    }
}

fn unsupported(field: &str, value: &Value) -> String {
    format!(
        "[role-mapping] {field} doesn't support values of type: {}",
        token_name(value)
    )
}

/// `declareStringArray`: an array (or a single string) of scalar values, read as text.
fn string_array(field: &str, value: &Value) -> Result<Vec<String>, String> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(v.to_string()),
        other => Err(format!(
            "[role-mapping] failed to parse field [{field}]: expected a string but found [{}]",
            token_name(other)
        )),
    };
    match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        Value::String(_) => scalar(value).map(|s| vec![s]),
        other => Err(unsupported(field, other)),
    }
}

/// `declareBoolean`: a boolean, or the strings `true` and `false`.
fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        Value::String(s) => Err(format!(
            "Failed to parse value [{s}] as only [true] or [false] are allowed."
        )),
        other => Err(unsupported("enabled", other)),
    }
}

/// Parses a JSON object of `name → role-mapping body`, reporting every bad mapping.
///
/// # Errors
/// One error per refused mapping; or one for input that is not an object.
pub fn parse_all(value: &Value) -> Result<Vec<RoleMapping>, Vec<RoleMappingError>> {
    let Value::Object(map) = value else {
        return Err(vec![RoleMappingError {
            mapping: String::new(),
            field: "body",
            message: format!(
                "expected an object of role-mapping name to body but found [{}]",
                token_name(value)
            ),
        }]);
    };
    let (ok, errors): (Vec<_>, Vec<_>) = map
        .iter()
        .map(|(name, body)| RoleMapping::parse(name, body))
        .partition(Result::is_ok);
    if errors.is_empty() {
        Ok(ok.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(errors.into_iter().filter_map(Result::err).collect())
    }
}

/// One role granted to the user, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The role.
    pub role: String,
    /// The mapping that granted it.
    pub mapping: String,
    /// `roles` or `role_templates[i]`.
    pub via: String,
    /// The rule branches that matched, one line per deciding leaf.
    pub because: Vec<String>,
}

/// The result of mapping one user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapped {
    /// The roles, sorted and unique.
    pub roles: Vec<String>,
    /// Every grant, in mapping order.
    pub grants: Vec<Grant>,
    /// Mappings that matched but are disabled (they grant nothing).
    pub disabled_matches: Vec<String>,
}

/// Resolves the user's roles over every enabled mapping whose rules match.
///
/// # Errors
/// A template that cannot be rendered into role names (mapping name and message).
pub fn map_roles(mappings: &[RoleMapping], model: &UserModel) -> Result<Mapped, RoleMappingError> {
    let mut mapped = Mapped::default();
    let mut roles = BTreeSet::new();
    let mut params = None;
    for mapping in mappings {
        if !mapping.rules.matches(model) {
            continue;
        }
        if !mapping.enabled {
            mapped.disabled_matches.push(mapping.name.clone());
            continue;
        }
        let because = mapping.rules.explain(model);
        let mut grant = |role: String, via: String| {
            roles.insert(role.clone());
            mapped.grants.push(Grant {
                role,
                mapping: mapping.name.clone(),
                via,
                because: because.clone(),
            });
        };
        for role in &mapping.roles {
            grant(role.clone(), "roles".to_owned());
        }
        for (i, template) in mapping.role_templates.iter().enumerate() {
            let params = params.get_or_insert_with(|| model.params());
            let names = template
                .role_names(params)
                .map_err(|message| RoleMappingError {
                    mapping: mapping.name.clone(),
                    field: "role_templates",
                    message,
                })?;
            for name in names {
                grant(name, format!("role_templates[{i}]"));
            }
        }
    }
    mapped.roles = roles.into_iter().collect();
    Ok(mapped)
}

#[cfg(test)]
mod tests;
