//! What every request passes and every response gets, outside the session layer:
//!
//! - **Host allow-list**: a request whose `Host` is not one of the console's names is answered
//!   421, so a DNS-rebinding page cannot reach a console that listens on loopback.
//! - **Security headers**: a Content-Security-Policy on every response (HTML pages get the
//!   nonce policy the shell sets, see `app::ssr::http::html_csp`; everything else a policy
//!   that allows nothing), `X-Frame-Options: DENY`, `nosniff`, `Referrer-Policy: no-referrer`,
//!   `Cache-Control: no-store` on pages, API answers and downloads, and HSTS when the console
//!   is served over TLS (`--secure-cookies`).
//! - **The client address**: from a `--trusted-proxy` peer, the one its `X-Forwarded-For`
//!   names (see [`crate::proxy`]); it replaces the peer address for everything after this
//!   layer (login throttle, logs, audit).
//! - **Refusals are logged**: 401, 403, 421 and 429 answers with method, path and client
//!   address (never bodies, query strings or headers), so an attack shows in the log.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::error::ApiError;

use crate::proxy::TrustedProxies;

/// Which `Host` names the console answers to, and whether it is served over TLS.
#[derive(Clone, Debug)]
pub struct EdgePolicy {
    /// Lower-case host names without port; `None` answers any host.
    pub allowed_hosts: Option<Vec<String>>,
    /// Served over TLS (`--secure-cookies`): send `Strict-Transport-Security`, and mark the
    /// session cookie `Secure`.
    pub tls: bool,
    /// Peers whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
}

/// The policy for anything that is not an HTML page: nothing may load, nothing may frame it.
pub const NON_HTML_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

impl EdgePolicy {
    /// The names a console listening on `address` answers to by default: the address itself
    /// and `localhost`, or any name when it listens on every interface (the operator is then
    /// told to set `--allowed-hosts`).
    pub fn default_hosts(address: SocketAddr) -> Option<Vec<String>> {
        let ip = address.ip();
        if ip.is_unspecified() {
            return None;
        }
        let mut hosts = vec![ip.to_string(), "localhost".to_owned()];
        if ip.is_loopback() {
            hosts.extend(["127.0.0.1".to_owned(), "::1".to_owned()]);
        }
        hosts.sort();
        hosts.dedup();
        Some(hosts)
    }

    /// Whether a `Host` header value names this console (its port is not compared).
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(allowed) = &self.allowed_hosts else {
            return true;
        };
        let Some(host) = host.map(host_name) else {
            return false;
        };
        allowed.iter().any(|a| a.eq_ignore_ascii_case(&host))
    }
}

/// `example.com:3000` → `example.com`; `[::1]:3000` → `::1`.
fn host_name(host: &str) -> String {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        return rest
            .split(']')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(name, _)| name)
        .to_ascii_lowercase()
}

/// The middleware.
pub async fn edge(State(policy): State<EdgePolicy>, mut request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| *address);
    let client = peer.map(|peer| {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let client = policy.trusted_proxies.client(peer.ip(), forwarded);
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
        client
    });
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let mut response = if policy.host_allowed(host) {
        next.run(request).await
    } else {
        ApiError::Misdirected {
            message: "this console does not answer to that host name (see --allowed-hosts)"
                .to_owned(),
        }
        .into_response()
    };
    let status = response.status();
    if matches!(status.as_u16(), 401 | 403 | 421 | 429) {
        tracing::warn!(
            status = status.as_u16(),
            %method,
            path,
            client = client.map(|c| c.to_string()).unwrap_or_default(),
            "request refused"
        );
    }
    secure_headers(response.headers_mut(), &path, policy.tls);
    response
}

/// Adds the security headers a response does not set itself.
fn secure_headers(headers: &mut HeaderMap, path: &str, hsts: bool) {
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::CONTENT_SECURITY_POLICY, NON_HTML_CSP);
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    // Hashed build assets keep the cache headers they were served with; everything else (pages,
    // API answers, downloads, the reveal answer) is never stored.
    if !path.starts_with("/pkg/") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if hsts {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_compared_without_port_or_case() {
        let policy = EdgePolicy {
            allowed_hosts: EdgePolicy::default_hosts("127.0.0.1:3000".parse().unwrap()),
            tls: false,
            trusted_proxies: TrustedProxies::default(),
        };
        for good in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST",
            "[::1]:3000",
        ] {
            assert!(policy.host_allowed(Some(good)), "{good}");
        }
        for bad in [
            "evil.example:3000",
            "127.0.0.1.nip.io",
            "",
            "localhost.evil",
        ] {
            assert!(!policy.host_allowed(Some(bad)), "{bad}");
        }
        assert!(!policy.host_allowed(None));
        assert_eq!(
            EdgePolicy::default_hosts("0.0.0.0:80".parse().unwrap()),
            None
        );
        let named = EdgePolicy {
            allowed_hosts: Some(vec!["console.example.com".to_owned()]),
            tls: true,
            trusted_proxies: TrustedProxies::default(),
        };
        assert!(named.host_allowed(Some("Console.Example.com:443")));
        assert!(!named.host_allowed(Some("127.0.0.1")));
    }

    #[test]
    fn headers_fill_in_what_a_response_did_not_set() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'nonce-x'"),
        );
        secure_headers(&mut headers, "/realms", true);
        assert_eq!(
            headers[header::CONTENT_SECURITY_POLICY],
            "script-src 'nonce-x'"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert!(headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
        let mut asset = HeaderMap::new();
        secure_headers(&mut asset, "/pkg/app.wasm", false);
        assert_eq!(asset[header::CONTENT_SECURITY_POLICY], NON_HTML_CSP);
        assert!(!asset.contains_key(header::CACHE_CONTROL));
        assert!(!asset.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }
}
