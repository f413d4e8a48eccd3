use leptos::prelude::*;

use crate::{
    components::styles::{BUTTON_SECONDARY, INPUT, MUTED},
    forms::realm_form::SecretEdit,
};

/// A write-only keystore value: "set · changed <date>" with Replace / Clear once stored, a
/// password-style input while being replaced. The stored value never reaches the browser.
#[component]
pub fn SecretField(
    /// Input id.
    id: String,
    /// When the stored value was set, if it is.
    saved: Option<String>,
    /// The edit (keep, replace, clear).
    edit: Signal<SecretEdit>,
    /// Called with the new edit.
    on_change: Callback<SecretEdit>,
    /// `aria-describedby` for the input.
    described_by: String,
    /// A multi-line value (a PEM key): a masked textarea instead of a password input.
    #[prop(default = false)]
    multiline: bool,
) -> impl IntoView {
    let has_saved = saved.is_some();
    let replacing = move || matches!(edit.get(), SecretEdit::Replace(_)) || !has_saved;
    let cleared = move || matches!(edit.get(), SecretEdit::Clear);
    let saved_text = saved.unwrap_or_default().replace('T', " ");
    view! {
        <div class="mt-1 flex flex-wrap items-center gap-2">
            <Show when=move || has_saved && !replacing() && !cleared()>
                <span class=format!("{MUTED} font-mono") data-testid="secret-state">
                    {format!("set · changed {saved_text}")}
                </span>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_change.run(SecretEdit::Replace(String::new()))>
                    "Replace"
                </button>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_change.run(SecretEdit::Clear)>
                    "Clear"
                </button>
            </Show>
            <Show when=cleared>
                <span class="text-sm text-amber-700 dark:text-amber-400" data-testid="secret-state">
                    "will be cleared on save"
                </span>
                <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_change.run(SecretEdit::Keep)>
                    "Undo"
                </button>
            </Show>
            <Show when=move || replacing() && !cleared()>
                {
                    let id = id.clone();
                    let described_by = described_by.clone();
                    let placeholder = if has_saved { "new value (replaces the stored one)" } else { "not set" };
                    let value = move || match edit.get() {
                        SecretEdit::Replace(v) => v,
                        _ => String::new(),
                    };
                    let input = move |ev| on_change.run(SecretEdit::Replace(event_target_value(&ev)));
                    if multiline {
                        // A PEM key keeps its line breaks; Chromium and WebKit mask it like a password.
                        view! {
                            <textarea id=id rows="4" autocomplete="off" spellcheck="false"
                                class=format!("{INPUT} font-mono text-xs") style="-webkit-text-security: disc"
                                aria-describedby=described_by placeholder=placeholder
                                prop:value=value on:input=input></textarea>
                        }.into_any()
                    } else {
                        view! {
                            <input id=id type="password" autocomplete="off" class=INPUT
                                aria-describedby=described_by placeholder=placeholder
                                prop:value=value on:input=input />
                        }.into_any()
                    }
                }
                {has_saved.then(|| view! {
                    <button type="button" class=BUTTON_SECONDARY on:click=move |_| on_change.run(SecretEdit::Keep)>
                        "Keep stored value"
                    </button>
                })}
            </Show>
        </div>
    }
}
