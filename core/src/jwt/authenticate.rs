//! Token validation through the realm chain, exactly in Elasticsearch's order, recording one
//! trace entry per step: token_parse, client_authentication, typ, iss, sub, aud, alg, iat,
//! exp, nbf, auth_time, required_claims, signature, jwks_reload, principal. The first realm that succeeds
//! wins; a failing realm hands the token to the next one.
//!
//! After a failed PKC signature Elasticsearch reloads the key set once and retries when it
//! changed (`jwks_reload`). This module does no I/O: the caller passes what a fetch of each
//! `https` set gave in [`Request::reloads`]; a file set is re-read as the same content.
//!
//! The JWT cache (`jwt.cache.ttl` / `jwt.cache.size`) is shown, not simulated: the trace has
//! a skipped `cache` step right after client authentication, where Elasticsearch looks the
//! token up (`JwtRealm.authenticate`). Every check here is a first presentation (a miss);
//! the step says for how long a success would be served from the cache — until
//! `exp + allowed_clock_skew`, at most `jwt.cache.ttl` — and what a hit skips (every claim
//! check and the signature; client authentication still runs, delegated authorization is
//! resolved again). Elasticsearch clears the cache when role mappings change and when a JWK
//! set reload finds new keys; the cache is off when the ttl or the size is not positive.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::algorithm::{Algorithm, Family};
use super::keys::{Jwk, candidates, filter_keys, parse_jwks};
use super::push_int;
use super::realm::{
    ChainLink, ClaimSetting, ClientAuthType, JwtRealm, PkcSource, RealmChain, TokenType,
};
use super::token::{ClientCredential, ParsedJwt, bearer, client_credential, epoch_seconds};
use crate::config::TimeValue;
use crate::diagnostic::StackVersion;

/// The steps of the trace, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs, reason = "each variant is the step of the same name")]
pub enum Step {
    ClientAuthentication,
    /// Where Elasticsearch's JWT cache is read (informational: always a miss here).
    Cache,
    TokenParse,
    Typ,
    Iss,
    Sub,
    Aud,
    Alg,
    Iat,
    Exp,
    Nbf,
    AuthTime,
    RequiredClaims,
    Signature,
    JwksReload,
    Principal,
    RoleMapping,
    RunAs,
    /// A realm that is not a JWT realm: it reads other credentials and passes the token by.
    Credentials,
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed; the realm stops here.
    Fail,
    /// The check does not apply.
    Skip,
}

/// One trace line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// The realm that ran the step (empty when no JWT realm is configured). Shared by the
    /// realm's entries: a trace line costs no copy of the name.
    pub realm: Arc<str>,
    /// The step.
    pub step: Step,
    /// Pass, fail or skip.
    pub outcome: Outcome,
    /// Elasticsearch's message for failures; a plain explanation otherwise. Fixed texts are
    /// borrowed, not allocated.
    pub message: Message,
}

/// A trace message: a fixed text or one built from the token's values.
pub type Message = Cow<'static, str>;

/// What the client sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// Raw `Authorization` header value.
    pub authorization: Option<&'a str>,
    /// Raw `ES-Client-Authentication` header value.
    pub client_authentication: Option<&'a str>,
    /// Now, in epoch milliseconds.
    pub now_millis: i64,
    /// The stack version whose rules apply (`at+jwt` acceptance).
    pub version: Option<StackVersion>,
    /// What fetching realms' `https` JWK sets once more gave, for the reload after a failed
    /// PKC signature. A realm without an entry gets a skipped reload step saying what
    /// Elasticsearch would do.
    pub reloads: &'a [JwksReload],
}

/// The answer to fetching one realm's `https` PKC JWK set again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwksReload {
    /// The realm.
    pub realm: String,
    /// The set's content, or why the fetch failed (Elasticsearch's wording).
    pub fetched: Result<String, String>,
}

/// The user properties a realm extracted from the claims.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JwtUser {
    /// Principal.
    pub username: String,
    /// `claims.groups` values.
    pub groups: Vec<String>,
    /// `claims.dn` value.
    pub dn: Option<String>,
    /// `claims.mail` value.
    pub email: Option<String>,
    /// `claims.name` value.
    pub full_name: Option<String>,
    /// `jwt_token_type` and `jwt_claim_*`.
    pub metadata: Map<String, Value>,
}

