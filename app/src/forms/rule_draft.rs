//! The role-mapping rule builder's model: a tree of `all` / `any` / `except` / `field` nodes
//! with the field values kept as typed, converted to and from the rules JSON, and checked node
//! by node with `trust-core`'s parser so that Elasticsearch's message appears on the node at
//! fault.
//!
//! Field values are typed as JSON — `"text"`, `42`, `true`, `null`, or a list `["a", "b"]` —
//! because Elasticsearch matches by JSON type (the rule `42` never matches the string `"42"`).
//! Text that is not JSON is one string, so `admins` and `/adm.*/` need no quotes.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use trust_core::role_mapping::Rule;

/// The kinds of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// `all`: every child matches (`{"all": []}` matches everyone).
    All,
    /// `any`: some child matches.
    Any,
    /// `except`: its child does not match (only directly inside `all`).
    Except,
    /// `field`: a user field has one of the values.
    Field,
}

impl NodeKind {
    /// Every kind, in menu order.
    pub const ALL: [Self; 4] = [Self::Field, Self::All, Self::Any, Self::Except];

    /// The DSL keyword.
    pub const fn keyword(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Any => "any",
            Self::Except => "except",
            Self::Field => "field",
        }
    }

    /// The kind for a keyword.
    pub fn from_keyword(keyword: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.keyword() == keyword)
    }
}

/// One node of the builder.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleDraft {
    /// `{"all": [...]}`.
    All(Vec<Self>),
    /// `{"any": [...]}`.
    Any(Vec<Self>),
    /// `{"except": ...}`.
    Except(Box<Self>),
    /// `{"field": {field: values}}`, values as typed.
    Field {
        /// The user field (`username`, `groups`, `metadata.x`, …).
        field: String,
        /// The values as typed.
        values: String,
    },
}

/// The tree's structure without the typed texts: the builder re-renders only when this
/// changes, so typing into a field never rebuilds (and unfocuses) the inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A group node with its children.
    Group(NodeKind, Vec<Self>),
    /// A field node.
    Leaf,
}

/// A field rule's values as typed → JSON values.
pub fn parse_values(text: &str) -> Vec<Value> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(Value::Object(_)) | Err(_) => vec![Value::String(text.to_owned())],
        Ok(scalar) => vec![scalar],
    }
}

/// JSON values → the text the builder shows.
pub fn format_values(values: &[Value]) -> String {
    match values {
        [] => String::new(),
        [Value::String(s)] if serde_json::from_str::<Value>(s).is_err() => s.clone(),
        [one] => one.to_string(),
        many => Value::Array(many.to_vec()).to_string(),
    }
}

impl RuleDraft {
    /// A fresh node of `kind`.
    pub fn new(kind: NodeKind) -> Self {
        match kind {
            NodeKind::All => Self::All(Vec::new()),
            NodeKind::Any => Self::Any(Vec::new()),
            NodeKind::Except => Self::Except(Box::new(Self::new(NodeKind::Field))),
            NodeKind::Field => Self::Field {
                field: "username".to_owned(),
                values: String::new(),
            },
        }
    }

    /// The node's kind.
    pub fn kind(&self) -> NodeKind {
        match self {
            Self::All(_) => NodeKind::All,
            Self::Any(_) => NodeKind::Any,
            Self::Except(_) => NodeKind::Except,
            Self::Field { .. } => NodeKind::Field,
        }
    }

    /// The builder form of a rules object; `None` for JSON the builder cannot show (several
    /// keys in one object, unknown keywords…), which stays editable as JSON.
    pub fn from_json(value: &Value) -> Option<Self> {
        let map = value.as_object()?;
        if map.len() != 1 {
            return None;
        }
        let (keyword, body) = map.iter().next()?;
        let children = |body: &Value| -> Option<Vec<Self>> {
            body.as_array()?.iter().map(Self::from_json).collect()
        };
        Some(match NodeKind::from_keyword(keyword)? {
            NodeKind::All => Self::All(children(body)?),
            NodeKind::Any => Self::Any(children(body)?),
            NodeKind::Except => Self::Except(Box::new(Self::from_json(body)?)),
            NodeKind::Field => {
                let field = body.as_object()?;
                if field.len() != 1 {
                    return None;
                }
                let (name, values) = field.iter().next()?;
                let values = match values {
                    Value::Array(items) => items.clone(),
                    Value::Object(_) => return None,
                    scalar => vec![scalar.clone()],
                };
                Self::Field {
                    field: name.clone(),
                    values: format_values(&values),
                }
            }
        })
    }

