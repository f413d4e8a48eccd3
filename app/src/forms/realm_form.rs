//! The realm editor's model: one text per catalogue setting, free `key: value` lines for the
//! grouped settings (`required_claims.<claim>`, `ssl.*`), the pasted JWK set, and per keystore
//! setting whether to keep, replace or clear it. Turned into the API body on save and into a
//! `trust-core` lint run on every keystroke.
//!
//! A saved secret's value never reaches the browser, so the in-browser lint stands in a value
//! for it that passes every check (a 512-bit HMAC key, a one-key HMAC JWK set, any shared
//! secret). Findings that depend on the real value (a too-short HMAC key) come from the
//! server's lint of the saved realm, shown with it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use trust_core::{
    jwt::{
        catalog::{self, SETTINGS, SettingKind},
        lint::Target,
        realm::TokenType,
    },
    resource::{
        FieldError, ResourceKind, check_name,
        realm_config::{self, RealmConfig, SecretValues},
    },
};

use super::text_list;
use crate::api::security::{DiagnosticView, ResourceView};

/// What to do with one keystore setting on save.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum SecretEdit {
    /// Leave it as stored (set or not).
    #[default]
    Keep,
    /// Set or replace it with this value.
    Replace(String),
    /// Remove it.
    Clear,
}

impl SecretEdit {
    /// What the API body says for it: nothing (keep), the new value, or `null` (clear).
    pub fn to_json(&self) -> Option<Value> {
        match self {
            Self::Keep => None,
            Self::Replace(v) if v.is_empty() => None,
            Self::Replace(v) => Some(Value::String(v.clone())),
            Self::Clear => Some(Value::Null),
        }
    }
}

impl std::fmt::Debug for SecretEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Keep => "Keep",
            Self::Replace(_) => "Replace(..)",
            Self::Clear => "Clear",
        })
    }
}

/// The realm editor's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RealmForm {
    /// Realm name.
    pub name: String,
    /// Realm type.
    pub kind: String,
    /// Text per catalogue key (non-secure settings); empty means unset (ES default).
    pub values: BTreeMap<String, String>,
    /// Other settings as `key: value` lines.
    pub extra: String,
    /// The PKC JWK set file content.
    pub pkc_jwkset: String,
    /// Keystore edits by setting.
    pub secrets: BTreeMap<String, SecretEdit>,
    /// Keystore settings already stored, with when they were set.
    pub saved_secrets: BTreeMap<String, String>,
}

