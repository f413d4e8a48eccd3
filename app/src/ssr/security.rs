//! Security resources: every body is checked by `trust-core` before it is written; writes
//! are versioned and run in one transaction with their audit entry; secrets are write-only.
//!
//! Concurrency: a replace or delete names the version it was based on and the `UPDATE` /
//! `DELETE` only matches that version, so of two edits of the same version the second gets a
//! 409 instead of silently overwriting the first.

use std::collections::BTreeMap;

use crate::ssr::db::Pool;
use serde_json::{Map, Value, json};
use trust_core::{
    audit::AuditAction,
    resource::{
        self, FieldError, ResourceKind, check_name,
        realm_config::{self, RealmConfig, SecretChange, SecretValues},
        sample_identity::SampleIdentity,
    },
    role_mapping::RoleMapping,
    trust::{RemoteConfig, TrustedEnvironment},
};

use crate::{
    api::security::{DiagnosticView, ResourceView},
    error::ApiError,
    ssr::db::{
        audit::{self, NewAuditEntry},
        documents::{self, DocumentRow},
    },
    ssr::deployments::Scope,
    ssr::jwks_fetch::JwksFetcher,
    ssr::trust,
    ssr::views::{marks_by_name, view, views_of},
    ssr::write_plan::{self, WritePlan, exists, plan_delete, plan_write, stale},
};

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::invalid(error.field, error.message)
    }
}

/// A body that passed `trust-core`'s checks, in its stored form, and the secrets it sets.
struct Checked {
    body: Value,
    secrets: BTreeMap<String, SecretChange>,
}

fn check(
    scope: &Scope,
    kind: ResourceKind,
    name: &str,
    body: &Value,
) -> Result<Checked, FieldError> {
    let plain = |body: Value| Checked {
        body,
        secrets: BTreeMap::new(),
    };
    Ok(match kind {
        ResourceKind::Realm => {
            let update = RealmConfig::parse(name, body)?;
            Checked {
                body: stored_realm(&update.config),
                secrets: update.secrets,
            }
        }
        ResourceKind::RoleMapping => {
            resource::parse_role_mapping(name, body)?;
            plain(body.clone())
        }
        ResourceKind::Role => {
            resource::check_role(name, body)?;
            plain(body.clone())
        }
        ResourceKind::User => {
            let user = resource::parse_user(name, body)?;
            Checked {
                body: user.body,
                secrets: user
                    .password
                    .map(|(field, value)| (field, SecretChange::Set(value)))
                    .into_iter()
                    .collect(),
            }
        }
        ResourceKind::SampleIdentity => {
            check_name(kind, name)?;
            let identity = SampleIdentity::parse(body)?;
            plain(serde_json::to_value(identity).unwrap_or_default())
        }
        ResourceKind::TrustedEnvironment => {
            let env = TrustedEnvironment::parse(name, body, &scope.deployment)?;
            plain(serde_json::to_value(env).unwrap_or_default())
        }
        ResourceKind::RemoteCluster => {
            let update = RemoteConfig::parse(name, body)?;
            Checked {
                body: update.config.to_json(),
                secrets: update.secrets,
            }
        }
    })
}

/// A realm's stored body: `{"type", "settings", "pkc_jwkset"?}` (secrets live apart).
pub fn stored_realm(config: &RealmConfig) -> Value {
    let mut body = json!({"type": config.kind, "settings": config.settings_json()});
    if let Some(jwks) = &config.pkc_jwkset {
        body["pkc_jwkset"] = Value::String(jwks.clone());
    }
    body
}

fn not_found(kind: ResourceKind, name: &str) -> ApiError {
    write_plan::not_found(kind.noun(), name)
}

/// Every resource of `kind`, by name.
///
/// # Errors
/// A database failure.
pub async fn list(
    pool: &Pool,
    scope: &Scope,
    kind: ResourceKind,
) -> Result<Vec<ResourceView>, ApiError> {
    let rows = documents::list(pool, scope.id, kind.as_str()).await?;
    let diagnostics = diagnose(pool, scope, kind, &rows).await?;
    views_of(pool, scope, kind, rows, diagnostics).await
}

