//! Configure how many EnKash coins a company awards for an event: create the
//! configuration, read it back, then change the number of coins.
//!
//! ```sh
//! ENKASH_BASE_URL=https://pay-uat.enkash.in ENKASH_TOKEN=... \
//! ENKASH_COMPANY_ID=CEKEKCARDS ENKASH_EVENT=MEAL_CARD_PAYMENT \
//!     cargo run -p enkash-rewards --example configure_coin_event
//! ```
//!
//! Inputs (defaults are the EnKash docs' example values): `ENKASH_COMPANY_ID`,
//! `ENKASH_EVENT`, `ENKASH_COINS` (coins per event, default 6) and `ENKASH_NEW_COINS`
//! (the updated value, default 10). Credentials: see `common/mod.rs`.

mod common;

use std::process::ExitCode;

use enkash_rewards::types::CoinConfiguration;

#[tokio::main]
async fn main() -> ExitCode {
    let client = match common::client_from_env(false) {
        Ok(client) => client,
        Err(message) => return common::fail_setup(&message),
    };
    let company_id = common::var_or("ENKASH_COMPANY_ID", "CEKEKCARDS");
    let event = common::var_or("ENKASH_EVENT", "MEAL_CARD_PAYMENT");
    let (coins, new_coins) = match (number("ENKASH_COINS", 6), number("ENKASH_NEW_COINS", 10)) {
        (Ok(coins), Ok(new_coins)) => (coins, new_coins),
        (Err(message), _) | (_, Err(message)) => return common::fail_setup(&message),
    };

    // 1. Create: DEFAULT configuration, `coins` coins per `event` for `company_id`.
    let created = match client
        .create_coin_event()
        .configuration(CoinConfiguration::Default)
        .company_id(&company_id)
        .event(&event)
        .amount(coins)
        .send()
        .await
    {
        Ok(created) => created,
        Err(e) => return common::fail("creating the coin event", &e),
    };
    println!(
        "created coin event {}: {} coins per {} ({:?} configuration, company {})",
        created.coin_config_id,
        created.amount,
        created.event,
        created.configuration,
        created.company_id.as_deref().unwrap_or(&company_id),
    );

    // 2. Read it back by the id EnKash generated.
    let fetched = match client.get_coin_event(&created.coin_config_id).send().await {
        Ok(fetched) => fetched,
        Err(e) => return common::fail("reading the coin event", &e),
    };
    println!(
        "fetched coin event {}: {} coins per {}",
        fetched.coin_config_id, fetched.amount, fetched.event
    );

    // 3. Update: send only the fields that change.
    let updated = match client
        .update_coin_event(&created.coin_config_id)
        .amount(new_coins)
        .send()
        .await
    {
        Ok(updated) => updated,
        Err(e) => return common::fail("updating the coin event", &e),
    };
    println!(
        "updated coin event {}: now {} coins per {}",
        updated.coin_config_id, updated.amount, updated.event
    );
    ExitCode::SUCCESS
}

fn number(name: &str, default: i64) -> Result<i64, String> {
    match common::var(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name} must be a whole number of coins, not {text:?}")),
    }
}
