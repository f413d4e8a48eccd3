//! `trust-console db copy`: every row of one console database into another, new one — SQLite to
//! PostgreSQL when a console moves to the shared store (or back).
//!
//! - Both databases are migrated first, so both have the same schema (a test compares the two
//!   backends' schemas); the copy then goes table by table, in foreign-key order, in one write
//!   transaction on the target: all or nothing.
//! - Row ids are kept, so sealed secrets (whose associated data names their deployment's id)
//!   open on the target with the same master key: give every instance that key.
//! - Sessions and the login throttle's windows are not copied (everyone logs in again).
//! - The target must be new: it may hold no account yet. Its first-start rows (the `default`
//!   deployment) are replaced by the source's.
//! - The target's triggers fire while rows go in (document versions, generations); the copy
//!   then puts the source's versions and generations back, so the target is the source's image.
//!
//! The column lists below are the schema's, checked by the round-trip test against a real
//! PostgreSQL (`tests/tests/schema.rs` keeps the two schemas alike).

use sqlx::Row as _;

use super::{Pool, Tx};

/// How one column is read and written.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Int,
    Text,
    OptionalText,
    Bool,
}

/// A copied table: its columns in the order they are read and written.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// Whether `id` is generated (PostgreSQL's identity must move past the copied ids).
    identity: bool,
}

use Kind::{Bool, Int, OptionalText, Text};

/// Foreign-key order: parents first.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("password_hash", Text),
            ("created_at", Text),
            ("password_changed_at", Text),
            ("session_epoch", Int),
            ("must_change_password", Bool),
        ],
        identity: true,
    },
    Table {
        name: "deployments",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("body_json", Text),
            ("version", Int),
            ("created_at", Text),
            ("updated_at", Text),
            ("generation", Int),
        ],
        identity: true,
    },
    Table {
        name: "documents",
        columns: &[
            ("deployment", Int),
            ("kind", Text),
            ("name", Text),
            ("body_json", Text),
            ("version", Int),
            ("created_at", Text),
            ("updated_at", Text),
        ],
        identity: false,
    },
    Table {
        name: "secrets",
        columns: &[
            ("deployment", Int),
            ("kind", Text),
            ("name", Text),
            ("setting", Text),
            ("value", Text),
            ("changed_at", Text),
        ],
        identity: false,
    },
    Table {
        name: "test_signing_keys",
        columns: &[
            ("deployment", Int),
            ("kind", Text),
            ("realm", Text),
            ("private_pem", Text),
            ("public_jwk", Text),
            ("changed_at", Text),
        ],
        identity: false,
    },
    Table {
        name: "unmodelled_settings",
        columns: &[
            ("deployment", Int),
            ("key", Text),
            ("value_json", Text),
            ("secure", Bool),
            ("updated_at", Text),
        ],
        identity: false,
    },
    Table {
        name: "exports",
        columns: &[
            ("id", Int),
            ("deployment", Int),
            ("actor", Text),
            ("files_json", Text),
            ("created_at", Text),
        ],
        identity: true,
    },
    Table {
        name: "master_key_check",
        columns: &[("id", Int), ("sealed", Text)],
        identity: false,
    },
    Table {
        name: "audit_log",
        columns: &[
            ("id", Int),
            ("at", Text),
            ("actor", Text),
            ("entity_kind", Text),
            ("entity_id", Text),
            ("action", Text),
            ("before_json", OptionalText),
            ("after_json", OptionalText),
        ],
        identity: true,
    },
    // After documents: their insert triggers wrote versions of their own, replaced by these.
    Table {
        name: "document_versions",
        columns: &[
            ("deployment", Int),
            ("kind", Text),
            ("name", Text),
            ("version", Int),
            ("body_json", Text),
            ("at", Text),
        ],
        identity: false,
    },
];

/// One value of a copied row.
#[derive(Debug)]
enum Value {
    Int(i64),
    Text(String),
    OptionalText(Option<String>),
    Bool(bool),
}

