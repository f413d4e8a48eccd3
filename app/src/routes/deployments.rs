use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::data_table::{Column, DataTable, Placement, col, hidden_col};
use crate::{
    api::deployments::{
        DeleteDeployment, DeploymentList, DeploymentView, PutDeployment, PutDeploymentInput,
        SelectDeployment, list_deployments,
    },
    components::{
        diagnostic_list::DiagnosticList,
        editor_parts::{
            SavedNotice, SubmitButton, UnsavedChanges, action_failure, changed_since_load,
            reload_on_success,
        },
        error_message::ErrorMessage,
        form_field::{CheckField, FormField, SelectField, bind, form_refusal, server_refusal},
        styles::{BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, MUTED, PAGE_TITLE},
    },
    forms::trust_form::DeploymentForm,
    nav::deployment_href,
};

/// The deployment kinds, as the select shows them.
pub const KINDS: &[(&str, &str)] = &[
    ("self_managed", "Self-managed"),
    ("ece", "Elastic Cloud Enterprise"),
    ("elastic_cloud", "Elastic Cloud Hosted"),
];

const DEPLOYMENT_COLUMNS: &[Column] = &[
    col("Name"),
    col("Runs on"),
    col("Version"),
    col("Cluster ID"),
    col("Findings"),
    hidden_col("Actions"),
];

