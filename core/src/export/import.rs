//! Reading an existing cluster's files back into a [`Bundle`]: an `elasticsearch.yml`,
//! optionally its keystore values (flat YAML, as `secure-settings.yml`), role mappings as
//! `GET /_security/role_mapping` returns them and roles as `GET /_security/role` returns them.
//!
//! Import merges into the deployment's current bundle (`base`): every realm, remote cluster,
//! role mapping and role the files name is created or replaced; the ones they do not name are
//! left as they are. Nothing is dropped: a setting the console does not model (an unknown
//! realm setting, another realm type's keystore setting, any other node setting) is kept
//! verbatim and written back on export.
//!
//! Decisions on points the reference leaves open:
//! - Absent deployment settings take Elasticsearch's defaults: `xpack.security.enabled`
//!   true, `xpack.security.transport.ssl.enabled` false, `verification_mode` full. Hosted
//!   deployments (ECE, Elastic Cloud) manage transport TLS themselves, so their transport
//!   settings are kept as unmodelled settings and the stored transport model is untouched.
//! - A realm holding only `enabled: true` (what export writes for a realm without settings)
//!   reads back as a realm without settings.
//! - A remote cluster new to the console uses the API-key model when the keystore holds its
//!   `credentials` or an address uses port 9443, the certificate model otherwise. What the
//!   files cannot say (the cross-cluster API key request, the managed remote deployment, the
//!   signing certificate's PEM) is kept from the existing remote.
//! - Signing paths equal to the transport key and certificate mean "reuse the transport
//!   certificate", unless the existing remote signs with a dedicated certificate; the default
//!   paths `remote-signing/<alias>.crt|key` read back as "not set".
//! - `cluster.remote.signing.certificate_authorities` and `….truststore.path` are the
//!   deployment's signing trust; so a remote cluster cannot be aliased `signing` for those two
//!   keys (Elasticsearch has the same ambiguity).
//! - Reserved roles (`metadata._reserved: true`) from `GET /_security/role` are skipped: they
//!   are built in. `transient_metadata` is Elasticsearch's output only and is dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Bundle, remote_settings};
use crate::config::typed_settings;
use crate::cross_cluster::{Mode, RemoteCluster, Security};
use crate::diagnostic::DeploymentKind;
use crate::jwt::catalog;
use crate::jwt::realm::{REALM_TYPES, REALMS_PREFIX};
use crate::resource::realm_config::RealmConfig;
use crate::resource::{self, ResourceKind, check_name};
use crate::trust::deployment::VerificationMode;
use crate::trust::remote::{self, RemoteConfig, Signing, SigningMode};

/// The files an import reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportInput {
    /// `elasticsearch.yml`.
    pub yml: String,
    /// Keystore values as flat YAML `key: value`.
    #[serde(default)]
    pub secure_settings: Option<String>,
    /// `GET /_security/role_mapping` output.
    #[serde(default)]
    pub role_mappings: Option<String>,
    /// `GET /_security/role` output.
    #[serde(default)]
    pub roles: Option<String>,
    /// Files the yml names by path (PKC JWK sets, signing certificates and keys).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

/// What an import does to one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New to the console.
    Create,
    /// Replaces what the console has.
    Update,
    /// Same as what the console has.
    Unchanged,
}

/// What one line of the import preview is about (serialized as the noun it shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangedResource {
    /// The deployment's own settings.
    #[serde(rename = "deployment")]
    Deployment,
    /// A realm.
    #[serde(rename = "realm")]
    Realm,
    /// A remote cluster.
    #[serde(rename = "remote cluster")]
    RemoteCluster,
    /// A role mapping.
    #[serde(rename = "role mapping")]
    RoleMapping,
    /// A role.
    #[serde(rename = "role")]
    Role,
    /// A keystore value.
    #[serde(rename = "keystore setting")]
    KeystoreSetting,
    /// A setting the console does not model, kept for the export.
    #[serde(rename = "kept setting")]
    KeptSetting,
}

