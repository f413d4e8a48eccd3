use leptos::{prelude::*, server_fn::codec::Json};

use super::{TestKeyInput, TestKeyView};
use crate::error::ApiError;

/// Keeps a private key server-side for signing the realm's test tokens.
#[server(prefix = "/api/fn", endpoint = "set_test_key", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn set_test_key(input: TestKeyInput) -> Result<TestKeyView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::playground::set_test_key(&state.pool, &scope, &user.username, &input).await
        }
        .await,
    )
}
