//! Checks for the API-key remote-cluster model, for scripts (the console's remote-cluster pages
//! come with deployments): `POST /api/v1/cross-cluster/api-key/check` and
//! `POST /api/v1/cross-cluster/remote/check`. Nothing is stored.

use axum::Json;
use serde::Deserialize;
use serde_json::{Value, json};
use trust_core::cross_cluster::{RemoteCluster, RemoteSetup, check_api_key, remote_setup};
use trust_core::jwt::lint::StackVersion;

use app::error::ApiError;

use super::ApiJson;

/// `{"body": <cross-cluster API key request body>, "stack_version"?: "9.3"}`.
#[derive(Deserialize)]
pub struct ApiKeyCheck {
    /// The body of `POST /_security/cross_cluster/api_key`.
    pub body: Value,
    /// The stack version whose rules apply (default: the newest known).
    #[serde(default)]
    pub stack_version: Option<String>,
}

/// `POST /api/v1/cross-cluster/api-key/check`: `{"valid", "errors": [{"field", "message"}],
/// "role_descriptor"?, "warnings", "request"?}`.
pub async fn check_key(ApiJson(input): ApiJson<ApiKeyCheck>) -> Result<Json<Value>, ApiError> {
    let version = match input.stack_version.as_deref() {
        None => StackVersion::default(),
        Some(text) => text.parse().map_err(|_| {
            ApiError::invalid(
                "stack_version",
                format!("expected major.minor such as 9.3, found [{text}]"),
            )
        })?,
    };
    Ok(Json(match check_api_key(&input.body, version) {
        Ok(key) => json!({
            "valid": true,
            "errors": [],
            "role_descriptor": key.role_descriptor,
            "warnings": key.warnings,
            "request": format!(
                "POST /_security/cross_cluster/api_key\n{}",
                serde_json::to_string_pretty(&key.body).unwrap_or_default()
            ),
        }),
        Err(errors) => json!({"valid": false, "errors": errors, "warnings": []}),
    }))
}

/// `POST /api/v1/cross-cluster/remote/check` with a remote cluster
/// (`{"alias", "security": "api_key"|"certificate", "mode": "sniff"|"proxy", "addresses",
/// "skip_unavailable"}`): its settings, keystore commands and findings.
pub async fn check_remote(ApiJson(remote): ApiJson<RemoteCluster>) -> Json<RemoteSetup> {
    Json(remote_setup(&remote))
}
