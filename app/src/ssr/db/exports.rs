//! The `unmodelled_settings` table (settings kept from an import that no model covers) and
//! the `exports` table (what each export contained, masked).

use sqlx::SqliteConnection;

use crate::ssr::crypto;

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
    let rows = sqlx::query_as!(
        UnmodelledRow,
        r#"SELECT key, value_json, secure AS "secure!: bool"
           FROM unmodelled_settings WHERE deployment = ? ORDER BY key"#,
        deployment
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            if !row.secure {
                return Ok(row);
            }
            // A secure value is a JSON string holding the sealed value.
            let sealed: String = serde_json::from_str(&row.value_json)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            let value = crypto::open_db(&sealed, &crypto::kept_ad(deployment, &row.key))?;
            Ok(UnmodelledRow {
                value_json: serde_json::Value::String(value).to_string(),
                ..row
            })
        })
        .collect()
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
        let value_json = if row.secure {
            let plain = serde_json::from_str::<String>(&row.value_json)
                .unwrap_or_else(|_| row.value_json.clone());
            let sealed = crypto::seal_db(&plain, &crypto::kept_ad(deployment, &row.key))?;
            serde_json::Value::String(sealed).to_string()
        } else {
            row.value_json.clone()
        };
        sqlx::query!(
            "INSERT INTO unmodelled_settings (deployment, key, value_json, secure) VALUES (?, ?, ?, ?)",
            deployment,
            row.key,
            value_json,
            row.secure
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Exports kept per deployment; older ones are deleted as new ones are recorded (only the
/// latest is read, for the diff; the audit log is the history).
pub const KEPT_PER_DEPLOYMENT: i64 = 20;

/// Records an export and deletes the deployment's exports beyond the newest
/// [`KEPT_PER_DEPLOYMENT`]; returns its id. Run it in a transaction for both to happen or
/// neither.
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
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM exports WHERE deployment = ? AND id NOT IN
           (SELECT id FROM exports WHERE deployment = ? ORDER BY id DESC LIMIT ?)",
        deployment,
        deployment,
        KEPT_PER_DEPLOYMENT
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.last_insert_rowid())
}

/// How many exports of a deployment are kept.
///
/// # Errors
/// Any database error.
pub async fn count(conn: &mut SqliteConnection, deployment: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64" FROM exports WHERE deployment = ?"#,
        deployment
    )
    .fetch_one(conn)
    .await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db;

    #[tokio::test]
    async fn only_the_newest_exports_are_kept_per_deployment() {
        let pool = db::open("sqlite::memory:").await.unwrap();
        db::MIGRATOR.run(&pool).await.unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let default = sqlx::query_scalar!(
            r#"SELECT id AS "id!: i64" FROM deployments WHERE name = 'default'"#
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        let other = sqlx::query!(
            "INSERT INTO deployments (name, body_json, version) VALUES ('other', '{}', 1)"
        )
        .execute(&mut *conn)
        .await
        .unwrap()
        .last_insert_rowid();
        record(&mut conn, other, "admin", "[0]").await.unwrap();
        let extra = 5;
        for n in 1..=KEPT_PER_DEPLOYMENT + extra {
            record(&mut conn, default, "admin", &format!("[{n}]"))
                .await
                .unwrap();
        }
        assert_eq!(
            count(&mut conn, default).await.unwrap(),
            KEPT_PER_DEPLOYMENT
        );
        assert_eq!(
            count(&mut conn, other).await.unwrap(),
            1,
            "another deployment's exports stay"
        );
        let newest = latest(&mut conn, default).await.unwrap().unwrap();
        assert_eq!(
            newest.files_json,
            format!("[{}]", KEPT_PER_DEPLOYMENT + extra)
        );
        let oldest_kept = sqlx::query_scalar!(
            "SELECT files_json FROM exports WHERE deployment = ? ORDER BY id LIMIT 1",
            default
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(oldest_kept, format!("[{}]", extra + 1));
    }
}
