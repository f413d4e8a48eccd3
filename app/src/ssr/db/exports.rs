//! The `unmodelled_settings` table (settings kept from an import that no model covers) and
//! the `exports` table (what each export contained, masked). Secure kept values are sealed here
//! before they reach the database and opened here after.

use super::{Handle, Tx, dispatch, dispatch_tx};
use crate::ssr::crypto;
pub use trust_store_rows::{ExportRow, UnmodelledRow};

/// The kept settings of a deployment, by key.
///
/// # Errors
/// Any database error; a secure value that does not open with the master key.
pub async fn unmodelled(
    db: impl Handle<'_>,
    deployment: i64,
) -> Result<Vec<UnmodelledRow>, sqlx::Error> {
    let rows = dispatch!(db, exports::unmodelled(deployment))?;
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
    tx: &mut Tx,
    deployment: i64,
    rows: &[UnmodelledRow],
) -> Result<(), sqlx::Error> {
    let stored = rows
        .iter()
        .map(|row| {
            if !row.secure {
                return Ok(row.clone());
            }
            let plain = serde_json::from_str::<String>(&row.value_json)
                .unwrap_or_else(|_| row.value_json.clone());
            let sealed = crypto::seal_db(&plain, &crypto::kept_ad(deployment, &row.key))?;
            Ok(UnmodelledRow {
                value_json: serde_json::Value::String(sealed).to_string(),
                ..row.clone()
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    dispatch_tx!(tx, exports::replace_unmodelled(deployment, &stored))
}

/// Exports kept per deployment; older ones are deleted as new ones are recorded (only the
/// latest is read, for the diff; the audit log is the history).
pub const KEPT_PER_DEPLOYMENT: i64 = 20;

/// Records an export and deletes the deployment's exports beyond the newest
/// [`KEPT_PER_DEPLOYMENT`]; returns its id. Both happen in `tx` or neither.
///
/// # Errors
/// Any database error.
pub async fn record(
    tx: &mut Tx,
    deployment: i64,
    actor: &str,
    files_json: &str,
) -> Result<i64, sqlx::Error> {
    dispatch_tx!(
        tx,
        exports::record(deployment, actor, files_json, KEPT_PER_DEPLOYMENT)
    )
}

/// How many exports of a deployment are kept.
///
/// # Errors
/// Any database error.
pub async fn count(db: impl Handle<'_>, deployment: i64) -> Result<i64, sqlx::Error> {
    dispatch!(db, exports::count(deployment))
}

/// The latest export of a deployment.
///
/// # Errors
/// Any database error.
pub async fn latest(
    db: impl Handle<'_>,
    deployment: i64,
) -> Result<Option<ExportRow>, sqlx::Error> {
    dispatch!(db, exports::latest(deployment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db::{self, testing::memory_pool};

    #[tokio::test]
    async fn only_the_newest_exports_are_kept_per_deployment() {
        let pool = memory_pool().await;
        let mut tx = pool.begin_write().await.unwrap();
        let default = db::deployments::find(&mut tx, "default")
            .await
            .unwrap()
            .unwrap()
            .id;
        let other = db::deployments::insert(&mut tx, "other", "{}")
            .await
            .unwrap()
            .id;
        record(&mut tx, other, "admin", "[0]").await.unwrap();
        let extra = 5;
        for n in 1..=KEPT_PER_DEPLOYMENT + extra {
            record(&mut tx, default, "admin", &format!("[{n}]"))
                .await
                .unwrap();
        }
        assert_eq!(count(&mut tx, default).await.unwrap(), KEPT_PER_DEPLOYMENT);
        assert_eq!(
            count(&mut tx, other).await.unwrap(),
            1,
            "another deployment's exports stay"
        );
        let newest = latest(&mut tx, default).await.unwrap().unwrap();
        assert_eq!(
            newest.files_json,
            format!("[{}]", KEPT_PER_DEPLOYMENT + extra)
        );
        // The oldest kept is the one recorded `extra` after the first.
        let Tx::Sqlite(inner) = &mut tx else {
            unreachable!("a memory pool is SQLite")
        };
        let oldest_kept: String = sqlx::query_scalar(
            "SELECT files_json FROM exports WHERE deployment = $1 ORDER BY id LIMIT 1",
        )
        .bind(default)
        .fetch_one(&mut **inner)
        .await
        .unwrap();
        assert_eq!(oldest_kept, format!("[{}]", extra + 1));
    }
}