    /// The rules JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Self::All(children) => {
                json!({"all": children.iter().map(Self::to_json).collect::<Vec<_>>()})
            }
            Self::Any(children) => {
                json!({"any": children.iter().map(Self::to_json).collect::<Vec<_>>()})
            }
            Self::Except(child) => json!({"except": child.to_json()}),
            Self::Field { field, values } => {
                let values = parse_values(values);
                let value = match values.as_slice() {
                    [one] => one.clone(),
                    _ => Value::Array(values),
                };
                json!({"field": {field.as_str(): value}})
            }
        }
    }

    /// The structure, for deciding when the builder must re-render.
    pub fn shape(&self) -> Shape {
        match self {
            Self::Field { .. } => Shape::Leaf,
            group => Shape::Group(
                group.kind(),
                group.children().iter().map(Self::shape).collect(),
            ),
        }
    }

    /// The child nodes (one for `except`).
    pub fn children(&self) -> &[Self] {
        match self {
            Self::All(children) | Self::Any(children) => children,
            Self::Except(child) => std::slice::from_ref(child.as_ref()),
            Self::Field { .. } => &[],
        }
    }

    /// The node at `path` (child indexes from this node).
    pub fn at(&self, path: &[usize]) -> Option<&Self> {
        match path.split_first() {
            None => Some(self),
            Some((first, rest)) => self.children().get(*first)?.at(rest),
        }
    }

    /// The node at `path`, mutably.
    pub fn at_mut(&mut self, path: &[usize]) -> Option<&mut Self> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        let child = match self {
            Self::All(children) | Self::Any(children) => children.get_mut(*first)?,
            Self::Except(child) if *first == 0 => child.as_mut(),
            _ => return None,
        };
        child.at_mut(rest)
    }

    /// Adds a child of `kind` to the group at `path` (replaces an `except`'s child).
    pub fn add_child(&mut self, path: &[usize], kind: NodeKind) {
        match self.at_mut(path) {
            Some(Self::All(children) | Self::Any(children)) => children.push(Self::new(kind)),
            Some(Self::Except(child)) => **child = Self::new(kind),
            _ => {}
        }
    }

    /// Removes the node at `path` from its group (the root cannot be removed; an `except`'s
    /// only child is replaced by an empty field).
    pub fn remove(&mut self, path: &[usize]) {
        let Some((last, parent)) = path.split_last() else {
            return;
        };
        match self.at_mut(parent) {
            Some(Self::All(children) | Self::Any(children)) if *last < children.len() => {
                children.remove(*last);
            }
            Some(Self::Except(child)) => **child = Self::new(NodeKind::Field),
            _ => {}
        }
    }

    /// Changes the node at `path` to `kind`, keeping its children where the new kind has
    /// room for them.
    pub fn set_kind(&mut self, path: &[usize], kind: NodeKind) {
        let Some(node) = self.at_mut(path) else {
            return;
        };
        if node.kind() == kind {
            return;
        }
        let children: Vec<Self> = node.children().to_vec();
        *node = match kind {
            NodeKind::All => Self::All(children),
            NodeKind::Any => Self::Any(children),
            NodeKind::Except => Self::Except(Box::new(
                children
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Self::new(NodeKind::Field)),
            )),
            NodeKind::Field => Self::new(NodeKind::Field),
        };
    }

    /// Elasticsearch's parser message for each node at fault, by path. A node is at fault
    /// when it fails to parse in its place while none of its children does.
    pub fn errors(&self, mapping: &str) -> BTreeMap<Vec<usize>, String> {
        let mut out = BTreeMap::new();
        self.collect_errors(mapping, None, &mut Vec::new(), &mut out);
        out
    }

    fn collect_errors(
        &self,
        mapping: &str,
        parent: Option<NodeKind>,
        path: &mut Vec<usize>,
        out: &mut BTreeMap<Vec<usize>, String>,
    ) {
        let before = out.len();
        for (i, child) in self.children().iter().enumerate() {
            path.push(i);
            child.collect_errors(mapping, Some(self.kind()), path, out);
            path.pop();
        }
        if out.len() > before {
            return;
        }
        let node = self.to_json();
        let in_place = match parent {
            None => node,
            Some(NodeKind::All) => json!({"all": [node]}),
            Some(NodeKind::Any) => json!({"any": [node]}),
            Some(NodeKind::Except) => json!({"all": [{"except": node}]}),
            Some(NodeKind::Field) => return,
        };
        if let Err(error) = Rule::parse(mapping, &in_place) {
            out.insert(path.clone(), error.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_json_or_one_string() {
        assert_eq!(parse_values("admins"), [json!("admins")]);
        assert_eq!(parse_values("42"), [json!(42)]);
        assert_eq!(
            parse_values(r#"["a", 1, null]"#),
            [json!("a"), json!(1), json!(null)]
        );
        assert_eq!(parse_values("/a{1,3}/"), [json!("/a{1,3}/")]);
        assert_eq!(parse_values(r#""42""#), [json!("42")]);
        assert!(parse_values("  ").is_empty());
        assert_eq!(format_values(&[json!("admins")]), "admins");
        assert_eq!(format_values(&[json!("42")]), r#""42""#);
        assert_eq!(format_values(&[json!(true)]), "true");
        assert_eq!(format_values(&[json!("a"), json!("b")]), r#"["a","b"]"#);
    }

    #[test]
    fn json_round_trips_through_the_builder() {
        let rules = json!({"all": [
            {"field": {"realm.name": "jwt8"}},
            {"any": [{"field": {"groups": ["admins", "ops"]}}, {"field": {"username": "/adm.*/"}}]},
            {"except": {"field": {"metadata.jwt_claim_level": 0}}}
        ]});
        let draft = RuleDraft::from_json(&rules).unwrap();
        assert_eq!(draft.to_json(), rules);
        assert_eq!(
            draft.shape(),
            Shape::Group(
                NodeKind::All,
                vec![
                    Shape::Leaf,
                    Shape::Group(NodeKind::Any, vec![Shape::Leaf, Shape::Leaf]),
                    Shape::Group(NodeKind::Except, vec![Shape::Leaf])
                ]
            )
        );
        assert!(draft.errors("m").is_empty());
        assert_eq!(RuleDraft::from_json(&json!({"all": [], "any": []})), None);
    }

    #[test]
    fn edits_by_path() {
        let mut draft = RuleDraft::new(NodeKind::All);
        draft.add_child(&[], NodeKind::Field);
        draft.add_child(&[], NodeKind::Any);
        draft.add_child(&[1], NodeKind::Field);
        if let Some(RuleDraft::Field { values, .. }) = draft.at_mut(&[1, 0]) {
            *values = "bob".to_owned();
        }
        assert_eq!(
            draft.to_json(),
            json!({"all": [{"field": {"username": []}}, {"any": [{"field": {"username": "bob"}}]}]})
        );
        // Typing changes values, not the shape.
        let shape = draft.shape();
        if let Some(RuleDraft::Field { values, .. }) = draft.at_mut(&[0]) {
            *values = "alice".to_owned();
        }
        assert_eq!(draft.shape(), shape);
        draft.set_kind(&[1], NodeKind::All);
        assert_eq!(draft.at(&[1]).map(RuleDraft::kind), Some(NodeKind::All));
        assert_eq!(draft.at(&[1]).map(|n| n.children().len()), Some(1));
        draft.remove(&[0]);
        assert_eq!(
            draft.to_json(),
            json!({"all": [{"all": [{"field": {"username": "bob"}}]}]})
        );
        draft.remove(&[]);
        assert_eq!(draft.children().len(), 1, "the root stays");
    }

    #[test]
    fn errors_sit_on_the_node_at_fault() {
        let draft = RuleDraft::from_json(&json!({"any": [
            {"field": {"username": "ok"}},
            {"field": {"groups": []}},
            {"except": {"field": {"username": "x"}}}
        ]}))
        .unwrap();
        let errors = draft.errors("m");
        assert_eq!(
            errors.get(&vec![1]).map(String::as_str),
            Some("null or empty values ([])")
        );
        assert_eq!(
            errors.get(&vec![2]).map(String::as_str),
            Some("failed to parse rules expression. field [except] is not allowed within [any]")
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        let empty_name = RuleDraft::Field {
            field: String::new(),
            values: "x".to_owned(),
        };
        assert_eq!(
            empty_name.errors("m").get(&vec![]).map(String::as_str),
            Some("null or empty field name ()")
        );
    }
}
