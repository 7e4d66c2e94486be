//! Wire tests for authentication: the managed token's lifecycle and the guard against
//! locking an account with repeated bad logins. A token's life is moved forward on a
//! manual clock (`ClientBuilder::clock_impl`), never waited out.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use enkash_rewards::time::Clock;

use enkash_rewards::request::{Envelope, OperationRequest, RetryClass, Security};
use enkash_rewards::{Client, Credentials, Error, RetryPolicy};
use enkash_rewards_tests::{header_in, read_request};
use reqwest::{Method, StatusCode};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ENVELOPE: Envelope = Envelope {
    code: &["response_code"],
    message: &["response_message"],
    payload: &["payload"],
};
const OK_BODY: &str = r#"{"response_code":0,"response_message":"Success","payload":7}"#;
/// `base64("CLIENT-ID:client-secret")`.
const BASIC: &str = "Basic Q0xJRU5ULUlEOmNsaWVudC1zZWNyZXQ=";

fn credentials() -> Credentials {
    Credentials::new(
        "CLIENT-ID",
        "client-secret",
        "user@example.com",
        "p@ss word&=",
    )
}

fn client(server: &MockServer) -> Client {
    client_with_clock(server).0
}

/// A clock that moves only when told to.
#[derive(Debug, Clone)]
pub(crate) struct ManualClock(Arc<Mutex<Instant>>);

impl ManualClock {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Mutex::new(Instant::now())))
    }

    pub(crate) fn advance(&self, by: Duration) {
        *self.0.lock().expect("not poisoned") += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        *self.0.lock().expect("not poisoned")
    }
}

/// A client whose token cache reads a manual clock, and that clock.
fn client_with_clock(server: &MockServer) -> (Client, ManualClock) {
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .clock_impl(clock.clone())
        .build()
        .expect("test client builds");
    (client, clock)
}

fn bearer_request(class: RetryClass) -> OperationRequest {
    let method = if class == RetryClass::Idempotent {
        Method::GET
    } else {
        Method::POST
    };
    let mut request = OperationRequest::new(
        "getBalance",
        method,
        "/api/v0/coins/balance",
        "/api/v0/coins/balance",
    );
    request.security = &[Security::Bearer];
    request.retry = class;
    request.envelope = Some(ENVELOPE);
    request
}

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": token,
        "token_type": "bearer",
        "refresh_token": "refresh",
        "expires_in": expires_in,
        "scope": "read write trust",
    }))
}

async fn mount_api(server: &MockServer, token: &str, expected_calls: u64) {
    Mock::given(method("GET"))
        .and(path("/api/v0/coins/balance"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(expected_calls)
        .mount(server)
        .await;
}

async fn token_requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |requests| {
        requests
            .iter()
            .filter(|r| r.url.path() == "/oauth/token")
            .count()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_calls_share_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains("clientId=CLIENT-ID"))
        .and(body_string_contains("username=user%40example.com"))
        .and(body_string_contains("password=p%40ss+word%26%3D"))
        // Slow enough that every caller arrives while the first fetch is in flight.
        .respond_with(token_response("tok-1", 300).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "tok-1", 20).await;
    let client = client(&server);

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        calls.spawn(async move {
            client
                .execute::<u64>(bearer_request(RetryClass::Idempotent))
                .await
        });
    }
    let mut succeeded = 0;
    while let Some(joined) = calls.join_next().await {
        let response = joined.expect("task completes").expect("call succeeds");
        assert_eq!(response.payload, 7);
        succeeded += 1;
    }

    assert_eq!(succeeded, 20);
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn the_camel_case_token_response_is_accepted() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "accessToken": "camel-tok", "tokenType": "bearer", "expiresIn": 300, "refreshToken": "r"
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "camel-tok", 2).await;
    let client = client(&server);

    for _ in 0..2 {
        client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect("call succeeds");
    }
}

#[tokio::test]
async fn bad_credentials_are_sent_once_and_not_resent() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"error": "unauthorized", "error_description": "Bad credentials"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v0/coins/balance"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);

    for attempt in 0..3 {
        match client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
        {
            Err(Error::Http {
                status,
                body_snippet,
                ..
            }) => {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "call {attempt}");
                assert!(body_snippet.contains("Bad credentials"), "call {attempt}");
            }
            other => panic!("expected Error::Http on call {attempt}, got {other:?}"),
        }
    }
    assert_eq!(token_requests(&server).await, 1);
}

