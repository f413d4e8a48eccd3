use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{
        deployments::{DeploymentList, RemoteView, list_deployments, remote_clusters},
        security::{PutResource, PutResourceInput, ResourceKind},
    },
    components::{
        code_block::CodeBlock,
        conflict_notice::EditBase,
        delete_button::DeleteButton,
        diagnostic_list::DiagnosticList,
        editor_parts::{
            SavedNotice, SubmitButton, UnsavedChanges, action_failure, changed_since_load,
            resource_actions,
        },
        error_message::ErrorMessage,
        form_field::{FormField, SelectField, bind, form_refusal, refuses, server_refusal},
        history_panel::HistoryPanel,
        secret_field::SecretField,
        styles::{BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, FIELD_ERROR, LABEL, MUTED, PAGE_TITLE},
    },
    error::ApiError,
    forms::trust_form::{RemoteForm, yml},
    nav::urlencode,
};

type Loaded = (
    Result<Vec<RemoteView>, ApiError>,
    Result<DeploymentList, ApiError>,
);

/// The selected deployment's remote clusters: `?edit=<alias>` / `?new=1` open the editor;
/// each remote shows its findings and what both clusters configure.
#[component]
pub fn RemoteClustersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        || (),
        |()| async {
            let loaded: Loaded = (remote_clusters().await, list_deployments().await);
            loaded
        },
    );
    view! {
        <Title text="Remote clusters" />
        <h1 class=PAGE_TITLE>"Remote clusters"</h1>
        <p class=format!("mt-1 {MUTED}")>"Clusters this deployment searches or replicates from, with the API-key or certificate security model, strong identity verification, and the settings both sides need."</p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (edit, new, saved) = query.with(|q| (q.get("edit"), q.get("new").is_some(), q.get("saved").is_some()));
                match data.await {
                    (Ok(remotes), Ok(deployments)) => {
                        let others: Vec<String> = deployments.deployments.iter().map(|d| d.name.clone()).filter(|n| *n != deployments.current).collect();
                        let editor = match (edit, new) {
                            (Some(alias), _) => remotes.iter().find(|r| r.resource.name == alias).cloned().map(|r| view! { <RemoteEditor existing=Some(r) others=others.clone() saved /> }.into_any()),
                            (None, true) => Some(view! { <RemoteEditor existing=None others=others.clone() saved=false /> }.into_any()),
                            _ => None,
                        };
                        view! { {editor} <RemoteList remotes /> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RemoteList(remotes: Vec<RemoteView>) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="remotes-heading">
            <div class="flex items-center justify-between">
                <h2 id="remotes-heading" class="text-base font-semibold">"Remote clusters"</h2>
                <a href="/remote-clusters?new=1" class=BUTTON_PRIMARY>"Add remote cluster"</a>
            </div>
            {if remotes.is_empty() {
                view! { <p class=format!("mt-3 {MUTED}")>"No remote clusters yet. The API-key model (8.14+ on Elastic Cloud and ECE) is the recommended one."</p> }.into_any()
            } else {
                remotes.into_iter().map(|r| view! { <RemoteSummary remote=r /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn RemoteSummary(remote: RemoteView) -> impl IntoView {
    let b = &remote.resource.body;
    let model = if b["security"] == "certificate" {
        "certificate"
    } else {
        "API key"
    };
    let signing = b["signing"]["mode"].as_str().unwrap_or("none").to_owned();
    let a = remote.analysis;
    view! {
        <article class="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800" data-testid="remote-row">
            <div class="flex flex-wrap items-baseline gap-3">
                <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/remote-clusters?edit={}", urlencode(&remote.resource.name))>{remote.resource.name.clone()}</a>
                <span class="text-sm">{format!("{model} model · {}", b["mode"].as_str().unwrap_or_default())}</span>
                <span class=MUTED>{format!("strong identity: {}", if signing == "none" { "off".to_owned() } else { signing })}</span>
            </div>
            <DiagnosticList diagnostics=remote.resource.diagnostics.clone() />
            <details class="mt-2">
                <summary class="cursor-pointer text-sm font-medium">"What to configure"</summary>
                <CodeBlock title="elasticsearch.yml (local cluster)".to_owned() text=yml(&a.local_settings) testid="remote-settings" />
                {(!a.keystore.is_empty()).then(|| view! { <CodeBlock title="Keystore (local cluster)".to_owned() text=a.keystore.join("\n") /> })}
                {(!a.remote_settings.is_empty()).then(|| view! { <CodeBlock title="elasticsearch.yml (remote cluster)".to_owned() text=yml(&a.remote_settings) /> })}
                {a.api_key_request.map(|r| view! { <CodeBlock title="On the remote cluster: create the cross-cluster API key".to_owned() text=r testid="api-key-request" /> })}
                {a.api_key.map(|k| view! { <CodeBlock title="The role Elasticsearch derives for the key".to_owned() text=serde_json::to_string_pretty(&k.role_descriptor).unwrap_or_default() /> })}
            </details>
        </article>
    }
}

const SECURITY: &[(&str, &str)] = &[
    ("api_key", "API key (remote_cluster_server, 9443)"),
    ("certificate", "TLS certificate (transport, 9300/9400)"),
];
const MODES: &[(&str, &str)] = &[("proxy", "proxy"), ("sniff", "sniff")];
const SKIP: &[(&str, &str)] = &[
    ("", "Elasticsearch's default (true from 8.15, false before)"),
    ("true", "true: skip it when it is unavailable"),
    ("false", "false: fail the request"),
];
const SIGNING: &[(&str, &str)] = &[
    ("none", "Off"),
    ("pem", "Dedicated signing certificate and key"),
    ("transport", "Reuse the transport certificate"),
    ("keystore", "A keystore on the nodes (PKCS#12 or JKS)"),
];

#[component]
fn RemoteEditor(existing: Option<RemoteView>, others: Vec<String>, saved: bool) -> impl IntoView {
    let is_new = existing.is_none();
    let version = existing.as_ref().map(|r| r.resource.version);
    let stored = existing
        .as_ref()
        .map(|r| r.resource.diagnostics.clone())
        .unwrap_or_default();
    let initial = existing.as_ref().map_or_else(RemoteForm::new_remote, |r| {
        RemoteForm::from_view(&r.resource)
    });
    let saved_credentials = initial.saved_secrets.get("credentials").cloned();
    let saved_key = initial.saved_secrets.get("signing_key").cloned();
    let saved_keystore_password = initial
        .saved_secrets
        .get("signing_keystore_password")
        .cloned();
    let form = RwSignal::new(initial);
    let (save, remove) = resource_actions(ResourceKind::RemoteCluster);
    let check = Memo::new(move |_| form.with(RemoteForm::check).map(drop));
    let refusal = form_refusal(form, is_new, check, move || {
        server_refusal(save.value().get())
    });
    let base = existing
        .as_ref()
        .map(|r| EditBase::of(ResourceKind::RemoteCluster, &r.resource));
    let other_error = action_failure(save.value(), remove.value(), base);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = form.get_untracked();
        let Ok(body) = f.body() else { return };
        if check.get_untracked().is_err() {
            return;
        }
        save.dispatch(PutResource {
            input: PutResourceInput {
                kind: ResourceKind::RemoteCluster,
                name: f.alias.clone(),
                version,
                body,
            },
        });
    };
    let (alias, set_alias) = bind(form, |f| f.alias.clone(), |f, v| f.alias = v);
    let (security, set_security) = bind(form, |f| f.security.clone(), |f, v| f.security = v);
    let (mode, set_mode) = bind(form, |f| f.mode.clone(), |f, v| f.mode = v);
    let (addresses, set_addresses) = bind(form, |f| f.addresses.clone(), |f, v| f.addresses = v);
    let (skip, set_skip) = bind(
        form,
        |f| f.skip_unavailable.clone(),
        |f, v| f.skip_unavailable = v,
    );
    let (server_name, set_server_name) =
        bind(form, |f| f.server_name.clone(), |f, v| f.server_name = v);
    let (target, set_target) = bind(
        form,
        |f| f.remote_deployment.clone(),
        |f, v| f.remote_deployment = v,
    );
    let (api_key, set_api_key) = bind(form, |f| f.api_key.clone(), |f, v| f.api_key = v);
    let (identity, set_identity) = bind(
        form,
        |f| f.certificate_identity.clone(),
        |f, v| f.certificate_identity = v,
    );
    let (credentials, set_credentials) =
        bind(form, |f| f.credentials.clone(), |f, v| f.credentials = v);
    let (signing, set_signing) = bind(form, |f| f.signing_mode.clone(), |f, v| f.signing_mode = v);
    let (certificate, set_certificate) = bind(
        form,
        |f| f.signing_certificate.clone(),
        |f, v| f.signing_certificate = v,
    );
    let (key, set_key) = bind(form, |f| f.signing_key.clone(), |f, v| f.signing_key = v);
    let (keystore_path, set_keystore_path) = bind(
        form,
        |f| f.keystore_path.clone(),
        |f, v| f.keystore_path = v,
    );
    let (keystore_type, set_keystore_type) = bind(
        form,
        |f| f.keystore_type.clone(),
        |f, v| f.keystore_type = v,
    );
    let (keystore_alias, set_keystore_alias) = bind(
        form,
        |f| f.keystore_alias.clone(),
        |f, v| f.keystore_alias = v,
    );
    let (keystore_entries, set_keystore_entries) = bind(
        form,
        |f| f.keystore_entries.clone(),
        |f, v| f.keystore_entries = v,
    );
    let (keystore_password, set_keystore_password) = bind(
        form,
        |f| f.keystore_password.clone(),
        |f, v| f.keystore_password = v,
    );
    let keystore_mode = move || form.with(|f| f.signing_mode == "keystore");
    let api_key_model = move || form.with(|f| f.security == "api_key");
    let pem = move || form.with(|f| f.signing_mode == "pem");
    let secret_error = move |field: &'static str| {
        move || {
            refusal.get().filter(|e| refuses(&e.field, field)).map(|e| view! { <p class=FIELD_ERROR role="alert" data-error-for=field>{e.message}</p> })
        }
    };
    let delete_name = existing
        .as_ref()
        .map(|r| r.resource.name.clone())
        .unwrap_or_default();
    let target_options: Vec<String> = others;
    let connection = view! {
            <div class="grid gap-4 md:grid-cols-3">
                <FormField id="remote-alias" label="Alias" field="alias" value=alias set=set_alias refusal readonly=!is_new help="cluster.remote.<alias>" />
                <SelectField id="remote-security" label="Security model" options=SECURITY value=security set=set_security />
                <SelectField id="remote-mode" label="Mode" options=MODES value=mode set=set_mode />
            </div>
            <div class="grid gap-4 md:grid-cols-3">
                <FormField id="remote-addresses" label="Proxy address or seeds (host:port, one per line)" field="addresses" value=addresses set=set_addresses refusal rows=2 />
                <FormField id="remote-server-name" label="server_name (proxy mode, optional)" field="server_name" value=server_name set=set_server_name refusal />
                <div>
                    <label for="remote-target" class=LABEL>"Remote deployment (managed here)"</label>
                    <select id="remote-target" class="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
                        prop:value=move || target.get() on:change=move |ev| set_target.run(event_target_value(&ev))>
                        <option value="">"— not managed by the console —"</option>
                        {target_options.into_iter().map(|n| { let v = n.clone(); let label = n.clone(); view! { <option value=n selected=move || target.get() == v>{label}</option> } }).collect_view()}
                    </select>
                    <p class=format!("mt-1 {MUTED}")>"Lets the console check versions, mutual CA trust and the remote's signing trust."</p>
                </div>
            </div>
            <div class="max-w-md">
                <SelectField id="remote-skip" label="skip_unavailable" options=SKIP value=skip set=set_skip />
            </div>
    }
    .into_any();
    let security_sections = view! {
            <Show when=api_key_model>
                <fieldset class="space-y-4">
                    <legend class="text-base font-semibold">"Cross-cluster API key"</legend>
                    <FormField id="remote-api-key" label="POST /_security/cross_cluster/api_key body (JSON)" field="api_key" value=api_key set=set_api_key refusal rows=8 help="Checked with Elasticsearch's rules: search and/or replication, no DLS/FLS on replication." />
                    <div>
                        <label for="remote-credentials" class=LABEL>"cluster.remote.<alias>.credentials (the key's encoded value)"</label>
                        <SecretField id="remote-credentials".to_owned() saved=saved_credentials.clone() edit=credentials on_change=set_credentials described_by="remote-credentials-help".to_owned() />
                        <p id="remote-credentials-help" class=MUTED>"Kept on the console's server only; exported as a keystore command."</p>
                        {secret_error("secure_settings.credentials")}
                    </div>
                </fieldset>
            </Show>
            <fieldset class="space-y-4">
                <legend class="text-base font-semibold">"Strong identity verification (9.3+)"</legend>
                <SelectField id="remote-signing" label="Sign cross-cluster requests with" options=SIGNING value=signing set=set_signing />
                <Show when=pem>
                    <FormField id="remote-signing-certificate" label="Signing certificate (PEM)" field="signing.certificate" value=certificate set=set_certificate refusal rows=5 />
                    <div>
                        <label for="remote-signing-key" class=LABEL>"Signing key (PEM)"</label>
                        <SecretField id="remote-signing-key".to_owned() saved=saved_key.clone() edit=key on_change=set_key described_by="remote-signing-key-help".to_owned() multiline=true />
                        <p id="remote-signing-key-help" class=MUTED>"RSA or EC, unencrypted. It stays on the console's server and is never sent back."</p>
                        {secret_error("secure_settings.signing_key")}
                    </div>
                </Show>
                <Show when=keystore_mode>
                    <div class="grid gap-4 md:grid-cols-3">
                        <FormField id="remote-keystore-path" label="signing.keystore.path" field="signing.keystore_path" value=keystore_path set=set_keystore_path refusal placeholder="certs/signing.p12" />
                        <FormField id="remote-keystore-type" label="signing.keystore.type (optional)" field="signing.keystore_type" value=keystore_type set=set_keystore_type refusal placeholder="PKCS12" help="Unset: PKCS12 for .p12/.pfx/.pkcs12, else jks." />
                        <FormField id="remote-keystore-alias" label="signing.keystore.alias" field="signing.keystore_alias" value=keystore_alias set=set_keystore_alias refusal help="Required when the keystore holds more than one key." />
                    </div>
                    <FormField id="remote-keystore-entries" label="Private-key entries in the keystore (keytool -list), one per line" field="signing.keystore_entries" value=keystore_entries set=set_keystore_entries refusal rows=2 help="The console cannot open the keystore; with its entries it checks the alias as Elasticsearch does." />
                    <div>
                        <label for="remote-keystore-password" class=LABEL>"signing.keystore.secure_password"</label>
                        <SecretField id="remote-keystore-password".to_owned() saved=saved_keystore_password.clone() edit=keystore_password on_change=set_keystore_password described_by="remote-keystore-password-help".to_owned() />
                        <p id="remote-keystore-password-help" class=MUTED>"Kept on the console's server only; exported as a keystore command."</p>
                        {secret_error("secure_settings.signing_keystore_password")}
                    </div>
                </Show>
                <FormField id="remote-identity" label="certificate_identity on the API key (Java regex, whole DN)" field="api_key.certificate_identity" value=identity set=set_identity refusal placeholder="CN=.*\\.node\\.<cluster-id>\\.cluster\\.<org-id>" help="Matched case-sensitively against the whole RFC 2253 subject DN of the signing certificate. Test it in the certificate workbench." />
            </fieldset>
    }
    .into_any();
    let history = (!is_new).then(|| {
        let after_restore = format!("/remote-clusters?edit={}&saved=1", urlencode(&delete_name));
        view! { <HistoryPanel kind=ResourceKind::RemoteCluster name=delete_name.clone() after_restore /> }.into_any()
    });
    view! {
        <form class=format!("{CARD} mt-6 space-y-4") on:submit=on_submit novalidate aria-labelledby="remote-editor">
            <div class="flex items-start justify-between gap-4">
                <h2 id="remote-editor" class="text-lg font-semibold">{if is_new { "Add remote cluster".to_owned() } else { format!("Remote cluster {delete_name}") }}</h2>
                <div class="flex gap-2">
                    {(!is_new).then(|| view! { <DeleteButton remove kind=ResourceKind::RemoteCluster name=delete_name.clone() version /> })}
                    <a href="/remote-clusters" class=BUTTON_SECONDARY>"Close"</a>
                </div>
            </div>
            <SavedNotice saved />
            {connection}
            {security_sections}
            <DiagnosticList diagnostics=Signal::derive(move || stored.clone()) id="remote-diagnostics".to_owned() />
            {other_error}
            <div class="flex items-center gap-3"><SubmitButton label="Save remote cluster" pending=save.pending() blocked=Signal::derive(move || check.get().is_err()) /><UnsavedChanges dirty=changed_since_load(form) /></div>
        </form>
        {history}
    }
}
