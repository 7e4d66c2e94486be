//! Wire tests for the retry policy: what is resent, what never is, and how long the
//! client waits. The waits between attempts go through a recording sleep that returns at
//! once (`ClientBuilder::sleep_impl`): each test sees the delays the policy chose, and
//! none waits them out. Deadlines are real: a stalled server is a real server stalling.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use enkash_rewards::time::Sleep;

use enkash_rewards::request::{Envelope, OperationRequest, RequestBody, RetryClass};
use enkash_rewards::{Client, Error, RetryPolicy};
use enkash_rewards_tests::one_connection_server;
use reqwest::{Method, StatusCode};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ENVELOPE: Envelope = Envelope {
    code: &["response_code"],
    message: &["response_message"],
    payload: &["payload"],
};
const OK_BODY: &str = r#"{"response_code":0,"response_message":"Success","payload":"done"}"#;

fn request(class: RetryClass) -> OperationRequest {
    let method = match class {
        RetryClass::Idempotent => Method::GET,
        _ => Method::POST,
    };
    let mut request =
        OperationRequest::new("testOperation", method, "/api/v0/things", "/api/v0/things");
    request.retry = class;
    request.envelope = Some(ENVELOPE);
    request
}

fn post_with_body(class: RetryClass) -> OperationRequest {
    let mut req = request(class);
    req.method = Method::POST;
    let body = serde_json::json!({"referenceNumber": "REF-1", "amount": "100.25", "idempotencyKey": "k-1"});
    req.body = Some(RequestBody::json(&body).expect("json body"));
    req
}

/// Two retries with a negligible backoff, so tests are quick but still exercise the loop.
fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

/// The delays the client asked to wait, in order; it never waits them out.
#[derive(Debug, Clone, Default)]
struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    fn taken(&self) -> Vec<Duration> {
        self.0.lock().expect("not poisoned").clone()
    }
}

impl Sleep for Delays {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0.lock().expect("not poisoned").push(duration);
        Box::pin(std::future::ready(()))
    }
}

fn client(base_url: impl Into<String>, timeout: Duration) -> Client {
    client_recording(base_url, timeout).0
}

/// A client and the delays it waits between attempts (one per retry).
fn client_recording(base_url: impl Into<String>, timeout: Duration) -> (Client, Delays) {
    let delays = Delays::default();
    let client = Client::builder()
        .base_url(base_url)
        .timeout(timeout)
        .retry_policy(fast_policy())
        .sleep_impl(delays.clone())
        .build()
        .expect("test client builds");
    (client, delays)
}

async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |requests| requests.len())
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_waiting() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let (client, delays) = client_recording(server.uri(), Duration::from_secs(5));
    let response = client
        .execute::<String>(request(RetryClass::Idempotent))
        .await
        .expect("second attempt succeeds");

    assert_eq!(response.payload, "done");
    assert_eq!(request_count(&server).await, 2);
    assert_eq!(delays.taken(), [Duration::from_secs(1)], "Retry-After: 1");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(server.uri(), Duration::from_secs(5))
        .execute::<String>(request(RetryClass::Idempotent))
        .await
        .expect_err("gives up");

    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(matches!(error, Error::Http { .. }), "{error:?}");
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(3600)),
        "the wait is the caller's to schedule"
    );
}

/// A write answered 429 is not resent (the client resends no write it did not have to),
/// but nothing was done, so the caller may send it again: the error says when the server
/// asked, and that nothing happened.
#[tokio::test]
async fn a_write_answered_429_says_when_it_may_be_sent_again() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(server.uri(), Duration::from_secs(5))
        .execute::<String>(post_with_body(RetryClass::NonIdempotent))
        .await
        .expect_err("not resent");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert!(!error.outcome_unknown(), "{error}");
    assert!(
        error
            .to_string()
            .ends_with("; wait 120s before sending again"),
        "{error}"
    );

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let error = client(server.uri(), Duration::from_secs(5))
        .execute::<String>(post_with_body(RetryClass::NonIdempotent))
        .await
        .expect_err("not found");
    assert_eq!(error.retry_after(), None, "no header, no wait");
}

#[tokio::test]
async fn a_non_idempotent_write_is_never_retried_after_a_429_or_5xx() {
    for status in [429u16, 500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header("Retry-After", "0"))
            .expect(1)
            .mount(&server)
            .await;

        let error = client(server.uri(), Duration::from_secs(5))
            .execute::<String>(post_with_body(RetryClass::NonIdempotent))
            .await
            .expect_err("fails");

        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(request_count(&server).await, 1, "status {status}");
    }
}

