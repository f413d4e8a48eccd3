use leptos::prelude::*;

use crate::error::ApiError;

/// Ends every session of the logged-in user, this one included.
#[server(prefix = "/api/fn", endpoint = "logout_everywhere", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn logout_everywhere() -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let session = ssr::context::session().await?;
            ssr::auth::logout_everywhere(&state.pool, &session, &user).await
        }
        .await,
    )
}
