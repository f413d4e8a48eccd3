//! The login throttle's state in the database (`login_windows`, `login_known`), shared by
//! every instance: one attempt's part ([`AttemptState`]) is loaded and saved inside the write
//! transaction that applies `trust_core::login_throttle`'s rules to it.

use std::net::IpAddr;

use trust_core::login_throttle::{Attempt, AttemptState, FailureWindow};

use super::{Handle, Tx, dispatch, dispatch_tx};

/// `attempt`'s windows and its account's known addresses.
///
/// # Errors
/// Any database error.
pub async fn load(tx: &mut Tx, attempt: &Attempt) -> Result<AttemptState, sqlx::Error> {
    let keys = attempt.window_keys();
    let rows = dispatch!(&mut *tx, throttle::windows(&keys))?;
    let windows = keys.clone().map(|key| {
        rows.iter()
            .find(|row| row.key == key)
            .map(|row| {
                FailureWindow::new(
                    u64::try_from(row.started_at).unwrap_or_default(),
                    u32::try_from(row.failures).unwrap_or(u32::MAX),
                )
            })
            .unwrap_or_default()
    });
    let known = dispatch!(&mut *tx, throttle::known(attempt.account()))?
        .into_iter()
        .filter_map(|row| {
            let address = if row.address.is_empty() {
                None
            } else {
                Some(row.address.parse::<IpAddr>().ok()?)
            };
            Some((address, u64::try_from(row.at).unwrap_or_default()))
        })
        .collect();
    Ok(AttemptState { windows, known })
}

/// Writes `attempt`'s part back.
///
/// # Errors
/// Any database error.
pub async fn save(tx: &mut Tx, attempt: &Attempt, state: &AttemptState) -> Result<(), sqlx::Error> {
    let number = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let windows: Vec<(String, i64, i64, i64)> = attempt
        .window_keys()
        .into_iter()
        .zip(state.windows)
        .zip(attempt.window_ends(state))
        .map(|((key, window), ends_at)| {
            (
                key,
                number(window.started_at()),
                i64::from(window.failures()),
                number(ends_at),
            )
        })
        .collect();
    let known: Vec<(String, i64)> = state
        .known
        .iter()
        .map(|(address, at)| {
            (
                address.map(|a| a.to_string()).unwrap_or_default(),
                number(*at),
            )
        })
        .collect();
    dispatch_tx!(&mut *tx, throttle::save_windows(&windows))?;
    dispatch_tx!(tx, throttle::save_known(attempt.account(), &known))
}

/// Deletes the windows that ended by `now` (epoch seconds).
///
/// # Errors
/// Any database error.
pub async fn sweep(db: impl Handle<'_>, now: u64) -> Result<(), sqlx::Error> {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    dispatch!(db, throttle::sweep(now))
}
