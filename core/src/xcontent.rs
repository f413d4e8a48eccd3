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
    format!("[{parser}] unknown field [{field}]{}", suggest(field, candidates))
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
        assert_eq!(unknown_field("test", "foo", &[]), "[test] unknown field [foo]");
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
        // `ExpressionRoleMapping`'s fields: `rules` scores 0.8 and `roles` 0.6, both above 0.5.
        assert_eq!(
            unknown_field(
                "role-mapping",
                "rule",
                &["roles", "role_templates", "rules", "metadata", "enabled", "doc_type", "type"]
            ),
            "[role-mapping] unknown field [rule] did you mean any of [rules, roles]?"
        );
        assert_eq!(
            unknown_field("role-mapping", "enable", &["roles", "rules", "enabled"]),
            "[role-mapping] unknown field [enable] did you mean [enabled]?"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn tokens_are_jacksons_names() {
        assert_eq!(wrong_type("p", "search", &Value::Null), "[p] search doesn't support values of type: VALUE_NULL");
        assert_eq!(token(&json!([1])), "START_ARRAY");
        assert_eq!(token(&json!({})), "START_OBJECT");
        assert_eq!(token(&json!(1.5)), "VALUE_NUMBER");
    }
}
