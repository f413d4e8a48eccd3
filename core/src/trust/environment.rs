//! Trusted environments of a deployment (spec §6): which other clusters' node certificates
//! its transport layer accepts, grouped as ECE and Elastic Cloud group them, and the payloads
//! that configure it — the ECE/ECH deployment trust JSON (`trust.accounts / external /
//! direct`) or, for a self-managed cluster, the `trust_restrictions` file and CA steps.
//!
//! How an environment maps to the trust JSON (the ECE/ECH docs describe the UI, the API
//! reference the shapes; which group each UI choice lands in is the console's reading):
//! - *this environment* (same ECE environment / same Elastic Cloud organization):
//!   `accounts[]` with the deployment's own account (`scope_id`);
//! - *another ECE environment*: `external[]` by trust-relationship ID when the deployment
//!   runs on ECE (the platform relationship must exist first), `direct[]` of type `ECE` with
//!   the environment ID as `scope_id` and its CA when it runs on Elastic Cloud;
//! - *an Elastic Cloud organization*: `accounts[]` by organization ID on Elastic Cloud,
//!   `direct[]` of type `ESS` with the organization ID and regional CAs on ECE;
//! - *a self-managed environment*: `direct[]` of type `generic` with its CA, and either the
//!   Cloud node-name convention (`scope_id`, all or specific cluster IDs) or explicit
//!   `additional_node_names`.
//!
//! Level "none" is kept as an entry with `trust_all: false` and an empty allowlist: an
//! explicit "trust no deployment" that survives a change of the platform default.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::deployment::Deployment;
use super::ids::{KnownIds, check_cluster_id, check_scope_id, cluster_id_warnings};
use super::{check_pem, choice, object, opt_string, pem_field, string_list};
use crate::diagnostic::{DeploymentKind, Diagnostic};
use crate::field::FieldError;

/// Longest environment name (the `name` of a direct trust relationship).
pub const MAX_ENVIRONMENT_NAME: usize = 64;

/// Which group of trusted environments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvironmentType {
    /// The deployment's own ECE environment or Elastic Cloud organization.
    ThisEnvironment,
    /// Another ECE environment.
    Ece,
    /// An Elastic Cloud organization.
    ElasticCloud,
    /// Self-managed clusters.
    SelfManaged,
}

impl EnvironmentType {
    /// How the console names it.
    pub const fn label(self) -> &'static str {
        match self {
            Self::ThisEnvironment => "this environment",
            Self::Ece => "ECE environment",
            Self::ElasticCloud => "Elastic Cloud organization",
            Self::SelfManaged => "self-managed environment",
        }
    }
}

/// Trust level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustLevel {
    /// Every deployment of the environment, including future ones.
    All,
    /// Only the listed cluster IDs.
    Specific,
    /// None.
    None,
}

/// A trusted environment's checked body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedEnvironment {
    /// The group.
    pub environment: EnvironmentType,
    /// Account / organization / environment ID, or the self-managed naming scope.
    pub scope_id: Option<String>,
    /// ECE platform trust-relationship ID (another ECE environment, seen from ECE).
    pub trust_relationship_id: Option<String>,
    /// The environment's CA certificates (PEM).
    pub certificates: String,
    /// All, specific or none.
    pub trust: TrustLevel,
    /// Trusted cluster IDs (`specific`).
    pub cluster_ids: Vec<String>,
    /// Explicit node names (self-managed without the naming convention).
    pub node_names: Vec<String>,
}

const FIELDS: [&str; 8] = [
    "name",
    "environment",
    "scope_id",
    "trust_relationship_id",
    "certificates",
    "trust",
    "cluster_ids",
    "node_names",
];

/// Checks an environment name: 1 to 64 printable characters, not blank.
///
/// # Errors
/// A [`FieldError`] on `name`.
pub fn check_environment_name(name: &str) -> Result<(), FieldError> {
    let printable = name.chars().all(|c| !c.is_control());
    if name.trim().is_empty() || name.chars().count() > MAX_ENVIRONMENT_NAME || !printable {
        return Err(FieldError::new(
            "name",
            format!(
                "environment names must be 1 to {MAX_ENVIRONMENT_NAME} printable characters and not blank"
            ),
        ));
    }
    Ok(())
}

