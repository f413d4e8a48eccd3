use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::data_table::{Column, DataTable, col};
use crate::{
    api::security::{PutResource, PutResourceInput, ResourceKind, ResourceView, list_resources},
    components::{
        empty_state::EmptyState,
        error_message::ErrorMessage,
        lint_badge::LintBadge,
        styles::{BUTTON_PRIMARY, INPUT, MUTED, PAGE_TITLE},
    },
    forms::{role_mapping_form::matches_search, text_list},
};

const MAPPING_COLUMNS: &[Column] = &[
    col("Enabled"),
    col("Name"),
    col("Grants"),
    col("Rules"),
    col("Checks"),
];

/// Every role mapping, searchable, each with an enabled switch.
#[component]
pub fn RoleMappingsPage() -> impl IntoView {
    let toggle = ServerAction::<PutResource>::new();
    let mappings = Resource::new(
        move || toggle.version().get(),
        |_| list_resources(ResourceKind::RoleMapping),
    );
    let search = RwSignal::new(String::new());
    view! {
        <Title text="Role mappings" />
        <div class="flex items-start justify-between gap-4">
            <div>
                <h1 class=PAGE_TITLE>"Role mappings"</h1>
                <p class=format!("mt-1 {MUTED}")>"Rules that turn authenticated users into roles, parsed and matched exactly as Elasticsearch does."</p>
            </div>
            <a href="/role-mappings/new" class=BUTTON_PRIMARY>"New role mapping"</a>
        </div>
        <div class="mt-6 max-w-md">
            <label for="mapping-search" class="sr-only">"Search role mappings"</label>
            <input id="mapping-search" type="search" class=INPUT placeholder="Search by name, role or rule…" bind:value=search />
        </div>
        {move || toggle.value().get().and_then(Result::err).map(|error| view! { <div class="mt-4"><ErrorMessage error /></div> })}
        <Transition fallback=|| view! { <p class=MUTED>"Loading role mappings…"</p> }>
            {move || Suspend::new(async move {
                match mappings.await {
                    Ok(list) if list.is_empty() => view! {
                        <div class="mt-6">
                            <EmptyState
                                title="No role mappings yet"
                                message="Without a mapping, users of a JWT realm authenticate with no roles (unless the realm delegates authorization)."
                            />
                        </div>
                    }.into_any(),
                    Ok(list) => view! { <MappingTable list search toggle /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MappingTable(
    list: Vec<ResourceView>,
    search: RwSignal<String>,
    toggle: ServerAction<PutResource>,
) -> impl IntoView {
    let list = StoredValue::new(list);
    let visible = move || {
        list.with_value(|l| {
            l.iter()
                .filter(|v| matches_search(v, &search.get()))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <DataTable label="Role mappings" columns=MAPPING_COLUMNS class="mt-4">
                    <For each=visible key=|v| (v.name.clone(), v.version) children=move |mapping| {
                        let enabled = mapping.body["enabled"].as_bool().unwrap_or(true);
                        let grants = match mapping.body.get("role_templates").and_then(|t| t.as_array()).map(Vec::len) {
                            Some(n) if n > 0 => format!("{n} role template(s)"),
                            _ => text_list::join(mapping.body.get("roles")),
                        };
                        let rules = mapping.body.get("rules").map(ToString::to_string).unwrap_or_default();
                        let href = format!("/role-mappings/{}", mapping.name);
                        let label = format!("Enable {}", mapping.name);
                        let name = mapping.name.clone();
                        let version = mapping.version;
                        let body = mapping.body.clone();
                        view! {
                            <tr data-testid="mapping-row">
                                <td class="px-4 py-2">
                                    <input
                                        type="checkbox"
                                        aria-label=label
                                        checked=enabled
                                        disabled=move || toggle.pending().get()
                                        on:change=move |ev| {
                                            let mut body = body.clone();
                                            body["enabled"] = serde_json::Value::Bool(event_target_checked(&ev));
                                            toggle.dispatch(PutResource { input: PutResourceInput {
                                                kind: ResourceKind::RoleMapping, name: name.clone(), version: Some(version), body,
                                            }});
                                        }
                                    />
                                </td>
                                <td class="px-4 py-2"><a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=href>{mapping.name.clone()}</a></td>
                                <td class="px-4 py-2">{grants}</td>
                                <td class="max-w-md truncate px-4 py-2 font-mono text-xs" title=rules.clone()>{rules.clone()}</td>
                                <td class="px-4 py-2"><LintBadge diagnostics=mapping.diagnostics.clone() /></td>
                            </tr>
                        }
                    } />
        </DataTable>
    }
}
