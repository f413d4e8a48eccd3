//! `trust-console export` and `import`: a deployment's files to a directory, and an existing
//! cluster's files into a deployment, against the console's database (`--data-dir` /
//! `--database-url`, like `serve`). The same services as the API; the actor is `cli`.
//!
//! Exit codes: 0 done, 1 refused (lint errors without `--draft`, import problems),
//! 2 usage error (unreadable file, unknown deployment, database unreachable).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::error::ApiError;
use app::ssr::{crypto, db, deployments, export};
use clap::Args;
use serde_json::{Value, json};
use trust_core::export::{ImportInput, Secrets};

/// The actor audit entries and export records name.
const ACTOR: &str = "cli";

/// Where the database is (as `serve` takes it).
#[derive(Clone, Debug, Args)]
pub struct DatabaseArgs {
    /// Directory of the console's data; the SQLite file lives here unless --database-url is
    /// given.
    #[arg(long, env = "TRUST_CONSOLE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://path` or `postgres://…`. Default:
    /// `sqlite://<data-dir>/trust-console.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// The master key file (as `serve` takes it). Default: `<data-dir>/master.key`.
    #[arg(long, env = "TRUST_CONSOLE_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
}

impl DatabaseArgs {
    /// The master key file to use.
    pub fn master_key_file(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("trust-console.db").display()
            )
        })
    }
}

/// `export` options.
#[derive(Clone, Debug, Args)]
pub struct ExportArgs {
    /// The deployment to export.
    #[arg(long, default_value = "default")]
    pub deployment: String,
    /// Directory to write the files into (created when missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Export even though Elasticsearch would refuse to start with the configuration.
    #[arg(long)]
    pub draft: bool,
    /// Write secret values too (secure-settings.yml, the keystore JSON, signing keys).
    #[arg(long)]
    pub include_secrets: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `import` options.
#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// The deployment to import into.
    #[arg(long, default_value = "default")]
    pub deployment: String,
    /// The `elasticsearch.yml`. Files it names (`pkc_jwkset_path`, signing certificates and
    /// keys) are read from its folder when present; never from outside it unless
    /// --allow-outside.
    #[arg(long)]
    pub config: PathBuf,
    /// Keystore values as flat YAML (`key: value`).
    #[arg(long)]
    pub secure_settings: Option<PathBuf>,
    /// `GET /_security/role_mapping` output.
    #[arg(long)]
    pub role_mappings: Option<PathBuf>,
    /// `GET /_security/role` output.
    #[arg(long)]
    pub roles: Option<PathBuf>,
    /// Only show what would change.
    #[arg(long)]
    pub dry_run: bool,
    /// Also read files the yml names outside its own folder (absolute paths, `../`).
    #[arg(long)]
    pub allow_outside: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `db` commands.
#[derive(Clone, Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

/// What `db` does.
#[derive(Clone, Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Copy every row of a console database into a new, empty one — SQLite to PostgreSQL when
    /// the console moves to the shared store (exit 0 copied, 2 refused or failed; nothing is
    /// written then). Secrets stay sealed: run the target's instances with the same master key.
    /// Sessions are not copied.
    Copy(CopyArgs),
}

/// `db copy` options.
#[derive(Clone, Debug, Args)]
pub struct CopyArgs {
    /// The database to copy (`sqlite://path` or `postgres://…`); migrated first.
    #[arg(long)]
    pub from: String,
    /// The new database to copy into (`postgres://…` or `sqlite://path`); it must hold no
    /// console account yet.
    #[arg(long)]
    pub to: String,
}

/// Runs `db …`.
pub fn db_command(args: &DbArgs) -> ExitCode {
    match &args.command {
        DbCommand::Copy(copy) => block_on(async { reported(db_copy(copy).await) }),
    }
}

