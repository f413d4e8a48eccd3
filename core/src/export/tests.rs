use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::config::Settings;
use crate::cross_cluster::{Mode, RemoteCluster, Security};
use crate::diagnostic::{DeploymentKind, StackVersion};
use crate::jwt::realm::load;
use crate::resource::{check_role, parse_role_mapping, parse_user};
use crate::trust::deployment::{SigningTrust, TransportSsl, VerificationMode};
use crate::trust::remote::{Signing, SigningMode};

const VERSION: &str = "1.2.3";
const PKC_JWKS: &str = include_str!("../../../tests/fixtures/jwt-corpus/pkc.jwks.json");
const CORPUS_YML: &str = include_str!("../../../tests/fixtures/jwt-corpus/elasticsearch.yml");
const CORPUS_SECURE: &str = include_str!("../../../tests/fixtures/jwt-corpus/secure.yml");
const SIGNING_CERT: &str = include_str!("../../../tests/fixtures/certs/unusual.pem");
const SIGNING_KEY: &str = include_str!("../../../tests/fixtures/certs/unusual.key");

/// The docs' realms as an admin writes them (nested YAML), plus the ECE access-token realm.
/// jwt8: spec §7.1; jwt1 / jwt2: the ES REST test realms (spec §7.3); ece: ECE/ECH "Secure
/// your clusters with JWT" access-token realm against an IdP's JWKS URL.
const DOCS_YML: &str = r#"
xpack.security.authc.realms.jwt.jwt8:
  order: 8
  allowed_issuer: iss8
  allowed_audiences: [aud8]
  allowed_signature_algorithms: [HS256]
  claims.principal: sub
  client_authentication.type: shared_secret
xpack.security.authc.realms.jwt.jwt1:
  order: 1
  token_type: id_token
  allowed_issuer: https://issuer.example.com/
  allowed_audiences: [es01, es02]
  allowed_signature_algorithms: [RS256]
  pkc_jwkset_path: rsa-public-jwkset.json
  claims.principal: sub
  claims.groups: roles
  required_claims:
    token_use: id
    version: "2.0"
  client_authentication.type: none
xpack.security.authc.realms.jwt.jwt2:
  order: 2
  token_type: access_token
  allowed_issuer: my-issuer
  allowed_audiences: [es01, es02, es03]
  allowed_subject_patterns: ["service_*@app?.example.com"]
  allowed_signature_algorithms: [HS256, HS384]
  fallback_claims.sub: email
  fallback_claims.aud: scope
  claims.principal: sub
  claim_patterns.principal: "^(.*)@[^.]*[.]example[.]com$"
  authorization_realms: native1
  client_authentication.type: shared_secret
xpack.security.authc.realms.jwt.ece-access:
  order: 3
  token_type: access_token
  allowed_issuer: https://idp.example.com/realms/elastic
  allowed_audiences: [elasticsearch]
  allowed_subjects: [service-account-ingest]
  allowed_signature_algorithms: [RS256]
  pkc_jwkset_path: https://idp.example.com/realms/elastic/protocol/openid-connect/certs
  fallback_claims.sub: client_id
  claims.principal: sub
  claims.groups: groups
  client_authentication.type: none
xpack.security.authc.realms.native.native1:
  order: 0
"#;

const DOCS_SECURE: &str = r#"
xpack.security.authc.realms.jwt.jwt8.client_authentication.shared_secret: client-shared-secret-string
xpack.security.authc.realms.jwt.jwt8.hmac_key: hmac-oidc-key-string-for-hs256-algorithm
xpack.security.authc.realms.jwt.jwt2.hmac_key: "test-HMAC/secret passphrase-value"
xpack.security.authc.realms.jwt.jwt2.client_authentication.shared_secret: test-secret
"#;

fn docs_input() -> ImportInput {
    ImportInput {
        yml: DOCS_YML.to_owned(),
        secure_settings: Some(DOCS_SECURE.to_owned()),
        files: [("rsa-public-jwkset.json".to_owned(), PKC_JWKS.to_owned())].into(),
        ..ImportInput::default()
    }
}

fn empty(name: &str) -> Bundle {
    Bundle {
        name: name.to_owned(),
        ..Bundle::default()
    }
}

/// The files an export hands the admin, as an import reads them back.
fn exported_input(bundle: &Bundle) -> ImportInput {
    let artifacts = render(bundle, VERSION, Secrets::Revealed);
    let file = |name: &str| {
        artifacts
            .iter()
            .find(|a| a.file == name)
            .map(|a| a.content.clone())
    };
    ImportInput {
        yml: file(YML).unwrap_or_default(),
        secure_settings: file(SECURE_YML),
        role_mappings: file(ROLE_MAPPINGS_JSON),
        roles: file(ROLES_JSON),
        files: support_files(bundle, Secrets::Revealed)
            .into_iter()
            .map(|(path, content, _)| (path, content))
            .collect(),
    }
}

