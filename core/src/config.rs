//! Elasticsearch node settings as Elasticsearch reads them: `elasticsearch.yml` flattened to
//! dotted keys, and the value parsers of the settings layer (time values, booleans, integers,
//! lists), each failing with Elasticsearch's own message. Pure; no file access.

pub mod value;

use std::collections::BTreeMap;

use yaml_rust2::{Yaml, YamlLoader};

pub use value::{SettingError, TimeValue};

/// One setting's raw value, before it is typed by the setting that reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawValue {
    /// A scalar. YAML numbers and booleans arrive as their text, as Elasticsearch sees them.
    Scalar(String),
    /// A YAML sequence of scalars.
    List(Vec<String>),
}

impl RawValue {
    /// The value as Elasticsearch would print it in a message (`a,b` for a list).
    pub fn display(&self) -> String {
        match self {
            Self::Scalar(s) => s.clone(),
            Self::List(items) => items.join(","),
        }
    }
}

/// A flat view of a settings file: dotted keys to raw values, ordered by key (as Elasticsearch's
/// own `Settings` map is).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<String, RawValue>,
}

/// Why a settings file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The text is not YAML.
    #[error("failed to parse the settings file: {reason}")]
    Yaml {
        /// The YAML parser's explanation, with line and column.
        reason: String,
    },
    /// The document is not a mapping of settings.
    #[error("the settings file must be a YAML mapping of setting keys to values")]
    NotAMapping,
    /// The same flattened key appears twice (nested and dotted forms included).
    #[error(
        "duplicate settings key [{key}] found, previous value [{previous}], current value [{current}]"
    )]
    DuplicateKey {
        /// The flattened key.
        key: String,
        /// The first value.
        previous: String,
        /// The second value.
        current: String,
    },
    /// A value Elasticsearch cannot hold in a setting (a mapping inside a list, for example).
    #[error("setting [{key}] has an unsupported value: {reason}")]
    UnsupportedValue {
        /// The flattened key.
        key: String,
        /// What is wrong.
        reason: String,
    },
}

impl Settings {
    /// Parses YAML text (nested or dotted keys, or both) into flat settings.
    ///
    /// YAML `null` values are dropped, as Elasticsearch treats them as unset. Sequences of maps
    /// are flattened with their index (`key.0.field`) as Elasticsearch does.
    ///
    /// # Errors
    /// Any YAML syntax error, a document that is not a mapping, or a duplicate flattened key.
    pub fn from_yaml(text: &str) -> Result<Self, ConfigError> {
        let mut settings = Self::default();
        walk_yaml(text, &mut |key, leaf| {
            let value = match leaf {
                Leaf::Scalar(node) => RawValue::Scalar(scalar_text(node).unwrap_or_default()),
                Leaf::List(items) => {
                    RawValue::List(items.iter().copied().filter_map(scalar_text).collect())
                }
            };
            settings.insert(key, value)
        })?;
        Ok(settings)
    }

    fn insert(&mut self, key: &str, value: RawValue) -> Result<(), ConfigError> {
        if let Some(previous) = self.values.get(key) {
            return Err(ConfigError::DuplicateKey {
                key: key.to_owned(),
                previous: previous.display(),
                current: value.display(),
            });
        }
        self.values.insert(key.to_owned(), value);
        Ok(())
    }

    /// Builds settings from already-flat pairs (tests, the editor's form state).
    pub fn from_pairs<K: Into<String>>(pairs: impl IntoIterator<Item = (K, RawValue)>) -> Self {
        Self {
            values: pairs.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }

    /// Sets one key, replacing what was there.
    pub fn set(&mut self, key: impl Into<String>, value: RawValue) {
        self.values.insert(key.into(), value);
    }

    /// The raw value of a key.
    pub fn raw(&self, key: &str) -> Option<&RawValue> {
        self.values.get(key)
    }

    /// Whether the key is present (with any value, even an empty string).
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Every key and value, ordered by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys under `prefix.` with the prefix removed, ordered.
    pub fn keys_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.starting_with(prefix).filter_map(move |(k, _)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
        })
    }

    /// Every key that starts with `prefix`, with its value, ordered; a range lookup rather
    /// than a scan of every key.
    pub fn starting_with<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a RawValue)> + 'a {
        self.values
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A scalar value as text; a list is joined with commas (as Elasticsearch's `get` does).
    pub fn text(&self, key: &str) -> Option<String> {
        self.raw(key).map(RawValue::display)
    }

    /// A list setting the way Elasticsearch's `getAsList` reads it: a YAML sequence as is; a
    /// string in `[a, b]` form as an array; any other string split on commas, entries trimmed.
    ///
    /// UNCONFIRMED in the spec: whether split entries are trimmed. We trim, as
    /// `Strings.splitStringByCommaToArray` callers in `Settings.getAsList` do.
    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        self.raw(key).map(|raw| match raw {
            RawValue::List(items) => items.clone(),
            RawValue::Scalar(s) => value::split_list(s),
        })
    }
}

/// A leaf of a settings file: one scalar, or a sequence of scalars.
enum Leaf<'a> {
    Scalar(&'a Yaml),
    List(Vec<&'a Yaml>),
}

/// Parses YAML text and hands every flattened leaf to `sink` with its dotted key.
fn walk_yaml(
    text: &str,
    sink: &mut dyn FnMut(&str, Leaf<'_>) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| ConfigError::Yaml {
        reason: e.to_string(),
    })?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(());
    };
    match doc {
        Yaml::Hash(_) => walk(&doc, "", sink),
        Yaml::Null | Yaml::BadValue => Ok(()),
        _ => Err(ConfigError::NotAMapping),
    }
}

