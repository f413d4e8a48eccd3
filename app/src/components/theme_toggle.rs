use leptos::prelude::*;
use trust_core::theme::Theme;

use crate::components::styles::BUTTON_SECONDARY;

const SUN: &str = "M10 14a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-.75-13h1.5v3h-1.5Zm0 15h1.5v3h-1.5ZM1 9.25h3v1.5H1Zm15 0h3v1.5h-3Z";
const MOON: &str = "M15.5 13.5A7 7 0 0 1 6.5 4.5a7 7 0 1 0 9 9Z";

/// Switches between light and dark; the choice is remembered in the browser.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let toggle = move |_| {
        let next = theme.get_untracked().toggled();
        theme.set(next);
        #[cfg(feature = "hydrate")]
        crate::browser::apply_theme(next);
    };
    view! {
        <button
            type="button"
            class=BUTTON_SECONDARY
            data-testid="theme-toggle"
            aria-label=move || format!("Switch to {} theme", theme.get().toggled().as_str())
            title=move || format!("Switch to {} theme", theme.get().toggled().as_str())
            on:click=toggle
        >
            <svg aria-hidden="true" viewBox="0 0 20 20" class="h-4 w-4 fill-current">
                <path d=move || {
                    if theme.get() == Theme::Dark { SUN } else { MOON }
                } />
            </svg>
            <span class="ml-2 hidden sm:inline">
                {move || if theme.get() == Theme::Dark { "Light" } else { "Dark" }}
            </span>
        </button>
    }
}
