//! Reading request bodies into checked values: the error that names the field at fault, the
//! small readers every body parser shares, and the keystore-change vocabulary. A leaf module.

use serde_json::Value;

/// Why a resource is refused: the field at fault and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field (`name`, `settings.order`, `rules`, …).
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Largest keystore value the console keeps.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// What a request does to one keystore setting.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretChange {
    /// Set or replace the value.
    Set(String),
    /// Remove it.
    Clear,
}

impl std::fmt::Debug for SecretChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Set(_) => f.write_str("Set(..)"),
            Self::Clear => f.write_str("Clear"),
        }
    }
}

/// What a `secure_settings` entry asks for: a string sets the value, `null` clears it.
///
/// # Errors
/// On `field`: an empty string, a value over [`MAX_SECRET_BYTES`], or a non-string.
pub fn secret_change(field: &str, value: &Value) -> Result<SecretChange, FieldError> {
    match value {
        Value::Null => Ok(SecretChange::Clear),
        Value::String(s) if s.is_empty() => Err(FieldError::new(
            field,
            "an empty value is not a secret; send null to clear it",
        )),
        Value::String(s) if s.len() > MAX_SECRET_BYTES => Err(FieldError::new(
            field,
            format!("at most {MAX_SECRET_BYTES} bytes are accepted"),
        )),
        Value::String(s) => Ok(SecretChange::Set(s.clone())),
        other => Err(FieldError::new(
            field,
            format!(
                "expected the secret as a string (or null to clear it), found {}",
                json_type(other)
            ),
        )),
    }
}

/// How a JSON value's type reads in a message (`a string`, `an array`).
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The fields of a JSON object body, refusing any other key.
pub(crate) fn object<'a>(
    body: &'a Value,
    allowed: &[&str],
) -> Result<&'a serde_json::Map<String, Value>, FieldError> {
    let Value::Object(map) = body else {
        return Err(FieldError::new("body", "the body must be a JSON object"));
    };
    if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(FieldError::new(
            key.clone(),
            format!(
                "unknown field [{key}]; the fields are {}",
                allowed.join(", ")
            ),
        ));
    }
    Ok(map)
}

/// An optional string field: absent, `null` and `""` are all "not set".
pub(crate) fn opt_string(
    map: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<String>, FieldError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(FieldError::new(key, format!("[{key}] must be a string"))),
    }
}

/// A list of strings (a JSON array, or one string per line); blank entries are dropped.
pub(crate) fn string_list(
    map: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<Vec<String>, FieldError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, v)| v.as_str().is_none_or(|s| !s.trim().is_empty()))
            .map(|(i, v)| {
                v.as_str().map(|s| s.trim().to_owned()).ok_or_else(|| {
                    FieldError::new(
                        format!("{key}[{i}]"),
                        format!("[{key}] entries must be strings"),
                    )
                })
            })
            .collect(),
        Some(_) => Err(FieldError::new(
            key,
            format!("[{key}] must be an array of strings"),
        )),
    }
}

/// A boolean field with a default.
pub(crate) fn bool_field(
    map: &serde_json::Map<String, Value>,
    key: &str,
    default: bool,
) -> Result<bool, FieldError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(FieldError::new(
            key,
            format!("[{key}] must be true or false"),
        )),
    }
}

/// A field that must be one of `choices` (their serde spelling), with a default.
pub(crate) fn choice<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, Value>,
    key: &str,
    choices: &[&str],
    default: T,
) -> Result<T, FieldError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
            FieldError::new(
                key,
                format!(
                    "[{key}] must be one of {}, found {value}",
                    choices.join(", ")
                ),
            )
        }),
    }
}
