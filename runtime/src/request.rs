//! The contract between generated operation builders and the hand-written runtime.
//!
//! Generated code (under `generated/`) turns a fully-typed builder into an
//! [`OperationRequest`]: a plain description of one HTTP call with everything already
//! encoded. The runtime ([`crate::Client::execute`]) owns everything that is policy:
//! authentication, retries, timeouts, tracing, and decoding the response envelope.
//! Keeping the seam this narrow means a spec change never touches hand-written code,
//! and a runtime change never needs the generator.

use std::fmt;
use std::time::Duration;

use reqwest::Method;

/// One HTTP call, described by generated code and executed by [`crate::Client::execute`].
///
/// To call an operation this crate does not cover yet, start from
/// [`OperationRequest::new`] and set the public fields you need.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationRequest {
    /// The spec's `operationId`, e.g. `"createCoinEvent"`; used in tracing and errors.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The spec's path template, e.g. `"/api/v0/enkash-coins/{coinConfigId}"`; safe to log.
    pub path_template: &'static str,
    /// The concrete path, every parameter already encoded with [`encode_path_segment`].
    pub path: String,
    /// Query parameters, unencoded; the runtime encodes them.
    pub query: Vec<(&'static str, String)>,
    /// Object-valued query parameters written out as pairs whose names are made from
    /// their members (`filter[status]=open`, as the parameter's style says), sent after
    /// `query`; unencoded.
    pub query_objects: Vec<(String, String)>,
    /// Header parameters declared by the spec, unvalidated; the runtime rejects CR/LF and
    /// other non-visible characters with [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the header.
    pub headers: Vec<(&'static str, String)>,
    /// The encoded body, if the operation has one.
    pub body: Option<RequestBody>,
    /// Every scheme listed here is applied (the spec's first security alternative).
    pub security: &'static [Security],
    /// Whether the request may be resent; see [`RetryClass`].
    pub retry: RetryClass,
    /// The caller-chosen key identifying a write (e.g. `requestId`), named in
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) so the caller can look the write up.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The operation that tells whether a write with an unknown outcome happened.
    pub outcome_lookup: Option<&'static str>,
    /// How to unwrap the success payload; `None` means the whole body is the payload.
    pub envelope: Option<Envelope>,
    /// What a success answer is: JSON (the default), text, or bytes.
    pub answer: AnswerFormat,
    /// Per-call overrides of the client's configuration.
    pub options: RequestOptions,
}

impl OperationRequest {
    /// A request with no query, headers, body, security or envelope, classed
    /// [`RetryClass::NonIdempotent`] (never resent once it may have reached the server).
    ///
    /// `path` must already be encoded (see [`encode_path_segment`]).
    pub fn new(
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
        path: impl Into<String>,
    ) -> Self {
        Self {
            operation_id,
            method,
            path_template,
            path: path.into(),
            query: Vec::new(),
            query_objects: Vec::new(),
            headers: Vec::new(),
            body: None,
            security: &[],
            retry: RetryClass::NonIdempotent,
            idempotency_key: None,
            outcome_lookup: None,
            envelope: None,
            answer: AnswerFormat::Json,
            options: RequestOptions::default(),
        }
    }
}

impl OperationRequest {
    /// A request for the operation `spec` describes, at its path template (an operation
    /// without path parameters): the spec's method, security, retry class, outcome lookup,
    /// envelope and answer format, and no query, headers or body yet.
    pub fn of(spec: &'static OperationSpec) -> Self {
        Self::at(spec, spec.path_template)
    }

    /// [`of`](Self::of), at the spec's path template with its `{…}` placeholders filled,
    /// in the order they appear, by `params`: each written out (`Display`) and encoded as
    /// exactly one path segment (see [`encode_path_segment`]). A parameter the template
    /// names twice is given twice.
    ///
    /// # Errors
    /// [`InvalidInput`] for the field `path` when the template has more or fewer
    /// placeholders than `params` has values, or a value's `Display` fails.
    pub fn at_path(
        spec: &'static OperationSpec,
        params: &[&dyn fmt::Display],
    ) -> Result<Self, InvalidInput> {
        Ok(Self::at(spec, fill_path(spec.path_template, params)?))
    }

