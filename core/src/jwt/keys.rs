//! JWK sets as a JWT realm loads them (`JwkSetLoader`, `JwkValidateUtil`): parsing, the
//! load-time filter (use, key_ops, size, curve) with a reason for every key and algorithm
//! dropped, the per-token candidate filter (kid, alg, strength), and signature checks.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::algorithm::{Algorithm, Family, MIN_RSA_BITS};

/// ECDSA over the uncompressed point `x || y` with one of the RustCrypto curve crates
/// (`p256`, `p384`, `p521`): the key as SEC1 bytes, the signature as fixed-size `r || s`.
macro_rules! verify_ecdsa {
    ($curve:ident, $x:expr, $y:expr, $input:expr, $signature:expr) => {{
        use $curve::ecdsa::signature::Verifier as _;
        $curve::ecdsa::VerifyingKey::from_sec1_bytes(&sec1_point($x, $y)).is_ok_and(|key| {
            $curve::ecdsa::Signature::from_slice($signature)
                .is_ok_and(|sig| key.verify($input, &sig).is_ok())
        })
    }};
}

/// The key material of one JWK.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyMaterial {
    /// `kty: oct` — an HMAC secret.
    Oct {
        /// The secret bytes.
        secret: Vec<u8>,
    },
    /// `kty: RSA` public key.
    Rsa {
        /// Modulus bytes (big-endian, as encoded).
        n: Vec<u8>,
        /// Exponent bytes.
        e: Vec<u8>,
    },
    /// `kty: EC` public key.
    Ec {
        /// Curve name (`P-256`, `P-384`, `P-521`, `secp256k1`…).
        crv: String,
        /// X coordinate.
        x: Vec<u8>,
        /// Y coordinate.
        y: Vec<u8>,
    },
    /// `kty: OKP` (Ed25519 and friends): parsed but never usable by a JWT realm.
    Okp {
        /// Curve name.
        crv: String,
    },
}

impl fmt::Debug for KeyMaterial {
    /// Never prints secret bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Oct { secret } => write!(f, "Oct({} bits)", secret.len() * 8),
            Self::Rsa { n, .. } => write!(f, "Rsa({} bits)", n.len() * 8),
            Self::Ec { crv, .. } => write!(f, "Ec({crv})"),
            Self::Okp { crv } => write!(f, "Okp({crv})"),
        }
    }
}

/// One JWK with the attributes the realm looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jwk {
    /// `kid`.
    pub kid: Option<String>,
    /// `alg` (only consulted at verification time).
    pub alg: Option<String>,
    /// `use`.
    pub use_: Option<String>,
    /// `key_ops`.
    pub key_ops: Option<Vec<String>>,
    /// The key itself.
    pub material: KeyMaterial,
}

impl Jwk {
    /// The key Elasticsearch builds from `hmac_key`: the UTF-8 bytes, no attributes.
    pub fn from_hmac_key(key: &str) -> Self {
        Self {
            kid: None,
            alg: None,
            use_: None,
            key_ops: None,
            material: KeyMaterial::Oct {
                secret: key.as_bytes().to_vec(),
            },
        }
    }

