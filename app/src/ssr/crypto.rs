//! Secrets at rest: every secret column (keystore values, test signing keys, secure kept
//! settings) is sealed with XChaCha20-Poly1305 under the console's 32-byte master key, with
//! associated data that binds each value to its row (deployment, kind, name, setting), so a
//! value copied into another row does not open.
//!
//! Stored form: `tc1:` + base64(24-byte random nonce ‖ ciphertext ‖ tag).
//!
//! The master key comes from `TRUST_CONSOLE_MASTER_KEY` (base64 of 32 bytes) or a key file
//! (`--master-key-file`, default `<data-dir>/master.key`, created 0600 on first start). The
//! database holds a sealed check value, so a wrong key stops the start with a clear error
//! instead of leaving secrets silently unreadable. The process holds one key, installed at
//! start ([`install`]); `rotate-master-key` works with two explicit [`Sealer`]s.

use std::{path::Path, sync::OnceLock};

use crate::ssr::db::{self, Pool, Tx};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit, Payload},
};
use rand::RngCore;

use crate::error::ApiError;

/// The stored form's prefix (format version 1).
const PREFIX: &str = "tc1:";
/// The check value sealed in `master_key_check`.
const CHECK_PLAINTEXT: &str = "trust-console master key check";
const CHECK_AD: &str = "master-key-check";
/// The environment variable that may hold the key.
pub const KEY_ENV: &str = "TRUST_CONSOLE_MASTER_KEY";

/// Why the master key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key text is not base64 of 32 bytes.
    #[error("the master key from {from} is not base64 of 32 bytes")]
    Malformed {
        /// Where it came from.
        from: String,
    },
    /// The key file cannot be read or created.
    #[error("cannot use the master key file {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The database was sealed with a key, and none was found.
    #[error(
        "the database holds encrypted secrets but no master key was found at {path} and {KEY_ENV} is not set; restore the key file from its backup (or pass --master-key-file)"
    )]
    Missing {
        /// Where it was looked for.
        path: String,
    },
    /// The key does not open the database's check value.
    #[error(
        "the master key from {from} does not open this database's secrets (wrong key); use the key it was created with (if a rotation was interrupted, master.key.new beside the key file holds the new key)"
    )]
    Wrong {
        /// Where the key came from.
        from: String,
    },
    /// A database failure while checking or sealing.
    #[error("database error while setting up secret encryption: {0}")]
    Database(#[from] sqlx::Error),
}

/// A master key, ready to seal and open.
#[derive(Clone)]
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// Where the key came from (for messages; never the key).
    pub from: String,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// A fresh random key, base64.
pub fn new_key_text() -> String {
    let mut key = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    STANDARD.encode(key)
}

