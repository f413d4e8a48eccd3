//! A remote cluster of a deployment (spec §5): connection, security model, the cross-cluster
//! API key the remote issues, strong identity verification, and — for the certificate model —
//! the mutual transport-CA trust both clusters need.
//!
//! Decisions on points the reference leaves open:
//! - A key with `certificate_identity` and an unsigned local side is an error: the remote
//!   rejects such requests (spec §5.3, "inferred").
//! - Strong identity needs 9.3 on both clusters; the console checks the versions it knows.
//! - "Reuse the transport certificate" signs with the node's transport key and certificate
//!   paths; the console does not hold that certificate, so it cannot test the pattern or the
//!   chain for it and says so.
//! - An encrypted signing key's passphrase is the keystore setting
//!   `cluster.remote.<alias>.signing.secure_key_passphrase` (`SslConfigurationKeys
//!   .KEY_SECURE_PASSPHRASE` under the `signing.` prefix); the spec's
//!   `signing.key.secure_passphrase` is wrong.
//! - A remote without signing CAs or truststore still verifies, against the JDK's default
//!   trust store (`CrossClusterApiKeySignatureManager.reload` accepts a system-default trust
//!   config); "has not trust configuration" is only raised when no trust manager exists. The
//!   console cannot see that store, so this is a warning.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::deployment::Deployment;
use super::{
    bool_field, check_pem, choice, fingerprints, object, opt_string, pem_field, string_list,
};
use crate::cert::{self, CERTIFICATE_INPUT};
use crate::cross_cluster::{self, CrossClusterKey, Mode, RemoteCluster, Security};
use crate::diagnostic::{DeploymentKind, Diagnostic, StackVersion};
use crate::field::FieldError;
use crate::field::{SecretChange, secret_change};

/// The keystore setting holding the remote's encoded cross-cluster API key.
pub const CREDENTIALS: &str = "credentials";
/// The secret holding the strong-identity signing key (PEM).
pub const SIGNING_KEY: &str = "signing_key";
/// The secret holding the signing keystore's password
/// (`cluster.remote.<alias>.signing.keystore.secure_password`).
pub const SIGNING_KEYSTORE_PASSWORD: &str = "signing_keystore_password";

/// The keystore setting a remote secret is written to, under `cluster.remote.<alias>.`
/// (`None` for the signing key, which goes to a file).
pub fn secret_setting(secret: &str) -> Option<&'static str> {
    match secret {
        CREDENTIALS => Some(CREDENTIALS),
        SIGNING_KEYSTORE_PASSWORD => Some("signing.keystore.secure_password"),
        _ => None,
    }
}

/// How the local cluster signs cross-cluster requests to this remote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningMode {
    /// No strong identity verification.
    #[default]
    None,
    /// A dedicated signing certificate and key (PEM).
    Pem,
    /// The node's transport certificate and key.
    Transport,
    /// A PKCS#12 or JKS keystore on the nodes (`signing.keystore.*`).
    Keystore,
}

/// Strong identity signing, local side (`cluster.remote.<alias>.signing.*`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signing {
    /// None, dedicated PEM, or the transport certificate.
    pub mode: SigningMode,
    /// The signing certificate (chain), PEM — public, kept in the body.
    pub certificate: String,
    /// Where it goes on the nodes (`signing.certificate`).
    pub certificate_path: Option<String>,
    /// Where the key goes on the nodes (`signing.key`).
    pub key_path: Option<String>,
    /// `signing.keystore.path` (keystore mode).
    #[serde(default)]
    pub keystore_path: Option<String>,
    /// `signing.keystore.type`; Elasticsearch infers it from the extension when unset.
    #[serde(default)]
    pub keystore_type: Option<String>,
    /// `signing.keystore.alias`: which key entry signs.
    #[serde(default)]
    pub keystore_alias: Option<String>,
    /// The keystore's private-key entries as the admin lists them (`keytool -list`); empty
    /// when not given. The console cannot open the keystore, so this is how it checks the alias.
    #[serde(default)]
    pub keystore_entries: Vec<String>,
}

