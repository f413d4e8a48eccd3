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
        // Checked as axum's `Json` checks it, but before the body is taken, so that the request
        // head (headers and extensions) need not be copied to hand axum a request again.
        let is_json = json_content_type(request.headers());
        let bytes = match axum::body::Bytes::from_request(request, state).await {
            Ok(bytes) => bytes,
            Err(rejection) => return Err(reject(JsonRejection::from(rejection)).into_response()),
        };
        if let Some(duplicate) = trust_core::xcontent::duplicate_key(&bytes) {
            return Err(ApiError::invalid("body", duplicate).into_response());
        }
        if !is_json {
            return Err(ApiError::invalid("body", NOT_JSON).into_response());
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(reject(rejection).into_response()),
        }
    }
}

/// A 200 JSON response serialized into a buffer of `capacity` bytes, for answers known to be
/// large: axum's `Json` starts at 128 bytes and copies the body each time it outgrows it.
pub fn sized_json<T: serde::Serialize>(value: &T, capacity: usize) -> Response {
    let mut body = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => (
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(mime::APPLICATION_JSON.as_ref()),
            )],
            body,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "a response could not be serialized");
            ApiError::Internal.into_response()
        }
    }
}

/// A body sent without a JSON content type.
const NOT_JSON: &str = "expected a JSON body with Content-Type: application/json";

/// Whether the request says its body is JSON: `application/json` or `application/…+json`
/// (axum's `Json` rule, which is private to it).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
        .is_some_and(|mime| {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|name| name == "json"))
        })
}

fn reject(rejection: JsonRejection) -> ApiError {
    let message = match rejection {
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

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header::CONTENT_TYPE};

    use super::json_content_type;

    fn with(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("header value"),
        );
        headers
    }

    /// The cases of axum's own test of its rule.
    #[test]
    fn json_content_types_are_axums() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "application/json;charset=utf-8",
            "application/cloudevents+json",
            "APPLICATION/JSON",
        ] {
            assert!(json_content_type(&with(json)), "{json}");
        }
        for other in ["text/json", "application/xml", "json", "application/", ""] {
            assert!(!json_content_type(&with(other)), "{other}");
        }
        assert!(!json_content_type(&HeaderMap::new()));
    }
}
