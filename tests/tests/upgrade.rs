//! A database made before deployments existed: the deployments migration moves every realm,
//! its keystore values and its test key into the deployment `default`, and rewrites the
//! audit log's entity IDs, without losing a row.

use std::{path::Path, process::Command, sync::Arc};

use integration_tests::{ADMIN_PASSWORD, Api, Console};
use serde_json::json;

/// Applies the migrations before `before` to `db` with Python's sqlite3 module, records them as
/// sqlx does (version, description, SHA-384 checksum), then runs `seed` (Python, with `con`) —
/// the state an upgraded console starts from.
fn old_database(db: &Path, before: u64, seed: &str) {
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let script = r#"
import hashlib, pathlib, sqlite3, sys
db, folder = sys.argv[1], pathlib.Path(sys.argv[2])
con = sqlite3.connect(db)
con.execute("""CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
  installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
  checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)""")
for path in sorted(folder.glob("*.sql")):
    version, _, rest = path.stem.partition("_")
    if int(version) >= int(sys.argv[3]):
        continue
    sql = path.read_bytes()
    con.executescript(sql.decode())
    con.execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (?, ?, 1, ?, 0)",
                (int(version), rest.replace("_", " "), hashlib.sha384(sql).digest()))
con.execute("PRAGMA foreign_keys = ON")
exec(sys.argv[4])
con.commit()
"#;
    let status = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(db)
        .arg(migrations)
        .arg(before.to_string())
        .arg(seed)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "building the old database failed");
}

/// One realm with a secret and an audit entry, from before deployments existed.
const PRE_DEPLOYMENTS: &str = r#"
con.execute("""INSERT INTO documents (kind, name, body_json, version) VALUES ('realm', 'jwt8',
  '{"type":"jwt","settings":{"order":2,"allowed_issuer":"iss8","allowed_audiences":["aud8"],"allowed_signature_algorithms":["HS256"],"claims.principal":"sub"}}', 4)""")
con.execute("INSERT INTO secrets (kind, name, setting, value) VALUES ('realm', 'jwt8', 'hmac_key', 'hmac-oidc-key-string-for-hs256-algorithm')")
con.execute("INSERT INTO audit_log (actor, entity_kind, entity_id, action) VALUES ('admin', 'realm', 'jwt8', 'create')")
"#;

#[tokio::test]
async fn existing_rows_move_to_the_default_deployment() {
    if integration_tests::sqlite_only("an upgrade from an old SQLite database") {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    old_database(
        &dir.path().join("trust-console.db"),
        20261203000003,
        PRE_DEPLOYMENTS,
    );
    let console = Console::start_in(dir);
    let api = Api::login(&console).await;
    let (status, list) = api.get("/api/v1/deployments").await;
    assert_eq!(status, 200, "{list}\n{}", console.logs());
    assert_eq!(list["current"], "default");
    let (status, realm) = api.get("/api/v1/realms/jwt8?deployment=default").await;
    assert_eq!(status, 200, "{realm}");
    assert_eq!(realm["version"], 4, "the version survives");
    assert!(
        realm["secure_settings"]["hmac_key"]["changed_at"].is_string(),
        "the secret survives"
    );
    let (_, audit) = api.get("/api/v1/audit?limit=50").await;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity_kind"] == "realm" && e["entity_id"] == "default/jwt8"),
        "{audit}"
    );
    // The moved realm still signs and validates: its HMAC key is where the playground looks
    // (sealed on the first start with a master key, and opened again here).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (status, token) = api
        .post_json(
            "/api/v1/playground/generate",
            &json!({"realm": "jwt8", "key": "realm_hmac", "algorithm": "HS256",
                    "claims": {"iss": "iss8", "aud": "aud8", "sub": "u", "iat": now, "exp": now + 600},
                    "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{token}");

    // The plaintext keystore value of the old database is sealed: after a clean stop, no
    // database file holds it.
    let data = console.data_dir();
    assert!(console.stop().success());
    for suffix in ["", "-wal", "-shm"] {
        let file = data.path().join(format!("trust-console.db{suffix}"));
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let needle = b"hmac-oidc-key-string-for-hs256-algorithm";
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} still holds the plaintext secret",
            file.display()
        );
    }
}

/// `20261205000002_run_as_enabled`: a run_as switch kept from an earlier import becomes the
/// deployment's setting, and the kept copy is gone (export writes the key once).
#[tokio::test]
async fn a_kept_run_as_switch_moves_into_the_deployment() {
    if integration_tests::sqlite_only("an upgrade from an old SQLite database") {
        return;
    }
    let dir = Arc::new(tempfile::tempdir().unwrap());
    old_database(
        &dir.path().join("trust-console.db"),
        20261205000002,
        r#"con.execute("INSERT INTO unmodelled_settings (deployment, key, value_json, secure) VALUES (1, 'xpack.security.authc.run_as.enabled', 'false', 0)")"#,
    );
    let console = Console::start_in(dir);
    let api = Api::login(&console).await;
    let (status, deployment) = api.get("/api/v1/deployments/default").await;
    assert_eq!(status, 200, "{deployment}\n{}", console.logs());
    assert_eq!(deployment["body"]["run_as_enabled"], false, "{deployment}");
    assert_eq!(
        deployment["version"], 2,
        "the body changed, so its version did"
    );
    let (status, yml) = api
        .get_text("/api/v1/deployments/default/export/elasticsearch.yml?draft=true")
        .await;
    assert_eq!(status, 200, "{yml}");
    assert_eq!(
        yml.matches("xpack.security.authc.run_as.enabled: false")
            .count(),
        1,
        "{yml}"
    );
}
