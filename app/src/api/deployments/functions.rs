//! The deployment server functions: thin wrappers over `ssr::deployments` and `ssr::trust`.

use leptos::{prelude::*, server_fn::codec::Json};

use super::{DeploymentList, DeploymentView, PutDeploymentInput, RemoteView, TrustOverview};
use crate::error::ApiError;

/// Every deployment and the selected one.
#[server(prefix = "/api/fn", endpoint = "list_deployments", client = crate::client::CsrfClient)]
pub async fn list_deployments() -> Result<DeploymentList, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::deployments::list(&state.pool, &scope).await
        }
        .await,
    )
}

/// Creates or replaces a deployment.
#[server(prefix = "/api/fn", endpoint = "put_deployment", input = Json, client = crate::client::CsrfClient)]
pub async fn put_deployment(input: PutDeploymentInput) -> Result<DeploymentView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            ssr::deployments::put(
                &state.pool,
                &user.username,
                &input.name,
                &input.body,
                input.version,
            )
            .await
        }
        .await,
    )
}

/// Deletes a deployment with everything in it (not the last one).
#[server(prefix = "/api/fn", endpoint = "delete_deployment", client = crate::client::CsrfClient)]
pub async fn delete_deployment(name: String, version: i64) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            ssr::deployments::delete(&state.pool, &user.username, &name, Some(version)).await
        }
        .await,
    )
}

/// Makes `name` the deployment this session works on.
#[server(prefix = "/api/fn", endpoint = "select_deployment", client = crate::client::CsrfClient)]
pub async fn select_deployment(name: String) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let session = ssr::context::session().await?;
            ssr::deployments::select(&state.pool, &session, &name).await
        }
        .await,
    )
}

/// The selected deployment's environments, trust payload and trust graph.
#[server(prefix = "/api/fn", endpoint = "load_trust_overview", client = crate::client::CsrfClient)]
pub async fn load_trust_overview() -> Result<TrustOverview, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::trust::overview(&state.pool, &scope).await
        }
        .await,
    )
}

/// The selected deployment's remote clusters with their analysis.
#[server(prefix = "/api/fn", endpoint = "remote_clusters", client = crate::client::CsrfClient)]
pub async fn remote_clusters() -> Result<Vec<RemoteView>, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::trust::remotes(&state.pool, &scope).await
        }
        .await,
    )
}
