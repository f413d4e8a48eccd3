//! Role and native-user editor models: the fields an admin types, to and from the role API
//! and user API bodies. Fields the editor does not show are kept as they were.

use serde_json::{Map, Value};
use trust_core::resource::FieldError;

use super::text_list;
use crate::api::security::ResourceView;

fn json_field(text: &str, field: &str) -> Result<Option<Value>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    trust_core::xcontent::parse_json(text.trim())
        .map(Some)
        .map_err(|e| FieldError::new(field, format!("not valid JSON: {e}")))
}

fn pretty(value: Option<&Value>) -> String {
    value
        .filter(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
        .filter(|v| v.as_array().is_none_or(|a| !a.is_empty()))
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_default()
}

/// The role editor's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleForm {
    /// Role name.
    pub name: String,
    /// Cluster privileges, comma-separated.
    pub cluster: String,
    /// Index privileges as JSON (an array of `{names, privileges, …}`).
    pub indices: String,
    /// run_as names or patterns, comma-separated.
    pub run_as: String,
    /// `description`.
    pub description: String,
    /// `metadata` as JSON.
    pub metadata: String,
    /// Everything else the descriptor has, kept as is.
    pub rest: Map<String, Value>,
}

impl RoleForm {
    /// The editor state of a stored role.
    pub fn from_view(view: &ResourceView) -> Self {
        let mut rest = view.body.as_object().cloned().unwrap_or_default();
        let mut take = |k: &str| rest.remove(k);
        Self {
            name: view.name.clone(),
            cluster: text_list::join(take("cluster").as_ref()),
            indices: pretty(take("indices").as_ref()),
            run_as: text_list::join(take("run_as").as_ref()),
            description: take("description")
                .and_then(|d| d.as_str().map(str::to_owned))
                .unwrap_or_default(),
            metadata: pretty(take("metadata").as_ref()),
            rest,
        }
    }

    /// The role API body.
    ///
    /// # Errors
    /// Index privileges or metadata that are not JSON, on their field.
    pub fn body(&self) -> Result<Value, FieldError> {
        let mut body = self.rest.clone();
        if let Some(cluster) = text_list::to_array(&self.cluster) {
            body.insert("cluster".to_owned(), cluster);
        }
        if let Some(indices) = json_field(&self.indices, "indices")? {
            body.insert("indices".to_owned(), indices);
        }
        if let Some(run_as) = text_list::to_array(&self.run_as) {
            body.insert("run_as".to_owned(), run_as);
        }
        if !self.description.trim().is_empty() {
            body.insert(
                "description".to_owned(),
                Value::String(self.description.clone()),
            );
        }
        if let Some(metadata) = json_field(&self.metadata, "metadata")? {
            body.insert("metadata".to_owned(), metadata);
        }
        Ok(Value::Object(body))
    }
}

/// The native-user editor's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserForm {
    /// Username.
    pub username: String,
    /// Roles, comma-separated.
    pub roles: String,
    /// `full_name`.
    pub full_name: String,
    /// `email`.
    pub email: String,
    /// `metadata` as JSON.
    pub metadata: String,
    /// A new password (empty: keep the stored one).
    pub password: String,
    /// `enabled`.
    pub enabled: bool,
}

impl UserForm {
    /// A new, enabled user.
    pub fn new_user() -> Self {
        Self {
            enabled: true,
            ..Self::default()
        }
    }

    /// The editor state of a stored user (never its password: the server does not send it).
    pub fn from_view(view: &ResourceView) -> Self {
        let text = |k: &str| view.body[k].as_str().unwrap_or_default().to_owned();
        Self {
            username: view.name.clone(),
            roles: text_list::join(view.body.get("roles")),
            full_name: text("full_name"),
            email: text("email"),
            metadata: pretty(view.body.get("metadata")),
            password: String::new(),
            enabled: view.body["enabled"].as_bool().unwrap_or(true),
        }
    }

    /// The user API body (with `password` only when a new one was typed).
    ///
    /// # Errors
    /// Metadata that is not JSON.
    pub fn body(&self) -> Result<Value, FieldError> {
        let mut body = Map::new();
        body.insert(
            "roles".to_owned(),
            text_list::to_array(&self.roles).unwrap_or_else(|| Value::Array(Vec::new())),
        );
        for (key, value) in [("full_name", &self.full_name), ("email", &self.email)] {
            if !value.trim().is_empty() {
                body.insert(key.to_owned(), Value::String(value.clone()));
            }
        }
        if let Some(metadata) = json_field(&self.metadata, "metadata")? {
            body.insert("metadata".to_owned(), metadata);
        }
        if !self.enabled {
            body.insert("enabled".to_owned(), Value::Bool(false));
        }
        if !self.password.is_empty() {
            body.insert("password".to_owned(), Value::String(self.password.clone()));
        }
        Ok(Value::Object(body))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::forms::test_view as view;

    #[test]
    fn roles_round_trip_and_keep_unknown_fields() {
        let body = json!({
            "cluster": ["monitor"], "run_as": ["user123_*"],
            "indices": [{"names": ["logs-*"], "privileges": ["read"]}],
            "applications": [{"application": "kibana", "privileges": ["all"], "resources": ["*"]}],
        });
        let form = RoleForm::from_view(&view("r", body.clone()));
        assert_eq!(form.run_as, "user123_*");
        assert_eq!(form.body().unwrap(), body);
        let mut edited = form;
        edited.run_as = "user123_runas, other".to_owned();
        assert_eq!(
            edited.body().unwrap()["run_as"],
            json!(["user123_runas", "other"])
        );
        edited.indices = "[".to_owned();
        assert_eq!(edited.body().unwrap_err().field, "indices");
    }

    #[test]
    fn users_send_a_password_only_when_typed() {
        let stored = view(
            "u",
            json!({"roles": ["a"], "full_name": "U", "metadata": {"k": 1}}),
        );
        let mut form = UserForm::from_view(&stored);
        assert_eq!(form.body().unwrap(), stored.body);
        form.password = "new-password".to_owned();
        assert_eq!(form.body().unwrap()["password"], "new-password");
        form.enabled = false;
        assert_eq!(form.body().unwrap()["enabled"], false);
    }
}
