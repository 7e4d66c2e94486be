//! Typed async client for EnKash's Rewards & Incentives APIs.
//!
//! Configure one [`Client`] per process and clone it freely; every operation is a
//! builder under [`operations`] that ends in `.send().await`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), enkash_rewards::Error> {
//! use enkash_rewards::{Client, Credentials};
//!
//! let client = Client::builder()
//!     .base_url("https://pay-uat.enkash.in")
//!     .credentials(Credentials::new("CLIENT_ID", "client-secret", "user@example.com", "password"))
//!     .partner_id("PARTNER")
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! # Example
//!
//! Credit reward points to a card holder, creating the card if needed, and handle each
//! kind of failure:
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use enkash_rewards::types::{PointsOperation, TransactionType};
//! use enkash_rewards::{Client, Credentials, Error, servers};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder()
//!         .base_url(servers::SANDBOX)
//!         .credentials(Credentials::new("CEK1GZBO6A", "client-secret", "ops@example.com", "password"))
//!         .partner_id("CRMXWB3ZM")
//!         .timeout(Duration::from_secs(20))
//!         .build()?;
//!
//!     // One reference per credit, stored before sending: it makes a retry safe.
//!     let reference = "TEST234236";
//!     let result = client
//!         .create_and_allocate_points()
//!         .company_id("CEK1PU9AOO")
//!         .card_account_id("CAQL8YCV3")
//!         .transaction_code("ALLOCATION")
//!         .transaction_type(TransactionType::Cr)
//!         .r#type(PointsOperation::AllocatePoint)
//!         .email("xyz2@gmail.com")
//!         .mobile("9600098867")
//!         .title("Mr")
//!         .first_name("Asha")
//!         .gender("F")
//!         .load_amount(11)
//!         .unique_reference_number(reference)
//!         .send()
//!         .await;
//!     match result {
//!         Ok(card) => println!("card {} now holds {}", card.en_kash_card_id, card.otb_balance),
//!         // EnKash said no (often with HTTP 200): nothing was credited.
//!         Err(Error::Api { code, message, .. }) => eprintln!("refused ({code}): {message}"),
//!         // The server may have credited: check by `reference` before crediting again.
//!         Err(e) if e.outcome_unknown() => eprintln!("unknown outcome: {e}"),
//!         Err(e) => return Err(e.into()),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Authentication
//!
//! Either pass a token with [`ClientBuilder::bearer_token`], or [`Credentials`] with
//! [`ClientBuilder::credentials`] and let the client call `POST /oauth/token` itself. A
//! managed token is cached and refreshed shortly before `expires_in` runs out (5 minutes is
//! assumed when the server does not say), one refresh at a time and off your calls' path:
//! a call holding a token that is still good to send never waits for the refresh; a call
//! with none waits for the refresh in flight, no longer than its timeout. A token is not
//! sent in its last 10 s. After a failed token request the next waits a backoff (1 s,
//! doubling to 30 s, or as long as the endpoint's `Retry-After` asks, up to 5 minutes)
//! however many calls come, and calls without a usable token fail at once meanwhile
//! ([`Error::TokenUnavailable`] or the failure itself). A token request refused
//! with 400/401/403 is never retried and is not resent for 30 s; a token still held is
//! used until it expires. EnKash locks an account after three failed logins in a row, so
//! after two rejected in a row the client sends no more, and each call without a usable
//! token fails at once with [`Error::TokenUnavailable`] saying so: correct the credentials
//! with [`Client::replace_credentials`] (every clone takes them, logins are counted afresh)
//! or build a new client. Each client counts its own logins: clients in several
//! processes with the same wrong password can still make three between them. The same
//! method rotates a password or client secret while the service runs: the next token
//! request uses the new ones, and the token held is kept unless the `client_id` or
//! `username` changes. An API call answered with 401 drops the cached token so the next
//! call fetches a new one, but no sooner than a backoff (1 s, doubling to 30 s) after the
//! last drop, so a server refusing every token does not make each call a login; the call
//! itself is not resent. A token of your own is replaced, for every clone, with
//! [`Client::replace_bearer_token`] (when it nears its end, or after a 401): calls that
//! start after it send the new one. Secrets are held in [`Secret`], which never prints
//! its value.
//!
//! # Errors
//!
//! EnKash reports failures inside a response envelope, often with HTTP 200. A non-zero
//! `response_code`/`code` is [`Error::Api`] whatever the HTTP status; a non-2xx answer
//! with no EnKash error code (a proxy's HTML page) is [`Error::Http`]; a 2xx answer that does
//! not match the spec is [`Error::Decode`], naming the failing field such as
//! `payload.cardStatus.name`. A write that fails without a definite answer is
//! [`Error::OutcomeUnknown`] (see below). An error's text is one line for your logs that
//! starts with the operation and holds every cause (`allocateCoins: could not connect to
//! the server; nothing was sent: …: Connection refused (os error 111)`); it has no
//! `source()`, so a printer of cause chains says nothing twice. Amounts are read from the
//! number's own text, never through `f64`, and without turning on `serde_json`'s
//! `arbitrary_precision` (which would change your own serde code). If you decode the types
//! yourself, decode from JSON text (`serde_json::from_slice`), not from a
//! `serde_json::Value`: a `Value` holds numbers as `f64`, and `212110981360666.62` and
//! `…666.63` are the same `f64`.
//!
//! # Retries: never a double spend
//!
//! Each operation is classed by the generator from the spec:
//!
//! * **Reads and the token call** are retried after a connection failure, a timeout, a
//!   broken connection, or HTTP 429/502/503/504.
//! * **Writes** (allocating coins, crediting points, creating cards) are retried **only**
//!   when the request certainly never reached the server (connection refused, DNS
//!   failure). Never after a timeout, a broken connection or a 5xx: the server may have
//!   acted, and EnKash documents no de-duplication, not even by your `requestId` or
//!   `uniqueReferenceNum`. Such a failure is [`Error::OutcomeUnknown`]: it names the key the
//!   write carried, so you can find out whether it happened before sending it again. A
//!   write answered 429 is not resent either, but nothing was done: it is [`Error::Http`],
//!   and [`Error::retry_after`] says how long the server asked you to wait before sending
//!   it again.
//! * If EnKash has confirmed for your account that a keyed write is applied once per key,
//!   you may opt in to resending keyed writes with
//!   [`ClientBuilder::resend_keyed_writes`], or per call with the builders'
//!   `resend_keyed_write(true)`. Writes without a key are never resent either way.
//!
//! A connection idle for 4 s is closed by the client
//! ([`ClientBuilder::pool_idle_timeout`]); servers commonly keep an idle one 5 s to 75 s.
//! So no write goes out on a connection the server is closing at that moment, the
//! commonest cause of an unknown outcome on a healthy network.
//!
//! [`RetryPolicy::default`] allows 2 retries with exponential backoff (200 ms doubling,
//! capped at 5 s, full jitter). `Retry-After` (seconds or HTTP date) is honoured up to
//! 60 s; a longer one fails the call at once, and the error's [`Error::retry_after`]
//! carries it. Retries also draw on a budget the client's
//! calls share, 100 retries that answers earn back
//! ([`RetryPolicy::with_retry_budget`]): while EnKash fails most attempts, calls stop
//! retrying instead of tripling its load. Override per call with
//! [`RequestOptions::max_retries`](request::RequestOptions::max_retries), or use
//! [`RetryPolicy::none`]. Details: [`retry`].
//!
//! # Encrypted payloads
//!
//! EnKash's integration guides ask live partners to encrypt request payloads (AES-128,
//! ECB, PKCS#7, Base64, sent as `{"request": "…"}`) and to decrypt responses wrapped the
//! same way. It is **off by default** (the sandbox and the documented examples are plain
//! JSON); switch it on with [`ClientBuilder::payload_encryption`]:
//!
//! ```no_run
//! # fn demo() -> Result<(), enkash_rewards::Error> {
//! use enkash_rewards::{Client, PayloadEncryption, PayloadKey};
//!
//! let client = Client::builder()
//!     .base_url(enkash_rewards::servers::PRODUCTION)
//!     .bearer_token("token")
//!     .payload_encryption(PayloadEncryption::new(PayloadKey::sha256_of_secret("client-secret")))
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! The key is derived as EnKash's documented example does ([`PayloadKey::sha256_of_secret`])
//! or given raw ([`PayloadKey::from_bytes`]); EnKash shares the key logic per partner. The
//! token call, paths, query strings and headers are never encrypted; an unwrapped answer
//! is read as plain JSON. ECB is EnKash's scheme, not a recommendation: it hides neither
//! repeated blocks nor tampering. See [`encryption`] for the details.
//!
//! # Flows
//! Besides one builder per operation: [`Client::credit`] and [`Client::debit`] (the CR/DR code
//! pairs set for you, the card named completely) and [`Client::allocate_in_bulk`] (an outcome
//! per row) in [`allocation`]; the SSO redirect URLs in [`sso`]; Order Search as a stream of
//! pages in [`orders`]. The redemption flow (product denominations, cart, order, vouchers)
//! is shown by the `redeem_vouchers` example.
//! # Testing your code
//!
//! The `testing` feature (for your dev-dependencies) adds `testing::MockEnKash`: a real
//! HTTP server on 127.0.0.1 that answers each operation with the spec's documented answer,
//! your payload, an EnKash refusal, an HTTP error or a slow reply, and records what your code
//! sent. No network, no hand-written fixtures; see the `testing` module (documented on
//! docs.rs, which builds with the feature on).
//!
//! # Observability
//!
//! Every call runs in a `tracing` span named `enkash.request` with the fields
//! `operation`, `method`, `path` (the path *template*, never the concrete path, which can
//! hold ids), `attempt`, `status` and `latency_ms`; each retry logs a `debug` event, and
//! the client logs a `warn` event when it stops sending logins (two rejected in a row).
//! No token, secret, header value, query or body is ever traced.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

