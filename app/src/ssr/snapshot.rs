//! The validation snapshot: a deployment's realms (read and linted into a chain), role
//! mappings, roles and native users, parsed once and shared by every validation until they
//! change.
//!
//! A snapshot is stamped with the deployment's `version` (its body: stack version, run_as)
//! and `generation` (its documents and secrets, counted by database triggers in the same
//! transaction as each change). Every request reads the deployment row anyway to resolve its
//! scope, so checking the stamp costs no query; a write through any instance sharing the
//! database moves the generation on, and the next validation on every instance rebuilds. A
//! snapshot is never patched by local writes: the database is the only source of truth.
//!
//! Realm secrets live in the snapshot's chain (in memory only, as during one request before).
//! At most [`MAX_SNAPSHOTS`] are kept; a stale one is replaced, and when the map is full it is
//! emptied (the key space is small: deployments × their JWT realms).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use crate::ssr::db::Pool;
use serde_json::Value;
use trust_core::{
    directory::Directory,
    jwt::realm::Loaded,
    resource::{
        ResourceKind,
        realm_config::{self, RealmConfig},
    },
    role_mapping::{self, RoleMapping},
};

use crate::{
    error::ApiError,
    ssr::{
        db::documents::{self, DocumentRow},
        deployments::Scope,
        security::{realm_configs, realm_secrets},
    },
};

/// Most snapshots kept at once.
pub const MAX_SNAPSHOTS: usize = 256;

/// What validation reads, parsed. Not `Debug`: the chain holds realm secrets.
pub struct Snapshot {
    /// The realms as one node configuration, with the deployment's run_as switch applied.
    pub loaded: Loaded,
    /// The role mappings.
    pub mappings: Vec<RoleMapping>,
    /// The roles and native users.
    pub directory: Directory,
}

/// Which snapshot: a deployment, and the one JWT realm kept (`None`: the whole chain).
type Key = (i64, Option<String>);
/// What a snapshot was built from: the deployment's version and generation.
type Stamp = (i64, i64);
/// The snapshots held, each with what it was built from.
type Held = HashMap<Key, (Stamp, Arc<Snapshot>)>;

/// The snapshots of this process. Cheap to clone.
#[derive(Clone, Default)]
pub struct Snapshots {
    entries: Arc<Mutex<Held>>,
}

impl std::fmt::Debug for Snapshots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshots")
            .field("held", &self.len())
            .finish()
    }
}

impl Snapshots {
    /// The snapshot of `scope` (with only the JWT realm `only`, when given), built when there is
    /// none yet or the deployment changed since.
    ///
    /// # Errors
    /// [`ApiError::Invalid`] on `realm` for an unknown JWT realm; [`ApiError::Conflict`] when
    /// stored documents no longer parse; a database failure. Failures are not remembered.
    pub async fn get(
        &self,
        pool: &Pool,
        scope: &Scope,
        only: Option<&str>,
    ) -> Result<Arc<Snapshot>, ApiError> {
        let key: Key = (scope.id, only.map(str::to_owned));
        let stamp: Stamp = (scope.version, scope.generation);
        if let Some(found) = self.lookup(&key, stamp) {
            return Ok(found);
        }
        let built = Arc::new(build(pool, scope, only).await?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_SNAPSHOTS && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (stamp, Arc::clone(&built)));
        Ok(built)
    }

    fn lookup(&self, key: &Key, stamp: Stamp) -> Option<Arc<Snapshot>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(key)
            .filter(|(built_at, _)| *built_at == stamp)
            .map(|(_, snapshot)| Arc::clone(snapshot))
    }

    /// How many snapshots are held (for tests).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Reads and parses everything a validation needs.
async fn build(pool: &Pool, scope: &Scope, only: Option<&str>) -> Result<Snapshot, ApiError> {
    let mut loaded = load_realms(pool, scope, only).await?;
    loaded.chain.run_as_enabled = scope.deployment.run_as_enabled;
    let (mappings, directory) = load_security(pool, scope).await?;
    Ok(Snapshot {
        loaded,
        mappings,
        directory,
    })
}

