//! Lucene `RegExp` (all syntax flags on, as `Automatons` uses it) translated to Rust `regex`
//! syntax. The grammar is Lucene's:
//!
//! ```text
//! union  := inter ('|' union)?          inter  := concat ('&' inter)?
//! concat := repeat+                     repeat := compl ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*
//! compl  := '~' compl | class           class  := '[' '^'? (char ('-' char)?)+ ']' | simple
//! simple := char | '.' | '#' | '@' | '"' text '"' | '(' union? ')' | '<' n '-' m '>'
//! char   := any character | '\' any character (and '\d' '\s' '\w' and their negations)
//! ```
//!
//! `&` (intersection) and `~` (complement) have no `regex` equivalent and are refused;
//! `<identifier>` named automata are not available in Elasticsearch either.
//!
//! As in Lucene's `RegExp` (9.x, which every supported stack — 8.0 on — ships; 8.7 already
//! behaved the same): every branch of a union reads at least one atom, and that atom may be any
//! character, so a branch that *starts* with `|` or `)` reads it as a literal (`/(|a)/` is the
//! text `|a`) while an empty last branch runs off the end (`/a|/`: "unexpected end-of-string";
//! `/(a|)/`: "expected ')'"); `\s` is `[ \t\n\r]` only; a backslash before a letter that
//! names no class (`\n`, `\t`, `\b`…) is "invalid character class".

use super::{PatternError, push_literal};

/// Translates the text between the slashes; `pattern` (with slashes) is used in errors.
///
/// Group nesting is bounded by [`crate::limits::PATTERN_MAX_DEPTH`] (the parser recurses once
/// per group) and a union is read in a loop, so no input controls the recursion depth.
pub(crate) fn translate(pattern: &str, inner: &str) -> Result<String, PatternError> {
    super::check_length(pattern)?;
    // `RegExp`'s constructor: the empty expression is the empty string.
    if inner.is_empty() {
        return Ok(String::new());
    }
    let mut parser = Parser {
        pattern,
        chars: inner.chars().collect(),
        pos: 0,
        depth: super::Depth::new(pattern),
        interval_values: 0,
    };
    let out = parser.union()?;
    if parser.pos < parser.chars.len() {
        return Err(parser.invalid(format!("end-of-string expected at position {}", parser.pos)));
    }
    Ok(out)
}

/// Upper bound on the values the `<n-m>` intervals of one pattern may expand to, together
/// (each value becomes an alternative in the translated regex, so many intervals in one
/// pattern would otherwise build megabytes before the regex engine refuses them).
const MAX_INTERVAL_VALUES: u64 = 10_000;

struct Parser<'a> {
    pattern: &'a str,
    chars: Vec<char>,
    pos: usize,
    depth: super::Depth<'a>,
    /// Values the intervals read so far expand to.
    interval_values: u64,
}

