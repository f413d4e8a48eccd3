use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

use super::deployment::{Deployment, check_deployment_name};
use super::environment::{
    DeploymentTrust, TrustedEnvironment, analyse, deployment_trust_json, self_managed_counterpart,
    self_managed_trust, trust_graph,
};
use super::ids::{KnownIds, check_cluster_id, cluster_id_warnings};
use super::remote::{self, RemoteConfig, RemoteContext};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resource::realm_config::SecretChange;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/certs/", $name))
    };
}

const CA: &str = fixture!("ca.pem");
const OTHER_CA: &str = fixture!("other-ca.pem");
const NODE: &str = fixture!("cloud-node.pem");
const NODE_KEY: &str = fixture!("cloud-node.key");
const STRANGER_KEY: &str = fixture!("stranger.key");
const NOW: i64 = 1_800_000_000;
const ID_A: &str = "cf659f7fe6164d9691b284ae36811be1";
const ID_B: &str = "ec38dd0aa45f4a69909ca5c81c27138a";
const DEPLOYMENT_ID_B: &str = "83a7b03f2a4343fe99f09bd27ca3d9ec";

fn deployment(body: Value) -> Deployment {
    Deployment::parse("d", &body).unwrap()
}

fn cloud(cluster: &str, scope: &str) -> Deployment {
    deployment(
        json!({"kind": "elastic_cloud", "cluster_id": cluster, "scope_id": scope, "stack_version": "9.3"}),
    )
}

fn env(body: Value, owner: &Deployment) -> TrustedEnvironment {
    TrustedEnvironment::parse("env", &body, owner).unwrap()
}

