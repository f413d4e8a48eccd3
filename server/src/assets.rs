//! Where the built site (WASM, JS, CSS, favicon) comes from.
//!
//! Built with the `embed-site` feature, the binary carries the site inside it and serves it
//! from memory (with the precompressed `.br` / `.gz` variants when the browser accepts them),
//! so the release binary runs from any directory as one file. Without the feature, the site is
//! read from disk: `--site-root`, else `site/` beside the binary, else `target/site`.
//!
//! An embedded site is addressed by content: pages load the client from
//! `/pkg/<build>/…`, where `<build>` is a hash of every embedded `pkg/` file, and those answers
//! may be cached for a year (`immutable`); a new build has a new address, so no browser keeps
//! an old client. The plain `/pkg/…` addresses still answer, revalidated on every use
//! (`no-cache` with an ETag). A `/pkg/<hash>/…` of another build is 404: serving this build's
//! files there would let caches keep them under the other build's name.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use leptos::{WasmSplitManifest, config::LeptosOptions, prelude::ArcStoredValue};

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

/// What a request path under `/pkg/` names, given this build's hash.
#[derive(Debug, PartialEq, Eq)]
pub enum PkgPath<'a> {
    /// `/pkg/<this build>/<file>`: the file `pkg/<file>`, cacheable for good.
    Hashed(&'a str),
    /// `/pkg/<file>`: the file `pkg/<file>`, revalidated on every use.
    Plain(&'a str),
    /// `/pkg/<another build's hash>/…`.
    OtherBuild,
    /// Not under `/pkg/`.
    Elsewhere,
}

/// Length of a build hash in hex digits.
pub const BUILD_HASH_LEN: usize = 16;

/// Reads `path` against the build hash `build`.
pub fn pkg_path<'a>(path: &'a str, build: &str) -> PkgPath<'a> {
    let Some(rest) = path.strip_prefix("/pkg/") else {
        return PkgPath::Elsewhere;
    };
    match rest.split_once('/') {
        Some((hash, file)) if hash == build => PkgPath::Hashed(file),
        Some((hash, _))
            if hash.len() == BUILD_HASH_LEN && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            PkgPath::OtherBuild
        }
        _ => PkgPath::Plain(rest),
    }
}

/// The folder pages load the client from: `pkg/<build hash>` for an embedded site, else `pkg`.
pub fn pkg_dir() -> String {
    match build_hash() {
        Some(hash) => format!("pkg/{hash}"),
        None => "pkg".to_owned(),
    }
}

/// The wasm-split manifest's file name in `pkg/` (written by `cargo leptos build --split`).
const SPLIT_MANIFEST: &str = "__wasm_split_manifest.json";

/// The loader module wasm-split writes beside the client (cargo-leptos names it so when it
/// does not hash file names).
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// Which WASM chunks each lazily loaded page needs, for Leptos to name them in
/// `<link rel=preload>` on the pages that use them — read from the built site (embedded, or on
/// disk under `site_root`) once at start and kept in the state. `None` for a client built
/// without `--split`.
///
/// Leptos's own `HydrationScripts` reads the manifest from `site_root/<pkg dir>/` on disk,
/// which a single embedded binary with a content-addressed pkg folder does not have; the page
/// context carries this one instead (the type is Leptos's, marked doc-hidden but public for
/// exactly this hand-over).
pub fn chunk_preloads(options: &LeptosOptions) -> Option<WasmSplitManifest> {
    let text = split_manifest_text(Path::new(&*options.site_root))?;
    let chunks: HashMap<String, Vec<String>> = match serde_json::from_str(&text) {
        Ok(chunks) => chunks,
        Err(error) => {
            tracing::error!(%error, "the client's chunk manifest is unreadable; pages load without chunk preloads");
            return None;
        }
    };
    Some(WasmSplitManifest(ArcStoredValue::new((
        format!("/{}", options.site_pkg_dir),
        chunks,
        SPLIT_LOADER.to_owned(),
    ))))
}

#[cfg(feature = "embed-site")]
fn split_manifest_text(_site_root: &Path) -> Option<String> {
    embedded::text(&format!("pkg/{SPLIT_MANIFEST}"))
}

