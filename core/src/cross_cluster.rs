//! Remote clusters on the API-key model (spec §5): the body of
//! `POST /_security/cross_cluster/api_key` checked as Elasticsearch checks it, the role
//! descriptor it derives, and the settings and keystore entry the local cluster needs.
//!
//! Decisions on points the reference leaves open:
//! - `search` entries get `monitor_enrich` in the derived cluster privileges from 8.15 on
//!   (`CrossClusterApiKeyRoleDescriptorBuilder`, elasticsearch#108735).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::config::value::parse_time;
use crate::diagnostic::StackVersion;
use crate::patterns::PatternError;
use crate::patterns::java::JavaRegex;
use crate::xcontent;

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

/// The parser names Elasticsearch puts in front of its refusals.
const REQUEST: &str = "cross_cluster_api_key_request";
const ACCESS: &str = "cross_cluster_api_key_request_access";
/// `RoleDescriptor.parseIndexWithPredefinedPrivileges`' prefix for an access entry's errors.
const ENTRY: &str = "failed to parse indices privileges for role [cross_cluster]. ";

/// Checks a `POST /_security/cross_cluster/api_key` body in Elasticsearch's order: the body's
/// fields (`RestCreateCrossClusterApiKeyAction`'s parser), each access entry
/// (`RoleDescriptor.parseIndexWithPredefinedPrivileges`), the derived role
/// (`CrossClusterApiKeyRoleDescriptorBuilder.build`: search DLS/FLS before replication's), then
/// `AbstractCreateApiKeyRequest.validate` (name, metadata).
///
/// Elasticsearch stops at its first parse error; the console reports every one it finds, each
/// with Elasticsearch's text, so one paste shows all that needs fixing.
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
    const FIELDS: [&str; 5] = [
        "name",
        "access",
        "expiration",
        "metadata",
        "certificate_identity",
    ];
    for key in map.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        errors.push(err(
            key.clone(),
            xcontent::unknown_field(REQUEST, key, &FIELDS),
        ));
    }
    // `ConstructingObjectParser.finish`: the missing required fields in one message, on the
    // first of them.
    let missing: Vec<&str> = ["name", "access"]
        .into_iter()
        .filter(|f| !map.contains_key(*f))
        .collect();
    if let Some(first) = missing.first() {
        errors.push(err(*first, format!("Required [{}]", missing.join(", "))));
    }
    let name = match map.get("name") {
        None => None,
        Some(Value::String(name)) => Some(name),
        Some(other) => {
            errors.push(err("name", xcontent::wrong_type(REQUEST, "name", other)));
            None
        }
    };
    let mut warnings = Vec::new();
    let access = match map.get("access") {
        None => None,
        Some(Value::Object(access)) => {
            let before = errors.len();
            let read = read_access(access, &mut errors, &mut warnings);
            // Elasticsearch builds the role only from an access object that parsed.
            (errors.len() == before).then_some(read)
        }
        Some(other) => {
            errors.push(err(
                "access",
                xcontent::wrong_type(REQUEST, "access", other),
            ));
            None
        }
    };
    if let Some((search, replication)) = &access {
        build_problems(search, replication, version, &mut errors);
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
                xcontent::wrong_type(REQUEST, "expiration", expiration),
            )),
        }
    }
    if let Some(name) = name {
        for message in api_key_name_problems(name) {
            errors.push(err("name", message));
        }
    }
    if let Some(metadata) = map.get("metadata").filter(|v| !v.is_null()) {
        match metadata.as_object() {
            Some(m) => {
                // `MetadataUtils.containsReservedMetadata`: one message for any reserved key.
                if m.keys().any(|k| k.starts_with('_')) {
                    errors.push(err(
                        "metadata",
                        "API key metadata keys may not start with [_]",
                    ));
                }
            }
            None => errors.push(err(
                "metadata",
                xcontent::wrong_type(REQUEST, "metadata", metadata),
            )),
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
                xcontent::wrong_type(REQUEST, "certificate_identity", identity),
            )),
        }
    }
    match (errors.is_empty(), access) {
        (true, Some((search, replication))) => Ok(CrossClusterKey {
            body: body.clone(),
            role_descriptor: derived_role(&search, &replication, version),
            warnings,
        }),
        _ => Err(errors),
    }
}

