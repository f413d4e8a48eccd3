//! Elasticsearch trust rules as plain types and functions.
//!
//! This crate is the validation core shared by the server and the WASM client. It must stay
//! pure: no I/O, no ambient clock or randomness, and no dependency on leptos, axum, sqlx or
//! tokio, so that it builds unchanged for `wasm32-unknown-unknown`.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod account;
pub mod audit;
pub mod cert;
pub mod config;
pub mod cross_cluster;
pub mod directory;
pub mod dn;
pub mod export;
pub mod fuzzing;
pub mod jwt;
pub mod limits;
pub mod login_throttle;
pub mod net;
pub mod paging;
pub mod patterns;
pub mod playground;
pub mod resource;
pub mod role_mapping;
pub mod theme;
pub mod trust;
pub mod xcontent;
