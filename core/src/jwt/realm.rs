//! The realm chain read from `xpack.security.authc.realms.<type>.<name>.*`: every JWT realm
//! setting typed with Elasticsearch's defaults, other realm types recognised by name, type,
//! order and enabled, and the startup validation Elasticsearch performs while constructing
//! realms (reported as diagnostics instead of stopping at the first).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::config::value::{parse_bool, parse_choice, parse_int, parse_time};
use crate::config::{SettingError, Settings, TimeValue};
use crate::patterns::PatternSet;
use crate::patterns::java::JavaRegex;

use super::algorithm::{Algorithm, Family};
use super::authenticate::CacheNote;
use super::catalog;
use super::keys::{FilteredKeys, Jwk, filter_keys, parse_jwks};
use crate::diagnostic::{Diagnostic, LintReport, StackVersion, Target};

/// Prefix of every realm setting.
pub const REALMS_PREFIX: &str = "xpack.security.authc.realms";

/// `id_token` or `access_token`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    /// OpenID Connect ID tokens (default).
    IdToken,
    /// OAuth2 access tokens.
    AccessToken,
}

impl TokenType {
    /// The setting value.
    pub const fn name(self) -> &'static str {
        match self {
            Self::IdToken => "id_token",
            Self::AccessToken => "access_token",
        }
    }
}

/// `client_authentication.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthType {
    /// `ES-Client-Authentication: SharedSecret <secret>` required (default).
    SharedSecret,
    /// No client authentication.
    None,
}

impl ClientAuthType {
    /// The Java enum name Elasticsearch prints in messages.
    pub const fn java_name(self) -> &'static str {
        match self {
            Self::SharedSecret => "SHARED_SECRET",
            Self::None => "NONE",
        }
    }
}

/// One of `claims.<x>` with its optional `claim_patterns.<x>`.
#[derive(Clone, Debug)]
pub struct ClaimSetting {
    /// The full `claims.<x>` key.
    pub key: String,
    /// The claim name.
    pub claim: String,
    /// The Java regex whose group 1 is kept.
    pub pattern: Option<JavaRegex>,
}

/// The user-property claims a JWT realm reads.
#[derive(Clone, Debug, Default)]
pub struct ClaimSettings {
    /// `claims.principal` (required).
    pub principal: Option<ClaimSetting>,
    /// `claims.groups`.
    pub groups: Option<ClaimSetting>,
    /// `claims.dn`.
    pub dn: Option<ClaimSetting>,
    /// `claims.mail`.
    pub mail: Option<ClaimSetting>,
    /// `claims.name`.
    pub name: Option<ClaimSetting>,
}

/// Where the PKC JWK set comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PkcSource {
    /// A file, resolved against the config directory.
    File(String),
    /// An `https` URL (fetched by the console only on request, never while linting).
    Url(String),
}

/// A JWT realm, fully typed.
#[derive(Clone, Debug)]
pub struct JwtRealm {
    /// Realm name.
    pub name: String,
    /// Prefix of its settings, `xpack.security.authc.realms.jwt.<name>`.
    pub prefix: String,
    /// `token_type`. Default `id_token`.
    pub token_type: TokenType,
    /// `allowed_issuer`. Required.
    pub allowed_issuer: String,
    /// `allowed_audiences`. Required, non-empty.
    pub allowed_audiences: Vec<String>,
    /// `allowed_subjects`. Default empty.
    pub allowed_subjects: Vec<String>,
    /// `allowed_subject_patterns`, as written. Default empty.
    pub allowed_subject_patterns: Vec<String>,
    /// Compiled subject patterns: `*` for id_token realms without subject settings (any
    /// `sub` is accepted); `None` only when the configured patterns do not compile.
    pub subject_patterns: Option<PatternSet>,
    /// `fallback_claims.sub` (access_token only; default `sub`).
    pub fallback_sub: Option<String>,
    /// `fallback_claims.aud` (access_token only; default `aud`).
    pub fallback_aud: Option<String>,
    /// `required_claims.<claim>` in key order.
    pub required_claims: Vec<(String, Vec<String>)>,
    /// `allowed_signature_algorithms`. Default `[RS256]`.
    pub allowed_algorithms: Vec<Algorithm>,
    /// `allowed_clock_skew`. Default 60s.
    pub allowed_clock_skew: TimeValue,
    /// `pkc_jwkset_path`.
    pub pkc_source: Option<PkcSource>,
    /// HMAC keys after the load-time filter (`hmac_key` or `hmac_jwkset`).
    pub hmac_keys: FilteredKeys,
    /// PKC keys after the load-time filter; `None` when the set could not be read here.
    pub pkc_keys: Option<FilteredKeys>,
    /// The PKC JWK set as read, which a reload compares with what it fetches (Elasticsearch
    /// compares SHA-256 hashes of the content; equal content is the same test).
    pub pkc_content: Option<String>,
    /// Whether any HMAC key setting is configured.
    pub hmac_configured: bool,
    /// The claims read into the user.
    pub claims: ClaimSettings,
    /// `populate_user_metadata`. Default true.
    pub populate_user_metadata: bool,
    /// `client_authentication.type`. Default shared_secret.
    pub client_auth: ClientAuthType,
    /// `client_authentication.shared_secret` (secure).
    pub shared_secret: Option<String>,
    /// `client_authentication.rotation_grace_period`. Default 1m.
    pub rotation_grace_period: TimeValue,
    /// `jwt.cache.ttl`. Default 20m.
    pub cache_ttl: TimeValue,
    /// `jwt.cache.size`. Default 100000.
    pub cache_size: i64,
    /// `authorization_realms`. Default empty.
    pub authorization_realms: Vec<String>,
    /// The trace's cache line, its fixed parts written from `jwt.cache.ttl`, `jwt.cache.size`
    /// and `allowed_clock_skew` when the realm is read.
    pub(crate) cache_note: CacheNote,
    /// `name`, shared by the realm's trace lines (every token's trace names its realm).
    pub(crate) trace_name: Arc<str>,
}

