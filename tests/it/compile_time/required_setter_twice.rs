//! A required setter may be called again before `send()`: the state stays `Set` and the
//! last value is the one sent.

use enkash_rewards::{Client, Error};

async fn twice(client: Client) -> Result<(), Error> {
    let _balance: i64 = client
        .get_coin_balance()
        .user_id("EK6CYE6K")
        .user_id("EKQZVMQK")
        .send()
        .await?;
    Ok(())
}

/// Compiling the call above is the check; nothing is sent.
#[test]
fn a_required_setter_called_twice_compiles() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client");
    super::assert_send_static(&twice(client));
}
