//! A token's times as a picture: `iat`, `nbf` and `exp` on one axis with now, the window in
//! which Elasticsearch accepts the token (widened by `allowed_clock_skew` at both ends), and
//! where now falls. The rule is `JwtDateClaimValidator`'s, as `trust_core` checks it:
//! `iat < now + skew` and `nbf < now + skew` (so now must be strictly after `iat - skew`), and
//! `exp > now - skew` (now strictly before `exp + skew`); `nbf` is not checked for access
//! tokens.

use serde_json::{Map, Value};
use trust_core::jwt::token::epoch_seconds;

/// Width of the drawing.
pub const WIDTH: i32 = 640;
/// Left and right margin of the axis.
pub const MARGIN: i32 = 40;

/// Where now falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeVerdict {
    /// At or before `iat`/`nbf` minus the skew: "used before issued" / "not yet valid".
    TooEarly,
    /// Inside the accepted window.
    Within,
    /// At or after `exp` plus the skew.
    Expired,
    /// No numeric `exp`: Elasticsearch refuses the token whatever the time.
    NoExp,
}

impl TimeVerdict {
    /// Words for the caption and the text alternative.
    pub fn words(self) -> &'static str {
        match self {
            Self::TooEarly => "too early: before the token's iat/nbf, even allowing the clock skew",
            Self::Within => "inside the window Elasticsearch accepts",
            Self::Expired => "expired: past exp plus the allowed clock skew",
            Self::NoExp => "no exp claim: Elasticsearch requires one",
        }
    }
}

/// One time on the axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// `iat`, `nbf`, `exp` or `now`.
    pub label: &'static str,
    /// Epoch seconds.
    pub at: i64,
    /// Position on the axis.
    pub x: i32,
}

/// What the picture shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// The token's times, in time order.
    pub marks: Vec<Mark>,
    /// Now.
    pub now: Mark,
    /// The accepted window `[start, end)` on the axis (`None` without `exp`).
    pub window: Option<(i32, i32)>,
    /// The skew, seconds.
    pub skew: i64,
    /// Where now falls.
    pub verdict: TimeVerdict,
}

impl Timeline {
    /// The text alternative.
    pub fn description(&self) -> String {
        let marks: Vec<String> = self
            .marks
            .iter()
            .map(|m| format!("{} {}", m.label, trust_core::time::utc(m.at)))
            .collect();
        format!(
            "Token times: {}; now {}; allowed clock skew {} s. Now is {}.",
            marks.join(", "),
            trust_core::time::utc(self.now.at),
            self.skew,
            self.verdict.words()
        )
    }
}

