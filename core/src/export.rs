//! What a deployment's model becomes on the nodes and in the cluster, and back again.
//!
//! A [`Bundle`] is everything one deployment exports: the deployment's own settings, its
//! realms and their keystore values, remote clusters, role mappings, roles, native users, and
//! the settings the console does not model but keeps (imported from an existing
//! `elasticsearch.yml`). [`render`] turns it into the artifacts an admin applies; [`import`]
//! reads those artifacts (or an existing cluster's files) back into a bundle.
//!
//! Output is deterministic: the same bundle gives byte-identical files. The yml has one
//! header comment naming the console version, then flat dotted keys in Elasticsearch's
//! spelling — the deployment's security and transport TLS settings, the realms in chain order
//! (by `order`, then name; each realm's settings sorted by key), each remote cluster's
//! settings by alias, then the kept settings by key. Strings are written double-quoted with
//! JSON escapes (valid YAML that no YAML reader re-types: `"true"` stays a string), lists as
//! flow sequences.
//!
//! Decisions on points the reference leaves open:
//! - Static or dynamic: every realm and `xpack.security.*` setting is static (node scope,
//!   spec §1); `cluster.remote.*` settings are dynamic (spec §5.2). A kept setting the console
//!   does not know is tagged static, the safe assumption (a restart applies anything).
//! - Reloadable keystore settings: a JWT realm's `client_authentication.shared_secret`
//!   (spec §1) and `cluster.remote.<alias>.credentials` (spec §5.1); every other keystore
//!   setting takes effect at the next restart.
//! - A realm without any setting is written as `<prefix>.enabled: true` (its default, so that
//!   the realm appears in the file at all) and that lone default is read back as no setting.

pub mod diff;
pub mod import;
mod plan;
mod requests;
// Property and snapshot tests need proptest and insta, which are native-only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
pub mod zip;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use import::{ImportInput, Imported, import};
pub use plan::{PlanItem, PlanStep, Tag, apply_plan, tag_of};

use crate::diagnostic::{DeploymentKind, Diagnostic, Severity};
use crate::resource::realm_config::{self, RealmConfig, SecretValues};
use crate::trust::Deployment;
use crate::trust::remote::{self, RemoteConfig, RemoteContext};

/// A native user as exported: its body (without the password) and, when stored, the
/// password field (`password` or `password_hash`) with its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeUser {
    /// The user API body without the password.
    pub body: Value,
    /// `(field, value)` of the stored password, if any.
    pub password: Option<(String, String)>,
}

/// Everything one deployment exports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bundle {
    /// The deployment's name.
    pub name: String,
    /// The deployment.
    pub deployment: Deployment,
    /// Its realms.
    pub realms: Vec<RealmConfig>,
    /// Its remote clusters.
    pub remotes: Vec<RemoteConfig>,
    /// Role mappings by name (role-mapping API bodies).
    pub role_mappings: BTreeMap<String, Value>,
    /// Roles by name (role API bodies).
    pub roles: BTreeMap<String, Value>,
    /// Native users by name.
    pub users: BTreeMap<String, NativeUser>,
    /// Every keystore value, by full setting key (realm secrets, remote credentials and kept
    /// secure settings).
    pub secrets: BTreeMap<String, String>,
    /// Strong-identity signing keys (PEM) by remote alias; they go to files, not the keystore.
    pub signing_keys: BTreeMap<String, String>,
    /// Non-secure settings the console does not model, kept as imported, by key.
    pub other_settings: BTreeMap<String, Value>,
    /// The ECE/ECH deployment trust payload, when the caller built one (not imported).
    pub trust: Option<Value>,
}

/// One exported file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// File name inside the export (also the API's artifact name), e.g. `elasticsearch.yml`.
    pub file: String,
    /// Tab title.
    pub title: String,
    /// What it is for, one sentence.
    pub about: String,
    /// The content.
    pub content: String,
    /// Whether it holds secret values (only when revealed).
    pub secret: bool,
}

/// Whether secret values are written out or masked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Secrets {
    /// Placeholders only (what the browser sees without a reveal).
    #[default]
    Masked,
    /// The stored values (after the admin re-entered their password).
    Revealed,
}

