//! The rules DSL of role mappings (`ExpressionParser`): `all`, `any`, `field` and `except`,
//! parsed with Elasticsearch's error messages and evaluated against a [`UserModel`].

use serde_json::Value;

use super::model::{FieldHit, UserModel};
use crate::patterns::{AutomatonPattern, PatternError, is_lucene_regexp};
use crate::{dn, limits};

/// A parsed rule.
#[derive(Clone, Debug)]
pub enum Rule {
    /// Every child matches (`{"all": []}` matches every user).
    All(Vec<Self>),
    /// Some child matches (`{"any": []}` matches nobody).
    Any(Vec<Self>),
    /// The child does not match. Only allowed directly inside `all`.
    Except(Box<Self>),
    /// A user field equals, or matches, one of the values.
    Field(FieldRule),
}

/// `{"field": {"<name>": value | [values]}}`.
#[derive(Clone, Debug)]
pub struct FieldRule {
    /// The user-model field (`username`, `dn`, `groups`, `metadata.<key>`, `realm.name`).
    pub field: String,
    /// The values; the rule matches when any of them does.
    pub values: Vec<FieldValue>,
}

/// One value of a field rule.
#[derive(Clone, Debug)]
pub enum FieldValue {
    /// A string: exact unless it contains `*` or is `/…/`, then a whole-value pattern.
    Text {
        /// The string as written.
        text: String,
        /// The compiled pattern, for wildcards and regexps.
        pattern: Option<AutomatonPattern>,
        /// For a literal: its normalized DN, when it is one. For a `*,<suffix>` pattern whose
        /// suffix has no `*`: the normalized suffix (a subtree match). Computed once here.
        dn: Option<String>,
    },
    /// A number, read as a long (`1.5` becomes `1`, as `parser.longValue()` does).
    Long(i64),
    /// A boolean.
    Bool(bool),
    /// `null`: matches only fields that are missing or null.
    Null,
}

impl std::fmt::Display for FieldValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text { text, .. } => write!(f, "\"{text}\""),
            Self::Long(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
        }
    }
}

/// Why a rules expression cannot be parsed. The message is Elasticsearch's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RulesError {
    /// The message, in Elasticsearch's wording.
    pub message: String,
}

fn parse_error(message: String) -> RulesError {
    RulesError {
        message: format!("failed to parse rules expression. {message}"),
    }
}

/// The XContent token name Elasticsearch prints for a JSON value.
pub(crate) fn token_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "START_OBJECT",
        Value::Array(_) => "START_ARRAY",
        Value::String(_) => "VALUE_STRING",
        Value::Number(_) => "VALUE_NUMBER",
        Value::Bool(_) => "VALUE_BOOLEAN",
        Value::Null => "VALUE_NULL",
    }
}

impl Rule {
    /// Parses a rules object. `name` is the name Elasticsearch uses for the outermost object
    /// in messages: the role mapping's name.
    ///
    /// # Errors
    /// The first problem, in Elasticsearch's wording.
    pub fn parse(name: &str, value: &Value) -> Result<Self, RulesError> {
        parse_object(name, value, false, 0)
    }

    /// Whether the user matches.
    pub fn matches(&self, model: &UserModel) -> bool {
        match self {
            Self::All(children) => children.iter().all(|c| c.matches(model)),
            Self::Any(children) => children.iter().any(|c| c.matches(model)),
            Self::Except(child) => !child.matches(model),
            Self::Field(rule) => model.test(&rule.field, &rule.values).is_some(),
        }
    }

    /// Why the user matches: one line per deciding leaf, each with its path in the rules
    /// (`rules.all[1].any[0].field.groups`). Empty when the user does not match.
    pub fn explain(&self, model: &UserModel) -> Vec<String> {
        let mut lines = Vec::new();
        if self.witness(model, "rules", &mut lines) {
            lines
        } else {
            Vec::new()
        }
    }

