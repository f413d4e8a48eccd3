//! Certificates for strong identity verification and transport trust: a PEM certificate (or
//! chain) described the way Java — and so Elasticsearch — sees it, checked against a CA, the
//! clock and a private key, and a `certificate_identity` pattern tested against its subject.
//!
//! Decisions on points the reference leaves open (spec §5.3, UNCONFIRMED there):
//! - The DN a pattern is matched against is the leaf's subject as
//!   `X500Principal.getName(RFC2253)` prints it ([`rfc2253`] reproduces Java's rules: RDNs most
//!   specific first, `+` inside a multi-valued RDN, keywords only for CN, C, L, ST, O, OU,
//!   STREET, DC and UID, other attribute types as a dotted OID with the value's DER in `#hex`,
//!   and Java's escapes). The rendering is tested against Java's own output
//!   (`tests/fixtures/certs/expected.json`).
//! - The pattern must match the whole DN (`Matcher.matches()`), case-sensitively. It is
//!   translated from Java's syntax by `patterns::java` (ASCII `\d \w`, `\Q…\E`, …); constructs
//!   the translation cannot express (look-around, back-references, possessive quantifiers) are
//!   reported as not evaluable here instead of guessed.
//! - The chain check follows issuer names and verifies each signature up to a certificate of
//!   the given CAs, each issuer having to be a CA (basic constraints) and valid at `now`; it does
//!   not evaluate revocation, key usage or name constraints.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AttributeTypeAndValue, SubjectPublicKeyInfo, X509Name};

use crate::jwt::algorithm::Algorithm;
use crate::jwt::keys::parse_jwks;
use crate::jwt::pem::spki_to_jwk;
use crate::limits;
use crate::patterns::PatternError;
use crate::patterns::java::JavaRegex;

/// Why a certificate input cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// No `CERTIFICATE` block.
    #[error("no -----BEGIN CERTIFICATE----- block found in the {0}")]
    NoCertificate(&'static str),
    /// A block does not parse.
    #[error("certificate {index} of the {what} does not parse: {reason}")]
    Unparsable {
        /// Which input.
        what: &'static str,
        /// 1-based position.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The private key cannot be read.
    #[error("the private key cannot be read: {0}")]
    Key(String),
    /// The input is over one of the [`crate::limits`] for PEM text.
    #[error("the {what} {limit}")]
    TooLarge {
        /// Which input.
        what: &'static str,
        /// Which limit, in words.
        limit: String,
    },
}

/// A certificate as an admin needs to see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    /// Subject DN, RFC 2253 as Java prints it.
    pub subject_dn: String,
    /// Issuer DN, RFC 2253 as Java prints it.
    pub issuer_dn: String,
    /// Serial number, colon-separated hex.
    pub serial: String,
    /// Not valid before, epoch seconds.
    pub not_before: i64,
    /// Not valid after, epoch seconds.
    pub not_after: i64,
    /// `RSA 2048`, `EC P-256`, …
    pub key: String,
    /// Subject alternative names (`DNS:…`, `IP:…`, `email:…`, `URI:…`, `otherName:<oid>`).
    pub sans: Vec<String>,
    /// Whether basic constraints say CA.
    pub is_ca: bool,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
}

/// One certificate kept as DER, described on demand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cert {
    der: Vec<u8>,
}

impl Cert {
    fn parsed(&self) -> X509Certificate<'_> {
        // Only certificates that parsed are ever built.
        X509Certificate::from_der(&self.der)
            .map(|(_, c)| c)
            .unwrap_or_else(|_| unreachable!("checked in read_certificates"))
    }

    /// What the certificate says.
    pub fn info(&self) -> CertInfo {
        let cert = self.parsed();
        let sans = cert
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|ext| ext.value.general_names.iter().map(general_name).collect())
            .unwrap_or_default();
        CertInfo {
            subject_dn: rfc2253(cert.subject()),
            issuer_dn: rfc2253(cert.issuer()),
            serial: cert.raw_serial_as_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            key: key_description(cert.public_key()),
            sans,
            is_ca: cert.is_ca(),
            sha256: sha256_hex(&self.der),
        }
    }
}

