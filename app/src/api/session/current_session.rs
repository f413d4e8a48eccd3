use leptos::{prelude::*, server_fn::codec::GetUrl};

use super::SessionInfo;
use crate::error::ApiError;

/// The logged-in user of this session.
#[server(prefix = "/api/fn", endpoint = "current_session", input = GetUrl, output = crate::client::JsonResponse, client = crate::client::CsrfClient)]
pub async fn current_session() -> Result<SessionInfo, ApiError> {
    use crate::ssr;
    ssr::context::respond(ssr::current_user().await.map(SessionInfo::from))
}
