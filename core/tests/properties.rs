//! Property tests: the parsers never panic on any input, and the laws that should hold do.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{Value, json};
use trust_core::dn;
use trust_core::fuzzing;
use trust_core::patterns::AutomatonPattern;
use trust_core::role_mapping::{Rule, UserModel};

/// Arbitrary JSON, biased toward the shapes of the rules DSL.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("all".to_owned()),
        Just("any".to_owned()),
        Just("field".to_owned()),
        Just("except".to_owned()),
        Just("username".to_owned()),
        Just("groups".to_owned()),
        Just("dn".to_owned()),
        Just("metadata.n".to_owned()),
        "[a-z.]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z*?/=,. \\\\]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..3)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn model() -> UserModel {
    UserModel::new(
        "alice",
        Some("CN=Alice,DC=Example,DC=com"),
        &["admins".to_owned(), "cn=ops,dc=example,dc=com".to_owned()],
        json!({"n": 1, "tags": ["a", "b"]}).as_object().unwrap(),
        "jwt1",
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn token_path_never_panics(s in "\\PC{0,200}") {
        fuzzing::token(s.as_bytes());
        fuzzing::token(format!("Bearer {s}").as_bytes());
    }

    #[test]
    fn dotted_tokens_never_panic(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,40}", 1..5)) {
        fuzzing::token(format!("Bearer {}", parts.join(".")).as_bytes());
    }

    #[test]
    fn rules_never_panic(value in json_value()) {
        fuzzing::rules(value.to_string().as_bytes());
    }

    #[test]
    fn wrapping_a_rule_keeps_its_verdict(value in json_value()) {
        let Ok(rule) = Rule::parse("p", &value) else { return Ok(()) };
        let model = model();
        let matched = rule.matches(&model);
        let all = Rule::parse("p", &json!({"all": [value]})).unwrap();
        let any = Rule::parse("p", &json!({"any": [value, {"any": []}]})).unwrap();
        prop_assert_eq!(all.matches(&model), matched);
        prop_assert_eq!(any.matches(&model), matched);
        prop_assert_eq!(rule.explain(&model).is_empty(), !matched);
        if let Ok(negated) = Rule::parse("p", &json!({"all": [{"except": value}]})) {
            prop_assert_eq!(negated.matches(&model), !matched);
        }
    }

    #[test]
    fn settings_never_panic(s in "\\PC{0,300}") {
        fuzzing::settings(s.as_bytes());
    }

    #[test]
    fn realm_settings_never_panic(
        entries in prop::collection::vec(("[a-z_.]{1,30}", "[a-zA-Z0-9:/,\\[\\] .*-]{0,20}"), 0..8)
    ) {
        let yml: String = entries
            .iter()
            .map(|(k, v)| format!("xpack.security.authc.realms.jwt.r.{k}: \"{v}\"\n"))
            .collect();
        fuzzing::settings(yml.as_bytes());
    }

    #[test]
    fn patterns_never_panic(s in "\\PC{0,60}") {
        fuzzing::patterns(s.as_bytes());
    }

    #[test]
    fn escaped_wildcards_match_exactly_their_text(s in "\\PC{0,30}") {
        let escaped: String = s.chars().flat_map(|c| ['\\', c]).collect();
        let p = AutomatonPattern::parse(&escaped).unwrap();
        prop_assert!(p.matches(&s));
        let other = format!("{s}x");
        prop_assert!(!p.matches(&other));
    }

    /// The string-search matcher for `*`-only wildcards agrees with the regex every other
    /// wildcard compiles to (`Automatons.wildcard`: `*` is any string), multi-byte text included.
    #[test]
    fn star_wildcards_agree_with_their_regex(pattern in "[ab*é-]{0,8}", value in "[abé-]{0,10}") {
        let p = AutomatonPattern::parse(&pattern).unwrap();
        let regex: String = pattern
            .chars()
            .map(|c| if c == '*' { ".*".to_owned() } else { regex::escape(&c.to_string()) })
            .collect();
        let reference = regex::Regex::new(&format!("^(?s:{regex})$")).unwrap();
        prop_assert_eq!(p.matches(&value), reference.is_match(&value), "{} vs {}", pattern, value);
    }

    #[test]
    fn dn_normalization_is_idempotent(
        rdns in prop::collection::vec(("[a-zA-Z][a-zA-Z0-9-]{0,5}", "[a-zA-Z0-9 ,+=#\"\\\\;<>]{0,10}"), 1..4)
    ) {
        let text: String = rdns
            .iter()
            .map(|(name, value)| {
                let escaped: String = value
                    .chars()
                    .flat_map(|c| {
                        let special = ",+=#\"\\;<> ".contains(c);
                        special.then_some('\\').into_iter().chain([c])
                    })
                    .collect();
                format!("{name}={escaped}")
            })
            .collect::<Vec<_>>()
            .join(",");
        let once = dn::normalize(&text);
        prop_assert!(once.is_some(), "{}", text);
        let once = once.unwrap();
        prop_assert_eq!(dn::normalize(&once), Some(once.clone()));
    }
}
