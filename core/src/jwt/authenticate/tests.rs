use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::config::Settings;
use crate::diagnostic::Target;
use crate::jwt::realm::load;

const DOC_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InNlY3VyaXR5X3Rlc3RfdXNlciIsImV4cCI6NDA3MDkwODgwMCwiaWF0Ijo5NDY2ODQ4MDB9.UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY";
const RUN_AS_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiZXMwMSIsImVzMDIiLCJlczAzIl0sInN1YiI6InVzZXIyIiwiaXNzIjoibXktaXNzdWVyIiwiZXhwIjo0MDcwOTA4ODAwLCJpYXQiOjk0NjY4NDgwMCwiZW1haWwiOiJ1c2VyMkBzb21ldGhpbmcuZXhhbXBsZS5jb20ifQ.UgO_9w--EoRyUKcWM5xh9SimTfMzl1aVu6ZBsRWhxQA";
const NOW: i64 = 1_700_000_000_000;
const KEY: &str = "hmac-oidc-key-string-for-hs256-algorithm";
const P: &str = "xpack.security.authc.realms.jwt";

fn chain(yml: &str, secure: &str) -> RealmChain {
    let loaded = load(
        &Settings::from_yaml(yml).unwrap(),
        &Settings::from_yaml(secure).unwrap(),
        &|_| None,
        Target::default(),
    );
    loaded.chain
}

fn doc_chain(extra: &str) -> RealmChain {
    let principal = if extra.contains("claims.principal") {
        ""
    } else {
        "  claims.principal: sub\n"
    };
    let yml = format!(
        "{P}.jwt8:\n  order: 8\n  allowed_issuer: iss8\n  allowed_audiences: [aud8]\n  allowed_signature_algorithms: [HS256]\n{principal}{extra}"
    );
    chain(
        &yml,
        &format!(
            "{P}.jwt8.hmac_key: {KEY}\n{P}.jwt8.client_authentication.shared_secret: client-shared-secret-string\n"
        ),
    )
}

fn request<'a>(token: &'a str, secret: Option<&'a str>) -> (String, Option<&'a str>) {
    (format!("Bearer {token}"), secret)
}

fn run(chain: &RealmChain, token: &str, secret: Option<&str>, now: i64) -> ChainResult {
    let (authorization, client) = request(token, secret);
    authenticate(
        chain,
        Request {
            authorization: Some(&authorization),
            client_authentication: client,
            now_millis: now,
            version: None,
            reloads: &[],
        },
    )
}

fn last(result: &ChainResult) -> (Step, Outcome, String) {
    let entry = result.trace.last().unwrap();
    (entry.step, entry.outcome, entry.message.to_string())
}

fn sign(claims: &Value, header: Header, key: &str) -> String {
    encode(&header, claims, &EncodingKey::from_secret(key.as_bytes())).unwrap()
}

fn claims() -> Value {
    json!({"iss": "iss8", "aud": "aud8", "sub": "security_test_user", "iat": NOW / 1000 - 10, "exp": NOW / 1000 + 600})
}

