//! The one error type every call returns.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call, in variants a caller can match on.
///
/// The `Display` text of each variant is meant to be enough on its own to act on; that of
/// an error a call raised starts with its operation (`allocateCoins: timed out after 30s; …`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// EnKash answered with a non-zero `response_code`/`code`, even on HTTP 200.
    #[non_exhaustive]
    Api {
        /// The operation called, e.g. `"allocateCoins"`.
        operation: &'static str,
        /// The envelope's non-zero result code.
        code: i64,
        /// The envelope's message (`""` when it had none).
        message: String,
        /// The HTTP status it came with (often 200).
        status: reqwest::StatusCode,
        /// The envelope's payload as sent; on failures this is often a string.
        payload: serde_json::Value,
    },
    /// A non-2xx answer that carried no EnKash error code: no envelope at all (an HTML
    /// 502 page, say), or an envelope whose code claims success.
    #[non_exhaustive]
    Http {
        /// The operation called.
        operation: &'static str,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// The start of the body, secrets masked.
        body_snippet: String,
        /// The body itself (up to 64 KiB), to read an error document the API describes
        /// as a type of its own: see [`Error::http_body`].
        body: ErrorBody,
        /// How long the server asked to wait before sending again, when its answer had a
        /// `Retry-After` header (in seconds, or as a date: the time left until it); for a
        /// token request's failure replayed to a later call, the time left until the next
        /// token request. See [`Error::retry_after`].
        retry_after: Option<Duration>,
    },
    /// The answer was not what the spec says: `path` names the failing field
    /// (e.g. `payload.cardStatus.name`).
    #[non_exhaustive]
    Decode {
        /// The operation called, e.g. `"createCard"`.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: reqwest::StatusCode,
        /// The failing field, e.g. `payload.cardStatus.name` (`.` for the whole body).
        path: String,
        /// What was wrong with it.
        message: String,
        /// The start of the body, secrets masked.
        body_snippet: String,
    },
    /// An attempt took longer than its timeout.
    #[non_exhaustive]
    Timeout {
        /// The operation called.
        operation: &'static str,
        /// The timeout that ran out.
        after: Duration,
        /// The connection was never established, so nothing reached the server.
        connecting: bool,
        /// The status of the answer whose body was still arriving when time ran out;
        /// `None` when no answer had begun. See [`Error::status`].
        answered: Option<reqwest::StatusCode>,
    },
    /// The request could not be delivered or its answer not read. The text says which
    /// (`could not connect to the server; nothing was sent`, `the connection broke off
    /// after the request may have reached the server`, `the answer (HTTP 200 OK) broke
    /// off while arriving`…), then the HTTP client's error and its causes (`…: tcp
    /// connect error: Connection refused (os error 111)`).
    #[non_exhaustive]
    Transport {
        /// The operation called.
        operation: &'static str,
        /// The underlying error (its URL removed: paths and queries can hold ids).
        source: reqwest::Error,
        /// The status of the answer whose body broke off; `None` when no answer had
        /// begun. See [`Error::status`].
        answered: Option<reqwest::StatusCode>,
    },
    /// The request was rejected before anything was sent: `field` names the input.
    #[non_exhaustive]
    InvalidRequest {
        /// The operation called; `None` only for an [`InvalidInput`] your own code
        /// converted (`?` while building a request by hand).
        ///
        /// [`InvalidInput`]: crate::request::InvalidInput
        operation: Option<&'static str>,
        /// The input at fault, e.g. `mobile`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The client is not configured for this call (e.g. no `partner_id` for a card API),
    /// or, from [`ClientBuilder::build`](crate::ClientBuilder::build), for any.
    #[non_exhaustive]
    Config {
        /// The operation called; `None` when building the client.
        operation: Option<&'static str>,
        /// What is missing or wrong.
        reason: String,
    },
    /// Payload encryption is on and the answer was wrapped (`{"request": "…"}`) but could
    /// not be decrypted: usually the wrong key. Carries no plaintext and no key material.
    #[non_exhaustive]
    Decryption {
        /// The operation called.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: reqwest::StatusCode,
        /// Why it could not be decrypted.
        reason: crate::encryption::DecryptionError,
    },
    /// No bearer token could be had for this call, so nothing was sent: the last token
    /// request failed (`reason`) and, so that a failing token endpoint is not hammered,
    /// the next one is not sent for `retry_in`; or the token request in flight did not
    /// finish within the call's time; or two logins in a row were rejected and, since
    /// EnKash locks an account after three, the client sends no more (`retry_in` is
    /// `None`): correct the credentials with
    /// [`Client::replace_credentials`](crate::Client::replace_credentials), or build a new
    /// client. Calls made while the client still holds a usable token are not affected.
    #[non_exhaustive]
    TokenUnavailable {
        /// The operation called.
        operation: &'static str,
        /// Why there is no token, e.g. the last token request's failure.
        reason: String,
        /// How long until the next token request may be sent; `None` when the client
        /// sends none (logins rejected).
        retry_in: Option<Duration>,
    },
    /// A write failed in a way that leaves its effect unknown (a timeout once it was sent,
    /// a dropped connection, a 5xx without an EnKash code, an undecodable 2xx): the server
    /// may have acted on it. It was **not** resent (unless you opted in to resending keyed
    /// writes and the retries ran out). Before sending it again, find out whether it
    /// happened: by `idempotency_key`, with the `lookup` operation when there is one.
    #[non_exhaustive]
    OutcomeUnknown {
        /// The operation called.
        operation: &'static str,
        /// The key the write carried (e.g. `requestId` = `"COIN_REQ1234567"`), if any.
        idempotency_key: Option<crate::request::IdempotencyKey>,
        /// The operation that tells whether the write happened, when the API has one.
        lookup: Option<&'static str>,
        /// The failure itself: a timeout, a transport error, an HTTP 5xx or a decode error.
        cause: Box<Error>,
    },
}

