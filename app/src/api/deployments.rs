//! Deployments (the clusters the console manages) and their trust: environments with the
//! ECE/ECH trust payload or the self-managed counterpart, and remote clusters with what both
//! sides configure. Environments and remote clusters are stored and edited through the
//! generic resource functions ([`crate::api::security`]); these functions add the views
//! that need more than one document. One file per server function.

pub mod delete_deployment;
pub mod list_deployments;
pub mod load_trust_overview;
pub mod put_deployment;
pub mod remote_clusters;
pub mod select_deployment;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use trust_core::trust::{
    Deployment,
    environment::{SelfManagedTrust, TrustEdge},
    remote::RemoteAnalysis,
};

use crate::api::security::{DiagnosticView, ResourceView};

pub use delete_deployment::{DeleteDeployment, delete_deployment};
pub use list_deployments::{ListDeployments, list_deployments};
pub use load_trust_overview::{LoadTrustOverview, load_trust_overview};
pub use put_deployment::{PutDeployment, put_deployment};
pub use remote_clusters::{RemoteClusters, remote_clusters};
pub use select_deployment::{SelectDeployment, select_deployment};

/// A deployment as the browser and the API see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentView {
    /// Its unique name.
    pub name: String,
    /// Grows with every change; send it back to replace or delete.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
    /// The body (`trust_core::trust::Deployment` JSON).
    pub body: Value,
    /// Elasticsearch's startup errors and the console's warnings for it.
    #[serde(default)]
    pub diagnostics: Vec<DiagnosticView>,
}

/// Every deployment and the one this session works on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentList {
    /// The selected deployment's name.
    pub current: String,
    /// All of them, oldest first.
    pub deployments: Vec<DeploymentView>,
}

/// A create-or-replace of a deployment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PutDeploymentInput {
    /// The name.
    pub name: String,
    /// The version the edit is based on; `None` to create.
    pub version: Option<i64>,
    /// The body.
    pub body: Value,
}

/// One trusted environment with what the console derives for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentView {
    /// The stored environment (its diagnostics include the cross-deployment warnings).
    pub resource: ResourceView,
    /// The managed deployments it makes this one trust.
    pub trusted: Vec<String>,
    /// For "trust all": who that is.
    pub blast_radius: Option<String>,
    /// For a self-managed environment of a hosted deployment: what the self-managed side
    /// configures to trust it back.
    pub counterpart: Option<SelfManagedTrust>,
}

/// The trust picture of the selected deployment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustOverview {
    /// The deployment.
    pub deployment: String,
    /// Its kind (`self_managed`, `ece`, `elastic_cloud`).
    pub kind: String,
    /// The deployment itself (what the environment checks depend on).
    pub owner: Deployment,
    /// Its environments.
    pub environments: Vec<EnvironmentView>,
    /// ECE/ECH: the deployment trust payload (`{"trust": …}`).
    pub payload: Option<Value>,
    /// Self-managed: the `trust_restrictions` file and CA steps.
    pub self_managed: Option<SelfManagedTrust>,
    /// Trust directions among every deployment the console manages.
    pub graph: Vec<TrustEdge>,
}

/// One remote cluster with what both sides configure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteView {
    /// The stored remote (its diagnostics are the analysis's).
    pub resource: ResourceView,
    /// Settings, keystore commands, the API key request and the derived role.
    pub analysis: RemoteAnalysis,
}
