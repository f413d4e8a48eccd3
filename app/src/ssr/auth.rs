//! Console authentication: password hashing, login and logout, the session user, CSRF tokens,
//! failed-login throttling, and the first-start admin account.
//!
//! Every state change here runs in one transaction with its audit entry.

use std::{
    net::IpAddr,
    sync::{LazyLock, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use crate::ssr::db::{self, Pool};
use argon2::{
    Argon2, PasswordHash, PasswordHasher,
    password_hash::{SaltString, rand_core::OsRng},
};
use rand::{Rng, RngCore, distributions::Alphanumeric};
use serde::{Deserialize, Serialize};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;
use tower_sessions::Session;
use trust_core::{
    account::{NewPassword, Username},
    audit::AuditAction,
    login_throttle::{Attempt, Throttle},
};

use crate::{
    error::ApiError,
    ssr::db::{
        audit::{self, NewAuditEntry},
        users,
    },
};

/// Session key under which the logged-in [`SessionUser`] is stored.
pub const SESSION_USER_KEY: &str = "user";
/// The actor recorded for changes the server makes by itself.
pub const SYSTEM_ACTOR: &str = "system";

/// Who is logged in on a session, and the CSRF token bound to that session.
///
/// Stored server-side in the session store; the browser only holds the session id cookie.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionUser {
    /// Account id.
    pub user_id: i64,
    /// User name.
    pub username: String,
    /// The token state-changing requests must echo in [`CSRF_HEADER`].
    pub csrf_token: String,
    /// When the user logged in, Unix seconds; the session ends [`SessionLimits::lifetime_secs`]
    /// later however active it is. A session from before this field reads 0: it is over.
    #[serde(default)]
    pub logged_in_at: u64,
    /// The user's session epoch at login; raising the user's epoch ends the session.
    #[serde(default)]
    pub epoch: i64,
    /// The password was generated and must be changed before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

impl From<SessionUser> for crate::api::session::SessionInfo {
    fn from(user: SessionUser) -> Self {
        Self {
            username: user.username,
            csrf_token: user.csrf_token,
            must_change_password: user.must_change_password,
        }
    }
}

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// From login, however active (absolute lifetime).
    pub lifetime_secs: u64,
    /// Without a request (idle timeout).
    pub idle_secs: u64,
}

impl Default for SessionLimits {
    /// 12 hours absolute, 30 minutes idle (OWASP ASVS 4.0.3 V3.3.2 / V3.3.1 level 2 ranges).
    fn default() -> Self {
        Self {
            lifetime_secs: 12 * 60 * 60,
            idle_secs: 30 * 60,
        }
    }
}

impl SessionLimits {
    /// How often an active session is re-saved so that its idle expiry moves on: an eighth of
    /// the idle timeout, between 1 s and 60 s.
    pub fn touch_secs(&self) -> u64 {
        (self.idle_secs / 8).clamp(1, 60)
    }
}

/// Session key of the last time the session's idle expiry was moved on.
const SEEN_KEY: &str = "seen_at";

impl SessionUser {
    /// Whether `presented` is this session's CSRF token (constant-time comparison).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        !presented.is_empty() && bool::from(self.csrf_token.as_bytes().ct_eq(presented.as_bytes()))
    }
}

/// Seconds since the Unix epoch, for throttling windows.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// 32 random bytes, hex-encoded.
fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How many passwords are hashed at once: one per core. Each Argon2id run holds 19 MiB, so
/// this bounds the memory logins can take however many arrive together.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});
/// How long a login waits for a hashing slot before it is answered 503 with `Retry-After`.
const HASHING_WAIT: Duration = Duration::from_secs(2);

/// Runs `work` (an Argon2id hash or verification) on the blocking pool once a hashing slot is
/// free.
///
/// # Errors
/// [`ApiError::Busy`] when no slot frees up within [`HASHING_WAIT`]; [`ApiError::Internal`]
/// if the task fails.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = tokio::time::timeout(HASHING_WAIT, HASHING.acquire())
        .await
        .map_err(|_| ApiError::Busy {
            retry_after_secs: 1,
        })?
        .map_err(|_| ApiError::Internal)?;
    let result = tokio::task::spawn_blocking(work).await.map_err(|error| {
        tracing::error!(%error, "password hashing task failed");
        ApiError::Internal
    });
    drop(permit);
    result
}