/// Every error raised by a call starts with its operation (`allocateCoins: …`), so a log
/// line says which call failed and all of one operation's failures share a prefix.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.operation() {
            write!(f, "{operation}: ")?;
        }
        self.fmt_detail(f)
    }
}

impl Error {
    /// The text after the operation's name.
    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                code,
                message,
                status,
                ..
            } => write!(
                f,
                "EnKash rejected the request (HTTP {status}, code {code}): {message}"
            ),
            Error::Http {
                status,
                body_snippet,
                retry_after,
                ..
            } => {
                write!(
                    f,
                    "HTTP {status}, and the body carries no EnKash error code: {body_snippet:?}"
                )?;
                match retry_after {
                    Some(wait) => write!(f, "; wait {wait:?} before sending again"),
                    None => Ok(()),
                }
            }
            Error::Decode {
                status,
                path,
                message,
                body_snippet,
                ..
            } => write!(
                f,
                "could not decode the response (HTTP {status}) at `{path}`: {message}; body starts {body_snippet:?}"
            ),
            Error::Timeout {
                after,
                connecting,
                answered,
                ..
            } => write_timeout(f, *after, *connecting, *answered),
            Error::Transport {
                source, answered, ..
            } => write_transport(f, source, *answered),
            Error::InvalidRequest { field, reason, .. } => {
                write!(f, "invalid request, nothing was sent: `{field}` {reason}")
            }
            Error::Config { reason, .. } => write!(f, "client configuration: {reason}"),
            Error::Decryption { status, reason, .. } => {
                write!(
                    f,
                    "could not decrypt the response (HTTP {status}): {reason}"
                )
            }
            Error::TokenUnavailable {
                reason, retry_in, ..
            } => write_token_unavailable(f, reason, *retry_in),
            Error::OutcomeUnknown {
                operation,
                idempotency_key,
                lookup,
                cause,
            } => {
                write!(
                    f,
                    "outcome unknown, the server may have acted and the write was not resent ("
                )?;
                write_cause(f, operation, cause)?;
                write!(f, ")")?;
                write_lookup_advice(f, idempotency_key.as_ref(), *lookup)
            }
        }
    }
}