/// What the yml cannot carry is kept from the deployment the import goes into; everything
/// the files carry is scrambled or cleared, so that only the files can restore it.
fn scrambled(model: &Bundle) -> Bundle {
    let mut base = model.clone();
    base.deployment.security_enabled = !model.deployment.security_enabled;
    if base.deployment.kind == DeploymentKind::SelfManaged {
        base.deployment.transport_ssl = TransportSsl {
            enabled: !model.deployment.transport_ssl.enabled,
            verification_mode: VerificationMode::None,
            key: Some("stale.key".to_owned()),
            certificate: None,
            certificate_authorities: vec!["stale-ca.pem".to_owned()],
        };
    }
    base.deployment.remote_signing.certificate_authorities = vec!["stale".to_owned()];
    base.deployment.remote_signing.truststore_path = Some("stale.p12".to_owned());
    base.realms.clear();
    for remote in &mut base.remotes {
        remote.remote.addresses = vec!["stale:1".to_owned()];
        remote.remote.mode = match remote.remote.mode {
            Mode::Proxy => Mode::Sniff,
            Mode::Sniff => Mode::Proxy,
        };
        remote.remote.skip_unavailable = remote.remote.skip_unavailable.map(|s| !s);
        remote.server_name = Some("stale".to_owned());
        remote.signing.certificate_path = Some("stale.crt".to_owned());
        if remote.signing.mode == SigningMode::None {
            remote.signing.mode = SigningMode::Pem;
        }
    }
    base.role_mappings.clear();
    base.roles.clear();
    base.secrets.clear();
    base.signing_keys.clear();
    base.other_settings.clear();
    base
}

fn realm(name: &str, kind: &str, settings: Value) -> RealmConfig {
    RealmConfig {
        name: name.to_owned(),
        kind: kind.to_owned(),
        settings: serde_json::from_value(settings).unwrap(),
        pkc_jwkset: None,
    }
}

/// A deployment using every part of the model.
fn rich() -> Bundle {
    let mut pkc = realm(
        "pkc",
        "jwt",
        json!({
            "order": 2, "allowed_issuer": "corpus-pkc", "allowed_audiences": ["es", "other"],
            "allowed_signature_algorithms": ["RS256"], "pkc_jwkset_path": "pkc.jwks.json",
            "claims.principal": "sub", "claims.groups": "groups",
            "required_claims.token_use": "id", "client_authentication.type": "none"
        }),
    );
    pkc.pkc_jwkset = Some(PKC_JWKS.to_owned());
    Bundle {
        name: "prod".to_owned(),
        deployment: Deployment {
            transport_ssl: TransportSsl {
                enabled: true,
                verification_mode: VerificationMode::Certificate,
                key: Some("certs/node.key".to_owned()),
                certificate: Some("certs/node.crt".to_owned()),
                certificate_authorities: vec!["certs/ca.crt".to_owned()],
            },
            remote_signing: SigningTrust {
                certificate_authorities: vec!["certs/signing-ca.crt".to_owned()],
                truststore_path: None,
                ca_pem: String::new(),
            },
            ..Deployment::default()
        },
        realms: vec![
            realm("native1", "native", json!({"order": 0})),
            realm(
                "hs",
                "jwt",
                json!({
                    "order": 1, "allowed_issuer": "corpus-hs", "allowed_audiences": ["es"],
                    "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
                    "claim_patterns.principal": "^([^@]+)@corp\\.example$",
                    "client_authentication.type": "shared_secret"
                }),
            ),
            pkc,
        ],
        remotes: vec![
            RemoteConfig {
                remote: RemoteCluster {
                    alias: "logs".to_owned(),
                    security: Security::ApiKey,
                    mode: Mode::Proxy,
                    addresses: vec!["logs.example.com:9443".to_owned()],
                    skip_unavailable: Some(true),
                },
                server_name: Some("logs.example.com".to_owned()),
                remote_deployment: None,
                api_key: Some(json!({
                    "name": "prod-to-logs",
                    "access": {"search": [{"names": ["logs-*"]}]}
                })),
                signing: Signing {
                    mode: SigningMode::Pem,
                    certificate: SIGNING_CERT.to_owned(),
                    ..Signing::default()
                },
            },
            RemoteConfig {
                remote: RemoteCluster {
                    alias: "legacy".to_owned(),
                    security: Security::Certificate,
                    mode: Mode::Sniff,
                    addresses: vec!["10.0.0.1:9300".to_owned(), "10.0.0.2:9300".to_owned()],
                    skip_unavailable: Some(false),
                },
                server_name: None,
                remote_deployment: None,
                api_key: None,
                signing: Signing {
                    mode: SigningMode::Transport,
                    ..Signing::default()
                },
            },
        ],
        role_mappings: [
            (
                "jwt-admins".to_owned(),
                json!({"enabled": true, "roles": ["superuser"], "rules": {"all": [
                    {"field": {"realm.name": "hs"}}, {"field": {"groups": "admins"}}
                ]}, "metadata": {}}),
            ),
            (
                "readers".to_owned(),
                json!({"enabled": true, "role_templates": [{"template": {"source": "reader_{{metadata.jwt_claim_iss}}"}, "format": "string"}], "rules": {"field": {"realm.name": "pkc"}}}),
            ),
        ]
        .into(),
        roles: [(
            "logs reader".to_owned(),
            json!({"cluster": ["monitor"], "indices": [{"names": ["logs-*"], "privileges": ["read", "view_index_metadata"]}], "run_as": ["svc-*"]}),
        )]
        .into(),
        users: [(
            "svc-ingest".to_owned(),
            NativeUser {
                body: json!({"roles": ["logs reader"], "full_name": "Ingest service", "enabled": true}),
                password: Some(("password".to_owned(), "s3cret-pass".to_owned())),
            },
        )]
        .into(),
        secrets: [
            ("xpack.security.authc.realms.jwt.hs.hmac_key", "corpus-hmac-key-of-at-least-32-bytes!!"),
            ("xpack.security.authc.realms.jwt.hs.client_authentication.shared_secret", "corpus-client-secret"),
            ("cluster.remote.logs.credentials", "ZW5jb2RlZC1rZXk="),
            ("xpack.security.transport.ssl.secure_key_passphrase", "node-key-pass"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        signing_keys: [("logs".to_owned(), SIGNING_KEY.to_owned())].into(),
        other_settings: [
            ("cluster.name".to_owned(), json!("prod")),
            ("network.host".to_owned(), json!("_site_")),
            ("xpack.security.authc.token.enabled".to_owned(), json!(true)),
            ("discovery.seed_hosts".to_owned(), json!(["es1:9300", "es2:9300"])),
        ]
        .into(),
        trust: Some(json!({"direct": [], "external": [], "accounts": []})),
    }
}

fn artifact<'a>(artifacts: &'a [Artifact], file: &str) -> &'a str {
    &artifacts
        .iter()
        .find(|a| a.file == file)
        .unwrap_or_else(|| panic!("no artifact {file}"))
        .content
}

