//! Testing your own code offline: a stand-in for the EnKash API on 127.0.0.1.
//!
//! Enabled by the `testing` feature; add it to your **dev**-dependencies only:
//!
//! ```toml
//! [dev-dependencies]
//! enkash-rewards = { version = "0.1", features = ["testing"] }
//! ```
//!
//! [`MockEnKash`] runs a real HTTP server on a loopback port (a
//! [`wiremock`](https://docs.rs/wiremock) server). Tell it how to answer each
//! [`Operation`] (the spec's documented answer, your own payload, an EnKash failure, an
//! HTTP error, a slow answer), hand [`MockEnKash::client`] to the code under test, then
//! check what it sent with [`MockEnKash::requests`]:
//!
//! ```
//! use enkash_rewards::testing::{MockEnKash, Operation, Reply};
//!
//! /// The code under test: credits a referral, once.
//! async fn reward_referral(client: &enkash_rewards::Client, user: &str) -> Result<String, enkash_rewards::Error> {
//!     client
//!         .allocate_coins()
//!         .company_id("CEK0TCW2W8")
//!         .event("REFERRAL_EVENT")
//!         .request_id(format!("REF-{user}"))
//!         .user_id(user)
//!         .send()
//!         .await
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = MockEnKash::start().await;
//! mock.respond(Operation::AllocateCoins, Reply::Documented).await;
//!
//! let message = reward_referral(&mock.client(), "EKQZVMQK").await.unwrap();
//! assert_eq!(message, "Successfully allocated enkash Coins");
//!
//! let sent = mock.requests(Operation::AllocateCoins).await;
//! assert_eq!(sent.len(), 1);
//! assert_eq!(sent[0].body["requestId"], "REF-EKQZVMQK");
//!
//! // EnKash refusing (HTTP 200 with a non-zero code) is an `Error::Api`:
//! mock.reset().await;
//! mock.respond(Operation::AllocateCoins, Reply::failure(1, "Insufficient balance")).await;
//! let error = reward_referral(&mock.client(), "EKQZVMQK").await.unwrap_err();
//! assert!(matches!(error, enkash_rewards::Error::Api { code: 1, .. }));
//! # }
//! ```
//!
//! An operation you gave no answer for gets HTTP 404 with no EnKash code
//! ([`Error::Http`](crate::Error::Http)), so a forgotten stub fails loudly.

use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use crate::generated::testing::Operation;
use crate::{Client, ClientBuilder, RetryPolicy};

/// The bearer token and `partnerId` the client from [`MockEnKash::client`] sends.
pub const TEST_TOKEN: &str = "test-token";
/// See [`TEST_TOKEN`].
pub const TEST_PARTNER_ID: &str = "test-partner";

/// How the stand-in answers an operation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// The spec's documented success answer for the operation (HTTP 200). Operations the
    /// spec documents no answer for get an empty success envelope instead.
    Documented,
    /// Success, with this payload in the operation's envelope (or as the whole body when
    /// the operation has no envelope).
    Success(Value),
    /// An EnKash failure: HTTP 200 with this non-zero code, and the message as both the
    /// message and the payload, as EnKash sends them.
    Failure {
        /// The envelope's code (non-zero).
        code: i64,
        /// The envelope's message.
        message: String,
    },
    /// This HTTP status with this body, e.g. a proxy's 502 page.
    Status(u16, String),
    /// This HTTP status with this JSON text as the body, byte for byte (numbers exactly as
    /// written, which a `serde_json::Value` cannot promise).
    Json(u16, String),
    /// The inner reply, after this delay (to exercise timeouts).
    Delayed(Duration, Box<Reply>),
    /// The inner reply with a `Retry-After` header asking for this wait (in whole seconds,
    /// rounded up), as a server that is busy or rate-limits sends it with a 429 or 503.
    RetryAfter(Duration, Box<Reply>),
}

impl Reply {
    /// [`Reply::Failure`] from any message.
    pub fn failure(code: i64, message: impl Into<String>) -> Self {
        Reply::Failure {
            code,
            message: message.into(),
        }
    }

    /// [`Reply::Delayed`].
    pub fn delayed(delay: Duration, reply: Reply) -> Self {
        Reply::Delayed(delay, Box::new(reply))
    }

    /// [`Reply::RetryAfter`]: e.g. a 429 asking for two minutes, to see what your code
    /// does with [`Error::retry_after`](crate::Error::retry_after).
    ///
    /// ```
    /// # use std::time::Duration;
    /// use enkash_rewards::testing::Reply;
    /// let busy = Reply::retry_after(Duration::from_secs(120), Reply::Status(429, String::new()));
    /// ```
    pub fn retry_after(wait: Duration, reply: Reply) -> Self {
        Reply::RetryAfter(wait, Box::new(reply))
    }
}

/// One request the stand-in received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The concrete path, e.g. `/api/v0/enkash-coins/WCC12345`.
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names lower case (the bearer token and `partnerId` included).
    pub headers: Vec<(String, String)>,
    /// The body as JSON (`Null` when empty or not JSON; see `raw_body`).
    pub body: Value,
    /// The body's bytes.
    pub raw_body: Vec<u8>,
}

/// A stand-in for the EnKash API on a loopback port; see the [module docs](self).
#[derive(Debug)]
pub struct MockEnKash {
    server: MockServer,
}

