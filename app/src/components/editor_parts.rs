//! The pieces every editor form shares: the "Saved." notice, the submit button, reloading
//! after a successful save or delete, and the error that belongs to no field — a conflict
//! (someone else saved first) shown with what they changed ([`ConflictNotice`]).

use leptos::prelude::*;

use crate::{
    api::security::{DeleteResource, PutResource, ResourceKind, ResourceView},
    components::{
        conflict_notice::{ConflictNotice, EditBase},
        error_message::ErrorMessage,
        styles::BUTTON_PRIMARY,
    },
    error::ApiError,
    nav::{list_href, reload_to, saved_href},
};

/// "Saved." after a save reloaded the page.
#[component]
pub fn SavedNotice(
    /// Whether the page was loaded by a save.
    saved: bool,
) -> impl IntoView {
    saved.then(|| view! {
        <p role="status" class="mt-4 rounded-md bg-green-50 px-4 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200">"Saved."</p>
    })
}

/// The form's submit button: disabled while saving or while the form's check refuses it.
#[component]
pub fn SubmitButton(
    /// Its label (`Save deployment`).
    label: &'static str,
    /// Saving now.
    #[prop(into)]
    pending: Signal<bool>,
    /// The check refuses the form.
    #[prop(into)]
    blocked: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class=BUTTON_PRIMARY disabled=move || pending.get() || blocked.get()>
            {move || if pending.get() { "Saving…" } else { label }}
        </button>
    }
}

/// Whether `value` differs from what it held when the editor loaded.
pub fn changed_since_load<T, S>(value: S) -> Signal<bool>
where
    T: Clone + PartialEq + Send + Sync + 'static,
    S: With<Value = T> + GetUntracked<Value = T> + Copy + Send + Sync + 'static,
{
    let loaded = StoredValue::new(value.get_untracked());
    Signal::derive(move || value.with(|v| loaded.with_value(|l| v != l)))
}

/// "Unsaved changes" beside the save button while the form differs from what was loaded.
#[component]
pub fn UnsavedChanges(
    /// Whether it differs.
    #[prop(into)]
    dirty: Signal<bool>,
) -> impl IntoView {
    move || {
        dirty.get().then(|| {
            view! { <span class="text-sm font-medium text-amber-800 dark:text-amber-300" role="status" data-testid="unsaved">"Unsaved changes"</span> }
        })
    }
}

/// Loads `to(answer)` as a new page once `value` holds a successful answer.
pub fn reload_on_success<T, V>(value: V, to: impl Fn(&T) -> String + 'static)
where
    T: Clone + Send + Sync + 'static,
    V: Get<Value = Option<Result<T, ApiError>>> + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(answer)) = value.get() {
            reload_to(&to(&answer));
        }
    });
}

/// The first failure among `answers` that is not a field refusal (those show under their
/// field).
pub fn unexpected<const N: usize>(answers: [Option<ApiError>; N]) -> Option<ApiError> {
    answers
        .into_iter()
        .flatten()
        .find(|e| !matches!(e, ApiError::Invalid { .. }))
}

/// The save and delete actions of an editor of `kind`: a save reloads the saved resource's
/// page ("Saved."), a delete the list.
pub fn resource_actions(
    kind: ResourceKind,
) -> (ServerAction<PutResource>, ServerAction<DeleteResource>) {
    let save = ServerAction::<PutResource>::new();
    let remove = ServerAction::<DeleteResource>::new();
    reload_on_success(save.value(), move |view: &ResourceView| {
        saved_href(kind, &view.name)
    });
    reload_on_success(remove.value(), move |()| list_href(kind).to_owned());
    (save, remove)
}

/// `error` as an alert; a conflict while editing an existing resource (`base`) as a
/// [`ConflictNotice`] with what the other side changed.
pub fn failure_view(error: ApiError, base: Option<&EditBase>) -> AnyView {
    match (&error, base) {
        (ApiError::Conflict { .. }, Some(base)) => {
            view! { <ConflictNotice error base=base.clone() /> }.into_any()
        }
        _ => view! { <ErrorMessage error /> }.into_any(),
    }
}

/// The failure in either action's answer that is not a field refusal, shown as
/// [`failure_view`] shows it.
pub fn action_failure<A, B>(
    save: impl Get<Value = Option<Result<A, ApiError>>> + Send + Sync + 'static,
    remove: impl Get<Value = Option<Result<B, ApiError>>> + Send + Sync + 'static,
    base: Option<EditBase>,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static {
    move || {
        unexpected([
            save.get().and_then(Result::err),
            remove.get().and_then(Result::err),
        ])
        .map(|error| failure_view(error, base.as_ref()))
    }
}
