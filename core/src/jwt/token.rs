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
///
/// The token is kept once; its parts are slices of it. The JOSE header is read into the
/// members Elasticsearch looks at (no map): validation runs for every request, and a header
/// map cost as much as the HMAC.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedJwt {
    /// The token, `header.payload.signature`.
    token: String,
    /// Where the header part ends (the first `.`).
    header_end: usize,
    /// Where the payload part ends (the second `.`).
    payload_end: usize,
    /// The JOSE header members the realm reads.
    header: JoseHeader,
    /// The claims.
    pub claims: Map<String, Value>,
}

/// The JOSE header members a JWT realm reads, type-checked as Nimbus's `JWSHeader.parse`
/// checks them; other members are read (so the JSON must be valid) and dropped.
#[derive(Clone, Debug, Default, PartialEq)]
struct JoseHeader {
    alg: String,
    typ: Option<String>,
    kid: Option<String>,
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
        let mut dots = token.match_indices('.').map(|(i, _)| i);
        let (Some(header_end), Some(payload_end)) = (dots.next(), dots.next()) else {
            return Err(fail("not a JWT: fewer than two [.] separators"));
        };
        if dots.next().is_some() {
            return Err(fail(
                "not a signed JWT: expected three Base64URL parts (five parts would be an encrypted JWE)",
            ));
        }
        let header = decode_header(&token[..header_end])?;
        let claims = decode_object(&token[header_end + 1..payload_end])
            .map_err(|e| NotAJwt(format!("invalid JWT claims set: {e}")))?;
        check_claim_types(&claims)?;
        Ok(Self {
            token: token.to_owned(),
            header_end,
            payload_end,
            header,
            claims,
        })
    }

    /// `header.payload`, the signing input.
    pub fn signing_input(&self) -> &str {
        &self.token[..self.payload_end]
    }

    /// The Base64url header.
    pub fn header_b64(&self) -> &str {
        &self.token[..self.header_end]
    }

    /// The Base64url payload.
    pub fn payload_b64(&self) -> &str {
        &self.token[self.header_end + 1..self.payload_end]
    }

    /// The Base64url signature.
    pub fn signature_b64(&self) -> &str {
        &self.token[self.payload_end + 1..]
    }

    /// The header `alg`.
    pub fn alg(&self) -> &str {
        &self.header.alg
    }

    /// The header `typ`.
    pub fn typ(&self) -> Option<&str> {
        self.header.typ.as_deref()
    }

    /// The header `kid`.
    pub fn kid(&self) -> Option<&str> {
        self.header.kid.as_deref()
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
            self.header_b64(),
            self.payload_b64()
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

/// Reads a JOSE header: Base64URL, UTF-8, a JSON object; then Nimbus's member checks, in this
/// order whatever the members' order: `alg` present, a string, not `none`; `typ`, `kid`,
/// `cty` strings; `crit` an array of strings (`null` counts as absent). A member given twice
/// counts with its last value, as in a JSON map.
fn decode_header(part: &str) -> Result<JoseHeader, NotAJwt> {
    let invalid = |e: &str| NotAJwt(format!("invalid JWS header: {e}"));
    let bytes = decode_b64url(part).ok_or_else(|| invalid("not Base64URL"))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(invalid("not UTF-8"));
    }
    let members = match serde_json::from_slice::<HeaderMembers>(&bytes) {
        Ok(HeaderMembers(Some(members))) => members,
        Ok(HeaderMembers(None)) => return Err(invalid("not a JSON object")),
        Err(e) => return Err(invalid(&format!("not JSON ({e})"))),
    };
    let alg = match members.alg {
        Some(Value::String(alg)) if alg == "none" => {
            return Err(NotAJwt(
                "not a signed JWT: alg [none] is an unsecured JWT".to_owned(),
            ));
        }
        Some(Value::String(alg)) => alg,
        Some(_) => return Err(invalid("[alg] must be a string")),
        None => return Err(invalid("missing [alg]")),
    };
    let string = |name: &str, value: Option<Value>| match value {
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Null) | None => Ok(None),
        Some(_) => Err(invalid(&format!("[{name}] must be a string"))),
    };
    let typ = string("typ", members.typ)?;
    let kid = string("kid", members.kid)?;
    string("cty", members.cty)?;
    if let Some(crit) = members.crit {
        let ok = crit
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string));
        if !ok {
            return Err(invalid("[crit] must be an array of strings"));
        }
    }
    Ok(JoseHeader { alg, typ, kid })
}

/// The header members [`decode_header`] checks, as JSON values; `None` when the JSON is not an
/// object.
struct HeaderMembers(Option<RawHeader>);

#[derive(Default)]
struct RawHeader {
    alg: Option<Value>,
    typ: Option<Value>,
    kid: Option<Value>,
    cty: Option<Value>,
    crit: Option<Value>,
}

impl<'de> serde::Deserialize<'de> for HeaderMembers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(HeaderVisitor)
    }
}

struct HeaderVisitor;

