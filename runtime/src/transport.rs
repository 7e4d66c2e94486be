//! Sending one [`OperationRequest`] over HTTP and decoding what comes back.
//!
//! The transport turns the generator's plain request description into an HTTP request
//! (validating everything that came from a caller, so bad input fails before anything is
//! sent), runs the attempts the [retry policy](crate::retry) allows, and maps the answer
//! onto [`Response`] or [`Error`]:
//!
//! | answer | result |
//! |--------|--------|
//! | envelope with `code` 0, HTTP 2xx | the envelope's payload, decoded into `T` |
//! | envelope with a non-zero `code`, any HTTP status | [`Error::Api`] |
//! | envelope with `code` 0 on a non-2xx status | [`Error::Http`]: the status contradicts the body, so neither is trusted as a success |
//! | non-2xx with no EnKash error code (an HTML 502 page) | [`Error::Http`] |
//! | 2xx that is not valid JSON, lacks the envelope, or has a field of the wrong type | [`Error::Decode`] naming the failing field, e.g. `payload.cardStatus.name` |
//!
//! Amounts are read from their own JSON text (`RawValue`), so they are never rounded
//! through `f64` on the way to `rust_decimal`.
//!
//! Nothing here logs a concrete URL, a header value or a body: paths can hold ids, queries
//! can hold user ids, bodies hold personal data. Traces name the path *template*.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::encryption::PayloadEncryption;
use crate::error::Error;
use crate::request::{Envelope, IdempotencyKey, OperationRequest, Response, RetryClass};
use crate::retry::{Failure, RetryPolicy, Wait, is_retryable, wait_before_retry};

/// How many characters of a body an error quotes.
const SNIPPET_CHARS: usize = 512;

/// Query and header encoding: RFC 3986 unreserved characters stay, everything else is
/// percent-encoded (so `&`, `=`, `+`, `#` in a value can never split or end the query).
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The HTTP side of a [`Client`](crate::Client): connection pool, base URL and limits.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    /// The whole call's time, every attempt and wait included.
    pub(crate) operation_timeout: Duration,
    /// `None` when the caller supplied their own `reqwest::Client`.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    /// The client-wide opt-in to resend [`RetryClass::KeyedWrite`] requests.
    pub(crate) resend_keyed_writes: bool,
    /// EnKash payload encryption, when the caller switched it on.
    pub(crate) encryption: Option<PayloadEncryption>,
}

/// A request checked and encoded, ready to be sent as many times as the policy allows.
pub(crate) struct Prepared {
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    class: RetryClass,
    /// The caller's opt-in to resend a [`RetryClass::KeyedWrite`] (client or call).
    resend_keyed: bool,
    idempotency_key: Option<IdempotencyKey>,
    outcome_lookup: Option<&'static str>,
    envelope: Option<Envelope>,
    timeout: Duration,
    max_retries: u32,
    /// When the whole call must have ended.
    deadline: tokio::time::Instant,
}

impl Prepared {
    /// When the whole call must have ended (its operation timeout).
    pub(crate) fn deadline(&self) -> tokio::time::Instant {
        self.deadline
    }

    /// The next attempt's timeout: the attempt timeout, cut to what is left of the call's.
    fn attempt_timeout(&self) -> Duration {
        self.timeout.min(
            self.deadline
                .saturating_duration_since(tokio::time::Instant::now()),
        )
    }

    /// Adds (or replaces) headers, e.g. the ones security resolved to.
    pub(crate) fn set_headers(&mut self, headers: Vec<(HeaderName, HeaderValue)>) {
        for (name, value) in headers {
            self.headers.insert(name, value);
        }
    }
}

/// Everything a server answered, before it is interpreted.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The final answer to a request, decrypted, not yet decoded.
pub(crate) struct Answer(Raw);

impl Answer {
    pub(crate) fn status(&self) -> StatusCode {
        self.0.status
    }
}

