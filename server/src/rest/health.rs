//! `GET /api/v1/health` — no login needed.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use app::ssr::AppState;

/// Version and database status; 503 when the database does not answer.
pub async fn show(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database_ok = state.pool.ping().await;
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if database_ok { "ok" } else { "degraded" },
        "version": env!("CARGO_PKG_VERSION"),
        "database": { "status": if database_ok { "ok" } else { "unavailable" } },
    });
    (status, Json(body))
}
