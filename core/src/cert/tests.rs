use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

use super::*;

/// The fixtures made by `tests/fixtures/certs/generate.sh` (openssl), with Java's view of
/// them in `expected.json`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../tests/fixtures/certs/", $name))
    };
}

const EXPECTED: &str = fixture!("expected.json");
const CA: &str = fixture!("ca.pem");
const NOW: i64 = 1_800_000_000;

fn expected(file: &str) -> Value {
    let all: Value = serde_json::from_str(EXPECTED).unwrap();
    all[file].clone()
}

fn info(pem: &str) -> CertInfo {
    read_certificates(pem, "certificate").unwrap()[0].info()
}

#[wasm_bindgen_test(unsupported = test)]
fn subject_and_issuer_render_exactly_as_java_prints_them() {
    for (file, pem) in [
        ("ca.pem", CA),
        ("cloud-node.pem", fixture!("cloud-node.pem")),
        ("multi-valued.pem", fixture!("multi-valued.pem")),
        ("escaped.pem", fixture!("escaped.pem")),
        ("utf8.pem", fixture!("utf8.pem")),
        ("unusual.pem", fixture!("unusual.pem")),
        ("stranger.pem", fixture!("stranger.pem")),
        ("other-ca.pem", fixture!("other-ca.pem")),
    ] {
        let java = expected(file);
        let info = info(pem);
        assert_eq!(info.subject_dn, java["subject"], "{file} subject");
        assert_eq!(info.issuer_dn, java["issuer"], "{file} issuer");
        assert_eq!(info.not_before, java["not_before"], "{file} not_before");
        assert_eq!(info.not_after, java["not_after"], "{file} not_after");
        assert_eq!(info.sha256, java["sha256"], "{file} sha256");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn the_rendering_covers_what_the_fixtures_are_for() {
    // Guards against fixtures that silently lost their point.
    assert_eq!(
        expected("multi-valued.pem")["subject"],
        "CN=node-1+UID=u1,OU=Ops+OU=Search,O=Example\\, Inc.,C=US"
    );
    assert!(
        expected("escaped.pem")["subject"]
            .as_str()
            .unwrap()
            .contains("CN=\\#a\\,b\\+c\\=d\\<e\\>f\\;g\\\"h\\\\i\\ ")
    );
    assert!(
        expected("unusual.pem")["subject"]
            .as_str()
            .unwrap()
            .contains("1.2.840.113549.1.9.1=#160f")
    );
    assert!(
        expected("utf8.pem")["subject"]
            .as_str()
            .unwrap()
            .contains("日本")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn escaping_follows_java_for_edge_values() {
    assert_eq!(escape(""), "");
    assert_eq!(escape("   "), "\\ \\ \\ ");
    assert_eq!(escape("a\0b"), "a\\00b");
    assert_eq!(escape("#x"), "\\#x");
    assert_eq!(escape("x#"), "x\\#");
    assert_eq!(escape(" a b "), "\\ a b\\ ");
    assert_eq!(escape("ä!@"), "ä!@");
    assert_eq!(der_of(12, &[0x41; 200])[..3], [12, 0x81, 200]);
}

#[wasm_bindgen_test(unsupported = test)]
fn key_description_sans_and_ca_flag() {
    let node = info(fixture!("cloud-node.pem"));
    assert_eq!(node.key, "EC P-256");
    assert_eq!(node.sans, ["DNS:cloud-node.example.com", "IP:127.0.0.1"]);
    assert!(!node.is_ca);
    let multi = info(fixture!("multi-valued.pem"));
    assert_eq!(multi.key, "RSA 2048");
    assert!(info(CA).is_ca);
}

#[wasm_bindgen_test(unsupported = test)]
fn patterns_match_the_whole_dn_case_sensitively() {
    let dn = "CN=i1.node.cf659f7fe6164d9691b284ae36811be1.cluster.803289842";
    let suggested = suggest_pattern(dn);
    assert_eq!(
        suggested,
        "CN=[^,]+\\.node\\.cf659f7fe6164d9691b284ae36811be1\\.cluster\\.803289842"
    );
    assert_eq!(test_pattern(&suggested, dn).matches, Some(true));
    assert!(test_pattern(&suggested, dn).warnings.is_empty());
    // The docs' example: unescaped dots, whole-string match.
    let docs = test_pattern("CN=.*.node.cf659f7fe6164d9691b284ae36811be1.cluster.*", dn);
    assert_eq!(docs.matches, Some(true));
    assert!(
        docs.warnings.iter().any(|w| w.contains("unescaped [.]")),
        "{docs:?}"
    );
    // A prefix is not a match (Matcher.matches, not find).
    assert_eq!(test_pattern("CN=i1", dn).matches, Some(false));
    assert_eq!(test_pattern("cn=i1.*", dn).matches, Some(false));
    assert_eq!(test_pattern("node", dn).matches, Some(false));
    let all = test_pattern(".*", dn);
    assert_eq!(all.matches, Some(true));
    assert!(all.warnings[0].starts_with("matches every certificate"));
    // Other DNs are suggested exactly, escaped.
    let multi = "CN=node-1+UID=u1,OU=Ops+OU=Search,O=Example\\, Inc.,C=US";
    let exact = suggest_pattern(multi);
    assert_eq!(test_pattern(&exact, multi).matches, Some(true));
    assert_eq!(
        test_pattern(
            &exact,
            "CN=node-1+UID=u1,OU=Ops+OU=Search,O=Example\\, Inc.,C=UK"
        )
        .matches,
        Some(false)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn invalid_and_java_only_patterns_are_reported_not_guessed() {
    let bad = test_pattern("CN=(unclosed", "CN=x");
    assert_eq!(bad.matches, None);
    assert!(bad.error.unwrap().starts_with(
        "Invalid certificate_identity format: [CN=(unclosed]. Must be a valid regex."
    ));
    let look = test_pattern("CN=(?!admin).*", "CN=x");
    assert_eq!(look.matches, None);
    let message = look.error.unwrap();
    assert!(
        message.contains("which this console cannot evaluate (Elasticsearch accepts it)"),
        "{message}"
    );
    let backref = test_pattern("CN=(a)\\1", "CN=aa");
    assert!(backref.error.unwrap().contains("cannot evaluate"));
    // Java syntax the translation handles: quoting and ASCII-only classes.
    assert_eq!(test_pattern("\\QCN=a.b\\E", "CN=a.b").matches, Some(true));
    assert_eq!(test_pattern("\\QCN=a.b\\E", "CN=aXb").matches, Some(false));
    assert_eq!(test_pattern("CN=\\d+", "CN=٣").matches, Some(false));
}

#[wasm_bindgen_test(unsupported = test)]
fn chains_are_checked_against_the_given_cas() {
    let node = fixture!("cloud-node.pem");
    let run = |certificate: &str, ca: Option<&str>, now: i64| {
        check(CheckInput {
            certificate,
            ca,
            key: None,
            pattern: ".*",
            now,
        })
        .unwrap()
    };
    let with_ca = run(node, Some(CA), NOW);
    assert_eq!(with_ca.chain_valid, Some(true));
    // The given CAs are described too (the workbench draws the chain into them).
    assert_eq!(with_ca.cas.len(), 1);
    assert_eq!(with_ca.cas[0].subject_dn, expected("ca.pem")["subject"]);
    let without = run(node, None, NOW);
    assert_eq!(without.chain_valid, None);
    assert!(without.cas.is_empty());
    // The chain file carries the CA itself; only the CA input is trusted.
    let chain = fixture!("cloud-node-chain.pem");
    let r = run(chain, Some(CA), NOW);
    assert_eq!(r.chain_valid, Some(true));
    assert_eq!(r.certificates.len(), 2);
    let r = run(chain, Some(fixture!("other-ca.pem")), NOW);
    assert_eq!(r.chain_valid, Some(false));
    assert!(
        r.findings
            .iter()
            .any(|f| f.contains("does not lead to a trusted CA")),
        "{:?}",
        r.findings
    );
    let stranger = run(fixture!("stranger.pem"), Some(CA), NOW);
    assert_eq!(stranger.chain_valid, Some(false));
    // Both CAs given: the stranger's own CA vouches for it.
    let both = format!("{CA}{}", fixture!("other-ca.pem"));
    assert_eq!(
        run(fixture!("stranger.pem"), Some(&both), NOW).chain_valid,
        Some(true)
    );
    // A CA name without its key: a forged issuer name does not pass (signature checked).
    assert_eq!(
        run(node, Some(fixture!("escaped.pem")), NOW).chain_valid,
        Some(false)
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn validity_is_checked_at_now() {
    let node = fixture!("cloud-node.pem");
    let java = expected("cloud-node.pem");
    let from = java["not_before"].as_i64().unwrap();
    let to = java["not_after"].as_i64().unwrap();
    let at = |now| {
        check(CheckInput {
            certificate: node,
            ca: Some(CA),
            key: None,
            pattern: ".*",
            now,
        })
        .unwrap()
    };
    assert!(at(from).time_valid);
    assert!(at(to).time_valid);
    let early = at(from - 1);
    assert!(!early.time_valid);
    assert!(
        early
            .findings
            .iter()
            .any(|f| f.starts_with("the certificate is not valid yet"))
    );
    // The CA is not valid then either.
    assert_eq!(early.chain_valid, Some(false));
    let late = at(to + 1);
    assert!(!late.time_valid);
    assert!(
        late.findings
            .iter()
            .any(|f| f.starts_with("the certificate expired"))
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn private_keys_match_their_certificate_only() {
    let node = &read_certificates(fixture!("cloud-node.pem"), "certificate").unwrap()[0];
    let rsa = &read_certificates(fixture!("multi-valued.pem"), "certificate").unwrap()[0];
    assert_eq!(key_matches(node, fixture!("cloud-node.key")), Ok(true));
    assert_eq!(key_matches(node, fixture!("escaped.key")), Ok(false));
    assert_eq!(key_matches(rsa, fixture!("multi-valued.key")), Ok(true));
    assert_eq!(key_matches(rsa, fixture!("other-ca.key")), Ok(false));
    assert_eq!(key_matches(node, fixture!("multi-valued.key")), Ok(false));
    assert!(matches!(key_matches(node, CA), Err(CertError::Key(_))));
    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert!(
        key_matches(node, encrypted)
            .unwrap_err()
            .to_string()
            .contains("encrypted")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn unreadable_inputs_are_errors_naming_the_input() {
    assert_eq!(
        read_certificates("hello", "certificate")
            .unwrap_err()
            .to_string(),
        "no -----BEGIN CERTIFICATE----- block found in the certificate"
    );
    let broken = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";
    assert!(
        read_certificates(broken, "CA certificates")
            .unwrap_err()
            .to_string()
            .starts_with("certificate 1 of the CA certificates does not parse")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn pem_bundles_are_bounded() {
    let many = CA.repeat(limits::PEM_MAX_CERTIFICATES + 1);
    assert_eq!(
        read_certificates(&many, CA_INPUT).unwrap_err().to_string(),
        "the CA certificates holds more than 100 certificates"
    );
    assert_eq!(
        read_certificates(&CA.repeat(limits::PEM_MAX_CERTIFICATES), CA_INPUT)
            .unwrap()
            .len(),
        limits::PEM_MAX_CERTIFICATES
    );
    let huge = format!("{CA}{}", " ".repeat(limits::PEM_MAX_BYTES));
    assert!(matches!(
        read_certificates(&huge, CERTIFICATE_INPUT),
        Err(CertError::TooLarge { .. })
    ));
    assert!(
        crate::jwt::pem::pem_to_jwk(&huge, None)
            .unwrap_err()
            .to_string()
            .contains("at most 1048576 are read")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn certificates_ending_within_the_window_soonest_first() {
    let ca_ends = expected("ca.pem")["not_after"].as_i64().unwrap();
    let other_ends = expected("other-ca.pem")["not_after"].as_i64().unwrap();
    let bundle = format!("{CA}{}", fixture!("other-ca.pem"));
    let day = 86_400;
    // Far from the end: nothing to say.
    assert!(ending_within(&bundle, NOW, EXPIRY_WARNING_DAYS).is_empty());
    // The window's edge is inclusive: ending exactly `days` ahead is due, a second later is not.
    let at_edge = ca_ends - 30 * day;
    let due = ending_within(CA, at_edge, 30);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].subject_dn, expected("ca.pem")["subject"]);
    assert!(ending_within(CA, at_edge - 1, 30).is_empty());
    // Ended certificates are due too, soonest (earliest) first whatever the bundle order.
    let after_both = ca_ends.max(other_ends) + day;
    let ends: Vec<i64> = ending_within(&bundle, after_both, 30)
        .iter()
        .map(|c| c.not_after)
        .collect();
    let mut sorted = vec![ca_ends, other_ends];
    sorted.sort_unstable();
    assert_eq!(ends, sorted);
    // Not a certificate, empty, or over the size bound: nothing, never a panic.
    assert!(ending_within("", NOW, 30).is_empty());
    assert!(ending_within("-----BEGIN CERTIFICATE-----\nnot base64\n", NOW, 30).is_empty());
    let huge = CA.repeat(limits::PEM_MAX_BYTES / CA.len() + 1);
    assert!(ending_within(&huge, i64::MAX, i64::MAX).is_empty());
}
