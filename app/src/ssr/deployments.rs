//! Deployments: which one a request works on ([`Scope`]), and their versioned, audited
//! create / replace / delete.
//!
//! A request works on the deployment it names (`?deployment=<name>` on the JSON API), else
//! the one its session selected with the top-bar switcher, else the oldest. The last
//! deployment cannot be deleted, so there always is one.
//!
//! Resolved deployments are kept parsed per instance ([`ScopeCache`]) for as long as the
//! database's deployment change counter — read with the session, in the same query — has not
//! moved: a request on an unchanged database resolves its deployment without a query of its
//! own, and a change through any instance is seen by the next request on every instance.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use crate::ssr::db::Pool;
use serde_json::{Value, json};
use tower_sessions::Session;
use trust_core::{
    audit::AuditAction,
    jwt::lint::Target,
    trust::{Deployment, deployment::check_deployment_name},
};

use crate::{
    api::deployments::{DeploymentList, DeploymentView},
    error::ApiError,
    ssr::db::{
        audit::{self, NewAuditEntry},
        deployments::{self, DeploymentRow},
    },
    ssr::session_store::CHANGES_KEY,
    ssr::write_plan::{self, WritePlan, exists, plan_delete, plan_write, stale},
};

/// The session key of the selected deployment's name.
const SELECTED_KEY: &str = "deployment";

/// Deployments as resolved at one value of the database's change counter (see
/// [`crate::ssr::session_store::CHANGES_KEY`]), by what the request asked for: a name, or
/// `None` for "the session's selection, else the oldest" keyed by the selection. Cheap to
/// clone; holds at most one entry per deployment and selection, dropped when the counter moves.
#[derive(Clone, Debug, Default)]
pub struct ScopeCache {
    held: Arc<Mutex<HeldScopes>>,
}

#[derive(Debug, Default)]
struct HeldScopes {
    changes: i64,
    by_request: HashMap<ScopeRequest, Scope>,
}

/// What a request asked for: `(?deployment=<name>, the session's selection when no name)`.
type ScopeRequest = (Option<String>, Option<String>);

/// Past this many entries the cache starts over (names asked for that resolve are deployments,
/// so only a console with that many deployments and selections gets here).
const MAX_CACHED_SCOPES: usize = 256;

impl ScopeCache {
    fn get(&self, changes: i64, key: &ScopeRequest) -> Option<Scope> {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        (held.changes == changes)
            .then(|| held.by_request.get(key).cloned())
            .flatten()
    }

    /// Keeps `scope`, read after the counter said `changes`; a request that loaded its session
    /// before a newer counter was seen keeps nothing (its reading is not needed any more).
    fn put(&self, changes: i64, key: ScopeRequest, scope: &Scope) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if changes < held.changes {
            return;
        }
        if changes > held.changes || held.by_request.len() >= MAX_CACHED_SCOPES {
            held.by_request.clear();
            held.changes = changes;
        }
        held.by_request.insert(key, scope.clone());
    }
}

/// [`resolve`], served from `cache` while the change counter the session was loaded with is
/// the one the cached deployment was read at. Without a counter (no session, or one created
/// by this request) it is [`resolve`].
///
/// # Errors
/// As [`resolve`] (errors are not cached).
pub async fn resolve_cached(
    pool: &Pool,
    cache: &ScopeCache,
    requested: Option<&str>,
    session: Option<&Session>,
) -> Result<Scope, ApiError> {
    let Some(session) = session else {
        return resolve(pool, requested, None).await;
    };
    let Ok(Some(changes)) = session.get::<i64>(CHANGES_KEY).await else {
        return resolve(pool, requested, Some(session)).await;
    };
    let selected = match requested {
        Some(_) => None,
        None => session.get::<String>(SELECTED_KEY).await.ok().flatten(),
    };
    let key = (requested.map(str::to_owned), selected);
    if let Some(scope) = cache.get(changes, &key) {
        return Ok(scope);
    }
    let scope = resolve(pool, requested, Some(session)).await?;
    cache.put(changes, key, &scope);
    Ok(scope)
}

/// The deployment a request works on.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its checked body.
    pub deployment: Deployment,
    /// The body's version.
    pub version: i64,
    /// The generation of its documents and secrets when this scope was read.
    pub generation: i64,
}

impl Scope {
    /// What realm lint targets.
    pub fn target(&self) -> Target {
        self.deployment.target()
    }

