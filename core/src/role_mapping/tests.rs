use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;

fn user(groups: &[&str], dn: Option<&str>, metadata: Value) -> UserModel {
    let groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
    let Value::Object(metadata) = metadata else {
        panic!("metadata must be an object")
    };
    UserModel::new("Alice", dn, &groups, &metadata, "jwt1")
}

fn rule(value: Value) -> Rule {
    Rule::parse("m", &value).unwrap()
}

fn rule_error(value: Value) -> String {
    Rule::parse("m", &value).unwrap_err().message
}

#[wasm_bindgen_test(unsupported = test)]
fn parser_errors_use_elasticsearch_wording() {
    let p = "failed to parse rules expression. ";
    let cases = [
        (json!({}), format!("{p}object [m] does not contain any fields")),
        (
            json!({"field": {"username": "a"}, "any": []}),
            format!("{p}object [m] contains multiple fields"),
        ),
        (
            json!({"nope": []}),
            format!("{p}field [nope] is not recognised in object [m]"),
        ),
        (
            json!({"except": {"field": {"username": "a"}}}),
            format!("{p}field [except] is not allowed within [m]"),
        ),
        (
            json!({"any": [{"except": {"field": {"username": "a"}}}]}),
            format!("{p}field [except] is not allowed within [any]"),
        ),
        (
            json!({"all": [{"except": {"except": {"field": {"username": "a"}}}}]}),
            format!("{p}field [except] is not allowed within [except]"),
        ),
        (json!({"any": {}}), format!("{p}field [any] requires an array")),
        (json!({"all": "x"}), format!("{p}field [all] requires an array")),
        (
            json!({"any": ["x"]}),
            format!("{p}expected [any] to be an object but found [VALUE_STRING] instead"),
        ),
        (
            json!({"field": "username"}),
            format!("{p}expected an object but found [VALUE_STRING] instead"),
        ),
        (
            json!({"all": [{"except": []}]}),
            format!("{p}expected an object but found [START_ARRAY] instead"),
        ),
        (
            json!({"field": {}}),
            format!("{p}object [field] does not contain any fields"),
        ),
        (
            json!({"field": {"username": "a", "dn": "b"}}),
            format!("{p}object [field] contains multiple fields"),
        ),
        (
            json!({"field": {"username": {"a": 1}}}),
            format!("{p}expected a field value but found [START_OBJECT] instead"),
        ),
        (
            json!({"field": {"username": [["a"]]}}),
            format!("{p}expected a field value but found [START_ARRAY] instead"),
        ),
        (json!({"field": {"": "a"}}), "null or empty field name ()".to_owned()),
        (json!({"field": {"groups": []}}), "null or empty values ([])".to_owned()),
        (
            json!({"field": {"n": 18_446_744_073_709_551_615_u64}}),
            "Numeric value (18446744073709551615) out of range of long (-9223372036854775808 - 9223372036854775807)".to_owned(),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(rule_error(input.clone()), expected, "{input}");
    }
    assert!(
        rule_error(json!({"field": {"username": "/a~b/"}})).contains("~"),
        "a Lucene operator regex cannot express is named"
    );
    rule(json!({"all": [{"except": {"field": {"username": "a"}}}]}));
}

#[wasm_bindgen_test(unsupported = test)]
fn value_semantics() {
    let alice = user(
        &["Admin", "CN=Ops,OU=Groups,DC=Example,DC=com", "a?c"],
        Some("CN=Alice,OU=People,DC=Example,DC=com"),
        json!({"level": 42, "ratio": 1.5, "one": 1, "flag": true, "tags": ["x", "y"], "nothing": null, "s42": "42"}),
    );
    let cases = [
        (json!({"all": []}), true),
        (json!({"any": []}), false),
        (json!({"field": {"username": "Alice"}}), true),
        (json!({"field": {"username": "alice"}}), false),
        (json!({"field": {"username": "A*"}}), true),
        (json!({"field": {"username": "a*"}}), false),
        (json!({"field": {"username": "/Al.ce/"}}), true),
        (json!({"field": {"username": ["bob", "Alice"]}}), true),
        (json!({"field": {"groups": "admin"}}), true),
        (json!({"field": {"groups": "ADMIN"}}), true),
        (json!({"field": {"groups": "adm?n"}}), false),
        (json!({"field": {"groups": "adm*"}}), true),
        (json!({"field": {"groups": "a?c"}}), true),
        (json!({"field": {"groups": "abc"}}), false),
        (json!({"field": {"groups": "a?c*"}}), true),
        (
            json!({"field": {"groups": "cn=ops, ou=groups, dc=example, dc=com"}}),
            true,
        ),
        (json!({"field": {"groups": "*,dc=example,dc=com"}}), true),
        (json!({"field": {"groups": "*,DC=Example,DC=Com"}}), true),
        (json!({"field": {"groups": "*,dc=other,dc=com"}}), false),
        (json!({"field": {"groups": "cn=ops,*"}}), true),
        (json!({"field": {"groups": null}}), false),
        (
            json!({"field": {"dn": "cn=alice,ou=people,dc=example,dc=com"}}),
            true,
        ),
        (
            json!({"field": {"dn": "CN=ALICE, OU=People, DC=example, DC=COM"}}),
            true,
        ),
        (
            json!({"field": {"dn": "*,ou=people,dc=example,dc=com"}}),
            true,
        ),
        (json!({"field": {"realm.name": "jwt1"}}), true),
        (json!({"field": {"realm.name": "JWT1"}}), false),
        (json!({"field": {"realm.type": "jwt"}}), false),
        (json!({"field": {"realm.type": null}}), true),
        (json!({"field": {"metadata.level": 42}}), true),
        (json!({"field": {"metadata.level": "42"}}), false),
        (json!({"field": {"metadata.s42": 42}}), false),
        (json!({"field": {"metadata.ratio": 1}}), false),
        (json!({"field": {"metadata.one": 1.5}}), true),
        (json!({"field": {"metadata.flag": true}}), true),
        (json!({"field": {"metadata.flag": "true"}}), false),
        (json!({"field": {"metadata.tags": "y"}}), true),
        (json!({"field": {"metadata.tags": null}}), false),
        (json!({"field": {"metadata.nothing": null}}), true),
        (json!({"field": {"metadata.missing": null}}), true),
        (json!({"field": {"metadata.missing": "x"}}), false),
        (
            json!({"all": [{"field": {"groups": "admin"}}, {"except": {"field": {"username": "Alice"}}}]}),
            false,
        ),
        (
            json!({"all": [{"field": {"groups": "admin"}}, {"except": {"field": {"username": "bob"}}}]}),
            true,
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(rule(input.clone()).matches(&alice), expected, "{input}");
    }
    let no_dn = user(&[], None, json!({}));
    assert!(rule(json!({"field": {"dn": null}})).matches(&no_dn));
    assert!(!rule(json!({"field": {"groups": "*"}})).matches(&no_dn));
}

#[wasm_bindgen_test(unsupported = test)]
fn explanations_name_the_branch() {
    let alice = user(&["admin"], None, json!({}));
    let r = rule(json!({"any": [
        {"field": {"username": "bob"}},
        {"all": [{"field": {"groups": ["x", "Admin"]}}, {"except": {"field": {"username": "eve"}}}]}
    ]}));
    assert_eq!(
        r.explain(&alice),
        vec![
            "rules.any[1].all[0].field.groups: \"Admin\" matches [admin] (equal ignoring case)",
            "rules.any[1].all[1].except: the excepted rule does not match",
        ]
    );
    assert!(
        rule(json!({"field": {"username": "bob"}}))
            .explain(&alice)
            .is_empty()
    );
}

fn mapping(body: Value) -> Result<RoleMapping, String> {
    RoleMapping::parse("m1", &body).map_err(|e| e.message)
}

#[wasm_bindgen_test(unsupported = test)]
fn mapping_bodies_are_validated_as_the_api_does() {
    let rules = json!({"field": {"username": "*"}});
    let cases = [
        (
            json!({"enabled": true, "rules": rules}),
            "failed to parse role-mapping [m1]. missing field [roles]",
        ),
        (
            json!({"enabled": true, "roles": ["a"]}),
            "failed to parse role-mapping [m1]. missing field [rules]",
        ),
        (
            json!({"roles": ["a"], "rules": rules}),
            "failed to parse role-mapping [m1]. missing field [enabled]",
        ),
        (
            json!({"enabled": true, "roles": [], "rules": rules}),
            "Validation Failed: 1: role-mapping roles or role-templates are missing;",
        ),
        (
            json!({"enabled": true, "roles": ["a"], "role_templates": [{"template": {"source": "b"}}], "rules": rules}),
            "Validation Failed: 1: role-mapping cannot have both roles and role-templates;",
        ),
        (
            json!({"enabled": true, "roles": ["a"], "rules": rules, "metadata": {"_x": 1}}),
            "Validation Failed: 1: metadata keys may not start with [_];",
        ),
        (
            json!({"enabled": true, "roles": ["a"], "rules": rules, "colour": "red"}),
            "[role-mapping] unknown field [colour]",
        ),
        (
            json!({"enabled": "yes", "roles": ["a"], "rules": rules}),
            "Failed to parse value [yes] as only [true] or [false] are allowed.",
        ),
        (
            json!({"enabled": true, "roles": ["a"], "rules": "x"}),
            "[role-mapping] rules doesn't support values of type: VALUE_STRING",
        ),
        (
            json!({"enabled": true, "role_templates": [{"template": {"source": "a"}, "format": "yaml"}], "rules": rules}),
            "Invalid format [yaml] expected one of [json,string]",
        ),
        (
            json!({"enabled": true, "role_templates": [{"format": "json"}], "rules": rules}),
            "Required [template]",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(mapping(body.clone()).unwrap_err(), expected, "{body}");
    }
    let reserved = RoleMapping::parse(
        "x-read-only-operator-config",
        &json!({"enabled": true, "roles": ["a"], "rules": rules}),
    )
    .unwrap_err();
    assert_eq!(
        reserved.message,
        "Validation Failed: 1: Invalid mapping name [x-read-only-operator-config]. [-read-only-operator-config] is not an allowed suffix;"
    );
    // `PutRoleMappingRequest.validate` collects every problem into one exception.
    let several = RoleMapping::parse(
        "y-read-only-operator-config",
        &json!({"enabled": true, "roles": [], "rules": rules, "metadata": {"_x": 1}}),
    )
    .unwrap_err();
    assert_eq!(
        several.message,
        "Validation Failed: 1: role-mapping roles or role-templates are missing;2: metadata keys may not start with [_];3: Invalid mapping name [y-read-only-operator-config]. [-read-only-operator-config] is not an allowed suffix;"
    );
    assert_eq!(several.field, "roles");
    // `ObjectParser` + `SuggestingErrorOnUnknown` over `ExpressionRoleMapping`'s fields.
    assert_eq!(
        mapping(json!({"enabled": true, "roles": ["a"], "rule": rules})).unwrap_err(),
        "[role-mapping] unknown field [rule] did you mean any of [rules, roles]?"
    );
    assert_eq!(
        mapping(json!({"enable": true, "roles": ["a"], "rules": rules})).unwrap_err(),
        "[role-mapping] unknown field [enable] did you mean [enabled]?"
    );
    let m = mapping(json!({"enabled": "false", "roles": "single", "rules": rules})).unwrap();
    assert_eq!((m.enabled, m.roles), (false, vec!["single".to_owned()]));
    assert_eq!(
        mapping(json!({"enabled": true, "roles": ["a"], "rules": {"any": [{"except": {"field": {"username": "a"}}}]}})).unwrap_err(),
        "failed to parse rules expression. field [except] is not allowed within [any]"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn roles_and_templates_resolve_with_reasons() {
    let model = UserModel::new(
        "hulk",
        None,
        &["avengers".to_owned(), "defenders".to_owned()],
        json!({"jwt_claim_iss": "iss8", "jwt_claim_aud": ["a1", "a2"]})
            .as_object()
            .unwrap(),
        "jwt8",
    );
    let all = parse_all(&json!({
        "plain": {"enabled": true, "roles": ["base", "shared"], "rules": {"all": []}},
        "off": {"enabled": false, "roles": ["never"], "rules": {"all": []}},
        "other": {"enabled": true, "roles": ["never"], "rules": {"field": {"username": "thor"}}},
        "tmpl": {"enabled": true, "role_templates": [
            {"template": {"source": "_user_{{username}}"}},
            {"template": "{\"source\":\"{{#tojson}}groups{{/tojson}}\"}", "format": "json"},
            {"template": {"source": "{{realm.name}}-{{metadata.jwt_claim_iss}}"}, "format": "STRING"},
            {"template": {"source": "{{#join delimiter='+'}}metadata.jwt_claim_aud{{/join delimiter='+'}}"}},
            {"template": {"source": "[\"shared\", null, \"{{#join}}groups{{/join}}\"]"}, "format": "json"}
        ], "rules": {"field": {"groups": "AVENGERS"}}}
    }))
    .unwrap();
    let mapped = map_roles(&all, &model).unwrap();
    assert_eq!(
        mapped.roles,
        [
            "_user_hulk",
            "a1+a2",
            "avengers",
            "avengers,defenders",
            "base",
            "defenders",
            "jwt8-iss8",
            "shared"
        ]
    );
    assert_eq!(mapped.disabled_matches, ["off"]);
    let grant = mapped
        .grants
        .iter()
        .find(|g| g.role == "jwt8-iss8")
        .unwrap();
    assert_eq!(grant.mapping, "tmpl");
    assert_eq!(grant.via, "role_templates[2]");
    assert_eq!(
        grant.because,
        ["rules.field.groups: \"AVENGERS\" matches [avengers] (equal ignoring case)"]
    );
    let shared: Vec<&str> = mapped
        .grants
        .iter()
        .filter(|g| g.role == "shared")
        .map(|g| g.mapping.as_str())
        .collect();
    assert_eq!(shared, ["plain", "tmpl"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn template_rendering_and_errors() {
    let params = json!({"username": "a\"b c", "groups": ["g1"], "realm.name": "r", "n": 5})
        .as_object()
        .unwrap()
        .clone();
    let render = |source: &str, format: &str| {
        RoleTemplate::parse(&json!({"template": {"source": source}, "format": format}))
            .and_then(|t| t.role_names(&params))
    };
    assert_eq!(render("{{username}}", "string").unwrap(), ["a\\\"b c"]);
    assert_eq!(render("{{{username}}}", "string").unwrap(), ["a\"b c"]);
    assert_eq!(
        render("{{#url}}{{{username}}}{{/url}}", "string").unwrap(),
        ["a%22b+c"]
    );
    assert_eq!(
        render("{{#groups}}<{{.}}>{{/groups}}", "string").unwrap(),
        ["<g1>"]
    );
    assert_eq!(
        render("{{^missing}}none{{/missing}}", "string").unwrap(),
        ["none"]
    );
    assert_eq!(
        render("x{{! comment }}{{missing}}", "string").unwrap(),
        ["x"]
    );
    assert_eq!(
        render("{{#join}}username{{/join}}", "string").unwrap(),
        ["username"]
    );
    assert_eq!(
        render("{{n}}", "json").unwrap_err(),
        "Roles template must generate a string or an array of strings, but found [VALUE_NUMBER]"
    );
    assert_eq!(
        render("[\"a\", {{n}}]", "json").unwrap_err(),
        "Roles array may only contain strings but found [java.lang.Integer] [5]"
    );
    assert_eq!(
        render("", "json").unwrap_err(),
        "Roles template must generate a string or an array of strings, but found [null]"
    );
    assert!(
        render("{{#a}}x", "string")
            .unwrap_err()
            .contains("not closed")
    );
    assert!(
        render("{{> part}}", "string")
            .unwrap_err()
            .contains("partials")
    );
    let stored = RoleTemplate::parse(&json!({"template": {"id": "s1"}})).unwrap();
    assert!(
        stored
            .role_names(&params)
            .unwrap_err()
            .contains("stored script [s1]")
    );
    assert!(
        RoleTemplate::parse(&json!({"template": "{{username}}"}))
            .unwrap_err()
            .contains("as a script")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn lints_flag_what_elasticsearch_silently_accepts() {
    let m = mapping(json!({"enabled": true, "roles": ["a"], "rules": {"all": [
        {"field": {"realm.type": "jwt"}},
        {"field": {"groups": "adm?n"}},
        {"field": {"metadata.a.b": "x"}}
    ]}}))
    .unwrap();
    let warnings = m.warnings().join("\n");
    assert!(
        warnings.contains("[realm.type] is not part of the user model"),
        "{warnings}"
    );
    assert!(
        warnings.contains("exact value, not a pattern"),
        "{warnings}"
    );
    assert!(
        warnings.contains("looks the key up literally"),
        "{warnings}"
    );
    let everyone = mapping(json!({"enabled": true, "roles": ["a"], "rules": {"all": []}})).unwrap();
    assert!(everyone.warnings()[0].contains("every user"));
    assert!(!everyone.rules.is_scoped_to_realm());
    let scoped = mapping(json!({"enabled": true, "roles": ["a"], "rules": {"all": [
        {"field": {"realm.name": "jwt1"}}, {"field": {"groups": "x"}}
    ]}}))
    .unwrap();
    assert!(scoped.rules.is_scoped_to_realm());
    assert!(scoped.warnings().is_empty(), "{:?}", scoped.warnings());
    let realm_only = mapping(json!({"enabled": true, "roles": ["superuser"],
        "rules": {"field": {"realm.name": "jwt1"}}}))
    .unwrap();
    let dead = mapping(json!({"enabled": true, "roles": ["r"],
        "rules": {"all": [{"field": {"realm.name": "jwt1"}}, {"any": []}]}}))
    .unwrap();
    assert_eq!(
        dead.warnings(),
        ["an empty {\"any\": []} never matches: the rule it stands in is false for every user"]
    );
    assert_eq!(
        realm_only.warnings(),
        [
            "the only condition is realm.name: every user of that realm matches",
            "grants superuser: every matching user gets full control of the cluster"
        ]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn rule_nesting_is_bounded() {
    // Built as a value (JSON text this deep is refused by the JSON reader's own limit first).
    let mut deep = json!({"field": {"username": "a"}});
    for _ in 0..101 {
        deep = json!({ "any": [deep] });
    }
    assert_eq!(
        rule_error(deep),
        "failed to parse rules expression. rules nest deeper than 100 levels"
    );
    let mut ok = json!({"field": {"username": "a"}});
    for _ in 0..100 {
        ok = json!({ "all": [ok] });
    }
    assert!(!rule(ok).matches(&user(&[], None, json!({}))));
}

/// mustache.java with Elasticsearch's handlers: `BaseObjectHandler.iterate`/`falsey` treat
/// `""` as false, `CustomReflectionObjectHandler.CollectionMap` answers `size` and indexes, and
/// `CustomMustacheFactory` picks the encoder from `options.content_type`.
#[wasm_bindgen_test(unsupported = test)]
fn templates_follow_mustache_java_and_the_custom_factory() {
    let params =
        json!({"username": "a\"b c", "empty": "", "groups": ["g1", "g2"], "realm.name": "r"})
            .as_object()
            .unwrap()
            .clone();
    let render = |template: Value| {
        RoleTemplate::parse(&json!({"template": template, "format": "string"}))
            .and_then(|t| t.role_names(&params))
    };
    let source = |s: &str| json!({"source": s});
    assert_eq!(render(source("{{#empty}}yes{{/empty}}")).unwrap(), [""]);
    assert_eq!(render(source("{{^empty}}no{{/empty}}")).unwrap(), ["no"]);
    assert_eq!(
        render(source("{{#username}}set{{/username}}")).unwrap(),
        ["set"]
    );
    assert_eq!(
        render(source("{{groups.0}}-{{groups.1}}-{{groups.2}}")).unwrap(),
        ["g1-g2-"]
    );
    assert_eq!(render(source("{{groups.size}}")).unwrap(), ["2"]);
    assert_eq!(
        render(source("{{#groups.size}}n={{.}}{{/groups.size}}")).unwrap(),
        ["n=2"]
    );
    let typed = |content_type: &str| {
        render(json!({"source": "{{username}}", "options": {"content_type": content_type}}))
    };
    assert_eq!(typed("text/plain").unwrap(), ["a\"b c"]);
    assert_eq!(typed("application/json").unwrap(), ["a\\\"b c"]);
    assert_eq!(
        typed("application/x-www-form-urlencoded").unwrap(),
        ["a%22b+c"]
    );
    assert_eq!(
        typed("text/html").unwrap_err(),
        "No encoder found for MIME type [text/html]"
    );
}
