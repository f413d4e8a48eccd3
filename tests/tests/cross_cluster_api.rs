//! The API-key remote-cluster checks against the real binary.

use integration_tests::{Api, Console};
use serde_json::json;

#[tokio::test]
async fn api_key_bodies_and_remote_clusters_are_checked() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, ok) = api
        .post_json(
            "/api/v1/cross-cluster/api-key/check",
            &json!({"body": {"name": "ccr", "access": {"replication": [{"names": ["archive-*"]}]}}, "stack_version": "9.3"}),
        )
        .await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["valid"], true);
    assert_eq!(
        ok["role_descriptor"]["cross_cluster"]["cluster"],
        json!(["cross_cluster_replication"])
    );
    assert!(
        ok["request"]
            .as_str()
            .unwrap()
            .starts_with("POST /_security/cross_cluster/api_key\n{")
    );

    let (_, bad) = api
        .post_json(
            "/api/v1/cross-cluster/api-key/check",
            &json!({"body": {"name": "k", "access": {"replication": [{"names": ["a"], "field_security": {"grant": ["x"]}}]}}}),
        )
        .await;
    assert_eq!(bad["valid"], false);
    assert_eq!(
        bad["errors"],
        json!([{"field": "access.replication[0]", "message": "replication does not support document or field level security"}])
    );
    let (status, error) = api
        .post_json(
            "/api/v1/cross-cluster/api-key/check",
            &json!({"body": {}, "stack_version": "nine"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("stack_version"))
    );

    let (status, setup) = api
        .post_json(
            "/api/v1/cross-cluster/remote/check",
            &json!({"alias": "eu", "security": "api_key", "mode": "proxy", "addresses": ["eu.example.com:9300"], "skip_unavailable": false}),
        )
        .await;
    assert_eq!(status, 200, "{setup}");
    assert_eq!(setup["findings"][0]["severity"], "error");
    assert!(
        setup["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("9443")
    );
    assert_eq!(
        setup["settings"][1],
        json!(["cluster.remote.eu.proxy_address", "eu.example.com:9300"])
    );
    let (status, error) = api
        .post_json(
            "/api/v1/cross-cluster/remote/check",
            &json!({"alias": "eu", "security": "ssh"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("body"))
    );
}