/// Hashes a password with Argon2id on the blocking pool (one of the bounded hashing slots).
///
/// # Errors
/// [`ApiError::Busy`] when every slot stays taken; [`ApiError::Internal`] if hashing fails
/// (it does not for valid input).
pub async fn hash_password(password: NewPassword) -> Result<String, ApiError> {
    with_hashing_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await?
    .map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        ApiError::Internal
    })
}

/// A hash of a random password, verified against when the user does not exist so that an
/// unknown user name takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(random_token().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

/// Argon2 working memory, reused across verifications: at most one buffer per hashing slot
/// ever exists. Allocating 19 MiB per login left each freed buffer in a different allocator
/// arena (100 parallel logins grew the process by about 330 MiB even with two slots).
static WORK_MEMORY: Mutex<Vec<Vec<argon2::Block>>> = Mutex::new(Vec::new());

/// Most Argon2 memory a stored hash may ask for, in KiB (the default is 19,456).
const MAX_M_COST_KIB: u32 = 256 * 1024;

/// Verifies `password` against the PHC string `hash` in pooled working memory (what
/// `PasswordVerifier::verify_password` does, without allocating), comparing in constant time.
fn verify_in_pooled_memory(hash: &str, password: &[u8]) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(parsed.algorithm),
        argon2::Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version {
        Some(version) => argon2::Version::try_from(version),
        None => Ok(argon2::Version::default()),
    };
    let (Ok(version), Some(salt), Some(expected)) = (version, parsed.salt, parsed.hash) else {
        return false;
    };
    if params.m_cost() > MAX_M_COST_KIB {
        return false;
    }
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let pool = || {
        WORK_MEMORY
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let mut blocks = pool().pop().unwrap_or_default();
    let needed = params.block_count();
    if blocks.len() < needed {
        blocks.resize(needed, argon2::Block::default());
    }
    let mut out = vec![0_u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut out,
        &mut blocks[..needed],
    );
    pool().push(blocks);
    computed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Checks `password` against a stored hash (one of the bounded hashing slots).
async fn verify_password(hash: Option<String>, password: String) -> Result<bool, ApiError> {
    with_hashing_slot(move || {
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        verify_in_pooled_memory(&hash, password.as_bytes())
    })
    .await
}

/// The login throttle ([`Throttle`]: per account and address, per address, per account with
/// known addresses exempt), kept in the database so that every instance sharing it counts the
/// same failures: each step loads the attempt's part of the throttle, applies the rules and
/// saves it back in one write transaction (writers take turns on both backends, so a
/// reservation is as atomic as it was under an in-memory lock). Ended windows are deleted by
/// the server's hourly sweep (`db::throttle::sweep`).
#[derive(Clone, Debug)]
pub struct LoginThrottle {
    pool: Pool,
}

impl LoginThrottle {
    /// The throttle whose state lives in `pool`'s database.
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    /// Runs `step` on `attempt`'s part of the throttle in one write transaction.
    async fn with_state<T>(
        &self,
        attempt: &Attempt,
        step: impl FnOnce(&mut Throttle, u64) -> T,
    ) -> Result<T, ApiError> {
        let now = unix_now();
        let mut tx = self.pool.begin_write().await?;
        let state = db::throttle::load(&mut tx, attempt).await?;
        let mut throttle = Throttle::from_state(attempt, state);
        let outcome = step(&mut throttle, now);
        db::throttle::save(&mut tx, attempt, &throttle.state(attempt)).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Reserves an attempt (counted as a failure until settled).
    ///
    /// # Errors
    /// [`ApiError::RateLimited`] when a window that applies is full; a database failure.
    async fn reserve(&self, account: &str, address: Option<IpAddr>) -> Result<Attempt, ApiError> {
        let key = Attempt::new(account, address);
        self.with_state(&key, |throttle, now| {
            throttle.reserve(account, address, now)
        })
        .await?
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })
    }

    /// The reserved attempt was a success.
    async fn succeeded(&self, attempt: Attempt) -> Result<(), ApiError> {
        let key = attempt.clone();
        self.with_state(&key, |throttle, now| throttle.succeeded(attempt, now))
            .await
    }

    /// The reserved attempt was not checked after all.
    async fn cancelled(&self, attempt: Attempt) -> Result<(), ApiError> {
        let key = attempt.clone();
        self.with_state(&key, |throttle, _| throttle.cancelled(attempt))
            .await
    }

    /// Verifies `password` against `hash` (the dummy hash for `None`) under a reserved attempt,
    /// settling it by the outcome.
    ///
    /// # Errors
    /// [`ApiError::RateLimited`] when throttled, [`ApiError::Busy`] when every hashing slot is
    /// taken (the attempt is then not counted), [`ApiError::Internal`].
    async fn verify(
        &self,
        account: &str,
        address: Option<IpAddr>,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, ApiError> {
        let attempt = self.reserve(account, address).await?;
        match verify_password(hash, password).await {
            Ok(true) => {
                self.succeeded(attempt).await?;
                Ok(true)
            }
            Ok(false) => Ok(false),
            Err(error) => {
                self.cancelled(attempt).await?;
                Err(error)
            }
        }
    }
}

/// Logs `username` in on `session`: throttle, verify, rotate the session id, store the user.
///
/// # Errors
/// [`ApiError::Invalid`] for a malformed user name, [`ApiError::RateLimited`] when throttled,
/// [`ApiError::BadCredentials`] for an unknown user or a wrong password.
pub async fn login(
    pool: &Pool,
    throttle: &LoginThrottle,
    session: &Session,
    username: &str,
    password: String,
    address: Option<IpAddr>,
) -> Result<SessionUser, ApiError> {
    let username: Username = username
        .parse()
        .map_err(|e| ApiError::invalid("username", e))?;
    let user = users::find_by_username(pool, username.as_str()).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let valid = throttle
        .verify(username.as_str(), address, hash, password)
        .await?;
    let Some(user) = user.filter(|_| valid) else {
        let address = json!({ "address": address.map(|a| a.to_string()) });
        record_session(
            pool,
            username.as_str(),
            AuditAction::LoginFailed,
            Some(address),
        )
        .await?;
        return Err(ApiError::BadCredentials);
    };

    session.cycle_id().await.map_err(session_error)?;
    let now = unix_now();
    let session_user = SessionUser {
        user_id: user.id,
        username: user.username.clone(),
        csrf_token: random_token(),
        logged_in_at: now,
        epoch: user.session_epoch,
        must_change_password: user.must_change_password,
    };
    session
        .insert(SESSION_USER_KEY, &session_user)
        .await
        .map_err(session_error)?;
    session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    let address = json!({ "address": address.map(|a| a.to_string()) });
    record_session(pool, &user.username, AuditAction::Login, Some(address)).await?;
    Ok(session_user)
}

/// Ends the session of `user`.
///
/// # Errors
/// A session-store or database failure.
pub async fn logout(pool: &Pool, session: &Session, user: &SessionUser) -> Result<(), ApiError> {
    session.flush().await.map_err(session_error)?;
    record_session(pool, &user.username, AuditAction::Logout, None).await
}

/// The audit entry of a session event of `username` (who is both actor and subject).
async fn record_session(
    db: impl db::Handle<'_>,
    username: &str,
    action: AuditAction,
    after: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    audit::record(
        db,
        NewAuditEntry {
            actor: username,
            entity_kind: "session",
            entity_id: username,
            action,
            before: None,
            after,
        },
    )
    .await?;
    Ok(())
}

/// The session's user while the session is still good: within its absolute lifetime, and
/// created in the user's current epoch (a password change or "log out everywhere" raises it,
/// on every instance at once since it lives in the database; the session store checks the
/// epoch in the query that loads the session, see [`super::session_store`]). A session past
/// its lifetime is flushed. An active session is re-saved every [`SessionLimits::touch_secs`] so that the idle
/// timeout counts from the last request, not from login.
///
/// # Errors
/// A session-store or database failure.
pub async fn live_session_user(
    session: &Session,
    limits: SessionLimits,
) -> Result<Option<SessionUser>, ApiError> {
    let Some(user) = session_user(session).await? else {
        return Ok(None);
    };
    let now = unix_now();
    let expired = now.saturating_sub(user.logged_in_at) >= limits.lifetime_secs;
    if expired {
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    let seen = session.get::<u64>(SEEN_KEY).await.map_err(session_error)?;
    if seen.is_none_or(|seen| now.saturating_sub(seen) >= limits.touch_secs()) {
        session.insert(SEEN_KEY, now).await.map_err(session_error)?;
    }
    Ok(Some(user))
}

/// Ends every session of `user`, this one included ("log out everywhere"); audited.
///
/// # Errors
/// A session-store or database failure.
pub async fn logout_everywhere(
    pool: &Pool,
    session: &Session,
    user: &SessionUser,
) -> Result<(), ApiError> {
    let mut tx = pool.begin_write().await?;
    users::bump_session_epoch(&mut tx, user.user_id).await?;
    let everywhere = json!({ "everywhere": true });
    record_session(
        &mut tx,
        &user.username,
        AuditAction::Logout,
        Some(everywhere),
    )
    .await?;
    tx.commit().await?;
    session.flush().await.map_err(session_error)?;
    Ok(())
}

/// The session user stored on `session`, if logged in.
///
/// # Errors
/// A session-store failure.
pub async fn session_user(session: &Session) -> Result<Option<SessionUser>, ApiError> {
    session
        .get::<SessionUser>(SESSION_USER_KEY)
        .await
        .map_err(session_error)
}

fn session_error(error: tower_sessions::session::Error) -> ApiError {
    tracing::error!(%error, "session store error");
    ApiError::Internal
}

/// Checks that `password` is the current password of the logged-in `user` (a
/// re-authentication before showing secrets).
///
/// A wrong password here is a password guess like a failed login, so it shares the login
/// throttle: it counts against the account and the address, and a locked-out account is
/// refused here too. An empty password is refused before it counts.
///
/// # Errors
/// [`ApiError::Invalid`] on `password` when it is not; [`ApiError::RateLimited`] when
/// throttled; a database failure.
pub async fn confirm_password(
    pool: &Pool,
    throttle: &LoginThrottle,
    user: &SessionUser,
    password: String,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    let Some(stored) = users::find_by_id(pool, user.user_id).await? else {
        return Err(ApiError::Unauthenticated);
    };
    if password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            "enter your console password to reveal secret values",
        ));
    }
    if throttled_verify(throttle, &stored, password, address).await? {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "password",
            "is not your console password",
        ))
    }
}

