//! `role_templates`: a Mustache script rendered with the user model as parameters
//! (`TemplateRoleName`, `MustacheTemplateEvaluator`, Elasticsearch's `CustomMustacheFactory`).
//!
//! Supported: variables (`{{x}}` JSON-escaped as the default `application/json` content type
//! does, `{{{x}}}` and `{{& x}}` raw), dotted names (the literal flat key first, then nested
//! lookup), sections and inverted sections, comments, and Elasticsearch's functions
//! `{{#toJson}}`, `{{#join}}`, `{{#join delimiter='…'}}` and `{{#url}}`. Refused with a
//! message: partials and delimiter changes. Stored scripts (`{"id": …}`) parse but cannot be
//! rendered here. Decision: standalone-line whitespace is kept as written (role names are
//! single-line in practice).
//!
//! As mustache.java with Elasticsearch's handlers: `""` is falsy in sections (and so renders
//! an inverted section); lists answer `size` and numeric indexes (`{{groups.0}}`,
//! `{{groups.size}}`, `CustomReflectionObjectHandler.CollectionMap`); the script's
//! `options.content_type` picks the encoder of `{{x}}` (`CustomMustacheFactory`:
//! `application/json` — the default — JSON-escapes, `text/plain` writes as is,
//! `application/x-www-form-urlencoded` URL-encodes; anything else is refused).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::rules::token_name;
use crate::limits;

/// `format` of a role template.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TemplateFormat {
    /// The rendered text is one role name. The default.
    #[default]
    String,
    /// The rendered text is a JSON string or array of strings.
    Json,
}

/// One parsed `role_templates` item.
#[derive(Clone, Debug)]
pub struct RoleTemplate {
    /// How the rendered text becomes role names.
    pub format: TemplateFormat,
    script: Script,
}

#[derive(Clone, Debug)]
enum Script {
    Inline {
        nodes: Vec<Node>,
        params: Map<String, Value>,
        encoder: Encoder,
    },
    Stored(String),
}

/// How `{{x}}` writes a value (`CustomMustacheFactory`'s encoders).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Encoder {
    /// `JsonEscapeEncoder`, for `application/json` (the default).
    #[default]
    Json,
    /// `DefaultEncoder`, for `text/plain`: as is.
    Plain,
    /// `UrlEncoder`, for `application/x-www-form-urlencoded`.
    Url,
}

impl Encoder {
    /// `CustomMustacheFactory.createEncoder`.
    fn for_content_type(media_type: &str) -> Result<Self, String> {
        match media_type {
            "application/json" | "application/json; charset=UTF-8" => Ok(Self::Json),
            "text/plain" => Ok(Self::Plain),
            "application/x-www-form-urlencoded" => Ok(Self::Url),
            other => Err(format!("No encoder found for MIME type [{other}]")),
        }
    }

    fn encode(self, text: &str, out: &mut String) {
        match self {
            Self::Json => json_escape(text, out),
            Self::Plain => out.push_str(text),
            Self::Url => url_encode(text, out),
        }
    }
}

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Var {
        name: String,
        escape: bool,
    },
    Section {
        name: String,
        inverted: bool,
        children: Vec<Self>,
    },
}

impl RoleTemplate {
    /// Parses a `role_templates` item and compiles its script, as the put API does.
    ///
    /// # Errors
    /// Elasticsearch's parser messages, and Mustache syntax errors.
    pub fn parse(item: &Value) -> Result<Self, String> {
        let Value::Object(map) = item else {
            return Err(format!(
                "[role-mapping-template] Expected START_OBJECT but was: {}",
                token_name(item)
            ));
        };
        let mut template = None;
        let mut format = TemplateFormat::String;
        for (key, value) in map {
            match key.as_str() {
                "template" => template = Some(value),
                "format" => format = parse_format(value)?,
                other => return Err(format!("[role-mapping-template] unknown field [{other}]")),
            }
        }
        let template = template.ok_or("Required [template]")?;
        let script = match template {
            Value::String(text) => {
                let parsed: Value = first_json_value(text).map_err(|e| {
                    format!("failed to parse the template [{text}] as a script: {e}")
                })?;
                parse_script(&parsed)?
            }
            Value::Object(_) => parse_script(template)?,
            other => {
                return Err(format!(
                    "[role-mapping-template] template doesn't support values of type: {}",
                    token_name(other)
                ));
            }
        };
        Ok(Self { format, script })
    }

