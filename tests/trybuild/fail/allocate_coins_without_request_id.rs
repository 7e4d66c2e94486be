use enkash_rewards::Client;

async fn call(client: Client) {
    // `requestId` is the idempotency key of a money-moving call: it cannot be forgotten.
    let _ = client.allocate_coins().company_id("C").event("E").user_id("U").send().await;
}

fn main() {}