#[test]
fn every_artifact_of_the_rich_fixture_matches_its_snapshot() {
    let bundle = rich();
    for secrets in [Secrets::Masked, Secrets::Revealed] {
        let artifacts = render(&bundle, VERSION, secrets);
        let mode = if secrets == Secrets::Masked {
            "masked"
        } else {
            "revealed"
        };
        for a in &artifacts {
            insta::assert_snapshot!(format!("{mode}__{}", a.file), a.content);
        }
    }
}

#[test]
fn output_is_deterministic() {
    let bundle = rich();
    assert_eq!(
        render(&bundle, VERSION, Secrets::Revealed),
        render(&bundle.clone(), VERSION, Secrets::Revealed)
    );
    let mut shuffled = bundle.clone();
    shuffled.realms.reverse();
    shuffled.remotes.reverse();
    assert_eq!(
        render(&shuffled, VERSION, Secrets::Masked),
        render(&bundle, VERSION, Secrets::Masked)
    );
}

#[test]
fn the_yml_has_one_header_comment_and_flat_canonical_keys() {
    let yml = elasticsearch_yml(&rich(), VERSION);
    let comments: Vec<&str> = yml.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].contains("trust-console 1.2.3"));
    assert!(
        yml.lines()
            .skip(1)
            .all(|l| !l.starts_with(' ') && l.contains(": "))
    );
    // The realms come in chain order, after the deployment's settings.
    let pos = |needle: &str| yml.find(needle).unwrap();
    assert!(pos("xpack.security.enabled") < pos("realms.native.native1.order"));
    assert!(pos("realms.native.native1.order") < pos("realms.jwt.hs.order"));
    assert!(pos("realms.jwt.hs.order") < pos("realms.jwt.pkc.order"));
    assert!(yml.contains("xpack.security.authc.realms.jwt.hs.allowed_audiences: [\"es\"]\n"));
    assert!(yml.contains("cluster.remote.logs.signing.certificate: \"remote-signing/logs.crt\"\n"));
    assert!(yml.contains("cluster.remote.legacy.signing.key: \"certs/node.key\"\n"));
}

#[test]
fn masked_exports_hold_no_secret_value() {
    let bundle = rich();
    let artifacts = render(&bundle, VERSION, Secrets::Masked);
    assert!(artifacts.iter().all(|a| a.file != SECURE_YML));
    for a in &artifacts {
        for value in bundle.secrets.values().chain(bundle.signing_keys.values()) {
            assert!(
                !a.content.contains(value.as_str()),
                "{} leaks a secret",
                a.file
            );
        }
        assert!(
            !a.content.contains("s3cret-pass"),
            "{} leaks a password",
            a.file
        );
    }
    assert!(
        support_files(&bundle, Secrets::Masked)
            .iter()
            .all(|(_, _, secret)| !secret)
    );
    let revealed = render(&bundle, VERSION, Secrets::Revealed);
    assert!(artifact(&revealed, KEYSTORE_JSON).contains("ZW5jb2RlZC1rZXk="));
    assert!(artifact(&revealed, REQUESTS_CONSOLE).contains("s3cret-pass"));
}

#[test]
fn keystore_commands_read_values_on_stdin() {
    let sh = keystore_commands(&rich());
    let adds: Vec<&str> = sh.lines().filter(|l| l.starts_with("bin/")).collect();
    assert_eq!(adds.len(), 4);
    for line in adds {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts[..3], ["bin/elasticsearch-keystore", "add", "--stdin"]);
        assert_eq!(parts.len(), 4, "only the key is an argument: {line}");
    }
}

/// The yml (and keystore) of an export, loaded by the same code `trust-console lint` runs.
fn lint_export(bundle: &Bundle) -> crate::diagnostic::LintReport {
    let artifacts = render(bundle, VERSION, Secrets::Revealed);
    let settings = Settings::from_yaml(artifact(&artifacts, YML)).expect("yml parses");
    let secure = Settings::from_yaml(artifact(&artifacts, SECURE_YML)).expect("secure parses");
    let files = support_files(bundle, Secrets::Revealed);
    let read = |path: &str| {
        files
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, c, _)| c.clone())
    };
    load(&settings, &secure, &read, bundle.deployment.target()).report
}