/// The deployments the console manages: `?edit=<name>` opens one, `?new=1` a new one.
#[component]
pub fn DeploymentsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |()| list_deployments());
    view! {
        <Title text="Deployments" />
        <h1 class=PAGE_TITLE>"Deployments"</h1>
        <p class=format!("mt-1 {MUTED}")>"The clusters the console manages. Realms, role mappings, roles, users, environments and remote clusters belong to one of them; the top bar chooses which one you work on."</p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (edit, new, saved) = query.with(|q| (q.get("edit"), q.get("new").is_some(), q.get("saved").is_some()));
                match data.await {
                    Ok(list) => {
                        let editor = match (edit, new) {
                            (Some(name), _) => list.deployments.iter().find(|d| d.name == name).cloned().map(|d| view! { <DeploymentEditor existing=Some(d) saved /> }.into_any()),
                            (None, true) => Some(view! { <DeploymentEditor existing=None saved=false /> }.into_any()),
                            _ => None,
                        };
                        view! { {editor} <DeploymentTable list /> }.into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DeploymentTable(list: DeploymentList) -> impl IntoView {
    let select = ServerAction::<SelectDeployment>::new();
    reload_on_success(select.value(), |()| "/deployments".to_owned());
    let current = list.current.clone();
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="deployments-heading">
            <div class="flex items-center justify-between">
                <h2 id="deployments-heading" class="text-base font-semibold">"Deployments"</h2>
                <a href="/deployments?new=1" class=BUTTON_PRIMARY>"New deployment"</a>
            </div>
            <DataTable label="Deployments" columns=DEPLOYMENT_COLUMNS placement=Placement::Inline class="mt-3">
                        {list.deployments.into_iter().map(|d| {
                            let is_current = d.name == current;
                            let kind = d.body["kind"].as_str().and_then(|k| KINDS.iter().find(|(v, _)| *v == k)).map_or("?", |(_, l)| *l);
                            let errors = d.diagnostics.iter().filter(|x| x.is_error()).count();
                            let warnings = d.diagnostics.len() - errors;
                            let name = d.name.clone();
                            view! {
                                <tr data-testid="deployment-row">
                                    <td class="py-1 pr-4">
                                        <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/deployments?edit={}", d.name)>{d.name.clone()}</a>
                                        {is_current.then(|| view! { <span class="ml-2 rounded bg-indigo-50 px-1.5 text-xs text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">"current"</span> })}
                                    </td>
                                    <td class="py-1 pr-4">{kind}</td>
                                    <td class="py-1 pr-4">{d.body["stack_version"].as_str().unwrap_or_default().to_owned()}</td>
                                    <td class="py-1 pr-4 font-mono text-xs">{d.body["cluster_id"].as_str().unwrap_or("—").to_owned()}</td>
                                    <td class="py-1 pr-4">{format!("{errors} errors, {warnings} warnings")}</td>
                                    <td class="py-1 pr-4">
                                        {(!is_current).then(|| view! {
                                            <button type="button" class=BUTTON_SECONDARY on:click=move |_| { select.dispatch(SelectDeployment { name: name.clone() }); }>"Work on this one"</button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
            </DataTable>
        </section>
    }
}

#[component]
fn DeploymentEditor(existing: Option<DeploymentView>, saved: bool) -> impl IntoView {
    let is_new = existing.is_none();
    let version = existing.as_ref().map(|d| d.version);
    let stored_diagnostics = existing
        .as_ref()
        .map(|d| d.diagnostics.clone())
        .unwrap_or_default();
    let form = RwSignal::new(
        existing
            .as_ref()
            .map_or_else(DeploymentForm::new_deployment, DeploymentForm::from_view),
    );
    let save = ServerAction::<PutDeployment>::new();
    let remove = ServerAction::<DeleteDeployment>::new();
    let confirm = RwSignal::new(false);
    reload_on_success(save.value(), |view: &DeploymentView| {
        format!("{}&saved=1", deployment_href(&view.name))
    });
    reload_on_success(remove.value(), |()| "/deployments".to_owned());
    let check = Memo::new(move |_| form.with(DeploymentForm::check));
    let refusal = form_refusal(form, is_new, check, move || {
        server_refusal(save.value().get())
    });
    let other_error = action_failure(save.value(), remove.value(), None);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if check.get_untracked().is_err() {
            return;
        }
        let f = form.get_untracked();
        save.dispatch(PutDeployment {
            input: PutDeploymentInput {
                name: f.name.clone(),
                version,
                body: f.body(),
            },
        });
    };
    let (name, set_name) = bind(form, |f| f.name.clone(), |f, v| f.name = v);
    let (cluster_id, set_cluster_id) =
        bind(form, |f| f.cluster_id.clone(), |f, v| f.cluster_id = v);
    let (kind, set_kind) = bind(form, |f| f.kind.clone(), |f, v| f.kind = v);
    let (stack_version, set_stack_version) = bind(
        form,
        |f| f.stack_version.clone(),
        |f, v| f.stack_version = v,
    );
    let (scope_id, set_scope_id) = bind(form, |f| f.scope_id.clone(), |f, v| f.scope_id = v);
    let (deployment_id, set_deployment_id) = bind(
        form,
        |f| f.deployment_id.clone(),
        |f, v| f.deployment_id = v,
    );
    let (security, set_security) =
        bind(form, |f| f.security_enabled, |f, v| f.security_enabled = v);
    let (ssl, set_ssl) = bind(form, |f| f.ssl_enabled, |f, v| f.ssl_enabled = v);
    let (run_as, set_run_as) = bind(form, |f| f.run_as_enabled, |f, v| f.run_as_enabled = v);
    let (mode, set_mode) = bind(
        form,
        |f| f.verification_mode.clone(),
        |f, v| f.verification_mode = v,
    );
    let (key, set_key) = bind(form, |f| f.key.clone(), |f, v| f.key = v);
    let (cert, set_cert) = bind(form, |f| f.certificate.clone(), |f, v| f.certificate = v);
    let (cas, set_cas) = bind(
        form,
        |f| f.certificate_authorities.clone(),
        |f, v| f.certificate_authorities = v,
    );
    let (own_ca, set_own_ca) = bind(
        form,
        |f| f.transport_ca_pem.clone(),
        |f, v| f.transport_ca_pem = v,
    );
    let (trusted, set_trusted) = bind(
        form,
        |f| f.trusted_ca_pem.clone(),
        |f, v| f.trusted_ca_pem = v,
    );
    let (signing_cas, set_signing_cas) =
        bind(form, |f| f.signing_cas.clone(), |f, v| f.signing_cas = v);
    let (truststore, set_truststore) = bind(
        form,
        |f| f.signing_truststore.clone(),
        |f, v| f.signing_truststore = v,
    );
    let (signing_pem, set_signing_pem) = bind(
        form,
        |f| f.signing_ca_pem.clone(),
        |f, v| f.signing_ca_pem = v,
    );
    let (rcs_enabled, set_rcs_enabled) = bind(form, |f| f.rcs_enabled, |f, v| f.rcs_enabled = v);
    let (rcs_ssl, set_rcs_ssl) = bind(form, |f| f.rcs_ssl, |f, v| f.rcs_ssl = v);
    let (rcs_key, set_rcs_key) = bind(form, |f| f.rcs_key.clone(), |f, v| f.rcs_key = v);
    let (rcs_cert, set_rcs_cert) = bind(
        form,
        |f| f.rcs_certificate.clone(),
        |f, v| f.rcs_certificate = v,
    );
    let (rcs_ca, set_rcs_ca) = bind(form, |f| f.rcs_ca_pem.clone(), |f, v| f.rcs_ca_pem = v);
    let (rcc_ssl, set_rcc_ssl) = bind(form, |f| f.rcc_ssl, |f, v| f.rcc_ssl = v);
    let (rcc_mode, set_rcc_mode) = bind(
        form,
        |f| f.rcc_verification_mode.clone(),
        |f, v| f.rcc_verification_mode = v,
    );
    let (rcc_cas, set_rcc_cas) = bind(form, |f| f.rcc_cas.clone(), |f, v| f.rcc_cas = v);
    let (rcc_trusted, set_rcc_trusted) = bind(
        form,
        |f| f.rcc_trusted_pem.clone(),
        |f, v| f.rcc_trusted_pem = v,
    );
    let live = Signal::derive(move || {
        check
            .get()
            .map(|d| d.diagnostics())
            .unwrap_or_else(|_| stored_diagnostics.clone())
    });
    let identity = view! {
            <div class="grid gap-4 md:grid-cols-3">
                <FormField id="deployment-name" label="Name" field="name" value=name set=set_name refusal readonly=!is_new help="Lowercase letters, digits, - and _." />
                <SelectField id="deployment-kind" label="Runs on" options=KINDS value=kind set=set_kind />
                <FormField id="deployment-version" label="Stack version" field="stack_version" value=stack_version set=set_stack_version refusal placeholder="9.3" />
                <FormField id="deployment-cluster-id" label="Elasticsearch cluster ID" field="cluster_id" value=cluster_id set=set_cluster_id refusal placeholder="cf659f7fe6164d9691b284ae36811be1" help="32 lowercase hex characters; on ECE/ECH it is on the deployment page (not the deployment ID)." />
                <FormField id="deployment-scope" label="Organization / environment ID" field="scope_id" value=scope_id set=set_scope_id refusal help="The scope of its node certificates (ECH organization ID, ECE environment ID)." />
                <FormField id="deployment-id" label="ECE/ECH deployment ID (optional)" field="deployment_id" value=deployment_id set=set_deployment_id refusal help="Kept so that it is recognised when pasted where a cluster ID belongs." />
            </div>
    }
    .into_any();
    let tls = view! {
            <fieldset class="space-y-4">
                <legend class="text-base font-semibold">"Security and transport TLS"</legend>
                <div class="flex flex-wrap gap-6">
                    <CheckField id="deployment-security" label="xpack.security.enabled" value=security set=set_security />
                    <CheckField id="deployment-ssl" label="xpack.security.transport.ssl.enabled" value=ssl set=set_ssl />
                    <CheckField id="deployment-run-as" label="xpack.security.authc.run_as.enabled" value=run_as set=set_run_as />
                </div>
                <div class="grid gap-4 md:grid-cols-3">
                    <SelectField id="deployment-verification" label="verification_mode" options=&[("full", "full"), ("certificate", "certificate"), ("none", "none")] value=mode set=set_mode />
                    <FormField id="deployment-key" label="Transport key path" field="transport_ssl.key" value=key set=set_key refusal placeholder="certs/node.key" />
                    <FormField id="deployment-cert" label="Transport certificate path" field="transport_ssl.certificate" value=cert set=set_cert refusal placeholder="certs/node.crt" />
                </div>
                <FormField id="deployment-cas" label="Transport certificate_authorities (paths, one per line)" field="transport_ssl.certificate_authorities" value=cas set=set_cas refusal rows=2 />
                <div class="grid gap-4 md:grid-cols-2">
                    <FormField id="deployment-own-ca" label="CA that issued its node certificates (PEM)" field="transport_ca_pem" value=own_ca set=set_own_ca refusal rows=5 help="Used to check that the clusters it connects to trust it." />
                    <FormField id="deployment-trusted" label="CAs its transport layer trusts (PEM)" field="trusted_ca_pem" value=trusted set=set_trusted refusal rows=5 help="The content of the certificate_authorities files." />
                </div>
            </fieldset>
            <fieldset class="space-y-4">
                <legend class="text-base font-semibold">"Remote cluster TLS (API-key model, port 9443)"</legend>
                <div class="flex flex-wrap gap-6">
                    <CheckField id="deployment-rcs" label="remote_cluster_server.enabled" value=rcs_enabled set=set_rcs_enabled />
                    <CheckField id="deployment-rcs-ssl" label="xpack.security.remote_cluster_server.ssl.enabled" value=rcs_ssl set=set_rcs_ssl />
                    <CheckField id="deployment-rcc-ssl" label="xpack.security.remote_cluster_client.ssl.enabled" value=rcc_ssl set=set_rcc_ssl />
                </div>
                <div class="grid gap-4 md:grid-cols-3">
                    <FormField id="deployment-rcs-key" label="remote_cluster_server key path" field="remote_cluster.server_key" value=rcs_key set=set_rcs_key refusal placeholder="certs/remote-cluster.key" />
                    <FormField id="deployment-rcs-cert" label="remote_cluster_server certificate path" field="remote_cluster.server_certificate" value=rcs_cert set=set_rcs_cert refusal placeholder="certs/remote-cluster.crt" />
                    <SelectField id="deployment-rcc-verification" label="remote_cluster_client verification_mode" options=&[("full", "full"), ("certificate", "certificate"), ("none", "none")] value=rcc_mode set=set_rcc_mode />
                </div>
                <FormField id="deployment-rcc-cas" label="remote_cluster_client certificate_authorities (paths, one per line)" field="remote_cluster.client_certificate_authorities" value=rcc_cas set=set_rcc_cas refusal rows=2 />
                <div class="grid gap-4 md:grid-cols-2">
                    <FormField id="deployment-rcs-ca" label="CA of its remote_cluster_server certificate (PEM)" field="remote_cluster.server_ca_pem" value=rcs_ca set=set_rcs_ca refusal rows=5 help="Used to check that the clusters connecting to it trust it." />
                    <FormField id="deployment-rcc-trusted" label="CAs its remote_cluster_client trusts (PEM)" field="remote_cluster.client_trusted_ca_pem" value=rcc_trusted set=set_rcc_trusted refusal rows=5 help="The content of the client certificate_authorities files." />
                </div>
            </fieldset>
            <fieldset class="space-y-4">
                <legend class="text-base font-semibold">"Strong identity verification (as a remote)"</legend>
                <div class="grid gap-4 md:grid-cols-2">
                    <FormField id="deployment-signing-cas" label="cluster.remote.signing.certificate_authorities (paths)" field="remote_signing.certificate_authorities" value=signing_cas set=set_signing_cas refusal rows=2 />
                    <FormField id="deployment-truststore" label="cluster.remote.signing.truststore.path" field="remote_signing.truststore_path" value=truststore set=set_truststore refusal />
                </div>
                <FormField id="deployment-signing-pem" label="Signing CAs (PEM, as the console knows them)" field="remote_signing.ca_pem" value=signing_pem set=set_signing_pem refusal rows=5 />
            </fieldset>
    }
    .into_any();
    let title = if is_new {
        "New deployment".to_owned()
    } else {
        format!("Deployment {}", form.get_untracked().name)
    };
    view! {
        <form class=format!("{CARD} mt-6 space-y-6") on:submit=on_submit novalidate aria-labelledby="deployment-editor">
            <div class="flex items-start justify-between gap-4">
                <h2 id="deployment-editor" class="text-lg font-semibold">{title}</h2>
                <a href="/deployments" class=BUTTON_SECONDARY>"Close"</a>
            </div>
            <SavedNotice saved />
            {identity}
            {tls}
            <DiagnosticList diagnostics=live id="deployment-diagnostics".to_owned() />
            {other_error}
            <div class="flex flex-wrap gap-2">
                <div class="flex items-center gap-3"><SubmitButton label="Save deployment" pending=save.pending() blocked=Signal::derive(move || check.get().is_err()) /><UnsavedChanges dirty=changed_since_load(form) /></div>
                {(!is_new).then(|| view! {
                    <Show when=move || confirm.get() fallback=move || view! {
                        <button type="button" class=BUTTON_SECONDARY on:click=move |_| confirm.set(true)>"Delete"</button>
                    }>
                        <span class=MUTED>"Deletes the deployment with all its realms, mappings, roles, users, environments and remote clusters."</span>
                        <button type="button" class="rounded-md bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-500"
                            on:click=move |_| { remove.dispatch(DeleteDeployment { name: form.get_untracked().name, version: version.unwrap_or(1) }); }>
                            "Delete for good"
                        </button>
                        <button type="button" class=BUTTON_SECONDARY on:click=move |_| confirm.set(false)>"Cancel"</button>
                    </Show>
                })}
            </div>
        </form>
    }
}