/// Any realm in the chain.
#[derive(Clone, Debug)]
pub struct Realm {
    /// The realm type (`jwt`, `native`, `ldap`…).
    pub kind: String,
    /// The realm name.
    pub name: String,
    /// `order` (`None` when missing, which Elasticsearch refuses).
    pub order: Option<i64>,
    /// `enabled`. Default true.
    pub enabled: bool,
    /// Whether the realm can look users up (run_as and `authorization_realms` targets).
    pub supports_lookup: bool,
    /// The JWT settings, for `jwt` realms that could be read.
    pub jwt: Option<JwtRealm>,
}

/// The realms of one configuration, in chain order.
#[derive(Clone, Debug)]
pub struct RealmChain {
    /// Enabled and disabled realms, sorted by order then name.
    pub realms: Vec<Realm>,
    /// `xpack.security.authc.run_as.enabled` (default true): false ignores the run_as header.
    pub run_as_enabled: bool,
}

impl Default for RealmChain {
    fn default() -> Self {
        Self {
            realms: Vec::new(),
            run_as_enabled: true,
        }
    }
}

/// A realm Elasticsearch adds to the chain on its own (`Realms.maybeAddBasicRealms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImplicitRealm {
    /// `default_file` or `default_native`.
    pub name: &'static str,
    /// `file` or `native`.
    pub kind: &'static str,
}

/// The realms Elasticsearch puts at the head of the chain, in their order: `default_file`, then
/// `default_native`, each unless a realm of its type is configured — enabled, or explicitly
/// disabled (`Realms.maybeAddBasicRealms`, `findDisabledBasicRealmTypes`). Both take order
/// `Integer.MIN_VALUE`, so they come before every configured realm.
pub fn implicit_realms<'a>(
    configured_kinds: impl IntoIterator<Item = &'a str>,
) -> Vec<ImplicitRealm> {
    // One pass, no set: this runs for every token the chain checks.
    let (mut file, mut native) = (false, false);
    for kind in configured_kinds {
        file |= kind == "file";
        native |= kind == "native";
    }
    [
        ImplicitRealm {
            name: "default_file",
            kind: "file",
        },
        ImplicitRealm {
            name: "default_native",
            kind: "native",
        },
    ]
    .into_iter()
    .filter(|r| !(if r.kind == "file" { file } else { native }))
    .collect()
}

/// One realm of the chain Elasticsearch runs, in order.
#[derive(Clone, Copy, Debug)]
pub enum ChainLink<'a> {
    /// A JWT realm.
    Jwt(&'a JwtRealm),
    /// Another realm: it reads other credentials, so a Bearer JWT passes it by.
    Other {
        /// Its name.
        name: &'a str,
        /// Its type.
        kind: &'a str,
        /// Whether Elasticsearch added it on its own.
        implicit: bool,
    },
}

impl RealmChain {
    /// The enabled realms in the order Elasticsearch tries them, the implicit `default_file`
    /// and `default_native` first ([`implicit_realms`]). A configured JWT realm whose settings
    /// could not be read is left out, as it would stop the node.
    pub fn links(&self) -> Vec<ChainLink<'_>> {
        let implicit = implicit_realms(self.realms.iter().map(|r| r.kind.as_str()));
        let mut links: Vec<ChainLink<'_>> = implicit
            .iter()
            .map(|r| ChainLink::Other {
                name: r.name,
                kind: r.kind,
                implicit: true,
            })
            .collect();
        for realm in self.realms.iter().filter(|r| r.enabled) {
            match (&realm.jwt, realm.kind.as_str()) {
                (Some(jwt), _) => links.push(ChainLink::Jwt(jwt)),
                (None, "jwt") => {}
                (None, kind) => links.push(ChainLink::Other {
                    name: &realm.name,
                    kind,
                    implicit: false,
                }),
            }
        }
        links
    }
}

