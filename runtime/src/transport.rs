//! Sending one [`OperationRequest`] over HTTP: the one pipeline every request goes through,
//! the token call included.
//!
//! The transport turns the generator's plain request description into an HTTP request
//! (validating everything that came from a caller, so bad input fails before anything is
//! sent), runs the attempts the [retry policy](crate::retry) allows, each within its timeout
//! and none past the call's deadline, and hands the final answer to [`decode`](crate::decode).
//!
//! Nothing here logs a concrete URL, a header value or a body: paths can hold ids, queries
//! can hold user ids, bodies hold personal data. Traces name the path *template*.

use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName,
    HeaderValue, TRANSFER_ENCODING, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::decode::{Raw, decode_response};
use std::sync::Arc;

use crate::encryption::PayloadEncryption;
use crate::error::Error;
use crate::request::{
    AnswerFormat, Envelope, IdempotencyKey, OperationRequest, Response, RetryClass, Security,
};
use crate::retry::{Failure, RetryBudget, RetryPolicy, Wait, is_retryable, wait_before_retry};
use crate::time::{Sleep, later};

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
    /// The longest answer body read, in bytes.
    pub(crate) max_response_size: usize,
    /// `None` when the caller supplied their own `reqwest::Client`.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    /// The retries the client's calls may still make, shared by its clones.
    pub(crate) retry_budget: Arc<RetryBudget>,
    /// The client-wide opt-in to resend [`RetryClass::KeyedWrite`] requests.
    pub(crate) resend_keyed_writes: bool,
    /// EnKash payload encryption, when the caller switched it on.
    pub(crate) encryption: Option<PayloadEncryption>,
    /// What waits between attempts.
    pub(crate) sleep: Arc<dyn Sleep>,
}

/// A request checked and encoded, ready to be sent as many times as the policy allows.
pub(crate) struct Prepared {
    operation: &'static str,
    security: &'static [Security],
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
    answer: AnswerFormat,
    timeout: Duration,
    max_retries: u32,
    /// The longest answer body read (client or call).
    max_response_size: usize,
    /// The whole call's time, every attempt and wait included.
    operation_timeout: Duration,
    /// When the whole call must have ended.
    deadline: tokio::time::Instant,
    /// Whether a success answer's body is handed over unread, to be streamed.
    streamed: bool,
}

impl Prepared {
    /// The operation's id, as the spec names it.
    pub(crate) fn operation(&self) -> &'static str {
        self.operation
    }

    /// The security schemes the request must satisfy.
    pub(crate) fn security(&self) -> &'static [Security] {
        self.security
    }

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

    /// Hands a success answer's body over unread ([`Answer::Unread`]), for the caller to
    /// stream, instead of reading it whole.
    pub(crate) fn stream_success(&mut self) {
        self.streamed = true;
    }

    /// Adds (or replaces) headers, e.g. the ones security resolved to.
    pub(crate) fn set_headers(
        &mut self,
        headers: impl IntoIterator<Item = (HeaderName, HeaderValue)>,
    ) {
        for (name, value) in headers {
            self.headers.insert(name, value);
        }
    }
}

/// The final answer to a request, not yet decoded: its body read (and decrypted), or, for
/// a call that streams its answer, a success whose body is still to be read.
pub(crate) enum Answer {
    Read(Raw),
    Unread(Unread),
}

/// A success answer whose body the caller reads as it arrives.
pub(crate) struct Unread {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: reqwest::Body,
    /// The timeout the body is read under (the attempt's).
    pub(crate) timeout: Duration,
}

impl Answer {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Answer::Read(raw) => raw.status,
            Answer::Unread(unread) => unread.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Read(raw) => &raw.headers,
            Answer::Unread(unread) => &unread.headers,
        }
    }
}

/// Decodes the final answer to `prepared` (or passes its error on); a write whose outcome
/// the error leaves unknown becomes [`Error::OutcomeUnknown`].
pub(crate) fn finish<T: DeserializeOwned>(
    prepared: &Prepared,
    answer: Result<Answer, Error>,
) -> Result<Response<T>, Error> {
    answer
        .and_then(|answer| match answer {
            Answer::Read(raw) => {
                decode_response(prepared.operation, prepared.envelope, prepared.answer, raw)
            }
            // Only a call that streams its answer leaves a body unread, and it does not
            // come here (see `Exchanged::into_stream`).
            Answer::Unread(unread) => Err(Error::Decode {
                operation: prepared.operation,
                status: unread.status,
                path: ".".to_owned(),
                message: "was left unread to be streamed, not decoded".to_owned(),
                body_snippet: String::new(),
            }),
        })
        .map_err(|error| outcome_unknown(prepared, error))
}

