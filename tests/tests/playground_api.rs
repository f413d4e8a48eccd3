//! The token playground API against the real binary: validation answers what
//! `trust-console check-token` answers for the same configuration, run_as, single-realm mode,
//! startup errors, test tokens (HMAC and uploaded private keys, which never come back), and
//! Elasticsearch's JWK set reload against a real HTTPS identity provider that rotates keys.

use std::{process::Command, sync::Arc};

use integration_tests::{ADMIN_PASSWORD, Api, Console, https::Https, run_cli};
use serde_json::{Value, json};

/// The Elastic docs HS256 vector (`shared/vectors/elastic-docs-hs256.json`).
const DOCS_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InNlY3VyaXR5X3Rlc3RfdXNlciIsImV4cCI6NDA3MDkwODgwMCwiaWF0Ijo5NDY2ODQ4MDB9.UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY";
const HMAC_KEY: &str = "hmac-oidc-key-string-for-hs256-algorithm";
const SHARED_SECRET: &str = "client-shared-secret-string";
/// The docs run_as vector (`shared/vectors/elastic-docs-run-as.json`).
const RUN_AS_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiZXMwMSIsImVzMDIiLCJlczAzIl0sInN1YiI6InVzZXIyIiwiaXNzIjoibXktaXNzdWVyIiwiZXhwIjo0MDcwOTA4ODAwLCJpYXQiOjk0NjY4NDgwMCwiZW1haWwiOiJ1c2VyMkBzb21ldGhpbmcuZXhhbXBsZS5jb20ifQ.UgO_9w--EoRyUKcWM5xh9SimTfMzl1aVu6ZBsRWhxQA";
const NOW: i64 = 1_700_000_000;

fn jwt8() -> Value {
    json!({"type": "jwt", "settings": {
        "order": 8, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
        "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
        "client_authentication.type": "shared_secret",
    }, "secure_settings": {"hmac_key": HMAC_KEY, "client_authentication.shared_secret": SHARED_SECRET}})
}

fn validate(token: &str, now: i64) -> Value {
    json!({
        "authorization": format!("Bearer {token}"),
        "client_authentication": format!("SharedSecret {SHARED_SECRET}"),
        "now": now,
    })
}

