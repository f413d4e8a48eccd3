//! The token playground as the browser and the JSON API exchange it: the realm summaries the
//! page decodes against, validation (the same verdict as `trust-console check-token`), test
//! token generation and the test signing keys. Nothing secret travels to the browser: realms
//! are summarised as key counts, test keys as their public JWK.

pub mod clear_test_key;
pub mod generate_token;
pub mod playground_setup;
pub mod set_test_key;
pub mod validate_token;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use trust_core::jwt::{check::Verdict, lint::Diagnostic};
use trust_core::playground::RealmKeys;

pub use clear_test_key::{ClearTestKey, clear_test_key};
pub use generate_token::{GenerateToken, generate_token};
pub use playground_setup::{PlaygroundSetup, playground_setup};
pub use set_test_key::{SetTestKey, set_test_key};
pub use validate_token::{ValidateToken, validate_token};

/// `POST /api/v1/playground/validate`: the request to check, as Elasticsearch would receive it.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct ValidateInput {
    /// The raw `Authorization` header value (`Bearer <jwt>`).
    #[serde(default)]
    pub authorization: String,
    /// The raw `ES-Client-Authentication` header value (`SharedSecret <secret>`).
    #[serde(default)]
    pub client_authentication: Option<String>,
    /// The `es-security-runas-user` header value.
    #[serde(default)]
    pub run_as: Option<String>,
    /// Only this JWT realm (other realm types stay in the chain); `None` for the whole chain.
    #[serde(default)]
    pub realm: Option<String>,
    /// Now, as epoch seconds; `None` for the server's clock.
    #[serde(default)]
    pub now: Option<i64>,
}

impl fmt::Debug for ValidateInput {
    /// Never prints the token or the client secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidateInput")
            .field("run_as", &self.run_as)
            .field("realm", &self.realm)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// What validation gave: the verdict, or — when Elasticsearch would not even start with the
/// realms involved — the startup errors (the `check-token` JSON of either case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ValidateOutcome {
    /// Elasticsearch's verdict on the request.
    Verdict(Box<Verdict>),
    /// `{"error": "the configuration is invalid", "diagnostics": [...]}`.
    InvalidConfig {
        /// Always `the configuration is invalid`.
        error: String,
        /// Every startup error and warning.
        diagnostics: Vec<Diagnostic>,
    },
}

/// A JWT realm as the playground page knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundRealm {
    /// Key counts and allowed algorithms.
    pub keys: RealmKeys,
    /// `order`.
    pub order: Option<i64>,
    /// Whether an HMAC key (`hmac_key` or `hmac_jwkset`) can sign test tokens.
    pub hmac: bool,
    /// The uploaded test key, if any.
    pub test_key: Option<TestKeyView>,
    /// Claims a test token for this realm starts from (evaluated at the server's now).
    pub default_claims: Map<String, Value>,
}

/// A test signing key as the browser sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TestKeyView {
    /// The public JWK (add it to the realm's JWK set so the realm accepts the tokens).
    pub public_jwk: Value,
    /// The algorithms it can sign.
    pub algorithms: Vec<String>,
    /// Whether the realm's PKC JWK set holds this public key.
    pub trusted_by_realm: bool,
    /// When it was set, RFC 3339 UTC.
    pub changed_at: String,
}

/// Everything the playground page loads once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundInfo {
    /// Enabled JWT realms in chain order.
    pub realms: Vec<PlaygroundRealm>,
    /// The server's clock, epoch seconds.
    pub now: i64,
}

/// Which key signs a test token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningKey {
    /// The realm's own HMAC key.
    RealmHmac,
    /// The private key uploaded for the realm.
    TestKey,
}

/// `POST /api/v1/playground/generate`.
#[derive(Clone, Serialize, Deserialize)]
pub struct GenerateInput {
    /// The realm whose key signs.
    pub realm: String,
    /// Which key.
    pub key: SigningKey,
    /// The JWS algorithm (`HS256`, `RS256`, `ES256`, …).
    pub algorithm: String,
    /// The `kid` header, if any.
    #[serde(default)]
    pub kid: Option<String>,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The console password, re-entered to sign with a key the live cluster trusts (the
    /// realm's HMAC key, or a test key in the realm's JWK set) when the session has not done so
    /// in the last five minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl fmt::Debug for GenerateInput {
    /// Never prints the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateInput")
            .field("realm", &self.realm)
            .field("key", &self.key)
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

/// A signed test token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedToken {
    /// The compact JWT.
    pub token: String,
}

/// `PUT /api/v1/realms/{name}/test-key`: a private key in PEM (PKCS#8, PKCS#1 RSA or SEC1 EC).
#[derive(Clone, Serialize, Deserialize)]
pub struct TestKeyInput {
    /// The realm.
    pub realm: String,
    /// The private key.
    pub private_pem: String,
}

impl fmt::Debug for TestKeyInput {
    /// Never prints the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestKeyInput")
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}