/// How long, and what had happened by then: nothing sent, an answer arriving (its
/// status), or a request on its way that the server may have acted on.
fn write_timeout(
    f: &mut fmt::Formatter<'_>,
    after: Duration,
    connecting: bool,
    answered: Option<reqwest::StatusCode>,
) -> fmt::Result {
    write!(f, "timed out after {after:?}")?;
    match answered {
        Some(status) => write!(f, " while the answer (HTTP {status}) was arriving"),
        None if connecting => write!(f, " while connecting; nothing was sent"),
        None => write!(f, "; the server may have acted on it"),
    }
}

/// What a failure of the HTTP client means for the call (by the classification the retry
/// verdicts read), then the client's error and its causes down to the one that says what
/// happened (`Connection refused`), which the client's own text alone does not.
fn write_transport(
    f: &mut fmt::Formatter<'_>,
    source: &reqwest::Error,
    answered: Option<reqwest::StatusCode>,
) -> fmt::Result {
    use crate::retry::Failure;
    // The server answered: the request reached it, whatever the failure's class says.
    if let Some(status) = answered {
        write!(f, "the answer (HTTP {status}) broke off while arriving")?;
        return write_causes(f, source);
    }
    let meaning = match Failure::of_transport(source) {
        Failure::Connect => "could not connect to the server; nothing was sent",
        Failure::Unsendable => "could not send the request; nothing was sent",
        Failure::Redirected => {
            "the server answered with a redirect, which this client does not follow"
        }
        Failure::Timeout | Failure::Interrupted | Failure::Status(_) => {
            "the connection broke off after the request may have reached the server"
        }
    };
    write!(f, "{meaning}")?;
    write_causes(f, source)
}

/// The HTTP client's error, then its causes.
fn write_causes(f: &mut fmt::Formatter<'_>, source: &reqwest::Error) -> fmt::Result {
    write!(f, ": {source}")?;
    // Bounded: a cause chain is a handful of links.
    let causes = std::iter::successors(std::error::Error::source(source), |cause| cause.source());
    for cause in causes.take(16) {
        write!(f, ": {cause}")?;
    }
    Ok(())
}

/// Why a call had no bearer token, then when the next token request may go: nothing when
/// none will (the reason says so), or when one may go now or is already in flight.
fn write_token_unavailable(
    f: &mut fmt::Formatter<'_>,
    reason: &str,
    retry_in: Option<Duration>,
) -> fmt::Result {
    write!(f, "no bearer token, nothing was sent: {reason}")?;
    match retry_in {
        Some(retry_in) if !retry_in.is_zero() => {
            write!(f, " (next token request in {retry_in:?})")
        }
        _ => Ok(()),
    }
}

/// The failure an [`Error::OutcomeUnknown`] of `operation` wraps. When it is that
/// operation's own, its name is not said again, nor a timeout's "the server may have
/// acted", which the wrapper says.
fn write_cause(f: &mut fmt::Formatter<'_>, operation: &str, cause: &Error) -> fmt::Result {
    match cause {
        Error::Timeout {
            operation: timed_out,
            after,
            connecting: false,
            answered: None,
        } if *timed_out == operation => write!(f, "timed out after {after:?}"),
        _ if cause.operation() == Some(operation) => cause.fmt_detail(f),
        _ => write!(f, "{cause}"),
    }
}

/// How to find out whether a write whose outcome is unknown happened.
fn write_lookup_advice(
    f: &mut fmt::Formatter<'_>,
    idempotency_key: Option<&crate::request::IdempotencyKey>,
    lookup: Option<&'static str>,
) -> fmt::Result {
    match (idempotency_key, lookup) {
        (Some(key), Some(lookup)) => {
            write!(f, "; look it up by {key} with `{lookup}` before resending")
        }
        (Some(key), None) => write!(
            f,
            "; find out whether {key} was applied before resending, and reuse that key"
        ),
        (None, Some(lookup)) => write!(f, "; check with `{lookup}` before resending"),
        (None, None) => write!(f, "; find out whether it happened before resending"),
    }
}

