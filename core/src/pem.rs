//! PEM blocks (`-----BEGIN …-----` … `-----END …-----`), read exactly as `x509-parser`'s
//! `Pem::iter_from_buffer` reads them — the tests compare the two — without its base64
//! decoder, whose six specialised bit widths are 40 KB of code in every browser page that reads
//! a certificate or a key.
//!
//! The rules: lines before, between and after blocks are ignored; a block starts at a line
//! beginning `-----BEGIN ` that has a closing `-----` (else it is an invalid header), its label
//! is the text after `BEGIN ` up to the first `-`; it ends at the next line beginning
//! `-----END ` (any label); the lines between, with trailing whitespace trimmed, are one
//! padded standard base64 text.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// One decoded block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The label: `CERTIFICATE`, `PUBLIC KEY`, `RSA PRIVATE KEY`, …
    pub label: String,
    /// The decoded bytes (DER).
    pub contents: Vec<u8>,
}

/// Why a block that is present cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockError {
    /// A `-----BEGIN ` line without its closing dashes.
    InvalidHeader,
    /// No `-----END ` line.
    Incomplete,
    /// The body is not padded standard base64.
    Base64,
}

/// The blocks of `text`, in order. An unreadable block yields an error and reading goes on after
/// it (after an incomplete one there is nothing left).
pub fn blocks(text: &str) -> Blocks<'_> {
    Blocks {
        lines: text.split_inclusive('\n'),
    }
}

/// The iterator [`blocks`] returns.
#[derive(Clone, Debug)]
pub struct Blocks<'a> {
    lines: std::str::SplitInclusive<'a, char>,
}

impl Iterator for Blocks<'_> {
    type Item = Result<Block, BlockError>;

    fn next(&mut self) -> Option<Self::Item> {
        let header = self.lines.find(|line| line.starts_with("-----BEGIN "))?;
        let mut parts = header.split("-----");
        let (Some(_), Some(begin), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            return Some(Err(BlockError::InvalidHeader));
        };
        let label = begin["BEGIN ".len()..]
            .split('-')
            .next()
            .unwrap_or_default();
        let mut body = String::new();
        loop {
            let Some(line) = self.lines.next() else {
                return Some(Err(BlockError::Incomplete));
            };
            if line.starts_with("-----END ") {
                break;
            }
            body.push_str(line.trim_end());
        }
        Some(match decode(&body) {
            Some(contents) => Ok(Block {
                label: label.to_owned(),
                contents,
            }),
            None => Err(BlockError::Base64),
        })
    }
}

/// Padded standard base64 decoded quantum by quantum (4 characters, padding only at a
/// quantum's end): x509-parser's decoder accepts `QQ==QQ==` as two bytes, so this does too.
fn decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut bytes = [0_u8; 3];
    for quantum in text.as_bytes().chunks(4) {
        let len = STANDARD.decode_slice(quantum, &mut bytes).ok()?;
        out.extend_from_slice(&bytes[..len]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    /// What x509-parser reads from `text`: the reference.
    pub(super) fn reference(text: &str) -> Vec<Result<Block, BlockError>> {
        use x509_parser::error::PEMError;
        x509_parser::pem::Pem::iter_from_buffer(text.as_bytes())
            .map(|block| match block {
                Ok(pem) => Ok(Block {
                    label: pem.label,
                    contents: pem.contents,
                }),
                Err(PEMError::InvalidHeader) => Err(BlockError::InvalidHeader),
                Err(PEMError::IncompletePEM) => Err(BlockError::Incomplete),
                Err(PEMError::Base64DecodeError) => Err(BlockError::Base64),
                Err(other) => panic!("unexpected {other:?} for {text:?}"),
            })
            .collect()
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_what_x509_parser_reads() {
        for text in [
            "",
            "no block here\n",
            "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\r\nQU\r\nJD\r\n-----END CERTIFICATE-----",
            "junk\n-----BEGIN RSA PRIVATE KEY-----\nQUI=\n-----END X-----\ntail",
            "-----BEGIN MULTI WORD-LABEL-----\n-----END MULTI WORD LABEL-----",
            "-----BEGIN CERTIFICATE\nQUJD\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nQUJD\n",
            "-----BEGIN A-----\nQUI\n-----END A-----\n-----BEGIN B-----\nQUJD\n-----END B-----\n",
            "-----BEGIN A-----\nQR==\n-----END A-----\n",
            "-----BEGIN A-----\n QUJD\n-----END A-----\n",
            "-----BEGIN A-----\nQUJD  \t\n-----END A-----\n",
            "-----BEGIN A-----\nQQ==QQ==\n-----END A-----\n",
            "-----BEGIN A-----\nQUI=QUJD\n-----END A-----\n",
            "-----BEGIN A-----\nQ=Q=\n-----END A-----\n",
            "-----BEGIN A-----\nQR==QQ==\n-----END A-----\n",
            "-----BEGIN A-----\n====\n-----END A-----\n",
            "-----BEGIN A-----\nQ===\n-----END A-----\n",
            " -----BEGIN A-----\nQUJD\n-----END A-----\n",
            "-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nQUJD\n-----END A-----\n",
        ] {
            assert_eq!(
                blocks(text).collect::<Vec<_>>(),
                reference(text),
                "{text:?}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_certificate_and_key_fixtures_read_as_x509_parser_reads_them() {
        macro_rules! fixtures {
            ($($name:literal),*) => {
                [$(($name, include_str!(concat!("../../tests/fixtures/certs/", $name)))),*]
            };
        }
        let all = fixtures!(
            "ca.pem",
            "ca.key",
            "cloud-node-chain.pem",
            "cloud-node.key",
            "escaped.pem",
            "multi-valued.pem",
            "other-ca.pem",
            "unusual.pem",
            "unusual.key",
            "utf8.pem"
        );
        for (name, text) in all {
            let read: Vec<_> = blocks(text).collect();
            assert!(
                read.iter().all(Result::is_ok) && !read.is_empty(),
                "{name}: {read:?}"
            );
            assert_eq!(read, reference(text), "{name}");
        }
        let chain: Vec<_> = blocks(all[2].1).map(Result::unwrap).collect();
        assert!(chain.len() >= 2, "a chain file holds several certificates");
        assert!(
            chain
                .iter()
                .all(|b| b.label == "CERTIFICATE" && b.contents[0] == 0x30)
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    /// Lines a PEM paste is made of, well-formed or not.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("-----BEGIN CERTIFICATE-----".to_owned()),
            Just("-----BEGIN EC PRIVATE KEY-----".to_owned()),
            Just("-----BEGIN BROKEN".to_owned()),
            Just("-----END CERTIFICATE-----".to_owned()),
            Just("-----END ".to_owned()),
            Just(String::new()),
            "[A-Za-z0-9+/]{0,8}={0,2}[ \t\r]{0,2}",
            "[ -~]{0,12}",
            prop::collection::vec(any::<u8>(), 0..12).prop_map(|bytes| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }),
        ]
    }

    proptest! {
        #[test]
        fn any_paste_reads_as_x509_parser_reads_it(
            lines in prop::collection::vec(line(), 0..10),
            newline in prop_oneof![Just("\n"), Just("\r\n")],
        ) {
            let text = lines.join(newline);
            prop_assert_eq!(super::blocks(&text).collect::<Vec<_>>(), super::tests::reference(&text));
        }
    }
}