/// A token endpoint that rejects every login, and expects two.
pub(crate) async fn mount_two_rejected_logins(server: &MockServer) {
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Bad credentials"))
        .expect(2)
        .mount(server)
        .await;
}

/// Wrong credentials in a service that runs on: EnKash locks an account after three
/// failed logins in a row, so over an hour of calls the client sends two (the second once
/// the first is no longer remembered), then none, and each call says why.
#[tokio::test]
async fn wrong_credentials_are_sent_twice_then_never() {
    let server = MockServer::start().await;
    mount_two_rejected_logins(&server).await;
    mount_api(&server, "never", 0).await;
    let (client, clock) = client_with_clock(&server);
    for step in 0..180 {
        for _ in 0..3 {
            let error = client
                .execute::<u64>(bearer_request(RetryClass::Idempotent))
                .await
                .expect_err("no login is taken");
            assert!(!error.outcome_unknown(), "{error}");
        }
        clock.advance(Duration::from_secs(20));
        if step == 0 {
            assert_eq!(token_requests(&server).await, 1, "remembered for 30 s");
        }
    }
    let error = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await
        .expect_err("no login is taken");
    match &error {
        Error::TokenUnavailable { retry_in, .. } => assert_eq!(*retry_in, None),
        other => panic!("expected Error::TokenUnavailable, got {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.starts_with(
            "getBalance: no bearer token, nothing was sent: 2 logins in a row were rejected, \
             the last: createAccessToken: HTTP 401 Unauthorized"
        ),
        "{text}"
    );
    assert!(
        text.contains("correct the credentials (`replace_credentials`, or a new client)"),
        "{text}"
    );
    assert_eq!(token_requests(&server).await, 2);
}

/// The password was changed on EnKash's side while the service ran: two logins were
/// rejected and the client stopped. New credentials given to one clone end the stop for
/// every clone, without a new client: the next call logs in with them (password and
/// Basic header both new) and is made.
#[tokio::test]
async fn replaced_credentials_end_the_stop_on_logins_for_every_clone() {
    let server = MockServer::start().await;
    // `base64("CLIENT-ID:rotated-secret")`.
    let rotated_basic = "Basic Q0xJRU5ULUlEOnJvdGF0ZWQtc2VjcmV0";
    Mock::given(path("/oauth/token"))
        .and(header("authorization", rotated_basic))
        .and(body_string_contains("password=n3w-pass"))
        .respond_with(token_response("fresh", 300))
        .expect(1)
        .mount(&server)
        .await;
    mount_two_rejected_logins(&server).await;
    mount_api(&server, "fresh", 1).await;
    let (client, clock) = client_with_clock(&server);
    let clone = client.clone();
    for _ in 0..2 {
        client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect_err("rejected");
        clock.advance(Duration::from_secs(30));
    }
    assert_eq!(token_requests(&server).await, 2);
    let stopped = client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await;
    assert!(
        matches!(
            &stopped,
            Err(Error::TokenUnavailable { retry_in: None, .. })
        ),
        "{stopped:?}"
    );

    let rotated = Credentials::new(
        "CLIENT-ID",
        "rotated-secret",
        "user@example.com",
        "n3w-pass",
    );
    clone
        .replace_credentials(rotated)
        .expect("a client built with credentials takes new ones");
    let answer = client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("logged in with the new credentials, at once");
    assert_eq!(answer.payload, 7);
    assert_eq!(token_requests(&server).await, 3);
}

/// Credentials replaced while a login with the old ones is in flight: its rejection is
/// the old credentials', so the call waiting on it logs in again with the new ones and
/// is made, instead of failing with a rejection that no longer applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waiting_on_a_login_with_replaced_credentials_logs_in_with_the_new_ones() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .and(body_string_contains("password=n3w-pass"))
        .respond_with(token_response("fresh", 300))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string("Bad credentials")
                .set_delay(Duration::from_secs(1)),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "fresh", 1).await;
    let client = client(&server);
    let waiting = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .execute::<u64>(bearer_request(RetryClass::Idempotent))
                .await
        }
    });
    assert_eq!(
        wait_for_token_requests(&server, 1).await,
        1,
        "the old login is in flight"
    );
    client
        .replace_credentials(Credentials::new(
            "CLIENT-ID",
            "client-secret",
            "user@example.com",
            "n3w-pass",
        ))
        .expect("new password");
    let answer = waiting
        .await
        .expect("the call's task ends")
        .expect("made with a token from the new credentials");
    assert_eq!(answer.payload, 7);
    assert_eq!(token_requests(&server).await, 2);
}