impl Error {
    /// The operation whose answer (or its absence) the error reports, by its `operationId`
    /// (e.g. `"allocateCoins"`), for logs and per-operation metrics: the one called, or the
    /// token request (EnKash's `createAccessToken`) when no token could be had because that
    /// request failed. `None` for an error raised outside a call: building the client
    /// ([`Error::Config`]), or an [`InvalidInput`](crate::request::InvalidInput) your own
    /// code converted ([`Error::InvalidRequest`]).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Http { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decryption { operation, .. }
            | Error::TokenUnavailable { operation, .. }
            | Error::OutcomeUnknown { operation, .. } => Some(operation),
            Error::InvalidRequest { operation, .. } | Error::Config { operation, .. } => *operation,
        }
    }

    /// The HTTP status the server answered with, if it answered at all: also of a
    /// timeout or a broken connection while the answer's body was arriving.
    ///
    /// `None` for timeouts and transport failures before any answer, and errors raised
    /// before sending.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::Decryption { status, .. } => Some(*status),
            Error::Timeout { answered, .. } | Error::Transport { answered, .. } => *answered,
            Error::OutcomeUnknown { cause, .. } => cause.status(),
            Error::InvalidRequest { .. }
            | Error::TokenUnavailable { .. }
            | Error::Config { .. } => None,
        }
    }
}

impl Error {
    /// The failure itself, the same whether or not a write wrapped it in
    /// [`Error::OutcomeUnknown`]: match on this to handle, say, an HTTP 503 alike for reads
    /// and writes, and ask [`outcome_unknown`](Self::outcome_unknown) whether a write may
    /// have happened.
    ///
    /// ```
    /// # fn handle(error: enkash_rewards_runtime::Error) {
    /// use enkash_rewards_runtime::Error;
    /// match error.cause() {
    ///     Error::Http { status, .. } if status.is_server_error() => { /* EnKash is down */ }
    ///     Error::Api { code, message, .. } => eprintln!("refused ({code}): {message}"),
    ///     _ => {}
    /// }
    /// if error.outcome_unknown() { /* look the write up before sending it again */ }
    /// # }
    /// ```
    pub fn cause(&self) -> &Error {
        match self {
            Error::OutcomeUnknown { cause, .. } => cause.cause(),
            other => other,
        }
    }

    /// The body of an error answer with no EnKash error code ([`Error::Http`], also inside
    /// [`Error::OutcomeUnknown`]), to read an error document the API describes (a code, a
    /// message, a request id) as its own type:
    ///
    /// ```
    /// # fn handle(error: enkash_rewards_runtime::Error) {
    /// #[derive(serde::Deserialize)]
    /// struct ApiError {
    ///     error_code: Option<String>,
    ///     message: String,
    /// }
    /// if let Some(Ok(api_error)) = error.http_body().map(|body| body.decode::<ApiError>()) {
    ///     eprintln!("{}: {}", api_error.error_code.unwrap_or_default(), api_error.message);
    /// }
    /// # }
    /// ```
    pub fn http_body(&self) -> Option<&ErrorBody> {
        match self.cause() {
            Error::Http { body, .. } => Some(body),
            _ => None,
        }
    }