/// `CrossClusterApiKeyRoleDescriptorBuilder.build`'s refusals, in its order.
fn build_problems(
    search: &[IndexEntry],
    replication: &[IndexEntry],
    version: StackVersion,
    errors: &mut Vec<BodyError>,
) {
    if search.is_empty() && replication.is_empty() {
        errors.push(err(
            "access",
            "must specify non-empty access for either [search] or [replication]",
        ));
        return;
    }
    // Pre-GA keys (before 8.14) allowed DLS/FLS on search next to replication
    // (`checkForInvalidLegacyRoleDescriptors`).
    if !replication.is_empty() && version >= StackVersion::new(8, 14) {
        for (i, entry) in search.iter().enumerate() {
            if entry.is_dls_or_fls() {
                errors.push(err(
                    format!("access.search[{i}]"),
                    "search does not support document or field level security if replication is assigned",
                ));
            }
        }
    }
    for (i, entry) in replication.iter().enumerate() {
        if entry.is_dls_or_fls() {
            errors.push(err(
                format!("access.replication[{i}]"),
                "replication does not support document or field level security",
            ));
        }
    }
}

/// One `search` or `replication` entry as `RoleDescriptor.IndicesPrivileges` holds it.
#[derive(Clone, Debug, Default, PartialEq)]
struct IndexEntry {
    names: Vec<String>,
    /// `null` and `""` leave no query.
    query: Option<Value>,
    granted: Option<Vec<String>>,
    denied: Option<Vec<String>>,
    allow_restricted_indices: bool,
}

impl IndexEntry {
    /// `IndicesPrivileges.isUsingDocumentOrFieldLevelSecurity`: a query, denied fields, or
    /// granted fields other than exactly `["*"]` ("what the UI defaults to").
    fn is_dls_or_fls(&self) -> bool {
        let granted = self
            .granted
            .as_ref()
            .is_some_and(|g| !(g.len() == 1 && g[0] == "*"));
        let denied = self.denied.as_ref().is_some_and(|d| !d.is_empty());
        self.query.is_some() || granted || denied
    }
}

