//! Export and import against the real binary: the artifacts and the zip (secrets masked),
//! the lint gate and drafts, the reveal behind the password, the diff against the previous
//! export, import preview then apply in one transaction with nothing dropped, and the CLI.

use std::process::Command;

use integration_tests::{ADMIN_PASSWORD, Api, Console, binary, client, command_on, run_cli};
use serde_json::{Value, json};

const HMAC_KEY: &str = "export-test-hmac-key-of-at-least-256-bits";
const EXPORT: &str = "/api/v1/deployments/default/export";
const IMPORT: &str = "/api/v1/deployments/default/import";

fn jwt8() -> Value {
    json!({
        "type": "jwt",
        "settings": {
            "order": 2, "allowed_issuer": "iss8", "allowed_audiences": ["aud8"],
            "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
            "client_authentication.type": "none"
        },
        "secure_settings": {"hmac_key": HMAC_KEY}
    })
}

/// A deployment Elasticsearch would start with: transport TLS with a key and certificate.
async fn startable(api: &Api<'_>) {
    let (status, body) = api
        .put(
            "/api/v1/deployments/default?version=1",
            &json!({"kind": "self_managed", "stack_version": "9.3", "transport_ssl": {
                "enabled": true, "verification_mode": "certificate",
                "key": "certs/node.key", "certificate": "certs/node.crt",
                "certificate_authorities": ["certs/ca.crt"]
            }}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn text(api: &Api<'_>, path: &str) -> (u16, String, String) {
    let response = api
        .http()
        .get(api.console.url(path))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.text().await.expect("body"))
}

fn artifact<'a>(view: &'a Value, file: &str) -> &'a str {
    view["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["file"] == file)
        .and_then(|a| a["content"].as_str())
        .unwrap_or_else(|| panic!("no artifact {file} in {view}"))
}

#[tokio::test]
async fn export_is_gated_masked_and_diffed() {
    let console = Console::start();
    let api = Api::login(&console).await;

    // Unauthenticated, nothing.
    let anonymous = client().get(console.url(EXPORT)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    let (status, body) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .put(
            "/api/v1/role-mappings/jwt8-admins",
            &json!({"enabled": true, "roles": ["superuser"], "rules": {"field": {"realm.name": "jwt8"}}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    // The default deployment has transport TLS on but no key: Elasticsearch would not start.
    let (status, view) = api.get(EXPORT).await;
    assert_eq!(status, 200, "{view}");
    assert!(
        view["blocking"][0]["message"]
            .as_str()
            .unwrap()
            .contains("server ssl configuration requires a key and certificate"),
        "{view}"
    );
    let (status, _, refused) = text(&api, &format!("{EXPORT}/elasticsearch.yml")).await;
    assert_eq!(status, 400, "{refused}");
    let refused: Value = serde_json::from_str(&refused).unwrap();
    assert_eq!(refused["error"]["field"], "draft");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the export is refused: Elasticsearch would not start")
    );
    let (status, _, draft) = text(&api, &format!("{EXPORT}/elasticsearch.yml?draft=true")).await;
    assert_eq!(status, 200);
    assert!(draft.contains("xpack.security.authc.realms.jwt.jwt8.allowed_issuer: \"iss8\"\n"));

    startable(&api).await;
    let (status, view) = api.get(EXPORT).await;
    assert_eq!(status, 200);
    assert_eq!(view["blocking"], json!([]), "{view}");
    assert_eq!(view["previous"], Value::Null);
    let raw = view.to_string();
    assert!(!raw.contains(HMAC_KEY), "the export view leaks the key");
    let yml = artifact(&view, "elasticsearch.yml");
    assert_eq!(yml.lines().filter(|l| l.starts_with('#')).count(), 1);
    assert!(yml.contains("xpack.security.transport.ssl.key: \"certs/node.key\"\n"));
    assert!(artifact(&view, "keystore.sh").contains(
        "bin/elasticsearch-keystore add --stdin xpack.security.authc.realms.jwt.jwt8.hmac_key\n"
    ));
    assert!(
        artifact(&view, "requests.console").contains("PUT /_security/role_mapping/jwt8-admins")
    );

    let (status, kind, plain) = text(&api, &format!("{EXPORT}/elasticsearch.yml")).await;
    assert_eq!((status, kind.as_str()), (200, "text/plain; charset=utf-8"));
    assert_eq!(plain, yml, "the API and the page show the same bytes");
    let (status, missing) = api.get(&format!("{EXPORT}/nope.txt")).await;
    assert_eq!(status, 404, "{missing}");

    // The zip: every artifact under one folder, no secret value.
    let response = api
        .http()
        .get(console.url(&format!("{EXPORT}/zip")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"trust-console-default.zip\""
    );
    let zip = response.bytes().await.unwrap();
    assert_eq!(&zip[..4], b"PK\x03\x04");
    let zip_text = String::from_utf8_lossy(&zip);
    for file in [
        "elasticsearch.yml",
        "keystore.sh",
        "keystore.json",
        "apply-plan.md",
        "requests.sh",
    ] {
        assert!(
            zip_text.contains(&format!("trust-console-default/{file}")),
            "{file} missing"
        );
    }
    assert!(!zip_text.contains(HMAC_KEY), "the zip leaks the key");

    // The download is the previous export now: nothing changed since, until a realm changes.
    let (_, view) = api.get(EXPORT).await;
    assert_eq!(view["previous"]["actor"], "admin");
    assert!(
        view["diffs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["changed"] == false)
    );
    let mut changed = jwt8();
    changed["settings"]["allowed_issuer"] = json!("iss9");
    changed.as_object_mut().unwrap().remove("secure_settings");
    let (status, body) = api.put("/api/v1/realms/jwt8?version=1", &changed).await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = api.get(EXPORT).await;
    let yml_diff = view["diffs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "elasticsearch.yml")
        .unwrap();
    assert_eq!(yml_diff["changed"], true);
    let lines = yml_diff["lines"].as_array().unwrap();
    assert!(lines.contains(&json!({"op": "removed", "line": "xpack.security.authc.realms.jwt.jwt8.allowed_issuer: \"iss8\""})));
    assert!(lines.contains(&json!({"op": "added", "line": "xpack.security.authc.realms.jwt.jwt8.allowed_issuer: \"iss9\""})));

    // Secret values only after the password.
    let reveal = format!("{EXPORT}/reveal");
    let (status, wrong) = api.post_json(&reveal, &json!({"password": "not it"})).await;
    assert_eq!(
        (status, wrong["error"]["field"].as_str()),
        (400, Some("password")),
        "{wrong}"
    );
    let (status, shown) = api
        .post_json(&reveal, &json!({"password": ADMIN_PASSWORD}))
        .await;
    assert_eq!(status, 200, "{shown}");
    assert!(shown.to_string().contains(HMAC_KEY));
    let (_, audit) = api.get("/api/v1/audit?limit=5").await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_kind"] == "export")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["reveal_secrets", "reveal_refused"], "{audit}");
    assert!(!audit.to_string().contains(HMAC_KEY));
    let no_csrf = api
        .http()
        .post(console.url(&reveal))
        .json(&json!({"password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status().as_u16(), 403);
}

#[tokio::test]
async fn wrong_reveal_passwords_lock_the_account_like_failed_logins() {
    let console = Console::start();
    let api = Api::login(&console).await;
    let reveal = format!("{EXPORT}/reveal");
    for _ in 0..5 {
        let (status, wrong) = api.post_json(&reveal, &json!({"password": "guess"})).await;
        assert_eq!(status, 400, "{wrong}");
    }
    let (status, locked) = api
        .post_json(&reveal, &json!({"password": ADMIN_PASSWORD}))
        .await;
    assert_eq!(
        (status, locked["error"]["code"].as_str()),
        (429, Some("rate_limited")),
        "{locked}"
    );
    assert!(locked["error"]["retry_after_secs"].as_u64().unwrap() > 0);
    // The same account limit as logins: a new login is refused too.
    let login = client()
        .post(console.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 429);
    let (_, audit) = api.get("/api/v1/audit?limit=10").await;
    let refused = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_kind"] == "export" && e["action"] == "reveal_refused")
        .count();
    assert_eq!(refused, 6, "{audit}");
}

#[tokio::test]
async fn import_previews_then_applies_in_one_transaction() {
    let console = Console::start();
    let api = Api::login(&console).await;
    startable(&api).await;
    let yml = "xpack.security.authc.realms.jwt:\n  corp:\n    order: 1\n    allowed_issuer: corp-idp\n    allowed_audiences: [es]\n    allowed_signature_algorithms: [HS256]\n    claims.principal: sub\n    client_authentication.type: shared_secret\nxpack.security.authc.realms.ldap.dir.order: 3\nxpack.security.authc.realms.ldap.dir.url: ldaps://ldap.example.com:636\ncluster.name: imported\nxpack.security.transport.ssl:\n  enabled: true\n  verification_mode: certificate\n  key: certs/node.key\n  certificate: certs/node.crt\n  certificate_authorities: [certs/ca.crt]\n";
    let secure = "xpack.security.authc.realms.jwt.corp.hmac_key: imported-hmac-key-of-at-least-256-bits!\nxpack.security.authc.realms.jwt.corp.client_authentication.shared_secret: imported-shared\nxpack.security.authc.realms.ldap.dir.secure_bind_password: bind-pass\n";
    let mappings = json!({"corp-admins": {"enabled": true, "roles": ["superuser"], "rules": {"field": {"realm.name": "corp"}}, "metadata": {}}});
    let roles = json!({
        "superuser": {"cluster": ["all"], "metadata": {"_reserved": true}, "transient_metadata": {"enabled": true}},
        "corp_reader": {"cluster": ["monitor"], "indices": [{"names": ["logs-*"], "privileges": ["read"], "allow_restricted_indices": false}], "metadata": {}, "transient_metadata": {"enabled": true}}
    });
    let input = json!({
        "yml": yml, "secure_settings": secure,
        "role_mappings": mappings.to_string(), "roles": roles.to_string()
    });

    let (status, preview) = api.post_json(IMPORT, &input).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["applied"], false);
    let change = |resource: &str, name: &str| {
        preview["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["resource"] == resource && c["name"] == name)
            .map(|c| c["kind"].clone())
    };
    // The yml's transport settings are the deployment's own, unchanged.
    assert_eq!(change("deployment", "default"), Some(json!("unchanged")));
    assert_eq!(change("realm", "corp"), Some(json!("create")));
    assert_eq!(change("realm", "dir"), Some(json!("create")));
    assert_eq!(change("role mapping", "corp-admins"), Some(json!("create")));
    assert_eq!(change("role", "corp_reader"), Some(json!("create")));
    assert_eq!(
        change("role", "superuser"),
        None,
        "reserved roles are skipped"
    );
    assert_eq!(
        preview["kept"],
        json!([
            "cluster.name",
            "xpack.security.authc.realms.ldap.dir.secure_bind_password"
        ])
    );
    let (status, _) = api.get("/api/v1/realms/corp").await;
    assert_eq!(status, 404, "a preview writes nothing");

    // A file with problems is refused whole, naming each problem.
    let mut bad = input.clone();
    bad["role_mappings"] =
        json!("{\"x\": {\"roles\": [\"r\"], \"rules\": {\"field\": {}}, \"enabled\": true}}");
    let (status, refused) = api.post_json(&format!("{IMPORT}?apply=true"), &bad).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["problems"][0]["file"], "role mappings");
    assert_eq!(refused["problems"][0]["at"], "x");
    let (status, _) = api.get("/api/v1/realms/corp").await;
    assert_eq!(status, 404, "nothing of a refused import is applied");

    let (status, applied) = api.post_json(&format!("{IMPORT}?apply=true"), &input).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["applied"], true);
    let (status, corp) = api.get("/api/v1/realms/corp").await;
    assert_eq!(status, 200);
    assert!(corp["secure_settings"]["hmac_key"].is_object(), "{corp}");
    assert!(!corp.to_string().contains("imported-hmac-key"));
    let (status, _) = api.get("/api/v1/roles/corp_reader").await;
    assert_eq!(status, 200);

    // The export writes back everything, the kept settings included.
    let (_, view) = api.get(EXPORT).await;
    assert_eq!(view["blocking"], json!([]), "{view}");
    let yml_out = artifact(&view, "elasticsearch.yml");
    assert!(yml_out.contains("cluster.name: \"imported\"\n"));
    assert!(
        yml_out.contains(
            "xpack.security.authc.realms.ldap.dir.url: \"ldaps://ldap.example.com:636\"\n"
        )
    );
    assert!(
        artifact(&view, "keystore.sh")
            .contains("--stdin xpack.security.authc.realms.ldap.dir.secure_bind_password\n")
    );
    assert!(!view.to_string().contains("bind-pass"));

    // Importing the same files again changes nothing.
    let (_, again) = api.post_json(IMPORT, &input).await;
    assert!(
        again["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "unchanged"),
        "{again}"
    );
    let audit = api.get("/api/v1/audit").await.1.to_string();
    assert!(audit.contains("kept_settings") && !audit.contains("bind-pass"));
}

#[tokio::test]
async fn the_cli_exports_and_imports_the_same_database() {
    let console = Console::start();
    let api = Api::login(&console).await;
    startable(&api).await;
    let (status, body) = api.put("/api/v1/realms/jwt8", &jwt8()).await;
    assert_eq!(status, 201, "{body}");
    let data = console.data_dir();
    let dir = data.path().to_str().unwrap().to_owned();
    let out = data.path().join("export");
    let out_text = out.to_str().unwrap().to_owned();

    let export = |extra: &[&str]| {
        let args = [
            "export",
            "--deployment",
            "default",
            "--out",
            &out_text,
            "--data-dir",
            &dir,
        ];
        run_cli(&[&args[..], extra].concat())
    };
    let (code, written) = export(&[]);
    assert_eq!(code, Some(0), "{written}");
    assert!(
        written["files"]
            .as_array()
            .unwrap()
            .contains(&json!("elasticsearch.yml"))
    );
    let yml = std::fs::read_to_string(out.join("elasticsearch.yml")).unwrap();
    assert!(yml.contains("xpack.security.authc.realms.jwt.jwt8.order: 2\n"));
    assert!(
        !out.join("secure-settings.yml").exists(),
        "no secrets without --include-secrets"
    );

    // The exported yml passes lint.
    let lint = Command::new(binary())
        .args([
            "lint",
            "--config",
            out.join("elasticsearch.yml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    // Without the keystore the realm has no HMAC key, which lint reports…
    assert_eq!(lint.status.code(), Some(1));
    let (code, _) = export(&["--include-secrets"]);
    assert_eq!(code, Some(0));
    // …and with the exported keystore values it is valid.
    let (code, report) = run_cli(&[
        "lint",
        "--config",
        out.join("elasticsearch.yml").to_str().unwrap(),
        "--secure-settings",
        out.join("secure-settings.yml").to_str().unwrap(),
    ]);
    assert_eq!(
        (code, &report["valid"]),
        (Some(0), &json!(true)),
        "{report}"
    );

    // Import into another deployment: the same realm, with its secret.
    let (status, body) = api
        .put(
            "/api/v1/deployments/copy",
            &json!({"kind": "elastic_cloud", "stack_version": "9.3"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let config = out.join("elasticsearch.yml");
    let secure = out.join("secure-settings.yml");
    let args = [
        "import",
        "--deployment",
        "copy",
        "--config",
        config.to_str().unwrap(),
        "--secure-settings",
        secure.to_str().unwrap(),
        "--data-dir",
        &dir,
    ];
    let (code, dry) = run_cli(&[&args[..], &["--dry-run"]].concat());
    assert_eq!((code, &dry["applied"]), (Some(0), &json!(false)), "{dry}");
    let (code, done) = run_cli(&args);
    assert_eq!((code, &done["applied"]), (Some(0), &json!(true)), "{done}");
    let (status, realm) = api.get("/api/v1/realms/jwt8?deployment=copy").await;
    assert_eq!(status, 200, "{realm}");
    assert_eq!(realm["body"]["settings"]["allowed_issuer"], "iss8");
    assert!(realm["secure_settings"]["hmac_key"].is_object());

    let refused = command_on(std::path::Path::new(&dir))
        .args([
            "export",
            "--deployment",
            "nope",
            "--out",
            &out_text,
            "--data-dir",
            &dir,
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "error: deployment [nope] does not exist\n"
    );
}
