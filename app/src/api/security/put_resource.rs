use leptos::{prelude::*, server_fn::codec::Json};

use super::{PutResourceInput, ResourceView};
use crate::error::ApiError;

/// Creates (no version) or replaces (the version it was read at) one resource.
///
/// The body travels as JSON: a URL-encoded form would turn `false` and `42` into strings,
/// and Elasticsearch matches role-mapping values by JSON type.
#[server(prefix = "/api/fn", endpoint = "put_resource", input = Json, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn put_resource(input: PutResourceInput) -> Result<ResourceView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            let user = ssr::current_user().await?;
            let state = ssr::state()?;
            let scope = ssr::context::scope().await?;
            ssr::security::put(
                &state.pool,
                &scope,
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