/// A remote cluster's checked body (its alias is the document name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteConfig {
    /// Connection and security model.
    pub remote: RemoteCluster,
    /// `server_name` (proxy mode, TLS SNI).
    pub server_name: Option<String>,
    /// The deployment the console manages that this alias points at, if any.
    pub remote_deployment: Option<String>,
    /// The `POST /_security/cross_cluster/api_key` body the remote issues the key with.
    pub api_key: Option<Value>,
    /// Strong identity signing.
    pub signing: Signing,
}

/// A parsed remote-cluster body: the configuration and the secret changes it asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteUpdate {
    /// The configuration.
    pub config: RemoteConfig,
    /// `credentials` / `signing_key`: set or clear; absent ones are kept.
    pub secrets: BTreeMap<String, SecretChange>,
}

const FIELDS: [&str; 10] = [
    "alias",
    "security",
    "mode",
    "addresses",
    "skip_unavailable",
    "server_name",
    "remote_deployment",
    "api_key",
    "signing",
    "secure_settings",
];

/// Checks a remote-cluster alias ([`cross_cluster::alias_problem`]).
///
/// # Errors
/// A [`FieldError`] on `alias`.
pub fn check_alias(alias: &str) -> Result<(), FieldError> {
    match cross_cluster::alias_problem(alias) {
        Some(problem) => Err(FieldError::new("alias", problem)),
        None => Ok(()),
    }
}

impl RemoteConfig {
    /// Parses the API body of remote `alias`.
    ///
    /// # Errors
    /// The first shape problem, on its field. Whether the remote would *work* is
    /// [`analyse`]'s business, so that a draft can be saved and its findings listed.
    pub fn parse(alias: &str, body: &Value) -> Result<RemoteUpdate, FieldError> {
        check_alias(alias)?;
        let map = object(body, &FIELDS)?;
        if let Some(given) = opt_string(map, "alias")?
            && given != alias
        {
            return Err(FieldError::new(
                "alias",
                format!("the body names [{given}] but the request is for [{alias}]"),
            ));
        }
        let security = choice(
            map,
            "security",
            &["api_key", "certificate"],
            Security::ApiKey,
        )?;
        let mode = choice(map, "mode", &["sniff", "proxy"], Mode::Proxy)?;
        let api_key = match map.get("api_key") {
            None | Some(Value::Null) => None,
            Some(value @ Value::Object(_)) => Some(value.clone()),
            Some(_) => {
                return Err(FieldError::new(
                    "api_key",
                    "[api_key] must be the JSON body of POST /_security/cross_cluster/api_key",
                ));
            }
        };
        let signing = match map.get("signing") {
            None | Some(Value::Null) => Signing::default(),
            Some(value) => parse_signing(value)?,
        };
        let secrets = parse_secrets(map.get("secure_settings"))?;
        let config = Self {
            remote: RemoteCluster {
                alias: alias.to_owned(),
                security,
                mode,
                addresses: string_list(map, "addresses")?,
                skip_unavailable: match map.get("skip_unavailable") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(bool_field(map, "skip_unavailable", false)?),
                },
            },
            server_name: opt_string(map, "server_name")?,
            remote_deployment: opt_string(map, "remote_deployment")?,
            api_key,
            signing,
        };
        if let (Some(SecretChange::Set(key)), false) = (
            secrets.get(SIGNING_KEY),
            config.signing.certificate.is_empty(),
        ) {
            let leaf = cert::read_certificates(&config.signing.certificate, CERTIFICATE_INPUT)
                .map_err(|e| FieldError::new("signing.certificate", e.to_string()))?;
            match cert::key_matches(&leaf[0], key) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(FieldError::new(
                        "secure_settings.signing_key",
                        "this private key does not belong to the signing certificate (their public keys differ)",
                    ));
                }
                Err(e) => {
                    return Err(FieldError::new(
                        "secure_settings.signing_key",
                        e.to_string(),
                    ));
                }
            }
        }
        Ok(RemoteUpdate { config, secrets })
    }

    /// The stored form (also what the API returns; secrets live apart).
    pub fn to_json(&self) -> Value {
        json!({
            "security": self.remote.security,
            "mode": self.remote.mode,
            "addresses": self.remote.addresses,
            "skip_unavailable": self.remote.skip_unavailable,
            "server_name": self.server_name,
            "remote_deployment": self.remote_deployment,
            "api_key": self.api_key,
            "signing": self.signing,
        })
    }
}

