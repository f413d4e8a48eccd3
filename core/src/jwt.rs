//! The JWT realm as Elasticsearch implements it: settings, startup validation, keys, token
//! validation in Elasticsearch's order, and claims → user. Pure; time is a parameter.

pub mod algorithm;
pub mod authenticate;
pub mod catalog;
pub mod check;
pub mod key_table;
pub mod keys;
pub mod lint;
pub mod pem;
pub mod realm;
pub mod token;

/// Appends `n` in decimal, as `Display` writes it, without the formatting machinery: the
/// trace writes numbers into lines that every token gets.
pub(crate) fn push_int(out: &mut String, n: impl TryInto<i64>) {
    let n: i64 = n.try_into().unwrap_or(i64::MAX);
    let mut digits = [0_u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        // A digit is below 10: the cast keeps it.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::push_int;

    #[wasm_bindgen_test(unsupported = test)]
    fn numbers_read_as_display_writes_them() {
        for n in [0, 1, -1, 9, 10, -10, 4_070_908_800, i64::MAX, i64::MIN] {
            let mut out = String::from("n=");
            push_int(&mut out, n);
            assert_eq!(out, format!("n={n}"));
        }
        let mut out = String::new();
        push_int(&mut out, u64::MAX);
        assert_eq!(out, i64::MAX.to_string(), "past i64 it saturates");
    }
}