fn general_name(name: &GeneralName<'_>) -> String {
    match name {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::RFC822Name(e) => format!("email:{e}"),
        GeneralName::URI(u) => format!("URI:{u}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => format!("IP:{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]),
            16 => {
                let groups: Vec<String> = bytes
                    .chunks(2)
                    .map(|c| format!("{:x}", u16::from_be_bytes([c[0], c[1]])))
                    .collect();
                format!("IP:{}", groups.join(":"))
            }
            _ => "IP:<malformed>".to_owned(),
        },
        GeneralName::OtherName(oid, _) => format!("otherName:{oid}"),
        GeneralName::DirectoryName(dn) => format!("dirName:{}", rfc2253(dn)),
        other => format!("{other:?}"),
    }
}

fn key_description(spki: &SubjectPublicKeyInfo<'_>) -> String {
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(_)) => match spki_to_jwk(spki) {
            Ok(jwk) => format!("EC {}", jwk["crv"].as_str().unwrap_or("?")),
            Err(e) => format!("EC ({e})"),
        },
        Ok(_) | Err(_) => format!("{}", spki.algorithm.algorithm),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How [`check`] names the certificate input in its errors.
pub const CERTIFICATE_INPUT: &str = "certificate";
/// How [`check`] names the CA input in its errors.
pub const CA_INPUT: &str = "CA certificates";

/// Every `CERTIFICATE` block of `pem`, in order (leaf first for a chain file).
///
/// # Errors
/// No certificate, or one that does not parse; `what` names the input in the message.
pub fn read_certificates(pem: &str, what: &'static str) -> Result<Vec<Cert>, CertError> {
    check_pem_size(pem, what)?;
    let mut out = Vec::new();
    for block in crate::pem::blocks(pem) {
        let Ok(block) = block else { break };
        if block.label != "CERTIFICATE" {
            continue;
        }
        if out.len() == limits::PEM_MAX_CERTIFICATES {
            return Err(CertError::TooLarge {
                what,
                limit: format!(
                    "holds more than {} certificates",
                    limits::PEM_MAX_CERTIFICATES
                ),
            });
        }
        X509Certificate::from_der(&block.contents).map_err(|e| CertError::Unparsable {
            what,
            index: out.len() + 1,
            reason: e.to_string(),
        })?;
        out.push(Cert {
            der: block.contents,
        });
    }
    if out.is_empty() {
        return Err(CertError::NoCertificate(what));
    }
    Ok(out)
}

/// How many days ahead the console warns that a stored certificate ends.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The certificates of `pem` that have ended by `now` or end within `days` days of it
/// (epoch seconds), soonest first. Text that is not a certificate bundle gives none: the
/// editor that keeps it reports why. Bounded like every PEM input ([`read_certificates`]).
pub fn ending_within(pem: &str, now: i64, days: i64) -> Vec<CertInfo> {
    let horizon = now.saturating_add(days.saturating_mul(86_400));
    let mut ending: Vec<CertInfo> = read_certificates(pem, CA_INPUT)
        .map(|certs| {
            certs
                .iter()
                .map(Cert::info)
                .filter(|info| info.not_after <= horizon)
                .collect()
        })
        .unwrap_or_default();
    ending.sort_by_key(|info| info.not_after);
    ending
}

/// Refuses PEM text over [`limits::PEM_MAX_BYTES`] before it is decoded.
///
/// # Errors
/// [`CertError::TooLarge`].
pub fn check_pem_size(pem: &str, what: &'static str) -> Result<(), CertError> {
    if pem.len() > limits::PEM_MAX_BYTES {
        return Err(CertError::TooLarge {
            what,
            limit: format!(
                "is {} bytes; at most {} are read",
                pem.len(),
                limits::PEM_MAX_BYTES
            ),
        });
    }
    Ok(())
}

/// Java's RFC 2253 keywords (`AVAKeyword` entries marked RFC 2253 compliant).
fn keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

