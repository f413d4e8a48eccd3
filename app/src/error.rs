//! The one error type that crosses the wire, for server functions and the JSON API alike.
//!
//! Its serialized form is the API's error body, `{"error": {"code", "message", "field"?}}`, so
//! a 401 or 403 written by the server's middleware decodes on the client exactly like an error
//! returned by a server function. Internal failures carry no detail: the cause is logged on the
//! server and the browser gets a generic message.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use server_fn::{
    ServerFnError,
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use thiserror::Error;

/// What went wrong with a request, in a form safe to show to the user.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The input is not acceptable (400). `field` names the offending input.
    #[error("{field}: {message}")]
    Invalid {
        /// The input field (form field, JSON key or query parameter) at fault.
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// No logged-in session (401).
    #[error("not logged in")]
    Unauthenticated,
    /// Login refused: unknown user or wrong password (401). Deliberately does not say which.
    #[error("invalid user name or password")]
    BadCredentials,
    /// The request lacks the session's CSRF token, or comes from another site (403).
    #[error("{message}")]
    Forbidden {
        /// Why the request was refused.
        message: String,
    },
    /// The request names a host this console does not answer to (421).
    #[error("{message}")]
    Misdirected {
        /// Which names are answered, or how to configure them.
        message: String,
    },
    /// The thing asked for does not exist (404).
    #[error("{message}")]
    NotFound {
        /// What was not found.
        message: String,
    },
    /// The change conflicts with the stored state, e.g. a stale version (409).
    #[error("{message}")]
    Conflict {
        /// What conflicts.
        message: String,
    },
    /// Too many wrong passwords, at login or when re-entering it (429).
    #[error("too many wrong passwords; try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a new attempt is accepted.
        retry_after_secs: u64,
    },
    /// The server is at its limit for this kind of work (password hashing); try again (503).
    #[error("the console is busy; try again in {retry_after_secs} s")]
    Busy {
        /// Seconds after which a new attempt is likely to be served.
        retry_after_secs: u64,
    },
    /// The server could not be reached or answered something unreadable (client side only).
    #[error("could not reach the console server: {message}")]
    Transport {
        /// What the browser reported.
        message: String,
    },
    /// A server-side failure (500). The cause is logged, never sent.
    #[error("internal error; the server log has the details")]
    Internal,
}

impl ApiError {
    /// Shorthand for [`ApiError::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.to_string(),
        }
    }

    /// The machine-readable code of the error body.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid",
            Self::Unauthenticated => "unauthenticated",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden { .. } => "forbidden",
            Self::Misdirected { .. } => "misdirected",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy { .. } => "busy",
            Self::Transport { .. } => "transport",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 400,
            Self::Unauthenticated | Self::BadCredentials => 401,
            Self::Forbidden { .. } => 403,
            Self::Misdirected { .. } => 421,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::RateLimited { .. } => 429,
            Self::Busy { .. } => 503,
            Self::Transport { .. } => 502,
            Self::Internal => 500,
        }
    }

    /// How long the client should wait before trying again (`Retry-After`), if it should.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: match self {
                    Self::Invalid { message, .. } => message.clone(),
                    other => other.to_string(),
                },
                field: self.field().map(str::to_owned),
                retry_after_secs: self.retry_after_secs(),
            },
        }
    }

    fn from_body(body: ErrorBody) -> Self {
        let ErrorDetail {
            code,
            message,
            field,
            retry_after_secs,
        } = body.error;
        match code.as_str() {
            "invalid" => Self::Invalid {
                field: field.unwrap_or_default(),
                message,
            },
            "unauthenticated" => Self::Unauthenticated,
            "bad_credentials" => Self::BadCredentials,
            "forbidden" => Self::Forbidden { message },
            "misdirected" => Self::Misdirected { message },
            "not_found" => Self::NotFound { message },
            "conflict" => Self::Conflict { message },
            "rate_limited" => Self::RateLimited {
                retry_after_secs: retry_after_secs.unwrap_or(0),
            },
            "busy" => Self::Busy {
                retry_after_secs: retry_after_secs.unwrap_or(1),
            },
            "internal" => Self::Internal,
            _ => Self::Transport { message },
        }
    }
}

/// The wire form: `{"error": {"code", "message", "field"?, "retry_after_secs"?}}`.
#[derive(Serialize, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after_secs: Option<u64>,
}

impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ErrorBody::deserialize(deserializer).map(Self::from_body)
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The server could not decode what the client sent: the request is at fault.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                Self::Invalid {
                    field: "request".to_owned(),
                    message,
                }
            }
            ServerFnErrorErr::Request(message)
            | ServerFnErrorErr::Deserialization(message)
            | ServerFnErrorErr::Serialization(message)
            | ServerFnErrorErr::UnsupportedRequestMethod(message) => Self::Transport { message },
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Response(_) => Self::Internal,
        }
    }
}

impl From<ServerFnError> for ApiError {
    fn from(value: ServerFnError) -> Self {
        Self::Transport {
            message: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_round_trips_for_every_variant() {
        for error in [
            ApiError::invalid("limit", "must be a whole number"),
            ApiError::Unauthenticated,
            ApiError::BadCredentials,
            ApiError::Forbidden {
                message: "missing x-csrf-token header".into(),
            },
            ApiError::NotFound {
                message: "no such page".into(),
            },
            ApiError::Misdirected {
                message: "this console does not answer to that host name".into(),
            },
            ApiError::Conflict {
                message: "stale version".into(),
            },
            ApiError::RateLimited {
                retry_after_secs: 42,
            },
            ApiError::Busy {
                retry_after_secs: 1,
            },
            ApiError::Internal,
        ] {
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["error"]["code"], error.code());
            assert_eq!(serde_json::from_value::<ApiError>(json).unwrap(), error);
        }
    }

    #[test]
    fn invalid_names_its_field() {
        let json =
            serde_json::to_value(ApiError::invalid("username", "must not be empty")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {
                "code": "invalid", "message": "must not be empty", "field": "username"
            }})
        );
    }

    #[test]
    fn internal_leaks_nothing() {
        let json = serde_json::to_string(&ApiError::Internal).unwrap();
        assert_eq!(
            json,
            r#"{"error":{"code":"internal","message":"internal error; the server log has the details"}}"#
        );
    }
}
