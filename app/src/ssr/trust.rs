//! Trust views that need more than one document: environment checks across every
//! deployment (reciprocity, IDs, blast radius), the trust payloads, and remote-cluster
//! analysis against the remote deployment the console manages.

use std::collections::BTreeMap;

use crate::ssr::db::Pool;
use serde_json::Value;
use trust_core::{
    jwt::lint::{DeploymentKind, Diagnostic},
    resource::ResourceKind,
    trust::{
        RemoteConfig, TrustedEnvironment,
        environment::{self, DeploymentTrust},
        remote::{self, CREDENTIALS, RemoteContext, SIGNING_KEY},
    },
};

use crate::{
    api::{
        deployments::{EnvironmentView, RemoteView, TrustOverview},
        security::DiagnosticView,
    },
    error::ApiError,
    ssr::{
        db::documents::{self, DocumentRow},
        deployments::{self, Scope},
        now_secs, views,
    },
};

/// Every deployment with its environments as stored, and the errors of those that no longer
/// pass their checks (the deployment changed kind since, say).
struct Environments {
    scopes: Vec<Scope>,
    environments: Vec<Vec<(String, TrustedEnvironment)>>,
    invalid: BTreeMap<(i64, String), Diagnostic>,
}

impl Environments {
    async fn load(pool: &Pool) -> Result<Self, ApiError> {
        let scopes = deployments::all(pool).await?;
        let mut environments = Vec::with_capacity(scopes.len());
        let mut invalid = BTreeMap::new();
        for scope in &scopes {
            let rows =
                documents::list(pool, scope.id, ResourceKind::TrustedEnvironment.as_str()).await?;
            let mut parsed = Vec::new();
            for row in rows {
                let Ok(body) = serde_json::from_str::<Value>(&row.body_json) else {
                    continue;
                };
                let Ok(stored) = serde_json::from_value::<TrustedEnvironment>(body.clone()) else {
                    tracing::error!(environment = %row.name, "stored environment no longer reads");
                    continue;
                };
                if let Err(e) = TrustedEnvironment::parse(&row.name, &body, &scope.deployment) {
                    invalid.insert(
                        (scope.id, row.name.clone()),
                        Diagnostic::error(e.field, e.message),
                    );
                }
                parsed.push((row.name, stored));
            }
            environments.push(parsed);
        }
        Ok(Self {
            scopes,
            environments,
            invalid,
        })
    }

    fn trust(&self) -> Vec<DeploymentTrust<'_>> {
        self.scopes
            .iter()
            .zip(&self.environments)
            .map(|(scope, environments)| DeploymentTrust {
                name: &scope.name,
                deployment: &scope.deployment,
                environments,
            })
            .collect()
    }

    fn index(&self, scope: &Scope) -> usize {
        self.scopes
            .iter()
            .position(|s| s.id == scope.id)
            .unwrap_or(usize::MAX)
    }
}

fn analyse_all(loaded: &Environments, scope: &Scope) -> BTreeMap<String, EnvironmentAnalysisParts> {
    let owner = loaded.index(scope);
    let trust = loaded.trust();
    let Some(mine) = loaded.environments.get(owner) else {
        return BTreeMap::new();
    };
    mine.iter()
        .map(|(name, env)| {
            let mut found = environment::analyse(owner, env, &trust);
            if let Some(error) = loaded.invalid.get(&(scope.id, name.clone())) {
                found.diagnostics.insert(0, error.clone());
            }
            let counterpart = (env.environment == environment::EnvironmentType::SelfManaged
                && scope.deployment.kind != DeploymentKind::SelfManaged)
                .then(|| environment::self_managed_counterpart(&scope.deployment));
            (
                name.clone(),
                EnvironmentAnalysisParts { found, counterpart },
            )
        })
        .collect()
}

struct EnvironmentAnalysisParts {
    found: environment::EnvironmentAnalysis,
    counterpart: Option<environment::SelfManagedTrust>,
}

/// The findings of `scope`'s environments in `rows`, by name.
///
/// # Errors
/// A database failure.
pub async fn environment_diagnostics(
    pool: &Pool,
    scope: &Scope,
    rows: &[DocumentRow],
) -> Result<BTreeMap<String, Vec<DiagnosticView>>, ApiError> {
    let loaded = Environments::load(pool).await?;
    let mut all = analyse_all(&loaded, scope);
    Ok(rows
        .iter()
        .filter_map(|row| {
            all.remove(&row.name)
                .map(|parts| (row.name.clone(), parts.found.diagnostics))
        })
        .collect())
}

