use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::data_table::{Column, DataTable, Placement, col};
use crate::{
    api::{
        deployments::{EnvironmentView, TrustOverview, load_trust_overview},
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
        form_field::{FormField, SelectField, bind, form_refusal, server_refusal},
        history_panel::HistoryPanel,
        styles::{BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, MUTED, PAGE_TITLE},
        trust_graph_picture::TrustGraphPicture,
    },
    forms::trust_form::EnvironmentForm,
    nav::urlencode,
    pictures::trust_graph::trust_graph,
};

const ENVIRONMENTS: &[(&str, &str)] = &[
    (
        "this_environment",
        "This environment (same ECE environment / ECH organization)",
    ),
    ("ece", "Another ECE environment"),
    ("elastic_cloud", "An Elastic Cloud organization"),
    ("self_managed", "Self-managed clusters"),
];

const LEVELS: &[(&str, &str)] = &[
    ("all", "All deployments (including future ones)"),
    ("specific", "Specific deployments (cluster IDs)"),
    ("none", "No deployment"),
];

const GRAPH_COLUMNS: &[Column] = &[
    col("Deployment"),
    col("trusts"),
    col("through"),
    col("Back?"),
];

/// The selected deployment's trusted environments: `?edit=<name>` / `?new=1` open the
/// editor; below, the generated trust payload and the trust graph of every deployment.
#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(|| (), |()| load_trust_overview());
    view! {
        <Title text="Environments" />
        <h1 class=PAGE_TITLE>"Trusted environments"</h1>
        <Transition fallback=|| view! { <p class=MUTED>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (edit, new, saved) = query.with(|q| (q.get("edit"), q.get("new").is_some(), q.get("saved").is_some()));
                match data.await {
                    Ok(overview) => {
                        let editor = match (edit, new) {
                            (Some(name), _) => overview.environments.iter().find(|e| e.resource.name == name).cloned().map(|e| view! { <EnvironmentEditor existing=Some(e) overview=overview.clone() saved /> }.into_any()),
                            (None, true) => Some(view! { <EnvironmentEditor existing=None overview=overview.clone() saved=false /> }.into_any()),
                            _ => None,
                        };
                        view! {
                            <p class=format!("mt-1 {MUTED}")>{format!("Whose node certificates deployment [{}] accepts. Elastic cannot verify the IDs you enter; the console checks their format and compares them with the deployments it manages.", overview.deployment)}</p>
                            {editor}
                            <EnvironmentTable overview=overview.clone() />
                            <Payload overview=overview.clone() />
                            <TrustGraph overview />
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn level_text(env: &EnvironmentView) -> String {
    let b = &env.resource.body;
    match b["trust"].as_str().unwrap_or_default() {
        "all" => "all deployments".to_owned(),
        "specific" => format!(
            "{} cluster IDs",
            b["cluster_ids"].as_array().map_or(0, Vec::len)
        ),
        _ if b["node_names"].as_array().is_some_and(|n| !n.is_empty()) => "named nodes".to_owned(),
        _ => "none".to_owned(),
    }
}

#[component]
fn EnvironmentTable(overview: TrustOverview) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="environments-heading">
            <div class="flex items-center justify-between">
                <h2 id="environments-heading" class="text-base font-semibold">"Environments"</h2>
                <a href="/environments?new=1" class=BUTTON_PRIMARY>"Add environment"</a>
            </div>
            {if overview.environments.is_empty() {
                view! { <p class=format!("mt-3 {MUTED}")>"No trusted environments: this deployment trusts only itself (and, on ECE/ECH, what the platform default gave it when it was created)."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-3 divide-y divide-slate-200 dark:divide-slate-800">
                        {overview.environments.into_iter().map(|env| {
                            let label = ENVIRONMENTS.iter().find(|(v, _)| Some(*v) == env.resource.body["environment"].as_str()).map_or("?", |(_, l)| *l);
                            let level = level_text(&env);
                            let trusted = if env.trusted.is_empty() { "none the console manages".to_owned() } else { env.trusted.join(", ") };
                            let diagnostics = env.resource.diagnostics.clone();
                            view! {
                                <li class="py-3" data-testid="environment-row">
                                    <div class="flex flex-wrap items-baseline gap-3">
                                        <a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=format!("/environments?edit={}", urlencode(&env.resource.name))>{env.resource.name.clone()}</a>
                                        <span class=MUTED>{label}</span>
                                        <span class="text-sm">{format!("trusts {level}")}</span>
                                        <span class=MUTED>{format!("managed deployments trusted: {trusted}")}</span>
                                    </div>
                                    {env.blast_radius.map(|r| view! { <p class="mt-1 text-sm text-amber-700 dark:text-amber-400" data-testid="blast-radius"><span class="font-semibold">"Trust all: "</span>{r}</p> })}
                                    <DiagnosticList diagnostics=diagnostics />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Payload(overview: TrustOverview) -> impl IntoView {
    let counterparts: Vec<_> = overview
        .environments
        .iter()
        .filter_map(|e| e.counterpart.clone().map(|c| (e.resource.name.clone(), c)))
        .collect();
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="payload-heading">
            <h2 id="payload-heading" class="text-base font-semibold">"Generated configuration"</h2>
            {overview.payload.map(|p| view! {
                <p class=format!("mt-1 {MUTED}")>"Send as the deployment update payload's trust settings (ECE/ECH API), or compare with Security › Trusted environments."</p>
                <CodeBlock title="Deployment trust settings (trust.accounts / external / direct)".to_owned() text=serde_json::to_string_pretty(&p).unwrap_or_default() testid="trust-payload" />
            })}
            {overview.self_managed.map(|t| view! {
                <ol class="mt-2 list-decimal pl-5 text-sm">{t.steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
                <CodeBlock title="config/trust.yml (xpack.security.transport.ssl.trust_restrictions.path)".to_owned() text=t.trust_restrictions testid="trust-restrictions" />
                {(!t.ca_pem.is_empty()).then(|| view! { <CodeBlock title="CA certificates to add to certificate_authorities".to_owned() text=t.ca_pem /> })}
            })}
            {counterparts.into_iter().map(|(name, c)| view! {
                <h3 class="mt-6 text-sm font-semibold">{format!("The self-managed side of [{name}]")}</h3>
                <ol class="mt-2 list-decimal pl-5 text-sm">{c.steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
                <CodeBlock title="config/trust.yml on the self-managed cluster".to_owned() text=c.trust_restrictions />
            }).collect_view()}
        </section>
    }
}

#[component]
fn TrustGraph(overview: TrustOverview) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="graph-heading">
            <h2 id="graph-heading" class="text-base font-semibold">"Trust between managed deployments"</h2>
            {if overview.graph.is_empty() {
                view! { <p class=format!("mt-2 {MUTED}")>"No managed deployment trusts another yet."</p> }.into_any()
            } else {
                let picture = trust_graph(&overview.graph);
                view! {
                    <TrustGraphPicture picture />
                    <DataTable label="Trust graph" columns=GRAPH_COLUMNS placement=Placement::Inline class="mt-3">
                                {overview.graph.into_iter().map(|e| view! {
                                    <tr data-testid="trust-edge">
                                        <td class="py-1 pr-4">{e.from}</td>
                                        <td class="py-1 pr-4">{e.to}</td>
                                        <td class="py-1 pr-4">{e.via}</td>
                                        <td class="py-1 pr-4">{if e.mutual {
                                            view! { <span class="text-green-700 dark:text-green-400">"⇄ mutual"</span> }.into_any()
                                        } else {
                                            view! { <span class="text-amber-700 dark:text-amber-400">"→ one way only"</span> }.into_any()
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn EnvironmentEditor(
    existing: Option<EnvironmentView>,
    overview: TrustOverview,
    saved: bool,
) -> impl IntoView {
    let is_new = existing.is_none();
    let version = existing.as_ref().map(|e| e.resource.version);
    let stored = existing
        .as_ref()
        .map(|e| e.resource.diagnostics.clone())
        .unwrap_or_default();
    let form = RwSignal::new(existing.as_ref().map_or_else(
        || EnvironmentForm::new_environment(&overview.kind),
        |e| EnvironmentForm::from_view(&e.resource),
    ));
    let owner = StoredValue::new(overview.owner.clone());
    let (save, remove) = resource_actions(ResourceKind::TrustedEnvironment);
    let check = Memo::new(move |_| {
        let owner = owner.get_value();
        form.with(|f| f.check(&owner)).map(drop)
    });
    let refusal = form_refusal(form, is_new, check, move || {
        server_refusal(save.value().get())
    });
    let base = existing
        .as_ref()
        .map(|e| EditBase::of(ResourceKind::TrustedEnvironment, &e.resource));
    let other_error = action_failure(save.value(), remove.value(), base);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if check.get_untracked().is_err() {
            return;
        }
        let f = form.get_untracked();
        save.dispatch(PutResource {
            input: PutResourceInput {
                kind: ResourceKind::TrustedEnvironment,
                name: f.name.clone(),
                version,
                body: f.body(),
            },
        });
    };
    let (name, set_name) = bind(form, |f| f.name.clone(), |f, v| f.name = v);
    let (environment, set_environment) =
        bind(form, |f| f.environment.clone(), |f, v| f.environment = v);
    let (scope, set_scope) = bind(form, |f| f.scope_id.clone(), |f, v| f.scope_id = v);
    let (relationship, set_relationship) = bind(
        form,
        |f| f.trust_relationship_id.clone(),
        |f, v| f.trust_relationship_id = v,
    );
    let (certificates, set_certificates) =
        bind(form, |f| f.certificates.clone(), |f, v| f.certificates = v);
    let (trust, set_trust) = bind(form, |f| f.trust.clone(), |f, v| f.trust = v);
    let (cluster_ids, set_cluster_ids) =
        bind(form, |f| f.cluster_ids.clone(), |f, v| f.cluster_ids = v);
    let (node_names, set_node_names) =
        bind(form, |f| f.node_names.clone(), |f, v| f.node_names = v);
    let is = move |what: &'static str| move || form.with(|f| f.environment == what);
    let specific = move || form.with(|f| f.trust == "specific");
    let delete_name = existing
        .as_ref()
        .map(|e| e.resource.name.clone())
        .unwrap_or_default();
    let fields = view! {
            <div class="grid gap-4 md:grid-cols-2">
                <FormField id="environment-name" label="Name" field="name" value=name set=set_name refusal readonly=!is_new />
                <SelectField id="environment-type" label="Environment" options=ENVIRONMENTS value=environment set=set_environment />
                <FormField id="environment-scope" label="Account / environment / organization ID (scope_id)" field="scope_id" value=scope set=set_scope refusal help="Lowercase letters and digits. For \"this environment\" it defaults to the deployment's own." />
                <Show when=is("ece")>
                    <FormField id="environment-relationship" label="Trust relationship ID (ECE)" field="trust_relationship_id" value=relationship set=set_relationship refusal help="Platform › Trust Management on ECE; needed when this deployment runs on ECE." />
                </Show>
            </div>
            <Show when=move || !is("this_environment")()>
                <FormField id="environment-certificates" label="CA certificates (PEM)" field="certificates" value=certificates set=set_certificates refusal rows=5 help="Elastic Cloud: one CA per region, including upcoming rotated CAs." />
            </Show>
            <SelectField id="environment-trust" label="Trust level" options=LEVELS value=trust set=set_trust />
            <Show when=specific>
                <FormField id="environment-cluster-ids" label="Trusted cluster IDs (one per line)" field="cluster_ids" value=cluster_ids set=set_cluster_ids refusal rows=4 placeholder="cf659f7fe6164d9691b284ae36811be1" help="Elasticsearch cluster IDs, not deployment IDs." />
            </Show>
            <Show when=is("self_managed")>
                <FormField id="environment-node-names" label="Explicit node names (one per line, no wildcards)" field="node_names" value=node_names set=set_node_names refusal rows=3 help="For self-managed nodes whose certificates do not follow the Cloud naming convention." />
            </Show>
    }
    .into_any();
    let history = (!is_new).then(|| {
        let after_restore = format!("/environments?edit={}&saved=1", urlencode(&delete_name));
        view! { <HistoryPanel kind=ResourceKind::TrustedEnvironment name=delete_name.clone() after_restore /> }.into_any()
    });
    view! {
        <form class=format!("{CARD} mt-6 space-y-4") on:submit=on_submit novalidate aria-labelledby="environment-editor">
            <div class="flex items-start justify-between gap-4">
                <h2 id="environment-editor" class="text-lg font-semibold">{if is_new { "Add trusted environment".to_owned() } else { format!("Environment {delete_name}") }}</h2>
                <div class="flex gap-2">
                    {(!is_new).then(|| view! { <DeleteButton remove kind=ResourceKind::TrustedEnvironment name=delete_name.clone() version /> })}
                    <a href="/environments" class=BUTTON_SECONDARY>"Close"</a>
                </div>
            </div>
            <SavedNotice saved />
            {fields}
            <DiagnosticList diagnostics=Signal::derive(move || stored.clone()) id="environment-diagnostics".to_owned() />
            {other_error}
            <div class="flex items-center gap-3"><SubmitButton label="Save environment" pending=save.pending() blocked=Signal::derive(move || check.get().is_err()) /><UnsavedChanges dirty=changed_since_load(form) /></div>
        </form>
        {history}
    }
}
