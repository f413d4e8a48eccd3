use leptos::prelude::*;

use super::ResourceView;
use crate::error::ApiError;

/// Fetches a realm's https JWK set now and keeps it (the realm at `version`).
#[server(prefix = "/api/fn", endpoint = "fetch_jwks", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn fetch_jwks(name: String, version: i64) -> Result<ResourceView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::security::fetch_jwks(
                &state.pool,
                &state.jwks,
                &scope,
                &user.username,
                &name,
                version,
            )
            .await
        }
        .await,
    )
}