    /// Renders the template and turns the text into role names.
    ///
    /// # Errors
    /// A stored script, or JSON output that is not a string or an array of strings.
    pub fn role_names(&self, params: &Map<String, Value>) -> Result<Vec<String>, String> {
        let text = self.render(params)?;
        match self.format {
            TemplateFormat::String => Ok(vec![text]),
            TemplateFormat::Json => json_role_names(&text),
        }
    }

    /// Renders the template text.
    ///
    /// # Errors
    /// A stored script, which this console does not have.
    pub fn render(&self, params: &Map<String, Value>) -> Result<String, String> {
        match &self.script {
            Script::Stored(id) => Err(format!(
                "the template uses the stored script [{id}], which this console does not have"
            )),
            Script::Inline {
                nodes,
                params: own,
                encoder,
            } => {
                let mut all = own.clone();
                all.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
                let root = Value::Object(all);
                let mut out = Output {
                    encoder: *encoder,
                    ..Output::default()
                };
                render(nodes, &mut vec![&root], &mut out)?;
                Ok(out.text)
            }
        }
    }
}

fn parse_format(value: &Value) -> Result<TemplateFormat, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "Expected [VALUE_STRING] but found [{}]",
            token_name(value)
        ));
    };
    match crate::case::to_uppercase(text).as_str() {
        "STRING" => Ok(TemplateFormat::String),
        "JSON" => Ok(TemplateFormat::Json),
        _ => Err(format!(
            "Invalid format [{text}] expected one of [json,string]"
        )),
    }
}

fn first_json_value(text: &str) -> Result<Value, String> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .next()
        .unwrap_or_else(|| Ok(Value::Null))
        .map_err(|e| e.to_string())
}