#[tokio::test]
async fn an_idempotent_call_retries_transient_statuses_with_identical_bytes() {
    for status in [502u16, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status))
            .expect(3)
            .mount(&server)
            .await;

        let error = client(server.uri(), Duration::from_secs(5))
            .execute::<String>(post_with_body(RetryClass::Idempotent))
            .await
            .expect_err("every attempt fails");

        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let received = server.received_requests().await.expect("recording is on");
        assert_eq!(received.len(), 3, "first attempt + 2 retries for {status}");
        assert!(
            received.iter().all(|r| r.body == received[0].body),
            "identical bytes"
        );
        // The last attempt takes the request's headers rather than copying them; the
        // ones before it must leave them in place.
        assert!(
            received.iter().all(|r| r.headers == received[0].headers),
            "identical headers"
        );
        assert!(received[2].headers.contains_key("content-type"));
    }
}

/// The generated operations carry their method's class: a GET (Get Coin Balance) is
/// resent after a 503, a write without an idempotency key (Create Coin Event) never is.
#[tokio::test]
async fn generated_reads_are_resent_and_generated_writes_are_not() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"response_code":0,"response_message":"Success","payload":7}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .retry_policy(fast_policy())
        .sleep_impl(Delays::default())
        .build()
        .expect("test client builds");

    let balance = client.get_coin_balance().user_id("U").send().await;
    assert_eq!(balance.expect("the 503 is resent"), 7);
    assert_eq!(request_count(&server).await, 2);

    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let created = client
        .create_coin_event()
        .configuration(enkash_rewards::types::CoinConfiguration::Default)
        .company_id("CEKEKCARDS")
        .event("MEAL_CARD_PAYMENT")
        .amount(6)
        .send()
        .await;
    assert_eq!(
        created.expect_err("a 503").status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(request_count(&server).await, 1, "a write is never resent");
}

#[tokio::test]
async fn a_500_is_not_retried_even_for_an_idempotent_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(server.uri(), Duration::from_secs(5))
        .execute::<String>(request(RetryClass::Idempotent))
        .await
        .expect_err("fails");

    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
}

#[tokio::test]
async fn a_per_request_retry_budget_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(RetryClass::Idempotent);
    req.options.max_retries = Some(0);

    let error = client(server.uri(), Duration::from_secs(5))
        .execute::<String>(req)
        .await
        .expect_err("fails");

    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
}

#[tokio::test]
async fn a_timed_out_non_idempotent_write_is_sent_exactly_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(OK_BODY, "application/json")
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(server.uri(), Duration::from_millis(200))
        .execute::<String>(post_with_body(RetryClass::NonIdempotent))
        .await
        .expect_err("times out");

    assert!(
        error.outcome_unknown(),
        "the write may have happened: {error}"
    );
    match error {
        Error::OutcomeUnknown {
            operation, cause, ..
        } => {
            assert_eq!(operation, "testOperation");
            match *cause {
                Error::Timeout {
                    operation,
                    after,
                    connecting,
                    ..
                } => {
                    assert_eq!(operation, "testOperation");
                    assert_eq!(after, Duration::from_millis(200));
                    assert!(!connecting, "the request was sent before the timeout");
                }
                other => panic!("expected a timeout as the cause, got {other:?}"),
            }
        }
        other => panic!("expected Error::OutcomeUnknown, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_timed_out_idempotent_call_is_resent_with_the_identical_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(OK_BODY, "application/json")
                .set_delay(Duration::from_secs(2)),
        )
        .expect(3)
        .mount(&server)
        .await;

    let error = client(server.uri(), Duration::from_millis(200))
        .execute::<String>(post_with_body(RetryClass::Idempotent))
        .await
        .expect_err("every attempt times out");

    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    let received = server.received_requests().await.expect("recording is on");
    assert_eq!(received.len(), 3);
    assert!(!received[0].body.is_empty());
    assert!(
        received.iter().all(|r| r.body == received[0].body),
        "identical bytes on every attempt"
    );
}

