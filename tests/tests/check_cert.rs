//! `trust-console check-cert` and `POST /api/v1/certificates/check` on the openssl-made
//! fixtures (`tests/fixtures/certs`, Java's view of them in `expected.json`).

use std::path::PathBuf;
use std::process::Command;

use integration_tests::{Api, Console, binary, run_cli};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/certs")
        .join(name)
}

fn path(name: &str) -> String {
    fixture(name).to_str().unwrap().to_owned()
}

fn java(name: &str) -> Value {
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    all[name].clone()
}

const NOW: &str = "1800000000";
const NODE_PATTERN: &str =
    "CN=[^,]+\\.node\\.cf659f7fe6164d9691b284ae36811be1\\.cluster\\.803289842";

#[test]
fn check_cert_reports_every_check_and_exits_by_them() {
    let (code, out) = run_cli(&[
        "check-cert",
        "--certificate",
        &path("cloud-node.pem"),
        "--ca",
        &path("ca.pem"),
        "--key",
        &path("cloud-node.key"),
        "--pattern",
        NODE_PATTERN,
        "--now",
        NOW,
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out["subject_dn"], java("cloud-node.pem")["subject"]);
    assert_eq!(out["pattern_matches"], true);
    assert_eq!(out["chain_valid"], true);
    assert_eq!(out["time_valid"], true);
    assert_eq!(out["key_matches"], true);
    assert_eq!(out["suggested_pattern"], NODE_PATTERN);

    // Not given: null. A pattern that does not match the whole DN: exit 1.
    let (code, out) = run_cli(&[
        "check-cert",
        "--certificate",
        &path("multi-valued.pem"),
        "--pattern",
        "CN=node-1",
        "--now",
        NOW,
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out["subject_dn"],
        "CN=node-1+UID=u1,OU=Ops+OU=Search,O=Example\\, Inc.,C=US"
    );
    assert_eq!(out["pattern_matches"], false);
    assert_eq!(out["chain_valid"], Value::Null);
    assert_eq!(out["key_matches"], Value::Null);

    // Wrong CA, wrong key, expired: each false, exit 1.
    let after = (java("cloud-node.pem")["not_after"].as_i64().unwrap() + 1).to_string();
    let (code, out) = run_cli(&[
        "check-cert",
        "--certificate",
        &path("cloud-node.pem"),
        "--ca",
        &path("other-ca.pem"),
        "--key",
        &path("utf8.key"),
        "--pattern",
        ".*",
        "--now",
        &after,
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        (&out["chain_valid"], &out["time_valid"], &out["key_matches"]),
        (&json!(false), &json!(false), &json!(false))
    );
    assert!(
        out["findings"]
            .to_string()
            .contains("matches every certificate"),
        "{out}"
    );
}

#[test]
fn check_cert_text_output_and_usage_errors() {
    let output = Command::new(binary())
        .args([
            "check-cert",
            "--certificate",
            &path("utf8.pem"),
            "--pattern",
            "O=Société.*",
            "--format",
            "text",
            "--now",
            NOW,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("subject  O=Société Générale,CN=Zoë Ünïcödé 日本"),
        "{text}"
    );
    assert!(text.contains("✓ pattern matches"), "{text}");

    for args in [
        vec![
            "check-cert",
            "--certificate",
            "/nonexistent.pem",
            "--pattern",
            "x",
        ],
        vec![
            "check-cert",
            "--certificate",
            &path("generate.sh"),
            "--pattern",
            "x",
        ],
    ] {
        let output = Command::new(binary()).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
    }
}

#[tokio::test]
async fn the_api_runs_the_same_checks() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let read = |name: &str| std::fs::read_to_string(fixture(name)).unwrap();
    let (status, out) = api
        .post_json(
            "/api/v1/certificates/check",
            &json!({"certificate": read("escaped.pem"), "ca": read("ca.pem"), "key": read("escaped.key"),
                    "pattern": "CN=\\\\#a.*", "now": 1_800_000_000}),
        )
        .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["subject_dn"], java("escaped.pem")["subject"]);
    assert_eq!(
        out["pattern_matches"], false,
        "CN comes last in this DN: {out}"
    );
    assert_eq!(out["chain_valid"], true);
    assert_eq!(out["key_matches"], true);
    assert_eq!(
        out["certificates"][0]["sha256"],
        java("escaped.pem")["sha256"]
    );

    for (body, field) in [
        (
            json!({"certificate": "nope", "pattern": ".*"}),
            "certificate",
        ),
        (
            json!({"certificate": read("ca.pem"), "ca": "nope", "pattern": ".*"}),
            "ca",
        ),
        (
            json!({"certificate": read("ca.pem"), "key": read("ca.pem"), "pattern": ".*"}),
            "key",
        ),
        (json!({"pattern": ".*"}), "body"),
    ] {
        let (status, error) = api.post_json("/api/v1/certificates/check", &body).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (400, Some(field)),
            "{error}"
        );
    }
}
