use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::styles::{MUTED, PAGE_TITLE};

/// Shown for any path the console does not know; answered with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <div class="mx-auto max-w-lg py-16 text-center">
            <h1 class=PAGE_TITLE>"Page not found"</h1>
            <p class=format!("mt-2 {MUTED}")>"There is no page at this address."</p>
            <a href="/" class="mt-6 inline-block text-indigo-600 underline dark:text-indigo-300">
                "Back to the overview"
            </a>
        </div>
    }
}
