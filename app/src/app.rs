//! The HTML shell (server only) and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};
use trust_core::theme::Theme;

use crate::{
    components::console_layout::ConsoleLayout,
    routes::{
        account::AccountPage, audit_log::AuditLogPage, certificates::CertificatesPage,
        deployments::DeploymentsPage, environments::EnvironmentsPage, export::ExportPage,
        login::LoginPage, not_found::NotFound, overview::Overview, playground::PlaygroundPage,
        realm_editor::RealmEditorPage, realms::RealmsPage, remote_clusters::RemoteClustersPage,
        role_mapping_editor::RoleMappingEditorPage, role_mappings::RoleMappingsPage,
        roles_users::RolesUsersPage,
    },
};

/// What the shell needs from the request: the remembered theme and the session's CSRF token.
#[cfg(feature = "ssr")]
fn request_context() -> (Theme, String) {
    use crate::ssr::auth::SessionUser;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return (Theme::default(), String::new());
    };
    let theme = parts
        .headers
        .get(http::header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .map(Theme::from_cookie_header)
        .unwrap_or_default();
    let csrf = parts
        .extensions
        .get::<SessionUser>()
        .map(|u| u.csrf_token.clone())
        .unwrap_or_default();
    (theme, csrf)
}

/// The full HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::http::set_page_csp();
    #[cfg(feature = "ssr")]
    let (theme, csrf) = request_context();
    #[cfg(not(feature = "ssr"))]
    let (theme, csrf) = (Theme::default(), String::new());
    let html_class = if theme == Theme::Dark { "dark" } else { "" };
    // From the same folder as the client: a content-addressed one in a release binary (see
    // the server's assets module), so it can be cached for good.
    let stylesheet = format!("/{}/trust_console.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en" class=html_class>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="csrf-token" content=csrf />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="h-full bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
            </body>
        </html>
    }
}

/// The theme the page was rendered with, on either side of hydration.
fn initial_theme() -> Theme {
    #[cfg(feature = "ssr")]
    return request_context().0;
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    return crate::browser::rendered_theme();
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    Theme::default()
}

/// The root component: theme context, stylesheet and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(RwSignal::new(initial_theme()));
    view! {
        <Title formatter=|page: String| format!("{page} · trust-console") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=ConsoleLayout>
                    <Route path=path!("") view=Overview />
                    <Route path=path!("/realms") view=RealmsPage />
                    <Route path=path!("/realms/new") view=RealmEditorPage />
                    <Route path=path!("/realms/:name") view=RealmEditorPage />
                    <Route path=path!("/role-mappings") view=RoleMappingsPage />
                    <Route path=path!("/role-mappings/new") view=RoleMappingEditorPage />
                    <Route path=path!("/role-mappings/:name") view=RoleMappingEditorPage />
                    <Route path=path!("/roles-users") view=RolesUsersPage />
                    <Route path=path!("/deployments") view=DeploymentsPage />
                    <Route
                        path=path!("/environments")
                        view=EnvironmentsPage
                    />
                    <Route
                        path=path!("/remote-clusters")
                        view=RemoteClustersPage
                    />
                    <Route path=path!("/playground") view=PlaygroundPage />
                    <Route path=path!("/certificates") view=CertificatesPage />
                    <Route path=path!("/export") view=ExportPage />
                    <Route path=path!("/audit") view=AuditLogPage />
                    <Route path=path!("/account") view=AccountPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
