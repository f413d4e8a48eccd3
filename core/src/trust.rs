//! Trust management (spec §5–6): the deployments the console manages, the environments each
//! one trusts (ECE / Elastic Cloud trust levels, self-managed direct trust), and its remote
//! clusters with TLS and strong identity verification.
//!
//! Every body is parsed here into a checked value with errors on the field at fault; the
//! checks that need more than one document (reciprocity, mutual CA trust, the remote's signing
//! trust) take the other documents as plain arguments. Pure: no I/O, the clock is a parameter.

pub mod deployment;
pub mod environment;
pub mod ids;
pub mod remote;

use serde_json::Value;

use crate::resource::FieldError;

pub use deployment::Deployment;
pub use environment::TrustedEnvironment;
pub use remote::RemoteConfig;

/// Longest PEM text the console keeps in one field (a chain of a dozen certificates).
pub const MAX_PEM_BYTES: usize = 64 * 1024;

/// The fields of a JSON object body, refusing any other key.
fn object<'a>(
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
fn opt_string(
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

/// A PEM text field (not trimmed of inner content; limited in size).
fn pem_field(map: &serde_json::Map<String, Value>, key: &str) -> Result<String, FieldError> {
    let text = opt_string(map, key)?.unwrap_or_default();
    if text.len() > MAX_PEM_BYTES {
        return Err(FieldError::new(
            key,
            format!("at most {MAX_PEM_BYTES} bytes of PEM are accepted"),
        ));
    }
    Ok(text)
}

/// A list of strings (a JSON array, or one string per line); blank entries are dropped.
fn string_list(map: &serde_json::Map<String, Value>, key: &str) -> Result<Vec<String>, FieldError> {
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
fn bool_field(
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
fn choice<T: serde::de::DeserializeOwned>(
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

/// The SHA-256 fingerprints of the certificates in a PEM text (empty for no or bad PEM).
fn fingerprints(pem: &str) -> Vec<String> {
    if pem.trim().is_empty() {
        return Vec::new();
    }
    crate::cert::read_certificates(pem, crate::cert::CA_INPUT)
        .map(|certs| certs.iter().map(|c| c.info().sha256).collect())
        .unwrap_or_default()
}

/// Checks that a PEM field holds certificates.
fn check_pem(field: &str, pem: &str) -> Result<(), FieldError> {
    if pem.trim().is_empty() {
        return Ok(());
    }
    crate::cert::read_certificates(pem, crate::cert::CA_INPUT)
        .map(drop)
        .map_err(|e| FieldError::new(field, e.to_string()))
}

#[cfg(test)]
mod tests;
