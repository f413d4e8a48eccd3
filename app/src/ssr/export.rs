//! Export and import of one deployment: builds the `trust_core::export::Bundle` from the
//! stored documents, secrets and kept settings; renders it (masked unless revealed after a
//! password check); refuses a non-draft export while Elasticsearch would refuse to start;
//! records each download for the next diff; and applies an import in one transaction.

use std::{collections::BTreeMap, net::IpAddr};

use crate::ssr::db::Pool;
use serde_json::{Value, json};
use trust_core::{
    audit::AuditAction,
    export::{
        self, Artifact, Bundle, ImportInput, NativeUser, Secrets, diff,
        import::{ChangeKind, ChangedResource, ImportProblem, kept_keys, owner_of_secret},
    },
    resource::{ResourceKind, realm_config::secret_change},
    trust::{
        RemoteConfig, TrustedEnvironment, environment,
        remote::{self, SIGNING_KEY},
    },
};

use crate::{
    api::{
        export::{ArtifactDiff, ExportView, ImportPreview, PreviousExport},
        security::DiagnosticView,
    },
    error::ApiError,
    ssr::{
        auth::{self, LoginThrottle, SessionUser},
        db::{
            audit::{self as audit_db, NewAuditEntry},
            deployments as deployment_rows,
            documents::{self, DocumentRow},
            exports::{self, UnmodelledRow},
        },
        deployments::{self, Scope},
        security, trust,
    },
};

/// The console version the generated files name.
pub const CONSOLE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The artifact name of the zip of everything.
pub const ZIP: &str = "zip";

fn parsed(row: &DocumentRow) -> Option<Value> {
    serde_json::from_str(&row.body_json).ok()
}

/// Everything `scope` exports, with its secret values (server-side only).
///
/// # Errors
/// A database failure.
pub async fn bundle(pool: &Pool, scope: &Scope) -> Result<Bundle, ApiError> {
    let rows = |kind: ResourceKind| documents::list(pool, scope.id, kind.as_str());
    let realm_rows = rows(ResourceKind::Realm).await?;
    let remote_rows = rows(ResourceKind::RemoteCluster).await?;
    let mapping_rows = rows(ResourceKind::RoleMapping).await?;
    let role_rows = rows(ResourceKind::Role).await?;
    let user_rows = rows(ResourceKind::User).await?;
    let environment_rows = rows(ResourceKind::TrustedEnvironment).await?;
    let mut conn = pool.acquire().await?;
    let realm_secrets =
        documents::secret_values(&mut conn, scope.id, ResourceKind::Realm.as_str()).await?;
    let remote_secrets =
        documents::secret_values(&mut conn, scope.id, ResourceKind::RemoteCluster.as_str()).await?;
    let user_secrets =
        documents::secret_values(&mut conn, scope.id, ResourceKind::User.as_str()).await?;
    let kept = exports::unmodelled(&mut conn, scope.id).await?;
    drop(conn);

    let mut bundle = Bundle {
        name: scope.name.clone(),
        deployment: scope.deployment.clone(),
        realms: security::realm_configs(&realm_rows),
        ..Bundle::default()
    };
    for secret in realm_secrets {
        if let Some(realm) = bundle.realms.iter().find(|r| r.name == secret.name) {
            let key = format!("{}.{}", realm.prefix(), secret.setting);
            bundle.secrets.insert(key, secret.value);
        }
    }
    bundle.remotes = remote_rows
        .iter()
        .filter_map(|row| Some(RemoteConfig::parse(&row.name, &parsed(row)?).ok()?.config))
        .collect();
    for secret in remote_secrets {
        if secret.setting == SIGNING_KEY {
            bundle.signing_keys.insert(secret.name, secret.value);
        } else if let Some(setting) = remote::secret_setting(&secret.setting) {
            bundle.secrets.insert(
                format!("cluster.remote.{}.{setting}", secret.name),
                secret.value,
            );
        }
    }
    bundle.role_mappings = mapping_rows
        .iter()
        .filter_map(|row| Some((row.name.clone(), parsed(row)?)))
        .collect();
    bundle.roles = role_rows
        .iter()
        .filter_map(|row| Some((row.name.clone(), parsed(row)?)))
        .collect();
    let mut passwords: BTreeMap<String, (String, String)> = user_secrets
        .into_iter()
        .map(|s| (s.name, (s.setting, s.value)))
        .collect();
    bundle.users = user_rows
        .iter()
        .filter_map(|row| {
            let body = parsed(row)?;
            let password = passwords.remove(&row.name);
            Some((row.name.clone(), NativeUser { body, password }))
        })
        .collect();
    for row in kept {
        let value: Value = serde_json::from_str(&row.value_json).unwrap_or(Value::Null);
        if row.secure {
            if let Value::String(s) = value {
                bundle.secrets.insert(row.key, s);
            }
        } else {
            bundle.other_settings.insert(row.key, value);
        }
    }
    let environments: Vec<(String, TrustedEnvironment)> = environment_rows
        .iter()
        .filter_map(|row| Some((row.name.clone(), serde_json::from_value(parsed(row)?).ok()?)))
        .collect();
    bundle.trust = environment::deployment_trust_json(&scope.deployment, &environments);
    Ok(bundle)
}