/// Reads `access` as `CrossClusterApiKeyRoleDescriptorBuilder.PARSER` does: `search` and
/// `replication` are object arrays (a single object counts as an array of one; `null` is a
/// type error), nothing else is allowed.
fn read_access(
    access: &Map<String, Value>,
    errors: &mut Vec<BodyError>,
    warnings: &mut Vec<String>,
) -> (Vec<IndexEntry>, Vec<IndexEntry>) {
    for key in access.keys() {
        if !matches!(key.as_str(), "search" | "replication") {
            errors.push(err(
                format!("access.{key}"),
                xcontent::unknown_field(ACCESS, key, &["search", "replication"]),
            ));
        }
    }
    let mut read = |kind: &str| -> Vec<IndexEntry> {
        let items = match access.get(kind) {
            None => return Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            Some(other) => {
                errors.push(err(
                    format!("access.{kind}"),
                    xcontent::wrong_type(ACCESS, kind, other),
                ));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("access.{kind}[{i}]");
            match read_entry(kind, item) {
                Ok(entry) => {
                    for name in entry.names.iter().filter(|n| *n == "*" || *n == "*:*") {
                        warnings.push(format!(
                            "{path}: [{name}] gives the remote cluster's callers every index"
                        ));
                    }
                    out.push(entry);
                }
                Err((field, message)) => errors.push(err(
                    if field.is_empty() {
                        path
                    } else {
                        format!("{path}.{field}")
                    },
                    message,
                )),
            }
        }
        out
    };
    let search = read("search");
    let replication = read("replication");
    (search, replication)
}

/// One access entry, as `RoleDescriptor.parseIndexWithPredefinedPrivileges` reads it; the first
/// problem wins, on the field at fault (empty for the entry itself).
fn read_entry(kind: &str, item: &Value) -> Result<IndexEntry, (String, String)> {
    let fail = |field: &str, message: String| Err((field.to_owned(), format!("{ENTRY}{message}")));
    let Value::Object(map) = item else {
        return fail(
            "",
            format!(
                "expected field [{kind}] value to be an array of objects, but found an array element of type [{}]",
                xcontent::token(item)
            ),
        );
    };
    let mut entry = IndexEntry::default();
    let mut has_names = false;
    for (field, value) in map {
        match field.as_str() {
            "names" => {
                entry.names = match value {
                    Value::String(one) => vec![one.clone()],
                    Value::Array(_) => {
                        let names = string_array(field, value).map_err(|m| (field.clone(), m))?;
                        if names.is_empty() {
                            return fail(field, "[names] cannot be an empty array".to_owned());
                        }
                        names
                    }
                    other => {
                        return fail(
                            field,
                            format!(
                                "expected field [names] value to be a string or an array of strings, but found [{}] instead",
                                xcontent::token(other)
                            ),
                        );
                    }
                };
                has_names = true;
            }
            "allow_restricted_indices" => match value {
                Value::Bool(allow) => entry.allow_restricted_indices = *allow,
                other => {
                    return fail(
                        field,
                        format!(
                            "expected field [allow_restricted_indices] value to be a boolean, but found [{}] instead",
                            xcontent::token(other)
                        ),
                    );
                }
            },
            "query" => match value {
                Value::Object(_) => entry.query = Some(value.clone()),
                Value::String(text) if text.is_empty() => entry.query = None,
                Value::String(_) => entry.query = Some(value.clone()),
                Value::Null => entry.query = None,
                other => {
                    return fail(
                        field,
                        format!(
                            "expected field [query] value to be null, a string, an array, or an object, but found [{}] instead",
                            xcontent::token(other)
                        ),
                    );
                }
            },
            "field_security" => {
                read_field_security(value, &mut entry).map_err(|m| (field.clone(), m))?;
            }
            "privileges" => return fail(field, "field [privileges] must not present".to_owned()),
            "fields" => {
                return Err((
                    field.clone(),
                    "[\"fields\": [...]] format has changed for field permissions in role [cross_cluster], use [\"field_security\": {\"grant\":[...],\"except\":[...]}] instead".to_owned(),
                ));
            }
            // Transient metadata is read and dropped.
            "transient_metadata" if value.is_object() => {}
            "transient_metadata" => {
                return Err((
                    field.clone(),
                    format!(
                        "failed to parse transient metadata for role [cross_cluster]. expected START_OBJECT but got {} in \"transient_metadata\".",
                        xcontent::token(value)
                    ),
                ));
            }
            _ => return fail(field, format!("unexpected field [{field}]")),
        }
    }
    if !has_names {
        return fail("names", "missing required [names] field".to_owned());
    }
    if entry.denied.is_some() && entry.granted.is_none() {
        return fail(
            "field_security",
            "field_security requires grant if except is given".to_owned(),
        );
    }
    Ok(entry)
}

/// `field_security`: an object of `grant` and `except` string arrays, neither null, not empty.
fn read_field_security(value: &Value, entry: &mut IndexEntry) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "{ENTRY}expected START_OBJECT but got {} in \"field_security\".",
            xcontent::token(value)
        ));
    };
    if map.is_empty() {
        return Err(format!("{ENTRY}\"field_security\" must not be empty."));
    }
    for (key, value) in map {
        let slot = match key.as_str() {
            "grant" => &mut entry.granted,
            "except" => &mut entry.denied,
            other => {
                return Err(format!(
                    "{ENTRY}\"field_security\" only accepts options grant and except, but got: {other}"
                ));
            }
        };
        if value.is_null() {
            return Err(format!("{ENTRY}{key} must not be null."));
        }
        *slot = Some(string_array(key, value)?);
    }
    Ok(())
}

