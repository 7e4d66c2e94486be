//! Client configuration and the entry point every generated builder calls.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::api::Api;
use crate::auth::{Auth, Credentials, Secret};
use crate::encryption::PayloadEncryption;
use crate::error::Error;
use crate::request::{AnswerFormat, OperationRequest, Response};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::stream::ByteStream;
use crate::time::{Clock, NEVER, Sleep, TokioClock, TokioSleep};
use crate::transport::{
    self, Answer, Prepared, Transport, Unread, header_value, own_header, request_span,
};
use crate::values::Binary;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest answer read by default: far beyond any EnKash answer, short of what a
/// misdirected call (a proxy's download, a wrong base URL) could make every caller hold.
const DEFAULT_MAX_RESPONSE_SIZE: usize = 32 * 1024 * 1024;
/// How long a connection is kept for reuse once idle: shorter than the time after which
/// servers commonly close an idle one (5 s for Node.js and Apache httpd, 60 s for an AWS
/// load balancer, 75 s for nginx), so that the client, not the server, closes it. A
/// request written just as the server closes its connection fails with its outcome
/// unknown; reqwest's default keeps a connection 90 s.
const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);

/// A configured connection to an API: the HTTP pipeline every generated operation and the
/// token call go through.
///
/// Cheap to clone: clones share one connection pool and one cached bearer token. A
/// generated crate wraps it in its own `Client`, whose methods start the operations; build
/// that one with its `Client::builder()`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    auth: Auth,
}

impl Client {
    /// A builder for a client of the runtime's test API.
    #[cfg(test)]
    pub(crate) fn builder() -> ClientBuilder {
        ClientBuilder::new(&crate::api::TEST_API)
    }

