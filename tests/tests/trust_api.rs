//! Deployments, trusted environments and remote clusters against the real binary: versions
//! and 409s, scoping by `?deployment=`, the cross-deployment checks, and secrets that never
//! come back.

use integration_tests::{Api, Console};
use serde_json::{Value, json};

const CA: &str = include_str!("../fixtures/certs/ca.pem");
const NODE: &str = include_str!("../fixtures/certs/cloud-node.pem");
const NODE_KEY: &str = include_str!("../fixtures/certs/cloud-node.key");
const ID_A: &str = "cf659f7fe6164d9691b284ae36811be1";
const ID_B: &str = "ec38dd0aa45f4a69909ca5c81c27138a";
const CREDENTIALS: &str = "aWQ6c3VwZXItc2VjcmV0LWFwaS1rZXk=";

fn cloud(cluster: &str) -> Value {
    json!({"kind": "elastic_cloud", "cluster_id": cluster, "scope_id": "803289842", "stack_version": "9.3"})
}

#[tokio::test]
async fn deployments_are_versioned_audited_and_scope_every_resource() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, list) = api.get("/api/v1/deployments").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["current"], "default");
    assert_eq!(list["deployments"][0]["name"], "default");

    let (status, bad) = api
        .put(
            "/api/v1/deployments/prod",
            &json!({"cluster_id": ID_A.to_ascii_uppercase()}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (400, Some("cluster_id")),
        "{bad}"
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("uppercase")
    );
    let (status, bad) = api.put("/api/v1/deployments/Prod", &json!({})).await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (400, Some("name"))
    );

    let (status, prod) = api.put("/api/v1/deployments/prod", &cloud(ID_A)).await;
    assert_eq!(status, 201, "{prod}");
    assert_eq!(prod["version"], 1);
    let (status, _) = api.put("/api/v1/deployments/prod", &cloud(ID_A)).await;
    assert_eq!(status, 409, "creating what exists");
    let (status, updated) = api
        .put("/api/v1/deployments/prod?version=1", &cloud(ID_A))
        .await;
    assert_eq!((status, updated["version"].as_i64()), (200, Some(2)));
    let (status, stale) = api
        .put("/api/v1/deployments/prod?version=1", &cloud(ID_A))
        .await;
    assert_eq!(status, 409);
    assert!(
        stale["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version 1, it is now at version 2")
    );

    // Resources live in one deployment: ?deployment= picks it, the default is the session's.
    let realm = json!({"type": "native", "settings": {"order": 0}});
    let (status, _) = api
        .put("/api/v1/realms/native1?deployment=prod", &realm)
        .await;
    assert_eq!(status, 201);
    let (_, default_realms) = api.get("/api/v1/realms").await;
    assert_eq!(default_realms, json!([]));
    let (_, prod_realms) = api.get("/api/v1/realms?deployment=prod").await;
    assert_eq!(prod_realms[0]["name"], "native1");
    // Realm lint targets the deployment: Elastic Cloud reserves orders 0 and 1.
    assert!(
        prod_realms[0]["diagnostics"].to_string().contains("order"),
        "{}",
        prod_realms[0]["diagnostics"]
    );
    let (status, missing) = api.get("/api/v1/realms?deployment=nope").await;
    assert_eq!(status, 404);
    assert_eq!(
        missing["error"]["message"],
        "deployment [nope] does not exist"
    );

    let (_, audit) = api.get("/api/v1/audit?limit=20").await;
    let entries = audit["entries"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["entity_kind"] == "deployment"
        && e["entity_id"] == "prod"
        && e["action"] == "update"));
    assert!(
        entries
            .iter()
            .any(|e| e["entity_kind"] == "realm" && e["entity_id"] == "prod/native1")
    );

    // Deleting a deployment deletes what is in it; the last one stays.
    let (status, _) = api.delete("/api/v1/deployments/prod?version=2").await;
    assert_eq!(status, 204);
    let (status, _) = api.get("/api/v1/realms?deployment=prod").await;
    assert_eq!(status, 404);
    let (status, last) = api.delete("/api/v1/deployments/default").await;
    assert_eq!(status, 409, "{last}");
}

