use leptos::prelude::*;
use leptos_meta::Title;
use trust_core::account::{NewPassword, Username};

use crate::{
    api::{
        account::{ChangePassword, ChangePasswordInput},
        session::current_session,
    },
    components::{
        error_message::ErrorMessage,
        styles::{BUTTON_PRIMARY, CARD, FIELD_ERROR, INPUT, LABEL, PAGE_TITLE},
    },
};

/// What is wrong with the new password as typed, checked in the browser with the same policy
/// the server enforces; `None` while the field is empty or the password is acceptable.
fn new_password_problem(username: Option<&str>, new: &str, confirm: &str) -> Option<String> {
    if new.is_empty() {
        return None;
    }
    let username: Username = username.unwrap_or_default().parse().ok()?;
    if let Err(error) = NewPassword::parse(new, &username) {
        return Some(error.to_string());
    }
    (!confirm.is_empty() && confirm != new).then(|| "the two new passwords differ".to_owned())
}

/// Change the logged-in user's password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = OnceResource::new(current_session());
    let change = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let username = move || session.get().and_then(Result::ok).map(|s| s.username);
    let problem =
        Memo::new(move |_| new_password_problem(username().as_deref(), &new.get(), &confirm.get()));
    let done = move || matches!(change.value().get(), Some(Ok(())));

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if problem.get_untracked().is_some() || confirm.get_untracked() != new.get_untracked() {
            return;
        }
        change.dispatch(ChangePassword {
            input: ChangePasswordInput {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            },
        });
    };
    view! {
        <Title text="Change password" />
        <h1 class=PAGE_TITLE>"Change password"</h1>
        <form class=format!("{CARD} mt-6 max-w-md space-y-4") on:submit=on_submit>
            <div>
                <label for="current-password" class=LABEL>"Current password"</label>
                <input id="current-password" type="password" class=INPUT autocomplete="current-password" required bind:value=current />
            </div>
            <div>
                <label for="new-password" class=LABEL>"New password"</label>
                <input
                    id="new-password"
                    type="password"
                    class=INPUT
                    autocomplete="new-password"
                    required
                    aria-describedby="new-password-problem"
                    bind:value=new
                />
            </div>
            <div>
                <label for="confirm-password" class=LABEL>"Repeat new password"</label>
                <input id="confirm-password" type="password" class=INPUT autocomplete="new-password" required bind:value=confirm />
                <p id="new-password-problem" class=FIELD_ERROR aria-live="polite">{move || problem.get()}</p>
            </div>
            {move || change.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })}
            <Show when=done>
                <p role="status" class="text-sm text-green-700 dark:text-green-400">"Password changed."</p>
            </Show>
            <button type="submit" class=BUTTON_PRIMARY disabled=move || change.pending().get() || problem.get().is_some()>
                "Change password"
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::new_password_problem;

    #[test]
    fn problems_in_order() {
        assert_eq!(new_password_problem(Some("admin"), "", ""), None);
        assert!(
            new_password_problem(Some("admin"), "short", "")
                .unwrap()
                .contains("at least 12")
        );
        assert_eq!(
            new_password_problem(Some("admin"), "long enough pw", "long enough px").as_deref(),
            Some("the two new passwords differ")
        );
        assert_eq!(
            new_password_problem(Some("admin"), "long enough pw", "long enough pw"),
            None
        );
    }
}