fn env_error(body: Value, owner: &Deployment) -> (String, String) {
    let e = TrustedEnvironment::parse("env", &body, owner).unwrap_err();
    (e.field, e.message)
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn cluster_ids_are_32_lowercase_hex_and_the_usual_mistakes_are_named() {
    assert_eq!(check_cluster_id(ID_A), Ok(()));
    let upper = check_cluster_id(&ID_A.to_ascii_uppercase()).unwrap_err();
    assert!(
        upper.contains("uppercase") && upper.contains(ID_A),
        "{upper}"
    );
    let uuid = check_cluster_id("cf659f7f-e616-4d96-91b2-84ae36811be1").unwrap_err();
    assert!(uuid.contains("UUID") && uuid.contains(ID_A), "{uuid}");
    let cluster_uuid = check_cluster_id("Lp5P5ZLwS2qT0Dk2Vb4mKg").unwrap_err();
    assert!(cluster_uuid.contains("cluster_uuid"), "{cluster_uuid}");
    let short = check_cluster_id("cf659f").unwrap_err();
    assert!(short.contains("short ID"), "{short}");
    let other = check_cluster_id("not-an-id").unwrap_err();
    assert_eq!(
        other,
        "[not-an-id] is not a cluster ID: expected 32 lowercase hexadecimal characters, like cf659f7fe6164d9691b284ae36811be1"
    );
    assert!(
        check_cluster_id(&format!(" {ID_A}"))
            .unwrap_err()
            .contains("spaces")
    );
    assert!(check_cluster_id("").is_err());
    assert!(check_cluster_id(&format!("{ID_A}0")).is_err());
}

#[wasm_bindgen_test(unsupported = test)]
fn id_warnings_catch_a_deployment_id_and_an_unknown_id() {
    let known = [
        KnownIds {
            name: "a",
            cluster_id: Some(ID_A),
            deployment_id: None,
        },
        KnownIds {
            name: "b",
            cluster_id: Some(ID_B),
            deployment_id: Some(DEPLOYMENT_ID_B),
        },
    ];
    assert!(cluster_id_warnings(ID_A, &known).is_empty());
    let misplaced = cluster_id_warnings(DEPLOYMENT_ID_B, &known);
    assert_eq!(misplaced.len(), 1);
    assert!(
        misplaced[0].contains("deployment ID of [b]") && misplaced[0].contains(ID_B),
        "{misplaced:?}"
    );
    let unknown = cluster_id_warnings("0123456789abcdef0123456789abcdef", &known);
    assert!(
        unknown[0].starts_with("no deployment the console manages"),
        "{unknown:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn deployments_parse_with_defaults_and_field_errors() {
    let d = deployment(json!({}));
    assert_eq!(d, Deployment::default());
    assert_eq!(d.to_json()["stack_version"], "9.3");
    assert_eq!(
        Deployment::parse("d", &d.to_json()).unwrap(),
        d,
        "the stored form parses back"
    );
    let bad = |body: Value| Deployment::parse("d", &body).unwrap_err();
    assert_eq!(bad(json!({"cluster_id": "x"})).field, "cluster_id");
    assert_eq!(
        bad(json!({"kind": "k8s"})).message,
        "[kind] must be one of self_managed, ece, elastic_cloud, found \"k8s\""
    );
    assert_eq!(bad(json!({"stack_version": "nine"})).field, "stack_version");
    assert_eq!(bad(json!({"stack_version": "6.8"})).field, "stack_version");
    assert_eq!(
        bad(json!({"transport_ssl": {"verification_mode": "strict"}})).field,
        "transport_ssl.verification_mode"
    );
    assert_eq!(bad(json!({"transport_ca_pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"})).field, "transport_ca_pem");
    assert_eq!(
        bad(json!({"cluster_id": ID_A, "deployment_id": ID_A})).field,
        "deployment_id"
    );
    assert_eq!(bad(json!({"colour": "blue"})).field, "colour");
    assert!(check_deployment_name("prod-eu_1").is_ok());
    assert!(
        check_deployment_name("Prod")
            .unwrap_err()
            .message
            .contains("'P'")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn deployment_diagnostics_quote_the_transport_tls_bootstrap_check() {
    let off = deployment(json!({"transport_ssl": {"enabled": false}}));
    let found = off.diagnostics();
    assert_eq!(found[0].setting, "transport_ssl.enabled");
    assert!(
        found[0]
            .message
            .starts_with("Transport SSL must be enabled if security is enabled.")
    );
    let no_key = deployment(json!({"transport_ssl": {"enabled": true, "certificate": "node.crt"}}));
    assert_eq!(no_key.diagnostics()[0].setting, "transport_ssl.key");
    let ok = deployment(
        json!({"transport_ssl": {"key": "node.key", "certificate": "node.crt", "verification_mode": "certificate"}}),
    );
    assert!(ok.diagnostics().is_empty(), "{:?}", ok.diagnostics());
    let both = deployment(
        json!({"transport_ssl": {"key": "k", "certificate": "c"}, "remote_signing": {"certificate_authorities": ["ca.crt"], "truststore_path": "ts.p12"}}),
    );
    assert_eq!(
        errors(&both.diagnostics())[0].message,
        // `SslConfigurationLoader` under the `signing.` prefix, wrapped by
        // `CrossClusterApiKeySignatureManager.reload`.
        "Failed to load trust config: cannot specify both [signing.certificate_authorities] and [signing.truststore.path]"
    );
    let settings = ok.settings();
    assert!(settings.contains(&(
        "xpack.security.transport.ssl.verification_mode".to_owned(),
        json!("certificate")
    )));
    // Hosted deployments manage transport TLS themselves.
    assert!(cloud(ID_A, "803289842").diagnostics().is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn an_invalid_cluster_id_in_an_allowlist_is_an_error_on_its_entry() {
    let owner = cloud(ID_A, "803289842");
    let (field, message) = env_error(
        json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_B, "ec38dd0aa45f4a69"]}),
        &owner,
    );
    assert_eq!(field, "cluster_ids[1]");
    assert!(
        message.contains("[ec38dd0aa45f4a69] is not a cluster ID"),
        "{message}"
    );
    assert_eq!(
        env_error(
            json!({"environment": "this_environment", "trust": "specific"}),
            &owner
        )
        .0,
        "cluster_ids"
    );
    assert_eq!(env_error(json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_B, ID_B]}), &owner).1, format!("[{ID_B}] is listed twice"));
    assert_eq!(
        env_error(
            json!({"environment": "this_environment", "trust": "all", "cluster_ids": [ID_B]}),
            &owner
        )
        .0,
        "cluster_ids"
    );
    assert_eq!(env_error(json!({"trust": "all"}), &owner).0, "environment");
}

