use leptos::prelude::*;

use crate::error::ApiError;

/// Ends the current session.
#[server(prefix = "/api/fn", endpoint = "logout", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn logout() -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let session = ssr::context::session().await?;
            ssr::auth::logout(&state.pool, &session, &user).await
        }
        .await,
    )
}
