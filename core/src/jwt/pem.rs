//! PEM public keys and certificates → JWKs, so an admin holding a `-----BEGIN PUBLIC KEY-----`
//! (or the IdP's signing certificate) can build the realm's JWK set without other tools. RSA
//! and EC P-256 / P-384 / P-521 keys, the kinds a JWT realm can verify with.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use x509_parser::oid_registry::{OID_EC_P256, OID_NIST_EC_P384, OID_NIST_EC_P521};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

/// Why a PEM block cannot become a JWK.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PemError {
    /// Not a PEM block.
    #[error("not PEM: expected a -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE----- block")]
    NotPem,
    /// A private key was pasted.
    #[error(
        "this is a private key ([{0}]); paste the public key (openssl pkey -pubout) — verification never needs the private key"
    )]
    PrivateKey(String),
    /// A PEM label this conversion does not read.
    #[error("unsupported PEM block [{0}]; expected PUBLIC KEY or CERTIFICATE")]
    Label(String),
    /// The DER inside does not parse.
    #[error("the {0} does not parse: {1}")]
    Der(&'static str, String),
    /// Longer than [`crate::limits::PEM_MAX_BYTES`].
    #[error("the PEM text is {0} bytes; at most {max} are read", max = crate::limits::PEM_MAX_BYTES)]
    TooLarge(usize),
    /// A key type or curve a JWT realm cannot use.
    #[error("unsupported key: {0}; JWT realms verify with RSA and EC P-256, P-384 or P-521 keys")]
    Unsupported(String),
}

fn b64(bytes: &[u8]) -> Value {
    let trimmed = match bytes.iter().position(|b| *b != 0) {
        Some(first) => &bytes[first..],
        None => &bytes[bytes.len().saturating_sub(1)..],
    };
    Value::String(URL_SAFE_NO_PAD.encode(trimmed))
}

/// Converts the first PEM block of `pem` (a `PUBLIC KEY` or a `CERTIFICATE`) to a JWK with
/// `use: sig` and, when given, `kid`.
///
/// # Errors
/// What keeps the block from being a usable verification key.
pub fn pem_to_jwk(pem: &str, kid: Option<&str>) -> Result<Value, PemError> {
    if pem.len() > crate::limits::PEM_MAX_BYTES {
        return Err(PemError::TooLarge(pem.len()));
    }
    let block = crate::pem::blocks(pem.trim())
        .next()
        .and_then(Result::ok)
        .ok_or(PemError::NotPem)?;
    let certificate;
    let spki = match block.label.as_str() {
        "PUBLIC KEY" => {
            SubjectPublicKeyInfo::from_der(&block.contents)
                .map_err(|e| PemError::Der("public key", e.to_string()))?
                .1
        }
        "CERTIFICATE" => {
            certificate = X509Certificate::from_der(&block.contents)
                .map_err(|e| PemError::Der("certificate", e.to_string()))?
                .1;
            certificate.public_key().clone()
        }
        label if label.contains("PRIVATE KEY") => {
            return Err(PemError::PrivateKey(label.to_owned()));
        }
        label => return Err(PemError::Label(label.to_owned())),
    };
    let mut jwk = spki_to_jwk(&spki)?;
    let Value::Object(map) = &mut jwk else {
        return Ok(jwk);
    };
    if let Some(kid) = kid.filter(|k| !k.is_empty()) {
        map.insert("kid".to_owned(), Value::String(kid.to_owned()));
    }
    map.insert("use".to_owned(), Value::String("sig".to_owned()));
    Ok(jwk)
}

