use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use trust_core::resource::FieldError;

use crate::components::data_table::{Column, DataTable, Placement, col};
use crate::{
    api::security::{
        DeleteResource, PutResource, PutResourceInput, ResourceKind, ResourceView, list_resources,
    },
    components::{
        conflict_notice::EditBase,
        delete_button::DeleteButton,
        editor_parts::{
            SubmitButton, UnsavedChanges, changed_since_load, failure_view, reload_on_success,
        },
        error_message::ErrorMessage,
        history_panel::HistoryPanel,
        styles::{BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, INPUT, LABEL, MUTED, PAGE_TITLE},
    },
    error::ApiError,
    forms::{
        directory_form::{RoleForm, UserForm},
        text_list,
    },
    nav::{saved_href, urlencode},
};

const ROLE_COLUMNS: &[Column] = &[
    col("Name"),
    col("Cluster"),
    col("Index entries"),
    col("run_as"),
];

const USER_COLUMNS: &[Column] = &[
    col("Username"),
    col("Roles"),
    col("Full name"),
    col("Email"),
    col("Password"),
];

/// Roles (with run_as) and native users (the run_as and delegated-authorization targets).
/// `?role=<name>` / `?user=<name>` opens one in the editor, `?new=role|user` a new one.
#[component]
pub fn RolesUsersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        || (),
        |()| async {
            let loaded: (
                Result<Vec<ResourceView>, ApiError>,
                Result<Vec<ResourceView>, ApiError>,
            ) = (
                list_resources(ResourceKind::Role).await,
                list_resources(ResourceKind::User).await,
            );
            loaded
        },
    );
    view! {
        <Title text="Roles & users" />
        <h1 class=PAGE_TITLE>"Roles & users"</h1>
        <p class=format!("mt-1 {MUTED}")>"Roles with their privileges and run_as patterns, and the native users run_as and authorization_realms look up."</p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (role, user, new) = query.with(|q| (q.get("role"), q.get("user"), q.get("new")));
                match data.await {
                    (Ok(roles), Ok(users)) => {
                        let role_editor = match (role, new.as_deref()) {
                            (Some(name), _) => roles.iter().find(|r| r.name == name).cloned().map(|v| view! { <RoleEditor existing=Some(v) /> }.into_any()),
                            (None, Some("role")) => Some(view! { <RoleEditor existing=None /> }.into_any()),
                            _ => None,
                        };
                        let user_editor = match (user, new.as_deref()) {
                            (Some(name), _) => users.iter().find(|u| u.name == name).cloned().map(|v| view! { <UserEditor existing=Some(v) /> }.into_any()),
                            (None, Some("user")) => Some(view! { <UserEditor existing=None /> }.into_any()),
                            _ => None,
                        };
                        view! {
                            {role_editor}
                            {user_editor}
                            <RoleTable roles />
                            <UserTable users />
                        }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn link_class() -> &'static str {
    "font-medium text-indigo-700 hover:underline dark:text-indigo-300"
}

#[component]
fn RoleTable(roles: Vec<ResourceView>) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="roles-heading">
            <div class="flex items-center justify-between">
                <h2 id="roles-heading" class="text-base font-semibold">"Roles"</h2>
                <a href="/roles-users?new=role" class=BUTTON_PRIMARY>"New role"</a>
            </div>
            {if roles.is_empty() {
                view! { <p class=format!("mt-3 {MUTED}")>"No roles yet. Built-in roles (superuser, viewer, …) need no definition here."</p> }.into_any()
            } else {
                view! {
                    <DataTable label="Roles" columns=ROLE_COLUMNS placement=Placement::Inline class="mt-3">
                                {roles.into_iter().map(|r| {
                                    let href = format!("/roles-users?role={}", urlencode(&r.name));
                                    let indices = r.body["indices"].as_array().map_or(0, Vec::len);
                                    view! {
                                        <tr data-testid="role-row">
                                            <td class="py-1 pr-4"><a class=link_class() href=href>{r.name.clone()}</a></td>
                                            <td class="py-1 pr-4">{text_list::join(r.body.get("cluster"))}</td>
                                            <td class="py-1 pr-4">{indices}</td>
                                            <td class="py-1 pr-4 font-mono" data-testid="role-run-as">{text_list::join(r.body.get("run_as"))}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn UserTable(users: Vec<ResourceView>) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="users-heading">
            <div class="flex items-center justify-between">
                <h2 id="users-heading" class="text-base font-semibold">"Native users"</h2>
                <a href="/roles-users?new=user" class=BUTTON_PRIMARY>"New user"</a>
            </div>
            {if users.is_empty() {
                view! { <p class=format!("mt-3 {MUTED}")>"No native users yet. run_as targets must exist in a realm that can look users up."</p> }.into_any()
            } else {
                view! {
                    <DataTable label="Native users" columns=USER_COLUMNS placement=Placement::Inline class="mt-3">
                                {users.into_iter().map(|u| {
                                    let href = format!("/roles-users?user={}", urlencode(&u.name));
                                    let password = u.secure_settings.values().next().map_or_else(|| "not set".to_owned(), |s| format!("set · changed {}", s.changed_at.replace('T', " ")));
                                    view! {
                                        <tr data-testid="user-row">
                                            <td class="py-1 pr-4"><a class=link_class() href=href>{u.name.clone()}</a></td>
                                            <td class="py-1 pr-4">{text_list::join(u.body.get("roles"))}</td>
                                            <td class="py-1 pr-4">{text_list::join(u.body.get("full_name"))}</td>
                                            <td class="py-1 pr-4">{text_list::join(u.body.get("email"))}</td>
                                            <td class="py-1 pr-4">{password}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}

/// Saves and deletes of one resource, reloading the page on success.
fn actions() -> (ServerAction<PutResource>, ServerAction<DeleteResource>) {
    let save = ServerAction::<PutResource>::new();
    let remove = ServerAction::<DeleteResource>::new();
    reload_on_success(save.value(), |_: &ResourceView| "/roles-users".to_owned());
    reload_on_success(remove.value(), |()| "/roles-users".to_owned());
    (save, remove)
}

/// What keeps the form from producing a body, as one line.
fn problem_of<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    body: fn(&F) -> Result<serde_json::Value, FieldError>,
) -> Memo<Option<String>> {
    Memo::new(move |_| form.with(|f| body(f).err().map(|e| format!("{}: {}", e.field, e.message))))
}

/// The submit handler: the form's body, saved at `version` (none: create).
fn submitter<F: Clone + Send + Sync + 'static>(
    form: RwSignal<F>,
    body: fn(&F) -> Result<serde_json::Value, FieldError>,
    name: fn(&F) -> String,
    kind: ResourceKind,
    version: Option<i64>,
    save: ServerAction<PutResource>,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy {
    move |ev| {
        ev.prevent_default();
        let f = form.get_untracked();
        let Ok(body) = body(&f) else { return };
        save.dispatch(PutResource {
            input: PutResourceInput {
                kind,
                name: name(&f),
                version,
                body,
            },
        });
    }
}

/// The end of an editor: what keeps it from saving, the server's answer, and the buttons.
#[component]
fn EditorFooter(
    save: ServerAction<PutResource>,
    remove: ServerAction<DeleteResource>,
    problem: Memo<Option<String>>,
    label: &'static str,
    /// The stored resource (kind, name, version), when there is one to delete.
    target: Option<(ResourceKind, String, Option<i64>)>,
    /// Whether the form differs from what was loaded.
    #[prop(into)]
    dirty: Signal<bool>,
) -> impl IntoView {
    // A conflict shows what the other side changed since this form was loaded.
    let base = StoredValue::new(target.as_ref().and_then(|(kind, name, version)| {
        version.map(|version| EditBase {
            kind: *kind,
            name: name.clone(),
            version,
            reload: "/roles-users".to_owned(),
        })
    }));
    view! {
        <p class="text-sm text-red-700 dark:text-red-400" role="alert">{move || problem.get()}</p>
        {move || save.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
        {move || remove.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
        <div class="flex items-center gap-3">
            <SubmitButton label pending=save.pending() blocked=Signal::derive(move || problem.get().is_some()) />
            {target.map(|(kind, name, version)| view! { <DeleteButton remove kind name version /> })}
            <a href="/roles-users" class=BUTTON_SECONDARY>"Close"</a>
            <UnsavedChanges dirty />
        </div>
    }
}

/// A saved role's or user's versions under its editor; restoring reloads the editor.
fn history(kind: ResourceKind, name: &str, is_new: bool) -> Option<AnyView> {
    (!is_new).then(|| {
        let after_restore = saved_href(kind, name);
        view! { <HistoryPanel kind name=name.to_owned() after_restore /> }.into_any()
    })
}

#[component]
fn RoleEditor(existing: Option<ResourceView>) -> impl IntoView {
    let version = existing.as_ref().map(|v| v.version);
    let is_new = existing.is_none();
    let form = RwSignal::new(
        existing
            .as_ref()
            .map(RoleForm::from_view)
            .unwrap_or_default(),
    );
    let (save, remove) = actions();
    let problem = problem_of(form, RoleForm::body);
    let submit = submitter(
        form,
        RoleForm::body,
        |f| f.name.clone(),
        ResourceKind::Role,
        version,
        save,
    );
    let name = existing
        .as_ref()
        .map(|v| v.name.clone())
        .unwrap_or_default();
    view! {
        <form class=format!("{CARD} mt-6 space-y-4") on:submit=submit aria-label="Role editor">
            <h2 class="text-base font-semibold">{if is_new { "New role".to_owned() } else { format!("Role {name}") }}</h2>
            <div class="grid gap-4 md:grid-cols-2">
                <div><label for="role-name" class=LABEL>"Role name"</label>
                    <input id="role-name" class=INPUT readonly=!is_new prop:value=move || form.with(|f| f.name.clone()) on:input=move |ev| form.update(|f| f.name = event_target_value(&ev)) /></div>
                <div><label for="role-cluster" class=LABEL>"Cluster privileges"</label>
                    <input id="role-cluster" class=INPUT placeholder="monitor, manage_security" prop:value=move || form.with(|f| f.cluster.clone()) on:input=move |ev| form.update(|f| f.cluster = event_target_value(&ev)) /></div>
                <div><label for="role-run-as" class=LABEL>"run_as"</label>
                    <input id="role-run-as" class=INPUT placeholder="user123_runas, svc_*" prop:value=move || form.with(|f| f.run_as.clone()) on:input=move |ev| form.update(|f| f.run_as = event_target_value(&ev)) />
                    <p class=MUTED>"Users (names, wildcards or /regex/) the holder may run as."</p></div>
                <div><label for="role-description" class=LABEL>"Description"</label>
                    <input id="role-description" class=INPUT prop:value=move || form.with(|f| f.description.clone()) on:input=move |ev| form.update(|f| f.description = event_target_value(&ev)) /></div>
            </div>
            <div><label for="role-indices" class=LABEL>"Index privileges (JSON)"</label>
                <textarea id="role-indices" rows="4" class=format!("{INPUT} font-mono text-xs") placeholder="[{\"names\": [\"logs-*\"], \"privileges\": [\"read\"]}]"
                    prop:value=move || form.with(|f| f.indices.clone()) on:input=move |ev| form.update(|f| f.indices = event_target_value(&ev))></textarea></div>
            <div><label for="role-metadata" class=LABEL>"Metadata (JSON)"</label>
                <textarea id="role-metadata" rows="2" class=format!("{INPUT} font-mono text-xs")
                    prop:value=move || form.with(|f| f.metadata.clone()) on:input=move |ev| form.update(|f| f.metadata = event_target_value(&ev))></textarea></div>
            <EditorFooter save remove problem label="Save role" target=(!is_new).then(|| (ResourceKind::Role, name.clone(), version)) dirty=changed_since_load(form) />
        </form>
        {history(ResourceKind::Role, &name, is_new)}
    }
}

#[component]
fn UserEditor(existing: Option<ResourceView>) -> impl IntoView {
    let version = existing.as_ref().map(|v| v.version);
    let is_new = existing.is_none();
    let password_set = existing.as_ref().and_then(|v| {
        v.secure_settings
            .values()
            .next()
            .map(|s| s.changed_at.replace('T', " "))
    });
    let form = RwSignal::new(
        existing
            .as_ref()
            .map_or_else(UserForm::new_user, UserForm::from_view),
    );
    let (save, remove) = actions();
    let problem = problem_of(form, UserForm::body);
    let submit = submitter(
        form,
        UserForm::body,
        |f| f.username.clone(),
        ResourceKind::User,
        version,
        save,
    );
    let name = existing
        .as_ref()
        .map(|v| v.name.clone())
        .unwrap_or_default();
    view! {
        <form class=format!("{CARD} mt-6 space-y-4") on:submit=submit aria-label="User editor">
            <h2 class="text-base font-semibold">{if is_new { "New native user".to_owned() } else { format!("User {name}") }}</h2>
            <div class="grid gap-4 md:grid-cols-2">
                <div><label for="user-username" class=LABEL>"Username"</label>
                    <input id="user-username" class=INPUT readonly=!is_new prop:value=move || form.with(|f| f.username.clone()) on:input=move |ev| form.update(|f| f.username = event_target_value(&ev)) /></div>
                <div><label for="user-roles" class=LABEL>"Roles"</label>
                    <input id="user-roles" class=INPUT prop:value=move || form.with(|f| f.roles.clone()) on:input=move |ev| form.update(|f| f.roles = event_target_value(&ev)) /></div>
                <div><label for="user-full-name" class=LABEL>"Full name"</label>
                    <input id="user-full-name" class=INPUT prop:value=move || form.with(|f| f.full_name.clone()) on:input=move |ev| form.update(|f| f.full_name = event_target_value(&ev)) /></div>
                <div><label for="user-email" class=LABEL>"Email"</label>
                    <input id="user-email" class=INPUT prop:value=move || form.with(|f| f.email.clone()) on:input=move |ev| form.update(|f| f.email = event_target_value(&ev)) /></div>
                <div><label for="user-password" class=LABEL>"Password"</label>
                    <input id="user-password" type="password" autocomplete="new-password" class=INPUT
                        placeholder=password_set.as_ref().map_or_else(|| "not set".to_owned(), |at| format!("set · changed {at} — type to replace"))
                        prop:value=move || form.with(|f| f.password.clone()) on:input=move |ev| form.update(|f| f.password = event_target_value(&ev)) />
                    <p class=MUTED>"Write-only: stored on the server for the export, never shown again."</p></div>
                <div class="flex items-end gap-2">
                    <input id="user-enabled" type="checkbox" prop:checked=move || form.with(|f| f.enabled) on:change=move |ev| form.update(|f| f.enabled = event_target_checked(&ev)) />
                    <label for="user-enabled" class=LABEL>"Enabled"</label></div>
            </div>
            <div><label for="user-metadata" class=LABEL>"Metadata (JSON)"</label>
                <textarea id="user-metadata" rows="2" class=format!("{INPUT} font-mono text-xs")
                    prop:value=move || form.with(|f| f.metadata.clone()) on:input=move |ev| form.update(|f| f.metadata = event_target_value(&ev))></textarea></div>
            <EditorFooter save remove problem label="Save user" target=(!is_new).then(|| (ResourceKind::User, name.clone(), version)) dirty=changed_since_load(form) />
        </form>
        {history(ResourceKind::User, &name, is_new)}
    }
}
