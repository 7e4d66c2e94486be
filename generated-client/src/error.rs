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
    /// A non-2xx answer that carried no EnKash error code: no envelope at all (an HTML
    /// 502 page, say), or an envelope whose code claims success.
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
        /// The connection was never established, so nothing reached the server.
        connecting: bool,
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
                    "HTTP {status}, and the body carries no EnKash error code: {body_snippet:?}"
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
            Error::Timeout {
                operation,
                after,
                connecting: true,
            } => write!(
                f,
                "{operation} timed out after {after:?} while connecting; nothing was sent"
            ),
            Error::Timeout {
                operation, after, ..
            } => write!(
                f,
                "{operation} timed out after {after:?}; the server may have acted on it"
            ),
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

impl Error {
    /// Whether the call failed in a way that leaves its effect unknown: the server may
    /// have acted on the request although no answer says so.
    ///
    /// `true` after a timeout or a dropped connection once the request was on its way, a
    /// 5xx with no EnKash error code, or a 2xx answer that could not be decoded. Before
    /// sending such a *write* again, find out whether it happened (by its reference), or
    /// resend it with the same idempotency key (`requestId`, `uniqueReferenceNum`).
    ///
    /// `false` when nothing was sent (a refused connection, a connect timeout, invalid
    /// input, missing configuration) or when EnKash answered definitely: an
    /// [`Error::Api`] failure code, or a 4xx.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout { connecting, .. } => !connecting,
            Error::Transport { source, .. } => !(source.is_connect() || source.is_builder()),
            Error::Http { status, .. } => status.is_server_error(),
            Error::Decode { status, .. } => status.is_success(),
            Error::Api { .. } | Error::InvalidRequest { .. } | Error::Config { .. } => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The variants the wire tests cannot produce on loopback (a connect timeout needs an
    /// address that never answers); the others are asserted there against a real server.
    #[test]
    fn outcome_is_unknown_only_once_the_request_may_have_arrived() {
        let timeout = |connecting| Error::Timeout {
            operation: "op",
            after: Duration::from_secs(1),
            connecting,
        };
        assert!(timeout(false).outcome_unknown());
        assert!(!timeout(true).outcome_unknown());
        assert!(timeout(true).to_string().contains("nothing was sent"));
        let http = |status: u16| Error::Http {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            body_snippet: String::new(),
        };
        assert!(http(503).outcome_unknown());
        assert!(!http(404).outcome_unknown());
        let invalid = Error::InvalidRequest {
            field: "mobile".to_owned(),
            reason: "must match ^\\d{10}$".to_owned(),
        };
        assert!(!invalid.outcome_unknown());
        let config = Error::Config {
            reason: "no partner_id".to_owned(),
        };
        assert!(!config.outcome_unknown());
    }
}
