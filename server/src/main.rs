//! `trust-console`: the console server and its command line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = server::config::Cli::parse();
    server::run(cli)
}