#[cfg(not(feature = "embed-site"))]
fn split_manifest_text(site_root: &Path) -> Option<String> {
    std::fs::read_to_string(site_root.join("pkg").join(SPLIT_MANIFEST)).ok()
}

#[cfg(feature = "embed-site")]
mod embedded {
    use std::sync::OnceLock;

    use axum::{
        body::Body,
        http::{HeaderMap, HeaderValue, StatusCode, header},
        response::Response,
    };
    use sha2::{Digest, Sha256};

    use super::{BUILD_HASH_LEN, PkgPath, pkg_path};

    #[derive(rust_embed::Embed)]
    #[folder = "$CARGO_MANIFEST_DIR/../target/site"]
    struct Site;

    /// Content encodings we have precompressed files for, best first.
    const ENCODINGS: &[(&str, &str)] = &[("br", ".br"), ("gzip", ".gz")];

    /// A year: the longest lifetime caches honour.
    const FOREVER: &str = "public, max-age=31536000, immutable";

    /// A hash of every embedded `pkg/` file's name and content, computed once.
    pub(crate) fn build_hash() -> &'static str {
        static HASH: OnceLock<String> = OnceLock::new();
        HASH.get_or_init(|| {
            let mut names: Vec<_> = Site::iter().filter(|n| n.starts_with("pkg/")).collect();
            names.sort();
            let mut digest = Sha256::new();
            for name in names {
                if let Some(file) = Site::get(&name) {
                    digest.update(name.as_bytes());
                    digest.update([0]);
                    digest.update(file.metadata.sha256_hash());
                }
            }
            hex(&digest.finalize())[..BUILD_HASH_LEN].to_owned()
        })
    }

    /// The embedded UTF-8 file `name` (a path inside the site), if there is one.
    pub(crate) fn text(name: &str) -> Option<String> {
        String::from_utf8(Site::get(name)?.data.into_owned()).ok()
    }

    /// The embedded file at `path`, if there is one.
    pub(crate) fn response(path: &str, headers: &HeaderMap) -> Option<Response> {
        let (name, cache) = match pkg_path(path, build_hash()) {
            PkgPath::Hashed(file) => (format!("pkg/{file}"), FOREVER),
            PkgPath::Plain(file) => (format!("pkg/{file}"), "no-cache"),
            PkgPath::OtherBuild => return None,
            PkgPath::Elsewhere => (path.trim_start_matches('/').to_owned(), "no-cache"),
        };
        if name.is_empty() {
            return None;
        }
        let plain = Site::get(&name)?;
        let etag = format!("\"{}\"", hex(&plain.metadata.sha256_hash()));
        if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            == Some(etag.as_str())
        {
            return Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::ETAG, etag)
                .header(header::CACHE_CONTROL, cache)
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
        let mime = mime_guess::from_path(&name).first_or_octet_stream();
        let mut builder = Response::builder()
            .header(header::CONTENT_TYPE, mime.as_ref())
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, cache)
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

/// The build hash of the embedded site, when the binary carries one.
#[cfg(feature = "embed-site")]
pub fn build_hash() -> Option<&'static str> {
    Some(embedded::build_hash())
}

/// Without `embed-site` there is no build hash: the site on disk is served as it is.
#[cfg(not(feature = "embed-site"))]
pub fn build_hash() -> Option<&'static str> {
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkg_paths_are_read_against_the_build_hash() {
        let build = "0123456789abcdef";
        assert_eq!(
            pkg_path("/pkg/0123456789abcdef/trust_console.wasm", build),
            PkgPath::Hashed("trust_console.wasm")
        );
        assert_eq!(
            pkg_path("/pkg/trust_console.wasm", build),
            PkgPath::Plain("trust_console.wasm")
        );
        assert_eq!(
            pkg_path("/pkg/fedcba9876543210/trust_console.wasm", build),
            PkgPath::OtherBuild
        );
        // Not a build hash: a sub-folder of pkg/.
        assert_eq!(
            pkg_path("/pkg/snippets/x.js", build),
            PkgPath::Plain("snippets/x.js")
        );
        assert_eq!(pkg_path("/favicon.svg", build), PkgPath::Elsewhere);
    }
}
