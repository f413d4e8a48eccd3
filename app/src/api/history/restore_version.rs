use leptos::prelude::*;

use super::RestoreInput;
use crate::{api::security::ResourceView, error::ApiError};

/// Writes a kept version's body as the resource's next version (audited as a restore); 409
/// when the resource changed since `based_on`.
#[server(prefix = "/api/fn", endpoint = "restore_version", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn restore_version(input: RestoreInput) -> Result<ResourceView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::history::restore(
                &state.pool,
                &scope,
                &user.username,
                input.kind,
                &input.name,
                input.version,
                input.based_on,
            )
            .await
        }
        .await,
    )
}