/// Decodes the final answer to `prepared` (or passes its error on); a write whose outcome
/// the error leaves unknown becomes [`Error::OutcomeUnknown`].
pub(crate) fn finish<T: DeserializeOwned>(
    prepared: &Prepared,
    answer: Result<Answer, Error>,
) -> Result<Response<T>, Error> {
    answer
        .and_then(|Answer(raw)| decode_response(prepared.operation, prepared.envelope, raw))
        .map_err(|error| outcome_unknown(prepared, error))
}

/// Why an attempt produced no answer.
struct AttemptError {
    failure: Failure,
    error: Error,
}

/// The tracing span of one call. Fields name the path template only, never the path.
pub(crate) fn request_span(request: &OperationRequest) -> tracing::Span {
    tracing::info_span!(
        "enkash.request",
        operation = request.operation_id,
        method = %request.method,
        path = request.path_template,
        attempt = Empty,
        status = Empty,
        latency_ms = Empty,
    )
}

impl Transport {
    /// Prepares and sends `request` with the given authentication headers, in its own span.
    /// Used for calls that need no token (the token call itself).
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        request: OperationRequest,
        auth: Vec<(HeaderName, HeaderValue)>,
    ) -> Result<Response<T>, Error> {
        let span = request_span(&request);
        let (prepared, answer) = self
            .exchange(request, auth, &span)
            .instrument(span.clone())
            .await?;
        span.in_scope(|| finish(&prepared, answer))
    }

    /// The part of [`send`](Self::send) that does not depend on the answer's type.
    async fn exchange(
        &self,
        request: OperationRequest,
        auth: Vec<(HeaderName, HeaderValue)>,
        span: &tracing::Span,
    ) -> Result<(Prepared, Result<Answer, Error>), Error> {
        let mut prepared = self.prepare(request)?;
        prepared.set_headers(auth);
        let answer = self.run(&prepared, span).await;
        Ok((prepared, answer))
    }

    /// Checks and encodes `request`. Fails with [`Error::InvalidRequest`] before anything
    /// is sent if a header value or the path is unsafe.
    pub(crate) fn prepare(&self, request: OperationRequest) -> Result<Prepared, Error> {
        let url = self.url_for(&request)?;
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 4);
        for (name, value) in &request.headers {
            let header_name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidRequest {
                    field: (*name).to_owned(),
                    reason: "is not a valid header name".to_owned(),
                })?;
            let header = header_value(value).map_err(|reason| Error::InvalidRequest {
                field: (*name).to_owned(),
                reason,
            })?;
            headers.append(header_name, header);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.user_agent.clone());
        let body = match request.body {
            Some(body) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(body.content_type));
                // Only JSON bodies are wrapped: the token call's form body goes out plain.
                match &self.encryption {
                    Some(encryption) if body.content_type == "application/json" => {
                        Some(encryption.wrap(&body.bytes))
                    }
                    _ => Some(body.bytes),
                }
            }
            None => None,
        };
        Ok(Prepared {
            operation: request.operation_id,
            method: request.method,
            url,
            headers,
            body,
            class: request.retry,
            resend_keyed: request
                .options
                .resend_keyed_write
                .unwrap_or(self.resend_keyed_writes),
            idempotency_key: request.idempotency_key,
            outcome_lookup: request.outcome_lookup,
            envelope: request.envelope,
            timeout: request.options.timeout.unwrap_or(self.timeout),
            deadline: tokio::time::Instant::now()
                + request
                    .options
                    .operation_timeout
                    .unwrap_or(self.operation_timeout),
            max_retries: request
                .options
                .max_retries
                .unwrap_or(self.retry.max_retries()),
        })
    }

    /// `base + path + ?query`, refusing any path the URL parser would rewrite: a segment
    /// that is `.`/`..` (even percent-encoded) would address a different resource.
    fn url_for(&self, request: &OperationRequest) -> Result<Url, Error> {
        let path_error = |reason: String| Error::InvalidRequest {
            field: "path".to_owned(),
            reason,
        };
        if !request.path.starts_with('/') {
            return Err(path_error(format!(
                "for {} does not start with `/`",
                request.path_template
            )));
        }
        let expected = format!("{}{}", self.base.path().trim_end_matches('/'), request.path);
        let mut url = self.base.clone();
        url.set_path(&expected);
        if url.path() != expected || url.query().is_some() || url.fragment().is_some() {
            return Err(path_error(format!(
                "a path parameter of {} would change the addressed resource (`.`, `..`, or an unencoded `?`/`#`)",
                request.path_template
            )));
        }
        if !request.query.is_empty() {
            let query = request
                .query
                .iter()
                .map(|(name, value)| {
                    format!(
                        "{}={}",
                        percent_encoding::utf8_percent_encode(name, QUERY_COMPONENT),
                        percent_encoding::utf8_percent_encode(value, QUERY_COMPONENT)
                    )
                })
                .collect::<Vec<_>>()
                .join("&");
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// Runs attempts until one succeeds, fails for good, or the retry budget is spent, and
    /// returns the last answer (decrypted), to be decoded by [`finish`].
    ///
    /// Nothing here depends on the payload's type, so it is compiled once, not once per
    /// operation: only [`finish`] is generic.
    pub(crate) async fn run(
        &self,
        prepared: &Prepared,
        span: &tracing::Span,
    ) -> Result<Answer, Error> {
        let mut retry: u32 = 0;
        loop {
            span.record("attempt", retry + 1);
            let started = Instant::now();
            let outcome = self.attempt(prepared).await;
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            let failure = match &outcome {
                Ok(raw) => {
                    span.record("status", raw.status.as_u16());
                    (!raw.status.is_success()).then_some(Failure::Status(raw.status))
                }
                Err(attempt_error) => Some(attempt_error.failure),
            };
            if let Some(failure) = failure
                && retry < prepared.max_retries
                && is_retryable(prepared.class, prepared.resend_keyed, failure)
            {
                let headers = outcome.as_ref().ok().map(|raw| &raw.headers);
                match wait_before_retry(&self.retry, retry, headers) {
                    // A retry that would start after the call's deadline is not made.
                    Wait::Retry(delay)
                        if tokio::time::Instant::now() + delay >= prepared.deadline =>
                    {
                        tracing::debug!(
                            reason = failure_label(failure),
                            "not retrying: the operation timeout would run out first"
                        );
                    }
                    Wait::Retry(delay) => {
                        tracing::debug!(
                            attempt = retry + 1,
                            reason = failure_label(failure),
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                        retry += 1;
                        continue;
                    }
                    Wait::GiveUp => tracing::debug!(
                        reason = failure_label(failure),
                        "not retrying: Retry-After is longer than the policy allows"
                    ),
                }
            }
            return match outcome {
                Ok(raw) => self.decrypt(prepared, raw).map(Answer),
                Err(attempt_error) => Err(attempt_error.error),
            };
        }
    }

    /// With encryption on, replaces a wrapped body by its plaintext; a plain body is left
    /// as it is (see [`crate::encryption`] for why).
    fn decrypt(&self, prepared: &Prepared, mut raw: Raw) -> Result<Raw, Error> {
        let Some(encryption) = &self.encryption else {
            return Ok(raw);
        };
        let code = prepared.envelope.map_or(&[][..], |e| e.code);
        match encryption.unwrap(&raw.body, code) {
            Ok(Some(plaintext)) => raw.body = plaintext,
            Ok(None) => tracing::debug!("the response is not encrypted; read as plain JSON"),
            Err(reason) => {
                return Err(Error::Decryption {
                    operation: prepared.operation,
                    status: raw.status,
                    reason,
                });
            }
        }
        Ok(raw)
    }

    /// One attempt: send, then read the whole body, all within the attempt's timeout.
    /// reqwest's per-request timeout runs from connecting until the body has been read
    /// (a server that stalls mid-body times out too), so no second timer is needed.
    async fn attempt(&self, prepared: &Prepared) -> Result<Raw, AttemptError> {
        let timeout = prepared.attempt_timeout();
        if timeout.is_zero() {
            // The operation timeout ran out before this attempt (waiting for a token).
            return Err(AttemptError {
                failure: Failure::Fatal,
                error: Error::Timeout {
                    operation: prepared.operation,
                    after: Duration::ZERO,
                    connecting: true,
                },
            });
        }
        let mut builder = self
            .http
            .request(prepared.method.clone(), prepared.url.clone())
            .headers(prepared.headers.clone())
            .timeout(timeout);
        if let Some(body) = &prepared.body {
            // The same bytes on every attempt.
            builder = builder.body(body.clone());
        }
        let exchange = async {
            let mut response = builder.send().await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>(Raw {
                status,
                headers,
                body: body.into(),
            })
        };
        exchange
            .await
            .map_err(|error| self.classify(prepared, error, timeout))
    }

    /// Maps a reqwest error onto a retry [`Failure`] and a public [`Error`]. The URL is
    /// stripped from the error: its path and query can hold ids and user ids.
    fn classify(
        &self,
        prepared: &Prepared,
        error: reqwest::Error,
        timeout: Duration,
    ) -> AttemptError {
        let failure = if error.is_connect() {
            Failure::Connect
        } else if error.is_timeout() {
            Failure::Timeout
        } else if error.is_builder() || error.is_redirect() {
            Failure::Fatal
        } else {
            Failure::Interrupted
        };
        let error = if error.is_timeout() {
            let after = match (failure, self.connect_timeout) {
                (Failure::Connect, Some(connect_timeout)) => connect_timeout.min(timeout),
                _ => timeout,
            };
            Error::Timeout {
                operation: prepared.operation,
                after,
                connecting: failure == Failure::Connect,
            }
        } else {
            Error::Transport {
                operation: prepared.operation,
                source: error.without_url(),
            }
        };
        AttemptError { failure, error }
    }
}

/// A write that failed without a definite answer becomes [`Error::OutcomeUnknown`],
/// naming its key and the lookup operation; anything else is returned as it is.
fn outcome_unknown(prepared: &Prepared, error: Error) -> Error {
    let is_write = matches!(
        prepared.class,
        RetryClass::KeyedWrite | RetryClass::NonIdempotent
    );
    if !is_write || !error.outcome_unknown() {
        return error;
    }
    Error::OutcomeUnknown {
        operation: prepared.operation,
        idempotency_key: prepared.idempotency_key.clone(),
        lookup: prepared.outcome_lookup,
        cause: Box::new(error),
    }
}

/// A fixed label for a failure, safe to log.
fn failure_label(failure: Failure) -> &'static str {
    match failure {
        Failure::Connect => "connect",
        Failure::Timeout => "timeout",
        Failure::Interrupted => "interrupted",
        Failure::Fatal => "fatal",
        Failure::Status(status) if status == StatusCode::TOO_MANY_REQUESTS => "status 429",
        Failure::Status(status) if status == StatusCode::BAD_GATEWAY => "status 502",
        Failure::Status(status) if status == StatusCode::SERVICE_UNAVAILABLE => "status 503",
        Failure::Status(status) if status == StatusCode::GATEWAY_TIMEOUT => "status 504",
        Failure::Status(_) => "status",
    }
}

/// Checks that `value` can be sent as a header value: visible ASCII and spaces only.
/// CR/LF would let a caller's input inject headers; other control and non-ASCII
/// characters are rejected by proxies inconsistently. The error is a reason phrase.
pub(crate) fn header_value(value: &str) -> Result<HeaderValue, String> {
    if let Some(bad) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        let reason = match bad {
            '\r' | '\n' => "contains a line break (CR or LF)".to_owned(),
            c if c.is_ascii_control() => {
                format!("contains the control character U+{:04X}", u32::from(c))
            }
            _ => "contains a non-ASCII character".to_owned(),
        };
        return Err(reason);
    }
    HeaderValue::from_str(value).map_err(|_| "is not a valid header value".to_owned())
}

