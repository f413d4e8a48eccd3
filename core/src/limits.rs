//! The limits every parser of user input holds a paste to, in one place.
//!
//! Each is checked **before** the work it bounds grows: a settings file's size before it is
//! scanned, a nesting level when it opens, a node when it is read, a pattern's length before it
//! is translated. A refusal names the limit ("nests deeper than 100 levels"). The same limits
//! hold on the server, in the WASM client and in the CLI, because they live here. The README's
//! "Security model" lists them.
//!
//! Elasticsearch itself has looser or no limits on several of these (its parsers run on the
//! JVM with its own stack); every value here is far above what a real configuration needs.

/// Largest `elasticsearch.yml` (or secure-settings text) read, in bytes.
pub const SETTINGS_MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting of YAML mappings and sequences in a settings file.
pub const SETTINGS_MAX_DEPTH: usize = 100;
/// Most YAML nodes (scalars, mappings, sequences) in a settings file.
pub const SETTINGS_MAX_NODES: usize = 100_000;
/// Longest flattened setting key, in bytes.
pub const SETTING_KEY_MAX_BYTES: usize = 4096;

/// Longest pattern (wildcard, Lucene regexp or Java regex) translated, in characters.
pub const PATTERN_MAX_CHARS: usize = 4096;
/// Largest compiled program of one pattern's regex, in bytes (the `regex` crate's default is
/// 10 MiB).
pub const PATTERN_MAX_COMPILED_BYTES: usize = 2 * 1024 * 1024;
/// Deepest group nesting in a Lucene or Java pattern.
pub const PATTERN_MAX_DEPTH: usize = 100;

/// Deepest nesting of `all` / `any` / `except` in role-mapping rules.
pub const RULES_MAX_DEPTH: usize = 100;

/// Deepest section nesting in a role template.
pub const TEMPLATE_MAX_DEPTH: usize = 100;
/// Longest role-template source, in bytes.
pub const TEMPLATE_MAX_BYTES: usize = 64 * 1024;
/// Most text one role template may render, in bytes.
pub const TEMPLATE_MAX_RENDERED_BYTES: usize = 1024 * 1024;
/// Most nodes one rendering may visit (a section over a list visits its body once per item).
pub const TEMPLATE_MAX_RENDER_STEPS: usize = 1_000_000;

/// Longest distinguished name parsed, in characters.
pub const DN_MAX_CHARS: usize = 64 * 1024;

/// Most certificates read from one PEM bundle.
pub const PEM_MAX_CERTIFICATES: usize = 100;
/// Largest PEM text read for one field, in bytes.
pub const PEM_MAX_BYTES: usize = 1024 * 1024;
