//! What the runtime asks of every operation's builder, and the call it starts.
//!
//! Each generated operation's `Inputs` (one `Option` per input, and how they become an
//! [`OperationRequest`]) implements [`OperationInputs`]; the generated builder, a
//! `Builder` over those inputs and a typestate that the generated crate defines (an
//! operation's setters are inherent methods, which only the crate defining the builder may
//! add), sends with [`send_request`], which starts the one pipeline.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;

use crate::client::{Client, Exchange, Exchanged};
use crate::error::Error;
use crate::request::{OperationRequest, Response};

/// One operation's inputs, as its builder collects them; implemented by the generated
/// `Inputs` of each operation (e.g. `enkash_rewards::operations::allocate_coins::Inputs`).
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
}

/// A call in flight, resolving to its decoded answer: what [`send_request`] returns.
/// Like any future it does nothing until polled, and it is `Send + 'static`, so it can
/// be spawned.
#[must_use = "a call does nothing until awaited"]
pub struct SendFuture<T> {
    exchange: Exchange,
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

/// Starts `request` on `client`, to be decoded into `T`: how every generated builder
/// sends. The exchange is one boxed future, the same code for every operation; only
/// decoding depends on `T`, and compiles where the call is awaited.
pub fn send_request<T: DeserializeOwned>(
    client: Client,
    request: OperationRequest,
) -> SendFuture<T> {
    SendFuture {
        exchange: client.exchange(request),
        payload: PhantomData,
    }
}

/// Implemented by the inputs of a write that carries a caller-chosen key (such as
/// `requestId`): its builder has `resend_keyed_write`.
pub trait KeyedWrite: OperationInputs {}

/// Implemented by the inputs of an operation whose answer comes in one of several media
/// types (its output is a [`Negotiated`](crate::values::Negotiated)): its builder has
/// `accept`.
pub trait NegotiatedAnswer: OperationInputs {}

/// The names a generated operation's module uses, imported with one glob
/// (`use enkash_rewards_runtime::builder::prelude::*;`). The module's own items shadow it.
#[doc(hidden)]
pub mod prelude {
    pub use super::{KeyedWrite, NegotiatedAnswer, OperationInputs};
    pub use crate::multipart::Multipart;
    pub use crate::request::typestate::{Complete, Fill, Required, states, take};
    pub use crate::request::{
        AnswerFormat, Envelope, IdempotencyKey, OperationRequest, OperationSpec, QueryObject,
        RequestBody, RetryClass, Security, push_object, push_present,
    };
    pub use crate::validate::check_string;
    pub use reqwest::Method;
}
