use leptos::prelude::*;
use leptos_meta::Title;
use trust_core::cert::{CertCheck, CertInfo};
use trust_core::playground::utc;

use crate::components::cert_chain_picture::CertChainPicture;
use crate::components::styles::{
    BUTTON_SECONDARY, CARD, FIELD_ERROR, INPUT, LABEL, MUTED, PAGE_TITLE,
};
use crate::forms::cert_form::{Workbench, run_workbench};
use crate::pictures::cert_chain::cert_chain;

/// The certificate workbench: paste a certificate (and optionally its CA and key) and see its
/// subject DN exactly as Elasticsearch matches `certificate_identity` against it. Every check
/// runs in the browser from `trust-core`; nothing pasted here is sent anywhere.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    let bench = RwSignal::new(Workbench::default());
    let clock = RwSignal::new(0_i64);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        clock.set(crate::browser::now_secs());
    });
    // The checks run in a chunk fetched at the first paste (`run_workbench`); only the answer
    // to the latest input is shown.
    let result = RwSignal::new(None::<Result<CertCheck, String>>);
    let checking = RwSignal::new(false);
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let input = bench.get();
        let now = clock.get();
        let run = latest.get_value() + 1;
        latest.set_value(run);
        if input.certificate.trim().is_empty() {
            result.set(None);
            checking.set(false);
            return;
        }
        checking.set(true);
        leptos::task::spawn_local(async move {
            let answer = run_workbench(input, now).await;
            if latest.get_value() == run {
                result.set(answer);
                checking.set(false);
            }
        });
    });
    let area = move |id: &'static str,
                     label: &'static str,
                     placeholder: &'static str,
                     get: fn(&Workbench) -> String,
                     set: fn(&mut Workbench, String)| {
        view! {
            <label for=id class=format!("{LABEL} mt-4")>{label}</label>
            <textarea
                id=id
                rows="5"
                spellcheck="false"
                autocomplete="off"
                class=format!("{INPUT} font-mono text-xs")
                placeholder=placeholder
                prop:value=move || bench.with(get)
                on:input=move |ev| bench.update(|b| set(b, event_target_value(&ev)))
            ></textarea>
        }
    };
    view! {
        <Title text="Certificate workbench" />
        <h1 class=PAGE_TITLE>"Certificate workbench"</h1>
        <p class=format!("mt-1 mb-6 {MUTED}")>
            "Paste a certificate to see its subject DN exactly as Elasticsearch matches "
            <code>"certificate_identity"</code>
            " against it (Java's RFC 2253 form, whole-string, case-sensitive), check its chain, validity and key. Everything runs in your browser; nothing pasted here is sent."
        </p>
        <div class="grid gap-6 xl:grid-cols-2">
            <section class=CARD aria-labelledby="bench-input">
                <h2 id="bench-input" class="text-base font-semibold">"Input"</h2>
                {area("certificate", "Certificate (PEM, leaf first)", "-----BEGIN CERTIFICATE-----", |b| b.certificate.clone(), |b, v| b.certificate = v)}
                {area("ca", "Trusted CA certificates (optional)", "-----BEGIN CERTIFICATE-----", |b| b.ca.clone(), |b, v| b.ca = v)}
                {area("key", "Private key (optional, to check it belongs to the certificate)", "-----BEGIN PRIVATE KEY-----", |b| b.key.clone(), |b, v| b.key = v)}
                <label for="pattern" class=format!("{LABEL} mt-4")>"certificate_identity pattern"</label>
                <input
                    id="pattern"
                    class=format!("{INPUT} font-mono")
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="CN=[^,]+\\.node\\.<cluster id>\\.cluster\\.<org id>"
                    prop:value=move || bench.with(|b| b.pattern.clone())
                    on:input=move |ev| bench.update(|b| b.pattern = event_target_value(&ev))
                />
                <label for="cert-evaluate-at" class=format!("{LABEL} mt-4")>"Evaluate at (UTC, optional)"</label>
                <input
                    id="cert-evaluate-at"
                    type="datetime-local"
                    step="1"
                    class=INPUT
                    prop:value=move || bench.with(|b| b.evaluate_at.clone())
                    on:input=move |ev| bench.update(|b| b.evaluate_at = event_target_value(&ev))
                />
            </section>
            <section class=CARD aria-labelledby="bench-result" aria-live="polite" data-testid="cert-result">
                <h2 id="bench-result" class="text-base font-semibold">"As Elasticsearch sees it"</h2>
                {move || match result.get() {
                    None if checking.get() => view! { <p class=format!("mt-2 {MUTED}") data-testid="cert-checking">"Checking…"</p> }.into_any(),
                    None => view! { <p class=format!("mt-2 {MUTED}")>"Paste a PEM certificate: its DN, validity and checks appear here as you type."</p> }.into_any(),
                    Some(Err(message)) => view! { <p class=FIELD_ERROR role="alert" data-testid="cert-error">{message}</p> }.into_any(),
                    Some(Ok(report)) => {
                        let now = bench.with_untracked(|b| b.now(clock.get_untracked())).unwrap_or_default();
                        view! { <Report report bench now /> }.into_any()
                    }
                }}
            </section>
        </div>
    }
}