/// What a non-JWT realm reads instead of a Bearer JWT.
pub fn credentials_read_by(kind: &str) -> &'static str {
    match kind {
        "file" | "native" | "ldap" | "active_directory" => {
            "Basic credentials (username and password)"
        }
        "pki" => "the TLS client certificate",
        "kerberos" => "Negotiate (SPNEGO) tokens",
        "saml" | "oidc" => "nothing on REST requests (it signs users in through Kibana)",
        _ => "other credentials",
    }
}

/// The node setting that turns run_as off.
pub const RUN_AS_ENABLED: &str = "xpack.security.authc.run_as.enabled";

impl RealmChain {
    /// Enabled JWT realms in the order Elasticsearch tries them.
    pub fn jwt_realms(&self) -> impl Iterator<Item = &JwtRealm> {
        self.realms
            .iter()
            .filter(|r| r.enabled)
            .filter_map(|r| r.jwt.as_ref())
    }

    /// A realm by name.
    pub fn realm(&self, name: &str) -> Option<&Realm> {
        self.realms.iter().find(|r| r.name == name)
    }
}

/// Realm types Elasticsearch knows (JWT first: the console's editor offers it by default).
pub const REALM_TYPES: [&str; 9] = [
    "jwt",
    "file",
    "native",
    "ldap",
    "active_directory",
    "pki",
    "saml",
    "kerberos",
    "oidc",
];

/// Registered claims that fallback claims may not point at.
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Claims that `required_claims` may not name.
const NOT_REQUIRABLE: [&str; 6] = ["iss", "sub", "aud", "exp", "nbf", "iat"];

/// Clock skew above which the console warns.
const LARGE_CLOCK_SKEW: TimeValue = TimeValue::from_secs(300);

/// The result of reading a configuration.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The realms that could be read.
    pub chain: RealmChain,
    /// Everything found along the way.
    pub report: LintReport,
}

/// Reads every realm in `settings` (with keystore values in `secure`), resolving
/// `pkc_jwkset_path` files through `read_file` (and `https` URLs too, when the caller holds a
/// copy it fetched), and checks them against `target`.
pub fn load(
    settings: &Settings,
    secure: &Settings,
    read_file: &dyn Fn(&str) -> Option<String>,
    target: Target,
) -> Loaded {
    let mut diags = Vec::new();
    let mut names: BTreeSet<(String, String)> = BTreeSet::new();
    for (key, _) in settings.iter().chain(secure.iter()) {
        let Some(rest) = key
            .strip_prefix(REALMS_PREFIX)
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        let mut parts = rest.splitn(3, '.');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(kind), Some(name), Some(_)) => {
                names.insert((kind.to_owned(), name.to_owned()));
            }
            _ => diags.push(Diagnostic::error(
                key,
                format!("unknown setting [{key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"),
            )),
        }
    }
    let mut realms = Vec::new();
    for (kind, name) in names {
        let prefix = format!("{REALMS_PREFIX}.{kind}.{name}");
        if !REALM_TYPES.contains(&kind.as_str()) {
            diags.push(Diagnostic::error(
                &prefix,
                format!("unknown realm type [{kind}] for realm [{kind}/{name}]"),
            ));
            continue;
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            diags.push(Diagnostic::error(
                &prefix,
                format!("Invalid realm name [{name}]: only letters, digits, [_] and [-] are allowed (console check)"),
            ));
        }
        let mut reader = Reader {
            settings,
            secure,
            prefix: &prefix,
            diags: &mut diags,
        };
        let order = reader.order(&kind, &name, target);
        let enabled = reader.bool("enabled", true);
        reader.secure_in_yml_check();
        let supports_lookup = supports_lookup(settings, &kind, &prefix);
        let jwt = (kind == "jwt").then(|| read_jwt(&mut reader, &name, read_file, target));
        realms.push(Realm {
            kind,
            name,
            order,
            enabled,
            supports_lookup,
            jwt,
        });
    }
    realms.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
    check_orders(&realms, &mut diags);
    check_reserved_names(&realms, &mut diags);
    check_authorization_realms(&realms, &mut diags);
    let run_as_enabled = match settings.text(RUN_AS_ENABLED) {
        None => true,
        Some(value) => match parse_bool(RUN_AS_ENABLED, &value) {
            Ok(enabled) => enabled,
            Err(e) => {
                diags.push(Diagnostic::error(RUN_AS_ENABLED, e.to_string()));
                true
            }
        },
    };
    Loaded {
        chain: RealmChain {
            realms,
            run_as_enabled,
        },
        report: LintReport::new(diags),
    }
}

fn supports_lookup(settings: &Settings, kind: &str, prefix: &str) -> bool {
    match kind {
        "native" | "file" => true,
        "ldap" => !settings.contains(&format!("{prefix}.user_dn_templates")),
        "active_directory" => settings.contains(&format!("{prefix}.bind_dn")),
        _ => false,
    }
}

