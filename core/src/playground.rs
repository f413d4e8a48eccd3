//! The token playground's decisions, shared by the browser (decoding as you type, with no
//! request) and the server (validation, token generation): what the admin pasted, the token
//! taken apart for display — also when Elasticsearch would refuse to parse it — the claims
//! table with human times, warnings, which setting a failed step points at, and the claims a
//! generated test token starts from.
//!
//! Decisions the reference leaves open:
//! - A pasted value without whitespace is a bare token and is sent as `Bearer <token>`; a value
//!   with a scheme is sent as written, so `bearer <jwt>` gets Elasticsearch's verdict on a
//!   lower-case scheme (no JWT realm sees the token).
//! - "Very long lifetime" means more than 24 hours from `iat` (or now) to `exp`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::jwt::algorithm::{Algorithm, Family};
use crate::jwt::authenticate::Step;
use crate::jwt::realm::JwtRealm;
use crate::jwt::token::{ParsedJwt, decode_object, epoch_seconds};
pub use crate::time::{parse_utc, span, utc};

use crate::time::DAY;

/// What the admin pasted, read as a request header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pasted {
    /// The `Authorization` header value to send (empty when nothing was pasted).
    pub authorization: String,
    /// The token part, for decoding.
    pub token: String,
    /// Why Elasticsearch would not see the token as a bearer JWT, when it would not.
    pub scheme_note: Option<String>,
}

/// Reads a pasted token, `Bearer <token>` or a whole `Authorization: Bearer <token>` line.
pub fn read_pasted(input: &str) -> Pasted {
    let mut text = input.trim();
    if text
        .get(..14)
        .is_some_and(|head| head.eq_ignore_ascii_case("authorization:"))
    {
        text = text[14..].trim();
    }
    let Some((scheme, rest)) = text.split_once(char::is_whitespace) else {
        let authorization = if text.is_empty() {
            String::new()
        } else {
            format!("Bearer {text}")
        };
        return Pasted {
            authorization,
            token: text.to_owned(),
            scheme_note: None,
        };
    };
    let scheme_note = (scheme != "Bearer").then(|| {
        format!(
            "Elasticsearch reads a JWT only after the case-sensitive scheme [Bearer ]; with [{scheme}] no JWT realm sees this token"
        )
    });
    Pasted {
        authorization: text.to_owned(),
        token: rest.trim().to_owned(),
        scheme_note,
    }
}

/// One Base64URL part of the token, decoded for display.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecodedPart {
    /// The part as pasted.
    pub raw: String,
    /// Pretty-printed JSON, or why the part is not a JSON object.
    pub json: Result<String, String>,
}

/// A token taken apart, without verifying anything.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decoded {
    /// The JOSE header.
    pub header: DecodedPart,
    /// The claims.
    pub payload: DecodedPart,
    /// The signature as pasted (empty for an unsecured token).
    pub signature: String,
    /// Parts beyond the third (a JWE has five).
    pub extra_parts: usize,
    /// What every JWT realm says when it parses the token: `None` when it is a signed JWT
    /// Elasticsearch reads, else the reason it is refused before any realm setting applies.
    pub refused: Option<String>,
    /// The claims table.
    pub claims: Vec<ClaimRow>,
    /// What an admin should know before validating.
    pub warnings: Vec<String>,
}

/// One row of the claims table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    /// Claim name.
    pub name: String,
    /// Its value as compact JSON.
    pub value: String,
    /// What the claim means, for registered and common claims.
    pub meaning: Option<String>,
    /// For the date claims: the time in UTC and how far from now.
    pub time: Option<ClaimTime>,
}

/// A date claim in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimTime {
    /// `2099-01-01 00:00:00 UTC`.
    pub utc: String,
    /// `expires in 3 h`, `expired 2 days ago`, `issued 5 min ago`.
    pub relative: String,
    /// Whether the time is before now.
    pub past: bool,
}

/// How many keys a realm holds per family, and its allowed algorithms: enough to warn about
/// a token without `kid`, with nothing secret in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealmKeys {
    /// Realm name.
    pub realm: String,
    /// `allowed_signature_algorithms`.
    pub algorithms: Vec<String>,
    /// Usable PKC keys (`None` when the console has no copy of the set).
    pub pkc_keys: Option<usize>,
    /// Usable HMAC keys.
    pub hmac_keys: usize,
    /// `allowed_clock_skew`, whole seconds (for the token timeline).
    #[serde(default)]
    pub clock_skew_secs: i64,
    /// Whether the realm reads access tokens (`nbf` is not checked then).
    #[serde(default)]
    pub access_token: bool,
}