    fn witness(&self, model: &UserModel, path: &str, out: &mut Vec<String>) -> bool {
        match self {
            Self::All(children) => {
                if children.is_empty() {
                    out.push(format!("{path}.all: empty, so it matches every user"));
                    return true;
                }
                let mark = out.len();
                for (i, child) in children.iter().enumerate() {
                    if !child.witness(model, &format!("{path}.all[{i}]"), out) {
                        out.truncate(mark);
                        return false;
                    }
                }
                true
            }
            Self::Any(children) => children
                .iter()
                .enumerate()
                .any(|(i, child)| child.witness(model, &format!("{path}.any[{i}]"), out)),
            Self::Except(child) => {
                let matched = child.matches(model);
                if !matched {
                    out.push(format!("{path}.except: the excepted rule does not match"));
                }
                !matched
            }
            Self::Field(rule) => match model.test(&rule.field, &rule.values) {
                Some(hit) => {
                    out.push(describe(path, rule, &hit));
                    true
                }
                None => false,
            },
        }
    }

    /// Whether the rule is provably scoped to one concrete realm (`RoleMapperExpressionValidator`,
    /// a lint: `all` needs one scoped child, `any` needs every child scoped).
    pub fn is_scoped_to_realm(&self) -> bool {
        match self {
            Self::All(children) => children.iter().any(Self::is_scoped_to_realm),
            Self::Any(children) => {
                !children.is_empty() && children.iter().all(Self::is_scoped_to_realm)
            }
            Self::Except(_) => false,
            Self::Field(rule) => {
                rule.field == "realm.name"
                    && rule
                        .values
                        .iter()
                        .all(|v| matches!(v, FieldValue::Text { pattern: None, .. }))
            }
        }
    }

    /// Every field rule, for lints.
    /// Whether an `{"any": []}` (which never matches) appears anywhere in the rule.
    pub fn has_empty_any(&self) -> bool {
        match self {
            Self::Any(children) if children.is_empty() => true,
            Self::All(children) | Self::Any(children) => children.iter().any(Self::has_empty_any),
            Self::Except(child) => child.has_empty_any(),
            Self::Field(_) => false,
        }
    }

    /// Every field rule, depth first.
    pub fn fields(&self) -> Vec<&FieldRule> {
        match self {
            Self::All(children) | Self::Any(children) => {
                children.iter().flat_map(Self::fields).collect()
            }
            Self::Except(child) => child.fields(),
            Self::Field(rule) => vec![rule],
        }
    }
}

fn describe(path: &str, rule: &FieldRule, hit: &FieldHit) -> String {
    let value = &rule.values[hit.value];
    match &hit.user_value {
        Some(user_value) => format!(
            "{path}.field.{}: {value} matches [{user_value}] ({})",
            rule.field, hit.how
        ),
        None => format!("{path}.field.{}: {value} matches ({})", rule.field, hit.how),
    }
}

/// One object of the DSL at nesting `depth` (the outermost is 0); deeper than
/// [`limits::RULES_MAX_DEPTH`] is refused before it is read, so evaluating, explaining and
/// dropping the parsed rules stay shallow.
fn parse_object(
    name: &str,
    value: &Value,
    allow_except: bool,
    depth: usize,
) -> Result<Rule, RulesError> {
    if depth > limits::RULES_MAX_DEPTH {
        return Err(parse_error(format!(
            "rules nest deeper than {} levels",
            limits::RULES_MAX_DEPTH
        )));
    }
    let Value::Object(map) = value else {
        return Err(parse_error(format!(
            "expected [{name}] to be an object but found [{}] instead",
            token_name(value)
        )));
    };
    let mut entries = map.iter();
    let Some((field, body)) = entries.next() else {
        return Err(parse_error(format!(
            "object [{name}] does not contain any fields"
        )));
    };
    let rule = parse_expression(field, body, allow_except, name, depth)?;
    if entries.next().is_some() {
        return Err(parse_error(format!(
            "object [{name}] contains multiple fields"
        )));
    }
    Ok(rule)
}