impl Parser<'_> {
    fn invalid(&self, reason: impl Into<String>) -> PatternError {
        PatternError::invalid(self.pattern, reason)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn next(&mut self) -> Result<char, PatternError> {
        let c = self
            .peek()
            .ok_or_else(|| self.invalid("unexpected end-of-string"))?;
        self.pos += 1;
        Ok(c)
    }

    fn union(&mut self) -> Result<String, PatternError> {
        let first = self.inter()?;
        if self.peek() != Some('|') {
            return Ok(first);
        }
        let mut out = format!("(?:{first}");
        while self.eat('|') {
            out.push('|');
            out.push_str(&self.inter()?);
        }
        out.push(')');
        Ok(out)
    }

    fn inter(&mut self) -> Result<String, PatternError> {
        let out = self.concat()?;
        if self.peek() == Some('&') {
            return Err(PatternError::unsupported(
                self.pattern,
                "the Lucene intersection operator [&]",
            ));
        }
        Ok(out)
    }

    /// `parseConcatExp`: one atom always (whatever character it starts with), then more while
    /// the next character does not end the branch.
    fn concat(&mut self) -> Result<String, PatternError> {
        let mut out = self.repeat()?;
        while self.peek().is_some_and(|c| !matches!(c, ')' | '|' | '&')) {
            out.push_str(&self.repeat()?);
        }
        Ok(format!("(?:{out})"))
    }

    fn repeat(&mut self) -> Result<String, PatternError> {
        let mut out = self.complement()?;
        loop {
            match self.peek() {
                Some('?') => out = format!("(?:{out})?"),
                Some('*') => out = format!("(?:{out})*"),
                Some('+') => out = format!("(?:{out})+"),
                Some('{') => {
                    self.pos += 1;
                    let (min, max) = self.bounds()?;
                    out = match max {
                        Some(max) if max == min => format!("(?:{out}){{{min}}}"),
                        Some(max) => format!("(?:{out}){{{min},{max}}}"),
                        None => format!("(?:{out}){{{min},}}"),
                    };
                    continue;
                }
                _ => return Ok(out),
            }
            self.pos += 1;
        }
    }

    fn bounds(&mut self) -> Result<(u32, Option<u32>), PatternError> {
        let min = self
            .number()
            .ok_or_else(|| self.invalid("integer expected"))?;
        let max = if self.eat(',') {
            self.number()
        } else {
            Some(min)
        };
        if !self.eat('}') {
            return Err(self.invalid(format!("expected '}}' at position {}", self.pos)));
        }
        if max.is_some_and(|max| max < min) {
            return Err(self.invalid(format!("invalid repetition bounds {{{min},{max:?}}}")));
        }
        Ok((min, max))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.chars[start..self.pos]
            .iter()
            .collect::<String>()
            .parse()
            .ok()
    }

    fn complement(&mut self) -> Result<String, PatternError> {
        if self.peek() == Some('~') {
            return Err(PatternError::unsupported(
                self.pattern,
                "the Lucene complement operator [~]",
            ));
        }
        self.char_class()
    }

    fn char_class(&mut self) -> Result<String, PatternError> {
        if !self.eat('[') {
            return self.simple();
        }
        let negated = self.eat('^');
        let mut members = Vec::new();
        loop {
            let first = self.class_char()?;
            // As in Lucene, a shorthand class never starts a range: `[\w-]` has a literal `-`.
            if matches!(first, ClassChar::Char(_)) && self.eat('-') {
                let last = self.class_char()?;
                match (first, last) {
                    (ClassChar::Char(a), ClassChar::Char(b)) if a <= b => {
                        members.push(Member::Range(a, b));
                    }
                    (ClassChar::Char(a), ClassChar::Char(b)) => {
                        return Err(
                            self.invalid(format!("invalid range: from ({a}) cannot be > to ({b})"))
                        );
                    }
                    _ => return Err(self.invalid("a shorthand class cannot bound a range")),
                }
            } else {
                members.push(match first {
                    ClassChar::Char(c) => Member::Range(c, c),
                    ClassChar::Shorthand(class) => Member::Class(class),
                });
            }
            match self.peek() {
                Some(']') => break,
                Some(_) => {}
                None => return Err(self.invalid(format!("expected ']' at position {}", self.pos))),
            }
        }
        self.pos += 1;
        Ok(class_regex(&members, negated))
    }

    fn class_char(&mut self) -> Result<ClassChar, PatternError> {
        let c = self.next()?;
        if c != '\\' {
            return Ok(ClassChar::Char(c));
        }
        let escaped = self.next()?;
        self.check_escape(escaped)?;
        Ok(shorthand(escaped).map_or(ClassChar::Char(escaped), ClassChar::Shorthand))
    }

    /// `expandPreDefined`: a backslash before a letter that is not a class is an error (Java's
    /// rule, which Lucene follows).
    fn check_escape(&self, escaped: char) -> Result<(), PatternError> {
        if escaped.is_ascii_alphabetic() && shorthand(escaped).is_none() {
            return Err(self.invalid(format!("invalid character class \\{escaped}")));
        }
        Ok(())
    }

    fn simple(&mut self) -> Result<String, PatternError> {
        let c = self.next()?;
        Ok(match c {
            '.' => ".".to_owned(),
            '#' => MATCHES_NOTHING.to_owned(),
            '@' => ".*".to_owned(),
            '"' => {
                let mut out = String::new();
                loop {
                    match self.peek() {
                        Some('"') => break,
                        Some(c) => {
                            push_literal(&mut out, c);
                            self.pos += 1;
                        }
                        None => {
                            return Err(
                                self.invalid(format!("expected '\"' at position {}", self.pos))
                            );
                        }
                    }
                }
                self.pos += 1;
                format!("(?:{out})")
            }
            '(' => {
                if self.eat(')') {
                    return Ok(String::new());
                }
                self.depth.open()?;
                let inner = self.union()?;
                self.depth.close();
                if !self.eat(')') {
                    return Err(self.invalid(format!("expected ')' at position {}", self.pos)));
                }
                format!("({inner})")
            }
            '<' => self.interval()?,
            '\\' => {
                let escaped = self.next()?;
                self.check_escape(escaped)?;
                match shorthand(escaped) {
                    Some(class) => class_regex(&[Member::Class(class)], false),
                    None => {
                        let mut out = String::new();
                        push_literal(&mut out, escaped);
                        out
                    }
                }
            }
            other => {
                let mut out = String::new();
                push_literal(&mut out, other);
                out
            }
        })
    }

    /// `<n-m>`: numbers from n to m. Equal-length bounds mean fixed width (zero-padded);
    /// otherwise any number of leading zeros is accepted (Lucene's `makeDecimalInterval`).
    fn interval(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != '>') {
            self.pos += 1;
        }
        let body: String = self.chars[start..self.pos].iter().collect();
        if !self.eat('>') {
            return Err(self.invalid(format!("expected '>' at position {}", self.pos)));
        }
        let Some((lo, hi)) = body.split_once('-') else {
            return Err(PatternError::unsupported(
                self.pattern,
                format!("the named automaton <{body}>, which Elasticsearch does not define"),
            ));
        };
        let parse = |s: &str| {
            s.parse::<u64>()
                .ok()
                .filter(|_| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let (Some(mut min), Some(mut max)) = (parse(lo), parse(hi)) else {
            return Err(self.invalid(format!(
                "interval syntax error at position {}",
                self.pos - 1
            )));
        };
        if min > max {
            std::mem::swap(&mut min, &mut max);
        }
        self.interval_values = self.interval_values.saturating_add(max - min + 1);
        if self.interval_values > MAX_INTERVAL_VALUES {
            return Err(PatternError::unsupported(
                self.pattern,
                format!(
                    "the numeric interval <{body}> (the pattern's intervals cover more than {MAX_INTERVAL_VALUES} values)"
                ),
            ));
        }
        let width = if lo.len() == hi.len() { lo.len() } else { 0 };
        let values: Vec<String> = (min..=max).map(|n| format!("{n:0width$}")).collect();
        Ok(if width == 0 {
            format!("0*(?:{})", values.join("|"))
        } else {
            format!("(?:{})", values.join("|"))
        })
    }
}

enum ClassChar {
    Char(char),
    Shorthand(Shorthand),
}

/// `\d \s \w` (`negated: false`) and `\D \S \W` (`negated: true`): ASCII sets, as in Lucene.
#[derive(Clone, Copy)]
struct Shorthand {
    /// The set's characters as regex class items.
    items: &'static str,
    /// Whether the set is everything except `items`.
    negated: bool,
    /// Membership in the (un-negated) set.
    contains: fn(char) -> bool,
}

/// Lucene's `\d \D \s \S \w \W`.
fn shorthand(c: char) -> Option<Shorthand> {
    let digit = |c: char| c.is_ascii_digit();
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let (items, contains): (&'static str, fn(char) -> bool) = match c.to_ascii_lowercase() {
        'd' => ("0-9", digit),
        's' => (" \\t\\n\\r", space),
        'w' => ("a-zA-Z0-9_", word),
        _ => return None,
    };
    Some(Shorthand {
        items,
        negated: c.is_ascii_uppercase(),
        contains,
    })
}

/// One item between `[` and `]`.
enum Member {
    /// A character (`a..=a`) or a range.
    Range(char, char),
    /// A shorthand class.
    Class(Shorthand),
}

impl Member {
    fn contains(&self, c: char) -> bool {
        match self {
            Self::Range(a, b) => (*a..=*b).contains(&c),
            Self::Class(class) => (class.contains)(c) != class.negated,
        }
    }
}

/// A regex that never matches (Lucene's `#`, the empty language): no position is both a word
/// boundary and not one.
const MATCHES_NOTHING: &str = "\\b\\B";

/// The regex for a class of `members` (negated for `[^…]`), written without nested classes or
/// set operations, which the console's regex engine does not have: a negated shorthand inside
/// brackets becomes an alternative (`[a\D]` is `(?:[a]|[^0-9])`), and a negated class holding
/// one is spelled out, since what it matches is then ASCII only (`[^a\D]` is `[0-9]` without
/// `a`: the digits that are not `a`).
fn class_regex(members: &[Member], negated: bool) -> String {
    let mut items = String::new();
    let mut outside: Vec<&'static str> = Vec::new();
    for member in members {
        match member {
            Member::Range(a, b) => {
                push_literal(&mut items, *a);
                if a != b {
                    items.push('-');
                    push_literal(&mut items, *b);
                }
            }
            Member::Class(class) if class.negated => outside.push(class.items),
            Member::Class(class) => items.push_str(class.items),
        }
    }
    if outside.is_empty() {
        return if negated {
            format!("[^{items}]")
        } else {
            format!("[{items}]")
        };
    }
    if negated {
        // Not in any member: inside every negated shorthand's ASCII set and outside the rest.
        let mut spelled = String::new();
        for c in (0u8..0x80).map(char::from) {
            if !members.iter().any(|m| m.contains(c)) {
                push_literal(&mut spelled, c);
            }
        }
        return if spelled.is_empty() {
            MATCHES_NOTHING.to_owned()
        } else {
            format!("[{spelled}]")
        };
    }
    let mut branches: Vec<String> = Vec::new();
    if !items.is_empty() {
        branches.push(format!("[{items}]"));
    }
    branches.extend(outside.iter().map(|set| format!("[^{set}]")));
    format!("(?:{})", branches.join("|"))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::super::AutomatonPattern;
    use super::*;

    fn matches(pattern: &str, value: &str) -> bool {
        AutomatonPattern::parse(pattern).unwrap().matches(value)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn lucene_constructs_translate_faithfully() {
        let cases: &[(&str, &str, bool)] = &[
            ("/ab+c/", "abbbc", true),
            ("/ab+c/", "xabbbc", false),
            ("/a|b/", "b", true),
            ("/(ab)*/", "abab", true),
            ("/a{2,3}/", "aaaa", false),
            ("/a{2}/", "aa", true),
            ("/a{2,}/", "aaaaa", true),
            ("/[^a-c]x/", "dx", true),
            ("/[^a-c]x/", "bx", false),
            ("/.*@corp/", "me@corp", true),
            ("/@/", "anything at all", true),
            ("/#/", "", false),
            ("/\"a.b\"/", "a.b", true),
            ("/\"a.b\"/", "axb", false),
            ("/a\\.b/", "a.b", true),
            ("/<1-10>/", "10", true),
            ("/<1-10>/", "007", true),
            ("/<1-10>/", "11", false),
            ("/<01-10>/", "7", false),
            ("/<01-10>/", "07", true),
            ("/\\d+/", "123", true),
            ("/[\\w-]+/", "a-b_c", true),
            ("/()/", "", true),
            ("/a.c/", "a\nc", true),
            ("/a|#/", "a", true),
            ("/#|b/", "", false),
            // Negated shorthands inside brackets (written without nested classes).
            ("/[a\\D]/", "a", true),
            ("/[a\\D]/", "x", true),
            ("/[a\\D]/", "é", true),
            ("/[a\\D]/", "5", false),
            ("/[\\S\\d]+/", "ab 1", false),
            ("/[\\S\\d]+/", "ab1", true),
            ("/[^a\\D]/", "5", true),
            ("/[^a\\D]/", "a", false),
            ("/[^a\\D]/", "x", false),
            ("/[^5-9\\D]+/", "01234", true),
            ("/[^5-9\\D]+/", "0123456", false),
            ("/[^\\D\\S]/", "1", false),
            ("/[^\\D\\S]/", " ", false),
            ("/[^\\W_]+/", "aZ9", true),
            ("/[^\\W_]+/", "a_b", false),
            ("/[^\\W_]+/", "é", false),
        ];
        for (pattern, value, expected) in cases {
            assert_eq!(matches(pattern, value), *expected, "{pattern} vs {value:?}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn untranslatable_operators_are_named() {
        for (pattern, construct) in [
            ("/~abc/", "complement operator [~]"),
            ("/a&b/", "intersection operator [&]"),
            ("/<ip>/", "named automaton <ip>"),
            ("/<0-99999>/", "numeric interval"),
        ] {
            let err = AutomatonPattern::parse(pattern).unwrap_err();
            assert!(matches!(err, PatternError::Unsupported { .. }), "{pattern}");
            assert!(err.to_string().contains(construct), "{err}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn syntax_errors_are_invalid() {
        for pattern in ["/(ab/", "/[ab/", "/a{2/", "/\"ab/", "/[z-a]/", "/a)/"] {
            let err = AutomatonPattern::parse(pattern).unwrap_err();
            assert!(
                matches!(err, PatternError::Invalid { .. }),
                "{pattern}: {err}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn hostile_nesting_and_alternation_are_bounded() {
        // The issue's 10 KB value that aborted the server on PUT.
        let deep = format!("/{}x{}/", "(".repeat(5000), ")".repeat(5000));
        let err = AutomatonPattern::parse(&deep).unwrap_err().to_string();
        assert!(
            err.contains("pattern is 10003 characters long; at most 4096 are allowed"),
            "{err}"
        );
        let deep = format!("/{}x{}/", "(".repeat(1000), ")".repeat(1000));
        let err = AutomatonPattern::parse(&deep).unwrap_err().to_string();
        assert!(
            err.contains("pattern nests deeper than 100 levels"),
            "{err}"
        );
        // At the limit it still translates and matches.
        let ok = format!("/{}x{}/", "(".repeat(100), ")".repeat(100));
        assert!(matches(&ok, "x"));
        // A long union is read in a loop, not one recursion per branch.
        let union = format!("/{}b/", "a|".repeat(2000));
        assert!(matches(&union, "a"));
        assert!(matches(&union, "b"));
        assert!(!matches(&union, "aa"));
    }

    /// `RegExp.parseConcatExp` / `parseCharExp` / `expandPreDefined` (Lucene 9, as in 8.7).
    #[wasm_bindgen_test(unsupported = test)]
    fn branches_escapes_and_whitespace_follow_lucene() {
        // A branch reads at least one atom: a leading `|` or `)` is a literal.
        assert!(matches("/(|a)/", "|a"));
        assert!(!matches("/(|a)/", "a"));
        assert!(matches("/a||b/", "|b"));
        assert!(matches("/)/", ")"));
        assert!(matches("//", ""));
        for (pattern, reason) in [
            ("/a|/", "unexpected end-of-string"),
            ("/(a|)/", "expected ')' at position 4"),
            ("/\\n/", "invalid character class \\n"),
            ("/[\\t]/", "invalid character class \\t"),
            ("/a\\b/", "invalid character class \\b"),
        ] {
            let err = AutomatonPattern::parse(pattern).unwrap_err();
            assert!(
                matches!(err, PatternError::Invalid { .. }),
                "{pattern}: {err}"
            );
            assert!(err.to_string().contains(reason), "{pattern}: {err}");
        }
        // `\s` is space, tab, newline and carriage return only.
        for (value, expected) in [
            (" ", true),
            ("\t", true),
            ("\n", true),
            ("\r", true),
            ("\u{0B}", false),
            ("\u{0C}", false),
        ] {
            assert_eq!(matches("/\\s/", value), expected, "{value:?}");
            assert_eq!(matches("/\\S/", value), !expected, "{value:?}");
        }
        // Escaped punctuation stays literal.
        assert!(matches("/a\\|b/", "a|b"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn intervals_are_bounded_per_pattern() {
        assert!(matches("/<0-9999>/", "42"));
        let many = format!("/{}/", "<0-9999>".repeat(300));
        let err = AutomatonPattern::parse(&many).unwrap_err().to_string();
        assert!(err.contains("cover more than 10000 values"), "{err}");
        assert!(matches("/<1-5000>x<1-5000>/", "12x34"));
    }
}
