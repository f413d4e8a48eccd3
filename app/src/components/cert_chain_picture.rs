use leptos::prelude::*;

use crate::components::arrow_marker::arrow_marker;
use crate::pictures::cert_chain::{AXIS_LEFT, AXIS_RIGHT, CertChain, ROW_HEIGHT, Standing, WIDTH};

/// Where issuer arrows run, left of the names.
const ARROW_X: i32 = 10;
/// Where names start.
const NAME_X: i32 = 24;

fn bar_class(standing: Standing) -> &'static str {
    match standing {
        Standing::Valid => "fill-green-500 dark:fill-green-600",
        Standing::EndsSoon => "fill-amber-500 dark:fill-amber-500",
        Standing::Expired | Standing::NotYetValid => "fill-red-500 dark:fill-red-500",
    }
}

/// The certificate chain (`cert_chain`): names with issuer arrows on the left, validity bars
/// on one time axis on the right, the evaluation time as a dashed line.
#[component]
pub fn CertChainPicture(chain: CertChain) -> impl IntoView {
    let description = chain.description();
    let height = chain.height;
    let (now, now_x) = chain.now;
    let centre = |y: i32| y + ROW_HEIGHT / 2;
    let arrows = chain
        .issued_by
        .iter()
        .enumerate()
        .filter_map(|(i, issuer)| Some((chain.rows[i].y, chain.rows[(*issuer)?].y)))
        .map(|(from, to)| {
            let (y1, y2) = (centre(from) + 6, centre(to) - 14);
            let head = if y2 > y1 { y2 } else { y2 + 28 };
            view! {
                <path d=format!("M {NAME_X} {y1} H {ARROW_X} V {head} H {}", NAME_X - 4)
                    class="fill-none stroke-slate-400 dark:stroke-slate-500" stroke-width="1.5"
                    marker-end="url(#cert-arrow)" />
            }
        })
        .collect_view();
    let rows = chain
        .rows
        .into_iter()
        .map(|row| {
            let (x1, x2) = row.bar;
            let tip = format!(
                "{}\nissued by {}\n{} → {} ({})",
                row.subject,
                row.issuer,
                trust_core::time::utc(row.validity.0),
                trust_core::time::utc(row.validity.1),
                row.standing.words()
            );
            let note = if row.self_signed {
                "self-signed"
            } else if row.given_ca {
                "given CA"
            } else {
                ""
            };
            view! {
                <g data-testid="chain-cert" data-standing=row.standing.key() data-subject=row.subject.clone()>
                    <title>{tip}</title>
                    <text x=NAME_X y=centre(row.y) - 2 class="fill-slate-900 text-[13px] font-semibold dark:fill-slate-100">{row.label}</text>
                    <text x=NAME_X y=centre(row.y) + 14 class="fill-slate-600 text-[11px] dark:fill-slate-400">{note}</text>
                    <rect x=x1 y=centre(row.y) - 6 width=(x2 - x1).max(2) height="12" rx="3" class=bar_class(row.standing) />
                </g>
            }
        })
        .collect_view();
    let missing = chain.missing_issuer.map(|issuer| {
        let y = height - ROW_HEIGHT + 4;
        view! {
            <g data-testid="chain-missing-issuer">
                <rect x=NAME_X - 4 y=y width=AXIS_LEFT - NAME_X - 8 height=ROW_HEIGHT - 16 rx="4"
                    class="fill-none stroke-red-500" stroke-width="1.5" stroke-dasharray="4 3" />
                <text x=NAME_X + 4 y=y + 22 class="fill-red-700 text-[12px] dark:fill-red-400">
                    {crate::pictures::shorten(&format!("issuer not given: {issuer}"), 36)}
                </text>
                <title>{format!("Neither the pasted chain nor the given CAs hold its issuer {issuer}")}</title>
            </g>
        }
    });
    view! {
        <figure class="mt-5" data-testid="cert-chain-picture">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby="cert-chain-title cert-chain-desc" class="h-auto w-full">
                <title id="cert-chain-title">"The certificate chain and each certificate's validity"</title>
                <desc id="cert-chain-desc">{description}</desc>
                <defs>
                    {arrow_marker("cert-arrow", "fill-slate-400 dark:fill-slate-500", 9, 6)}
                </defs>
                <line x1=AXIS_LEFT y1="16" x2=AXIS_RIGHT y2="16" class="stroke-slate-300 dark:stroke-slate-700" stroke-width="1" />
                {arrows}
                {rows}
                {missing}
                <g data-testid="chain-now" data-at=now.to_string()>
                    <line x1=now_x y1="10" x2=now_x y2=height - 4 class="stroke-indigo-600 dark:stroke-indigo-400" stroke-width="1.5" stroke-dasharray="4 3" />
                    <text x=now_x y="10" text-anchor="middle" class="fill-slate-900 text-[11px] font-semibold dark:fill-slate-100">"now"</text>
                </g>
            </svg>
            <figcaption class="text-xs text-slate-600 dark:text-slate-400">
                "Each certificate points at the one that issued it. Bars run from notBefore to notAfter on one time axis: green valid, amber ending within 30 days, red expired or not valid yet; the dashed line is the evaluation time."
            </figcaption>
        </figure>
    }
}
