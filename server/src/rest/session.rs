//! `/api/v1/session`: log in (POST), who am I (GET), log out (DELETE); `/api/v1/sessions`:
//! log out everywhere (DELETE).

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
    Ok(Json(SessionInfo::from(user)))
}

/// The logged-in user and the session's CSRF token.
pub async fn show(Extension(user): Extension<SessionUser>) -> Json<SessionInfo> {
    Json(SessionInfo::from(user))
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

/// `DELETE /api/v1/sessions`: ends every session of the logged-in user, this one included.
pub async fn destroy_all(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    auth::logout_everywhere(&state.pool, &session, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