/// New credentials for the same user and integration keep the token held; others are
/// refused with `Error::Config`, and the ones in use stay.
#[tokio::test]
async fn replacing_credentials_keeps_the_token_or_refuses_what_cannot_be_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("kept", 300))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "kept", 3).await;
    let client = client(&server);
    let call = || client.execute::<u64>(bearer_request(RetryClass::Idempotent));
    call().await.expect("logged in");
    client
        .replace_credentials(Credentials::new(
            "CLIENT-ID",
            "rotated",
            "user@example.com",
            "rotated",
        ))
        .expect("new secrets");
    call().await.expect("the token is kept: no login");
    let colon = client.replace_credentials(Credentials::new("A:B", "s", "u", "p"));
    assert!(matches!(colon, Err(Error::Config { .. })), "{colon:?}");
    call().await.expect("still the same");
    assert_eq!(token_requests(&server).await, 1);

    let static_token = Client::builder()
        .base_url(server.uri())
        .bearer_token("static-token")
        .build()
        .expect("test client builds");
    let refused = static_token.replace_credentials(credentials());
    match refused {
        Err(Error::Config { reason, .. }) => {
            assert!(reason.contains("built without credentials"), "{reason}");
        }
        other => panic!("expected Error::Config, got {other:?}"),
    }
}

#[tokio::test]
async fn a_replaced_bearer_token_is_sent_by_every_clone() {
    let server = MockServer::start().await;
    mount_api(&server, "first", 1).await;
    mount_api(&server, "second", 2).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("first")
        .build()
        .expect("test client builds");
    let clone = client.clone();
    let request = || bearer_request(RetryClass::Idempotent);
    client
        .execute::<u64>(request())
        .await
        .expect("sent with the first token");
    clone
        .replace_bearer_token("second")
        .expect("a token that can be sent");
    for each in [&client, &clone] {
        each.execute::<u64>(request())
            .await
            .expect("sent with the second token");
    }
}

#[tokio::test]
async fn replacing_the_bearer_token_is_refused_where_it_cannot_apply() {
    let config_reason = |result: Result<(), Error>| match result {
        Err(Error::Config { reason, .. }) => reason,
        other => panic!("expected Error::Config, got {other:?}"),
    };
    let server = MockServer::start().await;
    mount_api(&server, "kept", 1).await;
    let static_token = Client::builder()
        .base_url(server.uri())
        .bearer_token("kept")
        .build()
        .expect("test client builds");
    let reason = config_reason(static_token.replace_bearer_token("a\r\nb"));
    assert!(reason.contains("line break"), "{reason}");
    static_token
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("the token is kept");

    let reason = config_reason(client(&server).replace_bearer_token("t"));
    assert!(reason.contains("replace_credentials"), "{reason}");
    let without = Client::builder()
        .base_url(server.uri())
        .build()
        .expect("test client builds");
    let reason = config_reason(without.replace_bearer_token("t"));
    assert!(reason.contains("without a bearer token"), "{reason}");
}

#[tokio::test]
async fn a_400_invalid_grant_is_not_retried_either() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": "invalid_grant"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    for _ in 0..2 {
        let error = client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect_err("rejected");
        assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    }
}

