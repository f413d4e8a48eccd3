//! Hardening against the real binary: hostile pastes get a 400 and the server lives on,
//! logins cost bounded memory and cannot be raced past the throttle or used to lock the admin
//! out, concurrent writes conflict instead of failing, and exports and imports stay inside
//! their folders. Each case aborted or exhausted the release binary before its limit existed.

use std::net::IpAddr;
use std::process::Command;

use integration_tests::{
    ADMIN_PASSWORD, Api, Console, binary, client, client_from, command_on, login,
};
use serde_json::{Value, json};
use tokio::task::JoinSet;

const IMPORT: &str = "/api/v1/deployments/default/import";
const PKC_JWKS: &str = include_str!("../fixtures/jwt-corpus/pkc.jwks.json");

fn mapping(username: &str) -> Value {
    json!({"enabled": true, "roles": ["r"], "rules": {"field": {"username": username}}})
}

#[tokio::test]
async fn hostile_pastes_get_a_clear_refusal_and_the_server_lives_on() {
    let console = Console::start();
    let api = Api::login(&console).await;

    // Import preview of the 12 KB yml nested 6,000 levels.
    let deep = format!("a:\n  {}x", "- ".repeat(6000));
    let (status, body) = api.post_json(IMPORT, &json!({ "yml": deep })).await;
    assert!(matches!(status, 200 | 400), "{status} {body}");
    assert!(
        body.to_string()
            .contains("the settings file nests deeper than 100 levels"),
        "{body}"
    );
    assert!(console.is_alive().await, "the deep yml killed the server");

    // ~330 bytes of chained anchors: refused where the first alias appears.
    let mut bomb = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(",");
        bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let (status, body) = api.post_json(IMPORT, &json!({ "yml": bomb })).await;
    assert!(matches!(status, 200 | 400), "{status} {body}");
    assert!(
        body.to_string().contains("YAML aliases are not supported"),
        "{body}"
    );
    let rss_kib = console.memory_kib("VmHWM");
    assert!(
        rss_kib < 512 * 1024,
        "the alias bomb was expanded: {rss_kib} KiB"
    );

    // A 10 KB Lucene regexp of nested groups in a role-mapping value.
    let nested = format!("/{}x{}/", "(".repeat(5000), ")".repeat(5000));
    let (status, body) = api
        .put("/api/v1/role-mappings/deep", &mapping(&nested))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["field"], "rules", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pattern is 10003 characters long; at most 4096 are allowed"),
        "{body}"
    );
    let nested = format!("/{}x{}/", "(".repeat(1000), ")".repeat(1000));
    let (status, body) = api
        .put("/api/v1/role-mappings/deep", &mapping(&nested))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pattern nests deeper than 100 levels"),
        "{body}"
    );
    // A long alternation is fine: it is read in a loop.
    let union = format!("/{}b/", "a|".repeat(2000));
    let (status, body) = api
        .put("/api/v1/role-mappings/union", &mapping(&union))
        .await;
    assert_eq!(status, 201, "{body}");

    // Nested mustache sections were stored and then killed every later view: now refused.
    for (depth, message) in [
        (
            16_000,
            "the template source is 192001 bytes; at most 65536 are allowed",
        ),
        (101, "template sections nest deeper than 100 levels"),
    ] {
        let source = format!("{}x{}", "{{#a}}".repeat(depth), "{{/a}}".repeat(depth));
        let body = json!({
            "enabled": true, "rules": {"field": {"username": "*"}},
            "role_templates": [{"template": {"source": source}}]
        });
        let (status, refused) = api.put("/api/v1/role-mappings/tpl", &body).await;
        assert_eq!(status, 400, "{refused}");
        assert!(refused.to_string().contains(message), "{refused}");
        let (status, _) = api.get("/api/v1/role-mappings/tpl").await;
        assert_eq!(status, 404, "a refused template is not stored");
    }

    // A Java regex claim pattern nested past the limit, in a realm: stored with its lint
    // findings (Elasticsearch's own, and the console's naming the limit), never a crash.
    let pattern = format!("{}x{}", "(".repeat(1000), ")".repeat(1000));
    let realm = json!({"type": "jwt", "settings": {
        "order": 1, "allowed_issuer": "i", "allowed_audiences": ["a"],
        "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
        "claim_patterns.principal": pattern, "client_authentication.type": "none"
    }});
    let (status, body) = api.put("/api/v1/realms/deep", &realm).await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body.to_string()
            .contains("pattern nests deeper than 100 levels"),
        "{body}"
    );
    assert!(console.is_alive().await);
}