#[wasm_bindgen_test(unsupported = test)]
fn environment_rules_follow_the_direct_trust_relationship_rules() {
    let cloud_owner = cloud(ID_A, "803289842");
    let ece_owner =
        deployment(json!({"kind": "ece", "cluster_id": ID_A, "scope_id": "1053523734"}));
    let self_owner = deployment(json!({"transport_ssl": {"key": "k", "certificate": "c"}}));
    // Another ECE environment: its CA on Elastic Cloud, its trust relationship on ECE.
    assert_eq!(
        env_error(
            json!({"environment": "ece", "scope_id": "1053523734"}),
            &cloud_owner
        )
        .0,
        "certificates"
    );
    assert_eq!(
        env_error(
            json!({"environment": "ece", "scope_id": "1053523734"}),
            &ece_owner
        )
        .0,
        "trust_relationship_id"
    );
    env(
        json!({"environment": "ece", "scope_id": "1053523734", "certificates": CA}),
        &cloud_owner,
    );
    assert_eq!(
        env_error(
            json!({"environment": "ece", "certificates": CA}),
            &cloud_owner
        ),
        (
            "scope_id".to_owned(),
            "the ECE environment ID is required".to_owned()
        )
    );
    assert_eq!(
        env_error(
            json!({"environment": "ece", "scope_id": "Env-1", "certificates": CA}),
            &cloud_owner
        )
        .0,
        "scope_id"
    );
    // Self-managed: trust_all needs a scope; node names have no wildcards; no scope needs names.
    assert!(
        env_error(
            json!({"environment": "self_managed", "trust": "all", "certificates": CA}),
            &cloud_owner
        )
        .1
        .starts_with("trust_all requires a scope_id")
    );
    assert!(env_error(json!({"environment": "self_managed", "trust": "specific", "cluster_ids": [ID_B], "certificates": CA}), &cloud_owner).1.contains("requires a scope_id"));
    assert_eq!(
        env_error(
            json!({"environment": "self_managed", "trust": "none", "certificates": CA}),
            &cloud_owner
        )
        .1,
        "additional_node_names are mandatory when there is no scope_id"
    );
    assert_eq!(
        env_error(
            json!({"environment": "self_managed", "trust": "none", "node_names": ["a.example.com", "*.example.com"], "certificates": CA}),
            &cloud_owner
        ),
        (
            "node_names[1]".to_owned(),
            "[*.example.com]: additional_node_names cannot contain wildcards".to_owned()
        )
    );
    assert_eq!(
        env_error(
            json!({"environment": "self_managed", "trust": "none", "node_names": ["a"]}),
            &cloud_owner
        )
        .0,
        "certificates"
    );
    env(
        json!({"environment": "self_managed", "trust": "none", "node_names": ["a.example.com"], "certificates": CA}),
        &cloud_owner,
    );
    // "This environment" is a hosted notion.
    assert_eq!(
        env_error(json!({"environment": "this_environment"}), &self_owner).0,
        "environment"
    );
    assert_eq!(
        env_error(
            json!({"environment": "ece", "scope_id": "1", "node_names": ["n"], "certificates": CA}),
            &self_owner
        )
        .0,
        "node_names"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn one_way_trust_and_the_blast_radius_of_trust_all_are_reported() {
    let a = cloud(ID_A, "803289842");
    let b = deployment(
        json!({"kind": "elastic_cloud", "cluster_id": ID_B, "scope_id": "803289842", "deployment_id": DEPLOYMENT_ID_B}),
    );
    let a_envs = vec![(
        "org".to_owned(),
        env(
            json!({"environment": "this_environment", "trust": "all"}),
            &a,
        ),
    )];
    let b_envs = vec![(
        "none".to_owned(),
        env(
            json!({"environment": "this_environment", "trust": "none"}),
            &b,
        ),
    )];
    let all = [
        DeploymentTrust {
            name: "a",
            deployment: &a,
            environments: &a_envs,
        },
        DeploymentTrust {
            name: "b",
            deployment: &b,
            environments: &b_envs,
        },
    ];
    let found = analyse(0, &a_envs[0].1, &all);
    assert_eq!(found.trusted, ["b"]);
    assert_eq!(found.diagnostics.len(), 1, "{:?}", found.diagnostics);
    assert!(
        found.diagnostics[0]
            .message
            .starts_with("[a] trusts [b], but [b] does not trust [a] back")
    );
    let radius = found.blast_radius.unwrap();
    assert!(
        radius.contains("every current and future deployment of this environment [803289842]")
            && radius.contains(": b."),
        "{radius}"
    );
    let graph = trust_graph(&all);
    assert_eq!(graph.len(), 1);
    assert!(!graph[0].mutual && graph[0].from == "a" && graph[0].to == "b");

    // Specific trust from b back to a makes it mutual; b's deployment ID pasted is caught.
    let b_envs = vec![(
        "a only".to_owned(),
        env(
            json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_A, DEPLOYMENT_ID_B]}),
            &b,
        ),
    )];
    let all = [
        DeploymentTrust {
            name: "a",
            deployment: &a,
            environments: &a_envs,
        },
        DeploymentTrust {
            name: "b",
            deployment: &b,
            environments: &b_envs,
        },
    ];
    assert!(analyse(0, &a_envs[0].1, &all).diagnostics.is_empty());
    let b_found = analyse(1, &b_envs[0].1, &all);
    assert_eq!(b_found.trusted, ["a"]);
    assert_eq!(b_found.blast_radius, None);
    assert_eq!(b_found.diagnostics.len(), 1);
    assert_eq!(b_found.diagnostics[0].setting, "cluster_ids[1]");
    assert!(
        b_found.diagnostics[0]
            .message
            .contains("deployment ID of [b]")
    );
    assert!(trust_graph(&all).iter().all(|e| e.mutual));
}

