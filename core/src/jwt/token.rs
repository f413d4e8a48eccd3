//! Getting a JWT out of a request the way Elasticsearch does: the `Bearer ` scheme
//! (case-sensitive), the `SharedSecret ` client scheme (case-insensitive), and Nimbus-style
//! parsing of a signed JWT with its claim type rules. Never verifies anything.

use serde_json::{Map, Value};

use super::keys::decode_b64url;

/// `Authorization: Bearer <jwt>`: the trimmed token, or `None` when the scheme is not exactly
/// `Bearer ` or nothing follows it.
pub fn bearer(authorization: Option<&str>) -> Option<&str> {
    let token = authorization?.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then_some(token)
}

/// What the `ES-Client-Authentication` header carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientCredential {
    /// No header, or another scheme.
    Absent,
    /// `SharedSecret <secret>` (scheme matched ignoring case).
    SharedSecret(String),
    /// `SharedSecret` with nothing after it: Elasticsearch fails building the token with
    /// `Client shared secret must be non-empty`.
    Empty,
}

/// Reads `ES-Client-Authentication`.
pub fn client_credential(header: Option<&str>) -> ClientCredential {
    const SCHEME: &str = "SharedSecret ";
    let Some(value) = header else {
        return ClientCredential::Absent;
    };
    let matches = value.len() >= SCHEME.len()
        && value.is_char_boundary(SCHEME.len())
        && value[..SCHEME.len()].eq_ignore_ascii_case(SCHEME);
    if !matches {
        return if value.trim().eq_ignore_ascii_case("SharedSecret") {
            ClientCredential::Empty
        } else {
            ClientCredential::Absent
        };
    }
    let secret = value[SCHEME.len()..].trim();
    if secret.is_empty() {
        ClientCredential::Empty
    } else {
        ClientCredential::SharedSecret(secret.to_owned())
    }
}

/// A parsed (not verified) signed JWT.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedJwt {
    /// `header.payload`, the signing input.
    pub signing_input: String,
    /// Base64url header.
    pub header_b64: String,
    /// Base64url payload.
    pub payload_b64: String,
    /// Base64url signature.
    pub signature_b64: String,
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
}

/// Why a bearer value is not a signed JWT (Elasticsearch: the realm gets no token).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAJwt(pub String);

impl ParsedJwt {
    /// Parses like `JwtUtil.parseSignedJWT`: at least two dots, exactly three parts, a JOSE
    /// header with a JWS `alg` (not `none`), and a claims set whose registered claims have
    /// the right JSON types (`iss`/`sub`/`jti` strings, `aud` string or string array,
    /// `exp`/`nbf`/`iat` numbers). JSON `null` counts as absent.
    ///
    /// # Errors
    /// Why the value is not a signed JWT.
    pub fn parse(token: &str) -> Result<Self, NotAJwt> {
        let fail = |m: &str| NotAJwt(m.to_owned());
        if token.matches('.').count() < 2 {
            return Err(fail("not a JWT: fewer than two [.] separators"));
        }
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(fail(
                "not a signed JWT: expected three Base64URL parts (five parts would be an encrypted JWE)",
            ));
        }
        let header =
            decode_object(parts[0]).map_err(|e| NotAJwt(format!("invalid JWS header: {e}")))?;
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "none" => {
                return Err(fail("not a signed JWT: alg [none] is an unsecured JWT"));
            }
            Some(Value::String(_)) => {}
            Some(_) => return Err(fail("invalid JWS header: [alg] must be a string")),
            None => return Err(fail("invalid JWS header: missing [alg]")),
        }
        for name in ["typ", "kid", "cty"] {
            if header
                .get(name)
                .is_some_and(|v| !v.is_string() && !v.is_null())
            {
                return Err(NotAJwt(format!(
                    "invalid JWS header: [{name}] must be a string"
                )));
            }
        }
        if let Some(crit) = header.get("crit") {
            let ok = crit
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string));
            if !ok {
                return Err(fail(
                    "invalid JWS header: [crit] must be an array of strings",
                ));
            }
        }
        let claims =
            decode_object(parts[1]).map_err(|e| NotAJwt(format!("invalid JWT claims set: {e}")))?;
        check_claim_types(&claims)?;
        Ok(Self {
            signing_input: token[..parts[0].len() + 1 + parts[1].len()].to_owned(),
            header_b64: parts[0].to_owned(),
            payload_b64: parts[1].to_owned(),
            signature_b64: parts[2].to_owned(),
            header,
            claims,
        })
    }

    /// The header `alg`.
    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    /// The header `typ`.
    pub fn typ(&self) -> Option<&str> {
        self.header.get("typ").and_then(Value::as_str)
    }

    /// The header `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// A claim, with JSON `null` treated as absent.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.claims.get(name).filter(|v| !v.is_null())
    }

    /// The "token principal" Elasticsearch prints: string claims and all-string arrays,
    /// sorted by name, each as `'name:v1,v2'`; `<unrecognized JWT token>` if none qualify.
    pub fn token_principal(&self) -> String {
        let mut names: Vec<&String> = self.claims.keys().collect();
        names.sort();
        let parts: Vec<String> = names
            .into_iter()
            .filter_map(|name| {
                let text = match &self.claims[name] {
                    Value::String(s) => s.clone(),
                    Value::Array(items) if items.iter().all(Value::is_string) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                    _ => return None,
                };
                Some(format!("'{name}:{text}'"))
            })
            .collect();
        if parts.is_empty() {
            "<unrecognized JWT token>".to_owned()
        } else {
            parts.join(" ")
        }
    }

    /// The token with its signature masked, as Elasticsearch logs it.
    pub fn masked(&self) -> String {
        format!(
            "{}.{}.<redacted-signature>",
            self.header_b64, self.payload_b64
        )
    }
}

