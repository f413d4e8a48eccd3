use leptos::prelude::*;

use crate::components::arrow_marker::arrow_marker;
use crate::pictures::{
    shorten,
    trust_graph::{GraphLink, GraphNode, GraphPicture, NODE_RADIUS, SIZE},
};

/// Longest deployment name drawn in full (the circle's tooltip has the whole name).
const NAME_CHARS: usize = 16;

fn link(l: GraphLink) -> impl IntoView {
    let (class, dash, start) = if l.mutual {
        (
            "stroke-green-600 dark:stroke-green-500",
            None,
            Some("url(#trust-head-mutual)"),
        )
    } else {
        ("stroke-amber-500 dark:stroke-amber-400", Some("6 4"), None)
    };
    let end = if l.mutual {
        "url(#trust-head-mutual)"
    } else {
        "url(#trust-head-one-way)"
    };
    let tooltip = if l.mutual {
        format!("{} ⇄ {} (through {})", l.from, l.to, l.via.join(", "))
    } else {
        format!(
            "{} → {}, one way only (through {})",
            l.from,
            l.to,
            l.via.join(", ")
        )
    };
    view! {
        <g data-testid="trust-link" data-from=l.from.clone() data-to=l.to.clone() data-mutual=l.mutual.to_string()>
            <title>{tooltip}</title>
            <line x1=l.x1 y1=l.y1 x2=l.x2 y2=l.y2 class=class stroke-width="2" stroke-dasharray=dash marker-start=start marker-end=end />
        </g>
    }
}

fn node(n: GraphNode) -> impl IntoView {
    view! {
        <g data-testid="trust-node" data-name=n.name.clone()>
            <title>{n.name.clone()}</title>
            <circle cx=n.x cy=n.y r=NODE_RADIUS class="fill-indigo-50 stroke-indigo-500 dark:fill-indigo-950 dark:stroke-indigo-400" stroke-width="1.5" />
            <text x=n.x y=n.y + 4 text-anchor="middle" class="fill-indigo-900 text-[11px] font-semibold dark:fill-indigo-100">{shorten(&n.name, NAME_CHARS)}</text>
        </g>
    }
}

/// Trust between managed deployments, drawn on the server (there before hydration), with its
/// text alternative in `<desc>`.
#[component]
pub fn TrustGraphPicture(picture: GraphPicture) -> impl IntoView {
    let description = picture.description();
    let one_way = picture.one_way();
    view! {
        <figure class="mt-3" data-testid="trust-graph-picture">
            <svg viewBox=format!("0 0 {SIZE} {SIZE}") role="img" aria-labelledby="trust-graph-title trust-graph-desc" class="mx-auto h-auto w-full max-w-sm">
                <title id="trust-graph-title">"Trust between managed deployments"</title>
                <desc id="trust-graph-desc">{description}</desc>
                <defs>
                    {arrow_marker("trust-head-mutual", "fill-green-600 dark:fill-green-500", 8, 7)}
                    {arrow_marker("trust-head-one-way", "fill-amber-500 dark:fill-amber-400", 8, 7)}
                </defs>
                {picture.links.into_iter().map(link).collect_view()}
                {picture.nodes.into_iter().map(node).collect_view()}
            </svg>
            <figcaption class="mt-2 text-center text-xs text-slate-600 dark:text-slate-400">
                "Solid green, two heads: mutual trust. Dashed amber: one way only — the arrow points at the trusted deployment."
                {(one_way > 0).then(|| view! {
                    <span class="block font-medium text-amber-800 dark:text-amber-300" data-testid="one-way-count">
                        {format!("{one_way} one-way trust{}", if one_way == 1 { "" } else { "s" })}
                    </span>
                })}
            </figcaption>
        </figure>
    }
}
