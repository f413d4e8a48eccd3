//! The scriptable JSON API under `/api/v1`. Handlers call the same services as the server
//! functions; every error body is `{"error": {"code", "message", "field"?}}`.

pub mod account;
pub mod audit;
pub mod certificates;
pub mod cross_cluster;
pub mod deployments;
pub mod export;
pub mod health;
pub mod playground;
pub mod resources;
pub mod session;

use axum::http::StatusCode;
use axum::{
    extract::{FromRequest, Request, rejection::JsonRejection},
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;

/// The largest request body most of the API reads (axum's default limit).
pub const BODY_LIMIT: usize = 2 << 20;
/// The largest security-resource body read: large enough that an oversized JWK set reaches
/// the resource check and gets its field-level error instead of a cut connection.
pub const RESOURCE_BODY_LIMIT: usize = 8 << 20;

use app::{
    error::ApiError,
    ssr::{AppState, deployments::Scope},
};

/// The deployment a request works on: `?deployment=<name>`, else the session's selection
/// (the top-bar switcher), else the oldest deployment.
pub struct InScope(pub Scope);

#[derive(serde::Deserialize)]
struct DeploymentQuery {
    deployment: Option<String>,
}

impl axum::extract::FromRequestParts<AppState> for InScope {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let requested = axum::extract::Query::<DeploymentQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.deployment);
        let session = parts.extensions.get::<tower_sessions::Session>();
        app::ssr::deployments::resolve_cached(
            &state.pool,
            &state.scopes,
            requested.as_deref(),
            session,
        )
        .await
        .map(Self)
    }
}

/// A JSON request body whose rejection is an [`ApiError::Invalid`] on field `body`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    /// Reads the body once, refuses a repeated key as Elasticsearch's strict JSON parser does
    /// (a shared rule of every body, not of one resource), then deserializes it.
    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let head = Request::from_parts(parts.clone(), body);
        let bytes = match axum::body::Bytes::from_request(head, state).await {
            Ok(bytes) => bytes,
            Err(rejection) => return Err(reject(JsonRejection::from(rejection)).into_response()),
        };
        if let Some(duplicate) = trust_core::xcontent::duplicate_key(&bytes) {
            return Err(ApiError::invalid("body", duplicate).into_response());
        }
        let request = Request::from_parts(parts, axum::body::Body::from(bytes));
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(reject(rejection).into_response()),
        }
    }
}

fn reject(rejection: JsonRejection) -> ApiError {
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "expected a JSON body with Content-Type: application/json".to_owned()
        }
        JsonRejection::JsonSyntaxError(error) => format!("not valid JSON: {}", error.body_text()),
        JsonRejection::JsonDataError(error) => error.body_text(),
        JsonRejection::BytesRejection(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            format!(
                "the request body is larger than the {} MiB limit",
                BODY_LIMIT >> 20
            )
        }
        other => other.body_text(),
    };
    ApiError::invalid("body", message)
}