fn check_orders(realms: &[Realm], diags: &mut Vec<Diagnostic>) {
    let mut by_order: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for realm in realms.iter().filter(|r| r.enabled) {
        if let Some(order) = realm.order {
            by_order
                .entry(order)
                .or_default()
                .push(format!("{}/{}", realm.kind, realm.name));
        }
    }
    let duplicates: Vec<String> = by_order
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(order, names)| format!("{order}: [{}]", names.join(", ")))
        .collect();
    if !duplicates.is_empty() {
        diags.push(Diagnostic::error(
            REALMS_PREFIX,
            format!(
                "Found multiple realms configured with the same order: {}",
                duplicates.join("; ")
            ),
        ));
    }
}

/// `Realms.ensureRealmNameIsAvailable`: an enabled realm may not take the name of a realm
/// Elasticsearch adds (`reserved` always; `default_file` / `default_native` when added).
fn check_reserved_names(realms: &[Realm], diags: &mut Vec<Diagnostic>) {
    let implicit = implicit_realms(realms.iter().map(|r| r.kind.as_str()));
    let added = std::iter::once("reserved").chain(implicit.iter().map(|r| r.name));
    for name in added {
        if let Some(realm) = realms.iter().find(|r| r.enabled && r.name == name) {
            let key = format!("{REALMS_PREFIX}.{}.{}", realm.kind, realm.name);
            diags.push(Diagnostic::error(
                &key,
                format!(
                    "Found realm configured with name clashing with the [{name}] realm: [{key}]"
                ),
            ));
        }
    }
}

fn check_authorization_realms(realms: &[Realm], diags: &mut Vec<Diagnostic>) {
    for realm in realms {
        let Some(jwt) = &realm.jwt else { continue };
        let key = format!("{}.authorization_realms", jwt.prefix);
        for target in &jwt.authorization_realms {
            match realms.iter().find(|r| &r.name == target && r.enabled) {
                None => diags.push(Diagnostic::error(
                    &key,
                    format!("configured authorizing realm [{target}] does not exist (or is not enabled)"),
                )),
                Some(found) if !found.supports_lookup => diags.push(Diagnostic::warning(
                    &key,
                    format!(
                        "realm [{target}] of type [{}] cannot look up users, so every delegated authorization through it fails",
                        found.kind
                    ),
                )),
                Some(_) => {}
            }
        }
    }
}

struct Reader<'a> {
    settings: &'a Settings,
    secure: &'a Settings,
    prefix: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn key(&self, setting: &str) -> String {
        format!("{}.{setting}", self.prefix)
    }

    fn error(&mut self, key: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(key, message));
    }

    fn warn(&mut self, key: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(key, message));
    }

    fn text(&self, setting: &str) -> Option<String> {
        self.settings.text(&self.key(setting))
    }

    fn list(&self, setting: &str) -> Option<Vec<String>> {
        self.settings.list(&self.key(setting))
    }

    fn secure_text(&self, setting: &str) -> Option<String> {
        self.secure.text(&self.key(setting))
    }

    fn order(&mut self, kind: &str, name: &str, target: Target) -> Option<i64> {
        let key = self.key("order");
        let Some(raw) = self.text("order") else {
            self.error(
                &key,
                format!("'order' is a mandatory parameter for realm config. Found invalid realm config: '{kind}/{name}'"),
            );
            return None;
        };
        let order = match parse_int(&key, &raw, i64::from(i32::MIN)) {
            Ok(order) => order,
            Err(e) => {
                self.error(&key, e.message);
                return None;
            }
        };
        if target.deployment.reserves_low_orders() && !(2..=100).contains(&order) {
            self.error(
                &key,
                format!("realm order [{order}] is not available on this deployment: orders 0 and 1 are reserved by Elastic, use 2 to 100 (console check)"),
            );
        }
        Some(order)
    }

    /// Reads one typed setting: the default when unset; on a parse error, the error is
    /// recorded and the default used, so later checks still run.
    fn typed<T>(
        &mut self,
        setting: &str,
        default: T,
        parse: impl Fn(&str, &str) -> Result<T, SettingError>,
    ) -> T {
        let key = self.key(setting);
        match self.text(setting) {
            None => default,
            Some(raw) => parse(&key, &raw).unwrap_or_else(|e| {
                self.error(&key, e.message);
                default
            }),
        }
    }

    fn bool(&mut self, setting: &str, default: bool) -> bool {
        self.typed(setting, default, parse_bool)
    }

    fn time(&mut self, setting: &str, default: TimeValue) -> TimeValue {
        self.typed(setting, default, parse_time)
    }

    fn int(&mut self, setting: &str, default: i64) -> i64 {
        self.typed(setting, default, |key, raw| parse_int(key, raw, 0))
    }

    /// A list whose entries must not be empty (`Invalid empty value for [key].`).
    fn non_empty_entries(&mut self, setting: &str) -> Vec<String> {
        let key = self.key(setting);
        let items = self.list(setting).unwrap_or_default();
        if items.iter().any(|i| i.is_empty()) {
            self.error(&key, format!("Invalid empty value for [{key}]."));
        }
        items
    }

    fn secure_in_yml_check(&mut self) {
        let prefix = format!("{}.", self.prefix);
        let keys: Vec<String> = self
            .settings
            .starting_with(&prefix)
            .map(|(k, _)| k.to_owned())
            .collect();
        for key in keys {
            let setting = &key[prefix.len()..];
            if catalog::is_secure(setting) {
                self.error(
                    &key,
                    format!("Setting [{key}] is a secure setting and must be stored inside the Elasticsearch keystore, but was found inside elasticsearch.yml"),
                );
            }
        }
    }
}