fn failed_step(verdict: &Value) -> (String, String) {
    let entry = verdict["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["outcome"] == "fail")
        .unwrap_or_else(|| panic!("no failed step: {verdict}"));
    (
        entry["step"].as_str().unwrap().to_owned(),
        entry["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn validation_answers_what_check_token_answers() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, body) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201, "{body}");

    let (status, verdict) = api
        .post_json("/api/v1/playground/validate", &validate(DOCS_TOKEN, NOW))
        .await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["authenticated"], true, "{verdict}");
    assert_eq!(verdict["status"], 200);
    assert_eq!(verdict["user"]["username"], "security_test_user");
    assert_eq!(
        verdict["user"]["authentication_realm"],
        json!({"name": "jwt8", "type": "jwt"})
    );
    assert_eq!(verdict["token_user"]["username"], "security_test_user");

    // The CLI, on the same configuration written as elasticsearch.yml and keystore.
    let dir = tempfile::TempDir::new().unwrap();
    let p = "xpack.security.authc.realms.jwt.jwt8";
    std::fs::write(
        dir.path().join("elasticsearch.yml"),
        format!("{p}.order: 8\n{p}.allowed_issuer: iss8\n{p}.allowed_audiences: [aud8]\n{p}.allowed_signature_algorithms: [HS256]\n{p}.claims.principal: sub\n{p}.client_authentication.type: shared_secret\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("keystore.yml"),
        format!(
            "{p}.hmac_key: {HMAC_KEY}\n{p}.client_authentication.shared_secret: {SHARED_SECRET}\n"
        ),
    )
    .unwrap();
    let config = dir.path().join("elasticsearch.yml");
    let keystore = dir.path().join("keystore.yml");
    let authorization = format!("Bearer {DOCS_TOKEN}");
    let client = format!("SharedSecret {SHARED_SECRET}");
    let now = NOW.to_string();
    let (code, cli) = run_cli(&[
        "check-token",
        "--config",
        config.to_str().unwrap(),
        "--secure-settings",
        keystore.to_str().unwrap(),
        "--authorization",
        &authorization,
        "--client-authentication",
        &client,
        "--now",
        &now,
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(cli, verdict, "the API and the CLI disagree");

    // One character of the signature changed: the signature step fails in ES's words.
    let mut tampered = DOCS_TOKEN.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'Y' { 'Z' } else { 'Y' });
    let (status, verdict) = api
        .post_json("/api/v1/playground/validate", &validate(&tampered, NOW))
        .await;
    assert_eq!(status, 200);
    assert_eq!(verdict["authenticated"], false);
    assert_eq!(verdict["status"], 401);
    let (step, message) = failed_step(&verdict);
    assert_eq!(step, "signature");
    assert!(
        message.ends_with(".<redacted-signature>] signature verification failed."),
        "{message}"
    );
    assert!(
        verdict["error"]
            .as_str()
            .unwrap()
            .starts_with("unable to authenticate user ['aud:aud8' 'iss:iss8' 'sub:security_test_user'] for REST request [/_security/_authenticate]"),
        "{verdict}"
    );

    // Past its exp (2099-01-01) plus the 60 s skew.
    let (_, verdict) = api
        .post_json(
            "/api/v1/playground/validate",
            &validate(DOCS_TOKEN, 4_070_908_800 + 61),
        )
        .await;
    let (step, message) = failed_step(&verdict);
    assert_eq!(step, "exp");
    assert_eq!(
        message,
        "date claim [exp] value [4070908800000] must be after now [4070908861000]"
    );

    // The wrong client secret fails first, before any claim.
    let mut wrong = validate(DOCS_TOKEN, NOW);
    wrong["client_authentication"] = json!("SharedSecret nope");
    let (_, verdict) = api.post_json("/api/v1/playground/validate", &wrong).await;
    assert_eq!(
        failed_step(&verdict),
        (
            "client_authentication".to_owned(),
            "Rejected client. Authentication type is [SHARED_SECRET] and secret did not match."
                .to_owned()
        )
    );

    // Bad input is a field error, not a 500.
    let (status, error) = api
        .post_json(
            "/api/v1/playground/validate",
            &json!({"realm": "nope", "authorization": "x"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("realm"))
    );
    let (status, error) = api
        .post_json("/api/v1/playground/validate", &json!({"now": "tomorrow"}))
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("body"))
    );
}

#[tokio::test]
async fn run_as_single_realm_mode_and_startup_errors() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let jwt2 = json!({"type": "jwt", "settings": {
        "order": 2, "allowed_issuer": "my-issuer", "allowed_audiences": ["es01"],
        "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub", "claims.mail": "email",
    }, "secure_settings": {"hmac_key": "test-HMAC/secret passphrase-value", "client_authentication.shared_secret": "test-secret"}});
    for (path, body) in [
        (
            "/api/v1/realms/native1",
            json!({"type": "native", "settings": {"order": 0}}),
        ),
        ("/api/v1/realms/jwt2", jwt2),
        (
            "/api/v1/roles/jwt_role1",
            json!({"cluster": ["manage"], "indices": [{"names": ["*"], "privileges": ["read"]}], "run_as": ["user123_runas"], "metadata": {"version": 1}}),
        ),
        (
            "/api/v1/users/user123_runas",
            json!({"roles": ["viewer"], "full_name": "Run As", "password": "a-long-enough-password"}),
        ),
        (
            "/api/v1/role-mappings/jwt_user1",
            json!({"roles": ["jwt_role1"], "rules": {"all": [{"field": {"realm.name": "jwt2"}}, {"field": {"username": "user2"}}]}, "enabled": true, "metadata": {"version": 1}}),
        ),
    ] {
        let (status, body) = api.put(path, &body).await;
        assert_eq!(status, 201, "{path}: {body}");
    }
    let request = |run_as: &str| {
        json!({
            "authorization": format!("Bearer {RUN_AS_TOKEN}"),
            "client_authentication": "sharedsecret test-secret",
            "run_as": run_as, "now": NOW,
        })
    };
    let (status, verdict) = api
        .post_json("/api/v1/playground/validate", &request("user123_runas"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(verdict["authenticated"], true, "{verdict}");
    assert_eq!(verdict["user"]["username"], "user123_runas");
    assert_eq!(
        verdict["user"]["lookup_realm"],
        json!({"name": "native1", "type": "native"})
    );
    assert_eq!(verdict["token_user"]["username"], "user2");
    assert_eq!(verdict["mapped"]["grants"][0]["mapping"], "jwt_user1");

    let (_, denied) = api
        .post_json("/api/v1/playground/validate", &request("someone_else"))
        .await;
    assert_eq!(denied["authenticated"], false);
    assert_eq!(denied["status"], 403);
    assert_eq!(denied["realm"], "jwt2");
    let (step, message) = failed_step(&denied);
    assert_eq!(step, "run_as");
    assert!(
        message.starts_with("action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [user2] with effective roles [jwt_role1], because user [user2] is unauthorized to run as [someone_else]"),
        "{message}"
    );

    // An empty header fails authentication (`RealmsAuthenticator.lookupRunAsUser`): 401.
    let (_, empty) = api
        .post_json("/api/v1/playground/validate", &request(""))
        .await;
    assert_eq!(empty["status"], 401, "{empty}");
    assert!(
        empty["error"]
            .as_str()
            .unwrap()
            .starts_with("unable to authenticate user ['aud:es01,es02,es03'"),
        "{empty}"
    );
    // `xpack.security.authc.run_as.enabled: false`, kept from an import, turns the header off.
    let (status, body) = api
        .post_json(
            "/api/v1/deployments/default/import?apply=true",
            &json!({"yml": "xpack.security.authc.run_as.enabled: false\n"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, ignored) = api
        .post_json("/api/v1/playground/validate", &request("user123_runas"))
        .await;
    assert_eq!(ignored["status"], 200, "{ignored}");
    assert_eq!(ignored["user"]["username"], "user2", "{ignored}");
    let (status, body) = api
        .post_json(
            "/api/v1/deployments/default/import?apply=true",
            &json!({"yml": "xpack.security.authc.run_as.enabled: true\n"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // A second JWT realm with a startup error stops the whole chain, as at node start...
    let (status, _) = api
        .put(
            "/api/v1/realms/broken",
            &json!({"type": "jwt", "settings": {"order": 3, "allowed_issuer": "x"}}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, invalid) = api
        .post_json("/api/v1/playground/validate", &request("user123_runas"))
        .await;
    assert_eq!(status, 422, "{invalid}");
    // The API's one error shape, with the startup findings.
    assert_eq!(
        invalid["error"]["code"], "invalid_configuration",
        "{invalid}"
    );
    assert_eq!(invalid["error"]["message"], "the configuration is invalid");
    assert!(
        invalid["error"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["severity"] == "error"
                && d["setting"].as_str().unwrap().contains(".jwt.broken.")),
        "{invalid}"
    );
    // ...while one realm (with the other realm types) still answers.
    let mut only = request("user123_runas");
    only["realm"] = json!("jwt2");
    let (status, verdict) = api.post_json("/api/v1/playground/validate", &only).await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["authenticated"], true);
}

fn openssl_ec_key(dir: &std::path::Path, name: &str) -> String {
    let path = dir.join(name);
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(&path)
        .status()
        .expect("run openssl");
    assert!(status.success());
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test]
async fn test_tokens_are_signed_server_side_and_keys_never_come_back() {
    let dir = tempfile::TempDir::new().unwrap();
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, _) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201);

    let (status, info) = api.get("/api/v1/playground").await;
    assert_eq!(status, 200, "{info}");
    let realm = &info["realms"][0];
    assert_eq!(realm["keys"]["realm"], "jwt8");
    assert_eq!(realm["hmac"], true);
    let claims = realm["default_claims"].clone();
    assert_eq!(claims["iss"], "iss8");
    assert_eq!(claims["aud"], "aud8");
    assert!(
        !info.to_string().contains(HMAC_KEY),
        "the HMAC key leaked: {info}"
    );

    let (status, generated) = api
        .post_json(
            "/api/v1/playground/generate",
            &json!({
                "realm": "jwt8", "key": "realm_hmac", "algorithm": "HS256", "claims": claims,
                // The realm's own key signs tokens the live cluster accepts: step-up.
                "password": ADMIN_PASSWORD
            }),
        )
        .await;
    assert_eq!(status, 200, "{generated}");
    let token = generated["token"].as_str().unwrap();
    let iat = claims["iat"].as_i64().unwrap();
    let (_, verdict) = api
        .post_json("/api/v1/playground/validate", &validate(token, iat + 5))
        .await;
    assert_eq!(verdict["authenticated"], true, "{verdict}");
    assert_eq!(verdict["user"]["username"], "test_user");

    // What the realm does not allow, or the key cannot sign, is refused on its field.
    for (body, field) in [
        (
            json!({"realm": "jwt8", "key": "realm_hmac", "algorithm": "RS256", "claims": {}}),
            "algorithm",
        ),
        (
            json!({"realm": "jwt8", "key": "realm_hmac", "algorithm": "HS999", "claims": {}}),
            "algorithm",
        ),
        (
            json!({"realm": "jwt8", "key": "test_key", "algorithm": "HS256", "claims": {}}),
            "algorithm",
        ),
        (
            json!({"realm": "nope", "key": "realm_hmac", "algorithm": "HS256", "claims": {}}),
            "realm",
        ),
    ] {
        let (status, error) = api.post_json("/api/v1/playground/generate", &body).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (400, Some(field)),
            "{body}: {error}"
        );
    }

    // An EC realm with an uploaded test key.
    let pem = openssl_ec_key(dir.path(), "test.pem");
    let ec = json!({"type": "jwt", "settings": {
        "order": 3, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
        "allowed_signature_algorithms": ["ES256"], "claims.principal": "sub",
        "client_authentication.type": "none", "pkc_jwkset_path": "ec.json",
    }, "pkc_jwkset": "{\"keys\":[]}"});
    let (status, body) = api.put("/api/v1/realms/ec", &ec).await;
    assert_eq!(status, 201, "{body}");
    let (status, error) = api
        .put(
            "/api/v1/realms/ec/test-key",
            &json!({"private_pem": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"}),
        )
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("private_pem"))
    );
    let (status, error) = api
        .put(
            "/api/v1/realms/missing/test-key",
            &json!({"private_pem": pem}),
        )
        .await;
    assert_eq!(status, 404, "{error}");
    let (status, key) = api
        .put("/api/v1/realms/ec/test-key", &json!({"private_pem": pem}))
        .await;
    assert_eq!(status, 200, "{key}");
    assert_eq!(key["algorithms"], json!(["ES256"]));
    assert_eq!(key["trusted_by_realm"], false);
    assert_eq!(key["public_jwk"]["kty"], "EC");
    assert!(key["public_jwk"].get("d").is_none(), "{key}");

    // Until the realm trusts the public key, its tokens fail at the signature.
    let ec_claims =
        json!({"iss": "iss8", "aud": "aud8", "sub": "ec_user", "iat": NOW, "exp": NOW + 600});
    let generate = json!({"realm": "ec", "key": "test_key", "algorithm": "ES256", "kid": "test-1", "claims": ec_claims});
    let (status, generated) = api
        .post_json("/api/v1/playground/generate", &generate)
        .await;
    assert_eq!(status, 200, "{generated}");
    let ec_token = generated["token"].as_str().unwrap().to_owned();
    let ec_request =
        json!({"authorization": format!("Bearer {ec_token}"), "realm": "ec", "now": NOW + 1});
    let (_, verdict) = api
        .post_json("/api/v1/playground/validate", &ec_request)
        .await;
    assert_eq!(failed_step(&verdict).0, "signature", "{verdict}");

    let mut trusted = ec.clone();
    trusted["pkc_jwkset"] = json!(json!({"keys": [key["public_jwk"]]}).to_string());
    let (status, _) = api.put("/api/v1/realms/ec?version=1", &trusted).await;
    assert_eq!(status, 200);
    let (_, verdict) = api
        .post_json("/api/v1/playground/validate", &ec_request)
        .await;
    assert_eq!(verdict["authenticated"], true, "{verdict}");
    assert_eq!(verdict["user"]["username"], "ec_user");
    let (_, info) = api.get("/api/v1/playground").await;
    let ec_info = info["realms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["keys"]["realm"] == "ec")
        .unwrap()
        .clone();
    assert_eq!(ec_info["test_key"]["trusted_by_realm"], true, "{ec_info}");

    // The private key is in no answer and no audit entry.
    let body = pem.lines().nth(1).unwrap();
    for path in [
        "/api/v1/playground",
        "/api/v1/realms",
        "/api/v1/realms/ec",
        "/api/v1/audit",
    ] {
        let (_, answer) = api.get(path).await;
        assert!(
            !answer.to_string().contains(body),
            "{path} shows the private key"
        );
    }
    let (_, audit) = api.get("/api/v1/audit").await;
    assert!(audit.to_string().contains("test_signing_key"), "{audit}");

    let (status, _) = api.delete("/api/v1/realms/ec/test-key").await;
    assert_eq!(status, 204);
    let (status, _) = api.delete("/api/v1/realms/ec/test-key").await;
    assert_eq!(status, 404);
    let (status, error) = api
        .post_json("/api/v1/playground/generate", &generate)
        .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("key"))
    );
}

#[tokio::test]
async fn a_rotated_identity_provider_key_is_picked_up_by_the_reload() {
    let dir = tempfile::TempDir::new().unwrap();
    let old = openssl_ec_key(dir.path(), "old.pem");
    let new = openssl_ec_key(dir.path(), "new.pem");
    // Started first: it makes the CA the console is told to trust.
    let https = Https::start(dir.path(), &[("jwks.json", b"{}")]);
    let console = Console::start_with(
        Arc::new(tempfile::TempDir::new().unwrap()),
        &[
            (
                "TRUST_CONSOLE_JWKS_CA_FILE",
                dir.path().join("cert.pem").to_str().unwrap(),
            ),
            // The identity provider here is on loopback, refused by default.
            ("TRUST_CONSOLE_JWKS_ALLOW_PRIVATE", "true"),
        ],
    );
    let api = Api::login(&console).await;
    // The console learns each key's public JWK from its test-key upload.
    let realm = |url: &str| {
        json!({"type": "jwt", "settings": {
            "order": 2, "allowed_issuer": "iss", "allowed_audiences": ["aud"],
            "allowed_signature_algorithms": ["ES256"], "claims.principal": "sub",
            "client_authentication.type": "none", "pkc_jwkset_path": url,
        }})
    };
    let placeholder = "https://127.0.0.1:1/jwks.json";
    let (status, _) = api.put("/api/v1/realms/idp", &realm(placeholder)).await;
    assert_eq!(status, 201);
    let mut public = Vec::new();
    for pem in [&old, &new] {
        let (status, key) = api
            .put("/api/v1/realms/idp/test-key", &json!({"private_pem": pem}))
            .await;
        assert_eq!(status, 200, "{key}");
        public.push(json!({"keys": [key["public_jwk"]]}).to_string());
    }
    // The test key is now the new one; the identity provider still serves the old set.
    https.serve("jwks.json", public[0].as_bytes());
    let (status, _) = api
        .put(
            "/api/v1/realms/idp?version=1",
            &realm(&https.url("jwks.json")),
        )
        .await;
    assert_eq!(status, 200);
    let (status, fetched) = api
        .post_json("/api/v1/realms/idp/fetch-jwks?version=2", &json!({}))
        .await;
    assert_eq!(status, 200, "{fetched}");

    let claims =
        json!({"iss": "iss", "aud": "aud", "sub": "rotated", "iat": NOW, "exp": NOW + 600});
    let (_, generated) = api
        .post_json(
            "/api/v1/playground/generate",
            &json!({"realm": "idp", "key": "test_key", "algorithm": "ES256", "claims": claims}),
        )
        .await;
    let token = generated["token"].as_str().unwrap().to_owned();
    let request = json!({"authorization": format!("Bearer {token}"), "now": NOW + 1});
    let steps = |verdict: &Value| -> Vec<(String, String)> {
        verdict["trace"]
            .as_array()
            .unwrap()
            .iter()
            .skip_while(|e| e["step"] != "signature")
            .map(|e| {
                (
                    e["step"].as_str().unwrap().to_owned(),
                    e["outcome"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let pair = |s: &str, o: &str| (s.to_owned(), o.to_owned());

    // Unchanged at the provider: reloaded, same content, the failure stands.
    let (_, verdict) = api.post_json("/api/v1/playground/validate", &request).await;
    assert_eq!(
        steps(&verdict),
        [pair("signature", "fail"), pair("jwks_reload", "fail")],
        "{verdict}"
    );
    assert!(
        verdict["trace"]
            .to_string()
            .contains("the key set is unchanged (same SHA-256)")
    );

    // The provider rotates: the reload finds the new key and the retry verifies.
    https.serve("jwks.json", public[1].as_bytes());
    let (_, verdict) = api.post_json("/api/v1/playground/validate", &request).await;
    assert_eq!(
        steps(&verdict)[..3],
        [
            pair("signature", "fail"),
            pair("jwks_reload", "pass"),
            pair("signature", "pass")
        ],
        "{verdict}"
    );
    assert_eq!(verdict["authenticated"], true, "{verdict}");

    // The provider is down: the reload fails with the fetch's reason.
    drop(https);
    let (_, verdict) = api.post_json("/api/v1/playground/validate", &request).await;
    let trace = verdict["trace"].to_string();
    assert_eq!(verdict["authenticated"], false);
    assert!(
        trace.contains("so the signature failure stands: Can't get contents"),
        "{trace}"
    );
}

/// Validation reads a snapshot of the realms, mappings, roles and users that is rebuilt when
/// the deployment's documents change — also when another instance on the same database
/// changed them (the snapshot keys on the generation the database counts, not on local
/// writes).
#[tokio::test]
async fn validation_follows_changes_made_through_another_instance() {
    let a = Console::start();
    let b = Console::start_in(a.data_dir());
    let (api_a, api_b) = (Api::login(&a).await, Api::login(&b).await);
    let (status, body) = api_a.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201, "{body}");

    let roles = |verdict: &Value| verdict["user"]["roles"].clone();
    let (status, verdict) = api_b
        .post_json("/api/v1/playground/validate", &validate(DOCS_TOKEN, NOW))
        .await;
    assert_eq!(
        (status, &verdict["authenticated"]),
        (200, &json!(true)),
        "{verdict}"
    );
    assert_eq!(roles(&verdict), json!([]), "{verdict}");

    // A adds a role mapping: B's next validation maps the user.
    let mapping = json!({"roles": ["viewer"], "enabled": true,
                         "rules": {"field": {"realm.name": "jwt8"}}});
    let (status, body) = api_a
        .put("/api/v1/role-mappings/jwt8-viewers", &mapping)
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, verdict) = api_b
        .post_json("/api/v1/playground/validate", &validate(DOCS_TOKEN, NOW))
        .await;
    assert_eq!(roles(&verdict), json!(["viewer"]), "{verdict}");

    // A changes the shared secret: B now refuses the old one.
    let mut changed = jwt8();
    changed["secure_settings"] =
        json!({"client_authentication.shared_secret": "a-new-shared-secret"});
    let (status, body) = api_a.put("/api/v1/realms/jwt8?version=1", &changed).await;
    assert_eq!(status, 200, "{body}");
    let (_, verdict) = api_b
        .post_json("/api/v1/playground/validate", &validate(DOCS_TOKEN, NOW))
        .await;
    assert_eq!(verdict["authenticated"], false, "{verdict}");
    assert_eq!(
        failed_step(&verdict),
        (
            "client_authentication".to_owned(),
            "Rejected client. Authentication type is [SHARED_SECRET] and secret did not match."
                .to_owned()
        )
    );

    // A deletes the realm: B finds no JWT realm any more.
    let (status, body) = api_a.delete("/api/v1/realms/jwt8?version=2").await;
    assert_eq!(status, 204, "{body}");
    let (_, verdict) = api_b
        .post_json("/api/v1/playground/validate", &validate(DOCS_TOKEN, NOW))
        .await;
    assert_eq!(verdict["authenticated"], false, "{verdict}");
    assert!(
        verdict["trace"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["realm"] != "jwt8"),
        "{verdict}"
    );
}
