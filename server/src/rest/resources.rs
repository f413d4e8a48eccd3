//! `/api/v1/{realms,role-mappings,roles,users,sample-identities,trusted-environments,
//! remote-clusters}`: list, read, create or replace (`PUT …/{name}[?version=N]`), delete
//! (`DELETE …/{name}[?version=N]`), the kept versions (`GET …/{name}/history`) and restoring
//! one (`POST …/{name}/history/{version}/restore?version=N`). The same service as the server
//! functions; bodies are Elasticsearch's own where it has one.

use axum::{
    Extension, Json, Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::Value;

use app::{
    api::security::{ResourceKind, ResourceView},
    error::ApiError,
    ssr::{AppState, auth::SessionUser, history, security},
};

use super::{ApiJson, InScope};

/// `?version=N`: the version an edit or delete is based on.
#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    /// Absent to create; the version read, to replace or delete.
    pub version: Option<String>,
}

impl VersionQuery {
    /// The version, checked.
    ///
    /// # Errors
    /// [`ApiError::Invalid`] on `version` for anything but a whole number ≥ 1.
    pub fn parse(&self) -> Result<Option<i64>, ApiError> {
        self.version
            .as_deref()
            .map(|v| {
                v.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    ApiError::invalid(
                        "version",
                        format!("expected a whole number ≥ 1, found [{v}]"),
                    )
                })
            })
            .transpose()
    }
}

/// The routes of one kind, to nest under its collection path.
pub fn collection(kind: ResourceKind) -> Router<AppState> {
    Router::new()
        .route(
            "/",
            get(
                move |State(state): State<AppState>, InScope(scope): InScope| async move {
                    security::list(&state.pool, &scope, kind).await.map(Json)
                },
            ),
        )
        .route(
            "/{name}",
            get(
                move |State(state): State<AppState>,
                      InScope(scope): InScope,
                      Path(name): Path<String>| async move {
                    security::get(&state.pool, &scope, kind, &name)
                        .await
                        .map(Json)
                },
            )
            .put(
                move |State(state): State<AppState>,
                      InScope(scope): InScope,
                      Extension(user): Extension<SessionUser>,
                      Path(name): Path<String>,
                      Query(query): Query<VersionQuery>,
                      ApiJson(body): ApiJson<Value>| async move {
                    put(state, scope, user, kind, name, query, body).await
                },
            )
            .delete(
                move |State(state): State<AppState>,
                      InScope(scope): InScope,
                      Extension(user): Extension<SessionUser>,
                      Path(name): Path<String>,
                      Query(query): Query<VersionQuery>| async move {
                    let version = query.parse()?;
                    security::delete(&state.pool, &scope, &user.username, kind, &name, version)
                        .await?;
                    Ok::<_, ApiError>(StatusCode::NO_CONTENT)
                },
            ),
        )
        .route(
            "/{name}/history",
            get(
                move |State(state): State<AppState>,
                      InScope(scope): InScope,
                      Path(name): Path<String>| async move {
                    history::list(&state.pool, &scope, kind, &name)
                        .await
                        .map(Json)
                },
            ),
        )
        .route(
            "/{name}/history/{version}/restore",
            post(
                move |State(state): State<AppState>,
                      InScope(scope): InScope,
                      Extension(user): Extension<SessionUser>,
                      Path((name, restored)): Path<(String, String)>,
                      Query(query): Query<VersionQuery>| async move {
                    restore(state, scope, user, kind, name, &restored, &query).await
                },
            ),
        )
        .layer(DefaultBodyLimit::max(super::RESOURCE_BODY_LIMIT))
}

/// `POST …/{name}/history/{version}/restore?version=N`: kept `{version}` becomes the next
/// version of the resource, replacing version `N` (the one read; required, as for an edit).
async fn restore(
    state: AppState,
    scope: app::ssr::deployments::Scope,
    user: SessionUser,
    kind: ResourceKind,
    name: String,
    restored: &str,
    query: &VersionQuery,
) -> Result<Json<ResourceView>, ApiError> {
    let restored = restored
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            ApiError::invalid(
                "history_version",
                format!("expected a version number ≥ 1 in the path, found [{restored}]"),
            )
        })?;
    let based_on = query.parse()?.ok_or_else(|| {
        ApiError::invalid(
            "version",
            "send the version you are replacing (?version=N, the current one you read)",
        )
    })?;
    history::restore(
        &state.pool,
        &scope,
        &user.username,
        kind,
        &name,
        restored,
        based_on,
    )
    .await
    .map(Json)
}

/// `POST /api/v1/realms/{name}/fetch-jwks?version=N`: fetch the realm's https JWK set now.
pub async fn fetch_jwks(
    State(state): State<AppState>,
    InScope(scope): InScope,
    Extension(user): Extension<SessionUser>,
    Path(name): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Json<ResourceView>, ApiError> {
    let version = query
        .parse()?
        .ok_or_else(|| ApiError::invalid("version", "send the version of the realm you read"))?;
    security::fetch_jwks(
        &state.pool,
        &state.jwks,
        &scope,
        &user.username,
        &name,
        version,
    )
    .await
    .map(Json)
}

async fn put(
    state: AppState,
    scope: app::ssr::deployments::Scope,
    user: SessionUser,
    kind: ResourceKind,
    name: String,
    query: VersionQuery,
    body: Value,
) -> Result<(StatusCode, Json<ResourceView>), ApiError> {
    let version = query.parse()?;
    let view = security::put(
        &state.pool,
        &scope,
        &user.username,
        kind,
        &name,
        &body,
        version,
    )
    .await?;
    let status = if version.is_none() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view)))
}