    /// The key type, as in `kty`.
    pub fn kty(&self) -> &'static str {
        match self.material {
            KeyMaterial::Oct { .. } => "oct",
            KeyMaterial::Rsa { .. } => "RSA",
            KeyMaterial::Ec { .. } => "EC",
            KeyMaterial::Okp { .. } => "OKP",
        }
    }

    /// Key size in bits as Nimbus reports it (RSA: modulus bytes × 8; oct: secret bytes × 8).
    pub fn size_bits(&self) -> usize {
        match &self.material {
            KeyMaterial::Oct { secret } => secret.len() * 8,
            KeyMaterial::Rsa { n, .. } => n.len() * 8,
            KeyMaterial::Ec { x, .. } => x.len() * 8,
            KeyMaterial::Okp { .. } => 0,
        }
    }

    /// A short label for people: `kid [k1] RSA 2048 bits`.
    pub fn label(&self) -> impl fmt::Display + '_ {
        struct Label<'a>(&'a Jwk);
        impl fmt::Display for Label<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut text = String::with_capacity(32);
                self.0.push_label(&mut text);
                f.write_str(&text)
            }
        }
        Label(self)
    }

    /// Appends [`Jwk::label`] to `out` (the trace names the key that verified every token).
    pub fn push_label(&self, out: &mut String) {
        match &self.kid {
            Some(kid) => {
                out.push_str("kid [");
                out.push_str(kid);
                out.push_str("] ");
            }
            None => out.push_str("no kid "),
        }
        out.push_str(self.kty());
        out.push(' ');
        match &self.material {
            KeyMaterial::Ec { crv, .. } | KeyMaterial::Okp { crv } => out.push_str(crv),
            _ => {
                super::push_int(out, self.size_bits());
                out.push_str(" bits");
            }
        }
    }

    /// `JwkValidateUtil.isMatch`: whether this key can verify `alg` (type, size, curve). The
    /// error explains why not.
    ///
    /// # Errors
    /// The reason the key cannot be used for the algorithm.
    pub fn usable_for(&self, alg: Algorithm) -> Result<(), String> {
        match (&self.material, alg.family()) {
            (KeyMaterial::Oct { .. }, Family::Hmac) => {
                let min = alg.min_hmac_bits().unwrap_or(0);
                let bits = self.size_bits();
                if bits >= min {
                    Ok(())
                } else {
                    Err(format!(
                        "HMAC JWK [{bits}] bits too small for algorithm [{alg}] minimum [{min}]."
                    ))
                }
            }
            (KeyMaterial::Rsa { .. }, Family::Pkc) if alg.is_rsa() => {
                let bits = self.size_bits();
                if bits >= MIN_RSA_BITS {
                    Ok(())
                } else {
                    Err(format!(
                        "RSA JWK [{bits}] bits too small for algorithm [{alg}] minimum [{MIN_RSA_BITS}]."
                    ))
                }
            }
            (KeyMaterial::Ec { crv, .. }, Family::Pkc) if !alg.is_rsa() => {
                let needed = alg.curve().unwrap_or("");
                if crv == needed {
                    Ok(())
                } else {
                    Err(format!(
                        "EC JWK curve [{crv}] does not match algorithm [{alg}], which needs [{needed}]."
                    ))
                }
            }
            _ => Err(format!(
                "{} JWK cannot be used for algorithm [{alg}].",
                self.kty()
            )),
        }
    }

    /// Whether `use` and `key_ops` allow signature verification.
    ///
    /// # Errors
    /// Which attribute excludes the key.
    pub fn allowed_to_verify(&self) -> Result<(), String> {
        if let Some(use_) = self.use_.as_deref().filter(|u| *u != "sig") {
            return Err(format!("JWK use [{use_}] is not [sig]."));
        }
        if let Some(ops) = self
            .key_ops
            .as_ref()
            .filter(|ops| !ops.iter().any(|o| o == "verify"))
        {
            return Err(format!(
                "JWK key_ops [{}] does not contain [verify].",
                ops.join(",")
            ));
        }
        Ok(())
    }

    /// Verifies a JWS signature over `signing_input` (`header.payload`) with this key.
    /// Any malformed signature is simply "not verified", as Nimbus verifiers return `false`.
    ///
    /// These are the RustCrypto calls `jsonwebtoken`'s `rust_crypto` verifiers make (HMAC
    /// `verify_slice`; RSA PKCS#1 v1.5 and PSS over the digest with `RsaPublicKey::new`'s
    /// size limits; ECDSA `from_sec1_bytes` and `Signature::from_slice`; the signature decoded
    /// as strict unpadded Base64url), made directly: `jsonwebtoken`'s provider would also link
    /// every signer into the browser client. A key of another family than the algorithm's
    /// never verifies. A unit test holds the two to the same verdicts.
    pub fn verify(&self, alg: Algorithm, signing_input: &[u8], signature_b64: &str) -> bool {
        use Algorithm as A;
        if let (KeyMaterial::Ec { x, y, .. }, A::ES512) = (&self.material, alg) {
            return verify_es512(x, y, signing_input, signature_b64);
        }
        let Ok(signature) = URL_SAFE_NO_PAD.decode(signature_b64) else {
            return false;
        };
        match (&self.material, alg) {
            (KeyMaterial::Oct { secret }, A::HS256) => {
                verify_hmac::<hmac::Hmac<sha2::Sha256>>(secret, signing_input, &signature)
            }
            (KeyMaterial::Oct { secret }, A::HS384) => {
                verify_hmac::<hmac::Hmac<sha2::Sha384>>(secret, signing_input, &signature)
            }
            (KeyMaterial::Oct { secret }, A::HS512) => {
                verify_hmac::<hmac::Hmac<sha2::Sha512>>(secret, signing_input, &signature)
            }
            (KeyMaterial::Rsa { n, e }, A::RS256 | A::PS256) => {
                verify_rsa::<sha2::Sha256>(n, e, alg == A::PS256, signing_input, &signature)
            }
            (KeyMaterial::Rsa { n, e }, A::RS384 | A::PS384) => {
                verify_rsa::<sha2::Sha384>(n, e, alg == A::PS384, signing_input, &signature)
            }
            (KeyMaterial::Rsa { n, e }, A::RS512 | A::PS512) => {
                verify_rsa::<sha2::Sha512>(n, e, alg == A::PS512, signing_input, &signature)
            }
            (KeyMaterial::Ec { x, y, .. }, A::ES256) => {
                verify_ecdsa!(p256, x, y, signing_input, &signature)
            }
            (KeyMaterial::Ec { x, y, .. }, A::ES384) => {
                verify_ecdsa!(p384, x, y, signing_input, &signature)
            }
            _ => false,
        }
    }
}

