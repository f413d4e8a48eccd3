//! The HTTP surface: JSON API, server functions, pages and assets, behind the guard and the
//! session layer.

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use app::{
    App,
    api::security::{ResourceKind, api_segment},
    error::ApiError,
    shell,
    ssr::{AppState, session_store::DbSessions},
};

use crate::{
    assets,
    edge::{self, EdgePolicy},
    guard, rest,
};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tc_session";

/// The whole application.
pub fn build(state: AppState, store: DbSessions, edge: EdgePolicy) -> Router {
    let secure_cookies = edge.tls;
    let idle = Duration::seconds(i64::try_from(state.sessions.idle_secs).unwrap_or(i64::MAX));
    let sessions = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(idle));

    let api = Router::new()
        .route("/health", get(rest::health::show))
        .route(
            "/session",
            post(rest::session::create)
                .get(rest::session::show)
                .delete(rest::session::destroy),
        )
        .route(
            "/sessions",
            axum::routing::delete(rest::session::destroy_all),
        )
        .route("/audit", get(rest::audit::list))
        .route("/account/password", put(rest::account::change_password))
        .route(
            "/realms/{name}/fetch-jwks",
            post(rest::resources::fetch_jwks),
        )
        .route(
            "/realms/{name}/test-key",
            put(rest::playground::set_test_key).delete(rest::playground::clear_test_key),
        )
        .route(
            "/certificates/check",
            post(rest::certificates::check_certificate),
        )
        .route(
            "/cross-cluster/api-key/check",
            post(rest::cross_cluster::check_key),
        )
        .route(
            "/cross-cluster/remote/check",
            post(rest::cross_cluster::check_remote),
        )
        .route("/deployments", get(rest::deployments::list))
        .route(
            "/deployments/{name}",
            get(rest::deployments::show)
                .put(rest::deployments::put)
                .delete(rest::deployments::delete),
        )
        .route("/deployments/{name}/export", get(rest::export::show))
        .route(
            "/deployments/{name}/export/reveal",
            post(rest::export::reveal),
        )
        .route(
            "/deployments/{name}/export/{artifact}",
            get(rest::export::artifact),
        )
        .route(
            "/deployments/{name}/import",
            post(rest::export::import).layer(axum::extract::DefaultBodyLimit::max(
                rest::RESOURCE_BODY_LIMIT,
            )),
        )
        .route("/trust", get(rest::deployments::overview))
        .route("/trust/remote-clusters", get(rest::deployments::remotes))
        .route("/playground", get(rest::playground::info))
        .route("/playground/validate", post(rest::playground::validate))
        .route("/playground/generate", post(rest::playground::generate));
    let api = ResourceKind::ALL.into_iter().fold(api, |api, kind| {
        api.nest(
            &format!("/{}", api_segment(kind)),
            rest::resources::collection(kind),
        )
    });

    let context = page_context(&state);
    let options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", api)
        .route("/api/fn/{*name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(&state, generate_route_list(App), context, move || {
            shell(options.clone())
        })
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(edge, edge::edge))
        .with_state(state)
}

/// What every rendered page can reach: the state, and which client chunks its lazy routes need.
fn page_context(state: &AppState) -> impl Fn() + Clone + Send + 'static {
    let state = state.clone();
    move || {
        if let Some(chunks) = &state.chunk_preloads {
            provide_context(chunks.clone());
        }
        provide_context(state.clone());
    }
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), request).await
}

/// Unknown API paths get a JSON 404; anything else is an asset or the app's 404 page.
async fn fallback(State(state): State<AppState>, request: Request<Body>) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with("/api/") {
        return ApiError::NotFound {
            message: format!("no API endpoint {} {path}", request.method()),
        }
        .into_response();
    }
    if let Some(response) = assets::embedded(&path, request.headers()) {
        return response;
    }
    let context = page_context(&state);
    let handler = leptos_axum::file_and_error_handler_with_context(context, shell);
    handler(request.uri().clone(), State(state), request).await
}
