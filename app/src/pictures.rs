//! Pictures: plain functions lay out what an SVG shows (positions, states, the text
//! alternative), with unit tests; the components in `components/*_picture.rs` only draw them.
//! The realm chain and the trust graph are rendered on the server, so they are on the page
//! before hydration; the token timeline and the certificate chain follow what is pasted in the
//! browser (the workbench never sends it anywhere).

pub mod cert_chain;
pub mod realm_chain;
pub mod token_timeline;
pub mod trust_graph;

/// `text` cut to at most `max` characters, the last one an ellipsis when cut (pictures draw
/// names in fixed boxes; their tooltips carry the whole name).
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let head: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shorten_keeps_short_text_and_cuts_long_text_to_its_width() {
        assert_eq!(super::shorten("prod", 4), "prod");
        assert_eq!(super::shorten("prod-eu", 4), "pro…");
        assert_eq!(super::shorten("café-ü", 5), "café…");
    }
}
