//! Fetching a realm's https JWK set on request: a real HTTPS server on loopback (Python's
//! `http.server` behind a certificate openssl makes for 127.0.0.1), trusted through
//! `TRUST_CONSOLE_JWKS_CA_FILE`.

use std::sync::Arc;

use integration_tests::{Api, Console, https::Https};
use serde_json::{Value, json};

const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"ec-1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;

fn realm(url: &str) -> Value {
    json!({"type": "jwt", "settings": {
        "order": 2, "allowed_issuer": "iss", "allowed_audiences": ["aud"],
        "allowed_signature_algorithms": ["ES256"], "claims.principal": "sub",
        "client_authentication.type": "none", "pkc_jwkset_path": url,
    }})
}

#[tokio::test]
async fn an_https_jwk_set_is_fetched_on_request_within_limits() {
    let dir = tempfile::TempDir::new().unwrap();
    let https = Https::start(
        dir.path(),
        &[
            ("jwks.json", JWKS.as_bytes()),
            ("not-jwks.json", b"<html>login page</html>"),
            ("huge.json", &[b' '; 300 * 1024]),
        ],
    );
    let ca = dir.path().join("cert.pem");
    let console = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[
            ("TRUST_CONSOLE_JWKS_CA_FILE", ca.to_str().unwrap()),
            // The test server is on loopback, which the address policy refuses by default.
            ("TRUST_CONSOLE_JWKS_ALLOW_PRIVATE", "true"),
        ],
    );
    let api = Api::login(&console).await;
    let base = format!("https://127.0.0.1:{}", https.port);

    let url = format!("{base}/jwks.json");
    let (status, created) = api.put("/api/v1/realms/idp", &realm(&url)).await;
    assert_eq!(status, 201, "{created}");
    let unknown = created["diagnostics"].to_string();
    assert!(unknown.contains("has no copy of it yet"), "{unknown}");

    let (status, fetched) = api
        .post_json("/api/v1/realms/idp/fetch-jwks?version=1", &json!({}))
        .await;
    assert_eq!(status, 200, "{fetched}");
    assert_eq!(fetched["version"], 2);
    assert_eq!(fetched["body"]["pkc_jwkset"], JWKS);
    let findings = fetched["diagnostics"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|d| d["severity"] == "warning" && d["setting"] == "client_authentication.type"),
        "the fetched keys serve ES256: {findings:?}"
    );
    // A stale version is refused before anything is fetched.
    let (status, _) = api
        .post_json("/api/v1/realms/idp/fetch-jwks?version=1", &json!({}))
        .await;
    assert_eq!(status, 409);

    // Failures carry Elasticsearch's wording (or the console's limit) on the setting.
    for (path, expected) in [
        ("/missing.json", "failed, status [404], reason [Not Found]."),
        (
            "/huge.json",
            "is larger than the 262144 bytes the console accepts",
        ),
        (
            "/not-jwks.json",
            "JWKSet parse failed for setting [xpack.security.authc.realms.jwt.idp.pkc_jwkset_path]",
        ),
    ] {
        let (_, current) = api.get("/api/v1/realms/idp").await;
        let version = current["version"].as_i64().unwrap();
        let (status, _) = api
            .put(
                &format!("/api/v1/realms/idp?version={version}"),
                &realm(&format!("{base}{path}")),
            )
            .await;
        assert_eq!(status, 200);
        let (status, error) = api
            .post_json(
                &format!("/api/v1/realms/idp/fetch-jwks?version={}", version + 1),
                &json!({}),
            )
            .await;
        assert_eq!(status, 400, "{path}: {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{path}: {message}");
    }
    // An untrusted server (no CA given): Elasticsearch's "Can't get contents" message.
    let untrusted = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[("TRUST_CONSOLE_JWKS_ALLOW_PRIVATE", "true")],
    );
    let api = Api::login(&untrusted).await;
    let (_, _) = api.put("/api/v1/realms/idp", &realm(&url)).await;
    let (status, error) = api
        .post_json("/api/v1/realms/idp/fetch-jwks?version=1", &json!({}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(error["error"]["field"], "settings.pkc_jwkset_path");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Can't get contents for setting [xpack.security.authc.realms.jwt.idp.pkc_jwkset_path] value [{url}].")),
        "{error}"
    );
    // A file path is not fetched.
    let (_, _) = api
        .put("/api/v1/realms/file", &realm("jwks/idp.json"))
        .await;
    let (status, error) = api
        .post_json("/api/v1/realms/file/fetch-jwks?version=1", &json!({}))
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("settings.pkc_jwkset_path"))
    );
}

#[tokio::test]
async fn internal_addresses_are_not_fetched_by_default() {
    let dir = tempfile::TempDir::new().unwrap();
    let https = Https::start(dir.path(), &[("jwks.json", JWKS.as_bytes())]);
    let console = Console::start();
    let api = Api::login(&console).await;
    let loopback = format!("https://127.0.0.1:{}/jwks.json", https.port);
    // Loopback (also spelled in decimal and as IPv4-mapped IPv6) and the cloud metadata
    // address: refused before any connection is made.
    for (i, url) in [
        loopback.clone(),
        format!("https://2130706433:{}/jwks.json", https.port),
        format!("https://[::ffff:127.0.0.1]:{}/jwks.json", https.port),
        "https://169.254.169.254/latest/meta-data/jwks.json".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        let name = format!("idp{i}");
        let (status, _) = api
            .put(&format!("/api/v1/realms/{name}"), &realm(url))
            .await;
        assert_eq!(status, 201);
        let (status, error) = api
            .post_json(
                &format!("/api/v1/realms/{name}/fetch-jwks?version=1"),
                &json!({}),
            )
            .await;
        assert_eq!(status, 400, "{url}: {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(
                "which the console does not fetch from; start it with --jwks-allow-private"
            ),
            "{url}: {message}"
        );
    }
    assert_eq!(https.requests(), 0, "nothing reached the server");
    let refused = |l: &str| l.contains("JWK set fetch refused by the address policy");
    assert!(console.logs_once(refused).lines().any(refused));

    // With the flag, loopback is fetched (the metadata address is not tried here: tests send
    // traffic to loopback only).
    let allowed = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[
            (
                "TRUST_CONSOLE_JWKS_CA_FILE",
                dir.path().join("cert.pem").to_str().unwrap(),
            ),
            ("TRUST_CONSOLE_JWKS_ALLOW_PRIVATE", "true"),
        ],
    );
    let api = Api::login(&allowed).await;
    let (_, _) = api.put("/api/v1/realms/idp", &realm(&loopback)).await;
    let (status, fetched) = api
        .post_json("/api/v1/realms/idp/fetch-jwks?version=1", &json!({}))
        .await;
    assert_eq!(status, 200, "{fetched}");
    assert_eq!(https.requests(), 1);
}
