//! Diagnostics: what Elasticsearch would refuse at node start (errors, in its wording) and what
//! it only logs or silently tolerates (warnings, in ours), for a given deployment target.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Elasticsearch refuses to start (or the console knows the realm cannot work).
    Error,
    /// Elasticsearch starts, but something is wrong or risky.
    Warning,
}

/// One finding about one setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The full setting key (or the realm prefix for realm-wide findings).
    pub setting: String,
    /// Elasticsearch's wording for errors it raises; ours for warnings.
    pub message: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            setting: setting.into(),
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            setting: setting.into(),
            message: message.into(),
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Severity {
    /// The wire spelling (`error`, `warning`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// Where the configuration will run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentKind {
    /// Self-managed Elasticsearch: every order is available.
    #[default]
    SelfManaged,
    /// Elastic Cloud Enterprise: orders 0 and 1 are reserved.
    Ece,
    /// Elastic Cloud Hosted: orders 0 and 1 are reserved.
    ElasticCloud,
}

impl DeploymentKind {
    /// Whether Elastic reserves realm orders 0 and 1 (hosted kinds).
    pub const fn reserves_low_orders(self) -> bool {
        matches!(self, Self::Ece | Self::ElasticCloud)
    }
}

/// A stack version `major.minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct StackVersion {
    /// Major version.
    pub major: u16,
    /// Minor version.
    pub minor: u16,
}

impl StackVersion {
    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// The newest version this console knows the rules of.
    pub const LATEST: Self = Self::new(9, 3);
    /// JWT realms (id_token) arrived.
    pub const ID_TOKEN: Self = Self::new(8, 2);
    /// `token_type: access_token` arrived.
    pub const ACCESS_TOKEN: Self = Self::new(8, 7);
    /// Access-token realms accept `typ: at+jwt`.
    pub const AT_JWT_TYP: Self = Self::new(9, 1);
    /// Remote cluster strong identity verification.
    pub const STRONG_IDENTITY: Self = Self::new(9, 3);
}

impl Default for StackVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl fmt::Display for StackVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Not `major.minor[.patch]`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid stack version [{0}]: expected major.minor, e.g. 9.1")]
pub struct InvalidVersion(pub String);

impl FromStr for StackVersion {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().split('.');
        let mut number = || parts.next().and_then(|p| p.parse::<u16>().ok());
        match (number(), number()) {
            (Some(major), Some(minor)) => Ok(Self { major, minor }),
            _ => Err(InvalidVersion(s.to_owned())),
        }
    }
}

/// The deployment a configuration is checked against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Target {
    /// Self-managed, ECE or Elastic Cloud.
    pub deployment: DeploymentKind,
    /// Stack version.
    pub version: StackVersion,
}

/// The lint verdict for a whole configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// No errors (warnings allowed).
    pub valid: bool,
    /// Errors first, then warnings; each group in the order the checks found them.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    /// Builds the report, sorting errors before warnings (stable within each).
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by_key(|d| d.severity);
        let valid = diagnostics.iter().all(|d| d.severity != Severity::Error);
        Self { valid, diagnostics }
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn versions_parse_and_compare() {
        assert_eq!(
            "8.7".parse::<StackVersion>().unwrap(),
            StackVersion::ACCESS_TOKEN
        );
        assert_eq!(
            "9.1.3".parse::<StackVersion>().unwrap(),
            StackVersion::AT_JWT_TYP
        );
        assert!("nine".parse::<StackVersion>().is_err());
        assert!(StackVersion::new(8, 10) > StackVersion::new(8, 7));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reports_put_errors_first() {
        let report = LintReport::new(vec![
            Diagnostic::warning("a", "w"),
            Diagnostic::error("b", "e"),
        ]);
        assert!(!report.valid);
        assert_eq!(report.diagnostics[0].severity, Severity::Error);
        assert!(LintReport::new(vec![Diagnostic::warning("a", "w")]).valid);
    }
}
