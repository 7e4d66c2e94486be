//! Every operation through the generated builders against a real HTTP server on
//! 127.0.0.1: the exact method, path, headers and body on the wire, and the documented
//! answer (read from the spec itself) decoding into the payload `send()` returns.

use std::time::Duration;

use enkash_rewards::types::{CoinConfiguration, PointsOperation, TransactionType};
use enkash_rewards::{Client, Credentials, Error, RetryPolicy};
use enkash_rewards_tests::example;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "2f68dbbf-519d-4f01-9636-e2421b68f379";
const PARTNER: &str = "CRMXWB3ZM";

fn client(server: &MockServer) -> Client {
    enkash_rewards_tests::loopback_client(&server.uri(), TOKEN, PARTNER)
}

fn user_agent() -> String {
    format!("enkash-rewards/{}", enkash_rewards::VERSION)
}

/// A mock answering `status` with the spec's documented example for the operation.
fn documented(op: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(example(op, Some("200")).expect("a documented 200 example"))
}

/// The headers every bearer-authenticated JSON call carries.
fn json_call(http_method: &str, at: &str) -> wiremock::MockBuilder {
    Mock::given(method(http_method))
        .and(path(at))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("user-agent", user_agent().as_str()))
}

#[tokio::test]
async fn create_coin_event_sends_the_documented_body_and_unwraps_the_payload() {
    let server = MockServer::start().await;
    json_call("POST", "/api/v0/enkash-coins/create-coins-config")
        .and(body_json(
            example("createCoinEvent", None).expect("documented request example"),
        ))
        .respond_with(documented("createCoinEvent"))
        .expect(1)
        .mount(&server)
        .await;
    let event = client(&server)
        .create_coin_event()
        .configuration(CoinConfiguration::Default)
        .company_id("CEKEKCARDS")
        .event("MEAL_CARD_PAYMENT")
        .amount(6)
        .send()
        .await
        .expect("success");
    assert_eq!(event.coin_config_id, "WCC817428");
    assert_eq!(event.configuration, CoinConfiguration::Default);
    assert_eq!(event.company_id.as_deref(), Some("CEKEKCARDS"));
    assert_eq!(event.amount, 6);
    // No partnerId on the coins APIs: they do not list it.
    let sent = &server.received_requests().await.expect("recorded")[0];
    assert!(sent.headers.get("partnerId").is_none());
}

#[tokio::test]
async fn update_coin_event_puts_the_id_in_the_path_and_sends_only_what_was_set() {
    let server = MockServer::start().await;
    json_call("PATCH", "/api/v0/enkash-coins/WCC12345")
        .and(body_json(
            example("updateCoinEvent", None).expect("documented request example"),
        ))
        .respond_with(documented("updateCoinEvent"))
        .expect(1)
        .mount(&server)
        .await;
    let updated = client(&server)
        .update_coin_event("WCC12345")
        .amount(10)
        .configuration(CoinConfiguration::Default)
        .send()
        .await
        .expect("success");
    assert_eq!(
        (updated.coin_config_id.as_str(), updated.amount),
        ("WCC024845", 10)
    );
    assert_eq!(
        updated.company_id, None,
        "the documented answer has no companyId"
    );
}

#[tokio::test]
async fn allocate_coins_returns_the_message_payload() {
    let server = MockServer::start().await;
    json_call("POST", "/api/v0/enkash-coins/allocate-coin")
        .and(body_json(json!({
            "companyId": "CEK0TCW2W8",
            "event": "REFERRAL_EVENT",
            "requestId": "COIN_REQ1234567",
            "userId": "EKQZVMQK"
        })))
        .respond_with(documented("allocateCoins"))
        .expect(1)
        .mount(&server)
        .await;
    let message = client(&server)
        .allocate_coins()
        .company_id("CEK0TCW2W8")
        .event("REFERRAL_EVENT")
        .request_id("COIN_REQ1234567")
        .user_id("EKQZVMQK")
        .send()
        .await
        .expect("success");
    assert_eq!(message, "Successfully allocated enkash Coins");
}