/// Interprets a server's answer; see the table in the [module documentation](self).
fn decode_response<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Option<Envelope>,
    raw: Raw,
) -> Result<Response<T>, Error> {
    let Raw {
        status,
        headers,
        body,
    } = raw;
    let payload = decode_payload(operation, envelope, status, &body)?;
    Ok(Response {
        status,
        headers,
        payload,
    })
}

/// The payload of an answer, or the error it means; see the table in the
/// [module documentation](self).
pub(crate) fn decode_payload<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Option<Envelope>,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    match envelope {
        Some(envelope) => decode_enveloped(operation, envelope, status, body),
        None if status.is_success() => decode_bytes(operation, status, body),
        None => Err(Error::Http {
            status,
            body_snippet: snippet(body),
        }),
    }
}

/// [`Error::Decode`] for `body`, naming the field at `path` (`.` for the whole body).
fn decode_error(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
    path: String,
    message: String,
) -> Error {
    Error::Decode {
        operation,
        status,
        path,
        message,
        body_snippet: snippet(body),
    }
}

/// The body as `T`, with the path of the field that failed. An empty body decodes as
/// JSON `null`, so operations answering nothing can use `()` or `Option<_>`.
fn decode_bytes<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    let decode_error = |path, message| decode_error(operation, status, body, path, message);
    if body.iter().all(u8::is_ascii_whitespace) {
        // Read from the text `null`, as every other body is: decoding from a
        // `serde_json::Value` would compile each type's decoder once more.
        return decode_text(b"null").map_err(|(path, message)| {
            let message = message.trim_end_matches(" at line 1 column 4");
            decode_error(path, format!("empty body: {message}"))
        });
    }
    decode_text(body).map_err(|(path, message)| decode_error(path, message))
}