#[wasm_bindgen_test(unsupported = test)]
fn the_documented_hs256_token_authenticates() {
    let result = run(
        &doc_chain(""),
        DOC_TOKEN,
        Some("SharedSecret client-shared-secret-string"),
        NOW,
    );
    let (realm, user) = result.success.clone().unwrap();
    assert_eq!(realm, "jwt8");
    assert_eq!(user.username, "security_test_user");
    assert_eq!(
        Value::Object(user.metadata),
        json!({"jwt_token_type":"id_token","jwt_claim_iss":"iss8","jwt_claim_aud":["aud8"],"jwt_claim_sub":"security_test_user"})
    );
    let steps: Vec<Step> = result.trace.iter().map(|e| e.step).collect();
    // `Realms.maybeAddBasicRealms` puts default_file and default_native first; they read
    // Basic credentials and pass the Bearer token by.
    let heads: Vec<&str> = result.trace[..2].iter().map(|e| &*e.realm).collect();
    assert_eq!(heads, ["default_file", "default_native"]);
    assert!(
        result.trace[0].message.contains("added by Elasticsearch"),
        "{}",
        result.trace[0].message
    );
    assert_eq!(
        steps,
        [
            Step::Credentials,
            Step::Credentials,
            Step::TokenParse,
            Step::ClientAuthentication,
            Step::Cache,
            Step::Typ,
            Step::Iss,
            Step::Sub,
            Step::Aud,
            Step::Alg,
            Step::Iat,
            Step::Exp,
            Step::Nbf,
            Step::AuthTime,
            Step::RequiredClaims,
            Step::Signature,
            Step::Principal
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn client_authentication_runs_first() {
    let c = doc_chain("");
    let missing = run(&c, DOC_TOKEN, None, NOW);
    assert_eq!(
        last(&missing),
        (
            Step::ClientAuthentication,
            Outcome::Fail,
            "Rejected client. Authentication type is [SHARED_SECRET] and secret is missing.".into()
        )
    );
    let wrong = run(&c, DOC_TOKEN, Some("SharedSecret nope"), NOW);
    assert_eq!(
        last(&wrong).2,
        "Rejected client. Authentication type is [SHARED_SECRET] and secret did not match."
    );
    assert!(
        run(
            &c,
            DOC_TOKEN,
            Some("sharedsecret client-shared-secret-string"),
            NOW
        )
        .success
        .is_some()
    );
    assert_eq!(
        missing.failure_message("/_security/_authenticate"),
        "unable to authenticate user ['aud:aud8' 'iss:iss8' 'sub:security_test_user'] for REST request [/_security/_authenticate]"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn bearer_problems_fail_token_parse() {
    let c = doc_chain("");
    for authorization in [
        None,
        Some("bearer x.y.z"),
        Some("Bearer    "),
        Some("Bearer not-a-jwt"),
    ] {
        let result = authenticate(
            &c,
            Request {
                authorization,
                client_authentication: None,
                now_millis: NOW,
                version: None,
                reloads: &[],
            },
        );
        assert!(result.success.is_none());
        assert_eq!(last(&result).0, Step::TokenParse, "{authorization:?}");
        assert_eq!(last(&result).1, Outcome::Fail);
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn claim_checks_fail_in_order_with_es_messages() {
    let c = doc_chain("");
    let secret = Some("SharedSecret client-shared-secret-string");
    let now_s = NOW / 1000;
    let mut header = Header::default();
    let with = |patch: Value| {
        let mut c = claims();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let cases: Vec<(Value, Step, String)> = vec![
        (json!({"iss": "other"}), Step::Iss, "string claim [iss] has value [other] which does not match allowed claim values [iss8] || []".into()),
        (json!({"iss": null}), Step::Iss, "missing required string claim [iss]".into()),
        (json!({"sub": null}), Step::Sub, "missing required string claim [sub]".into()),
        (json!({"aud": ["x", "y"]}), Step::Aud, "string claim [aud] has value [x,y] which does not match allowed claim values [aud8] || []".into()),
        (json!({"iat": null}), Step::Iat, "missing required date claim [iat]".into()),
        (json!({"iat": now_s + 60}), Step::Iat, format!("date claim [iat] value [{}] must be before now [{NOW}]", (now_s + 60) * 1000)),
        (json!({"exp": now_s - 60}), Step::Exp, format!("date claim [exp] value [{}] must be after now [{NOW}]", (now_s - 60) * 1000)),
        (json!({"exp": null}), Step::Exp, "missing required date claim [exp]".into()),
        (json!({"nbf": now_s + 61}), Step::Nbf, format!("date claim [nbf] value [{}] must be before now [{NOW}]", (now_s + 61) * 1000)),
        (json!({"auth_time": "yesterday"}), Step::AuthTime, "cannot parse date claim [auth_time]".into()),
    ];
    for (patch, step, message) in cases {
        let token = sign(&with(patch.clone()), header.clone(), KEY);
        let result = run(&c, &token, secret, NOW);
        assert_eq!(last(&result), (step, Outcome::Fail, message), "{patch}");
    }
    // Edges: iat == now + skew fails, iat one second earlier passes; exp == now − skew fails.
    assert_eq!(
        last(&run(
            &c,
            &sign(&with(json!({"iat": now_s + 60})), header.clone(), KEY),
            secret,
            NOW
        ))
        .0,
        Step::Iat
    );
    assert!(
        run(
            &c,
            &sign(&with(json!({"iat": now_s + 59})), header.clone(), KEY),
            secret,
            NOW
        )
        .success
        .is_some()
    );
    assert_eq!(
        last(&run(
            &c,
            &sign(&with(json!({"exp": now_s - 60})), header.clone(), KEY),
            secret,
            NOW
        ))
        .0,
        Step::Exp
    );
    assert!(
        run(
            &c,
            &sign(&with(json!({"exp": now_s - 59})), header.clone(), KEY),
            secret,
            NOW
        )
        .success
        .is_some()
    );

    header.typ = Some("JOSE".into());
    assert_eq!(
        last(&run(&c, &sign(&claims(), header.clone(), KEY), secret, NOW)).2,
        "invalid jwt typ header"
    );
    header.typ = Some("jwt".into());
    assert!(
        run(&c, &sign(&claims(), header.clone(), KEY), secret, NOW)
            .success
            .is_some()
    );
    header.typ = Some("at+jwt".into());
    assert_eq!(
        last(&run(&c, &sign(&claims(), header, KEY), secret, NOW)).2,
        "invalid jwt typ header",
        "at+jwt is for access tokens only"
    );

    let hs512 = sign(&claims(), Header::new(jsonwebtoken::Algorithm::HS512), KEY);
    assert_eq!(
        last(&run(&c, &hs512, secret, NOW)).2,
        "invalid JWT algorithm [HS512], allowed algorithms are [HS256]"
    );

    let forged = sign(
        &claims(),
        Header::default(),
        "another-key-that-is-long-enough-for-hs256",
    );
    let (step, outcome, message) = last(&run(&c, &forged, secret, NOW));
    assert_eq!((step, outcome), (Step::Signature, Outcome::Fail));
    assert!(
        message.ends_with(".<redacted-signature>] signature verification failed."),
        "{message}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn access_tokens_use_fallbacks_and_skip_nbf() {
    let c = doc_chain(
        "  token_type: access_token\n  allowed_subjects: [svc]\n  fallback_claims.sub: client_id\n  fallback_claims.aud: scope\n  required_claims.token_use: access\n",
    );
    let secret = Some("SharedSecret client-shared-secret-string");
    let now_s = NOW / 1000;
    let base = json!({"iss": "iss8", "client_id": "svc", "scope": "aud8", "iat": now_s, "exp": now_s + 60, "nbf": now_s + 3600, "token_use": "access"});
    let result = run(&c, &sign(&base, Header::default(), KEY), secret, NOW);
    assert!(result.success.is_some(), "{:#?}", result.trace);
    assert!(
        result
            .trace
            .iter()
            .any(|e| e.step == Step::Nbf && e.outcome == Outcome::Skip)
    );
    assert_eq!(
        result.success.unwrap().1.metadata["jwt_token_type"],
        "access_token"
    );

    // sub present but not allowed: the fallback claim is not consulted.
    let mut with_sub = base.clone();
    with_sub["sub"] = json!("someone");
    let (_, _, message) = last(&run(
        &c,
        &sign(&with_sub, Header::default(), KEY),
        secret,
        NOW,
    ));
    assert_eq!(
        message,
        "string claim [sub] has value [someone] which does not match allowed claim values [svc] || []"
    );

    let mut no_client = base.clone();
    no_client.as_object_mut().unwrap().remove("client_id");
    assert_eq!(
        last(&run(
            &c,
            &sign(&no_client, Header::default(), KEY),
            secret,
            NOW
        ))
        .2,
        "missing required string claim [client_id (fallback of sub)]"
    );

    // "a b" scope is one audience, not split.
    let mut spaced = base.clone();
    spaced["scope"] = json!("aud8 other");
    assert_eq!(
        last(&run(
            &c,
            &sign(&spaced, Header::default(), KEY),
            secret,
            NOW
        ))
        .0,
        Step::Aud
    );

    // Required claim with a number never matches a string value.
    let mut numeric = base.clone();
    numeric["token_use"] = json!(2.0);
    assert_eq!(
        last(&run(
            &c,
            &sign(&numeric, Header::default(), KEY),
            secret,
            NOW
        ))
        .2,
        "cannot parse string claim [token_use] as string array"
    );

    let at_jwt = Header {
        typ: Some("AT+JWT".into()),
        ..Header::default()
    };
    assert!(
        run(&c, &sign(&base, at_jwt.clone(), KEY), secret, NOW)
            .success
            .is_some()
    );
    let at_token = sign(&base, at_jwt, KEY);
    let (authorization, client) = request(&at_token, secret);
    let old = authenticate(
        &c,
        Request {
            authorization: Some(&authorization),
            client_authentication: client,
            now_millis: NOW,
            version: Some(StackVersion::new(9, 0)),
            reloads: &[],
        },
    );
    assert_eq!(last(&old).2, "invalid jwt typ header", "at+jwt needs 9.1");
}

#[wasm_bindgen_test(unsupported = test)]
fn claim_patterns_keep_group_one() {
    let c = doc_chain(
        "  claims.principal: email\n  claim_patterns.principal: \"^([^@]+)@something\\\\.example\\\\.com$\"\n  claims.groups: roles\n  claims.name: name\n",
    );
    let secret = Some("SharedSecret client-shared-secret-string");
    let mut claims = claims();
    claims["email"] = json!("user2@something.example.com");
    claims["roles"] = json!("a,b");
    claims["name"] = json!(["First", "Second"]);
    let (_, user) = run(&c, &sign(&claims, Header::default(), KEY), secret, NOW)
        .success
        .unwrap();
    assert_eq!(user.username, "user2");
    assert_eq!(user.groups, ["a,b"], "groups are never split on commas");
    assert_eq!(user.full_name.as_deref(), Some("First"));

    claims["email"] = json!("user2@evil.example.com");
    let result = run(&c, &sign(&claims, Header::default(), KEY), secret, NOW);
    let (step, outcome, message) = last(&result);
    assert_eq!((step, outcome), (Step::Principal, Outcome::Fail));
    assert!(
        message.starts_with("Realm [jwt8] no principal for token=["),
        "{message}"
    );

    claims["email"] = json!(42);
    let (_, _, message) = last(&run(
        &c,
        &sign(&claims, Header::default(), KEY),
        secret,
        NOW,
    ));
    assert_eq!(
        message,
        format!(
            "Setting [ {P}.jwt8.claims.principal] expects claim [email] with String or a String Array value"
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn the_chain_tries_realms_in_order() {
    let yml = format!(
        "{P}:\n  first:\n    order: 1\n    allowed_issuer: other\n    allowed_audiences: [aud8]\n    allowed_signature_algorithms: [HS256]\n    claims.principal: sub\n    client_authentication.type: none\n  jwt2:\n    order: 2\n    allowed_issuer: my-issuer\n    allowed_audiences: [es02]\n    allowed_signature_algorithms: [HS256]\n    claims.principal: sub\n    populate_user_metadata: false\n"
    );
    let secure = format!(
        "{P}.first.hmac_key: {KEY}\n{P}.jwt2.hmac_key: \"test-HMAC/secret passphrase-value\"\n{P}.jwt2.client_authentication.shared_secret: test-secret\n"
    );
    let c = chain(&yml, &secure);
    let result = run(&c, RUN_AS_TOKEN, Some("sharedsecret test-secret"), NOW);
    let (realm, user) = result.success.clone().unwrap();
    assert_eq!((realm.as_str(), user.username.as_str()), ("jwt2", "user2"));
    assert_eq!(
        Value::Object(user.metadata),
        json!({"jwt_token_type": "id_token"})
    );
    let first_fail = result
        .trace
        .iter()
        .find(|e| &*e.realm == "first" && e.outcome == Outcome::Fail)
        .unwrap();
    assert_eq!(first_fail.step, Step::Iss);
    assert!(result.trace.iter().any(|e| &*e.realm == "first"
        && e.step == Step::ClientAuthentication
        && e.outcome == Outcome::Pass));
}

#[wasm_bindgen_test(unsupported = test)]
fn signature_key_selection_follows_es() {
    let jwks = r#"{"keys":[{"kty":"oct","kid":"k1","k":"aG1hYy1vaWRjLWtleS1zdHJpbmctZm9yLWhzMjU2LWFsZ29yaXRobQ"},{"kty":"oct","kid":"k2","use":"enc","k":"aG1hYy1vaWRjLWtleS1zdHJpbmctZm9yLWhzMjU2LWFsZ29yaXRobQ"}]}"#;
    let yml = format!(
        "{P}.j:\n  order: 1\n  allowed_issuer: iss8\n  allowed_audiences: [aud8]\n  allowed_signature_algorithms: [HS256, RS256]\n  claims.principal: sub\n  client_authentication.type: none\n"
    );
    let c = chain(&yml, &format!("{P}.j.hmac_jwkset: '{jwks}'\n"));
    let mut header = Header {
        kid: Some("k1".into()),
        ..Header::default()
    };
    assert!(
        run(&c, &sign(&claims(), header.clone(), KEY), None, NOW)
            .success
            .is_some()
    );
    header.kid = Some("k2".into());
    assert_eq!(
        last(&run(&c, &sign(&claims(), header, KEY), None, NOW)).2,
        "Signature verification was not attempted since there are not any JWKs available after filtering for incompatible keys."
    );
    let rs = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InUiLCJpYXQiOjE2OTk5OTk5OTAsImV4cCI6MTcwMDAwMDYwMH0.c2ln";
    assert_eq!(
        last(&run(&c, rs, None, NOW)).2,
        format!(
            "algorithm [RS256] is a PKC signing algorithm, but PKC JWK setting [{P}.j.pkc_jwkset_path] is not configured"
        )
    );
}

/// Two P-256 key pairs made with `openssl ecparam -name prime256v1 -genkey | openssl pkcs8`.
const EC_A: (&str, &str) = (
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsbxyZQGs59Jygr3+\n0VbcHsMKlwgMd5Fs03qJ9u9ZsQ+hRANCAAS+kGhUCkkeVEjYCQmtbhfDuOz1FX2Q\nlp4hA+ZTWZNv9p2lsz3v/+21NKjpDwdlMtM2bSnskMuufh8c9r92Flq+\n-----END PRIVATE KEY-----\n",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvpBoVApJHlRI2AkJrW4Xw7js9RV9\nkJaeIQPmU1mTb/adpbM97//ttTSo6Q8HZTLTNm0p7JDLrn4fHPa/dhZavg==\n-----END PUBLIC KEY-----\n",
);
const EC_B: (&str, &str) = (
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQLUUyYMHkjQneR/w\n4MOHrT5pGzPTYUfpHRKJDIYWKrehRANCAAQKnRaeMPnYF7ynmMF9vpf7bjXhqTNW\n1ZcCHPl7x8rKzr/iESKlsvePLdXBJo4NmFf744n/As+MlWfMFHpm4vY+\n-----END PRIVATE KEY-----\n",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECp0WnjD52Be8p5jBfb6X+2414akz\nVtWXAhz5e8fKys6/4hEipbL3jy3VwSaODZhX++OJ/wLPjJVnzBR6ZuL2Pg==\n-----END PUBLIC KEY-----\n",
);
const JWKS_URL: &str = "https://idp.example/jwks.json";

fn jwks(public_pem: &str) -> String {
    let jwk = crate::jwt::pem::pem_to_jwk(public_pem, None).unwrap();
    crate::jwt::pem::add_to_set("", jwk).unwrap()
}

/// A realm trusting `source` (an https URL or a file) whose content, as the console holds it,
/// is `held`.
fn pkc_chain(source: &str, held: Option<String>) -> RealmChain {
    let yml = format!(
        "{P}.idp:\n  order: 1\n  allowed_issuer: iss8\n  allowed_audiences: [aud8]\n  allowed_signature_algorithms: [ES256, HS256]\n  claims.principal: sub\n  client_authentication.type: none\n  pkc_jwkset_path: {source}\n"
    );
    let secure = format!("{P}.idp.hmac_key: {KEY}\n");
    load(
        &Settings::from_yaml(&yml).unwrap(),
        &Settings::from_yaml(&secure).unwrap(),
        &|path: &str| (path == source).then(|| held.clone()).flatten(),
        Target::default(),
    )
    .chain
}

fn es256(private_pem: &str) -> String {
    encode(
        &Header::new(jsonwebtoken::Algorithm::ES256),
        &claims(),
        &EncodingKey::from_ec_der(&pem_body(private_pem)),
    )
    .unwrap()
}

/// The DER inside a PEM block (the `use_pem` feature is not built here).
fn pem_body(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn run_reloading(chain: &RealmChain, token: &str, reloads: &[JwksReload]) -> ChainResult {
    let authorization = format!("Bearer {token}");
    authenticate(
        chain,
        Request {
            authorization: Some(&authorization),
            client_authentication: None,
            now_millis: NOW,
            version: None,
            reloads,
        },
    )
}

fn steps(result: &ChainResult) -> Vec<(Step, Outcome)> {
    result
        .trace
        .iter()
        .skip_while(|e| e.step != Step::Signature)
        .map(|e| (e.step, e.outcome))
        .collect()
}

fn reload(fetched: Result<String, String>) -> Vec<JwksReload> {
    vec![JwksReload {
        realm: "idp".to_owned(),
        fetched,
    }]
}

#[wasm_bindgen_test(unsupported = test)]
fn a_failed_pkc_signature_reloads_the_url_set_once_and_retries_when_it_changed() {
    let chain = pkc_chain(JWKS_URL, Some(jwks(EC_A.1)));
    // Signed with the key the console already holds: no reload.
    let ok = run_reloading(&chain, &es256(EC_A.0), &[]);
    assert!(ok.success.is_some(), "{:#?}", ok.trace);
    assert!(!ok.trace.iter().any(|e| e.step == Step::JwksReload));

    let rotated = es256(EC_B.0);
    // Without a fetch the trace says what Elasticsearch would do next.
    let offline = run_reloading(&chain, &rotated, &[]);
    assert_eq!(
        steps(&offline),
        [
            (Step::Signature, Outcome::Fail),
            (Step::JwksReload, Outcome::Skip)
        ]
    );
    assert!(offline.success.is_none());
    assert!(last(&offline).2.contains(JWKS_URL));

    // The identity provider still serves the old set: the original failure stands.
    let same = run_reloading(&chain, &rotated, &reload(Ok(jwks(EC_A.1))));
    assert_eq!(
        steps(&same),
        [
            (Step::Signature, Outcome::Fail),
            (Step::JwksReload, Outcome::Fail)
        ]
    );
    assert_eq!(
        last(&same).2,
        format!(
            "reloaded [{JWKS_URL}]: the key set is unchanged (same SHA-256), so the signature failure stands"
        )
    );

    // It rotated to key B: the retry verifies and the realm goes on to the principal.
    let changed = run_reloading(&chain, &rotated, &reload(Ok(jwks(EC_B.1))));
    assert_eq!(
        steps(&changed),
        [
            (Step::Signature, Outcome::Fail),
            (Step::JwksReload, Outcome::Pass),
            (Step::Signature, Outcome::Pass),
            (Step::Principal, Outcome::Pass),
        ]
    );
    assert_eq!(changed.success.unwrap().1.username, "security_test_user");

    // A failed fetch keeps the first failure, with the fetch's reason.
    let down = run_reloading(
        &chain,
        &rotated,
        &reload(Err("connection refused".to_owned())),
    );
    assert_eq!(last(&down).1, Outcome::Fail);
    assert!(
        last(&down)
            .2
            .ends_with("so the signature failure stands: connection refused")
    );

    // A changed answer that is no JWK set is no retry either.
    let junk = run_reloading(&chain, &rotated, &reload(Ok("<html>".to_owned())));
    assert_eq!(last(&junk).1, Outcome::Fail);
    assert!(last(&junk).2.contains("the answer is no JWK set"));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_retry_with_a_changed_set_that_still_lacks_the_key_fails_with_es_message() {
    let chain = pkc_chain(JWKS_URL, Some(jwks(EC_A.1)));
    let both = crate::jwt::pem::add_to_set(
        &jwks(EC_A.1),
        serde_json::json!({"kty": "oct", "k": "c2VjcmV0"}),
    )
    .unwrap();
    let result = run_reloading(&chain, &es256(EC_B.0), &reload(Ok(both)));
    assert_eq!(
        steps(&result),
        [
            (Step::Signature, Outcome::Fail),
            (Step::JwksReload, Outcome::Pass),
            (Step::Signature, Outcome::Fail),
        ]
    );
    assert!(last(&result).2.ends_with("signature verification failed."));
}

#[wasm_bindgen_test(unsupported = test)]
fn a_url_set_the_console_never_fetched_is_fetched_on_the_failure() {
    let chain = pkc_chain(JWKS_URL, None);
    let result = run_reloading(&chain, &es256(EC_B.0), &reload(Ok(jwks(EC_B.1))));
    assert!(result.success.is_some(), "{:#?}", result.trace);
    let reload_line = result
        .trace
        .iter()
        .find(|e| e.step == Step::JwksReload)
        .unwrap();
    assert!(
        reload_line
            .message
            .contains("this console had no copy of it")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn file_sets_are_re_read_unchanged_and_hmac_keys_are_never_reloaded() {
    let chain = pkc_chain("jwks.json", Some(jwks(EC_A.1)));
    let file = run_reloading(&chain, &es256(EC_B.0), &reload(Ok(jwks(EC_B.1))));
    assert_eq!(
        steps(&file),
        [
            (Step::Signature, Outcome::Fail),
            (Step::JwksReload, Outcome::Fail)
        ]
    );
    assert!(last(&file).2.contains("reads [jwks.json] once more"));

    let url_chain = pkc_chain(JWKS_URL, Some(jwks(EC_A.1)));
    let hmac = sign(
        &claims(),
        Header::default(),
        "a-different-key-that-is-long-enough-32b",
    );
    let result = run_reloading(&url_chain, &hmac, &reload(Ok(jwks(EC_B.1))));
    assert_eq!(steps(&result), [(Step::Signature, Outcome::Fail)]);
}

/// `Realms.maybeAddBasicRealms`: `default_file` and `default_native` unless a realm of their
/// type is configured, enabled or disabled; `ensureRealmNameIsAvailable` refuses a configured
/// realm that takes their name (or `reserved`).
#[wasm_bindgen_test(unsupported = test)]
fn the_chain_holds_the_realms_elasticsearch_adds() {
    use crate::jwt::realm::{ChainLink, implicit_realms};
    let names = |kinds: &[&str]| -> Vec<&'static str> {
        implicit_realms(kinds.iter().copied())
            .iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(names(&["jwt"]), ["default_file", "default_native"]);
    assert_eq!(names(&["jwt", "native"]), ["default_file"]);
    assert_eq!(names(&["file", "native"]), Vec::<&str>::new());
    const R: &str = "xpack.security.authc.realms";
    let disabled = load(
        &Settings::from_yaml(&format!(
            "{R}.native.n1:\n  order: 1\n  enabled: false\n{R}.file.f1.order: 0\n"
        ))
        .unwrap(),
        &Settings::default(),
        &|_| None,
        Target::default(),
    )
    .chain;
    let links: Vec<String> = disabled
        .links()
        .iter()
        .map(|l| match l {
            ChainLink::Jwt(r) => r.name.clone(),
            ChainLink::Other { name, .. } => (*name).to_owned(),
        })
        .collect();
    assert_eq!(
        links,
        ["f1"],
        "a disabled native realm also keeps default_native out"
    );
    let clash = load(
        &Settings::from_yaml(&format!(
            "{R}.ldap.default_native.order: 1\n{R}.file.reserved.order: 2\n"
        ))
        .unwrap(),
        &Settings::default(),
        &|_| None,
        Target::default(),
    );
    let messages: Vec<&str> = clash
        .report
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(messages.contains(&"Found realm configured with name clashing with the [default_native] realm: [xpack.security.authc.realms.ldap.default_native]"), "{messages:?}");
    assert!(messages.contains(&"Found realm configured with name clashing with the [reserved] realm: [xpack.security.authc.realms.file.reserved]"), "{messages:?}");
}

/// The `cache` step (`JwtRealm.authenticate` reads the cache right after client
/// authentication): a success is served until `exp + allowed_clock_skew`, at most for
/// `jwt.cache.ttl`; a ttl or size that is not positive turns the cache off.
#[wasm_bindgen_test(unsupported = test)]
fn the_jwt_cache_step_follows_client_authentication() {
    let secret = Some("SharedSecret client-shared-secret-string");
    let cache = |chain: &RealmChain, now: i64| {
        let result = run(chain, DOC_TOKEN, secret, now);
        let steps: Vec<Step> = result.trace.iter().map(|e| e.step).collect();
        let at = steps
            .iter()
            .position(|s| *s == Step::Cache)
            .expect("a cache step");
        assert_eq!(steps[at - 1], Step::ClientAuthentication);
        let entry = result.trace[at].clone();
        assert_eq!(entry.outcome, Outcome::Skip);
        entry.message
    };
    // Default ttl 20m; the docs token expires in 2099: the ttl bounds the entry.
    let message = cache(&doc_chain(""), NOW);
    assert!(
        message.contains("for jwt.cache.ttl [20m] (2023-11-14 22:33:20 UTC)"),
        "{message}"
    );
    assert!(message.contains("jwt.cache.size [100000]"), "{message}");
    // Five minutes before exp with a 1m skew: exp + skew comes first.
    let exp_millis = 4_070_908_800_000;
    let message = cache(
        &doc_chain("  allowed_clock_skew: 1m\n"),
        exp_millis - 300_000,
    );
    assert!(
        message.contains("until exp + allowed_clock_skew [1m] (2099-01-01 00:01:00 UTC)"),
        "{message}"
    );
    for off in ["  jwt.cache.ttl: 0s\n", "  jwt.cache.size: 0\n"] {
        let message = cache(&doc_chain(off), NOW);
        assert!(
            message.starts_with("the JWT cache is off"),
            "{off}: {message}"
        );
    }
    // A rejected client never reaches the cache.
    let refused = run(&doc_chain(""), DOC_TOKEN, None, NOW);
    assert!(refused.trace.iter().all(|e| e.step != Step::Cache));
}

#[wasm_bindgen_test(unsupported = test)]
fn the_fixed_texts_of_the_realms_elasticsearch_adds_match_the_general_form() {
    for kind in ["file", "native"] {
        assert_eq!(passes_by(kind, true), passes_by_text(kind, true));
        assert_eq!(passes_by(kind, false), passes_by_text(kind, false));
    }
    assert!(passes_by("pki", true).contains("the TLS client certificate"));
}

/// Every line of a passing trace, word for word: these lines are written without `format!`
/// (they are in every token's trace), so their exact text is pinned here.
#[wasm_bindgen_test(unsupported = test)]
fn a_passing_trace_reads_exactly() {
    let claims = json!({"iss": "iss8", "aud": "aud8", "sub": "security_test_user", "iat": -5, "exp": 4_070_908_800_i64, "nbf": 946_684_800});
    let token = sign(&claims, Header::new(jsonwebtoken::Algorithm::HS256), KEY);
    let chain = doc_chain("  allowed_clock_skew: 1m\n  jwt.cache.ttl: 5m\n  jwt.cache.size: 7\n");
    let result = run(
        &chain,
        &token,
        Some("SharedSecret client-shared-secret-string"),
        NOW,
    );
    let realms: Vec<&str> = result.trace.iter().map(|e| &*e.realm).collect();
    let mut expected_realms = vec!["default_file", "default_native"];
    expected_realms.resize(17, "jwt8");
    assert_eq!(realms, expected_realms);
    let steps: Vec<(Step, Outcome)> = result.trace.iter().map(|e| (e.step, e.outcome)).collect();
    use Outcome::{Pass, Skip};
    assert_eq!(
        steps,
        [
            (Step::Credentials, Skip),
            (Step::Credentials, Skip),
            (Step::TokenParse, Pass),
            (Step::ClientAuthentication, Pass),
            (Step::Cache, Skip),
            (Step::Typ, Pass),
            (Step::Iss, Pass),
            (Step::Sub, Pass),
            (Step::Aud, Pass),
            (Step::Alg, Pass),
            (Step::Iat, Pass),
            (Step::Exp, Pass),
            (Step::Nbf, Pass),
            (Step::AuthTime, Pass),
            (Step::RequiredClaims, Skip),
            (Step::Signature, Pass),
            (Step::Principal, Pass),
        ]
    );
    let messages: Vec<&str> = result.trace.iter().map(|e| &*e.message).collect();
    assert_eq!(
        messages,
        [
            "a file realm, added by Elasticsearch because no realm of that type is configured: it reads Basic credentials (username and password), so the Bearer JWT passes it by",
            "a native realm, added by Elasticsearch because no realm of that type is configured: it reads Basic credentials (username and password), so the Bearer JWT passes it by",
            "signed JWT with alg [HS256]",
            "shared secret matches",
            "not cached (a first presentation): after a success Elasticsearch serves this exact token from its JWT cache for jwt.cache.ttl [5m] (2023-11-14 22:18:20 UTC), before exp + allowed_clock_skew, without checking claims or signature again (client authentication still runs); role-mapping changes and a JWK set reload with new keys clear the cache (jwt.cache.size [7])",
            "typ [JWT] is allowed",
            "[iss] value [iss8] is allowed",
            "[sub] value [security_test_user] is allowed",
            "[aud] value [aud8] is allowed",
            "alg [HS256] is allowed",
            "[iat] -5 is before now + 60s",
            "[exp] 4070908800 is after now - 60s",
            "[nbf] 946684800 is before now + 60s",
            "no [auth_time] claim",
            "no required_claims configured",
            "verified with no kid oct 320 bits (candidate 1 of 1)",
            "principal [security_test_user]",
        ]
    );
    let user = &result.success.as_ref().expect("accepted").1;
    assert_eq!(
        Value::Object(user.metadata.clone()),
        json!({"jwt_token_type": "id_token", "jwt_claim_iss": "iss8", "jwt_claim_aud": ["aud8"], "jwt_claim_sub": "security_test_user"})
    );
}
