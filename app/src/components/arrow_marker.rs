use leptos::prelude::*;

/// An SVG arrowhead for `marker-end` (put it in the picture's `<defs>`): a triangle filled
/// with `class`, its tip `tip` units (of 10) along, drawn `size` units wide.
pub fn arrow_marker(id: &'static str, class: &'static str, tip: u8, size: u8) -> impl IntoView {
    view! {
        <marker id=id viewBox="0 0 10 10" refX=tip refY="5" markerWidth=size markerHeight=size orient="auto-start-reverse">
            <path d="M0 0 L10 5 L0 10 z" class=class />
        </marker>
    }
}
