//! A realm as the console stores it: name, type, its settings as flat Elasticsearch keys
//! without the `xpack.security.authc.realms.<type>.<name>.` prefix, its keystore settings
//! (write-only, kept apart), and optionally the content of the PKC JWK set file its
//! `pkc_jwkset_path` names.
//!
//! [`RealmConfig::parse`] checks the shape of an API body (known settings, scalar or list
//! values, secure settings only in `secure_settings`); whether Elasticsearch would *start*
//! with the result is the lint's business ([`lint`]), so an admin can save a draft that still
//! has lint errors and see them listed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{FieldError, ResourceKind, check_name};
pub use crate::config::raw_value;
use crate::config::{RawValue, Settings};
use crate::diagnostic::{Diagnostic, Target};
use crate::field::json_type;
pub use crate::field::{MAX_SECRET_BYTES, SecretChange, secret_change};
use crate::jwt::catalog;
use crate::jwt::keys::parse_jwks;
pub use crate::jwt::realm::REALM_TYPES;
use crate::jwt::realm::{Loaded, REALMS_PREFIX, load};

/// Largest pasted JWK set the console keeps (real sets are a few KiB).
pub const MAX_JWKSET_BYTES: usize = 256 * 1024;
/// Most settings one realm may have.
pub const MAX_SETTINGS: usize = 200;

/// A realm configuration with a checked shape.
#[derive(Clone, Debug, PartialEq)]
pub struct RealmConfig {
    /// The realm name.
    pub name: String,
    /// The realm type (`jwt`, `native`, …).
    pub kind: String,
    /// Settings without the realm prefix; each value a scalar or an array of scalars.
    pub settings: BTreeMap<String, Value>,
    /// The PKC JWK set file content (JSON text), when pasted or uploaded.
    pub pkc_jwkset: Option<String>,
}

/// A parsed realm body: the configuration and the keystore changes it asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct RealmUpdate {
    /// The configuration.
    pub config: RealmConfig,
    /// Per secure setting: set or clear. Settings not named keep their stored value.
    pub secrets: BTreeMap<String, SecretChange>,
}

const BODY_FIELDS: [&str; 5] = ["name", "type", "settings", "secure_settings", "pkc_jwkset"];

impl RealmConfig {
    /// Parses the API body `{"name"?, "type", "settings", "secure_settings", "pkc_jwkset"}`
    /// for the realm called `name` (from the URL; a `name` in the body must agree).
    ///
    /// # Errors
    /// The first problem, on the field it concerns (`settings.<key>` for a setting).
    pub fn parse(name: &str, body: &Value) -> Result<RealmUpdate, FieldError> {
        check_name(ResourceKind::Realm, name)?;
        let Value::Object(fields) = body else {
            return Err(FieldError::new("body", "expected a JSON object"));
        };
        if let Some(unknown) = fields.keys().find(|k| !BODY_FIELDS.contains(&k.as_str())) {
            return Err(FieldError::new(
                unknown.as_str(),
                format!(
                    "unknown field [{unknown}]; a realm has {}",
                    BODY_FIELDS.join(", ")
                ),
            ));
        }
        match fields.get("name") {
            None => {}
            Some(Value::String(given)) if given == name => {}
            Some(other) => {
                return Err(FieldError::new(
                    "name",
                    format!(
                        "the body names realm [{}] but the URL names [{name}]; rename by creating the new realm and deleting the old one",
                        display(other)
                    ),
                ));
            }
        }
        let kind = match fields.get("type") {
            Some(Value::String(kind)) if REALM_TYPES.contains(&kind.as_str()) => kind.clone(),
            Some(other) => {
                return Err(FieldError::new(
                    "type",
                    format!(
                        "unknown realm type [{}]; allowed: {}",
                        display(other),
                        REALM_TYPES.join(", ")
                    ),
                ));
            }
            None => {
                return Err(FieldError::new(
                    "type",
                    "missing field [type], e.g. \"jwt\"",
                ));
            }
        };
        let settings = parse_settings(&kind, object(fields, "settings")?)?;
        let secrets = parse_secrets(&kind, object(fields, "secure_settings")?)?;
        let pkc_jwkset = match fields.get("pkc_jwkset") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => {
                if kind != "jwt" {
                    return Err(FieldError::new(
                        "pkc_jwkset",
                        "only jwt realms have a JWK set",
                    ));
                }
                if text.len() > MAX_JWKSET_BYTES {
                    return Err(FieldError::new(
                        "pkc_jwkset",
                        format!(
                            "the JWK set is {} bytes; at most {MAX_JWKSET_BYTES} bytes are accepted",
                            text.len()
                        ),
                    ));
                }
                parse_jwks(text).map_err(|e| {
                    FieldError::new("pkc_jwkset", format!("JWKSet parse failed: {}", e.0))
                })?;
                Some(text.clone())
            }
            Some(other) => {
                return Err(FieldError::new(
                    "pkc_jwkset",
                    format!(
                        "expected the JWK set as a JSON string, found {}",
                        json_type(other)
                    ),
                ));
            }
        };
        Ok(RealmUpdate {
            config: Self {
                name: name.to_owned(),
                kind,
                settings,
                pkc_jwkset,
            },
            secrets,
        })
    }

    /// `xpack.security.authc.realms.<type>.<name>`.
    pub fn prefix(&self) -> String {
        format!("{REALMS_PREFIX}.{}.{}", self.kind, self.name)
    }

    /// A setting's value as text (lists joined with commas), for display and lookups.
    pub fn text(&self, setting: &str) -> Option<String> {
        self.settings.get(setting).map(|v| raw_value(v).display())
    }

    /// The `order` setting, when it is a whole number.
    pub fn order(&self) -> Option<i64> {
        self.text("order").and_then(|o| o.trim().parse().ok())
    }

    /// The `enabled` setting (Elasticsearch's booleans; absent or unreadable is true).
    pub fn enabled(&self) -> bool {
        self.text("enabled").as_deref() != Some("false")
    }

    /// The settings as a JSON object (the stored and the API form).
    pub fn settings_json(&self) -> Map<String, Value> {
        self.settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn object<'a>(
    fields: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, FieldError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(FieldError::new(
            field,
            format!(
                "expected an object of setting keys to values, found {}",
                json_type(other)
            ),
        )),
    }
}

