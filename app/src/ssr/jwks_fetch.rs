//! Fetching a realm's `https` JWK set — only when the admin asks, never while a page renders —
//! with a time limit and a size limit, reporting failures in Elasticsearch's wording. The
//! fetched copy then stands in for Elasticsearch's own fetch at node start in the lint.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use trust_core::resource::realm_config::MAX_JWKSET_BYTES;

/// Longest a fetch may take, connection included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest the connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a failed fetch of one URL is answered from memory instead of connecting again
/// (validate reloads the JWK set on every bad signature, as Elasticsearch does; against a host
/// that fails, a burst of bad tokens must not become a burst of connections). A successful
/// fetch is not remembered: right after the provider rotates its keys, the reload must see
/// them, as Elasticsearch's does.
pub const FAILURE_MEMORY: Duration = Duration::from_secs(10);
/// Most URLs remembered.
const MEMORY_ENTRIES: usize = 256;

/// A fetch result and when it was had.
type Remembered = (Instant, Result<String, String>);

/// An HTTPS client for JWK sets, with the outgoing-address policy. Cheap to clone.
///
/// Before connecting, the URL's host is resolved once and every address is checked against
/// [`trust_core::net::refused_reason`] (loopback, private, link-local — the cloud metadata
/// service —, multicast and their IPv4-mapped and embedded forms are refused unless
/// `--jwks-allow-private`); the connection then goes to that checked address only, and
/// redirects are not followed. The user sees a generic reason; the log has the cause.
#[derive(Clone, Debug)]
pub struct JwksFetcher {
    roots: Arc<Vec<reqwest::Certificate>>,
    allow_private: bool,
    recent: Arc<Mutex<HashMap<String, Remembered>>>,
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
    /// A fetcher trusting the public web roots plus the PEM certificates in `extra_ca`;
    /// internal addresses are reachable only with `allow_private`.
    ///
    /// # Errors
    /// The extra CAs do not parse, or the client cannot be built.
    pub fn new(extra_ca: Option<&[u8]>, allow_private: bool) -> Result<Self, FetcherError> {
        let roots = match extra_ca {
            Some(pem) => reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| FetcherError::Ca(e.to_string()))?,
            None => Vec::new(),
        };
        let fetcher = Self {
            roots: Arc::new(roots),
            allow_private,
            recent: Arc::default(),
        };
        fetcher.client(None).map_err(FetcherError::Client)?;
        Ok(fetcher)
    }

    fn client(&self, pin: Option<(&str, SocketAddr)>) -> Result<reqwest::Client, String> {
        let mut builder = reqwest::Client::builder()
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FETCH_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("trust-console/", env!("CARGO_PKG_VERSION")));
        for cert in self.roots.iter() {
            builder = builder.add_root_certificate(cert.clone());
        }
        if let Some((domain, address)) = pin {
            builder = builder.resolve(domain, address);
        }
        builder.build().map_err(|e| e.to_string())
    }

    fn remembered(&self, url: &str) -> Option<Result<String, String>> {
        let recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let (at, result) = recent.get(url)?;
        (result.is_err() && at.elapsed() < FAILURE_MEMORY).then(|| result.clone())
    }

    fn remember(&self, url: &str, result: &Result<String, String>) {
        if result.is_ok() {
            return;
        }
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= MEMORY_ENTRIES {
            recent.retain(|_, (at, _)| at.elapsed() < FAILURE_MEMORY);
            if recent.len() >= MEMORY_ENTRIES {
                recent.clear();
            }
        }
        recent.insert(url.to_owned(), (Instant::now(), result.clone()));
    }

    /// The body at `url`, for the setting `key` (named in the messages).
    ///
    /// # Errors
    /// Elasticsearch's messages for an unreachable URL (`Can't get contents for setting [..]
    /// value [..].`, with a generic reason) and a non-200 answer (`Get [..] failed, status
    /// [..], reason [..].`), or the console's for a refused address or a body over the size
    /// limit.
    pub async fn fetch(&self, key: &str, url: &str) -> Result<String, String> {
        if let Some(result) = self.remembered(url) {
            return result;
        }
        let result = self.fetch_now(key, url).await;
        self.remember(url, &result);
        result
    }

    async fn fetch_now(&self, key: &str, url: &str) -> Result<String, String> {
        let unreachable = |reason: &str| {
            format!("Can't get contents for setting [{key}] value [{url}]. ({reason})")
        };
        let generic = "the host could not be reached over HTTPS, or its certificate is not \
                       trusted; the server log has the cause";
        let parsed = reqwest::Url::parse(url).map_err(|_| unreachable("not a valid URL"))?;
        if parsed.scheme() != "https" {
            return Err(unreachable("only https URLs are fetched"));
        }
        let port = parsed.port_or_known_default().unwrap_or(443);
        // The URL parser has already turned decimal, hex and short IPv4 spellings into
        // dotted form, so an address is recognised however it was written.
        let Some(host) = parsed.host_str() else {
            return Err(unreachable("the URL has no host"));
        };
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        let (domain, addresses) = match literal {
            Some(ip) => (None, vec![ip]),
            None => {
                let found = tokio::net::lookup_host((host, port))
                    .await
                    .map_err(|error| {
                        tracing::warn!(%error, url, "JWK set host did not resolve");
                        unreachable(generic)
                    })?;
                (Some(host), found.map(|a| a.ip()).collect::<Vec<_>>())
            }
        };
        let Some(first) = addresses.first().copied() else {
            return Err(unreachable(generic));
        };
        if !self.allow_private
            && let Some((ip, reason)) = addresses
                .iter()
                .find_map(|ip| trust_core::net::refused_reason(*ip).map(|r| (ip, r)))
        {
            tracing::warn!(url, %ip, reason, "JWK set fetch refused by the address policy");
            return Err(unreachable(
                "the host is a loopback, private, link-local or other internal address, which \
                 the console does not fetch from; start it with --jwks-allow-private to allow that",
            ));
        }
        let client = self.client(domain.map(|d| (d, SocketAddr::new(first, port))))?;
        let mut response = client.get(parsed.clone()).send().await.map_err(|error| {
            tracing::warn!(url, cause = %root_cause(&error), "JWK set fetch failed");
            unreachable(generic)
        })?;
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
        while let Some(chunk) = response.chunk().await.map_err(|error| {
            tracing::warn!(url, cause = %root_cause(&error), "JWK set body failed");
            unreachable(generic)
        })? {
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
