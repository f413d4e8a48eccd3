//! The console's colour theme, remembered per browser.

use std::str::FromStr;

/// Name of the cookie (and `localStorage` key) that remembers the theme.
pub const THEME_COOKIE: &str = "tc_theme";

/// Light or dark appearance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light backgrounds.
    #[default]
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

impl Theme {
    /// The stored spelling: `light` or `dark`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The other theme.
    #[must_use]
    pub fn toggled(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }

    /// Reads the theme from a `Cookie` header value; absent or unknown means the default.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or_default()
    }
}

impl FromStr for Theme {
    type Err = ();

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input {
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn round_trip_and_toggle() {
        for theme in [Theme::Light, Theme::Dark] {
            assert_eq!(theme.as_str().parse(), Ok(theme));
            assert_eq!(theme.toggled().toggled(), theme);
            assert_ne!(theme.toggled(), theme);
        }
        assert_eq!("Dark".parse::<Theme>(), Err(()));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn reads_cookie_header() {
        assert_eq!(
            Theme::from_cookie_header("a=1; tc_theme=dark; b=2"),
            Theme::Dark
        );
        assert_eq!(Theme::from_cookie_header("tc_theme=light"), Theme::Light);
        assert_eq!(Theme::from_cookie_header("tc_theme=purple"), Theme::Light);
        assert_eq!(Theme::from_cookie_header(""), Theme::Light);
        assert_eq!(Theme::from_cookie_header("xtc_theme=dark"), Theme::Light);
    }
}