/// The trust picture of `scope`.
///
/// # Errors
/// A database failure.
pub async fn overview(pool: &Pool, scope: &Scope) -> Result<TrustOverview, ApiError> {
    let loaded = Environments::load(pool).await?;
    let mut parts = analyse_all(&loaded, scope);
    let kind = ResourceKind::TrustedEnvironment;
    let rows = documents::list(pool, scope.id, kind.as_str()).await?;
    let diagnostics = parts
        .iter_mut()
        .map(|(name, p)| (name.clone(), std::mem::take(&mut p.found.diagnostics)))
        .collect();
    let resources = views::views_of(pool, scope, kind, rows, diagnostics).await?;
    let environments = resources
        .into_iter()
        .map(|resource| {
            let part = parts.remove(&resource.name);
            let (trusted, blast_radius, counterpart) = part.map_or((Vec::new(), None, None), |p| {
                (p.found.trusted, p.found.blast_radius, p.counterpart)
            });
            EnvironmentView {
                resource,
                trusted,
                blast_radius,
                counterpart,
            }
        })
        .collect();
    let mine = loaded
        .environments
        .get(loaded.index(scope))
        .cloned()
        .unwrap_or_default();
    Ok(TrustOverview {
        deployment: scope.name.clone(),
        kind: serde_json::to_value(scope.deployment.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        owner: scope.deployment.clone(),
        environments,
        payload: environment::deployment_trust_json(&scope.deployment, &mine),
        self_managed: environment::self_managed_trust(&scope.deployment, &mine),
        graph: environment::trust_graph(&loaded.trust()),
    })
}

/// Each remote of `scope` in `rows`, analysed.
async fn analyse_remotes(
    pool: &Pool,
    scope: &Scope,
    rows: &[DocumentRow],
) -> Result<BTreeMap<String, remote::RemoteAnalysis>, ApiError> {
    let scopes = deployments::all(pool).await?;
    let mut conn = pool.acquire().await?;
    let secrets: BTreeMap<(String, String), String> =
        documents::secret_values(&mut conn, scope.id, ResourceKind::RemoteCluster.as_str())
            .await?
            .into_iter()
            .map(|s| ((s.name, s.setting), s.value))
            .collect();
    drop(conn);
    let now = now_secs();
    Ok(rows
        .iter()
        .filter_map(|row| {
            let body: Value = serde_json::from_str(&row.body_json).ok()?;
            let config = RemoteConfig::parse(&row.name, &body).ok()?.config;
            let target = config
                .remote_deployment
                .as_deref()
                .and_then(|name| scopes.iter().find(|s| s.name == name))
                .map(|s| (s.name.as_str(), &s.deployment));
            let key = |setting: &str| secrets.get(&(row.name.clone(), setting.to_owned()));
            let ctx = RemoteContext {
                local_name: &scope.name,
                local: &scope.deployment,
                remote: target,
                credentials_set: key(CREDENTIALS).is_some(),
                signing_key: key(SIGNING_KEY).map(String::as_str),
                keystore_password_set: key(remote::SIGNING_KEYSTORE_PASSWORD).is_some(),
                now,
            };
            Some((row.name.clone(), remote::analyse(&config, &ctx)))
        })
        .collect())
}

/// The findings of `scope`'s remote clusters in `rows`, by alias.
///
/// # Errors
/// A database failure.
pub async fn remote_diagnostics(
    pool: &Pool,
    scope: &Scope,
    rows: &[DocumentRow],
) -> Result<BTreeMap<String, Vec<DiagnosticView>>, ApiError> {
    Ok(analyse_remotes(pool, scope, rows)
        .await?
        .into_iter()
        .map(|(name, analysis)| (name, analysis.diagnostics))
        .collect())
}

/// `scope`'s remote clusters with their analysis.
///
/// # Errors
/// A database failure.
pub async fn remotes(pool: &Pool, scope: &Scope) -> Result<Vec<RemoteView>, ApiError> {
    let kind = ResourceKind::RemoteCluster;
    let rows = documents::list(pool, scope.id, kind.as_str()).await?;
    let mut analyses = analyse_remotes(pool, scope, &rows).await?;
    let diagnostics = analyses
        .iter()
        .map(|(name, a)| (name.clone(), a.diagnostics.clone()))
        .collect();
    Ok(views::views_of(pool, scope, kind, rows, diagnostics)
        .await?
        .into_iter()
        .filter_map(|resource| {
            let analysis = analyses.remove(&resource.name)?;
            Some(RemoteView { resource, analysis })
        })
        .collect())
}
