use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;
use crate::config::Settings;
use crate::diagnostic::Target;
use crate::jwt::realm::load;
use crate::role_mapping::parse_all;

/// The run_as token of the Elastic docs (spec §7.2).
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiZXMwMSIsImVzMDIiLCJlczAzIl0sInN1YiI6InVzZXIyIiwiaXNzIjoibXktaXNzdWVyIiwiZXhwIjo0MDcwOTA4ODAwLCJpYXQiOjk0NjY4NDgwMCwiZW1haWwiOiJ1c2VyMkBzb21ldGhpbmcuZXhhbXBsZS5jb20ifQ.UgO_9w--EoRyUKcWM5xh9SimTfMzl1aVu6ZBsRWhxQA";
const P: &str = "xpack.security.authc.realms";
const NOW: i64 = 1_700_000_000_000;
/// `failedAuthentication` names the token's principal (`JwtAuthenticationToken.principal`),
/// not the authenticated user.
const TOKEN_401: &str = "unable to authenticate user ['aud:es01,es02,es03' 'email:user2@something.example.com' 'iss:my-issuer' 'sub:user2'] for REST request [/_security/_authenticate]";

fn chain(extra: &str) -> RealmChain {
    let yml = format!(
        "{P}.native.native:\n  order: 0\n{P}.jwt.jwt2:\n  order: 2\n  allowed_issuer: my-issuer\n  allowed_audiences: [es01]\n  allowed_signature_algorithms: [HS256]\n  claims.principal: sub\n  claims.mail: email\n{extra}"
    );
    let secure = format!(
        "{P}.jwt.jwt2.hmac_key: test-HMAC/secret passphrase-value\n{P}.jwt.jwt2.client_authentication.shared_secret: test-secret\n"
    );
    let loaded = load(
        &Settings::from_yaml(&yml).unwrap(),
        &Settings::from_yaml(&secure).unwrap(),
        &|_| None,
        Target::default(),
    );
    assert!(loaded.report.valid, "{:#?}", loaded.report);
    loaded.chain
}

fn directory() -> Directory {
    Directory::parse(
        Some(&json!({"runner": {"run_as": ["user123_*"]}})),
        Some(&json!({
            "user123_runas": {"roles": ["viewer"], "full_name": "Run As", "email": "ra@example.com", "metadata": {"team": "ops"}},
            "user2": {"roles": ["editor"], "full_name": "User Two"}
        })),
    )
    .unwrap()
}

fn verdict(chain: &RealmChain, mappings: Value, run_as: Option<&str>) -> Verdict {
    verdict_in(chain, mappings, &directory(), run_as)
}

fn verdict_in(
    chain: &RealmChain,
    mappings: Value,
    directory: &Directory,
    run_as: Option<&str>,
) -> Verdict {
    let mappings = parse_all(&mappings).unwrap();
    let authorization = format!("Bearer {TOKEN}");
    check(
        Context {
            chain,
            mappings: &mappings,
            directory,
        },
        Request {
            authorization: Some(&authorization),
            client_authentication: Some("sharedsecret test-secret"),
            now_millis: NOW,
            version: None,
            reloads: &[],
        },
        run_as,
    )
}

fn last(v: &Verdict) -> &TraceEntry {
    v.trace.last().unwrap()
}

