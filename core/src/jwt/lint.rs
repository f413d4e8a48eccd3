//! The diagnostic vocabulary, where the JWT code has always named it; it lives in
//! [`crate::diagnostic`], a leaf module every part of the core shares.

pub use crate::diagnostic::{
    DeploymentKind, Diagnostic, InvalidVersion, LintReport, Severity, StackVersion, Target,
};