#[tokio::test]
async fn get_coin_event_reads_by_id() {
    let server = MockServer::start().await;
    // Get Event's answer was not captured in the docs; it is taken to be a CoinEvent.
    Mock::given(method("GET"))
        .and(path("/api/v0/enkash-coins/WCC12345"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "payload": {"coinConfigId": "WCC12345", "configuration": "DEFAULT", "companyId": "CEKEKCARDS", "event": "MEAL_CARD_PAYMENT", "amount": 6},
            "response_code": 0,
            "response_message": "Success"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let event = client(&server)
        .get_coin_event("WCC12345")
        .send()
        .await
        .expect("success");
    assert_eq!(event.event, "MEAL_CARD_PAYMENT");
    let sent = &server.received_requests().await.expect("recorded")[0];
    assert!(sent.body.is_empty(), "a GET sends no body");
    assert!(
        sent.headers.get("content-type").is_none(),
        "and so no content type"
    );
}

#[tokio::test]
async fn get_coin_balance_sends_the_user_id_as_a_query_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v0/coins/balance"))
        .and(query_param("userId", "EK6CYE6K"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(documented("getCoinBalance"))
        .expect(1)
        .mount(&server)
        .await;
    let balance = client(&server)
        .get_coin_balance()
        .user_id("EK6CYE6K")
        .send()
        .await
        .expect("success");
    assert_eq!(balance, 0);
}

#[tokio::test]
async fn create_and_allocate_points_sends_partner_id_and_the_example_spelling() {
    let server = MockServer::start().await;
    json_call("POST", "/api/v0/partner/enKashCard/create-allocate-points")
        .and(header("partnerId", PARTNER))
        // The documented request example, byte for byte as JSON: `uniqueReferenceNum` is
        // the spelling the example sends, and `loadAmount` stays the number 11.
        .and(body_json(
            example("createAndAllocatePoints", None).expect("documented request example"),
        ))
        .respond_with(documented("createAndAllocatePoints"))
        .expect(1)
        .mount(&server)
        .await;
    let card = client(&server)
        .create_and_allocate_points()
        .company_id("CEK1PU9AOO")
        .card_account_id("CAQL8YCV3")
        .transaction_code("ALLOCATION")
        .transaction_type(TransactionType::Cr)
        .r#type(PointsOperation::AllocatePoint)
        .email("xyz2@gmail.com")
        .mobile("9600098867")
        .title("Mr")
        .first_name("hedfdfg")
        .gender("M")
        .load_amount(11)
        .unique_reference_number("TEST234236")
        .send()
        .await
        .expect("success");
    assert_eq!(card.en_kash_card_id, "EKC04AZHXP");
    assert_eq!(card.otb_balance, Decimal::from(11));
    assert_eq!(card.card_status.name, "UL");
}

#[tokio::test]
async fn create_card_sends_only_the_fields_set_and_decodes_the_documented_card() {
    let server = MockServer::start().await;
    json_call("POST", "/api/v0/partner/enKashCard")
        .and(header("partnerId", PARTNER))
        .and(body_json(json!({
            "companyId": "CEKEP5GSGP",
            "cardAccountId": "CAA8W45",
            "loadAmount": 500,
            "email": "johnnydew@enkash.com",
            "mobile": "6876543211",
            "firstName": "Johnny",
            "lastName": "Dew"
        })))
        .respond_with(documented("createCard"))
        .expect(1)
        .mount(&server)
        .await;
    let card = client(&server)
        .create_card()
        .company_id("CEKEP5GSGP")
        .card_account_id("CAA8W45")
        .load_amount(500)
        .email("johnnydew@enkash.com")
        .mobile("6876543211")
        .first_name("Johnny")
        .last_name("Dew")
        .send()
        .await
        .expect("success");
    assert_eq!(card.masked_number, "XXXX XXXX XXXX 3211");
    assert_eq!(
        card.load_amount,
        Decimal::from(500),
        "documented as a string, sent as a number"
    );
    assert_eq!(
        card.kit_type.as_ref().map(|k| k.label.as_str()),
        Some("Rupay")
    );
}

#[tokio::test]
async fn create_access_token_posts_a_form_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        // base64("CEK1GZBO6A:s3cret")
        .and(header("authorization", "Basic Q0VLMUdaQk82QTpzM2NyZXQ="))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("username=ops%40example.com&password=p%40ss+word&grant_type=password&clientId=CEK1GZBO6A"))
        .respond_with(documented("createAccessToken"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::new(
            "CEK1GZBO6A",
            "s3cret",
            "ops@example.com",
            "p@ss word",
        ))
        .build()
        .expect("valid");
    let token = client
        .create_access_token()
        .username("ops@example.com")
        .password("p@ss word")
        .grant_type(enkash_rewards::types::AccessTokenRequestGrantType::Password)
        .client_id("CEK1GZBO6A")
        .send()
        .await
        .expect("success");
    assert_eq!(token.expires_in, 86399);
    let shown = format!("{token:?}");
    assert!(
        !shown.contains(token.access_token.expose()),
        "Debug must redact the access token: {shown}"
    );
}

#[tokio::test]
async fn documented_constraints_are_checked_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(documented("createCard"))
        .expect(0)
        .mount(&server)
        .await;
    let bad_mobile = client(&server)
        .create_card()
        .company_id("C")
        .card_account_id("A")
        .load_amount(500)
        .mobile("98765")
        .send()
        .await;
    match bad_mobile {
        Err(error @ Error::InvalidRequest { .. }) => {
            // Named by its operation, as every error a call raises.
            assert_eq!(error.operation(), Some("createCard"));
            let text = error.to_string();
            assert!(
                text.starts_with("createCard: invalid request, nothing was sent: `mobile`"),
                "{text}"
            );
            assert!(text.contains("10"), "{text}");
        }
        other => panic!("expected InvalidRequest for mobile, got {other:?}"),
    }
    let bad_email = client(&server)
        .create_card()
        .company_id("C")
        .card_account_id("A")
        .load_amount(500)
        .email("nope")
        .send()
        .await;
    match bad_email {
        Err(Error::InvalidRequest { field, reason, .. }) => {
            assert_eq!(field, "email");
            assert!(reason.contains("pattern"), "{reason}");
        }
        other => panic!("expected InvalidRequest for email, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failure_envelope_on_http_200_is_an_api_error_not_a_payload() {
    let server = MockServer::start().await;
    let failure =
        example("allocateCoins", Some("default")).expect("the documented failure example");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&failure))
        .mount(&server)
        .await;
    let result = client(&server)
        .allocate_coins()
        .company_id("C")
        .event("E")
        .request_id("R")
        .user_id("U")
        .send()
        .await;
    match result {
        Err(Error::Api {
            code,
            message,
            status,
            payload,
            ..
        }) => {
            assert_eq!((code, status.as_u16()), (1, 200));
            assert_eq!(message, "Insufficient balance in card account");
            assert_eq!(payload, Value::from("Insufficient balance in card account"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn a_path_id_with_slashes_stays_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v0/enkash-coins/a%2F..%2Fb"))
        .respond_with(documented("updateCoinEvent"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .get_coin_event("a/../b")
        .send()
        .await
        .expect("the id is one encoded segment");
}

#[tokio::test]
async fn a_non_keyed_write_that_timed_out_is_sent_exactly_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(documented("createCoinEvent").set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default())
        .build()
        .expect("valid");
    let result = client
        .create_coin_event()
        .configuration(CoinConfiguration::Default)
        .company_id("C")
        .event("E")
        .amount(1)
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    match result {
        Err(Error::OutcomeUnknown {
            operation,
            idempotency_key: None,
            cause,
            ..
        }) => {
            assert_eq!(operation, "createCoinEvent");
            assert!(matches!(*cause, Error::Timeout { .. }), "{cause:?}");
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    // `expect(1)` is verified when the server drops: the write went out once, never again.
}

#[tokio::test]
async fn a_keyed_write_is_resent_with_the_same_key_after_a_timeout_when_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(documented("allocateCoins").set_delay(Duration::from_secs(2)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(documented("allocateCoins"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default())
        .build()
        .expect("valid");
    let message = client
        .allocate_coins()
        .company_id("C")
        .event("E")
        .request_id("REQ-7")
        .user_id("U")
        .timeout(Duration::from_millis(300))
        .resend_keyed_write(true)
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(message, "Successfully allocated enkash Coins");
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r: &Request| serde_json::from_slice(&r.body).expect("json"))
        .collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(
        bodies[0], bodies[1],
        "the identical body, key included, is resent"
    );
    assert_eq!(bodies[0]["requestId"], "REQ-7");
}

/// Amounts reach `send()`'s caller exactly as the server wrote them, digit for digit.
/// `212110981360666.62` and `…666.63` are equally short spellings of the same `f64`
/// (`…666.625`), so a decode that goes through `serde_json::Value` (which hands such a
/// number out as an `f64`) cannot tell them apart: the payload must be decoded from the
/// response text itself.
#[tokio::test]
async fn enveloped_amounts_arrive_digit_for_digit() {
    let amounts = [
        ("loadAmount", "212110981360666.62"),
        ("limitAllocatedLtd", "212110981360666.63"),
        ("holdBalance", "500.50"),
        ("surchargeAmt", "0.1"),
        ("unAllocateHoldBalance", "99999999999.99"),
    ];
    let mut body = example("createCard", Some("200")).expect("a documented 200 example");
    for (field, amount) in amounts {
        body["payload"][field] = serde_json::from_str(amount).expect("a JSON number");
    }
    let server = MockServer::start().await;
    json_call("POST", "/api/v0/partner/enKashCard")
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;

    let card = client(&server)
        .create_card()
        .company_id("CEKEP5GSGP")
        .card_account_id("CAA8W45")
        .load_amount(500)
        .send()
        .await
        .expect("success");

    let encoded = serde_json::to_value(&card).expect("encodes");
    for (field, amount) in amounts {
        assert_eq!(encoded[field].to_string(), amount, "{field}");
    }
    assert_eq!(card.load_amount.to_string(), "212110981360666.62");
}
