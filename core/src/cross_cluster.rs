//! Remote clusters on the API-key model (spec §5): the body of
//! `POST /_security/cross_cluster/api_key` checked as Elasticsearch checks it, the role
//! descriptor it derives, and the settings and keystore entry the local cluster needs.
//!
//! Decisions on points the reference leaves open:
//! - An explicit `privileges` key in an access entry is refused with
//!   `unknown field [privileges]` plus the console's explanation (Elasticsearch's parser rejects
//!   unknown fields; the exact text is not confirmed).
//! - `search` entries get `monitor_enrich` in the derived cluster privileges from 8.15 on
//!   (`CrossClusterApiKeyRoleDescriptorBuilder`, elasticsearch#108735).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::config::value::parse_time;
use crate::jwt::lint::StackVersion;
use crate::patterns::PatternError;
use crate::patterns::java::JavaRegex;

/// One problem with a request body, on the JSON path at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyError {
    /// JSON path (`access.replication[0].query`).
    pub field: String,
    /// Elasticsearch's message where it has one.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> BodyError {
    BodyError {
        field: field.into(),
        message: message.into(),
    }
}

/// A checked cross-cluster API key request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossClusterKey {
    /// The body as sent.
    pub body: Value,
    /// The role descriptor Elasticsearch derives (`cross_cluster`).
    pub role_descriptor: Value,
    /// Console warnings (broad index patterns, broad certificate identity).
    pub warnings: Vec<String>,
}

/// What `AbstractCreateApiKeyRequest.validate` says of an API key name, in its order: empty is
/// "required"; otherwise more than 256 (UTF-16) characters, leading or trailing white space
/// (Java's `trim`: code points up to U+0020) and a leading `_` are each refused.
pub fn api_key_name_problems(name: &str) -> Vec<&'static str> {
    if name.is_empty() {
        return vec!["api key name is required"];
    }
    let mut problems = Vec::new();
    if name.encode_utf16().count() > 256 {
        problems.push("api key name may not be more than 256 characters long");
    }
    if name.trim_matches(|c: char| c <= ' ') != name {
        problems.push("api key name may not begin or end with whitespace");
    }
    if name.starts_with('_') {
        problems.push("api key name may not begin with an underscore");
    }
    problems
}