    /// [`of`](Self::of), at `path`: the template with its parameters filled in, each
    /// already encoded (see [`encode_path_segment`]).
    pub fn at(spec: &'static OperationSpec, path: impl Into<String>) -> Self {
        let mut request = Self::new(spec.id, spec.method.clone(), spec.path_template, path);
        request.security = spec.security;
        request.retry = spec.retry;
        request.outcome_lookup = spec.outcome_lookup;
        request.envelope = spec.envelope;
        request.answer = spec.answer;
        request
    }
}

/// What the spec says about one operation that is the same on every call: its id, method
/// and path template, how it is authenticated and resent, and what its answer is. Generated
/// code holds one per operation, as a `static` its requests start from
/// ([`OperationRequest::of`]) and that the `testing` feature reads.
///
/// Built in a constant expression: [`new`](Self::new), then the methods for what differs
/// from its defaults.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationSpec {
    /// The spec's `operationId`, e.g. `"createCoinEvent"`.
    pub id: &'static str,
    /// The HTTP method, e.g. `&Method::POST`. A reference, so that the spec has nothing to
    /// drop: then an operation's `static` asks the compiler for no drop code, which in a
    /// debug build costs the crate holding it a look through every dependency's shared
    /// generic code on each rebuild.
    pub method: &'static Method,
    /// The path template, e.g. `"/api/v0/enkash-coins/{coinConfigId}"`.
    pub path_template: &'static str,
    /// Every scheme listed here is applied (the spec's first security alternative).
    pub security: &'static [Security],
    /// Whether a request may be resent; see [`RetryClass`].
    pub retry: RetryClass,
    /// The operation that tells whether a write with an unknown outcome happened.
    pub outcome_lookup: Option<&'static str>,
    /// How to unwrap the success payload; `None` means the whole body is the payload.
    pub envelope: Option<Envelope>,
    /// What a success answer is: JSON, text, bytes, or one of several.
    pub answer: AnswerFormat,
}

impl OperationSpec {
    /// An operation with no security, classed [`RetryClass::NonIdempotent`], answering JSON
    /// without an envelope.
    pub const fn new(
        id: &'static str,
        method: &'static Method,
        path_template: &'static str,
    ) -> Self {
        Self {
            id,
            method,
            path_template,
            security: &[],
            retry: RetryClass::NonIdempotent,
            outcome_lookup: None,
            envelope: None,
            answer: AnswerFormat::Json,
        }
    }

    /// [`new`](Self::new) with [`Method::GET`], classed [`RetryClass::Idempotent`]: a GET
    /// only reads, so the failures the [retry table](crate::retry) lists are resent.
    pub const fn get(id: &'static str, path_template: &'static str) -> Self {
        Self::new(id, &Method::GET, path_template).retry(RetryClass::Idempotent)
    }

    /// [`new`](Self::new) with [`Method::POST`].
    pub const fn post(id: &'static str, path_template: &'static str) -> Self {
        Self::new(id, &Method::POST, path_template)
    }

    /// [`new`](Self::new) with [`Method::PUT`].
    pub const fn put(id: &'static str, path_template: &'static str) -> Self {
        Self::new(id, &Method::PUT, path_template)
    }

    /// [`new`](Self::new) with [`Method::PATCH`].
    pub const fn patch(id: &'static str, path_template: &'static str) -> Self {
        Self::new(id, &Method::PATCH, path_template)
    }

    /// [`new`](Self::new) with [`Method::DELETE`].
    pub const fn delete(id: &'static str, path_template: &'static str) -> Self {
        Self::new(id, &Method::DELETE, path_template)
    }

    /// Applies every scheme of `security`.
    pub const fn security(mut self, security: &'static [Security]) -> Self {
        self.security = security;
        self
    }

    /// Classes the operation's requests as `retry`.
    pub const fn retry(mut self, retry: RetryClass) -> Self {
        self.retry = retry;
        self
    }

    /// Names the operation that tells whether a write with an unknown outcome happened.
    pub const fn outcome_lookup(mut self, operation_id: &'static str) -> Self {
        self.outcome_lookup = Some(operation_id);
        self
    }

    /// Unwraps the success payload from `envelope`.
    pub const fn envelope(mut self, envelope: Envelope) -> Self {
        self.envelope = Some(envelope);
        self
    }

    /// Decodes a success answer as `answer` says.
    pub const fn answer(mut self, answer: AnswerFormat) -> Self {
        self.answer = answer;
        self
    }
}

