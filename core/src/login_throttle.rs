//! Failed-login throttling: fixed windows per key, and the scheme that combines them.
//!
//! After `max_failures` failed logins inside one window, further attempts for that key are
//! refused until the window ends, whether or not the password would be right.
//!
//! [`Throttle`] combines three windows so that an attacker can neither guess quickly nor lock
//! the administrator out (OWASP ASVS 4.0.3 V2.2.1: anti-automation that also mitigates
//! account-lockout attacks, and no more than 100 failed attempts per hour on one account):
//!
//! - per (account, address): 5 failures in 15 minutes lock that pair only — the right password
//!   from another address still gets in;
//! - per address: 20 failures in 15 minutes, over all accounts (password spraying);
//! - per account, over all addresses: 100 failures in an hour. Once it is reached, only
//!   addresses that logged into the account successfully within the last 30 days may still
//!   try, so a distributed attacker cannot lock the admin out of the places they work from.
//!
//! An attempt is **reserved** before the password is verified: it counts as a failure at once,
//! under the caller's lock, and is taken back when the password turns out right. So twenty
//! parallel guesses cannot all pass the check before the first one is counted.
//!
//! Time is a parameter (seconds since the Unix epoch); nothing here reads a clock.
//!
//! **Shared between instances**: the server keeps the windows in its database, not in memory,
//! so that every instance behind a load balancer counts the same failures. One attempt reads
//! and writes only its three windows and its account's known addresses — an
//! [`AttemptState`] — so the server loads that part ([`Throttle::from_state`]), applies the
//! same rules, and writes it back ([`Throttle::state`]) inside one write transaction, which
//! gives the reservation the same atomicity the in-memory lock gave it.

use std::{collections::HashMap, net::IpAddr};

/// How many failures a window allows and how long it lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed in one window; the next attempt is refused.
    pub max_failures: u32,
    /// Window length in seconds, counted from the first failure.
    pub window_secs: u64,
}

impl ThrottlePolicy {
    /// Per (account, client address): 5 failures per 15 minutes.
    pub const PER_ACCOUNT_ADDRESS: Self = Self {
        max_failures: 5,
        window_secs: 15 * 60,
    };
    /// Per client address, over all accounts: 20 failures per 15 minutes.
    pub const PER_ADDRESS: Self = Self {
        max_failures: 20,
        window_secs: 15 * 60,
    };
    /// Per account, over all addresses: 100 failures per hour (ASVS V2.2.1's ceiling); past it
    /// only known addresses may try.
    pub const PER_ACCOUNT: Self = Self {
        max_failures: 100,
        window_secs: 60 * 60,
    };
}

/// How long a successful login makes its address known to the account, in seconds.
pub const KNOWN_ADDRESS_SECS: u64 = 30 * 24 * 60 * 60;
/// Known addresses kept per account (the oldest is forgotten first).
pub const KNOWN_ADDRESSES_PER_ACCOUNT: usize = 16;
/// Windows kept before those that have ended are swept.
const SWEEP_AT: usize = 10_000;

// An address may be shared by several people, so it gets more room than one account there.
const _: () = assert!(
    ThrottlePolicy::PER_ADDRESS.max_failures > ThrottlePolicy::PER_ACCOUNT_ADDRESS.max_failures
);

/// What a window counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, Option<IpAddr>),
    Address(Option<IpAddr>),
    Account(String),
}

impl Key {
    fn policy(&self) -> ThrottlePolicy {
        match self {
            Self::Pair(..) => ThrottlePolicy::PER_ACCOUNT_ADDRESS,
            Self::Address(_) => ThrottlePolicy::PER_ADDRESS,
            Self::Account(_) => ThrottlePolicy::PER_ACCOUNT,
        }
    }
}

