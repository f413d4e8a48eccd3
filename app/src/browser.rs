//! Small browser-side helpers (hydrate build only): the page's CSRF token, theme persistence,
//! full-page navigation, reading a chosen file, the clock and the clipboard.

use trust_core::theme::{THEME_COOKIE, Theme};
use wasm_bindgen::JsCast;

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The CSRF token the server rendered into `<meta name="csrf-token">`.
pub fn csrf_token() -> Option<String> {
    let meta = document()?.query_selector("meta[name=csrf-token]").ok()??;
    let token = meta.dyn_into::<web_sys::HtmlMetaElement>().ok()?.content();
    (!token.is_empty()).then_some(token)
}

/// The theme the server rendered (`<html class="dark">` or not).
pub fn rendered_theme() -> Theme {
    let dark = document()
        .and_then(|d| d.document_element())
        .is_some_and(|html| html.class_list().contains("dark"));
    if dark { Theme::Dark } else { Theme::Light }
}

/// Applies `theme` to the page and remembers it in a cookie (read by the server on the next
/// render, so the page never flashes the wrong theme) and in `localStorage`.
pub fn apply_theme(theme: Theme) {
    let Some(document) = document() else { return };
    if let Some(html) = document.document_element() {
        let _ = html
            .class_list()
            .toggle_with_force("dark", theme == Theme::Dark);
    }
    if let Ok(html_document) = document.dyn_into::<web_sys::HtmlDocument>() {
        let cookie = format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict",
            theme.as_str()
        );
        let _ = html_document.set_cookie(&cookie);
    }
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(THEME_COOKIE, theme.as_str());
    }
}

/// The browser's clock, epoch seconds.
pub fn now_secs() -> i64 {
    #[expect(clippy::cast_possible_truncation, reason = "epoch seconds fit an i64")]
    let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
    secs
}

/// Puts `text` on the clipboard (the browser may refuse; nothing happens then).
pub fn copy_text(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Loads `path` as a new page (used after login and logout so the whole shell re-renders).
pub fn go_to(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

/// Why a chosen file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// No file was chosen (the dialog was cancelled).
    NoFile,
    /// The file is larger than allowed.
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The browser could not read it as text.
    Unreadable,
}

/// The text of the file chosen in the `<input type="file">` that fired `event`, when it is at
/// most `max_bytes` long (checked before reading).
pub async fn chosen_file_text(
    event: &web_sys::Event,
    max_bytes: usize,
) -> Result<String, FileProblem> {
    let file = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .ok_or(FileProblem::NoFile)?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a file size in bytes"
    )]
    let size = file.size() as u64;
    if size > max_bytes as u64 {
        return Err(FileProblem::TooLarge { size });
    }
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or(FileProblem::Unreadable)
}

/// Loads the current page again (after the session switched deployment).
pub fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Marks `<html data-hydrated="true">`: the page is live (its WASM chunk loaded and
/// hydrated), which tests and the time-to-interactive report wait for.
pub fn mark_hydrated() {
    if let Some(html) = document().and_then(|d| d.document_element()) {
        let _ = html.set_attribute("data-hydrated", "true");
    }
}

/// What a tab shows when the client stopped (a panic aborts the WASM module): most often a
/// page's chunk could not be downloaded. Without this the page would look alive and do nothing.
pub const CLIENT_STOPPED: &str = "This page stopped working: part of the console's code could \
    not be loaded or failed. Your last change may not have been saved. Reload the page to \
    continue.";

/// Shows [`CLIENT_STOPPED`] in a banner at the top of the page (once), with a reload link.
pub fn show_client_stopped() {
    let Some(document) = document() else { return };
    if document.get_element_by_id("client-stopped").is_some() {
        return;
    }
    let (Ok(banner), Ok(reload), Some(body)) = (
        document.create_element("div"),
        document.create_element("a"),
        document.body(),
    ) else {
        return;
    };
    let _ = banner.set_attribute("id", "client-stopped");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute(
        "class",
        "fixed inset-x-0 top-0 z-50 bg-red-700 px-4 py-3 text-sm text-white shadow-lg",
    );
    banner.set_text_content(Some(CLIENT_STOPPED));
    let here = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_else(|| "/".to_owned());
    let _ = reload.set_attribute("href", &here);
    let _ = reload.set_attribute("class", "ml-2 font-semibold underline");
    reload.set_text_content(Some("Reload"));
    let _ = banner.append_child(&reload);
    let _ = body.prepend_with_node_1(&banner);
}