#[test]
fn the_rich_export_passes_lint() {
    let bundle = rich();
    assert!(
        lint_errors(&bundle).is_empty(),
        "{:?}",
        lint_errors(&bundle)
    );
    let report = lint_export(&bundle);
    assert!(report.valid, "{:?}", report.diagnostics);
}

#[test]
fn lint_errors_block_an_export() {
    let mut bundle = rich();
    bundle.realms[1]
        .settings
        .insert("token_type".to_owned(), json!("jwt"));
    let errors = lint_errors(&bundle);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].message,
        "Invalid value [jwt] for [xpack.security.authc.realms.jwt.hs.token_type], allowed values are [id_token,access_token]"
    );
    assert!(!lint_export(&bundle).valid);
}

/// Splits Dev Tools text into `(method, path, body)`.
fn console_requests(text: &str) -> Vec<(String, String, Option<Value>)> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut lines = block.lines().filter(|l| !l.starts_with('#'));
            let (method, path) = lines.next()?.split_once(' ')?;
            let body: String = lines.collect::<Vec<_>>().join("\n");
            let body = (!body.trim().is_empty()).then(|| serde_json::from_str(&body).unwrap());
            Some((method.to_owned(), path.to_owned(), body))
        })
        .collect()
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&segment[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_generated_request_body_parses_with_the_core_parsers() {
    let bundle = rich();
    let text = render(&bundle, VERSION, Secrets::Revealed);
    let requests = console_requests(artifact(&text, REQUESTS_CONSOLE));
    let mut seen = BTreeMap::new();
    for (method, path, body) in &requests {
        let kind = path
            .trim_start_matches('/')
            .rsplit_once('/')
            .map_or(path.as_str(), |(k, _)| k);
        let name = decode(path.rsplit('/').next().unwrap());
        match (method.as_str(), kind) {
            ("PUT", "_security/role") => check_role(&name, body.as_ref().unwrap()).unwrap(),
            ("PUT", "_security/user") => {
                let user = parse_user(&name, body.as_ref().unwrap()).unwrap();
                assert_eq!(user.password.unwrap().1, "s3cret-pass");
            }
            ("PUT", "_security/role_mapping") => {
                parse_role_mapping(&name, body.as_ref().unwrap()).unwrap();
            }
            ("POST", "_security/cross_cluster") => {
                crate::cross_cluster::check_api_key(body.as_ref().unwrap(), StackVersion::LATEST)
                    .unwrap();
            }
            ("PUT", "_cluster") => {
                let persistent = body.as_ref().unwrap()["persistent"].as_object().unwrap();
                assert!(persistent.keys().all(|k| k.starts_with("cluster.remote.")));
            }
            ("POST", "_nodes") => assert!(body.is_none()),
            other => panic!("unexpected request {other:?}"),
        }
        *seen.entry(kind.to_owned()).or_insert(0) += 1;
    }
    assert_eq!(seen["_security/role"], 1);
    assert_eq!(seen["_security/user"], 1);
    assert_eq!(seen["_security/role_mapping"], 2);
    assert_eq!(seen["_security/cross_cluster"], 1);
    // The curl script carries the same requests.
    let curl = artifact(&text, REQUESTS_CURL);
    assert_eq!(curl.matches("curl -sS").count(), requests.len());
    assert!(curl.contains("/_security/role/logs%20reader"));
}

#[test]
fn the_apply_plan_orders_keystore_reload_yml_then_requests() {
    let steps = apply_plan(&rich());
    let titles: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert!(titles[0].to_ascii_lowercase().contains("keystore"));
    assert!(titles[1].contains("reload_secure_settings"));
    assert!(titles[2].contains("elasticsearch.yml"));
    let tag = |key: &str| {
        steps
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.key == key)
            .and_then(|i| i.tag)
    };
    assert_eq!(
        tag("xpack.security.authc.realms.jwt.hs.order"),
        Some(Tag::Static)
    );
    assert_eq!(tag("cluster.remote.logs.mode"), Some(Tag::Dynamic));
    assert_eq!(
        tag("xpack.security.authc.realms.jwt.hs.client_authentication.shared_secret"),
        Some(Tag::Reloadable)
    );
    assert_eq!(
        tag("cluster.remote.logs.credentials"),
        Some(Tag::Reloadable)
    );
    assert_eq!(
        tag("xpack.security.authc.realms.jwt.hs.hmac_key"),
        Some(Tag::RestartToApply)
    );
}

#[test]
fn the_rich_fixture_round_trips() {
    let mut model = rich();
    // Import lists realms and remote clusters by name.
    model.realms.sort_by(|a, b| a.name.cmp(&b.name));
    model
        .remotes
        .sort_by(|a, b| a.remote.alias.cmp(&b.remote.alias));
    let imported = import(&exported_input(&model), &scrambled(&model)).unwrap();
    assert_eq!(imported.bundle, model);
    assert_eq!(
        imported.kept,
        [
            "cluster.name",
            "discovery.seed_hosts",
            "network.host",
            "xpack.security.authc.token.enabled",
            "xpack.security.transport.ssl.secure_key_passphrase",
        ]
    );
    // Into the deployment it came from, nothing changes.
    let again = import(&exported_input(&model), &model).unwrap();
    assert!(
        again
            .changes
            .iter()
            .all(|c| c.kind == import::ChangeKind::Unchanged),
        "{:?}",
        again.changes
    );
}

