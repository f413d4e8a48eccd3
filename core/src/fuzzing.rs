//! Entry points for the cargo-fuzz targets in `fuzz/` and for the test that replays their
//! committed corpus. Each takes arbitrary bytes and must never panic; what they return is
//! only there so the work cannot be optimised away.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::config::Settings;
use crate::diagnostic::Target;
use crate::dn;
use crate::jwt::authenticate::{Request, authenticate};
use crate::jwt::realm::{RealmChain, load};
use crate::jwt::token::{ParsedJwt, client_credential};
use crate::patterns::java::JavaRegex;
use crate::patterns::{AutomatonPattern, lucene};
use crate::role_mapping::{RoleMapping, UserModel, map_roles};

/// A realm chain with an HMAC and a shared-secret realm, for [`token`].
fn chain() -> &'static RealmChain {
    static CHAIN: OnceLock<RealmChain> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let p = "xpack.security.authc.realms.jwt";
        let yml = format!(
            "{p}.a:\n  order: 1\n  allowed_issuer: iss\n  allowed_audiences: [aud]\n  allowed_signature_algorithms: [HS256, HS512, RS256]\n  claims.principal: sub\n  claims.groups: groups\n  claim_patterns.principal: '^([^@]+)@example\\.com$'\n  client_authentication.type: none\n{p}.b:\n  order: 2\n  token_type: access_token\n  allowed_issuer: iss\n  allowed_audiences: [aud]\n  allowed_subject_patterns: ['svc_*']\n  fallback_claims.sub: client_id\n  allowed_signature_algorithms: [HS256]\n  claims.principal: sub\n  required_claims.token_use: access\n"
        );
        let secure = format!(
            "{p}.a.hmac_key: hmac-oidc-key-string-for-hs256-algorithm-and-more-bytes-for-hs512-0123456789\n{p}.b.hmac_key: hmac-oidc-key-string-for-hs256-algorithm\n{p}.b.client_authentication.shared_secret: s\n"
        );
        let settings = Settings::from_yaml(&yml).unwrap_or_default();
        let secure = Settings::from_yaml(&secure).unwrap_or_default();
        load(&settings, &secure, &|_| None, Target::default()).chain
    })
}

/// The token path: header extraction, parsing, and the whole chain.
pub fn token(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let (authorization, client) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = client_credential(Some(client));
    let parsed = ParsedJwt::parse(authorization.trim_start_matches("Bearer "))
        .map(|jwt| jwt.token_principal().len())
        .unwrap_or_default();
    let result = authenticate(
        chain(),
        Request {
            authorization: Some(authorization),
            client_authentication: Some(client),
            now_millis: 1_700_000_000_000,
            version: None,
            reloads: &[],
        },
    );
    parsed + result.trace.len()
}

/// The rules DSL and role-mapping bodies: parse, evaluate, explain, render templates.
pub fn rules(data: &[u8]) -> usize {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return 0;
    };
    let metadata = json!({"jwt_claim_aud": ["a", "b"], "n": 1, "f": 1.5, "t": true});
    let model = UserModel::new(
        "alice",
        Some("CN=Alice,OU=People,DC=Example,DC=com"),
        &["admins".to_owned(), "cn=ops,dc=example,dc=com".to_owned()],
        metadata.as_object().unwrap_or(&serde_json::Map::new()),
        "jwt1",
    );
    let mut work = 0;
    if let Ok(mapping) = RoleMapping::parse("fuzz", &value) {
        work += mapping.warnings().len();
        if let Ok(mapped) = map_roles(std::slice::from_ref(&mapping), &model) {
            work += mapped.grants.len();
        }
    }
    if let Ok(rule) = crate::role_mapping::Rule::parse("fuzz", &value) {
        work += usize::from(rule.matches(&model)) + rule.explain(&model).len();
    }
    work
}

/// The settings reader and the whole startup lint.
pub fn settings(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let (yml, secure) = text.split_once("\n---\n").unwrap_or((&text, ""));
    let Ok(settings) = Settings::from_yaml(yml) else {
        return 0;
    };
    let secure = Settings::from_yaml(secure).unwrap_or_default();
    let loaded = load(
        &settings,
        &secure,
        &|_| Some("{\"keys\": []}".to_owned()),
        Target::default(),
    );
    loaded.report.diagnostics.len() + loaded.chain.realms.len()
}

/// The pattern dialects and DN parsing: compile, then match the input against itself.
pub fn patterns(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    let (pattern, subject) = text.split_once('\n').unwrap_or((&text, &text));
    let mut work = 0;
    if let Ok(p) = AutomatonPattern::parse(pattern) {
        work += usize::from(p.matches(subject));
    }
    if let Ok(p) = JavaRegex::parse(pattern) {
        work += usize::from(p.find(subject)) + usize::from(p.matches_whole(subject));
        work += p.find_group1(subject).flatten().map_or(0, str::len);
    }
    work += lucene::translate(pattern, pattern).map_or(0, |s| s.len());
    work + dn::normalize(pattern).map_or(0, |n| n.len())
}
