use leptos::prelude::*;

use crate::api::deployments::{SelectDeployment, list_deployments};

/// The top bar's deployment switcher: every page works on the selected deployment, so a
/// switch reloads the page.
#[component]
pub fn DeploymentSwitcher() -> impl IntoView {
    let data = OnceResource::new(list_deployments());
    let select = ServerAction::<SelectDeployment>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = select.value().get() {
            #[cfg(feature = "hydrate")]
            crate::browser::reload();
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|list| {
                    let current = list.current.clone();
                    view! {
                        <div class="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                            <label for="deployment-switcher" class="sr-only sm:not-sr-only">"Deployment"</label>
                            <select id="deployment-switcher" data-testid="deployment-name"
                                class="max-w-[7rem] rounded-md border border-slate-300 bg-white px-2 py-1 text-xs sm:max-w-none dark:border-slate-700 dark:bg-slate-900"
                                disabled=move || select.pending().get()
                                on:change=move |ev| { select.dispatch(SelectDeployment { name: event_target_value(&ev) }); }>
                                {list.deployments.into_iter().map(|d| {
                                    let selected = d.name == current;
                                    view! { <option value=d.name.clone() selected=selected>{d.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            <a href="/deployments" class="hidden hover:underline sm:inline">"Manage"</a>
                        </div>
                    }
                })
            })}
        </Suspense>
    }
}