/// Whether `password` is `user`'s, for a logged-in user re-entering it: throttled exactly like
/// a login ([`LoginThrottle::verify`]), so a wrong one counts as a failed login.
///
/// # Errors
/// [`ApiError::RateLimited`] when the account or address is locked out.
async fn throttled_verify(
    throttle: &LoginThrottle,
    user: &users::UserRow,
    password: String,
    address: Option<IpAddr>,
) -> Result<bool, ApiError> {
    throttle
        .verify(
            &user.username,
            address,
            Some(user.password_hash.clone()),
            password,
        )
        .await
}

/// How long a password re-entry counts as a recent re-authentication.
pub const STEP_UP_SECS: u64 = 5 * 60;
/// Session key of the last re-authentication.
const STEP_UP_KEY: &str = "step_up_at";

/// Requires a recent re-authentication before something the live cluster would accept (a token
/// signed with the realm's own key): passes when the session re-entered its password within
/// [`STEP_UP_SECS`], or when `password` is right (throttled like a login; it then counts as
/// the re-authentication).
///
/// # Errors
/// [`ApiError::Forbidden`] without a password; [`ApiError::Invalid`] on `password` when
/// wrong; [`ApiError::RateLimited`]; a store or database failure.
pub async fn step_up(
    pool: &Pool,
    throttle: &LoginThrottle,
    session: &Session,
    user: &SessionUser,
    password: Option<String>,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    let now = unix_now();
    let recent = session
        .get::<u64>(STEP_UP_KEY)
        .await
        .map_err(session_error)?;
    if recent.is_some_and(|at| now.saturating_sub(at) < STEP_UP_SECS) {
        return Ok(());
    }
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Err(ApiError::Forbidden {
            message: "this key signs tokens the live cluster accepts; re-enter your console password (field password) to use it".into(),
        });
    };
    confirm_password(pool, throttle, user, password, address).await?;
    session
        .insert(STEP_UP_KEY, now)
        .await
        .map_err(session_error)
}