/// A certificate's or a public key's `SubjectPublicKeyInfo` as a bare JWK (`kty` and the key
/// parameters).
///
/// # Errors
/// A key type or curve a JWT realm cannot use, or a malformed key.
pub fn spki_to_jwk(spki: &SubjectPublicKeyInfo<'_>) -> Result<Value, PemError> {
    let mut jwk = Map::new();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            jwk.insert("kty".to_owned(), Value::String("RSA".to_owned()));
            jwk.insert("n".to_owned(), b64(rsa.modulus));
            jwk.insert("e".to_owned(), b64(rsa.exponent));
        }
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok());
            let (crv, size) = match curve {
                Some(oid) if oid == OID_EC_P256 => ("P-256", 32),
                Some(oid) if oid == OID_NIST_EC_P384 => ("P-384", 48),
                Some(oid) if oid == OID_NIST_EC_P521 => ("P-521", 66),
                Some(oid) => return Err(PemError::Unsupported(format!("EC curve {oid}"))),
                None => {
                    return Err(PemError::Unsupported(
                        "EC key without a named curve".to_owned(),
                    ));
                }
            };
            let data = point.data();
            if data.len() != 1 + 2 * size || data[0] != 4 {
                return Err(PemError::Unsupported(format!(
                    "compressed or malformed {crv} point"
                )));
            }
            jwk.insert("kty".to_owned(), Value::String("EC".to_owned()));
            jwk.insert("crv".to_owned(), Value::String(crv.to_owned()));
            jwk.insert(
                "x".to_owned(),
                Value::String(URL_SAFE_NO_PAD.encode(&data[1..=size])),
            );
            jwk.insert(
                "y".to_owned(),
                Value::String(URL_SAFE_NO_PAD.encode(&data[1 + size..])),
            );
        }
        Ok(_) => {
            return Err(PemError::Unsupported(format!(
                "algorithm {}",
                spki.algorithm.algorithm
            )));
        }
        Err(e) => return Err(PemError::Der("public key", e.to_string())),
    }
    Ok(Value::Object(jwk))
}

/// Appends `jwk` to the JWK set `set` (an empty text starts a new set), pretty-printed.
///
/// # Errors
/// The set is not a JSON object with a `keys` array.
pub fn add_to_set(set: &str, jwk: Value) -> Result<String, String> {
    let mut set: Value = if set.trim().is_empty() {
        serde_json::json!({"keys": []})
    } else {
        serde_json::from_str(set).map_err(|e| format!("the JWK set is not JSON: {e}"))?
    };
    set.get_mut("keys")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| "the JWK set has no [keys] array".to_owned())?
        .push(jwk);
    serde_json::to_string_pretty(&set).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::jwt::algorithm::Algorithm;
    use crate::jwt::keys::parse_jwks;

    // Made with openssl 3: genpkey RSA 2048 / EC P-384, pkey -pubout, req -x509. The expected
    // n, x and y were read from openssl's own output (rsa -modulus, pkey -outform DER).
    const RSA_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzEhLGZngbNflr4RFw7gq
nh+1C07fDp23fbtwFujSaaXgGvgt8N54lOZkuSb2BsvfVuZ9LYK8qSYLvPfGFoCl
kj2Vsi6OxdQCPSOztpMP422kmBGZZjMhfdx4eA7zYjs+1kzU42VyUTLKJB14rYbV
8ecAOOmgwRhiEmM4+lSkSfzvdeis5iyfKGgGt8ih+nYbTe50hj6x5w8ISX6omwCu
SX9Lt20lmtpeuSQJju1QzO1LMBz4tZbjgnxFEQ9w9ho8IaLOgaqrbI91seOQoMIR
5WoBfUFqWpVOGCZV1Ek94ZcieV9WRjAvl8HrPNpKnEsJsPFGXvKFKQ7GhbQE91FN
NwIDAQAB
-----END PUBLIC KEY-----";
    const EC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAECcRqCLZUAL5McGWeP4NVcaFTDa+uDga5
wZ/Ssfor8Uh/Hd8ImqONpFJlAXntN/TVcwg0iCqDhuDZrxOQxzq3+TUv/Zqb1DvI
ZlJaH1mpbnXXeS1Jc2NFEsUytx+mpqQC
-----END PUBLIC KEY-----";
    const EC_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBsTCCATagAwIBAgIUb92VbAZEH5YiMFDgjRFh0IGCTOQwCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEdGVzdDAeFw0yNjEyMDMxMTI2MzdaFw0zNjExMzAxMTI2Mzda