    /// The base URL every request path is appended to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base.as_str()
    }

    /// Replaces the credentials the client logs in with, for this client and every clone
    /// of it, without building a new one: for a password or client secret rotated while
    /// the service runs, or for logins stopped after two were rejected.
    ///
    /// - The next token request uses them; one made before, still in flight, has its
    ///   outcome discarded (its token is not used, its rejection not counted).
    /// - Rejected logins are counted afresh, as for a new client, and a login may go at
    ///   once. EnKash counts failed logins per account, so replace them with credentials
    ///   known to be right, not to try one after another.
    /// - The token held is kept when the `client_id` and `username` stay the same (a
    ///   rotated secret does not undo a token already issued; should the server reject it,
    ///   a 401 drops it as usual), and dropped when either changes, so no call is made as
    ///   the previous user or integration.
    ///
    /// [`Error::Config`], and nothing changes, when the client was built without
    /// [`ClientBuilder::credentials`] or the new `client_id` cannot be sent as HTTP Basic
    /// (it holds a `:`).
    ///
    /// ```no_run
    /// # fn rotate(client: &enkash_rewards_runtime::Client) -> Result<(), enkash_rewards_runtime::Error> {
    /// use enkash_rewards_runtime::Credentials;
    /// // The password was changed on EnKash's side, and your secret store holds the new one.
    /// let rotated = Credentials::new("CEK1GZBO6A", "client-secret", "9600098867", "new password");
    /// client.replace_credentials(rotated)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn replace_credentials(&self, credentials: Credentials) -> Result<(), Error> {
        self.inner.auth.replace_credentials(credentials)
    }

    /// Replaces the bearer token given with [`ClientBuilder::bearer_token`], for this
    /// client and every clone of it, without building a new one: for a service that gets
    /// its tokens elsewhere (from a token service shared by several processes, say) and
    /// swaps in a fresh one before the old one expires, or after a call answered 401.
    /// Calls that start after it send the new token; a call already under way keeps the
    /// one it started with (its retries too), and a call answered 401 is not resent.
    ///
    /// [`Error::Config`], and nothing changes, when the client was built with
    /// [`ClientBuilder::credentials`] (it gets its own tokens:
    /// [`replace_credentials`](Self::replace_credentials) replaces those) or with no
    /// bearer token, or when the token cannot be sent in a header (a line break or another
    /// character that is not visible ASCII).
    ///
    /// ```no_run
    /// # fn refresh(client: &enkash_rewards_runtime::Client, fresh: String) -> Result<(), enkash_rewards_runtime::Error> {
    /// // `fresh` came from your token service.
    /// client.replace_bearer_token(fresh)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn replace_bearer_token(&self, token: impl Into<String>) -> Result<(), Error> {
        self.inner.auth.replace_bearer_token(Secret::new(token))
    }

    /// Sends one operation and decodes its payload into `T`.
    ///
    /// Generated builders call this; it is public so that an operation the SDK does not
    /// cover yet can still be called with a hand-built [`OperationRequest`].
    ///
    /// 1. The request is checked first: a header value with CR/LF or another character
    ///    that is not visible ASCII (or space), or a path that a `.`/`..` segment would
    ///    rewrite, is [`Error::InvalidRequest`]; a missing credential is [`Error::Config`].
    ///    Nothing is sent, not even a token request.
    /// 2. Security is resolved (fetching a bearer token if the client manages one).
    /// 3. Attempts are made as the [retry policy](crate::retry) allows; each is bounded
    ///    by the timeout ([`Error::Timeout`]); other delivery failures are
    ///    [`Error::Transport`].
    /// 4. The answer is decoded:
    ///
    /// | answer | result |
    /// |--------|--------|
    /// | envelope with code 0, HTTP 2xx | `Ok`, the envelope's payload decoded into `T` |
    /// | envelope with a non-zero code, any HTTP status | [`Error::Api`] |
    /// | envelope with code 0 on a non-2xx status | [`Error::Http`] (status and body disagree; neither is trusted as success) |
    /// | non-2xx with no EnKash error code (an HTML 502 page) | [`Error::Http`] |
    /// | 2xx that is not JSON, lacks the envelope, or has a wrongly-typed field | [`Error::Decode`], e.g. at `payload.cardStatus.name` |
    ///
    /// Without an envelope (`request.envelope == None`), a 2xx body is decoded whole
    /// into `T` (an empty body as JSON `null`) and any non-2xx is [`Error::Http`].
    ///
    /// A 401 on a call authenticated with a managed token drops that token so the next
    /// call fetches a new one (no sooner than a backoff, 1 s doubling to 30 s, after the
    /// last drop); this call is not resent.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        request: OperationRequest,
    ) -> Result<Response<T>, Error> {
        self.clone().exchange(request).await?.decode()
    }

    /// Sends one operation as [`execute`](Self::execute) does, and hands its success
    /// answer's body over as it arrives, unread, however long: for an operation answering
    /// with a file. Generated builders of such operations call it from `send_streaming()`.
    ///
    /// Attempts, retries and errors are those of [`execute`](Self::execute) up to the
    /// answer's status: a failure status is read (within `max_response_size`) and is the
    /// same error. From a success on, reading is the [`ByteStream`]'s, under the call's
    /// timeout; nothing is decrypted (EnKash encrypts JSON answers only).
    ///
    /// A JSON answer in a result-code envelope is refused before anything is sent
    /// ([`Error::InvalidRequest`] naming `envelope`): whether it is a success is in its
    /// body, so it cannot be handed over unread. Use [`execute`](Self::execute) for it.
    pub async fn execute_streaming(
        &self,
        request: OperationRequest,
    ) -> Result<Response<ByteStream>, Error> {
        if request.envelope.is_some() && request.answer == AnswerFormat::Json {
            return Err(Error::invalid_request(
                request.operation_id,
                "envelope",
                "says the answer is a success or a failure by its body, so it cannot be streamed unread",
            ));
        }
        self.clone()
            .exchange_with(request, true)
            .await?
            .into_stream()
    }

    /// The part of [`execute`](Self::execute) that does not depend on the payload's type,
    /// in the call's tracing span, as one boxed future. Boxed here, in a function that is
    /// not generic: the whole pipeline (auth, token refresh, retries, transport) compiles
    /// once, with this crate, and a crate that sends only calls it. Boxed where a generic
    /// caller is instantiated instead, every crate sending a request would compile it again.
    pub(crate) fn exchange(self, request: OperationRequest) -> Exchange {
        self.exchange_with(request, false)
    }

    /// [`exchange`](Self::exchange), leaving a success answer's body unread when
    /// `streamed`.
    fn exchange_with(self, request: OperationRequest, streamed: bool) -> Exchange {
        Box::pin(self.exchange_owned(request, streamed))
    }

    /// The future [`exchange_with`](Self::exchange_with) boxes. The request is checked and
    /// encoded before the future is made, so the future holds the prepared request only
    /// (moved once).
    fn exchange_owned(
        self,
        request: OperationRequest,
        streamed: bool,
    ) -> impl Future<Output = Result<Exchanged, Error>> + Send + 'static {
        let span = request_span(&request);
        let prepared = span.in_scope(|| self.inner.transport.prepare(request));
        async move {
            let mut prepared = prepared?;
            if streamed {
                prepared.stream_success();
            }
            let inner = &*self.inner;
            let auth = inner.auth.for_calls(&inner.transport);
            let answer = inner
                .transport
                .exchange(&mut prepared, &auth, &span)
                .instrument(span.clone())
                .await?;
            Ok(Exchanged {
                span,
                prepared,
                answer,
            })
        }
    }
}

