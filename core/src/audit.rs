//! Audit-log rules: which values are secrets and how they are redacted before an entry is
//! written or shown.
//!
//! Every change the console records keeps a before/after JSON image of the entity. Secrets
//! (passwords, shared secrets, HMAC keys, private keys, credentials) must never reach that
//! table, so images pass through [`redact_secrets`] first. Redaction keeps the *shape*: a set
//! secret becomes [`REDACTED`], a cleared one stays `null`, so an auditor still sees that a
//! secret was set, replaced or cleared without seeing its value.

use std::{fmt, str::FromStr};

use serde_json::Value;

/// What happened to the entity an audit entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The entity was created.
    Create,
    /// The entity was changed.
    Update,
    /// The entity was deleted.
    Delete,
    /// A console user logged in.
    Login,
    /// A login was refused (unknown user, wrong password or throttled).
    LoginFailed,
    /// A console user logged out.
    Logout,
    /// A console user was shown an export's secret values (after re-entering the password).
    RevealSecrets,
    /// A reveal of secret values was refused (wrong password).
    RevealRefused,
    /// A token was signed with a key the live cluster trusts (the token itself is never kept).
    MintToken,
    /// An earlier version of the entity was written as its new version.
    Restore,
}

impl AuditAction {
    /// Every action, in display order.
    pub const ALL: [Self; 10] = [
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::Login,
        Self::LoginFailed,
        Self::Logout,
        Self::RevealSecrets,
        Self::RevealRefused,
        Self::MintToken,
        Self::Restore,
    ];

    /// The stored spelling (`create`, `update`, …, `login_failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::RevealSecrets => "reveal_secrets",
            Self::RevealRefused => "reveal_refused",
            Self::MintToken => "mint_token",
            Self::Restore => "restore",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action spelling that is not one of [`AuditAction::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit action {0:?}")]
pub struct UnknownAuditAction(pub String);

impl FromStr for AuditAction {
    type Err = UnknownAuditAction;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == input)
            .ok_or_else(|| UnknownAuditAction(input.to_owned()))
    }
}

/// What a redacted secret value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Exact key names (last dotted segment, lowercase) that always hold secrets.
const SECRET_KEYS: &[&str] = &[
    "password",
    "password_hash",
    "hmac_key",
    "hmac_jwkset",
    "private_key",
    "private_key_pem",
    "credentials",
    "api_key",
    "encoded",
    "csrf_token",
];

/// The container of a realm's keystore settings: its keys stay visible, its values are secret.
const SECURE_SETTINGS: &str = "secure_settings";

/// Whether a setting or field named `key` holds a secret.
///
/// The last segment of a dotted Elasticsearch key decides (`...client_authentication.
/// shared_secret` is secret, `...ssl.key` is a file path and is not). Besides the exact names
/// above, anything ending in `_password`, containing `secret` or `passphrase`, or starting with
/// `secure_` (Elasticsearch's prefix for keystore settings) is secret.
pub fn is_secret_key(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    SECRET_KEYS.contains(&last.as_str())
        || last.ends_with("_password")
        || (last.starts_with("secure_") && last != SECURE_SETTINGS)
        || last.contains("secret")
        || last.contains("passphrase")
}

/// Returns `value` with every secret replaced by [`REDACTED`], recursively.
///
/// A secret whose value is `null` stays `null`, so clearing a secret remains visible.
pub fn redact_secrets(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, inner)| {
                    let inner = if is_secret_key(&key) && !inner.is_null() {
                        Value::String(REDACTED.to_owned())
                    } else {
                        redact_secrets(inner)
                    };
                    (key, inner)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_secrets).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn actions_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse(), Ok(action));
            // The wire spelling is the stored one.
            assert_eq!(
                serde_json::to_value(action).ok(),
                Some(json!(action.as_str()))
            );
        }
        assert_eq!(
            "drop".parse::<AuditAction>(),
            Err(UnknownAuditAction("drop".into()))
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn secret_key_names() {
        for key in [
            "password",
            "password_hash",
            "xpack.security.authc.realms.jwt.jwt8.client_authentication.shared_secret",
            "xpack.security.authc.realms.jwt.jwt8.hmac_key",
            "xpack.security.authc.realms.jwt.jwt8.hmac_jwkset",
            "ssl.secure_key_passphrase",
            "ssl.keystore.secure_password",
            "ssl.key_passphrase",
            "cluster.remote.eu.credentials",
            "Private_Key",
        ] {
            assert!(is_secret_key(key), "{key} should be secret");
        }
        for key in [
            "username",
            "ssl.key",
            "ssl.keystore.path",
            "pkc_jwkset_path",
            "order",
        ] {
            assert!(!is_secret_key(key), "{key} should not be secret");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn redacts_nested_values_and_keeps_shape() {
        let before = json!({
            "username": "admin",
            "password_hash": "$argon2id$v=19$...",
            "settings": {"order": 2, "hmac_key": "hmac-oidc-key-string-for-hs256-algorithm"},
            "secure_settings": [{"client_authentication.shared_secret": "s3cr3t"}],
            "cleared": {"hmac_jwkset": null},
        });
        let after = redact_secrets(before);
        assert_eq!(
            after,
            json!({
                "username": "admin",
                "password_hash": REDACTED,
                "settings": {"order": 2, "hmac_key": REDACTED},
                "secure_settings": [{"client_authentication.shared_secret": REDACTED}],
                "cleared": {"hmac_jwkset": null},
            })
        );
        let text = after.to_string();
        assert!(!text.contains("s3cr3t") && !text.contains("hmac-oidc"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_secret_object_is_replaced_whole() {
        let redacted = redact_secrets(json!({"hmac_jwkset": {"keys": [{"k": "AyM1"}]}}));
        assert_eq!(redacted, json!({"hmac_jwkset": REDACTED}));
    }
}