MA8xDTALBgNVBAMMBHRlc3QwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAQJxGoItlQA
vkxwZZ4/g1VxoVMNr64OBrnBn9Kx+ivxSH8d3wiao42kUmUBee039NVzCDSIKoOG
4NmvE5DHOrf5NS/9mpvUO8hmUlofWaluddd5LUlzY0USxTK3H6ampAKjUzBRMB0G
A1UdDgQWBBSTafW2KR4WJBP2OxCF0PqYTdlZazAfBgNVHSMEGDAWgBSTafW2KR4W
JBP2OxCF0PqYTdlZazAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA2kAMGYC
MQDsrbiMr7ibYptz6OT4XBREqzJDhnt7MpwBjnzIUXlAzLLuED2v7iFgQn9+ENqP
4d4CMQC6wu9RcuhyA6f0SPr2pHhXBku88WXiHtF7sg9DrCxs6Djjka2EapBbzJ9G
xTHs8GM=
-----END CERTIFICATE-----";
    const RSA_N: &str = "zEhLGZngbNflr4RFw7gqnh-1C07fDp23fbtwFujSaaXgGvgt8N54lOZkuSb2BsvfVuZ9LYK8qSYLvPfGFoClkj2Vsi6OxdQCPSOztpMP422kmBGZZjMhfdx4eA7zYjs-1kzU42VyUTLKJB14rYbV8ecAOOmgwRhiEmM4-lSkSfzvdeis5iyfKGgGt8ih-nYbTe50hj6x5w8ISX6omwCuSX9Lt20lmtpeuSQJju1QzO1LMBz4tZbjgnxFEQ9w9ho8IaLOgaqrbI91seOQoMIR5WoBfUFqWpVOGCZV1Ek94ZcieV9WRjAvl8HrPNpKnEsJsPFGXvKFKQ7GhbQE91FNNw";
    const EC_X: &str = "CcRqCLZUAL5McGWeP4NVcaFTDa-uDga5wZ_Ssfor8Uh_Hd8ImqONpFJlAXntN_TV";
    const EC_Y: &str = "cwg0iCqDhuDZrxOQxzq3-TUv_Zqb1DvIZlJaH1mpbnXXeS1Jc2NFEsUytx-mpqQC";

    #[wasm_bindgen_test(unsupported = test)]
    fn rsa_public_keys_become_rsa_jwks() {
        let jwk = pem_to_jwk(RSA_PEM, Some("rsa-1")).unwrap();
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["n"], RSA_N);
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(
            (jwk["kid"].as_str(), jwk["use"].as_str()),
            (Some("rsa-1"), Some("sig"))
        );
        let set = add_to_set("", jwk).unwrap();
        let keys = parse_jwks(&set).unwrap();
        assert_eq!(keys[0].size_bits(), 2048);
        assert_eq!(keys[0].usable_for(Algorithm::RS256), Ok(()));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ec_keys_and_certificates_become_ec_jwks() {
        for pem in [EC_PEM, EC_CERT] {
            let jwk = pem_to_jwk(pem, None).unwrap();
            assert_eq!(
                (jwk["crv"].as_str(), jwk["x"].as_str(), jwk["y"].as_str()),
                (Some("P-384"), Some(EC_X), Some(EC_Y))
            );
            assert!(jwk.get("kid").is_none());
            let keys = parse_jwks(&add_to_set(r#"{"keys": []}"#, jwk).unwrap()).unwrap();
            assert_eq!(keys[0].usable_for(Algorithm::ES384), Ok(()));
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refusals_say_what_to_paste() {
        assert_eq!(pem_to_jwk("hello", None), Err(PemError::NotPem));
        let private = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----";
        assert!(matches!(
            pem_to_jwk(private, None),
            Err(PemError::PrivateKey(_))
        ));
        let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----";
        assert!(
            matches!(pem_to_jwk(ed25519, None), Err(PemError::Unsupported(_))),
            "{:?}",
            pem_to_jwk(ed25519, None)
        );
        assert!(add_to_set("[]", Value::Null).is_err());
    }
}