/// The realm chain's verdict on a token, before role mapping and run_as.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainResult {
    /// The realm that authenticated the token, with the user it built.
    pub success: Option<(String, JwtUser)>,
    /// Every step of every realm tried.
    pub trace: Vec<TraceEntry>,
    /// The token principal, for the 401 message.
    pub token_principal: Option<String>,
}

impl ChainResult {
    /// The 401 reason Elasticsearch returns when no realm authenticates the request.
    pub fn failure_message(&self, uri: &str) -> String {
        failed_authentication(self.token_principal.as_deref(), uri)
    }
}

/// `DefaultAuthenticationFailureHandler.failedAuthentication` for a token's principal, or the
/// missing-credentials text without one.
pub fn failed_authentication(token_principal: Option<&str>, uri: &str) -> String {
    match token_principal {
        Some(p) => format!("unable to authenticate user [{p}] for REST request [{uri}]"),
        None => format!("missing authentication credentials for REST request [{uri}]"),
    }
}

/// The principal of a request's bearer token (`JwtAuthenticationToken.principal`), for the
/// rare failure after a realm succeeded (run_as); the successful path never builds it.
pub fn token_principal_of(authorization: Option<&str>) -> Option<String> {
    let raw = bearer(authorization)?;
    Some(ParsedJwt::parse(raw).map_or_else(
        |_| "<unrecognized JWT token>".to_owned(),
        |jwt| jwt.token_principal(),
    ))
}

/// What the caller decides once a realm has built its user (role mapping, delegated lookup).
pub(crate) enum AfterPrincipal {
    /// The realm succeeds.
    Accept,
    /// The realm is unsuccessful; the next realm gets the token.
    Continue,
    /// Authentication fails outright.
    Stop,
}

/// Runs the token through every enabled JWT realm in chain order.
pub fn authenticate(chain: &RealmChain, request: Request<'_>) -> ChainResult {
    authenticate_with(chain, request, &mut |_, _, _| AfterPrincipal::Accept)
}

/// [`authenticate`], with `after` deciding each realm's result once its user is built; `after`
/// records its own trace entries.
pub(crate) fn authenticate_with(
    chain: &RealmChain,
    request: Request<'_>,
    after: &mut dyn FnMut(&JwtRealm, &JwtUser, &mut Vec<TraceEntry>) -> AfterPrincipal,
) -> ChainResult {
    // Only a token no realm can read needs the realms' names: one failed line each.
    let fail_all = |message: Message| {
        let mut names: Vec<&str> = chain.jwt_realms().map(|r| r.name.as_str()).collect();
        if names.is_empty() {
            names.push("");
        }
        ChainResult {
            success: None,
            trace: names
                .into_iter()
                .map(|n| TraceEntry {
                    realm: Arc::from(n),
                    step: Step::TokenParse,
                    outcome: Outcome::Fail,
                    message: message.clone(),
                })
                .collect(),
            token_principal: None,
        }
    };
    let Some(raw) = bearer(request.authorization) else {
        return fail_all(Cow::Borrowed(
            "no JWT: the Authorization header is missing, blank, or does not start with [Bearer ] (case-sensitive)",
        ));
    };
    let jwt = match ParsedJwt::parse(raw) {
        Ok(jwt) => jwt,
        Err(e) => {
            let mut result = fail_all(Cow::Owned(format!(
                "the bearer value is not a JWT and is skipped by every JWT realm: {e}"
            )));
            result.token_principal = Some("<unrecognized JWT token>".to_owned());
            return result;
        }
    };
    // Room for the two implicit realms' lines and one JWT realm's seventeen.
    let mut trace = Vec::with_capacity(20);
    let credential = client_credential(request.client_authentication);
    for link in chain.links() {
        let realm = match link {
            ChainLink::Jwt(realm) => realm,
            ChainLink::Other {
                name,
                kind,
                implicit,
            } => {
                trace.push(TraceEntry {
                    realm: other_realm_name(name, implicit),
                    step: Step::Credentials,
                    outcome: Outcome::Skip,
                    message: passes_by(kind, implicit),
                });
                continue;
            }
        };
        let mut t = Tracer {
            realm: Arc::clone(&realm.trace_name),
            trace: &mut trace,
        };
        t.pass(
            Step::TokenParse,
            joined(&["signed JWT with alg [", jwt.alg(), "]"]),
        );
        let Some(user) = validate(realm, &jwt, &credential, request, &mut t) else {
            continue;
        };
        let success = match after(realm, &user, &mut trace) {
            AfterPrincipal::Continue => continue,
            AfterPrincipal::Accept => Some((realm.name.clone(), user)),
            AfterPrincipal::Stop => None,
        };
        // The token principal only feeds the 401 message, so it is built only on failure
        // (a run_as that fails authentication later rebuilds it: `token_principal_of`).
        let token_principal = success.is_none().then(|| jwt.token_principal());
        return ChainResult {
            success,
            trace,
            token_principal,
        };
    }
    ChainResult {
        success: None,
        trace,
        token_principal: Some(jwt.token_principal()),
    }
}