/// An answer's body, at most `limit` bytes of it, and whether it was longer (`true`: the
/// rest is not read). A body whose announced length is over the limit is read no further
/// than its first chunk (enough to quote its start).
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let announced = response.content_length();
    let too_long = announced.is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit));
    let capacity = announced.and_then(|n| usize::try_from(n).ok());
    let mut body = Vec::with_capacity(capacity.filter(|_| !too_long).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        if too_long || chunk.len() > room {
            body.extend_from_slice(chunk.get(..room).unwrap_or(&chunk));
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
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

/// How one request is authenticated: the pipeline's hook before the first attempt and after
/// the last. The token call sends fixed headers ([`FixedHeaders`]); an operation resolves its
/// security requirements (a bearer token from the cache, API keys) and, on a 401, tells the
/// cache (the client's hook, in `auth`).
pub(crate) trait Authenticate {
    /// The headers for `prepared` (checked and encoded already, so a bad request causes no
    /// token request), and what [`answered`](Self::answered) needs to know.
    fn headers(
        &self,
        prepared: &Prepared,
    ) -> impl Future<Output = Result<Authenticated, Error>> + Send;

    /// Called with the final answer's status (if the server answered at all).
    fn answered(&self, status: Option<StatusCode>, authenticated: &Authenticated);
}

/// The headers a request was sent with, and which managed token (if any) they carried.
pub(crate) struct Authenticated {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) bearer_generation: Option<u64>,
}

/// Headers known in advance: the token call's HTTP Basic credential.
pub(crate) struct FixedHeaders(pub(crate) Vec<(HeaderName, HeaderValue)>);

impl Authenticate for FixedHeaders {
    async fn headers(&self, _: &Prepared) -> Result<Authenticated, Error> {
        Ok(Authenticated {
            headers: self.0.clone(),
            bearer_generation: None,
        })
    }

    fn answered(&self, _: Option<StatusCode>, _: &Authenticated) {}
}

impl Transport {
    /// Sends `request`, authenticated by `auth`, in its own span, and decodes the answer:
    /// the one pipeline every request goes through.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        request: OperationRequest,
        auth: &impl Authenticate,
    ) -> Result<Response<T>, Error> {
        let span = request_span(&request);
        let mut prepared = self.prepare(request)?;
        let answer = self
            .exchange(&mut prepared, auth, &span)
            .instrument(span.clone())
            .await?;
        span.in_scope(|| finish(&prepared, answer))
    }

    /// The part of [`send`](Self::send) that does not depend on the answer's type, after
    /// [`prepare`](Self::prepare) has checked the request (so a bad header causes not even
    /// a token request): authenticate, run the attempts, let the hook see the answer.
    /// Fails outright only when authentication does.
    ///
    /// `prepared` is borrowed, not owned, so that the call's future holds it once.
    pub(crate) async fn exchange(
        &self,
        prepared: &mut Prepared,
        auth: &impl Authenticate,
        span: &tracing::Span,
    ) -> Result<Result<Answer, Error>, Error> {
        let mut authenticated = auth.headers(prepared).await?;
        prepared.set_headers(std::mem::take(&mut authenticated.headers));
        let answer = self.run(prepared, span).await;
        // A 401 answer always decodes to an error carrying that status; one that could not
        // even be decrypted carries it too.
        let status = match &answer {
            Ok(answer) => Some(answer.status()),
            Err(error) => error.status(),
        };
        auth.answered(status, &authenticated);
        Ok(answer)
    }

    /// Checks and encodes `request`. Fails with [`Error::InvalidRequest`] before anything
    /// is sent if a header value or the path is unsafe, or a per-call limit is zero.
    pub(crate) fn prepare(&self, request: OperationRequest) -> Result<Prepared, Error> {
        check_limits(&request)?;
        let url = self.url_for(&request)?;
        let mut headers = headers_for(&request)?;
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
        let operation_timeout = request
            .options
            .operation_timeout
            .unwrap_or(self.operation_timeout);
        Ok(Prepared {
            operation: request.operation_id,
            security: request.security,
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
            answer: request.answer,
            timeout: request.options.timeout.unwrap_or(self.timeout),
            max_response_size: request
                .options
                .max_response_size
                .unwrap_or(self.max_response_size),
            operation_timeout,
            deadline: later(tokio::time::Instant::now(), operation_timeout),
            max_retries: request
                .options
                .max_retries
                .unwrap_or(self.retry.max_retries()),
            streamed: false,
        })
    }

    /// `base + path + ?query`, refusing any path the URL parser would rewrite: a segment
    /// that is `.`/`..` (even percent-encoded) would address a different resource.
    fn url_for(&self, request: &OperationRequest) -> Result<Url, Error> {
        let path_error = |reason: String| {
            Error::invalid_request(request.operation_id, "path".to_owned(), reason)
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
        if !request.query.is_empty() || !request.query_objects.is_empty() {
            // Written into one string: this runs on every call.
            let objects = request.query_objects.iter().map(|(n, v)| (n.as_str(), v));
            let mut query = String::new();
            for (name, value) in request.query.iter().map(|(n, v)| (*n, v)).chain(objects) {
                if !query.is_empty() {
                    query.push('&');
                }
                query.extend(percent_encoding::utf8_percent_encode(name, QUERY_COMPONENT));
                query.push('=');
                query.extend(percent_encoding::utf8_percent_encode(
                    value,
                    QUERY_COMPONENT,
                ));
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }

    /// Runs attempts until one succeeds, fails for good, or no retry is allowed, and
    /// returns the last answer (decrypted), to be decoded by [`finish`].
    ///
    /// Nothing here depends on the payload's type, so it is compiled once, not once per
    /// operation: only [`finish`] is generic.
    pub(crate) async fn run(
        &self,
        prepared: &mut Prepared,
        span: &tracing::Span,
    ) -> Result<Answer, Error> {
        let mut retry: u32 = 0;
        // What this call's retries took from the client's retry budget.
        let mut spent: u32 = 0;
        loop {
            span.record("attempt", retry + 1);
            // Two clock reads a call saved when no subscriber wants the latency.
            let started = (!span.is_disabled()).then(Instant::now);
            let last = retry >= prepared.max_retries;
            let outcome = self.attempt(prepared, last).await;
            if let Some(started) = started {
                span.record(
                    "latency_ms",
                    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                );
            }
            let failure = match &outcome {
                Ok(answer) => {
                    let status = answer.status();
                    span.record("status", status.as_u16());
                    (!status.is_success()).then_some(Failure::Status(status))
                }
                Err(attempt_error) => {
                    // An answer whose body broke off had a status all the same.
                    if let Some(status) = attempt_error.error.status() {
                        span.record("status", status.as_u16());
                    }
                    Some(attempt_error.failure)
                }
            };
            if let Some(failure) = failure {
                let headers = outcome.as_ref().ok().map(Answer::headers);
                if let Some((delay, cost)) = self.retry_wait(prepared, retry, failure, headers) {
                    spent = spent.saturating_add(cost);
                    self.sleep.sleep(delay).await;
                    retry += 1;
                    continue;
                }
            } else {
                self.retry_budget.answered(spent);
            }
            return match outcome {
                Ok(Answer::Read(raw)) => self.decrypt(prepared, raw).map(Answer::Read),
                Ok(unread) => Ok(unread),
                Err(attempt_error) => Err(attempt_error.error),
            };
        }
    }

    /// Whether to retry after the attempt number `retry` failed with `failure` (its
    /// answer's `headers`, if it had one), and how long to wait first: the request's class,
    /// the call's retries and deadline, `Retry-After` and the client's retry budget all
    /// allow it. Returns the wait and what the retry took from the budget.
    fn retry_wait(
        &self,
        prepared: &Prepared,
        retry: u32,
        failure: Failure,
        headers: Option<&HeaderMap>,
    ) -> Option<(Duration, u32)> {
        if retry >= prepared.max_retries
            || !is_retryable(prepared.class, prepared.resend_keyed, failure)
        {
            return None;
        }
        let reason = failure_label(failure);
        let delay = match wait_before_retry(&self.retry, retry, headers) {
            Wait::Retry(delay) => delay,
            Wait::GiveUp => {
                tracing::debug!(
                    reason,
                    "not retrying: Retry-After is longer than the policy allows"
                );
                return None;
            }
        };
        // A retry that would start after the call's deadline is not made.
        if later(tokio::time::Instant::now(), delay) >= prepared.deadline {
            tracing::debug!(
                reason,
                "not retrying: the operation timeout would run out first"
            );
            return None;
        }
        let Some(cost) = self.retry_budget.spend(failure) else {
            tracing::debug!(
                reason,
                "not retrying: the client's retry budget is spent (the server has been failing)"
            );
            return None;
        };
        tracing::debug!(
            attempt = retry + 1,
            reason,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
        Some((delay, cost))
    }

    /// With encryption on, replaces a wrapped body by its plaintext; a plain body is left
    /// as it is (see [`crate::encryption`] for why).
    fn decrypt(&self, prepared: &Prepared, mut raw: Raw) -> Result<Raw, Error> {
        let Some(encryption) = &self.encryption else {
            return Ok(raw);
        };
        if raw.cut {
            // Not decryptable, and not to be reported as a wrong key: decoding says why.
            return Ok(raw);
        }
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

    /// One attempt: send, then read the whole body, all within the attempt's timeout, or,
    /// for a call that streams its answer, leave a success's body unread. reqwest's
    /// per-request timeout runs from connecting until the body has been read (a server
    /// that stalls mid-body times out too, streamed or not), so no second timer is needed.
    /// The `last` attempt the budget allows takes the headers and body instead of copying
    /// them.
    async fn attempt(&self, prepared: &mut Prepared, last: bool) -> Result<Answer, AttemptError> {
        let timeout = prepared.attempt_timeout();
        if timeout.is_zero() {
            // The operation timeout ran out before this attempt (waiting for a token).
            return Err(AttemptError {
                failure: Failure::Unsendable,
                error: Error::Timeout {
                    operation: prepared.operation,
                    after: prepared.operation_timeout,
                    connecting: true,
                    answered: None,
                },
            });
        }
        // The request built directly: a builder would insert the headers one by one.
        let mut request = reqwest::Request::new(prepared.method.clone(), prepared.url.clone());
        // The same headers and bytes on every attempt.
        let (headers, body) = if last {
            (std::mem::take(&mut prepared.headers), prepared.body.take())
        } else {
            (prepared.headers.clone(), prepared.body.clone())
        };
        *request.headers_mut() = headers;
        *request.timeout_mut() = Some(timeout);
        *request.body_mut() = body.map(reqwest::Body::from);
        // Started here, not inside the block below: the block would hold the whole request.
        let pending = self.http.execute(request);
        let limit = prepared.max_response_size;
        let streamed = prepared.streamed;
        // A failure carries the answer's status when it came after the answer's head.
        let exchange = async {
            let mut response = pending.await.map_err(|error| (error, None))?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            if streamed && status.is_success() {
                return Ok(Answer::Unread(Unread {
                    status,
                    headers,
                    body: response.into(),
                    timeout,
                }));
            }
            let (body, cut) = read_body(&mut response, limit)
                .await
                .map_err(|error| (error, Some(status)))?;
            Ok(Answer::Read(Raw {
                status,
                headers,
                body,
                cut,
            }))
        };
        exchange
            .await
            .map_err(|(error, answered)| self.classify(prepared, error, timeout, answered))
    }

    /// Maps a reqwest error onto a retry [`Failure`] and a public [`Error`], with the
    /// status of the answer whose body it cut off, if any. The URL is stripped from the
    /// error: its path and query can hold ids and user ids.
    fn classify(
        &self,
        prepared: &Prepared,
        error: reqwest::Error,
        timeout: Duration,
        answered: Option<StatusCode>,
    ) -> AttemptError {
        let failure = Failure::of_transport(&error);
        let error = if error.is_timeout() {
            let after = match (failure, self.connect_timeout) {
                (Failure::Connect, Some(connect_timeout)) => connect_timeout.min(timeout),
                _ => timeout,
            };
            Error::Timeout {
                operation: prepared.operation,
                after,
                connecting: failure == Failure::Connect,
                answered,
            }
        } else {
            Error::Transport {
                operation: prepared.operation,
                source: error.without_url(),
                answered,
            }
        };
        AttemptError { failure, error }
    }
}

/// A per-call limit of zero would fail the call before anything is sent, or cut every
/// answer: refused, as the client's builder refuses a zero limit.
fn check_limits(request: &OperationRequest) -> Result<(), Error> {
    let options = &request.options;
    let zero = [
        (
            "timeout",
            options.timeout.is_some_and(|timeout| timeout.is_zero()),
        ),
        (
            "operation_timeout",
            options
                .operation_timeout
                .is_some_and(|timeout| timeout.is_zero()),
        ),
        ("max_response_size", options.max_response_size == Some(0)),
    ];
    match zero.into_iter().find(|(_, is_zero)| *is_zero) {
        Some((option, _)) => Err(Error::invalid_request(
            request.operation_id,
            option.to_owned(),
            "must be greater than zero".to_owned(),
        )),
        None => Ok(()),
    }
}

/// The operation's own header inputs, the caller's extra headers and `Accept`, each
/// checked.
fn headers_for(request: &OperationRequest) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::with_capacity(request.headers.len() + 4);
    for (name, value) in &request.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::invalid_request(
                request.operation_id,
                (*name).to_owned(),
                "is not a valid header name".to_owned(),
            )
        })?;
        let header = header_value(value).map_err(|reason| {
            Error::invalid_request(request.operation_id, (*name).to_owned(), reason)
        })?;
        headers.append(header_name, header);
    }
    for (name, value) in &request.options.headers {
        let (name, value) = extra_header(request, name, value)?;
        headers.append(name, value);
    }
    let accept = match request.answer {
        AnswerFormat::Json => HeaderValue::from_static("application/json"),
        // The spec names the media type; any the server sends is handed over as is.
        AnswerFormat::Text | AnswerFormat::Binary => HeaderValue::from_static("*/*"),
        AnswerFormat::Negotiated { accept } => {
            let accept = request.options.accept.unwrap_or(accept);
            header_value(accept).map_err(|reason| {
                Error::invalid_request(request.operation_id, "Accept".to_owned(), reason)
            })?
        }
    };
    headers.insert(ACCEPT, accept);
    Ok(headers)
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
        Failure::Unsendable => "unsendable",
        Failure::Redirected => "redirect",
        Failure::Status(status) if status == StatusCode::TOO_MANY_REQUESTS => "status 429",
        Failure::Status(status) if status == StatusCode::BAD_GATEWAY => "status 502",
        Failure::Status(status) if status == StatusCode::SERVICE_UNAVAILABLE => "status 503",
        Failure::Status(status) if status == StatusCode::GATEWAY_TIMEOUT => "status 504",
        Failure::Status(_) => "status",
    }
}