/// Why a copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The target already holds a console.
    #[error(
        "the target database already holds a console ({0} accounts); copy only into a new, empty database"
    )]
    TargetInUse(i64),
    /// A database failed.
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Reads every row of `table` on a pool of either backend.
macro_rules! read_rows {
    ($pool:expr, $table:expr) => {{
        let columns: Vec<&str> = $table.columns.iter().map(|(name, _)| *name).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            $table.name,
            // Every table's first column is (the start of) its key.
            columns[0]
        );
        let rows = sqlx::query(&sql).fetch_all($pool).await?;
        rows.iter()
            .map(|row| {
                $table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, kind))| {
                        Ok(match kind {
                            Int => Value::Int(row.try_get(i)?),
                            Text => Value::Text(row.try_get(i)?),
                            OptionalText => Value::OptionalText(row.try_get(i)?),
                            Bool => Value::Bool(row.try_get(i)?),
                        })
                    })
                    .collect::<Result<Vec<Value>, sqlx::Error>>()
            })
            .collect::<Result<Vec<Vec<Value>>, sqlx::Error>>()?
    }};
}

/// Writes rows of `table` on a connection of either backend.
macro_rules! write_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let names: Vec<&str> = $table.columns.iter().map(|(name, _)| *name).collect();
        let places: Vec<String> = (1..=names.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            $table.name,
            names.join(", "),
            places.join(", ")
        );
        for row in $rows {
            let mut query = sqlx::query(&sql);
            for value in row {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.as_str()),
                    Value::OptionalText(v) => query.bind(v.as_deref()),
                    Value::Bool(v) => query.bind(*v),
                };
            }
            query.execute(&mut *$conn).await?;
        }
    }};
}

/// Runs one statement on the target.
async fn execute(tx: &mut Tx, sql: &str) -> Result<(), sqlx::Error> {
    match tx {
        Tx::Sqlite(tx) => sqlx::query(sql).execute(&mut **tx).await.map(drop),
        Tx::Postgres(tx) => sqlx::query(sql).execute(&mut **tx).await.map(drop),
    }
}