/// An uncompressed SEC1 point, `04 || x || y`.
fn sec1_point(x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);
    point
}

/// HMAC (`M`, keyed with `secret`) over the signing input, compared in constant time and at
/// full length.
fn verify_hmac<M: hmac::Mac + hmac::digest::KeyInit>(
    secret: &[u8],
    signing_input: &[u8],
    signature: &[u8],
) -> bool {
    let Ok(mut mac) = <M as hmac::Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(signing_input);
    mac.verify_slice(signature).is_ok()
}

/// RSA PKCS#1 v1.5 or PSS over the input's digest, with `RsaPublicKey::new`'s limits (at most
/// 4096 bits, a sane exponent).
fn verify_rsa<D>(n: &[u8], e: &[u8], pss: bool, signing_input: &[u8], signature: &[u8]) -> bool
where
    D: sha2::Digest + sha2::digest::DynDigest + rsa::pkcs8::AssociatedOid + Send + Sync + 'static,
{
    use rsa::BigUint;
    let Ok(key) = rsa::RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e))
    else {
        return false;
    };
    let digest = D::digest(signing_input);
    if pss {
        key.verify(rsa::Pss::new::<D>(), &digest, signature).is_ok()
    } else {
        key.verify(rsa::Pkcs1v15Sign::new::<D>(), &digest, signature)
            .is_ok()
    }
}

/// ES512 with the `p521` crate (`jsonwebtoken` has no ES512; the signature is read leniently,
/// as Nimbus reads it).
fn verify_es512(x: &[u8], y: &[u8], signing_input: &[u8], signature_b64: &str) -> bool {
    decode_b64url(signature_b64).is_some_and(|sig| verify_ecdsa!(p521, x, y, signing_input, &sig))
}

/// Base64url, with or without padding (Nimbus decodes leniently).
pub(crate) fn decode_b64url(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
        .or_else(|| URL_SAFE.decode(s).ok())
}

/// Why a JWK set could not be parsed (Elasticsearch: `JWKSet parse failed for setting [..]`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JwksParseError(pub String);

/// Parses a JWK set (`{"keys": [...]}`), as Nimbus `JWKSet.parse` does: one bad key fails the
/// whole set.
///
/// # Errors
/// Not JSON, no `keys` array, or a key that is malformed or of an unknown type.
pub fn parse_jwks(json: &str) -> Result<Vec<Jwk>, JwksParseError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| JwksParseError(format!("invalid JSON: {e}")))?;
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| JwksParseError("missing required \"keys\" member".to_owned()))?;
    keys.iter()
        .enumerate()
        .map(|(i, k)| parse_jwk(k).map_err(|e| JwksParseError(format!("key {i}: {e}"))))
        .collect()
}

