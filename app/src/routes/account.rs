use leptos::prelude::*;
use leptos_meta::Title;
use trust_core::account::{NewPassword, Username};

use crate::{
    api::{
        account::{ChangePassword, ChangePasswordInput},
        session::{LogoutEverywhere, current_session},
    },
    components::{
        error_message::ErrorMessage,
        styles::{BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, PAGE_TITLE},
    },
    nav::reload_to,
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
    // A generated first-start password must be changed before the rest of the console opens.
    let must_change = move || {
        !done()
            && session
                .get()
                .and_then(Result::ok)
                .is_some_and(|s| s.must_change_password)
    };
    let everywhere = ServerAction::<LogoutEverywhere>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = everywhere.value().get() {
            reload_to("/login");
        }
    });

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
        <Show when=must_change>
            <p role="alert" data-testid="must-change" class="mt-4 max-w-md rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
                "This account's password was generated at first start and printed to the server log. Choose your own before using the console."
            </p>
        </Show>
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
            <p class="text-xs text-slate-500 dark:text-slate-400">
                "Changing the password ends your sessions in every other browser."
            </p>
        </form>
        <section class=format!("{CARD} mt-6 max-w-md space-y-3") aria-labelledby="sessions-title">
            <h2 id="sessions-title" class="text-base font-semibold">"Sessions"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "By default a session ends 30 minutes after its last request and 12 hours after login at the latest. Log out everywhere ends every session of this account, this one included."
            </p>
            <button
                type="button"
                class=BUTTON_SECONDARY
                data-testid="logout-everywhere"
                disabled=move || everywhere.pending().get()
                on:click=move |_| {
                    everywhere.dispatch(LogoutEverywhere {});
                }
            >
                "Log out everywhere"
            </button>
            {move || everywhere.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })}
        </section>
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
