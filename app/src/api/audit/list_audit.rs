use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::AuditPageView;
use crate::error::ApiError;

/// One page of the audit log. `limit` and `before` are the raw query-string values, parsed by
/// `trust_core::paging`. They are separate optional arguments rather than one struct because a
/// GET query with every field absent encodes a struct argument as nothing at all.
#[server(prefix = "/api/fn", endpoint = "list_audit", input = GetUrl, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn list_audit(
    limit: Option<String>,
    before: Option<String>,
) -> Result<AuditPageView, ApiError> {
    use crate::ssr;
    ssr::context::respond(
        async {
            ssr::current_user().await?;
            let state = ssr::state()?;
            ssr::audit_log::page(&state.pool, limit.as_deref(), before.as_deref()).await
        }
        .await,
    )
}