fn parse_signing(value: &Value) -> Result<Signing, FieldError> {
    let prefixed = |e: FieldError| FieldError::new(format!("signing.{}", e.field), e.message);
    let map = object(
        value,
        &[
            "mode",
            "certificate",
            "certificate_path",
            "key_path",
            "keystore_path",
            "keystore_type",
            "keystore_alias",
            "keystore_entries",
        ],
    )
    .map_err(prefixed)?;
    let certificate = pem_field(map, "certificate").map_err(prefixed)?;
    check_pem("signing.certificate", &certificate)?;
    Ok(Signing {
        mode: choice(
            map,
            "mode",
            &["none", "pem", "transport", "keystore"],
            SigningMode::None,
        )
        .map_err(prefixed)?,
        certificate,
        certificate_path: opt_string(map, "certificate_path").map_err(prefixed)?,
        key_path: opt_string(map, "key_path").map_err(prefixed)?,
        keystore_path: opt_string(map, "keystore_path").map_err(prefixed)?,
        keystore_type: opt_string(map, "keystore_type").map_err(prefixed)?,
        keystore_alias: opt_string(map, "keystore_alias").map_err(prefixed)?,
        keystore_entries: string_list(map, "keystore_entries").map_err(prefixed)?,
    })
}

fn parse_secrets(value: Option<&Value>) -> Result<BTreeMap<String, SecretChange>, FieldError> {
    let mut out = BTreeMap::new();
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(out);
    };
    let Value::Object(map) = value else {
        return Err(FieldError::new(
            "secure_settings",
            "[secure_settings] must be an object",
        ));
    };
    for (key, value) in map {
        let field = format!("secure_settings.{key}");
        if ![CREDENTIALS, SIGNING_KEY, SIGNING_KEYSTORE_PASSWORD].contains(&key.as_str()) {
            return Err(FieldError::new(
                field,
                format!(
                    "[{key}] is not a secret of a remote cluster; they are {CREDENTIALS} (the key's encoded value), {SIGNING_KEY} (PEM) and {SIGNING_KEYSTORE_PASSWORD}"
                ),
            ));
        }
        let change = match secret_change(&field, value)? {
            SecretChange::Set(s) if key == CREDENTIALS => {
                check_encoded(s.trim()).map_err(|m| FieldError::new(field.clone(), m))?;
                SecretChange::Set(s.trim().to_owned())
            }
            SecretChange::Set(s) if key == SIGNING_KEY => {
                check_key_type(&s).map_err(|m| FieldError::new(field.clone(), m))?;
                SecretChange::Set(s)
            }
            SecretChange::Set(s) => SecretChange::Set(s),
            SecretChange::Clear => SecretChange::Clear,
        };
        out.insert(key.clone(), change);
    }
    Ok(out)
}

/// The `encoded` value of a cross-cluster API key: base64 of `id:api_key`.
fn check_encoded(value: &str) -> Result<(), String> {
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|_| "the credentials are the key's [encoded] value (base64 of id:api_key), which this is not".to_owned())?;
    let text = String::from_utf8(decoded)
        .map_err(|_| "the decoded credentials are not text".to_owned())?;
    match text.split_once(':') {
        Some((id, key)) if !id.is_empty() && !key.is_empty() => Ok(()),
        _ => Err("the decoded credentials must be id:api_key (use the [encoded] field of the create response, not [api_key])".to_owned()),
    }
}

/// Elasticsearch signs with RSA (`SHA256withRSA`) or EC (`SHA256withECDSA`) keys only.
fn check_key_type(pem: &str) -> Result<(), String> {
    let block = crate::pem::blocks(pem)
        .filter_map(Result::ok)
        .find(|b| b.label.contains("PRIVATE KEY"))
        .ok_or_else(|| "no -----BEGIN PRIVATE KEY----- block".to_owned())?;
    match block.label.as_str() {
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => Ok(()),
        "ENCRYPTED PRIVATE KEY" => Err("the key is encrypted: store the passphrase-free key, or set signing.secure_key_passphrase on the nodes and give the console a decrypted copy".to_owned()),
        "PRIVATE KEY" => {
            // PKCS#8: the algorithm OID is in the first bytes.
            const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
            const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
            let head = &block.contents[..block.contents.len().min(32)];
            let has = |oid: &[u8]| head.windows(oid.len()).any(|w| w == oid);
            if has(RSA) || has(EC) {
                Ok(())
            } else {
                Err("Unsupported Key Type: strong identity signs with RSA (SHA256withRSA) or EC (SHA256withECDSA) keys only".to_owned())
            }
        }
        other => Err(format!("unsupported PEM block [{other}]")),
    }
}

