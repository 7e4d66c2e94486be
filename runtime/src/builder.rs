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

#[doc(hidden)]
pub use serde::de::DeserializeOwned;

use crate::client::{Client, Exchange, Exchanged};
use crate::error::Error;
use crate::request::{InvalidInput, OperationRequest, OperationSpec, RequestOptions, Response};

/// One operation's inputs, as its builder collects them; implemented by the generated
/// `Inputs` of each operation (e.g. `enkash_rewards::operations::allocate_coins::Inputs`).
pub trait OperationInputs: fmt::Debug {
    /// What every call of the operation shares; its `id` names the operation in the
    /// builder's `Debug` and in an [`Error::InvalidRequest`] from [`into_request`](Self::into_request).
    const SPEC: &'static OperationSpec;
    /// What `send()` returns: the decoded payload (the envelope's, for an operation with a
    /// result-code envelope).
    type Output: DeserializeOwned;
    /// The request these inputs describe: values checked against the spec's constraints
    /// (an [`InvalidInput`] naming the field otherwise), path, query, headers and body
    /// encoded.
    fn into_request(self) -> Result<OperationRequest, InvalidInput>;
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

/// The request `inputs` describe, sent with `options`: how every generated builder makes
/// it. An input the spec's constraints refuse is [`Error::InvalidRequest`], naming the
/// operation and the input.
pub fn request_of<I: OperationInputs>(
    inputs: I,
    options: RequestOptions,
) -> Result<OperationRequest, Error> {
    let mut request = inputs
        .into_request()
        .map_err(|invalid| invalid.of(I::SPEC.id))?;
    request.options = options;
    Ok(request)
}

/// Implemented by the inputs of a write that carries a caller-chosen key (such as
/// `requestId`): its builder has `resend_keyed_write`.
pub trait KeyedWrite: OperationInputs {}

/// Implemented by the inputs of an operation whose answer comes in one of several media
/// types (its output is a [`Negotiated`](crate::values::Negotiated)): its builder has
/// `accept`.
pub trait NegotiatedAnswer: OperationInputs {}

/// Implemented by the inputs of an operation whose answer is a file (its output is
/// [`Binary`](crate::values::Binary)): its builder has `send_streaming`.
pub trait BinaryAnswer: OperationInputs {}

/// The names a generated operation's module uses, imported with one glob
/// (`use enkash_rewards_runtime::builder::prelude::*;`). The module's own items shadow it.
#[doc(hidden)]
pub mod prelude {
    pub use super::{BinaryAnswer, KeyedWrite, NegotiatedAnswer, OperationInputs};
    pub use crate::multipart::Multipart;
    pub use crate::request::typestate::{Complete, Fill, Required, states, take};
    pub use crate::request::{
        AnswerFormat, Envelope, IdempotencyKey, InvalidInput, OperationRequest, OperationSpec,
        QueryObject, RequestBody, RetryClass, Security, push_object, push_present,
    };
    pub use crate::validate::check_string;
    pub use reqwest::Method;
}

/// Defines `Builder<I, S>`, the request builder every operation of a generated crate
/// shares: an operation's inputs `I`, its typestate `S` and the per-call options, with
/// `operation_timeout`, `timeout`, `max_retries`, `max_response_size`, `header`, `send`,
/// `send_with_response` and a `Debug` that leaves the client (and its credentials) out.
/// It is defined in the generated crate, not here, because each operation adds its
/// setters to it as inherent methods, which only the crate defining a type may do; the
/// text is the same for every API, so it is written once, here. Generated `operations.rs` calls it once, naming the parts its operations use:
///
/// - `typestate`: the state change a required input's setter makes (`into_state`);
/// - `accept`: `accept(media_type)`, for inputs that are a [`NegotiatedAnswer`];
/// - `resend`: `resend_keyed_write(bool)`, for inputs that are a [`KeyedWrite`];
/// - `streaming`: `send_streaming()`, for inputs that are a [`BinaryAnswer`].
///
/// A builder is started from the calling crate's client, anything that converts into this
/// crate's [`Client`]. Its docs link to the calling crate's `Client` and `Error` (this
/// crate's [`Error`], re-exported), which it has at its root.
#[doc(hidden)]
#[macro_export]
macro_rules! __request_builder {
    ($($part:ident),* $(,)?) => {
        /// A request builder: an operation's inputs `I`, its typestate `S` (which required
        /// inputs are set) and the per-call options.
        ///
        /// You meet it under each operation's name, started by the [`Client`](crate::Client)
        /// method of the same name; the setters of that operation's inputs are listed there.
        /// `send()` exists only once every required input is set.
        #[must_use = "a request builder does nothing until `.send()` is awaited"]
        pub struct Builder<I, S = ()> {
            client: $crate::Client,
            options: $crate::request::RequestOptions,
            inputs: I,
            state: ::std::marker::PhantomData<fn() -> S>,
        }

        impl<I, S> Builder<I, S> {
            fn new<C: Clone + Into<$crate::Client>>(client: &C, inputs: I) -> Self {
                Self {
                    client: client.clone().into(),
                    options: ::std::default::Default::default(),
                    inputs,
                    state: ::std::marker::PhantomData,
                }
            }

            /// Sets the total time the whole call may take (waiting for a token, every
            /// attempt and the waits between them), overriding the client's operation
            /// timeout. Zero is refused when the call is sent, before anything goes out.
            pub fn operation_timeout(mut self, operation_timeout: ::std::time::Duration) -> Self {
                self.options.operation_timeout = Some(operation_timeout);
                self
            }

            /// Sets the total time one attempt may take, overriding the client's timeout.
            /// Zero is refused when the call is sent, before anything goes out.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Overrides the client's `max_retries` (retries after the first attempt) for
            /// this call; `0` disables retries.
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.options.max_retries = Some(max_retries);
                self
            }

            /// Sets the longest answer body this call reads, in bytes, overriding the
            /// client's `max_response_size` (an operation answering with a large file).
            /// Zero is refused when the call is sent, before anything goes out.
            pub fn max_response_size(mut self, bytes: usize) -> Self {
                self.options.max_response_size = Some(bytes);
                self
            }

            /// Sends a header of your own with this call (a correlation id, say); a name
            /// given twice is sent twice. Checked when the call is sent, before anything
            /// goes out: a header the client or the operation sets itself, or a value with
            /// a line break or another character that is not visible ASCII, is an
            /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming it. Only its
            /// name appears in the builder's `Debug`.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.headers.push((name.into(), value.into()));
                self
            }
        }

