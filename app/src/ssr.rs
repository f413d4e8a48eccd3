//! Server-only code: application state, database repositories, authentication.
//!
//! Compiled only with the `ssr` feature. Server functions and the JSON API call into this
//! module; neither holds SQL or rules of its own.

pub mod audit_log;
pub mod auth;
pub mod coalesce;
pub mod context;
pub mod crypto;
pub mod dashboard;
pub mod db;
pub mod deployments;
pub mod export;
pub mod history;
pub mod http;
pub mod jwks_fetch;
pub mod playground;
pub mod security;
pub mod session_store;
pub mod snapshot;
pub mod state;
pub mod trust;
pub mod views;
pub mod write_plan;

pub use context::{current_user, state};
pub use state::AppState;

/// The server clock, epoch seconds (the one place the server reads wall time for checks).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
