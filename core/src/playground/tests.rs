use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::config::Settings;
use crate::diagnostic::Target;
use crate::jwt::realm::load;

/// The Elastic docs HS256 token (realm `jwt8`, `../shared/vectors/elastic-docs-hs256.json`).
const DOCS: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InNlY3VyaXR5X3Rlc3RfdXNlciIsImV4cCI6NDA3MDkwODgwMCwiaWF0Ijo5NDY2ODQ4MDB9.UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY";
const NOW: i64 = 1_700_000_000;

fn b64(value: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

fn token(header: &Value, claims: &Value) -> String {
    format!("{}.{}.c2ln", b64(header), b64(claims))
}

#[wasm_bindgen_test(unsupported = test)]
fn pasted_values_become_the_header_elasticsearch_sees() {
    let bare = read_pasted(&format!("  {DOCS}\n"));
    assert_eq!(bare.authorization, format!("Bearer {DOCS}"));
    assert_eq!(bare.token, DOCS);
    assert_eq!(bare.scheme_note, None);

    let header = read_pasted(&format!("Authorization: Bearer {DOCS}"));
    assert_eq!(header.authorization, format!("Bearer {DOCS}"));
    assert_eq!(header.token, DOCS);
    assert_eq!(header.scheme_note, None);

    let lower = read_pasted(&format!("bearer {DOCS}"));
    assert_eq!(lower.authorization, format!("bearer {DOCS}"));
    assert_eq!(lower.token, DOCS);
    assert!(lower.scheme_note.unwrap().contains("[bearer]"));

    let empty = read_pasted("   ");
    assert_eq!(empty.authorization, "");
    assert_eq!(empty.token, "");
}

#[wasm_bindgen_test(unsupported = test)]
fn the_docs_token_decodes_into_header_claims_and_times() {
    let d = decode(DOCS, NOW, &[]);
    assert_eq!(d.refused, None);
    let header: Value = serde_json::from_str(d.header.json.as_ref().unwrap()).unwrap();
    assert_eq!(header, json!({"typ": "JWT", "alg": "HS256"}));
    let payload: Value = serde_json::from_str(d.payload.json.as_ref().unwrap()).unwrap();
    assert_eq!(payload["sub"], "security_test_user");
    assert_eq!(d.signature, "UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY");
    let names: Vec<&str> = d.claims.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["iss", "aud", "sub", "exp", "iat"]);
    let exp = d.claims[3].time.as_ref().unwrap();
    assert_eq!(exp.utc, "2099-01-01 00:00:00 UTC");
    assert!(!exp.past);
    assert!(exp.relative.starts_with("expires in "), "{}", exp.relative);
    let iat = d.claims[4].time.as_ref().unwrap();
    assert_eq!(iat.utc, "2000-01-01 00:00:00 UTC");
    assert!(iat.past);
    assert!(
        d.claims[0]
            .meaning
            .as_ref()
            .unwrap()
            .contains("allowed_issuer")
    );
    // exp − iat is 36160 days (99 years).
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].starts_with("very long lifetime: 36160 days from iat"));
}

#[wasm_bindgen_test(unsupported = test)]
fn relative_times_are_worded_for_the_claim() {
    assert_eq!(
        claim_time("exp", NOW + 3 * 3_600 + 59, NOW).relative,
        "expires in 3 h"
    );
    assert_eq!(
        claim_time("exp", NOW - 2 * 86_400 - 10, NOW).relative,
        "expired 2 days ago"
    );
    assert_eq!(
        claim_time("iat", NOW - 300, NOW).relative,
        "issued 5 min ago"
    );
    assert_eq!(
        claim_time("iat", NOW + 30, NOW).relative,
        "issued 30 s in the future"
    );
    assert_eq!(
        claim_time("nbf", NOW + 120, NOW).relative,
        "not valid for another 2 min"
    );
    assert_eq!(
        claim_time("auth_time", NOW - 36 * 3_600, NOW).relative,
        "36 h ago"
    );
    assert_eq!(span(0), "0 s");
    assert_eq!(span(59), "59 s");
    assert_eq!(span(60), "1 min");
    assert_eq!(span(172_799), "47 h");
    assert_eq!(span(172_800), "2 days");
}

#[wasm_bindgen_test(unsupported = test)]
fn utc_formats_epoch_seconds_on_either_side_of_1970() {
    assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
    assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    assert_eq!(utc(4_070_908_800), "2099-01-01 00:00:00 UTC");
}

#[wasm_bindgen_test(unsupported = test)]
fn unsecured_and_exp_less_tokens_are_flagged_and_refused() {
    let t = format!(
        "{}.{}.",
        b64(&json!({"alg": "none"})),
        b64(&json!({"sub": "x"}))
    );
    let d = decode(&t, NOW, &[]);
    assert_eq!(
        d.refused.as_deref(),
        Some("not a signed JWT: alg [none] is an unsecured JWT")
    );
    assert!(d.warnings[0].starts_with("alg [none]"), "{:?}", d.warnings);
    assert!(
        d.warnings[1].starts_with("no [exp] claim"),
        "{:?}",
        d.warnings
    );
    assert_eq!(d.signature, "");
}

