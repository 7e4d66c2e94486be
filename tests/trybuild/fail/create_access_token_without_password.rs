use enkash_rewards::Client;

async fn call(client: Client) {
    // `password` is required by the token call.
    let _ = client.create_access_token().username("u").grant_type(enkash_rewards::types::AccessTokenRequestGrantType::Password).client_id("CEK1GZBO6A").send().await;
}

fn main() {}
