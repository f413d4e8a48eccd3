use leptos::prelude::*;

use crate::api::security::DiagnosticView;

/// "2 errors" / "1 warning" / "OK": a resource's lint status at a glance.
#[component]
pub fn LintBadge(
    /// The resource's findings.
    diagnostics: Vec<DiagnosticView>,
) -> impl IntoView {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    view! { <StatusBadge errors warnings=diagnostics.len() - errors /> }
}

/// The worst of `errors` and `warnings` as a coloured count, or "OK" when both are zero.
#[component]
pub fn StatusBadge(
    /// How many errors.
    errors: usize,
    /// How many warnings.
    warnings: usize,
) -> impl IntoView {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (class, text) = if errors > 0 {
        (
            "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
            plural(errors, "error"),
        )
    } else if warnings > 0 {
        (
            "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
            plural(warnings, "warning"),
        )
    } else {
        (
            "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-200",
            "OK".to_owned(),
        )
    };
    view! {
        <span class=format!("rounded px-2 py-0.5 text-xs font-medium {class}") data-testid="lint-badge">
            {text}
        </span>
    }
}