impl Key {
    /// How the key is stored: its kind, the account and the address, separated by spaces
    /// (which neither a user name nor an address holds; a database text column takes them, as
    /// it would not take NUL).
    fn stored(&self) -> String {
        let address = |a: &Option<IpAddr>| a.map(|a| a.to_string()).unwrap_or_default();
        match self {
            Self::Pair(account, a) => format!("pair {account} {}", address(a)),
            Self::Address(a) => format!("address {}", address(a)),
            Self::Account(account) => format!("account {account}"),
        }
    }
}

/// A reserved attempt: counted as a failure until [`Throttle::succeeded`] or
/// [`Throttle::cancelled`] says otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an attempt stays counted as a failure unless it is settled"]
pub struct Attempt {
    account: String,
    address: Option<IpAddr>,
}

impl Attempt {
    /// The attempt for `account` (any case) from `address`, before it is reserved: what to load
    /// an [`AttemptState`] for.
    pub fn new(account: &str, address: Option<IpAddr>) -> Self {
        Self {
            account: account.to_ascii_lowercase(),
            address,
        }
    }

    /// The account, lower-cased.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The stored names of the three windows that apply (per pair, per address, per account).
    pub fn window_keys(&self) -> [String; 3] {
        Throttle::keys(self).map(|key| key.stored())
    }

    /// When each of `state`'s windows ends (its start plus its key's policy length), in
    /// [`Attempt::window_keys`] order, for sweeping ended ones.
    pub fn window_ends(&self, state: &AttemptState) -> [u64; 3] {
        let keys = Throttle::keys(self);
        std::array::from_fn(|i| {
            state.windows[i]
                .started_at
                .saturating_add(keys[i].policy().window_secs)
        })
    }
}

/// The part of a [`Throttle`] one attempt reads and writes, as a store holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttemptState {
    /// The attempt's windows in [`Attempt::window_keys`] order; a window not stored is the
    /// default (no failures).
    pub windows: [FailureWindow; 3],
    /// The account's known addresses with when each last logged in successfully.
    pub known: Vec<(Option<IpAddr>, u64)>,
}

/// The failure windows of every key, and each account's known addresses.
#[derive(Debug, Default)]
pub struct Throttle {
    windows: HashMap<Key, FailureWindow>,
    known: HashMap<String, Vec<(Option<IpAddr>, u64)>>,
}

impl Throttle {
    /// A throttle holding only `attempt`'s part, loaded from a store.
    pub fn from_state(attempt: &Attempt, state: AttemptState) -> Self {
        let mut throttle = Self::default();
        for (key, window) in Self::keys(attempt).into_iter().zip(state.windows) {
            if window != FailureWindow::default() {
                throttle.windows.insert(key, window);
            }
        }
        if !state.known.is_empty() {
            throttle.known.insert(attempt.account.clone(), state.known);
        }
        throttle
    }

    /// `attempt`'s part of this throttle, to write back to a store.
    pub fn state(&self, attempt: &Attempt) -> AttemptState {
        AttemptState {
            windows: Self::keys(attempt)
                .map(|key| self.windows.get(&key).copied().unwrap_or_default()),
            known: self
                .known
                .get(&attempt.account)
                .cloned()
                .unwrap_or_default(),
        }
    }

    fn keys(attempt: &Attempt) -> [Key; 3] {
        [
            Key::Pair(attempt.account.clone(), attempt.address),
            Key::Address(attempt.address),
            Key::Account(attempt.account.clone()),
        ]
    }

    fn is_known(&self, attempt: &Attempt, now: u64) -> bool {
        self.known.get(&attempt.account).is_some_and(|known| {
            known.iter().any(|(address, at)| {
                *address == attempt.address && now < at.saturating_add(KNOWN_ADDRESS_SECS)
            })
        })
    }