/// A call in flight, up to its answer, not yet decoded: what [`Client::exchange`] returns.
pub(crate) type Exchange = Pin<Box<dyn Future<Output = Result<Exchanged, Error>> + Send>>;

/// A call's answer (or why there is none), not yet decoded.
pub(crate) struct Exchanged {
    span: tracing::Span,
    prepared: Prepared,
    answer: Result<Answer, Error>,
}

impl Exchanged {
    /// Decodes the answer into `T`, in the call's span.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        self.span
            .in_scope(|| transport::finish(&self.prepared, self.answer))
    }

    /// A success answer's body as a [`ByteStream`]; any other answer is decoded into the
    /// error it means, as [`decode`](Self::decode) does.
    fn into_stream(self) -> Result<Response<ByteStream>, Error> {
        match self.answer {
            Ok(Answer::Unread(Unread {
                status,
                headers,
                body,
                timeout,
            })) => Ok(Response {
                status,
                headers,
                payload: ByteStream::new(body, self.prepared.operation(), status, timeout),
            }),
            answer => self
                .span
                .in_scope(|| transport::finish::<Binary>(&self.prepared, answer))
                .map(|response| Response {
                    status: response.status,
                    headers: response.headers,
                    payload: ByteStream::from_bytes(response.payload.into_vec()),
                }),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = &self.inner.transport;
        f.debug_struct("Client")
            .field("base_url", &transport.base.as_str())
            .field("timeout", &transport.timeout)
            .field("operation_timeout", &transport.operation_timeout)
            .field("max_response_size", &transport.max_response_size)
            .field("connect_timeout", &transport.connect_timeout)
            .field("retry_policy", &transport.retry)
            .field("resend_keyed_writes", &transport.resend_keyed_writes)
            .field("payload_encryption", &transport.encryption.is_some())
            .field("auth", &self.inner.auth.describe())
            .finish_non_exhaustive()
    }
}

/// Configuration for a client of one API; see each method for its default.
///
/// `C` is the client it builds: the generated crate's `Client` (which wraps this crate's
/// [`Client`]); start it with that type's `Client::builder()`.
pub struct ClientBuilder<C = Client> {
    config: Config,
    client: PhantomData<fn() -> C>,
}

/// A [`ClientBuilder`]'s settings. Its making, checking and building are not generic, so
/// they are compiled once, here, not in every crate that builds a client.
struct Config {
    api: &'static Api,
    base_url: Option<String>,
    bearer_token: Option<Secret>,
    credentials: Option<Credentials>,
    api_keys: Vec<(String, Secret)>,
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    timeout: Duration,
    operation_timeout: Duration,
    max_response_size: usize,
    retry_policy: RetryPolicy,
    resend_keyed_writes: bool,
    encryption: Option<PayloadEncryption>,
    user_agent: String,
    /// Headers of the caller's own for every request.
    headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
    sleep: Arc<dyn Sleep>,
    clock: Arc<dyn Clock>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for a client of `api`, with every default. Generated crates call it from
    /// their `Client::builder()`.
    #[doc(hidden)]
    pub fn new(api: &'static Api) -> Self {
        Self {
            config: Config::new(api),
            client: PhantomData,
        }
    }