/// A DN as `X500Principal.getName(X500Principal.RFC2253)` prints it.
pub fn rfc2253(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(ava).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// `AVA.toRFC2253String`.
fn ava(attribute: &AttributeTypeAndValue<'_>) -> String {
    let oid = attribute.attr_type().to_id_string();
    let value = attribute.attr_value();
    let text = keyword(&oid).and_then(|_| java_string(value.tag().0, value.data));
    match (keyword(&oid), text) {
        (Some(keyword), Some(text)) => format!("{keyword}={}", escape(&text)),
        (name, _) => {
            let hex: String = der_of(value.tag().0, value.data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{}=#{hex}", name.map_or(oid.clone(), str::to_owned))
        }
    }
}

/// The value as `DerValue.getAsString()` reads the string types `AVA.isDerString` accepts
/// (`None` for other types, which Java prints as hex).
fn java_string(tag: u32, data: &[u8]) -> Option<String> {
    match tag {
        // UTF8String
        12 => String::from_utf8(data.to_vec()).ok(),
        // PrintableString, IA5String, GeneralString, and T61String read as ISO-8859-1
        19 | 20 | 22 | 27 => Some(data.iter().map(|&b| char::from(b)).collect()),
        // BMPString, UTF-16BE
        30 => {
            let units: Vec<u16> = data
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// Tag, length and content of a primitive universal value (what `DerValue.toByteArray`
/// gives for an attribute value).
fn der_of(tag: u32, data: &[u8]) -> Vec<u8> {
    let mut out = vec![u8::try_from(tag).unwrap_or(0)];
    let len = data.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
        out.extend(bytes);
    }
    out.extend_from_slice(data);
    out
}

/// Java's escaping: `,=+<>#;"\` get a backslash, NUL becomes `\00`, and leading and trailing
/// spaces (and carriage returns) are escaped.
fn escape(value: &str) -> String {
    const ESCAPEES: &str = ",=+<>#;\"\\";
    let mut buffer = String::new();
    for c in value.chars() {
        if ESCAPEES.contains(c) {
            buffer.push('\\');
            buffer.push(c);
        } else if c == '\0' {
            buffer.push_str("\\00");
        } else {
            buffer.push(c);
        }
    }
    let chars: Vec<char> = buffer.chars().collect();
    let blank = |c: &char| *c == ' ' || *c == '\r';
    let lead = chars.iter().take_while(|c| blank(c)).count();
    let trail = chars.iter().rev().take_while(|c| blank(c)).count();
    let mut out = String::with_capacity(chars.len() + 4);
    for (i, c) in chars.iter().enumerate() {
        if i < lead || i >= chars.len() - trail {
            out.push('\\');
        }
        out.push(*c);
    }
    out
}

/// What a `certificate_identity` pattern makes of a DN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternVerdict {
    /// Whether the whole DN matches (`None` when the pattern cannot be evaluated).
    pub matches: Option<bool>,
    /// Elasticsearch's creation error, or why the console cannot evaluate it.
    pub error: Option<String>,
    /// Over-broad or fragile parts of the pattern.
    pub warnings: Vec<String>,
}

/// Tests `pattern` against `dn` with Java's `Matcher.matches()` semantics (whole string,
/// case-sensitive), through the console's Java regex translation.
pub fn test_pattern(pattern: &str, dn: &str) -> PatternVerdict {
    let warnings = pattern_warnings(pattern);
    match JavaRegex::parse(pattern) {
        Ok(re) => PatternVerdict {
            matches: Some(re.matches_whole(dn)),
            error: None,
            warnings,
        },
        Err(PatternError::Invalid { reason, .. }) => PatternVerdict {
            matches: None,
            error: Some(format!(
                "Invalid certificate_identity format: [{pattern}]. Must be a valid regex. ({reason})"
            )),
            warnings,
        },
        Err(unsupported) => PatternVerdict {
            matches: None,
            error: Some(unsupported.to_string()),
            warnings,
        },
    }
}

/// Warnings for patterns that trust more than the admin likely means.
pub fn pattern_warnings(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let trimmed = pattern.trim();
    if matches!(trimmed, ".*" | ".+" | "(.*)" | "^.*$" | "[^,]*" | "") {
        out.push(
            "matches every certificate the signing CAs issued: any holder of such a certificate can use the API key"
                .to_owned(),
        );
        return out;
    }
    if unescaped_dot_outside_wildcards(trimmed) {
        out.push(
            "an unescaped [.] matches any character (CN=a.example.com also matches CN=aXexample.com); write \\. for a literal dot"
                .to_owned(),
        );
    }
    if trimmed.starts_with(".*") {
        out.push(
            "starts with [.*]: any RDNs may come before the part you wrote, so more specific certificates of other subjects match too"
                .to_owned(),
        );
    }
    if pattern != trimmed {
        out.push(
            "leading or trailing spaces are part of the pattern and must be in the DN".to_owned(),
        );
    }
    out
}

/// Whether the pattern has a `.` that is neither escaped, nor in a class, nor part of `.*` /
/// `.+` / `.?` wildcards.
fn unescaped_dot_outside_wildcards(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '.' if !in_class && !matches!(chars.get(i + 1), Some('*' | '+' | '?' | '{')) => {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// An anchored, escaped pattern for a DN. For an Elastic Cloud node certificate
/// (`CN=<node>.node.<cluster>.cluster.<org>`) it accepts every node of that cluster; otherwise
/// exactly this DN.
pub fn suggest_pattern(dn: &str) -> String {
    if let Some(cn) = dn.strip_prefix("CN=")
        && !cn.contains(',')
        && let Some((_, rest)) = cn.split_once(".node.")
        && let Some((cluster, org)) = rest.split_once(".cluster.")
        && !cluster.is_empty()
        && !org.is_empty()
    {
        return format!(
            "CN=[^,]+\\.node\\.{}\\.cluster\\.{}",
            regex_lite::escape(cluster),
            regex_lite::escape(org)
        );
    }
    regex_lite::escape(dn)
}

/// The CLI's and API's verdict on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertCheck {
    /// The leaf's subject DN.
    pub subject_dn: String,
    /// Whether the pattern matches the whole DN (`null` when it cannot be evaluated).
    pub pattern_matches: Option<bool>,
    /// Whether the chain leads to one of the CAs (`null` when no CA was given).
    pub chain_valid: Option<bool>,
    /// Whether `now` is within the leaf's validity.
    pub time_valid: bool,
    /// Whether the private key belongs to the leaf (`null` when no key was given).
    pub key_matches: Option<bool>,
    /// The certificates given, leaf first.
    pub certificates: Vec<CertInfo>,
    /// The trusted CA certificates given, in their order (empty when none were).
    #[serde(default)]
    pub cas: Vec<CertInfo>,
    /// Why each check that failed failed, and pattern warnings.
    pub findings: Vec<String>,
    /// An anchored, escaped pattern for this DN.
    pub suggested_pattern: String,
}

/// What to check.
#[derive(Clone, Copy, Debug)]
pub struct CheckInput<'a> {
    /// The certificate (leaf first, then any intermediates), PEM.
    pub certificate: &'a str,
    /// Trusted CA certificates, PEM.
    pub ca: Option<&'a str>,
    /// The private key, PEM.
    pub key: Option<&'a str>,
    /// The `certificate_identity` pattern.
    pub pattern: &'a str,
    /// Now, epoch seconds.
    pub now: i64,
}

/// Runs every check.
///
/// # Errors
/// An input that does not parse.
pub fn check(input: CheckInput<'_>) -> Result<CertCheck, CertError> {
    let chain = read_certificates(input.certificate, CERTIFICATE_INPUT)?;
    let cas = input
        .ca
        .map(|pem| read_certificates(pem, CA_INPUT))
        .transpose()?;
    let leaf = &chain[0];
    let info = leaf.info();
    let mut findings = Vec::new();
    let pattern = test_pattern(input.pattern, &info.subject_dn);
    if let Some(error) = &pattern.error {
        findings.push(error.clone());
    } else if pattern.matches == Some(false) {
        findings.push(format!(
            "the pattern does not match the whole subject DN [{}] (Java full match, case-sensitive)",
            info.subject_dn
        ));
    }
    findings.extend(pattern.warnings.iter().cloned());
    let time_valid = info.not_before <= input.now && input.now <= info.not_after;
    if input.now < info.not_before {
        findings.push(format!(
            "the certificate is not valid yet: notBefore {}",
            crate::time::utc(info.not_before)
        ));
    } else if input.now > info.not_after {
        findings.push(format!(
            "the certificate expired: notAfter {}",
            crate::time::utc(info.not_after)
        ));
    }
    let chain_valid = cas
        .as_ref()
        .map(|cas| match verify_chain(&chain, cas, input.now) {
            Ok(()) => true,
            Err(reason) => {
                findings.push(reason);
                false
            }
        });
    let key_matches = input
        .key
        .map(|pem| key_matches(leaf, pem))
        .transpose()?
        .inspect(|matches| {
            if !matches {
                findings.push(
                    "the private key does not belong to the certificate (its public key differs)"
                        .to_owned(),
                );
            }
        });
    let suggested_pattern = suggest_pattern(&info.subject_dn);
    Ok(CertCheck {
        subject_dn: info.subject_dn.clone(),
        pattern_matches: pattern.matches,
        chain_valid,
        time_valid,
        key_matches,
        certificates: chain.iter().map(Cert::info).collect(),
        cas: cas.iter().flatten().map(Cert::info).collect(),
        findings,
        suggested_pattern,
    })
}

/// Follows issuer names from the leaf through the given intermediates to a trusted CA,
/// verifying each signature.
pub fn verify_chain(chain: &[Cert], cas: &[Cert], now: i64) -> Result<(), String> {
    let mut current = chain[0].clone();
    for _ in 0..=chain.len() + cas.len() {
        let cert = current.parsed();
        let issuer_raw = cert.issuer().as_raw();
        if let Some(anchor) = cas
            .iter()
            .find(|ca| ca.parsed().subject().as_raw() == issuer_raw && signed_by(&cert, ca))
        {
            return issuer_usable(anchor, now);
        }
        if cas.iter().any(|ca| ca.der == current.der) {
            return Ok(());
        }
        let Some(next) = chain
            .iter()
            .find(|c| c.der != current.der && c.parsed().subject().as_raw() == issuer_raw)
        else {
            return Err(format!(
                "no given CA issued [{}] (issuer [{}]): the chain does not lead to a trusted CA",
                rfc2253(cert.subject()),
                rfc2253(cert.issuer())
            ));
        };
        if !signed_by(&cert, next) {
            return Err(format!(
                "the signature of [{}] does not verify with the key of [{}]",
                rfc2253(cert.subject()),
                rfc2253(next.parsed().subject())
            ));
        }
        issuer_usable(next, now)?;
        current = next.clone();
    }
    Err("the chain loops".to_owned())
}

fn issuer_usable(issuer: &Cert, now: i64) -> Result<(), String> {
    let info = issuer.info();
    if !info.is_ca {
        return Err(format!(
            "[{}] signed the certificate but is not a CA (basic constraints)",
            info.subject_dn
        ));
    }
    if now < info.not_before || now > info.not_after {
        return Err(format!(
            "the CA [{}] is not valid at this time (notBefore {}, notAfter {})",
            info.subject_dn,
            crate::time::utc(info.not_before),
            crate::time::utc(info.not_after)
        ));
    }
    Ok(())
}

/// Whether `issuer`'s key verifies `cert`'s signature (RSA PKCS#1 v1.5 and ECDSA with SHA-2).
fn signed_by(cert: &X509Certificate<'_>, issuer: &Cert) -> bool {
    let issuer = issuer.parsed();
    let Ok(jwk) = spki_to_jwk(issuer.public_key()) else {
        return false;
    };
    let Some(key) = parse_jwks(&serde_json::json!({"keys": [jwk]}).to_string())
        .ok()
        .and_then(|k| k.into_iter().next())
    else {
        return false;
    };
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let (alg, ec_size) = match oid.as_str() {
        "1.2.840.113549.1.1.11" => (Algorithm::RS256, None),
        "1.2.840.113549.1.1.12" => (Algorithm::RS384, None),
        "1.2.840.113549.1.1.13" => (Algorithm::RS512, None),
        "1.2.840.10045.4.3.2" => (Algorithm::ES256, Some(32)),
        "1.2.840.10045.4.3.3" => (Algorithm::ES384, Some(48)),
        "1.2.840.10045.4.3.4" => (Algorithm::ES512, Some(66)),
        _ => return false,
    };
    let signature = cert.signature_value.data.as_ref();
    let raw = match ec_size {
        Some(size) => match ecdsa_der_to_raw(signature, size) {
            Some(raw) => raw,
            None => return false,
        },
        None => signature.to_vec(),
    };
    key.verify(
        alg,
        cert.tbs_certificate.as_ref(),
        &URL_SAFE_NO_PAD.encode(raw),
    )
}

/// One DER TLV: (tag, content, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `SEQUENCE { r INTEGER, s INTEGER }` → `r || s`, each left-padded to `size` bytes.
fn ecdsa_der_to_raw(der: &[u8], size: usize) -> Option<Vec<u8>> {
    let (0x30, body, _) = tlv(der)? else {
        return None;
    };
    let (0x02, r, rest) = tlv(body)? else {
        return None;
    };
    let (0x02, s, _) = tlv(rest)? else {
        return None;
    };
    let mut out = Vec::with_capacity(2 * size);
    for int in [r, s] {
        let int = match int.iter().position(|b| *b != 0) {
            Some(first) => &int[first..],
            None => &int[int.len().saturating_sub(1)..],
        };
        if int.len() > size {
            return None;
        }
        out.extend(std::iter::repeat_n(0, size - int.len()));
        out.extend_from_slice(int);
    }
    Some(out)
}

/// Whether the private key in `pem` (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted) is the
/// certificate's: the RSA modulus and exponent, or the EC public point it carries, must equal
/// the certificate's public key.
///
/// # Errors
/// A key that cannot be read (encrypted, no PEM, or an EC key without its public point).
pub fn key_matches(cert: &Cert, pem: &str) -> Result<bool, CertError> {
    let fail = |m: &str| CertError::Key(m.to_owned());
    check_pem_size(pem, "private key")?;
    let block = crate::pem::blocks(pem)
        .filter_map(Result::ok)
        .find(|b| b.label.contains("PRIVATE KEY"))
        .ok_or_else(|| fail("no -----BEGIN PRIVATE KEY----- block"))?;
    let public = match block.label.as_str() {
        "PRIVATE KEY" => pkcs8_public(&block.contents),
        "RSA PRIVATE KEY" => rsa_public(&block.contents),
        "EC PRIVATE KEY" => ec_public(&block.contents),
        "ENCRYPTED PRIVATE KEY" => {
            return Err(fail(
                "it is encrypted; decrypt a copy with `openssl pkey -in key.pem -out plain.pem`",
            ));
        }
        other => return Err(CertError::Key(format!("unsupported PEM block [{other}]"))),
    }
    .ok_or_else(|| fail("the DER inside does not parse as an RSA or EC private key"))?;
    let parsed = cert.parsed();
    let spki = parsed.public_key();
    Ok(match (spki.parsed(), public) {
        (Ok(PublicKey::RSA(rsa)), KeyPublic::Rsa { n, e }) => {
            trim(rsa.modulus) == trim(&n) && trim(rsa.exponent) == trim(&e)
        }
        (Ok(PublicKey::EC(point)), KeyPublic::Ec(p)) => point.data() == p.as_slice(),
        _ => false,
    })
}

fn trim(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

enum KeyPublic {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec(Vec<u8>),
}

/// `PrivateKeyInfo { version, algorithm, privateKey OCTET STRING }`.
fn pkcs8_public(der: &[u8]) -> Option<KeyPublic> {
    let (0x30, body, _) = tlv(der)? else {
        return None;
    };
    let (0x02, _, rest) = tlv(body)? else {
        return None;
    };
    let (0x30, algorithm, rest) = tlv(rest)? else {
        return None;
    };
    let (0x04, key, _) = tlv(rest)? else {
        return None;
    };
    let (0x06, oid, _) = tlv(algorithm)? else {
        return None;
    };
    match oid {
        // rsaEncryption
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] => rsa_public(key),
        // id-ecPublicKey
        [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01] => ec_public(key),
        _ => None,
    }
}

/// `RSAPrivateKey { version, modulus, publicExponent, … }`.
fn rsa_public(der: &[u8]) -> Option<KeyPublic> {
    let (0x30, body, _) = tlv(der)? else {
        return None;
    };
    let (0x02, _, rest) = tlv(body)? else {
        return None;
    };
    let (0x02, n, rest) = tlv(rest)? else {
        return None;
    };
    let (0x02, e, _) = tlv(rest)? else {
        return None;
    };
    Some(KeyPublic::Rsa {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

/// `ECPrivateKey { version, privateKey, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }`.
fn ec_public(der: &[u8]) -> Option<KeyPublic> {
    let (0x30, body, _) = tlv(der)? else {
        return None;
    };
    let mut rest = body;
    while let Some((tag, content, next)) = tlv(rest) {
        if tag == 0xa1 {
            let (0x03, bits, _) = tlv(content)? else {
                return None;
            };
            // Skip the BIT STRING's unused-bits byte.
            return bits
                .split_first()
                .map(|(_, point)| KeyPublic::Ec(point.to_vec()));
        }
        rest = next;
    }
    None
}

#[cfg(test)]
mod tests;