fn parse_jwk(value: &Value) -> Result<Jwk, String> {
    let obj = value.as_object().ok_or("a JWK must be a JSON object")?;
    let text = |name: &str| -> Result<Option<String>, String> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{name}\" must be a string")),
        }
    };
    let bytes = |name: &str| -> Result<Vec<u8>, String> {
        let s = text(name)?.ok_or_else(|| format!("missing required \"{name}\" member"))?;
        decode_b64url(&s).ok_or_else(|| format!("\"{name}\" is not base64url"))
    };
    let kty = text("kty")?.ok_or("missing required \"kty\" member")?;
    let material = match kty.as_str() {
        "oct" => KeyMaterial::Oct {
            secret: bytes("k")?,
        },
        "RSA" => KeyMaterial::Rsa {
            n: bytes("n")?,
            e: bytes("e")?,
        },
        "EC" => KeyMaterial::Ec {
            crv: text("crv")?.ok_or("missing required \"crv\" member")?,
            x: bytes("x")?,
            y: bytes("y")?,
        },
        "OKP" => KeyMaterial::Okp {
            crv: text("crv")?.ok_or("missing required \"crv\" member")?,
        },
        other => return Err(format!("unsupported key type [{other}]")),
    };
    let key_ops = match obj.get("key_ops") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or("\"key_ops\" must hold strings")
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err("\"key_ops\" must be an array".to_owned()),
    };
    Ok(Jwk {
        kid: text("kid")?,
        alg: text("alg")?,
        use_: text("use")?,
        key_ops,
        material,
    })
}

/// What the load-time filter decided for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyVerdict {
    /// The key.
    pub key: Jwk,
    /// For each allowed algorithm of the family: usable, or why not.
    pub algorithms: Vec<(Algorithm, Result<(), String>)>,
    /// Why the key was dropped, if it was.
    pub dropped: Option<String>,
}

/// The keys and algorithms of one family that survive the load-time filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilteredKeys {
    /// Keys kept, in set order.
    pub keys: Vec<Jwk>,
    /// Allowed algorithms with at least one usable key.
    pub algorithms: Vec<Algorithm>,
    /// Every key with its verdict (kept ones too).
    pub verdicts: Vec<KeyVerdict>,
    /// Allowed algorithms of the family that no key can verify.
    pub algorithms_without_keys: Vec<Algorithm>,
}

/// `JwkValidateUtil.filterJwksAndAlgorithms`: keep keys allowed to verify and usable for at
/// least one allowed algorithm of `family`; keep algorithms with at least one such key.
pub fn filter_keys(keys: &[Jwk], allowed: &[Algorithm], family: Family) -> FilteredKeys {
    let algs: Vec<Algorithm> = allowed
        .iter()
        .copied()
        .filter(|a| a.family() == family)
        .collect();
    let mut out = FilteredKeys::default();
    for key in keys {
        let algorithms: Vec<_> = algs.iter().map(|&a| (a, key.usable_for(a))).collect();
        let dropped = match key.allowed_to_verify() {
            Err(reason) => Some(reason),
            Ok(()) if algorithms.iter().all(|(_, r)| r.is_err()) => Some(if algs.is_empty() {
                "no algorithm of this key's family is allowed.".to_owned()
            } else {
                let reasons: Vec<&str> = algorithms
                    .iter()
                    .filter_map(|(_, r)| r.as_ref().err())
                    .map(String::as_str)
                    .collect();
                format!(
                    "not usable for any allowed algorithm: {}",
                    reasons.join(" ")
                )
            }),
            Ok(()) => None,
        };
        if dropped.is_none() {
            out.keys.push(key.clone());
        }
        out.verdicts.push(KeyVerdict {
            key: key.clone(),
            algorithms,
            dropped,
        });
    }
    for alg in algs {
        if out.keys.iter().any(|k| k.usable_for(alg).is_ok()) {
            out.algorithms.push(alg);
        } else {
            out.algorithms_without_keys.push(alg);
        }
    }
    out
}

