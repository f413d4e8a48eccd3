//! `trust-console db copy`: a console on SQLite moves to PostgreSQL — accounts, resources,
//! sealed secrets (opening with the same master key), history and audit — and goes on working
//! there. Runs when the suite runs on PostgreSQL.

use std::sync::Arc;

use integration_tests::{
    Api, Console, database_url_for, exported_secure_settings, on_postgres, run_cli,
};
use serde_json::json;

const HMAC_KEY: &str = "copied-hmac-key-of-at-least-256-bits-0123456789";

#[tokio::test]
async fn a_sqlite_console_moves_to_postgres_with_its_secrets() {
    if !on_postgres() {
        eprintln!("skipped on SQLite: the copy's target is PostgreSQL (scripts/test runs it)");
        return;
    }
    let source_dir = Arc::new(tempfile::TempDir::new().unwrap());
    let source_url = format!(
        "sqlite://{}",
        source_dir.path().join("trust-console.db").display()
    );
    let source = Console::start_with(source_dir.clone(), &[("DATABASE_URL", &source_url)]);
    let api = Api::login(&source).await;
    let realm = json!({"type": "jwt", "settings": {
        "order": 2, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
        "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
        "client_authentication.type": "none"
    }, "secure_settings": {"hmac_key": HMAC_KEY}});
    let (status, body) = api.put("/api/v1/realms/jwt8", &realm).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = api
        .put("/api/v1/roles/reader", &json!({"cluster": ["monitor"]}))
        .await;
    assert_eq!(status, 201);
    let (status, _) = api
        .put(
            "/api/v1/roles/reader?version=1",
            &json!({"cluster": ["monitor", "manage"]}),
        )
        .await;
    assert_eq!(status, 200);
    drop(api);
    assert!(source.stop().success());

    let target_dir = Arc::new(tempfile::TempDir::new().unwrap());
    let target_url = database_url_for(target_dir.path()).unwrap();
    let (code, report) = run_cli(&["db", "copy", "--from", &source_url, "--to", &target_url]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["copied"]["users"], 1, "{report}");
    assert_eq!(report["copied"]["documents"], 2, "{report}");
    assert_eq!(report["copied"]["secrets"], 1, "{report}");
    assert!(
        report["copied"]["audit_log"].as_u64().unwrap() >= 4,
        "{report}"
    );
    assert!(!report.to_string().contains(HMAC_KEY), "{report}");

    // A second copy into the same target is refused, and changes nothing.
    let output = std::process::Command::new(integration_tests::binary())
        .args(["db", "copy", "--from", &source_url, "--to", &target_url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already holds a console"), "{stderr}");

    // The console on PostgreSQL, with the old master key: everything is there and works on.
    let key = source_dir.path().join("master.key");
    let key = key.to_str().unwrap();
    let target = Console::start_with(
        target_dir.clone(),
        &[
            ("DATABASE_URL", &target_url),
            ("TRUST_CONSOLE_MASTER_KEY_FILE", key),
        ],
    );
    let api = Api::login(&target).await;
    let (status, role) = api.get("/api/v1/roles/reader").await;
    assert_eq!((status, &role["version"]), (200, &json!(2)), "{role}");
    let (status, history) = api.get("/api/v1/roles/reader/history").await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(
        history["entries"].as_array().map(Vec::len),
        Some(2),
        "{history}"
    );
    // New rows get new ids (the copied ones are not handed out again).
    let (status, body) = api
        .put("/api/v1/roles/writer", &json!({"cluster": ["all"]}))
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, audit) = api.get("/api/v1/audit?limit=100").await;
    let ids: Vec<i64> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "audit ids stay unique: {ids:?}");
    // The sealed secret opens with the same key on the new database.
    let secure = exported_secure_settings(
        &["--database-url", &target_url, "--master-key-file", key],
        &target_dir.path().join("out"),
    );
    assert!(secure.contains(HMAC_KEY), "{secure}");
}
