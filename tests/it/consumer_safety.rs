//! What a team adopting the crate relies on, tried as a consumer would, against a real
//! server on 127.0.0.1:
//!
//! * a call is built in one task and `tokio::spawn`ed, outliving the client's binding;
//! * an answer that fails to decode never quotes a secret (the live `access_token` of a
//!   token answer, from `create_access_token()` and from the client's own token fetch; the
//!   card `token` of a card answer), in `Display` or `Debug`.

use std::time::Duration;

use enkash_rewards::types::AccessTokenRequestGrantType;
use enkash_rewards::{Client, Credentials, Error, RetryPolicy};
use enkash_rewards_tests::example;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIVE_TOKEN: &str = "LIVE-ACCESS-TOKEN-1f2e3d";
const REFRESH: &str = "LIVE-REFRESH-TOKEN-9a8b7c";
const CARD_TOKEN: &str = "CARD-TOKEN-5566-7788";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .partner_id("P")
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration")
}

/// Get Balance answering its documented example.
fn documented_balance() -> Mock {
    Mock::given(method("GET"))
        .and(path("/api/v0/coins/balance"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(example("getCoinBalance", Some("200")).expect("documented")),
        )
}

#[tokio::test]
async fn a_call_is_spawned_and_outlives_the_client_binding() {
    let server = MockServer::start().await;
    documented_balance().expect(2).mount(&server).await;
    let client = client(&server);
    // Stored, then moved into tasks; the client binding is gone before they run.
    let calls = vec![
        client.get_coin_balance().user_id("EK6CYE6K"),
        client.get_coin_balance().user_id("EK6CYE6L"),
    ];
    drop(client);
    let handles: Vec<_> = calls
        .into_iter()
        .map(|call| tokio::spawn(call.send()))
        .collect();
    for handle in handles {
        let balance = handle
            .await
            .expect("the task ran")
            .expect("the call succeeded");
        assert_eq!(balance, 0);
    }
}

/// A token answer whose `expires_in` arrives as text that is not a number.
fn broken_token_answer() -> Value {
    json!({
        "access_token": LIVE_TOKEN,
        "token_type": "bearer",
        "refresh_token": REFRESH,
        "expires_in": "soon",
        "scope": "read write trust"
    })
}

fn assert_no_secret(error: &Error, secrets: &[&str]) {
    for shown in [error.to_string(), format!("{error:?}")] {
        for secret in secrets {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
}

#[tokio::test]
async fn a_token_answer_that_fails_to_decode_quotes_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(broken_token_answer()))
        .mount(&server)
        .await;

    // The generated token operation.
    let managed = Client::builder()
        .base_url(server.uri())
        .credentials(Credentials::new(
            "CEK1GZBO6A",
            "s3cret",
            "ops@example.com",
            "pw",
        ))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid");
    let error = managed
        .create_access_token()
        .username("ops@example.com")
        .password("pw")
        .grant_type(AccessTokenRequestGrantType::Password)
        .client_id("CEK1GZBO6A")
        .send()
        .await
        .expect_err("expires_in is not a number");
    assert!(
        matches!(&error, Error::Decode { path, .. } if path == "expires_in"),
        "{error:?}"
    );
    assert_no_secret(&error, &[LIVE_TOKEN, REFRESH]);
    assert!(error.to_string().contains("<redacted>"), "{error}");

    // The client's own token fetch, on its way to an API call (the call above went through
    // the generated operation, not the token cache, so this one fetches).
    let error = managed
        .get_coin_balance()
        .user_id("U")
        .send()
        .await
        .expect_err("the token cannot be read");
    assert_no_secret(&error, &[LIVE_TOKEN, REFRESH, "s3cret"]);
}

#[tokio::test]
async fn a_card_answer_that_fails_to_decode_quotes_no_card_token() {
    let server = MockServer::start().await;
    // The documented card with its `token` first (so it falls inside the quoted part of
    // the body) and a required field of the wrong type, which makes it undecodable.
    let documented = example("createCard", Some("200")).expect("documented");
    let mut card = documented["payload"].as_object().expect("a card").clone();
    card.remove("token");
    card.insert("cardStatus".to_owned(), json!(42));
    let body = format!(
        r#"{{"code":0,"message":"Success","payload":{{"token":"{CARD_TOKEN}",{}}}"#,
        &Value::Object(card).to_string()[1..]
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let error = client(&server)
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
        .expect_err("cardStatus is not an object");
    assert!(error.outcome_unknown(), "{error:?}");
    assert_no_secret(&error, &[CARD_TOKEN]);
    assert!(
        format!("{error:?}").contains("payload.cardStatus"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_failure_envelope_quotes_no_secret_in_its_payload() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 1,
            "message": "Card blocked",
            "payload": {"token": CARD_TOKEN, "reason": "blocked"}
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .create_card()
        .company_id("C")
        .card_account_id("CA")
        .load_amount(500)
        .email("a@example.com")
        .mobile("6876543211")
        .first_name("A")
        .last_name("B")
        .send()
        .await
        .expect_err("a failure");
    match &error {
        Error::Api { payload, .. } => {
            assert_eq!(payload["token"], "<redacted>");
            assert_eq!(payload["reason"], "blocked");
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_no_secret(&error, &[CARD_TOKEN]);
}

/// An operation's builder sets the call's own `max_response_size`.
#[tokio::test]
async fn an_operation_reads_no_more_than_its_max_response_size() {
    let server = MockServer::start().await;
    documented_balance().mount(&server).await;
    let client = client(&server);
    let call = || client.get_coin_balance().user_id("EK6CYE6K");
    call().send().await.expect("the documented answer");
    let error = call()
        .max_response_size(16)
        .send()
        .await
        .expect_err("longer than 16 bytes");
    assert!(error.to_string().contains("max_response_size"), "{error}");
}

/// An operation's builder sends a header of the caller's own, and refuses one the client
/// sets itself (its token's) before anything is sent; `Debug` shows no header value.
#[tokio::test]
async fn an_operation_sends_the_caller_s_own_header_but_not_over_the_client_s() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v0/coins/balance"))
        .and(wiremock::matchers::header("x-correlation-id", "corr-41"))
        .and(wiremock::matchers::header("authorization", "Bearer t"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(example("getCoinBalance", Some("200")).expect("documented")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let call = client
        .get_coin_balance()
        .user_id("EK6CYE6K")
        .header("X-Correlation-Id", "corr-41");
    let shown = format!("{call:?}");
    assert!(
        shown.contains("X-Correlation-Id") && !shown.contains("corr-41"),
        "{shown}"
    );
    call.send().await.expect("the documented answer");
    let error = client
        .get_coin_balance()
        .user_id("EK6CYE6K")
        .header("Authorization", "Bearer stolen")
        .send()
        .await
        .expect_err("the client authenticates");
    assert!(
        matches!(&error, Error::InvalidRequest { field, .. } if field == "Authorization"),
        "{error:?}"
    );
}
