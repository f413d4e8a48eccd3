use leptos::prelude::*;
use leptos_meta::Title;
use trust_core::diagnostic::Severity;

use crate::{
    api::dashboard::{
        AreaHealth, CertificateDue, Dashboard, Finding, RecentChange, load_dashboard,
    },
    components::{
        error_message::ErrorMessage,
        lint_badge::StatusBadge,
        styles::{CARD, MUTED, PAGE_TITLE},
    },
    nav::{NAV, deployment_href},
};
use trust_core::trust::environment::TrustEdge;

const LINK: &str = "font-medium text-indigo-700 hover:underline dark:text-indigo-300";
const CARD_TITLE: &str = "text-base font-semibold";

/// The start page: the selected deployment at a glance (each area's worst findings,
/// certificates ending soon, one-way trust, the newest changes, each linking to where to fix
/// it), then every area of the console.
#[component]
pub fn Overview() -> impl IntoView {
    let dashboard = Resource::new(|| (), |()| load_dashboard());
    view! {
        <Title text="Overview" />
        <h1 class=PAGE_TITLE>"Overview"</h1>
        <Transition fallback=|| view! { <p class=format!("mt-1 {MUTED}")>"Checking the deployment…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => dashboard_view(dashboard),
                    Err(error) => view! { <div class="mt-4"><ErrorMessage error /></div> }.into_any(),
                }
            })}
        </Transition>
        {every_area()}
    }
}

/// The dashboard, type-erased (its view type is deep).
fn dashboard_view(dashboard: Dashboard) -> AnyView {
    let errors = dashboard.errors();
    let warnings: usize = dashboard.areas.iter().map(|a| a.warnings).sum();
    let summary = match (errors, warnings) {
        (0, 0) => "No findings: every area passes its checks.".to_owned(),
        (0, w) => format!("No errors; {w} warning{} to review.", plural(w)),
        (e, 0) => format!(
            "{e} error{} to fix (Elasticsearch refuses these).",
            plural(e)
        ),
        (e, w) => format!(
            "{e} error{} to fix (Elasticsearch refuses these) and {w} warning{}.",
            plural(e),
            plural(w)
        ),
    };
    let tone = if errors > 0 {
        "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    } else if warnings > 0 {
        "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    } else {
        "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100"
    };
    let start = dashboard
        .is_new()
        .then(|| start_here(&dashboard.deployment));
    view! {
        <p class=format!("mt-1 {MUTED}")>
            "Deployment " <span class="font-medium text-slate-900 dark:text-slate-100">{dashboard.deployment.clone()}</span> " at a glance."
        </p>
        <p class=format!("mt-4 rounded-md border px-4 py-3 text-sm font-medium {tone}") role="status" data-testid="dashboard-summary">
            {summary}
        </p>
        {start}
        <div class="mt-6 grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {dashboard.areas.into_iter().map(area_card).collect_view()}
        </div>
        <div class="mt-6 grid gap-4 xl:grid-cols-3">
            {certificates_card(dashboard.certificates)}
            {one_way_card(dashboard.one_way)}
            {changes_card(dashboard.changes)}
        </div>
    }
    .into_any()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Where a new admin starts: bring an existing configuration, or build from a realm.
fn start_here(deployment: &str) -> AnyView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="start-heading" data-testid="dashboard-start">
            <h2 id="start-heading" class=CARD_TITLE>"Start here"</h2>
            <p class=format!("mt-1 {MUTED}")>"Nothing is configured in this deployment yet. Bring what your cluster already has, or build it up:"</p>
            <ul class="mt-3 list-disc space-y-1 pl-5 text-sm">
                <li><a class=LINK href="/export#import-heading">"Import an elasticsearch.yml"</a>" — realms, role mappings and roles, checked as Elasticsearch would."</li>
                <li><a class=LINK href="/realms/new">"Create a realm"</a>" — a JWT realm with every setting explained."</li>
                <li><a class=LINK href=deployment_href(deployment)>"Describe the deployment"</a>" — its stack version, kind and TLS, which the checks depend on."</li>
            </ul>
        </section>
    }
    .into_any()
}

fn area_card(health: AreaHealth) -> AnyView {
    let area = health.area;
    let heading = format!("area-{}", area.key());
    let labelled_by = heading.clone();
    let found = health.errors + health.warnings;
    let more = (found > health.worst.len()).then(|| {
        view! { <a class=format!("mt-3 inline-block text-sm {LINK}") href=area.path()>{format!("All {found} findings →")}</a> }
    });
    let empty = health.worst.is_empty().then(|| {
        let text = if health.count == 0 {
            "None configured."
        } else {
            "No findings."
        };
        view! { <p class=format!("mt-3 {MUTED}")>{text}</p> }
    });
    view! {
        <section class=CARD aria-labelledby=labelled_by data-testid="area-health" data-area=area.key()>
            <div class="flex items-start justify-between gap-3">
                <h2 id=heading class=CARD_TITLE><a class=LINK href=area.path()>{area.label()}</a></h2>
                <StatusBadge errors=health.errors warnings=health.warnings />
            </div>
            <p class=format!("mt-1 {MUTED}") data-testid="area-count">{format!("{} {}", health.count, area.noun(health.count))}</p>
            {empty}
            <ul class="mt-3 space-y-3">
                {health.worst.into_iter().map(finding_item).collect_view()}
            </ul>
            {more}
        </section>
    }
    .into_any()
}