fn walk(
    node: &Yaml,
    prefix: &str,
    sink: &mut dyn FnMut(&str, Leaf<'_>) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    match node {
        Yaml::Hash(map) => {
            for (k, v) in map {
                let Some(part) = scalar_text(k) else {
                    return Err(ConfigError::UnsupportedValue {
                        key: prefix.to_owned(),
                        reason: "a key must be a scalar".to_owned(),
                    });
                };
                let key = if prefix.is_empty() {
                    part
                } else {
                    format!("{prefix}.{part}")
                };
                walk(v, &key, sink)?;
            }
            Ok(())
        }
        Yaml::Array(items) => {
            if items
                .iter()
                .all(|i| scalar_text(i).is_some() || matches!(i, Yaml::Null))
            {
                let list = items.iter().filter(|i| scalar_text(i).is_some()).collect();
                return sink(prefix, Leaf::List(list));
            }
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{prefix}.{i}"), sink)?;
            }
            Ok(())
        }
        Yaml::Null | Yaml::BadValue => Ok(()),
        other if scalar_text(other).is_some() => sink(prefix, Leaf::Scalar(other)),
        _ => Err(ConfigError::UnsupportedValue {
            key: prefix.to_owned(),
            reason: "YAML aliases are not supported".to_owned(),
        }),
    }
}

/// Reads a settings file keeping each scalar's YAML type, as the console stores settings:
/// integers and floats become JSON numbers, booleans JSON booleans, everything else strings;
/// sequences become arrays. Same flattening and errors as [`Settings::from_yaml`]; ordered
/// by key.
///
/// # Errors
/// As [`Settings::from_yaml`].
pub fn typed_settings(text: &str) -> Result<BTreeMap<String, serde_json::Value>, ConfigError> {
    let mut out: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    walk_yaml(text, &mut |key, leaf| {
        let value = match leaf {
            Leaf::Scalar(node) => typed_scalar(node),
            Leaf::List(items) => {
                serde_json::Value::Array(items.into_iter().map(typed_scalar).collect())
            }
        };
        if let Some(previous) = out.get(key) {
            let show =
                |v: &serde_json::Value| crate::resource::realm_config::raw_value(v).display();
            return Err(ConfigError::DuplicateKey {
                key: key.to_owned(),
                previous: show(previous),
                current: show(&value),
            });
        }
        out.insert(key.to_owned(), value);
        Ok(())
    })?;
    Ok(out)
}

fn typed_scalar(node: &Yaml) -> serde_json::Value {
    match node {
        Yaml::Integer(i) => serde_json::Value::from(*i),
        Yaml::Boolean(b) => serde_json::Value::Bool(*b),
        Yaml::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(
                || serde_json::Value::String(text.clone()),
                serde_json::Value::Number,
            ),
        other => serde_json::Value::String(scalar_text(other).unwrap_or_default()),
    }
}

fn scalar_text(node: &Yaml) -> Option<String> {
    match node {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn nested_and_dotted_keys_flatten_to_the_same_settings() {
        let nested = Settings::from_yaml(
            "xpack:\n  security:\n    authc:\n      realms:\n        jwt:\n          jwt1:\n            order: 2\n            allowed_audiences: [a, b]\n",
        )
        .unwrap();
        let dotted = Settings::from_yaml(
            "xpack.security.authc.realms.jwt.jwt1.order: 2\nxpack.security.authc.realms.jwt.jwt1.allowed_audiences: [a, b]\n",
        )
        .unwrap();
        assert_eq!(nested, dotted);
        let key = "xpack.security.authc.realms.jwt.jwt1.allowed_audiences";
        assert_eq!(nested.list(key).unwrap(), ["a", "b"]);
        assert_eq!(
            nested
                .text("xpack.security.authc.realms.jwt.jwt1.order")
                .unwrap(),
            "2"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn mixed_nesting_and_scalars_keep_yaml_text() {
        let s = Settings::from_yaml("a.b:\n  c: true\n  d: 1.50\n  e: ~\n").unwrap();
        assert_eq!(s.text("a.b.c").unwrap(), "true");
        assert_eq!(s.text("a.b.d").unwrap(), "1.50");
        assert!(!s.contains("a.b.e"), "null means unset");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn duplicate_keys_across_forms_are_rejected() {
        let err = Settings::from_yaml("a.b: 1\na:\n  b: 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate settings key [a.b] found, previous value [1], current value [2]"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn comma_strings_and_bracket_strings_are_lists() {
        let s = Settings::from_yaml("a: \"es01, es02,es03\"\nb: \"[x, 'y']\"\nc: \"\"\n").unwrap();
        assert_eq!(s.list("a").unwrap(), ["es01", "es02", "es03"]);
        assert_eq!(s.list("b").unwrap(), ["x", "y"]);
        assert!(s.list("c").unwrap().is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bad_documents_are_errors_not_panics() {
        assert!(matches!(
            Settings::from_yaml("a: [b"),
            Err(ConfigError::Yaml { .. })
        ));
        assert_eq!(
            Settings::from_yaml("- a\n- b\n"),
            Err(ConfigError::NotAMapping)
        );
        assert!(Settings::from_yaml("").unwrap().is_empty());
        let s = Settings::from_yaml("a:\n  - x: 1\n  - x: 2\n").unwrap();
        assert_eq!(s.text("a.1.x").unwrap(), "2");
    }
}