/// The name of a realm of another type for its trace line: the realms Elasticsearch adds by
/// itself are in every trace, so their names are shared, not allocated.
fn other_realm_name(name: &str, implicit: bool) -> Arc<str> {
    static DEFAULT_FILE: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("default_file"));
    static DEFAULT_NATIVE: LazyLock<Arc<str>> = LazyLock::new(|| Arc::from("default_native"));
    match (name, implicit) {
        ("default_file", true) => Arc::clone(&DEFAULT_FILE),
        ("default_native", true) => Arc::clone(&DEFAULT_NATIVE),
        _ => Arc::from(name),
    }
}

/// Why a realm of another type lets the bearer token pass. The realms Elasticsearch adds by
/// itself are in every trace, so their texts are fixed (and checked against the general form).
fn passes_by(kind: &str, implicit: bool) -> Message {
    const DEFAULT_FILE: &str = "a file realm, added by Elasticsearch because no realm of that type is configured: it reads Basic credentials (username and password), so the Bearer JWT passes it by";
    const DEFAULT_NATIVE: &str = "a native realm, added by Elasticsearch because no realm of that type is configured: it reads Basic credentials (username and password), so the Bearer JWT passes it by";
    match (kind, implicit) {
        ("file", true) => Cow::Borrowed(DEFAULT_FILE),
        ("native", true) => Cow::Borrowed(DEFAULT_NATIVE),
        _ => Cow::Owned(passes_by_text(kind, implicit)),
    }
}

fn passes_by_text(kind: &str, implicit: bool) -> String {
    let added = if implicit {
        ", added by Elasticsearch because no realm of that type is configured"
    } else {
        ""
    };
    format!(
        "a {kind} realm{added}: it reads {}, so the Bearer JWT passes it by",
        super::realm::credentials_read_by(kind)
    )
}

struct Tracer<'a> {
    realm: Arc<str>,
    trace: &'a mut Vec<TraceEntry>,
}

impl Tracer<'_> {
    fn push(&mut self, step: Step, outcome: Outcome, message: impl Into<Message>) {
        self.trace.push(TraceEntry {
            realm: Arc::clone(&self.realm),
            step,
            outcome,
            message: message.into(),
        });
    }
    fn pass(&mut self, step: Step, message: impl Into<Message>) {
        self.push(step, Outcome::Pass, message);
    }
    fn skip(&mut self, step: Step, message: impl Into<Message>) {
        self.push(step, Outcome::Skip, message);
    }
    fn fail(&mut self, step: Step, message: impl Into<Message>) -> Option<JwtUser> {
        self.push(step, Outcome::Fail, message);
        None
    }
}

