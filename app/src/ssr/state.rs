//! The state every request handler and server function shares.

use std::sync::Arc;

use crate::ssr::db::Pool;
use axum::extract::FromRef;
use leptos::{WasmSplitManifest, prelude::LeptosOptions};

use crate::ssr::{
    auth::{LoginThrottle, SessionLimits},
    deployments::ScopeCache,
    jwks_fetch::JwksFetcher,
    snapshot::Snapshots,
};

/// Shared application state: cheap to clone (everything inside is reference-counted).
#[derive(Clone)]
pub struct AppState {
    /// The database pool (SQLite or PostgreSQL).
    pub pool: Pool,
    /// Leptos' site options (site root, package name, address).
    pub leptos_options: LeptosOptions,
    /// Failed-login counters per account and per client address.
    pub throttle: Arc<LoginThrottle>,
    /// The HTTPS client for JWK set fetches.
    pub jwks: JwksFetcher,
    /// How long sessions last.
    pub sessions: SessionLimits,
    /// Parsed realms, mappings, roles and users per deployment, for validation.
    pub snapshots: Snapshots,
    /// Resolved deployments, while the database says nothing changed.
    pub scopes: ScopeCache,
    /// Which WASM chunks each lazily loaded page needs (the built client's wasm-split
    /// manifest), handed to Leptos with every rendered page; `None` for an unsplit client.
    pub chunk_preloads: Option<WasmSplitManifest>,
}

impl AppState {
    /// State over an open pool.
    pub fn new(pool: Pool, leptos_options: LeptosOptions, jwks: JwksFetcher) -> Self {
        Self {
            throttle: Arc::new(LoginThrottle::new(pool.clone())),
            pool,
            leptos_options,
            jwks,
            sessions: SessionLimits::default(),
            snapshots: Snapshots::default(),
            scopes: ScopeCache::default(),
            chunk_preloads: None,
        }
    }

    /// The same state with the client's chunk manifest.
    #[must_use]
    pub fn with_chunk_preloads(self, chunk_preloads: Option<WasmSplitManifest>) -> Self {
        Self {
            chunk_preloads,
            ..self
        }
    }

    /// The same state with other session limits.
    #[must_use]
    pub fn with_session_limits(self, sessions: SessionLimits) -> Self {
        Self { sessions, ..self }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
