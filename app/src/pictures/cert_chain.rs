//! A certificate chain as a picture: one row per certificate, leaf first, each pointing at the
//! row of its issuer (found by issuer DN = subject DN, as `trust_core::cert::verify_chain`
//! follows it), the given CA that ends it, and a validity bar per certificate on one shared
//! time axis with the evaluation time marked. Validity is Java's: valid while
//! `notBefore ≤ now ≤ notAfter`.

use trust_core::cert::{CertInfo, EXPIRY_WARNING_DAYS};

use super::shorten;

/// Width of the drawing.
pub const WIDTH: i32 = 640;
/// Height of one row.
pub const ROW_HEIGHT: i32 = 52;
/// Where the time axis starts (names are drawn left of it).
pub const AXIS_LEFT: i32 = 260;
/// Where it ends.
pub const AXIS_RIGHT: i32 = WIDTH - 24;
/// Room above the first row (for the "now" label).
pub const TOP: i32 = 24;

/// A certificate's standing at the evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Before notBefore.
    NotYetValid,
    /// Valid, with more than [`EXPIRY_WARNING_DAYS`] left.
    Valid,
    /// Valid, ending within [`EXPIRY_WARNING_DAYS`].
    EndsSoon,
    /// After notAfter.
    Expired,
}

impl Standing {
    /// At `now` for a certificate valid from `not_before` to `not_after`.
    pub fn at(now: i64, not_before: i64, not_after: i64) -> Self {
        if now < not_before {
            Self::NotYetValid
        } else if now > not_after {
            Self::Expired
        } else if not_after - now <= EXPIRY_WARNING_DAYS * 86_400 {
            Self::EndsSoon
        } else {
            Self::Valid
        }
    }

    /// Words for the text alternative and tooltips.
    pub fn words(self) -> &'static str {
        match self {
            Self::NotYetValid => "not valid yet",
            Self::Valid => "valid",
            Self::EndsSoon => "valid, ending within 30 days",
            Self::Expired => "expired",
        }
    }

    /// A stable spelling for tests and styles.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotYetValid => "not_yet_valid",
            Self::Valid => "valid",
            Self::EndsSoon => "ends_soon",
            Self::Expired => "expired",
        }
    }
}

/// One certificate of the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertRow {
    /// Its subject's CN (else the whole DN), cut to fit.
    pub label: String,
    /// The whole subject DN (for the tooltip).
    pub subject: String,
    /// The whole issuer DN.
    pub issuer: String,
    /// Top of its row.
    pub y: i32,
    /// Its validity on the axis, from notBefore to notAfter.
    pub bar: (i32, i32),
    /// Not before / not after, epoch seconds.
    pub validity: (i64, i64),
    /// At the evaluation time.
    pub standing: Standing,
    /// Whether it came from the trusted CAs rather than the pasted chain.
    pub given_ca: bool,
    /// Whether it issued itself.
    pub self_signed: bool,
}

/// What the picture shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertChain {
    /// Leaf first, each followed by its issuer where the chain or the given CAs hold it.
    pub rows: Vec<CertRow>,
    /// Which row issued row `i` (`issued_by[i]`), when the picture holds the issuer.
    pub issued_by: Vec<Option<usize>>,
    /// The last row's issuer when neither the chain nor the given CAs hold it.
    pub missing_issuer: Option<String>,
    /// The evaluation time, epoch seconds, and where it is on the axis.
    pub now: (i64, i32),
    /// Height of the drawing.
    pub height: i32,
}

impl CertChain {
    /// The text alternative.
    pub fn description(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}{} valid {} to {}, {}",
                    r.subject,
                    if r.given_ca { " (given CA)" } else { "" },
                    trust_core::time::utc(r.validity.0),
                    trust_core::time::utc(r.validity.1),
                    r.standing.words()
                )
            })
            .collect();
        let end = match (&self.missing_issuer, self.rows.last()) {
            (Some(issuer), _) => format!(" Its issuer {issuer} is not given."),
            (None, Some(last)) if last.self_signed => " The last one is self-signed.".to_owned(),
            _ => String::new(),
        };
        format!(
            "Certificate chain at {}: {}.{end}",
            trust_core::time::utc(self.now.0),
            rows.join("; issued by ")
        )
    }
}