#[wasm_bindgen_test(unsupported = test)]
fn garbage_still_decodes_what_it_can() {
    let d = decode("not-a-token", NOW, &[]);
    assert_eq!(
        d.refused.as_deref(),
        Some("not a JWT: fewer than two [.] separators")
    );
    assert_eq!(d.header.json, Err("not Base64URL".to_owned()));
    let jwe = decode("a.b.c.d.e", NOW, &[]);
    assert_eq!(jwe.extra_parts, 2);
    let half = format!("{}.!!!.x", b64(&json!({"alg": "HS256"})));
    let d = decode(&half, NOW, &[]);
    assert!(d.header.json.is_ok());
    assert_eq!(d.payload.json, Err("not Base64URL".to_owned()));
    assert!(d.claims.is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn a_token_without_kid_is_flagged_only_for_realms_with_several_keys_of_its_family() {
    let realms = [
        RealmKeys {
            realm: "many".to_owned(),
            algorithms: vec!["RS256".to_owned()],
            pkc_keys: Some(3),
            hmac_keys: 0,
            clock_skew_secs: 60,
            access_token: false,
        },
        RealmKeys {
            realm: "one".to_owned(),
            algorithms: vec!["RS256".to_owned()],
            pkc_keys: Some(1),
            hmac_keys: 2,
            clock_skew_secs: 60,
            access_token: false,
        },
        RealmKeys {
            realm: "other-alg".to_owned(),
            algorithms: vec!["ES256".to_owned()],
            pkc_keys: Some(5),
            hmac_keys: 0,
            clock_skew_secs: 60,
            access_token: false,
        },
    ];
    let claims = json!({"exp": NOW + 60, "iat": NOW});
    let d = decode(&token(&json!({"alg": "RS256"}), &claims), NOW, &realms);
    assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
    assert!(d.warnings[0].contains("realm [many] has 3 keys for RS256"));
    let with_kid = decode(
        &token(&json!({"alg": "RS256", "kid": "k1"}), &claims),
        NOW,
        &realms,
    );
    assert!(with_kid.warnings.is_empty(), "{:?}", with_kid.warnings);
}

#[wasm_bindgen_test(unsupported = test)]
fn failed_steps_point_at_their_settings() {
    assert_eq!(step_settings(Step::Iss, None), ["allowed_issuer"]);
    assert_eq!(
        step_settings(Step::Signature, Some("HS256")),
        ["hmac_key", "hmac_jwkset"]
    );
    assert_eq!(
        step_settings(Step::Signature, Some("ES384")),
        ["pkc_jwkset_path"]
    );
    assert_eq!(step_settings(Step::Exp, None), ["allowed_clock_skew"]);
    assert!(step_settings(Step::RunAs, None).is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn default_claims_pass_the_realm_claim_checks() {
    let p = "xpack.security.authc.realms.jwt.r1";
    let yml = format!(
        "{p}.order: 1\n{p}.allowed_issuer: https://idp\n{p}.allowed_audiences: [es, kibana]\n{p}.allowed_signature_algorithms: [HS256]\n{p}.claims.principal: email\n{p}.claims.groups: roles\n{p}.required_claims.tenant: [acme, other]\n{p}.client_authentication.type: none\n"
    );
    let secure = format!("{p}.hmac_key: a-hmac-key-that-is-long-enough-for-hs256!\n");
    let loaded = load(
        &Settings::from_yaml(&yml).unwrap(),
        &Settings::from_yaml(&secure).unwrap(),
        &|_| None,
        Target::default(),
    );
    assert!(loaded.report.valid, "{:#?}", loaded.report);
    let realm = loaded.chain.jwt_realms().next().unwrap();
    let claims = default_claims(realm, NOW);
    assert_eq!(
        Value::Object(claims),
        json!({
            "iss": "https://idp", "aud": "es", "sub": "test_user", "email": "test_user",
            "roles": ["test_group"], "tenant": "acme", "iat": NOW, "exp": NOW + 3_600
        })
    );
    let keys = RealmKeys::of(realm);
    assert_eq!(keys.hmac_keys, 1);
    assert_eq!(keys.pkc_keys, None);
    assert_eq!(keys.algorithms, ["HS256"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn evaluate_at_times_read_back_what_utc_prints() {
    for secs in [0, 951_782_400, 1_700_000_000 - 20, 4_070_908_800, -86_400] {
        let text = utc(secs);
        let local = text.trim_end_matches(" UTC").replacen(' ', "T", 1);
        assert_eq!(parse_utc(&local), Ok(secs), "{local}");
    }
    assert_eq!(parse_utc("2026-12-03T14:30"), Ok(1_796_308_200));
    assert_eq!(parse_utc("2026-12-03 14:30:05Z"), Ok(1_796_308_205));
    for bad in [
        "",
        "2026-12-03",
        "2026-02-29T00:00",
        "2026-13-01T00:00",
        "2026-12-03T24:00",
        "tomorrow",
    ] {
        let message = parse_utc(bad).unwrap_err();
        assert!(
            message.contains("is not a UTC time like"),
            "{bad}: {message}"
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn live_tokens_expire_within_an_hour() {
    let now = 1_800_000_000;
    let claims = |exp: Value| {
        let mut map = Map::new();
        map.insert("exp".to_owned(), exp);
        map
    };
    assert_eq!(
        check_live_token_lifetime(&claims(json!(now + 3600)), now),
        Ok(())
    );
    assert_eq!(
        check_live_token_lifetime(&claims(json!(now - 10)), now),
        Ok(())
    );
    let far = check_live_token_lifetime(&claims(json!(4_102_444_800_i64)), now).unwrap_err();
    assert!(far.contains("more than 1 hour ahead"), "{far}");
    assert!(check_live_token_lifetime(&claims(json!("soon")), now).is_err());
    assert!(check_live_token_lifetime(&Map::new(), now).is_err());
}