/// The realm settings a yml means, as Elasticsearch's settings layer reads them.
fn realm_meaning(yml: &str) -> Vec<(String, String)> {
    let settings = Settings::from_yaml(yml).unwrap();
    let mut out: Vec<(String, String)> = settings
        .iter()
        .filter(|(k, _)| k.starts_with("xpack.security.authc.realms."))
        .map(|(k, v)| (k.to_owned(), v.display()))
        .collect();
    out.sort();
    out
}

#[test]
fn the_docs_realms_import_and_re_export_with_the_same_meaning() {
    let imported = import(&docs_input(), &empty("docs")).unwrap();
    let bundle = &imported.bundle;
    let names: Vec<&str> = bundle.realms.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["ece-access", "jwt1", "jwt2", "jwt8", "native1"]);
    assert!(
        bundle.other_settings.is_empty(),
        "{:?}",
        bundle.other_settings
    );
    assert_eq!(bundle.secrets.len(), 4);
    let jwt1 = bundle.realms.iter().find(|r| r.name == "jwt1").unwrap();
    assert_eq!(jwt1.pkc_jwkset.as_deref(), Some(PKC_JWKS));
    assert_eq!(jwt1.settings["required_claims.version"], json!("2.0"));
    assert_eq!(jwt1.settings["order"], json!(1));

    let yml = elasticsearch_yml(bundle, VERSION);
    assert_eq!(realm_meaning(&yml), realm_meaning(DOCS_YML));
    let again = import(&exported_input(bundle), &empty("docs")).unwrap();
    assert_eq!(&again.bundle, bundle);

    let report = lint_export(bundle);
    assert!(report.valid, "{:?}", report.diagnostics);
    // The JWKS URL realm is left to Elasticsearch to fetch: no support file for it.
    assert!(
        support_files(bundle, Secrets::Masked)
            .iter()
            .all(|(path, _, _)| path == "rsa-public-jwkset.json")
    );
}

#[test]
fn the_corpus_config_imports_with_its_keystore_and_jwk_set() {
    let input = ImportInput {
        yml: CORPUS_YML.to_owned(),
        secure_settings: Some(CORPUS_SECURE.to_owned()),
        files: [("pkc.jwks.json".to_owned(), PKC_JWKS.to_owned())].into(),
        ..ImportInput::default()
    };
    let imported = import(&input, &empty("corpus")).unwrap();
    let bundle = &imported.bundle;
    assert_eq!(bundle.realms.len(), 2);
    assert!(
        bundle
            .secrets
            .contains_key("xpack.security.authc.realms.jwt.hs.hmac_jwkset")
    );
    assert_eq!(
        realm_meaning(&elasticsearch_yml(bundle, VERSION)),
        realm_meaning(CORPUS_YML)
    );
    assert!(lint_export(bundle).valid);
    assert!(
        imported
            .changes
            .iter()
            .any(|c| c.resource == import::ChangedResource::Realm
                && c.name == "hs"
                && c.kind == import::ChangeKind::Create)
    );
}

