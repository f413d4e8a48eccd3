use leptos::prelude::*;

use super::DeploymentList;
use crate::error::ApiError;

/// Every deployment and the selected one.
#[server(prefix = "/api/fn", endpoint = "list_deployments", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
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
