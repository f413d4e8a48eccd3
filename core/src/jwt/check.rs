//! A whole request as Elasticsearch handles it: the realm chain, then role mapping (or the
//! delegated `authorization_realms` lookup), then run_as. The verdict carries the trace and
//! the `_authenticate` body.
//!
//! Decisions on points the reference leaves open:
//! - With `authorization_realms`, `lookup_realm` in `_authenticate` is the JWT realm, as it is
//!   for any user that is not run as someone else.
//! - An empty `es-security-runas-user` header fails authentication (401, `RealmsAuthenticator
//!   .lookupRunAsUser` → `runAsDenied`); the trace carries Elasticsearch's debug log line.
//! - A run_as target that is found but disabled fails authentication (401,
//!   `AuthenticatorChain.finishAuthentication`), before any run_as privilege is checked. So does
//!   a disabled user found through `authorization_realms`: the realm succeeds with it, and
//!   authentication then fails as a whole (no later realm is tried).
//! - With `xpack.security.authc.run_as.enabled: false` the header is ignored
//!   (`AuthenticatorChain.maybeLookupRunAsUser`).
//! - A refused run_as carries Elasticsearch's 403 text for the `_authenticate` action, followed
//!   by the console's explanation of why.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use std::sync::Arc;

use super::authenticate::{
    AfterPrincipal, JwtUser, Message, Outcome, Request, Step, TraceEntry, authenticate_with,
    failed_authentication, token_principal_of,
};
use super::realm::{JwtRealm, RealmChain};
use crate::directory::{Directory, RealmRef, User};
use crate::role_mapping::{Mapped, RoleMapping, UserModel, map_roles};

/// The `_authenticate` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// Username.
    pub username: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Full name.
    pub full_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Metadata.
    pub metadata: Map<String, Value>,
    /// Always true for an authenticated user.
    pub enabled: bool,
    /// The realm that checked the credentials.
    pub authentication_realm: RealmRef,
    /// The realm the effective user came from.
    pub lookup_realm: RealmRef,
    /// `realm` for realm users.
    pub authentication_type: String,
}

impl Identity {
    /// A user built by a JWT realm, with its mapped roles.
    pub fn jwt(realm: &str, user: &JwtUser, roles: Vec<String>) -> Self {
        let realm = RealmRef::new(realm, "jwt");
        Self {
            username: user.username.clone(),
            roles,
            full_name: user.full_name.clone(),
            email: user.email.clone(),
            metadata: user.metadata.clone(),
            enabled: true,
            lookup_realm: realm.clone(),
            authentication_realm: realm,
            authentication_type: "realm".to_owned(),
        }
    }

    fn looked_up(user: &User, authentication_realm: RealmRef, lookup_realm: RealmRef) -> Self {
        Self {
            username: user.username.clone(),
            roles: user.roles.clone(),
            full_name: user.full_name.clone(),
            email: user.email.clone(),
            metadata: user.metadata.clone(),
            enabled: true,
            authentication_realm,
            lookup_realm,
            authentication_type: "realm".to_owned(),
        }
    }
}

/// What role mapping and run_as see besides the realms.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The realms.
    pub chain: &'a RealmChain,
    /// The role mappings (native store).
    pub mappings: &'a [RoleMapping],
    /// Roles and native users.
    pub directory: &'a Directory,
}

/// The verdict on one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Whether the request is authenticated (and any run_as allowed).
    pub authenticated: bool,
    /// The realm that authenticated the token, also when run_as was refused.
    pub realm: Option<String>,
    /// The `_authenticate` body of the effective user.
    pub user: Option<Identity>,
    /// The user the authenticating realm built from the claims, before role mapping
    /// (username, groups, dn, mail, name, metadata), also when run_as was refused.
    pub token_user: Option<JwtUser>,
    /// Every step of every realm tried.
    pub trace: Vec<TraceEntry>,
    /// The HTTP status Elasticsearch answers with: 200, 401 or 403.
    pub status: u16,
    /// Elasticsearch's error text for 401 and 403.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How each role was granted to the authenticated user (`None` when no role mapping ran,
    /// e.g. with `authorization_realms`).
    pub mapped: Option<Mapped>,
}

