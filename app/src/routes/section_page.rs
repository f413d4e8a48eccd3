use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::{
        empty_state::EmptyState,
        styles::{MUTED, PAGE_TITLE},
    },
    nav::section,
    routes::not_found::NotFound,
};

/// A section whose editor is not built yet: its title and an empty state saying what will
/// live here.
#[component]
pub fn SectionPage(
    /// The section's route path (a key of `nav::NAV`).
    path: &'static str,
) -> impl IntoView {
    let Some(section) = section(path) else {
        return NotFound().into_any();
    };
    view! {
        <Title text=section.label />
        <h1 class=PAGE_TITLE>{section.label}</h1>
        <p class=format!("mt-1 mb-6 {MUTED}")>{section.summary}</p>
        <EmptyState
            title="Nothing here yet"
            message="This part of the console is being built. When it lands, this page will hold:"
            points=section.planned
        />
    }
    .into_any()
}
