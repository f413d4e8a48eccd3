//! The trust-console server: command line, startup, HTTP routing and the JSON API.
//!
//! Owns process concerns (configuration, logging, signals, listening) and the HTTP surface.
//! Rules live in `trust-core`; persistence and authentication in `app::ssr`.

// Leptos' view types are deeply nested and are instantiated here, in the router.
#![recursion_limit = "256"]

pub mod assets;
pub mod cli;
pub mod config;
pub mod edge;
pub mod guard;
pub mod proxy;
pub mod rest;
pub mod router;
pub mod serve;
pub mod telemetry;
pub mod transfer;

use std::process::ExitCode;

use config::{Cli, Command};

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command.unwrap_or(Command::Serve(cli.serve)) {
        Command::CheckToken(args) => cli::check_token(&args),
        Command::Lint(args) => cli::lint(&args),
        Command::CheckCert(args) => cli::check_cert(&args),
        Command::Export(args) => transfer::export(&args),
        Command::Import(args) => transfer::import(&args),
        Command::RotateMasterKey(args) => transfer::rotate_master_key(&args),
        Command::Db(args) => transfer::db_command(&args),
        Command::Serve(args) => {
            telemetry::init(cli.log_format);
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    tracing::error!(%error, "cannot start the async runtime");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(serve::serve(args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
