//! The realm editor's key table: for each JWK of a set, what it is and which algorithms a
//! realm can verify with it — per Elasticsearch's load-time filter — with the reason for every
//! algorithm it cannot serve. Pure presentation of [`super::keys`]' decisions.

use super::algorithm::Algorithm;
use super::keys::{Jwk, KeyMaterial, filter_keys};

/// One row of the key table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRow {
    /// `kid`, if the key has one.
    pub kid: Option<String>,
    /// `kty`.
    pub kty: &'static str,
    /// Curve (EC, OKP) or size in bits (RSA, oct).
    pub strength: String,
    /// The key's own `alg` attribute (only consulted when a token is verified).
    pub alg: Option<String>,
    /// `use` and `key_ops`, as written (`sig`, `verify`).
    pub usage: String,
    /// Algorithms the realm can verify with this key.
    pub usable_for: Vec<Algorithm>,
    /// Algorithms of the key's kind it cannot serve, each with the reason.
    pub not_usable: Vec<(Algorithm, String)>,
    /// Why Elasticsearch drops the key at load time, if it does.
    pub dropped: Option<String>,
}

/// Describes every key against the realm's `allowed_signature_algorithms`.
///
/// An algorithm counts as usable when the key passes Elasticsearch's `isMatch` for it, the
/// key's `use` / `key_ops` allow verification, the realm allows the algorithm, and the key's
/// own `alg` (when set) names it.
pub fn describe_keys(keys: &[Jwk], allowed: &[Algorithm]) -> Vec<KeyRow> {
    keys.iter()
        .map(|key| {
            let family_algs: Vec<Algorithm> = Algorithm::ALL
                .into_iter()
                .filter(|a| same_kind(key, *a))
                .collect();
            let dropped = filter_keys(std::slice::from_ref(key), allowed, family_of(key))
                .verdicts
                .into_iter()
                .next()
                .and_then(|v| v.dropped);
            let mut usable_for = Vec::new();
            let mut not_usable = Vec::new();
            for alg in family_algs {
                let reason = if let Err(reason) = key.usable_for(alg) {
                    Some(reason)
                } else if let Err(reason) = key.allowed_to_verify() {
                    Some(reason)
                } else if !allowed.contains(&alg) {
                    Some(format!("[{alg}] is not in allowed_signature_algorithms."))
                } else {
                    key.alg.as_deref().filter(|a| *a != alg.name()).map(|own| {
                        format!("the key's own alg [{own}] limits it to that algorithm.")
                    })
                };
                match reason {
                    None => usable_for.push(alg),
                    Some(reason) => not_usable.push((alg, reason)),
                }
            }
            let usage = [
                key.use_.as_ref().map(|u| format!("use: {u}")),
                key.key_ops
                    .as_ref()
                    .map(|ops| format!("key_ops: {}", ops.join(", "))),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
            KeyRow {
                kid: key.kid.clone(),
                kty: key.kty(),
                strength: match &key.material {
                    KeyMaterial::Ec { crv, .. } | KeyMaterial::Okp { crv } => crv.clone(),
                    _ => format!("{} bits", key.size_bits()),
                },
                alg: key.alg.clone(),
                usage,
                usable_for,
                not_usable,
                dropped,
            }
        })
        .collect()
}

/// Whether `alg` is of the key's kind (HMAC for oct, RSA for RS/PS, EC for ES).
fn same_kind(key: &Jwk, alg: Algorithm) -> bool {
    match key.material {
        KeyMaterial::Oct { .. } => alg.min_hmac_bits().is_some(),
        KeyMaterial::Rsa { .. } => alg.is_rsa(),
        KeyMaterial::Ec { .. } => alg.curve().is_some(),
        KeyMaterial::Okp { .. } => false,
    }
}

fn family_of(key: &Jwk) -> super::algorithm::Family {
    match key.material {
        KeyMaterial::Oct { .. } => super::algorithm::Family::Hmac,
        _ => super::algorithm::Family::Pkc,
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::jwt::keys::parse_jwks;

    const EC_P256: &str = r#"{"kty":"EC","crv":"P-256","kid":"ec1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;

    fn rsa(bits: usize, extra: &str) -> String {
        let n = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            vec![0xc5_u8; bits / 8],
        );
        format!(r#"{{"kty":"RSA","kid":"r{bits}","n":"{n}","e":"AQAB"{extra}}}"#)
    }

    fn rows(keys: &[String], allowed: &[Algorithm]) -> Vec<KeyRow> {
        let set = format!(r#"{{"keys":[{}]}}"#, keys.join(","));
        describe_keys(&parse_jwks(&set).unwrap(), allowed)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn an_rsa_key_serves_the_allowed_rsa_algorithms() {
        let table = rows(&[rsa(2048, "")], &[Algorithm::RS256, Algorithm::PS256]);
        let row = &table[0];
        assert_eq!((row.kty, row.strength.as_str()), ("RSA", "2048 bits"));
        assert_eq!(row.usable_for, [Algorithm::RS256, Algorithm::PS256]);
        assert_eq!(row.not_usable.len(), 4);
        assert_eq!(
            row.not_usable[0],
            (
                Algorithm::RS384,
                "[RS384] is not in allowed_signature_algorithms.".to_owned()
            )
        );
        assert_eq!(row.dropped, None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reasons_for_small_keys_wrong_curves_use_and_alg() {
        let table = rows(
            &[
                rsa(1024, ""),
                EC_P256.to_owned(),
                rsa(2048, r#","use":"enc""#),
                rsa(4096, r#","alg":"RS512""#),
            ],
            &[Algorithm::RS256, Algorithm::RS512, Algorithm::ES384],
        );
        assert!(table[0].usable_for.is_empty());
        assert_eq!(
            table[0].not_usable[0].1,
            "RSA JWK [1024] bits too small for algorithm [RS256] minimum [2048]."
        );
        assert!(
            table[0]
                .dropped
                .as_deref()
                .unwrap()
                .starts_with("not usable")
        );

        assert_eq!(table[1].strength, "P-256");
        assert!(table[1].usable_for.is_empty());
        let reasons: Vec<_> = table[1].not_usable.iter().map(|(a, _)| *a).collect();
        assert_eq!(
            reasons,
            [Algorithm::ES256, Algorithm::ES384, Algorithm::ES512]
        );
        assert_eq!(
            table[1].not_usable[1].1,
            "EC JWK curve [P-256] does not match algorithm [ES384], which needs [P-384]."
        );

        assert_eq!(table[2].usage, "use: enc");
        assert_eq!(
            table[2].dropped.as_deref(),
            Some("JWK use [enc] is not [sig].")
        );
        assert!(table[2].usable_for.is_empty());

        assert_eq!(table[3].usable_for, [Algorithm::RS512]);
        assert!(table[3].not_usable.contains(&(
            Algorithm::RS256,
            "the key's own alg [RS512] limits it to that algorithm.".to_owned()
        )));
    }
}
