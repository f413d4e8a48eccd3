use leptos::prelude::*;

use crate::error::ApiError;

/// Makes `name` the deployment this session works on.
#[server(prefix = "/api/fn", endpoint = "select_deployment", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
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