/// The field and value that identify one write, e.g. `requestId` = `COIN_REQ1234567`.
///
/// The value is the caller's own reference, not a secret; it is shown in errors so a
/// write whose answer was lost can be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The body field's wire name, e.g. `"requestId"`.
    pub field: &'static str,
    /// The value the request carried.
    pub value: String,
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` = {:?}", self.field, self.value)
    }
}

/// An input that cannot be sent as described: a body that cannot be encoded, a required
/// input not set. The client reports it as `Error::InvalidRequest` with the same field and
/// reason (`?` converts it), before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The input's wire name, or `body`, or `path`.
    pub field: String,
    /// What is wrong with it, as a phrase that follows the field's name.
    pub reason: String,
}

impl InvalidInput {
    fn body(reason: String) -> Self {
        Self {
            field: "body".to_owned(),
            reason,
        }
    }
}

/// An encoded request body. Kept as bytes so a retry resends exactly the same bytes.
#[derive(Clone)]
pub struct RequestBody {
    /// The media type, e.g. `application/json`.
    pub content_type: &'static str,
    /// The encoded body.
    pub bytes: Vec<u8>,
}

impl RequestBody {
    /// Serialises `body` as JSON.
    pub fn json<T: serde::Serialize>(body: &T) -> Result<Self, InvalidInput> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| InvalidInput::body(format!("could not be encoded as JSON: {e}")))?;
        Ok(Self {
            content_type: "application/json",
            bytes,
        })
    }

    /// A body sent as given, with the media type the spec names (`application/octet-stream`,
    /// `image/jpeg`, `text/plain`…).
    pub fn raw(content_type: &'static str, bytes: Vec<u8>) -> Self {
        Self {
            content_type,
            bytes,
        }
    }

    /// `application/x-www-form-urlencoded` from name and value pairs, in order.
    pub fn form_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(pairs);
        Self {
            content_type: "application/x-www-form-urlencoded",
            bytes: serializer.finish().into_bytes(),
        }
    }

    /// Serialises `body` as `application/x-www-form-urlencoded`: members as pairs, nested
    /// objects in the bracket style (`metadata[key]=…`), top-level lists as repeated pairs;
    /// decimals keep their digits.
    pub fn form<T: serde::Serialize>(body: &T) -> Result<Self, InvalidInput> {
        let json = serde_json::to_string(body)
            .map_err(|e| InvalidInput::body(format!("could not be encoded: {e}")))?;
        let text = crate::form::encode(&json)
            .map_err(|e| InvalidInput::body(format!("could not be form-encoded: {e}")))?;
        Ok(Self {
            content_type: "application/x-www-form-urlencoded",
            bytes: text.into_bytes(),
        })
    }
}

impl fmt::Debug for RequestBody {
    // Bodies carry personal data (email, mobile) and passwords: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A security scheme an operation requires, from the spec's `securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `Authorization: Bearer <token>`: the configured token, or one acquired with credentials.
    Bearer,
    /// `Authorization: Basic base64(client_id:client_secret)`.
    Basic,
    /// An API key sent as the named header, e.g. `partnerId`.
    ApiKeyHeader(&'static str),
}

/// Whether resending a request can change the server's state twice: each operation's
/// documentation names its class, and this is where the classes' policy is written.
///
/// Every retry waits (see [`retry`](crate::retry) for the backoff, `Retry-After` and the
/// budget, [`RetryPolicy::max_retries`](crate::RetryPolicy::max_retries)) and none starts
/// after the call's operation timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryClass {
    /// Safe to resend (reads and the token call): retried on connection errors, timeouts,
    /// a broken connection, 429, 502, 503 and 504.
    Idempotent,
    /// A write whose body carries a caller-chosen key (e.g. `requestId`). The server's
    /// de-duplication by that key is not assumed, so by default it is treated exactly
    /// like [`NonIdempotent`](Self::NonIdempotent); it is resent like an idempotent call
    /// only when the caller opted in
    /// ([`ClientBuilder::resend_keyed_writes`](crate::ClientBuilder::resend_keyed_writes),
    /// or per call). A failure that leaves its outcome unknown is
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), naming the key.
    KeyedWrite,
    /// Every other write: resent only when the request certainly never reached the
    /// server (connection refused, DNS failure), never after a timeout or a 5xx. A
    /// failure that leaves its outcome unknown is
    /// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
    NonIdempotent,
}

