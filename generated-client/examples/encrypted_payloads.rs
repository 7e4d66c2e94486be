//! Talk to an EnKash account that has payload encryption switched on.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... \
//! ENKASH_PAYLOAD_SECRET=<the secret EnKash keys your payloads with> \
//!     cargo run -p enkash-rewards --example encrypted_payloads
//! ```
//!
//! With encryption on, every JSON request body goes out as `{"request":"<Base64>"}`
//! (AES-128-ECB, PKCS#7) and every wrapped answer is decrypted before it is read; the token
//! call, paths, query strings and headers stay plain. The rest of the client is unchanged:
//! a failure envelope is still `Error::Api`, amounts are still exact.
//!
//! The key: `ENKASH_PAYLOAD_SECRET` derives it as EnKash's documented example does (the
//! first 16 bytes of SHA-256 of the secret); `ENKASH_PAYLOAD_KEY_HEX` gives a raw 16-byte
//! key. EnKash shares the key logic per partner: use the one they gave you. One of the two
//! is required here. Other inputs: `ENKASH_COMPANY_ID`, `ENKASH_EVENT`, `ENKASH_USER_ID`
//! (defaults are the EnKash docs' example values). Credentials: see `common/mod.rs`.

mod common;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    if common::var("ENKASH_PAYLOAD_SECRET").is_none()
        && common::var("ENKASH_PAYLOAD_KEY_HEX").is_none()
    {
        return common::fail_setup(
            "set ENKASH_PAYLOAD_SECRET (key = SHA-256 of it) or ENKASH_PAYLOAD_KEY_HEX (raw key)",
        );
    }
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let company_id = common::var_or("ENKASH_COMPANY_ID", "CEK0TCW2W8");
    let event = common::var_or("ENKASH_EVENT", "REFERRAL_EVENT");
    let user_id = common::var_or("ENKASH_USER_ID", "EKQZVMQK");
    let request_id = common::unique_reference("COIN");

    // A JSON body: sent encrypted, its answer decrypted.
    match client
        .allocate_coins()
        .company_id(&company_id)
        .event(&event)
        .request_id(&request_id)
        .user_id(&user_id)
        .send()
        .await
    {
        Ok(message) => println!("encrypted allocation {request_id}: {message}"),
        Err(e) => return common::fail("allocating coins (encrypted)", &e),
    }
    // A GET: no body to encrypt; `userId` travels in the (plain) query string.
    match client.get_coin_balance().user_id(&user_id).send().await {
        Ok(balance) => {
            println!("user {user_id} has {balance} coins (answer decrypted)");
            ExitCode::SUCCESS
        }
        Err(e) => common::fail("reading the coins balance (encrypted)", &e),
    }
}
