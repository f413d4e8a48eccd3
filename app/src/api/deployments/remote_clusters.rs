use leptos::prelude::*;

use super::RemoteView;
use crate::error::ApiError;

/// The selected deployment's remote clusters with their analysis.
#[server(prefix = "/api/fn", endpoint = "remote_clusters", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn remote_clusters() -> Result<Vec<RemoteView>, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::trust::remotes(&state.pool, &scope).await
        }
        .await,
    )
}