/// Values the in-browser lint uses for saved secrets it cannot see.
fn stand_in(setting: &str) -> String {
    match setting {
        "hmac_key" => "x".repeat(64),
        "hmac_jwkset" => format!(r#"{{"keys":[{{"kty":"oct","k":"{}"}}]}}"#, "A".repeat(86)),
        _ => "stand-in".to_owned(),
    }
}

impl RealmForm {
    /// A new JWT realm at `order`.
    pub fn new_jwt(order: i64) -> Self {
        Self {
            kind: "jwt".to_owned(),
            values: [("order".to_owned(), order.to_string())]
                .into_iter()
                .collect(),
            ..Self::default()
        }
    }

    /// The editor state for a stored realm.
    pub fn from_view(view: &ResourceView) -> Self {
        let mut form = Self {
            name: view.name.clone(),
            kind: view.body["type"].as_str().unwrap_or("jwt").to_owned(),
            pkc_jwkset: view.body["pkc_jwkset"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            saved_secrets: view
                .secure_settings
                .iter()
                .map(|(k, s)| (k.clone(), s.changed_at.clone()))
                .collect(),
            ..Self::default()
        };
        let mut extra = Vec::new();
        if let Some(settings) = view.body["settings"].as_object() {
            for (key, value) in settings {
                if catalog::spec_for(key).is_some() {
                    form.values
                        .insert(key.clone(), text_list::join(Some(value)));
                } else {
                    extra.push(format!("{key}: {}", text_list::join(Some(value))));
                }
            }
        }
        form.extra = extra.join("\n");
        form
    }

    /// A copy to save under another name (secrets are not copied: they never reach the
    /// browser).
    pub fn duplicate(&self, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            secrets: BTreeMap::new(),
            saved_secrets: BTreeMap::new(),
            ..self.clone()
        }
    }

    /// The text of a setting.
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    /// The token type the form selects (Elasticsearch parses it case-insensitively).
    pub fn token_type(&self) -> TokenType {
        if self
            .value("token_type")
            .trim()
            .eq_ignore_ascii_case("access_token")
        {
            TokenType::AccessToken
        } else {
            TokenType::IdToken
        }
    }

    /// Replaces the PKC JWK set; a first set also fills an empty `pkc_jwkset_path` with the
    /// file name the export writes it to (`<realm>-jwkset.json`), so the realm reads it.
    pub fn set_pkc_jwkset(&mut self, text: String) {
        if self.value("pkc_jwkset_path").is_empty() && !text.trim().is_empty() {
            let realm = if self.name.is_empty() {
                "realm"
            } else {
                &self.name
            };
            let file = format!("{realm}-jwkset.json");
            self.values.insert("pkc_jwkset_path".to_owned(), file);
        }
        self.pkc_jwkset = text;
    }

    /// Whether a keystore setting will be set after saving.
    pub fn secret_is_set(&self, key: &str) -> bool {
        match self.secrets.get(key) {
            Some(SecretEdit::Replace(v)) => !v.is_empty(),
            Some(SecretEdit::Clear) => false,
            Some(SecretEdit::Keep) | None => self.saved_secrets.contains_key(key),
        }
    }

    /// The settings object: typed catalogue values (lists as arrays, whole numbers and
    /// booleans as such, anything unparsable as the text so the lint reports it) plus the
    /// `key: value` lines.
    ///
    /// # Errors
    /// A line of the extra settings that is not `key: value`, on field `extra`.
    pub fn settings(&self) -> Result<Map<String, Value>, FieldError> {
        let mut settings = Map::new();
        for spec in SETTINGS.iter().filter(|s| !s.is_secure()) {
            let text = self.value(spec.key).trim();
            if text.is_empty() || !spec.applies.to(self.token_type()) {
                continue;
            }
            let value = match spec.kind {
                SettingKind::List => text_list::to_array(text).unwrap_or(Value::Null),
                SettingKind::Int => text
                    .parse::<i64>()
                    .map_or_else(|_| Value::String(text.to_owned()), Value::from),
                SettingKind::Bool => match text {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::String(other.to_owned()),
                },
                _ => Value::String(text.to_owned()),
            };
            if !value.is_null() {
                settings.insert(spec.key.to_owned(), value);
            }
        }
        for (n, line) in self.extra.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(FieldError::new(
                    "extra",
                    format!(
                        "line {}: expected `setting.key: value`, found [{line}]",
                        n + 1
                    ),
                ));
            };
            settings.insert(
                key.trim().to_owned(),
                Value::String(value.trim().to_owned()),
            );
        }
        Ok(settings)
    }

    /// The API body to save.
    ///
    /// # Errors
    /// As [`Self::settings`].
    pub fn body(&self) -> Result<Value, FieldError> {
        let secure: Map<String, Value> = self
            .secrets
            .iter()
            .filter_map(|(key, edit)| edit.to_json().map(|v| (key.clone(), v)))
            .collect();
        let mut body = json!({"type": self.kind, "settings": self.settings()?});
        if !secure.is_empty() {
            body["secure_settings"] = Value::Object(secure);
        }
        if !self.pkc_jwkset.trim().is_empty() {
            body["pkc_jwkset"] = Value::String(self.pkc_jwkset.clone());
        }
        Ok(body)
    }

    /// The keystore values the lint sees: typed ones as typed, saved ones as stand-ins.
    fn lint_secrets(&self, name: &str) -> SecretValues {
        let mut keys: Vec<&String> = self
            .saved_secrets
            .keys()
            .chain(self.secrets.keys())
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|key| {
                let value = match self.secrets.get(key) {
                    Some(SecretEdit::Replace(v)) if !v.is_empty() => v.clone(),
                    Some(SecretEdit::Clear) => return None,
                    _ if self.saved_secrets.contains_key(key) => stand_in(key),
                    _ => return None,
                };
                Some(((name.to_owned(), key.clone()), value))
            })
            .collect()
    }
}

/// What the in-browser check of the form found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormCheck {
    /// A problem that keeps the form from being saved at all (the API would answer 400).
    pub refused: Option<FieldError>,
    /// Elasticsearch's startup checks for this realm within the chain.
    pub diagnostics: Vec<DiagnosticView>,
}

