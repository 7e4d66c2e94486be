//! A money-moving write that may have reached the server is never resent unless the caller
//! opted in. Both keyed writes (`allocateCoins` with `requestId`, `createAndAllocatePoints`
//! with `uniqueReferenceNum`) against a loopback server that fails in each way that leaves
//! the outcome unknown: a 502, a timeout, a connection reset after the request arrived.
//! The server counts what it received.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use enkash_rewards::types::{PointsOperation, TransactionType};
use enkash_rewards::{Client, Error, RetryPolicy};
use enkash_rewards_tests::read_request;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// How the stand-in server fails every request.
#[derive(Clone, Copy, Debug)]
enum Failure {
    /// `HTTP/1.1 502 Bad Gateway` with an HTML body, as a proxy sends.
    BadGateway,
    /// Reads the request and never answers.
    Timeout,
    /// Reads the request and closes the connection without answering.
    Reset,
}

/// Who asked for resends.
#[derive(Clone, Copy, Debug)]
enum OptIn {
    Nobody,
    Client,
    Call,
    /// The client opts in and the call opts out again.
    ClientButNotCall,
}

/// A loopback server failing every request as told; counts complete requests received.
async fn failing_server(failure: Failure) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        // Bounded: a test makes at most three attempts.
        for _ in 0..16 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_some() {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                match failure {
                    Failure::BadGateway => {
                        let body = "<html><body>502 Bad Gateway</body></html>";
                        let answer = format!(
                            "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = socket.write_all(answer.as_bytes()).await;
                    }
                    Failure::Timeout => tokio::time::sleep(Duration::from_secs(3)).await,
                    Failure::Reset => {}
                }
            });
        }
    });
    (format!("http://{address}"), received)
}

fn client(base_url: &str, opt_in: OptIn) -> Client {
    let client_opt_in = matches!(opt_in, OptIn::Client | OptIn::ClientButNotCall);
    Client::builder()
        .base_url(base_url)
        .bearer_token("token")
        .partner_id("PARTNER")
        .timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
        .resend_keyed_writes(client_opt_in)
        .build()
        .expect("valid configuration")
}

fn call_opt_in(opt_in: OptIn) -> Option<bool> {
    match opt_in {
        OptIn::Call => Some(true),
        OptIn::ClientButNotCall => Some(false),
        OptIn::Nobody | OptIn::Client => None,
    }
}

async fn allocate_coins(client: &Client, opt_in: OptIn) -> Error {
    let mut call = client
        .allocate_coins()
        .company_id("CEKEKCARDS")
        .event("MEAL_CARD_PAYMENT")
        .request_id("COIN_REQ1234567")
        .user_id("EKQZVMQK");
    if let Some(resend) = call_opt_in(opt_in) {
        call = call.resend_keyed_write(resend);
    }
    call.send().await.expect_err("the server never succeeds")
}

async fn create_and_allocate_points(client: &Client, opt_in: OptIn) -> Error {
    let mut call = client
        .create_and_allocate_points()
        .company_id("CEK1PU9AOO")
        .card_account_id("CAQL8YCV3")
        .transaction_code("ALLOCATION")
        .transaction_type(TransactionType::Cr)
        .r#type(PointsOperation::AllocatePoint)
        .email("xyz2@gmail.com")
        .mobile("9600098867")
        .title("Mr")
        .first_name("Asha")
        .gender("F")
        .load_amount(11)
        .unique_reference_number("TEST234236");
    if let Some(resend) = call_opt_in(opt_in) {
        call = call.resend_keyed_write(resend);
    }
    call.send().await.expect_err("the server never succeeds")
}

/// The error of a write with an unknown outcome names its key.
fn assert_names_key(error: &Error, field: &str, value: &str) {
    assert!(error.outcome_unknown(), "{error:?}");
    match error {
        Error::OutcomeUnknown {
            idempotency_key: Some(key),
            ..
        } => {
            assert_eq!(key.field, field);
            assert_eq!(key.value, value);
        }
        other => panic!("expected Error::OutcomeUnknown with a key, got {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains(field) && text.contains(value), "{text}");
    assert!(text.contains("not resent"), "{text}");
}

async fn check(failure: Failure, opt_in: OptIn, expected_attempts: usize) {
    let (url, received) = failing_server(failure).await;
    let client = client(&url, opt_in);
    let error = allocate_coins(&client, opt_in).await;
    assert_names_key(&error, "requestId", "COIN_REQ1234567");
    if matches!(failure, Failure::Reset) {
        let text = error.to_string();
        let said = "the connection broke off after the request may have reached the server: ";
        assert!(text.contains(said), "{text}");
    }
    assert_eq!(
        received.load(Ordering::SeqCst),
        expected_attempts,
        "allocateCoins after {failure:?} with {opt_in:?}"
    );

    let (url, received) = failing_server(failure).await;
    let client = self::client(&url, opt_in);
    let error = create_and_allocate_points(&client, opt_in).await;
    assert_names_key(&error, "uniqueReferenceNum", "TEST234236");
    assert_eq!(
        received.load(Ordering::SeqCst),
        expected_attempts,
        "createAndAllocatePoints after {failure:?} with {opt_in:?}"
    );
}

#[tokio::test]
async fn a_keyed_write_is_sent_once_by_default_after_a_502() {
    check(Failure::BadGateway, OptIn::Nobody, 1).await;
}

#[tokio::test]
async fn a_keyed_write_is_sent_once_by_default_after_a_timeout() {
    check(Failure::Timeout, OptIn::Nobody, 1).await;
}

#[tokio::test]
async fn a_keyed_write_is_sent_once_by_default_after_a_connection_reset() {
    check(Failure::Reset, OptIn::Nobody, 1).await;
}

#[tokio::test]
async fn the_client_opt_in_resends_keyed_writes() {
    for failure in [Failure::BadGateway, Failure::Timeout, Failure::Reset] {
        check(failure, OptIn::Client, 3).await;
    }
}

#[tokio::test]
async fn the_per_call_opt_in_resends_keyed_writes() {
    for failure in [Failure::BadGateway, Failure::Reset] {
        check(failure, OptIn::Call, 3).await;
    }
}

#[tokio::test]
async fn a_call_can_opt_out_of_the_client_opt_in() {
    check(Failure::BadGateway, OptIn::ClientButNotCall, 1).await;
}

#[tokio::test]
async fn an_unkeyed_write_is_never_resent_even_with_the_client_opt_in() {
    let (url, received) = failing_server(Failure::BadGateway).await;
    let error = client(&url, OptIn::Client)
        .create_coin_event()
        .configuration(enkash_rewards::types::CoinConfiguration::Default)
        .company_id("C")
        .event("E")
        .amount(1)
        .send()
        .await
        .expect_err("502");
    assert!(
        matches!(
            &error,
            Error::OutcomeUnknown {
                idempotency_key: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(received.load(Ordering::SeqCst), 1);
}
