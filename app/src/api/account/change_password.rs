use leptos::prelude::*;

use super::ChangePasswordInput;
use crate::error::ApiError;

/// Changes the logged-in user's password.
#[server(prefix = "/api/fn", endpoint = "change_password", client = crate::client::CsrfClient)]
pub async fn change_password(input: ChangePasswordInput) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            ssr::auth::change_password(
                &state.pool,
                &user.username,
                user.user_id,
                input.current_password,
                &input.new_password,
            )
            .await
        }
        .await,
    )
}
