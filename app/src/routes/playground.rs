use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use trust_core::field::FieldError;
use trust_core::jwt::authenticate::{Outcome, Step};
use trust_core::jwt::check::Verdict;
use trust_core::jwt::lint::{Diagnostic, Severity};
use trust_core::playground::{Decoded, RealmKeys, decode, read_pasted};

use crate::{
    api::{
        playground::{
            ClearTestKey, GenerateToken, PlaygroundInfo, PlaygroundRealm, SetTestKey, SigningKey,
            TestKeyInput, ValidateOutcome, ValidateToken, playground_setup,
        },
        security::{PutResource, PutResourceInput, ResourceKind},
    },
    components::{
        code_block::CodeBlock,
        error_message::ErrorMessage,
        styles::{
            BUTTON_PRIMARY, BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, MUTED, PAGE_TITLE,
        },
        token_timeline_picture::TokenTimelinePicture,
    },
    forms::playground_form::{
        GenerateForm, RealmOutcome, RequestForm, authenticate_json, fix_link, group_trace,
        key_name, role_sources, sample_identity, signing_algorithms, step_label,
    },
    pictures::token_timeline::{Timeline, token_timeline},
};

/// The token playground: paste a token and see it decoded at once (in the browser, from
/// `trust-core` compiled to WASM, with no request), then validate it on the server against
/// the stored realm chain; generate test tokens.
#[component]
pub fn PlaygroundPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| playground_setup());
    view! {
        <Title text="Token playground" />
        <h1 class=PAGE_TITLE>"Token playground"</h1>
        <p class=format!("mt-1 mb-6 {MUTED}")>
            "Paste a JWT to see what Elasticsearch would do with it. Decoding happens in your browser and sends nothing; "
            <strong>"Validate"</strong>
            " runs Elasticsearch's checks on the console server, where keys and secrets stay."
        </p>
        <Transition fallback=|| view! { <p class=MUTED>"Loading realms…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(info) => view! { <Playground info /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Playground(info: PlaygroundInfo) -> impl IntoView {
    let form = RwSignal::new(RequestForm::default());
    let realms = RwSignal::new(info.realms);
    let clock = RwSignal::new(info.now);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        clock.set(crate::browser::now_secs());
    });
    let keys = Memo::new(move |_| {
        realms.with(|rs| {
            rs.iter()
                .map(|r| r.keys.clone())
                .collect::<Vec<RealmKeys>>()
        })
    });
    let decoded = Memo::new(move |_| {
        let f = form.get();
        let pasted = read_pasted(&f.token);
        if pasted.token.is_empty() {
            return None;
        }
        let now = f.now().ok().flatten().unwrap_or_else(|| clock.get());
        let decoded = keys.with(|k| decode(&pasted.token, now, k));
        Some((pasted.scheme_note, decoded))
    });
    // The token's times against now, with the skew of the realm chosen (else the first JWT
    // realm in the chain).
    let timeline = Memo::new(move |_| {
        let (_, d) = decoded.get()?;
        let claims: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(d.payload.json.as_ref().ok()?).ok()?;
        let chosen = form.with(|f| f.realm.clone());
        let realm = realms.with(|rs| {
            rs.iter()
                .find(|r| chosen.is_empty() || r.keys.realm == chosen)
                .map(|r| r.keys.clone())
        })?;
        let now = form
            .with(|f| f.now().ok().flatten())
            .unwrap_or_else(|| clock.get());
        token_timeline(&claims, now, realm.clock_skew_secs, realm.access_token)
            .map(|t| (t, realm.realm))
    });
    let validate = ServerAction::<ValidateToken>::new();
    let problem: Problem = RwSignal::new(None);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        dispatch_checked(problem, form.with(RequestForm::to_input), |input| {
            validate.dispatch(ValidateToken { input });
        });
    };
    let error_of = move |field: &'static str| field_problem(problem, field);
    let alg = Signal::derive(move || {
        decoded.with(|d| {
            d.as_ref().and_then(|(_, d)| {
                d.header.json.as_ref().ok().and_then(|h| {
                    serde_json::from_str::<serde_json::Value>(h)
                        .ok()
                        .and_then(|v| v["alg"].as_str().map(str::to_owned))
                })
            })
        })
    });
    let use_token = Callback::new(move |token: String| form.update(|f| f.token = token));
    let realm_names =
        move || realms.with(|rs| rs.iter().map(|r| r.keys.realm.clone()).collect::<Vec<_>>());

    view! {
        <div class="grid gap-6 xl:grid-cols-2">
            <form class=CARD on:submit=on_submit aria-labelledby="request-title" novalidate>
                <h2 id="request-title" class="text-base font-semibold">"Request"</h2>
                <label for="token" class=format!("{LABEL} mt-4")>"Token or Authorization header"</label>
                <textarea
                    id="token"
                    data-testid="token-input"
                    rows="6"
                    spellcheck="false"
                    autocomplete="off"
                    class=format!("{INPUT} font-mono break-all")
                    placeholder="eyJhbGciOi…  or  Bearer eyJhbGciOi…"
                    prop:value=move || form.with(|f| f.token.clone())
                    on:input=move |ev| form.update(|f| f.token = event_target_value(&ev))
                ></textarea>
                {error_of("token")}
                <div class="mt-4 grid gap-4 sm:grid-cols-2">
                    <FormInput
                        id="client-auth"
                        label="ES-Client-Authentication (optional)"
                        kind="password"
                        placeholder="SharedSecret …"
                        value=Signal::derive(move || form.with(|f| f.client_authentication.clone()))
                        set=Callback::new(move |v| form.update(|f| f.client_authentication = v))
                    />
                    <FormInput
                        id="run-as"
                        label="Run as (optional)"
                        placeholder="es-security-runas-user"
                        value=Signal::derive(move || form.with(|f| f.run_as.clone()))
                        set=Callback::new(move |v| form.update(|f| f.run_as = v))
                    />
                    <div>
                        <label for="realm-choice" class=LABEL>"Realms"</label>
                        <select
                            id="realm-choice"
                            class=INPUT
                            prop:value=move || form.with(|f| f.realm.clone())
                            on:change=move |ev| form.update(|f| f.realm = event_target_value(&ev))
                        >
                            <option value="">"Whole realm chain"</option>
                            {move || realm_names().into_iter().map(|name| view! { <option value=name.clone()>{format!("Only {name}")}</option> }).collect_view()}
                        </select>
                        <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">
                            "One realm is a console view: Elasticsearch always tries the whole chain."
                        </p>
                    </div>
                    <div>
                        <FormInput
                            id="evaluate-at"
                            label="Evaluate at (UTC, optional)"
                            kind="datetime-local"
                            value=Signal::derive(move || form.with(|f| f.evaluate_at.clone()))
                            set=Callback::new(move |v| form.update(|f| f.evaluate_at = v))
                        />
                        {error_of("evaluate-at")}
                    </div>
                </div>
                <div class="mt-6 flex items-center gap-3">
                    <button type="submit" class=BUTTON_PRIMARY data-testid="validate" disabled=move || validate.pending().get()>
                        {move || if validate.pending().get() { "Validating…" } else { "Validate" }}
                    </button>
                    <span class=MUTED aria-live="polite">
                        {move || validate.pending().get().then_some("Running the realm chain on the server…")}
                    </span>
                </div>
            </form>
            {decoded_section(decoded, timeline)}
        </div>
        <div aria-live="polite">
            // `data-run` counts answers and is drawn with the answer it counts, so a test (or a
            // reader) never takes the previous answer for this one.
            {move || validate.value().get().map(|result| {
                let view = match result {
                    Ok(outcome) => view! { <OutcomeView outcome alg=alg.get() /> }.into_any(),
                    Err(error) => view! { <div class="mt-6"><ErrorMessage error /></div> }.into_any(),
                };
                view! {
                    <div data-testid="validation-result" data-run=validate.version().get_untracked()>
                        {view}
                    </div>
                }
            })}
        </div>
        <GenerateCard realms use_token />
    }
}

