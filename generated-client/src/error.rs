//! The one error type every call returns.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call, in variants a caller can match on.
///
/// The `Display` text of each variant is meant to be enough on its own to act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// EnKash answered with a non-zero `response_code`/`code`, even on HTTP 200.
    Api {
        code: i64,
        message: String,
        status: reqwest::StatusCode,
        /// The envelope's payload as sent; on failures this is often a string.
        payload: serde_json::Value,
    },
    /// A non-2xx answer that carried no EnKash envelope (an HTML 502 page, say).
    Http {
        status: reqwest::StatusCode,
        body_snippet: String,
    },
    /// The answer was not what the spec says: `path` names the failing field
    /// (e.g. `payload.cardStatus.name`).
    Decode {
        operation: &'static str,
        status: reqwest::StatusCode,
        path: String,
        message: String,
        body_snippet: String,
    },
    /// An attempt took longer than its timeout.
    Timeout {
        operation: &'static str,
        after: Duration,
    },
    /// The request could not be delivered or its answer not read.
    Transport {
        operation: &'static str,
        source: reqwest::Error,
    },
    /// The request was rejected before anything was sent: `field` names the input.
    InvalidRequest { field: String, reason: String },
    /// The client is not configured for this call (e.g. no `partner_id` for a card API).
    Config { reason: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                code,
                message,
                status,
                ..
            } => {
                write!(
                    f,
                    "EnKash rejected the request (HTTP {status}, code {code}): {message}"
                )
            }
            Error::Http {
                status,
                body_snippet,
            } => {
                write!(
                    f,
                    "HTTP {status} without an EnKash response body: {body_snippet:?}"
                )
            }
            Error::Decode {
                operation,
                status,
                path,
                message,
                body_snippet,
            } => write!(
                f,
                "could not decode the {operation} response (HTTP {status}) at `{path}`: {message}; body starts {body_snippet:?}"
            ),
            Error::Timeout { operation, after } => {
                write!(f, "{operation} timed out after {after:?}")
            }
            Error::Transport { operation, source } => {
                write!(f, "{operation} could not reach the server: {source}")
            }
            Error::InvalidRequest { field, reason } => {
                write!(f, "invalid request, nothing was sent: `{field}` {reason}")
            }
            Error::Config { reason } => write!(f, "client configuration: {reason}"),
        }
    }
}

impl Error {
    /// The HTTP status the server answered with, if it answered at all.
    ///
    /// `None` for timeouts, transport failures and errors raised before sending.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::InvalidRequest { .. }
            | Error::Config { .. } => None,
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}