/// `text` as `T` in one pass; only when that fails is it read again, tracking the path of
/// the failing field, so a success pays nothing for error reporting.
fn decode_text<T: DeserializeOwned>(text: &[u8]) -> Result<T, (String, String)> {
    let error = match serde_json::from_slice::<T>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => Err((e.path().to_string(), e.inner().to_string())),
        // Trailing characters after a valid value: the first error said so.
        Ok(_) => Err((".".to_owned(), error.to_string())),
    }
}

/// Unwraps an EnKash envelope: a non-zero code is an [`Error::Api`] whatever the status.
///
/// The envelope is read as raw JSON fields and the payload decoded from its own text,
/// never from a `serde_json::Value`: a `Value` hands out a number such as
/// `212110981360666.62` as an `f64`, from which the decimal it was cannot be told apart
/// from `…666.63` (both are shortest spellings of that `f64`).
fn decode_enveloped<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Envelope,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    if status.is_success()
        && let Some(payload) = success_in_one_pass(envelope, body)
    {
        return Ok(payload);
    }
    decode_enveloped_in_two_passes(operation, envelope, status, body)
}

/// [`decode_enveloped`] for every answer: the envelope's members first, then the payload
/// from its own text, so that whatever the answer is can be said exactly.
fn decode_enveloped_in_two_passes<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Envelope,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    let decode_error = |path, message| decode_error(operation, status, body, path, message);
    let http_error = || Error::Http {
        status,
        body_snippet: snippet(body),
    };
    let value_of = |raw: &RawValue| serde_json::from_str::<serde_json::Value>(raw.get()).ok();

    // The members borrowed from the body: nothing is copied; the payload is decoded below
    // from its own text. The owned, path-tracking decode runs only to describe a failure.
    type Members<'b> = BTreeMap<std::borrow::Cow<'b, str>, &'b RawValue>;
    let parsed = serde_json::from_slice::<Members<'_>>(body).map_err(|_| {
        // Describe the failure as the owned decode does (empty body, path, position).
        match decode_bytes::<BTreeMap<String, Box<RawValue>>>(operation, status, body) {
            Err(error) => error,
            Ok(_) => decode_error(".".to_owned(), "is not a readable JSON object".to_owned()),
        }
    });
    let fields: Members<'_> = match parsed {
        Ok(fields) => fields,
        Err(_) if !status.is_success() => return Err(http_error()),
        // Well-formed JSON, but not an object: name what was expected.
        Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() => {
            return Err(decode_error(
                ".".to_owned(),
                "expected the EnKash response envelope (a JSON object)".to_owned(),
            ));
        }
        Err(error) => return Err(error),
    };
    let code = Envelope::pick(envelope.code, &fields)
        .map(|(name, raw)| (name, value_of(raw).as_ref().and_then(envelope_code)));
    let code = match code {
        Some((_, Some(code))) => code,
        Some((name, None)) if status.is_success() => {
            return Err(decode_error(
                name.to_owned(),
                "is not an integer".to_owned(),
            ));
        }
        None if status.is_success() => {
            return Err(decode_error(
                envelope.code.join(" or "),
                "is missing: expected the EnKash response envelope".to_owned(),
            ));
        }
        Some((_, None)) | None => return Err(http_error()),
    };
    let payload_member = Envelope::pick(envelope.payload, &fields);
    if code != 0 {
        let message =
            match Envelope::pick(envelope.message, &fields).and_then(|(_, raw)| value_of(raw)) {
                Some(serde_json::Value::String(message)) => message,
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
        let mut payload = payload_member
            .and_then(|(_, raw)| value_of(raw))
            .unwrap_or(serde_json::Value::Null);
        crate::redact::redact_value(&mut payload);
        return Err(Error::Api {
            code,
            message,
            status,
            payload,
        });
    }
    if !status.is_success() {
        return Err(http_error());
    }
    // An envelope with no payload member names (a hand-built `Envelope`) reads as `null`.
    let (name, payload) = payload_member.map_or(
        (
            envelope.payload.first().copied().unwrap_or("payload"),
            "null",
        ),
        |(name, raw)| (name, raw.get()),
    );
    decode_text(payload.as_bytes())
        .map_err(|(path, message)| decode_error(prefixed_path(name, &path), message))
}