impl FormCheck {
    /// The diagnostics about one setting (relative key).
    pub fn about<'a>(&'a self, setting: &'a str) -> impl Iterator<Item = &'a DiagnosticView> + 'a {
        self.diagnostics
            .iter()
            .filter(move |d| d.setting == setting)
    }
}

/// Runs the same checks as the server over the form and the other stored realms: the body's
/// shape first, then the chain's startup lint. `editing` is the stored name when the form
/// edits an existing realm (that stored copy is replaced by the form).
pub fn check(form: &RealmForm, editing: Option<&str>, stored: &[ResourceView]) -> FormCheck {
    let name_error = check_name(ResourceKind::Realm, &form.name).err();
    let lint_name = if name_error.is_none() {
        form.name.clone()
    } else {
        "unnamed".to_owned()
    };
    let parsed = form
        .body()
        .and_then(|body| RealmConfig::parse(&lint_name, &body));
    let update = match parsed {
        Ok(update) => update,
        Err(refused) => {
            return FormCheck {
                refused: Some(refused),
                diagnostics: Vec::new(),
            };
        }
    };
    let mut secrets = form.lint_secrets(&lint_name);
    let mut realms = vec![update.config.clone()];
    for view in stored {
        if Some(view.name.as_str()) == editing || view.name == lint_name {
            continue;
        }
        let other = RealmForm::from_view(view);
        if let Ok(config) = other
            .body()
            .and_then(|body| RealmConfig::parse(&view.name, &body))
        {
            secrets.extend(other.lint_secrets(&view.name));
            realms.push(config.config);
        }
    }
    let loaded = realm_config::lint(&realms, &secrets, Target::default());
    FormCheck {
        refused: name_error,
        diagnostics: realm_config::diagnostics_of(&loaded, &update.config),
    }
}

