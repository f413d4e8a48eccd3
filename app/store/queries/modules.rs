// The shared query modules, declared once for both backend crates: `trust-store-sqlite` and
// `trust-store-postgres` each `include!` this file (paths are relative to this folder), and so
// compile the same source against their own database.

#[path = "audit.rs"]
pub mod audit;
#[path = "deployments.rs"]
pub mod deployments;
#[path = "documents.rs"]
pub mod documents;
#[path = "exports.rs"]
pub mod exports;
#[path = "keys.rs"]
pub mod keys;
#[path = "sessions.rs"]
pub mod sessions;
#[path = "test_keys.rs"]
pub mod test_keys;
#[path = "throttle.rs"]
pub mod throttle;
#[path = "users.rs"]
pub mod users;
#[path = "versions.rs"]
pub mod versions;
