//! Typed access, inside server functions, to what the server put in context.

use axum::{Extension, http::StatusCode};
use leptos::prelude::use_context;

use crate::{error::ApiError, ssr::auth::SessionUser, ssr::state::AppState};

/// The application state provided to every server function.
///
/// # Errors
/// [`ApiError::Internal`] when called outside a request the server set up (a wiring bug).
pub fn state() -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server-function context");
        ApiError::Internal
    })
}

/// The logged-in user of this request, as the auth middleware found it.
///
/// # Errors
/// [`ApiError::Unauthenticated`] when the request has no logged-in session.
pub async fn current_user() -> Result<SessionUser, ApiError> {
    leptos_axum::extract::<Option<Extension<SessionUser>>>()
        .await
        .ok()
        .flatten()
        .map(|Extension(user)| user)
        .ok_or(ApiError::Unauthenticated)
}

/// The tower-sessions session of this request.
///
/// # Errors
/// [`ApiError::Internal`] when the session layer is missing (a wiring bug).
pub async fn session() -> Result<tower_sessions::Session, ApiError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|error| {
            tracing::error!(%error, "session missing from request");
            ApiError::Internal
        })
}

/// The client's IP address, when the server was started with connect info.
pub async fn client_address() -> Option<std::net::IpAddr> {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()
        .map(|axum::extract::ConnectInfo(addr)| addr.ip())
}

/// Sets the HTTP status of a failed server function to the error's status and passes the
/// result through. Without this every server-function error would be a 500.
pub fn respond<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(error) = &result
        && let Some(options) = use_context::<leptos_axum::ResponseOptions>()
    {
        options.set_status(
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    result
}

/// The deployment this request works on: the session's selection, else the oldest.
///
/// # Errors
/// A database failure, or a wiring bug.
pub async fn scope() -> Result<crate::ssr::deployments::Scope, ApiError> {
    let state = state()?;
    let session = session().await?;
    crate::ssr::deployments::resolve_cached(&state.pool, &state.scopes, None, Some(&session)).await
}
