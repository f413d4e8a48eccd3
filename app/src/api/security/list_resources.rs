use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::{ResourceKind, ResourceView};
use crate::error::ApiError;

/// Every resource of `kind`, by name (realms with their chain lint).
#[server(prefix = "/api/fn", endpoint = "list_resources", input = GetUrl, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn list_resources(kind: ResourceKind) -> Result<Vec<ResourceView>, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::security::list(&state.pool, &scope, kind).await
        }
        .await,
    )
}