/// What [`analyse`] needs besides the remote itself.
#[derive(Clone, Copy, Debug)]
pub struct RemoteContext<'a> {
    /// The local deployment's name.
    pub local_name: &'a str,
    /// The local deployment.
    pub local: &'a Deployment,
    /// The remote deployment, when the console manages it.
    pub remote: Option<(&'a str, &'a Deployment)>,
    /// Whether `cluster.remote.<alias>.credentials` is stored.
    pub credentials_set: bool,
    /// The stored signing key (server-side only).
    pub signing_key: Option<&'a str>,
    /// Whether the signing keystore's password is stored.
    pub keystore_password_set: bool,
    /// Now, epoch seconds (certificate validity).
    pub now: i64,
}

/// Everything the console derives for one remote cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteAnalysis {
    /// Local `elasticsearch.yml` / cluster settings.
    pub local_settings: Vec<(String, Value)>,
    /// Settings the remote cluster needs.
    pub remote_settings: Vec<(String, Value)>,
    /// Keystore commands on the local cluster (values on stdin).
    pub keystore: Vec<String>,
    /// The API request the remote's admin runs to create the key (Dev Tools syntax).
    pub api_key_request: Option<String>,
    /// The checked key, with the role Elasticsearch derives.
    pub api_key: Option<CrossClusterKey>,
    /// Errors and warnings, each on its field.
    pub diagnostics: Vec<Diagnostic>,
}

fn min_api_key_version(kind: DeploymentKind) -> StackVersion {
    match kind {
        DeploymentKind::SelfManaged => StackVersion::new(8, 10),
        DeploymentKind::Ece | DeploymentKind::ElasticCloud => StackVersion::new(8, 14),
    }
}

