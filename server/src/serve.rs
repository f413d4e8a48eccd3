//! `trust-console serve`: open the database, migrate, make sure an admin exists, listen.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Instant,
};

use app::ssr::{
    AppState,
    auth::{self, AdminPassword, BootstrapError, SessionLimits},
    crypto, db,
    jwks_fetch::JwksFetcher,
    session_store::DbSessions,
};
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;

use crate::{assets, config::ServeArgs, edge::EdgePolicy, proxy::TrustedProxies, router};

/// Why the server could not start or stopped with an error. Each message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database could not be opened (the message names the URL, password redacted).
    #[error(transparent)]
    Database(#[from] db::OpenError),
    /// A migration failed.
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The master key is missing, wrong or unusable.
    #[error(transparent)]
    MasterKey(#[from] crypto::KeyError),
    /// The first admin account could not be created.
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    /// The address is taken or not ours.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// A `--trusted-proxy` value is not an address or range.
    #[error("invalid --trusted-proxy: {0}")]
    TrustedProxy(String),
    /// The JWK set CA file cannot be read or used.
    #[error("cannot use the JWK set CA file {path}: {reason}", path = path.display())]
    JwksCa {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The server failed while running.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Runs the server until SIGTERM or Ctrl-C.
///
/// # Errors
/// [`ServeError`] naming the step that failed.
pub async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    let started = Instant::now();
    // The data directory holds the master key file (and, on SQLite, the database): private
    // whichever database the console uses.
    private_dir(&args.data_dir).map_err(|source| ServeError::DataDir {
        path: args.data_dir.clone(),
        source,
    })?;
    let url = args.database_url();
    // Instances started together on one SQLite database take turns preparing it (file,
    // migrations, master key, first admin) instead of racing: without this, one of two
    // instances started at once on an empty data directory failed ("table users already
    // exists", a unique violation on the admin, or a locked database), and two could each
    // write a different master key file.
    let mut start_lock = None;
    if let Some(path) = sqlite_path(&url) {
        start_lock = Some(
            StartLock::take(&path)
                .await
                .map_err(|source| ServeError::DataDir {
                    path: path.clone(),
                    source,
                })?,
        );
        private_files(&path).map_err(|source| ServeError::DataDir {
            path: path.clone(),
            source,
        })?;
    }
    // Instances on one PostgreSQL database take the same turns under an advisory lock.
    let pg_lock = match db::Backend::of_url(&url) {
        Some(db::Backend::Postgres) => Some(db::PgStartLock::take(&url).await?),
        _ => None,
    };
    let pool = db::Pool::open(&url).await?;
    pool.migrate().await?;
    let key_file = args.master_key_file();
    crypto::load(&pool, &crypto::KeySource::from_env(&key_file)).await?;

    let env_password = std::env::var("TRUST_CONSOLE_ADMIN_PASSWORD").ok();
    match auth::ensure_admin(&pool, env_password).await? {
        Some(AdminPassword::Generated(password)) => tracing::warn!(
            "created the console account \"admin\" with the generated password {password} \
             (shown only this once; change it under the user menu > Change password)"
        ),
        Some(AdminPassword::Provided) => tracing::info!(
            "created the console account \"admin\" with the password from TRUST_CONSOLE_ADMIN_PASSWORD"
        ),
        None => {}
    }
    drop(start_lock);
    if let Some(lock) = pg_lock {
        lock.release().await;
    }

    // The `sessions` table comes with the migrations (run above).
    let store = DbSessions::new(pool.clone());
    let sweeper = tokio::spawn(sweep_expired(store.clone(), pool.clone()));

    let site_root = assets::site_root(args.site_root.clone());
    let options = LeptosOptions::builder()
        .output_name("trust_console")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir(assets::pkg_dir())
        .site_addr(args.address)
        .build();
    let chunk_preloads = assets::chunk_preloads(&options);
    let extra_ca = match &args.jwks_ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|source| ServeError::JwksCa {
            path: path.clone(),
            reason: source.to_string(),
        })?),
        None => None,
    };
    let jwks = JwksFetcher::new(extra_ca.as_deref(), args.jwks_allow_private).map_err(|e| {
        ServeError::JwksCa {
            path: args.jwks_ca_file.clone().unwrap_or_default(),
            reason: e.to_string(),
        }
    })?;
    let trusted_proxies =
        TrustedProxies::parse(&args.trusted_proxies).map_err(ServeError::TrustedProxy)?;
    let allowed_hosts = if args.allowed_hosts.is_empty() {
        EdgePolicy::default_hosts(args.address)
    } else {
        Some(
            args.allowed_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        )
    };
    match &allowed_hosts {
        Some(hosts) => tracing::info!(hosts = %hosts.join(","), "answering these host names"),
        None => tracing::warn!(
            "listening on every interface and answering any host name; set --allowed-hosts \
             to the names the console is reached by"
        ),
    }
    let app = router::build(
        AppState::new(pool.clone(), options, jwks)
            .with_session_limits(SessionLimits {
                lifetime_secs: args.session_lifetime_secs,
                idle_secs: args.session_idle_secs,
            })
            .with_chunk_preloads(chunk_preloads),
        store,
        EdgePolicy {
            allowed_hosts,
            tls: args.secure_cookies,
            trusted_proxies,
        },
    );

    let listener = TcpListener::bind(args.address)
        .await
        .map_err(|source| ServeError::Listen {
            address: args.address,
            source,
        })?;
    let local = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!(
        address = %local,
        database = %db::redact_url(&url),
        startup_ms = started.elapsed().as_millis() as u64,
        "listening on http://{local}"
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(ServeError::Serve)?;
    sweeper.abort();
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Creates `dir` when missing and makes it readable by the console's user only (0700).
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes the SQLite file (created empty when missing) and its `-wal` / `-shm` companions
/// readable by the console's user only (0600). SQLite creates the companions with the main
/// file's mode, so a new database starts private; an older one is tightened here.
fn private_files(db: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !db.exists() {
            if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(db)?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let file = PathBuf::from(name);
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

/// The file of a `sqlite://path[?…]` URL (`None` for memory databases and other URLs).
/// An exclusive lock on `<database>.start-lock`, held while this instance prepares the database
/// (released when dropped, or when the process ends however it ends).
struct StartLock(#[allow(dead_code, reason = "held for its lock")] std::fs::File);

impl StartLock {
    /// Waits for the lock (another instance may hold it while it migrates).
    async fn take(db: &Path) -> std::io::Result<Self> {
        let mut name = db.as_os_str().to_owned();
        name.push(".start-lock");
        let path = PathBuf::from(name);
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.create(true).truncate(false).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options.open(&path)?;
            file.lock()?;
            Ok(Self(file))
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

/// The file of a `sqlite:` URL (`None` for other databases and in-memory ones).
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing open requests");
}

/// Deletes expired session rows once an hour (expired sessions never load in between).
/// Every hour: deletes expired sessions and the login throttle's ended windows.
async fn sweep_expired(store: DbSessions, pool: db::Pool) {
    use tower_sessions::session_store::ExpiredDeletion as _;
    let mut hourly = tokio::time::interval(tokio::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        if let Err(error) = store.delete_expired().await {
            tracing::warn!("could not delete expired sessions: {error}");
        }
        let now = u64::try_from(app::ssr::now_secs()).unwrap_or_default();
        if let Err(error) = db::throttle::sweep(&pool, now).await {
            tracing::warn!("could not delete ended login throttle windows: {error}");
        }
    }
}
