//! `trust-console`: the console server and its command line.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: per-thread free lists for the many small, short-lived
/// allocations of request handling (measured in the README's load table).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = server::config::Cli::parse();
    server::run(cli)
}
