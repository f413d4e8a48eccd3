use leptos::prelude::*;
use trust_core::history::{Change, ChangeKind};

use crate::{
    api::{
        history::{HistoryEntry, RestoreInput, RestoreVersion, resource_history},
        security::ResourceKind,
    },
    components::{
        error_message::ErrorMessage,
        styles::{BUTTON_SECONDARY, CARD, MUTED},
    },
    error::ApiError,
    nav::reload_to,
};

/// A resource's kept versions, newest first, each with what it changed in the resource's own
/// terms, and "Restore" for the earlier ones: a versioned write, so an edit made elsewhere
/// since the history was read is refused (409) rather than overwritten.
#[component]
pub fn HistoryPanel(
    /// Which kind.
    kind: ResourceKind,
    /// Its name.
    name: String,
    /// Where to go once a version is restored (the page, reloaded).
    after_restore: String,
) -> impl IntoView {
    let history = Resource::new(
        move || (kind, name.clone()),
        |(kind, name)| resource_history(kind, name),
    );
    let restore = ServerAction::<RestoreVersion>::new();
    Effect::new(move |_| match restore.value().get() {
        Some(Ok(_)) => reload_to(&after_restore),
        // Someone else's change is the reason: show it (the refreshed history has it on top).
        Some(Err(ApiError::Conflict { .. })) => history.refetch(),
        _ => {}
    });
    view! {
        <section class=format!("{CARD} mt-6") id="history" aria-labelledby="history-heading" data-testid="history">
            <h2 id="history-heading" class="text-base font-semibold">"History"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "Every saved version (the newest 50 are kept) and what it changed. Restoring writes an earlier version again as the newest one; keystore values are not versioned, so the current ones stay."
            </p>
            {move || restore.value().get().and_then(Result::err).map(|error| view! { <div class="mt-3"><ErrorMessage error /></div> })}
            <Transition fallback=|| view! { <p class=format!("mt-3 {MUTED}")>"Loading versions…"</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(history) => {
                            let current = history.current;
                            let (kind, name) = (history.kind, history.name.clone());
                            view! {
                                <ol class="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
                                    {history.entries.into_iter().map(|entry| entry_view(entry, current, kind, name.clone(), restore)).collect_view()}
                                </ol>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <div class="mt-3"><ErrorMessage error /></div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn entry_view(
    entry: HistoryEntry,
    current: i64,
    kind: ResourceKind,
    name: String,
    restore: ServerAction<RestoreVersion>,
) -> AnyView {
    let version = entry.version;
    let by = entry
        .actor
        .as_ref()
        .map(|actor| format!(" by {actor}"))
        .unwrap_or_default();
    let action = entry.action.map(|a| {
        view! { <span class="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">{a.as_str()}</span> }
    });
    let control = if version == current {
        view! { <span class="rounded bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">"current"</span> }.into_any()
    } else {
        view! {
            <button
                type="button"
                class=BUTTON_SECONDARY
                aria-label=format!("Restore version {version}")
                disabled=move || restore.pending().get()
                on:click=move |_| {
                    restore.dispatch(RestoreVersion {
                        input: RestoreInput { kind, name: name.clone(), version, based_on: current },
                    });
                }
            >
                "Restore"
            </button>
        }
        .into_any()
    };
    let changes = if !entry.previous_kept {
        view! { <p class=format!("mt-1 {MUTED}")>"The version before it is no longer kept."</p> }
            .into_any()
    } else if entry.changes.is_empty() {
        view! { <p class=format!("mt-1 {MUTED}")>"No change to the settings (a keystore value may have changed)."</p> }.into_any()
    } else {
        view! {
            <ul class="mt-1 space-y-0.5 text-sm">
                {entry.changes.into_iter().map(change_item).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <li class="py-3" id=format!("version-{version}") data-testid="history-entry" data-version=version>
            <div class="flex flex-wrap items-center justify-between gap-2">
                <p class="text-sm">
                    <span class="font-semibold">{format!("Version {version}")}</span>
                    <span class=MUTED>{format!(" · {}{by} ", entry.at.replace('T', " "))}</span>
                    {action}
                </p>
                {control}
            </div>
            {changes}
        </li>
    }
    .into_any()
}

fn change_item(change: Change) -> impl IntoView {
    let (mark, tone, word) = match change.kind {
        ChangeKind::Added => ("+", "text-green-700 dark:text-green-400", "added"),
        ChangeKind::Removed => ("−", "text-red-700 dark:text-red-400", "removed"),
        ChangeKind::Changed => ("~", "text-amber-700 dark:text-amber-400", "changed"),
    };
    view! {
        <li class="flex gap-2 break-words" data-testid="history-change" data-change=word>
            <span class=format!("w-3 shrink-0 font-mono font-bold {tone}") aria-hidden="true">{mark}</span>
            <span class="min-w-0 font-mono text-xs leading-5">{change.sentence()}</span>
        </li>
    }
}
