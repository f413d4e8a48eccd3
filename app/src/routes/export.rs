use leptos::prelude::*;
use leptos_meta::Title;
use trust_core::export::Artifact;

use crate::{
    api::export::{
        ArtifactDiff, ExportView, ImportConfig, ImportPreview, ImportRequest, RevealExport,
        RevealRequest, load_export,
    },
    components::{
        code_block::CodeBlock,
        diagnostic_list::DiagnosticList,
        error_message::ErrorMessage,
        styles::{
            BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, MUTED, PAGE_TITLE,
        },
    },
    forms::export_form::{ImportDraft, can_download, diff_line, with_context, zip_href},
};

/// The tab showing the changes since the previous export.
const CHANGES_TAB: &str = "changes";
/// The tab listing the support files.
const FILES_TAB: &str = "files";

/// Export and import of the selected deployment: one tab per artifact with a copy button,
/// the zip download behind the lint gate, the diff against the previous export, secrets
/// revealed only after the password, and the import of an existing configuration.
#[component]
pub fn ExportPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| load_export());
    view! {
        <Title text="Export" />
        <h1 class=PAGE_TITLE>"Export and import"</h1>
        <p class=format!("mt-1 {MUTED}")>
            "What this deployment becomes on the nodes and in the cluster: elasticsearch.yml, keystore commands, API requests and the order to apply them. Secret values stay on the server until you reveal them."
        </p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <ExportBody view reload=move || data.refetch() /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
        // Outside the transition, so that an applied import's result stays while the export
        // above reloads.
        <Import reload=move || data.refetch() />
    }
}

#[component]
fn ExportBody(view: ExportView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let draft = RwSignal::new(false);
    let artifacts = RwSignal::new(view.artifacts.clone());
    let revealed = RwSignal::new(false);
    let masked = StoredValue::new(view.artifacts.clone());
    let blocking = view.blocking.clone();
    let blocked = blocking.len();
    let deployment = view.deployment.clone();
    let first = view
        .artifacts
        .first()
        .map(|a| a.file.clone())
        .unwrap_or_default();
    let tab = RwSignal::new(first);
    let changed = view.diffs.iter().filter(|d| d.changed).count();
    let gate = (!blocking.is_empty()).then(|| {
        let count = blocking.len();
        view! {
            <section class=format!("{CARD} mt-6 border-red-300 dark:border-red-800") aria-labelledby="gate-heading" data-testid="export-gate">
                <h2 id="gate-heading" class="text-base font-semibold text-red-800 dark:text-red-300">
                    {format!("Export refused: Elasticsearch would not start ({count} error{})", if count == 1 { "" } else { "s" })}
                </h2>
                <DiagnosticList diagnostics=Signal::derive(move || blocking.clone()) />
                <label class="mt-3 flex items-center gap-2 text-sm">
                    <input type="checkbox" id="export-draft" bind:checked=draft />
                    "Export a draft anyway (the files will not start a node until the errors are fixed)"
                </label>
            </section>
        }
    });
    let tabs = move || {
        let mut names: Vec<(String, String)> = artifacts
            .get()
            .iter()
            .map(|a| (a.file.clone(), a.title.clone()))
            .collect();
        names.push((FILES_TAB.to_owned(), "Support files".to_owned()));
        names.push((CHANGES_TAB.to_owned(), format!("Changes ({changed})")));
        names
    };
    let files = StoredValue::new(view.files.clone());
    let diffs = StoredValue::new(view.diffs.clone());
    let previous = view.previous.clone();
    let kept = view.kept.clone();
    let zip = {
        let deployment = deployment.clone();
        move || {
            if can_download(blocked, draft.get()) {
                view! {
                    <a href=zip_href(&deployment, draft.get()) class=BUTTON_PRIMARY download="" data-testid="download-zip" on:click=move |_| {
                        // The download is recorded as the previous export: refresh the diff.
                        set_timeout(reload, std::time::Duration::from_millis(800));
                    }>"Download all (.zip)"</a>
                }.into_any()
            } else {
                view! { <span class=MUTED data-testid="download-blocked">"Fix the errors above, or tick “Export a draft”, to download."</span> }.into_any()
            }
        }
    };
    let panel = move || {
        let current = tab.get();
        if current == CHANGES_TAB {
            return view! { <Changes diffs=diffs.get_value() previous=previous.clone() /> }
                .into_any();
        }
        if current == FILES_TAB {
            let files = files.get_value();
            return if files.is_empty() {
                view! { <p class=format!("mt-4 {MUTED}")>"No support files: the yml names no pasted JWK set or signing certificate."</p> }.into_any()
            } else {
                view! {
                    <p class=format!("mt-4 {MUTED}")>"Files the yml names by relative path: put them in the config directory of every node (the zip has them under config/)."</p>
                    {files.into_iter().map(|(path, content)| view! { <CodeBlock title=format!("config/{path}") text=content /> }).collect_view()}
                }.into_any()
            };
        }
        match artifacts.get().into_iter().find(|a| a.file == current) {
            Some(a) => view! { <ArtifactPanel artifact=a /> }.into_any(),
            None => ().into_any(),
        }
    };
    view! {
        {gate}
        <section class=format!("{CARD} mt-6") aria-labelledby="artifacts-heading">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h2 id="artifacts-heading" class="text-base font-semibold">
                    {format!("Deployment [{}] · trust-console {}", view.deployment, view.console_version)}
                </h2>
                <div class="flex flex-wrap items-center gap-3">{zip}</div>
            </div>
            <Reveal artifacts revealed masked />
            <div role="tablist" aria-label="Exported files" class="mt-4 flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
                {move || tabs().into_iter().map(|(file, title)| {
                    let id = file.clone();
                    let selected = {
                        let id = id.clone();
                        move || tab.get() == id
                    };
                    let selected2 = selected.clone();
                    view! {
                        <button
                            type="button"
                            role="tab"
                            data-tab=file.clone()
                            aria-selected=move || selected().to_string()
                            class=move || if selected2() {
                                "rounded-t-md border-b-2 border-indigo-600 px-3 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300"
                            } else {
                                "rounded-t-md px-3 py-2 text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
                            }
                            on:click=move |_| tab.set(id.clone())
                        >{title}</button>
                    }
                }).collect_view()}
            </div>
            <div role="tabpanel" data-testid="export-panel">{panel}</div>
        </section>
        <Kept kept />
    }
}