fn parse_settings(
    kind: &str,
    settings: Option<&Map<String, Value>>,
) -> Result<BTreeMap<String, Value>, FieldError> {
    let Some(settings) = settings else {
        return Ok(BTreeMap::new());
    };
    if settings.len() > MAX_SETTINGS {
        return Err(FieldError::new(
            "settings",
            format!("a realm may have at most {MAX_SETTINGS} settings"),
        ));
    }
    let mut out = BTreeMap::new();
    for (key, value) in settings {
        let field = format!("settings.{key}");
        if key.starts_with("xpack.") {
            return Err(FieldError::new(
                field,
                "write setting keys without the [xpack.security.authc.realms.<type>.<name>.] prefix",
            ));
        }
        if kind == "jwt" {
            if catalog::is_secure(key) {
                return Err(FieldError::new(
                    field,
                    format!(
                        "[{key}] is a secure setting: Elasticsearch reads it from the keystore, so send it in secure_settings"
                    ),
                ));
            }
            if !catalog::is_known(key) {
                let hint = if key == "claim_patterns.group" {
                    " (the documentation's claim_patterns.group is a typo for claim_patterns.groups)"
                } else {
                    ""
                };
                return Err(FieldError::new(
                    field,
                    format!("unknown setting [{key}] for a jwt realm{hint}"),
                ));
            }
        } else if key.is_empty() {
            return Err(FieldError::new(field, "setting keys must not be empty"));
        }
        let ok = match value {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
            Value::Array(items) => items
                .iter()
                .all(|i| matches!(i, Value::String(_) | Value::Number(_) | Value::Bool(_))),
            Value::Null | Value::Object(_) => false,
        };
        if !ok {
            return Err(FieldError::new(
                field,
                format!(
                    "expected a string, number, boolean or array of those, found {}; leave a setting out to use its default",
                    json_type(value)
                ),
            ));
        }
        out.insert(key.clone(), value.clone());
    }
    Ok(out)
}

