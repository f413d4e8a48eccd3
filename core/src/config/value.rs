//! Typed readers for setting values, with Elasticsearch's parse errors word for word
//! (`TimeValue.parseTimeValue`, `Booleans.parseBoolean`, `Setting.parseInt`).

/// A duration as Elasticsearch's `TimeValue`: whole milliseconds, or `-1` for "disabled".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeValue {
    millis: i64,
}

impl TimeValue {
    /// A duration of whole seconds.
    pub const fn from_secs(secs: i64) -> Self {
        Self {
            millis: secs.saturating_mul(1000),
        }
    }

    /// A duration of whole milliseconds.
    pub const fn from_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// Milliseconds (`-1` means "disabled").
    pub const fn millis(self) -> i64 {
        self.millis
    }

    /// Whole seconds, truncated (what the JWT date validators use).
    pub const fn secs(self) -> i64 {
        self.millis / 1000
    }
}

impl std::fmt::Display for TimeValue {
    /// Elasticsearch's short form: the largest unit that divides the value exactly.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.millis;
        let units = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1000, "s"),
        ];
        if ms > 0 {
            for (size, unit) in units {
                if ms % size == 0 {
                    return write!(f, "{}{unit}", ms / size);
                }
            }
        }
        if ms == -1 {
            write!(f, "-1")
        } else {
            write!(f, "{ms}ms")
        }
    }
}

/// A setting value Elasticsearch would refuse; the message is Elasticsearch's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SettingError {
    /// The full setting key.
    pub key: String,
    /// Elasticsearch's message.
    pub message: String,
}

impl SettingError {
    /// An error for `key` with Elasticsearch's `message`.
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

/// Parses an Elasticsearch time value (`TimeValue.parseTimeValue`).
///
/// The input is lower-cased and trimmed before the unit is found, except for minutes: `m` is
/// matched case-sensitively on the untrimmed input because `M` means months. Units: `nanos`,
/// `micros`, `ms`, `s`, `m`, `h`, `d`; bare `-1` and `0` are accepted; fractions and negatives
/// other than `-1` are refused. Sub-millisecond values are truncated to milliseconds.
///
/// # Errors
/// Elasticsearch's message for the key, e.g. `failed to parse setting [k] with value [10] as a
/// time value: unit is missing or unrecognized`.
pub fn parse_time(key: &str, input: &str) -> Result<TimeValue, SettingError> {
    let normalized = crate::case::to_lowercase(input);
    let normalized = normalized.trim();
    let units: [(&str, i64, i64); 7] = [
        ("nanos", 1, 1_000_000),
        ("micros", 1, 1000),
        ("ms", 1, 1),
        ("s", 1000, 1),
        ("m", 60_000, 1),
        ("h", 3_600_000, 1),
        ("d", 86_400_000, 1),
    ];
    for (suffix, multiplier, divisor) in units {
        let matches = if suffix == "m" {
            input.ends_with('m')
        } else {
            normalized.ends_with(suffix)
        };
        if matches {
            let number = normalized[..normalized.len() - suffix.len()].trim();
            let value = parse_time_number(key, input, number)?;
            return Ok(TimeValue::from_millis(
                value.saturating_mul(multiplier) / divisor,
            ));
        }
    }
    match normalized {
        "-1" => Ok(TimeValue::from_millis(-1)),
        "0" => Ok(TimeValue::from_millis(0)),
        _ => Err(SettingError::new(
            key,
            format!(
                "failed to parse setting [{key}] with value [{input}] as a time value: unit is missing or unrecognized"
            ),
        )),
    }
}

fn parse_time_number(key: &str, input: &str, number: &str) -> Result<i64, SettingError> {
    match parse_java_long(number) {
        Some(value) if value < -1 => Err(SettingError::new(
            key,
            format!(
                "failed to parse setting [{key}] with value [{input}] as a time value: negative durations are not supported"
            ),
        )),
        Some(value) => Ok(value),
        None if is_float_text(number) => Err(SettingError::new(
            key,
            format!("failed to parse [{input}], fractional time values are not supported"),
        )),
        None => Err(SettingError::new(key, format!("failed to parse [{input}]"))),
    }
}

/// Whether `s` reads as a float, exactly as `s.parse::<f64>().is_ok()` decides (a unit test
/// holds them equal): an optional sign, then `inf`, `infinity` or `nan` in any case, or digits
/// with at most one `.` (a digit on at least one side) and an optional exponent. Written out so
/// the browser client carries no float parser: its 10 KB table of powers of five sat in the
/// data every page downloads, for this one question.
fn is_float_text(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|word| s.eq_ignore_ascii_case(word))
    {
        return true;
    }
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// `Long.parseLong`: optional sign, ASCII digits only, no surrounding space.
fn parse_java_long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a boolean setting strictly (`Booleans.parseBoolean`): only `true` or `false`.
///
/// # Errors
/// `Failed to parse value [x] as only [true] or [false] are allowed.`
pub fn parse_bool(key: &str, input: &str) -> Result<bool, SettingError> {
    match input {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SettingError::new(
            key,
            format!("Failed to parse value [{input}] as only [true] or [false] are allowed."),
        )),
    }
}

