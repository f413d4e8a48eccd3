use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::History;
use crate::{api::security::ResourceKind, error::ApiError};

/// The kept versions of one resource, newest first, each with what it changed.
#[server(prefix = "/api/fn", endpoint = "resource_history", input = GetUrl, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn resource_history(kind: ResourceKind, name: String) -> Result<History, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::history::list(&state.pool, &scope, kind, &name).await
        }
        .await,
    )
}