    /// The API host, e.g. `https://pay-uat.enkash.in` (sandbox) or `https://pay.enkash.in`.
    /// Required; must be `http` or `https`. A path prefix is kept.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = Some(base_url.into());
        self
    }

    /// Authenticates with a token you obtained yourself. Use either this or
    /// [`credentials`](Self::credentials).
    #[must_use]
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.config.bearer_token = Some(Secret::new(token));
        self
    }

    /// Lets the client obtain, cache and refresh bearer tokens itself, and answer
    /// operations that need HTTP Basic.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(credentials);
        self
    }

    /// The `partnerId` header the card APIs require: shorthand for
    /// `api_key("partnerId", partner_id)`.
    #[must_use]
    pub fn partner_id(self, partner_id: impl Into<String>) -> Self {
        self.api_key("partnerId", partner_id)
    }

    /// An API key sent as header `name` to every operation whose security lists it.
    #[must_use]
    pub fn api_key(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.api_keys.push((name.into(), Secret::new(value)));
        self
    }

    /// How long establishing a connection may take (default 10 s). Ignored when you pass
    /// your own [`http_client`](Self::http_client): configure it there.
    #[must_use]
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.config.connect_timeout = connect_timeout;
        self
    }

    /// How long a connection is kept for the next request once idle (default 4 s). Keep
    /// it shorter than the time after which EnKash's servers, and any proxy on the way,
    /// close an idle connection: a request written just as the server closes its
    /// connection fails, and for a write that is [`Error::OutcomeUnknown`]. Under load a
    /// connection is never idle that long; a client calling seldom connects anew (a TLS
    /// handshake) for a call after that much quiet. Ignored when you pass your own
    /// [`http_client`](Self::http_client): configure it there (reqwest's default is 90 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, pool_idle_timeout: Duration) -> Self {
        self.config.pool_idle_timeout = pool_idle_timeout;
        self
    }

    /// The total time one attempt may take, from connecting to reading the last byte of
    /// the answer (default 30 s). The whole call is bounded by
    /// [`operation_timeout`](Self::operation_timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// The total time one call may take (default 60 s): waiting for a bearer token, every
    /// attempt and the waits between retries. No attempt runs past it and no retry starts
    /// that it would cut short; a call that reaches it ends with [`Error::Timeout`] (or
    /// [`Error::TokenUnavailable`] while waiting for a token). So with the defaults a
    /// stalled server ends a call after 60 s, not after three 30 s attempts.
    ///
    /// Timeouts of 30 years or more (`Duration::MAX`) mean no limit.
    #[must_use]
    pub fn operation_timeout(mut self, operation_timeout: Duration) -> Self {
        self.config.operation_timeout = operation_timeout;
        self
    }

    /// The longest answer body the client reads, in bytes (default 32 MiB). A longer one
    /// is not read to its end: a 2xx is [`Error::Decode`] (for a write, inside
    /// [`Error::OutcomeUnknown`]: the server may have acted), any other status its usual
    /// error, each quoting the body's start. Bodies are read whole into memory, so this
    /// bounds what one call can hold. Raise it for an API that answers with large files,
    /// or for one call (the operations' `max_response_size`).
    #[must_use]
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.config.max_response_size = bytes;
        self
    }

    /// Which failures are retried and how patiently (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, retry_policy: RetryPolicy) -> Self {
        self.config.retry_policy = retry_policy;
        self
    }

    /// Whether writes carrying your idempotency key (`requestId`, `uniqueReferenceNum`) may
    /// be resent after a timeout, a broken connection or a 429/502/503/504 (default
    /// `false`).
    ///
    /// **EnKash documents no de-duplication by these keys.** Turn this on only once EnKash
    /// has confirmed, for your account, that a resent key is applied once; otherwise a
    /// resend can allocate coins or credit points twice. Per call, the builders'
    /// `resend_keyed_write(bool)` overrides this. Writes without a key are never resent
    /// once they may have reached the server, whatever this says.
    #[must_use]
    pub fn resend_keyed_writes(mut self, resend: bool) -> Self {
        self.config.resend_keyed_writes = resend;
        self
    }

    /// Encrypts every JSON request body and decrypts every wrapped response, as EnKash's
    /// integration guides require of live partners (default: off, as the sandbox and the
    /// documented examples are plain JSON). See [`crate::encryption`] for the scheme, what
    /// is and is not encrypted, and what ECB does not protect.
    #[must_use]
    pub fn payload_encryption(mut self, encryption: PayloadEncryption) -> Self {
        self.config.encryption = Some(encryption);
        self
    }

    /// The `User-Agent` header (default `enkash-rewards/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = user_agent.into();
        self
    }

    /// A header of your own sent with every request, the token request included (a
    /// client name your gateway routes on, say); a name given twice is sent twice. A
    /// call's own header of that name (the builders' `header`) or an operation's header
    /// input replaces it for that call.
    ///
    /// [`build`](Self::build) checks it: a valid name, a value of visible ASCII and spaces,
    /// and not a header the client sets itself (`Authorization`, the API keys such as
    /// `partnerId`, `Accept`, `Content-Type`, `User-Agent`, HTTP's framing headers). With
    /// [`http_client`](Self::http_client), give that client the header instead (reqwest's
    /// `default_headers`): both is an [`Error::Config`] too.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config.headers.push((name.into(), value.into()));
        self
    }

    /// Sends through this preconfigured `reqwest::Client` (proxies, custom TLS roots…)
    /// instead of one the builder makes. Timeouts, retries and headers still apply per
    /// request; [`connect_timeout`](Self::connect_timeout),
    /// [`pool_idle_timeout`](Self::pool_idle_timeout) and the redirect policy are the given
    /// client's.
    #[must_use]
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.config.http_client = Some(http_client);
        self
    }

    /// Replaces what waits between attempts (tokio's timer by default): a test can record
    /// the delays the retry policy chose and return at once, so retries and backoff are
    /// tested without waiting. See [`time`](crate::time).
    pub fn sleep_impl(mut self, sleep: impl Sleep) -> Self {
        self.config.sleep = Arc::new(sleep);
        self
    }

    /// Replaces the clock the token cache reads (tokio's by default): a test can move a
    /// managed token's life forward (to its refresh margin, past its expiry, past the
    /// refused-login guard) without waiting. See [`time`](crate::time).
    pub fn clock_impl(mut self, clock: impl Clock) -> Self {
        self.config.clock = Arc::new(clock);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] for a missing or non-http(s) base URL, both a bearer
    /// token and credentials, a secret or API key that cannot be sent as a header, a
    /// [`header`](Self::header) that cannot be sent (or given beside
    /// [`http_client`](Self::http_client)), or a zero timeout or `max_response_size`.
    pub fn build(self) -> Result<C, Error> {
        self.config.build().map(C::from)
    }
}

