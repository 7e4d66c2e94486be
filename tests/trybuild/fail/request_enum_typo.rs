use enkash_rewards::Client;
use enkash_rewards::types::TransactionType;

async fn call(client: Client) {
    // A misspelt enum value must not compile: there is no `From<&str>`.
    let _ = TransactionType::from("DEFUALT");
    let _ = client.create_and_allocate_points().transaction_type("DEFUALT");
}

fn main() {}
