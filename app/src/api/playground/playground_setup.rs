use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::PlaygroundInfo;
use crate::error::ApiError;

/// The enabled JWT realms with their key counts, test keys and default test claims.
#[server(prefix = "/api/fn", endpoint = "playground_setup", input = GetUrl, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn playground_setup() -> Result<PlaygroundInfo, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::playground::info(&state.pool, &scope).await
        }
        .await,
    )
}