/// The form field a form's check refused, and why.
type Problem = RwSignal<Option<FieldError>>;

/// Sends the checked form input, or keeps the refusal for its field.
fn dispatch_checked<I>(problem: Problem, checked: Result<I, FieldError>, dispatch: impl FnOnce(I)) {
    match checked {
        Ok(input) => {
            problem.set(None);
            dispatch(input);
        }
        Err(found) => problem.set(Some(found)),
    }
}

/// The refusal message under `field`, while `problem` names it.
fn field_problem(problem: Problem, field: &'static str) -> impl Fn() -> Option<AnyView> {
    move || {
        problem
            .get()
            .filter(|e| e.field == field)
            .map(|e| view! { <p class=FIELD_ERROR role="alert">{e.message}</p> }.into_any())
    }
}

/// A labelled one-line input bound to a form field.
#[component]
fn FormInput(
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    value: Signal<String>,
    set: Callback<String>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <input
                id=id
                type=kind
                step=(kind == "datetime-local").then_some("1")
                autocomplete="off"
                class=INPUT
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| set.run(event_target_value(&ev))
            />
        </div>
    }
}

/// The "Decoded" card: the pasted token taken apart as it is typed, and its times as a
/// picture. Type-erased (`into_any`) to keep the playground's view type within the compiler's
/// depth limit.
fn decoded_section(
    decoded: Memo<Option<(Option<String>, Decoded)>>,
    timeline: Memo<Option<(Timeline, String)>>,
) -> AnyView {
    view! {
        <section class=CARD aria-labelledby="decoded-title" data-testid="decoded">
            <h2 id="decoded-title" class="text-base font-semibold">"Decoded"</h2>
            {move || match decoded.get() {
                None => view! { <p class=format!("mt-2 {MUTED}")>"Paste a token: its header, claims and times appear here as you type."</p> }.into_any(),
                Some((note, d)) => view! { <DecodedView decoded=d note /> }.into_any(),
            }}
            {move || timeline.get().map(|(timeline, realm)| view! { <TokenTimelinePicture timeline realm /> })}
        </section>
    }
    .into_any()
}

