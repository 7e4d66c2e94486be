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

fn main() {
    let _ = twice;
}
