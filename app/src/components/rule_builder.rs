use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::{
    components::styles::{BUTTON_SECONDARY, FIELD_ERROR, INPUT},
    forms::rule_draft::{NodeKind, RuleDraft, Shape},
};

/// The visual rule builder: nested all / any / except / field nodes. It re-renders only when
/// the tree's shape changes, so typing never loses focus; Elasticsearch's parser message is
/// shown on the node at fault.
#[component]
pub fn RuleBuilder(
    /// The tree being edited.
    draft: RwSignal<RuleDraft>,
    /// Parser messages by node path.
    #[prop(into)]
    errors: Signal<BTreeMap<Vec<usize>, String>>,
    /// Field names to suggest.
    suggestions: Vec<String>,
) -> impl IntoView {
    let shape = Memo::new(move |_| draft.with(RuleDraft::shape));
    view! {
        <datalist id="rule-fields">
            {suggestions.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
        </datalist>
        <div data-testid="rule-builder">{move || node(Vec::new(), shape.get(), None, draft, errors)}</div>
    }
}

fn path_label(path: &[usize]) -> String {
    if path.is_empty() {
        "root".to_owned()
    } else {
        path.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn node(
    path: Vec<usize>,
    shape: Shape,
    parent: Option<NodeKind>,
    draft: RwSignal<RuleDraft>,
    errors: Signal<BTreeMap<Vec<usize>, String>>,
) -> AnyView {
    let kind = match &shape {
        Shape::Leaf => NodeKind::Field,
        Shape::Group(kind, _) => *kind,
    };
    let label = path_label(&path);
    let error = {
        let path = path.clone();
        move || errors.with(|e| e.get(&path).cloned())
    };
    let kind_select = {
        let path = path.clone();
        let options = NodeKind::ALL
            .into_iter()
            .filter(|k| {
                *k != NodeKind::Except || parent == Some(NodeKind::All) || kind == NodeKind::Except
            })
            .map(|k| view! { <option value=k.keyword() selected=k == kind>{k.keyword()}</option> })
            .collect_view();
        view! {
            <select
                class="rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm dark:border-slate-700 dark:bg-slate-950"
                aria-label=format!("Rule type at {label}")
                on:change=move |ev| {
                    if let Some(kind) = NodeKind::from_keyword(&event_target_value(&ev)) {
                        draft.update(|d| d.set_kind(&path, kind));
                    }
                }
            >
                {options}
            </select>
        }
    };
    let remove = (!path.is_empty()).then(|| {
        let path = path.clone();
        view! {
            <button type="button" class="text-sm text-red-700 hover:underline dark:text-red-400" aria-label=format!("Remove rule {label}") on:click=move |_| draft.update(|d| d.remove(&path))>
                "Remove"
            </button>
        }
    });
    let body = match shape {
        Shape::Leaf => {
            let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path.clone());
            let field = move || {
                draft.with(|d| match d.at(&p1) {
                    Some(RuleDraft::Field { field, .. }) => field.clone(),
                    _ => String::new(),
                })
            };
            let values = move || {
                draft.with(|d| match d.at(&p2) {
                    Some(RuleDraft::Field { values, .. }) => values.clone(),
                    _ => String::new(),
                })
            };
            view! {
                <input
                    class=format!("{INPUT} mt-0 w-48 font-mono")
                    list="rule-fields"
                    aria-label=format!("Field at {label}")
                    prop:value=field
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| if let Some(RuleDraft::Field { field, .. }) = d.at_mut(&p3) { *field = text; });
                    }
                />
                <span class="text-sm">"is one of"</span>
                <input
                    class=format!("{INPUT} mt-0 min-w-48 flex-1 font-mono")
                    aria-label=format!("Values at {label}")
                    placeholder="admins   or   [\"a\", \"b\"]   or   42"
                    prop:value=values
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| if let Some(RuleDraft::Field { values, .. }) = d.at_mut(&p4) { *values = text; });
                    }
                />
            }
            .into_any()
        }
        Shape::Group(kind, children) => {
            let child_views = children
                .into_iter()
                .enumerate()
                .map(|(i, child)| {
                    let mut child_path = path.clone();
                    child_path.push(i);
                    node(child_path, child, Some(kind), draft, errors)
                })
                .collect_view();
            let adders = (kind != NodeKind::Except).then(|| {
                NodeKind::ALL
                    .into_iter()
                    .filter(|k| *k != NodeKind::Except || kind == NodeKind::All)
                    .map(|k| {
                        let path = path.clone();
                        view! {
                            <button type="button" class=BUTTON_SECONDARY aria-label=format!("Add {} to {label}", k.keyword()) on:click=move |_| draft.update(|d| d.add_child(&path, k))>
                                {format!("+ {}", k.keyword())}
                            </button>
                        }
                    })
                    .collect_view()
            });
            let hint = match kind {
                NodeKind::All => "every rule below matches (an empty all matches everyone)",
                NodeKind::Any => "at least one rule below matches",
                NodeKind::Except => "the rule below does not match",
                NodeKind::Field => "",
            };
            view! {
                <span class="text-xs text-slate-500 dark:text-slate-400">{hint}</span>
                <div class="mt-2 w-full space-y-2 border-l-2 border-indigo-200 pl-4 dark:border-indigo-900">
                    {child_views}
                    <div class="flex flex-wrap gap-2">{adders}</div>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="rounded border border-slate-200 p-2 dark:border-slate-800" role="group" aria-label=format!("Rule {label}") data-testid="rule-node" data-path=label.clone()>
            <div class="flex flex-wrap items-center gap-2">
                {kind_select}
                {body}
                {remove}
            </div>
            <p class=FIELD_ERROR role="alert">{error}</p>
        </div>
    }
    .into_any()
}
