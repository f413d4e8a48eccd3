use leptos::{prelude::*, server_fn::codec::Json};
use trust_core::export::Artifact;

use super::RevealRequest;
use crate::error::ApiError;

/// The selected deployment's artifacts with secret values, after the admin re-entered their
/// password.
#[server(prefix = "/api/fn", endpoint = "reveal_export", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn reveal_export(request: RevealRequest) -> Result<Vec<Artifact>, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            let address = ssr::context::client_address().await;
            ssr::export::reveal(
                &state.pool,
                &state.throttle,
                &user,
                &scope,
                request.password,
                address,
            )
            .await
        }
        .await,
    )
}