fn validate(
    realm: &JwtRealm,
    jwt: &ParsedJwt,
    credential: &ClientCredential,
    request: Request<'_>,
    t: &mut Tracer<'_>,
) -> Option<JwtUser> {
    fn step(
        r: Result<impl Into<Message>, impl Into<Message>>,
        s: Step,
        t: &mut Tracer<'_>,
    ) -> bool {
        match r {
            Ok(m) => {
                t.pass(s, m);
                true
            }
            Err(m) => {
                t.fail(s, m);
                false
            }
        }
    }
    if !step(
        client_auth(realm, credential),
        Step::ClientAuthentication,
        t,
    ) {
        return None;
    }
    t.skip(Step::Cache, cache_note(realm, jwt, request.now_millis));
    let version = request.version.unwrap_or_default();
    if !step(check_typ(realm, jwt, version), Step::Typ, t) {
        return None;
    }
    let iss = StringClaimCheck {
        claim: "iss",
        fallback: None,
        single: true,
        values: std::slice::from_ref(&realm.allowed_issuer),
        patterns: None,
    };
    if !step(iss.check(jwt), Step::Iss, t) {
        return None;
    }
    let sub = StringClaimCheck {
        claim: "sub",
        fallback: realm.fallback_sub.as_deref(),
        single: true,
        values: &realm.allowed_subjects,
        patterns: realm.subject_patterns.as_ref(),
    };
    if !step(sub.check(jwt), Step::Sub, t) {
        return None;
    }
    let aud = StringClaimCheck {
        claim: "aud",
        fallback: realm.fallback_aud.as_deref(),
        single: false,
        values: &realm.allowed_audiences,
        patterns: None,
    };
    if !step(aud.check(jwt), Step::Aud, t) {
        return None;
    }
    if !step(check_alg(realm, jwt), Step::Alg, t) {
        return None;
    }
    let skew = realm.allowed_clock_skew.secs();
    let now = request.now_millis;
    if !step(
        date_check(jwt, "iat", false, DateRule::BeforeNow, now, skew),
        Step::Iat,
        t,
    ) {
        return None;
    }
    if !step(
        date_check(jwt, "exp", false, DateRule::AfterNow, now, skew),
        Step::Exp,
        t,
    ) {
        return None;
    }
    for (claim, s) in [("nbf", Step::Nbf), ("auth_time", Step::AuthTime)] {
        if realm.token_type == TokenType::AccessToken {
            t.skip(s, format!("[{claim}] is not checked for access tokens"));
        } else if !step(
            date_check(jwt, claim, true, DateRule::BeforeNow, now, skew),
            s,
            t,
        ) {
            return None;
        }
    }
    if realm.required_claims.is_empty() {
        t.skip(Step::RequiredClaims, "no required_claims configured");
    }
    for (claim, values) in &realm.required_claims {
        let check = StringClaimCheck {
            claim,
            fallback: None,
            single: false,
            values,
            patterns: None,
        };
        if !step(check.check(jwt), Step::RequiredClaims, t) {
            return None;
        }
    }
    if !step(check_signature(realm, jwt), Step::Signature, t)
        && !reload_and_retry(realm, jwt, request.reloads, t)
    {
        return None;
    }
    match build_user(realm, jwt) {
        Ok(user) => {
            t.pass(
                Step::Principal,
                joined(&["principal [", &user.username, "]"]),
            );
            Some(user)
        }
        Err(message) => t.fail(Step::Principal, message),
    }
}

/// What Elasticsearch's JWT cache would do with a token: nothing when it is off; else how
/// long a success would be served without checking claims or signature again. The realm's
/// settings are written into the texts once; a token adds only its dates.
#[derive(Clone, Debug)]
pub(crate) struct CacheNote {
    /// The whole line when the cache is off.
    off: Option<String>,
    /// `until exp + allowed_clock_skew [<skew>] (`
    until_exp: String,
    /// `for jwt.cache.ttl [<ttl>] (`
    for_ttl: String,
    /// `for at most jwt.cache.ttl [<ttl>]`
    at_most: String,
    /// From `, without checking` to the end.
    tail: String,
    ttl_millis: i64,
    skew_millis: i64,
}

impl CacheNote {
    const FIRST: &'static str = "not cached (a first presentation): after a success Elasticsearch serves this exact token from its JWT cache ";

    pub(crate) fn new(ttl: TimeValue, size: i64, skew: TimeValue) -> Self {
        let off = (ttl.millis() <= 0 || size <= 0).then(|| format!(
            "the JWT cache is off (jwt.cache.ttl [{ttl}], jwt.cache.size [{size}]): Elasticsearch checks every presentation of the token in full"
        ));
        Self {
            off,
            until_exp: format!("until exp + allowed_clock_skew [{skew}] ("),
            for_ttl: format!("for jwt.cache.ttl [{ttl}] ("),
            at_most: format!("for at most jwt.cache.ttl [{ttl}]"),
            tail: format!(
                ", without checking claims or signature again (client authentication still runs); role-mapping changes and a JWK set reload with new keys clear the cache (jwt.cache.size [{size}])"
            ),
            ttl_millis: ttl.millis(),
            skew_millis: skew.millis().max(0),
        }
    }

