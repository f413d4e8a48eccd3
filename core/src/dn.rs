//! LDAP distinguished names, parsed and normalized the way role mapping compares `dn` and
//! `groups` values (UnboundID `DN` and `toNormalizedString()`, RFC 4514 syntax).
//!
//! Normalized form: attribute names lower-cased; values unescaped, trimmed, inner runs of
//! spaces collapsed, lower-cased (case-ignore matching, as UnboundID does without a schema)
//! and re-escaped; the parts of a multi-valued RDN sorted; RDNs joined with `,` and no spaces.
//!
//! Decision (UnboundID is lenient in ways not written down): attribute names must be a
//! letter followed by letters, digits and `-`, or a numeric OID; `;` separates RDNs like `,`.

use std::fmt;

/// A parsed distinguished name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinguishedName {
    rdns: Vec<Vec<(String, AttributeValue)>>,
}

/// An attribute value: text, or `#` followed by the hex of its BER encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
enum AttributeValue {
    Text(String),
    Hex(String),
}

/// Why a string is not a DN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DnError {
    /// An RDN has no `=`.
    #[error("no [=] in RDN [{0}]")]
    MissingEquals(String),
    /// The attribute name is empty or has characters an attribute type cannot have.
    #[error("invalid attribute name [{0}]")]
    AttributeName(String),
    /// A `\` escape is incomplete or not valid hex.
    #[error("invalid escape in value [{0}]")]
    Escape(String),
    /// A quoted value is not closed, or text follows the closing quote.
    #[error("unterminated or malformed quoted value [{0}]")]
    Quote(String),
    /// A `#` hex value is malformed.
    #[error("invalid hex value [{0}]")]
    Hex(String),
    /// Longer than [`crate::limits::DN_MAX_CHARS`].
    #[error("a DN is at most {max} characters long; this one has {len}")]
    TooLong {
        /// The DN's length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
}

impl std::str::FromStr for DistinguishedName {
    type Err = DnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut rdns = Vec::new();
        if s.trim().is_empty() {
            return Ok(Self { rdns });
        }
        let len = s.chars().count();
        if len > crate::limits::DN_MAX_CHARS {
            return Err(DnError::TooLong {
                len,
                max: crate::limits::DN_MAX_CHARS,
            });
        }
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        loop {
            let mut rdn = Vec::new();
            loop {
                let (name, value, next) = parse_pair(&chars, i)?;
                rdn.push((name, value));
                i = next;
                match chars.get(i) {
                    Some('+') => i += 1,
                    _ => break,
                }
            }
            rdns.push(rdn);
            match chars.get(i) {
                Some(',' | ';') => i += 1,
                None => break,
                Some(_) => return Err(DnError::MissingEquals(s.to_owned())),
            }
        }
        Ok(Self { rdns })
    }
}

impl DistinguishedName {
    /// The normalized string used for comparisons.
    pub fn normalized(&self) -> String {
        let rdns: Vec<String> = self
            .rdns
            .iter()
            .map(|rdn| {
                let mut parts: Vec<String> = rdn
                    .iter()
                    .map(|(name, value)| {
                        let value = match value {
                            AttributeValue::Text(text) => escape(&normalize_value(text)),
                            AttributeValue::Hex(hex) => format!("#{hex}"),
                        };
                        format!("{}={value}", name.to_lowercase())
                    })
                    .collect();
                parts.sort();
                parts.join("+")
            })
            .collect();
        rdns.join(",")
    }

    /// Number of RDNs.
    pub fn len(&self) -> usize {
        self.rdns.len()
    }

    /// Whether this is the empty (root) DN.
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }
}

impl fmt::Display for DistinguishedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

/// The normalized form of `s`, or `None` when `s` is not a DN (the normalizer's contract).
pub fn normalize(s: &str) -> Option<String> {
    s.parse::<DistinguishedName>()
        .ok()
        .map(|dn| dn.normalized())
}

/// Whether the normalized DN `dn` lies below the normalized `suffix` (`isDescendantOf`).
pub fn is_descendant_of(dn: &str, suffix: &str) -> bool {
    if suffix.is_empty() {
        return !dn.is_empty();
    }
    dn.len() > suffix.len() + 1
        && dn.ends_with(suffix)
        && dn[..dn.len() - suffix.len()].ends_with(',')
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    i
}

/// One `name=value` pair starting at `i`; returns the index after it (and trailing spaces).
fn parse_pair(chars: &[char], i: usize) -> Result<(String, AttributeValue, usize), DnError> {
    let start = skip_spaces(chars, i);
    let rest: String = chars[start..].iter().collect();
    let Some(eq) = chars[start..].iter().position(|&c| c == '=') else {
        return Err(DnError::MissingEquals(rest));
    };
    let name: String = chars[start..start + eq].iter().collect();
    let name = name.trim_end().to_owned();
    if !valid_attribute_name(&name) {
        return Err(DnError::AttributeName(name));
    }
    let mut i = skip_spaces(chars, start + eq + 1);
    let value = match chars.get(i) {
        Some('"') => {
            let (value, next) = quoted(chars, i + 1, &rest)?;
            i = skip_spaces(chars, next);
            if !matches!(chars.get(i), None | Some(',' | ';' | '+')) {
                return Err(DnError::Quote(rest));
            }
            AttributeValue::Text(value)
        }
        Some('#') => {
            let end = chars[i..]
                .iter()
                .position(|c| matches!(c, ',' | ';' | '+'))
                .map_or(chars.len(), |p| i + p);
            let hex: String = chars[i + 1..end].iter().collect();
            let hex = hex.trim_end();
            if hex.is_empty()
                || !hex.len().is_multiple_of(2)
                || !hex.chars().all(|c| c.is_ascii_hexdigit())
            {
                return Err(DnError::Hex(rest));
            }
            i = end;
            AttributeValue::Hex(hex.to_lowercase())
        }
        _ => {
            let (value, next) = plain(chars, i, &rest)?;
            i = next;
            AttributeValue::Text(value)
        }
    };
    Ok((name, value, i))
}