/// A header member's name, read without allocating.
enum Member {
    Alg,
    Typ,
    Kid,
    Cty,
    Crit,
    Other,
}

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Member;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Member, E> {
                Ok(match name {
                    "alg" => Member::Alg,
                    "typ" => Member::Typ,
                    "kid" => Member::Kid,
                    "cty" => Member::Cty,
                    "crit" => Member::Crit,
                    _ => Member::Other,
                })
            }
        }
        deserializer.deserialize_str(Name)
    }
}

impl<'de> serde::de::Visitor<'de> for HeaderVisitor {
    type Value = HeaderMembers;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<HeaderMembers, A::Error> {
        let mut header = RawHeader::default();
        while let Some(member) = map.next_key::<Member>()? {
            let slot = match member {
                Member::Alg => &mut header.alg,
                Member::Typ => &mut header.typ,
                Member::Kid => &mut header.kid,
                Member::Cty => &mut header.cty,
                Member::Crit => &mut header.crit,
                Member::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(HeaderMembers(Some(header)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<HeaderMembers, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(HeaderMembers(None))
    }

    fn visit_bool<E>(self, _: bool) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
    }
    fn visit_unit<E>(self) -> Result<HeaderMembers, E> {
        Ok(HeaderMembers(None))
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

    /// The member reader decides every header exactly as reading the header into a JSON map
    /// and checking its members did (the parser before it), message for message.
    #[wasm_bindgen_test(unsupported = test)]
    fn header_members_decide_as_a_json_map_does() {
        fn by_map(header: &str) -> Result<(String, Option<String>, Option<String>), String> {
            let part = URL_SAFE_NO_PAD.encode(header);
            let map = decode_object(&part).map_err(|e| format!("invalid JWS header: {e}"))?;
            let alg = match map.get("alg") {
                Some(Value::String(a)) if a == "none" => {
                    return Err("not a signed JWT: alg [none] is an unsecured JWT".to_owned());
                }
                Some(Value::String(a)) => a.clone(),
                Some(_) => return Err("invalid JWS header: [alg] must be a string".to_owned()),
                None => return Err("invalid JWS header: missing [alg]".to_owned()),
            };
            for name in ["typ", "kid", "cty"] {
                if map
                    .get(name)
                    .is_some_and(|v| !v.is_string() && !v.is_null())
                {
                    return Err(format!("invalid JWS header: [{name}] must be a string"));
                }
            }
            if map.get("crit").is_some_and(|c| {
                !c.as_array()
                    .is_some_and(|items| items.iter().all(Value::is_string))
            }) {
                return Err("invalid JWS header: [crit] must be an array of strings".to_owned());
            }
            let text = |n: &str| map.get(n).and_then(Value::as_str).map(str::to_owned);
            Ok((alg, text("typ"), text("kid")))
        }
        let headers = [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"JWT","kid":"k1","cty":"x","crit":["b64"]}"#,
            r#"{"alg":"none"}"#,
            r#"{"alg":"HS256","alg":"none"}"#,
            r#"{"alg":"none","alg":"RS256"}"#,
            r#"{"alg":null}"#,
            r#"{"alg":5}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"HS256","typ":null,"kid":null,"cty":null}"#,
            r#"{"alg":"HS256","typ":1}"#,
            r#"{"kid":[],"alg":"HS256"}"#,
            r#"{"alg":"HS256","cty":{}}"#,
            r#"{"alg":"HS256","crit":null}"#,
            r#"{"alg":"HS256","crit":"b64"}"#,
            r#"{"alg":"HS256","crit":["b64",1]}"#,
            r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
            r#"{"\u0061lg":"HS384","t\u0079p":"at+jwt"}"#,
            r#"{"alg":"HS256","x":{"deep":[1,2,{"y":null}]},"jwk":{"kty":"oct"}}"#,
            r#"{"alg":"HS256","x":[1,}"#,
            r#"{"alg":"HS256"} x"#,
            r#"{"alg":"HS256""#,
            r#"["alg","HS256"]"#,
            r#""HS256""#,
            "null",
            "true",
            "12",
            "-1.5",
            "",
        ];
        for header in headers {
            let token = format!("{}.e30.c2ln", URL_SAFE_NO_PAD.encode(header));
            let by_members = ParsedJwt::parse(&token).map_err(|e| e.0).map(|jwt| {
                (
                    jwt.alg().to_owned(),
                    jwt.typ().map(str::to_owned),
                    jwt.kid().map(str::to_owned),
                )
            });
            assert_eq!(by_members, by_map(header), "{header}");
        }
        let jwt = ParsedJwt::parse(&token(r#"{"alg":"HS256"}"#, "{}")).unwrap();
        assert_eq!(jwt.signature_b64(), "c2ln");
        assert_eq!(
            jwt.signing_input(),
            format!("{}.{}", jwt.header_b64(), jwt.payload_b64())
        );
        assert_eq!(jwt.payload_b64(), "e30");
    }
}