/// One resource.
///
/// # Errors
/// [`ApiError::NotFound`], or a database failure.
pub async fn get(
    pool: &Pool,
    scope: &Scope,
    kind: ResourceKind,
    name: &str,
) -> Result<ResourceView, ApiError> {
    if matches!(kind, ResourceKind::Realm | ResourceKind::TrustedEnvironment) {
        // Realm lint needs the whole chain, and environment checks every environment, so one
        // is read through the list.
        return list(pool, scope, kind)
            .await?
            .into_iter()
            .find(|v| v.name == name)
            .ok_or_else(|| not_found(kind, name));
    }
    let mut conn = pool.acquire().await?;
    let row = documents::find(&mut conn, scope.id, kind.as_str(), name)
        .await?
        .ok_or_else(|| not_found(kind, name))?;
    let secure =
        marks_by_name(documents::secret_marks_of(&mut conn, scope.id, kind.as_str(), name).await?)
            .remove(name)
            .unwrap_or_default();
    drop(conn);
    let rows = [row];
    let found = diagnose(pool, scope, kind, &rows)
        .await?
        .remove(name)
        .unwrap_or_default();
    let [row] = rows;
    Ok(view(row, secure, found))
}

/// Creates (`version` absent) or replaces (`version` = the one the edit is based on) a
/// resource, applying the secret changes the body asks for; returns it as stored.
///
/// # Errors
/// [`ApiError::Invalid`] naming the field; [`ApiError::Conflict`] when it exists and no
/// version was given, or the version is stale; [`ApiError::NotFound`] when a version was given
/// for a resource that does not exist; a database failure (nothing is written then).
pub async fn put(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    body: &Value,
    version: Option<i64>,
) -> Result<ResourceView, ApiError> {
    let mut tx = pool.begin_write().await?;
    put_in(&mut tx, scope, actor, kind, name, body, version).await?;
    tx.commit().await?;
    get(pool, scope, kind, name).await
}

/// [`put`] inside the caller's transaction (so that an import applies all or nothing).
///
/// # Errors
/// As [`put`]; the caller's transaction must then be dropped.
pub async fn put_in(
    tx: &mut crate::ssr::db::Tx,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    body: &Value,
    version: Option<i64>,
) -> Result<(), ApiError> {
    write_in(tx, scope, actor, kind, name, body, Write::Edit(version)).await
}

/// Writes `body` (an earlier version's, from [`crate::ssr::history`]) over version
/// `based_on` of an existing resource: [`put`]'s checks and conflicts, audited as a restore.
///
/// # Errors
/// As [`put`].
pub async fn restore(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    body: &Value,
    based_on: i64,
) -> Result<ResourceView, ApiError> {
    let mut tx = pool.begin_write().await?;
    write_in(
        &mut tx,
        scope,
        actor,
        kind,
        name,
        body,
        Write::Restore(based_on),
    )
    .await?;
    tx.commit().await?;
    get(pool, scope, kind, name).await
}

/// Why a body is written, with the version it is based on.
#[derive(Clone, Copy)]
enum Write {
    /// A create (`None`) or an edit of the version read.
    Edit(Option<i64>),
    /// A restore over the version read.
    Restore(i64),
}