/// The placeholder a masked secret value shows.
pub const MASKED: &str = "<hidden: reveal secrets to include the value>";

/// File names of the artifacts, in tab order.
pub const YML: &str = "elasticsearch.yml";
/// Keystore commands.
pub const KEYSTORE_SH: &str = "keystore.sh";
/// ECE/ECH keystore payload.
pub const KEYSTORE_JSON: &str = "keystore.json";
/// Secure settings as flat YAML (revealed only).
pub const SECURE_YML: &str = "secure-settings.yml";
/// Kibana Dev Tools requests.
pub const REQUESTS_CONSOLE: &str = "requests.console";
/// curl requests.
pub const REQUESTS_CURL: &str = "requests.sh";
/// Role mappings as `GET /_security/role_mapping` returns them.
pub const ROLE_MAPPINGS_JSON: &str = "role_mappings.json";
/// Roles as `GET /_security/role` returns them.
pub const ROLES_JSON: &str = "roles.json";
/// ECE/ECH trust payload.
pub const TRUST_JSON: &str = "trust.json";
/// The ordered apply plan.
pub const PLAN_MD: &str = "apply-plan.md";

/// A YAML scalar or flow sequence for a JSON setting value.
pub fn yaml_value(value: &Value) -> String {
    match value {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(yaml_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// Realms in chain order: by `order` (realms without one last), then by name.
pub fn chain_order(realms: &[RealmConfig]) -> Vec<&RealmConfig> {
    let mut sorted: Vec<&RealmConfig> = realms.iter().collect();
    sorted.sort_by(|a, b| {
        (a.order().is_none(), a.order(), &a.name).cmp(&(b.order().is_none(), b.order(), &b.name))
    });
    sorted
}

/// The `cluster.remote.<alias>.*` settings of one remote (non-secure).
pub fn remote_settings(
    name: &str,
    deployment: &Deployment,
    config: &RemoteConfig,
) -> Vec<(String, Value)> {
    let ctx = RemoteContext {
        local_name: name,
        local: deployment,
        remote: None,
        credentials_set: true,
        signing_key: None,
        keystore_password_set: true,
        now: 0,
    };
    remote::analyse(config, &ctx).local_settings
}

/// The non-secure settings of the bundle in file order: deployment, realms in chain order,
/// remotes by alias, kept settings by key.
pub fn yml_settings(bundle: &Bundle) -> Vec<(String, Value)> {
    let mut out = bundle.deployment.settings();
    for realm in chain_order(&bundle.realms) {
        let prefix = realm.prefix();
        if realm.settings.is_empty() {
            out.push((format!("{prefix}.enabled"), Value::Bool(true)));
        }
        for (key, value) in &realm.settings {
            out.push((format!("{prefix}.{key}"), value.clone()));
        }
    }
    let mut remotes: Vec<&RemoteConfig> = bundle.remotes.iter().collect();
    remotes.sort_by(|a, b| a.remote.alias.cmp(&b.remote.alias));
    for config in remotes {
        out.extend(remote_settings(&bundle.name, &bundle.deployment, config));
    }
    out.extend(
        bundle
            .other_settings
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    out
}

/// The `elasticsearch.yml` of the bundle (non-secure settings only).
pub fn elasticsearch_yml(bundle: &Bundle, console_version: &str) -> String {
    let mut out = format!(
        "# elasticsearch.yml for deployment [{}], generated by trust-console {console_version} (non-secure settings only; keystore settings are added with elasticsearch-keystore)\n",
        bundle.name
    );
    for (key, value) in yml_settings(bundle) {
        out.push_str(&key);
        out.push_str(": ");
        out.push_str(&yaml_value(&value));
        out.push('\n');
    }
    out
}

/// Every keystore key of the bundle, sorted.
pub fn keystore_keys(bundle: &Bundle) -> Vec<&str> {
    bundle.secrets.keys().map(String::as_str).collect()
}

/// `bin/elasticsearch-keystore add` commands for every keystore setting, in key order.
/// Values are fed on standard input (`--stdin`), never as arguments, so that they stay out of
/// shell history and process lists.
pub fn keystore_commands(bundle: &Bundle) -> String {
    let mut out = format!(
        "#!/bin/sh\n# Keystore settings of deployment [{}]: run on every node, before elasticsearch.yml changes.\n# Each command reads its value on standard input (paste it, then Ctrl-D); values are never arguments.\nset -e\n",
        bundle.name
    );
    for key in keystore_keys(bundle) {
        out.push_str(&format!("bin/elasticsearch-keystore add --stdin {key}\n"));
    }
    out
}

/// The ECE/ECH keystore payload: `{"secrets": {key: {"value", "as_file": false}}}`, the body
/// of the deployment keystore API (`PATCH …/elasticsearch/{ref_id}/keystore`).
pub fn keystore_json(bundle: &Bundle, secrets: Secrets) -> String {
    let entries: serde_json::Map<String, Value> = bundle
        .secrets
        .iter()
        .map(|(key, value)| {
            let value = match secrets {
                Secrets::Masked => MASKED,
                Secrets::Revealed => value.as_str(),
            };
            (key.clone(), json!({"value": value, "as_file": false}))
        })
        .collect();
    pretty(&json!({ "secrets": entries }))
}

/// The keystore as flat YAML `key: value` — the format `trust-console lint --secure-settings`
/// and import read (revealed values only).
pub fn secure_settings_yml(bundle: &Bundle) -> String {
    let mut out = format!(
        "# Keystore values of deployment [{}]. SECRET: keep this file out of version control and delete it once applied.\n",
        bundle.name
    );
    for (key, value) in &bundle.secrets {
        out.push_str(&format!("{key}: {}\n", Value::String(value.clone())));
    }
    out
}

fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Whether `path` may name a support file written next to the yml (`config/<path>` in the zip,
/// `<out>/config/<path>` from the CLI): relative, at most one folder deep (`certs/ca.crt`),
/// each part made of letters, digits, `.`, `_` and `-`, and no part `.` or `..`. Anything else
/// (an absolute path, `../`, a backslash) could write outside the export folder, so such a file
/// is left out of the export and the admin places it by hand.
///
/// # Errors
/// What is wrong with the path, for a message.
pub fn check_support_path(path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 {
        return Err(format!(
            "[{path}] is more than one folder deep; support files are written as config/<folder>/<file> at most"
        ));
    }
    for part in parts {
        if part.is_empty() || part == "." || part == ".." {
            return Err(format!(
                "[{path}] is not a relative file path inside the config folder"
            ));
        }
        if let Some(c) = part
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "[{path}] contains {c:?}; support file names use letters, digits, '.', '_' and '-'"
            ));
        }
    }
    Ok(())
}

/// The support files the yml refers to by relative path: pasted PKC JWK sets and signing
/// certificates (and, revealed, signing keys), by path. Paths that fail
/// [`check_support_path`] are left out.
pub fn support_files(bundle: &Bundle, secrets: Secrets) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for realm in &bundle.realms {
        if let (Some(path), Some(content)) = (realm.text("pkc_jwkset_path"), &realm.pkc_jwkset)
            && !path.starts_with("https://")
            && !path.starts_with("http://")
        {
            out.push((path, content.clone(), false));
        }
    }
    for config in &bundle.remotes {
        let settings = remote_settings(&bundle.name, &bundle.deployment, config);
        let path_of = |suffix: &str| {
            settings
                .iter()
                .find(|(k, _)| k.ends_with(suffix))
                .and_then(|(_, v)| v.as_str().map(str::to_owned))
        };
        if config.signing.mode == remote::SigningMode::Pem {
            if let Some(path) = path_of(".signing.certificate")
                && !config.signing.certificate.is_empty()
            {
                out.push((path, config.signing.certificate.clone(), false));
            }
            if let (Some(path), Some(key), Secrets::Revealed) = (
                path_of(".signing.key"),
                bundle.signing_keys.get(&config.remote.alias),
                secrets,
            ) {
                out.push((path, key.clone(), true));
            }
        }
    }
    out.retain(|(path, _, _)| check_support_path(path).is_ok());
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// Every artifact of the bundle, in tab order. Secret artifacts (`secure-settings.yml`, the
/// signing keys) appear only when revealed; the keystore JSON is masked otherwise.
pub fn render(bundle: &Bundle, console_version: &str, secrets: Secrets) -> Vec<Artifact> {
    let artifact = |file: &str, title: &str, about: &str, content: String, secret: bool| Artifact {
        file: file.to_owned(),
        title: title.to_owned(),
        about: about.to_owned(),
        content,
        secret,
    };
    let hosted = bundle.deployment.kind != DeploymentKind::SelfManaged;
    let mut out = vec![
        artifact(
            PLAN_MD,
            "Apply plan",
            "The order to apply everything in, each setting tagged static (restart) or dynamic.",
            plan::plan_markdown(&apply_plan(bundle), &bundle.name, console_version),
            false,
        ),
        artifact(
            YML,
            "elasticsearch.yml",
            if hosted {
                "Paste into the deployment's user settings (elasticsearch.yml) on every Elasticsearch instance."
            } else {
                "Non-secure settings for config/elasticsearch.yml on every node."
            },
            elasticsearch_yml(bundle, console_version),
            false,
        ),
        artifact(
            KEYSTORE_SH,
            "Keystore commands",
            "elasticsearch-keystore commands, one per secure setting; each reads its value on stdin.",
            keystore_commands(bundle),
            false,
        ),
        artifact(
            KEYSTORE_JSON,
            "Keystore JSON (ECE/ECH)",
            "Body of the ECE/ECH deployment keystore API, PATCH /api/v1/deployments/{deployment_id}/elasticsearch/{ref_id}/keystore.",
            keystore_json(bundle, secrets),
            secrets == Secrets::Revealed,
        ),
    ];
    if secrets == Secrets::Revealed {
        out.push(artifact(
            SECURE_YML,
            "Secure settings",
            "The keystore values as flat YAML, for import or trust-console lint --secure-settings.",
            secure_settings_yml(bundle),
            true,
        ));
    }
    let reqs = requests::requests(bundle, secrets);
    out.push(artifact(
        REQUESTS_CONSOLE,
        "API requests (Dev Tools)",
        "Role mappings, roles, native users and cross-cluster API keys in Kibana Dev Tools syntax.",
        requests::console(&reqs),
        false,
    ));
    out.push(artifact(
        REQUESTS_CURL,
        "API requests (curl)",
        "The same requests as curl commands; set ES_URL and ES_USER first.",
        requests::curl(&reqs),
        false,
    ));
    out.push(artifact(
        ROLE_MAPPINGS_JSON,
        "Role mappings JSON",
        "The role mappings as GET /_security/role_mapping returns them (importable).",
        // Serialized in place (a sorted map writes as the same object), not copied first.
        pretty(&bundle.role_mappings),
        false,
    ));
    out.push(artifact(
        ROLES_JSON,
        "Roles JSON",
        "The roles as GET /_security/role returns them (importable).",
        // Serialized in place (a sorted map writes as the same object), not copied first.
        pretty(&bundle.roles),
        false,
    ));
    if let Some(trust) = &bundle.trust {
        out.push(artifact(
            TRUST_JSON,
            "Trust JSON (ECE/ECH)",
            "The deployment's trust settings payload (settings.trust of the deployment API).",
            pretty(trust),
            false,
        ));
    }
    out
}

/// What blocks an export: the errors Elasticsearch's startup validation finds in the realms,
/// with full setting keys. An export with errors is refused unless it is a draft.
pub fn lint_errors(bundle: &Bundle) -> Vec<Diagnostic> {
    // Each secret goes to the realm its key names: one pass over the secrets, looking their
    // prefixes up, not a scan of every secret per realm.
    let realms: HashMap<String, &str> = bundle
        .realms
        .iter()
        .map(|realm| (format!("{}.", realm.prefix()), realm.name.as_str()))
        .collect();
    let realms = &realms;
    let secrets: SecretValues = bundle
        .secrets
        .iter()
        .flat_map(|(key, value)| {
            key.match_indices('.').filter_map(move |(dot, _)| {
                let (prefix, setting) = key.split_at(dot + 1);
                realms
                    .get(prefix)
                    .map(|realm| (((*realm).to_owned(), setting.to_owned()), value.clone()))
            })
        })
        .collect();
    realm_config::lint(&bundle.realms, &secrets, bundle.deployment.target())
        .report
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}
