use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::{Value, json};
use trust_core::{field::FieldError, role_mapping::RoleMapping};

use crate::components::data_table::{Column, DataTable, Placement, col};
use crate::{
    api::security::{PutResource, PutResourceInput, ResourceKind, ResourceView, list_resources},
    components::{
        conflict_notice::EditBase,
        delete_button::DeleteButton,
        editor_parts::{
            SavedNotice, SubmitButton, UnsavedChanges, changed_since_load, failure_view,
            resource_actions,
        },
        error_message::ErrorMessage,
        history_panel::HistoryPanel,
        rule_builder::RuleBuilder,
        styles::{BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, MUTED, PAGE_TITLE},
    },
    error::ApiError,
    forms::{
        role_mapping_form::{RoleMappingForm, field_suggestions, parsed_mappings, test_identities},
        rule_draft::RuleDraft,
        text_list,
    },
};

type Loaded = (
    Result<Vec<ResourceView>, ApiError>,
    Result<Vec<ResourceView>, ApiError>,
);

const IDENTITY_COLUMNS: &[Column] = &[
    col("Identity"),
    col("Matches"),
    col("Roles before"),
    col("Roles after"),
];

/// Create (`/role-mappings/new`) or edit (`/role-mappings/<name>`) a role mapping: visual
/// rule builder and JSON kept in sync, Elasticsearch's parser errors, and a test against
/// sample identities before saving.
#[component]
pub fn RoleMappingEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        || (),
        |()| async {
            let loaded: Loaded = (
                list_resources(ResourceKind::RoleMapping).await,
                list_resources(ResourceKind::Realm).await,
            );
            loaded
        },
    );
    view! {
        <Transition fallback=|| view! { <p class=MUTED>"Loading role mapping…"</p> }>
            {move || Suspend::new(async move {
                let editing = params.with(|p| p.get("name"));
                let saved = query.with(|q| q.get("saved").is_some());
                match data.await {
                    (Ok(mappings), Ok(realms)) => view! { <MappingEditor mappings realms editing saved /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[component]
fn MappingEditor(
    mappings: Vec<ResourceView>,
    realms: Vec<ResourceView>,
    editing: Option<String>,
    saved: bool,
) -> impl IntoView {
    let existing = editing
        .as_ref()
        .and_then(|n| mappings.iter().find(|v| &v.name == n))
        .cloned();
    if let (Some(name), None) = (&editing, &existing) {
        return view! {
            <Title text="Role mapping not found" />
            <h1 class=PAGE_TITLE>"Role mapping not found"</h1>
            <p class=format!("mt-2 {MUTED}")>{format!("There is no role mapping named [{name}]. ")}<a class="text-indigo-700 underline" href="/role-mappings">"Back to role mappings"</a></p>
        }
        .into_any();
    }
    let (initial, rules) = existing
        .as_ref()
        .map(RoleMappingForm::from_view)
        .unwrap_or_else(|| {
            (
                RoleMappingForm::new_mapping(),
                json!({"all": [{"field": {"realm.name": ""}}]}),
            )
        });
    let version = existing.as_ref().map(|v| v.version);
    let is_new = existing.is_none();
    let form = RwSignal::new(initial);
    let draft = RwSignal::new(
        RuleDraft::from_json(&rules)
            .unwrap_or_else(|| RuleDraft::new(crate::forms::rule_draft::NodeKind::All)),
    );
    let builder_usable = RwSignal::new(RuleDraft::from_json(&rules).is_some());
    let json_text = RwSignal::new(pretty(&rules));
    let json_typing = RwSignal::new(false);
    // Builder → JSON (unless the admin is typing the JSON).
    Effect::new(move |_| {
        let value = draft.with(RuleDraft::to_json);
        if builder_usable.get_untracked() && !json_typing.get_untracked() {
            json_text.set(pretty(&value));
        }
    });
    let rules_value = Memo::new(move |_| {
        json_text
            .with(|t| serde_json::from_str::<Value>(t).map_err(|e| format!("not valid JSON: {e}")))
    });
    let stored = StoredValue::new(parsed_mappings(&mappings));
    let suggestions = field_suggestions(&realms);
    let editing_name = StoredValue::new(editing.clone());
    let check = Signal::derive(move || -> Result<RoleMapping, FieldError> {
        let rules = rules_value.get().map_err(|m| FieldError::new("rules", m))?;
        form.with(|f| f.parse(&rules))
    });
    let node_errors = Signal::derive(move || {
        let name = form.with(|f| {
            if f.name.is_empty() {
                "new".to_owned()
            } else {
                f.name.clone()
            }
        });
        draft.with(|d| d.errors(&name))
    });
    let identity_action = ServerAction::<PutResource>::new();
    let identities = Resource::new(
        move || identity_action.version().get(),
        |_| list_resources(ResourceKind::SampleIdentity),
    );
    let (save, remove) = resource_actions(ResourceKind::RoleMapping);
    // The rules live in their own builder: an edit of either is unsaved.
    let (form_dirty, rules_dirty) = (changed_since_load(form), changed_since_load(rules_value));
    let dirty = Signal::derive(move || form_dirty.get() || rules_dirty.get());
    let base = StoredValue::new(
        existing
            .as_ref()
            .map(|v| EditBase::of(ResourceKind::RoleMapping, v)),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(rules) = rules_value.get_untracked() else {
            return;
        };
        let current = form.get_untracked();
        let Ok(body) = current.body(&rules) else {
            return;
        };
        save.dispatch(PutResource {
            input: PutResourceInput {
                kind: ResourceKind::RoleMapping,
                name: current.name.clone(),
                version,
                body,
            },
        });
    };
    let title = if is_new {
        "New role mapping".to_owned()
    } else {
        format!("Role mapping {}", editing.clone().unwrap_or_default())
    };
    let delete_name = editing.clone().unwrap_or_default();
    let history = editing.clone().filter(|_| !is_new).map(|name| {
        let after_restore = format!("/role-mappings/{name}?saved=1");
        view! { <HistoryPanel kind=ResourceKind::RoleMapping name after_restore /> }.into_any()
    });
    view! {
        <Title text=title.clone() />
        <p class=MUTED><a class="hover:underline" href="/role-mappings">"Role mappings"</a> " /"</p>
        <div class="flex items-start justify-between gap-4">
            <h1 class=PAGE_TITLE>{title}</h1>
            {(!is_new).then(|| view! {
                <div class="flex gap-2"><DeleteButton remove kind=ResourceKind::RoleMapping name=delete_name.clone() version /></div>
            })}
        </div>
        <SavedNotice saved />
        <form class="mt-6 space-y-6" on:submit=on_submit novalidate>
            <section class=CARD aria-labelledby="mapping-what">
                <h2 id="mapping-what" class="text-base font-semibold">"Mapping"</h2>
                <div class="mt-4 grid gap-4 md:grid-cols-3">
                    <div>
                        <label for="mapping-name" class=LABEL>"Mapping name"</label>
                        <input id="mapping-name" class=INPUT readonly=!is_new
                            prop:value=move || form.with(|f| f.name.clone())
                            on:input=move |ev| form.update(|f| f.name = event_target_value(&ev)) />
                    </div>
                    <div class="flex items-end gap-2">
                        <input id="mapping-enabled" type="checkbox"
                            prop:checked=move || form.with(|f| f.enabled)
                            on:change=move |ev| form.update(|f| f.enabled = event_target_checked(&ev)) />
                        <label for="mapping-enabled" class=LABEL>"Enabled"</label>
                    </div>
                    <div class="flex items-end gap-2">
                        <input id="mapping-templates" type="checkbox"
                            prop:checked=move || form.with(|f| f.use_templates)
                            on:change=move |ev| form.update(|f| f.use_templates = event_target_checked(&ev)) />
                        <label for="mapping-templates" class=LABEL>"Grant role templates (mustache) instead of role names"</label>
                    </div>
                </div>
                <Show when=move || !form.with(|f| f.use_templates) fallback=move || view! {
                    <label for="mapping-role-templates" class=format!("{LABEL} mt-4")>"role_templates (JSON)"</label>
                    <textarea id="mapping-role-templates" rows="4" class=format!("{INPUT} font-mono text-xs")
                        placeholder="[{\"template\": {\"source\": \"{{#tojson}}groups{{/tojson}}\"}, \"format\": \"json\"}]"
                        prop:value=move || form.with(|f| f.templates.clone())
                        on:input=move |ev| form.update(|f| f.templates = event_target_value(&ev))></textarea>
                }>
                    <label for="mapping-roles" class=format!("{LABEL} mt-4")>"Roles"</label>
                    <input id="mapping-roles" class=INPUT placeholder="viewer, monitoring_user"
                        prop:value=move || form.with(|f| f.roles.clone())
                        on:input=move |ev| form.update(|f| f.roles = event_target_value(&ev)) />
                    <p class=MUTED>"Comma-separated role names."</p>
                </Show>
                <label for="mapping-metadata" class=format!("{LABEL} mt-4")>"Metadata (JSON object, optional)"</label>
                <textarea id="mapping-metadata" rows="2" class=format!("{INPUT} font-mono text-xs")
                    prop:value=move || form.with(|f| f.metadata.clone())
                    on:input=move |ev| form.update(|f| f.metadata = event_target_value(&ev))></textarea>
            </section>
            <section class=CARD aria-labelledby="mapping-rules">
                <h2 id="mapping-rules" class="text-base font-semibold">"Rules"</h2>
                <div class="mt-4 grid gap-6 xl:grid-cols-2">
                    <div>
                        <h3 class="text-sm font-semibold">"Builder"</h3>
                        <Show when=move || builder_usable.get() fallback=|| view! { <p class=MUTED>"This rule cannot be shown in the builder; edit it as JSON."</p> }>
                            <RuleBuilder draft errors=node_errors suggestions=suggestions.clone() />
                        </Show>
                    </div>
                    <div>
                        <label for="mapping-rules-json" class="text-sm font-semibold">"JSON"</label>
                        <textarea id="mapping-rules-json" rows="16" class=format!("{INPUT} font-mono text-xs") spellcheck="false"
                            prop:value=move || json_text.get()
                            on:focus=move |_| json_typing.set(true)
                            on:blur=move |_| json_typing.set(false)
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                if let Ok(value) = serde_json::from_str::<Value>(&text) {
                                    match RuleDraft::from_json(&value) {
                                        Some(d) => { builder_usable.set(true); draft.set(d); }
                                        None => builder_usable.set(false),
                                    }
                                }
                                json_text.set(text);
                            }></textarea>
                    </div>
                </div>
                <p class=FIELD_ERROR role="alert" data-testid="mapping-error">
                    {move || check.get().err().map(|e| e.to_string())}
                </p>
                <ul class="mt-2 space-y-1" data-testid="mapping-warnings">
                    {move || check.get().ok().map(|m| m.warnings()).unwrap_or_default().into_iter().map(|w| view! {
                        <li class="text-sm text-amber-700 dark:text-amber-400"><span class="font-semibold">"Warning: "</span>{w}</li>
                    }).collect_view()}
                </ul>
            </section>
            <section class=CARD aria-labelledby="mapping-test">
                <h2 id="mapping-test" class="text-base font-semibold">"Test against sample identities"</h2>
                <p class=MUTED>"Roles each identity gets with the saved mappings → with this edit, before you save. Matching is Elasticsearch's: groups and dn compare case-insensitively and DN-aware, username exactly."</p>
                <Transition fallback=|| view! { <p class=MUTED>"Loading identities…"</p> }>
                    {move || Suspend::new(async move {
                        match identities.await {
                            Ok(list) => {
                                let list = StoredValue::new(list);
                                view! {
                                    {move || {
                                        let tested = check.get().ok().map(|edited| list.with_value(|l| {
                                            stored.with_value(|s| editing_name.with_value(|e| test_identities(l, s, e.as_deref(), &edited)))
                                        }));
                                        match tested {
                                            None => view! { <p class=MUTED>"Fix the mapping above to see the test."</p> }.into_any(),
                                            Some(tests) if tests.is_empty() => view! { <p class=MUTED>"No sample identities yet: add one below."</p> }.into_any(),
                                            Some(tests) => {
                                                let never = tests.iter().all(|t| !t.matched);
                                                view! {
                                                    {never.then(|| view! { <p class="mt-2 text-sm text-amber-700 dark:text-amber-400" data-testid="never-matches">"Warning: this mapping matches none of the sample identities."</p> })}
                                                    <DataTable label="Sample identity test" columns=IDENTITY_COLUMNS placement=Placement::Inline class="mt-2">
                                                                {tests.into_iter().map(|t| view! {
                                                                    <tr data-testid="identity-test" data-identity=t.name.clone()>
                                                                        <td class="py-1 pr-4">{t.name.clone()} <span class=MUTED>{format!(" ({})", t.username)}</span></td>
                                                                        <td class="py-1 pr-4">{if t.matched { "yes" } else { "no" }}</td>
                                                                        <td class="py-1 pr-4 font-mono" data-testid="roles-before">{t.change.before.join(", ")}</td>
                                                                        <td class="py-1 pr-4 font-mono" data-testid="roles-after">
                                                                            {t.change.after.join(", ")}
                                                                            {(!t.change.added.is_empty()).then(|| view! { <span class="ml-2 text-green-700">{format!("+{}", t.change.added.join(", +"))}</span> })}
                                                                            {(!t.change.removed.is_empty()).then(|| view! { <span class="ml-2 text-red-700">{format!("−{}", t.change.removed.join(", −"))}</span> })}
                                                                            {t.change.error.clone().map(|e| view! { <span class="ml-2 text-red-700">{e}</span> })}
                                                                        </td>
                                                                    </tr>
                                                                }).collect_view()}
                                                    </DataTable>
                                                }.into_any()
                                            }
                                        }
                                    }}
                                }.into_any()
                            }
                            Err(error) => view! { <ErrorMessage error /> }.into_any(),
                        }
                    })}
                </Transition>
                <IdentityForm action=identity_action realms=realms.iter().map(|r| r.name.clone()).collect() />
            </section>
            {move || save.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
            {move || remove.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
            <div class="flex gap-3">
                <SubmitButton label="Save role mapping" pending=save.pending() blocked=Signal::derive(move || check.get().is_err()) />
                <a href="/role-mappings" class=BUTTON_SECONDARY>"Cancel"</a>
                <UnsavedChanges dirty=dirty />
            </div>
        </form>
        {history}
    }
    .into_any()
}

/// Adds a hand-made sample identity.
#[component]
fn IdentityForm(action: ServerAction<PutResource>, realms: Vec<String>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let groups = RwSignal::new(String::new());
    let realm = RwSignal::new(realms.first().cloned().unwrap_or_default());
    let dn = RwSignal::new(String::new());
    let add = move |_| {
        let mut body = json!({
            "username": username.get_untracked(),
            "groups": text_list::split(&groups.get_untracked()),
            "realm": realm.get_untracked(),
        });
        let dn = dn.get_untracked();
        if !dn.trim().is_empty() {
            body["dn"] = Value::String(dn);
        }
        let name = name.get_untracked();
        let name = if name.trim().is_empty() {
            username.get_untracked()
        } else {
            name
        };
        action.dispatch(PutResource {
            input: PutResourceInput {
                kind: ResourceKind::SampleIdentity,
                name,
                version: None,
                body,
            },
        });
    };
    view! {
        <fieldset class="mt-6 rounded border border-slate-200 p-4 dark:border-slate-800">
            <legend class="px-1 text-sm font-semibold">"Add a sample identity"</legend>
            <div class="grid gap-3 md:grid-cols-5">
                <div><label for="identity-name" class=LABEL>"Identity name"</label><input id="identity-name" class=INPUT placeholder="defaults to the username" bind:value=name /></div>
                <div><label for="identity-username" class=LABEL>"Username"</label><input id="identity-username" class=INPUT bind:value=username /></div>
                <div><label for="identity-groups" class=LABEL>"Groups"</label><input id="identity-groups" class=INPUT placeholder="admins, ops" bind:value=groups /></div>
                <div>
                    <label for="identity-realm" class=LABEL>"Realm"</label>
                    <input id="identity-realm" class=INPUT list="identity-realms" bind:value=realm />
                    <datalist id="identity-realms">{realms.into_iter().map(|r| view! { <option value=r></option> }).collect_view()}</datalist>
                </div>
                <div><label for="identity-dn" class=LABEL>"DN (optional)"</label><input id="identity-dn" class=INPUT bind:value=dn /></div>
            </div>
            {move || action.value().get().and_then(Result::err).map(|error| view! { <div class="mt-2"><ErrorMessage error /></div> })}
            <button type="button" class=format!("{BUTTON_SECONDARY} mt-3") on:click=add disabled=move || action.pending().get()>"Add identity"</button>
        </fieldset>
    }
}
