//! `trust-console serve`: open the database, migrate, make sure an admin exists, listen.

use std::{net::SocketAddr, path::PathBuf, time::Instant};

use app::ssr::{
    AppState,
    auth::{self, AdminPassword, BootstrapError},
    db,
    jwks_fetch::JwksFetcher,
};
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;
use tower_sessions_sqlx_store::SqliteStore;

use crate::{assets, config::ServeArgs, router};

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
    /// The database could not be opened.
    #[error("cannot open the database {url}: {source}")]
    Database {
        /// The URL (SQLite URLs carry no password).
        url: String,
        /// The cause.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The first admin account could not be created.
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    /// The session table could not be created.
    #[error("cannot set up the session store: {0}")]
    Sessions(sqlx::Error),
    /// The address is taken or not ours.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
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
    if args.database_url.is_none() {
        std::fs::create_dir_all(&args.data_dir).map_err(|source| ServeError::DataDir {
            path: args.data_dir.clone(),
            source,
        })?;
    }
    let url = args.database_url();
    let pool = db::open(&url)
        .await
        .map_err(|source| ServeError::Database {
            url: url.clone(),
            source,
        })?;
    db::MIGRATOR.run(&pool).await?;

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

    let store = SqliteStore::new(pool.clone());
    store.migrate().await.map_err(ServeError::Sessions)?;
    let sweeper = tokio::spawn(
        tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
            store.clone(),
            tokio::time::Duration::from_secs(3600),
        ),
    );

    let site_root = assets::site_root(args.site_root.clone());
    let options = LeptosOptions::builder()
        .output_name("trust_console")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(args.address)
        .build();
    let extra_ca = match &args.jwks_ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|source| ServeError::JwksCa {
            path: path.clone(),
            reason: source.to_string(),
        })?),
        None => None,
    };
    let jwks = JwksFetcher::new(extra_ca.as_deref()).map_err(|e| ServeError::JwksCa {
        path: args.jwks_ca_file.clone().unwrap_or_default(),
        reason: e.to_string(),
    })?;
    let app = router::build(
        AppState::new(pool.clone(), options, jwks),
        store,
        args.secure_cookies,
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
        database = %url,
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
