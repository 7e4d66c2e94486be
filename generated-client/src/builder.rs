//! The generic half of every operation's request builder.
//!
//! Each operation's builder is a [`Builder`] over that operation's generated `Inputs`
//! (one `Option` per input, and how they become an [`OperationRequest`]) and its
//! typestate. What is the same for every operation lives here, written once: the
//! per-call options, `send()`, `send_with_response()` and `Debug`. The generated part keeps
//! only what differs: the setters, the typestate, and the encoding of the inputs.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::client::{Client, Exchanged};
use crate::error::Error;
use crate::request::{OperationRequest, RequestOptions, Response, typestate::Complete};

/// One operation's inputs, as its builder collects them; implemented by the generated
/// `Inputs` of each operation (e.g. [`allocate_coins::Inputs`](crate::operations::allocate_coins::Inputs)).
pub trait OperationInputs: fmt::Debug {
    /// The builder's name, shown by its `Debug`, e.g. `"AllocateCoins"`.
    const NAME: &'static str;
    /// What `send()` returns: the decoded payload (the envelope's, for an operation with a
    /// result-code envelope).
    type Output: DeserializeOwned;
    /// The request these inputs describe: values checked against the spec's constraints
    /// ([`Error::InvalidRequest`] naming the field otherwise), path, query, headers and body
    /// encoded.
    fn into_request(self) -> Result<OperationRequest, Error>;
    /// Sends `request` and decodes the answer into [`Output`](Self::Output), as
    /// [`Client::execute`] does. Each operation implements it with [`send_request`] for
    /// its own concrete type: decoding its answer is then compiled once, with this crate,
    /// instead of in every crate that calls the operation.
    fn send(client: Client, request: OperationRequest) -> SendFuture<Self::Output>;
}

/// A call in flight, resolving to its decoded answer: what [`OperationInputs::send`]
/// returns. Like any future it does nothing until polled, and it is `Send + 'static`, so
/// it can be spawned.
#[must_use = "a call does nothing until awaited"]
pub struct SendFuture<T> {
    exchange: Pin<Box<dyn Future<Output = Result<Exchanged, Error>> + Send>>,
    payload: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Future for SendFuture<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The exchange is the same code for every operation; only decoding depends on `T`.
        self.exchange
            .as_mut()
            .poll(cx)
            .map(|exchanged| exchanged.and_then(Exchanged::decode))
    }
}

impl<T> fmt::Debug for SendFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendFuture").finish_non_exhaustive()
    }
}

/// Starts `request` on `client`, to be decoded into `T`: how every generated operation
/// implements [`OperationInputs::send`].
pub fn send_request<T: DeserializeOwned>(
    client: Client,
    request: OperationRequest,
) -> SendFuture<T> {
    SendFuture {
        exchange: Box::pin(client.exchange_owned(request)),
        payload: PhantomData,
    }
}

/// Implemented by the inputs of a write that carries a caller-chosen key (such as
/// `requestId`): its builder has [`Builder::resend_keyed_write`].
pub trait KeyedWrite: OperationInputs {}

/// A request builder: an operation's inputs `I`, its typestate `S` (which required inputs
/// are set) and the per-call options.
///
/// You meet it under each operation's name, e.g. [`AllocateCoins`](crate::operations::AllocateCoins),
/// started by the [`Client`] method of the same name; the setters of that operation's
/// inputs are listed there. `send()` exists only once every required input is set.
#[must_use = "a request builder does nothing until `.send()` is awaited"]
pub struct Builder<I, S = ()> {
    client: Client,
    options: RequestOptions,
    pub(crate) inputs: I,
    state: PhantomData<fn() -> S>,
}

impl<I, S> Builder<I, S> {
    /// A builder for `inputs`, in the state its type names.
    pub(crate) fn new(client: Client, inputs: I) -> Self {
        Self {
            client,
            options: RequestOptions::default(),
            inputs,
            state: PhantomData,
        }
    }

    /// The same builder in state `T`: what a required input's setter returns.
    pub(crate) fn into_state<T>(self) -> Builder<I, T> {
        Builder {
            client: self.client,
            options: self.options,
            inputs: self.inputs,
            state: PhantomData,
        }
    }

    /// Sets the total time the whole call may take (waiting for a token, every attempt and
    /// the waits between them), overriding the client's operation timeout.
    pub fn operation_timeout(mut self, operation_timeout: Duration) -> Self {
        self.options.operation_timeout = Some(operation_timeout);
        self
    }

    /// Sets the total time one attempt may take, overriding the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the client's retry budget for this call; `0` disables retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }
}

impl<I: KeyedWrite, S> Builder<I, S> {
    /// Whether this call may be resent after a timeout, a broken connection or a
    /// 429/502/503/504, overriding
    /// [`ClientBuilder::resend_keyed_writes`](crate::ClientBuilder::resend_keyed_writes)
    /// (default `false`).
    ///
    /// Opt in only once the API provider has confirmed that a resent request with the same
    /// key (the operation's documentation names it) is applied once; EnKash documents no
    /// such de-duplication. Otherwise a resend can apply this write twice.
    pub fn resend_keyed_write(mut self, resend: bool) -> Self {
        self.options.resend_keyed_write = Some(resend);
        self
    }
}

// The bound is on the methods, not the impl, so a missing input is reported through
// `Required`'s message naming it, rather than as "method not found".
impl<I: OperationInputs, S> Builder<I, S> {
    /// Sends the request and returns the decoded payload. For an operation with a
    /// result-code envelope that is the envelope's payload, and a non-zero code is an
    /// [`Error::Api`] even on HTTP 200.
    ///
    /// Inputs are checked before anything is sent ([`Error::InvalidRequest`]); see
    /// [`Error`] for the other failures.
    pub async fn send(self) -> Result<I::Output, Error>
    where
        S: Complete<I>,
    {
        self.send_with_response().await.map(Response::into_payload)
    }

    /// Like [`send`](Self::send), and also returns the HTTP status and headers.
    pub async fn send_with_response(self) -> Result<Response<I::Output>, Error>
    where
        S: Complete<I>,
    {
        let mut request = self.inputs.into_request()?;
        request.options = self.options;
        I::send(self.client, request).await
    }
}

impl<I: OperationInputs, S> fmt::Debug for Builder<I, S> {
    // The client is left out: it is the same for every builder and holds the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(I::NAME)
            .field("inputs", &self.inputs)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