/// Names of the envelope fields, from the spec's `x-envelope` extension.
///
/// EnKash answers HTTP 200 for failures too; a non-zero `code` field is an error. Each part
/// lists the member names that may carry it, in order of preference (the first present is
/// read): EnKash's pages spell the same envelope `code` or `response_code`, and one spells
/// the payload `paylod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// The result code's members, e.g. `["response_code"]` (0 is success; a number or a
    /// numeric string).
    pub code: &'static [&'static str],
    /// The message's members, e.g. `["response_message"]`.
    pub message: &'static [&'static str],
    /// The payload's members, e.g. `["payload"]`.
    pub payload: &'static [&'static str],
}

impl Envelope {
    /// The first of `names` that `members` has, with its value.
    pub(crate) fn pick<'m, K: std::borrow::Borrow<str> + Ord, V>(
        names: &[&'static str],
        members: &'m std::collections::BTreeMap<K, V>,
    ) -> Option<(&'static str, &'m V)> {
        names
            .iter()
            .find_map(|name| members.get(*name).map(|value| (*name, value)))
    }
}

/// Per-request overrides of the client's configuration. A `timeout`, `operation_timeout`
/// or `max_response_size` of zero is refused before anything is sent
/// ([`Error::InvalidRequest`](crate::Error::InvalidRequest) naming it), as the client's
/// builder refuses one.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Total time for one attempt, overriding the client's timeout.
    pub timeout: Option<Duration>,
    /// Total time for the whole call (waiting for a token, every attempt and the waits
    /// between them), overriding the client's operation timeout.
    pub operation_timeout: Option<Duration>,
    /// Overrides the client's `max_retries` for this call; `Some(0)` disables retries.
    pub max_retries: Option<u32>,
    /// Overrides [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)
    /// for this call: the longest answer body read, in bytes.
    pub max_response_size: Option<usize>,
    /// Overrides [`ClientBuilder::resend_keyed_writes`](crate::ClientBuilder::resend_keyed_writes)
    /// for this call. Has an effect only on a [`RetryClass::KeyedWrite`].
    pub resend_keyed_write: Option<bool>,
    /// For an operation answering in several media types ([`AnswerFormat::Negotiated`]):
    /// the one to ask for, sent as the `Accept` header instead of all of them.
    pub accept: Option<&'static str>,
    /// Headers of your own sent with this call (a correlation id, say), each `(name,
    /// value)` in order; a name given twice is sent twice. Checked before anything is
    /// sent ([`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the header):
    /// a valid name, a value of visible ASCII and spaces, and not a header the client or
    /// the operation sets itself (`Authorization` and the API key headers, `Accept`,
    /// `Content-Type`, `User-Agent`, HTTP's framing headers, the operation's own header
    /// inputs, which have their setters).
    pub headers: Vec<(String, String)>,
}

/// The extra headers' names, never their values (a header can carry a secret).
impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            timeout,
            operation_timeout,
            max_retries,
            max_response_size,
            resend_keyed_write,
            accept,
            headers,
        } = self;
        let header_names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", timeout)
            .field("operation_timeout", operation_timeout)
            .field("max_retries", max_retries)
            .field("max_response_size", max_response_size)
            .field("resend_keyed_write", resend_keyed_write)
            .field("accept", accept)
            .field("headers", &header_names)
            .finish()
    }
}

/// A decoded payload together with the HTTP status and headers it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status of the answer.
    pub status: reqwest::StatusCode,
    /// The headers of the answer (a request id to quote to EnKash support, say).
    pub headers: reqwest::header::HeaderMap,
    /// The decoded payload (the envelope's payload, when the operation has an envelope).
    pub payload: T,
}

impl<T> Response<T> {
    /// The payload alone.
    pub fn into_payload(self) -> T {
        self.payload
    }
}

