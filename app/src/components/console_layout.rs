use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::components::{side_nav::SideNav, top_bar::TopBar};

/// The logged-in frame: skip link, top bar, side navigation and the page.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900"
        >
            "Skip to content"
        </a>
        <div class="flex min-h-screen flex-col">
            <TopBar />
            <div class="flex flex-1">
                <SideNav />
                <main id="main" tabindex="-1" class="min-w-0 flex-1 px-8 py-6 focus:outline-none">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}