/// The URI in Elasticsearch's messages.
const URI: &str = "/_security/_authenticate";
/// The action `_authenticate` runs.
const ACTION: &str = "cluster:admin/xpack/security/user/authenticate";

/// Checks a request: realms, role mapping or delegated lookup, then run_as.
pub fn check(ctx: Context<'_>, request: Request<'_>, run_as: Option<&str>) -> Verdict {
    let mut identity = None;
    let mut mapped = None;
    let mut after = |realm: &JwtRealm, user: &JwtUser, trace: &mut Vec<TraceEntry>| {
        let (outcome, message, next) = resolve(ctx, realm, user, &mut identity, &mut mapped);
        trace.push(TraceEntry {
            realm: Arc::from(realm.name.as_str()),
            step: Step::RoleMapping,
            outcome,
            message: message.into(),
        });
        next
    };
    let result = authenticate_with(ctx.chain, request, &mut after);
    let error = Some(result.failure_message(URI));
    let (realm, token_user) = result.success.unzip();
    let mut verdict = Verdict {
        authenticated: false,
        realm: None,
        user: None,
        token_user,
        trace: result.trace,
        status: 401,
        error,
        mapped,
    };
    let (Some(realm), Some(identity)) = (realm, identity) else {
        return verdict;
    };
    verdict.realm = Some(realm.clone());
    let Some(target) = run_as else {
        verdict.trace.push(entry(
            &realm,
            Outcome::Skip,
            "no es-security-runas-user header",
        ));
        return accept(verdict, identity);
    };
    if !ctx.chain.run_as_enabled {
        verdict.trace.push(entry(
            &realm,
            Outcome::Skip,
            format!(
                "xpack.security.authc.run_as.enabled is false: the es-security-runas-user header [{target}] is ignored"
            ),
        ));
        return accept(verdict, identity);
    }
    match run_as_user(ctx, &identity, target) {
        Ok(effective) => {
            verdict.trace.push(entry(
                &realm,
                Outcome::Pass,
                format!(
                    "[{}] runs as [{target}], found in realm [{}]; only [{target}]'s roles apply",
                    identity.username, effective.lookup_realm.name
                ),
            ));
            accept(verdict, effective)
        }
        Err(RunAsRefusal::Unauthenticated(reason)) => {
            verdict.trace.push(entry(&realm, Outcome::Fail, reason));
            verdict.status = 401;
            // `runAsDenied` → `failedAuthentication` for the token's principal.
            let principal = token_principal_of(request.authorization);
            verdict.error = Some(failed_authentication(principal.as_deref(), URI));
            verdict
        }
        Err(RunAsRefusal::Forbidden(message)) => {
            verdict
                .trace
                .push(entry(&realm, Outcome::Fail, message.clone()));
            verdict.status = 403;
            verdict.error = Some(message);
            verdict
        }
    }
}

/// Why run_as did not happen: authentication fails (401) or authorization refuses (403).
enum RunAsRefusal {
    /// The reason for the trace; the answer is the token's `failedAuthentication` text.
    Unauthenticated(String),
    /// Elasticsearch's 403 text plus the console's explanation.
    Forbidden(String),
}

fn accept(mut verdict: Verdict, identity: Identity) -> Verdict {
    verdict.authenticated = true;
    verdict.status = 200;
    verdict.error = None;
    verdict.user = Some(identity);
    verdict
}

fn entry(realm: &str, outcome: Outcome, message: impl Into<Message>) -> TraceEntry {
    TraceEntry {
        realm: Arc::from(realm),
        step: Step::RunAs,
        outcome,
        message: message.into(),
    }
}

