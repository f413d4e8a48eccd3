use leptos::prelude::*;

use crate::{
    api::session::Logout,
    components::{error_message::ErrorMessage, styles::BUTTON_SECONDARY},
    nav::reload_to,
};

/// The user's name with a menu: change password, log out. A `<details>` element, so it opens
/// and closes from the keyboard without any script.
#[component]
pub fn UserMenu(
    /// The logged-in user's name.
    username: String,
) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            reload_to("/login");
        }
    });
    view! {
        <details class="relative" data-testid="user-menu">
            <summary class=format!("{BUTTON_SECONDARY} cursor-pointer list-none")>
                <svg aria-hidden="true" viewBox="0 0 20 20" class="mr-2 h-4 w-4 fill-current">
                    <path d="M10 10a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 8a7 7 0 0 1 14 0Z" />
                </svg>
                <span data-testid="current-user" class="max-w-[6rem] truncate sm:max-w-none">{username}</span>
            </summary>
            <div class="absolute right-0 z-10 mt-2 w-52 rounded-md border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                <a
                    href="/account"
                    class="block rounded px-3 py-2 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                >
                    "Change password"
                </a>
                <button
                    type="button"
                    class="block w-full rounded px-3 py-2 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                    on:click=move |_| {
                        logout.dispatch(Logout {});
                    }
                >
                    "Log out"
                </button>
                {move || {
                    logout.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })
                }}
            </div>
        </details>
    }
}
