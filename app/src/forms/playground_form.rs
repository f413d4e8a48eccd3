//! The playground's forms and the shapes its result panel reads: the request form as the
//! validate input, the trace grouped per realm with links to the setting at fault, the user
//! and how each role was granted, the sample identity a verdict saves, and the test token form.

use serde_json::{Map, Value, json};
use trust_core::field::FieldError;
use trust_core::jwt::authenticate::{Outcome, Step, TraceEntry};
use trust_core::jwt::check::Verdict;
use trust_core::playground::{parse_utc, read_pasted, step_settings};

use crate::api::playground::{GenerateInput, PlaygroundRealm, SigningKey, ValidateInput};

/// What the admin typed into the request form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestForm {
    /// Token, `Bearer <token>` or a whole `Authorization:` line.
    pub token: String,
    /// `ES-Client-Authentication` value.
    pub client_authentication: String,
    /// `es-security-runas-user` value.
    pub run_as: String,
    /// One realm's name; empty for the whole chain.
    pub realm: String,
    /// `datetime-local` text (UTC); empty for now.
    pub evaluate_at: String,
}

impl RequestForm {
    /// The evaluation time: `None` for now.
    ///
    /// # Errors
    /// Why the time is not readable.
    pub fn now(&self) -> Result<Option<i64>, String> {
        let text = self.evaluate_at.trim();
        if text.is_empty() {
            Ok(None)
        } else {
            parse_utc(text).map(Some)
        }
    }

    /// The validate request, or the field at fault and why.
    ///
    /// # Errors
    /// The form field (its element id) and why.
    pub fn to_input(&self) -> Result<ValidateInput, FieldError> {
        let pasted = read_pasted(&self.token);
        if pasted.authorization.is_empty() {
            return Err(FieldError::new(
                "token",
                "paste a JWT or an Authorization header value",
            ));
        }
        let now = self.now().map_err(|m| FieldError::new("evaluate-at", m))?;
        let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Ok(ValidateInput {
            authorization: pasted.authorization,
            client_authentication: optional(&self.client_authentication),
            run_as: optional(&self.run_as),
            realm: optional(&self.realm),
            now,
        })
    }
}

/// How one realm dealt with the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RealmOutcome {
    /// It authenticated the token.
    Accepted,
    /// It declined; the next realm was tried.
    Declined,
}

/// One realm's part of the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct RealmTrace {
    /// The realm (empty when no JWT realm is configured).
    pub realm: String,
    /// Accepted or declined.
    pub outcome: RealmOutcome,
    /// Its steps in order.
    pub steps: Vec<TraceEntry>,
}

/// The trace grouped per realm, in chain order. The realm that authenticated the token is
/// accepted even when run_as is then refused (Elasticsearch's 403 comes after authentication).
pub fn group_trace(verdict: &Verdict) -> Vec<RealmTrace> {
    let mut groups: Vec<RealmTrace> = Vec::new();
    for entry in &verdict.trace {
        match groups.last_mut() {
            Some(group) if *group.realm == *entry.realm => group.steps.push(entry.clone()),
            _ => groups.push(RealmTrace {
                realm: entry.realm.to_string(),
                outcome: RealmOutcome::Declined,
                steps: vec![entry.clone()],
            }),
        }
    }
    if let Some(realm) = &verdict.realm
        && let Some(group) = groups.iter_mut().rev().find(|g| &g.realm == realm)
    {
        group.outcome = RealmOutcome::Accepted;
    }
    groups
}

/// Where to fix a failed step: the realm editor at the setting's field, or the role
/// mappings / roles pages.
pub fn fix_link(entry: &TraceEntry, alg: Option<&str>) -> Option<(String, String)> {
    if entry.outcome != Outcome::Fail || entry.realm.is_empty() {
        return None;
    }
    match entry.step {
        Step::RoleMapping => Some(("/role-mappings".to_owned(), "role mappings".to_owned())),
        Step::RunAs => Some(("/roles-users".to_owned(), "roles & users".to_owned())),
        step => step_settings(step, alg).first().map(|setting| {
            (
                crate::nav::realm_setting_href(&entry.realm, setting),
                (*setting).to_owned(),
            )
        }),
    }
}

