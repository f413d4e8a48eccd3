use leptos::prelude::*;

use crate::error::ApiError;

/// Forgets the realm's test key.
#[server(prefix = "/api/fn", endpoint = "clear_test_key", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn clear_test_key(realm: String) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::playground::clear_test_key(&state.pool, &scope, &user.username, &realm).await
        }
        .await,
    )
}