    /// Reserves one attempt for `account` from `address`: refused while a window that applies
    /// is full, otherwise counted as a failure at once.
    ///
    /// # Errors
    /// The seconds to wait (at least 1) when refused.
    pub fn reserve(
        &mut self,
        account: &str,
        address: Option<IpAddr>,
        now: u64,
    ) -> Result<Attempt, u64> {
        let attempt = Attempt::new(account, address);
        let known = self.is_known(&attempt, now);
        let wait = Self::keys(&attempt)
            .iter()
            .filter(|key| !(known && matches!(key, Key::Account(_))))
            .filter_map(|key| {
                let window = self.windows.get(key)?;
                window.check(key.policy(), now).err()
            })
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        if self.windows.len() >= SWEEP_AT {
            self.windows
                .retain(|key, window| !window.is_over(key.policy(), now));
        }
        for key in Self::keys(&attempt) {
            let policy = key.policy();
            self.windows
                .entry(key)
                .or_default()
                .record_failure(policy, now);
        }
        Ok(attempt)
    }

    /// The password was right: the reserved failure is taken back, the pair's window is
    /// cleared, and the address becomes known to the account. The address's own count is not
    /// cleared (an attacker with one valid account must not reset it).
    pub fn succeeded(&mut self, attempt: Attempt, now: u64) {
        self.undo(&attempt);
        self.windows
            .remove(&Key::Pair(attempt.account.clone(), attempt.address));
        let known = self.known.entry(attempt.account).or_default();
        known.retain(|(address, at)| {
            *address != attempt.address && now < at.saturating_add(KNOWN_ADDRESS_SECS)
        });
        if known.len() >= KNOWN_ADDRESSES_PER_ACCOUNT {
            known.remove(0);
        }
        known.push((attempt.address, now));
    }

    /// No password was checked after all (the server was busy): the attempt is taken back.
    pub fn cancelled(&mut self, attempt: Attempt) {
        self.undo(&attempt);
    }

    fn undo(&mut self, attempt: &Attempt) {
        for key in Self::keys(attempt) {
            if let Some(window) = self.windows.get_mut(&key) {
                window.failures = window.failures.saturating_sub(1);
            }
        }
    }
}

/// The failures recorded for one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailureWindow {
    started_at: u64,
    failures: u32,
}

impl FailureWindow {
    /// A window as a store holds it.
    pub fn new(started_at: u64, failures: u32) -> Self {
        Self {
            started_at,
            failures,
        }
    }

    /// When its first failure was.
    pub fn started_at(&self) -> u64 {
        self.started_at
    }

    /// How many failures it holds.
    pub fn failures(&self) -> u32 {
        self.failures
    }

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

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn one_address_is_locked_out_of_one_account_only() {
        let mut throttle = Throttle::default();
        for _ in 0..5 {
            let _failed = throttle.reserve("admin", ip(1), 100).unwrap();
        }
        assert_eq!(throttle.reserve("Admin", ip(1), 101), Err(899));
        // The right password from elsewhere still gets in.
        let other = throttle.reserve("admin", ip(2), 101).unwrap();
        throttle.succeeded(other, 101);
        // The attacker's address may still try other accounts, up to its own limit.
        for n in 0..15 {
            let _failed = throttle.reserve(&format!("user{n}"), ip(1), 102).unwrap();
        }
        assert!(throttle.reserve("third", ip(1), 102).is_err());
        assert_eq!(
            throttle.reserve("admin", ip(1), 100 + 15 * 60).map(|_| ()),
            Ok(())
        );
    }

    /// A store of [`AttemptState`]s as the server keeps them: windows by stored key, known
    /// addresses by account.
    #[derive(Default)]
    struct Store {
        windows: HashMap<String, FailureWindow>,
        known: HashMap<String, Vec<(Option<IpAddr>, u64)>>,
    }

    impl Store {
        fn load(&self, attempt: &Attempt) -> Throttle {
            let state = AttemptState {
                windows: attempt
                    .window_keys()
                    .map(|key| self.windows.get(&key).copied().unwrap_or_default()),
                known: self
                    .known
                    .get(attempt.account())
                    .cloned()
                    .unwrap_or_default(),
            };
            Throttle::from_state(attempt, state)
        }

