use leptos::prelude::*;

use super::ResourceKind;
use crate::error::ApiError;

/// Deletes one resource (at `version`, when given).
#[server(prefix = "/api/fn", endpoint = "delete_resource", output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn delete_resource(
    kind: ResourceKind,
    name: String,
    version: Option<i64>,
) -> Result<(), ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::security::delete(&state.pool, &scope, &user.username, kind, &name, version).await
        }
        .await,
    )
}
