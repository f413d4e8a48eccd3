//! The user as role mappings see it (`UserRoleMapper.UserData.asModel()`): a flat map of
//! `username`, `dn` (only when set), `groups`, `metadata.<key>` and `realm.name`, each with the
//! predicate Elasticsearch gives its type.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::rules::FieldValue;
use crate::{case, dn};

/// A user's fields, ready for matching. The four fixed fields are held apart from the
/// metadata, so that looking one up is a `match`, not a map search (rules test them for every
/// mapping).
#[derive(Clone, Debug)]
pub struct UserModel {
    username: ModelValue,
    dn: Option<ModelValue>,
    groups: ModelValue,
    realm: ModelValue,
    /// `metadata.<key>` → value.
    metadata: BTreeMap<String, ModelValue>,
}

#[derive(Clone, Debug)]
enum ModelValue {
    /// `dn`, compared DN-aware.
    Dn(DnValue),
    /// `groups`, each compared DN-aware.
    Groups(Vec<DnValue>),
    /// Everything else, compared by JSON type.
    Plain(Value),
}

#[derive(Clone, Debug)]
struct DnValue {
    raw: String,
    normalized: Option<String>,
    /// Lower- and upper-cased forms, when they differ from `raw` (computed once per user).
    lower: Option<String>,
    upper: Option<String>,
}

impl DnValue {
    fn new(raw: &str) -> Self {
        let differs = |s: String| (s != raw).then_some(s);
        Self {
            raw: raw.to_owned(),
            normalized: dn::normalize(raw),
            lower: differs(case::to_lowercase(raw)),
            upper: differs(case::to_uppercase(raw)),
        }
    }
}

/// Which rule value matched, against which user value, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldHit {
    /// Index of the matching rule value.
    pub value: usize,
    /// The user value it matched (`None` for a missing field matched by `null`).
    pub user_value: Option<String>,
    /// How it matched, for people.
    pub how: &'static str,
}

impl UserModel {
    /// Builds the model. Groups are a set, as in Elasticsearch.
    pub fn new(
        username: &str,
        dn: Option<&str>,
        groups: &[String],
        metadata: &Map<String, Value>,
        realm: &str,
    ) -> Self {
        let mut unique: Vec<&String> = groups.iter().collect();
        unique.sort();
        unique.dedup();
        Self {
            username: ModelValue::Plain(Value::String(username.to_owned())),
            dn: dn.map(|dn| ModelValue::Dn(DnValue::new(dn))),
            groups: ModelValue::Groups(unique.into_iter().map(|g| DnValue::new(g)).collect()),
            realm: ModelValue::Plain(Value::String(realm.to_owned())),
            metadata: metadata
                .iter()
                .map(|(key, value)| (format!("metadata.{key}"), ModelValue::Plain(value.clone())))
                .collect(),
        }
    }

    /// A field's value (`None` when the model does not define it).
    fn get(&self, field: &str) -> Option<&ModelValue> {
        match field {
            "username" => Some(&self.username),
            "groups" => Some(&self.groups),
            "realm.name" => Some(&self.realm),
            "dn" => self.dn.as_ref(),
            _ => self.metadata.get(field),
        }
    }

    /// Every defined field, sorted by name (the order `ExpressionModel.asMap` is shown in).
    fn all(&self) -> Vec<(&str, &ModelValue)> {
        let mut all: Vec<(&str, &ModelValue)> = vec![
            ("username", &self.username),
            ("groups", &self.groups),
            ("realm.name", &self.realm),
        ];
        if let Some(dn) = &self.dn {
            all.push(("dn", dn));
        }
        all.extend(self.metadata.iter().map(|(k, v)| (k.as_str(), v)));
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// The model as template parameters (`ExpressionModel.asMap()`).
    pub fn params(&self) -> Map<String, Value> {
        self.all()
            .into_iter()
            .map(|(name, value)| {
                let v = match value {
                    ModelValue::Dn(dn) => Value::String(dn.raw.clone()),
                    ModelValue::Groups(groups) => Value::Array(
                        groups
                            .iter()
                            .map(|g| Value::String(g.raw.clone()))
                            .collect(),
                    ),
                    ModelValue::Plain(v) => v.clone(),
                };
                (name.to_owned(), v)
            })
            .collect()
    }

    /// The field names the model defines.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.all().into_iter().map(|(name, _)| name)
    }

