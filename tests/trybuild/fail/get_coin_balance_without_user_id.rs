use enkash_rewards::Client;

async fn call(client: Client) {
    // `userId` is a required query parameter.
    let _ = client.get_coin_balance().send().await;
}

fn main() {}