fn read_jwt(
    r: &mut Reader<'_>,
    name: &str,
    read_file: &dyn Fn(&str) -> Option<String>,
    target: Target,
) -> JwtRealm {
    check_known_keys(r);
    let token_type_key = r.key("token_type");
    let token_type = match r.text("token_type") {
        None => TokenType::IdToken,
        Some(raw) => match parse_choice(&token_type_key, &raw, &["id_token", "access_token"]) {
            Ok("access_token") => TokenType::AccessToken,
            Ok(_) => TokenType::IdToken,
            Err(e) => {
                r.error(&token_type_key, e.message);
                TokenType::IdToken
            }
        },
    };
    check_version(r, token_type, target);

    let issuer_key = r.key("allowed_issuer");
    let allowed_issuer = r.text("allowed_issuer").unwrap_or_default();
    if allowed_issuer.is_empty() {
        r.error(
            &issuer_key,
            format!("Invalid empty value for [{issuer_key}]."),
        );
    }
    let audiences_key = r.key("allowed_audiences");
    let allowed_audiences = r.non_empty_entries("allowed_audiences");
    if allowed_audiences.is_empty() {
        r.error(
            &audiences_key,
            format!("Invalid empty list for [{audiences_key}]."),
        );
    }

    let (allowed_subjects, allowed_subject_patterns, subject_patterns) =
        read_subjects(r, token_type);
    let (fallback_sub, fallback_aud) = read_fallbacks(r, name, token_type);
    let required_claims = read_required_claims(r);

    let algorithms_key = r.key("allowed_signature_algorithms");
    let mut allowed_algorithms = Vec::new();
    for raw in r.list("allowed_signature_algorithms").unwrap_or_default() {
        match raw.parse::<Algorithm>() {
            Ok(alg) if !allowed_algorithms.contains(&alg) => allowed_algorithms.push(alg),
            Ok(_) => {}
            Err(_) => {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                r.error(
                    &algorithms_key,
                    format!(
                        "Invalid value [{raw}] for [{algorithms_key}]. Allowed values are [{}].",
                        names.join(", ")
                    ),
                );
            }
        }
    }
    if allowed_algorithms.is_empty() {
        allowed_algorithms.push(Algorithm::RS256);
    }

    let skew_key = r.key("allowed_clock_skew");
    let allowed_clock_skew = r.time("allowed_clock_skew", TimeValue::from_secs(60));
    if allowed_clock_skew > LARGE_CLOCK_SKEW {
        r.warn(
            &skew_key,
            format!("allowed_clock_skew [{allowed_clock_skew}] is very large: expired tokens stay valid that long (usual values are under 5m)"),
        );
    }

    let claims = read_claims(r);
    let populate_user_metadata = r.bool("populate_user_metadata", true);
    let (client_auth, shared_secret) = read_client_auth(r);
    let rotation_grace_period = r.time(
        "client_authentication.rotation_grace_period",
        TimeValue::from_secs(60),
    );
    let cache_ttl = r.time("jwt.cache.ttl", TimeValue::from_secs(20 * 60));
    let cache_size = r.int("jwt.cache.size", 100_000);
    for timeout in [
        "http.connect_timeout",
        "http.connection_read_timeout",
        "http.socket_timeout",
    ] {
        r.time(timeout, TimeValue::from_secs(5));
    }
    r.int("http.max_connections", 200);
    r.int("http.max_endpoint_connections", 200);
    read_proxy_and_reload(r);
    let authorization_realms = r.list("authorization_realms").unwrap_or_default();

    let mut realm = JwtRealm {
        name: name.to_owned(),
        prefix: r.prefix.to_owned(),
        token_type,
        allowed_issuer,
        allowed_audiences,
        allowed_subjects,
        allowed_subject_patterns,
        subject_patterns,
        fallback_sub,
        fallback_aud,
        required_claims,
        allowed_algorithms,
        allowed_clock_skew,
        pkc_source: None,
        hmac_keys: FilteredKeys::default(),
        pkc_keys: None,
        pkc_content: None,
        hmac_configured: false,
        claims,
        populate_user_metadata,
        client_auth,
        shared_secret,
        rotation_grace_period,
        cache_ttl,
        cache_size,
        authorization_realms,
        cache_note: CacheNote::new(cache_ttl, cache_size, allowed_clock_skew),
        trace_name: Arc::from(name),
    };
    read_keys(r, &mut realm, read_file);
    realm
}

