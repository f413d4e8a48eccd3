use leptos::prelude::*;
use trust_core::jwt::key_table::KeyRow;

/// One row per JWK: what it is and which algorithms the realm can verify with it, with the
/// reason for every algorithm it cannot serve (Elasticsearch's load-time filter).
#[component]
pub fn KeyTable(
    /// The rows, from `trust_core::jwt::key_table::describe_keys`.
    rows: Vec<KeyRow>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">"The set has no keys."</p> }.into_any();
    }
    view! {
        <div class="mt-2 relative overflow-x-auto rounded border border-slate-200 dark:border-slate-800">
            <table class="min-w-full text-sm" aria-label="Keys in the JWK set">
                <thead class="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wider text-slate-500 dark:text-slate-400 dark:bg-slate-900">
                    <tr>
                        <th scope="col" class="px-3 py-2">"kid"</th>
                        <th scope="col" class="px-3 py-2">"kty"</th>
                        <th scope="col" class="px-3 py-2">"Curve / size"</th>
                        <th scope="col" class="px-3 py-2">"alg"</th>
                        <th scope="col" class="px-3 py-2">"use / key_ops"</th>
                        <th scope="col" class="px-3 py-2">"Usable for"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 dark:divide-slate-800">
                    {rows
                        .into_iter()
                        .map(|row| {
                            let usable = if row.usable_for.is_empty() {
                                "nothing".to_owned()
                            } else {
                                row.usable_for.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
                            };
                            view! {
                                <tr data-testid="key-row">
                                    <td class="px-3 py-2 font-mono">{row.kid.unwrap_or_else(|| "—".to_owned())}</td>
                                    <td class="px-3 py-2">{row.kty}</td>
                                    <td class="px-3 py-2">{row.strength}</td>
                                    <td class="px-3 py-2 font-mono">{row.alg.unwrap_or_else(|| "—".to_owned())}</td>
                                    <td class="px-3 py-2">{if row.usage.is_empty() { "—".to_owned() } else { row.usage }}</td>
                                    <td class="px-3 py-2">
                                        <span class="font-medium" data-testid="usable-for">{usable}</span>
                                        {row.dropped.map(|reason| view! {
                                            <p class="text-red-700 dark:text-red-400">"Dropped at load: " {reason}</p>
                                        })}
                                        <ul class="mt-1 space-y-0.5 text-xs text-slate-600 dark:text-slate-400">
                                            {row.not_usable.into_iter().map(|(alg, reason)| view! {
                                                <li><span class="font-mono">{alg.name()}</span> ": " {reason}</li>
                                            }).collect_view()}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