#[test]
fn import_problems_name_the_file_and_the_place() {
    let input = ImportInput {
        yml: "xpack.security.authc.realms.jwt.a.order: 1\nxpack.security.authc.realms.native.a.order: 2\n".to_owned(),
        role_mappings: Some(r#"{"bad": {"roles": ["r"], "rules": {"field": {}}, "enabled": true}}"#.to_owned()),
        roles: Some("[1]".to_owned()),
        secure_settings: Some("k: [a, b]\n".to_owned()),
        ..ImportInput::default()
    };
    let problems = import(&input, &empty("x")).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 4, "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("elasticsearch.yml [xpack.security.authc.realms.native.a]: Found multiple realms configured with the same name: a")));
    assert!(text.iter().any(|t| t.starts_with("role mappings [bad]: ")));
    assert!(text.iter().any(
        |t| t == "roles: expected a JSON object of names to bodies, as the GET API returns it"
    ));
    assert!(
        text.iter()
            .any(|t| t == "secure settings [k]: a keystore value must be one non-empty string")
    );

    let broken = ImportInput {
        yml: "a: [\n".to_owned(),
        ..ImportInput::default()
    };
    let problems = import(&broken, &empty("x")).unwrap_err();
    assert_eq!(problems[0].file, "elasticsearch.yml");
}

#[test]
fn unmodelled_settings_are_kept_never_dropped() {
    let input = ImportInput {
        yml: "xpack.security.authc.realms.jwt.j.order: 1\nxpack.security.authc.realms.jwt.j.made_up: 1\nxpack.security.authc.realms.ldap.l.order: 2\nxpack.security.authc.realms.ldap.l.url: ldaps://ldap:636\ncluster.remote.r.server_name: only-in-proxy\ncluster.remote.r.mode: sniff\ncluster.remote.r.seeds: a:9300\nindices.memory.index_buffer_size: 20%\n".to_owned(),
        secure_settings: Some("xpack.security.authc.realms.ldap.l.secure_bind_password: p\nkeystore.seed: s\n".to_owned()),
        ..ImportInput::default()
    };
    let imported = import(&input, &empty("x")).unwrap();
    assert_eq!(
        imported.kept,
        [
            "cluster.remote.r.server_name",
            "indices.memory.index_buffer_size",
            "keystore.seed",
            "xpack.security.authc.realms.jwt.j.made_up",
            "xpack.security.authc.realms.ldap.l.secure_bind_password",
        ]
    );
    let ldap = imported
        .bundle
        .realms
        .iter()
        .find(|r| r.name == "l")
        .unwrap();
    assert_eq!(ldap.settings["url"], json!("ldaps://ldap:636"));
    let remote = &imported.bundle.remotes[0];
    assert_eq!(remote.remote.security, Security::Certificate);
    assert_eq!(remote.remote.addresses, ["a:9300"]);
    let yml = elasticsearch_yml(&imported.bundle, VERSION);
    for key in [
        "made_up: 1",
        "server_name: \"only-in-proxy\"",
        "index_buffer_size: \"20%\"",
    ] {
        assert!(yml.contains(key), "{key} missing from\n{yml}");
    }
}

/// The API-key model's TLS settings read into the deployment and are written back the same.
#[test]
fn remote_cluster_tls_settings_round_trip() {
    let yml = "remote_cluster_server.enabled: true\nxpack.security.remote_cluster_server.ssl.key: rcs.key\nxpack.security.remote_cluster_server.ssl.certificate: rcs.crt\nxpack.security.remote_cluster_client.ssl.verification_mode: certificate\nxpack.security.remote_cluster_client.ssl.certificate_authorities: [a.crt, b.crt]\n";
    let imported = import(
        &ImportInput {
            yml: yml.to_owned(),
            ..ImportInput::default()
        },
        &empty("x"),
    )
    .unwrap();
    assert!(imported.kept.is_empty(), "{:?}", imported.kept);
    let rc = &imported.bundle.deployment.remote_cluster;
    assert!(rc.server_enabled && rc.server_ssl && rc.client_ssl);
    assert_eq!(rc.client_certificate_authorities, ["a.crt", "b.crt"]);
    let out = elasticsearch_yml(&imported.bundle, VERSION);
    for line in yml.lines() {
        let (key, _) = line.split_once(':').unwrap();
        assert!(
            out.contains(&format!("{key}:")),
            "{key} missing from\n{out}"
        );
    }
}

/// An absent `skip_unavailable` stays absent through import and export: its default changed
/// in 8.15 (elasticsearch#105792), so writing one would change behaviour.
#[test]
fn an_absent_skip_unavailable_round_trips_as_absent() {
    let input = ImportInput {
        yml: "cluster.remote.r.mode: proxy\ncluster.remote.r.proxy_address: r:9443\ncluster.remote.s.mode: proxy\ncluster.remote.s.proxy_address: s:9443\ncluster.remote.s.skip_unavailable: false\n".to_owned(),
        ..ImportInput::default()
    };
    let imported = import(&input, &empty("x")).unwrap();
    let skip: Vec<Option<bool>> = imported
        .bundle
        .remotes
        .iter()
        .map(|r| r.remote.skip_unavailable)
        .collect();
    assert_eq!(skip, [None, Some(false)]);
    let yml = elasticsearch_yml(&imported.bundle, VERSION);
    assert!(!yml.contains("cluster.remote.r.skip_unavailable"), "{yml}");
    assert!(
        yml.contains("cluster.remote.s.skip_unavailable: false"),
        "{yml}"
    );
}

#[test]
fn reserved_roles_are_skipped_and_transient_metadata_dropped() {
    let roles = json!({
        "superuser": {"cluster": ["all"], "metadata": {"_reserved": true}, "transient_metadata": {"enabled": true}},
        "mine": {"cluster": ["monitor"], "indices": [], "metadata": {}, "transient_metadata": {"enabled": true}}
    });
    let input = ImportInput {
        roles: Some(roles.to_string()),
        ..ImportInput::default()
    };
    let imported = import(&input, &empty("x")).unwrap();
    assert_eq!(imported.bundle.roles.len(), 1);
    assert_eq!(
        imported.bundle.roles["mine"],
        json!({"cluster": ["monitor"], "indices": [], "metadata": {}})
    );
}

// ---- the round-trip property over generated models ----

fn text() -> impl Strategy<Value = String> {
    "[ -~é€\n\t]{0,10}"
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<i32>().prop_map(|i| json!(i)),
        any::<bool>().prop_map(Value::Bool),
        prop::collection::vec(text(), 0..3).prop_map(|v| json!(v)),
    ]
}

const JWT_KEYS: [&str; 10] = [
    "order",
    "allowed_issuer",
    "allowed_audiences",
    "claims.principal",
    "claims.groups",
    "token_type",
    "client_authentication.type",
    "allowed_signature_algorithms",
    "required_claims.token_use",
    "fallback_claims.sub",
];