    /// How long the server asked to wait before sending again: the `Retry-After` header of
    /// an [`Error::Http`] answer (also inside [`Error::OutcomeUnknown`]), typically on a 429
    /// or a 503. The client honours it between its own retries; this is for a call it did
    /// not retry: a write (after a 429 nothing was done, so it may be sent again once the
    /// wait is over), a wait longer than [`RetryPolicy::max_retry_after`], or retries run
    /// out. `None` when the answer had no such header or no answer came.
    ///
    /// A call that failed because the token endpoint answered so (the client then waits
    /// before its next token request, and calls without a token fail at once meanwhile)
    /// carries the time left until that next token request, which goes no sooner than
    /// the endpoint asked (5 minutes at most) nor than the client's own backoff.
    ///
    /// [`RetryPolicy::max_retry_after`]: crate::RetryPolicy::max_retry_after
    pub fn retry_after(&self) -> Option<Duration> {
        match self.cause() {
            Error::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// EnKash's non-zero result code, when EnKash answered with one ([`Error::Api`], also
    /// inside [`Error::OutcomeUnknown`]).
    pub fn api_code(&self) -> Option<i64> {
        match self.cause() {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the call failed in a way that leaves its effect unknown: the server may
    /// have acted on the request although no answer says so.
    ///
    /// `true` after a timeout or a dropped connection once the request was on its way
    /// (also while the answer arrived, whatever its status: EnKash's verdict is in the
    /// body, which did not arrive whole), a 5xx with no EnKash error code, or a 2xx
    /// answer that could not be decoded; a write that failed so is always an
    /// [`Error::OutcomeUnknown`]. Before sending such a write again, find out whether it
    /// happened (by its key or reference): EnKash documents no de-duplication, so a
    /// resend can pay twice.
    ///
    /// `false` when nothing was sent (a refused connection, a connect timeout, invalid
    /// input, missing configuration) or when EnKash answered definitely: an
    /// [`Error::Api`] failure code, or a 4xx.
    pub fn outcome_unknown(&self) -> bool {
        // The same classification the retry decision reads (`retry::Failure`).
        use crate::retry::Failure;
        match self {
            Error::Timeout { connecting, .. } => {
                let failure = if *connecting {
                    Failure::Connect
                } else {
                    Failure::Timeout
                };
                failure.may_have_acted()
            }
            Error::Transport { source, .. } => Failure::of_transport(source).may_have_acted(),
            Error::Http { status, .. }
            | Error::Decode { status, .. }
            | Error::Decryption { status, .. } => Failure::Status(*status).may_have_acted(),
            Error::OutcomeUnknown { .. } => true,
            Error::Api { .. }
            | Error::InvalidRequest { .. }
            | Error::Config { .. }
            | Error::TokenUnavailable { .. } => false,
        }
    }
}

impl Error {
    /// The same error again, for a failure shared by several callers (a token request
    /// answered once, replayed to each caller that waited on it); `None` for the variants
    /// that hold an error of another crate, which cannot be copied.
    pub(crate) fn replay(&self) -> Option<Error> {
        Some(match self {
            Error::Api {
                operation,
                code,
                message,
                status,
                payload,
            } => Error::Api {
                operation,
                code: *code,
                message: message.clone(),
                status: *status,
                payload: payload.clone(),
            },
            Error::Http {
                operation,
                status,
                body_snippet,
                body,
                retry_after,
            } => Error::Http {
                operation,
                status: *status,
                body_snippet: body_snippet.clone(),
                body: body.clone(),
                retry_after: *retry_after,
            },
            Error::Decode {
                operation,
                status,
                path,
                message,
                body_snippet,
            } => Error::Decode {
                operation,
                status: *status,
                path: path.clone(),
                message: message.clone(),
                body_snippet: body_snippet.clone(),
            },
            Error::Timeout {
                operation,
                after,
                connecting,
                answered,
            } => Error::Timeout {
                operation,
                after: *after,
                connecting: *connecting,
                answered: *answered,
            },
            Error::InvalidRequest {
                operation,
                field,
                reason,
            } => Error::InvalidRequest {
                operation: *operation,
                field: field.clone(),
                reason: reason.clone(),
            },
            Error::Config { operation, reason } => Error::Config {
                operation: *operation,
                reason: reason.clone(),
            },
            Error::TokenUnavailable {
                operation,
                reason,
                retry_in,
            } => Error::TokenUnavailable {
                operation,
                reason: reason.clone(),
                retry_in: *retry_in,
            },
            Error::Transport { .. } | Error::Decryption { .. } | Error::OutcomeUnknown { .. } => {
                return None;
            }
        })
    }
}

/// The body of an [`Error::Http`] answer, as the server sent it (decrypted when payload
/// encryption is on), when it is at most [`LIMIT`](Self::LIMIT) bytes and was read whole.
///
/// Unlike `body_snippet`, nothing in it is masked: it is for reading what the API says
/// about the failure. Its `Debug` shows its length, never its bytes.
#[derive(Clone)]
pub struct ErrorBody(Box<Parts>);

/// What an [`ErrorBody`] holds, boxed so that `Error`, and every call's `Result`, stays no
/// larger than its other variants make it (on 64-bit targets 96 bytes, not 112).
#[derive(Clone)]
pub(crate) struct Parts {
    /// The operation answered, for a failure to decode the body.
    pub(crate) operation: &'static str,
    pub(crate) status: reqwest::StatusCode,
    /// `None` when the body was not kept.
    pub(crate) bytes: Option<bytes::Bytes>,
    /// How many bytes of the body were read.
    read: usize,
    /// The client stopped reading the body at its `max_response_size`.
    cut: bool,
}

impl ErrorBody {
    /// The most of an error answer's body an [`Error::Http`] keeps (64 KiB): error
    /// documents are short, and an error can be stored or passed on long after the call.
    pub const LIMIT: usize = 64 * 1024;

    /// The body of `operation`'s answer with `status`, kept when it is short enough; `cut`
    /// when `body` is only the start the client read.
    pub(crate) fn new(
        operation: &'static str,
        status: reqwest::StatusCode,
        body: &[u8],
        cut: bool,
    ) -> Self {
        Self(Box::new(Parts {
            operation,
            status,
            bytes: (!cut && body.len() <= Self::LIMIT).then(|| bytes::Bytes::copy_from_slice(body)),
            read: body.len(),
            cut,
        }))
    }

    /// What it holds.
    pub(crate) fn parts(&self) -> &Parts {
        &self.0
    }

    /// The body's bytes; `None` when it was not kept (longer than [`LIMIT`](Self::LIMIT), or
    /// than the client's `max_response_size`).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        self.0.bytes.as_deref()
    }

    /// Why the body was not kept, for [`decode`](Self::decode).
    pub(crate) fn not_kept(&self) -> String {
        if self.0.cut {
            "was longer than this client reads (max_response_size), so it was not kept".to_owned()
        } else {
            format!(
                "is {} bytes, longer than the {} bytes an error keeps, so it was not kept",
                self.0.read,
                Self::LIMIT
            )
        }
    }
}

/// The length, never the bytes.
impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorBody")
            .field("read", &self.0.read)
            .field("kept", &self.0.bytes.is_some())
            .finish_non_exhaustive()
    }
}

/// For a request built by hand: `operation` is `None` (the client's own calls name it).
impl From<crate::request::InvalidInput> for Error {
    fn from(invalid: crate::request::InvalidInput) -> Self {
        Error::InvalidRequest {
            operation: None,
            field: invalid.field,
            reason: invalid.reason,
        }
    }
}

impl crate::request::InvalidInput {
    /// The error a call of `operation` fails with.
    pub(crate) fn of(self, operation: &'static str) -> Error {
        Error::invalid_request(operation, self.field, self.reason)
    }
}

impl Error {
    /// The client cannot be built as configured.
    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Error::Config {
            operation: None,
            reason: reason.into(),
        }
    }