    /// The line for a token whose `exp` is `exp_secs`, presented at `now_millis`.
    fn write(&self, exp_secs: Option<i64>, now_millis: i64) -> String {
        use crate::time::Utc;
        if let Some(off) = &self.off {
            return off.clone();
        }
        let mut note = String::with_capacity(400);
        note.push_str(Self::FIRST);
        match exp_secs {
            Some(exp) => {
                let expires = exp.saturating_mul(1000).saturating_add(self.skew_millis);
                let evicted = now_millis.saturating_add(self.ttl_millis);
                if expires <= evicted {
                    note.push_str(&self.until_exp);
                    Utc(expires.div_euclid(1000)).push_to(&mut note);
                    note.push(')');
                } else {
                    note.push_str(&self.for_ttl);
                    Utc(evicted.div_euclid(1000)).push_to(&mut note);
                    note.push_str("), before exp + allowed_clock_skew");
                }
            }
            None => note.push_str(&self.at_most),
        }
        note.push_str(&self.tail);
        note
    }
}

fn cache_note(realm: &JwtRealm, jwt: &ParsedJwt, now_millis: i64) -> String {
    let exp = jwt.claim("exp").and_then(epoch_seconds);
    realm.cache_note.write(exp, now_millis)
}

fn client_auth(realm: &JwtRealm, credential: &ClientCredential) -> Result<Message, Message> {
    let java = realm.client_auth.java_name();
    match (realm.client_auth, credential) {
        (ClientAuthType::None, ClientCredential::Absent) => {
            Ok(Cow::Borrowed("client authentication type is [none]"))
        }
        (ClientAuthType::None, _) => Ok(Cow::Borrowed(
            "client authentication type is [none]: the presented secret is ignored",
        )),
        (ClientAuthType::SharedSecret, ClientCredential::Empty) => {
            Err(Cow::Borrowed("Client shared secret must be non-empty"))
        }
        (ClientAuthType::SharedSecret, ClientCredential::Absent) => Err(Cow::Owned(format!(
            "Rejected client. Authentication type is [{java}] and secret is missing."
        ))),
        (ClientAuthType::SharedSecret, ClientCredential::SharedSecret(s)) => {
            if realm.shared_secret.as_deref() == Some(s.as_str()) {
                Ok(Cow::Borrowed("shared secret matches"))
            } else {
                Err(Cow::Owned(format!(
                    "Rejected client. Authentication type is [{java}] and secret did not match."
                )))
            }
        }
    }
}

fn check_typ(realm: &JwtRealm, jwt: &ParsedJwt, version: StackVersion) -> Result<Message, Message> {
    let Some(typ) = jwt.typ() else {
        return Ok(Cow::Borrowed("no typ header"));
    };
    let at_jwt = realm.token_type == TokenType::AccessToken && version >= StackVersion::AT_JWT_TYP;
    if typ.eq_ignore_ascii_case("JWT") || (at_jwt && typ.eq_ignore_ascii_case("at+jwt")) {
        Ok(Cow::Owned(joined(&["typ [", typ, "] is allowed"])))
    } else {
        Err(Cow::Borrowed("invalid jwt typ header"))
    }
}

struct StringClaimCheck<'a> {
    claim: &'a str,
    fallback: Option<&'a str>,
    single: bool,
    values: &'a [String],
    patterns: Option<&'a crate::patterns::PatternSet>,
}

impl StringClaimCheck<'_> {
    /// `JwtStringClaimValidator.validate` with `FallbackableClaim`.
    fn check(&self, jwt: &ParsedJwt) -> Result<String, String> {
        let (actual, label) = match self.fallback {
            Some(f) if f != self.claim && jwt.claim(self.claim).is_none() => {
                (f, Cow::Owned(format!("{f} (fallback of {})", self.claim)))
            }
            _ => (self.claim, Cow::Borrowed(self.claim)),
        };
        let values: &[Value] = match (jwt.claim(actual), self.single) {
            (None, _) => return Err(format!("missing required string claim [{label}]")),
            (Some(value @ Value::String(_)), _) => std::slice::from_ref(value),
            (Some(_), true) => {
                return Err(format!("cannot parse string claim [{label}] as string"));
            }
            (Some(Value::Array(items)), false) if items.iter().all(Value::is_string) => items,
            (Some(_), false) => {
                return Err(format!(
                    "cannot parse string claim [{label}] as string array"
                ));
            }
        };
        let texts = || values.iter().filter_map(Value::as_str);
        let ok = texts().any(|v| {
            self.values.iter().any(|allowed| allowed == v)
                || self.patterns.is_some_and(|p| p.matches(v))
        });
        let mut message = String::with_capacity(64);
        if ok {
            message.push('[');
            message.push_str(&label);
            message.push_str("] value [");
            push_joined(&mut message, texts());
            message.push_str("] is allowed");
            return Ok(message);
        }
        let patterns = self.patterns.map(ToString::to_string).unwrap_or_default();
        message.push_str("string claim [");
        message.push_str(&label);
        message.push_str("] has value [");
        push_joined(&mut message, texts());
        message.push_str("] which does not match allowed claim values [");
        push_joined(&mut message, self.values.iter().map(String::as_str));
        message.push_str("] || [");
        message.push_str(&patterns);
        message.push(']');
        Err(message)
    }
}

