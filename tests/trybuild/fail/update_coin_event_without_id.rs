use enkash_rewards::Client;

async fn call(client: Client) {
    // The coin config id is a positional argument of `update_coin_event`.
    let _ = client.update_coin_event().amount(10).send().await;
}

fn main() {}