/// `Script.parse`: a bare string is inline source; an object has `source` or `id`.
fn parse_script(value: &Value) -> Result<Script, String> {
    let inline = |source: &str, params: Map<String, Value>, encoder| -> Result<Script, String> {
        Ok(Script::Inline {
            nodes: compile(source)?,
            params,
            encoder,
        })
    };
    let map = match value {
        Value::String(source) => return inline(source, Map::new(), Encoder::default()),
        Value::Object(map) => map,
        other => {
            return Err(format!(
                "expected a script object or string but found [{}]",
                token_name(other)
            ));
        }
    };
    let mut source = None;
    let mut id = None;
    let mut params = Map::new();
    let mut encoder = Encoder::default();
    for (key, v) in map {
        match key.as_str() {
            "source" => {
                source = Some(match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
            }
            "id" => id = v.as_str().map(str::to_owned),
            "params" => match v {
                Value::Object(p) => params.clone_from(p),
                other => {
                    return Err(format!(
                        "[script] params doesn't support values of type: {}",
                        token_name(other)
                    ));
                }
            },
            "options" => match v {
                Value::Object(options) => {
                    if let Some(media_type) = options.get("content_type") {
                        let media_type = match media_type {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        encoder = Encoder::for_content_type(&media_type)?;
                    }
                }
                other => {
                    return Err(format!(
                        "[script] options doesn't support values of type: {}",
                        token_name(other)
                    ));
                }
            },
            "lang" => {}
            other => return Err(format!("[script] unknown field [{other}]")),
        }
    }
    match (source, id) {
        (Some(_), Some(_)) => Err(
            "must specify either [source] for an inline script or [id] for a stored script, not both"
                .to_owned(),
        ),
        (Some(source), None) => inline(&source, params, encoder),
        (None, Some(id)) => Ok(Script::Stored(id)),
        (None, None) => Err(
            "must specify either [source] for an inline script or [id] for a stored script"
                .to_owned(),
        ),
    }
}

/// Compiles Mustache source into nodes. The source length and the section nesting are bounded
/// ([`limits::TEMPLATE_MAX_BYTES`], [`limits::TEMPLATE_MAX_DEPTH`]) before the tree grows, so
/// rendering (which recurses once per section level) and dropping the tree stay shallow.
fn compile(source: &str) -> Result<Vec<Node>, String> {
    if source.len() > limits::TEMPLATE_MAX_BYTES {
        return Err(format!(
            "the template source is {} bytes; at most {} are allowed",
            source.len(),
            limits::TEMPLATE_MAX_BYTES
        ));
    }
    let mut stack: Vec<(String, bool, Vec<Node>)> = vec![(String::new(), false, Vec::new())];
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        push_text(&mut stack, &rest[..start]);
        let after = &rest[start + 2..];
        let (tag, raw, next) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner
                .find("}}}")
                .ok_or_else(|| format!("unclosed tag [{{{{{{{inner}] in template"))?;
            (inner[..end].trim(), true, &inner[end + 3..])
        } else {
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed tag [{{{{{after}] in template"))?;
            (after[..end].trim(), false, &after[end + 2..])
        };
        rest = next;
        let top = stack.len() - 1;
        if raw {
            stack[top].2.push(Node::Var {
                name: tag.to_owned(),
                escape: false,
            });
            continue;
        }
        let (sigil, name) = match tag.chars().next() {
            Some(c @ ('#' | '^' | '/' | '!' | '&' | '>' | '=')) => (Some(c), tag[1..].trim()),
            _ => (None, tag),
        };
        match sigil {
            Some('!') => {}
            Some('>') => return Err(format!("partials are not supported: [{{{{{tag}}}}}]")),
            Some('=') => {
                return Err(format!(
                    "changing delimiters is not supported: [{{{{{tag}}}}}]"
                ));
            }
            Some('#' | '^') => {
                if stack.len() > limits::TEMPLATE_MAX_DEPTH {
                    return Err(format!(
                        "template sections nest deeper than {} levels",
                        limits::TEMPLATE_MAX_DEPTH
                    ));
                }
                stack.push((name.to_owned(), sigil == Some('^'), Vec::new()));
            }
            Some('/') => {
                if top == 0 {
                    return Err(format!("closing tag [{name}] has no open section"));
                }
                let Some((open, inverted, children)) = stack.pop() else {
                    return Err(format!("closing tag [{name}] has no open section"));
                };
                if open != name {
                    return Err(format!(
                        "section [{open}] is closed by [{name}]; the closing tag must repeat the opening one"
                    ));
                }
                let parent = stack.len() - 1;
                stack[parent].2.push(Node::Section {
                    name: open,
                    inverted,
                    children,
                });
            }
            _ => stack[top].2.push(Node::Var {
                name: name.to_owned(),
                escape: sigil != Some('&'),
            }),
        }
    }
    push_text(&mut stack, rest);
    if stack.len() > 1 {
        let open = stack.last().map(|s| s.0.clone()).unwrap_or_default();
        return Err(format!("section [{open}] is not closed"));
    }
    Ok(stack.pop().map(|s| s.2).unwrap_or_default())
}

fn push_text(stack: &mut [(String, bool, Vec<Node>)], text: &str) {
    if let (false, Some(top)) = (text.is_empty(), stack.last_mut()) {
        top.2.push(Node::Text(text.to_owned()));
    }
}

/// A name's value in the scopes: the literal flat key first, then the dotted path, where a
/// list answers `size` and in-range indexes (`CustomReflectionObjectHandler.CollectionMap`).
fn lookup<'v>(name: &str, scopes: &[&'v Value]) -> Option<Cow<'v, Value>> {
    if name == "." {
        return scopes.last().map(|v| Cow::Borrowed(*v));
    }
    for scope in scopes.iter().rev() {
        let Value::Object(map) = scope else { continue };
        if let Some(v) = map.get(name) {
            return Some(Cow::Borrowed(v));
        }
        let mut parts = name.split('.');
        let Some(first) = parts.next().and_then(|p| map.get(p)) else {
            continue;
        };
        let mut current = Cow::Borrowed(first);
        for part in parts {
            current = match current {
                Cow::Borrowed(Value::Object(map)) => Cow::Borrowed(map.get(part)?),
                Cow::Borrowed(Value::Array(items)) if part == "size" => {
                    Cow::Owned(Value::from(items.len()))
                }
                Cow::Borrowed(Value::Array(items)) => {
                    Cow::Borrowed(items.get(part.parse::<usize>().ok()?)?)
                }
                _ => return None,
            };
        }
        return Some(current);
    }
    None
}

/// Java's `toString` of the value, as Mustache writes it.
fn stringify(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(java_string).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", java_string(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn java_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        other => stringify(other),
    }
}

