use leptos::prelude::*;

use crate::components::styles::{CARD, MUTED};

/// What a section shows while it has nothing (yet): a title, why, and what will be here.
#[component]
pub fn EmptyState(
    /// Headline.
    title: &'static str,
    /// One or two sentences.
    message: &'static str,
    /// Bullet points of what will live here.
    #[prop(optional)]
    points: &'static [&'static str],
) -> impl IntoView {
    view! {
        <section class=CARD aria-label=title>
            <div class="flex items-start gap-4">
                <div
                    aria-hidden="true"
                    class="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-indigo-50 text-indigo-600 dark:bg-indigo-950 dark:text-indigo-300"
                >
                    "∅"
                </div>
                <div>
                    <h2 class="text-base font-semibold">{title}</h2>
                    <p class=format!("mt-1 {MUTED}")>{message}</p>
                    <ul class="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
                        {points.iter().map(|point| view! { <li>{*point}</li> }).collect_view()}
                    </ul>
                </div>
            </div>
        </section>
    }
}
