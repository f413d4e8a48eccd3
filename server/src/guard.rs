//! Access control in front of every route: sessions, CSRF tokens and cross-site checks.
//!
//! - Public: the login page and login endpoints, static assets, and `GET /api/v1/health`.
//! - Everything else needs a logged-in session: API requests without one get 401 JSON, page
//!   requests a redirect to `/login?next=…`.
//! - Every state-changing request (not GET/HEAD/OPTIONS) is refused (403) when it comes from
//!   another site (`Sec-Fetch-Site`, `Origin`); when it needs a session it must also carry the
//!   session's CSRF token in `x-csrf-token`.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;
use trust_core::account::login_url;

use app::{
    client::CSRF_HEADER,
    error::ApiError,
    ssr::{AppState, auth},
};

/// What a request needs before it reaches its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (assets, health, the login page).
    Public,
    /// Anyone, but it changes state: only from this site (the login endpoints).
    Login,
    /// A logged-in session (and for state changes, its CSRF token).
    Session,
}

/// Static files the login page itself needs.
const PUBLIC_ASSETS: &[&str] = &["/favicon.svg", "/favicon.ico"];

/// Decides what `method path` needs.
pub fn access(method: &Method, path: &str) -> Access {
    let read = matches!(*method, Method::GET | Method::HEAD);
    match path {
        "/api/v1/session" | "/api/fn/login" if *method == Method::POST => Access::Login,
        "/login" | "/api/v1/health" if read => Access::Public,
        _ if read && (path.starts_with("/pkg/") || PUBLIC_ASSETS.contains(&path)) => Access::Public,
        _ => Access::Session,
    }
}

/// Whether a state-changing request comes from another site. Browsers send `Sec-Fetch-Site`
/// and `Origin` on such requests; non-browser clients send neither and pass.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some(site) if site != "same-origin" && site != "none") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

/// What an account whose generated password must be changed may still do: the account page
/// and the password change, its own session, and log out.
pub fn allowed_before_password_change(method: &Method, path: &str) -> bool {
    matches!(
        (method.as_str(), path),
        ("GET", "/account")
            | ("PUT", "/api/v1/account/password")
            | ("GET" | "DELETE", "/api/v1/session")
            | (
                "GET" | "POST",
                "/api/fn/change_password"
                    | "/api/fn/current_session"
                    | "/api/fn/logout"
                    | "/api/fn/list_deployments"
            )
    )
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware. Puts the logged-in [`auth::SessionUser`] into the request's extensions.
pub async fn guard(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let access = access(&method, &path);
    // Public requests (assets, health, the login endpoints) need no user, and so none of the
    // session's database work; the login page does, to send a logged-in user on.
    let needs_user = access == Access::Session || path == "/login";
    let user = if needs_user {
        match auth::live_session_user(&session, state.sessions).await {
            Ok(user) => user,
            Err(error) => return error.into_response(),
        }
    } else {
        None
    };

    if is_state_changing(&method) && is_cross_site(request.headers()) {
        return ApiError::Forbidden {
            message: "cross-site request refused".into(),
        }
        .into_response();
    }
    if access == Access::Session {
        let Some(user) = &user else {
            return if path.starts_with("/api/") {
                ApiError::Unauthenticated.into_response()
            } else {
                let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
                Redirect::to(&login_url(target)).into_response()
            };
        };
        if is_state_changing(&method) {
            let presented = request
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok());
            if !presented.is_some_and(|token| user.csrf_matches(token)) {
                let message = match presented {
                    None => "missing x-csrf-token header",
                    Some(_) => "x-csrf-token does not match this session",
                };
                return ApiError::Forbidden {
                    message: message.into(),
                }
                .into_response();
            }
        }
        if user.must_change_password && !allowed_before_password_change(&method, &path) {
            return if path.starts_with("/api/") {
                ApiError::Forbidden {
                    message: "the account's password was generated at first start; change it first (PUT /api/v1/account/password)".into(),
                }
                .into_response()
            } else {
                Redirect::to("/account").into_response()
            };
        }
    }
    if path == "/login" && user.is_some() {
        return Redirect::to("/").into_response();
    }
    if let Some(user) = user {
        request.extensions_mut().insert(user);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn access_rules() {
        assert_eq!(access(&Method::GET, "/login"), Access::Public);
        assert_eq!(access(&Method::GET, "/api/v1/health"), Access::Public);
        assert_eq!(
            access(&Method::GET, "/pkg/trust_console.wasm"),
            Access::Public
        );
        assert_eq!(access(&Method::GET, "/favicon.svg"), Access::Public);
        assert_eq!(access(&Method::POST, "/api/v1/session"), Access::Login);
        assert_eq!(access(&Method::POST, "/api/fn/login"), Access::Login);
        for (method, path) in [
            (Method::GET, "/"),
            (Method::GET, "/realms"),
            (Method::GET, "/api/v1/session"),
            (Method::DELETE, "/api/v1/session"),
            (Method::POST, "/api/v1/health"),
            (Method::POST, "/login"),
            (Method::POST, "/pkg/x"),
            (Method::GET, "/api/fn/current_session"),
            (Method::POST, "/api/fn/logout"),
            (Method::GET, "/api/v1/nope"),
        ] {
            assert_eq!(access(&method, path), Access::Session, "{method} {path}");
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn cross_site_detection() {
        assert!(!is_cross_site(&headers(&[])));
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:3000")])));
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "null")
        ])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }
}
