//! How Elasticsearch's x-content parsers word their errors, for the request bodies the console
//! checks (cross-cluster API keys, role mappings). A leaf module: it knows JSON, not security.

use serde_json::Value;

/// The Jackson token Elasticsearch names in its parse errors (`VALUE_STRING`, `START_ARRAY`, …).
pub fn token(value: &Value) -> &'static str {
    match value {
        Value::Null => "VALUE_NULL",
        Value::Bool(_) => "VALUE_BOOLEAN",
        Value::Number(_) => "VALUE_NUMBER",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

/// `ObjectParser`'s refusal of an undeclared field, with `SuggestingErrorOnUnknown`'s hint:
/// `[parser] unknown field [rule] did you mean [rules]?`.
pub fn unknown_field(parser: &str, field: &str, candidates: &[&str]) -> String {
    format!(
        "[{parser}] unknown field [{field}]{}",
        suggest(field, candidates)
    )
}

/// `SuggestingErrorOnUnknown.suggest`: candidates whose Lucene Levenshtein similarity to the
/// unknown field is above 0.5, most similar first (ties by name), as ` did you mean [x]?` or
/// ` did you mean any of [x, y]?`; empty when none is close.
pub fn suggest(unknown: &str, candidates: &[&str]) -> String {
    let mut scored: Vec<(f32, &str)> = candidates
        .iter()
        .map(|&candidate| (similarity(unknown, candidate), candidate))
        .filter(|&(score, _)| score > 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    match scored.as_slice() {
        [] => String::new(),
        [(_, only)] => format!(" did you mean [{only}]?"),
        many => {
            let names: Vec<&str> = many.iter().map(|&(_, name)| name).collect();
            format!(" did you mean any of [{}]?", names.join(", "))
        }
    }
}

/// Lucene's `LevenshteinDistance.getDistance`: one minus the edit distance over the longer
/// length (in UTF-16 units, as Java counts).
fn similarity(a: &str, b: &str) -> f32 {
    let a: Vec<u16> = a.encode_utf16().collect();
    let b: Vec<u16> = b.encode_utf16().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    #[allow(clippy::cast_precision_loss)] // field names are short
    let distance = previous[b.len()] as f32 / longest as f32;
    1.0 - distance
}

/// Parses JSON as Elasticsearch's x-content parser does with Jackson's
/// `STRICT_DUPLICATE_DETECTION`: a key repeated inside one object is refused
/// (`Duplicate field 'roles'`), where `serde_json` would keep the last one.
///
/// # Errors
/// The syntax error, or the first repeated key with its line and column.
pub fn parse_json(text: &str) -> Result<Value, String> {
    if let Some(duplicate) = duplicate_key(text.as_bytes()) {
        return Err(duplicate);
    }
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The first key repeated inside one JSON object, as Jackson words it with where it is; `None`
/// for JSON without repeats and for text that is not JSON (the caller's parser reports that).
pub fn duplicate_key(bytes: &[u8]) -> Option<String> {
    use serde::Deserializer as _;
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match deserializer.deserialize_any(NoRepeats) {
        Err(e) if e.classify() == serde_json::error::Category::Data => Some(format!(
            "{} (line {}, column {}): Elasticsearch's JSON parser refuses a repeated key",
            e.to_string().split(" at line").next().unwrap_or_default(),
            e.line(),
            e.column()
        )),
        _ => None,
    }
}

/// Walks any JSON value, refusing repeated keys in every object.
struct NoRepeats;

impl<'de> serde::de::DeserializeSeed<'de> for NoRepeats {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NoRepeats {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format_args!(
                    "Duplicate field '{key}'"
                )));
            }
            map.next_value_seed(Self)?;
        }
        Ok(())
    }
}

/// `ObjectParser`'s refusal of a value of the wrong JSON type:
/// `[parser] field doesn't support values of type: VALUE_NULL`.
pub fn wrong_type(parser: &str, field: &str, value: &Value) -> String {
    format!(
        "[{parser}] {field} doesn't support values of type: {}",
        token(value)
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    /// `SuggestingErrorOnUnknownTests`.
    #[wasm_bindgen_test(unsupported = test)]
    fn suggestions_follow_suggesting_error_on_unknown() {
        assert_eq!(
            unknown_field("test", "foo", &[]),
            "[test] unknown field [foo]"
        );
        assert_eq!(
            unknown_field("test", "foo", &["bar", "baz"]),
            "[test] unknown field [foo]"
        );
        assert_eq!(
            unknown_field("test", "foo", &["bar", "fop"]),
            "[test] unknown field [foo] did you mean [fop]?"
        );
        assert_eq!(
            unknown_field("test", "foo", &["bar", "fop", "fou", "baz"]),
            "[test] unknown field [foo] did you mean any of [fop, fou]?"
        );
        assert_eq!(
            unknown_field("role-mapping", "enable", &["roles", "rules", "enabled"]),
            "[role-mapping] unknown field [enable] did you mean [enabled]?"
        );
    }

    /// Jackson's `STRICT_DUPLICATE_DETECTION`, on in Elasticsearch's `JsonXContent`.
    #[wasm_bindgen_test(unsupported = test)]
    fn repeated_keys_are_refused_at_any_depth() {
        let message = parse_json(
            r#"{"roles": ["a"], "rules": {"field": {"username": "x"}}, "roles": ["b"]}"#,
        )
        .unwrap_err();
        assert!(
            message.starts_with("Duplicate field 'roles' (line 1, column "),
            "{message}"
        );
        let nested = parse_json(r#"{"metadata": {"a": 1, "a": 2}}"#).unwrap_err();
        assert!(nested.starts_with("Duplicate field 'a'"), "{nested}");
        let in_list = parse_json(r#"[{"x": 1}, {"x": 1, "y": [], "y": {}}]"#).unwrap_err();
        assert!(in_list.starts_with("Duplicate field 'y'"), "{in_list}");
        assert_eq!(
            parse_json(r#"{"a": {"a": 1}, "b": [{"a": 2}]}"#).unwrap(),
            json!({"a": {"a": 1}, "b": [{"a": 2}]})
        );
        // Not JSON at all: not a repeat; the caller's parser says what is wrong.
        assert_eq!(duplicate_key(b"{\"a\": "), None);
        assert!(parse_json("{").is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn tokens_are_jacksons_names() {
        assert_eq!(
            wrong_type("p", "search", &Value::Null),
            "[p] search doesn't support values of type: VALUE_NULL"
        );
        assert_eq!(token(&json!([1])), "START_ARRAY");
        assert_eq!(token(&json!({})), "START_OBJECT");
        assert_eq!(token(&json!(1.5)), "VALUE_NUMBER");
    }
}