impl TrustedEnvironment {
    /// Parses the API body of environment `name` of a deployment `owner`.
    ///
    /// # Errors
    /// The first problem, on its field (`cluster_ids[1]`, `certificates`, …).
    pub fn parse(name: &str, body: &Value, owner: &Deployment) -> Result<Self, FieldError> {
        check_environment_name(name)?;
        let map = object(body, &FIELDS)?;
        let environment = map
            .get("environment")
            .ok_or_else(|| {
                FieldError::new(
                    "environment",
                    "choose the environment: this_environment, ece, elastic_cloud or self_managed",
                )
            })
            .and_then(|_| {
                choice(
                    map,
                    "environment",
                    &["this_environment", "ece", "elastic_cloud", "self_managed"],
                    EnvironmentType::ThisEnvironment,
                )
            })?;
        let trust = choice(map, "trust", &["all", "specific", "none"], TrustLevel::All)?;
        let scope_id = opt_string(map, "scope_id")?;
        let trust_relationship_id = opt_string(map, "trust_relationship_id")?;
        let certificates = pem_field(map, "certificates")?;
        let cluster_ids = string_list(map, "cluster_ids")?;
        let node_names = string_list(map, "node_names")?;
        let env = Self {
            environment,
            scope_id,
            trust_relationship_id,
            certificates,
            trust,
            cluster_ids,
            node_names,
        };
        env.check(owner)?;
        Ok(env)
    }

