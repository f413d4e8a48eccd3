//! The `test_signing_keys` table: one private key per realm for signing playground test
//! tokens. The private half is read only by the server (sealed in the database, opened here);
//! reads for the browser see the public JWK and when it was set.

use super::{Handle, dispatch};
use crate::ssr::crypto;
pub use trust_store_rows::TestKeyMark;

/// Every realm's test key, without the private half.
///
/// # Errors
/// Any database error.
pub async fn marks(db: impl Handle<'_>, deployment: i64) -> Result<Vec<TestKeyMark>, sqlx::Error> {
    dispatch!(db, test_keys::marks(deployment))
}

/// The private key (PEM) of `realm`, for signing.
///
/// # Errors
/// Any database error; a key that does not open with the master key.
pub async fn private_pem(
    db: impl Handle<'_>,
    deployment: i64,
    realm: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sealed = dispatch!(db, test_keys::private_pem(deployment, realm))?;
    sealed
        .map(|pem| crypto::open_db(&pem, &crypto::test_key_ad(deployment, realm)))
        .transpose()
}

/// Sets (or replaces) the test key of `realm`, which must exist.
///
/// # Errors
/// Any database error (a foreign-key violation when the realm does not exist).
pub async fn set(
    db: impl Handle<'_>,
    deployment: i64,
    realm: &str,
    private_pem: &str,
    public_jwk: &str,
) -> Result<(), sqlx::Error> {
    let sealed = crypto::seal_db(private_pem, &crypto::test_key_ad(deployment, realm))?;
    dispatch!(db, test_keys::set(deployment, realm, &sealed, public_jwk))
}

/// Removes the test key of `realm`; whether there was one.
///
/// # Errors
/// Any database error.
pub async fn clear(db: impl Handle<'_>, deployment: i64, realm: &str) -> Result<bool, sqlx::Error> {
    dispatch!(db, test_keys::clear(deployment, realm))
}
