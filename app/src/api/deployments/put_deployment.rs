use leptos::{prelude::*, server_fn::codec::Json};

use super::{DeploymentView, PutDeploymentInput};
use crate::error::ApiError;

/// Creates or replaces a deployment.
#[server(prefix = "/api/fn", endpoint = "put_deployment", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
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