/// Prints a command's JSON report (exit 0), or its error (exit 2).
fn reported(outcome: Result<Value, String>) -> ExitCode {
    match outcome {
        Ok(report) => {
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(message) => usage_error(&message),
    }
}

async fn db_copy(args: &CopyArgs) -> Result<Value, String> {
    // A missing SQLite source would be created empty; say so instead.
    if let Some(path) = crate::serve::sqlite_path(&args.from)
        && !path.is_file()
    {
        return Err(format!(
            "no console database at [{}] (--from)",
            path.display()
        ));
    }
    let from = db::Pool::open(&args.from)
        .await
        .map_err(|e| format!("--from: {e}"))?;
    let to = db::Pool::open(&args.to)
        .await
        .map_err(|e| format!("--to: {e}"))?;
    let copied = db::copy::copy(&from, &to)
        .await
        .map_err(|e| e.to_string())?;
    from.close().await;
    to.close().await;
    Ok(json!({
        "copied": copied.into_iter().collect::<BTreeMap<_, _>>(),
        "from": db::redact_url(&args.from),
        "to": db::redact_url(&args.to),
        "note": "start the new instances with the same master key as the old console (sessions were not copied: everyone logs in again)",
    }))
}

fn usage_error(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(2)
}

fn failed(error: &ApiError) -> ExitCode {
    let code = match error {
        ApiError::Invalid { .. } | ApiError::Conflict { .. } => 1,
        _ => 2,
    };
    let _ = writeln!(std::io::stderr(), "error: {error}");
    ExitCode::from(code)
}

fn block_on(future: impl Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => usage_error(&format!("cannot start the async runtime: {error}")),
    }
}

/// The database (migrated), with its master key loaded.
async fn open_keyed(args: &DatabaseArgs) -> Result<(db::Pool, crypto::Sealer), String> {
    if args.database_url.is_none() && !args.data_dir.join("trust-console.db").exists() {
        return Err(format!(
            "no console database in [{}]; pass --data-dir or --database-url as for serve",
            args.data_dir.display()
        ));
    }
    let url = args.url();
    let pool = db::Pool::open(&url).await.map_err(|e| e.to_string())?;
    pool.migrate()
        .await
        .map_err(|e| format!("cannot apply database migrations: {e}"))?;
    let key_file = args.master_key_file();
    let sealer = crypto::load(&pool, &crypto::KeySource::from_env(&key_file))
        .await
        .map_err(|e| e.to_string())?;
    Ok((pool, sealer))
}

/// The database (migrated, keyed) and the deployment the command works on.
async fn open(
    args: &DatabaseArgs,
    deployment: &str,
) -> Result<(db::Pool, deployments::Scope), String> {
    let (pool, _) = open_keyed(args).await?;
    let scope = deployments::resolve(&pool, Some(deployment), None)
        .await
        .map_err(|e| e.to_string())?;
    Ok((pool, scope))
}

/// Runs `export`.
pub fn export(args: &ExportArgs) -> ExitCode {
    block_on(async {
        let (pool, scope) = match open(&args.database, &args.deployment).await {
            Ok(opened) => opened,
            Err(message) => return usage_error(&message),
        };
        let secrets = if args.include_secrets {
            Secrets::Revealed
        } else {
            Secrets::Masked
        };
        let files = match export::export_files(&pool, &scope, ACTOR, secrets, args.draft).await {
            Ok(files) => files,
            Err(error) => return failed(&error),
        };
        let mut written = Vec::new();
        for (path, content) in &files {
            // Every name is checked again here: nothing may be written outside --out.
            if let Err(message) = safe_export_path(path) {
                return usage_error(&message);
            }
            let target = args.out.join(path);
            if let Some(parent) = target.parent()
                && let Err(e) = std::fs::create_dir_all(parent)
            {
                return usage_error(&format!("cannot create [{}]: {e}", parent.display()));
            }
            if let Err(e) = std::fs::write(&target, content) {
                return usage_error(&format!("cannot write [{}]: {e}", target.display()));
            }
            written.push(path.clone());
        }
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&json!({"deployment": scope.name, "files": written}))
                .unwrap_or_default()
        );
        ExitCode::SUCCESS
    })
}

