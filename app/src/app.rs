//! The HTML shell (server only) and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, LazyRoute,
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path,
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
            <Routes fallback={|| (NotFound(), PageLive())}>
                <Route path=path!("/login") view={|| (LoginPage(), PageLive())} />
                <ParentRoute path=path!("") view={Lazy::<ConsoleFrameRoute>::new()}>
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()} />
                    <Route path=path!("/realms") view={Lazy::<RealmsRoute>::new()} />
                    <Route path=path!("/realms/new") view={Lazy::<RealmEditorRoute>::new()} />
                    <Route path=path!("/realms/:name") view={Lazy::<RealmEditorRoute>::new()} />
                    <Route path=path!("/role-mappings") view={Lazy::<RoleMappingsRoute>::new()} />
                    <Route
                        path=path!("/role-mappings/new")
                        view={Lazy::<RoleMappingEditorRoute>::new()}
                    />
                    <Route
                        path=path!("/role-mappings/:name")
                        view={Lazy::<RoleMappingEditorRoute>::new()}
                    />
                    <Route path=path!("/roles-users") view={Lazy::<RolesUsersRoute>::new()} />
                    <Route path=path!("/deployments") view={Lazy::<DeploymentsRoute>::new()} />
                    <Route path=path!("/environments") view={Lazy::<EnvironmentsRoute>::new()} />
                    <Route
                        path=path!("/remote-clusters")
                        view={Lazy::<RemoteClustersRoute>::new()}
                    />
                    <Route path=path!("/playground") view={Lazy::<PlaygroundRoute>::new()} />
                    <Route path=path!("/certificates") view={Lazy::<CertificatesRoute>::new()} />
                    <Route path=path!("/export") view={Lazy::<ExportRoute>::new()} />
                    <Route path=path!("/audit") view={Lazy::<AuditLogRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Marks the page live once it has hydrated (`<html data-hydrated>`; see
/// [`crate::browser::mark_hydrated`]). Rendered after each page's own view: a lazy page
/// hydrates only after its chunk arrives, later than the shell.
#[component]
fn PageLive() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| crate::browser::mark_hydrated());
}

/// Console pages as lazy routes: with `cargo leptos build --split` each is a WASM chunk of its
/// own (shared code goes into shared chunks), fetched when the page is first shown; the server
/// names the chunks a page needs in `<link rel=preload>` so a first visit fetches them with the
/// client instead of after it. The login and not-found pages stay in the main module; the
/// console frame is lazy too ([`ConsoleFrameRoute`]).
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                refer_to_the_frame();
                ($page(), PageLive()).into_any()
            }
        }
    )*};
}

/// The console frame (top bar, navigation, deployment switcher, user menu) around every
/// console page, as a lazy route of its own: the login page — where every first visit
/// starts — does without it, and the main module is 56 KiB gzip smaller (issue 19). Its code
/// loads with the page's (both are named in the page's preloads).
struct ConsoleFrameRoute;

#[lazy_route]
impl LazyRoute for ConsoleFrameRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        ConsoleLayout().into_any()
    }
}

/// Every page's lazy view refers to the frame's code without running it. wasm-split puts each
/// function into the chunk of the exact set of lazy routes that reach it: reached from the frame
/// and from different sets of pages, the frame's code scattered into ~100 more chunks that
/// every page downloaded one by one (+60 KiB gzip per page). Reached from every page, it is in
/// the few chunks of code all pages share.
#[inline(never)]
fn refer_to_the_frame() {
    std::hint::black_box(ConsoleLayout as fn() -> _);
}

lazy_pages! {
    OverviewRoute => Overview,
    RealmsRoute => RealmsPage,
    RealmEditorRoute => RealmEditorPage,
    RoleMappingsRoute => RoleMappingsPage,
    RoleMappingEditorRoute => RoleMappingEditorPage,
    RolesUsersRoute => RolesUsersPage,
    DeploymentsRoute => DeploymentsPage,
    EnvironmentsRoute => EnvironmentsPage,
    RemoteClustersRoute => RemoteClustersPage,
    PlaygroundRoute => PlaygroundPage,
    CertificatesRoute => CertificatesPage,
    ExportRoute => ExportPage,
    AuditLogRoute => AuditLogPage,
    AccountRoute => AccountPage,
}