/// Lays out the times of `claims` against `now` (epoch seconds) for a realm with `skew`
/// seconds of allowed clock skew; `None` when the token carries no time at all.
pub fn token_timeline(
    claims: &Map<String, Value>,
    now: i64,
    skew: i64,
    access_token: bool,
) -> Option<Timeline> {
    let time = |name: &str| claims.get(name).and_then(epoch_seconds);
    let (iat, nbf, exp) = (
        time("iat"),
        time("nbf").filter(|_| !access_token),
        time("exp"),
    );
    let found: Vec<(&'static str, i64)> = [("iat", iat), ("nbf", nbf), ("exp", exp)]
        .into_iter()
        .filter_map(|(label, at)| Some((label, at?)))
        .collect();
    if found.is_empty() {
        return None;
    }
    let start = iat
        .into_iter()
        .chain(nbf)
        .max()
        .map(|t| t.saturating_sub(skew));
    let end = exp.map(|t| t.saturating_add(skew));
    let verdict = match (start, end) {
        (_, None) => TimeVerdict::NoExp,
        (Some(s), Some(_)) if now <= s => TimeVerdict::TooEarly,
        (_, Some(e)) if now >= e => TimeVerdict::Expired,
        _ => TimeVerdict::Within,
    };
    // The axis covers every time, now and the skewed window edges, with a little room.
    let points: Vec<i64> = found
        .iter()
        .map(|(_, t)| *t)
        .chain([now])
        .chain(start)
        .chain(end)
        .collect();
    let (low, high) = (
        points.iter().copied().min().unwrap_or(now),
        points.iter().copied().max().unwrap_or(now),
    );
    let span = (high - low).max(1);
    let pad = span / 20 + 1;
    let (low, high) = (low - pad, high + pad);
    let x = |t: i64| -> i32 {
        let usable = f64::from(WIDTH - 2 * MARGIN);
        #[allow(
            clippy::cast_precision_loss,
            reason = "positions on a 640-unit drawing"
        )]
        let fraction = (t - low) as f64 / (high - low) as f64;
        #[allow(clippy::cast_possible_truncation, reason = "within the drawing")]
        let offset = (fraction * usable).round() as i32;
        MARGIN + offset
    };
    let mut marks: Vec<Mark> = found
        .into_iter()
        .map(|(label, at)| Mark {
            label,
            at,
            x: x(at),
        })
        .collect();
    marks.sort_by_key(|m| m.at);
    Some(Timeline {
        window: end.map(|e| (x(start.unwrap_or(low)), x(e))),
        now: Mark {
            label: "now",
            at: now,
            x: x(now),
        },
        marks,
        skew,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn now_inside_outside_and_at_the_skewed_edges() {
        let c = claims(json!({"iat": 1000, "nbf": 1100, "exp": 2000}));
        let at = |now| token_timeline(&c, now, 60, false).unwrap().verdict;
        assert_eq!(at(1500), TimeVerdict::Within);
        // nbf 1100 with 60 s of skew: nbf < now + 60, so accepted from 1041.
        assert_eq!(at(1040), TimeVerdict::TooEarly);
        assert_eq!(at(1041), TimeVerdict::Within);
        // exp 2000 with 60 s of skew: accepted until 2059, refused at 2060.
        assert_eq!(at(2059), TimeVerdict::Within);
        assert_eq!(at(2060), TimeVerdict::Expired);
        // Access tokens: nbf is not checked, so iat - skew opens the window.
        let access = token_timeline(&c, 950, 60, true).unwrap();
        assert_eq!(access.verdict, TimeVerdict::Within);
        assert!(access.marks.iter().all(|m| m.label != "nbf"));
    }

    #[test]
    fn marks_are_in_time_order_inside_the_margins() {
        let c = claims(json!({"exp": 2000, "iat": 1000}));
        let t = token_timeline(&c, 3000, 0, false).unwrap();
        let labels: Vec<&str> = t.marks.iter().map(|m| m.label).collect();
        assert_eq!(labels, ["iat", "exp"]);
        assert!(t.marks[0].x < t.marks[1].x && t.marks[1].x < t.now.x);
        for x in [t.marks[0].x, t.now.x] {
            assert!((MARGIN..=WIDTH - MARGIN).contains(&x), "{x}");
        }
        let (start, end) = t.window.unwrap();
        assert_eq!((start, end), (t.marks[0].x, t.marks[1].x));
        assert_eq!(t.verdict, TimeVerdict::Expired);
        assert!(
            t.description()
                .ends_with("Now is expired: past exp plus the allowed clock skew.")
        );
    }

    /// The picture's verdict agrees with `trust_core`'s iat and exp checks at every edge
    /// (the Elastic docs HS256 token: iat 946684800, exp 4070908800; skew 60 s).
    #[test]
    fn the_verdict_agrees_with_the_realm_s_date_checks() {
        use trust_core::{
            config::Settings,
            diagnostic::Target,
            jwt::{
                authenticate::{Outcome, Request, authenticate},
                realm::load,
            },
        };
        const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJpc3M4IiwiYXVkIjoiYXVkOCIsInN1YiI6InNlY3VyaXR5X3Rlc3RfdXNlciIsImV4cCI6NDA3MDkwODgwMCwiaWF0Ijo5NDY2ODQ4MDB9.UnnFmsoFKfNmKMsVoDQmKI_3-j95PCaKdgqqau3jPMY";
        let p = "xpack.security.authc.realms.jwt.jwt8";
        let yml = format!(
            "{p}.order: 8\n{p}.allowed_issuer: iss8\n{p}.allowed_audiences: [aud8]\n{p}.allowed_signature_algorithms: [HS256]\n{p}.claims.principal: sub\n{p}.client_authentication.type: none\n"
        );
        let secure = format!("{p}.hmac_key: hmac-oidc-key-string-for-hs256-algorithm\n");
        let chain = load(
            &Settings::from_yaml(&yml).unwrap(),
            &Settings::from_yaml(&secure).unwrap(),
            &|_| None,
            Target::default(),
        )
        .chain;
        let authorization = format!("Bearer {TOKEN}");
        let claims = claims(json!({"iat": 946_684_800_i64, "exp": 4_070_908_800_i64}));
        let (iat, exp) = (946_684_800_i64, 4_070_908_800_i64);
        for now in [
            iat - 61,
            iat - 60,
            iat - 59,
            iat,
            exp,
            exp + 59,
            exp + 60,
            exp + 61,
        ] {
            let result = authenticate(
                &chain,
                Request {
                    authorization: Some(&authorization),
                    now_millis: now * 1000,
                    ..Request::default()
                },
            );
            let dates: Vec<Outcome> = result
                .trace
                .iter()
                .filter(|e| {
                    e.step == trust_core::jwt::authenticate::Step::Iat
                        || e.step == trust_core::jwt::authenticate::Step::Exp
                })
                .map(|e| e.outcome)
                .collect();
            assert!(!dates.is_empty(), "now {now}: the checks reach the dates");
            let dates_pass = dates.len() == 2 && dates.iter().all(|o| *o == Outcome::Pass);
            let verdict = token_timeline(&claims, now, 60, false).unwrap().verdict;
            assert_eq!(
                verdict == TimeVerdict::Within,
                dates_pass,
                "now {now}: picture says {verdict:?}, the realm's checks {dates_pass}"
            );
        }
    }

    #[test]
    fn without_exp_there_is_no_window_and_without_times_no_picture() {
        let t = token_timeline(&claims(json!({"iat": 1000})), 1500, 60, false).unwrap();
        assert_eq!((t.verdict, t.window), (TimeVerdict::NoExp, None));
        assert_eq!(
            token_timeline(&claims(json!({"sub": "x"})), 1500, 60, false),
            None
        );
    }
}