async fn write_in(
    tx: &mut crate::ssr::db::Tx,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    body: &Value,
    write: Write,
) -> Result<(), ApiError> {
    let version = match write {
        Write::Edit(version) => version,
        Write::Restore(version) => Some(version),
    };
    let checked = check(scope, kind, name, body)?;
    let body_json = checked.body.to_string();
    let existing = documents::find(&mut *tx, scope.id, kind.as_str(), name).await?;
    let before_secrets = secret_names(&mut *tx, scope.id, kind, name).await?;
    let current = existing.as_ref().map(|r| r.version);
    let (row, action) = match plan_write(kind.noun(), name, current, version)? {
        WritePlan::Create => {
            let row = documents::insert(&mut *tx, scope.id, kind.as_str(), name, &body_json)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => {
                        exists(kind.noun(), name, None)
                    }
                    _ => ApiError::from(e),
                })?;
            (row, AuditAction::Create)
        }
        WritePlan::At(version) => {
            let updated =
                documents::update(&mut *tx, scope.id, kind.as_str(), name, version, &body_json)
                    .await?;
            let Some(updated) = updated else {
                // The compare-and-swap lost to a write in between: report where it is now.
                let now = documents::find(&mut *tx, scope.id, kind.as_str(), name).await?;
                return Err(stale(
                    kind.noun(),
                    name,
                    version,
                    now.map_or(version, |r| r.version),
                ));
            };
            let action = match write {
                Write::Restore(_) => AuditAction::Restore,
                Write::Edit(_) => AuditAction::Update,
            };
            (updated, action)
        }
    };
    let mut after_secrets = before_secrets.clone();
    for (setting, change) in &checked.secrets {
        match change {
            SecretChange::Set(value) => {
                documents::set_secret(&mut *tx, scope.id, kind.as_str(), name, setting, value)
                    .await?;
                after_secrets.insert(setting.clone(), Value::String("set".to_owned()));
            }
            SecretChange::Clear => {
                documents::clear_secret(&mut *tx, scope.id, kind.as_str(), name, setting).await?;
                after_secrets.insert(setting.clone(), Value::Null);
            }
        }
    }
    audit::record(
        &mut *tx,
        NewAuditEntry {
            actor,
            entity_kind: kind.as_str(),
            entity_id: &scope.entity_id(name),
            action,
            before: existing.as_ref().map(|row| image(row, &before_secrets)),
            after: Some(image(&row, &after_secrets)),
        },
    )
    .await?;
    Ok(())
}