fn jwt_realm(name: String) -> impl Strategy<Value = (RealmConfig, Vec<(String, String)>)> {
    (
        prop::collection::btree_map(prop::sample::select(&JWT_KEYS[..]), scalar(), 0..5),
        any::<bool>(),
        prop::option::of(text()),
    )
        .prop_map(move |(settings, with_jwks, secret)| {
            let mut config = RealmConfig {
                name: name.clone(),
                kind: "jwt".to_owned(),
                settings: settings
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
                pkc_jwkset: None,
            };
            if with_jwks {
                config.settings.insert(
                    "pkc_jwkset_path".to_owned(),
                    json!(format!("jwks/{name}.json")),
                );
                config.pkc_jwkset = Some(PKC_JWKS.to_owned());
            }
            let secrets = secret
                .filter(|s| !s.is_empty())
                .map(|s| (format!("{}.hmac_key", config.prefix()), s))
                .into_iter()
                .collect();
            (config, secrets)
        })
}

fn other_realm(name: String) -> impl Strategy<Value = RealmConfig> {
    (
        prop::sample::select(&["native", "file", "ldap", "saml", "oidc"][..]),
        prop::collection::btree_map("[a-z]{1,6}(\\.[a-z_]{1,6})?", scalar(), 0..3),
    )
        .prop_map(move |(kind, settings)| RealmConfig {
            name: name.clone(),
            kind: kind.to_owned(),
            settings: settings
                .into_iter()
                .filter(|(k, _)| k != "enabled")
                .collect(),
            pkc_jwkset: None,
        })
}

fn remote_config(alias: String, transport_paths: bool) -> impl Strategy<Value = RemoteConfig> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec("[a-z]{1,5}:9[0-9]{3}", 1..3),
        prop::option::of(any::<bool>()),
        prop::option::of("[a-z.]{1,10}"),
        0..4u8,
        any::<bool>(),
        prop::option::of(text()),
    )
        .prop_map(
            move |(api_key, sniff, addresses, skip, server_name, signing, custom_paths, cert)| {
                let mode = if sniff { Mode::Sniff } else { Mode::Proxy };
                let signing = match (signing, transport_paths) {
                    (1, _) => Signing {
                        mode: SigningMode::Pem,
                        certificate: cert.unwrap_or_default(),
                        certificate_path: custom_paths.then(|| format!("signing/{alias}.pem")),
                        key_path: custom_paths.then(|| format!("signing/{alias}-key.pem")),
                        ..Signing::default()
                    },
                    (3, _) => Signing {
                        mode: SigningMode::Keystore,
                        certificate: cert.unwrap_or_default(),
                        keystore_path: Some(format!("signing/{alias}.p12")),
                        keystore_type: custom_paths.then(|| "PKCS12".to_owned()),
                        keystore_alias: custom_paths.then(|| "node".to_owned()),
                        ..Signing::default()
                    },
                    (2, true) => Signing {
                        mode: SigningMode::Transport,
                        certificate: cert.unwrap_or_default(),
                        ..Signing::default()
                    },
                    _ => Signing {
                        certificate: cert.unwrap_or_default(),
                        ..Signing::default()
                    },
                };
                RemoteConfig {
                    remote: RemoteCluster {
                        alias: alias.clone(),
                        security: if api_key {
                            Security::ApiKey
                        } else {
                            Security::Certificate
                        },
                        mode,
                        addresses: if sniff {
                            addresses
                        } else {
                            addresses[..1].to_vec()
                        },
                        skip_unavailable: skip,
                    },
                    server_name: if sniff { None } else { server_name },
                    remote_deployment: None,
                    api_key: api_key
                        .then(|| json!({"name": alias, "access": {"search": [{"names": ["*"]}]}})),
                    signing,
                }
            },
        )
}

fn deployment() -> impl Strategy<Value = Deployment> {
    (
        prop::sample::select(
            &[
                DeploymentKind::SelfManaged,
                DeploymentKind::Ece,
                DeploymentKind::ElasticCloud,
            ][..],
        ),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(
            &[
                VerificationMode::Full,
                VerificationMode::Certificate,
                VerificationMode::None,
            ][..],
        ),
        prop::option::of("[a-z/]{1,10}\\.key"),
        prop::option::of("[a-z/]{1,10}\\.crt"),
        prop::collection::vec("[a-z/]{1,10}\\.pem", 0..3),
        prop::collection::vec("[a-z/]{1,10}\\.pem", 0..2),
        prop::option::of("[a-z]{1,8}\\.p12"),
        any::<bool>(),
    )
        .prop_map(
            |(kind, security, tls, mode, key, cert, cas, signing_cas, truststore, run_as)| {
                Deployment {
                    kind,
                    security_enabled: security,
                    run_as_enabled: run_as,
                    transport_ssl: TransportSsl {
                        enabled: tls,
                        verification_mode: mode,
                        key,
                        certificate: cert,
                        certificate_authorities: cas,
                    },
                    remote_signing: SigningTrust {
                        certificate_authorities: signing_cas,
                        truststore_path: truststore,
                        ca_pem: String::new(),
                    },
                    ..Deployment::default()
                }
            },
        )
}