/// The stored realms loaded as one node configuration; with `only`, the other JWT realms are
/// left out (realms of other types stay, for run_as and `authorization_realms` lookups).
///
/// # Errors
/// [`ApiError::Invalid`] on `realm` when `only` names no JWT realm; a database failure.
pub async fn load_realms(
    pool: &Pool,
    scope: &Scope,
    only: Option<&str>,
) -> Result<Loaded, ApiError> {
    let rows = documents::list(pool, scope.id, ResourceKind::Realm.as_str()).await?;
    let mut configs: Vec<RealmConfig> = realm_configs(&rows);
    if let Some(name) = only {
        if !configs.iter().any(|c| c.name == name && c.kind == "jwt") {
            return Err(ApiError::invalid(
                "realm",
                format!(
                    "there is no JWT realm [{name}]; leave the realm empty to use the whole chain"
                ),
            ));
        }
        configs.retain(|c| c.kind != "jwt" || c.name == name);
    }
    let secrets = realm_secrets(pool, scope.id).await?;
    Ok(realm_config::lint(&configs, &secrets, scope.target()))
}

/// `{name: body}` of every document of `kind`.
fn by_name(rows: Vec<DocumentRow>) -> Value {
    Value::Object(
        rows.into_iter()
            .map(|row| {
                let body = serde_json::from_str(&row.body_json).unwrap_or(Value::Null);
                (row.name, body)
            })
            .collect(),
    )
}

