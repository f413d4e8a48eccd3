//! Elasticsearch node settings as Elasticsearch reads them: `elasticsearch.yml` flattened to
//! dotted keys, and the value parsers of the settings layer (time values, booleans, integers,
//! lists), each failing with Elasticsearch's own message. Pure; no file access.

pub mod value;

use std::collections::{BTreeMap, HashSet};

use yaml_rust2::{
    Yaml,
    parser::{Event, Parser, Tag},
    scanner::TScalarStyle,
};

use crate::limits;

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
    /// The text is larger than [`limits::SETTINGS_MAX_BYTES`].
    #[error("the settings file is {bytes} bytes; at most {max} are read")]
    TooLarge {
        /// The text's size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Mappings and sequences nest deeper than [`limits::SETTINGS_MAX_DEPTH`].
    #[error("the settings file nests deeper than {max} levels (line {line})")]
    TooDeep {
        /// The line where the limit was passed.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// More than [`limits::SETTINGS_MAX_NODES`] values, mappings and sequences.
    #[error("the settings file has more than {max} values, mappings and sequences")]
    TooManyNodes {
        /// The limit.
        max: usize,
    },
    /// A flattened key is longer than [`limits::SETTING_KEY_MAX_BYTES`].
    #[error("a setting key on line {line} is longer than {max} bytes")]
    KeyTooLong {
        /// The line of the key.
        line: usize,
        /// The limit.
        max: usize,
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
                Leaf::Scalar(node) => RawValue::Scalar(scalar_text(&node).unwrap_or_default()),
                Leaf::List(items) => RawValue::List(items.iter().filter_map(scalar_text).collect()),
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
enum Leaf {
    Scalar(Yaml),
    List(Vec<Yaml>),
}

/// One open collection while the event stream is walked.
enum Frame {
    /// A mapping: its dotted prefix, the keys seen in it (YAML refuses a repeated key in one
    /// mapping, as Elasticsearch's strict duplicate detection does), and the key whose value
    /// comes next.
    Map {
        prefix: String,
        seen: HashSet<String>,
        key: Option<String>,
    },
    /// A sequence. While every item is a scalar (or null) the items are kept to become one list
    /// setting; the first collection item turns it into indexed keys (`prefix.0.field`), and the
    /// scalars kept so far are handed on as indexed scalars.
    Seq {
        prefix: String,
        next_index: usize,
        scalars: Option<Vec<Yaml>>,
    },
}

type Sink<'s> = dyn FnMut(&str, Leaf) -> Result<(), ConfigError> + 's;

/// Parses YAML text and hands every flattened leaf to `sink` with its dotted key.
///
/// The text is read as a stream of parser events, never as a tree: nothing recurses per level,
/// an alias is refused where it appears (never expanded), and the limits in
/// [`crate::limits`] (size, depth, nodes, key length) are checked as each event arrives. Only
/// the first document counts; later ones are still checked for syntax and limits.
fn walk_yaml(text: &str, sink: &mut Sink<'_>) -> Result<(), ConfigError> {
    if text.len() > limits::SETTINGS_MAX_BYTES {
        return Err(ConfigError::TooLarge {
            bytes: text.len(),
            max: limits::SETTINGS_MAX_BYTES,
        });
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut nodes = 0_usize;
    let mut documents = 0_usize;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| ConfigError::Yaml {
            reason: e.to_string(),
        })?;
        let line = mark.line();
        match event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => documents += 1,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..) => {
                nodes += 1;
                if nodes > limits::SETTINGS_MAX_NODES {
                    return Err(ConfigError::TooManyNodes {
                        max: limits::SETTINGS_MAX_NODES,
                    });
                }
                if documents > 1 {
                    continue;
                }
                let opens = !matches!(event, Event::Scalar(..));
                if opens && stack.len() >= limits::SETTINGS_MAX_DEPTH {
                    return Err(ConfigError::TooDeep {
                        line,
                        max: limits::SETTINGS_MAX_DEPTH,
                    });
                }
                node(&mut stack, event, line, sink)?;
            }
            Event::Alias(_) => {
                if documents > 1 {
                    continue;
                }
                return Err(ConfigError::UnsupportedValue {
                    key: current_key(&stack),
                    reason: format!(
                        "YAML aliases are not supported (line {line}); write the value out in full"
                    ),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if documents > 1 {
                    continue;
                }
                if let Some(Frame::Seq {
                    prefix,
                    scalars: Some(items),
                    ..
                }) = stack.pop()
                {
                    sink(&prefix, Leaf::List(items))?;
                }
            }
        }
    }
}

/// The dotted key a value arriving now would get (for messages).
fn current_key(stack: &[Frame]) -> String {
    match stack.last() {
        Some(Frame::Map { prefix, key, .. }) => key
            .as_deref()
            .map_or_else(|| prefix.clone(), |k| join(prefix, k)),
        Some(Frame::Seq {
            prefix, next_index, ..
        }) => join(prefix, &next_index.to_string()),
        None => String::new(),
    }
}

fn join(prefix: &str, part: &str) -> String {
    if prefix.is_empty() {
        part.to_owned()
    } else {
        format!("{prefix}.{part}")
    }
}

/// Handles one scalar or collection start at the top of `stack`.
fn node(
    stack: &mut Vec<Frame>,
    event: Event,
    line: usize,
    sink: &mut Sink<'_>,
) -> Result<(), ConfigError> {
    // Where the node goes: the key it is the value of, or `None` when it is a mapping key.
    let key = match stack.last_mut() {
        None => {
            // The document's root: a mapping, or nothing at all.
            return match event {
                Event::MappingStart(..) => {
                    stack.push(new_map(String::new()));
                    Ok(())
                }
                Event::Scalar(..) => match scalar(event) {
                    Yaml::Null | Yaml::BadValue => Ok(()),
                    _ => Err(ConfigError::NotAMapping),
                },
                _ => Err(ConfigError::NotAMapping),
            };
        }
        Some(Frame::Map { prefix, seen, key }) => match key.take() {
            Some(part) => join(prefix, &part),
            None => {
                let part = match event {
                    Event::Scalar(..) => scalar_text(&scalar(event)),
                    _ => None,
                };
                let Some(part) = part else {
                    return Err(ConfigError::UnsupportedValue {
                        key: prefix.clone(),
                        reason: "a key must be a scalar".to_owned(),
                    });
                };
                if prefix.len() + part.len() >= limits::SETTING_KEY_MAX_BYTES {
                    return Err(ConfigError::KeyTooLong {
                        line,
                        max: limits::SETTING_KEY_MAX_BYTES,
                    });
                }
                if !seen.insert(part.clone()) {
                    return Err(ConfigError::Yaml {
                        reason: format!("duplicated key [{part}] in one mapping at line {line}"),
                    });
                }
                *key = Some(part);
                return Ok(());
            }
        },
        Some(Frame::Seq {
            prefix,
            next_index,
            scalars,
        }) => {
            let index = *next_index;
            *next_index += 1;
            if let Event::Scalar(..) = event {
                let value = scalar(event);
                match scalars {
                    Some(items) => {
                        if scalar_text(&value).is_some() {
                            items.push(value);
                        }
                    }
                    None => leaf(&join(prefix, &index.to_string()), value, sink)?,
                }
                return Ok(());
            }
            // A collection inside the sequence: indexed keys from now on.
            if let Some(items) = scalars.take() {
                for (i, value) in items.into_iter().enumerate() {
                    leaf(&join(prefix, &i.to_string()), value, sink)?;
                }
            }
            join(prefix, &index.to_string())
        }
    };
    match event {
        Event::MappingStart(..) => stack.push(new_map(key)),
        Event::SequenceStart(..) => stack.push(Frame::Seq {
            prefix: key,
            next_index: 0,
            scalars: Some(Vec::new()),
        }),
        other => leaf(&key, scalar(other), sink)?,
    }
    Ok(())
}

fn new_map(prefix: String) -> Frame {
    Frame::Map {
        prefix,
        seen: HashSet::new(),
        key: None,
    }
}

/// A scalar value: null and unreadable tagged values are unset, anything else a setting.
fn leaf(key: &str, value: Yaml, sink: &mut Sink<'_>) -> Result<(), ConfigError> {
    if scalar_text(&value).is_some() {
        sink(key, Leaf::Scalar(value))
    } else {
        Ok(())
    }
}

/// A scalar event resolved to its YAML type the way `yaml_rust2`'s loader resolves it.
fn scalar(event: Event) -> Yaml {
    let Event::Scalar(text, style, _, tag) = event else {
        return Yaml::BadValue;
    };
    if style != TScalarStyle::Plain {
        return Yaml::String(text);
    }
    match tag {
        Some(Tag { handle, suffix }) if handle == "tag:yaml.org,2002:" => match suffix.as_str() {
            "bool" => match text.as_str() {
                "true" | "True" | "TRUE" => Yaml::Boolean(true),
                "false" | "False" | "FALSE" => Yaml::Boolean(false),
                _ => Yaml::BadValue,
            },
            "int" => text.parse::<i64>().map_or(Yaml::BadValue, Yaml::Integer),
            "float" => match Yaml::from_str(&text) {
                Yaml::Real(_) | Yaml::Integer(_) => Yaml::Real(text),
                _ => Yaml::BadValue,
            },
            "null" => match text.as_str() {
                "~" | "null" => Yaml::Null,
                _ => Yaml::BadValue,
            },
            _ => Yaml::String(text),
        },
        Some(_) => Yaml::String(text),
        None => Yaml::from_str(&text),
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
            Leaf::Scalar(node) => typed_scalar(&node),
            Leaf::List(items) => serde_json::Value::Array(items.iter().map(typed_scalar).collect()),
        };
        if let Some(previous) = out.get(key) {
            let show = |v: &serde_json::Value| raw_value(v).display();
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

/// A JSON setting value as Elasticsearch's settings layer sees it.
pub fn raw_value(value: &serde_json::Value) -> RawValue {
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        serde_json::Value::Array(items) => RawValue::List(items.iter().map(scalar).collect()),
        other => RawValue::Scalar(scalar(other)),
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

    #[wasm_bindgen_test(unsupported = test)]
    fn deep_nesting_is_refused_before_it_is_walked() {
        // The 12 KB document that aborted the server: 6,000 nested sequences.
        let text = format!("a:\n  {}x", "- ".repeat(6000));
        assert_eq!(
            Settings::from_yaml(&text),
            Err(ConfigError::TooDeep {
                line: 2,
                max: limits::SETTINGS_MAX_DEPTH
            })
        );
        assert_eq!(
            ConfigError::TooDeep { line: 2, max: 100 }.to_string(),
            "the settings file nests deeper than 100 levels (line 2)"
        );
        // Deep mappings, and flow collections, are refused the same way.
        let mut mappings = String::new();
        for level in 0..200 {
            mappings.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
        }
        assert!(matches!(
            typed_settings(&mappings),
            Err(ConfigError::TooDeep { .. })
        ));
        let flow = format!("a: {}x{}", "[".repeat(300), "]".repeat(300));
        assert!(Settings::from_yaml(&flow).is_err());
        // Exactly at the limit still reads.
        let at_limit = format!("a: {}x{}", "[".repeat(99), "]".repeat(99));
        assert!(Settings::from_yaml(&at_limit).is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn aliases_are_refused_not_expanded() {
        // The issue's ~330 bytes of chained anchors, which took 1.1 GB when expanded.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let refs = vec![format!("*a{}", level - 1); 9].join(",");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        let err = Settings::from_yaml(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "setting [a1.0] has an unsupported value: YAML aliases are not supported (line 2); write the value out in full"
        );
        // An anchor alone is harmless; its alias as a key is refused too.
        assert_eq!(
            Settings::from_yaml("a: &x 1\n").unwrap().text("a").unwrap(),
            "1"
        );
        assert!(matches!(
            typed_settings("a: &x 1\n*x : 2\n"),
            Err(ConfigError::UnsupportedValue { .. })
        ));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn size_nodes_and_key_length_are_bounded() {
        let big = format!("a: \"{}\"\n", "x".repeat(limits::SETTINGS_MAX_BYTES));
        assert!(matches!(
            Settings::from_yaml(&big),
            Err(ConfigError::TooLarge { .. })
        ));
        let many = format!("a: [{}]\n", vec!["1"; limits::SETTINGS_MAX_NODES].join(","));
        assert_eq!(
            Settings::from_yaml(&many),
            Err(ConfigError::TooManyNodes {
                max: limits::SETTINGS_MAX_NODES
            })
        );
        // YAML keys are at most 1,024 characters each, but nested they add up.
        let mut long_key = String::new();
        for level in 0..6 {
            long_key.push_str(&format!("{}{}:\n", "  ".repeat(level), "k".repeat(1000)));
        }
        assert_eq!(
            Settings::from_yaml(&long_key),
            Err(ConfigError::KeyTooLong {
                line: 5,
                max: limits::SETTING_KEY_MAX_BYTES
            })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sequences_of_mappings_index_and_repeated_keys_are_refused() {
        let s = Settings::from_yaml("a:\n  - x\n  - y: 1\n  - ~\n  - z\n").unwrap();
        assert_eq!(s.text("a.0").unwrap(), "x");
        assert_eq!(s.text("a.1.y").unwrap(), "1");
        assert_eq!(s.text("a.3").unwrap(), "z");
        assert!(!s.contains("a"));
        let err = Settings::from_yaml("a:\n  b: 1\na:\n  c: 2\n").unwrap_err();
        assert!(matches!(err, ConfigError::Yaml { .. }), "{err}");
        // Only the first document counts, but later ones must still be YAML.
        assert_eq!(Settings::from_yaml("a: 1\n---\nb: 2\n").unwrap().len(), 1);
        assert!(Settings::from_yaml("a: 1\n---\nb: [\n").is_err());
        let typed = typed_settings("a: 1\nb: !!str 2\nc: 1.5\nd: yes\ne: [true, 3]\n").unwrap();
        assert_eq!(typed["a"], serde_json::json!(1));
        assert_eq!(typed["b"], serde_json::json!("2"));
        assert_eq!(typed["c"], serde_json::json!(1.5));
        assert_eq!(typed["d"], serde_json::json!("yes"));
        assert_eq!(typed["e"], serde_json::json!([true, 3]));
    }
}
