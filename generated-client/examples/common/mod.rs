//! Shared set-up for the examples: a [`Client`] configured from environment variables.
//!
//! | variable | meaning |
//! |---|---|
//! | `ENKASH_BASE_URL` | API host; default the sandbox `https://pay-uat.enkash.in` (never production by default) |
//! | `ENKASH_TOKEN` | a bearer token you obtained yourself, **or** the four below |
//! | `ENKASH_CLIENT_ID`, `ENKASH_CLIENT_SECRET` | the integration's credentials (HTTP Basic of the token call) |
//! | `ENKASH_USERNAME`, `ENKASH_PASSWORD` | the registered user the token is issued to |
//! | `ENKASH_PARTNER_ID` | the `partnerId` header of the card APIs (card examples only) |
//! | `ENKASH_PAYLOAD_SECRET` | switches payload encryption on, keyed with SHA-256 of this secret (first 16 bytes) |
//! | `ENKASH_PAYLOAD_KEY_HEX` | switches payload encryption on with this raw 16-byte key (32 hex digits) |
//!
//! With the four credential variables the client fetches, caches and refreshes the token
//! itself (`POST /oauth/token`).

#![allow(dead_code)] // Each example uses a different part of this module.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use enkash_rewards::{Client, Credentials, Error, PayloadEncryption, PayloadKey};

/// The sandbox, used when `ENKASH_BASE_URL` is not set.
pub const SANDBOX: &str = "https://pay-uat.enkash.in";

/// An environment variable, or `None` when unset or empty.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// An environment variable, or `default` (an example value from the EnKash docs).
pub fn var_or(name: &str, default: &str) -> String {
    var(name).unwrap_or_else(|| default.to_owned())
}

/// Builds the client from the `ENKASH_*` variables.
pub fn client_from_env(needs_partner_id: bool) -> Result<Client, String> {
    let base_url = var_or("ENKASH_BASE_URL", SANDBOX);
    let mut builder = Client::builder()
        .base_url(&base_url)
        // Bounded: an example must never hang.
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30));

    let credentials = [
        "ENKASH_CLIENT_ID",
        "ENKASH_CLIENT_SECRET",
        "ENKASH_USERNAME",
        "ENKASH_PASSWORD",
    ]
    .map(var);
    let how = match (var("ENKASH_TOKEN"), credentials) {
        (Some(token), _) => {
            builder = builder.bearer_token(token);
            "bearer token from ENKASH_TOKEN"
        }
        (
            None,
            [
                Some(client_id),
                Some(client_secret),
                Some(username),
                Some(password),
            ],
        ) => {
            builder = builder.credentials(Credentials::new(
                client_id,
                client_secret,
                username,
                password,
            ));
            "credentials (token fetched and refreshed by the client)"
        }
        (None, _) => {
            return Err("no credentials: set ENKASH_TOKEN, or all of ENKASH_CLIENT_ID, ENKASH_CLIENT_SECRET, \
                 ENKASH_USERNAME and ENKASH_PASSWORD"
                .to_owned());
        }
    };
    match var("ENKASH_PARTNER_ID") {
        Some(partner_id) => builder = builder.partner_id(partner_id),
        None if needs_partner_id => {
            return Err(
                "the card APIs need ENKASH_PARTNER_ID (the partnerId issued by EnKash)".to_owned(),
            );
        }
        None => {}
    }
    let encryption = match (var("ENKASH_PAYLOAD_SECRET"), var("ENKASH_PAYLOAD_KEY_HEX")) {
        (Some(_), Some(_)) => {
            return Err("set ENKASH_PAYLOAD_SECRET or ENKASH_PAYLOAD_KEY_HEX, not both".to_owned());
        }
        (Some(secret), None) => Some((PayloadKey::sha256_of_secret(&secret), "SHA-256 of secret")),
        (None, Some(hex)) => Some((key_from_hex(&hex)?, "raw key")),
        (None, None) => None,
    };
    let how = match encryption {
        Some((key, derivation)) => {
            builder = builder.payload_encryption(PayloadEncryption::new(key));
            format!("{how}, payload encryption on ({derivation})")
        }
        None => how.to_owned(),
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    println!("using {base_url} with {how}");
    Ok(client)
}

/// A raw AES-128 key from 32 hex digits.
fn key_from_hex(hex: &str) -> Result<PayloadKey, String> {
    let hex = hex.trim();
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect();
    bytes
        .ok_or_else(|| "ENKASH_PAYLOAD_KEY_HEX is not hexadecimal".to_owned())
        .and_then(|b| {
            PayloadKey::from_slice(&b).map_err(|e| format!("ENKASH_PAYLOAD_KEY_HEX: {e}"))
        })
}

/// A reference unique to this run: `PREFIX-<unix ms>-<pid>`. Generate it once per business
/// transaction, store it with the transaction, and reuse it if, after checking that the
/// first attempt did not happen, you have to send it again.
pub fn unique_reference(prefix: &str) -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("{prefix}-{millis}-{}", std::process::id())
}

/// Prints the error (with what to do about it) and returns a failing exit code.
pub fn fail(what: &str, error: &Error) -> ExitCode {
    eprintln!("error: {what} failed: {error}");
    match error {
        Error::Api { code, .. } => {
            eprintln!("  EnKash answered with code {code}: the request was understood and refused")
        }
        _ if error.outcome_unknown() => eprintln!(
            "  the outcome of a write is unknown: check it before sending it again (same reference)"
        ),
        _ => {}
    }
    ExitCode::FAILURE
}

/// For set-up errors (missing variables): prints them and returns a failing exit code.
pub fn fail_setup(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
