use leptos::prelude::*;

use crate::{
    api::{
        history::resource_history,
        security::{ResourceKind, ResourceView},
    },
    components::styles::{BUTTON_SECONDARY, MUTED},
    error::ApiError,
    nav::resource_href,
};

/// Where an edit of an existing resource started: what a 409 on saving it is measured from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditBase {
    /// Which kind.
    pub kind: ResourceKind,
    /// Its name.
    pub name: String,
    /// The version the form was loaded at.
    pub version: i64,
    /// The editor's own address, to reload it at the current version.
    pub reload: String,
}

impl EditBase {
    /// An edit of `resource` as loaded, reloaded at its page.
    pub fn of(kind: ResourceKind, resource: &ResourceView) -> Self {
        Self {
            kind,
            name: resource.name.clone(),
            version: resource.version,
            reload: resource_href(kind, &resource.name),
        }
    }
}

/// A save refused because someone else saved first (409): the message, what they changed
/// since this form was loaded (the versions after `base.version`, each with its semantic
/// diff from the resource's history), and a reload. The edits in the form are not lost until
/// the admin reloads, so they can be copied and applied again.
#[component]
pub fn ConflictNotice(
    /// The refusal.
    error: ApiError,
    /// Where the edit started.
    base: EditBase,
) -> impl IntoView {
    let EditBase {
        kind,
        name,
        version,
        reload,
    } = base;
    let history = Resource::new(
        move || (kind, name.clone()),
        |(k, n)| resource_history(k, n),
    );
    view! {
        <div role="alert" data-testid="conflict-notice"
            class="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
            <p class="font-medium">{error.to_string()}</p>
            <Transition fallback=|| view! { <p class=MUTED>"Loading what changed…"</p> }>
                {move || Suspend::new(async move {
                    let newer: Vec<_> = history
                        .await
                        .map(|h| h.entries.into_iter().filter(|e| e.version > version).collect())
                        .unwrap_or_default();
                    (!newer.is_empty()).then(|| view! {
                        <p class="mt-2">"What changed since you opened this form:"</p>
                        <ul class="mt-1 space-y-2">
                            {newer.into_iter().map(|entry| {
                                let by = entry.actor.map(|a| format!(" by {a}")).unwrap_or_default();
                                view! {
                                    <li data-testid="conflict-version" data-version=entry.version>
                                        <span class="font-semibold">{format!("Version {}{by}", entry.version)}</span>
                                        <ul class="ml-4 list-disc">
                                            {entry.changes.iter().map(|c| view! { <li class="font-mono text-xs">{c.sentence()}</li> }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <p class="mt-3 flex flex-wrap items-center gap-3">
                // A full load (the router would keep this page's state for its own address).
                <a class=BUTTON_SECONDARY href=reload rel="external">"Reload the current version"</a>
                <span class=MUTED>"Your edits stay in the form until you reload: copy what you need, then apply it again."</span>
            </p>
        </div>
    }
}
