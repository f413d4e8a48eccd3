use leptos::{prelude::*, server_fn::codec::Json};

use super::{ImportPreview, ImportRequest};
use crate::error::ApiError;

/// Previews or applies an import into the selected deployment.
#[server(prefix = "/api/fn", endpoint = "import_config", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn import_config(request: ImportRequest) -> Result<ImportPreview, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::export::import(
                &state.pool,
                &scope,
                &user.username,
                &request.input,
                request.apply,
            )
            .await
        }
        .await,
    )
}