/// Checks remote `config` of `ctx.local` and builds what both sides configure.
pub fn analyse(config: &RemoteConfig, ctx: &RemoteContext<'_>) -> RemoteAnalysis {
    let setup = cross_cluster::remote_setup(&config.remote);
    let alias = config.remote.alias.as_str();
    let prefix = format!("cluster.remote.{alias}");
    let mut diagnostics: Vec<Diagnostic> = setup
        .findings
        .iter()
        .map(|f| Diagnostic {
            severity: if f.severity == "error" {
                crate::diagnostic::Severity::Error
            } else {
                crate::diagnostic::Severity::Warning
            },
            setting: f.field.clone(),
            message: f.message.clone(),
        })
        .collect();
    let mut local_settings = setup.settings;
    if let (Some(name), Mode::Proxy) = (&config.server_name, config.remote.mode) {
        local_settings.push((format!("{prefix}.server_name"), json!(name)));
    }
    let mut remote_settings = Vec::new();
    let mut keystore = Vec::new();
    let remote_name = ctx.remote.map(|(name, _)| name);
    let remote = ctx.remote.map(|(_, d)| d);
    if let Some(wanted) = &config.remote_deployment
        && remote.is_none()
    {
        diagnostics.push(Diagnostic::error(
            "remote_deployment",
            format!("the console manages no deployment [{wanted}]"),
        ));
    }
    if !ctx.local.security_enabled {
        diagnostics.push(Diagnostic::error(
            "security",
            format!("security is disabled on [{}]: remote clusters with security need xpack.security.enabled on every connected cluster", ctx.local_name),
        ));
    }
    if let (Some(name), Some(d)) = (remote_name, remote)
        && !d.security_enabled
    {
        diagnostics.push(Diagnostic::error(
            "remote_deployment",
            format!("security is disabled on [{name}]: remote clusters with security need xpack.security.enabled on every connected cluster"),
        ));
    }
    let mut api_key = None;
    let mut api_key_request = None;
    match config.remote.security {
        Security::ApiKey => {
            for (name, d) in std::iter::once((ctx.local_name, ctx.local)).chain(ctx.remote) {
                let min = min_api_key_version(d.kind);
                if d.stack_version < min {
                    diagnostics.push(Diagnostic::error(
                        "security",
                        format!("[{name}] runs {}: the API-key model needs {min} or later on both clusters", d.stack_version),
                    ));
                }
            }
            remote_settings.push(("remote_cluster_server.enabled".to_owned(), json!(true)));
            remote_cluster_tls_checks(ctx, &mut diagnostics);
            keystore.push(format!(
                "bin/elasticsearch-keystore add --stdin {prefix}.credentials   # the key's [encoded] value, then POST _nodes/reload_secure_settings"
            ));
            if !ctx.credentials_set {
                diagnostics.push(Diagnostic::warning(
                    "secure_settings.credentials",
                    format!("[{prefix}.credentials] is not stored: without it the local cluster connects with the certificate model, which the remote_cluster_server port refuses"),
                ));
            }
            let version = remote.map_or(ctx.local.stack_version, |d| d.stack_version);
            match &config.api_key {
                None => diagnostics.push(Diagnostic::warning(
                    "api_key",
                    "no cross-cluster API key request yet: describe the search/replication access the remote grants",
                )),
                Some(body) => {
                    api_key_request = Some(format!(
                        "POST /_security/cross_cluster/api_key\n{}",
                        serde_json::to_string_pretty(body).unwrap_or_default()
                    ));
                    match cross_cluster::check_api_key(body, version) {
                        Ok(key) => {
                            for w in &key.warnings {
                                diagnostics.push(Diagnostic::warning("api_key", w.clone()));
                            }
                            api_key = Some(key);
                        }
                        Err(errors) => diagnostics.extend(errors.into_iter().map(|e| {
                            Diagnostic::error(format!("api_key.{}", e.field), e.message)
                        })),
                    }
                }
            }
        }
        Security::Certificate => check_mutual_ca(ctx, &mut diagnostics),
    }
    signing_checks(
        config,
        ctx,
        &prefix,
        &mut Derived {
            settings: &mut local_settings,
            keystore: &mut keystore,
            diagnostics: &mut diagnostics,
        },
    );
    diagnostics.sort_by_key(|d| d.severity);
    RemoteAnalysis {
        local_settings,
        remote_settings,
        keystore,
        api_key_request,
        api_key,
        diagnostics,
    }
}

/// The API-key model's TLS between the two clusters: the remote's `remote_cluster_server`
/// (port 9443) must be on and speak TLS when the local client does, and the local client must
/// trust the CA of its certificate. Hosted remotes (ECE, Elastic Cloud) run the server
/// themselves, behind publicly trusted certificates.
fn remote_cluster_tls_checks(ctx: &RemoteContext<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let Some((remote_name, remote)) = ctx.remote else {
        return;
    };
    if remote.kind != DeploymentKind::SelfManaged {
        return;
    }
    let server = &remote.remote_cluster;
    let client = &ctx.local.remote_cluster;
    if !server.server_enabled {
        diagnostics.push(Diagnostic::error(
            "remote_deployment",
            format!("[{remote_name}] does not set remote_cluster_server.enabled: true, so nothing listens on its remote cluster port (9443) and every API-key-model connection fails"),
        ));
        return;
    }
    match (client.client_ssl, server.server_ssl) {
        (true, false) => diagnostics.push(Diagnostic::error(
            "remote_deployment",
            format!("[{}] connects with TLS (xpack.security.remote_cluster_client.ssl.enabled, true by default) but [{remote_name}]'s remote_cluster_server has ssl.enabled: false: the handshake fails", ctx.local_name),
        )),
        (false, true) => diagnostics.push(Diagnostic::error(
            "remote_deployment",
            format!("[{}] connects without TLS (xpack.security.remote_cluster_client.ssl.enabled: false) but [{remote_name}]'s remote_cluster_server requires it: the connection fails", ctx.local_name),
        )),
        (false, false) => {}
        (true, true) => {
            if client.client_verification_mode == super::deployment::VerificationMode::None {
                return;
            }
            let wanted = fingerprints(&server.server_ca_pem);
            if wanted.is_empty() {
                diagnostics.push(Diagnostic::warning(
                    "remote_deployment",
                    format!("the console does not know the CA of [{remote_name}]'s remote_cluster_server certificate, so it cannot check that [{}] trusts it", ctx.local_name),
                ));
                return;
            }
            let trusted = fingerprints(&client.client_trusted_ca_pem);
            if !wanted.iter().any(|f| trusted.contains(f)) {
                let fallback = if client.client_certificate_authorities.is_empty() {
                    " (with no certificate_authorities set, only the JDK's default trust store is used, which holds public CAs)"
                } else {
                    ""
                };
                diagnostics.push(Diagnostic::error(
                    "remote_deployment",
                    format!(
                        "[{}] does not trust the CA of [{remote_name}]'s remote_cluster_server certificate (SHA-256 {}){fallback}: add it to xpack.security.remote_cluster_client.ssl.certificate_authorities of [{}], or the handshake fails with a PKIX path error",
                        ctx.local_name, wanted[0], ctx.local_name
                    ),
                ));
            }
        }
    }
}

