//! The runtime's traces: one `enkash.request` span per call with the documented fields,
//! and nothing secret or personal in any span or event.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use enkash_rewards::request::{
    Envelope, OperationRequest, RequestBody, RetryClass, Security, encode_path_segment,
};
use enkash_rewards::{Client, Credentials, RetryPolicy};
use reqwest::Method;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Writes every span name, field and event the SDK emits on the current thread into one
/// string. Other crates' traces (hyper's, say) are not the SDK's to police.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: Arc<Mutex<u64>>,
}

impl Capture {
    fn text(&self) -> String {
        self.text.lock().expect("capture lock").clone()
    }

    fn push(&self, line: String) {
        let mut text = self.text.lock().expect("capture lock");
        text.push_str(&line);
        text.push('\n');
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("enkash_rewards")
    }
    fn new_span(&self, attributes: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}", attributes.metadata().name()));
        attributes.record(&mut fields);
        self.push(fields.0);
        let mut next = self.next_id.lock().expect("id lock");
        *next += 1;
        tracing::span::Id::from_u64(*next)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        self.push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(format!("event {}", event.metadata().level()));
        event.record(&mut fields);
        self.push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Credentials the traces are searched for: the secret and the password hold `SECRET`,
/// the username is the mobile number `9123456789`, and the Basic header is found by the
/// Base64 of the client id.
fn marked_credentials() -> Credentials {
    Credentials::new("CLIENT-ID", "client-SECRET", "9123456789", "pass-SECRET")
}

#[tokio::test(flavor = "current_thread")]
async fn traces_name_the_template_and_never_secrets_or_personal_data() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "tok-SECRET-123", "expires_in": 300
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v0/cards/CARD-98765/load"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v0/cards/CARD-98765/load"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"code":0,"message":"ok","payload":{"mobile":"9876543210"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(marked_credentials())
        .partner_id("partner-SECRET")
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .expect("client builds");
    let mut request = OperationRequest::new(
        "loadCard",
        Method::POST,
        "/api/v0/cards/{cardId}/load",
        format!("/api/v0/cards/{}/load", encode_path_segment("CARD-98765")),
    );
    request.query = vec![("userId", "USER-55555".to_owned())];
    request.headers = vec![("Cookie", "session=COOKIE-SECRET".to_owned())];
    request.body = Some(
        RequestBody::json(&serde_json::json!({"email": "person@example.com"})).expect("json body"),
    );
    request.security = &[Security::Bearer, Security::ApiKeyHeader("partnerId")];
    request.retry = RetryClass::Idempotent;
    request.envelope = Some(Envelope {
        code: &["code"],
        message: &["message"],
        payload: &["payload"],
    });

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    client
        .execute::<serde_json::Value>(request)
        .await
        .expect("second attempt succeeds");
    drop(guard);
    let text = capture.text();

    for expected in [
        "span enkash.request",
        "operation=\"loadCard\"",
        "operation=\"createAccessToken\"",
        "path=\"/api/v0/cards/{cardId}/load\"",
        "method=POST",
        "attempt=2",
        "status=200",
        "latency_ms=",
        "message=retrying",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for secret in [
        "SECRET",
        "9123456789",
        "9876543210",
        "CARD-98765",
        "USER-55555",
        "person@example.com",
        "Q0xJRU5ULUlE", // base64 of the client id, i.e. the Basic header
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} leaked into traces:\n{text}"
        );
    }
}

/// A client that stops sending logins (two rejected in a row) says so once, as a warning
/// an operator sees, and with nothing secret in it.
#[tokio::test(flavor = "current_thread")]
async fn stopping_logins_is_one_warning() {
    let server = MockServer::start().await;
    crate::runtime_auth::mount_two_rejected_logins(&server).await;
    let clock = crate::runtime_auth::ManualClock::new();
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(marked_credentials())
        .clock_impl(clock.clone())
        .build()
        .expect("client builds");
    let call = || {
        let mut request = OperationRequest::new(
            "getBalance",
            Method::GET,
            "/api/v0/coins/balance",
            "/api/v0/coins/balance",
        );
        request.security = &[Security::Bearer];
        client.execute::<u64>(request)
    };

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    for _ in 0..4 {
        call().await.expect_err("no login is taken");
        clock.advance(Duration::from_secs(30));
    }
    drop(guard);
    let text = capture.text();

    assert_eq!(text.matches("event WARN").count(), 1, "{text}");
    assert!(
        text.contains("token requests stopped") && text.contains("rejected_in_a_row=2"),
        "{text}"
    );
    for secret in ["SECRET", "9123456789", "Q0xJRU5ULUlE"] {
        assert!(
            !text.contains(secret),
            "{secret:?} leaked into traces:\n{text}"
        );
    }
}

/// An answer whose body breaks off still had a status, and the call's span records it:
/// a dashboard of statuses does not lose the answers that broke off.
#[tokio::test(flavor = "current_thread")]
async fn the_span_records_the_status_of_an_answer_that_broke_off() {
    use tokio::io::AsyncWriteExt;
    let (url, server) = enkash_rewards_tests::one_connection_server(|mut socket| async move {
        let head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
                    content-length: 100\r\nconnection: close\r\n\r\n{\"code\":";
        socket.write_all(head.as_bytes()).await.expect("head sent");
    })
    .await;
    let client = Client::builder()
        .base_url(url)
        .bearer_token("token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let mut request = OperationRequest::new("getThing", Method::GET, "/things", "/things");
    request.security = &[Security::Bearer];

    let capture = Capture::default();
    let guard = tracing::subscriber::set_default(capture.clone());
    let error = client
        .execute::<serde_json::Value>(request)
        .await
        .expect_err("the body breaks off");
    drop(guard);
    server.abort();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    let text = capture.text();
    assert!(text.contains("status=503"), "no status in:\n{text}");
}
