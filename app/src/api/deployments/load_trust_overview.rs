use leptos::prelude::*;

use super::TrustOverview;
use crate::error::ApiError;

/// The selected deployment's environments, trust payload and trust graph.
#[server(prefix = "/api/fn", endpoint = "load_trust_overview", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn load_trust_overview() -> Result<TrustOverview, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::trust::overview(&state.pool, &scope).await
        }
        .await,
    )
}