#[tokio::test]
async fn environments_are_checked_against_every_managed_deployment() {
    let console = Console::start();
    let api = Api::login(&console).await;
    for (name, id) in [("a", ID_A), ("b", ID_B)] {
        let (status, body) = api
            .put(&format!("/api/v1/deployments/{name}"), &cloud(id))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, bad) = api
        .put(
            "/api/v1/trusted-environments/org?deployment=a",
            &json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_B, "ec38dd0aa45f"]}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["field"].as_str()),
        (400, Some("cluster_ids[1]")),
        "{bad}"
    );

    let (status, _) = api
        .put(
            "/api/v1/trusted-environments/org?deployment=a",
            &json!({"environment": "this_environment", "trust": "all"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = api
        .put(
            "/api/v1/trusted-environments/nobody?deployment=b",
            &json!({"environment": "this_environment", "trust": "none"}),
        )
        .await;
    assert_eq!(status, 201);

    let (status, trust) = api.get("/api/v1/trust?deployment=a").await;
    assert_eq!(status, 200, "{trust}");
    assert_eq!(
        trust["payload"]["trust"]["accounts"],
        json!([{"account_id": "803289842", "trust_all": true, "trust_allowlist": []}])
    );
    let env = &trust["environments"][0];
    assert_eq!(env["trusted"], json!(["b"]));
    assert!(
        env["blast_radius"]
            .as_str()
            .unwrap()
            .contains("every current and future deployment")
    );
    let warning = env["resource"]["diagnostics"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        warning.starts_with("[a] trusts [b], but [b] does not trust [a] back"),
        "{warning}"
    );
    assert_eq!(
        trust["graph"],
        json!([{"from": "a", "to": "b", "via": "org", "mutual": false}])
    );

    // b trusts a back by cluster ID: the warning goes, the edge is mutual.
    let (_, nobody) = api
        .get("/api/v1/trusted-environments/nobody?deployment=b")
        .await;
    let (status, _) = api
        .put(
            &format!(
                "/api/v1/trusted-environments/nobody?deployment=b&version={}",
                nobody["version"]
            ),
            &json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_A]}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, trust) = api.get("/api/v1/trust?deployment=a").await;
    assert_eq!(
        trust["environments"][0]["resource"]["diagnostics"],
        json!([])
    );
    assert!(
        trust["graph"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["mutual"] == true)
    );

    // A self-managed deployment gets the trust_restrictions file instead of a payload.
    let (status, _) = api
        .put(
            "/api/v1/deployments/onprem",
            &json!({"transport_ssl": {"key": "k", "certificate": "c"}}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = api
        .put(
            "/api/v1/trusted-environments/cloud?deployment=onprem",
            &json!({"environment": "elastic_cloud", "scope_id": "803289842", "trust": "specific", "cluster_ids": [ID_A], "certificates": CA}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, trust) = api.get("/api/v1/trust?deployment=onprem").await;
    assert_eq!(trust["payload"], Value::Null);
    assert_eq!(
        trust["self_managed"]["trust_restrictions"],
        format!("trust.subject_name:\n  - \"*.node.{ID_A}.cluster.803289842.account\"\n")
    );
}

#[tokio::test]
async fn a_remote_cluster_with_strong_identity_keeps_its_secrets_on_the_server() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, _) = api.put("/api/v1/deployments/a", &cloud(ID_A)).await;
    assert_eq!(status, 201);
    let mut b = cloud(ID_B);
    b["remote_signing"] = json!({"certificate_authorities": ["signing-ca.crt"], "ca_pem": CA});
    let (status, _) = api.put("/api/v1/deployments/b", &b).await;
    assert_eq!(status, 201);

    let remote = json!({
        "security": "api_key",
        "mode": "proxy",
        "addresses": ["b.example.com:9443"],
        "remote_deployment": "b",
        "api_key": {"name": "a-to-b", "access": {"search": [{"names": ["logs-*"]}]},
                    "certificate_identity": format!("CN=.*\\.node\\.{ID_A}\\.cluster\\.803289842")},
        "signing": {"mode": "pem", "certificate": NODE},
        "secure_settings": {"credentials": CREDENTIALS, "signing_key": NODE_KEY},
    });
    let (status, saved) = api
        .put("/api/v1/remote-clusters/b?deployment=a", &remote)
        .await;
    assert_eq!(status, 201, "{saved}");
    assert!(saved["secure_settings"]["credentials"]["changed_at"].is_string());
    assert_eq!(saved["diagnostics"], json!([]), "{}", saved["diagnostics"]);

    let (status, views) = api.get("/api/v1/trust/remote-clusters?deployment=a").await;
    assert_eq!(status, 200);
    let analysis = &views[0]["analysis"];
    let settings = analysis["local_settings"].to_string();
    assert!(
        settings.contains("cluster.remote.b.signing.certificate"),
        "{settings}"
    );
    assert!(
        settings.contains("\"cluster.remote.b.proxy_address\",\"b.example.com:9443\""),
        "{settings}"
    );
    assert!(
        analysis["keystore"][0]
            .as_str()
            .unwrap()
            .contains("cluster.remote.b.credentials")
    );
    assert_eq!(
        analysis["api_key"]["role_descriptor"]["cross_cluster"]["indices"][0]["names"],
        json!(["logs-*"])
    );

    // A pattern the signing certificate's DN does not match is an error on the key.
    let mut mismatch = remote.clone();
    mismatch["api_key"]["certificate_identity"] = json!("CN=other");
    mismatch.as_object_mut().unwrap().remove("secure_settings");
    let (status, changed) = api
        .put(
            "/api/v1/remote-clusters/b?deployment=a&version=1",
            &mismatch,
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        changed["diagnostics"][0]["setting"],
        "api_key.certificate_identity"
    );
    assert!(
        changed["secure_settings"]["signing_key"].is_object(),
        "the key is kept"
    );

    // The wrong key for the certificate is refused on its field.
    let mut wrong = remote.clone();
    wrong["secure_settings"] =
        json!({"signing_key": include_str!("../fixtures/certs/stranger.key")});
    let (status, refused) = api
        .put("/api/v1/remote-clusters/b?deployment=a&version=2", &wrong)
        .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (400, Some("secure_settings.signing_key"))
    );

    // Neither secret is in any response or audit entry.
    let key_line = NODE_KEY.lines().nth(1).unwrap();
    for path in [
        "/api/v1/remote-clusters?deployment=a",
        "/api/v1/remote-clusters/b?deployment=a",
        "/api/v1/trust/remote-clusters?deployment=a",
        "/api/v1/audit?limit=100",
    ] {
        let (_, body) = api.get(path).await;
        let text = body.to_string();
        assert!(
            !text.contains(CREDENTIALS) && !text.contains(key_line),
            "{path} leaks a secret"
        );
    }
}