#[component]
fn ArtifactPanel(artifact: Artifact) -> impl IntoView {
    view! {
        <p class=format!("mt-4 {MUTED}")>{artifact.about.clone()}
            {artifact.secret.then(|| view! { <strong class="ml-2 text-red-700 dark:text-red-400">"Holds secret values."</strong> })}
        </p>
        <CodeBlock title=artifact.file.clone() text=artifact.content testid="artifact-content" />
    }
}

#[component]
fn Reveal(
    artifacts: RwSignal<Vec<Artifact>>,
    revealed: RwSignal<bool>,
    masked: StoredValue<Vec<Artifact>>,
) -> impl IntoView {
    let action = ServerAction::<RevealExport>::new();
    let password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(shown)) = action.value().get() {
            artifacts.set(shown);
            revealed.set(true);
            password.set(String::new());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        action.dispatch(RevealExport {
            request: RevealRequest {
                password: password.get_untracked(),
            },
        });
    };
    view! {
        <Show
            when=move || revealed.get()
            fallback=move || view! {
                <form class="mt-4 flex flex-wrap items-end gap-3" on:submit=on_submit>
                    <div>
                        <label for="reveal-password" class=LABEL>"Your console password, to reveal secret values"</label>
                        <input id="reveal-password" type="password" class=INPUT autocomplete="current-password" bind:value=password />
                    </div>
                    <button type="submit" class=BUTTON_SECONDARY disabled=move || action.pending().get()>"Reveal secrets"</button>
                    <p class=FIELD_ERROR role="alert">{move || action.value().get().and_then(Result::err).map(|e| e.to_string())}</p>
                </form>
            }
        >
            <div class="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" role="status" data-testid="secrets-revealed">
                "Secret values are shown below (keystore JSON, secure settings, user passwords). They are not stored in the browser; the zip never holds them."
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| {
                    artifacts.set(masked.get_value());
                    revealed.set(false);
                }>"Hide secrets"</button>
            </div>
        </Show>
    }
}

