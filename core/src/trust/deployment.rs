//! A deployment (one Elasticsearch cluster) the console manages: where it runs, its IDs, its
//! transport TLS, the CA certificates the console knows for it, and the signing trust it
//! verifies strong-identity requests with.
//!
//! Decisions on points the reference leaves open:
//! - Both `cluster.remote.signing.certificate_authorities` and `….truststore.path`: the signing
//!   trust is loaded from the `cluster.remote.` settings with the `signing.` prefix, so
//!   `SslConfigurationLoader` names the keys without `cluster.remote.`, and
//!   `CrossClusterApiKeySignatureManager.reload` wraps it in "Failed to load trust config".
//! - The transport TLS errors quote Elasticsearch's bootstrap check (`TransportTLSBootstrapCheck`)
//!   and `SSLService` messages; the bootstrap check only runs in production mode, which is what
//!   every real cluster runs in.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ids::{KnownIds, check_cluster_id, check_scope_id};
use super::{bool_field, check_pem, choice, object, opt_string, pem_field, string_list};
use crate::diagnostic::{DeploymentKind, Diagnostic, StackVersion, Target};
use crate::field::FieldError;

/// Longest deployment name.
pub const MAX_DEPLOYMENT_NAME: usize = 64;

/// `xpack.security.transport.ssl.verification_mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMode {
    /// Chain and host name (Elasticsearch's default).
    #[default]
    Full,
    /// Chain only (common for node certificates without host names).
    Certificate,
    /// Nothing: any certificate is accepted.
    None,
}

/// Transport TLS of every node (`xpack.security.transport.ssl.*`), as file paths.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportSsl {
    /// `enabled`.
    pub enabled: bool,
    /// `verification_mode`.
    pub verification_mode: VerificationMode,
    /// `key` (path of the node's PEM key).
    pub key: Option<String>,
    /// `certificate` (path of the node's PEM certificate).
    pub certificate: Option<String>,
    /// `certificate_authorities` (paths of the trusted CA PEMs).
    pub certificate_authorities: Vec<String>,
}

/// The API-key model's own TLS, on port 9443: this cluster as a remote
/// (`remote_cluster_server.enabled`, `xpack.security.remote_cluster_server.ssl.*`) and as the
/// cluster that connects (`xpack.security.remote_cluster_client.ssl.*`). Both `ssl.enabled`
/// default to true in Elasticsearch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoteClusterTls {
    /// `remote_cluster_server.enabled` (default false): the port API-key-model callers use.
    pub server_enabled: bool,
    /// `xpack.security.remote_cluster_server.ssl.enabled` (default true).
    pub server_ssl: bool,
    /// `xpack.security.remote_cluster_server.ssl.key` (path).
    pub server_key: Option<String>,
    /// `xpack.security.remote_cluster_server.ssl.certificate` (path).
    pub server_certificate: Option<String>,
    /// The CA that issued the server certificate, as the console knows it (PEM).
    pub server_ca_pem: String,
    /// `xpack.security.remote_cluster_client.ssl.enabled` (default true).
    pub client_ssl: bool,
    /// `xpack.security.remote_cluster_client.ssl.verification_mode` (default full).
    pub client_verification_mode: VerificationMode,
    /// `xpack.security.remote_cluster_client.ssl.certificate_authorities` (paths).
    pub client_certificate_authorities: Vec<String>,
    /// The CAs those paths hold, as the console knows them (PEM).
    pub client_trusted_ca_pem: String,
}

impl Default for RemoteClusterTls {
    fn default() -> Self {
        Self {
            server_enabled: false,
            server_ssl: true,
            server_key: None,
            server_certificate: None,
            server_ca_pem: String::new(),
            client_ssl: true,
            client_verification_mode: VerificationMode::Full,
            client_certificate_authorities: Vec::new(),
            client_trusted_ca_pem: String::new(),
        }
    }
}

/// `cluster.remote.signing.*`: how this cluster, as a remote, verifies signed cross-cluster
/// requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningTrust {
    /// `certificate_authorities` (paths).
    pub certificate_authorities: Vec<String>,
    /// `truststore.path`.
    pub truststore_path: Option<String>,
    /// The CA certificates those paths hold, as the console knows them (PEM).
    pub ca_pem: String,
}

impl SigningTrust {
    /// Whether verification is configured at all.
    pub fn configured(&self) -> bool {
        !self.certificate_authorities.is_empty() || self.truststore_path.is_some()
    }
}

