//! `POST /api/v1/certificates/check`: the certificate workbench's checks (the same as
//! `trust-console check-cert`). Nothing is stored; a private key sent here is only compared.

use axum::Json;
use serde::Deserialize;
use trust_core::cert::{CA_INPUT, CertCheck, CertError, CheckInput, check};

use app::error::ApiError;

use super::ApiJson;

/// The request body.
#[derive(Deserialize)]
pub struct CheckBody {
    /// The certificate in PEM (leaf first).
    pub certificate: String,
    /// Trusted CA certificates in PEM.
    #[serde(default)]
    pub ca: Option<String>,
    /// A private key in PEM.
    #[serde(default)]
    pub key: Option<String>,
    /// The `certificate_identity` pattern.
    pub pattern: String,
    /// Now, epoch seconds (default: the server clock).
    #[serde(default)]
    pub now: Option<i64>,
}

/// `POST /api/v1/certificates/check`.
pub async fn check_certificate(
    ApiJson(body): ApiJson<CheckBody>,
) -> Result<Json<CertCheck>, ApiError> {
    let now = body.now.unwrap_or_else(app::ssr::now_secs);
    let input = CheckInput {
        certificate: &body.certificate,
        ca: body.ca.as_deref().filter(|s| !s.trim().is_empty()),
        key: body.key.as_deref().filter(|s| !s.trim().is_empty()),
        pattern: &body.pattern,
        now,
    };
    check(input).map(Json).map_err(|error| {
        let field = match &error {
            CertError::NoCertificate(what) | CertError::Unparsable { what, .. }
                if *what == CA_INPUT =>
            {
                "ca"
            }
            CertError::Key(_) => "key",
            _ => "certificate",
        };
        ApiError::invalid(field, error.to_string())
    })
}