        fn save(&mut self, attempt: &Attempt, throttle: &Throttle) {
            let state = throttle.state(attempt);
            for (key, window) in attempt.window_keys().into_iter().zip(state.windows) {
                self.windows.insert(key, window);
            }
            self.known.insert(attempt.account().to_owned(), state.known);
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_throttle_kept_in_a_store_decides_as_one_kept_in_memory() {
        let mut memory = Throttle::default();
        let mut store = Store::default();
        // Accounts, addresses, outcomes and times chosen to cross every window and the known
        // address exemption: a deterministic walk through 600 attempts.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut now = 0;
        let mut refused = 0;
        for step in 0..600 {
            let roll = next();
            let account = ["admin", "Admin", "bob"][(roll % 3) as usize];
            let address = ip((roll >> 8) as u8 % 4);
            now += (roll >> 16) % 40;
            let outcome = (roll >> 24) % 4; // 0: right, 1: cancelled, else: wrong
            let in_memory = memory.reserve(account, address, now);
            let key = Attempt::new(account, address);
            let mut loaded = store.load(&key);
            let stored = loaded.reserve(account, address, now);
            assert_eq!(in_memory, stored, "step {step}");
            refused += usize::from(stored.is_err());
            if let (Ok(a), Ok(b)) = (in_memory, stored) {
                match outcome {
                    0 => {
                        memory.succeeded(a, now);
                        loaded.succeeded(b, now);
                    }
                    1 => {
                        memory.cancelled(a);
                        loaded.cancelled(b);
                    }
                    _ => {}
                }
            }
            store.save(&key, &loaded);
        }
        assert!(
            (10..550).contains(&refused),
            "the walk crossed the limits: {refused} refused"
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn stored_windows_end_by_their_keys_policy() {
        let attempt = Attempt::new("Admin", ip(1));
        let state = AttemptState {
            windows: [FailureWindow::new(100, 1); 3],
            known: Vec::new(),
        };
        assert_eq!(
            attempt.window_ends(&state),
            [100 + 15 * 60, 100 + 15 * 60, 100 + 60 * 60]
        );
        assert_eq!(
            attempt.window_keys(),
            ["pair admin 10.0.0.1", "address 10.0.0.1", "account admin"]
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reservations_count_before_the_password_is_checked() {
        let mut throttle = Throttle::default();
        // Five reserved at once, none settled yet: the sixth is refused.
        let pending: Vec<_> = (0..5)
            .map(|_| throttle.reserve("admin", ip(1), 0).unwrap())
            .collect();
        assert!(throttle.reserve("admin", ip(1), 0).is_err());
        // One turns out right, one is cancelled: two attempts are free again.
        let mut pending = pending.into_iter();
        throttle.succeeded(pending.next().unwrap(), 0);
        throttle.cancelled(pending.next().unwrap());
        assert!(throttle.reserve("admin", ip(1), 0).is_ok());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_distributed_attack_cannot_lock_out_known_addresses() {
        let mut throttle = Throttle::default();
        let office = throttle.reserve("admin", ip(200), 0).unwrap();
        throttle.succeeded(office, 0);
        // 100 failures from 25 addresses, four each (under every per-address limit).
        for n in 0..100_u8 {
            let _failed = throttle.reserve("admin", ip(n / 4), 10).unwrap();
        }
        // The account's hourly ceiling now stops new addresses ...
        assert_eq!(throttle.reserve("admin", ip(150), 20), Err(3590));
        // ... but not the address the admin logged in from.
        let office = throttle.reserve("admin", ip(200), 20).unwrap();
        throttle.succeeded(office, 20);
        // Known addresses are forgotten after 30 days.
        assert!(throttle.reserve("admin", ip(150), 3_610).is_ok());
        let mut fresh = Throttle::default();
        let office = fresh.reserve("admin", ip(200), 0).unwrap();
        fresh.succeeded(office, 0);
        assert!(!fresh.is_known(
            &Attempt {
                account: "admin".to_owned(),
                address: ip(200)
            },
            KNOWN_ADDRESS_SECS
        ));
    }
}