/// Changes `user`'s password after checking the current one (throttled like a login, see
/// [`confirm_password`]); one transaction with its audit entry.
///
/// # Errors
/// [`ApiError::Invalid`] naming `current_password` or `new_password`;
/// [`ApiError::RateLimited`]; a database failure.
pub async fn change_password(
    pool: &Pool,
    throttle: &LoginThrottle,
    session: &Session,
    session_user: &SessionUser,
    current_password: String,
    new_password: &str,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    let actor = session_user.username.as_str();
    let Some(user) = users::find_by_id(pool, session_user.user_id).await? else {
        return Err(ApiError::Unauthenticated);
    };
    let username: Username = user.username.parse().map_err(|_| ApiError::Internal)?;
    let new_password = NewPassword::parse(new_password, &username)
        .map_err(|e| ApiError::invalid("new_password", e))?;
    if !throttled_verify(throttle, &user, current_password, address).await? {
        return Err(ApiError::invalid(
            "current_password",
            "is not the current password",
        ));
    }
    let hash = hash_password(new_password).await?;

    let mut tx = pool.begin_write().await?;
    let changed_at = users::set_password_hash(&mut tx, user.id, &hash).await?;
    // Every other session of the user ends; this one carries on in the new epoch.
    let epoch = users::bump_session_epoch(&mut tx, user.id).await?;
    users::set_must_change_password(&mut tx, user.id, false).await?;
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor,
            entity_kind: "user",
            entity_id: &user.username,
            action: AuditAction::Update,
            before: Some(json!({
                "username": user.username,
                "password_hash": user.password_hash,
                "password_changed_at": user.password_changed_at,
            })),
            after: Some(json!({
                "username": user.username,
                "password_hash": hash,
                "password_changed_at": changed_at,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    let renewed = SessionUser {
        epoch,
        must_change_password: false,
        ..session_user.clone()
    };
    session
        .insert(SESSION_USER_KEY, &renewed)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Where the first admin password came from.
pub enum AdminPassword {
    /// From the environment; nothing to show.
    Provided,
    /// Generated; shown once in the log.
    Generated(String),
}

/// Why the first admin account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// The password from the environment does not meet the policy.
    #[error("TRUST_CONSOLE_ADMIN_PASSWORD is not acceptable: {0}")]
    Policy(#[from] trust_core::account::PasswordError),
    /// The database failed.
    #[error("database error while creating the admin account: {0}")]
    Database(#[from] sqlx::Error),
    /// Hashing failed.
    #[error("could not hash the admin password")]
    Hash,
}

/// Creates the `admin` account when the database has no account yet.
///
/// Returns `None` when accounts already exist (the environment password is then ignored).
///
/// # Errors
/// [`BootstrapError`] when the password is refused or the database fails.
pub async fn ensure_admin(
    pool: &Pool,
    env_password: Option<String>,
) -> Result<Option<AdminPassword>, BootstrapError> {
    if users::count(pool).await? > 0 {
        return Ok(None);
    }
    let admin: Username = "admin".parse().map_err(|_| BootstrapError::Hash)?;
    let (password, origin) = match env_password.filter(|p| !p.is_empty()) {
        Some(password) => (password, AdminPassword::Provided),
        None => {
            let generated: String = rand::thread_rng()
                .sample_iter(&Alphanumeric)
                .take(24)
                .map(char::from)
                .collect();
            (generated.clone(), AdminPassword::Generated(generated))
        }
    };
    let hash = hash_password(NewPassword::parse(&password, &admin)?)
        .await
        .map_err(|_| BootstrapError::Hash)?;
    let mut tx = pool.begin_write().await?;
    let id = users::insert(&mut tx, admin.as_str(), &hash).await?;
    if matches!(origin, AdminPassword::Generated(_)) {
        users::set_must_change_password(&mut tx, id, true).await?;
    }
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor: SYSTEM_ACTOR,
            entity_kind: "user",
            entity_id: admin.as_str(),
            action: AuditAction::Create,
            before: None,
            after: Some(json!({ "username": admin.as_str(), "password_hash": hash })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(origin))
}

#[cfg(test)]
mod tests {
    use trust_core::login_throttle::ThrottlePolicy;

    use super::*;
    use crate::ssr::session_store::DbSessions;

    use crate::ssr::db::testing::{memory_pool, scalar};

    /// A fresh database with the admin account (password `a-long-admin-password`).
    async fn pool_with_admin() -> (Pool, users::UserRow) {
        admin_created_with(Some("a-long-admin-password".into())).await
    }

    /// A fresh database with the admin account created from `password` (generated for `None`).
    async fn admin_created_with(password: Option<String>) -> (Pool, users::UserRow) {
        let pool = memory_pool().await;
        ensure_admin(&pool, password).await.unwrap();
        let admin = users::find_by_username(&pool, "admin")
            .await
            .unwrap()
            .unwrap();
        (pool, admin)
    }

    /// `user` logged in as `username` (normally the same name; a test may break it).
    fn session_of(user: &users::UserRow, username: &str) -> SessionUser {
        SessionUser {
            user_id: user.id,
            username: username.to_owned(),
            csrf_token: random_token(),
            logged_in_at: unix_now(),
            epoch: user.session_epoch,
            must_change_password: user.must_change_password,
        }
    }

    /// Whether `session` is still good on the next request: it is saved to the console's
    /// store, then read back as a new request would (the store checks the epoch).
    async fn is_live(pool: &Pool, session: &Session, limits: SessionLimits) -> bool {
        session.save().await.unwrap();
        let next = Session::new(session.id(), store(pool), None);
        live_session_user(&next, limits).await.unwrap().is_some()
    }

    fn store(pool: &Pool) -> std::sync::Arc<DbSessions> {
        std::sync::Arc::new(DbSessions::new(pool.clone()))
    }

    /// A new session in the console's store.
    fn new_session(pool: &Pool) -> Session {
        Session::new(None, store(pool), None)
    }

    async fn audit_count(pool: &Pool) -> i64 {
        scalar(pool, "SELECT COUNT(*) FROM audit_log").await
    }

    #[tokio::test]
    async fn admin_is_created_once_with_an_audit_entry() {
        let pool = memory_pool().await;
        let first = ensure_admin(&pool, Some("a-long-admin-password".into()))
            .await
            .unwrap();
        assert!(matches!(first, Some(AdminPassword::Provided)));
        assert!(ensure_admin(&pool, None).await.unwrap().is_none());
        assert_eq!(users::count(&pool).await.unwrap(), 1);
        let (entries, _) = audit::list(&pool, trust_core::paging::PageRequest::default())
            .await
            .unwrap();
        let [row] = entries.as_slice() else {
            panic!("one audit entry, got {}", entries.len())
        };
        assert_eq!(
            (row.actor.as_str(), row.action.as_str()),
            ("system", "create")
        );
        let after = row.after_json.clone().unwrap();
        assert!(
            after.contains("[redacted]") && !after.contains("argon2"),
            "{after}"
        );
    }

    #[tokio::test]
    async fn a_weak_environment_password_is_refused() {
        let pool = memory_pool().await;
        assert!(matches!(
            ensure_admin(&pool, Some("short".into())).await,
            Err(BootstrapError::Policy(_))
        ));
        assert_eq!(users::count(&pool).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_generated_password_meets_the_policy() {
        let pool = memory_pool().await;
        let Some(AdminPassword::Generated(password)) = ensure_admin(&pool, None).await.unwrap()
        else {
            panic!("expected a generated password");
        };
        assert_eq!(password.len(), 24);
        let user = users::find_by_username(&pool, "admin")
            .await
            .unwrap()
            .unwrap();
        assert!(
            verify_password(Some(user.password_hash), password)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn wrong_reveal_passwords_share_the_login_throttle() {
        let (pool, admin) = pool_with_admin().await;
        let throttle = LoginThrottle::new(pool.clone());
        let user = session_of(&admin, "admin");
        let address = Some(IpAddr::from([127, 0, 0, 1]));
        let confirm = |password: &str| {
            confirm_password(&pool, &throttle, &user, password.to_owned(), address)
        };
        confirm("a-long-admin-password").await.unwrap();
        let empty = confirm("").await.unwrap_err();
        assert_eq!(empty.field(), Some("password"));
        for _ in 0..ThrottlePolicy::PER_ACCOUNT_ADDRESS.max_failures {
            let wrong = confirm("not the password").await.unwrap_err();
            assert_eq!(wrong.field(), Some("password"), "{wrong}");
        }
        // Locked out: even the right password is refused, and so is a login.
        assert!(matches!(
            confirm("a-long-admin-password").await,
            Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs > 0
        ));
        assert!(throttle.reserve("admin", address).await.is_err());
    }

    #[tokio::test]
    async fn password_change_and_audit_commit_together() {
        let (pool, admin) = pool_with_admin().await;
        let entries = audit_count(&pool).await;

        let throttle = LoginThrottle::new(pool.clone());

        // The audit insert fails (empty actor violates its CHECK): the change must roll back.
        let session = new_session(&pool);
        let failed = change_password(
            &pool,
            &throttle,
            &session,
            &session_of(&admin, ""),
            "a-long-admin-password".into(),
            "another-long-one",
            None,
        )
        .await;
        assert_eq!(failed, Err(ApiError::Internal));
        let unchanged = users::find_by_id(&pool, admin.id).await.unwrap().unwrap();
        assert_eq!(unchanged.password_hash, admin.password_hash);
        assert_eq!(audit_count(&pool).await, entries);

        change_password(
            &pool,
            &throttle,
            &session,
            &session_of(&admin, "admin"),
            "a-long-admin-password".into(),
            "another-long-one",
            None,
        )
        .await
        .unwrap();
        let changed = users::find_by_id(&pool, admin.id).await.unwrap().unwrap();
        assert_ne!(changed.password_hash, admin.password_hash);
        assert_eq!(audit_count(&pool).await, entries + 1);
        // Every other session is over; this one carries on in the new epoch.
        assert_eq!(changed.session_epoch, admin.session_epoch + 1);
        let renewed = session_user(&session).await.unwrap().unwrap();
        assert_eq!(renewed.epoch, changed.session_epoch);
        let limits = SessionLimits::default();
        assert!(is_live(&pool, &session, limits).await);
        let other = new_session(&pool);
        other
            .insert(SESSION_USER_KEY, session_of(&admin, "admin"))
            .await
            .unwrap();
        assert!(!is_live(&pool, &other, limits).await);
    }

    #[tokio::test]
    async fn sessions_end_after_their_lifetime_and_everywhere_on_request() {
        let (pool, admin) = pool_with_admin().await;
        let limits = SessionLimits {
            lifetime_secs: 3600,
            idle_secs: 600,
        };
        let old = new_session(&pool);
        let mut user = session_of(&admin, "admin");
        user.logged_in_at = unix_now() - 3600;
        old.insert(SESSION_USER_KEY, &user).await.unwrap();
        assert!(!is_live(&pool, &old, limits).await);

        let a = new_session(&pool);
        let b = new_session(&pool);
        for session in [&a, &b] {
            session
                .insert(SESSION_USER_KEY, session_of(&admin, "admin"))
                .await
                .unwrap();
            assert!(is_live(&pool, session, limits).await);
        }
        logout_everywhere(&pool, &a, &session_of(&admin, "admin"))
            .await
            .unwrap();
        assert!(!is_live(&pool, &a, limits).await);
        assert!(!is_live(&pool, &b, limits).await);
    }

    #[tokio::test]
    async fn a_generated_admin_password_must_be_changed() {
        let (_, generated) = admin_created_with(None).await;
        assert!(generated.must_change_password);
        let (_, provided) = pool_with_admin().await;
        assert!(!provided.must_change_password);
    }

    #[tokio::test]
    async fn password_change_checks_both_passwords() {
        let (pool, admin) = pool_with_admin().await;
        let throttle = LoginThrottle::new(pool.clone());
        let user = session_of(&admin, "admin");
        let session = new_session(&pool);
        let change = |current: &str, new: &'static str| {
            change_password(
                &pool,
                &throttle,
                &session,
                &user,
                current.to_owned(),
                new,
                None,
            )
        };
        let weak = change("a-long-admin-password", "short").await;
        assert_eq!(weak.unwrap_err().field(), Some("new_password"));
        for _ in 0..ThrottlePolicy::PER_ACCOUNT_ADDRESS.max_failures {
            let wrong = change("nope", "another-long-one").await;
            assert_eq!(wrong.unwrap_err().field(), Some("current_password"));
        }
        // Wrong current passwords are password guesses: the account is locked out.
        assert!(matches!(
            change("a-long-admin-password", "another-long-one").await,
            Err(ApiError::RateLimited { .. })
        ));
        let unchanged = users::find_by_id(&pool, admin.id).await.unwrap().unwrap();
        assert_eq!(unchanged.password_hash, admin.password_hash);
    }

    #[test]
    fn pooled_verification_agrees_with_the_argon2_crate() {
        use argon2::PasswordVerifier;
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(b"right password", &salt)
            .unwrap()
            .to_string();
        let parsed = PasswordHash::new(&hash).unwrap();
        for (password, expected) in [("right password", true), ("wrong password", false)] {
            assert_eq!(
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok(),
                expected
            );
            assert_eq!(
                verify_in_pooled_memory(&hash, password.as_bytes()),
                expected
            );
        }
        assert!(!verify_in_pooled_memory("not a hash", b"x"));
        assert!(!verify_in_pooled_memory(
            "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            b"x"
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parallel_guesses_cannot_pass_the_check_together() {
        let (pool, admin) = pool_with_admin().await;
        let throttle = std::sync::Arc::new(LoginThrottle::new(pool.clone()));
        let address = Some(IpAddr::from([127, 0, 0, 1]));
        let guesses = (0..20).map(|_| {
            let throttle = std::sync::Arc::clone(&throttle);
            let hash = admin.password_hash.clone();
            tokio::spawn(async move {
                throttle
                    .verify("admin", address, Some(hash), "wrong".to_owned())
                    .await
            })
        });
        let mut verified = 0;
        let mut refused = 0;
        for guess in guesses.collect::<Vec<_>>() {
            match guess.await.unwrap() {
                Ok(false) => verified += 1,
                Err(ApiError::RateLimited { .. }) => refused += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        let limit = ThrottlePolicy::PER_ACCOUNT_ADDRESS.max_failures;
        assert_eq!((verified, refused), (limit, 20 - limit));
        // The right password from another address still gets in.
        let elsewhere = Some(IpAddr::from([127, 0, 0, 2]));
        let right = throttle
            .verify(
                "admin",
                elsewhere,
                Some(admin.password_hash.clone()),
                "a-long-admin-password".to_owned(),
            )
            .await;
        assert_eq!(right, Ok(true));
    }

    #[test]
    fn csrf_comparison() {
        let user = SessionUser {
            user_id: 1,
            username: "admin".into(),
            csrf_token: "abc".into(),
            logged_in_at: 0,
            epoch: 0,
            must_change_password: false,
        };
        assert!(user.csrf_matches("abc"));
        assert!(!user.csrf_matches("abd"));
        assert!(!user.csrf_matches(""));
    }
}
