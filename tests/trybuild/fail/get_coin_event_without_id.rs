use enkash_rewards::Client;

async fn call(client: Client) {
    // The coin config id is a positional argument of `get_coin_event`.
    let _ = client.get_coin_event().send().await;
}

fn main() {}
