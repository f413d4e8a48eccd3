use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::data_table::{Column, DataTable, col};
use crate::{
    api::security::{ResourceKind, ResourceView, list_resources},
    components::{
        empty_state::EmptyState,
        error_message::ErrorMessage,
        lint_badge::LintBadge,
        realm_chain_picture::RealmChainPicture,
        styles::{BUTTON_PRIMARY, MUTED, PAGE_TITLE},
    },
    forms::{realm_form::chain_order, text_list},
    pictures::realm_chain::realm_chain,
};

const REALM_COLUMNS: &[Column] = &[
    col("Order"),
    col("Name"),
    col("Type"),
    col("Token type"),
    col("Issuer"),
    col("Lint"),
];

/// The realm chain: every realm in the order Elasticsearch tries them, with its lint status.
#[component]
pub fn RealmsPage() -> impl IntoView {
    let realms = Resource::new(|| (), |()| list_resources(ResourceKind::Realm));
    view! {
        <Title text="Realms" />
        <div class="flex items-start justify-between gap-4">
            <div>
                <h1 class=PAGE_TITLE>"Realms"</h1>
                <p class=format!("mt-1 {MUTED}")>
                    "The realm chain in the order Elasticsearch tries it, checked with Elasticsearch's own startup validation."
                </p>
            </div>
            <a href="/realms/new" class=BUTTON_PRIMARY>"New realm"</a>
        </div>
        <Transition fallback=|| view! { <p class=MUTED>"Loading realms…"</p> }>
            {move || Suspend::new(async move {
                match realms.await {
                    Ok(list) if list.is_empty() => view! {
                        <div class="mt-6">
                            <EmptyState
                                title="No realms yet"
                                message="Create a JWT realm to start; add the native or file realm too if run_as or delegated authorization should find users there."
                            />
                        </div>
                    }.into_any(),
                    Ok(list) => view! {
                        <RealmChainPicture picture=realm_chain(&list) />
                        <RealmTable realms=list />
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RealmTable(realms: Vec<ResourceView>) -> impl IntoView {
    let rows: Vec<ResourceView> = chain_order(&realms).into_iter().cloned().collect();
    // `Realms.maybeAddBasicRealms`: what Elasticsearch puts at the head of the chain itself.
    let implicit = trust_core::jwt::realm::implicit_realms(
        realms
            .iter()
            .filter_map(|r| r.body.get("type").and_then(|t| t.as_str())),
    );
    view! {
        <DataTable label="Realm chain" columns=REALM_COLUMNS class="mt-6">
                    {implicit.into_iter().map(|realm| view! {
                        <tr data-testid="realm-implicit-row" class="bg-slate-50/60 dark:bg-slate-900/40">
                            <td class="px-4 py-2 font-mono" title="Integer.MIN_VALUE">"first"</td>
                            <td class="px-4 py-2">
                                <span class="font-medium">{realm.name}</span>
                                " "
                                <span class="ml-1 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-700 dark:text-slate-200">"added by Elasticsearch"</span>
                            </td>
                            <td class="px-4 py-2">{realm.kind}</td>
                            <td class="px-4 py-2">"—"</td>
                            <td class="px-4 py-2">"—"</td>
                            <td class=format!("px-4 py-2 {MUTED}")>{format!("no {} realm is configured; configure or disable one to remove it", realm.kind)}</td>
                        </tr>
                    }).collect_view()}
                    {rows.into_iter().map(|realm| {
                        let settings = &realm.body["settings"];
                        let kind = text_list::join(realm.body.get("type"));
                        let token_type = if kind == "jwt" {
                            let t = text_list::join(settings.get("token_type"));
                            if t.is_empty() { "id_token".to_owned() } else { t }
                        } else {
                            "—".to_owned()
                        };
                        let href = format!("/realms/{}", realm.name);
                        view! {
                            <tr data-testid="realm-row">
                                <td class="px-4 py-2 font-mono">{text_list::join(settings.get("order"))}</td>
                                <td class="whitespace-nowrap px-4 py-2"><a class="font-medium text-indigo-700 hover:underline dark:text-indigo-300" href=href>{realm.name.clone()}</a></td>
                                <td class="px-4 py-2">{kind}</td>
                                <td class="px-4 py-2">{token_type}</td>
                                <td class="px-4 py-2 font-mono text-xs">{text_list::join(settings.get("allowed_issuer"))}</td>
                                <td class="px-4 py-2"><LintBadge diagnostics=realm.diagnostics.clone() /></td>
                            </tr>
                        }
                    }).collect_view()}
        </DataTable>
    }
}