/// `XContentUtils.readStringArray`, wrapped by `RoleDescriptor.readStringArray` (its message
/// and its cause's, joined by a colon).
fn string_array(field: &str, value: &Value) -> Result<Vec<String>, String> {
    let wrap = |cause: String| {
        Err(format!(
            "failed to parse role [cross_cluster]: could not parse [{field}] field. {cause}"
        ))
    };
    let Value::Array(items) = value else {
        return wrap(format!(
            "expected a string array but found [{}] value instead",
            xcontent::token(value)
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => out.push(s.clone()),
            other => {
                return wrap(format!(
                    "expected a string array but one of the value in the array is [{}]",
                    xcontent::token(other)
                ));
            }
        }
    }
    Ok(out)
}

/// The `cross_cluster` role descriptor Elasticsearch builds from the access.
fn derived_role(search: &[IndexEntry], replication: &[IndexEntry], version: StackVersion) -> Value {
    let mut cluster = Vec::new();
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
    let index = |entry: &IndexEntry, privileges: &[&str]| {
        let mut index = json!({"names": entry.names, "privileges": privileges});
        if entry.granted.is_some() || entry.denied.is_some() {
            let mut fls = Map::new();
            if let Some(granted) = &entry.granted {
                fls.insert("grant".to_owned(), json!(granted));
            }
            if let Some(denied) = &entry.denied {
                fls.insert("except".to_owned(), json!(denied));
            }
            index["field_security"] = Value::Object(fls);
        }
        if let Some(query) = &entry.query {
            index["query"] = query.clone();
        }
        index["allow_restricted_indices"] = json!(entry.allow_restricted_indices);
        index
    };
    let indices: Vec<Value> = search
        .iter()
        .map(|e| index(e, &["read", "read_cross_cluster", "view_index_metadata"]))
        .chain(replication.iter().map(|e| {
            index(
                e,
                &[
                    "cross_cluster_replication",
                    "cross_cluster_replication_internal",
                ],
            )
        }))
        .collect();
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
    /// `skip_unavailable`; `None` leaves Elasticsearch's default, which depends on the
    /// version ([`skip_unavailable_default`]), so nothing is written.
    #[serde(default)]
    pub skip_unavailable: Option<bool>,
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

/// Why `alias` cannot name a remote cluster, if it cannot: Elasticsearch's alias characters,
/// and not `signing`, whose `cluster.remote.signing.*` keys are the node's global signing trust
/// (`certificate_authorities`, `truststore.*`) — a remote of that name would share their prefix.
pub fn alias_problem(alias: &str) -> Option<String> {
    if alias.is_empty()
        || alias.len() > 64
        || !alias
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Some(format!(
            "remote cluster alias [{alias}] must be 1 to 64 letters, digits, [-] and [_]"
        ));
    }
    (alias == "signing").then(|| {
        "remote cluster alias [signing] collides with cluster.remote.signing.*, the settings of the cluster's strong-identity signing trust: choose another alias".to_owned()
    })
}

/// `cluster.remote.<alias>.skip_unavailable` when not set: `true` from 8.15 (the 8.15 breaking
/// changes, elasticsearch#105792), `false` before.
pub fn skip_unavailable_default(version: StackVersion) -> bool {
    version >= StackVersion::new(8, 15)
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
    if let Some(problem) = alias_problem(alias) {
        finding("error", "alias".to_owned(), problem);
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
    if let Some(skip) = remote.skip_unavailable {
        settings.push((format!("{prefix}.skip_unavailable"), json!(skip)));
    }
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