/// Headers the client sets itself on every request, whatever the call asks: an extra
/// header may not replace or double them.
const CLIENT_SET_HEADERS: &[HeaderName] = &[
    ACCEPT,
    AUTHORIZATION,
    CONNECTION,
    CONTENT_LENGTH,
    CONTENT_TYPE,
    HOST,
    TRANSFER_ENCODING,
    USER_AGENT,
];

/// A header of the caller's own, checked: a valid name, not one the client sets itself
/// ([`CLIENT_SET_HEADERS`]), a safe value. The error is a reason phrase.
pub(crate) fn own_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header_name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| "is not a valid header name")?;
    if CLIENT_SET_HEADERS.contains(&header_name) {
        return Err("is a header the client sets itself".to_owned());
    }
    Ok((header_name, header_value(value)?))
}

/// A caller's extra header for `request` ([`RequestOptions::headers`]): an
/// [`own_header`] that is neither one of the request's API keys nor one of its inputs.
///
/// [`RequestOptions::headers`]: crate::request::RequestOptions::headers
fn extra_header(
    request: &OperationRequest,
    name: &str,
    value: &str,
) -> Result<(HeaderName, HeaderValue), Error> {
    let invalid =
        |reason: String| Error::invalid_request(request.operation_id, name.to_owned(), reason);
    let api_key = request
        .security
        .iter()
        .any(|s| matches!(s, Security::ApiKeyHeader(key) if key.eq_ignore_ascii_case(name)));
    if api_key {
        return Err(invalid("is a header the client sets itself".to_owned()));
    }
    if request
        .headers
        .iter()
        .any(|(own, _)| own.eq_ignore_ascii_case(name))
    {
        return Err(invalid(format!(
            "is an input of {}: set it with its setter, not as an extra header",
            request.operation_id
        )));
    }
    own_header(name, value).map_err(invalid)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