/// Deletes a resource (only at `version`, when given) with its secrets.
///
/// # Errors
/// [`ApiError::NotFound`]; [`ApiError::Conflict`] for a stale version; a database failure.
pub async fn delete(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    version: Option<i64>,
) -> Result<(), ApiError> {
    let mut tx = pool.begin_write().await?;
    let row = documents::find(&mut tx, scope.id, kind.as_str(), name).await?;
    let version = plan_delete(kind.noun(), name, row.as_ref().map(|r| r.version), version)?;
    let Some(row) = row else {
        return Err(not_found(kind, name));
    };
    let secrets = secret_names(&mut tx, scope.id, kind, name).await?;
    if !documents::delete(&mut tx, scope.id, kind.as_str(), name, version).await? {
        return Err(stale(kind.noun(), name, version, row.version));
    }
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor,
            entity_kind: kind.as_str(),
            entity_id: &scope.entity_id(name),
            action: AuditAction::Delete,
            before: Some(image(&row, &secrets)),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Fetches the realm's `https` `pkc_jwkset_path` now and keeps the answer as its JWK set (an
/// update of `version`, audited like any other), so the lint and the key table see the keys
/// Elasticsearch will load at startup.
///
/// # Errors
/// [`ApiError::Invalid`] on `settings.pkc_jwkset_path` when the realm has no https URL or the
/// fetch fails (Elasticsearch's wording), on `pkc_jwkset` when the answer is no JWK set;
/// [`ApiError::NotFound`]; [`ApiError::Conflict`] for a stale version.
pub async fn fetch_jwks(
    pool: &Pool,
    fetcher: &JwksFetcher,
    scope: &Scope,
    actor: &str,
    name: &str,
    version: i64,
) -> Result<ResourceView, ApiError> {
    let kind = ResourceKind::Realm;
    let current = get(pool, scope, kind, name).await?;
    if current.version != version {
        return Err(stale(kind.noun(), name, version, current.version));
    }
    let key = format!("xpack.security.authc.realms.jwt.{name}.pkc_jwkset_path");
    let url = current.body["settings"]["pkc_jwkset_path"]
        .as_str()
        .filter(|u| u.starts_with("https://"))
        .ok_or_else(|| {
            ApiError::invalid(
                "settings.pkc_jwkset_path",
                "only an https:// pkc_jwkset_path is fetched; a file's content is pasted or uploaded",
            )
        })?
        .to_owned();
    let content = fetcher
        .fetch(&key, &url)
        .await
        .map_err(|message| ApiError::invalid("settings.pkc_jwkset_path", message))?;
    trust_core::jwt::keys::parse_jwks(&content).map_err(|e| {
        ApiError::invalid(
            "pkc_jwkset",
            format!("JWKSet parse failed for setting [{key}]: {}", e.0),
        )
    })?;
    let mut body = current.body;
    body["pkc_jwkset"] = Value::String(content);
    put(pool, scope, actor, kind, name, &body, Some(version)).await
}

/// The secrets set on one resource, as audit-image entries (`"set"`, redacted on write).
async fn secret_names(
    conn: &mut crate::ssr::db::Tx,
    deployment: i64,
    kind: ResourceKind,
    name: &str,
) -> Result<Map<String, Value>, sqlx::Error> {
    Ok(
        documents::secret_marks_of(conn, deployment, kind.as_str(), name)
            .await?
            .into_iter()
            .map(|s| (s.setting, Value::String("set".to_owned())))
            .collect(),
    )
}

/// What the audit log keeps of a resource: its body and which secrets are set (the audit
/// writer redacts their values; a secret cleared by the change shows as `null`).
fn image(row: &DocumentRow, secrets: &Map<String, Value>) -> Value {
    let body = serde_json::from_str(&row.body_json).unwrap_or(Value::Null);
    json!({"version": row.version, "body": body, "secure_settings": secrets})
}

/// Lint findings per resource name: the realm chain's startup checks, or role-mapping
/// warnings.
async fn diagnose(
    pool: &Pool,
    scope: &Scope,
    kind: ResourceKind,
    rows: &[DocumentRow],
) -> Result<BTreeMap<String, Vec<DiagnosticView>>, ApiError> {
    match kind {
        ResourceKind::Realm => lint_realms(pool, scope, rows).await,
        ResourceKind::TrustedEnvironment => trust::environment_diagnostics(pool, scope, rows).await,
        ResourceKind::RemoteCluster => trust::remote_diagnostics(pool, scope, rows).await,
        ResourceKind::RoleMapping => Ok(rows
            .iter()
            .filter_map(|row| {
                let body: Value = serde_json::from_str(&row.body_json).ok()?;
                let mapping = RoleMapping::parse(&row.name, &body).ok()?;
                let warnings = mapping
                    .warnings()
                    .into_iter()
                    .map(|message| DiagnosticView::warning("rules", message))
                    .collect();
                Some((row.name.clone(), warnings))
            })
            .collect()),
        ResourceKind::Role | ResourceKind::User | ResourceKind::SampleIdentity => {
            Ok(BTreeMap::new())
        }
    }
}

/// Stored realms as `trust-core` configurations (a row that no longer parses is logged and
/// left out, never a failure of the whole list).
pub fn realm_configs(rows: &[DocumentRow]) -> Vec<RealmConfig> {
    rows.iter()
        .filter_map(|row| {
            let body: Value = serde_json::from_str(&row.body_json).ok()?;
            match RealmConfig::parse(&row.name, &body) {
                Ok(update) => Some(update.config),
                Err(error) => {
                    tracing::error!(realm = %row.name, %error, "stored realm no longer parses");
                    None
                }
            }
        })
        .collect()
}

/// Every realm's keystore values, for the lint and the playground (server-side only).
///
/// # Errors
/// A database failure.
pub async fn realm_secrets(pool: &Pool, deployment: i64) -> Result<SecretValues, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    Ok(
        documents::secret_values(&mut conn, deployment, ResourceKind::Realm.as_str())
            .await?
            .into_iter()
            .map(|s| ((s.name, s.setting), s.value))
            .collect(),
    )
}

async fn lint_realms(
    pool: &Pool,
    scope: &Scope,
    rows: &[DocumentRow],
) -> Result<BTreeMap<String, Vec<DiagnosticView>>, ApiError> {
    let configs = realm_configs(rows);
    let secrets = realm_secrets(pool, scope.id).await?;
    let loaded = realm_config::lint(&configs, &secrets, scope.target());
    Ok(configs
        .iter()
        .map(|config| {
            let found = realm_config::diagnostics_of(&loaded, config);
            (config.name.clone(), found)
        })
        .collect())
}
