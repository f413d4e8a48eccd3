use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use trust_core::jwt::{
    algorithm::Algorithm,
    catalog::{Group, SETTINGS, SettingKind, SettingSpec},
    key_table::describe_keys,
    keys::parse_jwks,
    pem::{add_to_set, pem_to_jwk},
};

use crate::{
    api::security::{
        DiagnosticView, FetchJwks, PutResource, PutResourceInput, ResourceKind, ResourceView,
        list_resources,
    },
    components::{
        conflict_notice::EditBase,
        delete_button::DeleteButton,
        diagnostic_list::DiagnosticList,
        editor_parts::{
            SavedNotice, SubmitButton, UnsavedChanges, changed_since_load, failure_view,
            reload_on_success, resource_actions,
        },
        error_message::ErrorMessage,
        history_panel::HistoryPanel,
        key_table::KeyTable,
        secret_field::SecretField,
        styles::{BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, MUTED, PAGE_TITLE},
    },
    forms::{
        realm_form::{self, RealmForm, SecretEdit, next_order},
        text_list,
    },
    nav::saved_href,
};

/// Create (`/realms/new`, optionally `?from=<realm>` to duplicate) or edit
/// (`/realms/<name>`) one realm.
#[component]
pub fn RealmEditorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let realms = Resource::new(|| (), |()| list_resources(ResourceKind::Realm));
    view! {
        <Transition fallback=|| view! { <p class=MUTED>"Loading realm…"</p> }>
            {move || Suspend::new(async move {
                let editing = params.with(|p| p.get("name"));
                let (from, saved) = query.with(|q| (q.get("from"), q.get("saved").is_some()));
                match realms.await {
                    Ok(stored) => view! { <RealmEditor stored editing from saved /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A help text split at its backticks: `(true, …)` for the code spans.
fn help_segments(help: &'static str) -> Vec<(bool, &'static str)> {
    help.split('`')
        .enumerate()
        .filter(|(_, text)| !text.is_empty())
        .map(|(i, text)| (i % 2 == 1, text))
        .collect()
}

#[component]
fn RealmEditor(
    stored: Vec<ResourceView>,
    editing: Option<String>,
    from: Option<String>,
    saved: bool,
) -> impl IntoView {
    let find = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| stored.iter().find(|v| &v.name == n))
            .cloned()
    };
    let existing = find(&editing);
    if let (Some(name), None) = (&editing, &existing) {
        return view! {
            <Title text="Realm not found" />
            <h1 class=PAGE_TITLE>"Realm not found"</h1>
            <p class=format!("mt-2 {MUTED}")>{format!("There is no realm named [{name}]. ")}<a class="text-indigo-700 underline" href="/realms">"Back to the realm chain"</a></p>
        }
        .into_any();
    }
    let initial = match (&existing, find(&from)) {
        (Some(view), _) => RealmForm::from_view(view),
        (None, Some(source)) => {
            let mut copy =
                RealmForm::from_view(&source).duplicate(&format!("{}_copy", source.name));
            copy.values
                .insert("order".to_owned(), next_order(&stored).to_string());
            copy
        }
        (None, None) => RealmForm::new_jwt(next_order(&stored)),
    };
    let version = existing.as_ref().map(|v| v.version);
    let server_diagnostics = existing
        .as_ref()
        .map(|v| v.diagnostics.clone())
        .unwrap_or_default();
    let is_new = existing.is_none();
    let stored_as = existing.as_ref().map(|v| (v.name.clone(), v.version));
    let form = RwSignal::new(initial);
    let stored = StoredValue::new(stored);
    let editing_name = StoredValue::new(editing.clone());
    let check = Memo::new(move |_| {
        form.with(|f| {
            stored
                .with_value(|s| editing_name.with_value(|e| realm_form::check(f, e.as_deref(), s)))
        })
    });
    let (save, remove) = resource_actions(ResourceKind::Realm);
    let base = StoredValue::new(
        existing
            .as_ref()
            .map(|v| EditBase::of(ResourceKind::Realm, v)),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = form.get_untracked();
        let Ok(body) = current.body() else { return };
        save.dispatch(PutResource {
            input: PutResourceInput {
                kind: ResourceKind::Realm,
                name: current.name.clone(),
                version,
                body,
            },
        });
    };
    let title = if is_new {
        "New realm".to_owned()
    } else {
        format!("Realm {}", editing.clone().unwrap_or_default())
    };
    let history = editing.clone().filter(|_| !is_new).map(|name| {
        let after_restore = format!("/realms/{name}?saved=1");
        view! { <HistoryPanel kind=ResourceKind::Realm name after_restore /> }.into_any()
    });
    let errors = move || check.with(|c| c.diagnostics.iter().filter(|d| d.is_error()).count());
    let warnings = move || check.with(|c| c.diagnostics.iter().filter(|d| !d.is_error()).count());
    view! {
        <Title text=title.clone() />
        <div class="flex items-start justify-between gap-4">
            <div>
                <p class=MUTED><a class="hover:underline" href="/realms">"Realms"</a> " /"</p>
                <h1 class=PAGE_TITLE>{title}</h1>
            </div>
            {(!is_new).then(|| {
                let name = editing.clone().unwrap_or_default();
                let dup = format!("/realms/new?from={name}");
                view! {
                    <div class="flex gap-2">
                        <a href=dup class=BUTTON_SECONDARY>"Duplicate"</a>
                        <DeleteButton remove kind=ResourceKind::Realm name=name.clone() version />
                    </div>
                }
            })}
        </div>
        <SavedNotice saved />
        <form class="mt-6 space-y-6" on:submit=on_submit novalidate>
            <section class=CARD aria-labelledby="realm-identity">
                <h2 id="realm-identity" class="text-base font-semibold">"Realm"</h2>
                <div class="mt-4 grid gap-4 md:grid-cols-2">
                    <div>
                        <label for="realm-name" class=LABEL>"Realm name"</label>
                        <input
                            id="realm-name"
                            class=INPUT
                            required
                            readonly=!is_new
                            aria-describedby="realm-name-help realm-name-error"
                            prop:value=move || form.with(|f| f.name.clone())
                            on:input=move |ev| form.update(|f| f.name = event_target_value(&ev))
                        />
                        <p id="realm-name-help" class=MUTED>"Letters, digits, _ and -. It becomes part of every setting key. To rename, duplicate and delete."</p>
                        <p id="realm-name-error" class=FIELD_ERROR aria-live="polite">
                            {move || check.with(|c| c.refused.as_ref().filter(|e| e.field == "name").map(|e| e.message.clone()))}
                        </p>
                    </div>
                    <div>
                        <label for="realm-type" class=LABEL>"Type"</label>
                        <select
                            id="realm-type"
                            class=INPUT
                            disabled=!is_new
                            prop:value=move || form.with(|f| f.kind.clone())
                            on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))
                        >
                            {trust_core::resource::realm_config::REALM_TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                        </select>
                        <p class=MUTED>"Other types take part in the chain (order, run_as and authorization_realms targets); only jwt realms are edited in full."</p>
                    </div>
                </div>
                <p class="mt-4 text-sm" data-testid="lint-summary" aria-live="polite">
                    {move || match (errors(), warnings()) {
                        (0, 0) => "Elasticsearch would start with this realm: no findings.".to_owned(),
                        (0, w) => format!("Elasticsearch would start with this realm; {w} warning(s)."),
                        (e, w) => format!("Elasticsearch would refuse to start: {e} error(s), {w} warning(s). You can still save a draft."),
                    }}
                </p>
                <RefusalMessage check=check />
            </section>
            <Show when=move || form.with(|f| f.kind == "jwt") fallback=move || view! { <OtherRealmSettings form check /> }>
                {Group::ALL.into_iter().map(|group| view! { <SettingGroup group form check server_diagnostics=server_diagnostics.clone() stored_as=stored_as.clone() /> }).collect_view()}
            </Show>
            {move || save.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
            {move || remove.value().get().and_then(Result::err).map(|error| base.with_value(|b| failure_view(error, b.as_ref())))}
            <div class="flex items-center gap-3">
                <SubmitButton label="Save realm" pending=save.pending() blocked=Signal::derive(move || check.with(|c| c.refused.is_some())) />
                <a href="/realms" class=BUTTON_SECONDARY>"Cancel"</a>
                <UnsavedChanges dirty=changed_since_load(form) />
            </div>
        </form>
        {history}
    }
    .into_any()
}

/// The problem that keeps the form from being saved, when it is not the name (shown there).
#[component]
fn RefusalMessage(check: Memo<realm_form::FormCheck>) -> impl IntoView {
    view! {
        <p class=FIELD_ERROR role="alert" data-testid="form-refused">
            {move || check.with(|c| c.refused.as_ref().filter(|e| e.field != "name").map(ToString::to_string))}
        </p>
    }
}

/// A non-JWT realm: its settings as `key: value` lines.
#[component]
fn OtherRealmSettings(
    form: RwSignal<RealmForm>,
    check: Memo<realm_form::FormCheck>,
) -> impl IntoView {
    let diagnostics = Signal::derive(move || check.with(|c| c.diagnostics.clone()));
    view! {
        <section class=CARD aria-labelledby="other-settings">
            <h2 id="other-settings" class="text-base font-semibold">"Settings"</h2>
            <label for="setting-order" class=format!("{LABEL} mt-4")>"order"</label>
            <input
                id="setting-order"
                class=INPUT
                prop:value=move || form.with(|f| f.value("order").to_owned())
                on:input=move |ev| form.update(|f| { f.values.insert("order".to_owned(), event_target_value(&ev)); })
            />
            <ExtraSettings form />
            <DiagnosticList diagnostics />
        </section>
    }
}

#[component]
fn ExtraSettings(form: RwSignal<RealmForm>) -> impl IntoView {
    view! {
        <label for="setting-extra" class=format!("{LABEL} mt-4")>"Other settings"</label>
        <textarea
            id="setting-extra"
            rows="4"
            class=format!("{INPUT} font-mono")
            placeholder="required_claims.token_use: id\nssl.verification_mode: full"
            prop:value=move || form.with(|f| f.extra.clone())
            on:input=move |ev| form.update(|f| f.extra = event_target_value(&ev))
        ></textarea>
        <p class=MUTED>"One `key: value` per line, for required_claims.<claim> and ssl.* (and every setting of other realm types)."</p>
    }
}

#[component]
fn SettingGroup(
    group: Group,
    form: RwSignal<RealmForm>,
    check: Memo<realm_form::FormCheck>,
    server_diagnostics: Vec<DiagnosticView>,
    /// The stored realm's name and version, when editing one.
    stored_as: Option<(String, i64)>,
) -> impl IntoView {
    let id = format!("group-{group:?}").to_ascii_lowercase();
    let specs: Vec<&'static SettingSpec> = SETTINGS.iter().filter(|s| s.group == group).collect();
    let server = StoredValue::new(server_diagnostics);
    view! {
        <section class=CARD aria-labelledby=id.clone()>
            <h2 id=id.clone() class="text-base font-semibold">{group.title()}</h2>
            <div class="mt-4 grid gap-x-6 gap-y-4 md:grid-cols-2">
                {specs.into_iter().map(|spec| view! { <SettingField spec form check server /> }).collect_view()}
            </div>
            {(group == Group::AlgorithmsAndKeys).then(|| view! { <JwkSetField form stored_as /> })}
            {(group == Group::Advanced).then(|| view! { <ExtraSettings form /> })}
        </section>
    }
}

#[component]
fn SettingField(
    spec: &'static SettingSpec,
    form: RwSignal<RealmForm>,
    check: Memo<realm_form::FormCheck>,
    server: StoredValue<Vec<DiagnosticView>>,
) -> impl IntoView {
    let key = spec.key;
    let id = crate::nav::setting_field_id(key);
    let help_id = format!("{id}-help");
    let diag_id = format!("{id}-diagnostics");
    let described = format!("{help_id} {diag_id}");
    let applies = move || form.with(|f| spec.applies.to(f.token_type()));
    let diagnostics = Signal::derive(move || {
        let mut found: Vec<DiagnosticView> = check.with(|c| c.about(key).cloned().collect());
        // Findings that depend on a stored secret's value only the server can make.
        if spec.is_secure()
            && form.with(|f| matches!(f.secrets.get(key), None | Some(SecretEdit::Keep)))
        {
            let extra: Vec<DiagnosticView> = server.with_value(|s| {
                s.iter()
                    .filter(|d| d.setting == key && !found.contains(d))
                    .cloned()
                    .collect()
            });
            found.extend(extra);
        }
        found
    });
    let input = match spec.kind {
        SettingKind::Secret => {
            let saved = form.with_untracked(|f| f.saved_secrets.get(key).cloned());
            let edit = Signal::derive(move || form.with(|f| f.secrets.get(key).cloned().unwrap_or_default()));
            let on_change = Callback::new(move |e: SecretEdit| form.update(|f| { f.secrets.insert(key.to_owned(), e); }));
            view! { <SecretField id=id.clone() saved edit on_change described_by=described.clone() /> }.into_any()
        }
        SettingKind::Choice(choices) => choice(&id, &described, form, key, spec.default, choices).into_any(),
        SettingKind::Bool => choice(&id, &described, form, key, spec.default, &["true", "false"]).into_any(),
        _ => view! {
            <input
                id=id.clone()
                class=INPUT
                aria-describedby=described.clone()
                placeholder=spec.default.unwrap_or("")
                prop:value=move || form.with(|f| f.value(key).to_owned())
                on:input=move |ev| form.update(|f| { f.values.insert(key.to_owned(), event_target_value(&ev)); })
            />
        }
        .into_any(),
    };
    let kind_hint = match spec.kind {
        SettingKind::List => " Comma-separated list.",
        SettingKind::Time => " Time value with a unit.",
        _ => "",
    };
    view! {
        <div class:hidden=move || !applies() data-setting=key>
            <label for=id class=LABEL>
                <span class="font-mono">{key}</span>
                {spec.required.then(|| view! { <span class="text-red-700" title="required">" *"</span> })}
                {spec.is_secure().then(|| view! { <span class="ml-1 rounded bg-slate-100 px-1 text-xs dark:bg-slate-800">"keystore"</span> })}
            </label>
            {input}
            <p id=help_id class="mt-1 text-xs text-slate-600 dark:text-slate-400">
                {help_segments(spec.help).into_iter().map(|(code, text)| if code {
                    view! { <code class="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{text}</code> }.into_any()
                } else {
                    text.into_any()
                }).collect_view()}
                {kind_hint}
            </p>
            <DiagnosticList diagnostics id=diag_id />
        </div>
    }
}

fn choice(
    id: &str,
    described: &str,
    form: RwSignal<RealmForm>,
    key: &'static str,
    default: Option<&'static str>,
    choices: &'static [&'static str],
) -> impl IntoView {
    let default_label = format!("default ({})", default.unwrap_or("none"));
    view! {
        <select
            id=id.to_owned()
            class=INPUT
            aria-describedby=described.to_owned()
            prop:value=move || form.with(|f| f.value(key).to_owned())
            on:change=move |ev| form.update(|f| { f.values.insert(key.to_owned(), event_target_value(&ev)); })
        >
            <option value="">{default_label}</option>
            {choices.iter().map(|c| view! { <option value=*c>{*c}</option> }).collect_view()}
        </select>
    }
}

/// The pasted PKC JWK set with its key table (Elasticsearch's filtering, live).
#[component]
fn JwkSetField(form: RwSignal<RealmForm>, stored_as: Option<(String, i64)>) -> impl IntoView {
    let table = move || {
        form.with(|f| {
            if f.pkc_jwkset.trim().is_empty() {
                return None;
            }
            let allowed: Vec<Algorithm> = {
                let names = text_list::split(f.value("allowed_signature_algorithms"));
                let parsed: Vec<Algorithm> = names.iter().filter_map(|n| n.parse().ok()).collect();
                if parsed.is_empty() {
                    vec![Algorithm::RS256]
                } else {
                    parsed
                }
            };
            Some(match parse_jwks(&f.pkc_jwkset) {
                Ok(keys) => Ok(describe_keys(&keys, &allowed)),
                Err(e) => Err(format!("JWKSet parse failed: {}", e.0)),
            })
        })
    };
    view! {
        <div class="mt-6">
            <label for="setting-pkc_jwkset" class=LABEL>"PKC JWK set (content of the pkc_jwkset_path file)"</label>
            <textarea
                id="setting-pkc_jwkset"
                rows="6"
                class=format!("{INPUT} font-mono text-xs")
                placeholder="{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"…\", \"n\": \"…\", \"e\": \"AQAB\"}]}"
                prop:value=move || form.with(|f| f.pkc_jwkset.clone())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    form.update(|f| {
                        f.set_pkc_jwkset(text);
                    });
                }
            ></textarea>
            <p class=MUTED>"Paste the public JWK set. The console plays the Elasticsearch config directory: pkc_jwkset_path resolves to this content, and the export writes it as that file."</p>
            <JwkSetUpload form />
            <JwkSetFetch form stored_as />
            <PemImport form />
            {move || table().map(|result| match result {
                Ok(rows) => view! { <KeyTable rows /> }.into_any(),
                Err(message) => view! { <p class=FIELD_ERROR role="alert">{message}</p> }.into_any(),
            })}
        </div>
    }
}

/// The JWK of the PEM public key or certificate `pem`, compiled into a WASM chunk of its own
/// that the editor fetches at the first conversion: the certificate and key parsers were a
/// good part of the realm editor's first download (issue 19).
#[leptos::lazy]
fn pem_jwk(pem: String, kid: String) -> Result<serde_json::Value, String> {
    pem_to_jwk(&pem, Some(kid.trim())).map_err(|e| e.to_string())
}

/// Turns a pasted PEM public key or certificate into a JWK and adds it to the set.
#[component]
fn PemImport(form: RwSignal<RealmForm>) -> impl IntoView {
    let pem = RwSignal::new(String::new());
    let kid = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // While the conversion (and, the first time, its code) loads, the button waits.
    let converting = RwSignal::new(false);
    let add = move |_| {
        if converting.get_untracked() {
            return;
        }
        converting.set(true);
        let (text, key_id) = (pem.get_untracked(), kid.get_untracked());
        leptos::task::spawn_local(async move {
            let jwk = pem_jwk(text, key_id).await;
            converting.set(false);
            // Added to the set as it is now: an edit made while the conversion loaded stays.
            let added =
                jwk.and_then(|jwk| add_to_set(&form.with_untracked(|f| f.pkc_jwkset.clone()), jwk));
            match added {
                Ok(set) => {
                    form.update(|f| f.set_pkc_jwkset(set));
                    pem.set(String::new());
                    kid.set(String::new());
                    problem.set(None);
                }
                Err(message) => problem.set(Some(message)),
            }
        });
    };
    view! {
        <details class="mt-3">
            <summary class="cursor-pointer text-sm font-medium text-indigo-700 dark:text-indigo-300">"Add a key from a PEM public key or certificate"</summary>
            <div class="mt-2 grid gap-3 md:grid-cols-3">
                <div class="md:col-span-2">
                    <label for="pem-input" class=LABEL>"PEM"</label>
                    <textarea id="pem-input" rows="5" class=format!("{INPUT} font-mono text-xs")
                        placeholder="-----BEGIN PUBLIC KEY-----"
                        prop:value=move || pem.get() on:input=move |ev| pem.set(event_target_value(&ev))></textarea>
                </div>
                <div>
                    <label for="pem-kid" class=LABEL>"kid (optional)"</label>
                    <input id="pem-kid" class=INPUT bind:value=kid />
                    <button type="button" class=format!("{BUTTON_SECONDARY} mt-3") on:click=add
                        prop:disabled=move || converting.get() aria-busy=move || converting.get().to_string()>
                        {move || if converting.get() { "Converting…" } else { "Convert and add to the set" }}
                    </button>
                </div>
            </div>
            <p class=FIELD_ERROR role="alert">{move || problem.get()}</p>
        </details>
    }
}

/// Loads the JWK set from a file instead of pasting it (read in the browser, size-checked
/// before reading).
#[component]
fn JwkSetUpload(form: RwSignal<RealmForm>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::browser::{FileProblem, chosen_file_text};
            use trust_core::resource::realm_config::MAX_JWKSET_BYTES;
            match chosen_file_text(&ev, MAX_JWKSET_BYTES).await {
                Ok(text) => {
                    problem.set(None);
                    form.update(|f| f.set_pkc_jwkset(text));
                }
                Err(FileProblem::NoFile) => {}
                Err(FileProblem::TooLarge { size }) => problem.set(Some(format!(
                    "the file is {size} bytes; a JWK set of at most {MAX_JWKSET_BYTES} bytes is accepted"
                ))),
                Err(FileProblem::Unreadable) => problem.set(Some("the browser could not read the file as text".to_owned())),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, form);
    };
    view! {
        <div class="mt-2">
            <label for="pkc-jwkset-file" class=LABEL>"…or load it from a file"</label>
            <input id="pkc-jwkset-file" type="file" accept=".json,.jwks,application/json" class="mt-1 text-sm" on:change=on_change />
            <p class=FIELD_ERROR role="alert">{move || problem.get()}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::help_segments;

    #[test]
    fn help_backticks_become_code_spans() {
        assert_eq!(
            help_segments("The one `iss` value, `a` b"),
            [
                (false, "The one "),
                (true, "iss"),
                (false, " value, "),
                (true, "a"),
                (false, " b")
            ]
        );
        assert_eq!(help_segments("`x`"), [(true, "x")]);
    }
}

/// For a saved realm whose pkc_jwkset_path is an https URL: fetch the set now (on the server,
/// with a time and size limit) and keep it, so the lint and the key table see its keys.
#[component]
fn JwkSetFetch(form: RwSignal<RealmForm>, stored_as: Option<(String, i64)>) -> impl IntoView {
    let fetch = ServerAction::<FetchJwks>::new();
    reload_on_success(fetch.value(), |view: &ResourceView| {
        saved_href(ResourceKind::Realm, &view.name)
    });
    let is_url = move || form.with(|f| f.value("pkc_jwkset_path").starts_with("https://"));
    let Some((name, version)) = stored_as else {
        return view! {
            <Show when=is_url>
                <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"Save the realm, then fetch the JWK set from its URL here."</p>
            </Show>
        }
        .into_any();
    };
    view! {
        <Show when=is_url>
            <div class="mt-2">
                <button
                    type="button"
                    class=BUTTON_SECONDARY
                    disabled=move || fetch.pending().get()
                    on:click={
                        let name = name.clone();
                        move |_| { fetch.dispatch(FetchJwks { name: name.clone(), version }); }
                    }
                >
                    {move || if fetch.pending().get() { "Fetching…" } else { "Fetch the JWK set from the saved URL now" }}
                </button>
                <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">"Fetched by the server (10 s, 256 KiB at most), never while the page loads. Elasticsearch fetches it itself at startup."</p>
                {move || fetch.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })}
            </div>
        </Show>
    }
    .into_any()
}
