use enkash_rewards::Client;

async fn call(client: Client) {
    // `amount` is required by Create Event.
    let _ = client
        .create_coin_event()
        .configuration(enkash_rewards::types::CoinConfiguration::Default)
        .company_id("CEKEKCARDS")
        .event("MEAL_CARD_PAYMENT")
        .send()
        .await;
}

fn main() {}