fn parse_expression(
    field: &str,
    body: &Value,
    allow_except: bool,
    name: &str,
    depth: usize,
) -> Result<Rule, RulesError> {
    match field {
        "any" => Ok(Rule::Any(parse_children("any", body, false, depth)?)),
        "all" => Ok(Rule::All(parse_children("all", body, true, depth)?)),
        "field" => parse_field(body).map(Rule::Field),
        "except" if allow_except => {
            expect_object(body)?;
            let inner = parse_object("except", body, false, depth + 1)?;
            Ok(Rule::Except(Box::new(inner)))
        }
        "except" => Err(parse_error(format!(
            "field [except] is not allowed within [{name}]"
        ))),
        other => Err(parse_error(format!(
            "field [{other}] is not recognised in object [{name}]"
        ))),
    }
}

fn parse_children(
    field: &str,
    body: &Value,
    allow_except: bool,
    depth: usize,
) -> Result<Vec<Rule>, RulesError> {
    let Value::Array(items) = body else {
        return Err(parse_error(format!("field [{field}] requires an array")));
    };
    items
        .iter()
        .map(|item| parse_object(field, item, allow_except, depth + 1))
        .collect()
}

fn expect_object(body: &Value) -> Result<(), RulesError> {
    if body.is_object() {
        Ok(())
    } else {
        Err(parse_error(format!(
            "expected an object but found [{}] instead",
            token_name(body)
        )))
    }
}

fn parse_field(body: &Value) -> Result<FieldRule, RulesError> {
    expect_object(body)?;
    let Some((name, raw)) = body.as_object().and_then(|m| m.iter().next()) else {
        return Err(parse_error(
            "object [field] does not contain any fields".to_owned(),
        ));
    };
    let values = match raw {
        Value::Array(items) => items
            .iter()
            .map(parse_value)
            .collect::<Result<Vec<_>, _>>()?,
        single => vec![parse_value(single)?],
    };
    if body.as_object().is_some_and(|m| m.len() > 1) {
        return Err(parse_error(
            "object [field] contains multiple fields".to_owned(),
        ));
    }
    if name.is_empty() {
        return Err(RulesError {
            message: "null or empty field name ()".to_owned(),
        });
    }
    if values.is_empty() {
        return Err(RulesError {
            message: "null or empty values ([])".to_owned(),
        });
    }
    Ok(FieldRule {
        field: name.clone(),
        values,
    })
}

fn parse_value(value: &Value) -> Result<FieldValue, RulesError> {
    match value {
        Value::String(text) => {
            let pattern = compile(text)?;
            let dn = match &pattern {
                None => dn::normalize(text),
                Some(_) => text
                    .strip_prefix("*,")
                    .filter(|suffix| !suffix.contains('*'))
                    .and_then(dn::normalize),
            };
            Ok(FieldValue::Text {
                text: text.clone(),
                pattern,
                dn,
            })
        }
        Value::Bool(b) => Ok(FieldValue::Bool(*b)),
        Value::Number(n) => long_value(n).map(FieldValue::Long),
        Value::Null => Ok(FieldValue::Null),
        other => Err(parse_error(format!(
            "expected a field value but found [{}] instead",
            token_name(other)
        ))),
    }
}

/// Jackson's `longValue()`: decimals truncate toward zero; values outside the long range are
/// refused with Jackson's message.
fn long_value(n: &serde_json::Number) -> Result<i64, RulesError> {
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_precision_loss,
        reason = "truncation toward zero is the Java conversion being modelled"
    )]
    match n.as_f64() {
        Some(f) if n.as_u64().is_none() && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
            Ok(f as i64)
        }
        _ => Err(RulesError {
            message: format!(
                "Numeric value ({n}) out of range of long (-9223372036854775808 - 9223372036854775807)"
            ),
        }),
    }
}

/// A rule string is a pattern when it contains `*` (`Regex.isSimpleMatchPattern`) or is `/…/`.
fn compile(text: &str) -> Result<Option<AutomatonPattern>, RulesError> {
    if !text.contains('*') && !is_lucene_regexp(text) {
        return Ok(None);
    }
    AutomatonPattern::parse(text)
        .map(Some)
        .map_err(|e| RulesError {
            message: match e {
                PatternError::Invalid { .. } => {
                    format!("failed to parse rules expression. {e}")
                }
                _ => e.to_string(),
            },
        })
}