#[tokio::test]
async fn a_login_refused_inside_an_envelope_is_remembered_too() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "response_code": 1, "response_message": "Invalid username or password", "payload": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    for _ in 0..2 {
        match client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
        {
            Err(Error::Api { code, message, .. }) => {
                assert_eq!(code, 1);
                assert_eq!(message, "Invalid username or password");
            }
            other => panic!("expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_transient_token_failure_is_retried_and_not_remembered() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("tok-after-503", 300))
        .mount(&server)
        .await;
    mount_api(&server, "tok-after-503", 1).await;

    client(&server)
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("token call retried");

    assert_eq!(token_requests(&server).await, 2);
}

/// The token endpoint answers `stale` once, then `fresh`; each is asked for exactly once.
async fn mount_stale_then_fresh_token(server: &MockServer) {
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("stale", 300))
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("fresh", 300))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_401_drops_the_token_without_resending_the_call() {
    let server = MockServer::start().await;
    mount_stale_then_fresh_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v0/coins/balance"))
        .and(header("authorization", "Bearer stale"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "response_code": 401, "response_message": "token expired", "payload": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v0/coins/balance"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await
        .expect_err("401");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    let response = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await
        .expect("fresh token");
    assert_eq!(response.payload, 7);
}

/// A 401 whose body breaks off is a 401 all the same: the token is dropped and the next
/// call logs in again. The server is written by hand (a mock server cannot cut a body
/// short): one request per connection, answered by what it asks for, then closed.
#[tokio::test]
async fn a_401_whose_body_breaks_off_drops_the_token_too() {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server = tokio::spawn({
        let seen = Arc::clone(&seen);
        async move {
            let mut logins = 0;
            // Bounded: the test makes two logins and two calls.
            for _ in 0..4 {
                let (mut socket, _) = listener.accept().await.expect("a connection");
                let head = read_request(&mut socket).await.expect("a whole request");
                let answer = if head.starts_with("POST /oauth/token ") {
                    logins += 1;
                    seen.lock()
                        .expect("not poisoned")
                        .push(format!("login {logins}"));
                    json_answer(&format!(
                        r#"{{"access_token":"token-{logins}","token_type":"bearer","expires_in":300}}"#
                    ))
                } else {
                    let bearer = header_in(&head, "authorization")
                        .and_then(|value| value.strip_prefix("Bearer "))
                        .unwrap_or("none")
                        .to_owned();
                    seen.lock()
                        .expect("not poisoned")
                        .push(format!("call with {bearer}"));
                    if bearer == "token-1" {
                        // 100 bytes promised, 20 sent, then the connection closes.
                        "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\
                         content-length: 100\r\nconnection: close\r\n\r\n{\"response_code\":401"
                            .to_owned()
                    } else {
                        json_answer(OK_BODY)
                    }
                };
                socket
                    .write_all(answer.as_bytes())
                    .await
                    .expect("answer sent");
                let _ = socket.shutdown().await;
            }
        }
    });
    let client = Client::builder()
        .base_url(url)
        .credentials(credentials())
        .build()
        .expect("test client builds");

    let error = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await
        .expect_err("401, cut short");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED), "{error:?}");
    let response = client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("a new token");
    assert_eq!(response.payload, 7);
    server.abort();
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        [
            "login 1",
            "call with token-1",
            "login 2",
            "call with token-2"
        ]
    );
}

