use leptos::prelude::*;

use super::ExportView;
use crate::error::ApiError;

/// The selected deployment's export, secrets masked.
#[server(prefix = "/api/fn", endpoint = "load_export", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn load_export() -> Result<ExportView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::export::view(&state.pool, &scope).await
        }
        .await,
    )
}