/// The stored role mappings, roles and native users, as `check-token` reads them from files.
async fn load_security(
    pool: &Pool,
    scope: &Scope,
) -> Result<(Vec<RoleMapping>, Directory), ApiError> {
    let stored = |what: &str, errors: Vec<String>| ApiError::Conflict {
        message: format!("stored {what} no longer parse: {}", errors.join("; ")),
    };
    let mappings =
        by_name(documents::list(pool, scope.id, ResourceKind::RoleMapping.as_str()).await?);
    let mappings = role_mapping::parse_all(&mappings).map_err(|errors| {
        stored(
            "role mappings",
            errors.iter().map(ToString::to_string).collect(),
        )
    })?;
    let roles = by_name(documents::list(pool, scope.id, ResourceKind::Role.as_str()).await?);
    let users = by_name(documents::list(pool, scope.id, ResourceKind::User.as_str()).await?);
    let directory =
        Directory::parse(Some(&roles), Some(&users)).map_err(|e| stored("roles or users", e))?;
    Ok((mappings, directory))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::deployments;

    const REALM: &str = r#"{"type":"jwt","settings":{"order":2,"allowed_issuer":"iss8",
        "allowed_audiences":["aud8"],"allowed_signature_algorithms":["HS256"],
        "claims.principal":"sub"}}"#;
    const MAPPING: &str =
        r#"{"roles":["viewer"],"enabled":true,"rules":{"field":{"realm.name":"jwt8"}}}"#;

    /// A fresh database file (an in-memory one would differ per pooled connection).
    async fn pool(name: &str) -> Pool {
        let path = std::env::temp_dir().join(format!(
            "trust-console-snapshot-{name}-{}.db",
            std::process::id()
        ));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let pool = Pool::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        pool.migrate().await.unwrap();
        pool
    }

    async fn scope(pool: &Pool) -> Scope {
        deployments::resolve(pool, Some("default"), None)
            .await
            .unwrap()
    }

    async fn insert(pool: &Pool, scope: &Scope, kind: ResourceKind, name: &str, body: &str) {
        let mut tx = pool.begin_write().await.unwrap();
        documents::insert(&mut tx, scope.id, kind.as_str(), name, body)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn a_snapshot_is_shared_until_the_deployment_changes() {
        let pool = pool("shared").await;
        let before = scope(&pool).await;
        insert(&pool, &before, ResourceKind::Realm, "jwt8", REALM).await;
        let scope1 = scope(&pool).await;
        assert!(scope1.generation > before.generation, "an insert counts");

        let snapshots = Snapshots::default();
        let first = snapshots.get(&pool, &scope1, None).await.unwrap();
        let again = snapshots
            .get(&pool, &scope(&pool).await, None)
            .await
            .unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "nothing changed: the same snapshot"
        );
        assert_eq!(first.loaded.chain.jwt_realms().count(), 1);
        assert!(first.mappings.is_empty());

        // A role mapping written (by this instance or any other on the same database).
        insert(&pool, &scope1, ResourceKind::RoleMapping, "m1", MAPPING).await;
        let scope2 = scope(&pool).await;
        assert!(scope2.generation > scope1.generation);
        let rebuilt = snapshots.get(&pool, &scope2, None).await.unwrap();
        assert!(!Arc::ptr_eq(&first, &rebuilt));
        assert_eq!(rebuilt.mappings.len(), 1, "the new mapping is seen");
        assert_eq!(snapshots.len(), 1, "the stale snapshot was replaced");
    }

    #[tokio::test]
    async fn secrets_updates_and_deletes_move_the_generation_on() {
        let pool = pool("generation").await;
        let start = scope(&pool).await;
        insert(&pool, &start, ResourceKind::Realm, "jwt8", REALM).await;
        let mut last = scope(&pool).await.generation;
        let mut moved = |generation: i64, what: &str| {
            assert!(generation > last, "{what} did not move the generation on");
            last = generation;
        };

        let mut tx = pool.begin_write().await.unwrap();
        documents::set_secret(&mut tx, start.id, "realm", "jwt8", "hmac_key", "k1")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        moved(scope(&pool).await.generation, "setting a secret");

        let mut tx = pool.begin_write().await.unwrap();
        documents::set_secret(&mut tx, start.id, "realm", "jwt8", "hmac_key", "k2")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        moved(scope(&pool).await.generation, "replacing a secret");

        let mut tx = pool.begin_write().await.unwrap();
        documents::update(&mut tx, start.id, "realm", "jwt8", 1, REALM)
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        moved(scope(&pool).await.generation, "updating a document");

        let mut tx = pool.begin_write().await.unwrap();
        assert!(
            documents::delete(&mut tx, start.id, "realm", "jwt8", 2)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        moved(
            scope(&pool).await.generation,
            "deleting a document (and its secret)",
        );
    }

    #[tokio::test]
    async fn two_instances_on_one_database_each_see_the_other_s_writes() {
        let pool = pool("instances").await;
        let (a, b) = (Snapshots::default(), Snapshots::default());
        let start = scope(&pool).await;
        insert(&pool, &start, ResourceKind::Realm, "jwt8", REALM).await;
        let seen_by_a = a.get(&pool, &scope(&pool).await, None).await.unwrap();
        let seen_by_b = b.get(&pool, &scope(&pool).await, None).await.unwrap();
        assert!(seen_by_a.mappings.is_empty() && seen_by_b.mappings.is_empty());

        // B's admin adds a mapping; A's next validation reads it, though A wrote nothing.
        insert(&pool, &start, ResourceKind::RoleMapping, "m1", MAPPING).await;
        let now_a = a.get(&pool, &scope(&pool).await, None).await.unwrap();
        assert_eq!(now_a.mappings.len(), 1);
    }

    #[tokio::test]
    async fn one_realm_snapshots_are_separate_and_unknown_realms_are_refused() {
        let pool = pool("only").await;
        let start = scope(&pool).await;
        insert(&pool, &start, ResourceKind::Realm, "jwt8", REALM).await;
        insert(
            &pool,
            &start,
            ResourceKind::Realm,
            "jwt9",
            &REALM.replace("\"order\":2", "\"order\":3"),
        )
        .await;
        let now = scope(&pool).await;
        let snapshots = Snapshots::default();
        let whole = snapshots.get(&pool, &now, None).await.unwrap();
        let one = snapshots.get(&pool, &now, Some("jwt9")).await.unwrap();
        assert_eq!(whole.loaded.chain.jwt_realms().count(), 2);
        let names: Vec<&str> = one
            .loaded
            .chain
            .jwt_realms()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["jwt9"]);
        assert_eq!(snapshots.len(), 2);

        let Err(ApiError::Invalid { field, message }) =
            snapshots.get(&pool, &now, Some("nope")).await
        else {
            panic!("an unknown realm must be refused on its field");
        };
        assert_eq!(field, "realm");
        assert!(
            message.contains("there is no JWT realm [nope]"),
            "{message}"
        );
        assert_eq!(snapshots.len(), 2, "a failure is not remembered");
    }

    #[tokio::test]
    async fn the_number_of_snapshots_is_bounded() {
        let pool = pool("bounded").await;
        let snapshots = Snapshots::default();
        let base = scope(&pool).await;
        // Distinct keys without realms: deployment ids that exist only in the key.
        for id in 0..=i64::try_from(MAX_SNAPSHOTS).unwrap() {
            let scope = Scope {
                id: base.id + 1000 + id,
                ..base.clone()
            };
            snapshots.get(&pool, &scope, None).await.unwrap();
            assert!(snapshots.len() <= MAX_SNAPSHOTS);
        }
        assert_eq!(
            snapshots.len(),
            1,
            "a full map was emptied before the next entry"
        );
    }
}