/// Checks a `POST /_security/cross_cluster/api_key` body in Elasticsearch's order.
///
/// # Errors
/// Every problem found, each on its field.
pub fn check_api_key(
    body: &Value,
    version: StackVersion,
) -> Result<CrossClusterKey, Vec<BodyError>> {
    let mut errors = Vec::new();
    let Value::Object(map) = body else {
        return Err(vec![err("body", "the request body must be a JSON object")]);
    };
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "name" | "access" | "expiration" | "metadata" | "certificate_identity"
        ) {
            errors.push(err(key.clone(), format!("unknown field [{key}]")));
        }
    }
    match map.get("name") {
        None | Some(Value::Null) => errors.push(err("name", "Required [name]")),
        Some(Value::String(name)) => {
            for message in api_key_name_problems(name) {
                errors.push(err("name", message));
            }
        }
        Some(_) => errors.push(err("name", "[name] must be a string")),
    }
    let mut warnings = Vec::new();
    let (search, replication) = match map.get("access") {
        None | Some(Value::Null) => {
            errors.push(err("access", "Required [access]"));
            (Vec::new(), Vec::new())
        }
        Some(Value::Object(access)) => read_access(access, &mut errors, &mut warnings),
        Some(_) => {
            errors.push(err("access", "[access] must be an object"));
            (Vec::new(), Vec::new())
        }
    };
    if map.get("access").is_some_and(Value::is_object)
        && search.is_empty()
        && replication.is_empty()
    {
        errors.push(err(
            "access",
            "must specify non-empty access for either [search] or [replication]",
        ));
    }
    if !replication.is_empty() {
        for (i, entry) in search.iter().enumerate() {
            if entry.get("query").is_some() || entry.get("field_security").is_some() {
                errors.push(err(
                    format!("access.search[{i}]"),
                    "search does not support document or field level security if replication is assigned",
                ));
            }
        }
    }
    if let Some(expiration) = map.get("expiration").filter(|v| !v.is_null()) {
        match expiration.as_str() {
            Some(text) => {
                if let Err(e) = parse_time("expiration", text) {
                    errors.push(err("expiration", e.to_string()));
                }
            }
            None => errors.push(err(
                "expiration",
                "[expiration] must be a time value such as 30d",
            )),
        }
    }
    if let Some(metadata) = map.get("metadata").filter(|v| !v.is_null()) {
        match metadata.as_object() {
            Some(m) => {
                for key in m.keys().filter(|k| k.starts_with('_')) {
                    errors.push(err(
                        format!("metadata.{key}"),
                        format!("metadata keys may not start with [_]: [{key}]"),
                    ));
                }
            }
            None => errors.push(err("metadata", "[metadata] must be an object")),
        }
    }
    if let Some(identity) = map.get("certificate_identity").filter(|v| !v.is_null()) {
        if version < StackVersion::new(9, 3) {
            errors.push(err(
                "certificate_identity",
                format!("certificate_identity needs stack 9.3 or later; the target is {version}"),
            ));
        }
        match identity.as_str() {
            Some(pattern) => match JavaRegex::parse(pattern) {
                Ok(_) => warnings.extend(crate::cert::pattern_warnings(pattern)),
                Err(PatternError::Invalid { .. }) => errors.push(err(
                    "certificate_identity",
                    format!(
                        "Invalid certificate_identity format: [{pattern}]. Must be a valid regex."
                    ),
                )),
                Err(unsupported) => warnings.push(unsupported.to_string()),
            },
            None => errors.push(err(
                "certificate_identity",
                "[certificate_identity] must be a string",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CrossClusterKey {
        body: body.clone(),
        role_descriptor: derived_role(&search, &replication, version),
        warnings,
    })
}

/// One `search` or `replication` entry.
type Entry = Map<String, Value>;

fn read_access(
    access: &Map<String, Value>,
    errors: &mut Vec<BodyError>,
    warnings: &mut Vec<String>,
) -> (Vec<Entry>, Vec<Entry>) {
    for key in access.keys() {
        if !matches!(key.as_str(), "search" | "replication") {
            errors.push(err(
                format!("access.{key}"),
                format!("unknown field [{key}]"),
            ));
        }
    }
    let mut read = |kind: &str, allowed: &[&str]| -> Vec<Entry> {
        let Some(value) = access.get(kind).filter(|v| !v.is_null()) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            errors.push(err(
                format!("access.{kind}"),
                format!("[{kind}] must be an array"),
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("access.{kind}[{i}]");
            let Some(entry) = item.as_object() else {
                errors.push(err(path, "each access entry must be an object"));
                continue;
            };
            for key in entry.keys() {
                if key == "privileges" {
                    errors.push(err(
                        format!("{path}.privileges"),
                        "unknown field [privileges]: a cross-cluster API key's privileges are derived from [search] and [replication]",
                    ));
                } else if !allowed.contains(&key.as_str()) {
                    errors.push(err(
                        format!("{path}.{key}"),
                        format!("unknown field [{key}]"),
                    ));
                }
            }
            match entry.get("names").and_then(Value::as_array) {
                Some(names) if !names.is_empty() && names.iter().all(Value::is_string) => {
                    for name in names.iter().filter_map(Value::as_str) {
                        if name == "*" || name == "*:*" {
                            warnings.push(format!(
                                "{path}: [{name}] gives the remote cluster's callers every index"
                            ));
                        }
                    }
                }
                _ => errors.push(err(
                    format!("{path}.names"),
                    "Required [names]: a non-empty list of index names or patterns",
                )),
            }
            out.push(entry.clone());
        }
        out
    };
    let search = read(
        "search",
        &[
            "names",
            "field_security",
            "query",
            "allow_restricted_indices",
        ],
    );
    let replication = read("replication", &["names", "query", "field_security"]);
    for (i, entry) in replication.iter().enumerate() {
        if entry.contains_key("query") || entry.contains_key("field_security") {
            errors.push(err(
                format!("access.replication[{i}]"),
                "replication does not support document or field level security",
            ));
        }
    }
    (search, replication)
}

/// The `cross_cluster` role descriptor Elasticsearch builds from the access.
fn derived_role(search: &[Entry], replication: &[Entry], version: StackVersion) -> Value {
    let mut cluster = Vec::new();
    let mut indices = Vec::new();
    if !search.is_empty() {
        cluster.push("cross_cluster_search");
        // `CrossClusterApiKeyRoleDescriptorBuilder` grants it from 8.15 (elasticsearch#108735).
        if version >= StackVersion::new(8, 15) {
            cluster.push("monitor_enrich");
        }
    }
    if !replication.is_empty() {
        cluster.push("cross_cluster_replication");
    }
    for entry in search {
        let mut index = json!({
            "names": entry.get("names").cloned().unwrap_or(Value::Null),
            "privileges": ["read", "read_cross_cluster", "view_index_metadata"],
        });
        for key in ["field_security", "query", "allow_restricted_indices"] {
            if let Some(v) = entry.get(key) {
                index[key] = v.clone();
            }
        }
        indices.push(index);
    }
    for entry in replication {
        indices.push(json!({
            "names": entry.get("names").cloned().unwrap_or(Value::Null),
            "privileges": ["cross_cluster_replication", "cross_cluster_replication_internal"],
        }));
    }
    json!({"cross_cluster": {"cluster": cluster, "indices": indices}})
}

/// How the local cluster connects to a remote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Cross-cluster API key, to the remote's `remote_cluster_server` port (9443).
    ApiKey,
    /// TLS certificates, to the transport port (9300; 9400 on Elastic Cloud).
    Certificate,
}

/// Connection mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Discover nodes from seeds.
    Sniff,
    /// Connect through one address.
    Proxy,
}

/// A remote cluster as the admin describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteCluster {
    /// The alias (`cluster.remote.<alias>`).
    pub alias: String,
    /// API key or certificate.
    pub security: Security,
    /// Sniff or proxy.
    pub mode: Mode,
    /// `host:port` seeds (sniff) or the single proxy address (proxy).
    pub addresses: Vec<String>,
    /// `skip_unavailable`.
    pub skip_unavailable: bool,
}