/// The token taken apart: coloured parts, what ES says when parsing, warnings, header, claims.
#[component]
fn DecodedView(decoded: Decoded, note: Option<String>) -> impl IntoView {
    let json_or_error = |part: &Result<String, String>| {
        match part {
        Ok(text) => view! { <pre tabindex="0" class="mt-1 relative overflow-x-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950">{text.clone()}</pre> }.into_any(),
        Err(problem) => view! { <p class=FIELD_ERROR>{format!("not decodable: {problem}")}</p> }.into_any(),
    }
    };
    let header = json_or_error(&decoded.header.json);
    let payload = json_or_error(&decoded.payload.json);
    view! {
        <p class="mt-3 break-all font-mono text-xs" data-testid="token-parts">
            <span class="text-rose-600 dark:text-rose-400" title="header">{decoded.header.raw.clone()}</span>
            "."
            <span class="text-violet-700 dark:text-violet-400" title="payload">{decoded.payload.raw.clone()}</span>
            "."
            <span class="text-sky-700 dark:text-sky-400" title="signature">{decoded.signature.clone()}</span>
            {(decoded.extra_parts > 0).then(|| format!(" (+{} more parts)", decoded.extra_parts))}
        </p>
        {note.map(|n| view! { <p class="mt-2 text-sm text-amber-800 dark:text-amber-300" role="note">{n}</p> })}
        {decoded.refused.clone().map(|r| view! {
            <p class="mt-2 text-sm text-red-700 dark:text-red-400" data-testid="refused">{format!("Every JWT realm refuses it before any setting applies: {r}")}</p>
        })}
        {(!decoded.warnings.is_empty()).then(|| view! {
            <ul class="mt-3 space-y-1 text-sm text-amber-800 dark:text-amber-300" data-testid="decode-warnings">
                {decoded.warnings.iter().map(|w| view! { <li>"⚠ "{w.clone()}</li> }).collect_view()}
            </ul>
        })}
        <div class="mt-3 grid gap-3 lg:grid-cols-2">
            <div><h3 class="text-sm font-medium text-rose-700 dark:text-rose-400">"Header"</h3>{header}</div>
            <div><h3 class="text-sm font-medium text-violet-700 dark:text-violet-400">"Payload"</h3>{payload}</div>
        </div>
        {(!decoded.claims.is_empty()).then(|| view! {
            <div class="mt-4 relative overflow-x-auto">
                <table class="w-full text-left text-sm" data-testid="claims">
                    <caption class="sr-only">"Claims"</caption>
                    <thead class="text-xs uppercase text-slate-500 dark:text-slate-400">
                        <tr><th scope="col" class="py-1 pr-3">"Claim"</th><th scope="col" class="py-1 pr-3">"Value"</th><th scope="col" class="py-1">"Meaning"</th></tr>
                    </thead>
                    <tbody>
                        {decoded.claims.iter().map(|row| {
                            let time = row.time.clone();
                            view! {
                                <tr class="border-t border-slate-100 align-top dark:border-slate-800" data-claim=row.name.clone()>
                                    <td class="py-1 pr-3 font-mono">{row.name.clone()}</td>
                                    <td class="py-1 pr-3 font-mono break-all">
                                        {row.value.clone()}
                                        {time.map(|t| {
                                            let class = if t.past { "block text-xs text-slate-600 dark:text-slate-400" } else { "block text-xs text-emerald-700 dark:text-emerald-400" };
                                            view! { <span class=class data-testid="claim-time">{format!("{} · {}", t.utc, t.relative)}</span> }
                                        })}
                                    </td>
                                    <td class="py-1 text-xs text-slate-600 dark:text-slate-400">{row.meaning.clone()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

#[component]
fn OutcomeView(outcome: ValidateOutcome, alg: Option<String>) -> impl IntoView {
    match outcome {
        ValidateOutcome::InvalidConfig { diagnostics, .. } => {
            view! { <InvalidConfig diagnostics /> }.into_any()
        }
        ValidateOutcome::Verdict(verdict) => {
            view! { <VerdictView verdict=*verdict alg /> }.into_any()
        }
    }
}

#[component]
fn InvalidConfig(diagnostics: Vec<Diagnostic>) -> impl IntoView {
    view! {
        <section class=format!("{CARD} mt-6") data-testid="invalid-config">
            <h2 class="text-base font-semibold text-red-700 dark:text-red-400">"Elasticsearch would not start with these realms"</h2>
            <p class=format!("mt-1 {MUTED}")>"Fix the startup errors on the "<a class="text-indigo-700 underline dark:text-indigo-300" href="/realms">"realms page"</a>", or choose one realm that loads."</p>
            <ul class="mt-3 space-y-1 text-sm">
                {diagnostics.into_iter().filter(|d| d.severity == Severity::Error).map(|d| view! {
                    <li><code class="font-mono">{d.setting}</code>": "{d.message}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn VerdictView(verdict: Verdict, alg: Option<String>) -> impl IntoView {
    let groups = group_trace(&verdict);
    let (banner_class, banner) = match (verdict.authenticated, verdict.status, &verdict.user) {
        (true, _, Some(user)) => (
            "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
            format!(
                "✓ Authenticated as [{}] by realm [{}]{}",
                user.username,
                user.authentication_realm.name,
                if user.lookup_realm != user.authentication_realm {
                    format!(", running as a user of realm [{}]", user.lookup_realm.name)
                } else {
                    String::new()
                }
            ),
        ),
        (_, status, _) => (
            "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
            format!(
                "✗ {status} {}: {}",
                if status == 403 {
                    "Forbidden"
                } else {
                    "Unauthorized"
                },
                verdict.error.clone().unwrap_or_default()
            ),
        ),
    };
    let roles = role_sources(&verdict);
    let body = authenticate_json(&verdict);
    let identity = sample_identity(&verdict);
    let token_user = verdict.token_user.clone();
    let alg = StoredValue::new(alg);
    // Realms that are not JWT realms (the implicit default_file and default_native among them)
    // only pass the token by.
    let no_jwt_realm = verdict.trace.iter().all(|e| e.step == Step::Credentials);
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="verdict-title" data-testid="verdict">
            <h2 id="verdict-title" class="sr-only">"Verdict"</h2>
            <p class=format!("rounded-md border px-4 py-3 text-sm font-medium {banner_class}") data-testid="verdict-banner">{banner}</p>
            <h3 class="mt-5 text-sm font-semibold">"Trace, in chain order"</h3>
            {no_jwt_realm.then(|| view! {
                <p class=format!("mt-2 {MUTED}")>"No JWT realm is enabled in the chain, so no realm looked at the token. "<a class="text-indigo-700 underline dark:text-indigo-300" href="/realms">"Add or enable a JWT realm"</a></p>
            })}
            {groups.into_iter().map(|group| {
                let label = if group.realm.is_empty() { "no JWT realm".to_owned() } else { format!("realm [{}]", group.realm) };
                let accepted = group.outcome == RealmOutcome::Accepted;
                let bystander = group.steps.iter().all(|e| e.step == Step::Credentials);
                view! {
                    <div class="mt-3" data-testid="trace-realm" data-realm=group.realm.clone()>
                        <p class="text-sm font-medium">
                            {label}
                            <span class=if accepted { "ml-2 text-emerald-700 dark:text-emerald-400" } else { "ml-2 text-slate-600 dark:text-slate-400" }>
                                {if accepted { "authenticated the token" } else if bystander { "does not read Bearer tokens" } else { "declined; the next realm is tried" }}
                            </span>
                        </p>
                        <ol class="mt-1 space-y-1 text-sm">
                            {group.steps.into_iter().map(|entry| {
                                let (mark, class, word) = match entry.outcome {
                                    Outcome::Pass => ("✓", "text-emerald-700 dark:text-emerald-400", "passed"),
                                    Outcome::Fail => ("✗", "text-red-700 dark:text-red-400", "failed"),
                                    Outcome::Skip => ("–", "text-slate-500 dark:text-slate-400", "skipped"),
                                };
                                let fix = fix_link(&entry, alg.with_value(|a| a.clone()).as_deref());
                                let step = step_label(entry.step);
                                let step_attr = step.clone();
                                view! {
                                    <li class="flex gap-2" data-step=step_attr data-outcome=word>
                                        <span class=class aria-label=word>{mark}</span>
                                        <span class="w-44 shrink-0 font-mono text-xs leading-5">{step}</span>
                                        <span class="break-words">
                                            {entry.message.clone()}
                                            {fix.map(|(href, what)| view! {
                                                " "<a class="text-indigo-700 underline dark:text-indigo-300" href=href>{format!("Edit {what}")}</a>
                                            })}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    </div>
                }
            }).collect_view()}
            {token_user.map(|user| view! {
                <h3 class="mt-5 text-sm font-semibold">"User built from the claims"</h3>
                <dl class="mt-2 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm" data-testid="token-user">
                    <dt class=MUTED>"username"</dt><dd class="font-mono">{user.username.clone()}</dd>
                    <dt class=MUTED>"groups"</dt><dd class="font-mono">{if user.groups.is_empty() { "none".to_owned() } else { user.groups.join(", ") }}</dd>
                    <dt class=MUTED>"full_name"</dt><dd>{user.full_name.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt class=MUTED>"email"</dt><dd>{user.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt class=MUTED>"metadata"</dt><dd><pre tabindex="0" class="relative overflow-x-auto text-xs">{serde_json::to_string_pretty(&user.metadata).unwrap_or_default()}</pre></dd>
                </dl>
            })}
            {verdict.user.is_some().then(|| view! {
                <h3 class="mt-5 text-sm font-semibold">"Roles"</h3>
                {roles.is_empty().then(|| view! { <p class=MUTED>"none: no enabled role mapping matched this user"</p> })}
                <ul class="mt-1 space-y-1 text-sm" data-testid="roles">
                    {roles.into_iter().map(|(role, from)| view! {
                        <li><code class="font-mono">{role}</code><span class=MUTED>{from.map_or_else(|| " — from the looked-up user".to_owned(), |f| format!(" — from mapping {f}"))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {body.map(|json| view! { <AuthenticateBody json /> })}
            {identity.map(|body| view! { <SaveIdentity body /> })}
        </section>
    }
}

#[component]
fn AuthenticateBody(json: String) -> impl IntoView {
    view! {
        <CodeBlock title="GET /_security/_authenticate would return".to_owned() text=json testid="authenticate-json" />
    }
}

#[component]
fn SaveIdentity(body: serde_json::Value) -> impl IntoView {
    let name = RwSignal::new(
        body["username"]
            .as_str()
            .map(|u| format!("{u}-from-token"))
            .unwrap_or_default(),
    );
    let save = ServerAction::<PutResource>::new();
    let body = StoredValue::new(body);
    view! {
        <form class="mt-5 flex flex-wrap items-end gap-3" on:submit=move |ev: SubmitEvent| {
            ev.prevent_default();
            save.dispatch(PutResource { input: PutResourceInput {
                kind: ResourceKind::SampleIdentity,
                name: name.get_untracked(),
                version: None,
                body: body.get_value(),
            }});
        }>
            <div>
                <label for="identity-name" class=LABEL>"Save as sample identity"</label>
                <input id="identity-name" class=INPUT prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class=BUTTON_SECONDARY disabled=move || save.pending().get()>"Save for the role-mapping tester"</button>
            <span aria-live="polite" class="text-sm">
                {move || save.value().get().map(|r| match r {
                    Ok(view) => view! { <span class="text-emerald-700 dark:text-emerald-400" data-testid="identity-saved">{format!("Saved as [{}]; the role-mapping editor tests against it.", view.name)}</span> }.into_any(),
                    Err(error) => view! { <span class=FIELD_ERROR>{error.to_string()}</span> }.into_any(),
                })}
            </span>
        </form>
    }
}

/// Test tokens: sign claims with a realm's HMAC key or an uploaded test private key.
#[component]
fn GenerateCard(
    realms: RwSignal<Vec<PlaygroundRealm>>,
    use_token: Callback<String>,
) -> impl IntoView {
    let first = realms
        .with_untracked(|rs| rs.first().map(GenerateForm::for_realm))
        .unwrap_or_default();
    let form = RwSignal::new(first);
    let selected = Memo::new(move |_| {
        let name = form.with(|f| f.realm.clone());
        realms.with(|rs| rs.iter().find(|r| r.keys.realm == name).cloned())
    });
    let generate = ServerAction::<GenerateToken>::new();
    let problem: Problem = RwSignal::new(None);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        dispatch_checked(problem, form.with(GenerateForm::to_input), |input| {
            generate.dispatch(GenerateToken { input });
        });
    };
    let set_key = ServerAction::<SetTestKey>::new();
    let clear_key = ServerAction::<ClearTestKey>::new();
    let pem = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(view)) = set_key.value().get() {
            let name = form.with_untracked(|f| f.realm.clone());
            realms.update(|rs| {
                if let Some(r) = rs.iter_mut().find(|r| r.keys.realm == name) {
                    r.test_key = Some(view.clone());
                }
            });
            pem.set(String::new());
            // A realm without HMAC key could sign nothing before; now its test key can.
            if form.with_untracked(|f| f.algorithm.is_empty())
                && let Some(realm) = selected.get_untracked()
            {
                form.set(GenerateForm::for_realm(&realm));
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = clear_key.value().get() {
            let name = form.with_untracked(|f| f.realm.clone());
            realms.update(|rs| {
                if let Some(r) = rs.iter_mut().find(|r| r.keys.realm == name) {
                    r.test_key = None;
                }
            });
        }
    });
    let error_of = move |field: &'static str| field_problem(problem, field);
    view! {
        <section class=format!("{CARD} mt-6") aria-labelledby="generate-title">
            <h2 id="generate-title" class="text-base font-semibold">"Generate a test token"</h2>
            <p class=format!("mt-1 {MUTED}")>"Sign chosen claims with a realm's HMAC key, or with a private key kept on the server for testing, to try a realm before the identity provider is wired."</p>
            {move || if realms.with(Vec::is_empty) {
                view! { <p class=format!("mt-3 {MUTED}")>"No enabled JWT realm yet: "<a class="text-indigo-700 underline dark:text-indigo-300" href="/realms/new">"add a realm"</a>" first."</p> }.into_any()
            } else {
                view! {
                    <form class="mt-4 grid gap-4 sm:grid-cols-2" on:submit=on_submit novalidate>
                        <div>
                            <label for="gen-realm" class=LABEL>"Realm"</label>
                            <select id="gen-realm" class=INPUT prop:value=move || form.with(|f| f.realm.clone()) on:change=move |ev| {
                                let name = event_target_value(&ev);
                                if let Some(r) = realms.with(|rs| rs.iter().find(|r| r.keys.realm == name).cloned()) {
                                    form.set(GenerateForm::for_realm(&r));
                                }
                            }>
                                {move || realms.with(|rs| rs.iter().map(|r| { let n = r.keys.realm.clone(); view! { <option value=n.clone()>{n.clone()}</option> } }).collect_view())}
                            </select>
                        </div>
                        <div>
                            <label for="gen-key" class=LABEL>"Signing key"</label>
                            <select id="gen-key" class=INPUT prop:value=move || form.with(|f| f.key.clone()) on:change=move |ev| {
                                let key = event_target_value(&ev);
                                form.update(|f| {
                                    f.key = key;
                                    let alg = selected.with_untracked(|s| s.as_ref().map(|r| signing_algorithms(r, f.signing_key())).unwrap_or_default());
                                    f.algorithm = alg.into_iter().next().unwrap_or_default();
                                });
                            }>
                                <option value=key_name(SigningKey::RealmHmac) disabled=move || !selected.with(|s| s.as_ref().is_some_and(|r| r.hmac))>"The realm's HMAC key"</option>
                                <option value=key_name(SigningKey::TestKey) disabled=move || selected.with(|s| s.as_ref().is_none_or(|r| r.test_key.is_none()))>"Test private key"</option>
                            </select>
                        </div>
                        <div>
                            <label for="gen-algorithm" class=LABEL>"Algorithm"</label>
                            <select id="gen-algorithm" class=INPUT prop:value=move || form.with(|f| f.algorithm.clone()) on:change=move |ev| form.update(|f| f.algorithm = event_target_value(&ev))>
                                {move || {
                                    let key = form.with(GenerateForm::signing_key);
                                    selected.with(|s| s.as_ref().map(|r| signing_algorithms(r, key)).unwrap_or_default())
                                        .into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()
                                }}
                            </select>
                            {error_of("gen-algorithm")}
                        </div>
                        <FormInput
                            id="gen-kid"
                            label="kid header (optional)"
                            value=Signal::derive(move || form.with(|f| f.kid.clone()))
                            set=Callback::new(move |v| form.update(|f| f.kid = v))
                        />
                        <div class="sm:col-span-2">
                            <label for="gen-claims" class=LABEL>"Claims (JSON)"</label>
                            <textarea id="gen-claims" rows="9" spellcheck="false" class=format!("{INPUT} font-mono") prop:value=move || form.with(|f| f.claims.clone()) on:input=move |ev| form.update(|f| f.claims = event_target_value(&ev))></textarea>
                            <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">"Starts from what the realm checks: its issuer, first audience, the principal claim, required claims, and one hour of validity."</p>
                            {error_of("gen-claims")}
                        </div>
                        {move || {
                            let live = form.with(|f| selected.with(|s| f.signs_live_tokens(s.as_ref())));
                            if live {
                                view! {
                                    <div class="sm:col-span-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200" data-testid="live-key-notice">
                                        <p>"This key is one the live cluster trusts: the token will be accepted by Elasticsearch, not only by this console. Confirm with your console password (asked once every 5 minutes); the token must expire within 1 hour, and each one is recorded in the audit log (never the token itself)."</p>
                                        <label for="gen-password" class=format!("{LABEL} mt-2")>"Console password"</label>
                                        <input id="gen-password" type="password" autocomplete="current-password" class=INPUT prop:value=move || form.with(|f| f.password.clone()) on:input=move |ev| form.update(|f| f.password = event_target_value(&ev)) />
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <p class="sm:col-span-2 text-xs text-slate-600 dark:text-slate-400" data-testid="test-key-notice">"The realm's JWK set does not hold this test key, so only this console accepts the token; the live cluster would refuse it."</p>
                                }.into_any()
                            }
                        }}
                        <div class="sm:col-span-2 flex items-center gap-3">
                            <button type="submit" class=BUTTON_PRIMARY data-testid="generate" disabled=move || generate.pending().get()>
                                {move || if generate.pending().get() { "Signing…" } else { "Generate token" }}
                            </button>
                        </div>
                    </form>
                    {move || generate.value().get().map(|r| match r {
                        Ok(t) => {
                            let token = t.token.clone();
                            view! {
                                <div class="mt-4">
                                    <pre tabindex="0" class="relative overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950" data-testid="generated-token">{t.token}</pre>
                                    <button type="button" class=format!("{BUTTON_SECONDARY} mt-2") data-testid="use-token" on:click=move |_| use_token.run(token.clone())>"Use this token above"</button>
                                </div>
                            }.into_any()
                        }
                        Err(error) => view! { <div class="mt-4"><ErrorMessage error /></div> }.into_any(),
                    })}
                    <TestKeyPanel selected pem set_key clear_key />
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn TestKeyPanel(
    selected: Memo<Option<PlaygroundRealm>>,
    pem: RwSignal<String>,
    set_key: ServerAction<SetTestKey>,
    clear_key: ServerAction<ClearTestKey>,
) -> impl IntoView {
    let realm_name =
        move || selected.with(|s| s.as_ref().map(|r| r.keys.realm.clone()).unwrap_or_default());
    view! {
        <div class="mt-6 border-t border-slate-200 pt-4 dark:border-slate-800" data-testid="test-key">
            <h3 class="text-sm font-semibold">{move || format!("Test private key for realm [{}]", realm_name())}</h3>
            {move || selected.get().and_then(|r| r.test_key).map(|key| view! {
                <p class="mt-1 text-sm">
                    {format!("set · changed {} · signs {}", key.changed_at, key.algorithms.join(", "))}
                </p>
                {if key.trusted_by_realm {
                    view! { <p class="text-sm text-emerald-700 dark:text-emerald-400">"The realm's JWK set holds its public key, so the realm accepts its tokens."</p> }.into_any()
                } else {
                    view! { <p class="text-sm text-amber-800 dark:text-amber-300">"The realm's JWK set does not hold this public key: Elasticsearch would reject its tokens at the signature step. Add this JWK to the realm's set:"</p> }.into_any()
                }}
                <pre tabindex="0" class="mt-1 relative overflow-x-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950">{serde_json::to_string(&key.public_jwk).unwrap_or_default()}</pre>
                <button type="button" class=format!("{BUTTON_SECONDARY} mt-2") on:click=move |_| { clear_key.dispatch(ClearTestKey { realm: realm_name() }); }>"Forget the test key"</button>
            })}
            <label for="test-key-pem" class=format!("{LABEL} mt-3")>"Private key (PEM: RSA, or EC P-256 / P-384)"</label>
            <textarea id="test-key-pem" rows="4" spellcheck="false" autocomplete="off" class=format!("{INPUT} font-mono") placeholder="-----BEGIN PRIVATE KEY-----" prop:value=move || pem.get() on:input=move |ev| pem.set(event_target_value(&ev))></textarea>
            <p class="mt-1 text-xs text-slate-600 dark:text-slate-400">"Kept on the console server only, for signing test tokens; never exported and never sent back to the browser. Use a key made for testing, never your identity provider's."</p>
            <button type="button" class=format!("{BUTTON_SECONDARY} mt-2") disabled=move || set_key.pending().get() || pem.with(|p| p.trim().is_empty()) on:click=move |_| {
                set_key.dispatch(SetTestKey { input: TestKeyInput { realm: realm_name(), private_pem: pem.get_untracked() } });
            }>"Keep this key for test tokens"</button>
            {move || set_key.value().get().and_then(Result::err).map(|error| view! { <div class="mt-2"><ErrorMessage error /></div> })}
            {move || clear_key.value().get().and_then(Result::err).map(|error| view! { <div class="mt-2"><ErrorMessage error /></div> })}
        </div>
    }
}
