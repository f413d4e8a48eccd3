//! Failed-login throttling: a fixed window per key (an account or a client address).
//!
//! After `max_failures` failed logins inside one window, further attempts for that key are
//! refused until the window ends, whether or not the password would be right. A success
//! does not clear an address's window (an attacker with one valid account must not reset
//! their counter), but the caller clears the account's own window on success.
//! Time is a parameter (seconds since the Unix epoch); nothing here reads a clock.

/// How many failures a window allows and how long it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed in one window; the next attempt is refused.
    pub max_failures: u32,
    /// Window length in seconds, counted from the first failure.
    pub window_secs: u64,
}

impl ThrottlePolicy {
    /// Per account: 5 failures per 15 minutes.
    pub const PER_ACCOUNT: Self = Self {
        max_failures: 5,
        window_secs: 15 * 60,
    };
    /// Per client address: 20 failures per 15 minutes.
    pub const PER_ADDRESS: Self = Self {
        max_failures: 20,
        window_secs: 15 * 60,
    };
}

// An address may be shared by several people, so it gets more room than one account.
const _: () =
    assert!(ThrottlePolicy::PER_ADDRESS.max_failures > ThrottlePolicy::PER_ACCOUNT.max_failures);

/// The failures recorded for one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailureWindow {
    started_at: u64,
    failures: u32,
}

impl FailureWindow {
    /// `Err(seconds to wait)` when this key may not attempt a login at `now`.
    ///
    /// # Errors
    /// The number of seconds until the window ends (at least 1).
    pub fn check(&self, policy: ThrottlePolicy, now: u64) -> Result<(), u64> {
        let ends_at = self.started_at.saturating_add(policy.window_secs);
        if self.failures >= policy.max_failures && now < ends_at {
            Err((ends_at - now).max(1))
        } else {
            Ok(())
        }
    }

    /// Records one failure at `now`, starting a new window when the old one has ended.
    pub fn record_failure(&mut self, policy: ThrottlePolicy, now: u64) {
        if self.failures == 0 || self.is_over(policy, now) {
            *self = Self {
                started_at: now,
                failures: 1,
            };
        } else {
            self.failures = self.failures.saturating_add(1);
        }
    }

    /// Whether the window has ended at `now` (and so can be forgotten).
    pub fn is_over(&self, policy: ThrottlePolicy, now: u64) -> bool {
        now >= self.started_at.saturating_add(policy.window_secs)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const POLICY: ThrottlePolicy = ThrottlePolicy {
        max_failures: 3,
        window_secs: 60,
    };

    #[wasm_bindgen_test(unsupported = test)]
    fn locks_after_max_failures_until_window_ends() {
        let mut window = FailureWindow::default();
        for t in [100, 110, 120] {
            assert_eq!(window.check(POLICY, t), Ok(()));
            window.record_failure(POLICY, t);
        }
        assert_eq!(window.check(POLICY, 121), Err(39));
        assert_eq!(window.check(POLICY, 159), Err(1));
        assert_eq!(window.check(POLICY, 160), Ok(()));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_new_window_starts_after_the_old_one() {
        let mut window = FailureWindow::default();
        window.record_failure(POLICY, 0);
        window.record_failure(POLICY, 10);
        window.record_failure(POLICY, 70); // first window ended at 60
        assert_eq!(
            window,
            FailureWindow {
                started_at: 70,
                failures: 1
            }
        );
        assert!(!window.is_over(POLICY, 129));
        assert!(window.is_over(POLICY, 130));
    }
}