fn model() -> impl Strategy<Value = Bundle> {
    deployment().prop_flat_map(|deployment| {
        let transport_paths = deployment.kind == DeploymentKind::SelfManaged
            && deployment.transport_ssl.key.is_some()
            && deployment.transport_ssl.certificate.is_some();
        (
            Just(deployment),
            prop::collection::btree_set(0..6u8, 0..4).prop_flat_map(|ids| {
                ids.into_iter()
                    .map(|i| {
                        let name = format!("r{i}");
                        if i % 2 == 0 {
                            jwt_realm(name).boxed()
                        } else {
                            other_realm(name).prop_map(|r| (r, Vec::new())).boxed()
                        }
                    })
                    .collect::<Vec<_>>()
            }),
            prop::collection::btree_set("[a-z][a-z0-9_-]{0,5}", 0..3).prop_flat_map(move |aliases| {
                aliases
                    .into_iter()
                    .filter(|a| a != "signing")
                    .map(|a| remote_config(a, transport_paths))
                    .collect::<Vec<_>>()
            }),
            prop::collection::btree_map("[a-z]{1,3}[ -~]{0,4}", any::<bool>(), 0..3),
            prop::collection::btree_map("[a-z]{1,3}", any::<bool>(), 0..3),
            prop::collection::btree_map("(node\\.attr|cluster|http)\\.[a-z_]{1,8}", scalar(), 0..3),
            prop::collection::btree_map("(keystore|bootstrap)\\.[a-z]{1,6}", "[!-~]{1,8}", 0..2),
            any::<bool>(),
        )
    })
    .prop_map(
        |(deployment, realms, remotes, mappings, roles, other, kept_secure, key)| {
            let mut bundle = Bundle {
                name: "gen".to_owned(),
                deployment,
                ..Bundle::default()
            };
            for (realm, secrets) in realms {
                bundle.secrets.extend(secrets);
                bundle.realms.push(realm);
            }
            for remote in remotes {
                if remote.remote.security == Security::ApiKey {
                    bundle.secrets.insert(
                        format!("cluster.remote.{}.credentials", remote.remote.alias),
                        "a2V5".to_owned(),
                    );
                }
                if key && remote.signing.mode == SigningMode::Pem {
                    bundle
                        .signing_keys
                        .insert(remote.remote.alias.clone(), SIGNING_KEY.to_owned());
                }
                bundle.remotes.push(remote);
            }
            if bundle.deployment.kind != DeploymentKind::SelfManaged {
                // Hosted deployments write no transport settings: their signing cannot
                // reuse transport paths the console would have to read back.
                for remote in &mut bundle.remotes {
                    if remote.signing.mode == SigningMode::Transport {
                        remote.signing.mode = SigningMode::None;
                    }
                }
            }
            bundle.role_mappings = mappings
                .into_iter()
                .filter(|(name, _)| name.trim() == name)
                .map(|(name, enabled)| {
                    (name, json!({"enabled": enabled, "roles": ["r"], "rules": {"field": {"username": "u*"}}, "metadata": {}}))
                })
                .collect();
            bundle.roles = roles
                .into_iter()
                .filter(|(name, _)| name.trim() == name)
                .map(|(name, run_as)| {
                    let mut body = json!({"cluster": ["monitor"], "indices": [{"names": ["i-*"], "privileges": ["read"]}]});
                    if run_as {
                        body["run_as"] = json!(["svc"]);
                    }
                    (name, body)
                })
                .collect();
            bundle.other_settings = other;
            bundle.secrets.extend(kept_secure);
            bundle.realms.sort_by(|a, b| a.name.cmp(&b.name));
            bundle
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn import_of_export_is_the_model(model in model()) {
        let imported = import(&exported_input(&model), &scrambled(&model));
        let imported = imported.map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        prop_assert_eq!(imported.bundle, model);
    }

    #[test]
    fn exports_are_byte_identical_for_the_same_model(model in model()) {
        prop_assert_eq!(
            render(&model, VERSION, Secrets::Revealed),
            render(&model.clone(), VERSION, Secrets::Revealed)
        );
    }
}

#[test]
fn support_files_never_name_a_place_outside_the_config_folder() {
    for good in ["jwks.json", "certs/remote-a.crt", "a_b.pem"] {
        assert_eq!(check_support_path(good), Ok(()), "{good}");
    }
    for bad in [
        "../jwks.json",
        "certs/../../x",
        "/etc/passwd",
        "a/b/c.pem",
        "c:\\x.pem",
        "certs\\x.pem",
        "",
        "./x",
        "certs/",
    ] {
        assert!(check_support_path(bad).is_err(), "{bad}");
    }
    let mut bundle = empty("paths");
    let mut escaping = realm(
        "escape",
        "jwt",
        json!({"order": 1, "pkc_jwkset_path": "../../outside.json"}),
    );
    escaping.pkc_jwkset = Some("{\"keys\": []}".to_owned());
    let mut inside = escaping.clone();
    inside.name = "inside".to_owned();
    inside
        .settings
        .insert("pkc_jwkset_path".to_owned(), json!("certs/jwks.json"));
    bundle.realms = vec![escaping, inside];
    let files = support_files(&bundle, Secrets::Masked);
    let paths: Vec<&str> = files.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["certs/jwks.json"]);
}

#[test]
fn import_preview_lines_name_what_they_change_as_the_preview_shows_it() {
    use import::ChangedResource::*;
    for resource in [
        Deployment,
        Realm,
        RemoteCluster,
        RoleMapping,
        Role,
        KeystoreSetting,
        KeptSetting,
    ] {
        // The wire spelling is the noun (the API's JSON did not change with the enum).
        assert_eq!(
            serde_json::to_value(resource).unwrap(),
            json!(resource.noun())
        );
        let back: import::ChangedResource = serde_json::from_value(json!(resource.noun())).unwrap();
        assert_eq!(back, resource);
    }
}
