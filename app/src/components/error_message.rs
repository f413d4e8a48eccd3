use leptos::prelude::*;

use crate::error::ApiError;

/// An error shown as an alert, announced by screen readers.
#[component]
pub fn ErrorMessage(
    /// The error to show.
    error: ApiError,
) -> impl IntoView {
    view! {
        <div
            role="alert"
            class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
        >
            {error.to_string()}
        </div>
    }
}