/// Rendered text with the budget of one rendering: at most
/// [`limits::TEMPLATE_MAX_RENDER_STEPS`] nodes visited and
/// [`limits::TEMPLATE_MAX_RENDERED_BYTES`] written, so nested sections over lists cannot
/// multiply into unbounded work.
#[derive(Default)]
struct Output {
    text: String,
    steps: usize,
    encoder: Encoder,
}

impl Output {
    fn step(&mut self) -> Result<(), String> {
        self.steps += 1;
        if self.steps > limits::TEMPLATE_MAX_RENDER_STEPS {
            return Err(format!(
                "rendering the template took more than {} steps (sections over lists multiply)",
                limits::TEMPLATE_MAX_RENDER_STEPS
            ));
        }
        if self.text.len() > limits::TEMPLATE_MAX_RENDERED_BYTES {
            return Err(format!(
                "the rendered template is longer than {} bytes",
                limits::TEMPLATE_MAX_RENDERED_BYTES
            ));
        }
        Ok(())
    }

    fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }
}

fn render(nodes: &[Node], scopes: &mut Vec<&Value>, out: &mut Output) -> Result<(), String> {
    for node in nodes {
        out.step()?;
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Var { name, escape } => {
                let text = lookup(name, scopes)
                    .map(|v| stringify(&v))
                    .unwrap_or_default();
                if *escape {
                    out.encoder.encode(&text, &mut out.text);
                } else {
                    out.push_str(&text);
                }
            }
            Node::Section {
                name,
                inverted: true,
                children,
            } => {
                let empty = match lookup(name, scopes).as_deref() {
                    None | Some(Value::Null | Value::Bool(false)) => true,
                    Some(Value::Array(items)) => items.is_empty(),
                    Some(Value::String(s)) => s.is_empty(),
                    Some(_) => false,
                };
                if empty {
                    render(children, scopes, out)?;
                }
            }
            Node::Section { name, children, .. } => section(name, children, scopes, out)?,
        }
    }
    out.step()
}

fn section(
    name: &str,
    children: &[Node],
    scopes: &mut Vec<&Value>,
    out: &mut Output,
) -> Result<(), String> {
    let body_name = || match children {
        [Node::Text(text)] => Some(text.as_str()),
        _ => None,
    };
    if name.eq_ignore_ascii_case("toJson") {
        if let Some(value) = body_name().and_then(|n| lookup(n, scopes)) {
            match value.as_ref() {
                Value::Null => {}
                Value::Array(_) | Value::Object(_) => out.push_str(&value.to_string()),
                other => out.push_str(&stringify(other)),
            }
        }
        return Ok(());
    }
    if let Some(delimiter) = join_delimiter(name) {
        let body = body_name().unwrap_or_default();
        match lookup(body, scopes).as_deref() {
            Some(Value::Array(items)) => {
                let parts: Vec<String> = items.iter().map(java_string).collect();
                out.push_str(&parts.join(delimiter));
            }
            _ => out.push_str(body),
        }
        return Ok(());
    }
    if name.eq_ignore_ascii_case("url") {
        let start = out.text.len();
        render(children, scopes, out)?;
        let inner = out.text.split_off(start);
        url_encode(&inner, &mut out.text);
        return Ok(());
    }
    let value = match lookup(name, scopes) {
        None => return Ok(()),
        Some(Cow::Borrowed(value)) => value,
        // A computed `size`: a number, truthy, rendered in a scope of its own.
        Some(Cow::Owned(value)) => {
            let mut inner: Vec<&Value> = scopes.clone();
            inner.push(&value);
            return render(children, &mut inner, out);
        }
    };
    match value {
        Value::Null | Value::Bool(false) => Ok(()),
        // `BaseObjectHandler.iterate`: the empty string is falsy.
        Value::String(s) if s.is_empty() => Ok(()),
        Value::Bool(true) => render(children, scopes, out),
        Value::Array(items) => {
            for item in items {
                scopes.push(item);
                let rendered = render(children, scopes, out);
                scopes.pop();
                rendered?;
            }
            Ok(())
        }
        other => {
            scopes.push(other);
            let rendered = render(children, scopes, out);
            scopes.pop();
            rendered
        }
    }
}