/// The texts one after another, in one allocation: the trace's passing lines are written for
/// every token, and `format!` costs more than the copy.
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `[<claim>] <secs><relation><skew>s`, the line of a date claim that passed.
fn date_passed(claim: &str, secs: i64, relation: &str, skew_secs: i64) -> String {
    let mut out = String::with_capacity(64);
    out.push('[');
    out.push_str(claim);
    out.push_str("] ");
    push_int(&mut out, secs);
    out.push_str(relation);
    push_int(&mut out, skew_secs);
    out.push('s');
    out
}

/// Appends the texts separated by `,` (Java's `String.join(",", ...)`).
fn push_joined<'a>(out: &mut String, texts: impl Iterator<Item = &'a str>) {
    for (i, text) in texts.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(text);
    }
}

fn check_alg(realm: &JwtRealm, jwt: &ParsedJwt) -> Result<String, String> {
    let alg = jwt.alg();
    if realm.allowed_algorithms.iter().any(|a| a.name() == alg) {
        Ok(joined(&["alg [", alg, "] is allowed"]))
    } else {
        let names: Vec<&str> = realm.allowed_algorithms.iter().map(|a| a.name()).collect();
        Err(format!(
            "invalid JWT algorithm [{alg}], allowed algorithms are [{}]",
            names.join(",")
        ))
    }
}

#[derive(Clone, Copy)]
enum DateRule {
    BeforeNow,
    AfterNow,
}

/// `JwtDateClaimValidator`: strict inequalities against now ± skew (whole seconds).
fn date_check(
    jwt: &ParsedJwt,
    claim: &str,
    optional: bool,
    rule: DateRule,
    now_ms: i64,
    skew_secs: i64,
) -> Result<Message, String> {
    let Some(value) = jwt.claim(claim) else {
        return if optional {
            Ok(match claim {
                "nbf" => Cow::Borrowed("no [nbf] claim"),
                "auth_time" => Cow::Borrowed("no [auth_time] claim"),
                _ => Cow::Owned(format!("no [{claim}] claim")),
            })
        } else {
            Err(format!("missing required date claim [{claim}]"))
        };
    };
    let secs = epoch_seconds(value).ok_or_else(|| format!("cannot parse date claim [{claim}]"))?;
    let claim_ms = secs.saturating_mul(1000);
    let skew_ms = skew_secs.saturating_mul(1000);
    match rule {
        DateRule::BeforeNow if claim_ms < now_ms.saturating_add(skew_ms) => Ok(Cow::Owned(
            date_passed(claim, secs, " is before now + ", skew_secs),
        )),
        DateRule::BeforeNow => Err(format!(
            "date claim [{claim}] value [{claim_ms}] must be before now [{now_ms}]"
        )),
        DateRule::AfterNow if claim_ms > now_ms.saturating_sub(skew_ms) => Ok(Cow::Owned(
            date_passed(claim, secs, " is after now - ", skew_secs),
        )),
        DateRule::AfterNow => Err(format!(
            "date claim [{claim}] value [{claim_ms}] must be after now [{now_ms}]"
        )),
    }
}

