use leptos::prelude::*;

use crate::components::arrow_marker::arrow_marker;
use crate::pictures::{
    realm_chain::{BOX_HEIGHT, CAP_HEIGHT, ChainNode, ChainPicture, NodeState, WIDTH},
    shorten,
};

/// Left edge of the boxes.
const X: i32 = 16;
/// Longest name drawn in full (the box's tooltip has the whole name).
const NAME_CHARS: usize = 34;

/// Box and accent classes per state (light and dark).
fn classes(state: NodeState) -> (&'static str, &'static str) {
    match state {
        NodeState::Implicit => (
            "fill-slate-50 stroke-slate-400 dark:fill-slate-900 dark:stroke-slate-500",
            "fill-slate-400",
        ),
        NodeState::Ok => (
            "fill-white stroke-green-600 dark:fill-slate-900 dark:stroke-green-500",
            "fill-green-600 dark:fill-green-500",
        ),
        NodeState::Warning => (
            "fill-amber-50 stroke-amber-500 dark:fill-amber-950 dark:stroke-amber-400",
            "fill-amber-500 dark:fill-amber-400",
        ),
        NodeState::Error => (
            "fill-red-50 stroke-red-600 dark:fill-red-950 dark:stroke-red-400",
            "fill-red-600 dark:fill-red-400",
        ),
    }
}

fn arrow(from: i32, to: i32) -> impl IntoView {
    let x = WIDTH / 2;
    view! {
        <line
            x1=x
            y1=from
            x2=x
            y2=to - 3
            class="stroke-slate-400 dark:stroke-slate-500"
            stroke-width="1.5"
            marker-end="url(#chain-arrow)"
        />
    }
}

fn node(n: ChainNode) -> impl IntoView {
    let (rect, accent) = classes(n.state);
    let dashed = (n.state == NodeState::Implicit).then_some("5 4");
    let width = WIDTH - 2 * X;
    let order = if n.order.is_empty() {
        "no order".to_owned()
    } else {
        format!("order {}", n.order)
    };
    let second = format!("{} · {} · {}", n.kind, order, n.state.words());
    let tooltip = format!("{} ({}), {}", n.name, n.kind, n.state.words());
    view! {
        <g data-testid="chain-node" data-realm=n.name.clone() data-state=format!("{:?}", n.state).to_ascii_lowercase()>
            <title>{tooltip}</title>
            <rect x=X y=n.y width=width height=BOX_HEIGHT rx="8" class=rect stroke-width="1.5" stroke-dasharray=dashed />
            <circle cx=X + 18 cy=n.y + BOX_HEIGHT / 2 r="6" class=accent />
            <text x=X + 34 y=n.y + 22 class="fill-slate-900 text-[13px] font-semibold dark:fill-slate-100">{shorten(&n.name, NAME_CHARS)}</text>
            <text x=X + 34 y=n.y + 40 class="fill-slate-600 text-[11px] dark:fill-slate-300">{second}</text>
        </g>
    }
}

/// The realm chain, top to bottom in Elasticsearch's order, drawn on the server (so it is there
/// before hydration) with its text alternative in `<desc>`.
#[component]
pub fn RealmChainPicture(picture: ChainPicture) -> impl IntoView {
    let description = picture.description();
    let view_box = format!("0 0 {WIDTH} {}", picture.height);
    let cap_width = WIDTH - 2 * X;
    let mut arrows = Vec::new();
    let mut from = CAP_HEIGHT;
    for n in &picture.nodes {
        arrows.push(arrow(from, n.y));
        from = n.y + BOX_HEIGHT;
    }
    arrows.push(arrow(from, picture.end_y));
    let end_y = picture.end_y;
    let disabled = picture.disabled.clone();
    view! {
        <figure class="mt-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="realm-chain-picture">
            <svg
                viewBox=view_box
                role="img"
                aria-labelledby="realm-chain-title realm-chain-desc"
                class="mx-auto h-auto w-full max-w-md"
            >
                <title id="realm-chain-title">"The realm chain Elasticsearch runs"</title>
                <desc id="realm-chain-desc">{description}</desc>
                <defs>
                    {arrow_marker("chain-arrow", "fill-slate-400 dark:fill-slate-500", 5, 7)}
                </defs>
                <rect x=X y="0" width=cap_width height=CAP_HEIGHT rx="15" class="fill-indigo-50 stroke-indigo-400 dark:fill-indigo-950 dark:stroke-indigo-400" />
                <text x=WIDTH / 2 y="19" text-anchor="middle" class="fill-indigo-900 text-[12px] dark:fill-indigo-100">"request credentials (Bearer JWT, Basic, …)"</text>
                {arrows}
                {picture.nodes.into_iter().map(node).collect_view()}
                <rect x=X y=end_y width=cap_width height=CAP_HEIGHT rx="15" class="fill-slate-100 stroke-slate-400 dark:fill-slate-800 dark:stroke-slate-500" />
                <text x=WIDTH / 2 y=end_y + 19 text-anchor="middle" class="fill-slate-800 text-[12px] dark:fill-slate-100">"no realm authenticated them → 401"</text>
            </svg>
            <figcaption class="mt-2 text-center text-xs text-slate-600 dark:text-slate-400">
                "Each realm in turn; the first that authenticates the credentials wins. Dashed: added by Elasticsearch."
                {(!disabled.is_empty()).then(|| view! {
                    <span class="block" data-testid="chain-disabled">{format!("Disabled, not in the chain: {}", disabled.join(", "))}</span>
                })}
            </figcaption>
        </figure>
    }
}
