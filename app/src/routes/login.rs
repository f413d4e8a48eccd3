use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use trust_core::account::login_redirect_target;

use crate::{
    api::session::{Login, LoginInput},
    components::{
        error_message::ErrorMessage,
        styles::{BUTTON_PRIMARY, CARD, INPUT, LABEL, MUTED},
    },
    nav::reload_to,
};

/// The login form. Works before hydration too: the inputs are named as the server function
/// expects, so a plain form post logs in and the server redirects back.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let login = ServerAction::<Login>::new();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    Effect::new(move |_| {
        if let Some(Ok(())) = login.value().get() {
            let next = query.read_untracked().get("next").unwrap_or_default();
            reload_to(login_redirect_target(&next));
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        login.dispatch(Login {
            input: LoginInput {
                username: username.get_untracked(),
                password: password.get_untracked(),
            },
        });
    };

    view! {
        <Title text="Sign in" />
        <main class="flex min-h-screen items-center justify-center px-4">
            <div class=format!("{CARD} w-full max-w-sm")>
                <div class="mb-6 flex items-center gap-2">
                    <img src="/favicon.svg" alt="" class="h-8 w-8" />
                    <h1 class="text-xl font-semibold">"Sign in to trust-console"</h1>
                </div>
                <form method="post" action="/api/fn/login" class="space-y-4" on:submit=on_submit>
                    <div>
                        <label for="username" class=LABEL>
                            "User name"
                        </label>
                        <input
                            id="username"
                            name="input[username]"
                            class=INPUT
                            autocomplete="username"
                            required
                            autofocus
                            bind:value=username
                        />
                    </div>
                    <div>
                        <label for="password" class=LABEL>
                            "Password"
                        </label>
                        <input
                            id="password"
                            name="input[password]"
                            type="password"
                            class=INPUT
                            autocomplete="current-password"
                            required
                            bind:value=password
                        />
                    </div>
                    {move || {
                        login.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error /> })
                    }}
                    <button type="submit" class=format!("{BUTTON_PRIMARY} w-full") disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
                <p class=format!("mt-6 {MUTED}")>
                    "On first start the account is "
                    <code>"admin"</code>
                    "; its password is TRUST_CONSOLE_ADMIN_PASSWORD or the one printed in the server log."
                </p>
            </div>
        </main>
    }
}
