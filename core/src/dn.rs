//! LDAP distinguished names, parsed and normalized the way role mapping compares `dn` and
//! `groups` values (UnboundID `DN` and `toNormalizedString()`, RFC 4514 syntax).
//!
//! Parsing is UnboundID's non-strict `DN(String)`: an attribute name is any run of characters
//! but space, `=`, `,` and `;`; `;` separates RDNs like `,`; a value may be quoted only from its
//! first character (a later unescaped `"` is an error); `#hex` is the BER encoding of the value
//! (`cn=#04024869` is `cn=Hi`).
//!
//! Normalized form (`RDN.toNormalizedString`): attribute names lower-cased; values unescaped,
//! trimmed, inner runs of spaces collapsed, lower-cased (case-ignore matching, as UnboundID
//! does without a schema) and re-escaped by `RDN.appendNormalizedValue` — `\` before
//! `\ = " + , ; < >` and a leading `#`, every character outside printable ASCII as `\hh` per
//! UTF-8 byte (`café` is `caf\c3\a9`); the parts of a multi-valued RDN sorted; RDNs joined
//! with `,` and no spaces.

use std::fmt;

/// A parsed distinguished name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistinguishedName {
    /// Each RDN's (attribute name, value) pairs; a `#hex` value is decoded when read.
    rdns: Vec<Vec<(String, String)>>,
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
    /// A `#` hex value is malformed, or not a BER element.
    #[error("invalid hex value [{0}]")]
    Hex(String),
    /// An unescaped `"` inside an unquoted value.
    #[error("unexpected double quote in value [{0}]")]
    UnexpectedQuote(String),
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
                        let value = escape(&normalize_value(value));
                        format!("{}={value}", crate::case::to_lowercase(name))
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
fn parse_pair(chars: &[char], i: usize) -> Result<(String, String, usize), DnError> {
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
            value
        }
        Some('#') => {
            // `RDN.readHexString`: hex pairs up to a space, `+`, `,` or `;`.
            let end = chars[i + 1..]
                .iter()
                .position(|c| matches!(c, ' ' | ',' | ';' | '+'))
                .map_or(chars.len(), |p| i + 1 + p);
            let hex: String = chars[i + 1..end].iter().collect();
            if !hex.len().is_multiple_of(2) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(DnError::Hex(rest));
            }
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .filter_map(|k| u8::from_str_radix(&hex[k..k + 2], 16).ok())
                .collect();
            let value = ber_octet_string(&bytes).ok_or_else(|| DnError::Hex(rest.clone()))?;
            i = skip_spaces(chars, end);
            String::from_utf8_lossy(value).into_owned()
        }
        _ => {
            let (value, next) = plain(chars, i, &rest)?;
            i = next;
            value
        }
    };
    Ok((name, value, i))
}

/// UnboundID's non-strict name check: not empty, no space, `=`, `,` or `;` (the name was read
/// up to a space or `=`).
fn valid_attribute_name(name: &str) -> bool {
    !name.is_empty() && !name.contains([' ', '=', ',', ';'])
}

/// `ASN1OctetString.decodeAsOctetString`: one BER element (any tag, short or long length form)
/// that the bytes hold exactly; its value.
fn ber_octet_string(bytes: &[u8]) -> Option<&[u8]> {
    let (&_tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first & 0x80 == 0 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[count..])
    };
    (rest.len() == len).then_some(rest)
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
            '"' => return Err(DnError::UnexpectedQuote(rest.to_owned())),
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
    let joined = value
        .split(' ')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    crate::case::to_lowercase(&joined)
}

/// `RDN.appendNormalizedValue`'s escaping of a normalized value.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            ' '..='~' => out.push(c),
            other => {
                let mut buf = [0u8; 4];
                for byte in other.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{byte:02x}"));
                }
            }
        }
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

    /// UnboundID `DN(String)` (non-strict names, `RDN.readHexString` + BER) and
    /// `RDN.appendNormalizedValue` (hex-escaped non-ASCII).
    #[wasm_bindgen_test(unsupported = test)]
    fn normalizes_case_spacing_and_order() {
        let cases = [
            ("CN=Me, DC=Example,dc=COM", "cn=me,dc=example,dc=com"),
            ("cn = John  Smith ,ou=People", "cn=john smith,ou=people"),
            ("cn=a+uid=B,dc=x", "cn=a+uid=b,dc=x"),
            ("uid=B+cn=a,dc=x", "cn=a+uid=b,dc=x"),
            ("cn=Smith\\, John,dc=x", "cn=smith\\, john,dc=x"),
            ("cn=\"Smith, John\",dc=x", "cn=smith\\, john,dc=x"),
            ("cn=caf\\C3\\A9", "cn=caf\\c3\\a9"),
            ("cn=café", "cn=caf\\c3\\a9"),
            ("cn=a\\zb", "cn=azb"),
            ("cn=\\#1", "cn=\\#1"),
            ("cn=a;dc=b", "cn=a,dc=b"),
            ("2.5.4.3=x", "2.5.4.3=x"),
            // `#hex` is a BER element: `04 02 "Hi"` is the text Hi (short and long length).
            ("cn=#04024869", "cn=hi"),
            ("cn=#0481024869", "cn=hi"),
            ("cn=#04024869 ,dc=x", "cn=hi,dc=x"),
            // Non-strict attribute names: anything but space, `=`, `,` and `;`.
            ("1.=x", "1.=x"),
            ("a+b=c", "a+b=c"),
            ("my_attr=x", "my_attr=x"),
            // The case-ignore rule trims escaped edge spaces too.
            ("cn=\\ lead", "cn=lead"),
            ("cn=", "cn="),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input).as_deref(), Some(expected), "{input}");
        }
    }

    /// UnboundID refusals: no `=`, a `,` in a name, an unclosed quote, a `"` after a value's
    /// first character (`ERR_RDN_UNEXPECTED_DOUBLE_QUOTE`), hex that is odd or not BER, a
    /// trailing comma (`ERR_DN_ENDS_WITH_COMMA`).
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
            "cn=#04",
            "cn=#0403ab",
            "cn=a\"b",
            "cn=a,",
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
