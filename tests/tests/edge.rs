//! What every response carries and every request passes, against the real binary: security
//! headers on pages, API answers and downloads, the Host allow-list, and refusals in the log.

use integration_tests::{Api, Console, client};
use reqwest::header;

fn assert_secure_headers(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
    };
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("'unsafe-inline'") || !csp.contains("script-src 'unsafe-inline'"));
    assert_eq!(get("x-frame-options"), "DENY", "{what}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(get("cache-control"), "no-store", "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let console = Console::start();
    let api = Api::login(&console).await;

    // An HTML page: a nonce policy for scripts, without 'unsafe-inline'.
    let page = api.http().get(console.url("/realms")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_secure_headers(&page, "page");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("script-src has a nonce")
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'nonce-")
            && !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the header's nonce"
    );
    // Each page gets its own nonce.
    let again = api.http().get(console.url("/realms")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce)
    );

    // The login page before any session, an API answer, an error and a download.
    let login = client().get(console.url("/login")).send().await.unwrap();
    assert_secure_headers(&login, "login page");
    let json = api
        .http()
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_secure_headers(&json, "API");
    assert_eq!(
        json.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    );
    let refused = client()
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_secure_headers(&refused, "401");
    let zip = api
        .http()
        .get(console.url("/api/v1/deployments/default/export/zip?draft=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), 200);
    assert_secure_headers(&zip, "zip");
    assert!(!zip.headers().contains_key("strict-transport-security"));

    // Served over TLS (--secure-cookies): HSTS too.
    let tls = Console::start_with(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        &[("TRUST_CONSOLE_SECURE_COOKIES", "true")],
    );
    let health = client()
        .get(tls.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert!(
        health.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn other_host_names_are_misdirected_and_refusals_are_logged() {
    let console = Console::start();
    let http = client();
    // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    let rebound = http
        .get(console.url("/api/v1/health"))
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 421);
    let body: serde_json::Value = rebound.json().await.unwrap();
    assert_eq!(body["error"]["code"], "misdirected");
    for host in ["localhost", "127.0.0.1"] {
        let port = console.base.rsplit(':').next().unwrap();
        let ok = http
            .get(console.url("/api/v1/health"))
            .header(header::HOST, format!("{host}:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "{host}");
    }
    let unauthenticated = http
        .get(console.url("/api/v1/realms?secret=not-logged"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let misdirected = |l: &str| {
        l.contains("request refused")
            && l.contains("421")
            && l.contains("/api/v1/health")
            && l.contains("127.0.0.1")
    };
    let unauthenticated = |l: &str| {
        l.contains("request refused") && l.contains("401") && l.contains("/api/v1/realms")
    };
    let logs = console.logs_once(|l| unauthenticated(l));
    assert!(logs.lines().any(misdirected), "{logs}");
    assert!(logs.lines().any(unauthenticated), "{logs}");
    assert!(!logs.contains("not-logged"), "query strings are not logged");

    // Another name is answered when it is allowed.
    let named = Console::start_with(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        &[("TRUST_CONSOLE_ALLOWED_HOSTS", "console.example.com")],
    );
    let ok = client()
        .get(named.url("/api/v1/health"))
        .header(header::HOST, "console.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let loopback = client()
        .get(named.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(loopback.status(), 421);
}
