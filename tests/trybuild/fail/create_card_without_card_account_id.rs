use enkash_rewards::Client;

async fn call(client: Client) {
    // `cardAccountId` is required by Create Card.
    let _ = client.create_card().company_id("CEKEP5GSGP").email("a@b.co").send().await;
}

fn main() {}