fn check_known_keys(r: &mut Reader<'_>) {
    let prefix = format!("{}.", r.prefix);
    let keys: Vec<String> = r
        .settings
        .starting_with(&prefix)
        .map(|(k, _)| k.to_owned())
        .collect();
    for key in keys {
        let setting = &key[prefix.len()..];
        if !catalog::is_known(setting) {
            r.error(
                &key,
                format!("unknown setting [{key}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"),
            );
            if setting == "claim_patterns.group" {
                r.warn(
                    &key,
                    "the documentation's [claim_patterns.group] is a typo: the setting is [claim_patterns.groups]",
                );
            }
        }
    }
    let secure_keys: Vec<String> = r
        .secure
        .starting_with(&prefix)
        .map(|(k, _)| k.to_owned())
        .collect();
    for key in secure_keys {
        let setting = &key[prefix.len()..];
        if !catalog::is_secure(setting) {
            r.error(
                &key,
                format!("Setting [{key}] is a non-secure setting and must be stored inside elasticsearch.yml, but was found inside the Elasticsearch keystore"),
            );
        }
    }
}

fn check_version(r: &mut Reader<'_>, token_type: TokenType, target: Target) {
    let (needed, what) = match token_type {
        TokenType::IdToken => (StackVersion::ID_TOKEN, "JWT realms"),
        TokenType::AccessToken => (
            StackVersion::ACCESS_TOKEN,
            "JWT realms with token_type [access_token]",
        ),
    };
    if target.version < needed {
        let key = r.key("token_type");
        r.error(
            &key,
            format!(
                "{what} need Elasticsearch {needed} or later; the target is {} (console check)",
                target.version
            ),
        );
    }
}

fn read_subjects(
    r: &mut Reader<'_>,
    token_type: TokenType,
) -> (Vec<String>, Vec<String>, Option<PatternSet>) {
    let subjects_key = r.key("allowed_subjects");
    let patterns_key = r.key("allowed_subject_patterns");
    let present = r.settings.contains(&subjects_key) || r.settings.contains(&patterns_key);
    let subjects = r.non_empty_entries("allowed_subjects");
    let patterns = r.non_empty_entries("allowed_subject_patterns");
    if token_type == TokenType::IdToken && !present {
        // Elasticsearch's `ALLOW_ALL_SUBJECTS`: any `sub` string, but `sub` is still required.
        return (subjects, patterns, PatternSet::parse(&["*"]).ok());
    }
    if subjects.is_empty() && patterns.is_empty() {
        r.error(
            &subjects_key,
            format!("One of either [{subjects_key}] or [{patterns_key}] must be specified and not be empty."),
        );
    }
    let compiled = match PatternSet::parse(&patterns) {
        Ok(set) => Some(set),
        Err(e) => {
            r.error(
                &patterns_key,
                "Invalid patterns for allowed claim values for [sub].",
            );
            r.warn(&patterns_key, e.to_string());
            None
        }
    };
    (subjects, patterns, compiled)
}

fn read_fallbacks(
    r: &mut Reader<'_>,
    name: &str,
    token_type: TokenType,
) -> (Option<String>, Option<String>) {
    let mut read = |claim: &str| -> Option<String> {
        let key = r.key(&format!("fallback_claims.{claim}"));
        let value = r.text(&format!("fallback_claims.{claim}"));
        if token_type == TokenType::IdToken {
            if value.is_some() {
                r.error(
                    &key,
                    format!("fallback claim setting [{key}] is not allowed when JWT realm [{name}] is [id_token] type"),
                );
            }
            return None;
        }
        let value = value.unwrap_or_else(|| claim.to_owned());
        if value.is_empty() {
            r.error(&key, format!("Invalid empty value for [{key}]."));
        } else if value != claim && REGISTERED_CLAIMS.contains(&value.as_str()) {
            r.error(
                &key,
                format!("Invalid fallback claims setting [{key}]. Claim [{claim}] cannot fallback to a registered claim [{value}]"),
            );
        }
        Some(value)
    };
    (read("sub"), read("aud"))
}

/// `required_claims.*` in key order (Elasticsearch's settings are sorted by key).
fn read_required_claims(r: &mut Reader<'_>) -> Vec<(String, Vec<String>)> {
    let group = r.key("required_claims");
    let claims: Vec<String> = r.settings.keys_under(&group).map(str::to_owned).collect();
    let mut out = Vec::new();
    for claim in claims {
        let key = format!("{group}.{claim}");
        if NOT_REQUIRABLE.contains(&claim.as_str()) {
            r.error(
                &key,
                format!(
                    "required claim [{key}] cannot be one of [{}]",
                    NOT_REQUIRABLE.join(",")
                ),
            );
            continue;
        }
        let values = r.settings.list(&key).unwrap_or_default();
        if values.is_empty() {
            r.error(&key, format!("required claim [{key}] cannot be empty"));
            continue;
        }
        out.push((claim, values));
    }
    out
}