// The runtime (the `enkash-rewards-runtime` crate): re-exported where callers and the
// generated code name it. Its hidden modules are the contract with generated code.
/// The `rust_decimal` this crate's amounts are made of, so you need not match its version.
pub use enkash_rewards_runtime::rust_decimal;
pub use enkash_rewards_runtime::{
    Binary, ByteStream, Credentials, Decimal, Error, ErrorBody, Negotiated, PayloadEncryption,
    PayloadKey, RawJson, Response, RetryPolicy, Secret, UnknownEnumValue, UnknownValue, UploadFile,
};
pub use enkash_rewards_runtime::{decimal, decode, encryption, multipart, request, retry, time};
#[doc(hidden)]
pub use enkash_rewards_runtime::{serde_helpers, validate, values};

// Formatted by prettyplease when generated; rustfmt would reformat it and break
// `cargo xtask codegen --check`.
#[rustfmt::skip]
mod generated;
pub use generated::{API_VERSION, Client, ClientBuilder, operations, servers, types};

#[cfg(feature = "testing")]
pub mod testing;

// EnKash-specific flows over the generated operations (the only lines about them here).
mod flows;
pub use flows::{allocation, orders, sso};

/// This crate's version; the default user agent is `enkash-rewards/<VERSION>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The crate README's examples, compiled as doctests so they cannot go stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[cfg(test)]
mod tests;