#[wasm_bindgen_test(unsupported = test)]
fn the_trust_payload_puts_each_environment_in_its_group() {
    let ece = deployment(json!({"kind": "ece", "cluster_id": ID_A, "scope_id": "1053523734"}));
    let envs = vec![
        (
            "mine".to_owned(),
            env(
                json!({"environment": "this_environment", "trust": "specific", "cluster_ids": [ID_B]}),
                &ece,
            ),
        ),
        (
            "other ece".to_owned(),
            env(
                json!({"environment": "ece", "scope_id": "42", "trust_relationship_id": DEPLOYMENT_ID_B, "trust": "all"}),
                &ece,
            ),
        ),
        (
            "cloud org".to_owned(),
            env(
                json!({"environment": "elastic_cloud", "scope_id": "803289842", "certificates": format!("{CA}{OTHER_CA}"), "trust": "none"}),
                &ece,
            ),
        ),
        (
            "on prem".to_owned(),
            env(
                json!({"environment": "self_managed", "trust": "none", "node_names": ["es1.corp"], "certificates": CA}),
                &ece,
            ),
        ),
    ];
    let payload = deployment_trust_json(&ece, &envs).unwrap();
    let trust = &payload["trust"];
    assert_eq!(
        trust["accounts"],
        json!([{"account_id": "1053523734", "trust_all": false, "trust_allowlist": [ID_B]}])
    );
    assert_eq!(
        trust["external"],
        json!([{"trust_relationship_id": DEPLOYMENT_ID_B, "trust_all": true, "trust_allowlist": []}])
    );
    let direct = trust["direct"].as_array().unwrap();
    assert_eq!(direct[0]["type"], "ESS");
    assert_eq!(direct[0]["scope_id"], "803289842");
    assert_eq!(direct[0]["certificates"].as_array().unwrap().len(), 2);
    assert!(
        direct[0]["certificates"][0]["pem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    assert_eq!(direct[1]["type"], "generic");
    assert_eq!(direct[1]["additional_node_names"], json!(["es1.corp"]));
    assert!(direct[1].get("scope_id").is_none());
    assert!(self_managed_trust(&ece, &envs).is_none());
}

#[wasm_bindgen_test(unsupported = test)]
fn a_self_managed_cluster_gets_trust_restrictions_and_ca_steps() {
    let owner = deployment(json!({"transport_ssl": {"key": "k", "certificate": "c"}}));
    let envs = vec![
        (
            "cloud".to_owned(),
            env(
                json!({"environment": "elastic_cloud", "scope_id": "803289842", "trust": "specific", "cluster_ids": [ID_A, ID_B], "certificates": CA}),
                &owner,
            ),
        ),
        (
            "ece".to_owned(),
            env(
                json!({"environment": "ece", "scope_id": "1053523734", "trust": "all", "certificates": OTHER_CA}),
                &owner,
            ),
        ),
    ];
    let trust = self_managed_trust(&owner, &envs).unwrap();
    assert_eq!(
        trust.trust_restrictions,
        format!(
            "trust.subject_name:\n  - \"*.node.{ID_A}.cluster.803289842.account\"\n  - \"*.node.{ID_B}.cluster.803289842.account\"\n  - \"*.node.*.cluster.1053523734.account\"\n"
        )
    );
    assert_eq!(trust.ca_pem.matches("BEGIN CERTIFICATE").count(), 2);
    let counterpart = self_managed_counterpart(&cloud(ID_A, "803289842"));
    assert_eq!(
        counterpart.trust_restrictions,
        format!("trust.subject_name:\n  - \"*.node.{ID_A}.cluster.803289842.account\"\n")
    );
}

fn remote_body(extra: Value) -> Value {
    let mut body = json!({
        "security": "api_key",
        "mode": "proxy",
        "addresses": ["remote.example.com:9443"],
        "remote_deployment": "b",
        "api_key": {"name": "ccs", "access": {"search": [{"names": ["logs-*"]}]}, "certificate_identity": "CN=.*\\.node\\.cf659f7fe6164d9691b284ae36811be1\\.cluster\\.803289842"},
        "signing": {"mode": "pem", "certificate": NODE},
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn signing_remote(ca: &str) -> Deployment {
    deployment(
        json!({"kind": "elastic_cloud", "cluster_id": ID_B, "scope_id": "803289842", "remote_signing": {"certificate_authorities": ["signing-ca.crt"], "ca_pem": ca}}),
    )
}

fn analyse_remote(
    body: Value,
    local: &Deployment,
    remote: Option<&Deployment>,
    key: Option<&str>,
) -> remote::RemoteAnalysis {
    let config = RemoteConfig::parse("prod", &body).unwrap().config;
    remote::analyse(
        &config,
        &RemoteContext {
            local_name: "a",
            local,
            remote: remote.map(|d| ("b", d)),
            credentials_set: true,
            signing_key: key,
            keystore_password_set: true,
            now: NOW,
        },
    )
}

#[wasm_bindgen_test(unsupported = test)]
fn an_api_key_remote_with_strong_identity_checks_out_end_to_end() {
    let local = cloud(ID_A, "803289842");
    let remote_d = signing_remote(CA);
    let found = analyse_remote(
        remote_body(json!({})),
        &local,
        Some(&remote_d),
        Some(NODE_KEY),
    );
    assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
    assert!(found.local_settings.contains(&(
        "cluster.remote.prod.signing.certificate".to_owned(),
        json!("remote-signing/prod.crt")
    )));
    assert!(found.local_settings.contains(&(
        "cluster.remote.prod.proxy_address".to_owned(),
        json!("remote.example.com:9443")
    )));
    assert_eq!(
        found.remote_settings,
        [("remote_cluster_server.enabled".to_owned(), json!(true))]
    );
    assert!(found.keystore[0].contains("--stdin cluster.remote.prod.credentials"));
    assert!(
        found
            .api_key_request
            .unwrap()
            .starts_with("POST /_security/cross_cluster/api_key\n{")
    );
    assert_eq!(
        found.api_key.unwrap().role_descriptor["cross_cluster"]["cluster"][0],
        "cross_cluster_search"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn strong_identity_failures_are_each_named() {
    let local = cloud(ID_A, "803289842");
    let messages = |found: remote::RemoteAnalysis| -> Vec<(String, String)> {
        errors(&found.diagnostics)
            .into_iter()
            .map(|d| (d.setting.clone(), d.message.clone()))
            .collect()
    };
    // A pattern the DN does not match in full.
    let body = remote_body(
        json!({"api_key": {"name": "ccs", "access": {"search": [{"names": ["logs-*"]}]}, "certificate_identity": "CN=i1"}}),
    );
    let found = messages(analyse_remote(
        body,
        &local,
        Some(&signing_remote(CA)),
        Some(NODE_KEY),
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "api_key.certificate_identity");
    // No signing trust on the remote: the JDK's default trust store decides
    // (`SslConfigurationLoader` → `DefaultJdkTrustConfig`), which the console cannot see.
    let bare = cloud(ID_B, "803289842");
    let analysis = analyse_remote(remote_body(json!({})), &local, Some(&bare), Some(NODE_KEY));
    assert!(
        errors(&analysis.diagnostics).is_empty(),
        "{:?}",
        analysis.diagnostics
    );
    let jdk = analysis
        .diagnostics
        .iter()
        .find(|d| d.message.contains("DefaultJdkTrustConfig"))
        .expect("the JDK trust store warning");
    assert!(
        jdk.message.contains("PKIX path building failed"),
        "{}",
        jdk.message
    );
    assert!(!jdk.message.contains("has not trust configuration"));
    // Signed by a CA the remote does not trust.
    let found = messages(analyse_remote(
        remote_body(json!({})),
        &local,
        Some(&signing_remote(OTHER_CA)),
        Some(NODE_KEY),
    ));
    assert_eq!(found[0].0, "signing.certificate");
    // The wrong key, or none.
    let found = messages(analyse_remote(
        remote_body(json!({})),
        &local,
        Some(&signing_remote(CA)),
        Some(STRANGER_KEY),
    ));
    assert_eq!(
        found[0],
        (
            "secure_settings.signing_key".to_owned(),
            "the stored signing key does not belong to the signing certificate".to_owned()
        )
    );
    let found = messages(analyse_remote(
        remote_body(json!({})),
        &local,
        Some(&signing_remote(CA)),
        None,
    ));
    assert_eq!(found[0].0, "secure_settings.signing_key");
    // An identity on the key but no signing: every request is rejected.
    let found = messages(analyse_remote(
        remote_body(json!({"signing": {"mode": "none"}})),
        &local,
        Some(&signing_remote(CA)),
        None,
    ));
    assert_eq!(found[0].0, "signing.mode");
    assert!(
        found[0]
            .1
            .starts_with("the API key requires certificate identity matching")
    );
    // Versions: strong identity needs 9.3 on both sides, the API-key model 8.14 on Cloud.
    let old = deployment(
        json!({"kind": "elastic_cloud", "cluster_id": ID_B, "scope_id": "803289842", "stack_version": "8.12", "remote_signing": {"certificate_authorities": ["ca.crt"], "ca_pem": CA}}),
    );
    let found = messages(analyse_remote(
        remote_body(
            json!({"api_key": {"name": "ccs", "access": {"search": [{"names": ["logs-*"]}]}}}),
        ),
        &local,
        Some(&old),
        Some(NODE_KEY),
    ));
    assert!(
        found
            .iter()
            .any(|(_, m)| m
                == "[b] runs 8.12: the API-key model needs 8.14 or later on both clusters"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(_, m)| m
            == "[b] runs 8.12: strong identity verification needs 9.3 or later on both clusters"),
        "{found:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn remote_bodies_check_their_secrets_when_they_arrive() {
    let parse = |extra: Value| RemoteConfig::parse("prod", &remote_body(extra));
    let wrong_key = parse(json!({"secure_settings": {"signing_key": STRANGER_KEY}})).unwrap_err();
    assert_eq!(wrong_key.field, "secure_settings.signing_key");
    let update =
        parse(json!({"secure_settings": {"signing_key": NODE_KEY, "credentials": "aWQ6c2VjcmV0"}}))
            .unwrap();
    assert_eq!(update.secrets.len(), 2);
    assert!(
        matches!(update.secrets["credentials"], SecretChange::Set(ref v) if v == "aWQ6c2VjcmV0")
    );
    let not_encoded = parse(json!({"secure_settings": {"credentials": "c2VjcmV0"}})).unwrap_err();
    assert!(
        not_encoded.message.contains("id:api_key"),
        "{not_encoded:?}"
    );
    assert_eq!(
        parse(json!({"secure_settings": {"password": "x"}}))
            .unwrap_err()
            .field,
        "secure_settings.password"
    );
    assert!(matches!(
        parse(json!({"secure_settings": {"credentials": null}}))
            .unwrap()
            .secrets["credentials"],
        SecretChange::Clear
    ));
    assert_eq!(
        RemoteConfig::parse("bad alias", &json!({}))
            .unwrap_err()
            .field,
        "alias"
    );
    let config = parse(json!({})).unwrap().config;
    assert_eq!(
        RemoteConfig::parse("prod", &config.to_json())
            .unwrap()
            .config,
        config,
        "the stored form parses back"
    );
}

/// Issue 20 point 22: no documentation backs a 32-hex rule for trust-relationship IDs, so an
/// unusual one is accepted with a warning (the analysis), not refused (the validation).
#[wasm_bindgen_test(unsupported = test)]
fn an_unusual_trust_relationship_id_is_a_warning() {
    let ece = deployment(json!({"kind": "ece", "stack_version": "9.3", "cluster_id": ID_A}));
    let unusual = env(
        json!({"environment": "ece", "scope_id": "42", "trust_relationship_id": "rel-1", "trust": "all"}),
        &ece,
    );
    let usual = env(
        json!({"environment": "ece", "scope_id": "42", "trust_relationship_id": DEPLOYMENT_ID_B, "trust": "all"}),
        &ece,
    );
    let envs = vec![("a".to_owned(), unusual.clone())];
    let all = [DeploymentTrust {
        name: "a",
        deployment: &ece,
        environments: &envs,
    }];
    let found = analyse(0, &unusual, &all);
    assert_eq!(found.diagnostics.len(), 1, "{:?}", found.diagnostics);
    assert_eq!(found.diagnostics[0].setting, "trust_relationship_id");
    assert!(
        found.diagnostics[0]
            .message
            .contains("[rel-1] does not look like")
    );
    assert!(analyse(0, &usual, &all).diagnostics.is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn the_certificate_model_needs_each_side_to_trust_the_others_ca() {
    let tls = |own: &str, trusted: &str| {
        deployment(
            json!({"cluster_id": ID_A, "transport_ssl": {"key": "k", "certificate": "c"}, "transport_ca_pem": own, "trusted_ca_pem": trusted}),
        )
    };
    let body = json!({"security": "certificate", "mode": "sniff", "addresses": ["10.0.0.1:9300"], "remote_deployment": "b"});
    let local = tls(CA, CA);
    let remote_d = tls(OTHER_CA, OTHER_CA);
    let found = analyse_remote(body.clone(), &local, Some(&remote_d), None);
    let found = errors(&found.diagnostics);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0]
            .message
            .starts_with("[a] does not trust the CA of [b]")
    );
    assert!(
        found[1]
            .message
            .starts_with("[b] does not trust the CA of [a]")
    );
    let mutual = analyse_remote(
        body.clone(),
        &tls(CA, &format!("{CA}{OTHER_CA}")),
        Some(&tls(OTHER_CA, &format!("{OTHER_CA}{CA}"))),
        None,
    );
    assert!(mutual.diagnostics.is_empty(), "{:?}", mutual.diagnostics);
    let off = deployment(json!({"transport_ssl": {"enabled": false}}));
    let found = analyse_remote(body, &local, Some(&off), None);
    assert!(
        errors(&found.diagnostics)
            .iter()
            .any(|d| d.message.starts_with("transport TLS is off on [b]"))
    );
}

/// Keystore signing (`signing.keystore.*`, spec §5.2): the settings, the password's keystore
/// command, and `CrossClusterApiKeySignatureManager.buildKeyPair`'s alias rule.
#[wasm_bindgen_test(unsupported = test)]
fn keystore_signing_needs_an_alias_when_the_keystore_holds_several_keys() {
    let local = cloud(ID_A, "803289842");
    let remote = signing_remote(CA);
    let run = |signing: Value| {
        analyse_remote(
            remote_body(json!({"signing": signing})),
            &local,
            Some(&remote),
            None,
        )
    };
    let several = run(
        json!({"mode": "keystore", "keystore_path": "signing.p12", "keystore_entries": ["node-b", "node-a"]}),
    );
    let error = several
        .diagnostics
        .iter()
        .find(|d| d.setting == "signing.keystore_alias")
        .expect("the alias error");
    assert_eq!(
        error.message,
        "Failed to load signing config for cluster [prod]: The configured signing key store has multiple signing keys [node-a, node-b] but no alias has been specified in signing configuration."
    );
    assert!(several.local_settings.contains(&(
        "cluster.remote.prod.signing.keystore.path".to_owned(),
        json!("signing.p12")
    )));
    assert!(
        several
            .keystore
            .iter()
            .any(|c| c.contains("cluster.remote.prod.signing.keystore.secure_password"))
    );
    let chosen = run(
        json!({"mode": "keystore", "keystore_path": "signing.p12", "keystore_type": "PKCS12", "keystore_alias": "node-a", "keystore_entries": ["node-b", "node-a"]}),
    );
    assert!(
        errors(&chosen.diagnostics).is_empty(),
        "{:?}",
        chosen.diagnostics
    );
    for (key, value) in [("type", "PKCS12"), ("alias", "node-a")] {
        assert!(chosen.local_settings.contains(&(
            format!("cluster.remote.prod.signing.keystore.{key}"),
            json!(value)
        )));
    }
    let unknown = run(
        json!({"mode": "keystore", "keystore_path": "signing.p12", "keystore_alias": "other", "keystore_entries": ["node-a"]}),
    );
    assert!(
        errors(&unknown.diagnostics)
            .iter()
            .any(|d| d.message.contains("no key entry [other]"))
    );
    let missing = run(json!({"mode": "keystore"}));
    assert_eq!(
        errors(&missing.diagnostics)[0].setting,
        "signing.keystore_path"
    );
}

/// The API-key model's TLS (`remote_cluster_server.*`, `xpack.security.remote_cluster_server
/// .ssl.*` on the remote, `xpack.security.remote_cluster_client.ssl.*` locally): the
/// `SSLService` startup error, the settings written, and the checks between two clusters.
#[wasm_bindgen_test(unsupported = test)]
fn remote_cluster_tls_is_configured_checked_and_exported_like_transport_tls() {
    let ssl = json!({"key": "k", "certificate": "c"});
    let server = |rc: Value| deployment(json!({"transport_ssl": ssl, "remote_cluster": rc}));
    let bare = server(json!({"server_enabled": true})).diagnostics();
    let found = errors(&bare);
    assert_eq!(found[0].setting, "remote_cluster.server_key");
    assert_eq!(
        found[0].message,
        "invalid SSL configuration for xpack.security.remote_cluster_server.ssl - server ssl configuration requires a key and certificate, but these have not been configured; you must set either [xpack.security.remote_cluster_server.ssl.keystore.path], or both [xpack.security.remote_cluster_server.ssl.key] and [xpack.security.remote_cluster_server.ssl.certificate]"
    );
    let ready = server(
        json!({"server_enabled": true, "server_key": "rcs.key", "server_certificate": "rcs.crt", "server_ca_pem": CA}),
    );
    assert!(
        errors(&ready.diagnostics()).is_empty(),
        "{:?}",
        ready.diagnostics()
    );
    let settings = ready.settings();
    for (key, value) in [
        ("remote_cluster_server.enabled", json!(true)),
        (
            "xpack.security.remote_cluster_server.ssl.key",
            json!("rcs.key"),
        ),
        (
            "xpack.security.remote_cluster_server.ssl.certificate",
            json!("rcs.crt"),
        ),
    ] {
        assert!(
            settings.contains(&(key.to_owned(), value.clone())),
            "{key} in {settings:?}"
        );
    }
    // Defaults write nothing.
    assert!(
        Deployment::default()
            .settings()
            .iter()
            .all(|(k, _)| !k.contains("remote_cluster"))
    );

    let body = || {
        remote_body(
            json!({"remote_deployment": "b", "signing": {"mode": "none"}, "api_key": {"name": "k", "access": {"search": [{"names": ["a"]}]}}}),
        )
    };
    let local = |rc: Value| deployment(json!({"transport_ssl": ssl, "remote_cluster": rc}));
    let messages = |local: &Deployment, remote: &Deployment| -> Vec<String> {
        errors(&analyse_remote(body(), local, Some(remote), None).diagnostics)
            .into_iter()
            .map(|d| d.message.clone())
            .collect()
    };
    let closed = server(json!({}));
    assert!(
        messages(&local(json!({})), &closed)[0]
            .contains("does not set remote_cluster_server.enabled: true")
    );
    let plain = server(json!({"server_enabled": true, "server_ssl": false}));
    assert!(
        messages(&local(json!({})), &plain)[0].contains("ssl.enabled: false: the handshake fails")
    );
    let untrusting = local(
        json!({"client_certificate_authorities": ["other.crt"], "client_trusted_ca_pem": OTHER_CA}),
    );
    let found = messages(&untrusting, &ready);
    assert!(
        found[0].contains("does not trust the CA of [b]'s remote_cluster_server certificate"),
        "{found:?}"
    );
    let trusting =
        local(json!({"client_certificate_authorities": ["ca.crt"], "client_trusted_ca_pem": CA}));
    assert!(messages(&trusting, &ready).is_empty());
    let unverified = local(json!({"client_verification_mode": "none"}));
    assert!(messages(&unverified, &ready).is_empty());
    assert!(
        unverified
            .diagnostics()
            .iter()
            .any(|d| d.setting == "remote_cluster.client_verification_mode")
    );
}

/// An encrypted signing key's passphrase is `cluster.remote.<alias>.signing.secure_key_passphrase`
/// (`SslConfigurationKeys.KEY_SECURE_PASSPHRASE` under `signing.`; the spec's
/// `signing.key.secure_passphrase` does not exist).
#[wasm_bindgen_test(unsupported = test)]
fn an_encrypted_signing_key_names_the_real_passphrase_setting() {
    let body = remote_body(
        json!({"secure_settings": {"signing_key": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"}}),
    );
    let refused = RemoteConfig::parse("prod", &body).unwrap_err();
    assert_eq!(refused.field, "secure_settings.signing_key");
    assert!(
        refused.message.contains("signing.secure_key_passphrase"),
        "{}",
        refused.message
    );
    assert!(!refused.message.contains("signing.key.secure_passphrase"));
}

/// `xpack.security.authc.run_as.enabled` is a deployment setting: written only when turned off.
#[wasm_bindgen_test(unsupported = test)]
fn run_as_can_be_turned_off_per_deployment() {
    let off = deployment(json!({"run_as_enabled": false}));
    assert!(!off.run_as_enabled);
    assert!(off.settings().contains(&(
        "xpack.security.authc.run_as.enabled".to_owned(),
        json!(false)
    )));
    assert!(Deployment::default().run_as_enabled);
    assert!(
        Deployment::default()
            .settings()
            .iter()
            .all(|(k, _)| !k.contains("run_as"))
    );
    // Stored deployments from before the field existed read as on.
    let mut old = Deployment::default().to_json();
    old.as_object_mut().unwrap().remove("run_as_enabled");
    let read: Deployment = serde_json::from_value(old).unwrap();
    assert!(read.run_as_enabled);
}
