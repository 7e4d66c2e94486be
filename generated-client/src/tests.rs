//! The EnKash crate's own facts: its API description and its builders.

use super::*;

#[test]
fn a_call_in_flight_can_be_spawned() {
    fn assert_spawnable<F: std::future::Future + Send + 'static>(_: &F) {}
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    // Built, never polled: nothing is sent.
    let call = client.get_coin_balance().user_id("u").send();
    assert_spawnable(&call);
    let with_response = client.get_coin_event("1").send_with_response();
    assert_spawnable(&with_response);
}

#[test]
fn the_token_endpoint_and_secrets_come_from_the_spec() {
    let api = generated::API;
    let endpoint = api.token_endpoint.expect("the EnKash spec names one");
    assert_eq!(endpoint.path, "/oauth/token");
    assert!(endpoint.form.iter().any(|(n, v)| *n == "grant_type"
        && matches!(
            v,
            enkash_rewards_runtime::api::FormValue::Constant("password")
        )));
    assert!(api.secret_fields.contains(&"cardNumber"));
    assert_eq!(
        api.user_agent,
        concat!("enkash-rewards/", env!("CARGO_PKG_VERSION"))
    );
}