    /// How audit entries name a resource of this deployment: `<deployment>/<name>`.
    pub fn entity_id(&self, name: &str) -> String {
        format!("{}/{name}", self.name)
    }

    fn from_row(row: DeploymentRow) -> Self {
        let deployment = parse_row(&row);
        Self {
            id: row.id,
            name: row.name,
            deployment,
            version: row.version,
            generation: row.generation,
        }
    }
}

/// A stored body as a [`Deployment`] (a body that no longer parses is logged and read as the
/// defaults, never a failed request).
fn parse_row(row: &DeploymentRow) -> Deployment {
    serde_json::from_str::<Value>(&row.body_json)
        .map_err(|e| e.to_string())
        .and_then(|body| Deployment::parse(&row.name, &body).map_err(|e| e.to_string()))
        .unwrap_or_else(|error| {
            tracing::error!(deployment = %row.name, %error, "stored deployment no longer parses");
            Deployment::default()
        })
}

fn not_found(name: &str) -> ApiError {
    write_plan::not_found("deployment", name)
}

/// The deployment a request works on: `requested` (404 when unknown), else the session's
/// selection (ignored when it was deleted), else the oldest.
///
/// # Errors
/// [`ApiError::NotFound`] for an unknown requested name; a database failure.
pub async fn resolve(
    pool: &Pool,
    requested: Option<&str>,
    session: Option<&Session>,
) -> Result<Scope, ApiError> {
    let mut conn = pool.acquire().await?;
    if let Some(name) = requested {
        return deployments::find(&mut conn, name)
            .await?
            .map(Scope::from_row)
            .ok_or_else(|| not_found(name));
    }
    if let Some(session) = session
        && let Ok(Some(name)) = session.get::<String>(SELECTED_KEY).await
        && let Some(row) = deployments::find(&mut conn, &name).await?
    {
        return Ok(Scope::from_row(row));
    }
    deployments::oldest(&mut conn)
        .await?
        .map(Scope::from_row)
        .ok_or_else(|| {
            tracing::error!("no deployment exists");
            ApiError::Internal
        })
}

/// Every deployment, as [`Scope`]s (for checks across deployments).
///
/// # Errors
/// A database failure.
pub async fn all(pool: &Pool) -> Result<Vec<Scope>, ApiError> {
    Ok(deployments::list(pool)
        .await?
        .into_iter()
        .map(Scope::from_row)
        .collect())
}

/// Selects `name` for this session.
///
/// # Errors
/// [`ApiError::NotFound`]; a session-store or database failure.
pub async fn select(pool: &Pool, session: &Session, name: &str) -> Result<(), ApiError> {
    let scope = resolve(pool, Some(name), None).await?;
    session
        .insert(SELECTED_KEY, scope.name)
        .await
        .map_err(|error| {
            tracing::error!(%error, "session store error");
            ApiError::Internal
        })
}

fn view(row: DeploymentRow) -> DeploymentView {
    let diagnostics = parse_row(&row).diagnostics();
    DeploymentView {
        body: serde_json::from_str(&row.body_json).unwrap_or(Value::Null),
        name: row.name,
        version: row.version,
        updated_at: row.updated_at,
        diagnostics,
    }
}

/// Every deployment and the one `current` names.
///
/// # Errors
/// A database failure.
pub async fn list(pool: &Pool, current: &Scope) -> Result<DeploymentList, ApiError> {
    Ok(DeploymentList {
        current: current.name.clone(),
        deployments: deployments::list(pool)
            .await?
            .into_iter()
            .map(view)
            .collect(),
    })
}

/// One deployment.
///
/// # Errors
/// [`ApiError::NotFound`]; a database failure.
pub async fn get(pool: &Pool, name: &str) -> Result<DeploymentView, ApiError> {
    let mut conn = pool.acquire().await?;
    deployments::find(&mut conn, name)
        .await?
        .map(view)
        .ok_or_else(|| not_found(name))
}

fn image(row: &DeploymentRow) -> Value {
    let body = serde_json::from_str(&row.body_json).unwrap_or(Value::Null);
    json!({"version": row.version, "body": body})
}

/// Creates (`version` absent) or replaces (the version read) a deployment.
///
/// # Errors
/// [`ApiError::Invalid`] naming the field; [`ApiError::Conflict`] when it exists and no
/// version was given, or the version is stale; [`ApiError::NotFound`] for a version given
/// for a deployment that does not exist; a database failure (nothing is written then).
pub async fn put(
    pool: &Pool,
    actor: &str,
    name: &str,
    body: &Value,
    version: Option<i64>,
) -> Result<DeploymentView, ApiError> {
    let mut tx = pool.begin_write().await?;
    let row = put_in(&mut tx, actor, name, body, version).await?;
    tx.commit().await?;
    Ok(view(row))
}