/// Parses an integer setting with a lower bound (`Setting.intSetting(key, default, min)`).
///
/// # Errors
/// `Failed to parse value [x] for setting [key]` for non-numbers, and
/// `Failed to parse value [x] for setting [key] must be >= min` below the bound.
pub fn parse_int(key: &str, input: &str, min: i64) -> Result<i64, SettingError> {
    let value = parse_java_long(input)
        .filter(|v| i32::try_from(*v).is_ok())
        .ok_or_else(|| {
            SettingError::new(
                key,
                format!("Failed to parse value [{input}] for setting [{key}]"),
            )
        })?;
    if value < min {
        return Err(SettingError::new(
            key,
            format!("Failed to parse value [{input}] for setting [{key}] must be >= {min}"),
        ));
    }
    Ok(value)
}

/// Splits a list given as one string: `[a, b]` strings are arrays; otherwise split on commas.
/// Entries are trimmed and empty entries dropped (`Strings.tokenizeToStringArray` behaviour).
pub fn split_list(input: &str) -> Vec<String> {
    let trimmed = input.trim();
    let inner = trimmed
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .map(|inner| (inner, true));
    let (body, bracketed) = inner.unwrap_or((input, false));
    body.split(',')
        .map(str::trim)
        .map(|item| if bracketed { unquote(item) } else { item })
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn unquote(item: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = item.strip_prefix(quote).and_then(|s| s.strip_suffix(quote)) {
            return inner;
        }
    }
    item
}