/// The CN of an RFC 2253 DN (`CN=node-1,O=Example` → `node-1`), or the DN itself.
fn common_name(dn: &str) -> &str {
    dn.split(',')
        .find_map(|rdn| rdn.trim().strip_prefix("CN="))
        .filter(|cn| !cn.is_empty() && !cn.ends_with('\\'))
        .unwrap_or(dn)
}

/// Lays out `chain` (as pasted, leaf first) and the given `cas` that continue it, at `now`.
/// `None` for an empty chain.
pub fn cert_chain(chain: &[CertInfo], cas: &[CertInfo], now: i64) -> Option<CertChain> {
    let mut certs: Vec<(&CertInfo, bool)> = chain.iter().map(|c| (c, false)).collect();
    // Follow issuer names into the given CAs, each used once (bounded by their number).
    while let Some((last, _)) = certs.last() {
        if last.issuer_dn == last.subject_dn {
            break;
        }
        let next = cas.iter().find(|ca| {
            ca.subject_dn == last.issuer_dn && !certs.iter().any(|(c, _)| c.sha256 == ca.sha256)
        });
        match next {
            Some(ca) => certs.push((ca, true)),
            None => break,
        }
    }
    let last = certs.last()?.0;
    let times = certs
        .iter()
        .flat_map(|(c, _)| [c.not_before, c.not_after])
        .chain([now]);
    let (low, high) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let pad = (high - low).max(1) / 20 + 1;
    let (low, high) = (low.saturating_sub(pad), high.saturating_add(pad));
    let x = |t: i64| -> i32 {
        #[allow(
            clippy::cast_precision_loss,
            reason = "positions on a 640-unit drawing"
        )]
        let fraction = (t - low) as f64 / (high - low) as f64;
        #[allow(clippy::cast_possible_truncation, reason = "within the drawing")]
        let offset = (fraction * f64::from(AXIS_RIGHT - AXIS_LEFT)).round() as i32;
        AXIS_LEFT + offset
    };
    let rows: Vec<CertRow> = certs
        .iter()
        .zip(0_i32..)
        .map(|((c, given_ca), i)| CertRow {
            label: shorten(common_name(&c.subject_dn), 30),
            subject: c.subject_dn.clone(),
            issuer: c.issuer_dn.clone(),
            y: TOP + i * ROW_HEIGHT,
            bar: (x(c.not_before), x(c.not_after)),
            validity: (c.not_before, c.not_after),
            standing: Standing::at(now, c.not_before, c.not_after),
            given_ca: *given_ca,
            self_signed: c.issuer_dn == c.subject_dn,
        })
        .collect();
    let issued_by: Vec<Option<usize>> = rows
        .iter()
        .map(|row| {
            (!row.self_signed)
                .then(|| rows.iter().position(|r| r.subject == row.issuer))
                .flatten()
        })
        .collect();
    let missing_issuer = (last.issuer_dn != last.subject_dn
        && issued_by.last().copied().flatten().is_none())
    .then(|| last.issuer_dn.clone());
    let count = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    Some(CertChain {
        height: TOP
            + count.saturating_mul(ROW_HEIGHT)
            + if missing_issuer.is_some() {
                ROW_HEIGHT
            } else {
                8
            },
        rows,
        issued_by,
        missing_issuer,
        now: (now, x(now)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn cert(subject: &str, issuer: &str, from: i64, to: i64) -> CertInfo {
        CertInfo {
            subject_dn: subject.to_owned(),
            issuer_dn: issuer.to_owned(),
            serial: String::new(),
            not_before: from,
            not_after: to,
            key: "EC P-256".to_owned(),
            sans: Vec::new(),
            is_ca: false,
            sha256: subject.to_owned(),
        }
    }

    #[test]
    fn the_chain_continues_into_the_given_ca_that_issued_it() {
        let leaf = cert(
            "CN=node-1,O=Example",
            "CN=Intermediate,O=Example",
            0,
            400 * DAY,
        );
        let intermediate = cert(
            "CN=Intermediate,O=Example",
            "CN=Root,O=Example",
            0,
            800 * DAY,
        );
        let root = cert("CN=Root,O=Example", "CN=Root,O=Example", 0, 1000 * DAY);
        let stranger = cert("CN=Other", "CN=Other", 0, 1000 * DAY);
        let picture = cert_chain(&[leaf, intermediate], &[stranger, root], 100 * DAY).unwrap();
        let labels: Vec<(&str, bool)> = picture
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.given_ca))
            .collect();
        assert_eq!(
            labels,
            [("node-1", false), ("Intermediate", false), ("Root", true)]
        );
        assert_eq!(picture.issued_by, [Some(1), Some(2), None]);
        assert!(picture.rows[2].self_signed);
        assert_eq!(picture.missing_issuer, None);
        // Rows stack down; bars share one axis, so longer validity is a longer bar.
        assert!(picture.rows[0].y < picture.rows[1].y);
        let width = |r: &CertRow| r.bar.1 - r.bar.0;
        assert!(width(&picture.rows[0]) < width(&picture.rows[1]));
        assert!(width(&picture.rows[1]) < width(&picture.rows[2]));
        for row in &picture.rows {
            assert!(AXIS_LEFT <= row.bar.0 && row.bar.1 <= AXIS_RIGHT, "{row:?}");
        }
        assert!(picture.rows[0].bar.0 < picture.now.1 && picture.now.1 < picture.rows[0].bar.1);
        assert!(
            picture
                .description()
                .contains("CN=node-1,O=Example valid 1970-01-01 00:00:00 UTC to 1971-02-05 00:00:00 UTC, valid; issued by CN=Intermediate"),
            "{}",
            picture.description()
        );
        assert!(
            picture
                .description()
                .ends_with("The last one is self-signed.")
        );
    }

    #[test]
    fn an_issuer_nobody_gave_is_named() {
        let leaf = cert("CN=node-1", "CN=Missing CA", 0, 10 * DAY);
        let picture = cert_chain(&[leaf], &[], 20 * DAY).unwrap();
        assert_eq!(picture.missing_issuer.as_deref(), Some("CN=Missing CA"));
        assert_eq!(picture.issued_by, [None]);
        assert!(
            picture
                .description()
                .ends_with("Its issuer CN=Missing CA is not given.")
        );
        assert!(cert_chain(&[], &[], 0).is_none());
    }

    #[test]
    fn standing_follows_java_validity_and_the_thirty_day_window() {
        let (from, to) = (100 * DAY, 200 * DAY);
        assert_eq!(Standing::at(from - 1, from, to), Standing::NotYetValid);
        assert_eq!(Standing::at(from, from, to), Standing::Valid);
        assert_eq!(Standing::at(to - 30 * DAY - 1, from, to), Standing::Valid);
        assert_eq!(Standing::at(to - 30 * DAY, from, to), Standing::EndsSoon);
        assert_eq!(
            Standing::at(to, from, to),
            Standing::EndsSoon,
            "valid at notAfter itself"
        );
        assert_eq!(Standing::at(to + 1, from, to), Standing::Expired);
    }

    #[test]
    fn a_chain_that_loops_through_the_cas_ends() {
        // Two CAs that name each other as issuer: each is used once, then the walk stops,
        // and the last one points back up at the first.
        let leaf = cert("CN=leaf", "CN=A", 0, DAY);
        let a = cert("CN=A", "CN=B", 0, DAY);
        let b = cert("CN=B", "CN=A", 0, DAY);
        let picture = cert_chain(&[leaf], &[a, b], 0).unwrap();
        assert_eq!(picture.rows.len(), 3);
        assert_eq!(picture.issued_by, [Some(1), Some(2), Some(1)]);
        assert_eq!(picture.missing_issuer, None);
    }

    #[test]
    fn names_are_the_common_name_when_there_is_one() {
        assert_eq!(common_name("CN=node-1,O=Example"), "node-1");
        assert_eq!(common_name("O=Example,CN=x"), "x");
        assert_eq!(common_name("O=No CN"), "O=No CN");
    }
}
