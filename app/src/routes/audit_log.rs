use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::data_table::{Column, DataTable, col};
use crate::{
    api::{
        audit::{AuditEntryView, AuditPageView, list_audit},
        deployments::list_deployments,
    },
    components::{
        empty_state::EmptyState,
        error_message::ErrorMessage,
        styles::{BUTTON_SECONDARY, MUTED, PAGE_TITLE},
    },
};

const AUDIT_COLUMNS: &[Column] = &[
    col("When (UTC)"),
    col("Who"),
    col("Action"),
    col("Entity"),
    col("Change"),
];

/// The audit log: newest first, paged with an "older entries" cursor.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            (q.get("limit"), q.get("before"))
        },
        |(limit, before)| list_audit(limit, before),
    );
    // Entries link to their version on the resource's page, which shows the selected
    // deployment: only that deployment's entries get the link.
    let deployments = Resource::new(|| (), |()| list_deployments());
    view! {
        <Title text="Audit log" />
        <h1 class=PAGE_TITLE>"Audit log"</h1>
        <p class=format!("mt-1 mb-6 {MUTED}")>
            "Every change made in the console, recorded in the same transaction as the change. Secrets are redacted."
        </p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading audit entries…"</p> }>
            {move || Suspend::new(async move {
                let current = deployments.await.map(|d| d.current).unwrap_or_default();
                match page.await {
                    Ok(page) => {
                    let paged = query.read_untracked().get("before").is_some();
                    view! { <AuditTable page paged current /> }.into_any()
                }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AuditTable(
    page: AuditPageView,
    /// Whether this is an older page (so a link back to the newest entries is useful).
    paged: bool,
    /// The selected deployment.
    current: String,
) -> impl IntoView {
    if page.entries.is_empty() {
        return view! {
            <EmptyState
                title="No audit entries"
                message="Changes, logins and logouts appear here as they happen."
            />
        }
        .into_any();
    }
    let older = page
        .next_before
        .map(|before| format!("/audit?before={before}"));
    view! {
        <DataTable label="Audit log" columns=AUDIT_COLUMNS>
                    {page.entries.into_iter().map(|entry| view! { <AuditRow entry current=current.clone() /> }).collect_view()}
        </DataTable>
        <nav aria-label="Audit log pages" class="mt-4 flex gap-2">
            {paged.then(|| view! { <a href="/audit" class=BUTTON_SECONDARY>"← Newest entries"</a> })}
            {older.map(|href| view! { <a href=href class=BUTTON_SECONDARY>"Older entries →"</a> })}
        </nav>
    }
    .into_any()
}

/// Pretty-printed JSON of an entity image, or a dash when there is none.
fn image_text(image: Option<&serde_json::Value>) -> String {
    image
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| "—".to_owned())
}

#[component]
fn ImageBlock(label: &'static str, text: String) -> impl IntoView {
    view! {
        <figure>
            <figcaption class="text-xs font-semibold text-slate-500 dark:text-slate-400">{label}</figcaption>
            <pre class="mt-1 whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs dark:bg-slate-950">{text}</pre>
        </figure>
    }
}

#[component]
fn AuditRow(entry: AuditEntryView, current: String) -> impl IntoView {
    let has_images = entry.before.is_some() || entry.after.is_some();
    let changes = entry.changes().map(|changes| {
        let shown = 5;
        let more = changes.len().saturating_sub(shown);
        let empty = changes.is_empty().then_some("No change to the settings.");
        view! {
            <ul class="space-y-0.5 text-xs" data-testid="audit-changes">
                {changes.into_iter().take(shown).map(|c| view! { <li class="break-words font-mono">{c.sentence()}</li> }).collect_view()}
                {empty.map(|text| view! { <li class="text-slate-600 dark:text-slate-400">{text}</li> })}
                {(more > 0).then(|| view! { <li class="text-slate-600 dark:text-slate-400">{format!("and {more} more")}</li> })}
            </ul>
        }
    });
    let history = entry.history_href(&current).map(|href| {
        view! { <a class="text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=href data-testid="audit-history-link">"This version in its history →"</a> }
    });
    let before = image_text(entry.before.as_ref());
    let after = image_text(entry.after.as_ref());
    view! {
        <tr data-testid="audit-row">
            <td class="whitespace-nowrap px-4 py-2 font-mono text-xs">{entry.at.replace('T', " ")}</td>
            <td class="px-4 py-2">{entry.actor}</td>
            <td class="px-4 py-2">
                <span class="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs dark:bg-slate-800">
                    {entry.action}
                </span>
            </td>
            <td class="px-4 py-2">{entry.entity_kind} " " <span class="font-medium">{entry.entity_id}</span></td>
            <td class="px-4 py-2">
                {changes}
                {history}
                {has_images
                    .then(|| {
                        view! {
                            <details>
                                <summary class="cursor-pointer text-indigo-700 dark:text-indigo-300">"Before / after"</summary>
                                <div class="mt-2 grid min-w-[28rem] gap-2 md:grid-cols-2">
                                    <ImageBlock label="Before" text=before />
                                    <ImageBlock label="After" text=after />
                                </div>
                            </details>
                        }
                    })}
            </td>
        </tr>
    }
}