#[component]
fn Changes(
    diffs: Vec<ArtifactDiff>,
    previous: Option<crate::api::export::PreviousExport>,
) -> impl IntoView {
    let Some(previous) = previous else {
        return view! { <p class=format!("mt-4 {MUTED}") data-testid="no-previous-export">"No previous export yet: download the zip once, and later changes show here line by line."</p> }.into_any();
    };
    let changed: Vec<ArtifactDiff> = diffs.into_iter().filter(|d| d.changed).collect();
    view! {
        <p class=format!("mt-4 {MUTED}")>{format!("Against the export of {} by {}.", previous.created_at, previous.actor)}</p>
        {if changed.is_empty() {
            view! { <p class="mt-2 text-sm" data-testid="no-changes">"Nothing changed since."</p> }.into_any()
        } else {
            changed.into_iter().map(|d| {
                let lines = with_context(&d, 3);
                view! {
                    <h3 class="mt-4 text-sm font-semibold">{d.file.clone()}</h3>
                    <pre tabindex="0" class="mt-1 relative overflow-x-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950" data-testid="diff">
                        {lines.into_iter().map(|line| match line {
                            None => view! { <div class="text-slate-400">"…"</div> }.into_any(),
                            Some(line) => {
                                let (mark, text, class) = diff_line(&line);
                                let text = text.to_owned();
                                view! { <div class=class>{format!("{mark} {text}")}</div> }.into_any()
                            }
                        }).collect_view()}
                    </pre>
                }
            }).collect_view().into_any()
        }}
    }.into_any()
}

