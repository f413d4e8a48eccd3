//! `trust-console check-token`, `lint` and `check-cert`: the core engine on files, for scripts.
//! Reads files and the clock here; every decision is `trust-core`'s.
//!
//! Exit codes: 0 authenticated / valid, 1 not authenticated / invalid, 2 usage or config error.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::ssr::now_secs;
use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use trust_core::config::Settings;
use trust_core::directory::Directory;
use trust_core::jwt::authenticate::{Outcome, Request, TraceEntry};
use trust_core::jwt::check::{Context, check};
use trust_core::jwt::lint::{LintReport, Severity, StackVersion, Target};
use trust_core::jwt::realm::{Loaded, load};
use trust_core::role_mapping::{self, RoleMapping};

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON document.
    #[default]
    Json,
    /// Aligned lines for people, coloured on a terminal.
    Text,
}

/// Options shared by both commands.
#[derive(Clone, Debug, Args)]
pub struct ConfigArgs {
    /// The `elasticsearch.yml` to read. Relative `pkc_jwkset_path` files resolve against its
    /// directory.
    #[arg(long)]
    pub config: PathBuf,
    /// Keystore contents as flat YAML (`key: value`).
    #[arg(long)]
    pub secure_settings: Option<PathBuf>,
    /// Stack version whose rules apply (`major.minor`). Default: the newest known.
    #[arg(long)]
    pub stack_version: Option<StackVersion>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// `check-token` options.
#[derive(Clone, Debug, Args)]
pub struct CheckTokenArgs {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The raw `Authorization` header value (`Bearer <jwt>`).
    #[arg(long)]
    pub authorization: String,
    /// The raw `ES-Client-Authentication` header value (`SharedSecret <secret>`).
    #[arg(long)]
    pub client_authentication: Option<String>,
    /// Role mappings as JSON: `{"<name>": <role-mapping API body>, ...}`.
    #[arg(long)]
    pub role_mappings: Option<PathBuf>,
    /// Role descriptors as JSON: `{"<name>": <role API body>, ...}` (only `run_as` is used).
    #[arg(long)]
    pub roles: Option<PathBuf>,
    /// Native users as JSON: `{"<name>": {"roles", "full_name", "email", "metadata"}, ...}`.
    #[arg(long)]
    pub users: Option<PathBuf>,
    /// The `es-security-runas-user` header value.
    #[arg(long)]
    pub run_as: Option<String>,
    /// Now, as epoch seconds. Default: the system clock.
    #[arg(long)]
    pub now: Option<i64>,
}

/// `check-cert` options.
#[derive(Clone, Debug, Args)]
pub struct CheckCertArgs {
    /// The certificate in PEM (leaf first; intermediates may follow).
    #[arg(long)]
    pub certificate: PathBuf,
    /// Trusted CA certificates in PEM, to check the chain.
    #[arg(long)]
    pub ca: Option<PathBuf>,
    /// The private key in PEM, to check it belongs to the certificate.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// The `certificate_identity` pattern (a Java regex, matched against the whole DN).
    #[arg(long)]
    pub pattern: String,
    /// Now, as epoch seconds. Default: the system clock.
    #[arg(long)]
    pub now: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// Runs `check-cert`.
pub fn check_cert(args: &CheckCertArgs) -> ExitCode {
    let (certificate, ca, key) = match read_cert_inputs(args) {
        Ok(inputs) => inputs,
        Err(message) => return usage_error(&message),
    };
    let input = trust_core::cert::CheckInput {
        certificate: &certificate,
        ca: ca.as_deref(),
        key: key.as_deref(),
        pattern: &args.pattern,
        now: args.now.unwrap_or_else(now_secs),
    };
    let report = match trust_core::cert::check(input) {
        Ok(report) => report,
        Err(error) => return usage_error(&error.to_string()),
    };
    match args.format {
        Format::Json => print_json(&json!(report)),
        Format::Text => {
            let mark = |ok: Option<bool>| match ok {
                Some(true) => paint("✓", "32"),
                Some(false) => paint("✗", "31"),
                None => paint("-", "2"),
            };
            let mut lines = vec![
                format!("subject  {}", report.subject_dn),
                format!("{} pattern matches", mark(report.pattern_matches)),
                format!("{} chain to a given CA", mark(report.chain_valid)),
                format!("{} valid now", mark(Some(report.time_valid))),
                format!("{} key matches", mark(report.key_matches)),
            ];
            lines.extend(report.findings.iter().map(|f| format!("  {f}")));
            lines.push(format!("suggested pattern  {}", report.suggested_pattern));
            print_lines(&lines);
        }
    }
    let passed = report.pattern_matches == Some(true)
        && report.chain_valid != Some(false)
        && report.time_valid
        && report.key_matches != Some(false);
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The certificate, CA and key files of `check-cert`.
fn read_cert_inputs(
    args: &CheckCertArgs,
) -> Result<(String, Option<String>, Option<String>), String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read [{}]: {e}", path.display()))
    };
    Ok((
        read(&args.certificate)?,
        args.ca.as_deref().map(read).transpose()?,
        args.key.as_deref().map(read).transpose()?,
    ))
}

/// Runs `lint`.
pub fn lint(args: &ConfigArgs) -> ExitCode {
    let loaded = match read(args) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let report = &loaded.report;
    match args.format {
        Format::Json => print_json(&json!(report)),
        Format::Text => print_lines(&diagnostic_lines(report)),
    }
    if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Runs `check-token`.
pub fn check_token(args: &CheckTokenArgs) -> ExitCode {
    let loaded = match read(&args.config) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    if !loaded.report.valid {
        match args.config.format {
            Format::Json => print_json(
                &json!({"error": "the configuration is invalid", "diagnostics": loaded.report.diagnostics}),
            ),
            Format::Text => print_lines(&diagnostic_lines(&loaded.report)),
        }
        return ExitCode::from(2);
    }
    let (mappings, directory) = match read_security(args) {
        Ok(read) => read,
        Err(message) => return usage_error(&message),
    };
    let now_secs = args.now.unwrap_or_else(now_secs);
    let request = Request {
        authorization: Some(&args.authorization),
        client_authentication: args.client_authentication.as_deref(),
        now_millis: now_secs.saturating_mul(1000),
        version: args.config.stack_version,
        reloads: &[],
    };
    let context = Context {
        chain: &loaded.chain,
        mappings: &mappings,
        directory: &directory,
    };
    let verdict = check(context, request, args.run_as.as_deref());
    match args.config.format {
        Format::Json => print_json(&json!(verdict)),
        Format::Text => {
            let mut lines = trace_lines(&verdict.trace);
            lines.push(match (&verdict.user, &verdict.error) {
                (Some(user), _) => format!(
                    "authenticated as [{}] by realm [{}], roles [{}]",
                    user.username,
                    user.authentication_realm.name,
                    user.roles.join(",")
                ),
                (None, error) => format!(
                    "not authenticated ({}): {}",
                    verdict.status,
                    error.as_deref().unwrap_or_default()
                ),
            });
            print_lines(&lines);
        }
    }
    if verdict.authenticated {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Reads `--role-mappings`, `--roles` and `--users`; every refused entry is reported.
fn read_security(args: &CheckTokenArgs) -> Result<(Vec<RoleMapping>, Directory), String> {
    let mappings = match read_json(args.role_mappings.as_deref())? {
        Some(value) => role_mapping::parse_all(&value).map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?,
        None => Vec::new(),
    };
    let roles = read_json(args.roles.as_deref())?;
    let users = read_json(args.users.as_deref())?;
    let directory =
        Directory::parse(roles.as_ref(), users.as_ref()).map_err(|errors| errors.join("\n"))?;
    Ok((mappings, directory))
}

fn read_json(path: Option<&Path>) -> Result<Option<Value>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read [{}]: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("[{}] is not JSON: {e}", path.display()))
}

fn read(args: &ConfigArgs) -> Result<Loaded, String> {
    let settings = read_settings(&args.config)?;
    let secure = match &args.secure_settings {
        Some(path) => read_settings(path)?,
        None => Settings::default(),
    };
    let base = args
        .config
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let read_file = |path: &str| std::fs::read_to_string(base.join(path)).ok();
    let target = Target {
        version: args.stack_version.unwrap_or_default(),
        ..Target::default()
    };
    Ok(load(&settings, &secure, &read_file, target))
}

fn read_settings(path: &Path) -> Result<Settings, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read [{}]: {e}", path.display()))?;
    Settings::from_yaml(&text).map_err(|e| format!("[{}]: {e}", path.display()))
}

fn usage_error(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(2)
}

fn print_json(value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let _ = writeln!(std::io::stdout(), "{text}");
}

fn print_lines(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn paint(text: &str, code: &str) -> String {
    if colour() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// One aligned line per step: mark, realm, step, message.
fn trace_lines(trace: &[TraceEntry]) -> Vec<String> {
    let realm_width = trace.iter().map(|e| e.realm.len()).max().unwrap_or(0);
    trace
        .iter()
        .map(|e| {
            let (mark, code) = match e.outcome {
                Outcome::Pass => ("✓", "32"),
                Outcome::Fail => ("✗", "31"),
                Outcome::Skip => ("-", "2"),
            };
            let step = serde_json::to_value(e.step)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!(
                "{} {:realm_width$}  {step:<21} {}",
                paint(mark, code),
                e.realm,
                e.message
            )
        })
        .collect()
}

fn diagnostic_lines(report: &LintReport) -> Vec<String> {
    let mut lines: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let label = match d.severity {
                Severity::Error => paint("✗ error  ", "31"),
                Severity::Warning => paint("! warning", "33"),
            };
            format!("{label} {}: {}", d.setting, d.message)
        })
        .collect();
    lines.push(if report.valid {
        "valid".to_owned()
    } else {
        "invalid".to_owned()
    });
    lines
}