fn finding_item(finding: Finding) -> impl IntoView {
    let (mark, tone, severity) = match finding.severity {
        Severity::Error => ("✗", "text-red-700 dark:text-red-400", "error"),
        Severity::Warning => ("!", "text-amber-700 dark:text-amber-400", "warning"),
    };
    let place = if finding.setting.is_empty() {
        finding.resource
    } else {
        format!("{} · {}", finding.resource, finding.setting)
    };
    view! {
        <li class="flex gap-2 text-sm" data-testid="finding" data-severity=severity>
            <span class=format!("font-bold {tone}") aria-hidden="true">{mark}</span>
            <div class="min-w-0">
                <a class=format!("{LINK} break-words") href=finding.href>
                    <span class="sr-only">{format!("{severity}: ")}</span>
                    {place}
                </a>
                <p class="break-words text-slate-700 dark:text-slate-300">{finding.message}</p>
            </div>
        </li>
    }
}

fn certificates_card(due: Vec<CertificateDue>) -> AnyView {
    let body = if due.is_empty() {
        view! { <p class=format!("mt-3 {MUTED}")>"No stored certificate ends within 30 days."</p> }
            .into_any()
    } else {
        view! {
            <ul class="mt-3 space-y-3">
                {due.into_iter().map(|cert| {
                    let tone = if cert.expired { "text-red-700 dark:text-red-400" } else { "text-amber-700 dark:text-amber-400" };
                    view! {
                        <li class="text-sm" data-testid="certificate-due">
                            <a class=format!("{LINK} break-all font-mono text-xs") href=cert.href.clone()>{cert.subject.clone()}</a>
                            <p class="text-slate-700 dark:text-slate-300">{cert.place.clone()}</p>
                            <p class=format!("font-medium {tone}")>{cert.when()}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="certificates-heading" data-testid="certificates-due">
            <h2 id="certificates-heading" class=CARD_TITLE>"Certificates ending soon"</h2>
            {body}
        </section>
    }
    .into_any()
}

fn one_way_card(edges: Vec<TrustEdge>) -> AnyView {
    let body = if edges.is_empty() {
        view! { <p class=format!("mt-3 {MUTED}")>"No one-way trust between the deployments the console manages."</p> }.into_any()
    } else {
        view! {
            <ul class="mt-3 space-y-2 text-sm">
                {edges.into_iter().map(|edge| view! {
                    <li data-testid="one-way">
                        <a class=LINK href="/environments">{format!("{} trusts {}", edge.from, edge.to)}</a>
                        <p class="text-slate-700 dark:text-slate-300">{format!("through environment {}; {} does not trust {} back", edge.via, edge.to, edge.from)}</p>
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="one-way-heading" data-testid="one-way-trust">
            <h2 id="one-way-heading" class=CARD_TITLE>"One-way trust"</h2>
            {body}
        </section>
    }
    .into_any()
}

fn changes_card(changes: Vec<RecentChange>) -> AnyView {
    let body = if changes.is_empty() {
        view! { <p class=format!("mt-3 {MUTED}")>"No changes yet."</p> }.into_any()
    } else {
        view! {
            <ul class="mt-3 space-y-2 text-sm">
                {changes.into_iter().map(|change| {
                    let what = format!("{} {}", change.noun, change.name);
                    let target = match change.href {
                        Some(href) => view! { <a class=LINK href=href>{what}</a> }.into_any(),
                        None => view! { <span class="font-medium">{what}</span> }.into_any(),
                    };
                    view! {
                        <li data-testid="recent-change">
                            <span class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{change.action.as_str()}</span>
                            " " {target}
                            <p class=MUTED>{format!("{} by {}", change.at.replace('T', " "), change.actor)}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="changes-heading" data-testid="recent-changes">
            <h2 id="changes-heading" class=CARD_TITLE>"Recent changes"</h2>
            {body}
            <a class=format!("mt-3 inline-block text-sm {LINK}") href="/audit">"Audit log →"</a>
        </section>
    }
    .into_any()
}

/// Every area of the console, one card each.
fn every_area() -> AnyView {
    NAV.iter()
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
        .collect_view()
        .into_any()
}