#[component]
fn Kept(kept: Vec<String>) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="kept-heading">
            <h2 id="kept-heading" class="text-base font-semibold">"Settings kept without a model"</h2>
            {if kept.is_empty() {
                view! { <p class=format!("mt-2 {MUTED}")>"None. Settings an import brings that the console does not model (other realm types' secrets, node settings…) are kept here and written back on export, never dropped."</p> }.into_any()
            } else {
                view! {
                    <p class=format!("mt-2 {MUTED}")>"Imported settings the console does not model; they are written back unchanged on export (keystore values masked)."</p>
                    <ul class="mt-2 grid gap-1 font-mono text-xs sm:grid-cols-2" data-testid="kept-settings">
                        {kept.into_iter().map(|k| view! { <li>{k}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// One file of the import form: a textarea, and a file picker that fills it.
#[component]
fn ImportFile(
    id: &'static str,
    label: &'static str,
    accept: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::browser::{FileProblem, chosen_file_text};
            const MAX: usize = 4 << 20;
            match chosen_file_text(&ev, MAX).await {
                Ok(text) => {
                    problem.set(None);
                    value.set(text);
                }
                Err(FileProblem::NoFile) => {}
                Err(FileProblem::TooLarge { size }) => problem.set(Some(format!(
                    "the file is {size} bytes; at most {MAX} bytes are accepted"
                ))),
                Err(FileProblem::Unreadable) => problem.set(Some(
                    "the browser could not read the file as text".to_owned(),
                )),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, value);
    };
    let file_id = format!("{id}-file");
    view! {
        <div class="mt-4">
            <label for=id class=LABEL>{label}</label>
            <textarea id=id rows="4" spellcheck="false" autocomplete="off" class=format!("{INPUT} font-mono text-xs") bind:value=value></textarea>
            <label for=file_id.clone() class="sr-only">{format!("{label}: load from a file")}</label>
            <input id=file_id type="file" accept=accept class="mt-1 text-sm" on:change=on_change />
            <p class=FIELD_ERROR role="alert">{move || problem.get()}</p>
        </div>
    }
}

#[component]
fn Import(reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let yml = RwSignal::new(String::new());
    let secure = RwSignal::new(String::new());
    let mappings = RwSignal::new(String::new());
    let roles = RwSignal::new(String::new());
    let missing = RwSignal::new(None::<&'static str>);
    let action = ServerAction::<ImportConfig>::new();
    let draft = move || ImportDraft {
        yml: yml.get_untracked(),
        secure_settings: secure.get_untracked(),
        role_mappings: mappings.get_untracked(),
        roles: roles.get_untracked(),
    };
    let send = move |apply: bool| match draft().input() {
        Ok(input) => {
            missing.set(None);
            action.dispatch(ImportConfig {
                request: ImportRequest { input, apply },
            });
        }
        Err((_, message)) => missing.set(Some(message)),
    };
    Effect::new(move |_| {
        if let Some(Ok(preview)) = action.value().get()
            && preview.applied
        {
            reload();
        }
    });
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="import-heading">
            <h2 id="import-heading" class="text-base font-semibold">"Import an existing configuration"</h2>
            <p class=format!("mt-1 {MUTED}")>
                "Paste or upload an elasticsearch.yml (and optionally the keystore values as flat YAML, GET /_security/role_mapping and GET /_security/role output). Preview what changes, then apply it in one transaction. Realms, remote clusters, role mappings and roles the files name are created or replaced; others stay as they are."
            </p>
            <ImportFile id="import-yml" label="elasticsearch.yml" accept=".yml,.yaml,text/yaml" value=yml />
            <ImportFile id="import-secure" label="Keystore values (flat YAML, optional)" accept=".yml,.yaml" value=secure />
            <ImportFile id="import-mappings" label="Role mappings JSON (optional)" accept=".json,application/json" value=mappings />
            <ImportFile id="import-roles" label="Roles JSON (optional)" accept=".json,application/json" value=roles />
            <p class=FIELD_ERROR role="alert">{move || missing.get()}</p>
            <div class="mt-4 flex gap-3">
                <button type="button" class=BUTTON_SECONDARY data-testid="import-preview" disabled=move || action.pending().get() on:click=move |_| send(false)>"Preview"</button>
                <button
                    type="button"
                    class=BUTTON_PRIMARY
                    data-testid="import-apply"
                    disabled=move || action.pending().get() || !matches!(action.value().get(), Some(Ok(ref p)) if p.problems.is_empty() && !p.applied)
                    on:click=move |_| send(true)
                >"Apply import"</button>
            </div>
            {move || action.pending().get().then(|| view! { <p class=format!("mt-2 {MUTED}") role="status">"Working…"</p> })}
            {move || match action.value().get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <div class="mt-3"><ErrorMessage error /></div> }.into_any(),
                Some(Ok(preview)) => view! { <Preview preview /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Preview(preview: ImportPreview) -> impl IntoView {
    if !preview.problems.is_empty() {
        return view! {
            <div class="mt-3" role="alert" data-testid="import-problems">
                <p class="text-sm font-semibold text-red-800 dark:text-red-300">"Nothing was imported: fix these first."</p>
                <ul class="mt-1 space-y-1 text-sm text-red-700 dark:text-red-400">
                    {preview.problems.iter().map(|p| view! { <li>{p.to_string()}</li> }).collect_view()}
                </ul>
            </div>
        }.into_any();
    }
    let heading = if preview.applied {
        "Imported"
    } else {
        "Preview: nothing is applied yet"
    };
    view! {
        <div class="mt-4" data-testid="import-preview-result" data-applied=preview.applied.to_string()>
            <h3 class="text-sm font-semibold" role="status">{heading}</h3>
            <div class="mt-2 relative overflow-x-auto">
                <table class="w-full text-left text-sm">
                    <thead><tr class="text-slate-500 dark:text-slate-400"><th class="py-1 font-medium">"What"</th><th class="py-1 font-medium">"Name"</th><th class="py-1 font-medium">"Change"</th></tr></thead>
                    <tbody>
                        {preview.changes.iter().map(|c| {
                            let (word, class) = match c.kind {
                                trust_core::export::import::ChangeKind::Create => ("create", "text-emerald-700 dark:text-emerald-400"),
                                trust_core::export::import::ChangeKind::Update => ("update", "text-amber-700 dark:text-amber-400"),
                                trust_core::export::import::ChangeKind::Unchanged => ("unchanged", "text-slate-500 dark:text-slate-400"),
                            };
                            view! { <tr data-change=word><td class="py-1">{c.resource.noun()}</td><td class="py-1 font-mono text-xs">{c.name.clone()}</td><td class=format!("py-1 {class}")>{word}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!preview.kept.is_empty()).then(|| view! {
                <p class=format!("mt-3 {MUTED}")>{format!("Kept without a model: {}", preview.kept.join(", "))}</p>
            })}
            {(!preview.notes.is_empty()).then(|| view! {
                <ul class="mt-3 space-y-1 text-sm text-amber-800 dark:text-amber-300">
                    {preview.notes.iter().map(|n| view! { <li>"⚠ "{n.clone()}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }.into_any()
}
