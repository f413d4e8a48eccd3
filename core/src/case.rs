//! Unicode case mapping, exactly as the standard library's `str::to_lowercase`,
//! `str::to_uppercase`, `char::to_lowercase` and `char::to_uppercase` map: the full mappings
//! and `Σ`'s final-sigma rule, as Java's `toLowerCase(Locale.ROOT)` / `toUpperCase(Locale.ROOT)`
//! map them for Elasticsearch (up to characters new in one Unicode version or the other).
//!
//! Why not std's: its tables are 27 KB of data, and the browser client's code splitting cannot
//! move data out of the main module that every page — the login page too — downloads. These
//! tables hold the same mappings as runs (`build.rs` writes them from std at build time) in
//! about 7 KB. The tests compare every character, and `Σ` next to every character, with std.
//! Clippy refuses std's case mappings elsewhere (`clippy.toml`).

include!(concat!(env!("OUT_DIR"), "/case_tables.rs"));

/// The characters one character maps to: one to three.
#[derive(Clone, Debug)]
pub struct Mapped {
    chars: [char; 3],
    next: u8,
    len: u8,
}

impl Iterator for Mapped {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let c = self.chars[..usize::from(self.len)].get(usize::from(self.next))?;
        self.next += 1;
        Some(*c)
    }
}

impl Mapped {
    fn one(c: char) -> Self {
        Self {
            chars: [c, '\0', '\0'],
            next: 0,
            len: 1,
        }
    }
}

/// `c`'s mapping in a table pair: the multi-character mappings, then the runs.
fn map(c: char, runs: &[(u32, i32)], multi: &[(u32, [u32; 3])]) -> Mapped {
    let code = u32::from(c);
    if let Ok(found) = multi.binary_search_by_key(&code, |&(from, _)| from) {
        let to = multi[found].1;
        let chars = to.map(|u| char::from_u32(u).unwrap_or('\0'));
        let len = if to[2] == 0 { 2 } else { 3 };
        return Mapped {
            chars,
            next: 0,
            len,
        };
    }
    let first = |packed: u32| packed & 0x1f_ffff;
    let at = runs.partition_point(|&(packed, _)| first(packed) <= code);
    let Some(&(packed, delta)) = at.checked_sub(1).and_then(|i| runs.get(i)) else {
        return Mapped::one(c);
    };
    let step = (packed >> 21 & 1) + 1;
    let len = (packed >> 22) + 1;
    let offset = code - first(packed);
    if offset % step != 0 || offset / step >= len {
        return Mapped::one(c);
    }
    let mapped = code.checked_add_signed(delta).and_then(char::from_u32);
    Mapped::one(mapped.unwrap_or(c))
}

/// `char::to_lowercase`.
pub fn lower(c: char) -> Mapped {
    if c.is_ascii() {
        return Mapped::one(c.to_ascii_lowercase());
    }
    map(c, &LOWER_RUNS, &LOWER_MULTI)
}

/// `char::to_uppercase`.
pub fn upper(c: char) -> Mapped {
    if c.is_ascii() {
        return Mapped::one(c.to_ascii_uppercase());
    }
    map(c, &UPPER_RUNS, &UPPER_MULTI)
}

/// `str::to_lowercase`: every character lower-cased, and `Σ` at the end of a word becomes `ς`.
pub fn to_lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == 'Σ' {
            out.push(if is_word_final(s, i) { 'ς' } else { 'σ' });
        } else {
            out.extend(lower(c));
        }
    }
    out
}

/// `str::to_uppercase`.
pub fn to_uppercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.extend(upper(c));
    }
    out
}

/// Unicode's `Final_Sigma` for the `Σ` at byte `i`, as std decides it: a cased letter before
/// it and none after it, skipping case-ignorable characters both ways.
fn is_word_final(s: &str, i: usize) -> bool {
    let after = &s[i + 'Σ'.len_utf8()..];
    ignorable_then_cased(s[..i].chars().rev()) && !ignorable_then_cased(after.chars())
}

fn ignorable_then_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| !in_ranges(&CASE_IGNORABLE, c))
        .is_some_and(|c| in_ranges(&CASED, c))
}

/// Whether `c` is in ranges packed as `start | (len - 1) << 21` (see `build.rs`).
fn in_ranges(ranges: &[u32], c: char) -> bool {
    let code = u32::from(c);
    let start = |packed: u32| packed & 0x1f_ffff;
    let at = ranges.partition_point(|&packed| start(packed) <= code);
    at.checked_sub(1)
        .is_some_and(|i| code - start(ranges[i]) <= ranges[i] >> 21)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // std's mappings are the reference.
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn every_char() -> impl Iterator<Item = char> {
        (0..=u32::from(char::MAX)).filter_map(char::from_u32)
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn every_character_maps_as_std_maps_it() {
        for c in every_char() {
            assert!(
                lower(c).eq(c.to_lowercase()),
                "lower {c:?} (U+{:04X})",
                c as u32
            );
            assert!(
                upper(c).eq(c.to_uppercase()),
                "upper {c:?} (U+{:04X})",
                c as u32
            );
        }
    }

    #[test]
    fn sigma_next_to_every_character_lowercases_as_std() {
        for c in every_char() {
            for text in [
                format!("A{c}Σ"),
                format!("1{c}Σ"),
                format!("AΣ{c}"),
                format!("Σ{c}"),
                format!("{c}Σ"),
            ] {
                assert_eq!(to_lowercase(&text), text.to_lowercase(), "{text:?}");
            }
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn strings_map_as_std_maps_them() {
        for text in [
            "",
            "ὈΔΥΣΣΕΎΣ",
            "ΣΑΣ ΣΑΣ. Σ",
            "A\u{301}Σ'",
            "straße ŉ ǰ ﬀ İstanbul",
            "ǅungla ᾈ",
            "Ꭰ𐐀𞤀",
            "CN=Ünïcödé,OU=ΑΒΓ",
        ] {
            assert_eq!(to_lowercase(text), text.to_lowercase(), "{text:?}");
            assert_eq!(to_uppercase(text), text.to_uppercase(), "{text:?}");
        }
    }

    #[test]
    fn the_tables_stay_small() {
        let size = size_of_val(&LOWER_RUNS)
            + size_of_val(&UPPER_RUNS)
            + size_of_val(&LOWER_MULTI)
            + size_of_val(&UPPER_MULTI)
            + size_of_val(&CASE_IGNORABLE)
            + size_of_val(&CASED);
        assert!(size < 8 * 1024, "{size} bytes");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::disallowed_methods)] // std's mappings are the reference.
mod properties {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_string_maps_as_std_maps_it(text in "[\\PC\\p{Greek}Σ' \u{301}]{0,12}") {
            prop_assert_eq!(super::to_lowercase(&text), text.to_lowercase());
            prop_assert_eq!(super::to_uppercase(&text), text.to_uppercase());
        }
    }
}
