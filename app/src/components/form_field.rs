use leptos::prelude::*;
use trust_core::field::FieldError;

use crate::{
    components::styles::{FIELD_ERROR, INPUT, LABEL, MUTED},
    error::ApiError,
};

/// The field a form's check (in the browser or on the server) refused, and why: core's
/// [`FieldError`], the one shape every editor's refusal takes.
pub type Refusal = Signal<Option<FieldError>>;

/// Whether refused field `found` is `field` or inside it (`cluster_ids[1]`, `signing.mode`).
pub fn refuses(found: &str, field: &str) -> bool {
    found == field
        || found
            .strip_prefix(field)
            .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

/// A labelled input or textarea bound to one form field, with its help text and the
/// refusal that names it (announced, and linked with `aria-describedby`).
#[component]
pub fn FormField(
    /// Input id (also the `data-field` tests address).
    id: &'static str,
    /// Label.
    label: &'static str,
    /// The form field refusals name.
    field: &'static str,
    /// Current value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value.
    set: Callback<String>,
    /// The current refusal.
    refusal: Refusal,
    /// Rows: 0 for a one-line input.
    #[prop(default = 0)]
    rows: u32,
    /// Placeholder.
    #[prop(optional)]
    placeholder: &'static str,
    /// Help below the field.
    #[prop(optional)]
    help: &'static str,
    /// Read-only (a name that identifies a stored resource).
    #[prop(default = false)]
    readonly: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let message = move || {
        refusal.get().filter(|e| refuses(&e.field, field)).map(|e| {
            if e.field == field {
                e.message
            } else {
                e.to_string()
            }
        })
    };
    let invalid = move || message().is_some().then_some("true");
    let input = if rows == 0 {
        view! {
            <input id=id class=INPUT autocomplete="off" placeholder=placeholder readonly=readonly
                aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev)) />
        }
        .into_any()
    } else {
        view! {
            <textarea id=id class=format!("{INPUT} font-mono text-xs") rows=rows spellcheck="false"
                placeholder=placeholder aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))></textarea>
        }
        .into_any()
    };
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            {input}
            {(!help.is_empty()).then(|| view! { <p class=format!("mt-1 {MUTED}")>{help}</p> })}
            <p id=error_id class=FIELD_ERROR role="alert" data-error-for=field>{message}</p>
        </div>
    }
}

/// A labelled select bound to one form field.
#[component]
pub fn SelectField(
    /// Select id.
    id: &'static str,
    /// Label.
    label: &'static str,
    /// `(value, label)` choices.
    options: &'static [(&'static str, &'static str)],
    /// Current value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value.
    set: Callback<String>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <select id=id class=INPUT prop:value=move || value.get()
                on:change=move |ev| set.run(event_target_value(&ev))>
                {options.iter().map(|(v, l)| view! {
                    <option value=*v selected=move || value.get() == *v>{*l}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// A labelled checkbox bound to one form field.
#[component]
pub fn CheckField(
    /// Checkbox id.
    id: &'static str,
    /// Label.
    label: &'static str,
    /// Current value.
    #[prop(into)]
    value: Signal<bool>,
    /// Called with the new value.
    set: Callback<bool>,
) -> impl IntoView {
    view! {
        <div class="flex items-center gap-2">
            <input id=id type="checkbox" prop:checked=move || value.get()
                on:change=move |ev| set.run(event_target_checked(&ev)) />
            <label for=id class=LABEL>{label}</label>
        </div>
    }
}

/// The refusal of a server action that answered [`ApiError::Invalid`].
pub fn server_refusal<T>(result: Option<Result<T, ApiError>>) -> Option<FieldError> {
    match result {
        Some(Err(ApiError::Invalid { field, message })) => Some(FieldError { field, message }),
        _ => None,
    }
}

/// One field of a form signal as the value and setter a field component takes.
pub fn bind<F, T>(
    form: RwSignal<F>,
    get: fn(&F) -> T,
    set: fn(&mut F, T),
) -> (Signal<T>, Callback<T>)
where
    F: Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    (
        Signal::derive(move || form.with(get)),
        Callback::new(move |value: T| form.update(|f| set(f, value))),
    )
}

/// What a form shows as its refusal: the in-browser check's — except on a new form nobody
/// has touched yet, which would otherwise greet the admin with errors — else the server's.
pub fn form_refusal<F, T>(
    form: RwSignal<F>,
    is_new: bool,
    check: Memo<Result<T, FieldError>>,
    server: impl Fn() -> Option<FieldError> + Send + Sync + 'static,
) -> Refusal
where
    F: Clone + PartialEq + Send + Sync + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let pristine = StoredValue::new(form.get_untracked());
    Signal::derive(move || {
        let touched = !is_new || form.with(|f| pristine.with_value(|p| f != p));
        touched
            .then(|| check.get().err())
            .flatten()
            .or_else(&server)
    })
}
