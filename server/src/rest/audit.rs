//! `GET /api/v1/audit?limit=&before=`.

use axum::{
    Json,
    extract::{Query, State},
};

use app::{
    api::audit::{AuditPageView, AuditQuery},
    error::ApiError,
    ssr::{AppState, audit_log},
};

/// One page of the audit log, newest first.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPageView>, ApiError> {
    audit_log::page(&state.pool, query.limit.as_deref(), query.before.as_deref())
        .await
        .map(Json)
}
