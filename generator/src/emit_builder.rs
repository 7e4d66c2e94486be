//! The request builder every operation shares, `Builder<I, S>`, as the formatted text it
//! is in `operations.rs`: the same for every spec, so it is written here once, already
//! formatted, rather than emitted as tokens and formatted on every generation (on a small
//! spec that was about a tenth of generation's time). Each piece is one item of the file;
//! [`emit_ops`](crate::emit_ops) picks the pieces a spec needs. A test checks that each
//! piece is valid Rust that formatting leaves as it is.

/// The builder: an operation's inputs, its typestate and the per-call options.
pub const STRUCT: &str = r#"/// A request builder: an operation's inputs `I`, its typestate `S` (which required
/// inputs are set) and the per-call options.
///
/// You meet it under each operation's name, started by the [`Client`](crate::Client)
/// method of the same name; the setters of that operation's inputs are listed there.
/// `send()` exists only once every required input is set.
#[must_use = "a request builder does nothing until `.send()` is awaited"]
pub struct Builder<I, S = ()> {
    client: ::enkash_rewards_runtime::Client,
    options: ::enkash_rewards_runtime::request::RequestOptions,
    inputs: I,
    state: ::std::marker::PhantomData<fn() -> S>,
}
"#;

/// Making a builder, and the per-call options every operation has.
pub const OPTIONS: &str = r#"impl<I, S> Builder<I, S> {
    fn new(client: &crate::Client, inputs: I) -> Self {
        Self {
            client: client.clone().into(),
            options: Default::default(),
            inputs,
            state: ::std::marker::PhantomData,
        }
    }

    /// Sets the total time the whole call may take (waiting for a token, every
    /// attempt and the waits between them), overriding the client's operation
    /// timeout.
    pub fn operation_timeout(
        mut self,
        operation_timeout: ::std::time::Duration,
    ) -> Self {
        self.options.operation_timeout = Some(operation_timeout);
        self
    }

    /// Sets the total time one attempt may take, overriding the client's timeout.
    pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the client's retry budget for this call; `0` disables retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }
}
"#;

/// The state change a required input's setter makes: only for a spec with typestate.
pub const INTO_STATE: &str = r#"impl<I, S> Builder<I, S> {
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
"#;

/// Choosing the answer's media type: only for a spec with a negotiated answer.
pub const ACCEPT: &str = r#"impl<I: ::enkash_rewards_runtime::builder::NegotiatedAnswer, S> Builder<I, S> {
    /// Asks for the answer in `media_type`, one of those the operation's
    /// documentation lists (the `Accept` header), instead of any of them.
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.options.accept = Some(media_type);
        self
    }
}
"#;

/// The keyed-write opt-in: only for a spec with a keyed write.
pub const RESEND: &str = r#"impl<I: ::enkash_rewards_runtime::builder::KeyedWrite, S> Builder<I, S> {
    /// Whether this call may be resent after a timeout, a broken connection or a
    /// 429/502/503/504, overriding
    /// [`ClientBuilder::resend_keyed_writes`](crate::ClientBuilder::resend_keyed_writes)
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
"#;

/// Sending, once every required input is set. The bound is on the methods, not the impl, so
/// that a missing input is reported through `Required`'s message naming it, rather than as
/// "method not found".
pub const SEND: &str = r#"impl<I: ::enkash_rewards_runtime::builder::OperationInputs, S> Builder<I, S> {
    /// Sends the request and returns the decoded payload. For an operation with a
    /// result-code envelope that is the envelope's payload, and a non-zero code is an
    /// [`Error::Api`](crate::Error::Api) even on HTTP 200.
    ///
    /// Inputs are checked before anything is sent
    /// ([`Error::InvalidRequest`](crate::Error::InvalidRequest)); see
    /// [`Error`](crate::Error) for the other failures.
    pub async fn send(self) -> Result<I::Output, crate::Error>
    where
        S: ::enkash_rewards_runtime::request::typestate::Complete<I>,
    {
        self.send_with_response()
            .await
            .map(::enkash_rewards_runtime::Response::into_payload)
    }

    /// Like [`send`](Self::send), and also returns the HTTP status and headers.
    pub async fn send_with_response(
        self,
    ) -> Result<::enkash_rewards_runtime::Response<I::Output>, crate::Error>
    where
        S: ::enkash_rewards_runtime::request::typestate::Complete<I>,
    {
        let mut request = self.inputs.into_request()?;
        request.options = self.options;
        ::enkash_rewards_runtime::builder::send_request(self.client, request).await
    }
}
"#;

/// `Debug`, naming the operation and leaving the client out: it is the same for every
/// builder and holds the credentials.
pub const DEBUG: &str = r#"impl<I: ::enkash_rewards_runtime::builder::OperationInputs, S> ::std::fmt::Debug
for Builder<I, S> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct(I::NAME)
            .field("inputs", &self.inputs)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
"#;

/// Every piece, in the order a file holds them.
pub const ALL: [&str; 7] = [STRUCT, OPTIONS, INTO_STATE, ACCEPT, RESEND, SEND, DEBUG];

#[cfg(test)]
mod tests {
    use super::*;

    /// Each piece is one item of valid Rust, exactly as formatting prints it (with the
    /// blank lines between its members that files get).
    #[test]
    fn every_piece_is_formatted_rust() {
        for piece in ALL {
            let tokens: proc_macro2::TokenStream = piece.parse().expect("lexes");
            let formatted = crate::emit::format_file("", tokens).expect("parses");
            assert_eq!(formatted, piece);
        }
    }
}