/// The common case, a success, in one pass over `body`: the payload is decoded as `T`
/// where it stands, the code checked to be 0, everything else skipped unread. `None` for
/// anything else (a non-zero or missing code, a payload that is not a `T`, a name given
/// twice, malformed JSON): [`decode_enveloped`] then reads the body again and says what it
/// is, so only a failure pays for the second pass.
fn success_in_one_pass<T: DeserializeOwned>(envelope: Envelope, body: &[u8]) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let payload = serde::Deserializer::deserialize_map(
        &mut deserializer,
        one_pass::Members::<T>::new(envelope),
    )
    .ok()?;
    deserializer.end().ok()?;
    payload
}

/// The visitors of [`success_in_one_pass`].
mod one_pass {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    use crate::request::Envelope;

    /// What an envelope member is, told from its name without copying it.
    enum Member {
        Code,
        Payload,
        Other,
    }

    struct MemberName(Envelope);

    impl<'de> DeserializeSeed<'de> for MemberName {
        type Value = Member;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member, D::Error> {
            deserializer.deserialize_str(self)
        }
    }

    impl Visitor<'_> for MemberName {
        type Value = Member;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a member name")
        }

        fn visit_str<E>(self, name: &str) -> Result<Member, E> {
            Ok(if self.0.code.contains(&name) {
                Member::Code
            } else if self.0.payload.contains(&name) {
                Member::Payload
            } else {
                Member::Other
            })
        }
    }

    /// Whether an envelope code is 0, sent as a number or as a numeric string.
    struct CodeIsZero;

    impl<'de> serde::Deserialize<'de> for CodeIsZero {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(CodeIsZero)
        }
    }

    impl Visitor<'_> for CodeIsZero {
        type Value = CodeIsZero;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the code 0")
        }

        fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<Self, E> {
            (code == 0)
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }

        fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<Self, E> {
            (code == 0)
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }

        fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Self, E> {
            (code.trim().parse::<i64>() == Ok(0))
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }
    }

    /// The envelope's members: `Some(payload)` when the code is 0 and each of code and
    /// payload is given exactly once.
    pub(super) struct Members<T> {
        envelope: Envelope,
        payload: PhantomData<fn() -> T>,
    }

    impl<T> Members<T> {
        pub(super) fn new(envelope: Envelope) -> Self {
            Members {
                envelope,
                payload: PhantomData,
            }
        }
    }

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for Members<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the EnKash response envelope")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let (mut codes, mut payload, mut payloads) = (0, None, 0);
            while let Some(member) = map.next_key_seed(MemberName(self.envelope))? {
                match member {
                    Member::Code => {
                        map.next_value::<CodeIsZero>()?;
                        codes += 1;
                    }
                    Member::Payload => {
                        payload = Some(map.next_value::<T>()?);
                        payloads += 1;
                    }
                    Member::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(payload.filter(|_| codes == 1 && payloads == 1))
        }
    }
}