impl ChangedResource {
    /// The noun the preview shows (`role mapping`).
    pub const fn noun(self) -> &'static str {
        match self {
            Self::Deployment => "deployment",
            Self::Realm => "realm",
            Self::RemoteCluster => "remote cluster",
            Self::RoleMapping => "role mapping",
            Self::Role => "role",
            Self::KeystoreSetting => "keystore setting",
            Self::KeptSetting => "kept setting",
        }
    }
}

/// One line of the import preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What it is about.
    pub resource: ChangedResource,
    /// Its name (or setting key).
    pub name: String,
    /// Create, update or unchanged.
    pub kind: ChangeKind,
}

/// Why an import cannot be applied: which file, where, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// The file (`elasticsearch.yml`, `role_mappings.json`, …).
    pub file: String,
    /// The key or resource name in it (empty for the whole file).
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{} [{}]: {}", self.file, self.at, self.message)
        }
    }
}

/// A successful read: the merged bundle and what changes against the base.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// The base with the files applied.
    pub bundle: Bundle,
    /// Per resource: create, update or unchanged (deployment first, then by resource).
    pub changes: Vec<Change>,
    /// Keys of the settings kept without a model (non-secure and secure).
    pub kept: Vec<String>,
    /// Warnings that do not stop the import (a JWK set file not supplied, …).
    pub notes: Vec<String>,
}

const YML_FILE: &str = "elasticsearch.yml";
const SECURE_FILE: &str = "secure settings";
const MAPPINGS_FILE: &str = "role mappings";
const ROLES_FILE: &str = "roles";

fn problem(file: &str, at: &str, message: impl Into<String>) -> ImportProblem {
    ImportProblem {
        file: file.to_owned(),
        at: at.to_owned(),
        message: message.into(),
    }
}

/// Reads `input` and merges it into `base`.
///
/// # Errors
/// Every problem found (a file that is not YAML or JSON, a realm, role mapping or role that
/// fails the console's checks, a keystore value that is not a string), so that the admin can
/// fix them all at once; nothing is applied then.
pub fn import(input: &ImportInput, base: &Bundle) -> Result<Imported, Vec<ImportProblem>> {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let settings = typed_settings(&input.yml).unwrap_or_else(|e| {
        problems.push(problem(YML_FILE, "", e.to_string()));
        BTreeMap::new()
    });
    let secure = read_secure(input.secure_settings.as_deref(), &mut problems);
    let mut bundle = base.clone();
    let mut rest = settings;

    read_deployment(&mut rest, &mut bundle);
    let realms = read_realms(&mut rest, &secure, input, base, &mut problems, &mut notes);
    let remotes = read_remotes(&mut rest, &secure, input, &bundle, &mut notes);
    for realm in realms {
        bundle.realms.retain(|r| r.name != realm.name);
        bundle.realms.push(realm);
    }
    bundle.realms.sort_by(|a, b| a.name.cmp(&b.name));
    for config in remotes {
        bundle
            .remotes
            .retain(|r| r.remote.alias != config.remote.alias);
        bundle.remotes.push(config);
    }
    bundle
        .remotes
        .sort_by(|a, b| a.remote.alias.cmp(&b.remote.alias));
    for (key, value) in &secure {
        bundle.secrets.insert(key.clone(), value.clone());
    }
    for (alias, key) in signing_keys(input, &bundle) {
        bundle.signing_keys.insert(alias, key);
    }
    if let Some(text) = &input.role_mappings {
        for (name, body) in read_api_listing(MAPPINGS_FILE, text, &mut problems) {
            let body = strip(body, &[]);
            match resource::parse_role_mapping(&name, &body) {
                Ok(_) => {
                    bundle.role_mappings.insert(name, body);
                }
                Err(e) => problems.push(problem(
                    MAPPINGS_FILE,
                    &name,
                    format!("{}: {}", e.field, e.message),
                )),
            }
        }
    }
    if let Some(text) = &input.roles {
        for (name, body) in read_api_listing(ROLES_FILE, text, &mut problems) {
            if body.pointer("/metadata/_reserved") == Some(&Value::Bool(true)) {
                continue;
            }
            let body = strip(body, &["transient_metadata"]);
            match resource::check_role(&name, &body) {
                Ok(()) => {
                    bundle.roles.insert(name, body);
                }
                Err(e) => problems.push(problem(
                    ROLES_FILE,
                    &name,
                    format!("{}: {}", e.field, e.message),
                )),
            }
        }
    }
    bundle.other_settings.extend(rest);
    if !problems.is_empty() {
        return Err(problems);
    }
    let kept = kept_keys(&bundle);
    Ok(Imported {
        changes: changes(base, &bundle),
        bundle,
        kept,
        notes,
    })
}