fn check_signature(realm: &JwtRealm, jwt: &ParsedJwt) -> Result<String, String> {
    let Ok(alg) = jwt.alg().parse::<Algorithm>() else {
        return Err(format!("unsupported algorithm [{}]", jwt.alg()));
    };
    let keys = match alg.family() {
        Family::Hmac if !realm.hmac_configured => {
            return Err(format!(
                "algorithm [{alg}] is a HMAC signing algorithm, but none of the HMAC JWK settings [{p}.hmac_key, {p}.hmac_jwkset] is configured",
                p = realm.prefix
            ));
        }
        Family::Hmac => &realm.hmac_keys.keys,
        Family::Pkc => match (&realm.pkc_source, &realm.pkc_keys) {
            (None, _) => {
                return Err(format!(
                    "algorithm [{alg}] is a PKC signing algorithm, but PKC JWK setting [{}.pkc_jwkset_path] is not configured",
                    realm.prefix
                ));
            }
            (Some(PkcSource::Url(url)), None) => {
                return Err(format!(
                    "the PKC JWK set is fetched from [{url}] by Elasticsearch; this console has no copy of it, so the signature cannot be checked here"
                ));
            }
            (Some(PkcSource::File(path)), None) => {
                return Err(format!(
                    "the PKC JWK set file [{path}] could not be read, so no PKC key is available"
                ));
            }
            (Some(_), Some(filtered)) => &filtered.keys,
        },
    };
    if keys.is_empty() {
        return Err(
            "Signature verification was not attempted since there are not any JWKs available."
                .to_owned(),
        );
    }
    verify(keys, jwt, alg)
}

/// Tries every candidate key in turn (`JwkValidateUtil.validateSignature`).
fn verify(keys: &[Jwk], jwt: &ParsedJwt, alg: Algorithm) -> Result<String, String> {
    let candidates = candidates(keys, jwt.kid(), alg);
    if candidates.is_empty() {
        return Err("Signature verification was not attempted since there are not any JWKs available after filtering for incompatible keys.".to_owned());
    }
    for (i, key) in candidates.iter().enumerate() {
        if key.verify(alg, jwt.signing_input().as_bytes(), jwt.signature_b64()) {
            let mut message = String::with_capacity(64);
            message.push_str("verified with ");
            key.push_label(&mut message);
            message.push_str(" (candidate ");
            push_int(&mut message, i + 1);
            message.push_str(" of ");
            push_int(&mut message, candidates.len());
            message.push(')');
            return Ok(message);
        }
    }
    Err(format!(
        "JWT [{}] signature verification failed.",
        jwt.masked()
    ))
}

/// `JwkSetLoader.reload` after a failed PKC signature: the set is read once more; the same
/// content leaves the first failure standing, new content is filtered like at startup and the
/// signature is checked again with it. HMAC keys are never reloaded.
///
/// Returns whether the retried signature is valid.
fn reload_and_retry(
    realm: &JwtRealm,
    jwt: &ParsedJwt,
    reloads: &[JwksReload],
    t: &mut Tracer<'_>,
) -> bool {
    let Ok(alg) = jwt.alg().parse::<Algorithm>() else {
        return false;
    };
    if alg.family() != Family::Pkc {
        return false;
    }
    let url = match &realm.pkc_source {
        Some(PkcSource::Url(url)) => url,
        Some(PkcSource::File(path)) if realm.pkc_content.is_some() => {
            t.fail(
                Step::JwksReload,
                format!("Elasticsearch reads [{path}] once more: the content is the same as at startup, so the signature failure stands"),
            );
            return false;
        }
        _ => return false,
    };
    let Some(reload) = reloads.iter().find(|r| r.realm == realm.name) else {
        t.skip(
            Step::JwksReload,
            format!("Elasticsearch now fetches [{url}] once more and checks the signature again if the key set changed; this check made no request"),
        );
        return false;
    };
    let content = match &reload.fetched {
        Ok(content) => content,
        Err(message) => {
            t.fail(
                Step::JwksReload,
                format!("reloading [{url}] failed, so the signature failure stands: {message}"),
            );
            return false;
        }
    };
    let before = match &realm.pkc_content {
        Some(before) if before == content => {
            t.fail(
                Step::JwksReload,
                format!("reloaded [{url}]: the key set is unchanged (same SHA-256), so the signature failure stands"),
            );
            return false;
        }
        Some(_) => "the key set changed",
        None => "this console had no copy of it",
    };
    let keys = match parse_jwks(content) {
        Ok(keys) => filter_keys(&keys, &realm.allowed_algorithms, Family::Pkc),
        Err(e) => {
            t.fail(
                Step::JwksReload,
                format!("reloaded [{url}], but the answer is no JWK set, so the signature failure stands: {}", e.0),
            );
            return false;
        }
    };
    t.pass(
        Step::JwksReload,
        format!(
            "reloaded [{url}]: {before}, {} usable key(s); the signature is checked again",
            keys.keys.len()
        ),
    );
    match verify(&keys.keys, jwt, alg) {
        Ok(message) => {
            t.pass(
                Step::Signature,
                format!("{message}, with the reloaded key set"),
            );
            true
        }
        Err(message) => {
            t.fail(Step::Signature, message);
            false
        }
    }
}

