use leptos::prelude::*;

use super::ChangePasswordInput;
use crate::error::ApiError;

/// Changes the logged-in user's password (a wrong current password counts as a failed login).
#[server(prefix = "/api/fn", endpoint = "change_password", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn change_password(input: ChangePasswordInput) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let address = ssr::context::client_address().await;
            let session = ssr::context::session().await?;
            ssr::auth::change_password(
                &state.pool,
                &state.throttle,
                &session,
                &user,
                input.current_password,
                &input.new_password,
                address,
            )
            .await
        }
        .await,
    )
}
