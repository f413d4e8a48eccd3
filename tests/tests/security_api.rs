//! The security resources API (realms, role mappings, roles, users, sample identities)
//! against the real binary: CRUD, field errors, versions, persistence, audit, secrets.

use integration_tests::{Api, Console};
use serde_json::{Value, json};

const HMAC_KEY: &str = "hmac-oidc-key-string-for-hs256-algorithm";
const SHARED_SECRET: &str = "client-shared-secret-string";

fn jwt8() -> Value {
    json!({
        "type": "jwt",
        "settings": {
            "order": 2,
            "allowed_issuer": "iss8",
            "allowed_audiences": ["aud8"],
            "allowed_signature_algorithms": ["HS256"],
            "claims.principal": "sub",
        },
        "secure_settings": {
            "hmac_key": HMAC_KEY,
            "client_authentication.shared_secret": SHARED_SECRET,
        }
    })
}

/// One valid body per collection, and a replacement for it.
fn samples() -> Vec<(&'static str, &'static str, Value, Value)> {
    let mut jwt8_v2 = jwt8();
    jwt8_v2["settings"]["allowed_audiences"] = json!(["aud8", "aud9"]);
    jwt8_v2.as_object_mut().unwrap().remove("secure_settings");
    vec![
        ("realms", "jwt8", jwt8(), jwt8_v2),
        (
            "role-mappings",
            "jwt8-users",
            json!({"enabled": true, "roles": ["viewer"], "rules": {"field": {"realm.name": "jwt8"}}}),
            json!({"enabled": false, "roles": ["viewer"], "rules": {"field": {"realm.name": "jwt8"}}}),
        ),
        (
            "roles",
            "jwt_runner",
            json!({"cluster": ["monitor"], "run_as": ["user123_runas"]}),
            json!({"cluster": ["monitor"], "run_as": ["user123_*"]}),
        ),
        (
            "users",
            "user123_runas",
            json!({"roles": ["viewer"], "full_name": "Run As", "password": "l0ng-enough-password"}),
            json!({"roles": ["viewer", "editor"], "full_name": "Run As"}),
        ),
        (
            "sample-identities",
            "alice",
            json!({"username": "alice", "groups": ["admins"], "realm": "jwt8"}),
            json!({"username": "alice", "groups": ["admins", "ops"], "realm": "jwt8"}),
        ),
    ]
}

#[tokio::test]
async fn crud_for_every_resource_with_versions() {
    let console = Console::start();
    let api = Api::login(&console).await;
    for (collection, name, body, replacement) in samples() {
        let path = format!("/api/v1/{collection}/{name}");
        let (status, created) = api.put(&path, &body).await;
        assert_eq!(status, 201, "{collection}: {created}");
        assert_eq!(created["name"], name);
        assert_eq!(created["version"], 1);

        let (status, list) = api.get(&format!("/api/v1/{collection}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(1),
            "{collection}: {list}"
        );
        assert_eq!(list[0]["name"], name);

        // Creating again without a version is a conflict, not an overwrite.
        let (status, error) = api.put(&path, &body).await;
        assert_eq!(status, 409, "{collection}: {error}");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already exists at version 1"),
            "{error}"
        );

        let (status, replaced) = api.put(&format!("{path}?version=1"), &replacement).await;
        assert_eq!(status, 200, "{collection}: {replaced}");
        assert_eq!(replaced["version"], 2);

        // A second edit based on version 1 is stale.
        let (status, error) = api.put(&format!("{path}?version=1"), &replacement).await;
        assert_eq!(status, 409, "{collection}");
        assert_eq!(error["error"]["code"], "conflict");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains("based on version 1, it is now at version 2"),
            "{error}"
        );

        let (status, one) = api.get(&path).await;
        assert_eq!((status, &one["version"]), (200, &json!(2)), "{collection}");

        let (status, _) = api.delete(&format!("{path}?version=1")).await;
        assert_eq!(status, 409, "{collection}: stale delete");
        let (status, _) = api.delete(&format!("{path}?version=2")).await;
        assert_eq!(status, 204, "{collection}");
        let (status, error) = api.get(&path).await;
        assert_eq!(
            (status, &error["error"]["code"]),
            (404, &json!("not_found"))
        );
        let (status, _) = api.delete(&path).await;
        assert_eq!(status, 404);
        let (status, _) = api.put(&format!("{path}?version=2"), &body).await;
        assert_eq!(status, 404, "{collection}: replacing a deleted resource");
    }
}

