//! Java `java.util.regex.Pattern` syntax translated to the console's regex engine
//! (`regex-lite`: no Unicode tables, which keeps the browser client small), for claim patterns
//! and certificate identities. Elasticsearch uses these with `Matcher.find()` and capture
//! group 1.
//!
//! Translated: Java's ASCII-only `\d \s \w` and POSIX `\p{Alpha}`-style classes, `\Q…\E`
//! quoting, `\h \v \R \e \a \cX \0oo \uhhhh`, `\Z`, `(?<name>…)` groups and the `i m s x`
//! flags. `(?i)` folds ASCII case only, which is Java's default (`CASE_INSENSITIVE` without
//! `UNICODE_CASE`). Refused, with the construct named: backreferences, lookahead and
//! lookbehind, atomic groups, possessive quantifiers, `\G`, `\X`, `\N{…}`, the `U`/`d` flags —
//! and, because the engine has no Unicode tables or nested classes, Unicode property, script
//! and block classes (`\p{IsLatin}`, `\p{L}`, `\p{InGreek}`), the `u` flag (Unicode case
//! folding), nested classes (`[a[b]]`), class intersections (`[a-z&&[^c]]`) and negated classes
//! inside brackets (`[a\D]`). Elasticsearch accepts all of these; the refusal says so.
//!
//! Known, documented differences: `.` excludes only `\n` (Java also excludes `\r`, `\u0085`,
//! `\u2028`, `\u2029`); `$` matches only at the very end (Java also before a final line
//! terminator). Claim values rarely contain line terminators, where these would show.

use regex_lite::Regex;

use super::{PatternError, push_literal};

/// A compiled Java regex, used with find semantics.
#[derive(Clone, Debug)]
pub struct JavaRegex {
    source: String,
    regex: Regex,
}

impl JavaRegex {
    /// Translates and compiles a Java regex.
    ///
    /// # Errors
    /// Syntax errors, and Java constructs that `regex` cannot express.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let translated = translate(pattern)?;
        let regex =
            super::compile(&translated).map_err(|e| PatternError::invalid(pattern, compact(&e)))?;
        Ok(Self {
            source: pattern.to_owned(),
            regex,
        })
    }

    /// The pattern as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of capturing groups (Java's `groupCount()`).
    pub fn group_count(&self) -> usize {
        self.regex.captures_len() - 1
    }

    /// `Matcher.find()` then `group(1)`: `None` when there is no match; `Some(None)` when the
    /// match did not take part in group 1.
    pub fn find_group1<'h>(&self, haystack: &'h str) -> Option<Option<&'h str>> {
        self.regex
            .captures(haystack)
            .map(|c| c.get(1).map(|m| m.as_str()))
    }

    /// `Matcher.find()`: whether the pattern occurs anywhere in the value.
    pub fn find(&self, haystack: &str) -> bool {
        self.regex.is_match(haystack)
    }

    /// `Matcher.matches()`: whether the pattern matches the whole value.
    pub fn matches_whole(&self, haystack: &str) -> bool {
        super::compile(&format!("\\A(?:{})\\z", self.regex.as_str()))
            .is_ok_and(|whole| whole.is_match(haystack))
    }

    /// Whether the pattern is anchored at both ends (`^…$`), which `find` needs to act like a
    /// whole-value match.
    pub fn is_anchored(&self) -> bool {
        let s = self.source.as_str();
        (s.starts_with('^') || s.starts_with("\\A"))
            && (s.ends_with('$') && !s.ends_with("\\$") || s.ends_with("\\z") || s.ends_with("\\Z"))
    }
}