    fn check(&self, owner: &Deployment) -> Result<(), FieldError> {
        let hosted = owner.kind != DeploymentKind::SelfManaged;
        if self.environment == EnvironmentType::ThisEnvironment && !hosted {
            return Err(FieldError::new(
                "environment",
                "\"this environment\" is for ECE and Elastic Cloud deployments; a self-managed cluster trusts other clusters by CA and node name (choose ece, elastic_cloud or self_managed)",
            ));
        }
        for (i, id) in self.cluster_ids.iter().enumerate() {
            check_cluster_id(id).map_err(|m| FieldError::new(format!("cluster_ids[{i}]"), m))?;
            if self.cluster_ids[..i].contains(id) {
                return Err(FieldError::new(
                    format!("cluster_ids[{i}]"),
                    format!("[{id}] is listed twice"),
                ));
            }
        }
        match self.trust {
            TrustLevel::Specific if self.cluster_ids.is_empty() => {
                return Err(FieldError::new(
                    "cluster_ids",
                    "trusting specific deployments needs at least one cluster ID",
                ));
            }
            TrustLevel::All | TrustLevel::None if !self.cluster_ids.is_empty() => {
                return Err(FieldError::new(
                    "cluster_ids",
                    "cluster IDs are only used when trusting specific deployments; clear them or choose \"specific\"",
                ));
            }
            _ => {}
        }
        let scope = self.effective_scope(owner);
        let scope_label = match self.environment {
            EnvironmentType::ThisEnvironment => "the account ID (this deployment's scope_id)",
            EnvironmentType::Ece => "the ECE environment ID",
            EnvironmentType::ElasticCloud => "the Elastic Cloud organization ID",
            EnvironmentType::SelfManaged => "the scope of the node names",
        };
        if let Some(id) = &scope {
            check_scope_id(id).map_err(|m| FieldError::new("scope_id", m))?;
        }
        if self.environment == EnvironmentType::SelfManaged {
            if scope.is_none() {
                match self.trust {
                    TrustLevel::All => {
                        return Err(FieldError::new(
                            "scope_id",
                            "trust_all requires a scope_id (the scope of the Cloud node-name convention); with explicit node names, trust specific nodes instead",
                        ));
                    }
                    TrustLevel::Specific => {
                        return Err(FieldError::new(
                            "scope_id",
                            "a trust_allowlist of cluster IDs requires a scope_id (the scope of the Cloud node-name convention)",
                        ));
                    }
                    TrustLevel::None if self.node_names.is_empty() => {
                        return Err(FieldError::new(
                            "node_names",
                            "additional_node_names are mandatory when there is no scope_id",
                        ));
                    }
                    TrustLevel::None => {}
                }
            }
            for (i, node) in self.node_names.iter().enumerate() {
                if node.contains('*') || node.contains('?') {
                    return Err(FieldError::new(
                        format!("node_names[{i}]"),
                        format!("[{node}]: additional_node_names cannot contain wildcards"),
                    ));
                }
            }
        } else if scope.is_none() {
            return Err(FieldError::new(
                "scope_id",
                format!("{scope_label} is required"),
            ));
        } else if !self.node_names.is_empty() {
            return Err(FieldError::new(
                "node_names",
                "explicit node names are only for self-managed environments",
            ));
        }
        if self.environment == EnvironmentType::Ece && owner.kind == DeploymentKind::Ece {
            // Its format is only a warning (see `analyse`): no documentation fixes it.
            if self.trust_relationship_id.is_none() {
                return Err(FieldError::new(
                    "trust_relationship_id",
                    "on ECE another environment is trusted through its platform trust relationship: create it under Platform › Trust Management and enter its ID",
                ));
            }
        }
        check_pem("certificates", &self.certificates)?;
        if self.needs_certificates(owner) && self.certificates.trim().is_empty() {
            return Err(FieldError::new(
                "certificates",
                format!(
                    "paste the CA certificate(s) of the {}{}",
                    self.environment.label(),
                    if self.environment == EnvironmentType::ElasticCloud {
                        " (one per region, including upcoming rotated CAs)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }

    /// Whether this environment is configured by CA upload on `owner`'s side.
    pub fn needs_certificates(&self, owner: &Deployment) -> bool {
        match self.environment {
            EnvironmentType::ThisEnvironment => false,
            EnvironmentType::Ece => owner.kind != DeploymentKind::Ece,
            EnvironmentType::ElasticCloud => owner.kind != DeploymentKind::ElasticCloud,
            EnvironmentType::SelfManaged => true,
        }
    }

    /// The scope: the given one, or for "this environment" the deployment's own.
    pub fn effective_scope(&self, owner: &Deployment) -> Option<String> {
        self.scope_id.clone().or_else(|| {
            (self.environment == EnvironmentType::ThisEnvironment)
                .then(|| owner.scope_id.clone())
                .flatten()
        })
    }

    /// Whether, set on `owner`, this environment makes it trust `other`.
    pub fn covers(&self, owner: &Deployment, other: &Deployment) -> bool {
        let scope = self.effective_scope(owner);
        let kind = match self.environment {
            EnvironmentType::ThisEnvironment => owner.kind,
            EnvironmentType::Ece => DeploymentKind::Ece,
            EnvironmentType::ElasticCloud => DeploymentKind::ElasticCloud,
            EnvironmentType::SelfManaged => DeploymentKind::SelfManaged,
        };
        let in_scope = other.kind == kind && scope.is_some() && other.scope_id == scope;
        match self.trust {
            TrustLevel::All => in_scope,
            TrustLevel::Specific => {
                other.kind == kind
                    && other
                        .cluster_id
                        .as_ref()
                        .is_some_and(|id| self.cluster_ids.contains(id))
            }
            TrustLevel::None => false,
        }
    }
}

/// A deployment with its environments, for checks across deployments.
#[derive(Clone, Copy, Debug)]
pub struct DeploymentTrust<'a> {
    /// The console's name.
    pub name: &'a str,
    /// The deployment.
    pub deployment: &'a Deployment,
    /// Its environments by name.
    pub environments: &'a [(String, TrustedEnvironment)],
}

impl DeploymentTrust<'_> {
    fn trusts(&self, other: &Deployment) -> bool {
        self.environments
            .iter()
            .any(|(_, env)| env.covers(self.deployment, other))
    }
}

/// What the console can say about one environment in the light of every deployment it knows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentAnalysis {
    /// Warnings: unknown or misplaced IDs, one-way trust.
    pub diagnostics: Vec<Diagnostic>,
    /// The known deployments this environment makes the owner trust.
    pub trusted: Vec<String>,
    /// For "trust all": who that is — every current and future deployment of the scope.
    pub blast_radius: Option<String>,
}

/// Analyses environment `env` of `deployments[owner]`.
pub fn analyse(
    owner: usize,
    env: &TrustedEnvironment,
    deployments: &[DeploymentTrust<'_>],
) -> EnvironmentAnalysis {
    let Some(me) = deployments.get(owner) else {
        return EnvironmentAnalysis::default();
    };
    let known: Vec<KnownIds<'_>> = deployments
        .iter()
        .map(|d| d.deployment.known_ids(d.name))
        .collect();
    let mut diagnostics = Vec::new();
    if let Some(id) = env
        .trust_relationship_id
        .as_ref()
        .filter(|id| !(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit())))
    {
        diagnostics.push(Diagnostic::warning(
            "trust_relationship_id",
            format!(
                "[{id}] does not look like the trust-relationship IDs ECE shows (32 hexadecimal characters); no documentation fixes the format, so it is accepted — check it under Platform › Trust Management"
            ),
        ));
    }
    for (i, id) in env.cluster_ids.iter().enumerate() {
        let field = format!("cluster_ids[{i}]");
        if me.deployment.cluster_id.as_ref() == Some(id) {
            diagnostics.push(Diagnostic::warning(
                field,
                format!(
                    "[{id}] is this deployment's own cluster ID: a deployment always trusts itself"
                ),
            ));
            continue;
        }
        for message in cluster_id_warnings(id, &known) {
            diagnostics.push(Diagnostic::warning(field.clone(), message));
        }
    }
    let mut trusted = Vec::new();
    for (i, other) in deployments.iter().enumerate() {
        if i == owner || !env.covers(me.deployment, other.deployment) {
            continue;
        }
        trusted.push(other.name.to_owned());
        if !other.trusts(me.deployment) {
            diagnostics.push(Diagnostic::warning(
                "trust",
                format!(
                    "[{}] trusts [{}], but [{}] does not trust [{}] back: the certificate model needs trust on both sides, so connections between them fail until [{}] trusts [{}] too",
                    me.name, other.name, other.name, me.name, other.name, me.name
                ),
            ));
        }
    }
    let blast_radius = (env.trust == TrustLevel::All).then(|| {
        let scope = env.effective_scope(me.deployment).unwrap_or_default();
        let known = if trusted.is_empty() {
            "none the console manages".to_owned()
        } else {
            trusted.join(", ")
        };
        format!(
            "trusts every current and future deployment of {} [{scope}] — of the deployments the console manages: {known}. Any of them can connect as a remote cluster with the privileges its API key or role grants.",
            env.environment.label()
        )
    });
    EnvironmentAnalysis {
        diagnostics,
        trusted,
        blast_radius,
    }
}

/// One trust direction between two deployments the console manages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustEdge {
    /// The trusting deployment.
    pub from: String,
    /// The trusted one.
    pub to: String,
    /// The environment of `from` that grants it.
    pub via: String,
    /// Whether `to` trusts `from` as well.
    pub mutual: bool,
}

/// Every trust direction among the deployments, in deployment and environment order.
pub fn trust_graph(deployments: &[DeploymentTrust<'_>]) -> Vec<TrustEdge> {
    let mut edges = Vec::new();
    for (i, from) in deployments.iter().enumerate() {
        for (j, to) in deployments.iter().enumerate() {
            if i == j {
                continue;
            }
            if let Some((via, _)) = from
                .environments
                .iter()
                .find(|(_, env)| env.covers(from.deployment, to.deployment))
            {
                edges.push(TrustEdge {
                    from: from.name.to_owned(),
                    to: to.name.to_owned(),
                    via: via.clone(),
                    mutual: to.trusts(from.deployment),
                });
            }
        }
    }
    edges
}

/// The certificate blocks of a PEM text, each as its own PEM string.
pub fn pem_blocks(text: &str) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let Some(end) = rest[start..].find(END) else {
            break;
        };
        let stop = start + end + END.len();
        out.push(format!("{}\n", &rest[start..stop]));
        rest = &rest[stop..];
    }
    out
}

fn level_json(env: &TrustedEnvironment) -> (bool, Vec<String>) {
    match env.trust {
        TrustLevel::All => (true, Vec::new()),
        TrustLevel::Specific => (false, env.cluster_ids.clone()),
        TrustLevel::None => (false, Vec::new()),
    }
}

/// The ECE/ECH deployment trust payload (`{"trust": {"accounts", "external", "direct"}}`)
/// for a hosted deployment; `None` for a self-managed one (see [`self_managed_trust`]).
pub fn deployment_trust_json(
    owner: &Deployment,
    environments: &[(String, TrustedEnvironment)],
) -> Option<Value> {
    if owner.kind == DeploymentKind::SelfManaged {
        return None;
    }
    let mut accounts = Vec::new();
    let mut external = Vec::new();
    let mut direct = Vec::new();
    for (name, env) in environments {
        let (trust_all, allowlist) = level_json(env);
        let scope = env.effective_scope(owner);
        let direct_entry = |kind: &str| {
            let mut entry = json!({
                "type": kind,
                "name": name,
                "certificates": pem_blocks(&env.certificates).into_iter().map(|pem| json!({"pem": pem})).collect::<Vec<_>>(),
                "trust_all": trust_all,
                "trust_allowlist": allowlist,
            });
            if let Some(scope) = &scope {
                entry["scope_id"] = json!(scope);
            }
            if !env.node_names.is_empty() {
                entry["additional_node_names"] = json!(env.node_names);
            }
            entry
        };
        match (env.environment, owner.kind) {
            (EnvironmentType::ThisEnvironment, _)
            | (EnvironmentType::ElasticCloud, DeploymentKind::ElasticCloud) => {
                accounts.push(json!({
                    "account_id": scope.unwrap_or_default(),
                    "trust_all": trust_all,
                    "trust_allowlist": allowlist,
                }))
            }
            (EnvironmentType::Ece, DeploymentKind::Ece) => external.push(json!({
                "trust_relationship_id": env.trust_relationship_id.clone().unwrap_or_default(),
                "trust_all": trust_all,
                "trust_allowlist": allowlist,
            })),
            (EnvironmentType::Ece, _) => direct.push(direct_entry("ECE")),
            (EnvironmentType::ElasticCloud, _) => direct.push(direct_entry("ESS")),
            (EnvironmentType::SelfManaged, _) => direct.push(direct_entry("generic")),
        }
    }
    Some(json!({"trust": {"accounts": accounts, "external": external, "direct": direct}}))
}

/// What a self-managed cluster configures to trust other clusters' nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfManagedTrust {
    /// Content of the file `xpack.security.transport.ssl.trust_restrictions.path` names.
    pub trust_restrictions: String,
    /// The CA certificates to add to `xpack.security.transport.ssl.certificate_authorities`.
    pub ca_pem: String,
    /// The steps, in order.
    pub steps: Vec<String>,
}

