//! Logging in and out, and who is logged in.

pub mod current_session;
pub mod login;
pub mod logout;
pub mod logout_everywhere;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use current_session::{CurrentSession, current_session};
pub use login::{Login, login};
pub use logout::{Logout, logout};
pub use logout_everywhere::{LogoutEverywhere, logout_everywhere};

/// The logged-in user as the browser sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// User name.
    pub username: String,
    /// The CSRF token to send in `x-csrf-token` on state-changing requests.
    pub csrf_token: String,
    /// The password was generated at first start and must be changed before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

/// Credentials typed at the login form.
#[derive(Clone, Serialize, Deserialize)]
pub struct LoginInput {
    /// User name.
    pub username: String,
    /// Password (never logged: `Debug` hides it).
    pub password: String,
}

impl fmt::Debug for LoginInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginInput")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}
