//! The certificate workbench's input and the checks it runs (in the browser, from
//! `trust-core`): nothing pasted there is sent to the server.

use trust_core::cert::{CertCheck, CheckInput, check};
use trust_core::playground::parse_utc;

/// What the admin pasted into the workbench.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workbench {
    /// Pasted or typed text.
    pub certificate: String,
    /// Pasted or typed text.
    pub ca: String,
    /// Pasted or typed text.
    pub key: String,
    /// Pasted or typed text.
    pub pattern: String,
    /// Pasted or typed text.
    pub evaluate_at: String,
}

impl Workbench {
    /// The evaluation time: the typed one, else `clock`; or why the typed one is refused.
    pub fn now(&self, clock: i64) -> Result<i64, String> {
        match self.evaluate_at.trim() {
            "" => Ok(clock),
            text => parse_utc(text),
        }
    }

    /// The checks (`None` until a certificate is pasted), or what is wrong with the input.
    pub fn run(&self, clock: i64) -> Option<Result<CertCheck, String>> {
        if self.certificate.trim().is_empty() {
            return None;
        }
        let now = match self.now(clock) {
            Ok(now) => now,
            Err(message) => return Some(Err(message)),
        };
        let optional = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        let (ca, key) = (optional(&self.ca), optional(&self.key));
        Some(
            check(CheckInput {
                certificate: &self.certificate,
                ca: ca.as_deref(),
                key: key.as_deref(),
                pattern: &self.pattern,
                now,
            })
            .map_err(|e| e.to_string()),
        )
    }
}

/// [`Workbench::run`], compiled into a WASM chunk of its own that the workbench fetches when
/// the first certificate is pasted: the certificate parser and the signature checks of every
/// curve were most of the page's first download (issue 19). On the server a plain call.
#[leptos::lazy]
pub fn run_workbench(bench: Workbench, clock: i64) -> Option<Result<CertCheck, String>> {
    bench.run(clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../../tests/fixtures/certs/cloud-node.pem");

    #[test]
    fn the_workbench_runs_once_a_certificate_is_pasted() {
        let mut bench = Workbench::default();
        assert_eq!(bench.run(1_800_000_000), None);
        bench.certificate = CERT.to_owned();
        bench.pattern = "CN=i1\\..*".to_owned();
        let report = bench.run(1_800_000_000).unwrap().unwrap();
        assert_eq!(report.pattern_matches, Some(true));
        assert_eq!(report.chain_valid, None);
        bench.evaluate_at = "later".to_owned();
        assert!(
            bench
                .run(0)
                .unwrap()
                .unwrap_err()
                .contains("is not a UTC time")
        );
        bench.evaluate_at = String::new();
        bench.certificate = "junk".to_owned();
        assert!(bench.run(0).unwrap().is_err());
    }
}
