//! Resource history and restore against the real binary: every change is a kept version with
//! a semantic diff, a restore is a versioned write (409 when someone edited in between) that
//! the audit log records as a restore, and secrets are never versioned.

use integration_tests::{Api, Console};
use serde_json::{Value, json};

const HMAC_KEY: &str = "hmac-oidc-key-string-for-hs256-algorithm";

fn realm(issuer: &str, audiences: &[&str]) -> Value {
    json!({
        "type": "jwt",
        "settings": {
            "order": 2,
            "allowed_issuer": issuer,
            "allowed_audiences": audiences,
            "allowed_signature_algorithms": ["HS256"],
            "claims.principal": "sub",
        },
    })
}

fn sentences(entry: &Value) -> Vec<String> {
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let value = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            match c["kind"].as_str().unwrap() {
                "added" => format!("{} + {}", c["what"].as_str().unwrap(), value(&c["after"])),
                "removed" => format!("{} - {}", c["what"].as_str().unwrap(), value(&c["before"])),
                _ => format!(
                    "{} {} -> {}",
                    c["what"].as_str().unwrap(),
                    value(&c["before"]),
                    value(&c["after"])
                ),
            }
        })
        .collect()
}

#[tokio::test]
async fn every_change_is_a_version_and_a_restore_is_a_versioned_write() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let mut first = realm("iss8", &["aud8"]);
    first["secure_settings"] = json!({ "hmac_key": HMAC_KEY });
    let (status, body) = api.put("/api/v1/realms/jwt8", &first).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .put(
            "/api/v1/realms/jwt8?version=1",
            &realm("https://issuer.example", &["aud8", "aud9"]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api
        .put(
            "/api/v1/realms/jwt8?version=2",
            &realm("https://issuer.example", &["aud9"]),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (status, history) = api.get("/api/v1/realms/jwt8/history").await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["current"], 3);
    let entries = history["entries"].as_array().unwrap();
    let versions: Vec<i64> = entries
        .iter()
        .map(|e| e["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(
        sentences(&entries[0]),
        ["setting allowed_audiences - \"aud8\""]
    );
    assert_eq!(
        sentences(&entries[1]),
        [
            "setting allowed_issuer \"iss8\" -> \"https://issuer.example\"",
            "setting allowed_audiences + \"aud9\""
        ]
    );
    assert_eq!(entries[2]["action"], "create");
    assert_eq!(entries[1]["actor"], "admin");
    assert!(
        !history.to_string().contains(HMAC_KEY),
        "secrets are never versioned or shown"
    );

    // Someone else edits between reading version 3 and restoring: 409, nothing written.
    let (status, body) = api
        .put(
            "/api/v1/realms/jwt8?version=3",
            &realm("https://other.example", &["aud9"]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, conflict) = api
        .post_json(
            "/api/v1/realms/jwt8/history/1/restore?version=3",
            &json!({}),
        )
        .await;
    assert_eq!(status, 409, "{conflict}");
    assert!(
        conflict["error"]["message"]
            .as_str()
            .unwrap()
            .contains("your edit is based on version 3, it is now at version 4"),
        "{conflict}"
    );
    // Based on the current version it goes through as version 5, with version 1's settings
    // and the secret that was set all along.
    let (status, restored) = api
        .post_json(
            "/api/v1/realms/jwt8/history/1/restore?version=4",
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["version"], 5);
    assert_eq!(restored["body"]["settings"]["allowed_issuer"], "iss8");
    assert_eq!(
        restored["body"]["settings"]["allowed_audiences"],
        json!(["aud8"])
    );
    assert!(
        restored["secure_settings"]["hmac_key"].is_object(),
        "{restored}"
    );
    let (_, audit) = api.get("/api/v1/audit?limit=1").await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (entry["action"].as_str(), entry["entity_id"].as_str()),
        (Some("restore"), Some("default/jwt8"))
    );
    let (_, history) = api.get("/api/v1/realms/jwt8/history").await;
    assert_eq!(history["entries"][0]["action"], "restore");
    assert_eq!(
        sentences(&history["entries"][0]),
        [
            "setting allowed_issuer \"https://other.example\" -> \"iss8\"",
            "setting allowed_audiences - \"aud9\"",
            "setting allowed_audiences + \"aud8\"",
        ]
    );
    // Refusals, each on its field.
    for (path, status, field) in [
        (
            "/api/v1/realms/jwt8/history/5/restore?version=5",
            400,
            Some("version"),
        ),
        (
            "/api/v1/realms/jwt8/history/1/restore",
            400,
            Some("version"),
        ),
        (
            "/api/v1/realms/jwt8/history/zero/restore?version=5",
            400,
            Some("history_version"),
        ),
        (
            "/api/v1/realms/jwt8/history/99/restore?version=5",
            404,
            None,
        ),
        (
            "/api/v1/realms/nobody/history/1/restore?version=1",
            404,
            None,
        ),
    ] {
        let (got, body) = api.post_json(path, &json!({})).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["error"]["field"].as_str(), field, "{path}: {body}");
    }
    let (status, _) = api.get("/api/v1/realms/nobody/history").await;
    assert_eq!(status, 404);

    // A deleted resource's versions go with it; the name starts over.
    let (status, _) = api.delete("/api/v1/realms/jwt8?version=5").await;
    assert_eq!(status, 204);
    let (status, _) = api
        .put("/api/v1/realms/jwt8", &realm("iss8", &["aud8"]))
        .await;
    assert_eq!(status, 201);
    let (_, history) = api.get("/api/v1/realms/jwt8/history").await;
    assert_eq!(history["entries"].as_array().unwrap().len(), 1, "{history}");
}

#[tokio::test]
async fn role_mapping_history_speaks_in_rules_and_roles() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, body) = api
        .put(
            "/api/v1/role-mappings/admins",
            &json!({"enabled": true, "roles": ["viewer"], "rules": {"all": [
                {"field": {"realm.name": "jwt8"}}, {"field": {"groups": "admins"}}
            ]}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .put(
            "/api/v1/role-mappings/admins?version=1",
            &json!({"enabled": true, "roles": ["superuser"], "rules": {"all": [
                {"field": {"realm.name": "jwt8"}}, {"except": {"field": {"groups": "contractors"}}}
            ]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, history) = api.get("/api/v1/role-mappings/admins/history").await;
    assert_eq!(
        sentences(&history["entries"][0]),
        [
            "role - \"viewer\"",
            "rule - all › groups = \"admins\"",
            "role + \"superuser\"",
            "rule + all › except › groups = \"contractors\"",
        ]
    );
}