/// Copies every console row of `from` into the new database `to`; returns the rows copied per
/// table, in copy order.
///
/// # Errors
/// [`CopyError`]; nothing is written to `to` then.
pub async fn copy(from: &Pool, to: &Pool) -> Result<Vec<(&'static str, usize)>, CopyError> {
    from.migrate().await?;
    to.migrate().await?;
    let mut tx = to.begin_write().await?;
    let accounts = super::users::count(&mut tx).await?;
    if accounts > 0 {
        return Err(CopyError::TargetInUse(accounts));
    }
    // The target's first-start rows (and anything hanging off them) make room for the source's.
    for table in [
        "document_versions",
        "audit_log",
        "master_key_check",
        "deployments",
    ] {
        execute(&mut tx, &format!("DELETE FROM {table}")).await?;
    }
    let mut copied = Vec::new();
    // (id, generation) of the source's deployments, as read.
    let mut generations = Vec::new();
    for table in TABLES {
        let rows = match from {
            Pool::Sqlite(pool) => read_rows!(pool, table),
            Pool::Postgres(pool) => read_rows!(pool, table),
        };
        if table.name == "document_versions" {
            execute(&mut tx, "DELETE FROM document_versions").await?;
        }
        match &mut tx {
            Tx::Sqlite(conn) => write_rows!(&mut **conn, table, &rows),
            Tx::Postgres(conn) => write_rows!(&mut **conn, table, &rows),
        }
        if table.name == "deployments" {
            let column = |name: &str| table.columns.iter().position(|(c, _)| *c == name);
            let (Some(id), Some(generation)) = (column("id"), column("generation")) else {
                unreachable!("the deployments table has an id and a generation")
            };
            generations = rows
                .iter()
                .filter_map(|row| match (&row[id], &row[generation]) {
                    (Value::Int(id), Value::Int(generation)) => Some((*id, *generation)),
                    _ => None,
                })
                .collect();
        }
        copied.push((table.name, rows.len()));
    }
    // Inserting documents and secrets raised the generations: put the source's back.
    for (id, generation) in generations {
        let sql = format!("UPDATE deployments SET generation = {generation} WHERE id = {id}");
        execute(&mut tx, &sql).await?;
    }
    if let Tx::Postgres(_) = tx {
        for table in TABLES.iter().filter(|t| t.identity) {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM {0}), false)",
                table.name
            );
            execute(&mut tx, &sql).await?;
        }
    }
    tx.commit().await?;
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db::{self, testing::memory_pool};

    /// A database with a user, a second deployment, documents with a secret, an export and audit
    /// entries, the way a console leaves it.
    async fn filled() -> Pool {
        let pool = memory_pool().await;
        let mut tx = pool.begin_write().await.unwrap();
        db::users::insert(&mut tx, "admin", "$argon2id$hash")
            .await
            .unwrap();
        let prod = db::deployments::insert(&mut tx, "prod", r#"{"kind":"self_managed"}"#)
            .await
            .unwrap();
        db::documents::insert(&mut tx, prod.id, "role", "reader", r#"{"cluster":[]}"#)
            .await
            .unwrap();
        db::documents::update(
            &mut tx,
            prod.id,
            "role",
            "reader",
            1,
            r#"{"cluster":["all"]}"#,
        )
        .await
        .unwrap();
        db::documents::insert(&mut tx, prod.id, "realm", "jwt1", r#"{"type":"jwt"}"#)
            .await
            .unwrap();
        db::keys::set_check_value(&mut tx, "tc1:check")
            .await
            .unwrap();
        let Tx::Sqlite(inner) = &mut tx else {
            unreachable!("memory pools are SQLite")
        };
        // A sealed value as the master key leaves it (the copy never opens it).
        trust_store_sqlite::documents::set_secret(
            &mut **inner,
            prod.id,
            "realm",
            "jwt1",
            "hmac_key",
            "tc1:sealed",
        )
        .await
        .unwrap();
        db::exports::record(&mut tx, prod.id, "admin", "[]")
            .await
            .unwrap();
        for action in [
            trust_core::audit::AuditAction::Create,
            trust_core::audit::AuditAction::Update,
        ] {
            db::audit::record(
                &mut tx,
                db::audit::NewAuditEntry {
                    actor: "admin",
                    entity_kind: "role",
                    entity_id: "prod/reader",
                    action,
                    before: None,
                    after: None,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        pool
    }

    #[tokio::test]
    async fn a_copy_is_the_sources_image_and_the_target_goes_on_from_it() {
        let source = filled().await;
        let target = memory_pool().await;
        let copied = copy(&source, &target).await.unwrap();
        let count = |table: &str| copied.iter().find(|(t, _)| *t == table).unwrap().1;
        assert_eq!(count("users"), 1);
        assert_eq!(count("deployments"), 2, "default and prod");
        assert_eq!(count("documents"), 2);
        assert_eq!(count("secrets"), 1);
        assert_eq!(count("document_versions"), 3, "reader v1, v2 and jwt1 v1");
        assert_eq!(count("audit_log"), 2);

        let deployments = |pool: Pool| async move {
            db::deployments::list(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|d| (d.id, d.name, d.version, d.generation))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            deployments(source.clone()).await,
            deployments(target.clone()).await,
            "ids, versions and generations as in the source"
        );
        let prod = db::deployments::find(&target, "prod")
            .await
            .unwrap()
            .unwrap();
        let versions = db::versions::list(&target, prod.id, "role", "reader", "prod/reader")
            .await
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [2, 1]
        );
        let Pool::Sqlite(inner) = &target else {
            unreachable!("memory pools are SQLite")
        };
        let sealed = trust_store_sqlite::documents::secret_values(inner, prod.id, "realm")
            .await
            .unwrap();
        assert_eq!(
            sealed[0].value, "tc1:sealed",
            "secrets copied sealed, as they were"
        );

        // New rows get ids after the copied ones.
        let mut tx = target.begin_write().await.unwrap();
        let next = db::users::insert(&mut tx, "second", "$argon2id$hash")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(next, 2);

        // A target with an account is refused, and keeps what it has.
        let again = copy(&source, &target).await.unwrap_err();
        assert!(matches!(again, CopyError::TargetInUse(2)), "{again}");
        assert_eq!(db::users::count(&target).await.unwrap(), 2);
    }
}
