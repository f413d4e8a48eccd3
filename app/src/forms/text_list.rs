//! Comma-separated text fields ↔ JSON arrays, as the editors show list settings, privileges
//! and role names.

use serde_json::Value;

/// `"a, b,,c "` → `["a", "b", "c"]` (entries trimmed, empty ones dropped).
pub fn split(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A JSON array of strings from comma-separated text; `None` when there is no entry.
pub fn to_array(text: &str) -> Option<Value> {
    let items = split(text);
    (!items.is_empty()).then(|| Value::Array(items.into_iter().map(Value::String).collect()))
}

/// A JSON scalar or array shown as text: arrays joined with `", "`.
pub fn join(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Array(items)) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        Some(other) => scalar(other),
    }
}

/// A scalar as the admin would type it (strings unquoted).
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(split(" a, b,,c "), ["a", "b", "c"]);
        assert_eq!(to_array(""), None);
        assert_eq!(to_array("x, y"), Some(json!(["x", "y"])));
        assert_eq!(join(Some(&json!(["x", "y"]))), "x, y");
        assert_eq!(join(Some(&json!(2))), "2");
        assert_eq!(join(Some(&json!("s"))), "s");
        assert_eq!(join(None), "");
    }
}