/// The error messages among a saved resource's diagnostics.
fn error_messages(saved: &Value) -> Vec<String> {
    saved["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect()
}

/// Keystore signing and the API-key model's own TLS through the API: the keystore password is
/// write-only, the alias rule and the 9443 trust are checked between two managed clusters, and
/// the export writes the settings and the keystore command.
#[tokio::test]
async fn keystore_signing_and_remote_cluster_tls_between_two_self_managed_clusters() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let node_tls = json!({"key": "certs/node.key", "certificate": "certs/node.crt"});
    let a = json!({"stack_version": "9.3", "transport_ssl": node_tls,
        "remote_cluster": {"client_certificate_authorities": ["certs/other.crt"], "client_trusted_ca_pem": include_str!("../fixtures/certs/other-ca.pem")}});
    let b = json!({"stack_version": "9.3", "transport_ssl": node_tls,
        "remote_signing": {"certificate_authorities": ["signing-ca.crt"], "ca_pem": CA},
        "remote_cluster": {"server_enabled": true, "server_key": "certs/rcs.key", "server_certificate": "certs/rcs.crt", "server_ca_pem": CA}});
    for (name, body) in [("a", &a), ("b", &b)] {
        let (status, saved) = api.put(&format!("/api/v1/deployments/{name}"), body).await;
        assert_eq!(status, 201, "{saved}");
    }
    const PASSWORD: &str = "keystore-password-never-shown";
    let remote = json!({
        "security": "api_key", "mode": "proxy", "addresses": ["b.example.com:9443"],
        "remote_deployment": "b",
        "api_key": {"name": "a-to-b", "access": {"search": [{"names": ["logs-*"]}]}},
        "signing": {"mode": "keystore", "keystore_path": "certs/signing.p12", "keystore_entries": ["node-1", "node-2"]},
        "secure_settings": {"credentials": CREDENTIALS, "signing_keystore_password": PASSWORD},
    });
    let (status, saved) = api
        .put("/api/v1/remote-clusters/b?deployment=a", &remote)
        .await;
    assert_eq!(status, 201, "{saved}");
    assert!(saved["secure_settings"]["signing_keystore_password"]["changed_at"].is_string());
    let messages = error_messages(&saved);
    assert!(
        messages.iter().any(|m| m.contains(
            "has multiple signing keys [node-1, node-2] but no alias has been specified"
        )),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("does not trust the CA of [b]'s remote_cluster_server certificate")),
        "{messages:?}"
    );

    // Trusting b's CA and naming the alias clears both.
    let mut fixed_a = a.clone();
    fixed_a["remote_cluster"] =
        json!({"client_certificate_authorities": ["certs/ca.crt"], "client_trusted_ca_pem": CA});
    let (status, body) = api.put("/api/v1/deployments/a?version=1", &fixed_a).await;
    assert_eq!(status, 200, "{body}");
    let mut named = remote.clone();
    named["signing"]["keystore_alias"] = json!("node-2");
    named.as_object_mut().unwrap().remove("secure_settings");
    let (status, changed) = api
        .put("/api/v1/remote-clusters/b?deployment=a&version=1", &named)
        .await;
    assert_eq!(status, 200, "{changed}");
    let errors = error_messages(&changed);
    assert!(errors.is_empty(), "{errors:?}");

    let (_, yml) = api
        .get_text("/api/v1/deployments/a/export/elasticsearch.yml?draft=true")
        .await;
    for line in [
        "cluster.remote.b.signing.keystore.path: \"certs/signing.p12\"",
        "cluster.remote.b.signing.keystore.alias: \"node-2\"",
        "xpack.security.remote_cluster_client.ssl.certificate_authorities: [\"certs/ca.crt\"]",
    ] {
        assert!(yml.contains(line), "{line} missing from\n{yml}");
    }
    let (_, keystore) = api
        .get_text("/api/v1/deployments/a/export/keystore.sh?draft=true")
        .await;
    assert!(
        keystore.contains("cluster.remote.b.signing.keystore.secure_password"),
        "{keystore}"
    );
    for path in [
        "/api/v1/remote-clusters/b?deployment=a",
        "/api/v1/trust/remote-clusters?deployment=a",
        "/api/v1/audit?limit=100",
    ] {
        let (_, body) = api.get(path).await;
        assert!(
            !body.to_string().contains(PASSWORD),
            "{path} leaks the password"
        );
    }
    assert!(
        !keystore.contains(PASSWORD),
        "the masked keystore.sh holds the password"
    );
}