fn check_mutual_ca(ctx: &RemoteContext<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let Some((remote_name, remote)) = ctx.remote else {
        diagnostics.push(Diagnostic::warning(
            "remote_deployment",
            "choose the remote deployment so that the console can check that both clusters trust each other's CA",
        ));
        return;
    };
    for (name, d) in [(ctx.local_name, ctx.local), (remote_name, remote)] {
        if d.kind == DeploymentKind::SelfManaged && !d.transport_ssl.enabled {
            diagnostics.push(Diagnostic::error(
                "security",
                format!("transport TLS is off on [{name}]: the certificate model needs xpack.security.transport.ssl.enabled on every node of both clusters"),
            ));
        }
    }
    let mut one_side = |truster: (&str, &Deployment), issuer: (&str, &Deployment)| {
        let wanted = fingerprints(&issuer.1.transport_ca_pem);
        if wanted.is_empty() {
            diagnostics.push(Diagnostic::warning(
                "remote_deployment",
                format!("the console does not know the transport CA of [{}], so it cannot check that [{}] trusts it", issuer.0, truster.0),
            ));
            return;
        }
        let trusted = fingerprints(&truster.1.trusted_ca_pem);
        if !wanted.iter().any(|f| trusted.contains(f)) {
            diagnostics.push(Diagnostic::error(
                "remote_deployment",
                format!(
                    "[{}] does not trust the CA of [{}] (SHA-256 {}): add it to xpack.security.transport.ssl.certificate_authorities of [{}], or its nodes refuse the connection",
                    truster.0, issuer.0, wanted[0], truster.0
                ),
            ));
        }
    };
    one_side((ctx.local_name, ctx.local), (remote_name, remote));
    one_side((remote_name, remote), (ctx.local_name, ctx.local));
}

/// What the signing checks add to a remote's analysis.
struct Derived<'a> {
    settings: &'a mut Vec<(String, Value)>,
    keystore: &'a mut Vec<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// The warning for a signing certificate that stays on the nodes, out of the console's reach.
fn certificate_not_held(which: &str) -> Diagnostic {
    Diagnostic::warning(
        "signing.certificate",
        format!(
            "the console does not hold {which}, so it cannot test certificate_identity or the remote's signing trust against it: paste it under a dedicated signing certificate to check"
        ),
    )
}

