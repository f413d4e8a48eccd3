//! Secrets at rest and sessions, against the real binary: no secret or session id in the
//! database's bytes, private files, the master key's failure modes and rotation, sessions that
//! end (password change, log out everywhere, lifetime, idle), step-up for minting with a key
//! the live cluster trusts, and the forced change of a generated password.

use std::{path::Path, process::Command, sync::Arc, time::Duration};

use integration_tests::{
    ADMIN_PASSWORD, Api, Console, binary, client, database_contents, exported_secure_settings,
    login, on_postgres, run_cli, use_database_of,
};
use serde_json::{Value, json};

const HMAC_KEY: &str = "sealed-hmac-key-value-for-hs256-0123456789";
const KEPT_SECRET: &str = "kept-keystore-secret-value";

fn jwt_realm() -> Value {
    json!({"type": "jwt", "settings": {
        "order": 2, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
        "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
        "client_authentication.type": "none"
    }, "secure_settings": {"hmac_key": HMAC_KEY}})
}

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn secrets_and_session_ids_never_reach_the_database_in_clear() {
    let console = Console::start();
    let data = console.data_dir();
    let http = client();
    login(&http, &console, ADMIN_PASSWORD).await;
    let api = Api::login(&console).await;
    let (status, body) = api.put("/api/v1/realms/jwt8", &jwt_realm()).await;
    assert_eq!(status, 201, "{body}");
    let input = json!({
        "yml": "cluster.name: sealed\n",
        "secure_settings": format!("xpack.security.http.ssl.keystore.secure_password: {KEPT_SECRET}\n")
    });
    let (status, body) = api
        .post_json("/api/v1/deployments/default/import?apply=true", &input)
        .await;
    assert_eq!(status, 200, "{body}");
    let cookies: Vec<String> = {
        let response = client()
            .post(console.url("/api/v1/session"))
            .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.strip_prefix("tc_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(cookies.len(), 1, "one session cookie");

    let check = |when: &str| {
        for (name, bytes) in database_contents(data.path()) {
            for (what, needle) in [
                ("the HMAC key", HMAC_KEY),
                ("a kept keystore value", KEPT_SECRET),
                ("a session id", cookies[0].as_str()),
            ] {
                assert!(
                    !contains(&bytes, needle.as_bytes()),
                    "{when}: {name} holds {what}"
                );
            }
        }
    };
    check("while running");

    // The secrets still work: the export with secrets (CLI) shows them in clear.
    assert!(console.stop().success());
    check("after a clean stop");
    let secure = exported_secure_settings(
        &["--data-dir", data.path().to_str().unwrap()],
        &data.path().join("out"),
    );
    assert!(
        secure.contains(HMAC_KEY) && secure.contains(KEPT_SECRET),
        "{secure}"
    );

    #[cfg(unix)]
    {
        assert_eq!(mode(data.path()), 0o700, "data dir");
        if !on_postgres() {
            assert_eq!(mode(&data.path().join("trust-console.db")), 0o600);
        }
        assert_eq!(mode(&data.path().join("master.key")), 0o600);
    }
}

/// Starts `serve` on `dir` and waits for it to exit; returns (exit code, stderr).
fn failed_start(dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut command = Command::new(binary());
    use_database_of(&mut command, dir);
    let mut child = command
        .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("TRUST_CONSOLE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env_remove("TRUST_CONSOLE_MASTER_KEY")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return (status.code(), stderr);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the console started although it should not have");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn the_master_key_must_be_the_right_one_and_rotates() {
    let console = Console::start();
    let data = console.data_dir();
    let api = Api::login(&console).await;
    let (status, _) = api.put("/api/v1/realms/jwt8", &jwt_realm()).await;
    assert_eq!(status, 201);
    assert!(console.stop().success());
    let key_file = data.path().join("master.key");
    let old_key = std::fs::read_to_string(&key_file).unwrap();

    // A wrong key from the environment stops the start with a clear message.
    let wrong = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let (code, stderr) = failed_start(data.path(), &[("TRUST_CONSOLE_MASTER_KEY", wrong)]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("does not open this database's secrets (wrong key)"),
        "{stderr}"
    );
    // So does a missing key file.
    std::fs::rename(&key_file, data.path().join("master.key.bak")).unwrap();
    let (code, stderr) = failed_start(data.path(), &[]);
    assert_ne!(code, Some(0));
    assert!(
        stderr.contains("holds encrypted secrets but no master key was found"),
        "{stderr}"
    );
    std::fs::rename(data.path().join("master.key.bak"), &key_file).unwrap();

    // Rotation: the new key opens the database, the old one no longer does.
    let (code, rotated) = run_cli(&[
        "rotate-master-key",
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    assert_eq!(
        (code, &rotated["rotated"]),
        (Some(0), &json!(true)),
        "{rotated}"
    );
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(new_key, old_key);
    let (code, stderr) = failed_start(data.path(), &[("TRUST_CONSOLE_MASTER_KEY", old_key.trim())]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("wrong key"), "{stderr}");
    let console = Console::start_in(Arc::clone(&data));
    let api = Api::login(&console).await;
    let (status, token) = api
        .post_json(
            "/api/v1/playground/generate",
            &json!({"realm": "jwt8", "key": "realm_hmac", "algorithm": "HS256",
                    "claims": {"iss": "iss8", "aud": "aud8", "sub": "u", "exp": now() + 600},
                    "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "the rotated HMAC key still signs: {token}");
}

#[tokio::test]
async fn sessions_end_on_password_change_everywhere_and_by_time() {
    let console = Console::start();
    let a = Api::login(&console).await;
    let b = Api::login(&console).await;
    assert_eq!(b.get("/api/v1/realms").await.0, 200);
    let (status, _) = a
        .put(
            "/api/v1/account/password",
            &json!({"current_password": ADMIN_PASSWORD, "new_password": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        b.get("/api/v1/realms").await.0,
        401,
        "the other session ended"
    );
    assert_eq!(a.get("/api/v1/realms").await.0, 200, "this one carries on");

    // Log out everywhere ends this session too.
    let http = client();
    login(&http, &console, "a-brand-new-password").await;
    assert_eq!(a.delete("/api/v1/sessions").await.0, 204);
    assert_eq!(a.get("/api/v1/realms").await.0, 401);
    let other = http
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 401);

    // An absolute lifetime, and a real idle timeout that counts from the last request.
    let timed = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[
            ("TRUST_CONSOLE_SESSION_LIFETIME_SECS", "8"),
            ("TRUST_CONSOLE_SESSION_IDLE_SECS", "3"),
        ],
    );
    // A request every 1.1 s keeps the session within its idle timeout; it still ends at its
    // lifetime (whole seconds on the server, so the second around 8 s is not checked).
    let started = std::time::Instant::now();
    let api = Api::login(&timed).await;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let status = api.get("/api/v1/realms").await.0;
        let elapsed = started.elapsed().as_secs_f64();
        if elapsed < 6.8 {
            assert_eq!(
                status, 200,
                "active within idle and lifetime at {elapsed:.1} s"
            );
        } else if elapsed > 9.2 {
            assert_eq!(status, 401, "past the lifetime at {elapsed:.1} s");
        }
    }
    let idle = Api::login(&timed).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(idle.get("/api/v1/realms").await.0, 401, "idle too long");
}

#[tokio::test]
async fn minting_with_a_live_key_needs_step_up_and_is_audited() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, _) = api.put("/api/v1/realms/jwt8", &jwt_realm()).await;
    assert_eq!(status, 201);
    let body = |exp: u64, password: Option<&str>| {
        let mut body = json!({"realm": "jwt8", "key": "realm_hmac", "algorithm": "HS256",
            "claims": {"iss": "iss8", "aud": "aud8", "sub": "elastic", "exp": exp}});
        if let Some(password) = password {
            body["password"] = json!(password);
        }
        body
    };
    let generate = "/api/v1/playground/generate";
    let (status, refused) = api.post_json(generate, &body(now() + 600, None)).await;
    assert_eq!(status, 403, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("re-enter your console password")
    );
    let (status, wrong) = api
        .post_json(generate, &body(now() + 600, Some("not my password")))
        .await;
    assert_eq!(
        (status, wrong["error"]["field"].as_str()),
        (400, Some("password"))
    );
    let (status, far) = api
        .post_json(generate, &body(4_102_444_800, Some(ADMIN_PASSWORD)))
        .await;
    assert_eq!(
        (status, far["error"]["field"].as_str()),
        (400, Some("claims")),
        "{far}"
    );
    let (status, minted) = api
        .post_json(generate, &body(now() + 600, Some(ADMIN_PASSWORD)))
        .await;
    assert_eq!(status, 200, "{minted}");
    let token = minted["token"].as_str().unwrap().to_owned();
    // The re-authentication holds for a few minutes.
    let (status, _) = api.post_json(generate, &body(now() + 600, None)).await;
    assert_eq!(status, 200);

    let (_, audit) = api.get("/api/v1/audit?limit=50").await;
    let mints: Vec<&Value> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "mint_token")
        .collect();
    assert_eq!(mints.len(), 2, "{audit}");
    assert_eq!(mints[0]["entity_id"], "default/jwt8");
    let entry = mints[0].to_string();
    assert!(
        entry.contains("\"sub\":\"elastic\"") && entry.contains("HS256"),
        "{entry}"
    );
    assert!(
        !audit.to_string().contains(&token),
        "the audit log holds no token"
    );
}

#[tokio::test]
async fn a_generated_admin_password_must_be_changed_first() {
    let console = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[("TRUST_CONSOLE_ADMIN_PASSWORD", "")],
    );
    let logs = console.logs();
    let generated = logs
        .split("with the generated password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the generated password is logged once")
        .to_owned();
    let http = client();
    let response = http
        .post(console.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": generated}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["must_change_password"], true);
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();

    let refused = http
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let page = http.get(console.url("/realms")).send().await.unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(page.headers()["location"], "/account");
    let account = http.get(console.url("/account")).send().await.unwrap();
    assert_eq!(account.status(), 200);

    let changed = integration_tests::change_password(
        &http,
        &console,
        Some(&csrf),
        &generated,
        "my-own-admin-password",
    )
    .await;
    assert_eq!(changed.status(), 204);
    let allowed = http
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
}
