//! Browser entry point: hydrates the server-rendered console.

/// Called by the generated JS once the WASM module is loaded. Each console page is a WASM
/// chunk of its own, loaded when the page is opened; the page marks `<html data-hydrated>`
/// itself once live (see `app::app`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A panic aborts the module (a chunk that failed to download panics in its loader):
        // say so on the page instead of leaving controls that do nothing.
        app::browser::show_client_stopped();
    }));
    // Lazy routes need the asynchronous hydration: a page's chunk is fetched before it hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