impl Config {
    fn new(api: &'static Api) -> Self {
        crate::redact::register(api.secret_fields);
        Self {
            api,
            base_url: None,
            bearer_token: None,
            credentials: None,
            api_keys: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            retry_policy: RetryPolicy::default(),
            resend_keyed_writes: false,
            encryption: None,
            user_agent: api.user_agent.to_owned(),
            headers: Vec::new(),
            http_client: None,
            sleep: Arc::new(TokioSleep),
            clock: Arc::new(TokioClock),
        }
    }

    fn build(self) -> Result<Client, Error> {
        let base = parse_base_url(self.base_url.as_deref())?;
        if self.timeout.is_zero()
            || self.connect_timeout.is_zero()
            || self.pool_idle_timeout.is_zero()
            || self.operation_timeout.is_zero()
        {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if self.max_response_size == 0 {
            return Err(Error::config("max_response_size must be greater than zero"));
        }
        let user_agent: HeaderValue = header_value(&self.user_agent)
            .map_err(|reason| Error::config(format!("the user agent {reason}")))?;
        let headers = self.own_headers()?;
        let auth = Auth::new(
            self.clock,
            self.api.token_endpoint,
            self.bearer_token,
            self.credentials,
            self.api_keys,
        )?;
        let (http, connect_timeout) = match self.http_client {
            Some(_) if !headers.is_empty() => {
                return Err(Error::config(
                    "headers for every request go on the reqwest::Client given to http_client (its default_headers), not on the ClientBuilder",
                ));
            }
            Some(http) => (http, None),
            None => {
                // reqwest adds them to a request that has none of the same name.
                let http = with_tls(reqwest::Client::builder())?
                    .default_headers(headers)
                    .connect_timeout(self.connect_timeout)
                    // hyper adds it to a clock reading: `Duration::MAX` would overflow.
                    .pool_idle_timeout(self.pool_idle_timeout.min(NEVER))
                    // A redirect would turn a POST into a GET or resend a payment
                    // elsewhere; the API never redirects, so surface it as an error.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))?;
                (http, Some(self.connect_timeout))
            }
        };
        let transport = Transport {
            http,
            base,
            user_agent,
            timeout: self.timeout,
            operation_timeout: self.operation_timeout,
            max_response_size: self.max_response_size,
            connect_timeout,
            retry: self.retry_policy,
            retry_budget: Arc::new(RetryBudget::new(self.retry_policy.retry_budget())),
            resend_keyed_writes: self.resend_keyed_writes,
            encryption: self.encryption,
            sleep: self.sleep,
        };
        Ok(Client {
            inner: Arc::new(Inner { transport, auth }),
        })
    }

    /// The headers for every request ([`ClientBuilder::header`]), checked.
    fn own_headers(&self) -> Result<reqwest::header::HeaderMap, Error> {
        let mut headers = reqwest::header::HeaderMap::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let api_key = self
                .api_keys
                .iter()
                .any(|(key, _)| key.eq_ignore_ascii_case(name));
            let checked = if api_key {
                Err("is a header the client sets itself".to_owned())
            } else {
                own_header(name, value)
            };
            let (name, value) =
                checked.map_err(|reason| Error::config(format!("the header `{name}` {reason}")))?;
            headers.append(name, value);
        }
        Ok(headers)
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.config, f)
    }
}