/// Role mapping, or the delegated lookup when the realm has `authorization_realms`.
fn resolve(
    ctx: Context<'_>,
    realm: &JwtRealm,
    user: &JwtUser,
    identity: &mut Option<Identity>,
    mapped_out: &mut Option<Mapped>,
) -> (Outcome, String, AfterPrincipal) {
    if !realm.authorization_realms.is_empty() {
        return delegate(ctx, realm, user, identity);
    }
    let model = UserModel::new(
        &user.username,
        user.dn.as_deref(),
        &user.groups,
        &user.metadata,
        &realm.name,
    );
    match map_roles(ctx.mappings, &model) {
        Ok(mapped) => {
            let message = describe_mapping(&mapped, ctx.mappings.len());
            *identity = Some(Identity::jwt(&realm.name, user, mapped.roles.clone()));
            *mapped_out = Some(mapped);
            (Outcome::Pass, message, AfterPrincipal::Accept)
        }
        Err(e) => (
            Outcome::Fail,
            format!(
                "role mapping [{}] failed, so authentication fails: {}",
                e.mapping, e.message
            ),
            AfterPrincipal::Stop,
        ),
    }
}

fn describe_mapping(mapped: &Mapped, total: usize) -> String {
    if total == 0 {
        return "no role mappings are defined; roles []".to_owned();
    }
    let mut parts = vec![format!("roles [{}]", mapped.roles.join(","))];
    for grant in &mapped.grants {
        parts.push(format!(
            "[{}] from mapping [{}] {} because {}",
            grant.role,
            grant.mapping,
            grant.via,
            grant.because.join(" and ")
        ));
    }
    for name in &mapped.disabled_matches {
        parts.push(format!("mapping [{name}] matches but is disabled"));
    }
    parts.join("; ")
}

/// `DelegatedAuthorizationSupport`: only the principal is passed on; the looked-up user is the
/// user. Realms this console cannot query are named in the message.
fn delegate(
    ctx: Context<'_>,
    realm: &JwtRealm,
    user: &JwtUser,
    identity: &mut Option<Identity>,
) -> (Outcome, String, AfterPrincipal) {
    let mut unqueried = Vec::new();
    for name in &realm.authorization_realms {
        match lookup_in(ctx, name, &user.username) {
            Lookup::Found(found) if !found.enabled => {
                let message = format!(
                    "authorization_realms: [{}] found in realm [{name}] but is disabled, so authentication fails (user [{}] is disabled. failing authentication)",
                    found.username, found.username
                );
                return (Outcome::Fail, message, AfterPrincipal::Stop);
            }
            Lookup::Found(found) => {
                let jwt_realm = RealmRef::new(&realm.name, "jwt");
                let message = format!(
                    "authorization_realms: [{}] found in realm [{name}]; roles [{}] come from there, role mappings are not used",
                    found.username,
                    found.roles.join(",")
                );
                *identity = Some(Identity::looked_up(&found, jwt_realm.clone(), jwt_realm));
                return (Outcome::Pass, message, AfterPrincipal::Accept);
            }
            Lookup::NotFound => {}
            Lookup::CannotQuery(kind) => unqueried.push(format!("{name} ({kind})")),
        }
    }
    let mut message = format!(
        "the principal [{}] was authenticated, but no user could be found in realms [{}]",
        user.username,
        realm.authorization_realms.join(",")
    );
    if !unqueried.is_empty() {
        message.push_str(&format!(
            " (this console cannot query realms [{}]; it knows the native users you gave it)",
            unqueried.join(", ")
        ));
    }
    (Outcome::Fail, message, AfterPrincipal::Continue)
}

enum Lookup {
    Found(User),
    NotFound,
    CannotQuery(String),
}

/// The native realm holding the directory's users: the first configured one, else the
/// implicit `default_native`; `None` when the configured one is disabled.
fn native_realm(chain: &RealmChain) -> Option<String> {
    match chain.realms.iter().find(|r| r.kind == "native") {
        Some(r) if r.enabled => Some(r.name.clone()),
        Some(_) => None,
        None => Some("default_native".to_owned()),
    }
}