fn parse_secrets(
    kind: &str,
    secrets: Option<&Map<String, Value>>,
) -> Result<BTreeMap<String, SecretChange>, FieldError> {
    let mut out = BTreeMap::new();
    for (key, value) in secrets.into_iter().flatten() {
        let field = format!("secure_settings.{key}");
        if kind != "jwt" || !catalog::is_secure(key) {
            return Err(FieldError::new(
                field,
                format!(
                    "[{key}] is not a keystore setting of a {kind} realm; keystore settings are hmac_key, hmac_jwkset, client_authentication.shared_secret and ssl.secure_*"
                ),
            ));
        }
        let change = secret_change(&field, value)?;
        if let (SecretChange::Set(s), "hmac_jwkset") = (&change, key.as_str()) {
            parse_jwks(s).map_err(|e| {
                FieldError::new(field.clone(), format!("JWKSet parse failed: {}", e.0))
            })?;
        }
        out.insert(key.clone(), change);
    }
    Ok(out)
}

/// Keystore values of a set of realms: (realm name, setting) → value.
pub type SecretValues = BTreeMap<(String, String), String>;

/// Lints a set of realms as one node configuration: builds the flat `elasticsearch.yml` and
/// keystore they make, and runs Elasticsearch's startup validation over them.
///
/// The console plays the config directory: a `pkc_jwkset_path` file resolves to the pasted
/// JWK set of the realm whose `pkc_jwkset_path` names it, and to nothing otherwise (so the
/// lint says what Elasticsearch says of a missing file).
pub fn lint(realms: &[RealmConfig], secrets: &SecretValues, target: Target) -> Loaded {
    let mut settings = Settings::default();
    let mut secure = Settings::default();
    for realm in realms {
        let prefix = realm.prefix();
        for (key, value) in &realm.settings {
            settings.set(format!("{prefix}.{key}"), raw_value(value));
        }
        if realm.settings.is_empty() && !secrets.keys().any(|(r, _)| r == &realm.name) {
            // A realm with no settings at all still exists in the chain (and lacks an order).
            settings.set(
                format!("{prefix}.type"),
                RawValue::Scalar(realm.kind.clone()),
            );
        }
    }
    for ((name, setting), value) in secrets {
        if let Some(realm) = realms.iter().find(|r| &r.name == name) {
            secure.set(
                format!("{}.{setting}", realm.prefix()),
                RawValue::Scalar(value.clone()),
            );
        }
    }
    let read_file = |path: &str| {
        realms
            .iter()
            .find(|r| r.text("pkc_jwkset_path").as_deref() == Some(path))
            .and_then(|r| r.pkc_jwkset.clone())
    };
    let mut loaded = load(&settings, &secure, &read_file, target);
    // The placeholder `type` key of an empty realm is the console's, not the admin's.
    loaded
        .report
        .diagnostics
        .retain(|d| !(d.setting.ends_with(".type") && d.message.starts_with("unknown setting")));
    loaded.report = crate::diagnostic::LintReport::new(loaded.report.diagnostics);
    loaded
}