/// The keys of a bundle's settings that no model holds: kept non-secure settings and the
/// keystore values that belong to no realm or remote cluster.
pub fn kept_keys(bundle: &Bundle) -> Vec<String> {
    let mut kept: Vec<String> = bundle.other_settings.keys().cloned().collect();
    kept.extend(
        bundle
            .secrets
            .keys()
            .filter(|key| owner_of_secret(bundle, key).is_none())
            .cloned(),
    );
    kept.sort();
    kept
}

/// Which modelled resource a keystore key belongs to: `(kind, name, setting)` for a jwt
/// realm's secure setting or a remote's `credentials`; `None` for a kept keystore value.
pub fn owner_of_secret(bundle: &Bundle, key: &str) -> Option<(ResourceKind, String, String)> {
    for realm in &bundle.realms {
        if let Some(setting) = key.strip_prefix(&format!("{}.", realm.prefix()))
            && realm.kind == "jwt"
            && catalog::is_secure(setting)
        {
            return Some((ResourceKind::Realm, realm.name.clone(), setting.to_owned()));
        }
    }
    let rest = key.strip_prefix("cluster.remote.")?;
    [remote::CREDENTIALS, remote::SIGNING_KEYSTORE_PASSWORD]
        .into_iter()
        .find_map(|secret| {
            let alias = rest.strip_suffix(&format!(".{}", remote::secret_setting(secret)?))?;
            bundle
                .remotes
                .iter()
                .any(|r| r.remote.alias == alias)
                .then(|| {
                    (
                        ResourceKind::RemoteCluster,
                        alias.to_owned(),
                        secret.to_owned(),
                    )
                })
        })
}

fn read_secure(text: Option<&str>, problems: &mut Vec<ImportProblem>) -> BTreeMap<String, String> {
    let Some(text) = text else {
        return BTreeMap::new();
    };
    match typed_settings(text) {
        Ok(map) => map
            .into_iter()
            .filter_map(|(key, value)| match value {
                Value::String(s) if !s.is_empty() => Some((key, s)),
                Value::Number(_) | Value::Bool(_) => Some((key, value.to_string())),
                _ => {
                    problems.push(problem(
                        SECURE_FILE,
                        &key,
                        "a keystore value must be one non-empty string",
                    ));
                    None
                }
            })
            .collect(),
        Err(e) => {
            problems.push(problem(SECURE_FILE, "", e.to_string()));
            BTreeMap::new()
        }
    }
}

fn take(rest: &mut BTreeMap<String, Value>, key: &str) -> Option<Value> {
    rest.remove(key)
}

fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

fn list_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text_of).collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        other => vec![text_of(other)],
    }
}

