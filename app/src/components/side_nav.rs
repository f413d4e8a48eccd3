use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::console_layout::NavOpen, nav::NAV};

/// The element id the menu button controls.
pub const SIDE_NAV_ID: &str = "side-nav";

/// The left navigation: one group per area, the current page marked (`aria-current`). Below
/// the tablet width it is hidden until the menu button opens it, then lies over the page.
#[component]
pub fn SideNav() -> impl IntoView {
    let open = use_context::<NavOpen>().map(|NavOpen(open)| open);
    let shown = move || open.is_some_and(|open| open.get());
    view! {
        <nav
            id=SIDE_NAV_ID
            aria-label="Main"
            data-open=move || shown().to_string()
            class="absolute inset-y-0 left-0 z-40 w-64 shrink-0 overflow-y-auto border-r border-slate-200 bg-white px-3 py-4 shadow-lg md:static md:block md:w-56 md:shadow-none dark:border-slate-800 dark:bg-slate-900"
            class:hidden=move || !shown()
        >
            <A
                href="/"
                exact=true
                attr:class="mb-4 block rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-200"
            >
                "Overview"
            </A>
            {NAV
                .iter()
                .map(|group| {
                    view! {
                        <div class="mb-4">
                            <h2 class="px-3 text-xs font-semibold uppercase tracking-wider text-slate-500 dark:text-slate-400">
                                {group.label}
                            </h2>
                            <ul class="mt-1 space-y-0.5">
                                {group
                                    .sections
                                    .iter()
                                    .map(|section| {
                                        view! {
                                            <li>
                                                <A
                                                    href=section.path
                                                    attr:class="block rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-600 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-200"
                                                >
                                                    {section.label}
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
                .collect_view()}
        </nav>
    }
}
