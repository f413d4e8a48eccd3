//! The JWT realm setting catalogue: every setting of spec §1.1 with its kind, Elasticsearch
//! default, the group an admin looks for it in, and one line of help. The realm editor renders
//! its form from this table, and the realm reader and the API use it to tell known settings
//! from unknown ones, so the three never disagree.

use super::realm::TokenType;

/// The editor section a setting belongs to, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Token type, issuer, order.
    TokenAndIssuer,
    /// Audiences, subjects, fallback claims, required claims.
    AudiencesAndSubjects,
    /// Signature algorithms and key material.
    AlgorithmsAndKeys,
    /// Claims read into the user.
    Claims,
    /// The `ES-Client-Authentication` header.
    ClientAuthentication,
    /// Cache, HTTP, SSL, JWKS reload, delegated authorization.
    Advanced,
}

impl Group {
    /// Every group in display order.
    pub const ALL: [Self; 6] = [
        Self::TokenAndIssuer,
        Self::AudiencesAndSubjects,
        Self::AlgorithmsAndKeys,
        Self::Claims,
        Self::ClientAuthentication,
        Self::Advanced,
    ];

    /// The section heading.
    pub const fn title(self) -> &'static str {
        match self {
            Self::TokenAndIssuer => "Token & issuer",
            Self::AudiencesAndSubjects => "Audiences & subjects",
            Self::AlgorithmsAndKeys => "Algorithms & keys",
            Self::Claims => "Claims",
            Self::ClientAuthentication => "Client authentication",
            Self::Advanced => "Advanced: cache, HTTP, SSL, JWKS reload",
        }
    }
}

/// How a setting's value is typed in Elasticsearch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKind {
    /// Free text (a string setting).
    Text,
    /// A list (YAML array or comma-separated string).
    List,
    /// `true` / `false`.
    Bool,
    /// An Elasticsearch time value (`60s`, `5m`).
    Time,
    /// A whole number.
    Int,
    /// One of a closed set of values.
    Choice(&'static [&'static str]),
    /// A keystore (secure) setting: write-only in the console.
    Secret,
}

/// Which realms read the setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Both token types.
    Both,
    /// `token_type: access_token` only (setting it on an id_token realm is a startup error).
    AccessTokenOnly,
}

impl Applies {
    /// Whether a realm of `token_type` reads the setting.
    pub const fn to(self, token_type: TokenType) -> bool {
        match self {
            Self::Both => true,
            Self::AccessTokenOnly => matches!(token_type, TokenType::AccessToken),
        }
    }
}

/// One setting of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingSpec {
    /// The key below `xpack.security.authc.realms.jwt.<name>.`.
    pub key: &'static str,
    /// Where the editor shows it.
    pub group: Group,
    /// Its type.
    pub kind: SettingKind,
    /// Elasticsearch's default as written in a config (`None` when there is none).
    pub default: Option<&'static str>,
    /// Whether Elasticsearch refuses to start without it.
    pub required: bool,
    /// Which realms read it.
    pub applies: Applies,
    /// One line for the admin.
    pub help: &'static str,
}

impl SettingSpec {
    /// Whether the setting lives in the keystore.
    pub const fn is_secure(&self) -> bool {
        matches!(self.kind, Secret)
    }
}

const fn spec(
    key: &'static str,
    group: Group,
    kind: SettingKind,
    default: Option<&'static str>,
    help: &'static str,
) -> SettingSpec {
    SettingSpec {
        key,
        group,
        kind,
        default,
        required: false,
        applies: Applies::Both,
        help,
    }
}

const fn required(mut s: SettingSpec) -> SettingSpec {
    s.required = true;
    s
}

const fn access_only(mut s: SettingSpec) -> SettingSpec {
    s.applies = Applies::AccessTokenOnly;
    s
}

use Group::{
    AlgorithmsAndKeys, AudiencesAndSubjects, Claims, ClientAuthentication, TokenAndIssuer,
};
use SettingKind::{Bool, Choice, Int, List, Secret, Text, Time};

/// `allowed_signature_algorithms` values, case-sensitive.
pub const ALGORITHM_NAMES: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512",
];

