//! Engine benchmarks: `cargo bench -p trust-core --bench engine`.
//!
//! Each figure is compared with a baseline measured in the same run: full HS256 and RS256
//! realm validation against a raw `jsonwebtoken::decode` of the same token (targets: HS256 at
//! most 1.3× the raw decode), role mapping of one user over 10,000 mappings (target: under
//! 1 ms), the startup lint of 1,000 realms, and the export (lint gate plus every artifact) of
//! 1,000 realms and 10,000 role mappings (target: under 100 ms) against one realm and one
//! mapping, and a 1 MiB JSON body read with Elasticsearch's strict duplicate-key rule against
//! a plain parse (target: at most 2×). A table of the results is printed at the end.
#![cfg_attr(target_arch = "wasm32", allow(unused))]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// The server's allocator (server/src/main.rs): the figures are those of the deployed path, for
/// the measured code and its baseline alike.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::path::{Path, PathBuf};

    use criterion::Criterion;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
    use serde_json::{Value, json};
    use trust_core::config::Settings;
    use trust_core::jwt::authenticate::{Request, authenticate};
    use trust_core::jwt::lint::Target;
    use trust_core::jwt::realm::{RealmChain, load};
    use trust_core::role_mapping::{RoleMapping, UserModel, map_roles};

    const NOW_SECS: i64 = 1_700_000_000;
    const HMAC_KEY: &str = "hmac-oidc-key-string-for-hs256-algorithm";

    fn corpus() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/jwt-corpus")
    }

    fn chain(yml: &str, secure: &str, dir: Option<&Path>) -> RealmChain {
        let read = |p: &str| dir.and_then(|d| std::fs::read_to_string(d.join(p)).ok());
        let loaded = load(
            &Settings::from_yaml(yml).unwrap(),
            &Settings::from_yaml(secure).unwrap(),
            &read,
            Target::default(),
        );
        assert!(loaded.report.valid, "{:#?}", loaded.report);
        loaded.chain
    }

    fn validate(chain: &RealmChain, authorization: &str, client: Option<&str>) -> bool {
        authenticate(
            chain,
            Request {
                authorization: Some(authorization),
                client_authentication: client,
                now_millis: NOW_SECS * 1000,
                version: None,
                reloads: &[],
            },
        )
        .success
        .is_some()
    }

    fn raw_validation(alg: Algorithm, iss: &str, aud: &str) -> Validation {
        let mut v = Validation::new(alg);
        v.set_issuer(&[iss]);
        v.set_audience(&[aud]);
        // The corpus tokens are dated around NOW_SECS; the raw baseline checks only the
        // signature, iss and aud, which is less than the realm does.
        v.validate_exp = false;
        v.required_spec_claims.clear();
        v
    }

    fn hs256(c: &mut Criterion) {
        let yml = "xpack.security.authc.realms.jwt.hs:\n  order: 1\n  allowed_issuer: bench\n  allowed_audiences: [es]\n  allowed_signature_algorithms: [HS256]\n  claims.principal: sub\n  client_authentication.type: none\n";
        let secure = format!("xpack.security.authc.realms.jwt.hs.hmac_key: {HMAC_KEY}\n");
        let chain = chain(yml, &secure, None);
        let claims = json!({"iss": "bench", "aud": "es", "sub": "alice", "iat": NOW_SECS - 10, "exp": NOW_SECS + 3600, "groups": ["a", "b"]});
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(HMAC_KEY.as_bytes()),
        )
        .unwrap();
        let authorization = format!("Bearer {token}");
        assert!(validate(&chain, &authorization, None));
        let key = DecodingKey::from_secret(HMAC_KEY.as_bytes());
        let validation = raw_validation(Algorithm::HS256, "bench", "es");
        decode::<Value>(&token, &key, &validation).unwrap();
        c.bench_function("hs256_realm", |b| {
            b.iter(|| validate(&chain, black_box(&authorization), None));
        });
        c.bench_function("hs256_raw_decode", |b| {
            b.iter(|| decode::<Value>(black_box(&token), &key, &validation).is_ok());
        });
    }

    fn rs256(c: &mut Criterion) {
        let dir = corpus();
        let yml = std::fs::read_to_string(dir.join("elasticsearch.yml")).unwrap();
        let secure = std::fs::read_to_string(dir.join("secure.yml")).unwrap();
        let chain = chain(&yml, &secure, Some(&dir));
        let cases: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap())
                .unwrap();
        let case = cases["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "RS256 valid")
            .unwrap();
        let authorization = case["authorization"].as_str().unwrap().to_owned();
        let client = case["client_authentication"].as_str().map(str::to_owned);
        assert!(validate(&chain, &authorization, client.as_deref()));
        let token = authorization.trim_start_matches("Bearer ").to_owned();
        let jwks: jsonwebtoken::jwk::JwkSet =
            serde_json::from_str(&std::fs::read_to_string(dir.join("pkc.jwks.json")).unwrap())
                .unwrap();
        let jwk = jwks.find("rsa").unwrap();
        let key = DecodingKey::from_jwk(jwk).unwrap();
        let validation = raw_validation(Algorithm::RS256, "corpus-pkc", "es");
        decode::<Value>(&token, &key, &validation).unwrap();
        c.bench_function("rs256_realm", |b| {
            b.iter(|| validate(&chain, black_box(&authorization), client.as_deref()));
        });
        c.bench_function("rs256_raw_decode", |b| {
            b.iter(|| decode::<Value>(black_box(&token), &key, &validation).is_ok());
        });
    }

    /// 10,000 mappings of the shapes people write; about 1% match the user.
    fn mappings() -> Vec<RoleMapping> {
        (0..10_000)
            .map(|i| {
                let rules = match i % 4 {
                    0 => json!({"field": {"groups": format!("group-{i}")}}),
                    1 => json!({"all": [
                        {"field": {"realm.name": "jwt1"}},
                        {"field": {"groups": format!("cn=team-{i},ou=groups,dc=example,dc=com")}}
                    ]}),
                    2 => json!({"any": [
                        {"field": {"username": format!("user-{i}")}},
                        {"field": {"metadata.jwt_claim_department": format!("dept-{i}")}}
                    ]}),
                    _ => json!({"all": [
                        {"field": {"groups": format!("*-{}", i % 100)}},
                        {"except": {"field": {"username": "nobody"}}}
                    ]}),
                };
                let body = json!({"enabled": true, "roles": [format!("role-{i}")], "rules": rules});
                RoleMapping::parse(&format!("mapping-{i}"), &body).unwrap()
            })
            .collect()
    }

    fn role_mapping(c: &mut Criterion) {
        let mappings = mappings();
        let groups: Vec<String> = [
            "group-4",
            "CN=Team-1,OU=Groups,DC=Example,DC=com",
            "ops-7",
            "dev",
            "all-staff",
        ]
        .iter()
        .map(|g| (*g).to_owned())
        .collect();
        let metadata = json!({"jwt_claim_department": "dept-6", "jwt_token_type": "id_token"});
        let model = UserModel::new(
            "user-2",
            None,
            &groups,
            metadata.as_object().unwrap(),
            "jwt1",
        );
        let mapped = map_roles(&mappings, &model).unwrap();
        assert!(mapped.roles.len() > 10, "{}", mapped.roles.len());
        c.bench_function("role_mapping_10k", |b| {
            b.iter(|| map_roles(black_box(&mappings), &model).unwrap().roles.len());
        });
        let first = &mappings[..1];
        c.bench_function("role_mapping_1", |b| {
            b.iter(|| map_roles(black_box(first), &model).unwrap().roles.len());
        });
    }

    fn lint(c: &mut Criterion) {
        let mut yml = String::new();
        let mut secure = String::new();
        for i in 0..1000 {
            yml.push_str(&format!(
                "xpack.security.authc.realms.jwt.r{i}:\n  order: {i}\n  allowed_issuer: iss-{i}\n  allowed_audiences: [es]\n  allowed_signature_algorithms: [HS256]\n  claims.principal: sub\n  claims.groups: groups\n  claim_patterns.principal: '^([^@]+)@example\\.com$'\n  client_authentication.type: none\n"
            ));
            secure.push_str(&format!(
                "xpack.security.authc.realms.jwt.r{i}.hmac_key: {HMAC_KEY}-{i}\n"
            ));
        }
        let one = yml
            .split("xpack.")
            .nth(1)
            .map(|r| format!("xpack.{r}"))
            .unwrap();
        let one_secure = secure.lines().next().map(|l| format!("{l}\n")).unwrap();
        let run = |text: &str, secure: &str| {
            let settings = Settings::from_yaml(text).unwrap();
            let secure = Settings::from_yaml(secure).unwrap();
            let loaded = load(&settings, &secure, &|_| None, Target::default());
            assert!(loaded.report.valid);
            loaded.chain.realms.len()
        };
        assert_eq!(run(&yml, &secure), 1000);
        assert_eq!(run(&one, &one_secure), 1);
        c.bench_function("lint_1000_realms", |b| {
            b.iter(|| run(black_box(&yml), &secure));
        });
        c.bench_function("lint_1_realm", |b| {
            b.iter(|| run(black_box(&one), &one_secure))
        });
    }

    fn export_bundle(realms: usize, mappings: usize) -> trust_core::export::Bundle {
        use trust_core::resource::realm_config::RealmConfig;
        let mut bundle = trust_core::export::Bundle {
            name: "bench".to_owned(),
            ..Default::default()
        };
        for i in 0..realms {
            let settings = json!({
                "order": i, "allowed_issuer": format!("iss-{i}"), "allowed_audiences": ["es"],
                "allowed_signature_algorithms": ["HS256"], "claims.principal": "sub",
                "claims.groups": "groups", "client_authentication.type": "none"
            });
            bundle.realms.push(RealmConfig {
                name: format!("r{i}"),
                kind: "jwt".to_owned(),
                settings: serde_json::from_value(settings).unwrap(),
                pkc_jwkset: None,
            });
            bundle.secrets.insert(
                format!("xpack.security.authc.realms.jwt.r{i}.hmac_key"),
                format!("{HMAC_KEY}-{i}"),
            );
        }
        for i in 0..mappings {
            bundle.role_mappings.insert(
                format!("mapping-{i}"),
                json!({"enabled": true, "roles": [format!("role-{i}")], "rules": {"all": [
                    {"field": {"realm.name": format!("r{}", i % realms.max(1))}},
                    {"field": {"groups": format!("group-{i}")}}
                ]}}),
            );
        }
        bundle
    }

    fn export(c: &mut Criterion) {
        use trust_core::export::{Secrets, lint_errors, render};
        let big = export_bundle(1000, 10_000);
        let small = export_bundle(1, 1);
        let run = |bundle: &trust_core::export::Bundle| {
            assert!(lint_errors(bundle).is_empty());
            render(bundle, "bench", Secrets::Masked).len()
        };
        assert_eq!(run(&big), run(&small));
        c.bench_function("export_1000_realms_10k_mappings", |b| {
            b.iter(|| run(black_box(&big)));
        });
        c.bench_function("export_1_realm_1_mapping", |b| {
            b.iter(|| run(black_box(&small)));
        });
    }

    /// Reading a 1 MiB role-mapping listing with Elasticsearch's strict duplicate-key rule
    /// (one extra pass over the bytes) against a plain `serde_json` parse of the same text.
    fn strict_json(c: &mut Criterion) {
        let listing: serde_json::Map<String, Value> = (0..5_000)
            .map(|i| {
                (
                    format!("mapping-{i}"),
                    json!({"enabled": true, "roles": ["viewer", format!("team-{i}")],
                           "rules": {"all": [{"field": {"realm.name": "jwt1"}}, {"field": {"groups": format!("cn=team-{i},ou=groups,dc=example,dc=com")}}]},
                           "metadata": {"version": 1, "owner": format!("owner-{i}")}}),
                )
            })
            .collect();
        let text = Value::Object(listing).to_string();
        assert!(text.len() > 1 << 20, "{}", text.len());
        assert!(trust_core::xcontent::parse_json(&text).is_ok());
        c.bench_function("json_strict_1mib", |b| {
            b.iter(|| trust_core::xcontent::parse_json(black_box(&text)).map(drop));
        });
        c.bench_function("json_serde_1mib", |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(&text)).map(drop));
        });
    }

    /// The mean of a finished benchmark, in nanoseconds, from criterion's estimates.
    fn mean_ns(id: &str) -> Option<f64> {
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
            PathBuf::from,
        );
        let path = target.join("criterion").join(id).join("new/estimates.json");
        let estimates: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        estimates["mean"]["point_estimate"].as_f64()
    }

    fn human(ns: f64) -> String {
        if ns >= 1e6 {
            format!("{:.2} ms", ns / 1e6)
        } else if ns >= 1e3 {
            format!("{:.2} µs", ns / 1e3)
        } else {
            format!("{ns:.0} ns")
        }
    }

    #[allow(clippy::print_stdout, reason = "the table is this program's output")]
    fn table() {
        // (label, benchmark, baseline, items per run, target); the ratio is per item.
        let rows = [
            (
                "HS256 realm validation",
                "hs256_realm",
                "hs256_raw_decode",
                1.0,
                "≤ 1.3×",
            ),
            (
                "RS256 realm validation",
                "rs256_realm",
                "rs256_raw_decode",
                1.0,
                "—",
            ),
            (
                "role mapping, 10,000 mappings",
                "role_mapping_10k",
                "role_mapping_1",
                1e4,
                "≤ 1 ms total",
            ),
            (
                "lint, 1,000 realms",
                "lint_1000_realms",
                "lint_1_realm",
                1e3,
                "—",
            ),
            (
                "export, 1k realms + 10k mappings",
                "export_1000_realms_10k_mappings",
                "export_1_realm_1_mapping",
                1e4,
                "≤ 100 ms total",
            ),
            (
                "JSON body, strict duplicate keys",
                "json_strict_1mib",
                "json_serde_1mib",
                1.0,
                "≤ 2×",
            ),
        ];
        println!(
            "\n{:<32} {:>12} {:>12} {:>16}  target",
            "benchmark", "mean", "baseline", "ratio per item"
        );
        for (label, id, base, items, target) in rows {
            match (mean_ns(id), mean_ns(base)) {
                (Some(m), Some(b)) => println!(
                    "{label:<32} {:>12} {:>12} {:>15.2}×  {target}",
                    human(m),
                    human(b),
                    m / (b * items)
                ),
                _ => println!("{label:<32} (not measured in this run)"),
            }
        }
        println!(
            "baselines, measured in the same run: a raw jsonwebtoken::decode of the same token; one mapping; one realm; one realm and one mapping (export ratio per mapping); a plain serde_json parse"
        );
    }

    pub(super) fn main() {
        let mut c = Criterion::default().configure_from_args();
        hs256(&mut c);
        rs256(&mut c);
        role_mapping(&mut c);
        lint(&mut c);
        export(&mut c);
        strict_json(&mut c);
        c.final_summary();
        table();
    }
}
