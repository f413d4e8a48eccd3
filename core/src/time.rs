//! Time as the console shows and reads it: UTC text and rough spans. A leaf module.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// `45 s`, `12 min`, `3 h`, `2 days`: the largest unit that fits, rounded down (hours up to
/// two days, so "36 h" reads better than "1 day").
pub fn span(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min", secs / 60),
        3_600..172_800 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// Epoch seconds as `YYYY-MM-DD hh:mm:ss UTC` (proleptic Gregorian, any year).
pub fn utc(secs: i64) -> String {
    Utc(secs).to_string()
}

/// [`utc`] written straight into a message, without a string of its own.
#[derive(Clone, Copy, Debug)]
pub struct Utc(pub i64);

impl Utc {
    /// The text of a year from 0 to 9999 (every date a token carries in practice), written
    /// without the formatting machinery: a date is in every trace.
    fn ascii(self) -> Option<[u8; 23]> {
        let (year, month, day, rem) = civil(self.0);
        let year = u16::try_from(year).ok().filter(|y| *y <= 9999)?;
        let mut text = *b"0000-00-00 00:00:00 UTC";
        let digits = |out: &mut [u8], mut n: u32| {
            for place in out.iter_mut().rev() {
                // A digit is below 10: the cast keeps it.
                *place = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let part = |n: i64| u32::try_from(n).unwrap_or_default();
        digits(&mut text[0..4], u32::from(year));
        digits(&mut text[5..7], part(month));
        digits(&mut text[8..10], part(day));
        digits(&mut text[11..13], part(rem / 3_600));
        digits(&mut text[14..16], part(rem % 3_600 / 60));
        digits(&mut text[17..19], part(rem % 60));
        Some(text)
    }

    /// Appends the text to `out`.
    pub fn push_to(self, out: &mut String) {
        use std::fmt::Write as _;
        match self.ascii() {
            Some(text) => out.push_str(std::str::from_utf8(&text).unwrap_or_default()),
            // Writing into a String cannot fail.
            None => drop(write!(out, "{self}")),
        }
    }
}

/// Epoch seconds as (year, month, day, seconds into the day): Howard Hinnant's
/// civil-from-days, proleptic Gregorian.
fn civil(secs: i64) -> (i64, i64, i64, i64) {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem)
}

impl std::fmt::Display for Utc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(text) = self.ascii() {
            return f.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?);
        }
        let (year, month, day, rem) = civil(self.0);
        write!(
            f,
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
            rem / 3_600,
            rem % 3_600 / 60,
            rem % 60
        )
    }
}

/// Reads `YYYY-MM-DDThh:mm[:ss]` (an HTML `datetime-local` value, or with a space) as UTC
/// epoch seconds.
///
/// # Errors
/// What is wrong with the text, and the form expected.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let bad = || format!("[{text}] is not a UTC time like 2026-12-03T14:30 or 2026-12-03 14:30:05");
    let (date, time) = text.trim().split_once(['T', ' ']).ok_or_else(bad)?;
    let numbers = |part: &str, sep: char| -> Result<Vec<i64>, String> {
        part.split(sep)
            .map(|n| n.parse::<i64>().map_err(|_| bad()))
            .collect()
    };
    let d = numbers(date, '-')?;
    let t = numbers(time.trim_end_matches('Z'), ':')?;
    let ([year, month, day], [hour, minute, rest @ ..]) = (d.as_slice(), t.as_slice()) else {
        return Err(bad());
    };
    let second = match rest {
        [] => 0,
        [s] => *s,
        _ => return Err(bad()),
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let in_range = (1..=12).contains(month)
        && (1..=month_days[usize::try_from(month - 1).unwrap_or(0)]).contains(day)
        && (0..24).contains(hour)
        && (0..60).contains(minute)
        && (0..60).contains(&second);
    if !in_range {
        return Err(bad());
    }
    // Howard Hinnant's days-from-civil.
    let y = if *month <= 2 { year - 1 } else { *year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(days * DAY + hour * 3_600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text through the formatting machinery, as every date was written before
    /// [`Utc::ascii`].
    fn formatted(secs: i64) -> String {
        let (year, month, day, rem) = civil(secs);
        format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
            rem / 3_600,
            rem % 3_600 / 60,
            rem % 60
        )
    }

    #[test]
    fn the_fast_text_is_the_formatted_one() {
        let year_10000 = 253_402_300_800;
        let mut samples = vec![
            0,
            -1,
            1_700_000_000,
            951_782_400, // 2000-02-29
            year_10000 - 1,
            year_10000,
            -62_167_219_200, // 0000-01-01
            -62_167_219_201,
            i64::from(i32::MAX),
        ];
        samples.extend((0..2_000).map(|i| i * 7_919_993 - 3_000_000_000));
        for secs in samples {
            let mut pushed = String::from(">");
            Utc(secs).push_to(&mut pushed);
            assert_eq!(Utc(secs).to_string(), formatted(secs), "{secs}");
            assert_eq!(pushed[1..], formatted(secs), "{secs}");
        }
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(year_10000), "10000-01-01 00:00:00 UTC");
        assert_eq!(utc(-62_167_219_201), "-001-12-31 23:59:59 UTC");
        assert!(Utc(year_10000).ascii().is_none());
        assert_eq!(parse_utc("2023-11-14 22:13:20"), Ok(1_700_000_000));
    }
}
