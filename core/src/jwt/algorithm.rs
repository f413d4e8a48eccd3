//! The twelve JWS algorithms a JWT realm accepts, and what each needs of a key.

use std::fmt;
use std::str::FromStr;

/// A JWS signature algorithm supported by the JWT realm. Names are case-sensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs, reason = "the variants are the JWS algorithm names")]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
}

/// Which key setting an algorithm draws its keys from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// HS*: `hmac_key` / `hmac_jwkset`.
    Hmac,
    /// RS*, PS*, ES*: `pkc_jwkset_path`.
    Pkc,
}

impl Algorithm {
    /// All twelve, in Elasticsearch's documented order.
    pub const ALL: [Self; 12] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::ES512,
    ];

    /// The JWS name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
        }
    }

    /// HMAC or public-key.
    pub const fn family(self) -> Family {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => Family::Hmac,
            _ => Family::Pkc,
        }
    }

    /// Minimum HMAC key size in bits (Nimbus `MACSigner.getMinRequiredSecretLength`).
    pub const fn min_hmac_bits(self) -> Option<usize> {
        match self {
            Self::HS256 => Some(256),
            Self::HS384 => Some(384),
            Self::HS512 => Some(512),
            _ => None,
        }
    }

    /// The EC curve an ES* algorithm requires.
    pub const fn curve(self) -> Option<&'static str> {
        match self {
            Self::ES256 => Some("P-256"),
            Self::ES384 => Some("P-384"),
            Self::ES512 => Some("P-521"),
            _ => None,
        }
    }

    /// Whether this is an RSA algorithm (RS* or PS*).
    pub const fn is_rsa(self) -> bool {
        matches!(
            self,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512
        )
    }
}

/// Minimum RSA modulus size Elasticsearch accepts.
pub const MIN_RSA_BITS: usize = 2048;

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Not one of the twelve names (compared case-sensitively).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown algorithm [{0}]")]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| UnknownAlgorithm(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn names_round_trip_case_sensitively() {
        for alg in Algorithm::ALL {
            assert_eq!(alg.name().parse::<Algorithm>().unwrap(), alg);
        }
        assert!("hs256".parse::<Algorithm>().is_err());
        assert!("none".parse::<Algorithm>().is_err());
        assert!("EdDSA".parse::<Algorithm>().is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn families_and_requirements() {
        assert_eq!(Algorithm::HS384.family(), Family::Hmac);
        assert_eq!(Algorithm::PS512.family(), Family::Pkc);
        assert_eq!(Algorithm::HS512.min_hmac_bits(), Some(512));
        assert_eq!(Algorithm::ES512.curve(), Some("P-521"));
        assert!(Algorithm::PS256.is_rsa() && !Algorithm::ES256.is_rsa());
    }
}