#[tokio::test]
async fn realm_bodies_round_trip_and_secrets_are_write_only() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, realm) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201, "{realm}");
    assert_eq!(realm["body"]["type"], "jwt");
    assert_eq!(realm["body"]["settings"], jwt8()["settings"]);
    let secure = realm["secure_settings"].as_object().unwrap();
    assert_eq!(
        secure.keys().collect::<Vec<_>>(),
        ["client_authentication.shared_secret", "hmac_key"]
    );
    assert!(secure["hmac_key"]["changed_at"].is_string());
    assert!(realm["body"].get("secure_settings").is_none());
    // A clean realm lints clean.
    let errors: Vec<_> = realm["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // A replace without secure_settings keeps the secrets; null clears one.
    let mut body = jwt8();
    body.as_object_mut().unwrap().remove("secure_settings");
    let (status, kept) = api.put("/api/v1/realms/jwt8?version=1", &body).await;
    assert_eq!(status, 200);
    assert_eq!(kept["secure_settings"].as_object().unwrap().len(), 2);
    body["secure_settings"] = json!({"client_authentication.shared_secret": null});
    let (_, cleared) = api.put("/api/v1/realms/jwt8?version=2", &body).await;
    assert_eq!(
        cleared["secure_settings"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["hmac_key"]
    );
    // ... and the lint now says what Elasticsearch would.
    let missing = cleared["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["setting"] == "client_authentication.shared_secret")
        .unwrap_or_else(|| panic!("{cleared}"));
    assert_eq!(missing["severity"], "error");
    assert_eq!(
        missing["message"],
        "Missing setting for [xpack.security.authc.realms.jwt.jwt8.client_authentication.shared_secret]. It is required when setting [xpack.security.authc.realms.jwt.jwt8.client_authentication.type] is [shared_secret]"
    );

    // No response, list or audit entry ever carries a secret value.
    for path in [
        "/api/v1/realms",
        "/api/v1/realms/jwt8",
        "/api/v1/audit?limit=200",
    ] {
        let (_, body) = api.get(path).await;
        let text = body.to_string();
        assert!(!text.contains(HMAC_KEY), "{path} leaks the HMAC key");
        assert!(
            !text.contains(SHARED_SECRET),
            "{path} leaks the shared secret"
        );
    }
    let (_, audit) = api.get("/api/v1/audit?limit=10").await;
    let entries = audit["entries"].as_array().unwrap();
    let create = entries
        .iter()
        .find(|e| e["entity_kind"] == "realm" && e["action"] == "create")
        .expect("realm create audited");
    assert_eq!(create["actor"], "admin");
    assert_eq!(create["entity_id"], "default/jwt8");
    assert_eq!(create["after"]["secure_settings"]["hmac_key"], "[redacted]");
    let clear = &entries[0];
    assert_eq!(clear["action"], "update");
    assert_eq!(
        clear["after"]["secure_settings"]["client_authentication.shared_secret"],
        Value::Null
    );
    assert_eq!(
        clear["before"]["secure_settings"]["client_authentication.shared_secret"],
        "[redacted]"
    );
}

#[tokio::test]
async fn user_passwords_are_write_only_too() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, user) = api
        .put(
            "/api/v1/users/runner",
            &json!({"roles": ["viewer"], "password": "l0ng-enough-password"}),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(user["body"], json!({"roles": ["viewer"]}));
    assert!(user["secure_settings"]["password"]["changed_at"].is_string());
    let (_, audit) = api.get("/api/v1/audit?limit=5").await;
    assert!(!audit.to_string().contains("l0ng-enough-password"));
}

#[tokio::test]
async fn invalid_bodies_get_400_naming_the_field() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "/api/v1/realms/jwt1",
            json!({"type": "jwt", "settings": {"allowed_issuers": "x"}}),
            "settings.allowed_issuers",
            "unknown setting [allowed_issuers] for a jwt realm",
        ),
        (
            "/api/v1/realms/jwt1",
            json!({"type": "jwt", "settings": {"hmac_key": "x"}}),
            "settings.hmac_key",
            "is a secure setting",
        ),
        (
            "/api/v1/realms/jwt1",
            json!({"type": "jwt", "pkc_jwkset": "{\"keys\": 5}"}),
            "pkc_jwkset",
            "JWKSet parse failed",
        ),
        (
            "/api/v1/realms/has%20space",
            json!({"type": "jwt"}),
            "name",
            "only letters, digits",
        ),
        (
            "/api/v1/realms/%3Cscript%3E",
            json!({"type": "jwt"}),
            "name",
            "only letters, digits",
        ),
        (
            "/api/v1/role-mappings/m1",
            json!({"enabled": true, "roles": ["r"], "rules": {"field": {"username": []}}}),
            "rules",
            "null or empty values ([])",
        ),
        (
            "/api/v1/role-mappings/m1",
            json!({"roles": ["r"], "rules": {"all": []}}),
            "enabled",
            "failed to parse role-mapping [m1]. missing field [enabled]",
        ),
        (
            "/api/v1/roles/superuser",
            json!({}),
            "body",
            "Role [superuser] is reserved and may not be used.",
        ),
        (
            "/api/v1/roles/%C3%BCnicode",
            json!({}),
            "name",
            "Role names must be at least 1",
        ),
        (
            "/api/v1/roles/r1",
            json!({"run_as": "alice"}),
            "body",
            "[run_as] must be an array of strings",
        ),
        (
            "/api/v1/users/u1",
            json!({"roles": ["a"], "password": "short"}),
            "password",
            "passwords must be at least [6] characters long",
        ),
        (
            "/api/v1/sample-identities/s1",
            json!({"groups": ["a"], "realm": "jwt1"}),
            "username",
            "needs a username",
        ),
    ];
    for (path, body, field, message) in cases {
        let (status, error) = api.put(path, &body).await;
        assert_eq!(status, 400, "{path} {body}: {error}");
        assert_eq!(error["error"]["code"], "invalid", "{path}");
        assert_eq!(error["error"]["field"], field, "{path} {body}: {error}");
        let text = error["error"]["message"].as_str().unwrap();
        assert!(text.contains(message), "{path}: {text}");
    }
    // Nothing was written by any of them.
    for collection in [
        "realms",
        "role-mappings",
        "roles",
        "users",
        "sample-identities",
    ] {
        let (_, list) = api.get(&format!("/api/v1/{collection}")).await;
        assert_eq!(list, json!([]), "{collection}");
    }
    let (_, audit) = api.get("/api/v1/audit?limit=200").await;
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "login" || e["actor"] == "system"),
        "{audit}"
    );
}

