//! Pages, one per route.

pub mod account;
pub mod audit_log;
pub mod login;
pub mod not_found;
pub mod overview;
pub mod section_page;
