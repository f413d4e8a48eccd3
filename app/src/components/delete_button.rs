use leptos::prelude::*;

use crate::{
    api::security::{DeleteResource, ResourceKind},
    components::styles::BUTTON_SECONDARY,
};

/// Delete in two steps ("Delete" → "Delete for good" / "Cancel"), so one stray click or key
/// press loses nothing.
#[component]
pub fn DeleteButton(
    /// The delete action (its result is shown by the caller).
    remove: ServerAction<DeleteResource>,
    /// What to delete.
    kind: ResourceKind,
    /// Its name.
    name: String,
    /// The version the page shows (a newer one on the server makes this a 409).
    version: Option<i64>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let name = StoredValue::new(name);
    view! {
        <Show
            when=move || confirm.get()
            fallback=move || view! {
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| confirm.set(true)>"Delete"</button>
            }
        >
            <button
                type="button"
                class="inline-flex items-center rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-500"
                disabled=move || remove.pending().get()
                on:click=move |_| {
                    remove.dispatch(DeleteResource { kind, name: name.get_value(), version });
                }
            >
                "Delete for good"
            </button>
            <button type="button" class=BUTTON_SECONDARY on:click=move |_| confirm.set(false)>"Cancel"</button>
        </Show>
    }
}