/// A stored realm's `order`, when it is a whole number.
pub fn order_of(view: &ResourceView) -> Option<i64> {
    match &view.body["settings"]["order"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Realms in the order Elasticsearch tries them: by order, then name; no order last.
pub fn chain_order(views: &[ResourceView]) -> Vec<&ResourceView> {
    let mut sorted: Vec<&ResourceView> = views.iter().collect();
    sorted.sort_by_key(|v| (order_of(v).is_none(), order_of(v), v.name.clone()));
    sorted
}

/// The order a new realm gets: one past the highest, and at least 2 (orders 0 and 1 are
/// reserved on Elastic Cloud, so starting at 2 fits every deployment kind).
pub fn next_order(views: &[ResourceView]) -> i64 {
    views
        .iter()
        .filter_map(order_of)
        .max()
        .map_or(2, |max| (max + 1).max(2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::security::SecretState;

    fn stored(name: &str, settings: Value, secrets: &[&str]) -> ResourceView {
        let mut view = crate::forms::test_view(name, json!({"type": "jwt", "settings": settings}));
        view.secure_settings = secrets
            .iter()
            .map(|s| {
                let state = SecretState {
                    changed_at: "2026-12-03T10:00:00Z".to_owned(),
                };
                ((*s).to_owned(), state)
            })
            .collect();
        view
    }

    fn jwt8() -> ResourceView {
        stored(
            "jwt8",
            json!({"order": 2, "allowed_issuer": "iss8", "allowed_audiences": ["aud8", "aud9"],
                   "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
                   "required_claims.token_use": "id"}),
            &["hmac_key", "client_authentication.shared_secret"],
        )
    }

    #[test]
    fn a_stored_realm_round_trips_through_the_form() {
        let view = jwt8();
        let form = RealmForm::from_view(&view);
        assert_eq!(form.value("allowed_audiences"), "aud8, aud9");
        assert_eq!(form.extra, "required_claims.token_use: id");
        assert!(form.secret_is_set("hmac_key"));
        let body = form.body().unwrap();
        assert_eq!(body["settings"], view.body["settings"]);
        assert!(
            body.get("secure_settings").is_none(),
            "kept secrets are not sent"
        );
    }

    #[test]
    fn the_saved_realm_lints_clean_with_stand_ins_for_its_secrets() {
        let view = jwt8();
        let form = RealmForm::from_view(&view);
        let check = check(&form, Some("jwt8"), &[view]);
        assert_eq!(check.refused, None);
        let errors: Vec<_> = check.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn lint_findings_land_on_their_field_as_you_type() {
        let mut form = RealmForm::new_jwt(2);
        form.name = "fresh".to_owned();
        form.values
            .insert("allowed_clock_skew".to_owned(), "10".to_owned());
        let check = check(&form, None, &[jwt8()]);
        let skew: Vec<_> = check.about("allowed_clock_skew").collect();
        assert_eq!(
            skew[0].message,
            "failed to parse setting [xpack.security.authc.realms.jwt.fresh.allowed_clock_skew] with value [10] as a time value: unit is missing or unrecognized"
        );
        assert!(check.about("allowed_issuer").any(DiagnosticView::is_error));
        // Order 2 is taken by jwt8.
        assert!(
            check.about("order").any(|d| d.message
                == "Found multiple realms configured with the same order: 2: [jwt/fresh, jwt/jwt8]"),
            "{:?}",
            check.diagnostics
        );
        // The shared secret is required by default, and nothing is typed yet.
        assert!(
            check
                .about("client_authentication.shared_secret")
                .any(DiagnosticView::is_error)
        );
        form.secrets.insert(
            "client_authentication.shared_secret".to_owned(),
            SecretEdit::Replace("s".to_owned()),
        );
        let after = super::check(&form, None, &[jwt8()]);
        assert!(
            after
                .about("client_authentication.shared_secret")
                .next()
                .is_none()
        );
    }

    #[test]
    fn refusals_and_typing_rules() {
        let mut form = RealmForm::new_jwt(3);
        form.name = "has space".to_owned();
        assert_eq!(check(&form, None, &[]).refused.unwrap().field, "name");
        form.name = "ok".to_owned();
        form.extra = "no colon here".to_owned();
        assert_eq!(check(&form, None, &[]).refused.unwrap().field, "extra");
        form.extra = "claim_patterns.group: x".to_owned();
        let refused = check(&form, None, &[]).refused.unwrap();
        assert_eq!(refused.field, "settings.claim_patterns.group");
        form.extra.clear();
        form.values.insert("order".to_owned(), "two".to_owned());
        form.values
            .insert("populate_user_metadata".to_owned(), "false".to_owned());
        form.values
            .insert("fallback_claims.sub".to_owned(), "client_id".to_owned());
        let settings = form.settings().unwrap();
        assert_eq!(settings["order"], "two");
        assert_eq!(settings["populate_user_metadata"], false);
        // fallback claims only for access tokens
        assert!(!settings.contains_key("fallback_claims.sub"));
        form.values
            .insert("token_type".to_owned(), "ACCESS_TOKEN".to_owned());
        assert_eq!(form.settings().unwrap()["fallback_claims.sub"], "client_id");
        form.secrets
            .insert("hmac_key".to_owned(), SecretEdit::Clear);
        assert_eq!(
            form.body().unwrap()["secure_settings"],
            json!({"hmac_key": null})
        );
    }

    #[test]
    fn chain_order_and_next_order() {
        let a = stored("a", json!({"order": 5}), &[]);
        let b = stored("b", json!({"order": "3"}), &[]);
        let c = stored("c", json!({}), &[]);
        let views = [c, a, b];
        let names: Vec<_> = chain_order(&views)
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(next_order(&views), 6);
        assert_eq!(next_order(&[]), 2);
    }

    #[test]
    fn a_first_jwk_set_names_its_file() {
        let mut form = RealmForm::new_jwt(2);
        form.name = "okta".to_owned();
        form.set_pkc_jwkset("{\"keys\": []}".to_owned());
        assert_eq!(form.value("pkc_jwkset_path"), "okta-jwkset.json");
        form.values
            .insert("pkc_jwkset_path".to_owned(), "https://idp/jwks".to_owned());
        form.set_pkc_jwkset(String::new());
        assert_eq!(form.value("pkc_jwkset_path"), "https://idp/jwks");
    }

    #[test]
    fn duplicates_drop_the_secrets() {
        let copy = RealmForm::from_view(&jwt8()).duplicate("jwt9");
        assert_eq!(copy.name, "jwt9");
        assert!(!copy.secret_is_set("hmac_key"));
        assert_eq!(copy.value("allowed_issuer"), "iss8");
    }
}
