//! `/api/v1/session`: log in (POST), who am I (GET), log out (DELETE).

use std::net::SocketAddr;

use axum::{
    Extension, Json,
    extract::{ConnectInfo, State},
    http::StatusCode,
};
use tower_sessions::Session;

use app::{
    api::session::{LoginInput, SessionInfo},
    error::ApiError,
    ssr::{AppState, auth, auth::SessionUser},
};

use super::ApiJson;

fn info(user: SessionUser) -> SessionInfo {
    SessionInfo {
        username: user.username,
        csrf_token: user.csrf_token,
    }
}

/// Logs in; sets the session cookie and returns the CSRF token.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    session: Session,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<Json<SessionInfo>, ApiError> {
    let user = auth::login(
        &state.pool,
        &state.throttle,
        &session,
        &input.username,
        input.password,
        Some(address.ip()),
    )
    .await?;
    Ok(Json(info(user)))
}

/// The logged-in user and the session's CSRF token.
pub async fn show(Extension(user): Extension<SessionUser>) -> Json<SessionInfo> {
    Json(info(user))
}

/// Logs out.
pub async fn destroy(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    auth::logout(&state.pool, &session, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
