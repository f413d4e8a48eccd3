use leptos::prelude::*;

use crate::api::security::DiagnosticView;

/// Lint findings shown under the field they concern: errors in red (Elasticsearch's own
/// wording: the node would not start), warnings in amber.
#[component]
pub fn DiagnosticList(
    /// The findings to show (re-read whenever they change).
    #[prop(into)]
    diagnostics: Signal<Vec<DiagnosticView>>,
    /// Id of the list, for `aria-describedby` on the field.
    #[prop(optional)]
    id: String,
) -> impl IntoView {
    view! {
        <ul id=id class="mt-1 space-y-1" aria-live="polite">
            <For
                each=move || diagnostics.get()
                key=|d| (d.severity, d.message.clone())
                children=|d| {
                    let (class, label) = if d.is_error() {
                        ("text-red-700 dark:text-red-400", "Error")
                    } else {
                        ("text-amber-700 dark:text-amber-400", "Warning")
                    };
                    view! {
                        <li class=format!("text-sm {class}") data-severity=d.severity.as_str()>
                            <span class="font-semibold">{label} ": "</span>
                            {d.message}
                        </li>
                    }
                }
            />
        </ul>
    }
}