#[tokio::test]
async fn a_per_request_timeout_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(OK_BODY, "application/json")
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(RetryClass::NonIdempotent);
    req.options.timeout = Some(Duration::from_millis(150));

    match client(server.uri(), Duration::from_secs(30))
        .execute::<String>(req)
        .await
    {
        Err(Error::OutcomeUnknown { cause, .. }) => match *cause {
            Error::Timeout { after, .. } => assert_eq!(after, Duration::from_millis(150)),
            other => panic!("expected a timeout as the cause, got {other:?}"),
        },
        other => panic!("expected Error::OutcomeUnknown, got {other:?}"),
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then released.
fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_retried_for_every_class() {
    let base_url = format!("http://127.0.0.1:{}", refused_port());
    for class in [RetryClass::Idempotent, RetryClass::NonIdempotent] {
        let (client, delays) = client_recording(base_url.clone(), Duration::from_secs(5));
        let error = client
            .execute::<String>(post_with_body(class))
            .await
            .expect_err("nothing listens");

        match &error {
            Error::Transport {
                operation, source, ..
            } => {
                assert_eq!(*operation, "testOperation");
                assert!(source.is_connect(), "{source:?}");
                assert!(source.url().is_none(), "the URL is stripped from the error");
                // The text says what it means, then what happened, down to the last cause.
                let text = error.to_string();
                let prefix = "testOperation: could not connect to the server; nothing was sent: ";
                assert!(text.starts_with(prefix), "{text}");
                let last_cause =
                    std::iter::successors(Some(source as &dyn std::error::Error), |e| e.source())
                        .last()
                        .expect("the error itself");
                assert!(text.ends_with(&last_cause.to_string()), "{text}");
            }
            other => panic!("expected Error::Transport for {class:?}, got {other:?}"),
        }
        assert_eq!(delays.taken().len(), 2, "both retries used for {class:?}");
        // The text holds the causes, so a chain printer (anyhow's `{:#}`) has none to repeat.
        assert!(std::error::Error::source(&error).is_none());
        assert!(!error.outcome_unknown(), "nothing was sent: {error}");
    }
}

/// A server that sends the status line, the headers and half the body, then stalls or
/// closes the connection: the attempt's timeout covers reading the body too, so a stall
/// ends the call as a timeout instead of waiting forever. Either way the write is sent
/// once (a GET would be retried) and its outcome is unknown, and the error carries the
/// answer's status and says the answer broke off, not that the request may have arrived.
#[tokio::test]
async fn a_body_that_stalls_or_breaks_off_midway_ends_the_call_with_its_status() {
    use tokio::io::AsyncWriteExt;
    for stalls in [true, false] {
        let (url, server) = one_connection_server(move |mut socket| async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                OK_BODY.len()
            );
            socket.write_all(head.as_bytes()).await.expect("head sent");
            socket
                .write_all(&OK_BODY.as_bytes()[..OK_BODY.len() / 2])
                .await
                .expect("half the body sent");
            if stalls {
                // Holds the connection open, bounded, until the client gives up.
                tokio::time::sleep(Duration::from_secs(10)).await;
            }
        })
        .await;

        let started = Instant::now();
        let error = client(url, Duration::from_millis(300))
            .execute::<String>(request(RetryClass::NonIdempotent))
            .await
            .expect_err("the body never completes");
        server.abort();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "ended by the timeout or the server's close"
        );
        assert!(error.outcome_unknown(), "{error}");
        assert_eq!(error.status(), Some(StatusCode::OK), "{error:?}");
        let Error::OutcomeUnknown { cause, .. } = &error else {
            panic!("expected Error::OutcomeUnknown, got {error:?}");
        };
        let text = error.to_string();
        match (stalls, &**cause) {
            (
                true,
                Error::Timeout {
                    after,
                    connecting: false,
                    ..
                },
            ) => {
                assert_eq!(*after, Duration::from_millis(300));
                let said = "(timed out after 300ms while the answer (HTTP 200 OK) was arriving)";
                assert!(text.contains(said), "{text}");
            }
            (false, Error::Transport { .. }) => {
                let said = "(the answer (HTTP 200 OK) broke off while arriving: ";
                assert!(text.contains(said), "{text}");
            }
            _ => panic!("stalls: {stalls}, got {cause:?}"),
        }
        assert!(!text.contains("may have reached"), "{text}");
    }
}

/// A server that answers every request after `delay` (longer than any test waits).
async fn slow_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(delay))
        .mount(&server)
        .await;
    server
}

/// The operation timeout bounds the whole call: with a 10 s attempt timeout and retries
/// allowed, a stalled server ends the call when the operation timeout runs out, as a
/// timeout, after one attempt cut short (no retry would fit).
#[tokio::test]
async fn the_operation_timeout_bounds_every_attempt_and_retry() {
    let server = slow_server(Duration::from_secs(30)).await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_millis(400))
        .retry_policy(fast_policy())
        .build()
        .expect("client builds");
    let started = Instant::now();
    let error = client
        .execute::<String>(request(RetryClass::Idempotent))
        .await
        .expect_err("the server never answers in time");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "ended by the operation timeout: {:?}",
        started.elapsed()
    );
    match error {
        Error::Timeout {
            after, connecting, ..
        } => {
            assert!(after <= Duration::from_millis(400), "{after:?}");
            assert!(!connecting);
        }
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
    assert_eq!(
        request_count(&server).await,
        1,
        "no retry fits in what is left"
    );
}

