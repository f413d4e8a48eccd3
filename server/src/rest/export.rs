//! `/api/v1/deployments/{name}/export` and `/import`:
//! - `GET …/export`: every artifact (secrets masked), what blocks the export, the diff
//!   against the previous export;
//! - `GET …/export/{artifact}[?draft=true]`: one artifact as text, or `zip` for all of them
//!   with the support files (recorded as the previous export); refused with a 400 listing
//!   the errors while Elasticsearch would refuse to start, unless `draft=true`;
//! - `POST …/export/reveal` `{"password"}`: the artifacts with secret values (a wrong
//!   password counts as a failed login; a 429 when throttled);
//! - `POST …/import[?apply=true]` with `{"yml", "secure_settings"?, "role_mappings"?,
//!   "roles"?, "files"?}`: the preview, or applied in one transaction; a 400 with every
//!   problem when the files do not pass.

use std::net::SocketAddr;

use axum::{
    Extension, Json,
    extract::{ConnectInfo, Path, Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use app::{
    api::export::{ExportView, ImportPreview, RevealRequest},
    error::ApiError,
    ssr::{AppState, auth::SessionUser, deployments, export},
};
use trust_core::export::{Artifact, ImportInput};

use super::ApiJson;

/// `?draft=` of an artifact download.
#[derive(Debug, Deserialize)]
pub struct DraftQuery {
    /// Export even though Elasticsearch would refuse to start.
    #[serde(default)]
    pub draft: Option<String>,
}

fn flag(field: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true" | "") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            field,
            format!("expected true or false, found [{other}]"),
        )),
    }
}

/// `GET /api/v1/deployments/{name}/export`.
pub async fn show(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<ExportView>, ApiError> {
    let scope = deployments::resolve(&state.pool, Some(&name), None).await?;
    export::view(&state.pool, &scope).await.map(Json)
}

/// `GET /api/v1/deployments/{name}/export/{artifact}[?draft=true]`.
pub async fn artifact(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    Path((name, artifact)): Path<(String, String)>,
    Query(query): Query<DraftQuery>,
) -> Result<Response, ApiError> {
    let draft = flag("draft", query.draft.as_deref())?;
    let scope = deployments::resolve(&state.pool, Some(&name), None).await?;
    let download = export::download(&state.pool, &scope, &user.username, &artifact, draft).await?;
    let mut response = download.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download.content_type),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", download.file))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /api/v1/deployments/{name}/export/reveal`.
pub async fn reveal(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<RevealRequest>,
) -> Result<Json<Vec<Artifact>>, ApiError> {
    let scope = deployments::resolve(&state.pool, Some(&name), None).await?;
    let throttle = &state.throttle;
    export::reveal(
        &state.pool,
        throttle,
        &user,
        &scope,
        request.password,
        Some(address.ip()),
    )
    .await
    .map(Json)
}

/// `?apply=` of an import.
#[derive(Debug, Deserialize)]
pub struct ApplyQuery {
    /// Apply instead of previewing.
    #[serde(default)]
    pub apply: Option<String>,
}

/// `POST /api/v1/deployments/{name}/import[?apply=true]`.
pub async fn import(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    Path(name): Path<String>,
    Query(query): Query<ApplyQuery>,
    ApiJson(input): ApiJson<ImportInput>,
) -> Result<Response, ApiError> {
    let apply = flag("apply", query.apply.as_deref())?;
    let scope = deployments::resolve(&state.pool, Some(&name), None).await?;
    let preview: ImportPreview =
        export::import(&state.pool, &scope, &user.username, &input, apply).await?;
    if preview.problems.is_empty() {
        return Ok(Json(preview).into_response());
    }
    let listed: Vec<String> = preview.problems.iter().map(ToString::to_string).collect();
    let first = &preview.problems[0];
    let body = json!({
        "error": {
            "code": "invalid",
            "field": first.file,
            "message": format!("the import was not applied: {}", listed.join("; ")),
        },
        "problems": preview.problems,
    });
    Ok((StatusCode::BAD_REQUEST, Json(body)).into_response())
}
