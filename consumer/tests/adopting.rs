//! What adopting `enkash-rewards` does to a consumer, checked in a build that has only
//! this crate and its dependencies. Every call goes to `enkash_rewards::testing`'s loopback
//! stand-in: no network.

use std::time::Duration;

use enkash_rewards::testing::{MockEnKash, Operation, Reply};
use enkash_rewards::{Decimal, Error, RetryPolicy};
use enkash_rewards_consumer::{Measurement, credit_points, reward_referral};

#[test]
fn our_own_internally_tagged_f64_enum_still_decodes() {
    let text = r#"[{"kind":"temperature","celsius":21.5},{"kind":"distance","metres":1e3}]"#;
    let decoded: Vec<Measurement> = serde_json::from_str(text).expect("decodes");
    assert_eq!(
        decoded,
        vec![
            Measurement::Temperature { celsius: 21.5 },
            Measurement::Distance { metres: 1000.0 }
        ]
    );
}

#[test]
fn no_dependency_turns_on_arbitrary_precision() {
    // With the feature on, a Value keeps a number's text; without it, `1.50` prints `1.5`.
    let value: serde_json::Value = serde_json::from_str("1.50").expect("a number");
    assert_eq!(value.to_string(), "1.5");
}

#[tokio::test]
async fn our_code_is_tested_offline_with_the_documented_answers() {
    let mock = MockEnKash::start().await;
    mock.respond(Operation::AllocateCoins, Reply::Documented)
        .await;
    let message = reward_referral(&mock.client(), "R-42", "EKQZVMQK")
        .await
        .expect("the documented success");
    assert_eq!(message, "Successfully allocated enkash Coins");
    let sent = mock.requests(Operation::AllocateCoins).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body["requestId"], "REF-R-42");
    assert!(
        sent[0]
            .headers
            .iter()
            .any(|(k, v)| k == "authorization" && v == "Bearer test-token")
    );

    mock.reset().await;
    mock.respond(
        Operation::AllocateCoins,
        Reply::failure(1, "Insufficient balance"),
    )
    .await;
    let error = reward_referral(&mock.client(), "R-43", "EKQZVMQK")
        .await
        .expect_err("a refusal");
    assert!(matches!(error, Error::Api { code: 1, .. }), "{error:?}");
}

#[tokio::test]
async fn amounts_arrive_digit_for_digit_without_arbitrary_precision() {
    let mock = MockEnKash::start().await;
    // The documented card, with amounts no f64 can hold.
    let documented = Operation::CreateAndAllocatePoints
        .documented_response()
        .expect("documented");
    let body = documented
        .replacen(
            "\"otbBalance\":",
            "\"otbBalance\":212110981360666.62,\"ignored\":",
            1,
        )
        .replacen(
            "\"limitAllocatedLtd\":",
            "\"limitAllocatedLtd\":98765432109876543.21,\"ignored2\":",
            1,
        );
    assert!(body.contains("212110981360666.62"), "{body}");
    mock.respond(Operation::CreateAndAllocatePoints, Reply::Json(200, body))
        .await;
    let card = credit_points(&mock.client(), "CAQL8YCV3", Decimal::new(1150, 2), "CR-1")
        .await
        .expect("decodes");
    assert_eq!(card.otb_balance.to_string(), "212110981360666.62");
    assert_eq!(
        card.limit_allocated_ltd.map(|d| d.to_string()).as_deref(),
        Some("98765432109876543.21")
    );
    // Unknown members are kept as sent.
    assert!(card.extra.contains_key("ignored"));
    // And the amount we sent went out as the exact JSON number.
    let sent = mock.requests(Operation::CreateAndAllocatePoints).await;
    let raw = String::from_utf8(sent[0].raw_body.clone()).expect("utf-8");
    assert!(raw.contains("\"loadAmount\":11.50"), "{raw}");
}

#[tokio::test]
async fn a_keyed_write_is_sent_once_by_default_and_resent_only_on_opt_in() {
    for reply in [
        Reply::Status(502, "<html>Bad Gateway</html>".to_owned()),
        Reply::delayed(Duration::from_secs(2), Reply::Documented),
    ] {
        for opt_in in [false, true] {
            let mock = MockEnKash::start().await;
            mock.respond(Operation::AllocateCoins, reply.clone()).await;
            let client = mock
                .client_builder()
                .timeout(Duration::from_millis(300))
                .retry_policy(
                    RetryPolicy::default()
                        .with_base_delay(Duration::from_millis(1))
                        .with_max_delay(Duration::from_millis(5)),
                )
                .resend_keyed_writes(opt_in)
                .build()
                .expect("valid");
            let error = reward_referral(&client, "R-7", "U")
                .await
                .expect_err("never succeeds");
            assert!(error.outcome_unknown(), "{error:?}");
            let expected = if opt_in { 3 } else { 1 };
            assert_eq!(
                mock.requests(Operation::AllocateCoins).await.len(),
                expected,
                "{reply:?}, opt-in {opt_in}"
            );
        }
    }
}

#[tokio::test]
async fn a_call_is_spawned() {
    let mock = MockEnKash::start().await;
    mock.respond(Operation::GetCoinBalance, Reply::Documented)
        .await;
    let call = mock.client().get_coin_balance().user_id("EK6CYE6K");
    let balance = tokio::spawn(call.send())
        .await
        .expect("the task ran")
        .expect("the call succeeded");
    assert_eq!(balance, 0);
}
