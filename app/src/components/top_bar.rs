use leptos::prelude::*;

use crate::{
    api::session::current_session,
    components::{
        deployment_switcher::DeploymentSwitcher, theme_toggle::ThemeToggle, user_menu::UserMenu,
    },
};

/// Product name, the current deployment, the theme toggle and the user menu.
#[component]
pub fn TopBar() -> impl IntoView {
    let session = OnceResource::new(current_session());
    view! {
        <header class="flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
            <div class="flex items-center gap-4">
                <a href="/" class="flex items-center gap-2 font-semibold tracking-tight">
                    <img src="/favicon.svg" alt="" class="h-6 w-6" />
                    "trust-console"
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
