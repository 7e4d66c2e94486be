//! The runtime the generated `enkash-rewards` client calls: one request pipeline (client
//! configuration, authentication with a managed token, retries, payload encryption,
//! decoding, errors) that generated operations describe requests to as data.
//!
//! Use it through `enkash-rewards`, which re-exports everything a caller names. The items
//! marked hidden in these docs (the API description, the builders' internals, the serde
//! adapters) are the contract with generated code: public so that generated crates can
//! reach them, not a public API, and they may change in any release.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(missing_debug_implementations)]

// One-way layers, each a module named for its job (tests/it/architecture.rs checks that no
// module imports one above it): api (the API described as data) and request (what to send,
// as data) → retry (the one failure classification, the backoff) → error → decode (reading
// an answer; redact, values, serde_helpers and stream beside it) → time and token (the token
// cache) → transport (one pipeline for every request) → auth (the token source, the
// operations' authentication hook) → client (configuration) → builder (what generated
// operations implement).
#[doc(hidden)]
pub mod api;
mod auth;
#[doc(hidden)]
pub mod builder;
mod client;
pub mod decode;
pub mod encryption;
mod error;
mod form;
pub mod multipart;
mod redact;
pub mod request;
pub mod retry;
#[doc(hidden)]
pub mod serde_helpers;
mod stream;
pub mod time;
mod token;
mod transport;
#[doc(hidden)]
pub mod validate;
#[doc(hidden)]
pub mod values;

pub use auth::{Credentials, Secret};
pub use client::{Client, ClientBuilder};
pub use encryption::{PayloadEncryption, PayloadKey};
pub use error::{Error, ErrorBody};
pub use multipart::UploadFile;
pub use request::Response;
pub use retry::RetryPolicy;
/// The `rust_decimal` the amounts are made of, so you need not match its version.
pub use rust_decimal;
pub use rust_decimal::Decimal;
pub use stream::ByteStream;
pub use values::{Binary, Negotiated, RawJson, UnknownEnumValue, UnknownValue};

/// Exact decimals in your own serde types, as the generated types use them: a
/// `rust_decimal::Decimal` (alone or in an `Option`, `Vec` or map) written as the JSON
/// number it is and read from the number's own text, never through `f64`.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Balance {
///     #[serde(with = "enkash_rewards_runtime::decimal")]
///     amount: rust_decimal::Decimal,
/// }
///
/// let balance: Balance = serde_json::from_str(r#"{"amount": 212110981360666.62}"#).unwrap();
/// assert_eq!(balance.amount.to_string(), "212110981360666.62");
/// assert_eq!(serde_json::to_string(&balance).unwrap(), r#"{"amount":212110981360666.62}"#);
/// ```
///
/// Use it for types you decode with a client's `execute`; it works with `serde_json` only.
pub mod decimal {
    pub use crate::serde_helpers::exact::{deserialize, serialize};
}