/// A call's own operation timeout overrides the client's.
#[tokio::test]
async fn a_call_sets_its_own_operation_timeout() {
    let server = slow_server(Duration::from_secs(30)).await;
    let client = client(server.uri(), Duration::from_secs(10));
    let mut request = request(RetryClass::Idempotent);
    request.options.operation_timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let error = client
        .execute::<String>(request)
        .await
        .expect_err("the server never answers in time");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

/// A zero operation timeout is refused when the client is built.
#[test]
fn a_zero_operation_timeout_is_a_config_error() {
    let built = Client::builder()
        .base_url("http://127.0.0.1:1")
        .operation_timeout(Duration::ZERO)
        .build();
    assert!(matches!(built, Err(Error::Config { .. })), "{built:?}");
}

/// A call's own zero limit is refused as the client's is, before anything is sent,
/// naming the option: a zero timeout would otherwise fail as a "timeout" that never ran.
#[tokio::test]
async fn a_zero_per_call_limit_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(server.uri(), Duration::from_secs(10));
    type SetZero = fn(&mut OperationRequest);
    let zero_limits: [(&str, SetZero); 3] = [
        ("timeout", |request| {
            request.options.timeout = Some(Duration::ZERO);
        }),
        ("operation_timeout", |request| {
            request.options.operation_timeout = Some(Duration::ZERO);
        }),
        ("max_response_size", |request| {
            request.options.max_response_size = Some(0);
        }),
    ];
    for (option, set_zero) in zero_limits {
        let mut request = request(RetryClass::Idempotent);
        set_zero(&mut request);
        let error = client
            .execute::<String>(request)
            .await
            .expect_err("a zero limit is refused");
        assert!(
            matches!(&error, Error::InvalidRequest { field, .. } if field == option),
            "{option}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "testOperation: invalid request, nothing was sent: `{option}` must be greater than zero"
            )
        );
    }
}

/// "No limit" spelled `Duration::MAX` (timeouts, waits) is no panic: a duration too long
/// to add to a clock reading is taken as "not within anyone's lifetime".
#[tokio::test]
async fn timeouts_too_long_for_the_clock_mean_no_limit() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .pool_idle_timeout(Duration::MAX)
        .operation_timeout(Duration::MAX)
        .build()
        .expect("test client builds");
    let response = client
        .execute::<String>(request(RetryClass::Idempotent))
        .await
        .expect("answered at once");
    assert_eq!(response.payload, "done");
}

/// A server asking to be retried later than any clock can tell, to a client that honours
/// any `Retry-After` and waits for ever, gets its error back at once instead of a wait
/// (or a panic); so does a backoff too long for the clock.
#[tokio::test]
async fn a_wait_too_long_for_the_clock_is_not_waited() {
    let honours_any = fast_policy().with_max_retry_after(Duration::MAX);
    let backs_off_for_ever = RetryPolicy::default()
        .with_base_delay(Duration::MAX)
        .with_max_delay(Duration::MAX);
    let too_late = u64::MAX.to_string();
    let cases = [
        (
            ResponseTemplate::new(429).insert_header("Retry-After", too_late.as_str()),
            honours_any,
            StatusCode::TOO_MANY_REQUESTS,
        ),
        (
            ResponseTemplate::new(503),
            backs_off_for_ever,
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    ];
    for (answer, policy, status) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let delays = Delays::default();
        let client = Client::builder()
            .base_url(server.uri())
            .operation_timeout(Duration::MAX)
            .retry_policy(policy)
            .sleep_impl(delays.clone())
            .build()
            .expect("test client builds");

        let error = client
            .execute::<String>(request(RetryClass::Idempotent))
            .await
            .expect_err("gives up");

        assert_eq!(error.status(), Some(status));
        assert_eq!(delays.taken(), [], "nothing waited");
    }
}

/// While the server fails, calls stop retrying once the client's retry budget is spent
/// (it then sees one attempt per call, not three), and answers earn retries back: five
/// calls answered at their first attempt, one retry.
#[tokio::test]
async fn a_failing_server_spends_the_retry_budget_and_answers_earn_it_back() {
    let server = MockServer::start().await;
    let unavailable = || {
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503).set_body_raw("<html>down</html>", "text/html"))
    };
    unavailable().mount(&server).await;
    let delays = Delays::default();
    let client = Client::builder()
        .base_url(server.uri())
        .retry_policy(fast_policy().with_retry_budget(3))
        .sleep_impl(delays.clone())
        .build()
        .expect("test client builds");
    let call = || client.execute::<String>(request(RetryClass::Idempotent));
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let before = request_count(&server).await;
        let error = call().await.expect_err("the server is down");
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        attempts.push(request_count(&server).await - before);
    }
    assert_eq!(attempts, [3, 2, 1], "two retries, then the last, then none");
    assert_eq!(delays.taken().len(), 3);

    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .mount(&server)
        .await;
    for _ in 0..5 {
        call().await.expect("the server is back");
    }
    server.reset().await;
    unavailable().mount(&server).await;
    call().await.expect_err("down again");
    assert_eq!(request_count(&server).await, 2, "one retry earned back");
}