/// A whole 200 answer with a JSON `body`, closing its connection.
fn json_answer(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A server answering 401 to every token (or on one operation only) does not turn each
/// call into a login: a 401 soon after the last drop keeps the token, and the next drop
/// waits a backoff (1 s, doubling). Before, 50 such calls made 50 token requests.
#[tokio::test]
async fn a_server_rejecting_every_token_gets_a_login_per_backoff_not_per_call() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("tok", 300))
        .mount(&server)
        .await;
    Mock::given(path("/api/v0/coins/balance"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let (client, clock) = client_with_clock(&server);
    let call = || client.execute::<u64>(bearer_request(RetryClass::Idempotent));
    for _ in 0..50 {
        let error = call().await.expect_err("401");
        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    }
    // The first token, and the one fetched after it was dropped.
    assert_eq!(token_requests(&server).await, 2);
    clock.advance(Duration::from_secs(1));
    for _ in 0..50 {
        call().await.expect_err("401");
    }
    assert_eq!(
        token_requests(&server).await,
        3,
        "one drop after the backoff"
    );
}

/// With payload encryption on, a 401 whose body looks wrapped but cannot be decrypted is
/// still a 401: the token is dropped all the same.
#[tokio::test]
async fn an_undecryptable_401_drops_the_token_too() {
    let server = MockServer::start().await;
    mount_stale_then_fresh_token(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v0/coins/balance"))
        .and(header("authorization", "Bearer stale"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(r#"{"request":"not base64"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let key = enkash_rewards::PayloadKey::sha256_of_secret("encryption-secret");
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .payload_encryption(enkash_rewards::PayloadEncryption::new(key))
        .build()
        .expect("test client builds");

    let error = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await
        .expect_err("401");
    assert!(matches!(error, Error::Decryption { .. }), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    // The next call asks for a new token; its answer (not mocked) is irrelevant here.
    let _ = client
        .execute::<u64>(bearer_request(RetryClass::NonIdempotent))
        .await;
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let server = MockServer::start().await;
    // A 1-second token is refreshed after half its life.
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("short", 1))
        .expect(2)
        .mount(&server)
        .await;
    mount_api(&server, "short", 3).await;
    let (client, clock) = client_with_clock(&server);

    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("first call");
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("cached token");
    assert_eq!(token_requests(&server).await, 1);
    clock.advance(Duration::from_millis(700));
    // Due for a refresh but still good to send: the call sends it at once, and the
    // refresh runs beside it.
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("the current token, refresh started");
    assert_eq!(wait_for_token_requests(&server, 2).await, 2);
}

/// A token the server says lives longer than any clock can tell (`expires_in` of
/// 2^64 - 1 seconds) is kept and used: no panic, no refresh; so is one when the client
/// waits for ever (`Duration::MAX` timeouts).
#[tokio::test]
async fn a_token_living_longer_than_the_clock_is_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("forever", u64::MAX))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "forever", 2).await;
    let (client, clock) = client_with_clock(&server);
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("first call");
    clock.advance(Duration::from_secs(20 * 365 * 86_400));
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("the same token, twenty years later");
    assert_eq!(token_requests(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("tok", 300))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "tok", 1).await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .timeout(Duration::MAX)
        .operation_timeout(Duration::MAX)
        .build()
        .expect("test client builds");
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("a token, then the call");
}

/// A token that expires as it arrives (`expires_in: 0`) can never be sent: the token
/// answer is an error, and the token endpoint is not asked again at once (before: every
/// waiting call asked again, back to back, until its deadline).
#[tokio::test]
async fn a_token_that_expires_at_once_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("gone", 0))
        .mount(&server)
        .await;
    mount_api(&server, "gone", 0).await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(credentials())
        .operation_timeout(Duration::from_secs(2))
        .build()
        .expect("test client builds");
    for _ in 0..2 {
        let error = client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect_err("no token to send");
        assert!(error.to_string().contains("expires_in"), "{error}");
    }
    assert_eq!(token_requests(&server).await, 1);
}

/// The token requests received, once there are `want` of them (or after 5 s).
async fn wait_for_token_requests(server: &MockServer, want: usize) -> usize {
    for _ in 0..100 {
        let seen = token_requests(server).await;
        if seen >= want {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    token_requests(server).await
}

/// A client holding a 4-second token (refreshed after 2 s, sent until 3 s), 2.1 s after
/// fetching it: due for a refresh, still good to send. The refresh is answered by
/// `refresh`; the API expects `api_calls` calls with the old token, the first made here.
async fn client_in_refresh_window(
    server: &MockServer,
    refresh: ResponseTemplate,
    api_calls: u64,
) -> Client {
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("old", 4))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(refresh)
        .mount(server)
        .await;
    mount_api(server, "old", api_calls).await;
    let (client, clock) = client_with_clock(server);
    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("first call");
    clock.advance(Duration::from_millis(2_100));
    client
}

/// Under load, a token refresh never stalls the callers that hold a good token: with the
/// token endpoint taking 5 s to answer the refresh, 32 concurrent calls made while the old
/// token is due for refresh (but still good) all succeed with it, long before the refresh
/// answers, and only one token request is made for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_with_a_good_token_never_wait_for_a_slow_refresh() {
    let server = MockServer::start().await;
    let slow_refresh = token_response("new", 300).set_delay(Duration::from_secs(5));
    let client = client_in_refresh_window(&server, slow_refresh, 33).await;

    let started = std::time::Instant::now();
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .execute::<u64>(bearer_request(RetryClass::Idempotent))
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await
            .expect("joined")
            .expect("sent with the old token");
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the calls waited for the refresh: {:?}",
        started.elapsed()
    );
    // The refresh runs beside the calls: on a busy machine all 32 can be answered before
    // its request reaches the server, so wait for it (a second refresh would come as soon).
    assert_eq!(
        wait_for_token_requests(&server, 2).await,
        2,
        "one refresh for 32 callers"
    );
}