/// A deployment's checked body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// Elasticsearch cluster ID (32 lowercase hex).
    pub cluster_id: Option<String>,
    /// Self-managed, ECE or Elastic Cloud.
    pub kind: DeploymentKind,
    /// Stack version `major.minor` (serialized as `"9.3"`).
    #[serde(with = "version_text")]
    pub stack_version: StackVersion,
    /// ECH organization ID or ECE environment ID (the `<scope>` of its node certificates).
    pub scope_id: Option<String>,
    /// ECE/ECH deployment ID (kept so that it is recognised when pasted for a cluster ID).
    pub deployment_id: Option<String>,
    /// `xpack.security.enabled`.
    pub security_enabled: bool,
    /// `xpack.security.authc.run_as.enabled` (default true; false ignores the run_as header).
    #[serde(default = "enabled_by_default")]
    pub run_as_enabled: bool,
    /// Transport TLS.
    pub transport_ssl: TransportSsl,
    /// The CA that issued this cluster's node (transport) certificates, PEM.
    pub transport_ca_pem: String,
    /// The CAs this cluster's transport layer trusts, PEM.
    pub trusted_ca_pem: String,
    /// Signing trust for strong identity verification.
    pub remote_signing: SigningTrust,
    /// The API-key model's TLS (port 9443), both directions.
    #[serde(default)]
    pub remote_cluster: RemoteClusterTls,
}

impl Default for Deployment {
    fn default() -> Self {
        Self {
            cluster_id: None,
            kind: DeploymentKind::SelfManaged,
            stack_version: StackVersion::LATEST,
            scope_id: None,
            deployment_id: None,
            security_enabled: true,
            run_as_enabled: true,
            transport_ssl: TransportSsl {
                enabled: true,
                ..TransportSsl::default()
            },
            transport_ca_pem: String::new(),
            trusted_ca_pem: String::new(),
            remote_signing: SigningTrust::default(),
            remote_cluster: RemoteClusterTls::default(),
        }
    }
}

/// Serde's default for settings Elasticsearch turns on unless told otherwise.
fn enabled_by_default() -> bool {
    true
}

const FIELDS: [&str; 13] = [
    "name",
    "cluster_id",
    "kind",
    "stack_version",
    "scope_id",
    "deployment_id",
    "security_enabled",
    "run_as_enabled",
    "transport_ssl",
    "transport_ca_pem",
    "trusted_ca_pem",
    "remote_signing",
    "remote_cluster",
];