/// Printed as the builder it is, secrets masked.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api_key_names: Vec<&str> = self
            .api_keys
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        // Names only: a header can carry a secret.
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("bearer_token", &self.bearer_token)
            .field("credentials", &self.credentials)
            .field("api_keys", &api_key_names)
            .field("connect_timeout", &self.connect_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("max_response_size", &self.max_response_size)
            .field("retry_policy", &self.retry_policy)
            .field("resend_keyed_writes", &self.resend_keyed_writes)
            .field("payload_encryption", &self.encryption.is_some())
            .field("user_agent", &self.user_agent)
            .field("headers", &header_names)
            .field("http_client", &self.http_client.is_some())
            .field("sleep", &self.sleep)
            .field("clock", &self.clock)
            .finish()
    }
}

/// The TLS backend the crate's features chose. With `rustls-ring`, a rustls
/// configuration with the `ring` provider and the platform's certificate verifier, handed to
/// reqwest as it is: nothing is installed process-wide, so other rustls users in the same
/// program keep their own provider.
#[cfg(feature = "rustls-ring")]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    let config_error = |e: &dyn fmt::Display| Error::config(format!("could not set up TLS: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| config_error(&e))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| config_error(&e))?
        .dangerous() // a custom verifier: the platform's, not a weaker one
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// Without `rustls-ring`, reqwest's own backend (`rustls-aws-lc` or `native-tls`).
#[cfg(not(feature = "rustls-ring"))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