/// `join` (comma) or `join delimiter='…'`.
fn join_delimiter(name: &str) -> Option<&str> {
    if name.eq_ignore_ascii_case("join") {
        return Some(",");
    }
    name.strip_prefix("join delimiter='")?.strip_suffix('\'')
}

/// Jackson's `quoteAsString`.
fn json_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// `URLEncoder.encode(s, UTF_8)`: form encoding.
fn url_encode(text: &str, out: &mut String) {
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
}

/// `convertJsonToList`: a JSON string, or an array of strings (nulls dropped).
fn json_role_names(text: &str) -> Result<Vec<String>, String> {
    let value =
        match serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .next()
        {
            None => return Err(
                "Roles template must generate a string or an array of strings, but found [null]"
                    .to_owned(),
            ),
            Some(Err(e)) => {
                return Err(format!(
                    "the rendered roles template [{text}] is not valid JSON: {e}"
                ));
            }
            Some(Ok(value)) => value,
        };
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(format!(
                    "Roles array may only contain strings but found [{}] [{}]",
                    java_class(&other),
                    java_string(&other)
                )),
            })
            .collect(),
        other => Err(format!(
            "Roles template must generate a string or an array of strings, but found [{}]",
            token_name(&other)
        )),
    }
}

fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => "java.lang.Integer",
            Some(_) => "java.lang.Long",
            None => "java.math.BigInteger",
        },
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.HashMap",
        Value::String(_) => "java.lang.String",
        Value::Null => "null",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn template(source: &str) -> Result<RoleTemplate, String> {
        RoleTemplate::parse(&json!({ "template": { "source": source } }))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn nested_sections_are_refused_when_stored() {
        // The issue's persistent denial of service: 16,000 nested sections were stored and then
        // overflowed the stack on every render and every drop of the parsed tree.
        let source = format!("{}x{}", "{{#a}}".repeat(16_000), "{{/a}}".repeat(16_000));
        let err = template(&source).unwrap_err();
        assert_eq!(
            err,
            "the template source is 192001 bytes; at most 65536 are allowed"
        );
        let source = format!("{}x{}", "{{#a}}".repeat(101), "{{/a}}".repeat(101));
        let err = template(&source).unwrap_err();
        assert_eq!(err, "template sections nest deeper than 100 levels");
        let source = format!("{}x{}", "{{#a}}".repeat(100), "{{/a}}".repeat(100));
        let ok = template(&source).unwrap();
        let params = json!({ "a": true });
        assert_eq!(ok.render(params.as_object().unwrap()).unwrap(), "x");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sections_over_lists_cannot_multiply_without_bound() {
        // 100 items, eight levels deep: 10^16 visits if nothing stopped it.
        let source = format!("{}x{}", "{{#a}}".repeat(8), "{{/a}}".repeat(8));
        let params = json!({ "a": (0..100).collect::<Vec<_>>() });
        let err = template(&source)
            .unwrap()
            .render(params.as_object().unwrap())
            .unwrap_err();
        assert!(err.contains("more than 1000000 steps"), "{err}");
        // Long output is cut off by size before the step budget.
        let params = json!({ "a": (0..1000).collect::<Vec<_>>(), "big": "y".repeat(10_000) });
        let err = template("{{#a}}{{big}}{{/a}}")
            .unwrap()
            .render(params.as_object().unwrap())
            .unwrap_err();
        assert_eq!(err, "the rendered template is longer than 1048576 bytes");
        // Ordinary templates are untouched.
        let params = json!({ "groups": ["a", "b"] });
        let ok = template("{{#groups}}r_{{.}} {{/groups}}").unwrap();
        assert_eq!(ok.render(params.as_object().unwrap()).unwrap(), "r_a r_b ");
    }
}
