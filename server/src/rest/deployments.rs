//! `/api/v1/deployments`: list (`GET`, with the deployment unscoped requests use),
//! read, create or replace (`PUT …/{name}[?version=N]`), delete (`DELETE …/{name}[?version=N]`,
//! never the last one); and the trust views of the deployment a request works on:
//! `GET /api/v1/trust` (environments, payloads, trust graph) and
//! `GET /api/v1/trust/remote-clusters` (each remote with what both sides configure).

use axum::{
    Extension, Json,
    extract::{Path, Query, State},
    http::StatusCode,
};
use serde_json::Value;

use app::{
    api::deployments::{DeploymentList, DeploymentView, RemoteView, TrustOverview},
    error::ApiError,
    ssr::{AppState, auth::SessionUser, deployments, trust},
};

use super::{ApiJson, InScope, resources::VersionQuery};

/// `GET /api/v1/deployments`.
pub async fn list(
    State(state): State<AppState>,
    InScope(scope): InScope,
) -> Result<Json<DeploymentList>, ApiError> {
    deployments::list(&state.pool, &scope).await.map(Json)
}

/// `GET /api/v1/deployments/{name}`.
pub async fn show(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<DeploymentView>, ApiError> {
    deployments::get(&state.pool, &name).await.map(Json)
}

/// `PUT /api/v1/deployments/{name}[?version=N]`: 201 created, 200 replaced.
pub async fn put(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    Path(name): Path<String>,
    Query(query): Query<VersionQuery>,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<DeploymentView>), ApiError> {
    let version = query.parse()?;
    let view = deployments::put(&state.pool, &user.username, &name, &body, version).await?;
    let status = if version.is_none() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}

/// `DELETE /api/v1/deployments/{name}[?version=N]`.
pub async fn delete(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    Path(name): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    let version = query.parse()?;
    deployments::delete(&state.pool, &user.username, &name, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/trust[?deployment=…]`.
pub async fn overview(
    State(state): State<AppState>,
    InScope(scope): InScope,
) -> Result<Json<TrustOverview>, ApiError> {
    trust::overview(&state.pool, &scope).await.map(Json)
}

/// `GET /api/v1/trust/remote-clusters[?deployment=…]`.
pub async fn remotes(
    State(state): State<AppState>,
    InScope(scope): InScope,
) -> Result<Json<Vec<RemoteView>>, ApiError> {
    trust::remotes(&state.pool, &scope).await.map(Json)
}
