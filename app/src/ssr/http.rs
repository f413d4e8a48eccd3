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
        if crate::ssr::db::is_conflict(&error) {
            tracing::warn!(%error, "database busy; answered as a conflict");
            return Self::Conflict {
                message: "another change was being saved at the same moment; reload and try again"
                    .to_owned(),
            };
        }
        if crate::ssr::db::is_unstorable_text(&error) {
            // PostgreSQL stores no NUL character in text; SQLite would have. The request is at
            // fault either way: no name, setting or value the console keeps needs one.
            return Self::Invalid {
                field: "request".to_owned(),
                message: "text must not contain NUL characters (\\u0000)".to_owned(),
            };
        }
        tracing::error!(%error, "database error");
        Self::Internal
    }
}

/// The Content-Security-Policy of an HTML page: scripts only from this site or inline with
/// this response's nonce (Leptos puts it on every inline script it writes), WebAssembly
/// compilation allowed for the client, styles from this site (plus inline `style` attributes),
/// nothing may frame the page, and forms and requests go only to this site.
pub fn html_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Sets [`html_csp`] with the nonce of the page being rendered (called from the shell).
pub fn set_page_csp() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(options)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&html_csp(&nonce)) {
        options.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