/// [`put`] inside the caller's transaction; returns the stored row.
///
/// # Errors
/// As [`put`]; the caller's transaction must then be dropped.
pub async fn put_in(
    tx: &mut crate::ssr::db::Tx,
    actor: &str,
    name: &str,
    body: &Value,
    version: Option<i64>,
) -> Result<DeploymentRow, ApiError> {
    let checked = Deployment::parse(name, body).map_err(ApiError::from)?;
    let body_json = checked.to_json().to_string();
    let existing = deployments::find(&mut *tx, name).await?;
    let current = existing.as_ref().map(|r| r.version);
    let (row, action) = match plan_write("deployment", name, current, version)? {
        WritePlan::Create => {
            let row = deployments::insert(&mut *tx, name, &body_json)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        exists("deployment", name, None)
                    }
                    _ => ApiError::from(e),
                })?;
            (row, AuditAction::Create)
        }
        WritePlan::At(version) => {
            let Some(updated) = deployments::update(&mut *tx, name, version, &body_json).await?
            else {
                // The compare-and-swap lost to a write in between: report where it is now.
                let now = deployments::find(&mut *tx, name).await?;
                return Err(stale(
                    "deployment",
                    name,
                    version,
                    now.map_or(version, |r| r.version),
                ));
            };
            (updated, AuditAction::Update)
        }
    };
    audit::record(
        &mut *tx,
        NewAuditEntry {
            actor,
            entity_kind: "deployment",
            entity_id: name,
            action,
            before: existing.as_ref().map(image),
            after: Some(image(&row)),
        },
    )
    .await?;
    Ok(row)
}

/// Deletes a deployment (only at `version`, when given) with all its resources.
///
/// # Errors
/// [`ApiError::NotFound`]; [`ApiError::Conflict`] for a stale version or the last
/// deployment; a database failure.
pub async fn delete(
    pool: &Pool,
    actor: &str,
    name: &str,
    version: Option<i64>,
) -> Result<(), ApiError> {
    check_deployment_name(name).map_err(ApiError::from)?;
    let mut tx = pool.begin_write().await?;
    let row = deployments::find(&mut tx, name).await?;
    let version = plan_delete("deployment", name, row.as_ref().map(|r| r.version), version)?;
    let Some(row) = row else {
        return Err(not_found(name));
    };
    if deployments::count(&mut tx).await? <= 1 {
        return Err(ApiError::Conflict {
            message: format!(
                "deployment [{name}] is the only one; create another before deleting it"
            ),
        });
    }
    if !deployments::delete(&mut tx, name, version).await? {
        return Err(stale("deployment", name, version, row.version));
    }
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor,
            entity_kind: "deployment",
            entity_id: name,
            action: AuditAction::Delete,
            before: Some(image(&row)),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db;

    #[tokio::test]
    async fn cached_scopes_serve_only_the_change_counter_they_were_read_at() {
        let pool = db::testing::memory_pool().await;
        let cache = ScopeCache::default();
        let default = resolve(&pool, Some("default"), None).await.unwrap();
        let by_name = (Some("default".to_owned()), None);
        let oldest = (None, None);

        cache.put(3, by_name.clone(), &default);
        assert_eq!(cache.get(3, &by_name).map(|s| s.id), Some(default.id));
        assert!(cache.get(3, &oldest).is_none(), "another request");
        assert!(
            cache.get(4, &by_name).is_none(),
            "the database changed since"
        );

        // A scope read at a newer counter drops everything read before it.
        cache.put(4, oldest.clone(), &default);
        assert!(cache.get(3, &by_name).is_none());
        assert!(cache.get(4, &by_name).is_none());
        assert!(cache.get(4, &oldest).is_some());
        // A slow request that loaded its session before that does not turn the cache back.
        cache.put(3, by_name.clone(), &default);
        assert!(cache.get(3, &by_name).is_none());
        assert!(cache.get(4, &oldest).is_some(), "still kept");

        for i in 0..MAX_CACHED_SCOPES + 1 {
            cache.put(4, (Some(format!("d{i}")), None), &default);
        }
        assert!(
            cache.held.lock().unwrap().by_request.len() <= MAX_CACHED_SCOPES,
            "bounded"
        );
    }
}