/// What blocks a non-draft export: the deployment's startup errors, the realm chain's lint
/// errors and the remote clusters' errors, with full setting keys.
///
/// # Errors
/// A database failure.
pub async fn blocking(
    pool: &Pool,
    scope: &Scope,
    bundle: &Bundle,
) -> Result<Vec<DiagnosticView>, ApiError> {
    let mut out: Vec<DiagnosticView> = scope
        .deployment
        .diagnostics()
        .into_iter()
        .chain(export::lint_errors(bundle))
        .filter(DiagnosticView::is_error)
        .collect();
    let rows = documents::list(pool, scope.id, ResourceKind::RemoteCluster.as_str()).await?;
    for (alias, found) in trust::remote_diagnostics(pool, scope, &rows).await? {
        out.extend(
            found
                .into_iter()
                .filter(DiagnosticView::is_error)
                .map(|d| DiagnosticView {
                    setting: format!("remote cluster [{alias}] {}", d.setting),
                    ..d
                }),
        );
    }
    Ok(out)
}

fn support(bundle: &Bundle) -> Vec<(String, String)> {
    export::support_files(bundle, Secrets::Masked)
        .into_iter()
        .map(|(path, content, _)| (path, content))
        .collect()
}

/// The export page of `scope`, masked, with the diff against the previous export.
///
/// # Errors
/// A database failure.
pub async fn view(pool: &Pool, scope: &Scope) -> Result<ExportView, ApiError> {
    let bundle = bundle(pool, scope).await?;
    let artifacts = export::render(&bundle, CONSOLE_VERSION, Secrets::Masked);
    let mut conn = pool.acquire().await?;
    let latest = exports::latest(&mut conn, scope.id).await?;
    drop(conn);
    let (previous, diffs) = match latest {
        None => (None, Vec::new()),
        Some(row) => {
            let before: Vec<(String, String)> =
                serde_json::from_str(&row.files_json).unwrap_or_default();
            let diffs = artifacts
                .iter()
                .map(|a| {
                    let old = before
                        .iter()
                        .find(|(file, _)| file == &a.file)
                        .map_or("", |(_, content)| content.as_str());
                    let lines = diff::lines(old, &a.content);
                    ArtifactDiff {
                        file: a.file.clone(),
                        changed: diff::changed(&lines),
                        lines,
                    }
                })
                .collect();
            (
                Some(PreviousExport {
                    created_at: row.created_at,
                    actor: row.actor,
                }),
                diffs,
            )
        }
    };
    Ok(ExportView {
        deployment: scope.name.clone(),
        console_version: CONSOLE_VERSION.to_owned(),
        blocking: blocking(pool, scope, &bundle).await?,
        files: support(&bundle),
        kept: kept_keys(&bundle),
        artifacts,
        previous,
        diffs,
    })
}

