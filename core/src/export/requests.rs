//! The API requests of a bundle, in Kibana Dev Tools syntax and as curl commands: the
//! secure-settings reload, the remote-cluster settings through the cluster settings API
//! (dynamic: an alternative to the yml), roles, native users, role mappings, and the
//! cross-cluster API keys each remote issues.

use serde_json::{Value, json};

use super::{Bundle, Secrets, remote_settings};

/// One request.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Request {
    /// A comment line shown above it.
    pub comment: Option<String>,
    /// `PUT`, `POST`.
    pub method: &'static str,
    /// Path with percent-encoded segments.
    pub path: String,
    /// The JSON body, pretty-printed once (both syntaxes show the same text).
    pub body: Option<String>,
}

/// Percent-encodes one path segment (role names may hold spaces and punctuation).
pub(super) fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn pretty(body: &Value) -> String {
    serde_json::to_string_pretty(body).unwrap_or_default()
}

/// Every request of the bundle, in apply order.
pub(super) fn requests(bundle: &Bundle, secrets: Secrets) -> Vec<Request> {
    let mut out = Vec::new();
    if !bundle.secrets.is_empty() {
        out.push(Request {
            comment: Some(
                "Step 2: apply the reloadable keystore settings on every node".to_owned(),
            ),
            method: "POST",
            path: "/_nodes/reload_secure_settings".to_owned(),
            body: None,
        });
    }
    let mut remotes: Vec<_> = bundle.remotes.iter().collect();
    remotes.sort_by(|a, b| a.remote.alias.cmp(&b.remote.alias));
    let dynamic: serde_json::Map<String, Value> = remotes
        .iter()
        .flat_map(|r| remote_settings(&bundle.name, &bundle.deployment, r))
        .collect();
    if !dynamic.is_empty() {
        out.push(Request {
            comment: Some(
                "Remote clusters are dynamic settings: this applies them without a restart (instead of the yml)"
                    .to_owned(),
            ),
            method: "PUT",
            path: "/_cluster/settings".to_owned(),
            body: Some(pretty(&json!({ "persistent": dynamic }))),
        });
    }
    for (name, body) in &bundle.roles {
        out.push(Request {
            comment: None,
            method: "PUT",
            path: format!("/_security/role/{}", encode_segment(name)),
            body: Some(pretty(body)),
        });
    }
    for (name, user) in &bundle.users {
        let mut body = user.body.clone();
        let comment = match (&user.password, secrets) {
            (Some((field, value)), Secrets::Revealed) => {
                body[field.as_str()] = Value::String(value.clone());
                None
            }
            (Some(_), Secrets::Masked) => {
                Some("The stored password is left out: reveal secrets to include it".to_owned())
            }
            (None, _) => {
                Some("No password is stored: add \"password\" to create the user".to_owned())
            }
        };
        out.push(Request {
            comment,
            method: "PUT",
            path: format!("/_security/user/{}", encode_segment(name)),
            body: Some(pretty(&body)),
        });
    }
    for (name, body) in &bundle.role_mappings {
        out.push(Request {
            comment: None,
            method: "PUT",
            path: format!("/_security/role_mapping/{}", encode_segment(name)),
            body: Some(pretty(body)),
        });
    }
    for remote in remotes {
        if let Some(body) = &remote.api_key {
            out.push(Request {
                comment: Some(format!(
                    "Run on the REMOTE cluster of alias [{}]; store the response's [encoded] value as cluster.remote.{}.credentials here",
                    remote.remote.alias, remote.remote.alias
                )),
                method: "POST",
                path: "/_security/cross_cluster/api_key".to_owned(),
                body: Some(pretty(body)),
            });
        }
    }
    out
}

/// Kibana Dev Tools syntax.
pub(super) fn console(requests: &[Request]) -> String {
    let mut out = String::new();
    for r in requests {
        if let Some(comment) = &r.comment {
            out.push_str(&format!("# {comment}\n"));
        }
        out.push_str(&format!("{} {}\n", r.method, r.path));
        if let Some(body) = &r.body {
            out.push_str(body);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// curl commands; the body goes on stdin through a quoted here-document, so nothing in it is
/// expanded by the shell.
pub(super) fn curl(requests: &[Request]) -> String {
    let mut out = "#!/bin/sh\n# Set ES_URL (https://host:9200) and ES_USER; curl asks for the password.\nset -e\n".to_owned();
    for r in requests {
        out.push('\n');
        if let Some(comment) = &r.comment {
            out.push_str(&format!("# {comment}\n"));
        }
        match &r.body {
            Some(body) => out.push_str(&format!(
                "curl -sS -X {} \"$ES_URL{}\" -u \"$ES_USER\" -H 'Content-Type: application/json' --data-binary @- <<'JSON'\n{}\nJSON\n",
                r.method,
                r.path,
                body
            )),
            None => out.push_str(&format!(
                "curl -sS -X {} \"$ES_URL{}\" -u \"$ES_USER\"\n",
                r.method, r.path
            )),
        }
    }
    out
}