impl Sealer {
    /// A sealer from the key's base64 text.
    ///
    /// # Errors
    /// [`KeyError::Malformed`].
    pub fn from_text(text: &str, from: &str) -> Result<Self, KeyError> {
        let malformed = || KeyError::Malformed {
            from: from.to_owned(),
        };
        let bytes = STANDARD.decode(text.trim()).map_err(|_| malformed())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| malformed())?;
        Ok(Self {
            cipher: XChaCha20Poly1305::new(&key.into()),
            from: from.to_owned(),
        })
    }

    /// Seals `plaintext` for the row named by `ad`.
    pub fn seal(&self, plaintext: &str, ad: &str) -> String {
        let mut nonce = [0_u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: ad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens a value sealed for `ad`; `None` when it is not sealed, was sealed for another row,
    /// or with another key.
    pub fn open(&self, stored: &str, ad: &str) -> Option<String> {
        let bytes = STANDARD.decode(stored.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: ad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Whether a stored value is in sealed form.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// Associated data of a keystore value in `secrets`.
pub fn secret_ad(deployment: i64, kind: &str, name: &str, setting: &str) -> String {
    format!("secret\u{0}{deployment}\u{0}{kind}\u{0}{name}\u{0}{setting}")
}

/// Associated data of a test signing key.
pub fn test_key_ad(deployment: i64, realm: &str) -> String {
    format!("test_key\u{0}{deployment}\u{0}{realm}")
}

/// Associated data of a secure kept (unmodelled) setting.
pub fn kept_ad(deployment: i64, key: &str) -> String {
    format!("kept\u{0}{deployment}\u{0}{key}")
}

static SEALER: OnceLock<Sealer> = OnceLock::new();

/// Installs the process's master key (once; later calls keep the first).
pub fn install(sealer: Sealer) {
    let _ = SEALER.set(sealer);
}

/// The process's master key.
///
/// # Errors
/// [`ApiError::Internal`] when none was installed (a wiring bug).
pub fn sealer() -> Result<&'static Sealer, ApiError> {
    // Unit tests run on memory databases without a start-up: they get a random key.
    #[cfg(test)]
    if SEALER.get().is_none()
        && let Ok(sealer) = Sealer::from_text(&new_key_text(), "unit tests")
    {
        install(sealer);
    }
    SEALER.get().ok_or_else(|| {
        tracing::error!("no master key installed");
        ApiError::Internal
    })
}

/// Seals with the process's key.
///
/// # Errors
/// As [`sealer`].
pub fn seal(plaintext: &str, ad: &str) -> Result<String, ApiError> {
    Ok(sealer()?.seal(plaintext, ad))
}

/// Opens with the process's key; a value that does not open is an internal error (logged),
/// never an empty secret.
///
/// # Errors
/// As [`sealer`], or [`ApiError::Internal`].
pub fn open(stored: &str, ad: &str) -> Result<String, ApiError> {
    sealer()?.open(stored, ad).ok_or_else(|| {
        tracing::error!(
            ad = ad.replace('\u{0}', "/"),
            "a stored secret does not open"
        );
        ApiError::Internal
    })
}

/// [`seal`] for the repositories, which speak `sqlx::Error`.
///
/// # Errors
/// No key installed.
pub fn seal_db(plaintext: &str, ad: &str) -> Result<String, sqlx::Error> {
    seal(plaintext, ad).map_err(|_| sqlx::Error::Protocol("no master key installed".to_owned()))
}

/// [`open`] for the repositories: a value that does not open is a decode error (logged by the
/// caller's conversion to a 500), never an empty secret.
///
/// # Errors
/// No key installed, or the value does not open.
pub fn open_db(stored: &str, ad: &str) -> Result<String, sqlx::Error> {
    open(stored, ad).map_err(|_| {
        sqlx::Error::Decode("a stored secret does not open with the master key".into())
    })
}

/// Where the key comes from: the environment, else the key file (created when the database
/// has no sealed data yet).
pub struct KeySource<'a> {
    /// `TRUST_CONSOLE_MASTER_KEY`, when set.
    pub env: Option<String>,
    /// The key file.
    pub file: &'a Path,
}

impl<'a> KeySource<'a> {
    /// `TRUST_CONSOLE_MASTER_KEY` from the process environment, else `file`.
    pub fn from_env(file: &'a Path) -> Self {
        Self {
            env: std::env::var(KEY_ENV).ok(),
            file,
        }
    }

    /// The key text and where it came from; `None` when there is none yet.
    ///
    /// # Errors
    /// [`KeyError::File`] when the file exists but cannot be read.
    fn read(&self) -> Result<Option<(String, String)>, KeyError> {
        if let Some(text) = self.env.as_ref().filter(|t| !t.trim().is_empty()) {
            return Ok(Some((text.clone(), KEY_ENV.to_owned())));
        }
        match std::fs::read_to_string(self.file) {
            Ok(text) => Ok(Some((text, self.file.display().to_string()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(KeyError::File {
                path: self.file.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
}

/// Writes `text` to `path` readable by the owner only (0600), creating it.
///
/// # Errors
/// [`KeyError::File`].
pub fn write_key_file(path: &Path, text: &str) -> Result<(), KeyError> {
    let fail = |e: std::io::Error| KeyError::File {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, format!("{text}\n").as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// The sealed columns, each with the query that lists its rows and the one that updates one.
async fn reseal_all(tx: &mut Tx, from: Option<&Sealer>, to: &Sealer) -> Result<(), KeyError> {
    let wrong = |s: &Sealer| KeyError::Wrong {
        from: s.from.clone(),
    };
    // Opens a stored value: plaintext (from before encryption) is taken as it is.
    let open = |stored: &str, ad: &str| -> Result<String, KeyError> {
        if !is_sealed(stored) {
            return Ok(stored.to_owned());
        }
        let sealer = from.ok_or_else(|| wrong(to))?;
        sealer.open(stored, ad).ok_or_else(|| wrong(sealer))
    };
    for row in db::keys::secrets(&mut *tx).await? {
        let [kind, name, setting] = row.key.as_slice() else {
            continue;
        };
        let ad = secret_ad(row.deployment, kind, name, setting);
        let sealed = to.seal(&open(&row.value, &ad)?, &ad);
        db::keys::set_secret(&mut *tx, &row, &sealed).await?;
    }
    for row in db::keys::test_keys(&mut *tx).await? {
        let [realm] = row.key.as_slice() else {
            continue;
        };
        let ad = test_key_ad(row.deployment, realm);
        let sealed = to.seal(&open(&row.value, &ad)?, &ad);
        db::keys::set_test_key(&mut *tx, &row, &sealed).await?;
    }
    for row in db::keys::kept(&mut *tx).await? {
        let [key] = row.key.as_slice() else {
            continue;
        };
        let ad = kept_ad(row.deployment, key);
        // A secure kept value is a JSON string; its sealed form is one too.
        let stored: String = serde_json::from_str(&row.value).unwrap_or_else(|_| row.value.clone());
        let sealed = to.seal(&open(&stored, &ad)?, &ad);
        db::keys::set_kept(
            &mut *tx,
            &row,
            &serde_json::Value::String(sealed).to_string(),
        )
        .await?;
    }
    db::keys::set_check_value(&mut *tx, &to.seal(CHECK_PLAINTEXT, CHECK_AD)).await?;
    Ok(())
}

/// The database's sealed check value, if it has one.
async fn check_value(tx: &mut Tx) -> Result<Option<String>, KeyError> {
    Ok(db::keys::check_value(tx).await?)
}

/// Loads the master key for the database at `pool` and installs it: checks it against the
/// database's check value, creates the key file on first start, and seals any value still in
/// plaintext (a database from before encryption) in one transaction.
///
/// # Errors
/// [`KeyError`] naming what to fix.
pub async fn load(pool: &Pool, source: &KeySource<'_>) -> Result<Sealer, KeyError> {
    let mut tx = pool.begin_write().await?;
    let check = check_value(&mut tx).await?;
    let sealer = match (source.read()?, &check) {
        (Some((text, from)), _) => Sealer::from_text(&text, &from)?,
        (None, Some(_)) => {
            return Err(KeyError::Missing {
                path: source.file.display().to_string(),
            });
        }
        (None, None) => {
            let text = new_key_text();
            write_key_file(source.file, &text)?;
            tracing::warn!(
                file = %source.file.display(),
                "created the master key that encrypts the console's secrets; back it up apart from the database"
            );
            Sealer::from_text(&text, &source.file.display().to_string())?
        }
    };
    match check {
        Some(sealed) => {
            if sealer.open(&sealed, CHECK_AD).as_deref() != Some(CHECK_PLAINTEXT) {
                return Err(KeyError::Wrong {
                    from: sealer.from.clone(),
                });
            }
            // Values written in plaintext by an older console (none normally) are sealed too.
            reseal_plaintext(&mut tx, &sealer).await?;
        }
        None => reseal_all(&mut tx, None, &sealer).await?,
    }
    tx.commit().await?;
    install(sealer.clone());
    Ok(sealer)
}

async fn reseal_plaintext(tx: &mut Tx, sealer: &Sealer) -> Result<(), KeyError> {
    if db::keys::plaintext_count(&mut *tx).await? > 0 {
        reseal_all(tx, Some(sealer), sealer).await?;
    }
    Ok(())
}

/// Re-seals every secret under `to`, in one transaction; `from` must open them.
///
/// # Errors
/// [`KeyError::Wrong`] when `from` is not the database's key; a database failure.
pub async fn rotate(pool: &Pool, from: &Sealer, to: &Sealer) -> Result<(), KeyError> {
    let mut tx = pool.begin_write().await?;
    match check_value(&mut tx).await? {
        Some(sealed) if from.open(&sealed, CHECK_AD).as_deref() == Some(CHECK_PLAINTEXT) => {}
        _ => {
            return Err(KeyError::Wrong {
                from: from.from.clone(),
            });
        }
    }
    reseal_all(&mut tx, Some(from), to).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_open_only_for_their_row_and_key() {
        let a = Sealer::from_text(&new_key_text(), "test").unwrap();
        let b = Sealer::from_text(&new_key_text(), "test").unwrap();
        let ad = secret_ad(1, "realm", "jwt1", "hmac_key");
        let sealed = a.seal("s3cret", &ad);
        assert!(is_sealed(&sealed) && !sealed.contains("s3cret"));
        assert_eq!(a.open(&sealed, &ad).as_deref(), Some("s3cret"));
        assert_eq!(
            a.open(&sealed, &secret_ad(1, "realm", "jwt2", "hmac_key")),
            None
        );
        assert_eq!(b.open(&sealed, &ad), None);
        assert_ne!(a.seal("s3cret", &ad), sealed, "a fresh nonce every time");
        assert!(Sealer::from_text("c2hvcnQ=", "env").is_err());
    }
}