fn lookup_in(ctx: Context<'_>, realm_name: &str, username: &str) -> Lookup {
    let Some(realm) = ctx.chain.realm(realm_name) else {
        return Lookup::NotFound;
    };
    if !realm.enabled || !realm.supports_lookup {
        return Lookup::NotFound;
    }
    match realm.kind.as_str() {
        "native" if native_realm(ctx.chain).as_deref() == Some(realm_name) => ctx
            .directory
            .native_user_any(username)
            .cloned()
            .map_or(Lookup::NotFound, Lookup::Found),
        "native" | "file" => Lookup::NotFound,
        other => Lookup::CannotQuery(other.to_owned()),
    }
}

/// Run-as lookup (reserved realm, then the chain) and authorization, as Elasticsearch does:
/// an empty name or a disabled target fails authentication; a target that does not exist is
/// refused with the same message as one not granted.
fn run_as_user(
    ctx: Context<'_>,
    authenticated: &Identity,
    target: &str,
) -> Result<Identity, RunAsRefusal> {
    let who = &authenticated.username;
    if target.is_empty() {
        return Err(RunAsRefusal::Unauthenticated(format!(
            "user [{who}] attempted to runAs with an empty username"
        )));
    }
    let mut effective = Vec::new();
    let mut missing = Vec::new();
    let mut granted = false;
    for name in &authenticated.roles {
        match ctx.directory.role(name) {
            Some(role) => {
                granted |= role.grants_run_as(target);
                effective.push(name.clone());
            }
            None => missing.push(name.clone()),
        }
    }
    effective.sort();
    let mut denied = format!(
        "action [{ACTION}] is unauthorized for user [{who}] with effective roles [{}]",
        effective.join(",")
    );
    if !missing.is_empty() {
        missing.sort();
        denied.push_str(&format!(
            " (assigned roles [{}] were not found)",
            missing.join(",")
        ));
    }
    denied.push_str(&format!(
        ", because user [{who}] is unauthorized to run as [{target}]"
    ));
    let found = if let Some(user) = Directory::reserved_user(target) {
        Some((user, RealmRef::new("reserved", "reserved")))
    } else {
        native_realm(ctx.chain).and_then(|realm| {
            ctx.directory
                .native_user_any(target)
                .map(|u| (u.clone(), RealmRef::new(&realm, "native")))
        })
    };
    if let Some((user, realm)) = &found
        && !user.enabled
    {
        return Err(RunAsRefusal::Unauthenticated(format!(
            "the run_as user [{target}] was found in realm [{}] but is disabled, so authentication fails (user [{target}] is disabled. failing authentication)",
            realm.name
        )));
    }
    let Some((user, lookup_realm)) = found else {
        let others: Vec<String> = ctx
            .chain
            .realms
            .iter()
            .filter(|r| {
                r.enabled && r.supports_lookup && !matches!(r.kind.as_str(), "native" | "file")
            })
            .map(|r| format!("{} ({})", r.name, r.kind))
            .collect();
        let mut reason = format!(
            "{denied} — the user [{target}] was not found in the reserved or native realm, so Elasticsearch refuses the run_as"
        );
        if !others.is_empty() {
            reason.push_str(&format!(
                " (realms [{}] could hold the user; this console cannot query them)",
                others.join(", ")
            ));
        }
        return Err(RunAsRefusal::Forbidden(reason));
    };
    if !granted {
        return Err(RunAsRefusal::Forbidden(format!(
            "{denied} — no role of [{who}] has a run_as pattern matching [{target}]"
        )));
    }
    Ok(Identity::looked_up(
        &user,
        authenticated.authentication_realm.clone(),
        lookup_realm,
    ))
}

#[cfg(test)]
mod tests;
