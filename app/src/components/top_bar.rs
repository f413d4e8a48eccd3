use leptos::prelude::*;

use crate::{
    api::session::current_session,
    components::{
        console_layout::NavOpen, deployment_switcher::DeploymentSwitcher, side_nav::SIDE_NAV_ID,
        theme_toggle::ThemeToggle, user_menu::UserMenu,
    },
};

/// Opens and closes the side navigation below the tablet width (hidden from `md` up, where
/// the navigation is always shown).
#[component]
fn MenuButton() -> impl IntoView {
    let open = use_context::<NavOpen>().map(|NavOpen(open)| open);
    let expanded = move || open.is_some_and(|open| open.get());
    view! {
        <button
            type="button"
            class="rounded-md p-2 text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 md:hidden dark:text-slate-200 dark:hover:bg-slate-800"
            aria-controls=SIDE_NAV_ID
            aria-expanded=move || expanded().to_string()
            aria-label="Menu"
            data-testid="menu-button"
            on:click=move |_| {
                if let Some(open) = open {
                    open.update(|o| *o = !*o);
                }
            }
        >
            <svg aria-hidden="true" viewBox="0 0 20 20" class="h-5 w-5 fill-current">
                <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
            </svg>
        </button>
    }
}

/// Product name, the current deployment, the theme toggle and the user menu.
#[component]
pub fn TopBar() -> impl IntoView {
    let session = OnceResource::new(current_session());
    view! {
        <header class="flex h-14 items-center justify-between gap-2 border-b border-slate-200 bg-white px-2 sm:px-4 dark:border-slate-800 dark:bg-slate-900">
            <div class="flex min-w-0 items-center gap-2 sm:gap-4">
                <MenuButton />
                <a href="/" class="flex items-center gap-2 font-semibold tracking-tight">
                    <img src="/favicon.svg" alt="" class="h-6 w-6" />
                    <span class="sr-only sm:not-sr-only">"trust-console"</span>
                </a>
                <DeploymentSwitcher />
            </div>
            <div class="flex items-center gap-2">
                <ThemeToggle />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        session.await.ok().map(|info| view! { <UserMenu username=info.username /> })
                    })}
                </Suspense>
            </div>
        </header>
    }
}