    /// A call of `operation` the client is not configured for; nothing was sent.
    pub(crate) fn config_of(operation: &'static str, reason: impl Into<String>) -> Self {
        Error::Config {
            operation: Some(operation),
            reason: reason.into(),
        }
    }

    /// A call of `operation` refused before anything was sent: `field` is at fault.
    pub(crate) fn invalid_request(
        operation: &'static str,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidRequest {
            operation: Some(operation),
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Each variant's text already says its causes (the HTTP client's error and its chain, a
/// decryption's reason, the failure inside an `OutcomeUnknown`), so `source()` is `None`:
/// a printer of the cause chain (anyhow's `{:#}` and `{:?}`, `tracing`'s error fields)
/// would otherwise say each cause twice. The underlying errors stay in the variants'
/// fields: [`Error::Transport`]'s `source`, [`Error::OutcomeUnknown`]'s `cause`.
impl std::error::Error for Error {}

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
            answered: None,
        };
        assert!(timeout(false).outcome_unknown());
        assert!(!timeout(true).outcome_unknown());
        assert!(timeout(true).to_string().contains("nothing was sent"));
        let http = |status: u16| {
            let status = reqwest::StatusCode::from_u16(status).unwrap();
            Error::Http {
                operation: "getThing",
                status,
                body_snippet: String::new(),
                body: ErrorBody::new("getThing", status, b"", false),
                retry_after: None,
            }
        };
        assert!(http(503).outcome_unknown());
        assert!(!http(404).outcome_unknown());
        let invalid = Error::InvalidRequest {
            operation: None,
            field: "mobile".to_owned(),
            reason: "must match ^\\d{10}$".to_owned(),
        };
        assert!(!invalid.outcome_unknown());
        let config = Error::Config {
            operation: None,
            reason: "no partner_id".to_owned(),
        };
        assert!(!config.outcome_unknown());
    }

    /// A failure reads the same wrapped in `OutcomeUnknown` or not.
    #[test]
    fn a_wrapped_failure_reads_as_the_failure() {
        let api = || Error::Api {
            operation: "allocateCoins",
            code: 7,
            message: "Insufficient balance".to_owned(),
            status: reqwest::StatusCode::OK,
            payload: serde_json::Value::Null,
        };
        let wrapped = Error::OutcomeUnknown {
            operation: "allocateCoins",
            idempotency_key: None,
            lookup: None,
            cause: Box::new(Error::Http {
                operation: "allocateCoins",
                status: reqwest::StatusCode::BAD_GATEWAY,
                body_snippet: String::new(),
                body: ErrorBody::new(
                    "allocateCoins",
                    reqwest::StatusCode::BAD_GATEWAY,
                    b"bad gateway",
                    false,
                ),
                retry_after: Some(Duration::from_secs(5)),
            }),
        };
        assert!(matches!(wrapped.cause(), Error::Http { status, .. } if status.as_u16() == 502));
        assert_eq!(
            wrapped.http_body().and_then(ErrorBody::as_bytes),
            Some(&b"bad gateway"[..])
        );
        assert!(api().http_body().is_none());
        // Each names its operation, in its text too; an input your own code found invalid
        // names none.
        assert_eq!(wrapped.operation(), Some("allocateCoins"));
        assert_eq!(wrapped.cause().operation(), Some("allocateCoins"));
        assert!(
            api()
                .to_string()
                .starts_with("allocateCoins: EnKash rejected the request (HTTP 200 OK, code 7)"),
            "{}",
            api()
        );
        assert!(
            wrapped
                .cause()
                .to_string()
                .starts_with("allocateCoins: HTTP 502 Bad Gateway"),
            "{}",
            wrapped.cause()
        );
        let input = || crate::request::InvalidInput {
            field: "mobile".to_owned(),
            reason: "is empty".to_owned(),
        };
        assert_eq!(Error::from(input()).operation(), None);
        let invalid = input().of("createCard");
        assert_eq!(invalid.operation(), Some("createCard"));
        assert_eq!(
            invalid.to_string(),
            "createCard: invalid request, nothing was sent: `mobile` is empty"
        );
        assert_eq!(wrapped.status().map(|s| s.as_u16()), Some(502));
        assert!(wrapped.outcome_unknown());
        assert_eq!(api().api_code(), Some(7));
        assert!(matches!(api().cause(), Error::Api { code: 7, .. }));
        assert_eq!(wrapped.api_code(), None);
        assert_eq!(wrapped.retry_after(), Some(Duration::from_secs(5)));
        assert!(
            wrapped
                .to_string()
                .contains("; wait 5s before sending again)"),
            "{wrapped}"
        );
        assert_eq!(api().retry_after(), None);
    }

    /// Every error a call raises starts with its operation, said once even when wrapped;
    /// one raised before any call starts with what it is.
    #[test]
    fn each_text_starts_with_its_operation_once() {
        let timeout = Error::Timeout {
            operation: "allocateCoins",
            after: Duration::from_secs(30),
            connecting: false,
            answered: None,
        };
        assert_eq!(
            timeout.to_string(),
            "allocateCoins: timed out after 30s; the server may have acted on it"
        );
        let wrapped = Error::OutcomeUnknown {
            operation: "allocateCoins",
            idempotency_key: None,
            lookup: Some("getTransactionDetails"),
            cause: Box::new(timeout),
        };
        assert_eq!(
            wrapped.to_string(),
            "allocateCoins: outcome unknown, the server may have acted and the write was not \
             resent (timed out after 30s); check with \
             `getTransactionDetails` before resending"
        );
        let decode = Error::Decode {
            operation: "createCard",
            status: reqwest::StatusCode::OK,
            path: "payload.cardStatus".to_owned(),
            message: "unknown variant".to_owned(),
            body_snippet: "{}".to_owned(),
        };
        assert!(
            decode.to_string().starts_with(
                "createCard: could not decode the response (HTTP 200 OK) at `payload.cardStatus`"
            ),
            "{decode}"
        );
        let token = Error::TokenUnavailable {
            operation: "createCard",
            reason: "createAccessToken: HTTP 401 Unauthorized".to_owned(),
            retry_in: Some(Duration::from_secs(1)),
        };
        assert!(
            token.to_string().starts_with(
                "createCard: no bearer token, nothing was sent: createAccessToken: HTTP 401"
            ),
            "{token}"
        );
        let config = Error::Config {
            operation: None,
            reason: "no partner_id".to_owned(),
        };
        assert_eq!(config.to_string(), "client configuration: no partner_id");
    }

    /// A chain printer (anyhow's `{:#}`: each link's text, then its source's) shows each
    /// cause once: the text holds them all and there is no source to repeat them.
    #[test]
    fn a_chain_printer_says_each_cause_once() {
        let chain = |error: &Error| {
            std::iter::successors(Some(error as &dyn std::error::Error), |e| e.source())
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        let wrapped = Error::OutcomeUnknown {
            operation: "allocateCoins",
            idempotency_key: None,
            lookup: None,
            cause: Box::new(Error::Timeout {
                operation: "allocateCoins",
                after: Duration::from_secs(30),
                connecting: false,
                answered: None,
            }),
        };
        assert_eq!(chain(&wrapped), [wrapped.to_string()]);
        assert!(wrapped.to_string().contains("timed out after 30s"));
        let decryption = Error::Decryption {
            operation: "getCardDetails",
            status: reqwest::StatusCode::OK,
            reason: crate::encryption::DecryptionError::Padding,
        };
        assert_eq!(
            chain(&decryption),
            [
                "getCardDetails: could not decrypt the response (HTTP 200 OK): the decrypted \
              padding is invalid (wrong key or corrupted ciphertext)"
            ]
        );
    }

    /// Every call's `Result` carries an `Error`'s size: the body an `Http` error keeps is
    /// boxed so that it is not the largest variant.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_error_is_no_larger_than_its_other_variants_make_it() {
        assert_eq!(std::mem::size_of::<ErrorBody>(), 8);
        assert_eq!(std::mem::size_of::<Error>(), 96);
    }

    /// An error keeps a body up to its limit, whole, and says why it kept none; its
    /// `Debug` never shows the bytes.
    #[test]
    fn an_error_body_is_kept_whole_up_to_its_limit() {
        let status = reqwest::StatusCode::NOT_FOUND;
        let at_limit = vec![b'a'; ErrorBody::LIMIT];
        let kept = ErrorBody::new("getThing", status, &at_limit, false);
        assert_eq!(kept.as_bytes().map(<[u8]>::len), Some(ErrorBody::LIMIT));
        let over = vec![b'a'; ErrorBody::LIMIT + 1];
        let long = ErrorBody::new("getThing", status, &over, false);
        assert_eq!(long.as_bytes(), None);
        assert!(
            long.not_kept().contains("65537 bytes"),
            "{}",
            long.not_kept()
        );
        let cut = ErrorBody::new("getThing", status, b"{\"start", true);
        assert_eq!(cut.as_bytes(), None, "only the start was read");
        assert!(cut.not_kept().contains("max_response_size"));
        let secret = ErrorBody::new("getThing", status, b"{\"token\":\"s3cr3t\"}", false);
        let debug = format!("{secret:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("read: 18"), "{debug}");
    }
}
