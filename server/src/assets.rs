//! Where the built site (WASM, JS, CSS, favicon) comes from.
//!
//! Built with the `embed-site` feature, the binary carries the site inside it and serves it
//! from memory (with the precompressed `.br` / `.gz` variants when the browser accepts them),
//! so the release binary runs from any directory as one file. Without the feature, the site is
//! read from disk: `--site-root`, else `site/` beside the binary, else `target/site`.

use std::path::{Path, PathBuf};

/// The site root on disk to hand to Leptos.
pub fn site_root(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(path) = explicit {
        return path;
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("site")))
        .filter(|dir| dir.join("pkg").is_dir());
    beside_binary.unwrap_or_else(|| Path::new("target/site").to_path_buf())
}

#[cfg(feature = "embed-site")]
mod embedded {
    use axum::{
        body::Body,
        http::{HeaderMap, HeaderValue, StatusCode, header},
        response::Response,
    };

    #[derive(rust_embed::Embed)]
    #[folder = "$CARGO_MANIFEST_DIR/../target/site"]
    struct Site;

    /// Content encodings we have precompressed files for, best first.
    const ENCODINGS: &[(&str, &str)] = &[("br", ".br"), ("gzip", ".gz")];

    /// The embedded file at `path`, if there is one.
    pub(crate) fn response(path: &str, headers: &HeaderMap) -> Option<Response> {
        let name = path.trim_start_matches('/');
        if name.is_empty() {
            return None;
        }
        let plain = Site::get(name)?;
        let etag = format!("\"{}\"", hex(&plain.metadata.sha256_hash()));
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            == Some(etag.as_str())
        {
            return Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .ok();
        }
        let accepted = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let (data, encoding) = ENCODINGS
            .iter()
            .filter(|(encoding, _)| accepted.split(',').any(|a| a.trim().starts_with(encoding)))
            .find_map(|(encoding, suffix)| {
                Site::get(&format!("{name}{suffix}")).map(|file| (file.data, Some(*encoding)))
            })
            .unwrap_or((plain.data, None));
        let mime = mime_guess::from_path(name).first_or_octet_stream();
        let mut builder = Response::builder()
            .header(header::CONTENT_TYPE, mime.as_ref())
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, "no-cache")
            .header(header::VARY, "accept-encoding");
        if let Some(encoding) = encoding {
            builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        builder.body(Body::from(data.into_owned())).ok()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The embedded file answering `path`, when the binary carries the site.
#[cfg(feature = "embed-site")]
pub fn embedded(path: &str, headers: &axum::http::HeaderMap) -> Option<axum::response::Response> {
    embedded::response(path, headers)
}

/// Without `embed-site` nothing is embedded.
#[cfg(not(feature = "embed-site"))]
pub fn embedded(_path: &str, _headers: &axum::http::HeaderMap) -> Option<axum::response::Response> {
    None
}
