//! Paging of long lists (the audit log): limits and cursors, parsed from query strings.

use thiserror::Error;

/// Page size used when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size a client may ask for.
pub const MAX_LIMIT: u32 = 200;

/// Why a paging parameter was refused. Each variant names the query parameter at fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PagingError {
    /// `limit` is not a whole number from 1 to [`MAX_LIMIT`].
    #[error("limit must be a whole number from 1 to {max}, got {value:?}")]
    Limit {
        /// The refused text.
        value: String,
        /// The upper bound.
        max: u32,
    },
    /// `before` is not a positive whole number (an entry id).
    #[error("before must be a positive entry id, got {value:?}")]
    Before {
        /// The refused text.
        value: String,
    },
}

impl PagingError {
    /// The query parameter the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Limit { .. } => "limit",
            Self::Before { .. } => "before",
        }
    }
}

/// One page request: at most `limit` entries with ids below `before` (newest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Page size, 1 to [`MAX_LIMIT`].
    pub limit: u32,
    /// Only entries with a smaller id; `None` starts at the newest.
    pub before: Option<i64>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            before: None,
        }
    }
}

impl PageRequest {
    /// Parses the optional `limit` and `before` query parameters. Empty text counts as absent.
    ///
    /// # Errors
    /// [`PagingError`] naming the parameter that is not acceptable.
    pub fn parse(limit: Option<&str>, before: Option<&str>) -> Result<Self, PagingError> {
        let limit = match limit.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| PagingError::Limit {
                    value: text.to_owned(),
                    max: MAX_LIMIT,
                })?,
        };
        let before = match before.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(text.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                PagingError::Before {
                    value: text.to_owned(),
                }
            })?),
        };
        Ok(Self { limit, before })
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test(unsupported = test)]
    fn defaults_when_absent_or_blank() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest::default()));
        assert_eq!(
            PageRequest::parse(Some(""), Some(" ")),
            Ok(PageRequest::default())
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn accepts_bounds() {
        assert_eq!(
            PageRequest::parse(Some("1"), Some("7")),
            Ok(PageRequest {
                limit: 1,
                before: Some(7)
            })
        );
        assert_eq!(
            PageRequest::parse(Some("200"), None).map(|p| p.limit),
            Ok(200)
        );
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn refuses_out_of_range_and_garbage() {
        for bad in ["0", "201", "-1", "ten", "1.5"] {
            let err = PageRequest::parse(Some(bad), None).unwrap_err();
            assert_eq!(err.field(), "limit", "{bad}");
        }
        for bad in ["0", "-3", "x"] {
            let err = PageRequest::parse(None, Some(bad)).unwrap_err();
            assert_eq!(
                err,
                PagingError::Before {
                    value: bad.to_owned()
                }
            );
            assert_eq!(err.field(), "before");
        }
    }
}