/// Appends `(name, value)` to a request's query or header pairs when `value` is present
/// (generated code calls it for optional query and header parameters).
#[doc(hidden)]
pub fn push_present<T: ToString>(
    pairs: &mut Vec<(&'static str, String)>,
    name: &'static str,
    value: Option<T>,
) {
    if let Some(value) = value {
        pairs.push((name, value.to_string()));
    }
}

/// What a success answer is, and so what it is decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AnswerFormat {
    /// JSON, decoded into the payload's type (the envelope's payload, for an operation
    /// with one).
    #[default]
    Json,
    /// Text (`text/plain`, `text/html`, `text/csv`…), as a `String`; not UTF-8 is an
    /// [`Error::Decode`](crate::Error::Decode).
    Text,
    /// Anything else (`application/octet-stream`, `application/pdf`, `image/png`…), as
    /// [`Binary`](crate::values::Binary): the bytes exactly as sent; or, through
    /// [`Client::execute_streaming`](crate::Client::execute_streaming), as a
    /// [`ByteStream`](crate::ByteStream) read as it arrives.
    Binary,
    /// Offered in several media types: decoded as the one the server sent (its
    /// `Content-Type`) into a [`Negotiated`](crate::values::Negotiated).
    Negotiated {
        /// The `Accept` header: every media type offered, unless the call asks for one
        /// ([`RequestOptions::accept`]).
        accept: &'static str,
    },
}

#[doc(hidden)]
pub use crate::form::QueryObject;

/// Writes the query parameter `name` holding `value` into `pairs`, as `style` says
/// (generated code calls it for object-valued query parameters).
#[doc(hidden)]
pub fn push_object<T: serde::Serialize>(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryObject,
) -> Result<(), InvalidInput> {
    let invalid = |reason: String| InvalidInput {
        field: name.to_owned(),
        reason,
    };
    let json =
        serde_json::to_string(value).map_err(|e| invalid(format!("could not be encoded: {e}")))?;
    pairs.extend(crate::form::query_pairs(name, &json, style).map_err(invalid)?);
    Ok(())
}

/// Percent-encodes `value` as exactly one path segment: `/`, `?`, `#`, `%` and `..` can
/// never change which resource is addressed.
pub fn encode_path_segment(value: &str) -> String {
    let mut segment = String::with_capacity(value.len());
    push_path_segment(&mut segment, value);
    segment
}

/// Appends `value` to `path`, encoded as [`encode_path_segment`] does.
fn push_path_segment(path: &mut String, value: &str) {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    // RFC 3986 unreserved characters stay as they are; everything else is encoded.
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    match value {
        // "." and ".." are unreserved but still walk the path; encode them explicitly.
        "." => path.push_str("%2E"),
        ".." => path.push_str("%2E%2E"),
        _ => path.extend(utf8_percent_encode(value, SEGMENT)),
    }
}

/// A piece of a path template: text sent as written, or a `{name}` placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart<'a> {
    /// Text sent as written.
    Text(&'a str),
    /// A placeholder, by its name (without the braces).
    Placeholder(&'a str),
}

/// The pieces of a path template, in order: `/v1/{id}/x` is the text `/v1/`, the
/// placeholder `id` and the text `/x`. A `{` that no `}` closes is text, with all that
/// follows it.
pub fn template_parts(template: &str) -> impl Iterator<Item = TemplatePart<'_>> {
    let mut rest = template;
    std::iter::from_fn(move || {
        let end = match rest.find('{') {
            None => rest.len(),
            Some(0) => match rest.find('}') {
                Some(close) => {
                    let name = &rest[1..close];
                    rest = &rest[close + 1..];
                    return Some(TemplatePart::Placeholder(name));
                }
                None => rest.len(),
            },
            Some(open) => open,
        };
        let text = &rest[..end];
        rest = &rest[end..];
        (!text.is_empty()).then_some(TemplatePart::Text(text))
    })
}

/// `template` with each `{…}` placeholder replaced, in order, by the next of `params`
/// encoded as one segment; see [`OperationRequest::at_path`].
fn fill_path(template: &str, params: &[&dyn fmt::Display]) -> Result<String, InvalidInput> {
    let mismatch = || InvalidInput {
        field: "path".to_owned(),
        reason: format!(
            "template `{template}` was given {} value(s), not one per placeholder",
            params.len()
        ),
    };
    let mut path = String::with_capacity(template.len() + 16 * params.len());
    let mut values = params.iter();
    // Each value written out, reused from one placeholder to the next.
    let mut written = String::new();
    for part in template_parts(template) {
        let name = match part {
            TemplatePart::Text(text) => {
                path.push_str(text);
                continue;
            }
            TemplatePart::Placeholder(name) => name,
        };
        let value = values.next().ok_or_else(mismatch)?;
        written.clear();
        fmt::write(&mut written, format_args!("{value}")).map_err(|_| InvalidInput {
            field: "path".to_owned(),
            reason: format!("has a value for `{name}` that could not be written out"),
        })?;
        push_path_segment(&mut path, &written);
    }
    if values.next().is_some() {
        return Err(mismatch());
    }
    Ok(path)
}