/// The step's name as Elasticsearch's docs would say it (`required_claims`, `run_as`).
pub fn step_label(step: Step) -> String {
    serde_json::to_value(step)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Each role of the effective user with the mapping that granted it (`None` for roles that
/// came from a looked-up user).
pub fn role_sources(verdict: &Verdict) -> Vec<(String, Option<String>)> {
    let Some(user) = &verdict.user else {
        return Vec::new();
    };
    let grants = verdict
        .mapped
        .as_ref()
        .map(|m| m.grants.as_slice())
        .unwrap_or_default();
    user.roles
        .iter()
        .map(|role| {
            let from: Vec<String> = grants
                .iter()
                .filter(|g| &g.role == role)
                .map(|g| format!("{} ({})", g.mapping, g.via))
                .collect();
            (role.clone(), (!from.is_empty()).then(|| from.join(", ")))
        })
        .collect()
}

/// The `_authenticate` body Elasticsearch would return, pretty-printed.
pub fn authenticate_json(verdict: &Verdict) -> Option<String> {
    verdict
        .user
        .as_ref()
        .and_then(|u| serde_json::to_string_pretty(u).ok())
}

/// The sample identity a verdict saves: the user the authenticating realm built, before any
/// run_as (role mappings see that user).
pub fn sample_identity(verdict: &Verdict) -> Option<Value> {
    let user = verdict.token_user.as_ref()?;
    let realm = verdict.realm.as_ref()?;
    let mut body = json!({
        "username": user.username,
        "groups": user.groups,
        "metadata": user.metadata,
        "realm": realm,
    });
    if let Some(dn) = &user.dn {
        body["dn"] = json!(dn);
    }
    Some(body)
}

/// The test token form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerateForm {
    /// The realm whose key signs.
    pub realm: String,
    /// `realm_hmac` or `test_key`.
    pub key: String,
    /// The algorithm.
    pub algorithm: String,
    /// The `kid` header.
    pub kid: String,
    /// Claims as JSON text.
    pub claims: String,
    /// The console password, for a key the live cluster trusts.
    pub password: String,
}

impl GenerateForm {
    /// Whether the chosen key signs tokens the live cluster accepts: the realm's HMAC key
    /// always, a test key when the realm's JWK set holds its public key.
    pub fn signs_live_tokens(&self, realm: Option<&PlaygroundRealm>) -> bool {
        match self.signing_key() {
            SigningKey::RealmHmac => true,
            SigningKey::TestKey => realm
                .and_then(|r| r.test_key.as_ref())
                .is_some_and(|k| k.trusted_by_realm),
        }
    }

    /// The form for `realm`: its HMAC key when it has one, else its test key, with its first
    /// algorithm that key can sign and its default claims.
    pub fn for_realm(realm: &PlaygroundRealm) -> Self {
        let key = if realm.hmac || realm.test_key.is_none() {
            SigningKey::RealmHmac
        } else {
            SigningKey::TestKey
        };
        let algorithm = signing_algorithms(realm, key)
            .into_iter()
            .next()
            .unwrap_or_default();
        Self {
            realm: realm.keys.realm.clone(),
            key: key_name(key).to_owned(),
            algorithm,
            kid: String::new(),
            claims: serde_json::to_string_pretty(&Value::Object(realm.default_claims.clone()))
                .unwrap_or_default(),
            password: String::new(),
        }
    }

    /// The signing key chosen.
    pub fn signing_key(&self) -> SigningKey {
        if self.key == key_name(SigningKey::TestKey) {
            SigningKey::TestKey
        } else {
            SigningKey::RealmHmac
        }
    }

    /// The generate request, or the field at fault.
    ///
    /// # Errors
    /// The form field (its element id) and why.
    pub fn to_input(&self) -> Result<GenerateInput, FieldError> {
        if self.realm.is_empty() {
            return Err(FieldError::new(
                "gen-realm",
                "choose the realm whose key signs",
            ));
        }
        if self.algorithm.is_empty() {
            return Err(FieldError::new(
                "gen-algorithm",
                "this key can sign none of the realm's allowed algorithms",
            ));
        }
        let claims: Map<String, Value> = match serde_json::from_str(&self.claims) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(FieldError::new(
                    "gen-claims",
                    "the claims must be a JSON object",
                ));
            }
            Err(e) => {
                return Err(FieldError::new(
                    "gen-claims",
                    format!("not valid JSON: {e}"),
                ));
            }
        };
        Ok(GenerateInput {
            realm: self.realm.clone(),
            key: self.signing_key(),
            algorithm: self.algorithm.clone(),
            kid: (!self.kid.trim().is_empty()).then(|| self.kid.trim().to_owned()),
            claims,
            password: (!self.password.is_empty()).then(|| self.password.clone()),
        })
    }
}

