//! `PUT /api/v1/account/password`.

use axum::{Extension, extract::State, http::StatusCode};

use app::{
    api::account::ChangePasswordInput,
    error::ApiError,
    ssr::{AppState, auth, auth::SessionUser},
};

use super::ApiJson;

/// Changes the logged-in user's password: `{"current_password", "new_password"}`.
pub async fn change_password(
    State(state): State<AppState>,
    Extension(user): Extension<SessionUser>,
    ApiJson(input): ApiJson<ChangePasswordInput>,
) -> Result<StatusCode, ApiError> {
    auth::change_password(
        &state.pool,
        &user.username,
        user.user_id,
        input.current_password,
        &input.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