pub(crate) fn decode_object(part: &str) -> Result<Map<String, Value>, String> {
    let bytes = decode_b64url(part).ok_or("not Base64URL")?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err("not UTF-8".to_owned());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("not a JSON object".to_owned()),
        Err(e) => Err(format!("not JSON ({e})")),
    }
}

fn check_claim_types(claims: &Map<String, Value>) -> Result<(), NotAJwt> {
    // One pass over the claims in their JSON order, as Nimbus's `JWTClaimsSet.parse` walks
    // them: with several mistyped claims, the first one in the token is named.
    for (name, value) in claims {
        let (ok, what) = match name.as_str() {
            "iss" | "sub" | "jti" => (value.is_string(), "a string"),
            "aud" => (
                value.is_string()
                    || value
                        .as_array()
                        .is_some_and(|a| a.iter().all(Value::is_string)),
                "a string or an array of strings",
            ),
            "exp" | "nbf" | "iat" => (value.is_number(), "a number"),
            _ => continue,
        };
        if !ok && !value.is_null() {
            return Err(NotAJwt(format!(
                "invalid JWT claims set: [{name}] must be {what}"
            )));
        }
    }
    Ok(())
}

/// An epoch-seconds JSON number as whole seconds (fractions truncated, as `Number.longValue`).
pub fn epoch_seconds(value: &Value) -> Option<i64> {
    let n = value.as_number()?;
    n.as_i64().or_else(|| n.as_f64().map(|f| f.trunc() as i64))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn bearer_scheme_is_case_sensitive_and_trimmed() {
        assert_eq!(bearer(Some("Bearer abc ")), Some("abc"));
        assert_eq!(bearer(Some("bearer abc")), None);
        assert_eq!(bearer(Some("Bearer    ")), None);
        assert_eq!(bearer(Some("BearerX abc")), None);
        assert_eq!(bearer(None), None);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn shared_secret_scheme_ignores_case() {
        assert_eq!(
            client_credential(Some("SharedSecret s1")),
            ClientCredential::SharedSecret("s1".into())
        );
        assert_eq!(
            client_credential(Some("sharedsecret  s2 ")),
            ClientCredential::SharedSecret("s2".into())
        );
        assert_eq!(
            client_credential(Some("SharedSecret ")),
            ClientCredential::Empty
        );
        assert_eq!(
            client_credential(Some("Basic abc")),
            ClientCredential::Absent
        );
        assert_eq!(client_credential(None), ClientCredential::Absent);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn parse_rules_follow_nimbus() {
        let ok = ParsedJwt::parse(&token(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"a","aud":["x"],"exp":1.9}"#,
        ))
        .unwrap();
        assert_eq!(ok.alg(), "HS256");
        assert_eq!(epoch_seconds(ok.claim("exp").unwrap()), Some(1));
        let cases = [
            ("abc", "fewer than two"),
            ("a.b.c.d.e", "three Base64URL parts"),
            (&token(r#"{"alg":"none"}"#, "{}") as &str, "alg [none]"),
            (&token(r#"{"typ":"JWT"}"#, "{}"), "missing [alg]"),
            (
                &token(r#"{"alg":"HS256"}"#, r#"{"sub":1}"#),
                "[sub] must be a string",
            ),
            (
                &token(r#"{"alg":"HS256"}"#, r#"{"aud":[1]}"#),
                "[aud] must be",
            ),
            (
                &token(r#"{"alg":"HS256"}"#, r#"{"exp":"soon"}"#),
                "[exp] must be a number",
            ),
            (&token(r#"{"alg":"HS256"}"#, "[]"), "not a JSON object"),
            ("!!.!!.!!", "not Base64URL"),
        ];
        for (input, expected) in cases {
            let err = ParsedJwt::parse(input).unwrap_err();
            assert!(err.0.contains(expected), "{input}: {err}");
        }
        let unknown_alg = ParsedJwt::parse(&token(r#"{"alg":"XYZ"}"#, "{}")).unwrap();
        assert_eq!(unknown_alg.alg(), "XYZ");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_first_mistyped_claim_in_the_token_is_named() {
        let first = |payload: &str| {
            ParsedJwt::parse(&token(r#"{"alg":"HS256"}"#, payload))
                .unwrap_err()
                .0
        };
        assert!(first(r#"{"exp":"soon","sub":1}"#).contains("[exp] must be a number"));
        assert!(first(r#"{"sub":1,"exp":"soon"}"#).contains("[sub] must be a string"));
        assert!(
            ParsedJwt::parse(&token(
                r#"{"alg":"HS256"}"#,
                r#"{"sub":null,"exp":null,"x":1}"#
            ))
            .is_ok()
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn token_principal_lists_string_claims_sorted() {
        let jwt = ParsedJwt::parse(&token(
            r#"{"alg":"HS256"}"#,
            r#"{"sub":"u","iss":"i","aud":["a","b"],"exp":5,"groups":["g",1]}"#,
        ))
        .unwrap();
        assert_eq!(jwt.token_principal(), "'aud:a,b' 'iss:i' 'sub:u'");
        let empty = ParsedJwt::parse(&token(r#"{"alg":"HS256"}"#, r#"{"exp":5}"#)).unwrap();
        assert_eq!(empty.token_principal(), "<unrecognized JWT token>");
    }
}
