//! Trust management (spec §5–6): the deployments the console manages, the environments each
//! one trusts (ECE / Elastic Cloud trust levels, self-managed direct trust), and its remote
//! clusters with TLS and strong identity verification.
//!
//! Every body is parsed here into a checked value with errors on the field at fault; the
//! checks that need more than one document (reciprocity, mutual CA trust, the remote's signing
//! trust) take the other documents as plain arguments. Pure: no I/O, the clock is a parameter.

pub mod deployment;
pub mod environment;
pub mod ids;
pub mod remote;

use serde_json::Value;

use crate::field::{FieldError, opt_string};
pub(crate) use crate::field::{bool_field, choice, object, string_list};

pub use deployment::Deployment;
pub use environment::TrustedEnvironment;
pub use remote::RemoteConfig;

/// Longest PEM text the console keeps in one field (a chain of a dozen certificates).
pub const MAX_PEM_BYTES: usize = 64 * 1024;

/// A PEM text field (not trimmed of inner content; limited in size).
fn pem_field(map: &serde_json::Map<String, Value>, key: &str) -> Result<String, FieldError> {
    let text = opt_string(map, key)?.unwrap_or_default();
    if text.len() > MAX_PEM_BYTES {
        return Err(FieldError::new(
            key,
            format!("at most {MAX_PEM_BYTES} bytes of PEM are accepted"),
        ));
    }
    Ok(text)
}

/// The SHA-256 fingerprints of the certificates in a PEM text (empty for no or bad PEM).
fn fingerprints(pem: &str) -> Vec<String> {
    if pem.trim().is_empty() {
        return Vec::new();
    }
    crate::cert::read_certificates(pem, crate::cert::CA_INPUT)
        .map(|certs| certs.iter().map(|c| c.info().sha256).collect())
        .unwrap_or_default()
}

/// Checks that a PEM field holds certificates.
fn check_pem(field: &str, pem: &str) -> Result<(), FieldError> {
    if pem.trim().is_empty() {
        return Ok(());
    }
    crate::cert::read_certificates(pem, crate::cert::CA_INPUT)
        .map(drop)
        .map_err(|e| FieldError::new(field, e.to_string()))
}

#[cfg(test)]
mod tests;
