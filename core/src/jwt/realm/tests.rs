use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::diagnostic::{DeploymentKind, Severity};

const P: &str = "xpack.security.authc.realms.jwt.jwt8";

/// The Elastic docs HS256 realm (spec §7.1), as YAML lines under the realm prefix.
const BASE: &str = "order: 8\nallowed_issuer: iss8\nallowed_audiences: [aud8]\nallowed_signature_algorithms: [HS256]\nclaims.principal: sub\n";
const SECURE: &str = "hmac_key: hmac-oidc-key-string-for-hs256-algorithm\nclient_authentication.shared_secret: client-shared-secret-string\n";

fn prefixed(lines: &str) -> String {
    lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{P}.{l}\n"))
        .collect()
}

fn load_with(yml: &str, secure: &str, target: Target) -> Loaded {
    let settings = Settings::from_yaml(&prefixed(yml)).unwrap();
    let secure = Settings::from_yaml(&prefixed(secure)).unwrap();
    let files = |path: &str| match path {
        "jwks.json" => {
            Some(r#"{"keys":[{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}]}"#.to_owned())
        }
        "bad.json" => Some("{nope".to_owned()),
        _ => None,
    };
    load(&settings, &secure, &files, target)
}

fn load_realm(yml: &str, secure: &str) -> Loaded {
    load_with(yml, secure, Target::default())
}

fn errors(loaded: &Loaded) -> Vec<(String, String)> {
    loaded
        .report
        .errors()
        .map(|d| (d.setting.clone(), d.message.clone()))
        .collect()
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded
        .report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect()
}

#[wasm_bindgen_test(unsupported = test)]
fn the_documented_realm_is_valid_with_defaults() {
    let loaded = load_realm(BASE, SECURE);
    assert!(loaded.report.valid, "{:?}", loaded.report);
    let realm = loaded.chain.jwt_realms().next().unwrap();
    assert_eq!(realm.token_type, TokenType::IdToken);
    assert_eq!(realm.allowed_clock_skew, TimeValue::from_secs(60));
    assert_eq!(realm.client_auth, ClientAuthType::SharedSecret);
    assert!(realm.populate_user_metadata);
    assert_eq!(realm.cache_size, 100_000);
    assert_eq!(realm.cache_ttl, TimeValue::from_secs(1200));
    assert_eq!(realm.rotation_grace_period, TimeValue::from_secs(60));
    assert_eq!(realm.hmac_keys.algorithms, vec![Algorithm::HS256]);
    let any = realm.subject_patterns.as_ref().unwrap();
    assert_eq!(
        any.to_string(),
        "*",
        "id_token realms without subject settings accept any sub"
    );
    assert!(any.matches("") && any.matches("whoever"));
}

/// Each case: extra YAML (replacing BASE lines with the same key), secure YAML, the setting
/// key suffix and the exact Elasticsearch message expected.
#[wasm_bindgen_test(unsupported = test)]
fn startup_errors_use_elasticsearch_wording() {
    let cases: &[(&str, &str, &str, String)] = &[
        (
            "allowed_issuer: \"\"",
            SECURE,
            "allowed_issuer",
            format!("Invalid empty value for [{P}.allowed_issuer]."),
        ),
        (
            "allowed_audiences: []",
            SECURE,
            "allowed_audiences",
            format!("Invalid empty list for [{P}.allowed_audiences]."),
        ),
        (
            "allowed_audiences: [a, \"\"]",
            SECURE,
            "allowed_audiences",
            format!("Invalid empty value for [{P}.allowed_audiences]."),
        ),
        (
            "token_type: jwt",
            SECURE,
            "token_type",
            format!(
                "Invalid value [jwt] for [{P}.token_type], allowed values are [id_token,access_token]"
            ),
        ),
        (
            "fallback_claims.sub: email",
            SECURE,
            "fallback_claims.sub",
            format!(
                "fallback claim setting [{P}.fallback_claims.sub] is not allowed when JWT realm [jwt8] is [id_token] type"
            ),
        ),
        (
            "required_claims.iss: x",
            SECURE,
            "required_claims.iss",
            format!(
                "required claim [{P}.required_claims.iss] cannot be one of [iss,sub,aud,exp,nbf,iat]"
            ),
        ),
        (
            "required_claims.token_use: []",
            SECURE,
            "required_claims.token_use",
            format!("required claim [{P}.required_claims.token_use] cannot be empty"),
        ),
        (
            "allowed_signature_algorithms: [hs256]",
            SECURE,
            "allowed_signature_algorithms",
            format!(
                "Invalid value [hs256] for [{P}.allowed_signature_algorithms]. Allowed values are [HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512]."
            ),
        ),
        (
            "allowed_clock_skew: 10",
            SECURE,
            "allowed_clock_skew",
            format!(
                "failed to parse setting [{P}.allowed_clock_skew] with value [10] as a time value: unit is missing or unrecognized"
            ),
        ),
        (
            "claims.principal: \"\"",
            SECURE,
            "claims.principal",
            format!("Invalid null or empty claim name for [{P}.claims.principal]."),
        ),
        (
            "claim_patterns.mail: \"^(.*)$\"",
            SECURE,
            "claim_patterns.mail",
            format!(
                "Setting [{P}.claim_patterns.mail] cannot be set unless [{P}.claims.mail] is also set"
            ),
        ),
        (
            "claims.mail: email\nclaim_patterns.mail: \"(\"",
            SECURE,
            "claim_patterns.mail",
            format!("Invalid claim value regex pattern for [{P}.claim_patterns.mail]."),
        ),
        (
            "populate_user_metadata: \"yes\"",
            SECURE,
            "populate_user_metadata",
            "Failed to parse value [yes] as only [true] or [false] are allowed.".into(),
        ),
        (
            "client_authentication.type: basic",
            SECURE,
            "client_authentication.type",
            format!(
                "Invalid value [basic] for [{P}.client_authentication.type], allowed values are [none,shared_secret]"
            ),
        ),
        (
            "",
            "hmac_key: k",
            "client_authentication.shared_secret",
            format!(
                "Missing setting for [{P}.client_authentication.shared_secret]. It is required when setting [{P}.client_authentication.type] is [shared_secret]"
            ),
        ),
        (
            "client_authentication.type: none",
            SECURE,
            "client_authentication.shared_secret",
            format!(
                "Setting [{P}.client_authentication.shared_secret] is not supported, because setting [{P}.client_authentication.type] is [none]"
            ),
        ),
        (
            "jwt.cache.size: -1",
            SECURE,
            "jwt.cache.size",
            format!("Failed to parse value [-1] for setting [{P}.jwt.cache.size] must be >= 0"),
        ),
        (
            "pkc_jwkset_path: http://idp/jwks",
            SECURE,
            "pkc_jwkset_path",
            "Not allowed to use HTTP URI [http://idp/jwks]. Only HTTPS is supported.".into(),
        ),
        (
            "pkc_jwkset_path: httpfile.json",
            SECURE,
            "pkc_jwkset_path",
            "Not allowed to use HTTP URI [httpfile.json]. Only HTTPS is supported.".into(),
        ),
        (
            "pkc_jwkset_path: https:///jwks",
            SECURE,
            "pkc_jwkset_path",
            "Host is missing in HTTPS URI [https:///jwks].".into(),
        ),
        (
            "pkc_jwkset_path: missing.json",
            SECURE,
            "pkc_jwkset_path",
            format!(
                "Failed to read contents for setting [{P}.pkc_jwkset_path] value [missing.json]."
            ),
        ),
        (
            "pkc_jwkset_path: bad.json",
            SECURE,
            "pkc_jwkset_path",
            format!("JWKSet parse failed for setting [{P}.pkc_jwkset_path]"),
        ),
        (
            "",
            "client_authentication.shared_secret: s",
            "",
            format!(
                "At least one of [{P}.hmac_key] or [{P}.hmac_jwkset] or [{P}.pkc_jwkset_path] must be set"
            ),
        ),
        (
            "",
            "hmac_key: k\nhmac_jwkset: \"{}\"\nclient_authentication.shared_secret: s",
            "hmac_jwkset",
            format!(
                "Settings [{P}.hmac_jwkset] and [{P}.hmac_key] are not allowed at the same time."
            ),
        ),
        (
            "",
            "hmac_jwkset: \"{}\"\nclient_authentication.shared_secret: s",
            "hmac_jwkset",
            format!("JWKSet parse failed for setting [{P}.hmac_jwkset]"),
        ),
        (
            "allowed_subjects: []",
            SECURE,
            "allowed_subjects",
            format!(
                "One of either [{P}.allowed_subjects] or [{P}.allowed_subject_patterns] must be specified and not be empty."
            ),
        ),
        (
            "token_type: access_token",
            SECURE,
            "allowed_subjects",
            format!(
                "One of either [{P}.allowed_subjects] or [{P}.allowed_subject_patterns] must be specified and not be empty."
            ),
        ),
        (
            "allowed_subject_patterns: [\"/abc\"]",
            SECURE,
            "allowed_subject_patterns",
            "Invalid patterns for allowed claim values for [sub].".into(),
        ),
        (
            "claim_patterns.group: x",
            SECURE,
            "claim_patterns.group",
            format!(
                "unknown setting [{P}.claim_patterns.group] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"
            ),
        ),
        (
            "hmac_key: inyaml",
            SECURE,
            "hmac_key",
            format!(
                "Setting [{P}.hmac_key] is a secure setting and must be stored inside the Elasticsearch keystore, but was found inside elasticsearch.yml"
            ),
        ),
        (
            "",
            "hmac_key: k\nclient_authentication.shared_secret: s\nallowed_issuer: x",
            "allowed_issuer",
            format!(
                "Setting [{P}.allowed_issuer] is a non-secure setting and must be stored inside elasticsearch.yml, but was found inside the Elasticsearch keystore"
            ),
        ),
        (
            "authorization_realms: [ldap1]",
            SECURE,
            "authorization_realms",
            "configured authorizing realm [ldap1] does not exist (or is not enabled)".into(),
        ),
        (
            "pkc_jwkset_reload.url_interval_min: 2h\npkc_jwkset_reload.url_interval_max: 1h",
            SECURE,
            "pkc_jwkset_reload.url_interval_max",
            "Invalid PKC JWK set URL reload intervals: max [1h] is less than min [2h]".into(),
        ),
    ];
    for (extra, secure, suffix, message) in cases {
        let yml = merge(BASE, extra);
        let loaded = load_realm(&yml, secure);
        let key = if suffix.is_empty() {
            P.to_owned()
        } else {
            format!("{P}.{suffix}")
        };
        assert!(
            errors(&loaded).contains(&(key.clone(), message.clone())),
            "case {extra:?}: expected [{key}] {message}\n got {:#?}",
            errors(&loaded)
        );
    }
}

/// Replaces BASE lines whose key appears in `extra`, then appends `extra`.
fn merge(base: &str, extra: &str) -> String {
    let keys: Vec<&str> = extra.lines().filter_map(|l| l.split(':').next()).collect();
    let mut out: String = base
        .lines()
        .filter(|l| !keys.contains(&l.split(':').next().unwrap_or("")))
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(extra);
    out.push('\n');
    out
}

#[wasm_bindgen_test(unsupported = test)]
fn the_order_setting_is_required_and_unique() {
    let loaded = load_realm(
        &merge(BASE, "order: \"\"").replace("order: \"\"\n", ""),
        SECURE,
    );
    assert!(
        errors(&loaded)
            .iter()
            .any(|(_, m)| m.starts_with("'order' is a mandatory parameter"))
    );
    let yml = format!(
        "{}xpack.security.authc.realms.native.native1.order: 8\nxpack.security.authc.realms.file.file1.order: 0\n",
        prefixed(BASE)
    );
    let settings = Settings::from_yaml(&yml).unwrap();
    let secure = Settings::from_yaml(&prefixed(SECURE)).unwrap();
    let loaded = load(&settings, &secure, &|_| None, Target::default());
    assert!(
        errors(&loaded).contains(&(
            REALMS_PREFIX.to_owned(),
            "Found multiple realms configured with the same order: 8: [jwt/jwt8, native/native1]"
                .to_owned()
        ))
    );
    let order: Vec<&str> = loaded
        .chain
        .realms
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(order, ["file1", "jwt8", "native1"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn hosted_deployments_reserve_orders_zero_and_one() {
    let target = Target {
        deployment: DeploymentKind::ElasticCloud,
        version: StackVersion::LATEST,
    };
    let loaded = load_with(&merge(BASE, "order: 1"), SECURE, target);
    assert!(
        errors(&loaded)
            .iter()
            .any(|(k, m)| k.ends_with(".order") && m.contains("reserved"))
    );
    assert!(
        load_with(&merge(BASE, "order: 2"), SECURE, target)
            .report
            .valid
    );
    assert!(load_realm(&merge(BASE, "order: 0"), SECURE).report.valid);
}

#[wasm_bindgen_test(unsupported = test)]
fn stack_versions_gate_token_types() {
    let old = Target {
        version: StackVersion::new(8, 5),
        ..Target::default()
    };
    let access = merge(BASE, "token_type: access_token\nallowed_subjects: [a]");
    assert!(
        errors(&load_with(&access, SECURE, old))
            .iter()
            .any(|(_, m)| m.contains("need Elasticsearch 8.7"))
    );
    assert!(load_with(BASE, SECURE, old).report.valid);
    let older = Target {
        version: StackVersion::new(8, 1),
        ..Target::default()
    };
    assert!(!load_with(BASE, SECURE, older).report.valid);
}

#[wasm_bindgen_test(unsupported = test)]
fn tolerated_problems_are_warnings() {
    let w = warnings(&load_realm(
        &merge(BASE, "allowed_signature_algorithms: [RS256]"),
        SECURE,
    ));
    assert!(
        w.iter().any(|m| m.contains("no HS256, HS384 or HS512")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|m| m.contains("No available JWK and algorithm")),
        "{w:?}"
    );

    let w = warnings(&load_realm(
        &merge(BASE, "allowed_signature_algorithms: [HS256, HS384]"),
        SECURE,
    ));
    assert!(
        w.iter()
            .any(|m| m.contains("algorithm [HS384] is allowed but no HMAC JWK")),
        "{w:?}"
    );

    let w = warnings(&load_realm(
        &merge(BASE, "client_authentication.type: none"),
        "hmac_key: hmac-oidc-key-string-for-hs256-algorithm",
    ));
    assert!(
        w.iter()
            .any(|m| m.contains("client authentication is [none]")),
        "{w:?}"
    );

    let w = warnings(&load_realm(&merge(BASE, "allowed_clock_skew: 1h"), SECURE));
    assert!(w.iter().any(|m| m.contains("very large")), "{w:?}");

    let w = warnings(&load_realm(
        &merge(
            BASE,
            "claims.mail: email\nclaim_patterns.mail: \"([^@]+)@x\"",
        ),
        SECURE,
    ));
    assert!(w.iter().any(|m| m.contains("not anchored")), "{w:?}");

    let w = warnings(&load_realm(&merge(BASE, "claim_patterns.group: x"), SECURE));
    assert!(w.iter().any(|m| m.contains("typo")), "{w:?}");

    let w = warnings(&load_realm(
        &merge(
            BASE,
            "pkc_jwkset_path: jwks.json\nallowed_signature_algorithms: [HS256, RS256]",
        ),
        SECURE,
    ));
    assert!(
        w.iter().any(|m| m.contains("RSA JWK [24] bits too small")),
        "{w:?}"
    );

    let w = warnings(&load_realm(
        &merge(BASE, "pkc_jwkset_path: https://idp.example.com/jwks"),
        SECURE,
    ));
    assert!(
        w.iter().any(|m| m.contains("has no copy of it yet")),
        "{w:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn list_settings_accept_comma_strings() {
    let loaded = load_realm(
        &merge(
            BASE,
            "allowed_audiences: \"es01,es02, es03\"\nallowed_signature_algorithms: \"HS256,HS512\"",
        ),
        SECURE,
    );
    let realm = loaded.chain.jwt_realms().next().unwrap();
    assert_eq!(realm.allowed_audiences, ["es01", "es02", "es03"]);
    assert_eq!(
        realm.allowed_algorithms,
        [Algorithm::HS256, Algorithm::HS512]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn realm_names_and_types_are_checked() {
    let settings = Settings::from_yaml("xpack.security.authc.realms:\n  jwt:\n    bad name:\n      order: 1\n  magic.m1.order: 2\n").unwrap();
    let loaded = load(
        &settings,
        &Settings::default(),
        &|_| None,
        Target::default(),
    );
    let messages: Vec<String> = errors(&loaded).into_iter().map(|(_, m)| m).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Invalid realm name [bad name]")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m == "unknown realm type [magic] for realm [magic/m1]"),
        "{messages:?}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn other_realms_are_recognised_for_lookup() {
    let yml = format!(
        "{}xpack.security.authc.realms.native.native1.order: 0\nxpack.security.authc.realms.ldap.ldap1:\n  order: 1\n  user_dn_templates: [\"cn={{0}},dc=x\"]\n",
        prefixed(&merge(BASE, "authorization_realms: [native1, ldap1]"))
    );
    let settings = Settings::from_yaml(&yml).unwrap();
    let secure = Settings::from_yaml(&prefixed(SECURE)).unwrap();
    let loaded = load(&settings, &secure, &|_| None, Target::default());
    assert!(loaded.report.valid, "{:?}", loaded.report);
    assert!(loaded.chain.realm("native1").unwrap().supports_lookup);
    assert!(!loaded.chain.realm("ldap1").unwrap().supports_lookup);
    assert!(
        warnings(&loaded)
            .iter()
            .any(|m| m.contains("realm [ldap1] of type [ldap] cannot look up users"))
    );
}