#[wasm_bindgen_test(unsupported = test)]
fn mapped_roles_and_the_authenticate_body() {
    let v = verdict(
        &chain(""),
        json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"all": [
            {"field": {"realm.name": "jwt2"}},
            {"field": {"metadata.jwt_claim_aud": "es0*"}}
        ]}}}),
        None,
    );
    assert!(v.authenticated, "{:#?}", v.trace);
    assert_eq!(v.status, 200);
    let user = serde_json::to_value(v.user.as_ref().unwrap()).unwrap();
    assert_eq!(
        user,
        json!({
            "username": "user2",
            "roles": ["runner"],
            "full_name": null,
            "email": "user2@something.example.com",
            "metadata": {
                "jwt_token_type": "id_token",
                "jwt_claim_aud": ["es01", "es02", "es03"],
                "jwt_claim_sub": "user2",
                "jwt_claim_iss": "my-issuer",
                "jwt_claim_email": "user2@something.example.com"
            },
            "enabled": true,
            "authentication_realm": {"name": "jwt2", "type": "jwt"},
            "lookup_realm": {"name": "jwt2", "type": "jwt"},
            "authentication_type": "realm"
        })
    );
    let mapping = v
        .trace
        .iter()
        .find(|e| e.step == Step::RoleMapping)
        .unwrap();
    assert_eq!(mapping.outcome, Outcome::Pass);
    assert!(
        mapping
            .message
            .contains("[runner] from mapping [m1] roles because rules.all[0].field.realm.name"),
        "{}",
        mapping.message
    );
    assert_eq!(
        (last(&v).step, last(&v).outcome),
        (Step::RunAs, Outcome::Skip)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn run_as_allowed_switches_to_the_looked_up_user() {
    let grant = json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"field": {"username": "user2"}}}});
    let v = verdict(&chain(""), grant, Some("user123_runas"));
    assert!(v.authenticated, "{:#?}", v.trace);
    assert_eq!(
        (last(&v).step, last(&v).outcome),
        (Step::RunAs, Outcome::Pass)
    );
    let user = v.user.unwrap();
    assert_eq!(user.username, "user123_runas");
    assert_eq!(user.roles, ["viewer"]);
    assert_eq!(user.metadata, *json!({"team": "ops"}).as_object().unwrap());
    assert_eq!(user.authentication_realm, RealmRef::new("jwt2", "jwt"));
    assert_eq!(user.lookup_realm, RealmRef::new("native", "native"));

    let superuser = json!({"m1": {"enabled": true, "roles": ["superuser"], "rules": {"all": []}}});
    let v = verdict(&chain(""), superuser, Some("elastic"));
    let user = v.user.unwrap();
    assert_eq!(user.lookup_realm, RealmRef::new("reserved", "reserved"));
    assert_eq!(user.roles, ["superuser"]);
}

#[wasm_bindgen_test(unsupported = test)]
fn refused_run_as_fails_the_request_with_the_403_text() {
    let base =
        "action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [user2]";
    let none = json!({"m1": {"enabled": true, "roles": ["viewer", "ghost"], "rules": {"all": []}}});
    let v = verdict(&chain(""), none.clone(), Some("user123_runas"));
    assert!(!v.authenticated);
    assert_eq!(v.status, 403);
    assert_eq!(v.realm.as_deref(), Some("jwt2"));
    assert!(v.user.is_none());
    let e = last(&v);
    assert_eq!((e.step, e.outcome), (Step::RunAs, Outcome::Fail));
    assert_eq!(
        e.message,
        format!(
            "{base} with effective roles [viewer] (assigned roles [ghost] were not found), because user [user2] is unauthorized to run as [user123_runas] — no role of [user2] has a run_as pattern matching [user123_runas]"
        )
    );
    let runner = json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"all": []}}});
    let v = verdict(&chain(""), runner.clone(), Some("user123_nobody"));
    assert_eq!(v.status, 403);
    assert!(
        last(&v).message.starts_with(&format!(
            "{base} with effective roles [runner], because user [user2] is unauthorized to run as [user123_nobody] — the user [user123_nobody] was not found"
        )),
        "{}",
        last(&v).message
    );
    let v = verdict(&chain(""), runner, Some(""));
    assert_eq!(
        last(&v).message,
        "user [user2] attempted to runAs with an empty username"
    );
    // `RealmsAuthenticator.lookupRunAsUser` → `runAsDenied`: authentication fails.
    assert_eq!(v.status, 401);
    assert_eq!(v.error.as_deref(), Some(TOKEN_401));
    let disabled_native = chain(&format!("{P}.native.native.enabled: false\n"));
    let runner = json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"all": []}}});
    let v = verdict(&disabled_native, runner, Some("user123_runas"));
    assert!(!v.authenticated, "a disabled native realm finds nobody");
}

