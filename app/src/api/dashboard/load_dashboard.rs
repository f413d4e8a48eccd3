use leptos::prelude::*;

use super::Dashboard;
use crate::error::ApiError;

/// The selected deployment at a glance: each area's findings, certificates ending soon,
/// one-way trust and the newest changes.
#[server(prefix = "/api/fn", endpoint = "load_dashboard", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn load_dashboard() -> Result<Dashboard, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::dashboard::load(&state.pool, &scope).await
        }
        .await,
    )
}
