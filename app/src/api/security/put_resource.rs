use leptos::prelude::*;

use super::{PutResourceInput, ResourceView};
use crate::error::ApiError;

/// Creates (no version) or replaces (the version it was read at) one resource.
#[server(prefix = "/api/fn", endpoint = "put_resource", client = crate::client::CsrfClient)]
pub async fn put_resource(input: PutResourceInput) -> Result<ResourceView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            ssr::security::put(
                &state.pool,
                &user.username,
                input.kind,
                &input.name,
                &input.body,
                input.version,
            )
            .await
        }
        .await,
    )
}
