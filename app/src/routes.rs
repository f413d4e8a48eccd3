//! Pages, one per route.

pub mod account;
pub mod audit_log;
pub mod certificates;
pub mod deployments;
pub mod environments;
pub mod export;
pub mod login;
pub mod not_found;
pub mod overview;
pub mod playground;
pub mod realm_editor;
pub mod realms;
pub mod remote_clusters;
pub mod role_mapping_editor;
pub mod role_mappings;
pub mod roles_users;