/// The form value of a signing key.
pub fn key_name(key: SigningKey) -> &'static str {
    match key {
        SigningKey::RealmHmac => "realm_hmac",
        SigningKey::TestKey => "test_key",
    }
}

/// The realm's allowed algorithms that `key` can sign.
pub fn signing_algorithms(realm: &PlaygroundRealm, key: SigningKey) -> Vec<String> {
    realm
        .keys
        .algorithms
        .iter()
        .filter(|alg| match key {
            SigningKey::RealmHmac => realm.hmac && alg.starts_with("HS"),
            SigningKey::TestKey => realm
                .test_key
                .as_ref()
                .is_some_and(|k| k.algorithms.contains(alg)),
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use trust_core::playground::RealmKeys;

    use super::*;
    use crate::api::playground::TestKeyView;

    fn verdict(value: Value) -> Verdict {
        serde_json::from_value(value).unwrap()
    }

    fn entry(realm: &str, step: &str, outcome: &str) -> Value {
        json!({"realm": realm, "step": step, "outcome": outcome, "message": "m"})
    }

    #[test]
    fn the_request_form_becomes_the_headers_elasticsearch_sees() {
        let form = RequestForm {
            token: "a.b.c".to_owned(),
            client_authentication: " SharedSecret s ".to_owned(),
            run_as: String::new(),
            realm: "jwt8".to_owned(),
            evaluate_at: "2026-12-03T14:30".to_owned(),
        };
        let input = form.to_input().unwrap();
        assert_eq!(input.authorization, "Bearer a.b.c");
        assert_eq!(
            input.client_authentication.as_deref(),
            Some("SharedSecret s")
        );
        assert_eq!(input.run_as, None);
        assert_eq!(input.realm.as_deref(), Some("jwt8"));
        assert_eq!(input.now, Some(1_796_308_200));

        let empty = RequestForm::default().to_input().unwrap_err();
        assert_eq!(empty.field, "token");
        let bad_time = RequestForm {
            token: "a.b.c".to_owned(),
            evaluate_at: "soon".to_owned(),
            ..RequestForm::default()
        };
        assert_eq!(bad_time.to_input().unwrap_err().field, "evaluate-at");
    }

    #[test]
    fn the_trace_groups_per_realm_and_marks_the_one_that_authenticated() {
        let v = verdict(json!({
            "authenticated": false, "realm": "b", "user": null, "token_user": null,
            "status": 403, "error": "denied", "mapped": null,
            "trace": [
                entry("a", "token_parse", "pass"), entry("a", "iss", "fail"),
                entry("b", "token_parse", "pass"), entry("b", "principal", "pass"),
                entry("b", "run_as", "fail")
            ]
        }));
        let groups = group_trace(&v);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].outcome, RealmOutcome::Declined);
        assert_eq!(groups[0].steps.len(), 2);
        assert_eq!(groups[1].outcome, RealmOutcome::Accepted);
        assert_eq!(groups[1].steps.len(), 3);
        let iss = &groups[0].steps[1];
        assert_eq!(
            fix_link(iss, Some("HS256")),
            Some((
                "/realms/a#setting-allowed_issuer".to_owned(),
                "allowed_issuer".to_owned()
            ))
        );
        assert_eq!(fix_link(&groups[0].steps[0], None), None);
        assert_eq!(
            fix_link(&groups[1].steps[2], None).unwrap().0,
            "/roles-users"
        );
        assert_eq!(step_label(Step::RequiredClaims), "required_claims");
    }

    #[test]
    fn a_signature_failure_links_to_the_key_setting_of_the_token_family() {
        let e: TraceEntry = serde_json::from_value(entry("r", "signature", "fail")).unwrap();
        assert_eq!(
            fix_link(&e, Some("HS256")).unwrap().0,
            "/realms/r#setting-hmac_key"
        );
        assert_eq!(
            fix_link(&e, Some("RS256")).unwrap().0,
            "/realms/r#setting-pkc_jwkset_path"
        );
        let skew: TraceEntry = serde_json::from_value(entry("r", "exp", "fail")).unwrap();
        assert_eq!(
            fix_link(&skew, None).unwrap().0,
            "/realms/r#setting-allowed_clock_skew"
        );
    }

    fn authenticated() -> Verdict {
        verdict(json!({
            "authenticated": true, "realm": "jwt2", "status": 200,
            "user": {
                "username": "user2", "roles": ["a", "b"], "full_name": null, "email": "u@x",
                "metadata": {"jwt_token_type": "id_token"}, "enabled": true,
                "authentication_realm": {"name": "jwt2", "type": "jwt"},
                "lookup_realm": {"name": "jwt2", "type": "jwt"}, "authentication_type": "realm"
            },
            "token_user": {"username": "user2", "groups": ["g1"], "dn": null, "email": "u@x",
                "full_name": null, "metadata": {"jwt_token_type": "id_token"}},
            "mapped": {"roles": ["a", "b"], "disabled_matches": [], "grants": [
                {"role": "a", "mapping": "m1", "via": "roles", "because": ["x"]},
                {"role": "a", "mapping": "m2", "via": "role_templates[0]", "because": ["y"]}
            ]},
            "trace": []
        }))
    }

    #[test]
    fn roles_name_their_mappings_and_the_user_saves_as_a_sample_identity() {
        let v = authenticated();
        assert_eq!(
            role_sources(&v),
            [
                (
                    "a".to_owned(),
                    Some("m1 (roles), m2 (role_templates[0])".to_owned())
                ),
                ("b".to_owned(), None)
            ]
        );
        assert_eq!(
            sample_identity(&v),
            Some(
                json!({"username": "user2", "groups": ["g1"], "metadata": {"jwt_token_type": "id_token"}, "realm": "jwt2"})
            )
        );
        assert!(
            authenticate_json(&v)
                .unwrap()
                .contains("\"authentication_type\": \"realm\"")
        );
    }

    fn realm(hmac: bool, test_algs: Option<&[&str]>) -> PlaygroundRealm {
        PlaygroundRealm {
            keys: RealmKeys {
                realm: "r".to_owned(),
                algorithms: vec!["HS256".to_owned(), "RS256".to_owned(), "ES256".to_owned()],
                pkc_keys: Some(1),
                hmac_keys: usize::from(hmac),
                clock_skew_secs: 60,
                access_token: false,
            },
            order: Some(1),
            hmac,
            test_key: test_algs.map(|algs| TestKeyView {
                public_jwk: json!({}),
                algorithms: algs.iter().map(|&a| a.to_owned()).collect(),
                trusted_by_realm: false,
                changed_at: String::new(),
            }),
            default_claims: json!({"iss": "i"}).as_object().unwrap().clone(),
        }
    }

    #[test]
    fn the_generate_form_offers_what_the_key_can_sign() {
        let hmac = GenerateForm::for_realm(&realm(true, None));
        assert_eq!(hmac.key, "realm_hmac");
        assert_eq!(hmac.algorithm, "HS256");
        let rsa = GenerateForm::for_realm(&realm(false, Some(&["RS256", "RS384"])));
        assert_eq!(rsa.key, "test_key");
        assert_eq!(rsa.algorithm, "RS256");
        assert_eq!(
            signing_algorithms(&realm(true, Some(&["ES256"])), SigningKey::TestKey),
            ["ES256"]
        );
        let input = rsa.to_input().unwrap();
        assert_eq!(input.key, SigningKey::TestKey);
        assert_eq!(Value::Object(input.claims), json!({"iss": "i"}));
        let none = GenerateForm::for_realm(&realm(false, None));
        assert_eq!(none.to_input().unwrap_err().field, "gen-algorithm");
        let bad = GenerateForm {
            claims: "[1]".to_owned(),
            ..hmac
        };
        assert_eq!(bad.to_input().unwrap_err().field, "gen-claims");
    }
}
