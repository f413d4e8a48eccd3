//! trust-console's user interface: the app shell, routes, components and server functions.
//!
//! Built twice: with `ssr` for the server (rendering, server functions, database) and with
//! `hydrate` for the browser (WASM). Rules live in `trust-core`; this crate renders and wires.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod client;
pub mod components;
pub mod error;
pub mod forms;
pub mod nav;
pub mod pictures;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{App, shell};
