use leptos::prelude::*;

use crate::components::styles::BUTTON_SECONDARY;

/// A generated artifact (settings, JSON, commands) with its title and a copy button.
#[component]
pub fn CodeBlock(
    /// What it is.
    title: String,
    /// The text.
    text: String,
    /// `data-testid` of the `<pre>`.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let stored = StoredValue::new(text.clone());
    view! {
        <div class="mt-4">
            <div class="flex items-center gap-3">
                <h3 class="min-w-0 text-sm font-semibold [overflow-wrap:anywhere]">{title}</h3>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    stored.with_value(|t| crate::browser::copy_text(t));
                    let _ = stored;
                    copied.set(true);
                }>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
            </div>
            <pre tabindex="0" class="mt-2 relative overflow-x-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950" data-testid=testid>{text}</pre>
        </div>
    }
}