impl RealmKeys {
    /// The counts of one loaded realm.
    pub fn of(realm: &JwtRealm) -> Self {
        Self {
            realm: realm.name.clone(),
            algorithms: realm
                .allowed_algorithms
                .iter()
                .map(|a| a.name().to_owned())
                .collect(),
            pkc_keys: realm.pkc_keys.as_ref().map(|k| k.keys.len()),
            hmac_keys: realm.hmac_keys.keys.len(),
            clock_skew_secs: realm.allowed_clock_skew.secs(),
            access_token: realm.token_type == crate::jwt::realm::TokenType::AccessToken,
        }
    }
}

/// Takes a token apart for display. `now_secs` is the evaluation time; `realms` are the key
/// counts for the `kid` warning.
pub fn decode(token: &str, now_secs: i64, realms: &[RealmKeys]) -> Decoded {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("");
    let decode_part = |raw: &str| DecodedPart {
        raw: raw.to_owned(),
        json: decode_object(raw)
            .map(|map| serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default()),
    };
    let header = decode_object(part(0)).unwrap_or_default();
    let claims = decode_object(part(1)).unwrap_or_default();
    let refused = ParsedJwt::parse(token.trim()).err().map(|e| e.0);
    Decoded {
        header: decode_part(part(0)),
        payload: decode_part(part(1)),
        signature: part(2).to_owned(),
        extra_parts: parts.len().saturating_sub(3),
        refused,
        claims: claim_rows(&claims, now_secs),
        warnings: warnings(&header, &claims, now_secs, realms),
    }
}

/// The claims table, in the token's order.
pub fn claim_rows(claims: &Map<String, Value>, now_secs: i64) -> Vec<ClaimRow> {
    claims
        .iter()
        .map(|(name, value)| ClaimRow {
            name: name.clone(),
            value: value.to_string(),
            meaning: meaning(name).map(str::to_owned),
            time: matches!(name.as_str(), "exp" | "iat" | "nbf" | "auth_time")
                .then(|| epoch_seconds(value))
                .flatten()
                .map(|secs| claim_time(name, secs, now_secs)),
        })
        .collect()
}

fn meaning(claim: &str) -> Option<&'static str> {
    Some(match claim {
        "iss" => "Issuer: checked against allowed_issuer",
        "sub" => "Subject: checked against allowed_subjects / allowed_subject_patterns",
        "aud" => "Audience: one value must be in allowed_audiences",
        "exp" => "Expiration time: required; must be after now − allowed_clock_skew",
        "iat" => "Issued at: required; must be before now + allowed_clock_skew",
        "nbf" => "Not before: when present (id_token), must be before now + allowed_clock_skew",
        "auth_time" => "Time the user authenticated: when present (id_token), checked like nbf",
        "jti" => "JWT ID",
        "nonce" => "OpenID Connect nonce (not checked by the JWT realm)",
        "azp" => "Authorized party",
        "client_id" => "OAuth client (the access_token fallback for sub)",
        "scope" => "OAuth scopes",
        "email" => "Email (a common claims.mail)",
        "name" => "Full name (a common claims.name)",
        "groups" => "Groups (a common claims.groups)",
        "roles" => "Roles (usable as claims.groups)",
        _ => return None,
    })
}

/// A date claim as UTC and as a distance from now, worded for the claim.
pub fn claim_time(claim: &str, secs: i64, now_secs: i64) -> ClaimTime {
    let delta = secs.saturating_sub(now_secs);
    let past = delta < 0;
    let span = span(delta.unsigned_abs());
    let relative = match (claim, past) {
        ("exp", false) => format!("expires in {span}"),
        ("exp", true) => format!("expired {span} ago"),
        ("iat", false) => format!("issued {span} in the future"),
        ("iat", true) => format!("issued {span} ago"),
        ("nbf", false) => format!("not valid for another {span}"),
        ("nbf", true) => format!("valid since {span} ago"),
        ("auth_time", false) => format!("authenticated {span} in the future"),
        (_, false) => format!("in {span}"),
        (_, true) => format!("{span} ago"),
    };
    ClaimTime {
        utc: utc(secs),
        relative,
        past,
    }
}

fn warnings(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    now_secs: i64,
    realms: &[RealmKeys],
) -> Vec<String> {
    let mut out = Vec::new();
    let alg = header.get("alg").and_then(Value::as_str);
    if alg.is_some_and(|a| a.eq_ignore_ascii_case("none")) {
        out.push(
            "alg [none]: an unsecured token that anyone can forge; Elasticsearch refuses it"
                .to_owned(),
        );
    }
    let exp = claims.get("exp").and_then(epoch_seconds);
    match exp {
        None => out.push(
            "no [exp] claim: the token never expires, and Elasticsearch refuses it (missing required date claim [exp])"
                .to_owned(),
        ),
        Some(exp) => {
            let start = claims
                .get("iat")
                .and_then(epoch_seconds)
                .unwrap_or(now_secs);
            let lifetime = exp.saturating_sub(start);
            if lifetime > DAY {
                out.push(format!(
                    "very long lifetime: {} from {} to exp; a leaked token stays usable that long",
                    span(lifetime.unsigned_abs()),
                    if claims.contains_key("iat") { "iat" } else { "now" }
                ));
            }
        }
    }
    let no_kid = header.get("kid").and_then(Value::as_str).is_none();
    if let (true, Some(alg)) = (no_kid, alg.and_then(|a| a.parse::<Algorithm>().ok())) {
        for realm in realms {
            if !realm.algorithms.iter().any(|a| a == alg.name()) {
                continue;
            }
            let keys = match alg.family() {
                Family::Hmac => realm.hmac_keys,
                Family::Pkc => realm.pkc_keys.unwrap_or(0),
            };
            if keys > 1 {
                out.push(format!(
                    "no [kid] header, while realm [{}] has {keys} keys for {}: Elasticsearch tries every candidate key in turn, and a rotated-out key cannot be told apart",
                    realm.realm, alg.name()
                ));
            }
        }
    }
    out
}