#[tokio::test]
async fn hostile_input_is_refused_or_stored_inert_never_a_500() {
    let console = Console::start();
    let api = Api::login(&console).await;
    // Not JSON.
    let (status, error) = api.put_raw("/api/v1/roles/r1", b"{not json".to_vec()).await;
    assert_eq!((status, &error["error"]["field"]), (400, &json!("body")));
    // A repeated key, refused as Elasticsearch's strict JSON parser does (not "last one wins").
    let (status, error) = api
        .put_raw(
            "/api/v1/role-mappings/m1",
            br#"{"enabled": true, "roles": ["a"], "rules": {"field": {"username": "x"}}, "roles": ["superuser"]}"#.to_vec(),
        )
        .await;
    assert_eq!(
        (status, &error["error"]["field"]),
        (400, &json!("body")),
        "{error}"
    );
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Duplicate field 'roles'"),
        "{error}"
    );
    let (status, _) = api.get("/api/v1/role-mappings/m1").await;
    assert_eq!(status, 404, "nothing was stored");
    // A 5 MB JWK set: read, and refused on its field.
    let huge = format!(
        r#"{{"type":"jwt","pkc_jwkset":"{{\"keys\":[{}]}}"}}"#,
        "{}".repeat(5 * 1024 * 1024 / 2)
    );
    let (status, error) = api.put_raw("/api/v1/realms/big", huge.into_bytes()).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["field"], "pkc_jwkset");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 262144 bytes are accepted"),
        "{error}"
    );
    // A bad version.
    let (status, error) = api.put("/api/v1/roles/r1?version=abc", &json!({})).await;
    assert_eq!((status, &error["error"]["field"]), (400, &json!("version")));
    // Script tags in names and free text are legal in Elasticsearch and kept as text.
    let script = "<script>alert(1)</script>";
    let (status, role) = api
        .put(
            &format!("/api/v1/roles/{}", urlencode(script)),
            &json!({"metadata": {"note": script}, "description": script}),
        )
        .await;
    assert_eq!(status, 201, "{role}");
    assert_eq!(role["name"], script);
    assert_eq!(role["body"]["metadata"]["note"], script);
    let (status, _) = api
        .put(
            "/api/v1/users/html",
            &json!({"full_name": script, "email": script, "roles": [script]}),
        )
        .await;
    assert_eq!(status, 201);
    // Every page still renders, with the markup escaped.
    for page in ["/roles-users", "/realms", "/role-mappings", "/audit"] {
        let response = api.http().get(console.url(page)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{page}");
        let html = response.text().await.unwrap();
        assert!(!html.contains(script), "{page} renders a live script tag");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn resources_survive_a_restart_and_need_a_session() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let (status, _) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201);
    let (status, _) = api
        .put(
            "/api/v1/role-mappings/m1",
            &json!({"enabled": true, "roles": ["r"], "rules": {"all": []}}),
        )
        .await;
    assert_eq!(status, 201);
    let dir = console.data_dir();
    drop(api);
    console.stop();

    let console = Console::start_in(dir);
    // Without a session: 401, and no CSRF token: 403.
    let anonymous = integration_tests::client();
    let response = anonymous
        .get(console.url("/api/v1/realms"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let api = Api::login(&console).await;
    let response = api
        .http()
        .put(console.url("/api/v1/roles/r1"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    let (_, realm) = api.get("/api/v1/realms/jwt8").await;
    assert_eq!(realm["version"], 1);
    assert_eq!(realm["body"]["settings"]["allowed_issuer"], "iss8");
    assert_eq!(realm["secure_settings"].as_object().unwrap().len(), 2);
    let (_, mapping) = api.get("/api/v1/role-mappings/m1").await;
    assert_eq!(
        mapping["diagnostics"][0]["message"],
        "rules {\"all\": []} match every user of every realm"
    );
}

#[tokio::test]
async fn the_server_function_keeps_json_types() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let body =
        json!({"enabled": false, "roles": ["r"], "rules": {"field": {"metadata.level": 42}}});
    let (status, view) = api
        .post_json(
            "/api/fn/put_resource",
            &json!({"input": {"kind": "role_mapping", "name": "typed", "version": null, "body": body}}),
        )
        .await;
    assert_eq!(status, 200, "{view}");
    let (_, stored) = api.get("/api/v1/role-mappings/typed").await;
    assert_eq!(
        stored["body"], body,
        "false and 42 must stay a boolean and a number"
    );
}
