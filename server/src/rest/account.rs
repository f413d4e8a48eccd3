//! `PUT /api/v1/account/password`.

use std::net::SocketAddr;

use axum::{
    Extension,
    extract::{ConnectInfo, State},
    http::StatusCode,
};

use app::{
    api::account::ChangePasswordInput,
    error::ApiError,
    ssr::{AppState, auth, auth::SessionUser},
};

use tower_sessions::Session;

use super::ApiJson;

/// Changes the logged-in user's password: `{"current_password", "new_password"}`; a wrong
/// current password counts as a failed login (429 once throttled).
pub async fn change_password(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    session: Session,
    ApiJson(input): ApiJson<ChangePasswordInput>,
) -> Result<StatusCode, ApiError> {
    auth::change_password(
        &state.pool,
        &state.throttle,
        &session,
        &user,
        input.current_password,
        &input.new_password,
        Some(address.ip()),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
