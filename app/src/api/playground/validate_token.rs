use leptos::{prelude::*, server_fn::codec::Json};

use super::{ValidateInput, ValidateOutcome};
use crate::error::ApiError;

/// Runs the request through the stored realm chain, role mappings and run_as on the server
/// (keys and secrets never leave it), reloading `https` JWK sets as Elasticsearch does.
#[server(prefix = "/api/fn", endpoint = "validate_token", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn validate_token(input: ValidateInput) -> Result<ValidateOutcome, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::playground::validate(&state.pool, &state.snapshots, &state.jwks, &scope, &input)
                .await
        }
        .await,
    )
}