fn refuse(blocking: &[DiagnosticView]) -> ApiError {
    let listed: Vec<String> = blocking
        .iter()
        .map(|d| format!("[{}] {}", d.setting, d.message))
        .collect();
    ApiError::invalid(
        "draft",
        format!(
            "the export is refused: Elasticsearch would not start with this configuration ({} error{}: {}); fix them, or export a draft with draft=true",
            blocking.len(),
            if blocking.len() == 1 { "" } else { "s" },
            listed.join("; ")
        ),
    )
}

/// An exported file: its name and bytes.
pub struct Download {
    /// File name.
    pub file: String,
    /// `text/plain; charset=utf-8` or `application/zip`.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Every file of an export of `scope` as `(path, content)`: the artifacts, then the support
/// files under `config/` (with `secrets` revealed, the secure-settings file and signing keys
/// too). Recorded (masked) as the previous export for the next diff.
///
/// # Errors
/// [`ApiError::Invalid`] on `draft` listing the errors while Elasticsearch would refuse to
/// start and `draft` is false; a database failure.
pub async fn export_files(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    secrets: Secrets,
    draft: bool,
) -> Result<Vec<(String, String)>, ApiError> {
    let bundle = bundle(pool, scope).await?;
    let blocking = blocking(pool, scope, &bundle).await?;
    if !blocking.is_empty() && !draft {
        return Err(refuse(&blocking));
    }
    let masked = export::render(&bundle, CONSOLE_VERSION, Secrets::Masked);
    let files_json = json!(
        masked
            .iter()
            .map(|a| (a.file.clone(), a.content.clone()))
            .collect::<Vec<_>>()
    )
    .to_string();
    let mut tx = pool.begin_write().await?;
    exports::record(&mut tx, scope.id, actor, &files_json).await?;
    tx.commit().await?;
    let artifacts = if secrets == Secrets::Revealed {
        export::render(&bundle, CONSOLE_VERSION, secrets)
    } else {
        masked
    };
    let mut out: Vec<(String, String)> =
        artifacts.into_iter().map(|a| (a.file, a.content)).collect();
    out.extend(
        export::support_files(&bundle, secrets)
            .into_iter()
            .map(|(path, content, _)| (format!("config/{path}"), content)),
    );
    Ok(out)
}

/// One artifact of `scope` (masked), or the zip of all of them with the support files
/// (`artifact` = [`ZIP`]), which is recorded as the previous export for the next diff.
///
/// # Errors
/// [`ApiError::Invalid`] on `draft` listing the errors while Elasticsearch would refuse to
/// start and `draft` is false; [`ApiError::NotFound`] for an unknown artifact; a database
/// failure.
pub async fn download(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    artifact: &str,
    draft: bool,
) -> Result<Download, ApiError> {
    if artifact == ZIP {
        let folder = format!("trust-console-{}", scope.name);
        let entries: Vec<(String, Vec<u8>)> =
            export_files(pool, scope, actor, Secrets::Masked, draft)
                .await?
                .into_iter()
                .map(|(path, content)| (format!("{folder}/{path}"), content.into_bytes()))
                .collect();
        return Ok(Download {
            file: format!("{folder}.zip"),
            content_type: "application/zip",
            bytes: export::zip::write(&entries),
        });
    }
    let bundle = bundle(pool, scope).await?;
    let blocking = blocking(pool, scope, &bundle).await?;
    if !blocking.is_empty() && !draft {
        return Err(refuse(&blocking));
    }
    let artifacts = export::render(&bundle, CONSOLE_VERSION, Secrets::Masked);
    let found = artifacts
        .into_iter()
        .find(|a| a.file == artifact)
        .ok_or_else(|| ApiError::NotFound {
            message: format!(
                "no export artifact [{artifact}]; the artifacts are {}, {}, {}, {}, {}, {}, {}, {}, {} (ECE/ECH only) and zip",
                export::PLAN_MD,
                export::YML,
                export::KEYSTORE_SH,
                export::KEYSTORE_JSON,
                export::REQUESTS_CONSOLE,
                export::REQUESTS_CURL,
                export::ROLE_MAPPINGS_JSON,
                export::ROLES_JSON,
                export::TRUST_JSON
            ),
        })?;
    Ok(Download {
        file: found.file,
        content_type: "text/plain; charset=utf-8",
        bytes: found.content.into_bytes(),
    })
}

/// The artifacts with secret values, after `user` re-entered their password (throttled like a
/// login, see [`auth::confirm_password`]). Every attempt is audited (`reveal_secrets` or
/// `reveal_refused`).
///
/// # Errors
/// [`ApiError::Invalid`] on `password`; [`ApiError::RateLimited`]; a database failure.
pub async fn reveal(
    pool: &Pool,
    throttle: &LoginThrottle,
    user: &SessionUser,
    scope: &Scope,
    password: String,
    address: Option<IpAddr>,
) -> Result<Vec<Artifact>, ApiError> {
    let confirmed = auth::confirm_password(pool, throttle, user, password, address).await;
    let action = match &confirmed {
        Ok(()) => AuditAction::RevealSecrets,
        Err(ApiError::Invalid { .. } | ApiError::RateLimited { .. }) => AuditAction::RevealRefused,
        Err(_) => return confirmed.map(|()| Vec::new()),
    };
    let mut conn = pool.acquire().await?;
    audit_db::record(
        &mut conn,
        NewAuditEntry {
            actor: &user.username,
            entity_kind: "export",
            entity_id: &scope.name,
            action,
            before: None,
            after: None,
        },
    )
    .await?;
    drop(conn);
    confirmed?;
    let bundle = bundle(pool, scope).await?;
    Ok(export::render(&bundle, CONSOLE_VERSION, Secrets::Revealed))
}

/// Previews (or, with `apply`, applies in one transaction) an import into `scope`.
/// Problems are returned in the preview, and nothing is applied while there are any.
///
/// # Errors
/// [`ApiError::Invalid`] or [`ApiError::Conflict`] when a resource fails its checks or
/// changed meanwhile (nothing is applied then); a database failure.
pub async fn import(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    input: &ImportInput,
    apply: bool,
) -> Result<ImportPreview, ApiError> {
    let base = bundle(pool, scope).await?;
    let imported = match export::import(input, &base) {
        Ok(imported) => imported,
        Err(problems) => {
            return Ok(ImportPreview {
                changes: Vec::new(),
                kept: Vec::new(),
                notes: Vec::new(),
                problems,
                applied: false,
            });
        }
    };
    let mut problems: Vec<ImportProblem> = Vec::new();
    for (key, value) in &imported.bundle.secrets {
        if let Err(e) = secret_change(key, &Value::String(value.clone())) {
            problems.push(ImportProblem {
                file: "secure settings".to_owned(),
                at: key.clone(),
                message: e.message,
            });
        }
    }
    let mut preview = ImportPreview {
        changes: imported.changes.clone(),
        kept: imported.kept.clone(),
        notes: imported.notes.clone(),
        applied: false,
        problems,
    };
    if !apply || !preview.problems.is_empty() {
        return Ok(preview);
    }
    apply_import(
        pool,
        scope,
        actor,
        &base,
        &imported.bundle,
        &imported.changes,
    )
    .await?;
    preview.applied = true;
    Ok(preview)
}

async fn apply_import(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    base: &Bundle,
    after: &Bundle,
    changes: &[export::import::Change],
) -> Result<(), ApiError> {
    let changed = |resource: ChangedResource, name: &str| {
        changes
            .iter()
            .any(|c| c.resource == resource && c.name == name && c.kind != ChangeKind::Unchanged)
    };
    let mut tx = pool.begin_write().await?;
    if changed(ChangedResource::Deployment, &scope.name) {
        let row = deployment_rows::find(&mut tx, &scope.name)
            .await?
            .ok_or(ApiError::Internal)?;
        deployments::put_in(
            &mut tx,
            actor,
            &scope.name,
            &after.deployment.to_json(),
            Some(row.version),
        )
        .await?;
    }
    for realm in &after.realms {
        if changed(ChangedResource::Realm, &realm.name) {
            put(
                &mut tx,
                scope,
                actor,
                ResourceKind::Realm,
                &realm.name,
                security::stored_realm(realm),
            )
            .await?;
        }
    }
    for config in &after.remotes {
        if changed(ChangedResource::RemoteCluster, &config.remote.alias) {
            put(
                &mut tx,
                scope,
                actor,
                ResourceKind::RemoteCluster,
                &config.remote.alias,
                config.to_json(),
            )
            .await?;
        }
    }
    for (name, body) in &after.role_mappings {
        if changed(ChangedResource::RoleMapping, name) {
            put(
                &mut tx,
                scope,
                actor,
                ResourceKind::RoleMapping,
                name,
                body.clone(),
            )
            .await?;
        }
    }
    for (name, body) in &after.roles {
        if changed(ChangedResource::Role, name) {
            put(
                &mut tx,
                scope,
                actor,
                ResourceKind::Role,
                name,
                body.clone(),
            )
            .await?;
        }
    }
    for (key, value) in &after.secrets {
        if base.secrets.get(key) == Some(value) {
            continue;
        }
        if let Some((kind, name, setting)) = owner_of_secret(after, key) {
            documents::set_secret(&mut tx, scope.id, kind.as_str(), &name, &setting, value).await?;
        }
    }
    for (alias, key) in &after.signing_keys {
        if base.signing_keys.get(alias) != Some(key) {
            let kind = ResourceKind::RemoteCluster.as_str();
            documents::set_secret(&mut tx, scope.id, kind, alias, SIGNING_KEY, key).await?;
        }
    }
    let kept: Vec<UnmodelledRow> = after
        .other_settings
        .iter()
        .map(|(key, value)| UnmodelledRow {
            key: key.clone(),
            value_json: value.to_string(),
            secure: false,
        })
        .chain(
            after
                .secrets
                .iter()
                .filter(|(key, _)| owner_of_secret(after, key).is_none())
                .map(|(key, value)| UnmodelledRow {
                    key: key.clone(),
                    value_json: Value::String(value.clone()).to_string(),
                    secure: true,
                }),
        )
        .collect();
    if kept_keys(base) != kept_keys(after) || base.other_settings != after.other_settings {
        exports::replace_unmodelled(&mut tx, scope.id, &kept).await?;
        audit_db::record(
            &mut tx,
            NewAuditEntry {
                actor,
                entity_kind: "kept_settings",
                entity_id: &scope.name,
                action: AuditAction::Update,
                before: Some(json!({"settings": base.other_settings, "secure_settings": kept_secure(base)})),
                after: Some(json!({"settings": after.other_settings, "secure_settings": kept_secure(after)})),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Creates or replaces one resource inside the import's transaction.
async fn put(
    tx: &mut crate::ssr::db::Tx,
    scope: &Scope,
    actor: &str,
    kind: ResourceKind,
    name: &str,
    body: Value,
) -> Result<(), ApiError> {
    let version = documents::find(&mut *tx, scope.id, kind.as_str(), name)
        .await?
        .map(|row| row.version);
    security::put_in(tx, scope, actor, kind, name, &body, version).await
}

/// Which kept keystore settings are set, as audit images show secrets (`"set"`).
fn kept_secure(bundle: &Bundle) -> BTreeMap<String, &'static str> {
    bundle
        .secrets
        .keys()
        .filter(|key| owner_of_secret(bundle, key).is_none())
        .map(|key| (key.clone(), "set"))
        .collect()
}
