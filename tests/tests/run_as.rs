//! `check-token` with role mappings, roles, native users and run_as, on the Elastic docs'
//! run_as example (tests/fixtures/run-as, spec §7.2).

use std::path::{Path, PathBuf};
use std::process::Command;

use integration_tests::{binary, run_cli};
use serde_json::{Value, json};

/// The docs' token: `sub user2`, `aud [es01, es02, es03]`, signed with the docs' HMAC key.
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiZXMwMSIsImVzMDIiLCJlczAzIl0sInN1YiI6InVzZXIyIiwiaXNzIjoibXktaXNzdWVyIiwiZXhwIjo0MDcwOTA4ODAwLCJpYXQiOjk0NjY4NDgwMCwiZW1haWwiOiJ1c2VyMkBzb21ldGhpbmcuZXhhbXBsZS5jb20ifQ.UgO_9w--EoRyUKcWM5xh9SimTfMzl1aVu6ZBsRWhxQA";

fn fixture(name: &str) -> String {
    fixture_path(name).to_str().unwrap().to_owned()
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/run-as")
        .join(name)
}

fn args(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "check-token",
        "--config",
        &fixture("elasticsearch.yml"),
        "--secure-settings",
        &fixture("secure.yml"),
        "--role-mappings",
        &fixture("role-mappings.json"),
        "--roles",
        &fixture("roles.json"),
        "--users",
        &fixture("users.json"),
        "--authorization",
        &format!("Bearer {TOKEN}"),
        "--client-authentication",
        "sharedsecret test-secret",
        "--now",
        "1700000000",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

fn check(extra: &[&str]) -> (Option<i32>, Value) {
    let args = args(extra);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run_cli(&refs)
}

fn last_step(out: &Value) -> &Value {
    out["trace"].as_array().unwrap().last().unwrap()
}

#[test]
fn roles_come_from_the_matching_enabled_mappings() {
    let (code, out) = check(&[]);
    assert_eq!(code, Some(0), "{out:#}");
    assert_eq!(out["authenticated"], true);
    assert_eq!(out["realm"], "jwt2");
    assert_eq!(out["user"]["username"], "user2");
    assert_eq!(out["user"]["roles"], json!(["runner", "user_user2"]));
    assert_eq!(
        out["user"]["lookup_realm"],
        json!({"name": "jwt2", "type": "jwt"})
    );
    let mapping = out["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["step"] == "role_mapping")
        .unwrap();
    let message = mapping["message"].as_str().unwrap();
    assert!(
        message.contains("[runner] from mapping [jwt2_runners]")
            && message.contains("mapping [disabled] matches but is disabled"),
        "{message}"
    );
    assert_eq!(last_step(&out)["step"], "run_as");
    assert_eq!(last_step(&out)["outcome"], "skip");
}

#[test]
fn run_as_switches_to_the_native_user() {
    let (code, out) = check(&["--run-as", "user123_runas"]);
    assert_eq!(code, Some(0), "{out:#}");
    assert_eq!(out["realm"], "jwt2");
    let user = &out["user"];
    assert_eq!(user["username"], "user123_runas");
    assert_eq!(user["roles"], json!(["viewer"]));
    assert_eq!(user["full_name"], "Run As User");
    assert_eq!(user["metadata"], json!({"team": "ops"}));
    assert_eq!(
        user["authentication_realm"],
        json!({"name": "jwt2", "type": "jwt"})
    );
    assert_eq!(
        user["lookup_realm"],
        json!({"name": "native", "type": "native"})
    );
    assert_eq!(last_step(&out)["outcome"], "pass");
}

#[test]
fn refused_run_as_fails_the_request() {
    for target in ["other", "user123_missing"] {
        let (code, out) = check(&["--run-as", target]);
        assert_eq!(code, Some(1), "{target}: {out:#}");
        assert_eq!(out["authenticated"], false);
        assert_eq!(
            out["realm"], "jwt2",
            "the realm that authenticated the token"
        );
        assert_eq!(out["user"], Value::Null);
        let step = last_step(&out);
        assert_eq!(
            (&step["step"], &step["outcome"]),
            (&json!("run_as"), &json!("fail"))
        );
        let message = step["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [user2] with effective roles [runner] (assigned roles [user_user2] were not found), because user [user2] is unauthorized to run as [{target}]"
            )),
            "{message}"
        );
    }
}

/// `AuthenticatorChain`: an empty header fails authentication (401), and the trace starts with
/// the file realm Elasticsearch adds (the fixture configures a native realm, not a file one).
#[test]
fn an_empty_run_as_header_fails_authentication() {
    let (code, out) = check(&["--run-as", ""]);
    assert_eq!(code, Some(1), "{out:#}");
    assert_eq!(out["status"], 401);
    assert!(
        out["error"]
            .as_str()
            .unwrap()
            .starts_with("unable to authenticate user [")
    );
    let first = &out["trace"][0];
    assert_eq!(
        (&first["realm"], &first["step"], &first["outcome"]),
        (
            &json!("default_file"),
            &json!("credentials"),
            &json!("skip")
        )
    );
}

#[test]
fn bad_security_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("mappings.json");
    std::fs::write(
        &bad,
        r#"{"m": {"enabled": true, "roles": ["a"], "rules": {"any": [{"except": {"field": {"username": "x"}}}]}}}"#,
    )
    .unwrap();
    let output = Command::new(binary())
        .args(args(&[]).iter().map(|a| {
            if a.ends_with("role-mappings.json") {
                bad.to_str().unwrap().to_owned()
            } else {
                a.clone()
            }
        }))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "role mapping [m]: failed to parse rules expression. field [except] is not allowed within [any]"
        ),
        "{stderr}"
    );
}