impl MockEnKash {
    /// Starts the server on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self {
            server: MockServer::start().await,
        }
    }

    /// The base URL to configure a client with.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client builder for this server: base URL, bearer token [`TEST_TOKEN`], `partnerId`
    /// [`TEST_PARTNER_ID`], no retries, 5 s timeout. Adjust it before `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.uri())
            .bearer_token(TEST_TOKEN)
            .partner_id(TEST_PARTNER_ID)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(5))
    }

    /// A client for this server, as [`client_builder`](Self::client_builder) configures it.
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("the mock's configuration is valid")
    }

    /// Answers every call of `operation` with `reply` from now on (the latest `respond`
    /// for an operation wins).
    pub async fn respond(&self, operation: Operation, reply: Reply) {
        Mock::given(method(operation.method()))
            .and(path_regex(path_pattern(operation.path_template())))
            .respond_with(response(operation, &reply))
            .with_priority(priority())
            .named(operation.id())
            .mount(&self.server)
            .await;
    }

    /// The requests received for `operation`, oldest first.
    pub async fn requests(&self, operation: Operation) -> Vec<RecordedRequest> {
        let pattern = regex_lite::Regex::new(&path_pattern(operation.path_template()))
            .expect("path templates make valid patterns");
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.method.as_str() == operation.method() && pattern.is_match(r.url.path()))
            .map(|r| RecordedRequest {
                path: r.url.path().to_owned(),
                query: r
                    .url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                raw_body: r.body,
            })
            .collect()
    }

    /// Forgets every answer and every recorded request.
    pub async fn reset(&self) {
        self.server.reset().await;
    }
}

/// Later `respond` calls take precedence: each gets a higher priority (a lower number).
fn priority() -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    static NEXT: AtomicU8 = AtomicU8::new(u8::MAX);
    // Saturates at 1 after 254 stubs in one process; earlier ones then tie.
    NEXT.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |p| {
        Some(p.saturating_sub(1).max(1))
    })
    .unwrap_or(1)
}

/// `^/api/v0/enkash-coins/[^/]+$` for `/api/v0/enkash-coins/{coinConfigId}`.
fn path_pattern(template: &str) -> String {
    use crate::request::TemplatePart;
    let mut pattern = String::from("^");
    for part in crate::request::template_parts(template) {
        match part {
            TemplatePart::Text(text) => pattern.push_str(&regex_lite::escape(text)),
            TemplatePart::Placeholder(_) => pattern.push_str("[^/]+"),
        }
    }
    pattern.push('$');
    pattern
}

fn response(operation: Operation, reply: &Reply) -> ResponseTemplate {
    let json = |status: u16, body: Value| ResponseTemplate::new(status).set_body_json(body);
    let envelope = operation.envelope();
    match reply {
        Reply::Documented => match operation.documented_response() {
            Some(text) => ResponseTemplate::new(200)
                .set_body_raw(text.as_bytes().to_vec(), "application/json"),
            None => response(operation, &Reply::Success(Value::Null)),
        },
        Reply::Success(payload) => match envelope {
            Some(e) => json(
                200,
                serde_json::json!({ e.code[0]: 0, e.message[0]: "Success", e.payload[0]: payload }),
            ),
            None => json(200, payload.clone()),
        },
        Reply::Failure { code, message } => match envelope {
            Some(e) => json(
                200,
                serde_json::json!({ e.code[0]: code, e.message[0]: message, e.payload[0]: message }),
            ),
            None => json(400, serde_json::json!({ "code": code, "message": message })),
        },
        Reply::Status(status, body) => {
            ResponseTemplate::new(*status).set_body_raw(body.as_bytes().to_vec(), "text/html")
        }
        Reply::Json(status, body) => ResponseTemplate::new(*status)
            .set_body_raw(body.as_bytes().to_vec(), "application/json"),
        Reply::Delayed(delay, inner) => response(operation, inner).set_delay(*delay),
        Reply::RetryAfter(wait, inner) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response(operation, inner).insert_header("Retry-After", seconds.to_string().as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_become_anchored_patterns() {
        assert_eq!(
            path_pattern("/api/v0/enkash-coins/{coinConfigId}"),
            "^/api/v0/enkash\\-coins/[^/]+$"
        );
        assert_eq!(path_pattern("/oauth/token"), "^/oauth/token$");
        let re = regex_lite::Regex::new(&path_pattern("/a/{x}/b")).unwrap();
        assert!(re.is_match("/a/1/b"));
        assert!(!re.is_match("/a/1/2/b"));
    }

    /// A write answered 429 with `Retry-After` is sent once, did nothing, and says when
    /// it may be sent again.
    #[tokio::test]
    async fn a_busy_answer_says_how_long_to_wait() {
        let mock = MockEnKash::start().await;
        let busy = Reply::retry_after(
            Duration::from_millis(119_500),
            Reply::Status(429, String::new()),
        );
        mock.respond(Operation::AllocateCoins, busy).await;
        let error = mock
            .client()
            .allocate_coins()
            .company_id("CEK0TCW2W8")
            .event("REFERRAL_EVENT")
            .request_id("REF-1")
            .user_id("EKQZVMQK")
            .send()
            .await
            .expect_err("busy");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
        assert!(!error.outcome_unknown(), "{error}");
        assert_eq!(mock.requests(Operation::AllocateCoins).await.len(), 1);
    }
}
