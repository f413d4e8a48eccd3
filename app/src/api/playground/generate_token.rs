use leptos::{prelude::*, server_fn::codec::Json};

use super::{GenerateInput, GeneratedToken};
use crate::error::ApiError;

/// Signs a test token with the realm's HMAC key or its uploaded test key.
#[server(prefix = "/api/fn", endpoint = "generate_token", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn generate_token(input: GenerateInput) -> Result<GeneratedToken, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            let session = ssr::context::session().await?;
            let minter = ssr::playground::Minter {
                throttle: &state.throttle,
                session: &session,
                user: &user,
                address: ssr::context::client_address().await,
            };
            ssr::playground::generate(&state.pool, &scope, &minter, &input).await
        }
        .await,
    )
}
