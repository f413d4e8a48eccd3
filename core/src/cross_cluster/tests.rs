use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;

const V93: StackVersion = StackVersion::new(9, 3);

fn errors(body: Value) -> Vec<(String, String)> {
    check_api_key(&body, V93)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect()
}

fn pair(field: &str, message: &str) -> (String, String) {
    (field.to_owned(), message.to_owned())
}

#[wasm_bindgen_test(unsupported = test)]
fn a_search_and_replication_key_derives_the_cross_cluster_role() {
    let key = check_api_key(
        &json!({"name": "ccs", "access": {
            "search": [{"names": ["logs-*"]}],
            "replication": [{"names": ["archive-*"]}]
        }, "expiration": "30d", "metadata": {"team": "ops"},
        "certificate_identity": "CN=[^,]+\\.node\\.abc\\.cluster\\.123"}),
        V93,
    )
    .unwrap();
    assert_eq!(
        key.role_descriptor,
        json!({"cross_cluster": {
            "cluster": ["cross_cluster_search", "monitor_enrich", "cross_cluster_replication"],
            "indices": [
                {"names": ["logs-*"], "privileges": ["read", "read_cross_cluster", "view_index_metadata"], "allow_restricted_indices": false},
                {"names": ["archive-*"], "privileges": ["cross_cluster_replication", "cross_cluster_replication_internal"], "allow_restricted_indices": false}
            ]
        }})
    );
    assert!(key.warnings.is_empty(), "{:?}", key.warnings);
    let old = check_api_key(
        &json!({"name": "a", "access": {"search": [{"names": ["x"]}]}}),
        StackVersion::new(8, 14),
    )
    .unwrap();
    assert_eq!(
        old.role_descriptor["cross_cluster"]["cluster"],
        json!(["cross_cluster_search"])
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn required_fields_and_empty_access_use_es_messages() {
    // `ConstructingObjectParser.finish` names every missing required field at once.
    assert_eq!(errors(json!({})), [pair("name", "Required [name, access]")]);
    assert_eq!(
        errors(json!({"name": "k"})),
        [pair("access", "Required [access]")]
    );
    assert_eq!(
        errors(json!({"name": "k", "access": {}})),
        [pair(
            "access",
            "must specify non-empty access for either [search] or [replication]"
        )]
    );
    assert_eq!(
        errors(json!({"name": "k", "access": {"search": []}})),
        [pair(
            "access",
            "must specify non-empty access for either [search] or [replication]"
        )]
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn document_and_field_level_security_rules() {
    assert_eq!(
        errors(
            json!({"name": "k", "access": {"replication": [{"names": ["a"], "query": {"match_all": {}}}]}})
        ),
        [pair(
            "access.replication[0]",
            "replication does not support document or field level security"
        )]
    );
    assert_eq!(
        errors(json!({"name": "k", "access": {
            "search": [{"names": ["a"], "field_security": {"grant": ["f"]}}],
            "replication": [{"names": ["b"]}]
        }})),
        [pair(
            "access.search[0]",
            "search does not support document or field level security if replication is assigned"
        )]
    );
    // DLS on search alone is fine.
    assert!(check_api_key(&json!({"name": "k", "access": {"search": [{"names": ["a"], "query": "{\"term\":{\"x\":1}}"}]}}), V93).is_ok());
}

#[wasm_bindgen_test(unsupported = test)]
fn privileges_metadata_expiration_and_identity_are_checked() {
    let found = errors(
        json!({"name": "k", "access": {"search": [{"names": ["a"], "privileges": ["read"]}]},
        "metadata": {"_reserved": 1}, "expiration": "10", "certificate_identity": "CN=(", "role_descriptors": {}}),
    );
    let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        [
            "role_descriptors",
            "access.search[0].privileges",
            "expiration",
            "metadata",
            "certificate_identity"
        ],
        "{found:?}"
    );
    assert_eq!(
        found[4].1,
        "Invalid certificate_identity format: [CN=(]. Must be a valid regex."
    );
    assert!(
        found[2]
            .1
            .starts_with("failed to parse setting [expiration] with value [10] as a time value")
    );
    assert_eq!(
        found[0].1,
        "[cross_cluster_api_key_request] unknown field [role_descriptors]"
    );
    assert_eq!(
        found[1].1,
        "failed to parse indices privileges for role [cross_cluster]. field [privileges] must not present"
    );
    assert_eq!(found[3].1, "API key metadata keys may not start with [_]");
    assert_eq!(
        errors(json!({"name": "k", "access": {"search": [{}]}})),
        [pair(
            "access.search[0].names",
            "failed to parse indices privileges for role [cross_cluster]. missing required [names] field"
        )]
    );
    let old = check_api_key(&json!({"name": "k", "access": {"search": [{"names": ["a"]}]}, "certificate_identity": "CN=x"}), StackVersion::new(9, 1)).unwrap_err();
    assert!(old[0].message.contains("needs stack 9.3"));
    let broad = check_api_key(&json!({"name": "k", "access": {"search": [{"names": ["*"]}]}, "certificate_identity": ".*"}), V93).unwrap();
    assert_eq!(broad.warnings.len(), 2, "{:?}", broad.warnings);
}

fn remote(security: Security, mode: Mode, addresses: &[&str]) -> RemoteCluster {
    RemoteCluster {
        alias: "prod-eu".to_owned(),
        security,
        mode,
        addresses: addresses.iter().map(|&a| a.to_owned()).collect(),
        skip_unavailable: Some(true),
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn remote_settings_and_keystore_for_the_api_key_model() {
    let setup = remote_setup(&remote(
        Security::ApiKey,
        Mode::Proxy,
        &["es.example.com:9443"],
    ));
    assert!(setup.findings.is_empty(), "{:?}", setup.findings);
    assert_eq!(
        setup.settings,
        [
            ("cluster.remote.prod-eu.mode".to_owned(), json!("proxy")),
            (
                "cluster.remote.prod-eu.proxy_address".to_owned(),
                json!("es.example.com:9443")
            ),
            (
                "cluster.remote.prod-eu.skip_unavailable".to_owned(),
                json!(true)
            ),
        ]
    );
    assert!(
        setup.keystore[0]
            .starts_with("bin/elasticsearch-keystore add cluster.remote.prod-eu.credentials")
    );
    let sniff = remote_setup(&remote(
        Security::Certificate,
        Mode::Sniff,
        &["10.0.0.1:9300", "10.0.0.2:9400"],
    ));
    assert!(sniff.findings.is_empty());
    assert_eq!(
        sniff.settings[1].1,
        json!(["10.0.0.1:9300", "10.0.0.2:9400"])
    );
    assert!(sniff.keystore.is_empty());
}

#[wasm_bindgen_test(unsupported = test)]
fn ports_aliases_and_addresses_are_checked() {
    let wrong = remote_setup(&remote(Security::ApiKey, Mode::Proxy, &["es:9300"]));
    assert_eq!(wrong.findings[0].severity, "error");
    assert!(wrong.findings[0].message.contains("9443"));
    let cert = remote_setup(&remote(Security::Certificate, Mode::Proxy, &["es:9443"]));
    assert_eq!(cert.findings[0].severity, "error");
    let odd = remote_setup(&remote(Security::ApiKey, Mode::Proxy, &["es:443"]));
    assert_eq!(odd.findings[0].severity, "warning");
    let bad = remote_setup(&RemoteCluster {
        alias: "a.b".to_owned(),
        ..remote(Security::ApiKey, Mode::Proxy, &["nohost", "x:1", "y:2"])
    });
    let fields: Vec<&str> = bad.findings.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "alias",
            "addresses",
            "addresses[0]",
            "addresses[1]",
            "addresses[2]"
        ]
    );
    let none = remote_setup(&remote(Security::ApiKey, Mode::Sniff, &[]));
    assert!(none.findings[0].message.contains("at least one seed"));
}

/// `AbstractCreateApiKeyRequest.validate` (and `CreateApiKeyRequestTests`): the name rules.
#[wasm_bindgen_test(unsupported = test)]
fn api_key_names_follow_the_create_request_rules() {
    let body = |name: Value| json!({"name": name, "access": {"search": [{"names": ["a"]}]}});
    assert_eq!(
        errors(body(json!(""))),
        [pair("name", "api key name is required")]
    );
    assert_eq!(
        errors(body(json!(" leading and trailing space "))),
        [pair(
            "name",
            "api key name may not begin or end with whitespace"
        )]
    );
    assert_eq!(
        errors(body(json!("_foo"))),
        [pair(
            "name",
            "api key name may not begin with an underscore"
        )]
    );
    assert_eq!(
        errors(body(json!(format!("_{} ", "x".repeat(256))))),
        [
            pair(
                "name",
                "api key name may not be more than 256 characters long"
            ),
            pair("name", "api key name may not begin or end with whitespace"),
            pair("name", "api key name may not begin with an underscore"),
        ]
    );
    assert!(check_api_key(&body(json!("inner space")), V93).is_ok());
    assert!(check_api_key(&body(json!("x".repeat(256))), V93).is_ok());
    // Java counts UTF-16 units: 200 astral characters are 400 of them.
    assert_eq!(
        errors(body(json!("😀".repeat(200)))),
        [pair(
            "name",
            "api key name may not be more than 256 characters long"
        )]
    );
}

/// `CrossClusterApiKeyRoleDescriptorBuilder` grants `monitor_enrich` from 8.15 (#108735).
#[wasm_bindgen_test(unsupported = test)]
fn monitor_enrich_is_derived_from_8_15() {
    let body = json!({"name": "k", "access": {"search": [{"names": ["a"]}]}});
    let cluster = |version| {
        check_api_key(&body, version).unwrap().role_descriptor["cross_cluster"]["cluster"].clone()
    };
    assert_eq!(
        cluster(StackVersion::new(8, 14)),
        json!(["cross_cluster_search"])
    );
    assert_eq!(
        cluster(StackVersion::new(8, 15)),
        json!(["cross_cluster_search", "monitor_enrich"])
    );
}

const ENTRY: &str = "failed to parse indices privileges for role [cross_cluster]. ";

fn search_only(entry: Value) -> Value {
    json!({"name": "k", "access": {"search": [entry]}})
}

/// `CrossClusterApiKeyRoleDescriptorBuilderTests`: replication entries take
/// `allow_restricted_indices`, and the derived role carries it.
#[wasm_bindgen_test(unsupported = test)]
fn replication_accepts_allow_restricted_indices() {
    let key = check_api_key(
        &json!({"name": "k", "access": {"replication": [{"names": ["archive"], "allow_restricted_indices": true}]}}),
        V93,
    )
    .unwrap();
    assert_eq!(
        key.role_descriptor["cross_cluster"]["indices"][0],
        json!({"names": ["archive"], "privileges": ["cross_cluster_replication", "cross_cluster_replication_internal"], "allow_restricted_indices": true})
    );
    assert_eq!(
        errors(search_only(
            json!({"names": ["a"], "allow_restricted_indices": "yes"})
        )),
        [pair(
            "access.search[0].allow_restricted_indices",
            &format!(
                "{ENTRY}expected field [allow_restricted_indices] value to be a boolean, but found [VALUE_STRING] instead"
            )
        )]
    );
}

/// `RoleDescriptor.IndicesPrivileges.isUsingDocumentOrFieldLevelSecurity` (`hasGrantedFields`
/// treats exactly `["*"]` as no FLS) and `parseIndexWithPredefinedPrivileges` (an empty query
/// string becomes null).
#[wasm_bindgen_test(unsupported = test)]
fn grant_star_and_empty_queries_are_not_dls_or_fls() {
    for entry in [
        json!({"names": ["b"], "field_security": {"grant": ["*"]}}),
        json!({"names": ["b"], "field_security": {"grant": ["*"], "except": []}}),
        json!({"names": ["b"], "query": null}),
        json!({"names": ["b"], "query": ""}),
    ] {
        let body = json!({"name": "k", "access": {"replication": [entry.clone()]}});
        assert!(check_api_key(&body, V93).is_ok(), "{entry}");
        let both = json!({"name": "k", "access": {"search": [entry.clone()], "replication": [{"names": ["c"]}]}});
        assert!(check_api_key(&both, V93).is_ok(), "{entry}");
    }
    for entry in [
        json!({"names": ["b"], "field_security": {"grant": ["a", "*"]}}),
        json!({"names": ["b"], "field_security": {"grant": ["*"], "except": ["secret"]}}),
        json!({"names": ["b"], "query": " "}),
        json!({"names": ["b"], "query": {"match_all": {}}}),
    ] {
        let body = json!({"name": "k", "access": {"replication": [entry.clone()]}});
        assert_eq!(
            errors(body),
            [pair(
                "access.replication[0]",
                "replication does not support document or field level security"
            )],
            "{entry}"
        );
    }
}

/// `parseIndexWithPredefinedPrivileges`: `names` may be one string, `transient_metadata` is
/// skipped; an access list may be a single object (`ObjectParser`'s object arrays).
#[wasm_bindgen_test(unsupported = test)]
fn names_as_one_string_and_transient_metadata_are_accepted() {
    let key = check_api_key(
        &search_only(json!({"names": "logs", "transient_metadata": {"enabled": true}})),
        V93,
    )
    .unwrap();
    assert_eq!(
        key.role_descriptor["cross_cluster"]["indices"][0]["names"],
        json!(["logs"])
    );
    let single = check_api_key(
        &json!({"name": "k", "access": {"search": {"names": ["a"]}}}),
        V93,
    )
    .unwrap();
    assert_eq!(
        single.role_descriptor["cross_cluster"]["indices"][0]["names"],
        json!(["a"])
    );
    assert_eq!(
        errors(search_only(
            json!({"names": "logs", "transient_metadata": 1})
        )),
        [pair(
            "access.search[0].transient_metadata",
            "failed to parse transient metadata for role [cross_cluster]. expected START_OBJECT but got VALUE_NUMBER in \"transient_metadata\"."
        )]
    );
}

/// `CrossClusterApiKeyAccessTests.testEmptyAccessIsNotAllowed`: `null` for `search` or
/// `replication` is a type error, also next to a real entry.
#[wasm_bindgen_test(unsupported = test)]
fn null_access_lists_are_type_errors() {
    assert_eq!(
        errors(json!({"name": "k", "access": {"search": null, "replication": [{"names": ["a"]}]}})),
        [pair(
            "access.search",
            "[cross_cluster_api_key_request_access] search doesn't support values of type: VALUE_NULL"
        )]
    );
    assert_eq!(
        errors(json!({"name": "k", "access": {"replication": "logs"}})),
        [pair(
            "access.replication",
            "[cross_cluster_api_key_request_access] replication doesn't support values of type: VALUE_STRING"
        )]
    );
}

/// The texts of `RoleDescriptor.parseIndexWithPredefinedPrivileges`, the request and access
/// parsers (`ObjectParser` with `SuggestingErrorOnUnknown`) and `AbstractCreateApiKeyRequest`.
#[wasm_bindgen_test(unsupported = test)]
fn entry_errors_use_elasticsearch_texts() {
    let cases = [
        (json!({"names": ["a"], "bogus": 1}), "access.search[0].bogus", format!("{ENTRY}unexpected field [bogus]")),
        (json!({"names": []}), "access.search[0].names", format!("{ENTRY}[names] cannot be an empty array")),
        (json!({"names": 3}), "access.search[0].names", format!("{ENTRY}expected field [names] value to be a string or an array of strings, but found [VALUE_NUMBER] instead")),
        (json!({"names": ["a", 1]}), "access.search[0].names", "failed to parse role [cross_cluster]: could not parse [names] field. expected a string array but one of the value in the array is [VALUE_NUMBER]".to_owned()),
        (json!({"names": ["a"], "query": 1}), "access.search[0].query", format!("{ENTRY}expected field [query] value to be null, a string, an array, or an object, but found [VALUE_NUMBER] instead")),
        (json!({"names": ["a"], "field_security": {}}), "access.search[0].field_security", format!("{ENTRY}\"field_security\" must not be empty.")),
        (json!({"names": ["a"], "field_security": {"grant": null}}), "access.search[0].field_security", format!("{ENTRY}grant must not be null.")),
        (json!({"names": ["a"], "field_security": {"except": ["x"]}}), "access.search[0].field_security", format!("{ENTRY}field_security requires grant if except is given")),
        (json!({"names": ["a"], "field_security": {"allow": ["x"]}}), "access.search[0].field_security", format!("{ENTRY}\"field_security\" only accepts options grant and except, but got: allow")),
        (json!("logs"), "access.search[0]", format!("{ENTRY}expected field [search] value to be an array of objects, but found an array element of type [VALUE_STRING]")),
    ];
    for (entry, field, message) in cases {
        assert_eq!(
            errors(search_only(entry.clone())),
            [pair(field, &message)],
            "{entry}"
        );
    }
    assert_eq!(
        errors(json!({"name": "k", "access": {"serach": [{"names": ["a"]}]}}))[0],
        pair(
            "access.serach",
            "[cross_cluster_api_key_request_access] unknown field [serach] did you mean [search]?"
        )
    );
    assert_eq!(
        errors(json!({"name": 7, "access": {"search": [{"names": ["a"]}]}})),
        [pair(
            "name",
            "[cross_cluster_api_key_request] name doesn't support values of type: VALUE_NUMBER"
        )]
    );
}

/// `CrossClusterApiKeyRoleDescriptorBuilder.build` checks search's DLS/FLS before
/// replication's; before 8.14 (pre-GA) search kept DLS next to replication.
#[wasm_bindgen_test(unsupported = test)]
fn search_dls_error_comes_before_the_replication_one() {
    let body = json!({"name": "k", "access": {
        "replication": [{"names": ["r"], "query": {"match_all": {}}}],
        "search": [{"names": ["s"], "query": {"match_all": {}}}]
    }});
    assert_eq!(
        errors(body.clone()),
        [
            pair(
                "access.search[0]",
                "search does not support document or field level security if replication is assigned"
            ),
            pair(
                "access.replication[0]",
                "replication does not support document or field level security"
            ),
        ]
    );
    let pre_ga = check_api_key(&body, StackVersion::new(8, 13)).unwrap_err();
    assert_eq!(pre_ga.len(), 1);
    assert_eq!(pre_ga[0].field, "access.replication[0]");
}

/// The 8.15 breaking changes (elasticsearch#105792): `skip_unavailable` defaults to true.
#[wasm_bindgen_test(unsupported = test)]
fn skip_unavailable_defaults_by_version_and_is_written_only_when_set() {
    assert!(!skip_unavailable_default(StackVersion::new(8, 14)));
    assert!(skip_unavailable_default(StackVersion::new(8, 15)));
    assert!(skip_unavailable_default(StackVersion::new(9, 0)));
    let unset = remote_setup(&RemoteCluster {
        skip_unavailable: None,
        ..remote(Security::ApiKey, Mode::Proxy, &["es:9443"])
    });
    assert!(
        unset
            .settings
            .iter()
            .all(|(k, _)| !k.ends_with("skip_unavailable"))
    );
}

/// `cluster.remote.signing.*` is the global signing trust (`CrossClusterApiKeySignatureManager`
/// loads it from the `cluster.remote.` settings under `signing.`): no remote may be so named.
#[wasm_bindgen_test(unsupported = test)]
fn an_alias_named_signing_is_refused() {
    let setup = remote_setup(&RemoteCluster {
        alias: "signing".to_owned(),
        ..remote(Security::ApiKey, Mode::Proxy, &["es:9443"])
    });
    assert_eq!(setup.findings[0].field, "alias");
    assert!(
        setup.findings[0]
            .message
            .contains("collides with cluster.remote.signing.*")
    );
    assert!(crate::trust::remote::check_alias("signing").is_err());
    assert!(crate::trust::remote::check_alias("signing-eu").is_ok());
}