        // The bound is on the methods, not the impl, so that a missing input is reported
        // through `Required`'s message naming it, rather than as "method not found".
        impl<I: $crate::builder::OperationInputs, S> Builder<I, S> {
            /// Sends the request and returns the decoded payload. For an operation with a
            /// result-code envelope that is the envelope's payload, and a non-zero code is an
            /// [`Error::Api`](crate::Error::Api) even on HTTP 200.
            ///
            /// Inputs are checked before anything is sent
            /// ([`Error::InvalidRequest`](crate::Error::InvalidRequest)); see
            /// [`Error`](crate::Error) for the other failures.
            pub async fn send(self) -> ::std::result::Result<I::Output, $crate::Error>
            where
                S: $crate::request::typestate::Complete<I>,
            {
                self.send_with_response()
                    .await
                    .map($crate::Response::into_payload)
            }

            /// Like [`send`](Self::send), and also returns the HTTP status and headers.
            pub async fn send_with_response(
                self,
            ) -> ::std::result::Result<$crate::Response<I::Output>, $crate::Error>
            where
                S: $crate::request::typestate::Complete<I>,
            {
                let request = $crate::builder::request_of(self.inputs, self.options)?;
                $crate::builder::send_request(self.client, request).await
            }
        }

        impl<I: $crate::builder::OperationInputs, S> ::std::fmt::Debug for Builder<I, S> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Builder")
                    .field("operation", &I::SPEC.id)
                    .field("inputs", &self.inputs)
                    .field("options", &self.options)
                    .finish_non_exhaustive()
            }
        }

        $($crate::__request_builder!(@ $part);)*
    };
    (@ typestate) => {
        impl<I, S> Builder<I, S> {
            /// The same builder in state `T`: what a required input's setter returns.
            fn into_state<T>(self) -> Builder<I, T> {
                Builder {
                    client: self.client,
                    options: self.options,
                    inputs: self.inputs,
                    state: ::std::marker::PhantomData,
                }
            }
        }
    };
    (@ accept) => {
        impl<I: $crate::builder::NegotiatedAnswer, S> Builder<I, S> {
            /// Asks for the answer in `media_type`, one of those the operation's
            /// documentation lists (the `Accept` header), instead of any of them.
            pub fn accept(mut self, media_type: &'static str) -> Self {
                self.options.accept = Some(media_type);
                self
            }
        }
    };
    (@ resend) => {
        impl<I: $crate::builder::KeyedWrite, S> Builder<I, S> {
            /// Whether this call may be resent after a timeout, a broken connection or a
            /// 429/502/503/504, overriding
            /// [`ClientBuilder::resend_keyed_writes`](enkash_rewards_runtime::ClientBuilder::resend_keyed_writes)
            /// (default `false`).
            ///
            /// Opt in only once the API provider has confirmed that a resent request with the
            /// same key (the operation's documentation names it) is applied once. Otherwise
            /// a resend can apply this write twice.
            pub fn resend_keyed_write(mut self, resend: bool) -> Self {
                self.options.resend_keyed_write = Some(resend);
                self
            }
        }
    };
    (@ streaming) => {
        impl<I: $crate::builder::BinaryAnswer, S> Builder<I, S> {
            /// Sends the request as [`send_with_response`](Self::send_with_response) does,
            /// and hands the answer's body over as it arrives, never held whole (the
            /// client's `max_response_size` does not apply): for a file too large to keep
            /// in memory. The call's `timeout` runs until its last byte has been read;
            /// see [`ByteStream`](enkash_rewards_runtime::ByteStream).
            pub async fn send_streaming(
                self,
            ) -> ::std::result::Result<
                $crate::Response<$crate::ByteStream>,
                $crate::Error,
            >
            where
                S: $crate::request::typestate::Complete<I>,
            {
                let request = $crate::builder::request_of(self.inputs, self.options)?;
                self.client.execute_streaming(request).await
            }
        }
    };
}

