//! Fetching a realm's `https` JWK set — only when the admin asks, never while a page renders —
//! with a time limit and a size limit, reporting failures in Elasticsearch's wording. The
//! fetched copy then stands in for Elasticsearch's own fetch at node start in the lint.

use std::time::Duration;

use trust_core::resource::realm_config::MAX_JWKSET_BYTES;

/// Longest a fetch may take, connection included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest the connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTPS client for JWK sets. Cheap to clone.
#[derive(Clone, Debug)]
pub struct JwksFetcher {
    client: reqwest::Client,
}

/// Why a fetcher could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FetcherError {
    /// The extra CA file is not PEM certificates.
    #[error("the JWK set CA file is not PEM certificates: {0}")]
    Ca(String),
    /// The TLS client could not be built.
    #[error("cannot build the HTTPS client: {0}")]
    Client(String),
}

impl JwksFetcher {
    /// A fetcher trusting the public web roots plus the PEM certificates in `extra_ca`.
    ///
    /// # Errors
    /// The extra CAs do not parse, or the client cannot be built.
    pub fn new(extra_ca: Option<&[u8]>) -> Result<Self, FetcherError> {
        let mut builder = reqwest::Client::builder()
            .https_only(true)
            .timeout(FETCH_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("trust-console/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = extra_ca {
            for cert in reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| FetcherError::Ca(e.to_string()))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        builder
            .build()
            .map(|client| Self { client })
            .map_err(|e| FetcherError::Client(e.to_string()))
    }

    /// The body at `url`, for the setting `key` (named in the messages).
    ///
    /// # Errors
    /// Elasticsearch's messages for an unreachable URL (`Can't get contents for setting [..]
    /// value [..].`) and a non-200 answer (`Get [..] failed, status [..], reason [..].`), or
    /// the console's for a body over the size limit.
    pub async fn fetch(&self, key: &str, url: &str) -> Result<String, String> {
        let unreachable = |error: &reqwest::Error| {
            format!(
                "Can't get contents for setting [{key}] value [{url}]. ({})",
                root_cause(error)
            )
        };
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            return Err(format!(
                "Get [{url}] failed, status [{}], reason [{}].",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ));
        }
        let too_large = || {
            format!(
                "the JWK set at [{url}] is larger than the {MAX_JWKSET_BYTES} bytes the console accepts"
            )
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_JWKSET_BYTES as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| unreachable(&e))? {
            if body.len() + chunk.len() > MAX_JWKSET_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| format!("the JWK set at [{url}] is not UTF-8 text"))
    }
}

/// The innermost cause of an error: reqwest's own message only says the request failed.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