fn signing_checks(
    config: &RemoteConfig,
    ctx: &RemoteContext<'_>,
    prefix: &str,
    out: &mut Derived<'_>,
) {
    let signing = &config.signing;
    let identity = config
        .api_key
        .as_ref()
        .and_then(|b| b.get("certificate_identity"))
        .and_then(Value::as_str);
    if signing.mode == SigningMode::None {
        if let Some(pattern) = identity {
            out.diagnostics.push(Diagnostic::error(
                "signing.mode",
                format!("the API key requires certificate identity matching [{pattern}], but [{}] does not sign its requests: the remote rejects every one of them. Configure signing for this alias.", ctx.local_name),
            ));
        }
        return;
    }
    if config.remote.security == Security::Certificate {
        out.diagnostics.push(Diagnostic::error(
            "signing.mode",
            "strong identity verification signs API-key-model requests; the certificate model has no cross-cluster API key to bind an identity to",
        ));
    }
    let min = StackVersion::new(9, 3);
    for (name, d) in std::iter::once((ctx.local_name, ctx.local)).chain(ctx.remote) {
        if d.stack_version < min {
            out.diagnostics.push(Diagnostic::error(
                "signing.mode",
                format!("[{name}] runs {}: strong identity verification needs {min} or later on both clusters", d.stack_version),
            ));
        }
    }
    let leaf = match signing.mode {
        SigningMode::Transport => {
            let ssl = &ctx.local.transport_ssl;
            match (&ssl.certificate, &ssl.key) {
                (Some(cert), Some(key)) => {
                    out.settings
                        .push((format!("{prefix}.signing.certificate"), json!(cert)));
                    out.settings
                        .push((format!("{prefix}.signing.key"), json!(key)));
                }
                _ => out.diagnostics.push(Diagnostic::error(
                    "signing.mode",
                    format!(
                        "[{}] has no transport key and certificate paths to reuse for signing",
                        ctx.local_name
                    ),
                )),
            }
            out.diagnostics
                .push(certificate_not_held("the transport certificate"));
            None
        }
        SigningMode::Pem => {
            out.settings.push((
                format!("{prefix}.signing.certificate"),
                json!(
                    signing
                        .certificate_path
                        .clone()
                        .unwrap_or_else(|| format!("remote-signing/{}.crt", config.remote.alias))
                ),
            ));
            out.settings.push((
                format!("{prefix}.signing.key"),
                json!(
                    signing
                        .key_path
                        .clone()
                        .unwrap_or_else(|| format!("remote-signing/{}.key", config.remote.alias))
                ),
            ));
            pem_leaf(signing, ctx, out.diagnostics)
        }
        SigningMode::Keystore => {
            keystore_signing(config, ctx, prefix, out);
            None
        }
        SigningMode::None => None,
    };
    let Some((chain, dn)) = leaf else {
        return;
    };
    if let Some(pattern) = identity {
        let verdict = cert::test_pattern(pattern, &dn);
        if verdict.matches == Some(false) {
            out.diagnostics.push(Diagnostic::error(
                "api_key.certificate_identity",
                format!("certificate_identity [{pattern}] does not match the signing certificate's subject DN [{dn}] (Java full match, case-sensitive): the remote rejects the requests"),
            ));
        }
    }
    if let Some((remote_name, remote)) = ctx.remote {
        let trust = &remote.remote_signing;
        if !trust.configured() {
            let issuer = chain.last().map(|c| c.info().issuer_dn).unwrap_or_default();
            out.diagnostics.push(Diagnostic::warning(
                "remote_deployment",
                format!("[{remote_name}] sets neither cluster.remote.signing.certificate_authorities nor a truststore, so Elasticsearch verifies signatures against the JDK's default trust store (SslConfigurationLoader → DefaultJdkTrustConfig): a chain up to a public CA passes, a private CA such as [{issuer}] fails with \"PKIX path building failed\". The console cannot see that store; set cluster.remote.signing.certificate_authorities on [{remote_name}] to decide."),
            ));
        } else if trust.ca_pem.trim().is_empty() {
            out.diagnostics.push(Diagnostic::warning(
                "remote_deployment",
                format!("the console does not know the signing CAs of [{remote_name}], so it cannot check the signing certificate's chain"),
            ));
        } else if let Ok(cas) = cert::read_certificates(&trust.ca_pem, cert::CA_INPUT)
            && let Err(reason) = cert::verify_chain(&chain, &cas, ctx.now)
        {
            out.diagnostics.push(Diagnostic::error(
                "signing.certificate",
                format!(
                    "[{remote_name}]'s signing trust does not accept this certificate: {reason}"
                ),
            ));
        }
    }
}

