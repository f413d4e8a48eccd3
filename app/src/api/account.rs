//! The logged-in user's own account.

pub mod change_password;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use change_password::{ChangePassword, change_password};

/// A password change request.
#[derive(Clone, Serialize, Deserialize)]
pub struct ChangePasswordInput {
    /// The password in use now.
    pub current_password: String,
    /// The new password (policy: `trust_core::account::NewPassword`).
    pub new_password: String,
}

impl fmt::Debug for ChangePasswordInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangePasswordInput")
            .finish_non_exhaustive()
    }
}
