use enkash_rewards::Client;

async fn call(client: Client) {
    // `cardAccountId` is required by Create Card.
    let _ = client.create_card().company_id("CEKEP5GSGP").load_amount(500).email("a@b.co").send().await;
}

fn main() {}