#[test]
fn the_cli_refuses_bombs_with_a_message_instead_of_dying() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut anchors = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(",");
        anchors.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    // `lint` died at 20k–50k levels and took 1.1 GB on the anchors.
    for (name, yml, message) in [
        (
            "deep.yml",
            format!("a:\n  {}x\n", "- ".repeat(50_000)),
            "nests deeper than 100 levels",
        ),
        ("anchors.yml", anchors, "YAML aliases are not supported"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, yml).unwrap();
        let output = Command::new(binary())
            .args(["lint", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_parallel_logins_take_bounded_memory() {
    let console = Console::start();
    // One login first, so that what is built once (the dummy hash, pools) is built.
    login(&client(), &console, ADMIN_PASSWORD).await;
    let before = console.memory_kib("VmRSS");

    // 100 addresses, one wrong password each: no throttle stops them, every one is hashed.
    let mut attempts = JoinSet::new();
    for i in 0..100_u8 {
        let http = client_from(IpAddr::from([127, 0, 1, i + 1]));
        let url = console.url("/api/v1/session");
        attempts.spawn(async move {
            let response = http
                .post(url)
                .json(&json!({"username": "admin", "password": format!("wrong-{i}")}))
                .send()
                .await
                .expect("login request");
            let retry = response.headers().get("retry-after").is_some();
            (response.status().as_u16(), retry)
        });
    }
    let mut refused = 0;
    let mut busy = 0;
    while let Some(result) = attempts.join_next().await {
        match result.unwrap() {
            (401, _) => refused += 1,
            (503, true) => busy += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(refused + busy, 100);
    assert!(
        refused >= 10,
        "hashing slots must serve logins: {refused} of 100"
    );
    // At most one Argon2id run (19 MiB) per core at a time. Before the limit, 80 logins took
    // this server from 312 MB to 1.83 GB.
    let growth_mib = console.memory_kib("VmHWM").saturating_sub(before) / 1024;
    assert!(
        growth_mib < 128,
        "peak memory grew by {growth_mib} MiB for 100 parallel logins"
    );
    assert!(console.is_alive().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_cannot_race_the_throttle_nor_lock_the_admin_out() {
    let console = Console::start();
    let attack = || {
        let http = client();
        let url = console.url("/api/v1/session");
        async move {
            http.post(url)
                .json(&json!({"username": "admin", "password": "guess"}))
                .send()
                .await
                .expect("login request")
                .status()
                .as_u16()
        }
    };
    // 20 parallel wrong passwords from one address: exactly the limit of 5 is verified.
    let mut guesses = JoinSet::new();
    for _ in 0..20 {
        guesses.spawn(attack());
    }
    let mut statuses = Vec::new();
    while let Some(status) = guesses.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [[401; 5].as_slice(), &[429; 15]].concat());

    // While the attacker keeps hammering, the admin logs in from another address.
    let mut hammer = JoinSet::new();
    for _ in 0..30 {
        hammer.spawn(attack());
    }
    let admin = client_from(IpAddr::from([127, 0, 0, 2]));
    let csrf = login(&admin, &console, ADMIN_PASSWORD).await;
    assert!(!csrf.is_empty());
    while let Some(status) = hammer.join_next().await {
        assert_eq!(status.unwrap(), 429, "the attacker stays locked out");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_succeed_or_conflict_never_fail() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let put = |path: String, body: Value| {
        let request = api
            .http()
            .put(console.url(&path))
            .header("x-csrf-token", api.csrf())
            .json(&body);
        async move { request.send().await.expect("save").status().as_u16() }
    };

    // 200 saves of different resources at once: every one is written.
    let mut saves = JoinSet::new();
    for i in 0..200 {
        saves.spawn(put(format!("/api/v1/role-mappings/m{i}"), mapping("a")));
    }
    let mut statuses = Vec::new();
    while let Some(status) = saves.join_next().await {
        statuses.push(status.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    // 20 racing edits of one resource, all based on version 1: one wins, the rest conflict.
    let (status, _) = api.put("/api/v1/role-mappings/race", &mapping("a")).await;
    assert_eq!(status, 201);
    let mut edits = JoinSet::new();
    for i in 0..20 {
        edits.spawn(put(
            "/api/v1/role-mappings/race?version=1".to_owned(),
            mapping(&format!("user{i}")),
        ));
    }
    let mut statuses = Vec::new();
    while let Some(status) = edits.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [[200].as_slice(), &[409; 19]].concat());
    let (_, race) = api.get("/api/v1/role-mappings/race").await;
    assert_eq!(race["version"], 2);
}

#[tokio::test]
async fn exports_and_imports_stay_inside_their_folders() {
    let console = Console::start();
    let api = Api::login(&console).await;
    for (name, path) in [
        ("escape", "../../escaped.json"),
        ("inside", "certs/jwks.json"),
    ] {
        let realm = json!({"type": "jwt", "settings": {
            "order": if name == "escape" { 1 } else { 2 }, "allowed_issuer": "i",
            "allowed_audiences": ["a"], "allowed_signature_algorithms": ["RS256"],
            "claims.principal": "sub", "client_authentication.type": "none",
            "pkc_jwkset_path": path
        }, "pkc_jwkset": PKC_JWKS});
        let (status, body) = api.put(&format!("/api/v1/realms/{name}"), &realm).await;
        assert_eq!(status, 201, "{body}");
    }

    // The zip holds the safe support file and nothing with `..`.
    let response = api
        .http()
        .get(console.url("/api/v1/deployments/default/export/zip?draft=true"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let zip = response.bytes().await.unwrap();
    let entries: Vec<String> = trust_core::export::zip::read(&zip)
        .expect("a readable zip")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert!(
        entries.contains(&"trust-console-default/config/certs/jwks.json".to_owned()),
        "{entries:?}"
    );
    assert!(
        entries
            .iter()
            .all(|name| !name.split('/').any(|part| part == ".." || part.is_empty())),
        "an entry leaves the export folder: {entries:?}"
    );

    // The CLI writes only inside --out.
    let data = console.data_dir();
    let out = data.path().join("nested/out");
    let output = command_on(data.path())
        .args(["export", "--draft", "--out"])
        .arg(&out)
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(out.join("config/certs/jwks.json").is_file());
    assert!(!data.path().join("escaped.json").exists());
    assert!(!data.path().join("nested/escaped.json").exists());

    // CLI import reads only files inside the yml's folder unless told otherwise.
    let outside = tempfile::TempDir::new().unwrap();
    let secret = outside.path().join("secret.json");
    std::fs::write(&secret, PKC_JWKS).unwrap();
    let folder = tempfile::TempDir::new().unwrap();
    let yml = folder.path().join("elasticsearch.yml");
    std::fs::write(
        &yml,
        format!(
            "xpack.security.authc.realms.jwt.outside:\n  order: 3\n  allowed_issuer: i\n  allowed_audiences: [a]\n  allowed_signature_algorithms: [RS256]\n  claims.principal: sub\n  client_authentication.type: none\n  pkc_jwkset_path: {}\n",
            secret.display()
        ),
    )
    .unwrap();
    let import = |extra: &[&str]| {
        command_on(data.path())
            .args(["import", "--dry-run", "--config"])
            .arg(&yml)
            .arg("--data-dir")
            .arg(data.path())
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = import(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("is outside the yml's folder (pass --allow-outside to read it)"),
        "{stderr}"
    );
    let allowed = import(&["--allow-outside"]);
    assert!(
        !String::from_utf8_lossy(&allowed.stderr).contains("outside the yml's folder"),
        "{allowed:?}"
    );
}

/// Behind a load balancer (`--trusted-proxy`), the login throttle counts per real client, read
/// from `X-Forwarded-For` — and only when the request comes from the trusted proxy: anyone
/// else's header is ignored, so it cannot be used to dodge the throttle.
#[tokio::test]
async fn behind_a_trusted_proxy_the_throttle_counts_per_forwarded_client() {
    let guess = |http: reqwest::Client, url: String, forwarded: Option<&'static str>| async move {
        let mut request = http
            .post(url)
            .json(&json!({"username": "admin", "password": "guess"}));
        if let Some(client) = forwarded {
            request = request.header("x-forwarded-for", client);
        }
        request
            .send()
            .await
            .expect("login request")
            .status()
            .as_u16()
    };
    let proxied = Console::start_with(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        &[("TRUST_CONSOLE_TRUSTED_PROXIES", "127.0.0.1/32")],
    );
    let url = proxied.url("/api/v1/session");
    // The proxy (127.0.0.1) forwards one client's five wrong passwords: that client is stopped.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(guess(client(), url.clone(), Some("198.51.100.4, 203.0.113.7")).await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    // Another client through the same proxy is not.
    assert_eq!(guess(client(), url.clone(), Some("203.0.113.8")).await, 401);
    // A peer that is not the proxy cannot pick its address with the header: its own counts.
    let outsider = || client_from(IpAddr::from([127, 0, 0, 3]));
    for _ in 0..5 {
        assert_eq!(
            guess(outsider(), url.clone(), Some("203.0.113.9")).await,
            401
        );
    }
    assert_eq!(
        guess(outsider(), url.clone(), Some("203.0.113.10")).await,
        429
    );

    // Without --trusted-proxy the header means nothing: every request is the peer's.
    let direct = Console::start();
    let url = direct.url("/api/v1/session");
    for _ in 0..5 {
        assert_eq!(guess(client(), url.clone(), Some("203.0.113.7")).await, 401);
    }
    assert_eq!(guess(client(), url.clone(), Some("203.0.113.8")).await, 429);
}

#[test]
fn an_invalid_trusted_proxy_stops_the_start_with_the_value_named() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = Command::new(binary())
        .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(["--trusted-proxy", "10.0.0.0/33"])
        .env(
            "TRUST_CONSOLE_ADMIN_PASSWORD",
            "an-admin-password-for-tests",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid --trusted-proxy"), "{stderr}");
    assert!(stderr.contains("10.0.0.0/33"), "{stderr}");
}

/// A database URL's password is never shown: not when the database cannot be reached, not in
/// the CLI's errors, not in the log of a start that fails.
#[test]
fn database_passwords_never_reach_logs_or_errors() {
    let dir = tempfile::TempDir::new().unwrap();
    // Nothing listens on port 1: the connection is refused at once.
    let url = "postgres://console:s3cret-db-pass@127.0.0.1:1/tc";
    let serve = Command::new(binary())
        .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "debug")
        .env(
            "TRUST_CONSOLE_ADMIN_PASSWORD",
            "an-admin-password-for-tests",
        )
        .output()
        .unwrap();
    let copy = Command::new(binary())
        .args(["db", "copy", "--from", url, "--to", url])
        .output()
        .unwrap();
    let export = Command::new(binary())
        .args(["export", "--out"])
        .arg(dir.path().join("out"))
        .args(["--database-url", url])
        .output()
        .unwrap();
    for (what, output) in [("serve", serve), ("db copy", copy), ("export", export)] {
        assert!(
            !output.status.success(),
            "{what} cannot work without its database"
        );
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!shown.contains("s3cret-db-pass"), "{what}: {shown}");
        assert!(
            shown.contains("console:***@127.0.0.1:1"),
            "{what} names the database: {shown}"
        );
    }
}

/// Instances started at the same moment on one empty data directory take turns preparing the
/// database: both come up, one admin account is created, and the master key file is the one
/// the database was sealed with. (Before, one of the two failed about half the
/// time: a migration or the admin account raced.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_started_together_on_an_empty_database_both_come_up() {
    for round in 0..4 {
        let dir = std::sync::Arc::new(tempfile::TempDir::new().unwrap());
        let (a, b) = {
            let (da, db) = (dir.clone(), dir.clone());
            let a = tokio::task::spawn_blocking(move || Console::start_in(da));
            let b = tokio::task::spawn_blocking(move || Console::start_in(db));
            (a.await.unwrap(), b.await.unwrap())
        };
        let created = |c: &Console| {
            c.logs()
                .matches("created the console account \"admin\"")
                .count()
        };
        assert_eq!(created(&a) + created(&b), 1, "round {round}: one admin");
        let (api_a, api_b) = (Api::login(&a).await, Api::login(&b).await);
        assert_eq!(api_a.get("/api/v1/realms").await.0, 200);
        assert_eq!(api_b.get("/api/v1/realms").await.0, 200);
        // The master key file on disk is the one the database was sealed with: a later start
        // opens it (a start with another key stops with an error).
        drop((api_a, api_b));
        a.stop();
        b.stop();
        let again = Console::start_in(dir);
        assert!(again.is_alive().await, "round {round}");
        assert_eq!(Api::login(&again).await.get("/api/v1/realms").await.0, 200);
    }
}

/// NUL characters (which PostgreSQL's text cannot hold) in names, keys and values get a clear
/// answer on either backend — kept (escaped inside JSON) or refused with 400 — never a 500.
#[tokio::test]
async fn nul_characters_get_an_answer_never_a_server_error() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let import = json!({"yml": "cluster.name: \"a\u{0}b\"\nxpack.x\u{0}y: 1\n"});
    let (status, body) = api
        .post_json("/api/v1/deployments/default/import?apply=true", &import)
        .await;
    assert!(matches!(status, 200 | 400), "import: {status} {body}");
    let role = json!({"cluster": ["monitor"], "metadata": {"k\u{0}": "v\u{0}"}});
    let (status, body) = api.put("/api/v1/roles/nul-metadata", &role).await;
    assert!(matches!(status, 201 | 400), "role: {status} {body}");
    let (status, body) = api
        .put("/api/v1/roles/a%00b", &json!({"cluster": ["monitor"]}))
        .await;
    assert!(
        matches!(status, 201 | 400 | 404),
        "role name: {status} {body}"
    );
    // The console is still answering.
    let (status, _) = api.get("/api/v1/roles").await;
    assert_eq!(status, 200);
}
