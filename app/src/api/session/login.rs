use leptos::prelude::*;

use super::LoginInput;
use crate::error::ApiError;

/// Logs in on the current session. Public (no session needed); throttled per account and
/// address.
#[server(prefix = "/api/fn", endpoint = "login", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn login(input: LoginInput) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let state = ssr::state()?;
            let session = ssr::context::session().await?;
            let address = ssr::context::client_address().await;
            ssr::auth::login(
                &state.pool,
                &state.throttle,
                &session,
                &input.username,
                input.password,
                address,
            )
            .await
            .map(drop)
        }
        .await,
    )
}
