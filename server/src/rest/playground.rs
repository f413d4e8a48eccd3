//! `/api/v1/playground`: validate a request (`POST …/validate`, the same JSON as
//! `trust-console check-token`), the realm summaries (`GET`), test tokens (`POST …/generate`),
//! and test signing keys (`PUT` / `DELETE /api/v1/realms/{name}/test-key`).

use std::net::SocketAddr;

use axum::{
    Extension, Json,
    extract::{ConnectInfo, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use app::{
    api::playground::{
        GenerateInput, GeneratedToken, PlaygroundInfo, TestKeyInput, TestKeyView, ValidateInput,
        ValidateOutcome,
    },
    error::ApiError,
    ssr::{AppState, auth::SessionUser, playground},
};

use super::{ApiJson, InScope};

/// Room for a verdict with its trace (about 3 KB for one realm; more grows the buffer).
const VERDICT_BYTES: usize = 4096;

/// `POST /api/v1/playground/validate`: 200 with the verdict (authenticated or not), or 422
/// when Elasticsearch would not start with the realms involved, in the API's one error shape:
/// `{"error": {"code": "invalid_configuration", "message", "diagnostics": [...]}}`.
pub async fn validate(
    State(state): State<AppState>,
    InScope(scope): InScope,
    ApiJson(input): ApiJson<ValidateInput>,
) -> Result<Response, ApiError> {
    let outcome =
        playground::validate(&state.pool, &state.snapshots, &state.jwks, &scope, &input).await?;
    Ok(match outcome {
        ValidateOutcome::Verdict(verdict) => super::sized_json(&verdict, VERDICT_BYTES),
        ValidateOutcome::InvalidConfig { error, diagnostics } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({"error": {
                "code": "invalid_configuration",
                "message": error,
                "diagnostics": diagnostics,
            }})),
        )
            .into_response(),
    })
}

/// `GET /api/v1/playground`.
pub async fn info(
    State(state): State<AppState>,
    InScope(scope): InScope,
) -> Result<Json<PlaygroundInfo>, ApiError> {
    playground::info(&state.pool, &scope).await.map(Json)
}

/// `POST /api/v1/playground/generate`.
pub async fn generate(
    State(state): State<AppState>,
    InScope(scope): InScope,
    Extension(user): Extension<SessionUser>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    session: Session,
    ApiJson(input): ApiJson<GenerateInput>,
) -> Result<Json<GeneratedToken>, ApiError> {
    let minter = playground::Minter {
        throttle: &state.throttle,
        session: &session,
        user: &user,
        address: Some(address.ip()),
    };
    playground::generate(&state.pool, &scope, &minter, &input)
        .await
        .map(Json)
}

/// The body of `PUT /api/v1/realms/{name}/test-key`.
#[derive(Deserialize)]
pub struct TestKeyBody {
    /// The private key in PEM.
    pub private_pem: String,
}

/// `PUT /api/v1/realms/{name}/test-key`.
pub async fn set_test_key(
    State(state): State<AppState>,
    InScope(scope): InScope,
    Extension(user): Extension<SessionUser>,
    Path(realm): Path<String>,
    ApiJson(body): ApiJson<TestKeyBody>,
) -> Result<Json<TestKeyView>, ApiError> {
    let input = TestKeyInput {
        realm,
        private_pem: body.private_pem,
    };
    playground::set_test_key(&state.pool, &scope, &user.username, &input)
        .await
        .map(Json)
}

/// `DELETE /api/v1/realms/{name}/test-key`.
pub async fn clear_test_key(
    State(state): State<AppState>,
    InScope(scope): InScope,
    Extension(user): Extension<SessionUser>,
    Path(realm): Path<String>,
) -> Result<StatusCode, ApiError> {
    playground::clear_test_key(&state.pool, &scope, &user.username, &realm).await?;
    Ok(StatusCode::NO_CONTENT)
}