fn read_claims(r: &mut Reader<'_>) -> ClaimSettings {
    let mut read = |which: &str| -> Option<ClaimSetting> {
        let key = r.key(&format!("claims.{which}"));
        let pattern_key = r.key(&format!("claim_patterns.{which}"));
        let claim = r.text(&format!("claims.{which}"));
        let pattern = r.text(&format!("claim_patterns.{which}"));
        if claim.is_none() && which == "principal" {
            r.error(&key, format!("Setting [{key}] is required"));
        }
        if pattern.is_some() && claim.is_none() {
            r.error(
                &pattern_key,
                format!("Setting [{pattern_key}] cannot be set unless [{key}] is also set"),
            );
        }
        let claim = claim?;
        if claim.is_empty() {
            r.error(
                &key,
                format!("Invalid null or empty claim name for [{key}]."),
            );
            return None;
        }
        let pattern = pattern.and_then(|p| match JavaRegex::parse(&p) {
            Ok(regex) => {
                if regex.group_count() == 0 {
                    r.warn(&pattern_key, "the pattern has no capturing group: Elasticsearch keeps group 1, so every authentication through this realm fails (No group 1)");
                }
                if !regex.is_anchored() {
                    r.warn(&pattern_key, "the pattern is not anchored with ^…$: Elasticsearch uses find(), so it also matches inside longer values");
                }
                Some(regex)
            }
            Err(e) => {
                r.error(&pattern_key, format!("Invalid claim value regex pattern for [{pattern_key}]."));
                r.warn(&pattern_key, e.to_string());
                None
            }
        });
        Some(ClaimSetting {
            key,
            claim,
            pattern,
        })
    };
    ClaimSettings {
        principal: read("principal"),
        groups: read("groups"),
        dn: read("dn"),
        mail: read("mail"),
        name: read("name"),
    }
}

fn read_client_auth(r: &mut Reader<'_>) -> (ClientAuthType, Option<String>) {
    let type_key = r.key("client_authentication.type");
    let secret_key = r.key("client_authentication.shared_secret");
    let client_auth = match r.text("client_authentication.type") {
        None => ClientAuthType::SharedSecret,
        Some(raw) => match parse_choice(&type_key, &raw, &["none", "shared_secret"]) {
            Ok("none") => ClientAuthType::None,
            Ok(_) => ClientAuthType::SharedSecret,
            Err(e) => {
                r.error(&type_key, e.message);
                ClientAuthType::SharedSecret
            }
        },
    };
    let secret = r.secure_text("client_authentication.shared_secret");
    match (client_auth, &secret) {
        (ClientAuthType::SharedSecret, None) => r.error(
            &secret_key,
            format!("Missing setting for [{secret_key}]. It is required when setting [{type_key}] is [shared_secret]"),
        ),
        (ClientAuthType::None, Some(_)) => r.error(
            &secret_key,
            format!("Setting [{secret_key}] is not supported, because setting [{type_key}] is [none]"),
        ),
        (ClientAuthType::None, None) => r.warn(
            &type_key,
            "client authentication is [none]: any client holding a valid JWT can authenticate, which may not be secure",
        ),
        _ => {}
    }
    (client_auth, secret)
}

fn read_proxy_and_reload(r: &mut Reader<'_>) {
    if let Some(scheme) = r.text("http.proxy.scheme") {
        let key = r.key("http.proxy.scheme");
        if let Err(e) = parse_choice(&key, &scheme, &["http"]) {
            r.error(&key, e.message);
        }
    }
    r.int("http.proxy.port", 80);
    r.bool("pkc_jwkset_reload.enabled", false);
    r.time("pkc_jwkset_reload.file_interval", TimeValue::from_secs(300));
    let min = r.time(
        "pkc_jwkset_reload.url_interval_min",
        TimeValue::from_secs(3600),
    );
    let max = r.time(
        "pkc_jwkset_reload.url_interval_max",
        TimeValue::from_secs(5 * 86_400),
    );
    if max < min {
        let key = r.key("pkc_jwkset_reload.url_interval_max");
        r.error(
            &key,
            format!(
                "Invalid PKC JWK set URL reload intervals: max [{max}] is less than min [{min}]"
            ),
        );
    }
}