    /// `ExpressionModel.test`: whether the field matches any of the values, and how.
    pub fn test(&self, field: &str, values: &[FieldValue]) -> Option<FieldHit> {
        let hit = |value: usize, user_value: Option<String>, how: &'static str| FieldHit {
            value,
            user_value,
            how,
        };
        match self.get(field) {
            None => values
                .iter()
                .position(|v| matches!(v, FieldValue::Null))
                .map(|i| hit(i, None, "the field is not set, which only null matches")),
            Some(ModelValue::Dn(dn)) => values
                .iter()
                .enumerate()
                .find_map(|(i, v)| dn_test(dn, v).map(|how| hit(i, Some(dn.raw.clone()), how))),
            Some(ModelValue::Groups(groups)) => values.iter().enumerate().find_map(|(i, v)| {
                groups
                    .iter()
                    .find_map(|g| dn_test(g, v).map(|how| hit(i, Some(g.raw.clone()), how)))
            }),
            Some(ModelValue::Plain(value)) => values.iter().enumerate().find_map(|(i, v)| {
                plain_test(value, v).map(|(shown, how)| hit(i, Some(shown), how))
            }),
        }
    }
}

/// The first metadata value `ExpressionModel.buildPredicate` cannot take — an object, also
/// inside a list — with Elasticsearch's refusal: building the model throws, so every role
/// mapping fails for that user (no realm the console models hands such metadata over: JWT
/// keeps only strings, numbers, booleans and lists of those as `jwt_claim_*`).
pub fn unsupported_metadata(metadata: &Map<String, Value>) -> Option<(String, String)> {
    fn has_object(value: &Value) -> bool {
        match value {
            Value::Object(_) => true,
            Value::Array(items) => items.iter().any(has_object),
            _ => false,
        }
    }
    metadata.iter().find(|(_, v)| has_object(v)).map(|(key, _)| {
        (
            key.clone(),
            "Unsupported value type class java.util.HashMap: role mapping (ExpressionModel.buildPredicate) accepts strings, numbers, booleans, null and lists of those; with an object here Elasticsearch fails the role mapping of this user".to_owned(),
        )
    })
}

/// `ExpressionModel.buildPredicate`: strings exact or by pattern (case-sensitive), numbers by
/// value, booleans equal, lists by any element, null only by `null`.
fn plain_test(value: &Value, rule: &FieldValue) -> Option<(String, &'static str)> {
    let shown = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match (value, rule) {
        (Value::Null, FieldValue::Null) => Some(("null".to_owned(), "null")),
        (Value::Bool(a), FieldValue::Bool(b)) if a == b => Some((shown(value), "boolean")),
        (Value::Number(n), FieldValue::Long(l)) if number_equals(n, *l) => {
            Some((shown(value), "number"))
        }
        (Value::String(s), FieldValue::Text { text, pattern, .. }) => match pattern {
            Some(p) if p.matches(s) => Some((s.clone(), "pattern")),
            None if s == text => Some((s.clone(), "exact")),
            _ => None,
        },
        (Value::Array(items), _) => items.iter().find_map(|item| plain_test(item, rule)),
        _ => None,
    }
}

/// `numberEquals`: floating comparison when the user value is a decimal, else exact longs.
/// A user integer beyond the long range never matches (Elasticsearch throws there).
fn number_equals(n: &Number, rule: i64) -> bool {
    if let Some(i) = n.as_i64() {
        return i == rule;
    }
    if n.is_f64() {
        #[allow(
            clippy::cast_precision_loss,
            reason = "Double.compare of the two doubles is the Java semantics being modelled"
        )]
        return n
            .as_f64()
            .is_some_and(|f| f.to_bits() == (rule as f64).to_bits());
    }
    false
}

/// `DistinguishedNamePredicate.test`.
fn dn_test(user: &DnValue, rule: &FieldValue) -> Option<&'static str> {
    let FieldValue::Text { text, pattern, dn } = rule else {
        return None;
    };
    if let Some(p) = pattern {
        if p.matches(&user.raw) {
            return Some("pattern");
        }
        if user
            .normalized
            .as_deref()
            .is_some_and(|n| n != user.raw && p.matches(n))
        {
            return Some("pattern on the normalized DN");
        }
        if user.lower.as_deref().is_some_and(|l| p.matches(l)) {
            return Some("pattern on the lower-cased value");
        }
        if user.upper.as_deref().is_some_and(|u| p.matches(u)) {
            return Some("pattern on the upper-cased value");
        }
        let normalized = user.normalized.as_deref()?;
        return dn::is_descendant_of(normalized, dn.as_deref()?).then_some("DN subtree");
    }
    if equals_ignore_case(text, &user.raw) {
        return Some("equal ignoring case");
    }
    let normalized = user.normalized.as_deref()?;
    match dn {
        Some(rule_dn) => (rule_dn == normalized).then_some("equal as DNs"),
        None => equals_ignore_case(text, normalized).then_some("equal to the normalized DN"),
    }
}

/// Java's `String.equalsIgnoreCase`: per character, equal after upper- or lower-casing.
fn equals_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    if a.chars().count() != b.chars().count() {
        return false;
    }
    a.chars().zip(b.chars()).all(|(x, y)| {
        x == y || case::upper(x).eq(case::upper(y)) || case::lower(x).eq(case::lower(y))
    })
}
