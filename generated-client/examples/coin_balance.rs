//! Read a user's EnKash coins balance.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... ENKASH_USER_ID=EK6CYE6K \
//!     cargo run -p enkash-rewards --example coin_balance
//! ```
//!
//! Inputs: `ENKASH_USER_ID` (default the docs' example `EK6CYE6K`). Credentials: see
//! `common/mod.rs`.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let user_id = common::var_or("ENKASH_USER_ID", "EK6CYE6K");
    match client.get_coin_balance().user_id(&user_id).send().await {
        Ok(balance) => {
            println!("user {user_id} has {balance} coins");
            ExitCode::SUCCESS
        }
        Err(e) => common::fail("reading the coins balance", &e),
    }
}
