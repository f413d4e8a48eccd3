//! Command-line and environment configuration.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Elasticsearch trust console.
#[derive(Debug, Parser)]
#[command(name = "trust-console", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `serve`, accepted without the subcommand too.
    #[command(flatten)]
    pub serve: ServeArgs,
    /// Log line format.
    #[arg(long, global = true, env = "TRUST_CONSOLE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console (the default).
    Serve(ServeArgs),
    /// Check a JWT against the realms of an elasticsearch.yml, step by step, as Elasticsearch
    /// would (exit 0 authenticated, 1 not, 2 usage or config error).
    CheckToken(crate::cli::CheckTokenArgs),
    /// Validate the realms of an elasticsearch.yml as Elasticsearch does at node start
    /// (exit 0 valid, 1 invalid, 2 unreadable input).
    Lint(crate::cli::ConfigArgs),
    /// Check a certificate for strong identity verification: its subject DN as Java prints it
    /// against a certificate_identity pattern, the chain to a CA, validity and key match
    /// (exit 0 when every check given passes, 1 when one fails, 2 unreadable input).
    CheckCert(crate::cli::CheckCertArgs),
    /// Write a deployment's export (elasticsearch.yml, keystore commands and JSON, API
    /// requests, apply plan, support files) into a directory (exit 0 written, 1 refused by
    /// lint errors without --draft, 2 usage error).
    Export(crate::transfer::ExportArgs),
    /// Import an existing elasticsearch.yml (and optionally its keystore values, role mappings
    /// and roles) into a deployment in one transaction (exit 0 applied or previewed, 1 the
    /// files have problems, 2 usage error).
    Import(crate::transfer::ImportArgs),
    /// Re-encrypt every stored secret with a new master key and replace the key file (exit 0
    /// done, 2 usage error or wrong key).
    RotateMasterKey(crate::transfer::RotateArgs),
    /// Database tools: `db copy --from URL --to URL` moves a console's data into a new
    /// database (SQLite to PostgreSQL for the shared store).
    Db(crate::transfer::DbArgs),
}

/// Options of `serve`.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (the chosen address is logged).
    #[arg(long, env = "TRUST_CONSOLE_ADDRESS", default_value = "127.0.0.1:3000")]
    pub address: SocketAddr,
    /// Directory for the console's data; the SQLite file lives here unless --database-url is
    /// given. Created when missing.
    #[arg(long, env = "TRUST_CONSOLE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://path`, or `postgres://user:password@host/db` for the shared
    /// store of several instances. Default: `sqlite://<data-dir>/trust-console.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// The master key file that encrypts the console's secrets (created 0600 on first start).
    /// `TRUST_CONSOLE_MASTER_KEY` (base64 of 32 bytes) takes precedence. Default:
    /// `<data-dir>/master.key`. Back it up apart from the database.
    #[arg(long, env = "TRUST_CONSOLE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Mark the session cookie `Secure`. Set this when the console is served over TLS (for
    /// example behind a TLS-terminating proxy).
    #[arg(long, env = "TRUST_CONSOLE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// PEM file of CA certificates trusted, besides the public web roots, when fetching a
    /// realm's https JWK set.
    #[arg(long, env = "TRUST_CONSOLE_JWKS_CA_FILE")]
    pub jwks_ca_file: Option<PathBuf>,
    /// Let JWK set fetches reach loopback, private, link-local and other internal addresses
    /// (refused by default: they are where server-side request forgery aims).
    #[arg(long, env = "TRUST_CONSOLE_JWKS_ALLOW_PRIVATE")]
    pub jwks_allow_private: bool,
    /// A session ends this many seconds after login, however active (absolute lifetime).
    #[arg(long, env = "TRUST_CONSOLE_SESSION_LIFETIME_SECS", default_value_t = 12 * 60 * 60)]
    pub session_lifetime_secs: u64,
    /// A session ends after this many seconds without a request (idle timeout).
    #[arg(long, env = "TRUST_CONSOLE_SESSION_IDLE_SECS", default_value_t = 30 * 60)]
    pub session_idle_secs: u64,
    /// Host names the console answers to (comma-separated; the port is not compared). Other
    /// `Host` headers get 421, which stops DNS rebinding. Default: the listen address and
    /// `localhost` (any name when listening on every interface).
    #[arg(long, env = "TRUST_CONSOLE_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// Addresses or CIDR ranges of the reverse proxies / load balancers in front of the
    /// console (repeatable or comma-separated). A request from one of them has its client
    /// address taken from `X-Forwarded-For` (the right-most entry that is not a trusted
    /// proxy), so the per-address login throttle and the logs see the real client. Default:
    /// none — the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "TRUST_CONSOLE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Directory with the built site (pkg/, favicon). Default: embedded assets when the binary
    /// was built with them, else `site/` beside the binary, else `target/site`.
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
}

impl ServeArgs {
    /// The master key file to use.
    pub fn master_key_file(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    /// The database URL to use.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("trust-console.db").display()
            )
        })
    }
}

/// Log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}
