use leptos::prelude::*;

use crate::error::ApiError;

/// Deletes a deployment with everything in it (not the last one).
#[server(prefix = "/api/fn", endpoint = "delete_deployment", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
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
