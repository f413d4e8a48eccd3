//! The rows the console's two storage backends (`trust-store-sqlite`, `trust-store-postgres`)
//! return. Both compile the same query source (`app/store/queries/`), so every query fills
//! these one set of types, whatever the database. Sealed columns arrive sealed: opening them is
//! the caller's (`app::ssr::db`), so no backend ever holds a plaintext secret.

/// A stored deployment.
#[derive(Debug)]
pub struct DeploymentRow {
    /// Row id (what documents reference).
    pub id: i64,
    /// Its unique name.
    pub name: String,
    /// The JSON body.
    pub body_json: String,
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
    /// Grows with every change to the deployment's documents or their secrets (counted by the
    /// database's triggers).
    pub generation: i64,
}

/// A stored document.
#[derive(Debug)]
pub struct DocumentRow {
    /// Its name, unique within its kind.
    pub name: String,
    /// The JSON body.
    pub body_json: String,
    /// Starts at 1, grows by one with every change.
    pub version: i64,
    /// Last change, RFC 3339 UTC.
    pub updated_at: String,
}

/// When a secret was last set (never its value).
#[derive(Debug)]
pub struct SecretMark {
    /// The document's name.
    pub name: String,
    /// The setting (`hmac_key`, `password`, …).
    pub setting: String,
    /// When it was set, RFC 3339 UTC.
    pub changed_at: String,
}

/// A secret with its value, for server-side use only (lint, export). Not `Serialize`, not
/// `Debug`.
pub struct SecretValue {
    /// The document's name.
    pub name: String,
    /// The setting.
    pub setting: String,
    /// The value (sealed as the database holds it, until the caller opens it).
    pub value: String,
}

/// A stored account. The hash never leaves the server (this type is not `Serialize`).
pub struct UserRow {
    /// Account id.
    pub id: i64,
    /// User name.
    pub username: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// When the password was last set, RFC 3339 UTC.
    pub password_changed_at: String,
    /// Sessions created in an older epoch are over.
    pub session_epoch: i64,
    /// The password was generated and must be changed before anything else.
    pub must_change_password: bool,
}

/// A stored audit entry.
#[derive(Debug)]
pub struct AuditRow {
    /// Entry id; newer entries have larger ids.
    pub id: i64,
    /// When, as RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Entity kind.
    pub entity_kind: String,
    /// Entity id.
    pub entity_id: String,
    /// Action spelling.
    pub action: String,
    /// Redacted image before the change.
    pub before_json: Option<String>,
    /// Redacted image after the change.
    pub after_json: Option<String>,
}

/// A kept setting. Secure values are keystore values: server-side only. Not `Serialize`.
#[derive(Clone)]
pub struct UnmodelledRow {
    /// The full setting key.
    pub key: String,
    /// Its value as JSON (a string for a secure one).
    pub value_json: String,
    /// Whether it is a keystore setting.
    pub secure: bool,
}

/// A recorded export.
#[derive(Debug)]
pub struct ExportRow {
    /// Row id.
    pub id: i64,
    /// Who exported.
    pub actor: String,
    /// The masked artifacts, `[{file, content}]`.
    pub files_json: String,
    /// When, RFC 3339 UTC.
    pub created_at: String,
}

/// A realm's test key as the browser may see it.
#[derive(Debug)]
pub struct TestKeyMark {
    /// The realm.
    pub realm: String,
    /// The public JWK, as JSON.
    pub public_jwk: String,
    /// When it was set, RFC 3339 UTC.
    pub changed_at: String,
}

/// One kept version of a document, with who made it when the audit log says.
#[derive(Debug)]
pub struct VersionRow {
    /// The version.
    pub version: i64,
    /// The body it had.
    pub body_json: String,
    /// When it was written, RFC 3339 UTC.
    pub at: String,
    /// Who wrote it (from the audit entry that recorded this version).
    pub actor: Option<String>,
    /// How (`create`, `update`, `restore`).
    pub action: Option<String>,
}

/// A sealed column's row, for re-sealing under another key: the row's key columns and the
/// stored value.
pub struct SealedRow {
    /// The deployment's row id.
    pub deployment: i64,
    /// The row's other key columns, in the order the column's update takes them.
    pub key: Vec<String>,
    /// The stored value.
    pub value: String,
}

/// A stored session: the record's bytes and the deployment change counter read with it.
pub struct SessionRow {
    /// The stored id (a hash of the cookie's, see `app::ssr::session_store`).
    pub id: String,
    /// The serialized record.
    pub data: Vec<u8>,
    /// The database's deployment change counter at the time of reading.
    pub changes: i64,
}

/// A stored login throttle window.
#[derive(Debug)]
pub struct WindowRow {
    /// Its key (see `trust_core::login_throttle`).
    pub key: String,
    /// When its first failure was, epoch seconds.
    pub started_at: i64,
    /// How many failures it holds.
    pub failures: i64,
}

/// An address that logged into an account successfully.
#[derive(Debug)]
pub struct KnownAddressRow {
    /// The address (empty when the client's was unknown).
    pub address: String,
    /// When, epoch seconds.
    pub at: i64,
}

/// The current time as the database columns hold it: RFC 3339 UTC to the second
/// (`2026-12-06T07:00:00Z`), the same text SQLite's `strftime('%Y-%m-%dT%H:%M:%SZ', 'now')`
/// writes, so that timestamps written by Rust and by column defaults compare and sort alike.
pub fn now_text() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_text_has_the_columns_shape() {
        let text = super::now_text();
        assert_eq!(text.len(), 20, "{text}");
        let bytes = text.as_bytes();
        for (at, sep) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ] {
            assert_eq!(bytes[at], sep, "{text}");
        }
        assert!(text.starts_with("20"), "{text}");
    }
}
