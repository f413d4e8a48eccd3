//! The PyJWT-generated conformance corpus (tests/fixtures/jwt-corpus, made by its
//! generate.py) run through the real `trust-console check-token` and `lint` commands.

use std::path::{Path, PathBuf};
use std::process::Command;

use integration_tests::{binary, run_cli as run};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jwt-corpus")
}

#[test]
fn every_corpus_case_gets_the_elasticsearch_verdict() {
    let dir = corpus_dir();
    let corpus: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let now = corpus["now"].as_i64().unwrap().to_string();
    let config = dir.join("elasticsearch.yml");
    let secure = dir.join("secure.yml");
    let cases = corpus["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 100,
        "the corpus must hold at least 100 cases"
    );
    let mut algorithms = std::collections::BTreeSet::new();
    let mut steps = std::collections::BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut args = vec![
            "check-token",
            "--config",
            config.to_str().unwrap(),
            "--secure-settings",
            secure.to_str().unwrap(),
            "--authorization",
            case["authorization"].as_str().unwrap(),
            "--now",
            &now,
        ];
        if let Some(client) = case["client_authentication"].as_str() {
            args.extend(["--client-authentication", client]);
        }
        let (code, out) = run(&args);
        let authenticated = case["authenticated"].as_bool().unwrap();
        assert_eq!(out["authenticated"], authenticated, "{name}: {out:#}");
        if authenticated {
            assert_eq!(code, Some(0), "{name}");
            assert_eq!(out["realm"], case["realm"], "{name}");
            assert_eq!(out["user"]["username"], case["username"], "{name}");
            assert_eq!(out["user"]["authentication_realm"]["type"], "jwt", "{name}");
            algorithms.insert(case["alg"].as_str().unwrap().to_owned());
        } else {
            assert_eq!(code, Some(1), "{name}");
            assert_eq!(out["user"], Value::Null, "{name}");
            let first_failure = out["trace"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["realm"] == case["realm"] && e["outcome"] == "fail")
                .unwrap_or_else(|| panic!("{name}: no failing step in {out:#}"));
            assert_eq!(
                first_failure["step"], case["failed_step"],
                "{name}: {out:#}"
            );
            steps.insert(case["failed_step"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        algorithms.len(),
        12,
        "all twelve algorithms authenticate: {algorithms:?}"
    );
    for step in [
        "token_parse",
        "client_authentication",
        "typ",
        "iss",
        "sub",
        "aud",
        "iat",
        "exp",
        "nbf",
        "auth_time",
        "required_claims",
        "signature",
        "principal",
    ] {
        assert!(steps.contains(step), "no corpus case fails at {step}");
    }
}

#[test]
fn lint_reports_elasticsearch_startup_errors() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("elasticsearch.yml");
    std::fs::write(
        &config,
        "xpack.security.authc.realms.jwt.j1:\n  order: 1\n  allowed_issuer: x\n  allowed_audiences: [a]\n  claims.principal: sub\n  pkc_jwkset_path: http://idp/jwks\n  client_authentication.type: none\n",
    )
    .unwrap();
    let (code, out) = run(&["lint", "--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(out["valid"], false);
    assert_eq!(out["diagnostics"][0]["severity"], "error");
    assert_eq!(
        out["diagnostics"][0]["setting"],
        "xpack.security.authc.realms.jwt.j1.pkc_jwkset_path"
    );
    assert_eq!(
        out["diagnostics"][0]["message"],
        "Not allowed to use HTTP URI [http://idp/jwks]. Only HTTPS is supported."
    );

    let corpus = corpus_dir();
    let (code, out) = run(&[
        "lint",
        "--config",
        corpus.join("elasticsearch.yml").to_str().unwrap(),
        "--secure-settings",
        corpus.join("secure.yml").to_str().unwrap(),
    ]);
    assert_eq!(
        (code, &out["valid"]),
        (Some(0), &Value::Bool(true)),
        "{out:#}"
    );
}

#[test]
fn check_token_refuses_an_invalid_configuration_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("elasticsearch.yml");
    std::fs::write(&config, "xpack.security.authc.realms.jwt.j1.order: 1\n").unwrap();
    let (code, out) = run(&[
        "check-token",
        "--config",
        config.to_str().unwrap(),
        "--authorization",
        "Bearer x",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        out["diagnostics"].as_array().is_some_and(|d| !d.is_empty()),
        "{out:#}"
    );
    let missing = Command::new(binary())
        .args(["lint", "--config", "/nonexistent.yml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