#[doc(hidden)]
pub use crate::__request_builder as request_builder;

/// Defines a generated crate's `Client`, a newtype over this crate's [`Client`] (the
/// operations' methods are inherent methods of it, which only the crate defining a type may
/// add, so it is defined there; its text is the same for every API, so it is written once,
/// here), and `ClientBuilder`, the [`ClientBuilder`](crate::ClientBuilder) that builds it.
/// `$api` is the generated crate's [`Api`](crate::api::Api): its token call, secret names
/// and user agent. Generated `mod.rs` calls it once:
/// `enkash_rewards_runtime::builder::api_client!(API);`. Its docs link to the calling
/// crate's `Client` and `operations`, which it has at its root.
#[doc(hidden)]
#[macro_export]
macro_rules! __api_client {
    ($api:path) => {
        /// A configured connection to the API; each operation is a method that starts its
        /// request builder (see [`operations`](crate::operations)).
        ///
        /// Cheap to clone: clones share one connection pool and one cached bearer token.
        /// Build one with [`Client::builder`](crate::Client::builder).
        #[derive(Clone, Debug)]
        pub struct Client($crate::Client);

        /// Configuration for a [`Client`](crate::Client); see each method for its default.
        pub type ClientBuilder = $crate::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client;
            /// [`ClientBuilder::base_url`](enkash_rewards_runtime::ClientBuilder::base_url)
            /// is required.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&$api)
            }

            /// The base URL every request path is appended to.
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }

            /// Replaces the credentials the client logs in with, for every clone of it: the
            /// next token request uses them, rejected logins are counted afresh, and the
            /// token held is kept only if the `client_id` and `username` stay the same; see
            /// [`enkash_rewards_runtime::Client::replace_credentials`](enkash_rewards_runtime::Client::replace_credentials).
            pub fn replace_credentials(
                &self,
                credentials: $crate::Credentials,
            ) -> ::std::result::Result<(), $crate::Error> {
                self.0.replace_credentials(credentials)
            }

            /// Replaces the bearer token the client was built with, for every clone of it:
            /// calls that start after it send the new one; see
            /// [`enkash_rewards_runtime::Client::replace_bearer_token`](enkash_rewards_runtime::Client::replace_bearer_token).
            pub fn replace_bearer_token(
                &self,
                token: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<(), $crate::Error> {
                self.0.replace_bearer_token(token)
            }

            /// Sends a hand-built request for an operation the client does not cover, and
            /// decodes its payload into `T`; see
            /// [`enkash_rewards_runtime::Client::execute`](enkash_rewards_runtime::Client::execute)
            /// for each step and its errors.
            pub async fn execute<T: $crate::builder::DeserializeOwned>(
                &self,
                request: $crate::request::OperationRequest,
            ) -> ::std::result::Result<$crate::request::Response<T>, $crate::Error> {
                self.0.execute(request).await
            }

            /// Sends a hand-built request as [`execute`](Self::execute) does, and hands a
            /// success answer's body over as it arrives; see
            /// [`enkash_rewards_runtime::Client::execute_streaming`](enkash_rewards_runtime::Client::execute_streaming).
            pub async fn execute_streaming(
                &self,
                request: $crate::request::OperationRequest,
            ) -> ::std::result::Result<$crate::request::Response<$crate::ByteStream>, $crate::Error>
            {
                self.0.execute_streaming(request).await
            }
        }

        impl ::std::convert::From<$crate::Client> for Client {
            fn from(client: $crate::Client) -> Self {
                Self(client)
            }
        }

        impl ::std::convert::From<Client> for $crate::Client {
            fn from(client: Client) -> Self {
                client.0
            }
        }
    };
}

#[doc(hidden)]
pub use crate::__api_client as api_client;

#[cfg(test)]
mod tests {
    /// The docs the two macros give the calling crate's items. rustdoc neither resolves a
    /// shortcut link (``[`Client::builder`]``) in docs expanded from another crate's macro
    /// nor warns about it, so every code link there (``[`…`]``) must name its target.
    #[test]
    fn every_code_link_in_the_macros_docs_names_its_target() {
        let source = include_str!("builder.rs");
        let mut checked = 0;
        for name in [
            "macro_rules! __request_builder",
            "macro_rules! __api_client",
        ] {
            let start = source.find(name).expect("the macro is defined here");
            let end = start + source[start..].find("\n}\n").expect("the macro ends");
            for line in source[start..end].lines().map(str::trim) {
                let Some(doc) = line.strip_prefix("///") else {
                    continue;
                };
                for (at, _) in doc.match_indices("[`") {
                    let close = doc[at..].find("`]").map(|i| at + i + 2);
                    assert!(
                        close.is_some_and(|close| doc[close..].starts_with('(')),
                        "a link without a target in {name}'s docs: {line}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked >= 10,
            "only {checked} links found: the macros moved?"
        );
    }
}
