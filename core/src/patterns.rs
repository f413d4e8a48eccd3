//! Elasticsearch's three pattern dialects, translated to `regex-lite` (the `regex` syntax
//! without Unicode tables: the same engine in the server and the browser client, a fraction of
//! the client's size) with their semantics kept:
//! wildcard patterns (`*`, `?`, `\`), Lucene `RegExp` between slashes (`/…/`), both matched
//! against the whole value as `Automatons` does, and Java `Pattern` regexes, used with
//! `Matcher.find()` (claim patterns, certificate identity). What the engine cannot express
//! (backreferences, lookaround, complement, Unicode property classes…) is refused with the
//! construct named.

pub mod java;
pub mod lucene;

use regex_lite::Regex;

use crate::limits;

/// Why a pattern cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The pattern is not valid in its own dialect (Elasticsearch would refuse it too).
    #[error("invalid pattern [{pattern}]: {reason}")]
    Invalid {
        /// The pattern as given.
        pattern: String,
        /// What is wrong.
        reason: String,
    },
    /// Valid for Elasticsearch, but uses a construct this console cannot evaluate.
    #[error(
        "pattern [{pattern}] uses {construct}, which this console cannot evaluate (Elasticsearch accepts it)"
    )]
    Unsupported {
        /// The pattern as given.
        pattern: String,
        /// The construct, named for people (e.g. "a backreference [\\1]").
        construct: String,
    },
}

impl PatternError {
    pub(crate) fn invalid(pattern: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            pattern: pattern.to_owned(),
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(pattern: &str, construct: impl Into<String>) -> Self {
        Self::Unsupported {
            pattern: pattern.to_owned(),
            construct: construct.into(),
        }
    }
}

/// Compiles translated regex text with the console's bound on the compiled program
/// ([`limits::PATTERN_MAX_COMPILED_BYTES`]), so that a short hostile pattern (nested counted
/// repetitions) is refused instead of taking seconds and megabytes to compile.
pub(crate) fn compile(regex: &str) -> Result<Regex, regex_lite::Error> {
    regex_lite::RegexBuilder::new(regex)
        .size_limit(limits::PATTERN_MAX_COMPILED_BYTES)
        // Nesting is bounded while a pattern is read ([`Depth`], with its own message); a
        // translation adds at most a group per level and a wrapper (`\A(?:…)\z`).
        .nest_limit(u32::try_from(2 * limits::PATTERN_MAX_DEPTH + 8).unwrap_or(u32::MAX))
        .build()
}

/// Refuses a pattern longer than [`limits::PATTERN_MAX_CHARS`] before it is translated.
pub(crate) fn check_length(pattern: &str) -> Result<(), PatternError> {
    let chars = pattern.chars().count();
    if chars > limits::PATTERN_MAX_CHARS {
        return Err(over_limit(
            pattern,
            format!(
                "pattern is {chars} characters long; at most {} are allowed",
                limits::PATTERN_MAX_CHARS
            ),
        ));
    }
    Ok(())
}

/// A limit's refusal, naming the pattern by its first 64 characters (it may be huge).
fn over_limit(pattern: &str, reason: String) -> PatternError {
    let shown: String = pattern.chars().take(64).chain("…".chars()).collect();
    PatternError::invalid(&shown, reason)
}

/// Group nesting while a pattern is read, refused past [`limits::PATTERN_MAX_DEPTH`].
pub(crate) struct Depth<'a> {
    pattern: &'a str,
    open: usize,
}

impl<'a> Depth<'a> {
    pub(crate) fn new(pattern: &'a str) -> Self {
        Self { pattern, open: 0 }
    }

    /// One more level opens.
    pub(crate) fn open(&mut self) -> Result<(), PatternError> {
        self.open += 1;
        if self.open > limits::PATTERN_MAX_DEPTH {
            return Err(over_limit(
                self.pattern,
                format!(
                    "pattern nests deeper than {} levels",
                    limits::PATTERN_MAX_DEPTH
                ),
            ));
        }
        Ok(())
    }

    /// A level closes (an unbalanced close is the dialect's own error, reported elsewhere).
    pub(crate) fn close(&mut self) {
        self.open = self.open.saturating_sub(1);
    }
}

/// One `Automatons` pattern: a wildcard or a `/…/` Lucene regexp, matched on the whole value.
#[derive(Clone, Debug)]
pub struct AutomatonPattern {
    source: String,
    matcher: Matcher,
}

/// How a pattern runs: wildcards made of literals and `*` only (the common case in role
/// mappings) match by string search; everything else by regex.
#[derive(Clone, Debug)]
enum Matcher {
    Stars(Vec<String>),
    Regex(Regex),
}

