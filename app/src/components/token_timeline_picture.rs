use leptos::prelude::*;

use crate::pictures::token_timeline::{MARGIN, TimeVerdict, Timeline, WIDTH};

/// Height of the drawing.
const HEIGHT: i32 = 96;
/// The axis.
const AXIS_Y: i32 = 52;

/// The token's times against now and the accepted window (`token_timeline`), with the realm
/// whose clock skew applies named in the caption.
#[component]
pub fn TokenTimelinePicture(timeline: Timeline, realm: String) -> impl IntoView {
    let description = timeline.description();
    let verdict = timeline.verdict;
    let (now_class, verdict_class) = match verdict {
        TimeVerdict::Within => (
            "stroke-green-600 dark:stroke-green-400",
            "text-green-800 dark:text-green-300",
        ),
        _ => (
            "stroke-red-600 dark:stroke-red-400",
            "text-red-800 dark:text-red-300",
        ),
    };
    let window = timeline.window.map(|(start, end)| {
        view! {
            <rect x=start y=AXIS_Y - 14 width=(end - start).max(2) height="28" rx="4"
                class="fill-green-100 stroke-green-500 dark:fill-green-950 dark:stroke-green-500" stroke-width="1"
                data-testid="timeline-window">
                <title>"Accepted: after iat/nbf − skew, before exp + skew"</title>
            </rect>
        }
    });
    let marks = timeline.marks.into_iter().enumerate().map(|(i, m)| {
        // Alternate labels above and below the axis so that close times stay readable.
        let label_y = if i % 2 == 0 { AXIS_Y - 20 } else { AXIS_Y + 30 };
        view! {
            <g data-testid="timeline-mark" data-label=m.label data-at=m.at.to_string()>
                <line x1=m.x y1=AXIS_Y - 10 x2=m.x y2=AXIS_Y + 10 class="stroke-slate-700 dark:stroke-slate-200" stroke-width="2" />
                <text x=m.x y=label_y text-anchor="middle" class="fill-slate-800 text-[12px] font-mono dark:fill-slate-100">{m.label}</text>
            </g>
        }
    }).collect_view();
    let now = timeline.now;
    view! {
        <figure class="mt-4" data-testid="token-timeline" data-verdict=format!("{verdict:?}").to_ascii_lowercase()>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="timeline-title timeline-desc" class="h-auto w-full">
                <title id="timeline-title">"The token's times against now"</title>
                <desc id="timeline-desc">{description}</desc>
                {window}
                <line x1=MARGIN y1=AXIS_Y x2=WIDTH - MARGIN y2=AXIS_Y class="stroke-slate-400 dark:stroke-slate-500" stroke-width="1.5" />
                {marks}
                <g data-testid="timeline-now" data-at=now.at.to_string()>
                    <line x1=now.x y1="8" x2=now.x y2=HEIGHT - 8 class=now_class stroke-width="2" stroke-dasharray="4 3" />
                    <text x=now.x y=HEIGHT - 1 text-anchor="middle" class="fill-slate-900 text-[11px] font-semibold dark:fill-slate-100">"now"</text>
                </g>
            </svg>
            <figcaption class="text-xs text-slate-600 dark:text-slate-400">
                <span class=format!("font-medium {verdict_class}")>{format!("Now is {}.", verdict.words())}</span>
                {format!(" Green: when Elasticsearch accepts the token, widened by realm [{realm}]'s allowed clock skew ({} s) at both ends.", timeline.skew)}
            </figcaption>
        </figure>
    }
}