#[component]
fn Report(report: CertCheck, bench: RwSignal<Workbench>, now: i64) -> impl IntoView {
    let picture = cert_chain(&report.certificates, &report.cas, now)
        .map(|chain| view! { <CertChainPicture chain /> });
    let badge = |label: &'static str,
                 testid: &'static str,
                 ok: Option<bool>,
                 unset: &'static str| {
        let (mark, class, word) = match ok {
            Some(true) => ("✓", "text-emerald-700 dark:text-emerald-400", "yes"),
            Some(false) => ("✗", "text-red-700 dark:text-red-400", "no"),
            None => ("–", "text-slate-500 dark:text-slate-400", "not checked"),
        };
        view! {
            <li class="flex gap-2" data-testid=testid data-result=word>
                <span class=class aria-hidden="true">{mark}</span>
                <span>{label}": "<span class=class>{if ok.is_none() { unset } else { word }}</span></span>
            </li>
        }
    };
    let suggested = report.suggested_pattern.clone();
    view! {
        <p class="mt-3 text-sm">"Subject DN"</p>
        <p class="break-all rounded bg-slate-50 p-2 font-mono text-sm dark:bg-slate-950" data-testid="subject-dn">{report.subject_dn.clone()}</p>
        <ul class="mt-3 space-y-1 text-sm">
            {badge("Pattern matches the whole DN", "pattern-result", report.pattern_matches, "the pattern cannot be evaluated")}
            {badge("Chain leads to a given CA", "chain-result", report.chain_valid, "no CA given")}
            {badge("Valid at the evaluation time", "time-result", Some(report.time_valid), "")}
            {badge("Private key belongs to it", "key-result", report.key_matches, "no key given")}
        </ul>
        {(!report.findings.is_empty()).then(|| view! {
            <ul class="mt-3 space-y-1 text-sm text-amber-800 dark:text-amber-300" data-testid="cert-findings">
                {report.findings.iter().map(|f| view! { <li>"⚠ "{f.clone()}</li> }).collect_view()}
            </ul>
        })}
        <p class="mt-4 text-sm">"Suggested pattern (anchored by the full match, dots escaped)"</p>
        <div class="flex flex-wrap items-center gap-2">
            <code class="break-all font-mono text-sm" data-testid="suggested-pattern">{suggested.clone()}</code>
            <button type="button" class=BUTTON_SECONDARY on:click=move |_| bench.update(|b| b.pattern = suggested.clone())>"Use it"</button>
        </div>
        {picture}
        {report.certificates.into_iter().enumerate().map(|(i, info)| view! { <CertDetails index=i info /> }).collect_view()}
    }
}

#[component]
fn CertDetails(index: usize, info: CertInfo) -> impl IntoView {
    let title = if index == 0 {
        "Leaf certificate".to_owned()
    } else {
        format!("Certificate {} of the chain", index + 1)
    };
    view! {
        <h3 class="mt-5 text-sm font-semibold">{title}</h3>
        <dl class="mt-2 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
            <dt class=MUTED>"subject"</dt><dd class="break-all font-mono text-xs">{info.subject_dn}</dd>
            <dt class=MUTED>"issuer"</dt><dd class="break-all font-mono text-xs">{info.issuer_dn}</dd>
            <dt class=MUTED>"valid"</dt><dd>{format!("{} → {}", utc(info.not_before), utc(info.not_after))}</dd>
            <dt class=MUTED>"key"</dt><dd>{info.key}{info.is_ca.then_some(" · CA")}</dd>
            <dt class=MUTED>"SANs"</dt><dd class="break-all">{if info.sans.is_empty() { "none".to_owned() } else { info.sans.join(", ") }}</dd>
            <dt class=MUTED>"serial"</dt><dd class="break-all font-mono text-xs">{info.serial}</dd>
            <dt class=MUTED>"SHA-256"</dt><dd class="break-all font-mono text-xs">{info.sha256}</dd>
        </dl>
    }
}