/// Claims → user (`ClaimParser`, `JwtRealm.buildUser`).
fn build_user(realm: &JwtRealm, jwt: &ParsedJwt) -> Result<JwtUser, String> {
    let principal_setting = realm
        .claims
        .principal
        .as_ref()
        .ok_or("no claims.principal configured")?;
    let no_principal = || {
        format!(
            "Realm [{}] no principal for token=[{}] parser=[{}] claims=[{}].",
            realm.name,
            jwt.token_principal(),
            principal_setting.claim,
            Value::Object(jwt.claims.clone())
        )
    };
    let principal = claim_values(realm, jwt, principal_setting)?
        .into_iter()
        .next()
        .ok_or_else(no_principal)?;
    let first = |s: &Option<ClaimSetting>| -> Result<Option<String>, String> {
        Ok(match s {
            Some(s) => claim_values(realm, jwt, s)?.into_iter().next(),
            None => None,
        })
    };
    let groups = match &realm.claims.groups {
        Some(s) => claim_values(realm, jwt, s)?,
        None => Vec::new(),
    };
    let mut metadata = Map::with_capacity(1 + jwt.claims.len());
    metadata.insert(
        "jwt_token_type".to_owned(),
        Value::String(realm.token_type.name().to_owned()),
    );
    if realm.populate_user_metadata {
        const PREFIX: &str = "jwt_claim_";
        for (name, value) in &jwt.claims {
            if let Some(v) = metadata_value(name, value) {
                let mut key = String::with_capacity(PREFIX.len() + name.len());
                key.push_str(PREFIX);
                key.push_str(name);
                metadata.insert(key, v);
            }
        }
    }
    Ok(JwtUser {
        username: principal,
        groups,
        dn: first(&realm.claims.dn)?,
        email: first(&realm.claims.mail)?,
        full_name: first(&realm.claims.name)?,
        metadata,
    })
}

/// The values of one claim setting: string or all-string array, fallback for `sub`/`aud` on
/// access-token realms, then `claim_patterns` group 1 (non-matching and empty results dropped).
fn claim_values(
    realm: &JwtRealm,
    jwt: &ParsedJwt,
    setting: &ClaimSetting,
) -> Result<Vec<String>, String> {
    let fallback = match setting.claim.as_str() {
        "sub" => realm.fallback_sub.as_deref(),
        "aud" => realm.fallback_aud.as_deref(),
        _ => None,
    };
    let name = match fallback {
        Some(f) if jwt.claim(&setting.claim).is_none() => f,
        _ => setting.claim.as_str(),
    };
    let raw: Vec<String> = match jwt.claim(name) {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => {
            return Err(format!(
                "Setting [ {}] expects claim [{name}] with String or a String Array value",
                setting.key
            ));
        }
    };
    let Some(pattern) = &setting.pattern else {
        return Ok(raw.into_iter().filter(|v| !v.is_empty()).collect());
    };
    if pattern.group_count() == 0 && !raw.is_empty() {
        return Err("No group 1".to_owned());
    }
    Ok(raw
        .iter()
        .filter_map(|v| pattern.find_group1(v).flatten())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Which claims become `jwt_claim_*`: strings, booleans, numbers, and arrays of only those.
/// `exp`, `iat`, `nbf` never do (Nimbus holds them as dates); `aud` is always a list.
fn metadata_value(name: &str, value: &Value) -> Option<Value> {
    if matches!(name, "exp" | "iat" | "nbf") {
        return None;
    }
    let simple = |v: &Value| v.is_string() || v.is_boolean() || v.is_number();
    match value {
        Value::String(s) if name == "aud" => Some(Value::Array(vec![Value::String(s.clone())])),
        v if simple(v) => Some(v.clone()),
        Value::Array(items) if items.iter().all(simple) => Some(value.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