/// Typestate support for generated builders: a builder's state has one slot per required
/// input, that input's `Missing…` marker until its setter makes it [`Set`](typestate::Set).
pub mod typestate {
    use super::InvalidInput;

    /// A required input that has been given its value.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Set;

    mod sealed {
        pub trait Sealed {}
        impl Sealed for super::Set {}
    }

    /// Implemented only by [`Set`]: `send()` requires it of every slot of the builder's
    /// state, so a missing input is a compile error naming that input's `Missing…` marker.
    #[diagnostic::on_unimplemented(
        message = "a required field is not set: `{Self}`",
        label = "`send()` needs this field",
        note = "call the setter named after the field (e.g. `.company_id(..)` for `MissingCompanyId`) before `.send()`"
    )]
    pub trait Required: sealed::Sealed {}

    impl Required for Set {}

    /// Implemented by every state tuple with a slot `I`: [`Filled`] names the state with
    /// that slot [`Set`], which a required input's setter returns. Implemented for tuples
    /// of up to 24 slots; an operation's required inputs beyond the 24th are checked when
    /// the request is built.
    pub trait Fill<const I: usize> {
        /// The state with slot `I` set.
        type Filled;
    }

    /// The state `S` with slot `I` set.
    pub type Filled<S, const I: usize> = <S as Fill<I>>::Filled;

    /// Implemented by a state in which every required input of the operation whose inputs
    /// are `I` is set: `send()` needs it. Every tuple whose slots are all [`Required`] (that
    /// is, [`Set`]) has it, up to 24 slots; a builder without required inputs has the state
    /// `()`. A builder's state is always its operation's: it starts from the operation's
    /// `Empty` and only its setters change it.
    pub trait Complete<I> {}

    impl<I> Complete<I> for () {}

    /// The impls of the state tuple with the given slots: `Complete` when each is
    /// [`Required`], and every `Fill`: for each slot in turn, the tuple with that slot `Set`
    /// and the others as they are.
    macro_rules! slots {
        ($($all:ident)+) => {
            impl<Op, $($all: Required),+> Complete<Op> for ($($all,)+) {}
            slots!(@fill [$($all)+] [] [$($all)+] 0);
        };
        (@fill [$($all:ident)+] [$($before:ident)*] [$at:ident $($after:ident)*] $i:expr) => {
            impl<$($all),+> Fill<{ $i }> for ($($all,)+) {
                type Filled = ($($before,)* Set, $($after,)*);
            }
            slots!(@fill [$($all)+] [$($before)* $at] [$($after)*] $i + 1);
        };
        (@fill [$($all:ident)+] [$($before:ident)*] [] $i:expr) => {};
    }

    slots!(A);
    slots!(A B);
    slots!(A B C);
    slots!(A B C D);
    slots!(A B C D E);
    slots!(A B C D E F);
    slots!(A B C D E F G);
    slots!(A B C D E F G H);
    slots!(A B C D E F G H I);
    slots!(A B C D E F G H I J);
    slots!(A B C D E F G H I J K);
    slots!(A B C D E F G H I J K L);
    slots!(A B C D E F G H I J K L M);
    slots!(A B C D E F G H I J K L M N);
    slots!(A B C D E F G H I J K L M N O);
    slots!(A B C D E F G H I J K L M N O P);
    slots!(A B C D E F G H I J K L M N O P Q);
    slots!(A B C D E F G H I J K L M N O P Q R);
    slots!(A B C D E F G H I J K L M N O P Q R S);
    slots!(A B C D E F G H I J K L M N O P Q R S T);
    slots!(A B C D E F G H I J K L M N O P Q R S T U);
    slots!(A B C D E F G H I J K L M N O P Q R S T U V);
    slots!(A B C D E F G H I J K L M N O P Q R S T U V W);
    slots!(A B C D E F G H I J K L M N O P Q R S T U V W X);

    /// An operation's typestate: for each required input, in slot order, a `Missing…`
    /// marker type documented with the input's wire name and setter, then `Empty`, the
    /// state of a new builder (every slot missing). Generated code calls it once per
    /// operation with required inputs:
    ///
    /// ```
    /// mod allocate_coins {
    ///     enkash_rewards_runtime::request::typestate::states! {
    ///         MissingCompanyId: "companyId" => company_id,
    ///         MissingEvent: "event" => event,
    ///     }
    /// }
    /// let _: allocate_coins::Empty = (allocate_coins::MissingCompanyId, allocate_coins::MissingEvent);
    /// ```
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __states {
        ($($marker:ident: $wire:literal => $setter:ident),+ $(,)?) => {
            $(
                #[doc = concat!(
                    "`", $wire, "` has not been set yet: call `.", stringify!($setter),
                    "(..)` before `.send()`."
                )]
                #[derive(Debug, Clone, Copy, Default)]
                pub struct $marker;
            )+

            /// The state of a new builder: every required input missing, one slot each.
            /// Each setter of a required input makes its slot `Set`.
            pub type Empty = ($($marker,)+);
        };
    }

    #[doc(hidden)]
    pub use crate::__states as states;

    /// A required input's value. `send()` exists only once the input's setter has been
    /// called, so `None` cannot occur through the builders; it would be reported as an
    /// invalid request, never as a panic.
    pub fn take<T>(value: Option<T>, field: &'static str) -> Result<T, InvalidInput> {
        value.ok_or_else(|| InvalidInput {
            field: field.to_owned(),
            reason: "is required and was not set".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPEC: OperationSpec = OperationSpec::get("getThing", "/v1/{owner}/things/{id}/x");

    #[test]
    fn at_path_fills_placeholders_in_order_each_as_one_segment() {
        let request = OperationRequest::at_path(&SPEC, &[&"a/b c", &42]).expect("two values");
        assert_eq!(request.path, "/v1/a%2Fb%20c/things/42/x");
        assert_eq!(request.path_template, "/v1/{owner}/things/{id}/x");
        assert_eq!(request.retry, RetryClass::Idempotent);

        let request = OperationRequest::at_path(&SPEC, &[&"..", &"."]).expect("two values");
        assert_eq!(request.path, "/v1/%2E%2E/things/%2E/x");
        // Encoded exactly as `encode_path_segment` does.
        let value = "é?#%~-_.";
        let request = OperationRequest::at_path(&SPEC, &[&value, &value]).expect("two values");
        let one = encode_path_segment(value);
        assert_eq!(request.path, format!("/v1/{one}/things/{one}/x"));
    }

    #[test]
    fn at_path_refuses_a_count_that_does_not_match_the_template() {
        for params in [&[&"a" as &dyn fmt::Display][..], &[&"a", &"b", &"c"], &[]] {
            let invalid = OperationRequest::at_path(&SPEC, params).expect_err("mismatch");
            assert_eq!(invalid.field, "path");
            assert!(
                invalid.reason.contains("/v1/{owner}/things/{id}/x"),
                "{invalid:?}"
            );
        }
        static PLAIN: OperationSpec = OperationSpec::get("list", "/v1/things");
        let request = OperationRequest::at_path(&PLAIN, &[]).expect("no placeholders");
        assert_eq!(request.path, "/v1/things");
    }

    #[test]
    fn a_template_comes_apart_into_text_and_placeholders() {
        use TemplatePart::{Placeholder, Text};
        let parts = |template| template_parts(template).collect::<Vec<_>>();
        assert_eq!(
            parts("/v1/{owner}/things/{id}/x"),
            [
                Text("/v1/"),
                Placeholder("owner"),
                Text("/things/"),
                Placeholder("id"),
                Text("/x")
            ]
        );
        assert_eq!(parts("{a}{b}"), [Placeholder("a"), Placeholder("b")]);
        assert_eq!(parts("/plain"), [Text("/plain")]);
        assert_eq!(parts(""), []);
        assert_eq!(parts("/a/{b"), [Text("/a/"), Text("{b")]);
        assert_eq!(parts("/a/{}"), [Text("/a/"), Placeholder("")]);
    }

    #[test]
    fn at_path_reports_a_failing_display_instead_of_panicking() {
        struct Broken;
        impl fmt::Display for Broken {
            fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                Err(fmt::Error)
            }
        }
        let invalid = OperationRequest::at_path(&SPEC, &[&"a", &Broken]).expect_err("fails");
        assert_eq!(invalid.field, "path");
        assert!(invalid.reason.contains("`id`"), "{invalid:?}");
    }
}