/// An envelope code sent as a number or as a numeric string.
fn envelope_code(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(number) => number.as_i64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// `payload` + a `serde_path_to_error` path (`.` for the root, `[0]…` for sequences).
fn prefixed_path(field: &str, path: &str) -> String {
    match path {
        "." => field.to_owned(),
        p if p.starts_with('[') => format!("{field}{p}"),
        p => format!("{field}.{p}"),
    }
}

/// The first [`SNIPPET_CHARS`] characters of a body, secrets masked
/// ([`redact`](crate::redact)), cut on a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    crate::redact::redact_text(&text)
        .chars()
        .take(SNIPPET_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const ENVELOPE: Envelope = Envelope {
        code: &["response_code"],
        message: &["response_message"],
        payload: &["payload"],
    };

    fn raw(status: u16, body: &str) -> Raw {
        Raw {
            status: StatusCode::from_u16(status).expect("valid status"),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Card {
        card_status: Status,
        #[serde(with = "crate::serde_helpers::exact")]
        amount: rust_decimal::Decimal,
    }

    #[derive(Debug, Deserialize)]
    struct Status {
        name: String,
    }

    #[test]
    fn header_values_reject_injection_and_invisible_characters() {
        assert!(header_value("abc DEF-123_~").is_ok());
        assert!(
            header_value("a\r\nX-Evil: 1")
                .unwrap_err()
                .contains("line break")
        );
        assert!(header_value("a\nb").unwrap_err().contains("line break"));
        assert!(header_value("a\tb").unwrap_err().contains("U+0009"));
        assert!(header_value("a\u{7f}").unwrap_err().contains("U+007F"));
        assert!(header_value("café").unwrap_err().contains("non-ASCII"));
    }

    #[test]
    fn snippets_cut_on_char_boundaries() {
        let long = "é".repeat(1000);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS);
        assert!(cut.chars().all(|c| c == 'é'));
        assert_eq!(snippet(b"short"), "short");
        let wide = "😀".repeat(600);
        assert_eq!(
            snippet(wide.as_bytes())
                .chars()
                .filter(|c| *c == '😀')
                .count(),
            SNIPPET_CHARS
        );
    }

    #[test]
    fn payload_paths_are_prefixed() {
        assert_eq!(prefixed_path("payload", "."), "payload");
        assert_eq!(
            prefixed_path("payload", "cardStatus.name"),
            "payload.cardStatus.name"
        );
        assert_eq!(prefixed_path("payload", "[2].name"), "payload[2].name");
    }

    #[test]
    fn success_decodes_the_payload_exactly() {
        let body = r#"{"response_code":0,"response_message":"Success","payload":{"cardStatus":{"name":"ACTIVE"},"amount":12345678901234567.89}}"#;
        let response: Response<Card> =
            decode_response("op", Some(ENVELOPE), raw(200, body)).expect("decodes");
        assert_eq!(response.payload.card_status.name, "ACTIVE");
        assert_eq!(response.payload.amount.to_string(), "12345678901234567.89");
    }

    /// The one-pass success path decodes exactly what the two-pass reading does, and
    /// leaves everything else to it.
    #[test]
    fn one_pass_agrees_with_two_passes() {
        let bodies = [
            (r#"{"response_code":0,"payload":{"a":[1,2.50]}}"#, true),
            (
                r#"{"payload":"first","x":{"y":[]},"response_code":"0"}"#,
                true,
            ),
            (
                r#"{"response_code":" 0 ","response_message":"ok","payload":null}"#,
                true,
            ),
            (r#"{"response_code":0,"payload":1,"payload":2}"#, false),
            (
                r#"{"response_code":0,"response_code":0,"payload":1}"#,
                false,
            ),
            (r#"{"response_code":0}"#, false),
            (r#"{"response_code":0.0,"payload":1}"#, false),
            (r#"{"response_code":1,"payload":1}"#, false),
            (r#"{"response_code":0,"payload":1} x"#, false),
            (r#"[0]"#, false),
        ];
        for (body, one_pass) in bodies {
            let fast = success_in_one_pass::<serde_json::Value>(ENVELOPE, body.as_bytes());
            assert_eq!(fast.is_some(), one_pass, "{body}");
            let slow = decode_enveloped_in_two_passes::<serde_json::Value>(
                "op",
                ENVELOPE,
                StatusCode::OK,
                body.as_bytes(),
            );
            if let Some(fast) = fast {
                assert_eq!(Some(fast), slow.ok(), "{body}");
            }
        }
    }

    #[test]
    fn non_zero_code_is_an_api_error_even_on_200() {
        let body = r#"{"response_code":1,"response_message":"Insufficient balance","payload":"Insufficient balance"}"#;
        match decode_response::<Card>("op", Some(ENVELOPE), raw(200, body)) {
            Err(Error::Api {
                code: 1,
                message,
                status,
                payload,
            }) => {
                assert_eq!(message, "Insufficient balance");
                assert_eq!(status, StatusCode::OK);
                assert_eq!(payload, serde_json::json!("Insufficient balance"));
            }
            other => panic!("expected Api, got {other:?}"),
        }
        let string_code = r#"{"response_code":"7","response_message":null}"#;
        assert!(matches!(
            decode_response::<Card>("op", Some(ENVELOPE), raw(422, string_code)),
            Err(Error::Api { code: 7, .. })
        ));
    }

    #[test]
    fn zero_code_on_an_error_status_is_http() {
        let body = r#"{"response_code":0,"payload":{}}"#;
        assert!(matches!(
            decode_response::<serde_json::Value>("op", Some(ENVELOPE), raw(500, body)),
            Err(Error::Http { .. })
        ));
    }

    #[test]
    fn missing_envelope_on_success_is_a_decode_error() {
        match decode_response::<serde_json::Value>("op", Some(ENVELOPE), raw(200, r#"{"data":1}"#))
        {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "response_code"),
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(matches!(
            decode_response::<serde_json::Value>("op", Some(ENVELOPE), raw(200, "[1]")),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn wrong_types_report_the_field_path() {
        let body = r#"{"response_code":0,"payload":{"cardStatus":{"name":5},"amount":"1"}}"#;
        match decode_response::<Card>("op", Some(ENVELOPE), raw(200, body)) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "payload.cardStatus.name"),
            other => panic!("expected Decode, got {other:?}"),
        }
        match decode_response::<Vec<Status>>(
            "op",
            None,
            raw(200, r#"[{"name":"a"},{"name":false}]"#),
        ) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "[1].name"),
            other => panic!("expected Decode, got {other:?}"),
        }
    }

    #[test]
    fn bare_bodies_decode_whole_and_reject_trailing_garbage() {
        let ok: Response<Status> =
            decode_response("op", None, raw(200, r#"{"name":"x"}"#)).expect("decodes");
        assert_eq!(ok.payload.name, "x");
        assert!(matches!(
            decode_response::<Status>("op", None, raw(200, r#"{"name":"x"} trailing"#)),
            Err(Error::Decode { .. })
        ));
        let empty: Response<()> =
            decode_response("op", None, raw(204, "")).expect("empty body is null");
        assert_eq!(empty.status, StatusCode::NO_CONTENT);
        // An empty body where an object is due: said as such, with no position in it.
        match decode_response::<Status>("op", None, raw(200, " ")) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, ".");
                assert_eq!(
                    message,
                    "empty body: invalid type: null, expected struct Status"
                );
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(matches!(
            decode_response::<Status>("op", None, raw(401, r#"{"error":"unauthorized"}"#)),
            Err(Error::Http { .. })
        ));
    }
}
