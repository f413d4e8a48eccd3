//! Security resources — realms, role mappings, roles, native users, sample identities — as
//! the browser and the JSON API exchange them. One generic set of server functions serves
//! every kind; `trust_core::resource` decides what a valid body is.

pub mod delete_resource;
pub mod fetch_jwks;
pub mod list_resources;
pub mod put_resource;

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use trust_core::jwt::lint::Diagnostic;
pub use trust_core::resource::ResourceKind;

pub use delete_resource::{DeleteResource, delete_resource};
pub use fetch_jwks::{FetchJwks, fetch_jwks};
pub use list_resources::{ListResources, list_resources};
pub use put_resource::{PutResource, put_resource};

/// The JSON API collection of a kind: `/api/v1/<segment>`.
pub const fn api_segment(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Realm => "realms",
        ResourceKind::RoleMapping => "role-mappings",
        ResourceKind::Role => "roles",
        ResourceKind::User => "users",
        ResourceKind::SampleIdentity => "sample-identities",
        ResourceKind::TrustedEnvironment => "trusted-environments",
        ResourceKind::RemoteCluster => "remote-clusters",
    }
}

/// A stored resource as anyone outside the server sees it: secrets only as "set, when".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceView {
    /// The name (unique within its kind).
    pub name: String,
    /// Grows by one with every change; send it back to replace or delete.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
    /// The body: Elasticsearch's own where it has one (role mapping, role descriptor, user
    /// without its password); for a realm `{"type", "settings", "pkc_jwkset"?}`.
    pub body: Value,
    /// Write-only values that are set, with when: realm keystore settings, a user's password.
    #[serde(default)]
    pub secure_settings: BTreeMap<String, SecretState>,
    /// Realm lint (Elasticsearch's startup checks over the whole chain, errors first) or a role
    /// mapping's warnings.
    #[serde(default)]
    pub diagnostics: Vec<DiagnosticView>,
}

/// A write-only value that is set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretState {
    /// When it was last set, RFC 3339 UTC.
    pub changed_at: String,
}

/// One lint finding as the browser and the API see it: core's own type, so the wire carries
/// the severity as the enum it is (`"error"` / `"warning"`). Realm findings name the setting
/// relative to the realm (`claims.principal`); the realm-wide ones leave it empty.
pub type DiagnosticView = Diagnostic;

/// A create-or-replace request.
#[derive(Clone, Serialize, Deserialize)]
pub struct PutResourceInput {
    /// Which kind.
    pub kind: ResourceKind,
    /// The name.
    pub name: String,
    /// The version the edit is based on; `None` to create.
    pub version: Option<i64>,
    /// The body (may carry secrets: `Debug` hides it).
    pub body: Value,
}

impl fmt::Debug for PutResourceInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PutResourceInput")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}