/// A finding about a remote cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteFinding {
    /// `error` or `warning`.
    pub severity: String,
    /// The field (`alias`, `addresses[0]`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The settings, keystore command and findings for a remote cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteSetup {
    /// `elasticsearch.yml` lines (also valid as persistent cluster settings).
    pub settings: Vec<(String, Value)>,
    /// Keystore commands (API-key model).
    pub keystore: Vec<String>,
    /// Problems and warnings.
    pub findings: Vec<RemoteFinding>,
}

/// Checks a remote cluster and builds its local settings.
pub fn remote_setup(remote: &RemoteCluster) -> RemoteSetup {
    let mut findings = Vec::new();
    let mut finding = |severity: &str, field: String, message: String| {
        findings.push(RemoteFinding {
            severity: severity.to_owned(),
            field,
            message,
        });
    };
    let alias = remote.alias.as_str();
    if alias.is_empty()
        || !alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        finding(
            "error",
            "alias".to_owned(),
            format!("remote cluster alias [{alias}] may only contain letters, digits, [-] and [_]"),
        );
    }
    if remote.addresses.is_empty() {
        finding(
            "error",
            "addresses".to_owned(),
            match remote.mode {
                Mode::Sniff => "sniff mode needs at least one seed (host:port)".to_owned(),
                Mode::Proxy => "proxy mode needs the proxy address (host:port)".to_owned(),
            },
        );
    }
    if remote.mode == Mode::Proxy && remote.addresses.len() > 1 {
        finding(
            "error",
            "addresses".to_owned(),
            "proxy mode takes exactly one address".to_owned(),
        );
    }
    for (i, address) in remote.addresses.iter().enumerate() {
        let field = format!("addresses[{i}]");
        let port = address
            .rsplit_once(':')
            .and_then(|(host, port)| (!host.is_empty()).then_some(port))
            .and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            finding("error", field, format!("[{address}] is not host:port"));
            continue;
        };
        match (remote.security, port) {
            (Security::ApiKey, 9443) | (Security::Certificate, 9300 | 9400) => {}
            (Security::ApiKey, 9300 | 9400) => finding(
                "error",
                field,
                format!("port {port} is the transport port; the API-key model connects to the remote_cluster_server port, 9443 by default"),
            ),
            (Security::Certificate, 9443) => finding(
                "error",
                field,
                "port 9443 is the remote_cluster_server port of the API-key model; the certificate model connects to the transport port (9300, or 9400 on Elastic Cloud)".to_owned(),
            ),
            (Security::ApiKey, _) => finding(
                "warning",
                field,
                format!("port {port}: the API-key model usually connects to 9443 (remote_cluster.port)"),
            ),
            (Security::Certificate, _) => finding(
                "warning",
                field,
                format!("port {port}: the certificate model usually connects to 9300 (9400 on Elastic Cloud)"),
            ),
        }
    }
    let prefix = format!("cluster.remote.{alias}");
    let mut settings = Vec::new();
    match remote.mode {
        Mode::Sniff => {
            settings.push((format!("{prefix}.mode"), json!("sniff")));
            settings.push((format!("{prefix}.seeds"), json!(remote.addresses)));
        }
        Mode::Proxy => {
            settings.push((format!("{prefix}.mode"), json!("proxy")));
            settings.push((
                format!("{prefix}.proxy_address"),
                json!(remote.addresses.first().cloned().unwrap_or_default()),
            ));
        }
    }
    settings.push((
        format!("{prefix}.skip_unavailable"),
        json!(remote.skip_unavailable),
    ));
    let keystore = match remote.security {
        Security::ApiKey => vec![format!(
            "bin/elasticsearch-keystore add {prefix}.credentials   # paste the key's [encoded] value; reload with POST _nodes/reload_secure_settings"
        )],
        Security::Certificate => Vec::new(),
    };
    RemoteSetup {
        settings,
        keystore,
        findings,
    }
}

#[cfg(test)]
mod tests;