/// An export entry is `<artifact>` or `config/<support file>` (see
/// `trust_core::export::check_support_path`); nothing else is written.
fn safe_export_path(path: &str) -> Result<(), String> {
    let checked = match path.strip_prefix("config/") {
        Some(support) => trust_core::export::check_support_path(support),
        None if path.contains('/') => Err(format!("[{path}] is not a plain file name")),
        None => trust_core::export::check_support_path(path),
    };
    checked.map_err(|reason| format!("refusing to write export file {reason}"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read [{}]: {e}", path.display()))
}

/// The files the yml names by path, read from its directory when present.
///
/// Only files inside that directory are read (after following links) unless `allow_outside`:
/// a yml handed over by someone else must not make the CLI read `/etc/…` or `../../…` into
/// the console. A file left out is reported, and the import then says it is missing.
fn named_files(yml: &str, dir: &Path, allow_outside: bool) -> BTreeMap<String, String> {
    let Ok(settings) = trust_core::config::typed_settings(yml) else {
        return BTreeMap::new();
    };
    let root = dir.canonicalize().ok();
    settings
        .iter()
        .filter(|(key, _)| {
            key.ends_with(".pkc_jwkset_path")
                || key.ends_with(".signing.certificate")
                || key.ends_with(".signing.key")
        })
        .filter_map(|(_, value)| value.as_str())
        .filter(|path| !path.starts_with("http://") && !path.starts_with("https://"))
        .filter_map(|path| {
            let target = dir.join(path).canonicalize().ok()?;
            let inside = root.as_ref().is_some_and(|root| target.starts_with(root));
            if !inside && !allow_outside {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: not reading [{path}]: it is outside the yml's folder (pass --allow-outside to read it)"
                );
                return None;
            }
            let content = std::fs::read_to_string(target).ok()?;
            Some((path.to_owned(), content))
        })
        .collect()
}

/// Runs `import`.
pub fn import(args: &ImportArgs) -> ExitCode {
    let input = match read_input(args) {
        Ok(input) => input,
        Err(message) => return usage_error(&message),
    };
    block_on(async {
        let (pool, scope) = match open(&args.database, &args.deployment).await {
            Ok(opened) => opened,
            Err(message) => return usage_error(&message),
        };
        match export::import(&pool, &scope, ACTOR, &input, !args.dry_run).await {
            Ok(preview) => {
                let value: Value = serde_json::to_value(&preview).unwrap_or_default();
                let _ = writeln!(
                    std::io::stdout(),
                    "{}",
                    serde_json::to_string_pretty(&value).unwrap_or_default()
                );
                if preview.problems.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    for problem in &preview.problems {
                        let _ = writeln!(std::io::stderr(), "error: {problem}");
                    }
                    ExitCode::from(1)
                }
            }
            Err(error) => failed(&error),
        }
    })
}

fn read_input(args: &ImportArgs) -> Result<ImportInput, String> {
    let yml = read(&args.config)?;
    let dir = args.config.parent().unwrap_or_else(|| Path::new("."));
    Ok(ImportInput {
        files: named_files(&yml, dir, args.allow_outside),
        yml,
        secure_settings: args.secure_settings.as_deref().map(read).transpose()?,
        role_mappings: args.role_mappings.as_deref().map(read).transpose()?,
        roles: args.roles.as_deref().map(read).transpose()?,
    })
}

/// `rotate-master-key` options.
#[derive(Clone, Debug, Args)]
pub struct RotateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs `rotate-master-key`: a new key seals every secret in one transaction, then replaces the
/// key file. The new key is first written beside it as `<file>.new` (0600), so an interrupted
/// rotation loses nothing: whichever key the database holds is on disk.
pub fn rotate_master_key(args: &RotateArgs) -> ExitCode {
    block_on(async { reported(rotate(&args.database).await) })
}

async fn rotate(database: &DatabaseArgs) -> Result<Value, String> {
    let (pool, old) = open_keyed(database).await?;
    let key_file = database.master_key_file();
    let text = crypto::new_key_text();
    let new = crypto::Sealer::from_text(&text, &key_file.display().to_string())
        .map_err(|e| e.to_string())?;
    let mut pending = key_file.as_os_str().to_owned();
    pending.push(".new");
    let pending = PathBuf::from(pending);
    // The database opened with the current key, so a `.new` left beside it is stale.
    let _ = std::fs::remove_file(&pending);
    crypto::write_key_file(&pending, &text).map_err(|e| e.to_string())?;
    if let Err(e) = crypto::rotate(&pool, &old, &new).await {
        let _ = std::fs::remove_file(&pending);
        return Err(e.to_string());
    }
    pool.close().await;
    std::fs::rename(&pending, &key_file).map_err(|e| {
        format!(
            "the secrets are sealed with the new key in [{}], but it could not replace [{}]: {e}",
            pending.display(),
            key_file.display()
        )
    })?;
    Ok(json!({
        "rotated": true,
        "key_file": key_file.display().to_string(),
        "note": if old.from == crypto::KEY_ENV {
            "the old key came from TRUST_CONSOLE_MASTER_KEY: set it to the new key file's content, or unset it"
        } else {
            "back up the new key file apart from the database; the old key no longer opens it"
        }
    }))
}
