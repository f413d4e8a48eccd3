use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_location};

use crate::components::{side_nav::SideNav, top_bar::TopBar};

/// Whether the side navigation is shown below the tablet width (`md`), where it collapses
/// behind the top bar's menu button; from `md` up it is always shown.
#[derive(Clone, Copy, Debug)]
pub struct NavOpen(pub RwSignal<bool>);

/// The logged-in frame: skip link, top bar, side navigation and the page. Below the tablet
/// width the navigation is a panel over the page, opened by the menu button and closed by
/// Escape, by choosing a page, or by the button again.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let open = RwSignal::new(false);
    provide_context(NavOpen(open));
    let location = use_location();
    Effect::watch(
        move || location.pathname.get(),
        move |_, _, _| open.set(false),
        false,
    );
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() {
            open.set(false);
        }
    };
    view! {
        <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm dark:focus:bg-slate-900"
        >
            "Skip to content"
        </a>
        <div class="flex min-h-screen flex-col" on:keydown=on_key>
            <TopBar />
            <div class="relative flex flex-1">
                <SideNav />
                <main
                    id="main"
                    tabindex="-1"
                    class="min-w-0 flex-1 break-words px-4 py-4 focus:outline-none md:px-8 md:py-6"
                >
                    <Outlet />
                </main>
            </div>
        </div>
    }
}