/// Keystore signing (`signing.keystore.*`): the settings, the password's keystore command, and
/// what `CrossClusterApiKeySignatureManager.buildKeyPair` decides from the key entries.
fn keystore_signing(
    config: &RemoteConfig,
    ctx: &RemoteContext<'_>,
    prefix: &str,
    out: &mut Derived<'_>,
) {
    let signing = &config.signing;
    let alias = &config.remote.alias;
    let Some(path) = &signing.keystore_path else {
        out.diagnostics.push(Diagnostic::error(
            "signing.keystore_path",
            "set the keystore's path on the nodes (signing.keystore.path)",
        ));
        return;
    };
    out.settings
        .push((format!("{prefix}.signing.keystore.path"), json!(path)));
    if let Some(kind) = &signing.keystore_type {
        out.settings
            .push((format!("{prefix}.signing.keystore.type"), json!(kind)));
    }
    if let Some(entry) = &signing.keystore_alias {
        out.settings
            .push((format!("{prefix}.signing.keystore.alias"), json!(entry)));
    }
    out.keystore.push(format!(
        "bin/elasticsearch-keystore add --stdin {prefix}.signing.keystore.secure_password   # the keystore's password"
    ));
    if !ctx.keystore_password_set {
        out.diagnostics.push(Diagnostic::warning(
            "secure_settings.signing_keystore_password",
            format!("[{prefix}.signing.keystore.secure_password] is not stored: a password-protected keystore cannot be opened without it"),
        ));
    }
    let failed = |reason: String| {
        Diagnostic::error(
            "signing.keystore_alias",
            format!("Failed to load signing config for cluster [{alias}]: {reason}"),
        )
    };
    let mut entries = signing.keystore_entries.clone();
    entries.sort();
    match (&signing.keystore_alias, entries.len()) {
        (_, 0) => out.diagnostics.push(Diagnostic::warning(
            "signing.keystore_entries",
            "the console cannot open the keystore: list its private-key entries (keytool -list) so it can check the alias; with more than one and no signing.keystore.alias the node refuses the configuration",
        )),
        (None, 1) => {}
        (None, _) => out.diagnostics.push(failed(format!(
            "The configured signing key store has multiple signing keys [{}] but no alias has been specified in signing configuration.",
            entries.join(", ")
        ))),
        (Some(wanted), _) if !entries.contains(wanted) => out.diagnostics.push(failed(format!(
            "the keystore has no key entry [{wanted}] (its entries are [{}])",
            entries.join(", ")
        ))),
        (Some(_), _) => {}
    }
    out.diagnostics
        .push(certificate_not_held("the keystore's certificate"));
}

/// The signing chain and its leaf DN, after the PEM-mode checks.
fn pem_leaf(
    signing: &Signing,
    ctx: &RemoteContext<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Vec<cert::Cert>, String)> {
    if signing.certificate.trim().is_empty() {
        diagnostics.push(Diagnostic::error(
            "signing.certificate",
            "paste the signing certificate (PEM); signing.certificate is only used with signing.key",
        ));
        return None;
    }
    let chain = cert::read_certificates(&signing.certificate, CERTIFICATE_INPUT).ok()?;
    let info = chain[0].info();
    match ctx.signing_key {
        None => diagnostics.push(Diagnostic::error(
            "secure_settings.signing_key",
            "upload the signing key (PEM): it stays on the console's server and is written to the nodes as signing.key",
        )),
        Some(key) => match cert::key_matches(&chain[0], key) {
            Ok(true) => {}
            Ok(false) => diagnostics.push(Diagnostic::error(
                "secure_settings.signing_key",
                "the stored signing key does not belong to the signing certificate",
            )),
            Err(e) => diagnostics.push(Diagnostic::error("secure_settings.signing_key", e.to_string())),
        },
    }
    if !(info.key.starts_with("RSA") || info.key.starts_with("EC")) {
        diagnostics.push(Diagnostic::error(
            "signing.certificate",
            format!(
                "Unsupported Key Type [{}]: signing uses RSA or EC keys",
                info.key
            ),
        ));
    }
    if ctx.now > info.not_after {
        diagnostics.push(Diagnostic::error(
            "signing.certificate",
            format!(
                "the signing certificate expired {}: the remote rejects its signatures",
                crate::time::utc(info.not_after)
            ),
        ));
    } else if ctx.now < info.not_before {
        diagnostics.push(Diagnostic::error(
            "signing.certificate",
            format!(
                "the signing certificate is not valid before {}",
                crate::time::utc(info.not_before)
            ),
        ));
    }
    Some((chain, info.subject_dn))
}