/// Every JWT realm setting except the grouped `required_claims.<claim>` and `ssl.*` ones.
pub const SETTINGS: &[SettingSpec] = &[
    required(spec(
        "order",
        TokenAndIssuer,
        Int,
        None,
        "Position in the realm chain; realms are tried in ascending order and orders must be unique.",
    )),
    spec(
        "enabled",
        TokenAndIssuer,
        Bool,
        Some("true"),
        "A disabled realm is skipped by the chain and cannot be an authorization realm.",
    ),
    spec(
        "token_type",
        TokenAndIssuer,
        Choice(&["id_token", "access_token"]),
        Some("id_token"),
        "OpenID Connect ID tokens (8.2+) or OAuth2 access tokens (8.7+); parsed case-insensitively.",
    ),
    required(spec(
        "allowed_issuer",
        TokenAndIssuer,
        Text,
        None,
        "The one `iss` value accepted, compared exactly and case-sensitively.",
    )),
    required(spec(
        "allowed_audiences",
        AudiencesAndSubjects,
        List,
        None,
        "`aud` values accepted (any one must match); exact, case-sensitive, no wildcards.",
    )),
    spec(
        "allowed_subjects",
        AudiencesAndSubjects,
        List,
        None,
        "`sub` values accepted exactly. Access-token realms need this or allowed_subject_patterns.",
    ),
    spec(
        "allowed_subject_patterns",
        AudiencesAndSubjects,
        List,
        None,
        "Wildcards (`*`, `?`, `\\` escapes) or Lucene regexps in `/…/`; a `sub` matching any is accepted.",
    ),
    access_only(spec(
        "fallback_claims.sub",
        AudiencesAndSubjects,
        Text,
        Some("sub"),
        "Claim read as the subject when the token has no `sub` (access tokens only).",
    )),
    access_only(spec(
        "fallback_claims.aud",
        AudiencesAndSubjects,
        Text,
        Some("aud"),
        "Claim read as the audience when the token has no `aud` (access tokens only).",
    )),
    spec(
        "allowed_signature_algorithms",
        AlgorithmsAndKeys,
        List,
        Some("RS256"),
        "Accepted `alg` values, case-sensitive: HS256…HS512, RS256…RS512, PS256…PS512, ES256…ES512.",
    ),
    spec(
        "pkc_jwkset_path",
        AlgorithmsAndKeys,
        Text,
        None,
        "File in the Elasticsearch config directory, or an https:// URL, holding the public JWK set.",
    ),
    spec(
        "hmac_key",
        AlgorithmsAndKeys,
        Secret,
        None,
        "Keystore: one HMAC key, its UTF-8 bytes are the key. Not together with hmac_jwkset.",
    ),
    spec(
        "hmac_jwkset",
        AlgorithmsAndKeys,
        Secret,
        None,
        "Keystore: a JWK set of `oct` keys. Not together with hmac_key.",
    ),
    spec(
        "allowed_clock_skew",
        AlgorithmsAndKeys,
        Time,
        Some("60s"),
        "Leeway for exp, nbf, iat and auth_time. A time value with a unit (`30s`, `2m`).",
    ),
    required(spec(
        "claims.principal",
        Claims,
        Text,
        None,
        "Claim holding the username (required since 8.x). Common: sub, email, client_id.",
    )),
    spec(
        "claim_patterns.principal",
        Claims,
        Text,
        None,
        "Java regex applied to the principal claim; capture group 1 becomes the username.",
    ),
    spec(
        "claims.groups",
        Claims,
        Text,
        None,
        "Claim holding the user's groups (string or array), for role mappings.",
    ),
    spec(
        "claim_patterns.groups",
        Claims,
        Text,
        None,
        "Java regex applied to each group; group 1 is kept (the docs' `claim_patterns.group` is a typo).",
    ),
    spec(
        "claims.dn",
        Claims,
        Text,
        None,
        "Claim holding the user's distinguished name.",
    ),
    spec(
        "claim_patterns.dn",
        Claims,
        Text,
        None,
        "Java regex applied to the dn claim; group 1 is kept.",
    ),
    spec(
        "claims.mail",
        Claims,
        Text,
        None,
        "Claim holding the user's email address.",
    ),
    spec(
        "claim_patterns.mail",
        Claims,
        Text,
        None,
        "Java regex applied to the mail claim; group 1 is kept.",
    ),
    spec(
        "claims.name",
        Claims,
        Text,
        None,
        "Claim holding the user's full name.",
    ),
    spec(
        "claim_patterns.name",
        Claims,
        Text,
        None,
        "Java regex applied to the name claim; group 1 is kept.",
    ),
    spec(
        "populate_user_metadata",
        Claims,
        Bool,
        Some("true"),
        "Copy simple claims into user metadata as jwt_claim_<name> (for role-mapping rules).",
    ),
    spec(
        "client_authentication.type",
        ClientAuthentication,
        Choice(&["shared_secret", "none"]),
        Some("shared_secret"),
        "Require `ES-Client-Authentication: SharedSecret <secret>`, or none (not recommended).",
    ),
    spec(
        "client_authentication.shared_secret",
        ClientAuthentication,
        Secret,
        None,
        "Keystore, reloadable: the shared secret. Required with shared_secret, refused with none.",
    ),
    spec(
        "client_authentication.rotation_grace_period",
        ClientAuthentication,
        Time,
        Some("1m"),
        "After a secure-settings reload the previous secret keeps working this long.",
    ),
    spec(
        "authorization_realms",
        Group::Advanced,
        List,
        None,
        "Look the principal up in these realms instead of role mapping (delegated authorization).",
    ),
    spec(
        "jwt.cache.ttl",
        Group::Advanced,
        Time,
        Some("20m"),
        "How long a validated token is cached; 0 disables the cache.",
    ),
    spec(
        "jwt.cache.size",
        Group::Advanced,
        Int,
        Some("100000"),
        "Maximum cached tokens; 0 disables the cache.",
    ),
    spec(
        "http.connect_timeout",
        Group::Advanced,
        Time,
        Some("5s"),
        "Connect timeout of the https JWK set fetch.",
    ),
    spec(
        "http.connection_read_timeout",
        Group::Advanced,
        Time,
        Some("5s"),
        "Timeout for a pooled connection of the https JWK set fetch.",
    ),
    spec(
        "http.socket_timeout",
        Group::Advanced,
        Time,
        Some("5s"),
        "Socket (read) timeout of the https JWK set fetch.",
    ),
    spec(
        "http.max_connections",
        Group::Advanced,
        Int,
        Some("200"),
        "Maximum connections for JWK set fetches.",
    ),
    spec(
        "http.max_endpoint_connections",
        Group::Advanced,
        Int,
        Some("200"),
        "Maximum connections per endpoint for JWK set fetches.",
    ),
    spec(
        "http.proxy.host",
        Group::Advanced,
        Text,
        None,
        "Proxy host for the https JWK set fetch.",
    ),
    spec(
        "http.proxy.scheme",
        Group::Advanced,
        Choice(&["http"]),
        Some("http"),
        "Proxy scheme; only http.",
    ),
    spec(
        "http.proxy.port",
        Group::Advanced,
        Int,
        Some("80"),
        "Proxy port.",
    ),
    spec(
        "pkc_jwkset_reload.enabled",
        Group::Advanced,
        Bool,
        Some("false"),
        "Reload the PKC JWK set in the background.",
    ),
    spec(
        "pkc_jwkset_reload.file_interval",
        Group::Advanced,
        Time,
        Some("5m"),
        "How often a JWK set file is checked for changes.",
    ),
    spec(
        "pkc_jwkset_reload.url_interval_min",
        Group::Advanced,
        Time,
        Some("60m"),
        "Shortest interval between https JWK set reloads.",
    ),
    spec(
        "pkc_jwkset_reload.url_interval_max",
        Group::Advanced,
        Time,
        Some("5d"),
        "Longest interval between https JWK set reloads (not less than the minimum).",
    ),
];