/// Checks a deployment name: lowercase letters, digits, `-` and `_`, 1 to 64 (it is part of
/// URLs and of exported file names).
///
/// # Errors
/// A [`FieldError`] on `name`.
pub fn check_deployment_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || name.len() > MAX_DEPLOYMENT_NAME {
        return Err(FieldError::new(
            "name",
            format!("deployment names must be 1 to {MAX_DEPLOYMENT_NAME} characters long"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(FieldError::new(
            "name",
            format!(
                "invalid character {c:?} in deployment name [{name}]: only lowercase letters, digits, [-] and [_] are allowed"
            ),
        ));
    }
    Ok(())
}

impl Deployment {
    /// Parses the API body of the deployment called `name`.
    ///
    /// # Errors
    /// The first problem, on its field (`transport_ssl.key`, `remote_signing.ca_pem`, …).
    pub fn parse(name: &str, body: &Value) -> Result<Self, FieldError> {
        check_deployment_name(name)?;
        let map = object(body, &FIELDS)?;
        if let Some(given) = opt_string(map, "name")?
            && given != name
        {
            return Err(FieldError::new(
                "name",
                format!("the body names [{given}] but the request is for [{name}]"),
            ));
        }
        let cluster_id = opt_string(map, "cluster_id")?;
        if let Some(id) = &cluster_id {
            check_cluster_id(id).map_err(|m| FieldError::new("cluster_id", m))?;
        }
        let kind = choice(
            map,
            "kind",
            &["self_managed", "ece", "elastic_cloud"],
            DeploymentKind::SelfManaged,
        )?;
        let stack_version = match opt_string(map, "stack_version")? {
            None => StackVersion::LATEST,
            Some(v) => v.parse().map_err(|e: crate::diagnostic::InvalidVersion| {
                FieldError::new("stack_version", e.to_string())
            })?,
        };
        if stack_version.major < 7 {
            return Err(FieldError::new(
                "stack_version",
                format!(
                    "stack version {stack_version} is not supported: the console models 7.x and later"
                ),
            ));
        }
        let scope_id = opt_string(map, "scope_id")?;
        if let Some(id) = &scope_id {
            check_scope_id(id).map_err(|m| FieldError::new("scope_id", m))?;
        }
        let deployment_id = opt_string(map, "deployment_id")?;
        if let Some(id) = &deployment_id
            && !(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(FieldError::new(
                "deployment_id",
                format!(
                    "[{id}] is not an ECE/ECH deployment ID: expected 32 hexadecimal characters"
                ),
            ));
        }
        if deployment_id.is_some() && deployment_id == cluster_id {
            return Err(FieldError::new(
                "deployment_id",
                "the deployment ID and the cluster ID are different values on ECE and Elastic Cloud; copy each from its own field of the deployment page",
            ));
        }
        let transport_ssl = match map.get("transport_ssl") {
            None | Some(Value::Null) => Self::default().transport_ssl,
            Some(value) => parse_transport(value)?,
        };
        let transport_ca_pem = pem_field(map, "transport_ca_pem")?;
        check_pem("transport_ca_pem", &transport_ca_pem)?;
        let trusted_ca_pem = pem_field(map, "trusted_ca_pem")?;
        check_pem("trusted_ca_pem", &trusted_ca_pem)?;
        let remote_signing = match map.get("remote_signing") {
            None | Some(Value::Null) => SigningTrust::default(),
            Some(value) => parse_signing(value)?,
        };
        let remote_cluster = match map.get("remote_cluster") {
            None | Some(Value::Null) => RemoteClusterTls::default(),
            Some(value) => parse_remote_cluster(value)?,
        };
        Ok(Self {
            cluster_id,
            kind,
            stack_version,
            scope_id,
            deployment_id,
            security_enabled: bool_field(map, "security_enabled", true)?,
            run_as_enabled: bool_field(map, "run_as_enabled", true)?,
            transport_ssl,
            transport_ca_pem,
            trusted_ca_pem,
            remote_signing,
            remote_cluster,
        })
    }

    /// The stored form (also what the API returns).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// What realm lint targets.
    pub fn target(&self) -> Target {
        Target {
            deployment: self.kind,
            version: self.stack_version,
        }
    }

    /// How ID checks see it.
    pub fn known_ids<'a>(&'a self, name: &'a str) -> KnownIds<'a> {
        KnownIds {
            name,
            cluster_id: self.cluster_id.as_deref(),
            deployment_id: self.deployment_id.as_deref(),
        }
    }

    /// Elasticsearch's startup errors and the console's warnings for this deployment alone.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let ssl = &self.transport_ssl;
        if self.security_enabled && !ssl.enabled && self.kind == DeploymentKind::SelfManaged {
            out.push(Diagnostic::error(
                "transport_ssl.enabled",
                "Transport SSL must be enabled if security is enabled. Please set [xpack.security.transport.ssl.enabled] to [true] or disable security by setting [xpack.security.enabled] to [false]",
            ));
        }
        if ssl.enabled
            && self.kind == DeploymentKind::SelfManaged
            && (ssl.key.is_none() || ssl.certificate.is_none())
        {
            out.push(Diagnostic::error(
                if ssl.key.is_none() { "transport_ssl.key" } else { "transport_ssl.certificate" },
                "invalid SSL configuration for xpack.security.transport.ssl - server ssl configuration requires a key and certificate, but these have not been configured; you must set either [xpack.security.transport.ssl.keystore.path], or both [xpack.security.transport.ssl.key] and [xpack.security.transport.ssl.certificate]",
            ));
        }
        if ssl.enabled && ssl.verification_mode == VerificationMode::None {
            out.push(Diagnostic::warning(
                "transport_ssl.verification_mode",
                "verification_mode none accepts any certificate: every node (and any remote cluster) is trusted without a CA check",
            ));
        }
        if !self.security_enabled {
            out.push(Diagnostic::warning(
                "security_enabled",
                "security is disabled: realms, role mappings and remote-cluster security have no effect",
            ));
        }
        let signing = &self.remote_signing;
        if !signing.certificate_authorities.is_empty() && signing.truststore_path.is_some() {
            out.push(Diagnostic::error(
                "remote_signing.truststore_path",
                "Failed to load trust config: cannot specify both [signing.certificate_authorities] and [signing.truststore.path]",
            ));
        }
        let rc = &self.remote_cluster;
        if self.kind == DeploymentKind::SelfManaged
            && rc.server_enabled
            && rc.server_ssl
            && (rc.server_key.is_none() || rc.server_certificate.is_none())
        {
            out.push(Diagnostic::error(
                if rc.server_key.is_none() { "remote_cluster.server_key" } else { "remote_cluster.server_certificate" },
                "invalid SSL configuration for xpack.security.remote_cluster_server.ssl - server ssl configuration requires a key and certificate, but these have not been configured; you must set either [xpack.security.remote_cluster_server.ssl.keystore.path], or both [xpack.security.remote_cluster_server.ssl.key] and [xpack.security.remote_cluster_server.ssl.certificate]",
            ));
        }
        if rc.server_enabled && !rc.server_ssl {
            out.push(Diagnostic::warning(
                "remote_cluster.server_ssl",
                "the remote_cluster_server port runs without TLS: cross-cluster API keys and data cross the network in clear, and clients with xpack.security.remote_cluster_client.ssl.enabled (the default) cannot connect",
            ));
        }
        if rc.client_ssl && rc.client_verification_mode == VerificationMode::None {
            out.push(Diagnostic::warning(
                "remote_cluster.client_verification_mode",
                "verification_mode none on remote_cluster_client accepts any server certificate: anyone on the path can pose as the remote cluster",
            ));
        }
        if !signing.ca_pem.trim().is_empty() && !signing.configured() {
            out.push(Diagnostic::warning(
                "remote_signing.certificate_authorities",
                "the console knows signing CAs for this cluster but no cluster.remote.signing.certificate_authorities path is set, so it verifies no signed cross-cluster request",
            ));
        }
        if self.cluster_id.is_none() && self.kind != DeploymentKind::SelfManaged {
            out.push(Diagnostic::warning(
                "cluster_id",
                "without its cluster ID, the console cannot tell which trust allowlists name this deployment",
            ));
        }
        out
    }

    /// The non-secure `elasticsearch.yml` settings this deployment's security and transport
    /// TLS need (self-managed; hosted kinds manage transport TLS themselves).
    pub fn settings(&self) -> Vec<(String, Value)> {
        let mut out = vec![(
            "xpack.security.enabled".to_owned(),
            json!(self.security_enabled),
        )];
        if !self.run_as_enabled {
            out.push((crate::jwt::realm::RUN_AS_ENABLED.to_owned(), json!(false)));
        }
        let ssl = &self.transport_ssl;
        if self.kind == DeploymentKind::SelfManaged {
            let prefix = "xpack.security.transport.ssl";
            out.push((format!("{prefix}.enabled"), json!(ssl.enabled)));
            if ssl.enabled || ssl.verification_mode != VerificationMode::Full {
                let mode = serde_json::to_value(ssl.verification_mode).unwrap_or(Value::Null);
                out.push((format!("{prefix}.verification_mode"), mode));
            }
            // Paths are written even while TLS is off, so that turning it on loses nothing.
            if let Some(key) = &ssl.key {
                out.push((format!("{prefix}.key"), json!(key)));
            }
            if let Some(cert) = &ssl.certificate {
                out.push((format!("{prefix}.certificate"), json!(cert)));
            }
            if !ssl.certificate_authorities.is_empty() {
                out.push((
                    format!("{prefix}.certificate_authorities"),
                    json!(ssl.certificate_authorities),
                ));
            }
        }
        let rc = &self.remote_cluster;
        if self.kind == DeploymentKind::SelfManaged {
            if rc.server_enabled {
                out.push(("remote_cluster_server.enabled".to_owned(), json!(true)));
            }
            let server = "xpack.security.remote_cluster_server.ssl";
            if !rc.server_ssl {
                out.push((format!("{server}.enabled"), json!(false)));
            }
            if let Some(key) = &rc.server_key {
                out.push((format!("{server}.key"), json!(key)));
            }
            if let Some(cert) = &rc.server_certificate {
                out.push((format!("{server}.certificate"), json!(cert)));
            }
        }
        let client = "xpack.security.remote_cluster_client.ssl";
        if !rc.client_ssl {
            out.push((format!("{client}.enabled"), json!(false)));
        }
        if rc.client_verification_mode != VerificationMode::Full {
            let mode = serde_json::to_value(rc.client_verification_mode).unwrap_or(Value::Null);
            out.push((format!("{client}.verification_mode"), mode));
        }
        if !rc.client_certificate_authorities.is_empty() {
            out.push((
                format!("{client}.certificate_authorities"),
                json!(rc.client_certificate_authorities),
            ));
        }
        let signing = &self.remote_signing;
        if !signing.certificate_authorities.is_empty() {
            out.push((
                "cluster.remote.signing.certificate_authorities".to_owned(),
                json!(signing.certificate_authorities),
            ));
        }
        if let Some(path) = &signing.truststore_path {
            out.push((
                "cluster.remote.signing.truststore.path".to_owned(),
                json!(path),
            ));
        }
        out
    }
}

fn parse_transport(value: &Value) -> Result<TransportSsl, FieldError> {
    let prefixed = |e: FieldError| FieldError::new(format!("transport_ssl.{}", e.field), e.message);
    let map = object(
        value,
        &[
            "enabled",
            "verification_mode",
            "key",
            "certificate",
            "certificate_authorities",
        ],
    )
    .map_err(prefixed)?;
    Ok(TransportSsl {
        enabled: bool_field(map, "enabled", true).map_err(prefixed)?,
        verification_mode: choice(
            map,
            "verification_mode",
            &["full", "certificate", "none"],
            VerificationMode::Full,
        )
        .map_err(prefixed)?,
        key: opt_string(map, "key").map_err(prefixed)?,
        certificate: opt_string(map, "certificate").map_err(prefixed)?,
        certificate_authorities: string_list(map, "certificate_authorities").map_err(prefixed)?,
    })
}

fn parse_remote_cluster(value: &Value) -> Result<RemoteClusterTls, FieldError> {
    let prefixed =
        |e: FieldError| FieldError::new(format!("remote_cluster.{}", e.field), e.message);
    let map = object(
        value,
        &[
            "server_enabled",
            "server_ssl",
            "server_key",
            "server_certificate",
            "server_ca_pem",
            "client_ssl",
            "client_verification_mode",
            "client_certificate_authorities",
            "client_trusted_ca_pem",
        ],
    )
    .map_err(prefixed)?;
    let server_ca_pem = pem_field(map, "server_ca_pem").map_err(prefixed)?;
    check_pem("remote_cluster.server_ca_pem", &server_ca_pem)?;
    let client_trusted_ca_pem = pem_field(map, "client_trusted_ca_pem").map_err(prefixed)?;
    check_pem(
        "remote_cluster.client_trusted_ca_pem",
        &client_trusted_ca_pem,
    )?;
    Ok(RemoteClusterTls {
        server_enabled: bool_field(map, "server_enabled", false).map_err(prefixed)?,
        server_ssl: bool_field(map, "server_ssl", true).map_err(prefixed)?,
        server_key: opt_string(map, "server_key").map_err(prefixed)?,
        server_certificate: opt_string(map, "server_certificate").map_err(prefixed)?,
        server_ca_pem,
        client_ssl: bool_field(map, "client_ssl", true).map_err(prefixed)?,
        client_verification_mode: choice(
            map,
            "client_verification_mode",
            &["full", "certificate", "none"],
            VerificationMode::Full,
        )
        .map_err(prefixed)?,
        client_certificate_authorities: string_list(map, "client_certificate_authorities")
            .map_err(prefixed)?,
        client_trusted_ca_pem,
    })
}

fn parse_signing(value: &Value) -> Result<SigningTrust, FieldError> {
    let prefixed =
        |e: FieldError| FieldError::new(format!("remote_signing.{}", e.field), e.message);
    let map = object(
        value,
        &["certificate_authorities", "truststore_path", "ca_pem"],
    )
    .map_err(prefixed)?;
    let ca_pem = pem_field(map, "ca_pem").map_err(prefixed)?;
    check_pem("remote_signing.ca_pem", &ca_pem)?;
    Ok(SigningTrust {
        certificate_authorities: string_list(map, "certificate_authorities").map_err(prefixed)?,
        truststore_path: opt_string(map, "truststore_path").map_err(prefixed)?,
        ca_pem,
    })
}

mod version_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::diagnostic::StackVersion;

    pub(super) fn serialize<S: Serializer>(v: &StackVersion, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StackVersion, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