fn node_pattern(cluster: &str, scope: &str) -> String {
    format!("*.node.{cluster}.cluster.{scope}.account")
}

fn restrictions_file(names: &[String]) -> String {
    let mut out = String::from("trust.subject_name:\n");
    for name in names {
        out.push_str(&format!("  - \"{name}\"\n"));
    }
    out
}

/// The `trust_restrictions` file and CA steps of a self-managed deployment trusting its
/// environments; `None` for a hosted deployment (see [`deployment_trust_json`]).
pub fn self_managed_trust(
    owner: &Deployment,
    environments: &[(String, TrustedEnvironment)],
) -> Option<SelfManagedTrust> {
    if owner.kind != DeploymentKind::SelfManaged {
        return None;
    }
    let mut names = Vec::new();
    let mut ca_pem = String::new();
    for (_, env) in environments {
        if env.trust == TrustLevel::None && env.node_names.is_empty() {
            continue;
        }
        ca_pem.push_str(&pem_blocks(&env.certificates).concat());
        let scope = env.effective_scope(owner).unwrap_or_default();
        match env.trust {
            TrustLevel::All if !scope.is_empty() => names.push(node_pattern("*", &scope)),
            TrustLevel::Specific => {
                names.extend(env.cluster_ids.iter().map(|id| node_pattern(id, &scope)))
            }
            _ => {}
        }
        names.extend(env.node_names.iter().cloned());
    }
    Some(SelfManagedTrust {
        trust_restrictions: restrictions_file(&names),
        ca_pem,
        steps: vec![
            "Append the CA certificates below to the file xpack.security.transport.ssl.certificate_authorities names, on every node.".to_owned(),
            "Save trust_restrictions below as config/trust.yml on every node and set xpack.security.transport.ssl.trust_restrictions.path: trust.yml.".to_owned(),
            "Restart the nodes one at a time (both settings are static).".to_owned(),
        ],
    })
}

/// What a self-managed cluster trusted by hosted deployment `owner` must configure to trust
/// it back: `owner`'s CA and its node names.
pub fn self_managed_counterpart(owner: &Deployment) -> SelfManagedTrust {
    let cluster = owner.cluster_id.as_deref().unwrap_or("<cluster-id>");
    let scope = owner
        .scope_id
        .as_deref()
        .unwrap_or("<organization-or-environment-id>");
    SelfManagedTrust {
        trust_restrictions: restrictions_file(&[node_pattern(cluster, scope)]),
        ca_pem: owner.transport_ca_pem.clone(),
        steps: vec![
            "On the self-managed cluster, add this deployment's CA (below; on Elastic Cloud and ECE it is on the deployment's Security page) to xpack.security.transport.ssl.certificate_authorities on every node.".to_owned(),
            "Save trust_restrictions below as config/trust.yml and set xpack.security.transport.ssl.trust_restrictions.path: trust.yml, so that only this deployment's nodes are accepted.".to_owned(),
            "Restart the self-managed nodes one at a time.".to_owned(),
        ],
    }
}