fn compact(e: &regex_lite::Error) -> String {
    e.to_string()
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn translate(pattern: &str) -> Result<String, PatternError> {
    super::check_length(pattern)?;
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = super::Depth::new(pattern);
    let unsupported = |construct: &str| PatternError::unsupported(pattern, construct.to_owned());
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let next = *chars.get(i + 1).ok_or_else(|| {
                    PatternError::invalid(pattern, "unexpected internal error: trailing backslash")
                })?;
                i += 2;
                match next {
                    '1'..='9' => return Err(unsupported(&format!("a backreference [\\{next}]"))),
                    'k' => return Err(unsupported("a named backreference [\\k<…>]")),
                    'G' => return Err(unsupported("the end-of-previous-match anchor [\\G]")),
                    'X' => return Err(unsupported("the grapheme cluster class [\\X]")),
                    'N' => return Err(unsupported("a named character [\\N{…}]")),
                    'b' if chars.get(i) == Some(&'{') => {
                        return Err(unsupported("a grapheme boundary [\\b{g}]"));
                    }
                    'Q' => {
                        let end = find_seq(&chars, i, &['\\', 'E']).unwrap_or(chars.len());
                        for &q in &chars[i..end] {
                            push_literal(&mut out, q);
                        }
                        i = (end + 2).min(chars.len());
                    }
                    'E' => {}
                    'p' | 'P' => {
                        let (name, consumed) = property_name(&chars, i).ok_or_else(|| {
                            PatternError::invalid(pattern, "malformed \\p{…} class")
                        })?;
                        i += consumed;
                        out.push_str(&property(pattern, next == 'P', &name, class_depth > 0)?);
                    }
                    'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'h' | 'H' | 'v' | 'V' => {
                        out.push_str(&shorthand(pattern, next, class_depth > 0)?);
                    }
                    'R' if class_depth == 0 => {
                        out.push_str("(?:\\r\\n|[\\n\\x0B\\x0C\\r\\x{85}\\x{2028}\\x{2029}])");
                    }
                    'Z' if class_depth == 0 => out.push_str("(?:\\n?\\z)"),
                    'A' | 'z' | 'b' | 'B' if class_depth == 0 => {
                        out.push('\\');
                        out.push(next);
                    }
                    't' => out.push_str("\\t"),
                    'n' => out.push_str("\\n"),
                    'r' => out.push_str("\\r"),
                    'f' => out.push_str("\\x0C"),
                    'a' => out.push_str("\\x07"),
                    'e' => out.push_str("\\x1B"),
                    'c' => {
                        let ctl = chars.get(i).ok_or_else(|| {
                            PatternError::invalid(pattern, "illegal control escape sequence")
                        })?;
                        i += 1;
                        push_code_point(&mut out, pattern, u32::from(*ctl) ^ 64)?;
                    }
                    '0' => {
                        let (value, consumed) = octal(&chars, i).ok_or_else(|| {
                            PatternError::invalid(pattern, "illegal octal escape sequence")
                        })?;
                        i += consumed;
                        push_code_point(&mut out, pattern, value)?;
                    }
                    'u' => {
                        let hex: String = chars.iter().skip(i).take(4).collect();
                        let value = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 4)
                            .ok_or_else(|| {
                                PatternError::invalid(pattern, "illegal Unicode escape sequence")
                            })?;
                        i += 4;
                        push_code_point(&mut out, pattern, value)?;
                    }
                    'x' => {
                        let (value, consumed) = hex_escape(&chars, i).ok_or_else(|| {
                            PatternError::invalid(pattern, "illegal hexadecimal escape sequence")
                        })?;
                        i += consumed;
                        push_code_point(&mut out, pattern, value)?;
                    }
                    other if other.is_ascii_alphanumeric() => {
                        return Err(PatternError::invalid(
                            pattern,
                            format!("illegal/unsupported escape sequence [\\{other}]"),
                        ));
                    }
                    other => push_literal(&mut out, other),
                }
                continue;
            }
            '[' if class_depth > 0 => {
                return Err(unsupported("a nested character class [[…]]"));
            }
            '[' => {
                depth.open()?;
                class_depth += 1;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                depth.close();
                class_depth -= 1;
                out.push(']');
            }
            '&' if class_depth > 0 && chars.get(i + 1) == Some(&'&') => {
                return Err(unsupported("a character class intersection [&&]"));
            }
            // `--`, `~~` and `&&` are set operators in `regex` classes but literals in Java.
            '~' | '&' if class_depth > 0 => out.push_str(&format!("\\x{{{:X}}}", u32::from(c))),
            '-' if class_depth > 0 && chars.get(i + 1) == Some(&'-') => out.push_str("\\x{2D}"),
            ')' if class_depth == 0 => {
                depth.close();
                out.push(')');
            }
            '(' if class_depth == 0 => {
                depth.open()?;
                let consumed = group_open(pattern, &chars[i..], &mut out)?;
                i += consumed;
                continue;
            }
            '*' | '+' | '?' | '}' if class_depth == 0 => {
                out.push(c);
                if chars.get(i + 1) == Some(&'+') {
                    return Err(unsupported(&format!("a possessive quantifier [{c}+]")));
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    Ok(out)
}

fn find_seq(chars: &[char], from: usize, seq: &[char]) -> Option<usize> {
    (from..chars.len()).find(|&i| chars[i..].starts_with(seq))
}

fn push_code_point(out: &mut String, pattern: &str, value: u32) -> Result<(), PatternError> {
    let c = char::from_u32(value)
        .ok_or_else(|| PatternError::invalid(pattern, format!("invalid code point U+{value:X}")))?;
    out.push_str(&format!("\\x{{{:X}}}", u32::from(c)));
    Ok(())
}

fn octal(chars: &[char], from: usize) -> Option<(u32, usize)> {
    let digits: Vec<u32> = chars[from..]
        .iter()
        .take(3)
        .map_while(|c| c.to_digit(8))
        .collect();
    let take = match digits.as_slice() {
        [a, _, _] if *a <= 3 => 3,
        [_, _, ..] => 2,
        [_] => 1,
        _ => return None,
    };
    Some((digits[..take].iter().fold(0, |acc, d| acc * 8 + d), take))
}

fn hex_escape(chars: &[char], from: usize) -> Option<(u32, usize)> {
    if chars.get(from) == Some(&'{') {
        let end = (from..chars.len()).find(|&j| chars[j] == '}')?;
        let hex: String = chars[from + 1..end].iter().collect();
        return u32::from_str_radix(&hex, 16)
            .ok()
            .map(|v| (v, end - from + 1));
    }
    let hex: String = chars.iter().skip(from).take(2).collect();
    (hex.len() == 2)
        .then(|| u32::from_str_radix(&hex, 16).ok())
        .flatten()
        .map(|v| (v, 2))
}

fn property_name(chars: &[char], from: usize) -> Option<(String, usize)> {
    if chars.get(from) == Some(&'{') {
        let end = (from..chars.len()).find(|&j| chars[j] == '}')?;
        return Some((chars[from + 1..end].iter().collect(), end - from + 1));
    }
    chars.get(from).map(|c| (c.to_string(), 1))
}

/// Java's predefined classes are ASCII-only by default.
fn shorthand(pattern: &str, c: char, in_class: bool) -> Result<String, PatternError> {
    let (items, negated) = match c {
        'd' | 'D' => ("0-9", c == 'D'),
        's' | 'S' => (" \\t\\n\\x0B\\x0C\\r", c == 'S'),
        'w' | 'W' => ("a-zA-Z_0-9", c == 'W'),
        'h' | 'H' => (
            " \\t\\xA0\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}",
            c == 'H',
        ),
        _ => ("\\n\\x0B\\x0C\\r\\x{85}\\x{2028}\\x{2029}", c == 'V'),
    };
    class_items(pattern, &format!("\\{c}"), items, negated, in_class)
}

/// A predefined class's `items` where it stands: bare inside brackets, bracketed outside. A
/// negated one inside brackets (`[a\D]`) would need a nested class, which the console's regex
/// engine does not have: refused, named by `written`.
fn class_items(
    pattern: &str,
    written: &str,
    items: &str,
    negated: bool,
    in_class: bool,
) -> Result<String, PatternError> {
    match (negated, in_class) {
        (false, true) => Ok(items.to_owned()),
        (false, false) => Ok(format!("[{items}]")),
        (true, false) => Ok(format!("[^{items}]")),
        (true, true) => Err(PatternError::unsupported(
            pattern,
            format!("the negated class [{written}] inside a character class"),
        )),
    }
}

fn property(
    pattern: &str,
    negated: bool,
    name: &str,
    in_class: bool,
) -> Result<String, PatternError> {
    let posix = match name {
        "Lower" => Some("a-z"),
        "Upper" => Some("A-Z"),
        "ASCII" => Some("\\x00-\\x7F"),
        "Alpha" => Some("a-zA-Z"),
        "Digit" => Some("0-9"),
        "Alnum" => Some("a-zA-Z0-9"),
        "Punct" | "Graph" | "Print" | "Blank" | "Cntrl" | "XDigit" | "Space" => Some(match name {
            "Punct" => "!-/:-@\\[-`{-~",
            "Graph" => "!-~",
            "Print" => " -~",
            "Blank" => " \\t",
            "Cntrl" => "\\x00-\\x1F\\x7F",
            "XDigit" => "0-9a-fA-F",
            _ => " \\t\\n\\x0B\\x0C\\r",
        }),
        _ => None,
    };
    if let Some(items) = posix {
        let written = format!("\\{}{{{name}}}", if negated { 'P' } else { 'p' });
        return class_items(pattern, &written, items, negated, in_class);
    }
    let written = format!("[\\{}{{{name}}}]", if negated { 'P' } else { 'p' });
    Err(PatternError::unsupported(
        pattern,
        if name.starts_with("In") {
            format!("the Unicode block class {written}")
        } else if name.starts_with("java") {
            format!("the Java method class {written}")
        } else {
            format!("the Unicode property class {written}")
        },
    ))
}

/// Handles `(` and the `(?…)` forms; returns how many characters were consumed.
fn group_open(pattern: &str, rest: &[char], out: &mut String) -> Result<usize, PatternError> {
    if rest.get(1) != Some(&'?') {
        out.push('(');
        return Ok(1);
    }
    let unsupported = |construct: &str| PatternError::unsupported(pattern, construct.to_owned());
    match (rest.get(2), rest.get(3)) {
        (Some(':'), _) => {
            out.push_str("(?:");
            Ok(3)
        }
        (Some('='), _) => Err(unsupported("a lookahead [(?=…)]")),
        (Some('!'), _) => Err(unsupported("a negative lookahead [(?!…)]")),
        (Some('<'), Some('=')) => Err(unsupported("a lookbehind [(?<=…)]")),
        (Some('<'), Some('!')) => Err(unsupported("a negative lookbehind [(?<!…)]")),
        (Some('>'), _) => Err(unsupported("an atomic group [(?>…)]")),
        (Some('<'), _) => {
            out.push_str("(?<");
            Ok(3)
        }
        _ => {
            let mut j = 2;
            let mut flags = String::new();
            while let Some(&f) = rest.get(j) {
                match f {
                    'i' | 'm' | 's' | 'x' | '-' => flags.push(f),
                    'u' => {
                        return Err(unsupported(
                            "the UNICODE_CASE flag [(?u)] (Unicode case folding)",
                        ));
                    }
                    'U' => return Err(unsupported("the UNICODE_CHARACTER_CLASS flag [(?U)]")),
                    'd' => return Err(unsupported("the UNIX_LINES flag [(?d)]")),
                    ')' | ':' => break,
                    other => {
                        return Err(PatternError::invalid(
                            pattern,
                            format!("unknown inline modifier [{other}]"),
                        ));
                    }
                }
                j += 1;
            }
            let end = *rest
                .get(j)
                .ok_or_else(|| PatternError::invalid(pattern, "unclosed group"))?;
            let flags = flags.trim_end_matches('-');
            if flags.is_empty() {
                out.push_str(if end == ':' { "(?:" } else { "" });
            } else {
                out.push_str(&format!("(?{flags}{end}"));
            }
            Ok(j + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn group1(pattern: &str, value: &str) -> Option<Option<String>> {
        JavaRegex::parse(pattern)
            .unwrap()
            .find_group1(value)
            .map(|g| g.map(str::to_owned))
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn find_semantics_and_group_one() {
        let some = |s: &str| Some(Some(s.to_owned()));
        assert_eq!(
            group1("^([^@]+)@example\\.com$", "jane@example.com"),
            some("jane")
        );
        assert_eq!(
            group1("^([^@]+)@example\\.com$", "jane@example.com.evil"),
            None
        );
        assert_eq!(
            group1("([^@]+)@example\\.com", "x jane@example.com.evil"),
            some("x jane")
        );
        assert_eq!(
            group1("^(.*)@[^.]*[.]example[.]com$", "svc@app1.example.com"),
            some("svc")
        );
        assert_eq!(group1("a|(b)", "a"), Some(None));
        assert_eq!(group1("\\Qa.b\\E(c)", "a.bc"), some("c"));
        assert_eq!(group1("\\Qa.b\\E(c)", "axbc"), None);
        assert_eq!(group1("(?i)^(ADMIN)$", "admin"), some("admin"));
        // Java's CASE_INSENSITIVE folds ASCII only (without UNICODE_CASE), as does this engine.
        assert_eq!(group1("(?i)^(É)$", "é"), None);
        assert_eq!(group1("(?i)^(k)$", "\u{212A}"), None);
        assert_eq!(group1("(?<name>\\w+)-", "abc-"), some("abc"));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn java_classes_are_ascii() {
        assert_eq!(group1("^(\\w+)$", "é"), None);
        assert_eq!(group1("^(\\d+)$", "١٢"), None);
        assert_eq!(group1("^(\\p{Alpha}+)$", "abc"), Some(Some("abc".into())));
        assert_eq!(group1("^([\\w.]+)$", "a.b"), Some(Some("a.b".into())));
        assert_eq!(group1("^(\\u0041)$", "A"), Some(Some("A".into())));
        assert_eq!(group1("^(\\x41\\x{42})$", "AB"), Some(Some("AB".into())));
        assert_eq!(group1("^(a\\<b)$", "a<b"), Some(Some("a<b".into())));
        assert_eq!(group1("^([\\s\\d]+)$", " 1"), Some(Some(" 1".into())));
        assert_eq!(group1("^([^\\w]+)$", "-+"), Some(Some("-+".into())));
        assert_eq!(group1("^(\\P{Alpha}+)$", "12"), Some(Some("12".into())));
        assert_eq!(group1("^([~-]+)$", "~-"), Some(Some("~-".into())));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn unsupported_constructs_are_named() {
        let cases = [
            ("(a)\\1", "backreference [\\1]"),
            ("(?=a)a", "lookahead"),
            ("(?<!a)b", "negative lookbehind"),
            ("(?>a)", "atomic group"),
            ("a*+", "possessive quantifier [*+]"),
            ("\\p{InGreek}", "Unicode block"),
            ("(?U)\\w", "UNICODE_CHARACTER_CLASS"),
            // What the console's regex engine (regex-lite, no Unicode tables) cannot express;
            // Elasticsearch accepts all of these.
            ("\\p{IsLatin}", "Unicode property class [\\p{IsLatin}]"),
            ("\\p{L}+", "Unicode property class [\\p{L}]"),
            ("\\P{Lu}", "Unicode property class [\\P{Lu}]"),
            ("[a-z&&[^c]]", "character class intersection [&&]"),
            ("[a-c[x-z]]", "nested character class"),
            ("[a\\D]", "negated class [\\D] inside a character class"),
            (
                "[\\P{Alpha}_]",
                "negated class [\\P{Alpha}] inside a character class",
            ),
            ("(?iu)é", "UNICODE_CASE flag [(?u)]"),
        ];
        for (pattern, construct) in cases {
            let err = JavaRegex::parse(pattern).unwrap_err();
            assert!(matches!(err, PatternError::Unsupported { .. }), "{pattern}");
            assert!(err.to_string().contains(construct), "{err}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn invalid_patterns_are_invalid() {
        for pattern in ["(abc", "[abc", "a{2,1}", "\\y", "*a"] {
            let err = JavaRegex::parse(pattern).unwrap_err();
            assert!(
                matches!(err, PatternError::Invalid { .. }),
                "{pattern}: {err}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn anchoring_and_group_count() {
        let p = JavaRegex::parse("^([^@]+)@example\\.com$").unwrap();
        assert!(p.is_anchored());
        assert_eq!(p.group_count(), 1);
        assert!(!JavaRegex::parse("([^@]+)@example").unwrap().is_anchored());
        assert_eq!(JavaRegex::parse("abc").unwrap().group_count(), 0);
        assert!(
            JavaRegex::parse("CN=.*\\.example\\.com")
                .unwrap()
                .matches_whole("CN=a.example.com")
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn hostile_nesting_and_length_are_bounded() {
        let deep = format!("{}x{}", "(".repeat(1000), ")".repeat(1000));
        let err = JavaRegex::parse(&deep).unwrap_err().to_string();
        assert!(
            err.contains("pattern nests deeper than 100 levels"),
            "{err}"
        );
        let classes = format!("{}x{}", "[".repeat(1000), "]".repeat(1000));
        assert!(JavaRegex::parse(&classes).is_err());
        let long = format!("^{}$", "a|".repeat(5000));
        let err = JavaRegex::parse(&long).unwrap_err().to_string();
        assert!(err.contains("at most 4096 are allowed"), "{err}");
        let ok = format!("{}x{}", "(?:".repeat(100), ")".repeat(100));
        assert!(JavaRegex::parse(&ok).unwrap().find("x"));
    }
}