fn bool_of(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// A boolean setting taken out of `rest`; a value that is not a boolean stays there.
fn take_bool(rest: &mut BTreeMap<String, Value>, key: &str, default: bool) -> bool {
    match rest.get(key).and_then(bool_of) {
        Some(b) => {
            rest.remove(key);
            b
        }
        None => default,
    }
}

/// Takes the deployment's modelled settings out of `rest` into `bundle.deployment`. A value
/// of the wrong shape stays in `rest` (kept, and linted by Elasticsearch's rules on export).
fn read_deployment(rest: &mut BTreeMap<String, Value>, bundle: &mut Bundle) {
    let deployment = &mut bundle.deployment;
    deployment.security_enabled = take_bool(rest, "xpack.security.enabled", true);
    deployment.run_as_enabled = take_bool(rest, crate::jwt::realm::RUN_AS_ENABLED, true);
    if deployment.kind == DeploymentKind::SelfManaged {
        let prefix = "xpack.security.transport.ssl";
        let ssl = &mut deployment.transport_ssl;
        ssl.enabled = take_bool(rest, &format!("{prefix}.enabled"), false);
        let mode_key = format!("{prefix}.verification_mode");
        ssl.verification_mode = match rest.get(&mode_key).and_then(Value::as_str) {
            Some(m @ ("full" | "certificate" | "none")) => {
                let mode = match m {
                    "certificate" => VerificationMode::Certificate,
                    "none" => VerificationMode::None,
                    _ => VerificationMode::Full,
                };
                rest.remove(&mode_key);
                mode
            }
            _ => VerificationMode::Full,
        };
        ssl.key = take(rest, &format!("{prefix}.key")).map(|v| text_of(&v));
        ssl.certificate = take(rest, &format!("{prefix}.certificate")).map(|v| text_of(&v));
        ssl.certificate_authorities = take(rest, &format!("{prefix}.certificate_authorities"))
            .map(|v| list_of(&v))
            .unwrap_or_default();
    }
    let mode_of = |value: Option<&Value>| match value.and_then(Value::as_str) {
        Some("certificate") => Some(VerificationMode::Certificate),
        Some("none") => Some(VerificationMode::None),
        Some("full") => Some(VerificationMode::Full),
        _ => None,
    };
    let rc = &mut deployment.remote_cluster;
    if deployment.kind == DeploymentKind::SelfManaged {
        rc.server_enabled = take_bool(rest, "remote_cluster_server.enabled", false);
        let server = "xpack.security.remote_cluster_server.ssl";
        rc.server_ssl = take_bool(rest, &format!("{server}.enabled"), true);
        rc.server_key = take(rest, &format!("{server}.key")).map(|v| text_of(&v));
        rc.server_certificate = take(rest, &format!("{server}.certificate")).map(|v| text_of(&v));
    }
    let client = "xpack.security.remote_cluster_client.ssl";
    rc.client_ssl = take_bool(rest, &format!("{client}.enabled"), true);
    let client_mode = format!("{client}.verification_mode");
    if let Some(mode) = mode_of(rest.get(&client_mode)) {
        rest.remove(&client_mode);
        rc.client_verification_mode = mode;
    }
    rc.client_certificate_authorities = take(rest, &format!("{client}.certificate_authorities"))
        .map(|v| list_of(&v))
        .unwrap_or_default();
    let signing = &mut deployment.remote_signing;
    signing.certificate_authorities = take(rest, "cluster.remote.signing.certificate_authorities")
        .map(|v| list_of(&v))
        .unwrap_or_default();
    signing.truststore_path =
        take(rest, "cluster.remote.signing.truststore.path").map(|v| text_of(&v));
}

/// Groups `xpack.security.authc.realms.<type>.<name>.*` into realms.
fn read_realms(
    rest: &mut BTreeMap<String, Value>,
    secure: &BTreeMap<String, String>,
    input: &ImportInput,
    base: &Bundle,
    problems: &mut Vec<ImportProblem>,
    notes: &mut Vec<String>,
) -> Vec<RealmConfig> {
    let mut grouped: BTreeMap<(String, String), Vec<(String, Value)>> = BTreeMap::new();
    let prefix = format!("{REALMS_PREFIX}.");
    let keys: Vec<String> = rest
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .cloned()
        .collect();
    for key in keys {
        let parts: Vec<&str> = key[prefix.len()..].splitn(3, '.').collect();
        let [kind, name, setting] = parts[..] else {
            continue;
        };
        if !REALM_TYPES.contains(&kind) || check_name(ResourceKind::Realm, name).is_err() {
            continue;
        }
        let (kind, name, setting) = (kind.to_owned(), name.to_owned(), setting.to_owned());
        let modelled =
            kind != "jwt" || (catalog::is_known(&setting) && !catalog::is_secure(&setting));
        if modelled && let Some(value) = rest.remove(&key) {
            grouped
                .entry((kind, name))
                .or_default()
                .push((setting, value));
        } else {
            grouped.entry((kind, name)).or_default();
        }
    }
    // A realm only in the keystore file still exists.
    for key in secure.keys() {
        if let Some(parts) = key
            .strip_prefix(&prefix)
            .map(|r| r.splitn(3, '.').collect::<Vec<_>>())
            && let [kind, name, _] = parts[..]
            && kind == "jwt"
            && check_name(ResourceKind::Realm, name).is_ok()
        {
            grouped
                .entry((kind.to_owned(), name.to_owned()))
                .or_default();
        }
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for ((kind, name), settings) in grouped {
        if let Some(other) = seen.insert(name.clone(), kind.clone()) {
            problems.push(problem(
                YML_FILE,
                &format!("{REALMS_PREFIX}.{kind}.{name}"),
                format!("Found multiple realms configured with the same name: {name} ({other}/{name}, {kind}/{name})"),
            ));
            continue;
        }
        let mut map: Map<String, Value> = settings.into_iter().collect();
        if map.len() == 1 && map.get("enabled") == Some(&Value::Bool(true)) {
            map.clear();
        }
        let mut body = json!({"type": kind, "settings": map});
        if let Some(path) = map.get("pkc_jwkset_path").map(text_of)
            && !path.starts_with("https://")
            && !path.starts_with("http://")
        {
            let previous = base
                .realms
                .iter()
                .find(|r| {
                    r.name == name && r.text("pkc_jwkset_path").as_deref() == Some(path.as_str())
                })
                .and_then(|r| r.pkc_jwkset.clone());
            match input.files.get(&path).cloned().or(previous) {
                Some(jwks) => body["pkc_jwkset"] = Value::String(jwks),
                None => notes.push(format!(
                    "realm [{name}] reads its JWK set from [{path}], which was not uploaded: the console cannot check its keys until you paste the set"
                )),
            }
        }
        match RealmConfig::parse(&name, &body) {
            Ok(update) => out.push(update.config),
            Err(e) => problems.push(problem(
                YML_FILE,
                &format!("{REALMS_PREFIX}.{kind}.{name}"),
                format!("{}: {}", e.field, e.message),
            )),
        }
    }
    out
}

/// The remote clusters `cluster.remote.<alias>.*` configure.
fn read_remotes(
    rest: &mut BTreeMap<String, Value>,
    secure: &BTreeMap<String, String>,
    input: &ImportInput,
    bundle: &Bundle,
    notes: &mut Vec<String>,
) -> Vec<RemoteConfig> {
    let aliases: BTreeSet<String> = rest
        .keys()
        .filter_map(|k| {
            let rest = k.strip_prefix("cluster.remote.")?;
            let (alias, setting) = rest.split_once('.')?;
            matches!(setting, "mode" | "seeds" | "proxy_address").then(|| alias.to_owned())
        })
        .filter(|alias| remote::check_alias(alias).is_ok())
        .collect();
    let mut out = Vec::new();
    for alias in aliases {
        let prefix = format!("cluster.remote.{alias}");
        let existing = bundle.remotes.iter().find(|r| r.remote.alias == alias);
        let mode = match rest.get(&format!("{prefix}.mode")).and_then(Value::as_str) {
            Some("proxy") => Mode::Proxy,
            Some("sniff") => Mode::Sniff,
            Some(_) => continue,
            // Elasticsearch's default mode is sniff.
            None if rest.contains_key(&format!("{prefix}.seeds")) => Mode::Sniff,
            None => Mode::Proxy,
        };
        rest.remove(&format!("{prefix}.mode"));
        let addresses = match mode {
            Mode::Sniff => rest.remove(&format!("{prefix}.seeds")).map(|v| list_of(&v)),
            Mode::Proxy => rest
                .remove(&format!("{prefix}.proxy_address"))
                .map(|v| vec![text_of(&v)]),
        }
        .unwrap_or_default();
        let skip_key = format!("{prefix}.skip_unavailable");
        // Absent stays absent: Elasticsearch's default depends on the version.
        let skip_unavailable = rest.get(&skip_key).and_then(bool_of);
        if skip_unavailable.is_some() {
            rest.remove(&skip_key);
        }
        let server_name = match mode {
            Mode::Proxy => rest
                .remove(&format!("{prefix}.server_name"))
                .map(|v| text_of(&v)),
            Mode::Sniff => None,
        };
        let credentials = secure.contains_key(&format!("{prefix}.{}", remote::CREDENTIALS))
            || bundle
                .secrets
                .contains_key(&format!("{prefix}.{}", remote::CREDENTIALS));
        let security = existing.map_or_else(
            || {
                if credentials || addresses.iter().any(|a| a.ends_with(":9443")) {
                    Security::ApiKey
                } else {
                    Security::Certificate
                }
            },
            |r| r.remote.security,
        );
        let signing = match read_keystore_signing(rest, &prefix, existing, notes) {
            Some(signing) => signing,
            None => {
                let cert_path = rest
                    .remove(&format!("{prefix}.signing.certificate"))
                    .map(|v| text_of(&v));
                let key_path = rest
                    .remove(&format!("{prefix}.signing.key"))
                    .map(|v| text_of(&v));
                read_signing(
                    &alias, cert_path, key_path, existing, input, bundle, rest, &prefix,
                )
            }
        };
        if security == Security::ApiKey && !credentials {
            notes.push(format!(
                "remote cluster [{alias}] uses the API-key model but no [{prefix}.credentials] keystore value was imported"
            ));
        }
        out.push(RemoteConfig {
            remote: RemoteCluster {
                alias: alias.clone(),
                security,
                mode,
                addresses,
                skip_unavailable,
            },
            server_name,
            remote_deployment: existing.and_then(|r| r.remote_deployment.clone()),
            api_key: existing.and_then(|r| r.api_key.clone()),
            signing,
        });
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn read_signing(
    alias: &str,
    cert_path: Option<String>,
    key_path: Option<String>,
    existing: Option<&RemoteConfig>,
    input: &ImportInput,
    bundle: &Bundle,
    rest: &mut BTreeMap<String, Value>,
    prefix: &str,
) -> Signing {
    let kept_certificate = existing
        .map(|r| r.signing.certificate.clone())
        .unwrap_or_default();
    let (Some(cert_path), Some(key_path)) = (cert_path.clone(), key_path.clone()) else {
        // Half a signing configuration is not a mode the console models: keep it as is.
        if let Some(path) = cert_path {
            rest.insert(format!("{prefix}.signing.certificate"), Value::String(path));
        }
        if let Some(path) = key_path {
            rest.insert(format!("{prefix}.signing.key"), Value::String(path));
        }
        return Signing {
            certificate: kept_certificate,
            ..Signing::default()
        };
    };
    let ssl = &bundle.deployment.transport_ssl;
    let was_pem = existing.is_some_and(|r| r.signing.mode == SigningMode::Pem);
    if !was_pem
        && ssl.certificate.as_deref() == Some(cert_path.as_str())
        && ssl.key.as_deref() == Some(key_path.as_str())
    {
        return Signing {
            mode: SigningMode::Transport,
            certificate: kept_certificate,
            ..Signing::default()
        };
    }
    let certificate = input
        .files
        .get(&cert_path)
        .cloned()
        .unwrap_or(kept_certificate);
    let default_cert = format!("remote-signing/{alias}.crt");
    let default_key = format!("remote-signing/{alias}.key");
    Signing {
        mode: SigningMode::Pem,
        certificate,
        certificate_path: (cert_path != default_cert).then_some(cert_path),
        key_path: (key_path != default_key).then_some(key_path),
        ..Signing::default()
    }
}

/// Keystore signing (`signing.keystore.path`, `.type`, `.alias`), when the yml has it and no
/// PEM key: `SslConfigurationLoader` refuses both (kept as they are, with a problem).
fn read_keystore_signing(
    rest: &mut BTreeMap<String, Value>,
    prefix: &str,
    existing: Option<&RemoteConfig>,
    notes: &mut Vec<String>,
) -> Option<Signing> {
    let path_key = format!("{prefix}.signing.keystore.path");
    rest.get(&path_key)?;
    if rest.contains_key(&format!("{prefix}.signing.key")) {
        notes.push(format!(
            "[{prefix}]: cannot specify both [signing.key] and [signing.keystore.path] (SslConfigurationLoader); both are kept as they are"
        ));
        return None;
    }
    let mut take_text = |suffix: &str| {
        rest.remove(&format!("{prefix}.signing.keystore.{suffix}"))
            .map(|v| text_of(&v))
    };
    let keystore_path = take_text("path");
    let keystore_type = take_text("type");
    let keystore_alias = take_text("alias");
    Some(Signing {
        mode: SigningMode::Keystore,
        certificate: existing
            .map(|r| r.signing.certificate.clone())
            .unwrap_or_default(),
        keystore_path,
        keystore_type,
        keystore_alias,
        keystore_entries: existing
            .map(|r| r.signing.keystore_entries.clone())
            .unwrap_or_default(),
        ..Signing::default()
    })
}

/// Signing keys (PEM) uploaded at the paths the remotes' `signing.key` settings name.
fn signing_keys(input: &ImportInput, bundle: &Bundle) -> Vec<(String, String)> {
    bundle
        .remotes
        .iter()
        .filter(|r| r.signing.mode == SigningMode::Pem)
        .filter_map(|config| {
            let settings = remote_settings(&bundle.name, &bundle.deployment, config);
            let path = settings
                .iter()
                .find(|(k, _)| k.ends_with(".signing.key"))
                .and_then(|(_, v)| v.as_str())?;
            let key = input.files.get(path)?;
            Some((config.remote.alias.clone(), key.clone()))
        })
        .collect()
}

/// `{name: body}` as the listing APIs return it.
fn read_api_listing(
    file: &str,
    text: &str,
    problems: &mut Vec<ImportProblem>,
) -> Vec<(String, Value)> {
    match crate::xcontent::parse_json(text) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        Ok(_) => {
            problems.push(problem(
                file,
                "",
                "expected a JSON object of names to bodies, as the GET API returns it",
            ));
            Vec::new()
        }
        Err(e) if e.starts_with("Duplicate field") => {
            problems.push(problem(file, "", e));
            Vec::new()
        }
        Err(e) => {
            problems.push(problem(file, "", format!("not JSON: {e}")));
            Vec::new()
        }
    }
}

fn strip(mut body: Value, fields: &[&str]) -> Value {
    if let Value::Object(map) = &mut body {
        for field in fields {
            map.remove(*field);
        }
    }
    body
}

/// Create / update / unchanged for every resource `after` holds that differs from or is
/// new against `before`, plus the deployment.
pub fn changes(before: &Bundle, after: &Bundle) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |resource: ChangedResource, name: &str, old: Option<bool>| {
        let kind = match old {
            None => ChangeKind::Create,
            Some(true) => ChangeKind::Unchanged,
            Some(false) => ChangeKind::Update,
        };
        out.push(Change {
            resource,
            name: name.to_owned(),
            kind,
        });
    };
    push(
        ChangedResource::Deployment,
        &after.name,
        Some(before.deployment == after.deployment),
    );
    for realm in &after.realms {
        let old = before.realms.iter().find(|r| r.name == realm.name);
        push(ChangedResource::Realm, &realm.name, old.map(|r| r == realm));
    }
    for config in &after.remotes {
        let old = before
            .remotes
            .iter()
            .find(|r| r.remote.alias == config.remote.alias);
        push(
            ChangedResource::RemoteCluster,
            &config.remote.alias,
            old.map(|r| r == config),
        );
    }
    for (name, body) in &after.role_mappings {
        push(
            ChangedResource::RoleMapping,
            name,
            before.role_mappings.get(name).map(|b| b == body),
        );
    }
    for (name, body) in &after.roles {
        push(
            ChangedResource::Role,
            name,
            before.roles.get(name).map(|b| b == body),
        );
    }
    for (key, value) in &after.secrets {
        push(
            ChangedResource::KeystoreSetting,
            key,
            before.secrets.get(key).map(|b| b == value),
        );
    }
    for (key, value) in &after.other_settings {
        push(
            ChangedResource::KeptSetting,
            key,
            before.other_settings.get(key).map(|b| b == value),
        );
    }
    out
}
