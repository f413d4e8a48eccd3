use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::styles::{CARD, MUTED, PAGE_TITLE},
    nav::NAV,
};

/// The start page: every area of the console, one card each.
#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <Title text="Overview" />
        <h1 class=PAGE_TITLE>"Overview"</h1>
        <p class=format!("mt-1 {MUTED}")>
            "Configure and debug Elasticsearch security trust, then export it as configuration."
        </p>
        {NAV
            .iter()
            .map(|group| {
                view! {
                    <section class="mt-8" aria-label=group.label>
                        <h2 class="text-sm font-semibold uppercase tracking-wider text-slate-500 dark:text-slate-400">
                            {group.label}
                        </h2>
                        <div class="mt-3 grid gap-4 md:grid-cols-2 xl:grid-cols-3">
                            {group
                                .sections
                                .iter()
                                .map(|section| {
                                    view! {
                                        <a
                                            href=section.path
                                            class=format!(
                                                "{CARD} block hover:border-indigo-400 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600",
                                            )
                                        >
                                            <h3 class="font-semibold">{section.label}</h3>
                                            <p class=format!("mt-1 {MUTED}")>{section.summary}</p>
                                        </a>
                                    }
                                })
                                .collect_view()}
                        </div>
                    </section>
                }
            })
            .collect_view()}
    }
}