/// Parses a closed set of values case-insensitively, failing as Elasticsearch's enum settings
/// do: `Invalid value [x] for [key], allowed values are [a,b]`.
///
/// # Errors
/// When `input` is none of `allowed` (compared ignoring ASCII case).
pub fn parse_choice<'a>(
    key: &str,
    input: &str,
    allowed: &[&'a str],
) -> Result<&'a str, SettingError> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(input))
        .copied()
        .ok_or_else(|| {
            SettingError::new(
                key,
                format!(
                    "Invalid value [{input}] for [{key}], allowed values are [{}]",
                    allowed.join(",")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const KEY: &str = "xpack.security.authc.realms.jwt.j.allowed_clock_skew";

    #[wasm_bindgen_test(unsupported = test)]
    fn float_text_is_what_the_float_parser_accepts() {
        // Every string of up to four characters over the characters a float can hold (and a
        // few it cannot), then longer ones.
        const ALPHABET: &[u8] = b"09.eE+-inaftyIN x";
        let mut texts: Vec<String> = vec![String::new()];
        let mut last = texts.clone();
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|t| {
                    ALPHABET
                        .iter()
                        .map(move |&c| format!("{t}{}", char::from(c)))
                })
                .collect();
            texts.extend(last.iter().cloned());
        }
        texts.extend(
            [
                "infinity",
                "-Infinity",
                "+INF",
                "NaN",
                "nan1",
                "infinit",
                "1e400",
                "1.5e-3",
                "12.",
                ".12",
                "1.2.3",
                "1e+",
                "1e+5",
                "1e5e5",
                "--1",
                "1_000",
                "0x1p3",
                "1.5d",
                " 1.5",
                "1.5 ",
                "١",
                "1.5s",
            ]
            .map(str::to_owned),
        );
        for text in &texts {
            assert_eq!(is_float_text(text), text.parse::<f64>().is_ok(), "[{text}]");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn time_values_accept_what_elasticsearch_accepts() {
        let cases: &[(&str, i64)] = &[
            ("60s", 60_000),
            ("1m", 60_000),
            ("2h", 7_200_000),
            ("1d", 86_400_000),
            ("500ms", 500),
            ("1500000micros", 1500),
            ("5000000nanos", 5),
            ("10S", 10_000),
            (" 10s ", 10_000),
            ("1 m", 60_000),
            ("-1", -1),
            ("0", 0),
            ("-1s", -1000),
            ("0s", 0),
        ];
        for (input, millis) in cases {
            assert_eq!(parse_time(KEY, input).unwrap().millis(), *millis, "{input}");
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn time_values_refuse_with_elasticsearch_messages() {
        let unit = |v: &str| {
            format!(
                "failed to parse setting [{KEY}] with value [{v}] as a time value: unit is missing or unrecognized"
            )
        };
        let cases: Vec<(&str, String)> = vec![
            ("10", unit("10")),
            ("1w", unit("1w")),
            ("1M", unit("1M")),
            ("1y", unit("1y")),
            ("", unit("")),
            (
                "1.5s",
                "failed to parse [1.5s], fractional time values are not supported".into(),
            ),
            ("abcs", "failed to parse [abcs]".into()),
            (
                "-2s",
                format!(
                    "failed to parse setting [{KEY}] with value [-2s] as a time value: negative durations are not supported"
                ),
            ),
        ];
        for (input, message) in cases {
            assert_eq!(
                parse_time(KEY, input).unwrap_err().message,
                message,
                "{input}"
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn time_values_display_in_short_form() {
        assert_eq!(TimeValue::from_secs(60).to_string(), "1m");
        assert_eq!(TimeValue::from_millis(1500).to_string(), "1500ms");
        assert_eq!(TimeValue::from_millis(-1).to_string(), "-1");
        assert_eq!(TimeValue::from_secs(5 * 86_400).to_string(), "5d");
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn booleans_are_strict() {
        assert!(parse_bool("k", "true").unwrap());
        assert!(!parse_bool("k", "false").unwrap());
        for bad in ["True", "yes", "1", ""] {
            assert_eq!(
                parse_bool("k", bad).unwrap_err().message,
                format!("Failed to parse value [{bad}] as only [true] or [false] are allowed.")
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn integers_have_bounds_and_messages() {
        assert_eq!(parse_int("k", "100000", 0).unwrap(), 100_000);
        assert_eq!(
            parse_int("k", "-1", 0).unwrap_err().message,
            "Failed to parse value [-1] for setting [k] must be >= 0"
        );
        for bad in ["1.5", "x", "", "99999999999"] {
            assert_eq!(
                parse_int("k", bad, 0).unwrap_err().message,
                format!("Failed to parse value [{bad}] for setting [k]")
            );
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn choices_are_case_insensitive() {
        let allowed = ["none", "shared_secret"];
        assert_eq!(
            parse_choice("k", "Shared_Secret", &allowed).unwrap(),
            "shared_secret"
        );
        assert_eq!(
            parse_choice("k", "basic", &allowed).unwrap_err().message,
            "Invalid value [basic] for [k], allowed values are [none,shared_secret]"
        );
    }
}