/// `JwtSignatureValidator.validateSignature` candidate selection: drop keys whose `kid`
/// differs from the token's (keys without `kid` stay), whose `alg` differs, and that are not
/// strong enough or of the wrong type.
pub fn candidates<'k>(keys: &'k [Jwk], kid: Option<&str>, alg: Algorithm) -> Vec<&'k Jwk> {
    keys.iter()
        .filter(|k| kid.is_none() || k.kid.is_none() || k.kid.as_deref() == kid)
        .filter(|k| k.alg.as_deref().is_none_or(|a| a == alg.name()))
        .filter(|k| k.usable_for(alg).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn oct(bits: usize) -> Jwk {
        Jwk {
            material: KeyMaterial::Oct {
                secret: vec![7; bits / 8],
            },
            ..Jwk::from_hmac_key("")
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn hmac_sizes_decide_the_algorithms() {
        let run_as_key = Jwk::from_hmac_key("test-HMAC/secret passphrase-value");
        assert_eq!(run_as_key.size_bits(), 264);
        assert!(run_as_key.usable_for(Algorithm::HS256).is_ok());
        assert_eq!(
            run_as_key.usable_for(Algorithm::HS384).unwrap_err(),
            "HMAC JWK [264] bits too small for algorithm [HS384] minimum [384]."
        );
        assert!(oct(512).usable_for(Algorithm::HS512).is_ok());
        assert!(oct(256).usable_for(Algorithm::RS256).is_err());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn use_and_key_ops_exclude_keys() {
        let mut enc = oct(256);
        enc.use_ = Some("enc".into());
        let mut sign_only = oct(256);
        sign_only.key_ops = Some(vec!["sign".into()]);
        let mut verify = oct(256);
        verify.key_ops = Some(vec!["verify".into(), "sign".into()]);
        let filtered = filter_keys(
            &[enc, sign_only, verify.clone()],
            &[Algorithm::HS256],
            Family::Hmac,
        );
        assert_eq!(filtered.keys, vec![verify]);
        assert_eq!(
            filtered.verdicts[0].dropped.as_deref(),
            Some("JWK use [enc] is not [sig].")
        );
        assert_eq!(
            filtered.verdicts[1].dropped.as_deref(),
            Some("JWK key_ops [sign] does not contain [verify].")
        );
        assert_eq!(filtered.algorithms, vec![Algorithm::HS256]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn algorithms_without_keys_are_dropped() {
        let filtered = filter_keys(
            &[oct(264)],
            &[Algorithm::HS256, Algorithm::HS512, Algorithm::RS256],
            Family::Hmac,
        );
        assert_eq!(filtered.algorithms, vec![Algorithm::HS256]);
        assert_eq!(filtered.algorithms_without_keys, vec![Algorithm::HS512]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn candidates_filter_by_kid_alg_and_strength() {
        let mut a = oct(512);
        a.kid = Some("a".into());
        let mut b = oct(512);
        b.kid = Some("b".into());
        b.alg = Some("HS384".into());
        let c = oct(256);
        let keys = [a, b, c];
        let kids = |kid, alg| -> Vec<Option<String>> {
            candidates(&keys, kid, alg)
                .into_iter()
                .map(|k| k.kid.clone())
                .collect()
        };
        assert_eq!(
            kids(Some("a"), Algorithm::HS256),
            vec![Some("a".into()), None]
        );
        assert_eq!(kids(None, Algorithm::HS512), vec![Some("a".into())]);
        assert_eq!(kids(Some("b"), Algorithm::HS384), vec![Some("b".into())]);
        assert!(kids(Some("zzz"), Algorithm::HS512).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn jwks_parsing_is_all_or_nothing() {
        let good = r#"{"keys":[{"kty":"oct","kid":"k","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]}"#;
        let keys = parse_jwks(good).unwrap();
        assert_eq!(keys[0].size_bits(), 512);
        assert_eq!(keys[0].kid.as_deref(), Some("k"));
        for bad in [
            "",
            "{}",
            r#"{"keys":[{"kty":"XYZ"}]}"#,
            r#"{"keys":[{"kty":"RSA","n":"AQAB"}]}"#,
            r#"{"keys":[1]}"#,
        ] {
            assert!(parse_jwks(bad).is_err(), "{bad}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn labels_name_the_kid_the_type_and_the_size_or_curve() {
        let corpus = include_str!("../../../tests/fixtures/jwt-corpus/pkc.jwks.json");
        let labels: Vec<String> = parse_jwks(corpus)
            .unwrap()
            .iter()
            .chain([&oct(256)])
            .map(|k| k.label().to_string())
            .collect();
        assert_eq!(
            labels,
            [
                "kid [rsa] RSA 2048 bits",
                "kid [weak] RSA 1024 bits",
                "kid [p256] EC P-256",
                "kid [p384] EC P-384",
                "kid [p521] EC P-521",
                "no kid oct 256 bits",
            ]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn rfc7515_a1_signature_verifies() {
        let keys = parse_jwks(r#"{"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]}"#).unwrap();
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let (input, sig) = token.rsplit_once('.').unwrap();
        assert!(keys[0].verify(Algorithm::HS256, input.as_bytes(), sig));
        assert!(!keys[0].verify(Algorithm::HS256, b"tampered", sig));
        assert!(!keys[0].verify(Algorithm::HS256, input.as_bytes(), "!!notbase64"));
    }

    /// The direct RustCrypto checks give `jsonwebtoken::crypto::verify`'s verdict (the
    /// implementation they replace) for every corpus token (signed by PyJWT) under every corpus
    /// key and the HMAC key, with the token's own algorithm and with a neighbour of each family,
    /// for the real signature, a tampered one, a padded one and an empty one.
    #[wasm_bindgen_test(unsupported = test)]
    fn signature_checks_agree_with_jsonwebtoken() {
        use jsonwebtoken::{Algorithm as J, DecodingKey, crypto};
        fn reference(key: &Jwk, alg: Algorithm, input: &[u8], signature: &str) -> bool {
            let decoding = match &key.material {
                KeyMaterial::Oct { secret } => DecodingKey::from_secret(secret),
                KeyMaterial::Rsa { n, e } => DecodingKey::from_rsa_raw_components(n, e),
                KeyMaterial::Ec { x, y, .. } => DecodingKey::from_ec_der(&sec1_point(x, y)),
                KeyMaterial::Okp { .. } => return false,
            };
            let alg = match alg {
                Algorithm::HS256 => J::HS256,
                Algorithm::HS384 => J::HS384,
                Algorithm::HS512 => J::HS512,
                Algorithm::RS256 => J::RS256,
                Algorithm::RS384 => J::RS384,
                Algorithm::RS512 => J::RS512,
                Algorithm::PS256 => J::PS256,
                Algorithm::PS384 => J::PS384,
                Algorithm::PS512 => J::PS512,
                Algorithm::ES256 => J::ES256,
                Algorithm::ES384 => J::ES384,
                Algorithm::ES512 => unreachable!("jsonwebtoken has no ES512"),
            };
            crypto::verify(signature, input, &decoding, alg).unwrap_or(false)
        }
        let cases: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/jwt-corpus/cases.json"
        ))
        .unwrap();
        let mut keys = parse_jwks(include_str!(
            "../../../tests/fixtures/jwt-corpus/pkc.jwks.json"
        ))
        .unwrap();
        keys.push(Jwk::from_hmac_key(
            "corpus-hmac-key-of-sixty-four-bytes-for-hs512-0123456789abcdef!x",
        ));
        let (mut verified, mut compared) = (0, 0);
        for case in cases["cases"].as_array().unwrap() {
            let token = case["authorization"]
                .as_str()
                .and_then(|a| a.strip_prefix("Bearer "))
                .unwrap_or_default();
            let Some((input, signature)) = token.rsplit_once('.') else {
                continue;
            };
            let Some(own) = case["alg"]
                .as_str()
                .and_then(|a| a.parse::<Algorithm>().ok())
            else {
                continue;
            };
            let mut tampered = signature.to_owned();
            if let Some(last) = tampered.pop() {
                tampered.push(if last == 'A' { 'B' } else { 'A' });
            }
            let padded = format!("{signature}=");
            for alg in [
                own,
                Algorithm::HS384,
                Algorithm::RS256,
                Algorithm::PS384,
                Algorithm::ES256,
            ] {
                if alg == Algorithm::ES512 {
                    continue;
                }
                for key in &keys {
                    for sig in [signature, tampered.as_str(), padded.as_str(), ""] {
                        let ours = key.verify(alg, input.as_bytes(), sig);
                        assert_eq!(
                            ours,
                            reference(key, alg, input.as_bytes(), sig),
                            "{} / {alg} / key {:?} / {sig}",
                            case["name"],
                            key.kid
                        );
                        verified += usize::from(ours);
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 5_000, "{compared}");
        assert!(verified > 100, "only {verified} signatures verified");
    }
}
