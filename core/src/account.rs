//! Console accounts: which user names and passwords the console accepts.
//!
//! These are the console's own login accounts, not Elasticsearch users.

use std::{fmt, str::FromStr};

use thiserror::Error;

/// Longest accepted user name, in characters.
pub const USERNAME_MAX_CHARS: usize = 64;
/// Shortest password accepted when a password is set or changed.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password accepted; bounds the work done by the password hash.
pub const PASSWORD_MAX_CHARS: usize = 1024;

/// Why a user name was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UsernameError {
    /// The name is empty (or only white space).
    #[error("user name must not be empty")]
    Empty,
    /// The name is longer than [`USERNAME_MAX_CHARS`].
    #[error("user name is {len} characters long; at most {max} are allowed")]
    TooLong {
        /// Length of the refused name, in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The name contains a character outside the allowed set.
    #[error(
        "user name contains {found:?}; only letters, digits, '_', '-', '.' and '@' are allowed"
    )]
    InvalidCharacter {
        /// The first refused character.
        found: char,
    },
}

/// A console user name: 1–64 characters from ASCII letters, digits, `_`, `-`, `.` and `@`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Username(String);

impl Username {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = UsernameError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let name = input.trim();
        if name.is_empty() {
            return Err(UsernameError::Empty);
        }
        let len = name.chars().count();
        if len > USERNAME_MAX_CHARS {
            return Err(UsernameError::TooLong {
                len,
                max: USERNAME_MAX_CHARS,
            });
        }
        if let Some(found) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
        {
            return Err(UsernameError::InvalidCharacter { found });
        }
        Ok(Self(name.to_owned()))
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a new password was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// Shorter than [`PASSWORD_MIN_CHARS`].
    #[error("password has {len} characters; at least {min} are required")]
    TooShort {
        /// Length of the refused password, in characters.
        len: usize,
        /// The limit.
        min: usize,
    },
    /// Longer than [`PASSWORD_MAX_CHARS`].
    #[error("password has {len} characters; at most {max} are allowed")]
    TooLong {
        /// Length of the refused password, in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The password is the user name (ignoring case).
    #[error("password must not be the user name")]
    SameAsUsername,
}

/// A password that meets the console's policy for newly set passwords.
///
/// Deliberately has no `Debug`, `Display` or `Serialize`: the value must not reach logs or the
/// wire. Passwords typed at login are not checked against the policy (an account created with
/// an older policy must still be able to log in).
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `input` against the policy for the account `username`.
    ///
    /// # Errors
    /// Returns the first rule the password breaks.
    pub fn parse(input: &str, username: &Username) -> Result<Self, PasswordError> {
        let len = input.chars().count();
        if len < PASSWORD_MIN_CHARS {
            return Err(PasswordError::TooShort {
                len,
                min: PASSWORD_MIN_CHARS,
            });
        }
        if len > PASSWORD_MAX_CHARS {
            return Err(PasswordError::TooLong {
                len,
                max: PASSWORD_MAX_CHARS,
            });
        }
        if input.eq_ignore_ascii_case(username.as_str()) {
            return Err(PasswordError::SameAsUsername);
        }
        Ok(Self(input.to_owned()))
    }

    /// The password text, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn accepts_plain_names_and_trims() {
        assert_eq!("admin".parse::<Username>().unwrap().as_str(), "admin");
        assert_eq!(
            " ops.team@example ".parse::<Username>().unwrap().as_str(),
            "ops.team@example"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refuses_empty_long_and_odd_names() {
        assert_eq!("  ".parse::<Username>(), Err(UsernameError::Empty));
        let long = "a".repeat(65);
        assert_eq!(
            long.parse::<Username>(),
            Err(UsernameError::TooLong { len: 65, max: 64 })
        );
        assert_eq!(
            "bob smith".parse::<Username>(),
            Err(UsernameError::InvalidCharacter { found: ' ' })
        );
        assert_eq!(
            "<script>".parse::<Username>(),
            Err(UsernameError::InvalidCharacter { found: '<' })
        );
        assert_eq!(
            "jörg".parse::<Username>(),
            Err(UsernameError::InvalidCharacter { found: 'ö' })
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn password_policy() {
        let admin: Username = "admin".parse().unwrap();
        assert!(matches!(
            NewPassword::parse("short", &admin),
            Err(PasswordError::TooShort { len: 5, min: 12 })
        ));
        assert!(matches!(
            NewPassword::parse(&"x".repeat(1025), &admin),
            Err(PasswordError::TooLong {
                len: 1025,
                max: 1024
            })
        ));
        let long_name: Username = "administrator".parse().unwrap();
        assert!(matches!(
            NewPassword::parse("ADMINISTRATOR", &long_name),
            Err(PasswordError::SameAsUsername)
        ));
        assert_eq!(
            NewPassword::parse("correct horse", &admin)
                .unwrap()
                .expose(),
            "correct horse"
        );
    }
}

/// Where to go after logging in: `next` when it is a path on this console, `/` otherwise.
///
/// Only a single leading `/` followed by a non-`/`, non-`\` character is accepted, so
/// `//evil.example`, `/\evil.example` and absolute URLs cannot turn the login page into an
/// open redirect.
pub fn login_redirect_target(next: &str) -> &str {
    let mut chars = next.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.chars().any(char::is_control);
    if local { next } else { "/" }
}

#[cfg(test)]
mod redirect_tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::login_redirect_target;

    #[wasm_bindgen_test(unsupported = test)]
    fn only_local_paths() {
        assert_eq!(login_redirect_target("/audit?before=3"), "/audit?before=3");
        assert_eq!(login_redirect_target("/"), "/");
        for bad in [
            "",
            "audit",
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "/a\nb",
        ] {
            assert_eq!(login_redirect_target(bad), "/", "{bad:?}");
        }
    }
}

/// The login page's address that returns to `next` (a path and query on this console) after
/// logging in. `next` is percent-encoded so it survives as one query parameter.
pub fn login_url(next: &str) -> String {
    let mut url = String::from("/login");
    if login_redirect_target(next) == "/" {
        return url;
    }
    url.push_str("?next=");
    for byte in next.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod login_url_tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::login_url;

    #[wasm_bindgen_test(unsupported = test)]
    fn encodes_next() {
        assert_eq!(login_url("/"), "/login");
        assert_eq!(login_url("/realms"), "/login?next=/realms");
        assert_eq!(
            login_url("/audit?before=5&limit=2"),
            "/login?next=/audit%3Fbefore%3D5%26limit%3D2"
        );
        assert_eq!(login_url("//evil.example"), "/login");
        assert_eq!(login_url("/ü"), "/login?next=/%C3%BC");
    }
}