fn valid_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => chars.all(|c| c.is_ascii_alphanumeric() || c == '-'),
        Some(c) if c.is_ascii_digit() => name
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit())),
        _ => false,
    }
}

fn quoted(chars: &[char], mut i: usize, rest: &str) -> Result<(String, usize), DnError> {
    let mut bytes = Vec::new();
    loop {
        match chars.get(i) {
            None => return Err(DnError::Quote(rest.to_owned())),
            Some('"') => break,
            Some('\\') => i = unescape(chars, i, &mut bytes, rest)?,
            Some(c) => {
                push_char(&mut bytes, *c);
                i += 1;
            }
        }
    }
    let value = String::from_utf8(bytes).map_err(|_| DnError::Escape(rest.to_owned()))?;
    Ok((value, i + 1))
}

/// An unquoted value: up to an unescaped `,` `;` `+`, with unescaped trailing spaces dropped.
fn plain(chars: &[char], mut i: usize, rest: &str) -> Result<(String, usize), DnError> {
    let mut bytes = Vec::new();
    let mut kept = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            ',' | ';' | '+' => break,
            '\\' => {
                i = unescape(chars, i, &mut bytes, rest)?;
                kept = bytes.len();
            }
            c => {
                push_char(&mut bytes, c);
                if c != ' ' {
                    kept = bytes.len();
                }
                i += 1;
            }
        }
    }
    bytes.truncate(kept);
    let value = String::from_utf8(bytes).map_err(|_| DnError::Escape(rest.to_owned()))?;
    Ok((value, i))
}

/// `\c` for a special character or `\hh` for one UTF-8 byte; returns the index after it.
fn unescape(chars: &[char], i: usize, out: &mut Vec<u8>, rest: &str) -> Result<usize, DnError> {
    let bad = || DnError::Escape(rest.to_owned());
    let next = *chars.get(i + 1).ok_or_else(bad)?;
    if next.is_ascii_hexdigit() {
        let low = *chars.get(i + 2).ok_or_else(bad)?;
        let byte = u8::from_str_radix(&format!("{next}{low}"), 16).map_err(|_| bad())?;
        out.push(byte);
        return Ok(i + 3);
    }
    push_char(out, next);
    Ok(i + 2)
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Case-ignore normalization: trim, collapse inner spaces, lower-case.
fn normalize_value(value: &str) -> String {
    value
        .split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// RFC 4514 escaping of a normalized text value (a leading `#` too, so it is not hex).
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') || (i == 0 && c == '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn long_dns_are_refused_before_they_are_read() {
        let long = format!("cn={}", "a".repeat(crate::limits::DN_MAX_CHARS));
        assert_eq!(
            long.parse::<DistinguishedName>().unwrap_err().to_string(),
            "a DN is at most 65536 characters long; this one has 65539"
        );
        assert!(normalize(&long).is_none());
        let many = vec!["cn=a"; 10_000].join(",");
        assert_eq!(many.parse::<DistinguishedName>().unwrap().len(), 10_000);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn normalizes_case_spacing_and_order() {
        let cases = [
            ("CN=Me, DC=Example,dc=COM", "cn=me,dc=example,dc=com"),
            ("cn = John  Smith ,ou=People", "cn=john smith,ou=people"),
            ("cn=a+uid=B,dc=x", "cn=a+uid=b,dc=x"),
            ("uid=B+cn=a,dc=x", "cn=a+uid=b,dc=x"),
            ("cn=Smith\\, John,dc=x", "cn=smith\\, john,dc=x"),
            ("cn=\"Smith, John\",dc=x", "cn=smith\\, john,dc=x"),
            ("cn=caf\\C3\\A9", "cn=café"),
            ("cn=a\\zb", "cn=azb"),
            ("cn=\\#1", "cn=\\#1"),
            ("cn=a;dc=b", "cn=a,dc=b"),
            ("2.5.4.3=x", "2.5.4.3=x"),
            ("cn=#04024869", "cn=#04024869"),
            ("cn=", "cn="),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).as_deref(), Some(expected), "{input}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn plain_group_names_are_not_dns() {
        for input in [
            "admin",
            "Admin Group",
            "a,b",
            "cn=a,b",
            "=x",
            "c n=x",
            "cn=\"open",
            "cn=\\",
            "cn=#abc",
            "1.=x",
        ] {
            assert_eq!(normalize(input), None, "{input}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn descendants() {
        let dn = normalize("CN=Admins,OU=Groups,DC=Example,DC=com").unwrap();
        assert!(is_descendant_of(&dn, "dc=example,dc=com"));
        assert!(is_descendant_of(&dn, "ou=groups,dc=example,dc=com"));
        assert!(!is_descendant_of(&dn, &dn));
        assert!(!is_descendant_of(&dn, "xample,dc=com"));
        assert!(is_descendant_of(&dn, ""));
        assert!(!is_descendant_of("", ""));
    }
}