/// The catalogue entry for `key` (relative to the realm prefix), if it has one.
pub fn spec_for(key: &str) -> Option<&'static SettingSpec> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Whether `key` is a JWT realm setting Elasticsearch knows (plain or secure), including the
/// grouped `required_claims.<claim>` and `ssl.*` settings.
pub fn is_known(key: &str) -> bool {
    spec_for(key).is_some()
        || key
            .strip_prefix("required_claims.")
            .is_some_and(|claim| !claim.is_empty())
        || key
            .strip_prefix("ssl.")
            .is_some_and(|rest| !rest.is_empty())
}

/// Whether `key` is a keystore setting (the secure catalogue entries and the `ssl.secure_*`
/// ones).
pub fn is_secure(key: &str) -> bool {
    spec_for(key).is_some_and(SettingSpec::is_secure)
        || key
            .strip_prefix("ssl.")
            .is_some_and(|s| s.starts_with("secure_") || s.contains(".secure_"))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn keys_are_unique_and_grouped_in_order() {
        let mut keys: Vec<_> = SETTINGS.iter().map(|s| s.key).collect();
        let count = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), count, "duplicate catalogue key");
        assert_eq!(count, 43);
        // Every group has settings.
        for group in Group::ALL {
            assert!(
                SETTINGS.iter().any(|s| s.group == group),
                "{group:?} is empty"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn known_and_secure_settings() {
        for key in [
            "order",
            "claims.principal",
            "required_claims.token_use",
            "ssl.verification_mode",
            "ssl.keystore.secure_password",
            "hmac_key",
        ] {
            assert!(is_known(key), "{key}");
        }
        for key in [
            "claim_patterns.group",
            "required_claims.",
            "ssl.",
            "allowed_issuers",
            "",
        ] {
            assert!(!is_known(key), "{key}");
        }
        for key in [
            "hmac_key",
            "hmac_jwkset",
            "client_authentication.shared_secret",
            "ssl.secure_key_passphrase",
            "ssl.truststore.secure_password",
        ] {
            assert!(is_secure(key), "{key}");
        }
        for key in ["pkc_jwkset_path", "ssl.key", "order"] {
            assert!(!is_secure(key), "{key}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn required_settings_and_access_token_only_ones() {
        let required: Vec<_> = SETTINGS
            .iter()
            .filter(|s| s.required)
            .map(|s| s.key)
            .collect();
        assert_eq!(
            required,
            [
                "order",
                "allowed_issuer",
                "allowed_audiences",
                "claims.principal"
            ]
        );
        let access: Vec<_> = SETTINGS
            .iter()
            .filter(|s| !s.applies.to(TokenType::IdToken))
            .map(|s| s.key)
            .collect();
        assert_eq!(access, ["fallback_claims.sub", "fallback_claims.aud"]);
        assert!(
            SETTINGS
                .iter()
                .all(|s| s.applies.to(TokenType::AccessToken))
        );
    }
}