fn read_keys(r: &mut Reader<'_>, realm: &mut JwtRealm, read_file: &dyn Fn(&str) -> Option<String>) {
    let hmac_key_key = r.key("hmac_key");
    let hmac_jwkset_key = r.key("hmac_jwkset");
    let pkc_key = r.key("pkc_jwkset_path");
    let hmac_key = r.secure_text("hmac_key");
    let hmac_jwkset = r.secure_text("hmac_jwkset");
    let pkc_path = r.text("pkc_jwkset_path");
    if hmac_key.is_none() && hmac_jwkset.is_none() && pkc_path.is_none() {
        r.error(
            r.prefix,
            format!(
                "At least one of [{hmac_key_key}] or [{hmac_jwkset_key}] or [{pkc_key}] must be set"
            ),
        );
    }
    let hmac_keys: Option<Vec<Jwk>> = match (hmac_key, hmac_jwkset) {
        (Some(_), Some(_)) => {
            r.error(&hmac_jwkset_key, format!("Settings [{hmac_jwkset_key}] and [{hmac_key_key}] are not allowed at the same time."));
            None
        }
        (Some(key), None) if key.is_empty() => {
            r.error(
                &hmac_key_key,
                format!("HMAC Key parse failed for setting [{hmac_key_key}]"),
            );
            None
        }
        (Some(key), None) => Some(vec![Jwk::from_hmac_key(&key)]),
        (None, Some(json)) => match parse_jwks(&json) {
            Ok(keys) => Some(keys),
            Err(e) => {
                r.error(
                    &hmac_jwkset_key,
                    format!("JWKSet parse failed for setting [{hmac_jwkset_key}]"),
                );
                r.warn(&hmac_jwkset_key, e.0);
                None
            }
        },
        (None, None) => None,
    };
    realm.hmac_configured = hmac_keys.is_some();
    if let Some(keys) = hmac_keys {
        realm.hmac_keys = filter_keys(&keys, &realm.allowed_algorithms, Family::Hmac);
        let key = if r.secure.contains(&hmac_key_key) {
            &hmac_key_key
        } else {
            &hmac_jwkset_key
        };
        report_filter(
            r,
            key,
            &realm.hmac_keys,
            &realm.allowed_algorithms,
            Family::Hmac,
        );
    }
    if let Some(path) = pkc_path {
        realm.pkc_source = read_pkc(r, &pkc_key, &path, realm, read_file);
    }
    let pkc_unknown =
        matches!(realm.pkc_source, Some(PkcSource::Url(_))) && realm.pkc_keys.is_none();
    let any_usable = !realm.hmac_keys.keys.is_empty()
        || pkc_unknown
        || realm.pkc_keys.as_ref().is_some_and(|k| !k.keys.is_empty());
    if (realm.hmac_configured || realm.pkc_keys.is_some()) && !any_usable {
        r.warn(
            r.prefix,
            "No available JWK and algorithm for HMAC or PKC. JWT realm authentication expected to fail until this is fixed.",
        );
    }
}

fn read_pkc(
    r: &mut Reader<'_>,
    key: &str,
    path: &str,
    realm: &mut JwtRealm,
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Option<PkcSource> {
    if path.starts_with("https") {
        let host = path
            .strip_prefix("https://")
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h) if !h.is_empty() => {
                // A copy the console fetched on request stands in for Elasticsearch's own
                // fetch at startup; without one the keys are unknown here.
                match read_file(path) {
                    Some(contents) => load_pkc(r, key, &contents, realm),
                    None => r.warn(key, format!("the JWK set at [{path}] is fetched by Elasticsearch at startup; this console has no copy of it yet, so PKC signatures cannot be checked here")),
                }
                return Some(PkcSource::Url(path.to_owned()));
            }
            Some(_) => r.error(key, format!("Host is missing in HTTPS URI [{path}].")),
            None => r.error(key, format!("Failed to parse HTTPS URI [{path}].")),
        }
        return None;
    }
    if path.starts_with("http") {
        r.error(
            key,
            format!("Not allowed to use HTTP URI [{path}]. Only HTTPS is supported."),
        );
        return None;
    }
    let Some(contents) = read_file(path) else {
        r.error(
            key,
            format!("Failed to read contents for setting [{key}] value [{path}]."),
        );
        return Some(PkcSource::File(path.to_owned()));
    };
    load_pkc(r, key, &contents, realm);
    Some(PkcSource::File(path.to_owned()))
}

/// Parses and filters a PKC JWK set's content into the realm.
fn load_pkc(r: &mut Reader<'_>, key: &str, contents: &str, realm: &mut JwtRealm) {
    match parse_jwks(contents) {
        Ok(keys) => {
            let filtered = filter_keys(&keys, &realm.allowed_algorithms, Family::Pkc);
            report_filter(r, key, &filtered, &realm.allowed_algorithms, Family::Pkc);
            realm.pkc_keys = Some(filtered);
            realm.pkc_content = Some(contents.to_owned());
        }
        Err(e) => {
            r.error(key, format!("JWKSet parse failed for setting [{key}]"));
            r.warn(key, e.0);
        }
    }
}

fn report_filter(
    r: &mut Reader<'_>,
    key: &str,
    filtered: &FilteredKeys,
    allowed: &[Algorithm],
    family: Family,
) {
    let family_name = if family == Family::Hmac {
        "HMAC"
    } else {
        "PKC"
    };
    if !allowed.iter().any(|a| a.family() == family) {
        let wanted = if family == Family::Hmac {
            "HS256, HS384 or HS512"
        } else {
            "an RS*, PS* or ES* algorithm"
        };
        r.warn(key, format!("{family_name} keys are configured but [allowed_signature_algorithms] has no {wanted}; the keys are never used"));
        return;
    }
    for verdict in &filtered.verdicts {
        if let Some(reason) = &verdict.dropped {
            r.warn(
                key,
                format!(
                    "{family_name} JWK ({}) is ignored: {reason}",
                    verdict.key.label()
                ),
            );
        }
    }
    for alg in &filtered.algorithms_without_keys {
        r.warn(key, format!("algorithm [{alg}] is allowed but no {family_name} JWK can verify it; tokens signed with it are rejected"));
    }
}

#[cfg(test)]
mod tests;