#[wasm_bindgen_test(unsupported = test)]
fn delegated_authorization_takes_the_looked_up_user() {
    let delegated = chain("  authorization_realms: [native]\n");
    let ignored = json!({"m1": {"enabled": true, "roles": ["never"], "rules": {"all": []}}});
    let v = verdict(&delegated, ignored.clone(), None);
    assert!(v.authenticated, "{:#?}", v.trace);
    let user = v.user.unwrap();
    assert_eq!(user.roles, ["editor"]);
    assert_eq!(user.full_name.as_deref(), Some("User Two"));
    assert_eq!(user.email, None, "the JWT's mail claim is not used");
    assert_eq!(user.lookup_realm, RealmRef::new("jwt2", "jwt"));

    let yml = format!(
        "{P}.ldap.corp:\n  order: 5\n  url: ldaps://x\n  bind_dn: cn=x\n  user_search.base_dn: dc=x\n  authorization_realms: [native]\n"
    );
    let to_ldap = chain(&format!(
        "  authorization_realms: [corp]\n{}",
        yml.replace("  authorization_realms: [native]\n", "")
    ));
    let v = verdict(&to_ldap, ignored, None);
    assert!(!v.authenticated);
    let mapping = v
        .trace
        .iter()
        .find(|e| e.step == Step::RoleMapping)
        .unwrap();
    assert_eq!(mapping.outcome, Outcome::Fail);
    assert!(
        mapping.message.starts_with(
            "the principal [user2] was authenticated, but no user could be found in realms [corp]"
        ) && mapping
            .message
            .contains("cannot query realms [corp (ldap)]"),
        "{}",
        mapping.message
    );
    assert_eq!(v.status, 401);
    assert_eq!(
        v.error.as_deref(),
        Some(
            "unable to authenticate user ['aud:es01,es02,es03' 'email:user2@something.example.com' 'iss:my-issuer' 'sub:user2'] for REST request [/_security/_authenticate]"
        )
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn a_template_that_cannot_render_fails_authentication() {
    let broken = json!({"t": {"enabled": true, "role_templates": [
        {"template": {"source": "{{username}}"}, "format": "json"}
    ], "rules": {"all": []}}});
    let v = verdict(&chain(""), broken, None);
    assert!(!v.authenticated);
    let e = last(&v);
    assert_eq!((e.step, e.outcome), (Step::RoleMapping, Outcome::Fail));
    assert!(
        e.message.contains("role mapping [t] failed"),
        "{}",
        e.message
    );
}

/// `AuthenticatorChain.finishAuthentication`: a run_as target that is found but disabled fails
/// authentication (401) — also when no role grants run_as to it; an unknown one is a 403.
#[wasm_bindgen_test(unsupported = test)]
fn a_disabled_run_as_target_fails_authentication() {
    let mappings = json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"all": []}}});
    let directory = Directory::parse(
        Some(&json!({"runner": {"run_as": ["user123_*"]}})),
        Some(&json!({"user123_off": {"roles": ["viewer"], "enabled": false}, "other_off": {"roles": [], "enabled": false}})),
    )
    .unwrap();
    let chain = chain("");
    let run = |target: &str| verdict_in(&chain, mappings.clone(), &directory, Some(target));
    for target in ["user123_off", "other_off"] {
        let v = run(target);
        assert_eq!(v.status, 401, "{target}");
        assert!(!v.authenticated);
        assert_eq!(v.error.as_deref(), Some(TOKEN_401));
        assert!(
            last(&v).message.contains("is disabled"),
            "{}",
            last(&v).message
        );
    }
    assert_eq!(run("user123_ghost").status, 403);
}

/// `AuthenticatorChain.maybeLookupRunAsUser`: with run_as turned off the header is ignored.
#[wasm_bindgen_test(unsupported = test)]
fn run_as_turned_off_ignores_the_header() {
    let off = chain("xpack.security.authc.run_as.enabled: false\n");
    assert!(!off.run_as_enabled);
    let runner = json!({"m1": {"enabled": true, "roles": ["runner"], "rules": {"all": []}}});
    let v = verdict(&off, runner.clone(), Some("user123_runas"));
    assert_eq!(v.status, 200);
    assert_eq!(v.user.as_ref().unwrap().username, "user2");
    assert_eq!(last(&v).outcome, Outcome::Skip);
    assert!(last(&v).message.contains("run_as.enabled is false"));
    assert!(chain("").run_as_enabled);
    let v = verdict(&chain(""), runner, Some("user123_runas"));
    assert_eq!(v.user.unwrap().username, "user123_runas");
}

/// `AuthenticatorChain.finishAuthentication` after `DelegatedAuthorizationSupport`: a disabled
/// user found in an authorization realm fails authentication as a whole (401).
#[wasm_bindgen_test(unsupported = test)]
fn a_disabled_user_found_through_authorization_realms_fails_authentication() {
    let delegated = chain("  authorization_realms: [native]\n");
    let directory = Directory::parse(
        Some(&json!({})),
        Some(&json!({"user2": {"roles": ["editor"], "enabled": false}})),
    )
    .unwrap();
    let any = json!({"m1": {"enabled": true, "roles": ["viewer"], "rules": {"all": []}}});
    let v = verdict_in(&delegated, any, &directory, None);
    assert!(!v.authenticated);
    assert_eq!(v.status, 401);
    assert_eq!(v.error.as_deref(), Some(TOKEN_401));
    let lookup = v
        .trace
        .iter()
        .find(|e| e.step == Step::RoleMapping)
        .unwrap();
    assert_eq!(lookup.outcome, Outcome::Fail);
    assert!(lookup.message.contains("is disabled"), "{}", lookup.message);
}
