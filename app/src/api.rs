//! Server functions and the data they exchange with the browser. One file per function.
//!
//! Each server function is thin: authorize, turn input into `trust-core` types, call a
//! service in `crate::ssr`, map the result to a DTO.

pub mod account;
pub mod audit;
pub mod dashboard;
pub mod deployments;
pub mod export;
pub mod history;
pub mod playground;
pub mod security;
pub mod session;
