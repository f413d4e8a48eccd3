//! How an [`ApiError`] becomes an HTTP response on the JSON API.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::error::ApiError;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after_secs();
        let mut response = (status, Json(self)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if crate::ssr::db::is_busy(&error) {
            tracing::warn!(%error, "database busy; answered as a conflict");
            return Self::Conflict {
                message: "another change was being saved at the same moment; reload and try again"
                    .to_owned(),
            };
        }
        tracing::error!(%error, "database error");
        Self::Internal
    }
}
