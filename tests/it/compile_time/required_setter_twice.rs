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
    super::assert_send_static(&twice(super::unused_client()));
}
