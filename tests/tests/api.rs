//! The JSON API, sessions, CSRF, throttling, persistence and the audit log, against the real
//! binary.

use integration_tests::{ADMIN_PASSWORD, Console, change_password, client, login};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("JSON error body");
    assert!(
        body["error"]["code"].is_string(),
        "error body shape: {body}"
    );
    assert!(
        body["error"]["message"].is_string(),
        "error body shape: {body}"
    );
    (status, body["error"].clone())
}

#[tokio::test]
async fn health_is_public_and_reports_the_database() {
    let console = Console::start();
    let response = client()
        .get(console.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn everything_else_needs_a_session() {
    let console = Console::start();
    let http = client();
    for path in ["/api/v1/session", "/api/v1/audit", "/api/v1/nothing-here"] {
        let (status, error) = error_of(http.get(console.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
            "{path}"
        );
    }
    // Server functions too.
    let response = http
        .get(console.url("/api/fn/current_session"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Pages redirect to the login page and come back afterwards.
    for (path, location) in [
        ("/", "/login"),
        ("/realms", "/login?next=/realms"),
        ("/audit?before=3", "/login?next=/audit%3Fbefore%3D3"),
    ] {
        let response = http.get(console.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(response.headers()[header::LOCATION], location, "{path}");
    }
    let login_page = http.get(console.url("/login")).send().await.unwrap();
    assert_eq!(login_page.status(), 200);
    assert!(
        login_page
            .text()
            .await
            .unwrap()
            .contains("Sign in to trust-console")
    );
}

#[tokio::test]
async fn login_over_the_json_api() {
    let console = Console::start();
    let http = client();
    let (status, error) = error_of(
        http.post(console.url("/api/v1/session"))
            .json(&json!({"username": "admin", "password": "wrong password!"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(error["code"], "bad_credentials");
    assert_eq!(error["message"], "invalid user name or password");

    let response = http
        .post(console.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("tc_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not set Secure: {cookie}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["username"], "admin");
    let csrf = body["csrf_token"].as_str().unwrap();
    assert_eq!(csrf.len(), 64);

    let me: Value = http
        .get(console.url("/api/v1/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me,
        json!({"username": "admin", "csrf_token": csrf, "must_change_password": false})
    );
    // Logged in, the console's pages render.
    let page = http.get(console.url("/realms")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains(&format!("<meta name=\"csrf-token\" content=\"{csrf}\""))
    );

    let out = http
        .delete(console.url("/api/v1/session"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let after = http
        .get(console.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn state_changes_need_the_sessions_csrf_token() {
    let console = Console::start();
    let http = client();
    let csrf = login(&http, &console, ADMIN_PASSWORD).await;
    let new = "a brand new password";

    let missing = change_password(&http, &console, None, ADMIN_PASSWORD, new).await;
    let (status, error) = error_of(missing).await;
    assert_eq!(
        (status, error["message"].as_str()),
        (StatusCode::FORBIDDEN, Some("missing x-csrf-token header"))
    );

    let wrong_token = "0".repeat(64);
    let wrong = change_password(&http, &console, Some(&wrong_token), ADMIN_PASSWORD, new).await;
    assert_eq!(wrong.status(), 403);

    let cross_site = http
        .put(console.url("/api/v1/account/password"))
        .header("x-csrf-token", &csrf)
        .header("origin", "http://evil.example")
        .json(&json!({"current_password": ADMIN_PASSWORD, "new_password": new}))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);

    // Server functions are guarded the same way.
    let server_fn = http
        .post(console.url("/api/fn/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(server_fn.status(), 403);

    // Nothing above changed the password: the current one is still the admin password.
    let ok = change_password(&http, &console, Some(&csrf), ADMIN_PASSWORD, new).await;
    assert_eq!(ok.status(), 204);
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let console = Console::start();
    let http = client();
    let attempt = |password: &'static str| {
        http.post(console.url("/api/v1/session"))
            .json(&json!({"username": "admin", "password": password}))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("not the password").await.unwrap().status(), 401);
    }
    // Now even the right password is refused, with a Retry-After.
    let response = attempt(ADMIN_PASSWORD).await.unwrap();
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (_, error) = error_of(response).await;
    assert_eq!(error["code"], "rate_limited");
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_naming_the_field() {
    let console = Console::start();
    let http = client();
    let cases = [
        (
            json!({"username": "bob smith", "password": "x"}),
            "username",
        ),
        (json!({"username": "admin"}), "body"),
    ];
    for (body, field) in cases {
        let response = http
            .post(console.url("/api/v1/session"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, error) = error_of(response).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}"
        );
    }
    let not_json = http
        .post(console.url("/api/v1/session"))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(not_json).await;
    assert_eq!(status, 400);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("not valid JSON"),
        "{error}"
    );
    // Valid JSON without a JSON content type is refused, by field and reason; `+json` types
    // are JSON (axum's rule).
    for content_type in [None, Some("text/plain"), Some("application/jsonx")] {
        let mut request = http
            .post(console.url("/api/v1/session"))
            .body(r#"{"username": "admin", "password": "x"}"#);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let (status, error) = error_of(request.send().await.unwrap()).await;
        assert_eq!(
            (status, error["field"].as_str(), error["message"].as_str()),
            (
                StatusCode::BAD_REQUEST,
                Some("body"),
                Some("expected a JSON body with Content-Type: application/json")
            ),
            "{content_type:?}"
        );
    }
    let vendor_json = http
        .post(console.url("/api/v1/session"))
        .header(
            header::CONTENT_TYPE,
            "application/vnd.api+json; charset=utf-8",
        )
        .body(r#"{"username": "admin", "password": "wrong password"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        vendor_json.status(),
        StatusCode::UNAUTHORIZED,
        "read as JSON"
    );

    let csrf = login(&http, &console, ADMIN_PASSWORD).await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("before=-1", "before"),
    ] {
        let response = http
            .get(console.url(&format!("/api/v1/audit?{query}")))
            .send()
            .await
            .unwrap();
        let (status, error) = error_of(response).await;
        assert_eq!(
            (status, error["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{query}"
        );
    }
    let weak = change_password(&http, &console, Some(&csrf), ADMIN_PASSWORD, "short").await;
    let (status, error) = error_of(weak).await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("new_password"))
    );
    let (status, _) = error_of(
        http.get(console.url("/api/v1/no-such-thing"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_change_is_audited_with_secrets_redacted() {
    let console = Console::start();
    let http = client();
    let csrf = login(&http, &console, ADMIN_PASSWORD).await;
    let new_password = "the audited new password";
    let response =
        change_password(&http, &console, Some(&csrf), ADMIN_PASSWORD, new_password).await;
    assert_eq!(response.status(), 204);

    let page: Value = http
        .get(console.url("/api/v1/audit?limit=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let newest = &page["entries"][0];
    assert_eq!(newest["actor"], "admin");
    assert_eq!(
        (newest["entity_kind"].as_str(), newest["entity_id"].as_str()),
        (Some("user"), Some("admin"))
    );
    assert_eq!(newest["action"], "update");
    assert_eq!(newest["before"]["password_hash"], "[redacted]");
    assert_eq!(newest["after"]["password_hash"], "[redacted]");
    assert_ne!(newest["before"]["password_changed_at"], Value::Null);
    assert_eq!(page["entries"][1]["action"], "login");
    assert!(page["next_before"].is_i64(), "older entries exist: {page}");

    // Paging reaches the admin account's creation, the oldest entry.
    let older: Value = http
        .get(console.url(&format!("/api/v1/audit?before={}", page["next_before"])))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let oldest = older["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (oldest["actor"].as_str(), oldest["action"].as_str()),
        (Some("system"), Some("create"))
    );
    assert_eq!(older["next_before"], Value::Null);

    let everything = format!("{page}{older}");
    assert!(
        !everything.contains("argon2"),
        "a hash leaked into the audit log"
    );
    assert!(!everything.contains(new_password));
    assert!(
        !console.logs().contains(new_password),
        "the new password was logged"
    );
}

#[tokio::test]
async fn data_and_sessions_survive_a_restart() {
    let console = Console::start();
    let http = client();
    let csrf = login(&http, &console, ADMIN_PASSWORD).await;
    let new_password = "password after restart";
    let changed = change_password(&http, &console, Some(&csrf), ADMIN_PASSWORD, new_password).await;
    assert_eq!(changed.status(), 204);
    let data_dir = console.data_dir();
    let status = console.stop();
    assert!(
        status.success(),
        "graceful shutdown on SIGTERM exits 0, got {status}"
    );

    // A new process on another port: the cookie jar still holds the session cookie, and the
    // cookie is host-scoped (127.0.0.1), so it is sent to the new port too.
    let console = Console::start_in(data_dir);
    let me = http
        .get(console.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "session lost across restart");
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["csrf_token"], csrf.as_str());
    let audit: Value = http
        .get(console.url("/api/v1/audit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(audit["entries"][0]["action"], "update");
    // The account was not re-created, and the changed password is the one that works.
    assert!(!console.logs().contains("created the console account"));
    let fresh = client();
    login(&fresh, &console, new_password).await;
}

/// The client's folder in a page: `/pkg/<build>/` (content-addressed), as the page links it.
fn client_folder(page: &str) -> String {
    let start = page
        .find("/pkg/")
        .expect("the page loads the client from /pkg/");
    let rest = &page[start + "/pkg/".len()..];
    let end = rest.find('/').expect("a folder under /pkg/");
    format!("/pkg/{}/", &rest[..end])
}

#[tokio::test]
async fn the_client_is_content_addressed_and_cached_for_good() {
    let console = Console::start();
    let http = client();
    let login_page = page_text(&http, &console, "/login").await;
    let folder = client_folder(&login_page);
    let hash = folder.trim_start_matches("/pkg/").trim_end_matches('/');
    assert_eq!(hash.len(), 16, "{folder}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{folder}");
    // The page links the script, the client and the stylesheet from that folder.
    for file in [
        "trust_console.js",
        "trust_console.wasm",
        "trust_console.css",
    ] {
        let address = format!("{folder}{file}");
        assert!(
            login_page.contains(&address),
            "the page does not link {address}"
        );
        let response = http
            .get(console.url(&address))
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{address}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable",
            "{address}"
        );
        assert!(response.headers().contains_key(header::ETAG), "{address}");
        assert_eq!(
            response.headers()[header::CONTENT_ENCODING],
            "br",
            "{address}"
        );
    }
    // The same files at the plain address are revalidated on every use.
    let plain = http
        .get(console.url("/pkg/trust_console.wasm"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()[header::CACHE_CONTROL], "no-cache");
    // Another build's folder is not served this build's files.
    let other = if hash == "0000000000000000" {
        "1111111111111111"
    } else {
        "0000000000000000"
    };
    let stale = http
        .get(console.url(&format!("/pkg/{other}/trust_console.wasm")))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 404);
    // Every page of one build names the same folder.
    login(&http, &console, ADMIN_PASSWORD).await;
    let overview = page_text(&http, &console, "/").await;
    assert_eq!(client_folder(&overview), folder);
}

/// The text of the page at `path`.
async fn page_text(http: &reqwest::Client, console: &Console, path: &str) -> String {
    http.get(console.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The `<link rel=preload>` addresses of the WASM chunks a page names.
fn preloaded_chunks(page: &str) -> Vec<String> {
    page.split("<link")
        .skip(1)
        .filter(|tag| tag.contains("rel=\"preload\"") && tag.contains("application/wasm"))
        .filter_map(|tag| {
            tag.split("href=\"")
                .nth(1)?
                .split('"')
                .next()
                .map(str::to_owned)
        })
        .filter(|href| !href.ends_with("/trust_console.wasm"))
        .collect()
}

/// The client is split by route: a page opened directly names the WASM chunks of its lazy
/// route in `<link rel=preload>` (from the wasm-split manifest embedded in the binary), and
/// every chunk it names is served from this build's folder; the login page, which is in the
/// main module, names none.
#[tokio::test]
async fn pages_preload_the_chunks_of_their_route() {
    let console = Console::start();
    let http = client();
    let login_page = page_text(&http, &console, "/login").await;
    assert_eq!(preloaded_chunks(&login_page), Vec::<String>::new());
    let folder = client_folder(&login_page);
    login(&http, &console, ADMIN_PASSWORD).await;
    let mut seen = std::collections::BTreeMap::new();
    for path in ["/", "/realms/new", "/certificates", "/playground"] {
        let page = page_text(&http, &console, path).await;
        let chunks = preloaded_chunks(&page);
        assert!(!chunks.is_empty(), "{path} preloads no chunk");
        for chunk in &chunks {
            assert!(
                chunk.starts_with(&folder),
                "{path}: {chunk} outside {folder}"
            );
            let response = http
                .get(console.url(chunk))
                .header(header::ACCEPT_ENCODING, "gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}: {chunk}");
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "application/wasm",
                "{chunk}"
            );
        }
        seen.insert(path, chunks);
    }
    assert_ne!(
        seen["/"], seen["/certificates"],
        "different pages need different chunks"
    );
}

#[tokio::test]
async fn the_binary_serves_its_own_site_from_any_directory() {
    let console = Console::start();
    let http = client();
    for (path, content_type) in [
        ("/pkg/trust_console.wasm", "application/wasm"),
        ("/pkg/trust_console.js", "javascript"),
        ("/pkg/trust_console.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let response = http
            .get(console.url(path))
            .header(header::ACCEPT_ENCODING, "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let actual = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(actual.contains(content_type), "{path}: {actual}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
    }
    let brotli = http
        .get(console.url("/pkg/trust_console.wasm"))
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        brotli
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap()),
        Some("br")
    );
}