/// `a*b*c` → `["a", "b", "c"]`: whole match when the value starts with the first piece, ends
/// with the last, and holds the others in order between them.
fn stars_match(pieces: &[String], value: &str) -> bool {
    let [first, middle @ .., last] = pieces else {
        return pieces.first().is_some_and(|p| p == value);
    };
    // Most values fail on their first or last byte: check those before comparing whole pieces.
    let (bytes, head, tail) = (value.as_bytes(), first.as_bytes(), last.as_bytes());
    if bytes.len() < head.len() + tail.len()
        || head.first().is_some_and(|b| bytes.first() != Some(b))
        || tail.last().is_some_and(|b| bytes.last() != Some(b))
    {
        return false;
    }
    let Some(mut rest) = value.strip_prefix(first.as_str()) else {
        return false;
    };
    if rest.len() < last.len() {
        return false;
    }
    let Some(end) = rest.len().checked_sub(last.len()) else {
        return false;
    };
    if !rest.is_char_boundary(end) || !rest[end..].eq(last.as_str()) {
        return false;
    }
    rest = &rest[..end];
    for piece in middle {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

impl AutomatonPattern {
    /// Compiles a pattern the way `Automatons.pattern` does: `/…/` is a Lucene regexp (a
    /// leading `/` without a closing one is an error); anything else is a wildcard pattern.
    ///
    /// # Errors
    /// Invalid patterns, and Lucene operators `regex` cannot express (`~`, `&`).
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        check_length(pattern)?;
        if !pattern.starts_with('/') && !pattern.contains(['?', '\\']) {
            return Ok(Self {
                source: pattern.to_owned(),
                matcher: Matcher::Stars(pattern.split('*').map(str::to_owned).collect()),
            });
        }
        let body = if let Some(rest) = pattern.strip_prefix('/') {
            let Some(inner) = rest.strip_suffix('/') else {
                return Err(PatternError::invalid(
                    pattern,
                    "patterns starting with '/' indicate regular expression pattern and therefore must also end with '/'. other patterns (those that do not start with '/') will be treated as simple wildcard patterns",
                ));
            };
            lucene::translate(pattern, inner)?
        } else {
            wildcard_to_regex(pattern)
        };
        let regex = compile(&format!("^(?s:{body})$"))
            .map_err(|e| PatternError::invalid(pattern, e.to_string()))?;
        Ok(Self {
            source: pattern.to_owned(),
            matcher: Matcher::Regex(regex),
        })
    }

    /// Whether the whole value matches.
    pub fn matches(&self, value: &str) -> bool {
        match &self.matcher {
            Matcher::Stars(pieces) => stars_match(pieces, value),
            Matcher::Regex(regex) => regex.is_match(value),
        }
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether this is a `/…/` regexp rather than a wildcard.
    pub fn is_regexp(&self) -> bool {
        is_lucene_regexp(&self.source)
    }
}

/// Whether a string is written as a Lucene regexp (`/…/`, at least two characters).
pub fn is_lucene_regexp(s: &str) -> bool {
    s.len() > 1 && s.starts_with('/') && s.ends_with('/')
}

/// A set of patterns matched as one predicate (`Automatons.predicate`), printed as
/// Elasticsearch prints it: the patterns joined with `|`.
#[derive(Clone, Debug, Default)]
pub struct PatternSet {
    patterns: Vec<AutomatonPattern>,
}

impl PatternSet {
    /// Compiles every pattern.
    ///
    /// # Errors
    /// The first pattern that cannot be compiled.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let patterns = patterns
            .iter()
            .map(|p| AutomatonPattern::parse(p.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Self { patterns })
    }

    /// Whether any pattern matches the whole value.
    pub fn matches(&self, value: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(value))
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

impl std::fmt::Display for PatternSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sources: Vec<&str> = self.patterns.iter().map(AutomatonPattern::source).collect();
        f.write_str(&sources.join("|"))
    }
}

/// `Automatons.wildcard`: `*` any string, `?` any one character, `\` makes the next character
/// literal (a trailing `\` is itself literal).
fn wildcard_to_regex(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '\\' => match chars.next() {
                Some(next) => push_literal(&mut out, next),
                None => push_literal(&mut out, '\\'),
            },
            other => push_literal(&mut out, other),
        }
    }
    out
}

pub(crate) fn push_literal(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    out.push_str(&regex_lite::escape(c.encode_utf8(&mut buf)));
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn wildcards_match_whole_values() {
        let cases: &[(&str, &str, bool)] = &[
            (
                "service_*@app?.example.com",
                "service_a@app1.example.com",
                true,
            ),
            (
                "service_*@app?.example.com",
                "service_a@app12.example.com",
                false,
            ),
            (
                "service_*@app?.example.com",
                "xservice_a@app1.example.com",
                false,
            ),
            ("a\\*b", "a*b", true),
            ("a\\*b", "axb", false),
            ("*", "", true),
            ("a.c", "abc", false),
            ("trailing\\", "trailing\\", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
            ("*-7", "ops-7", true),
            ("*-7", "ops-17x", false),
            ("**", "", true),
            ("é*", "éa", true),
            ("plain", "plain", true),
            ("plain", "plainx", false),
        ];
        for (pattern, value, expected) in cases {
            let p = AutomatonPattern::parse(pattern).unwrap();
            assert_eq!(p.matches(value), *expected, "{pattern} vs {value}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn slash_patterns_are_lucene_regexps() {
        let p = AutomatonPattern::parse("/[a-z]+<1-10>\\@dev\\.example\\.com/").unwrap();
        assert!(p.is_regexp());
        assert!(p.matches("abc7@dev.example.com"));
        assert!(p.matches("abc10@dev.example.com"));
        assert!(!p.matches("abc11@dev.example.com"));
        let err = AutomatonPattern::parse("/abc").unwrap_err();
        assert!(err.to_string().contains("must also end with '/'"), "{err}");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn sets_print_like_elasticsearch() {
        let set = PatternSet::parse(&["a*", "/b+/"]).unwrap();
        assert_eq!(set.to_string(), "a*|/b+/");
        assert!(set.matches("abc") && set.matches("bbb") && !set.matches("c"));
        assert!(
            PatternSet::parse::<&str>(&[])
                .unwrap()
                .to_string()
                .is_empty()
        );
    }
}