/// A refresh the token endpoint rejects (401) keeps the token still held: calls go on with
/// it instead of failing, and the rejected login is not retried at once.
#[tokio::test]
async fn a_rejected_refresh_keeps_the_good_token() {
    let server = MockServer::start().await;
    let client = client_in_refresh_window(&server, ResponseTemplate::new(401), 5).await;
    for _ in 0..4 {
        client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect("the good token is kept through the rejected refresh");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        wait_for_token_requests(&server, 2).await,
        2,
        "the rejected login is not resent"
    );
}

/// A token endpoint failing with 500 is asked once (with the transport's own retries),
/// then not again during the backoff however many calls come: each fails at once with
/// the failure, nothing else is sent.
#[tokio::test]
async fn a_failing_token_endpoint_is_not_hammered() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(500).set_body_string("down"))
        .mount(&server)
        .await;
    mount_api(&server, "never", 0).await;
    let client = client(&server);
    for _ in 0..50 {
        let error = client
            .execute::<u64>(bearer_request(RetryClass::Idempotent))
            .await
            .expect_err("no token");
        assert_eq!(
            error.status(),
            Some(StatusCode::INTERNAL_SERVER_ERROR),
            "{error}"
        );
    }
    // One token fetch (with whatever retries the policy allows it) for 50 calls.
    let requests = token_requests(&server).await;
    assert!((1..=3).contains(&requests), "{requests} token requests");
}

/// A token endpoint busy for two minutes (503, `Retry-After: 120`) gets its next token
/// request after two minutes, not after the 1 s backoff; calls in between fail at once
/// saying when.
#[tokio::test]
async fn a_token_endpoint_asking_to_wait_is_not_asked_sooner() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "120"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/token"))
        .respond_with(token_response("after-the-wait", 300))
        .expect(1)
        .mount(&server)
        .await;
    mount_api(&server, "after-the-wait", 1).await;
    let (client, clock) = client_with_clock(&server);
    let call = || client.execute::<u64>(bearer_request(RetryClass::Idempotent));
    let busy = call().await.expect_err("the token endpoint is busy");
    assert_eq!(busy.retry_after(), Some(Duration::from_secs(120)), "{busy}");
    clock.advance(Duration::from_secs(100));
    let waiting = call().await.expect_err("not asked again yet");
    assert_eq!(waiting.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        waiting.retry_after(),
        Some(Duration::from_secs(20)),
        "what is left of the wait"
    );
    let text = waiting.to_string();
    assert!(text.ends_with("; wait 20s before sending again"), "{text}");
    assert_eq!(
        token_requests(&server).await,
        1,
        "100 s on: no token request"
    );
    clock.advance(Duration::from_secs(20));
    let answer = call().await.expect("asked again once the wait is over");
    assert_eq!(answer.payload, 7);
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test]
async fn a_static_bearer_token_is_sent_as_given() {
    let server = MockServer::start().await;
    mount_api(&server, "static-token", 1).await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("static-token")
        .build()
        .expect("client builds");

    client
        .execute::<u64>(bearer_request(RetryClass::Idempotent))
        .await
        .expect("call succeeds");

    assert_eq!(token_requests(&server).await, 0);
}

#[tokio::test]
async fn basic_security_uses_the_client_id_and_secret() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_raw(OK_BODY, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = bearer_request(RetryClass::Idempotent);
    req.security = &[Security::Basic];

    client(&server)
        .execute::<u64>(req)
        .await
        .expect("call succeeds");

    assert_eq!(token_requests(&server).await, 0);
}

#[tokio::test]
async fn basic_security_without_credentials_is_a_config_error() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .expect("client builds");
    let mut req = bearer_request(RetryClass::Idempotent);
    req.security = &[Security::Basic];

    match client.execute::<u64>(req).await {
        Err(Error::Config { reason, .. }) => {
            assert!(reason.contains("ClientBuilder::credentials"), "{reason}")
        }
        other => panic!("expected Error::Config, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}
