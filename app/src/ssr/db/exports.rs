//! The `unmodelled_settings` table (settings kept from an import that no model covers) and
//! the `exports` table (what each export contained, masked).

use sqlx::SqliteConnection;

/// A kept setting. Secure values are keystore values: server-side only. Not `Serialize`.
pub struct UnmodelledRow {
    /// The full setting key.
    pub key: String,
    /// Its value as JSON (a string for a secure one).
    pub value_json: String,
    /// Whether it is a keystore setting.
    pub secure: bool,
}

/// A recorded export.
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

/// The kept settings of a deployment, by key.
///
/// # Errors
/// Any database error.
pub async fn unmodelled(
    conn: &mut SqliteConnection,
    deployment: i64,
) -> Result<Vec<UnmodelledRow>, sqlx::Error> {
    sqlx::query_as!(
        UnmodelledRow,
        r#"SELECT key, value_json, secure AS "secure!: bool"
           FROM unmodelled_settings WHERE deployment = ? ORDER BY key"#,
        deployment
    )
    .fetch_all(conn)
    .await
}

/// Replaces the kept settings of a deployment.
///
/// # Errors
/// Any database error.
pub async fn replace_unmodelled(
    conn: &mut SqliteConnection,
    deployment: i64,
    rows: &[UnmodelledRow],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM unmodelled_settings WHERE deployment = ?",
        deployment
    )
    .execute(&mut *conn)
    .await?;
    for row in rows {
        sqlx::query!(
            "INSERT INTO unmodelled_settings (deployment, key, value_json, secure) VALUES (?, ?, ?, ?)",
            deployment,
            row.key,
            row.value_json,
            row.secure
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records an export; returns its id.
///
/// # Errors
/// Any database error.
pub async fn record(
    conn: &mut SqliteConnection,
    deployment: i64,
    actor: &str,
    files_json: &str,
) -> Result<i64, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO exports (deployment, actor, files_json) VALUES (?, ?, ?)",
        deployment,
        actor,
        files_json
    )
    .execute(conn)
    .await?;
    Ok(done.last_insert_rowid())
}

/// The latest export of a deployment.
///
/// # Errors
/// Any database error.
pub async fn latest(
    conn: &mut SqliteConnection,
    deployment: i64,
) -> Result<Option<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        r#"SELECT id AS "id!: i64", actor, files_json, created_at
           FROM exports WHERE deployment = ? ORDER BY id DESC LIMIT 1"#,
        deployment
    )
    .fetch_optional(conn)
    .await
}