/// Parses and checks the base URL: http(s), a host, no credentials, query or fragment.
fn parse_base_url(base_url: Option<&str>) -> Result<reqwest::Url, Error> {
    let config = |reason: String| Error::config(reason);
    let raw = base_url
        .ok_or_else(|| config("a base URL is required: call ClientBuilder::base_url".to_owned()))?;
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| config(format!("the base URL is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(config(format!(
            "the base URL must use http or https, not `{}`",
            url.scheme()
        )));
    }
    if url.host().is_none() {
        return Err(config("the base URL has no host".to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config(
            "the base URL must not contain credentials: use ClientBuilder::credentials".to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config(
            "the base URL must not have a query or fragment".to_owned(),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    /// An API whose spec names no token call takes credentials for HTTP Basic; a call
    /// that needs a bearer token then fails naming itself, and nothing is sent (port 9
    /// would make it a transport error).
    #[tokio::test]
    async fn a_bearer_call_without_a_token_call_is_a_config_error_of_the_call() {
        static NO_TOKEN_CALL: crate::api::Api = crate::api::Api {
            token_endpoint: None,
            ..crate::api::TEST_API
        };
        static SPEC: crate::request::OperationSpec =
            crate::request::OperationSpec::get("getThing", "/things")
                .security(&[crate::request::Security::Bearer]);
        let client: Client = ClientBuilder::new(&NO_TOKEN_CALL)
            .base_url("http://127.0.0.1:9")
            .credentials(crate::Credentials::new("id", "secret", "user", "pass"))
            .build()
            .expect("credentials serve HTTP Basic");
        let error = client
            .execute::<()>(OperationRequest::of(&SPEC))
            .await
            .expect_err("no token");
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        assert_eq!(error.operation(), Some("getThing"));
        assert!(
            error.to_string().starts_with(
                "getThing: client configuration: needs a bearer token, and the API description names no token endpoint"
            ),
            "{error}"
        );
    }

    #[test]
    fn client_is_send_sync_and_clone() {
        assert_send_sync::<Client>();
        fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<Error>();
    }

    #[test]
    fn a_call_in_flight_can_be_spawned() {
        fn assert_spawnable<F: std::future::Future + Send + 'static>(_: &F) {}
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        // Built, never polled: nothing is sent.
        let request = || {
            crate::request::OperationRequest::new(
                "getCoinBalance",
                reqwest::Method::GET,
                "/api/v0/coins/balance",
                "/api/v0/coins/balance".to_owned(),
            )
        };
        let sent = crate::builder::send_request::<crate::RawJson>(client.clone(), request());
        assert_spawnable(&sent);
    }

    #[test]
    fn base_url_must_be_http() {
        for bad in [
            "ftp://example.com",
            "not a url",
            "mailto:a@b.c",
            "https://u:p@example.com",
            "https://h/?q=1",
        ] {
            let result = Client::builder().base_url(bad).build();
            assert!(
                matches!(result, Err(Error::Config { .. })),
                "{bad}: {result:?}"
            );
        }
        assert!(matches!(
            Client::builder().build(),
            Err(Error::Config { .. })
        ));
        let client = Client::builder()
            .base_url("https://pay-uat.enkash.in/prefix/")
            .build()
            .expect("valid");
        assert_eq!(client.base_url(), "https://pay-uat.enkash.in/prefix/");
    }

    #[test]
    fn bearer_and_credentials_are_exclusive() {
        let result = Client::builder()
            .base_url("https://example.com")
            .bearer_token("t")
            .credentials(Credentials::new("a", "b", "c", "d"))
            .build();
        assert!(matches!(result, Err(Error::Config { .. })));
    }

    #[test]
    fn unsendable_secrets_are_rejected_at_build() {
        let result = Client::builder()
            .base_url("https://example.com")
            .bearer_token("a\r\nb")
            .build();
        assert!(matches!(result, Err(Error::Config { .. })));
        let result = Client::builder()
            .base_url("https://example.com")
            .partner_id("p\n")
            .build();
        assert!(
            matches!(result, Err(Error::Config { operation: None, reason }) if reason.contains("partnerId"))
        );
    }
}