/// The diagnostics about one realm, with setting keys made relative to the realm (`order`,
/// `claims.principal`); chain-wide ones (duplicate orders naming the realm) keep their key.
pub fn diagnostics_of(loaded: &Loaded, realm: &RealmConfig) -> Vec<Diagnostic> {
    let prefix = realm.prefix();
    let own = format!("{prefix}.");
    let mention = format!("{}/{}", realm.kind, realm.name);
    loaded
        .report
        .diagnostics
        .iter()
        .filter_map(|d| {
            if let Some(rest) = d.setting.strip_prefix(&own) {
                Some(Diagnostic {
                    setting: rest.to_owned(),
                    ..d.clone()
                })
            } else if d.setting == prefix {
                Some(Diagnostic {
                    setting: String::new(),
                    ..d.clone()
                })
            } else if d.setting == REALMS_PREFIX && d.message.contains(&mention) {
                Some(Diagnostic {
                    setting: "order".to_owned(),
                    ..d.clone()
                })
            } else {
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::diagnostic::Severity;

    fn jwt8() -> Value {
        json!({
            "type": "jwt",
            "settings": {
                "order": 2,
                "allowed_issuer": "iss8",
                "allowed_audiences": ["aud8"],
                "allowed_signature_algorithms": "HS256",
                "claims.principal": "sub",
                "client_authentication.type": "shared_secret",
            },
            "secure_settings": {
                "hmac_key": "hmac-oidc-key-string-for-hs256-algorithm",
                "client_authentication.shared_secret": "client-shared-secret-string",
            }
        })
    }

    fn secrets_of(update: &RealmUpdate) -> SecretValues {
        update
            .secrets
            .iter()
            .filter_map(|(k, v)| match v {
                SecretChange::Set(s) => Some(((update.config.name.clone(), k.clone()), s.clone())),
                SecretChange::Clear => None,
            })
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn parses_a_realm_and_lints_it_clean() {
        let update = RealmConfig::parse("jwt8", &jwt8()).unwrap();
        assert_eq!(update.config.order(), Some(2));
        assert_eq!(update.secrets.len(), 2);
        let loaded = lint(
            std::slice::from_ref(&update.config),
            &secrets_of(&update),
            Target::default(),
        );
        let errors: Vec<_> = loaded.report.errors().collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(loaded.chain.jwt_realms().count(), 1);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn lint_findings_are_relative_to_the_realm() {
        let mut body = jwt8();
        body["settings"]["allowed_clock_skew"] = json!("10");
        body["settings"]
            .as_object_mut()
            .unwrap()
            .remove("allowed_issuer");
        let update = RealmConfig::parse("jwt8", &body).unwrap();
        let loaded = lint(
            std::slice::from_ref(&update.config),
            &secrets_of(&update),
            Target::default(),
        );
        let mine = diagnostics_of(&loaded, &update.config);
        let find = |setting: &str| {
            mine.iter()
                .find(|d| d.setting == setting && d.severity == Severity::Error)
                .map(|d| d.message.clone())
        };
        assert_eq!(
            find("allowed_issuer").as_deref(),
            Some("Invalid empty value for [xpack.security.authc.realms.jwt.jwt8.allowed_issuer].")
        );
        assert_eq!(
            find("allowed_clock_skew").as_deref(),
            Some(
                "failed to parse setting [xpack.security.authc.realms.jwt.jwt8.allowed_clock_skew] with value [10] as a time value: unit is missing or unrecognized"
            )
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn duplicate_orders_are_reported_on_each_realm() {
        let a = RealmConfig::parse("a", &jwt8()).unwrap();
        let b = RealmConfig::parse("b", &jwt8()).unwrap();
        let loaded = lint(
            &[a.config.clone(), b.config],
            &SecretValues::new(),
            Target::default(),
        );
        let of_a = diagnostics_of(&loaded, &a.config);
        assert!(
            of_a.iter().any(|d| d.setting == "order"
                && d.message
                    == "Found multiple realms configured with the same order: 2: [jwt/a, jwt/b]"),
            "{of_a:?}"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_pasted_jwk_set_is_the_file_pkc_jwkset_path_names() {
        let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
        let body = json!({"type": "jwt", "settings": {
            "order": 3, "allowed_issuer": "i", "allowed_audiences": "a",
            "claims.principal": "sub", "allowed_signature_algorithms": ["ES256"],
            "pkc_jwkset_path": "jwks/r.json", "client_authentication.type": "none",
        }, "pkc_jwkset": jwks});
        let update = RealmConfig::parse("r", &body).unwrap();
        let loaded = lint(
            std::slice::from_ref(&update.config),
            &SecretValues::new(),
            Target::default(),
        );
        assert!(loaded.report.valid, "{:?}", loaded.report);
        let realm = loaded.chain.jwt_realms().next().unwrap();
        assert_eq!(realm.pkc_keys.as_ref().map(|k| k.keys.len()), Some(1));
        // Without the pasted set the file is missing, as Elasticsearch would find it.
        let mut no_set = update.config;
        no_set.pkc_jwkset = None;
        let loaded = lint(&[no_set], &SecretValues::new(), Target::default());
        assert!(
            loaded
                .report
                .errors()
                .any(|d| d.message.starts_with("Failed to read contents for setting")),
            "{:?}",
            loaded.report
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_fetched_copy_stands_in_for_an_https_jwk_set() {
        let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
        let mut body = json!({"type": "jwt", "settings": {
            "order": 3, "allowed_issuer": "i", "allowed_audiences": "a",
            "claims.principal": "sub", "allowed_signature_algorithms": ["ES256"],
            "pkc_jwkset_path": "https://idp.example.com/jwks", "client_authentication.type": "none",
        }});
        let without = RealmConfig::parse("r", &body).unwrap().config;
        let loaded = lint(&[without], &SecretValues::new(), Target::default());
        assert!(loaded.chain.jwt_realms().next().unwrap().pkc_keys.is_none());
        assert!(
            loaded
                .report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("has no copy of it yet")),
            "{:?}",
            loaded.report
        );
        body["pkc_jwkset"] = json!(jwks);
        let with = RealmConfig::parse("r", &body).unwrap().config;
        let loaded = lint(&[with], &SecretValues::new(), Target::default());
        assert!(loaded.report.valid, "{:?}", loaded.report);
        assert!(
            loaded
                .report
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("no copy"))
        );
        let realm = loaded.chain.jwt_realms().next().unwrap();
        assert_eq!(realm.pkc_keys.as_ref().map(|k| k.keys.len()), Some(1));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn shape_errors_name_the_field() {
        let case = |body: Value| RealmConfig::parse("r", &body).unwrap_err();
        let e = case(json!({"type": "jwt", "settings": {"allowed_issuers": "x"}}));
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "settings.allowed_issuers",
                "unknown setting [allowed_issuers] for a jwt realm"
            )
        );
        let e = case(json!({"type": "jwt", "settings": {"claim_patterns.group": "x"}}));
        assert!(e.message.contains("typo"), "{e}");
        let e = case(json!({"type": "jwt", "settings": {"hmac_key": "x"}}));
        assert_eq!(e.field, "settings.hmac_key");
        assert!(e.message.contains("secure_settings"));
        let e = case(json!({"type": "jwt", "settings": {"order": null}}));
        assert_eq!(e.field, "settings.order");
        let e = case(json!({"type": "jwt", "settings": {"order": {"a": 1}}}));
        assert!(e.message.contains("found an object"));
        let e = case(json!({"type": "jwt", "secure_settings": {"order": "1"}}));
        assert_eq!(e.field, "secure_settings.order");
        let e = case(json!({"type": "jwt", "secure_settings": {"hmac_key": ""}}));
        assert!(e.message.contains("send null"));
        let e = case(json!({"type": "jwt", "secure_settings": {"hmac_jwkset": "{"}}));
        assert!(e.message.starts_with("JWKSet parse failed"), "{e}");
        let e = case(json!({"type": "ldapp"}));
        assert_eq!(e.field, "type");
        let e = case(json!({"type": "jwt", "name": "other"}));
        assert_eq!(e.field, "name");
        let e = case(json!({"type": "jwt", "colour": "red"}));
        assert_eq!(e.field, "colour");
        let e = case(json!({"type": "jwt", "pkc_jwkset": "not json"}));
        assert_eq!(e.field, "pkc_jwkset");
        let e = case(json!({"type": "jwt", "pkc_jwkset": "x".repeat(MAX_JWKSET_BYTES + 1)}));
        assert!(e.message.contains("at most"), "{e}");
        let e = case(
            json!({"type": "jwt", "settings": {"xpack.security.authc.realms.jwt.r.order": 1}}),
        );
        assert!(e.message.contains("without the"), "{e}");
        let e = RealmConfig::parse("bad name", &json!({"type": "jwt"})).unwrap_err();
        assert_eq!(e.field, "name");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn other_realm_types_take_their_own_settings() {
        let update = RealmConfig::parse(
            "native1",
            &json!({"type": "native", "settings": {"order": 0}}),
        )
        .unwrap();
        let loaded = lint(
            std::slice::from_ref(&update.config),
            &SecretValues::new(),
            Target::default(),
        );
        assert!(loaded.report.valid, "{:?}", loaded.report);
        assert!(loaded.chain.realm("native1").unwrap().supports_lookup);
        let e = RealmConfig::parse(
            "native1",
            &json!({"type": "native", "secure_settings": {"hmac_key": "x"}}),
        )
        .unwrap_err();
        assert_eq!(e.field, "secure_settings.hmac_key");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_empty_realm_still_needs_an_order() {
        let update = RealmConfig::parse("bare", &json!({"type": "jwt"})).unwrap();
        let loaded = lint(
            std::slice::from_ref(&update.config),
            &SecretValues::new(),
            Target::default(),
        );
        let mine = diagnostics_of(&loaded, &update.config);
        assert!(
            mine.iter().any(|d| d.setting == "order"
                && d.message.starts_with("'order' is a mandatory parameter")),
            "{mine:?}"
        );
    }
}