/// The realm settings a failed step points at, relative to the realm (`allowed_issuer`). For
/// the signature, the key settings of the token's algorithm family.
pub fn step_settings(step: Step, alg: Option<&str>) -> &'static [&'static str] {
    match step {
        Step::ClientAuthentication => &[
            "client_authentication.type",
            "client_authentication.shared_secret",
        ],
        Step::Cache => &["jwt.cache.ttl", "jwt.cache.size"],
        Step::TokenParse | Step::Credentials => &[],
        Step::Typ => &["token_type"],
        Step::Iss => &["allowed_issuer"],
        Step::Sub => &[
            "allowed_subjects",
            "allowed_subject_patterns",
            "fallback_claims.sub",
        ],
        Step::Aud => &["allowed_audiences", "fallback_claims.aud"],
        Step::Alg => &["allowed_signature_algorithms"],
        Step::Iat | Step::Exp | Step::Nbf | Step::AuthTime => &["allowed_clock_skew"],
        Step::RequiredClaims => &["required_claims"],
        Step::Signature | Step::JwksReload => {
            match alg
                .and_then(|a| a.parse::<Algorithm>().ok())
                .map(Algorithm::family)
            {
                Some(Family::Hmac) => &["hmac_key", "hmac_jwkset"],
                _ => &["pkc_jwkset_path"],
            }
        }
        Step::Principal => &["claims.principal", "claim_patterns.principal"],
        Step::RoleMapping => &["authorization_realms"],
        Step::RunAs => &[],
    }
}

/// Claims a test token for `realm` starts from, so that it passes the realm's claim checks:
/// its issuer, first audience, a subject it allows, the principal claim, one value of each
/// required claim, and one hour of validity from `now_secs`.
pub fn default_claims(realm: &JwtRealm, now_secs: i64) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("iss".to_owned(), json!(realm.allowed_issuer));
    if let Some(aud) = realm.allowed_audiences.first() {
        claims.insert("aud".to_owned(), json!(aud));
    }
    let sub = realm
        .allowed_subjects
        .first()
        .cloned()
        .unwrap_or_else(|| "test_user".to_owned());
    claims.insert("sub".to_owned(), json!(sub));
    if let Some(principal) = &realm.claims.principal {
        claims
            .entry(principal.claim.clone())
            .or_insert_with(|| json!("test_user"));
    }
    if let Some(groups) = &realm.claims.groups {
        claims
            .entry(groups.claim.clone())
            .or_insert_with(|| json!(["test_group"]));
    }
    for (claim, values) in &realm.required_claims {
        if let Some(first) = values.first() {
            claims.insert(claim.clone(), json!(first));
        }
    }
    claims.insert("iat".to_owned(), json!(now_secs));
    claims.insert("exp".to_owned(), json!(now_secs + 3_600));
    claims
}

/// Longest lifetime a token signed with a key the live cluster trusts may have, in seconds.
pub const LIVE_TOKEN_MAX_LIFETIME_SECS: i64 = 60 * 60;

/// Checks the claims of a token signed with a key the live cluster trusts: it must carry an
/// `exp` at most [`LIVE_TOKEN_MAX_LIFETIME_SECS`] after `now_secs`, so that a minted token
/// cannot outlive an hour on the cluster.
///
/// # Errors
/// What is wrong with `exp`, for the `claims` field.
pub fn check_live_token_lifetime(claims: &Map<String, Value>, now_secs: i64) -> Result<(), String> {
    let limit = now_secs.saturating_add(LIVE_TOKEN_MAX_LIFETIME_SECS);
    match claims.get("exp").and_then(Value::as_f64) {
        None => Err(format!(
            "a token signed with a key the live cluster trusts needs a numeric exp at most 1 hour ahead (≤ {limit})"
        )),
        Some(exp) if exp > limit as f64 => Err(format!(
            "exp {exp} is more than 1 hour ahead; tokens signed with a key the live cluster trusts expire by {limit} at the latest"
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests;
